//! The rule parser: exactly how Traefik v1.7.34's `parseRules` splits a rule, plus the
//! route building (`Rules.Parse`) that can still fail on mux errors.

use crate::error::{DomainsError, ParseError, ParseErrorKind};
use crate::lazy_regex::LazyRegex;
use crate::template::{
    RouteVars, Template, TemplateError, TemplateKind, compile_go_regex, go_quote, lazy_go_regex,
};
use regex::Regex;
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::ops::Range;

/// The matcher and modifier names Traefik v1 knows (case-sensitive).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MatcherName {
    /// `Host:a.com,b.com`.
    Host,
    /// `HostRegexp:{sub:[a-z]+}.a.com`.
    HostRegexp,
    /// `Path:/exact`.
    Path,
    /// `PathStrip:/exact`.
    PathStrip,
    /// `PathStripRegex:/api/{v}`.
    PathStripRegex,
    /// `PathPrefix:/prefix`.
    PathPrefix,
    /// `PathPrefixStrip:/prefix`.
    PathPrefixStrip,
    /// `PathPrefixStripRegex:/api/{v}`.
    PathPrefixStripRegex,
    /// `Method:GET,POST`.
    Method,
    /// `Headers:K,V[,K,V…]`.
    Headers,
    /// `HeadersRegexp:K,RE[,K,RE…]`.
    HeadersRegexp,
    /// `AddPrefix:/p`.
    AddPrefix,
    /// `ReplacePath:/x`.
    ReplacePath,
    /// `ReplacePathRegex:RE REPLACEMENT`.
    ReplacePathRegex,
    /// `Query:k=v`.
    Query,
}

impl MatcherName {
    /// Every name, in Traefik's documentation order.
    pub const ALL: [MatcherName; 15] = [
        MatcherName::Host,
        MatcherName::HostRegexp,
        MatcherName::Path,
        MatcherName::PathStrip,
        MatcherName::PathStripRegex,
        MatcherName::PathPrefix,
        MatcherName::PathPrefixStrip,
        MatcherName::PathPrefixStripRegex,
        MatcherName::Method,
        MatcherName::Headers,
        MatcherName::HeadersRegexp,
        MatcherName::AddPrefix,
        MatcherName::ReplacePath,
        MatcherName::ReplacePathRegex,
        MatcherName::Query,
    ];

    /// The name as written in a rule.
    pub fn as_str(self) -> &'static str {
        match self {
            MatcherName::Host => "Host",
            MatcherName::HostRegexp => "HostRegexp",
            MatcherName::Path => "Path",
            MatcherName::PathStrip => "PathStrip",
            MatcherName::PathStripRegex => "PathStripRegex",
            MatcherName::PathPrefix => "PathPrefix",
            MatcherName::PathPrefixStrip => "PathPrefixStrip",
            MatcherName::PathPrefixStripRegex => "PathPrefixStripRegex",
            MatcherName::Method => "Method",
            MatcherName::Headers => "Headers",
            MatcherName::HeadersRegexp => "HeadersRegexp",
            MatcherName::AddPrefix => "AddPrefix",
            MatcherName::ReplacePath => "ReplacePath",
            MatcherName::ReplacePathRegex => "ReplacePathRegex",
            MatcherName::Query => "Query",
        }
    }

    /// Looks a name up exactly as Traefik does (case-sensitive).
    pub fn from_name(name: &str) -> Option<MatcherName> {
        // A match rather than a scan of `ALL` comparing every name.
        Some(match name {
            "Host" => MatcherName::Host,
            "HostRegexp" => MatcherName::HostRegexp,
            "Path" => MatcherName::Path,
            "PathStrip" => MatcherName::PathStrip,
            "PathStripRegex" => MatcherName::PathStripRegex,
            "PathPrefix" => MatcherName::PathPrefix,
            "PathPrefixStrip" => MatcherName::PathPrefixStrip,
            "PathPrefixStripRegex" => MatcherName::PathPrefixStripRegex,
            "Method" => MatcherName::Method,
            "Headers" => MatcherName::Headers,
            "HeadersRegexp" => MatcherName::HeadersRegexp,
            "AddPrefix" => MatcherName::AddPrefix,
            "ReplacePath" => MatcherName::ReplacePath,
            "ReplacePathRegex" => MatcherName::ReplacePathRegex,
            "Query" => MatcherName::Query,
            _ => return None,
        })
    }

    /// Whether this name only rewrites the request and never restricts matching.
    pub fn is_pure_modifier(self) -> bool {
        matches!(
            self,
            MatcherName::AddPrefix | MatcherName::ReplacePath | MatcherName::ReplacePathRegex
        )
    }
}

/// A byte range in 8 bytes: into the rule text (spans), or into the rule's texts (the rule
/// text followed by the texts Traefik derives from it: `::`-collapsed arguments, lower-cased
/// hosts, upper-cased methods; the rule borrows the first and keeps the others, see
/// [`Rule::buf_str`]).
///
/// Offsets past `u32::MAX` cannot occur: [`Rule::parse`] refuses longer rules.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Sp {
    start: u32,
    end: u32,
}

impl Sp {
    pub(crate) fn new(r: &Range<usize>) -> Sp {
        Sp {
            start: u32::try_from(r.start).unwrap_or(u32::MAX),
            end: u32::try_from(r.end).unwrap_or(u32::MAX),
        }
    }

    pub(crate) fn range(self) -> Range<usize> {
        self.start as usize..self.end as usize
    }

    pub(crate) fn is_empty(self) -> bool {
        self.end <= self.start
    }
}

/// One argument of a matcher, after Traefik's splitting and trimming (borrowed from its
/// [`Rule`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arg<'r> {
    /// The argument as Traefik sees it (trimmed; a `::` inside collapsed to `:`).
    pub text: &'r str,
    /// Byte span of the argument in the rule text.
    pub span: Range<usize>,
}

/// An argument as a rule stores it: its text in the rule's texts, its span in the rule text.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct ArgData {
    text: Sp,
    span: Sp,
}

/// A segment's arguments as its rule stores them: the only one in the segment itself, when its
/// text is its span in the rule text (most segments have one argument, not re-joined after a
/// `::`: no separate allocation of arguments for most rules), else a range of the rule's other
/// arguments ([`Extra::args`]).
#[derive(Debug, Clone, Copy)]
enum SegArgs {
    One(Sp),
    Shared(Sp),
}

/// A segment as a rule stores it.
#[derive(Debug, Clone)]
pub(crate) struct Seg {
    name: MatcherName,
    name_span: Sp,
    span: Sp,
    args: SegArgs,
    compiled: Compiled,
}

// A rule of two segments takes 112 bytes (a project may have thousands of rules).
#[cfg(target_pointer_width = "64")]
const _: () = assert!(std::mem::size_of::<Seg>() == 56);

/// One `;`-separated segment of a [`Rule`]: a matcher name and its arguments.
#[derive(Clone, Copy)]
pub struct Segment<'r> {
    rule: &'r Rule<'r>,
    seg: &'r Seg,
}

impl std::fmt::Debug for Segment<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Segment")
            .field("name", &self.seg.name)
            .field("span", &self.span())
            .field("args", &self.args().collect::<Vec<_>>())
            .finish()
    }
}

