//! gorilla-mux templates (`/a/{id:[0-9]+}`, `{sub}.example.com`, `k={v}`) as built by
//! `containous/mux` at the commit Traefik v1.7.34 pins, and Go RE2 regexes on the `regex` crate.

use crate::lazy_regex::{LazyRegex, check_regex, compiled};
use regex::{Regex, RegexBuilder};
use std::collections::{HashMap, HashSet};

/// Compiled-program size limit of one regex, in bytes: a hostile pattern is an error
/// ([`TemplateError::TooBig`]), never a blow-up.
pub(crate) const SIZE_LIMIT: usize = 1 << 20;

/// The help for a regex past [`SIZE_LIMIT`].
pub(crate) const SMALLER_REGEX_HELP: &str = "write a smaller regex: a counted repetition of a Unicode class (`\\pL{30}`) is huge (all the more in a case-insensitive `HostRegexp`); `\\pL+` or an ASCII class (`[a-z]{30}`) stays small";

/// The variable names a route has already declared: mux refuses a name used twice across a
/// route's host, path and query templates. A set, because a `Query` matcher with thousands of
/// parameters checks each new template against all the names before it.
pub(crate) type RouteVars = HashSet<String>;

/// What a template matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TemplateKind {
    /// `HostRegexp`: case-insensitive, `{name}` = `[^.]+`.
    Host,
    /// `Path`: anchored both ends, `{name}` = `[^/]+`.
    Path,
    /// `PathPrefix` with a template: anchored at the start only.
    PathPrefix,
    /// `Query` `key=value`: `{name}` = `.*`.
    Query,
}

/// Why mux refuses a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TemplateError {
    /// `mux: unbalanced braces in "…"`.
    UnbalancedBraces,
    /// `mux: missing name or pattern in "{…}"`.
    MissingNameOrPattern(String),
    /// A variable's regex (or the assembled one) does not compile.
    Regex { message: String },
    /// `mux: path must start with a slash`.
    PathWithoutSlash,
    /// `mux: duplicated route variable "…"`.
    DuplicateVariable(String),
    /// The regex compiles past [`SIZE_LIMIT`]: factory refuses to build it (Go compiles it).
    TooBig,
}

impl TemplateError {
    /// The message mux/Go would give.
    pub(crate) fn go_message(&self, tpl: &str) -> String {
        match self {
            TemplateError::UnbalancedBraces => {
                format!("mux: unbalanced braces in {}", go_quote(tpl))
            }
            TemplateError::MissingNameOrPattern(part) => {
                format!("mux: missing name or pattern in {}", go_quote(part))
            }
            TemplateError::Regex { message } => format!("error parsing regexp: {message}"),
            TemplateError::PathWithoutSlash => {
                format!("mux: path must start with a slash, got {}", go_quote(tpl))
            }
            TemplateError::DuplicateVariable(name) => {
                format!("mux: duplicated route variable {}", go_quote(name))
            }
            TemplateError::TooBig => format!(
                "regexp {} compiles past factory's size limit of {SIZE_LIMIT} bytes",
                go_quote(tpl)
            ),
        }
    }
}

#[derive(Debug, Clone)]
enum ReversePart {
    Literal(String),
    Var(usize),
}

/// A compiled mux template.
#[derive(Debug, Clone)]
pub(crate) struct Template {
    /// The template as given to mux (before the strict-slash trim).
    pub(crate) template: String,
    regex: LazyRegex,
    /// Every match starts with the first literal of `reverse` (not so for the
    /// case-insensitive `HostRegexp`): an input without it is refused without compiling the
    /// regex.
    literal_start: bool,
    /// What else every match has, checked before the regex: comparing one host with 80 000
    /// `HostRegexp` templates compiled each of them.
    frame: Frame,
    var_names: Vec<String>,
    var_patterns: Vec<String>,
    reverse: Vec<ReversePart>,
    /// Strict slash was applied (Path templates under `StrictSlash(true)`).
    pub(crate) strict_slash: bool,
}

/// What every match of a template with a variable has besides its regex (the literals of
/// its `reverse` around the variables).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Frame {
    /// A `HostRegexp`'s: its literals are matched in any case (`(?i)`) and are ASCII, as the
    /// checks below need.
    any_case: bool,
    /// It starts with the first literal, in any case (`literal_start` checks the others'
    /// starts).
    start: bool,
    /// How it ends.
    end: FrameEnd,
}

/// How every match of a template ends.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum FrameEnd {
    /// Unknown (a `PathPrefix`, a `Query` template `k=` that takes any value, no literal
    /// after the last variable).
    #[default]
    Unknown,
    /// With the last literal (`.a.com` for `{sub}.a.com`).
    Last,
    /// With the last literal, or it and a `/` (a `Path` under strict slash).
    LastOrSlash,
}

/// Whether `c` is `ascii` in any case, as the `regex` crate's `(?i)` has it (Unicode simple
/// case folding: `k` is also the Kelvin sign, `s` the long s).
fn same_in_any_case(c: char, ascii: char) -> bool {
    c.eq_ignore_ascii_case(&ascii)
        || (ascii.eq_ignore_ascii_case(&'k') && c == '\u{212A}')
        || (ascii.eq_ignore_ascii_case(&'s') && c == '\u{17F}')
}

/// What is left of `text` after `prefix`, compared as the frame's literals are.
fn strip_start<'t>(text: &'t str, prefix: &str, any_case: bool) -> Option<&'t str> {
    if !any_case {
        return text.strip_prefix(prefix);
    }
    let mut chars = text.char_indices();
    for p in prefix.chars() {
        let (_, c) = chars.next()?;
        if !same_in_any_case(c, p) {
            return None;
        }
    }
    Some(chars.as_str())
}

/// What is left of `text` before `suffix`, compared as the frame's literals are.
fn strip_end<'t>(text: &'t str, suffix: &str, any_case: bool) -> Option<&'t str> {
    if !any_case {
        return text.strip_suffix(suffix);
    }
    let mut chars = text.chars();
    for s in suffix.chars().rev() {
        let c = chars.next_back()?;
        if !same_in_any_case(c, s) {
            return None;
        }
    }
    Some(chars.as_str())
}

/// Byte offsets of the top-level `{…}` pairs of `s` (mux `braceIndices`).
pub(crate) fn brace_indices(s: &str) -> Result<Vec<(usize, usize)>, TemplateError> {
    let mut level: i64 = 0;
    let mut start = 0;
    let mut out = Vec::new();
    for (i, b) in s.bytes().enumerate() {
        match b {
            b'{' => {
                level += 1;
                if level == 1 {
                    start = i;
                }
            }
            b'}' => {
                level -= 1;
                if level == 0 {
                    out.push((start, i + 1));
                } else if level < 0 {
                    return Err(TemplateError::UnbalancedBraces);
                }
            }
            _ => {}
        }
    }
    if level != 0 {
        return Err(TemplateError::UnbalancedBraces);
    }
    Ok(out)
}

