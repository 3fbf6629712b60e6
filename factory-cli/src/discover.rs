//! Compose's file discovery: `-f`, `COMPOSE_FILE`, default names, and how files are named in
//! diagnostics.

use std::path::{Path, PathBuf};

/// The default compose file names, in Compose's order of preference (compose-go's
/// `DefaultFileNames`).
const DEFAULT_NAMES: &[&str] = &[
    "compose.yaml",
    "compose.yml",
    "docker-compose.yml",
    "docker-compose.yaml",
];

/// The file `deploy-master` deploys unless its `-f` option names another.
const DEPLOYED: &str = "docker-compose.yml";

/// The override file names, in Compose's order of preference (`DefaultOverrideFileNames`):
/// the first one present is merged onto the file found, whatever that file is called.
const OVERRIDE_NAMES: &[&str] = &[
    "compose.override.yml",
    "compose.override.yaml",
    "docker-compose.override.yml",
    "docker-compose.override.yaml",
];

/// A compose file to read: its path on disk and the name diagnostics show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ComposeFile {
    pub(crate) path: PathBuf,
    pub(crate) display: String,
}

/// The project directory (its `.env`, its name, its Dockerfiles): `--project-directory`, else
/// PATH, else the folder of the first `-f` file as Compose takes it (`-f sub/compose.yaml`
/// reads `sub/.env`; standard input is in `.`), else `.`. PATH and `--project-directory` naming
/// two different folders is a usage error (neither silently wins).
pub(crate) fn project_dir(
    path: Option<&Path>,
    project_directory: Option<&Path>,
    files: &[PathBuf],
) -> Result<PathBuf, String> {
    if let (Some(path), Some(dir)) = (path, project_directory) {
        let same = |a: &Path, b: &Path| match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
            (Ok(a), Ok(b)) => a == b,
            _ => a == b,
        };
        if !same(path, dir) {
            return Err(format!(
                "PATH `{}` and --project-directory `{}` name two project directories: give one",
                path.display(),
                dir.display()
            ));
        }
    }
    let first_file_dir = || {
        files
            .first()
            .filter(|f| f.as_path() != Path::new("-"))
            .and_then(|f| f.parent())
            .filter(|d| !d.as_os_str().is_empty())
            .map(Path::to_path_buf)
    };
    Ok(project_directory
        .or(path)
        .map(Path::to_path_buf)
        .or_else(first_file_dir)
        .unwrap_or_else(|| PathBuf::from(".")))
}

/// Join a file name to the project path as the user gave it (`docker-compose.yml` for `.`).
pub(crate) fn display_in(dir: &Path, name: &str) -> String {
    if dir == Path::new(".") || dir.as_os_str().is_empty() {
        name.to_owned()
    } else {
        dir.join(name).to_string_lossy().into_owned()
    }
}

/// The compose files of the project, or a message saying why there are none.
///
/// `-f` paths are relative to the working directory, as Compose resolves them — except when the
/// project was named with the positional PATH (`factory lint -f a.yml -f b.yml examples/hello`),
/// which reads as "in the project at PATH": relative `-f` paths are then taken inside PATH.
/// Diagnostics always name a file as it was given.
///
/// Deployed (`deploy`), with no `-f` and no `COMPOSE_FILE`, the file is what `deploy-master`
/// reads by default: `docker-compose.yml` alone, without an override (the platform manual:
/// "Par défaut, le fichier docker-compose.yml est utilisé"); Compose's discovery when there is
/// none.
pub(crate) fn compose_files(
    dir: &Path,
    explicit: &[PathBuf],
    compose_file_env: Option<(String, String)>,
    (files_relative_to_dir, deploy): (bool, bool),
) -> Result<Vec<ComposeFile>, String> {
    if !explicit.is_empty() {
        return Ok(explicit
            .iter()
            .map(|p| {
                // `-` is standard input (`docker compose -f -`), wherever the project is.
                let path = if files_relative_to_dir && p.is_relative() && p != Path::new("-") {
                    dir.join(p)
                } else {
                    p.clone()
                };
                ComposeFile {
                    path,
                    display: p.to_string_lossy().into_owned(),
                }
            })
            .collect());
    }
    if let Some((value, separator)) = compose_file_env {
        // Compose reads an empty path (an empty `COMPOSE_FILE`, a separator at either end or
        // twice) as the project directory, and fails (`read DIR: is a directory`, v2.40.3).
        if value.split(separator.as_str()).any(str::is_empty) {
            return Err(format!(
                "COMPOSE_FILE=`{value}` names an empty path (separator `{separator}`): Compose reads it as the folder {} and fails; name the files, or unset COMPOSE_FILE",
                dir.display()
            ));
        }
        return Ok(value
            .split(separator.as_str())
            .map(|s| {
                let p = Path::new(s);
                let path = if p.is_absolute() {
                    p.to_path_buf()
                } else {
                    dir.join(p)
                };
                ComposeFile {
                    path,
                    display: display_in(dir, s),
                }
            })
            .collect());
    }
    if dir.is_file() {
        return Err(format!(
            "{0} is a file, and PATH is the project directory: pass the file with -f {0}",
            dir.display()
        ));
    }
    if !dir.exists() {
        return Err(format!(
            "the project directory {} does not exist",
            dir.display()
        ));
    }
    // Compose looks in the directory, then in each parent up to the root (compose-go's
    // `findFiles`): a command run in a subfolder of the project finds its files.
    let depth = std::fs::canonicalize(dir).map_or(0, |a| a.ancestors().count().saturating_sub(1));
    for k in 0..=depth {
        let up = "../".repeat(k);
        if let Some(files) = files_in(&dir.join(&up), dir, &up, deploy) {
            return Ok(files);
        }
    }
    Err(format!(
        "no compose file found in {} or its parent folders: expected one of {} (or pass -f FILE)",
        dir.display(),
        DEFAULT_NAMES.join(", ")
    ))
}

