//! Reading a project from disk: compose files (Compose's discovery), `.env`, the process
//! environment, and the settings every command shares.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use factory_compose::resolve_refs::FileRef;
use factory_compose::{FileKind, Loaded, Mode, ProcessEnv, Settings, SourceFile, SourceMap};

use crate::args::ProjectArgs;
use crate::discover;

/// A project's sources and the settings to load them with.
pub(crate) struct ProjectFiles {
    pub(crate) sources: SourceMap,
    pub(crate) process: ProcessEnv,
    pub(crate) settings: Settings,
    /// The path on disk of each source, in `sources` order (`lint --fix` writes there).
    pub(crate) paths: Vec<PathBuf>,
    #[allow(dead_code)] // read by commands that render paths (config)
    pub(crate) dir: PathBuf,
    /// Referenced files (`env_file`, `extends.file`) that do not exist.
    pub(crate) missing: Vec<FileRef>,
    /// The last load of [`read_referenced`], made from exactly these sources, process
    /// environment and settings (taken by [`ProjectFiles::load`]).
    loaded: Option<Loaded>,
    /// What `factory.toml` and `FACTORY_*` ignore ([`read_configured`]; nothing for [`read`]):
    /// the notes other commands print on standard error leave out what `lint` would.
    pub(crate) filter: factory_compose::suppress::Filter,
}

impl ProjectFiles {
    /// The project loaded from these sources: the load that looking for referenced files
    /// already made from the final sources when there was one (loading is a pure function of
    /// the sources, the process environment and the settings), else a new one.
    pub(crate) fn load(&mut self) -> Loaded {
        self.loaded
            .take()
            .unwrap_or_else(|| factory_compose::load(&self.sources, &self.process, &self.settings))
    }
}

/// Where a file the project refers to is: `path` as written, relative to `base`; a leading `~`
/// is the process's `HOME` (compose-go's `ExpandUser`; unset or empty, the path is relative
/// like any other).
pub(crate) fn on_disk(path: &str, base: &Path, process: &ProcessEnv) -> PathBuf {
    let home = process.get("HOME").filter(|h| !h.is_empty());
    match (path.strip_prefix('~'), home) {
        (Some(rest), Some(home)) => Path::new(home).join(rest.trim_start_matches('/')),
        _ if Path::new(path).is_absolute() => PathBuf::from(path),
        _ => base.join(path),
    }
}

/// Step two of the loader's API: read the files the project refers to (`env_file`,
/// `extends.file`, relative to the project directory) and add them to the sources, until a
/// load asks for nothing new (a file `extends` names may name more). Returns the missing ones,
/// and that last load (made from the final sources) for the command to use instead of loading
/// the same sources again. Files named past [`factory_compose::UNREAD_DEPTH`] levels are not
/// read: they go to `settings`' [`Settings::unread_files`], which the load reports (FC004).
fn read_referenced(
    sources: &mut SourceMap,
    process: &ProcessEnv,
    settings: &mut Settings,
    base: &Path,
) -> Result<(Vec<FileRef>, Option<Loaded>), String> {
    let refers = sources.of_kind(FileKind::Compose).any(|id| {
        let t = &sources.get(id).text;
        t.contains("env_file")
            || t.contains("label_file")
            || t.contains("extends")
            || t.contains("include")
    });
    let mut missing: Vec<FileRef> = Vec::new();
    if !refers {
        return Ok((missing, None));
    }
    // The paths already read or found missing: a set, since a project may name thousands of
    // files (a scan of a list per reference was quadratic).
    let mut tried: std::collections::HashSet<String> = std::collections::HashSet::new();
    for round in 0..=factory_compose::UNREAD_DEPTH {
        let loaded = factory_compose::load(sources, process, settings);
        let mut added = false;
        let mut unread = Vec::new();
        for r in loaded.referenced_files() {
            if !tried.insert(r.path.clone()) {
                continue;
            }
            let on_disk = on_disk(&r.path, base, process);
            // `/dev/null` is the usual empty file (Compose reads it as one).
            if !on_disk.is_file() && on_disk != Path::new("/dev/null") {
                missing.push(r);
                continue;
            }
            // Each round reads the files the files read so far name: the files still asked
            // for after the last round are too deep, and are said to be where they are named.
            if round == factory_compose::UNREAD_DEPTH {
                unread.push(r.path);
                continue;
            }
            let text = read_text(&on_disk, &r.path)?;
            sources.add(SourceFile::new(r.path.clone(), text, FileKind::Other));
            added = true;
        }
        if !unread.is_empty() {
            settings.unread_files = unread;
            return Ok((missing, None));
        }
        if !added {
            return Ok((missing, Some(loaded)));
        }
    }
    Ok((missing, None))
}

