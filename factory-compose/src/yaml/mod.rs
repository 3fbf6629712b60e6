//! YAML → span tree.
//!
//! saphyr-parser events are folded into an arena of [`Node`]s with byte spans, raw scalar text,
//! quoting style and tags. Anchors, aliases and merge keys (`<<: *x`, `<<: [*a, *b]`) are resolved
//! here with Compose's precedence, under [`Limits`]; duplicate keys are reported, not overwritten.
//!
//! An alias does not copy its target: it points at the same [`NodeId`], so the tree is a DAG and
//! the *expanded* size (what a consumer walking it would visit) is what the budget counts.
//!
//! ```
//! use factory_compose::FileId;
//! use factory_compose::yaml::{Limits, compose_string, parse, scalar_text};
//!
//! let text = "x-base: &base\n  restart: always\nservices:\n  web:\n    <<: *base\n    image: nginx\n    environment:\n      MODE: 0755\n";
//! let parsed = parse(text, FileId(0), &Limits::default());
//! assert!(parsed.problems.is_empty());
//! let tree = &parsed.tree;
//! let services = tree.get(tree.root().unwrap(), "services").unwrap().value;
//! let web = tree.get(services, "web").unwrap().value;
//! // Inherited through `<<`, and the span says where `<<` was written.
//! let restart = tree.get(web, "restart").unwrap();
//! assert_eq!(scalar_text(tree, restart.value), Some("always"));
//! assert_eq!(&text[tree.merged_from(restart).unwrap().range()], "<<");
//! // Spans are byte ranges of the file.
//! let image = tree.get(web, "image").unwrap().value;
//! assert_eq!(&text[tree.node(image).span.range()], "nginx");
//! // What Compose makes of an unquoted `0755` in an environment value.
//! let mode = tree.get(tree.get(web, "environment").unwrap().value, "MODE").unwrap().value;
//! assert_eq!(compose_string(scalar_text(tree, mode).unwrap()).as_deref(), Some("493"));
//! ```

mod build;
mod fast;
mod lex;
mod resolve;

pub(crate) use resolve::go_format_float;
pub use resolve::{PlainValue, compose_string, go_yaml_time, resolve_plain};

use crate::source::SharedText;

use crate::span::{FileId, Location, Span};

/// Index of a node in a [`Tree`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NodeId(pub u32);

/// A set of the nodes of a tree of `len` nodes, one bit a node: for a pass that marks the
/// nodes it visits (a `Vec<bool>` takes eight times as much: 240 KB for a 10 000-service file,
/// allocated and freed by each pass).
#[derive(Debug, Clone)]
pub(crate) struct NodeSet {
    words: Vec<u64>,
    len: usize,
}

impl NodeSet {
    /// An empty set for the nodes `0..len`.
    pub(crate) fn new(len: usize) -> Self {
        NodeSet {
            words: vec![0; len.div_ceil(64)],
            len,
        }
    }

    /// Add `id`; whether it was not in the set yet. A node past `len` is never added (false).
    pub(crate) fn insert(&mut self, id: NodeId) -> bool {
        if id.0 as usize >= self.len {
            return false;
        }
        let (word, bit) = (id.0 as usize / 64, id.0 % 64);
        match self.words.get_mut(word) {
            Some(w) if *w & (1 << bit) == 0 => {
                *w |= 1 << bit;
                true
            }
            _ => false,
        }
    }

    /// Whether `id` is in the set.
    pub(crate) fn contains(&self, id: NodeId) -> bool {
        self.words
            .get(id.0 as usize / 64)
            .is_some_and(|w| w & (1 << (id.0 % 64)) != 0)
    }
}

/// How a scalar was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScalarStyle {
    /// `foo`
    Plain,
    /// `'foo'`
    SingleQuoted,
    /// `"foo"`
    DoubleQuoted,
    /// `|`
    Literal,
    /// `>`
    Folded,
}

/// A YAML tag as written: `!reset`, `!override`, `!!str`, …
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Tag {
    /// `!` or `!!` or a declared handle (`!e!`), as written; empty for a verbatim `!<uri>`.
    pub handle: String,
    /// The part after the handle: `reset`, `str`, … (the uri for a verbatim tag).
    pub suffix: String,
}

/// What a scalar's tag means to go-yaml v3 when Compose decodes the scalar into Go's `any`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagKind {
    /// No tag, or the non-specific `!`: a plain scalar is resolved, a quoted one is a string.
    Untagged,
    /// `!!str`: a string.
    Str,
    /// `!!bool`. This and the next four: the text must resolve to that type (`!!int '12'` is
    /// 12; `!!int abc` fails to parse); a `!!float` integer is a float.
    Bool,
    /// `!!int`
    Int,
    /// `!!float`
    Float,
    /// `!!null`
    Null,
    /// `!!timestamp`
    Timestamp,
    /// `!!binary`: base64, decoded to a string.
    Binary,
    /// Any other tag (`!reset`, `!override`, `!custom`, `!!map` on a scalar): a string.
    Other,
}

impl Tag {
    /// What the tag means to go-yaml (the `!!` handle or a verbatim `tag:yaml.org,2002:` uri).
    #[must_use]
    pub fn kind(&self) -> TagKind {
        let core = match self.handle.as_str() {
            "!" if self.suffix.is_empty() => return TagKind::Untagged,
            "!!" => Some(self.suffix.as_str()),
            "" => self.suffix.strip_prefix("tag:yaml.org,2002:"),
            _ => None,
        };
        match core {
            Some("str") => TagKind::Str,
            Some("bool") => TagKind::Bool,
            Some("int") => TagKind::Int,
            Some("float") => TagKind::Float,
            Some("null") => TagKind::Null,
            Some("timestamp") => TagKind::Timestamp,
            Some("binary") => TagKind::Binary,
            _ => TagKind::Other,
        }
    }

    /// `!reset` (Compose: drop the value inherited from an earlier file).
    #[must_use]
    pub fn is_reset(&self) -> bool {
        self.handle == "!" && self.suffix == "reset"
    }

    /// `!override` (Compose: replace the earlier file's value instead of merging).
    #[must_use]
    pub fn is_override(&self) -> bool {
        self.handle == "!" && self.suffix == "override"
    }
}

/// A scalar's decoded text (how it was written is [`Node::style`]), read with [`Tree::text`]:
/// a range of one of the source texts the tree was parsed from when the text is the bytes as
/// written (most scalars: plain one-line ones, quoted ones without escapes or folding), else a
/// range of the tree's text buffer. Neither is changed but the buffer grows: a handle stays valid
/// for the tree's life, also once [`Tree::set_text`] gave its node another text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Scalar {
    /// Where the text starts: in the buffer, or (with [`IN_SOURCE`] in `len`) in the tree's
    /// source texts laid end to end.
    start: u32,
    /// The text's length in bytes, with [`IN_SOURCE`] set when it is a range of a source text.
    len: u32,
}

/// The bit of [`Scalar::len`] that says the text is in a source text, not in the buffer.
const IN_SOURCE: u32 = 1 << 31;

impl Scalar {
    /// Bytes `range` of the source text that starts at `base` (see [`Tree::add_source`]);
    /// `None` when the range does not fit a handle.
    fn in_source(base: u32, range: std::ops::Range<usize>) -> Option<Self> {
        let start = base.checked_add(u32::try_from(range.start).ok()?)?;
        let len = u32::try_from(range.len()).ok().filter(|&n| n < IN_SOURCE)?;
        start.checked_add(len)?;
        Some(Self {
            start,
            len: len | IN_SOURCE,
        })
    }

    const fn is_in_source(self) -> bool {
        self.len & IN_SOURCE != 0
    }

    const fn text_len(self) -> usize {
        (self.len & !IN_SOURCE) as usize
    }
}

