//! FM rules' advice fits the project it is given for.

use factory_compose::{FileKind, ProcessEnv, Settings, SourceFile, SourceMap, lint};

/// Two Redis containers: both cannot be renamed `redis`, and the help says so instead of
/// telling each one to take the name.
#[test]
fn two_databases_of_one_kind_are_not_both_told_to_take_the_managed_name() {
    let compose = "services:\n  db:\n    image: redis:7\n  cache:\n    image: redis:7\n";
    let mut sources = SourceMap::new();
    sources.add(SourceFile::new("c.yml", compose, FileKind::Compose));
    let report = lint(&sources, &ProcessEnv::default(), &Settings::default());
    let helps: Vec<&str> = report
        .diagnostics
        .iter()
        .filter(|d| d.code == "FM001")
        .filter_map(|d| d.help.as_deref())
        .collect();
    assert_eq!(helps.len(), 2, "{helps:?}");
    assert!(
        helps[0].starts_with("`cache` runs a Redis too"),
        "{helps:?}"
    );
    assert!(helps[1].starts_with("`db` runs a Redis too"), "{helps:?}");
    // Alone, it is told to take the name.
    let mut sources = SourceMap::new();
    sources.add(SourceFile::new(
        "c.yml",
        "services:\n  db:\n    image: redis:7\n",
        FileKind::Compose,
    ));
    let report = lint(&sources, &ProcessEnv::default(), &Settings::default());
    let help = report
        .diagnostics
        .iter()
        .find(|d| d.code == "FM001")
        .and_then(|d| d.help.as_deref());
    assert!(
        help.is_some_and(|h| h.starts_with("rename the service to `redis`")),
        "{help:?}"
    );
}
