//! `factory lint` in a pipeline: formats, `--output`, `factory.toml` and its precedence,
//! inline suppressions, `--fix`/`--diff`, completions and the man page.
#![allow(clippy::disallowed_methods)]

mod common;

use common::{TempDir, diagnostics, factory, factory_env};

use std::path::{Path, PathBuf};
use std::process::Output;

fn here() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn projects() -> PathBuf {
    here().join("tests/projects")
}

fn codes(out: &Output) -> Vec<(String, String)> {
    diagnostics(out)
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap_or("").to_owned(),
                d["severity"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

fn temp_copy(name: &str, from: &Path) -> TempDir {
    let dir = TempDir::new("factory-ci-test", name);
    for e in std::fs::read_dir(from).expect("read project").flatten() {
        if e.path().is_file() {
            std::fs::copy(e.path(), dir.join(e.file_name())).expect("copy");
        }
    }
    dir
}

#[test]
fn unknown_format_is_a_usage_error() {
    let out = factory(
        &["lint", "--format", "xml", "tests/projects/suppress"],
        &here(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("invalid value 'xml'"));
}

#[test]
fn every_format_writes_to_output_file() {
    let dir = temp_copy("formats", &projects().join("fixable"));
    for (format, check) in [
        ("sarif", "\"version\": \"2.1.0\""),
        ("gitlab", "\"check_name\": \"FC014\""),
        ("github", "::warning file=docker-compose.yml,line=8,col=5"),
        ("json", "\"code\": \"FC014\""),
        ("human", "warning[FC014]"),
    ] {
        let out_file = dir.join(format!("report.{format}"));
        let out = factory(
            &[
                "lint",
                "--format",
                format,
                "-o",
                out_file.to_str().unwrap_or(""),
                ".",
            ],
            &dir,
        );
        assert_eq!(
            out.status.code(),
            Some(0),
            "{format}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.stdout.is_empty(), "{format} also printed to stdout");
        let text = std::fs::read_to_string(&out_file).expect("report written");
        assert!(text.contains(check), "{format}:\n{text}");
    }
}

#[test]
fn inline_suppressions_and_unused_ones() {
    let out = factory(
        &["lint", "--format", "json", "tests/projects/suppress"],
        &here(),
    );
    let found = codes(&out);
    assert_eq!(
        found,
        [("FC901".to_owned(), "warning".to_owned())],
        "{found:?}"
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let d = &doc["diagnostics"][0];
    assert_eq!(d["line"], 10);
    assert_eq!(d["column"], 23);
    assert_eq!(d["end_column"], 28);
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn factory_toml_is_discovered_upward_and_applied() {
    let out = factory(
        &["lint", "--format", "json", "tests/projects/configured/sub"],
        &here(),
    );
    let found = codes(&out);
    // FC034 ignored everywhere, FC022 lowered to info, FC014 ignored in tools.yml only.
    assert_eq!(
        found,
        [
            ("FC022".to_owned(), "info".to_owned()),
            ("FC014".to_owned(), "warning".to_owned()),
        ],
        "{found:?}"
    );
    // failure-threshold = "warning": the warning fails the run.
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn per_file_ignores_match_the_file() {
    let out = factory(
        &[
            "lint",
            "--format",
            "json",
            "-f",
            "tools.yml",
            "tests/projects/configured/sub",
        ],
        &here(),
    );
    let found = codes(&out);
    assert_eq!(
        found,
        [("FC022".to_owned(), "info".to_owned())],
        "{found:?}"
    );
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn precedence_is_cli_then_environment_then_file() {
    let dir = "tests/projects/configured/sub";
    // The environment beats the file: threshold none → exit 0; severity raised to error.
    let out = factory_env(
        &["lint", "--format", "json", dir],
        &here(),
        &[
            ("FACTORY_FAILURE_THRESHOLD", "none"),
            ("FACTORY_SEVERITY", "FC014=error"),
        ],
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(codes(&out).contains(&("FC014".to_owned(), "error".to_owned())));
    // The command line beats the environment.
    let out = factory_env(
        &[
            "lint",
            "--format",
            "json",
            "--failure-threshold",
            "info",
            "--severity",
            "FC014=info",
            dir,
        ],
        &here(),
        &[
            ("FACTORY_FAILURE_THRESHOLD", "none"),
            ("FACTORY_SEVERITY", "FC014=error"),
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(codes(&out).contains(&("FC014".to_owned(), "info".to_owned())));
    // Ignores add up across layers.
    let out = factory_env(
        &["lint", "--format", "json", "--ignore", "FC022", dir],
        &here(),
        &[("FACTORY_IGNORE", "FC014")],
    );
    assert!(codes(&out).is_empty(), "{:?}", codes(&out));
    // --no-config: the file is not read.
    let out = factory(&["lint", "--format", "json", "--no-config", dir], &here());
    assert!(codes(&out).iter().any(|(c, _)| c == "FC034"));
}

#[test]
fn configuration_errors_have_positions_and_exit_2() {
    let dir = temp_copy("badconfig", &projects().join("fixable"));
    std::fs::write(
        dir.join("factory.toml"),
        "ignore = [\"FC014\"]\n\n[severity]\nFC034 = \"fatal\"\n",
    )
    .expect("write");
    let out = factory(&["lint", "."], &dir);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("factory.toml:4:9: unknown variant `fatal`"),
        "{err}"
    );
    std::fs::write(
        dir.join("factory.toml"),
        "ignore = [\"FC014\"]\nignroe = []\n",
    )
    .expect("write");
    let out = factory(&["lint", "."], &dir);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("factory.toml:2:1: unknown field `ignroe`"),
        "{err}"
    );
    let out = factory_env(
        &["lint", "--no-config", "."],
        &dir,
        &[("FACTORY_IGNORE", "FC999")],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("FACTORY_IGNORE: unknown rule code `FC999`")
    );
}

#[test]
fn default_environment_comes_from_the_file() {
    let dir = temp_copy("environment", &projects().join("fixable"));
    std::fs::write(dir.join("factory.toml"), "environment = \"production\"\n").expect("write");
    std::fs::write(
        dir.join("docker-compose.yml"),
        "services:\n  app:\n    image: registry.example/app:${CI_COMMIT_SHA}\n",
    )
    .expect("write");
    // Deployed, CI_COMMIT_SHA is provided by the platform; in development it is unset.
    let deployed = codes(&factory(&["lint", "--format", "json", "."], &dir));
    let dev = codes(&factory(
        &["lint", "--format", "json", "--no-config", "."],
        &dir,
    ));
    assert_ne!(deployed, dev, "deployed {deployed:?} dev {dev:?}");
}

#[test]
fn diff_prints_the_fixes_and_writes_nothing() {
    let dir = temp_copy("diff", &projects().join("fixable"));
    let before = std::fs::read_to_string(dir.join("docker-compose.yml")).expect("read");
    let out = factory(&["lint", "--diff", "."], &dir);
    assert_eq!(out.status.code(), Some(1));
    let diff = String::from_utf8_lossy(&out.stdout);
    assert!(
        diff.starts_with("--- a/docker-compose.yml\n+++ b/docker-compose.yml\n"),
        "{diff}"
    );
    assert!(
        diff.contains(
            "-    restart: no   # keep this comment\n+    restart: \"no\"   # keep this comment\n"
        ),
        "{diff}"
    );
    assert!(diff.contains("+    depends_on:\n"), "{diff}");
    assert_eq!(
        std::fs::read_to_string(dir.join("docker-compose.yml")).expect("read"),
        before
    );
}

#[test]
fn fix_writes_and_relints_clean() {
    let dir = temp_copy("fix", &projects().join("fixable"));
    let out = factory(&["lint", "--fix", "--format", "json", "."], &dir);
    assert_eq!(out.status.code(), Some(0));
    assert!(codes(&out).is_empty(), "{:?}", codes(&out));
    let text = std::fs::read_to_string(dir.join("docker-compose.yml")).expect("read");
    assert_eq!(
        text,
        "# A project whose findings all have safe fixes.\nservices:\n  app:\n    image: registry.example/app:1.0\n    restart: \"no\"   # keep this comment\n    environment:\n      UMASK: \"0755\"\n    depends_on:\n      - worker\n  worker:\n    image: registry.example/worker:1.0\n"
    );
    let again = factory(&["lint", "--format", "json", "."], &dir);
    assert!(codes(&again).is_empty());
}

#[test]
fn completions_and_manpage() {
    let out = factory(&["completions", "bash"], &here());
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("_factory()"));
    let out = factory(&["completions", "tcsh"], &here());
    assert_eq!(out.status.code(), Some(2));
    let out = factory(&["manpage"], &here());
    assert_eq!(out.status.code(), Some(0));
    let man = String::from_utf8_lossy(&out.stdout);
    assert!(
        man.starts_with(".ie \\n(.g .ds Aq"),
        "{}",
        &man[..man.len().min(200)]
    );
    assert!(
        man.contains(".TH factory 1"),
        "{}",
        &man[..man.len().min(400)]
    );
}

#[test]
fn github_and_gitlab_outputs_of_the_fixable_project() {
    for format in ["github", "gitlab"] {
        let out = factory(
            &["lint", "--format", format, "tests/projects/fixable"],
            &here(),
        );
        assert_eq!(out.status.code(), Some(0));
        insta::assert_snapshot!(
            format!("fixable-{format}"),
            String::from_utf8_lossy(&out.stdout)
        );
    }
}

#[test]
fn discovery_stops_at_the_repository_root() {
    let top = TempDir::new("factory-ci-test", "gitstop");
    let repo = top.join("repo");
    let project = repo.join("deploy");
    std::fs::create_dir_all(project.join("..").join(".git")).expect("dirs");
    std::fs::create_dir_all(&project).expect("dirs");
    std::fs::write(top.join("factory.toml"), "ignore = [\"FC034\"]\n").expect("write");
    std::fs::write(
        project.join("docker-compose.yml"),
        "services:\n  app:\n    image: registry.example/app\n",
    )
    .expect("write");
    // A complete project, so the only finding is the one the configuration is about.
    std::fs::write(
        project.join("Dockerfile"),
        "FROM registry.example/base:1.0\nUSER 1001\n",
    )
    .expect("write");
    std::fs::write(project.join(".gitlab-ci.yml"), "build:\n  script: [make]\n").expect("write");
    std::fs::write(project.join(".env"), "").expect("write");
    // The file above the repository (the directory holding .git) is not read …
    let out = factory(&["lint", "--format", "json", "deploy"], &repo);
    assert_eq!(codes(&out), [("FC034".to_owned(), "warning".to_owned())]);
    // … the one at the repository root is.
    std::fs::write(repo.join("factory.toml"), "ignore = [\"FC034\"]\n").expect("write");
    let out = factory(&["lint", "--format", "json", "deploy"], &repo);
    assert!(codes(&out).is_empty(), "{:?}", codes(&out));
}

/// The environment and URL of the configuration apply to every command, not only `lint`:
/// `factory config`, `env` and `routes` with `FACTORY_ENVIRONMENT` print what they print with
/// `-e` (`cron` and `runjob` read the project the same way), and the command line still wins.
#[test]
fn configured_environment_applies_to_every_command() {
    let repo = here().join("..");
    let flags = ["-e", "production", "--url", "https://hello.example.com"];
    let configured = [
        ("FACTORY_ENVIRONMENT", "production"),
        ("FACTORY_URL", "https://hello.example.com"),
    ];
    for command in [
        &["config", "examples/hello"][..],
        &["env", "--project-directory", "examples/hello"],
        &["routes", "examples/hello"],
    ] {
        let with_flags: Vec<&str> = command.iter().copied().chain(flags).collect();
        let expected = factory(&with_flags, &repo);
        assert!(expected.status.success(), "{with_flags:?}");
        let dev = factory(command, &repo);
        assert_ne!(
            dev.stdout, expected.stdout,
            "{command:?}: production looks like development"
        );
        let got = factory_env(command, &repo, &configured);
        assert_eq!(
            String::from_utf8_lossy(&got.stdout),
            String::from_utf8_lossy(&expected.stdout),
            "{command:?} with FACTORY_ENVIRONMENT"
        );
        // The command line wins over the configuration (its URL goes with its environment).
        let cli: Vec<&str> = command.iter().copied().chain(["-e", "staging"]).collect();
        let overridden = factory_env(&cli, &repo, &configured);
        assert_eq!(
            String::from_utf8_lossy(&overridden.stdout),
            String::from_utf8_lossy(&factory(&cli, &repo).stdout),
            "{cli:?}"
        );
    }
}
