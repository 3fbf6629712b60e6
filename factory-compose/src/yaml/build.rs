//! Fold saphyr-parser's events into the arena [`Tree`], without recursion.

use crate::source::SharedText;
use std::borrow::Cow;
use std::collections::hash_map;
use std::collections::{HashMap, HashSet};

use saphyr_parser::{Event, Parser, ScalarStyle as SaphyrStyle};

use super::fast;
use super::lex::{self, CharToByte};
use super::{
    Children, Entry, LimitKind, Limits, MergeKey, MergedOver, Node, NodeId, NodeKind, Parsed,
    Props, PropsId, Scalar, ScalarStyle, Tag, Tree, YamlProblem,
};
use crate::span::{FileId, Span};

/// saphyr-parser counts flow nesting in a `u8` and fails with this message past 255 levels.
const SAPHYR_FLOW_DEPTH: usize = 255;
const SAPHYR_RECURSION: &str = "recursion limit exceeded";
const SAPHYR_UNKNOWN_ANCHOR: &str = "while parsing node, found unknown anchor";

/// How a mapping key compares to the others for duplicate detection: go-yaml compares the node
/// kind and the decoded text (`"a"` and `a` are the same key; two sequence keys are too).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum KeyRepr {
    Scalar(Box<str>),
    Sequence,
    Mapping,
}

/// One key of a [`KeySet`] while it is small: a fingerprint of the key (see [`fingerprint`]:
/// most keys differ in it, so a lookup rarely compares the texts), the key, its span.
type SmallKey = (u64, NodeId, Span);

/// A mapping's keys so far, with the span of each key's first occurrence: a short list compared
/// in place (on the builder's stack of keys, no allocation per mapping), a hash map once the
/// mapping grows.
#[derive(Debug, Default)]
struct KeySet {
    /// Where this mapping's keys start on the builder's stack of keys (the open mappings' keys
    /// are nested on it as the mappings are).
    small: usize,
    /// foldhash (seeded per process): several times cheaper than SipHash on short keys.
    large: Option<HashMap<KeyRepr, Span, foldhash::fast::RandomState>>,
}

/// Mappings with more keys than this switch to a hash map.
const SMALL_KEY_SET: usize = 16;

impl KeySet {
    /// Record `key` written at `span`; `Err(first span)` if the mapping already has that key.
    fn insert(
        &mut self,
        stack: &mut Vec<SmallKey>,
        tree: &Tree,
        key: NodeId,
        span: Span,
    ) -> Result<(), Span> {
        let nodes = &tree.nodes;
        let Some(kind) = nodes.get(key.0 as usize).map(|n| n.kind) else {
            return Ok(());
        };
        if let Some(large) = &mut self.large {
            return match large.entry(key_repr(tree, kind)) {
                hash_map::Entry::Occupied(first) => Err(*first.get()),
                hash_map::Entry::Vacant(slot) => {
                    slot.insert(span);
                    Ok(())
                }
            };
        }
        let print = fingerprint(tree, kind);
        let same = |other: NodeId| {
            nodes
                .get(other.0 as usize)
                .is_some_and(|n| same_key(tree, n.kind, kind))
        };
        let small = stack.get(self.small..).unwrap_or_default();
        if let Some(&(_, _, first)) = small
            .iter()
            .find(|(other_print, other, _)| *other_print == print && same(*other))
        {
            return Err(first);
        }
        stack.push((print, key, span));
        if stack.len() - self.small > SMALL_KEY_SET {
            let large = stack
                .drain(self.small..)
                .filter_map(|(_, id, span)| {
                    Some((key_repr(tree, nodes.get(id.0 as usize)?.kind), span))
                })
                .collect();
            self.large = Some(large);
        }
        Ok(())
    }
}

/// Equal keys (in the sense of [`same_key`]) have equal fingerprints: the kind, the length and
/// the first six bytes of a scalar's text.
fn fingerprint(tree: &Tree, kind: NodeKind) -> u64 {
    match kind {
        NodeKind::Scalar(s) => {
            let text = tree.text(s).as_bytes();
            let mut print = (text.len() as u64 & 0xFF) << 8 | 1;
            for (i, &b) in text.iter().take(6).enumerate() {
                print |= u64::from(b) << (16 + 8 * i);
            }
            print
        }
        NodeKind::Sequence(_) => 2,
        NodeKind::Mapping(_) => 3,
    }
}

/// go-yaml's duplicate test: same node kind and same decoded text.
fn same_key(tree: &Tree, a: NodeKind, b: NodeKind) -> bool {
    match (a, b) {
        (NodeKind::Scalar(a), NodeKind::Scalar(b)) => tree.text(a) == tree.text(b),
        (NodeKind::Sequence(_), NodeKind::Sequence(_))
        | (NodeKind::Mapping(_), NodeKind::Mapping(_)) => true,
        _ => false,
    }
}

/// A merge key of a mapping being built: the span of `<<`, its value and the value's span as
/// written here (an alias's span for `<<: *x`).
#[derive(Debug, Clone, Copy)]
struct PendingMerge {
    key_span: Span,
    value: NodeId,
    value_span: Span,
}

#[derive(Debug)]
enum Collection {
    /// Where its items start on the builder's stack of items.
    Sequence(usize),
    Mapping {
        /// Where its entries start on the builder's stack of entries.
        entries: usize,
        /// The key read and waiting for its value, with its span as written here.
        pending_key: Option<(NodeId, Span)>,
        merges: Vec<PendingMerge>,
        keys: KeySet,
    },
}

/// A collection whose end event has not arrived yet.
#[derive(Debug)]
struct Frame {
    id: NodeId,
    collection: Collection,
    flow: bool,
    start: usize,
    /// End of the last child as written here (an alias's own span, not its target's).
    last_end: usize,
    /// 1 + the expanded sizes of the children so far.
    size: u64,
}

