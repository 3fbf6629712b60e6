//! Hostile inputs are cut off by budgets with FC004, through the whole `lint` pipeline.

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
    let mut text = String::from(
        "x-a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let mut prev = 'a';
    for name in "bcdefghi".chars() {
        let refs = vec![format!("*{prev}"); 9].join(",");
        text.push_str(&format!("x-{name}: &{name} [{refs}]\n"));
        prev = name;
    }
    text.push_str("services:\n  app:\n    image: app:1.0\n    labels:\n      laughs: *i\n");
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
        .and_then(|s| s.split(')').next())
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
