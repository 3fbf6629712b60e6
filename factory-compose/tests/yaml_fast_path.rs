//! The fast YAML front end gives exactly the tree and the problems saphyr-parser's pass gives,
//! on every corpus file and example, and on random block-style documents; and it does read the
//! files it was written for instead of declining them all.
#![allow(clippy::disallowed_methods)]

use factory_compose::FileId;
use factory_compose::yaml::{Limits, Parsed, fast_path_reads, parse, parse_with_saphyr};
use proptest::prelude::*;

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/corpus");
const EXAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples");

/// Both passes over `text`; `Err` describes the first difference.
fn same_as_saphyr(text: &str) -> Result<(), String> {
    let limits = Limits::default();
    let fast: Parsed = parse(text, FileId(3), &limits);
    let slow: Parsed = parse_with_saphyr(text, FileId(3), &limits);
    if fast.problems != slow.problems {
        return Err(format!(
            "problems differ:\nfast {:?}\nsaphyr {:?}",
            fast.problems, slow.problems
        ));
    }
    if fast.tree.documents != slow.tree.documents {
        return Err(format!(
            "documents differ: fast {:?}, saphyr {:?}",
            fast.tree.documents, slow.tree.documents
        ));
    }
    if fast.tree.nodes.len() != slow.tree.nodes.len() {
        return Err(format!(
            "node count differs: fast {}, saphyr {}",
            fast.tree.nodes.len(),
            slow.tree.nodes.len()
        ));
    }
    for (i, (a, b)) in fast.tree.nodes.iter().zip(&slow.tree.nodes).enumerate() {
        if a != b {
            return Err(format!("node {i} differs:\nfast   {a:?}\nsaphyr {b:?}"));
        }
    }
    Ok(())
}

fn yaml_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            yaml_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "yml" || e == "yaml") {
            out.push(path);
        }
    }
}

#[test]
fn corpus_and_examples_parse_the_same_both_ways() {
    let mut files = Vec::new();
    yaml_files(std::path::Path::new(CORPUS), &mut files);
    yaml_files(std::path::Path::new(EXAMPLES), &mut files);
    files.sort();
    assert!(files.len() > 300, "corpus not found: {} files", files.len());
    let mut failures = Vec::new();
    let mut fast = 0;
    for path in &files {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        if fast_path_reads(&text) {
            fast += 1;
        }
        if let Err(why) = same_as_saphyr(&text) {
            failures.push(format!("{}: {why}", path.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    // What the fast path reads today; a change that makes it decline most files shows here.
    assert!(
        fast * 2 > files.len(),
        "the fast path read only {fast} of {} files",
        files.len()
    );
}

#[test]
fn the_fast_path_reads_the_usual_constructs() {
    let text = "version: \"3\"\nx-base: &base\n  image: a:b  # c\n  test: [\"CMD\", 'x', y]\n  e: []\nservices:\n  web:\n    <<: *base\n    labels:\n      a: 'it''s'\n      b:\n    ports:\n    - \"80:80\"\n    -\n    x:\n      - a\n      - b: c\n        d: e\n    y:\n      &z\n      k: {}\n    cmd: --a -b\n    z: [--c, -1]\n";
    assert!(fast_path_reads(text));
    same_as_saphyr(text).unwrap();
}

#[test]
fn the_fast_path_declines_what_it_does_not_read() {
    for text in [
        "a: |\n  x\n",
        "a: b\n  c\n",
        "a: \"x\\ty\"\n",
        "a: {b: c}\n",
        "a: !reset x\n",
        "---\na: b\n---\nc: d\n",
        "a: b\n...\n",
        "a:\tb\n",
        "a: b\r\n",
        "\u{feff}a: b\n",
        "a: b: c\n",
        "a: *nope\n",
        "",
        "  a: b\n",
        "a: [b,\n  c]\n",
    ] {
        assert!(!fast_path_reads(text), "{text:?}");
        same_as_saphyr(text).unwrap();
    }
}

/// Lines of a block document drawn from the constructs the fast path reads and their near misses.
fn block_document() -> impl Strategy<Value = String> {
    let indent = prop::sample::select(vec!["", "  ", "    ", "      ", " ", "   "]);
    let head = prop::sample::select(vec![
        "- ", "-", "key: ", "key:", "k2: ", "\"q\": ", "'s': ", "- a: ", "<<: ", "x: &a", "",
        "# c", "a b: ", "-x: ", "k : ", "? ", "---", "--- ", "...", "&a", "--x: ", "- --y",
    ]);
    let tail = prop::sample::select(vec![
        "",
        "v",
        "v w",
        "\"d q\"",
        "'s''q'",
        "[]",
        "[a, \"b\", 'c']",
        "[a,]",
        "*a",
        "&a",
        "v # c",
        "v#c",
        "a:b",
        "a: b",
        "http://x:1/",
        "[a",
        "é",
        "-1",
        "- z",
        "{}",
        "|",
        ">-",
        "\"\\n\"",
        "!t v",
        "v ]",
        "%",
        "@",
        ":",
        "{ }",
        "{a}",
        "--",
        "-",
        "[-, --a]",
        "x\ty",
    ]);
    prop::collection::vec((indent, head, tail), 0..12).prop_map(|lines| {
        lines
            .into_iter()
            .map(|(i, h, t)| format!("{i}{h}{t}\n"))
            .collect::<String>()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    #[test]
    fn random_block_documents_parse_the_same_both_ways(text in block_document()) {
        if let Err(why) = same_as_saphyr(&text) {
            prop_assert!(false, "{text:?}\n{why}");
        }
    }
}