/// Why building stopped early.
enum Stop {
    /// A syntax error: keep the documents completed before it.
    Syntax,
    /// A limit: drop the tree.
    Limit,
    /// saphyr refused something go-yaml (and so Compose) accepts: parse again with a fix.
    Retry(Fix),
}

/// A same-length rewrite of the source that lets saphyr accept what go-yaml accepts.
#[derive(Debug, Clone, Copy)]
enum Fix {
    /// A token inside a flow collection indented at or left of its block parent: join its line
    /// to the previous one.
    FlowIndentation(usize),
    /// A `\'` escape in the double-quoted scalar starting here (go-yaml reads `'`).
    QuoteEscape(usize),
    /// A quoted scalar starting here whose continuation lines are indented less than its
    /// block (go-yaml does not look): its line breaks become spaces, and its value is decoded
    /// from the file as written.
    QuotedIndentation(usize),
    /// A tab in the leading blanks of a quoted scalar's continuation line (go-yaml accepts it;
    /// the blanks are folded away, so a space means the same).
    QuotedTab(usize),
    /// A plain `-` in a flow collection followed by `,]}` (go-yaml reads the string `-`): parse
    /// it as `x`, then put `-` back in the value.
    LoneDash(usize),
    /// Tabs between a `:` and the value starting here (`image:<TAB>nginx`: YAML's blanks
    /// include the tab, go-yaml accepts it, saphyr wants a space): they become spaces.
    TabAfterColon(usize),
}

/// How many fixes (one re-parse each) are tried before giving up.
const MAX_FIXES: usize = 1024;
const SAPHYR_INDENTATION: &str = "invalid indentation";
const SAPHYR_UNKNOWN_ESCAPE: &str = "while parsing a quoted scalar, found unknown escape character";
const SAPHYR_QUOTED_TAB: &str = "tab cannot be used as indentation";
const SAPHYR_QUOTED_INDENTATION: &str = "invalid indentation in quoted scalar";
const SAPHYR_LONE_DASH: &str = "plain scalar cannot start with '-' followed by ,[]{}";
const SAPHYR_COLON_BLANK: &str = "':' must be followed by a valid YAML whitespace";

/// The result of one pass over the text.
enum Pass {
    Done(Parsed),
    Retry { fix: Fix, parsed: Parsed },
}

pub(super) struct Builder<'t, 'l> {
    text: &'t str,
    /// Offsets of `\"` escapes that were `\'` in the file (see [`Fix::QuoteEscape`]).
    quote_fixes: &'l [usize],
    /// Offsets of plain scalars `-` that were rewritten to `x` (see [`Fix::LoneDash`]).
    dash_fixes: &'l [usize],
    /// Offsets of the quoted scalars whose line breaks were made spaces (see
    /// [`Fix::QuotedIndentation`]), decoded from `original`.
    fold_fixes: &'l [usize],
    /// The file as written, before any [`Fix`].
    original: &'t str,
    /// Where `original` starts among the tree's sources, if it is one (see [`Scalar`]): a
    /// scalar whose value is its text as written points there instead of copying it.
    source: Option<u32>,
    file: FileId,
    limits: &'l Limits,
    /// The expansion budget, at most [`MAX_BUDGET`].
    budget: u64,
    expanded: u64,
    tree: Tree,
    /// Expanded size of each node, at most `u32::MAX` (see [`stored_size`]); 0 while a
    /// collection is still open.
    sizes: Vec<u32>,
    /// saphyr anchor id → node (ids are dense, from 1, over the whole stream).
    anchors: Vec<Option<NodeId>>,
    /// The items, entries and small key sets of the open collections, nested as they are:
    /// each collection takes its own off the top when it closes, in a vector of its exact size.
    items: Vec<NodeId>,
    entries: Vec<Entry>,
    keys: Vec<SmallKey>,
    frames: Vec<Frame>,
    problems: Vec<YamlProblem>,
    /// See [`Parsed::merged_over`].
    merged_over: Vec<MergedOver>,
    offsets: CharToByte<'t>,
    /// End of the last thing read (node, alias, flow indicator), to find block scalar indicators.
    last_end: usize,
    document_root: Option<NodeId>,
    document_first_node: usize,
}

pub(super) fn parse(source: &SharedText, file: FileId, limits: &Limits, fast_path: bool) -> Parsed {
    let text: &str = source;
    let max_bytes = limits.max_file_bytes.min(u32::MAX as usize);
    if text.len() > max_bytes {
        return Parsed {
            tree: Tree::default(),
            problems: vec![YamlProblem::Limit {
                kind: LimitKind::FileSize {
                    limit: limits.max_file_bytes,
                },
                span: Span::empty(0),
                expanded_at_stop: 0,
            }],
            merged_over: Vec::new(),
        };
    }
    // Text the fast front end reads has neither control characters nor a `%YAML` line (it
    // declines both), so go-yaml's reader has nothing to say about it.
    let mut parsed = match fast_path
        .then(|| fast_parse(source, file, limits))
        .flatten()
    {
        Some(parsed) => parsed,
        None => {
            let reader = lex::go_yaml_reader_problems(text);
            if !reader.is_empty() {
                // go-yaml's reader refuses the text before it is parsed: that is all Compose
                // says about the file (saphyr's own errors at the same bytes would repeat it).
                return Parsed {
                    tree: Tree::default(),
                    problems: reader
                        .into_iter()
                        .map(|(message, at)| YamlProblem::Syntax {
                            message: message.to_owned(),
                            span: Span::empty(pos(at)),
                        })
                        .collect(),
                    merged_over: Vec::new(),
                };
            }
            parse_fixing(source, file, limits)
        }
    };
    // Merge keys are checked when their mapping ends: put every problem in source order.
    parsed.problems.sort_by_key(|p| p.primary_span().start);
    parsed
}

