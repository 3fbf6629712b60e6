//! Applying the fixes rules attach to diagnostics ([`crate::Fix`]), generically: whatever the
//! rule, a fix is a list of byte edits. Fixes are applied whole or not at all; a fix whose
//! edits overlap an edit already taken is left for the next round (the caller re-lints and
//! applies again until nothing changes). Untouched bytes — comments, formatting — stay as
//! they are.
//!
//! ```
//! use factory_compose::{FileKind, ProcessEnv, Settings, SourceFile, SourceMap, fix, lint};
//!
//! let mut sources = SourceMap::new();
//! sources.add(SourceFile::new(
//!     "docker-compose.yml",
//!     "services:\n  app:\n    image: app:1.0\n    restart: no # keep\n",
//!     FileKind::Compose,
//! ));
//! let report = lint(&sources, &ProcessEnv::default(), &Settings::default());
//! let fixed = fix::apply(&report, &sources);
//! assert_eq!(fixed[0].text, "services:\n  app:\n    image: app:1.0\n    restart: \"no\" # keep\n");
//! ```

use crate::diagnostic::Edit;
use crate::report::Report;
use crate::source::{SourceFile, SourceMap};
use crate::span::FileId;

/// The code and title of each fix applied.
type Applied = Vec<(&'static str, String)>;

/// The new text of one file after applying fixes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixedFile {
    /// Which file.
    pub file: FileId,
    /// Its text with the fixes applied.
    pub text: String,
    /// The code and title of every fix applied, in order.
    pub applied: Vec<(&'static str, String)>,
}

/// `sources` with the text of each fixed file replaced (what `lint` reads next round).
#[must_use]
pub fn replaced(sources: &SourceMap, fixed: &[FixedFile]) -> SourceMap {
    let mut out = SourceMap::new();
    for (id, file) in sources.iter() {
        // An unchanged file's text is shared, not copied.
        let text: crate::SharedText = fixed
            .iter()
            .find(|f| f.file == id)
            .map_or_else(|| file.text.clone(), |f| f.text.as_str().into());
        out.add(SourceFile::new(file.name.clone(), text, file.kind));
    }
    out
}

/// Apply every fix of `report` that does not overlap another, file by file. Files without an
/// applicable fix are not returned.
#[must_use]
pub fn apply(report: &Report, sources: &SourceMap) -> Vec<FixedFile> {
    let mut taken: Vec<(FileId, Vec<Edit>, Applied)> = Vec::new();
    for d in &report.diagnostics {
        let Some(fix) = &d.fix else { continue };
        let Some(first) = fix.edits.first() else {
            continue;
        };
        let file = first.location.file;
        if fix.edits.iter().any(|e| {
            e.location.file != file
                || e.location.span.start > e.location.span.end
                || sources
                    .get(file)
                    .text
                    .get(e.location.span.range())
                    .is_none()
        }) {
            continue;
        }
        let slot = match taken.iter().position(|(f, _, _)| *f == file) {
            Some(i) => i,
            None => {
                taken.push((file, Vec::new(), Vec::new()));
                taken.len() - 1
            }
        };
        let (_, edits, applied) = &mut taken[slot];
        let fresh: Vec<&Edit> = fix.edits.iter().filter(|e| !edits.contains(e)).collect();
        let overlaps = fresh.iter().any(|e| {
            edits.iter().any(|t| {
                let (a, b) = (e.location.span, t.location.span);
                a.start < b.end && b.start < a.end || (a.start == b.start)
            })
        });
        if overlaps {
            continue;
        }
        edits.extend(fresh.into_iter().cloned());
        applied.push((d.code, fix.title.clone()));
    }
    taken
        .into_iter()
        .filter(|(_, edits, _)| !edits.is_empty())
        .map(|(file, mut edits, applied)| {
            edits.sort_by_key(|e| e.location.span.start);
            let original = &sources.get(file).text;
            let mut text = String::with_capacity(original.len());
            let mut at = 0usize;
            for e in &edits {
                let r = e.location.span.range();
                text.push_str(original.get(at..r.start).unwrap_or(""));
                text.push_str(&e.replacement);
                at = r.end;
            }
            text.push_str(original.get(at..).unwrap_or(""));
            FixedFile {
                file,
                text,
                applied,
            }
        })
        .collect()
}

/// A unified diff (`--- a/NAME`, `+++ b/NAME`, three lines of context) from `old` to `new`;
/// empty when they are equal.
#[must_use]
pub fn unified_diff(name: &str, old: &str, new: &str) -> String {
    if old == new {
        return String::new();
    }
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{name}"), &format!("b/{name}"))
        .to_string()
}
