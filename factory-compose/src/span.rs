//! Byte spans into a source file, and the ids that name the files of a project.

use serde::Serialize;

/// Index of a source file in a [`crate::SourceMap`]. Files are numbered in the order they were
/// given (`-f` order), then the files a project refers to (`.env`, Dockerfiles, `.gitlab-ci.yml`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
pub struct FileId(pub u16);

/// A half-open byte range `start..end` in one source file.
///
/// Spans are byte offsets, always on `char` boundaries; line and column are computed only when a
/// diagnostic is rendered (see [`crate::LineIndex`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
pub struct Span {
    /// First byte.
    pub start: u32,
    /// One past the last byte.
    pub end: u32,
}

impl Span {
    /// The span `start..end`.
    #[must_use]
    pub const fn new(start: u32, end: u32) -> Self {
        Self { start, end }
    }

    /// The span of a byte range of a source (a `usize` range, as the leaf crates report them);
    /// an offset past `u32` saturates (files are smaller: see `Limits::max_file_bytes`).
    #[must_use]
    pub fn of_range(range: std::ops::Range<usize>) -> Self {
        Self::new(
            u32::try_from(range.start).unwrap_or(u32::MAX),
            u32::try_from(range.end).unwrap_or(u32::MAX),
        )
    }

    /// An empty span at `offset`.
    #[must_use]
    pub const fn empty(offset: u32) -> Self {
        Self {
            start: offset,
            end: offset,
        }
    }

    /// Length in bytes.
    #[must_use]
    pub const fn len(self) -> u32 {
        self.end - self.start
    }

    /// Whether the span covers no byte.
    #[must_use]
    pub const fn is_empty(self) -> bool {
        self.start == self.end
    }

    /// The span as a `usize` range, to slice the source with.
    #[must_use]
    pub const fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }

    /// A sub-span given relative to this span's start (for errors that a leaf crate reports
    /// inside a scalar's text), clamped to this span.
    #[must_use]
    pub fn subspan(self, relative: std::ops::Range<usize>) -> Self {
        let clamp = |o: usize| -> u32 {
            let o = u32::try_from(o).unwrap_or(u32::MAX);
            self.start.saturating_add(o).min(self.end)
        };
        Self {
            start: clamp(relative.start),
            end: clamp(relative.end),
        }
    }

    /// The smallest span covering both.
    #[must_use]
    pub fn cover(self, other: Self) -> Self {
        Self {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

/// A span in a given file: where a diagnostic points. Built with [`Location::new`].
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
pub struct Location {
    /// The file.
    pub file: FileId,
    /// The bytes in that file.
    pub span: Span,
    /// Always the same value: its unused bit patterns let `Option<Location>` (every model value
    /// has one, for `<<` inheritance) take 12 bytes instead of 16.
    #[serde(skip)]
    niche: Niche,
}

/// A one-value byte (see [`Location`]'s `niche`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[repr(u8)]
enum Niche {
    #[default]
    Zero = 0,
}

impl Location {
    /// A location in `file` at `span`.
    #[must_use]
    pub const fn new(file: FileId, span: Span) -> Self {
        Self {
            file,
            span,
            niche: Niche::Zero,
        }
    }

    /// Whether `other` lies within this location (same file, its span inside this one's).
    #[must_use]
    pub fn contains(self, other: Self) -> bool {
        self.file == other.file
            && self.span.start <= other.span.start
            && other.span.end <= self.span.end
    }
}

impl std::fmt::Debug for Location {
    /// As derived for the two public fields.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Location")
            .field("file", &self.file)
            .field("span", &self.span)
            .finish()
    }
}
