//! The typed compose model: a [`Project`] of [`Service`]s whose fields keep where they were
//! written ([`Spanned`]), built from the span tree.
//!
//! Only the keys of the platform's allow-list are typed; every other key is kept as
//! [`OtherKey`] (FC010/FC012 report them, `config` renders them). Scalars are resolved the way
//! Compose resolves them for that field: `0755` in an environment value is the string `493`.

pub(crate) mod convert;

pub use convert::build;

use crate::span::Location;

/// The text of a model value: inline up to 24 bytes (most compose keys and values are short).
pub type Text = compact_str::CompactString;
use crate::yaml::{Entry, MergeKey, MergeSlot, NodeId, Tree};

/// A value and where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spanned<T> {
    /// The value.
    pub value: T,
    /// Where the value (or, for a key, the key) was written.
    pub at: Location,
    /// When the value was inherited through a merge key (`<<: *anchor`): the `<<` key of the
    /// inheriting mapping. Diagnostics point there, with a secondary label at [`Spanned::at`].
    pub via: Option<Location>,
}

impl<T> Spanned<T> {
    /// A value written at `at`.
    pub const fn new(value: T, at: Location) -> Self {
        Self {
            value,
            at,
            via: None,
        }
    }

    /// Where a diagnostic about this value points: the `<<` line when inherited, else the value.
    pub fn primary(&self) -> Location {
        self.via.unwrap_or(self.at)
    }

    /// The anchor's definition, when the value was inherited through a merge key.
    pub fn inherited_from(&self) -> Option<Location> {
        self.via.map(|_| self.at)
    }

    /// Point `diagnostic` at this value: at the value, or at the `<<` line with a secondary
    /// label on the anchor's definition when the value was inherited.
    #[must_use]
    pub fn point(&self, diagnostic: crate::Diagnostic) -> crate::Diagnostic {
        diagnostic.at_inherited(self.at, self.via)
    }
}

/// A value that is a node of the tree as written (a string scalar, or a mapping a rule
/// validates), read through the tree ([`Project::tree`]), and the `<<` line it was inherited
/// through: 8 bytes where a `Spanned<Text>` is 48 (and its text, past 24 bytes, a copy on the
/// heap), and a `Spanned<NodeId>` 28.
///
/// Before, the `<<` line was a public field `via: Option<Location>` (12 bytes); the value
/// keeps it as a handle into the tree's table of merge keys (4 bytes), read with
/// [`NodeValue::via`] (taking the tree).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NodeValue {
    /// The value node.
    pub node: NodeId,
    /// When the value was inherited through a merge key: the `<<` key of the inheriting
    /// mapping, in the tree's table of merge keys ([`NodeValue::via`]).
    merge: MergeSlot,
}

#[cfg(target_pointer_width = "64")]
const _: () = assert!(std::mem::size_of::<Option<NodeValue>>() == 8);

/// Where the `<<` key `merge` of a value read from `tree` was written ([`Spanned::via`]).
fn via_of(tree: &Tree, merge: MergeSlot) -> Option<Location> {
    tree.merge_key_location(merge.get()?)
}

/// Rows `start..start + len` of one of the project's shared tables ([`Project::key_values`],
/// [`Project::list_items`], [`Project::service_other_keys`]): how an environment, a list or a
/// service's other keys keep their rows without an allocation of their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Run {
    start: u32,
    len: u32,
}

impl Run {
    /// No rows.
    pub(crate) const EMPTY: Self = Self { start: 0, len: 0 };

    /// The rows `start..end` of a table.
    pub(crate) fn new(start: usize, end: usize) -> Self {
        Self {
            start: convert::index(start),
            len: convert::index(end - start),
        }
    }

    /// The run's rows of `table` (none when the run is past its end).
    fn of<T>(self, table: &[T]) -> &[T] {
        let start = self.start as usize;
        table
            .get(start..start + self.len as usize)
            .unwrap_or_default()
    }
}

impl NodeValue {
    /// The value node of the service key `e` (its `<<` line is the entry's).
    pub(crate) fn of(e: &Entry) -> Self {
        Self {
            node: e.value,
            merge: MergeSlot::new(e.merge_key()),
        }
    }

    /// The value node's text (empty for a collection); `tree` is the tree the value was read
    /// from ([`Project::tree`]).
    #[must_use]
    pub fn text<'t>(&self, tree: &'t Tree) -> &'t str {
        text_of(tree, self.node).unwrap_or_default()
    }

    /// Where the value was written.
    #[must_use]
    pub fn at(&self, tree: &Tree) -> Location {
        tree.location(self.node)
    }

    /// When the value was inherited through a merge key (`<<: *anchor`): the `<<` key of the
    /// inheriting mapping, as [`Spanned::via`]; `tree` is the tree the value was read from
    /// ([`Project::tree`]).
    #[must_use]
    pub fn via(&self, tree: &Tree) -> Option<Location> {
        via_of(tree, self.merge)
    }

    /// The value's text and where it was written, as a [`Spanned`].
    #[must_use]
    pub fn located<'t>(&self, tree: &'t Tree) -> Spanned<&'t str> {
        Spanned {
            value: self.text(tree),
            at: self.at(tree),
            via: self.via(tree),
        }
    }

    /// Where a diagnostic about this value points: the `<<` line when inherited, else the value
    /// ([`Spanned::primary`]).
    #[must_use]
    pub fn primary(&self, tree: &Tree) -> Location {
        self.via(tree).unwrap_or_else(|| self.at(tree))
    }

    /// The anchor's definition, when the value was inherited through a merge key.
    #[must_use]
    pub fn inherited_from(&self, tree: &Tree) -> Option<Location> {
        self.via(tree).map(|_| self.at(tree))
    }

    /// Point `diagnostic` at this value ([`Spanned::point`]).
    #[must_use]
    pub fn point(&self, tree: &Tree, diagnostic: crate::Diagnostic) -> crate::Diagnostic {
        diagnostic.at_inherited(self.at(tree), self.via(tree))
    }

    /// The value of a `command` or `entrypoint` node as the model reads it
    /// ([`Service::command`]).
    fn command(self, tree: &Tree) -> Option<Spanned<CommandValue>> {
        Some(Spanned {
            value: convert::command_value(tree, self.node)?,
            at: self.at(tree),
            via: self.via(tree),
        })
    }
}

/// `command` / `entrypoint`: Compose accepts a string (shell-split) or a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommandValue {
    /// `command: ./run.sh --x`
    Shell(Text),
    /// `command: ["./run.sh", "--x"]`
    Exec(Vec<Spanned<Text>>),
    /// `command: null` / `command: ~`
    Null,
}

/// How a list-or-map key was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// `- KEY=VALUE`
    List,
    /// `KEY: VALUE`
    Map,
}

