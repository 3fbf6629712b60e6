//! Compose interpolation templates, exactly as `docker compose` v2.40 (compose-go v2.9) reads them.
//!
//! A template is text with `$$` (a literal `$`), `$NAME`, `${NAME}` and `${NAME<op><arg>}` where
//! `<op>` is one of `:-` `-` `:?` `?` `:+` `+` and `<arg>` is itself a template. Compose's quirks
//! are reproduced:
//!
//! - a name is `[_A-Za-z][_A-Za-z0-9]*`, matched case-insensitively with Unicode folding, so
//!   `ſ` (U+017F) and `K` (U+212A) are name characters too;
//! - a `$` that starts nothing (`$1`, `$ `, `$}`, a trailing `$`) stays a literal `$`;
//! - after an operator, the argument runs to the first `}` that balances the `{` count (counting
//!   the way compose-go does: the character after a `{` is skipped) or else to the last `}` on
//!   the line; an argument never crosses a line break;
//! - arguments are evaluated eagerly: a `${X:?msg}` inside an unused default still fails, and an
//!   unset `$X` inside an unused default is still reported as unset.

use std::fmt;
use std::ops::Range;

use crate::lookup::Lookup;

/// Deepest nesting of templates inside defaults that is accepted (Compose has no limit; this one
/// keeps hostile input from exhausting the stack).
const MAX_DEPTH: usize = 64;

/// The operator of a `${NAME<op>arg}` substitution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Op {
    /// `:-` — the argument when the variable is unset or empty.
    DefaultIfEmpty,
    /// `-` — the argument when the variable is unset.
    DefaultIfUnset,
    /// `:?` — fail with the argument as message when the variable is unset or empty.
    RequireNonEmpty,
    /// `?` — fail with the argument as message when the variable is unset.
    RequireSet,
    /// `:+` — the argument when the variable is set and not empty, else the (empty) value.
    AlternateIfNonEmpty,
    /// `+` — the argument when the variable is set, else an empty string.
    AlternateIfSet,
}

impl Op {
    /// The operator as written: `:-`, `-`, `:?`, `?`, `:+` or `+`.
    pub fn as_str(self) -> &'static str {
        match self {
            Op::DefaultIfEmpty => ":-",
            Op::DefaultIfUnset => "-",
            Op::RequireNonEmpty => ":?",
            Op::RequireSet => "?",
            Op::AlternateIfNonEmpty => ":+",
            Op::AlternateIfSet => "+",
        }
    }

    /// Whether a missing variable is intended and handled (`:-`, `-`, `:+`, `+`), so Compose
    /// neither warns nor fails.
    pub fn handles_absence(self) -> bool {
        !matches!(self, Op::RequireNonEmpty | Op::RequireSet)
    }

    fn from_parts(colon: bool, symbol: u8) -> Option<Op> {
        Some(match (colon, symbol) {
            (true, b'-') => Op::DefaultIfEmpty,
            (false, b'-') => Op::DefaultIfUnset,
            (true, b'?') => Op::RequireNonEmpty,
            (false, b'?') => Op::RequireSet,
            (true, b'+') => Op::AlternateIfNonEmpty,
            (false, b'+') => Op::AlternateIfSet,
            _ => return None,
        })
    }
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One use of a variable in a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VarUse {
    /// The variable's name.
    pub name: String,
    /// The whole substitution: `$NAME` or `${...}` up to its closing `}`.
    pub span: Range<usize>,
    /// The name alone.
    pub name_span: Range<usize>,
    /// Whether the substitution gives a default when the variable is missing (`:-` or `-`).
    pub has_default: bool,
    /// The operator, if any.
    pub op: Option<Op>,
    /// Whether the use sits inside the argument of another substitution.
    pub nested: bool,
}

/// The result of rendering a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// The interpolated text.
    pub value: String,
    /// `$NAME` / `${NAME}` uses whose variable is not set: Compose warns and substitutes an empty
    /// string (FE002). Uses inside unused defaults count too, as Compose evaluates them.
    pub unset: Vec<VarUse>,
}

