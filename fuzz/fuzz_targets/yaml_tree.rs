//! The YAML span tree on arbitrary bytes: no panic, every span inside the input and on char
//! boundaries, the same tree twice.
#![no_main]

use factory_compose::yaml::{self, Limits, NodeKind, YamlProblem};
use factory_compose::{FileId, Span};
use libfuzzer_sys::fuzz_target;

fn check(text: &str, span: Span) {
    let r = span.range();
    assert!(r.start <= r.end && r.end <= text.len(), "span {r:?} outside {} bytes", text.len());
    assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end), "span {r:?} splits a char");
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let limits = Limits { max_depth: 64, ..Limits::default() };
    let parsed = yaml::parse(text, FileId(0), &limits);
    for node in &parsed.tree.nodes {
        check(text, node.span);
        if let NodeKind::Mapping(entries) = &node.kind {
            for e in entries {
                if let Some(s) = e.merged_from {
                    check(text, s);
                }
            }
        }
    }
    for p in &parsed.problems {
        match p {
            YamlProblem::Syntax { span, .. }
            | YamlProblem::Limit { span, .. }
            | YamlProblem::UnknownAnchor { span, .. }
            | YamlProblem::BadMergeValue { span }
            | YamlProblem::AliasCycle { span, .. } => check(text, *span),
            YamlProblem::DuplicateKey { first, second, .. } => {
                check(text, *first);
                check(text, *second);
            }
        }
    }
    let again = yaml::parse(text, FileId(0), &limits);
    assert_eq!(format!("{:?}", parsed.problems), format!("{:?}", again.problems), "not deterministic");
    assert_eq!(parsed.tree.nodes.len(), again.tree.nodes.len(), "not deterministic");
});