/// One `environment` or `labels` entry: a view of the tree it was read from.
///
/// The entry keeps the nodes it was written as, not copies of their texts: its key and value
/// are read through the tree ([`KeyValue::key`], [`KeyValue::value`], with [`Project::tree`]).
/// A mapping entry's key is its key node's text; a list item `- KEY=VALUE` is split at its first
/// `=` (a bare `- KEY` has no value). Where Compose does not read a value as its node's text, the
/// entry keeps what it reads: a boolean is `true`/`false` (`True` in the file), a number is
/// printed as Go prints it (`0755` is `493`, `1e6` is `1e+06`; kept in the tree by node,
/// [`Tree`]'s `go_printed`, as few values are numbers written otherwise), a null, list or
/// mapping value is no value.
///
/// Before this was a view, `key` was a `Spanned<Text>` and `value` an `Option<Text>`, both
/// public fields: `kv.key.value` is now [`KeyValue::key`], `kv.key.at` [`KeyValue::key_at`],
/// `kv.key.via` [`KeyValue::via`], `kv.value` [`KeyValue::value`] (each taking the tree);
/// [`KeyValue::located_key`] gives the three together. A 10 000-service project has 64 000
/// entries: 16 bytes each instead of 80. An inherited entry keeps its `<<` key as a handle
/// into the tree's table of merge keys (4 bytes, not the 12 of a location), so
/// [`KeyValue::via`] takes the tree too (it took none before).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyValue {
    /// The value node (the map value, or the list item).
    pub node: NodeId,
    /// [`Shape::Entry`]: the key node; [`Shape::Item`]: where the item's text splits (the `=`'s
    /// offset), [`NO_SPLIT`] for an item without `=`.
    key_or_split: u32,
    /// When the entry was inherited through a merge key: the `<<` key of the inheriting mapping,
    /// in the tree's table of merge keys ([`KeyValue::via`]). Only a [`Shape::Entry`] has one.
    merge: Option<MergeKey>,
    /// How the entry was written.
    pub form: Form,
    /// A mapping entry or a list item read whole.
    shape: Shape,
    /// How Compose reads the value node's text.
    reading: Reading,
}

/// [`KeyValue::key_or_split`] of a list item without `=` (a bare `- KEY`).
const NO_SPLIT: u32 = u32::MAX;

/// Where a [`KeyValue`]'s key and value are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// A mapping entry: the key node's text, and the value node read as Compose reads it (also
    /// for the `- K=V` items a later file's merge made a mapping of, which are [`Form::List`]).
    Entry,
    /// A list item: its text as Compose reads it, split at its first `=`.
    Item,
}

/// How Compose reads a [`KeyValue`]'s value node (the whole item, for a list item).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reading {
    /// As its text: a string (or a timestamp, or a number Go prints as written).
    Text,
    /// The boolean `true`, however written (`True`, `TRUE`).
    True,
    /// The boolean `false`, however written.
    False,
    /// A number Go prints otherwise than written: the tree keeps what Go prints, by node.
    Printed,
    /// No value: a null scalar, a list or a mapping (a mapping entry only).
    Absent,
}

#[cfg(target_pointer_width = "64")]
const _: () = assert!(std::mem::size_of::<KeyValue>() == 16);

impl KeyValue {
    /// The entry `e` of a mapping, whose value Compose reads as `value`.
    pub(crate) fn entry(e: &Entry, form: Form, reading: Reading) -> Self {
        Self {
            node: e.value,
            key_or_split: e.key.0,
            merge: e.merge_key(),
            form,
            shape: Shape::Entry,
            reading,
        }
    }

    /// The list item `node` (`- KEY=VALUE` or `- KEY`), which Compose reads as `reading` says,
    /// whose first `=` is at `split` (in that reading).
    pub(crate) fn item(node: NodeId, reading: Reading, split: Option<usize>) -> Self {
        Self {
            node,
            key_or_split: split
                .and_then(|s| u32::try_from(s).ok())
                .unwrap_or(NO_SPLIT),
            merge: None,
            form: Form::List,
            shape: Shape::Item,
            reading,
        }
    }

    /// The value node (a list item: the whole item) as Compose reads it.
    fn read<'a>(&'a self, tree: &'a Tree) -> Option<&'a str> {
        self.reading.of(
            || tree.go_printed(self.node),
            || text_of(tree, self.node).unwrap_or_default(),
        )
    }

    /// The item's split, when it has an `=`.
    fn split(&self) -> Option<usize> {
        (self.key_or_split != NO_SPLIT).then_some(self.key_or_split as usize)
    }

    /// The name (`KEY`): the key in map form, the part of the item before its first `=` in list
    /// form (a key that is not a scalar reads `?`). `tree` is the tree the entry was read from
    /// ([`Project::tree`]).
    #[must_use]
    pub fn key<'a>(&'a self, tree: &'a Tree) -> &'a str {
        // The rules read many keys (the route rules each go through every label): the common
        // shape first, the item's split out of line.
        match self.shape {
            Shape::Entry => text_of(tree, NodeId(self.key_or_split)).unwrap_or("?"),
            Shape::Item => self.item_key(tree),
        }
    }

    /// [`KeyValue::key`] of a list item: the part before its first `=`.
    #[inline(never)]
    fn item_key<'a>(&'a self, tree: &'a Tree) -> &'a str {
        let text = self.read(tree).unwrap_or_default();
        self.split().and_then(|s| text.get(..s)).unwrap_or(text)
    }

    /// The value as Compose reads it: `None` for a bare `- KEY` item, a null map value (`KEY:`,
    /// `KEY: ~`) or a list or mapping value (which Compose refuses: FC021).
    #[must_use]
    pub fn value<'a>(&'a self, tree: &'a Tree) -> Option<&'a str> {
        let text = self.read(tree)?;
        match self.shape {
            Shape::Entry => Some(text),
            Shape::Item => text.get(self.split()? + 1..),
        }
    }

    /// Whether the entry has a value ([`KeyValue::value`] is `Some`), told without reading it.
    #[must_use]
    pub fn has_value(&self) -> bool {
        match self.shape {
            Shape::Entry => self.reading != Reading::Absent,
            // An item's reading is never absent (a null item is no entry), and its value is
            // what follows the `=`.
            Shape::Item => self.split().is_some(),
        }
    }

    /// Where the name was written: the key in map form; in list form the name part of the item
    /// when its text is as written (plain, or quoted without escapes), else the whole item.
    #[must_use]
    pub fn key_at(&self, tree: &Tree) -> Location {
        match self.shape {
            Shape::Entry => tree.location(NodeId(self.key_or_split)),
            Shape::Item => convert::name_span(
                tree,
                tree.location(self.node),
                tree.node(self.node),
                self.key(tree).len(),
            ),
        }
    }

