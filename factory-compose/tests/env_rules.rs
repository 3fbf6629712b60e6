//! FE rules: one problem, one diagnostic (SPEC §6), across rules that look at the same thing.

use factory_compose::{FileKind, Mode, ProcessEnv, Settings, SourceFile, SourceMap, lint};

fn codes(compose: &str, process: &[(&str, &str)], environment: Option<&str>) -> Vec<String> {
    let mut sources = SourceMap::new();
    sources.add(SourceFile::new("c.yml", compose, FileKind::Compose));
    let process = ProcessEnv {
        vars: process
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
    };
    let settings = Settings {
        mode: environment.map_or(Mode::Dev, |e| Mode::Deploy {
            environment: e.to_owned(),
            url: None,
        }),
        ..Settings::default()
    };
    lint(&sources, &process, &settings)
        .diagnostics
        .iter()
        .filter(|d| d.code.starts_with("FE") || d.code == "FC003")
        .map(|d| d.code.to_owned())
        .collect()
}

fn service_env(env: &str) -> String {
    format!("services:\n  app:\n    image: app:1.0\n    environment:\n{env}")
}

#[test]
fn a_miscased_secret_used_without_default_is_fe007_only() {
    let compose = service_env("      X: ${X}\n");
    assert_eq!(
        codes(&compose, &[("SV_production_X", "v")], Some("production")),
        ["FE007"]
    );
    // With a default FE007 is silent, so FE006 says it.
    let compose = service_env("      X: ${X:-none}\n");
    assert_eq!(
        codes(&compose, &[("SV_production_X", "v")], Some("production")),
        ["FE006"]
    );
    // In development the name is still malformed.
    assert_eq!(
        codes(&compose, &[("SV_production_X", "v")], None),
        ["FE006"]
    );
}

#[test]
fn a_secret_of_another_environment_is_reported_once() {
    let used = service_env("      Y: ${Y}\n");
    assert_eq!(
        codes(&used, &[("SV_STAGING_Y", "v")], Some("production")),
        ["FE007"]
    );
    let defaulted = service_env("      Y: ${Y:-}\n");
    assert_eq!(
        codes(&defaulted, &[("SV_STAGING_Y", "v")], Some("production")),
        ["FE006"]
    );
    assert_eq!(
        codes(
            &defaulted,
            &[("SV_STAGING_Y", "v"), ("SV_PRODUCTION_Y", "w")],
            Some("production")
        ),
        Vec::<String>::new()
    );
}

#[test]
fn duplicate_map_keys_are_fc003_not_fe010() {
    let compose = service_env("      A: '1'\n      A: '2'\n");
    assert_eq!(codes(&compose, &[], None), ["FC003"]);
    let compose = service_env("      - A=1\n      - A=2\n");
    assert_eq!(codes(&compose, &[], None), ["FE010"]);
}

#[test]
fn nameless_items_are_fe009_not_fe010() {
    let compose = service_env("      - =a\n      - =b\n");
    assert_eq!(codes(&compose, &[], None), ["FE009", "FE009"]);
}

#[test]
fn an_inherited_list_is_reported_once() {
    let compose = "x-base: &base
  image: app:1.0
  environment:
    - A=1
    - A=2
    - =x
    - DB_PASSWORD=hunter2
services:
  one:
    <<: *base
  two:
    <<: *base
";
    let mut found = codes(compose, &[], None);
    found.sort();
    assert_eq!(found, ["FE008", "FE009", "FE010"]);
}

#[test]
fn syntax_errors_are_fe001_not_fe011() {
    let compose = service_env("      A: ${B:-x\n      C: 5$\n");
    assert_eq!(codes(&compose, &[], None), ["FE001", "FE011"]);
}

mod arbitrary {
    use super::*;
    use proptest::prelude::*;

