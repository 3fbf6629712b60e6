//! Compose's consistency checks on the loaded project: what `docker compose config` refuses
//! once the files are merged and interpolated (a service with neither `image` nor `build`, a
//! `depends_on` naming no service, `network_mode` beside `networks` …).
//!
//! Only [`crate::compose_refusals`] runs them: `lint` reports the same problems through its
//! rules, or the platform forbids the keys involved.
//!
//! Compose v2.40.3 (compose-go) makes these checks in three places, all after interpolation:
//! the validation of the merged dictionary (`external` beside other attributes, `secrets` /
//! `configs` with several sources), the typed decoding (a memory size, a duration or a number
//! written as a string that does not parse), and `checkConsistency` on the services the active
//! profiles enable (references to undefined services, networks, volumes, secrets, configs;
//! conflicting values; mounts on the same target). Compose stops at the first problem; every
//! problem is reported here.

use crate::Loaded;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::convert::{compose_string, is_null, scalar_kind};
use crate::model::{OtherKey, Service, Text};
use crate::render::service::last_in_first_place;
use crate::rules::registry;
use crate::span::Location;
use crate::yaml::{Entry, NodeId, NodeKind, PlainValue, Tree};

/// Report every consistency problem of `loaded` that makes Compose refuse the project.
pub(crate) fn check(loaded: &Loaded, unread_files: bool, diags: &mut Diagnostics) {
    let Some(root) = loaded.project.root else {
        return;
    };
    let tree = &loaded.project.tree;
    let active = crate::render::active_profiles(loaded);
    let is_enabled: Vec<bool> = loaded
        .project
        .services
        .iter()
        .map(|s| crate::render::service::enabled(tree, s, &active))
        .collect();
    let enabled: Vec<&Service> = loaded
        .project
        .services
        .iter()
        .zip(&is_enabled)
        .filter_map(|(s, &on)| on.then_some(s))
        .collect();
    // Services by name (the first of a name, as a scan finds it): a scan per dependency made
    // `config` quadratic in services.
    let mut services = std::collections::HashMap::new();
    for s in &loaded.project.services {
        services.entry(s.name(tree)).or_insert(s);
    }
    let mut enabled_at = std::collections::HashMap::new();
    for (i, s) in enabled.iter().enumerate() {
        enabled_at.entry(s.name(tree)).or_insert(i);
    }
    let mut cx = Cx {
        view: View { tree },
        root,
        default_network: default_network(tree, root),
        services,
        enabled_at,
        defined: std::collections::HashMap::new(),
        extends_failures: extends_failures(loaded),
        unread_files,
    };
    for section in OBJECT_SECTIONS.into_iter().chain(["models"]) {
        let names = cx.get(root, section).map(|k| {
            cx.entries(k.value)
                .iter()
                .map(|e| cx.key(e).key.value)
                .collect()
        });
        cx.defined.insert(section, names.unwrap_or_default());
    }
    let cx = cx;
    let mut found = diags.sibling();
    cx.top_level(&mut found);
    // The typed decoding, the transformations and the validation of the merged dictionary see
    // every service, enabled or not; checkConsistency only the services the profiles enable.
    for (svc, &on) in loaded.project.services.iter().zip(&is_enabled) {
        let mut local = found.sibling();
        cx.decoding(svc, &mut local);
        if on {
            cx.service(svc, &mut local);
        }
        cx.keep_inherited(svc, local, &mut found);
    }
    cx.container_names(&enabled, &mut found);
    cx.cycles(&enabled, &mut found);
    // One problem, one diagnostic: drop what a loading diagnostic already reports at the same
    // place (a type error on the value a cast would fail on …).
    let found = found.into_vec();
    let mut places = Places::default();
    for o in diags.iter() {
        places.add(o);
    }
    for d in found {
        let known = d
            .primary
            .as_ref()
            .is_some_and(|p| places.repeats(p.location, d.code));
        if !known {
            places.add(&d);
            diags.keep([d]);
        }
    }
}

/// Where the findings so far point, by file and start, to tell in about constant time whether
/// a new one repeats one at the same place (a scan of them all is quadratic in findings).
#[derive(Default)]
struct Places(std::collections::HashMap<crate::FileId, FilePlaces>);

/// The findings of one file.
#[derive(Default)]
struct FilePlaces {
    /// Each start, with the ends and codes of the findings there.
    starts: std::collections::BTreeMap<u32, Vec<(u32, &'static str)>>,
    /// The longest span so far (an empty span counts one byte).
    longest: u32,
}

impl Places {
    fn add(&mut self, d: &Diagnostic) {
        let Some(l) = d.primary.as_ref().map(|l| l.location) else {
            return;
        };
        let end = l.span.end.max(l.span.start + 1);
        let file = self.0.entry(l.file).or_default();
        file.longest = file.longest.max(end - l.span.start);
        file.starts
            .entry(l.span.start)
            .or_default()
            .push((end, d.code));
    }

    /// Whether a finding with `code` at `at` repeats one at an overlapping place, of the same
    /// code or FC020 (a type error on the value a cast would fail on …).
    fn repeats(&self, at: Location, code: &str) -> bool {
        let Some(FilePlaces { starts, longest }) = self.0.get(&at.file) else {
            return false;
        };
        let end = at.span.end.max(at.span.start + 1);
        // A place that overlaps starts before `end` and less than `longest` before `at`.
        let from = at.span.start.saturating_sub(*longest);
        starts.range(from..end).any(|(_, found)| {
            found.iter().any(|&(o_end, o_code)| {
                at.span.start < o_end && (o_code == code || o_code == "FC020")
            })
        })
    }
}

struct Cx<'a> {
    /// The tree and its helpers (`self.tree` reaches it through `Deref`).
    view: View<'a>,
    root: NodeId,
    /// Whether the project has a `default` network ([`default_network`]).
    default_network: bool,
    /// Every service by name.
    services: std::collections::HashMap<&'a str, &'a Service>,
    /// The services the profiles enable, by name: their index in the enabled list.
    enabled_at: std::collections::HashMap<&'a str, usize>,
    /// The names each top-level section defines (`networks`, `volumes`, …), made once: they
    /// were read from the tree for each service (10 000 services, 0.8 s).
    defined: std::collections::HashMap<&'static str, std::collections::HashSet<Text>>,
    /// Where loading reported an `extends` it could not follow ([`extends_failures`]).
    extends_failures: Vec<(crate::FileId, crate::span::Span)>,
    /// Whether the caller left files the project names unread, being too deep
    /// ([`crate::Settings::unread_files`]): what a service `extends` may be in them.
    unread_files: bool,
}

/// Where loading reported an `extends` it could not follow (FC029, FC030), sorted by file and
/// start. Gathered once: each service without an image looked through every diagnostic of
/// the load (80 000 such services, 42 s).
fn extends_failures(loaded: &Loaded) -> Vec<(crate::FileId, crate::span::Span)> {
    let mut found: Vec<(crate::FileId, crate::span::Span)> = loaded
        .diagnostics
        .iter()
        .filter(|d| matches!(d.code, "FC029" | "FC030"))
        .filter_map(|d| {
            d.primary
                .as_ref()
                .map(|p| (p.location.file, p.location.span))
        })
        .collect();
    found.sort_unstable();
    found
}

/// Whether the project has a `default` network: declared, or implied by a service that joins
/// it (compose-go's normalisation: a service without `networks`, with none, or listing
/// `default`; not a service with a `provider` or a `network_mode` key, which joins none).
fn default_network(tree: &Tree, root: NodeId) -> bool {
    let section = |name: &str| tree.get(root, name).and_then(|e| tree.mapping(e.value));
    if section("networks").is_some_and(|nets| {
        nets.iter()
            .any(|e| crate::yaml::scalar_text(tree, e.key) == Some("default"))
    }) {
        return true;
    }
    section("services").unwrap_or_default().iter().any(|s| {
        if tree.get(s.value, "provider").is_some() || tree.get(s.value, "network_mode").is_some() {
            return false;
        }
        let Some(nets) = tree.get(s.value, "networks") else {
            return true;
        };
        match tree.view(nets.value) {
            crate::yaml::View::Mapping(es) => {
                es.is_empty()
                    || es
                        .iter()
                        .any(|e| crate::yaml::scalar_text(tree, e.key) == Some("default"))
            }
            crate::yaml::View::Sequence(items) => {
                items.is_empty()
                    || items
                        .iter()
                        .any(|&i| crate::yaml::scalar_text(tree, i) == Some("default"))
            }
            crate::yaml::View::Scalar(_) => true,
        }
    })
}

/// The top-level sections whose entries may be `external`.
const OBJECT_SECTIONS: [&str; 4] = ["networks", "volumes", "secrets", "configs"];

/// The tree helpers of the checks, and the checks that need nothing but the tree (`lint`
/// shares them: see [`mount_refusals`]). [`Cx`] reaches them through `Deref`.
#[derive(Clone, Copy)]
struct View<'a> {
    tree: &'a Tree,
}

impl<'a> std::ops::Deref for Cx<'a> {
    type Target = View<'a>;

    fn deref(&self) -> &View<'a> {
        &self.view
    }
}

impl<'a> View<'a> {
    fn kind(&self, id: NodeId) -> NodeKind {
        self.tree.node(id).kind
    }

