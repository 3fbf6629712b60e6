//! Configuration in three layers, as ruff does it:
//!
//! 1. [`Options`]: what one source says, every field optional — `factory.toml` (found upward
//!    from the project directory, stopping at a directory that holds `.git` or at the
//!    filesystem root), the `FACTORY_*` environment variables, or the command line;
//! 2. [`Configuration::combine`]: the layers merged, command line over environment over file
//!    over defaults;
//! 3. [`Resolved`]: what `lint` runs with — a [`Filter`] for the report, a failure threshold and
//!    the default environment.
//!
//! Lists (`ignore`, `per-file-ignores`) add up across layers; single values and per-code
//! severities are taken from the highest layer that sets them.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use factory_compose::Severity;
use factory_compose::rules::registry;
use factory_compose::suppress::{Filter, selects};
use serde::Deserialize;
use toml::Spanned;

/// The configuration file's name.
pub(crate) const FILE_NAME: &str = "factory.toml";

/// A rule code or code prefix (`FC014`, `FR`), checked against the registry.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Code(pub(crate) String);

impl Code {
    /// Parse a code or prefix: known codes only, case-insensitive.
    pub(crate) fn parse(s: &str) -> Result<Self, String> {
        let s = s.trim();
        if !s.is_empty() && registry::all().any(|r| selects(s, r.code)) {
            Ok(Self(s.to_ascii_uppercase()))
        } else {
            Err(format!(
                "unknown rule code `{s}` (a code such as FC014, or a prefix such as FR)"
            ))
        }
    }
}

/// A severity as configured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Level {
    /// Error.
    Error,
    /// Warning.
    Warning,
    /// Info.
    Info,
}

impl From<Level> for Severity {
    fn from(l: Level) -> Self {
        match l {
            Level::Error => Self::Error,
            Level::Warning => Self::Warning,
            Level::Info => Self::Info,
        }
    }
}

/// The least severe finding that makes `lint` exit 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Threshold {
    /// Errors fail (the default).
    #[default]
    Error,
    /// Errors and warnings fail.
    Warning,
    /// Every finding fails.
    Info,
    /// Never fail on findings.
    None,
}

impl Threshold {
    fn parse(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "error" => Ok(Self::Error),
            "warning" => Ok(Self::Warning),
            "info" => Ok(Self::Info),
            "none" => Ok(Self::None),
            _ => Err(format!(
                "`{s}` is not a failure threshold (error, warning, info or none)"
            )),
        }
    }

    /// Whether a finding of `severity` fails the run.
    pub(crate) fn fails(self, severity: Severity) -> bool {
        match self {
            Self::Error => severity == Severity::Error,
            Self::Warning => severity != Severity::Info,
            Self::Info => true,
            Self::None => false,
        }
    }
}

/// What one layer says. In `factory.toml`:
///
/// ```toml
/// ignore = ["FC014"]                    # codes or prefixes never reported
/// failure-threshold = "warning"         # error (default), warning, info, none
/// environment = "production"            # lint as deployed there unless -e says otherwise
/// url = "https://app.example.com"       # that environment's URL
///
/// [severity]                            # per-code severity
/// FC034 = "error"
///
/// [per-file-ignores]                    # codes not reported in matching files
/// "tools.yml" = ["FC034"]
/// ```
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct Options {
    /// Codes or prefixes never reported (checked by [`Options::check_codes`]).
    pub(crate) ignore: Option<Vec<Spanned<String>>>,
    /// Per-code (or prefix) severity overrides.
    pub(crate) severity: Option<BTreeMap<Spanned<String>, Level>>,
    /// The least severe finding that fails the run.
    pub(crate) failure_threshold: Option<Threshold>,
    /// Path pattern → codes not reported in matching files.
    pub(crate) per_file_ignores: Option<BTreeMap<String, Vec<Spanned<String>>>>,
    /// The default deploy environment.
    pub(crate) environment: Option<Spanned<String>>,
    /// The default environment's URL.
    pub(crate) url: Option<Spanned<String>>,
    /// Where `url` was set (`factory.toml:3:7`, `FACTORY_URL`), for an error about it.
    #[serde(skip)]
    pub(crate) url_from: Option<String>,
}