/// What is wrong in a template that Compose rejects ("invalid interpolation format").
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateErrorKind {
    /// `${` at the end of the text, or a `${NAME` with nothing after the name.
    Unclosed,
    /// `${NAME<op>...` with no `}` after it on the same line.
    UnclosedOnLine {
        /// Whether a `}` follows on a later line (Compose never reads across a line break).
        closed_on_later_line: bool,
    },
    /// `${}`: no name.
    MissingName,
    /// The name starts with a character that cannot start a name (`${1}`, `${ X}`, `${#X}`).
    InvalidNameStart(char),
    /// A character after the name that is neither `}` nor an operator (`${A.B}`, `${A }`).
    InvalidCharacter(char),
    /// An operator Compose does not support (`${A:=x}`, `${A=x}`, `${A:x}`).
    UnsupportedOperator(String),
    /// Templates nested in defaults deeper than this crate accepts.
    TooDeep,
}

/// A template Compose rejects, with the place of the problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError {
    /// What is wrong.
    pub kind: TemplateErrorKind,
    /// Byte range of the problem inside the template text.
    pub span: Range<usize>,
    /// Byte range of the (possibly nested) template Compose was reading when it failed: compose
    /// names it in its message.
    pub template_span: Range<usize>,
}

impl TemplateError {
    /// What to do about it.
    pub fn help(&self) -> String {
        match &self.kind {
            TemplateErrorKind::Unclosed => {
                "close the substitution with `}`, or write a literal `$` as `$$`".to_owned()
            }
            TemplateErrorKind::UnclosedOnLine {
                closed_on_later_line: true,
            } => "Compose does not read a default across a line break: keep `${...}` on one line"
                .to_owned(),
            TemplateErrorKind::UnclosedOnLine { .. } => {
                "close the substitution with `}`, or write a literal `$` as `$$`".to_owned()
            }
            TemplateErrorKind::MissingName => {
                "put a variable name between the braces, or write a literal `$` as `$$`".to_owned()
            }
            TemplateErrorKind::InvalidNameStart(_) | TemplateErrorKind::InvalidCharacter(_) => {
                "a variable name is letters, digits and `_`, not starting with a digit; write a literal `$` as `$$`"
                    .to_owned()
            }
            TemplateErrorKind::UnsupportedOperator(_) => {
                "Compose supports `:-`, `-`, `:?`, `?`, `:+` and `+`".to_owned()
            }
            TemplateErrorKind::TooDeep => format!(
                "factory accepts at most {MAX_DEPTH} templates nested inside one another"
            ),
        }
    }

    /// The text Compose prints for this error when it reads `template` inside a `.env` file:
    /// `Invalid template: "..."`, quoting the (nested) template it was reading.
    pub fn compose_dotenv_message(&self, template: &str) -> String {
        let inner = template.get(self.template_span.clone()).unwrap_or(template);
        format!("Invalid template: {}", crate::goquote::quote(inner))
    }
}

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            TemplateErrorKind::Unclosed => f.write_str("`${` is never closed"),
            TemplateErrorKind::UnclosedOnLine { .. } => {
                f.write_str("`${` is never closed on its line")
            }
            TemplateErrorKind::MissingName => f.write_str("missing variable name in `${}`"),
            TemplateErrorKind::InvalidNameStart(c) => {
                write!(f, "a variable name cannot start with {c:?}")
            }
            TemplateErrorKind::InvalidCharacter(c) => {
                write!(f, "invalid character {c:?} in variable name")
            }
            TemplateErrorKind::UnsupportedOperator(op) => {
                write!(f, "unsupported interpolation operator `{op}`")
            }
            TemplateErrorKind::TooDeep => f.write_str("templates are nested too deeply"),
        }
    }
}

impl std::error::Error for TemplateError {}

/// A `${NAME:?msg}` or `${NAME?msg}` whose variable is missing (FE003).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderError {
    /// The required variable.
    pub name: String,
    /// The message after the operator, itself interpolated (may be empty).
    pub message: String,
    /// The whole `${...}`.
    pub span: Range<usize>,
    /// `:?` or `?`.
    pub op: Op,
}

impl fmt::Display for RenderError {
    /// Compose's own wording: `required variable NAME is missing a value[: message]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.message.is_empty() {
            write!(f, "required variable {} is missing a value", self.name)
        } else {
            write!(
                f,
                "required variable {} is missing a value: {}",
                self.name, self.message
            )
        }
    }
}

