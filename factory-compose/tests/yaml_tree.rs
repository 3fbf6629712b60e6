//! The span tree: byte spans, styles, tags, anchors, aliases, merge keys, duplicate keys.

use factory_compose::FileId;
use factory_compose::yaml::{
    Entry, Limits, NodeId, NodeKind, Parsed, ScalarStyle, Tree, View, YamlProblem, parse,
    scalar_text,
};

fn parse_ok(text: &str) -> Tree {
    let parsed = parse(text, FileId(0), &Limits::default());
    assert!(
        parsed.problems.is_empty(),
        "unexpected problems: {:?}",
        parsed.problems
    );
    parsed.tree
}

/// The source text of a node.
fn src<'a>(text: &'a str, tree: &Tree, id: NodeId) -> &'a str {
    &text[tree.node(id).span.range()]
}

fn root(tree: &Tree) -> NodeId {
    tree.root().expect("a document")
}

/// Follow `path` (mapping keys) from the root.
fn at(tree: &Tree, path: &[&str]) -> NodeId {
    let mut id = root(tree);
    for key in path {
        id = tree
            .get(id, key)
            .unwrap_or_else(|| panic!("no key {key}"))
            .value;
    }
    id
}

fn keys(tree: &Tree, map: NodeId) -> Vec<(String, bool)> {
    match tree.view(map) {
        View::Mapping(entries) => entries
            .iter()
            .map(|e| {
                (
                    scalar_text(tree, e.key).unwrap_or("?").to_owned(),
                    e.is_merged(),
                )
            })
            .collect(),
        other => panic!("not a mapping: {other:?}"),
    }
}

fn value_of<'t>(tree: &'t Tree, path: &[&str]) -> &'t str {
    scalar_text(tree, at(tree, path)).expect("a scalar")
}

#[test]
fn scalar_spans_are_bytes_after_multibyte_text() {
    let text = "é: \"x\"\n🦀🦀: 'y''z'\nplain: hello world  # comment\nlit: |\n  a é\n  b\n\n\nfold: >-\n  c\n  d\nq: \"a\\\"b\"  # c\n";
    let tree = parse_ok(text);
    let r = root(&tree);
    let entry = |k: &str| tree.get(r, k).copied().unwrap_or_else(|| panic!("{k}"));
    let e: Entry = entry("é");
    assert_eq!(src(text, &tree, e.key), "é");
    assert_eq!(src(text, &tree, e.value), "\"x\"");
    let crab = entry("🦀🦀");
    assert_eq!(src(text, &tree, crab.key), "🦀🦀");
    assert_eq!(src(text, &tree, crab.value), "'y''z'");
    assert_eq!(scalar_text(&tree, crab.value), Some("y'z"));
    let plain = entry("plain").value;
    assert_eq!(src(text, &tree, plain), "hello world");
    let lit = entry("lit").value;
    assert_eq!(src(text, &tree, lit), "|\n  a é\n  b");
    assert_eq!(scalar_text(&tree, lit), Some("a é\nb\n"));
    let fold = entry("fold").value;
    assert_eq!(src(text, &tree, fold), ">-\n  c\n  d");
    assert_eq!(scalar_text(&tree, fold), Some("c d"));
    let q = entry("q").value;
    assert_eq!(src(text, &tree, q), "\"a\\\"b\"");
    assert_eq!(scalar_text(&tree, q), Some("a\"b"));
    let styles: Vec<ScalarStyle> = ["é", "🦀🦀", "plain", "lit", "fold"]
        .iter()
        .map(|k| {
            let node = tree.node(entry(k).value);
            assert!(matches!(node.kind, NodeKind::Scalar(_)), "scalar");
            node.style
        })
        .collect();
    assert_eq!(
        styles,
        [
            ScalarStyle::DoubleQuoted,
            ScalarStyle::SingleQuoted,
            ScalarStyle::Plain,
            ScalarStyle::Literal,
            ScalarStyle::Folded
        ]
    );
}

