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

/// One file: its name as the user should see it, its text, and its line index (built on first
/// use: most files of a run never have a diagnostic to place).
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path as diagnostics print it (as given with `-f`, else joined to the project path).
    pub name: String,
    /// The file's text (invalid UTF-8 was replaced by the CLI, which reports it). Shared: the
    /// YAML trees parsed from it keep it and read their scalars' text from it ([`crate::yaml::Scalar`]).
    pub text: std::sync::Arc<str>,
    /// What the file is.
    pub kind: FileKind,
    line_index: std::sync::OnceLock<LineIndex>,
}

impl SourceFile {
    /// A file named `name` with `text`.
    #[must_use]
    pub fn new(
        name: impl Into<String>,
        text: impl Into<std::sync::Arc<str>>,
        kind: FileKind,
    ) -> Self {
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