impl std::error::Error for RenderError {}

/// Either way interpolation fails, in the order Compose meets them.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InterpolateError {
    /// The text is not a valid template (FE001).
    #[error(transparent)]
    Syntax(#[from] TemplateError),
    /// A required variable is missing (FE003).
    #[error(transparent)]
    Required(#[from] RenderError),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Node {
    Literal(Range<usize>),
    /// `$$`.
    Escaped(Range<usize>),
    Substitution(Substitution),
    /// Where Compose fails while reading; kept so that evaluation meets errors in Compose's order.
    Invalid(TemplateError),
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Substitution {
    span: Range<usize>,
    name_span: Range<usize>,
    braced: bool,
    op: Option<(Op, Range<usize>)>,
    arg: Vec<Node>,
    arg_span: Range<usize>,
}

/// A parsed Compose template. Spans are byte ranges inside the text given to [`Template::parse`].
///
/// ```
/// use std::collections::HashMap;
/// use factory_env::Template;
///
/// let template = Template::parse("${HOST:-localhost}:$PORT")?;
/// let vars = HashMap::from([("PORT".to_owned(), "8080".to_owned())]);
/// let rendered = template.render(&vars)?;
/// assert_eq!(rendered.value, "localhost:8080");
/// assert!(rendered.unset.is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    source: String,
    nodes: Vec<Node>,
}

impl Template {
    /// Parses `text`; fails with the first syntax error in the text (FE001).
    pub fn parse(text: &str) -> Result<Template, TemplateError> {
        let template = Template::parse_lenient(text);
        match first_invalid(&template.nodes) {
            Some(error) => Err(error.clone()),
            None => Ok(template),
        }
    }

    fn parse_lenient(text: &str) -> Template {
        let mut parser = Parser::new(text);
        let mut nodes = Vec::new();
        parser.parse_range(0, text.len(), 0, &mut nodes);
        Template {
            source: text.to_owned(),
            nodes,
        }
    }

    /// The template text.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Whether the template has no `$$` and no variable: it renders to itself.
    pub fn is_literal(&self) -> bool {
        self.nodes
            .iter()
            .all(|node| matches!(node, Node::Literal(_)))
    }

    /// Renders the template with `lookup`; fails on the first `:?`/`?` whose variable is missing.
    pub fn render(&self, lookup: &dyn Lookup) -> Result<Rendered, RenderError> {
        match self.evaluate(lookup) {
            Ok(rendered) => Ok(rendered),
            Err(InterpolateError::Required(error)) => Err(error),
            // `parse` only builds templates without invalid nodes.
            Err(InterpolateError::Syntax(_)) => Ok(Rendered {
                value: String::new(),
                unset: Vec::new(),
            }),
        }
    }

    fn evaluate(&self, lookup: &dyn Lookup) -> Result<Rendered, InterpolateError> {
        let mut value = String::new();
        let mut unset = Vec::new();
        evaluate_nodes(
            &self.source,
            &self.nodes,
            lookup,
            &mut value,
            &mut unset,
            false,
        )?;
        Ok(Rendered { value, unset })
    }

    /// Every variable use, in text order, nested ones included (after their enclosing use).
    pub fn variables(&self) -> Vec<VarUse> {
        let mut uses = Vec::new();
        collect_variables(&self.source, &self.nodes, false, &mut uses);
        uses
    }

    /// Syntax that the platform's Compose v1 era (1.29) did not read the way Compose v2 does
    /// (FE011): `:+` and `+`, templates or `}` inside a default, and a `$` that starts nothing.
    pub fn v1_incompatibilities(&self) -> Vec<(Range<usize>, &'static str)> {
        let mut found = Vec::new();
        collect_v1(&self.source, &self.nodes, &mut found);
        found
    }
}

/// Parses and renders `text` in one go, meeting errors in the order Compose does (a failing
/// `${A:?}` before a later syntax error is reported as the missing variable).
///
/// ```
/// use factory_env::{interpolate, InterpolateError};
/// let err = interpolate("${DOMAIN:?set DOMAIN}", &()).unwrap_err();
/// assert_eq!(err.to_string(), "required variable DOMAIN is missing a value: set DOMAIN");
/// assert!(matches!(interpolate("${", &()), Err(InterpolateError::Syntax(_))));
/// ```
pub fn interpolate(text: &str, lookup: &dyn Lookup) -> Result<Rendered, InterpolateError> {
    Template::parse_lenient(text).evaluate(lookup)
}

/// Writes `text` so that Compose reads it back literally: every `$` becomes `$$`.
pub fn escape_dollars(text: &str) -> String {
    text.replace('$', "$$")
}

/// Whether Compose would change or reject `text`: it holds `$$`, a variable or a `${`.
pub fn has_interpolation(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.iter().enumerate().any(|(i, &b)| {
        b == b'$'
            && match text.get(i + 1..).and_then(|rest| rest.chars().next()) {
                Some('$' | '{') => true,
                Some(c) => is_name_start(c),
                None => false,
            }
    })
}

fn is_name_start(c: char) -> bool {
    c == '_' || c.is_ascii_alphabetic() || c == '\u{17F}' || c == '\u{212A}'
}

fn is_name_char(c: char) -> bool {
    is_name_start(c) || c.is_ascii_digit()
}

fn first_invalid(nodes: &[Node]) -> Option<&TemplateError> {
    nodes.iter().find_map(|node| match node {
        Node::Invalid(error) => Some(error),
        Node::Substitution(sub) => first_invalid(&sub.arg),
        Node::Literal(_) | Node::Escaped(_) => None,
    })
}

/// The position of the next `byte` at or after a position, remembered so that scanning a long
/// line with many substitutions stays linear.
#[derive(Default)]
struct NextByte {
    /// `(from, found)`: no `byte` in `[from, found)`, and `found` is one or the text's end.
    known: Option<(usize, usize)>,
}

impl NextByte {
    fn find(&mut self, text: &str, byte: u8, pos: usize) -> usize {
        if let Some((from, found)) = self.known
            && from <= pos
            && pos <= found
        {
            return found;
        }
        let found = text
            .as_bytes()
            .get(pos..)
            .and_then(|rest| rest.iter().position(|&b| b == byte))
            .map_or(text.len(), |k| pos + k);
        self.known = Some((pos, found));
        found
    }
}

struct Parser<'a> {
    text: &'a str,
    next_newline: NextByte,
    next_brace: NextByte,
    /// `(lo, bound, last)`: the last `}` in `[lo, bound)`, one entry per bound in use.
    last_brace: Vec<(usize, usize, Option<usize>)>,
}

