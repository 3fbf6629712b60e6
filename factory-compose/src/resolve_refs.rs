//! Files a project refers to (`env_file`, `extends.file`, top-level `include:`) and what loading
//! makes of them.
//!
//! The library never reads files, so this is two steps: [`crate::Loaded::referenced_files`]
//! lists the paths (relative to the project directory); the caller reads them and adds each to
//! the [`SourceMap`] as [`FileKind::Other`] named by that path, then loads again, until a load
//! asks for nothing new (a file `extends` or `include` names may name more). [`crate::load`]
//! resolves `include` and `extends` with those files ([`crate::merge`]) and parses each
//! service's env files with Compose's `.env` grammar into [`Loaded::env_files`](crate::Loaded).

use factory_env::{Chain, Lookup, Variables, dotenv};

use crate::diagnostic::Diagnostics;
use crate::model::{Project, Service};
use crate::source::{FileKind, SourceMap};
use crate::span::{FileId, Location};
use crate::yaml::{NodeId, NodeKind, Tree};

/// What a referenced file is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefKind {
    /// `env_file:` of a service.
    EnvFile,
    /// `extends: {file: …}` of a service.
    Extends,
    /// A file of the top-level `include:`.
    Include,
    /// `label_file:` of a service.
    LabelFile,
}

/// A file the project refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRef {
    /// What it is for.
    pub kind: RefKind,
    /// The path as written (relative paths are relative to the compose file's directory).
    pub path: String,
    /// `false` for an `env_file` item with `required: false` (a missing file is skipped).
    pub required: bool,
    /// The service that refers to it.
    pub service: String,
    /// Where the path is written.
    pub at: Location,
}

/// The variables one service's env files define, in file order (later files win).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceEnvFile {
    /// The service name.
    pub service: String,
    /// `KEY`, value pairs in the order read.
    pub entries: Vec<(String, String)>,
}

fn scalar(tree: &Tree, id: NodeId) -> Option<String> {
    crate::yaml::scalar_text(tree, id).map(str::to_owned)
}

fn loc(tree: &Tree, id: NodeId) -> Location {
    tree.location(id)
}

/// A file a service's `env_file` or `label_file` names.
struct FileItem {
    path: String,
    required: bool,
    at: Location,
    /// `format:` of an `env_file` item, and where it is written.
    format: Option<(String, Location)>,
}

/// The files of the service's `key` (`env_file` or `label_file`): a path, a list of paths, or
/// (`env_file`) `{path, required, format}` items.
fn file_items(tree: &Tree, svc: &Service, key: &str) -> Vec<FileItem> {
    let Some(entry) = svc.entry(tree, key) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut item = |id: NodeId| match tree.node(id).kind {
        NodeKind::Scalar(_) => {
            if let Some(p) = scalar(tree, id).filter(|p| !p.is_empty()) {
                out.push(FileItem {
                    path: p,
                    required: true,
                    at: loc(tree, id),
                    format: None,
                });
            }
        }
        NodeKind::Mapping(_) => {
            let path = tree.get(id, "path").and_then(|e| scalar(tree, e.value));
            let required = tree
                .get(id, "required")
                .and_then(|e| scalar(tree, e.value))
                .is_none_or(|r| !r.eq_ignore_ascii_case("false"));
            let format = tree
                .get(id, "format")
                .and_then(|e| Some((scalar(tree, e.value)?, loc(tree, e.value))));
            if let Some(p) = path {
                out.push(FileItem {
                    path: p,
                    required,
                    at: loc(tree, id),
                    format,
                });
            }
        }
        NodeKind::Sequence(_) => {}
    };
    match tree.sequence(entry.value) {
        Some(items) => {
            for &i in items {
                item(i);
            }
        }
        None => item(entry.value),
    }
    out
}

/// The env files `project` refers to, in service order (the files `extends` names are found
/// while loading: [`crate::Loaded::referenced_files`] lists both).
#[must_use]
pub fn referenced_files(project: &Project) -> Vec<FileRef> {
    let tree = &project.tree;
    let mut out = Vec::new();
    for svc in &project.services {
        for (kind, key) in [
            (RefKind::EnvFile, "env_file"),
            (RefKind::LabelFile, "label_file"),
        ] {
            for FileItem {
                path, required, at, ..
            } in file_items(tree, svc, key)
            {
                out.push(FileRef {
                    kind,
                    path,
                    required,
                    service: svc.name(tree).to_string(),
                    at,
                });
            }
        }
    }
    out
}

/// Parse each service's env files found in `sources` (Compose: the project's variables first,
/// then the service's own `environment`, are what `${VAR}` and bare `VAR` lines see).
pub(crate) fn env_files(
    project: &Project,
    sources: &SourceMap,
    variables: &Variables,
    expansion_left: &mut usize,
    diags: &mut Diagnostics,
) -> Vec<ServiceEnvFile> {
    let tree = &project.tree;
    let mut out = Vec::new();
    for svc in &project.services {
        let items = file_items(tree, svc, "env_file");
        if items.is_empty() {
            continue;
        }
        let own: Vec<(String, String)> = svc
            .env_entries(project)
            .iter()
            .filter_map(|kv| Some((kv.key(tree).to_owned(), kv.value(tree)?.to_owned())))
            .collect();
        let lookup = Chain(variables, own.as_slice());
        out.push(ServiceEnvFile {
            service: svc.name(tree).to_string(),
            entries: read_files(sources, &items, &lookup, "env file", expansion_left, diags),
        });
    }
    out
}

