//! The rule parser: exactly how Traefik v1.7.34's `parseRules` splits a rule, plus the
//! route building (`Rules.Parse`) that can still fail on mux errors.

use crate::error::{DomainsError, ParseError, ParseErrorKind};
use crate::template::{Template, TemplateError, TemplateKind, compile_go_regex, go_quote};
use regex::Regex;
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

/// One argument of a matcher, after Traefik's splitting and trimming.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arg {
    /// The argument as Traefik sees it (trimmed; a `::` inside collapsed to `:`).
    pub text: String,
    /// Byte span of the argument in the rule text.
    pub span: Range<usize>,
}

/// One `;`-separated segment: a matcher name and its arguments.
#[derive(Debug, Clone)]
pub struct Segment {
    name: MatcherName,
    name_span: Range<usize>,
    span: Range<usize>,
    args: Vec<Arg>,
    pub(crate) compiled: Compiled,
}

impl Segment {
    /// The matcher or modifier name.
    pub fn name(&self) -> MatcherName {
        self.name
    }
    /// Byte span of the name in the rule text.
    pub fn name_span(&self) -> Range<usize> {
        self.name_span.clone()
    }
    /// Byte span of the whole segment (trimmed) in the rule text.
    pub fn span(&self) -> Range<usize> {
        self.span.clone()
    }
    /// The arguments, in order.
    pub fn args(&self) -> &[Arg] {
        &self.args
    }
}

/// A template alternative: mux may have refused it, in which case it never matches.
pub(crate) type Alt = Result<Template, TemplateError>;

/// A `PathPrefix` alternative: plain string prefix (no `{`) or a mux template.
#[derive(Debug, Clone)]
pub(crate) enum PrefixAlt {
    Plain(String),
    Template(Alt),
}