impl<'a> Parser<'a> {
    fn new(text: &'a str) -> Self {
        Parser {
            text,
            next_newline: NextByte::default(),
            next_brace: NextByte::default(),
            last_brace: Vec::new(),
        }
    }

    /// The last `}` in `[lo, bound)`.
    fn last_brace(&mut self, lo: usize, bound: usize) -> Option<usize> {
        if let Some(&(_, _, last)) = self
            .last_brace
            .iter()
            .find(|&&(cached_lo, b, _)| b == bound && cached_lo <= lo)
        {
            return last.filter(|&p| p >= lo);
        }
        let last = self
            .text
            .as_bytes()
            .get(lo..bound)
            .and_then(|range| range.iter().rposition(|&b| b == b'}'))
            .map(|k| lo + k);
        self.last_brace.retain(|&(_, b, _)| b != bound);
        if self.last_brace.len() > 2 * MAX_DEPTH {
            self.last_brace.clear();
        }
        self.last_brace.push((lo, bound, last));
        last
    }

    /// The end of the name starting at `start`, if a name starts there.
    fn scan_name(&self, start: usize, end: usize) -> Option<usize> {
        let rest = self.text.get(start..end)?;
        let mut chars = rest.char_indices();
        match chars.next() {
            Some((_, c)) if is_name_start(c) => {}
            _ => return None,
        }
        let len = chars
            .find(|&(_, c)| !is_name_char(c))
            .map_or(rest.len(), |(i, _)| i);
        Some(start + len)
    }

