//! Golden files for `factory config` on examples/hello, run with a cleared environment.
//!
//! The development outputs were checked against `docker compose config` v2.40.3 (byte for byte,
//! YAML and JSON); `compose_agrees_in_dev` re-checks them when the binary is available
//! (`COMPOSE=/path/to/docker-compose`, or the oracle installed beside the repository).
#![allow(clippy::disallowed_methods, clippy::print_stderr)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn factory(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_factory"))
        .args(args)
        .current_dir(repo())
        .env_clear()
        .output()
        .expect("run factory");
    assert!(
        out.status.success(),
        "factory {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

#[test]
fn hello_dev_yaml() {
    insta::assert_snapshot!(factory(&["config", "examples/hello"]));
}

#[test]
fn hello_dev_json() {
    insta::assert_snapshot!(factory(&["config", "examples/hello", "--format", "json"]));
}

#[test]
fn hello_production_yaml() {
    insta::assert_snapshot!(factory(&[
        "config",
        "examples/hello",
        "-e",
        "production",
        "--url",
        "https://hello.example.com",
    ]));
}

#[test]
fn hello_production_json() {
    insta::assert_snapshot!(factory(&[
        "config",
        "examples/hello",
        "-e",
        "production",
        "--url",
        "https://hello.example.com",
        "--format",
        "json",
    ]));
}

/// The development outputs equal what Compose prints, when its binary is here to ask.
#[test]
fn compose_agrees_in_dev() {
    let compose = std::env::var_os("COMPOSE")
        .map_or_else(|| repo().join("../.oracle/docker-compose"), PathBuf::from);
    if !compose.is_file() {
        eprintln!("skipped: no docker-compose binary at {}", compose.display());
        return;
    }
    for format in ["yaml", "json"] {
        let out = Command::new(&compose)
            .args(["-p", "hello", "config", "--format", format])
            .current_dir(repo().join("examples/hello"))
            .env_clear()
            .output()
            .expect("run docker compose");
        assert!(out.status.success());
        let expected = String::from_utf8(out.stdout).expect("UTF-8");
        let ours = factory(&["config", "examples/hello", "--format", format]);
        assert_eq!(ours, expected, "format {format}");
    }
}

/// Projects `docker compose config` v2.40.3 refuses (each checked with the binary, and again
/// here when it is present): `factory config` prints nothing, says why on standard error at
/// `file:line:column`, and exits 1.
const REFUSED: &[(&str, &str, &str)] = &[
    (
        "services:\n  web:\n    image: nginx:${TAG:?tag required}\n",
        "compose.yml:3:18",
        "FE003",
    ),
    (
        "services:\n  web:\n    image: nginx\n    imagee: nginx\n",
        "compose.yml:4:5",
        "FC012",
    ),
    (
        "services:\n  web:\n    image: nginx\nfoo: 1\n",
        "compose.yml:4:1",
        "FC010",
    ),
    (
        "services:\n  web:\n    image: nginx\n    image: httpd\n",
        "compose.yml:4:5",
        "FC003",
    ),
    (
        "services:\n  a:\n    image: nginx\n    depends_on: [b]\n  b:\n    image: nginx\n    depends_on: [a]\n",
        "compose.yml:7:18",
        "FC030",
    ),
    (
        "services:\n  web:\n    image: nginx\n    tty: maybe\n",
        "compose.yml:4:10",
        "FC020",
    ),
];

/// Look-alikes Compose accepts.
const ACCEPTED: &[&str] = &[
    "services:\n  web:\n    image: nginx:${TAG:-latest}\n",
    "services:\n  web:\n    image: nginx\n    x-imagee: nginx\nx-foo: 1\n",
    "services:\n  a:\n    image: nginx\n    depends_on: [b]\n  b:\n    image: nginx\n",
    "services:\n  web:\n    image: nginx\n    tty: \"true\"\n",
];

fn run_in(dir: &Path, program: &Path, args: &[&str]) -> std::process::Output {
    Command::new(program)
        .args(args)
        .current_dir(dir)
        .env_clear()
        .output()
        .expect("run")
}

#[test]
fn config_refuses_what_compose_refuses() {
    let compose = std::env::var_os("COMPOSE")
        .map_or_else(|| repo().join("../.oracle/docker-compose"), PathBuf::from);
    let factory = Path::new(env!("CARGO_BIN_EXE_factory"));
    let tmp = common::TempDir::new("factory-config-refusals", "");
    let cases = REFUSED
        .iter()
        .map(|&(text, at, code)| (text, Some((at, code))))
        .chain(ACCEPTED.iter().map(|&text| (text, None)));
    for (i, (text, refused)) in cases.enumerate() {
        let dir = tmp.join(i.to_string());
        std::fs::create_dir_all(&dir).expect("temp dir");
        std::fs::write(dir.join("compose.yml"), text).expect("write");
        let ours = run_in(&dir, factory, &["config", "-p", "t"]);
        let stderr = String::from_utf8_lossy(&ours.stderr);
        if compose.is_file() {
            let theirs = run_in(&dir, &compose, &["-p", "t", "config"]);
            assert_eq!(
                theirs.status.success(),
                refused.is_none(),
                "Compose's verdict changed for {text:?}"
            );
        }
        match refused {
            Some((at, code)) => {
                assert_eq!(ours.status.code(), Some(1), "{text:?}: {stderr}");
                assert!(ours.stdout.is_empty(), "{text:?} printed a model");
                assert!(
                    stderr.contains(&format!("error[{code}]")) && stderr.contains(at),
                    "{text:?}: expected {code} at {at}, got:\n{stderr}"
                );
            }
            None => assert!(ours.status.success(), "{text:?} refused:\n{stderr}"),
        }
    }
}

/// Compose's JSON encoder fails on an infinite or NaN float (`json: unsupported value: +Inf`,
/// exit 1, nothing on stdout) while its YAML prints `.inf`; so does `factory config`, rather
/// than print `null` in its place. Re-checked against Compose when the binary is available.
#[test]
fn json_cannot_hold_an_infinite_float() {
    let compose = std::env::var_os("COMPOSE")
        .map_or_else(|| repo().join("../.oracle/docker-compose"), PathBuf::from);
    let factory = Path::new(env!("CARGO_BIN_EXE_factory"));
    let dir = common::TempDir::new("factory-config-inf", "");
    let text = "x-e:\n  a: .inf\n  b: -.Inf\n  c: .NaN\nservices:\n  web:\n    image: nginx\n";
    std::fs::write(dir.join("compose.yml"), text).expect("write");
    let json = run_in(&dir, factory, &["config", "-p", "t", "--format", "json"]);
    let yaml = run_in(&dir, factory, &["config", "-p", "t"]);
    if compose.is_file() {
        let theirs = run_in(&dir, &compose, &["-p", "t", "config", "--format", "json"]);
        assert_eq!(theirs.status.code(), Some(1));
        let theirs_yaml = run_in(&dir, &compose, &["-p", "t", "config"]);
        assert_eq!(theirs_yaml.stdout, yaml.stdout);
    }
    assert_eq!(json.status.code(), Some(1));
    assert!(json.stdout.is_empty());
    assert!(String::from_utf8_lossy(&json.stderr).contains("json: unsupported value: +Inf"));
    let yaml = String::from_utf8(yaml.stdout).expect("UTF-8");
    assert!(
        yaml.ends_with("x-e:\n  a: .inf\n  b: -.inf\n  c: .nan\n"),
        "{yaml}"
    );
}

/// `run_in` with `input` on standard input.
fn run_with_input(dir: &Path, program: &Path, args: &[&str], input: &str) -> std::process::Output {
    use std::io::Write;
    let mut child = Command::new(program)
        .args(args)
        .current_dir(dir)
        .env_clear()
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("wait")
}

/// `-f -` reads the compose file from standard input, as `docker compose -f - config` does
/// (the project is the working directory); `lint --fix` cannot write it back.
#[test]
fn a_compose_file_can_come_from_standard_input() {
    let compose = std::env::var_os("COMPOSE")
        .map_or_else(|| repo().join("../.oracle/docker-compose"), PathBuf::from);
    let factory = Path::new(env!("CARGO_BIN_EXE_factory"));
    let dir = common::TempDir::new("factory-config-stdin", "");
    std::fs::write(dir.join(".env"), "TAG=1.27\n").expect("write");
    let text = "services:\n  web:\n    image: nginx:${TAG}\n    environment:\n      A: yes\n";
    let ours = run_with_input(&dir, factory, &["config", "-p", "t", "-f", "-"], text);
    std::fs::write(dir.join("c.yml"), text).expect("write");
    let from_file = run_in(&dir, factory, &["config", "-p", "t", "-f", "c.yml"]);
    assert_eq!(ours.status.code(), Some(0), "{ours:?}");
    assert_eq!(ours.stdout, from_file.stdout);
    if compose.is_file() {
        let theirs = run_with_input(&dir, &compose, &["-p", "t", "-f", "-", "config"], text);
        assert_eq!(
            String::from_utf8_lossy(&theirs.stdout),
            String::from_utf8_lossy(&ours.stdout)
        );
    }
    let lint = run_with_input(
        &dir,
        factory,
        &["lint", "-f", "-", "--format", "json"],
        text,
    );
    let doc: serde_json::Value = serde_json::from_slice(&lint.stdout).expect("JSON");
    let files: Vec<&str> = doc["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter_map(|d| d["file"].as_str())
        .collect();
    assert!(files.contains(&"-"), "{doc}");
    let fix = run_with_input(&dir, factory, &["lint", "-f", "-", "--fix"], text);
    assert_eq!(fix.status.code(), Some(2));
    assert!(!dir.join("-").exists(), "--fix wrote a file named `-`");
}

/// Without PATH or `--project-directory`, the project is the folder of the first `-f` file, as
/// Compose takes it: its `.env`, its name (`docker compose -f sub/compose.yaml config` reads
/// `sub/.env` and names the project `sub`).
#[test]
fn the_first_file_s_folder_is_the_project() {
    let compose = std::env::var_os("COMPOSE")
        .map_or_else(|| repo().join("../.oracle/docker-compose"), PathBuf::from);
    let factory = Path::new(env!("CARGO_BIN_EXE_factory"));
    let dir = common::TempDir::new("factory-config-first-file", "");
    let sub = dir.join("sub");
    std::fs::create_dir_all(&sub).expect("temp dir");
    std::fs::write(sub.join(".env"), "TAG=1.27\n").expect("write");
    std::fs::write(dir.join(".env"), "TAG=wrong\n").expect("write");
    std::fs::write(
        sub.join("compose.yaml"),
        "services:\n  web:\n    image: nginx:${TAG}\n",
    )
    .expect("write");
    let ours = run_in(&dir, factory, &["config", "-f", "sub/compose.yaml"]);
    let text = String::from_utf8_lossy(&ours.stdout).into_owned();
    if compose.is_file() {
        let theirs = run_in(&dir, &compose, &["-f", "sub/compose.yaml", "config"]);
        assert_eq!(String::from_utf8_lossy(&theirs.stdout), text);
    }
    assert!(text.starts_with("name: sub\n"), "{text}");
    assert!(text.contains("image: nginx:1.27\n"), "{text}");
}

/// A project name given to Compose (`-p`, `COMPOSE_PROJECT_NAME`) is taken as it is, and one
/// Compose would have to change is refused (v2.40.3: `invalid project name`); an empty `-p` is
/// none; without `-p` or `CI_PROJECT_PATH`, `COMPOSE_PROJECT_NAME` names the project.
#[test]
fn project_names_given_are_taken_or_refused_as_compose_does() {
    let factory = Path::new(env!("CARGO_BIN_EXE_factory"));
    let dir = common::TempDir::new("factory-config-name", "");
    std::fs::write(dir.join("compose.yml"), "services:\n  a:\n    image: x\n").expect("write");
    let name = |out: &std::process::Output| {
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .next()
            .unwrap_or("")
            .to_owned()
    };
    for bad in ["Weird Name", "___", "A", "été"] {
        let out = run_in(&dir, factory, &["config", "-p", bad]);
        assert_eq!(out.status.code(), Some(2), "-p {bad:?}");
        assert!(out.stdout.is_empty(), "-p {bad:?}");
    }
    let dir_name = format!("name: factory-config-name-{}", std::process::id());
    assert_eq!(
        name(&run_in(&dir, factory, &["config", "-p", ""])),
        dir_name
    );
    assert_eq!(
        name(&run_in(&dir, factory, &["config", "-p", "ok_1"])),
        "name: ok_1"
    );
    let with_env = |vars: &[(&str, &str)]| {
        Command::new(factory)
            .arg("config")
            .current_dir(&dir)
            .env_clear()
            .envs(vars.iter().copied())
            .output()
            .expect("run factory")
    };
    assert_eq!(
        name(&with_env(&[("COMPOSE_PROJECT_NAME", "foo")])),
        "name: foo"
    );
    assert_eq!(
        name(&with_env(&[
            ("COMPOSE_PROJECT_NAME", "foo"),
            ("CI_PROJECT_PATH", "g/proj")
        ])),
        "name: proj"
    );
    assert_eq!(
        with_env(&[("COMPOSE_PROJECT_NAME", "Foo Bar")])
            .status
            .code(),
        Some(2)
    );
}

/// Without `-p`, `CI_PROJECT_PATH` or `COMPOSE_PROJECT_NAME` in the process, a
/// `COMPOSE_PROJECT_NAME` in `.env`, else a top-level `name:` (interpolated, normalised), names
/// the project, and `${COMPOSE_PROJECT_NAME}` is that name; a name Compose refuses stops
/// `config`. Every expected line was checked with Compose v2.40.3 (and is compared with it
/// when it is installed).
#[test]
fn dotenv_and_the_name_key_name_the_project_as_compose_does() {
    let compose = std::env::var_os("COMPOSE")
        .map_or_else(|| repo().join("../.oracle/docker-compose"), PathBuf::from);
    let factory = Path::new(env!("CARGO_BIN_EXE_factory"));
    let dir = common::TempDir::new("factory-config-named", "");
    let run = |program: &Path, name: &str, dotenv: Option<&str>, vars: &[(&str, &str)]| {
        std::fs::write(
            dir.join("compose.yaml"),
            format!(
                "name: {name}\nservices:\n  web:\n    image: nginx:1\n    environment:\n      P: ${{COMPOSE_PROJECT_NAME}}\n"
            ),
        )
        .expect("write");
        let _ = std::fs::remove_file(dir.join(".env"));
        if let Some(text) = dotenv {
            std::fs::write(dir.join(".env"), text).expect("write");
        }
        Command::new(program)
            .arg("config")
            .current_dir(&dir)
            .env_clear()
            .envs(vars.iter().copied())
            .output()
            .expect("run")
    };
    // `name:`, `.env`, the process environment, the project's name (`None`: refused).
    type Case<'a> = (
        &'a str,
        Option<&'a str>,
        &'a [(&'a str, &'a str)],
        Option<&'a str>,
    );
    let cases: [Case<'_>; 8] = [
        ("MyApp_x", None, &[], Some("myapp_x")),
        ("${X:-Abc}", None, &[], Some("abc")),
        ("'__Foo'", None, &[], Some("foo")),
        (
            "fromfile",
            Some("COMPOSE_PROJECT_NAME=dotenv\n"),
            &[],
            Some("dotenv"),
        ),
        (
            "fromfile",
            Some("COMPOSE_PROJECT_NAME=\n"),
            &[],
            Some("fromfile"),
        ),
        (
            "fromfile",
            Some("COMPOSE_PROJECT_NAME=dotenv\n"),
            &[("COMPOSE_PROJECT_NAME", "")],
            Some("fromfile"),
        ),
        ("'!!!'", None, &[], None),
        ("fromfile", Some("COMPOSE_PROJECT_NAME=Bad\n"), &[], None),
    ];
    for (name, dotenv, vars, expected) in cases {
        let ours = run(factory, name, dotenv, vars);
        let text = String::from_utf8_lossy(&ours.stdout).into_owned();
        let what = format!("name: {name}, .env {dotenv:?}, {vars:?}");
        match expected {
            Some(project) => {
                assert_eq!(ours.status.code(), Some(0), "{what}");
                assert!(
                    text.starts_with(&format!("name: {project}\n")),
                    "{what}: {text}"
                );
                assert!(
                    text.contains(&format!("      P: {project}\n")),
                    "{what}: {text}"
                );
                assert!(
                    text.contains(&format!("name: {project}_default\n")),
                    "{what}: {text}"
                );
            }
            None => {
                assert_eq!(ours.status.code(), Some(1), "{what}");
                assert!(text.is_empty(), "{what}: {text}");
            }
        }
        if compose.is_file() {
            let theirs = run(&compose, name, dotenv, vars);
            assert_eq!(theirs.status.success(), expected.is_some(), "{what}");
            if expected.is_some() {
                let first = |t: &str| t.lines().next().unwrap_or("").to_owned();
                assert_eq!(
                    first(&String::from_utf8_lossy(&theirs.stdout)),
                    first(&text),
                    "{what}"
                );
            }
        }
    }
    // `-p` wins over both.
    let out = Command::new(factory)
        .args(["config", "-p", "given"])
        .current_dir(&dir)
        .env_clear()
        .output()
        .expect("run");
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("name: given\n"));
}