/// Parse with the fast front end, `None` when it declines the text (see [`fast`]).
pub(super) fn fast_parse(source: &SharedText, file: FileId, limits: &Limits) -> Option<Parsed> {
    let text: &str = source;
    let mut builder = Builder::new(text, file, limits, Fixed::none(source));
    fast::events(text, &mut |event, start, end| {
        builder.event(event, start, end).map_err(|_| fast::Decline)
    })
    .ok()?;
    Some(Parsed {
        tree: builder.tree,
        problems: builder.problems,
        merged_over: builder.merged_over,
    })
}

/// Parse, re-parsing with a [`Fix`] where saphyr refuses what go-yaml accepts.
fn parse_fixing(original: &SharedText, file: FileId, limits: &Limits) -> Parsed {
    let text: &str = original;
    let mut source = Cow::Borrowed(text);
    let mut quote_fixes: Vec<usize> = Vec::new();
    let mut dash_fixes: Vec<usize> = Vec::new();
    let mut fold_fixes: Vec<usize> = Vec::new();
    // Each fix is one more pass: bound the extra work to about 4 MiB of re-parsing (and 1024 fixes).
    let max_fixes = MAX_FIXES.min(1 + (4 << 20) / text.len().max(1));
    let mut fixes = 0;
    loop {
        let (fix, parsed) = match Builder::new(
            &source,
            file,
            limits,
            Fixed {
                quotes: &quote_fixes,
                dashes: &dash_fixes,
                folds: &fold_fixes,
                original,
            },
        )
        .run()
        {
            Pass::Done(parsed) => return parsed,
            Pass::Retry { fix, parsed } => (fix, parsed),
        };
        fixes += 1;
        let fixed = match fix {
            _ if fixes > max_fixes => None,
            Fix::FlowIndentation(at) => lex::join_with_previous_line(&source, at),
            Fix::QuoteEscape(at) => lex::rewrite_quote_escapes(&source, at, &mut quote_fixes),
            Fix::QuotedTab(at) => lex::tabs_to_spaces(&source, at),
            Fix::QuotedIndentation(at) => lex::join_quoted_lines(&source, at).inspect(|_| {
                fold_fixes.push(at);
                fold_fixes.sort_unstable();
            }),
            Fix::TabAfterColon(at) => lex::tabs_after_colon_to_spaces(&source, at),
            Fix::LoneDash(at) => lex::replace_byte(&source, at, b'-', b'x').inspect(|_| {
                dash_fixes.push(at);
                dash_fixes.sort_unstable();
            }),
        };
        match fixed {
            Some(fixed) => source = Cow::Owned(fixed),
            None => return parsed,
        }
    }
}

/// A byte offset as a span bound (texts are at most `u32::MAX` bytes, checked above).
fn pos(offset: usize) -> u32 {
    u32::try_from(offset).unwrap_or(u32::MAX)
}

/// The span of `range` in `text`, both ends moved back to char boundaries inside the text.
fn span_in(text: &str, range: std::ops::Range<usize>) -> Span {
    let start = lex::floor_boundary(text, range.start);
    let end = lex::floor_boundary(text, range.end).max(start);
    Span::new(pos(start), pos(end))
}

/// The largest expansion budget, in nodes: a node's expanded size is kept in a `u32` (4 bytes a
/// node while the tree is built, not 8), saturating at `u32::MAX`, which is then past any
/// budget and stops the parse as the exact size would. Node ids are `u32` too; the default
/// budget is at most 16 × 64 MiB = 1 Gi nodes.
const MAX_BUDGET: u64 = u32::MAX as u64 - 1;

/// A node's expanded size as the builder keeps it: `u32::MAX` for any size past
/// [`MAX_BUDGET`] (alike for every budget check, since all of them are past it).
fn stored_size(size: u64) -> u32 {
    u32::try_from(size).unwrap_or(u32::MAX)
}

/// Nodes reserved up front for a text of `len` bytes: about one per 10 bytes, at most a million
/// (64 MiB): a huge file of comments or one block scalar must not reserve gigabytes.
fn reserved_nodes(len: usize) -> usize {
    (len / 10 + 8).min(1 << 20)
}

/// The fixes made to the text a [`Builder`] reads, and the text as written.
struct Fixed<'t, 'l> {
    quotes: &'l [usize],
    dashes: &'l [usize],
    folds: &'l [usize],
    original: &'t SharedText,
}

impl<'t> Fixed<'t, '_> {
    /// No fix: `text` as written.
    fn none(text: &'t SharedText) -> Self {
        Fixed {
            quotes: &[],
            dashes: &[],
            folds: &[],
            original: text,
        }
    }
}

impl<'t, 'l> Builder<'t, 'l> {
    fn new(text: &'t str, file: FileId, limits: &'l Limits, fixed: Fixed<'t, 'l>) -> Self {
        let per_byte = limits.expanded_nodes_per_byte.saturating_mul(text.len());
        let budget = per_byte.max(limits.min_expanded_nodes);
        // Compose files average 12-14 bytes per node: reserving that much spares the copies
        // (and the doubled peak) of growing the arena one doubling at a time. As many entries:
        // an entry a merge key brings adds no node (the 10 000-service project has 0.6 entries
        // per node), and pages never written are not resident. The text buffer only gets the
        // texts not as written: not reserved.
        let mut tree = Tree {
            nodes: Vec::with_capacity(reserved_nodes(text.len())),
            entries: Vec::with_capacity(reserved_nodes(text.len())),
            ..Tree::default()
        };
        let source = tree.add_source(fixed.original);
        Self {
            text,
            quote_fixes: fixed.quotes,
            dash_fixes: fixed.dashes,
            fold_fixes: fixed.folds,
            original: fixed.original,
            source,
            file,
            limits,
            budget: u64::try_from(budget).unwrap_or(u64::MAX).min(MAX_BUDGET),
            expanded: 0,
            tree,
            sizes: Vec::with_capacity(reserved_nodes(text.len())),
            anchors: Vec::new(),
            items: Vec::new(),
            entries: Vec::new(),
            keys: Vec::new(),
            frames: Vec::new(),
            problems: Vec::new(),
            merged_over: Vec::new(),
            offsets: CharToByte::new(text),
            last_end: 0,
            document_root: None,
            document_first_node: 0,
        }
    }

