//! What `config` prints, checked against `docker compose config --format json` v2.40.3: each
//! expected value below is what Compose printed for the same files (whose whole output
//! factory's equals byte for byte).

use factory_compose::render::{self, Format, Options};
use factory_compose::{FileKind, ProcessEnv, Settings, SourceFile, SourceMap, load};
use serde_json::{Value, json};

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

/// `text` (and `others` beside it) rendered as JSON.
fn json_doc(text: &str, others: &[(&str, &str)]) -> Value {
    serde_json::from_str(&rendered_with(text, others, Format::Json)).expect("JSON")
}

/// The service `a` of the one-file project `text`.
fn service(text: &str) -> Value {
    json_doc(text, &[])["services"]["a"].clone()
}

/// The key `key` of service `a` written as `key_yaml`, beside a service `b`.
fn service_key(key_yaml: &str, key: &str) -> Value {
    service(&format!(
        "services:\n  a:\n    image: x\n    {key_yaml}\n  b:\n    image: y\n"
    ))[key]
        .clone()
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

#[test]
fn sizes_are_printed_in_bytes() {
    let a = service(
        "services:\n  a:\n    image: x\n    shm_size: 256m\n    mem_reservation: \"512M\"\n    memswap_limit: 2gb\n    build:\n      context: .\n      shm_size: \"2GB\"\n    volumes:\n      - type: tmpfs\n        target: /t1\n        tmpfs:\n          size: 10m\n      - type: tmpfs\n        target: /t2\n        tmpfs:\n          size: 1000\n      - type: tmpfs\n        target: /t3\n        tmpfs:\n          size: \"1.5g\"\n",
    );
    assert_eq!(a["shm_size"], json!("268435456"));
    assert_eq!(a["mem_reservation"], json!("536870912"));
    assert_eq!(a["memswap_limit"], json!("2147483648"));
    assert_eq!(a["build"]["shm_size"], json!("2147483648"));
    let sizes: Vec<&Value> = a["volumes"]
        .as_array()
        .expect("volumes")
        .iter()
        .map(|v| &v["tmpfs"]["size"])
        .collect();
    assert_eq!(
        sizes,
        [&json!("10485760"), &json!("1000"), &json!("1610612736")]
    );
}

#[test]
fn false_mount_options_are_omitted() {
    let a = service(
        "services:\n  a:\n    image: x\n    volumes:\n      - type: bind\n        source: ./x\n        target: /x\n        bind:\n          create_host_path: false\n          propagation: rprivate\n      - type: volume\n        source: v\n        target: /v\n        volume:\n          nocopy: false\nvolumes:\n  v: {}\n",
    );
    assert_eq!(a["volumes"][0]["bind"], json!({"propagation": "rprivate"}));
    assert_eq!(a["volumes"][1]["volume"], json!({}));
}

#[test]
fn network_booleans_are_cast_and_false_ones_omitted() {
    let doc = json_doc(
        "services:\n  a:\n    image: x\n    networks: [n, m]\nnetworks:\n  n:\n    internal: false\n    attachable: \"true\"\n    enable_ipv6: \"false\"\n    enable_ipv4: true\n  m:\n    external: \"true\"\n",
        &[],
    );
    assert_eq!(
        doc["networks"],
        json!({
            "m": {"name": "m", "ipam": {}, "external": true},
            "n": {"name": "t_n", "ipam": {}, "attachable": true, "enable_ipv4": true, "enable_ipv6": false}
        })
    );
}

#[test]
fn hooks_render_like_the_service_keys() {
    let a = service(
        "services:\n  a:\n    image: x\n    post_start:\n      - command: sh -c \"echo hi\"\n        user: root\n        privileged: \"true\"\n        working_dir: /w\n        environment:\n          A: 1\n      - command: [\"ls\", \"-l\"]\n",
    );
    assert_eq!(
        a["post_start"],
        json!([
            {"command": ["sh", "-c", "echo hi"], "user": "root", "privileged": true, "working_dir": "/w", "environment": {"A": "1"}},
            {"command": ["ls", "-l"]}
        ])
    );
}

#[test]
fn repeated_items_are_replaced_in_place() {
    assert_eq!(
        service_key(r#"expose: ["1", 2, "1", "2"]"#, "expose"),
        json!(["1", "2"])
    );
    assert_eq!(service_key("dns: [a, b, a]", "dns"), json!(["a", "b"]));
    assert_eq!(
        service_key(r#"links: ["b", "b:x", "b"]"#, "links"),
        json!(["b", "b:x"])
    );
    assert_eq!(
        service_key(r#"volumes: ["/a:/a", "/b:/c", "/b:/a"]"#, "volumes"),
        json!([
            {"type": "bind", "source": "/b", "target": "/a", "bind": {"create_host_path": true}},
            {"type": "bind", "source": "/b", "target": "/c", "bind": {"create_host_path": true}}
        ])
    );
    assert_eq!(
        service_key(
            r#"ports: ["80:80", "81:81", "80:80/tcp", "0.0.0.0:80:80"]"#,
            "ports"
        ),
        json!([
            {"mode": "ingress", "host_ip": "0.0.0.0", "target": 80, "published": "80", "protocol": "tcp"},
            {"mode": "ingress", "target": 81, "published": "81", "protocol": "tcp"}
        ])
    );
}

/// compose-go's `ExpandUser` with `HOME=/home/me` (the process's, passed in `ProcessEnv` and
/// `Options::home`): any path starting with `~` is `filepath.Join(HOME, rest)`, cleaned (`~x`
/// is `/home/me/x`, `~/../y` is `/home/y`), in the project's files and in the files `include`
/// and `extends.file` read (not rebased on their folder). Expected values printed by `docker
/// compose config` v2.40.3 with `HOME=/home/me`; without `HOME` see the differential case
/// `tilde-paths-without-home`.
#[test]
fn a_tilde_path_is_the_home_folder_s() {
    let main = "include:\n  - lib/inc.yml\nservices:\n  web:\n    extends:\n      file: lib/ext.yml\n      service: base\n  main:\n    image: m\n    volumes:\n      - ~/h:/h\n      - ~x:/x\n      - \"~:/home\"\n      - ~/../y:/y\n    build:\n      context: ~x\n";
    let inc = "services:\n  worker:\n    image: y\n    volumes:\n      - ~/h:/h\n      - type: bind\n        source: ~/l\n        target: /l\n    build:\n      context: ~/ctx\n";
    let ext =
        "services:\n  base:\n    image: z\n    volumes: [~/b:/b, \"~y:/y\"]\n    build: ~/bctx\n";
    let mut sources = SourceMap::new();
    sources.add(SourceFile::new("compose.yml", main, FileKind::Compose));
    sources.add(SourceFile::new("lib/inc.yml", inc, FileKind::Other));
    sources.add(SourceFile::new("lib/ext.yml", ext, FileKind::Other));
    let settings = Settings {
        project_name: Some("t".to_owned()),
        project_dir: Some("/p".to_owned()),
        ..Settings::default()
    };
    let process = ProcessEnv {
        vars: vec![("HOME".to_owned(), "/home/me".to_owned())],
    };
    let loaded = load(&sources, &process, &settings);
    let options = Options {
        home: Some("/home/me".to_owned()),
        ..Options::default()
    };
    let doc: Value =
        serde_json::from_str(&render::render(&loaded, &settings, &options, Format::Json))
            .expect("JSON");
    let sources_of = |svc: &str| -> Vec<Value> {
        doc["services"][svc]["volumes"]
            .as_array()
            .expect("volumes")
            .iter()
            .map(|v| v["source"].clone())
            .collect()
    };
    assert_eq!(
        sources_of("main"),
        [
            json!("/home/me/h"),
            json!("/home/me/x"),
            json!("/home/me"),
            json!("/home/y")
        ]
    );
    assert_eq!(
        doc["services"]["main"]["build"]["context"],
        json!("/home/me/x")
    );
    assert_eq!(
        sources_of("worker"),
        [json!("/home/me/h"), json!("/home/me/l")]
    );
    assert_eq!(
        doc["services"]["worker"]["build"]["context"],
        json!("/home/me/ctx")
    );
    assert_eq!(
        sources_of("web"),
        [json!("/home/me/b"), json!("/home/me/y")]
    );
    assert_eq!(
        doc["services"]["web"]["build"]["context"],
        json!("/home/me/bctx")
    );
}

/// `build.ssh` prints as compose-go's `SSHKey.MarshalYAML` writes it: `ID` or `ID: PATH`, the
/// path made absolute (`./key` and `key` are `/p/key`, an empty one `/p`, a number stays a
/// number), a later ID replacing an earlier one. Each line checked with Compose v2.40.3, whose
/// order of several keys changes from run to run (a Go map's): factory keeps the written one.
/// Compose cannot print a path in JSON (`json: error calling MarshalJSON for type
/// types.SSHKey`); factory prints the same strings.
#[test]
fn build_ssh_keys_print_as_compose_prints_them() {
    let ssh = |keys: &str| {
        let text = format!("services:\n  a:\n    build:\n      context: .\n      ssh: {keys}\n");
        let yaml = rendered(&text, Format::Yaml);
        let lines: Vec<String> = yaml
            .lines()
            .skip_while(|l| l.trim() != "ssh:")
            .skip(1)
            .take_while(|l| l.trim_start().starts_with("- "))
            .map(|l| l.trim().to_owned())
            .collect();
        let json = json_doc(&text, &[])["services"]["a"]["build"]["ssh"].clone();
        (lines, json)
    };
    let (yaml, json) = ssh("[default=/k, other=, default]");
    assert_eq!(yaml, ["- default", "- 'other: /p'"]);
    assert_eq!(json, json!(["default", "other: /p"]));
    let (yaml, _) = ssh("[a=./key, b=key, e=tcp://h, d=$$SOCK]");
    assert_eq!(
        yaml,
        [
            "- 'a: /p/key'",
            "- 'b: /p/key'",
            "- 'e: /p/tcp:/h'",
            "- 'd: /p/$$SOCK'"
        ]
    );
    let (yaml, _) = ssh("{x: 1, default: null}");
    assert_eq!(yaml, ["- 'x: 1'", "- default"]);
}

/// An empty list in a top-level extension is `null` in Compose's JSON (a nil slice) and `[]` in
/// its YAML (both checked with Compose v2.40.3).
#[test]
fn an_extensions_empty_lists_are_null_in_json_only() {
    let text = "services:\n  a:\n    image: x\nx-c: {l: [[], {s: []}], n: [1]}\nx-e: []\n";
    let doc = json_doc(text, &[]);
    assert_eq!(doc["x-c"], json!({"l": [null, {"s": null}], "n": [1]}));
    assert_eq!(doc["x-e"], Value::Null);
    assert!(doc.as_object().is_some_and(|o| o.contains_key("x-e")));
    let yaml = rendered(text, Format::Yaml);
    assert!(
        yaml.ends_with("x-c:\n  l:\n    - []\n    - s: []\n  \"n\":\n    - 1\nx-e: []\n"),
        "{yaml}"
    );
}
