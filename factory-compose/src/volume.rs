//! Service `volumes` entries: Compose's short syntax split into source, target and mode, and
//! the long syntax read from its mapping.

use crate::model::Spanned;
use crate::span::Location;
use crate::yaml::{NodeId, NodeKind, Tree};

/// What a volume entry mounts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VolumeSource {
    /// A host path (`./data`, `/srv/x`, `~/x`).
    Bind(String),
    /// A named volume (`data`).
    Named(String),
    /// No source: an anonymous volume.
    Anonymous,
    /// `tmpfs` (long syntax).
    Tmpfs,
}

/// One `volumes` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Volume {
    /// What is mounted.
    pub source: VolumeSource,
    /// Where in the container (`None` when missing from a long-syntax mapping).
    pub target: Option<String>,
    /// The mode suffix of the short syntax (`ro`, `rw,z` …).
    pub mode: Option<String>,
    /// Where the entry is.
    pub at: Location,
    /// The `<<` line when inherited.
    pub via: Option<Location>,
}

/// Mount options the short syntax accepts after the target.
const MODES: &[&str] = &[
    "ro",
    "rw",
    "z",
    "Z",
    "nocopy",
    "consistent",
    "cached",
    "delegated",
    "shared",
    "slave",
    "private",
    "rshared",
    "rslave",
    "rprivate",
    "copy",
];

fn is_path(s: &str) -> bool {
    s.starts_with(['.', '/', '~'])
        || s.as_bytes().get(1) == Some(&b':') && s.as_bytes()[0].is_ascii_alphabetic()
}

/// Split a short-syntax entry (its text, as a `Text`, or a `&str` read from the tree:
/// [`crate::model::ListItem::located`]). Errors say what is wrong.
pub fn parse_short<T: AsRef<str>>(entry: &Spanned<T>) -> Result<Volume, String> {
    let text = entry.value.as_ref();
    if text.is_empty() {
        return Err("the entry is empty".to_owned());
    }
    let parts: Vec<&str> = text.split(':').collect();
    let (source, target, mode) = match parts.as_slice() {
        [target] => (None, *target, None),
        [source, target] => (Some(*source), *target, None),
        [source, target, mode] => (Some(*source), *target, Some(*mode)),
        _ => return Err("expected `SOURCE:TARGET[:MODE]`, found more than two `:`".to_owned()),
    };
    if source == Some("") {
        return Err("the source before `:` is empty".to_owned());
    }
    if !target.starts_with('/') {
        return Err(format!(
            "the container path `{target}` must be absolute (start with `/`)"
        ));
    }
    if let Some(mode) = mode {
        for m in mode.split(',') {
            if !MODES.contains(&m) {
                return Err(format!(
                    "`{m}` is not a mount mode (ro, rw, z, Z, nocopy, cached, delegated …)"
                ));
            }
        }
    }
    let source = match source {
        None => VolumeSource::Anonymous,
        Some(s) if is_path(s) => VolumeSource::Bind(s.to_owned()),
        Some(s) => VolumeSource::Named(s.to_owned()),
    };
    Ok(Volume {
        source,
        target: Some(target.to_owned()),
        mode: mode.map(str::to_owned),
        at: entry.at,
        via: entry.via,
    })
}

/// Read a long-syntax mapping.
pub fn parse_long(tree: &Tree, id: NodeId) -> Result<Volume, String> {
    let n = tree.node(id);
    let at = Location::new(n.file, n.span);
    let NodeKind::Mapping(entries) = n.kind else {
        return Err("expected a mapping".to_owned());
    };
    let get = |k: &str| {
        tree.entries(entries).iter().find_map(|e| {
            match (tree.node(e.key).kind, tree.node(e.value).kind) {
                (NodeKind::Scalar(key), NodeKind::Scalar(v)) if tree.text(key) == k => {
                    Some(tree.text(v).to_owned())
                }
                _ => None,
            }
        })
    };
    let kind = get("type").ok_or("a long-syntax volume needs `type:` (bind, volume or tmpfs)")?;
    let target = get("target");
    if target.is_none() {
        return Err("a long-syntax volume needs `target:`".to_owned());
    }
    let source = match kind.as_str() {
        "bind" => VolumeSource::Bind(get("source").ok_or("a bind mount needs `source:`")?),
        "volume" => get("source").map_or(VolumeSource::Anonymous, VolumeSource::Named),
        "tmpfs" => {
            tmpfs_options(tree, entries)?;
            VolumeSource::Tmpfs
        }
        other => {
            return Err(format!(
                "`type: {other}` is not a volume type (bind, volume, tmpfs)"
            ));
        }
    };
    Ok(Volume {
        source,
        target,
        mode: None,
        at,
        via: None,
    })
}

/// What Compose refuses in a `tmpfs` volume's `tmpfs:` options once interpolated (checked with
/// v2.40.3): a `size` written as a string that is no size in bytes (`1q`: "invalid suffix"),
/// a `mode` written as a string (`"1777"`: it decodes into a number only).
fn tmpfs_options(tree: &Tree, volume: crate::yaml::Children) -> Result<(), String> {
    use crate::yaml::PlainValue;
    let Some(options) = tree
        .entries(volume)
        .iter()
        .find(|e| crate::yaml::scalar_text(tree, e.key) == Some("tmpfs"))
    else {
        return Ok(());
    };
    // A string, as compose-go reads it (quoted, or plain text that is no number).
    let string = |key: &str| {
        let value = tree.get(options.value, key)?.value;
        matches!(
            crate::model::convert::scalar_kind(tree, value),
            PlainValue::Str
        )
        .then(|| crate::yaml::scalar_text(tree, value))
        .flatten()
    };
    if let Some(size) = string("size")
        && crate::render::parse::ram_in_bytes(size).is_none()
    {
        return Err(format!(
            "`tmpfs.size: {size}` is not a size in bytes (write `64m`, `1g` or a number of bytes)"
        ));
    }
    if let Some(mode) = string("mode") {
        return Err(format!(
            "`tmpfs.mode: \"{mode}\"` is a string, which Compose does not read as a mode (write it unquoted, as `01777`)"
        ));
    }
    Ok(())
}

/// The well-formed `volumes` entries of `service`, short and long syntax (FC026 reports the
/// malformed ones); `project` is the project the service is in.
pub fn valid_entries<'a>(
    project: &'a crate::model::Project,
    service: &'a crate::model::Service,
) -> impl Iterator<Item = Volume> + 'a {
    let tree = &project.tree;
    let short = service
        .volumes
        .iter()
        .flat_map(|v| v.items(project))
        .filter_map(|e| parse_short(&e.located(tree)).ok());
    let long = service
        .volumes_long()
        .iter()
        .filter_map(move |&id| parse_long(tree, id).ok());
    short.chain(long)
}