/// The children of a collection: a range of its [`Tree`]'s item list (a sequence, read with
/// [`Tree::items`]) or entry list (a mapping, read with [`Tree::entries`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Children {
    start: u32,
    len: u32,
}

impl Children {
    /// How many items or entries.
    #[must_use]
    pub const fn len(self) -> usize {
        self.len as usize
    }

    /// Whether there is none.
    #[must_use]
    pub const fn is_empty(self) -> bool {
        self.len == 0
    }

    fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.start as usize + self.len as usize
    }
}

/// One `key: value` entry of a mapping, after merge keys were resolved.
///
/// Whether the entry was inherited through a merge key of *this* mapping is
/// [`Entry::is_merged`], and the span of that `<<` key [`Tree::merged_from`]: the entry's own
/// key/value nodes then live where the anchor was defined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    /// The key node (a scalar for every compose key; other keys are kept as written).
    pub key: NodeId,
    /// The value node.
    pub value: NodeId,
    /// The `<<` key the entry was inherited through, in its tree's table of merge keys (few
    /// `<<` keys bring many entries: the span is kept once, not in each entry).
    merge: Option<MergeKey>,
}

/// A `<<` key of a [`Tree`]: one past its index in the tree's table of merge keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct MergeKey(std::num::NonZeroU32);

/// An optional [`MergeKey`] that leaves a niche for `Option` of the struct that keeps it: 1
/// for none, one past the key's handle otherwise (0 is never used). A model value kept in an
/// `Option` (`Option<NodeValue>`, 10 of them a service) is then no larger than the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct MergeSlot(std::num::NonZeroU32);

impl MergeSlot {
    /// The slot of `key`. A tree has fewer merge keys than `u32::MAX - 1` (each is two bytes
    /// of a file within [`Limits::max_file_bytes`], and a project few files), so none is lost.
    pub(crate) fn new(key: Option<MergeKey>) -> Self {
        let slot = key.map_or(1, |k| k.0.get().saturating_add(1));
        Self(std::num::NonZeroU32::new(slot).unwrap_or(std::num::NonZeroU32::MIN))
    }

    /// The merge key kept.
    pub(crate) fn get(self) -> Option<MergeKey> {
        std::num::NonZeroU32::new(self.0.get() - 1).map(MergeKey)
    }
}

// A 10 000-service file has about 150 000 entries.
#[cfg(target_pointer_width = "64")]
const _: () = assert!(std::mem::size_of::<Entry>() == 12);

impl Entry {
    /// The `<<` key the entry was inherited through, as a handle into its tree's table of
    /// merge keys ([`Tree::merge_key_span`]): 4 bytes for a view of the entry to keep.
    pub(crate) const fn merge_key(&self) -> Option<MergeKey> {
        self.merge
    }

    /// An entry the mapping writes itself (not inherited through `<<`).
    #[must_use]
    pub const fn new(key: NodeId, value: NodeId) -> Self {
        Self {
            key,
            value,
            merge: None,
        }
    }

    /// Whether the entry was inherited through a merge key (`<<`) of its mapping: see
    /// [`Tree::merged_from`] for where that key is.
    #[must_use]
    pub const fn is_merged(&self) -> bool {
        self.merge.is_some()
    }
}

/// What a node is. The payloads are handles into the node's [`Tree`]: a node is small and
/// `Copy`, and its text and children are read through the tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeKind {
    /// A scalar (null, bool, number and string are all scalars here; see [`resolve_plain`]).
    Scalar(Scalar),
    /// A sequence of nodes ([`Tree::items`]).
    Sequence(Children),
    /// A mapping, in source order ([`Tree::entries`]): own entries first in the order written;
    /// inherited entries (merge keys) follow in merge order, minus the keys the mapping defines
    /// itself.
    Mapping(Children),
}

/// A node's content read through its [`Tree`] ([`Tree::view`]): what [`NodeKind`]'s handles
/// point at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View<'t> {
    /// A scalar's decoded text.
    Scalar(&'t str),
    /// A sequence's items.
    Sequence(&'t [NodeId]),
    /// A mapping's entries.
    Mapping(&'t [Entry]),
}

/// The tag and anchor of a node, in its [`Tree`]'s side table (few nodes have either).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PropsId(std::num::NonZeroU32);

/// One node of the tree.
///
/// The tag and anchor written before the node are not in it: its tree keeps them by node id
/// ([`Tree::tag`], [`Tree::anchor`], [`Tree::props`]), so a copy of a node pushed with
/// [`Tree::push`] has neither, and one pushed with [`Tree::push_with_props`] the ones given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// Scalar, sequence or mapping.
    pub kind: NodeKind,
    /// The node's bytes in its file: a scalar's raw text including quotes (for block scalars, from
    /// the indicator to the end of the last non-blank content line); a flow collection from `[` or
    /// `{` to the closing bracket; a block collection from its first key or `-` to the end of its
    /// last value. The properties (`&anchor`, `!tag`) written before the node are not included.
    /// An empty plain scalar (`key:` with no value) has an empty span where the value would be.
    pub span: Span,
    /// The file the node was parsed from (merged trees mix files).
    pub file: FileId,
    /// How a scalar was quoted (`Plain` for a collection).
    pub style: ScalarStyle,
    /// Whether the interpolation pass rendered this scalar: its value is then a string whatever
    /// it looks like (Compose interpolates strings and does not re-type them).
    pub interpolated: bool,
}

// A 10 000-service file has about 240 000 nodes: a node is 24 bytes (its text and children live
// in the tree's shared buffers; the rare tag and anchor are not in the node at all but in a side
// table of the tree keyed by node id, [`Tree::props`]).
#[cfg(target_pointer_width = "64")]
const _: () = assert!(std::mem::size_of::<Node>() == 24);

/// The properties written before a node: `!tag`, `&anchor`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Props {
    /// The tag, if one was written.
    pub tag: Option<Tag>,
    /// The anchor name if the node was anchored (`&name`), with the anchor's span.
    pub anchor: Option<(String, Span)>,
}

/// Hard limits that make hostile input fail fast with FC004 instead of exhausting memory or stack.
///
/// The defaults leave real files far inside the limits (the 318 corpus files are at most 82 KiB
/// and nest at most 9 collections deep) while stopping hostile ones in milliseconds:
/// - `max_file_bytes` 64 MiB: nearly 1000× the largest real file; spans are `u32`.
/// - `max_depth` 256: 25× the deepest real file; consumers that recurse over the tree stay far
///   from a 2 MiB stack. saphyr-parser itself stops *flow* nesting at 255 levels, reported as
///   `Depth { limit: 255 }` when `max_depth` is larger.
/// - expansion budget `max(min_expanded_nodes, expanded_nodes_per_byte × len)` = `max(100 000,
///   16 × len)`: a file is at most about one node per byte before aliases, so 16 per byte lets a
///   shared `x-base` be merged into every service (10 000 services merging a 10-node base use
///   about 1% of their budget), while the 9×9 billion-laughs file stops after 74 718 nodes.
/// - `max_nodes` 1 000 000: 300× the largest corpus file (3 294 nodes), 4× the generated
///   10 000-service project. A file of a few bytes per node (`[a,a,a,…]`, thousands of
///   one-line services) would otherwise reach tens of millions of nodes within `max_file_bytes`,
///   and every later step keeps something per node: the lint of 17 MB of `aN: {image: x}`
///   services took 1.4 GB.
/// - `max_diagnostics` 100 000: a real project has tens of findings, the generated
///   10 000-service one without its `.env` about 30 000. Within the node budget a file of
///   empty documents or list items still finds one problem per node: a million findings took
///   1.1 GB and 10 s to print.
/// - `max_documents` 16: Compose merges each document of a file onto the ones before, as one
///   more file, and checks the project after each; a real file has one, rarely two or three.
///   Each merge copies the project's `services` mapping, so a file of a million nodes split
///   into thousands of documents would cost documents × services.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Maximum size of one file in bytes.
    pub max_file_bytes: usize,
    /// Maximum nesting depth of collections.
    pub max_depth: usize,
    /// Expanded nodes allowed per input byte (aliases and merge keys count their target's
    /// expanded size each time they are used).
    pub expanded_nodes_per_byte: usize,
    /// Expanded nodes always allowed, whatever the input size. The budget these two give is
    /// at most `u32::MAX - 1` nodes (the builder keeps each node's expanded size in a `u32`):
    /// a larger one acts, and is reported, as that.
    pub min_expanded_nodes: usize,
    /// Maximum number of nodes in one file's tree (its own and those merge keys copy).
    pub max_nodes: usize,
    /// Findings a run keeps (loading, then the rules): past it they are counted, and one FC004
    /// says how many were dropped.
    pub max_diagnostics: usize,
    /// YAML documents of one compose file read (each is merged onto the ones before); one
    /// FC004 for the rest.
    pub max_documents: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_file_bytes: 64 * 1024 * 1024,
            max_depth: 256,
            expanded_nodes_per_byte: 16,
            min_expanded_nodes: 100_000,
            max_nodes: 1_000_000,
            max_diagnostics: 100_000,
            max_documents: 16,
        }
    }
}

