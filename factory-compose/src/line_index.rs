//! Byte offset → 1-based line and column, computed only when rendering.

/// Line starts of one source text, to turn byte offsets into line and column.
#[derive(Debug, Clone)]
pub struct LineIndex {
    line_starts: Vec<u32>,
    /// On lines longer than [`CHECKPOINT_BYTES`]: every [`CHECKPOINT_BYTES`] (at the char
    /// boundary at or before), the byte offset and how many chars precede it on its line. A
    /// column is then counted from the nearest checkpoint: a 20 MB one-line file with a finding
    /// on each item took seconds per thousand findings, counting from the line's start each time.
    checkpoints: Vec<(u32, u32)>,
}

/// How far apart the checkpoints of a long line are, in bytes.
const CHECKPOINT_BYTES: usize = 4096;

/// A 1-based line and a 1-based column counted in Unicode scalar values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in Unicode scalar values (`char`s), as the JSON output promises.
    pub column: usize,
}

impl LineIndex {
    /// Index the line starts of `text`. Lines end at `\n` (a preceding `\r` belongs to the line).
    #[must_use]
    pub fn new(text: &str) -> Self {
        // A bound on the lines of all but texts of very short lines (a compose file's lines
        // average 20 to 40 bytes), so that the table is allocated once: grown by doubling from
        // `len / 32`, it left its first buffer to the allocator while rendering (395 KB on
        // 10 000 services, 120 000 lines). The capacity past the last line is never written:
        // the pages under it are not made resident. (Counting the lines first cost 2 % more
        // instructions on a 1 000-service lint.)
        let mut line_starts = Vec::with_capacity(text.len() / 8 + 1);
        line_starts.push(0);
        line_starts.extend(
            memchr::memchr_iter(b'\n', text.as_bytes())
                .map(|i| u32::try_from(i + 1).unwrap_or(u32::MAX)),
        );
        let mut checkpoints = Vec::new();
        let ends = line_starts.iter().skip(1).map(|&e| e as usize);
        for (start, end) in line_starts
            .iter()
            .map(|&s| s as usize)
            .zip(ends.chain([text.len()]))
        {
            if end - start <= CHECKPOINT_BYTES {
                continue;
            }
            let (mut at, mut chars) = (start, 0);
            while at + CHECKPOINT_BYTES < end {
                let mut next = at + CHECKPOINT_BYTES;
                while !text.is_char_boundary(next) {
                    next -= 1;
                }
                chars += text.get(at..next).map_or(0, |t| t.chars().count());
                let point = (u32::try_from(next), u32::try_from(chars));
                let (Ok(next32), Ok(chars32)) = point else {
                    break;
                };
                checkpoints.push((next32, chars32));
                at = next;
            }
        }
        Self {
            line_starts,
            checkpoints,
        }
    }

    /// The 0-based line that contains `offset`.
    #[must_use]
    pub fn line_of(&self, offset: u32) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next - 1,
        }
    }

    /// Byte offset where 0-based `line` starts.
    #[must_use]
    pub fn line_start(&self, line: usize) -> u32 {
        self.line_starts
            .get(line)
            .copied()
            .unwrap_or_else(|| *self.line_starts.last().unwrap_or(&0))
    }

    /// Number of lines.
    #[must_use]
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// Line and column of `offset` in `text` (the same text the index was built from). An offset
    /// past the end, or inside a multi-byte character, is clamped to the nearest boundary before it.
    #[must_use]
    pub fn line_col(&self, text: &str, offset: u32) -> LineCol {
        let offset = (offset as usize).min(text.len());
        let mut offset = offset;
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let offset32 = u32::try_from(offset).unwrap_or(u32::MAX);
        let line = self.line_of(offset32);
        let start = self.line_start(line) as usize;
        // The last checkpoint at or before `offset`, when it is on the same line.
        let before = self.checkpoints.partition_point(|&(at, _)| at <= offset32);
        let (from, chars) = match before.checked_sub(1).and_then(|k| self.checkpoints.get(k)) {
            Some(&(at, chars)) if at as usize >= start => (at as usize, chars as usize),
            _ => (start, 0),
        };
        let column = chars + text[from..offset].chars().count() + 1;
        // A byte order mark is no column: editors start the first line after it.
        let bom = line == 0 && offset >= 3 && text.starts_with('\u{feff}');
        let column = column - usize::from(bom);
        LineCol {
            line: line + 1,
            column,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_byte_order_mark_is_no_column() {
        let text = "\u{feff}version: 3\nx: 1\n";
        let index = LineIndex::new(text);
        let at = |needle: &str| u32::try_from(text.find(needle).unwrap()).unwrap();
        assert_eq!(index.line_col(text, at("version")).column, 1);
        assert_eq!(index.line_col(text, at("3")).column, 10);
        assert_eq!(index.line_col(text, at("x")).column, 1);
    }

    #[test]
    fn columns_count_chars_not_bytes() {
        let text = "a: é🎉x\nb: c\n";
        let index = LineIndex::new(text);
        let x = text.find('x').unwrap();
        assert_eq!(
            index.line_col(text, u32::try_from(x).unwrap()),
            LineCol { line: 1, column: 6 }
        );
        let b = text.find('b').unwrap();
        assert_eq!(
            index.line_col(text, u32::try_from(b).unwrap()),
            LineCol { line: 2, column: 1 }
        );
        assert_eq!(index.line_col(text, 999), LineCol { line: 3, column: 1 });
    }

    /// On long lines the columns counted from a checkpoint are those counted from the start.
    #[test]
    fn long_line_columns_match_a_count_from_the_line_start() {
        let mut text = String::from("x: 1\n");
        for k in 0..3_000 {
            text.push_str(["a", "é", "🎉", "xyz"][k % 4]);
        }
        text.push_str("\nb: ");
        text.push_str(&"é".repeat(5_000));
        let index = LineIndex::new(&text);
        assert!(index.checkpoints.len() > 2, "{}", index.checkpoints.len());
        for offset in (0..=text.len() + 1).step_by(7).chain([text.len()]) {
            let clamped = (0..=offset.min(text.len()))
                .rev()
                .find(|&o| text.is_char_boundary(o))
                .unwrap();
            let line_start = text[..clamped].rfind('\n').map_or(0, |n| n + 1);
            let expected = text[line_start..clamped].chars().count() + 1;
            let got = index.line_col(&text, u32::try_from(offset).unwrap());
            assert_eq!(got.column, expected, "offset {offset}");
        }
    }

    /// The memchr scan finds the same line starts as a test of every byte, wherever the newlines
    /// fall, next to bytes that differ from `\n` by one bit.
    #[test]
    fn line_starts_match_a_byte_by_byte_scan() {
        let naive = |text: &str| -> Vec<u32> {
            std::iter::once(0)
                .chain(
                    text.bytes()
                        .enumerate()
                        .filter(|&(_, b)| b == b'\n')
                        .map(|(i, _)| u32::try_from(i + 1).unwrap()),
                )
                .collect()
        };
        let pieces = [
            "\n", "a", "\u{b}", "\u{8a}", "\r\n", "é", "\u{0}", "\t", "🎉", "\n\n", "\u{1}",
        ];
        let mut seed = 0x2545_f491_u32;
        for len in 0..200 {
            let mut text = String::new();
            for _ in 0..len {
                seed ^= seed << 13;
                seed ^= seed >> 17;
                seed ^= seed << 5;
                text.push_str(pieces[seed as usize % pieces.len()]);
            }
            assert_eq!(LineIndex::new(&text).line_starts, naive(&text), "{text:?}");
        }
    }
}
