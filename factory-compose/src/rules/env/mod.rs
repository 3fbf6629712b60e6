//! FE: variables and interpolation.

pub(crate) mod dotenv_shell_syntax;
pub(crate) mod duplicate_environment_variable;
pub(crate) mod invalid_dotenv;
pub(crate) mod invalid_interpolation;
pub(crate) mod legacy_compose_interpolation;
pub(crate) mod literal_secret;
pub(crate) mod malformed_environment_item;
pub(crate) mod misconfigured_secret;
pub(crate) mod required_variable_missing;
pub(crate) mod unset_variable;
pub(crate) mod variable_not_provided;

use crate::rules::Rule;

/// The rules of this family, sorted by code.
pub(crate) static RULES: &[&dyn Rule] = &[
    &invalid_interpolation::InvalidInterpolation,
    &unset_variable::UnsetVariable,
    &required_variable_missing::RequiredVariableMissing,
    &invalid_dotenv::InvalidDotenv,
    &dotenv_shell_syntax::DotenvShellSyntax,
    &misconfigured_secret::MisconfiguredSecret,
    &variable_not_provided::VariableNotProvided,
    &literal_secret::LiteralSecret,
    &malformed_environment_item::MalformedEnvironmentItem,
    &duplicate_environment_variable::DuplicateEnvironmentVariable,
    &legacy_compose_interpolation::LegacyComposeInterpolation,
];
