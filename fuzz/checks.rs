//! The invariants every fuzz target checks, shared with the regression replay test
//! (`factory-compose/tests/fuzz_regressions.rs` includes this file with `#[path]`), so a crash
//! input kept under `fuzz/regressions/<target>/` is checked by `cargo test` exactly as libFuzzer
//! checked it.
#![allow(dead_code, unreachable_pub, clippy::disallowed_methods)]

use std::collections::HashMap;
use std::ops::Range;

use factory_compose::report::{human, json};
use factory_compose::yaml::{self, Limits, NodeKind, YamlProblem};
use factory_compose::{FileId, FileKind, ProcessEnv, Settings, SourceFile, SourceMap, Span, lint};

/// The check a target runs on one input.
pub type Check = fn(&[u8]);

/// Every target by name, for the replay test.
pub const TARGETS: &[(&str, Check)] = &[
    ("config_fixed_point", config_fixed_point),
    ("cron", cron),
    ("dockerfile", dockerfile),
    ("dotenv", dotenv),
    ("lint", lint_bytes),
    ("lint_structured", lint_structured),
    ("route_rule", route_rule),
    ("template", template),
    ("yaml_tree", yaml_tree),
];

fn on_boundaries(text: &str, r: &Range<usize>) -> bool {
    r.start <= r.end
        && r.end <= text.len()
        && text.is_char_boundary(r.start)
        && text.is_char_boundary(r.end)
}

fn check_span(text: &str, span: Span) {
    let r = span.range();
    assert!(
        on_boundaries(text, &r),
        "span {r:?} outside or splitting a char of {} bytes",
        text.len()
    );
}

/// The YAML span tree: no panic, every span inside the input and on char boundaries, the same
/// tree twice.
pub fn yaml_tree(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let limits = Limits {
        max_depth: 64,
        ..Limits::default()
    };
    let parsed = yaml::parse(text, FileId(0), &limits);
    for node in &parsed.tree.nodes {
        check_span(text, node.span);
        if let NodeKind::Mapping(entries) = node.kind {
            for e in parsed.tree.entries(entries) {
                if let Some(s) = parsed.tree.merged_from(e) {
                    check_span(text, s);
                }
            }
        }
    }
    for p in &parsed.problems {
        match p {
            YamlProblem::Syntax { span, .. }
            | YamlProblem::Limit { span, .. }
            | YamlProblem::UnknownAnchor { span, .. }
            | YamlProblem::BadMergeValue { span }
            | YamlProblem::AliasCycle { span, .. } => check_span(text, *span),
            YamlProblem::DuplicateKey { first, second, .. } => {
                check_span(text, *first);
                check_span(text, *second);
            }
        }
    }
    // The fast front end (when it reads the text) and saphyr-parser give the same result; and
    // the same twice.
    let saphyr = yaml::parse_with_saphyr(text, FileId(0), &limits);
    assert_eq!(
        parsed.problems, saphyr.problems,
        "fast path and saphyr differ"
    );
    assert_eq!(
        parsed.tree.documents, saphyr.tree.documents,
        "fast path and saphyr differ"
    );
    assert!(parsed.tree == saphyr.tree, "fast path and saphyr differ");
    let again = yaml::parse(text, FileId(0), &limits);
    assert!(parsed.tree == again.tree, "not deterministic");
}

/// Compose templates: no panic, spans inside the text, escaping round-trips.
pub fn template(data: &[u8]) {
    use factory_env::{Template, escape_dollars, interpolate};
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let check = |r: &Range<usize>| assert!(on_boundaries(text, r), "span {r:?} in {text:?}");
    let vars: HashMap<String, String> = [("A", "x"), ("B", ""), ("C", "$C")]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    match Template::parse(text) {
        Ok(t) => {
            for u in t.variables() {
                check(&u.span);
                check(&u.name_span);
            }
            if let Ok(r) = t.render(&vars) {
                for u in &r.unset {
                    check(&u.span);
                }
            }
        }
        Err(e) => check(&e.span),
    }
    let _ = interpolate(text, &vars);
    let escaped = escape_dollars(text);
    let back = interpolate(&escaped, &vars).expect("an escaped text is always a valid template");
    assert_eq!(back.value, text, "escape_dollars does not round-trip");
}

