//! Rules Traefik accepts but that can never match (FR014), and invalid regexes that Traefik
//! silently ignores (FR011).

use crate::parse::{Arg, Compiled, MatcherName, ReplaceRegex, Rule, Segment};
use crate::template::{SIZE_LIMIT, SMALLER_REGEX_HELP, TemplateError, brace_indices};
use std::collections::{BTreeSet, HashSet};
use std::ops::Range;

/// What is wrong with a rule that parses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WarningKind {
    /// `Host:example.com:8080`: the request port is always removed before comparing.
    PortInHost,
    /// `Host: ;…`: an empty host never matches.
    EmptyHost,
    /// `Host:a.com Path:/x`: a space where `;` was meant makes one argument of it all.
    SpaceInsteadOfSemicolon,
    /// A `{name:regex}` template or a `ReplacePathRegex` whose regex does not compile (FR011).
    InvalidRegex,
    /// A template regex that Go compiles but that is past factory's compiled-size budget: it is
    /// not checked (FR011, reported as a warning since Traefik accepts it).
    RegexTooBig,
    /// A template mux refuses (unbalanced braces, `{}` without a name…): it never matches.
    BrokenTemplate,
    /// `{id:[0-9]{1,3}}`: the `,` splits the argument, cutting the regex in two.
    CommaInRegex,
    /// A path argument that does not start with `/` never matches.
    PathWithoutSlash,
    /// Two `Host` matchers AND-ed with no host in common: nothing can match.
    HostsAnded,
    /// Two exact `Path` matchers AND-ed with no path in common: nothing can match.
    PathsAnded,
    /// `PathStrip`/`PathPrefixStrip` with a `{template}`: the literal strip finds no prefix
    /// and Traefik answers 404.
    TemplateInLiteralStrip,
    /// `ReplacePathRegex` without exactly one space between regex and replacement: ignored.
    IgnoredReplacePathRegex,
    /// A `Host` argument with a `$`, `{` or `}` (`Host:${DOMAIN}` that escaped interpolation,
    /// or `$$` in a compose file): a literal host no host name matches.
    TemplateInHost,
    /// A `Host` argument with white space inside: no request host contains any.
    SpaceInHost,
}

impl WarningKind {
    /// The rule code in the factory catalog.
    pub fn code(self) -> &'static str {
        match self {
            WarningKind::InvalidRegex | WarningKind::RegexTooBig => "FR011",
            _ => "FR014",
        }
    }
}

/// A finding about a rule that Traefik accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleWarning {
    /// The kind of problem.
    pub kind: WarningKind,
    /// Byte span inside the rule text.
    pub span: Range<usize>,
    /// What is wrong.
    pub message: String,
    /// What to do.
    pub help: Option<String>,
}

impl RuleWarning {
    /// The rule code (`FR011` or `FR014`).
    pub fn code(&self) -> &'static str {
        self.kind.code()
    }
}

fn warn(kind: WarningKind, span: Range<usize>, message: String, help: &str) -> RuleWarning {
    RuleWarning {
        kind,
        span,
        message,
        help: Some(help.to_owned()),
    }
}

/// The span of `needle_at..needle_end` (offsets in `arg.text`) inside the rule, when the
/// argument is written in the rule exactly as Traefik sees it; else the whole argument.
fn sub_span(rule: &str, arg: &Arg<'_>, at: usize, end: usize) -> Range<usize> {
    if rule.get(arg.span.clone()) == Some(arg.text)
        && arg.text.is_char_boundary(at)
        && arg.text.is_char_boundary(end)
        && at <= end
    {
        arg.span.start + at..arg.span.start + end
    } else {
        arg.span.clone()
    }
}