    fn char_at(&self, at: usize, end: usize) -> Option<char> {
        self.text.get(at..end).and_then(|s| s.chars().next())
    }

    fn parse_range(&mut self, start: usize, end: usize, depth: usize, out: &mut Vec<Node>) {
        let bytes = self.text.as_bytes();
        let mut i = start;
        let mut literal_start = start;
        // The template compose-go is reading at `i`: the whole range, or the "rest" after a
        // substitution its regex matched too far (it names that one in its error message).
        let mut context = start..end;
        while i < end {
            if i >= context.end {
                context = start..end;
            }
            if bytes.get(i) != Some(&b'$') {
                i += 1;
                continue;
            }
            let next = bytes.get(i + 1).copied().filter(|_| i + 1 < end);
            let (node, after) = match next {
                Some(b'$') => (Node::Escaped(i..i + 2), i + 2),
                Some(b'{') => {
                    let (node, after, rest) = self.parse_braced(i, context.clone(), end, depth);
                    if let Some(rest) = rest {
                        context = rest;
                    }
                    (node, after)
                }
                _ => match self.scan_name(i + 1, end) {
                    Some(name_end) => (
                        Node::Substitution(Substitution {
                            span: i..name_end,
                            name_span: i + 1..name_end,
                            braced: false,
                            op: None,
                            arg: Vec::new(),
                            arg_span: name_end..name_end,
                        }),
                        name_end,
                    ),
                    None => {
                        i += 1;
                        continue;
                    }
                },
            };
            if literal_start < i {
                out.push(Node::Literal(literal_start..i));
            }
            out.push(node);
            i = after;
            literal_start = after;
        }
        if literal_start < end {
            out.push(Node::Literal(literal_start..end));
        }
    }

    /// Parses the `${` at `dollar`, inside a template ending at `end` (`context` is the template
    /// compose-go names in its message). Also returns the "rest" compose-go reads separately when
    /// its regex matched past the closing brace.
    fn parse_braced(
        &mut self,
        dollar: usize,
        context: Range<usize>,
        end: usize,
        depth: usize,
    ) -> (Node, usize, Option<Range<usize>>) {
        let bytes = self.text.as_bytes();
        let name_start = dollar + 2;
        let invalid = |kind, span: Range<usize>| {
            (
                Node::Invalid(TemplateError {
                    kind,
                    span,
                    template_span: context.clone(),
                }),
                dollar + 2,
                None,
            )
        };
        let Some(name_end) = self.scan_name(name_start, end) else {
            return match self.char_at(name_start, end) {
                None => invalid(TemplateErrorKind::Unclosed, dollar..name_start),
                Some('}') => invalid(TemplateErrorKind::MissingName, dollar..name_start + 1),
                Some(c) => invalid(
                    TemplateErrorKind::InvalidNameStart(c),
                    name_start..name_start + c.len_utf8(),
                ),
            };
        };
        let name_span = name_start..name_end;
        let at = |k: usize| bytes.get(k).copied().filter(|_| k < end);
        let (op, op_len) = match at(name_end) {
            Some(b'}') => {
                return (
                    Node::Substitution(Substitution {
                        span: dollar..name_end + 1,
                        name_span,
                        braced: true,
                        op: None,
                        arg: Vec::new(),
                        arg_span: name_end..name_end,
                    }),
                    name_end + 1,
                    None,
                );
            }
            Some(b':') => match at(name_end + 1).and_then(|s| Op::from_parts(true, s)) {
                Some(op) => (op, 2),
                None => {
                    let shown = match self.char_at(name_end + 1, end) {
                        Some(c) if c != '}' && !c.is_whitespace() => format!(":{c}"),
                        _ => ":".to_owned(),
                    };
                    let len = shown.len();
                    return invalid(
                        TemplateErrorKind::UnsupportedOperator(shown),
                        name_end..name_end + len,
                    );
                }
            },
            Some(symbol) => match Op::from_parts(false, symbol) {
                Some(op) => (op, 1),
                None => {
                    let c = self.char_at(name_end, end).unwrap_or('?');
                    let kind = if c == '=' {
                        TemplateErrorKind::UnsupportedOperator("=".to_owned())
                    } else if !self.has_brace_later(name_end, end) {
                        TemplateErrorKind::Unclosed
                    } else {
                        TemplateErrorKind::InvalidCharacter(c)
                    };
                    let span = if kind == TemplateErrorKind::Unclosed {
                        dollar..name_end
                    } else {
                        name_end..name_end + c.len_utf8()
                    };
                    return invalid(kind, span);
                }
            },
            None => return invalid(TemplateErrorKind::Unclosed, dollar..name_end),
        };
        let arg_start = name_end + op_len;
        let line_end = self.next_newline.find(self.text, b'\n', arg_start).min(end);
        let Some(last_brace) = self.last_brace(arg_start, line_end) else {
            let closed_on_later_line = self.next_brace.find(self.text, b'}', line_end) < end;
            return invalid(
                TemplateErrorKind::UnclosedOnLine {
                    closed_on_later_line,
                },
                dollar..arg_start,
            );
        };
        if depth >= MAX_DEPTH {
            return invalid(TemplateErrorKind::TooDeep, dollar..arg_start);
        }
        // compose-go's getFirstBraceClosingIndex over the regex match `${ ... }` (which ends at
        // the last `}` of the line): the byte after each `{` is skipped.
        let mut open = 0usize;
        let mut k = dollar;
        let mut close = last_brace;
        while k <= last_brace {
            match bytes.get(k) {
                Some(b'}') => {
                    open = open.saturating_sub(1);
                    if open == 0 {
                        close = k;
                        break;
                    }
                }
                Some(b'{') => {
                    open += 1;
                    k += 1;
                }
                _ => {}
            }
            k += 1;
        }
        let mut arg = Vec::new();
        self.parse_range(arg_start, close, depth + 1, &mut arg);
        (
            Node::Substitution(Substitution {
                span: dollar..close + 1,
                name_span,
                braced: true,
                op: Some((op, name_end..arg_start)),
                arg,
                arg_span: arg_start..close,
            }),
            close + 1,
            (close < last_brace).then_some(close + 1..last_brace + 1),
        )
    }

