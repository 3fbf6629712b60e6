//! Where a byte range of a scalar's value is in its file: exact when the value is written
//! verbatim (plain, single-quoted with `''`, double-quoted without escapes, on one line), else the
//! whole scalar. Rules use it to point inside a label or environment value (a cron field, a
//! Traefik matcher) the way the leaf crates report it.

use std::ops::Range;

use crate::source::SourceMap;
use crate::span::{Location, Span};
use crate::yaml::{NodeId, NodeKind, ScalarStyle, Tree};

/// Where each byte offset of a scalar's decoded value is in its file ([`value_offsets`]).
pub(crate) enum FileOffsets {
    /// The value is written verbatim from `base` (no quote doubling, no escape): offset `i`
    /// of the value (up to its length, inclusive) is `base + i`.
    Verbatim {
        /// The file offset of the value's first byte.
        base: u32,
        /// The value's length in bytes.
        len: usize,
    },
    /// One file offset per value offset, and one for the end ([`value_to_file`]).
    Mapped(Vec<u32>),
}

impl FileOffsets {
    /// The file offset of value offset `i`, if `i` is within the value (or its end).
    pub(crate) fn get(&self, i: usize) -> Option<u32> {
        match self {
            Self::Verbatim { base, len } => {
                (i <= *len).then(|| u32::try_from(i).ok().and_then(|i| base.checked_add(i)))?
            }
            Self::Mapped(map) => map.get(i).copied(),
        }
    }
}

/// [`value_to_file`] without building the map for the usual scalar, written exactly as its
/// value (the map would be `base + i` for every offset).
pub(crate) fn value_offsets(
    file_text: &str,
    span: Span,
    style: ScalarStyle,
    value: &str,
) -> Option<FileOffsets> {
    let raw = file_text.get(span.range())?;
    let verbatim = match style {
        ScalarStyle::Plain => (raw == value).then_some(span.start),
        ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => {
            let escape = if style == ScalarStyle::SingleQuoted {
                '\''
            } else {
                '\\'
            };
            raw.get(1..raw.len().saturating_sub(1))
                .filter(|inner| raw.len() >= 2 && *inner == value && !inner.contains(escape))
                .map(|_| span.start + 1)
        }
        ScalarStyle::Literal | ScalarStyle::Folded => None,
    };
    match verbatim {
        Some(base) if !value.contains('\n') => Some(FileOffsets::Verbatim {
            base,
            len: value.len(),
        }),
        _ => value_to_file(file_text, span, style, value).map(FileOffsets::Mapped),
    }
}

/// Maps byte offsets of a scalar's decoded value to byte offsets in its file: every scalar
/// style, on one line or several. The written text is walked beside the value: a byte the value
/// has as written maps to itself; what YAML removes (indentation, the spaces around a folded
/// line break, a block scalar's header, a quote doubled as `''`, a `\` line continuation) is
/// skipped; a line break folded into a space maps to the break; an escape (`\t`, `\u00e9`)
/// maps each byte it decodes to to its `\`. `None` when the two do not line up (the value is
/// not this scalar's text, e.g. after interpolation).
pub(crate) fn value_to_file(
    file_text: &str,
    span: Span,
    style: ScalarStyle,
    value: &str,
) -> Option<Vec<u32>> {
    let raw = file_text.get(span.range())?;
    let (inner, base) = match style {
        ScalarStyle::Plain => (raw, span.start),
        ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => {
            (raw.get(1..raw.len().checked_sub(1)?)?, span.start + 1)
        }
        // The content starts on the line after the header (`|-`, `>2 # comment`).
        ScalarStyle::Literal | ScalarStyle::Folded => {
            let header = raw.find('\n').map_or(raw.len(), |i| i + 1);
            (raw.get(header..)?, span.start + u32::try_from(header).ok()?)
        }
    };
    let at = |r: usize| u32::try_from(r).ok().and_then(|r| base.checked_add(r));
    let mut map = Vec::with_capacity(value.len() + 1);
    let (rb, vb) = (inner.as_bytes(), value.as_bytes());
    let (mut r, mut v) = (0usize, 0usize);
    let space = |b: u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r');
    let block = matches!(style, ScalarStyle::Literal | ScalarStyle::Folded);
    while v < vb.len() {
        let Some(&c) = rb.get(r) else {
            // A block scalar's kept final line breaks lie past its span (which ends with its
            // last line of content).
            if block && vb[v..].iter().all(|&b| b == b'\n') {
                let end = at(r)?;
                map.extend(std::iter::repeat_n(end, vb.len() - v));
                break;
            }
            return None;
        };
        if style == ScalarStyle::SingleQuoted && c == b'\'' && rb.get(r + 1) == Some(&b'\'') {
            if vb[v] != b'\'' {
                return None;
            }
            map.push(at(r)?);
            r += 2;
            v += 1;
            continue;
        }
        if style == ScalarStyle::DoubleQuoted && c == b'\\' {
            match escape(&inner[r..])? {
                Escape::Continuation(len) => r += len,
                Escape::Char(ch, len) => {
                    let mut buf = [0u8; 4];
                    let decoded = ch.encode_utf8(&mut buf).as_bytes();
                    if vb.get(v..v + decoded.len())? != decoded {
                        return None;
                    }
                    for _ in decoded {
                        map.push(at(r)?);
                    }
                    r += len;
                    v += decoded.len();
                }
            }
            continue;
        }
        if c == vb[v] {
            map.push(at(r)?);
            r += 1;
            v += 1;
        } else if matches!(c, b'\n' | b'\r') && matches!(vb[v], b' ' | b'\n') {
            // A line break folded into a space (or kept as one line break of several).
            map.push(at(r)?);
            r += 1;
            v += 1;
        } else if space(c) {
            r += 1; // indentation, or spaces YAML trims around a line break
        } else {
            return None;
        }
    }
    // What follows the value is what YAML drops: trailing blanks and line breaks.
    if !rb.get(r..)?.iter().all(|&b| space(b)) {
        return None;
    }
    map.push(at(r)?);
    Some(map)
}

