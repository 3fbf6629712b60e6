//! `factory config`: the resolved project in the shape `docker compose config` prints it.
//!
//! [`document`] builds the tree once, in the key order of the chosen format (Compose prints its
//! JSON from Go structs and sorted maps, and its YAML from the same structs with `omitempty`
//! rules that differ); [`render`] prints it. The renderer reads only the resolved span tree
//! (after interpolation and merge keys) and the loader's side data (env files), so a tree merged
//! from several files renders the same way.
//!
//! ```
//! use factory_compose::{FileKind, ProcessEnv, Settings, SourceFile, SourceMap, load};
//! use factory_compose::render::{Format, Options, render};
//!
//! let mut sources = SourceMap::new();
//! sources.add(SourceFile::new(
//!     "docker-compose.yml",
//!     "services:\n  web:\n    image: nginx\n    expose: [80]\n",
//!     FileKind::Compose,
//! ));
//! let settings = Settings { project_name: Some("demo".into()), ..Settings::default() };
//! let loaded = load(&sources, &ProcessEnv::default(), &settings);
//! let yaml = render(&loaded, &settings, &Options::default(), Format::Yaml);
//! assert!(yaml.starts_with("name: demo\nservices:\n  web:\n    expose:\n      - \"80\"\n"));
//! ```

pub(crate) mod parse;
pub(crate) mod service;
pub mod value;

pub use value::{Value, to_json, to_yaml};

use crate::Loaded;
use crate::model::convert::scalar_kind;
use crate::settings::Settings;
use crate::yaml::{NodeId, NodeKind, PlainValue, Tree};

/// The output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// What `docker compose config` prints.
    #[default]
    Yaml,
    /// What `docker compose config --format json` prints.
    Json,
}

/// What rendering needs besides the loaded project and the settings.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `HOME` of the process: Compose expands a leading `~` of the paths it resolves (bind
    /// sources, build contexts, `env_file`, secret and config files …) with it; unset or empty:
    /// kept, and relative like any other path.
    pub home: Option<String>,
    /// Print secret values instead of `********`.
    pub show_secrets: bool,
}

/// Render the project as `docker compose config` would (YAML ends with a newline, JSON does not,
/// as Compose prints them).
#[must_use]
pub fn render(loaded: &Loaded, settings: &Settings, options: &Options, format: Format) -> String {
    let doc = document(loaded, settings, options, format);
    match format {
        Format::Yaml => to_yaml(&doc),
        Format::Json => to_json(&doc),
    }
}

pub(crate) struct Cx<'a> {
    pub(crate) tree: &'a Tree,
    pub(crate) loaded: &'a Loaded,
    pub(crate) project_name: String,
    pub(crate) project_dir: String,
    pub(crate) options: &'a Options,
    pub(crate) format: Format,
    secrets: Vec<String>,
}

/// A mapping key as Compose prints it: `$` escaped as `$$`, as in values (Compose escapes its
/// whole output; keys are not interpolated, so `a$$b:` prints as `a$$$$b:`).
pub(crate) fn escaped_key(key: String) -> String {
    if key.contains('$') {
        key.replace('$', "$$")
    } else {
        key
    }
}