    fn run(mut self) -> Pass {
        let mut parser = Parser::new_from_str(self.text);
        while let Some(next) = parser.next_event() {
            let step = match next {
                Ok((event, marks)) => {
                    let start = self.offsets.byte(marks.start.index());
                    let end = self.offsets.byte(marks.end.index());
                    self.event(event, start, end.max(start))
                }
                Err(error) => {
                    let at = self.offsets.byte(error.marker().index());
                    Err(self.scan_error(error.info(), at))
                }
            };
            match step {
                Ok(()) => {}
                Err(Stop::Retry(fix)) => {
                    self.tree.truncate_nodes(self.document_first_node);
                    return Pass::Retry {
                        fix,
                        parsed: Parsed {
                            tree: self.tree,
                            problems: self.problems,
                            merged_over: self.merged_over,
                        },
                    };
                }
                Err(Stop::Syntax) => {
                    // Keep the documents completed before the error, drop the partial one.
                    self.tree.truncate_nodes(self.document_first_node);
                    break;
                }
                Err(Stop::Limit) => {
                    self.tree = Tree::default();
                    break;
                }
            }
        }
        Pass::Done(Parsed {
            tree: self.tree,
            problems: self.problems,
            merged_over: self.merged_over,
        })
    }

    fn syntax(&mut self, message: &str, at: usize) {
        self.problems.push(YamlProblem::Syntax {
            message: message.to_owned(),
            span: Span::empty(pos(at)),
        });
    }

    fn scan_error(&mut self, info: &str, at: usize) -> Stop {
        let at = lex::floor_boundary(self.text, at);
        if info == SAPHYR_UNKNOWN_ANCHOR {
            let (name, end) = lex::alias_at(self.text, at);
            self.problems.push(YamlProblem::UnknownAnchor {
                name,
                span: span_in(self.text, at..end),
            });
            Stop::Syntax
        } else if info == SAPHYR_INDENTATION && self.frames.last().is_some_and(|f| f.flow) {
            self.syntax(info, at);
            Stop::Retry(Fix::FlowIndentation(at))
        } else if info == SAPHYR_LONE_DASH {
            self.syntax(info, at);
            Stop::Retry(Fix::LoneDash(at))
        } else if info == SAPHYR_COLON_BLANK {
            self.syntax(info, at);
            Stop::Retry(Fix::TabAfterColon(at))
        } else if info == SAPHYR_QUOTED_INDENTATION {
            self.syntax(info, at);
            Stop::Retry(Fix::QuotedIndentation(at))
        } else if info == SAPHYR_QUOTED_TAB {
            self.syntax(info, at);
            Stop::Retry(Fix::QuotedTab(at))
        } else if info == SAPHYR_UNKNOWN_ESCAPE {
            self.syntax(info, at);
            Stop::Retry(Fix::QuoteEscape(at))
        } else if info == SAPHYR_RECURSION {
            self.problems.push(YamlProblem::Limit {
                kind: LimitKind::Depth {
                    limit: self.limits.max_depth.min(SAPHYR_FLOW_DEPTH),
                },
                span: Span::empty(pos(at)),
                expanded_at_stop: 0,
            });
            Stop::Limit
        } else {
            self.syntax(info, at);
            Stop::Syntax
        }
    }

    fn event(&mut self, event: Event<'_>, start: usize, end: usize) -> Result<(), Stop> {
        let adds_node = matches!(
            event,
            Event::Scalar(..) | Event::SequenceStart(..) | Event::MappingStart(..)
        );
        if adds_node && self.tree.nodes.len() >= self.limits.max_nodes {
            self.problems.push(YamlProblem::Limit {
                kind: LimitKind::Nodes {
                    limit: self.limits.max_nodes,
                },
                span: Span::empty(pos(start)),
                expanded_at_stop: 0,
            });
            return Err(Stop::Limit);
        }
        match event {
            Event::Nothing | Event::StreamStart | Event::StreamEnd => Ok(()),
            Event::DocumentStart(_) => {
                self.document_root = None;
                self.document_first_node = self.tree.nodes.len();
                self.last_end = self.last_end.max(end);
                Ok(())
            }
            Event::DocumentEnd => {
                if let Some(root) = self.document_root.take() {
                    self.tree.documents.push(root);
                }
                self.document_first_node = self.tree.nodes.len();
                Ok(())
            }
            Event::Scalar(value, style, anchor_id, tag) => {
                self.scalar(value, style, anchor_id, tag.is_some(), start, end);
                Ok(())
            }
            Event::Alias(anchor_id) => self.alias(anchor_id, start, end),
            Event::SequenceStart(anchor_id, tag) => {
                self.open(false, anchor_id, tag.is_some(), start, end)
            }
            Event::MappingStart(anchor_id, tag) => {
                self.open(true, anchor_id, tag.is_some(), start, end)
            }
            Event::SequenceEnd | Event::MappingEnd => {
                // A flow collection ends at its bracket: saphyr's token also covers the spaces
                // and the comment after it.
                let bracket = matches!(self.text.as_bytes().get(start), Some(b']' | b'}'));
                self.close(if bracket { start + 1 } else { end });
                Ok(())
            }
        }
    }

    fn push_node(&mut self, node: Node, props: Option<PropsId>, size: u64) -> NodeId {
        let id = self.tree.push_with_props(node, props);
        self.sizes.push(stored_size(size));
        id
    }

