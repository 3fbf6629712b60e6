//! Every budget that stops input from blowing up, tested at its limit and just past it, through
//! the whole `lint` pipeline with a diagnostic that points into the file and names the limit:
//! - FC004 for the YAML tree (depth, aliases, file size, nodes), for the bytes interpolation
//!   may add to the compose files, and for the findings a run keeps;
//! - FC004 for the YAML documents of a file (16), the files `include` loads (256), the routes
//!   FR006 and FR013 compare (200) and the candidate requests each tries in all to compare them
//!   (1 048 576, one that compares more than 512 values or matches more than 32 templates
//!   counting once per as many), the compose files a project merges (256), a Dockerfile
//!   value once substituted (1 MiB for one, 16 bytes per byte of the file in all), and the
//!   ports of the `EXPOSE` ranges of a project's Dockerfiles (262 144);
//! - FC004 for the nodes compose `extends` may add to the tree (1 000 000), and for the
//!   `extends` of a `.gitlab-ci.yml` job: GitLab's 11 levels, and the names factory follows in
//!   one file (4 per node of its tree, at least 1 000 000);
//! - FE001 for template nesting;
//! - FE004 for the bytes `.env` substitutions may add (factory-env's expansion budget, shared
//!   by the services' env and label files) and for the statements of a `.env` or env file
//!   (100 000);
//! - FR011/FR001 for the compiled size of a Traefik rule regex (factory-route's 1 MiB);
//! - FJ007 for a schedule that fires in no day of the 400-year Gregorian cycle (factory-cron's
//!   search horizon).
//!
//! The leaf crates' own APIs are tested as well.

use factory_compose::cron_jobs;
use factory_compose::yaml::Limits;
use factory_compose::{
    Diagnostic, FileKind, LineCol, LineIndex, ProcessEnv, Report, Settings, SourceFile, SourceMap,
    lint, load,
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

fn codes(report: &Report) -> Vec<&'static str> {
    report.diagnostics.iter().map(|d| d.code).collect()
}