/// Read a text file; a non-UTF-8 file is an error that names its line and column, and so is one
/// larger than factory's limit for a file (64 MiB, [`factory_compose::yaml::Limits`]): nothing is
/// read past it, so `/dev/zero` or an endless pipe ends too.
pub(crate) fn read_text(path: &Path, display: &str) -> Result<String, String> {
    match read_bounded(path, display)? {
        (text, false) => Ok(text),
        (_, true) => Err(format!(
            "cannot read {display}: the file is larger than factory's limit of {} MiB",
            max_file_bytes() >> 20
        )),
    }
}

/// [`read_text`] for a compose file: one past the limit is read up to just past it, and the
/// load reports it where it reports every YAML limit (FC004).
/// `-` is standard input, as `docker compose -f -` reads it.
pub(crate) fn read_compose_text(path: &Path, display: &str) -> Result<String, String> {
    if path == Path::new("-") {
        return read_bounded_from(std::io::stdin().lock(), None, display).map(|(text, _)| text);
    }
    read_bounded(path, display).map(|(text, _)| text)
}

fn max_file_bytes() -> usize {
    factory_compose::yaml::Limits::default().max_file_bytes
}

/// The file's text up to just past [`max_file_bytes`] (a character cut there dropped), and
/// whether there was more.
fn read_bounded(path: &Path, display: &str) -> Result<(String, bool), String> {
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read {display}: {e}"))?;
    let size = file
        .metadata()
        .ok()
        .filter(std::fs::Metadata::is_file)
        .map(|m| m.len());
    read_bounded_from(file, size, display)
}

/// [`read_bounded`] of an open `reader`, whose size is known for a regular file.
fn read_bounded_from(
    reader: impl std::io::Read,
    size: Option<u64>,
    display: &str,
) -> Result<(String, bool), String> {
    let (bytes, over) = read_bytes_bounded(reader, size, display)?;
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        // A character the limit cut in two is not an encoding error.
        Err(e) if over && e.utf8_error().error_len().is_none() => {
            let valid = e.utf8_error().valid_up_to();
            let mut bytes = e.into_bytes();
            bytes.truncate(valid);
            String::from_utf8(bytes).map_err(|e| e.to_string())?
        }
        Err(e) => {
            let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let text = String::from_utf8_lossy(valid);
            let line = text.matches('\n').count() + 1;
            let column = text.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            return Err(format!(
                "{display}:{line}:{column}: the file is not UTF-8 text"
            ));
        }
    };
    Ok((text, over))
}

/// Whether `name` can name a deploy environment (`-e`, `environment` in factory.toml); else
/// what is wrong, to follow the option's name.
pub(crate) fn check_environment(name: &str) -> Result<(), &'static str> {
    if name.trim().is_empty() {
        return Err("needs a name (`staging`, `production`)");
    }
    Ok(())
}

/// Whether `url` can be an environment's URL (`--url`, `url` in factory.toml): its host is
/// CI_ENVIRONMENT_DOMAIN, which `Host:` rules are written with, so a host name (or address),
/// not any text. Else what is wrong, to follow the option's name.
pub(crate) fn check_url(url: &str) -> Result<(), String> {
    let host = factory_env::url_host(url);
    if host.as_deref().is_some_and(|h| !h.is_ascii()) && !url.trim().contains(char::is_whitespace) {
        return Err(format!(
            "`{url}` has a host name that is not ASCII: a browser sends an international name in its ASCII form (punycode, `xn--…`), and Traefik compares `Host:` rules with that; give the URL with the host in that form"
        ));
    }
    let valid = host.as_deref().is_some_and(|h| {
        h.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.'))
            && !h.starts_with(['-', '.'])
    });
    if !valid || url.trim().contains(char::is_whitespace) {
        return Err(format!(
            "`{url}` has no host name: give the environment's URL, such as https://app.example.com"
        ));
    }
    Ok(())
}

