//! Understand a Docker Compose project deployed on the Factory platform, before it is deployed.
//!
//! The pipeline: files (read by the caller) → [`yaml`] span trees → [`model::Project`] →
//! rules → [`Diagnostic`]s → a reporter ([`report`]). Library code never reads files, the
//! environment or the clock, and never prints.
//!
//! ```
//! use factory_compose::{FileKind, Settings, SourceFile, SourceMap, lint};
//!
//! let mut sources = SourceMap::new();
//! sources.add(SourceFile::new(
//!     "docker-compose.yml",
//!     "services:\n  app:\n    image: registry/app\n    env_file: .env\n",
//!     FileKind::Compose,
//! ));
//! let report = lint(&sources, &Settings::default());
//! let codes: Vec<_> = report.diagnostics.iter().map(|d| d.code).collect();
//! assert!(codes.contains(&"FC013")); // env_file is forbidden
//! assert!(report.has_errors());
//! ```
#![forbid(unsafe_code)]

pub mod diagnostic;
pub mod image_ref;
pub mod line_index;
mod load;
pub mod model;
pub mod platform;
pub mod report;
pub mod rules;
pub mod settings;
pub mod source;
pub mod span;
pub mod volume;
pub mod yaml;

pub use diagnostic::{Diagnostic, Edit, Fix, Label, Severity};
pub use line_index::{LineCol, LineIndex};
pub use report::Report;
pub use rules::RuleInfo;
pub use settings::{Mode, Settings};
pub use source::{FileKind, SourceFile, SourceMap};
pub use span::{FileId, Location, Span};

/// Lint a project: every compose file's syntax, then the rules over the model.
///
/// Files are taken from `sources` in the order they were added; the first compose file is the
/// one modelled (multi-file merging comes with the project loader).
#[must_use]
pub fn lint(sources: &SourceMap, settings: &Settings) -> Report {
    let mut diagnostics = Vec::new();
    let mut first_tree = None;
    for id in sources.of_kind(FileKind::Compose) {
        let file = sources.get(id);
        let tree = load::parse_file(&file.text, id, &settings.limits, &mut diagnostics);
        if first_tree.is_none() {
            first_tree = Some(tree);
        }
    }
    if let Some(tree) = first_tree {
        let project = model::build(tree, &mut diagnostics);
        let cx = rules::Context {
            project: &project,
            sources,
            settings,
        };
        rules::run(&cx, &mut diagnostics);
    }
    Report::new(diagnostics)
}
