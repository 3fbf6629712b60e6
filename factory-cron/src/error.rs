//! The error returned when a cron expression is not valid cron syntax.

use std::ops::Range;

/// A cron expression that cronie would reject (or that this crate cannot check).
///
/// `span` is a byte range into the expression given to [`crate::Schedule::parse`], always on
/// char boundaries: the bad field, or the bad part inside it. `message` says what cron expects
/// there; `help`, when present, says how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct CronError {
    /// What is wrong and what cron expects there (lower-case start, no trailing period).
    pub message: String,
    /// How to fix it, when there is something useful to say.
    pub help: Option<String>,
    /// Byte range of the offending text in the expression.
    pub span: Range<usize>,
}

impl CronError {
    pub(crate) fn new(message: impl Into<String>, span: Range<usize>) -> Self {
        CronError {
            message: message.into(),
            help: None,
            span,
        }
    }

    pub(crate) fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}
