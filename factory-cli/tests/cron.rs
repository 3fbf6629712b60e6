//! `factory cron` and `factory runjob`, run as the built binary on example projects.
#![allow(clippy::disallowed_methods)]

mod common;

use std::path::PathBuf;
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

/// Run `factory` from the workspace root with an empty environment (plus `extra`).
fn factory(args: &[&str], extra: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_factory"))
        .args(args)
        .current_dir(root())
        .env_clear()
        .envs(extra.iter().copied())
        .output()
        .expect("run factory")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("utf-8 stdout")
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("utf-8 stderr")
}

fn ok(args: &[&str]) -> String {
    let o = factory(args, &[]);
    assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
    stdout(&o)
}

fn usage_error(args: &[&str]) -> String {
    let o = factory(args, &[]);
    assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stdout(&o));
    assert!(o.stdout.is_empty(), "{args:?}: {}", stdout(&o));
    stderr(&o)
}

#[test]
fn cron_hello_human() {
    insta::assert_snapshot!(ok(&[
        "cron",
        "examples/hello",
        "--from",
        "2026-01-01T00:00:00Z"
    ]));
}

#[test]
fn cron_hello_json() {
    insta::assert_snapshot!(ok(&[
        "cron",
        "examples/hello",
        "--from",
        "2026-01-01T00:00:00Z",
        "--format",
        "json"
    ]));
}

#[test]
fn cron_macros_never_and_paris_table() {
    insta::assert_snapshot!(ok(&[
        "cron",
        "factory-cli/tests/fixtures/cron_quotes",
        "--from",
        "2026-03-27T16:50:00Z",
        "--tz",
        "Europe/Paris",
        "--next",
        "3"
    ]));
}

#[test]
fn cron_json_uses_the_zone_offset() {
    let run = |from: &str| -> serde_json::Value {
        let text = ok(&[
            "cron",
            "examples/hello",
            "--from",
            from,
            "--tz",
            "Europe/Paris",
            "--next",
            "2",
            "--format",
            "json",
        ]);
        serde_json::from_str(&text).expect("json")
    };
    // Winter: CET, UTC+1. 00:00Z is 01:00 in Paris, so the next runs are 02:00 and 03:00.
    let winter = run("2026-01-01T00:00:00Z");
    assert_eq!(
        winter[0]["next"],
        serde_json::json!(["2026-01-01T02:00:00+01:00", "2026-01-01T03:00:00+01:00"])
    );
    // Summer: CEST, UTC+2.
    let summer = run("2026-07-01T00:00:00Z");
    assert_eq!(
        summer[0]["next"],
        serde_json::json!(["2026-07-01T03:00:00+02:00", "2026-07-01T04:00:00+02:00"])
    );
    // The offsets differ, the instants are one hour apart as in UTC.
    let keys: Vec<&str> = winter[0]
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "service",
            "schedule",
            "command",
            "description",
            "next",
            "never_fires",
            "at_reboot"
        ]
    );
}

#[test]
fn cron_json_reboot_and_never() {
    let text = ok(&[
        "cron",
        "factory-cli/tests/fixtures/cron_quotes",
        "--from",
        "2026-01-01T00:00:00Z",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&text).expect("json");
    let jobs = v.as_array().expect("array");
    assert_eq!(jobs.len(), 3, "{text}");
    assert_eq!(jobs[1]["service"], "at_boot");
    assert_eq!(jobs[1]["next"], serde_json::json!([]));
    assert_eq!(jobs[1]["at_reboot"], true);
    assert_eq!(jobs[2]["service"], "never");
    assert_eq!(jobs[2]["next"], serde_json::json!([]));
    assert_eq!(jobs[2]["never_fires"], true);
}

#[test]
fn runjob_hello() {
    insta::assert_snapshot!(ok(&[
        "runjob",
        "run_hourly",
        "--project-directory",
        "examples/hello"
    ]));
}

#[test]
fn runjob_names_the_compose_files_given() {
    assert_eq!(
        ok(&[
            "runjob",
            "run_hourly",
            "-f",
            "examples/hello/docker-compose.yml"
        ]),
        "docker compose -f examples/hello/docker-compose.yml run --rm run_hourly bash -c 'echo time to run'\n"
    );
}

#[test]
fn runjob_uses_the_compose_variable() {
    let o = factory(
        &[
            "runjob",
            "run_hourly",
            "--project-directory",
            "examples/hello",
        ],
        &[(
            "COMPOSE",
            "docker-compose -f docker-compose.yml -f tools.yml -f dev.yml",
        )],
    );
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        stdout(&o),
        "docker-compose -f docker-compose.yml -f tools.yml -f dev.yml run --rm run_hourly bash -c 'echo time to run'\n"
    );
}