/// What a segment contributes to matching.
#[derive(Debug, Clone)]
pub(crate) enum Compiled {
    Host(Vec<String>),
    HostRegexp(Vec<Alt>),
    /// `Path`, `PathStrip`, `PathStripRegex`: templates built with and without strict slash.
    Path {
        strict: Vec<Alt>,
        loose: Vec<Alt>,
    },
    /// `PathPrefix`, `PathPrefixStrip`.
    Prefix(Vec<PrefixAlt>),
    /// `PathPrefixStripRegex`.
    PrefixTemplate(Vec<Alt>),
    Method(Vec<String>),
    Headers(Vec<(String, String)>),
    HeadersRegexp(Vec<(String, Regex)>),
    Query(Vec<Template>),
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

/// The route's modifier state (each is "last segment/argument wins").
#[derive(Debug, Clone, Default)]
pub(crate) struct Modifiers {
    pub(crate) strip_prefixes: Vec<String>,
    pub(crate) strip_regex: Vec<Alt>,
    pub(crate) add_prefix: String,
    pub(crate) replace_path: String,
    pub(crate) replace_path_regex: Option<ReplaceRegex>,
}

/// A parsed `traefik.frontend.rule`.
#[derive(Debug, Clone)]
pub struct Rule {
    text: String,
    segments: Vec<Segment>,
    pub(crate) modifiers: Modifiers,
}

/// A `;`-segment split into name and arguments, before any matcher is built.
#[derive(Debug, Clone)]
pub(crate) struct Lexed {
    /// The segment's bytes in the rule text (for error messages).
    pub(crate) seg: Range<usize>,
    pub(crate) span: Range<usize>,
    pub(crate) name: Result<MatcherName, String>,
    pub(crate) name_span: Range<usize>,
    pub(crate) args: Vec<Arg>,
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
pub(crate) fn lex(text: &str) -> Result<Vec<Lexed>, ParseError> {
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
    // The re-joined arguments of a segment and their byte map, reused from segment to segment
    // (only needed when the arguments span several `:`-fields).
    let mut joined = String::new();
    let mut map: Vec<usize> = Vec::new();
    for seg in fields(text, 0, b';') {
        let seg_text = &text[seg.clone()];
        let seg_span = trim_range(text, seg.clone());
        let mut parts = fields(seg_text, seg.start, b':');
        let Some(first) = parts.next() else {
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
        let name = MatcherName::from_name(name_text).ok_or_else(|| text[first.clone()].to_owned());
        // Re-join the remaining `:`-fields with ":" (so `::` collapses), keeping a byte map
        // from the joined text to the rule text. With one field (the usual case) the joined
        // text is that field and the map an offset: no copy.
        let second = parts.next();
        let third = parts.next();
        let (args_text, offset): (&str, Option<usize>) = match (second, third) {
            (None, _) => ("", Some(seg.end)),
            (Some(only), None) => (&text[only.clone()], Some(only.start)),
            (Some(second), Some(third)) => {
                joined.clear();
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
                (joined.as_str(), None)
            }
        };
        let map_at = |i: usize| match offset {
            Some(base) => (i < args_text.len()).then_some(base + i),
            None => map.get(i).copied(),
        };
        let mut args = Vec::new();
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
            args.push(Arg {
                text: args_text[t].to_owned(),
                span,
            });
        }
        out.push(Lexed {
            seg: seg.clone(),
            span: seg_span,
            name,
            name_span,
            args,
        });
    }
    Ok(out)
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

/// Go `sort.Sort(bySize)` on a short list: longest first, stable for equal lengths.
fn by_size(args: &[Arg]) -> Vec<String> {
    let mut v: Vec<String> = args.iter().map(|a| a.text.clone()).collect();
    v.sort_by_key(|s| std::cmp::Reverse(s.len()));
    v
}

fn args_span(args: &[Arg]) -> Range<usize> {
    match (args.first(), args.last()) {
        (Some(a), Some(b)) => a.span.start..b.span.end.max(a.span.start),
        _ => 0..0,
    }
}

impl Rule {
    /// Parses a rule as Traefik v1.7.34's `Rules.Parse` does: the same errors, in the same
    /// order (the first failing segment wins).
    pub fn parse(text: &str) -> Result<Rule, ParseError> {
        let lexed = lex(text)?;
        let mut segments = Vec::new();
        let mut modifiers = Modifiers::default();
        // A regex past factory's size budget is not an error for Traefik: the rest of the rule
        // is still checked, and the budget is reported only when nothing else is wrong.
        let mut too_big: Option<ParseError> = None;
        let mut query_vars: Vec<String> = Vec::new();
        for l in lexed {
            let name = check_lexed(text, &l)?;
            // The argument texts, copied only by the matchers that keep them as a list.
            let texts = || -> Vec<String> { l.args.iter().map(|a| a.text.clone()).collect() };
            let compiled = match name {
                MatcherName::Host => {
                    Compiled::Host(l.args.iter().map(|a| a.text.to_lowercase()).collect())
                }
                MatcherName::HostRegexp => Compiled::HostRegexp(
                    l.args
                        .iter()
                        .map(|a| Template::new(&a.text, TemplateKind::Host, false, &query_vars))
                        .collect(),
                ),
                MatcherName::Path | MatcherName::PathStrip | MatcherName::PathStripRegex => {
                    let order = if name == MatcherName::Path {
                        texts()
                    } else {
                        by_size(&l.args)
                    };
                    if name == MatcherName::PathStrip {
                        modifiers.strip_prefixes = order.clone();
                    }
                    if name == MatcherName::PathStripRegex {
                        modifiers.strip_regex = strip_regex_templates(&order);
                    }
                    let build = |strict: bool| {
                        order
                            .iter()
                            .map(|p| Template::new(p, TemplateKind::Path, strict, &query_vars))
                            .collect()
                    };
                    Compiled::Path {
                        strict: build(true),
                        loose: build(false),
                    }
                }
                MatcherName::PathPrefix | MatcherName::PathPrefixStrip => {
                    let alt = |p: &str| {
                        if p.contains('{') {
                            PrefixAlt::Template(Template::new(
                                p,
                                TemplateKind::PathPrefix,
                                false,
                                &query_vars,
                            ))
                        } else {
                            PrefixAlt::Plain(p.to_owned())
                        }
                    };
                    if name == MatcherName::PathPrefix {
                        Compiled::Prefix(l.args.iter().map(|a| alt(&a.text)).collect())
                    } else {
                        let order = by_size(&l.args);
                        let compiled = Compiled::Prefix(order.iter().map(|p| alt(p)).collect());
                        modifiers.strip_prefixes = order;
                        compiled
                    }
                }
                MatcherName::PathPrefixStripRegex => {
                    let order = by_size(&l.args);
                    modifiers.strip_regex = strip_regex_templates(&order);
                    Compiled::PrefixTemplate(
                        order
                            .iter()
                            .map(|p| Template::new(p, TemplateKind::PathPrefix, false, &query_vars))
                            .collect(),
                    )
                }
                MatcherName::Method => {
                    Compiled::Method(l.args.iter().map(|a| a.text.to_uppercase()).collect())
                }
                MatcherName::Headers | MatcherName::HeadersRegexp => {
                    let texts = texts();
                    if !texts.len().is_multiple_of(2) {
                        return Err(perr(
                            ParseErrorKind::OddHeaderParameters,
                            args_span(&l.args),
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
                        let mut pairs: Vec<(String, String)> = Vec::new();
                        for kv in texts.chunks(2) {
                            if let [k, v] = kv {
                                let k = crate::request::canonical_header_key(k);
                                upsert(&mut pairs, k, v.clone());
                            }
                        }
                        Compiled::Headers(pairs)
                    } else {
                        let mut pairs: Vec<(String, Regex)> = Vec::new();
                        for (i, kv) in texts.chunks(2).enumerate() {
                            if let [k, v] = kv {
                                let span = l
                                    .args
                                    .get(2 * i + 1)
                                    .map_or(l.span.clone(), |a| a.span.clone());
                                let re = match compile_go_regex(v) {
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
                                let k = crate::request::canonical_header_key(k);
                                upsert(&mut pairs, k, re);
                            }
                        }
                        Compiled::HeadersRegexp(pairs)
                    }
                }
                MatcherName::Query => {
                    let texts = texts();
                    let pieces: Vec<&str> = texts.iter().flat_map(|a| a.split('=')).collect();
                    if !pieces.len().is_multiple_of(2) {
                        let bad = l
                            .args
                            .iter()
                            .find(|a| !a.text.split('=').count().is_multiple_of(2))
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
                                        l.args.get(i).map_or(l.span.clone(), |a| a.span.clone());
                                    too_big.get_or_insert_with(|| regex_too_big(span, &tpl));
                                }
                                Err(e) => {
                                    let span =
                                        l.args.get(i).map_or(l.span.clone(), |a| a.span.clone());
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
                    Compiled::Query(tpls)
                }
                MatcherName::AddPrefix => {
                    modifiers.add_prefix =
                        l.args.last().map(|a| a.text.clone()).unwrap_or_default();
                    Compiled::Modifier
                }
                MatcherName::ReplacePath => {
                    modifiers.replace_path =
                        l.args.last().map(|a| a.text.clone()).unwrap_or_default();
                    Compiled::Modifier
                }
                MatcherName::ReplacePathRegex => {
                    let last = l.args.last().map(|a| a.text.clone()).unwrap_or_default();
                    modifiers.replace_path_regex = if last.is_empty() {
                        None
                    } else {
                        Some(replace_regex(&last))
                    };
                    Compiled::Modifier
                }
            };
            segments.push(Segment {
                name,
                name_span: l.name_span,
                span: l.span,
                args: l.args,
                compiled,
            });
        }
        if let Some(e) = too_big {
            return Err(e);
        }
        Ok(Rule {
            text: text.to_owned(),
            segments,
            modifiers,
        })
    }

    /// The rule text as written.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The segments, in rule order (empty segments are dropped, as Traefik does).
    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// Traefik's default priority: the rule's length in bytes.
    pub fn default_priority(&self) -> i64 {
        default_priority(&self.text)
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
        parse_domains(&self.text)
    }
}

fn upsert<T>(pairs: &mut Vec<(String, T)>, k: String, v: T) {
    if let Some(slot) = pairs.iter_mut().find(|(key, _)| *key == k) {
        slot.1 = v;
    } else {
        pairs.push((k, v));
    }
}

fn strip_regex_templates(order: &[String]) -> Vec<Alt> {
    order
        .iter()
        .map(|p| Template::new(p, TemplateKind::PathPrefix, false, &[]))
        .collect()
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
    for l in &lexed {
        let name = check_lexed(text, l).map_err(|e| domains_error(&e))?;
        if name == MatcherName::Host {
            is_host_rule = true;
            first_host.get_or_insert_with(|| l.span.clone());
            // Empty arguments are dropped; only a Host matcher left with none is an error.
            domains.extend(
                l.args
                    .iter()
                    .map(|a| a.text.to_lowercase())
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
    fn reference_lex(text: &str) -> Result<Vec<Lexed>, ParseError> {
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
                args.push(Arg {
                    text: joined[t].to_owned(),
                    span,
                });
            }
            out.push(Lexed {
                seg: seg.clone(),
                span: seg_span,
                name,
                name_span,
                args,
            });
        }
        Ok(out)
    }

    fn same_lex(text: &str) -> bool {
        format!("{:?}", lex(text)) == format!("{:?}", reference_lex(text))
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

    #[test]
    fn lexing_spans() {
        let text = "Host: a.com , b.com ;Path:/a::b";
        let l = lex(text).unwrap();
        assert_eq!(l.len(), 2);
        assert_eq!(l[0].args[0].text, "a.com");
        assert_eq!(&text[l[0].args[1].span.clone()], "b.com");
        assert_eq!(l[1].args[0].text, "/a:b");
        assert_eq!(&text[l[1].args[0].span.clone()], "/a::b");
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