/// The `.env` parser: no panic, spans inside the text, errors with a sane line and column, the
/// strict parser agrees with the recovering one.
pub fn dotenv(data: &[u8]) {
    use factory_env::dotenv;
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (entries, errors) = dotenv::parse_recovering(text, &());
    for e in &entries {
        assert!(
            on_boundaries(text, &e.key_span) && on_boundaries(text, &e.value_span),
            "{e:?}"
        );
    }
    for e in &errors {
        assert!(on_boundaries(text, &e.span), "{e:?}");
        assert!(
            e.line >= 1 && e.line <= text.lines().count() + 1 && e.column >= 1,
            "{e:?}"
        );
    }
    assert_eq!(dotenv::parse(text, &()).is_ok(), errors.is_empty());
    // `format: raw` files, and the credentials FE008 looks for in any value.
    match dotenv::parse_raw(text, &()) {
        Ok(entries) => {
            for e in &entries {
                assert!(
                    on_boundaries(text, &e.key_span) && on_boundaries(text, &e.value_span),
                    "{e:?}"
                );
                assert_eq!(text.get(e.key_span.clone()), Some(e.key.as_str()), "{e:?}");
            }
        }
        Err(e) => assert!(on_boundaries(text, &e.span), "{e:?}"),
    }
    if let Some((range, _)) = factory_env::find_credential(text) {
        assert!(on_boundaries(text, &range), "{range:?}");
    }
}

/// Cron expressions: no panic, spans inside the text, every next run matches the schedule.
pub fn cron(data: &[u8]) {
    use factory_cron::Schedule;
    use jiff::Timestamp;
    use jiff::tz::TimeZone;
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Schedule::parse(text) {
        Err(e) => assert!(on_boundaries(text, &e.span), "{e:?}"),
        Ok(s) => {
            let _ = s.describe();
            let start = Timestamp::from_second(1_767_225_600).expect("2026-01-01");
            for t in s.upcoming(start, &TimeZone::UTC, 3) {
                assert!(s.matches(t.datetime()), "{text}: {t} does not match");
            }
            if s.never_fires() {
                assert!(
                    s.next_after(start, &TimeZone::UTC).is_none(),
                    "{text}: never_fires but fires"
                );
            }
        }
    }
}

/// Traefik rules: no panic, spans inside the text, matching and lints never panic.
pub fn route_rule(data: &[u8]) {
    use factory_route::{Request, Rule};
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Rule::parse(text) {
        Err(e) => assert!(on_boundaries(text, &e.span), "{e:?}"),
        Ok(rule) => {
            for w in rule.warnings() {
                assert!(on_boundaries(text, &w.span), "{w:?}");
            }
            let _ = rule.domains();
            for path in ["/", "/a/b", "/ws/", ""] {
                let _ = rule.matches(&Request::new("example.com", path));
            }
        }
    }
}

fn lint_checked(text: String, env: &ProcessEnv) {
    let mut sources = SourceMap::new();
    sources.add(SourceFile::new(
        "docker-compose.yml",
        text,
        FileKind::Compose,
    ));
    let settings = Settings::default();
    let report = lint(&sources, env, &settings);
    for d in &report.diagnostics {
        for l in d.primary.iter().chain(&d.secondary) {
            let file = &sources.get(l.location.file).text;
            check_span(file, l.location.span);
        }
    }
    let first = json::render(&report, &sources);
    let _ = human::render(&report, &sources, human::Color::Never, 1);
    let again = json::render(&lint(&sources, env, &settings), &sources);
    assert_eq!(first, again, "lint is not deterministic");
}