/// The printed line, run by `sh`, hands `bash -c` the command exactly: with `COMPOSE` set to
/// `printf %s\n` (split at spaces, like the platform's tool) the shell prints each argument it
/// would pass to Compose on its own line.
#[test]
fn runjob_line_round_trips_through_sh() {
    let o = factory(
        &[
            "runjob",
            "quoted",
            "--project-directory",
            "factory-cli/tests/fixtures/cron_quotes",
        ],
        &[("COMPOSE", r"printf %s\n")],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let line = stdout(&o);
    let sh = Command::new("sh")
        .arg("-c")
        .arg(line.trim_end())
        .env_clear()
        .output()
        .expect("run sh");
    assert_eq!(
        String::from_utf8(sh.stdout).expect("utf-8"),
        "run\n--rm\nquoted\nbash\n-c\necho \"it's $HOME\" `date` 'a  b' \\; done\n",
        "{line}"
    );
}

/// `runjob --format json` (SPEC §5: `json` everywhere): the words of the line, unquoted, are
/// what `sh` hands the compose binary.
#[test]
fn runjob_json_gives_the_words_sh_reads_from_the_line() {
    let args = [
        "runjob",
        "quoted",
        "--project-directory",
        "factory-cli/tests/fixtures/cron_quotes",
    ];
    let o = factory(&[&args[..], &["--format", "json"]].concat(), &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let json: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("JSON");
    let line = json["line"].as_str().expect("line");
    assert_eq!(stdout(&factory(&args, &[])).trim_end(), line);
    assert_eq!(json["service"], "quoted");
    let argv: Vec<&str> = json["argv"]
        .as_array()
        .expect("argv")
        .iter()
        .filter_map(serde_json::Value::as_str)
        .collect();
    assert_eq!(argv.last().copied(), json["command"].as_str());
    let sh = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "for w in {}; do printf '%s\\n' \"$w\"; done",
            &line
        ))
        .env_clear()
        .output()
        .expect("run sh");
    let words: Vec<String> = argv.iter().map(|w| format!("{w}\n")).collect();
    assert_eq!(
        String::from_utf8(sh.stdout).expect("utf-8"),
        words.concat(),
        "{line}"
    );
}

#[test]
fn usage_errors_exit_2() {
    let e = usage_error(&["cron", "examples/hello", "--tz", "Mars/Olympus"]);
    assert!(e.contains("unknown time zone `Mars/Olympus`"), "{e}");
    let e = usage_error(&["cron", "examples/hello", "--from", "2026-01-01 noon"]);
    assert!(e.contains("invalid --from `2026-01-01 noon`"), "{e}");
    let e = usage_error(&["cron", "examples/hello", "--from", "2026-01-01T00:00:00"]);
    assert!(e.contains("RFC 3339"), "{e}");
    // A well-formed instant past jiff's range: said in words, not jiff's internal ones.
    let e = usage_error(&["cron", "examples/hello", "--from", "9999-12-31T00:00:00Z"]);
    assert!(e.contains("out of the range of instants"), "{e}");
    assert!(!e.contains("Unix timestamp seconds"), "{e}");
    let e = usage_error(&["cron", "--project-directory", "/nonexistent/factory"]);
    assert_eq!(
        e,
        "error: the project directory /nonexistent/factory does not exist\n"
    );
    let e = usage_error(&["runjob", "nightly", "--project-directory", "examples/hello"]);
    assert_eq!(
        e,
        "error: `nightly` is not a service of this project; the cron jobs are: run_hourly\n"
    );
    let e = usage_error(&["runjob", "app", "--project-directory", "examples/hello"]);
    assert!(e.starts_with("error: `app` is not a cron job"), "{e}");
    assert!(e.ends_with("the cron jobs are: run_hourly\n"), "{e}");
}

#[test]
fn secrets_are_masked_unless_asked() {
    let env = [("SV_PRODUCTION_API_TOKEN", "tok'en")];
    let base = [
        "runjob",
        "notify",
        "--project-directory",
        "factory-cli/tests/fixtures/cron_secret",
        "-e",
        "production",
    ];
    let o = factory(&base, &env);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "docker compose --project-directory factory-cli/tests/fixtures/cron_secret run --rm notify bash -c 'curl -fsS -H \"Authorization: Bearer ********\" https://production.example/notify'\n"
    );
    let o = factory(&[&base[..], &["--show-secrets"]].concat(), &env);
    assert_eq!(
        stdout(&o),
        "docker compose --project-directory factory-cli/tests/fixtures/cron_secret run --rm notify bash -c 'curl -fsS -H \"Authorization: Bearer tok'\\''en\" https://production.example/notify'\n"
    );
    let o = factory(
        &[
            "cron",
            "factory-cli/tests/fixtures/cron_secret",
            "-e",
            "production",
            "--format",
            "json",
            "--from",
            "2026-01-01T00:00:00Z",
            "--next",
            "1",
        ],
        &env,
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(
        v[0]["command"],
        "curl -fsS -H \"Authorization: Bearer ********\" https://production.example/notify"
    );
    assert_eq!(v[0]["next"][0], "2026-01-05T08:00:00Z");
}

/// `--next` × jobs is capped at a million runs in all: past it, a usage error that says how
/// many runs may be asked per job (40 000 jobs × 1 000 runs asked 4.4 GB and aborted).
#[test]
fn runs_in_all_are_capped() {
    let dir = common::TempDir::new("factory-cron-runs", "");
    let mut text = String::from("services:\n");
    for i in 0..1001 {
        text.push_str(&format!(
            "  job{i}:\n    image: app:1\n    command: /bin/false\n    restart: \"no\"\n    labels:\n      sh.factory.cronjob.schedule: \"* * * * *\"\n      sh.factory.cronjob.command: echo {i}\n"
        ));
    }
    std::fs::write(dir.join("docker-compose.yml"), text).expect("write");
    let path = dir.to_string_lossy().into_owned();
    let e = usage_error(&["cron", &path, "--next", "1000"]);
    assert_eq!(
        e,
        "error: --next 1000 for 1001 jobs would list 1001000 runs: factory lists at most 1000000 in all (ask for --next 999 or fewer)\n"
    );
    let o = factory(&["cron", &path, "--next", "2", "--format", "json"], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}
