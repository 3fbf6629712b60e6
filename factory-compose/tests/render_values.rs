//! Values `config` prints in Compose's canonical form. Each expected value is what
//! `docker compose config --format json` v2.40.3 printed for the same file.

use factory_compose::render::{self, Format, Options};
use factory_compose::{FileKind, ProcessEnv, Settings, SourceFile, SourceMap, load};
use serde_json::{Value, json};

fn service(text: &str) -> Value {
    let mut sources = SourceMap::new();
    sources.add(SourceFile::new("compose.yml", text, FileKind::Compose));
    let settings = Settings {
        project_name: Some("t".to_owned()),
        project_dir: Some("/p".to_owned()),
        ..Settings::default()
    };
    let loaded = load(&sources, &ProcessEnv::default(), &settings);
    let doc: Value = serde_json::from_str(&render::render(
        &loaded,
        &settings,
        &Options::default(),
        Format::Json,
    ))
    .expect("JSON");
    doc["services"]["a"].clone()
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
    let text = "services:\n  a:\n    image: x\n    networks: [n, m]\nnetworks:\n  n:\n    internal: false\n    attachable: \"true\"\n    enable_ipv6: \"false\"\n    enable_ipv4: true\n  m:\n    external: \"true\"\n";
    let mut sources = SourceMap::new();
    sources.add(SourceFile::new("compose.yml", text, FileKind::Compose));
    let settings = Settings {
        project_name: Some("t".to_owned()),
        project_dir: Some("/p".to_owned()),
        ..Settings::default()
    };
    let loaded = load(&sources, &ProcessEnv::default(), &settings);
    let doc: Value = serde_json::from_str(&render::render(
        &loaded,
        &settings,
        &Options::default(),
        Format::Json,
    ))
    .expect("JSON");
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