/// The whole pipeline on arbitrary bytes as a compose file: no panic, every diagnostic inside
/// the input and on char boundaries, both reporters run, the same report twice.
pub fn lint_bytes(data: &[u8]) {
    lint_checked(
        String::from_utf8_lossy(data).into_owned(),
        &ProcessEnv::default(),
    );
}

const FRAGMENTS: &[&str] = &[
    "    labels:\n      traefik.frontend.rule: Host:a.com;PathPrefix:/x\n      traefik.enable: 'true'\n",
    "    labels:\n      sh.factory.cronjob.schedule: \"*/5 * * * *\"\n      sh.factory.cronjob.command: echo hi\n",
    "    environment:\n      - A=${B:-${C:?x}}\n      - =v\n",
    "    volumes:\n      - data:/data\n      - type: bind\n        source: ./x\n        target: /x\n",
    "    <<: *base\n",
    "x-base: &base\n  restart: always\n",
    "    depends_on: [a, b]\n",
    "    healthcheck:\n      test: [CMD, x]\n      interval: 1m30s\n",
    "    expose: [80, \"90-100/udp\"]\n",
    "    image: ${REG}/app:${TAG}\n",
];

/// The first byte selects where fragments of valid compose go: after every 7th line of the rest
/// (decoded lossily), a fragment chosen by the selector and the line. With the environment the
/// fragments use.
fn spliced(data: &[u8]) -> Option<(String, ProcessEnv)> {
    let (&selector, rest) = data.split_first()?;
    let base = String::from_utf8_lossy(rest);
    let mut text = String::new();
    for (i, line) in base.lines().enumerate() {
        text.push_str(line);
        text.push('\n');
        if i % 7 == usize::from(selector % 7) {
            text.push_str(FRAGMENTS[(usize::from(selector) + i) % FRAGMENTS.len()]);
        }
    }
    let env = ProcessEnv {
        vars: vec![("REG".into(), "registry.example".into())],
    };
    Some((text, env))
}

/// Structure-aware: splice fragments of valid compose into a (corpus-seeded) document at line
/// boundaries, so the pipeline past the parser gets exercised; same invariants as `lint_bytes`.
pub fn lint_structured(data: &[u8]) {
    let Some((text, env)) = spliced(data) else {
        return;
    };
    lint_checked(text, &env);
}

/// Dockerfiles: the parser never fails or panics, every span is inside the text and on char
/// boundaries, stages point at real instructions, the final user and volumes never panic.
pub fn dockerfile(data: &[u8]) {
    use factory_compose::dockerfile;
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let df = dockerfile::parse(text);
    for i in &df.instructions {
        for r in [&i.span, &i.keyword_span, &i.first_line] {
            assert!(on_boundaries(text, r), "{r:?} in {i:?}");
        }
    }
    for st in &df.stages {
        assert!(st.from < df.instructions.len(), "{st:?}");
        assert!(
            st.body.start <= st.body.end && st.body.end <= df.instructions.len(),
            "{st:?}"
        );
        assert!(st.parent.is_none_or(|p| p < df.stages.len()), "{st:?}");
    }
    let _ = df.final_user();
    let _ = df.volumes().count();
    // Every stage's user in one pass is each stage's user found alone, unless a budget cut a
    // value (then each says where); what each stage's image exposes is what the `EXPOSE`
    // words of its whole chain give.
    let all: Vec<usize> = (0..df.stages.len()).collect();
    let users = df.stage_users(&all);
    assert_eq!(users.len(), all.len());
    for (i, user) in users.iter().enumerate().take(16) {
        let alone = df.stage_user(i);
        if user.over_budget.is_none() && alone.over_budget.is_none() {
            assert_eq!(user, &alone, "stage {i}");
        }
        let words = df.chain_expose_words(i);
        let mut ports: Vec<u16> = Vec::new();
        for port in words.iter().flat_map(|w| dockerfile::expose_ports(w)) {
            if !ports.contains(&port) {
                ports.push(port);
            }
        }
        let exposes = df.image_exposes(i).expect("a stage's image");
        assert_eq!(exposes.any, !words.is_empty(), "stage {i}");
        assert_eq!(exposes.count, ports.len(), "stage {i}");
        assert_eq!(exposes.lowest, ports.iter().min().copied(), "stage {i}");
        let first = ports.iter().take(dockerfile::ImageExposes::LISTED);
        assert!(exposes.first.iter().eq(first), "stage {i}");
        for &port in ports.iter().take(64) {
            assert!(df.image_exposes_port(i, port), "stage {i}, port {port}");
        }
    }
}