/// Which limit was exceeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimitKind {
    /// The file is larger than [`Limits::max_file_bytes`].
    FileSize {
        /// The limit in bytes.
        limit: usize,
    },
    /// Collections nest deeper than [`Limits::max_depth`].
    Depth {
        /// The limit.
        limit: usize,
    },
    /// Aliases and merge keys expand to more nodes than the budget.
    Expansion {
        /// The budget, in nodes.
        limit: usize,
    },
    /// The tree has more nodes than [`Limits::max_nodes`].
    Nodes {
        /// The limit, in nodes.
        limit: usize,
    },
}

/// A problem found while building the tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum YamlProblem {
    /// FC001: the text is not valid YAML.
    Syntax {
        /// The parser's message, without position.
        message: String,
        /// Where the parser stopped.
        span: Span,
    },
    /// FC003: a key appears twice in one mapping.
    DuplicateKey {
        /// The key as written.
        key: String,
        /// The first occurrence.
        first: Span,
        /// The later occurrence.
        second: Span,
        /// The later occurrence's value: built, but left out of the mapping, which keeps the
        /// first (Compose refuses the file; GitLab's YAML library keeps the last). Past the
        /// tree's nodes when a syntax error dropped the document it was in.
        value: NodeId,
    },
    /// FC004: a limit was exceeded; the tree is dropped.
    Limit {
        /// Which limit.
        kind: LimitKind,
        /// Where it was exceeded (the alias, the too-deep node, or the start of the file).
        span: Span,
        /// Expanded nodes counted when the expansion budget stopped the walk (0 for other limits).
        expanded_at_stop: usize,
    },
    /// An alias names an anchor that is not defined (before it).
    UnknownAnchor {
        /// The anchor name.
        name: String,
        /// The alias.
        span: Span,
    },
    /// A merge key (`<<`) whose value is not a mapping or a sequence of mappings (Compose:
    /// `yaml: map merge requires map or sequence of maps as the value`). The merge is skipped.
    BadMergeValue {
        /// The `<<` value as written (the alias for `<<: *x`).
        span: Span,
    },
    /// An alias inside the node its anchor names (`x: &a {b: *a}`). Compose: `cycle detected:
    /// node at path x.b references node at path x`. The alias is replaced by an empty scalar.
    AliasCycle {
        /// The anchor name.
        name: String,
        /// The alias.
        span: Span,
    },
}

impl YamlProblem {
    /// The span the problem points at (the second occurrence for a duplicate key).
    #[must_use]
    pub fn primary_span(&self) -> Span {
        match self {
            Self::Syntax { span, .. }
            | Self::Limit { span, .. }
            | Self::UnknownAnchor { span, .. }
            | Self::BadMergeValue { span }
            | Self::AliasCycle { span, .. } => *span,
            Self::DuplicateKey { second, .. } => *second,
        }
    }
}

/// An arena of nodes and the documents' roots. A node's text, children, tag and anchor live in
/// the tree's shared buffers (one allocation each rather than one per node); most texts are read
/// from the source texts the tree was parsed from, which it shares with the caller.
#[derive(Debug, Clone, Default)]
pub struct Tree {
    /// All nodes; [`NodeId`] indexes this.
    pub nodes: Vec<Node>,
    /// The root node of each document in the stream, in order (empty for an empty file).
    pub documents: Vec<NodeId>,
    /// Short `volumes` items compose-go has in their canonical form when it makes the list
    /// unique again (an earlier file's items when a later file is merged, the items of a file
    /// `extends` reads): their target is compared cleaned (`./d:/data/` is at `/data`).
    pub canonical_volumes: std::collections::HashSet<NodeId>,
    /// Short `ports` items compose-go has as mappings when it makes the list unique (an earlier
    /// file's, when a later file is merged): the first pass keys them in canonical form too.
    pub canonical_ports: std::collections::HashSet<NodeId>,
    /// List and mapping values a later file (or an `extends`) gave an `environment`, `labels` …
    /// key an earlier one has: compose-go prints them as strings (`mergeToSequence`) once they
    /// are interpolated (`merge::print_merged_as_strings`).
    pub merged_as_strings: std::collections::HashSet<NodeId>,
    /// The keys a merge made of `- K=V` list items whose name holds a `$` (`- ${KN}=v` merged
    /// with a mapping): Compose interpolates the whole item before it splits it, so the
    /// interpolation pass renders these keys as it renders values.
    pub list_item_keys: std::collections::HashSet<NodeId>,
    /// The text of the file the tree was parsed from (shared with the caller's
    /// [`crate::SourceFile::text`], not copied): [`Scalar`] handles into the sources below its
    /// length point in it. Empty for a tree not parsed from a file.
    source: SharedText,
    /// The texts of the other files a merged tree holds nodes of, each with where it starts in
    /// the space of handles: the sources laid end to end, after `source`, in the order added.
    more_sources: Vec<(u32, SharedText)>,
    /// The decoded texts that are not as written in a source (escapes, folded lines, block
    /// scalars, text set by later passes), end to end.
    text: String,
    /// The sequences' items, each sequence's run in order.
    items: Vec<NodeId>,
    /// The mappings' entries, each mapping's run in order.
    entries: Vec<Entry>,
    /// The tags and anchors ([`PropsId`] is one past the index).
    props: Vec<Props>,
    /// The nodes that have a tag or an anchor, with theirs, sorted by node (nodes are pushed in
    /// id order, so [`Tree::push_with_props`] appends): few nodes have any, so a [`Node`] keeps
    /// no field for them.
    node_props: Vec<(NodeId, PropsId)>,
    /// The spans of the `<<` keys entries were inherited through ([`MergeKey`] is one past
    /// the index).
    merge_keys: Vec<Span>,
    /// The files of [`Tree::merge_keys`], as runs: each file with the index of its first `<<`
    /// key, in order (a file's keys are recorded together, as it is parsed, and a merged tree
    /// appends each file's), so a key's file is kept in a few bytes a file, not two a key.
    merge_key_files: Vec<(u32, FileId)>,
    /// What Compose reads for the number scalars Go prints otherwise than written (`0755` is
    /// `493`, `1e6` `1e+06`), by node, sorted: set once the tree is final, by the model for the
    /// `environment` and `labels` values it reads ([`Tree::set_go_printed`]). Few values are
    /// such numbers: the model's views of them keep no text of their own.
    go_printed: Vec<(NodeId, Box<str>)>,
}