#[test]
fn collection_spans_flow_and_block() {
    let text = "🦀: [1, {k: v}, \"é\"]\nblock:\n  é: 1\n  list:\n  - a\n  - - b\n    - c\n";
    let tree = parse_ok(text);
    assert_eq!(src(text, &tree, at(&tree, &["🦀"])), "[1, {k: v}, \"é\"]");
    let flow_map = match tree.view(at(&tree, &["🦀"])) {
        View::Sequence(items) => items[1],
        _ => panic!("sequence"),
    };
    assert_eq!(src(text, &tree, flow_map), "{k: v}");
    assert_eq!(
        src(text, &tree, at(&tree, &["block"])),
        "é: 1\n  list:\n  - a\n  - - b\n    - c"
    );
    let list = at(&tree, &["block", "list"]);
    assert_eq!(src(text, &tree, list), "- a\n  - - b\n    - c");
    let inner = match tree.view(list) {
        View::Sequence(items) => items[1],
        _ => panic!("sequence"),
    };
    assert_eq!(src(text, &tree, inner), "- b\n    - c");
    assert_eq!(src(text, &tree, root(&tree)), text.trim_end());
}

#[test]
fn tags_and_anchors_are_kept_with_spans() {
    let text = "a: !reset []\nb: !override\n  x: 1\nc: &é !!str 12\nd: *é\ne: !reset\n";
    let tree = parse_ok(text);
    let a = tree.node(at(&tree, &["a"]));
    let a_tag = tree.tag(at(&tree, &["a"]));
    assert!(a_tag.is_some_and(|t| t.is_reset()), "{a_tag:?}");
    assert_eq!(&text[a.span.range()], "[]");
    let b = tree.node(at(&tree, &["b"]));
    assert!(tree.tag(at(&tree, &["b"])).is_some_and(|t| t.is_override()));
    assert_eq!(&text[b.span.range()], "x: 1");
    let c = tree.node(at(&tree, &["c"]));
    let tag = tree.tag(at(&tree, &["c"])).expect("tag");
    assert_eq!((tag.handle.as_str(), tag.suffix.as_str()), ("!!", "str"));
    let (name, anchor_span) = tree.anchor(at(&tree, &["c"])).expect("anchor");
    assert_eq!(name, "é");
    assert_eq!(&text[anchor_span.range()], "&é");
    assert_eq!(&text[c.span.range()], "12");
    // The alias is the anchored node itself, not a copy.
    assert_eq!(at(&tree, &["d"]), at(&tree, &["c"]));
    assert!(tree.tag(at(&tree, &["e"])).is_some_and(|t| t.is_reset()));
    assert_eq!(scalar_text(&tree, at(&tree, &["e"])), Some(""));
}

#[test]
fn multiple_documents_are_all_kept() {
    let text = "---\na: 1\n---\nb: &x 2\n...\n--- |\n  text\n";
    let tree = parse_ok(text);
    assert_eq!(tree.documents.len(), 3);
    assert_eq!(src(text, &tree, tree.documents[2]), "|\n  text");
    // Compose resolves an alias to an anchor of an earlier document.
    let tree = parse_ok("a: &x 1\n---\nb: *x\n");
    assert_eq!(
        scalar_text(&tree, tree.get(tree.documents[1], "b").unwrap().value),
        Some("1")
    );
}

#[test]
fn empty_input_has_no_document() {
    assert!(parse_ok("").documents.is_empty());
    assert!(parse_ok("# only a comment\n").documents.is_empty());
}

// Merge-key expectations below were checked with `docker compose config` (v2.40.3) on the same
// shapes (see /tmp/oc/m1.yml, m2.yml in the session notes): explicit keys win wherever `<<` is,
// earlier mappings in a `<<` list win, nested merges resolve inside the anchor first.
const MERGES: &str = "\
x-base: &base
  image: base
  restart: always
x-a: &a
  image: a
  hostname: ha
x-b: &b
  <<: *a
  image: b
  domainname: db
services:
  before:
    image: own
    <<: *base
  after:
    <<: *base
    image: own
  list:
    <<: [*base, {image: second, restart: 'no', hostname: h2}]
  list2:
    <<: [{image: first}, *base]
  inline:
    <<: {image: inl, hostname: ih}
    restart: 'no'
  nested:
    <<: *b
  nested2:
    <<: [*b, *a]
    working_dir: /w
";