    /// The expanded size of node `id` (`missing` for an id past the nodes).
    fn size_of(&self, id: NodeId, missing: u64) -> u64 {
        self.sizes
            .get(id.0 as usize)
            .map_or(missing, |&s| u64::from(s))
    }

    fn register_anchor(&mut self, anchor_id: usize, node: NodeId) {
        if anchor_id == 0 {
            return;
        }
        if self.anchors.len() <= anchor_id {
            self.anchors.resize(anchor_id + 1, None);
        }
        if let Some(slot) = self.anchors.get_mut(anchor_id) {
            *slot = Some(node);
        }
    }

    /// A node's tag and anchor (the anchor's range made a span of the text).
    fn node_props(&mut self, props: lex::Properties) -> Option<PropsId> {
        let anchor = props.anchor.map(|(name, r)| (name, span_in(self.text, r)));
        self.tree.add_props(Props {
            tag: props.tag,
            anchor,
        })
    }

    fn read_properties(&self, has_anchor: bool, has_tag: bool, start: usize) -> lex::Properties {
        if has_anchor || has_tag {
            lex::properties(self.text, start, has_anchor, has_tag)
        } else {
            lex::Properties {
                content: start,
                ..lex::Properties::default()
            }
        }
    }

    fn scalar(
        &mut self,
        mut value: Cow<'_, str>,
        style: SaphyrStyle,
        anchor_id: usize,
        has_tag: bool,
        start: usize,
        end: usize,
    ) {
        let props = self.read_properties(anchor_id != 0, has_tag, start);
        let content = props.content.min(end);
        let (style, range) = match style {
            SaphyrStyle::Plain => {
                // Put back the dashes rewritten to `x` anywhere in the scalar (`[--a -]` is
                // `--a -` for go-yaml), byte for byte when the value is the text as written.
                let first = self.dash_fixes.partition_point(|&at| at < content);
                let fixed = self
                    .dash_fixes
                    .get(first..)
                    .unwrap_or_default()
                    .iter()
                    .take_while(|&&at| at < end);
                let mut fixed = fixed.peekable();
                if self.text.get(content..end) == Some(&*value) {
                    // Most scalars have no rewritten dash: keep the value as it is.
                    if fixed.peek().is_some() {
                        let mut bytes = value.as_bytes().to_vec();
                        for &at in fixed {
                            if let Some(b @ b'x') = bytes.get_mut(at - content) {
                                *b = b'-';
                            }
                        }
                        if let Ok(restored) = String::from_utf8(bytes) {
                            value = Cow::Owned(restored);
                        }
                    }
                } else if self.dash_fixes.binary_search(&content).is_ok() && value.starts_with('x')
                {
                    value = Cow::Owned(format!("-{}", value.get(1..).unwrap_or_default()));
                }
                (ScalarStyle::Plain, content..end)
            }
            SaphyrStyle::SingleQuoted => {
                let close = lex::quoted_end(self.text, content).unwrap_or(end);
                self.unfold(content..close, &mut value);
                (ScalarStyle::SingleQuoted, content..close)
            }
            SaphyrStyle::DoubleQuoted => {
                let close = lex::quoted_end(self.text, content).unwrap_or(end);
                self.check_escapes(content..close, &mut value);
                self.unfold(content..close, &mut value);
                (ScalarStyle::DoubleQuoted, content..close)
            }
            SaphyrStyle::Literal | SaphyrStyle::Folded => {
                let style = if style == SaphyrStyle::Literal {
                    ScalarStyle::Literal
                } else {
                    ScalarStyle::Folded
                };
                // With properties the indicator follows them; without, saphyr's span starts at
                // the content, after the header line: look for the indicator since the last token.
                let from = if props.anchor.is_some() || props.tag.is_some() {
                    props.content
                } else {
                    self.last_end.min(start)
                };
                let indicator = lex::block_indicator(self.text, from, end).unwrap_or(start);
                let close = lex::trim_trailing_blank_lines(self.text, indicator + 1, end);
                (
                    style,
                    indicator..close.max(indicator + 1).min(self.text.len()),
                )
            }
        };
        // A value as written (between the quotes of a quoted scalar) is read from the source.
        let written = match style {
            ScalarStyle::Plain => Some(range.clone()),
            ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => {
                Some(range.start + 1..range.end.saturating_sub(1).max(range.start + 1))
            }
            ScalarStyle::Literal | ScalarStyle::Folded => None,
        };
        let as_written = written
            .filter(|r| {
                // The fast front end's values are slices of the text: no need to compare bytes.
                self.original.get(r.clone()).is_some_and(|w| {
                    w.len() == value.len()
                        && (std::ptr::eq(w.as_ptr(), value.as_ptr()) || w == value)
                })
            })
            .zip(self.source)
            .and_then(|(r, base)| Scalar::in_source(base, r));
        let scalar = as_written.unwrap_or_else(|| self.tree.add_text(&value));
        let node_span = span_in(self.text, range);
        self.last_end = node_span.end as usize;
        let props = self.node_props(props);
        let node = Node {
            kind: NodeKind::Scalar(scalar),
            span: node_span,
            file: self.file,
            style,
            interpolated: false,
        };
        let id = self.push_node(node, props, 1);
        self.register_anchor(anchor_id, id);
        self.attach(id, node_span);
    }

    /// go-yaml's escapes differ from saphyr's in two ways: `\/` is an error (saphyr reads `/`),
    /// and `\'` is `'` (saphyr refuses it; the source was rewritten to `\"`, put `'` back).
    /// The value of a quoted scalar written at `range` whose line breaks a
    /// [`Fix::QuotedIndentation`] made spaces: decoded from the file as written.
    fn unfold(&self, range: std::ops::Range<usize>, value: &mut Cow<'_, str>) {
        if self.fold_fixes.binary_search(&range.start).is_ok()
            && let Some(decoded) = self.original.get(range).and_then(lex::decode_flow_scalar)
        {
            *value = Cow::Owned(decoded);
        }
    }

