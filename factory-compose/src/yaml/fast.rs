//! A fast front end for the block-style YAML that compose files are almost always written in.
//!
//! It reads the text line by line and hands the builder the same events, with the same byte
//! positions, that saphyr-parser would; saphyr's scanner is general (any YAML, character by
//! character through a token queue) and was most of the time of a lint. The subset it reads:
//! block mappings and sequences indented with spaces, compact mappings in sequences (`- a: b`),
//! one-line plain, single- and double-quoted scalars (no escapes), one-line flow sequences of
//! scalars (`["CMD", "curl"]`, `[]`), anchors on block collections (`x-base: &base`), aliases
//! (`<<: *base`), comments and blank lines.
//!
//! Anything else (block scalars, multi-line scalars, escapes, flow mappings, tags, `---`,
//! directives, tabs, CR, non-printable or YAML-special characters, and every syntax error) makes
//! it *decline* at once: the caller then parses the whole file with saphyr, so a declined file
//! costs what it did before and the fast path never has to report an error. The tree built from
//! its events is identical to the one built from saphyr's (checked on the corpus by a test and on
//! arbitrary input by the `yaml_tree` fuzz target).

use std::borrow::Cow;

use saphyr_parser::{Event, ScalarStyle};

use super::lex;

/// The fast path does not read this text: parse it with saphyr.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Decline;

/// Deeper nesting than this is left to saphyr (real compose files nest at most 9 levels).
const MAX_DEPTH: usize = 64;

/// saphyr refuses implicit keys longer than 1024 characters; leave long keys to it.
const MAX_KEY: usize = 1000;

/// Where a content line starts: the byte of its first non-space character and its indentation.
type Line = (usize, usize);

/// Feed the events of `text` to `sink`, or decline. `sink` may decline too (the builder stops on
/// a limit or an unknown anchor: saphyr's pass reports it).
pub(super) fn events<'t>(
    text: &'t str,
    sink: &mut dyn FnMut(Event<'t>, usize, usize) -> Result<(), Decline>,
) -> Result<(), Decline> {
    if !plain_text(text.as_bytes()) {
        return Err(Decline);
    }
    let mut fast = Fast {
        text,
        b: text.as_bytes(),
        anchors: Vec::new(),
        sink,
        depth: 0,
    };
    fast.document()
}

/// Only spaces and newlines as whitespace, no control characters, and none of the characters
/// YAML 1.1 or 1.2 treat specially (BOM, NEL, LS, PS, C1 controls, non-characters).
fn plain_text(b: &[u8]) -> bool {
    // Most files are printable ASCII: checked a chunk at a time (the compiler vectorizes it).
    let printable = |c: u8| (b' '..=b'~').contains(&c) || c == b'\n';
    if b.chunks(64)
        .all(|chunk| chunk.iter().fold(true, |ok, &c| ok & printable(c)))
    {
        return true;
    }
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        match c {
            b'\n' | b' '..=b'~' => i += 1,
            0xC2 if b.get(i + 1).is_some_and(|&d| (0x80..0xA0).contains(&d)) => return false,
            0xE2 if b.get(i + 1) == Some(&0x80) && matches!(b.get(i + 2), Some(0xA8 | 0xA9)) => {
                return false;
            }
            0xEF if b.get(i + 1) == Some(&0xBB) && b.get(i + 2) == Some(&0xBF) => return false,
            0xEF if b.get(i + 1) == Some(&0xBF) && matches!(b.get(i + 2), Some(0xBE | 0xBF)) => {
                return false;
            }
            0x80.. => i += 1,
            _ => return false,
        }
    }
    true
}

struct Fast<'t, 's> {
    text: &'t str,
    b: &'t [u8],
    /// Anchor names in definition order; an alias names the latest one (its id is index + 1).
    anchors: Vec<&'t str>,
    sink: &'s mut dyn FnMut(Event<'t>, usize, usize) -> Result<(), Decline>,
    depth: usize,
}