/// The bytes of `reader` up to just past [`max_file_bytes`], and whether there was more.
fn read_bytes_bounded(
    reader: impl std::io::Read,
    size: Option<u64>,
    display: &str,
) -> Result<(Vec<u8>, bool), String> {
    use std::io::Read;
    let limit = max_file_bytes();
    // Four bytes past the limit: still past it once a character cut at the end is dropped.
    // Reserved at once (a regular file's size, else the most it may read: pages never
    // written are not resident), so that growing never holds two copies.
    let most = limit + 4;
    let reserve = size.map_or(most, |n| usize::try_from(n).map_or(most, |n| n.min(most)));
    let mut bytes = Vec::with_capacity(reserve);
    reader
        .take(u64::try_from(most).unwrap_or(u64::MAX))
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read {display}: {e}"))?;
    let over = bytes.len() > limit;
    Ok((bytes, over))
}

/// Whether a file of the project directory is a Dockerfile factory reads: `Dockerfile` and
/// `Dockerfile.NAME` (the platform builds `Dockerfile.NAME` into `$CI_REGISTRY_IMAGE/NAME`),
/// not editor backups nor BuildKit's `Dockerfile.dockerignore`.
pub(crate) fn is_dockerfile(name: &str) -> bool {
    name == "Dockerfile"
        || (name.starts_with("Dockerfile.")
            && name.len() > "Dockerfile.".len()
            && !name.ends_with('~')
            && ![".dockerignore", ".swp", ".bak", ".orig"]
                .iter()
                .any(|ext| name.ends_with(ext)))
}

/// Add the project directory's Dockerfiles and `.gitlab-ci.yml` to `sources` (as lossy UTF-8:
/// their encoding is not worth failing a lint for) and return the names of the directory's
/// entries, for the missing-file rule. One that cannot be read is an error, and so is a
/// Dockerfile over factory's limit for a file (64 MiB); a `.gitlab-ci.yml` over it is read up to
/// just past it, and FC004 reports it as for a compose file.
fn add_project_files(dir: &Path, sources: &mut SourceMap) -> Result<Vec<String>, String> {
    // Each name as the rules see it, and as the file system has it (a name that is not UTF-8
    // is opened by its own bytes, not by its lossy text).
    let mut found: Vec<(String, std::ffi::OsString)> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| {
                    let name = e.file_name();
                    (name.to_string_lossy().into_owned(), name)
                })
                .collect()
        })
        .unwrap_or_default();
    found.sort();
    // Names that are no file: a directory called `Dockerfile`, a link to nothing. They are not
    // read, and FP002 does not count them as the project's files.
    let mut not_files: HashSet<String> = HashSet::new();
    let mut add = |name: &str, on_disk: &std::ffi::OsStr, kind: FileKind| -> Result<(), String> {
        let display = discover::display_in(dir, name);
        let path = dir.join(on_disk);
        // Looked at before it is opened: opening a named pipe would wait for a writer.
        let kind_of = match std::fs::metadata(&path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                not_files.insert(name.to_owned());
                return Ok(());
            }
            Err(e) => return Err(format!("cannot read {display}: {e}")),
        };
        if kind_of.is_dir() {
            not_files.insert(name.to_owned());
            return Ok(());
        }
        if !kind_of.is_file() {
            return Err(format!(
                "cannot read {display}: not a regular file (a named pipe, socket or device)"
            ));
        }
        let file = std::fs::File::open(&path).map_err(|e| format!("cannot read {display}: {e}"))?;
        let size = match file.metadata() {
            Ok(m) if m.is_file() => m.len(),
            _ => return Ok(()),
        };
        let (bytes, over) = read_bytes_bounded(file, Some(size), &display)?;
        if over && kind == FileKind::Dockerfile {
            return Err(format!(
                "cannot read {display}: the file is larger than factory's limit of {} MiB",
                max_file_bytes() >> 20
            ));
        }
        let text = String::from_utf8_lossy(&bytes).into_owned();
        sources.add(SourceFile::new(display, text, kind));
        Ok(())
    };
    for (name, on_disk) in found.iter().filter(|(n, _)| is_dockerfile(n)) {
        add(name, on_disk, FileKind::Dockerfile)?;
    }
    if let Some((name, on_disk)) = found.iter().find(|(_, o)| o == ".gitlab-ci.yml") {
        add(name, on_disk, FileKind::GitlabCi)?;
    }
    Ok(found
        .into_iter()
        .map(|(name, _)| name)
        .filter(|name| !not_files.contains(name))
        .collect())
}