    /// When the entry was inherited through a merge key (`<<: *anchor` in the `environment` or
    /// `labels` mapping): the `<<` key. The key and the value were written where the anchor was
    /// defined ([`KeyValue::key_at`], [`KeyValue::value_at`]). `tree` is the tree the entry was
    /// read from ([`Project::tree`]).
    #[must_use]
    pub fn via(&self, tree: &Tree) -> Option<Location> {
        let span = tree.merge_key_span(self.merge?)?;
        // In the file of the entry's key: an alias names an anchor of its own file.
        let file = tree.node(NodeId(self.key_or_split)).file;
        Some(Location::new(file, span))
    }

    /// The name and where it was written ([`KeyValue::key`], [`KeyValue::key_at`],
    /// [`KeyValue::via`]).
    #[must_use]
    pub fn located_key<'a>(&'a self, tree: &'a Tree) -> Spanned<&'a str> {
        Spanned {
            value: self.key(tree),
            at: self.key_at(tree),
            via: self.via(tree),
        }
    }

    /// Where a diagnostic about the entry's name points: the `<<` line when inherited, else the
    /// name ([`KeyValue::key_at`]).
    #[must_use]
    pub fn key_primary(&self, tree: &Tree) -> Location {
        self.via(tree).unwrap_or_else(|| self.key_at(tree))
    }

    /// Where the value was written (the value node: the map value, or the whole list item);
    /// `tree` is the tree the entry was read from ([`Project::tree`]).
    #[must_use]
    pub fn value_at(&self, tree: &Tree) -> Location {
        tree.location(self.node)
    }

    /// The value and where it was written ([`KeyValue::value_at`]), through the `<<` line when
    /// the entry was inherited; `None` without a value.
    #[must_use]
    pub fn located_value<'a>(&'a self, tree: &'a Tree) -> Option<Spanned<&'a str>> {
        let value = self.value(tree)?;
        Some(Spanned {
            value,
            at: self.value_at(tree),
            via: self.via(tree),
        })
    }

    /// Where the value was written ([`KeyValue::value_at`]) when the entry was inherited
    /// through a merge key: the anchor's definition; `None` for a value written in place, or
    /// without a value.
    #[must_use]
    pub fn value_inherited_from(&self, tree: &Tree) -> Option<Location> {
        self.located_value(tree)?.inherited_from()
    }
}

/// A service's `environment` or `labels`: the value node, its `<<` line, and where its
/// entries are in the project's entries ([`Project::key_values`]), read with
/// [`KeyValues::entries`].
///
/// Before, this was a `Spanned<Vec<KeyValue>>` per service (48 bytes and an allocation each):
/// `list.value` is now [`KeyValues::entries`] (taking the project), `list.at`
/// [`KeyValues::at`] and `list.via` [`KeyValues::via`] (taking the tree: the `<<` line is a
/// handle into the tree's table of merge keys, 4 bytes where a location is 12). All the
/// services' entries are one allocation: a 10 000-service project had 19 000 small ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyValues {
    /// The value node (the mapping, or the sequence of `KEY=VALUE` items).
    pub node: NodeId,
    /// When the key was inherited through a merge key: the `<<` key of the inheriting
    /// mapping, in the tree's table of merge keys ([`KeyValues::via`]).
    merge: MergeSlot,
    /// Its entries in [`Project::key_values`].
    entries: Run,
}

#[cfg(target_pointer_width = "64")]
const _: () = assert!(std::mem::size_of::<Option<KeyValues>>() == 16);

impl KeyValues {
    /// The value of the service key `e`, whose entries are [`Project::key_values`]
    /// `start..end`.
    pub(crate) fn of(e: &Entry, start: usize, end: usize) -> Self {
        Self {
            node: e.value,
            merge: MergeSlot::new(e.merge_key()),
            entries: Run::new(start, end),
        }
    }

    /// The entries, in written order; `project` is the project the service is in.
    #[must_use]
    pub fn entries<'p>(&self, project: &'p Project) -> &'p [KeyValue] {
        self.entries.of(&project.key_values)
    }

    /// The first entry's index in [`Project::key_values`] (the entries follow it).
    pub(crate) fn first_index(&self) -> u32 {
        self.entries.start
    }

    /// Where the value was written; `tree` is the project's ([`Project::tree`]).
    #[must_use]
    pub fn at(&self, tree: &Tree) -> Location {
        tree.location(self.node)
    }

    /// When the key was inherited through a merge key (`<<: *anchor`): the `<<` key of the
    /// inheriting mapping, as [`Spanned::via`]; `tree` is the project's ([`Project::tree`]).
    #[must_use]
    pub fn via(&self, tree: &Tree) -> Option<Location> {
        via_of(tree, self.merge)
    }
}

/// The text of scalar node `id` of `tree` (`None` for a collection).
#[inline]
fn text_of(tree: &Tree, id: NodeId) -> Option<&str> {
    match tree.node(id).kind {
        crate::yaml::NodeKind::Scalar(s) => Some(tree.text(s)),
        crate::yaml::NodeKind::Sequence(_) | crate::yaml::NodeKind::Mapping(_) => None,
    }
}

/// How Compose reads a scalar in an `environment` or `labels` value, for [`KeyValue`] to keep.
#[derive(Debug)]
pub(crate) struct Read {
    reading: Reading,
    /// The text read, for [`Reading::Printed`] only.
    printed: Option<Box<Text>>,
}

impl Read {
    /// As the node's text.
    pub(crate) const TEXT: Self = Self::of(Reading::Text);
    /// As no value (null, a list, a mapping).
    pub(crate) const ABSENT: Self = Self::of(Reading::Absent);

    const fn of(reading: Reading) -> Self {
        Self {
            reading,
            printed: None,
        }
    }

    /// As a boolean.
    pub(crate) const fn bool(b: bool) -> Self {
        Self::of(if b { Reading::True } else { Reading::False })
    }

    /// As `text`, not the node's (a number Go prints otherwise).
    pub(crate) fn printed(text: Text) -> Self {
        Self {
            reading: Reading::Printed,
            printed: Some(Box::new(text)),
        }
    }

    /// What Compose reads, `text` being the node's text.
    pub(crate) fn text<'a>(&'a self, text: &'a str) -> Option<&'a str> {
        self.reading
            .of(|| self.printed.as_deref().map(Text::as_str), || text)
    }

    /// How to read the node, and the text read for [`Reading::Printed`].
    pub(crate) fn into_parts(self) -> (Reading, Option<Box<Text>>) {
        (self.reading, self.printed)
    }
}

impl Reading {
    /// What Compose reads: the node's text (`text`, read only when needed), a boolean, the
    /// `printed` text (read only when needed), or nothing.
    fn of<'a>(
        self,
        printed: impl FnOnce() -> Option<&'a str>,
        text: impl FnOnce() -> &'a str,
    ) -> Option<&'a str> {
        match self {
            Reading::Text => Some(text()),
            Reading::True => Some("true"),
            Reading::False => Some("false"),
            Reading::Printed => printed(),
            Reading::Absent => None,
        }
    }
}

