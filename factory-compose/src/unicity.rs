//! Compose's `EnforceUnicity` (compose-go `override/uncity.go`): in the lists where an item
//! stands for a key (a port, a volume's target, a variable name …), a later item with the key
//! of an earlier one replaces it in place. Compose applies it to every file and to the merged
//! project, after interpolation, so a file that repeats `expose: ["80", "80"]` renders one.
//! factory applies it when rendering; the rules see (and point at) every item as written.
//!
//! Ports are compared again once canonical, by the renderer (`80:80` and `80:80/tcp` are one).

use crate::yaml::{NodeId, NodeKind, Tree};

/// How the items of a list are keyed.
#[derive(Clone, Copy)]
enum Indexer {
    /// The text before the first `=` (compose-go `keyValueIndexer`).
    BeforeEquals,
    /// The text itself (`exposeIndexer`, the string form of `portIndexer`/`envFileIndexer`).
    Whole,
    /// The container path (`volumeIndexer`).
    Target,
    /// A file mounted under `dir` (`mountIndexer`): a name is `dir/NAME`, a mapping its
    /// `target` or `dir/source`.
    Mount(&'static str),
    /// An `env_file` item: its text or its `path`.
    EnvFile,
}

/// The service keys Compose keeps unique, and how their items are keyed.
const SERVICE_LISTS: &[(&str, Indexer)] = &[
    ("annotations", Indexer::BeforeEquals),
    ("cap_add", Indexer::BeforeEquals),
    ("cap_drop", Indexer::BeforeEquals),
    ("configs", Indexer::Mount("")),
    ("dns", Indexer::BeforeEquals),
    ("dns_opt", Indexer::BeforeEquals),
    ("dns_search", Indexer::BeforeEquals),
    ("env_file", Indexer::EnvFile),
    ("environment", Indexer::BeforeEquals),
    ("expose", Indexer::Whole),
    ("labels", Indexer::BeforeEquals),
    ("links", Indexer::BeforeEquals),
    ("profiles", Indexer::BeforeEquals),
    ("secrets", Indexer::Mount("/run/secrets")),
    ("sysctls", Indexer::BeforeEquals),
    ("tmpfs", Indexer::BeforeEquals),
    ("volumes", Indexer::Target),
];

/// The tree with the repeated items of every service list removed (see the module doc), `None`
/// when no list repeats an item. Used for rendering: the rules see every item as written.
pub(crate) fn deduped(tree: &Tree) -> Option<Tree> {
    let root = tree.root()?;
    let services = tree.get(root, "services").map(|e| e.value)?;
    let NodeKind::Mapping(svcs) = &tree.node(services).kind else {
        return None;
    };
    let mut changes: Vec<(NodeId, Vec<NodeId>)> = Vec::new();
    for svc in svcs.iter().map(|e| e.value) {
        for &(name, key) in SERVICE_LISTS {
            if let Some(list) = tree.get(svc, name).map(|e| e.value)
                && let Some(items) = dedup(tree, list, key)
            {
                changes.push((list, items));
            }
        }
    }
    if changes.is_empty() {
        return None;
    }
    let mut out = tree.clone();
    for (list, items) in changes {
        if let Some(node) = out.nodes.get_mut(list.0 as usize) {
            node.kind = NodeKind::Sequence(items.into());
        }
    }
    Some(out)
}

/// The items of sequence `list` once an item whose key an earlier item has takes that earlier
/// one's place; `None` when nothing repeats, or when an item has no key (Compose refuses the
/// list elsewhere).
fn dedup(tree: &Tree, list: NodeId, key: Indexer) -> Option<Vec<NodeId>> {
    let NodeKind::Sequence(items) = &tree.node(list).kind else {
        return None;
    };
    let keys: Vec<String> = items
        .iter()
        .map(|&item| item_key(tree, item, key))
        .collect::<Option<_>>()?;
    let mut out: Vec<NodeId> = Vec::with_capacity(items.len());
    let mut out_keys: Vec<&str> = Vec::with_capacity(items.len());
    for (&item, k) in items.iter().zip(&keys) {
        match out_keys.iter().position(|o| *o == k.as_str()) {
            Some(at) => {
                if let Some(slot) = out.get_mut(at) {
                    *slot = item;
                }
            }
            None => {
                out.push(item);
                out_keys.push(k);
            }
        }
    }
    (out.len() < items.len()).then_some(out)
}

fn item_key(tree: &Tree, item: NodeId, key: Indexer) -> Option<String> {
    let text = |id: NodeId| crate::yaml::scalar_text(tree, id).map(str::to_owned);
    let field = |name: &str| tree.get(item, name).and_then(|e| text(e.value));
    match (&tree.node(item).kind, key) {
        (NodeKind::Scalar(s), Indexer::BeforeEquals) => Some(
            s.value
                .split_once('=')
                .map_or(&*s.value, |(k, _)| k)
                .to_owned(),
        ),
        (NodeKind::Scalar(_), Indexer::Whole | Indexer::EnvFile) => text(item),
        (NodeKind::Scalar(s), Indexer::Target) => {
            let sp = crate::model::Spanned::new(s.value.clone(), crate::span::Location::default());
            crate::volume::parse_short(&sp).ok().and_then(|v| v.target)
        }
        (NodeKind::Mapping(_), Indexer::Target) => field("target"),
        (NodeKind::Scalar(s), Indexer::Mount(dir)) => Some(format!("{dir}/{}", s.value)),
        (NodeKind::Mapping(_), Indexer::Mount(dir)) => field("target")
            .or_else(|| Some(format!("{dir}/{}", field("source").unwrap_or_default()))),
        (NodeKind::Mapping(_), Indexer::EnvFile) => field("path"),
        _ => None,
    }
}