/// `Host:a.com Path:/x`: whitespace followed by a known matcher name and `:`.
fn space_before_matcher(text: &str) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_whitespace() {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            let rest = &text[i..];
            let word_len = rest
                .find(|c: char| !c.is_ascii_alphabetic())
                .unwrap_or(rest.len());
            let word = &rest[..word_len];
            if MatcherName::ALL
                .iter()
                .any(|m| m.as_str().eq_ignore_ascii_case(word))
                && rest[word_len..].trim_start().starts_with(':')
            {
                return Some((start, i));
            }
        } else {
            i += 1;
        }
    }
    None
}

fn template_warning(seg: Segment<'_>, arg: &Arg<'_>, err: &TemplateError) -> RuleWarning {
    let name = seg.name().as_str();
    match err {
        TemplateError::Regex { message } => warn(
            WarningKind::InvalidRegex,
            arg.span.clone(),
            format!(
                "invalid regular expression in `{name}` template `{}`: {message}",
                arg.text
            ),
            "fix the regex (Go RE2 syntax); Traefik ignores this alternative, so it never matches",
        ),
        TemplateError::PathWithoutSlash => warn(
            WarningKind::PathWithoutSlash,
            arg.span.clone(),
            format!(
                "`{name}` argument `{}` does not start with `/` and never matches",
                arg.text
            ),
            "start the path with `/`",
        ),
        TemplateError::UnbalancedBraces => warn(
            WarningKind::BrokenTemplate,
            arg.span.clone(),
            format!(
                "unbalanced braces in `{name}` template `{}`: it never matches",
                arg.text
            ),
            "close every `{` with `}` (`{name}` or `{name:regex}`)",
        ),
        TemplateError::MissingNameOrPattern(part) => warn(
            WarningKind::BrokenTemplate,
            arg.span.clone(),
            format!("template variable `{part}` has no name or no pattern: it never matches"),
            "write `{name}` or `{name:regex}`",
        ),
        TemplateError::TooBig => warn(
            WarningKind::RegexTooBig,
            arg.span.clone(),
            format!(
                "the regular expression of `{name}` template `{}` compiles past factory's size limit of {SIZE_LIMIT} bytes (1 MiB): factory cannot check this alternative",
                arg.text
            ),
            SMALLER_REGEX_HELP,
        ),
        TemplateError::DuplicateVariable(v) => warn(
            WarningKind::BrokenTemplate,
            arg.span.clone(),
            format!(
                "template variable `{v}` is already used by a `Query` matcher: it never matches"
            ),
            "give the variable another name",
        ),
    }
}

/// Indices of arguments that are pieces of a `{…}` cut by a comma, with the span to report.
fn comma_cuts(seg: Segment<'_>) -> Vec<(Range<usize>, Range<usize>)> {
    // A cut starts at an argument that opens a `{`: without any, nothing to count.
    if !seg.args().any(|a| a.text.contains('{')) {
        return Vec::new();
    }
    let args: Vec<Arg<'_>> = seg.args().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let depth = |s: &str| {
            s.bytes().fold(0i64, |d, b| match b {
                b'{' => d + 1,
                b'}' => d - 1,
                _ => d,
            })
        };
        let mut level = depth(args[i].text);
        if level > 0 && i + 1 < args.len() {
            let mut j = i + 1;
            while j < args.len() && level > 0 {
                level += depth(args[j].text);
                j += 1;
            }
            let last = j - 1;
            out.push((i..j, args[i].span.start..args[last].span.end));
            i = j;
        } else {
            i += 1;
        }
    }
    out
}