impl<'r> Segment<'r> {
    /// The matcher or modifier name.
    pub fn name(&self) -> MatcherName {
        self.seg.name
    }
    /// Byte span of the name in the rule text.
    pub fn name_span(&self) -> Range<usize> {
        self.seg.name_span.range()
    }
    /// Byte span of the whole segment (trimmed) in the rule text.
    pub fn span(&self) -> Range<usize> {
        self.seg.span.range()
    }
    /// The arguments, in order.
    pub fn args(self) -> impl ExactSizeIterator<Item = Arg<'r>> + DoubleEndedIterator + Clone {
        let rule = self.rule;
        rule.arg_data(self.seg.args).map(move |a| Arg {
            text: rule.buf_str(a.text),
            span: a.span.range(),
        })
    }
    /// What the segment contributes to matching.
    pub(crate) fn compiled(&self) -> &'r Compiled {
        &self.seg.compiled
    }
    /// The argument texts, in order.
    fn arg_texts(self) -> impl Iterator<Item = &'r str> + Clone {
        let rule = self.rule;
        rule.arg_data(self.seg.args)
            .map(move |a| rule.buf_str(a.text))
    }
    /// A `Host` segment's hosts, lower-cased (empty for any other segment).
    pub(crate) fn hosts(self) -> impl Iterator<Item = &'r str> + Clone {
        let (own, lowered): (Option<_>, &[Sp]) = match &self.seg.compiled {
            Compiled::Host(None) => (Some(self.arg_texts()), &[]),
            Compiled::Host(Some(l)) => (None, l),
            _ => (None, &[]),
        };
        let rule = self.rule;
        own.into_iter()
            .flatten()
            .chain(lowered.iter().map(move |s| rule.buf_str(*s)))
    }
    /// A `Method` segment's methods, upper-cased (empty for any other segment).
    pub(crate) fn methods(self) -> impl Iterator<Item = &'r str> + Clone {
        let methods: &[Sp] = match &self.seg.compiled {
            Compiled::Method(m) => m,
            _ => &[],
        };
        let rule = self.rule;
        methods.iter().map(move |s| rule.buf_str(*s))
    }
    /// A `PathPrefix`/`PathPrefixStrip` segment's alternatives, in the order mux tries them
    /// (empty for any other segment).
    pub(crate) fn prefixes(self) -> impl Iterator<Item = Prefix<'r>> + Clone {
        let (own, listed): (Option<_>, &[PrefixAlt]) = match &self.seg.compiled {
            Compiled::Prefix(None) => (Some(self.arg_texts().map(Prefix::Plain)), &[]),
            Compiled::Prefix(Some(l)) => (None, l),
            _ => (None, &[]),
        };
        let rule = self.rule;
        own.into_iter()
            .flatten()
            .chain(listed.iter().map(move |a| match a {
                PrefixAlt::Plain(s) => Prefix::Plain(rule.buf_str(*s)),
                PrefixAlt::Template(t) => Prefix::Template(t),
            }))
    }
}

/// A template alternative: mux may have refused it, in which case it never matches.
pub(crate) type Alt = Result<Template, TemplateError>;

/// A stored `PathPrefix` alternative: a plain string prefix (no `{`, text in the rule's
/// texts) or a mux template.
#[derive(Debug, Clone)]
pub(crate) enum PrefixAlt {
    Plain(Sp),
    Template(Box<Alt>),
}

/// A `PathPrefix` alternative as matching reads it.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Prefix<'r> {
    Plain(&'r str),
    Template(&'r Alt),
}

/// The templates of `Path`, `PathStrip`, `PathStripRegex`, built with strict slash (Traefik's
/// default), and without it on first use (only a `keep_trailing_slash` router reads them).
#[derive(Debug, Clone)]
pub(crate) struct PathAlts {
    pub(crate) strict: Box<[Alt]>,
    loose: std::sync::OnceLock<Box<[Alt]>>,
}

/// What a segment contributes to matching. Texts are ranges of the rule's texts.
#[derive(Debug, Clone)]
pub(crate) enum Compiled {
    /// The lower-cased hosts; `None`: the arguments, already lower-case.
    Host(Option<Box<[Sp]>>),
    HostRegexp(Box<[Alt]>),
    /// `Path`, `PathStrip`, `PathStripRegex`.
    Path(Box<PathAlts>),
    /// `PathPrefix`, `PathPrefixStrip`; `None`: the arguments in order, none a template.
    Prefix(Option<Box<[PrefixAlt]>>),
    /// `PathPrefixStripRegex`.
    PrefixTemplate(Box<[Alt]>),
    /// The upper-cased methods.
    Method(Box<[Sp]>),
    Headers(Box<[(String, String)]>),
    HeadersRegexp(Box<[(String, LazyRegex)]>),
    Query(Box<[Template]>),
    Modifier,
}

/// `ReplacePathRegex` as the server wires it.
#[derive(Debug, Clone)]
pub(crate) enum ReplaceRegex {
    /// Split on spaces did not give exactly two parts: a logged warning, no-op.
    BadSyntax,
    /// The regex does not compile: a logged error, no-op.
    BadRegex,
    /// The regex compiles in Go but past factory's size budget: not applied here.
    TooBig,
    Ok {
        regex: Regex,
        replacement: String,
    },
}

/// The route's modifier state (each is "last segment/argument wins"). Texts are ranges of the
/// rule's texts.
#[derive(Debug, Clone, Default)]
pub(crate) struct Modifiers {
    pub(crate) strip_prefixes: Vec<Sp>,
    pub(crate) strip_regex: Vec<Alt>,
    pub(crate) add_prefix: Sp,
    pub(crate) replace_path: Sp,
    pub(crate) replace_path_regex: Option<ReplaceRegex>,
}

impl Modifiers {
    fn is_empty(&self) -> bool {
        self.strip_prefixes.is_empty()
            && self.strip_regex.is_empty()
            && self.add_prefix.is_empty()
            && self.replace_path.is_empty()
            && self.replace_path_regex.is_none()
    }
}

/// The modifiers of a rule that has none.
static NO_MODIFIERS: Modifiers = Modifiers {
    strip_prefixes: Vec::new(),
    strip_regex: Vec::new(),
    add_prefix: Sp { start: 0, end: 0 },
    replace_path: Sp { start: 0, end: 0 },
    replace_path_regex: None,
};

/// A parsed `traefik.frontend.rule`, borrowing the rule text it was parsed from (a project
/// may have thousands of rules: each would otherwise hold a copy of its label's value).
#[derive(Debug, Clone)]
pub struct Rule<'t> {
    /// The rule text as written.
    text: &'t str,
    segments: Box<[Seg]>,
    /// Out of line: most rules have no modifiers, no segment of several arguments and no text
    /// derived from the rule's.
    extra: Option<Box<Extra>>,
}

#[cfg(target_pointer_width = "64")]
const _: () = assert!(std::mem::size_of::<Rule<'_>>() == 40);

/// What most rules do not have, out of their [`Rule`].
#[derive(Debug, Clone, Default)]
struct Extra {
    /// The texts derived from the rule text: the arguments that spanned several `:`-fields,
    /// re-joined, then the case-changed copies of arguments. An [`Sp`] at or past the rule
    /// text's length is a range of the rule text followed by these.
    derived: Box<str>,
    /// The arguments of the segments that do not have exactly one, or whose one argument's
    /// text is not its span ([`SegArgs::Shared`]), segment after segment.
    args: Box<[ArgData]>,
    modifiers: Modifiers,
}

/// One lexed argument: its text in the rule text followed by the lexer's joined arguments,
/// its span in the rule text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LexArg {
    pub(crate) text: Range<usize>,
    pub(crate) span: Range<usize>,
}

/// A `;`-segment split into name and arguments, before any matcher is built.
#[derive(Debug, Clone)]
pub(crate) struct Lexed {
    /// The segment's bytes in the rule text (for error messages).
    pub(crate) seg: Range<usize>,
    pub(crate) span: Range<usize>,
    pub(crate) name: Result<MatcherName, String>,
    pub(crate) name_span: Range<usize>,
    /// Indices into [`LexOut::args`].
    pub(crate) args: Range<usize>,
    /// A segment with no `:`-field at all (`:` alone): `parseRules` refuses it when it gets
    /// there, after the segments before it (so their errors come first).
    pub(crate) empty: bool,
}

/// What [`lex`] gives: the segments, and the arguments that spanned several `:`-fields,
/// re-joined (argument texts at or past the rule's length are in there).
#[derive(Debug)]
pub(crate) struct LexOut<'t> {
    pub(crate) text: &'t str,
    pub(crate) joined: String,
    pub(crate) segments: Vec<Lexed>,
    /// Every segment's arguments, segment after segment.
    pub(crate) args: Vec<LexArg>,
}

impl LexOut<'_> {
    /// The text of `r`, a range of the rule text followed by the joined arguments.
    pub(crate) fn get(&self, r: Range<usize>) -> &str {
        let n = self.text.len();
        if r.start >= n {
            self.joined
                .get(r.start - n..r.end.saturating_sub(n))
                .unwrap_or("")
        } else {
            self.text.get(r).unwrap_or("")
        }
    }

    /// An argument's text.
    pub(crate) fn arg_text(&self, a: &LexArg) -> &str {
        self.get(a.text.clone())
    }

    /// A segment's arguments.
    pub(crate) fn args_of(&self, l: &Lexed) -> &[LexArg] {
        self.args.get(l.args.clone()).unwrap_or(&[])
    }
}

