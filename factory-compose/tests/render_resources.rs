//! `config` prints only the top-level networks, volumes, secrets and configs an enabled service
//! uses, like `docker compose config` (compose-go `WithoutUnnecessaryResources`). The expected
//! names below are what Compose v2.40.3 printed for this file (`config --format json`, whose
//! whole output factory's equals byte for byte).

use factory_compose::render::{self, Format, Options};
use factory_compose::{FileKind, ProcessEnv, Settings, SourceFile, SourceMap, load};
use serde_json::Value;

const FILE: &str = "\
services:
  web:
    image: nginx
    volumes:
      - data:/data
      - ./site:/site
      - type: volume
        source: logs
        target: /logs
      - /anon
    secrets:
      - short
      - source: long
        target: t
    configs:
      - cfg
    build:
      context: .
      secrets:
        - buildsecret
    networks:
      - front
  off:
    image: nginx
    profiles: [debug]
    volumes:
      - offvol:/x
    networks: [offnet]
  host:
    image: nginx
    network_mode: host
volumes:
  data: {}
  logs: {}
  offvol: {}
  unused: {}
networks:
  front: {}
  offnet: {}
  unusednet:
    external: true
secrets:
  short: {file: ./s.txt}
  long: {file: ./s.txt}
  buildsecret: {environment: HOME}
  unusedsecret: {file: ./s.txt}
configs:
  cfg: {file: ./s.txt}
  unusedcfg: {file: ./s.txt}
";

fn rendered(text: &str, format: Format) -> String {
    rendered_with(text, &[], format)
}

/// `text` as `compose.yml` with `others` (name, text) beside it for `include:`.
fn rendered_with(text: &str, others: &[(&str, &str)], format: Format) -> String {
    let mut sources = SourceMap::new();
    sources.add(SourceFile::new("compose.yml", text, FileKind::Compose));
    for (name, other) in others {
        sources.add(SourceFile::new(*name, *other, FileKind::Other));
    }
    let settings = Settings {
        project_name: Some("t".to_owned()),
        project_dir: Some("/p".to_owned()),
        ..Settings::default()
    };
    let loaded = load(&sources, &ProcessEnv::default(), &settings);
    render::render(&loaded, &settings, &Options::default(), format)
}

fn names(doc: &Value, key: &str) -> Vec<String> {
    doc.get(key)
        .and_then(Value::as_object)
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default()
}

#[test]
fn only_used_resources_are_printed() {
    let doc: Value = serde_json::from_str(&rendered(FILE, Format::Json)).expect("JSON");
    assert_eq!(names(&doc, "networks"), ["front"]);
    assert_eq!(names(&doc, "volumes"), ["data", "logs"]);
    assert_eq!(names(&doc, "secrets"), ["buildsecret", "long", "short"]);
    assert_eq!(names(&doc, "configs"), ["cfg"]);
    // A build secret's short form is its source, without the service secrets' default target.
    assert_eq!(
        doc["services"]["web"]["build"]["secrets"],
        serde_json::json!([{"source": "buildsecret"}])
    );
    let yaml = rendered(FILE, Format::Yaml);
    for unused in [
        "unused:",
        "offvol:",
        "offnet:",
        "unusednet:",
        "unusedsecret:",
        "unusedcfg:",
    ] {
        assert!(!yaml.contains(unused), "{unused} printed:\n{yaml}");
    }
}

#[test]
fn no_service_no_resources() {
    // Compose prints only `name` and `services: {}` for a file of unused resources.
    let doc: Value = serde_json::from_str(&rendered(
        "volumes:\n  v: {}\nnetworks:\n  n: {}\n",
        Format::Json,
    ))
    .expect("JSON");
    assert_eq!(doc, serde_json::json!({"name": "t", "services": {}}));
}

#[test]
fn included_resources_are_imported() {
    // Compose v2.40.3 prints the included file's secret with its path resolved against the
    // included file's folder, and its network; not its unused secret `g` nor volume `v`.
    let doc: Value = serde_json::from_str(&rendered_with(
        "include: [sub/c.yml]\nservices:\n  a:\n    image: x\n    secrets: [f]\n    networks: [n]\n",
        &[(
            "sub/c.yml",
            "services:\n  b:\n    image: x\nsecrets:\n  f: {file: ./f.txt}\n  g: {file: ./g.txt}\nnetworks:\n  n: {}\nvolumes:\n  v: {}\n",
        )],
        Format::Json,
    ))
    .expect("JSON");
    assert_eq!(
        doc["secrets"],
        serde_json::json!({"f": {"name": "t_f", "file": "/p/sub/f.txt"}})
    );
    assert_eq!(names(&doc, "networks"), ["default", "n"]);
    assert_eq!(names(&doc, "volumes"), Vec::<String>::new());
    assert_eq!(names(&doc, "services"), ["a", "b"]);
}

#[test]
fn nested_includes_are_resolved() {
    // Compose v2.40.3: `a.yml` includes `sub/b.yml`, which includes `c.yml` beside it; the
    // project has the services of all three.
    let doc: Value = serde_json::from_str(&rendered_with(
        "include: [sub/b.yml]\nservices:\n  a:\n    image: x\n",
        &[
            (
                "sub/b.yml",
                "include: [c.yml]\nservices:\n  b:\n    image: x\n",
            ),
            ("sub/c.yml", "services:\n  c:\n    image: x\n"),
        ],
        Format::Json,
    ))
    .expect("JSON");
    assert_eq!(names(&doc, "services"), ["a", "b", "c"]);
}

#[test]
fn an_include_cycle_ends() {
    // Compose v2.40.3 refuses it (`include cycle detected: compose.yml include sub/b.yml include
    // sub/c.yml include compose.yml`); factory reports FC030 where the cycle closes and loads
    // each file once.
    let mut sources = SourceMap::new();
    sources.add(SourceFile::new(
        "compose.yml",
        "include: [sub/b.yml]\nservices:\n  a:\n    image: x\n",
        FileKind::Compose,
    ));
    for (name, text) in [
        (
            "sub/b.yml",
            "include: [c.yml]\nservices:\n  b:\n    image: x\n",
        ),
        (
            "sub/c.yml",
            "include: [../compose.yml]\nservices:\n  c:\n    image: x\n",
        ),
    ] {
        sources.add(SourceFile::new(name, text, FileKind::Other));
    }
    let report = factory_compose::lint(&sources, &ProcessEnv::default(), &Settings::default());
    let cycles: Vec<&str> = report
        .diagnostics
        .iter()
        .filter(|d| d.code == "FC030")
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(
        cycles,
        ["include cycle: compose.yml includes sub/b.yml includes sub/c.yml includes compose.yml"]
    );
}
