//! Hostile input: alias bombs, deep nesting, huge files. Each must fail fast with a limit, never
//! exhaust memory or the stack; a large legitimate file must pass with the default limits.

use std::fmt::Write as _;

use factory_compose::FileId;
use factory_compose::yaml::{LimitKind, Limits, Parsed, YamlProblem, parse, scalar_text};

/// Run `f` on a thread with Rust's default 2 MiB stack, to prove no recursion on input depth.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(f)
        .expect("spawn")
        .join()
        .expect("no stack overflow or panic")
}

/// The limit that stopped the parse (the last problem), checking that the tree was dropped.
fn only_limit(parsed: &Parsed) -> (LimitKind, usize) {
    match parsed.problems.as_slice() {
        [
            ..,
            YamlProblem::Limit {
                kind,
                expanded_at_stop,
                ..
            },
        ] => {
            assert!(parsed.tree.nodes.is_empty() && parsed.tree.documents.is_empty());
            (*kind, *expanded_at_stop)
        }
        other => panic!("expected a limit, got {other:?}"),
    }
}

fn limit_span(parsed: &Parsed) -> std::ops::Range<usize> {
    match parsed.problems.last() {
        Some(YamlProblem::Limit { span, .. }) => span.range(),
        other => panic!("expected a limit, got {other:?}"),
    }
}

fn billion_laughs() -> String {
    let mut text = String::from("a: &a [");
    text.push_str(&["\"lol\""; 9].join(","));
    text.push_str("]\n");
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    for pair in names.windows(2) {
        let aliases = vec![format!("*{}", pair[0]); 9].join(",");
        writeln!(text, "{0}: &{0} [{aliases}]", pair[1]).expect("write to string");
    }
    text
}

#[test]
fn billion_laughs_stops_within_the_budget() {
    let text = billion_laughs();
    let limits = Limits::default();
    let budget = limits
        .min_expanded_nodes
        .max(limits.expanded_nodes_per_byte * text.len());
    let parsed = on_small_stack(move || parse(billion_laughs(), FileId(0), &Limits::default()));
    let (kind, expanded_at_stop) = only_limit(&parsed);
    assert_eq!(kind, LimitKind::Expansion { limit: budget });
    assert!(expanded_at_stop <= budget, "{expanded_at_stop} > {budget}");
    // Levels b..e expand to 90 + 819 + 7380 + 66429 nodes; the first `*e` would pass the budget.
    assert_eq!(expanded_at_stop, 90 + 819 + 7380 + 66429);
    assert_eq!(&text[limit_span(&parsed)], "*e");
}

#[test]
fn a_budget_past_u32_acts_as_the_largest_one() {
    // 12 levels of 9 aliases expand to about 9^12 = 2.8e11 nodes, past `u32::MAX`: with an
    // unbounded budget the parse stops at the largest one the builder counts to, where exact
    // sizes would have stopped it too.
    let mut text = String::from("l0: &l0 [x, x, x, x, x, x, x, x, x]\n");
    for i in 1..13 {
        let aliases = vec![format!("*l{}", i - 1); 9].join(",");
        writeln!(text, "l{i}: &l{i} [{aliases}]").expect("write to string");
    }
    let limits = Limits {
        min_expanded_nodes: usize::MAX,
        ..Limits::default()
    };
    let largest = u32::MAX as usize - 1;
    let parsed = parse(text.as_str(), FileId(0), &limits);
    let (kind, expanded_at_stop) = only_limit(&parsed);
    assert_eq!(kind, LimitKind::Expansion { limit: largest });
    // Level i is 9 aliases of level i - 1, which expands to `size` nodes: the parse stops at
    // the first alias that takes the count past the budget (the last `*l8`).
    let (mut size, mut expanded) = (10_usize, 0_usize);
    let stop = 'walk: {
        for level in 1..13 {
            for _ in 0..9 {
                if expanded + size > largest {
                    break 'walk level - 1;
                }
                expanded += size;
            }
            size = 9 * size + 1;
        }
        panic!("the file fits the budget");
    };
    assert_eq!(expanded_at_stop, expanded);
    assert_eq!(&text[limit_span(&parsed)], format!("*l{stop}"));
    assert_eq!(stop, 8);
}

