//! Understand a Docker Compose project deployed on the Factory platform, before it is deployed.
//!
//! The pipeline: files (read by the caller) → [`yaml`] span trees → interpolation with the
//! project's variables → [`model::Project`] → rules → [`Diagnostic`]s → a reporter
//! ([`report`]). Library code never reads files, the environment or the clock, and never prints:
//! the caller passes the files' text and the process environment in.
//!
//! ```
//! use factory_compose::{FileKind, ProcessEnv, Settings, SourceFile, SourceMap, lint};
//!
//! let mut sources = SourceMap::new();
//! sources.add(SourceFile::new(
//!     "docker-compose.yml",
//!     "services:\n  app:\n    image: ${REGISTRY}/app:1.0\n    env_file: .env\n",
//!     FileKind::Compose,
//! ));
//! sources.add(SourceFile::new(".env", "REGISTRY=registry.example\n", FileKind::Dotenv));
//! let report = lint(&sources, &ProcessEnv::default(), &Settings::default());
//! let codes: Vec<_> = report.diagnostics.iter().map(|d| d.code).collect();
//! assert_eq!(codes, ["FC013"]); // env_file is forbidden; the image interpolates fine
//! assert!(report.has_errors());
//! ```
#![forbid(unsafe_code)]

mod consistency;
pub mod cron_jobs;
pub mod diagnostic;
pub mod dockerfile;
pub mod env_table;
pub mod environment;
pub mod fix;
mod gitlab_ci;
mod go_json;
pub mod image_ref;
pub mod interpolate;
pub mod line_index;
mod load;
mod locate;
pub mod merge;
pub mod model;
pub mod platform;
pub mod project_name;
pub mod redact;
pub mod render;
pub mod report;
pub mod resolve_refs;
pub mod routes;
pub mod rules;
mod schema;
pub mod settings;
pub mod source;
pub mod span;
pub mod suppress;
pub mod volume;
pub mod yaml;

pub use diagnostic::{Diagnostic, Diagnostics, Dropped, Edit, Fix, Label, Severity};
pub use environment::ProcessEnv;
pub use interpolate::Interpolation;
pub use line_index::{LineCol, LineIndex};
pub use report::Report;
pub use rules::RuleInfo;
pub use settings::{Mode, Settings};
pub use source::{FileKind, SharedText, SourceFile, SourceMap};
pub use span::{FileId, Location, Span};

/// A project loaded from its sources: the model, the variables it was interpolated with, and
/// what loading found wrong.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The model (after interpolation).
    pub project: model::Project,
    /// The variables of the run's environment.
    pub variables: factory_env::Variables,
    /// The `.env` entries (development; kept in deploy mode for explanations).
    pub dotenv: environment::DotenvFiles,
    /// Every variable use, and the raw text of interpolated scalars.
    pub interpolation: Interpolation,
    /// Problems found while loading (YAML, shape, types, interpolation, `.env`), at most
    /// [`yaml::Limits::max_diagnostics`]; past it the last one is FC004 with the count of the
    /// others ([`Loaded::dropped`]).
    pub diagnostics: Vec<Diagnostic>,
    /// The problems found while loading past [`yaml::Limits::max_diagnostics`], not kept.
    pub dropped: Dropped,
    /// Each service's `env_file` variables, from the files the caller added (see
    /// [`resolve_refs`]).
    pub env_files: Vec<resolve_refs::ServiceEnvFile>,
    /// Each service's `label_file` labels, from the files the caller added (see
    /// [`resolve_refs`]); `labels` win over them.
    pub label_files: Vec<resolve_refs::ServiceEnvFile>,
    /// The files `extends` named (relative to the project directory), found or not.
    pub extends_files: Vec<resolve_refs::FileRef>,
    /// The project's name: [`Settings::project_name`], or the one `.env` or the compose files
    /// give when the settings' is only the directory's ([`Settings::project_name_inferred`]).
    pub project_name: Option<String>,
}

impl Loaded {
    /// Where the scalars are whose interpolated value holds a secret (see [`redact`]).
    pub(crate) fn secret_scalars(&self) -> Vec<Location> {
        redact::secret_scalars(&self.project.tree, &self.interpolation, &self.variables)
    }

    /// Whether Compose keeps the service `name`: it has no `profiles`, or `COMPOSE_PROFILES`
    /// activates one of them. Compose leaves the others out and reads none of their files.
    #[must_use]
    pub fn is_enabled(&self, name: &str) -> bool {
        let active = render::active_profiles(self);
        self.project
            .services
            .iter()
            .filter(|s| s.name(&self.project.tree) == name)
            .all(|s| render::service::enabled(&self.project.tree, s, &active))
    }

    /// The files the project refers to (`env_file`, `extends.file`), for the caller to read and
    /// add to the [`SourceMap`] as [`FileKind::Other`] named by [`resolve_refs::FileRef::path`].
    #[must_use]
    pub fn referenced_files(&self) -> Vec<resolve_refs::FileRef> {
        let mut refs = resolve_refs::referenced_files(&self.project);
        refs.extend(self.extends_files.iter().cloned());
        refs
    }
}

/// The least the services' env and label files may add by substitution, together.
const SHARED_FILES_EXPANSION: usize = 16 << 20;