impl Tree {
    /// Whether `e` is a `- K=V` list item a later file's merge made a mapping entry of (see
    /// `merge::named_entries`): its key and its value are both the item, at the same place.
    #[must_use]
    pub fn is_list_item_entry(&self, e: &Entry) -> bool {
        let (k, v) = (self.node(e.key), self.node(e.value));
        k.span == v.span && k.file == v.file
    }

    /// Where node `id` was written: its file and span.
    #[must_use]
    pub fn location(&self, id: NodeId) -> crate::span::Location {
        let n = self.node(id);
        crate::span::Location::new(n.file, n.span)
    }

    /// The node with this id.
    ///
    /// # Panics
    /// Never for ids produced by the tree itself.
    #[must_use]
    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id.0 as usize]
    }

    /// The first document's root, if any.
    #[must_use]
    pub fn root(&self) -> Option<NodeId> {
        self.documents.first().copied()
    }

    /// The entry of mapping `map` whose key is the scalar `key` (own or merged), if `map` is a
    /// mapping that has it. A linear scan.
    #[must_use]
    pub fn get(&self, map: NodeId, key: &str) -> Option<&Entry> {
        // Most keys differ in length: compared before the text is read.
        self.mapping(map)?.iter().find(|entry| {
            match self.nodes.get(entry.key.0 as usize).map(|n| n.kind) {
                Some(NodeKind::Scalar(s)) => s.text_len() == key.len() && self.text(s) == key,
                _ => false,
            }
        })
    }

    /// What node `id` holds: its text, items or entries.
    ///
    /// # Panics
    /// Never for ids produced by the tree itself.
    #[must_use]
    pub fn view(&self, id: NodeId) -> View<'_> {
        match self.node(id).kind {
            NodeKind::Scalar(s) => View::Scalar(self.text(s)),
            NodeKind::Sequence(c) => View::Sequence(self.items(c)),
            NodeKind::Mapping(c) => View::Mapping(self.entries(c)),
        }
    }

    /// A scalar's decoded text.
    #[must_use]
    #[inline]
    pub fn text(&self, scalar: Scalar) -> &str {
        let start = scalar.start as usize;
        let range = start..start + scalar.text_len();
        if !scalar.is_in_source() {
            return self.text.get(range).unwrap_or_default();
        }
        // Handles into the other sources start past the first one's end.
        match self.source.get(range) {
            Some(text) => text,
            None => self.text_in_more_sources(scalar),
        }
    }

    fn text_in_more_sources(&self, scalar: Scalar) -> &str {
        let Some((base, source)) = self.source_of(scalar) else {
            return "";
        };
        let start = (scalar.start - base) as usize;
        source
            .get(start..start + scalar.text_len())
            .unwrap_or_default()
    }

    /// The source a handle into the sources points in, with where it starts.
    fn source_of(&self, scalar: Scalar) -> Option<(u32, &SharedText)> {
        let after = self
            .more_sources
            .partition_point(|(base, _)| *base <= scalar.start);
        match after.checked_sub(1) {
            Some(i) => self.more_sources.get(i).map(|(base, s)| (*base, s)),
            None => Some((0, &self.source)),
        }
    }

    /// Keep `source` (shared) for handles into it; where it starts in the space of handles
    /// ([`Scalar::in_source`]). A text the tree holds already is not added twice; `None` when
    /// the handles' space has no room for it (the caller copies its texts to the buffer).
    fn add_source(&mut self, source: &SharedText) -> Option<u32> {
        if self.source.is_empty() && self.more_sources.is_empty() {
            // An empty first source has no text to point in: handles into it read "" anyway.
            self.source = source.clone();
            return Some(0);
        }
        if SharedText::ptr_eq(&self.source, source) {
            return Some(0);
        }
        if let Some((base, _)) = self
            .more_sources
            .iter()
            .find(|(_, s)| SharedText::ptr_eq(s, source))
        {
            return Some(*base);
        }
        let (base, last) = self
            .more_sources
            .last()
            .map_or((0, &self.source), |(base, s)| (*base, s));
        let base = base.checked_add(u32::try_from(last.len()).ok()?)?;
        base.checked_add(u32::try_from(source.len()).ok()?)?;
        self.more_sources.push((base, source.clone()));
        Some(base)
    }

    /// A sequence's items.
    #[must_use]
    pub fn items(&self, children: Children) -> &[NodeId] {
        self.items.get(children.range()).unwrap_or_default()
    }

    /// A mapping's entries.
    #[must_use]
    pub fn entries(&self, children: Children) -> &[Entry] {
        self.entries.get(children.range()).unwrap_or_default()
    }

    /// Where the `i`th entry of mapping `id` is in the tree's entries, for a view of the entry
    /// to keep in 4 bytes ([`Tree::entry_at`]); `None` when `id` has no such entry.
    pub(crate) fn entry_index(&self, id: NodeId, i: usize) -> Option<u32> {
        match self.nodes.get(id.0 as usize)?.kind {
            NodeKind::Mapping(c) if i < c.len as usize => {
                c.start.checked_add(u32::try_from(i).ok()?)
            }
            _ => None,
        }
    }

    /// The entry at `index` in the tree's entries ([`Tree::entry_index`]). Panics when there
    /// is none, as [`Tree::node`] does for a node.
    pub(crate) fn entry_at(&self, index: u32) -> &Entry {
        &self.entries[index as usize]
    }

    /// A mapping's entries, to change in place.
    pub fn entries_mut(&mut self, children: Children) -> &mut [Entry] {
        self.entries.get_mut(children.range()).unwrap_or_default()
    }

    /// `Some(span of the `<<` key)` when `entry` was inherited through a merge key of its
    /// mapping (in the file of the entry's key: an alias names an anchor of its own file).
    #[must_use]
    pub fn merged_from(&self, entry: &Entry) -> Option<Span> {
        self.merge_key_span(entry.merge?)
    }

    /// Keep `printed`, what Compose reads for number nodes Go prints otherwise than written,
    /// for [`Tree::go_printed`] (in any order; a node given twice is read the same both times,
    /// and kept once). The tree must be final: the nodes are not renumbered after.
    pub(crate) fn set_go_printed(&mut self, mut printed: Vec<(NodeId, Box<str>)>) {
        printed.sort_unstable_by_key(|(id, _)| id.0);
        printed.dedup_by_key(|(id, _)| id.0);
        printed.shrink_to_fit();
        self.go_printed = printed;
    }

    /// What Compose reads for number node `id` when Go prints it otherwise than written, as
    /// kept by [`Tree::set_go_printed`].
    pub(crate) fn go_printed(&self, id: NodeId) -> Option<&str> {
        let index = self
            .go_printed
            .binary_search_by_key(&id.0, |(n, _)| n.0)
            .ok()?;
        self.go_printed.get(index).map(|(_, text)| &**text)
    }

    /// The span of the `<<` key `key` ([`Entry::merge_key`]).
    pub(crate) fn merge_key_span(&self, key: MergeKey) -> Option<Span> {
        self.merge_keys.get(key.0.get() as usize - 1).copied()
    }

    /// Where the `<<` key `key` was written ([`Entry::merge_key`]): its span in the file it was
    /// parsed from, which is the file of the key node of every entry it brought (an alias names
    /// an anchor of its own file, and an entry keeps its key and its `<<` together).
    pub(crate) fn merge_key_location(&self, key: MergeKey) -> Option<Location> {
        let span = self.merge_key_span(key)?;
        let index = key.0.get() - 1;
        let run = self
            .merge_key_files
            .partition_point(|&(first, _)| first <= index);
        let (_, file) = *self.merge_key_files.get(run.checked_sub(1)?)?;
        Some(Location::new(file, span))
    }

    /// Record the `<<` key written at `span` in `file`, for the entries it brings.
    fn add_merge_key(&mut self, file: FileId, span: Span) -> Option<MergeKey> {
        let index = u32::try_from(self.merge_keys.len()).ok()?;
        if self.merge_key_files.last().is_none_or(|&(_, f)| f != file) {
            self.merge_key_files.push((index, file));
        }
        self.merge_keys.push(span);
        std::num::NonZeroU32::new(index + 1).map(MergeKey)
    }

    /// The entries of node `id` when it is a mapping.
    #[must_use]
    pub fn mapping(&self, id: NodeId) -> Option<&[Entry]> {
        match self.nodes.get(id.0 as usize)?.kind {
            NodeKind::Mapping(c) => Some(self.entries(c)),
            NodeKind::Scalar(_) | NodeKind::Sequence(_) => None,
        }
    }

    /// The items of node `id` when it is a sequence.
    #[must_use]
    pub fn sequence(&self, id: NodeId) -> Option<&[NodeId]> {
        match self.nodes.get(id.0 as usize)?.kind {
            NodeKind::Sequence(c) => Some(self.items(c)),
            NodeKind::Scalar(_) | NodeKind::Mapping(_) => None,
        }
    }

    /// Make room for `additional` more bytes of text ([`Tree::add_text`], [`Tree::set_text`])
    /// at once, for a pass that knows about how much it will add: the buffer does not grow by
    /// doubling (each doubling copies the text and frees the old buffer, which the allocator
    /// keeps a while).
    pub fn reserve_text(&mut self, additional: usize) {
        self.text.reserve(additional);
    }

    /// Store a scalar text; the handle goes in a node's [`NodeKind::Scalar`].
    pub fn add_text(&mut self, text: &str) -> Scalar {
        let start = u32::try_from(self.text.len()).unwrap_or(u32::MAX);
        self.text.push_str(text);
        Scalar {
            start,
            len: u32::try_from(text.len()).unwrap_or(u32::MAX),
        }
    }

    /// Store a sequence's items; the handle goes in a node's [`NodeKind::Sequence`].
    pub fn add_items(&mut self, items: impl IntoIterator<Item = NodeId>) -> Children {
        let start = self.items.len();
        self.items.extend(items);
        children(start, self.items.len())
    }

    /// How many nodes, sequence items and mapping entries the tree holds in all: what its
    /// buffers cost, for budgets on what merges add.
    #[must_use]
    pub fn size(&self) -> usize {
        self.nodes.len() + self.items.len() + self.entries.len()
    }

    /// Store a mapping's entries; the handle goes in a node's [`NodeKind::Mapping`].
    pub fn add_entries(&mut self, entries: impl IntoIterator<Item = Entry>) -> Children {
        let start = self.entries.len();
        self.entries.extend(entries);
        children(start, self.entries.len())
    }

    /// Store a node's tag and anchor (`None` when it has neither).
    pub fn add_props(&mut self, props: Props) -> Option<PropsId> {
        if props.tag.is_none() && props.anchor.is_none() {
            return None;
        }
        self.props.push(props);
        let id = u32::try_from(self.props.len()).unwrap_or(u32::MAX);
        std::num::NonZeroU32::new(id).map(PropsId)
    }

    /// The handle of node `id`'s tag and anchor, if it has either (a binary search in the
    /// tree's side table, which most files leave empty): to give a copy of the node the same
    /// ones ([`Tree::push_with_props`]).
    #[must_use]
    #[inline]
    pub fn props_id(&self, id: NodeId) -> Option<PropsId> {
        if self.node_props.is_empty() {
            return None;
        }
        let i = self
            .node_props
            .binary_search_by_key(&id, |&(node, _)| node)
            .ok()?;
        self.node_props.get(i).map(|&(_, props)| props)
    }

    /// The tag and anchor of node `id`, if any.
    ///
    /// API change: this took the `&Node` (whose `props` field held the handle); a node no
    /// longer holds its tag and anchor, the tree keeps them by node id.
    #[must_use]
    pub fn props(&self, id: NodeId) -> Option<&Props> {
        let index = self.props_id(id)?.0.get() as usize - 1;
        self.props.get(index)
    }

    /// Whether any node of the tree has a tag for which `f` holds (most files have no tag:
    /// passes over tagged nodes can be skipped), read from the side table, not the nodes.
    #[must_use]
    pub fn any_tag(&self, f: impl Fn(&Tag) -> bool) -> bool {
        self.props.iter().filter_map(|p| p.tag.as_ref()).any(f)
    }

    /// The tag written before node `id`, if any (`!reset`, `!!str` …).
    #[must_use]
    pub fn tag(&self, id: NodeId) -> Option<&Tag> {
        self.props(id)?.tag.as_ref()
    }

    /// The anchor name if node `id` was anchored (`&name`), with the anchor's span.
    #[must_use]
    pub fn anchor(&self, id: NodeId) -> Option<&(String, Span)> {
        self.props(id)?.anchor.as_ref()
    }

    /// Add a node without tag or anchor; its id. (A copy of a node that keeps the original's
    /// tag and anchor is pushed with [`Tree::push_with_props`] and [`Tree::props_id`].)
    pub fn push(&mut self, node: Node) -> NodeId {
        self.push_with_props(node, None)
    }

    /// Add a node with the tag and anchor `props` (from [`Tree::add_props`], or another node's
    /// [`Tree::props_id`]); its id.
    pub fn push_with_props(&mut self, node: Node, props: Option<PropsId>) -> NodeId {
        let id = NodeId(u32::try_from(self.nodes.len()).unwrap_or(u32::MAX));
        self.nodes.push(node);
        if let Some(props) = props {
            self.node_props.push((id, props));
        }
        id
    }

    /// Drop the nodes from `len` on (with their tags and anchors; the side table's [`Props`]
    /// stay, unreachable).
    fn truncate_nodes(&mut self, len: usize) {
        self.nodes.truncate(len);
        let kept = self
            .node_props
            .partition_point(|(id, _)| (id.0 as usize) < len);
        self.node_props.truncate(kept);
    }

    /// A new scalar node like `like` (same span, file, style; no tag or anchor) with `text`.
    pub fn push_scalar(&mut self, like: &Node, text: &str) -> NodeId {
        let scalar = self.add_text(text);
        self.push(Node {
            kind: NodeKind::Scalar(scalar),
            ..like.clone()
        })
    }

    /// Replace the text of scalar node `id` (nothing for a collection). The earlier text stays
    /// in the tree: its [`Scalar`] handle still reads it.
    pub fn set_text(&mut self, id: NodeId, text: &str) {
        let scalar = self.add_text(text);
        if let Some(node) = self.nodes.get_mut(id.0 as usize)
            && matches!(node.kind, NodeKind::Scalar(_))
        {
            node.kind = NodeKind::Scalar(scalar);
        }
    }

    /// Append all of `other`'s nodes, their ids shifted past this tree's; the shift. `other`'s
    /// documents, canonical volumes and ports and values merged as strings are not added.
    pub fn append(&mut self, other: &Self) -> u32 {
        let offset = u32::try_from(self.nodes.len()).unwrap_or(u32::MAX);
        let shift = |id: NodeId| NodeId(id.0 + offset);
        let text = u32::try_from(self.text.len()).unwrap_or(u32::MAX);
        let items = u32::try_from(self.items.len()).unwrap_or(u32::MAX);
        let entries = u32::try_from(self.entries.len()).unwrap_or(u32::MAX);
        let props = u32::try_from(self.props.len()).unwrap_or(u32::MAX);
        let merge_keys = u32::try_from(self.merge_keys.len()).unwrap_or(u32::MAX);
        self.merge_keys.extend_from_slice(&other.merge_keys);
        self.merge_key_files.extend(
            other
                .merge_key_files
                .iter()
                .map(|&(first, file)| (first.saturating_add(merge_keys), file)),
        );
        self.text.push_str(&other.text);
        // Where each of `other`'s sources starts there and here (`None`: no room, its texts are
        // copied).
        let bases: Vec<(u32, Option<u32>)> = std::iter::once((0, &other.source))
            .chain(other.more_sources.iter().map(|(base, s)| (*base, s)))
            .map(|(base, source)| (base, self.add_source(source)))
            .collect();
        self.items.extend(other.items.iter().copied().map(shift));
        self.entries.extend(other.entries.iter().map(|e| {
            Entry {
                key: shift(e.key),
                value: shift(e.value),
                merge: e
                    .merge
                    .and_then(|m| std::num::NonZeroU32::new(m.0.get() + merge_keys).map(MergeKey)),
            }
        }));
        self.props.extend(other.props.iter().cloned());
        self.node_props
            .extend(other.node_props.iter().filter_map(|&(id, p)| {
                Some((
                    shift(id),
                    PropsId(std::num::NonZeroU32::new(p.0.get() + props)?),
                ))
            }));
        self.nodes.reserve(other.nodes.len());
        for n in &other.nodes {
            let kind = match n.kind {
                NodeKind::Scalar(s) if !s.is_in_source() => NodeKind::Scalar(Scalar {
                    start: s.start + text,
                    len: s.len,
                }),
                NodeKind::Scalar(s) => NodeKind::Scalar(self.moved_scalar(other, s, &bases)),
                NodeKind::Sequence(c) => NodeKind::Sequence(Children {
                    start: c.start + items,
                    len: c.len,
                }),
                NodeKind::Mapping(c) => NodeKind::Mapping(Children {
                    start: c.start + entries,
                    len: c.len,
                }),
            };
            self.nodes.push(Node { kind, ..n.clone() });
        }
        offset
    }

    /// The handle here of `other`'s source handle `scalar`, given where each of `other`'s
    /// sources starts there and here ([`Tree::append`]); the text is copied to the buffer when
    /// its source found no room.
    fn moved_scalar(
        &mut self,
        other: &Self,
        scalar: Scalar,
        bases: &[(u32, Option<u32>)],
    ) -> Scalar {
        let index = bases
            .partition_point(|(base, _)| *base <= scalar.start)
            .saturating_sub(1);
        match bases.get(index) {
            Some(&(from, Some(to))) => Scalar {
                start: scalar.start - from + to,
                len: scalar.len,
            },
            _ => self.add_text(other.text(scalar)),
        }
    }
}

