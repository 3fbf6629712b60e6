//! Where findings point (SPEC §6, "Which rule, and where it points"): a value inherited through
//! `<<: *anchor` points at the inheriting `<<` line, with a secondary label at the anchor's
//! definition.

use factory_compose::{
    Diagnostic, FileKind, LineIndex, ProcessEnv, Settings, SourceFile, SourceMap, lint,
};

/// A line and a column.
type At = (usize, usize);

/// The findings of `code` in `text`: where the primary location starts, and where the secondary
/// labels do.
fn places(text: &str, code: &str) -> Vec<(At, Vec<At>)> {
    let mut sources = SourceMap::new();
    sources.add(SourceFile::new(
        "docker-compose.yml",
        text,
        FileKind::Compose,
    ));
    let report = lint(&sources, &ProcessEnv::default(), &Settings::default());
    let index = LineIndex::new(text);
    let lc = |at: u32| {
        let lc = index.line_col(text, at);
        (lc.line, lc.column)
    };
    report
        .diagnostics
        .iter()
        .filter(|d: &&Diagnostic| d.code == code)
        .map(|d| {
            (
                lc(d.primary.as_ref().expect("a place").location.span.start),
                d.secondary
                    .iter()
                    .map(|l| lc(l.location.span.start))
                    .collect(),
            )
        })
        .collect()
}

/// `healthcheck: {<<: *hc}` and `logging: {<<: *log}`: each service's finding points at its
/// own `<<` line, with the anchor's value as the secondary label. They were reported once, at
/// the anchor, naming no service.
#[test]
fn a_key_inherited_inside_a_mapping_points_at_its_merge_key() {
    let text = "\
x-hc: &hc {interval: 5, retries: 3}
x-log: &log {driver: [json-file]}
services:
  a:
    image: registry.example/a:1.0
    healthcheck:
      <<: *hc
    logging:
      <<: *log
  b:
    image: registry.example/b:1.0
    healthcheck:
      <<: *hc
";
    assert_eq!(
        places(text, "FC025"),
        vec![((7, 7), vec![(1, 22)]), ((13, 7), vec![(1, 22)])]
    );
    assert_eq!(places(text, "FC031"), vec![((9, 7), vec![(2, 22)])]);
}

/// A finding inside an interpolated Traefik rule with variables on both sides of it points at
/// the text it is about: a substituted value at its whole `${...}` (it covered the whole
/// value).
#[test]
fn a_finding_between_variables_points_at_its_text() {
    let text = "\
services:
  web:
    image: registry.example/web:1.0
    expose: [\"80\"]
    labels:
      traefik.frontend.rule: Host:f.${D:-x.com};Host:g.${D:-x.com}
";
    let rule = text.lines().nth(5).expect("line 6");
    let column = rule.find(";Host:g").expect("the second matcher") + 2;
    assert_eq!(places(text, "FR014"), vec![((6, column), vec![])]);
    // Its end is the end of the second `${...}`.
    let mut sources = SourceMap::new();
    sources.add(SourceFile::new(
        "docker-compose.yml",
        text,
        FileKind::Compose,
    ));
    let report = lint(&sources, &ProcessEnv::default(), &Settings::default());
    let d = report
        .diagnostics
        .iter()
        .find(|d| d.code == "FR014")
        .expect("FR014");
    let span = d.primary.as_ref().expect("a place").location.span;
    assert_eq!(&text[span.range()], "Host:g.${D:-x.com}");
}