    fn check_escapes(&mut self, range: std::ops::Range<usize>, value: &mut Cow<'_, str>) {
        let Some(raw) = self.text.get(range.clone()) else {
            return;
        };
        if !raw.contains('\\') {
            return;
        }
        let mut quotes_to_fix = Vec::new();
        let mut quote_index = 0;
        let mut slash = None;
        lex::for_each_escape(raw, |offset, escaped| match escaped {
            lex::Escaped::Quote => {
                if self
                    .quote_fixes
                    .binary_search(&(range.start + offset))
                    .is_ok()
                {
                    quotes_to_fix.push(quote_index);
                }
                quote_index += 1;
            }
            lex::Escaped::Slash => {
                slash.get_or_insert(range.start + offset);
            }
            lex::Escaped::Other => {}
        });
        if let Some(at) = slash {
            self.syntax("found unknown escape character", at);
        }
        if !quotes_to_fix.is_empty() {
            let mut index = 0;
            let fixed: String = value
                .chars()
                .map(|c| {
                    if c != '"' {
                        return c;
                    }
                    index += 1;
                    // The indexes were pushed in increasing order: a binary search keeps a
                    // scalar of many escaped quotes linear-logarithmic, not quadratic.
                    if quotes_to_fix.binary_search(&(index - 1)).is_ok() {
                        '\''
                    } else {
                        c
                    }
                })
                .collect();
            *value = Cow::Owned(fixed);
        }
    }

    fn alias(&mut self, anchor_id: usize, start: usize, end: usize) -> Result<(), Stop> {
        let (name, name_end) = lex::alias_at(self.text, start);
        let written_end = if self.text.as_bytes().get(start) == Some(&b'*') {
            name_end
        } else {
            end
        };
        let alias_span = span_in(self.text, start..written_end.min(self.text.len()));
        self.last_end = alias_span.end as usize;
        let target = self.anchors.get(anchor_id).copied().flatten();
        let Some(target) = target else {
            self.problems.push(YamlProblem::UnknownAnchor {
                name,
                span: alias_span,
            });
            return Err(Stop::Syntax);
        };
        let size = self.size_of(target, 0);
        if size == 0 {
            // The anchored collection is still open: the alias is inside its own anchor.
            self.problems.push(YamlProblem::AliasCycle {
                name,
                span: alias_span,
            });
            let placeholder = Node {
                kind: NodeKind::Scalar(Scalar::default()),
                span: alias_span,
                file: self.file,
                style: ScalarStyle::Plain,
                interpolated: false,
            };
            let id = self.push_node(placeholder, None, 1);
            self.attach(id, alias_span);
            return Ok(());
        }
        if self.expanded.saturating_add(size) > self.budget {
            self.problems.push(YamlProblem::Limit {
                kind: LimitKind::Expansion {
                    limit: usize::try_from(self.budget).unwrap_or(usize::MAX),
                },
                span: alias_span,
                expanded_at_stop: usize::try_from(self.expanded).unwrap_or(usize::MAX),
            });
            return Err(Stop::Limit);
        }
        self.expanded += size;
        self.attach(target, alias_span);
        Ok(())
    }

    fn open(
        &mut self,
        mapping: bool,
        anchor_id: usize,
        has_tag: bool,
        start: usize,
        end: usize,
    ) -> Result<(), Stop> {
        let props = self.read_properties(anchor_id != 0, has_tag, start);
        let content = props.content.min(self.text.len());
        let opener = if mapping { b'{' } else { b'[' };
        // A flow collection's start token covers its `[`/`{` (and the spaces after it); a block
        // collection's is empty, even when its first key is itself a flow collection.
        let flow = self.text.as_bytes().get(content) == Some(&opener) && end > content;
        let first = if flow || mapping || self.text.as_bytes().get(content) == Some(&b'-') {
            content
        } else {
            lex::block_entry_before(self.text, content)
        };
        if self.frames.len() >= self.limits.max_depth {
            self.problems.push(YamlProblem::Limit {
                kind: LimitKind::Depth {
                    limit: self.limits.max_depth,
                },
                span: span_in(self.text, first..if flow { first + 1 } else { first }),
                expanded_at_stop: 0,
            });
            return Err(Stop::Limit);
        }
        let props = self.node_props(props);
        let node = Node {
            kind: if mapping {
                NodeKind::Mapping(Children::default())
            } else {
                NodeKind::Sequence(Children::default())
            },
            span: Span::empty(pos(first)),
            file: self.file,
            style: ScalarStyle::Plain,
            interpolated: false,
        };
        let id = self.push_node(node, props, 0);
        self.register_anchor(anchor_id, id);
        if flow {
            self.last_end = content + 1;
        }
        let collection = if mapping {
            Collection::Mapping {
                entries: self.entries.len(),
                pending_key: None,
                merges: Vec::new(),
                keys: KeySet {
                    small: self.keys.len(),
                    large: None,
                },
            }
        } else {
            Collection::Sequence(self.items.len())
        };
        self.frames.push(Frame {
            id,
            collection,
            flow,
            start: first,
            last_end: if flow { first + 1 } else { first },
            size: 1,
        });
        Ok(())
    }