    fn value() -> impl Strategy<Value = String> {
        proptest::string::string_regex(r##"[A-Za-z_ =$\{\}:?+\-'"#é\\]{0,16}"##).expect("regex")
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Arbitrary `.env` text, environment items and values: no panic, every span on a char
        /// boundary of its file.
        #[test]
        fn fe_rules_survive_anything(
            dotenv in proptest::collection::vec((value(), value()), 0..6),
            items in proptest::collection::vec(value(), 0..6),
            export in any::<bool>(),
            deploy in any::<bool>(),
        ) {
            let dotenv: String = dotenv
                .iter()
                .map(|(k, v)| format!("{}{k}={v}\n", if export { "export " } else { "" }))
                .collect();
            let env: String = items
                .iter()
                .map(|i| format!("      - '{}'\n", i.replace('\'', "''")))
                .collect();
            let compose = format!("services:\n  app:\n    image: app:1.0\n    environment:\n{env}");
            let mut sources = SourceMap::new();
            sources.add(SourceFile::new("c.yml", compose.as_str(), FileKind::Compose));
            sources.add(SourceFile::new(".env", dotenv.as_str(), FileKind::Dotenv));
            let process = ProcessEnv {
                vars: vec![("SV_prod_A".into(), "é".into()), ("SV_STAGING_B".into(), "x".into())],
            };
            let settings = Settings {
                mode: if deploy {
                    Mode::Deploy { environment: "prod".into(), url: None }
                } else {
                    Mode::Dev
                },
                ..Settings::default()
            };
            let report = lint(&sources, &process, &settings);
            for d in &report.diagnostics {
                for label in d.primary.iter().chain(&d.secondary) {
                    let text = &sources.get(label.location.file).text;
                    let r = label.location.span.range();
                    prop_assert!(
                        text.is_char_boundary(r.start) && text.is_char_boundary(r.end) && r.start <= r.end,
                        "{} {:?} in {:?}", d.code, r, text
                    );
                }
            }
        }
    }
}

/// FE005's fixes, applied to the `.env` as an editor would: the file still parses to the same
/// values, and linting it again finds no FE005 where a fix was offered.
#[test]
fn fe005_fixes_apply_and_relint_clean() {
    let dotenv = "export A=1\nB=\"two words\"\n  export  C='x'\nD=\"a #b\"\n";
    let (_, report) = lint_with_dotenv(dotenv.to_owned());
    let mut edits: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.code == "FE005")
        .filter_map(|d| d.fix.as_ref())
        .flat_map(|f| f.edits.iter())
        .collect();
    assert_eq!(edits.len(), 4, "export A, B's quotes, export C, C's quotes");
    edits.sort_by_key(|e| std::cmp::Reverse(e.location.span.start));
    let mut fixed = dotenv.to_owned();
    for e in edits {
        fixed.replace_range(e.location.span.range(), &e.replacement);
    }
    assert_eq!(fixed, "A=1\nB=two words\n  C=x\nD=\"a #b\"\n");
    let values = |text: &str| {
        factory_env::dotenv::parse(text, &())
            .expect("valid .env")
            .into_iter()
            .map(|e| (e.key, e.value))
            .collect::<Vec<_>>()
    };
    assert_eq!(values(dotenv), values(&fixed));
    let again: Vec<_> = lint_with_dotenv(fixed)
        .1
        .diagnostics
        .iter()
        .filter(|d| d.code == "FE005")
        .map(|d| d.fix.is_some())
        .collect();
    assert_eq!(again, [false], "only D's quotes remain, without a fix");
}

/// A quoted value of several lines has no unquoted form: FE005 offers no fix and its help does
/// not tell to remove the quotes.
#[test]
fn fe005_on_a_value_of_several_lines_does_not_say_to_unquote_it() {
    // (the .env, whether the help speaks of several lines, of writing it without quotes, and
    // whether a fix is offered)
    let cases = [
        ("KEY=\"one\ntwo\"\n", true, false, false),
        ("KEY='one\r\ntwo'\n", true, false, false),
        ("KEY=\"a #b\"\n", false, true, false),
        ("KEY=\"one two\"\n", false, false, true),
    ];
    for (dotenv, several, without_quotes, fixed) in cases {
        let (_, report) = lint_with_dotenv(dotenv.to_owned());
        let fe005: Vec<_> = report
            .diagnostics
            .iter()
            .filter(|d| d.code == "FE005")
            .collect();
        assert_eq!(fe005.len(), 1, "{dotenv:?}");
        let help = fe005[0].help.as_deref().unwrap_or_default();
        assert_eq!(
            help.contains("several lines"),
            several,
            "{dotenv:?}: {help}"
        );
        assert_eq!(
            help.contains("without quotes"),
            without_quotes,
            "{dotenv:?}: {help}"
        );
        assert_eq!(fe005[0].fix.is_some(), fixed, "{dotenv:?}");
    }
}

/// A bare `- NAME` item takes the variable from where `docker compose` runs: deployed, only the
/// platform's variables (SPEC §4). One it does not give is FE007 at the item; the mail and
/// metrics variables a bare item names are given (the item declares their use).
#[test]
fn a_bare_item_the_platform_does_not_give_is_fe007_when_deployed() {
    let compose = service_env(
        "      - API_URL\n      - X_TOKEN\n      - MAILS_TOKEN\n      - INFLUXDB_DOMAIN\n      - CI_ENVIRONMENT_NAME\n",
    );
    assert_eq!(codes(&compose, &[], Some("production")), ["FE007", "FE007"]);
    // `X_TOKEN` set in CI is given; in development a bare item is no finding (Compose leaves
    // an unset one out without a word).
    assert_eq!(
        codes(&compose, &[("X_TOKEN", "t")], Some("production")),
        ["FE007"]
    );
    assert_eq!(codes(&compose, &[], None), Vec::<String>::new());
    // `NAME:` with no value reads the variable the same way.
    let mapping = service_env("      API_URL:\n      MAILS_TOKEN:\n");
    assert_eq!(codes(&mapping, &[], Some("production")), ["FE007"]);
}