/// A double-quoted scalar's escape sequence at the start of `text` (which starts with `\`).
enum Escape {
    /// `\` and a line break: the break and the next line's indentation are dropped.
    Continuation(usize),
    /// A character, and how many bytes its escape takes.
    Char(char, usize),
}

fn escape(text: &str) -> Option<Escape> {
    let b = text.as_bytes();
    let hex = |len: usize| -> Option<Escape> {
        let digits = text.get(2..2 + len)?;
        let code = u32::from_str_radix(digits, 16).ok()?;
        Some(Escape::Char(char::from_u32(code)?, 2 + len))
    };
    let simple = |c: char| Some(Escape::Char(c, 2));
    match *b.get(1)? {
        b'\n' | b'\r' => {
            let mut end = 2;
            if b[1] == b'\r' && b.get(2) == Some(&b'\n') {
                end = 3;
            }
            while matches!(b.get(end), Some(b' ' | b'\t')) {
                end += 1;
            }
            Some(Escape::Continuation(end))
        }
        b'x' => hex(2),
        b'u' => hex(4),
        b'U' => hex(8),
        b'0' => simple('\0'),
        b'a' => simple('\u{7}'),
        b'b' => simple('\u{8}'),
        b't' | b'\t' => simple('\t'),
        b'n' => simple('\n'),
        b'v' => simple('\u{b}'),
        b'f' => simple('\u{c}'),
        b'r' => simple('\r'),
        b'e' => simple('\u{1b}'),
        b' ' => simple(' '),
        b'"' => simple('"'),
        b'/' => simple('/'),
        b'\\' => simple('\\'),
        b'N' => simple('\u{85}'),
        b'_' => simple('\u{a0}'),
        b'L' => simple('\u{2028}'),
        b'P' => simple('\u{2029}'),
        _ => None,
    }
}

/// The file location of `range` (byte offsets into the scalar's current value) of scalar `node`.
/// Falls back to the whole scalar when the written text differs from the value (escapes,
/// folding, or interpolation changed it) or the node is not a scalar.
#[allow(dead_code)] // used by the label rules (FJ, FR) as they land
pub(crate) fn in_scalar(
    tree: &Tree,
    sources: &SourceMap,
    node: NodeId,
    range: Range<usize>,
) -> Location {
    ScalarOffsets::of_value(tree, sources, node).at(range)
}

/// [`in_scalar`] for `range` of `text`, the text scalar `node` is written as: its value, or its
/// text before interpolation (what a rule about the written template reads).
pub(crate) fn in_scalar_text(
    tree: &Tree,
    sources: &SourceMap,
    node: NodeId,
    text: &str,
    range: Range<usize>,
) -> Location {
    ScalarOffsets::new(tree, sources, node, text).at(range)
}

/// [`in_scalar_text`] for many ranges of one scalar, its offsets worked out once: each range
/// would otherwise compare (or map) the whole value again, and a rule reporting thousands of
/// places in one long value took time quadratic in its length.
pub(crate) struct ScalarOffsets {
    /// The whole scalar: where a range is when the text does not map exactly.
    whole: Location,
    offsets: Option<FileOffsets>,
}

impl ScalarOffsets {
    /// The offsets of `text`, the text scalar `node` is written as.
    pub(crate) fn new(tree: &Tree, sources: &SourceMap, node: NodeId, text: &str) -> Self {
        let n = tree.node(node);
        let offsets = match n.kind {
            NodeKind::Scalar(_) => value_offsets(&sources.get(n.file).text, n.span, n.style, text),
            NodeKind::Sequence(_) | NodeKind::Mapping(_) => None,
        };
        ScalarOffsets {
            whole: Location::new(n.file, n.span),
            offsets,
        }
    }

