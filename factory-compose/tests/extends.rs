//! `extends` and `include:` problems: each case is a project Compose v2.40.3 refuses (its error
//! is quoted), and factory must report it at the `extends`/`include` value.

use factory_compose::{FileKind, ProcessEnv, Settings, SourceFile, SourceMap, lint};

/// Files other than the compose file: (name, text).
type Others = &'static [(&'static str, &'static str)];

/// (compose file, other files, expected code, expected text at the primary span, Compose's error)
const CASES: &[(&str, Others, &str, &str, &str)] = &[
    (
        "services:\n  a:\n    image: x\n    extends: b\n  b:\n    extends: {service: a}\n",
        &[],
        "FC030",
        "a",
        "Circular reference: a in c1.yml extends b in c1.yml",
    ),
    (
        "services:\n  a:\n    image: x\n    extends: a\n",
        &[],
        "FC030",
        "a",
        "Circular reference",
    ),
    (
        "services:\n  a:\n    image: x\n    extends: nope\n",
        &[],
        "FC029",
        "nope",
        "cannot extend service \"a\" in c2.yml: service \"nope\" not found",
    ),
    (
        "services:\n  a:\n    image: x\n    extends: {service: s, file: gone.yml}\n",
        &[],
        "FC029",
        "gone.yml",
        "open gone.yml: no such file or directory",
    ),
    (
        "services:\n  a:\n    image: x\n    extends: {service: s, file: sub/o.yml}\n",
        &[("sub/o.yml", "services:\n  t:\n    image: y\n")],
        "FC029",
        "s",
        "cannot extend service \"a\": service \"s\" not found in sub/o.yml",
    ),
    (
        "include: [c2.yml]\nservices:\n  a:\n    image: y\n",
        &[("c2.yml", "services:\n  a:\n    image: x\n")],
        "FC003",
        "a",
        "services.a conflicts with imported resource",
    ),
    (
        "include: [c2.yml]\nservices:\n  a:\n    image: y\n    secrets: [s]\nsecrets:\n  s: {environment: A}\n",
        &[(
            "c2.yml",
            "services:\n  b:\n    image: x\nsecrets:\n  s: {environment: B}\n",
        )],
        "FC003",
        "s",
        "secrets.s conflicts with imported resource",
    ),
    (
        "include: [compose.yml]\nservices:\n  a:\n    image: y\n",
        &[],
        "FC030",
        "compose.yml",
        "include cycle detected: compose.yml include compose.yml",
    ),
];