    fn close(&mut self, end: usize) {
        let Some(frame) = self.frames.pop() else {
            return;
        };
        let close_end = if frame.flow { end } else { frame.last_end };
        let node_span = span_in(self.text, frame.start..close_end.max(frame.start));
        if frame.flow {
            self.last_end = node_span.end as usize;
        }
        let mut size = frame.size;
        let kind = match frame.collection {
            Collection::Sequence(start) => {
                let items = self.items.drain(start.min(self.items.len())..);
                NodeKind::Sequence(self.tree.add_items(items))
            }
            Collection::Mapping {
                entries: start,
                merges,
                mut keys,
                ..
            } => {
                for merge in merges {
                    size = size.saturating_add(self.merge(frame.id, &mut keys, merge, start));
                }
                self.keys.truncate(keys.small);
                let entries = self.entries.drain(start.min(self.entries.len())..);
                NodeKind::Mapping(self.tree.add_entries(entries))
            }
        };
        let index = frame.id.0 as usize;
        if let Some(node) = self.tree.nodes.get_mut(index) {
            node.kind = kind;
            node.span = node_span;
        }
        if let Some(slot) = self.sizes.get_mut(index) {
            *slot = stored_size(size.max(1));
        }
        self.attach(frame.id, node_span);
    }

    /// Append to `entries` the entries of the merge's value that `keys` does not have yet
    /// (go-yaml: keys written in the mapping win; in a list, earlier mappings win). Returns the
    /// expanded size the appended entries add to the mapping.
    ///
    /// A key written in the mapping with `!reset` does not hide the merged value: Compose drops
    /// the reset entry before the merge key fills the mapping, so the merged value is kept, and
    /// it still replaces (rather than merges into) an earlier file's value: it takes the reset
    /// entry's place as a copy of the inherited node tagged `!override`.
    ///
    /// A key the mapping holds before the merge key is written (its own, or an earlier merge's)
    /// and that the merge brings too is recorded in [`Parsed::merged_over`], with the first of
    /// the merge's mappings that has it.
    fn merge(
        &mut self,
        mapping: NodeId,
        keys: &mut KeySet,
        merge: PendingMerge,
        own_from: usize,
    ) -> u64 {
        let sources: Vec<NodeId> = match self.tree.nodes.get(merge.value.0 as usize).map(|n| n.kind)
        {
            Some(NodeKind::Mapping(_)) => vec![merge.value],
            Some(NodeKind::Sequence(items))
                if self.tree.items(items).iter().all(|&item| {
                    matches!(
                        self.tree.nodes.get(item.0 as usize).map(|n| n.kind),
                        Some(NodeKind::Mapping(_))
                    )
                }) =>
            {
                self.tree.items(items).to_vec()
            }
            _ => {
                self.problems.push(YamlProblem::BadMergeValue {
                    span: merge.value_span,
                });
                return 0;
            }
        };
        let merge_key = self.tree.add_merge_key(self.file, merge.key_span);
        let mut added = 0_u64;
        // Keys the mapping writes itself, with the inherited entry they hide (for `!reset`).
        let mut written: Vec<(Span, Entry)> = Vec::new();
        // With several mappings to merge: the keys this merge brought, and the keys already
        // recorded in `merged_over` (the first mapping that has a key is the one merged).
        let several = sources.len() > 1;
        let mut brought: HashSet<u32> = HashSet::new();
        let mut recorded: HashSet<u32> = HashSet::new();
        for source in sources {
            let Some(NodeKind::Mapping(inherited)) =
                self.tree.nodes.get(source.0 as usize).map(|n| n.kind)
            else {
                continue;
            };
            for index in 0..inherited.len() {
                let Some(&entry) = self.tree.entries(inherited).get(index) else {
                    continue;
                };
                let Some(node) = self.tree.nodes.get(entry.key.0 as usize) else {
                    continue;
                };
                let inserted = keys.insert(&mut self.keys, &self.tree, entry.key, node.span);
                if let Err(own_key) = inserted {
                    let before = own_key.start < merge.key_span.start
                        && !(several
                            && (brought.contains(&own_key.start)
                                || !recorded.insert(own_key.start)));
                    if before {
                        self.merged_over.push(MergedOver {
                            mapping,
                            key: own_key,
                            merge_key: merge.key_span,
                            value: entry.value,
                        });
                    }
                    written.push((own_key, entry));
                    continue;
                }
                if several {
                    brought.insert(node.span.start);
                }
                {
                    self.entries.push(Entry {
                        key: entry.key,
                        value: entry.value,
                        merge: merge_key,
                    });
                    added = added
                        .saturating_add(self.size_of(entry.key, 1))
                        .saturating_add(self.size_of(entry.value, 1));
                }
            }
        }
        for (own_key, entry) in written {
            added = added.saturating_add(self.fill_reset(own_from, own_key, entry, merge_key));
            self.keep_override(own_from, own_key, entry);
        }
        added
    }

    /// compose-go marks the path of a `!override` value it reads through `<<` even when the
    /// mapping writes the key itself: the mapping's own list or mapping then replaces an
    /// earlier file's value too, as if tagged `!override` (checked with Compose v2.40.3). The
    /// own value is copied with the tag (it may be an alias's shared node).
    fn keep_override(&mut self, own_from: usize, own_key: Span, entry: Entry) {
        let nodes = &self.tree.nodes;
        let inherited_override = self.tree.tag(entry.value).is_some_and(Tag::is_override);
        let Some(slot) = self
            .own_slot(own_from, own_key)
            .filter(|_| inherited_override)
        else {
            return;
        };
        let own_value = self.entries[slot].value;
        let Some(own) = nodes.get(own_value.0 as usize) else {
            return;
        };
        // A scalar replaces an earlier value anyway, but a null one (`key:`) keeps it unless
        // the path is marked: then it replaces it with null.
        if self.tree.tag(own_value).is_some()
            || (matches!(own.kind, NodeKind::Scalar(_))
                && !crate::model::convert::is_null(&self.tree, own_value))
        {
            return;
        }
        let id = self.push_override_copy(own_value);
        self.entries[slot].value = id;
    }

    /// The index in `entries` of the mapping's own entry (from `own_from`) whose key is written
    /// at `own_key`.
    fn own_slot(&self, own_from: usize, own_key: Span) -> Option<usize> {
        let nodes = &self.tree.nodes;
        let own = self.entries.get(own_from..)?;
        own.iter()
            .position(|e| {
                !e.is_merged()
                    && nodes
                        .get(e.key.0 as usize)
                        .is_some_and(|k| k.span == own_key)
            })
            .map(|i| own_from + i)
    }

