//! The `.env` grammar of `docker compose` v2.40 (compose-go v2.9 `dotenv/parser.go`).
//!
//! - statements are `KEY=VALUE` or `KEY: VALUE`, with optional blanks around the separator and an
//!   optional `export ` prefix; `#` starts a comment line; blank lines are skipped;
//! - a key is letters, digits, `_`, `.`, `-`, `[` and `]` (blanks inside a key are an error);
//! - `KEY` alone on its line takes its value from the lookup (the process environment), or is
//!   left out when the lookup does not have it;
//! - a statement with no separator at all on the last line is read as a value with an empty key
//!   (`export A` at the end of a file gives `"" = "A"`), as compose-go does;
//! - unquoted values run to the end of the line, lose a ` #` comment and trailing blanks, and
//!   interpolate `$VAR`/`${VAR...}`;
//! - single-quoted values are literal (`\'` is a quote); double-quoted values may span lines,
//!   understand `\a \b \f \n \r \t \v \\ \" \$` and `\0ooo` (octal), and interpolate;
//! - interpolation looks a name up in the lookup first, then in the entries read so far.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;

use crate::goquote::quote;
use crate::lookup::{Budgeted, Chain, Lookup};
use crate::template::{InterpolateError, VarUse, interpolate};

/// One `KEY=VALUE` statement of a `.env` file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DotenvEntry {
    /// The key, blanks trimmed (may be empty, as compose-go allows `="value"`).
    pub key: String,
    /// The value after unquoting, escapes and interpolation.
    pub value: String,
    /// Byte range of the key.
    pub key_span: Range<usize>,
    /// Byte range of the value as written, quotes included (empty at the key's end for a bare
    /// `KEY` taken from the lookup).
    pub value_span: Range<usize>,
    /// The quote around the value (`'` or `"`), if any.
    pub quoted: Option<char>,
    /// Whether the statement starts with `export`.
    pub exported: bool,
    /// Whether the statement is a bare `KEY` whose value came from the lookup.
    pub inherited: bool,
    /// `$VAR` uses in the value whose variable is not set (Compose warns and substitutes an empty
    /// string); spans are in the file.
    pub unset: Vec<VarUse>,
}

impl DotenvEntry {
    /// An entry of `key` and `value` that comes from no text (no spans, no quote): for the
    /// entries of earlier files that [`parse_after`] takes.
    #[must_use]
    pub fn pair(key: impl Into<String>, value: impl Into<String>) -> Self {
        DotenvEntry {
            key: key.into(),
            value: value.into(),
            key_span: 0..0,
            value_span: 0..0,
            quoted: None,
            exported: false,
            inherited: false,
            unset: Vec::new(),
        }
    }
}

/// A `.env` syntax or interpolation error (FE004).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DotenvError {
    /// What is wrong (lower-case, no line number).
    pub message: String,
    /// 1-based line of the problem.
    pub line: usize,
    /// 1-based column of the problem, in characters.
    pub column: usize,
    /// Byte range of the problem.
    pub span: Range<usize>,
    help: Option<&'static str>,
    compose: String,
    budget: bool,
    required: bool,
}

impl DotenvError {
    /// Whether this is the expansion budget ([`expansion_budget`]) rather than a syntax or
    /// interpolation error: the file is valid, but its values grow without bound.
    pub fn is_budget(&self) -> bool {
        self.budget
    }

    /// Whether a `${VAR:?message}` / `${VAR?message}` of the file failed (FE003), rather than
    /// the file's syntax (FE004).
    pub fn is_required(&self) -> bool {
        self.required
    }

    /// What to do about it.
    pub fn help(&self) -> Option<&'static str> {
        self.help
    }

    /// The text `docker compose` prints after `failed to read <file>: `, with compose-go's own
    /// line count (which, for an unterminated quote, is the line where it gave up).
    pub fn compose_message(&self) -> &str {
        &self.compose
    }
}

impl fmt::Display for DotenvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.column, self.message)
    }
}

impl std::error::Error for DotenvError {}

/// Parses a `.env` file; fails at the first error, as Compose does.
///
/// `lookup` is the process environment: bare `KEY` lines and `$VAR` in values read it first,
/// then the entries above.
///
/// ```
/// use factory_env::dotenv;
/// let entries = dotenv::parse("# db\nexport USER=app\nURL=\"pg://${USER}@db\" # local\n", &())?;
/// assert_eq!(entries[1].key, "URL");
/// assert_eq!(entries[1].value, "pg://app@db");
/// assert_eq!(entries[1].quoted, Some('"'));
/// # Ok::<(), factory_env::DotenvError>(())
/// ```
pub fn parse(text: &str, lookup: &dyn Lookup) -> Result<Vec<DotenvEntry>, DotenvError> {
    parse_after(text, lookup, &[])
}