/// A list of strings written as a YAML sequence (or a scalar where Compose allows one).
pub type StringList = Vec<Spanned<Text>>;

/// A list of strings as the nodes they were written as (`expose`, `ports`, `volumes`,
/// `depends_on`, `links`): the list's node, its `<<` line, and the items the model keeps, read
/// through the tree ([`Project::tree`]). Before, these were `Spanned<StringList>`: 16 bytes
/// where that is 48, and 4 bytes an item where a `Spanned<Text>` is 48 (`list.value` is now
/// [`NodeList::items`], an item's `value` [`ListItem::text`] and its `at` [`ListItem::at`]).
///
/// The items are a run of the project's ([`Project::list_items`]), read with
/// [`NodeList::items`] (taking the project; it was a `Vec<ListItem>` field, 40 bytes a list and
/// an allocation each where this is none). The `<<` line was a public field `via` (a
/// location, 12 bytes): it is a handle into the tree's table of merge keys (4 bytes), read
/// with [`NodeList::via`] (taking the tree).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NodeList {
    /// The list's node (the sequence; the mapping of a map-form `depends_on`).
    pub node: NodeId,
    /// When the list was inherited through a merge key: the `<<` key of the inheriting mapping,
    /// in the tree's table of merge keys ([`NodeList::via`]).
    merge: MergeSlot,
    /// Its items in [`Project::list_items`].
    items: Run,
}

impl NodeList {
    /// The list of the service key `e`, whose items are [`Project::list_items`] `start..end`.
    pub(crate) fn of(e: &Entry, start: usize, end: usize) -> Self {
        Self {
            node: e.value,
            merge: MergeSlot::new(e.merge_key()),
            items: Run::new(start, end),
        }
    }

    /// The items, in written order: the scalar items (a `ports` or `volumes` mapping is long
    /// syntax, kept apart; a null item or one a later file repeats is left out), or the keys of
    /// a map-form `depends_on`; `project` is the project the service is in.
    #[must_use]
    pub fn items<'p>(&self, project: &'p Project) -> &'p [ListItem] {
        self.items.of(&project.list_items)
    }

    /// The number of items ([`NodeList::items`]).
    #[must_use]
    pub const fn len(&self) -> usize {
        self.items.len as usize
    }

    /// Whether the list has no items ([`NodeList::items`]).
    #[must_use]
    pub const fn is_empty(&self) -> bool {
        self.items.len == 0
    }

    /// Where the list was written.
    #[must_use]
    pub fn at(&self, tree: &Tree) -> Location {
        tree.location(self.node)
    }

    /// When the list was inherited through a merge key (`<<: *anchor`): the `<<` key of the
    /// inheriting mapping, as [`Spanned::via`]; `tree` is the project's ([`Project::tree`]).
    #[must_use]
    pub fn via(&self, tree: &Tree) -> Option<Location> {
        via_of(tree, self.merge)
    }

    /// Where a diagnostic about the list points: the `<<` line when inherited, else the list
    /// ([`Spanned::primary`]).
    #[must_use]
    pub fn primary(&self, tree: &Tree) -> Location {
        self.via(tree).unwrap_or_else(|| self.at(tree))
    }
}

#[cfg(target_pointer_width = "64")]
const _: () = assert!(std::mem::size_of::<Option<NodeList>>() == 16);

/// An item of a [`NodeList`]: its node (a scalar, or a `depends_on` key), read through the tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListItem(pub NodeId);

impl ListItem {
    /// The item's text as written (a key that is not a scalar reads `?`); `tree` is the
    /// project's ([`Project::tree`]).
    #[must_use]
    pub fn text(self, tree: &Tree) -> &str {
        text_of(tree, self.0).unwrap_or("?")
    }

    /// Where the item was written.
    #[must_use]
    pub fn at(self, tree: &Tree) -> Location {
        tree.location(self.0)
    }

    /// The item's text and where it was written, as a [`Spanned`] (an item has no `<<` line
    /// of its own: the list's is [`NodeList::via`], taking the tree).
    #[must_use]
    pub fn located(self, tree: &Tree) -> Spanned<&str> {
        Spanned::new(self.text(tree), self.at(tree))
    }
}

/// The service a `links` item names, as compose-go reads it: `service` or `service:alias`;
/// an item of more colons (`a:b:c`) names a service of that whole name.
#[must_use]
pub fn link_target(link: &str) -> &str {
    let mut parts = link.split(':');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(name), Some(_), None) => name,
        _ => link,
    }
}

/// One service.
///
/// The keys most services set (directly or through a shared `<<` anchor) are fields; the keys
/// few services set (`entrypoint`, `links`, `extra_hosts`, `read_only`, `tty`, the long syntax of
/// `ports` and `volumes`) are read through methods of the same names: they are kept out of line,
/// allocated only for a service that sets one of them (a 10 000-service project's `Vec<Service>`
/// held 8 MB, mostly empty fields). `image`, `restart`, `healthcheck` and `logging` are their
/// nodes ([`NodeValue`]), and the lists of strings their items' nodes ([`NodeList`]), read
/// through [`Project::tree`], not copies of their texts. `environment` and `labels` are runs of
/// the project's entries ([`KeyValues`], [`Project::key_values`]): [`Service::env_entries`],
/// [`Service::label_entries`], [`Service::env`] and [`Service::label`] take the project.
///
/// The name is read from the tree too: [`Service::name`], [`Service::name_at`],
/// [`Service::name_via`] and [`Service::located_name`] (each taking the tree) are what the
/// public field `name: Spanned<Text>` was (`svc.name.value`, `.at`, `.via`, the whole): 48
/// bytes a service where the index of its entry in the tree is 4, and a copy of each name past
/// 24 bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct Service {
    /// The service's entry in the `services` mapping, by its index in the tree's entries
    /// (`Tree::entry_at`): its key is the name ([`Service::name`]), its `<<` handle the name's
    /// [`Service::name_via`].
    entry: u32,
    /// The service's mapping node.
    pub node: NodeId,
    /// `image` (a string: [`NodeValue::text`]).
    pub image: Option<NodeValue>,
    /// `command`: its node, read with [`Service::command`] (the method), which gives the
    /// [`CommandValue`] (before, this field was a `Spanned<CommandValue>`: 56 bytes where this
    /// is 16, its words copies of their texts).
    pub command: Option<NodeValue>,
    /// `environment`, in written order ([`KeyValues::entries`], or
    /// [`Service::env_entries`]).
    pub environment: Option<KeyValues>,
    /// `labels`, in written order ([`KeyValues::entries`], or [`Service::label_entries`]).
    pub labels: Option<KeyValues>,
    /// `expose` items as written (numbers as their text).
    pub expose: Option<NodeList>,
    /// `ports` short-syntax items (long-syntax mappings are in [`Service::ports_long`]).
    pub ports: Option<NodeList>,
    /// `depends_on` service names (list form, or the keys of the map form).
    pub depends_on: Option<NodeList>,
    /// `healthcheck` value node (FC025 validates it).
    pub healthcheck: Option<NodeValue>,
    /// `logging` value node (FC031 validates it).
    pub logging: Option<NodeValue>,
    /// `restart` (a string: [`NodeValue::text`]).
    pub restart: Option<NodeValue>,
    /// `volumes` short-syntax items (long-syntax mappings in [`Service::volumes_long`]).
    pub volumes: Option<NodeList>,
    /// Keys outside the allow-list (`build`, `deploy`, `env_file`, misspellings …): where
    /// they are in [`Project::service_other_keys`] (a [`Run`] of it), read with
    /// [`Service::other_keys`] (before, a `Vec<OtherKey>` field, 24 bytes where this is 8).
    other_keys: Run,
    /// The keys few services set, when this one sets any.
    rare: Option<Box<RareKeys>>,
}

