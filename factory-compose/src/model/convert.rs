//! Tree → model, reporting wrong shapes (FC002), wrong types (FC020) and YAML booleans, lists or
//! maps where Compose wants a string (FC021).

use super::{
    CommandValue, Form, KeyValue, KeyValues, ListItem, NodeList, NodeValue, OtherKey, Project,
    Read, Reading, Service, Spanned, StringList, Text,
};
use crate::diagnostic::Diagnostics;
use crate::rules::registry;
use crate::span::Location;
use crate::yaml::{Entry, Node, NodeId, NodeKind, PlainValue, ScalarStyle, Tree, resolve_plain};
use std::cell::RefCell;

/// Build the model of `tree` (its first document). Problems are pushed to `diags`.
#[must_use]
pub fn build(mut tree: Tree, diags: &mut Diagnostics) -> Project {
    let root = tree.root();
    let mut project = Project {
        tree: Tree::default(),
        root,
        version: None,
        services_key: None,
        services: Vec::new(),
        other_keys: Vec::new(),
        overrides: Vec::new(),
        key_values: Vec::new(),
        list_items: Vec::new(),
        service_other_keys: Vec::new(),
    };
    if let Some(root) = root {
        let cx = Cx {
            tree: &tree,
            go_printed: RefCell::new(Vec::new()),
        };
        cx.project(root, &mut project, diags);
        let go_printed = cx.go_printed.into_inner();
        tree.set_go_printed(go_printed);
    }
    project.tree = tree;
    project
}

struct Cx<'t> {
    tree: &'t Tree,
    /// What Compose reads for the `environment` and `labels` numbers Go prints otherwise than
    /// written, by node, for the tree to keep ([`Tree::set_go_printed`]).
    go_printed: RefCell<Vec<(NodeId, Box<str>)>>,
}

/// What [`Cx::item_counts`] counts.
#[derive(Default)]
struct ItemCounts {
    key_values: usize,
    list_items: usize,
    other_keys: usize,
}

/// `services.NAME.KEY` (with `[]` for an item of its list), as diagnostics name a value: kept
/// as its parts and formatted only when a diagnostic is written (most keys have none).
#[derive(Clone, Copy)]
struct KeyPath<'a> {
    service: &'a str,
    key: &'a str,
    item: bool,
}

impl KeyPath<'_> {
    /// The path of an item of this key's list (`services.NAME.KEY[]`).
    fn item(self) -> Self {
        Self { item: true, ..self }
    }
}

impl std::fmt::Display for KeyPath<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "services.{}.{}", self.service, self.key)?;
        if self.item {
            f.write_str("[]")?;
        }
        Ok(())
    }
}

/// What a node is, in the words Compose's schema errors use.
pub(crate) fn describe(tree: &Tree, id: NodeId) -> &'static str {
    match tree.node(id).kind {
        NodeKind::Mapping(_) => "a mapping",
        NodeKind::Sequence(_) => "a sequence",
        NodeKind::Scalar(_) => match scalar_kind(tree, id) {
            PlainValue::Null => "null",
            PlainValue::Bool(_) => "a boolean",
            PlainValue::Int(_) | PlainValue::Float(_) => "a number",
            PlainValue::Timestamp => "a timestamp",
            PlainValue::Str => "a string",
        },
    }
}

/// How Compose types a scalar node, as go-yaml v3 decodes it into Go's `any`: a plain scalar
/// is resolved; a quoted, block or interpolated one is a string; a standard tag resolves the
/// text to its type (`!!int '12'` is 12, `!!str 12` a string, a `!!float` integer a float) and
/// any other tag (`!override 1000`) leaves a string. A tag the text does not resolve to fails
/// to parse in Compose: [`crate::load`] reports it. A collection is `Str`: callers ask about
/// scalars. (The node is named by id: the tree keeps tags by node id, not in the node.)
#[inline]
pub(crate) fn scalar_kind(tree: &Tree, id: NodeId) -> PlainValue {
    use crate::yaml::TagKind;
    let node = tree.node(id);
    let NodeKind::Scalar(s) = node.kind else {
        return PlainValue::Str;
    };
    if node.interpolated {
        return PlainValue::Str;
    }
    let tag = tree
        .tag(id)
        .map_or(TagKind::Untagged, crate::yaml::Tag::kind);
    match tag {
        TagKind::Untagged if node.style == ScalarStyle::Plain => resolve_plain(tree.text(s)),
        TagKind::Untagged | TagKind::Str | TagKind::Binary | TagKind::Other => PlainValue::Str,
        TagKind::Float => match resolve_plain(tree.text(s)) {
            #[allow(clippy::cast_precision_loss)]
            PlainValue::Int(i) => PlainValue::Float(i as f64),
            other => other,
        },
        TagKind::Bool | TagKind::Int | TagKind::Null | TagKind::Timestamp => {
            resolve_plain(tree.text(s))
        }
    }
}

