//! FC: compose structure and the Factory contract.

pub(crate) mod absolute_bind_mount;
pub(crate) mod dependency_cycle;
pub(crate) mod docker_socket_mounted;
pub(crate) mod duplicate_key;
pub(crate) mod env_file_used;
pub(crate) mod extension_field;
pub(crate) mod image_without_tag;
pub(crate) mod invalid_expose;
pub(crate) mod invalid_extra_hosts;
pub(crate) mod invalid_healthcheck;
pub(crate) mod invalid_image_reference;
pub(crate) mod invalid_logging;
pub(crate) mod invalid_restart;
pub(crate) mod invalid_service_name;
pub(crate) mod invalid_version;
pub(crate) mod invalid_volume;
pub(crate) mod invalid_yaml;
pub(crate) mod links_deprecated;
pub(crate) mod missing_image;
pub(crate) mod non_string_value;
pub(crate) mod ports_deprecated;
pub(crate) mod scalar_changes_meaning;
pub(crate) mod service_key_not_allowed;
pub(crate) mod top_level_key_not_allowed;
pub(crate) mod unbalanced_command_quotes;
pub(crate) mod unknown_service;
pub(crate) mod unused_suppression;
pub(crate) mod wrong_shape;
pub(crate) mod wrong_type;
pub(crate) mod yaml_limit_exceeded;

/// The findings of rule `code` (FC001, FC003, FC004) on the YAML of the project's
/// `.gitlab-ci.yml` files ([`crate::load::gitlab_ci_problem`]); a compose file's are reported as
/// it loads.
pub(crate) fn gitlab_ci_findings<'c>(
    cx: &'c crate::rules::Context<'_>,
    code: &'static str,
) -> impl Iterator<Item = crate::diagnostic::Diagnostic> + 'c {
    cx.gitlab_ci().iter().flat_map(move |(id, ci)| {
        let text = &cx.sources.get(*id).text;
        ci.problems
            .iter()
            .filter_map(move |problem| crate::load::gitlab_ci_problem(problem, *id, text))
            .filter(move |d| d.code == code)
    })
}
