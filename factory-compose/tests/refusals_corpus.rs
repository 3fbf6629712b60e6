//! `compose_refusals` against Compose's own verdict on every corpus file (`compose_config_ok`
//! and `config_error` in `../shared/corpus/INDEX.tsv`, recorded with Compose v2.40.3): a file
//! Compose accepts gets no refusal; a file Compose refuses gets one, unless Compose's reason
//! is outside what the library sees (a file on disk the caller did not add).
#![allow(clippy::disallowed_methods)]

mod support;

use std::path::Path;

use factory_compose::{
    FileKind, Loaded, ProcessEnv, Settings, SourceFile, SourceMap, compose_refusals, load,
};
use support::{corpus, corpus_sources, load_with_references};

/// Compose's reasons the library does not see: a missing `env_file` (the CLI checks the disk).
fn needs_other_files(error: &str) -> bool {
    error.starts_with("env file ")
}

/// Render `loaded` as `factory config` prints it, load that as a compose file, and return its
/// first refusal.
fn rendered_refusal(loaded: &Loaded) -> Option<String> {
    use factory_compose::render::{Format, Options, render};
    let settings = Settings {
        project_name: Some("corpus".to_owned()),
        project_dir: Some("/project".to_owned()),
        ..Settings::default()
    };
    let options = Options {
        home: Some("/home/user".to_owned()),
        show_secrets: true,
    };
    let text = render(loaded, &settings, &options, Format::Yaml);
    let mut sources = SourceMap::new();
    sources.add(SourceFile::new("rendered.yml", text, FileKind::Compose));
    let (process, settings) = (ProcessEnv::default(), Settings::default());
    let reloaded = load(&sources, &process, &settings);
    compose_refusals(&reloaded, &sources, &settings)
        .first()
        .map(|d| format!("{} {}", d.code, d.message))
}

#[test]
fn refusals_agree_with_compose_on_the_corpus() {
    let index =
        std::fs::read_to_string(corpus().join("INDEX.tsv")).expect("../shared/corpus/INDEX.tsv");
    let mut failures = Vec::new();
    let (mut accepted, mut refused) = (0, 0);
    for line in index.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let path = cols[0];
        let ok = cols.get(2).copied() == Some("yes");
        let error = cols.get(3).copied().unwrap_or("");
        if !ok && needs_other_files(error) {
            continue;
        }
        let mut sources = corpus_sources(path).expect("corpus file");
        let dir = corpus().join(path);
        let dir = dir.parent().unwrap_or(Path::new("."));
        let loaded = load_with_references(
            &mut sources,
            dir,
            &ProcessEnv::default(),
            &Settings::default(),
        );
        let found = compose_refusals(&loaded, &sources, &Settings::default());
        match (ok, found.first()) {
            (true, Some(d)) => failures.push(format!(
                "{path}: Compose accepts it, factory refuses: {} {}",
                d.code, d.message
            )),
            (false, None) => failures.push(format!(
                "{path}: Compose refuses it ({error}), factory accepts it"
            )),
            (true, None) => {
                accepted += 1;
                // What `config` prints for it is a project Compose accepts too.
                if let Some(d) = rendered_refusal(&loaded) {
                    failures.push(format!("{path}: its rendered config is refused: {d}"));
                }
            }
            (false, Some(_)) => refused += 1,
        }
    }
    assert!(accepted >= 200, "only {accepted} accepted files agree");
    assert!(
        failures.is_empty(),
        "{} disagreements ({accepted} accepted and {refused} refused agree):\n{}",
        failures.len(),
        failures.join("\n")
    );
}