/// An error in a configuration source, with its place when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ConfigError(pub(crate) String);

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Line and column (1-based, columns in characters) of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

impl Options {
    /// Parse `factory.toml` text; errors read `NAME:LINE:COLUMN: message`.
    pub(crate) fn from_toml(text: &str, name: &str) -> Result<Self, ConfigError> {
        let at = |span: Option<std::ops::Range<usize>>, message: &str| match span {
            Some(span) => {
                let (line, column) = line_col(text, span.start);
                ConfigError(format!("{name}:{line}:{column}: {message}"))
            }
            None => ConfigError(format!("{name}: {message}")),
        };
        let options: Self = toml::from_str(text)
            .map_err(|e| at(e.span(), &e.message().trim_end().replace('\n', " ")))?;
        options
            .check_codes()
            .map_err(|(span, message)| at(Some(span), &message))?;
        if let Some(env) = &options.environment
            && let Err(m) = crate::project::check_environment(env.get_ref())
        {
            return Err(at(Some(env.span()), &format!("`environment` {m}")));
        }
        let mut options = options;
        if let Some(url) = &options.url {
            crate::project::check_url(url.get_ref())
                .map_err(|m| at(Some(url.span()), &format!("`url` {m}")))?;
            let (line, column) = line_col(text, url.span().start);
            options.url_from = Some(format!("{name}:{line}:{column}"));
        }
        Ok(options)
    }

    /// Every code named is a rule code or a prefix of one; else its span and a message.
    pub(crate) fn check_codes(&self) -> Result<(), (std::ops::Range<usize>, String)> {
        let all = self
            .ignore
            .iter()
            .flatten()
            .chain(self.severity.iter().flat_map(BTreeMap::keys))
            .chain(
                self.per_file_ignores
                    .iter()
                    .flat_map(BTreeMap::values)
                    .flatten(),
            );
        for code in all {
            Code::parse(code.get_ref()).map_err(|m| (code.span(), m))?;
        }
        Ok(())
    }

    /// The `FACTORY_*` variables: `FACTORY_IGNORE=FC014,FC015`,
    /// `FACTORY_SEVERITY=FC034=error,FC014=info`, `FACTORY_FAILURE_THRESHOLD=warning`,
    /// `FACTORY_ENVIRONMENT`, `FACTORY_URL`. Empty variables are unset.
    pub(crate) fn from_env(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |k: &str| get(k).filter(|v| !v.trim().is_empty());
        let err = |k: &str, m: String| ConfigError(format!("{k}: {m}"));
        let mut o = Self::default();
        if let Some(v) = get("FACTORY_IGNORE") {
            o.ignore = Some(codes(&v).map_err(|m| err("FACTORY_IGNORE", m))?);
        }
        if let Some(v) = get("FACTORY_SEVERITY") {
            let mut map = BTreeMap::new();
            for item in v.split(',').filter(|s| !s.trim().is_empty()) {
                let (code, level) = parse_severity(item).map_err(|m| err("FACTORY_SEVERITY", m))?;
                map.insert(code, level);
            }
            o.severity = Some(map);
        }
        if let Some(v) = get("FACTORY_FAILURE_THRESHOLD") {
            o.failure_threshold =
                Some(Threshold::parse(&v).map_err(|m| err("FACTORY_FAILURE_THRESHOLD", m))?);
        }
        // (`get` leaves out an empty variable: FACTORY_ENVIRONMENT="" is no environment.)
        o.environment = get("FACTORY_ENVIRONMENT").map(|v| Spanned::new(0..0, v));
        if let Some(v) = get("FACTORY_URL") {
            crate::project::check_url(&v).map_err(|m| err("FACTORY_URL", m))?;
            o.url = Some(Spanned::new(0..0, v));
            o.url_from = Some("FACTORY_URL".to_owned());
        }
        Ok(o)
    }
}

