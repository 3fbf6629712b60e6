//! FP: the project (GitLab path, required files, CI) and FC901 (suppressions).

pub(crate) mod automatic_production_deploy;
pub(crate) mod missing_project_file;
pub(crate) mod project_path_too_long;

use crate::rules::Rule;

/// The rules of this family, sorted by code.
pub(crate) static RULES: &[&dyn Rule] = &[
    &project_path_too_long::ProjectPathTooLong,
    &missing_project_file::MissingProjectFile,
    &automatic_production_deploy::AutomaticProductionDeploy,
];
