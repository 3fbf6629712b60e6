//! Every budget that stops input from blowing up, tested at its limit and just past it, through
//! the whole `lint` pipeline where a rule reports it (FC004 for the YAML tree, FE001 for
//! templates) and through the leaf crate's API where the rule family is not wired yet (regex size
//! in factory-route, the cron search horizon in factory-cron).

use factory_compose::yaml::Limits;
use factory_compose::{
    Diagnostic, FileKind, ProcessEnv, Report, Settings, SourceFile, SourceMap, lint,
};

fn lint_with(text: String, settings: &Settings) -> Report {
    let mut sources = SourceMap::new();
    sources.add(SourceFile::new(
        "docker-compose.yml",
        text,
        FileKind::Compose,
    ));
    lint(&sources, &ProcessEnv::default(), settings)
}

fn find<'a>(report: &'a Report, code: &str) -> Option<&'a Diagnostic> {
    report.diagnostics.iter().find(|d| d.code == code)
}

fn text_of(d: &Diagnostic) -> String {
    format!("{} | {}", d.message, d.help.clone().unwrap_or_default())
}

/// A valid project whose `x-deep` value is `levels` nested flow sequences.
fn nested_sequences(levels: usize) -> String {
    format!(
        "services:\n  app:\n    image: nginx:1\nx-deep: {}{}\n",
        "[".repeat(levels),
        "]".repeat(levels)
    )
}

/// A valid project whose `x-deep` value is `levels` nested block sequences (`- - - x`).
fn nested_block_sequences(levels: usize) -> String {
    format!(
        "services:\n  app:\n    image: nginx:1\nx-deep: {}x\n",
        "- ".repeat(levels).replacen("- ", "\n  - ", 1)
    )
}

#[test]
fn yaml_depth_budget_is_exact_at_256_levels() {
    let settings = Settings::default();
    assert_eq!(settings.limits.max_depth, 256);
    // The root mapping is level 1: 255 nested block sequences under it reach 256.
    let at = lint_with(nested_block_sequences(255), &settings);
    assert!(find(&at, "FC004").is_none(), "{:?}", at.diagnostics);
    let past = lint_with(nested_block_sequences(256), &settings);
    let d = find(&past, "FC004").expect("FC004 past the depth limit");
    assert!(
        text_of(d).contains("256 levels"),
        "the message names the limit: {}",
        text_of(d)
    );
}

#[test]
fn yaml_flow_depth_budget_is_saphyrs_255_levels() {
    let settings = Settings::default();
    let at = lint_with(nested_sequences(255), &settings);
    assert!(find(&at, "FC004").is_none(), "{:?}", at.diagnostics);
    let past = lint_with(nested_sequences(256), &settings);
    let d = find(&past, "FC004").expect("FC004 past the flow depth limit");
    assert!(
        text_of(d).contains("255 levels"),
        "the message names the limit: {}",
        text_of(d)
    );
}

/// `count` aliases to a one-node anchor.
fn aliases(count: usize) -> String {
    format!(
        "services:\n  app:\n    image: nginx:1\nx-a: &a 1\nx-list: [{}]\n",
        vec!["*a"; count].join(", ")
    )
}

#[test]
fn alias_expansion_budget_is_exact() {
    let settings = Settings {
        limits: Limits {
            expanded_nodes_per_byte: 0,
            min_expanded_nodes: 1_000,
            ..Limits::default()
        },
        ..Settings::default()
    };
    let base = lint_with(aliases(0), &settings);
    assert!(find(&base, "FC004").is_none());
    // Find the largest alias count that passes; the next one must be FC004 naming the limit.
    let mut n = 0;
    while find(&lint_with(aliases(n + 1), &settings), "FC004").is_none() {
        n += 1;
        assert!(
            n <= 1_000,
            "1 000 aliases of one node each fit a budget of 1 000 nodes"
        );
    }
    // Every node of the document counts, so the aliases that fit are fewer than 1 000 but the
    // document's own nodes (about ten) are all that is missing.
    assert!(
        n >= 980,
        "only {n} aliases fit a budget of 1 000 expanded nodes"
    );
    let d = find(&lint_with(aliases(n + 1), &settings), "FC004")
        .cloned()
        .expect("FC004");
    assert!(
        text_of(&d).contains("1000") || text_of(&d).contains("1 000"),
        "{}",
        text_of(&d)
    );
    // The default budget: 16 nodes per input byte, at least 100 000.
    let defaults = Limits::default();
    assert_eq!(
        (
            defaults.expanded_nodes_per_byte,
            defaults.min_expanded_nodes
        ),
        (16, 100_000)
    );
}

