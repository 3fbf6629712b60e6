//! Multi-file merge (`-f a -f b …`) on the span tree, with Compose's rules (compose-go's
//! `override` package, as observed with `docker compose config` v2.40.3 in
//! `shared/cases/merge/`):
//!
//! - mappings merge by key, recursively; scalars and unknown shapes are replaced;
//! - `environment`, `labels`, `build.args`, `deploy.labels`, `logging.options`, `sysctls`,
//!   `annotations` merge **by variable/label name**, list form (`- K=V`) and map form mixed;
//! - `ports`, `expose`, `dns`, `dns_search`, `dns_opt`, `cap_add`, `cap_drop`, `env_file`,
//!   `extra_hosts` are appended, an entry equal to an earlier one dropped (`extra_hosts` entries
//!   compare as written: `a:1.2.3.4` and `a=1.2.3.4` are both kept);
//! - a null value keeps the earlier one (except where values are replaced whole);
//! - `volumes` of a service merge **by target path**, the override taking the base entry's place;
//! - `command`, `entrypoint`, `healthcheck.test` are replaced whole;
//! - `depends_on` and `networks` (list or map) merge by service/network name;
//! - `logging` is replaced when the driver changes, else merged field by field;
//! - `!reset` drops the earlier value, `!override` replaces it instead of merging.
//!
//! The same merger resolves `extends` (the base service, then the extending one over it) and
//! top-level `include:` (`resolve_extends`, `resolve_include`).
//!
//! Every node keeps the file and span it was written at, so a diagnostic about a merged value
//! points into the file that set it. Nodes of all files live in one arena; synthetic nodes
//! (a mapping entry made from a `- K=V` item) carry the span of the item they come from.

use std::collections::{HashMap, HashSet};

use crate::span::Span;
use crate::volume;
use crate::yaml::{Entry, Node, NodeId, NodeKind, ScalarStyle, Tree};

/// A value of a later file that replaced one of an earlier file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Override {
    /// The later file's value.
    pub value: NodeId,
    /// The earlier file's value it replaced.
    pub replaced: NodeId,
}

/// A value of a later file that cannot replace an earlier file's: compose-go's merge refuses a
/// mapping (or a list) overridden by a value of another kind (`cannot override x-a`) where no
/// rule of its own merges the key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    /// The key's path, as Compose names it (`x-common.environment`, `services.web.gpus`).
    pub path: String,
    /// The later file's value.
    pub value: NodeId,
    /// The earlier value: a mapping or a list, as Compose reads it.
    pub earlier: NodeId,
    /// Whether the earlier value is a mapping (else a list).
    pub earlier_is_mapping: bool,
    /// Whether the earlier value is the extended service's (`extends`), not an earlier file's.
    pub by_extends: bool,
}

/// The merged tree and what each later file replaced.
#[derive(Debug, Clone, Default)]
pub struct Merged {
    /// One tree holding the nodes of every file.
    pub tree: Tree,
    /// Replaced values, so a diagnostic about an override can name the base value too.
    pub overrides: Vec<Override>,
    /// Values Compose refuses to merge (`cannot override …`); the later value is kept.
    pub conflicts: Vec<Conflict>,
}

/// Merge `trees` in order into one tree (the first document of each).
#[must_use]
pub fn merge(trees: Vec<Tree>) -> Merged {
    let mut merging = Merging::default();
    for tree in trees {
        merging.add(tree);
    }
    merging.finish()
}

/// A merge in progress, one file at a time: after each [`Merging::add`], [`Merging::tree`] is
/// what [`merge`] gives for the files added so far (Compose checks the project after each file).
#[derive(Debug, Default)]
pub struct Merging {
    merged: Merged,
    files: usize,
}

impl Merging {
    /// Merge the next file's tree into the files merged so far.
    pub fn add(&mut self, mut tree: Tree) {
        // compose-go's ResetProcessor drops a `!reset` node from the anchor it is written in
        // before any alias is read: an entry inherited through `<<` never resets anything.
        // In the first file (and, after each merge, in what a file added) a `!reset` value has
        // nothing to reset and is removed: `labels: !reset {}` alone renders no `labels`.
        strip_resets(&mut tree, self.files > 0);
        self.files += 1;
        if self.files == 1 {
            tree.documents.truncate(1);
            self.merged.tree = tree;
            return;
        }
        let out = &mut self.merged.tree;
        let Some(over_root) = append_tree(out, &tree) else {
            return;
        };
        let merged = match out.root() {
            None => Some(over_root),
            Some(base) => {
                let mut m = Merger {
                    tree: out,
                    overrides: &mut self.merged.overrides,
                    conflicts: &mut self.merged.conflicts,
                    canonical: true,
                    by_extends: false,
                };
                m.merge(base, over_root, &mut Vec::new())
            }
        };
        out.documents = merged.into_iter().collect();
        strip_resets(out, false);
    }

    /// The files added so far, merged.
    #[must_use]
    pub const fn tree(&self) -> &Tree {
        &self.merged.tree
    }

    /// The merge of every file added.
    #[must_use]
    pub fn finish(self) -> Merged {
        self.merged
    }
}

/// Remove `!reset`-tagged mapping entries and sequence items from every node of `tree` (only
/// the entries inherited through `<<` when `only_merged`).
fn strip_resets(tree: &mut Tree, only_merged: bool) {
    let reset = |tree: &Tree, id: NodeId| tree.tag(id).is_some_and(|t| t.is_reset());
    // Tags are rare: most files have no `!reset` and need no pass over their mappings.
    if !tree.any_tag(crate::yaml::Tag::is_reset) {
        return;
    }
    for i in 0..tree.nodes.len() {
        match tree.nodes[i].kind {
            NodeKind::Mapping(es) => {
                let drop = |e: &Entry| (!only_merged || e.is_merged()) && reset(tree, e.value);
                let es = tree.entries(es);
                if es.iter().any(drop) {
                    let kept: Vec<Entry> = es.iter().filter(|e| !drop(e)).copied().collect();
                    tree.nodes[i].kind = NodeKind::Mapping(tree.add_entries(kept));
                }
            }
            NodeKind::Sequence(items) if !only_merged => {
                let items = tree.items(items);
                if items.iter().any(|&id| reset(tree, id)) {
                    let kept: Vec<NodeId> = items
                        .iter()
                        .copied()
                        .filter(|&id| !reset(tree, id))
                        .collect();
                    tree.nodes[i].kind = NodeKind::Sequence(tree.add_items(kept));
                }
            }
            _ => {}
        }
    }
}

/// Which later items [`Merger::append`] leaves out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Repeats {
    /// None: every item is appended.
    Keep,
    /// Those equal to an earlier item or to one appended before.
    Drop,
    /// Those equal to an earlier file's item (compose-go's `mergeExtraHosts`).
    DropEarlier,
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
    /// Service volumes by target.
    VolumesByTarget,
    /// `depends_on` / `networks`: list or map, by name.
    NamedMap,
    /// `logging`: replaced when the driver changes.
    Logging,
    /// `build`: a string is `{context: …}`; then merged as a mapping.
    Build,
    /// `networks.*.ipam.config`: by subnet, as compose-go's mergeIPAMConfig.
    IpamConfig,
    /// `extra_hosts`: compose-go's `mergeExtraHosts`: the later items an earlier file has are
    /// dropped, the others appended (a later file's own repeats are kept: the schema refuses
    /// them on the files merged so far).
    ExtraHosts,
    /// `services.*.ports` and `expose`: appended, repeats kept; the render and the schema's
    /// repeat check make them unique as compose-go does (by its `portIndexer` or
    /// `exposeIndexer` keys, before and after the canonical form), the earlier files' short
    /// ports in canonical form.
    Ports,
}

/// `services.*.gpus`, for [`is_path`].
const GPUS: &[&str] = &["services", "*", "gpus"];
/// `services.*.build.ssh`, for [`is_path`].
const BUILD_SSH: &[&str] = &["services", "*", "build", "ssh"];

/// Whether `path` is `pattern` (`*` for any one key).
fn is_path(path: &[String], pattern: &[&str]) -> bool {
    path.len() == pattern.len() && path.iter().zip(pattern).all(|(p, &q)| q == "*" || p == q)
}

/// The `KEY: value` mappings compose-go merges with `mergeToSequence` (each side made a list of
/// `KEY=%v` strings, then the later items replace the earlier ones of the same key): a later
/// file's list or mapping value is printed with Go's `%v` there instead of being refused, as
/// the schema validates the files merged so far (checked with Compose v2.40.3). Not
/// `logging.options` (merged as a mapping).
pub(crate) fn merged_as_strings(path: &[String]) -> bool {
    let p: Vec<&str> = path.iter().map(String::as_str).collect();
    match p.as_slice() {
        ["services", _, key] => AS_STRINGS_SERVICE_KEYS.contains(key),
        ["services", _, "build", key] => AS_STRINGS_BUILD_KEYS.contains(key),
        ["services", _, "deploy", "labels"] | ["networks" | "volumes", _, "labels"] => true,
        _ => false,
    }
}

/// The service keys of [`merged_as_strings`].
const AS_STRINGS_SERVICE_KEYS: &[&str] = &["environment", "labels", "sysctls", "annotations"];
/// The `build` keys of [`merged_as_strings`].
const AS_STRINGS_BUILD_KEYS: &[&str] = &["args", "labels", "additional_contexts"];

/// For each file (none for the first), the mappings at a [`merged_as_strings`] path that an
/// earlier file has too (even null, or inherited through `extends`), each at that path:
/// compose-go prints their list and mapping values as strings when it merges the file, before
/// it validates the files merged so far. Not under `!override`, which replaces.
pub(crate) fn as_strings_values(
    trees: &[Tree],
    files: &mut ExtendsFiles<'_>,
) -> Vec<SkippedValues> {
    let mut seen: HashSet<Vec<String>> = HashSet::new();
    let mut out = Vec::with_capacity(trees.len());
    let several = trees.len() > 1;
    for tree in trees {
        let extended = extended_paths(tree, files);
        if !several && extended.is_empty() {
            out.push(SkippedValues::new());
            continue;
        }
        let here = as_strings_paths(tree);
        // The services `include` adds are the file's too when a later file is merged.
        let included = if several {
            included_paths(tree, "", files)
        } else {
            Vec::new()
        };
        let mut skipped = SkippedValues::new();
        for (path, id) in &here {
            if (seen.contains(path) || extended.contains(path))
                && matches!(tree.node(*id).kind, NodeKind::Mapping(_))
                && !tree.tag(*id).is_some_and(crate::yaml::Tag::is_override)
            {
                skipped.entry(*id).or_default().push(path.join("."));
            }
        }
        out.push(skipped);
        if several {
            // A service has the path after the file too when it inherits it through `extends`.
            seen.extend(here.into_iter().map(|(path, _)| path));
            seen.extend(extended);
            seen.extend(included);
        }
    }
    out
}

/// The values a file's own schema check leaves to the files merged so far, each at the paths
/// (`services.web.environment`) where it is left: a node an anchor shares is checked where an
/// earlier file does not have its path (compose-go merges each path on its own).
pub(crate) type SkippedValues = HashMap<NodeId, Vec<String>>;

/// For each file (none for the first), its null values at a mapping path an earlier file has
/// too: compose-go's merge keeps the earlier value there (`o == nil`), so the null is never
/// validated (Compose validates the files merged so far) and must not be reported by the
/// file's own schema check. `environment:` left empty in an override keeps the base's.
pub(crate) fn kept_nulls(trees: &[Tree]) -> Vec<SkippedValues> {
    let mut out: Vec<SkippedValues> = Vec::with_capacity(trees.len());
    for (k, tree) in trees.iter().enumerate() {
        let mut kept = SkippedValues::new();
        if k > 0
            && let Some(root) = tree.root()
        {
            let earlier = trees.get(..k).unwrap_or_default();
            let mut path = Vec::new();
            nulls_at_earlier_paths(tree, root, earlier, &mut path, &mut kept);
        }
        out.push(kept);
    }
    out
}

/// The null values under mapping `map` of `tree` (at `path`) whose path one of `earlier` has.
fn nulls_at_earlier_paths<'t>(
    tree: &'t Tree,
    map: NodeId,
    earlier: &[Tree],
    path: &mut Vec<&'t str>,
    kept: &mut SkippedValues,
) {
    for e in tree.mapping(map).unwrap_or_default() {
        let Some(key) = crate::yaml::scalar_text(tree, e.key) else {
            continue;
        };
        path.push(key);
        let node = tree.node(e.value);
        match node.kind {
            NodeKind::Mapping(_) => nulls_at_earlier_paths(tree, e.value, earlier, path, kept),
            NodeKind::Scalar(_)
                if crate::model::convert::is_null(tree, e.value)
                    && earlier.iter().any(|t| has_path(t, path)) =>
            {
                kept.entry(e.value).or_default().push(path.join("."));
            }
            _ => {}
        }
        path.pop();
    }
}

/// Whether `tree` has a value at the mapping path `path` (keys from the root).
/// The `logging` values of a later file that are null where an earlier file has the service's
/// `logging` (file index, value): compose-go's `mergeLogging` casts both values to mappings
/// and panics on the null (v2.40.3: "interface {} is nil, not map[string]interface {}"),
/// where a null elsewhere keeps the earlier value ([`kept_nulls`]).
pub(crate) fn null_logging_over_earlier(trees: &[Tree]) -> Vec<(usize, NodeId)> {
    let mut out = Vec::new();
    for (k, tree) in trees.iter().enumerate().skip(1) {
        let services = tree
            .root()
            .and_then(|r| tree.get(r, "services"))
            .and_then(|e| tree.mapping(e.value));
        for s in services.unwrap_or_default() {
            let Some(name) = crate::yaml::scalar_text(tree, s.key) else {
                continue;
            };
            let Some(logging) = tree.get(s.value, "logging") else {
                continue;
            };
            let earlier = trees.get(..k).unwrap_or_default();
            if crate::model::convert::is_null(tree, logging.value)
                && earlier
                    .iter()
                    .any(|t| has_path(t, &["services", name, "logging"]))
            {
                out.push((k, logging.value));
            }
        }
    }
    out
}