/// Non-empty runs of `s` between `sep` bytes, as absolute ranges (Go `strings.FieldsFunc`),
/// without collecting them.
fn fields(s: &str, base: usize, sep: u8) -> impl Iterator<Item = Range<usize>> + '_ {
    let bytes = s.as_bytes();
    let mut start = 0;
    std::iter::from_fn(move || {
        while let Some(rest) = bytes.get(start..).filter(|r| !r.is_empty()) {
            let end = rest
                .iter()
                .position(|&b| b == sep)
                .map_or(bytes.len(), |i| start + i);
            let field = start..end;
            start = end + 1;
            if !field.is_empty() {
                return Some(base + field.start..base + field.end);
            }
        }
        None
    })
}

/// The range of `text[r]` without leading/trailing Unicode white space.
pub(crate) fn trim_range(text: &str, r: Range<usize>) -> Range<usize> {
    let s = text.get(r.clone()).unwrap_or("");
    let start_trimmed = s.trim_start();
    let lead = s.len() - start_trimmed.len();
    let trimmed = start_trimmed.trim_end();
    r.start + lead..r.start + lead + trimmed.len()
}

/// Splits a rule exactly as `parseRules` does. Errors are Traefik's own lexical errors.
pub(crate) fn lex(text: &str) -> Result<LexOut<'_>, ParseError> {
    if text.is_empty() {
        return Err(perr(
            ParseErrorKind::EmptyRule,
            0..0,
            "the rule is empty".to_owned(),
            Some("write a matcher, e.g. `Host:example.com`".to_owned()),
            "empty rule".to_owned(),
        ));
    }
    // Upper bounds: one segment per `;`-field, one argument per `,`-field of a segment.
    let semicolons = text.bytes().filter(|&b| b == b';').count();
    let commas = text.bytes().filter(|&b| b == b',').count();
    let mut out = Vec::with_capacity(semicolons + 1);
    let mut all_args: Vec<LexArg> = Vec::with_capacity(semicolons + commas + 1);
    // The re-joined arguments of the segments whose arguments span several `:`-fields, one
    // after the other, and the byte map of the current one (reused from segment to segment).
    let mut joined = String::new();
    let mut map: Vec<usize> = Vec::new();
    for seg in fields(text, 0, b';') {
        let seg_text = &text[seg.clone()];
        let seg_span = trim_range(text, seg.clone());
        let mut parts = fields(seg_text, seg.start, b':');
        let Some(first) = parts.next() else {
            out.push(Lexed {
                seg: seg.clone(),
                span: seg_span.clone(),
                name: Err(String::new()),
                name_span: seg_span,
                args: all_args.len()..all_args.len(),
                empty: true,
            });
            continue;
        };
        let name_span = trim_range(text, first.clone());
        let name_text = &text[name_span.clone()];
        let name = MatcherName::from_name(name_text).ok_or_else(|| text[first.clone()].to_owned());
        // Re-join the remaining `:`-fields with ":" (so `::` collapses), keeping a byte map
        // from the joined text to the rule text. With one field (the usual case) the joined
        // text is that field and the map an offset: no copy.
        let second = parts.next();
        let third = parts.next();
        // The arguments' text, where it starts in `text ++ joined`, and the offset of the
        // rule text it maps to (`None`: through `map`).
        let (args_text, at, offset): (&str, usize, Option<usize>) = match (second, third) {
            (None, _) => ("", seg.end, Some(seg.end)),
            (Some(only), None) => (&text[only.clone()], only.start, Some(only.start)),
            (Some(second), Some(third)) => {
                let joined_start = joined.len();
                map.clear();
                let mut prev_end = None;
                for part in [second, third].into_iter().chain(parts) {
                    if let Some(end) = prev_end {
                        joined.push(':');
                        map.push(end);
                    }
                    joined.push_str(&text[part.clone()]);
                    prev_end = Some(part.end);
                    map.extend(part);
                }
                (
                    joined.get(joined_start..).unwrap_or(""),
                    text.len() + joined_start,
                    None,
                )
            }
        };
        let map_at = |i: usize| match offset {
            Some(base) => (i < args_text.len()).then_some(base + i),
            None => map.get(i).copied(),
        };
        let first_arg = all_args.len();
        for f in fields(args_text, 0, b',') {
            let t = trim_range(args_text, f);
            let span = if t.is_empty() {
                let at = map_at(t.start).unwrap_or(seg.end);
                at..at
            } else {
                let start = map_at(t.start).unwrap_or(seg.end);
                let end = map_at(t.end - 1).map_or(seg.end, |e| e + 1);
                start..end
            };
            all_args.push(LexArg {
                text: at + t.start..at + t.end,
                span,
            });
        }
        out.push(Lexed {
            seg: seg.clone(),
            span: seg_span,
            name,
            name_span,
            args: first_arg..all_args.len(),
            empty: false,
        });
    }
    Ok(LexOut {
        text,
        joined,
        segments: out,
        args: all_args,
    })
}

fn perr(
    kind: ParseErrorKind,
    span: Range<usize>,
    message: String,
    help: Option<String>,
    inner: String,
) -> ParseError {
    ParseError {
        kind,
        span,
        message,
        help,
        traefik: format!("error parsing rule: {inner}"),
    }
}

/// Checks name and arguments of one lexed segment (`parseRules`' own errors).
fn check_lexed(text: &str, l: &Lexed) -> Result<MatcherName, ParseError> {
    let seg_text = text.get(l.seg.clone()).unwrap_or("");
    if l.empty {
        return Err(perr(
            ParseErrorKind::EmptySegment,
            l.seg.clone(),
            format!("`{seg_text}` has no matcher name"),
            Some("write `Name:arguments`, e.g. `Host:example.com`".to_owned()),
            format!("error parsing rule: '{seg_text}'"),
        ));
    }
    let name = match &l.name {
        Ok(n) => *n,
        Err(raw) => {
            let written = &text[l.name_span.clone()];
            let glued = MatcherName::ALL
                .iter()
                .filter(|m| written.len() > m.as_str().len())
                .filter(|m| {
                    written
                        .get(..m.as_str().len())
                        .is_some_and(|p| p.eq_ignore_ascii_case(m.as_str()))
                })
                .filter(|m| {
                    // Only when the rest looks like a value (`example.com`, `/x`, `${D}`).
                    written
                        .get(m.as_str().len()..)
                        .is_some_and(|rest| rest.contains(['.', '/', '$', '{', '=']))
                })
                .max_by_key(|m| m.as_str().len());
            let help = if let Some(m) = glued {
                format!(
                    "a `:` is missing after the matcher name: write `{}:{}`",
                    m.as_str(),
                    written.get(m.as_str().len()..).unwrap_or("")
                )
            } else {
                suggest_name(written).map_or_else(
                    || {
                        format!(
                            "use one of {}",
                            MatcherName::ALL
                                .iter()
                                .map(|m| m.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        )
                    },
                    |s| format!("did you mean `{s}`? matcher names are case-sensitive"),
                )
            };
            let span = if l.name_span.is_empty() {
                l.span.clone()
            } else {
                l.name_span.clone()
            };
            return Err(perr(
                ParseErrorKind::UnknownFunction,
                span,
                format!("unknown matcher `{}`", written),
                Some(help),
                format!(
                    "error parsing rule: '{}'. Unknown function: '{}'",
                    seg_text, raw
                ),
            ));
        }
    };
    if l.args.is_empty() {
        return Err(perr(
            ParseErrorKind::MissingArguments,
            l.span.clone(),
            format!("`{}` has no arguments", name.as_str()),
            Some(format!(
                "write `{}:value`; an argument is required",
                name.as_str()
            )),
            format!("error parsing args from rule: '{seg_text}'"),
        ));
    }
    Ok(name)
}

/// The closest known name (same letters in another case, or a small edit distance).
fn suggest_name(written: &str) -> Option<&'static str> {
    let lower = written.to_lowercase();
    if let Some(m) = MatcherName::ALL
        .iter()
        .find(|m| m.as_str().to_lowercase() == lower)
    {
        return Some(m.as_str());
    }
    MatcherName::ALL
        .iter()
        .map(|m| (levenshtein(&lower, &m.as_str().to_lowercase()), m.as_str()))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, s)| s)
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev.last().copied().unwrap_or(0)
}

