//! Files → trees → model, turning YAML problems into FC001/FC003/FC004 diagnostics.

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::rules::registry;
use crate::span::{FileId, Location, Span};
use crate::yaml::{self, LimitKind, Limits, Tree, YamlProblem};

/// Parse one file and report its YAML problems. A limit drops the tree.
pub(crate) fn parse_file(
    text: &crate::SharedText,
    file: FileId,
    limits: &Limits,
    diags: &mut Diagnostics,
) -> Tree {
    let parsed = yaml::parse(text.clone(), file, limits);
    for problem in parsed.problems {
        diags.push(problem_diagnostic(problem, file, text, "compose file"));
    }
    let mut tree = parsed.tree;
    decode_tagged_scalars(&mut tree, diags);
    report_collection_keys(&tree, diags);
    report_tab_after_dash(text, &tree, diags);
    report_null_documents(text, &tree, limits.max_documents, diags);
    tree
}

/// Push the documents of `tree` to `trees`, each as a tree of its own: compose-go reads each
/// document of a file as one more file, merged onto the ones before and checked after each
/// (`loadYamlFile`). Past [`Limits::max_documents`], one FC004 and the rest are not read.
pub(crate) fn split_documents(
    tree: Tree,
    limits: &Limits,
    trees: &mut Vec<Tree>,
    diags: &mut Diagnostics,
) {
    if tree.documents.len() <= 1 {
        trees.push(tree);
        return;
    }
    if let Some(&first_dropped) = tree.documents.get(limits.max_documents) {
        diags.push(
            registry::diagnostic(
                "FC004",
                format!(
                    "the file has {} YAML documents: factory reads the first {} (Compose merges each onto the ones before)",
                    tree.documents.len(),
                    limits.max_documents
                ),
            )
            .at(tree.location(first_dropped))
            .with_help("write one document: merge the documents' keys by hand"),
        );
    }
    for &doc in tree.documents.iter().take(limits.max_documents) {
        trees.push(tree.document(doc));
    }
}

/// go-yaml v3 decodes a scalar with a standard tag to that tag's type and fails to parse the
/// file when its text is not one (`yaml: cannot decode !!str `abc` as a !!int`); a `!!binary`
/// scalar is base64, decoded to a string (`yaml: !!binary value contains invalid base64 data`).
/// Both messages from Compose v2.40.3. The decoded text replaces a `!!binary` scalar's.
fn decode_tagged_scalars(tree: &mut Tree, diags: &mut Diagnostics) {
    use yaml::{NodeKind, PlainValue, TagKind};
    if !tree.any_tag(|_| true) {
        return;
    }
    let mut decoded = Vec::new();
    for (i, node) in tree.nodes.iter().enumerate() {
        let NodeKind::Scalar(s) = node.kind else {
            continue;
        };
        let Some(tag) = tree.tag(yaml::NodeId(u32::try_from(i).unwrap_or(u32::MAX))) else {
            continue;
        };
        let (kind, text) = (tag.kind(), tree.text(s));
        let at = Location::new(node.file, node.span);
        let wanted = match kind {
            TagKind::Untagged | TagKind::Str | TagKind::Other => continue,
            TagKind::Binary => {
                match base64_decode(text) {
                    Some(bytes) => decoded.push((i, String::from_utf8_lossy(&bytes).into_owned())),
                    None => diags.push(
                        registry::diagnostic(
                            "FC001",
                            "invalid YAML: !!binary value contains invalid base64 data",
                        )
                        .at(at)
                        .with_help("write the value in base64, or remove the `!!binary` tag"),
                    ),
                }
                continue;
            }
            TagKind::Bool => "!!bool",
            TagKind::Int => "!!int",
            TagKind::Float => "!!float",
            TagKind::Null => "!!null",
            TagKind::Timestamp => "!!timestamp",
        };
        // go-yaml tries a timestamp only for an untagged or `!!timestamp` scalar.
        let resolved = match yaml::resolve_plain(text) {
            PlainValue::Timestamp if kind != TagKind::Timestamp => PlainValue::Str,
            other => other,
        };
        let (found, fits) = match resolved {
            PlainValue::Null => ("!!null", kind == TagKind::Null),
            PlainValue::Bool(_) => ("!!bool", kind == TagKind::Bool),
            PlainValue::Int(_) => ("!!int", matches!(kind, TagKind::Int | TagKind::Float)),
            PlainValue::Float(_) => ("!!float", kind == TagKind::Float),
            PlainValue::Timestamp => ("!!timestamp", true),
            PlainValue::Str => ("!!str", false),
        };
        if !fits {
            diags.push(
                registry::diagnostic(
                    "FC001",
                    format!("invalid YAML: cannot decode {found} `{text}` as a {wanted}"),
                )
                .at(at)
                .with_help(format!(
                    "remove the `{wanted}` tag, or write a value it decodes (Compose fails to parse the file)"
                )),
            );
        }
    }
    for (i, text) in decoded {
        tree.set_text(yaml::NodeId(u32::try_from(i).unwrap_or(u32::MAX)), &text);
    }
}