/// Line and column of the start and the end of the diagnostic's primary location in `text`.
fn lines_cols(text: &str, d: &Diagnostic) -> (LineCol, LineCol) {
    let span = d
        .primary
        .as_ref()
        .expect("a primary location")
        .location
        .span;
    let index = LineIndex::new(text);
    (
        index.line_col(text, span.start),
        index.line_col(text, span.end),
    )
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

/// A routed service whose frontend rule is `HostRegexp:{x:\pL{letters}}.example.com` (line 6).
fn host_regexp(letters: usize) -> String {
    format!(
        "services:\n  web:\n    image: nginx:1\n    expose: [\"80\"]\n    labels:\n      traefik.frontend.rule: HostRegexp:{{x:\\pL{{{letters}}}}}.example.com\n"
    )
}

/// The largest count of Unicode letters `\pL{n}` whose case-insensitive `HostRegexp` regex
/// compiles within factory-route's 1 MiB size limit, measured with the `regex` crate (a binary
/// search over `lint`): 24. The test fails if the limit (or the regex crate's sizes) changes.
const LETTERS_AT_LIMIT: usize = 24;

#[test]
fn route_regex_size_budget_is_fr011_naming_the_limit_at_the_template() {
    let settings = Settings::default();
    let at_text = host_regexp(LETTERS_AT_LIMIT);
    let at = lint_with(at_text, &settings);
    assert!(find(&at, "FR011").is_none(), "{:?}", at.diagnostics);

    let past_text = host_regexp(LETTERS_AT_LIMIT + 1);
    let past = lint_with(past_text.clone(), &settings);
    // The size limit is the only difference: every other finding is the same at the limit.
    let mut others = codes(&past);
    let fr011 = others.iter().filter(|&&c| c == "FR011").count();
    assert_eq!(fr011, 1, "{:?}", past.diagnostics);
    others.retain(|&c| c != "FR011");
    assert_eq!(others, codes(&at), "{:?}", past.diagnostics);

    let d = find(&past, "FR011").expect("FR011 past the regex size limit");
    let template = format!("{{x:\\pL{{{}}}}}.example.com", LETTERS_AT_LIMIT + 1);
    assert_eq!(
        d.message,
        format!(
            "`traefik.frontend.rule` of `web`: the regular expression of `HostRegexp` template \
             `{template}` compiles past factory's size limit of 1048576 bytes (1 MiB): factory \
             cannot check this alternative"
        )
    );
    let help = d.help.as_deref().unwrap_or_default();
    assert!(help.starts_with("write a smaller regex"), "{help}");
    // Traefik accepts the regex: factory could not check it, a warning, not FR011's error.
    assert_eq!(d.severity, factory_compose::Severity::Warning);
    // The template argument of `HostRegexp`, inside the label value on line 6.
    let (start, end) = lines_cols(&past_text, d);
    let line = past_text.lines().nth(5).expect("line 6");
    let column = line.find("{x:").expect("the template") + 1;
    assert_eq!(start, LineCol { line: 6, column });
    assert_eq!(
        end,
        LineCol {
            line: 6,
            column: column + template.len()
        }
    );
}

/// A complete cron job (`/bin/false`, `restart: "no"`) with the schedule on line 7.
fn cron_job(schedule: &str) -> String {
    format!(
        "services:\n  report:\n    image: registry.example/app:1.0\n    command: /bin/false\n    restart: \"no\"\n    labels:\n      sh.factory.cronjob.schedule: \"{schedule}\"\n      sh.factory.cronjob.command: ./report\n"
    )
}

#[test]
fn cron_horizon_far_run_is_found_and_a_never_firing_schedule_is_fj007() {
    let settings = Settings::default();
    // At the limit: the rarest schedule cron can fire. The day-of-week field starts with `*`, so
    // cronie AND-s it with the day of month (factory-cron's `Schedule::is_star`): February 29
    // falling on a Sunday (`*/7` is 0 and 7). The longest gap between two runs is 40 years,
    // 2680 → 2720 across the non-leap 2700 (Python's `datetime`), well inside the 400 years.
    let rare_text = cron_job("0 0 29 2 */7");
    let mut sources = SourceMap::new();
    sources.add(SourceFile::new(
        "docker-compose.yml",
        rare_text.clone(),
        FileKind::Compose,
    ));
    let rare = lint(&sources, &ProcessEnv::default(), &settings);
    assert!(
        !codes(&rare).iter().any(|c| c.starts_with("FJ")),
        "{:?}",
        rare.diagnostics
    );
    let loaded = load(&sources, &ProcessEnv::default(), &settings);
    let from: jiff::Timestamp = "2680-03-01T00:00:00Z".parse().expect("a date");
    let runs = cron_jobs::runs(&loaded, false, from, &jiff::tz::TimeZone::UTC, 3);
    let [job] = runs.as_slice() else {
        panic!("one job: {runs:?}")
    };
    assert!(!job.never_fires);
    let next: Vec<String> = job.next.iter().map(cron_jobs::rfc3339).collect();
    assert_eq!(
        next,
        [
            "2720-02-29T00:00:00Z",
            "2748-02-29T00:00:00Z",
            "2776-02-29T00:00:00Z"
        ]
    );

    // Past the limit: a day that exists in no year of the 400-year cycle.
    let never_text = cron_job("0 0 30 2 *");
    let mut sources = SourceMap::new();
    sources.add(SourceFile::new(
        "docker-compose.yml",
        never_text.clone(),
        FileKind::Compose,
    ));
    let never = lint(&sources, &ProcessEnv::default(), &settings);
    assert_eq!(codes(&never), ["FJ007"], "{:?}", never.diagnostics);
    let d = find(&never, "FJ007").expect("FJ007");
    assert_eq!(
        d.message,
        "the schedule `0 0 30 2 *` of `report` never fires"
    );
    assert!(
        text_of(d).contains("400-year Gregorian cycle"),
        "the help names the horizon: {}",
        text_of(d)
    );
    // The whole schedule, inside the quotes on line 7.
    let (start, end) = lines_cols(&never_text, d);
    let column = "      sh.factory.cronjob.schedule: \"".len() + 1;
    assert_eq!(start, LineCol { line: 7, column });
    assert_eq!(
        end,
        LineCol {
            line: 7,
            column: column + "0 0 30 2 *".len()
        }
    );
    let loaded = load(&sources, &ProcessEnv::default(), &settings);
    let runs = cron_jobs::runs(&loaded, false, from, &jiff::tz::TimeZone::UTC, 3);
    let [job] = runs.as_slice() else {
        panic!("one job: {runs:?}")
    };
    assert!(job.never_fires && job.next.is_empty(), "{job:?}");
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

#[test]
fn headers_regexp_past_the_regex_budget_is_an_fr001_warning_not_a_refusal() {
    let settings = Settings::default();
    let rule = |letters: usize| {
        format!(
            "services:\n  web:\n    image: nginx:1\n    expose: [\"80\"]\n    labels:\n      traefik.frontend.rule: Host:a.example.com;HeadersRegexp:X-Name,^\\pL{{{letters}}}$$\n"
        )
    };
    // Ten letters fit the budget …
    let small = lint_with(rule(10), &settings);
    assert_eq!(codes(&small), ["FR009"], "{:?}", small.diagnostics); // the hard-coded host only
    // … a thousand do not. Traefik loads the rule: a warning that factory cannot check it,
    // not FR001's "refused by Traefik" error.
    let text = rule(1000);
    let big = lint_with(text.clone(), &settings);
    let d = find(&big, "FR001").expect("FR001");
    assert_eq!(d.severity, factory_compose::Severity::Warning);
    assert!(
        d.message.contains("cannot be checked by factory")
            && d.message.contains("size limit of 1048576 bytes"),
        "{}",
        d.message
    );
    let (start, _) = lines_cols(&text, d);
    let line = text.lines().nth(5).expect("line 6");
    let column = line.find("^\\pL").expect("the regex") + 1;
    assert_eq!(start, LineCol { line: 6, column });
}

/// A project whose `.env` gives `A` 1 KiB and uses it `refs` times in `B` (line 2).
fn dotenv_refs(refs: usize) -> SourceMap {
    let mut sources = SourceMap::new();
    sources.add(SourceFile::new(
        "docker-compose.yml",
        "services:\n  web:\n    image: nginx:1\n    environment:\n      B: ${B}\n",
        FileKind::Compose,
    ));
    sources.add(SourceFile::new(
        ".env",
        format!("A={}\nB={}\n", "x".repeat(1024), "$A".repeat(refs)),
        FileKind::Dotenv,
    ));
    sources
}

#[test]
fn dotenv_expansion_budget_is_fe004_at_one_mib() {
    let settings = Settings::default();
    // 1 024 uses of a 1 KiB value substitute exactly the 1 MiB budget of a small file …
    let at = lint(&dotenv_refs(1024), &ProcessEnv::default(), &settings);
    assert!(find(&at, "FE004").is_none(), "{:?}", at.diagnostics);
    // … one more is past it: FE004 on `B`'s value in `.env`, naming the budget.
    let sources = dotenv_refs(1025);
    let past = lint(&sources, &ProcessEnv::default(), &settings);
    let d = find(&past, "FE004").expect("FE004 past the expansion budget");
    assert!(
        d.message.starts_with(
            "the variables of this file expand past factory's budget of 1048576 bytes"
        ),
        "{}",
        d.message
    );
    assert!(
        d.help
            .as_deref()
            .is_some_and(|h| h.contains("write the value out"))
    );
    let primary = d.primary.as_ref().expect("located").location;
    let env_file = sources.get(primary.file);
    assert_eq!(env_file.name, ".env");
    let (start, _) = lines_cols(&env_file.text, d);
    assert_eq!(start, LineCol { line: 2, column: 3 });
}

/// `.env`, `env_file` and `label_file` files are read up to 100 000 statements: at the limit
/// every variable is read; one past it, FE004 at the first statement left names the budget and
/// nothing after it is read (a 64 MiB file of `A=1` lines held 4 GB).
#[test]
fn dotenv_statement_budget_is_100_000() {
    let run = |statements: usize, name: &str, kind: FileKind| {
        let mut sources = SourceMap::new();
        sources.add(SourceFile::new(
            "docker-compose.yml",
            "services:\n  web:\n    image: nginx:1\n    env_file: web.env\n".to_owned(),
            FileKind::Compose,
        ));
        let text: String = (0..statements).map(|i| format!("V{i}=1\n")).collect();
        sources.add(SourceFile::new(name, text.clone(), kind));
        let report = lint(&sources, &ProcessEnv::default(), &Settings::default());
        let budget: Vec<usize> = report
            .diagnostics
            .iter()
            .filter(|d| d.code == "FE004")
            .map(|d| {
                assert!(
                    d.message.contains("more than 100000 variables"),
                    "{}",
                    d.message
                );
                lines_cols(&text, d).0.line
            })
            .collect();
        budget
    };
    for (name, kind) in [(".env", FileKind::Dotenv), ("web.env", FileKind::Other)] {
        assert_eq!(run(100_000, name, kind), Vec::<usize>::new(), "{name}");
        assert_eq!(run(100_001, name, kind), vec![100_001], "{name}");
    }
}

/// The env and label files of all the services share one expansion budget (16 bytes per byte
/// of the project's files, at least 16 MiB): a file whose variables double line after line up
/// to just under its own budget (1 MiB) is read whole by 16 services; a 17th service reading it
/// passes the shared budget, and FE004 says so in the file (a thousand services reading it
/// held 4 GB).
#[test]
fn env_files_share_one_expansion_budget() {
    let chain: String = std::iter::once("V0=xxxxxxxx\n".to_owned())
        .chain((1..=16).map(|i| format!("V{i}=${{V{}}}${{V{}}}\n", i - 1, i - 1)))
        .collect();
    let run = |services: usize| {
        let mut compose = String::from("services:\n");
        for i in 0..services {
            compose.push_str(&format!(
                "  s{i}:\n    image: nginx:1\n    env_file: vars.env\n"
            ));
        }
        let mut sources = SourceMap::new();
        sources.add(SourceFile::new(
            "docker-compose.yml",
            compose,
            FileKind::Compose,
        ));
        sources.add(SourceFile::new("vars.env", chain.clone(), FileKind::Other));
        let report = lint(&sources, &ProcessEnv::default(), &Settings::default());
        report
            .diagnostics
            .iter()
            .filter(|d| d.code == "FE004")
            .map(|d| d.message.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(run(16), Vec::<String>::new());
    let past = run(17);
    assert_eq!(past.len(), 1, "{past:?}");
    assert!(past[0].contains("the budget it shares"), "{past:?}");
}

/// A project whose `.env` gives `A` 1 KiB and whose label (line 6) uses it `refs` times.
fn compose_refs(refs: usize) -> SourceMap {
    let mut sources = SourceMap::new();
    sources.add(SourceFile::new(
        "docker-compose.yml",
        format!(
            "services:\n  web:\n    image: nginx:1\n    expose: [\"80\"]\n    labels:\n      x.long: \"{}\"\n",
            "$A".repeat(refs)
        ),
        FileKind::Compose,
    ));
    sources.add(SourceFile::new(
        ".env",
        format!("A={}\n", "x".repeat(1024)),
        FileKind::Dotenv,
    ));
    sources
}

#[test]
fn compose_expansion_budget_is_fc004_at_one_mib() {
    let settings = Settings::default();
    // 1 024 uses of a 1 KiB value substitute exactly the 1 MiB budget of a small project …
    let at = lint(&compose_refs(1024), &ProcessEnv::default(), &settings);
    assert!(find(&at, "FC004").is_none(), "{:?}", at.diagnostics);
    // … one more is past it: FC004 on that value, naming the budget.
    let sources = compose_refs(1025);
    let past = lint(&sources, &ProcessEnv::default(), &settings);
    let d = find(&past, "FC004").expect("FC004 past the expansion budget");
    assert!(
        d.message.starts_with(
            "the variables of the compose files expand past factory's budget of 1048576 bytes"
        ),
        "{}",
        d.message
    );
    assert!(d.help.is_some());
    let compose = sources.get(factory_compose::FileId(0));
    let (start, _) = lines_cols(&compose.text, d);
    assert_eq!(
        start,
        LineCol {
            line: 6,
            column: 15
        }
    );
}

/// A project of `services` one-line services: 4 nodes each (name, mapping, `image`, value),
/// plus the root mapping and the `services` key and value.
fn one_line_services(services: usize) -> String {
    let mut text = String::from("services:\n");
    for k in 0..services {
        text.push_str(&format!("  s{k}: {{image: nginx:1}}\n"));
    }
    text
}

#[test]
fn node_budget_is_exact_and_points_at_the_first_node_past_it() {
    let text = one_line_services(100);
    let nodes = 3 + 4 * 100;
    let with_limit = |max_nodes| Settings {
        limits: Limits {
            max_nodes,
            ..Limits::default()
        },
        ..Settings::default()
    };
    assert!(find(&lint_with(text.clone(), &with_limit(nodes)), "FC004").is_none());
    let report = lint_with(text.clone(), &with_limit(nodes - 1));
    // Past the budget the file is not read at all: FC004 is the only finding about it.
    assert_eq!(codes(&report), ["FC004"], "{:?}", report.diagnostics);
    let d = &report.diagnostics[0];
    assert!(
        text_of(d).contains(&format!("more than {} YAML nodes", nodes - 1)),
        "{}",
        text_of(d)
    );
    // The last node is the value of the last service's `image`.
    let (start, _) = lines_cols(&text, d);
    assert_eq!((start.line, start.column), (101, 16));
    assert_eq!(Limits::default().max_nodes, 1_000_000);
}

/// FC034 (an image without a tag) once per service.
fn untagged_images(services: usize) -> String {
    let mut text = String::from("services:\n");
    for k in 0..services {
        text.push_str(&format!("  s{k}:\n    image: nginx\n"));
    }
    text
}

fn with_findings_limit(max_diagnostics: usize) -> Settings {
    Settings {
        limits: Limits {
            max_diagnostics,
            ..Limits::default()
        },
        ..Settings::default()
    }
}

#[test]
fn findings_budget_is_exact_and_fc004_counts_the_rest_by_severity() {
    // Five FC034 (warnings, found by the rules), then three null documents (FC002, errors,
    // found while loading): eight findings.
    let text = format!("{}---\n---\n---\n", untagged_images(5));
    let all = lint_with(text.clone(), &with_findings_limit(8));
    assert_eq!(
        codes(&all),
        [
            "FC034", "FC034", "FC034", "FC034", "FC034", "FC002", "FC002", "FC002"
        ]
    );
    // One fewer: the load keeps its three, the rules four of their five, and one FC004 at the
    // end (a finding with no place) counts the fifth.
    let cut = lint_with(text.clone(), &with_findings_limit(7));
    assert_eq!(
        codes(&cut),
        [
            "FC034", "FC034", "FC034", "FC034", "FC002", "FC002", "FC002", "FC004"
        ]
    );
    let notice = find(&cut, "FC004").expect("FC004");
    assert!(notice.primary.is_none());
    assert!(
        notice
            .message
            .contains("after 7: 1 more were found (0 errors, 1 warnings, 0 infos)"),
        "{}",
        notice.message
    );
    // A budget the load alone exceeds: one FC004 counts what the load and the rules dropped.
    let loading = lint_with(text, &with_findings_limit(2));
    assert_eq!(codes(&loading), ["FC002", "FC002", "FC004"]);
    let notice = find(&loading, "FC004").expect("FC004");
    assert!(
        notice
            .message
            .contains("6 more were found (1 errors, 5 warnings, 0 infos)"),
        "{}",
        notice.message
    );
    assert_eq!(Limits::default().max_diagnostics, 100_000);
}

#[test]
fn findings_budget_is_shared_by_the_rules_threads() {
    // Past `PARALLEL_MIN_NODES` the rules run on several threads; each thread's findings take
    // from the one budget. Two rules find 2 000 each here (FC034 for the image, FC015 for
    // `ports`): with a budget each they would keep 2 000 in all.
    let mut text = String::from("services:\n");
    for k in 0..2_000 {
        text.push_str(&format!("  s{k}:\n    image: nginx\n    ports: [\"80\"]\n"));
    }
    let settings = Settings {
        threads: 4,
        ..with_findings_limit(1_000)
    };
    let report = lint_with(text, &settings);
    assert_eq!(report.diagnostics.len(), 1_001);
    let notice = report.diagnostics.last().expect("FC004");
    assert_eq!(notice.code, "FC004");
    assert!(
        notice.message.contains("after 1000: 3000 more were found"),
        "{}",
        notice.message
    );
}

/// `n` documents, the `k`-th defining service `sK` (and service `s0` getting a label from each).
fn documents(n: usize) -> String {
    (0..n)
        .map(|k| format!("services:\n  s{k}:\n    image: registry.example/s{k}:1\n"))
        .collect::<Vec<_>>()
        .join("---\n")
}

#[test]
fn document_budget_reads_16_documents_then_fc004_at_the_first_one_left() {
    let settings = Settings::default();
    let names = |text: &str| -> Vec<String> {
        let mut sources = SourceMap::new();
        sources.add(SourceFile::new(
            "docker-compose.yml",
            text,
            FileKind::Compose,
        ));
        let loaded = load(&sources, &ProcessEnv::default(), &settings);
        loaded
            .project
            .services
            .iter()
            .map(|s| s.name(&loaded.project.tree).to_string())
            .collect()
    };
    // At the limit: every document is merged (Compose merges each onto the ones before).
    let text = documents(16);
    let report = lint_with(text.clone(), &settings);
    assert!(find(&report, "FC004").is_none(), "{:?}", codes(&report));
    assert_eq!(names(&text).len(), 16);
    // Just past it: the 17th document is not read, and FC004 points at it and names the limit.
    let text = documents(17);
    let report = lint_with(text.clone(), &settings);
    let d = find(&report, "FC004").expect("FC004 past the document budget");
    assert!(text_of(d).contains("17 YAML documents") && text_of(d).contains("first 16"));
    let (start, _) = lines_cols(&text, d);
    assert_eq!(start.line, 16 * 4 + 1, "{}", text_of(d));
    assert_eq!(names(&text).len(), 16);
    assert!(!names(&text).contains(&"s16".to_owned()));
}

/// `include` loads at most 256 files in all (a file counting each time a path of includes
/// reaches it): files that include each other are expanded once per path, exponentially. At
/// the limit every file is read; one past it, FC004 at the `include` line where it stopped.
#[test]
fn include_budget_is_256_loaded_files() {
    let run = |files: usize| {
        let mut sources = SourceMap::new();
        let list: String = (0..files).map(|i| format!("  - i{i}.yml\n")).collect();
        sources.add(SourceFile::new(
            "docker-compose.yml",
            format!("include:\n{list}services:\n  web:\n    image: registry.example/web:1.0\n"),
            FileKind::Compose,
        ));
        for i in 0..files {
            sources.add(SourceFile::new(
                format!("i{i}.yml"),
                format!("services:\n  s{i}:\n    image: registry.example/s:1.0\n"),
                FileKind::Other,
            ));
        }
        let loaded = load(&sources, &ProcessEnv::default(), &Settings::default());
        let fc004: Vec<usize> = loaded
            .diagnostics
            .iter()
            .filter(|d| d.code == "FC004")
            .filter_map(|d| d.primary.as_ref())
            .map(|p| {
                sources
                    .get(p.location.file)
                    .line_col(p.location.span.start)
                    .line
            })
            .collect();
        (loaded.project.services.len(), fc004)
    };
    assert_eq!(run(256), (257, vec![]));
    // The 257th item (line 258) is where the walk stopped.
    assert_eq!(run(257), (257, vec![258]));
}

/// A project merges at most 256 compose files (`-f` that many times, or `COMPOSE_FILE`): at the
/// limit every file is merged; one past it, FC004 at the start of the first file left, which
/// is not read (16 000 one-service files took 22 s and 3.4 GB).
#[test]
fn compose_file_budget_is_256_files() {
    let run = |files: usize| {
        let mut sources = SourceMap::new();
        for i in 0..files {
            sources.add(SourceFile::new(
                format!("c{i}.yml"),
                format!("services:\n  s{i}:\n    image: registry.example/s:1.0\n"),
                FileKind::Compose,
            ));
        }
        let loaded = load(&sources, &ProcessEnv::default(), &Settings::default());
        let fc004: Vec<(String, u32)> = loaded
            .diagnostics
            .iter()
            .filter(|d| d.code == "FC004")
            .filter_map(|d| d.primary.as_ref())
            .map(|p| {
                (
                    sources.get(p.location.file).name.clone(),
                    p.location.span.start,
                )
            })
            .collect();
        (loaded.project.services.len(), fc004)
    };
    assert_eq!(run(256), (256, vec![]));
    assert_eq!(run(257), (256, vec![("c256.yml".to_owned(), 0)]));
}

/// Empty documents count toward the 16-document budget too: past it nothing more is read, so
/// 100 000 `---` lines give the budget's FC004 and at most 15 FC002 (the first document is the
/// services), not 100 000 findings that crowd the FC004 out.
#[test]
fn empty_documents_count_toward_the_document_budget() {
    let text = format!(
        "services:\n  job:\n    image: img:1\n{}",
        "---\n".repeat(100_000)
    );
    let report = lint_with(text, &Settings::default());
    let count = |code: &str| report.diagnostics.iter().filter(|d| d.code == code).count();
    assert_eq!(
        (count("FC004"), count("FC002")),
        (1, 15),
        "{:?}",
        codes(&report)
    );
}

/// Comparing routes (FR006, FR013) is quadratic, so at most 200 routes are compared: at the
/// limit the comparison runs (a conflict is found); one past it, FC004 says that neither
/// check ran, at the 201st route.
#[test]
fn compared_routes_budget_is_200_and_fc004_says_so() {
    let run = |routes: usize| {
        let mut text = String::from("services:\n");
        for i in 0..routes {
            // The first two routes conflict (same host, same priority).
            let host = if i < 2 { 0 } else { i };
            text.push_str(&format!(
                "  s{i}:\n    image: registry.example/s:1.0\n    expose: [\"80\"]\n    labels:\n      traefik.frontend.rule: Host:h{host}.example.com\n"
            ));
        }
        let report = lint_with(text, &Settings::default());
        (
            report.diagnostics.iter().any(|d| d.code == "FR006"),
            report
                .diagnostics
                .iter()
                .filter(|d| d.code == "FC004")
                .count(),
        )
    };
    assert_eq!(run(200), (true, 0));
    assert_eq!(run(201), (false, 1));
}

/// A service with one route.
fn routed_service(name: &str, rule: &str, priority: usize) -> String {
    format!(
        "  {name}:\n    image: registry.example/s:1.0\n    expose: [\"80\"]\n    labels:\n      traefik.frontend.rule: {rule}\n      traefik.frontend.priority: \"{priority}\"\n"
    )
}

/// `PathPrefix` and `Method` segments that give a pair of routes more than 4 096 candidate
/// requests (256 paths, the most kept, and 17 methods with `GET`), none starting with another
/// route's prefixes: each pair is searched in full.
fn wide_paths_and_methods(route: usize) -> String {
    let prefixes: Vec<String> = (0..64).map(|p| format!("/r{route}p{p}")).collect();
    let methods: Vec<String> = (0..16).map(|m| format!("M{m}")).collect();
    format!(
        "PathPrefix:{};Method:{}",
        prefixes.join(","),
        methods.join(",")
    )
}

/// The FC004s of a report: line of the primary location, message and help.
fn fc004_lines(text: &str, report: &Report) -> Vec<(usize, String)> {
    report
        .diagnostics
        .iter()
        .filter(|d| d.code == "FC004")
        .map(|d| (lines_cols(text, d).0.line, text_of(d)))
        .collect()
}

/// FR006 tries at most 1 048 576 candidate requests in all, as many as 256 pairs of routes
/// searched in full: at the limit every pair is compared; one try more (a conflict found at
/// its first candidate, compared first), FC004 says where the comparison stopped, at the
/// first route of the pair it did not finish. Each request compares the first route's host
/// and matches its `HostRegexp`, which no candidate matches, so the other route is not read:
/// it counts once.
#[test]
fn conflict_comparison_budget_is_256_pairs_searched_in_full() {
    // Groups of routes at one priority each, on one host.
    let run = |conflict_first: bool| {
        let mut text = String::from("services:\n");
        if conflict_first {
            text.push_str(&routed_service("c0", "Host:c.example.com", 100));
            text.push_str(&routed_service("c1", "Host:c.example.com", 100));
        }
        // 23 routes make 253 pairs, three groups of two 3 more: 256 pairs.
        let mut route = 0;
        for (group, size) in [23, 2, 2, 2].into_iter().enumerate() {
            for _ in 0..size {
                let rule = format!(
                    "Host:h.example.com;HostRegexp:{{x:[0-9]+}}.never.example.com;{}",
                    wide_paths_and_methods(route)
                );
                text.push_str(&routed_service(&format!("s{route}"), &rule, group + 1));
                route += 1;
            }
        }
        let report = lint_with(text.clone(), &Settings::default());
        let conflicts = report
            .diagnostics
            .iter()
            .filter(|d| d.code == "FR006")
            .count();
        (conflicts, fc004_lines(&text, &report))
    };
    assert_eq!(run(false), (0, Vec::new()));
    let (conflicts, fc004) = run(true);
    assert_eq!(conflicts, 1);
    assert_eq!(fc004.len(), 1, "{fc004:?}");
    // The pair not finished is the last group's, `s27` and `s28`: FC004 is at `s27`'s rule,
    // after the 12 lines of `c0` and `c1`.
    let (line, words) = &fc004[0];
    assert_eq!(*line, 1 + 12 + 27 * 6 + 5, "{words}");
    assert!(
        words.starts_with("factory stopped comparing routes for conflicts (FR006) after 1048576 candidate requests, its budget (one that compares more than 512 hosts, paths or methods, or matches more than 32 templates, headers or query parameters, counts once per as many): the route of `s27` and the routes after it in the file are not fully checked |"),
        "{words}"
    );
}

/// A candidate request counts once per 512 of work (a host, path or method compared: 1; a
/// template, header or query parameter matched: 16): one pair of routes whose 4 096
/// candidates each compare the first route's host, index the query parameters of its
/// `templates` `Query` templates (every candidate carries them), match the templates, then a
/// `HostRegexp` no candidate matches (so the other route is not read), `17 + 32 × templates`
/// in all, fits the budget up to 131 072 of work a request (256 tries each: the last request
/// starts with 256 left), and stops at its last requests with one template more (257 each).
#[test]
fn conflict_comparison_budget_counts_what_each_request_reads() {
    let run = |templates: usize| {
        let queries: Vec<String> = (0..templates).map(|i| format!("k{i}=v{i}")).collect();
        let mut text = String::from("services:\n");
        let first = format!(
            "Host:h.example.com;Query:{};HostRegexp:{{x:[0-9]+}}.never.example.com;{}",
            queries.join(","),
            wide_paths_and_methods(0)
        );
        text.push_str(&routed_service("a", &first, 1));
        let second = format!("Host:h.example.com;{}", wide_paths_and_methods(1));
        text.push_str(&routed_service("b", &second, 1));
        let report = lint_with(text.clone(), &Settings::default());
        fc004_lines(&text, &report)
    };
    assert_eq!(run(4095), Vec::new());
    let fc004 = run(4096);
    assert_eq!(fc004.len(), 1, "{fc004:?}");
    let (line, words) = &fc004[0];
    assert_eq!(*line, 1 + 5, "{words}");
    assert!(
        words.starts_with("factory stopped comparing routes for conflicts (FR006) after 1048576 candidate requests, its budget (one that compares more than 512 hosts, paths or methods, or matches more than 32 templates, headers or query parameters, counts once per as many): the route of `a` and the routes after it in the file are not fully checked |"),
        "{words}"
    );
}

/// FR013 has the same budget: 16 routes below 16 others that each cover them, and that match
/// none of their 4 096 candidates (two `Host` segments no request satisfies: each request
/// compares two hosts, and counts once), are searched in full 256 times; a 17th route below
/// stops the comparison, with FC004 at it.
#[test]
fn shadowing_comparison_budget_is_256_pairs_searched_in_full() {
    let run = |below: usize| {
        let mut text = String::from("services:\n");
        for high in 0..16 {
            text.push_str(&routed_service(
                &format!("high{high}"),
                "Host:h.example.com",
                1000,
            ));
        }
        for low in 0..below {
            let rule = format!(
                "Host:h.example.com;Host:nowhere.example.com;{}",
                wide_paths_and_methods(low)
            );
            text.push_str(&routed_service(&format!("low{low}"), &rule, 1));
        }
        let report = lint_with(text.clone(), &Settings::default());
        fc004_lines(&text, &report)
    };
    assert_eq!(run(16), Vec::new());
    let fc004 = run(17);
    assert_eq!(fc004.len(), 1, "{fc004:?}");
    let (line, words) = &fc004[0];
    assert_eq!(*line, 1 + (16 + 16) * 6 + 5, "{words}");
    assert!(
        words.starts_with("factory stopped comparing routes for shadowing (FR013) after 1048576 candidate requests, its budget (one that compares more than 512 hosts, paths or methods, or matches more than 32 templates, headers or query parameters, counts once per as many): the route of `low16` and the routes after it in priority order are not fully checked |"),
        "{words}"
    );
}

/// `extends` copies what a service takes from another: a chain of services each extending the
/// one before grows quadratically, so resolving stops once the tree has grown by a million
/// nodes, items and entries, with FC004 at the service where it stopped. A chain that stays
/// under it (200 links of 1 000 variables: about 200 000 more) is resolved whole.
#[test]
fn extends_budget_stops_a_quadratic_chain() {
    let chain = |links: usize| {
        let vars: Vec<String> = (0..1000).map(|i| format!("V{i}=x")).collect();
        let mut text = format!(
            "services:\n  s0:\n    image: registry.example/s:1.0\n    environment: [{}]\n",
            vars.join(",")
        );
        for i in 1..links {
            text.push_str(&format!(
                "  s{i}:\n    extends: s{}\n    environment: [W{i}=y]\n",
                i - 1
            ));
        }
        let report = lint_with(text, &Settings::default());
        report
            .diagnostics
            .iter()
            .filter(|d| d.code == "FC004")
            .count()
    };
    assert_eq!(chain(200), 0);
    assert_eq!(chain(3000), 1);
}

/// A Dockerfile's `ARG`/`ENV` value may grow to 1 MiB once substituted: `ARG A1=${A0}${A0}`
/// doubles at each line. At the limit (16 bytes doubled 16 times) the value is kept; one line
/// more and FC004 points at the `ARG` where it stopped, whose value is then unknown.
#[test]
fn dockerfile_substitution_budget_is_one_mib() {
    let run = |lines: usize| {
        let mut dockerfile = format!("FROM python:3\nARG A0={}\n", "x".repeat(16));
        for i in 1..=lines {
            dockerfile.push_str(&format!("ARG A{i}=${{A{}}}${{A{}}}\n", i - 1, i - 1));
        }
        dockerfile.push_str("USER 1001\n");
        let mut sources = SourceMap::new();
        sources.add(SourceFile::new(
            "docker-compose.yml",
            "services:\n  web:\n    image: registry.example/web:1.0\n".to_owned(),
            FileKind::Compose,
        ));
        sources.add(SourceFile::new(
            "Dockerfile",
            dockerfile.clone(),
            FileKind::Dockerfile,
        ));
        let report = lint(&sources, &ProcessEnv::default(), &Settings::default());
        report
            .diagnostics
            .iter()
            .filter(|d| d.code == "FC004")
            .map(|d| (lines_cols(&dockerfile, d).0.line, text_of(d)))
            .collect::<Vec<_>>()
    };
    assert_eq!(run(16), vec![]);
    let past = run(17);
    assert_eq!(past.len(), 1, "{past:?}");
    // `FROM` is line 1, `ARG A0` line 2, `ARG A17` line 19.
    assert_eq!(past[0].0, 19, "{past:?}");
    assert!(past[0].1.contains("1 MiB for one value"), "{past:?}");
}

/// The ports of a Dockerfile's `EXPOSE` ranges, read at most 262 144 in all: 256 lines of
/// `EXPOSE 1-1024` are read whole; one line more and FC004 points at its `EXPOSE`, and FR003
/// still sees the image's ports.
#[test]
fn dockerfile_expose_ranges_are_read_up_to_262_144_ports() {
    let run = |lines: usize| {
        let mut dockerfile = "FROM python:3
USER 1001
"
        .to_owned();
        dockerfile.push_str(&"EXPOSE 1-1024\n".repeat(lines));
        let mut sources = SourceMap::new();
        sources.add(SourceFile::new(
            "docker-compose.yml",
            "services:\n  web:\n    image: ${CI_REGISTRY_IMAGE}/web:1.0\n    labels:\n      traefik.frontend.rule: Host:a.example\n"
                .to_owned(),
            FileKind::Compose,
        ));
        sources.add(SourceFile::new(
            "Dockerfile",
            dockerfile.clone(),
            FileKind::Dockerfile,
        ));
        sources.add(SourceFile::new(
            ".gitlab-ci.yml",
            "build:\n  script:\n    - docker build -t $CI_REGISTRY_IMAGE/web:1.0 .\n".to_owned(),
            FileKind::GitlabCi,
        ));
        let report = lint(&sources, &ProcessEnv::default(), &Settings::default());
        let fc004: Vec<_> = (report.diagnostics.iter())
            .filter(|d| d.code == "FC004")
            .map(|d| (lines_cols(&dockerfile, d).0.line, text_of(d)))
            .collect();
        let fr003 = find(&report, "FR003").map(text_of).unwrap_or_default();
        (fc004, fr003)
    };
    let (at_limit, fr003) = run(256);
    assert_eq!(at_limit, vec![], "{at_limit:?}");
    assert!(fr003.contains("exposes 1024 ports"), "{fr003}");
    let (past, fr003) = run(257);
    assert_eq!(past.len(), 1, "{past:?}");
    // `FROM` is line 1, `USER` line 2, the 257th `EXPOSE` line 259.
    assert_eq!(past[0].0, 259, "{past:?}");
    assert!(past[0].1.contains("pass 262144 ports"), "{past:?}");
    assert!(fr003.contains("exposes 1024 ports"), "{fr003}");
}

/// The project's Dockerfiles share the budget of `EXPOSE` ports: two files of 150 lines of
/// `EXPOSE 1-1024` each are 307 200 ports, and the second file's FC004 points at its 107th
/// `EXPOSE`, where the first 262 144 end (many files of ranges each read whole held hundreds
/// of MB).
#[test]
fn dockerfiles_share_the_expose_budget() {
    let dockerfile = format!(
        "FROM python:3\nUSER 1001\n{}",
        "EXPOSE 1-1024\n".repeat(150)
    );
    let mut sources = SourceMap::new();
    sources.add(SourceFile::new(
        "docker-compose.yml",
        "services:\n  web:\n    image: ${CI_REGISTRY_IMAGE}/web:1.0\n    labels:\n      traefik.frontend.rule: Host:a.example\n  api:\n    image: ${CI_REGISTRY_IMAGE}/api:1.0\n    labels:\n      traefik.frontend.rule: Host:b.example\n"
            .to_owned(),
        FileKind::Compose,
    ));
    for name in ["Dockerfile.web", "Dockerfile.api"] {
        sources.add(SourceFile::new(
            name,
            dockerfile.clone(),
            FileKind::Dockerfile,
        ));
    }
    let report = lint(&sources, &ProcessEnv::default(), &Settings::default());
    let fc004: Vec<_> = (report.diagnostics.iter())
        .filter(|d| d.code == "FC004")
        .map(|d| (lines_cols(&dockerfile, d).0.line, text_of(d)))
        .collect();
    assert_eq!(fc004.len(), 1, "{fc004:?}");
    // 262 144 - 153 600 = 108 544 ports, 106 lines of the second file; line 2 + 107.
    assert_eq!(fc004[0].0, 109, "{fc004:?}");
    assert!(fc004[0].1.contains("`Dockerfile.api`"), "{fc004:?}");
}

/// Lint a small valid compose project with `ci` as its `.gitlab-ci.yml`; the FC004 findings in
/// that file, as (start, end, message | help).
fn ci_fc004(ci: &str) -> Vec<(LineCol, LineCol, String)> {
    let mut sources = SourceMap::new();
    sources.add(SourceFile::new(
        "docker-compose.yml",
        "services:\n  web:\n    image: registry.example/web:1.0\n".to_owned(),
        FileKind::Compose,
    ));
    let ci_file = sources.add(SourceFile::new(".gitlab-ci.yml", ci, FileKind::GitlabCi));
    let report = lint(&sources, &ProcessEnv::default(), &Settings::default());
    report
        .diagnostics
        .iter()
        .filter(|d| d.code == "FC004")
        .inspect(|d| {
            let file = d.primary.as_ref().map(|p| p.location.file);
            assert_eq!(file, Some(ci_file), "{}", text_of(d));
        })
        .map(|d| {
            let (start, end) = lines_cols(ci, d);
            (start, end, text_of(d))
        })
        .collect()
}

/// Jobs `deploy` and `review` extend `.t1`, which extends `.t2` … down to `.t{levels}`.
fn ci_extends_chain(levels: usize) -> String {
    let mut text = String::from(
        "deploy:\n  extends: .t1\n  environment: production\n  when: manual\n  only: [master]\nreview:\n  extends: .t1\n",
    );
    for i in 1..levels {
        text.push_str(&format!(".t{i}:\n  extends: .t{}\n", i + 1));
    }
    text.push_str(&format!(
        ".t{levels}:\n  script: [docker build -t $CI_REGISTRY_IMAGE/web -f Dockerfile .]\n"
    ));
    text
}

/// GitLab follows `extends` 11 levels deep (the job is level 0) and refuses a pipeline that
/// nests deeper ("nesting too deep in `extends`"); factory follows as far. At the limit nothing
/// is said; one level past it, one FC004 at the name not followed, though two jobs reach it and
/// FP003 and the `docker build` lines both read the jobs.
#[test]
fn ci_extends_depth_budget_is_gitlabs_11_levels() {
    assert_eq!(ci_fc004(&ci_extends_chain(11)), vec![]);
    let text = ci_extends_chain(12);
    let past = ci_fc004(&text);
    assert_eq!(past.len(), 1, "{past:?}");
    let (start, end, message) = &past[0];
    // `deploy` and `review` take 7 lines, then `.t{i}` 2 each: `.t11`'s `extends` is line 29.
    assert_eq!(text.lines().nth(28), Some("  extends: .t12"));
    assert_eq!(
        (start.line, start.column, end.line, end.column),
        (29, 12, 29, 16),
        "{message}"
    );
    assert!(
        message.contains("11 levels") && message.contains("`deploy`"),
        "{message}"
    );
}

/// `.fan` extends 998 templates, and each of the `jobs` jobs `.fan` and a template of its own
/// (its own list, so each walk is its own): 1 000 names followed per job. With `one_more`, a
/// job `first` follows one name before them, and a job `late` one after them.
fn ci_fanned_out(jobs: usize, one_more: bool) -> String {
    let fan: Vec<String> = (0..998).map(|i| format!(".l{i}")).collect();
    let mut text = format!(".fan:\n  extends: [{}]\n", fan.join(", "));
    for name in &fan {
        text.push_str(&format!("{name}: {{when: manual}}\n"));
    }
    for i in 0..jobs {
        text.push_str(&format!(".o{i}: {{stage: test}}\n"));
    }
    if one_more {
        text.push_str("first: {extends: .o0}\n");
    }
    for i in 0..jobs {
        text.push_str(&format!("j{i}: {{extends: [.fan, .o{i}]}}\n"));
    }
    if one_more {
        text.push_str("late: {extends: .o1}\n");
    }
    text
}

/// A file of templates that fan out is followed for at most 4 names per node of its tree, at
/// least 1 000 000 (this one has about 13 000 nodes): 1 000 jobs of 1 000 names each use it
/// exactly, and nothing is said. One name more, and one FC004 where following stopped: the
/// last name the last job reaches, `.l0` in `.fan`'s list (a list is followed from its last
/// name). The job after it follows nothing either, and that is not said twice.
#[test]
fn ci_extends_step_budget_is_a_million_names_for_a_small_file() {
    assert_eq!(ci_fc004(&ci_fanned_out(1000, false)), vec![]);
    let text = ci_fanned_out(1000, true);
    let past = ci_fc004(&text);
    assert_eq!(past.len(), 1, "{past:?}");
    let (start, end, message) = &past[0];
    assert!(text.starts_with(".fan:\n  extends: [.l0, .l1,"));
    assert_eq!(
        (start.line, start.column, end.line, end.column),
        (2, 13, 2, 16),
        "{message}"
    );
    assert!(message.contains("1000000"), "{message}");
}
