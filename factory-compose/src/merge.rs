//! Multi-file merge (`-f a -f b …`) on the span tree, with Compose's rules (compose-go's
//! `override` package, as observed with `docker compose config` v2.40.3 in
//! `shared/cases/merge/`):
//!
//! - mappings merge by key, recursively; scalars and unknown shapes are replaced;
//! - `environment`, `labels`, `build.args`, `deploy.labels`, `logging.options`, `sysctls`,
//!   `annotations` merge **by variable/label name**, list form (`- K=V`) and map form mixed;
//! - `ports`, `expose`, `dns`, `dns_search`, `dns_opt`, `cap_add`, `cap_drop`, `env_file` are
//!   appended, an entry equal to an earlier one dropped; `extra_hosts` is appended as is;
//! - `volumes` of a service merge **by target path**, the override taking the base entry's place;
//! - `command`, `entrypoint`, `healthcheck.test` are replaced whole;
//! - `depends_on` and `networks` (list or map) merge by service/network name;
//! - `logging` is replaced when the driver changes, else merged field by field;
//! - `!reset` drops the earlier value, `!override` replaces it instead of merging.
//!
//! Every node keeps the file and span it was written at, so a diagnostic about a merged value
//! points into the file that set it. Nodes of all files live in one arena; synthetic nodes
//! (a mapping entry made from a `- K=V` item) carry the span of the item they come from.

use std::collections::HashMap;

use crate::span::Span;
use crate::volume;
use crate::yaml::{Entry, Node, NodeId, NodeKind, Scalar, ScalarStyle, Tree};

/// A value of a later file that replaced one of an earlier file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Override {
    /// The later file's value.
    pub value: NodeId,
    /// The earlier file's value it replaced.
    pub replaced: NodeId,
}

/// The merged tree and what each later file replaced.
#[derive(Debug, Clone, Default)]
pub struct Merged {
    /// One tree holding the nodes of every file.
    pub tree: Tree,
    /// Replaced values, so a diagnostic about an override can name the base value too.
    pub overrides: Vec<Override>,
}

/// Merge `trees` in order into one tree (the first document of each).
#[must_use]
pub fn merge(trees: Vec<Tree>) -> Merged {
    let mut overrides = Vec::new();
    let mut iter = trees.into_iter();
    let Some(mut out) = iter.next() else {
        return Merged::default();
    };
    out.documents.truncate(1);
    for tree in iter {
        let offset = u32::try_from(out.nodes.len()).unwrap_or(u32::MAX);
        let Some(over_root) = tree.root() else {
            continue;
        };
        out.nodes
            .extend(tree.nodes.into_iter().map(|n| shift(n, offset)));
        let over_root = NodeId(over_root.0 + offset);
        let merged = match out.root() {
            None => Some(over_root),
            Some(base) => {
                let mut m = Merger {
                    tree: &mut out,
                    overrides: &mut overrides,
                };
                m.merge(base, over_root, &mut Vec::new())
            }
        };
        out.documents = merged.into_iter().collect();
    }
    Merged {
        tree: out,
        overrides,
    }
}

fn shift(mut node: Node, offset: u32) -> Node {
    let s = |id: &mut NodeId| id.0 += offset;
    match &mut node.kind {
        NodeKind::Scalar(_) => {}
        NodeKind::Sequence(items) => items.iter_mut().for_each(s),
        NodeKind::Mapping(entries) => entries.iter_mut().for_each(|e| {
            e.key.0 += offset;
            e.value.0 += offset;
        }),
    }
    node
}

/// How a path is merged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rule {
    /// Mappings by key, recursively; other values replaced.
    Default,
    /// Replaced whole.
    Replace,
    /// By variable / label name, list and map forms mixed.
    ByName,
    /// Appended, equal entries dropped.
    AppendUnique,
    /// Appended as is.
    Append,
    /// Service volumes by target.
    VolumesByTarget,
    /// `depends_on` / `networks`: list or map, by name.
    NamedMap,
    /// `logging`: replaced when the driver changes.
    Logging,
}