/// Parse, merge, interpolate and model a project. Compose files are taken from `sources` in
/// the order they were added and merged as `docker compose -f a -f b` does ([`merge`]); then
/// top-level `include:` and each service's `extends` are resolved with the referenced files the
/// caller added ([`resolve_refs`]).
#[must_use]
pub fn load(sources: &SourceMap, process: &ProcessEnv, settings: &Settings) -> Loaded {
    let limit = settings.limits.max_diagnostics;
    let mut diagnostics = Diagnostics::new(limit);
    let mut trees = Vec::new();
    let compose_files = sources.of_kind(FileKind::Compose).count();
    for (k, id) in sources.of_kind(FileKind::Compose).enumerate() {
        if k == merge::MAX_COMPOSE_FILES {
            diagnostics.push(
                rules::registry::diagnostic(
                    "FC004",
                    format!(
                        "the project names {compose_files} compose files: factory merges the first {} and reads no more",
                        merge::MAX_COMPOSE_FILES
                    ),
                )
                .at(Location::new(id, span::Span::empty(0)))
                .with_help("merge a few files (`docker-compose.yml`, `tools.yml`, `dev.yml`): each file is merged onto all the ones before it"),
            );
            break;
        }
        let file = sources.get(id);
        let tree = load::parse_file(&file.text, id, &settings.limits, &mut diagnostics);
        // compose-go merges each document of a file onto the ones before, as one more file.
        load::split_documents(tree, &settings.limits, &mut trees, &mut diagnostics);
    }
    // Compose validates each file against its schema, but the required keys on the project
    // merged so far after each file, its `extends` applied (an earlier file, or the service a
    // service extends, may give them): see after the `extends` and the merges below.
    // Values the file's own schema check leaves to the files merged so far: mappings merged as
    // strings, and nulls that keep an earlier file's value.
    // The files `extends.file` names, parsed again for the paths their services give (their
    // problems are reported where `extends` is resolved).
    let mut parse_extends_file = |path: &str| {
        let id = sources
            .of_kind(FileKind::Other)
            .find(|&id| sources.get(id).name == path)?;
        let mut ignored = Diagnostics::new(limit);
        Some(load::parse_file(
            &sources.get(id).text,
            id,
            &settings.limits,
            &mut ignored,
        ))
    };
    let mut skipped = merge::as_strings_values(
        &trees,
        &mut merge::ExtendsFiles::new(&mut parse_extends_file),
    );
    for (skipped, nulls) in skipped.iter_mut().zip(merge::kept_nulls(&trees)) {
        for (id, paths) in nulls {
            skipped.entry(id).or_default().extend(paths);
        }
    }
    for (k, id) in merge::null_logging_over_earlier(&trees) {
        if let Some(tree) = trees.get(k) {
            diagnostics.push(
                rules::registry::diagnostic(
                    "FC020",
                    "`logging` left empty over an earlier file's: Compose v2.40.3 crashes merging it (panic: interface {} is nil)",
                )
                .at(tree.location(id))
                .with_help(
                    "remove `logging:` from this file to keep the earlier file's, or give it a mapping (`driver:` …) to change it",
                ),
            );
        }
    }
    for (file, labels, volume, item) in merge::repeated_volume_labels(&trees) {
        if let Some(tree) = trees.get(file) {
            diagnostics.push(
                rules::registry::diagnostic(
                    "FC020",
                    format!(
                        "`volumes.{volume}.labels` must be a mapping: merged onto the earlier file's, the label `{item}` is there twice"
                    ),
                )
                .at(tree.location(labels))
                .with_help(
                    "leave out the labels the earlier file already gives: Compose makes both files' volume labels one list and refuses a repeated item",
                ),
            );
        }
    }
    for (k, (tree, skipped)) in trees.iter().zip(&skipped).enumerate() {
        schema::check_later_file(
            tree,
            (schema::Checks::NotRequired, k > 0),
            skipped,
            false,
            &mut diagnostics,
        );
    }
    let dotenv =
        environment::parse_dotenv(sources, process, !settings.is_deploy(), &mut diagnostics);
    let named = settings
        .project_name_inferred
        .then(|| {
            project_name::from_project(
                &trees,
                process,
                (!settings.is_deploy()).then_some(&dotenv),
                || {
                    let unnamed = Settings {
                        project_name: None,
                        ..settings.clone()
                    };
                    environment::variables(sources, &trees, process, &dotenv, &unnamed)
                },
                &mut diagnostics,
            )
        })
        .flatten()
        .map(|name| Settings {
            project_name: Some(name),
            ..settings.clone()
        });
    let settings = named.as_ref().unwrap_or(settings);
    if settings.project_name.as_deref() == Some("") {
        // A folder called `_` or `项目`: nothing is left of its name once normalised.
        diagnostics.push(
            rules::registry::diagnostic(
                "FC020",
                "project name must not be empty: Compose keeps only lower-case letters, digits, `-` and `_` of the project directory's name, and not a leading `-` or `_`",
            )
            .with_help("name the project with `-p NAME` (or `COMPOSE_PROJECT_NAME`, or a top-level `name:`), or rename the folder"),
        );
    }
    let variables = environment::variables(sources, &trees, process, &dotenv, settings);
    for tree in &mut trees {
        interpolate::references(tree, sources, &variables, settings, &mut diagnostics);
    }
    // Compose resolves `include` and `extends` in each file before merging the files: a service
    // extends a service of its own file (or of `extends.file`), never one an override changed.
    let mut extends_files: Vec<resolve_refs::FileRef> = Vec::new();
    let mut extends_paths: std::collections::HashSet<String> = std::collections::HashSet::new();
    let mut include_env = Vec::new();
    let mut extends_trees = Vec::new();
    // compose-go's `ExpandUser` reads `HOME` from the process (an empty one is none).
    let home = process.get("HOME").is_some_and(|h| !h.is_empty());
    for tree in &mut trees {
        let refs = includes_and_extends(
            tree,
            (&mut include_env, &mut extends_trees),
            sources,
            (settings, home, &variables),
            &mut diagnostics,
        );
        for r in refs {
            // The first reference to a path is kept, in order; a set of the paths kept finds a
            // repeat in constant time (a scan of the list was quadratic in references).
            if extends_paths.insert(r.path.clone()) {
                extends_files.push(r);
            }
        }
    }
    let file_vars =
        resolve_refs::include_variables(&include_env, sources, &variables, &mut diagnostics);
    for tree in &trees {
        included_config_environments(tree, sources, &variables, &file_vars, &mut diagnostics);
    }
    // Compose interpolates and validates each file before merging them: a value a later file
    // replaces still fails (`${X:?}`, `healthcheck.test: true`) or warns there. Those values are
    // gone from the merged tree; the schema checks rules report in their own words
    // (`check_covered`) are kept for the values the merged tree no longer has.
    let replaced_values = (trees.len() > 1 || !extends_trees.is_empty()).then(|| {
        // Filtered below, then counted as they join the project's findings.
        let (mut found, mut covered) = (Diagnostics::new(limit), Diagnostics::new(limit));
        let files = trees.iter().zip(&skipped).enumerate();
        for (k, (tree, skipped)) in files.filter(|_| trees.len() > 1) {
            let mut copy = tree.clone();
            interpolate::run_with_files(
                &mut copy, sources, &variables, &file_vars, settings, &mut found,
            );
            schema::check_later_file(
                &copy,
                (schema::Checks::NotRequired, k > 0),
                skipped,
                true,
                &mut covered,
            );
        }
        for mut copy in extends_trees {
            interpolate::run_with_files(
                &mut copy, sources, &variables, &file_vars, settings, &mut found,
            );
        }
        (found, covered)
    });
    let required_from = diagnostics.len();
    let file_of = |tree: &yaml::Tree| tree.root().map(|r| tree.node(r).file);
    // The files `include` loaded (compose-go loads each as a project of its own).
    let included: Vec<FileId> = sources
        .of_kind(FileKind::Other)
        .filter(|&id| {
            extends_files
                .iter()
                .any(|r| r.kind == resolve_refs::RefKind::Include && r.path == sources.get(id).name)
        })
        .collect();
    if let Some(first) = trees.first() {
        schema::check_merged(first, file_of(first), &included, &mut diagnostics);
    }
    let last = trees.last().and_then(file_of);
    let several = trees.len() > 1;
    if several {
        // Merging several files keeps one item per name: what each file repeats is found in
        // the file (the rule sees a single file's lists in the model).
        for tree in &trees {
            repeated_environment_items(tree, &mut diagnostics);
        }
    }
    // The files merged so far are checked after each file but the first and the last (checked
    // above and below), one merge for all of them.
    let files = trees.len();
    let mut merging = merge::Merging::default();
    for (k, tree) in trees.into_iter().enumerate() {
        let file = file_of(&tree);
        merging.add(tree);
        if k >= 1 && k + 1 < files {
            schema::check_merged(merging.tree(), file, &included, &mut diagnostics);
        }
    }
    let merge::Merged {
        mut tree,
        overrides,
        conflicts,
    } = merging.finish();
    report_conflicts(&tree, &conflicts, &mut diagnostics);
    if several {
        schema::check_merged(&tree, last, &included, &mut diagnostics);
    }
    // A repeated item is reported by each check that sees it (the file's own, then the files
    // merged so far): once is enough.
    let mut said: std::collections::HashSet<(&str, Option<Location>, Option<String>)> = diagnostics
        [..required_from]
        .iter()
        .map(|d| {
            (
                d.code,
                d.primary.as_ref().map(|l| l.location),
                d.help.clone(),
            )
        })
        .collect();
    let checked = diagnostics.split_off(required_from);
    diagnostics.keep(checked.into_iter().filter(|d| {
        said.insert((
            d.code,
            d.primary.as_ref().map(|l| l.location),
            d.help.clone(),
        ))
    }));
    report_empty_project(&tree, sources, &mut diagnostics);
    let interpolated_from = diagnostics.len();
    let interpolation = interpolate::run_with_files(
        &mut tree,
        sources,
        &variables,
        &file_vars,
        settings,
        &mut diagnostics,
    );
    merge::print_merged_as_strings(&mut tree);
    // A value rendered with an unset variable is left to `compose_refusals`: lint reports the
    // variable (it may be set when deployed).
    schema::check_interpolated(
        &tree,
        Some(interpolation.rendered_with_unset()),
        &mut diagnostics,
    );
    if let Some((found, covered)) = replaced_values {
        let seen: std::collections::HashSet<(&str, Option<Location>)> = diagnostics
            [interpolated_from..]
            .iter()
            .map(|d| (d.code, d.primary.as_ref().map(|l| l.location)))
            .collect();
        let missing: Vec<Diagnostic> = found
            .into_vec()
            .into_iter()
            .filter(|d| !seen.contains(&(d.code, d.primary.as_ref().map(|l| l.location))))
            .collect();
        diagnostics.extend(missing);
        // What `compose_refusals` finds on the merged tree is reported there, once.
        let mut merged = Diagnostics::new(limit);
        schema::check_covered(&tree, schema::Checks::NotRequired, &mut merged);
        let key = |d: &Diagnostic| {
            (
                d.code,
                d.primary.as_ref().map(|l| l.location),
                d.message.clone(),
            )
        };
        let mut said: std::collections::HashSet<_> = merged.iter().map(key).collect();
        diagnostics.extend(
            covered
                .into_vec()
                .into_iter()
                .filter(|d| said.insert(key(d))),
        );
    }
    let mut project = model::build(tree, &mut diagnostics);
    project.overrides = overrides;
    if settings.is_deploy() {
        // A bare `- NAME` item (or `NAME:` with no value) takes the variable's value from
        // where `docker compose` runs: deployed, that is the platform's variables only (the
        // local `.env` is not there).
        for svc in &project.services {
            let bare = svc
                .env_entries(&project)
                .iter()
                .filter(|kv| !kv.has_value() && !kv.key(&project.tree).is_empty());
            for kv in bare {
                let name = kv.key(&project.tree);
                if factory_env::Lookup::get(&variables, name).is_none() {
                    diagnostics.push(interpolate::unset_diagnostic(
                        name,
                        kv.key_primary(&project.tree),
                        &variables,
                        settings,
                    ));
                }
            }
        }
    }
    // Referenced files (env_file) the caller added to `sources`.
    // What the env and label files' substitutions may add, for all services together: one
    // file that expands to a megabyte, read by a thousand services, held gigabytes.
    // At least 16 MiB: a value from the environment, a few kilobytes, read by each of a hundred
    // services is no attack.
    let mut expansion_left = interpolate::expansion_budget(sources).max(SHARED_FILES_EXPANSION);
    let env_files = resolve_refs::env_files(
        &project,
        sources,
        &variables,
        &mut expansion_left,
        &mut diagnostics,
    );
    let label_files =
        resolve_refs::label_files(&project, sources, &mut expansion_left, &mut diagnostics);
    once_each(&mut diagnostics, sources);
    let secret_scalars = redact::secret_scalars(&project.tree, &interpolation, &variables);
    redact::finish(
        &mut diagnostics,
        &variables,
        settings.show_secrets,
        &secret_scalars,
    );
    let (diagnostics, dropped) = diagnostics.finish(limit, Dropped::default());
    Loaded {
        project,
        variables,
        dotenv,
        interpolation,
        diagnostics,
        dropped,
        env_files,
        label_files,
        extends_files,
        project_name: settings.project_name.clone(),
    }
}