/// Read everything a command other than `lint` needs, with the environment and URL of
/// `factory.toml` and `FACTORY_*` when the command line gives none (`lint` resolves its
/// configuration itself: it also has `--config` and `--no-config`).
pub(crate) fn read_configured(
    path: Option<&Path>,
    p: &ProjectArgs,
) -> Result<ProjectFiles, String> {
    let dir = discover::project_dir(path, p.project_directory.as_deref(), &p.files)?;
    let conf = crate::config::resolve(crate::config::Options::default(), &dir, None, false)?;
    let mut files = read(path, &crate::config::project_defaults(p, &conf)?)?;
    files.filter = conf.filter;
    Ok(files)
}

/// The entries of the `--env-file`s' `texts`, in order. A later file sees the entries of the
/// files before it (the last of a name wins), after the `process`'s variables. The earlier
/// entries are kept in a map as they are read, not copied again for each file.
fn parse_env_files<'t>(
    texts: impl IntoIterator<Item = &'t str>,
    process: &[(String, String)],
) -> Vec<factory_env::DotenvEntry> {
    let mut entries: Vec<factory_env::DotenvEntry> = Vec::new();
    let mut earlier: HashMap<String, String> = HashMap::new();
    for text in texts {
        let parsed =
            factory_env::dotenv::parse_recovering(text, &factory_env::Chain(process, &earlier)).0;
        for e in &parsed {
            earlier.insert(e.key.clone(), e.value.clone());
        }
        entries.extend(parsed);
    }
    entries
}

/// Read everything a command needs.
pub(crate) fn read(path: Option<&Path>, p: &ProjectArgs) -> Result<ProjectFiles, String> {
    let mut dir = discover::project_dir(path, p.project_directory.as_deref(), &p.files)?;
    // The `.env` files are read first: Compose takes `COMPOSE_FILE` (and
    // `COMPOSE_PATH_SEPARATOR`) from them when the process does not set it.
    let mut env_files: Vec<(PathBuf, String, String)> = Vec::new();
    if p.env_file.is_empty() {
        let env = dir.join(".env");
        if env.is_file() {
            let display = discover::display_in(&dir, ".env");
            let text = read_text(&env, &display)?;
            env_files.push((env, display, text));
        }
    } else {
        for f in &p.env_file {
            let display = f.to_string_lossy().into_owned();
            let text = read_text(f, &display)?;
            env_files.push((f.clone(), display, text));
        }
    }
    // Deployed, the local `.env` is not there (SPEC §4). The files are parsed once here.
    let deploy = p.environment.is_some();
    let dotenv: Vec<factory_env::DotenvEntry> = if deploy || env_files.is_empty() {
        Vec::new()
    } else {
        let process: Vec<(String, String)> = std::env::vars().collect();
        parse_env_files(env_files.iter().map(|(_, _, text)| text.as_str()), &process)
    };
    let setting = |name: &str| {
        std::env::var(name).ok().or_else(|| {
            dotenv
                .iter()
                .rev()
                .find(|e| e.key == name)
                .map(|e| e.value.clone())
        })
    };
    let compose_file_env = setting("COMPOSE_FILE").map(|v| {
        (
            v,
            // compose-go: an empty (or unset) separator is the platform's, `:`.
            setting("COMPOSE_PATH_SEPARATOR")
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| ":".to_owned()),
        )
    });
    let named_by_variable = p.files.is_empty() && path.is_none() && p.project_directory.is_none();
    let named_by_variable = named_by_variable && compose_file_env.is_some();
    let files = discover::compose_files(
        &dir,
        &p.files,
        compose_file_env,
        (path.is_some() && p.project_directory.is_none(), deploy),
    )?;
    // Found in a parent folder, the files' folder is the project directory (its name, its
    // relative paths, its Dockerfiles) unless one was given; the `.env` was read from here,
    // as Compose reads it before it looks for the files.
    if path.is_none()
        && p.project_directory.is_none()
        && p.files.is_empty()
        && let Some(found) = discover::found_in(&files, &dir)
    {
        dir = found;
    }
    // As with `-f`, Compose's project directory is then the first file's folder (its name, its
    // relative paths); the `.env` that named the files was read from where it was found.
    if named_by_variable
        && let Some(first) = files
            .first()
            .and_then(|f| f.path.parent())
            .filter(|d| !d.as_os_str().is_empty() && *d != dir.as_path())
    {
        dir = first.to_path_buf();
    }
    let mut sources = SourceMap::new();
    let mut paths = Vec::new();
    for f in &files {
        paths.push(f.path.clone());
        let text = read_compose_text(&f.path, &f.display)?;
        sources.add(SourceFile::new(f.display.clone(), text, FileKind::Compose));
    }
    for (path, display, text) in env_files {
        paths.push(path);
        sources.add(SourceFile::new(display, text, FileKind::Dotenv));
    }
    let project_files = add_project_files(&dir, &mut sources)?;
    let process = if p.no_process_env {
        ProcessEnv::default()
    } else {
        ProcessEnv {
            vars: std::env::vars().collect(),
        }
    };
    let project_path = std::env::var("CI_PROJECT_PATH")
        .ok()
        .filter(|s| !s.is_empty());
    let dir_name = std::fs::canonicalize(&dir)
        .ok()
        .and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_default();
    // Compose takes a name given to it (`-p`, `COMPOSE_PROJECT_NAME`) as it is, and refuses
    // one it would have to change; an empty one is none.
    let given = |name: Option<String>, what: &str| -> Result<Option<String>, String> {
        match name.filter(|n| !n.is_empty()) {
            Some(n) if !factory_compose::project_name::is_valid(&n) => Err(format!(
                "invalid project name `{n}` ({what}): Compose wants lower-case letters, digits, `-` and `_`, starting with a letter or a digit"
            )),
            n => Ok(n),
        }
    };
    let raw_name = match given(p.project_name.clone(), "-p")? {
        Some(name) => Some(name),
        None => match project_path.as_deref() {
            Some(pp) => Some(pp.rsplit('/').next().unwrap_or(pp).to_owned()),
            None => given(
                std::env::var("COMPOSE_PROJECT_NAME").ok(),
                "COMPOSE_PROJECT_NAME",
            )?,
        },
    };
    // Only the directory's: `.env` or the files' `name:` may name the project (when loading).
    let project_name_inferred = raw_name.is_none();
    let mut settings = Settings {
        mode: p
            .environment
            .clone()
            .map_or(Mode::Dev, |environment| Mode::Deploy {
                environment,
                url: p.url.clone(),
            }),
        project_path,
        project_name: Some(factory_compose::project_name::normalize(
            raw_name.as_deref().unwrap_or(&dir_name),
        )),
        project_name_inferred,
        show_secrets: p.show_secrets,
        project_files: Some(project_files),
        // Compose's working directory, absolute (symlinks kept, as Go's `filepath.Abs`).
        project_dir: std::path::absolute(&dir)
            .ok()
            .map(|d| d.to_string_lossy().into_owned()),
        threads: std::thread::available_parallelism().map_or(1, |n| n.get().min(4)),
        ..Settings::default()
    };
    if p.url.is_some() && p.environment.is_none() {
        return Err(
            "--url needs -e/--environment (the URL belongs to a deployed environment)".to_owned(),
        );
    }
    if let Some(e) = &p.environment {
        check_environment(e).map_err(|m| format!("-e/--environment {m}"))?;
    }
    if let Some(url) = &p.url {
        check_url(url).map_err(|m| format!("--url {m}"))?;
    }
    let base = settings
        .project_dir
        .clone()
        .map_or_else(|| dir.clone(), PathBuf::from);
    let (missing, loaded) = read_referenced(&mut sources, &process, &mut settings, &base)?;
    Ok(ProjectFiles {
        missing,
        sources,
        process,
        settings,
        paths,
        dir,
        loaded,
        filter: factory_compose::suppress::Filter::default(),
    })
}