    /// Whether a `}` follows `from` on its line (before `end`).
    fn has_brace_later(&mut self, from: usize, end: usize) -> bool {
        let line_end = self.next_newline.find(self.text, b'\n', from).min(end);
        self.next_brace.find(self.text, b'}', from) < line_end
    }
}

fn evaluate_nodes(
    source: &str,
    nodes: &[Node],
    lookup: &dyn Lookup,
    out: &mut String,
    unset: &mut Vec<VarUse>,
    nested: bool,
) -> Result<(), InterpolateError> {
    for node in nodes {
        match node {
            Node::Literal(span) => out.push_str(source.get(span.clone()).unwrap_or("")),
            Node::Escaped(_) => out.push('$'),
            Node::Invalid(error) => return Err(error.clone().into()),
            Node::Substitution(sub) => {
                let name = source.get(sub.name_span.clone()).unwrap_or("");
                let Some((op, _)) = sub.op else {
                    match lookup.get(name) {
                        Some(value) => out.push_str(value),
                        None => unset.push(var_use(source, sub, nested)),
                    }
                    continue;
                };
                // Compose evaluates the argument before looking at the variable.
                let mut arg = String::new();
                evaluate_nodes(source, &sub.arg, lookup, &mut arg, unset, true)?;
                let value = lookup.get(name);
                let non_empty = value.is_some_and(|v| !v.is_empty());
                match op {
                    Op::DefaultIfEmpty => {
                        out.push_str(if non_empty { value.unwrap_or("") } else { &arg })
                    }
                    Op::DefaultIfUnset => out.push_str(value.unwrap_or(&arg)),
                    Op::AlternateIfNonEmpty => {
                        out.push_str(if non_empty { &arg } else { value.unwrap_or("") })
                    }
                    Op::AlternateIfSet => {
                        if value.is_some() {
                            out.push_str(&arg);
                        }
                    }
                    Op::RequireNonEmpty | Op::RequireSet => {
                        let ok = if op == Op::RequireSet {
                            value.is_some()
                        } else {
                            non_empty
                        };
                        match value {
                            Some(v) if ok => out.push_str(v),
                            _ => {
                                return Err(RenderError {
                                    name: name.to_owned(),
                                    message: arg,
                                    span: sub.span.clone(),
                                    op,
                                }
                                .into());
                            }
                        }
                    }
                }
            }
        }
    }
    Ok(())
}