impl<'t> Fast<'t, '_> {
    fn emit(&mut self, event: Event<'t>, start: usize, end: usize) -> Result<(), Decline> {
        (self.sink)(event, start, end)
    }

    fn at(&self, i: usize) -> u8 {
        self.b.get(i).copied().unwrap_or(b'\n')
    }

    /// The byte before `i` (a newline before the start).
    fn before(&self, i: usize) -> u8 {
        i.checked_sub(1).map_or(b'\n', |j| self.at(j))
    }

    fn slice(&self, range: std::ops::Range<usize>) -> Result<&'t str, Decline> {
        self.text.get(range).ok_or(Decline)
    }

    fn document(&mut self) -> Result<(), Decline> {
        let Some((mut pos, indent)) = self.content_line(0) else {
            return Err(Decline);
        };
        if indent != 0 {
            return Err(Decline);
        }
        if self.is_marker(pos, b"---") {
            self.emit(Event::DocumentStart(true), pos, pos + 3)?;
            pos = match self.end_of_line(pos + 3)? {
                Some((next, 0)) => next,
                _ => return Err(Decline),
            };
        } else {
            self.emit(Event::DocumentStart(false), 0, 0)?;
        }
        // A second document (or a document end) is left to saphyr: `next_content` declines it.
        if self.is_document_marker(pos) {
            return Err(Decline);
        }
        if self
            .next_mapping_or_sequence(pos, indent, None, false)?
            .is_some()
        {
            return Err(Decline);
        }
        let end = self.b.len();
        self.emit(Event::DocumentEnd, end, end)
    }

    /// `---` or `...` (`marker`) at `at`, followed by a space or the end of the line.
    fn is_marker(&self, at: usize, marker: &[u8]) -> bool {
        self.b.get(at..at + 3) == Some(marker) && matches!(self.at(at + 3), b' ' | b'\n')
    }

    /// A document start or end marker at `at`: another document, left to saphyr.
    fn is_document_marker(&self, at: usize) -> bool {
        self.is_marker(at, b"---") || self.is_marker(at, b"...")
    }

    /// The next line with content at or after `from` (a line start): blank lines and comment
    /// lines are skipped.
    fn content_line(&self, mut from: usize) -> Option<Line> {
        loop {
            let i = from + self.spaces(from);
            match self.b.get(i) {
                None => return None,
                Some(b'\n') => from = i + 1,
                Some(b'#') => from = memchr_newline(self.b, i)? + 1,
                Some(_) => return Some((i, i - from)),
            }
        }
    }

    /// [`content_line`](Self::content_line), declining a `---` or `...` line (a second document).
    fn next_content(&self, from: usize) -> Result<Option<Line>, Decline> {
        match self.content_line(from) {
            Some((at, 0)) if self.is_document_marker(at) => Err(Decline),
            line => Ok(line),
        }
    }

    /// After a value at `at`: spaces, then an optional comment (after at least one space), then
    /// the end of the line. Returns the next content line.
    fn end_of_line(&self, at: usize) -> Result<Option<Line>, Decline> {
        let i = at + self.spaces(at);
        match self.b.get(i) {
            None => Ok(None),
            Some(b'\n') => self.next_content(i + 1),
            Some(b'#') if i > at => match memchr_newline(self.b, i) {
                Some(nl) => self.next_content(nl + 1),
                None => Ok(None),
            },
            Some(_) => Err(Decline),
        }
    }

    /// `- ` or a `-` that ends its line.
    fn is_dash_item(&self, at: usize) -> bool {
        self.at(at) == b'-' && matches!(self.at(at + 1), b' ' | b'\n')
    }

    /// A block collection whose first line starts at `pos` (indentation `indent`).
    fn next_mapping_or_sequence(
        &mut self,
        pos: usize,
        indent: usize,
        anchor: Option<(usize, usize)>,
        indentless: bool,
    ) -> Result<Option<Line>, Decline> {
        self.deeper(|fast| {
            if fast.is_dash_item(pos) {
                fast.sequence(pos, indent, anchor, indentless)
            } else {
                fast.mapping(pos, indent, anchor)
            }
        })
    }

    /// Run `read` one collection deeper, declining past [`MAX_DEPTH`].
    fn deeper<T>(
        &mut self,
        read: impl FnOnce(&mut Self) -> Result<T, Decline>,
    ) -> Result<T, Decline> {
        if self.depth >= MAX_DEPTH {
            return Err(Decline);
        }
        self.depth += 1;
        let read = read(self);
        self.depth -= 1;
        read
    }

    fn mapping(
        &mut self,
        pos: usize,
        indent: usize,
        anchor: Option<(usize, usize)>,
    ) -> Result<Option<Line>, Decline> {
        let (id, start) = anchor.unwrap_or((0, pos));
        self.emit(Event::MappingStart(id, None), start, pos)?;
        let mut line = Some((pos, indent));
        while let Some((at, column)) = line {
            if column < indent {
                break;
            }
            if column > indent {
                return Err(Decline);
            }
            let colon = self.key(at)?;
            line = self.value(colon + 1, indent, true)?;
        }
        let end = line.map_or(self.b.len(), |(at, _)| at);
        self.emit(Event::MappingEnd, end, end)?;
        Ok(line)
    }

    /// A block sequence; `indentless` when it is a mapping value at the mapping's indentation.
    fn sequence(
        &mut self,
        pos: usize,
        indent: usize,
        anchor: Option<(usize, usize)>,
        indentless: bool,
    ) -> Result<Option<Line>, Decline> {
        // saphyr marks an indented sequence at its first `-`, an indentless one at the token
        // after it (the item, or the end of the line and its comment when the item is below).
        let mark = if indentless {
            let mut i = pos + 1;
            i += self.spaces(i);
            if self.at(i) == b'#' {
                i = memchr_newline(self.b, i).unwrap_or(self.b.len());
            }
            i.min(self.b.len())
        } else {
            pos
        };
        let (id, start) = anchor.unwrap_or((0, mark));
        self.emit(Event::SequenceStart(id, None), start, pos)?;
        let mut line = Some((pos, indent));
        while let Some((at, column)) = line {
            if column < indent || (column == indent && !self.is_dash_item(at)) {
                break;
            }
            if column > indent {
                return Err(Decline);
            }
            let mut item = at + 1;
            item += self.spaces(item);
            line = if self.is_dash_item(item) {
                return Err(Decline);
            } else if self.key_end(item).is_some() {
                let column = column + (item - at);
                self.deeper(|fast| fast.mapping(item, column, None))?
            } else {
                self.value(at + 1, indent, false)?
            };
        }
        let end = line.map_or(self.b.len(), |(at, _)| at);
        self.emit(Event::SequenceEnd, end, end)?;
        Ok(line)
    }

    /// Where the key starting at `at` ends (its `:`), if the line holds `key: ` or `key:` at its
    /// end. Keys are plain or quoted scalars without escapes, on one line.
    fn key_end(&self, at: usize) -> Option<usize> {
        match self.at(at) {
            b'"' | b'\'' => {
                let close = self.quoted_close(at).ok()?;
                (self.at(close + 1) == b':' && matches!(self.at(close + 2), b' ' | b'\n'))
                    .then_some(close + 1)
            }
            c if !plain_start(c, self.at(at + 1)) => None,
            _ => {
                let mut i = at;
                loop {
                    i += memchr::memchr3(b'\n', b':', b'#', self.b.get(i..)?)?;
                    match self.b.get(i)? {
                        b'\n' => return None,
                        b':' if matches!(self.at(i + 1), b' ' | b'\n') => {
                            return (self.before(i) != b' ' && i - at <= MAX_KEY).then_some(i);
                        }
                        b'#' if self.before(i) == b' ' => return None,
                        _ => i += 1,
                    }
                }
            }
        }
    }

    /// Emit the key at `at`; returns its `:`.
    fn key(&mut self, at: usize) -> Result<usize, Decline> {
        let colon = self.key_end(at).ok_or(Decline)?;
        match self.at(at) {
            b'"' | b'\'' => {
                self.quoted(at)?;
            }
            _ => {
                let key = self.slice(at..colon)?;
                self.emit(
                    Event::Scalar(Cow::Borrowed(key), ScalarStyle::Plain, 0, None),
                    at,
                    colon,
                )?;
            }
        }
        Ok(colon)
    }

    /// The value after a key's `:` or a sequence's `-` (at `after`, the byte after the
    /// indicator), in a collection indented by `indent`. Returns the next content line.
    fn value(
        &mut self,
        after: usize,
        indent: usize,
        in_mapping: bool,
    ) -> Result<Option<Line>, Decline> {
        let at = after + self.spaces(after);
        let below = |line: Option<Line>| match line {
            Some((_, column)) if column > indent => Err(Decline),
            line => Ok(line),
        };
        match self.at(at) {
            b'\n' | b'#' => {
                let line = self.end_of_line(after)?;
                match line {
                    Some((pos, column)) if column > indent && self.at(pos) == b'&' => {
                        // The anchor on a line of its own, the collection below it.
                        let (id, end) = self.anchor(pos)?;
                        match self.end_of_line(end)? {
                            Some((first, column)) if column > indent => {
                                self.next_mapping_or_sequence(first, column, Some((id, pos)), false)
                            }
                            _ => Err(Decline),
                        }
                    }
                    Some((pos, column)) if column > indent => {
                        self.next_mapping_or_sequence(pos, column, None, false)
                    }
                    Some((pos, column))
                        if in_mapping && column == indent && self.is_dash_item(pos) =>
                    {
                        self.next_mapping_or_sequence(pos, column, None, true)
                    }
                    line => {
                        // saphyr puts an empty value at its key's `:`, an empty item at the end
                        // of its `-` line.
                        let empty = if in_mapping {
                            after - 1
                        } else {
                            memchr_newline(self.b, after).unwrap_or(self.b.len())
                        };
                        self.emit(
                            Event::Scalar(Cow::Borrowed(""), ScalarStyle::Plain, 0, None),
                            empty,
                            empty,
                        )?;
                        Ok(line)
                    }
                }
            }
            b'&' if in_mapping => {
                let (id, end) = self.anchor(at)?;
                match self.end_of_line(end)? {
                    Some((pos, column))
                        if column > indent || (column == indent && self.is_dash_item(pos)) =>
                    {
                        self.next_mapping_or_sequence(pos, column, Some((id, at)), column == indent)
                    }
                    _ => Err(Decline),
                }
            }
            b'*' => {
                let end = lex::token_end(self.b, at + 1);
                let name = self.slice(at + 1..end)?;
                let id = self
                    .anchors
                    .iter()
                    .rposition(|&anchor| anchor == name)
                    .ok_or(Decline)?
                    + 1;
                self.emit(Event::Alias(id), at, end)?;
                below(self.end_of_line(end)?)
            }
            b'[' => {
                let end = self.flow_sequence(at)?;
                below(self.end_of_line(end)?)
            }
            b'{' => {
                let end = self.empty_flow_mapping(at)?;
                below(self.end_of_line(end)?)
            }
            b'|' | b'>' => below(self.block_scalar(at, indent)?),
            b'"' | b'\'' => {
                let end = self.quoted(at)?;
                below(self.end_of_line(end)?)
            }
            c if plain_start(c, self.at(at + 1)) => {
                let end = self.plain(at, false)?;
                below(self.end_of_line(end)?)
            }
            _ => Err(Decline),
        }
    }

    /// Emit the block scalar whose indicator (`|` or `>`) is at `at`, in a collection indented by
    /// `indent`; returns the next content line. Read: `|`, `>` and either with `-` or `+`, content
    /// indented more than the collection from its first line on; a folded scalar without
    /// more-indented lines. Declined: an indentation indicator, leading empty lines, lines of only
    /// spaces, a last line without a line break.
    fn block_scalar(&mut self, at: usize, indent: usize) -> Result<Option<Line>, Decline> {
        let literal = self.at(at) == b'|';
        let mut i = at + 1;
        let chomp = self.at(i);
        if matches!(chomp, b'-' | b'+') {
            i += 1;
        }
        // The header ends its line (a comment after a space may follow).
        i += self.spaces(i);
        let header_end = match self.at(i) {
            b'\n' => i,
            b'#' if self.before(i) == b' ' => memchr_newline(self.b, i).ok_or(Decline)?,
            _ => return Err(Decline),
        };
        let mut line = header_end + 1;
        // The first line sets the indentation.
        let width = self.spaces(line);
        if width <= indent || matches!(self.b.get(line + width), None | Some(b'\n')) {
            return Err(Decline);
        }
        let start = line + width;
        let mut value = String::new();
        let mut empty_lines = 0_usize;
        let mut first = true;
        let stop = loop {
            let spaces = self.spaces(line);
            match self.b.get(line + spaces) {
                None if spaces == 0 => break line,
                None => return Err(Decline),
                Some(b'\n') if spaces == 0 => {
                    empty_lines += 1;
                    line += 1;
                    continue;
                }
                Some(b'\n') => return Err(Decline),
                Some(_) if spaces < width => break line + spaces,
                Some(_) => {}
            }
            if !literal && spaces > width {
                return Err(Decline);
            }
            let eol = memchr_newline(self.b, line).ok_or(Decline)?;
            let text = self.slice(line + width..eol)?;
            if !first {
                if literal {
                    value.push('\n');
                    value.extend(std::iter::repeat_n('\n', empty_lines));
                } else if empty_lines == 0 {
                    value.push(' ');
                } else {
                    value.extend(std::iter::repeat_n('\n', empty_lines));
                }
            }
            value.push_str(text);
            first = false;
            empty_lines = 0;
            line = eol + 1;
        };
        match chomp {
            b'-' => {}
            b'+' => value.extend(std::iter::repeat_n('\n', 1 + empty_lines)),
            _ => value.push('\n'),
        }
        let style = if literal {
            ScalarStyle::Literal
        } else {
            ScalarStyle::Folded
        };
        self.emit(
            Event::Scalar(Cow::Owned(value), style, 0, None),
            start,
            stop,
        )?;
        self.next_content(stop - self.spaces_before(stop))
    }

    /// The number of spaces at `at`.
    fn spaces(&self, at: usize) -> usize {
        self.b
            .get(at..)
            .map_or(0, |rest| rest.iter().take_while(|&&c| c == b' ').count())
    }

    /// The number of spaces just before `at`.
    fn spaces_before(&self, at: usize) -> usize {
        self.b.get(..at).map_or(0, |before| {
            before.iter().rev().take_while(|&&c| c == b' ').count()
        })
    }

    /// Define the anchor `&name` written at `at`: its id and the end of the name.
    fn anchor(&mut self, at: usize) -> Result<(usize, usize), Decline> {
        let end = lex::token_end(self.b, at + 1);
        let name = self.slice(at + 1..end)?;
        if !valid_name(name) {
            return Err(Decline);
        }
        self.anchors.push(name);
        Ok((self.anchors.len(), end))
    }

    /// Emit the empty flow mapping `{}` at `at`; returns the byte after `}`.
    fn empty_flow_mapping(&mut self, at: usize) -> Result<usize, Decline> {
        let mut i = at + 1;
        i += self.spaces(i);
        if self.at(i) != b'}' {
            return Err(Decline);
        }
        self.emit(Event::MappingStart(0, None), at, i)?;
        self.emit(Event::MappingEnd, i, i + 1)?;
        Ok(i + 1)
    }

    /// The closing quote of the one-line quoted scalar at `at`.
    fn quoted_close(&self, at: usize) -> Result<usize, Decline> {
        let quote = self.at(at);
        let mut i = at + 1;
        loop {
            let rest = self.b.get(i..).ok_or(Decline)?;
            i += memchr::memchr3(quote, b'\n', b'\\', rest).ok_or(Decline)?;
            match self.at(i) {
                b'\n' => return Err(Decline),
                b'\\' if quote == b'"' => return Err(Decline),
                b'\\' => i += 1,
                b'\'' if self.at(i + 1) == b'\'' => i += 2,
                _ => return Ok(i),
            }
        }
    }

    /// Emit the quoted scalar at `at`; returns the byte after its closing quote.
    fn quoted(&mut self, at: usize) -> Result<usize, Decline> {
        let close = self.quoted_close(at)?;
        let raw = self.slice(at + 1..close)?;
        let (value, style) = if self.at(at) == b'"' {
            (Cow::Borrowed(raw), ScalarStyle::DoubleQuoted)
        } else if raw.contains("''") {
            (
                Cow::Owned(raw.replace("''", "'")),
                ScalarStyle::SingleQuoted,
            )
        } else {
            (Cow::Borrowed(raw), ScalarStyle::SingleQuoted)
        };
        self.emit(Event::Scalar(value, style, 0, None), at, close + 1)?;
        Ok(close + 1)
    }

    /// Emit the one-line plain scalar at `at` (in a flow sequence when `flow`); returns its end.
    fn plain(&mut self, at: usize, flow: bool) -> Result<usize, Decline> {
        let mut i = at;
        let stop = loop {
            let rest = self.b.get(i..).unwrap_or_default();
            let found = if flow {
                rest.iter().position(|&c| {
                    matches!(c, b'\n' | b'#' | b':' | b',' | b'[' | b']' | b'{' | b'}')
                })
            } else {
                memchr::memchr3(b'\n', b'#', b':', rest)
            };
            let Some(found) = found else {
                break self.b.len();
            };
            i += found;
            match self.at(i) {
                b'\n' => break i,
                b'#' if self.before(i) == b' ' => break i,
                b':' if matches!(
                    self.at(i + 1),
                    b' ' | b'\n' | b',' | b']' | b'[' | b'{' | b'}'
                ) =>
                {
                    return Err(Decline);
                }
                b',' | b']' if flow => break i,
                b'[' | b'{' | b'}' if flow => return Err(Decline),
                _ => i += 1,
            }
        };
        let mut end = stop;
        while end > at && self.before(end) == b' ' {
            end -= 1;
        }
        let value = self.slice(at..end)?;
        self.emit(
            Event::Scalar(Cow::Borrowed(value), ScalarStyle::Plain, 0, None),
            at,
            end,
        )?;
        Ok(end)
    }

    /// Emit the one-line flow sequence of scalars at `at` (its `[`); returns the byte after `]`.
    fn flow_sequence(&mut self, at: usize) -> Result<usize, Decline> {
        let mut i = at + 1;
        i += self.spaces(i);
        self.emit(Event::SequenceStart(0, None), at, i)?;
        if self.at(i) != b']' {
            loop {
                i = match self.at(i) {
                    b'"' | b'\'' => self.quoted(i)?,
                    c if plain_start(c, self.at(i + 1))
                        && !(c == b'-'
                            && matches!(self.at(i + 1), b',' | b'[' | b']' | b'{' | b'}')) =>
                    {
                        self.plain(i, true)?
                    }
                    _ => return Err(Decline),
                };
                i += self.spaces(i);
                match self.at(i) {
                    b']' => break,
                    b',' => {
                        i += 1;
                        i += self.spaces(i);
                    }
                    _ => return Err(Decline),
                }
            }
        }
        self.emit(Event::SequenceEnd, i, i + 1)?;
        Ok(i + 1)
    }
}

/// Whether a plain scalar may start with `c` (followed by `next`) in the subset: not an
/// indicator, except `-` before anything but a space (`-Xmx`, `-1`, `--flag`).
fn plain_start(c: u8, next: u8) -> bool {
    match c {
        b'-' => !matches!(next, b' ' | b'\n'),
        b'?' | b':' | b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!' | b'|'
        | b'>' | b'\'' | b'"' | b'%' | b'@' | b'`' | b' ' | b'\n' => false,
        _ => true,
    }
}

/// Anchor names the subset accepts: letters, digits, `-`, `_`, `.`.
fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
}

/// The next `\n` at or after `from`.
fn memchr_newline(b: &[u8], from: usize) -> Option<usize> {
    memchr::memchr(b'\n', b.get(from..)?).map(|i| from + i)
}