/// A comma-separated list of codes, checked.
pub(crate) fn codes(s: &str) -> Result<Vec<Spanned<String>>, String> {
    s.split(',')
        .filter(|c| !c.trim().is_empty())
        .map(|c| Code::parse(c).map(|c| Spanned::new(0..0, c.0)))
        .collect()
}

/// `CODE=LEVEL`.
pub(crate) fn parse_severity(s: &str) -> Result<(Spanned<String>, Level), String> {
    let (code, level) = s
        .split_once('=')
        .ok_or_else(|| format!("`{s}` is not CODE=LEVEL (e.g. FC034=error)"))?;
    let level = match level.trim().to_ascii_lowercase().as_str() {
        "error" => Level::Error,
        "warning" => Level::Warning,
        "info" => Level::Info,
        other => {
            return Err(format!(
                "`{other}` is not a severity (error, warning or info)"
            ));
        }
    };
    Ok((Spanned::new(0..0, Code::parse(code)?.0), level))
}

/// The layers merged.
#[derive(Debug, Clone, Default)]
pub(crate) struct Configuration {
    options: Options,
}

impl Configuration {
    /// Merge layers, highest precedence first (command line, environment, file).
    pub(crate) fn combine(layers: impl IntoIterator<Item = Options>) -> Self {
        let mut merged = Options::default();
        for layer in layers {
            if let Some(ignore) = layer.ignore {
                merged.ignore.get_or_insert_with(Vec::new).extend(ignore);
            }
            if let Some(severity) = layer.severity {
                let into = merged.severity.get_or_insert_with(BTreeMap::new);
                for (code, level) in severity {
                    into.entry(code).or_insert(level);
                }
            }
            if let Some(pfi) = layer.per_file_ignores {
                let into = merged.per_file_ignores.get_or_insert_with(BTreeMap::new);
                for (pattern, codes) in pfi {
                    into.entry(pattern).or_default().extend(codes);
                }
            }
            merged.failure_threshold = merged.failure_threshold.or(layer.failure_threshold);
            merged.environment = merged.environment.or(layer.environment);
            if merged.url.is_none() {
                merged.url = layer.url;
                merged.url_from = layer.url_from;
            }
        }
        Self { options: merged }
    }

    /// What `lint` runs with.
    pub(crate) fn resolve(self) -> Resolved {
        let o = self.options;
        Resolved {
            filter: Filter {
                ignore: o
                    .ignore
                    .unwrap_or_default()
                    .into_iter()
                    .map(upper)
                    .collect(),
                per_file_ignores: o
                    .per_file_ignores
                    .unwrap_or_default()
                    .into_iter()
                    .map(|(p, codes)| (p, codes.into_iter().map(upper).collect()))
                    .collect(),
                // Shorter selectors first so that a code's own entry wins over its prefix.
                severity: {
                    let mut v: Vec<(String, Severity)> = o
                        .severity
                        .unwrap_or_default()
                        .into_iter()
                        .map(|(c, l)| (upper(c), l.into()))
                        .collect();
                    v.sort_by_key(|(c, _)| c.len());
                    v
                },
            },
            threshold: o.failure_threshold.unwrap_or_default(),
            environment: o.environment.map(Spanned::into_inner),
            url: o.url.map(Spanned::into_inner),
            url_from: o.url_from,
        }
    }
}

fn upper(code: Spanned<String>) -> String {
    code.into_inner().trim().to_ascii_uppercase()
}

/// The resolved lint settings.
#[derive(Debug, Clone, Default)]
pub(crate) struct Resolved {
    /// Ignores and severity overrides.
    pub(crate) filter: Filter,
    /// When `lint` exits 1.
    pub(crate) threshold: Threshold,
    /// Default deploy environment.
    pub(crate) environment: Option<String>,
    /// Its URL.
    pub(crate) url: Option<String>,
    /// Where the URL was set, for an error about it.
    pub(crate) url_from: Option<String>,
}