impl Cx<'_> {
    /// A string value as Compose prints it: secrets masked, then `$` escaped as `$$` (a secret
    /// holding a `$` is no longer itself once escaped).
    pub(crate) fn s(&self, text: &str) -> Value {
        Value::Str(self.masked(text).replace('$', "$$"))
    }

    /// `text` with every secret value masked (unless `--show-secrets`): for a value rendered
    /// whole, or before it is cut into pieces that would each hide a part of a secret.
    pub(crate) fn masked(&self, text: &str) -> String {
        let mut t = text.to_owned();
        for secret in &self.secrets {
            if t.contains(secret.as_str()) {
                t = t.replace(secret.as_str(), factory_env::MASK);
            }
        }
        t
    }

    pub(crate) fn kind(&self, id: NodeId) -> NodeKind {
        self.tree.node(id).kind
    }

    /// The entries of a mapping node as `(key text, value node)`.
    pub(crate) fn entries(&self, id: NodeId) -> Vec<(String, NodeId)> {
        match self.kind(id) {
            NodeKind::Mapping(entries) => self
                .tree
                .entries(entries)
                .iter()
                .map(|e| {
                    let key = match self.kind(e.key) {
                        NodeKind::Scalar(s) => self.tree.text(s).to_owned(),
                        _ => String::new(),
                    };
                    (key, e.value)
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    pub(crate) fn items(&self, id: NodeId) -> Vec<NodeId> {
        match self.kind(id) {
            NodeKind::Sequence(items) => self.tree.items(items).to_vec(),
            _ => Vec::new(),
        }
    }

    /// The items of a list value the way [`service::string_list`] renders it: a lone scalar
    /// (which Compose's schema refuses for most list keys) counts as a one-item list, so that
    /// reloading the rendered output gives the same project.
    pub(crate) fn list_items(&self, id: NodeId) -> Vec<NodeId> {
        match self.kind(id) {
            NodeKind::Scalar(_) => vec![id],
            _ => self.items(id),
        }
    }

    pub(crate) fn is_null(&self, id: NodeId) -> bool {
        crate::model::convert::is_null(self.tree, id)
    }

    /// A scalar's text as Compose reads it into a string field (numbers printed back as Go
    /// prints them); `None` for null and collections.
    pub(crate) fn text(&self, id: NodeId) -> Option<String> {
        match self.kind(id) {
            NodeKind::Scalar(_) => crate::model::convert::compose_string(self.tree, id)
                .map(compact_str::CompactString::into_string),
            _ => None,
        }
    }

    /// A node as Compose decodes it without a schema type: scalars typed, maps in written order.
    pub(crate) fn plain(&self, id: NodeId) -> Value {
        match self.kind(id) {
            NodeKind::Scalar(s) => match scalar_kind(self.tree, id) {
                PlainValue::Null => Value::Null,
                PlainValue::Bool(b) => Value::Bool(b),
                PlainValue::Int(i) => Value::Int(i),
                PlainValue::Float(f) => Value::Float(f),
                PlainValue::Timestamp => crate::yaml::go_yaml_time(self.tree.text(s))
                    .map_or_else(|| self.s(self.tree.text(s)), Value::Time),
                PlainValue::Str => self.s(self.tree.text(s)),
            },
            NodeKind::Sequence(items) => Value::Seq(
                self.tree
                    .items(items)
                    .iter()
                    .map(|&i| self.plain(i))
                    .collect(),
            ),
            // Compose escapes every `$` it prints, keys included (its keys are not
            // interpolated: `a$$b:` prints as `a$$$$b:`).
            NodeKind::Mapping(_) => Value::Map(
                self.entries(id)
                    .into_iter()
                    .map(|(k, v)| (escaped_key(k), self.plain(v)))
                    .collect(),
            ),
        }
    }

    /// A path made absolute against the project directory (Go's `filepath.Join`, cleaned).
    pub(crate) fn absolute(&self, path: &str) -> String {
        // compose-go's `ExpandUser`: `filepath.Join(HOME, rest)` for any path starting with
        // `~` (`~x` is `$HOME/x`), cleaned; kept as written without a `HOME`.
        let path = match (path.strip_prefix('~'), &self.options.home) {
            (Some(rest), Some(home)) if !home.is_empty() => clean(&format!("{home}/{rest}")),
            _ => path.to_owned(),
        };
        let windows = path.starts_with("\\\\")
            || (path.len() > 2
                && path.as_bytes()[0].is_ascii_alphabetic()
                && path.as_bytes()[1] == b':'
                && matches!(path.as_bytes()[2], b'\\' | b'/'));
        if path.starts_with('/') || windows {
            path
        } else {
            clean(&format!("{}/{path}", self.project_dir))
        }
    }
}

/// Go's `path.Clean`.
pub(crate) fn clean(path: &str) -> String {
    let rooted = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|p| *p != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            p => parts.push(p),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_owned(),
        (false, false) => joined,
    }
}

/// The document `docker compose config` prints, in the key order of `format`.
#[must_use]
pub fn document(loaded: &Loaded, settings: &Settings, options: &Options, format: Format) -> Value {
    let tree = &loaded.project.tree;
    let secrets = if options.show_secrets {
        Vec::new()
    } else {
        let mut s: Vec<String> = loaded
            .variables
            .iter()
            .filter(|(_, v)| v.secret)
            .map(|(_, v)| v.value.unmasked().to_owned())
            .filter(|v| v.len() >= 3)
            .collect();
        s.sort_by_key(|v| std::cmp::Reverse(v.len()));
        s
    };
    let cx = Cx {
        tree,
        loaded,
        project_name: loaded
            .project_name
            .clone()
            .or_else(|| settings.project_name.clone())
            .unwrap_or_default(),
        project_dir: settings
            .project_dir
            .clone()
            .unwrap_or_else(|| "/".to_owned()),
        options,
        format,
        secrets,
    };
    let mut top: Vec<(String, Value)> = Vec::new();
    let mut services: Vec<(String, Value)> = Vec::new();
    let mut uses_default = false;
    let active = active_profiles(loaded);
    for svc in &loaded.project.services {
        if !service::enabled(cx.tree, svc, &active) {
            continue;
        }
        let (value, default_net) = service::render(&cx, svc);
        uses_default |= default_net;
        services.push((svc.name(cx.tree).to_string(), value));
    }
    services.sort_by(|a, b| a.0.cmp(&b.0));
    let used = Used::by(&services);

    let mut networks: Vec<(String, Value)> = Vec::new();
    let mut volumes: Vec<(String, Value)> = Vec::new();
    let mut secrets_v: Vec<(String, Value)> = Vec::new();
    let mut configs: Vec<(String, Value)> = Vec::new();
    let mut models: Vec<(String, Value)> = Vec::new();
    let mut extensions: Vec<(String, Value)> = Vec::new();
    for other in &loaded.project.other_keys {
        let key = other.key.value.as_str();
        match key {
            "networks" => {
                for (name, node) in cx.entries(other.value) {
                    if used.networks.contains(&name) {
                        networks.push((name.clone(), top_network(&cx, &name, node)));
                    }
                }
            }
            "volumes" => {
                for (name, node) in cx.entries(other.value) {
                    if used.volumes.contains(&name) {
                        volumes.push((name.clone(), top_volume(&cx, &name, node)));
                    }
                }
            }
            "secrets" | "configs" => {
                let (list, used) = if key == "secrets" {
                    (&mut secrets_v, &used.secrets)
                } else {
                    (&mut configs, &used.configs)
                };
                for (name, node) in cx.entries(other.value) {
                    if used.contains(&name) {
                        let v = top_file_object(&cx, &name, node);
                        list.push((name, v));
                    }
                }
            }
            // Compose's JSON output has no top-level `models`; its YAML has the used ones.
            "models" if format == Format::Yaml => {
                for (name, node) in cx.entries(other.value) {
                    if used.models.contains(&name) {
                        models.push((name, top_model(&cx, node)));
                    }
                }
            }
            "name" | "include" => {}
            // Extensions are Go `map[string]any` values: printed with sorted keys.
            k if k.starts_with("x-") => {
                let value = sorted(cx.plain(other.value));
                let value = match format {
                    Format::Json => empty_lists_null(value),
                    Format::Yaml => value,
                };
                extensions.push((k.to_owned(), value));
            }
            _ => {}
        }
    }
    if uses_default && !networks.iter().any(|(n, _)| n == "default") {
        let mut net = vec![(
            "name".to_owned(),
            cx.s(&format!("{}_default", cx.project_name)),
        )];
        if format == Format::Json {
            net.push(("ipam".to_owned(), Value::Map(Vec::new())));
        }
        networks.push(("default".to_owned(), Value::Map(net)));
    }
    for list in [
        &mut networks,
        &mut volumes,
        &mut secrets_v,
        &mut configs,
        &mut models,
        &mut extensions,
    ] {
        list.sort_by(|a, b| a.0.cmp(&b.0));
    }
    let name = ("name".to_owned(), cx.s(&cx.project_name));
    let services = ("services".to_owned(), Value::Map(services));
    top.push(name);
    top.push(services);
    for (k, list) in [
        ("networks", networks),
        ("volumes", volumes),
        ("secrets", secrets_v),
        ("configs", configs),
        ("models", models),
    ] {
        if !list.is_empty() {
            top.push((k.to_owned(), Value::Map(list)));
        }
    }
    top.extend(extensions);
    // JSON prints top-level keys sorted; the YAML keeps Compose's order.
    if format == Format::Json {
        top.sort_by(|a, b| a.0.cmp(&b.0));
    }
    Value::Map(top)
}

/// The top-level networks, volumes, secrets and configs the rendered (enabled) services use:
/// Compose's `config` prints no other (compose-go `WithoutUnnecessaryResources`: a service's
/// network names, the sources of its `type: volume` volumes, of its secrets and its build's
/// secrets, of its configs).
#[derive(Debug, Default)]
struct Used {
    networks: std::collections::HashSet<String>,
    volumes: std::collections::HashSet<String>,
    secrets: std::collections::HashSet<String>,
    models: std::collections::HashSet<String>,
    configs: std::collections::HashSet<String>,
}

impl Used {
    fn by(services: &[(String, Value)]) -> Self {
        // Rendered strings have `$` doubled; names are compared as written.
        fn text(v: Option<&Value>) -> Option<String> {
            v.and_then(Value::as_str).map(|s| s.replace("$$", "$"))
        }
        fn sources(list: Option<&Value>, into: &mut std::collections::HashSet<String>) {
            if let Some(Value::Seq(items)) = list {
                into.extend(items.iter().filter_map(|i| text(i.get("source"))));
            }
        }
        let mut used = Self::default();
        for (_, svc) in services {
            if let Some(Value::Map(nets)) = svc.get("networks") {
                used.networks.extend(nets.iter().map(|(n, _)| n.clone()));
            }
            if let Some(Value::Seq(volumes)) = svc.get("volumes") {
                for v in volumes {
                    if text(v.get("type")).as_deref() == Some("volume")
                        && let Some(source) = text(v.get("source")).filter(|s| !s.is_empty())
                    {
                        used.volumes.insert(source);
                    }
                }
            }
            sources(svc.get("secrets"), &mut used.secrets);
            sources(
                svc.get("build").and_then(|b| b.get("secrets")),
                &mut used.secrets,
            );
            sources(svc.get("configs"), &mut used.configs);
            if let Some(Value::Map(models)) = svc.get("models") {
                used.models.extend(models.iter().map(|(n, _)| n.clone()));
            }
        }
        used
    }
}

/// A top-level model as Compose prints it: its fields in the struct's order (an empty
/// `runtime_flags` omitted), extensions after them.
fn top_model(cx: &Cx<'_>, node: NodeId) -> Value {
    let entries = cx
        .entries(node)
        .into_iter()
        .map(|(k, v)| (k, cx.plain(v)))
        .filter(|(k, v)| {
            !(k == "runtime_flags" && matches!(v, Value::Seq(items) if items.is_empty()))
        })
        .collect();
    ordered(entries, &["name", "model", "context_size", "runtime_flags"])
}

/// An `ipam.config` item in compose-go's IPAMPool order, without its extensions (Compose
/// prints them in neither format).
fn ipam_pool(pool: Value) -> Value {
    match pool {
        Value::Map(fields) => ordered(
            fields
                .into_iter()
                .filter(|(k, _)| !k.starts_with("x-"))
                .collect(),
            &["subnet", "gateway", "ip_range", "aux_addresses"],
        ),
        other => other,
    }
}

/// Put `entries` in the order of `order` (a Go struct's fields); unknown keys follow, sorted.
pub(crate) fn ordered(entries: Vec<(String, Value)>, order: &[&str]) -> Value {
    // Each key's place in `order` is looked up once, not in every comparison (a service's
    // order has about eighty fields).
    let mut keyed: Vec<(usize, (String, Value))> = entries
        .into_iter()
        .map(|e| {
            let place = order.iter().position(|k| *k == e.0).unwrap_or(usize::MAX);
            (place, e)
        })
        .collect();
    keyed.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.0.cmp(&b.1.0)));
    Value::Map(keyed.into_iter().map(|(_, e)| e).collect())
}

