//! `factory lint` reads the project's Dockerfiles and `.gitlab-ci.yml` (FD/FP rules) and lists
//! the project directory (FP002).
#![allow(clippy::disallowed_methods)]

mod common;

use common::{diagnostics, factory, repo};

use std::process::Output;

fn codes(out: &Output) -> Vec<(String, Option<String>)> {
    diagnostics(out)
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap_or("").to_owned(),
                d["file"].as_str().map(str::to_owned),
            )
        })
        .collect()
}

fn project(name: &str, files: &[(&str, &str)]) -> common::TempDir {
    common::temp_project("factory-cli-fmdp", name, files)
}

#[test]
fn hello_with_its_dockerfile_and_ci_lints_clean() {
    // examples/hello has the manual's Dockerfile (uid 1001) and .gitlab-ci.yml (production by
    // hand, on master), and every required file.
    let hello = repo().join("examples/hello");
    for f in ["Dockerfile", ".gitlab-ci.yml", ".env", "docker-compose.yml"] {
        assert!(hello.join(f).is_file(), "examples/hello/{f} is missing");
    }
    let out = factory(&["lint", "examples/hello"], &repo());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let out = factory(&["lint", "examples/hello", "--format", "json"], &repo());
    assert_eq!(codes(&out), []);
}

