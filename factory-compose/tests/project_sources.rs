//! Dockerfiles and `.gitlab-ci.yml` of any content go through `lint` without a panic, and every
//! diagnostic in them points inside the file, on character boundaries.

mod support;

use factory_compose::{FileKind, ProcessEnv, Settings, SourceFile, SourceMap, lint};
use proptest::prelude::*;

const COMPOSE: &str = "services:\n  app:\n    image: ${CI_REGISTRY_IMAGE}/app:${CI_COMMIT_SHA}\n    volumes: [./data:/data]\n    depends_on: [mysql]\n  mysql:\n    image: mariadb:10.1\n";

/// The project of [`COMPOSE`] with a `Dockerfile` (and the same `Dockerfile.app` when `app`)
/// and a `.gitlab-ci.yml`.
fn project(dockerfile: &str, app: bool, ci: &str) -> SourceMap {
    let mut sources = SourceMap::new();
    sources.add(SourceFile::new(
        "docker-compose.yml",
        COMPOSE,
        FileKind::Compose,
    ));
    let names: &[&str] = if app {
        &["Dockerfile", "Dockerfile.app"]
    } else {
        &["Dockerfile"]
    };
    for name in names {
        sources.add(SourceFile::new(*name, dockerfile, FileKind::Dockerfile));
    }
    sources.add(SourceFile::new(".gitlab-ci.yml", ci, FileKind::GitlabCi));
    sources
}

fn check(dockerfile: &str, ci: &str) -> Result<(), TestCaseError> {
    let sources = project(dockerfile, true, ci);
    let settings = Settings {
        project_files: Some(vec!["Dockerfile".to_owned()]),
        project_path: Some("é".repeat(40)),
        ..Settings::default()
    };
    let report = lint(&sources, &ProcessEnv::default(), &settings);
    for d in &report.diagnostics {
        for label in d.primary.iter().chain(&d.secondary) {
            let text = &sources.get(label.location.file).text;
            let r = label.location.span.range();
            prop_assert!(r.start <= r.end && r.end <= text.len(), "{d:?}");
            prop_assert!(
                text.is_char_boundary(r.start) && text.is_char_boundary(r.end),
                "{d:?}"
            );
        }
    }
    Ok(())
}

proptest! {
    #[test]
    fn any_dockerfile_and_ci_file(
        dockerfile in "(?s)\\PC{0,300}|([A-Za-zé ]{0,8}(FROM|USER|ARG|RUN|VOLUME|ENV|from|user)[ A-Za-z0-9_${}:=\\\\`é\\[\\]\"-]{0,30}\n){0,12}",
        ci in "(?s)\\PC{0,200}|([a-z_]{1,8}:\n  (environment: prod|when: manual|only: \\[master\\]|extends: [.a-z]{1,3}|rules: \\[\\{if: x\\}\\]|script: \\[docker build -f Dockerfile.app -t \\$CI_REGISTRY_IMAGE/app .\\])\n){0,8}",
    ) {
        check(&dockerfile, &ci)?;
    }
}

#[test]
fn the_manuals_files_give_no_dockerfile_or_ci_diagnostic() {
    let dockerfile = "FROM bearstech/python:3\nARG uid=1001\nRUN useradd factory_hello --uid ${uid} --shell /bin/bash --home /home/factory_hello\nUSER factory_hello\n";
    let ci = "production:\n    stage: production\n    environment:\n        name: production\n    script:\n        - deploy-master production-server\n    when: manual\n    only:\n        - master\n";
    let sources = project(dockerfile, false, ci);
    let report = lint(&sources, &ProcessEnv::default(), &Settings::default());
    let codes: Vec<_> = report
        .diagnostics
        .iter()
        .map(|d| d.code)
        .filter(|c| c.starts_with("FD") || c.starts_with("FP"))
        .collect();
    assert!(codes.is_empty(), "{codes:?}");
}

const DOCKERFILE: &str = "FROM bearstech/python:3\nUSER app\n";

/// The findings in `.gitlab-ci.yml` of [`project`]: code, line and column, message.
fn ci_findings(ci: &str) -> Vec<(&'static str, usize, usize, String)> {
    let sources = project(DOCKERFILE, false, ci);
    let report = lint(&sources, &ProcessEnv::default(), &Settings::default());
    report
        .diagnostics
        .iter()
        .filter_map(|d| {
            let at = d.primary.as_ref()?.location;
            let file = sources.get(at.file);
            (file.name == ".gitlab-ci.yml").then(|| {
                let at = file.line_col(at.span.start);
                (d.code, at.line, at.column, d.message.clone())
            })
        })
        .collect()
}

#[test]
fn a_ci_file_that_is_not_yaml_is_fc001_at_the_parsers_position() {
    let found = ci_findings("production:\n  script: \"deploy\n  environment: production\n");
    assert_eq!(found.len(), 1, "{found:?}");
    let (code, line, column, message) = &found[0];
    assert_eq!((*code, *line, *column), ("FC001", 2, 11), "{message}");
    assert!(message.starts_with("invalid YAML: "), "{message}");
}

#[test]
fn a_ci_file_past_a_yaml_budget_is_fc004() {
    let ci = support::billion_laughs("build:\n  script: *i\n");
    let found = ci_findings(&ci);
    let codes: Vec<_> = found.iter().map(|f| f.0).collect();
    assert_eq!(codes, ["FC004"], "{found:?}");
    let deep = format!("a: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
    let codes: Vec<_> = ci_findings(&deep).iter().map(|f| f.0).collect();
    assert_eq!(codes, ["FC004"]);
}

#[test]
fn gitlabs_own_tag_is_no_finding() {
    let ci = ".setup:\n  script: [echo]\nbuild:\n  script:\n    - !reference [.setup, script]\n";
    assert_eq!(ci_findings(ci), []);
}

#[test]
fn a_key_written_twice_in_a_ci_file_is_read_as_gitlab_reads_it() {
    // Ruby's YAML library keeps the last of equal keys: this job deploys by hand.
    let ci = "prod:\n  environment: production\n  when: on_success\n  only: [master]\n  when: manual\n  script: [deploy]\n";
    let found = ci_findings(ci);
    let codes: Vec<_> = found.iter().map(|f| (f.0, f.1, f.2)).collect();
    assert_eq!(codes, [("FC003", 5, 3)], "{found:?}");
    assert!(
        found[0].3.ends_with("GitLab reads the last one"),
        "{found:?}"
    );
    let sources = project(DOCKERFILE, false, ci);
    let report = lint(&sources, &ProcessEnv::default(), &Settings::default());
    let fc003 = report.diagnostics.iter().find(|d| d.code == "FC003");
    assert_eq!(
        fc003.map(|d| d.severity),
        Some(factory_compose::Severity::Warning)
    );
    // The job defined twice: its last definition deploys automatically, and FP003 points at it.
    let twice = "prod:\n  environment: production\n  when: manual\n  only: [master]\n  script: [deploy]\nprod:\n  environment: production\n  script: [deploy]\n";
    let codes: Vec<_> = ci_findings(twice).iter().map(|f| (f.0, f.1)).collect();
    assert_eq!(codes, [("FC003", 6), ("FP003", 6)]);
}

#[test]
fn a_broken_ci_file_does_not_stop_config() {
    let sources = project(DOCKERFILE, false, "a: [\n");
    let settings = Settings::default();
    let loaded = factory_compose::load(&sources, &ProcessEnv::default(), &settings);
    let errors: Vec<_> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.severity == factory_compose::Severity::Error)
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    assert!(factory_compose::compose_refusals(&loaded, &sources, &settings).is_empty());
}
