//! Multi-file merge as the rules see it: values from the file that set them, Compose's merge
//! rules per key, and diagnostics that name the overridden base value. (Rendering the merged
//! model against `shared/cases/merge/*/expected.json` is tested with `factory config`.)

use factory_compose::model::Project;
use factory_compose::{FileId, FileKind, ProcessEnv, Settings, SourceFile, SourceMap, lint, load};

fn sources(files: &[(&str, &str)]) -> SourceMap {
    let mut map = SourceMap::new();
    for (name, text) in files {
        map.add(SourceFile::new(*name, *text, FileKind::Compose));
    }
    map
}

fn project(files: &[(&str, &str)]) -> Project {
    load(
        &sources(files),
        &ProcessEnv::default(),
        &Settings::default(),
    )
    .project
}

#[test]
fn environment_merges_by_name_across_list_and_map_forms() {
    let p = project(&[
        (
            "base.yml",
            "services:\n  web:\n    image: x:1\n    environment:\n      - A=base-a\n      - B=base-b\n      - UNSET\n",
        ),
        (
            "over.yml",
            "services:\n  web:\n    environment:\n      B: over-b\n      C: over-c\n",
        ),
    ]);
    let web = p.service("web").unwrap();
    let env: Vec<(String, Option<String>, FileId)> = web
        .environment
        .unwrap()
        .entries(&p)
        .iter()
        .map(|kv| {
            (
                kv.key(&p.tree).to_owned(),
                kv.value(&p.tree).map(ToOwned::to_owned),
                kv.key_at(&p.tree).file,
            )
        })
        .collect();
    assert_eq!(
        env,
        [
            ("A".to_owned(), Some("base-a".to_owned()), FileId(0)),
            ("B".to_owned(), Some("over-b".to_owned()), FileId(1)),
            ("UNSET".to_owned(), None, FileId(0)),
            ("C".to_owned(), Some("over-c".to_owned()), FileId(1)),
        ]
    );
}

#[test]
fn volumes_merge_by_target_in_place_and_ports_append_unique() {
    let p = project(&[
        (
            "base.yml",
            "services:\n  web:\n    image: x:1\n    volumes: [\"./a:/data\", \"./logs:/logs\"]\n    ports: [\"80:80\"]\n",
        ),
        (
            "over.yml",
            "services:\n  web:\n    volumes: [\"./b:/data\"]\n    ports: [\"80:80\", \"443:443\"]\n",
        ),
    ]);
    let web = p.service("web").unwrap();
    let volumes: Vec<&str> = web
        .volumes
        .unwrap()
        .items(&p)
        .iter()
        .map(|v| v.text(&p.tree))
        .collect();
    assert_eq!(volumes, ["./b:/data", "./logs:/logs"]);
    let ports: Vec<&str> = web
        .ports
        .unwrap()
        .items(&p)
        .iter()
        .map(|v| v.text(&p.tree))
        .collect();
    assert_eq!(ports, ["80:80", "443:443"]);
}

#[test]
fn command_is_replaced_and_reset_drops_a_value() {
    let p = project(&[
        (
            "base.yml",
            "services:\n  web:\n    image: x:1\n    command: [a, b]\n    links: [db]\n  db:\n    image: db:1\n",
        ),
        (
            "over.yml",
            "services:\n  web:\n    command: c\n    links: !reset []\n",
        ),
    ]);
    let web = p.service("web").unwrap();
    assert!(
        matches!(&web.command(&p.tree).unwrap().value, factory_compose::model::CommandValue::Shell(s) if s == "c")
    );
    assert!(web.links().is_none());
}

#[test]
fn a_diagnostic_in_the_override_names_the_base_value() {
    let map = sources(&[
        (
            "base.yml",
            "services:\n  web:\n    image: x:1\n    restart: always\n",
        ),
        ("over.yml", "services:\n  web:\n    restart: allways\n"),
    ]);
    let report = lint(&map, &ProcessEnv::default(), &Settings::default());
    let d = report
        .diagnostics
        .iter()
        .find(|d| d.code == "FC024")
        .expect("FC024");
    assert_eq!(d.primary.as_ref().unwrap().location.file, FileId(1));
    let base = d
        .secondary
        .iter()
        .find(|l| l.location.file == FileId(0))
        .expect("a label on the base value");
    assert_eq!(base.text.as_deref(), Some("overrides the value set here"));
}