/// FE010 for each `environment` list item of a file's services that names a variable an item
/// before it in the same list names, in the words of the rule (which sees the lists of a single
/// file in the model): merged with another file, the list keeps one item per name.
fn repeated_environment_items(tree: &yaml::Tree, diags: &mut Diagnostics) {
    let Some(root) = tree.root() else { return };
    let services = tree
        .get(root, "services")
        .and_then(|e| tree.mapping(e.value))
        .unwrap_or_default();
    let mut reported = std::collections::HashSet::new();
    for service in services {
        let Some(svc_name) = yaml::scalar_text(tree, service.key) else {
            continue;
        };
        let Some(env) = tree.get(service.value, "environment") else {
            continue;
        };
        let Some(items) = tree.sequence(env.value) else {
            continue;
        };
        let via = tree
            .merged_from(env)
            .map(|s| Location::new(tree.location(env.key).file, s));
        let mut first: std::collections::HashMap<&str, Location> = std::collections::HashMap::new();
        for &item in items {
            let Some(text) = yaml::scalar_text(tree, item) else {
                continue;
            };
            let name = text.split_once('=').map_or(text, |(k, _)| k);
            if name.trim().is_empty() {
                continue;
            }
            let at =
                model::convert::name_span(tree, tree.location(item), tree.node(item), name.len());
            let Some(&earlier) = first.get(name) else {
                first.insert(name, at);
                continue;
            };
            if !reported.insert(item) {
                continue;
            }
            diags.push(rules::env::duplicate_environment_variable::repeated(
                name,
                svc_name,
                (at, via),
                earlier,
            ));
        }
    }
}

