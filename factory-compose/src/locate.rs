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

/// Maps byte offsets of a scalar's decoded value to byte offsets in its file, where the written
/// text allows it (plain and single-quoted scalars on one line, double-quoted without escapes).
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
        ScalarStyle::Literal | ScalarStyle::Folded => return None,
    };
    if inner.contains('\n') {
        return None;
    }
    let mut map = Vec::with_capacity(value.len() + 1);
    let (rb, vb) = (inner.as_bytes(), value.as_bytes());
    let (mut r, mut v) = (0usize, 0usize);
    while v < vb.len() {
        if r >= rb.len() {
            return None;
        }
        if style == ScalarStyle::SingleQuoted && rb[r] == b'\'' && rb.get(r + 1) == Some(&b'\'') {
            if vb[v] != b'\'' {
                return None;
            }
            map.push(base + u32::try_from(r).ok()?);
            r += 2;
            v += 1;
            continue;
        }
        if rb[r] != vb[v] || (style == ScalarStyle::DoubleQuoted && rb[r] == b'\\') {
            return None;
        }
        map.push(base + u32::try_from(r).ok()?);
        r += 1;
        v += 1;
    }
    if r != rb.len() {
        return None;
    }
    map.push(base + u32::try_from(r).ok()?);
    Some(map)
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
    let n = tree.node(node);
    match n.kind {
        NodeKind::Scalar(s) => in_scalar_text(tree, sources, node, tree.text(s), range),
        NodeKind::Sequence(_) | NodeKind::Mapping(_) => Location::new(n.file, n.span),
    }
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
    let n = tree.node(node);
    let whole = Location::new(n.file, n.span);
    if !matches!(n.kind, NodeKind::Scalar(_)) {
        return whole;
    }
    let file_text = &sources.get(n.file).text;
    let Some(map) = value_to_file(file_text, n.span, n.style, text) else {
        return whole;
    };
    let start = map.get(range.start).copied().unwrap_or(n.span.start);
    let end = map.get(range.end).copied().unwrap_or(n.span.end).max(start);
    Location::new(n.file, Span::new(start, end))
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
        assert_eq!(
            value_to_file(
                "a: \"x\\ty\"",
                Span::new(3, 10),
                ScalarStyle::DoubleQuoted,
                "x\ty"
            ),
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
                Span::new(3, 10),
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
        let plain = "k: Host:a"; // the value is written verbatim
        assert_eq!(
            value_to_file(plain, Span::new(3, 9), ScalarStyle::Plain, "Host:a").unwrap()[5],
            8
        );
    }
}