#[test]
fn dockerfiles_and_ci_of_the_project_directory_are_linted() {
    let compose = "services:\n  app:\n    image: ${CI_REGISTRY_IMAGE}/app:${CI_COMMIT_SHA}\n    volumes:\n      - ./data:/data\n";
    let dir = project(
        "fd",
        &[
            ("docker-compose.yml", compose),
            (
                ".env",
                "CI_REGISTRY_IMAGE=registry.example/g/p\nCI_COMMIT_SHA=dev\n",
            ),
            ("Dockerfile", "FROM debian\nVOLUME /data\n"),
            ("Dockerfile.app", "FROM debian\nUSER 1000\n"),
            ("Dockerfile.app~", "FROM debian\n"),
            (
                ".gitlab-ci.yml",
                "production:\n  environment: production\n  script: [deploy-master prod]\n",
            ),
        ],
    );
    let out = factory(&["lint", "--format", "json"], &dir);
    let mut got = codes(&out);
    got.sort();
    let f = |c: &str, file: Option<&str>| (c.to_owned(), file.map(str::to_owned));
    assert_eq!(
        got,
        [
            f("FD001", Some("Dockerfile")),
            f("FD002", Some("Dockerfile")),
            f("FD003", Some("docker-compose.yml")),
            f("FP003", Some(".gitlab-ci.yml")),
        ],
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(out.status.code(), Some(1));
    // The summary names the files the findings are in, not the one compose file.
    let human = factory(&["lint", "--no-color"], &dir);
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(
        text.ends_with("\nfound 2 errors, 2 warnings in 3 files\n"),
        "{text}"
    );
}

#[test]
fn missing_project_files_are_reported_without_a_place() {
    let dir = project(
        "fp",
        &[(
            "docker-compose.yml",
            "services:\n  app:\n    image: app:1.0\n",
        )],
    );
    let out = factory(&["lint", "--format", "json"], &dir);
    assert_eq!(
        codes(&out),
        [
            ("FP002".to_owned(), None),
            ("FP002".to_owned(), None),
            ("FP002".to_owned(), None),
        ]
    );
    assert_eq!(out.status.code(), Some(0), "warnings only");
}

#[test]
fn a_ci_file_that_is_not_yaml_is_reported_where_the_parser_stopped() {
    let dir = project(
        "ci-not-yaml",
        &[
            (
                "docker-compose.yml",
                "services:\n  app:\n    image: app:1\n",
            ),
            (".gitlab-ci.yml", "deploy:\n  script: [\"echo\n"),
        ],
    );
    let out = factory(&["lint", ".", "--format", "json"], &dir);
    assert_eq!(out.status.code(), Some(1));
    let found: Vec<_> = diagnostics(&out)
        .iter()
        .filter(|d| d["file"] == ".gitlab-ci.yml")
        .map(|d| (d["code"].clone(), d["line"].clone()))
        .collect();
    assert_eq!(found, [("FC001".into(), 2.into())]);
}

#[cfg(unix)]
#[test]
fn a_folder_called_like_a_dockerfile_is_no_dockerfile_and_no_error() {
    let dir = project(
        "unreadable",
        &[(
            "docker-compose.yml",
            "services:\n  app:\n    image: app:1\n",
        )],
    );
    // (A link to nothing is no file either: see below. One that cannot be read for another
    // reason, such as its permissions, is an I/O error, exit 2; as root no file is unreadable.)
    std::fs::create_dir(dir.join("Dockerfile.d")).expect("folder");
    let out = factory(&["lint", "."], &dir);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[cfg(unix)]
#[test]
fn a_named_pipe_called_like_a_project_file_is_an_error_not_a_wait() {
    for name in ["Dockerfile.app", ".gitlab-ci.yml"] {
        let dir = project(
            &format!("fifo{}", name.len()),
            &[(
                "docker-compose.yml",
                "services:\n  app:\n    image: app:1\n",
            )],
        );
        let made = std::process::Command::new("mkfifo")
            .arg(dir.join(name))
            .status()
            .expect("mkfifo");
        assert!(made.success());
        // Opening the pipe would wait for a writer forever: give it ten seconds.
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_factory"))
            .args(["lint", "."])
            .current_dir(&dir)
            .env_clear()
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("run factory");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        let status = loop {
            if let Some(status) = child.try_wait().expect("wait") {
                break status;
            }
            if std::time::Instant::now() > deadline {
                let _ = child.kill();
                panic!("factory lint waited on the named pipe {name}");
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        };
        let mut stderr = String::new();
        std::io::Read::read_to_string(&mut child.stderr.take().expect("stderr"), &mut stderr)
            .expect("stderr");
        assert_eq!(status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains(&format!("cannot read {name}: not a regular file")),
            "{stderr}"
        );
    }
}

// Linux file systems take any bytes in a name; macOS's refuse what is not UTF-8.
#[cfg(target_os = "linux")]
#[test]
fn a_dockerfile_whose_name_is_not_utf8_is_read_by_its_own_name() {
    use std::os::unix::ffi::OsStrExt;
    let dir = project(
        "not-utf8",
        &[(
            "docker-compose.yml",
            "services:\n  app:\n    image: app:1\n",
        )],
    );
    let name = std::ffi::OsStr::from_bytes(b"Dockerfile.\xff");
    std::fs::write(dir.join(name), "FROM debian\n").expect("write");
    // It was opened by its lossy name (`Dockerfile.\u{fffd}`), which is no file: exit 2.
    let out = factory(&["lint", "--format", "json"], &dir);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        codes(&out).contains(&("FD001".to_owned(), Some("Dockerfile.\u{fffd}".to_owned()))),
        "{:?}",
        codes(&out)
    );
}

// A link to nothing, or a directory, called like a project file is no project file: every
// command stopped on the link (`cannot read Dockerfile.old`, exit 2), and FP002 counted the
// directory as the Dockerfile.
#[cfg(unix)]
#[test]
fn a_dangling_link_or_a_directory_called_like_a_project_file_is_no_file() {
    let dir = project(
        "no-file",
        &[
            (
                "docker-compose.yml",
                "services:\n  app:\n    image: app:1\n",
            ),
            (".env", "A=1\n"),
            (".gitlab-ci.yml", "stages: [build]\n"),
        ],
    );
    std::os::unix::fs::symlink("/nonexistent/factory", dir.join("Dockerfile.old")).expect("link");
    std::fs::create_dir(dir.join("Dockerfile")).expect("dir");
    let out = factory(&["lint", "--format", "json"], &dir);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let fp002: Vec<String> = diagnostics(&out)
        .iter()
        .filter(|d| d["code"] == "FP002")
        .map(|d| d["message"].as_str().unwrap_or("").to_owned())
        .collect();
    assert!(
        fp002.len() == 1 && fp002[0].contains("Dockerfile"),
        "FP002 for the Dockerfile: {fp002:?}"
    );
    for command in ["config", "routes", "cron"] {
        let out = factory(&[command], &dir);
        assert_ne!(
            out.status.code(),
            Some(2),
            "{command}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// Compose reads `compose.yaml` before `docker-compose.yml`; `deploy-master` deploys
/// `docker-compose.yml`: with both, the deployed file would go unchecked without a word.
#[test]
fn a_deployed_file_compose_does_not_read_is_fp002() {
    let compose = "services:\n  app:\n    image: registry.example/app:1\n";
    let message = |out: &Output| {
        diagnostics(out)
            .iter()
            .filter(|d| d["code"] == "FP002")
            .filter_map(|d| d["message"].as_str().map(str::to_owned))
            .find(|m| m.contains("is not the one checked"))
    };
    let both = project(
        "both",
        &[("compose.yaml", compose), ("docker-compose.yml", compose)],
    );
    let out = factory(&["lint", "--format", "json", "."], &both);
    assert_eq!(
        message(&out).as_deref(),
        Some(
            "`docker-compose.yml`, the file `deploy-master` deploys, is not the one checked: Compose reads `compose.yaml` first"
        )
    );
    // Checked with -f, or alone: nothing to say.
    let out = factory(
        &["lint", "--format", "json", "-f", "docker-compose.yml", "."],
        &both,
    );
    assert_eq!(message(&out), None);
    let alone = project("alone", &[("docker-compose.yml", compose)]);
    assert_eq!(
        message(&factory(&["lint", "--format", "json", "."], &alone)),
        None
    );
}

/// Deployed, `deploy-master` reads `docker-compose.yml` alone (the platform manual): the
/// development override does not hide what production gets.
#[test]
fn deploy_mode_reads_the_deployed_file_without_the_override() {
    let dir = project(
        "deployed",
        &[
            (
                "docker-compose.yml",
                "services:\n  app:\n    image: nginx\n    expose: [9000]\n",
            ),
            (
                "docker-compose.override.yml",
                "services:\n  app:\n    image: ${CI_REGISTRY_IMAGE}/app:${CI_COMMIT_SHA}\n",
            ),
        ],
    );
    let fc034 = |args: &[&str]| {
        let out = factory(args, &dir);
        diagnostics(&out).iter().any(|d| d["code"] == "FC034")
    };
    assert!(fc034(&[
        "lint",
        "--format",
        "json",
        "-e",
        "production",
        "."
    ]));
    assert!(!fc034(&["lint", "--format", "json", "."]));
    // Files named on the command line are read as named, deployed or not.
    assert!(!fc034(&[
        "lint",
        "--format",
        "json",
        "-e",
        "production",
        "-f",
        "docker-compose.yml",
        "-f",
        "docker-compose.override.yml",
        "."
    ]));
}

/// Run from a subfolder without a compose file, factory finds the project's files in a parent
/// folder, which becomes the project directory (its name, its Dockerfile), as Compose does
/// (checked with Compose v2.40.3: `docker compose config` in `sub/deeper` names the project
/// after the parent).
#[test]
fn a_subfolder_finds_the_project_in_a_parent_folder() {
    let dir = project(
        "parent",
        &[
            (
                "docker-compose.yml",
                "services:\n  app:\n    image: registry.example/app:1.0\n    volumes: [./data:/data]\n",
            ),
            ("Dockerfile", "FROM alpine:3\nUSER 1001\n"),
        ],
    );
    let deeper = dir.join("sub/deeper");
    std::fs::create_dir_all(&deeper).expect("subfolder");
    let out = factory(&["config", "--format", "json"], &deeper);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let name = dir.file_name().unwrap().to_string_lossy().to_lowercase();
    assert_eq!(json["name"].as_str(), Some(name.as_str()));
    let source = json["services"]["app"]["volumes"][0]["source"]
        .as_str()
        .unwrap_or("");
    assert!(source.ends_with(&format!("{name}/data")), "{source}");
    // The parent's Dockerfile is the project's: no FP002 for it.
    let lint = factory(&["lint", "--format", "json"], &deeper);
    let missing: Vec<String> = diagnostics(&lint)
        .iter()
        .filter(|d| d["code"] == "FP002")
        .filter_map(|d| d["message"].as_str().map(str::to_owned))
        .collect();
    assert!(
        missing.iter().all(|m| !m.contains("Dockerfile")),
        "{missing:?}"
    );
}

/// `docker build --target prod` in `.gitlab-ci.yml`: `factory lint` judges stage `prod` (uid
/// 1001), not the final stage `dev` (root), which no job builds; with a target that names no
/// stage, the final stage is judged and the build line says that Docker fails the build.
#[test]
fn the_stage_a_build_line_targets_is_the_image() {
    let files = |target: &'static str| {
        [
            (
                "docker-compose.yml",
                "services:\n  app:\n    image: ${CI_REGISTRY_IMAGE}/app:${CI_COMMIT_SHA}\n    volumes: [\"./data:/data\"]\n",
            ),
            (
                "Dockerfile",
                "FROM debian AS Prod\nRUN useradd -u 1001 app\nUSER app\nFROM debian AS dev\nUS\\\nER root\n",
            ),
            (".gitlab-ci.yml", target),
            (
                ".env",
                "CI_REGISTRY_IMAGE=registry.example/g/p\nCI_COMMIT_SHA=dev\n",
            ),
        ]
    };
    let dir = project(
        "target",
        &files(
            "build:\n  script:\n    - docker build -t \"$CI_REGISTRY_IMAGE/app:$CI_COMMIT_SHA\" --target=prod .\n",
        ),
    );
    let out = factory(&["lint", "--format", "json"], &dir);
    assert_eq!(codes(&out), [], "{}", String::from_utf8_lossy(&out.stdout));
    let dir = project(
        "typo",
        &files(
            "build:\n  script:\n    - docker build --target prodd -t $CI_REGISTRY_IMAGE/app:$CI_COMMIT_SHA .\n",
        ),
    );
    let out = factory(&["lint", "--no-color"], &dir);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("error[FD001]: the final stage of `Dockerfile` runs as root (`USER root`)\n --> Dockerfile:5:1")
            && text.contains("job `build` builds `--target prodd`, which names no stage of `Dockerfile`: Docker fails this build"),
        "{text}"
    );
}