/// A `HeadersRegexp` value or `Query` template that Go compiles but factory's regex budget
/// does not: [`ParseErrorKind::RegexTooBig`] (Traefik loads the rule; factory cannot check it).
fn regex_too_big(span: Range<usize>, pattern: &str) -> ParseError {
    perr(
        ParseErrorKind::RegexTooBig,
        span,
        format!(
            "the regular expression of `{pattern}` compiles past factory's size limit of {} bytes (1 MiB)",
            crate::template::SIZE_LIMIT
        ),
        Some(crate::template::SMALLER_REGEX_HELP.to_owned()),
        String::new(),
    )
}

/// The `PathPrefix` templates (no strict slash) of the arguments at `order`, with the Query
/// variables `vars` declared.
fn prefix_templates(lexed: &LexOut<'_>, order: &[Sp], vars: &RouteVars) -> Vec<Alt> {
    order
        .iter()
        .map(|s| Template::new(lexed.get(s.range()), TemplateKind::PathPrefix, false, vars))
        .collect()
}

/// Go `sort.Sort(bySize)` on a short list: longest first, stable for equal lengths. The
/// arguments' texts, as ranges of `text ++ joined`.
fn by_size(lexed: &LexOut<'_>, args: &[LexArg]) -> Vec<Sp> {
    let mut v: Vec<Sp> = args.iter().map(|a| Sp::new(&a.text)).collect();
    v.sort_by_key(|s| std::cmp::Reverse(lexed.get(s.range()).len()));
    v
}

fn args_span(args: &[LexArg]) -> Range<usize> {
    match (args.first(), args.last()) {
        (Some(a), Some(b)) => a.span.start..b.span.end.max(a.span.start),
        _ => 0..0,
    }
}

/// Whether `Host` matching needs another text than the argument: `to_lowercase` changes it.
fn changed_by_lowercase(t: &str) -> bool {
    !t.bytes().all(|b| b.is_ascii() && !b.is_ascii_uppercase()) && t.to_lowercase() != t
}

/// Whether `Method` matching needs another text than the argument: `to_uppercase` changes it.
fn changed_by_uppercase(t: &str) -> bool {
    !t.bytes().all(|b| b.is_ascii() && !b.is_ascii_lowercase()) && t.to_uppercase() != t
}

/// The longest rule [`Rule::parse`] builds: its texts (the rule, its joined arguments and
/// their case-changed copies, at most 5 times the rule) must stay addressable with `u32`.
const MAX_RULE_BYTES: usize = 256 << 20;