fn var_use(source: &str, sub: &Substitution, nested: bool) -> VarUse {
    let op = sub.op.as_ref().map(|(op, _)| *op);
    VarUse {
        name: source.get(sub.name_span.clone()).unwrap_or("").to_owned(),
        span: sub.span.clone(),
        name_span: sub.name_span.clone(),
        has_default: matches!(op, Some(Op::DefaultIfEmpty | Op::DefaultIfUnset)),
        op,
        nested,
    }
}

fn collect_variables(source: &str, nodes: &[Node], nested: bool, uses: &mut Vec<VarUse>) {
    for node in nodes {
        if let Node::Substitution(sub) = node {
            uses.push(var_use(source, sub, nested));
            collect_variables(source, &sub.arg, true, uses);
        }
    }
}

fn collect_v1(source: &str, nodes: &[Node], found: &mut Vec<(Range<usize>, &'static str)>) {
    for node in nodes {
        match node {
            Node::Literal(span) => {
                let text = source.get(span.clone()).unwrap_or("");
                for (k, _) in text.match_indices('$') {
                    let at = span.start + k;
                    found.push((
                        at..at + 1,
                        "Compose v1 rejects a `$` that does not start a variable: write `$$`",
                    ));
                }
            }
            Node::Substitution(sub) => {
                let Some((op, op_span)) = &sub.op else {
                    continue;
                };
                if matches!(op, Op::AlternateIfNonEmpty | Op::AlternateIfSet) {
                    found.push((
                        op_span.clone(),
                        "Compose v1 does not support the `:+` and `+` operators",
                    ));
                }
                let arg = source.get(sub.arg_span.clone()).unwrap_or("");
                if arg.contains('$') {
                    found.push((
                        sub.arg_span.clone(),
                        "Compose v1 does not interpolate inside a default or message: it keeps the text as written",
                    ));
                } else if arg.contains('}') {
                    found.push((
                        sub.arg_span.clone(),
                        "Compose v1 ends a substitution at the first `}`, so this default is cut short",
                    ));
                }
                collect_v1(source, &sub.arg, found);
            }
            Node::Escaped(_) | Node::Invalid(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn error(text: &str) -> TemplateError {
        match Template::parse(text) {
            Ok(template) => panic!("{text:?} parsed: {template:?}"),
            Err(error) => error,
        }
    }

    #[test]
    fn syntax_errors_point_at_the_problem() {
        let cases: &[(&str, TemplateErrorKind, Range<usize>)] = &[
            ("${", TemplateErrorKind::Unclosed, 0..2),
            ("ab${", TemplateErrorKind::Unclosed, 2..4),
            ("${1}", TemplateErrorKind::InvalidNameStart('1'), 2..3),
            ("${ foo}", TemplateErrorKind::InvalidNameStart(' '), 2..3),
            ("${}", TemplateErrorKind::MissingName, 0..3),
            ("x ${FOO y", TemplateErrorKind::Unclosed, 2..7),
            ("${FOO", TemplateErrorKind::Unclosed, 0..5),
            ("${foo }", TemplateErrorKind::InvalidCharacter(' '), 5..6),
            ("é ${A.B}", TemplateErrorKind::InvalidCharacter('.'), 6..7),
            (
                "${FOO:=x}",
                TemplateErrorKind::UnsupportedOperator(":=".into()),
                5..7,
            ),
            (
                "${FOO=x}",
                TemplateErrorKind::UnsupportedOperator("=".into()),
                5..6,
            ),
            (
                "${FOO:-a\nb}",
                TemplateErrorKind::UnclosedOnLine {
                    closed_on_later_line: true,
                },
                0..7,
            ),
            (
                "${FOO:-a",
                TemplateErrorKind::UnclosedOnLine {
                    closed_on_later_line: false,
                },
                0..7,
            ),
        ];
        for (text, kind, span) in cases {
            let error = error(text);
            assert_eq!((&error.kind, &error.span), (kind, span), "{text:?}");
            assert!(!error.help().is_empty());
            assert!(!error.to_string().is_empty());
        }
    }

    #[test]
    fn nested_errors_name_the_inner_template() {
        // `docker compose` reports `Invalid template: "${"` for this default.
        let error = error("${A:-${}");
        assert_eq!(error.span, 5..7);
        assert_eq!(error.template_span, 5..7);
        assert_eq!(
            error.compose_dotenv_message("${A:-${}"),
            "Invalid template: \"${\""
        );
    }

    #[test]
    fn variables_in_order_with_ops() {
        let template = Template::parse("a $B ${C:-$D} ${E:?x}").expect("valid");
        type Shown = (String, Range<usize>, Option<Op>, bool, bool);
        let uses: Vec<Shown> = template
            .variables()
            .into_iter()
            .map(|u| (u.name, u.span, u.op, u.has_default, u.nested))
            .collect();
        assert_eq!(
            uses,
            [
                ("B".to_owned(), 2..4, None, false, false),
                ("C".to_owned(), 5..13, Some(Op::DefaultIfEmpty), true, false),
                ("D".to_owned(), 10..12, None, false, true),
                (
                    "E".to_owned(),
                    14..21,
                    Some(Op::RequireNonEmpty),
                    false,
                    false
                ),
            ]
        );
    }

    #[test]
    fn eager_defaults_as_compose() {
        // Checked with docker compose 2.40.3: the unused default's `$BAR` still warns.
        let rendered = Template::parse("${FOO:-$BAR}")
            .map(|t| t.render(&vars(&[("FOO", "1")])))
            .expect("valid");
        let rendered = rendered.expect("renders");
        assert_eq!(rendered.value, "1");
        assert_eq!(rendered.unset.len(), 1);
        assert_eq!(rendered.unset[0].name, "BAR");
        assert_eq!(rendered.unset[0].span, 7..11);
        // ... and a failing `?` inside an unused default fails.
        let error = interpolate("${FOO-${UNSET?inner}}", &vars(&[("FOO", "set")]));
        assert!(
            matches!(error, Err(InterpolateError::Required(e)) if e.name == "UNSET" && e.span == (6..20))
        );
    }

    #[test]
    fn compose_order_of_errors() {
        // A failing `?` before a syntax error is what Compose reports.
        assert!(matches!(
            interpolate("${A:?x} ${", &()),
            Err(InterpolateError::Required(_))
        ));
        assert!(matches!(
            interpolate("${ ${A:?x}", &()),
            Err(InterpolateError::Syntax(_))
        ));
    }

    #[test]
    fn unicode_folded_names() {
        // Checked with docker compose 2.40.3: `(?i)[a-z]` also matches U+017F and U+212A.
        let lookup = vars(&[("ſ", "long"), ("K", "kelvin")]);
        assert_eq!(
            interpolate("$ſ ${K}", &lookup).map(|r| r.value),
            Ok("long kelvin".to_owned())
        );
    }

    #[test]
    fn helpers() {
        assert_eq!(escape_dollars("a$b$$"), "a$$b$$$$");
        for (text, expected) in [
            ("plain", false),
            ("a$", false),
            ("$1", false),
            ("$ x", false),
            ("$}", false),
            ("$$", true),
            ("${", true),
            ("$x", true),
            ("é$ſ", true),
        ] {
            assert_eq!(has_interpolation(text), expected, "{text:?}");
        }
        assert!(Template::parse("no vars $1").is_ok_and(|t| t.is_literal()));
        assert!(Template::parse("$$").is_ok_and(|t| !t.is_literal()));
    }

    #[test]
    fn v1_incompatibilities_point_at_the_syntax() {
        let template = Template::parse("${A:+x} ${B:-$C} a$ ${D:-{}}").expect("valid");
        let spans: Vec<Range<usize>> = template
            .v1_incompatibilities()
            .into_iter()
            .map(|(span, _)| span)
            .collect();
        assert_eq!(spans, [3..5, 13..15, 18..19, 25..27]);
        assert!(
            Template::parse("${A:-x} ${B?y} $$")
                .expect("valid")
                .v1_incompatibilities()
                .is_empty()
        );
    }
}
