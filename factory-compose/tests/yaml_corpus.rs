//! The 318 real compose files of `shared/corpus/`: none panics, the files Compose accepts parse
//! without YAML problems, every span is exact; and random or mutated input never panics.
#![allow(clippy::disallowed_methods)]

use factory_compose::yaml::{Limits, Parsed, ScalarStyle, View, YamlProblem, parse};
use factory_compose::{FileId, LineIndex, Span};
use proptest::prelude::*;

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/corpus");

/// One line of `INDEX.tsv`.
struct Listed {
    path: String,
    config_ok: String,
    config_error: String,
}

fn index() -> Vec<Listed> {
    let index = std::fs::read_to_string(format!("{CORPUS}/INDEX.tsv")).expect("corpus index");
    index
        .lines()
        .skip(1)
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            let mut cols = line.split('\t');
            let mut next = || cols.next().unwrap_or_default().to_owned();
            let (path, _features, config_ok, config_error) = (next(), next(), next(), next());
            Listed {
                path,
                config_ok,
                config_error,
            }
        })
        .filter(|l| l.path.ends_with(".yml") || l.path.ends_with(".yaml"))
        .collect()
}

fn read(path: &str) -> String {
    let bytes = std::fs::read(format!("{CORPUS}/{path}")).expect("corpus file");
    String::from_utf8(bytes).expect("corpus files are UTF-8")
}

fn check_span(text: &str, span: Span, what: &str) -> Result<(), String> {
    let (start, end) = (span.start as usize, span.end as usize);
    if start > end
        || end > text.len()
        || !text.is_char_boundary(start)
        || !text.is_char_boundary(end)
    {
        return Err(format!(
            "{what}: bad span {start}..{end} (len {})",
            text.len()
        ));
    }
    Ok(())
}

/// Spans within the text on char boundaries, ids inside the arena, and raw text that matches
/// each scalar's style.
fn check_tree(text: &str, parsed: &Parsed) -> Result<(), String> {
    let tree = &parsed.tree;
    let valid = |id: factory_compose::yaml::NodeId| (id.0 as usize) < tree.nodes.len();
    for (i, node) in tree.nodes.iter().enumerate() {
        check_span(text, node.span, &format!("node {i}"))?;
        if let Some((_, anchor)) = tree.anchor(factory_compose::yaml::NodeId(i as u32)) {
            check_span(text, *anchor, &format!("anchor of node {i}"))?;
        }
        let raw = &text[node.span.range()];
        let ok = match tree.view(factory_compose::yaml::NodeId(i as u32)) {
            View::Scalar(s) => match node.style {
                ScalarStyle::Plain => raw == s || raw.contains('\n') || raw.contains('\r'),
                ScalarStyle::SingleQuoted => {
                    raw.len() >= 2 && raw.starts_with('\'') && raw.ends_with('\'')
                }
                ScalarStyle::DoubleQuoted => {
                    raw.len() >= 2 && raw.starts_with('"') && raw.ends_with('"')
                }
                ScalarStyle::Literal => raw.starts_with('|'),
                ScalarStyle::Folded => raw.starts_with('>'),
            },
            View::Sequence(items) => {
                items.iter().all(|&id| valid(id))
                    && (!raw.starts_with('[') || raw.ends_with(']'))
                    && (raw.starts_with('[') || raw.starts_with('-'))
            }
            View::Mapping(entries) => {
                entries.iter().all(|e| valid(e.key) && valid(e.value))
                    && (!raw.starts_with('{') || raw.ends_with('}'))
                    && entries
                        .iter()
                        .filter_map(|e| tree.merged_from(e))
                        .all(|s| &text[s.range()] == "<<")
            }
        };
        if !ok {
            return Err(format!("node {i} {:?}: raw text {raw:?}", node.kind));
        }
    }
    if !tree.documents.iter().all(|&id| valid(id)) {
        return Err("document root outside the arena".to_owned());
    }
    for problem in &parsed.problems {
        let spans: Vec<Span> = match problem {
            YamlProblem::Syntax { span, .. }
            | YamlProblem::Limit { span, .. }
            | YamlProblem::UnknownAnchor { span, .. }
            | YamlProblem::BadMergeValue { span }
            | YamlProblem::AliasCycle { span, .. } => vec![*span],
            YamlProblem::DuplicateKey { first, second, .. } => vec![*first, *second],
        };
        for span in spans {
            check_span(text, span, &format!("{problem:?}"))?;
        }
    }
    Ok(())
}

fn is_yaml_failure(problem: &YamlProblem) -> bool {
    matches!(
        problem,
        YamlProblem::Syntax { .. }
            | YamlProblem::DuplicateKey { .. }
            | YamlProblem::Limit { .. }
            | YamlProblem::UnknownAnchor { .. }
            | YamlProblem::AliasCycle { .. }
            | YamlProblem::BadMergeValue { .. }
    )
}

