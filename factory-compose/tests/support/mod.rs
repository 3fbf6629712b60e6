//! What several integration tests share: the corpus beside the repository, a corpus file as
//! sources, and loading as the CLI does (adding the files a project refers to).
#![allow(dead_code, clippy::disallowed_methods)]

use std::path::{Path, PathBuf};

use factory_compose::{FileKind, Loaded, ProcessEnv, Settings, SourceFile, SourceMap, load};

/// `../shared/corpus`.
pub(crate) fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus")
}

/// The corpus file `path` (decoded lossily) as a compose source, with the `.env` of its
/// folder when there is one; `None` when the file cannot be read.
pub(crate) fn corpus_sources(path: &str) -> Option<SourceMap> {
    let file = corpus().join(path);
    let bytes = std::fs::read(&file).ok()?;
    let mut sources = SourceMap::new();
    sources.add(SourceFile::new(
        path,
        String::from_utf8_lossy(&bytes).into_owned(),
        FileKind::Compose,
    ));
    if let Some(dotenv) = file
        .parent()
        .map(|d| d.join(".env"))
        .filter(|p| p.is_file())
    {
        let env = String::from_utf8_lossy(&std::fs::read(dotenv).unwrap_or_default()).into_owned();
        sources.add(SourceFile::new(".env", env, FileKind::Dotenv));
    }
    Some(sources)
}

/// Load `sources` as the CLI does: add the files the project refers to (`include`,
/// `extends.file`, `env_file`, `label_file`, relative to `dir`) until a load asks for nothing
/// new.
pub(crate) fn load_with_references(
    sources: &mut SourceMap,
    dir: &Path,
    process: &ProcessEnv,
    settings: &Settings,
) -> Loaded {
    let mut tried: Vec<String> = Vec::new();
    loop {
        let loaded = load(sources, process, settings);
        let mut added = false;
        for r in loaded.referenced_files() {
            if tried.contains(&r.path) {
                continue;
            }
            tried.push(r.path.clone());
            if let Ok(bytes) = std::fs::read(dir.join(&r.path)) {
                let text = String::from_utf8_lossy(&bytes).into_owned();
                sources.add(SourceFile::new(r.path, text, FileKind::Other));
                added = true;
            }
        }
        if !added {
            return loaded;
        }
    }
}

/// A "billion laughs" document: nine anchors, each a list of nine aliases of the one before
/// (9^9 nodes once expanded), then `tail`, which names `*i`.
pub(crate) fn billion_laughs(tail: &str) -> String {
    let mut text = String::from(
        "x-a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let mut prev = 'a';
    for name in "bcdefghi".chars() {
        let refs = vec![format!("*{prev}"); 9].join(",");
        text.push_str(&format!("x-{name}: &{name} [{refs}]\n"));
        prev = name;
    }
    text.push_str(tail);
    text
}