/// Whether node `id` is a null scalar (`~`, `null`, an empty value), as Compose reads it.
pub(crate) fn is_null(tree: &Tree, id: NodeId) -> bool {
    matches!(scalar_kind(tree, id), PlainValue::Null)
}

/// The string Compose keeps for a scalar used where a string is expected in a list-or-dict value
/// (`environment`, `labels`): numbers are printed back as Go prints them, booleans become
/// `true`/`false`, null is `None`.
pub(crate) fn compose_string(tree: &Tree, id: NodeId) -> Option<Text> {
    match tree.node(id).kind {
        NodeKind::Scalar(s) => compose_string_as(tree.text(s), scalar_kind(tree, id)),
        NodeKind::Sequence(_) | NodeKind::Mapping(_) => None,
    }
}

/// [`compose_string`] of a scalar whose [`scalar_kind`] is already known (resolving a plain
/// scalar's type is most of the work).
fn compose_string_as(s: &str, kind: PlainValue) -> Option<Text> {
    match kind {
        PlainValue::Null => None,
        PlainValue::Bool(b) => Some(Text::const_new(if b { "true" } else { "false" })),
        PlainValue::Int(i) => Some(Text::from(i.to_string())),
        PlainValue::Float(f) => Some(Text::from(crate::yaml::go_format_float(f))),
        PlainValue::Timestamp | PlainValue::Str => Some(Text::from(s)),
    }
}

/// How a [`KeyValue`] keeps [`compose_string_as`] of `s`: as the text itself where Compose
/// reads it as written (most values), else what Compose reads.
fn compose_read(s: &str, kind: PlainValue) -> Read {
    match kind {
        PlainValue::Null => Read::ABSENT,
        PlainValue::Bool(b) => Read::bool(b),
        PlainValue::Str | PlainValue::Timestamp => Read::TEXT,
        PlainValue::Int(_) | PlainValue::Float(_) => match compose_string_as(s, kind) {
            Some(printed) if printed != s => Read::printed(printed),
            _ => Read::TEXT,
        },
    }
}