fn rule_for(path: &[String]) -> Rule {
    let p: Vec<&str> = path.iter().map(String::as_str).collect();
    match p.as_slice() {
        ["services", _, "command" | "entrypoint"] | ["services", _, "healthcheck", "test"] => {
            Rule::Replace
        }
        [
            "services",
            _,
            "environment" | "labels" | "sysctls" | "annotations",
        ]
        | ["services", _, "build" | "deploy", "args" | "labels"]
        | ["services", _, "logging", "options"] => Rule::ByName,
        [
            "services",
            _,
            "ports" | "expose" | "dns" | "dns_search" | "dns_opt" | "cap_add" | "cap_drop"
            | "env_file",
        ] => Rule::AppendUnique,
        ["services", _, "extra_hosts"] => Rule::Append,
        ["services", _, "volumes"] => Rule::VolumesByTarget,
        ["services", _, "depends_on" | "networks"] => Rule::NamedMap,
        ["services", _, "logging"] => Rule::Logging,
        _ => Rule::Default,
    }
}

struct Merger<'t> {
    tree: &'t mut Tree,
    overrides: &'t mut Vec<Override>,
}

impl Merger<'_> {
    fn node(&self, id: NodeId) -> &Node {
        self.tree.node(id)
    }

    fn push(&mut self, node: Node) -> NodeId {
        let id = NodeId(u32::try_from(self.tree.nodes.len()).unwrap_or(u32::MAX));
        self.tree.nodes.push(node);
        id
    }

    fn scalar_text(&self, id: NodeId) -> Option<&str> {
        match &self.node(id).kind {
            NodeKind::Scalar(s) => Some(&s.value),
            _ => None,
        }
    }

    /// A copy of `id` with other entries or items (same span, file, tag, anchor).
    fn with_kind(&mut self, id: NodeId, kind: NodeKind) -> NodeId {
        let mut node = self.node(id).clone();
        node.kind = kind;
        self.push(node)
    }

    fn synthetic_scalar(&mut self, like: NodeId, span: Span, value: Option<String>) -> NodeId {
        let file = self.node(like).file;
        let (value, style) = match value {
            Some(v) => (v, ScalarStyle::DoubleQuoted),
            None => (String::new(), ScalarStyle::Plain),
        };
        self.push(Node {
            kind: NodeKind::Scalar(Scalar {
                value,
                style,
                interpolated: false,
            }),
            span,
            file,
            tag: None,
            anchor: None,
        })
    }

    /// Merge `over` onto `base` at `path`; `None` when `!reset` removes the value.
    fn merge(&mut self, base: NodeId, over: NodeId, path: &mut Vec<String>) -> Option<NodeId> {
        if let Some(tag) = &self.node(over).tag {
            if tag.is_reset() {
                return None;
            }
            if tag.is_override() {
                return Some(over);
            }
        }
        match rule_for(path) {
            Rule::Replace => Some(over),
            Rule::ByName => Some(self.by_name(base, over)),
            Rule::AppendUnique | Rule::Append => {
                let unique = rule_for(path) == Rule::AppendUnique;
                Some(self.append(base, over, unique))
            }
            Rule::VolumesByTarget => Some(self.volumes(base, over)),
            Rule::NamedMap => {
                let base = self.named_map(base);
                let over = self.named_map(over);
                Some(self.mappings(base, over, path))
            }
            Rule::Logging => {
                let driver = |m: &Self, id| {
                    let NodeKind::Mapping(es) = &m.node(id).kind else {
                        return None;
                    };
                    es.iter()
                        .find(|e| m.scalar_text(e.key) == Some("driver"))
                        .and_then(|e| m.scalar_text(e.value))
                        .map(str::to_owned)
                };
                match (driver(self, base), driver(self, over)) {
                    (Some(a), Some(b)) if a != b => Some(over),
                    _ => Some(self.mappings(base, over, path)),
                }
            }
            Rule::Default => match (&self.node(base).kind, &self.node(over).kind) {
                (NodeKind::Mapping(_), NodeKind::Mapping(_)) => {
                    Some(self.mappings(base, over, path))
                }
                (NodeKind::Sequence(_), NodeKind::Sequence(_)) => {
                    Some(self.append(base, over, false))
                }
                _ => Some(over),
            },
        }
    }

    fn mappings(&mut self, base: NodeId, over: NodeId, path: &mut Vec<String>) -> NodeId {
        let (NodeKind::Mapping(b), NodeKind::Mapping(o)) =
            (&self.node(base).kind, &self.node(over).kind)
        else {
            return over;
        };
        let (base_entries, over_entries): (Vec<Entry>, Vec<Entry>) = (b.clone(), o.clone());
        // Entries by key (first occurrence), so merging two mappings of n keys is linear, not
        // n²: a 10 000-service override of a 10 000-service file would otherwise compare 10⁸ keys.
        let mut entries: Vec<Option<Entry>> = base_entries.into_iter().map(Some).collect();
        let mut index: HashMap<String, usize> = HashMap::with_capacity(entries.len());
        for (i, e) in entries.iter().enumerate() {
            if let Some(e) = e {
                let key = self.scalar_text(e.key).unwrap_or("").to_owned();
                index.entry(key).or_insert(i);
            }
        }
        for oe in over_entries {
            let key = self.scalar_text(oe.key).unwrap_or("").to_owned();
            let existing = index.get(&key).copied();
            match existing.and_then(|i| entries[i].map(|e| (i, e))) {
                Some((i, current)) => {
                    path.push(key.clone());
                    let merged = self.merge(current.value, oe.value, path);
                    path.pop();
                    match merged {
                        Some(v) => {
                            if v == oe.value {
                                self.overrides.push(Override {
                                    value: v,
                                    replaced: current.value,
                                });
                            }
                            entries[i] = Some(Entry {
                                key: oe.key,
                                value: v,
                                merged_from: oe.merged_from,
                            });
                        }
                        None => {
                            entries[i] = None;
                            // A later entry with the same key (a duplicate) is found next time.
                            let next = (i + 1..entries.len()).find(|&j| {
                                entries[j]
                                    .is_some_and(|e| self.scalar_text(e.key) == Some(key.as_str()))
                            });
                            match next {
                                Some(j) => index.insert(key, j),
                                None => index.remove(&key),
                            };
                        }
                    }
                }
                None => {
                    let reset = self
                        .node(oe.value)
                        .tag
                        .as_ref()
                        .is_some_and(|t| t.is_reset());
                    if !reset {
                        index.entry(key).or_insert(entries.len());
                        entries.push(Some(oe));
                    }
                }
            }
        }
        let entries = entries.into_iter().flatten().collect();
        self.with_kind(base, NodeKind::Mapping(entries))
    }

    /// `- K=V` items and `K: V` entries as `(name, entry)`; list items become synthetic entries.
    fn named_entries(&mut self, id: NodeId) -> Vec<(String, Entry)> {
        match self.node(id).kind.clone() {
            NodeKind::Mapping(es) => es
                .into_iter()
                .map(|e| (self.scalar_text(e.key).unwrap_or("").to_owned(), e))
                .collect(),
            NodeKind::Sequence(items) => {
                let mut out = Vec::new();
                for item in items {
                    let Some(text) = self.scalar_text(item).map(str::to_owned) else {
                        continue;
                    };
                    let span = self.node(item).span;
                    let (name, value) = match text.split_once('=') {
                        Some((k, v)) => (k.to_owned(), Some(v.to_owned())),
                        None => (text.clone(), None),
                    };
                    let key = self.synthetic_scalar(item, span, Some(name.clone()));
                    let value = self.synthetic_scalar(item, span, value);
                    out.push((
                        name,
                        Entry {
                            key,
                            value,
                            merged_from: None,
                        },
                    ));
                }
                out
            }
            NodeKind::Scalar(_) => Vec::new(),
        }
    }

    fn by_name(&mut self, base: NodeId, over: NodeId) -> NodeId {
        let both_lists = matches!(self.node(base).kind, NodeKind::Sequence(_))
            && matches!(self.node(over).kind, NodeKind::Sequence(_));
        if both_lists {
            // Keep the list form: later items replace earlier ones with the same name, in place.
            let (NodeKind::Sequence(b), NodeKind::Sequence(o)) =
                (self.node(base).kind.clone(), self.node(over).kind.clone())
            else {
                return over;
            };
            let name = |m: &Self, id| {
                m.scalar_text(id)
                    .map(|t| t.split('=').next().unwrap_or("").to_owned())
            };
            let mut items = b;
            for item in o {
                let n = name(self, item);
                match items.iter().position(|&i| name(self, i) == n) {
                    Some(pos) => items[pos] = item,
                    None => items.push(item),
                }
            }
            return self.with_kind(base, NodeKind::Sequence(items));
        }
        let mut entries = self.named_entries(base);
        for (name, e) in self.named_entries(over) {
            match entries.iter().position(|(n, _)| *n == name) {
                Some(pos) => entries[pos] = (name, e),
                None => entries.push((name, e)),
            }
        }
        let kind = NodeKind::Mapping(entries.into_iter().map(|(_, e)| e).collect());
        let at = if matches!(self.node(base).kind, NodeKind::Mapping(_)) {
            base
        } else {
            over
        };
        self.with_kind(at, kind)
    }

    /// The items of a list-valued key: a sequence's items; a mapping's entries as `key=value`
    /// items (`extra_hosts: {host: ip}`); a lone scalar as a one-item list (`dns: 8.8.8.8`).
    fn list_items(&mut self, id: NodeId) -> Vec<NodeId> {
        match self.node(id).kind.clone() {
            NodeKind::Sequence(items) => items,
            NodeKind::Mapping(entries) => {
                let mut out = Vec::new();
                for e in entries {
                    let key = self.scalar_text(e.key).unwrap_or("").to_owned();
                    let span = self.node(e.key).span.cover(self.node(e.value).span);
                    let values: Vec<String> = match self.node(e.value).kind.clone() {
                        NodeKind::Sequence(vs) => vs
                            .iter()
                            .filter_map(|&v| self.scalar_text(v).map(str::to_owned))
                            .collect(),
                        _ => self
                            .scalar_text(e.value)
                            .map(str::to_owned)
                            .into_iter()
                            .collect(),
                    };
                    for v in values {
                        out.push(self.synthetic_scalar(e.key, span, Some(format!("{key}={v}"))));
                    }
                }
                out
            }
            NodeKind::Scalar(_) => vec![id],
        }
    }

    fn append(&mut self, base: NodeId, over: NodeId, unique: bool) -> NodeId {
        let mut items = self.list_items(base);
        for item in self.list_items(over) {
            if unique && items.iter().any(|&i| self.same(i, item)) {
                continue;
            }
            items.push(item);
        }
        let at = if matches!(self.node(base).kind, NodeKind::Sequence(_)) {
            base
        } else {
            over
        };
        self.with_kind(at, NodeKind::Sequence(items))
    }

    /// Structural equality of two nodes (scalars by value).
    fn same(&self, a: NodeId, b: NodeId) -> bool {
        match (&self.node(a).kind, &self.node(b).kind) {
            (NodeKind::Scalar(x), NodeKind::Scalar(y)) => x.value == y.value,
            (NodeKind::Sequence(x), NodeKind::Sequence(y)) => {
                x.len() == y.len() && x.iter().zip(y).all(|(&p, &q)| self.same(p, q))
            }
            (NodeKind::Mapping(x), NodeKind::Mapping(y)) => {
                x.len() == y.len()
                    && x.iter().all(|e| {
                        y.iter()
                            .any(|f| self.same(e.key, f.key) && self.same(e.value, f.value))
                    })
            }
            _ => false,
        }
    }

    fn volume_target(&self, id: NodeId) -> Option<String> {
        match &self.node(id).kind {
            NodeKind::Scalar(s) => {
                let sp =
                    crate::model::Spanned::new(s.value.clone(), crate::span::Location::default());
                volume::parse_short(&sp).ok().and_then(|v| v.target)
            }
            NodeKind::Mapping(es) => es
                .iter()
                .find(|e| self.scalar_text(e.key) == Some("target"))
                .and_then(|e| self.scalar_text(e.value))
                .map(str::to_owned),
            NodeKind::Sequence(_) => None,
        }
    }

    fn volumes(&mut self, base: NodeId, over: NodeId) -> NodeId {
        let (NodeKind::Sequence(b), NodeKind::Sequence(o)) =
            (self.node(base).kind.clone(), self.node(over).kind.clone())
        else {
            return over;
        };
        let mut items = b;
        for item in o {
            let target = self.volume_target(item);
            let pos = target.as_ref().and_then(|t| {
                items
                    .iter()
                    .position(|&i| self.volume_target(i).as_ref() == Some(t))
            });
            match pos {
                Some(p) => items[p] = item,
                None => items.push(item),
            }
        }
        self.with_kind(base, NodeKind::Sequence(items))
    }

    /// `depends_on: [a, b]` → `{a: null, b: null}` (Compose fills in the defaults when rendering).
    fn named_map(&mut self, id: NodeId) -> NodeId {
        let NodeKind::Sequence(items) = self.node(id).kind.clone() else {
            return id;
        };
        let mut entries = Vec::new();
        for item in items {
            let span = self.node(item).span;
            let value = self.synthetic_scalar(item, Span::new(span.end, span.end), None);
            entries.push(Entry {
                key: item,
                value,
                merged_from: None,
            });
        }
        self.with_kind(id, NodeKind::Mapping(entries))
    }
}