fn has_path(tree: &Tree, path: &[&str]) -> bool {
    let mut at = tree.root();
    for key in path {
        at = at.and_then(|id| tree.get(id, key)).map(|e| e.value);
    }
    at.is_some()
}

/// The [`merged_as_strings`] paths of the services of `tree` that `extends` a service (of the
/// same file, or of `extends.file`) which has them, itself or through its own `extends`:
/// compose-go's `ExtendService` merges them with `mergeToSequence` too, before the file is
/// validated. Each path is the extending service's (`services.web.environment`).
fn extended_paths(tree: &Tree, files: &mut ExtendsFiles<'_>) -> HashSet<Vec<String>> {
    service_paths(tree, "", files, false).0
}

/// Each service's [`merged_as_strings`] paths below `services.NAME`, its own and those it
/// inherits through `extends`.
type Effective = HashMap<String, std::rc::Rc<Vec<Vec<String>>>>;

/// The files `extends.file` and `include` name, read for [`as_strings_values`]: each file's
/// services with the paths they have after their own `extends`, and the paths of the services
/// it includes (memoised by path and folder; a file read again through a cycle of files has
/// none: Compose refuses the cycle).
pub(crate) struct ExtendsFiles<'l> {
    load: &'l mut dyn FnMut(&str) -> Option<Tree>,
    read: HashMap<(String, String), std::rc::Rc<FilePaths>>,
    reading: HashSet<(String, String)>,
}

/// What [`ExtendsFiles`] keeps of a file.
#[derive(Default)]
struct FilePaths {
    /// Each service's paths after its `extends`.
    services: Effective,
    /// The paths (`services.NAME.labels`) of the services its `include` adds.
    included: Vec<Vec<String>>,
}

impl<'l> ExtendsFiles<'l> {
    /// `load` parses a file by its path relative to the project directory.
    pub(crate) fn new(load: &'l mut dyn FnMut(&str) -> Option<Tree>) -> Self {
        Self {
            load,
            read: HashMap::new(),
            reading: HashSet::new(),
        }
    }

    /// File `path`, whose relative paths are relative to `dir`.
    fn file(&mut self, path: &str, dir: &str) -> std::rc::Rc<FilePaths> {
        let key = (path.to_owned(), dir.to_owned());
        if let Some(read) = self.read.get(&key) {
            return read.clone();
        }
        if !self.reading.insert(key.clone()) {
            return std::rc::Rc::default();
        }
        let paths = (self.load)(path)
            .map(|tree| FilePaths {
                services: service_paths(&tree, dir, self, true).1,
                included: included_paths(&tree, dir, self),
            })
            .unwrap_or_default();
        self.reading.remove(&key);
        let paths = std::rc::Rc::new(paths);
        self.read.insert(key, paths.clone());
        paths
    }

    /// The paths service `name` of file `path` has after its own `extends`.
    fn service(&mut self, path: &str, name: &str) -> std::rc::Rc<Vec<Vec<String>>> {
        let file = self.file(path, &parent_dir(path));
        file.services.get(name).cloned().unwrap_or_default()
    }
}

/// The [`merged_as_strings`] paths (`services.NAME.labels`) of the services `tree`'s top-level
/// `include` adds (relative paths relative to `dir`), with their own `extends` and `include`.
fn included_paths(tree: &Tree, dir: &str, files: &mut ExtendsFiles<'_>) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let Some(items) = tree
        .root()
        .and_then(|r| tree.get(r, "include"))
        .and_then(|e| tree.sequence(e.value))
    else {
        return out;
    };
    for &item in items {
        let (paths, project_dir) = include_item(tree, item);
        let Some((first, _)) = paths.first() else {
            continue;
        };
        let sub_dir = match &project_dir {
            Some(pd) => join_path(dir, pd),
            None => parent_dir(&join_path(dir, first)),
        };
        for (path, _) in &paths {
            let file = files.file(&join_path(dir, path), &sub_dir);
            for (name, suffixes) in &file.services {
                for suffix in suffixes.iter() {
                    let mut path = vec!["services".to_owned(), name.clone()];
                    path.extend(suffix.iter().cloned());
                    out.push(path);
                }
            }
            out.extend(file.included.iter().cloned());
        }
    }
    out
}

/// [`extended_paths`] of `tree` (whose `extends.file` paths are relative to `dir`), and, when
/// `all`, every service's [`Effective`] paths (else only those of services that `extends`).
fn service_paths(
    tree: &Tree,
    dir: &str,
    files: &mut ExtendsFiles<'_>,
    all: bool,
) -> (HashSet<Vec<String>>, Effective) {
    let mut out = HashSet::new();
    let mut effective: Effective = HashMap::new();
    let Some(services) = tree.root().and_then(|r| tree.get(r, "services")) else {
        return (out, effective);
    };
    let services = tree.mapping(services.value).unwrap_or_default();
    // The service a service extends, and the file it is in when another (`extends.file`).
    let base_of = |svc: NodeId| -> Option<(&str, Option<&str>)> {
        let ext = tree.get(svc, "extends")?.value;
        match tree.node(ext).kind {
            NodeKind::Scalar(_) => Some((crate::yaml::scalar_text(tree, ext)?, None)),
            NodeKind::Mapping(_) => {
                let service = crate::yaml::scalar_text(tree, tree.get(ext, "service")?.value)?;
                match tree.get(ext, "file") {
                    None => Some((service, None)),
                    Some(file) => {
                        Some((service, Some(crate::yaml::scalar_text(tree, file.value)?)))
                    }
                }
            }
            NodeKind::Sequence(_) => None,
        }
    };
    if !all && !services.iter().any(|e| base_of(e.value).is_some()) {
        return (out, effective);
    }
    let named: Vec<(&str, NodeId)> = services
        .iter()
        .filter_map(|e| Some((crate::yaml::scalar_text(tree, e.key)?, e.value)))
        .collect();
    let nodes: HashMap<&str, NodeId> = named.iter().copied().collect();
    // Each service's paths, its own and its bases' (memoised; a cycle is refused elsewhere).
    // In file order: which service of a cycle is reached first decides what it inherits, and
    // the result must not change from one run to the next (a `HashMap`'s order does).
    for &(name, svc) in &named {
        // The chain of services not yet known, from `name` up.
        let mut chain = vec![(name, svc)];
        // The names in `chain`, so a cycle is seen without a scan of the chain per link (a
        // chain of 40 000 services, each extending the next, took 1.6 s in that scan).
        let mut in_chain: HashSet<&str> = HashSet::from([name]);
        let mut known = None;
        while let Some((base, file)) = chain.last().and_then(|&(_, n)| base_of(n)) {
            if let Some(file) = file {
                known = Some(files.service(&join_path(dir, file), base));
                break;
            }
            if let Some(paths) = effective.get(base) {
                known = Some(paths.clone());
                break;
            }
            match nodes.get(base) {
                Some(&n) if in_chain.insert(base) => chain.push((base, n)),
                _ => break,
            }
        }
        let mut inherited = known.unwrap_or_default();
        for &(c, n) in chain.iter().rev() {
            if base_of(n).is_some() {
                for suffix in inherited.iter() {
                    let mut path = vec!["services".to_owned(), c.to_owned()];
                    path.extend(suffix.iter().cloned());
                    out.insert(path);
                }
            }
            let mut own: Vec<Vec<String>> = service_as_strings_paths(tree, n)
                .into_iter()
                .map(|(suffix, _)| suffix)
                .collect();
            own.extend(inherited.iter().cloned());
            own.sort();
            own.dedup();
            inherited = std::rc::Rc::new(own);
            effective.insert(c.to_owned(), inherited.clone());
        }
    }
    (out, effective)
}

/// Replace each value of [`Tree::merged_as_strings`] (at its [`merged_as_strings`] path) by
/// what compose-go's `mergeToSequence` makes of it, on the interpolated project: `KEY=%v` for
/// each list item (a mapping is one item), sorted, the last of equal keys kept by
/// `EnforceUnicity`: the greatest printed item, as a string.
pub(crate) fn print_merged_as_strings(tree: &mut Tree) {
    if tree.merged_as_strings.is_empty() {
        return;
    }
    for (_, map) in as_strings_paths(tree) {
        let NodeKind::Mapping(entries) = tree.node(map).kind else {
            continue;
        };
        for i in 0..entries.len() {
            let Some(value) = tree.entries(entries).get(i).map(|e| e.value) else {
                continue;
            };
            if !tree.merged_as_strings.contains(&value) {
                continue;
            }
            let items = match tree.node(value).kind {
                NodeKind::Sequence(items) => tree.items(items).to_vec(),
                _ => vec![value],
            };
            let Some(text) = items
                .into_iter()
                .map(|item| {
                    let mut text = String::new();
                    go_sprint(tree, item, &mut text);
                    text
                })
                .max()
            else {
                continue;
            };
            let like = tree.node(value).clone();
            let scalar = tree.push_scalar(&like, &text);
            if let Some(node) = tree.nodes.get_mut(scalar.0 as usize) {
                node.style = ScalarStyle::DoubleQuoted;
            }
            if let Some(e) = tree.entries_mut(entries).get_mut(i) {
                e.value = scalar;
            }
        }
    }
    tree.merged_as_strings.clear();
}

/// A top-level volume's `labels` that Compose refuses when a later file merges them: both sides
/// are made lists of `KEY=%v` strings and appended, and no unicity pass runs on
/// `volumes.*.labels` (it does on the other [`merged_as_strings`] paths), so an item printed the
/// same on both sides (`a: "1"` in both files) fails the schema's `uniqueItems` (`volumes.v.labels
/// must be a mapping`). Each: the later file's `labels` node (in `trees[file]`), the volume's
/// name and the repeated item.
pub(crate) fn repeated_volume_labels(trees: &[Tree]) -> Vec<(usize, NodeId, String, String)> {
    if trees.len() < 2 {
        return Vec::new();
    }
    // The items of each volume's labels so far, by volume name.
    let mut so_far: HashMap<String, Vec<String>> = HashMap::new();
    let mut out = Vec::new();
    for (file, tree) in trees.iter().enumerate() {
        for (path, id) in as_strings_paths(tree) {
            let [top, name, _] = path.as_slice() else {
                continue;
            };
            if top != "volumes" {
                continue;
            }
            let items = labels_as_items(tree, id);
            if let Some(earlier) = so_far.get_mut(name.as_str()) {
                let mut seen: std::collections::HashSet<&str> =
                    earlier.iter().map(String::as_str).collect();
                if let Some(repeated) = items.iter().find(|item| !seen.insert(item)) {
                    out.push((file, id, name.clone(), repeated.clone()));
                }
                // Nothing makes the list unique again: every file's items stay.
                earlier.extend(items);
            } else {
                so_far.insert(name.clone(), items);
            }
        }
    }
    out
}

/// compose-go's `convertIntoSequence` of a `labels` value: `KEY=%v` items (a list value gives
/// one per item, null gives `KEY`), or a list's items as written.
fn labels_as_items(tree: &Tree, id: NodeId) -> Vec<String> {
    let mut out = Vec::new();
    match tree.node(id).kind {
        NodeKind::Mapping(entries) => {
            for e in tree.entries(entries) {
                let key = crate::yaml::scalar_text(tree, e.key)
                    .unwrap_or("")
                    .to_owned();
                let values = match tree.node(e.value).kind {
                    NodeKind::Sequence(items) => tree.items(items).to_vec(),
                    _ => vec![e.value],
                };
                for v in values {
                    if crate::model::convert::is_null(tree, v) && v == e.value {
                        out.push(key.clone());
                        continue;
                    }
                    let mut item = format!("{key}=");
                    go_sprint(tree, v, &mut item);
                    out.push(item);
                }
            }
        }
        NodeKind::Sequence(items) => {
            for &i in tree.items(items) {
                let mut item = String::new();
                go_sprint(tree, i, &mut item);
                out.push(item);
            }
        }
        NodeKind::Scalar(_) => {}
    }
    out
}

/// The [`merged_as_strings`] paths `tree` writes, with their value nodes.
fn as_strings_paths(tree: &Tree) -> Vec<(Vec<String>, NodeId)> {
    let text = |id| crate::yaml::scalar_text(tree, id).unwrap_or("");
    let mut out = Vec::new();
    for &doc in &tree.documents {
        for top in tree.mapping(doc).unwrap_or_default() {
            let top_key = text(top.key);
            if !matches!(top_key, "services" | "networks" | "volumes") {
                continue;
            }
            for named in tree.mapping(top.value).unwrap_or_default() {
                let suffixes = if top_key == "services" {
                    service_as_strings_paths(tree, named.value)
                } else {
                    tree.get(named.value, "labels")
                        .map(|e| (vec!["labels".to_owned()], e.value))
                        .into_iter()
                        .collect()
                };
                for (suffix, id) in suffixes {
                    let mut path = vec![top_key.to_owned(), text(named.key).to_owned()];
                    path.extend(suffix);
                    out.push((path, id));
                }
            }
        }
    }
    out
}