/// `factory.toml` in `start` or the nearest parent, stopping after a directory that holds
/// `.git` and at the filesystem root.
pub(crate) fn discover(start: &Path) -> Option<PathBuf> {
    let start = std::fs::canonicalize(start).unwrap_or_else(|_| start.to_path_buf());
    let mut dir = Some(start.as_path());
    while let Some(d) = dir {
        let candidate = d.join(FILE_NAME);
        if candidate.is_file() {
            return Some(candidate);
        }
        if d.join(".git").exists() {
            return None;
        }
        dir = d.parent();
    }
    None
}

/// The configuration of a run: `cli` over the `FACTORY_*` variables over `config` (or the
/// `factory.toml` discovered from `project_dir`; none with `no_config`). Any command can use it
/// with `Options::default()` for `cli`.
pub(crate) fn resolve(
    cli: Options,
    project_dir: &Path,
    config: Option<&Path>,
    no_config: bool,
) -> Result<Resolved, String> {
    let env = Options::from_env(|k| std::env::var(k).ok()).map_err(|e| e.to_string())?;
    let file = if no_config {
        None
    } else if let Some(path) = config {
        Some(path.to_path_buf())
    } else {
        discover(project_dir)
    };
    let file = match file {
        Some(path) => read(&path).map_err(|e| e.to_string())?,
        None => Options::default(),
    };
    Ok(Configuration::combine([cli, env, file]).resolve())
}

/// The project options with the configured environment and URL filled in where the command
/// line left them out (`-e` given on the command line keeps its own `--url`).
///
/// # Errors
/// A configured URL with no environment from any source (the command line's `--url` without
/// `-e` is refused where the project is read).
pub(crate) fn project_defaults(
    p: &crate::args::ProjectArgs,
    conf: &Resolved,
) -> Result<crate::args::ProjectArgs, String> {
    let mut p = p.clone();
    if p.environment.is_none() {
        p.environment.clone_from(&conf.environment);
        if p.url.is_none() {
            p.url.clone_from(&conf.url);
            if p.url.is_some() && p.environment.is_none() {
                let from = conf.url_from.as_deref().unwrap_or("the configuration");
                return Err(format!(
                    "{from}: `url` needs an environment (`environment` in factory.toml, FACTORY_ENVIRONMENT or -e): the URL belongs to a deployed environment"
                ));
            }
        }
    }
    Ok(p)
}

