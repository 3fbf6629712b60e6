//! Compose's `EnforceUnicity`: a list item with the key of an earlier one replaces it in place,
//! in a single file too. Each expected value is what `docker compose config --format json`
//! v2.40.3 printed for the same service.

use factory_compose::render::{self, Format, Options};
use factory_compose::{FileKind, ProcessEnv, Settings, SourceFile, SourceMap, load};
use serde_json::{Value, json};

fn service_key(key_yaml: &str, key: &str) -> Value {
    let text = format!("services:\n  a:\n    image: x\n    {key_yaml}\n  b:\n    image: y\n");
    let mut sources = SourceMap::new();
    sources.add(SourceFile::new(
        "compose.yml",
        text.as_str(),
        FileKind::Compose,
    ));
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
    doc["services"]["a"][key].clone()
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