impl<'t> Rule<'t> {
    /// Parses a rule as Traefik v1.7.34's `Rules.Parse` does: the same errors, in the same
    /// order (the first failing segment wins). A rule longer than 256 MiB is refused with
    /// [`ParseErrorKind::RegexTooBig`] (past factory's limits).
    pub fn parse(text: &'t str) -> Result<Rule<'t>, ParseError> {
        if text.len() > MAX_RULE_BYTES {
            return Err(perr(
                ParseErrorKind::RegexTooBig,
                0..0,
                "the rule is longer than factory's size limit of 256 MiB".to_owned(),
                Some("write a shorter rule".to_owned()),
                String::new(),
            ));
        }
        let lexed = lex(text)?;
        // Texts derived from the arguments (case changes) go after `text ++ joined`.
        let more_at = text.len() + lexed.joined.len();
        let mut more = String::new();
        // An argument's text as a matcher compares it: the argument itself, or its case-changed
        // copy appended to the derived texts when `changed` says the case change alters it.
        let mut recased =
            |t: &str, at: &Range<usize>, changed: fn(&str) -> bool, case: fn(&str) -> String| {
                if changed(t) {
                    let s = case(t);
                    let start = more_at + more.len();
                    more.push_str(&s);
                    Sp::new(&(start..start + s.len()))
                } else {
                    Sp::new(at)
                }
            };
        let mut segments = Vec::with_capacity(lexed.segments.len());
        // The arguments of the segments without exactly one argument written as its span (most
        // rules: none).
        let mut all_args: Vec<ArgData> = Vec::new();
        let mut modifiers = Modifiers::default();
        // A regex past factory's size budget is not an error for Traefik: the rest of the rule
        // is still checked, and the budget is reported only when nothing else is wrong.
        let mut too_big: Option<ParseError> = None;
        let mut query_vars = RouteVars::new();
        for l in &lexed.segments {
            let name = check_lexed(text, l)?;
            let args = lexed.args_of(l);
            let own = |a: &LexArg| Sp::new(&a.text);
            let texts = || -> Vec<&str> { args.iter().map(|a| lexed.arg_text(a)).collect() };
            let compiled = match name {
                MatcherName::Host => {
                    let lowered = args
                        .iter()
                        .any(|a| changed_by_lowercase(lexed.arg_text(a)))
                        .then(|| {
                            args.iter()
                                .map(|a| {
                                    recased(
                                        lexed.arg_text(a),
                                        &a.text,
                                        changed_by_lowercase,
                                        str::to_lowercase,
                                    )
                                })
                                .collect()
                        });
                    Compiled::Host(lowered)
                }
                MatcherName::HostRegexp => Compiled::HostRegexp(
                    args.iter()
                        .map(|a| {
                            Template::new(lexed.arg_text(a), TemplateKind::Host, false, &query_vars)
                        })
                        .collect(),
                ),
                MatcherName::Path | MatcherName::PathStrip | MatcherName::PathStripRegex => {
                    let order = if name == MatcherName::Path {
                        args.iter().map(own).collect()
                    } else {
                        by_size(&lexed, args)
                    };
                    if name == MatcherName::PathStripRegex {
                        modifiers.strip_regex = prefix_templates(&lexed, &order, &RouteVars::new());
                    }
                    let compiled = Compiled::Path(Box::new(PathAlts {
                        strict: order
                            .iter()
                            .map(|s| {
                                Template::new(
                                    lexed.get(s.range()),
                                    TemplateKind::Path,
                                    true,
                                    &query_vars,
                                )
                            })
                            .collect(),
                        loose: std::sync::OnceLock::new(),
                    }));
                    if name == MatcherName::PathStrip {
                        modifiers.strip_prefixes = order;
                    }
                    compiled
                }
                MatcherName::PathPrefix
                    if !args.iter().any(|a| lexed.arg_text(a).contains('{')) =>
                {
                    // The arguments as written: nothing to store.
                    Compiled::Prefix(None)
                }
                MatcherName::PathPrefix | MatcherName::PathPrefixStrip => {
                    let order = if name == MatcherName::PathPrefix {
                        args.iter().map(own).collect()
                    } else {
                        by_size(&lexed, args)
                    };
                    let as_written = order
                        .iter()
                        .zip(args)
                        .all(|(s, a)| *s == own(a) && !lexed.arg_text(a).contains('{'));
                    let compiled = if as_written {
                        Compiled::Prefix(None)
                    } else {
                        Compiled::Prefix(Some(
                            order
                                .iter()
                                .map(|s| {
                                    let p = lexed.get(s.range());
                                    if p.contains('{') {
                                        PrefixAlt::Template(Box::new(Template::new(
                                            p,
                                            TemplateKind::PathPrefix,
                                            false,
                                            &query_vars,
                                        )))
                                    } else {
                                        PrefixAlt::Plain(*s)
                                    }
                                })
                                .collect(),
                        ))
                    };
                    if name == MatcherName::PathPrefixStrip {
                        modifiers.strip_prefixes = order;
                    }
                    compiled
                }
                MatcherName::PathPrefixStripRegex => {
                    let order = by_size(&lexed, args);
                    modifiers.strip_regex = prefix_templates(&lexed, &order, &RouteVars::new());
                    Compiled::PrefixTemplate(
                        prefix_templates(&lexed, &order, &query_vars).into_boxed_slice(),
                    )
                }
                MatcherName::Method => Compiled::Method(
                    args.iter()
                        .map(|a| {
                            recased(
                                lexed.arg_text(a),
                                &a.text,
                                changed_by_uppercase,
                                str::to_uppercase,
                            )
                        })
                        .collect(),
                ),
                MatcherName::Headers | MatcherName::HeadersRegexp => {
                    let texts = texts();
                    if !texts.len().is_multiple_of(2) {
                        return Err(perr(
                            ParseErrorKind::OddHeaderParameters,
                            args_span(args),
                            format!(
                                "`{}` needs name,value pairs but has {} parameter{}",
                                name.as_str(),
                                texts.len(),
                                if texts.len() == 1 { "" } else { "s" }
                            ),
                            Some(format!(
                                "write `{}:Name,value`; commas separate names and values",
                                name.as_str()
                            )),
                            format!(
                                "parsing error on rule: mux: number of parameters must be multiple of 2, got [{}]",
                                texts.join(" ")
                            ),
                        ));
                    }
                    if name == MatcherName::Headers {
                        let mut pairs = HeaderPairs::default();
                        for kv in texts.chunks(2) {
                            if let [k, v] = kv {
                                pairs.set(k, (*v).to_owned());
                            }
                        }
                        Compiled::Headers(pairs.into_canonical())
                    } else {
                        let mut pairs = HeaderPairs::default();
                        for (i, kv) in texts.chunks(2).enumerate() {
                            if let [k, v] = kv {
                                let span = args
                                    .get(2 * i + 1)
                                    .map_or(l.span.clone(), |a| a.span.clone());
                                let re = match lazy_go_regex(v) {
                                    Err(TemplateError::TooBig) => {
                                        too_big.get_or_insert_with(|| regex_too_big(span, v));
                                        continue;
                                    }
                                    other => other,
                                };
                                let re = re.map_err(|e| {
                                    perr(
                                        ParseErrorKind::InvalidPattern,
                                        span,
                                        format!("invalid regular expression `{v}`"),
                                        Some(
                                            "fix the regular expression (Go RE2 syntax)".to_owned(),
                                        ),
                                        format!("parsing error on rule: {}", e.go_message(v)),
                                    )
                                })?;
                                pairs.set(k, re);
                            }
                        }
                        Compiled::HeadersRegexp(pairs.into_canonical())
                    }
                }
                MatcherName::Query => {
                    let texts = texts();
                    let pieces: Vec<&str> = texts.iter().flat_map(|a| a.split('=')).collect();
                    if !pieces.len().is_multiple_of(2) {
                        let bad = args
                            .iter()
                            .find(|a| !lexed.arg_text(a).split('=').count().is_multiple_of(2))
                            .map_or(l.span.clone(), |a| a.span.clone());
                        return Err(perr(
                            ParseErrorKind::InvalidQuery,
                            bad,
                            "a `Query` parameter must be written `key=value`".to_owned(),
                            Some(
                                "write `Query:key=value` (use `key=` to only require the key)"
                                    .to_owned(),
                            ),
                            format!("parsing error on rule: invalid expression: {text}"),
                        ));
                    }
                    let mut tpls = Vec::new();
                    for (i, kv) in pieces.chunks(2).enumerate() {
                        if let [k, v] = kv {
                            let tpl = format!("{k}={v}");
                            match Template::new(&tpl, TemplateKind::Query, false, &query_vars) {
                                Ok(t) => {
                                    query_vars.extend(t.var_names().iter().cloned());
                                    tpls.push(t);
                                }
                                Err(TemplateError::TooBig) => {
                                    let span =
                                        args.get(i).map_or(l.span.clone(), |a| a.span.clone());
                                    too_big.get_or_insert_with(|| regex_too_big(span, &tpl));
                                }
                                Err(e) => {
                                    let span =
                                        args.get(i).map_or(l.span.clone(), |a| a.span.clone());
                                    return Err(perr(
                                        ParseErrorKind::InvalidPattern,
                                        span,
                                        format!("invalid `Query` template `{tpl}`"),
                                        Some("fix the `{name:regex}` template".to_owned()),
                                        format!("parsing error on rule: {}", e.go_message(&tpl)),
                                    ));
                                }
                            }
                        }
                    }
                    Compiled::Query(tpls.into_boxed_slice())
                }
                MatcherName::AddPrefix => {
                    modifiers.add_prefix = args.last().map(own).unwrap_or_default();
                    Compiled::Modifier
                }
                MatcherName::ReplacePath => {
                    modifiers.replace_path = args.last().map(own).unwrap_or_default();
                    Compiled::Modifier
                }
                MatcherName::ReplacePathRegex => {
                    let last = args.last().map_or("", |a| lexed.arg_text(a));
                    modifiers.replace_path_regex = if last.is_empty() {
                        None
                    } else {
                        Some(replace_regex(last))
                    };
                    Compiled::Modifier
                }
            };
            let data = |a: &LexArg| ArgData {
                text: own(a),
                span: Sp::new(&a.span),
            };
            let seg_args = match args {
                [one] if own(one) == Sp::new(&one.span) => SegArgs::One(own(one)),
                _ => {
                    let first = all_args.len();
                    all_args.extend(args.iter().map(data));
                    SegArgs::Shared(Sp::new(&(first..all_args.len())))
                }
            };
            segments.push(Seg {
                name,
                name_span: Sp::new(&l.name_span),
                span: Sp::new(&l.span),
                args: seg_args,
                compiled,
            });
        }
        if let Some(e) = too_big {
            return Err(e);
        }
        let derived_len = lexed.joined.len() + more.len();
        let needs_extra = !modifiers.is_empty() || !all_args.is_empty() || derived_len > 0;
        Ok(Rule {
            text,
            segments: segments.into_boxed_slice(),
            extra: needs_extra.then(|| {
                let mut derived = String::with_capacity(derived_len);
                derived.push_str(&lexed.joined);
                derived.push_str(&more);
                Box::new(Extra {
                    derived: derived.into_boxed_str(),
                    args: all_args.into_boxed_slice(),
                    modifiers,
                })
            }),
        })
    }

    /// The rule text as written.
    pub fn text(&self) -> &'t str {
        self.text
    }

    /// The span of the last segment of one of `names`: the one Traefik takes a modifier from
    /// when several set it (the last `PathStrip`/`PathPrefixStrip` sets the prefixes stripped,
    /// the last `ReplacePathRegex` the rewrite).
    #[must_use]
    pub fn last_of(&self, names: &[MatcherName]) -> Option<Range<usize>> {
        self.segments()
            .rfind(|s| names.contains(&s.name()))
            .map(|s| s.span())
    }

    /// The segments, in rule order (empty segments are dropped, as Traefik does).
    pub fn segments(
        &self,
    ) -> impl ExactSizeIterator<Item = Segment<'_>> + DoubleEndedIterator + Clone {
        self.segments
            .iter()
            .map(move |seg| Segment { rule: self, seg })
    }

    /// A text of the rule: a range of the rule text, or past its length, of the derived texts
    /// ([`Extra::derived`]).
    pub(crate) fn buf_str(&self, s: Sp) -> &str {
        let r = s.range();
        let n = self.text.len();
        if r.end <= n {
            return self.text.get(r).unwrap_or("");
        }
        self.extra
            .as_deref()
            .and_then(|e| e.derived.get(r.start.saturating_sub(n)..r.end - n))
            .unwrap_or("")
    }

    /// A segment's arguments.
    fn arg_data(
        &self,
        args: SegArgs,
    ) -> impl ExactSizeIterator<Item = ArgData> + DoubleEndedIterator + Clone + '_ {
        // One of the two is empty.
        let (one, shared): (Option<ArgData>, &[ArgData]) = match args {
            SegArgs::One(at) => (Some(ArgData { text: at, span: at }), &[]),
            SegArgs::Shared(range) => (
                None,
                self.extra
                    .as_deref()
                    .and_then(|e| e.args.get(range.range()))
                    .unwrap_or(&[]),
            ),
        };
        (0..usize::from(one.is_some()) + shared.len())
            .map(move |i| one.or_else(|| shared.get(i).copied()).unwrap_or_default())
    }

    /// The templates of the `index`-th segment, a `Path`-like one, without strict slash: built
    /// on first use exactly as [`Rule::parse`] would have (same order, same `Query` variables
    /// before it).
    pub(crate) fn loose_alts<'r>(&'r self, index: usize, alts: &'r PathAlts) -> &'r [Alt] {
        alts.loose.get_or_init(|| {
            let Some(seg) = self.segments().nth(index) else {
                return Box::default();
            };
            // The variables of the `Query` templates before this segment.
            let mut query_vars = RouteVars::new();
            for before in self.segments.iter().take(index) {
                if let Compiled::Query(tpls) = &before.compiled {
                    for t in tpls {
                        query_vars.extend(t.var_names().iter().cloned());
                    }
                }
            }
            let mut order: Vec<&str> = seg.arg_texts().collect();
            if seg.name() != MatcherName::Path {
                // `by_size`: longest first, stable.
                order.sort_by_key(|s| std::cmp::Reverse(s.len()));
            }
            order
                .iter()
                .map(|p| Template::new(p, TemplateKind::Path, false, &query_vars))
                .collect()
        })
    }

    /// The modifier chain.
    pub(crate) fn modifiers(&self) -> &Modifiers {
        self.extra
            .as_deref()
            .map_or(&NO_MODIFIERS, |e| &e.modifiers)
    }

    /// Traefik's default priority: the rule's length in bytes.
    pub fn default_priority(&self) -> i64 {
        default_priority(self.text())
    }

    /// The effective priority: the `traefik.frontend.priority` label when it is positive
    /// (`buildServerRoute` tests `frontend.Priority > 0`), else the rule's length.
    pub fn priority(&self, label: Option<i64>) -> i64 {
        match label {
            Some(p) if p > 0 => p,
            _ => self.default_priority(),
        }
    }

    /// `ParseDomains`: the lower-cased `Host` arguments (`None` without a `Host` matcher).
    pub fn domains(&self) -> Result<Option<Vec<String>>, DomainsError> {
        parse_domains(self.text())
    }
}