/// Go's `base64.StdEncoding.DecodeString`: the standard alphabet with `=` padding, line breaks
/// ignored; `None` for anything else.
fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let digits: Vec<u8> = text
        .bytes()
        .filter(|b| !matches!(b, b'\r' | b'\n'))
        .collect();
    if !digits.len().is_multiple_of(4) {
        return None;
    }
    let value = |b: u8| match b {
        b'A'..=b'Z' => Some(b - b'A'),
        b'a'..=b'z' => Some(b - b'a' + 26),
        b'0'..=b'9' => Some(b - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let mut out = Vec::with_capacity(digits.len() / 4 * 3);
    let quads = digits.chunks(4);
    let last = quads.len().saturating_sub(1);
    for (n, quad) in quads.enumerate() {
        let padding = quad.iter().rev().take_while(|&&b| b == b'=').count();
        if padding > 2 || (padding > 0 && n != last) {
            return None;
        }
        let mut bits = 0u32;
        for &b in quad.get(..4 - padding)? {
            bits = (bits << 6) | u32::from(value(b)?);
        }
        bits <<= 6 * padding;
        let bytes = bits.to_be_bytes();
        out.extend_from_slice(bytes.get(1..4 - padding)?);
    }
    Some(out)
}

/// Null where Compose wants a mapping, which Compose refuses in each file before merging
/// (checked with Compose v2.40.3): a null document (`---` with nothing after it, `~`: `top-level
/// object must be a mapping`), even beside other documents, and a null `services`, `networks`,
/// `volumes`, `secrets` or `configs` (`services must be a mapping`), even when another file
/// defines it. A file with no document at all adds nothing and is not refused. Other
/// non-mappings are reported by the model, on the merged project. Only the documents within
/// the budget (`max_documents`) are looked at.
fn report_null_documents(text: &str, tree: &Tree, max_documents: usize, diags: &mut Diagnostics) {
    use crate::model::convert::is_null;
    // Past the document budget nothing is read ([`split_documents`] says so, once).
    for &doc in tree.documents.iter().take(max_documents) {
        let node = tree.node(doc);
        if is_null(tree, doc) {
            // An empty document's node is where its content would be: point at its `---`.
            let at = node.span.start as usize;
            let marker = text
                .get(..at)
                .and_then(|before| before.rfind("---"))
                .filter(|&m| m == 0 || text.as_bytes().get(m - 1) == Some(&b'\n'))
                .and_then(|m| u32::try_from(m).ok())
                .map_or(node.span, |m| Span::new(m, m + 3));
            diags.push(
                registry::diagnostic("FC002", "a compose document must be a mapping, not null")
                    .at(Location::new(node.file, marker))
                    .with_help(
                        "remove the empty document (a `---` with nothing after it), or write its keys",
                    ),
            );
            continue;
        }
        let yaml::NodeKind::Mapping(entries) = node.kind else {
            continue;
        };
        for e in tree.entries(entries).iter().filter(|e| !e.is_merged()) {
            let Some(key) = yaml::scalar_text(tree, e.key) else {
                continue;
            };
            if MAPPING_KEYS.contains(&key) && is_null(tree, e.value) {
                let k = tree.node(e.key);
                diags.push(
                    registry::diagnostic("FC002", format!("`{key}` must be a mapping, not null"))
                        .at(Location::new(k.file, k.span))
                        .with_help(format!(
                            "write the {key} under `{key}:`, or remove the empty key"
                        )),
                );
            }
        }
    }
}

/// The top-level keys whose value Compose's schema wants to be a mapping.
const MAPPING_KEYS: [&str; 5] = ["services", "networks", "volumes", "secrets", "configs"];

/// Compose decodes mappings into string-keyed maps: a sequence or mapping used as a key
/// (`? [a, b]: x`) is refused (`invalid map key`), and so is a scalar go-yaml decodes as no
/// string (`1`, `true`, `~`, `2001-01-01`: `non-string key in services.app.labels: 1`),
/// anywhere in the file (v2.40.3).
fn report_collection_keys(tree: &Tree, diags: &mut Diagnostics) {
    use crate::yaml::PlainValue;
    for node in &tree.nodes {
        let yaml::NodeKind::Mapping(entries) = node.kind else {
            continue;
        };
        for e in tree.entries(entries).iter().filter(|e| !e.is_merged()) {
            let key = tree.node(e.key);
            let at = Location::new(key.file, key.span);
            if !matches!(key.kind, yaml::NodeKind::Scalar(_)) {
                diags.push(
                    registry::diagnostic("FC020", "a mapping key must be a string, not a collection")
                        .at(at)
                        .with_help("write the key as a plain string; Compose refuses collections as keys (`invalid map key`)"),
                );
                continue;
            }
            // Most keys are untagged words (`image`, `environment`): strings, unless YAML may
            // read them as null or a boolean (`null`, `true`, `false`: `n…`, `t…`, `f…`).
            if tree.props_id(e.key).is_none()
                && let yaml::NodeKind::Scalar(text) = key.kind
                && tree.text(text).as_bytes().first().is_some_and(|b| {
                    b.is_ascii_alphabetic() && !matches!(b, b't' | b'T' | b'f' | b'F' | b'n' | b'N')
                })
            {
                continue;
            }
            let what = match crate::model::convert::scalar_kind(tree, e.key) {
                PlainValue::Str => continue,
                PlainValue::Null => "null",
                PlainValue::Bool(_) => "a boolean",
                PlainValue::Int(_) | PlainValue::Float(_) => "a number",
                PlainValue::Timestamp => "a date",
            };
            let text = yaml::scalar_text(tree, e.key).unwrap_or_default();
            let d = if text.is_empty() {
                registry::diagnostic("FC020", "a mapping key is empty: YAML reads it as null")
                    .with_help("write the key: Compose refuses a key that is not a string (`non-string key`)")
            } else {
                registry::diagnostic(
                    "FC020",
                    format!("the mapping key `{text}` is {what}, not a string"),
                )
                .with_help(format!(
                    "quote the key (`\"{text}\": …`): Compose refuses a key YAML reads as {what} (`non-string key`)"
                ))
            };
            diags.push(d.at(at));
        }
    }
}

/// go-yaml refuses a tab between a block sequence's `-` and its item (`-<TAB>9000`: `found
/// character that cannot start any token`, v2.40.3), where saphyr reads the item; a tab after a
/// `:` is fine for both.
fn report_tab_after_dash(text: &str, tree: &Tree, diags: &mut Diagnostics) {
    if memchr::memchr(b'\t', text.as_bytes()).is_none() {
        return;
    }
    let bytes = text.as_bytes();
    for node in &tree.nodes {
        let yaml::NodeKind::Sequence(items) = node.kind else {
            continue;
        };
        if bytes.get(node.span.start as usize) == Some(&b'[') {
            continue; // a flow sequence: tabs are blanks there
        }
        for &item in tree.items(items) {
            let start = tree.node(item).span.start as usize;
            let blanks = bytes
                .get(..start)
                .unwrap_or_default()
                .iter()
                .rev()
                .take_while(|&&b| b == b' ' || b == b'\t')
                .count();
            let from = start - blanks;
            if from == 0 || bytes[from - 1] != b'-' {
                continue;
            }
            let Some(tab) = bytes[from..start].iter().position(|&b| b == b'\t') else {
                continue;
            };
            let at = u32::try_from(from + tab).unwrap_or(u32::MAX);
            diags.push(
                registry::diagnostic(
                    "FC001",
                    "invalid YAML: a tab after a list's `-` (Compose: found character that cannot start any token)",
                )
                .at(Location::new(node.file, Span::new(at, at + 1)))
                .with_help("write a space after `-`: YAML allows no tab there"),
            );
        }
    }
}

/// A YAML problem of a `.gitlab-ci.yml`: a syntax error (FC001), a budget (FC004), or a key
/// written twice (FC003, a warning: GitLab's YAML library keeps the last of equal keys without
/// a word). A bad merge key (`<<: 1`) is none: Ruby's YAML library keeps it as a `<<` key.
pub(crate) fn gitlab_ci_problem(
    problem: &YamlProblem,
    file: FileId,
    text: &str,
) -> Option<Diagnostic> {
    let at = |span: Span| Location::new(file, span);
    match problem {
        YamlProblem::BadMergeValue { .. } => None,
        YamlProblem::DuplicateKey {
            key, first, second, ..
        } => {
            let mut d = registry::diagnostic(
                "FC003",
                format!(
                    "the key `{key}` is defined twice in this mapping: GitLab reads the last one"
                ),
            )
            .at_labelled(at(*second), "GitLab reads this one")
            .with_secondary(at(*first), "ignored by GitLab")
            .with_help(format!(
                "keep one `{key}`: GitLab ignores the others without a word"
            ));
            d.severity = crate::diagnostic::Severity::Warning;
            Some(d)
        }
        _ => {
            let mut d = problem_diagnostic(problem.clone(), file, text, "CI file");
            let help = d.help.take().unwrap_or_default();
            Some(d.with_help(format!(
                "{help}; until the file is read, factory cannot check its deploy jobs (FP003) or its `docker build` lines"
            )))
        }
    }
}

/// The diagnostic of a YAML problem in a file of the kind `noun` (`compose file`, `CI file`).
fn problem_diagnostic(problem: YamlProblem, file: FileId, text: &str, noun: &str) -> Diagnostic {
    let at = |span: Span| Location::new(file, span);
    match problem {
        YamlProblem::Syntax { message, span } => {
            let help = syntax_help(&message, text, span);
            let span = if message.contains("tab") {
                at_the_tab(&message, text, span)
            } else {
                span
            };
            // The parser gives a point: cover the character there, so every report format
            // (SARIF regions, GitHub annotations) shows one.
            let span = match text
                .get(span.start as usize..)
                .and_then(|r| r.chars().next())
            {
                Some(c) if span.start == span.end && c != '\n' && c != '\r' => Span::new(
                    span.start,
                    span.start + u32::try_from(c.len_utf8()).unwrap_or(1),
                ),
                _ => span,
            };
            registry::diagnostic("FC001", format!("invalid YAML: {message}"))
                .at(at(span))
                .with_help(help)
        }
        YamlProblem::DuplicateKey {
            key, first, second, ..
        } => registry::diagnostic(
            "FC003",
            format!("the key `{key}` is defined twice in this mapping"),
        )
        .at_labelled(at(second), "defined again here")
        .with_secondary(at(first), "first defined here")
        .with_help(format!(
            "keep one `{key}`: Compose refuses a file with duplicate keys"
        )),
        YamlProblem::Limit {
            kind,
            span,
            expanded_at_stop,
        } => {
            let (message, help) = match kind {
                LimitKind::FileSize { limit } => (
                    if limit % (1024 * 1024) == 0 {
                        format!(
                            "the file is larger than factory's limit of {} MiB",
                            limit / (1024 * 1024)
                        )
                    } else {
                        format!("the file is larger than factory's limit of {limit} bytes")
                    },
                    format!(
                        "a {noun} this large is almost certainly generated by mistake; split or trim it"
                    ),
                ),
                LimitKind::Depth { limit } => (
                    format!("collections are nested more than {limit} levels deep"),
                    format!(
                        "no {noun} needs this depth; check for a runaway generator or hostile input"
                    ),
                ),
                LimitKind::Expansion { limit } => (
                    format!(
                        "aliases would expand to more than {limit} nodes (stopped after {expanded_at_stop}, before the alias that passes the limit): this looks like a \"billion laughs\" file"
                    ),
                    "use each anchor a reasonable number of times, or write the values out"
                        .to_owned(),
                ),
                LimitKind::Nodes { limit } => (
                    format!("the file has more than {limit} YAML nodes (keys, values and items)"),
                    format!(
                        "a {noun} this large is almost certainly generated by mistake; split or trim it"
                    ),
                ),
            };
            registry::diagnostic("FC004", message)
                .at(at(span))
                .with_help(help)
        }
        YamlProblem::UnknownAnchor { name, span } => {
            registry::diagnostic("FC001", format!("invalid YAML: unknown anchor `{name}`"))
                .at(at(span))
                .with_help(format!(
                    "define `&{name}` on a node before this alias uses it"
                ))
        }
        YamlProblem::AliasCycle { name, span } => registry::diagnostic(
            "FC001",
            format!("invalid YAML: the alias `*{name}` is inside the node its anchor names"),
        )
        .at(at(span))
        .with_help("an anchor cannot contain an alias to itself; copy the values instead"),
        YamlProblem::BadMergeValue { span } => registry::diagnostic(
            "FC001",
            "invalid YAML: a merge key (`<<`) needs a mapping or a list of mappings",
        )
        .at(at(span))
        .with_help("write `<<: *anchor` or `<<: [*a, *b]` where each anchor names a mapping"),
    }
}

/// The tab a parser's "tab" error is about. saphyr stops just after a tab that indents a
/// line (`\tA: b` at `A`), and at the start of a plain scalar when the line that would go on
/// with it is indented with a tab. The point moves to that tab when there is one, else stays.
fn at_the_tab(message: &str, text: &str, span: Span) -> Span {
    let start = span.start as usize;
    let point = |at: usize| {
        let at = u32::try_from(at).unwrap_or(span.start);
        Span::new(at, at)
    };
    let bytes = text.as_bytes();
    if message.contains("while scanning a plain scalar") {
        let rest = bytes.get(start..).unwrap_or_default();
        let line = rest.iter().position(|b| *b == b'\n').unwrap_or(rest.len());
        let tab = rest[line..]
            .iter()
            .take_while(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
            .position(|b| *b == b'\t');
        return tab.map_or(span, |k| point(start + line + k));
    }
    match start.checked_sub(1) {
        Some(before) if bytes.get(start) != Some(&b'\t') && bytes.get(before) == Some(&b'\t') => {
            point(before)
        }
        _ => span,
    }
}

fn syntax_help(message: &str, text: &str, span: Span) -> String {
    let line_start = text
        .get(..span.start as usize)
        .and_then(|t| t.rfind('\n'))
        .map_or(0, |i| i + 1);
    let line = text
        .get(line_start..)
        .and_then(|t| t.lines().next())
        .unwrap_or("");
    let before = text
        .get(line_start..span.start as usize)
        .unwrap_or("")
        .trim_start_matches([' ', '-']);
    // A key: no `: ` before the point (`command: echo … note: x` is a value holding `: `).
    if message.contains("mapping values are not allowed")
        && !before.contains(": ")
        && before.chars().count() > 1024
    {
        // YAML's limit on an implicit key (go-yaml and saphyr both keep it).
        "shorten the key: a key written as `key: value` may be at most 1024 characters in YAML"
            .to_owned()
    } else if message.contains("control characters") {
        "remove the invisible control character here (such as a NUL byte): YAML allows only printable characters, tab and line breaks".to_owned()
    } else if message.contains("incompatible YAML document") {
        "remove the `%YAML` line, or make it `%YAML 1.1`".to_owned()
    } else if line.starts_with('\t') || message.contains("tab") {
        "indent with spaces: YAML does not allow tabs for indentation".to_owned()
    } else if message.contains("quot") || message.contains("scalar") {
        "check that every quote opened on this line or above is closed".to_owned()
    } else {
        "check the indentation and the `key: value` form (a space after `:`) at this line and the one above".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use crate::{FileKind, LineIndex, ProcessEnv, Settings, SourceFile, SourceMap, lint};

    /// The FC001 of `text` as a compose file, if any.
    fn fc001_of(text: &str) -> Option<crate::Diagnostic> {
        let mut sources = SourceMap::new();
        sources.add(SourceFile::new(
            "docker-compose.yml",
            text,
            FileKind::Compose,
        ));
        let report = lint(&sources, &ProcessEnv::default(), &Settings::default());
        report.diagnostics.into_iter().find(|d| d.code == "FC001")
    }

    /// Where FC001 points in `text`, as (line, column).
    fn fc001(text: &str) -> (usize, usize) {
        let d = fc001_of(text).expect("FC001");
        let at = d.primary.as_ref().expect("a place").location.span.start;
        let lc = LineIndex::new(text).line_col(text, at);
        (lc.line, lc.column)
    }

    /// A tab error points at the tab: saphyr stopped after it, or at the start of the plain
    /// scalar a tab-indented line would continue.
    #[test]
    fn a_tab_error_points_at_the_tab() {
        let head = "services:\n  web:\n    image: x:1\n    environment:\n";
        assert_eq!(fc001(&format!("{head}\tA: b\n")), (5, 1));
        assert_eq!(fc001(&format!("{head}      A: b\n\t  C: d\n")), (6, 1));
        // A tab between the key and its value is fine; the one indenting the next line is not.
        assert_eq!(fc001(&format!("{head}      A:\tb\n  \tB: c\n")), (6, 3));
    }

    /// A key over 1 024 characters: the help names YAML's limit on implicit keys.
    #[test]
    fn a_key_too_long_is_told_so() {
        let help = |key: &str| {
            fc001_of(&format!(
                "services:\n  web:\n    image: x:1\n    labels:\n      {key}: v\n"
            ))
            .and_then(|d| d.help)
        };
        assert_eq!(help(&"a".repeat(1024)), None);
        let past = help(&"a".repeat(1025)).expect("FC001 past 1 024 characters");
        assert!(past.contains("at most 1024 characters"), "{past}");
        // A long value holding `: ` is not a long key.
        let value = help(&format!("k: echo {} note", "a".repeat(1100))).expect("FC001");
        assert!(!value.contains("1024"), "{value}");
    }
}
