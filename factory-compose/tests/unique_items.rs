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

/// The validator (santhosh-tekuri/jsonschema) compares a later number with an earlier string by
/// reading the string as a number, but not the other way round, and above 20 items never; and
/// compose-go first makes `ports` and `expose` unique by its own key (`"80"` and `80` are one
/// item, a `published` string and number are two). Verdicts of `docker compose config`
/// v2.40.3, one by one.
#[test]
fn a_later_number_repeats_an_earlier_numeric_string() {
    for (written, key) in [
        (r#"group_add: ["1000", 1000]"#, "group_add"),
        (r#"group_add: ["1e3", 1000]"#, "group_add"),
        (r#"expose: ["1e2", 100]"#, "expose"),
        (
            r#"ports: [{target: 80, published: "8080"}, {target: 80, published: 8080}]"#,
            "ports",
        ),
    ] {
        assert_eq!(
            fc020(written),
            [format!("`services.web.{key}` items at 0 and 1 are equal")],
            "{written}"
        );
    }
    assert_eq!(
        fc020(r#"ports: ["80", 80, {target: 80, published: "80"}, {target: 80, published: 80}]"#),
        ["`services.web.ports` items at 1 and 2 are equal"]
    );
    let many: Vec<String> = (0..20).map(|i| format!("g{i}")).collect();
    for written in [
        r#"group_add: [1000, "1000"]"#,
        &format!(r#"group_add: [{}, "1000", 1000]"#, many.join(", ")),
        r#"expose: [100, "1e2"]"#,
        r#"expose: ["80", 80]"#,
        r#"ports: [{target: 80, published: 8080}, {target: 80, published: "8080"}]"#,
        r#"ports: [{target: 80, published: 8080}, {target: 80, published: 8080}]"#,
        r#"ports: ["8080:80", {target: 80, published: 8080, protocol: tcp, mode: ingress}]"#,
    ] {
        assert_eq!(fc020(written), Vec::<String>::new(), "{written}");
    }
}

/// The repeat check reads each item's whole value, aliases expanded: a list whose items expand
/// to more than 100 000 nodes is not checked (a hostile file; no real list comes near), at the
/// limit it is.
#[test]
fn the_repeat_check_stops_at_its_node_budget() {
    let repeats = |n: usize| {
        let anchor = (0..n)
            .map(|i| format!("x{i}"))
            .collect::<Vec<_>>()
            .join(", ");
        // Two anchors of the same value (`extra_hosts` items may be anything to the schema).
        let text = format!(
            "x-a: &a [{anchor}]\nx-b: &b [{anchor}]\nservices:\n  web:\n    image: nginx:1\n    extra_hosts: [*a, *b]\n"
        );
        let mut sources = SourceMap::new();
        sources.add(SourceFile::new(
            "docker-compose.yml",
            text,
            FileKind::Compose,
        ));
        load(&sources, &ProcessEnv::default(), &Settings::default())
            .diagnostics
            .into_iter()
            .filter(|d| d.message.contains("items at"))
            .count()
    };
    // Two items of 1 + n nodes each: 100 000 at n = 49 999.
    assert!(repeats(49_999) > 0);
    assert_eq!(repeats(50_000), 0);
}