    fn entries(&self, id: NodeId) -> &'a [Entry] {
        match self.kind(id) {
            NodeKind::Mapping(e) => self.tree.entries(e),
            _ => &[],
        }
    }

    fn items(&self, id: NodeId) -> &'a [NodeId] {
        match self.kind(id) {
            NodeKind::Sequence(i) => self.tree.items(i),
            _ => &[],
        }
    }

    fn key(&self, e: &Entry) -> OtherKey {
        OtherKey::of(self.tree, e)
    }

    fn get(&self, map: NodeId, key: &str) -> Option<OtherKey> {
        self.tree.get(map, key).map(|e| self.key(e))
    }

    /// A non-null value of `map`'s `key`.
    fn value(&self, map: NodeId, key: &str) -> Option<OtherKey> {
        self.get(map, key).filter(|k| !is_null(self.tree, k.value))
    }

    /// A scalar as Compose reads it into a string field; `None` for null and collections.
    fn text(&self, id: NodeId) -> Option<Text> {
        compose_string(self.tree, id)
    }

    fn loc(&self, id: NodeId) -> Location {
        self.tree.location(id)
    }

    /// The volumes of a service as compose-go reads them: (type, source, target, item), an
    /// item of the same target as an earlier one replacing it in place (`EnforceUnicity`).
    fn volume_items(&self, svc: &Service) -> Vec<(Text, Text, Text, NodeId)> {
        // Two passes, as Compose makes them (checked with v2.40.3): on the items as written
        // (a short item keyed by its target as written), then once short items are converted
        // (their target cleaned, `/data/` → `/data`); long items keep their target as written
        // until the check. `[./a:/data, ./b:/data/]` and `[{target: /data/}, ./b:/data/]` keep
        // one item; `[{target: /data/}, {target: /data}]` keeps both, which then collide.
        let mut kept: Vec<(Text, Text, Text, bool, NodeId)> = Vec::new();
        for pass in 0..2 {
            let key = |item: &(Text, Text, Text, bool, NodeId)| -> Text {
                if pass == 1 && item.3 {
                    Text::from(crate::render::clean(&item.2))
                } else {
                    item.2.clone()
                }
            };
            let items = if pass == 0 {
                self.volume_items_as_written(svc)
            } else {
                std::mem::take(&mut kept)
            };
            kept = last_in_first_place(items.into_iter().map(|item| (Some(key(&item)), item)));
        }
        kept.into_iter()
            .map(|(kind, source, target, _, i)| (kind, source, target, i))
            .collect()
    }

    /// (type, source, target as written, short syntax, item) of each `volumes` item.
    fn volume_items_as_written(&self, svc: &Service) -> Vec<(Text, Text, Text, bool, NodeId)> {
        let Some(v) = svc.entry(self.tree, "volumes") else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for &i in self.items(v.value) {
            match self.kind(i) {
                NodeKind::Mapping(_) => {
                    let field = |k: &str| {
                        self.get(i, k)
                            .and_then(|k| self.text(k.value))
                            .unwrap_or_default()
                    };
                    out.push((field("type"), field("source"), field("target"), false, i));
                }
                _ => {
                    if let Some(spec) = self.text(i)
                        && let Some(p) = crate::render::parse::parse_volume(&spec)
                    {
                        let target = crate::merge::short_target_key(self.tree, i, p.target);
                        out.push((
                            Text::from(p.kind),
                            Text::from(p.source),
                            Text::from(target),
                            true,
                            i,
                        ));
                    }
                }
            }
        }
        out
    }

    /// A diagnostic pointing inside a value the service inherits through `<<: *anchor` points
    /// at the `<<` line instead, with a secondary label on the anchor's value.
    fn through_merge_key(&self, svc: &Service, d: Diagnostic) -> Diagnostic {
        let Some(primary) = d.primary.as_ref().map(|l| l.location) else {
            return d;
        };
        for e in self.entries(svc.node) {
            let Some(via) = self.tree.merged_from(e) else {
                continue;
            };
            let (k, v) = (self.loc(e.key), self.loc(e.value));
            let inside = |r: Location| {
                r.file == primary.file
                    && r.span.start <= primary.span.start
                    && primary.span.end <= r.span.end
            };
            if inside(k) || inside(v) {
                let mut d = d;
                d.primary = None;
                // An anchor and the `<<` using it are in the same file.
                return d.at_inherited(primary, Some(Location::new(k.file, via)));
            }
        }
        d
    }

    /// The Go type go-yaml gives a number compose-go reads only as an int64 or a string:
    /// `float64` (`1e3`, `80.0`), `uint64` (past int64); `None` for anything else.
    fn float_or_uint64(&self, id: NodeId) -> Option<&'static str> {
        match scalar_kind(self.tree, id) {
            PlainValue::Float(_) => Some("float64"),
            PlainValue::Int(n) if n > i128::from(i64::MAX) => Some("uint64"),
            _ => None,
        }
    }

    /// Add `found`, the findings of one service, to `out`: through the `<<` line when they
    /// point into a value the service inherits ([`Self::through_merge_key`]).
    fn keep_inherited(&self, svc: &Service, found: Diagnostics, out: &mut Diagnostics) {
        out.keep(
            found
                .into_vec()
                .into_iter()
                .map(|d| self.through_merge_key(svc, d)),
        );
    }

    /// Run the check `check` of one service on its own, as `lint` shares it, its findings kept
    /// as [`Self::keep_inherited`] keeps them.
    fn checked(
        &self,
        svc: &Service,
        out: &mut Diagnostics,
        check: impl Fn(&Self, &Service, &mut Diagnostics),
    ) {
        let mut found = out.sibling();
        check(self, svc, &mut found);
        self.keep_inherited(svc, found, out);
    }

    /// What Compose refuses in a service's `ports` items once they are interpolated: a short
    /// item that does not parse (`80:80/xyz`, or empty: `${PORT}` unset), a number that is a
    /// float or past int64 (`invalid type float64 for port`), a long item whose `host_ip` is no
    /// IP address.
    fn ports(&self, svc: &Service, out: &mut Diagnostics) {
        let name = svc.name(self.tree);
        let Some(ports) = svc.entry(self.tree, "ports") else {
            return;
        };
        let refused = |at: NodeId, message: String, help: &str| {
            registry::diagnostic("FC020", message)
                .at(self.loc(at))
                .with_help(help.to_owned())
        };
        for &i in self.items(ports.value) {
            match self.kind(i) {
                NodeKind::Scalar(_) => {
                    // The schema refuses a boolean, null or date item (FC020 when loading).
                    if matches!(
                        scalar_kind(self.tree, i),
                        PlainValue::Bool(_) | PlainValue::Null | PlainValue::Timestamp
                    ) {
                        continue;
                    }
                    // compose-go converts an `int` or a string item; a float (`1e3`, `80.0`)
                    // or an integer past int64 is `invalid type float64 for port`.
                    if let Some(go_type) = self.float_or_uint64(i) {
                        out.push(refused(
                            i,
                            format!("invalid type {go_type} for port in `services.{name}.ports`"),
                            "write the port as a whole number or a string",
                        ));
                        continue;
                    }
                    if let Some(spec) = self.text(i)
                        && let Some(why) = crate::render::parse::port_error(&spec)
                    {
                        out.push(refused(
                            i,
                            format!("invalid port `{spec}` in `services.{name}.ports`: {why}"),
                            "write `[HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL]` with numbers or ranges",
                        ));
                    }
                }
                NodeKind::Mapping(_) => {
                    let Some(ip) = self.get(i, "host_ip") else {
                        continue;
                    };
                    let Some(text) = self.text(ip.value) else {
                        continue;
                    };
                    if text.parse::<std::net::IpAddr>().is_err() {
                        out.push(refused(
                            ip.value,
                            format!("`services.{name}.ports[]`: invalid ip address: `{text}`"),
                            "write an IPv4 or IPv6 address (`127.0.0.1`, `::1`), or remove `host_ip`",
                        ));
                    }
                }
                NodeKind::Sequence(_) => {}
            }
        }
    }

    /// compose-go: tmpfs paths and volume targets (cleaned) must differ.
    fn mounts(&self, svc: &Service, out: &mut Diagnostics) {
        let name = svc.name(self.tree);
        // The first mount of each path, by path.
        let mut mounts: std::collections::HashMap<String, (String, Location)> =
            std::collections::HashMap::new();
        let mut push = |path: String, loc: String, at: Location, out: &mut Diagnostics| {
            if let Some((first, first_at)) = mounts.get(&path) {
                out.push(
                    registry::diagnostic(
                        "FC026",
                        format!("`{loc}`: target `{path}` already mounted as `{first}`"),
                    )
                    .at(at)
                    .with_secondary(*first_at, "first mounted here")
                    .with_help("mount one thing per container path: remove one of them or change its target"),
                );
            } else {
                mounts.insert(path, (loc, at));
            }
        };
        if let Some(t) = svc.entry(self.tree, "tmpfs") {
            let items: Vec<NodeId> = match self.kind(t.value) {
                NodeKind::Scalar(_) => vec![t.value],
                _ => self.items(t.value).to_vec(),
            };
            // Compose first keeps one item per text before `=` (`EnforceUnicity`).
            let texts = items.into_iter().filter_map(|i| Some((self.text(i)?, i)));
            let kept = last_in_first_place(texts.map(|(text, i)| {
                let key = Text::from(text.split('=').next().unwrap_or_default());
                (Some(key), (text, i))
            }));
            for (n, (_, i)) in kept.into_iter().enumerate() {
                if let Some(text) = self.text(i) {
                    let path = text.split(':').next().unwrap_or_default().to_owned();
                    push(
                        path,
                        format!("services.{name}.tmpfs[{n}]"),
                        self.loc(i),
                        out,
                    );
                }
            }
        }
        for (n, (_, _, target, item)) in self.volume_items(svc).into_iter().enumerate() {
            let at = match self.kind(item) {
                NodeKind::Mapping(_) => self
                    .get(item, "target")
                    .map_or(self.loc(item), |k| self.loc(k.value)),
                _ => self.loc(item),
            };
            push(
                crate::render::clean(&target),
                format!("services.{name}.volumes[{n}]"),
                at,
                out,
            );
        }
    }
}