fn render_config(text: String, env: &ProcessEnv) -> Option<String> {
    use factory_compose::render::{Format, Options, render};
    use factory_compose::{Severity, load};
    let mut sources = SourceMap::new();
    sources.add(SourceFile::new(
        "docker-compose.yml",
        text,
        FileKind::Compose,
    ));
    let settings = Settings {
        project_name: Some("fuzz".into()),
        ..Settings::default()
    };
    let loaded = load(&sources, env, &settings);
    // What Compose refuses, `factory config` refuses (and prints nothing): each refusal placed
    // inside the input.
    let refusals = factory_compose::compose_refusals(&loaded, &sources, &settings);
    for d in &refusals {
        for l in d.primary.iter().chain(&d.secondary) {
            check_span(&sources.get(l.location.file).text, l.location.span);
        }
    }
    if !refusals.is_empty()
        || loaded
            .diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    {
        return None;
    }
    let options = Options {
        home: None,
        show_secrets: true,
    };
    Some(render(&loaded, &settings, &options, Format::Yaml))
}

/// `factory config` is a fixed point: rendering the project, loading the rendered YAML as a
/// compose file and rendering again gives the same text (same model). Inputs are built like
/// `lint_structured`'s so most of them are valid projects.
pub fn config_fixed_point(data: &[u8]) {
    let Some((text, env)) = spliced(data) else {
        return;
    };
    let Some(first) = render_config(text, &env) else {
        return;
    };
    // A `build.ssh` key with a path prints as `ID: PATH`, which Compose does not read back as
    // it printed it: it refuses it (`invalid ssh key "default: /k"`, v2.40.3), or, when the
    // path holds a `=`, reads another ID. No reload of such a rendering is checked.
    if has_ssh_path(&first) {
        return;
    }
    let Some(second) = render_config(first.clone(), &env) else {
        // `- =x` in `environment` or `labels` renders as the empty key `"": x`, which Compose
        // refuses when its own output is fed back to it (`additional properties '' not
        // allowed`, v2.40.3): so does factory. Any other refusal of the rendering is a bug.
        if first.lines().any(|l| l.trim_start().starts_with("\"\":")) {
            return;
        }
        panic!("the rendered config does not load without errors or is refused:\n{first}");
    };
    // Compose itself is no fixed point for a `$` in a mapping key: it escapes it (`- A{$=B` in
    // `environment` prints `A{$$: B`) but does not interpolate keys, so the printed key reads
    // back as `A{$$` and prints as `A{$$$$` (checked with Compose v2.40.3); the longer key may
    // also pass libyaml's 128 bytes and print as `? KEY`. So a reload may change how many `$`
    // a run has; a rendering with such a key is only checked to load again. Values are
    // interpolated on reload (`$$` reads back as `$` and prints as `$$`): a rendering without
    // such a key must come back byte for byte.
    // Nor for an empty build context (`build: ""`, a tagged empty scalar): Compose leaves the
    // empty `context` out of its output, and reading that output back gives the project's
    // folder as the context (checked with v2.40.3; so does factory).
    // Nor for a line break other than `\n` (U+2028, U+2029, NEL, a lone CR) in a value: go-yaml
    // writes the next character indented, and its YAML 1.1 reader takes the break and that
    // indentation back out (Compose's output is its own fixed point, checked with v2.40.3);
    // factory's YAML 1.2 reader keeps those characters in the value.
    let other_breaks = first.contains(['\u{2028}', '\u{2029}', '\u{85}', '\r']);
    if first != second
        && !has_dollar_key(&first)
        && !has_build_without_context(&first)
        && !other_breaks
    {
        assert_eq!(first, second, "rendering the rendered config changes it");
    }
}