/// The keys of a [`Service`] that few services set, read through its methods.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct RareKeys {
    pub(crate) entrypoint: Option<NodeValue>,
    pub(crate) ports_long: Vec<NodeId>,
    pub(crate) links: Option<NodeList>,
    pub(crate) extra_hosts: Option<Spanned<NodeId>>,
    pub(crate) read_only: Option<Spanned<bool>>,
    pub(crate) tty: Option<Spanned<bool>>,
    pub(crate) volumes_long: Vec<NodeId>,
}

// The services of a 10 000-service project are one allocation of 10 000 of these.
#[cfg(target_pointer_width = "64")]
const _: () = assert!(std::mem::size_of::<Service>() == 160);

impl Service {
    /// The service name: the text of its key under `services:` (`?` for a key that is not a
    /// scalar); `tree` is the tree the service was read from ([`Project::tree`]).
    #[must_use]
    pub fn name<'t>(&self, tree: &'t Tree) -> &'t str {
        text_of(tree, self.name_key(tree)).unwrap_or("?")
    }

    /// Where the name was written (the key under `services:`).
    #[must_use]
    pub fn name_at(&self, tree: &Tree) -> Location {
        tree.location(self.name_key(tree))
    }

    /// The service's key under `services:`.
    fn name_key(&self, tree: &Tree) -> NodeId {
        tree.entry_at(self.entry).key
    }

    /// When the service was inherited through a merge key of the `services` mapping
    /// (`<<: *services`): the `<<` key, as [`Spanned::via`].
    #[must_use]
    pub fn name_via(&self, tree: &Tree) -> Option<Location> {
        let entry = tree.entry_at(self.entry);
        let span = tree.merge_key_span(entry.merge_key()?)?;
        // In the file of the service's key: an alias names an anchor of its own file.
        Some(Location::new(tree.node(entry.key).file, span))
    }

    /// The name and where it was written ([`Service::name`], [`Service::name_at`],
    /// [`Service::name_via`]), for a diagnostic to point at
    /// ([`Spanned::point`], [`Spanned::primary`]).
    #[must_use]
    pub fn located_name<'t>(&self, tree: &'t Tree) -> Spanned<&'t str> {
        Spanned {
            value: self.name(tree),
            at: self.name_at(tree),
            via: self.name_via(tree),
        }
    }

    /// The label `key`, if set (the last of that name); `project` is the project the service
    /// is in (the labels' names are read from its tree).
    #[must_use]
    pub fn label<'p>(&self, project: &'p Project, key: &str) -> Option<&'p KeyValue> {
        self.label_entries(project)
            .iter()
            .rev()
            .find(|kv| kv.key(&project.tree) == key)
    }

    /// The environment entry `key`, if set (the last of that name); `project` is the project
    /// the service is in.
    #[must_use]
    pub fn env<'p>(&self, project: &'p Project, key: &str) -> Option<&'p KeyValue> {
        self.env_entries(project)
            .iter()
            .rev()
            .find(|kv| kv.key(&project.tree) == key)
    }

    /// The `labels` entries in written order (none without `labels`); `project` is the project
    /// the service is in.
    #[must_use]
    pub fn label_entries<'p>(&self, project: &'p Project) -> &'p [KeyValue] {
        self.labels.map_or(&[], |l| l.entries(project))
    }

    /// The `environment` entries in written order (none without `environment`); `project` is
    /// the project the service is in.
    #[must_use]
    pub fn env_entries<'p>(&self, project: &'p Project) -> &'p [KeyValue] {
        self.environment.map_or(&[], |e| e.entries(project))
    }

    /// Every key of the service as written (own keys first, then inherited ones) with its
    /// value, read from the service's mapping in `tree` (the project's tree).
    pub fn keys<'t>(&self, tree: &'t Tree) -> impl Iterator<Item = OtherKey> + 't {
        let entries = tree.mapping(self.node).unwrap_or_default();
        entries.iter().map(|e| OtherKey::of(tree, e))
    }

    /// The key `name` as written, located at the key (for rules about a key).
    #[must_use]
    pub fn key(&self, tree: &Tree, name: &str) -> Option<Spanned<Text>> {
        self.entry(tree, name).map(|e| e.key)
    }

    /// The key `name` and its value node.
    #[must_use]
    pub fn entry(&self, tree: &Tree, name: &str) -> Option<OtherKey> {
        tree.get(self.node, name).map(|e| OtherKey::of(tree, e))
    }

    /// Whether any `volumes` entry is declared.
    #[must_use]
    pub fn has_volumes(&self) -> bool {
        self.volumes.is_some_and(|v| !v.is_empty()) || !self.volumes_long().is_empty()
    }

    /// `command` as Compose reads it (null, a string or a list of words), read from its node
    /// ([`Service::command`], the field) in `tree`, the project's ([`Project::tree`]).
    #[must_use]
    pub fn command(&self, tree: &Tree) -> Option<Spanned<CommandValue>> {
        self.command?.command(tree)
    }

    /// `entrypoint`, as [`Service::command`] reads `command`; `tree` is the project's.
    #[must_use]
    pub fn entrypoint(&self, tree: &Tree) -> Option<Spanned<CommandValue>> {
        self.rare.as_ref()?.entrypoint?.command(tree)
    }

    /// `ports` long-syntax mappings (short-syntax items are in [`Service::ports`]).
    #[must_use]
    pub fn ports_long(&self) -> &[NodeId] {
        self.rare.as_ref().map_or(&[], |r| &r.ports_long)
    }

    /// `links` items (`service` or `service:alias`).
    #[must_use]
    pub fn links(&self) -> Option<&NodeList> {
        self.rare.as_ref()?.links.as_ref()
    }

    /// `extra_hosts` value node (list or map; FC028 validates it).
    #[must_use]
    pub fn extra_hosts(&self) -> Option<&Spanned<NodeId>> {
        self.rare.as_ref()?.extra_hosts.as_ref()
    }

    /// `read_only`
    #[must_use]
    pub fn read_only(&self) -> Option<&Spanned<bool>> {
        self.rare.as_ref()?.read_only.as_ref()
    }

    /// `tty`
    #[must_use]
    pub fn tty(&self) -> Option<&Spanned<bool>> {
        self.rare.as_ref()?.tty.as_ref()
    }

    /// `volumes` long-syntax mappings (short-syntax items are in [`Service::volumes`]).
    #[must_use]
    pub fn volumes_long(&self) -> &[NodeId] {
        self.rare.as_ref().map_or(&[], |r| &r.volumes_long)
    }

    /// The service of the entry `e` of the `services` mapping (its key the name, its value
    /// the service's mapping), at `index` in the tree's entries (`Tree::entry_index`), with no
    /// key set yet ([`convert`] fills it in).
    pub(crate) const fn new(e: &Entry, index: u32) -> Self {
        Self {
            entry: index,
            node: e.value,
            image: None,
            command: None,
            environment: None,
            labels: None,
            expose: None,
            ports: None,
            depends_on: None,
            healthcheck: None,
            logging: None,
            restart: None,
            volumes: None,
            other_keys: Run::EMPTY,
            rare: None,
        }
    }

    /// The keys outside the allow-list (`build`, `deploy`, `env_file`, misspellings …), in
    /// written order; `project` is the project the service is in.
    #[must_use]
    pub fn other_keys<'p>(&self, project: &'p Project) -> &'p [OtherKey] {
        self.other_keys.of(&project.service_other_keys)
    }

    /// The rarely set keys, to set one ([`convert`]).
    pub(crate) fn rare_mut(&mut self) -> &mut RareKeys {
        self.rare.get_or_insert_with(Box::default)
    }
}