impl<'a> Cx<'a> {
    /// A key's location, through its `<<` line when inherited.
    fn at(&self, k: &OtherKey, d: Diagnostic) -> Diagnostic {
        k.key.point(d)
    }

    /// The names defined under the top-level `section`.
    /// Whether the top-level `section` defines `name`.
    fn is_defined(&self, section: &str, name: &str) -> bool {
        self.defined
            .get(section)
            .is_some_and(|names| names.contains(name))
    }

    fn top_level(&self, out: &mut Diagnostics) {
        for section in OBJECT_SECTIONS {
            let Some(sec) = self.get(self.root, section) else {
                continue;
            };
            for e in self.entries(sec.value) {
                let name = self.key(e);
                let obj = e.value;
                if !matches!(self.kind(obj), NodeKind::Mapping(_)) {
                    continue;
                }
                if section != "configs" {
                    self.external_name(section, &name, obj, out);
                }
                // compose-go validates `external` beside other attributes for volumes only
                // (checked: a network or a secret with `external: true` and `labels` passes).
                if section == "volumes" {
                    self.external_conflicts(section, &name, obj, out);
                }
                if section == "secrets" || section == "configs" {
                    self.file_object(section, &name, obj, out);
                }
            }
        }
    }

    /// compose-go `checkExternal`: an object with `external: true` may set only `name` and
    /// extensions.
    fn external_conflicts(
        &self,
        section: &str,
        name: &OtherKey,
        obj: NodeId,
        out: &mut Diagnostics,
    ) {
        let Some(ext) = self.get(obj, "external") else {
            return;
        };
        let external = match self.kind(ext.value) {
            NodeKind::Mapping(_) => true,
            NodeKind::Scalar(_) => match scalar_kind(self.tree, ext.value) {
                PlainValue::Bool(b) => b,
                PlainValue::Str => self
                    .text(ext.value)
                    .and_then(|t| crate::model::convert::compose_bool(&t))
                    .unwrap_or(false),
                _ => false,
            },
            NodeKind::Sequence(_) => false,
        };
        if !external {
            return;
        }
        for e in self.entries(obj) {
            let k = self.key(e);
            let key = k.key.value.as_str();
            if matches!(key, "name" | "external") || key.starts_with("x-") {
                continue;
            }
            let path = format!("{section}.{}", name.key.value);
            out.push(
                self.at(
                    &k,
                    registry::diagnostic(
                        "FC020",
                        format!("`{path}`: conflicting parameters `external` and `{key}` specified"),
                    ),
                )
                .with_secondary(ext.key.at, "`external` is set here")
                .with_help(format!(
                    "an external {} is created outside the project: remove `{key}`, or remove `external` to let Compose create it",
                    singular(section)
                )),
            );
        }
    }

    /// compose-go `transformMaybeExternal`: the deprecated `external.name` must not differ
    /// from `name`.
    fn external_name(&self, section: &str, name: &OtherKey, obj: NodeId, out: &mut Diagnostics) {
        let Some(ext) = self.get(obj, "external") else {
            return;
        };
        let (Some(own), Some(ext_name)) = (self.get(obj, "name"), self.get(ext.value, "name"))
        else {
            return;
        };
        let (a, b) = (self.text(own.value), self.text(ext_name.value));
        if a != b {
            out.push(
                self.at(
                    &ext_name,
                    registry::diagnostic(
                        "FC020",
                        format!(
                            "`{section}.{}`: name and external.name conflict; only use name",
                            name.key.value
                        ),
                    ),
                )
                .with_secondary(own.key.at, "`name` is set here")
                .with_help("write `name:` beside `external: true` and remove the deprecated `external.name`"),
            );
        }
    }

    /// compose-go `checkFileObject` and the secrets' `file` or `environment` check.
    fn file_object(&self, section: &str, name: &OtherKey, obj: NodeId, out: &mut Diagnostics) {
        let sources: &[&str] = if section == "secrets" {
            &["file", "environment"]
        } else {
            &["file", "environment", "content"]
        };
        let set: Vec<OtherKey> = sources.iter().filter_map(|s| self.get(obj, s)).collect();
        let path = format!("{section}.{}", name.key.value);
        let list = sources.join("|");
        if set.len() > 1 {
            let mut d = self
                .at(
                    &set[1],
                    registry::diagnostic(
                        "FC020",
                        format!("`{path}`: {list} attributes are mutually exclusive"),
                    ),
                )
                .with_help(format!(
                    "keep one of `{}`: Compose takes the {} from one source",
                    sources.join("`, `"),
                    singular(section)
                ));
            d = d.with_secondary(set[0].key.at, "also set here");
            out.push(d);
            return;
        }
        let external = self.get(obj, "external").is_some();
        let driver = self.get(obj, "driver").is_some();
        // compose-go's `checkConsistency` reads the secret's fields: an empty `environment`
        // (an unset variable, often) is none.
        let file_or_environment = set.iter().any(|k| {
            k.key.value != "environment" || self.text(k.value).is_some_and(|t| !t.is_empty())
        });
        // compose-go `checkConsistency`: a secret needs a source unless it is external; one
        // with only a `driver` too (checked: a config with only a `driver` passes).
        let no_source = if set.is_empty() {
            driver.then_some((
                "",
                "say where the secret comes from (`file:` or `environment:`), or mark it `external: true`",
            ))
        } else {
            (!file_or_environment).then_some((
                ": its `environment` is empty",
                "name the variable that holds the secret (`environment: DB_PASSWORD`), or use `file:`",
            ))
        };
        if section == "secrets"
            && !external
            && let Some((why, help)) = no_source
        {
            out.push(
                self.at(
                    name,
                    registry::diagnostic(
                        "FC020",
                        format!(
                            "secret `{}` must declare either `file` or `environment`{why}",
                            name.key.value
                        ),
                    ),
                )
                .with_help(help.to_owned()),
            );
            return;
        }
        if set.is_empty() && !external && !driver {
            out.push(
                self.at(
                    name,
                    registry::diagnostic("FC020", format!("`{path}`: one of {list} must be set")),
                )
                .with_help(format!(
                    "say where the {} comes from (`file:` …), or mark it `external: true`",
                    singular(section)
                )),
            );
        }
    }

