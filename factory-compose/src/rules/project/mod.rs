//! FP: the project (GitLab path, required files, CI) and FC901 (suppressions).

use crate::rules::Rule;

/// The rules of this family, sorted by code.
pub(crate) static RULES: &[&dyn Rule] = &[];