/// The entries of the files `items` names that the caller added to `sources`, in order (a
/// later file's entry replaces an earlier one's): each file read with Compose's `.env`
/// grammar, its `${VAR}` seeing `lookup`, then the entries read before it, or, for `format:
/// raw`, as written ([`dotenv::parse_raw`]). FE004 for a file Compose cannot read (`failed to
/// read FILE: line 1: …`); FC020 for a format Compose does not know. Substitutions take what
/// they add from `expansion_left`, shared by every file the project's services read.
fn read_files(
    sources: &SourceMap,
    items: &[FileItem],
    lookup: &dyn Lookup,
    what: &str,
    expansion_left: &mut usize,
    diags: &mut Diagnostics,
) -> Vec<(String, String)> {
    let mut entries: Vec<(String, String)> = Vec::new();
    for item in items {
        let raw = match &item.format {
            None => false,
            Some((format, _)) if format.is_empty() || format == ".env" => false,
            Some((format, _)) if format == "raw" => true,
            Some((format, at)) => {
                diags.push(
                    crate::rules::registry::diagnostic(
                        "FC020",
                        format!("unsupported env_file format `{format}`"),
                    )
                    .at(*at)
                    .with_help("leave `format` out for the `.env` grammar, or write `format: raw` to take each line's value as written"),
                );
                continue;
            }
        };
        let Some(id) = sources
            .of_kind(FileKind::Other)
            .find(|&id| sources.get(id).name == item.path)
        else {
            continue;
        };
        let text = &sources.get(id).text;
        let parsed = if raw {
            let earlier: Vec<(String, String)> = entries.clone();
            dotenv::parse_raw(text, &Chain(lookup, earlier.as_slice()) as &dyn Lookup)
        } else {
            // compose-go: `${VAR}` sees the project's variables, then this file's entries so
            // far, then the earlier files' (`parse_after`).
            let earlier: Vec<dotenv::DotenvEntry> = entries
                .iter()
                .map(|(key, value)| dotenv::DotenvEntry::pair(key.as_str(), value.as_str()))
                .collect();
            dotenv::parse_after_within(text, lookup, &earlier, expansion_left)
        };
        match parsed {
            Ok(parsed) => {
                // A later entry replaces an earlier one of the same name and moves to the end:
                // one pass with an index (a search per entry was quadratic in the lines).
                let mut slot: std::collections::HashMap<String, usize> = entries
                    .iter()
                    .enumerate()
                    .map(|(i, (k, _))| (k.clone(), i))
                    .collect();
                let mut kept: Vec<Option<(String, String)>> =
                    std::mem::take(&mut entries).into_iter().map(Some).collect();
                for e in parsed {
                    if let Some(old) = slot.insert(e.key.clone(), kept.len()) {
                        kept[old] = None;
                    }
                    kept.push(Some((e.key, e.value)));
                }
                entries = kept.into_iter().flatten().collect();
            }
            Err(e) => diags.push(crate::environment::dotenv_diagnostic(what, id, &e)),
        }
    }
    entries
}

/// Parse each service's label files found in `sources` (Compose reads them with the `.env`
/// grammar; a `${VAR}` sees only the entries read before it, never the project's variables; a
/// bare `KEY` line adds nothing). Later files win; `labels` win over them when rendered.
pub(crate) fn label_files(
    project: &Project,
    sources: &SourceMap,
    expansion_left: &mut usize,
    diags: &mut Diagnostics,
) -> Vec<ServiceEnvFile> {
    let tree = &project.tree;
    let mut out = Vec::new();
    for svc in &project.services {
        let items = file_items(tree, svc, "label_file");
        if items.is_empty() {
            continue;
        }
        let nothing: Vec<(String, String)> = Vec::new();
        out.push(ServiceEnvFile {
            service: svc.name(tree).to_string(),
            entries: read_files(
                sources,
                &items,
                &nothing,
                "label file",
                expansion_left,
                diags,
            ),
        });
    }
    out
}

/// The own variables of the files `include:` brings in ([`crate::interpolate::run_with_files`]):
/// for each include item (the files it includes, its env files), the entries of those env files
/// the caller added to `sources`, read with the project's variables first. A file included by
/// several items takes the first item's.
pub(crate) fn include_variables(
    items: &[crate::merge::IncludeEnv],
    sources: &SourceMap,
    variables: &Variables,
    diags: &mut Diagnostics,
) -> Vec<(FileId, Vec<(String, String)>)> {
    let mut out: Vec<(FileId, Vec<(String, String)>)> = Vec::new();
    let mut expansion_left = crate::interpolate::expansion_budget(sources);
    for crate::merge::IncludeEnv {
        files: paths,
        env_files,
    } in items
    {
        let files: Vec<FileItem> = env_files
            .iter()
            .map(|(p, required)| FileItem {
                path: p.clone(),
                required: *required,
                at: Location::default(),
                format: None,
            })
            .collect();
        let entries = read_files(
            sources,
            &files,
            variables,
            "env file",
            &mut expansion_left,
            diags,
        );
        if entries.is_empty() {
            continue;
        }
        for path in paths {
            let Some(id) = sources
                .of_kind(FileKind::Other)
                .find(|&id| sources.get(id).name == *path)
            else {
                continue;
            };
            if !out.iter().any(|(f, _)| *f == id) {
                out.push((id, entries.clone()));
            }
        }
    }
    out
}