    fn service(&self, svc: &Service, out: &mut Diagnostics) {
        let name = svc.name(self.tree);
        let node = svc.node;
        let diag = |code: &'static str, message: String, help: String| {
            registry::diagnostic(code, message).with_help(help)
        };
        let build = self.value(node, "build");
        // image / build / provider
        let image = self
            .get(node, "image")
            .and_then(|k| self.text(k.value))
            .is_some_and(|t| !t.is_empty());
        if !image
            && build.is_none()
            && self.value(node, "provider").is_none()
            && !self.unresolved_extends(svc)
        {
            out.push(svc.located_name(self.tree).point(diag(
                "FC032",
                format!("service `{name}` has neither an image nor a build context specified"),
                "add `image:` (the image to run) or `build:` (where to build it)".to_owned(),
            )));
        }
        if let Some(b) = &build
            && matches!(self.kind(b.value), NodeKind::Mapping(_))
        {
            self.build_checks(svc, b.value, out);
        }
        // network_mode and networks
        let network_mode = self
            .get(node, "network_mode")
            .filter(|k| self.text(k.value).is_some_and(|t| !t.is_empty()));
        let networks = self.get(node, "networks");
        let network_names: Vec<(Text, Location, Option<Location>)> = networks
            .as_ref()
            .map(|k| self.names_of(k.value))
            .unwrap_or_default();
        if let (Some(nm), Some(nets)) = (&network_mode, &networks)
            && !network_names.is_empty()
        {
            out.push(
                self.at(
                    nets,
                    diag(
                        "FC020",
                        format!("service `{name}` declares mutually exclusive `network_mode` and `networks`"),
                        "remove `networks`, or remove `network_mode`: a service either shares another network stack or joins networks".to_owned(),
                    ),
                )
                .with_secondary(nm.key.at, "`network_mode` is set here"),
            );
        }
        for (net, at, via) in &network_names {
            let defined = if net == "default" {
                self.default_network
            } else {
                self.is_defined("networks", net)
            };
            if !defined {
                out.push(
                    diag(
                        "FC029",
                        format!("service `{name}` refers to undefined network `{net}`"),
                        format!("define `{net}` under the top-level `networks:`, or remove it from the service"),
                    )
                    .at_inherited(*at, *via),
                );
            }
        }
        self.healthcheck(svc, out);
        self.depends_on(svc, out);
        self.volumes(svc, out);
        self.refs(svc, "secrets", "secret", out);
        self.refs(svc, "configs", "config", out);
        self.refs(svc, "models", "model", out);
        self.scale_and_resources(svc, out);
        self.develop(svc, out);
        self.mounts(svc, out);
    }

    /// What Compose refuses in any service, one its profiles leave out too (checked with
    /// v2.40.3): values the typed decoding cannot read, items its transformations cannot
    /// parse, and the validation of the merged dictionary.
    fn decoding(&self, svc: &Service, out: &mut Diagnostics) {
        self.casts(svc, out);
        self.float_items(svc, out);
        self.extra_hosts(svc, out);
        self.map_values(svc, out);
        self.file_modes(svc, out);
        self.negative_retries(svc, out);
        self.validation(svc, out);
        self.short_syntax(svc, out);
        self.ports(svc, out);
    }

    /// A float where the schema takes a number but Compose reads strings and integers only
    /// (v2.40.3): `group_add` decodes into strings (an integer converts, a float does not:
    /// "expected type 'string', got unconvertible type 'float64'"), and `expose` is made
    /// unique by a key of a string or an integer ("unsupported expose value").
    fn float_items(&self, svc: &Service, out: &mut Diagnostics) {
        let name = svc.name(self.tree);
        for key in ["group_add", "expose"] {
            let Some(e) = svc.entry(self.tree, key) else {
                continue;
            };
            for (n, &i) in self.items(e.value).iter().enumerate() {
                let node = self.tree.node(i);
                let NodeKind::Scalar(written) = node.kind else {
                    continue;
                };
                // Past int64, go-yaml decodes a `uint64`: no group or `expose` port either.
                let float = match self.float_or_uint64(i) {
                    Some("float64") => "a float",
                    Some(_) => "a uint64",
                    None => continue,
                };
                let value = self.tree.text(written);
                let (what, help) = if key == "group_add" {
                    (
                        "a group",
                        "write the group's name or its id as a whole number (`1000`)",
                    )
                } else {
                    (
                        "a port",
                        "write the port as a whole number (`8080`) or a string (`\"8080/udp\"`)",
                    )
                };
                out.push(self.refused(
                    i,
                    format!(
                        "`services.{name}.{key}[{n}]`: `{value}` is {float}, which Compose does not read as {what}"
                    ),
                    help,
                ));
            }
        }
    }

    /// Mapping values compose-go cannot decode: a `ulimits` entry and a `storage_opt` value.
    fn map_values(&self, svc: &Service, out: &mut Diagnostics) {
        let name = svc.name(self.tree);
        // A `ulimits` entry written as one number must be an integer of int64 ("invalid type
        // float64 for external").
        if let Some(e) = svc.entry(self.tree, "ulimits") {
            for entry in self.tree.mapping(e.value).unwrap_or_default() {
                let Some(go) = self.float_or_uint64(entry.value) else {
                    continue;
                };
                let key = crate::yaml::scalar_text(self.tree, entry.key).unwrap_or("?");
                let value = crate::yaml::scalar_text(self.tree, entry.value).unwrap_or_default();
                out.push(self.refused(
                    entry.value,
                    format!(
                        "`services.{name}.ulimits.{key}`: `{value}` is a {go}, which Compose does not read as a limit"
                    ),
                    "write the limit as a whole number, or as `{soft: …, hard: …}`",
                ));
            }
        }
        // `storage_opt` decodes into strings: an integer converts, a boolean or a float does
        // not ("expected type 'string', got unconvertible type 'bool'").
        if let Some(e) = svc.entry(self.tree, "storage_opt") {
            for entry in self.tree.mapping(e.value).unwrap_or_default() {
                let node = self.tree.node(entry.value);
                let NodeKind::Scalar(written) = node.kind else {
                    continue;
                };
                let what = match scalar_kind(self.tree, entry.value) {
                    PlainValue::Bool(_) => "a boolean",
                    PlainValue::Float(_) => "a float",
                    PlainValue::Timestamp => "a timestamp",
                    PlainValue::Int(n) if n > i128::from(i64::MAX) => "a uint64",
                    _ => continue,
                };
                let key = crate::yaml::scalar_text(self.tree, entry.key).unwrap_or("?");
                let value = self.tree.text(written);
                out.push(self.refused(
                    entry.value,
                    format!(
                        "`services.{name}.storage_opt.{key}`: `{value}` is {what}, which Compose does not read as a string"
                    ),
                    &format!("quote the value: `{key}: \"{value}\"`"),
                ));
            }
        }
    }

    /// A string node's text (a scalar go-yaml decodes as a string), for the casts below.
    fn string_scalar(&self, id: NodeId) -> Option<Text> {
        let node = self.tree.node(id);
        (matches!(node.kind, NodeKind::Scalar(_))
            && matches!(scalar_kind(self.tree, id), PlainValue::Str))
        .then(|| self.text(id))
        .flatten()
    }

    /// FC020 at `id`.
    fn refused(&self, id: NodeId, message: String, help: &str) -> Diagnostic {
        registry::diagnostic("FC020", message)
            .at(self.loc(id))
            .with_help(help.to_owned())
    }

    /// A negative `healthcheck.retries`: compose-go decodes it into a `uint64` ("cannot parse
    /// value as 'uint64': -1 overflows uint").
    fn negative_retries(&self, svc: &Service, out: &mut Diagnostics) {
        let Some(retries) = self
            .value(svc.node, "healthcheck")
            .and_then(|h| self.value(h.value, "retries"))
        else {
            return;
        };
        let negative = match scalar_kind(self.tree, retries.value) {
            PlainValue::Int(n) => n < 0,
            PlainValue::Float(f) => f < 0.0,
            PlainValue::Str => self
                .text(retries.value)
                .and_then(|t| t.parse::<i128>().ok())
                .is_some_and(|n| n < 0),
            _ => false,
        };
        if negative {
            let text = crate::yaml::scalar_text(self.tree, retries.value).unwrap_or_default();
            out.push(self.refused(
                retries.value,
                format!(
                    "`services.{}.healthcheck.retries`: `{text}` is negative, which Compose does not read as a count",
                    svc.name(self.tree)
                ),
                "write how many failures in a row make the container unhealthy, 0 or more",
            ));
        }
    }

    /// compose-go's `HostsList`: a list item is `HOST=IP` or `HOST:IP` ("invalid additional
    /// host, missing IP"), a host is not empty and holds neither separator ("bad host name"),
    /// a mapping value is a string, a list or null.
    fn extra_hosts(&self, svc: &Service, out: &mut Diagnostics) {
        let name = svc.name(self.tree);
        let Some(e) = svc.entry(self.tree, "extra_hosts") else {
            return;
        };
        let bad_host = |host: &str| host.is_empty() || host.contains([':', '=']);
        let help = "write each entry as `HOST:IP` or `HOST=IP` (`myhost:10.0.0.2`)";
        match self.kind(e.value) {
            NodeKind::Sequence(_) => {
                for &item in self.items(e.value) {
                    let Some(text) = self.text(item) else {
                        continue;
                    };
                    let message = match text.split_once('=').or_else(|| text.split_once(':')) {
                        None => format!(
                            "invalid additional host `{text}` in `services.{name}.extra_hosts`: it has no IP"
                        ),
                        Some((host, _)) if bad_host(host) => {
                            format!("bad host name `{host}` in `services.{name}.extra_hosts`")
                        }
                        Some(_) => continue,
                    };
                    out.push(self.refused(item, message, help));
                }
            }
            NodeKind::Mapping(_) => {
                for entry in self.tree.mapping(e.value).unwrap_or_default() {
                    let host = crate::yaml::scalar_text(self.tree, entry.key).unwrap_or_default();
                    if bad_host(host) {
                        out.push(self.refused(
                            entry.key,
                            format!("bad host name `{host}` in `services.{name}.extra_hosts`"),
                            help,
                        ));
                    }
                    let node = self.tree.node(entry.value);
                    let scalar = matches!(node.kind, NodeKind::Scalar(_))
                        && matches!(
                            scalar_kind(self.tree, entry.value),
                            PlainValue::Str | PlainValue::Null
                        );
                    if !scalar && !matches!(node.kind, NodeKind::Sequence(_)) {
                        out.push(self.refused(
                            entry.value,
                            format!(
                                "`services.{name}.extra_hosts.{host}`: {} is not an IP address or a list of them",
                                crate::model::convert::describe(self.tree, entry.value)
                            ),
                            "write the IP address as a string (`\"10.0.0.2\"`)",
                        ));
                    }
                }
            }
            NodeKind::Scalar(_) => {}
        }
    }

    /// File modes compose-go cannot decode: a string `mode` of a secret or config is read in
    /// octal (`strconv.ParseInt(s, 8, 32)`), a long tmpfs volume's `mode` must be a number.
    fn file_modes(&self, svc: &Service, out: &mut Diagnostics) {
        let name = svc.name(self.tree);
        for key in ["secrets", "configs"] {
            let Some(e) = svc.entry(self.tree, key) else {
                continue;
            };
            for (n, &item) in self.items(e.value).iter().enumerate() {
                let Some(mode) = self.value(item, "mode") else {
                    continue;
                };
                // A number must be an integer of int64 ("unexpected value type float64").
                if let Some(go) = self.float_or_uint64(mode.value) {
                    let text = crate::yaml::scalar_text(self.tree, mode.value).unwrap_or_default();
                    out.push(self.refused(
                        mode.value,
                        format!(
                            "`services.{name}.{key}[{n}].mode`: `{text}` is a {go}, which Compose does not read as a file mode"
                        ),
                        "write the mode as an octal integer, as `0440`",
                    ));
                    continue;
                }
                if let Some(text) = self.string_scalar(mode.value)
                    && i64::from_str_radix(&text, 8).is_err()
                {
                    out.push(self.refused(
                        mode.value,
                        format!(
                            "`services.{name}.{key}[{n}].mode`: `{text}` is not an octal file mode"
                        ),
                        "write the mode in octal, as `0440` or `\"440\"`",
                    ));
                }
            }
        }
        let Some(e) = svc.entry(self.tree, "volumes") else {
            return;
        };
        for (n, &item) in self.items(e.value).iter().enumerate() {
            if let Some(mode) = self
                .value(item, "tmpfs")
                .and_then(|t| self.value(t.value, "mode"))
                && let Some(text) = self.string_scalar(mode.value)
            {
                out.push(self.refused(
                    mode.value,
                    format!(
                        "`services.{name}.volumes[{n}].tmpfs.mode`: `{text}` is a string, which Compose does not read as a mode"
                    ),
                    "write the mode as a number, as `01777` (unquoted)",
                ));
            }
        }
    }

    /// What compose-go's transformation refuses in `volumes` and `devices` items (`ports`: see
    /// [`port_refusals`]): a short item that does not parse, a long `bind` without `source`, a
    /// long volume without `target`.
    fn short_syntax(&self, svc: &Service, out: &mut Diagnostics) {
        let name = svc.name(self.tree);
        let mut bad = |at: Location, message: String, help: &str| {
            out.push(
                registry::diagnostic("FC020", message)
                    .at(at)
                    .with_help(help.to_owned()),
            );
        };
        if let Some(v) = svc.entry(self.tree, "volumes") {
            for (n, &i) in self.items(v.value).iter().enumerate() {
                match self.kind(i) {
                    NodeKind::Mapping(_) => {
                        let ty = self.get(i, "type").and_then(|k| self.text(k.value));
                        if self.get(i, "target").is_none() {
                            bad(
                                self.loc(i),
                                format!(
                                    "service volume `services.{name}.volumes[{n}]` is missing a mount target"
                                ),
                                "add `target:` (the path inside the container)",
                            );
                        } else if ty.as_deref() == Some("bind")
                            && self
                                .get(i, "source")
                                .and_then(|k| self.text(k.value))
                                .is_none_or(|t| t.is_empty())
                        {
                            bad(
                                self.loc(i),
                                format!(
                                    "invalid mount config for type `bind` in `services.{name}.volumes[{n}]`: field `source` must not be empty"
                                ),
                                "add `source:` (the host path to mount)",
                            );
                        }
                    }
                    NodeKind::Scalar(_) => {
                        if let Some(spec) = self.text(i)
                            && crate::render::parse::parse_volume(&spec).is_none()
                        {
                            bad(
                                self.loc(i),
                                format!(
                                    "invalid volume spec `{spec}` in `services.{name}.volumes`"
                                ),
                                "write `SOURCE:TARGET[:OPTIONS]` (one colon between parts), or use the long syntax",
                            );
                        }
                    }
                    NodeKind::Sequence(_) => {}
                }
            }
        }
        if let Some(d) = svc.entry(self.tree, "devices") {
            for (n, &i) in self.items(d.value).iter().enumerate() {
                // `deviceMappingIndexer` keys a long item by its `target` (the schema refuses
                // one that is not a string).
                if let NodeKind::Mapping(_) = self.kind(i)
                    && self.get(i, "target").is_none()
                {
                    bad(
                        self.loc(i),
                        format!(
                            "service device `services.{name}.devices[{n}]` is missing a mount target"
                        ),
                        "add `target:` (the device path inside the container)",
                    );
                }
                if let NodeKind::Scalar(_) = self.kind(i)
                    && let Some(spec) = self.text(i)
                    && spec.split(':').count() > 3
                {
                    bad(
                        self.loc(i),
                        format!(
                            "confusing device mapping `{spec}` in `services.{name}.devices`, please use long syntax"
                        ),
                        "write the device as `{source: …, target: …, permissions: …}`",
                    );
                }
            }
        }
    }

    /// compose-go's `validation` of service values (a long-syntax port's `host_ip`: see
    /// [`port_refusals`]): a device request sets `count` or `device_ids` (not both), a watch
    /// `path` is not blank.
    fn validation(&self, svc: &Service, out: &mut Diagnostics) {
        let name = svc.name(self.tree);
        let node = svc.node;
        let mut requests: Vec<(String, NodeId)> = Vec::new();
        if let Some(g) = svc.entry(self.tree, "gpus") {
            for &i in self.items(g.value) {
                requests.push((format!("services.{name}.gpus[]"), i));
            }
        }
        if let Some(d) = self.value(node, "deploy")
            && let Some(r) = self.value(d.value, "resources")
            && let Some(res) = self.value(r.value, "reservations")
            && let Some(devs) = self.value(res.value, "devices")
        {
            for &i in self.items(devs.value) {
                requests.push((
                    format!("services.{name}.deploy.resources.reservations.devices[]"),
                    i,
                ));
            }
        }
        for (path, i) in requests {
            // A string `count` is `all` (any case) or a whole number (`strconv.Atoi`).
            if let Some(count) = self.get(i, "count")
                && let Some(text) = self.string_scalar(count.value)
                && !text.eq_ignore_ascii_case("all")
                && text.parse::<i64>().is_err()
            {
                out.push(self.refused(
                    count.value,
                    format!(
                        "`{path}`: invalid count `{text}`, the only value allowed is `all` or a number"
                    ),
                    "write `count: all` or a whole number of devices",
                ));
            }
            if let (Some(_), Some(ids)) = (self.get(i, "count"), self.get(i, "device_ids")) {
                out.push(self.at(
                    &ids,
                    registry::diagnostic(
                        "FC020",
                        format!("`{path}`: `count` and `device_ids` attributes are exclusive"),
                    )
                    .with_help("keep `count` (how many devices) or `device_ids` (which ones), not both"),
                ));
            }
        }
        if let Some(dev) = svc.entry(self.tree, "develop")
            && let Some(watch) = self.get(dev.value, "watch")
        {
            for &w in self.items(watch.value) {
                if let Some(p) = self.get(w, "path")
                    && self.text(p.value).is_some_and(|t| t.is_empty())
                {
                    out.push(
                        registry::diagnostic(
                            "FC020",
                            format!("`services.{name}.develop.watch[].path`: value can't be blank"),
                        )
                        .at(self.loc(p.value))
                        .with_help("write the path on the host to watch"),
                    );
                }
            }
        }
    }

    /// Whether the service `extends` a service or file loading could not find (already
    /// reported), or files were left unread: what it would inherit is unknown.
    fn unresolved_extends(&self, svc: &Service) -> bool {
        let Some(ext) = svc.entry(self.tree, "extends") else {
            return false;
        };
        if self.unread_files {
            return true;
        }
        let (k, v) = (ext.key.at, self.loc(ext.value));
        // A failure inside `within` starts in it: the sorted list is searched from the first
        // that starts at or after it, until one starts past its end.
        let inside = |within: Location| {
            let from = self.extends_failures.partition_point(|&(file, span)| {
                (file, span.start) < (within.file, within.span.start)
            });
            self.extends_failures[from..]
                .iter()
                .take_while(|&&(file, span)| file == within.file && span.start <= within.span.end)
                .any(|&(_, span)| span.end <= within.span.end)
        };
        inside(k) || inside(v)
    }

    /// Names of a list (`[a, b]`) or the keys of a mapping, located.
    fn names_of(&self, id: NodeId) -> Vec<(Text, Location, Option<Location>)> {
        match self.kind(id) {
            NodeKind::Mapping(entries) => self
                .tree
                .entries(entries)
                .iter()
                .map(|e| {
                    let k = self.key(e);
                    (k.key.value, k.key.at, k.key.via)
                })
                .collect(),
            NodeKind::Sequence(items) => self
                .tree
                .items(items)
                .iter()
                .filter_map(|&i| self.text(i).map(|t| (t, self.loc(i), None)))
                .collect(),
            NodeKind::Scalar(_) => Vec::new(),
        }
    }

    fn build_checks(&self, svc: &Service, build: NodeId, out: &mut Diagnostics) {
        let name = svc.name(self.tree);
        if let (Some(_), Some(inline)) = (
            self.value(build, "dockerfile")
                .filter(|k| self.text(k.value).is_some_and(|t| !t.is_empty())),
            self.value(build, "dockerfile_inline")
                .filter(|k| self.text(k.value).is_some_and(|t| !t.is_empty())),
        ) {
            out.push(self.at(
                &inline,
                registry::diagnostic(
                    "FC020",
                    format!("service `{name}` declares mutually exclusive `dockerfile` and `dockerfile_inline`"),
                )
                .with_help("keep `dockerfile` (a file) or `dockerfile_inline` (the text), not both"),
            ));
        }
        // compose-go's transformSSH: a list item is `ID=PATH`, or `default` alone.
        if let Some(ssh) = self.get(build, "ssh") {
            for &item in self.items(ssh.value) {
                let Some(text) = self.text(item) else {
                    continue;
                };
                if !text.contains('=') && text != "default" {
                    out.push(
                        registry::diagnostic(
                            "FC020",
                            format!("service `{name}`: invalid ssh key `{text}` in `build.ssh`"),
                        )
                        .at(self.loc(item))
                        .with_help("write `ID=PATH` (the agent socket or key file to forward), or `default` alone"),
                    );
                }
            }
        }
        if let Some(secrets) = self.get(build, "secrets") {
            for (source, at) in self.sources(secrets.value) {
                if !self.is_defined("secrets", &source) {
                    out.push(
                        registry::diagnostic(
                            "FC029",
                            format!("service `{name}` refers to undefined build secret `{source}`"),
                        )
                        .at(at)
                        .with_help(format!(
                            "define `{source}` under the top-level `secrets:`, or remove it from `build.secrets`"
                        )),
                    );
                }
            }
        }
        if let Some(ctx) = self.get(build, "additional_contexts") {
            for e in self.entries(ctx.value) {
                let k = self.key(e);
                let Some(target) = self
                    .text(e.value)
                    .and_then(|t| t.strip_prefix("service:").map(Text::from))
                else {
                    continue;
                };
                let problem = match self.services.get(target.as_str()) {
                    None => "unknown",
                    Some(t) if self.value(t.node, "build").is_none() => "non-buildable",
                    Some(_) => continue,
                };
                out.push(
                    registry::diagnostic(
                        "FC029",
                        format!(
                            "service `{name}` declares {problem} service `{target}` as additional contexts {}",
                            k.key.value
                        ),
                    )
                    .at(self.loc(e.value))
                    .with_help("name a service of the project that has `build:`"),
                );
            }
        }
        if let (Some(platforms), Some(platform)) = (
            self.get(build, "platforms"),
            svc.entry(self.tree, "platform")
                .and_then(|k| self.text(k.value).filter(|t| !t.is_empty()).map(|t| (k, t))),
        ) {
            let list: Vec<Text> = self
                .items(platforms.value)
                .iter()
                .filter_map(|&i| self.text(i))
                .collect();
            if !list.is_empty() && !list.contains(&platform.1) {
                out.push(
                    self.at(
                        &platform.0,
                        registry::diagnostic(
                            "FC020",
                            format!(
                                "`service.build.platforms` must include `service.platform` `{}`",
                                platform.1
                            ),
                        )
                        .with_help(
                            "add the service's `platform` to `build.platforms`, or change it",
                        ),
                    ),
                );
            }
        }
    }

    /// The `source`s of a `secrets` / `configs` list (short names or `source:` of long items).
    /// The names a service's `secrets`, `configs` (items or their `source`) or `models` (items,
    /// or the keys of the map form) refer to.
    fn sources(&self, id: NodeId) -> Vec<(Text, Location)> {
        if let NodeKind::Mapping(entries) = self.kind(id) {
            return self
                .tree
                .entries(entries)
                .iter()
                .filter_map(|e| self.text(e.key).map(|t| (t, self.loc(e.key))))
                .collect();
        }
        self.items(id)
            .iter()
            .filter_map(|&i| match self.kind(i) {
                NodeKind::Mapping(_) => self
                    .get(i, "source")
                    .and_then(|k| self.text(k.value).map(|t| (t, self.loc(k.value)))),
                _ => self.text(i).map(|t| (t, self.loc(i))),
            })
            .collect()
    }

    fn refs(&self, svc: &Service, key: &str, what: &str, out: &mut Diagnostics) {
        let Some(k) = svc.entry(self.tree, key) else {
            return;
        };
        let name = svc.name(self.tree);
        for (source, at) in self.sources(k.value) {
            if !self.is_defined(key, &source) {
                out.push(
                    registry::diagnostic(
                        "FC029",
                        format!("service `{name}` refers to undefined {what} `{source}`"),
                    )
                    .at(at)
                    .with_help(format!(
                        "define `{source}` under the top-level `{key}:`, or remove it from the service"
                    )),
                );
            }
        }
    }

    fn healthcheck(&self, svc: &Service, out: &mut Diagnostics) {
        let Some(hc) = svc.entry(self.tree, "healthcheck") else {
            return;
        };
        let Some(test) = self.get(hc.value, "test") else {
            return;
        };
        let Some(&first) = self.items(test.value).first() else {
            return;
        };
        let Some(t) = self.text(first) else { return };
        if !matches!(t.as_str(), "CMD" | "CMD-SHELL" | "NONE") {
            out.push(
                registry::diagnostic(
                    "FC020",
                    "`healthcheck.test` must start either by `CMD`, `CMD-SHELL` or `NONE`",
                )
                .at(self.loc(first))
                .with_help("write `[CMD, prog, arg…]`, `[CMD-SHELL, \"command\"]`, or a string (run by the shell)"),
            );
        }
    }

    /// `depends_on` and the dependencies `links`, `network_mode: service:x` (and `ipc`, `pid`,
    /// `uts`, `cgroup`) and `volumes_from` imply: each must name an enabled service, or a
    /// service a profile disables when the dependency is `required: false`.
    fn depends_on(&self, svc: &Service, out: &mut Diagnostics) {
        let name = svc.name(self.tree);
        for (dep, required, at, via, what) in self.deps_of(svc) {
            if self.enabled_at.contains_key(dep.as_str()) {
                continue;
            }
            let exists = self.services.contains_key(dep.as_str());
            if exists && !required {
                continue;
            }
            let (message, help) = if exists {
                (
                    format!(
                        "service `{name}` depends on service `{dep}`, which no active profile enables"
                    ),
                    format!(
                        "activate one of `{dep}`'s profiles (`COMPOSE_PROFILES`), or set `required: false` on the dependency"
                    ),
                )
            } else {
                (
                    format!("service `{name}` depends on undefined service `{dep}`"),
                    if what == "depends_on" {
                        format!("define the service `{dep}`, or remove it from `depends_on`")
                    } else {
                        format!("define the service `{dep}`: `{what}` makes `{name}` depend on it")
                    },
                )
            };
            out.push(
                registry::diagnostic("FC029", message)
                    .at_inherited(at, via)
                    .with_help(help),
            );
        }
    }

    /// A service's dependencies after compose-go's normalisation: (service, required, where,
    /// via `<<`, the key that wrote it).
    fn deps_of(&self, svc: &Service) -> Vec<Dep> {
        let mut deps: Vec<Dep> = Vec::new();
        if let Some(d) = svc.entry(self.tree, "depends_on") {
            match self.kind(d.value) {
                NodeKind::Mapping(entries) => {
                    for e in self.tree.entries(entries) {
                        let k = self.key(e);
                        let required = self
                            .get(e.value, "required")
                            .and_then(|r| match scalar_kind(self.tree, r.value) {
                                PlainValue::Bool(b) => Some(b),
                                PlainValue::Str => self
                                    .text(r.value)
                                    .and_then(|t| crate::model::convert::compose_bool(&t)),
                                _ => None,
                            })
                            .unwrap_or(true);
                        deps.push((k.key.value, required, k.key.at, k.key.via, "depends_on"));
                    }
                }
                NodeKind::Sequence(items) => {
                    for &i in self.tree.items(items) {
                        if let Some(t) = self.text(i) {
                            deps.push((t, true, self.loc(i), None, "depends_on"));
                        }
                    }
                }
                NodeKind::Scalar(_) => {}
            }
        }
        // The names already depended on, kept beside `deps` so that a service with many links
        // checks each implied dependency in constant time instead of scanning the list.
        let mut named: std::collections::HashSet<Text> = deps.iter().map(|d| d.0.clone()).collect();
        let mut implied = |dep: Text, at: Location, via: Option<Location>, what: &'static str| {
            if named.insert(dep.clone()) {
                deps.push((dep, true, at, via, what));
            }
        };
        if let Some(l) = svc.entry(self.tree, "links") {
            for &i in self.items(l.value) {
                if let Some(link) = self.text(i) {
                    let dep = crate::model::link_target(&link);
                    implied(Text::from(dep), self.loc(i), None, "links");
                }
            }
        }
        for ns in ["network_mode", "ipc", "pid", "uts", "cgroup"] {
            if let Some(k) = svc.entry(self.tree, ns)
                && let Some(t) = self.text(k.value)
                && let Some(shared) = t.strip_prefix("service:")
            {
                let what: &'static str = match ns {
                    "network_mode" => "network_mode",
                    "ipc" => "ipc",
                    "pid" => "pid",
                    "uts" => "uts",
                    _ => "cgroup",
                };
                implied(Text::from(shared), self.loc(k.value), k.key.via, what);
            }
        }
        if let Some(v) = svc.entry(self.tree, "volumes_from") {
            for &i in self.items(v.value) {
                if let Some(t) = self.text(i).filter(|t| !t.starts_with("container:")) {
                    let dep = t.split(':').next().unwrap_or_default();
                    implied(Text::from(dep), self.loc(i), None, "volumes_from");
                }
            }
        }
        deps
    }

    /// compose-go `graph.CheckCycle`: the enabled services' dependencies must not go round.
    fn cycles(&self, enabled: &[&Service], out: &mut Diagnostics) {
        let graph: Vec<Vec<(usize, Location, Option<Location>)>> = enabled
            .iter()
            .map(|s| {
                self.deps_of(s)
                    .into_iter()
                    .filter_map(|d| {
                        let i = *self.enabled_at.get(d.0.as_str())?;
                        Some((i, d.2, d.3))
                    })
                    .collect()
            })
            .collect();
        // 0 unvisited, 1 on the stack, 2 done
        let mut state = vec![0_u8; enabled.len()];
        for start in 0..enabled.len() {
            if state[start] != 0 {
                continue;
            }
            // iterative DFS: (node, next edge)
            let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
            state[start] = 1;
            while let Some(&mut (n, ref mut next)) = stack.last_mut() {
                let Some(&(m, at, via)) = graph[n].get(*next) else {
                    state[n] = 2;
                    stack.pop();
                    continue;
                };
                *next += 1;
                match state[m] {
                    0 => {
                        state[m] = 1;
                        stack.push((m, 0));
                    }
                    1 => {
                        let from = stack.iter().position(|(x, _)| *x == m).unwrap_or(0);
                        let mut chain: Vec<&str> = stack[from..]
                            .iter()
                            .map(|(x, _)| enabled[*x].name(self.tree))
                            .collect();
                        chain.push(enabled[m].name(self.tree));
                        out.push(
                            registry::diagnostic(
                                "FC030",
                                format!(
                                    "dependency cycle detected: {}",
                                    crate::diagnostic::chain_text(&chain, " -> ")
                                ),
                            )
                            .at_inherited(at, via)
                            .with_help("break the cycle: remove one of these dependencies"),
                        );
                    }
                    _ => {}
                }
            }
        }
    }

    fn volumes(&self, svc: &Service, out: &mut Diagnostics) {
        for (kind, source, _, item) in self.volume_items(svc) {
            if kind == "volume" && !source.is_empty() && !self.is_defined("volumes", &source) {
                let at = match self.kind(item) {
                    NodeKind::Mapping(_) => self
                        .get(item, "source")
                        .map_or(self.loc(item), |k| self.loc(k.value)),
                    _ => self.loc(item),
                };
                out.push(
                    registry::diagnostic(
                        "FC029",
                        format!(
                            "service `{}` refers to undefined volume `{source}`",
                            svc.name(self.tree)
                        ),
                    )
                    .at(at)
                    .with_help(format!(
                        "define `{source}` under the top-level `volumes:`, or write a path (`./{source}`) to mount a host folder"
                    )),
                );
            }
        }
    }

    fn scale_and_resources(&self, svc: &Service, out: &mut Diagnostics) {
        let name = svc.name(self.tree);
        let node = svc.node;
        let deploy = self.value(node, "deploy");
        // A whole float (the schema refuses the others) decodes as Go converts it: `1e19` is
        // negative (past int64).
        // A uint64 (past int64) wraps as Go's `int64(u)` does: 2^63 is negative too.
        let int = |id: NodeId| match scalar_kind(self.tree, id) {
            PlainValue::Float(f) if f.fract() == 0.0 => {
                Some(crate::render::parse::go_f64_to_i64(f))
            }
            PlainValue::Float(_) => None,
            PlainValue::Int(i) if i > i128::from(i64::MAX) => {
                Some(crate::render::parse::go_u64_to_i64(i))
            }
            _ => self.text(id).and_then(|t| t.trim().parse::<i64>().ok()),
        };
        let scale = self
            .value(node, "scale")
            .and_then(|k| int(k.value).map(|v| (k, v)));
        let replicas = deploy
            .as_ref()
            .and_then(|d| self.value(d.value, "replicas"))
            .and_then(|k| int(k.value).map(|v| (k, v)));
        if let (Some(s), Some(_)) = (&scale, &deploy)
            && let Some(r) = &replicas
            && s.1 != r.1
        {
            out.push(
                self.at(
                    &s.0,
                    registry::diagnostic(
                        "FC020",
                        format!("`services.{name}`: can't set distinct values on `scale` and `deploy.replicas`"),
                    ),
                )
                .with_secondary(r.0.key.at, "`deploy.replicas` is set here")
                .with_help("keep one of them, or give both the same value"),
            );
        }
        for (k, v, path) in [
            scale.as_ref().map(|s| (&s.0, s.1, "scale")),
            replicas.as_ref().map(|r| (&r.0, r.1, "deploy.replicas")),
        ]
        .into_iter()
        .flatten()
        {
            if v < 0 {
                out.push(
                    self.at(
                        k,
                        registry::diagnostic(
                            "FC020",
                            format!("`services.{name}.{path}` must be greater than or equal to 0"),
                        )
                        .with_help("write a number of containers, 0 or more"),
                    ),
                );
            }
        }
        let scale_value = scale
            .as_ref()
            .map(|s| s.1)
            .or_else(|| replicas.as_ref().map(|r| r.1))
            .unwrap_or(1);
        if scale_value > 1
            && let Some(cn) = svc
                .entry(self.tree, "container_name")
                .filter(|k| self.text(k.value).is_some_and(|t| !t.is_empty()))
        {
            let attr = if scale.is_some() {
                "scale"
            } else {
                "deploy.replicas"
            };
            out.push(
                self.at(
                    &cn,
                    registry::diagnostic(
                        "FC020",
                        format!("`services.{name}`: can't set `container_name` and `{attr}` as container name must be unique"),
                    ),
                )
                .with_help("remove `container_name` (Compose names each container), or run one container"),
            );
        }
        let Some(deploy) = deploy else { return };
        let resources = self.value(deploy.value, "resources");
        let section = |s: &str| resources.as_ref().and_then(|r| self.get(r.value, s));
        let limits = section("limits");
        let reservations = section("reservations");
        let pairs: [(&str, &Option<OtherKey>, &str, Kind); 4] = [
            ("cpus", &limits, "cpus", Kind::Cpus),
            ("mem_limit", &limits, "memory", Kind::Bytes),
            ("mem_reservation", &reservations, "memory", Kind::Bytes),
            ("pids_limit", &limits, "pids", Kind::Int),
        ];
        for (key, sect, field, kind) in pairs {
            let Some(own) = self.value(node, key) else {
                continue;
            };
            let Some(own_v) = kind.read(self, own.value) else {
                continue;
            };
            if own_v == 0.0 {
                continue;
            }
            let Some(sect) = sect
                .as_ref()
                .filter(|s| matches!(self.kind(s.value), NodeKind::Mapping(_)))
            else {
                continue;
            };
            let other = self.get(sect.value, field);
            let other_v = match &other {
                Some(o) => match kind.read(self, o.value) {
                    Some(v) => v,
                    None => continue,
                },
                None => 0.0,
            };
            // compose-go keeps `cpus` as a float32 on both sides; sizes and counts are int64.
            #[allow(clippy::float_cmp, clippy::cast_possible_truncation)]
            let differ = match kind {
                Kind::Cpus => own_v as f32 != other_v as f32,
                _ => own_v != other_v,
            };
            if differ {
                let which = if key == "mem_reservation" {
                    "reservations"
                } else {
                    "limits"
                };
                let mut d = self.at(
                    &own,
                    registry::diagnostic(
                        "FC020",
                        format!("`services.{name}`: can't set distinct values on `{key}` and `deploy.resources.{which}.{field}`"),
                    ),
                )
                .with_help("keep one of them, or give both the same value");
                d = match &other {
                    Some(o) => d.with_secondary(o.key.at, "set differently here"),
                    None => d.with_secondary(sect.key.at, format!("`{field}` is not set here")),
                };
                out.push(d);
            }
        }
    }

    fn develop(&self, svc: &Service, out: &mut Diagnostics) {
        let Some(dev) = svc.entry(self.tree, "develop") else {
            return;
        };
        let Some(watch) = self.get(dev.value, "watch") else {
            return;
        };
        for &w in self.items(watch.value) {
            let target = self
                .get(w, "target")
                .and_then(|k| self.text(k.value))
                .unwrap_or_default();
            let action = self
                .get(w, "action")
                .and_then(|k| self.text(k.value))
                .unwrap_or_default();
            if target.is_empty() && action != "rebuild" && action != "restart" {
                out.push(
                    registry::diagnostic(
                        "FC020",
                        format!(
                            "`services.{}.develop.watch`: target is required for non-rebuild actions",
                            svc.name(self.tree)
                        ),
                    )
                    .at(self.loc(w))
                    .with_help("add `target:` (the path in the container to sync to), or use `action: rebuild`"),
                );
            }
        }
    }

    /// Strings where Compose decodes a size, a duration or a number, that do not parse.
    fn casts(&self, svc: &Service, out: &mut Diagnostics) {
        let name = svc.name(self.tree);
        let node = svc.node;
        let mut fields: Vec<(String, NodeId, Kind)> = Vec::new();
        for key in ["mem_limit", "mem_reservation", "memswap_limit", "shm_size"] {
            if let Some(k) = self.value(node, key) {
                fields.push((format!("services[{name}].{key}"), k.value, Kind::Bytes));
            }
        }
        if let Some(k) = self.value(node, "cpus") {
            fields.push((format!("services[{name}].cpus"), k.value, Kind::Cpus));
        }
        if let Some(b) = self.value(node, "build")
            && let Some(k) = self.value(b.value, "shm_size")
        {
            fields.push((
                format!("services[{name}].build.shm_size"),
                k.value,
                Kind::Bytes,
            ));
        }
        if let Some(d) = self.value(node, "deploy")
            && let Some(r) = self.value(d.value, "resources")
        {
            for sect in ["limits", "reservations"] {
                if let Some(s) = self.value(r.value, sect) {
                    if let Some(k) = self.value(s.value, "memory") {
                        fields.push((
                            format!("services[{name}].deploy.resources.{sect}.memory"),
                            k.value,
                            Kind::Bytes,
                        ));
                    }
                    if let Some(k) = self.value(s.value, "cpus") {
                        fields.push((
                            format!("services[{name}].deploy.resources.{sect}.cpus"),
                            k.value,
                            Kind::NanoCpus,
                        ));
                    }
                    // An int64 that compose-go reads with `ParseInt(s, 10, 64)`: no `1e3`,
                    // `0x10` or `1_000` (Compose v2.40.3).
                    if let Some(k) = self.value(s.value, "pids") {
                        fields.push((
                            format!("services[{name}].deploy.resources.{sect}.pids"),
                            k.value,
                            Kind::Int,
                        ));
                    }
                }
            }
        }
        if let Some(v) = svc.entry(self.tree, "volumes") {
            for (n, &item) in self.items(v.value).iter().enumerate() {
                if let Some(t) = self.value(item, "tmpfs")
                    && let Some(k) = self.value(t.value, "size")
                {
                    fields.push((
                        format!("services[{name}].volumes[{n}].tmpfs.size"),
                        k.value,
                        Kind::Bytes,
                    ));
                }
            }
        }
        if let Some(b) = self.value(node, "blkio_config") {
            if let Some(k) = self.value(b.value, "weight") {
                let path = format!("services[{name}].blkio_config.weight");
                fields.push((path, k.value, Kind::Uint16));
            }
            for list in [
                "weight_device",
                "device_read_bps",
                "device_read_iops",
                "device_write_bps",
                "device_write_iops",
            ] {
                let Some(l) = self.value(b.value, list) else {
                    continue;
                };
                let (field, go, kind) = if list == "weight_device" {
                    ("weight", "Weight", Kind::Uint16)
                } else {
                    ("rate", "Rate", Kind::Bytes)
                };
                for (n, &item) in self.items(l.value).iter().enumerate() {
                    if let Some(k) = self.value(item, field) {
                        let path = format!("services[{name}].blkio_config.{list}[{n}].{go}");
                        fields.push((path, k.value, kind));
                    }
                }
            }
        }
        if let Some(k) = self.value(node, "stop_grace_period") {
            fields.push((
                format!("services[{name}].stop_grace_period"),
                k.value,
                Kind::Duration,
            ));
        }
        if let Some(d) = self.value(node, "deploy") {
            for (section, keys) in [
                ("restart_policy", ["delay", "window"]),
                ("update_config", ["delay", "monitor"]),
                ("rollback_config", ["delay", "monitor"]),
            ] {
                let Some(s) = self.value(d.value, section) else {
                    continue;
                };
                for key in keys {
                    if let Some(k) = self.value(s.value, key) {
                        fields.push((
                            format!("services[{name}].deploy.{section}.{key}"),
                            k.value,
                            Kind::Duration,
                        ));
                    }
                }
            }
        }
        if let Some(h) = self.value(node, "healthcheck") {
            for key in ["interval", "timeout", "start_period", "start_interval"] {
                if let Some(k) = self.value(h.value, key) {
                    fields.push((
                        format!("services[{name}].healthcheck.{key}"),
                        k.value,
                        Kind::Duration,
                    ));
                }
            }
        }
        for (path, id, kind) in fields {
            if !matches!(self.kind(id), NodeKind::Scalar(_)) {
                continue;
            }
            // Only strings are cast; typed numbers are the schema's business, but for an
            // integer past int64 in a deploy resource's `cpus`: a uint64 to go-yaml, which
            // `NanoCPUs` does not take (a service's `cpus`, a float32, does).
            match scalar_kind(self.tree, id) {
                PlainValue::Str => {}
                PlainValue::Int(i)
                    if matches!(kind, Kind::NanoCpus) && i > i128::from(i64::MAX) =>
                {
                    out.push(
                        registry::diagnostic(
                            "FC020",
                            format!("`{path}`: unexpected value type uint64 for cpus"),
                        )
                        .at(self.loc(id))
                        .with_help(kind.help()),
                    );
                    continue;
                }
                _ => continue,
            }
            if kind.read(self, id).is_some() {
                continue;
            }
            let value = self.text(id).unwrap_or_default();
            out.push(
                registry::diagnostic(
                    "FC020",
                    format!("`{path}`: `{value}` is not {}", kind.describe()),
                )
                .at(self.loc(id))
                .with_help(kind.help()),
            );
        }
    }

    fn container_names(&self, enabled: &[&Service], out: &mut Diagnostics) {
        // Keyed by name so that a project with many services finds the first user of a name
        // in constant time; only the first service to claim a name is kept.
        let mut seen: std::collections::HashMap<Text, (&Service, Location)> =
            std::collections::HashMap::new();
        for svc in enabled {
            let Some(k) = svc.entry(self.tree, "container_name") else {
                continue;
            };
            let Some(cn) = self.text(k.value).filter(|t| !t.is_empty()) else {
                continue;
            };
            if let Some((first, at)) = seen.get(&cn) {
                out.push(
                    self.at(
                        &k,
                        registry::diagnostic(
                            "FC020",
                            format!(
                                "`services.{}`: container name `{cn}` is already in use by service `{}`",
                                svc.name(self.tree), first.name(self.tree)
                            ),
                        ),
                    )
                    .with_secondary(*at, "first used here")
                    .with_help("give each service its own `container_name`, or remove it and let Compose name the containers"),
                );
            } else {
                seen.insert(cn, (svc, k.key.at));
            }
        }
    }
}