fn external(cx: &Cx<'_>, node: NodeId) -> Option<(bool, Option<String>)> {
    let ext = cx
        .entries(node)
        .into_iter()
        .find(|(k, _)| k == "external")?
        .1;
    match cx.plain(ext) {
        Value::Bool(b) => Some((b, None)),
        // Compose casts a string (`${EXTERNAL:-true}`) as `toBoolean` does.
        Value::Str(s) => crate::model::convert::compose_bool(&s).map(|b| (b, None)),
        Value::Map(_) => {
            let name = cx
                .entries(ext)
                .into_iter()
                .find(|(k, _)| k == "name")
                .and_then(|(_, v)| cx.text(v));
            Some((true, name))
        }
        _ => None,
    }
}

/// The entries of a top-level network or volume as Compose prints them: `external` only when
/// true, string maps for `labels`/`driver_opts`, extensions in YAML only, and a `name`
/// (the external name, else `<project>_<name>`).
fn top_entries(cx: &Cx<'_>, name: &str, node: NodeId) -> Vec<(String, Value)> {
    let mut entries: Vec<(String, Value)> = Vec::new();
    let ext = external(cx, node);
    for (k, v) in cx.entries(node) {
        match k.as_str() {
            "external" => {
                if ext.as_ref().is_some_and(|e| e.0) {
                    entries.push((k, Value::Bool(true)));
                }
            }
            "labels" | "driver_opts" => entries.push((k, service::string_map(cx, v, true))),
            // Booleans, strings cast as Compose does; `internal` and `attachable` are omitted
            // when false (Go's `omitempty`), the `enable_ipv*` pointers are not.
            "internal" | "attachable" | "enable_ipv4" | "enable_ipv6" => {
                let value = match cx.plain(v) {
                    Value::Str(s) => {
                        crate::model::convert::compose_bool(&s).map_or(Value::Str(s), Value::Bool)
                    }
                    other => other,
                };
                let omitted = matches!(value, Value::Bool(false))
                    && matches!(k.as_str(), "internal" | "attachable");
                if !omitted {
                    entries.push((k, value));
                }
            }
            k2 if k2.starts_with("x-") => {
                if cx.format == Format::Yaml {
                    entries.push((k, cx.plain(v)));
                }
            }
            _ => entries.push((k, cx.plain(v))),
        }
    }
    if !entries.iter().any(|(k, _)| k == "name") {
        let n = match &ext {
            Some((true, Some(n))) => n.clone(),
            Some((true, None)) => name.to_owned(),
            _ => format!("{}_{name}", cx.project_name),
        };
        entries.push(("name".to_owned(), cx.s(&n)));
    }
    entries
}

