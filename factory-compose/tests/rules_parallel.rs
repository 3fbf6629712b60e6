//! The rules may share threads on a large project (`Settings::threads`): the report must be the
//! same, finding for finding and in the same order, as on one thread.
#![allow(clippy::disallowed_methods)]

use std::fmt::Write as _;

use factory_compose::{FileKind, ProcessEnv, Settings, SourceFile, SourceMap, lint};

/// `examples/broken` (findings of every rule family) with enough extra services, some of them
/// broken too, that the run is past the size where the rules go parallel.
fn big_broken_project() -> SourceMap {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/broken");
    let read = |name: &str| std::fs::read_to_string(format!("{dir}/{name}")).expect(name);
    let mut compose = read("docker-compose.yml");
    let services = compose.find("\nservices:\n").expect("a services key") + "\nservices:\n".len();
    let mut extra = String::new();
    for i in 0..400 {
        let _ = write!(
            extra,
            "  extra{i}:\n    image: registry.example/app:{i}\n    restart: always\n    expose: [\"80\"]\n    environment:\n      INDEX: \"{i}\"\n      PASSWORD: hunter{i}\n    labels:\n      traefik.enable: 'true'\n      traefik.frontend.rule: Host:x{}.example.com;Pathprefix:/a\n      traefik.port: \"80\"\n",
            i % 7
        );
    }
    compose.insert_str(services, &extra);
    let mut sources = SourceMap::new();
    sources.add(SourceFile::new(
        "docker-compose.yml",
        compose,
        FileKind::Compose,
    ));
    sources.add(SourceFile::new(".env", read(".env"), FileKind::Dotenv));
    sources
}

#[test]
fn parallel_rules_give_the_same_report_as_one_thread() {
    let sources = big_broken_project();
    let process = ProcessEnv::default();
    let one = lint(&sources, &process, &Settings::default());
    let codes: std::collections::BTreeSet<_> = one.diagnostics.iter().map(|d| d.code).collect();
    // The project is broken in many ways, and large enough to be shared between threads.
    assert!(codes.len() >= 20, "{codes:?}");
    assert!(one.diagnostics.len() > 400, "{}", one.diagnostics.len());
    for threads in [2, 3, 8] {
        let settings = Settings {
            threads,
            ..Settings::default()
        };
        let many = lint(&sources, &process, &settings);
        assert_eq!(many.diagnostics, one.diagnostics, "{threads} threads");
    }
}