/// FC020 for each value a later file gives where an earlier file has a mapping or a list that
/// compose-go cannot merge it into (`cannot override x-common.environment`).
fn report_conflicts(tree: &yaml::Tree, conflicts: &[merge::Conflict], diags: &mut Diagnostics) {
    // A file or document whose top level is no mapping is FC002 already.
    for c in conflicts.iter().filter(|c| !c.path.is_empty()) {
        let earlier = if c.earlier_is_mapping {
            "a mapping"
        } else {
            "a sequence"
        };
        let (whose, compose_path) = match c.path.strip_prefix("services.") {
            // compose-go's ExtendService merges at the path `services.x`.
            Some(rest) if c.by_extends => (
                "the service it extends",
                format!(
                    "services.x.{}",
                    rest.split_once('.').map_or("", |(_, key)| key)
                ),
            ),
            _ => ("an earlier file", c.path.clone()),
        };
        diags.push(
            rules::registry::diagnostic(
                "FC020",
                format!(
                    "`{}` cannot be overridden by {}: {whose} sets it to {earlier}",
                    c.path,
                    model::convert::describe(tree, c.value)
                ),
            )
            .at(tree.location(c.value))
            .with_secondary(tree.location(c.earlier), format!("{earlier} here"))
            .with_help(format!(
                "write it as {earlier} here too, or tag it `!override` to replace the earlier \
                 value: Compose refuses the project (`cannot override {compose_path}`)"
            )),
        );
    }
}

/// compose-go gives a config of an included project whose `environment` variable is set a
/// `content` too (when it loads that project), then refuses it in the including project:
/// `configs.NAME: file|environment|content attributes are mutually exclusive`.
fn included_config_environments(
    tree: &yaml::Tree,
    sources: &SourceMap,
    variables: &factory_env::Variables,
    file_vars: &[(FileId, Vec<(String, String)>)],
    diags: &mut Diagnostics,
) {
    use factory_env::Lookup;
    let Some(configs) = tree.root().and_then(|r| tree.get(r, "configs")) else {
        return;
    };
    let Some(entries) = tree.mapping(configs.value) else {
        return;
    };
    for e in entries {
        let Some(env) = tree.get(e.value, "environment") else {
            continue;
        };
        let file = tree.node(env.value).file;
        let (Some(name), Some(var)) = (
            yaml::scalar_text(tree, e.key),
            yaml::scalar_text(tree, env.value),
        ) else {
            continue;
        };
        let own = file_vars.iter().find(|(f, _)| *f == file);
        let set = variables.get(var).is_some()
            || own.is_some_and(|(_, vars)| vars.iter().any(|(k, _)| k == var));
        if set && sources.get(file).kind == FileKind::Other {
            diags.push(
                rules::registry::diagnostic(
                    "FC020",
                    format!("`configs.{name}`: file|environment|content attributes are mutually exclusive"),
                )
                .at(tree.location(env.value))
                .with_help(format!(
                    "`{var}` is set, so Compose gives this config of an included project its value as `content` too, then refuses it: define the config in the including project, or leave `{var}` unset"
                )),
            );
        }
    }
}

/// Compose refuses a project whose files, merged, have no top-level key at all (`empty compose
/// file`): empty files, files of comments only, `{}`. Not reported when a YAML problem already
/// explains it (a syntax error or a limit drops the tree) or a document is null (FC002).
fn report_empty_project(tree: &yaml::Tree, sources: &SourceMap, diags: &mut Diagnostics) {
    // compose-go drops `version` (and `include`, once read) before it finds the file empty:
    // `version: "3"` alone is `empty compose file` too (v2.40.3).
    // An `include` naming files is not counted: they give the project its content (or are
    // reported missing).
    let dropped = |e: &yaml::Entry| match yaml::scalar_text(tree, e.key) {
        Some("version") => true,
        Some("include") => {
            tree.sequence(e.value).is_some_and(<[_]>::is_empty)
                || crate::model::convert::is_null(tree, e.value)
        }
        _ => false,
    };
    let (empty, only_dropped) = match tree.root().map(|r| tree.node(r).kind) {
        None => (true, false),
        Some(yaml::NodeKind::Mapping(entries)) => {
            let all_dropped = tree.entries(entries).iter().all(dropped);
            (all_dropped, all_dropped && !entries.is_empty())
        }
        Some(_) => (false, false),
    };
    let explained = diags
        .iter()
        .any(|d| matches!(d.code, "FC001" | "FC002" | "FC004"));
    let Some(first) = sources.of_kind(FileKind::Compose).next() else {
        return;
    };
    if empty && !explained {
        let message = if only_dropped {
            "the compose file is empty once Compose drops `version` (and `include`)"
        } else {
            "the compose file is empty"
        };
        diags.push(
            rules::registry::diagnostic("FC002", message)
                .at(span::Location::new(first, span::Span::new(0, 0)))
                .with_help("write `services:` and the project's services under it"),
        );
    }
}

/// FC004 for a file `include` or `extends` (`key`) names that the caller did not read, being
/// past its depth budget (`unread`: [`Settings::unread_files`]); `None` for any other file.
fn unread_file(
    unread: &std::collections::HashSet<&str>,
    path: &str,
    key: &str,
) -> Option<Diagnostic> {
    unread.contains(path).then(|| {
        rules::registry::diagnostic(
            "FC004",
            format!(
                "`{key}` names `{path}` more than {UNREAD_DEPTH} levels of `include` and `extends` deep: factory reads {UNREAD_DEPTH} levels and did not read it"
            ),
        )
        .with_help("include or extend the deepest files from a shallower one")
    })
}

/// How many levels of files [`Settings::unread_files`] stands for, as its messages say: the
/// depth the CLI reads.
pub const UNREAD_DEPTH: usize = 16;

