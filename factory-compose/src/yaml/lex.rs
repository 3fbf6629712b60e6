//! Small byte-level scans of the source that saphyr-parser's events do not give us: character to
//! byte offsets, node properties (`&anchor`, `!tag`), the exact extent of quoted and block scalars.
//!
//! Every function here takes and returns byte offsets on `char` boundaries, clamped to the text.

use super::Tag;

/// Converts saphyr's character indices to byte offsets in one pass over the text.
///
/// Events arrive in nearly increasing order, so the cursor walks forward (and, rarely, a little
/// backward) from the last position: the total work is linear in the text length.
pub(crate) struct CharToByte<'t> {
    text: &'t str,
    ascii: bool,
    chars: usize,
    bytes: usize,
}

impl<'t> CharToByte<'t> {
    pub(crate) fn new(text: &'t str) -> Self {
        Self {
            text,
            ascii: text.is_ascii(),
            chars: 0,
            bytes: 0,
        }
    }

    /// The byte offset of character `index` (the text's length past the end).
    pub(crate) fn byte(&mut self, index: usize) -> usize {
        if self.ascii {
            return index.min(self.text.len());
        }
        while self.chars < index {
            match self
                .text
                .get(self.bytes..)
                .and_then(|rest| rest.chars().next())
            {
                Some(c) => {
                    self.bytes += c.len_utf8();
                    self.chars += 1;
                }
                None => return self.bytes,
            }
        }
        while self.chars > index {
            match self
                .text
                .get(..self.bytes)
                .and_then(|before| before.chars().next_back())
            {
                Some(c) => {
                    self.bytes -= c.len_utf8();
                    self.chars -= 1;
                }
                None => break,
            }
        }
        self.bytes
    }
}

/// Characters that end an anchor name or a tag shorthand.
fn ends_property(c: u8) -> bool {
    matches!(
        c,
        b' ' | b'\t' | b'\r' | b'\n' | b',' | b'[' | b']' | b'{' | b'}'
    )
}

/// Skip spaces, line breaks and comments from `at`.
pub(crate) fn skip_separation(text: &str, mut at: usize) -> usize {
    let b = text.as_bytes();
    while let Some(&c) = b.get(at) {
        match c {
            b' ' | b'\t' | b'\r' | b'\n' => at += 1,
            b'#' => {
                while b.get(at).is_some_and(|&c| c != b'\n') {
                    at += 1;
                }
            }
            _ => break,
        }
    }
    at
}

/// A node's properties as written before its content.
#[derive(Debug, Default)]
pub(crate) struct Properties {
    /// `&name` and the span of `&name`.
    pub(crate) anchor: Option<(String, std::ops::Range<usize>)>,
    /// The tag as written.
    pub(crate) tag: Option<Tag>,
    /// Where the content starts (after the properties and the separation that follows them).
    pub(crate) content: usize,
}

/// Read the `&anchor` and `!tag` written at `at` (in either order), those the parser saw.
pub(crate) fn properties(text: &str, at: usize, has_anchor: bool, has_tag: bool) -> Properties {
    let b = text.as_bytes();
    let mut props = Properties {
        content: at,
        ..Properties::default()
    };
    let mut i = at;
    for _ in 0..2 {
        match b.get(i) {
            Some(b'&') if has_anchor && props.anchor.is_none() => {
                let end = token_end(b, i + 1);
                let name = text.get(i + 1..end).unwrap_or_default().to_owned();
                props.anchor = Some((name, i..end));
                i = skip_separation(text, end);
            }
            Some(b'!') if has_tag && props.tag.is_none() => {
                let (tag, end) = tag_at(text, i);
                props.tag = Some(tag);
                i = skip_separation(text, end);
            }
            _ => break,
        }
        props.content = i;
    }
    props
}

/// End of an anchor name or tag starting at `from`.
pub(crate) fn token_end(b: &[u8], from: usize) -> usize {
    let mut end = from;
    while b.get(end).is_some_and(|&c| !ends_property(c)) {
        end += 1;
    }
    end
}

