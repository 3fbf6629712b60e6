//! What the CLI integration tests share: running the built binary the way a user's shell does,
//! with an empty environment (plus what a test names) and no colour.
#![allow(dead_code, clippy::disallowed_methods)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The workspace root.
pub(crate) fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Run `factory ARGS` in `cwd` with an empty environment plus `env`.
pub(crate) fn factory_env(args: &[&str], cwd: &Path, env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_factory"))
        .args(args)
        .current_dir(cwd)
        .env_clear()
        .env("NO_COLOR", "1")
        .envs(env.iter().copied())
        .output()
        .expect("run factory")
}

/// Run `factory ARGS` in `cwd` with an empty environment.
pub(crate) fn factory(args: &[&str], cwd: &Path) -> Output {
    factory_env(args, cwd, &[])
}

/// Standard output, decoded.
pub(crate) fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Standard output as JSON (panics with both outputs when it is not).
pub(crate) fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// The `diagnostics` array of a JSON report on standard output.
pub(crate) fn diagnostics(out: &Output) -> Vec<serde_json::Value> {
    json(out)["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .clone()
}

/// A fresh, empty folder of the temporary directory, removed when the guard is dropped (also
/// when the test fails): `KIND-PID-NAME` (`KIND-PID` without a name), one per test.
pub(crate) struct TempDir(PathBuf);

impl TempDir {
    pub(crate) fn new(kind: &str, name: &str) -> Self {
        let pid = std::process::id();
        let dir = std::env::temp_dir().join(if name.is_empty() {
            format!("{kind}-{pid}")
        } else {
            format!("{kind}-{pid}-{name}")
        });
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        Self(dir)
    }

    /// The folder.
    pub(crate) fn path(&self) -> &Path {
        &self.0
    }
}

impl std::ops::Deref for TempDir {
    type Target = Path;

    fn deref(&self) -> &Path {
        &self.0
    }
}

impl AsRef<Path> for TempDir {
    fn as_ref(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A fresh folder of the temporary directory (see [`TempDir`]) holding `files`.
pub(crate) fn temp_project(kind: &str, name: &str, files: &[(&str, &str)]) -> TempDir {
    let dir = TempDir::new(kind, name);
    for (file, text) in files {
        std::fs::write(dir.join(file), text).expect("write");
    }
    dir
}
