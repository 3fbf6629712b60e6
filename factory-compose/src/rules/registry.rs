//! Code → rule. The only list of rules: adding a rule touches its file, one line here, a fixture
//! and an accepted snapshot.

use super::{Rule, RuleInfo, cron, dockerfile, env, managed, project, route, structure as fc};
use crate::diagnostic::{Diagnostic, Severity};

/// The FC rules, sorted by code (the other families keep their list in their `mod.rs`).
pub(crate) static FC_RULES: &[&dyn Rule] = &[
    &fc::invalid_yaml::InvalidYaml,
    &fc::wrong_shape::WrongShape,
    &fc::duplicate_key::DuplicateKey,
    &fc::yaml_limit_exceeded::YamlLimitExceeded,
    &fc::top_level_key_not_allowed::TopLevelKeyNotAllowed,
    &fc::extension_field::ExtensionField,
    &fc::service_key_not_allowed::ServiceKeyNotAllowed,
    &fc::env_file_used::EnvFileUsed,
    &fc::links_deprecated::LinksDeprecated,
    &fc::ports_deprecated::PortsDeprecated,
    &fc::invalid_version::InvalidVersion,
    &fc::wrong_type::WrongType,
    &fc::non_string_value::NonStringValue,
    &fc::scalar_changes_meaning::ScalarChangesMeaning,
    &fc::invalid_expose::InvalidExpose,
    &fc::invalid_restart::InvalidRestart,
    &fc::invalid_healthcheck::InvalidHealthcheck,
    &fc::invalid_volume::InvalidVolume,
    &fc::absolute_bind_mount::AbsoluteBindMount,
    &fc::invalid_extra_hosts::InvalidExtraHosts,
    &fc::unknown_service::UnknownService,
    &fc::dependency_cycle::DependencyCycle,
    &fc::invalid_logging::InvalidLogging,
    &fc::missing_image::MissingImage,
    &fc::invalid_image_reference::InvalidImageReference,
    &fc::image_without_tag::ImageWithoutTag,
    &fc::invalid_service_name::InvalidServiceName,
    &fc::unbalanced_command_quotes::UnbalancedCommandQuotes,
    &fc::docker_socket_mounted::DockerSocketMounted,
    &fc::unused_suppression::UnusedSuppression,
];

/// Every family's rules, in the order codes sort: FC, FD, FE, FJ, FM, FP, FR.
static FAMILIES: &[&[&dyn Rule]] = &[
    FC_RULES,
    dockerfile::RULES,
    env::RULES,
    cron::RULES,
    managed::RULES,
    project::RULES,
    route::RULES,
];

/// Every rule, sorted by code.
pub(crate) fn rules() -> impl Iterator<Item = &'static dyn Rule> {
    FAMILIES.iter().flat_map(|f| f.iter().copied())
}

/// The metadata of every rule, sorted by code.
pub fn all() -> impl Iterator<Item = &'static RuleInfo> {
    rules().map(|r| r.info())
}

/// The rule with this code (case-insensitive), or with this kebab-case name.
#[must_use]
pub fn find(code_or_name: &str) -> Option<&'static RuleInfo> {
    all().find(|r| r.code.eq_ignore_ascii_case(code_or_name) || r.name == code_or_name)
}

/// A diagnostic of rule `code` at its default severity.
///
/// # Panics
/// If `code` is not a registered rule (a programming error caught by the registry tests).
#[must_use]
pub(crate) fn diagnostic(code: &'static str, message: impl Into<String>) -> Diagnostic {
    let severity =
        find(code).map_or_else(|| panic!("unregistered rule code {code}"), |r| r.severity);
    Diagnostic::new(code, severity, message)
}

/// The default severity of `code`.
#[must_use]
pub fn severity(code: &str) -> Option<Severity> {
    find(code).map(|r| r.severity)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_sorted() {
        let codes: Vec<_> = all().map(|r| r.code).collect();
        let mut sorted = codes.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(
            codes, sorted,
            "rule codes must be unique and listed in order"
        );
    }

    #[test]
    fn every_rule_has_the_documentation_sections() {
        for r in all() {
            let docs = r.documentation();
            for section in [
                "## What it does",
                "## Why is this bad?",
                "## Example",
                "Use instead:",
            ] {
                assert!(
                    docs.contains(section),
                    "{} lacks `{section}` in its doc comment",
                    r.code
                );
            }
            assert!(!r.summary.is_empty(), "{} has no summary", r.code);
            assert!(
                r.name.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{} name",
                r.code
            );
        }
    }
}
