//! Traefik v1 frontend rules: parser, matcher, priorities, route table and conflicts, basic auth.
//!
//! Everything follows Traefik **v1.7.34** (and the `containous/mux` commit it pins), as
//! described in `shared/docs/traefik-v1-rules.md`: the rule lexer (`;`, `:`, `,`), the
//! matchers, the modifiers and their order, StrictSlash redirects and default priorities.
//!
//! ```
//! use factory_route::{Match, Request, Rule};
//!
//! let rule = Rule::parse("Host:example.com;PathPrefixStrip:/api").unwrap();
//! assert_eq!(rule.default_priority(), 37);
//! assert_eq!(rule.domains().unwrap(), Some(vec!["example.com".to_owned()]));
//!
//! let m = rule.matches(&Request::new("Example.com:443", "/api/users"));
//! let Match::Forward(fwd) = m else { panic!("expected a match") };
//! assert_eq!(fwd.path, "/users");
//! assert_eq!(fwd.x_forwarded_prefix.as_deref(), Some("/api"));
//!
//! // Rules Traefik accepts but that can never match are reported as warnings.
//! let rule = Rule::parse("Host:a.com Path:/x").unwrap();
//! assert_eq!(rule.warnings()[0].code(), "FR014");
//! ```
#![forbid(unsafe_code)]

mod auth;
mod error;
mod fixed;
mod lazy_regex;
mod lint;
mod matcher;
mod parse;
mod request;
mod table;
mod template;

pub use auth::{
    AuthError, AuthErrorKind, BasicAuth, DollarFix, HashFormat, User, find_undoubled_dollars,
};
pub use error::{DomainsError, ParseError, ParseErrorKind};
pub use lint::{RuleWarning, WarningKind};
pub use matcher::{Forward, MATCH_WORK, Match, MatchOptions};
pub use parse::{Arg, MatcherName, Rule, Segment, default_priority, parse_domains};
pub use request::{Request, UrlError, parse_query};
pub use table::{
    Compared, Conflict, MAX_COMPARISON_TRIES, Route, RouteTable, Shadow, TRY_WORK, TriesBudget,
};
