//! Every rule has a fixture (`tests/fixtures/<CODE>.yml`) that triggers it, and an accepted
//! snapshot (`tests/snapshots/<CODE>.snap`) of its diagnostics as users see them (human
//! output, no colour). A fixture's first line may set options:
//! `# factory-test: environment=production process=SV_PRODUCTION_API_KEY=x` (`process=NAME=VALUE`
//! may repeat: the process environment, empty otherwise); a `tests/fixtures/<CODE>.env` beside it
//! is the project's `.env`.
//!
//! A fixture may instead be a project directory `tests/fixtures/<CODE>/`: its
//! `docker-compose.yml` (else `compose.yaml`), `.env`, `Dockerfile`, `Dockerfile.*` and
//! `.gitlab-ci.yml` are read as `factory lint` reads them, and an optional file `options` holds
//! the options (`environment=production`, `project_path=group/project`, `list_files` to give
//! the rules the directory listing, as the CLI does).
#![allow(clippy::disallowed_methods)]

use std::path::{Path, PathBuf};

use factory_compose::report::human::{self, Color};
use factory_compose::rules::registry;
use factory_compose::{FileKind, Mode, ProcessEnv, Report, Settings, SourceFile, SourceMap, lint};

fn dir(sub: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join(sub)
}

fn settings_for(text: &str) -> (Settings, ProcessEnv) {
    let mut settings = Settings::default();
    let mut process = ProcessEnv::default();
    if let Some(opts) = text
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("# factory-test:"))
    {
        apply_options(&mut settings, &mut process, opts, None);
    }
    (settings, process)
}

fn apply_options(
    settings: &mut Settings,
    process: &mut ProcessEnv,
    opts: &str,
    project: Option<&Path>,
) {
    for opt in opts.split_whitespace() {
        match (opt.split_once('='), project) {
            (Some(("process", pair)), _) => {
                let (name, value) = pair
                    .split_once('=')
                    .unwrap_or_else(|| panic!("fixture option `{opt}`: want process=NAME=VALUE"));
                process.vars.push((name.to_owned(), value.to_owned()));
            }
            (Some(("environment", env)), _) => {
                settings.mode = Mode::Deploy {
                    environment: env.to_owned(),
                    url: None,
                }
            }
            (Some(("project_path", path)), _) => settings.project_path = Some(path.to_owned()),
            (None, Some(dir)) if opt == "list_files" => {
                let mut names: Vec<String> = std::fs::read_dir(dir)
                    .expect("fixture directory")
                    .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
                    .filter(|n| n != "options")
                    .collect();
                names.sort();
                settings.project_files = Some(names);
            }
            _ => panic!("unknown fixture option `{opt}`"),
        }
    }
}

/// A project directory fixture, read the way `factory lint` reads a project.
fn lint_project_fixture(code: &str, project: &Path) -> (Report, SourceMap) {
    let mut sources = SourceMap::new();
    let read = |name: &str| std::fs::read_to_string(project.join(name)).expect("fixture file");
    let compose = ["docker-compose.yml", "compose.yaml"]
        .into_iter()
        .find(|n| project.join(n).is_file())
        .unwrap_or_else(|| panic!("{code}: no docker-compose.yml in the fixture directory"));
    sources.add(SourceFile::new(compose, read(compose), FileKind::Compose));
    if project.join(".env").is_file() {
        sources.add(SourceFile::new(".env", read(".env"), FileKind::Dotenv));
    }
    let mut names: Vec<String> = std::fs::read_dir(project)
        .expect("fixture directory")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    for name in &names {
        if name == "Dockerfile" || name.starts_with("Dockerfile.") {
            sources.add(SourceFile::new(
                name.clone(),
                read(name),
                FileKind::Dockerfile,
            ));
        }
    }
    if project.join(".gitlab-ci.yml").is_file() {
        sources.add(SourceFile::new(
            ".gitlab-ci.yml",
            read(".gitlab-ci.yml"),
            FileKind::GitlabCi,
        ));
    }
    let mut settings = Settings::default();
    let mut process = ProcessEnv::default();
    if project.join("options").is_file() {
        apply_options(&mut settings, &mut process, &read("options"), Some(project));
    }
    let report = lint(&sources, &process, &settings);
    (report, sources)
}

fn has_fixture(code: &str) -> bool {
    dir("fixtures").join(format!("{code}.yml")).is_file() || dir("fixtures").join(code).is_dir()
}

fn lint_fixture(code: &str) -> (Report, SourceMap) {
    let project = dir("fixtures").join(code);
    if project.is_dir() {
        return lint_project_fixture(code, &project);
    }
    let path = dir("fixtures").join(format!("{code}.yml"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{code}: no fixture {}: {e}", path.display()));
    let mut sources = SourceMap::new();
    sources.add(SourceFile::new(
        format!("{code}.yml"),
        text.clone(),
        FileKind::Compose,
    ));
    let dotenv = dir("fixtures").join(format!("{code}.env"));
    if dotenv.is_file() {
        let env_text = std::fs::read_to_string(&dotenv).expect("fixture .env");
        sources.add(SourceFile::new(
            format!("{code}.env"),
            env_text,
            FileKind::Dotenv,
        ));
    }
    let (settings, process) = settings_for(&text);
    let report = lint(&sources, &process, &settings);
    (report, sources)
}

#[test]
fn every_rule_has_a_fixture_and_a_snapshot() {
    let mut missing = Vec::new();
    for rule in registry::all() {
        if !has_fixture(rule.code) {
            missing.push(format!(
                "{}: fixture tests/fixtures/{}.yml (or a project directory tests/fixtures/{}/)",
                rule.code, rule.code, rule.code
            ));
        }
        if !dir("snapshots")
            .join(format!("{}.snap", rule.code))
            .is_file()
        {
            missing.push(format!(
                "{}: snapshot tests/snapshots/{}.snap",
                rule.code, rule.code
            ));
        }
    }
    assert!(missing.is_empty(), "missing:\n{}", missing.join("\n"));
}

#[test]
fn every_fixture_triggers_its_rule_and_matches_its_snapshot() {
    for rule in registry::all() {
        if !has_fixture(rule.code) {
            continue; // reported by the test above
        }
        let (report, sources) = lint_fixture(rule.code);
        let own: Vec<_> = report
            .diagnostics
            .iter()
            .filter(|d| d.code == rule.code)
            .cloned()
            .collect();
        assert!(
            !own.is_empty(),
            "{}: the fixture does not trigger the rule; it reported {:?}",
            rule.code,
            report
                .diagnostics
                .iter()
                .map(|d| d.code)
                .collect::<Vec<_>>()
        );
        let own = Report { diagnostics: own };
        let rendered = human::render(&own, &sources, Color::Never, 1);
        insta::with_settings!({
            snapshot_path => dir("snapshots"),
            prepend_module_to_snapshot => false,
            omit_expression => true,
            description => format!("{} ({}): {}", rule.code, rule.name, rule.summary),
        }, {
            insta::assert_snapshot!(rule.code, rendered);
        });
    }
}
