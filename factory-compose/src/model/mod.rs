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
use crate::yaml::{Entry, NodeId, Tree};

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

/// One `environment` or `labels` entry.
///
/// The value's place is not stored: it is the value node's ([`KeyValue::value_at`],
/// [`KeyValue::located_value`]), and an inherited entry's `<<` line is the key's `via`, which
/// the value shares (a 10 000-service project has 64 000 entries: 80 bytes each instead of 104).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyValue {
    /// The name (`KEY`), spanning the key in map form and the name part of the item in list form;
    /// when the entry was inherited through a merge key, its `via` is the `<<` line.
    pub key: Spanned<Text>,
    /// The value as Compose reads it (`None`: a bare `- KEY` item or a null map value).
    pub value: Option<Text>,
    /// The value node (the map value, or the list item).
    pub node: NodeId,
    /// How the entry was written.
    pub form: Form,
}

#[cfg(target_pointer_width = "64")]
const _: () = assert!(std::mem::size_of::<KeyValue>() == 80);

impl KeyValue {
    /// Where the value was written (the value node: the map value, or the whole list item);
    /// `tree` is the tree the entry was read from ([`Project::tree`]).
    #[must_use]
    pub fn value_at(&self, tree: &Tree) -> Location {
        tree.location(self.node)
    }

    /// The value and where it was written ([`KeyValue::value_at`]), through the `<<` line when
    /// the entry was inherited; `None` without a value.
    #[must_use]
    pub fn located_value<'k>(&'k self, tree: &Tree) -> Option<Spanned<&'k str>> {
        let value = self.value.as_deref()?;
        Some(Spanned {
            value,
            at: self.value_at(tree),
            via: self.key.via,
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

/// A list of strings written as a YAML sequence (or a scalar where Compose allows one).
pub type StringList = Vec<Spanned<Text>>;

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
/// held 8 MB, mostly empty fields).
#[derive(Debug, Clone, PartialEq)]
pub struct Service {
    /// The service name (the key under `services:`).
    pub name: Spanned<Text>,
    /// The service's mapping node.
    pub node: NodeId,
    /// `image`
    pub image: Option<Spanned<Text>>,
    /// `command`
    pub command: Option<Spanned<CommandValue>>,
    /// `environment`, in written order.
    pub environment: Option<Spanned<Vec<KeyValue>>>,
    /// `labels`, in written order.
    pub labels: Option<Spanned<Vec<KeyValue>>>,
    /// `expose` items as written (numbers as their text).
    pub expose: Option<Spanned<StringList>>,
    /// `ports` short-syntax items (long-syntax mappings are in [`Service::ports_long`]).
    pub ports: Option<Spanned<StringList>>,
    /// `depends_on` service names (list form, or the keys of the map form).
    pub depends_on: Option<Spanned<StringList>>,
    /// `healthcheck` value node (FC025 validates it).
    pub healthcheck: Option<Spanned<NodeId>>,
    /// `logging` value node (FC031 validates it).
    pub logging: Option<Spanned<NodeId>>,
    /// `restart`
    pub restart: Option<Spanned<Text>>,
    /// `volumes` short-syntax items (long-syntax mappings in [`Service::volumes_long`]).
    pub volumes: Option<Spanned<StringList>>,
    /// Keys outside the allow-list (`build`, `deploy`, `env_file`, misspellings …).
    pub other_keys: Vec<OtherKey>,
    /// The keys few services set, when this one sets any.
    rare: Option<Box<RareKeys>>,
}

/// The keys of a [`Service`] that few services set, read through its methods.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct RareKeys {
    pub(crate) entrypoint: Option<Spanned<CommandValue>>,
    pub(crate) ports_long: Vec<NodeId>,
    pub(crate) links: Option<Spanned<StringList>>,
    pub(crate) extra_hosts: Option<Spanned<NodeId>>,
    pub(crate) read_only: Option<Spanned<bool>>,
    pub(crate) tty: Option<Spanned<bool>>,
    pub(crate) volumes_long: Vec<NodeId>,
}

// The services of a 10 000-service project are one allocation of 10 000 of these.
#[cfg(target_pointer_width = "64")]
const _: () = assert!(std::mem::size_of::<Service>() <= 584);

impl Service {
    /// The label `key`, if set.
    #[must_use]
    pub fn label(&self, key: &str) -> Option<&KeyValue> {
        self.labels
            .as_ref()?
            .value
            .iter()
            .rev()
            .find(|kv| kv.key.value == key)
    }

    /// The environment entry `key`, if set.
    #[must_use]
    pub fn env(&self, key: &str) -> Option<&KeyValue> {
        self.environment
            .as_ref()?
            .value
            .iter()
            .rev()
            .find(|kv| kv.key.value == key)
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
        self.volumes.as_ref().is_some_and(|v| !v.value.is_empty())
            || !self.volumes_long().is_empty()
    }

    /// `entrypoint`
    #[must_use]
    pub fn entrypoint(&self) -> Option<&Spanned<CommandValue>> {
        self.rare.as_ref()?.entrypoint.as_ref()
    }

    /// `ports` long-syntax mappings (short-syntax items are in [`Service::ports`]).
    #[must_use]
    pub fn ports_long(&self) -> &[NodeId] {
        self.rare.as_ref().map_or(&[], |r| &r.ports_long)
    }

    /// `links` items (`service` or `service:alias`).
    #[must_use]
    pub fn links(&self) -> Option<&Spanned<StringList>> {
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

    /// A service called `name` at `node` with no key set yet ([`convert`] fills it in).
    pub(crate) const fn new(name: Spanned<Text>, node: NodeId) -> Self {
        Self {
            name,
            node,
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
            other_keys: Vec::new(),
            rare: None,
        }
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
}

impl Project {
    /// The service called `name`.
    #[must_use]
    pub fn service(&self, name: &str) -> Option<&Service> {
        self.services.iter().find(|s| s.name.value == name)
    }
}