/// The tag written at `at` (which holds `!`) and where it ends.
fn tag_at(text: &str, at: usize) -> (Tag, usize) {
    let b = text.as_bytes();
    if b.get(at + 1) == Some(&b'<') {
        // Verbatim `!<uri>`: no handle.
        let close = text
            .get(at..)
            .and_then(|rest| rest.find('>'))
            .map_or(text.len(), |i| at + i + 1);
        let uri = text
            .get(at + 2..close.saturating_sub(1))
            .unwrap_or_default();
        return (
            Tag {
                handle: String::new(),
                suffix: uri.to_owned(),
            },
            close,
        );
    }
    let end = token_end(b, at);
    let written = text.get(at..end).unwrap_or("!");
    // `!!suffix`, `!name!suffix` or `!suffix`.
    let handle_len = written
        .get(1..)
        .and_then(|rest| rest.find('!'))
        .map_or(1, |i| i + 2);
    let (handle, suffix) = written.split_at(handle_len.min(written.len()));
    (
        Tag {
            handle: handle.to_owned(),
            suffix: suffix.to_owned(),
        },
        end,
    )
}

/// The end (one past the closing quote) of the quoted scalar whose opening quote is at `at`.
pub(crate) fn quoted_end(text: &str, at: usize) -> Option<usize> {
    let b = text.as_bytes();
    let quote = *b.get(at)?;
    let mut i = at + 1;
    while let Some(&c) = b.get(i) {
        match c {
            b'\\' if quote == b'"' => i += 2,
            b'\'' if quote == b'\'' && b.get(i + 1) == Some(&b'\'') => i += 2,
            c if c == quote => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// The first `|` or `>` in `from..to` that is not inside a comment: the indicator of a block
/// scalar whose content saphyr reports at `to`.
pub(crate) fn block_indicator(text: &str, from: usize, to: usize) -> Option<usize> {
    let b = text.as_bytes();
    let mut i = from;
    while i < to {
        match b.get(i)? {
            b'|' | b'>' => return Some(i),
            b'#' => {
                while i < to && b.get(i).is_some_and(|&c| c != b'\n') {
                    i += 1;
                }
            }
            _ => i += 1,
        }
    }
    None
}

/// `end` moved back over trailing blank lines and their line breaks (saphyr reports a block
/// scalar's end after the blank lines that follow it), never before `floor`.
pub(crate) fn trim_trailing_blank_lines(text: &str, floor: usize, end: usize) -> usize {
    let b = text.as_bytes();
    let mut end = end.min(b.len());
    loop {
        let mut line_start = end;
        while line_start > floor && matches!(b.get(line_start - 1), Some(b' ' | b'\t' | b'\r')) {
            line_start -= 1;
        }
        if line_start > floor && b.get(line_start - 1) == Some(&b'\n') {
            end = line_start - 1;
        } else {
            return end.max(floor);
        }
    }
}

/// Move `at` back over spaces and tabs to a `-` that starts a block sequence entry, if there is one.
pub(crate) fn block_entry_before(text: &str, at: usize) -> usize {
    let b = text.as_bytes();
    let mut i = at;
    while i > 0 && matches!(b.get(i - 1), Some(b' ' | b'\t')) {
        i -= 1;
    }
    if i > 0 && b.get(i - 1) == Some(&b'-') {
        i - 1
    } else {
        at
    }
}

/// The `*name` alias written at `at`, and its end.
pub(crate) fn alias_at(text: &str, at: usize) -> (String, usize) {
    let b = text.as_bytes();
    let start = if b.get(at) == Some(&b'*') { at + 1 } else { at };
    let end = token_end(b, start);
    (text.get(start..end).unwrap_or_default().to_owned(), end)
}

/// The largest char boundary `<= at` (and `<= text.len()`).
pub(crate) fn floor_boundary(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// `text` with the line break before the line holding `at` (a token preceded only by blanks on
/// its line) replaced by a space, and a comment ending the previous line blanked, so the token
/// continues the previous line. Byte offsets do not change. `None` if `at` is not such a token.
pub(crate) fn join_with_previous_line(text: &str, at: usize) -> Option<String> {
    let line_start = text.get(..at)?.rfind('\n')? + 1;
    if !text
        .get(line_start..at)?
        .bytes()
        .all(|b| b == b' ' || b == b'\t')
    {
        return None;
    }
    let mut bytes = text.as_bytes().to_vec();
    let break_at = line_start - 1;
    let previous_start = text.get(..break_at)?.rfind('\n').map_or(0, |i| i + 1);
    let mut blank_from = break_at;
    if bytes.get(break_at.wrapping_sub(1)) == Some(&b'\r') {
        blank_from -= 1;
    }
    if let Some(comment) = comment_start(text.get(previous_start..blank_from)?) {
        blank_from = previous_start + comment;
    }
    for byte in bytes.get_mut(blank_from..line_start)? {
        *byte = b' ';
    }
    String::from_utf8(bytes).ok()
}

/// Where a comment starts in one line of flow content (a `#` after a blank, outside quotes).
fn comment_start(line: &str) -> Option<usize> {
    let b = line.as_bytes();
    let mut quote: Option<u8> = None;
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        match (quote, c) {
            (Some(b'"'), b'\\') => i += 1,
            (Some(q), c) if c == q => quote = None,
            (None, b'"' | b'\'') => quote = Some(c),
            (None, b'#') if i == 0 || matches!(b.get(i - 1), Some(b' ' | b'\t')) => return Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}

/// What a double-quoted scalar's escape produces, as far as [`for_each_escape`] cares.
pub(crate) enum Escaped {
    /// `"` (from `\"`, `\x22`, `\u0022` or `\U00000022`).
    Quote,
    /// `\/`, which go-yaml refuses.
    Slash,
    /// Anything else.
    Other,
}

/// Call `f(offset of the backslash, what it produces)` for each escape of the raw double-quoted
/// scalar `raw` (quotes included), in order.
pub(crate) fn for_each_escape(raw: &str, mut f: impl FnMut(usize, Escaped)) {
    let b = raw.as_bytes();
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        if c != b'\\' {
            i += 1;
            continue;
        }
        let digits = match b.get(i + 1) {
            Some(b'x') => 2,
            Some(b'u') => 4,
            Some(b'U') => 8,
            _ => 0,
        };
        let produced = match b.get(i + 1) {
            Some(b'"') => Escaped::Quote,
            Some(b'/') => Escaped::Slash,
            Some(_) if digits > 0 => {
                let hex = raw.get(i + 2..i + 2 + digits).unwrap_or_default();
                if u32::from_str_radix(hex, 16) == Ok(0x22) {
                    Escaped::Quote
                } else {
                    Escaped::Other
                }
            }
            _ => Escaped::Other,
        };
        f(i, produced);
        i += 2 + digits;
    }
}

/// `text` with every `\'` escape of the double-quoted scalar starting at `at` rewritten to `\"`
/// (same length), their offsets added to `fixed` (kept sorted). `None` if there is none.
pub(crate) fn rewrite_quote_escapes(
    text: &str,
    at: usize,
    fixed: &mut Vec<usize>,
) -> Option<String> {
    if text.as_bytes().get(at) != Some(&b'"') {
        return None;
    }
    let end = quoted_end(text, at).unwrap_or(text.len());
    let mut bytes = text.as_bytes().to_vec();
    let mut found = false;
    let mut i = at + 1;
    while i < end {
        if bytes.get(i) == Some(&b'\\') {
            if bytes.get(i + 1) == Some(&b'\'') {
                if let Some(quote) = bytes.get_mut(i + 1) {
                    *quote = b'"';
                }
                fixed.push(i);
                found = true;
            }
            i += 2;
        } else {
            i += 1;
        }
    }
    fixed.sort_unstable();
    if found {
        String::from_utf8(bytes).ok()
    } else {
        None
    }
}

/// `text` with the tabs among the blanks that start at `at` replaced by spaces. `None` if there
/// is no tab at `at`.
pub(crate) fn tabs_to_spaces(text: &str, at: usize) -> Option<String> {
    let mut bytes = text.as_bytes().to_vec();
    if bytes.get(at) != Some(&b'\t') {
        return None;
    }
    let mut i = at;
    while let Some(b) = bytes.get_mut(i) {
        match *b {
            b'\t' => *b = b' ',
            b' ' => {}
            _ => break,
        }
        i += 1;
    }
    String::from_utf8(bytes).ok()
}

/// `text` with the blanks just before `at` made spaces, when they hold a tab and follow a `:`
/// (`key:<TAB>value`); `None` otherwise.
pub(crate) fn tabs_after_colon_to_spaces(text: &str, at: usize) -> Option<String> {
    let bytes = text.as_bytes();
    let blanks = bytes
        .get(..at)?
        .iter()
        .rev()
        .take_while(|&&b| b == b' ' || b == b'\t')
        .count();
    let start = at - blanks;
    let tabbed = bytes[start..at].contains(&b'\t');
    if !tabbed || start == 0 || bytes[start - 1] != b':' {
        return None;
    }
    let mut out = bytes.to_vec();
    for b in &mut out[start..at] {
        *b = b' ';
    }
    String::from_utf8(out).ok()
}

/// What go-yaml refuses before parsing and saphyr accepts: a character outside YAML's printable
/// set (`control characters are not allowed`), and a `%YAML` directive other than 1.1 (`found
/// incompatible YAML document`). The first of each, with its byte offset.
pub(crate) fn go_yaml_reader_problems(text: &str) -> Vec<(&'static str, usize)> {
    let mut problems = Vec::new();
    let printable = |c: char| {
        matches!(c, '\t' | '\n' | '\r' | ' '..='~' | '\u{85}' | '\u{A0}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}')
            || c >= '\u{10000}'
    };
    // Most files are ASCII: a byte scan finds the first control character without decoding.
    let control = if text.is_ascii() {
        text.bytes()
            .position(|b| !matches!(b, b'\t' | b'\n' | b'\r' | b' '..=b'~'))
    } else {
        text.char_indices()
            .find(|&(_, c)| !printable(c))
            .map(|(at, _)| at)
    };
    if let Some(at) = control {
        problems.push(("control characters are not allowed", at));
    }
    // `%YAML` directives start a line.
    for (at, _) in text.match_indices("%YAML") {
        if at > 0 && text.as_bytes().get(at - 1) != Some(&b'\n') {
            continue;
        }
        let rest = text.get(at + 5..).unwrap_or_default();
        let rest = rest.split_inclusive('\n').next().unwrap_or_default();
        let version = rest.split_whitespace().next().unwrap_or_default();
        let (major, minor) = version.split_once('.').unwrap_or((version, ""));
        if major.parse::<u32>() != Ok(1) || minor.parse::<u32>() != Ok(1) {
            problems.push(("found incompatible YAML document", at));
            break;
        }
    }
    problems
}

/// `text` with the byte `from` at `at` replaced by `to` (both ASCII). `None` if `at` holds
/// something else.
pub(crate) fn replace_byte(text: &str, at: usize, from: u8, to: u8) -> Option<String> {
    let mut bytes = text.as_bytes().to_vec();
    let byte = bytes.get_mut(at).filter(|b| **b == from)?;
    *byte = to;
    String::from_utf8(bytes).ok()
}

/// `text` with the line breaks of the quoted scalar starting at `at` made spaces, for a scalar
/// whose continuation lines are indented less than its block (saphyr refuses it; go-yaml, like
/// libyaml, does not look at their indentation). The value is then decoded from the file as
/// written ([`decode_flow_scalar`]). `None` where go-yaml refuses the scalar too, or reads it
/// as something else: no closing quote, a document marker at a line start, a key (a key
/// cannot span lines), anything but a comment or a flow indicator after it.
pub(crate) fn join_quoted_lines(text: &str, at: usize) -> Option<String> {
    let end = quoted_end(text, at)?;
    let inside = text.get(at..end)?;
    if !inside.contains(['\n', '\r']) {
        return None;
    }
    let marker = |line: &str| {
        (line.starts_with("---") || line.starts_with("..."))
            && line[3..]
                .chars()
                .next()
                .is_none_or(|c| matches!(c, ' ' | '\t'))
    };
    if inside.split(['\n', '\r']).skip(1).any(marker) {
        return None;
    }
    // What follows the closing quote on its line: nothing, a comment or the end of a flow
    // item. Anything else (a `:` of a key, or the rest of a line whose quote was never
    // closed: `image: "app:1.0` then `ports: ["80"]`) keeps saphyr's error where it was.
    let after = text.get(end..)?.trim_start_matches([' ', '\t']);
    if !(after.is_empty() || after.starts_with(['\n', '\r', '#', ',', ']', '}'])) {
        return None;
    }
    let mut bytes = text.as_bytes().to_vec();
    for b in bytes.get_mut(at..end)? {
        if matches!(*b, b'\n' | b'\r') {
            *b = b' ';
        }
    }
    String::from_utf8(bytes).ok()
}

/// The value of the quoted scalar `raw` (from its opening quote to its closing one) as go-yaml
/// v3's `yaml_parser_scan_flow_scalar` reads it: `''` in single quotes; the escapes of double
/// quotes (`\'` included, `\/` read as `/` though go-yaml refuses it: that is reported apart);
/// trailing blanks of a line dropped, a line break folded to a space, an empty line kept as a
/// line break, blanks leading a line dropped; an escaped line break joins without a space.
pub(crate) fn decode_flow_scalar(raw: &str) -> Option<String> {
    let single = raw.starts_with('\'');
    let quote = if single { '\'' } else { '"' };
    let body = raw.strip_prefix(quote)?;
    let mut chars = body.chars().peekable();
    let mut out = String::new();
    let is_break = |c: char| matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}');
    // A line break read as go-yaml's `read_line` normalises it.
    let read_break = |c: char, chars: &mut std::iter::Peekable<std::str::Chars<'_>>| match c {
        '\r' => {
            if chars.peek() == Some(&'\n') {
                chars.next();
            }
            '\n'
        }
        '\u{85}' => '\n',
        other => other,
    };
    loop {
        // Non-blank characters.
        let mut leading_blanks = false;
        while let Some(&c) = chars.peek() {
            if c == ' ' || c == '\t' || is_break(c) {
                break;
            }
            chars.next();
            if single && c == '\'' {
                if chars.peek() == Some(&'\'') {
                    chars.next();
                    out.push('\'');
                    continue;
                }
                return Some(out);
            }
            if !single && c == '"' {
                return Some(out);
            }
            if !single && c == '\\' {
                let e = chars.next()?;
                if is_break(e) {
                    read_break(e, &mut chars);
                    leading_blanks = true;
                    break;
                }
                let code_length = match e {
                    '0' => {
                        out.push('\0');
                        0
                    }
                    'a' => {
                        out.push('\u{7}');
                        0
                    }
                    'b' => {
                        out.push('\u{8}');
                        0
                    }
                    't' | '\t' => {
                        out.push('\t');
                        0
                    }
                    'n' => {
                        out.push('\n');
                        0
                    }
                    'v' => {
                        out.push('\u{b}');
                        0
                    }
                    'f' => {
                        out.push('\u{c}');
                        0
                    }
                    'r' => {
                        out.push('\r');
                        0
                    }
                    'e' => {
                        out.push('\u{1b}');
                        0
                    }
                    'N' => {
                        out.push('\u{85}');
                        0
                    }
                    '_' => {
                        out.push('\u{a0}');
                        0
                    }
                    'L' => {
                        out.push('\u{2028}');
                        0
                    }
                    'P' => {
                        out.push('\u{2029}');
                        0
                    }
                    ' ' | '"' | '\'' | '\\' | '/' => {
                        out.push(e);
                        0
                    }
                    'x' => 2,
                    'u' => 4,
                    'U' => 8,
                    _ => return None,
                };
                if code_length > 0 {
                    let mut value = 0u32;
                    for _ in 0..code_length {
                        value = value * 16 + chars.next()?.to_digit(16)?;
                    }
                    out.push(char::from_u32(value)?);
                }
                continue;
            }
            out.push(c);
        }
        // Blanks and line breaks.
        let mut whitespaces = String::new();
        let mut leading_break: Option<char> = None;
        let mut trailing_breaks = String::new();
        while let Some(&c) = chars.peek() {
            if c == ' ' || c == '\t' {
                chars.next();
                if !leading_blanks {
                    whitespaces.push(c);
                }
            } else if is_break(c) {
                chars.next();
                let b = read_break(c, &mut chars);
                if leading_blanks {
                    trailing_breaks.push(b);
                } else {
                    whitespaces.clear();
                    leading_break = Some(b);
                    leading_blanks = true;
                }
            } else {
                break;
            }
        }
        chars.peek()?;
        if leading_blanks {
            match leading_break {
                Some('\n') if trailing_breaks.is_empty() => out.push(' '),
                Some('\n') => out.push_str(&trailing_breaks),
                other => {
                    out.extend(other);
                    out.push_str(&trailing_breaks);
                }
            }
        } else {
            out.push_str(&whitespaces);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::FileId;
    use proptest::prelude::*;

    /// The value saphyr gives the quoted scalar `raw` written as a mapping value at the top level
    /// (where no indentation is too small): `None` if it refuses it.
    fn saphyr_value(raw: &str) -> Option<String> {
        let text = format!("k: {raw}\n");
        let parsed = crate::yaml::parse(text.as_str(), FileId(0), &crate::yaml::Limits::default());
        if !parsed.problems.is_empty() {
            return None;
        }
        let tree = &parsed.tree;
        let root = tree.root()?;
        let value = tree.get(root, "k")?.value;
        crate::yaml::scalar_text(tree, value).map(str::to_owned)
    }

    #[test]
    fn saphyr_reads_the_scalars_compared() {
        // The property below compares only what saphyr reads: it does read these.
        assert_eq!(saphyr_value("\"a\n  b\\n\"").as_deref(), Some("a b\n"));
        assert_eq!(saphyr_value("'it''s\n\n x'").as_deref(), Some("it's\nx"));
        assert_eq!(
            decode_flow_scalar("\"caf\\u00e9 \\\n   au\t\n\n\n lait\\x41\""),
            Some("café au\n\nlaitA".to_owned())
        );
    }

    proptest! {
        /// Where saphyr reads a quoted scalar (indented enough), `decode_flow_scalar` reads the
        /// same value: folding, blank lines, escapes and escaped line breaks.
        #[test]
        fn decoding_agrees_with_saphyr(
            parts in proptest::collection::vec(
                prop_oneof![
                    Just("a"), Just("é"), Just(" "), Just("  "), Just("\t"), Just("\n"),
                    Just("\n\n"), Just("\r\n"), Just("\\n"), Just("\\t"), Just("\\\\"),
                    Just("\\\""), Just("\\x41"), Just("\\u00e9"), Just("\\\n"), Just("''"),
                    Just("\\ "), Just("\\_"),
                ],
                0..12,
            ),
            single in any::<bool>(),
        ) {
            let body: String = parts.concat();
            let raw = if single {
                // Backslashes are plain in single quotes; a lone quote would end the scalar.
                format!("'{}'", body.replace("\\\"", "x"))
            } else {
                format!("\"{}\"", body.replace("''", "x"))
            };
            if let Some(expected) = saphyr_value(&raw) {
                prop_assert_eq!(decode_flow_scalar(&raw), Some(expected), "{:?}", raw);
            }
        }

        /// Any text: no panic.
        #[test]
        fn decoding_never_panics(raw in "\\PC{0,40}") {
            let _ = decode_flow_scalar(&raw);
            let _ = join_quoted_lines(&raw, 0);
        }
    }
}