/// A dependency: (service, required, where, via `<<`, the key that wrote it).
type Dep = (Text, bool, Location, Option<Location>, &'static str);

/// How Compose decodes a typed field.
#[derive(Clone, Copy)]
enum Kind {
    /// `UnitBytes` (go-units `RAMInBytes`).
    Bytes,
    /// A float (`cpus`).
    Cpus,
    /// A deploy resource's `cpus` (`NanoCPUs`): a string, an int or a float, no uint64.
    NanoCpus,
    /// An integer.
    Int,
    /// A Go duration.
    Duration,
    /// An unsigned integer compose-go decodes without casting a string (`blkio_config`
    /// weights: `expected type 'uint16', got unconvertible type 'string'`).
    Uint16,
}

impl Kind {
    /// The value as a number to compare (bytes, cpus, count, nanoseconds); `None` when Compose
    /// cannot decode it.
    fn read(self, cx: &Cx<'_>, id: NodeId) -> Option<f64> {
        let text = cx.text(id)?;
        let typed = scalar_kind(cx.tree, id);
        match self {
            Kind::Bytes => match typed {
                #[allow(clippy::cast_precision_loss)]
                PlainValue::Int(i) => Some(i as f64),
                PlainValue::Float(f) => Some(f.trunc()),
                #[allow(clippy::cast_precision_loss)]
                _ => crate::render::parse::ram_in_bytes(&text).map(|b| b as f64),
            },
            Kind::Cpus | Kind::NanoCpus => match typed {
                #[allow(clippy::cast_precision_loss)]
                PlainValue::Int(i) => Some(i as f64),
                PlainValue::Float(f) => Some(f),
                // compose-go's `NanoCPUs`: `ParseFloat(s, 64)` (`inf` included: the JSON
                // output fails on it later, as Compose's does).
                _ => crate::render::parse::go_parse_float(&text, 64),
            },
            Kind::Int => text.parse::<i64>().ok().map(|i| {
                #[allow(clippy::cast_precision_loss)]
                let f = i as f64;
                f
            }),
            Kind::Uint16 => None,
            Kind::Duration =>
            {
                #[allow(clippy::cast_precision_loss)]
                crate::render::parse::parse_duration(&text).map(|ns| ns as f64)
            }
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Kind::Bytes => "a size in bytes",
            Kind::Cpus | Kind::NanoCpus => "a number",
            Kind::Int => "an integer",
            Kind::Duration => "a duration",
            Kind::Uint16 => "a number: Compose reads no string here, not even a quoted number",
        }
    }

    fn help(self) -> &'static str {
        match self {
            Kind::Bytes => "write a size such as `512m`, `2g` or a number of bytes",
            Kind::Cpus | Kind::NanoCpus => "write a number such as `0.5` or `2`",
            Kind::Int => "write a whole number",
            Kind::Duration => "write a duration such as `30s`, `1m30s` or `500ms`",
            Kind::Uint16 => "write the number without quotes (a variable cannot give it either)",
        }
    }
}