impl Rule<'_> {
    /// Problems Traefik does not report: parts of the rule that can never match.
    pub fn warnings(&self) -> Vec<RuleWarning> {
        let text = self.text();
        let mut out = Vec::new();
        // Traefik keeps the last `ReplacePathRegex` value (`replacePathRegex` overwrites the
        // field): what is said of the rewrite is said there, not of the ones it replaces.
        let last_replace = self.last_of(&[MatcherName::ReplacePathRegex]);
        // The same for the literal strips: `pathStrip` and `pathPrefixStrip` both set the
        // prefixes to strip, and the last sets them.
        let last_strip = self.last_of(&[MatcherName::PathStrip, MatcherName::PathPrefixStrip]);
        for seg in self.segments() {
            let name = seg.name().as_str();
            let cuts = comma_cuts(seg);
            // The cuts are disjoint and in order: the one that may hold `i` is the first not
            // ending before it (a scan of them all for each argument was quadratic).
            let in_cut = |i: usize| {
                let at = cuts.partition_point(|(r, _)| r.end <= i);
                cuts.get(at).is_some_and(|(r, _)| r.contains(&i))
            };
            let templated = matches!(
                seg.compiled(),
                Compiled::HostRegexp(_)
                    | Compiled::Path(_)
                    | Compiled::Prefix(_)
                    | Compiled::PrefixTemplate(_)
            ) || seg.name() == MatcherName::ReplacePathRegex;
            if templated && !cuts.is_empty() {
                let args: Vec<Arg<'_>> = seg.args().collect();
                for (pieces, span) in &cuts {
                    // A piece whose braces pair is a template of its own, which may match.
                    let alive: Vec<String> = (args.get(pieces.clone()).unwrap_or_default().iter())
                        .filter(|a| !cut_piece_never_matches(seg.name(), a.text))
                        .map(|a| format!("`{}`", a.text))
                        .collect();
                    let what = match (pieces.len(), alive.is_empty()) {
                        (2, true) => "in two: neither piece matches".to_owned(),
                        (n, true) => format!("in {n} pieces: none matches"),
                        (n, false) => format!("in {n} pieces: only {} can match", alive.join(", ")),
                    };
                    out.push(warn(
                        WarningKind::CommaInRegex,
                        span.clone(),
                        format!(
                            "a `,` inside `{}` splits this `{name}` argument {what}",
                            &text[span.clone()]
                        ),
                        "commas separate alternatives in Traefik v1 rules: write the regex without a comma (e.g. `[0-9]+` or `[0-9][0-9]?[0-9]?` instead of `[0-9]{1,3}`)",
                    ));
                }
            }
            for (i, arg) in seg.args().enumerate() {
                if templated && in_cut(i) {
                    continue;
                }
                if let Some((a, b)) = space_before_matcher(arg.text) {
                    out.push(warn(
                        WarningKind::SpaceInsteadOfSemicolon,
                        sub_span(text, &arg, a, b),
                        format!(
                            "`{}` is one `{name}` argument: a space does not separate matchers",
                            arg.text
                        ),
                        "separate matchers with `;`, e.g. `Host:a.com;Path:/x`",
                    ));
                    continue;
                }
                match seg.name() {
                    MatcherName::Host => {
                        if arg.text.is_empty() {
                            out.push(warn(
                                WarningKind::EmptyHost,
                                if arg.span.is_empty() {
                                    seg.span()
                                } else {
                                    arg.span.clone()
                                },
                                "empty host in `Host`: it never matches".to_owned(),
                                "write the domain, e.g. `Host:${CI_ENVIRONMENT_DOMAIN}`",
                            ));
                        } else if let Some(ws) = find_white_space(arg.text) {
                            out.push(warn(
                                WarningKind::SpaceInHost,
                                sub_span(
                                    text,
                                    &arg,
                                    ws,
                                    ws + arg.text[ws..].chars().next().map_or(1, char::len_utf8),
                                ),
                                format!(
                                    "`Host:{}` contains white space and never matches",
                                    arg.text
                                ),
                                "remove the space; separate several hosts with `,`",
                            ));
                        } else if let Some(at) = arg.text.find(['$', '{', '}']) {
                            out.push(warn(
                                WarningKind::TemplateInHost,
                                sub_span(text, &arg, at, arg.text.len()),
                                format!(
                                    "`Host:{}` never matches: `Host` takes literal host names, and none has a `{}`",
                                    arg.text,
                                    &arg.text[at..=at]
                                ),
                                "write the host itself; in a compose file, `${CI_ENVIRONMENT_DOMAIN}` with one `$` (`$$` writes a `$`); use `HostRegexp` for a `{name}` template",
                            ));
                        } else if let Some(colon) = port_in_host(arg.text) {
                            out.push(warn(
                                WarningKind::PortInHost,
                                sub_span(text, &arg, colon, arg.text.len()),
                                format!(
                                    "`Host:{}` never matches: Traefik removes the port from the request host before comparing",
                                    arg.text
                                ),
                                "remove the port from the rule; route to the container port with `traefik.port`",
                            ));
                        }
                    }
                    MatcherName::HostRegexp => {
                        let literal_colon = literal_colon(arg.text);
                        if let Some(colon) = literal_colon {
                            out.push(warn(
                                WarningKind::PortInHost,
                                sub_span(text, &arg, colon, arg.text.len()),
                                format!(
                                    "`HostRegexp:{}` never matches: the request host is compared without its port",
                                    arg.text
                                ),
                                "remove the port from the rule",
                            ));
                        }
                    }
                    MatcherName::PathPrefix | MatcherName::PathPrefixStrip
                        if !arg.text.contains('{') && !arg.text.starts_with('/') =>
                    {
                        out.push(warn(
                            WarningKind::PathWithoutSlash,
                            arg.span.clone(),
                            format!(
                                "`{name}` argument `{}` does not start with `/` and never matches",
                                arg.text
                            ),
                            "start the prefix with `/`",
                        ));
                    }
                    _ => {}
                }
                if matches!(
                    seg.name(),
                    MatcherName::PathStrip | MatcherName::PathPrefixStrip
                ) && last_strip.as_ref() == Some(&seg.span())
                    && arg.text.contains('{')
                    && brace_indices(arg.text).is_ok()
                {
                    out.push(warn(
                        WarningKind::TemplateInLiteralStrip,
                        arg.span.clone(),
                        format!(
                            "`{name}` strips the literal text `{}`, which no request path starts with: Traefik answers 404",
                            arg.text
                        ),
                        if seg.name() == MatcherName::PathStrip {
                            "use `PathStripRegex` for a `{template}`"
                        } else {
                            "use `PathPrefixStripRegex` for a `{template}`"
                        },
                    ));
                }
            }
            // Template errors, reported against the argument as written.
            let alts: Vec<(&str, &TemplateError)> = match seg.compiled() {
                Compiled::HostRegexp(a) | Compiled::PrefixTemplate(a) => a
                    .iter()
                    .filter_map(|r| r.as_ref().err())
                    .map(|e| ("", e))
                    .collect(),
                Compiled::Path(alts) => alts
                    .strict
                    .iter()
                    .filter_map(|r| r.as_ref().err())
                    .map(|e| ("", e))
                    .collect(),
                Compiled::Prefix(_) => seg
                    .prefixes()
                    .filter_map(|p| match p {
                        crate::parse::Prefix::Template(Err(e)) => Some(("", e)),
                        _ => None,
                    })
                    .collect(),
                _ => Vec::new(),
            };
            if !alts.is_empty() {
                let duplicated = duplicated_variables(seg);
                for (i, arg) in seg.args().enumerate() {
                    if in_cut(i) || space_before_matcher(arg.text).is_some() {
                        continue;
                    }
                    if let Some(e) = arg_template_error(seg, &arg, &duplicated) {
                        out.push(template_warning(seg, &arg, &e));
                    }
                }
            }
            if seg.name() == MatcherName::ReplacePathRegex
                && last_replace.as_ref() == Some(&seg.span())
                && let Some(last) = seg.args().last()
            {
                {
                    let cut = !cuts.is_empty();
                    match &self.modifiers().replace_path_regex {
                        Some(ReplaceRegex::BadSyntax) if !cut => out.push(warn(
                            WarningKind::IgnoredReplacePathRegex,
                            last.span.clone(),
                            format!(
                                "`ReplacePathRegex:{}` needs a regex and a replacement separated by one space: Traefik ignores it",
                                last.text
                            ),
                            "write `ReplacePathRegex:^/old/(.*) /new/$1`",
                        )),
                        Some(ReplaceRegex::BadRegex) if !cut => out.push(warn(
                            WarningKind::InvalidRegex,
                            last.span.clone(),
                            format!("invalid regular expression in `ReplacePathRegex:{}`: Traefik ignores it", last.text),
                            "fix the regex (Go RE2 syntax)",
                        )),
                        Some(ReplaceRegex::TooBig) if !cut => out.push(warn(
                            WarningKind::RegexTooBig,
                            last.span.clone(),
                            format!(
                                "the regular expression of `ReplacePathRegex:{}` compiles past factory's size limit of {SIZE_LIMIT} bytes (1 MiB): factory cannot check the rewrite",
                                last.text
                            ),
                            SMALLER_REGEX_HELP,
                        )),
                        _ => {}
                    }
                }
            }
        }
        out.extend(anded(self));
        out
    }
}

