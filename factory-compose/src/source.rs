//! The files of a project as the CLI read them.

use crate::line_index::{LineCol, LineIndex};
use crate::span::{FileId, Span};

/// What a source file is to the project.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileKind {
    /// A compose file given with `-f` or discovered.
    Compose,
    /// A `.env` file.
    Dotenv,
    /// A Dockerfile.
    Dockerfile,
    /// `.gitlab-ci.yml`.
    GitlabCi,
    /// Anything else (an `env_file` target, `factory.toml`).
    Other,
}

/// A file's text, shared by the source map and the YAML trees parsed from it. A `String` read
/// from a file becomes one without its bytes being copied (an `Arc<str>` made from it copies
/// them, so a large file was held twice while it was read); it reads as a `str`.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct SharedText(std::sync::Arc<String>);

impl SharedText {
    /// Whether `a` and `b` share one text (not two equal texts).
    #[must_use]
    pub fn ptr_eq(a: &Self, b: &Self) -> bool {
        std::sync::Arc::ptr_eq(&a.0, &b.0)
    }

    /// How many holders share the text.
    #[cfg(test)]
    pub(crate) fn share_count(&self) -> usize {
        std::sync::Arc::strong_count(&self.0)
    }
}

impl std::ops::Deref for SharedText {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for SharedText {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for SharedText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.0.as_str(), f)
    }
}

impl std::fmt::Display for SharedText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<String> for SharedText {
    fn from(text: String) -> Self {
        Self(std::sync::Arc::new(text))
    }
}

impl From<&str> for SharedText {
    fn from(text: &str) -> Self {
        Self(std::sync::Arc::new(text.to_owned()))
    }
}

impl From<std::borrow::Cow<'_, str>> for SharedText {
    fn from(text: std::borrow::Cow<'_, str>) -> Self {
        Self(std::sync::Arc::new(text.into_owned()))
    }
}

/// One file: its name as the user should see it, its text, and its line index (built on first
/// use: most files of a run never have a diagnostic to place).
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path as diagnostics print it (as given with `-f`, else joined to the project path).
    pub name: String,
    /// The file's text (invalid UTF-8 was replaced by the CLI, which reports it). Shared: the
    /// YAML trees parsed from it keep it and read their scalars' text from it ([`crate::yaml::Scalar`]).
    pub text: SharedText,
    /// What the file is.
    pub kind: FileKind,
    line_index: std::sync::OnceLock<LineIndex>,
}

impl SourceFile {
    /// A file named `name` with `text`.
    #[must_use]
    pub fn new(name: impl Into<String>, text: impl Into<SharedText>, kind: FileKind) -> Self {
        Self {
            name: name.into(),
            text: text.into(),
            kind,
            line_index: std::sync::OnceLock::new(),
        }
    }

    /// The line index of the text.
    #[must_use]
    pub fn line_index(&self) -> &LineIndex {
        self.line_index.get_or_init(|| LineIndex::new(&self.text))
    }

    /// Line and column of a byte offset.
    #[must_use]
    pub fn line_col(&self, offset: u32) -> LineCol {
        self.line_index().line_col(&self.text, offset)
    }

    /// The text under `span` (empty if the span is out of range or not on char boundaries).
    #[must_use]
    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.range()).unwrap_or("")
    }
}

/// Every file of a project, indexed by [`FileId`].
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    /// An empty map.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Add a file and return its id.
    ///
    /// # Panics
    /// If more than 65 535 files are added.
    pub fn add(&mut self, file: SourceFile) -> FileId {
        let id = FileId(u16::try_from(self.files.len()).expect("fewer than 65 536 source files"));
        self.files.push(file);
        id
    }

    /// The file with this id.
    ///
    /// # Panics
    /// If the id was not returned by [`SourceMap::add`] on this map.
    #[must_use]
    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[usize::from(id.0)]
    }

    /// How many files the map holds.
    #[must_use]
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether the map holds no file.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// All files with their ids.
    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(u16::try_from(i).unwrap_or(u16::MAX)), f))
    }

    /// The ids of the files of one kind, in the order they were added.
    pub fn of_kind(&self, kind: FileKind) -> impl Iterator<Item = FileId> + '_ {
        self.iter()
            .filter(move |(_, f)| f.kind == kind)
            .map(|(id, _)| id)
    }
}
