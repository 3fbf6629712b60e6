//! Golden files for `factory config` on examples/hello, run with a cleared environment.
//!
//! The development outputs were checked against `docker compose config` v2.40.3 (byte for byte,
//! YAML and JSON); `compose_agrees_in_dev` re-checks them when the binary is available
//! (`COMPOSE=/path/to/docker-compose`, or the oracle installed beside the repository).
#![allow(clippy::disallowed_methods, clippy::print_stderr)]

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