/// Resolve top-level `include:`, then `extends`, on the merged tree, parsing the files they
/// name from `sources` (added by the caller as [`FileKind::Other`] named by path).
fn includes_and_extends(
    tree: &mut yaml::Tree,
    (include_env, extends_trees): (&mut Vec<merge::IncludeEnv>, &mut Vec<yaml::Tree>),
    sources: &SourceMap,
    (settings, home, variables): (&Settings, bool, &factory_env::Variables),
    diagnostics: &mut Diagnostics,
) -> Vec<resolve_refs::FileRef> {
    let limit = settings.limits.max_diagnostics;
    let unread: std::collections::HashSet<&str> =
        settings.unread_files.iter().map(String::as_str).collect();
    let mut yaml_problems = diagnostics.sibling();
    let mut schema_problems: Vec<(String, Diagnostic)> = Vec::new();
    let mut read: Vec<(String, yaml::Tree)> = Vec::new();
    let mut not_mappings: Vec<String> = Vec::new();
    let mut load_file = |path: &str| {
        let id = sources
            .of_kind(FileKind::Other)
            .find(|&id| sources.get(id).name == path)?;
        let mut tree = load::parse_file(
            &sources.get(id).text,
            id,
            &settings.limits,
            &mut yaml_problems,
        );
        // Its own `include` and `extends` name files and services with variables too. (An
        // included file also sees its include's `env_file`, which is read later: not here.)
        interpolate::references(&mut tree, sources, variables, settings, &mut yaml_problems);
        // Compose validates an included file, not one `extends` reads (only the merged result):
        // kept by path until it is known which the file is.
        // Filtered below, then counted as they join the project's findings.
        let mut found = Diagnostics::new(limit);
        schema::check(&tree, &mut found);
        schema_problems.extend(found.into_vec().into_iter().map(|d| (path.to_owned(), d)));
        // Compose refuses a file `include` or `extends` reads whose top level is no mapping
        // (`top-level object must be a mapping`); an empty one is none.
        if let Some(root) = tree.root()
            && !matches!(tree.node(root).kind, yaml::NodeKind::Mapping(_))
            && !model::convert::is_null(&tree, root)
        {
            not_mappings.push(path.to_owned());
            yaml_problems.push(
                rules::registry::diagnostic(
                    "FC002",
                    format!(
                        "a compose file must be a mapping, not {}",
                        model::convert::describe(&tree, root)
                    ),
                )
                .at(tree.location(root))
                .with_help("start the file with `services:` and indent each service under it: Compose refuses the project (`top-level object must be a mapping`)"),
            );
        }
        read.push((path.to_owned(), tree.clone()));
        Some(tree)
    };
    let main = tree
        .root()
        .map(|r| sources.get(tree.node(r).file).name.clone())
        .unwrap_or_default();
    let overrides = &mut Vec::new();
    let mut included = merge::resolve_include(tree, &main, overrides, &mut load_file, home);
    let mut extended =
        merge::resolve_extends(tree, overrides, &mut load_file, &included.services, home);
    extended.issues.extend(included.extends.issues);
    extended.stopped_at = extended.stopped_at.or(included.extends.stopped_at);
    extended.conflicts.extend(included.extends.conflicts);
    report_conflicts(tree, &extended.conflicts, diagnostics);
    extended.files.extend(included.extends.files);
    diagnostics.keep(yaml_problems.into_vec());
    diagnostics.extend(
        schema_problems
            .into_iter()
            .filter(|(path, _)| included.files.iter().any(|(p, _)| p == path))
            .map(|(_, d)| d),
    );
    // A file `extends` reads is interpolated whole (a `${X:?}` in a service nothing extends
    // still fails): `load` interpolates these copies for their errors.
    extends_trees.extend(
        read.into_iter()
            .filter(|(path, _)| !included.files.iter().any(|(p, _)| p == path))
            .map(|(_, t)| t),
    );
    // What services took from a file `extends` read is validated with them, as Compose
    // validates the merged result.
    if !extended.files.is_empty() {
        let main_file = tree.root().map(|r| tree.node(r).file);
        let mut found = Diagnostics::new(limit);
        schema::check_some(tree, schema::Checks::NotRequired, &mut found);
        let said: std::collections::HashSet<(&str, Option<Location>)> = diagnostics
            .iter()
            .map(|d| (d.code, d.primary.as_ref().map(|l| l.location)))
            .collect();
        let fresh: Vec<Diagnostic> = found
            .into_vec()
            .into_iter()
            .filter(|d| {
                let at = d.primary.as_ref().map(|l| l.location);
                at.map(|l| l.file) != main_file && !said.contains(&(d.code, at))
            })
            .collect();
        diagnostics.extend(fresh);
    }
    let mut refs: Vec<resolve_refs::FileRef> = Vec::new();
    let at = |id: yaml::NodeId| tree.location(id);
    for (path, node) in &included.files {
        refs.push(resolve_refs::FileRef {
            kind: resolve_refs::RefKind::Include,
            path: path.clone(),
            required: true,
            service: String::new(),
            at: at(*node),
        });
    }
    for merge::IncludeEnv { files, env_files } in &included.env_files {
        let at = files
            .first()
            .and_then(|p| refs.iter().find(|r| r.path == *p))
            .map(|r| r.at);
        for (path, required) in env_files {
            if let Some(at) = at {
                refs.push(resolve_refs::FileRef {
                    kind: resolve_refs::RefKind::EnvFile,
                    path: path.clone(),
                    required: *required,
                    service: String::new(),
                    at,
                });
            }
        }
    }
    include_env.append(&mut included.env_files);
    for (path, node) in &included.missing {
        let d = unread_file(&unread, path, "include").unwrap_or_else(|| {
            rules::registry::diagnostic(
                "FC029",
                format!("the file `{path}` that `include` names was not found"),
            )
            .with_help("check the path: it is relative to the project directory")
        });
        diagnostics.push(d.at(at(*node)));
    }
    if let Some(node) = included.stopped_at {
        diagnostics.push(
            rules::registry::diagnostic(
                "FC004",
                format!(
                    "`include` loads more than {} files (a file counts each time a path of includes reaches it): factory stops including here",
                    merge::MAX_INCLUDED_FILES
                ),
            )
            .with_help("include each file once, from one place: files that include each other are expanded once per path")
            .at(at(node)),
        );
    }
    // One cycle per `include` line: the same line reached by several paths is one finding.
    let mut cycle_at = std::collections::HashSet::new();
    for (chain, node) in included
        .cycles
        .iter()
        .filter(|(_, n)| cycle_at.insert(at(*n)))
    {
        diagnostics.push(
            rules::registry::diagnostic(
                "FC030",
                format!("include cycle: {}", chain.join(" includes ")),
            )
            .with_help("remove the `include` that names a file already including this one: Compose refuses the cycle")
            .at(at(*node)),
        );
    }
    for (kind, name, node, other) in &included.conflicts {
        diagnostics.push(
            rules::registry::diagnostic(
                "FC003",
                format!(
                    "`{kind}.{name}` is defined both by the project and, differently, by a file it includes"
                ),
            )
            .with_help("rename one of them or make both definitions equal: Compose refuses the conflict")
            .at(at(*node))
            .with_secondary(at(*other), "the included file defines it here"),
        );
    }
    let at = |id: yaml::NodeId| tree.location(id);
    if let Some(service) = extended.stopped_at {
        diagnostics.push(
            rules::registry::diagnostic(
                "FC004",
                format!(
                    "`extends` copies more than {} nodes into the services: factory stops resolving it here",
                    merge::MAX_EXTENDED_SIZE
                ),
            )
            .with_help("extend a shared base from each service instead of chaining services: each link of a chain copies all the ones before")
            .at(at(service)),
        );
    }
    for issue in &extended.issues {
        let d = match &issue.problem {
            // The file was found: FC002 says what is wrong with it.
            merge::ExtendsProblem::MissingFile { path } if not_mappings.contains(path) => continue,
            merge::ExtendsProblem::UnknownService { service, file } => {
                let (message, help) = match file {
                    Some(f) => (
                        format!(
                            "`extends` names the service `{service}`, which `{f}` does not define"
                        ),
                        format!("name a service defined in `{f}`"),
                    ),
                    None => (
                        format!("`extends` names the service `{service}`, which does not exist"),
                        "name a service of this file, or add `file:` to take it from another file"
                            .to_owned(),
                    ),
                };
                rules::registry::diagnostic("FC029", message).with_help(help)
            }
            merge::ExtendsProblem::MissingFile { path } => unread_file(&unread, path, "extends")
                .unwrap_or_else(|| {
                    rules::registry::diagnostic(
                        "FC029",
                        format!("the file `{path}` that `extends` names was not found"),
                    )
                    .with_help(
                        "check the path: it is relative to the project directory (or, in a file that `extends` or `include` reads, to that file's folder)",
                    )
                }),
            merge::ExtendsProblem::Cycle { chain } => rules::registry::diagnostic(
                "FC030",
                format!("`extends` goes round in a circle: {}", chain.join(" -> ")),
            )
            .with_help("break the chain: a service cannot extend itself, directly or not"),
        };
        diagnostics.push(d.at(at(issue.at)));
    }
    refs.extend(
        extended
            .files
            .iter()
            .map(|(path, node, service)| resolve_refs::FileRef {
                kind: resolve_refs::RefKind::Extends,
                path: path.clone(),
                required: true,
                service: service.clone(),
                at: at(*node),
            }),
    );
    refs
}