#[test]
fn merge_keys_follow_compose_precedence() {
    let tree = parse_ok(MERGES);
    let v = |s: &str, k: &str| value_of(&tree, &["services", s, k]).to_owned();
    assert_eq!(v("before", "image"), "own");
    assert_eq!(v("before", "restart"), "always");
    assert_eq!(v("after", "image"), "own");
    assert_eq!(v("list", "image"), "base");
    assert_eq!(v("list", "restart"), "always");
    assert_eq!(v("list", "hostname"), "h2");
    assert_eq!(v("list2", "image"), "first");
    assert_eq!(v("list2", "restart"), "always");
    assert_eq!(v("inline", "image"), "inl");
    assert_eq!(v("inline", "restart"), "no");
    assert_eq!(v("nested", "image"), "b");
    assert_eq!(v("nested", "hostname"), "ha");
    assert_eq!(v("nested", "domainname"), "db");
    assert_eq!(v("nested2", "image"), "b");
    assert_eq!(v("nested2", "working_dir"), "/w");
    // Own entries first, then inherited ones in merge order; `<<` itself is not an entry.
    let before = at(&tree, &["services", "before"]);
    assert_eq!(
        keys(&tree, before),
        [("image".to_owned(), false), ("restart".to_owned(), true)]
    );
    let list = at(&tree, &["services", "list"]);
    assert_eq!(
        keys(&tree, list),
        [
            ("image".to_owned(), true),
            ("restart".to_owned(), true),
            ("hostname".to_owned(), true)
        ]
    );
    // merged_from is the span of this mapping's `<<` key.
    let entry = tree.get(before, "restart").unwrap();
    let merged_from = tree.merged_from(entry).expect("merged");
    assert_eq!(&MERGES[merged_from.range()], "<<");
    assert!(merged_from.start as usize > MERGES.find("  before:").unwrap());
    // The inherited value is the anchor's node.
    assert_eq!(entry.value, at(&tree, &["x-base", "restart"]));
}

#[test]
fn bad_merge_values_are_reported() {
    for (text, value) in [
        ("a:\n  b: 1\n  <<: \"str\"\n", "\"str\""),
        ("l: &l [1, 2]\na:\n  b: 1\n  <<: *l\n", "*l"),
        ("a:\n  b: 1\n  <<: [{c: 1}, x]\n", "[{c: 1}, x]"),
        ("a:\n  b: 1\n  <<: ~\n", "~"),
    ] {
        let parsed = parse(text, FileId(0), &Limits::default());
        match parsed.problems.as_slice() {
            [YamlProblem::BadMergeValue { span }] => assert_eq!(&text[span.range()], value),
            other => panic!("{text:?}: {other:?}"),
        }
        let tree = &parsed.tree;
        assert_eq!(value_of(tree, &["a", "b"]), "1", "{text:?}");
    }
}

#[test]
fn quoted_merge_key_is_a_plain_key() {
    let tree = parse_ok("x: &x {h: 1}\na:\n  \"<<\": *x\n  m: !!merge <<\n");
    let a = at(&tree, &["a"]);
    assert!(tree.get(a, "<<").is_some());
    let tree = parse_ok("x: &x {h: 1}\na:\n  !!merge <<: *x\n");
    assert_eq!(value_of(&tree, &["a", "h"]), "1");
}