#[cfg(test)]
mod tests {
    /// A later env file sees the earlier files' entries (the last of a name), after the
    /// process's variables; every entry is kept, in order.
    #[test]
    fn env_files_see_the_earlier_ones() {
        let process = [("P".to_owned(), "process".to_owned())];
        let texts = ["A=1\nP=file\n", "A=2\n", "B=${A}-${P}\n"];
        let entries = super::parse_env_files(texts, &process);
        let pairs: Vec<(&str, &str)> = entries
            .iter()
            .map(|e| (e.key.as_str(), e.value.as_str()))
            .collect();
        assert_eq!(
            pairs,
            [("A", "1"), ("P", "file"), ("A", "2"), ("B", "2-process")]
        );
    }

    #[test]
    fn dockerfiles_of_the_project_directory() {
        for yes in ["Dockerfile", "Dockerfile.app", "Dockerfile.cdn"] {
            assert!(super::is_dockerfile(yes), "{yes}");
        }
        for no in [
            "Dockerfile.",
            "Dockerfile~",
            "Dockerfile.app~",
            "Dockerfile.dockerignore",
            "Dockerfile.app.swp",
            "dockerfile",
            "app.Dockerfile",
        ] {
            assert!(!super::is_dockerfile(no), "{no}");
        }
    }
}
