//! Understand a Docker Compose project deployed on the Factory platform, before it is deployed.
//!
//! The pipeline: files (read by the caller) → [`yaml`] span trees → interpolation with the
//! project's variables → [`model::Project`] → rules → [`Diagnostic`]s → a reporter
//! ([`report`]). Library code never reads files, the environment or the clock, and never prints:
//! the caller passes the files' text and the process environment in.
//!
//! ```
//! use factory_compose::{FileKind, ProcessEnv, Settings, SourceFile, SourceMap, lint};
//!
//! let mut sources = SourceMap::new();
//! sources.add(SourceFile::new(
//!     "docker-compose.yml",
//!     "services:\n  app:\n    image: ${REGISTRY}/app:1.0\n    env_file: .env\n",
//!     FileKind::Compose,
//! ));
//! sources.add(SourceFile::new(".env", "REGISTRY=registry.example\n", FileKind::Dotenv));
//! let report = lint(&sources, &ProcessEnv::default(), &Settings::default());
//! let codes: Vec<_> = report.diagnostics.iter().map(|d| d.code).collect();
//! assert_eq!(codes, ["FC013"]); // env_file is forbidden; the image interpolates fine
//! assert!(report.has_errors());
//! ```
#![forbid(unsafe_code)]

pub mod diagnostic;
pub mod environment;
pub mod fix;
pub mod image_ref;
pub mod interpolate;
pub mod line_index;
mod load;
mod locate;
pub mod merge;
pub mod model;
pub mod platform;
pub mod report;
pub mod rules;
pub mod settings;
pub mod source;
pub mod span;
pub mod suppress;
pub mod volume;
pub mod yaml;

pub use diagnostic::{Diagnostic, Edit, Fix, Label, Severity};
pub use environment::ProcessEnv;
pub use interpolate::Interpolation;
pub use line_index::{LineCol, LineIndex};
pub use report::Report;
pub use rules::RuleInfo;
pub use settings::{Mode, Settings};
pub use source::{FileKind, SourceFile, SourceMap};
pub use span::{FileId, Location, Span};

/// A project loaded from its sources: the model, the variables it was interpolated with, and
/// what loading found wrong.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The model (after interpolation).
    pub project: model::Project,
    /// The variables of the run's environment.
    pub variables: factory_env::Variables,
    /// The `.env` entries (development; kept in deploy mode for explanations).
    pub dotenv: environment::DotenvFiles,
    /// Every variable use, and the raw text of interpolated scalars.
    pub interpolation: Interpolation,
    /// Problems found while loading (YAML, shape, types, interpolation, `.env`).
    pub diagnostics: Vec<Diagnostic>,
}

/// Parse, merge, interpolate and model a project. Compose files are taken from `sources` in
/// the order they were added and merged as `docker compose -f a -f b` does ([`merge`]).
#[must_use]
pub fn load(sources: &SourceMap, process: &ProcessEnv, settings: &Settings) -> Loaded {
    let mut diagnostics = Vec::new();
    let mut trees = Vec::new();
    for id in sources.of_kind(FileKind::Compose) {
        let file = sources.get(id);
        trees.push(load::parse_file(
            &file.text,
            id,
            &settings.limits,
            &mut diagnostics,
        ));
    }
    let dotenv = environment::parse_dotenv(sources, process, &mut diagnostics);
    let variables = environment::variables(sources, &trees, process, &dotenv, settings);
    let mut tree = merge::merge(trees);
    let interpolation =
        interpolate::run(&mut tree, sources, &variables, settings, &mut diagnostics);
    let project = model::build(tree, &mut diagnostics);
    Loaded {
        project,
        variables,
        dotenv,
        interpolation,
        diagnostics,
    }
}

/// Lint a project: load it, run every rule over the model, then drop what inline
/// `# factory: ignore=…` comments silence ([`suppress::apply_inline`]).
#[must_use]
pub fn lint(sources: &SourceMap, process: &ProcessEnv, settings: &Settings) -> Report {
    let loaded = load(sources, process, settings);
    let mut diagnostics = loaded.diagnostics.clone();
    let cx = rules::Context {
        project: &loaded.project,
        sources,
        settings,
        variables: &loaded.variables,
        interpolation: &loaded.interpolation,
        dotenv: &loaded.dotenv,
    };
    rules::run(&cx, &mut diagnostics);
    suppress::apply_inline(Report::new(diagnostics), sources)
}