/// Parses a further `--env-file`: `earlier` are the entries of the files before it, which
/// interpolation sees after `lookup` (compose-go shares one map across env files).
pub fn parse_after(
    text: &str,
    lookup: &dyn Lookup,
    earlier: &[DotenvEntry],
) -> Result<Vec<DotenvEntry>, DotenvError> {
    let mut unlimited = usize::MAX;
    parse_after_within(text, lookup, earlier, &mut unlimited)
}

/// [`parse_after`] within a budget shared by several files: `left` is how many bytes
/// substitutions may still add, and what this file's add is taken from it. A file stops at
/// its own [`expansion_budget`] or at what is `left`, whichever comes first, with the budget
/// error ([`DotenvError::is_budget`]). For a project whose services read env files: one small
/// file that expands to a megabyte, read by a thousand services, would otherwise hold a
/// gigabyte.
///
/// ```
/// use factory_env::dotenv;
/// let mut left = 10;
/// let text = "A=0123456789\nB=${A}\n";
/// assert!(dotenv::parse_after_within(text, &(), &[], &mut left).is_ok());
/// assert_eq!(left, 0);
/// let error = dotenv::parse_after_within(text, &(), &[], &mut left).unwrap_err();
/// assert!(error.is_budget());
/// ```
pub fn parse_after_within(
    text: &str,
    lookup: &dyn Lookup,
    earlier: &[DotenvEntry],
    left: &mut usize,
) -> Result<Vec<DotenvEntry>, DotenvError> {
    let mut parser = Parser::new(text, lookup, earlier);
    let start = parser.expansion_left.min(*left);
    if start < parser.expansion_left {
        parser.shared_budget = Some(start);
    }
    parser.expansion_left = start;
    let mut entries = Vec::new();
    let mut result = Ok(());
    while let Some(statement) = parser.next_statement() {
        match statement {
            Ok(Some(entry)) => entries.push(entry),
            Ok(None) => {}
            Err((error, _)) => {
                result = Err(error);
                break;
            }
        }
    }
    *left = left.saturating_sub(start - parser.expansion_left);
    result.map(|()| entries)
}

/// Parses an env file of `format: raw` as Docker Compose does (the Docker CLI's `--env-file`
/// grammar, `kvfile`): a line is `KEY=VALUE` with the value kept exactly as written (no
/// quotes, comments, escapes or `${VAR}`), a bare `KEY` takes the value of `lookup` (and is
/// left out when it has none), and blank lines and lines starting with `#` are skipped. Blanks
/// before the key are dropped; a blank inside it, an empty key, or a line longer than 64 KiB
/// is an error.
///
/// ```
/// use factory_env::dotenv;
/// let entries = dotenv::parse_raw("A=\"quoted\" # kept\n  B=$HOME x\n", &())?;
/// assert_eq!(entries[0].value, "\"quoted\" # kept");
/// assert_eq!(entries[1].value, "$HOME x");
/// assert!(dotenv::parse_raw("export C=1\n", &()).is_err());
/// # Ok::<(), factory_env::DotenvError>(())
/// ```
pub fn parse_raw(text: &str, lookup: &dyn Lookup) -> Result<Vec<DotenvEntry>, DotenvError> {
    // Go's bufio.Scanner stops at a line longer than its 64 KiB buffer.
    const MAX_LINE: usize = 64 * 1024;
    let parser = Parser::new(text, lookup, &[]);
    let fail = |span: Range<usize>, message: String| {
        Err(parser.error(span, message.clone(), message, None))
    };
    let mut entries = Vec::new();
    let mut start = 0;
    let mut statements = 0;
    for (index, piece) in text.split_inclusive('\n').enumerate() {
        let line_start = start;
        start += piece.len();
        let mut line = piece.strip_suffix('\n').unwrap_or(piece);
        line = line.strip_suffix('\r').unwrap_or(line);
        if line.len() >= MAX_LINE {
            return fail(
                line_start..line_start,
                "bufio.Scanner: token too long".to_owned(),
            );
        }
        let mut bom = 0;
        if index == 0
            && let Some(rest) = line.strip_prefix('\u{feff}')
        {
            bom = '\u{feff}'.len_utf8();
            line = rest;
        }
        let trimmed = line.trim_start();
        let at = line_start + bom + (line.len() - trimmed.len());
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        statements += 1;
        if statements > MAX_STATEMENTS {
            return Err(parser.too_many_statements(at));
        }
        let (key, value) = match trimmed.split_once('=') {
            Some((k, v)) => (k, Some(v)),
            None => (trimmed, None),
        };
        if key.contains([' ', '\t']) {
            return fail(
                at..at + key.len(),
                format!("variable '{key}' contains whitespaces"),
            );
        }
        if key.is_empty() {
            return fail(
                at..at + trimmed.len(),
                format!("no variable name on line '{trimmed}'"),
            );
        }
        let key_span = at..at + key.len();
        match value {
            Some(v) => entries.push(DotenvEntry {
                key: key.to_owned(),
                value: v.to_owned(),
                key_span,
                value_span: at + key.len() + 1..at + trimmed.len(),
                quoted: None,
                exported: false,
                inherited: false,
                unset: Vec::new(),
            }),
            None => {
                if let Some(v) = lookup.get(key) {
                    entries.push(DotenvEntry {
                        key: key.to_owned(),
                        value: v.to_owned(),
                        key_span: key_span.clone(),
                        value_span: key_span.end..key_span.end,
                        quoted: None,
                        exported: false,
                        inherited: true,
                        unset: Vec::new(),
                    });
                }
            }
        }
    }
    Ok(entries)
}