    /// The offsets of the scalar's current value ([`in_scalar`]).
    pub(crate) fn of_value(tree: &Tree, sources: &SourceMap, node: NodeId) -> Self {
        match tree.node(node).kind {
            NodeKind::Scalar(s) => ScalarOffsets::new(tree, sources, node, tree.text(s)),
            NodeKind::Sequence(_) | NodeKind::Mapping(_) => {
                ScalarOffsets::new(tree, sources, node, "")
            }
        }
    }

    /// Where `range` of the text is.
    pub(crate) fn at(&self, range: Range<usize>) -> Location {
        let Some(map) = &self.offsets else {
            return self.whole;
        };
        let start = map.get(range.start).unwrap_or(self.whole.span.start);
        let end = map.get(range.end).unwrap_or(self.whole.span.end).max(start);
        Location::new(self.whole.file, Span::new(start, end))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_follow_quotes() {
        let text = "a: 'it''s $X'";
        let map =
            value_to_file(text, Span::new(3, 13), ScalarStyle::SingleQuoted, "it's $X").unwrap();
        assert_eq!(map[5], 10); // `$`
        // An escape maps to its `\`.
        let map = value_to_file(
            "a: \"x\\ty\"",
            Span::new(3, 9),
            ScalarStyle::DoubleQuoted,
            "x\ty",
        )
        .unwrap();
        assert_eq!(map, [4, 5, 7, 8]);
        // A value that is not the scalar's text lines up with nothing.
        assert_eq!(
            value_to_file("a: b", Span::new(3, 4), ScalarStyle::Plain, "c"),
            None
        );
        // The verbatim shortcut gives what the map gives, wherever it applies.
        for (text, span, style, value) in [
            (
                "a: 'it''s $X'",
                Span::new(3, 13),
                ScalarStyle::SingleQuoted,
                "it's $X",
            ),
            (
                "a: '$X y'",
                Span::new(3, 9),
                ScalarStyle::SingleQuoted,
                "$X y",
            ),
            (
                "a: \"$X y\"",
                Span::new(3, 9),
                ScalarStyle::DoubleQuoted,
                "$X y",
            ),
            (
                "a: \"x\\ty\"",
                Span::new(3, 9),
                ScalarStyle::DoubleQuoted,
                "x\ty",
            ),
            ("a: $X y", Span::new(3, 7), ScalarStyle::Plain, "$X y"),
            ("a: $X\n  y", Span::new(3, 10), ScalarStyle::Plain, "$X y"),
            ("a: ''", Span::new(3, 5), ScalarStyle::SingleQuoted, ""),
        ] {
            let map = value_to_file(text, span, style, value);
            let offsets = value_offsets(text, span, style, value);
            assert_eq!(map.is_some(), offsets.is_some(), "{text}");
            if let (Some(map), Some(offsets)) = (map, offsets) {
                for i in 0..map.len() + 2 {
                    assert_eq!(map.get(i).copied(), offsets.get(i), "{text} at {i}");
                }
            }
        }
        // Every style over several lines: where the `$` of `${X` is, in the file.
        for (text, style, value) in [
            ("a: \"x\\té ${X\"", ScalarStyle::DoubleQuoted, "x\té ${X"),
            (
                "a: \"\\U0001F600${X\"",
                ScalarStyle::DoubleQuoted,
                "\u{1F600}${X",
            ),
            (
                "a: \"multi\n  line ${X\"",
                ScalarStyle::DoubleQuoted,
                "multi line ${X",
            ),
            (
                "a: \"cut \\\n    ${X\"",
                ScalarStyle::DoubleQuoted,
                "cut ${X",
            ),
            (
                "a: 'it''s\n\n  ${X'",
                ScalarStyle::SingleQuoted,
                "it's\n${X",
            ),
            ("a: plain\n  ${X", ScalarStyle::Plain, "plain ${X"),
            (
                "a: >-\n  line one\n  ${X two\n",
                ScalarStyle::Folded,
                "line one ${X two",
            ),
            (
                "a: |\n  one\n    ${X\n",
                ScalarStyle::Literal,
                "one\n  ${X\n",
            ),
        ] {
            let start = 3;
            let end = text.trim_end_matches('\n').len();
            let span = Span::new(start, u32::try_from(end).unwrap());
            let map = value_to_file(text, span, style, value)
                .unwrap_or_else(|| panic!("{text:?} does not line up with {value:?}"));
            let dollar = value.find('$').unwrap();
            assert_eq!(
                text.get(map[dollar] as usize..).map(|t| &t[..2]),
                Some("${"),
                "{text:?}"
            );
            assert_eq!(map.len(), value.len() + 1, "{text:?}");
        }
        let plain = "k: Host:a"; // the value is written verbatim
        assert_eq!(
            value_to_file(plain, Span::new(3, 9), ScalarStyle::Plain, "Host:a").unwrap()[5],
            8
        );
    }
}