#[test]
fn corpus_parses_like_compose() {
    let listed = index();
    assert!(
        listed.len() > 300,
        "only {} corpus files listed",
        listed.len()
    );
    let mut failures = Vec::new();
    let mut clean = 0;
    for file in &listed {
        let text = read(&file.path);
        let parsed = parse(text.as_str(), FileId(0), &Limits::default());
        if let Err(e) = check_tree(&text, &parsed) {
            failures.push(format!("{}: {e}", file.path));
        }
        // `yes` and `no-interpolate-only` files got past Compose's YAML parser.
        let compose_parsed = file.config_ok == "yes" || file.config_ok == "no-interpolate-only";
        if compose_parsed {
            if let Some(p) = parsed.problems.iter().find(|p| is_yaml_failure(p)) {
                failures.push(format!("{} ({}): {p:?}", file.path, file.config_ok));
            } else {
                clean += 1;
            }
        }
        // Compose's duplicate-key message names the key and both lines.
        if let Some(rest) = file.config_error.split("mapping key \"").nth(1) {
            let key = rest.split('"').next().unwrap_or_default();
            let numbers: Vec<usize> = file
                .config_error
                .split(|c: char| !c.is_ascii_digit())
                .filter_map(|n| n.parse().ok())
                .collect();
            let lines = LineIndex::new(&text);
            let found = parsed.problems.iter().any(|p| match p {
                YamlProblem::DuplicateKey {
                    key: k,
                    first,
                    second,
                    ..
                } => {
                    let (l1, l2) = (
                        lines.line_of(first.start) + 1,
                        lines.line_of(second.start) + 1,
                    );
                    k == key && numbers.ends_with(&[l2, l1])
                }
                _ => false,
            });
            if !found {
                failures.push(format!(
                    "{}: expected {:?}, got {:?}",
                    file.path, file.config_error, parsed.problems
                ));
            }
        } else if file.config_error.starts_with("failed to parse") && parsed.problems.is_empty() {
            failures.push(format!(
                "{}: Compose failed to parse it: {}",
                file.path, file.config_error
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} corpus files:\n{}",
        failures.len(),
        listed.len(),
        failures.join("\n")
    );
    assert!(clean > 290, "only {clean} clean files");
}

/// Pieces that make YAML interesting, to build random documents from.
const PIECES: &[&str] = &[
    "[",
    "]",
    "{",
    "}",
    ",",
    ":",
    " ",
    "\n",
    "- ",
    "? ",
    "&a ",
    "*a",
    "&b",
    "*b",
    "!",
    "!!str ",
    "!reset ",
    "|",
    ">-",
    "'",
    "\"",
    "#",
    "x",
    "0755",
    "\t",
    "\\",
    "---\n",
    "...\n",
    "%YAML 1.2\n",
    "é",
    "🦀",
    "<<: ",
    "\r\n",
    "  ",
    "\u{feff}",
    "@",
    "`",
    "%",
    "<<: *a\n",
    "<<: [*a, *b]\n",
    "k: v\n",
];

fn pieces() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..40).prop_map(|v| v.concat())
}

/// A slice of a corpus file with a random piece spliced in, cut at random char boundaries.
fn mutated_corpus() -> impl Strategy<Value = String> {
    let files: Vec<String> = index()
        .into_iter()
        .take(60)
        .map(|l| read(&l.path))
        .collect();
    let cuts = [
        any::<prop::sample::Index>(),
        any::<prop::sample::Index>(),
        any::<prop::sample::Index>(),
    ];
    (prop::sample::select(files), cuts, pieces()).prop_map(|(text, cuts, insert)| {
        let boundaries: Vec<usize> = text
            .char_indices()
            .map(|(i, _)| i)
            .chain([text.len()])
            .collect();
        let mut at = cuts.map(|c| *c.get(&boundaries));
        at.sort_unstable();
        format!("{}{insert}{}", &text[at[0]..at[1]], &text[at[1]..at[2]])
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_strings_never_panic(text in any::<String>()) {
        let parsed = parse(text.as_str(), FileId(0), &Limits::default());
        prop_assert!(check_spans_only(&text, &parsed).is_ok(), "{:?}", check_spans_only(&text, &parsed));
    }

    #[test]
    fn yaml_like_strings_never_panic(text in pieces()) {
        let parsed = parse(text.as_str(), FileId(0), &Limits::default());
        prop_assert!(check_spans_only(&text, &parsed).is_ok(), "{:?}", check_spans_only(&text, &parsed));
    }

    #[test]
    fn mutated_corpus_never_panics(text in mutated_corpus()) {
        let parsed = parse(text.as_str(), FileId(0), &Limits::default());
        prop_assert!(check_spans_only(&text, &parsed).is_ok(), "{:?}", check_spans_only(&text, &parsed));
    }
}

/// The span part of [`check_tree`] (random input makes odd but valid raw texts).
fn check_spans_only(text: &str, parsed: &Parsed) -> Result<(), String> {
    match check_tree(text, parsed) {
        Err(e) if e.contains("bad span") || e.contains("outside the arena") => Err(e),
        _ => Ok(()),
    }
}
