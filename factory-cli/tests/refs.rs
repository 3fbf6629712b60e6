//! `factory config` on projects whose services come from other files (`extends`, top-level
//! `include:`): the whole `services` object must equal what `docker compose config --format
//! json` v2.40.3 printed for the same project (`expected.json` beside it, with the project's
//! absolute path written `@DIR@`), including relative paths of the other files rebased on their
//! folder and env files read through the referenced-files API.
#![allow(clippy::disallowed_methods)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

fn project(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/refs")
        .join(name)
}

fn check(name: &str) {
    check_with(name, &[]);
}

/// [`check`] with `env` (`@DIR@` in a value is the project's absolute path).
fn check_with(name: &str, env: &[(&str, &str)]) {
    let dir = project(name);
    let abs_dir = std::path::absolute(&dir).expect("absolute path");
    let out = Command::new(env!("CARGO_BIN_EXE_factory"))
        .args(["config", "-p", "t", "-f", "compose.yml", "--format", "json"])
        .current_dir(&dir)
        .env_clear()
        .envs(
            env.iter()
                .map(|(k, v)| (*k, v.replace("@DIR@", &abs_dir.to_string_lossy()))),
        )
        .output()
        .expect("run factory");
    assert!(
        out.status.success(),
        "factory config failed in {name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let abs = std::path::absolute(&dir).expect("absolute path");
    let actual = String::from_utf8(out.stdout)
        .expect("UTF-8 output")
        .replace(&*abs.to_string_lossy(), "@DIR@");
    let expected = std::fs::read_to_string(dir.join("expected.json")).expect("expected.json");
    let actual: serde_json::Value = serde_json::from_str(&actual).expect("JSON output");
    let expected: serde_json::Value = serde_json::from_str(&expected).expect("expected JSON");
    let (a, e) = (&actual["services"], &expected["services"]);
    let names: std::collections::BTreeSet<&String> = a
        .as_object()
        .into_iter()
        .chain(e.as_object())
        .flat_map(|m| m.keys())
        .collect();
    let mut wrong = Vec::new();
    for n in names {
        if a[n] != e[n] {
            wrong.push(format!(
                "services.{n}\n  factory: {}\n  compose: {}",
                a[n], e[n]
            ));
        }
    }
    assert!(wrong.is_empty(), "{name}:\n{}", wrong.join("\n"));
}

#[test]
fn extends_same_file_other_files_nested_and_reset() {
    check("extends");
}

#[test]
fn include_paths_lists_and_project_directory() {
    check("include");
}

/// A leading `~` in `env_file`, `label_file` and a bind source is the process's `HOME`
/// (compose-go's `ExpandUser`): the files are read from there (expected output printed by
/// Compose with `HOME=@DIR@/home`).
#[test]
fn tilde_paths_are_read_from_home() {
    check_with("tilde", &[("HOME", "@DIR@/home")]);
}

/// Files that `include` or `extends` name are read sixteen levels deep; a file named deeper is
/// FC004 where it is named (exit 1, like every finding), not a missing file nor a usage error.
#[test]
fn files_deeper_than_sixteen_levels_are_fc004_where_named() {
    let dir = common::TempDir::new("factory-refs-deep", "");
    let depth = 20;
    std::fs::write(
        dir.join("docker-compose.yml"),
        "include:\n  - a1.yml\nservices:\n  web:\n    image: registry.example/web:1.0\n",
    )
    .unwrap();
    for k in 1..depth {
        let include = if k + 1 < depth {
            format!("include:\n  - a{}.yml\n", k + 1)
        } else {
            String::new()
        };
        std::fs::write(
            dir.join(format!("a{k}.yml")),
            format!("{include}services:\n  s{k}:\n    image: registry.example/s:1.0\n"),
        )
        .unwrap();
    }
    // The same through `extends` in files, each extending a service of the next.
    for k in 1..depth {
        let extends = if k + 1 < depth {
            format!(
                "    extends:\n      file: e{}.yml\n      service: s\n",
                k + 1
            )
        } else {
            // The image only at the end of the chain.
            "    image: registry.example/s:1.0\n".to_owned()
        };
        std::fs::write(
            dir.join(format!("e{k}.yml")),
            format!("services:\n  s:\n{extends}    restart: always\n"),
        )
        .unwrap();
    }
    std::fs::write(
        dir.join("extends.yml"),
        "services:\n  web:\n    extends:\n      file: e1.yml\n      service: s\n",
    )
    .unwrap();
    for (file, at) in [
        ("docker-compose.yml", "a16.yml:2:5"),
        ("extends.yml", "e16.yml:4:13"),
    ] {
        for command in ["config", "lint"] {
            let out = std::process::Command::new(env!("CARGO_BIN_EXE_factory"))
                .args([command, "--no-color", "-f", file])
                .current_dir(&dir)
                .env_clear()
                .output()
                .expect("run factory");
            let all = format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            assert_eq!(out.status.code(), Some(1), "{file} {command}: {all}");
            assert!(all.contains("FC004"), "{file} {command}: {all}");
            assert!(!all.contains("FC029"), "{file} {command}: {all}");
            // The image the files not read may hold is not said to be missing.
            assert!(!all.contains("FC032"), "{file} {command}: {all}");
            assert!(
                all.contains("more than 16 levels"),
                "{file} {command}: {all}"
            );
            assert!(
                all.contains(&format!("--> {at}\n")),
                "{file} {command}: {all}"
            );
        }
    }
}