/// Parses a `.env` file without stopping at the first error: each error skips to the next line
/// (or past the value), so a file with several mistakes reports all of them.
pub fn parse_recovering(text: &str, lookup: &dyn Lookup) -> (Vec<DotenvEntry>, Vec<DotenvError>) {
    let mut parser = Parser::new(text, lookup, &[]);
    let mut entries = Vec::new();
    let mut errors = Vec::new();
    while let Some(statement) = parser.next_statement() {
        match statement {
            Ok(Some(entry)) => entries.push(entry),
            Ok(None) => {}
            Err((error, resume)) => {
                errors.push(error);
                parser.pos = resume.max(parser.pos).min(text.len());
            }
        }
    }
    (entries, errors)
}

/// compose-go's `isSpace`: blanks that are not a line break.
fn is_inline_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\u{b}' | '\u{c}' | '\r' | ' ' | '\u{85}' | '\u{a0}'
    )
}

/// A value, its span and its quote.
type ReadValue = (String, Range<usize>, Option<char>, Vec<VarUse>);

type StatementResult = Result<Option<DotenvEntry>, (DotenvError, usize)>;

struct Parser<'a> {
    text: &'a str,
    pos: usize,
    /// compose-go's line counter, for its error texts.
    go_line: usize,
    lookup: &'a dyn Lookup,
    values: BTreeMap<String, String>,
    /// Byte offsets where lines start, computed at the first error.
    line_starts: RefCell<LineStarts>,
    /// Bytes that substitutions may still add ([`expansion_budget`]).
    expansion_left: usize,
    /// Statements read so far ([`MAX_STATEMENTS`]).
    statements: usize,
    /// What was left of a budget shared with other files, when it is below the file's own
    /// ([`parse_after_within`]).
    shared_budget: Option<usize>,
}

/// Byte offsets where lines start, found as far as an error needed them: errors come in file
/// order, so the text is scanned once, and only up to the last error (the statement budget's
/// error, 100 000 lines in, does not index a 64 MiB file).
#[derive(Debug, Default)]
struct LineStarts {
    starts: Vec<usize>,
    /// Where the scan stopped: every line start before it is in `starts`.
    scanned: usize,
}

impl LineStarts {
    /// The 1-based line of byte `at` of `text`, and where that line starts.
    fn line_of(&mut self, text: &str, at: usize) -> (usize, usize) {
        if self.starts.is_empty() {
            self.starts.push(0);
        }
        let at = at.min(text.len());
        if let Some(unscanned) = text.as_bytes().get(self.scanned..at) {
            let from = self.scanned;
            self.starts.extend(
                (unscanned.iter().enumerate())
                    .filter(|(_, b)| **b == b'\n')
                    .map(|(k, _)| from + k + 1),
            );
            self.scanned = at;
        }
        let line = self.starts.partition_point(|&s| s <= at).max(1);
        (line, self.starts.get(line - 1).copied().unwrap_or(0))
    }
}

/// How many statements (`KEY=VALUE` lines, bare `KEY`s) of one file are read: 100 000, ten
/// times the largest real `.env` one would write. Past it the file is cut with a budget error
/// ([`DotenvError::is_budget`]) at the first statement left: each entry is kept several times
/// over (the file's values, the project's variables), and a 64 MiB file of `A=1` lines held
/// 4 GB.
pub const MAX_STATEMENTS: usize = 100_000;

/// How many bytes the variable substitutions of one file may add in all: 16 per byte of the
/// file, at least 1 MiB. `A=$A$A` on each line doubles `A`: forty lines would need a terabyte.
#[must_use]
pub fn expansion_budget(text_len: usize) -> usize {
    text_len.saturating_mul(16).max(1 << 20)
}