impl Tree {
    /// The tree of document `doc` alone: the nodes it reaches, in the same order (a YAML
    /// alias never reaches into another document). Compose reads each document of a file as
    /// one more file merged onto the ones before.
    #[must_use]
    pub fn document(&self, doc: NodeId) -> Self {
        let mut seen = std::collections::HashSet::new();
        let mut stack = vec![doc];
        while let Some(id) = stack.pop() {
            if (id.0 as usize) >= self.nodes.len() || !seen.insert(id.0) {
                continue;
            }
            match self.view(id) {
                View::Scalar(_) => {}
                View::Sequence(items) => stack.extend(items),
                View::Mapping(entries) => {
                    stack.extend(entries.iter().flat_map(|e| [e.key, e.value]));
                }
            }
        }
        let mut kept: Vec<u32> = seen.into_iter().collect();
        kept.sort_unstable();
        let new_id = |id: NodeId| {
            NodeId(
                kept.binary_search(&id.0)
                    .map_or(u32::MAX, |i| u32::try_from(i).unwrap_or(u32::MAX)),
            )
        };
        let mut out = Self {
            source: self.source.clone(),
            more_sources: self.more_sources.clone(),
            merge_keys: self.merge_keys.clone(),
            merge_key_files: self.merge_key_files.clone(),
            ..Self::default()
        };
        for &old in &kept {
            let old = NodeId(old);
            let Some(node) = self.nodes.get(old.0 as usize) else {
                continue;
            };
            let kind = match node.kind {
                // The same sources: a handle into them reads the same text in both trees.
                NodeKind::Scalar(s) if s.is_in_source() => NodeKind::Scalar(s),
                NodeKind::Scalar(s) => NodeKind::Scalar(out.add_text(self.text(s))),
                NodeKind::Sequence(c) => {
                    NodeKind::Sequence(out.add_items(self.items(c).iter().map(|&i| new_id(i))))
                }
                NodeKind::Mapping(c) => {
                    NodeKind::Mapping(out.add_entries(self.entries(c).iter().map(|e| Entry {
                        key: new_id(e.key),
                        value: new_id(e.value),
                        merge: e.merge,
                    })))
                }
            };
            let props = self.props(old).cloned().and_then(|p| out.add_props(p));
            out.push_with_props(
                Node {
                    kind,
                    ..node.clone()
                },
                props,
            );
        }
        out.documents = vec![new_id(doc)];
        out
    }
}

