//! Lists Compose's schema wants without repeats (`uniqueItems`): `docker compose config`
//! v2.40.3 refuses `networks: [front, front]` with "services.web.networks items at 0 and 1 are
//! equal", and accepts repeats in `cap_add`, `links`, `ports`, `environment`, … (checked one by
//! one against the binary).

use factory_compose::{FileKind, ProcessEnv, Settings, SourceFile, SourceMap, load};

fn fc020(key_and_value: &str) -> Vec<String> {
    let mut sources = SourceMap::new();
    sources.add(SourceFile::new(
        "docker-compose.yml",
        format!(
            "services:\n  web:\n    image: nginx:1\n    {key_and_value}\n  db:\n    image: nginx:1\nnetworks:\n  front: {{}}\n"
        ),
        FileKind::Compose,
    ));
    load(&sources, &ProcessEnv::default(), &Settings::default())
        .diagnostics
        .into_iter()
        .filter(|d| d.code == "FC020")
        .map(|d| d.message)
        .collect()
}

#[test]
fn repeated_items_compose_refuses_are_fc020() {
    for (written, key) in [
        ("networks: [front, front]", "networks"),
        ("depends_on: [db, db]", "depends_on"),
        ("security_opt: [x, x]", "security_opt"),
        ("volumes_from: [db, db]", "volumes_from"),
    ] {
        assert_eq!(
            fc020(written),
            [format!(
                "`services.web.{key}` items at 0 and 1 are equal (`{}`)",
                if key == "networks" {
                    "front"
                } else if key == "security_opt" {
                    "x"
                } else {
                    "db"
                }
            )],
            "{written}"
        );
    }
    // The first repeat is named with both positions.
    assert_eq!(
        fc020("networks: [default, front, default]"),
        ["`services.web.networks` items at 0 and 2 are equal (`default`)"]
    );
}

#[test]
fn repeats_compose_accepts_are_not_reported() {
    for written in [
        "cap_add: [X, X]",
        "links: [db, db]",
        "ports: [\"80:80\", \"80:80\"]",
        "environment: [A=1, A=1]",
        "networks: [front, default]",
    ] {
        assert!(fc020(written).is_empty(), "{written}: {:?}", fc020(written));
    }
}