/// mux's map of header pairs (`mapFromPairsToString`), keyed by the name as written: a later
/// `X-Foo` replaces an earlier `X-Foo`'s value but keeps its place, and is not merged with an
/// earlier `x-foo`. Each key is made canonical only when the map is done, so `x-foo,a,X-Foo,b`
/// asks for both. The index makes a rule with many pairs linear, not quadratic.
struct HeaderPairs<'t, T> {
    pairs: Vec<(&'t str, T)>,
    /// Position in `pairs` of each name as written.
    index: HashMap<&'t str, usize>,
}

impl<T> Default for HeaderPairs<'_, T> {
    fn default() -> Self {
        HeaderPairs {
            pairs: Vec::new(),
            index: HashMap::new(),
        }
    }
}

impl<'t, T> HeaderPairs<'t, T> {
    /// Sets `name` to `value`: the last value wins, the first position stays.
    fn set(&mut self, name: &'t str, value: T) {
        match self.index.entry(name) {
            Entry::Occupied(at) => {
                if let Some(slot) = self.pairs.get_mut(*at.get()) {
                    slot.1 = value;
                }
            }
            Entry::Vacant(free) => {
                free.insert(self.pairs.len());
                self.pairs.push((name, value));
            }
        }
    }

    /// The pairs in first-written order, each name made canonical.
    fn into_canonical(self) -> Box<[(String, T)]> {
        self.pairs
            .into_iter()
            .map(|(k, v)| (crate::request::canonical_header_key(k), v))
            .collect()
    }
}

fn replace_regex(value: &str) -> ReplaceRegex {
    let parts: Vec<&str> = value.split(' ').collect();
    let [re, repl] = parts.as_slice() else {
        return ReplaceRegex::BadSyntax;
    };
    match compile_go_regex(re.trim()) {
        Ok(regex) => ReplaceRegex::Ok {
            regex,
            replacement: repl.trim().to_owned(),
        },
        Err(TemplateError::TooBig) => ReplaceRegex::TooBig,
        Err(_) => ReplaceRegex::BadRegex,
    }
}

/// Traefik's default priority for a rule text: its length in bytes.
pub fn default_priority(text: &str) -> i64 {
    i64::try_from(text.len()).unwrap_or(i64::MAX)
}

/// `ParseDomains` on a rule text: the lower-cased `Host` arguments, empty ones dropped;
/// `None` without a `Host` matcher. Only the lexical errors of `parseRules` count here (a rule
/// that `Rule::parse` refuses for a mux error still has domains), plus a `Host` matcher left
/// with no domain at all.
pub fn parse_domains(text: &str) -> Result<Option<Vec<String>>, DomainsError> {
    let lexed = lex(text).map_err(|e| domains_error(&e))?;
    let mut is_host_rule = false;
    let mut first_host = None;
    let mut domains: Vec<String> = Vec::new();
    for l in &lexed.segments {
        let name = check_lexed(text, l).map_err(|e| domains_error(&e))?;
        if name == MatcherName::Host {
            is_host_rule = true;
            first_host.get_or_insert_with(|| l.span.clone());
            // Empty arguments are dropped; only a Host matcher left with none is an error.
            domains.extend(
                lexed
                    .args_of(l)
                    .iter()
                    .map(|a| lexed.arg_text(a).to_lowercase())
                    .filter(|d| !d.is_empty()),
            );
        }
    }
    if !is_host_rule {
        return Ok(None);
    }
    if domains.is_empty() {
        return Err(DomainsError {
            span: first_host.unwrap_or(0..0),
            message: "the `Host` matcher has no domain".to_owned(),
            traefik: format!(
                "unable to parse correctly the domains in the Host rule from {}",
                go_quote(text)
            ),
        });
    }
    Ok(Some(domains))
}

