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

/// Past the budget of findings (`Limits::max_diagnostics`), the threads took from one budget in
/// whatever order they ran: the findings kept changed from run to run and with the number of
/// threads. They are the first in rule order, as on one thread.
#[test]
fn past_the_budget_the_threads_keep_what_one_thread_keeps() {
    let sources = big_broken_project();
    let process = ProcessEnv::default();
    let all = lint(&sources, &process, &Settings::default())
        .diagnostics
        .len();
    for limit in [all / 3, all / 2, all - 10] {
        let mut one = Settings::default();
        one.limits.max_diagnostics = limit;
        let first = lint(&sources, &process, &one);
        // The last finding says how many were not kept.
        let last = first.diagnostics.last().expect("findings");
        assert_eq!(last.code, "FC004", "{last:?}");
        // (Fewer when findings repeated at one place are one, or one takes another in.)
        assert!(first.diagnostics.len() <= limit + 1);
        for threads in [2, 3, 8] {
            for run in 0..5 {
                let settings = Settings {
                    threads,
                    ..one.clone()
                };
                let many = lint(&sources, &process, &settings);
                let differ =
                    (many.diagnostics.iter().zip(&first.diagnostics)).position(|(a, b)| a != b);
                assert!(
                    differ.is_none() && many.diagnostics.len() == first.diagnostics.len(),
                    "limit {limit}, {threads} threads, run {run}: finding {differ:?} differs, {} against {} findings",
                    many.diagnostics.len(),
                    first.diagnostics.len()
                );
            }
        }
    }
}