/// The widest a column of a human table grows (`routes`, `env`, `cron`): a longer cell runs
/// past its column instead of padding every other row to its width (a 1 MiB value padded
/// thousands of rows to a megabyte each).
pub(crate) const TABLE_COLUMN_MAX: usize = 100;

/// The codes of loading problems that make `docker compose config` refuse the project: YAML
/// errors and limits (FC001, FC003, FC004), wrong shapes and types (FC002, FC020), service
/// names (FC035), files or
/// services `include`/`extends` name that do not exist (FC029) or go round in a circle
/// (FC030), interpolation errors (FE001, FE003) and `.env` syntax errors (FE004). Every
/// other loading problem is the platform's (FC013, FE007 …) or a warning.
const REFUSED_WHEN_LOADING: [&str; 11] = [
    "FC001", "FC002", "FC003", "FC004", "FC020", "FC029", "FC030", "FC035", "FE001", "FE003",
    "FE004",
];

/// What makes `docker compose config` refuse the project, in the order found: the loading
/// problems Compose refuses too ([`Loaded::diagnostics`] of the codes above, at error
/// severity), the values Compose's schema refuses that rules report in their own words
/// (`version`, `healthcheck`, `logging`, `extra_hosts`, `environment`/`labels` values), keys
/// Compose's schema does not know, then Compose's
/// consistency checks on the loaded project (a service with neither `image` nor `build`, a
/// `depends_on` naming no service, a dependency cycle …). Empty when Compose prints the project.
/// `factory config` prints these and exits 1 instead of printing the project.
#[must_use]
pub fn compose_refusals(
    loaded: &Loaded,
    sources: &SourceMap,
    settings: &Settings,
) -> Vec<Diagnostic> {
    // The env and label files of services Compose leaves out (profiles) are not read.
    let active = render::active_profiles(loaded);
    let left_out: std::collections::HashSet<&str> = loaded
        .project
        .services
        .iter()
        .filter(|s| !render::service::enabled(&loaded.project.tree, s, &active))
        .map(|s| s.name(&loaded.project.tree))
        .collect();
    let unread: Vec<String> = if left_out.is_empty() {
        Vec::new()
    } else {
        let refs = loaded.referenced_files();
        let read: std::collections::HashSet<&str> = refs
            .iter()
            .filter(|r| !left_out.contains(r.service.as_str()))
            .map(|r| r.path.as_str())
            .collect();
        refs.iter()
            .filter(|r| !read.contains(r.path.as_str()))
            .map(|r| r.path.clone())
            .collect()
    };
    let in_unread = |d: &Diagnostic| {
        d.primary.as_ref().is_some_and(|p| {
            sources.get(p.location.file).kind == FileKind::Other
                && unread.contains(&sources.get(p.location.file).name)
        })
    };
    let limit = settings.limits.max_diagnostics;
    let mut out = Diagnostics::new(limit);
    out.extend(
        loaded
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error && REFUSED_WHEN_LOADING.contains(&d.code))
            .filter(|d| !(d.code == "FE004" && in_unread(d)))
            .cloned(),
    );
    // Checked here, on the project merged and interpolated (an interpolated value is a string,
    // as a `${VAR}` is before interpolation), rather than on each file when loading: only
    // `config` needs them, and `lint` should not pay for them.
    schema::check_covered(&loaded.project.tree, schema::Checks::All, &mut out);
    schema::check_interpolated(&loaded.project.tree, None, &mut out);
    unknown_keys(&loaded.project, &mut out);
    rules::structure::unbalanced_command_quotes::refusals(&loaded.project, &mut out);
    consistency::check(loaded, !settings.unread_files.is_empty(), &mut out);
    // A refusal the load found is found again by the checks above (a repeated item): once.
    let mut said = std::collections::HashSet::new();
    out.retain(|d| {
        said.insert((
            d.code,
            d.primary.as_ref().map(|l| l.location),
            d.message.clone(),
        ))
    });
    redact::finish(
        &mut out,
        &loaded.variables,
        settings.show_secrets,
        &loaded.secret_scalars(),
    );
    out.finish(limit, Dropped::default()).0
}

/// Keys Compose's schema does not know, at the top level (FC010) or in a service (FC012):
/// Compose refuses them (`additional properties 'imagee' not allowed`). `lint` reports them
/// through the same rules, with the platform's view of the keys Compose does know.
fn unknown_keys(project: &model::Project, out: &mut Diagnostics) {
    use platform::{COMPOSE_SERVICE_KEYS, COMPOSE_TOP_LEVEL_KEYS, did_you_mean};
    let mut report = |key: &model::OtherKey, code: &'static str, what: &str, known: &[&str]| {
        let name = key.key.value.as_str();
        if known.contains(&name) || name.starts_with("x-") {
            return;
        }
        let help = match did_you_mean(name, known) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!("Compose knows only: {}", known.join(", ")),
        };
        out.push(
            key.key
                .point(rules::registry::diagnostic(
                    code,
                    format!("`{name}` is not a Compose {what} key"),
                ))
                .with_help(help),
        );
    };
    for key in &project.other_keys {
        report(key, "FC010", "top-level", COMPOSE_TOP_LEVEL_KEYS);
    }
    for key in project.services.iter().flat_map(|s| s.other_keys(project)) {
        report(key, "FC012", "service", COMPOSE_SERVICE_KEYS);
    }
}