impl Rule<'_> {
    /// Whether no request can match the rule, by what [`Rule::warnings`] says never matches:
    /// two `Host` (or exact `Path`) matchers AND-ed with nothing in common, or a matcher none of
    /// whose alternatives can match (`Host:a.com:8080`, `PathPrefix:x`, a broken template).
    /// `false` is no proof that some request matches.
    pub fn never_matches(&self) -> bool {
        let mut warnings = self.warnings();
        if warnings
            .iter()
            .any(|w| matches!(w.kind, WarningKind::HostsAnded | WarningKind::PathsAnded))
        {
            return true;
        }
        // By where they start, the cuts apart (each spans several arguments): an argument's
        // own warnings are found by a search, not by a scan of them all for each argument,
        // which was quadratic (40 000 arguments: 2.9 s).
        let (mut cuts, mut own): (Vec<RuleWarning>, Vec<RuleWarning>) = warnings
            .drain(..)
            .partition(|w| w.kind == WarningKind::CommaInRegex);
        own.sort_by_key(|w| (w.span.start, w.span.end));
        cuts.sort_by_key(|w| w.span.start);
        self.segments()
            .filter(|seg| !seg.name().is_pure_modifier() && seg.args().len() > 0)
            .any(|seg| {
                seg.args()
                    .all(|arg| alternative_never_matches(seg.name(), &arg, &own, &cuts))
            })
    }
}