#[test]
fn a_null_in_the_override_keeps_the_base_value() {
    // Compose v2.40.3 (`docker compose -f base.yml -f over.yml config`) keeps `image`,
    // `volumes`, `healthcheck` and the whole service `b` of the base when the override writes
    // them empty, but takes the empty `command` (it replaces whatever the override says).
    let p = project(&[
        (
            "base.yml",
            "services:\n  a:\n    image: x:1\n    command: run\n    volumes: [/h:/c]\n    healthcheck: {test: [CMD, \"true\"]}\n  b:\n    image: y:1\n",
        ),
        (
            "over.yml",
            "services:\n  a:\n    image:\n    command:\n    volumes: ~\n    healthcheck: null\n  b:\n",
        ),
    ]);
    let a = p.service("a").unwrap();
    assert_eq!(a.image.as_ref().map(|i| i.text(&p.tree)), Some("x:1"));
    assert!(a.volumes.is_some_and(|v| v.len() == 1));
    assert!(a.healthcheck.is_some());
    assert!(
        a.command(&p.tree)
            .is_none_or(|c| matches!(c.value, factory_compose::model::CommandValue::Null))
    );
    assert_eq!(
        p.service("b")
            .and_then(|b| b.image.as_ref())
            .map(|i| i.text(&p.tree)),
        Some("y:1")
    );
    let report = lint(
        &sources(&[
            ("base.yml", "services:\n  b:\n    image: y:1\n"),
            ("over.yml", "services:\n  b:\n"),
        ]),
        &ProcessEnv::default(),
        &Settings::default(),
    );
    assert!(
        !report.diagnostics.iter().any(|d| d.code == "FC002"),
        "an empty service in the override is no error for Compose"
    );
}

#[test]
fn reset_of_one_key_removes_it_from_an_earlier_mapping_only() {
    // Compose v2.40.3: `A: !reset` in the override removes `A` when the base wrote
    // `environment` as a mapping, and keeps it when the base wrote a list (compose-go's reset
    // does not remove from sequences).
    let names = |base_env: &str| -> Vec<String> {
        let base = format!("services:\n  web:\n    image: a\n    environment: {base_env}\n");
        let p = project(&[
            ("base.yml", base.as_str()),
            (
                "over.yml",
                "services:\n  web:\n    environment:\n      A: !reset\n      C: 3\n",
            ),
        ]);
        p.service("web")
            .and_then(|w| w.environment)
            .map(|e| {
                e.entries(&p)
                    .iter()
                    .map(|kv| kv.key(&p.tree).to_owned())
                    .collect()
            })
            .unwrap_or_default()
    };
    assert_eq!(names("{A: 1, B: 2}"), ["B", "C"]);
    assert_eq!(names("[A=1, B=2]"), ["A", "B", "C"]);
}

/// compose-go reads each document of a file as one more file merged onto the ones before
/// (`loadYamlFile`): the rules see the services and keys of every document, at their place.
#[test]
fn every_document_of_a_file_is_merged_and_linted() {
    let text = "services:\n  app:\n    image: x:1\n---\nservices:\n  app:\n    environment: [A=1]\n  worker:\n    image: y:1\n    privileged: true\n";
    let p = project(&[("docker-compose.yml", text)]);
    let names: Vec<&str> = p.services.iter().map(|s| s.name(&p.tree)).collect();
    assert_eq!(names, ["app", "worker"]);
    assert_eq!(
        p.service("app")
            .and_then(|s| s.env(&p, "A"))
            .and_then(|kv| kv.value(&p.tree)),
        Some("1")
    );
    let report = lint(
        &sources(&[("docker-compose.yml", text)]),
        &ProcessEnv::default(),
        &Settings::default(),
    );
    let fc012 = report
        .diagnostics
        .iter()
        .find(|d| d.code == "FC012")
        .expect("`privileged` of the second document is reported");
    let at = fc012.primary.as_ref().expect("a place").location;
    assert_eq!(&text[at.span.range()], "privileged");
}