impl Template {
    /// Builds a template the way mux's `newRouteRegexp` does. `prior_vars` are variable names
    /// already used by the route (mux refuses duplicates across host/path/queries).
    pub(crate) fn new(
        tpl: &str,
        kind: TemplateKind,
        strict_slash: bool,
        prior_vars: &RouteVars,
    ) -> Result<Template, TemplateError> {
        if matches!(kind, TemplateKind::Path | TemplateKind::PathPrefix)
            && !tpl.is_empty()
            && !tpl.starts_with('/')
        {
            return Err(TemplateError::PathWithoutSlash);
        }
        let idxs = brace_indices(tpl)?;
        let default_pattern = match kind {
            TemplateKind::Query => ".*",
            TemplateKind::Host => "[^.]+",
            _ => "[^/]+",
        };
        let strict_slash = strict_slash && kind == TemplateKind::Path;
        let mut body = tpl;
        if strict_slash && body.ends_with('/') {
            body = &body[..body.len() - 1];
        }
        let mut pattern = String::new();
        // The same pattern in Go's syntax, as mux writes it: Go compiles it after the
        // variables, and its error messages quote it.
        let mut go_pattern = String::new();
        if kind == TemplateKind::Host {
            pattern.push_str("(?i)");
            go_pattern.push_str("(?i)");
        }
        pattern.push('^');
        go_pattern.push('^');
        let mut reverse = Vec::new();
        let mut var_names = Vec::new();
        let mut var_patterns = Vec::new();
        let mut end = 0;
        for &(open, close) in &idxs {
            // The trim of a trailing `/` never cuts into a `{…}` pair (it ends with `}`).
            if close > body.len() {
                break;
            }
            let raw = &body[end..open];
            end = close;
            let inner = &body[open + 1..close - 1];
            let (name, patt) = match inner.split_once(':') {
                Some((n, p)) => (n, p),
                None => (inner, default_pattern),
            };
            if name.is_empty() || patt.is_empty() {
                return Err(TemplateError::MissingNameOrPattern(
                    body[open..close].to_owned(),
                ));
            }
            // mux compiles `^patt$` on its own (to validate variable values) as it goes.
            translate_go_regex(&format!("^{patt}$"))?;
            go_pattern.push_str(&go_quote_meta(raw));
            go_pattern.push_str(&format!("(?P<v{}>{patt})", var_names.len()));
            reverse.push(ReversePart::Literal(raw.to_owned()));
            reverse.push(ReversePart::Var(var_names.len()));
            var_names.push(name.to_owned());
            // The Go pattern for now; translated once Go's checks of the whole passed.
            var_patterns.push(patt.to_owned());
        }
        let raw = &body[end.min(body.len())..];
        go_pattern.push_str(&go_quote_meta(raw));
        let mut tail = String::new();
        if strict_slash {
            tail.push_str("[/]?");
        }
        if kind == TemplateKind::Query {
            let value = tpl.split_once('=').map_or("", |(_, v)| v);
            if value.is_empty() {
                tail.push_str(default_pattern);
            }
        }
        if kind != TemplateKind::PathPrefix {
            tail.push('$');
        }
        go_pattern.push_str(&tail);
        // A variable's pattern can be valid alone and not in the whole (`{x:\}` escapes the
        // group's `)`): Go refuses the whole, quoting it.
        translate_go_regex(&go_pattern)?;
        // The same pattern for the `regex` crate.
        for (i, patt) in var_patterns.iter_mut().enumerate() {
            let translated = translate_go_regex(patt)?;
            check_regex(&format!("^(?:{translated})$"))?;
            if let Some(ReversePart::Literal(raw)) = reverse.get(2 * i) {
                pattern.push_str(&regex::escape(raw));
            }
            pattern.push_str(&format!("(?P<v{i}>{translated})"));
            *patt = translated;
        }
        pattern.push_str(&regex::escape(raw));
        pattern.push_str(&tail);
        reverse.push(ReversePart::Literal(raw.to_owned()));
        if strict_slash && tpl.ends_with('/') {
            reverse.push(ReversePart::Literal("/".to_owned()));
        }
        for name in &var_names {
            if prior_vars.contains(name) {
                return Err(TemplateError::DuplicateVariable(name.clone()));
            }
        }
        // The regex starts with `^` and the first literal, escaped.
        let literal_start = kind != TemplateKind::Host;
        let regex = LazyRegex::new(pattern)?;
        // Without a variable the regex is a fixed pattern itself.
        let mut frame = Frame::default();
        if !var_names.is_empty() {
            let first = match reverse.first() {
                Some(ReversePart::Literal(first)) => first.as_str(),
                _ => "",
            };
            frame.any_case = kind == TemplateKind::Host;
            let usable =
                |literal: &str| !literal.is_empty() && (!frame.any_case || literal.is_ascii());
            frame.start = frame.any_case && usable(first);
            if usable(raw) {
                frame.end = match tail.as_str() {
                    "$" => FrameEnd::Last,
                    "[/]?$" => FrameEnd::LastOrSlash,
                    _ => FrameEnd::Unknown,
                };
            }
        }
        Ok(Template {
            template: tpl.to_owned(),
            regex,
            literal_start,
            frame,
            var_names,
            var_patterns,
            reverse,
            strict_slash,
        })
    }

    /// Variable names, in order.
    pub(crate) fn var_names(&self) -> &[String] {
        &self.var_names
    }

    /// A few strings this template matches, built by filling each variable with a sample
    /// that its pattern accepts (empty when no sample fits).
    pub(crate) fn samples(&self) -> Vec<String> {
        const PICKS: [&str; 16] = [
            "a", "x", "www", "api", "foo", "1", "42", "v1", "abc", "a-b", "A", "0", "test", "a.b",
            "x/y", "",
        ];
        let mut per_var: Vec<Vec<&str>> = Vec::new();
        for patt in &self.var_patterns {
            let Ok(re) = compiled(&format!("^(?:{patt})$")) else {
                return Vec::new();
            };
            let fits: Vec<&str> = PICKS
                .into_iter()
                .filter(|s| re.is_match(s))
                .take(2)
                .collect();
            if fits.is_empty() {
                return Vec::new();
            }
            per_var.push(fits);
        }
        let mut out = Vec::new();
        for choice in 0..2 {
            let mut s = String::new();
            for part in &self.reverse {
                match part {
                    ReversePart::Literal(l) => s.push_str(l),
                    ReversePart::Var(i) => {
                        let fits = per_var.get(*i).map(Vec::as_slice).unwrap_or(&[]);
                        s.push_str(fits.get(choice).or(fits.first()).copied().unwrap_or(""));
                    }
                }
            }
            if self.is_match(&s) && !out.contains(&s) {
                out.push(s);
            }
        }
        out
    }

    /// Whether the template matches `input` (host, path or `key=value`).
    pub(crate) fn is_match(&self, input: &str) -> bool {
        input.starts_with(self.literal_prefix())
            && self.in_frame(input)
            && self.regex.is_match(input)
    }

    /// Whether `input` has what the [`Frame`] says every match has.
    fn in_frame(&self, input: &str) -> bool {
        let Frame {
            any_case,
            start,
            end,
        } = self.frame;
        let literal = |i: usize| match self.reverse.get(i) {
            Some(ReversePart::Literal(raw)) => raw.as_str(),
            _ => "",
        };
        if start && strip_start(input, literal(0), any_case).is_none() {
            return false;
        }
        // The literal after the last variable (strict slash may add a `/` after it).
        let last = literal(2 * self.var_names.len());
        match end {
            FrameEnd::Unknown => true,
            FrameEnd::Last => strip_end(input, last, any_case).is_some(),
            FrameEnd::LastOrSlash => {
                strip_end(input, last, any_case).is_some()
                    || input
                        .strip_suffix('/')
                        .is_some_and(|rest| strip_end(rest, last, any_case).is_some())
            }
        }
    }