/// The [`merged_as_strings`] paths of the service `svc`, below `services.NAME`, with their
/// value nodes.
fn service_as_strings_paths(tree: &Tree, svc: NodeId) -> Vec<(Vec<String>, NodeId)> {
    let mut out = Vec::new();
    let mut visit = |prefix: Option<&str>, parent: NodeId, wanted: &[&str]| {
        for e in tree.mapping(parent).unwrap_or_default() {
            let key = crate::yaml::scalar_text(tree, e.key).unwrap_or("");
            if wanted.contains(&key) {
                let path = prefix.into_iter().chain([key]).map(str::to_owned).collect();
                out.push((path, e.value));
            }
        }
    };
    visit(None, svc, AS_STRINGS_SERVICE_KEYS);
    if let Some(build) = tree.get(svc, "build") {
        visit(Some("build"), build.value, AS_STRINGS_BUILD_KEYS);
    }
    if let Some(deploy) = tree.get(svc, "deploy") {
        visit(Some("deploy"), deploy.value, &["labels"]);
    }
    out
}

/// Go's `fmt.Sprint` of the value go-yaml decodes node `id` into: `<nil>`, `true`, `31` for
/// `0x1F`, `1e+06`, `[a b]`, `map[a:1 b:[x y]]` (keys sorted).
pub(crate) fn go_sprint(tree: &Tree, id: NodeId, out: &mut String) {
    use crate::yaml::PlainValue;
    let node = tree.node(id);
    match node.kind {
        NodeKind::Scalar(s) => {
            let text = tree.text(s);
            match crate::model::convert::scalar_kind(tree, id) {
                PlainValue::Null => out.push_str("<nil>"),
                PlainValue::Bool(b) => out.push_str(if b { "true" } else { "false" }),
                PlainValue::Int(i) => out.push_str(&i.to_string()),
                PlainValue::Float(f) => out.push_str(&crate::yaml::go_format_float(f)),
                PlainValue::Timestamp | PlainValue::Str => out.push_str(text),
            }
        }
        NodeKind::Sequence(items) => {
            out.push('[');
            for (i, &item) in tree.items(items).iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                go_sprint(tree, item, out);
            }
            out.push(']');
        }
        NodeKind::Mapping(entries) => {
            let mut entries: Vec<(&str, NodeId)> = tree
                .entries(entries)
                .iter()
                .map(|e| (crate::yaml::scalar_text(tree, e.key).unwrap_or(""), e.value))
                .collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            out.push_str("map[");
            for (i, (key, value)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                out.push_str(key);
                out.push(':');
                go_sprint(tree, value, out);
            }
            out.push(']');
        }
    }
}

fn rule_for(path: &[String]) -> Rule {
    let p: Vec<&str> = path.iter().map(String::as_str).collect();
    match p.as_slice() {
        ["services", _, "command" | "entrypoint"]
        | ["services", _, "healthcheck", "test"]
        | ["services", _, "ulimits", _] => Rule::Replace,
        ["services", _, "build"] => Rule::Build,
        [
            "services",
            _,
            "environment" | "labels" | "sysctls" | "annotations",
        ]
        | ["services", _, "build" | "deploy", "args" | "labels"]
        | ["services", _, "build", "additional_contexts"]
        | ["networks" | "volumes", _, "labels"]
        | ["services", _, "logging", "options"] => Rule::ByName,
        [
            "services",
            _,
            "dns" | "dns_search" | "dns_opt" | "cap_add" | "cap_drop" | "env_file" | "tmpfs"
            | "label_file",
        ] => Rule::AppendUnique,
        ["services", _, "extra_hosts"] | ["services", _, "build", "extra_hosts"] => {
            Rule::ExtraHosts
        }
        ["services", _, "ports" | "expose"] => Rule::Ports,
        ["services", _, "volumes"] => Rule::VolumesByTarget,
        ["services", _, "depends_on" | "networks" | "models"] => Rule::NamedMap,
        ["services", _, "logging"] => Rule::Logging,
        ["networks", _, "ipam", "config"] => Rule::IpamConfig,
        _ => Rule::Default,
    }
}

struct Merger<'t> {
    tree: &'t mut Tree,
    overrides: &'t mut Vec<Override>,
    conflicts: &'t mut Vec<Conflict>,
    /// Whether the earlier value is in compose-go's canonical form (`gpus: all` a list …): the
    /// project merged so far, or a service of a file `extends` reads; a service `extends`
    /// takes from its own file is merged as written.
    canonical: bool,
    /// Whether this merges a service onto the one it extends.
    by_extends: bool,
}