#[test]
fn file_size_budget_is_exact() {
    let text = "services:\n  app:\n    image: nginx:1\n".to_owned();
    let at = Settings {
        limits: Limits {
            max_file_bytes: text.len(),
            ..Limits::default()
        },
        ..Settings::default()
    };
    assert!(find(&lint_with(text.clone(), &at), "FC004").is_none());
    let past = Settings {
        limits: Limits {
            max_file_bytes: text.len() - 1,
            ..Limits::default()
        },
        ..Settings::default()
    };
    let report = lint_with(text.clone(), &past);
    let d = find(&report, "FC004").expect("FC004 past the size limit");
    assert!(
        text_of(d).contains(&(text.len() - 1).to_string()),
        "{}",
        text_of(d)
    );
    assert_eq!(Limits::default().max_file_bytes, 64 * 1024 * 1024);
}

/// A label whose value is `levels` templates nested in one another's default.
fn nested_templates(levels: usize) -> String {
    format!(
        "services:\n  app:\n    image: nginx:1\n    labels:\n      deep: \"{}x{}\"\n",
        "${A:-".repeat(levels),
        "}".repeat(levels)
    )
}

#[test]
fn template_nesting_budget_is_64_levels_and_fe001_names_it() {
    let settings = Settings::default();
    let at = lint_with(nested_templates(64), &settings);
    assert!(find(&at, "FE001").is_none(), "{:?}", at.diagnostics);
    let past = lint_with(nested_templates(65), &settings);
    let d = find(&past, "FE001").expect("FE001 past 64 nested templates");
    assert!(
        text_of(d).contains("64"),
        "the diagnostic names the limit: {}",
        text_of(d)
    );
}

#[test]
fn route_regex_size_budget_refuses_a_giant_regex_with_a_message() {
    use factory_route::Rule;
    // Ten Unicode letters compile well under the 1 MiB limit …
    let small = Rule::parse(r"HostRegexp:{x:\pL{10}}.example.com").expect("parses");
    assert!(small.warnings().is_empty(), "{:?}", small.warnings());
    // … a thousand do not: the alternative is reported, never compiled into a huge automaton.
    let giant = Rule::parse(r"HostRegexp:{x:\pL{1000}}.example.com").expect("parses");
    let w = giant.warnings();
    assert!(
        w.iter()
            .any(|w| w.message.contains("size limit") || w.message.contains("too big")),
        "{w:?}"
    );
}

#[test]
fn cron_horizon_is_one_gregorian_cycle() {
    use factory_cron::Schedule;
    use jiff::Timestamp;
    use jiff::tz::TimeZone;
    let start = Timestamp::from_second(1_767_225_600).expect("2026-01-01");
    // The rarest schedule that fires: February 29 at a fixed minute, 8 years apart at 2100.
    let rare = Schedule::parse("0 0 29 2 *").expect("valid");
    let next = rare.next_after(
        Timestamp::from_second(4_107_542_400).expect("2100-03-01"),
        &TimeZone::UTC,
    );
    assert_eq!(next.map(|z| z.year()), Some(2104));
    // A schedule that never fires is searched for one 400-year cycle only, then given up.
    let never = Schedule::parse("0 0 30 2 *").expect("valid");
    assert!(never.never_fires());
    assert!(never.next_after(start, &TimeZone::UTC).is_none());
    assert!(never.upcoming(start, &TimeZone::UTC, 3).is_empty());
}