impl<'t> Cx<'t> {
    fn node(&self, id: NodeId) -> &'t Node {
        self.tree.node(id)
    }

    fn loc(&self, id: NodeId) -> Location {
        self.tree.location(id)
    }

    fn spanned<T>(&self, value: T, id: NodeId, entry: &Entry) -> Spanned<T> {
        Spanned {
            value,
            at: self.loc(id),
            via: self
                .tree
                .merged_from(entry)
                .map(|s| Location::new(self.node(entry.key).file, s)),
        }
    }

    fn scalar(&self, id: NodeId) -> Option<&'t str> {
        match self.node(id).kind {
            NodeKind::Scalar(s) => Some(self.tree.text(s)),
            _ => None,
        }
    }

    fn entries(&self, id: NodeId) -> Option<&'t [Entry]> {
        self.tree.mapping(id)
    }

    fn is_null(&self, id: NodeId) -> bool {
        is_null(self.tree, id)
    }

    fn kind(&self, id: NodeId) -> PlainValue {
        scalar_kind(self.tree, id)
    }

    /// The key text of a mapping entry (non-scalar keys are rendered as `?`).
    fn key_text(&self, e: &Entry) -> Text {
        self.scalar(e.key)
            .map_or_else(|| Text::const_new("?"), Text::from)
    }

    fn type_error(
        &self,
        diags: &mut Diagnostics,
        path: KeyPath<'_>,
        id: NodeId,
        expected: &str,
        via: Option<Location>,
    ) {
        let mut d = registry::diagnostic(
            "FC020",
            format!(
                "`{path}` must be {expected}, not {}",
                describe(self.tree, id)
            ),
        )
        .with_help(format!(
            "write `{path}` as {expected}, as Compose's schema requires"
        ));
        d = d.at_inherited(self.loc(id), via);
        diags.push(d);
    }

    fn project(&self, root: NodeId, project: &mut Project, diags: &mut Diagnostics) {
        let Some(entries) = self.entries(root) else {
            if !self.is_null(root) {
                diags.push(
                    registry::diagnostic(
                        "FC002",
                        format!(
                            "a compose file must be a mapping, not {}",
                            describe(self.tree, root)
                        ),
                    )
                    .at(self.loc(root))
                    .with_help("start the file with `services:` and indent each service under it"),
                );
            }
            return;
        };
        for e in entries {
            let key = self.key_text(e);
            match key.as_str() {
                "services" => {
                    project.services_key = Some(self.loc(e.key));
                    self.services(e, project, diags);
                }
                "version" => project.version = Some(self.spanned(e.value, e.value, e)),
                _ => project.other_keys.push(OtherKey::of(self.tree, e)),
            }
        }
    }

    fn services(&self, e: &Entry, project: &mut Project, diags: &mut Diagnostics) {
        let Some(entries) = self.entries(e.value) else {
            if !self.is_null(e.value) {
                diags.push(
                    registry::diagnostic(
                        "FC002",
                        format!("`services` must be a mapping of service names, not {}", describe(self.tree, e.value)),
                    )
                    .at(self.loc(e.value))
                    .with_help("write each service as `name:` followed by its keys, indented under `services:`"),
                );
            }
            return;
        };
        project.services.reserve_exact(entries.len());
        let counts = self.item_counts(entries);
        project.key_values.reserve_exact(counts.key_values);
        project.list_items.reserve_exact(counts.list_items);
        project.service_other_keys.reserve_exact(counts.other_keys);
        for (i, s) in entries.iter().enumerate() {
            // As the model reads it ([`Service::name`]).
            let name = self.scalar(s.key).unwrap_or("?");
            let Some(keys) = self.entries(s.value) else {
                diags.push(
                    registry::diagnostic(
                        "FC002",
                        format!(
                            "service `{name}` must be a mapping, not {}",
                            describe(self.tree, s.value)
                        ),
                    )
                    .at(self.loc(s.value))
                    .with_help(format!(
                        "give `{name}` its keys (`image:`, `environment:` …) indented under it"
                    )),
                );
                continue;
            };
            let Some(at) = self.tree.entry_index(e.value, i) else {
                continue;
            };
            let mut svc = Service::new(s, at);
            let other_keys = project.service_other_keys.len();
            for k in keys {
                self.service_key(name, k, &mut svc, project, diags);
                self.unique_items(name, k, diags);
            }
            svc.other_keys = super::Run::new(other_keys, project.service_other_keys.len());
            project.services.push(svc);
        }
    }

    /// How many items and entries the services `services` have in `environment` and `labels`,
    /// and in their lists of strings (`expose`, `links`, `ports`, `volumes`, `depends_on`),
    /// some of which the model may leave out, and how many keys outside the allow-list: so
    /// that [`Project::key_values`], [`Project::list_items`] and
    /// [`Project::service_other_keys`] are each one allocation of about their size. One pass
    /// over the keys (reading a key's text is most of its cost); the typed keys are
    /// [`Cx::service_key`]'s.
    fn item_counts(&self, services: &[Entry]) -> ItemCounts {
        let mut counts = ItemCounts::default();
        for k in services
            .iter()
            .filter_map(|s| self.entries(s.value))
            .flatten()
        {
            let count = match self.scalar(k.key) {
                Some("environment" | "labels") => &mut counts.key_values,
                Some("expose" | "links" | "ports" | "volumes" | "depends_on") => {
                    &mut counts.list_items
                }
                Some(
                    "image" | "restart" | "read_only" | "tty" | "command" | "entrypoint"
                    | "extra_hosts" | "healthcheck" | "logging",
                ) => continue,
                _ => {
                    counts.other_keys += 1;
                    continue;
                }
            };
            *count += match self.node(k.value).kind {
                NodeKind::Sequence(items) => self.tree.items(items).len(),
                NodeKind::Mapping(entries) => self.tree.entries(entries).len(),
                NodeKind::Scalar(_) => 0,
            };
        }
        counts
    }

    /// The service keys whose list form Compose's schema wants without repeats (`uniqueItems`),
    /// checked against `docker compose config` v2.40.3 ("items at 0 and 1 are equal"): others
    /// (`cap_add`, `links`, `ports`, `environment` …) accept repeats.
    const UNIQUE_ITEM_KEYS: &'static [&'static str] =
        &["depends_on", "networks", "security_opt", "volumes_from"];

    /// FC020 for a list Compose refuses because an item repeats an earlier one.
    fn unique_items(&self, service: &str, e: &Entry, diags: &mut Diagnostics) {
        let Some(key) = self.scalar(e.key) else {
            return;
        };
        if !Self::UNIQUE_ITEM_KEYS.contains(&key) {
            return;
        }
        let Some(items) = self.seq(e.value) else {
            return;
        };
        let texts: Vec<Option<Text>> = items
            .iter()
            .map(|&i| compose_string(self.tree, i))
            .collect();
        // Where each text is first, to find the first repeat without a scan per item.
        let mut first_at: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
        for (later, text) in texts.iter().enumerate() {
            let Some(text) = text else { continue };
            let Some(&first) = first_at.get(text.as_str()) else {
                first_at.insert(text.as_str(), later);
                continue;
            };
            let Some(&at) = items.get(later) else {
                continue;
            };
            diags.push(
                registry::diagnostic(
                    "FC020",
                    format!(
                        "`services.{service}.{key}` items at {first} and {later} are equal (`{text}`)"
                    ),
                )
                .at_inherited(self.loc(at), self.via(e))
                .with_help("remove the repeated item: Compose refuses the file"),
            );
            return;
        }
    }

    /// How a [`KeyValue`] reads node `id` as `read` says: a number Go prints otherwise than
    /// written goes to the tree's table ([`Tree::go_printed`]).
    fn keep_printed(&self, id: NodeId, read: Read) -> Reading {
        let (reading, printed) = read.into_parts();
        if let Some(printed) = printed {
            self.go_printed
                .borrow_mut()
                .push((id, printed.as_str().into()));
        }
        reading
    }

    fn via(&self, e: &Entry) -> Option<Location> {
        self.tree
            .merged_from(e)
            .map(|s| Location::new(self.node(e.key).file, s))
    }

    fn service_key(
        &self,
        svc_name: &str,
        e: &Entry,
        svc: &mut Service,
        project: &mut Project,
        diags: &mut Diagnostics,
    ) {
        let (key_values, list_items) = (&mut project.key_values, &mut project.list_items);
        let key = self.key_text(e);
        // Formatted only when a diagnostic names it.
        let path = KeyPath {
            service: svc_name,
            key: &key,
            item: false,
        };
        let v = e.value;
        match key.as_str() {
            "image" | "restart" => {
                if !self.is_string_scalar(v) {
                    if !self.is_null(v) || key == "image" {
                        self.type_error(diags, path, v, "a string", self.via(e));
                    }
                    return;
                }
                let sp = Some(self.node_value(e));
                if key == "image" {
                    svc.image = sp
                } else {
                    svc.restart = sp
                }
            }
            "read_only" | "tty" => {
                let b = self.scalar(v).and_then(|s| match self.kind(v) {
                    PlainValue::Bool(b) => Some(b),
                    PlainValue::Str => compose_bool(s),
                    _ => None,
                });
                let Some(b) = b else {
                    self.type_error(diags, path, v, "a boolean", self.via(e));
                    return;
                };
                let sp = Some(self.spanned(b, v, e));
                if key == "tty" {
                    svc.rare_mut().tty = sp
                } else {
                    svc.rare_mut().read_only = sp
                }
            }
            "command" | "entrypoint" => {
                // What `command_value` reads: null, a string, or a list whose items that are
                // no strings are left out.
                if let Some(items) = self.seq(v) {
                    for &item in items {
                        if self.scalar(item).is_none() || self.is_null(item) {
                            self.type_error(diags, path.item(), item, "a string", None);
                        }
                    }
                } else if !self.is_null(v) && !self.is_string_scalar(v) {
                    self.type_error(diags, path, v, "a string or a list of strings", self.via(e));
                    return;
                }
                let sp = Some(self.node_value(e));
                if key == "command" {
                    svc.command = sp
                } else {
                    svc.rare_mut().entrypoint = sp
                }
            }
            "environment" | "labels" => {
                let start = key_values.len();
                if !self.list_or_dict(v, path, diags, self.via(e), key_values) {
                    return;
                }
                let sp = Some(self.checked(KeyValues::of(e, start, key_values.len()), e));
                if key == "labels" {
                    svc.labels = sp
                } else {
                    svc.environment = sp
                }
            }
            "expose" | "links" | "ports" | "volumes" => {
                let Some(items) = self.seq(v) else {
                    if !self.is_null(v) {
                        self.type_error(diags, path, v, "a sequence", self.via(e));
                    }
                    return;
                };
                let start = list_items.len();
                // A port a later file repeats is one port (the merge keeps both for the
                // renderer, which makes the list unique as compose-go does): each item's
                // printed value and the files that wrote it, when several files did.
                let files = items.first().map(|&f| self.node(f).file);
                let several = matches!(key.as_str(), "ports" | "expose")
                    && items.iter().any(|&i| Some(self.node(i).file) != files);
                let mut written: std::collections::HashMap<String, Vec<crate::span::FileId>> =
                    std::collections::HashMap::new();
                for &item in items {
                    if several {
                        let mut printed = String::new();
                        crate::merge::go_sprint(self.tree, item, &mut printed);
                        let file = self.node(item).file;
                        let by = written.entry(printed).or_default();
                        if by.iter().any(|&f| f != file) {
                            continue;
                        }
                        by.push(file);
                    }
                    match self.node(item).kind {
                        NodeKind::Scalar(_) if !matches!(self.kind(item), PlainValue::Null) => {
                            list_items.push(ListItem(item));
                        }
                        NodeKind::Mapping(_) if key == "ports" => {
                            svc.rare_mut().ports_long.push(item)
                        }
                        NodeKind::Mapping(_) if key == "volumes" => {
                            svc.rare_mut().volumes_long.push(item)
                        }
                        _ => {
                            let expected = match key.as_str() {
                                "ports" | "volumes" => "a string or a mapping",
                                "expose" => "a string or a number",
                                _ => "a string",
                            };
                            self.type_error(diags, path.item(), item, expected, None);
                        }
                    }
                }
                let sp = Some(self.node_list(start, list_items.len(), e));
                match key.as_str() {
                    "expose" => svc.expose = sp,
                    "links" => svc.rare_mut().links = sp,
                    "ports" => svc.ports = sp,
                    _ => svc.volumes = sp,
                }
            }
            "depends_on" => {
                let start = list_items.len();
                if let Some(items) = self.seq(v) {
                    for &item in items {
                        if self.is_string_scalar(item) {
                            list_items.push(ListItem(item));
                        } else {
                            self.type_error(diags, path.item(), item, "a service name", None);
                        }
                    }
                } else if let Some(entries) = self.entries(v) {
                    list_items.extend(entries.iter().map(|d| ListItem(d.key)));
                } else {
                    if !self.is_null(v) {
                        self.type_error(
                            diags,
                            path,
                            v,
                            "a list or a mapping of service names",
                            self.via(e),
                        );
                    }
                    return;
                };
                svc.depends_on = Some(self.node_list(start, list_items.len(), e));
            }
            "extra_hosts" => svc.rare_mut().extra_hosts = Some(self.spanned(v, v, e)),
            "healthcheck" => svc.healthcheck = Some(self.node_value(e)),
            "logging" => svc.logging = Some(self.node_value(e)),
            _ => project.service_other_keys.push(OtherKey::of(self.tree, e)),
        }
    }

    fn seq(&self, id: NodeId) -> Option<&'t [NodeId]> {
        self.tree.sequence(id)
    }

    /// Whether `id` is a scalar Compose accepts where its schema says "string": any non-null
    /// scalar that go-yaml decodes as a string (quoted, or plain text that is not a
    /// number/bool/null).
    fn is_string_scalar(&self, id: NodeId) -> bool {
        self.scalar(id).is_some() && matches!(self.kind(id), PlainValue::Str)
    }

    /// The list of the service key `entry`, whose items are [`Project::list_items`]
    /// `start..end`.
    fn node_list(&self, start: usize, end: usize, entry: &Entry) -> NodeList {
        self.checked(NodeList::of(entry, start, end), entry)
    }

    /// The value node of the service key `entry`.
    fn node_value(&self, entry: &Entry) -> NodeValue {
        self.checked(NodeValue::of(entry), entry)
    }

    /// `value`, read from the service key `entry`, whose `<<` line it reads from the tree's
    /// table of merge keys: the location the entry's key node gives (checked in debug builds).
    fn checked<T: Inherited>(&self, value: T, entry: &Entry) -> T {
        debug_assert_eq!(value.via(self.tree), self.via(entry));
        value
    }

    /// `environment` / `labels`: a list of `KEY=VALUE` strings or a map of scalars, its
    /// entries pushed to `out`; `false` when it is neither (null, or FC020).
    fn list_or_dict(
        &self,
        id: NodeId,
        path: KeyPath<'_>,
        diags: &mut Diagnostics,
        via: Option<Location>,
        out: &mut Vec<KeyValue>,
    ) -> bool {
        match self.node(id).kind {
            NodeKind::Sequence(items) => {
                let items = self.tree.items(items);
                for &item in items {
                    let Some((s, kind)) = self
                        .scalar(item)
                        .map(|s| (s, self.kind(item)))
                        .filter(|(_, kind)| !matches!(kind, PlainValue::Null))
                    else {
                        self.type_error(diags, path.item(), item, "a `KEY=VALUE` string", None);
                        continue;
                    };
                    let read = compose_read(s, kind);
                    let split = read.text(s).and_then(|text| text.find('='));
                    out.push(KeyValue::item(item, self.keep_printed(item, read), split));
                }
                true
            }
            NodeKind::Mapping(entries) => {
                let entries = self.tree.entries(entries);
                for e in entries {
                    let key = self.scalar(e.key).unwrap_or("?");
                    // A `- K=V` item a later file merged onto an earlier file's mapping: its
                    // key and value are the item (`merge::named_entries`), written in list
                    // form; Compose accepts an empty name there (Docker does not: FE009).
                    let item = self.tree.is_list_item_entry(e);
                    // The schema's names are `.+`: Compose refuses an empty one (the same
                    // finding as `config`'s check of the schema, which keeps one of the two).
                    if key.is_empty() && !item {
                        diags.push(
                            crate::schema::empty_name(&path)
                                .at_inherited(self.loc(e.key), self.via(e).or(via)),
                        );
                    }
                    let value = match self.node(e.value).kind {
                        NodeKind::Scalar(s) => {
                            let s = self.tree.text(s);
                            let kind = self.kind(e.value);
                            match kind {
                                PlainValue::Bool(_) => {
                                    self.fc021(diags, path, key, e, "a YAML boolean")
                                }
                                PlainValue::Timestamp => {
                                    self.fc021(diags, path, key, e, "a YAML timestamp")
                                }
                                _ => {}
                            }
                            compose_read(s, kind)
                        }
                        NodeKind::Sequence(_) => {
                            self.fc021(diags, path, key, e, "a list");
                            Read::ABSENT
                        }
                        NodeKind::Mapping(_) => {
                            self.fc021(diags, path, key, e, "a mapping");
                            Read::ABSENT
                        }
                    };
                    let form = if item { Form::List } else { Form::Map };
                    out.push(KeyValue::entry(e, form, self.keep_printed(e.value, value)));
                }
                true
            }
            NodeKind::Scalar(_) if self.is_null(id) => false,
            NodeKind::Scalar(_) => {
                self.type_error(
                    diags,
                    path,
                    id,
                    "a mapping or a list of `KEY=VALUE` strings",
                    via,
                );
                false
            }
        }
    }

    fn fc021(&self, diags: &mut Diagnostics, path: KeyPath<'_>, key: &str, e: &Entry, what: &str) {
        let raw = self.scalar(e.value);
        let what_key = if path.key == "labels" {
            "label"
        } else {
            "environment variable"
        };
        let mut d = registry::diagnostic(
            "FC021",
            format!("the {what_key} `{key}` has {what} as its value"),
        )
        .with_help(match &raw {
            Some(r) => match crate::yaml::compose_string(r).filter(|c| c != r) {
                // `False`: Compose v2 writes the boolean as Go prints it.
                Some(compose) => format!(
                    "quote the value as meant: `{key}: \"{r}\"`; Compose v2 turns the boolean into `\"{compose}\"`, and the platform's Compose v1 refuses a boolean here"
                ),
                None => format!(
                    "quote the value: `{key}: \"{r}\"`; Compose v2 turns it into that string, but the platform's Compose v1 refuses a boolean here"
                ),
            },
            None => "write the value as one quoted string".to_owned(),
        });
        d = d.at_inherited(self.loc(e.value), self.via(e));
        diags.push(d);
    }
}