#[test]
fn extends_problems_point_at_the_value() {
    let mut failures = Vec::new();
    for (compose, others, code, at, compose_error) in CASES {
        let mut sources = SourceMap::new();
        let main = sources.add(SourceFile::new("compose.yml", *compose, FileKind::Compose));
        for (name, text) in *others {
            sources.add(SourceFile::new(*name, *text, FileKind::Other));
        }
        let report = lint(&sources, &ProcessEnv::default(), &Settings::default());
        let found = report.diagnostics.iter().find(|d| d.code == *code);
        let text = found.and_then(|d| d.primary.as_ref()).map(|p| {
            let f = sources.get(p.location.file);
            (p.location.file, f.slice(p.location.span).to_owned())
        });
        let codes: Vec<_> = report.diagnostics.iter().map(|d| d.code).collect();
        if !codes.contains(&"FC012") && !compose.starts_with("include") {
            failures.push(format!("{compose:?}: FC012 no longer reports `extends`"));
        }
        if text.as_ref().map(|(f, t)| (*f, t.as_str())) != Some((main, *at)) {
            failures.push(format!(
                "{compose:?} (Compose: {compose_error}): expected {code} at `{at}`, got {text:?} in {codes:?}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn an_equal_included_definition_is_no_conflict() {
    // Compose v2.40.3 accepts a service (or volume, network …) that the project and the file it
    // includes define the same way, and prints it once.
    let mut sources = SourceMap::new();
    sources.add(SourceFile::new(
        "compose.yml",
        "include: [c2.yml]\nservices:\n  a:\n    image: x\n",
        FileKind::Compose,
    ));
    sources.add(SourceFile::new(
        "c2.yml",
        "services:\n  a:\n    image: x\n",
        FileKind::Other,
    ));
    let report = lint(&sources, &ProcessEnv::default(), &Settings::default());
    let codes: Vec<_> = report.diagnostics.iter().map(|d| d.code).collect();
    assert!(!codes.contains(&"FC003"), "{codes:?}");
}

#[test]
fn extends_is_resolved_before_the_rules() {
    // Compose v2.40.3 renders `b` with image `x:1` (inherited), so FC032 (no image) is silent.
    let mut sources = SourceMap::new();
    sources.add(SourceFile::new(
        "compose.yml",
        "services:\n  a:\n    image: x:1\n  b:\n    extends: a\n",
        FileKind::Compose,
    ));
    let report = lint(&sources, &ProcessEnv::default(), &Settings::default());
    let codes: Vec<_> = report.diagnostics.iter().map(|d| d.code).collect();
    assert!(!codes.contains(&"FC032"), "{codes:?}");
    assert!(codes.contains(&"FC012"), "{codes:?}");
}

mod random {
    use super::*;
    use proptest::prelude::*;

    fn piece() -> impl Strategy<Value = String> {
        prop::sample::select(vec![
            "services:\n",
            "  a:\n",
            "  b:\n",
            "    extends: a\n",
            "    extends: b\n",
            "    extends: {service: a, file: o.yml}\n",
            "    extends: {file: o.yml}\n",
            "    extends: [x]\n",
            "    image: x\n",
            "    build: .\n",
            "    volumes: [\"./v:/v\"]\n",
            "include: [o.yml]\n",
            "include:\n  - path: [o.yml, o.yml]\n    project_directory: ..\n",
            "include: o.yml\n",
            "  - ../x\n",
            "    env_file: [e]\n",
            "x: &a {extends: a}\n",
            "    <<: *a\n",
            "    command: !reset\n",
        ])
        .prop_map(str::to_owned)
    }

    proptest! {
        /// Any mix of `extends`/`include` shapes, in the project and in the other file: loading
        /// never panics and every diagnostic is on char boundaries of its file.
        #[test]
        fn extends_and_include_never_panic(
            main in prop::collection::vec(piece(), 0..12),
            other in prop::collection::vec(piece(), 0..12),
        ) {
            let mut sources = SourceMap::new();
            sources.add(SourceFile::new("compose.yml", main.concat(), FileKind::Compose));
            sources.add(SourceFile::new("o.yml", other.concat(), FileKind::Other));
            let report = lint(&sources, &ProcessEnv::default(), &Settings::default());
            for d in &report.diagnostics {
                if let Some(p) = &d.primary {
                    let text = &sources.get(p.location.file).text;
                    prop_assert!(text.is_char_boundary(p.location.span.start as usize));
                    prop_assert!(text.is_char_boundary(p.location.span.end as usize));
                }
            }
        }
    }
}

#[test]
fn extends_is_resolved_in_each_file_before_the_merge() {
    // `docker compose -f 1.yml -f 2.yml config` v2.40.3: a = y, b = x (b extends 1.yml's a).
    let mut sources = SourceMap::new();
    sources.add(SourceFile::new(
        "1.yml",
        "services:\n  a:\n    image: x\n  b:\n    extends: a\n",
        FileKind::Compose,
    ));
    sources.add(SourceFile::new(
        "2.yml",
        "services:\n  a:\n    image: y\n",
        FileKind::Compose,
    ));
    let loaded = factory_compose::load(&sources, &ProcessEnv::default(), &Settings::default());
    let image = |name: &str| {
        loaded
            .project
            .services
            .iter()
            .find(|s| s.name(&loaded.project.tree) == name)
            .and_then(|s| s.image.as_ref())
            .map(|i| i.text(&loaded.project.tree).to_owned())
    };
    assert_eq!(image("a").as_deref(), Some("y"));
    assert_eq!(image("b").as_deref(), Some("x"));
}

/// An `extends` cycle whose services hold `environment`/`labels`/`sysctls`: which mappings are
/// read as merged strings used to depend on a `HashMap`'s order, so one run reported a
/// `sysctls` value and the next did not (found by the `lint` fuzz target's determinism check).
#[test]
fn an_extends_cycle_lints_the_same_every_time() {
    let text = "services:\n  a:\n    image: x\n    sysctls: {s: 1}\n  b:\n    extends: d\n    labels: {l: \"1\"}\n  c:\n    extends: {service: b}\n    sysctls: {s: [1, 2]}\n    environment:\n      A: [x, y]\n  d:\n    image: y\n    extends: c\n";
    let mut sources = SourceMap::new();
    sources.add(SourceFile::new(
        "docker-compose.yml",
        text,
        FileKind::Compose,
    ));
    let run = || {
        let report = lint(&sources, &ProcessEnv::default(), &Settings::default());
        report
            .diagnostics
            .iter()
            .map(|d| format!("{} {}", d.code, d.message))
            .collect::<Vec<_>>()
    };
    let first = run();
    assert!(first.iter().any(|d| d.starts_with("FC030")), "{first:?}");
    for _ in 0..16 {
        assert_eq!(run(), first);
    }
}

/// A file `include` or `extends` reads whose top level is no mapping: Compose v2.40.3 refuses
/// the project (`top-level object must be a mapping`); factory dropped the included file
/// without a word, and called the extended one "not found". An empty file is no problem.
#[test]
fn a_read_file_that_is_no_mapping_is_fc002_in_that_file() {
    let cases: [(&str, &str, Option<&str>); 3] = [
        (
            "include: [list.yml]\nservices:\n  a:\n    image: y\n",
            "- a\n",
            Some("- a"),
        ),
        (
            "services:\n  a:\n    image: x\n    extends: {service: s, file: list.yml}\n",
            "- a\n",
            Some("- a"),
        ),
        (
            "include: [list.yml]\nservices:\n  a:\n    image: y\n",
            "",
            None,
        ),
    ];
    for (compose, other, at) in cases {
        let mut sources = SourceMap::new();
        sources.add(SourceFile::new("compose.yml", compose, FileKind::Compose));
        let list = sources.add(SourceFile::new("list.yml", other, FileKind::Other));
        let report = lint(&sources, &ProcessEnv::default(), &Settings::default());
        let fc002: Vec<_> = report
            .diagnostics
            .iter()
            .filter(|d| d.code == "FC002")
            .filter_map(|d| d.primary.as_ref())
            .map(|p| {
                (
                    p.location.file,
                    sources.get(p.location.file).slice(p.location.span),
                )
            })
            .collect();
        let expected: Vec<_> = at.map(|t| (list, t)).into_iter().collect();
        assert_eq!(fc002, expected, "{compose:?}");
        assert!(
            !report.diagnostics.iter().any(|d| d.code == "FC029"),
            "{compose:?}: the file was found"
        );
    }
}
