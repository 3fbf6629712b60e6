//! Hostile inputs are cut off by budgets with FC004, through the whole `lint` pipeline.

mod support;

use factory_compose::yaml::Limits;
use factory_compose::{FileKind, ProcessEnv, Report, Settings, SourceFile, SourceMap, lint};

fn lint_text(text: String) -> Report {
    let mut sources = SourceMap::new();
    sources.add(SourceFile::new(
        "docker-compose.yml",
        text,
        FileKind::Compose,
    ));
    lint(&sources, &ProcessEnv::default(), &Settings::default())
}

fn codes(report: &Report) -> Vec<&'static str> {
    report.diagnostics.iter().map(|d| d.code).collect()
}

/// Run on a thread with the default 2 MiB stack, as a test harness thread or a user's `main`
/// on a small stack would.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(f)
        .expect("thread")
        .join()
        .expect("no panic")
}

#[test]
fn billion_laughs_is_fc004_and_the_budget_stops_expansion_early() {
    let text = support::billion_laughs(
        "services:\n  app:\n    image: app:1.0\n    labels:\n      laughs: *i\n",
    );
    let len = text.len();
    let report = lint_text(text);
    assert_eq!(codes(&report), ["FC004"], "{:?}", report.diagnostics);
    let message = &report.diagnostics[0].message;
    // The message carries the counter at the stop: it is within the budget, which is
    // proportional to the input, not anywhere near 9^9.
    let limits = Limits::default();
    let budget = limits
        .min_expanded_nodes
        .max(limits.expanded_nodes_per_byte * len);
    let stopped: usize = message
        .split("stopped after ")
        .nth(1)
        .and_then(|s| s.split([')', ',']).next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no counter in {message:?}"));
    assert!(
        stopped <= budget,
        "expansion went to {stopped}, past the budget {budget}"
    );
    assert!(stopped < 9usize.pow(9) / 1000);
}

#[test]
fn a_hundred_thousand_nested_sequences_is_fc004_without_stack_overflow() {
    let report = on_small_stack(|| {
        let depth = 100_000;
        let text = format!("services: {}{}\n", "[".repeat(depth), "]".repeat(depth));
        lint_text(text)
    });
    assert_eq!(codes(&report), ["FC004"], "{:?}", report.diagnostics);
    assert!(report.diagnostics[0].message.contains("nested"));
}

#[test]
fn a_hundred_thousand_nested_block_sequences_is_fc004() {
    let report = on_small_stack(|| {
        // Compact block sequences: `- - - … x` nests one level per `- ` on a single line.
        let text = format!("x: \n  {}x\n", "- ".repeat(100_000));
        lint_text(text)
    });
    assert!(codes(&report).contains(&"FC004"), "{:?}", codes(&report));
}

#[test]
fn ten_thousand_services_with_merge_keys_pass() {
    let mut text = String::from(
        "version: \"3\"\nx-base: &base\n  image: registry.example/app:1.0\n  restart: always\n  labels:\n    a: \"1\"\n    b: \"2\"\nservices:\n",
    );
    for i in 0..10_000 {
        text.push_str(&format!(
            "  s{i}:\n    <<: *base\n    environment:\n      N: \"{i}\"\n"
        ));
    }
    let report = lint_text(text);
    let bad: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.code.starts_with("FC00"))
        .collect();
    assert!(bad.is_empty(), "{bad:?}");
}

/// Every text of `report` a reader sees: messages, helps and label notes.
fn words(report: &Report) -> Vec<&str> {
    let mut out = Vec::new();
    for d in &report.diagnostics {
        out.push(d.message.as_str());
        out.extend(d.help.as_deref());
        let labels = d.primary.iter().chain(&d.secondary);
        out.extend(labels.filter_map(|l| l.text.as_deref()));
    }
    out
}