/// Whether a service of the rendered YAML `text` has a `build` mapping without `context`.
fn has_build_without_context(text: &str) -> bool {
    let tree = yaml::parse(text, FileId(0), &Limits::default()).tree;
    let services = tree
        .root()
        .and_then(|r| tree.get(r, "services"))
        .and_then(|e| tree.mapping(e.value));
    services.unwrap_or_default().iter().any(|s| {
        tree.get(s.value, "build").is_some_and(|b| {
            tree.mapping(b.value).is_some() && tree.get(b.value, "context").is_none()
        })
    })
}

/// Whether a mapping key of the rendered YAML `text` holds an escaped `$` (`$$`), however YAML
/// writes the key (plain, quoted, explicit, a block scalar, first in a list item): read with
/// factory's YAML tree, not line by line.
fn has_dollar_key(text: &str) -> bool {
    let tree = yaml::parse(text, FileId(0), &Limits::default()).tree;
    tree.nodes.iter().any(|node| match node.kind {
        NodeKind::Mapping(entries) => tree
            .entries(entries)
            .iter()
            .any(|e| holds_dollars(&tree, e.key)),
        _ => false,
    })
}

/// Whether the rendered YAML `text` has a `build.ssh` item with a path (`ID: PATH`).
fn has_ssh_path(text: &str) -> bool {
    let tree = yaml::parse(text, FileId(0), &Limits::default()).tree;
    tree.nodes.iter().any(|node| match node.kind {
        NodeKind::Mapping(entries) => tree.entries(entries).iter().any(|e| {
            yaml::scalar_text(&tree, e.key) == Some("ssh")
                && tree.sequence(e.value).is_some_and(|items| {
                    items
                        .iter()
                        .any(|&i| yaml::scalar_text(&tree, i).is_some_and(|t| t.contains(": ")))
                })
        }),
        _ => false,
    })
}

/// Whether a scalar of the node `id` (a key may be a collection) holds `$$`.
fn holds_dollars(tree: &yaml::Tree, id: yaml::NodeId) -> bool {
    match tree.node(id).kind {
        NodeKind::Scalar(s) => tree.text(s).contains("$$"),
        NodeKind::Sequence(items) => tree.items(items).iter().any(|i| holds_dollars(tree, *i)),
        NodeKind::Mapping(entries) => tree
            .entries(entries)
            .iter()
            .any(|e| holds_dollars(tree, e.key) || holds_dollars(tree, e.value)),
    }
}

#[cfg(test)]
mod tests {
    use super::has_dollar_key;

    #[test]
    fn a_key_holding_dollars_is_found_wherever_yaml_puts_it() {
        for text in [
            "x-a:\n  K$$: v\n",
            "x-a:\n  K$$:\n",
            "x-a:\n  ? K$${R\n  : v\n",
            "x-a:\n  - K$${R: null\n",
            "x-a:\n  - - ? K$$\n      : v\n",
            "x-a:\n  ? long\n  : - K$$: v\n",
            "x-a:\n  m:\n    ? |-\n      y\n      n$$b\n    : null\n",
            "x-a:\n  \"a: $$\": v\n",
            "x-a:\n  - 'it''s $$': v\n",
        ] {
            assert!(has_dollar_key(text), "{text}");
        }
    }

    #[test]
    fn a_value_holding_dollars_is_not_a_key() {
        for text in [
            "x-a:\n  K: $$v\n",
            "x-a:\n  - $${R}\n",
            "x-a:\n  - \"a$$: b\"\n",
            "x-a:\n  - 'it''s $$: b'\n",
            "x-a:\n  - \"a\\\"$$: b\"\n",
        ] {
            assert!(!has_dollar_key(text), "{text}");
        }
    }
}