impl Merger<'_> {
    fn node(&self, id: NodeId) -> &Node {
        self.tree.node(id)
    }

    /// Push `node` without tag or anchor.
    fn push(&mut self, node: Node) -> NodeId {
        self.tree.push(node)
    }

    fn scalar_text(&self, id: NodeId) -> Option<&str> {
        match self.node(id).kind {
            NodeKind::Scalar(s) => Some(self.tree.text(s)),
            _ => None,
        }
    }

    /// Whether node `id` is tagged `!reset`.
    fn is_reset(&self, id: NodeId) -> bool {
        self.tree.tag(id).is_some_and(|t| t.is_reset())
    }

    /// The text of the scalar `key` of the mapping `id`.
    fn field(&self, id: NodeId, key: &str) -> Option<String> {
        let NodeKind::Mapping(es) = self.node(id).kind else {
            return None;
        };
        self.tree
            .entries(es)
            .iter()
            .find(|e| self.scalar_text(e.key) == Some(key))
            .and_then(|e| self.scalar_text(e.value))
            .map(str::to_owned)
    }

    /// A copy of `id` with other entries or items (same span, file, tag, anchor).
    fn with_kind(&mut self, id: NodeId, kind: NodeKind) -> NodeId {
        let mut node = self.node(id).clone();
        node.kind = kind;
        let props = self.tree.props_id(id);
        self.tree.push_with_props(node, props)
    }

    fn synthetic_scalar(&mut self, like: NodeId, span: Span, value: Option<String>) -> NodeId {
        let file = self.node(like).file;
        let (value, style) = match value {
            Some(v) => (v, ScalarStyle::DoubleQuoted),
            None => (String::new(), ScalarStyle::Plain),
        };
        let scalar = self.tree.add_text(&value);
        self.push(Node {
            kind: NodeKind::Scalar(scalar),
            span,
            file,
            style,
            interpolated: false,
        })
    }

    /// Merge `over` onto `base` at `path`; `None` when `!reset` removes the value.
    fn merge(&mut self, base: NodeId, over: NodeId, path: &mut Vec<String>) -> Option<NodeId> {
        if let Some(tag) = self.tree.tag(over) {
            if tag.is_reset() {
                return None;
            }
            if tag.is_override() {
                return Some(over);
            }
        }
        let rule = rule_for(path);
        // compose-go's mergeYaml: a null override keeps the earlier value, except where the
        // value is replaced whole (and `ulimits.*`, replaced by compose-go's mergeUlimit); a
        // `depends_on` item written as a list item stands for the default condition.
        let null = crate::model::convert::is_null(self.tree, over);
        let depends_item =
            null && matches!(path.as_slice(), [s, _, d, _] if s == "services" && d == "depends_on");
        if null && rule != Rule::Replace && !depends_item {
            return Some(base);
        }
        if null && depends_item && matches!(self.node(base).kind, NodeKind::Mapping(_)) {
            // `- db` over `db: {condition: …, restart: true}`: compose-go's mergeDependsOn
            // merges `{condition: service_started, required: true}` into the earlier entry.
            let defaults = self.depends_defaults(over);
            return Some(self.mappings(base, defaults, path));
        }
        match rule {
            Rule::Replace => Some(over),
            Rule::Build => {
                let base = self.build_mapping(base);
                let over = self.build_mapping(over);
                Some(self.mappings(base, over, path))
            }
            Rule::ByName => Some(self.by_name(base, over, merged_as_strings(path))),
            Rule::IpamConfig => Some(self.ipam_config(base, over, path)),
            Rule::AppendUnique => Some(self.append(base, over, Repeats::Drop)),
            Rule::ExtraHosts => Some(self.append(base, over, Repeats::DropEarlier)),
            Rule::Ports => {
                // compose-go has the earlier files' short ports as mappings by then: their
                // `portIndexer` key is the canonical one ([`Tree::canonical_ports`]).
                if self.canonical {
                    let short: Vec<NodeId> = self
                        .tree
                        .sequence(base)
                        .unwrap_or_default()
                        .iter()
                        .copied()
                        .filter(|&i| matches!(self.node(i).kind, NodeKind::Scalar(_)))
                        .collect();
                    self.tree.canonical_ports.extend(short);
                }
                Some(self.append(base, over, Repeats::Keep))
            }
            Rule::VolumesByTarget => Some(self.volumes(base, over)),
            Rule::NamedMap => {
                // compose-go's mergeDependsOn reads an earlier `depends_on` list as entries of
                // the default condition (`- db` is `db: {condition: service_started, …}`).
                let base = if path.last().is_some_and(|k| k == "depends_on") {
                    self.depends_map(base)
                } else {
                    self.named_map(base)
                };
                let over = self.named_map(over);
                Some(self.mappings(base, over, path))
            }
            Rule::Logging => match (self.field(base, "driver"), self.field(over, "driver")) {
                (Some(a), Some(b)) if a != b => Some(over),
                _ => Some(self.mappings(base, over, path)),
            },
            Rule::Default => match (self.node(base).kind, self.node(over).kind) {
                (NodeKind::Mapping(_), NodeKind::Mapping(_)) => {
                    Some(self.mappings(base, over, path))
                }
                // compose-go has the earlier `gpus: all` in its canonical form by then,
                // `[{count: all}]`, and appends the later list to it (a file `extends` reads
                // is in canonical form too).
                (NodeKind::Scalar(_), NodeKind::Sequence(items))
                    if self.canonical && is_path(path, GPUS) =>
                {
                    let span = self.node(base).span;
                    let key = self.synthetic_scalar(base, span, Some("count".to_owned()));
                    let value = self.synthetic_scalar(base, span, Some("all".to_owned()));
                    let entries = self.tree.add_entries([Entry::new(key, value)]);
                    let all = self.with_kind(base, NodeKind::Mapping(entries));
                    let items: Vec<NodeId> = std::iter::once(all)
                        .chain(self.tree.items(items).iter().copied())
                        .collect();
                    let items = self.tree.add_items(items);
                    Some(self.with_kind(over, NodeKind::Sequence(items)))
                }
                // An earlier `build.ssh` list is a mapping by then: a later mapping merges
                // into it, a later list cannot (`cannot override`).
                (NodeKind::Sequence(_), NodeKind::Mapping(_))
                    if self.canonical && is_path(path, BUILD_SSH) =>
                {
                    let base = self.ssh_map(base);
                    Some(self.mappings(base, over, path))
                }
                (NodeKind::Sequence(_), NodeKind::Sequence(_))
                    if !(self.canonical && is_path(path, BUILD_SSH)) =>
                {
                    Some(self.append(base, over, Repeats::Keep))
                }
                _ => {
                    self.check_kinds(base, over, path);
                    Some(over)
                }
            },
        }
    }

    /// compose-go's mergeIPAMConfig, quirks included: each earlier item is merged with the later
    /// items of its subnet, a later item of another subnet is added once (the earlier item is
    /// then dropped unless a later item has its subnet), and a merged item takes the place of
    /// the first item of its subnet. compose-go merges into the earlier item's map in place, so
    /// an item already placed changes with it: each earlier item is one cell.
    fn ipam_config(&mut self, base: NodeId, over: NodeId, path: &mut Vec<String>) -> NodeId {
        let (NodeKind::Sequence(originals), NodeKind::Sequence(overrides)) =
            (self.node(base).kind, self.node(over).kind)
        else {
            return over;
        };
        let originals = self.tree.items(originals).to_vec();
        let overrides = self.tree.items(overrides).to_vec();
        // compose-go's loop is quadratic and merges in place; here each merge is a new node.
        // Past this many pairs (no real network has hundreds of pools) the lists are
        // appended instead, so a hostile file cannot make millions of nodes.
        if originals.len().saturating_mul(overrides.len()) > 10_000 {
            return self.append(base, over, Repeats::Keep);
        }
        let subnet = |m: &Self, id: NodeId| m.field(id, "subnet");
        let mut cells: Vec<NodeId> = Vec::new();
        let mut placed: Vec<usize> = Vec::new();
        for &original in &originals {
            let right = cells.len();
            cells.push(original);
            for &left in &overrides {
                let left_subnet = subnet(self, left);
                if left_subnet != subnet(self, cells[right])
                    && !placed
                        .iter()
                        .any(|&c| subnet(self, cells[c]) == left_subnet)
                {
                    placed.push(cells.len());
                    cells.push(left);
                    continue;
                }
                cells[right] = self.mappings(cells[right], left, path);
                let merged_subnet = subnet(self, cells[right]);
                match placed
                    .iter()
                    .position(|&c| subnet(self, cells[c]) == merged_subnet)
                {
                    Some(i) => placed[i] = right,
                    None => placed.push(right),
                }
            }
        }
        let items = self.tree.add_items(placed.into_iter().map(|c| cells[c]));
        self.with_kind(over, NodeKind::Sequence(items))
    }

    /// compose-go's mergeYaml refuses a mapping or a list replaced by a value of another kind.
    /// The earlier value is read as compose-go has it then, in its canonical form: a `gpus`
    /// string is a list, a `build.ssh` list a mapping, an `external` mapping `true`; `extends`
    /// is gone once resolved.
    fn check_kinds(&mut self, base: NodeId, over: NodeId, path: &[String]) {
        let shape = |m: &Self, id: NodeId| match m.node(id).kind {
            NodeKind::Mapping(_) => (true, false),
            NodeKind::Sequence(_) => (false, true),
            NodeKind::Scalar(_) => (false, false),
        };
        let (mapping, sequence) = if self.canonical && is_path(path, GPUS) {
            (false, true)
        } else if self.canonical && is_path(path, BUILD_SSH) {
            (true, false)
        } else if (is_path(path, &["*", "*", "external"])
            && matches!(
                path[0].as_str(),
                "networks" | "volumes" | "secrets" | "configs"
            ))
            || is_path(path, &["services", "*", "extends"])
        {
            return;
        } else {
            shape(self, base)
        };
        let (over_mapping, over_sequence) = shape(self, over);
        if (mapping && !over_mapping) || (sequence && !over_sequence) {
            self.conflicts.push(Conflict {
                path: path.join("."),
                value: over,
                earlier: base,
                earlier_is_mapping: mapping,
                by_extends: self.by_extends,
            });
        }
    }

    fn mappings(&mut self, base: NodeId, over: NodeId, path: &mut Vec<String>) -> NodeId {
        let (NodeKind::Mapping(b), NodeKind::Mapping(o)) =
            (self.node(base).kind, self.node(over).kind)
        else {
            return over;
        };
        let (base_entries, over_entries): (Vec<Entry>, Vec<Entry>) =
            (self.tree.entries(b).to_vec(), self.tree.entries(o).to_vec());
        // Entries by key (first occurrence), so merging two mappings of n keys is linear, not
        // n²: a 10 000-service override of a 10 000-service file would otherwise compare 10⁸ keys.
        let mut entries: Vec<Option<Entry>> = base_entries.into_iter().map(Some).collect();
        // Per key, its entries still there, first first: the first is the one a later entry
        // merges onto; the next ones are the earlier file's duplicates, found in turn as `!reset`
        // drops the first (a scan per `!reset` made 80 000 of them quadratic). A key that is no
        // scalar counts as `""` for the first only, as it did when the next was found by a scan
        // for an equal scalar.
        let mut index: HashMap<String, std::collections::VecDeque<usize>> =
            HashMap::with_capacity(entries.len());
        for (i, e) in entries.iter().enumerate() {
            if let Some(e) = e {
                let text = self.scalar_text(e.key);
                let key = text.unwrap_or("").to_owned();
                let at = index.entry(key).or_default();
                if at.is_empty() || text.is_some() {
                    at.push_back(i);
                }
            }
        }
        for oe in over_entries {
            let key = self.scalar_text(oe.key).unwrap_or("").to_owned();
            let existing = index.get(&key).and_then(|at| at.front().copied());
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
                            // Inherited through `<<` or not, as the earlier entry was.
                            let mut entry = oe;
                            entry.value = v;
                            entries[i] = Some(entry);
                        }
                        None => {
                            entries[i] = None;
                            // A later entry with the same key (a duplicate) is found next time.
                            if let Some(at) = index.get_mut(&key) {
                                at.pop_front();
                                if at.is_empty() {
                                    index.remove(&key);
                                }
                            }
                        }
                    }
                }
                None => {
                    if !self.is_reset(oe.value) {
                        index.entry(key).or_default().push_back(entries.len());
                        entries.push(Some(oe));
                    }
                }
            }
        }
        let entries = self.tree.add_entries(entries.into_iter().flatten());
        self.with_kind(base, NodeKind::Mapping(entries))
    }

    /// `- K=V` items and `K: V` entries as `(name, entry)`; list items become synthetic entries.
    fn named_entries(&mut self, id: NodeId) -> Vec<(String, Entry)> {
        match self.node(id).kind {
            NodeKind::Mapping(es) => self
                .tree
                .entries(es)
                .iter()
                .map(|&e| (self.scalar_text(e.key).unwrap_or("").to_owned(), e))
                .collect(),
            NodeKind::Sequence(items) => {
                let mut out = Vec::new();
                for item in self.tree.items(items).to_vec() {
                    let Some(text) = self.scalar_text(item).map(str::to_owned) else {
                        continue;
                    };
                    let span = self.node(item).span;
                    let (name, value) = match text.split_once('=') {
                        Some((k, v)) => (k.to_owned(), Some(v.to_owned())),
                        None => (text.clone(), None),
                    };
                    let key = self.synthetic_scalar(item, span, Some(name.clone()));
                    if name.contains('$') {
                        self.tree.list_item_keys.insert(key);
                    }
                    let value = self.synthetic_scalar(item, span, value);
                    out.push((name, Entry::new(key, value)));
                }
                out
            }
            NodeKind::Scalar(_) => Vec::new(),
        }
    }

    /// `as_strings`: compose-go merges the path with `mergeToSequence` (see
    /// [`merged_as_strings`]): a later list or mapping value is printed as a string.
    fn by_name(&mut self, base: NodeId, over: NodeId, as_strings: bool) -> NodeId {
        let both_lists = matches!(self.node(base).kind, NodeKind::Sequence(_))
            && matches!(self.node(over).kind, NodeKind::Sequence(_));
        if both_lists {
            // Keep the list form: later items replace earlier ones with the same name, in place.
            let (NodeKind::Sequence(b), NodeKind::Sequence(o)) =
                (self.node(base).kind, self.node(over).kind)
            else {
                return over;
            };
            let name = |m: &Self, id| {
                m.scalar_text(id)
                    .map(|t| t.split('=').next().unwrap_or("").to_owned())
            };
            let mut items = self.tree.items(b).to_vec();
            // The first item of each name (`None`: not a scalar), named once: a scan per later
            // item, naming each earlier one, made 20 000 of them take 44 s.
            let mut first: HashMap<Option<String>, usize> = HashMap::with_capacity(items.len());
            for (pos, &i) in items.iter().enumerate() {
                first.entry(name(self, i)).or_insert(pos);
            }
            for &item in self.tree.items(o) {
                match first.entry(name(self, item)) {
                    std::collections::hash_map::Entry::Occupied(at) => items[*at.get()] = item,
                    std::collections::hash_map::Entry::Vacant(at) => {
                        at.insert(items.len());
                        items.push(item);
                    }
                }
            }
            let items = self.tree.add_items(items);
            return self.with_kind(base, NodeKind::Sequence(items));
        }
        // Compose drops `KEY: !reset` from the later file, then deletes KEY from the earlier
        // value only when that is a mapping (compose-go `ResetProcessor`: "support removal from
        // sequence" is a TODO there).
        let base_is_map = matches!(self.node(base).kind, NodeKind::Mapping(_));
        // Entries dropped by `!reset` are left as `None` (kept out of the result), and each
        // name's entries are indexed, first first: a scan per later entry (40 000: 7.6 s) and a
        // `retain` per `!reset` (80 000: 15 s) made merging two long lists quadratic.
        let mut entries: Vec<Option<(String, Entry)>> =
            self.named_entries(base).into_iter().map(Some).collect();
        let mut by_name: HashMap<String, Vec<usize>> = HashMap::with_capacity(entries.len());
        for (pos, e) in entries.iter().enumerate() {
            if let Some((n, _)) = e {
                by_name.entry(n.clone()).or_default().push(pos);
            }
        }
        for (name, e) in self.named_entries(over) {
            if self.is_reset(e.value) {
                if base_is_map {
                    for pos in by_name.remove(&name).unwrap_or_default() {
                        entries[pos] = None;
                    }
                }
                continue;
            }
            if as_strings {
                match self.node(e.value).kind {
                    // An empty list gives no `KEY=…` item: the earlier value stays.
                    NodeKind::Sequence(items) if items.is_empty() => continue,
                    // Printed once interpolated (compose-go interpolates each file first).
                    NodeKind::Sequence(_) | NodeKind::Mapping(_) => {
                        self.tree.merged_as_strings.insert(e.value);
                    }
                    NodeKind::Scalar(_) => {}
                }
            }
            match by_name.get(&name).and_then(|at| at.first()) {
                Some(&pos) => entries[pos] = Some((name, e)),
                None => {
                    by_name.insert(name.clone(), vec![entries.len()]);
                    entries.push(Some((name, e)));
                }
            }
        }
        let kind = NodeKind::Mapping(
            self.tree
                .add_entries(entries.into_iter().flatten().map(|(_, e)| e)),
        );
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
        match self.node(id).kind {
            NodeKind::Sequence(items) => self.tree.items(items).to_vec(),
            NodeKind::Mapping(entries) => {
                let mut out = Vec::new();
                for e in self.tree.entries(entries).to_vec() {
                    let key = self.scalar_text(e.key).unwrap_or("").to_owned();
                    let span = self.node(e.key).span.cover(self.node(e.value).span);
                    let values: Vec<String> = match self.node(e.value).kind {
                        NodeKind::Sequence(vs) => self
                            .tree
                            .items(vs)
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

    fn append(&mut self, base: NodeId, over: NodeId, repeats: Repeats) -> NodeId {
        let mut items = self.list_items(base);
        // The items a later one is compared with, by [`Self::shape_hash`]: items that are the
        // same hash the same, so only those are compared (a scan per later item made 20 000
        // `dns` entries take 9 s).
        let mut against: HashMap<u64, Vec<NodeId>> = HashMap::new();
        if !matches!(repeats, Repeats::Keep) {
            for &i in &items {
                against.entry(self.shape_hash(i)).or_default().push(i);
            }
        }
        for item in self.list_items(over) {
            if matches!(repeats, Repeats::Keep) {
                items.push(item);
                continue;
            }
            let hash = self.shape_hash(item);
            let same = against
                .get(&hash)
                .is_some_and(|is| is.iter().any(|&i| self.same(i, item)));
            if same {
                continue;
            }
            if matches!(repeats, Repeats::Drop) {
                against.entry(hash).or_default().push(item);
            }
            items.push(item);
        }
        let at = if matches!(self.node(base).kind, NodeKind::Sequence(_)) {
            base
        } else {
            over
        };
        let items = self.tree.add_items(items);
        self.with_kind(at, NodeKind::Sequence(items))
    }

    /// A hash of node `id` equal for nodes [`Self::same`] finds the same: scalars by value,
    /// sequences by their items in order, mappings by their length only (`same` compares their
    /// entries in any order, and not both ways).
    fn shape_hash(&self, id: NodeId) -> u64 {
        use std::hash::{Hash, Hasher};
        let tree = &*self.tree;
        let mut h = std::collections::hash_map::DefaultHasher::new();
        match tree.node(id).kind {
            NodeKind::Scalar(x) => (0u8, tree.text(x)).hash(&mut h),
            NodeKind::Sequence(x) => {
                let items = tree.items(x);
                (1u8, items.len()).hash(&mut h);
                for &i in items {
                    self.shape_hash(i).hash(&mut h);
                }
            }
            NodeKind::Mapping(x) => (2u8, tree.entries(x).len()).hash(&mut h),
        }
        h.finish()
    }

    /// Structural equality of two nodes (scalars by value, mappings in any order).
    fn same(&self, a: NodeId, b: NodeId) -> bool {
        let tree = &*self.tree;
        match (tree.node(a).kind, tree.node(b).kind) {
            (NodeKind::Scalar(x), NodeKind::Scalar(y)) => tree.text(x) == tree.text(y),
            (NodeKind::Sequence(x), NodeKind::Sequence(y)) => {
                let (x, y) = (tree.items(x), tree.items(y));
                x.len() == y.len() && x.iter().zip(y).all(|(&p, &q)| self.same(p, q))
            }
            (NodeKind::Mapping(x), NodeKind::Mapping(y)) => {
                let (x, y) = (tree.entries(x), tree.entries(y));
                x.len() == y.len()
                    && x.iter().all(|e| {
                        y.iter()
                            .any(|f| self.same(e.key, f.key) && self.same(e.value, f.value))
                    })
            }
            _ => false,
        }
    }

    fn volumes(&mut self, base: NodeId, over: NodeId) -> NodeId {
        let (NodeKind::Sequence(b), NodeKind::Sequence(o)) =
            (self.node(base).kind, self.node(over).kind)
        else {
            return over;
        };
        let (b, o) = (self.tree.items(b).to_vec(), self.tree.items(o).to_vec());
        // compose-go made the earlier files' list unique by target already (the last entry of a
        // target in the first one's place): `[./d:/data, v:/data]` is `[v:/data]`. It has the
        // earlier files' short items in their canonical form by then (target cleaned); the
        // later file's as written.
        // That first pass was by the targets as written (`/data/` and `/data/` are one item,
        // `/data/` and `/data` two), before the canonical form cleaned them.
        let b = if self.canonical {
            let b = unique_by_target(self.tree, b);
            for &i in &b {
                if matches!(self.node(i).kind, NodeKind::Scalar(_)) {
                    self.tree.canonical_volumes.insert(i);
                }
            }
            b
        } else {
            b
        };
        let items = unique_by_target(self.tree, b.into_iter().chain(o).collect());
        let items = self.tree.add_items(items);
        self.with_kind(base, NodeKind::Sequence(items))
    }

    /// `{condition: service_started, required: true}`, spanning `like`.
    fn depends_defaults(&mut self, like: NodeId) -> NodeId {
        let span = self.node(like).span;
        let mut entries = Vec::new();
        for (k, v) in [("condition", "service_started"), ("required", "true")] {
            let key = self.synthetic_scalar(like, span, Some(k.to_owned()));
            let value = self.synthetic_scalar(like, span, Some(v.to_owned()));
            if k == "required" {
                // A plain `true`, so it reads as a boolean.
                self.tree.nodes[value.0 as usize].style = ScalarStyle::Plain;
            }
            entries.push(Entry::new(key, value));
        }
        let mut node = self.node(like).clone();
        node.kind = NodeKind::Mapping(self.tree.add_entries(entries));
        self.push(node)
    }

    /// `build: DIR` → `{context: DIR}` (compose-go's mergeBuild).
    fn build_mapping(&mut self, id: NodeId) -> NodeId {
        if !matches!(self.node(id).kind, NodeKind::Scalar(_)) {
            return id;
        }
        let span = self.node(id).span;
        let key = self.synthetic_scalar(id, span, Some("context".to_owned()));
        let entry = Entry::new(key, id);
        let mut node = self.node(id).clone();
        node.kind = NodeKind::Mapping(self.tree.add_entries([entry]));
        self.push(node)
    }

    /// A `build.ssh` list as compose-go's transformSSH reads it: `id=path` is `id: path`,
    /// `default` alone `default: null`.
    fn ssh_map(&mut self, id: NodeId) -> NodeId {
        if !matches!(self.node(id).kind, NodeKind::Sequence(_)) {
            return id;
        }
        let entries: Vec<Entry> = self.named_entries(id).into_iter().map(|(_, e)| e).collect();
        let entries = self.tree.add_entries(entries);
        self.with_kind(id, NodeKind::Mapping(entries))
    }

    /// A `depends_on` list as a mapping of `{condition: service_started, required: true}`.
    fn depends_map(&mut self, id: NodeId) -> NodeId {
        let NodeKind::Sequence(items) = self.node(id).kind else {
            return id;
        };
        let entries: Vec<Entry> = self
            .tree
            .items(items)
            .to_vec()
            .into_iter()
            .map(|item| Entry::new(item, self.depends_defaults(item)))
            .collect();
        let entries = self.tree.add_entries(entries);
        self.with_kind(id, NodeKind::Mapping(entries))
    }

    /// `depends_on: [a, b]` → `{a: null, b: null}` (Compose fills in the defaults when rendering).
    fn named_map(&mut self, id: NodeId) -> NodeId {
        let NodeKind::Sequence(items) = self.node(id).kind else {
            return id;
        };
        let mut entries = Vec::new();
        for item in self.tree.items(items).to_vec() {
            let span = self.node(item).span;
            let value = self.synthetic_scalar(item, Span::new(span.end, span.end), None);
            entries.push(Entry::new(item, value));
        }
        let entries = self.tree.add_entries(entries);
        self.with_kind(id, NodeKind::Mapping(entries))
    }
}

/// Why a service's `extends` could not be resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ExtendsProblem {
    /// The base service does not exist (in `file`, when given).
    UnknownService {
        /// The service named.
        service: String,
        /// The file it was looked up in, when not the service's own.
        file: Option<String>,
    },
    /// The file was not added to the sources (missing on disk, or not read yet).
    MissingFile {
        /// The path, relative to the project directory.
        path: String,
    },
    /// The chain of `extends` comes back to a service already on it.
    Cycle {
        /// The services of the chain, `a -> b -> a`.
        chain: Vec<String>,
    },
}

/// A problem of one `extends`, located at its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ExtendsIssue {
    pub(crate) problem: ExtendsProblem,
    /// The `extends` value (or its `file`/`service` field).
    pub(crate) at: NodeId,
}

/// What resolving `extends` did.
#[derive(Debug, Clone, Default)]
pub(crate) struct Extended {
    pub(crate) issues: Vec<ExtendsIssue>,
    /// Values a service gives that the service it extends has as another kind.
    pub(crate) conflicts: Vec<Conflict>,
    /// Every file `extends` asked for: its path relative to the project directory (as the
    /// caller must name it in the sources) and where it is written.
    pub(crate) files: Vec<(String, NodeId, String)>,
    /// The service whose `extends` was not resolved because the tree passed
    /// [`MAX_EXTENDED_SIZE`], if one was not.
    pub(crate) stopped_at: Option<NodeId>,
}

/// How large the tree may grow while `extends` copies what services take from others: each
/// service of a chain copies the whole of the one before, so a chain of thousands of services
/// grows quadratically (a 160 KB file printed 115 MB and took 1.6 GB).
pub(crate) const MAX_EXTENDED_SIZE: usize = 1_000_000;

/// `dir` joined with `path` and cleaned lexically (Go's `filepath.Join` on relative paths);
/// an absolute `path` is kept.
pub(crate) fn join_path(dir: &str, path: &str) -> String {
    if path.starts_with('/') {
        return path.to_owned();
    }
    let mut parts: Vec<&str> = Vec::new();
    for part in dir.split('/').chain(path.split('/')) {
        match part {
            "" | "." => {}
            ".." if parts.last().is_some_and(|p| *p != "..") => {
                parts.pop();
            }
            _ => parts.push(part),
        }
    }
    if parts.is_empty() {
        ".".to_owned()
    } else {
        parts.join("/")
    }
}

fn parent_dir(path: &str) -> String {
    match path.rsplit_once('/') {
        Some((d, _)) => d.to_owned(),
        None => String::new(),
    }
}

/// A relative host path of a file in `dir`, rewritten relative to the project directory and
/// still relative (`./x` stays recognisably a path, not a volume name). A path starting with
/// `~` is the home folder's when `home` (the process has a `HOME`: compose-go's `ExpandUser`),
/// else relative like any other (Compose warns `cannot expand '~'` and joins it to `dir`).
fn rebase(dir: &str, path: &str, home: bool) -> Option<String> {
    if dir.is_empty()
        || path.starts_with('/')
        || (home && path.starts_with('~'))
        || path.contains("://")
    {
        return None;
    }
    let joined = join_path(dir, path);
    Some(if joined.starts_with('.') || joined.starts_with('/') {
        joined
    } else {
        format!("./{joined}")
    })
}

/// compose-go's `EnforceUnicity` on a `volumes` list: an item whose [`unique_target`] an
/// earlier item has takes that item's place.
fn unique_by_target(tree: &Tree, list: Vec<NodeId>) -> Vec<NodeId> {
    let mut items: Vec<(NodeId, Option<String>)> = Vec::with_capacity(list.len());
    let mut at: HashMap<String, usize> = HashMap::new();
    for item in list {
        let target = unique_target(tree, item);
        match target.as_ref().and_then(|t| at.get(t)) {
            Some(&p) => items[p].0 = item,
            None => {
                if let Some(t) = &target {
                    at.insert(t.clone(), items.len());
                }
                items.push((item, target));
            }
        }
    }
    items.into_iter().map(|(item, _)| item).collect()
}

/// The target compose-go makes a `volumes` list unique by: a long item's as written, a short
/// item's as written too unless compose-go has it in canonical form by then
/// ([`Tree::canonical_volumes`]: cleaned).
pub(crate) fn unique_target(tree: &Tree, id: NodeId) -> Option<String> {
    match tree.node(id).kind {
        NodeKind::Scalar(s) => {
            let sp = crate::model::Spanned::new(tree.text(s), crate::span::Location::default());
            let target = volume::parse_short(&sp).ok().and_then(|v| v.target)?;
            Some(short_target_key(tree, id, target))
        }
        NodeKind::Mapping(_) => tree
            .get(id, "target")
            .and_then(|e| crate::yaml::scalar_text(tree, e.value))
            .map(str::to_owned),
        NodeKind::Sequence(_) => None,
    }
}

/// The target a short `volumes` item `id` is made unique by: cleaned when compose-go has the
/// item in canonical form by then ([`Tree::canonical_volumes`]), else as written.
pub(crate) fn short_target_key(tree: &Tree, id: NodeId, target: String) -> String {
    if tree.canonical_volumes.contains(&id) {
        crate::render::clean(&target)
    } else {
        target
    }
}

/// [`rebase`] for a build context: compose-go keeps `service:NAME`, URLs and Git references.
fn rebase_context(dir: &str, path: &str, home: bool) -> Option<String> {
    if crate::render::service::is_remote_context(path) {
        None
    } else {
        rebase(dir, path, home)
    }
}

/// Where a path is in a scalar [`rebase_services`] rewrites.
#[derive(Clone, Copy)]
enum PathIn {
    /// The whole scalar.
    Whole,
    /// A short `volumes` item: the source before the first `:`, when it starts with `.`.
    ShortVolume,
    /// A build context (compose-go's absContextPath: `service:`, URLs and Git references
    /// are not paths).
    Context,
    /// A `name=context` list item: after the first `=`.
    NamedContext,
}

/// Rewrite the relative paths of the services of a file loaded from directory `dir` (Compose
/// resolves them against that file's folder): `build` (context and additional contexts),
/// `env_file`, `label_file`, bind `volumes`, `develop.watch` paths. An included project's build context
/// defaults to its own folder (`default_context`); a service `extends` reads from another file
/// keeps no context it did not write (the project's folder is the default).
fn rebase_services(
    tree: &mut Tree,
    services: NodeId,
    dir: &str,
    default_context: bool,
    home: bool,
) {
    if dir.is_empty() {
        return;
    }
    let mut seen = std::collections::HashSet::new();
    let mut rewrite = |tree: &mut Tree, id: NodeId, form: PathIn| {
        if !seen.insert(id) {
            return;
        }
        let Some(value) = crate::yaml::scalar_text(tree, id) else {
            return;
        };
        let new = match form {
            PathIn::ShortVolume => {
                let (src, rest) = match value.split_once(':') {
                    Some((a, b)) => (a.to_owned(), Some(b.to_owned())),
                    None => (value.to_owned(), None),
                };
                // compose-go reads a short item as a bind when its source starts with `.`,
                // `/` or `~` (else it names a volume).
                if !(src.starts_with('.') || (!home && src.starts_with('~'))) || rest.is_none() {
                    return;
                }
                match (rebase(dir, &src, home), rest) {
                    (Some(new), Some(rest)) => Some(format!("{new}:{rest}")),
                    _ => None,
                }
            }
            PathIn::NamedContext => value.split_once('=').and_then(|(name, path)| {
                rebase_context(dir, path, home).map(|new| format!("{name}={new}"))
            }),
            PathIn::Context => rebase_context(dir, value, home),
            PathIn::Whole => rebase(dir, value, home),
        };
        if let Some(new) = new {
            tree.set_text(id, &new);
        }
    };
    let svcs: Vec<NodeId> = match tree.mapping(services) {
        Some(es) => es.iter().map(|e| e.value).collect(),
        None => Vec::new(),
    };
    for svc in svcs {
        if let Some(b) = tree.get(svc, "build").map(|e| e.value) {
            match tree.node(b).kind {
                NodeKind::Scalar(_) => rewrite(tree, b, PathIn::Context),
                NodeKind::Mapping(_) => {
                    if let Some(c) = tree.get(b, "context").map(|e| e.value) {
                        rewrite(tree, c, PathIn::Context);
                    } else if default_context && let Some(ctx) = rebase(dir, ".", home) {
                        add_entry(tree, b, "context", ctx);
                    }
                    if let Some(a) = tree.get(b, "additional_contexts").map(|e| e.value) {
                        let (values, form): (Vec<NodeId>, _) = match tree.node(a).kind {
                            NodeKind::Mapping(es) => (
                                tree.entries(es).iter().map(|e| e.value).collect(),
                                PathIn::Context,
                            ),
                            NodeKind::Sequence(items) => {
                                (tree.items(items).to_vec(), PathIn::NamedContext)
                            }
                            NodeKind::Scalar(_) => (Vec::new(), PathIn::Context),
                        };
                        for v in values {
                            rewrite(tree, v, form);
                        }
                    }
                }
                NodeKind::Sequence(_) => {}
            }
        }
        if let Some(l) = tree.get(svc, "label_file").map(|e| e.value) {
            let items = match tree.sequence(l) {
                Some(items) => items.to_vec(),
                None => vec![l],
            };
            for i in items {
                rewrite(tree, i, PathIn::Whole);
            }
        }
        if let Some(d) = tree.get(svc, "develop").map(|e| e.value)
            && let Some(w) = tree.get(d, "watch").map(|e| e.value)
        {
            let paths: Vec<NodeId> = match tree.sequence(w) {
                Some(items) => items
                    .iter()
                    .filter_map(|&i| tree.get(i, "path").map(|e| e.value))
                    .collect(),
                None => Vec::new(),
            };
            for p in paths {
                rewrite(tree, p, PathIn::Whole);
            }
        }
        if let Some(e) = tree.get(svc, "env_file").map(|e| e.value) {
            let items = match tree.sequence(e) {
                Some(items) => items.to_vec(),
                None => vec![e],
            };
            for i in items {
                match tree.node(i).kind {
                    NodeKind::Scalar(_) => rewrite(tree, i, PathIn::Whole),
                    NodeKind::Mapping(_) => {
                        if let Some(p) = tree.get(i, "path").map(|e| e.value) {
                            rewrite(tree, p, PathIn::Whole);
                        }
                    }
                    NodeKind::Sequence(_) => {}
                }
            }
        }
        if let Some(v) = tree.get(svc, "volumes").map(|e| e.value) {
            let items = match tree.sequence(v) {
                Some(items) => items.to_vec(),
                None => Vec::new(),
            };
            for i in items {
                match tree.node(i).kind {
                    NodeKind::Scalar(_) => rewrite(tree, i, PathIn::ShortVolume),
                    NodeKind::Mapping(_) => {
                        let bind = tree
                            .get(i, "type")
                            .and_then(|e| crate::yaml::scalar_text(tree, e.value))
                            == Some("bind");
                        if let Some(s) = tree.get(i, "source").map(|e| e.value)
                            && bind
                        {
                            rewrite(tree, s, PathIn::Whole);
                        }
                    }
                    NodeKind::Sequence(_) => {}
                }
            }
        }
    }
}

/// compose-go reads a file `extends` names without validating it, in its canonical form: a
/// `depends_on` list is a mapping, an entry without `condition` has `condition:
/// service_started`, short `volumes` items are at their cleaned target
/// ([`Tree::canonical_volumes`]) and `volumes` lists are unique by target.
fn canonical_form(tree: &mut Tree, services: NodeId) {
    let svcs: Vec<NodeId> = match tree.mapping(services) {
        Some(es) => es.iter().map(|e| e.value).collect(),
        None => Vec::new(),
    };
    for svc in svcs {
        // compose-go made the list unique by target when it loaded the file: by the targets
        // as written, then once short items are converted (their target cleaned).
        if let Some(v) = tree.get(svc, "volumes").map(|e| e.value)
            && let Some(items) = tree.sequence(v)
        {
            let once = unique_by_target(tree, items.to_vec());
            let short: Vec<NodeId> = once
                .iter()
                .copied()
                .filter(|&i| matches!(tree.node(i).kind, NodeKind::Scalar(_)))
                .collect();
            tree.canonical_volumes.extend(short);
            let twice = unique_by_target(tree, once);
            let list = tree.add_items(twice);
            if let Some(node) = tree.nodes.get_mut(v.0 as usize) {
                node.kind = NodeKind::Sequence(list);
            }
        }
        let Some(d) = tree.get(svc, "depends_on").map(|e| e.value) else {
            continue;
        };
        // The list form is a mapping of `{condition: service_started, required: true}`.
        if let NodeKind::Sequence(_) = tree.node(d).kind {
            let map = Merger {
                tree,
                overrides: &mut Vec::new(),
                conflicts: &mut Vec::new(),
                canonical: true,
                by_extends: false,
            }
            .depends_map(d);
            set_entry(tree, svc, "depends_on", map);
            continue;
        }
        let entries: Vec<NodeId> = match tree.mapping(d) {
            Some(es) => es.iter().map(|e| e.value).collect(),
            None => Vec::new(),
        };
        for e in entries {
            if matches!(tree.node(e).kind, NodeKind::Mapping(_))
                && tree.get(e, "condition").is_none()
            {
                add_entry(tree, e, "condition", "service_started".to_owned());
            }
        }
    }
}

/// Add `key: value` (synthetic scalars at `map`'s place) to mapping `map`.
fn add_entry(tree: &mut Tree, map: NodeId, key: &str, value: String) {
    let value = NodeKind::Scalar(tree.add_text(&value));
    append_entry(tree, map, map, key, value, ScalarStyle::DoubleQuoted);
}

/// Append `key: value` to mapping `map`: a plain key and a value of kind `value` (written
/// `style`), both synthetic nodes made at `like`'s place.
fn append_entry(
    tree: &mut Tree,
    map: NodeId,
    like: NodeId,
    key: &str,
    value: NodeKind,
    style: ScalarStyle,
) {
    let mut k = tree.node(like).clone();
    k.kind = NodeKind::Scalar(tree.add_text(key));
    k.style = ScalarStyle::Plain;
    k.interpolated = false;
    let mut v = k.clone();
    v.kind = value;
    v.style = style;
    let kid = tree.push(k);
    let vid = tree.push(v);
    if let Some(NodeKind::Mapping(es)) = tree.nodes.get(map.0 as usize).map(|n| n.kind) {
        let entry = Entry::new(kid, vid);
        let es: Vec<Entry> = tree.entries(es).iter().copied().chain([entry]).collect();
        let es = tree.add_entries(es);
        tree.nodes[map.0 as usize].kind = NodeKind::Mapping(es);
    }
}

/// The `services` mapping of a tree's first document.
fn services_of(tree: &Tree) -> Option<NodeId> {
    let root = tree.root()?;
    let s = tree.get(root, "services")?.value;
    matches!(tree.node(s).kind, NodeKind::Mapping(_)).then_some(s)
}

/// Append the nodes of `other` to `tree` (and its canonical volumes); the id of `other`'s
/// root. Nothing is appended when `other` has no document.
fn append_tree(tree: &mut Tree, other: &Tree) -> Option<NodeId> {
    let root = other.root()?;
    let offset = tree.append(other);
    let shifted = |ids: &std::collections::HashSet<NodeId>| -> Vec<NodeId> {
        ids.iter().map(|id| NodeId(id.0 + offset)).collect()
    };
    tree.canonical_volumes
        .extend(shifted(&other.canonical_volumes));
    tree.canonical_ports.extend(shifted(&other.canonical_ports));
    tree.merged_as_strings
        .extend(shifted(&other.merged_as_strings));
    Some(NodeId(root.0 + offset))
}

struct ExtFile {
    /// Relative to the project directory; empty for the project's own (merged) file.
    path: String,
    dir: String,
    services: Option<NodeId>,
}

struct Extender<'a> {
    tree: &'a mut Tree,
    /// Whether the process has a `HOME` (see [`rebase`]).
    home: bool,
    overrides: &'a mut Vec<Override>,
    load: &'a mut dyn FnMut(&str) -> Option<Tree>,
    files: Vec<ExtFile>,
    /// Each of [`Self::files`] by its path: a scan per `extends.file` made 40 000 services
    /// extending services of other files quadratic.
    file_index: std::collections::HashMap<String, usize>,
    /// The paths [`Extended::files`] holds, to add each once without a scan per `extends.file`.
    asked: std::collections::HashSet<String>,
    done: std::collections::HashMap<(usize, String), NodeId>,
    /// The services being resolved, each extending the next (see [`Self::service`]).
    stack: Vec<Frame>,
    /// The position in [`Self::stack`] of each service there: a cycle is found without a scan
    /// of the stack per `extends`, which made a long chain quadratic.
    on_stack: std::collections::HashMap<(usize, String), usize>,
    out: Extended,
    /// Per file, its services by name (the first of a name, as [`Tree::get`] finds it), made on
    /// first use: a lookup by scan made a chain of `extends` quadratic (40 000 services, 3.4 s).
    by_name: std::collections::HashMap<usize, std::collections::HashMap<String, NodeId>>,
}

/// A service being resolved by [`Extender::service`].
struct Frame {
    /// Its file, in [`Extender::files`].
    file: usize,
    /// The service's name in that file.
    name: String,
    /// The service as written.
    service: NodeId,
    /// The service it extends, once that is being resolved (the frame above it).
    base: Option<Base>,
}

/// The service a service extends, as [`Extender::base_of`] found it.
struct Base {
    /// Its file, in [`Extender::files`].
    target: usize,
    /// Its name in that file.
    name: String,
    /// Where it is named (the `extends` value or its `service` field).
    at: NodeId,
    /// The `extends.file` path as written, when given.
    file: Option<String>,
}

impl Extender<'_> {
    fn file(&mut self, path: &str) -> Option<usize> {
        if let Some(&i) = self.file_index.get(path) {
            return self.files[i].services.map(|_| i);
        }
        let services = (self.load)(path).and_then(|t| {
            let root = append_tree(self.tree, &t)?;
            let s = self.tree.get(root, "services")?.value;
            matches!(self.tree.node(s).kind, NodeKind::Mapping(_)).then_some(s)
        });
        let dir = parent_dir(path);
        if let Some(s) = services {
            rebase_services(self.tree, s, &dir, false, self.home);
            canonical_form(self.tree, s);
        }
        self.file_index.insert(path.to_owned(), self.files.len());
        self.files.push(ExtFile {
            path: path.to_owned(),
            dir,
            services,
        });
        services.map(|_| self.files.len() - 1)
    }

    /// A copy of mapping `id` without its `extends` entry.
    fn without_extends(&mut self, id: NodeId) -> NodeId {
        let Some(es) = self.tree.mapping(id) else {
            return id;
        };
        let es: Vec<Entry> = es
            .iter()
            .filter(|e| crate::yaml::scalar_text(self.tree, e.key) != Some("extends"))
            .copied()
            .collect();
        let mut node = self.tree.node(id).clone();
        node.kind = NodeKind::Mapping(self.tree.add_entries(es));
        let props = self.tree.props_id(id);
        self.tree.push_with_props(node, props)
    }

    /// The service `name` of file `f` with its `extends` resolved; `None` when it does not exist.
    ///
    /// Resolved with a stack of its own rather than by recursion: a chain of 20 000 services
    /// each extending the next overflowed the main thread's stack (the process aborted). Each
    /// frame is a service whose base is being resolved; the steps (files asked for, issues,
    /// merges) happen in the order the recursion took them, so the results are the same.
    fn service(&mut self, f: usize, name: &str) -> Option<NodeId> {
        let svc = match self.lookup(f, name)? {
            Ok(done) => return Some(done),
            Err(svc) => svc,
        };
        self.push(f, name, svc);
        // The resolved service of the frame just finished, for the frame below it.
        let mut returned = None;
        loop {
            let top = self.stack.len().checked_sub(1)?;
            let (f, name, svc) = {
                let frame = &self.stack[top];
                (frame.file, frame.name.clone(), frame.service)
            };
            let resolved = match (self.stack[top].base.take(), returned.take()) {
                (Some(base), Some(resolved_base)) => {
                    self.merge_onto(&name, svc, &base, resolved_base)
                }
                _ => match self.base_of(f, &name, svc) {
                    Err(done) => done,
                    Ok(base) => match self.lookup(base.target, &base.name) {
                        None => {
                            self.out.issues.push(ExtendsIssue {
                                problem: ExtendsProblem::UnknownService {
                                    service: base.name,
                                    file: base.file,
                                },
                                at: base.at,
                            });
                            svc
                        }
                        Some(Ok(done)) => self.merge_onto(&name, svc, &base, done),
                        Some(Err(base_svc)) => {
                            let (target, base_name) = (base.target, base.name.clone());
                            self.stack[top].base = Some(base);
                            self.push(target, &base_name, base_svc);
                            continue;
                        }
                    },
                },
            };
            self.pop();
            self.done.insert((f, name), resolved);
            if self.stack.is_empty() {
                return Some(resolved);
            }
            returned = Some(resolved);
        }
    }

    /// Service `name` of file `f`: `Ok` with its resolved form when resolved already, `Err`
    /// with the service as written when not; `None` when it does not exist.
    fn lookup(&mut self, f: usize, name: &str) -> Option<Result<NodeId, NodeId>> {
        if let Some(&id) = self.done.get(&(f, name.to_owned())) {
            return Some(Ok(id));
        }
        let services = self.files.get(f)?.services?;
        let tree = &*self.tree;
        let index = self.by_name.entry(f).or_insert_with(|| {
            let mut index = std::collections::HashMap::new();
            for e in tree.mapping(services).unwrap_or_default() {
                if let Some(key) = crate::yaml::scalar_text(tree, e.key) {
                    index.entry(key.to_owned()).or_insert(e.value);
                }
            }
            index
        });
        index.get(name).map(|&svc| Err(svc))
    }

    /// Start resolving service `name` of file `f` (written `svc`).
    fn push(&mut self, f: usize, name: &str, svc: NodeId) {
        self.on_stack.insert((f, name.to_owned()), self.stack.len());
        self.stack.push(Frame {
            file: f,
            name: name.to_owned(),
            service: svc,
            base: None,
        });
    }

    /// Done resolving the service on top of the stack.
    fn pop(&mut self) {
        if let Some(frame) = self.stack.pop() {
            self.on_stack.remove(&(frame.file, frame.name));
        }
    }

    /// The service that service `name` of file `f` (written `svc`) extends, its file loaded;
    /// `Err` with what `name` resolves to when it extends nothing that can be resolved (no
    /// `extends`, a wrong shape, a missing file, a cycle: each reported but the shape).
    fn base_of(&mut self, f: usize, name: &str, svc: NodeId) -> Result<Base, NodeId> {
        let Some(ext) = self.tree.get(svc, "extends").map(|e| e.value) else {
            return Err(svc);
        };
        let text = |t: &Tree, id| crate::yaml::scalar_text(t, id).map(str::to_owned);
        let (base_name, base_at, file) = match self.tree.node(ext).kind {
            NodeKind::Scalar(_) => (text(self.tree, ext), ext, None),
            NodeKind::Mapping(_) => {
                let s = self.tree.get(ext, "service").map(|e| e.value);
                let file = self
                    .tree
                    .get(ext, "file")
                    .map(|e| e.value)
                    .and_then(|v| Some((text(self.tree, v)?, v)));
                (s.and_then(|s| text(self.tree, s)), s.unwrap_or(ext), file)
            }
            NodeKind::Sequence(_) => (None, ext, None),
        };
        let Some(base_name) = base_name else {
            return Err(svc); // a wrong shape is FC020's
        };
        let target = match &file {
            None => Some(f),
            Some((path, at)) => {
                let dir = self.files.get(f).map(|x| x.dir.clone()).unwrap_or_default();
                let full = join_path(&dir, path);
                if self.asked.insert(full.clone()) {
                    self.out.files.push((full.clone(), *at, name.to_owned()));
                }
                let t = self.file(&full);
                if t.is_none() {
                    self.out.issues.push(ExtendsIssue {
                        problem: ExtendsProblem::MissingFile { path: full },
                        at: *at,
                    });
                }
                t
            }
        };
        let Some(target) = target else {
            return Err(svc);
        };
        let key = (target, base_name);
        if let Some(&pos) = self.on_stack.get(&key) {
            let mut chain: Vec<String> = self.stack[pos..].iter().map(|k| k.name.clone()).collect();
            chain.push(key.1);
            self.out.issues.push(ExtendsIssue {
                problem: ExtendsProblem::Cycle { chain },
                at: base_at,
            });
            return Err(svc);
        }
        Ok(Base {
            target,
            name: key.1,
            at: base_at,
            file: file.map(|(p, _)| p),
        })
    }

    /// Service `name` of file `f` (written `svc`) merged onto `resolved`, its `base` resolved.
    fn merge_onto(&mut self, name: &str, svc: NodeId, base: &Base, resolved: NodeId) -> NodeId {
        let resolved = self.without_extends(resolved);
        let mut m = Merger {
            tree: self.tree,
            overrides: self.overrides,
            conflicts: &mut self.out.conflicts,
            canonical: self
                .files
                .get(base.target)
                .is_some_and(|f| !f.path.is_empty()),
            by_extends: true,
        };
        m.merge(
            resolved,
            svc,
            &mut vec!["services".to_owned(), name.to_owned()],
        )
        .unwrap_or(svc)
    }
}