/// FE010 in every file of a merge: merged (list onto mapping, or list onto list), a list keeps
/// one item per name, so each file's repeats are found in the file, once.
#[test]
fn repeated_items_are_found_in_each_merged_file() {
    use factory_compose::{FileKind, ProcessEnv, Settings, SourceFile, SourceMap, lint};
    let base_map = "services:\n  web:\n    image: registry.example/web:1.0\n    environment:\n      A: \"1\"\n";
    let base_list = "services:\n  web:\n    image: registry.example/web:1.0\n    environment:\n      - A=1\n      - A=2\n";
    let over = "services:\n  web:\n    environment:\n      - B=1\n      - B=2\n";
    for (base, expected) in [
        (base_map, vec![("over.yml", 5)]),
        (base_list, vec![("base.yml", 6), ("over.yml", 5)]),
    ] {
        let mut sources = SourceMap::new();
        sources.add(SourceFile::new("base.yml", base, FileKind::Compose));
        sources.add(SourceFile::new("over.yml", over, FileKind::Compose));
        let report = lint(&sources, &ProcessEnv::default(), &Settings::default());
        let found: Vec<(&str, usize)> = report
            .diagnostics
            .iter()
            .filter(|d| d.code == "FE010")
            .filter_map(|d| d.primary.as_ref())
            .map(|p| {
                let f = sources.get(p.location.file);
                (f.name.as_str(), f.line_col(p.location.span.start).line)
            })
            .collect();
        assert_eq!(found, expected, "{:?}", report.diagnostics);
    }
}

/// A `${VAR:?message}` that fails in `.env` is FE003, as in a compose file, not a syntax error
/// of the file (FE004).
#[test]
fn a_failing_required_variable_in_dotenv_is_fe003() {
    let (sources, report) = lint_with_dotenv("A=1\nB=${REQ:?needed}\n".to_owned());
    let found: Vec<(&str, usize)> = report
        .diagnostics
        .iter()
        .filter(|d| d.code.starts_with("FE00"))
        .filter_map(|d| {
            let p = d.primary.as_ref()?;
            Some((
                d.code,
                sources
                    .get(p.location.file)
                    .line_col(p.location.span.start)
                    .line,
            ))
        })
        .collect();
    assert_eq!(found, [("FE003", 2)], "{:?}", report.diagnostics);
}

/// A `.env` error quotes what the parser read, which may be a whole long line: the message
/// keeps its first 240 characters (a line of 100 000 NUL bytes made a 100 KB message).
#[test]
fn a_dotenv_error_message_stays_short() {
    let (_, report) = lint_with_dotenv(format!("{}\n", "\0".repeat(100_000)));
    let fe004 = report
        .diagnostics
        .iter()
        .find(|d| d.code == "FE004")
        .expect("FE004");
    assert!(
        fe004.message.chars().count() <= 241,
        "{}",
        fe004.message.len()
    );
}

/// `lint` of a one-service compose file with `dotenv` as its `.env`, and the sources.
fn lint_with_dotenv(dotenv: String) -> (factory_compose::SourceMap, factory_compose::Report) {
    use factory_compose::{FileKind, ProcessEnv, Settings, SourceFile, SourceMap, lint};
    let mut sources = SourceMap::new();
    sources.add(SourceFile::new(
        "docker-compose.yml",
        "services:\n  web:\n    image: registry.example/web:1.0\n",
        FileKind::Compose,
    ));
    sources.add(SourceFile::new(".env", dotenv, FileKind::Dotenv));
    let report = lint(&sources, &ProcessEnv::default(), &Settings::default());
    (sources, report)
}