/// Two trees are equal when they have the same documents and canonical volumes and each node
/// has the same span, file, style, text or children, tag and anchor (wherever the trees keep
/// them in their buffers).
impl PartialEq for Tree {
    fn eq(&self, other: &Self) -> bool {
        self.documents == other.documents
            && self.canonical_volumes == other.canonical_volumes
            && self.canonical_ports == other.canonical_ports
            && self.merged_as_strings == other.merged_as_strings
            && self.nodes.len() == other.nodes.len()
            && (0..self.nodes.len()).all(|i| self.same_node(other, NodeId(i as u32)))
    }
}

impl Eq for Tree {}

impl Tree {
    /// Bytes of scalar text, sequence items and mapping entries held in the tree's buffers (for
    /// the `memory` bench): the text copied to the buffer, not the text read from the sources.
    #[doc(hidden)]
    #[must_use]
    pub fn buffer_lengths(&self) -> (usize, usize, usize) {
        (self.text.len(), self.items.len(), self.entries.len())
    }

    /// Whether node `id` is the same in both trees (see `PartialEq for Tree`).
    #[must_use]
    pub fn same_node(&self, other: &Self, id: NodeId) -> bool {
        let (Some(a), Some(b)) = (
            self.nodes.get(id.0 as usize),
            other.nodes.get(id.0 as usize),
        ) else {
            return false;
        };
        let same_view = match (self.view(id), other.view(id)) {
            // The `<<` keys are compared by span: the trees number them in their own tables.
            (View::Mapping(x), View::Mapping(y)) => {
                x.len() == y.len()
                    && x.iter().zip(y).all(|(e, f)| {
                        (e.key, e.value, self.merged_from(e))
                            == (f.key, f.value, other.merged_from(f))
                    })
            }
            (x, y) => x == y,
        };
        (a.span, a.file, a.style, a.interpolated) == (b.span, b.file, b.style, b.interpolated)
            && same_view
            && self.props(id) == other.props(id)
    }
}

fn children(start: usize, end: usize) -> Children {
    Children {
        start: u32::try_from(start).unwrap_or(u32::MAX),
        len: u32::try_from(end - start).unwrap_or(u32::MAX),
    }
}

/// The tree of one file and the problems found while building it.
#[derive(Debug, Clone, Default)]
pub struct Parsed {
    /// The tree (empty when a syntax error or a limit stopped the parse early; documents parsed
    /// before a syntax error are kept).
    pub tree: Tree,
    /// Problems in source order.
    pub problems: Vec<YamlProblem>,
    /// Keys a mapping has before a merge key (`<<`) whose value has them too. The tree keeps
    /// the mapping's own value, as go-yaml (and Compose) do wherever the `<<` is written; Ruby's
    /// YAML library, which GitLab reads `.gitlab-ci.yml` with, merges in written order, so the
    /// later `<<` replaces it there.
    pub merged_over: Vec<MergedOver>,
}

/// A key of a mapping that a merge key written after it also brings (see
/// [`Parsed::merged_over`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MergedOver {
    /// The mapping.
    pub mapping: NodeId,
    /// The key the mapping holds: its own key as written, or the key of an earlier merge's
    /// entry.
    pub key: Span,
    /// The later `<<` key.
    pub merge_key: Span,
    /// The value that merge key brings (the first of a list's mappings that has the key).
    pub value: NodeId,
}