/// Whether one argument of a matcher, an alternative, never matches, by the warnings of its
/// rule: `own`, each about one argument (its span inside the argument's), sorted by start, and
/// `cuts`, the `,`s cutting a `{…}` (each span covering its pieces), in order; and an empty
/// host.
fn alternative_never_matches(
    name: MatcherName,
    arg: &Arg<'_>,
    own: &[RuleWarning],
    cuts: &[RuleWarning],
) -> bool {
    if name == MatcherName::Host && arg.text.is_empty() {
        return true;
    }
    let from = own.partition_point(|w| w.span.start < arg.span.start);
    let mut inside = own
        .get(from..)
        .unwrap_or_default()
        .iter()
        .take_while(|w| w.span.start <= arg.span.end)
        .filter(|w| w.span.end <= arg.span.end);
    // A piece of a regex a `,` cut is a template of its own: one whose braces do not pair is
    // refused by mux (`/{id:[0-9]{1` and `3}}`), one that pairs them may match (`/b` of
    // `Path:/{a,/b,}`).
    let cut = cuts
        .partition_point(|w| w.span.start <= arg.span.start)
        .checked_sub(1)
        .and_then(|k| cuts.get(k))
        .is_some_and(|w| arg.span.end <= w.span.end && cut_piece_never_matches(name, arg.text));
    cut || inside.any(|w| match w.kind {
        WarningKind::PortInHost
        | WarningKind::EmptyHost
        | WarningKind::SpaceInHost
        | WarningKind::TemplateInHost
        | WarningKind::BrokenTemplate
        | WarningKind::InvalidRegex
        | WarningKind::PathWithoutSlash => true,
        // A request host has no white space; a path may.
        WarningKind::SpaceInsteadOfSemicolon => name == MatcherName::Host,
        // The rule matches (and answers 404), or factory could not check it; the cuts are
        // judged above.
        WarningKind::CommaInRegex
        | WarningKind::TemplateInLiteralStrip
        | WarningKind::IgnoredReplacePathRegex
        | WarningKind::RegexTooBig
        | WarningKind::HostsAnded
        | WarningKind::PathsAnded => false,
    })
}

