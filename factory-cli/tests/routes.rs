//! `factory routes` and `factory routes match` as a user runs them: the built binary with a
//! cleared environment, on the hello example, on the Traefik v1 files of the corpus, and on a
//! small project written by the test.
#![allow(clippy::disallowed_methods)]

mod common;

use common::{factory, json, repo, stdout};

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Output;

fn corpus() -> PathBuf {
    repo().join("../shared/corpus")
}

#[test]
fn hello_routes_human() {
    let out = factory(&["routes", "examples/hello"], &repo());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    insta::assert_snapshot!("hello_human", stdout(&out));
}

#[test]
fn hello_routes_json() {
    let out = factory(&["routes", "examples/hello", "--format", "json"], &repo());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = json(&out);
    // The cron job and the one-shot override the labels: only `app` is routed.
    assert_eq!(doc.as_array().map(Vec::len), Some(1));
    assert_eq!(doc[0]["rule"], "Host:dev.factory");
    insta::assert_snapshot!("hello_json", stdout(&out));
}

/// Every corpus file with a `traefik.frontend.rule` label, in INDEX.tsv order.
fn traefik_v1_files() -> Vec<String> {
    let index = std::fs::read_to_string(corpus().join("INDEX.tsv")).expect("corpus INDEX.tsv");
    index
        .lines()
        .skip(1)
        .filter_map(|l| l.split('\t').next())
        .filter(|p| {
            std::fs::read(corpus().join(p))
                .is_ok_and(|b| String::from_utf8_lossy(&b).contains("traefik.frontend.rule"))
        })
        .map(str::to_owned)
        .collect()
}

