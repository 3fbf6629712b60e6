//! Errors raised while parsing a rule, and by `ParseDomains`.

use std::ops::Range;

/// What kind of parse error Traefik raises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParseErrorKind {
    /// The rule is the empty string.
    EmptyRule,
    /// A `;`-segment has no `:`-field at all (e.g. `:`).
    EmptySegment,
    /// The matcher name is not one Traefik knows (names are case-sensitive).
    UnknownFunction,
    /// A matcher without arguments (`Host`, `Host:`).
    MissingArguments,
    /// `Headers`/`HeadersRegexp` with an odd number of parameters.
    OddHeaderParameters,
    /// `Query` whose `=`-split parameters are odd in number (`Query:foo`).
    InvalidQuery,
    /// A `HeadersRegexp` value or a `Query` template that mux refuses.
    InvalidPattern,
    /// A `HeadersRegexp` value Go compiles but whose program is past factory's size budget:
    /// Traefik loads the rule, factory cannot build (nor check) it.
    RegexTooBig,
}

/// A rule Traefik refuses to load.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ParseError {
    /// The kind of error.
    pub kind: ParseErrorKind,
    /// Byte span of the offending part inside the rule text.
    pub span: Range<usize>,
    /// What is wrong (lower-case, no trailing period).
    pub message: String,
    /// What to do about it.
    pub help: Option<String>,
    pub(crate) traefik: String,
}

impl ParseError {
    /// The exact error text Traefik v1.7.34's `Rules.Parse` returns.
    pub fn traefik_message(&self) -> &str {
        &self.traefik
    }
}

/// `ParseDomains` failed (the rule does not lex, or a `Host` argument is empty).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct DomainsError {
    /// Byte span of the offending part inside the rule text.
    pub span: Range<usize>,
    /// What is wrong.
    pub message: String,
    pub(crate) traefik: String,
}

impl DomainsError {
    /// The exact error text Traefik v1.7.34's `ParseDomains` returns.
    pub fn traefik_message(&self) -> &str {
        &self.traefik
    }
}