fn singular(section: &str) -> &str {
    section.strip_suffix('s').unwrap_or(section)
}

/// Compose's refusal of two mounts on one container path in a service (`volumes`, and
/// `tmpfs`, which the platform forbids): FC026. `config` refuses the project for it; `lint`
/// reports it through FC026 too.
pub(crate) fn mount_refusals(tree: &Tree, svc: &Service, out: &mut Diagnostics) {
    // One mount cannot collide (most services): spare the lists the check builds.
    let mounts = |key: &str| {
        svc.entry(tree, key)
            .map_or(0, |e| match tree.node(e.value).kind {
                NodeKind::Sequence(items) => items.len(),
                NodeKind::Scalar(_) => 1,
                NodeKind::Mapping(_) => 0,
            })
    };
    if mounts("volumes") + mounts("tmpfs") >= 2 {
        View { tree }.checked(svc, out, View::mounts);
    }
}

/// What Compose refuses in a service's `ports` items once they are interpolated (FC020; see
/// [`View::ports`]). `config` refuses the project for them; `lint` reports them through FC020:
/// the platform deprecates `ports` (FC015, a warning) but Compose still reads them.
pub(crate) fn port_refusals(tree: &Tree, svc: &Service, out: &mut Diagnostics) {
    View { tree }.checked(svc, out, View::ports);
}
