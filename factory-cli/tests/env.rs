//! `factory env` on the manual's hello project, in development and as deployed to production.
//! The binary runs with an empty environment plus the variables each test names, so the output
//! is deterministic.
#![allow(clippy::disallowed_methods)]

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn hello() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/hello")
}

fn factory(args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_factory"))
        .args(args)
        .current_dir(hello())
        .env_clear()
        .envs(env.iter().copied())
        .output()
        .expect("run factory")
}

fn stdout(args: &[&str], env: &[(&str, &str)]) -> String {
    let out = factory(args, env);
    assert!(
        out.status.success(),
        "factory {args:?}: {:?}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

/// [`stdout`] of a command that says which variables it reads as empty strings (standard
/// error then ends with that note).
fn noted(args: &[&str], env: &[(&str, &str)]) -> String {
    let out = factory(args, env);
    assert!(out.status.success(), "factory {args:?}: {:?}", out.status);
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.ends_with("(each shown at its first use; `factory lint` lists every use)\n"),
        "{said}"
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

const PRODUCTION: &[&str] = &["-e", "production", "--url", "https://hello.example.com"];

#[test]
fn hello_dev() {
    insta::assert_snapshot!("env_hello_dev", stdout(&["env"], &[]));
    insta::assert_snapshot!(
        "env_hello_dev_json",
        stdout(&["env", "--format", "json"], &[])
    );
}

#[test]
fn hello_production() {
    let env = [
        ("CI_COMMIT_SHA", "0123abcd"),
        ("CI_PROJECT_PATH", "factory/hello"),
    ];
    let args: Vec<&str> = ["env"].iter().chain(PRODUCTION).copied().collect();
    insta::assert_snapshot!("env_hello_production", stdout(&args, &env));
    let json: Vec<&str> = args.iter().copied().chain(["--format", "json"]).collect();
    let text = stdout(&json, &env);
    let doc: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(
        doc["app"]["ENV"],
        serde_json::json!({"value": "production", "source": "compose", "secret": false})
    );
    insta::assert_snapshot!("env_hello_production_json", text);
}

#[test]
fn one_service_and_unknown_service() {
    let one = stdout(&["env", "migrate_db", "--format", "json"], &[]);
    let doc: serde_json::Value = serde_json::from_str(&one).expect("JSON");
    assert_eq!(
        doc.as_object()
            .map(|o| o.keys().cloned().collect::<Vec<_>>()),
        Some(vec!["migrate_db".to_owned()])
    );
    let out = factory(&["env", "web"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    insta::assert_snapshot!("env_unknown_service", String::from_utf8_lossy(&out.stderr));
}

/// Every kind of source, masked and shown, in development and in production.
#[test]
fn every_source() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sources");
    let dir = dir.to_str().expect("UTF-8 path");
    let env = [
        ("X_CONFIG", "prod.yml"),
        ("SV_PRODUCTION_API_KEY", "k3y"),
        ("CI_PROJECT_PATH", "team/app"),
    ];
    let dev = stdout(&["env", "--project-directory", dir], &env);
    insta::assert_snapshot!("env_sources_dev", dev);
    let production = ["env", "--project-directory", dir, "-e", "production"];
    // The variables deployed without a value are said on standard error (FE007), each once.
    let out = factory(&production, &env);
    let said = String::from_utf8_lossy(&out.stderr);
    for name in ["DEBUG", "NOWHERE"] {
        let fe007 = format!("error[FE007]: `{name}` will not be set when deployed");
        assert_eq!(said.matches(&fe007).count(), 1, "{said}");
    }
    assert_eq!(said.matches("error[").count(), 2, "{said}");
    let masked = noted(&production, &env);
    assert!(!masked.contains("k3y"));
    insta::assert_snapshot!("env_sources_production", masked);
    let shown: Vec<&str> = production
        .iter()
        .copied()
        .chain(["--show-secrets"])
        .collect();
    insta::assert_snapshot!("env_sources_production_shown", noted(&shown, &env));
}

/// Without `CI_PROJECT_PATH`, `CI_REGISTRY_IMAGE` is `registry.example/<project name>` (SPEC §4),
/// so the manual's project lints clean as deployed.
#[test]
fn hello_lints_clean_in_production_without_ci_project_path() {
    let args: Vec<&str> = ["lint"].iter().chain(PRODUCTION).copied().collect();
    let out = factory(&args, &[]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// A temporary project of `files`, for the tests below.
fn project(name: &str, files: &[(&str, &str)]) -> common::TempDir {
    common::temp_project("factory-cli-env", name, files)
}

/// `env_file` entries are part of the environment (source `dotenv`: a file of the `.env`
/// grammar), and `environment` wins over them even with no value, as Compose v2.40.3 builds it
/// (`BARE: null`, `ONLY: file`, `OVER: x`).
#[test]
fn env_file_entries_are_in_the_environment() {
    let dir = project(
        "env-file",
        &[
            (
                "compose.yaml",
                "services:\n  web:\n    image: nginx:1\n    env_file: [a.env]\n    environment:\n      BARE:\n      OVER: x\n",
            ),
            ("a.env", "BARE=fromfile\nOVER=file\nONLY=file\n"),
        ],
    );
    let out = Command::new(env!("CARGO_BIN_EXE_factory"))
        .args(["env", "--format", "json"])
        .current_dir(&dir)
        .env_clear()
        .output()
        .expect("run factory");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let web = &json["web"];
    assert_eq!(web["ONLY"]["value"], "file");
    assert_eq!(web["ONLY"]["source"], "dotenv");
    assert_eq!(web["OVER"]["value"], "x");
    assert_eq!(web["BARE"]["value"], serde_json::Value::Null);
}

/// What stops Compose from computing the environment (a `${X:?}` of an unset variable) is said
/// on standard error, with exit code 1, after the table of what could be read.
#[test]
fn a_failing_required_variable_exits_1_and_says_why() {
    let dir = project(
        "required",
        &[(
            "compose.yaml",
            "services:\n  app:\n    image: nginx:1\n    environment:\n      B: ${NOTPROV:?must be set}\n",
        )],
    );
    let out = Command::new(env!("CARGO_BIN_EXE_factory"))
        .args(["env"])
        .current_dir(&dir)
        .env_clear()
        .output()
        .expect("run factory");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("FE003") && err.contains("NOTPROV"), "{err}");
}

/// A later `--env-file` sees the entries of the files before it (Compose v2.40.3: `C: oneA-c`),
/// and lint finds no unset variable there.
#[test]
fn a_later_env_file_sees_the_earlier_ones() {
    let dir = project(
        "env-files",
        &[
            (
                "compose.yaml",
                "services:\n  app:\n    image: nginx:1\n    environment: [A, B, C, \"D=${A}-${B}\"]\n",
            ),
            ("one.env", "A=oneA\nB=oneB\n"),
            ("two.env", "B=twoB\nC=${A}-c\n"),
        ],
    );
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_factory"))
            .args(args)
            .args(["--env-file", "one.env", "--env-file", "two.env"])
            .current_dir(&dir)
            .env_clear()
            .output()
            .expect("run factory")
    };
    let out = run(&["env", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(json["app"]["C"]["value"], "oneA-c");
    assert_eq!(json["app"]["D"]["value"], "oneA-twoB");
    let lint = run(&["lint", "--format", "json"]);
    let text = String::from_utf8_lossy(&lint.stdout);
    assert!(!text.contains("FE002"), "{text}");
}