/// Resolve every service's `extends` (compose-go's `loader/extends.go`): the base service, from
/// the same file or from `extends.file` (obtained through `load`, named by its path relative to
/// the project directory, its relative paths rebased on its folder), resolved recursively, then
/// the extending service merged onto it with the multi-file rules. The resolved service keeps
/// its own `extends` entry (FC012 reports it; the renderer skips it).
pub(crate) fn resolve_extends(
    tree: &mut Tree,
    overrides: &mut Vec<Override>,
    load: &mut dyn FnMut(&str) -> Option<Tree>,
    resolved: &[String],
    home: bool,
) -> Extended {
    let mut out = Extended::default();
    if let Some(root) = tree.root()
        && let Some(services) = services_of(tree)
        && let Some(nid) = extend_services(
            tree,
            services,
            ("", home),
            overrides,
            load,
            &mut out,
            resolved,
        )
    {
        set_entry(tree, root, "services", nid);
    }
    out
}

/// Resolve `extends` in the `services` mapping of a file whose relative paths are relative to
/// `dir`; the new mapping, `None` when nothing extends.
fn extend_services(
    tree: &mut Tree,
    services: NodeId,
    (dir, home): (&str, bool),
    overrides: &mut Vec<Override>,
    load: &mut dyn FnMut(&str) -> Option<Tree>,
    out: &mut Extended,
    resolved: &[String],
) -> Option<NodeId> {
    let entries: Vec<Entry> = tree.mapping(services)?.to_vec();
    if !entries
        .iter()
        .any(|e| tree.get(e.value, "extends").is_some())
    {
        return None;
    }
    let mut x = Extender {
        tree,
        home,
        overrides,
        load,
        files: vec![ExtFile {
            path: String::new(),
            dir: dir.to_owned(),
            services: Some(services),
        }],
        file_index: std::iter::once((String::new(), 0)).collect(),
        asked: out.files.iter().map(|(p, _, _)| p.clone()).collect(),
        done: std::collections::HashMap::new(),
        stack: Vec::new(),
        on_stack: std::collections::HashMap::new(),
        out: std::mem::take(out),
        by_name: std::collections::HashMap::new(),
    };
    let resolved: std::collections::HashSet<&str> = resolved.iter().map(String::as_str).collect();
    for e in &entries {
        if let Some(name) = crate::yaml::scalar_text(x.tree, e.key)
            && resolved.contains(name)
        {
            x.done.insert((0, name.to_owned()), e.value);
        }
    }
    let mut new_entries = entries;
    let start = x.tree.size();
    for e in &mut new_entries {
        if x.tree.size() - start > MAX_EXTENDED_SIZE {
            x.out.stopped_at.get_or_insert(e.key);
            break;
        }
        let Some(name) = crate::yaml::scalar_text(x.tree, e.key).map(str::to_owned) else {
            continue;
        };
        if let Some(resolved) = x.service(0, &name) {
            e.value = resolved;
        }
    }
    *out = std::mem::take(&mut x.out);
    let mut node = tree.node(services).clone();
    node.kind = NodeKind::Mapping(tree.add_entries(new_entries));
    let props = tree.props_id(services);
    Some(tree.push_with_props(node, props))
}