/// The `command` or `entrypoint` node `id` of `tree` as the model reads it ([`Service::command`],
/// [`Service::entrypoint`]): null, a string (shell form), or a list of the words its scalar items
/// are (as Compose prints them: `12` is `12`, `True` is `true`), leaving out the items that are
/// no string (FC020 when the model was built). `None` for a number, a boolean or a mapping,
/// which the model does not keep (FC020).
pub(crate) fn command_value(tree: &Tree, id: NodeId) -> Option<CommandValue> {
    let node = tree.node(id);
    match node.kind {
        NodeKind::Scalar(s) => match scalar_kind(tree, id) {
            PlainValue::Null => Some(CommandValue::Null),
            PlainValue::Str => Some(CommandValue::Shell(Text::from(tree.text(s)))),
            _ => None,
        },
        NodeKind::Sequence(items) => {
            let items = tree.items(items);
            let mut words = StringList::with_capacity(items.len());
            for &item in items {
                let node = tree.node(item);
                let NodeKind::Scalar(s) = node.kind else {
                    continue;
                };
                let kind = scalar_kind(tree, item);
                if let Some(text) = compose_string_as(tree.text(s), kind) {
                    words.push(Spanned::new(text, tree.location(item)));
                }
            }
            Some(CommandValue::Exec(words))
        }
        NodeKind::Mapping(_) => None,
    }
}

