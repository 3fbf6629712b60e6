//! `factory lint` as a user runs it: exit codes, JSON shape and positions, file names.
#![allow(clippy::disallowed_methods)]

mod common;

use common::{TempDir, factory, json, repo};

fn temp_project(name: &str, compose: &str) -> TempDir {
    common::temp_project("factory-cli-test", name, &[("docker-compose.yml", compose)])
}

#[test]
fn hello_lints_clean_and_exits_0() {
    let out = factory(&["lint", "examples/hello"], &repo());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "no problems found in 4 files\n"
    );
}

#[test]
fn broken_exits_1_and_shows_at_least_15_codes() {
    let out = factory(&["lint", "examples/broken", "--format", "json"], &repo());
    assert_eq!(out.status.code(), Some(1));
    let doc = json(&out);
    let mut codes: Vec<&str> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    codes.sort_unstable();
    codes.dedup();
    assert!(codes.len() >= 15, "only {} codes: {codes:?}", codes.len());
    // Files are named as the user gave the path, never `./…`.
    assert_eq!(
        doc["diagnostics"][0]["file"],
        "examples/broken/docker-compose.yml"
    );
}

#[test]
fn json_has_the_spec_shape() {
    let dir = temp_project(
        "shape",
        "services:\n  app:\n    image: app:1.0\n    env_file: .env\n",
    );
    let out = factory(&["lint", "--format", "json"], &dir);
    assert_eq!(out.status.code(), Some(1));
    let doc = json(&out);
    assert_eq!(doc["version"], 1);
    assert_eq!(
        doc["diagnostics"][0],
        serde_json::json!({
            "code": "FC013",
            "severity": "error",
            "message": "service `app` uses `env_file`, which the platform does not deploy",
            "help": "move these variables into `environment:` (values from `${VAR}` or secret `SV_` variables)",
            "file": "docker-compose.yml",
            "line": 4,
            "column": 5,
            "end_line": 4,
            "end_column": 13
        })
    );
    // The three warnings are FP002: the directory has no Dockerfile, .gitlab-ci.yml or .env.
    assert_eq!(
        doc["summary"],
        serde_json::json!({"errors": 1, "warnings": 3, "infos": 0})
    );
}

#[test]
fn columns_count_characters_after_multibyte_text() {
    // `é` is 2 bytes and the emoji 4: columns count characters, not bytes.
    let dir = temp_project(
        "utf8",
        "services:\n  app:\n    labels: {\"café🎉\": x, y: \"é🎉\", z: true}\n    image: app:1.0\n",
    );
    let out = factory(&["lint", "--format", "json"], &dir);
    let doc = json(&out);
    let d = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "FC021")
        .expect("FC021");
    let line = "    labels: {\"café🎉\": x, y: \"é🎉\", z: true}";
    let col = line.chars().position(|c| c == 't').unwrap() + 1; // `true`, 1-based, in characters
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(3), Some(col as u64))
    );
    assert_eq!(d["end_column"].as_u64(), Some(col as u64 + 4));
}

#[test]
fn usage_and_io_errors_exit_2() {
    let out = factory(&["lint", "--format", "xml"], &repo());
    assert_eq!(out.status.code(), Some(2));
    let out = factory(&["lint", "-f", "does-not-exist.yml"], &repo());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read does-not-exist.yml"));
    let empty = TempDir::new("factory-cli-test", "empty");
    // Compose (and factory) search the parent folders too: only where none of them has one.
    let names = [
        "compose.yaml",
        "compose.yml",
        "docker-compose.yml",
        "docker-compose.yaml",
    ];
    let in_a_parent = empty
        .ancestors()
        .any(|d| names.iter().any(|n| d.join(n).is_file()));
    if !in_a_parent {
        let out = factory(&["lint"], &empty);
        assert_eq!(out.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&out.stderr).contains("no compose file found"));
    }
}

#[test]
fn warnings_exit_0_unless_denied() {
    let dir = temp_project("warn", "services:\n  app:\n    image: app\n");
    assert_eq!(factory(&["lint"], &dir).status.code(), Some(0));
    assert_eq!(
        factory(&["lint", "--deny-warnings"], &dir).status.code(),
        Some(1)
    );
}

#[test]
fn discovery_prefers_compose_yaml_merges_the_override_and_points_into_each_file() {
    let dir = temp_project(
        "discover",
        "services:\n  app:\n    image: app:1.0\n    env_file: .env\n",
    );
    std::fs::write(
        dir.join("compose.yaml"),
        "services:\n  web:\n    image: web:1\n    restart: allways\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("compose.override.yml"),
        "services:\n  web:\n    links: [web]\n",
    )
    .unwrap();
    let out = factory(&["lint", "--format", "json"], &dir);
    let doc = json(&out);
    let found: Vec<(&str, &str)> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| !d["file"].is_null()) // FP002: the directory has no Dockerfile etc.
        .map(|d| (d["file"].as_str().unwrap(), d["code"].as_str().unwrap()))
        .collect();
    // A service that links itself is a dependency cycle too (Compose: `web -> web`).
    assert_eq!(
        found,
        [
            ("compose.yaml", "FC024"),
            ("compose.override.yml", "FC014"),
            ("compose.override.yml", "FC030")
        ],
        "{doc}"
    );
}