/// What resolving top-level `include:` did.
#[derive(Debug, Clone, Default)]
pub(crate) struct Included {
    /// Files `include` asked for (relative to the project directory) and where each is written.
    pub(crate) files: Vec<(String, NodeId)>,
    /// Files that were not found (not added to the sources).
    pub(crate) missing: Vec<(String, NodeId)>,
    /// Included services, volumes, networks, secrets and configs whose name the project
    /// already uses for another definition: (top-level key, name, the project's key, the
    /// included file's). An equal definition is no conflict.
    pub(crate) conflicts: Vec<(&'static str, String, NodeId, NodeId)>,
    /// Include cycles: the files from the project's first file to the one included again, and
    /// where the last include is written.
    pub(crate) cycles: Vec<(Vec<String>, NodeId)>,
    /// Problems of `extends` inside included files.
    pub(crate) extends: Extended,
    /// The names of the services added (their `extends` is resolved already).
    pub(crate) services: Vec<String>,
    /// The env files of each include item.
    pub(crate) env_files: Vec<IncludeEnv>,
    /// Where the walk stopped at [`MAX_INCLUDED_FILES`], if it did.
    pub(crate) stopped_at: Option<NodeId>,
}

/// How many files `include` may load in all, counting a file each time a path of includes
/// reaches it: files that include each other (`a` and `b` each including `c` and `d` …) would
/// otherwise be expanded once per path, which grows exponentially with their depth (ten files
/// of a few lines took 23 GB).
pub(crate) const MAX_INCLUDED_FILES: usize = 256;

/// The most compose files a project merges (`-f` given that many times, or `COMPOSE_FILE`):
/// each is merged onto the project so far, which costs files × services; 16 000 one-service
/// files took 22 s and 3.4 GB. Past it, FC004 at the first file left, and no more is read.
pub(crate) const MAX_COMPOSE_FILES: usize = 256;

/// The env files of one include item: Compose interpolates the files it includes with the
/// project's variables, then those of these files.
#[derive(Debug, Clone, Default)]
pub(crate) struct IncludeEnv {
    /// The files the item includes (relative to the project directory).
    pub(crate) files: Vec<String>,
    /// Its `env_file`s (relative to the including project's directory) or, by default, the
    /// `.env` of its project directory, each with whether it must exist.
    pub(crate) env_files: Vec<(String, bool)>,
}

/// Resolve top-level `include:` (compose-go's `loader/include.go`): each item (a path, or
/// `{path: one or a list, project_directory}`) is loaded as its own project, its relative paths
/// resolved against its project directory (by default the first file's folder), its `extends`
/// resolved, and its services added to the project's. The `include` key itself stays (FC010).
pub(crate) fn resolve_include(
    tree: &mut Tree,
    main: &str,
    overrides: &mut Vec<Override>,
    load: &mut dyn FnMut(&str) -> Option<Tree>,
    home: bool,
) -> Included {
    let mut out = Included::default();
    if let Some(root) = tree.root() {
        let mut walk = IncludeWalk {
            overrides,
            load,
            out: &mut out,
            chain: vec![join_path("", main)],
            home,
            loaded: 0,
        };
        walk.include_into(tree, root, "");
    }
    out
}

/// The scalars that name other files or services, which Compose interpolates before it
/// resolves `include` and `extends` ([`crate::interpolate::references`]): each `include` item's
/// path or paths, `env_file` and `project_directory`, and each service's `extends` (a service
/// name, or `file` and `service`).
pub(crate) fn reference_scalars(tree: &Tree) -> Vec<NodeId> {
    let mut out = Vec::new();
    let Some(root) = tree.root() else { return out };
    let one_or_list = |id: NodeId, out: &mut Vec<NodeId>| match tree.node(id).kind {
        NodeKind::Scalar(_) => out.push(id),
        NodeKind::Sequence(items) => out.extend(
            tree.items(items)
                .iter()
                .filter(|&&i| matches!(tree.node(i).kind, NodeKind::Scalar(_))),
        ),
        NodeKind::Mapping(_) => {}
    };
    if let Some(items) = tree
        .get(root, "include")
        .and_then(|e| tree.sequence(e.value))
    {
        for &item in items {
            match tree.node(item).kind {
                NodeKind::Scalar(_) => out.push(item),
                NodeKind::Mapping(_) => {
                    for key in ["path", "env_file", "project_directory"] {
                        if let Some(e) = tree.get(item, key) {
                            one_or_list(e.value, &mut out);
                        }
                    }
                }
                NodeKind::Sequence(_) => {}
            }
        }
    }
    let services = tree
        .get(root, "services")
        .and_then(|e| tree.mapping(e.value))
        .unwrap_or_default();
    for service in services {
        let Some(extends) = tree.get(service.value, "extends") else {
            continue;
        };
        match tree.node(extends.value).kind {
            NodeKind::Scalar(_) => out.push(extends.value),
            NodeKind::Mapping(_) => {
                for key in ["file", "service"] {
                    if let Some(e) = tree.get(extends.value, key)
                        && matches!(tree.node(e.value).kind, NodeKind::Scalar(_))
                    {
                        out.push(e.value);
                    }
                }
            }
            NodeKind::Sequence(_) => {}
        }
    }
    out.sort_unstable_by_key(|id| {
        let n = tree.node(*id);
        (n.file, n.span.start)
    });
    out.dedup();
    out
}

/// An `include` item's files (each with the node that names it) and its `project_directory`: a
/// path, or `{path: one or a list, project_directory}`.
fn include_item(tree: &Tree, item: NodeId) -> (Vec<(String, NodeId)>, Option<String>) {
    let text = |id| crate::yaml::scalar_text(tree, id).map(str::to_owned);
    match tree.node(item).kind {
        NodeKind::Scalar(_) => (text(item).map(|p| (p, item)).into_iter().collect(), None),
        NodeKind::Mapping(_) => {
            let paths = match tree.get(item, "path").map(|e| e.value) {
                Some(p) => match tree.sequence(p) {
                    Some(ps) => ps.iter().filter_map(|&i| Some((text(i)?, i))).collect(),
                    None => text(p).map(|t| (t, p)).into_iter().collect(),
                },
                None => Vec::new(),
            };
            let pd = tree
                .get(item, "project_directory")
                .and_then(|e| text(e.value));
            (paths, pd)
        }
        NodeKind::Sequence(_) => (Vec::new(), None),
    }
}

/// The state of resolving `include:` recursively (an included project may include others).
struct IncludeWalk<'a, 'l> {
    overrides: &'a mut Vec<Override>,
    load: &'a mut (dyn FnMut(&str) -> Option<Tree> + 'l),
    out: &'a mut Included,
    /// The files being included, outermost (the project's first file) first.
    chain: Vec<String>,
    /// Whether the process has a `HOME` (see [`rebase`]).
    home: bool,
    /// How many files the walk loaded ([`MAX_INCLUDED_FILES`]).
    loaded: usize,
}

