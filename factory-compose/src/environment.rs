//! The variables a project is interpolated with: built from the injected process environment,
//! the project's `.env` source (development) or the platform's set (deploy), as SPEC §4 says.

use factory_env::{DeployContext, DotenvEntry, ManagedService, Variables, dotenv};

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::rules::registry;
use crate::settings::{Mode, Settings};
use crate::source::{FileKind, SourceMap};
use crate::span::{FileId, Location, Span};
use crate::yaml::Tree;

/// What the caller knows about the process: its environment (empty with `--no-process-env`).
#[derive(Debug, Clone, Default)]
pub struct ProcessEnv {
    /// `NAME=value` pairs of the process environment, as Compose would see them.
    pub vars: Vec<(String, String)>,
}

impl ProcessEnv {
    /// The value of `name`, if set.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The parsed `.env` files of the project, with where each entry is.
#[derive(Debug, Clone, Default)]
pub struct DotenvFiles {
    /// Entries of every `.env` source in order, with the file they came from.
    pub entries: Vec<(crate::span::FileId, DotenvEntry)>,
}

/// Parse every `.env` source (FE004 for syntax errors) with Compose's expansion: a `${VAR}` in a
/// value sees the process environment first, then the entries above it.
pub(crate) fn parse_dotenv(
    sources: &SourceMap,
    process: &ProcessEnv,
    dev: bool,
    diags: &mut Diagnostics,
) -> DotenvFiles {
    let mut out = DotenvFiles::default();
    // A later `--env-file` sees the entries of the files before it, after the process's
    // variables (compose-go's `GetEnvFromFile`: one map across the files).
    let mut earlier: Vec<(String, String)> = Vec::new();
    let files: Vec<FileId> = sources.of_kind(FileKind::Dotenv).collect();
    for (k, &id) in files.iter().enumerate() {
        let file = sources.get(id);
        let lookup = factory_env::Chain(&process.vars, earlier.as_slice());
        let (entries, errors) = dotenv::parse_recovering(&file.text, &lookup);
        if k + 1 < files.len() {
            earlier.extend(entries.iter().map(|e| (e.key.clone(), e.value.clone())));
        }
        for e in errors {
            diags.push(dotenv_diagnostic(".env", id, &e));
        }
        // A variable a `.env` value uses that nothing sets: Compose warns and substitutes an
        // empty string, as in a compose file (FE002). In deploy mode the `.env` is not used.
        if dev {
            for u in entries
                .iter()
                .flat_map(|e| &e.unset)
                .filter(|u| !u.has_default)
            {
                let span = Span::of_range(u.span.clone());
                diags.push(
                    registry::diagnostic(
                        "FE002",
                        format!("`{}` is not set: Compose substitutes an empty string", u.name),
                    )
                    .at(Location::new(id, span))
                    .with_help(format!(
                        "define `{}` earlier in the `.env` or in the environment, or give a default: `${{{}:-value}}`",
                        u.name, u.name
                    )),
                );
            }
        }
        out.entries.extend(entries.into_iter().map(|e| (id, e)));
    }
    out
}

/// FE004 for a syntax error of a file read with the `.env` grammar (`what`: `.env`, `env
/// file`, `label file`), or its expansion budget.
pub(crate) fn dotenv_diagnostic(what: &str, file: FileId, e: &dotenv::DotenvError) -> Diagnostic {
    let span = Span::of_range(e.span.clone());
    let (code, message) = if e.is_budget() {
        ("FE004", e.message.clone())
    } else if e.is_required() {
        // A `${VAR:?message}` that fails is FE003 wherever it is written.
        ("FE003", format!("{} (in {what})", e.message))
    } else {
        ("FE004", format!("invalid {what} syntax: {}", e.message))
    };
    // The parser's words quote what it read, which may be a whole line (a line of NUL bytes
    // quoted a megabyte): the message keeps its start.
    const MESSAGE_LIMIT: usize = 240;
    let message = match message.char_indices().nth(MESSAGE_LIMIT) {
        Some((cut, _)) => format!("{}…", &message[..cut]),
        None => message,
    };
    let d = registry::diagnostic(code, message).at(Location::new(file, span));
    match e.help() {
        Some(help) => d.with_help(help),
        None => d,
    }
}

/// The service names a compose tree declares (for the managed services of deploy mode).
fn service_names(tree: &Tree) -> Vec<String> {
    let Some(root) = tree.root() else {
        return Vec::new();
    };
    let Some(services) = tree.get(root, "services") else {
        return Vec::new();
    };
    tree.mapping(services.value)
        .unwrap_or_default()
        .iter()
        .filter_map(|e| crate::yaml::scalar_text(tree, e.key).map(str::to_owned))
        .collect()
}

/// Whether the text of any compose file names one of `names`: `$NAME`, `${NAME`, or a bare
/// `- NAME` environment item or `NAME:` with no value (which take the variable's value as it
/// is).
fn mentions(sources: &SourceMap, names: &[&str]) -> bool {
    sources.of_kind(FileKind::Compose).any(|id| {
        let text = &sources.get(id).text;
        names.iter().filter(|n| text.contains(**n)).any(|n| {
            text.contains(&format!("${n}"))
                || text.contains(&format!("${{{n}"))
                || text.lines().any(|line| {
                    let line = line.trim();
                    line.strip_prefix('-')
                        .map(|item| item.trim().trim_matches(['"', '\'']))
                        == Some(*n)
                        || line.strip_suffix(':').map(str::trim_end) == Some(*n)
                })
        })
    })
}

/// Build the variables for `settings.mode`.
pub(crate) fn variables(
    sources: &SourceMap,
    trees: &[Tree],
    process: &ProcessEnv,
    dotenv: &DotenvFiles,
    settings: &Settings,
) -> Variables {
    let entries = || dotenv.entries.iter().map(|(_, e)| e);
    match &settings.mode {
        Mode::Dev => {
            // Compose sets COMPOSE_PROJECT_NAME to the project's name (-p wins over .env).
            let mut vars = process.vars.clone();
            if let Some(name) = &settings.project_name {
                vars.push(("COMPOSE_PROJECT_NAME".to_owned(), name.clone()));
            }
            Variables::dev(vars, entries())
        }
        Mode::Deploy { environment, url } => {
            let mut managed = Vec::new();
            for tree in trees {
                for name in service_names(tree) {
                    if let Some(m) = ManagedService::from_service_name(&name)
                        && !managed.contains(&m)
                    {
                        managed.push(m);
                    }
                }
            }
            let ctx = DeployContext {
                environment: environment.clone(),
                url: url.clone(),
                // SPEC §4: `registry.example/<project>`; without CI_PROJECT_PATH the project
                // is its (normalised) name.
                project_path: settings
                    .project_path
                    .clone()
                    .or_else(|| settings.project_name.clone())
                    .unwrap_or_default(),
                process: process.vars.clone(),
                managed,
                uses_metrics: mentions(sources, &factory_env::METRICS_VARIABLES),
                uses_mail: mentions(sources, &factory_env::MAIL_VARIABLES),
                local_dotenv: entries().map(|e| e.key.clone()).collect(),
            };
            Variables::deploy(&ctx)
        }
    }
}
