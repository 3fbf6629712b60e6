//! Standard output or standard error closed by the reader (`factory config 2>&1 | true`,
//! `factory lint | head -1`): the message is lost, but the exit code stays the command's own.
//! `eprint!` panicked on such a pipe and the process ended with Rust's 101.
#![allow(clippy::disallowed_methods)]

mod common;

use std::path::Path;
use std::process::{Command, Stdio};

/// One project per outcome: a clean one, one Compose refuses, one with a YAML error (the
/// commands that stop before their output), one whose JSON Compose cannot print.
const PROJECTS: &[(&str, &str, &str)] = &[
    ("clean", "services:\n  web:\n    image: nginx:1.27\n", ""),
    (
        "refused",
        "services:\n  s:\n    image: busybox\n    cpus: ${V}\n",
        "V=x\n",
    ),
    ("broken", "services:\n  web: [\n", ""),
    (
        "infinite",
        "x-e: .inf\nservices:\n  web:\n    image: nginx:1.27\n",
        "",
    ),
];

/// Every command that writes to standard error or standard output, in each project.
const COMMANDS: &[&[&str]] = &[
    &["lint", "."],
    &["lint", "--format", "json", "."],
    &["lint", "--fix", "--diff", "."],
    &["config", "."],
    &["config", "--format", "json", "."],
    &["routes", "."],
    &["cron", "."],
    &["env"],
    &["runjob", "web"],
    &["rule", "FC001"],
    &["no-such-command"],
];

/// A pipe whose reading end is already closed: every write to it fails with `EPIPE`.
fn closed_pipe() -> Stdio {
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    Stdio::from(writer)
}

fn code(dir: &Path, args: &[&str], closed: bool) -> Option<i32> {
    let (out, err) = if closed {
        (closed_pipe(), closed_pipe())
    } else {
        (Stdio::null(), Stdio::null())
    };
    Command::new(env!("CARGO_BIN_EXE_factory"))
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .status()
        .expect("run factory")
        .code()
}

#[test]
fn a_closed_pipe_keeps_the_exit_code() {
    let tmp = common::TempDir::new("factory-closed-pipes", "");
    let mut checked = 0;
    for (name, compose, env) in PROJECTS {
        let dir = tmp.join(name);
        std::fs::create_dir_all(&dir).expect("temp dir");
        std::fs::write(dir.join("compose.yaml"), compose).expect("write");
        std::fs::write(dir.join(".env"), env).expect("write");
        for args in COMMANDS {
            let open = code(&dir, args, false);
            let closed = code(&dir, args, true);
            assert_ne!(open, Some(101), "{name}: factory {args:?} panicked");
            assert_eq!(
                closed, open,
                "{name}: factory {args:?} with closed pipes (101 is a panic)"
            );
            checked += 1;
        }
    }
    assert_eq!(checked, PROJECTS.len() * COMMANDS.len());
}

/// A full device as standard output (`> /dev/full`): exit 2, and the message says what failed.
#[cfg(target_os = "linux")]
#[test]
fn a_full_standard_output_is_an_io_error() {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full");
    let out = Command::new(env!("CARGO_BIN_EXE_factory"))
        .args(["rule", "FC001"])
        .stdout(Stdio::from(full))
        .stderr(Stdio::piped())
        .output()
        .expect("run factory");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).starts_with("error: cannot write standard output: "),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