impl IncludeWalk<'_, '_> {
    /// Resolve the `include:` of the project whose root mapping is `root` and whose relative
    /// paths are relative to `base` (relative to the project directory; empty for it): add the
    /// included projects' services, volumes, networks, secrets and configs to `root`.
    fn include_into(&mut self, tree: &mut Tree, root: NodeId, base: &str) {
        let Some(inc) = tree.get(root, "include").map(|e| e.value) else {
            return;
        };
        let Some(items) = tree.sequence(inc).map(<[NodeId]>::to_vec) else {
            return;
        };
        let text = |t: &Tree, id| crate::yaml::scalar_text(t, id).map(str::to_owned);
        let mut imported: [(&'static str, Vec<Entry>); 5] = IMPORTED.map(|k| (k, Vec::new()));
        for item in items {
            let env_files: Vec<String> = tree
                .get(item, "env_file")
                .map(|e| match tree.sequence(e.value) {
                    Some(ps) => ps.iter().filter_map(|&i| text(tree, i)).collect(),
                    None => text(tree, e.value).into_iter().collect(),
                })
                .unwrap_or_default();
            let (paths, project_dir) = include_item(tree, item);
            let Some(first) = paths.first() else {
                continue;
            };
            let first_full = join_path(base, &first.0);
            let dir = match &project_dir {
                Some(pd) => join_path(base, pd),
                None => parent_dir(&first_full),
            };
            let dir = if dir == "." { String::new() } else { dir };
            let env_files = if env_files.is_empty() {
                vec![(join_path(&dir, ".env"), false)]
            } else {
                env_files
                    .iter()
                    .map(|f| (join_path(base, f), true))
                    .collect()
            };
            self.out.env_files.push(IncludeEnv {
                files: paths.iter().map(|(p, _)| join_path(base, p)).collect(),
                env_files,
            });
            // Several paths of one item are merged as `-f a -f b` in that project.
            let mut merged: Option<NodeId> = None;
            for (path, at) in &paths {
                let full = join_path(base, path);
                if self.chain.contains(&full) {
                    let mut cycle = self.chain.clone();
                    cycle.push(full);
                    self.out.cycles.push((cycle, *at));
                    continue;
                }
                if self.loaded >= MAX_INCLUDED_FILES {
                    // What was loaded so far is still merged.
                    self.out.stopped_at.get_or_insert(*at);
                    break;
                }
                self.loaded += 1;
                self.out.files.push((full.clone(), *at));
                let Some(t) = (self.load)(&full) else {
                    self.out.missing.push((full, *at));
                    continue;
                };
                let Some(r) = append_tree(tree, &t) else {
                    continue;
                };
                merged = Some(match merged {
                    None => r,
                    Some(base) => Merger {
                        tree,
                        overrides: self.overrides,
                        conflicts: &mut Vec::new(),
                        canonical: true,
                        by_extends: false,
                    }
                    .merge(base, r, &mut Vec::new())
                    .unwrap_or(r),
                });
            }
            let Some(sub_root) = merged else {
                continue;
            };
            // Its own relative paths first: what it includes in turn is rebased on its own
            // folder by the nested walk.
            if let Some(services) = mapping_of(tree, sub_root, "services") {
                rebase_services(tree, services, &dir, true, self.home);
            }
            for kind in ["secrets", "configs"] {
                if let Some(map) = mapping_of(tree, sub_root, kind) {
                    rebase_files(tree, map, &dir, self.home);
                }
            }
            self.chain.push(first_full);
            self.include_into(tree, sub_root, &dir);
            self.chain.pop();
            for (kind, list) in &mut imported {
                let Some(map) = mapping_of(tree, sub_root, kind) else {
                    continue;
                };
                let map = if *kind == "services" {
                    extend_services(
                        tree,
                        map,
                        (&dir, self.home),
                        self.overrides,
                        self.load,
                        &mut self.out.extends,
                        &[],
                    )
                    .unwrap_or(map)
                } else {
                    map
                };
                if let Some(es) = tree.mapping(map) {
                    list.extend(es.iter().copied());
                }
            }
        }
        for (kind, list) in imported {
            if list.is_empty() {
                continue;
            }
            let current = mapping_of(tree, root, kind);
            let mut entries = match current.and_then(|m| tree.mapping(m)) {
                Some(es) => es.to_vec(),
                None => Vec::new(),
            };
            for e in list {
                let name = text(tree, e.key).unwrap_or_default();
                if let Some(x) = entries
                    .iter()
                    .find(|x| text(tree, x.key).as_deref() == Some(name.as_str()))
                {
                    // Compose keeps an equal definition once and refuses another one.
                    let merger = Merger {
                        tree,
                        overrides: self.overrides,
                        conflicts: &mut Vec::new(),
                        canonical: true,
                        by_extends: false,
                    };
                    if !merger.same(x.value, e.value) {
                        self.out.conflicts.push((kind, name, x.key, e.key));
                    }
                    continue;
                }
                if kind == "services" && root == tree.root().unwrap_or(root) {
                    self.out.services.push(name);
                }
                entries.push(e);
            }
            put_root_mapping(tree, root, inc, kind, current, entries);
        }
    }
}

/// The value of `key` in mapping `map` when it is a mapping.
fn mapping_of(tree: &Tree, map: NodeId, key: &str) -> Option<NodeId> {
    tree.get(map, key)
        .map(|e| e.value)
        .filter(|&m| matches!(tree.node(m).kind, NodeKind::Mapping(_)))
}

/// The top-level keys an included project adds to the project, in the order Compose imports
/// them (compose-go `importResources`).
const IMPORTED: [&str; 5] = ["services", "volumes", "networks", "secrets", "configs"];

/// Rewrite the relative `file:` of the secrets or configs of mapping `map`, loaded from
/// directory `dir` (relative to the project's, `""` for it), as compose-go's
/// `ResolveRelativePaths` does for an included project: `filepath.Join(dir, file)`, cleaned and
/// still relative (`./s.txt` from the project's own folder is `s.txt`). Compose compares the
/// included definition with the project's as written (`reflect.DeepEqual`), so `s.txt` there
/// is the same secret and `./s.txt` another one (checked with Compose v2.40.3).
fn rebase_files(tree: &mut Tree, map: NodeId, dir: &str, home: bool) {
    let items: Vec<NodeId> = match tree.mapping(map) {
        Some(es) => es.iter().map(|e| e.value).collect(),
        None => Vec::new(),
    };
    for item in items {
        let Some(file) = tree.get(item, "file").map(|e| e.value) else {
            continue;
        };
        let Some(path) = crate::yaml::scalar_text(tree, file) else {
            continue;
        };
        if path.is_empty() || path.starts_with('/') || (home && path.starts_with('~')) {
            continue;
        }
        let new = join_path(dir, path);
        if new != path {
            tree.set_text(file, &new);
        }
    }
}

/// Set `key` of mapping `root` to a new mapping of `entries`: in place of `current` (its value)
/// when `root` has the key, else as a new `key:` entry made at `like`'s place.
fn put_root_mapping(
    tree: &mut Tree,
    root: NodeId,
    like: NodeId,
    key: &str,
    current: Option<NodeId>,
    entries: Vec<Entry>,
) {
    if let Some(m) = current {
        let mut node = tree.node(m).clone();
        node.kind = NodeKind::Mapping(tree.add_entries(entries));
        let props = tree.props_id(m);
        let nid = tree.push_with_props(node, props);
        set_entry(tree, root, key, nid);
        return;
    }
    let value = NodeKind::Mapping(tree.add_entries(entries));
    append_entry(tree, root, like, key, value, ScalarStyle::Plain);
}

/// Point `key` of mapping `map` at `value`.
fn set_entry(tree: &mut Tree, map: NodeId, key: &str, value: NodeId) {
    let NodeKind::Mapping(es) = tree.node(map).kind else {
        return;
    };
    let es: Vec<Entry> = tree
        .entries(es)
        .iter()
        .map(|&e| {
            let mut e = e;
            if crate::yaml::scalar_text(tree, e.key) == Some(key) {
                e.value = value;
            }
            e
        })
        .collect();
    let es = tree.add_entries(es);
    if let Some(n) = tree.nodes.get_mut(map.0 as usize) {
        n.kind = NodeKind::Mapping(es);
    }
}

#[cfg(test)]
mod path_tests {
    /// Go's `filepath.Join` (documented examples and Compose's use: the folder of the file that
    /// names a path, then the path).
    #[test]
    fn join_cleans_like_go() {
        for (dir, path, want) in [
            ("", "o.yml", "o.yml"),
            ("", "./sub/o.yml", "sub/o.yml"),
            ("sub", "../x.yml", "x.yml"),
            ("a/b", "../../../x", "../x"),
            ("a", "/abs/x", "/abs/x"),
            ("a", ".", "a"),
            ("", ".", "."),
            ("..", "x", "../x"),
        ] {
            assert_eq!(super::join_path(dir, path), want, "{dir:?} + {path:?}");
        }
    }

    #[test]
    fn rebased_paths_stay_relative_paths() {
        for (dir, path, want) in [
            ("sub", "./y", Some("./sub/y")),
            ("sub", ".", Some("./sub")),
            ("sub", "../z", Some("./z")),
            ("", "./y", None),
            ("sub", "/abs", None),
            ("sub", "~/x", None),
            ("sub", "https://github.com/docker/compose.git", None),
        ] {
            assert_eq!(
                super::rebase(dir, path, true).as_deref(),
                want,
                "{dir:?} + {path:?}"
            );
        }
    }
}

#[cfg(test)]
mod order_tests {
    //! Merge order with repeated names and `!reset`, driven on the merger directly: a file's
    //! repeated keys are FC003 and collapsed before the merge, which these reach all the same
    //! (their expected values are what the merger gave when it searched instead of indexing).

    use super::{Merger, NodeKind, Tree};
    use crate::span::FileId;
    use crate::yaml::{Limits, NodeId};

    /// `text` parsed; its `base` and `over` values merged at `path`; the result as one line
    /// per entry (`key=value`) or item, a `!reset` result as `None`.
    fn merged(text: &str, path: &[&str]) -> Option<Vec<String>> {
        let mut tree = crate::yaml::parse(text, FileId(0), &Limits::default()).tree;
        let root = tree.root().expect("a document");
        let base = tree.get(root, "base").expect("base").value;
        let over = tree.get(root, "over").expect("over").value;
        let (base, over) = (repeats(&mut tree, base), repeats(&mut tree, over));
        let (mut overrides, mut conflicts) = (Vec::new(), Vec::new());
        let mut m = Merger {
            tree: &mut tree,
            overrides: &mut overrides,
            conflicts: &mut conflicts,
            canonical: true,
            by_extends: false,
        };
        let mut path: Vec<String> = path.iter().map(|&p| p.to_owned()).collect();
        let out = m.merge(base, over, &mut path)?;
        Some(lines(&tree, out))
    }

    /// A list of mappings (`[{a: 1}, {a: 2}]`) as one mapping with their entries, repeated
    /// keys and all (the parser keeps the first of a key; a merge can make repeats); any other
    /// node as it is.
    fn repeats(tree: &mut Tree, id: NodeId) -> NodeId {
        let Some(items) = tree.sequence(id) else {
            return id;
        };
        let mut entries = Vec::new();
        for &item in items {
            match tree.mapping(item) {
                Some(es) => entries.extend_from_slice(es),
                None => return id,
            }
        }
        let mut node = tree.node(id).clone();
        node.kind = NodeKind::Mapping(tree.add_entries(entries));
        let props = tree.props_id(id);
        tree.push_with_props(node, props)
    }

    /// Node `id` as lines: a mapping's `key=value`, a sequence's items, a scalar itself.
    fn lines(tree: &Tree, id: NodeId) -> Vec<String> {
        let text = |id| match tree.node(id).kind {
            NodeKind::Scalar(s) => tree.text(s).to_owned(),
            NodeKind::Mapping(es) => format!(
                "{{{}}}",
                tree.entries(es)
                    .iter()
                    .map(|e| format!(
                        "{}:{}",
                        crate::yaml::scalar_text(tree, e.key).unwrap_or("?"),
                        crate::yaml::scalar_text(tree, e.value).unwrap_or("?")
                    ))
                    .collect::<Vec<_>>()
                    .join(",")
            ),
            NodeKind::Sequence(_) => "[..]".to_owned(),
        };
        match tree.node(id).kind {
            NodeKind::Mapping(es) => tree
                .entries(es)
                .iter()
                .map(|e| {
                    format!(
                        "{}={}",
                        crate::yaml::scalar_text(tree, e.key).unwrap_or("?"),
                        text(e.value)
                    )
                })
                .collect(),
            NodeKind::Sequence(items) => tree.items(items).iter().map(|&i| text(i)).collect(),
            NodeKind::Scalar(_) => vec![text(id)],
        }
    }

    const ENV: &[&str] = &["services", "web", "environment"];

    /// Both lists: a later item replaces the first earlier one of its name in place (a name
    /// alone, no `=`, too); the earlier file's repeats stay; new names go last.
    #[test]
    fn list_items_replace_the_first_of_a_name_in_place() {
        let got = merged(
            "base: [A=1, B=2, A=3, C, =e, B]\nover: [A=9, D=4, C=5, B, D=6, =f, {x: 1}, {y: 2}]\n",
            ENV,
        );
        assert_eq!(
            got.unwrap(),
            ["A=9", "B", "A=3", "C=5", "=f", "B", "D=6", "{y:2}"]
        );
    }

    /// `KEY: !reset` drops every earlier entry of KEY from a mapping; a later entry replaces
    /// the first earlier one of its name (a list item's name too); new names go last.
    #[test]
    fn a_reset_key_drops_each_earlier_entry_of_it() {
        let got = merged(
            "base: [{A: 1}, {B: 2}, {A: 3}, {C: 4}, {B: 5}]\n\
             over: [{A: !reset null}, {D: 6}, {A: 7}, {B: 8}, {D: !reset null}, {E: 9}, {D: 10}]\n",
            ENV,
        );
        assert_eq!(got.unwrap(), ["B=8", "C=4", "B=5", "A=7", "E=9", "D=10"]);
        // A list before a mapping: no reset removes from it (compose-go's TODO).
        let got = merged(
            "base: [A=1, B=2, A=3]\nover: {A: !reset null, B: 8, C: 9}\n",
            ENV,
        );
        assert_eq!(got.unwrap(), ["A=1", "B=8", "A=3", "C=9"]);
    }

    /// Key by key (`services`): `!reset` drops the first entry of a name; the earlier file's
    /// next entry of that name is the one a later entry merges onto.
    #[test]
    fn a_reset_makes_the_next_repeat_the_one_merged_onto() {
        let got = merged(
            "base: [{a: {image: a1}}, {b: {image: b1}}, {a: {image: a2}}, {c: {image: c1}}, \
             {a: {image: a3}}]\n\
             over: [{a: !reset null}, {d: {image: d1}}, {a: {image: a9}}, {c: !reset null}, \
             {c: {image: c9}}, {d: !reset null}, {a: !reset null}, {d: {image: d2}}]\n",
            &["services"],
        );
        assert_eq!(
            got.unwrap(),
            [
                "b={image:b1}",
                "a={image:a3}",
                "c={image:c9}",
                "d={image:d2}"
            ]
        );
    }

    /// A key that is no scalar is `""` for the first entry only, as the search that found the
    /// next repeat compared scalars.
    #[test]
    fn a_key_that_is_no_scalar_is_first_only() {
        let got = merged(
            "base: [{? [k]: 1}, {'': 2}, {? [j]: 3}, {'': 4}]\nover: [{'': !reset null}, {'': 5}]\n",
            &["x"],
        );
        // The reset drops `[k]` (the first `""`); the next is `'': 2`, not `[j]`.
        assert_eq!(got.unwrap(), ["=5", "?=3", "=4"]);
    }

    /// `dns` keeps the first of equal items, the earlier file's repeats too, and adds the
    /// later file's new ones in order; `extra_hosts` drops a later item only when the earlier
    /// file has it; a later `command` replaces.
    #[test]
    fn appended_lists_drop_repeats_in_order() {
        let got = merged(
            "base: [1.1.1.1, 8.8.8.8, 1.1.1.1, [a, b], {k: v, j: w}]\n\
             over: [8.8.8.8, 9.9.9.9, 1.1.1.1, 9.9.9.9, 7.7.7.7, [a, b], [b, a], {j: w, k: v}, {k: v, j: x}]\n",
            &["services", "web", "dns"],
        );
        assert_eq!(
            got.unwrap(),
            [
                "1.1.1.1",
                "8.8.8.8",
                "1.1.1.1",
                "[..]",
                "{k:v,j:w}",
                "9.9.9.9",
                "7.7.7.7",
                "[..]",
                "{k:v,j:x}"
            ]
        );
        let got = merged(
            "base: [a=1, b=2, a=1]\nover: {a: 1, c: [3, 4], c2: 3}\n",
            &["services", "web", "extra_hosts"],
        );
        assert_eq!(got.unwrap(), ["a=1", "b=2", "a=1", "c=3", "c=4", "c2=3"]);
        let got = merged(
            "base: [a=1, b=2]\nover: [c=3, c=3, a=1]\n",
            &["services", "web", "extra_hosts"],
        );
        assert_eq!(got.unwrap(), ["a=1", "b=2", "c=3", "c=3"]);
    }
}