#[test]
fn duplicate_keys_report_both_spans_and_keep_the_first() {
    let text = "é: 1\nb: 2\n\"é\": 3\nx: &x {k: 1}\nm:\n  <<: *x\n  k: 2\n  <<: {z: 1}\n";
    let parsed = parse(text, FileId(0), &Limits::default());
    let dups: Vec<_> = parsed
        .problems
        .iter()
        .map(|p| match p {
            YamlProblem::DuplicateKey {
                key, first, second, ..
            } => (
                key.clone(),
                &text[first.range()],
                &text[second.range()],
                first.start,
                second.start,
            ),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(dups.len(), 2, "{dups:?}");
    assert_eq!(
        (dups[0].0.as_str(), dups[0].1, dups[0].2),
        ("é", "é", "\"é\"")
    );
    assert_eq!(dups[0].3, 0);
    assert_eq!(
        (dups[1].0.as_str(), dups[1].1, dups[1].2),
        ("<<", "<<", "<<")
    );
    assert!(dups[1].3 < dups[1].4);
    let tree = &parsed.tree;
    assert_eq!(value_of(tree, &["é"]), "1");
    // `k` written explicitly and inherited through `<<` is not a duplicate; the explicit one wins.
    assert_eq!(value_of(tree, &["m", "k"]), "2");
    // A second `<<` is a duplicate (Compose refuses the file) that is merged too, as Ruby's
    // YAML library merges it for GitLab: what it brings is in the tree, under what the mapping
    // already has.
    assert_eq!(value_of(tree, &["m", "z"]), "1");
    assert!(parsed.merged_over.is_empty(), "{:?}", parsed.merged_over);
}

#[test]
fn keys_a_later_merge_key_also_brings_are_recorded() {
    let text = "a: &a {k: 1, j: 1}
b: &b {k: 2, i: 2}
m:
  k: 0
  <<: [*a, *b]
  j: 0
";
    let parsed = parse(text, FileId(0), &Limits::default());
    assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
    let tree = &parsed.tree;
    // The tree keeps the mapping's own values, as go-yaml does.
    assert_eq!(value_of(tree, &["m", "k"]), "0");
    assert_eq!(value_of(tree, &["m", "j"]), "0");
    assert_eq!(value_of(tree, &["m", "i"]), "2");
    // Only `k` is written before the `<<`; the first mapping of the list that has it is `a`.
    let recorded: Vec<_> = parsed
        .merged_over
        .iter()
        .map(|m| {
            (
                &text[m.key.range()],
                &text[m.merge_key.range()],
                factory_compose::yaml::scalar_text(tree, m.value).unwrap_or("?"),
                m.mapping == at(tree, &["m"]),
            )
        })
        .collect();
    assert_eq!(recorded, [("k", "<<", "1", true)]);
}

#[test]
fn unknown_anchor_and_cycles() {
    let text = "a: 1\nb: *nope\n";
    let parsed = parse(text, FileId(0), &Limits::default());
    match parsed.problems.as_slice() {
        [YamlProblem::UnknownAnchor { name, span }] => {
            assert_eq!(name, "nope");
            assert_eq!(&text[span.range()], "*nope");
        }
        other => panic!("{other:?}"),
    }
    let text = "x: &a\n  b: *a\n";
    let parsed = parse(text, FileId(0), &Limits::default());
    match parsed.problems.as_slice() {
        [YamlProblem::AliasCycle { name, span }] => {
            assert_eq!(name, "a");
            assert_eq!(&text[span.range()], "*a");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn syntax_errors_keep_earlier_documents() {
    let text = "a: 1\n---\nb: [1, 2\n";
    let parsed: Parsed = parse(text, FileId(0), &Limits::default());
    assert_eq!(parsed.tree.documents.len(), 1);
    match parsed.problems.as_slice() {
        [YamlProblem::Syntax { message, span }] => {
            assert!(!message.is_empty());
            assert!(text.is_char_boundary(span.start as usize));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn file_id_is_recorded() {
    let parsed = parse("a: b\n", FileId(7), &Limits::default());
    assert!(parsed.tree.nodes.iter().all(|n| n.file == FileId(7)));
}

/// saphyr-parser rejects flow content indented at or left of its block parent; go-yaml (and so
/// Compose) accepts it: `docker compose config` printed `"command": ["a", "b"]` and
/// `"environment": {"A": "1"}` for this service.
#[test]
fn flow_collections_may_be_indented_anywhere() {
    let text = "services:\n  a:\n    image: x\n    command: [\n  \"a\", # c\n\"b\",\n]\n    environment: {\nA: 1\n}\n";
    let tree = parse_ok(text);
    let a = at(&tree, &["services", "a"]);
    assert_eq!(
        src(text, &tree, tree.get(a, "command").unwrap().value),
        "[\n  \"a\", # c\n\"b\",\n]"
    );
    assert_eq!(value_of(&tree, &["services", "a", "environment", "A"]), "1");
    assert_eq!(value_of(&tree, &["services", "a", "image"]), "x");
}

/// Scalar decoding (escapes, folding, chomping) as go-yaml does it: `docker compose config --format
/// json` (v2.40.3) printed these environment values for this file.
#[test]
fn scalars_decode_like_compose() {
    let text = "services:\n  a:\n    image: x\n    environment:\n      LIT_KEEP: |+\n        a\n          b\n\n      LIT_STRIP: |-\n        a\n\n      LIT_INDENT: |2\n           x\n          y\n      FOLD: >\n        a\n        b\n\n        c\n          more\n        d\n      FOLD_KEEP: >+\n        a\n\n      DQ: \"\\x41\\u00e9\\U0001F600\\t\\_\\N\\L\\P\\e\\0\\a\\b\\v\\f\\r \\\"q\\\" \\\\\"\n      DQ_ML: \"a\n        b\n\n        c \\\n        d\"\n      SQ_ML: 'a\n        b\n\n        c'\n      PLAIN_ML: a\n        b\n\n        c\n      TAB: \"a\tb\"\n      SQ: 'it''s'\n";
    let tree = parse_ok(text);
    let expected: &[(&str, &str)] = &[
        (
            "DQ",
            "A\u{e9}\u{1f600}\t\u{a0}\u{85}\u{2028}\u{2029}\u{1b}\u{0}\u{7}\u{8}\u{b}\u{c}\u{d} \"q\" \\",
        ),
        ("DQ_ML", "a b\nc d"),
        ("FOLD", "a b\nc\n  more\nd\n"),
        ("FOLD_KEEP", "a\n\n"),
        ("LIT_INDENT", "   x\n  y\n"),
        ("LIT_KEEP", "a\n  b\n\n"),
        ("LIT_STRIP", "a"),
        ("PLAIN_ML", "a b\nc"),
        ("SQ", "it's"),
        ("SQ_ML", "a b\nc"),
        ("TAB", "a\tb"),
    ];
    for (key, value) in expected {
        assert_eq!(
            value_of(&tree, &["services", "a", "environment", key]),
            *value,
            "{key}"
        );
    }
}

/// go-yaml reads `\'` as `'` and refuses `\/` (`docker compose config`: `"V": "a'b"`, and
/// `yaml: line 5: found unknown escape character`); saphyr-parser does the opposite.
#[test]
fn escapes_follow_go_yaml() {
    let text = "a: \"it\\'s \\\"q\\\" \\x22 \\'\"\nb: 'x'\n";
    let tree = parse_ok(text);
    assert_eq!(value_of(&tree, &["a"]), "it's \"q\" \" '");
    assert_eq!(
        src(text, &tree, at(&tree, &["a"])),
        "\"it\\'s \\\"q\\\" \\x22 \\'\""
    );
    assert_eq!(value_of(&tree, &["b"]), "x");
    let text = "a: \"x\\/y\"\n";
    let parsed = parse(text, FileId(0), &Limits::default());
    match parsed.problems.as_slice() {
        [YamlProblem::Syntax { message, span }] => {
            assert_eq!(message, "found unknown escape character");
            assert_eq!(span.start, 5);
        }
        other => panic!("{other:?}"),
    }
}

/// Differences between saphyr-parser and go-yaml, each observed with `docker compose config`:
/// a tab starting a quoted continuation line is accepted (`"a b"`); control characters and
/// `%YAML 1.2` are refused (`control characters are not allowed`, `found incompatible YAML
/// document`), `%YAML 1.1` is accepted.
#[test]
fn go_yaml_reader_rules() {
    let tree = parse_ok("x-a: \"a\n\tb\"\n");
    assert_eq!(value_of(&tree, &["x-a"]), "a b");
    for (text, message, at) in [
        ("x-a: \"\u{7}\"\n", "control characters are not allowed", 6),
        ("x-a: é\u{7f}\n", "control characters are not allowed", 7),
        (
            "%YAML 1.2\n---\nx-a: 1\n",
            "found incompatible YAML document",
            0,
        ),
    ] {
        let parsed = parse(text, FileId(0), &Limits::default());
        let found = parsed.problems.iter().any(|p| {
            matches!(p, YamlProblem::Syntax { message: m, span } if m == message && span.start == at)
        });
        assert!(found, "{text:?}: {:?}", parsed.problems);
    }
    assert!(
        parse("%YAML 1.1\n---\nx-a: 1\n", FileId(0), &Limits::default())
            .problems
            .is_empty()
    );
}

/// `docker compose config` refuses a `:` with no key before it (`did not find expected key`, in
/// flow `did not find expected node content`) but reads an explicit `? ` empty key as null.
#[test]
fn implicit_empty_keys_are_errors() {
    for (text, message) in [
        (": a\n", "did not find expected key"),
        ("x-a: {: a}\n", "did not find expected node content"),
        ("x-a: [: a]\n", "did not find expected node content"),
    ] {
        let parsed = parse(text, FileId(0), &Limits::default());
        match parsed.problems.as_slice() {
            [YamlProblem::Syntax { message: m, span }] => {
                assert_eq!(m, message, "{text:?}");
                assert_eq!(&text[span.start as usize..=span.start as usize], ":");
            }
            other => panic!("{text:?}: {other:?}"),
        }
    }
    let tree = parse_ok("x-a:\n  ? \n  : a\n");
    assert!(tree.get(at(&tree, &["x-a"]), "").is_some());
}

/// go-yaml reads a lone `-` in a flow collection as the string `-` (`docker compose config`
/// printed `["-"]`); saphyr-parser refuses it.
#[test]
fn lone_dash_in_flow_is_a_string() {
    let text = "x-a: [-, a, -]\nx-b: {k: -}\n";
    let tree = parse_ok(text);
    let items: Vec<&str> = match tree.view(at(&tree, &["x-a"])) {
        View::Sequence(items) => items
            .iter()
            .map(|&i| scalar_text(&tree, i).unwrap())
            .collect(),
        other => panic!("{other:?}"),
    };
    assert_eq!(items, ["-", "a", "-"]);
    assert_eq!(value_of(&tree, &["x-b", "k"]), "-");
    assert_eq!(src(text, &tree, at(&tree, &["x-b", "k"])), "-");
}

#[test]
fn duplicates_and_merges_in_large_mappings() {
    let mut text = String::from("base: &base\n");
    for i in 0..20 {
        text.push_str(&format!("  k{i}: base{i}\n"));
    }
    text.push_str("m:\n");
    for i in 10..40 {
        text.push_str(&format!("  k{i}: own{i}\n"));
    }
    text.push_str("  <<: *base\n  k3: again\n  \"k35\": dup\n");
    let parsed = parse(text.as_str(), FileId(0), &Limits::default());
    let dups: Vec<(&str, &str, &str)> = parsed
        .problems
        .iter()
        .map(|p| match p {
            YamlProblem::DuplicateKey {
                key, first, second, ..
            } => (key.as_str(), &text[first.range()], &text[second.range()]),
            other => panic!("{other:?}"),
        })
        .collect();
    // `k3` comes from the merge, so writing it is not a duplicate; `k35` is.
    assert_eq!(dups, [("k35", "k35", "\"k35\"")]);
    let tree = &parsed.tree;
    assert_eq!(value_of(tree, &["m", "k3"]), "again");
    assert_eq!(value_of(tree, &["m", "k5"]), "base5");
    assert_eq!(value_of(tree, &["m", "k15"]), "own15");
    assert_eq!(value_of(tree, &["m", "k35"]), "own35");
    // Own k10..k39 and k3, then k0..k9 from the merge minus k3.
    assert_eq!(keys(tree, at(tree, &["m"])).len(), 30 + 1 + 9);
}

#[test]
fn verbatim_and_declared_tags_are_kept_as_written() {
    let text = "%TAG !e! tag:example.com,2000:\n---\na: !<tag:yaml.org,2002:str> 1\nb: !e!x 2\n";
    let tree = parse_ok(text);
    let tag = |k: &str| {
        let t = tree.tag(at(&tree, &[k])).cloned().expect("tag");
        (t.handle, t.suffix)
    };
    assert_eq!(
        tag("a"),
        (String::new(), "tag:yaml.org,2002:str".to_owned())
    );
    assert_eq!(tag("b"), ("!e!".to_owned(), "x".to_owned()));
    assert_eq!(src(text, &tree, at(&tree, &["a"])), "1");
    assert_eq!(src(text, &tree, at(&tree, &["b"])), "2");
}

/// Found by fuzzing: a block scalar header followed by a byte order mark.
#[test]
fn spans_stay_on_char_boundaries() {
    for text in [">-\r\n\u{feff}", "|\n\u{feff}", "- >\n \u{feff}é"] {
        let parsed = parse(text, FileId(0), &Limits::default());
        for node in &parsed.tree.nodes {
            let (start, end) = (node.span.start as usize, node.span.end as usize);
            assert!(
                text.is_char_boundary(start) && text.is_char_boundary(end),
                "{text:?}: {start}..{end}"
            );
        }
    }
}
