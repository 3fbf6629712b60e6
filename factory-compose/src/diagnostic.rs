//! The one diagnostic type every rule reports.

use serde::Serialize;

use crate::span::Location;

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Deploy would fail or misbehave.
    Error,
    /// Likely mistake or deprecated.
    Warning,
    /// Worth knowing.
    Info,
}

impl Severity {
    /// `error`, `warning` or `info`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Error => "error",
            Self::Warning => "warning",
            Self::Info => "info",
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A place in a file with an optional note, e.g. "first defined here".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    /// Where.
    pub location: Location,
    /// What the place is, shown beside the caret.
    pub text: Option<String>,
}

impl Label {
    /// A label at `location` with a note.
    #[must_use]
    pub fn new(location: Location, text: impl Into<String>) -> Self {
        Self {
            location,
            text: Some(text.into()),
        }
    }
}

/// A text replacement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// The bytes to replace.
    pub location: Location,
    /// The new text.
    pub replacement: String,
}

/// A fix a rule offers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    /// What the fix does, imperative ("quote the value").
    pub title: String,
    /// The edits, non-overlapping.
    pub edits: Vec<Edit>,
}

/// One finding: a rule code, a severity, a message, where, and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The rule code, e.g. `FC034`.
    pub code: &'static str,
    /// The severity (the rule's default unless configuration overrides it).
    pub severity: Severity,
    /// What is wrong.
    pub message: String,
    /// Where it is wrong, with an optional note; `None` for a project-level finding with no place.
    pub primary: Option<Label>,
    /// Other places that explain the finding.
    pub secondary: Vec<Label>,
    /// What to do about it.
    pub help: Option<String>,
    /// A machine-applicable fix, when one is safe.
    pub fix: Option<Fix>,
}

impl Diagnostic {
    /// A diagnostic of rule `code` with its default `severity`.
    #[must_use]
    pub fn new(code: &'static str, severity: Severity, message: impl Into<String>) -> Self {
        Self {
            code,
            severity,
            message: message.into(),
            primary: None,
            secondary: Vec::new(),
            help: None,
            fix: None,
        }
    }

    /// Point at `location`.
    #[must_use]
    pub fn at(mut self, location: Location) -> Self {
        self.primary = Some(Label {
            location,
            text: None,
        });
        self
    }

    /// Point at `location` with a note beside the caret.
    #[must_use]
    pub fn at_labelled(mut self, location: Location, text: impl Into<String>) -> Self {
        self.primary = Some(Label::new(location, text));
        self
    }

    /// Point at `at`, or, when the value was inherited through a merge key, at the `<<` line
    /// `via` with a secondary label on the anchor's definition `at`.
    #[must_use]
    pub fn at_inherited(self, at: Location, via: Option<Location>) -> Self {
        match via {
            Some(via) => self.at(via).with_secondary(at, "inherited from here"),
            None => self.at(at),
        }
    }

    /// Add a secondary place.
    #[must_use]
    pub fn with_secondary(mut self, location: Location, text: impl Into<String>) -> Self {
        self.secondary.push(Label::new(location, text));
        self
    }

    /// Say what to do.
    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Offer a fix.
    #[must_use]
    pub fn with_fix(mut self, fix: Fix) -> Self {
        self.fix = Some(fix);
        self
    }

    /// The sort key SPEC §5 orders diagnostics by: file, line, column (here byte offset, which
    /// orders the same within a file), code. Project-level diagnostics come last.
    #[must_use]
    pub fn sort_key(&self) -> (u8, u16, u32, &'static str, u32) {
        match &self.primary {
            Some(l) => (
                0,
                l.location.file.0,
                l.location.span.start,
                self.code,
                l.location.span.end,
            ),
            None => (1, 0, 0, self.code, 0),
        }
    }
}