fn domains_error(e: &ParseError) -> DomainsError {
    let inner = e
        .traefik
        .strip_prefix("error parsing rule: ")
        .unwrap_or(&e.traefik);
    DomainsError {
        span: e.span.clone(),
        message: e.message.clone(),
        traefik: format!("error parsing domains: {inner}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The lexer as it was before it stopped collecting fields and copying single-field
    // arguments: the new one must give exactly the same result on any text.
    /// Non-empty runs of `s` between `sep` bytes, as absolute ranges (Go `strings.FieldsFunc`).
    fn reference_fields(s: &str, base: usize, sep: u8) -> Vec<Range<usize>> {
        let mut out = Vec::new();
        let mut start = 0;
        for (i, b) in s.bytes().enumerate() {
            if b == sep {
                if i > start {
                    out.push(base + start..base + i);
                }
                start = i + 1;
            }
        }
        if s.len() > start {
            out.push(base + start..base + s.len());
        }
        out
    }
    /// A lexed segment with its arguments' texts resolved: (segment, span, name, name span,
    /// arguments).
    type Flat = (
        Range<usize>,
        Range<usize>,
        Result<MatcherName, String>,
        Range<usize>,
        Vec<(String, Range<usize>)>,
    );
    fn flat_lex(text: &str) -> Result<Vec<Flat>, ParseError> {
        let out = lex(text)?;
        // The reference refuses a segment with no matcher name at once.
        if let Some(l) = out.segments.iter().find(|l| l.empty) {
            check_lexed(text, l)?;
        }
        Ok(out
            .segments
            .iter()
            .map(|l| {
                (
                    l.seg.clone(),
                    l.span.clone(),
                    l.name.clone(),
                    l.name_span.clone(),
                    out.args_of(l)
                        .iter()
                        .map(|a| (out.arg_text(a).to_owned(), a.span.clone()))
                        .collect(),
                )
            })
            .collect())
    }
    fn reference_lex(text: &str) -> Result<Vec<Flat>, ParseError> {
        if text.is_empty() {
            return Err(perr(
                ParseErrorKind::EmptyRule,
                0..0,
                "the rule is empty".to_owned(),
                Some("write a matcher, e.g. `Host:example.com`".to_owned()),
                "empty rule".to_owned(),
            ));
        }
        let mut out = Vec::new();
        for seg in reference_fields(text, 0, b';') {
            let seg_text = &text[seg.clone()];
            let seg_span = trim_range(text, seg.clone());
            let parts = reference_fields(seg_text, seg.start, b':');
            let Some(first) = parts.first() else {
                return Err(perr(
                    ParseErrorKind::EmptySegment,
                    seg.clone(),
                    format!("`{seg_text}` has no matcher name"),
                    Some("write `Name:arguments`, e.g. `Host:example.com`".to_owned()),
                    format!("error parsing rule: '{seg_text}'"),
                ));
            };
            let name_span = trim_range(text, first.clone());
            let name_text = &text[name_span.clone()];
            let name =
                MatcherName::from_name(name_text).ok_or_else(|| text[first.clone()].to_owned());
            // Re-join the remaining `:`-fields with ":" (so `::` collapses), keeping a byte map.
            let mut joined = String::new();
            let mut map: Vec<usize> = Vec::new();
            for (k, part) in parts.iter().enumerate().skip(1) {
                if k > 1 {
                    joined.push(':');
                    map.push(parts[k - 1].end);
                }
                joined.push_str(&text[part.clone()]);
                map.extend(part.clone());
            }
            let mut args = Vec::new();
            for f in reference_fields(&joined, 0, b',') {
                let t = trim_range(&joined, f);
                let span = if t.is_empty() {
                    let at = map.get(t.start).copied().unwrap_or(seg.end);
                    at..at
                } else {
                    let start = map.get(t.start).copied().unwrap_or(seg.end);
                    let end = map.get(t.end - 1).map_or(seg.end, |e| e + 1);
                    start..end
                };
                args.push((joined[t].to_owned(), span));
            }
            out.push((seg.clone(), seg_span, name, name_span, args));
        }
        Ok(out)
    }

    fn same_lex(text: &str) -> bool {
        flat_lex(text) == reference_lex(text)
    }

    /// The header pairs of the first segment of `text`, as matching reads them.
    fn header_pairs(text: &str) -> Vec<(String, String)> {
        let rule = Rule::parse(text).unwrap();
        match rule.segments().next().map(|s| s.compiled()) {
            Some(Compiled::Headers(pairs)) => pairs.to_vec(),
            Some(Compiled::HeadersRegexp(pairs)) => pairs
                .iter()
                .map(|(k, re)| (k.clone(), re.as_str().to_owned()))
                .collect(),
            _ => Vec::new(),
        }
    }

    #[test]
    fn a_repeated_header_name_keeps_its_first_place_and_its_last_value() {
        // mux's map is keyed by the name as written: `x-a` is another key than `X-A` (both
        // become `X-A` only when checked), and a name written again replaces the value.
        assert_eq!(
            header_pairs("Headers:X-A,1,x-b,2,x-a,3,X-A,4,x-b,5"),
            [("X-A", "4"), ("X-B", "5"), ("X-A", "3")].map(|(k, v)| (k.to_owned(), v.to_owned()))
        );
        assert_eq!(
            header_pairs("HeadersRegexp:X-A,a,x-a,b,X-A,c"),
            [("X-A", "c"), ("X-A", "b")].map(|(k, v)| (k.to_owned(), v.to_owned()))
        );
        let rule = Rule::parse("HeadersRegexp:X-A,a,x-a,b,X-A,c").unwrap();
        let with = |value: &str| {
            let mut req = crate::Request::new("h", "/");
            req.headers.push(("X-A".to_owned(), value.to_owned()));
            rule.matches(&req).is_match()
        };
        // The replaced `a` is not asked for; `b` (another key as written) and `c` are.
        assert!(with("bc"));
        assert!(!with("ab"));
        assert!(!with("ac"));
    }

    #[test]
    fn many_header_pairs_keep_their_order() {
        let text = (0..2000)
            .map(|i| format!("X-H{},v{i}", i % 1000))
            .collect::<Vec<_>>()
            .join(",");
        let pairs = header_pairs(&format!("Headers:{text}"));
        let want: Vec<(String, String)> = (0..1000)
            .map(|i| (format!("X-H{i}"), format!("v{}", i + 1000)))
            .collect();
        assert_eq!(pairs, want);
    }

    #[test]
    fn a_query_variable_declared_twice_is_refused_at_its_second_use() {
        let err = Rule::parse("Query:a={v},b={w},c={v}").unwrap_err();
        assert_eq!(err.kind, ParseErrorKind::InvalidPattern);
        assert_eq!(
            err.traefik,
            "error parsing rule: parsing error on rule: mux: duplicated route variable \"v\""
        );
        // A path template after the queries may not reuse their names either: that alternative
        // never matches.
        let rule = Rule::parse("Query:a={v},b={w};Path:/x/{w},/y/{z}").unwrap();
        assert!(!rule.matches(&crate::Request::new("h", "/x/1")).is_match());
        let mut req = crate::Request::new("h", "/y/1");
        req.query = vec![
            ("a".to_owned(), "1".to_owned()),
            ("b".to_owned(), "2".to_owned()),
        ];
        assert!(rule.matches(&req).is_match());
        // Many distinct parameters are all declared.
        let many = (0..3000)
            .map(|i| format!("k{i}={{v{i}}}"))
            .collect::<Vec<_>>()
            .join(",");
        assert!(Rule::parse(&format!("Query:{many}")).is_ok());
        let err = Rule::parse(&format!("Query:{many},again={{v2999}}")).unwrap_err();
        assert!(
            err.traefik.ends_with("duplicated route variable \"v2999\""),
            "{}",
            err.traefik
        );
    }

    #[test]
    fn names_round_trip() {
        for m in MatcherName::ALL {
            assert_eq!(MatcherName::from_name(m.as_str()), Some(m));
        }
        assert_eq!(MatcherName::from_name("host"), None);
        assert_eq!(MatcherName::from_name(""), None);
    }

    #[test]
    fn lexing_matches_the_reference() {
        for text in [
            "",
            ";",
            ":",
            "::",
            "Host",
            "Host:",
            "Host::",
            "Host:a",
            "Host: a , b ;Path:/a::b",
            "Host:a:b:c",
            ":Host:a",
            "Host:,",
            "Host: , ,",
            " ; Path : /x ; ",
            "Héllo:ö:ü,ß",
            "Headers:a,b:c,,d::",
            "Host:a;;Path::/b:",
        ] {
            assert!(same_lex(text), "{text:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn lexing_matches_the_reference_on_any_text(
            parts in proptest::collection::vec(
                proptest::sample::select(vec![
                    "Host", "Path", ":", "::", ";", ",", " ", "\t", "a.b", "/x", "é", "\u{a0}", "{",
                ]),
                0..14,
            )
        ) {
            let text = parts.concat();
            proptest::prop_assert!(same_lex(&text), "{text:?}");
        }

        #[test]
        fn lexing_matches_the_reference_on_random_text(text in "\\PC{0,40}") {
            proptest::prop_assert!(same_lex(&text), "{text:?}");
        }
    }

    /// What a rule stores once (arguments as ranges of the rule's texts, hosts and methods only when
    /// their case changes, plain prefixes not at all) reads back as the lexer's arguments and
    /// the case-changed texts matching uses.
    fn storage_reads_back(text: &str) -> Result<(), String> {
        let Ok(rule) = Rule::parse(text) else {
            return Ok(());
        };
        if rule.text() != text {
            return Err(format!("text {:?}", rule.text()));
        }
        let lexed = flat_lex(text).map_err(|e| format!("{e:?}"))?;
        if rule.segments().len() != lexed.len() {
            return Err("segment count".to_owned());
        }
        for (seg, l) in rule.segments().zip(&lexed) {
            let args: Vec<(String, Range<usize>)> =
                seg.args().map(|a| (a.text.to_owned(), a.span)).collect();
            if args != l.4 || seg.span() != l.1 || seg.name_span() != l.3 {
                return Err(format!("{seg:?} against {l:?}"));
            }
            let texts = || args.iter().map(|(t, _)| t.as_str());
            match seg.name() {
                MatcherName::Host => {
                    let want: Vec<String> = texts().map(str::to_lowercase).collect();
                    if seg.hosts().collect::<Vec<_>>() != want {
                        return Err(format!("hosts of {seg:?}"));
                    }
                }
                MatcherName::Method => {
                    let want: Vec<String> = texts().map(str::to_uppercase).collect();
                    if seg.methods().collect::<Vec<_>>() != want {
                        return Err(format!("methods of {seg:?}"));
                    }
                }
                MatcherName::PathPrefix | MatcherName::PathPrefixStrip => {
                    let mut want: Vec<&str> = texts().collect();
                    if seg.name() == MatcherName::PathPrefixStrip {
                        want.sort_by_key(|s| std::cmp::Reverse(s.len()));
                        let strip: Vec<&str> = rule
                            .modifiers()
                            .strip_prefixes
                            .iter()
                            .map(|s| rule.buf_str(*s))
                            .collect();
                        // The last strip segment sets the prefixes.
                        let last =
                            rule.last_of(&[MatcherName::PathStrip, MatcherName::PathPrefixStrip]);
                        if last == Some(seg.span()) && strip != want {
                            return Err(format!("strip prefixes of {seg:?}"));
                        }
                    }
                    let got: Vec<Option<&str>> = seg
                        .prefixes()
                        .map(|p| match p {
                            Prefix::Plain(p) => Some(p),
                            Prefix::Template(_) => None,
                        })
                        .collect();
                    let want: Vec<Option<&str>> = want
                        .into_iter()
                        .map(|p| (!p.contains('{')).then_some(p))
                        .collect();
                    if got != want {
                        return Err(format!("prefixes of {seg:?}"));
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    #[test]
    fn storage_reads_back_on_examples() {
        for text in [
            "Host:A.com,b.COM;PathPrefix:/api",
            "Host: Ünï.cöm , straße.de ;Method:get,Post,ǆ",
            "PathPrefixStrip:/a,/abc,/ab;PathPrefix:/x,/{id:[0-9]+}",
            "Host:a::b:C;Path:/a::b;PathStrip:/x::y,/z",
            "Headers:X-A,b;HostRegexp:{s:[a-z]+}.A.com;AddPrefix:/p;ReplacePath:/q",
            "Host:İ,ΐ;Method:ŉ,ß",
        ] {
            assert_eq!(storage_reads_back(text), Ok(()), "{text:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn storage_reads_back_on_any_rule(
            parts in proptest::collection::vec(
                proptest::sample::select(vec![
                    "Host", "Method", "PathPrefix", "PathPrefixStrip", "PathStrip", "Path", ":",
                    "::", ";", ",", " ", "A.Com", "get", "/x", "/Ab", "é", "É", "İ", "ß", "{",
                    "{v}", "\u{a0}",
                ]),
                0..14,
            )
        ) {
            let text = parts.concat();
            proptest::prop_assert_eq!(storage_reads_back(&text), Ok(()), "{:?}", text);
        }

        #[test]
        fn storage_reads_back_on_random_text(text in "\\PC{0,40}") {
            proptest::prop_assert_eq!(storage_reads_back(&text), Ok(()), "{:?}", text);
        }
    }

    /// The templates without strict slash as `Rule::parse` built them before they were built on
    /// first use: in argument order (`Path`) or longest first, with the variables of the
    /// `Query` templates before the segment.
    fn eager_loose(text: &str) -> Vec<String> {
        let Ok(out) = lex(text) else {
            return Vec::new();
        };
        let mut query_vars = RouteVars::new();
        let mut res = Vec::new();
        for l in &out.segments {
            let Ok(name) = check_lexed(text, l) else {
                return Vec::new();
            };
            let texts: Vec<&str> = out.args_of(l).iter().map(|a| out.arg_text(a)).collect();
            match name {
                MatcherName::Path | MatcherName::PathStrip | MatcherName::PathStripRegex => {
                    let mut order = texts.clone();
                    if name != MatcherName::Path {
                        order.sort_by_key(|s| std::cmp::Reverse(s.len()));
                    }
                    let alts: Vec<Alt> = order
                        .iter()
                        .map(|p| Template::new(p, TemplateKind::Path, false, &query_vars))
                        .collect();
                    res.push(format!("{alts:?}"));
                }
                MatcherName::Query => {
                    let pieces: Vec<&str> = texts.iter().flat_map(|a| a.split('=')).collect();
                    for kv in pieces.chunks(2) {
                        if let [k, v] = kv
                            && let Ok(t) = Template::new(
                                &format!("{k}={v}"),
                                TemplateKind::Query,
                                false,
                                &query_vars,
                            )
                        {
                            query_vars.extend(t.var_names().iter().cloned());
                        }
                    }
                }
                _ => {}
            }
        }
        res
    }

    fn lazy_loose(rule: &Rule) -> Vec<String> {
        rule.segments
            .iter()
            .enumerate()
            .filter_map(|(i, s)| match &s.compiled {
                Compiled::Path(alts) => Some(format!("{:?}", rule.loose_alts(i, alts))),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn loose_templates_on_first_use_are_the_eager_ones() {
        for text in [
            "Path:/a/,/b",
            "PathStrip:/a,/abc/;Path:/x/{id:[0-9]+}/",
            "Query:id={id};Path:/x/{id}",
            "Query:a={v};PathStripRegex:/p/{v},/q/{w}/",
            "Path:/{x};Query:x={x}",
        ] {
            let rule = Rule::parse(text).unwrap();
            let lazy = lazy_loose(&rule);
            assert!(!lazy.is_empty(), "{text:?}");
            assert_eq!(lazy, eager_loose(text), "{text:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn loose_templates_on_first_use_are_the_eager_ones_on_any_rule(
            parts in proptest::collection::vec(
                proptest::sample::select(vec![
                    "Path", "PathStrip", "PathStripRegex", "Query", ":", ";", ",", "/x", "/ab/",
                    "/{id}", "{id:[0-9]+}", "id=", "={v}", "/", "{",
                ]),
                0..14,
            )
        ) {
            let text = parts.concat();
            if let Ok(rule) = Rule::parse(&text) {
                proptest::prop_assert_eq!(lazy_loose(&rule), eager_loose(&text), "{:?}", text);
            }
        }
    }

    #[test]
    fn lexing_spans() {
        let text = "Host: a.com , b.com ;Path:/a::b";
        let l = flat_lex(text).unwrap();
        assert_eq!(l.len(), 2);
        assert_eq!(l[0].4[0].0, "a.com");
        assert_eq!(&text[l[0].4[1].1.clone()], "b.com");
        assert_eq!(l[1].4[0].0, "/a:b");
        assert_eq!(&text[l[1].4[0].1.clone()], "/a::b");
    }

    #[test]
    fn domains_drop_empty_hosts() {
        assert_eq!(
            parse_domains("Host:A.com, ").unwrap(),
            Some(vec!["a.com".to_owned()])
        );
        assert_eq!(
            parse_domains("Host: ;Host:b.com").unwrap(),
            Some(vec!["b.com".to_owned()])
        );
        assert_eq!(parse_domains("Path:/x").unwrap(), None);
        let e = parse_domains("Host: , ").unwrap_err();
        assert_eq!(
            e.traefik_message(),
            "unable to parse correctly the domains in the Host rule from \"Host: , \""
        );
        // A mux error is not a ParseDomains error.
        assert_eq!(
            parse_domains("Host:a.com;Query:x").unwrap(),
            Some(vec!["a.com".to_owned()])
        );
    }

    #[test]
    fn priority_label_must_be_positive() {
        let r = Rule::parse("Host:a.com").unwrap();
        assert_eq!(r.priority(Some(5)), 5);
        assert_eq!(r.priority(Some(0)), 10);
        assert_eq!(r.priority(Some(-3)), 10);
        assert_eq!(r.priority(None), 10);
    }

    #[test]
    fn host_regexp_template_keeps_its_case() {
        // `\D` must not become `\d`: Traefik v1.7.34 passes the template to mux as written.
        let r = Rule::parse(r"HostRegexp:{x:\D+}.example.com").unwrap();
        assert!(
            r.matches(&crate::Request::new("ABC.example.com", "/"))
                .is_match()
        );
        assert!(
            !r.matches(&crate::Request::new("123.example.com", "/"))
                .is_match()
        );
    }

    #[test]
    fn suggestions() {
        let e = Rule::parse("host:a.com").unwrap_err();
        assert_eq!(e.kind, ParseErrorKind::UnknownFunction);
        assert_eq!(e.span, 0..4);
        assert!(e.help.unwrap().contains("`Host`"));
        assert_eq!(suggest_name("PathPrefx"), Some("PathPrefix"));
        let e = Rule::parse("hosts:a.com").unwrap_err();
        assert!(e.help.unwrap().contains("`Host`"));
        let e = Rule::parse("Hostexample.com; PathPrefixStrip: /portainer").unwrap_err();
        assert_eq!(e.span, 0..15);
        assert_eq!(
            e.help.as_deref(),
            Some("a `:` is missing after the matcher name: write `Host:example.com`")
        );
    }
}
