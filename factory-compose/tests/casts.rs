//! Strings where Compose's schema wants a number or a boolean: Compose v2.40.3 casts them
//! (compose-go `interpolateTypeCastMapping`: `strconv.Atoi`, `toBoolean`) and refuses the file
//! only when the cast fails. Each case was run with `docker compose config`.

use factory_compose::{FileKind, ProcessEnv, Settings, SourceFile, SourceMap, lint};

const HC: &str = "services:\n  a:\n    image: x:1\n    healthcheck:\n      test: [CMD, \"true\"]\n";

/// (service keys appended to `HC`, the code expected or `None`, Compose's answer)
const CASES: &[(&str, Option<&str>, &str)] = &[
    ("      retries: \"3\"\n", None, "retries: 3"),
    ("      retries: \"+3\"\n", None, "retries: 3"),
    (
        "      retries: \"-2\"\n",
        Some("FC025"),
        "'services[a].healthcheck.retries' cannot parse value as 'uint64': -2 overflows uint",
    ),
    (
        "      retries: -2\n",
        Some("FC025"),
        "'services[a].healthcheck.retries' cannot parse value as 'uint64': -2 overflows uint",
    ),
    (
        "      retries: \"x3\"\n",
        Some("FC025"),
        "failed to cast to expected type: strconv.Atoi: parsing \"x3\": invalid syntax",
    ),
    ("      disable: \"false\"\n", None, "accepted"),
    (
        "      disable: \"Yes\"\n",
        None,
        "disable: true (with a YAML 1.2 warning)",
    ),
    (
        "      disable: \"1\"\n",
        Some("FC025"),
        "failed to cast to expected type: invalid boolean: 1",
    ),
    ("    read_only: \"true\"\n", None, "read_only: true"),
    (
        "    read_only: \"off\"\n",
        None,
        "accepted (with a YAML 1.2 warning)",
    ),
    (
        "    read_only: \"1\"\n",
        Some("FC020"),
        "failed to cast to expected type: invalid boolean: 1",
    ),
    (
        "    tty: \"0\"\n",
        Some("FC020"),
        "failed to cast to expected type: invalid boolean: 0",
    ),
];

#[test]
fn strings_compose_casts_are_accepted_and_failed_casts_reported() {
    let mut failures = Vec::new();
    for (more, expected, compose) in CASES {
        let text = format!("{HC}{more}");
        let mut sources = SourceMap::new();
        sources.add(SourceFile::new(
            "compose.yml",
            text.as_str(),
            FileKind::Compose,
        ));
        let report = lint(&sources, &ProcessEnv::default(), &Settings::default());
        let codes: Vec<&str> = report
            .diagnostics
            .iter()
            .map(|d| d.code)
            .filter(|c| matches!(*c, "FC020" | "FC025"))
            .collect();
        let ok = match expected {
            Some(code) => codes == [*code],
            None => codes.is_empty(),
        };
        if !ok {
            failures.push(format!(
                "{more:?} (Compose: {compose}): expected {expected:?}, got {codes:?}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