fn top_network(cx: &Cx<'_>, name: &str, node: NodeId) -> Value {
    let mut entries = top_entries(cx, name, node);
    // compose-go's IPAMConfig has `driver` and `config` (omitempty) and its extensions (not in
    // JSON): `options` is dropped; each pool's fields in IPAMPool's order.
    if let Some((_, ipam @ Value::Map(_))) = entries.iter_mut().find(|(k, _)| k == "ipam") {
        let Value::Map(fields) = std::mem::replace(ipam, Value::Null) else {
            unreachable!("matched a map")
        };
        let json = cx.format == Format::Json;
        let kept = fields
            .into_iter()
            .filter(|(k, v)| {
                let empty = matches!(v, Value::Seq(x) if x.is_empty());
                !(k == "options" || (k == "config" && empty) || (json && k.starts_with("x-")))
            })
            .map(|(k, v)| match (k.as_str(), v) {
                ("config", Value::Seq(pools)) => {
                    (k, Value::Seq(pools.into_iter().map(ipam_pool).collect()))
                }
                (_, v) => (k, v),
            })
            .collect();
        *ipam = ordered(kept, &["driver", "config"]);
    }
    // The YAML printer omits an empty `ipam` (JSON always prints the struct).
    if cx.format == Format::Yaml {
        entries.retain(|(k, v)| !(k == "ipam" && matches!(v, Value::Map(x) if x.is_empty())));
    }
    if cx.format == Format::Json && !entries.iter().any(|(k, _)| k == "ipam") {
        entries.push(("ipam".to_owned(), Value::Map(Vec::new())));
    }
    ordered(
        entries,
        &[
            "name",
            "driver",
            "driver_opts",
            "ipam",
            "external",
            "internal",
            "attachable",
            "labels",
            "enable_ipv4",
            "enable_ipv6",
        ],
    )
}