impl<'a> Parser<'a> {
    fn new(text: &'a str, lookup: &'a dyn Lookup, earlier: &[DotenvEntry]) -> Self {
        let pos = if text.starts_with('\u{feff}') { 3 } else { 0 };
        let values = earlier
            .iter()
            .map(|entry| (entry.key.clone(), entry.value.clone()))
            .collect();
        Parser {
            text,
            pos,
            go_line: 1,
            lookup,
            values,
            line_starts: RefCell::default(),
            expansion_left: expansion_budget(text.len()),
            statements: 0,
            shared_budget: None,
        }
    }

    fn rest(&self, from: usize) -> &'a str {
        self.text.get(from..).unwrap_or("")
    }

    fn next_line_start(&self, from: usize) -> usize {
        self.rest(from)
            .find('\n')
            .map_or(self.text.len(), |k| from + k + 1)
    }

    fn error(
        &self,
        span: Range<usize>,
        message: String,
        compose: String,
        help: Option<&'static str>,
    ) -> DotenvError {
        let (line, line_start) = self.line_starts.borrow_mut().line_of(self.text, span.start);
        let mut column = self
            .text
            .get(line_start..span.start)
            .map_or(0, |s| s.chars().count())
            + 1;
        if line == 1 && self.text.starts_with('\u{feff}') {
            column = column.saturating_sub(1).max(1);
        }
        DotenvError {
            message,
            line,
            column,
            span,
            help,
            compose,
            budget: false,
            required: false,
        }
    }

    /// Skips blanks and comment lines; `false` at the end of the text.
    fn skip_to_statement(&mut self) -> bool {
        loop {
            let rest = self.rest(self.pos);
            let mut found = None;
            for (k, c) in rest.char_indices() {
                if c == '\n' {
                    self.go_line += 1;
                }
                if !c.is_whitespace() {
                    found = Some(k);
                    break;
                }
            }
            let Some(k) = found else {
                self.pos = self.text.len();
                return false;
            };
            self.pos += k;
            if !self.rest(self.pos).starts_with('#') {
                return true;
            }
            match self.rest(self.pos).find('\n') {
                Some(n) => self.pos += n,
                None => {
                    self.pos = self.text.len();
                    return false;
                }
            }
        }
    }

    fn next_statement(&mut self) -> Option<StatementResult> {
        if !self.skip_to_statement() {
            return None;
        }
        self.statements += 1;
        if self.statements > MAX_STATEMENTS {
            let at = self.pos;
            return Some(Err((self.too_many_statements(at), self.text.len())));
        }
        Some(self.statement())
    }

    /// The budget error at the first statement past [`MAX_STATEMENTS`], at `at`; nothing after
    /// it is read.
    fn too_many_statements(&self, at: usize) -> DotenvError {
        let end = at + self.rest(at).find('\n').unwrap_or(self.rest(at).len());
        let message = format!(
            "this file has more than {MAX_STATEMENTS} variables: factory reads the first {MAX_STATEMENTS} and stops here"
        );
        let mut error = self.error(
            at..end,
            message.clone(),
            message,
            Some("an env file holds the few variables a project or service sets: set the others in the environment"),
        );
        error.budget = true;
        error
    }

    fn statement(&mut self) -> StatementResult {
        let statement_start = self.pos;
        let mut src_start = statement_start;
        let mut exported = false;
        let rest = self.rest(src_start);
        if let Some(after) = rest.strip_prefix("export")
            && after.starts_with(['\t', '\n', '\u{c}', '\r', ' '])
        {
            exported = true;
            src_start += "export".len();
            src_start += self
                .rest(src_start)
                .find(|c| !is_inline_space(c))
                .unwrap_or(self.rest(src_start).len());
        }
        let src = self.rest(src_start);
        if src.is_empty() {
            let error = self.error(
                statement_start..src_start,
                "`export` with no variable after it".to_owned(),
                "zero length string".to_owned(),
                Some("remove the `export`, or name a variable after it"),
            );
            return Err((error, self.text.len()));
        }
        let mut terminator = None;
        for (i, c) in src.char_indices() {
            if is_inline_space(c) {
                continue;
            }
            match c {
                '=' | ':' | '\n' => {
                    terminator = Some((i, c));
                    break;
                }
                '_' | '.' | '-' | '[' | ']' => {}
                c if crate::letters::is_letter(c) || c.is_numeric() => {}
                c => {
                    let at = src_start + i;
                    let first_line = src.split('\n').next().unwrap_or("");
                    let text = format!(
                        "unexpected character {} in variable name {}",
                        quote(&c.to_string()),
                        quote(first_line)
                    );
                    let compose = format!("line {}: {text}", self.go_line);
                    let error = self.error(
                        at..at + c.len_utf8(),
                        text,
                        compose,
                        Some("a variable name is letters, digits, `_`, `.`, `-`, `[` and `]`"),
                    );
                    return Err((error, self.next_line_start(at)));
                }
            }
        }
        let (raw_key_len, value_from, inherited) = match terminator {
            Some((i, c)) => (i, i + c.len_utf8(), c == '\n'),
            None => (0, 0, false),
        };
        let raw_key = src.get(..raw_key_len).unwrap_or("");
        if inherited && !raw_key.contains(' ') {
            self.go_line += 1;
        }
        let key = raw_key.trim_end_matches(char::is_whitespace);
        let key_span = src_start..src_start + key.len();
        let mut value_start = src_start + value_from;
        value_start += self
            .rest(value_start)
            .find(|c| !is_inline_space(c))
            .unwrap_or(self.rest(value_start).len());
        if key.contains(' ') {
            let text = "key cannot contain a space".to_owned();
            let compose = format!("line {}: {text}", self.go_line);
            let resume = if inherited {
                value_start
            } else {
                self.next_line_start(key_span.start)
            };
            let error = self.error(
                key_span,
                text,
                compose,
                Some("write `NAME=value`; a name alone on its line takes its value from the environment"),
            );
            return Err((error, resume));
        }
        if inherited {
            self.pos = value_start;
            let Some(value) = self.lookup.get(key).map(str::to_owned) else {
                return Ok(None);
            };
            self.values.insert(key.to_owned(), value.clone());
            return Ok(Some(DotenvEntry {
                key: key.to_owned(),
                value,
                key_span: key_span.clone(),
                value_span: key_span.end..key_span.end,
                quoted: None,
                exported,
                inherited: true,
                unset: Vec::new(),
            }));
        }
        let (value, value_span, quoted, unset) = self.value(value_start)?;
        self.values.insert(key.to_owned(), value.clone());
        Ok(Some(DotenvEntry {
            key: key.to_owned(),
            value,
            key_span,
            value_span,
            quoted,
            exported,
            inherited: false,
            unset,
        }))
    }

    /// Reads the value at `start` and moves past it.
    fn value(&mut self, start: usize) -> Result<ReadValue, (DotenvError, usize)> {
        let rest = self.rest(start);
        let quote_char = match rest.as_bytes().first() {
            Some(b'"') => '"',
            Some(b'\'') => '\'',
            _ => {
                let line_end = rest.find('\n').map_or(self.text.len(), |k| start + k);
                self.pos = (line_end + 1).min(self.text.len());
                self.go_line += 1;
                let mut raw = self.text.get(start..line_end).unwrap_or("");
                if let Some(k) = raw.find(" #") {
                    raw = raw.get(..k).unwrap_or("");
                }
                let raw = raw.trim_end_matches(char::is_whitespace);
                let offsets: Vec<usize> = (start..=start + raw.len()).collect();
                let (value, unset) = self.expand(raw, &offsets, self.pos)?;
                return Ok((value, start..start + raw.len(), None, unset));
            }
        };
        let quote_byte = quote_char as u8;
        let bytes = self.text.as_bytes();
        let mut chars: Vec<u8> = Vec::new();
        let mut offsets: Vec<usize> = Vec::new();
        let mut previous_is_escape = false;
        let mut i = start + 1;
        while let Some(&b) = bytes.get(i) {
            if b == b'\n' {
                self.go_line += 1;
            }
            if b != quote_byte {
                if !previous_is_escape && b == b'\\' {
                    previous_is_escape = true;
                    i += 1;
                    continue;
                }
                if previous_is_escape {
                    previous_is_escape = false;
                    chars.push(b'\\');
                    offsets.push(i - 1);
                }
                chars.push(b);
                offsets.push(i);
                i += 1;
                continue;
            }
            if previous_is_escape {
                previous_is_escape = false;
                chars.push(b);
                offsets.push(i);
                i += 1;
                continue;
            }
            // The closing quote.
            offsets.push(i);
            self.pos = i + 1;
            let span = start..i + 1;
            if quote_char == '\'' {
                let value = String::from_utf8_lossy(&chars).into_owned();
                return Ok((value, span, Some(quote_char), Vec::new()));
            }
            let (unescaped, unescaped_offsets) = expand_escapes(&chars, &offsets);
            let unescaped = String::from_utf8_lossy(&unescaped).into_owned();
            let (value, unset) = self.expand(&unescaped, &unescaped_offsets, self.pos)?;
            return Ok((value, span, Some(quote_char), unset));
        }
        let line_end = rest.find('\n').map_or(self.text.len(), |k| start + k);
        let shown = self.text.get(start..line_end).unwrap_or("");
        let compose = format!("line {}: unterminated quoted value {shown}", self.go_line);
        let error = self.error(
            start..line_end,
            format!("unterminated quoted value: the {quote_char} quote is never closed"),
            compose,
            Some("close the quote; a double-quoted value may span lines, ending at the next unescaped quote"),
        );
        Err((error, (line_end + 1).min(self.text.len())))
    }

    /// Interpolates `value`; `offsets[k]` is the source offset of byte `k` of `value` (one entry
    /// more than `value.len()`).
    fn expand(
        &mut self,
        value: &str,
        offsets: &[usize],
        resume: usize,
    ) -> Result<(String, Vec<VarUse>), (DotenvError, usize)> {
        let to_source = |span: &Range<usize>| {
            let at = |k: usize| {
                offsets
                    .get(k)
                    .or_else(|| offsets.last())
                    .copied()
                    .unwrap_or(0)
            };
            let start = at(span.start);
            let end = at(span.end).max(start);
            let end = if self.text.is_char_boundary(end) {
                end
            } else {
                start
            };
            start..end
        };
        let chain = Chain(self.lookup, &self.values);
        let lookup = Budgeted::new(&chain, self.expansion_left);
        let result = interpolate(value, &lookup);
        self.expansion_left = lookup.left();
        if lookup.exhausted() {
            let message = match self.shared_budget {
                Some(shared) => format!(
                    "the variables of this file expand past what is left of the budget it shares with the files read with it ({shared} bytes)"
                ),
                None => format!(
                    "the variables of this file expand past factory's budget of {} bytes (16 per byte of the file, at least 1 MiB)",
                    expansion_budget(self.text.len())
                ),
            };
            let mut error = self.error(
                to_source(&(0..value.len())),
                message.clone(),
                message,
                Some("a value that uses a variable several times, redefined line after line, doubles each time: write the value out"),
            );
            error.budget = true;
            // Nothing after this point is read: every later value could only grow further.
            return Err((error, self.text.len()));
        }
        match result {
            Ok(rendered) => {
                let unset = rendered
                    .unset
                    .into_iter()
                    .map(|var| VarUse {
                        span: to_source(&var.span),
                        name_span: to_source(&var.name_span),
                        ..var
                    })
                    .collect();
                Ok((rendered.value, unset))
            }
            Err(error) => {
                let required = matches!(error, InterpolateError::Required(_));
                let (span, message, compose, help) = match &error {
                    InterpolateError::Syntax(syntax) => (
                        syntax.span.clone(),
                        syntax.to_string(),
                        syntax.compose_dotenv_message(value),
                        Some("write a literal `$` as `$$`"),
                    ),
                    InterpolateError::Required(required) => (
                        required.span.clone(),
                        required.to_string(),
                        required.to_string(),
                        Some("set the variable in the environment or earlier in this file"),
                    ),
                };
                let mut error = self.error(to_source(&span), message, compose, help);
                error.required = required;
                Err((error, resume))
            }
        }
    }
}