/// The folder a compose file was found in: `dir` itself, or the parent `up` (`../../`) above it
/// (compose-go's `findFiles` looks up to the root).
pub(crate) fn found_in(files: &[ComposeFile], dir: &Path) -> Option<PathBuf> {
    let up = files.first()?.path.strip_prefix(dir).ok()?.parent()?;
    (!up.as_os_str().is_empty()).then(|| dir.join(up))
}

/// The default files in the folder `here` (which is `dir` joined with `up`), named as seen
/// from `dir`: the deployed file alone when deploying, else the first default name and the
/// first override name present.
fn files_in(here: &Path, dir: &Path, up: &str, deploy: bool) -> Option<Vec<ComposeFile>> {
    let file = |name: &str| ComposeFile {
        path: here.join(name),
        display: display_in(dir, &format!("{up}{name}")),
    };
    if deploy && here.join(DEPLOYED).is_file() {
        return Some(vec![file(DEPLOYED)]);
    }
    let name = DEFAULT_NAMES.iter().find(|n| here.join(n).is_file())?;
    let mut files = vec![file(name)];
    if let Some(over) = OVERRIDE_NAMES.iter().find(|n| here.join(n).is_file()) {
        files.push(file(over));
    }
    Some(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_joined_to_the_path_as_given() {
        assert_eq!(
            display_in(Path::new("."), "docker-compose.yml"),
            "docker-compose.yml"
        );
        assert_eq!(
            display_in(Path::new("examples/hello"), "docker-compose.yml"),
            "examples/hello/docker-compose.yml"
        );
    }

    /// compose-go's preferences (checked with Compose v2.40.3): `docker-compose.yml` before
    /// `docker-compose.yaml`; the first override name present, whatever the base file's name,
    /// `.yml` before `.yaml`.
    #[test]
    fn default_files_are_found_in_compose_go_s_order() {
        let dir = std::env::temp_dir().join(format!("factory-discover-{}", std::process::id()));
        let found_as = |names: &[&str], deploy: bool| -> Vec<String> {
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            for n in names {
                std::fs::write(dir.join(n), "services: {}\n").unwrap();
            }
            compose_files(&dir, &[], None, (false, deploy))
                .unwrap()
                .iter()
                .map(|f| f.path.file_name().unwrap().to_string_lossy().into_owned())
                .collect()
        };
        let found = |names: &[&str]| found_as(names, false);
        // Deployed: what `deploy-master` reads, `docker-compose.yml` alone.
        assert_eq!(
            found_as(
                &[
                    "compose.yaml",
                    "docker-compose.yml",
                    "docker-compose.override.yml"
                ],
                true
            ),
            ["docker-compose.yml"]
        );
        assert_eq!(
            found_as(&["compose.yaml", "compose.override.yml"], true),
            ["compose.yaml", "compose.override.yml"]
        );
        assert_eq!(
            found(&["docker-compose.yaml", "docker-compose.yml"]),
            ["docker-compose.yml"]
        );
        assert_eq!(
            found(&["compose.yaml", "docker-compose.override.yml"]),
            ["compose.yaml", "docker-compose.override.yml"]
        );
        assert_eq!(
            found(&["docker-compose.yaml", "compose.override.yaml"]),
            ["docker-compose.yaml", "compose.override.yaml"]
        );
        assert_eq!(
            found(&[
                "compose.yaml",
                "compose.override.yaml",
                "compose.override.yml"
            ]),
            ["compose.yaml", "compose.override.yml"]
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// compose-go's `findFiles` (checked with Compose v2.40.3): with no compose file in the
    /// directory, its parents are searched up to the root; the files are named from it.
    #[test]
    fn parent_folders_are_searched() {
        let root = std::env::temp_dir().join(format!("factory-parents-{}", std::process::id()));
        let deeper = root.join("sub/deeper");
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&deeper).unwrap();
        std::fs::write(root.join("docker-compose.yml"), "services: {}\n").unwrap();
        std::fs::write(root.join("compose.override.yml"), "services: {}\n").unwrap();
        let files = compose_files(&deeper, &[], None, (false, false)).unwrap();
        let names: Vec<String> = files
            .iter()
            .map(|f| {
                f.display
                    .trim_start_matches(&*deeper.to_string_lossy())
                    .to_owned()
            })
            .collect();
        assert_eq!(
            names,
            ["/../../docker-compose.yml", "/../../compose.override.yml"]
        );
        assert!(files.iter().all(|f| f.path.is_file()));
        assert_eq!(found_in(&files, &deeper), Some(deeper.join("../../")));
        // Found where it is looked for first: the directory itself.
        let here = compose_files(&root, &[], None, (false, false)).unwrap();
        assert_eq!(found_in(&here, &root), None);
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn compose_file_variable_is_split_on_the_separator() {
        let files = compose_files(
            Path::new("p"),
            &[],
            Some(("a.yml;b.yml".into(), ";".into())),
            (false, false),
        )
        .unwrap();
        assert_eq!(
            files.iter().map(|f| f.display.as_str()).collect::<Vec<_>>(),
            ["p/a.yml", "p/b.yml"]
        );
    }
}