/// Lint a project: load it, run every rule over the model, then drop what inline
/// `# factory: ignore=…` comments silence ([`suppress::apply_inline`]).
#[must_use]
pub fn lint(sources: &SourceMap, process: &ProcessEnv, settings: &Settings) -> Report {
    let loaded = load(sources, process, settings);
    check(&loaded, sources, process, settings)
}

/// The rules over a project already [`load`]ed from `sources` (what [`lint`] does after
/// loading): the load's own diagnostics plus every rule's, minus what inline comments silence.
/// For a caller that also renders or queries the loaded project, to load it once.
#[must_use]
pub fn check(
    loaded: &Loaded,
    sources: &SourceMap,
    process: &ProcessEnv,
    settings: &Settings,
) -> Report {
    // The rules share what the load left of the budget; the load's FC004 about what it dropped
    // (its last finding) is made again below with the rules' count added.
    let limit = settings.limits.max_diagnostics;
    let kept = loaded
        .diagnostics
        .len()
        .saturating_sub(usize::from(loaded.dropped.total() > 0));
    let mut diagnostics = Diagnostics::new(limit.saturating_sub(kept));
    diagnostics.keep(loaded.diagnostics.iter().take(kept).cloned());
    let cx = rules::Context::of(loaded, sources, settings, process);
    rules::run(&cx, &mut diagnostics);
    once_each(&mut diagnostics, sources);
    name_overridden_values(&loaded.project, &mut diagnostics);
    drop_variables_inside_fr008(&mut diagnostics);
    name_unset_variables_in_errors(loaded, &mut diagnostics);
    redact::finish(
        &mut diagnostics,
        &loaded.variables,
        settings.show_secrets,
        &loaded.secret_scalars(),
    );
    let (diagnostics, _) = diagnostics.finish(limit, loaded.dropped);
    suppress::apply_inline_outside_values(Report::new(diagnostics), sources, &loaded.project.tree)
}

/// A finding printed the same (same file name, place and words) is one finding: a file given
/// twice (`-f a.yml -f a.yml`, which Compose merges onto itself) is checked twice, and a check
/// of each file (FE010 before merging) may find what a rule finds on the merged project.
fn once_each(diagnostics: &mut Vec<Diagnostic>, sources: &SourceMap) {
    let mut seen = std::collections::HashSet::new();
    diagnostics.retain(|d| {
        let at = d.primary.as_ref().map(|l| {
            let name = sources.get(l.location.file).name.as_str();
            (name, l.location.span.start, l.location.span.end)
        });
        seen.insert((d.code, at, d.message.clone()))
    });
}

/// A diagnostic that points at a value a later file set over an earlier one also shows the
/// earlier value ("overrides the value set here").
fn name_overridden_values(project: &model::Project, diagnostics: &mut [Diagnostic]) {
    if project.overrides.is_empty() {
        return;
    }
    let loc = |id| project.tree.location(id);
    // The first override of each place: looked up, not searched for each diagnostic.
    let mut replaced: rules::FastMap<Location, crate::yaml::NodeId> = rules::FastMap::default();
    for o in &project.overrides {
        replaced.entry(loc(o.value)).or_insert(o.replaced);
    }
    for d in diagnostics.iter_mut() {
        let Some(primary) = d.primary.as_ref().map(|p| p.location) else {
            continue;
        };
        if let Some(&earlier) = replaced.get(&primary) {
            let base = loc(earlier);
            if base.file != primary.file && !d.secondary.iter().any(|l| l.location == base) {
                d.secondary
                    .push(Label::new(base, "overrides the value set here"));
            }
        }
    }
}

/// One problem, one diagnostic (SPEC §6): when a value is wrong because an unset variable
/// became an empty string (`- ${DATA}:/data` is a volume with no source, `read_only: ${RO}` no
/// boolean), the error about the value says which variable is not set, and how to set it, and
/// the FE002 of that variable in that value is not reported besides: the error takes it in, and
/// gives it back if it is silenced or ignored. The error stays: with this environment, Compose
/// refuses the project. Only an error about emptiness is taken as caused by the empty string:
/// the whole value is empty, or the error says a part is (`the source before `:` is empty`,
/// an empty name in backquotes); `${HOST_IP}:abc:80` is wrong whatever `HOST_IP` is.
fn name_unset_variables_in_errors(loaded: &Loaded, diagnostics: &mut Diagnostics) {
    let unset = loaded.interpolation.unset_scalars();
    if unset.is_empty() {
        return;
    }
    // Only an error may take an unset variable in: without one there is nothing to name.
    let errors: Vec<usize> = (diagnostics.iter().enumerate())
        .filter(|(_, d)| d.severity == Severity::Error && !d.code.starts_with("FE"))
        .map(|(k, _)| k)
        .collect();
    if errors.is_empty() {
        return;
    }
    let tree = &loaded.project.tree;
    let primary = |d: &Diagnostic| d.primary.as_ref().map(|l| l.location);
    // For each unset value, the errors whose primary or a secondary label overlaps it, in
    // report order: found from each error's labels through the values sorted by place, so that
    // 50 000 unset values and as many errors are not compared pair by pair.
    let values = PlaceIndex::new(unset.iter().map(|&node| tree.location(node)));
    let mut about_value: Vec<Vec<usize>> = vec![Vec::new(); unset.len()];
    for &k in &errors {
        let d = &diagnostics[k];
        let labels = d.primary.iter().chain(&d.secondary);
        for at in labels.map(|l| l.location) {
            values.overlapping(at, |i| {
                if let Some(list) = about_value.get_mut(i)
                    && list.last() != Some(&k)
                {
                    list.push(k);
                }
            });
        }
    }
    // The FE002 findings by place, for the ones inside each value.
    let mut fe002: Vec<(Location, usize)> = (diagnostics.iter().enumerate())
        .filter(|(_, d)| d.code == "FE002")
        .filter_map(|(k, d)| Some((primary(d)?, k)))
        .collect();
    fe002.sort_unstable();
    let mut folded: Vec<(usize, usize)> = Vec::new();
    for (&node, candidates) in unset.iter().zip(&about_value) {
        if candidates.is_empty() {
            continue;
        }
        let value = tree.location(node);
        let from =
            fe002.partition_point(|(p, _)| (p.file, p.span.start) < (value.file, value.span.start));
        let inside: Vec<(Location, usize)> = (fe002.get(from..).unwrap_or_default().iter())
            .take_while(|(p, _)| p.file == value.file && p.span.start <= value.span.end)
            .filter(|(p, _)| value.contains(*p))
            .copied()
            .collect();
        let Some(first) = inside.iter().map(|&(_, k)| k).min() else {
            continue;
        };
        let mut names: Vec<&str> = Vec::new();
        let mut named_once = std::collections::HashSet::new();
        for u in loaded.interpolation.uses_of(node) {
            let name = loaded.interpolation.name(u);
            let reported = inside.binary_search_by(|(p, _)| p.cmp(&u.location)).is_ok();
            if reported && named_once.insert(name) {
                names.push(name);
            }
        }
        let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
        let (named, verb, pronoun, help) = match quoted.split_last() {
            Some((last, [])) => (last.clone(), "is", "it", diagnostics[first].help.clone()),
            Some((last, rest)) => {
                let named = format!("{} and {last}", rest.join(", "));
                let help = format!(
                    "set {named} in `.env` or the environment, or give each a default (`${{{}:-default}}`)",
                    names[0]
                );
                (named, "are", "each", Some(help))
            }
            None => continue,
        };
        let empty_value = crate::yaml::scalar_text(tree, node).is_some_and(str::is_empty);
        // The errors about this value: at it, or at the `<<` lines of the services that inherit
        // it (their secondary label is the value). A message an earlier value changed is read
        // as changed.
        let about: Vec<usize> = (candidates.iter().copied())
            .filter(|&k| {
                let d = &diagnostics[k];
                empty_value || d.message.contains("empty") || d.message.contains("``")
            })
            .collect();
        let Some(&error) = about.first() else {
            continue;
        };
        for &k in &about {
            let d = &mut diagnostics[k];
            d.message = format!(
                "{} ({named} {verb} not set, and Compose substitutes an empty string for {pronoun})",
                d.message
            );
            d.help.clone_from(&help);
        }
        // The first takes the FE002 in.
        let mut taken: Vec<usize> = inside.into_iter().map(|(_, k)| k).collect();
        taken.sort_unstable();
        folded.extend(taken.into_iter().map(|k| (k, error)));
    }
    if folded.is_empty() {
        return;
    }
    // Each folded FE002 moves into the error that took it in.
    for &(fe002, error) in &folded {
        let taken = diagnostics[fe002].clone();
        diagnostics[error].absorbed.push(taken);
    }
    let moved: std::collections::HashSet<usize> = folded.iter().map(|(k, _)| *k).collect();
    let mut k = 0;
    diagnostics.retain(|_| {
        k += 1;
        !moved.contains(&(k - 1))
    });
}