#[test]
fn a_huge_value_is_not_repeated_in_the_diagnostics_that_quote_it() {
    // A 2 MB image (FC034 quotes it), key (FC012), label key (FJ002 quotes the schedule) and an
    // unknown service name in `depends_on` (FC029). Before, each message carried all of it.
    let long = "y".repeat(2_000_000);
    let key = "k".repeat(1_000);
    let text = format!(
        "services:\n  app:\n    image: x{long}\n    {key}: 1\n    depends_on: [d{long}]\n    labels:\n      sh.factory.cronjob.schedule: \"0 {long} * * *\"\n      sh.factory.cronjob.command: run\n"
    );
    let report = lint_text(text);
    for code in ["FC034", "FC012", "FC029", "FJ002"] {
        assert!(
            codes(&report).contains(&code),
            "{code}: {:?}",
            codes(&report)
        );
    }
    for text in words(&report) {
        assert!(
            text.chars().count() < 1_000,
            "{} characters: {}",
            text.len(),
            &text[..200]
        );
    }
    let fc034 = report.diagnostics.iter().find(|d| d.code == "FC034");
    let message = fc034.map(|d| d.message.as_str()).unwrap_or_default();
    let kept = format!("`x{}…`", "y".repeat(119));
    assert!(message.starts_with(&kept), "{message}");
}

#[test]
fn a_long_secret_is_masked_before_the_values_are_shortened() {
    // Shortening first would keep the secret's first 120 characters in the message.
    let secret = "s".repeat(500);
    let mut sources = SourceMap::new();
    sources.add(SourceFile::new(
        "docker-compose.yml",
        "services:\n  app:\n    image: ${IMAGE}\n".to_owned(),
        FileKind::Compose,
    ));
    let process = ProcessEnv {
        vars: vec![("SV_PRODUCTION_IMAGE".to_owned(), secret.clone())],
    };
    let settings = Settings {
        mode: factory_compose::Mode::Deploy {
            environment: "production".to_owned(),
            url: None,
        },
        ..Settings::default()
    };
    let report = lint(&sources, &process, &settings);
    assert!(
        codes(&report).contains(&"FC034"),
        "{:?}",
        report.diagnostics
    );
    for text in words(&report) {
        assert!(!text.contains(&secret[..20]), "{text}");
    }
}

#[test]
fn fc029_lists_ten_services_and_counts_the_others() {
    let mut text = String::from("services:\n  app:\n    image: app:1.0\n    depends_on: [nope]\n");
    for k in 0..12 {
        text.push_str(&format!("  s{k}:\n    image: app:1.0\n"));
    }
    let report = lint_text(text);
    let help = report
        .diagnostics
        .iter()
        .find(|d| d.code == "FC029")
        .and_then(|d| d.help.as_deref());
    assert_eq!(
        help,
        Some("the services are: app, s0, s1, s2, s3, s4, s5, s6, s7, s8 and 3 more")
    );
}

#[test]
fn a_cycle_through_thousands_of_services_is_one_short_message() {
    let n = 20_000;
    let mut text = String::from("services:\n");
    for i in 0..n {
        text.push_str(&format!(
            "  a{i}: {{image: x:1, depends_on: [a{}]}}\n",
            (i + 1) % n
        ));
    }
    let report = lint_text(text);
    let cycles: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.code == "FC030")
        .collect();
    assert_eq!(cycles.len(), 1, "{cycles:?}");
    let message = &cycles[0].message;
    assert!(
        message.ends_with(
            "a0 → a1 → a2 → a3 → a4 → a5 → a6 → a7 → … 19989 more … → a19997 → a19998 → a19999 → a0"
        ),
        "{message}"
    );
}

#[test]
fn links_repeating_a_dependency_add_no_edge() {
    // `db` is named by `depends_on` and by three links (one with an alias), `web` and `app` by
    // two links each: one edge per pair of services, so each cycle is reported once.
    let report = lint_text(
        "services:\n  app:\n    image: x:1\n    depends_on: [db]\n    links: [db, 'db:d', db, web, 'web:w']\n  db:\n    image: x:1\n    links: [app]\n  web:\n    image: x:1\n    links: ['app:a', app]\n"
            .to_owned(),
    );
    let cycles: Vec<&str> = report
        .diagnostics
        .iter()
        .filter(|d| d.code == "FC030")
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(
        cycles,
        [
            "`links` forms a dependency cycle: app → db → app",
            "`links` forms a dependency cycle: app → web → app",
        ]
    );
}
