//! The secret-masking guarantee (SPEC §4): a secret value never appears in any output unless
//! `--show-secrets`. Every command that prints something about a project is run on a fixture
//! whose secret `SV_PRODUCTION_API_KEY` is interpolated into values that rules quote (an image
//! tag, a healthcheck duration, an `extra_hosts` entry), into environment values and labels.
//! With `--show-secrets` the value must appear, so the test can fail.
#![allow(clippy::disallowed_methods)]

use std::path::{Path, PathBuf};
use std::process::Command;

const SECRET: &str = "s3cr3t-value";

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/secrets")
}

/// Run `factory ARGS` in the fixture with only the secret in the environment; stdout + stderr.
fn run(args: &[&str], env: &[(&str, &str)]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_factory"))
        .args(args)
        .current_dir(fixture())
        .env_clear()
        .envs(env.iter().copied())
        .output()
        .expect("run factory");
    let code = out.status.code();
    assert!(
        matches!(code, Some(0..=1)),
        "factory {args:?} exited with {code:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Every output that exists, as (name, arguments before the mode options).
fn outputs() -> Vec<(&'static str, Vec<&'static str>)> {
    vec![
        ("lint human", vec!["lint"]),
        ("lint json", vec!["lint", "--format", "json"]),
        ("env human", vec!["env"]),
        ("env json", vec!["env", "--format", "json"]),
        ("env one service", vec!["env", "app"]),
        ("routes human", vec!["routes"]),
        ("routes json", vec!["routes", "--format", "json"]),
        (
            "cron json",
            vec!["cron", "--format", "json", "--from", "2026-01-01T00:00:00Z"],
        ),
        ("runjob", vec!["runjob", "job"]),
        ("config yaml", vec!["config"]),
        ("config json", vec!["config", "--format", "json"]),
    ]
}

fn check(mode: &[&str], env: &[(&str, &str)]) {
    let mut leaks = Vec::new();
    let mut hidden = Vec::new();
    for (name, args) in outputs() {
        let masked: Vec<&str> = args.iter().chain(mode).copied().collect();
        let out = run(&masked, env);
        if out.contains(SECRET) {
            leaks.push(format!("{name} {mode:?}:\n{out}"));
        }
        let shown: Vec<&str> = masked.iter().copied().chain(["--show-secrets"]).collect();
        if !run(&shown, env).contains(SECRET) {
            hidden.push(format!("{name} {mode:?} --show-secrets"));
        }
    }
    assert!(leaks.is_empty(), "the secret leaked:\n{}", leaks.join("\n"));
    assert!(
        hidden.is_empty(),
        "the secret does not appear with --show-secrets (the fixture no longer exercises it):\n{}",
        hidden.join("\n")
    );
}

#[test]
fn deployed_secrets_never_print_without_show_secrets() {
    check(
        &["-e", "production", "--url", "https://app.example.com"],
        &[("SV_PRODUCTION_API_KEY", SECRET)],
    );
}

#[test]
fn process_secrets_never_print_in_development() {
    // In development the `SV_` variable itself is a secret of the process environment.
    check(&[], &[("SV_PRODUCTION_API_KEY", SECRET)]);
}

/// A rule may quote a piece of a value that holds a secret (a cron field up to a `$`, an
/// unknown Traefik matcher after a `;`): no piece of it may print either.
#[test]
fn pieces_of_secrets_never_print() {
    let secret = "Sup3r$ecret;Leakmatcher:x";
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/secret-pieces");
    let env = [("SV_PRODUCTION_API_KEY", secret)];
    let mut leaks = Vec::new();
    for (name, args) in outputs()
        .into_iter()
        .filter(|(n, _)| !n.starts_with("runjob"))
    {
        for show in [false, true] {
            let mut all: Vec<&str> = args.clone();
            all.extend(["-e", "production", "--url", "https://app.example.com"]);
            if show {
                all.push("--show-secrets");
            }
            let out = Command::new(env!("CARGO_BIN_EXE_factory"))
                .args(&all)
                .current_dir(&dir)
                .env_clear()
                .envs(env)
                .output()
                .expect("run factory");
            let text = format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            let pieces = ["Sup3r", "Leakmatcher"].iter().any(|p| text.contains(p));
            if pieces != show && name.starts_with("lint") {
                leaks.push(format!("{name} (--show-secrets: {show}):\n{text}"));
            } else if pieces && !show {
                leaks.push(format!("{name}:\n{text}"));
            }
        }
    }
    assert!(
        leaks.is_empty(),
        "pieces of the secret:\n{}",
        leaks.join("\n")
    );
}

#[test]
fn variables_debug_never_shows_secrets() {
    let vars = factory_env::Variables::deploy(&factory_env::DeployContext {
        environment: "production".into(),
        process: vec![("SV_PRODUCTION_API_KEY".into(), SECRET.into())],
        ..Default::default()
    });
    assert!(!format!("{vars:?}").contains(SECRET));
    assert!(!format!("{vars:#?}").contains(SECRET));
    let var = vars
        .variable("API_KEY")
        .expect("API_KEY from SV_PRODUCTION_API_KEY");
    assert!(!format!("{var:?}").contains(SECRET));
    assert_eq!(
        var.value.unmasked(),
        SECRET,
        "the test must hold the secret"
    );
    let dev = factory_env::Variables::dev(
        vec![("SV_PRODUCTION_API_KEY".to_owned(), SECRET.to_owned())],
        &[],
    );
    assert!(!format!("{dev:?}").contains(SECRET));
}

/// A secret with a space and a `:` is cut into pieces by what factory reads it as: shell words
/// of a string `command`, the user of a basic-auth entry. No piece may print, and the route
/// table is laid out from the masked rule (its width would give the secret's length away).
#[test]
fn secrets_cut_into_words_never_print() {
    let secret = "Top5ecret words:Value9";
    let pieces = ["Top5ecret", "words:Value9"];
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/secret-words");
    let env = [("SV_PRODUCTION_API_KEY", secret)];
    let run_in = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_factory"))
            .args(args)
            .args(["-e", "production", "--url", "https://app.example.com"])
            .current_dir(&dir)
            .env_clear()
            .envs(env)
            .output()
            .expect("run factory");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let mut leaks = Vec::new();
    for (name, args) in outputs()
        .into_iter()
        .filter(|(n, _)| !n.starts_with("runjob") && !n.starts_with("cron"))
    {
        let text = run_in(&args);
        if pieces.iter().any(|p| text.contains(p)) {
            leaks.push(format!("{name}:\n{text}"));
        }
    }
    assert!(
        leaks.is_empty(),
        "pieces of the secret:\n{}",
        leaks.join("\n")
    );
    // The pieces are there to be found: shown when asked.
    let shown = run_in(&["config", "--show-secrets"]);
    assert!(
        pieces.iter().all(|p| shown.contains(p)),
        "the fixture no longer cuts the secret:\n{shown}"
    );
    let table = run_in(&["routes"]);
    let mut lines = table.lines();
    let (header, row) = (lines.next().unwrap_or(""), lines.next().unwrap_or(""));
    let column = header.find("PRIORITY").expect("a PRIORITY column");
    assert!(
        row.get(column..)
            .is_some_and(|cell| cell.starts_with(|c: char| c.is_ascii_digit()))
            && row
                .get(..column)
                .is_some_and(|before| before.ends_with("  ")),
        "the table is not laid out from the masked rule:\n{table}"
    );
}

/// A schedule that holds a secret: `cron` masks it, and its description and runs, which would
/// give it away (`17 4 * * *` is "at 04:17", runs at 04:17).
#[test]
fn a_secret_schedule_is_not_told_in_words_or_runs() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/secret-schedule");
    let run_in = |show: bool| {
        let mut args = vec![
            "cron",
            "--format",
            "json",
            "--from",
            "2026-01-01T00:00:00Z",
            "-e",
            "production",
            "--url",
            "https://app.example.com",
        ];
        if show {
            args.push("--show-secrets");
        }
        let out = Command::new(env!("CARGO_BIN_EXE_factory"))
            .args(&args)
            .current_dir(&dir)
            .env_clear()
            .envs([("SV_PRODUCTION_API_KEY", "17 4 * * *")])
            .output()
            .expect("run factory");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let masked = run_in(false);
    assert!(
        !masked.contains("04:17") && !masked.contains("17 4"),
        "{masked}"
    );
    let shown = run_in(true);
    assert!(
        shown.contains("04:17:00Z") && shown.contains("17 4"),
        "{shown}"
    );
}