/// Read and parse a configuration file.
pub(crate) fn read(path: &Path) -> Result<Options, ConfigError> {
    // Name the file relative to the working directory when it is below it.
    let cwd = std::env::current_dir().and_then(std::fs::canonicalize).ok();
    let name = cwd
        .as_deref()
        .and_then(|cwd| path.strip_prefix(cwd).ok())
        .unwrap_or(path)
        .display()
        .to_string();
    let text = crate::project::read_text(path, &name).map_err(ConfigError)?;
    Options::from_toml(&text, &name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_and_bad_values_have_positions() {
        let e = Options::from_toml(
            "ignore = [\"FC014\"]\nfailure-treshold = \"error\"\n",
            "f.toml",
        )
        .unwrap_err();
        assert!(
            e.0.starts_with("f.toml:2:1: unknown field `failure-treshold`"),
            "{e}"
        );
        let e = Options::from_toml("ignore = [\"FC014\", \"FC999\"]\n", "f.toml").unwrap_err();
        assert!(
            e.0.starts_with("f.toml:1:20: unknown rule code `FC999`"),
            "{e}"
        );
        let e =
            Options::from_toml("[per-file-ignores]\n\"a.yml\" = [\"XX\"]\n", "f.toml").unwrap_err();
        assert!(
            e.0.starts_with("f.toml:2:12: unknown rule code `XX`"),
            "{e}"
        );
        let e = Options::from_toml("[severity]\nFQ1 = \"info\"\n", "f.toml").unwrap_err();
        assert!(
            e.0.starts_with("f.toml:2:1: unknown rule code `FQ1`"),
            "{e}"
        );
        let e = Options::from_toml("[severity]\nFC014 = \"fatal\"\n", "f.toml").unwrap_err();
        assert!(
            e.0.starts_with("f.toml:2:9: unknown variant `fatal`"),
            "{e}"
        );
    }

    /// `environment` and `url` are checked where they are written, and a configured URL with
    /// no environment names its place.
    #[test]
    fn environment_and_url_errors_name_their_place() {
        let e = Options::from_toml("environment = \"\"\n", "f.toml").unwrap_err();
        assert!(
            e.0.starts_with("f.toml:1:15: `environment` needs a name"),
            "{e}"
        );
        let e = Options::from_toml("environment = \"p\"\nurl = \"::::\"\n", "f.toml").unwrap_err();
        assert!(
            e.0.starts_with("f.toml:2:7: `url` `::::` has no host name"),
            "{e}"
        );
        let e = Options::from_env(|k| (k == "FACTORY_URL").then(|| "a b".to_owned())).unwrap_err();
        assert!(
            e.0.starts_with("FACTORY_URL: `a b` has no host name"),
            "{e}"
        );
        let e = Options::from_env(|k| {
            (k == "FACTORY_URL").then(|| "https://b\u{fc}cher.de".to_owned())
        })
        .unwrap_err();
        assert!(
            e.0.starts_with(
                "FACTORY_URL: `https://b\u{fc}cher.de` has a host name that is not ASCII"
            ),
            "{e}"
        );
        let none = {
            use clap::{Args, FromArgMatches};
            let cmd = crate::args::ProjectArgs::augment_args(clap::Command::new("t"));
            crate::args::ProjectArgs::from_arg_matches(&cmd.get_matches_from(["t"])).unwrap()
        };
        let file = Options::from_toml("\nurl = \"https://a.example.com\"\n", "f.toml").unwrap();
        let conf = Configuration::combine([file.clone()]).resolve();
        let e = project_defaults(&none, &conf).unwrap_err();
        assert!(
            e.starts_with("f.toml:2:7: `url` needs an environment"),
            "{e}"
        );
        let env = Options::from_env(|k| (k == "FACTORY_ENVIRONMENT").then(|| "staging".to_owned()))
            .unwrap();
        let conf = Configuration::combine([env, file]).resolve();
        let p = project_defaults(&none, &conf).unwrap();
        assert_eq!(
            (p.environment.as_deref(), p.url.as_deref()),
            (Some("staging"), Some("https://a.example.com"))
        );
    }

    #[test]
    fn layers_combine_by_precedence() {
        let file = Options::from_toml(
            "ignore = [\"FC014\"]\nfailure-threshold = \"none\"\nenvironment = \"staging\"\n[severity]\nFC034 = \"info\"\n",
            "f",
        )
        .unwrap();
        let env = Options::from_env(|k| match k {
            "FACTORY_FAILURE_THRESHOLD" => Some("warning".into()),
            "FACTORY_SEVERITY" => Some("FC034=error".into()),
            "FACTORY_IGNORE" => Some("FC015".into()),
            _ => None,
        })
        .unwrap();
        let cli = Options {
            failure_threshold: Some(Threshold::Info),
            ..Options::default()
        };
        let r = Configuration::combine([cli, env, file]).resolve();
        assert_eq!(r.threshold, Threshold::Info);
        assert_eq!(r.environment.as_deref(), Some("staging"));
        assert_eq!(r.filter.ignore, ["FC015", "FC014"]);
        assert_eq!(r.filter.severity, [("FC034".to_owned(), Severity::Error)]);
        assert!(Options::from_env(|_| Some("FC999".into())).is_err());
    }
}