/// Whether a piece of a regex a `,` cut (`text`, an argument of a `name` matcher) matches
/// nothing: mux refuses a template whose braces do not pair, and a request path starts with
/// `/` (or is `*`), which a path written without braces and without a leading `/` is not.
fn cut_piece_never_matches(name: MatcherName, text: &str) -> bool {
    let path = matches!(
        name,
        MatcherName::Path
            | MatcherName::PathStrip
            | MatcherName::PathPrefix
            | MatcherName::PathPrefixStrip
    );
    !braces_pair(text) || (path && !text.contains('{') && !text.starts_with('/') && text != "*")
}

/// Whether the `{` and `}` of `text` pair up, as mux's `braceIndices` wants of a template.
fn braces_pair(text: &str) -> bool {
    let mut depth = 0usize;
    for b in text.bytes() {
        match b {
            b'{' => depth += 1,
            b'}' => match depth.checked_sub(1) {
                Some(d) => depth = d,
                None => return false,
            },
            _ => {}
        }
    }
    depth == 0
}

/// The first white space in `text` (`str::find(char::is_whitespace)`), without decoding
/// printable ASCII, which has none.
fn find_white_space(text: &str) -> Option<usize> {
    if text.bytes().all(|b| b.is_ascii_graphic()) {
        return None;
    }
    text.find(char::is_whitespace)
}

/// The index of the `:` before a port in a `Host` argument, when the request host, which
/// Traefik compares without its port, can never be that argument: `a.com:8080` and
/// `[::1]:8080`. An IPv6 address can be, bracketed (`[::1]`, a request host without a port:
/// `net.SplitHostPort` fails and the host is kept as sent) or not (`::1`, the host of
/// `[::1]:8443`), and so can any argument with two `:` or more (`SplitHostPort` refuses
/// `a:b:c`, kept as sent).
fn port_in_host(host: &str) -> Option<usize> {
    if host.starts_with('[') {
        let close = host.find(']')?;
        return (host.as_bytes().get(close + 1) == Some(&b':')).then_some(close + 1);
    }
    let colon = host.find(':')?;
    (host.rfind(':') == Some(colon)).then_some(colon)
}

/// The index of a `:` outside `{…}` in a host template.
fn literal_colon(t: &str) -> Option<usize> {
    let mut level = 0i64;
    for (i, b) in t.bytes().enumerate() {
        match b {
            b'{' => level += 1,
            b'}' => level -= 1,
            b':' if level == 0 => return Some(i),
            _ => {}
        }
    }
    None
}

/// Rebuilds the template error of one argument (the compiled list may be reordered);
/// `duplicated` holds the segment's [`duplicated_variables`]. An argument valid on its own has
/// the duplicate error of the first of its variables another matcher already uses: in
/// `Query:id={id};Path:/a/{id},/b`, `/a/{id}` never matches, and `/b` still does.
fn arg_template_error(
    seg: Segment<'_>,
    arg: &Arg<'_>,
    duplicated: &HashSet<&str>,
) -> Option<TemplateError> {
    use crate::template::{RouteVars, Template, TemplateKind};
    let (tpl, kind) = match seg.name() {
        MatcherName::HostRegexp => (arg.text.to_owned(), TemplateKind::Host),
        MatcherName::Path | MatcherName::PathStrip | MatcherName::PathStripRegex => {
            (arg.text.to_owned(), TemplateKind::Path)
        }
        MatcherName::PathPrefix | MatcherName::PathPrefixStrip if arg.text.contains('{') => {
            (arg.text.to_owned(), TemplateKind::PathPrefix)
        }
        MatcherName::PathPrefixStripRegex => (arg.text.to_owned(), TemplateKind::PathPrefix),
        _ => return None,
    };
    // Duplicates with Query variables are checked by the compiled list; recheck here with
    // none, then look the argument's own variables up in the compiled duplicates.
    match Template::new(&tpl, kind, true, &RouteVars::new()) {
        Err(e) => Some(e),
        Ok(t) => t
            .var_names()
            .iter()
            .find(|name| duplicated.contains(name.as_str()))
            .map(|name| TemplateError::DuplicateVariable(name.clone())),
    }
}

