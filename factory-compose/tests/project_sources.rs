//! Dockerfiles and `.gitlab-ci.yml` of any content go through `lint` without a panic, and every
//! diagnostic in them points inside the file, on character boundaries.

use factory_compose::{FileKind, ProcessEnv, Settings, SourceFile, SourceMap, lint};
use proptest::prelude::*;

const COMPOSE: &str = "services:\n  app:\n    image: ${CI_REGISTRY_IMAGE}/app:${CI_COMMIT_SHA}\n    volumes: [./data:/data]\n    depends_on: [mysql]\n  mysql:\n    image: mariadb:10.1\n";

fn check(dockerfile: &str, ci: &str) -> Result<(), TestCaseError> {
    let mut sources = SourceMap::new();
    sources.add(SourceFile::new(
        "docker-compose.yml",
        COMPOSE,
        FileKind::Compose,
    ));
    sources.add(SourceFile::new(
        "Dockerfile",
        dockerfile,
        FileKind::Dockerfile,
    ));
    sources.add(SourceFile::new(
        "Dockerfile.app",
        dockerfile,
        FileKind::Dockerfile,
    ));
    sources.add(SourceFile::new(".gitlab-ci.yml", ci, FileKind::GitlabCi));
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
    let mut sources = SourceMap::new();
    sources.add(SourceFile::new(
        "docker-compose.yml",
        COMPOSE,
        FileKind::Compose,
    ));
    sources.add(SourceFile::new(
        "Dockerfile",
        dockerfile,
        FileKind::Dockerfile,
    ));
    sources.add(SourceFile::new(".gitlab-ci.yml", ci, FileKind::GitlabCi));
    let report = lint(&sources, &ProcessEnv::default(), &Settings::default());
    let codes: Vec<_> = report
        .diagnostics
        .iter()
        .map(|d| d.code)
        .filter(|c| c.starts_with("FD") || c.starts_with("FP"))
        .collect();
    assert!(codes.is_empty(), "{codes:?}");
}