    /// The text every match starts with (see `literal_start`).
    fn literal_prefix(&self) -> &str {
        match self.reverse.first() {
            Some(ReversePart::Literal(raw)) if self.literal_start => raw,
            _ => "",
        }
    }

    /// The URL mux's `Route.URL` builds from the variables of a match on `input`
    /// (used by the regex strip middleware), or `None` when mux would fail.
    pub(crate) fn matched_url(&self, input: &str) -> Option<String> {
        let groups = self.regex.groups(input)?;
        // mux `extractVars`: walk every group, taking one whose end is past the previous one.
        let mut values: HashMap<&str, &str> = HashMap::new();
        let mut count = 0;
        let mut prev_end: i64 = -1;
        for group in groups {
            if count >= self.var_names.len() {
                break;
            }
            let end = group
                .as_ref()
                .map_or(-1, |m| i64::try_from(m.end).unwrap_or(i64::MAX));
            if prev_end < end {
                if let (Some(m), Some(name)) = (group, self.var_names.get(count)) {
                    values.insert(name.as_str(), input.get(m).unwrap_or_default());
                }
                prev_end = end;
                count += 1;
            }
        }
        let mut out = String::new();
        for part in &self.reverse {
            match part {
                ReversePart::Literal(s) => out.push_str(s),
                ReversePart::Var(i) => {
                    let name = self.var_names.get(*i)?;
                    out.push_str(values.get(name.as_str())?);
                }
            }
        }
        // mux's `url`: when the URL built does not match the template, each value is checked
        // against its variable's own `^pattern$`, and one that fails is an error.
        if !self.regex.is_match(&out) {
            for (name, patt) in self.var_names.iter().zip(&self.var_patterns) {
                let value = values.get(name.as_str()).copied().unwrap_or_default();
                if !compiled(&format!("^(?:{patt})$")).is_ok_and(|re| re.is_match(value)) {
                    return None;
                }
            }
        }
        Some(out)
    }
}

