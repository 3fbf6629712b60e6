//! FE: variables and interpolation.

pub(crate) mod invalid_dotenv;
pub(crate) mod invalid_interpolation;
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
    &variable_not_provided::VariableNotProvided,
];