/// The variables that the compiled alternatives of a segment (`Path`, `HostRegexp` and
/// `PathPrefixStripRegex` ones) use although another matcher already does, found once per
/// segment rather than once per argument.
fn duplicated_variables<'r>(seg: Segment<'r>) -> HashSet<&'r str> {
    let alts = match seg.compiled() {
        Compiled::Path(alts) => &alts.strict,
        Compiled::HostRegexp(a) | Compiled::PrefixTemplate(a) => a,
        _ => return HashSet::new(),
    };
    alts.iter()
        .filter_map(|alt| match alt {
            Err(TemplateError::DuplicateVariable(name)) => Some(name.as_str()),
            _ => None,
        })
        .collect()
}

/// AND-ed `Host` (or exact `Path`) segments with nothing in common.
fn anded(rule: &Rule) -> Vec<RuleWarning> {
    // A warning needs a second `Host` or `Path` matcher: most rules have one of each at most,
    // and need no sets built.
    let count = |wanted: fn(&Segment<'_>) -> bool| rule.segments().filter(|s| wanted(s)).count();
    let hosts_count = count(|s| matches!(s.compiled(), Compiled::Host(_)));
    let paths_count =
        count(|s| matches!(s.compiled(), Compiled::Path(_)) && s.name() == MatcherName::Path);
    if hosts_count < 2 && paths_count < 2 {
        return Vec::new();
    }
    let mut out = Vec::new();
    // Sets of borrowed texts: only compared, never kept.
    let mut hosts: Option<BTreeSet<&str>> = None;
    let mut paths: Option<BTreeSet<&str>> = None;
    for seg in rule.segments() {
        match seg.compiled() {
            Compiled::Host(_) => {
                let set: BTreeSet<&str> = seg.hosts().filter(|h| !h.is_empty()).collect();
                if let Some(prev) = &hosts {
                    let inter: BTreeSet<&str> = prev.intersection(&set).copied().collect();
                    if inter.is_empty() && !prev.is_empty() && !set.is_empty() {
                        out.push(warn(
                            WarningKind::HostsAnded,
                            seg.span(),
                            "this `Host` matcher is AND-ed with an earlier one and they share no host: the rule never matches".to_owned(),
                            "list the hosts in one matcher, `Host:a.com,b.com` (a comma means OR)",
                        ));
                    }
                    hosts = Some(inter);
                } else {
                    hosts = Some(set);
                }
            }
            Compiled::Path(_) if seg.name() == MatcherName::Path => {
                if seg.args().any(|a| a.text.contains('{')) {
                    continue;
                }
                let set: BTreeSet<&str> =
                    seg.args().map(|a| a.text.trim_end_matches('/')).collect();
                if let Some(prev) = &paths {
                    let inter: BTreeSet<&str> = prev.intersection(&set).copied().collect();
                    if inter.is_empty() && !prev.is_empty() {
                        out.push(warn(
                            WarningKind::PathsAnded,
                            seg.span(),
                            "this `Path` matcher is AND-ed with an earlier one and they share no path: the rule never matches".to_owned(),
                            "list the paths in one matcher, `Path:/a,/b` (a comma means OR)",
                        ));
                    }
                    paths = Some(inter);
                } else {
                    paths = Some(set);
                }
            }
            _ => {}
        }
    }
    out
}