/// An index or a length in [`Project::key_values`] or [`Project::list_items`] (the tree's
/// `u32` node ids bound both).
pub(super) fn index(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

/// Compose's cast of a string where its schema wants a boolean (`read_only`, `tty`,
/// `healthcheck.disable` …: compose-go `toBoolean`, any case; it warns on the YAML 1.1 forms).
/// `None`: Compose refuses the file (`invalid boolean`), `"1"` and `"0"` included.
pub(crate) fn compose_bool(s: &str) -> Option<bool> {
    match s.to_ascii_lowercase().as_str() {
        "true" | "yes" | "y" | "on" => Some(true),
        "false" | "no" | "n" | "off" => Some(false),
        _ => None,
    }
}

/// The span of the `NAME` part of a `- NAME=VALUE` list item: exact when the raw text starts with
/// the name (plain, or one quote before it), else the whole item.
pub(crate) fn name_span(tree: &Tree, at: Location, node: &Node, key_len: usize) -> Location {
    let NodeKind::Scalar(s) = node.kind else {
        return at;
    };
    let offset = match node.style {
        ScalarStyle::Plain => 0,
        ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => 1,
        _ => return at,
    };
    // The name is where it is written only when the text is as written: no escape (`\\`,
    // `''`) and no line folded (the raw span is the decoded text plus its quotes).
    let raw_len = at.span.end.saturating_sub(at.span.start) as usize;
    if raw_len != tree.text(s).len() + 2 * offset as usize {
        return at;
    }
    let len = u32::try_from(key_len)
        .unwrap_or(0)
        .max(if key_len == 0 { 0 } else { 1 });
    let start = at.span.start + offset;
    let end = (start + len).min(at.span.end);
    Location::new(at.file, crate::span::Span::new(start, end))
}

/// A model value that keeps the `<<` line of the service key it was read from.
trait Inherited {
    fn via(&self, tree: &Tree) -> Option<Location>;
}

impl Inherited for NodeValue {
    fn via(&self, tree: &Tree) -> Option<Location> {
        NodeValue::via(self, tree)
    }
}

impl Inherited for NodeList {
    fn via(&self, tree: &Tree) -> Option<Location> {
        NodeList::via(self, tree)
    }
}

impl Inherited for KeyValues {
    fn via(&self, tree: &Tree) -> Option<Location> {
        KeyValues::via(self, tree)
    }
}
