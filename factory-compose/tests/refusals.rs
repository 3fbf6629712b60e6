//! `compose_refusals` on projects of several files. Verdicts checked with `docker compose
//! config` v2.40.3 (`-f a.yml -f b.yml`, empty environment).

use factory_compose::{
    FileKind, ProcessEnv, Settings, SourceFile, SourceMap, compose_refusals, load,
};

fn refusals(files: &[(&str, &str)]) -> Vec<(String, String, u32)> {
    let mut sources = SourceMap::new();
    for (name, text) in files {
        sources.add(SourceFile::new(*name, *text, FileKind::Compose));
    }
    let (process, settings) = (ProcessEnv::default(), Settings::default());
    let loaded = load(&sources, &process, &settings);
    compose_refusals(&loaded, &sources, &process, &settings)
        .into_iter()
        .map(|d| {
            let at = d.primary.expect("a refusal has a place").location;
            let file = sources.get(at.file).name.clone();
            (d.code.to_owned(), file, at.span.start)
        })
        .collect()
}

/// Compose interpolates each file before merging: a value a later file replaces still fails.
#[test]
fn a_replaced_value_is_still_interpolated() {
    let a = "services:\n  web:\n    image: ${X:?nope}\n";
    let b = "services:\n  web:\n    image: nginx\n";
    assert_eq!(
        refusals(&[("a.yml", a), ("b.yml", b)]),
        vec![("FE003".to_owned(), "a.yml".to_owned(), 28)]
    );
    // Compose: `error while interpolating services.web.image: required variable X is missing a
    // value: nope` either way round; the kept value is reported once.
    assert_eq!(
        refusals(&[("b.yml", b), ("a.yml", a)]),
        vec![("FE003".to_owned(), "a.yml".to_owned(), 28)]
    );
    // Reset by the later file: still refused.
    let reset = "services:\n  web:\n    image: !reset null\n    build: .\n";
    assert_eq!(
        refusals(&[("a.yml", a), ("reset.yml", reset)]),
        vec![("FE003".to_owned(), "a.yml".to_owned(), 28)]
    );
    // A default: accepted.
    let with_default = "services:\n  web:\n    image: ${X:-nginx}\n";
    assert!(refusals(&[("a.yml", with_default), ("b.yml", b)]).is_empty());
}