#[test]
fn files_given_with_a_project_path_are_read_inside_it() {
    let out = factory(
        &[
            "lint",
            "-f",
            "docker-compose.yml",
            "--format",
            "json",
            "examples/hello",
        ],
        &repo(),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // With --project-directory, -f stays relative to the working directory, as in Compose.
    let out = factory(
        &[
            "lint",
            "-f",
            "docker-compose.yml",
            "--project-directory",
            "examples/hello",
        ],
        &repo(),
    );
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn rule_prints_its_documentation() {
    let out = factory(&["rule", "FC013"], &repo());
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    for part in [
        "FC013",
        "## What it does",
        "## Why is this bad?",
        "## Example",
        "Use instead:",
    ] {
        assert!(text.contains(part), "missing {part} in:\n{text}");
    }
    assert_eq!(factory(&["rule", "FC999"], &repo()).status.code(), Some(2));
}

/// A file without end (`/dev/zero`, an endless pipe) is read up to factory's limit for one
/// file and no further: a compose file past it is FC004, any other file a read error (exit 2).
#[cfg(unix)]
#[test]
fn an_endless_file_is_cut_at_the_limit() {
    let dir = temp_project("endless", "services:\n  web:\n    image: nginx:1.27\n");
    let out = factory(&["lint", "-f", "/dev/zero", "--format", "json", "."], &dir);
    assert_eq!(out.status.code(), Some(1));
    let doc = json(&out);
    let fc004 = doc["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .find(|d| d["code"] == "FC004")
        .expect("FC004");
    assert_eq!(fc004["file"], "/dev/zero");
    assert_eq!(
        fc004["message"],
        "the file is larger than factory's limit of 64 MiB"
    );
    let out = factory(&["lint", "--env-file", "/dev/zero", "."], &dir);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: cannot read /dev/zero: the file is larger than factory's limit of 64 MiB\n"
    );
}

#[test]
fn compose_file_is_split_on_the_separator_and_an_empty_one_is_the_default() {
    let dir = temp_project("compose-file", "services:\n  app:\n    image: app:1.0\n");
    std::fs::write(
        dir.join("other.yml"),
        "services:\n  app:\n    restart: allways\n",
    )
    .unwrap();
    let codes = |env: &[(&str, &str)]| -> Vec<String> {
        let out = common::factory_env(&["lint", "--format", "json"], &dir, env);
        json(&out)["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["code"] == "FC024")
            .map(|d| d["file"].as_str().unwrap_or("").to_owned())
            .collect()
    };
    // Both files merged: the second one's `restart` is reported.
    let both = ["other.yml"];
    assert_eq!(
        codes(&[("COMPOSE_FILE", "docker-compose.yml:other.yml")]),
        both
    );
    assert_eq!(
        codes(&[
            ("COMPOSE_FILE", "docker-compose.yml;other.yml"),
            ("COMPOSE_PATH_SEPARATOR", ";")
        ]),
        both
    );
    // Compose v2.40.3 takes an empty separator as the default `:` (factory split the value
    // into its characters: "cannot read d").
    assert_eq!(
        codes(&[
            ("COMPOSE_FILE", "docker-compose.yml:other.yml"),
            ("COMPOSE_PATH_SEPARATOR", "")
        ]),
        both
    );
    // An empty path (an empty value, a separator at an end or twice) is the project folder
    // for Compose v2.40.3 (`read DIR: is a directory`): a usage error, not a clean lint of
    // no file.
    for value in ["", ":", "::", "docker-compose.yml:", ":other.yml"] {
        let out = common::factory_env(&["lint"], &dir, &[("COMPOSE_FILE", value)]);
        assert_eq!(out.status.code(), Some(2), "COMPOSE_FILE={value:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("names an empty path"),
            "COMPOSE_FILE={value:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn an_environment_without_a_name_or_a_url_without_a_host_is_a_usage_error() {
    let dir = temp_project(
        "bad-url",
        "services:\n  app:\n    image: app:1.0\n    labels:\n      traefik.frontend.rule: Host:${CI_ENVIRONMENT_DOMAIN}\n",
    );
    // Each used to lint, blaming the compose file (`Host:not a url` contains white space) or
    // falling back to `production.example` without a word.
    for args in [
        vec!["lint", "-e", "production", "--url", "not a url"],
        vec!["lint", "-e", "production", "--url", "https://"],
        vec!["lint", "-e", "production", "--url", "https://a b"],
        vec!["lint", "-e", ""],
    ] {
        let out = factory(&args, &dir);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(!out.stderr.is_empty(), "{args:?}: no message");
    }
    let out = factory(
        &[
            "lint",
            "-e",
            "production",
            "--url",
            "https://App.example.com:8443/x",
        ],
        &dir,
    );
    assert!(matches!(out.status.code(), Some(0 | 1)), "a valid url");
}

/// Two options that contradict each other are a usage error: neither silently wins.
#[test]
fn contradicting_options_are_usage_errors() {
    let dir = temp_project("contradict", "services:\n  app:\n    image: app\n");
    let other = std::env::temp_dir();
    let other = other.to_str().expect("utf-8 temp dir");
    for args in [
        vec!["lint", "--deny-warnings", "--failure-threshold", "none"],
        vec!["lint", "--deny-warnings", "--failure-threshold", "error"],
        vec!["lint", ".", "--project-directory", other],
        vec!["config", ".", "--project-directory", other],
        vec!["routes", other, "--project-directory", "."],
    ] {
        let out = factory(&args, &dir);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
        assert!(!out.stderr.is_empty(), "{args:?}: no message");
    }
    // Options that agree are fine: the same folder twice, warnings denied at `warning`/`info`.
    let here = dir.to_str().expect("utf-8 temp dir");
    for (args, code) in [
        (vec!["lint", ".", "--project-directory", here], 0),
        (
            vec!["lint", "--deny-warnings", "--failure-threshold", "warning"],
            1,
        ),
        (
            vec!["lint", "--deny-warnings", "--failure-threshold", "info"],
            1,
        ),
    ] {
        assert_eq!(factory(&args, &dir).status.code(), Some(code), "{args:?}");
    }
}

/// `factory rule` lists every rule in four columns: the longest names (`duplicate-environment-
/// variable`) used to run into their summary.
#[test]
fn the_rule_list_keeps_its_columns_apart() {
    let out = factory(&["rule"], &repo());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.lines().count() > 50, "{text}");
    for line in text.lines() {
        let columns: Vec<&str> = line
            .split("  ")
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .collect();
        assert!(columns.len() >= 4, "{line}");
        assert!(
            !columns[2].contains(' '),
            "a name glued to its summary: {line}"
        );
    }
}

/// A file given twice (`-f a.yml -f a.yml`, which Compose merges onto itself and interpolates
/// twice) is checked twice: each finding is reported once.
#[test]
fn a_file_given_twice_reports_each_finding_once() {
    let dir = TempDir::new("factory-cli-test", "twice");
    std::fs::write(
        dir.join("docker-compose.yml"),
        "services:\n  web:\n    image: registry.example/web:${TAG}\n    environment:\n      A: 0755\n      B: ${UNSET}\n",
    )
    .unwrap();
    let out = factory(
        &[
            "lint",
            "--format",
            "json",
            "-f",
            "docker-compose.yml",
            "-f",
            "docker-compose.yml",
        ],
        &dir,
    );
    let doc = json(&out);
    let found: Vec<(String, u64, u64)> = doc["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| !d["line"].is_null())
        .map(|d| {
            (
                d["code"].as_str().unwrap_or("").to_owned(),
                d["line"].as_u64().unwrap_or(0),
                d["column"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    let mut unique = found.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(found.len(), unique.len(), "{doc}");
    assert!(found.iter().any(|(c, ..)| c == "FE002"), "{doc}");
}

/// A variable unset when linting may be set where the project is deployed: of a rule using it,
/// only the segments it cannot reach are checked, and once it is set the rule is checked whole.
#[test]
fn a_rule_with_an_unset_variable_is_checked_where_the_variable_cannot_reach() {
    let dir = temp_project(
        "unset-rule",
        "services:\n  web:\n    image: nginx:1.25\n    expose: [\"80\"]\n    labels:\n      traefik.frontend.rule: \"Bogus:/x;Path:/${UNSET}\"\n  api:\n    image: nginx:1.25\n    expose: [\"80\"]\n    labels:\n      traefik.frontend.rule: \"Path:/${UNSET};Host:${UNSET}\"\n",
    );
    let findings = |env: &[(&str, &str)]| {
        let out = common::factory_env(&["lint", "--format", "json"], &dir, env);
        let doc = json(&out);
        let found: Vec<(String, u64, u64)> = doc["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["code"] != "FP002")
            .map(|d| {
                (
                    d["code"].as_str().unwrap().to_owned(),
                    d["line"].as_u64().unwrap(),
                    d["column"].as_u64().unwrap(),
                )
            })
            .collect();
        (out.status.code(), found)
    };
    let at = |code: &str, line, column| (code.to_owned(), line, column);
    assert_eq!(
        findings(&[]),
        (
            Some(1),
            vec![
                at("FR001", 6, 31),
                at("FE002", 6, 46),
                at("FE002", 11, 37),
                at("FE002", 11, 51)
            ]
        )
    );
    // Set, the variable is known: `Host:a.com:80` never matches.
    assert_eq!(
        findings(&[("UNSET", "a.com:80")]),
        (Some(1), vec![at("FR001", 6, 31), at("FR014", 11, 51)])
    );
}