/// A folder whose name is nothing once normalised (`_`, `项目`) names no project: Compose
/// v2.40.3 refuses it (`project name must not be empty`) unless `-p` names one.
#[test]
fn a_folder_name_normalised_to_nothing_is_refused() {
    let factory = Path::new(env!("CARGO_BIN_EXE_factory"));
    let parent = common::TempDir::new("factory-config-empty-name", "");
    for name in ["_", "项目"] {
        let dir = parent.join(name);
        std::fs::create_dir_all(&dir).expect("temp dir");
        std::fs::write(
            dir.join("compose.yaml"),
            "services:\n  web:\n    image: a:1\n",
        )
        .expect("write");
        let out = run_in(&dir, factory, &["config"]);
        assert_eq!(out.status.code(), Some(1), "{name}");
        assert!(out.stdout.is_empty(), "{name}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("project name must not be empty"));
        let out = run_in(&dir, factory, &["config", "-p", "named"]);
        assert_eq!(out.status.code(), Some(0), "{name}");
    }
}

/// Compose takes `COMPOSE_FILE` (and `COMPOSE_PATH_SEPARATOR`) from `.env` when the process
/// does not set it (v2.40.3 merges both files below); the process wins.
#[test]
fn compose_file_in_dotenv_names_the_files() {
    let factory = Path::new(env!("CARGO_BIN_EXE_factory"));
    let dir = common::TempDir::new("factory-config-dotenv-files", "");
    std::fs::write(
        dir.join("compose.yaml"),
        "services:\n  web:\n    image: a:1\n",
    )
    .expect("write");
    std::fs::write(dir.join("prod.yml"), "services:\n  web:\n    image: a:2\n").expect("write");
    std::fs::write(
        dir.join(".env"),
        "COMPOSE_PATH_SEPARATOR=;\nCOMPOSE_FILE=compose.yaml;prod.yml\n",
    )
    .expect("write");
    let image = |out: &std::process::Output| {
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .find(|l| l.trim_start().starts_with("image:"))
            .map(|l| l.trim().to_owned())
    };
    assert_eq!(
        image(&run_in(&dir, factory, &["config"])).as_deref(),
        Some("image: a:2")
    );
    let out = Command::new(factory)
        .arg("config")
        .current_dir(&dir)
        .env_clear()
        .env("COMPOSE_FILE", "compose.yaml")
        .output()
        .expect("run");
    assert_eq!(image(&out).as_deref(), Some("image: a:1"));
}

/// An `env_file` that names a folder fails as Compose says it (`failed to read DIR: read DIR:
/// is a directory`, v2.40.3), and a device other than `/dev/null` (an empty file, which
/// Compose reads) is no file to read: neither is "not found".
#[test]
fn an_env_file_that_is_a_folder_or_a_device_says_so() {
    let dir = common::TempDir::new("factory-cli-envdir", "");
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    let run = |env_file: &str| {
        std::fs::write(
            dir.join("compose.yaml"),
            format!("services:\n  web:\n    image: nginx:1\n    env_file: {env_file}\n"),
        )
        .unwrap();
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_factory"))
            .args(["config"])
            .current_dir(&dir)
            .env_clear()
            .output()
            .expect("run factory");
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, err) = run("sub");
    assert_eq!(code, Some(2));
    assert!(err.contains("is a directory"), "{err}");
    let (code, err) = run("/dev/zero");
    assert_eq!(code, Some(2));
    assert!(err.contains("is not a regular file"), "{err}");
    // `/dev/null` is an empty file, as for Compose.
    let (code, err) = run("/dev/null");
    assert_eq!(code, Some(0), "{err}");
}