/// Parse `text` (the content of file `file`) into a span tree.
///
/// The tree keeps `text` and reads most scalars' text from it (see [`Scalar`]): pass the
/// [`SharedText`] the caller holds (as [`crate::SourceFile::text`]) to share it; a `String`
/// becomes one without a copy, a `&str` is copied into one.
///
/// The file size is checked first (nothing is parsed past [`Limits::max_file_bytes`]). Every
/// document of the stream is kept in [`Tree::documents`]: Compose loads each document of a file and
/// merges them in order, as if they were separate `-f` files (checked with Compose v2.40.3), and an
/// alias may name an anchor of an earlier document. Parsing stops at the first syntax error (the
/// documents completed before it are kept) and at the first exceeded limit (the tree is dropped).
///
/// Where saphyr-parser and go-yaml disagree, go-yaml wins: flow collections may be indented
/// anywhere, `\'` in a double-quoted scalar is `'`, a tab may start a quoted scalar's
/// continuation line; and these are reported as syntax errors while the parse goes on: `\/`
/// (parsed as `/`), control characters, a `%YAML` directive other than 1.1.
///
/// An empty document (`---` and nothing) is a null scalar root (Compose: `top-level object must
/// be a mapping`).
#[must_use]
pub fn parse(text: impl Into<SharedText>, file: FileId, limits: &Limits) -> Parsed {
    build::parse(&text.into(), file, limits, true)
}

/// [`parse`] without the fast front end: saphyr-parser reads the whole text. For the tests and
/// the fuzz target that check both give the same result.
#[doc(hidden)]
#[must_use]
pub fn parse_with_saphyr(text: impl Into<SharedText>, file: FileId, limits: &Limits) -> Parsed {
    build::parse(&text.into(), file, limits, false)
}

/// Whether the fast front end reads `text` (rather than declining it to saphyr-parser). For the
/// tests that check it reads what it should.
#[doc(hidden)]
#[must_use]
pub fn fast_path_reads(text: &str) -> bool {
    build::fast_parse(&SharedText::from(text), FileId(0), &Limits::default()).is_some()
}