#[test]
fn corpus_traefik_v1_files() {
    let files = traefik_v1_files();
    assert!(
        files.len() >= 40,
        "only {} Traefik v1 files found",
        files.len()
    );
    let mut all = String::new();
    for f in &files {
        let out = factory(&["routes", "-f", f, "--format", "json"], &corpus());
        let code = out.status.code();
        assert!(
            matches!(code, Some(0 | 1)),
            "{f}: exit {code:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let doc = json(&out);
        let routes = doc
            .as_array()
            .unwrap_or_else(|| panic!("{f}: not an array"));
        for r in routes {
            for key in [
                "service",
                "segment",
                "rule",
                "priority",
                "priority_source",
                "port",
                "auth_users",
                "entrypoints",
            ] {
                assert!(r.get(key).is_some(), "{f}: no `{key}` in {r}");
            }
        }
        let _ = writeln!(all, "== {f} (exit {})", code.unwrap_or(-1));
        all.push_str(&stdout(&out));
    }
    insta::assert_snapshot!("corpus_traefik_v1", all);
}

const MATCH_PROJECT: &str = r#"services:
  web:
    image: nginx:1.25
    expose: ["80"]
    labels:
      traefik.frontend.rule: Host:${CI_ENVIRONMENT_DOMAIN}
  api:
    image: node:20
    expose: ["3000"]
    labels:
      traefik.frontend.rule: Host:${CI_ENVIRONMENT_DOMAIN};PathPrefixStrip:/api
  docs:
    image: nginx:1.25
    expose: ["80"]
    labels:
      traefik.frontend.rule: Host:${CI_ENVIRONMENT_DOMAIN};Path:/docs
      traefik.frontend.priority: "100"
  ws:
    image: node:20
    expose: ["3000"]
    labels:
      traefik.frontend.rule: Host:${CI_ENVIRONMENT_DOMAIN};Headers:Upgrade,websocket
      traefik.frontend.priority: "90"
"#;

fn match_project(name: &str) -> common::TempDir {
    let dir = common::TempDir::new("factory-routes-test", name);
    std::fs::write(dir.join("docker-compose.yml"), MATCH_PROJECT).expect("write compose");
    std::fs::write(dir.join(".env"), "CI_ENVIRONMENT_DOMAIN=dev.factory\n").expect("write .env");
    dir
}

fn routes_match(dir: &Path, extra: &[&str]) -> Output {
    let d = dir.to_string_lossy().into_owned();
    let mut args = vec!["routes", "match"];
    args.extend_from_slice(extra);
    args.extend_from_slice(&["--project-directory", &d, "--format", "json"]);
    factory(&args, dir)
}

#[test]
fn match_cases() {
    let dir = match_project("json");
    let cases: &[(&[&str], serde_json::Value)] = &[
        // The longer rule (default priority = rule length) wins over the catch-all.
        (
            &["https://dev.factory/api/users"],
            serde_json::json!({"service": "api", "segment": null, "rule": "Host:dev.factory;PathPrefixStrip:/api", "priority": 37, "forwarded_path": "/users", "redirect": null}),
        ),
        (
            &["https://dev.factory/"],
            serde_json::json!({"service": "web", "segment": null, "rule": "Host:dev.factory", "priority": 16, "forwarded_path": "/", "redirect": null}),
        ),
        // mux StrictSlash: `Path:/docs` answers `/docs/` with a redirect.
        (
            &["https://dev.factory/docs/"],
            serde_json::json!({"service": "docs", "segment": null, "rule": "Host:dev.factory;Path:/docs", "priority": 100, "forwarded_path": null, "redirect": {"status": 301, "location": "/docs"}}),
        ),
        // A header matcher, and the port of the Host header is ignored.
        (
            &["dev.factory:443/chat", "--header", "Upgrade: websocket"],
            serde_json::json!({"service": "ws", "segment": null, "rule": "Host:dev.factory;Headers:Upgrade,websocket", "priority": 90, "forwarded_path": "/chat", "redirect": null}),
        ),
        // No route for that host: Traefik answers 404.
        (
            &["https://elsewhere.example/"],
            serde_json::json!({"service": null, "segment": null, "rule": null, "priority": null, "forwarded_path": null, "redirect": null}),
        ),
    ];
    let mut failures = Vec::new();
    for (args, want) in cases {
        let out = routes_match(&dir, args);
        if out.status.code() != Some(0) {
            failures.push(format!(
                "{args:?}: exit {:?}: {}",
                out.status.code(),
                String::from_utf8_lossy(&out.stderr)
            ));
            continue;
        }
        let got = json(&out);
        if &got != want {
            failures.push(format!("{args:?}:\n  got  {got}\n  want {want}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn match_human_and_errors() {
    let dir = match_project("human");
    let d = dir.to_string_lossy().into_owned();
    let mut text = String::new();
    for url in [
        "https://dev.factory/api/v1",
        "https://dev.factory/docs/",
        "https://nowhere/",
        // The scheme is shown as written (HTTP:// in any case), https when omitted.
        "HTTP://dev.factory/api/v1",
        "nowhere/x",
    ] {
        let out = factory(&["routes", "match", url, "--project-directory", &d], &dir);
        assert_eq!(out.status.code(), Some(0));
        text.push_str(&stdout(&out));
    }
    insta::assert_snapshot!("match_human", text);
    for bad in [
        vec![
            "routes",
            "match",
            "https:///nohost",
            "--project-directory",
            &d,
        ],
        // Traefik serves HTTP: another scheme is a mistake, not a request.
        vec![
            "routes",
            "match",
            "ftp://dev.factory/api/v1",
            "--project-directory",
            &d,
        ],
        vec![
            "routes",
            "match",
            "https://dev.factory/",
            "--header",
            "no-colon",
            "--project-directory",
            &d,
        ],
        vec![
            "routes",
            "match",
            "https://dev.factory/",
            "--method",
            "",
            "--project-directory",
            &d,
        ],
    ] {
        let out = factory(&bad, &dir);
        assert_eq!(out.status.code(), Some(2), "{bad:?}: {}", stdout(&out));
        assert!(!out.stderr.is_empty(), "{bad:?}: no error message");
    }
}

/// A project that cannot be read has no routes to print: its errors go to stderr, stdout stays
/// empty (`no routes: …`, `[]` or a 404 answer read as one), exit 1.
#[test]
fn an_unreadable_project_prints_no_answer() {
    let dir = common::TempDir::new("factory-routes-unreadable", "");
    std::fs::write(dir.join("docker-compose.yml"), "services:\n\tapp:\n").unwrap();
    let d = dir.to_string_lossy().into_owned();
    for args in [
        vec!["routes", "--project-directory", &d],
        vec!["routes", "--format", "json", "--project-directory", &d],
        vec!["routes", "match", "https://x/", "--project-directory", &d],
        vec![
            "routes",
            "match",
            "https://x/",
            "--format",
            "json",
            "--project-directory",
            &d,
        ],
    ] {
        let out = factory(&args, &dir);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}: {}", stdout(&out));
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("FC001"),
            "{args:?}"
        );
    }
}

/// A route without `traefik.port` goes to the lowest port of the container: the compose file's
/// and those the image's `EXPOSE` adds, when the project builds the image (its Dockerfile and
/// `.gitlab-ci.yml` build line), as FR002 and FR003 read them.
#[test]
fn the_port_of_a_route_counts_the_image_exposed_ports() {
    let compose = "services:
  web:
    image: ${CI_REGISTRY_IMAGE}/app:${CI_COMMIT_SHA}
    labels:
      traefik.frontend.rule: Host:${CI_ENVIRONMENT_DOMAIN}
  api:
    image: ${CI_REGISTRY_IMAGE}/app:${CI_COMMIT_SHA}
    expose: [\"9000\"]
    labels:
      traefik.frontend.rule: Host:api.${CI_ENVIRONMENT_DOMAIN}
  low:
    image: ${CI_REGISTRY_IMAGE}/app:${CI_COMMIT_SHA}
    expose: [\"7000\"]
    labels:
      traefik.frontend.rule: Host:low.${CI_ENVIRONMENT_DOMAIN}
  pinned:
    image: ${CI_REGISTRY_IMAGE}/app:${CI_COMMIT_SHA}
    labels:
      traefik.frontend.rule: Host:pinned.${CI_ENVIRONMENT_DOMAIN}
      traefik.port: \"9100\"
  pulled:
    image: nginx:1.27
    labels:
      traefik.frontend.rule: Host:pulled.${CI_ENVIRONMENT_DOMAIN}
";
    let dir = common::temp_project(
        "factory-routes-test",
        "image-ports",
        &[
            ("docker-compose.yml", compose),
            (
                ".env",
                "CI_REGISTRY_IMAGE=registry.example/x\nCI_COMMIT_SHA=abc\nCI_ENVIRONMENT_DOMAIN=x.example\n",
            ),
            ("Dockerfile", "FROM python:3.12\nEXPOSE 8080\nUSER 1001\n"),
            (
                ".gitlab-ci.yml",
                "build:\n  script:\n    - docker build -t $CI_REGISTRY_IMAGE/app:$CI_COMMIT_SHA .\n",
            ),
        ],
    );
    let out = factory(&["routes", "--format", "json"], &dir);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = json(&out);
    let ports: Vec<(String, serde_json::Value)> = (doc.as_array().expect("rows").iter())
        .map(|r| {
            (
                r["service"].as_str().unwrap_or("").to_owned(),
                r["port"].clone(),
            )
        })
        .collect();
    let want = |s: &str, p: serde_json::Value| (s.to_owned(), p);
    assert_eq!(
        ports,
        [
            want("web", 8080.into()),
            want("api", 8080.into()),
            want("low", 7000.into()),
            want("pinned", 9100.into()),
            // No Dockerfile of the project builds it: what its image exposes is not known.
            want("pulled", serde_json::Value::Null),
        ]
    );
}
