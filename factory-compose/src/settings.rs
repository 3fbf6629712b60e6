//! What a run of the rules depends on besides the files: resolved, no `Option`s left to guess.

use crate::yaml::Limits;

/// Development or deploy (SPEC §4).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Mode {
    /// `docker compose` on a developer's machine: process env + `.env`.
    #[default]
    Dev,
    /// Deployed by the platform to the named environment (`-e production`).
    Deploy {
        /// The environment name as given.
        environment: String,
        /// The environment's URL (`--url`); its host is `CI_ENVIRONMENT_DOMAIN`.
        url: Option<String>,
    },
}

/// Settings every phase reads.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// YAML budgets.
    pub limits: Limits,
    /// Development or deploy.
    pub mode: Mode,
    /// The GitLab `group/project` path (`CI_PROJECT_PATH`), when known.
    pub project_path: Option<String>,
    /// The Compose project name (`-p`, else normalised from the path or directory).
    pub project_name: Option<String>,
    /// Whether [`Settings::project_name`] is only the directory's (no `-p`, `CI_PROJECT_PATH` or
    /// `COMPOSE_PROJECT_NAME` in the process gave one): then, as in Compose, a
    /// `COMPOSE_PROJECT_NAME` in `.env` (development) or a top-level `name:` of the compose files
    /// names the project instead ([`crate::Loaded::project_name`]).
    pub project_name_inferred: bool,
    /// Print secret values in diagnostics instead of `********` (`--show-secrets`).
    pub show_secrets: bool,
    /// The names of the files in the project directory (`Dockerfile`, `.env` …), when the caller
    /// listed it; `None` (a library caller that did not) turns off the missing-file rule (FP002).
    pub project_files: Option<Vec<String>>,
    /// The project directory, absolute (given by the caller; `config` resolves relative paths
    /// against it).
    pub project_dir: Option<String>,
    /// How many threads the rules may share on a large project (0 or 1: the calling thread
    /// only). The output is the same whatever the count: each rule's findings keep their place.
    pub threads: usize,
    /// Files the project names that the caller did not read because they lie past its depth
    /// budget (the CLI reads what `include` and `extends` name 16 levels deep): a reference to
    /// one is FC004 where it is written, not a missing file (FC029).
    pub unread_files: Vec<String>,
}

impl Settings {
    /// Whether the project is linted as deployed.
    #[must_use]
    pub fn is_deploy(&self) -> bool {
        matches!(self.mode, Mode::Deploy { .. })
    }
}