#[test]
fn expansion_budget_counts_merge_keys_too() {
    // Each level merges the previous one twice through a list: every use of an alias in a merge key
    // counts the expanded size of its target (here about 2 * 2i nodes at level i).
    let mut text = String::from("l0: &l0 {k0: 0}\n");
    for i in 1..40 {
        writeln!(
            text,
            "l{i}: &l{i} {{<<: [*l{p}, *l{p}], k{i}: {i}}}",
            p = i - 1
        )
        .expect("write");
    }
    let limits = Limits {
        min_expanded_nodes: 1000,
        expanded_nodes_per_byte: 0,
        ..Limits::default()
    };
    let parsed = parse(text.as_str(), FileId(0), &limits);
    let (kind, expanded_at_stop) = only_limit(&parsed);
    assert_eq!(kind, LimitKind::Expansion { limit: 1000 });
    assert!(expanded_at_stop <= 1000);
    // And the same file passes with the defaults.
    let parsed = parse(text.as_str(), FileId(0), &Limits::default());
    assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
}

#[test]
fn deep_block_sequences_hit_the_depth_limit_without_recursion() {
    let parsed = on_small_stack(|| parse("- ".repeat(100_000), FileId(0), &Limits::default()));
    let (kind, _) = only_limit(&parsed);
    assert_eq!(kind, LimitKind::Depth { limit: 256 });
    // The 257th `-` opens the sequence that is one too deep.
    assert_eq!(limit_span(&parsed).start, 256 * 2);
}

#[test]
fn deep_flow_sequences_hit_the_depth_limit_without_recursion() {
    for text in [
        "[".repeat(100_000),
        "{a: ".repeat(100_000),
        "[".repeat(100_000) + &"]".repeat(100_000),
    ] {
        let parsed = on_small_stack(move || parse(text.as_str(), FileId(0), &Limits::default()));
        let (kind, _) = only_limit(&parsed);
        // saphyr-parser stops flow nesting at 255 levels, below the default 256.
        assert_eq!(kind, LimitKind::Depth { limit: 255 });
    }
}

#[test]
fn depth_limit_is_exact() {
    let limits = Limits {
        max_depth: 3,
        ..Limits::default()
    };
    let parsed = parse("[[[1]]]", FileId(0), &limits);
    assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
    let parsed = parse("a:\n  b:\n    - [1]\n", FileId(0), &limits);
    let (kind, _) = only_limit(&parsed);
    assert_eq!(kind, LimitKind::Depth { limit: 3 });
    assert_eq!(limit_span(&parsed), 14..15);
}

#[test]
fn ten_thousand_services_with_merge_keys_pass() {
    let mut text = String::from(
        "x-base: &base\n  image: registry.example.com/app:1.2.3\n  restart: always\n  labels:\n    \
         traefik.enable: \"true\"\n    traefik.port: \"8080\"\n    cron.schedule: \"0 * * * *\"\n\
         services:\n",
    );
    for i in 0..10_000 {
        writeln!(
            text,
            "  svc{i}:\n    <<: *base\n    container_name: svc{i}\n    environment:\n      INDEX: \"{i}\"\n      \
             MODE: production"
        )
        .expect("write");
    }
    let parsed = parse(text.as_str(), FileId(0), &Limits::default());
    assert!(parsed.problems.is_empty(), "{:?}", parsed.problems.first());
    let tree = &parsed.tree;
    let services = tree
        .get(tree.root().expect("root"), "services")
        .expect("services")
        .value;
    let last = tree.get(services, "svc9999").expect("svc9999").value;
    let image = tree.get(last, "image").expect("merged image");
    assert!(image.is_merged());
    assert_eq!(
        scalar_text(tree, image.value),
        Some("registry.example.com/app:1.2.3")
    );
}

#[test]
fn oversized_file_is_refused_before_parsing() {
    let limits = Limits {
        max_file_bytes: 10,
        ..Limits::default()
    };
    let parsed = parse("a: [1, 2, 3]", FileId(0), &limits);
    let (kind, _) = only_limit(&parsed);
    assert_eq!(kind, LimitKind::FileSize { limit: 10 });
    assert!(parse("a: [1, 2]", FileId(0), &limits).problems.is_empty());
}
