use crate::diagnostic::Diagnostics;
use crate::rules::{Context, Rule, declare_rule, registry};

declare_rule! {
    /// ## What it does
    /// Reports a file of the platform's minimal project that is missing from the project
    /// directory: `Dockerfile` (or a `Dockerfile.NAME`), `docker-compose.yml`, `.gitlab-ci.yml`
    /// and `.env`. Also reports a `docker-compose.yml` that is not checked because Compose
    /// reads a `compose.yaml` or `compose.yml` beside it first. The diagnostic has no place in a
    /// file. Checked when the caller lists the project directory (`factory lint` does).
    ///
    /// ## Why is this bad?
    /// Each file has a role in a deploy: the Dockerfile builds the image in CI,
    /// `docker-compose.yml` is what `deploy-master` reads (unless given `-f`), `.gitlab-ci.yml`
    /// runs the build and the deploy, and `.env` reproduces the CI variables locally so that
    /// the compose file behaves the same on a laptop and in CI.
    ///
    /// ## Example
    /// ```yaml
    /// # compose.yaml, alone in the project directory
    /// services:
    ///   app:
    ///     image: ${CI_REGISTRY_IMAGE}/app:${CI_COMMIT_SHA}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// # docker-compose.yml, beside Dockerfile, .gitlab-ci.yml and .env
    /// services:
    ///   app:
    ///     image: ${CI_REGISTRY_IMAGE}/app:${CI_COMMIT_SHA}
    /// ```
    pub(crate) struct MissingProjectFile {
        code: "FP002",
        name: "missing-project-file",
        severity: Warning,
        summary: "a required project file is missing (`Dockerfile`, `docker-compose.yml`, `.gitlab-ci.yml`, `.env`)",
    }
}

impl Rule for MissingProjectFile {
    fn info(&self) -> &'static crate::rules::RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Diagnostics) {
        let Some(files) = &cx.settings.project_files else {
            return;
        };
        let has = |name: &str| files.iter().any(|f| f == name);
        let has_dockerfile = files
            .iter()
            .any(|f| f == "Dockerfile" || f.starts_with("Dockerfile."));
        if !has_dockerfile {
            out.push(
                registry::diagnostic("FP002", "the project has no `Dockerfile`").with_help(
                    "add a `Dockerfile` (or `Dockerfile.NAME` per image) that builds the application's image: CI builds and pushes it, the platform never builds at deploy time",
                ),
            );
        }
        if !has("docker-compose.yml") {
            let other = ["compose.yaml", "compose.yml", "docker-compose.yaml"]
                .into_iter()
                .find(|n| has(n));
            let help = match other {
                Some(n) => format!(
                    "rename `{n}` to `docker-compose.yml`: `deploy-master` reads `docker-compose.yml` unless its `-f` option names another file"
                ),
                None => {
                    "add a `docker-compose.yml` describing the services: `deploy-master` deploys it"
                        .to_owned()
                }
            };
            out.push(
                registry::diagnostic("FP002", "the project has no `docker-compose.yml`")
                    .with_help(help),
            );
        }
        // Compose prefers `compose.yaml`/`compose.yml`: the file the platform deploys would go
        // unchecked (and Compose only warns that it found several).
        let linted = |name: &str| {
            cx.sources.of_kind(crate::FileKind::Compose).any(|id| {
                std::path::Path::new(&cx.sources.get(id).name)
                    .file_name()
                    .is_some_and(|n| n == name)
            })
        };
        let preferred = ["compose.yaml", "compose.yml"]
            .into_iter()
            .find(|n| linted(n));
        if has("docker-compose.yml")
            && !linted("docker-compose.yml")
            && let Some(read) = preferred
        {
            out.push(
                registry::diagnostic(
                    "FP002",
                    format!(
                        "`docker-compose.yml`, the file `deploy-master` deploys, is not the one checked: Compose reads `{read}` first"
                    ),
                )
                .with_help(
                    "keep one compose file: move what `docker-compose.yml` should deploy into it and remove the other, or check it with `-f docker-compose.yml`",
                ),
            );
        }
        if !has(".gitlab-ci.yml") {
            out.push(
                registry::diagnostic("FP002", "the project has no `.gitlab-ci.yml`").with_help(
                    "add a `.gitlab-ci.yml` that builds and pushes the images and deploys with `deploy-master` (see the manual's example)",
                ),
            );
        }
        if !has(".env") {
            out.push(
                registry::diagnostic("FP002", "the project has no `.env`").with_help(
                    "add a `.env` that reproduces the CI variables locally: `CI_REGISTRY_IMAGE`, `CI_COMMIT_SHA`, `CI_ENVIRONMENT_NAME`, `CI_ENVIRONMENT_DOMAIN`",
                ),
            );
        }
    }
}