/// compose-go's `expandEscapes` over the bytes of a double-quoted value.
fn expand_escapes(chars: &[u8], offsets: &[usize]) -> (Vec<u8>, Vec<usize>) {
    let mut out = Vec::with_capacity(chars.len());
    let mut out_offsets = Vec::with_capacity(offsets.len());
    let offset = |k: usize| offsets.get(k).copied().unwrap_or(0);
    let mut k = 0;
    while let Some(&b) = chars.get(k) {
        if b != b'\\' {
            out.push(b);
            out_offsets.push(offset(k));
            k += 1;
            continue;
        }
        let at = offset(k);
        let simple = |c: u8| -> Option<&'static [u8]> {
            Some(match c {
                b'a' => b"\x07",
                b'b' => b"\x08",
                b'f' => b"\x0c",
                b'n' => b"\n",
                b'r' => b"\r",
                b't' => b"\t",
                b'v' => b"\x0b",
                b'$' => b"$$",
                b'"' => b"\"",
                b'\\' => b"\\",
                // `\c` matches compose-go's pattern but is no Go escape: kept as written.
                b'c' => b"\\c",
                _ => return None,
            })
        };
        match chars.get(k + 1).copied() {
            Some(b'0') => {
                let digits = chars
                    .get(k + 2..)
                    .unwrap_or(&[])
                    .iter()
                    .take(3)
                    .take_while(|d| d.is_ascii_digit())
                    .count();
                let octal = chars.get(k + 2..k + 2 + digits).unwrap_or(&[]);
                let value = (digits == 3 && octal.iter().all(|d| (b'0'..=b'7').contains(d)))
                    .then(|| {
                        octal
                            .iter()
                            .fold(0u32, |acc, d| acc * 8 + u32::from(d - b'0'))
                    })
                    .filter(|v| *v <= 255)
                    .and_then(char::from_u32);
                match value {
                    Some(c) => {
                        let mut buf = [0u8; 4];
                        for &byte in c.encode_utf8(&mut buf).as_bytes() {
                            out.push(byte);
                            out_offsets.push(at);
                        }
                    }
                    None => {
                        // compose-go has already rewritten `\0` to `\` when the escape fails.
                        out.push(b'\\');
                        out_offsets.push(at);
                        for (j, &byte) in octal.iter().enumerate() {
                            out.push(byte);
                            out_offsets.push(offset(k + 2 + j));
                        }
                    }
                }
                k += 2 + digits;
            }
            Some(c) => match simple(c) {
                Some(replacement) => {
                    for &byte in replacement {
                        out.push(byte);
                        out_offsets.push(at);
                    }
                    k += 2;
                }
                None => {
                    out.push(b'\\');
                    out_offsets.push(at);
                    k += 1;
                }
            },
            None => {
                out.push(b'\\');
                out_offsets.push(at);
                k += 1;
            }
        }
    }
    out_offsets.push(offsets.last().copied().unwrap_or(0));
    (out, out_offsets)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn err(text: &str) -> DotenvError {
        match parse(text, &()) {
            Ok(entries) => panic!("{text:?} parsed: {entries:?}"),
            Err(error) => error,
        }
    }

    #[test]
    fn raw_files_keep_values_as_written() {
        let text = "\u{feff}A=\"q\" # c\r\n\n  # note\n\tB=x=${Y} \nHOME\nNOPE\n";
        let lookup = vec![("HOME".to_owned(), "/root".to_owned())];
        let entries = parse_raw(text, &lookup).unwrap();
        let got: Vec<(&str, &str, bool)> = entries
            .iter()
            .map(|e| (e.key.as_str(), e.value.as_str(), e.inherited))
            .collect();
        assert_eq!(
            got,
            [
                ("A", "\"q\" # c", false),
                ("B", "x=${Y} ", false),
                ("HOME", "/root", true)
            ]
        );
        for e in &entries {
            assert_eq!(&text[e.key_span.clone()], e.key);
        }
        assert_eq!(&text[entries[1].value_span.clone()], "x=${Y} ");
        for (text, message, at) in [
            ("A=1\n  D E=1\n", "variable 'D E' contains whitespaces", 6),
            (
                "export E=1\n",
                "variable 'export E' contains whitespaces",
                0,
            ),
            ("=G\n", "no variable name on line '=G'", 0),
        ] {
            let e = parse_raw(text, &()).unwrap_err();
            assert_eq!(
                (e.message.as_str(), e.span.start),
                (message, at),
                "{text:?}"
            );
        }
        assert!(parse_raw(&format!("A={}", "x".repeat(70_000)), &()).is_err());
    }

    #[test]
    fn errors_have_line_and_column() {
        let error = err("A=1\nB=\"x\n\n");
        assert_eq!((error.line, error.column, error.span.clone()), (2, 3, 6..8));
        // compose-go counts the lines it read looking for the quote.
        assert_eq!(
            error.compose_message(),
            "line 4: unterminated quoted value \"x"
        );

        let error = err("A=1\n  lol$wut=1");
        assert_eq!(
            (error.line, error.column, error.span.clone()),
            (2, 6, 9..10)
        );
        assert_eq!(
            error.compose_message(),
            "line 2: unexpected character \"$\" in variable name \"lol$wut=1\""
        );

        let error = err("INVALID LINE\nB=1");
        assert_eq!(
            (error.line, error.column, error.span.clone()),
            (1, 1, 0..12)
        );
        assert_eq!(
            error.compose_message(),
            "line 1: key cannot contain a space"
        );
        assert!(error.help().is_some());

        let error = err("é=1\nA=\"\\t${\"");
        assert_eq!(
            (error.line, error.column, error.span.clone()),
            (2, 6, 10..12)
        );
        assert_eq!(error.compose_message(), "Invalid template: \"\\t${\"");

        let error = err("\u{feff}X=${Y:?needed}");
        assert_eq!((error.line, error.column), (1, 3));
        assert_eq!(
            error.compose_message(),
            "required variable Y is missing a value: needed"
        );
    }

    #[test]
    fn entries_have_spans() {
        let text = "export KEY = \"v\" # c\nA=hello # c\nB='x'\n";
        let entries = parse(text, &()).expect("valid");
        let shown: Vec<(&str, &str, Option<char>, bool)> = entries
            .iter()
            .map(|e| {
                (
                    &text[e.key_span.clone()],
                    &text[e.value_span.clone()],
                    e.quoted,
                    e.exported,
                )
            })
            .collect();
        assert_eq!(
            shown,
            [
                ("KEY", "\"v\"", Some('"'), true),
                ("A", "hello", None, false),
                ("B", "'x'", Some('\''), false),
            ]
        );
    }

    #[test]
    fn unset_variables_are_reported_in_the_file() {
        // docker compose warns `The "S" variable is not set` for these.
        let text = "A=1\nB=\"\\t$S ${T:-$U}\"\nC=$A\n";
        let entries = parse(text, &()).expect("valid");
        let unset: Vec<(&str, &str)> = entries
            .iter()
            .flat_map(|e| e.unset.iter())
            .map(|u| (u.name.as_str(), &text[u.span.clone()]))
            .collect();
        assert_eq!(unset, [("S", "$S"), ("U", "$U")]);
    }

    #[test]
    fn bare_keys_come_from_the_lookup() {
        let lookup = BTreeMap::from([("P".to_owned(), "1".to_owned())]);
        let entries = parse("P\nQ\nR=$P\n", &lookup).expect("valid");
        let pairs: Vec<(&str, &str, bool)> = entries
            .iter()
            .map(|e| (e.key.as_str(), e.value.as_str(), e.inherited))
            .collect();
        assert_eq!(pairs, [("P", "1", true), ("R", "1", false)]);
    }

    #[test]
    fn later_files_see_earlier_ones() {
        let first = parse("A=1\n", &()).expect("valid");
        let second = parse_after("A=2\nB=$A\n", &(), &first).expect("valid");
        assert_eq!(second[1].value, "2");
        let third = parse_after("C=$A\n", &(), &first).expect("valid");
        assert_eq!(third[0].value, "1");
    }

    /// Every grammar reads at most `MAX_STATEMENTS` statements (comments and blank lines do not
    /// count); past it the error is the budget's, at the first statement left, on its line.
    #[test]
    fn statements_stop_at_the_budget() {
        let text = |n: usize| "# c\n\nA=1\n".repeat(n);
        type Parse = fn(&str) -> Result<Vec<DotenvEntry>, DotenvError>;
        let grammars: [(&str, Parse); 3] = [
            ("parse", |t| parse(t, &())),
            ("parse_raw", |t| parse_raw(t, &())),
            ("parse_recovering", |t| {
                let (entries, mut errors) = parse_recovering(t, &());
                errors.pop().map_or(Ok(entries), Err)
            }),
        ];
        for (name, grammar) in grammars {
            let at = grammar(&text(MAX_STATEMENTS)).map(|e| e.len());
            assert_eq!(at, Ok(MAX_STATEMENTS), "{name}");
            let past = grammar(&text(MAX_STATEMENTS + 1)).expect_err(name);
            assert!(past.is_budget(), "{name}: {past}");
            assert_eq!(
                (past.line, past.column, past.span.len()),
                (3 * MAX_STATEMENTS + 3, 1, 3),
                "{name}"
            );
        }
    }

    #[test]
    fn recovery_reports_every_error() {
        let text = "A=1\nbad$=x\nB=\"open\nC=3\nD=${\nE=5\n";
        let (entries, errors) = parse_recovering(text, &());
        let keys: Vec<&str> = entries.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(keys, ["A", "C", "E"]);
        let lines: Vec<usize> = errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, [2, 3, 5]);
    }

    /// `A` is 1 KiB; `B` uses it `refs` times: `refs` KiB of substitutions.
    fn kib_refs(refs: usize) -> String {
        format!("A={}\nB={}\nC=after\n", "x".repeat(1024), "$A".repeat(refs))
    }

    #[test]
    fn expansion_budget_is_exact_at_one_mib() {
        // A small file gets the 1 MiB floor: 1 024 uses of a 1 KiB value fit exactly …
        assert_eq!(expansion_budget(kib_refs(1024).len()), 1 << 20);
        let (entries, errors) = parse_recovering(&kib_refs(1024), &());
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(entries[1].value.len(), 1 << 20);
        // … one more is past the budget: an error on `B`'s value, and nothing after it is read.
        let (entries, errors) = parse_recovering(&kib_refs(1025), &());
        assert_eq!(errors.len(), 1, "{errors:?}");
        let e = &errors[0];
        assert_eq!((e.line, e.column), (2, 3));
        assert!(
            e.message.contains("budget of 1048576 bytes"),
            "{}",
            e.message
        );
        assert!(e.help().is_some() && e.is_budget());
        let keys: Vec<&str> = entries.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(keys, ["A"]);
    }

    #[test]
    fn a_doubling_chain_stops_at_the_budget() {
        // Each line doubles `A`: 2^60 bytes unless stopped.
        let text = format!("A=x\n{}", "A=$A$A\n".repeat(60));
        let (entries, errors) = parse_recovering(&text, &());
        assert_eq!(errors.len(), 1, "{errors:?}");
        // Line k substitutes 2^(k-1) bytes, 2^k - 2 in all so far: line 21 is the first past
        // the 2^20 floor.
        assert_eq!(errors[0].line, 21);
        assert!(entries.iter().all(|e| e.value.len() <= 1 << 20));
    }
}