/// A key and its value node (for keys the model does not type, and for every key's location).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OtherKey {
    /// The key.
    pub key: Spanned<Text>,
    /// Its value node.
    pub value: NodeId,
}

impl OtherKey {
    /// The entry `e` of a mapping of `tree`: the key's text (`?` for a key that is not a
    /// scalar), located at the key, and through the `<<` line when inherited.
    #[must_use]
    pub fn of(tree: &Tree, e: &Entry) -> Self {
        let text = crate::yaml::scalar_text(tree, e.key).map_or(Text::const_new("?"), Text::from);
        let at = tree.location(e.key);
        Self {
            key: Spanned {
                value: text,
                at,
                via: tree.merged_from(e).map(|s| Location::new(at.file, s)),
            },
            value: e.value,
        }
    }
}

/// A whole compose project (after merge and interpolation).
#[derive(Debug, Clone)]
pub struct Project {
    /// The tree the model was built from.
    pub tree: Tree,
    /// The root mapping.
    pub root: Option<NodeId>,
    /// `version`, as written (the key's location in `at` is the value's).
    pub version: Option<Spanned<NodeId>>,
    /// The `services` key, if present.
    pub services_key: Option<Location>,
    /// Services in file order.
    pub services: Vec<Service>,
    /// Top-level keys other than `services` and `version`.
    pub other_keys: Vec<OtherKey>,
    /// Values a later compose file set over an earlier file's (see [`crate::merge`]).
    pub overrides: Vec<crate::merge::Override>,
    /// The `environment` and `labels` entries of every service, each service's in one run
    /// ([`KeyValues::entries`]): one allocation of the size the tree asks for.
    pub key_values: Vec<KeyValue>,
    /// The items of every service's lists ([`NodeList::items`]), each list's in one run.
    pub list_items: Vec<ListItem>,
    /// The keys outside the allow-list of every service ([`Service::other_keys`]), each
    /// service's in one run.
    pub service_other_keys: Vec<OtherKey>,
}

impl Project {
    /// The service called `name`.
    #[must_use]
    pub fn service(&self, name: &str) -> Option<&Service> {
        self.services.iter().find(|s| s.name(&self.tree) == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::environment::ProcessEnv;
    use crate::settings::Settings;
    use crate::source::{FileKind, SourceFile, SourceMap};

    /// The project of the compose files `files` (merged in order) with `.env` `dotenv`, and
    /// its sources.
    fn load(files: &[&str], dotenv: &str) -> (crate::Loaded, SourceMap) {
        let mut sources = SourceMap::new();
        for (i, text) in files.iter().enumerate() {
            sources.add(SourceFile::new(
                format!("c{i}.yml"),
                *text,
                FileKind::Compose,
            ));
        }
        sources.add(SourceFile::new(".env", dotenv, FileKind::Dotenv));
        let loaded = crate::load(&sources, &ProcessEnv::default(), &Settings::default());
        (loaded, sources)
    }

    /// The `environment` (or `labels`) entries of service `name`.
    fn entries<'p>(p: &'p Project, name: &str, labels: bool) -> &'p [KeyValue] {
        let svc = p.service(name).expect("the service");
        let list = if labels { svc.labels } else { svc.environment };
        list.expect("the key").entries(p)
    }