/// Places (file and byte span) sorted for the ones that overlap or hold a given place, in
/// logarithmic time and the count found (a span of a value holds no other value, so a place
/// overlaps few of them; nested places only make the walk longer).
struct PlaceIndex {
    /// Each place with its index in the order given, sorted by place.
    sorted: Vec<(Location, usize)>,
    /// The largest end of the places of the same file up to each one in `sorted`.
    reach: Vec<u32>,
}

impl PlaceIndex {
    fn new(places: impl Iterator<Item = Location>) -> Self {
        let mut sorted: Vec<(Location, usize)> = places.enumerate().map(|(i, l)| (l, i)).collect();
        sorted.sort_unstable();
        let mut reach = Vec::with_capacity(sorted.len());
        let mut last: Option<(crate::span::FileId, u32)> = None;
        for (l, _) in &sorted {
            let end = match last {
                Some((file, end)) if file == l.file => end.max(l.span.end),
                _ => l.span.end,
            };
            reach.push(end);
            last = Some((l.file, end));
        }
        Self { sorted, reach }
    }

    /// Call `found` with the index of each place that overlaps `at` (ends included: a place
    /// that ends where `at` starts overlaps it).
    fn overlapping(&self, at: Location, mut found: impl FnMut(usize)) {
        let below = self
            .sorted
            .partition_point(|(l, _)| (l.file, l.span.start) <= (at.file, at.span.end));
        for j in (0..below).rev() {
            let (Some((l, i)), Some(&reach)) = (self.sorted.get(j), self.reach.get(j)) else {
                break;
            };
            if l.file != at.file || reach < at.span.start {
                break;
            }
            if l.span.end >= at.span.start {
                found(*i);
            }
        }
    }

    /// Whether one of the places holds `at` (same file, its span inside).
    fn holds(&self, at: Location) -> bool {
        let below = self
            .sorted
            .partition_point(|(l, _)| (l.file, l.span.start) <= (at.file, at.span.start));
        below
            .checked_sub(1)
            .and_then(|j| Some((self.sorted.get(j)?.0, *self.reach.get(j)?)))
            .is_some_and(|(l, reach)| l.file == at.file && reach >= at.span.end)
    }
}

/// One problem, one diagnostic: when FR008 reports a basic-auth hash whose `$` Compose read as
/// variables (`$apr1`), the FE002 (FE007 in deploy mode) diagnostics for those variables are
/// the same problem. The interpolation pass cannot know, so they are dropped here: every FE002
/// or FE007 located inside a span an FR008 diagnostic covers (its primary or secondary labels).
fn drop_variables_inside_fr008(diagnostics: &mut Diagnostics) {
    let covered = PlaceIndex::new(
        (diagnostics.iter())
            .filter(|d| d.code == "FR008")
            .flat_map(|d| d.primary.iter().chain(&d.secondary).map(|l| l.location)),
    );
    if covered.sorted.is_empty() {
        return;
    }
    diagnostics.retain(|d| {
        let Some(p) = d.primary.as_ref().map(|l| l.location) else {
            return true;
        };
        !(matches!(d.code, "FE002" | "FE007") && covered.holds(p))
    });
}

#[cfg(test)]
mod tests {
    use super::PlaceIndex;
    use crate::span::{FileId, Location, Span};
    use proptest::prelude::*;

    fn place((file, start, len): (u16, u32, u32)) -> Location {
        Location::new(FileId(file), Span::new(start, start + len))
    }

    proptest! {
        /// The index finds exactly the places a comparison with each one finds, nested and
        /// repeated places included.
        #[test]
        fn a_place_index_finds_what_a_scan_finds(
            places in prop::collection::vec((0u16..3, 0u32..200, 0u32..40), 0..60),
            probes in prop::collection::vec((0u16..3, 0u32..220, 0u32..30), 1..20),
        ) {
            let places: Vec<Location> = places.into_iter().map(place).collect();
            let index = PlaceIndex::new(places.iter().copied());
            for at in probes.into_iter().map(place) {
                let mut found = Vec::new();
                index.overlapping(at, |i| found.push(i));
                found.sort_unstable();
                let scan: Vec<usize> = (places.iter().enumerate())
                    .filter(|(_, p)| {
                        p.file == at.file && p.span.start <= at.span.end && at.span.start <= p.span.end
                    })
                    .map(|(i, _)| i)
                    .collect();
                prop_assert_eq!(found, scan);
                prop_assert_eq!(index.holds(at), places.iter().any(|p| p.contains(at)));
            }
        }
    }
}