fn top_volume(cx: &Cx<'_>, name: &str, node: NodeId) -> Value {
    let entries = top_entries(cx, name, node);
    ordered(
        entries,
        &["name", "driver", "driver_opts", "external", "labels"],
    )
}

fn top_file_object(cx: &Cx<'_>, name: &str, node: NodeId) -> Value {
    let mut entries: Vec<(String, Value)> = Vec::new();
    let ext = external(cx, node);
    for (k, v) in cx.entries(node) {
        match k.as_str() {
            "file" => {
                let f = cx.text(v).unwrap_or_default();
                entries.push((k, cx.s(&cx.absolute(&f))));
            }
            "external" => {
                if ext.as_ref().is_some_and(|e| e.0) {
                    entries.push((k, Value::Bool(true)));
                }
            }
            k2 if k2.starts_with("x-") => {}
            // Strings with omitempty.
            "content" | "environment" if cx.text(v).is_some_and(|t| t.is_empty()) => {}
            // compose-go's `Labels` and `map[string]string`: a list of `k=v` is a map.
            "labels" | "driver_opts" => entries.push((k, service::string_map(cx, v, true))),
            _ => entries.push((k, cx.plain(v))),
        }
    }
    if !entries.iter().any(|(k, _)| k == "name") {
        let n = match &ext {
            Some((true, Some(n))) => n.clone(),
            Some((true, None)) => name.to_owned(),
            _ => format!("{}_{name}", cx.project_name),
        };
        entries.push(("name".to_owned(), cx.s(&n)));
    }
    let value = ordered(
        entries,
        &[
            "name",
            "file",
            "environment",
            "content",
            "external",
            "labels",
            "driver",
            "driver_opts",
            "template_driver",
        ],
    );
    service::with_extensions(cx, value, node)
}