/// Go's `regexp.QuoteMeta`: `\.+*?()|[]{}^$` escaped.
fn go_quote_meta(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if "\\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Compiles a (translated) pattern with size limits.
pub(crate) fn build_regex(pattern: &str) -> Result<Regex, TemplateError> {
    RegexBuilder::new(pattern)
        .size_limit(SIZE_LIMIT)
        .dfa_size_limit(SIZE_LIMIT)
        .build()
        .map_err(|e| match e {
            regex::Error::CompiledTooBig(_) => TemplateError::TooBig,
            e => TemplateError::Regex {
                message: first_line(&e.to_string()),
            },
        })
}

/// The message of a `regex` crate error: its last `error:` line, else its first line.
pub(crate) fn first_line(s: &str) -> String {
    let last = s
        .lines()
        .rev()
        .find(|l| l.starts_with("error:"))
        .map(|l| l.trim_start_matches("error:").trim());
    last.unwrap_or_else(|| s.lines().next().unwrap_or(s))
        .to_owned()
}

/// Compiles a Go regex (RE2 syntax, as `regexp.Compile`) for use on `&str`.
pub(crate) fn compile_go_regex(pattern: &str) -> Result<Regex, TemplateError> {
    build_regex(&translate_go_regex(pattern)?)
}

/// Checks a Go regex as [`compile_go_regex`] does; it is compiled on first use.
pub(crate) fn lazy_go_regex(pattern: &str) -> Result<LazyRegex, TemplateError> {
    LazyRegex::new(translate_go_regex(pattern)?)
}

/// Rewrites a Go regular expression (RE2, as Go's `regexp/syntax` parses it) for the `regex`
/// crate, and refuses what Go refuses with Go's message: Perl classes and `\b` are
/// ASCII-only in Go; a class is read item by item as `parseClass` does (its characters
/// written as `\x{…}`, so `[`, `&&`, `~~` and `--` stay literal); escapes, Unicode classes and
/// flags groups as Go reads them; `\Q…\E` quotes; a `{` that does not start a valid
/// repetition is a literal; and a repetition after a flags group applies to the atom before
/// the group.
fn translate_go_regex(p: &str) -> Result<String, TemplateError> {
    let chars: Vec<char> = p.chars().collect();
    let mut out = String::with_capacity(p.len() + 8);
    let mut i = 0;
    let mut in_class = false;
    let mut class_start = 0usize;
    let mut depth = 0usize;
    // What precedes a repetition operator: nothing, an atom, or another operator.
    let mut prev: Option<String> = None;
    let mut after_atom = false;
    // Where the last atom (or group) starts in `out`, and the open groups' starts: a
    // repetition after a flags group may have to wrap a repeated atom.
    let mut atom_start: Option<usize> = None;
    let mut group_starts: Vec<usize> = Vec::new();
    // Go's `*syntax.Error` text: "<code>: `<expr>`".
    let go_err = |code: &str, expr: &str| TemplateError::Regex {
        message: format!("{code}: `{expr}`"),
    };
    let bad = |m: &str| TemplateError::Regex {
        message: m.to_owned(),
    };
    while i < chars.len() {
        let c = chars[i];
        if in_class {
            if c == ']' {
                in_class = false;
                out.push(']');
                i += 1;
            } else {
                let (item, len) = class_item(&chars[i..])?;
                out.push_str(&item);
                i += len;
            }
            continue;
        }
        // Whether an atom ends right before `c` (a flags group keeps it).
        let atom_before = after_atom;
        let repeated_before = prev.is_some();
        match c {
            '*' | '+' | '?' | '{' => {}
            '(' => group_starts.push(out.len()),
            ')' => atom_start = group_starts.pop(),
            '|' => atom_start = None,
            _ => atom_start = Some(out.len()),
        }
        if let Some(op) = repetition_at(&chars, i)? {
            let shown = lazy_shown(&chars, i, &op);
            match prev.take() {
                Some(p)
                    if c == '?' && p.chars().count() == 1
                        || c == '?' && p.starts_with('{') && !p.ends_with('?') =>
                {
                    prev = Some(format!("{p}?"));
                    out.push('?');
                    i += 1;
                    continue;
                }
                Some(p) => {
                    return Err(go_err(
                        "invalid nested repetition operator",
                        &format!("{p}{shown}"),
                    ));
                }
                None if !after_atom => {
                    return Err(go_err("missing argument to repetition operator", &shown));
                }
                None => prev = Some(op),
            }
        } else {
            prev = None;
            after_atom = !matches!(c, '(' | '|');
        }
        if c == ')' {
            if depth == 0 {
                return Err(go_err("unexpected )", p));
            }
            depth -= 1;
        }
        if c == '(' {
            depth += 1;
        }
        if c == '[' {
            class_start = i;
        }
        if c == '\\' {
            let Some(&n) = chars.get(i + 1) else {
                return Err(go_err("trailing backslash at end of expression", ""));
            };
            i += 2;
            if let Some(class) = perl_class(n, false) {
                out.push_str(&class);
                continue;
            }
            match n {
                'A' => out.push_str("\\A"),
                'z' => out.push_str("\\z"),
                'b' => out.push_str("(?-u:\\b)"),
                'B' => out.push_str("(?-u:\\B)"),
                'Q' => {
                    let mut lit = String::new();
                    while i < chars.len() {
                        if chars[i] == '\\' && chars.get(i + 1) == Some(&'E') {
                            i += 2;
                            break;
                        }
                        lit.push(chars[i]);
                        i += 1;
                    }
                    // Go pushes each quoted character as its own literal: a repetition
                    // after `\E` applies to the last one.
                    for ch in lit.chars() {
                        atom_start = Some(out.len());
                        out.push_str(&regex::escape(&ch.to_string()));
                    }
                }
                'p' | 'P' => {
                    let (class, len) = unicode_class(&chars[i - 2..])?;
                    out.push_str(&class);
                    i += len - 2;
                }
                _ => {
                    let (literal, len) = go_escape(&chars[i - 2..])?;
                    out.push_str(&literal);
                    i += len - 2;
                }
            }
            continue;
        }
        match c {
            '[' => {
                in_class = true;
                out.push('[');
                i += 1;
                if chars.get(i) == Some(&'^') {
                    out.push('^');
                    i += 1;
                }
                // A `]` right after `[` or `[^` is a literal (and may start a range).
                if chars.get(i) == Some(&']') {
                    let (item, len) = class_item(&chars[i..])?;
                    out.push_str(&item);
                    i += len;
                }
                continue;
            }
            '{' => {
                let rest: String = chars[i + 1..].iter().collect();
                // A repetition's counts were checked above (`repetition_at`).
                match repeat_spec(&rest) {
                    Some((len, _, _)) => {
                        out.push('{');
                        out.push_str(&rest[..len]);
                        i += 1 + rest[..len].chars().count();
                    }
                    None => {
                        out.push_str("\\{");
                        i += 1;
                    }
                }
                continue;
            }
            '}' => out.push_str("\\}"),
            '(' if chars.get(i + 1) == Some(&'?') => {
                // A named group, as Go's `parsePerlFlags` reads it. Its name is dropped: the
                // `regex` crate refuses a name used twice, Go does not, and nothing reads it.
                if chars.get(i + 2) == Some(&'P')
                    && chars.get(i + 3) == Some(&'<')
                    && chars.len() > i + 4
                {
                    let Some(close) = chars[i..].iter().position(|&c| c == '>') else {
                        let rest: String = chars[i..].iter().collect();
                        return Err(bad(&format!("invalid named capture: `{rest}`")));
                    };
                    let name = &chars[i + 4..i + close];
                    if name.is_empty()
                        || !name.iter().all(|c| *c == '_' || c.is_ascii_alphanumeric())
                    {
                        let capture: String = chars[i..=i + close].iter().collect();
                        return Err(bad(&format!("invalid named capture: `{capture}`")));
                    }
                    out.push('(');
                    i += close + 1;
                    continue;
                }
                let (len, opens_group, text) = go_flags(&chars[i..])?;
                i += len;
                if opens_group {
                    // `(?flags:`: a group, closed by a `)` as any other.
                    out.push_str(&text);
                    continue;
                }
                // No group after all: the `(` counted above has no `)` to close it.
                depth -= 1;
                group_starts.pop();
                // Flags groups in a row push nothing either.
                let mut text = text;
                while chars.get(i) == Some(&'(')
                    && chars.get(i + 1) == Some(&'?')
                    && chars.get(i + 2) != Some(&'P')
                {
                    let (len, opens_group, more) = go_flags(&chars[i..])?;
                    if opens_group {
                        break;
                    }
                    text.push_str(&more);
                    i += len;
                }
                // `(?flags)` sets flags and pushes nothing: a repetition right after it applies
                // to the atom before it (`a(?i)*` is `a*` then the flags), and with no atom
                // before it, the repetition has no argument.
                let Some(op) = repetition_at(&chars, i)? else {
                    out.push_str(&text);
                    after_atom = atom_before;
                    continue;
                };
                let shown = lazy_shown(&chars, i, &op);
                if !atom_before {
                    return Err(go_err("missing argument to repetition operator", &shown));
                }
                // Go repeats the repetition before the flags (`a*(?i)?` is `(?:a*)?`): no
                // nested-repetition error, as the flags group ended the operator run.
                if repeated_before && let Some(start) = atom_start {
                    out.insert_str(start, "(?:");
                    out.push(')');
                }
                out.push_str(&shown);
                out.push_str(&text);
                i += shown.chars().count();
                prev = Some(shown);
                after_atom = true;
                continue;
            }
            _ => out.push(c),
        }
        i += 1;
    }
    if in_class {
        let class: String = chars[class_start..].iter().collect();
        return Err(go_err("missing closing ]", &class));
    }
    if depth > 0 {
        return Err(go_err("missing closing )", p));
    }
    if let Some(op) = nested_repeat_too_large(&out) {
        return Err(bad(&format!("invalid repeat count: `{op}`")));
    }
    Ok(out)
}

/// The repetition operator at `chars[i]` (`*`, `+`, `?`, or a `{n,m}` that parses as one), as
/// written. Go checks a `{n,m}`'s counts before its operand: past 1000, or `m < n`, is
/// "invalid repeat count".
fn repetition_at(chars: &[char], i: usize) -> Result<Option<String>, TemplateError> {
    match chars.get(i) {
        Some(&c @ ('*' | '+' | '?')) => Ok(Some(c.to_string())),
        Some('{') => {
            let rest: String = chars[i + 1..].iter().collect();
            let Some((len, n, m)) = repeat_spec(&rest) else {
                return Ok(None);
            };
            let op = format!("{{{}", &rest[..len]);
            if n > 1000 || m.is_some_and(|m| m > 1000 || m < n) {
                return Err(TemplateError::Regex {
                    message: format!("invalid repeat count: `{op}`"),
                });
            }
            Ok(Some(op))
        }
        _ => Ok(None),
    }
}

/// The operator `op` at `chars[i]` as Go's messages show it: with the `?` that makes it lazy.
fn lazy_shown(chars: &[char], i: usize, op: &str) -> String {
    if chars.get(i + op.chars().count()) == Some(&'?') {
        format!("{op}?")
    } else {
        op.to_owned()
    }
}

/// Go's Perl classes `\d \D \s \S \w \W` (ASCII only, unlike the `regex` crate's) in the
/// crate's syntax: inside a class a positive one is its bare items.
fn perl_class(c: char, in_class: bool) -> Option<String> {
    let items = match c.to_ascii_lowercase() {
        'd' => "0-9",
        'w' => "0-9A-Za-z_",
        's' => "\\t\\n\\x0C\\r ",
        _ => return None,
    };
    Some(if c.is_ascii_uppercase() {
        format!("[^{items}]")
    } else if in_class {
        items.to_owned()
    } else {
        format!("[{items}]")
    })
}

/// Go's `parseUnicodeClass` on `s` (starting at `\p` or `\P`): the class in the `regex`
/// crate's syntax and the chars it takes. Names are Go's (Unicode 13.0.0 categories and
/// scripts, and `Any`), case-sensitive: `\p{greek}` is refused, as Go refuses it.
fn unicode_class(s: &[char]) -> Result<(String, usize), TemplateError> {
    let text = |chars: &[char]| chars.iter().collect::<String>();
    let range_error = |seq: String| TemplateError::Regex {
        message: format!("invalid character class range: `{seq}`"),
    };
    let mut negated = s.get(1) == Some(&'P');
    let (mut name, len) = match s.get(2) {
        Some('{') => {
            let Some(end) = s.iter().position(|&c| c == '}') else {
                return Err(range_error(text(s)));
            };
            (text(&s[3..end]), end + 1)
        }
        Some(&c) => (c.to_string(), 3),
        None => (String::new(), 2),
    };
    if let Some(rest) = name.strip_prefix('^') {
        negated = !negated;
        name = rest.to_owned();
    }
    if name != "Any" && GO_UNICODE_TABLES.binary_search(&name.as_str()).is_err() {
        return Err(range_error(text(&s[..len])));
    }
    let p = if negated { 'P' } else { 'p' };
    Ok((format!("\\{p}{{{name}}}"), len))
}

/// Go's `parseEscape` on `s` (starting at `\`): the escaped character in the `regex` crate's
/// syntax and the chars it takes.
fn go_escape(s: &[char]) -> Result<(String, usize), TemplateError> {
    let (value, len) = go_escape_value(s)?;
    let text = match char::from_u32(value) {
        Some(c) if c.is_ascii() && !c.is_ascii_alphanumeric() => regex::escape(&c.to_string()),
        _ => format!("\\x{{{value:X}}}"),
    };
    Ok((text, len))
}

/// Go's `parseEscape` on `s` (starting at `\`): the code point and the chars it takes. Go
/// knows punctuation, up to three octal digits (`\0`, or `\1`-`\7` followed by another),
/// `\xHH`, `\x{H…}` and `\a\f\n\r\t\v`; anything else is an invalid escape, shown as far
/// as Go read it.
fn go_escape_value(s: &[char]) -> Result<(u32, usize), TemplateError> {
    let invalid = |len: usize| TemplateError::Regex {
        message: format!(
            "invalid escape sequence: `{}`",
            s[..len.min(s.len())].iter().collect::<String>()
        ),
    };
    let octal = |c: Option<&char>| {
        c.filter(|c| ('0'..='7').contains(*c))
            .map(|c| *c as u32 - '0' as u32)
    };
    let Some(&c) = s.get(1) else {
        return Err(TemplateError::Regex {
            message: "trailing backslash at end of expression: ``".to_owned(),
        });
    };
    match c {
        c if c.is_ascii() && !c.is_ascii_alphanumeric() => Ok((c as u32, 2)),
        '1'..='7' if octal(s.get(2)).is_none() => Err(invalid(2)),
        '0'..='7' => {
            let mut r = c as u32 - '0' as u32;
            let mut len = 2;
            while len < 4 {
                let Some(d) = octal(s.get(len)) else { break };
                r = r * 8 + d;
                len += 1;
            }
            Ok((r, len))
        }
        'x' => {
            if s.get(2) == Some(&'{') {
                let mut r: u32 = 0;
                let mut digits = 0;
                let mut len = 3;
                loop {
                    let Some(&d) = s.get(len) else {
                        return Err(invalid(len));
                    };
                    len += 1;
                    if d == '}' {
                        break;
                    }
                    let Some(v) = d.to_digit(16) else {
                        return Err(invalid(len));
                    };
                    r = r * 16 + v;
                    digits += 1;
                    if r > 0x10FFFF {
                        return Err(invalid(len));
                    }
                }
                return if digits == 0 {
                    Err(invalid(len))
                } else {
                    Ok((r, len))
                };
            }
            // Go reads two characters after `\x` before it checks them.
            match (s.get(2), s.get(3)) {
                (None, _) => Err(invalid(2)),
                (Some(_), None) => Err(invalid(3)),
                (Some(x), Some(y)) => match (x.to_digit(16), y.to_digit(16)) {
                    (Some(x), Some(y)) => Ok((x * 16 + y, 4)),
                    _ => Err(invalid(4)),
                },
            }
        }
        'a' => Ok((0x07, 2)),
        'f' => Ok((0x0C, 2)),
        'n' => Ok((0x0A, 2)),
        'r' => Ok((0x0D, 2)),
        't' => Ok((0x09, 2)),
        'v' => Ok((0x0B, 2)),
        _ => Err(invalid(2)),
    }
}

/// Go's `parsePerlFlags` after `(?` (not a named group) on `s` (starting at `(`): the chars
/// it takes, whether it opens a group (`(?i:`) or only sets flags (`(?i)`), and the same in
/// the `regex` crate's syntax (`(?)` sets nothing, so it is written as nothing).
fn go_flags(s: &[char]) -> Result<(usize, bool, String), TemplateError> {
    let mut negated = false;
    let mut saw_flag = false;
    let mut len = 2;
    let invalid = |len: usize| TemplateError::Regex {
        message: format!(
            "invalid or unsupported Perl syntax: `{}`",
            s[..len.min(s.len())].iter().collect::<String>()
        ),
    };
    while let Some(&c) = s.get(len) {
        len += 1;
        match c {
            'i' | 'm' | 's' | 'U' => saw_flag = true,
            '-' if !negated => {
                negated = true;
                saw_flag = false;
            }
            ':' | ')' => {
                if negated && !saw_flag {
                    return Err(invalid(len));
                }
                let flags: String = s[2..len - 1].iter().collect();
                let text = match (c, flags.is_empty()) {
                    (')', true) => String::new(),
                    _ => format!("(?{flags}{c}"),
                };
                return Ok((len, c == ':', text));
            }
            _ => return Err(invalid(len)),
        }
    }
    Err(invalid(len))
}

/// The POSIX classes Go knows (`[:alpha:]`, negated `[:^alpha:]`), the `regex` crate's too.
const POSIX_CLASSES: [&str; 14] = [
    "alnum", "alpha", "ascii", "blank", "cntrl", "digit", "graph", "lower", "print", "punct",
    "space", "upper", "word", "xdigit",
];

/// One item of a class, as Go's `parseClass` reads it from `s` (not at its closing `]`): a
/// POSIX class, a Unicode class, a Perl class, or a character or a range `lo-hi` (refused
/// when `hi < lo`). The item in the `regex` crate's syntax (characters written as `\x{…}`,
/// so nothing is read as the crate's class operators `--`, `&&`, `~~` or a nested `[`) and
/// the chars it takes.
fn class_item(s: &[char]) -> Result<(String, usize), TemplateError> {
    let text = |chars: &[char]| chars.iter().collect::<String>();
    if s.first() == Some(&'[') && s.get(1) == Some(&':') {
        let rest = text(s);
        if let Some(end) = rest.get(2..).and_then(|r| r.find(":]")) {
            let named = &rest[..end + 4];
            let name = named[2..named.len() - 2].trim_start_matches('^');
            if !POSIX_CLASSES.contains(&name) {
                return Err(TemplateError::Regex {
                    message: format!("invalid character class range: `{named}`"),
                });
            }
            return Ok((named.to_owned(), named.chars().count()));
        }
    }
    if s.first() == Some(&'\\') {
        match s.get(1) {
            Some('p' | 'P') => return unicode_class(s),
            Some(&n) => {
                if let Some(class) = perl_class(n, true) {
                    return Ok((class, 2));
                }
            }
            None => {}
        }
    }
    let class_char = |at: usize| -> Result<(u32, usize), TemplateError> {
        match s.get(at) {
            Some('\\') => go_escape_value(&s[at..]),
            Some(&c) => Ok((c as u32, 1)),
            None => Err(TemplateError::Regex {
                message: format!("missing closing ]: `{}`", text(s)),
            }),
        }
    };
    let (lo, lo_len) = class_char(0)?;
    let write = |c: u32| format!("\\x{{{c:X}}}");
    // A range when a `-` follows that is not the class's last character.
    if s.get(lo_len) == Some(&'-') && s.get(lo_len + 1).is_some_and(|&c| c != ']') {
        let (hi, hi_len) = class_char(lo_len + 1)?;
        let len = lo_len + 1 + hi_len;
        if hi < lo {
            return Err(TemplateError::Regex {
                message: format!("invalid character class range: `{}`", text(&s[..len])),
            });
        }
        return Ok((format!("{}-{}", write(lo), write(hi)), len));
    }
    Ok((write(lo), lo_len))
}

/// The names of Go's `unicode.Categories` and `unicode.Scripts` (Go 1.16-1.20: Unicode
/// 13.0.0), sorted for a binary search.
const GO_UNICODE_TABLES: [&str; 192] = [
    "Adlam",
    "Ahom",
    "Anatolian_Hieroglyphs",
    "Arabic",
    "Armenian",
    "Avestan",
    "Balinese",
    "Bamum",
    "Bassa_Vah",
    "Batak",
    "Bengali",
    "Bhaiksuki",
    "Bopomofo",
    "Brahmi",
    "Braille",
    "Buginese",
    "Buhid",
    "C",
    "Canadian_Aboriginal",
    "Carian",
    "Caucasian_Albanian",
    "Cc",
    "Cf",
    "Chakma",
    "Cham",
    "Cherokee",
    "Chorasmian",
    "Co",
    "Common",
    "Coptic",
    "Cs",
    "Cuneiform",
    "Cypriot",
    "Cyrillic",
    "Deseret",
    "Devanagari",
    "Dives_Akuru",
    "Dogra",
    "Duployan",
    "Egyptian_Hieroglyphs",
    "Elbasan",
    "Elymaic",
    "Ethiopic",
    "Georgian",
    "Glagolitic",
    "Gothic",
    "Grantha",
    "Greek",
    "Gujarati",
    "Gunjala_Gondi",
    "Gurmukhi",
    "Han",
    "Hangul",
    "Hanifi_Rohingya",
    "Hanunoo",
    "Hatran",
    "Hebrew",
    "Hiragana",
    "Imperial_Aramaic",
    "Inherited",
    "Inscriptional_Pahlavi",
    "Inscriptional_Parthian",
    "Javanese",
    "Kaithi",
    "Kannada",
    "Katakana",
    "Kayah_Li",
    "Kharoshthi",
    "Khitan_Small_Script",
    "Khmer",
    "Khojki",
    "Khudawadi",
    "L",
    "Lao",
    "Latin",
    "Lepcha",
    "Limbu",
    "Linear_A",
    "Linear_B",
    "Lisu",
    "Ll",
    "Lm",
    "Lo",
    "Lt",
    "Lu",
    "Lycian",
    "Lydian",
    "M",
    "Mahajani",
    "Makasar",
    "Malayalam",
    "Mandaic",
    "Manichaean",
    "Marchen",
    "Masaram_Gondi",
    "Mc",
    "Me",
    "Medefaidrin",
    "Meetei_Mayek",
    "Mende_Kikakui",
    "Meroitic_Cursive",
    "Meroitic_Hieroglyphs",
    "Miao",
    "Mn",
    "Modi",
    "Mongolian",
    "Mro",
    "Multani",
    "Myanmar",
    "N",
    "Nabataean",
    "Nandinagari",
    "Nd",
    "New_Tai_Lue",
    "Newa",
    "Nko",
    "Nl",
    "No",
    "Nushu",
    "Nyiakeng_Puachue_Hmong",
    "Ogham",
    "Ol_Chiki",
    "Old_Hungarian",
    "Old_Italic",
    "Old_North_Arabian",
    "Old_Permic",
    "Old_Persian",
    "Old_Sogdian",
    "Old_South_Arabian",
    "Old_Turkic",
    "Oriya",
    "Osage",
    "Osmanya",
    "P",
    "Pahawh_Hmong",
    "Palmyrene",
    "Pau_Cin_Hau",
    "Pc",
    "Pd",
    "Pe",
    "Pf",
    "Phags_Pa",
    "Phoenician",
    "Pi",
    "Po",
    "Ps",
    "Psalter_Pahlavi",
    "Rejang",
    "Runic",
    "S",
    "Samaritan",
    "Saurashtra",
    "Sc",
    "Sharada",
    "Shavian",
    "Siddham",
    "SignWriting",
    "Sinhala",
    "Sk",
    "Sm",
    "So",
    "Sogdian",
    "Sora_Sompeng",
    "Soyombo",
    "Sundanese",
    "Syloti_Nagri",
    "Syriac",
    "Tagalog",
    "Tagbanwa",
    "Tai_Le",
    "Tai_Tham",
    "Tai_Viet",
    "Takri",
    "Tamil",
    "Tangut",
    "Telugu",
    "Thaana",
    "Thai",
    "Tibetan",
    "Tifinagh",
    "Tirhuta",
    "Ugaritic",
    "Vai",
    "Wancho",
    "Warang_Citi",
    "Yezidi",
    "Yi",
    "Z",
    "Zanabazar_Square",
    "Zl",
    "Zp",
    "Zs",
];

/// Go's parser checks every `{n,m}` repetition with a count of 2 or more against the
/// repetitions inside it (`repeatIsValid(re, 1000)`): their counts multiplied must not exceed
/// 1000 copies of the innermost thing, so `(x{999}){999}` is "invalid repeat count". The first
/// failing repetition in Go's parse order (inner before outer, left to right), as its
/// operator text. `pattern` is the translated (Rust syntax) pattern; `None` when it does not
/// parse (the regex compiler reports that).
fn nested_repeat_too_large(pattern: &str) -> Option<String> {
    use regex_syntax::ast::{Ast, RepetitionKind, RepetitionRange};
    /// `(min, max)` of a `{…}` repetition (Go's OpRepeat), `max` `None` when unbounded.
    fn range(kind: &RepetitionKind) -> Option<(u32, Option<u32>)> {
        match kind {
            RepetitionKind::Range(RepetitionRange::Exactly(n)) => Some((*n, Some(*n))),
            RepetitionKind::Range(RepetitionRange::AtLeast(n)) => Some((*n, None)),
            RepetitionKind::Range(RepetitionRange::Bounded(a, b)) => Some((*a, Some(*b))),
            _ => None,
        }
    }
    fn valid(ast: &Ast, mut n: u32) -> bool {
        match ast {
            Ast::Repetition(rep) => {
                if let Some((min, max)) = range(&rep.op.kind) {
                    if max == Some(0) {
                        return true;
                    }
                    let m = max.unwrap_or(min);
                    if m > n {
                        return false;
                    }
                    if let Some(rest) = n.checked_div(m) {
                        n = rest;
                    }
                }
                valid(&rep.ast, n)
            }
            Ast::Group(g) => valid(&g.ast, n),
            Ast::Concat(c) => c.asts.iter().all(|a| valid(a, n)),
            Ast::Alternation(a) => a.asts.iter().all(|a| valid(a, n)),
            _ => true,
        }
    }
    fn first_invalid<'p>(ast: &Ast, pattern: &'p str) -> Option<&'p str> {
        match ast {
            Ast::Repetition(rep) => first_invalid(&rep.ast, pattern).or_else(|| {
                let (min, max) = range(&rep.op.kind)?;
                let counted = min >= 2 || max.is_some_and(|m| m >= 2);
                (counted && !valid(ast, 1000))
                    .then(|| pattern.get(rep.op.span.start.offset..rep.op.span.end.offset))
                    .flatten()
            }),
            Ast::Group(g) => first_invalid(&g.ast, pattern),
            Ast::Concat(c) => c.asts.iter().find_map(|a| first_invalid(a, pattern)),
            Ast::Alternation(a) => a.asts.iter().find_map(|a| first_invalid(a, pattern)),
            _ => None,
        }
    }
    let ast = regex_syntax::ast::parse::Parser::new()
        .parse(pattern)
        .ok()?;
    first_invalid(&ast, pattern).map(str::to_owned)
}