    /// A copy of node `id` tagged `!override` (no anchor), pushed.
    fn push_override_copy(&mut self, id: NodeId) -> NodeId {
        let copy = self.tree.node(id).clone();
        let props = self.tree.add_props(Props {
            tag: Some(Tag {
                handle: "!".to_owned(),
                suffix: "override".to_owned(),
            }),
            anchor: None,
        });
        let size = self.size_of(id, 1);
        self.push_node(copy, props, size)
    }

    /// When the mapping's own entry whose key is written at `own_key` is tagged `!reset`, put
    /// the inherited `entry`'s value in its place (see [`Self::merge`]). Returns the expanded
    /// size that adds.
    fn fill_reset(
        &mut self,
        own_from: usize,
        own_key: Span,
        entry: Entry,
        merge_key: Option<MergeKey>,
    ) -> u64 {
        let Some(slot) = self.own_slot(own_from, own_key) else {
            return 0;
        };
        let own_reset = self
            .tree
            .tag(self.entries[slot].value)
            .is_some_and(Tag::is_reset);
        // An inherited value tagged `!reset` is dropped from its anchor before the alias is
        // read: there is nothing to put in the reset entry's place.
        let inherited_reset = self.tree.nodes.get(entry.value.0 as usize).is_none()
            || self.tree.tag(entry.value).is_some_and(Tag::is_reset);
        if !own_reset || inherited_reset {
            return 0;
        }
        let size = self.size_of(entry.value, 1);
        let id = self.push_override_copy(entry.value);
        if let Some(own) = self.entries.get_mut(slot) {
            own.value = id;
            own.merge = merge_key;
        }
        size
    }

    /// Add a finished node (written at `written`) to the open collection or the document.
    fn attach(&mut self, id: NodeId, written: Span) {
        let sizes = &self.sizes;
        let size_of = |id: NodeId| sizes.get(id.0 as usize).map_or(1, |&s| u64::from(s));
        let in_flow = self.frames.iter().any(|f| f.flow);
        let Some(frame) = self.frames.last_mut() else {
            self.document_root = Some(id);
            return;
        };
        frame.last_end = frame.last_end.max(written.end as usize);
        match &mut frame.collection {
            Collection::Sequence(_) => {
                self.items.push(id);
                frame.size = frame.size.saturating_add(size_of(id));
            }
            Collection::Mapping {
                pending_key,
                merges,
                keys,
                ..
            } => {
                let Some((key, key_span)) = pending_key.take() else {
                    *pending_key = Some((id, written));
                    return;
                };
                let Some(key_node) = self.tree.nodes.get(key.0 as usize) else {
                    return;
                };
                if is_implicit_empty_key(self.text, &self.tree, key) {
                    // go-yaml refuses `: value` without a key (an explicit `? ` empty key is null).
                    let message = if in_flow {
                        "did not find expected node content"
                    } else {
                        "did not find expected key"
                    };
                    self.problems.push(YamlProblem::Syntax {
                        message: message.to_owned(),
                        span: key_node.span,
                    });
                }
                let duplicate = keys.insert(&mut self.keys, &self.tree, key, key_span).err();
                if let Some(first) = duplicate {
                    let key_text = match key_node.kind {
                        NodeKind::Scalar(s) => self.tree.text(s).to_owned(),
                        _ => String::new(),
                    };
                    self.problems.push(YamlProblem::DuplicateKey {
                        key: key_text,
                        first,
                        second: key_span,
                        value: id,
                    });
                }
                // A second `<<` is merged too: Compose refuses the file, Ruby's YAML library
                // (GitLab) merges each `<<` in turn, and [`Parsed::merged_over`] records what a
                // later one brings over the keys an earlier one did.
                if is_merge_key(&self.tree, key) {
                    merges.push(PendingMerge {
                        key_span,
                        value: id,
                        value_span: written,
                    });
                } else if duplicate.is_none() {
                    self.entries.push(Entry::new(key, id));
                    frame.size = frame
                        .size
                        .saturating_add(size_of(key))
                        .saturating_add(size_of(id));
                }
            }
        }
    }
}

/// A key saphyr made up for a `:` with nothing before it.
fn is_implicit_empty_key(text: &str, tree: &Tree, key: NodeId) -> bool {
    let node = tree.node(key);
    matches!(node.kind, NodeKind::Scalar(s) if tree.text(s).is_empty() && node.style == ScalarStyle::Plain)
        && tree.props_id(key).is_none()
        && node.span.is_empty()
        && text.as_bytes().get(node.span.start as usize) == Some(&b':')
        && text.get(..node.span.start as usize).and_then(|before| {
            before
                .trim_end_matches([' ', '\t', '\r', '\n'])
                .chars()
                .next_back()
        }) != Some('?')
}

fn key_repr(tree: &Tree, kind: NodeKind) -> KeyRepr {
    match kind {
        NodeKind::Scalar(s) => KeyRepr::Scalar(tree.text(s).into()),
        NodeKind::Sequence(_) => KeyRepr::Sequence,
        NodeKind::Mapping(_) => KeyRepr::Mapping,
    }
}

/// go-yaml's `isMerge`: a plain `<<`, untagged or tagged `!` or `!!merge`.
fn is_merge_key(tree: &Tree, key: NodeId) -> bool {
    let node = tree.node(key);
    let NodeKind::Scalar(s) = node.kind else {
        return false;
    };
    node.style == ScalarStyle::Plain
        && tree.text(s) == "<<"
        && match tree.tag(key) {
            None => true,
            Some(Tag { handle, suffix }) => {
                (handle == "!" && suffix.is_empty()) || (handle == "!!" && suffix == "merge")
            }
        }
}