/// A value with every map's keys sorted (how Go prints a `map[string]any`).
pub(crate) fn sorted(value: Value) -> Value {
    match value {
        Value::Map(entries) => {
            let mut entries: Vec<(String, Value)> =
                entries.into_iter().map(|(k, v)| (k, sorted(v))).collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Map(entries)
        }
        Value::Seq(items) => Value::Seq(items.into_iter().map(sorted).collect()),
        other => other,
    }
}

/// `value` with every empty list made null: compose-go's `convertToStringKeysRecursive` makes
/// each list of a file anew from nothing, so an empty one is a nil slice, which Go's JSON
/// encoder prints `null` (and its YAML encoder `[]`). Only an extension's value reaches the JSON
/// output untyped (checked with Compose v2.40.3: `x-c: {l: [[], {s: []}]}` prints
/// `{"l": [null, {"s": null}]}`).
fn empty_lists_null(value: Value) -> Value {
    match value {
        Value::Seq(items) if items.is_empty() => Value::Null,
        Value::Seq(items) => Value::Seq(items.into_iter().map(empty_lists_null).collect()),
        Value::Map(entries) => Value::Map(
            entries
                .into_iter()
                .map(|(k, v)| (k, empty_lists_null(v)))
                .collect(),
        ),
        other => other,
    }
}

/// The profiles `COMPOSE_PROFILES` activates.
pub(crate) fn active_profiles(loaded: &Loaded) -> Vec<String> {
    let active: Vec<String> = factory_env::Lookup::get(&loaded.variables, "COMPOSE_PROFILES")
        .unwrap_or_default()
        .split(',')
        .map(|p| p.trim().to_owned())
        .filter(|p| !p.is_empty())
        .collect();
    if active.is_empty() {
        // Compose splits an unset `COMPOSE_PROFILES` into one empty name: a service whose
        // `profiles` list `""` is enabled by default.
        vec![String::new()]
    } else {
        active
    }
}