/// The decoded text of a scalar node, `None` for a collection (or an id not in the tree).
#[must_use]
pub fn scalar_text(tree: &Tree, id: NodeId) -> Option<&str> {
    match tree.nodes.get(id.0 as usize)?.kind {
        NodeKind::Scalar(scalar) => Some(tree.text(scalar)),
        NodeKind::Sequence(_) | NodeKind::Mapping(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::{
        Limits, NodeId, NodeKind, Scalar, SharedText, Tree, parse, parse_with_saphyr, scalar_text,
    };
    use crate::span::{FileId, Span};

    #[test]
    fn a_node_set_adds_each_node_once_and_none_past_its_length() {
        let mut set = super::NodeSet::new(130);
        for id in [0, 63, 64, 129] {
            assert!(!set.contains(NodeId(id)));
            assert!(set.insert(NodeId(id)), "{id}");
            assert!(!set.insert(NodeId(id)), "{id} twice");
            assert!(set.contains(NodeId(id)));
        }
        assert!(!set.contains(NodeId(1)) && !set.contains(NodeId(65)));
        for past in [130, 191, 192] {
            assert!(
                !set.insert(NodeId(past)) && !set.contains(NodeId(past)),
                "{past}"
            );
        }
    }

    fn scalar(tree: &Tree, id: NodeId) -> Scalar {
        match tree.node(id).kind {
            NodeKind::Scalar(s) => s,
            NodeKind::Sequence(_) | NodeKind::Mapping(_) => panic!("not a scalar"),
        }
    }

    /// The scalar at `path` (mapping keys from the first document's root).
    fn at(tree: &Tree, path: &[&str]) -> NodeId {
        path.iter()
            .fold(tree.root().expect("a document"), |id, key| {
                tree.get(id, key).expect("the key").value
            })
    }

    const TEXT: &str = "a: plain words\nb: 'single'\nc: \"double\"\nd: 'it''s'\ne: \"tab\\there\"\nf: |\n  block\ng: two\n  lines\nh:\n";

    #[test]
    fn texts_as_written_are_read_from_the_source_others_copied() {
        for parsed in [
            parse(TEXT, FileId(0), &Limits::default()),
            parse_with_saphyr(TEXT, FileId(0), &Limits::default()),
        ] {
            assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
            let tree = &parsed.tree;
            let expected = [
                ("a", "plain words", true),
                ("b", "single", true),
                ("c", "double", true),
                ("d", "it's", false),
                ("e", "tab\there", false),
                ("f", "block\n", false),
                ("g", "two lines", false),
                ("h", "", true),
            ];
            for (key, text, in_source) in expected {
                let s = scalar(tree, at(tree, &[key]));
                assert_eq!((key, tree.text(s)), (key, text));
                assert_eq!((key, s.is_in_source()), (key, in_source));
            }
            // Only the texts not as written are in the buffer (the keys are all as written).
            let copied: usize = ["it's", "tab\there", "block\n", "two lines"]
                .iter()
                .map(|t| t.len())
                .sum();
            assert_eq!(tree.buffer_lengths().0, copied);
        }
    }

    #[test]
    fn a_fixed_source_is_compared_as_written() {
        // saphyr refuses `\'` and a lone `-` in a flow sequence: the builder parses a rewritten
        // copy, but the values are read from the text as written.
        let text = "a: \"it\\'s\"\nb: [-, x]\nc: word\n";
        let parsed = parse(text, FileId(0), &Limits::default());
        let tree = &parsed.tree;
        assert_eq!(scalar_text(tree, at(tree, &["a"])), Some("it's"));
        let items = tree.sequence(at(tree, &["b"])).expect("a sequence");
        let dash = scalar(tree, items[0]);
        assert_eq!((tree.text(dash), dash.is_in_source()), ("-", true));
        assert_eq!(scalar_text(tree, at(tree, &["c"])), Some("word"));
    }

    #[test]
    fn a_replaced_text_leaves_the_source_handle_valid() {
        let mut tree = parse(TEXT, FileId(0), &Limits::default()).tree;
        let id = at(&tree, &["a"]);
        let written = scalar(&tree, id);
        tree.set_text(id, "rendered");
        assert_eq!(scalar_text(&tree, id), Some("rendered"));
        assert!(!scalar(&tree, id).is_in_source());
        assert_eq!(tree.text(written), "plain words");
        // The tree reads the caller's text, not a copy.
        let shared = SharedText::from(TEXT);
        let tree = parse(shared.clone(), FileId(0), &Limits::default()).tree;
        assert!(SharedText::ptr_eq(&tree.source, &shared));
        assert_eq!(shared.share_count(), 2);
    }

    #[test]
    fn a_merged_tree_reads_each_files_text() {
        let first = SharedText::from("x: from first\ny: 'quoted'\n");
        let second = SharedText::from("x: from second\nz: \"esc\\n\"\n");
        let mut tree = parse(first.clone(), FileId(0), &Limits::default()).tree;
        let other = parse(second.clone(), FileId(1), &Limits::default()).tree;
        let copied = tree.buffer_lengths().0 + other.buffer_lengths().0;
        let offset = tree.append(&other);
        let other_root = NodeId(other.root().expect("a document").0 + offset);
        let read = |tree: &Tree, root: NodeId, key: &str| {
            scalar_text(tree, tree.get(root, key).expect("the key").value).map(str::to_owned)
        };
        let root = tree.root().expect("a document");
        assert_eq!(read(&tree, root, "x").as_deref(), Some("from first"));
        assert_eq!(read(&tree, root, "y").as_deref(), Some("quoted"));
        assert_eq!(read(&tree, other_root, "x").as_deref(), Some("from second"));
        assert_eq!(read(&tree, other_root, "z").as_deref(), Some("esc\n"));
        // Both files' texts are shared, not copied; a file appended twice is kept once.
        assert_eq!(tree.buffer_lengths().0, copied);
        assert_eq!(tree.more_sources.len(), 1);
        let again = tree.document(other_root);
        assert_eq!(again.more_sources.len(), 1);
        assert_eq!(
            read(&again, again.root().expect("a document"), "x").as_deref(),
            Some("from second")
        );
        tree.append(&again);
        assert_eq!(tree.more_sources.len(), 1);
        // A replaced text of the second file keeps its raw text readable.
        let z = tree.get(other_root, "x").expect("the key").value;
        let raw = scalar(&tree, z);
        tree.set_text(z, "set");
        assert_eq!(
            (scalar_text(&tree, z), tree.text(raw)),
            (Some("set"), "from second")
        );
        // A merged tree appended to a tree of a third file moves both sources.
        let third = SharedText::from("w: third\n");
        let mut outer = parse(third.clone(), FileId(2), &Limits::default()).tree;
        let shift = outer.append(&tree);
        assert_eq!(outer.more_sources.len(), 2);
        let moved = NodeId(other_root.0 + shift);
        assert_eq!(read(&outer, moved, "x").as_deref(), Some("set"));
        assert_eq!(read(&outer, moved, "z").as_deref(), Some("esc\n"));
        let first_root = NodeId(root.0 + shift);
        assert_eq!(read(&outer, first_root, "x").as_deref(), Some("from first"));
        assert_eq!(second.share_count(), 5);
    }

    #[test]
    fn merge_keys_follow_their_entries_into_other_trees() {
        let text = "x: &b {r: 1, s: 2}\ny:\n  <<: *b\n  s: 3\n";
        let merge = Span::new(24, 26);
        assert_eq!(&text[merge.range()], "<<");
        let first = parse("a: 1\n<<: {c: 2}\n", FileId(0), &Limits::default()).tree;
        let second = parse(text, FileId(1), &Limits::default()).tree;
        let inherited = |tree: &Tree, y: NodeId| -> Vec<(String, Option<Span>)> {
            tree.mapping(y)
                .expect("a mapping")
                .iter()
                .map(|e| {
                    let key = scalar_text(tree, e.key).unwrap_or_default().to_owned();
                    assert_eq!(e.is_merged(), tree.merged_from(e).is_some());
                    (key, tree.merged_from(e))
                })
                .collect()
        };
        let expected = vec![("s".to_owned(), None), ("r".to_owned(), Some(merge))];
        let y = at(&second, &["y"]);
        assert_eq!(inherited(&second, y), expected);
        let mut merged = first.clone();
        let shift = merged.append(&second);
        assert_eq!(inherited(&merged, NodeId(y.0 + shift)), expected);
        // The first file's own `<<` is still its own.
        let root = merged.root().expect("a document");
        let c = merged.get(root, "c").expect("the key");
        assert_eq!(merged.merged_from(c), Some(Span::new(5, 7)));
        let alone = merged.document(NodeId(second.root().expect("a document").0 + shift));
        assert_eq!(inherited(&alone, at(&alone, &["y"])), expected);
    }

    #[test]
    fn tags_and_anchors_follow_their_nodes_into_other_trees() {
        let text = "x: &b !t {r: !!str 1}\ny: *b\nz: !reset 2\n";
        let first = parse("a: !!int 1\n", FileId(0), &Limits::default()).tree;
        let second = parse(text, FileId(1), &Limits::default()).tree;
        let tags = |tree: &Tree, root: NodeId| -> Vec<(String, Option<String>, Option<String>)> {
            let mut out = Vec::new();
            let mut stack = vec![root];
            while let Some(id) = stack.pop() {
                let text = scalar_text(tree, id).unwrap_or("{}").to_owned();
                let tag = tree.tag(id).map(|t| format!("{}{}", t.handle, t.suffix));
                out.push((text, tag, tree.anchor(id).map(|(name, _)| name.clone())));
                if let Some(es) = tree.mapping(id) {
                    stack.extend(es.iter().flat_map(|e| [e.key, e.value]));
                }
            }
            out
        };
        let expected = tags(&second, second.root().expect("a document"));
        assert!(expected.contains(&("{}".to_owned(), Some("!t".to_owned()), Some("b".to_owned()))));
        assert!(expected.contains(&("2".to_owned(), Some("!reset".to_owned()), None)));
        let mut merged = first.clone();
        let shift = merged.append(&second);
        let moved = NodeId(second.root().expect("a document").0 + shift);
        assert_eq!(tags(&merged, moved), expected);
        let root = merged.root().expect("a document");
        assert_eq!(
            tags(&merged, root),
            tags(&first, first.root().expect("a document"))
        );
        let alone = merged.document(moved);
        assert_eq!(tags(&alone, alone.root().expect("a document")), expected);
        assert_eq!(alone, second);
        // A node pushed later has no tag, whatever the nodes before it had.
        let like = merged.node(moved).clone();
        let pushed = merged.push_scalar(&like, "new");
        assert_eq!((merged.tag(pushed), merged.anchor(pushed)), (None, None));
        let copy = merged.push_with_props(like, merged.props_id(moved));
        assert_eq!(merged.props(copy), merged.props(moved));
    }

    #[test]
    fn a_dropped_document_takes_its_tags_along() {
        // The second document's syntax error drops its nodes, tagged ones too: nodes pushed
        // later in their place have none.
        let parsed = parse(
            "a: !x 1\n---\nb: !y 2\nc: [\n",
            FileId(0),
            &Limits::default(),
        );
        assert!(!parsed.problems.is_empty());
        let mut tree = parsed.tree;
        assert_eq!(tree.documents.len(), 1);
        let kept = tree.nodes.len();
        let like = tree.node(NodeId(0)).clone();
        for _ in 0..4 {
            let id = tree.push_scalar(&like, "later");
            assert!(id.0 as usize >= kept);
            assert_eq!(tree.tag(id), None);
        }
        let a = tree
            .get(tree.root().expect("a document"), "a")
            .expect("the key")
            .value;
        assert_eq!(tree.tag(a).map(|t| t.suffix.as_str()), Some("x"));
    }

    #[test]
    fn a_handle_past_the_handles_space_is_refused() {
        assert_eq!(Scalar::in_source(u32::MAX, 0..1), None);
        assert_eq!(Scalar::in_source(0, 0..1 << 31), None);
        assert!(Scalar::in_source(1, 2..5).is_some());
    }

    #[test]
    fn interpolation_keeps_the_raw_text_of_a_later_file() {
        use crate::{FileKind, ProcessEnv, Settings, SourceFile, SourceMap, load};
        let mut sources = SourceMap::new();
        let first = "services:\n  app:\n    image: app:${TAG}\n";
        let second = "services:\n  app:\n    command: run ${MODE}\n";
        sources.add(SourceFile::new("a.yml", first, FileKind::Compose));
        sources.add(SourceFile::new("b.yml", second, FileKind::Compose));
        sources.add(SourceFile::new(
            ".env",
            "TAG=1.0\nMODE=fast\n",
            FileKind::Dotenv,
        ));
        let loaded = load(&sources, &ProcessEnv::default(), &Settings::default());
        let tree = &loaded.project.tree;
        let app = at(tree, &["services", "app"]);
        for (key, raw, rendered) in [
            ("image", "app:${TAG}", "app:1.0"),
            ("command", "run ${MODE}", "run fast"),
        ] {
            let id = tree.get(app, key).expect("the key").value;
            assert_eq!(scalar_text(tree, id), Some(rendered));
            assert_eq!(loaded.interpolation.raw_of(tree, id), Some(raw));
        }
    }
}