/// Parses `n}`, `n,}` or `n,m}` at the start of `s`: (length including `}`, n, m).
fn repeat_spec(s: &str) -> Option<(usize, u64, Option<u64>)> {
    let close = s.find('}')?;
    let inner = &s[..close];
    // Go's `parseInt`: digits without a leading zero (`{02}` is no repetition, so literal).
    let digits = |t: &str| {
        !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) && (t == "0" || !t.starts_with('0'))
    };
    let parse = |t: &str| t.parse::<u64>().unwrap_or(u64::MAX);
    match inner.split_once(',') {
        None if digits(inner) => Some((close + 1, parse(inner), Some(parse(inner)))),
        Some((a, "")) if digits(a) => Some((close + 1, parse(a), None)),
        Some((a, b)) if digits(a) && digits(b) => Some((close + 1, parse(a), Some(parse(b)))),
        _ => None,
    }
}

/// Go's `%q` for a string.
pub(crate) fn go_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    /// Go's `repeatIsValid(re, 1000)` at each counted repetition (regexp/syntax/parse.go): the
    /// expected results follow its arithmetic — `n /= m` going down, `{0}` stops, `*`/`+`/`?`
    /// do not count, unbounded counts its minimum.
    #[test]
    fn nested_repetitions_follow_go_repeat_is_valid() {
        let err = |p: &str| match compile_go_regex(p) {
            Err(TemplateError::Regex { message }) => Some(message),
            Err(e) => panic!("{p}: {e:?}"),
            Ok(_) => None,
        };
        for ok in [
            "(a{10}){100}",
            "(a{2,}){500}",
            "(a{0}){1000}",
            "(a*){1000}",
            "(?:a{1000})+",
            "a{1000}b{1000}",
            "(a{10}|b{100}){10}",
        ] {
            assert_eq!(err(ok), None, "{ok}");
        }
        for (bad, op) in [
            ("(x{999}){999}", "{999}"),
            ("(a{10}){101}", "{101}"),
            ("(a{3,}){500}", "{500}"),
            ("(a{1,2}){600}", "{600}"),
            ("((a{2}){2}){300}", "{300}"),
            ("(a{10}|b{101}){10}", "{10}"),
        ] {
            assert_eq!(
                err(bad),
                Some(format!("invalid repeat count: `{op}`")),
                "{bad}"
            );
        }
    }

    /// A template built from literal chunks (with case and Unicode case-folding traps) and
    /// variables: what it matches, through its fixed pattern or its frame and regex, is what
    /// its regex matches, on texts spelled from the same chunks.
    fn template_piece() -> impl proptest::strategy::Strategy<Value = String> {
        proptest::prop_oneof![
            proptest::strategy::Just("a".to_owned()),
            proptest::strategy::Just("K".to_owned()),
            proptest::strategy::Just("s".to_owned()),
            proptest::strategy::Just("ß".to_owned()),
            proptest::strategy::Just(".".to_owned()),
            proptest::strategy::Just("/".to_owned()),
            proptest::strategy::Just("=".to_owned()),
            proptest::strategy::Just("{v}".to_owned()),
            proptest::strategy::Just("{v:[a-z]+}".to_owned()),
            proptest::strategy::Just("{v:[0-9]}".to_owned()),
        ]
    }

    proptest::proptest! {
        #[test]
        fn a_template_answers_as_its_regex(
            kind in 0..4usize,
            strict in proptest::bool::ANY,
            pieces in proptest::collection::vec(template_piece(), 0..6),
            texts in proptest::collection::vec(
                proptest::collection::vec(template_piece(), 0..6),
                1..6,
            ),
        ) {
            let kind = [
                TemplateKind::Host,
                TemplateKind::Path,
                TemplateKind::PathPrefix,
                TemplateKind::Query,
            ][kind];
            // Each variable its own name.
            let mut n = 0;
            let mut named = |p: &String| {
                n += 1;
                p.replacen("{v", &format!("{{v{n}"), 1)
            };
            let prefix = if matches!(kind, TemplateKind::Path | TemplateKind::PathPrefix) {
                "/"
            } else {
                ""
            };
            let tpl = format!("{prefix}{}", pieces.iter().map(&mut named).collect::<String>());
            let Ok(t) = Template::new(&tpl, kind, strict, &RouteVars::new()) else {
                return Ok(());
            };
            let fresh = build_regex(t.regex.as_str()).unwrap();
            let spell = |p: &String| match p.as_str() {
                "{v}" | "{v:[a-z]+}" => "ab".to_owned(),
                "{v:[0-9]}" => "7".to_owned(),
                p => p.to_owned(),
            };
            let spelled: String = pieces.iter().map(spell).collect();
            for text in texts.iter().map(|t| t.iter().map(spell).collect::<String>()) {
                for input in [
                    text.clone(),
                    format!("{prefix}{spelled}"),
                    format!("{prefix}{spelled}{text}"),
                    format!("{prefix}{text}{spelled}"),
                    format!("{prefix}{spelled}/"),
                    format!("{prefix}{}", spelled.to_uppercase()),
                    format!("{prefix}{}", spelled.replace('K', "\u{212A}").replace('s', "\u{17F}")),
                ] {
                    proptest::prop_assert_eq!(
                        t.is_match(&input),
                        fresh.is_match(&input),
                        "{:?} ({:?}) on {:?}",
                        tpl,
                        t.regex.as_str(),
                        input
                    );
                }
            }
        }
    }

    #[test]
    fn a_template_matches_what_its_regex_matches_although_compiled_late_and_shared() {
        let inputs = [
            "",
            "/",
            "/a",
            "/a/",
            "/a/b",
            "/ab",
            "/p1/12",
            "/p1/x",
            "/p10/12",
            "/P1/12",
            "x",
            "k=",
            "k=v",
            "k=\n",
            "kk=v",
            "API.Example.com",
            "api.example.com",
            "a.b.example.com",
        ];
        let templates = [
            ("/a/{x}", TemplateKind::Path, true),
            ("/a/", TemplateKind::Path, true),
            ("/a/", TemplateKind::Path, false),
            ("/", TemplateKind::Path, true),
            ("/{x}/b", TemplateKind::PathPrefix, false),
            ("/p1/{id:[0-9]+}", TemplateKind::PathPrefix, false),
            ("/p1/{id:[0-9]+}", TemplateKind::PathPrefix, false),
            ("k={v}", TemplateKind::Query, false),
            ("k=", TemplateKind::Query, false),
            ("k=v", TemplateKind::Query, false),
            ("{sub}.Example.com", TemplateKind::Host, false),
            ("API.{d}.com", TemplateKind::Host, false),
        ];
        for (tpl, kind, strict) in templates {
            let t = Template::new(tpl, kind, strict, &RouteVars::new()).unwrap();
            // A template without a variable is a fixed pattern, compared without a regex.
            assert_eq!(t.regex.is_fixed(), t.var_names.is_empty(), "{tpl:?}");
            let fresh = build_regex(t.regex.as_str()).unwrap();
            for input in inputs {
                assert_eq!(
                    t.is_match(input),
                    fresh.is_match(input),
                    "{tpl:?} on {input:?}"
                );
            }
        }
        // Two templates with one pattern share one compiled regex.
        let a = Template::new(
            "/s/{id:[0-9]+}",
            TemplateKind::Path,
            true,
            &RouteVars::new(),
        );
        let b = Template::new(
            "/s/{id:[0-9]+}",
            TemplateKind::Path,
            true,
            &RouteVars::new(),
        );
        let (a, b) = (a.unwrap(), b.unwrap());
        assert!(a.is_match("/s/1") && b.is_match("/s/2/"));
        assert!(Arc::ptr_eq(
            &a.regex.compiled_regex().unwrap(),
            &b.regex.compiled_regex().unwrap()
        ));
        // A regex past the budget is refused when parsed, not when first used.
        assert_eq!(
            lazy_go_regex(r"\pL{1000}").unwrap_err(),
            TemplateError::TooBig
        );
        // Checking a pattern again (known to compile, or not) gives the compiler's answer.
        for p in [
            r"^\pL{1000}$",
            "^(?:[0-9]+)$",
            "(",
            r"^/s/(?P<v0>[0-9]+)[/]?$",
        ] {
            let want = build_regex(p).map(drop);
            assert_eq!(check_regex(p), want, "{p:?}");
            assert_eq!(check_regex(p), want, "{p:?}");
        }
    }

    /// The frame's case-insensitive comparison is the `regex` crate's `(?i)` on every ASCII
    /// character (the frame is used only for ASCII literals).
    #[test]
    fn the_frame_folds_ascii_as_the_regex_crate() {
        use regex_syntax::hir::{Class, HirKind};
        for ascii in (0u8..128).map(char::from) {
            let hir = regex_syntax::Parser::new()
                .parse(&format!("(?i){}", regex::escape(&ascii.to_string())))
                .unwrap();
            let folded: Vec<char> = match hir.kind() {
                HirKind::Literal(lit) => std::str::from_utf8(&lit.0).unwrap().chars().collect(),
                HirKind::Class(Class::Unicode(class)) => class
                    .ranges()
                    .iter()
                    .flat_map(|r| r.start()..=r.end())
                    .collect(),
                other => panic!("{ascii:?}: {other:?}"),
            };
            let candidates = [
                ascii.to_ascii_lowercase(),
                ascii.to_ascii_uppercase(),
                '\u{212A}',
                '\u{17F}',
            ];
            for c in candidates.into_iter().chain(folded.iter().copied()) {
                assert_eq!(
                    same_in_any_case(c, ascii),
                    folded.contains(&c),
                    "{c:?} and {ascii:?}"
                );
            }
        }
    }

    #[test]
    fn host_template() {
        let t = Template::new(
            "{sub}.example.com",
            TemplateKind::Host,
            true,
            &RouteVars::new(),
        )
        .unwrap();
        assert!(t.is_match("API.example.com"));
        assert!(!t.is_match("a.b.example.com"));
    }

    #[test]
    fn path_templates_and_strict_slash() {
        let t = Template::new("/foo/", TemplateKind::Path, true, &RouteVars::new()).unwrap();
        assert!(t.is_match("/foo") && t.is_match("/foo/"));
        let t = Template::new("/foo/", TemplateKind::Path, false, &RouteVars::new()).unwrap();
        assert!(!t.is_match("/foo"));
        assert_eq!(
            Template::new("/a/{id", TemplateKind::Path, true, &RouteVars::new()).unwrap_err(),
            TemplateError::UnbalancedBraces
        );
        assert!(matches!(
            Template::new("/a/{id:(}", TemplateKind::Path, true, &RouteVars::new()),
            Err(TemplateError::Regex { .. })
        ));
        // Past the compiled-size budget: refused as too big, not as a syntax error.
        assert_eq!(
            Template::new(
                r"/a/{id:\pL{1000}}",
                TemplateKind::Path,
                true,
                &RouteVars::new()
            )
            .unwrap_err(),
            TemplateError::TooBig
        );
        let t = Template::new(
            "/one/{two}/{three:[0-9]+}",
            TemplateKind::PathPrefix,
            false,
            &RouteVars::new(),
        )
        .unwrap();
        assert_eq!(
            t.matched_url("/one/some/12345/four").as_deref(),
            Some("/one/some/12345")
        );
    }

    #[test]
    fn go_regex_translation() {
        let r = compile_go_regex(r"^\d+$").unwrap();
        assert!(r.is_match("123") && !r.is_match("١٢٣"));
        assert!(compile_go_regex("a{").unwrap().is_match("a{"));
        assert!(compile_go_regex("[[]").unwrap().is_match("["));
        assert!(compile_go_regex("a{1001}").is_err());
        assert!(compile_go_regex(r"\Qa.b\E").unwrap().is_match("a.b"));
        assert!(compile_go_regex("(").is_err());
        assert!(compile_go_regex(r"\<a\>").unwrap().is_match("<a>"));
        assert!(compile_go_regex("(?x)a b").is_err());
        assert!(compile_go_regex("(?<n>a)").is_err());
        assert!(
            compile_go_regex("(?P<n>a)(?i:b)(?U)c*")
                .unwrap()
                .is_match("aB")
        );
        assert!(compile_go_regex("(?=a)").is_err());
        let msg = |p: &str| match compile_go_regex(p) {
            Err(TemplateError::Regex { message }) => message,
            other => format!("{other:?}"),
        };
        assert_eq!(msg("("), "missing closing ): `(`");
        assert_eq!(msg("a)"), "unexpected ): `a)`");
        assert_eq!(msg("x[a"), "missing closing ]: `[a`");
        assert_eq!(msg("*a"), "missing argument to repetition operator: `*`");
        assert_eq!(msg("a**"), "invalid nested repetition operator: `**`");
        assert_eq!(msg("a*??"), "invalid nested repetition operator: `*??`");
        assert_eq!(msg("a\\"), "trailing backslash at end of expression: ``");
        for ok in ["a*?", "a??", "a{2}?", "(a|b)+", "[*]", "^a*$", "a{,2}"] {
            assert!(compile_go_regex(ok).is_ok(), "{ok}");
        }
    }
}
