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

/// Service `name`'s environment as `(key, value)`, in the merged order.
fn environment(p: &Project, name: &str) -> Vec<(String, Option<String>)> {
    p.service(name)
        .and_then(|s| s.environment)
        .map(|env| {
            env.entries(p)
                .iter()
                .map(|kv| {
                    (
                        kv.key(&p.tree).to_owned(),
                        kv.value(&p.tree).map(ToOwned::to_owned),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// `(key, value)` pairs from `K=V` strings, `K` alone having no value.
fn pairs(items: &[&str]) -> Vec<(String, Option<String>)> {
    items
        .iter()
        .map(|i| match i.split_once('=') {
            Some((k, v)) => (k.to_owned(), Some(v.to_owned())),
            None => ((*i).to_owned(), None),
        })
        .collect()
}

/// The merge order with repeated names, indexed rather than searched since an audit found
/// quadratic scans: a later item replaces the first earlier one of its name in place, the
/// earlier file's repeats stay, new names go last in the later file's order.
#[test]
fn a_list_environment_replaces_the_first_item_of_a_name_in_place() {
    let p = project(&[
        (
            "base.yml",
            "services:\n  web:\n    image: x:1\n    environment: [A=1, B=2, A=3, C, '=e']\n",
        ),
        (
            "over.yml",
            "services:\n  web:\n    environment: [A=9, D=4, C=5, B, D=6, =f]\n",
        ),
    ]);
    assert_eq!(
        environment(&p, "web"),
        pairs(&["A=9", "B", "A=3", "C=5", "=f", "D=6"])
    );
}

/// A service extending the next in a chain of thousands is resolved without running out of
/// stack (resolving by recursion aborted the process at 20 000 on the main thread; a test
/// thread's stack is smaller), each link merged onto the service it extends.
#[test]
fn a_long_extends_chain_is_resolved_without_recursion() {
    let n = 20_000;
    let mut text = String::from("services:\n");
    for i in 0..n {
        text.push_str(&format!("  a{i}:\n    image: x:1\n"));
        if i + 1 < n {
            text.push_str(&format!("    extends: a{}\n", i + 1));
        } else {
            text.push_str("    environment: [ROOT=1]\n");
        }
    }
    let p = project(&[("compose.yml", &text)]);
    for name in ["a0", "a1", "a19998"] {
        assert_eq!(environment(&p, name), pairs(&["ROOT=1"]), "{name}");
    }
}

/// A cycle at the end of a long chain is still found and named from where it starts.
#[test]
fn a_cycle_at_the_end_of_a_long_chain_is_reported() {
    let n = 3_000;
    let mut text = String::from("services:\n  top:\n    image: x:1\n    extends: a0\n");
    for i in 0..n {
        text.push_str(&format!(
            "  a{i}:\n    image: x:1\n    extends: a{}\n",
            (i + 1) % n
        ));
    }
    let report = lint(
        &sources(&[("compose.yml", &text)]),
        &ProcessEnv::default(),
        &Settings::default(),
    );
    let cycles: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.code == "FC030")
        .collect();
    assert_eq!(cycles.len(), 1, "{cycles:#?}");
}