/// A value that is wrong only once an unset variable became an empty string gets one error,
/// which names the variable and says how to set it; the FE002 of that variable there is not
/// reported besides (laradock's `- ${MYSQL_ENTRYPOINT_INITDB}:/docker-entrypoint-initdb.d`
/// gave FC026 and FE002 at one place). FE002 stays for a value that is fine empty.
#[test]
fn an_unset_variable_that_breaks_a_value_is_named_in_the_error() {
    let compose = "services:\n  app:\n    image: app:1.0\n    read_only: ${RO}\n    volumes:\n      - ${A}${B}:/x\n    environment:\n      X: ${X}\n";
    let mut sources = SourceMap::new();
    sources.add(SourceFile::new("c.yml", compose, FileKind::Compose));
    let report = lint(&sources, &ProcessEnv::default(), &Settings::default());
    let found: Vec<(&str, &str, Option<&str>)> = report
        .diagnostics
        .iter()
        .filter(|d| matches!(d.code, "FE002" | "FC020" | "FC026"))
        .map(|d| (d.code, d.message.as_str(), d.help.as_deref()))
        .collect();
    assert_eq!(
        found,
        [
            (
                "FC020",
                "`services.app.read_only` must be a boolean, not a string (`RO` is not set, and Compose substitutes an empty string for it)",
                Some("set `RO` in `.env` or the environment, or write `${RO:-default}`"),
            ),
            (
                "FC026",
                "invalid volume `:/x`: the source before `:` is empty (`A` and `B` are not set, and Compose substitutes an empty string for each)",
                Some(
                    "set `A` and `B` in `.env` or the environment, or give each a default (`${A:-default}`)"
                ),
            ),
            (
                "FE002",
                "`X` is not set: Compose substitutes an empty string",
                Some("set `X` in `.env` or the environment, or write `${X:-default}`"),
            ),
        ]
    );
    // Set, the value is fine: no error, no FE002.
    let process = ProcessEnv {
        vars: [("RO", "true"), ("A", "./a"), ("B", "b"), ("X", "x")]
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
    };
    let report = lint(&sources, &process, &Settings::default());
    assert!(
        !report
            .diagnostics
            .iter()
            .any(|d| matches!(d.code, "FE002" | "FC020" | "FC026")),
        "{:?}",
        report.diagnostics
    );
}

/// A bare `- X` item takes the variable from where Compose runs: deployed, FE007 says why it is
/// not set (a mis-cased secret, a secret of another environment), and FE006 does not say it
/// again (both fired on the one item).
#[test]
fn a_bare_item_of_a_misconfigured_secret_is_fe007_only() {
    for env in ["      - X\n", "      X:\n"] {
        let compose = service_env(env);
        assert_eq!(
            codes(&compose, &[("SV_production_X", "v")], Some("production")),
            ["FE007"],
            "{env}"
        );
        assert_eq!(
            codes(&compose, &[("SV_STAGING_X", "v")], Some("production")),
            ["FE007"],
            "{env}"
        );
    }
}

/// Only an error about emptiness takes the FE002 in: `${HOST_IP}:abc:80` is wrong whatever
/// `HOST_IP` is, so its error keeps its own words and FE002 stays. A silenced or ignored error
/// gives its FE002 back.
#[test]
fn an_unset_variable_is_folded_only_into_an_error_it_causes() {
    let codes_of = |compose: &str, filter: Option<&factory_compose::suppress::Filter>| {
        let mut sources = SourceMap::new();
        sources.add(SourceFile::new("c.yml", compose, FileKind::Compose));
        let report = lint(&sources, &ProcessEnv::default(), &Settings::default());
        let report = match filter {
            Some(f) => f.apply(report, &sources),
            None => report,
        };
        report
            .diagnostics
            .iter()
            .filter(|d| d.code.starts_with("FE") || d.code == "FC020")
            .map(|d| (d.code, d.message.contains("is not set, and Compose")))
            .collect::<Vec<_>>()
    };
    let ports = "services:\n  app:\n    image: app:1.0\n    ports: [\"${HOST_IP}:abc:80\"]\n";
    assert_eq!(codes_of(ports, None), [("FC020", false), ("FE002", false)]);
    let read_only = "services:\n  app:\n    image: app:1.0\n    read_only: ${RO}\n";
    assert_eq!(codes_of(read_only, None), [("FC020", true)]);
    let silenced =
        "services:\n  app:\n    image: app:1.0\n    read_only: ${RO} # factory: ignore=FC020\n";
    assert_eq!(codes_of(silenced, None), [("FE002", false)]);
    let ignore = factory_compose::suppress::Filter {
        ignore: vec!["FC020".to_owned()],
        ..factory_compose::suppress::Filter::default()
    };
    assert_eq!(codes_of(read_only, Some(&ignore)), [("FE002", false)]);
    // Inherited through `<<`: each service's error (at its `<<` line) names the variable.
    let inherited = "x-c: &c\n  image: app:1.0\n  read_only: ${RO}\nservices:\n  a:\n    <<: *c\n  b:\n    <<: *c\n";
    assert_eq!(
        codes_of(inherited, None),
        [("FC020", true), ("FC020", true)]
    );
}