    /// Each entry as `(key, value)`, checking [`KeyValue::has_value`] against the value.
    fn read<'p>(p: &'p Project, kvs: &'p [KeyValue]) -> Vec<(&'p str, Option<&'p str>)> {
        kvs.iter()
            .map(|kv| {
                let value = kv.value(&p.tree);
                assert_eq!(kv.has_value(), value.is_some(), "{kv:?}");
                (kv.key(&p.tree), value)
            })
            .collect()
    }

    /// The text of the source at `at`.
    fn written(sources: &SourceMap, at: Location) -> &str {
        sources.get(at.file).slice(at.span)
    }

    #[test]
    fn a_map_entry_reads_its_key_and_value_nodes() {
        let (l, sources) = load(
            &[
                "services:\n  app:\n    image: a\n    environment:\n      NAME: value\n      QUOTED: 'it''s'\n",
            ],
            "",
        );
        let p = &l.project;
        let kvs = entries(p, "app", false);
        assert_eq!(
            read(p, kvs),
            [("NAME", Some("value")), ("QUOTED", Some("it's"))]
        );
        let kv = &kvs[0];
        assert_eq!(kv.form, Form::Map);
        assert_eq!(kv.via(&p.tree), None);
        assert_eq!(written(&sources, kv.key_at(&p.tree)), "NAME");
        assert_eq!(written(&sources, kv.value_at(&p.tree)), "value");
        assert_eq!(kv.key_primary(&p.tree), kv.key_at(&p.tree));
        let located = kv.located_key(&p.tree);
        assert_eq!((located.value, located.at), ("NAME", kv.key_at(&p.tree)));
        assert_eq!(kv.value_inherited_from(&p.tree), None);
        assert_eq!(written(&sources, kvs[1].value_at(&p.tree)), "'it''s'");
    }

    #[test]
    fn a_list_item_splits_at_its_first_equals_sign() {
        let (l, sources) = load(
            &[
                "services:\n  app:\n    image: a\n    environment:\n      - A=1\n      - BARE\n      - EMPTY=\n      - =nameless\n      - EQ=a=b\n      - \"ESC\\u0041=x\"\n",
            ],
            "",
        );
        let p = &l.project;
        let kvs = entries(p, "app", false);
        assert_eq!(
            read(p, kvs),
            [
                ("A", Some("1")),
                ("BARE", None),
                ("EMPTY", Some("")),
                ("", Some("nameless")),
                ("EQ", Some("a=b")),
                ("ESCA", Some("x")),
            ]
        );
        assert!(
            kvs.iter()
                .all(|kv| kv.form == Form::List && kv.via(&p.tree).is_none())
        );
        // The name's place is the name part of the item when the item is written as read.
        assert_eq!(written(&sources, kvs[0].key_at(&p.tree)), "A");
        assert_eq!(written(&sources, kvs[0].value_at(&p.tree)), "A=1");
        assert_eq!(written(&sources, kvs[1].key_at(&p.tree)), "BARE");
        assert_eq!(written(&sources, kvs[4].key_at(&p.tree)), "EQ");
        // An escape: the whole item.
        assert_eq!(
            written(&sources, kvs[5].key_at(&p.tree)),
            "\"ESC\\u0041=x\""
        );
        assert_eq!(kvs[1].located_value(&p.tree), None);
    }

    #[test]
    fn an_entry_inherited_through_a_merge_key_reads_the_anchor_and_points_at_the_merge_key() {
        let (l, sources) = load(
            &[
                "x-env: &env\n  SHARED: from-anchor\n  OWN: anchor\nservices:\n  app:\n    image: a\n    environment:\n      <<: *env\n      OWN: own\n",
            ],
            "",
        );
        let p = &l.project;
        let kvs = entries(p, "app", false);
        assert_eq!(
            read(p, kvs),
            [("OWN", Some("own")), ("SHARED", Some("from-anchor"))]
        );
        let (own, shared) = (&kvs[0], &kvs[1]);
        assert_eq!(own.via(&p.tree), None);
        let via = shared.via(&p.tree).expect("inherited");
        assert_eq!(written(&sources, via), "<<");
        assert_eq!(shared.key_primary(&p.tree), via);
        // The key and the value are where the anchor was defined.
        let key_at = shared.key_at(&p.tree);
        assert_eq!(written(&sources, key_at), "SHARED");
        assert!(key_at.span.start < via.span.start);
        let value = shared.located_value(&p.tree).expect("a value");
        assert_eq!((value.value, value.via), ("from-anchor", Some(via)));
        assert_eq!(value.primary(), via);
        assert_eq!(
            shared.value_inherited_from(&p.tree),
            Some(shared.value_at(&p.tree))
        );
        assert_eq!(written(&sources, shared.value_at(&p.tree)), "from-anchor");
    }

    #[test]
    fn map_values_are_read_as_compose_reads_them() {
        let (l, _) = load(
            &[
                "services:\n  app:\n    image: a\n    environment:\n      PORT: 8080\n      MODE: 0755\n      HEX: 0x1F\n      BIG: 1e6\n      RATIO: 1.50\n      ON: True\n      OFF: false\n      NO: no\n      EMPTY:\n      TILDE: ~\n      LIST: [a]\n      MAP: {a: 1}\n      QUOTED: '0755'\n      WHEN: 2001-12-14\n",
            ],
            "",
        );
        let p = &l.project;
        assert_eq!(
            read(p, entries(p, "app", false)),
            [
                ("PORT", Some("8080")),
                ("MODE", Some("493")),
                ("HEX", Some("31")),
                ("BIG", Some("1e+06")),
                ("RATIO", Some("1.5")),
                ("ON", Some("true")),
                ("OFF", Some("false")),
                ("NO", Some("no")),
                ("EMPTY", None),
                ("TILDE", None),
                ("LIST", None),
                ("MAP", None),
                ("QUOTED", Some("0755")),
                ("WHEN", Some("2001-12-14")),
            ]
        );
    }

    #[test]
    fn a_number_shared_through_an_anchor_reads_as_go_prints_it_wherever_it_is_used() {
        let (l, _) = load(
            &[
                "x-mode: &mode 0755\nservices:\n  a:\n    image: a\n    environment:\n      MODE: *mode\n      HEX: 0x1F\n    labels:\n      - *mode\n  b:\n    image: b\n    environment:\n      MODE: *mode\n      OWN: 1e6\n",
            ],
            "",
        );
        let p = &l.project;
        assert_eq!(
            read(p, entries(p, "a", false)),
            [("MODE", Some("493")), ("HEX", Some("31"))]
        );
        assert_eq!(read(p, entries(p, "a", true)), [("493", None)]);
        assert_eq!(
            read(p, entries(p, "b", false)),
            [("MODE", Some("493")), ("OWN", Some("1e+06"))]
        );
    }

    #[test]
    fn list_items_that_are_not_strings_are_read_as_compose_prints_them() {
        let (l, _) = load(
            &[
                "services:\n  app:\n    image: a\n    labels:\n      - 0x10\n      - True\n      - 1e3\n      - 8080\n",
            ],
            "",
        );
        let p = &l.project;
        assert_eq!(
            read(p, entries(p, "app", true)),
            [("16", None), ("true", None), ("1000", None), ("8080", None)]
        );
    }

    #[test]
    fn interpolated_values_and_items_are_read_as_rendered() {
        let (l, _) = load(
            &[
                "services:\n  app:\n    image: a\n    environment:\n      URL: http://${HOST}:${PORT:-80}/\n      NUM: ${N}\n    labels:\n      - traefik.frontend.rule=Host:${HOST}\n      - ${KN}=v\n",
            ],
            "HOST=example.com\nN=0755\nKN=NAMED\n",
        );
        let p = &l.project;
        assert_eq!(
            read(p, entries(p, "app", false)),
            // An interpolated value is a string, whatever it looks like.
            [
                ("URL", Some("http://example.com:80/")),
                ("NUM", Some("0755"))
            ]
        );
        assert_eq!(
            read(p, entries(p, "app", true)),
            [
                ("traefik.frontend.rule", Some("Host:example.com")),
                ("NAMED", Some("v")),
            ]
        );
    }

    #[test]
    fn items_a_later_file_merges_onto_a_mapping_keep_the_list_form() {
        let (l, _) = load(
            &[
                "services:\n  app:\n    image: a\n    environment:\n      A: 1\n",
                "services:\n  app:\n    environment:\n      - B=2\n      - C\n",
            ],
            "",
        );
        let p = &l.project;
        let kvs = entries(p, "app", false);
        assert_eq!(
            read(p, kvs),
            [("A", Some("1")), ("B", Some("2")), ("C", None)]
        );
        let forms: Vec<Form> = kvs.iter().map(|kv| kv.form).collect();
        assert_eq!(forms, [Form::Map, Form::List, Form::List]);
    }

    #[test]
    fn a_node_value_reads_its_node_and_points_at_the_merge_key_when_inherited() {
        let (l, sources) = load(
            &[
                "x-base: &base\n  image: registry.example.com/group/app:${TAG}\n  restart: always\n  logging: {driver: json-file}\nservices:\n  app:\n    <<: *base\n    restart: \"no\"\n",
            ],
            "TAG=1.2\n",
        );
        let p = &l.project;
        let app = p.service("app").expect("app");
        let image = app.image.expect("an image");
        assert_eq!(image.text(&p.tree), "registry.example.com/group/app:1.2");
        let via = image.via(&p.tree).expect("inherited");
        assert_eq!(written(&sources, via), "<<");
        assert_eq!(image.primary(&p.tree), via);
        assert_eq!(
            written(&sources, image.at(&p.tree)),
            "registry.example.com/group/app:${TAG}"
        );
        assert_eq!(image.inherited_from(&p.tree), Some(image.at(&p.tree)));
        let located = image.located(&p.tree);
        assert_eq!(
            (located.value, located.at, located.via),
            (image.text(&p.tree), image.at(&p.tree), Some(via))
        );
        // Its own `restart` wins over the anchor's, and is written in place.
        let restart = app.restart.expect("a restart");
        assert_eq!(restart.text(&p.tree), "no");
        assert_eq!(restart.via(&p.tree), None);
        assert_eq!(restart.primary(&p.tree), restart.at(&p.tree));
        assert_eq!(written(&sources, restart.at(&p.tree)), "\"no\"");
        let logging = app.logging.expect("logging");
        assert_eq!(logging.via(&p.tree), Some(via));
        assert_eq!(
            written(&sources, logging.at(&p.tree)),
            "{driver: json-file}"
        );
        assert_eq!(logging.text(&p.tree), "");
    }

    #[test]
    fn a_node_list_keeps_its_items_nodes() {
        let (l, sources) = load(
            &[
                "x-base: &base\n  expose: [\"9000\", 010]\nservices:\n  app:\n    <<: *base\n    image: a\n    ports:\n      - 80:80\n      - ~\n      - target: 443\n    depends_on:\n      db: {condition: service_started}\n  web:\n    image: a\n    depends_on: [db]\n  db:\n    image: a\n",
            ],
            "",
        );
        let p = &l.project;
        let texts = |list: &NodeList| -> Vec<&str> {
            list.items(p).iter().map(|i| i.text(&p.tree)).collect()
        };
        let app = p.service("app").expect("app");
        let expose = app.expose.as_ref().expect("expose");
        // As written: `010` is not read as the number 8 here.
        assert_eq!(texts(expose), ["9000", "010"]);
        let via = expose.via(&p.tree).expect("inherited");
        assert_eq!(written(&sources, via), "<<");
        assert_eq!(expose.primary(&p.tree), via);
        assert_eq!(written(&sources, expose.at(&p.tree)), "[\"9000\", 010]");
        let item = expose.items(p)[1].located(&p.tree);
        assert_eq!((item.value, item.via), ("010", None));
        assert_eq!(written(&sources, item.at), "010");
        // The null item is left out, the mapping is long syntax.
        let ports = app.ports.as_ref().expect("ports");
        assert_eq!(texts(ports), ["80:80"]);
        assert_eq!(ports.via(&p.tree), None);
        assert_eq!(ports.primary(&p.tree), ports.at(&p.tree));
        assert_eq!(app.ports_long().len(), 1);
        // Map-form `depends_on`: the keys.
        let depends_on = app.depends_on.as_ref().expect("depends_on");
        assert_eq!(texts(depends_on), ["db"]);
        assert_eq!(written(&sources, depends_on.items(p)[0].at(&p.tree)), "db");
        let web = p.service("web").expect("web");
        assert_eq!(texts(web.depends_on.as_ref().expect("depends_on")), ["db"]);
    }

    #[test]
    fn a_value_a_later_file_inherits_points_at_that_files_merge_key() {
        let (l, sources) = load(
            &[
                "services:\n  app:\n    image: a\n    environment:\n      A: 1\n    expose: [\"80\"]\n",
                "x-over: &over\n  environment:\n    B: 2\n  expose: [\"81\"]\n  restart: always\nservices:\n  app:\n    <<: *over\n",
            ],
            "",
        );
        let p = &l.project;
        let app = p.service("app").expect("app");
        let second = crate::span::FileId(1);
        // The merged `environment` mapping is a node of the first file; the `<<` that brought
        // the second file's is in the second file.
        let environment = app.environment.expect("environment");
        let via = environment.via(&p.tree).expect("inherited");
        assert_eq!((via.file, written(&sources, via)), (second, "<<"));
        assert_eq!(environment.at(&p.tree).file, crate::span::FileId(0));
        for via in [
            app.expose.and_then(|e| e.via(&p.tree)),
            app.restart.and_then(|r| r.via(&p.tree)),
        ] {
            assert_eq!(via, Some(environment.via(&p.tree).expect("inherited")));
        }
        assert_eq!(app.image.and_then(|i| i.via(&p.tree)), None);
    }

    #[test]
    fn a_service_reads_its_name_from_its_key() {
        let (l, sources) = load(
            &[
                "x-more: &more\n  inherited-service-with-a-long-name:\n    image: a\nservices:\n  <<: *more\n  \"quo\\x74ed\":\n    image: b\n  ? [complex]\n  : image: c\n",
            ],
            "",
        );
        let p = &l.project;
        let names: Vec<&str> = p.services.iter().map(|s| s.name(&p.tree)).collect();
        assert_eq!(names, ["quoted", "?", "inherited-service-with-a-long-name"]);
        let quoted = &p.services[0];
        assert_eq!(written(&sources, quoted.name_at(&p.tree)), "\"quo\\x74ed\"");
        assert_eq!(quoted.name_via(&p.tree), None);
        let inherited = &p.services[2];
        let located = inherited.located_name(&p.tree);
        assert_eq!(
            written(&sources, located.at),
            "inherited-service-with-a-long-name"
        );
        let via = located.via.expect("inherited");
        assert_eq!(written(&sources, via), "<<");
        assert_eq!(located.primary(), via);
        assert_eq!(inherited.name_via(&p.tree), Some(via));
    }

    #[test]
    fn a_service_finds_the_last_entry_of_a_name() {
        let (l, _) = load(
            &[
                "services:\n  app:\n    image: a\n    environment:\n      - A=first\n      - A=last\n    labels:\n      x: 1\n",
            ],
            "",
        );
        let p = &l.project;
        let app = p.service("app").expect("app");
        assert_eq!(
            app.env(p, "A").and_then(|kv| kv.value(&p.tree)),
            Some("last")
        );
        assert_eq!(app.env(p, "B"), None);
        assert_eq!(
            app.label(p, "x").and_then(|kv| kv.value(&p.tree)),
            Some("1")
        );
    }
}
