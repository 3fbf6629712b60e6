//! The Traefik v1 routes a project declares, read from its services' labels, and the two views
//! `factory routes` prints: the route table and which service answers a URL.
//!
//! Which services are routed: Traefik v1's docker provider runs with `exposedByDefault = true`
//! unless told otherwise, so a service is routed when `traefik.enable` is `true` **or** when it
//! carries a `traefik.frontend.rule` (plain or segment) and `traefik.enable` is not false
//! (`traefik.enable` is read with Go's `strconv.ParseBool`; an unparsable value keeps the
//! default). A routed service without any rule label gets Traefik v1.7's default rule,
//! `Host:<service>.<project>` (`_` and `/` made `-`), followed by `.<domain>` when
//! `traefik.domain` or the provider sets a domain. factory does not list that route: it has no
//! label to point at, and the platform's provider domain is not known here.
//!
//! Segments (`traefik.<segment>.frontend.rule`, `.port`, `.frontend.priority`, …) follow
//! Traefik v1.7's `ExtractTraefikLabels`: one frontend per segment, each segment inheriting the
//! service-wide labels (`traefik.frontend.*`, `traefik.port`) it does not set itself, and no
//! separate service-wide frontend once a segment exists.
//!
//! Cron jobs and one-shot services (`restart: "no"`) run briefly or not at all: their routes
//! are listed, but they take no part in matching, conflicts and shadowing (FR012 reports their
//! routing labels instead).
//!
//! ```
//! use factory_compose::{FileKind, ProcessEnv, Settings, SourceFile, SourceMap, load, routes};
//!
//! let mut sources = SourceMap::new();
//! sources.add(SourceFile::new(
//!     "docker-compose.yml",
//!     "services:\n  web:\n    image: nginx:1\n    expose: [80]\n    labels:\n      traefik.frontend.rule: Host:example.com\n",
//!     FileKind::Compose,
//! ));
//! let loaded = load(&sources, &ProcessEnv::default(), &Settings::default());
//! let defs = routes::routes(&loaded.project);
//! assert_eq!(defs[0].rule_text(), "Host:example.com");
//! let req = factory_route::Request::from_url("https://example.com/x", "GET", vec![]).unwrap();
//! let answer = routes::resolve(&loaded.project, &defs, &req);
//! assert_eq!(answer.service.as_deref(), Some("web"));
//! assert_eq!(answer.forwarded_path.as_deref(), Some("/x"));
//! ```

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use factory_route::{BasicAuth, Match, ParseError, Request, Route, RouteTable, Rule};
use serde::Serialize;

use crate::model::{KeyValue, Project, Service};
use crate::yaml::Tree;

/// A route's label that may be absent: its index in [`Project::key_values`], [`NO_LABEL`] for
/// none (4 bytes instead of an 8-byte `Option<&KeyValue>`: a project may have 10 000 routes).
const NO_LABEL: u32 = u32::MAX;

/// One frontend: a rule label and its companions, read through the [`Project`] (the labels'
/// values through its tree).
///
/// The route is kept small (a project may declare thousands): the service and the segment
/// names, and the companion labels, are read from the project when asked
/// ([`RouteDef::service`], [`RouteDef::segment`], [`RouteDef::priority`] …) rather than held.
#[derive(Clone)]
pub struct RouteDef<'p> {
    /// The project the route is in.
    project: &'p Project,
    /// The `frontend.rule` label.
    rule: &'p KeyValue,
    /// Index of the service in [`Project::services`].
    service_index: u32,
    /// A label whose key names the segment (`traefik.<segment>.…`), [`NO_LABEL`] for the
    /// service-wide labels.
    segment_key: u32,
    /// The `frontend.priority`, `port`, `frontend.auth.basic` (or `.auth.basic.users`) and
    /// `frontend.entryPoints` labels in effect, as [`NO_LABEL`] or an index.
    priority: u32,
    port: u32,
    auth: u32,
    entrypoints: u32,
    /// A cron job or one-shot service: listed, but not serving.
    pub transient: bool,
    /// The rule parsed on first use (several rules and the route table read it), borrowing
    /// the label's value from the tree; the error boxed, as it is rare and larger than a rule.
    parsed: std::sync::OnceLock<Result<Rule<'p>, Box<ParseError>>>,
}

#[cfg(target_pointer_width = "64")]
const _: () = assert!(std::mem::size_of::<RouteDef<'_>>() == 96);

impl std::fmt::Debug for RouteDef<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        fn label<'a>(
            tree: &'a Tree,
            kv: Option<&'a KeyValue>,
        ) -> Option<(&'a str, Option<&'a str>)> {
            kv.map(|kv| (kv.key(tree), kv.value(tree)))
        }
        let tree = &self.project.tree;
        f.debug_struct("RouteDef")
            .field("service", &self.service())
            .field("service_index", &self.service_index)
            .field("segment", &self.segment())
            .field("rule", &label(tree, Some(self.rule)))
            .field("priority", &label(tree, self.priority()))
            .field("port", &label(tree, self.port()))
            .field("auth", &label(tree, self.auth()))
            .field("entrypoints", &label(tree, self.entrypoints()))
            .field("transient", &self.transient)
            .finish_non_exhaustive()
    }
}

fn value_of<'a>(tree: &'a Tree, kv: Option<&'a KeyValue>) -> Option<&'a str> {
    kv.and_then(|kv| kv.value(tree))
}

impl<'p> RouteDef<'p> {
    /// The label at `index` in [`Project::key_values`] ([`NO_LABEL`]: none).
    fn label(&self, index: u32) -> Option<&'p KeyValue> {
        self.project.key_values.get(index as usize)
    }

    /// The service name.
    #[must_use]
    pub fn service(&self) -> &'p str {
        self.project
            .services
            .get(self.service_index())
            .map_or("", |s| s.name(&self.project.tree))
    }

    /// Index of the service in [`Project::services`].
    #[must_use]
    pub fn service_index(&self) -> usize {
        self.service_index as usize
    }

    /// The segment (`traefik.<segment>.frontend.rule`), `None` for the plain labels.
    #[must_use]
    pub fn segment(&self) -> Option<&'p str> {
        let kv = self.label(self.segment_key)?;
        split_key(kv.key(&self.project.tree))?.0
    }

    /// The `frontend.rule` label.
    #[must_use]
    pub fn rule(&self) -> &'p KeyValue {
        self.rule
    }

    /// The `frontend.priority` label in effect.
    #[must_use]
    pub fn priority(&self) -> Option<&'p KeyValue> {
        self.label(self.priority)
    }

    /// The `port` label in effect.
    #[must_use]
    pub fn port(&self) -> Option<&'p KeyValue> {
        self.label(self.port)
    }

    /// The `frontend.auth.basic` (or `.auth.basic.users`) label in effect.
    #[must_use]
    pub fn auth(&self) -> Option<&'p KeyValue> {
        self.label(self.auth)
    }

    /// The `frontend.entryPoints` label in effect.
    #[must_use]
    pub fn entrypoints(&self) -> Option<&'p KeyValue> {
        self.label(self.entrypoints)
    }

    /// The rule as Traefik reads it (after interpolation).
    #[must_use]
    pub fn rule_text(&self) -> &'p str {
        self.rule.value(&self.project.tree).unwrap_or("")
    }

    /// The value of one of the route's labels ([`RouteDef::rule`], [`RouteDef::port`] …),
    /// read through the project's tree.
    #[must_use]
    pub fn value_of(&self, label: Option<&'p KeyValue>) -> Option<&'p str> {
        value_of(&self.project.tree, label)
    }

    /// The parsed rule.
    ///
    /// # Errors
    /// The rule Traefik refuses, with the span inside the rule text.
    pub fn parsed_rule(&self) -> Result<&Rule<'p>, &ParseError> {
        self.parsed
            .get_or_init(|| Rule::parse(self.rule_text()).map_err(Box::new))
            .as_ref()
            .map_err(|e| &**e)
    }

    /// The priority label's value when it is a valid integer.
    #[must_use]
    pub fn priority_label(&self) -> Option<i64> {
        self.value_of(self.priority())
            .and_then(|v| parse_priority(v).ok())
    }

    /// The effective priority: the label when positive, else the rule's length.
    #[must_use]
    pub fn effective_priority(&self) -> (i64, bool) {
        match self.priority_label() {
            Some(p) if p > 0 => (p, true),
            _ => (factory_route::default_priority(self.rule_text()), false),
        }
    }

    /// The port Traefik forwards to: `traefik.port` when valid, else the lowest port the
    /// compose file exposes or publishes, as Traefik v1 takes the lowest port of the container
    /// (`getPort`; the `EXPOSE` of an image may add a lower one: [`rows_with_images`]).
    #[must_use]
    pub fn effective_port(&self, project: &Project) -> Option<u16> {
        if let Some(v) = self.value_of(self.port()) {
            return parse_port(v).ok();
        }
        let svc = project.services.get(self.service_index())?;
        let mut lowest: Option<u16> = None;
        each_port(project, svc, true, |p| {
            lowest = Some(lowest.map_or(p, |q| q.min(p)));
        });
        lowest
    }

    /// The basic-auth users (the names of the entries, even the malformed ones).
    #[must_use]
    pub fn auth_users(&self) -> Vec<String> {
        let Some(value) = self.value_of(self.auth()) else {
            return Vec::new();
        };
        match BasicAuth::parse(value) {
            Ok(auth) => auth.users().into_iter().map(str::to_owned).collect(),
            Err(_) => {
                // Each name once, where it is first written (a set: many users stay linear).
                let mut seen: HashSet<&str> = HashSet::new();
                value
                    .split(',')
                    .map(str::trim)
                    .filter_map(|entry| entry.split_once(':').map(|(user, _)| user))
                    .filter(|user| !user.is_empty() && seen.insert(user))
                    .map(str::to_owned)
                    .collect()
            }
        }
    }

    /// The entry points (`traefik.frontend.entryPoints`, comma-separated).
    #[must_use]
    pub fn entrypoint_names(&self) -> Vec<String> {
        self.value_of(self.entrypoints())
            .map(|v| {
                v.split(',')
                    .map(str::trim)
                    .filter(|e| !e.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The route for a [`RouteTable`], when the rule parses (it borrows the parsed rule).
    #[must_use]
    pub fn to_route(&self, project: &Project) -> Option<Route<'_>> {
        let rule = self.parsed_rule().ok()?;
        Some(Route::new(
            self.service(),
            self.segment(),
            rule,
            self.priority_label(),
            self.effective_port(project),
        ))
    }
}

/// `traefik.frontend.priority` as Go's `strconv.Atoi` reads it; negative values are refused
/// (Traefik ignores them and uses the rule's length).
///
/// # Errors
/// Why the value is not a usable priority.
pub fn parse_priority(value: &str) -> Result<i64, String> {
    let digits = value.strip_prefix(['+', '-']).unwrap_or(value);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("`{value}` is not an integer"));
    }
    let n: i64 = value
        .strip_prefix('+')
        .unwrap_or(value)
        .parse()
        .map_err(|_| format!("`{value}` is out of range for a 64-bit integer"))?;
    if n < 0 {
        return Err(format!(
            "`{value}` is negative: Traefik ignores it and uses the rule's length"
        ));
    }
    Ok(n)
}

/// `traefik.port`: a port number 1–65535.
///
/// # Errors
/// Why the value is not a port.
pub fn parse_port(value: &str) -> Result<u16, String> {
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("`{value}` is not a port number"));
    }
    match value.parse::<u32>() {
        Ok(n) if (1..=65535).contains(&n) => u16::try_from(n).map_err(|e| e.to_string()),
        _ => Err(format!("`{value}` is outside 1–65535")),
    }
}

/// The container ports a service exposes: `expose` entries and the container side of short
/// `ports` entries (ranges expanded, at most 1024 ports per entry), in order, without repeats;
/// `project` is the project the service is in.
#[must_use]
pub fn exposed_ports(project: &Project, svc: &Service) -> Vec<u16> {
    ports_of(project, svc, true)
}

/// The ports of the service's `expose` entries only (ranges expanded, at most 1024 per entry);
/// `project` is the project the service is in.
#[must_use]
pub fn expose_entries(project: &Project, svc: &Service) -> Vec<u16> {
    ports_of(project, svc, false)
}

fn ports_of(project: &Project, svc: &Service, with_published: bool) -> Vec<u16> {
    let mut out = DistinctPorts::default();
    each_port(project, svc, with_published, |p| {
        out.push(p);
    });
    out.into_vec()
}

/// Port numbers in the order first given, without repeats. A short list is searched; past
/// [`DistinctPorts::SEARCHED`] ports a bit per port number says which are in (`expose` ranges
/// give up to 65 535 ports, and searching the list for each was quadratic).
#[derive(Default)]
pub(crate) struct DistinctPorts {
    list: Vec<u16>,
    /// A bit per port number, once the list is long.
    bits: Vec<u64>,
}

impl DistinctPorts {
    /// The length up to which the list itself is searched.
    const SEARCHED: usize = 32;

    /// Add `port` unless it is in; whether it was added.
    pub(crate) fn push(&mut self, port: u16) -> bool {
        if self.list.len() < Self::SEARCHED {
            if self.list.contains(&port) {
                return false;
            }
        } else {
            if self.bits.is_empty() {
                self.bits = vec![0; 1 << 10];
                for &p in &self.list {
                    Self::set(&mut self.bits, p);
                }
            }
            if !Self::set(&mut self.bits, port) {
                return false;
            }
        }
        self.list.push(port);
        true
    }

    /// Set the bit of `port`; whether it was clear.
    fn set(bits: &mut [u64], port: u16) -> bool {
        let (word, bit) = (usize::from(port >> 6), 1u64 << (port & 63));
        let Some(w) = bits.get_mut(word) else {
            return false;
        };
        let clear = *w & bit == 0;
        *w |= bit;
        clear
    }

    pub(crate) fn into_vec(self) -> Vec<u16> {
        self.list
    }
}

/// Calls `f` on every port of [`ports_of`], in order, repeats included.
fn each_port(project: &Project, svc: &Service, with_published: bool, mut f: impl FnMut(u16)) {
    let tree = &project.tree;
    let mut add = |spec: &str| {
        let spec = spec.split('/').next().unwrap_or("");
        let (a, b) = spec.split_once('-').unwrap_or((spec, spec));
        let (Ok(a), Ok(b)) = (a.parse::<u16>(), b.parse::<u16>()) else {
            return;
        };
        if a == 0 || b < a {
            return;
        }
        for p in (a..=b).take(1024) {
            f(p);
        }
    };
    if let Some(expose) = &svc.expose {
        for item in expose.items(project) {
            add(item.text(tree));
        }
    }
    if let Some(ports) = svc.ports.as_ref().filter(|_| with_published) {
        for item in ports.items(project) {
            // `[ip:][host:]container[/proto]`; an IPv6 address is bracketed.
            let container = item.text(tree).rsplit(':').next().unwrap_or("");
            add(container);
        }
    }
}

/// Whether a service is a cron job (one of the `sh.factory.cronjob.*` labels); `project` is
/// the project the service is in.
#[must_use]
pub fn is_cron(project: &Project, svc: &Service) -> bool {
    svc.label_entries(project)
        .iter()
        .any(|kv| is_cron_label(kv.key(&project.tree)))
}

/// Whether the label `key` makes its service a cron job ([`is_cron`]).
fn is_cron_label(key: &str) -> bool {
    key.starts_with("sh.factory.cronjob.")
}

/// Whether a service is a one-shot (`restart: "no"`, not a cron job); `project` is the
/// project the service is in.
#[must_use]
pub fn is_one_shot(project: &Project, svc: &Service) -> bool {
    never_restarts(&project.tree, svc) && !is_cron(project, svc)
}

/// Whether the service sets `restart: "no"`.
fn never_restarts(tree: &Tree, svc: &Service) -> bool {
    svc.restart.as_ref().is_some_and(|r| r.text(tree) == "no")
}

/// Go's `strconv.ParseBool`.
fn go_bool(v: &str) -> Option<bool> {
    match v {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// Whether Traefik routes the service at all (see the module docs); `project` is the
/// project the service is in.
#[must_use]
pub fn is_enabled(project: &Project, svc: &Service) -> bool {
    enables(&project.tree, svc.label(project, "traefik.enable"))
}

/// Whether the service's (last) `traefik.enable` label, if any, lets Traefik route it.
fn enables(tree: &Tree, enable: Option<&KeyValue>) -> bool {
    value_of(tree, enable).and_then(go_bool).unwrap_or(true)
}

/// What a `traefik.*` label key sets: `(segment, property)`, as Traefik v1.7's
/// `SegmentPropertiesRegexp` reads it: `traefik.<segment>.<property>` where the (shortest)
/// segment name is followed by `port`, `portIndex`, `portName`, `weight`, `protocol`,
/// `backend` or `frontend.<anything>`; every other `traefik.*` key is service-wide, and so is
/// every key under `traefik.frontend.` or `traefik.backend.` (`FindSegmentSubmatch` never reads
/// `traefik.frontend.frontend.rule` as segment `frontend`'s rule).
pub(crate) fn split_key(key: &str) -> Option<(Option<&str>, &str)> {
    let rest = key.strip_prefix("traefik.")?;
    if rest.starts_with("frontend.") || rest.starts_with("backend.") {
        return Some((None, rest));
    }
    // `.` is ASCII: its byte offsets are char boundaries (a byte loop, cheaper than a
    // `match_indices` searcher on these short keys).
    for (i, _) in rest.bytes().enumerate().filter(|&(_, b)| b == b'.') {
        let (Some(segment), Some(prop)) = (rest.get(..i), rest.get(i + 1..)) else {
            continue;
        };
        if segment.is_empty() {
            continue;
        }
        let is_segment_property = matches!(
            prop,
            "port" | "portIndex" | "portName" | "weight" | "protocol" | "backend"
        ) || prop
            .strip_prefix("frontend.")
            .is_some_and(|p| !p.is_empty());
        if is_segment_property {
            return Some((Some(segment), prop));
        }
    }
    Some((None, rest))
}

/// The route properties this module reads, in the order of [`Props`] (indexed by the constants
/// below).
const PROPS: [&str; 6] = [
    "frontend.rule",
    "frontend.priority",
    "port",
    "frontend.auth.basic",
    "frontend.auth.basic.users",
    "frontend.entryPoints",
];
const RULE: usize = 0;
const PRIORITY: usize = 1;
const PORT: usize = 2;
const AUTH_BASIC: usize = 3;
const AUTH_BASIC_USERS: usize = 4;
const ENTRYPOINTS: usize = 5;

/// The route labels one segment (or the service-wide labels) sets, by position in [`PROPS`],
/// as indices in [`Project::key_values`] ([`NO_LABEL`]: not set): a repeated key keeps the
/// last one, as in a Compose map.
type Props = [u32; PROPS.len()];

/// Above this many routes, conflicts and shadowing are not analysed.
pub const MAX_COMPARED_ROUTES: usize = 200;

/// The frontends of every routed service, by service then segment, in file order.
#[must_use]
pub fn routes<'p>(project: &'p Project) -> Vec<RouteDef<'p>> {
    let tree = &project.tree;
    // Without a `traefik.*` label there is no rule label, so no route.
    let traefik = |svc: &Service| {
        svc.label_entries(project)
            .iter()
            .any(|kv| kv.key(tree).starts_with("traefik."))
    };
    // A route is large: reserve one per candidate service rather than grow (and copy) the
    // table as it fills (segments may still add more).
    let mut out = Vec::with_capacity(project.services.iter().filter(|s| traefik(s)).count());
    for (index, svc) in project.services.iter().enumerate() {
        if !traefik(svc) {
            continue;
        }
        let Ok(service_index) = u32::try_from(index) else {
            break;
        };
        // The labels' indices in `project.key_values` follow the first one's.
        let first = svc.labels.map_or(0, |l| l.first_index());
        // What `is_enabled` and `is_cron` read, taken in the one pass over the labels (each
        // label's key is read from the tree).
        let mut enable: Option<&KeyValue> = None;
        let mut cron = false;
        // The service-wide labels, and each segment's (with the first label naming it) in the
        // order segments first appear.
        let mut defaults: Props = [NO_LABEL; PROPS.len()];
        let mut named: Vec<(u32, Props)> = Vec::new();
        // Each segment's place in `named`: a service may declare thousands of segments.
        let mut place: HashMap<&str, usize> = HashMap::new();
        for (at, kv) in (first..).zip(svc.label_entries(project)) {
            let key = kv.key(tree);
            cron |= is_cron_label(key);
            if key == "traefik.enable" {
                enable = Some(kv);
            }
            let Some((segment, prop)) = split_key(key) else {
                continue;
            };
            let props = match segment {
                None => &mut defaults,
                Some(name) => {
                    let i = *place.entry(name).or_insert_with(|| {
                        named.push((at, [NO_LABEL; PROPS.len()]));
                        named.len() - 1
                    });
                    match named.get_mut(i) {
                        Some((_, props)) => props,
                        None => continue,
                    }
                }
            };
            // Not a route property: still a segment, which inherits the service-wide rule.
            if let Some(slot) = PROPS
                .iter()
                .position(|p| *p == prop)
                .and_then(|i| props.get_mut(i))
            {
                *slot = at;
            }
        }
        if !enables(tree, enable) {
            continue;
        }
        let get = |own: &Props, prop: usize| -> u32 {
            match own.get(prop) {
                Some(&at) if at != NO_LABEL => at,
                _ => defaults.get(prop).copied().unwrap_or(NO_LABEL),
            }
        };
        // `is_cron(svc) || is_one_shot(svc)`.
        let transient = cron || never_restarts(tree, svc);
        let make = |segment_key: u32, own: &Props| -> Option<RouteDef<'p>> {
            let rule = project.key_values.get(get(own, RULE) as usize)?;
            let auth = match get(own, AUTH_BASIC_USERS) {
                NO_LABEL => get(own, AUTH_BASIC),
                users => users,
            };
            Some(RouteDef {
                project,
                rule,
                service_index,
                segment_key,
                priority: get(own, PRIORITY),
                port: get(own, PORT),
                auth,
                entrypoints: get(own, ENTRYPOINTS),
                transient,
                parsed: std::sync::OnceLock::new(),
            })
        };
        if named.is_empty() {
            out.extend(make(NO_LABEL, &[NO_LABEL; PROPS.len()]));
        } else {
            for (segment_key, own) in &named {
                out.extend(make(*segment_key, own));
            }
        }
    }
    out
}

/// The routes that serve requests (not transient, rule parses), grouped by entry point: each
/// group is a table and the indices into `defs` of its routes. Routes without
/// `frontend.entryPoints` are on every entry point; when no route names one, there is one group.
///
/// Comparing routes is quadratic: beyond [`MAX_COMPARED_ROUTES`] routes no table is built
/// (FR006/FR013 are skipped rather than let a generated file hang the linter).
#[must_use]
pub fn tables<'d>(
    project: &Project,
    defs: &'d [RouteDef<'_>],
) -> Vec<(RouteTable<'d>, Vec<usize>)> {
    tables_of(project, defs, |_| true)
}

/// [`tables`] of the routes `compared` keeps (given their index into `defs`).
pub(crate) fn tables_of<'d>(
    project: &Project,
    defs: &'d [RouteDef<'_>],
    compared: impl Fn(usize) -> bool,
) -> Vec<(RouteTable<'d>, Vec<usize>)> {
    if defs.len() > MAX_COMPARED_ROUTES {
        return Vec::new();
    }
    let serving: Vec<(usize, Route<'d>, Vec<String>)> = defs
        .iter()
        .enumerate()
        .filter(|&(i, d)| !d.transient && compared(i))
        .filter_map(|(i, d)| Some((i, d.to_route(project)?, d.entrypoint_names())))
        .collect();
    // The entry points in first-listed order, and each route's as a set: a label listing
    // thousands of entry points must not make the grouping quadratic.
    let listens: Vec<HashSet<&str>> = serving
        .iter()
        .map(|(_, _, eps)| eps.iter().map(String::as_str).collect())
        .collect();
    let mut seen: HashSet<&str> = HashSet::new();
    let names: Vec<&str> = serving
        .iter()
        .flat_map(|(_, _, eps)| eps.iter().map(String::as_str))
        .filter(|e| seen.insert(e))
        .collect();
    let groups: Vec<Option<&str>> = if names.is_empty() {
        vec![None]
    } else {
        names.into_iter().map(Some).collect()
    };
    groups
        .into_iter()
        .map(|name| {
            let members: Vec<&(usize, Route<'d>, Vec<String>)> = serving
                .iter()
                .zip(&listens)
                .filter(|((_, _, eps), listen)| {
                    name.is_none_or(|n| eps.is_empty() || listen.contains(n))
                })
                .map(|(member, _)| member)
                .collect();
            let table = RouteTable::new(members.iter().map(|(_, r, _)| *r).collect());
            (table, members.iter().map(|(i, _, _)| *i).collect())
        })
        .collect()
}

/// One line of `factory routes --format json` (SPEC §5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RouteRow {
    /// The service.
    pub service: String,
    /// The segment, if any.
    pub segment: Option<String>,
    /// The rule as Traefik reads it.
    pub rule: String,
    /// The effective priority.
    pub priority: i64,
    /// `label` or `rule-length`.
    pub priority_source: &'static str,
    /// The port Traefik forwards to, when known.
    pub port: Option<u16>,
    /// The basic-auth users.
    pub auth_users: Vec<String>,
    /// The entry points named by the labels.
    pub entrypoints: Vec<String>,
}

/// The rows of the route table, their ports read from the compose file alone (see
/// [`rows_with_images`]).
#[must_use]
pub fn rows(project: &Project, defs: &[RouteDef<'_>]) -> Vec<RouteRow> {
    rows_with_images(project, defs, &[])
}

/// The lowest port the image of each service exposes (by service index), where the project
/// builds the image (its Dockerfile and the `.gitlab-ci.yml` build lines in `sources`, found as
/// FR002 and FR003 find them): what Traefik also takes into account for a route without
/// `traefik.port`.
#[must_use]
pub fn image_lowest_ports(
    loaded: &crate::Loaded,
    sources: &crate::SourceMap,
    settings: &crate::Settings,
    process: &crate::environment::ProcessEnv,
) -> Vec<Option<u16>> {
    use crate::rules::dockerfile::link;
    let cx = crate::rules::Context::of(loaded, sources, settings, process);
    loaded
        .project
        .services
        .iter()
        .map(|svc| {
            let found = link::link(&cx, svc)?;
            let stage = found.stage()?;
            found.dockerfile.parsed.image_exposes(stage)?.lowest
        })
        .collect()
}

/// The rows of the route table; the port of a route without `traefik.port` is the lowest of
/// the container's, the service's (`expose`, `ports`) and its image's (`image_lowest`, by
/// service index: [`image_lowest_ports`]; empty, the compose file's alone).
#[must_use]
pub fn rows_with_images(
    project: &Project,
    defs: &[RouteDef<'_>],
    image_lowest: &[Option<u16>],
) -> Vec<RouteRow> {
    defs.iter()
        .map(|d| {
            let (priority, from_label) = d.effective_priority();
            let port = if d.port().is_some() {
                d.effective_port(project)
            } else {
                let image = image_lowest.get(d.service_index()).copied().flatten();
                d.effective_port(project).into_iter().chain(image).min()
            };
            RouteRow {
                service: d.service().to_owned(),
                segment: d.segment().map(str::to_owned),
                rule: d.rule_text().to_owned(),
                priority,
                priority_source: if from_label { "label" } else { "rule-length" },
                port,
                auth_users: d.auth_users(),
                entrypoints: d.entrypoint_names(),
            }
        })
        .collect()
}

/// `factory routes --format json`: the rows as a JSON array, pretty-printed, newline-terminated.
#[must_use]
pub fn render_json(rows: &[RouteRow]) -> String {
    let mut s = serde_json::to_string_pretty(rows).unwrap_or_else(|_| "[]".to_owned());
    s.push('\n');
    s
}

/// `factory routes`: an aligned table (service, rule, priority, port, auth).
#[must_use]
pub fn render_human(rows: &[RouteRow]) -> String {
    if rows.is_empty() {
        return "no routes: no service has a `traefik.frontend.rule` label\n".to_owned();
    }
    let header = ["SERVICE", "RULE", "PRIORITY", "PORT", "AUTH"];
    let body: Vec<[String; 5]> = rows
        .iter()
        .map(|r| {
            [
                match &r.segment {
                    Some(s) => format!("{} ({s})", r.service),
                    None => r.service.clone(),
                },
                r.rule.clone(),
                format!(
                    "{} ({})",
                    r.priority,
                    if r.priority_source == "label" {
                        "label"
                    } else {
                        "length"
                    }
                ),
                r.port.map_or_else(|| "-".to_owned(), |p| p.to_string()),
                if r.auth_users.is_empty() {
                    "-".to_owned()
                } else {
                    r.auth_users.join(",")
                },
            ]
        })
        .collect();
    let mut widths = header.map(|h| h.chars().count());
    for row in &body {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count().min(crate::TABLE_COLUMN_MAX));
        }
    }
    let mut out = String::new();
    let mut line = |cells: &[String]| {
        let mut l = String::new();
        for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
            l.push_str(cell);
            if i + 1 < cells.len() {
                let pad = w.saturating_sub(cell.chars().count()) + 2;
                l.extend(std::iter::repeat_n(' ', pad));
            }
        }
        out.push_str(l.trim_end());
        out.push('\n');
    };
    line(&header.map(str::to_owned));
    for row in &body {
        line(row);
    }
    out
}

/// A redirect Traefik answers with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Redirect {
    /// HTTP status (301).
    pub status: u16,
    /// The `Location` header.
    pub location: String,
}

/// `factory routes match URL`: which service answers (SPEC §5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MatchAnswer {
    /// The service whose route took the request; `None`: Traefik answers 404.
    pub service: Option<String>,
    /// Its segment.
    pub segment: Option<String>,
    /// The rule that matched.
    pub rule: Option<String>,
    /// Its priority.
    pub priority: Option<i64>,
    /// The path the service receives (`None` for a redirect or a 404 from a strip modifier).
    pub forwarded_path: Option<String>,
    /// The redirect Traefik answers with instead of forwarding.
    pub redirect: Option<Redirect>,
    /// The request as understood (not part of the JSON).
    #[serde(skip)]
    pub request: String,
}

/// Which route answers `req`, among the routes that serve requests (entry points are not
/// distinguished: every route is tried).
#[must_use]
pub fn resolve(project: &Project, defs: &[RouteDef<'_>], req: &Request) -> MatchAnswer {
    let serving: Vec<Route<'_>> = defs
        .iter()
        .filter(|d| !d.transient)
        .filter_map(|d| d.to_route(project))
        .collect();
    let table = RouteTable::new(serving);
    let mut answer = MatchAnswer {
        service: None,
        segment: None,
        rule: None,
        priority: None,
        forwarded_path: None,
        redirect: None,
        request: req.to_string(),
    };
    let Some((i, m)) = table.resolve(req) else {
        return answer;
    };
    let Some(route) = table.routes().get(i) else {
        return answer;
    };
    answer.service = Some(route.service.to_owned());
    answer.segment = route.segment.map(str::to_owned);
    answer.rule = Some(route.rule.text().to_owned());
    answer.priority = Some(route.priority);
    match m {
        Match::Forward(f) => answer.forwarded_path = Some(f.path),
        Match::Redirect { status, location } => {
            answer.redirect = Some(Redirect { status, location });
        }
        Match::NotFound | Match::NoMatch => {}
    }
    answer
}

/// `routes match --format json`.
#[must_use]
pub fn render_match_json(answer: &MatchAnswer) -> String {
    let mut s = serde_json::to_string_pretty(answer).unwrap_or_else(|_| "{}".to_owned());
    s.push('\n');
    s
}

/// `routes match` for people.
#[must_use]
pub fn render_match_human(answer: &MatchAnswer) -> String {
    let Some(service) = &answer.service else {
        return format!("no route matches {}: Traefik answers 404\n", answer.request);
    };
    let who = match &answer.segment {
        Some(s) => format!("{service} (segment {s})"),
        None => service.clone(),
    };
    let mut out = match (&answer.redirect, &answer.forwarded_path) {
        (Some(r), _) => format!(
            "{who} answers {} with a {} redirect to {}\n",
            answer.request, r.status, r.location
        ),
        (None, Some(_)) => format!("{who} answers {}\n", answer.request),
        (None, None) => format!(
            "{who} takes {} but Traefik answers 404: its strip modifier finds no prefix to strip\n",
            answer.request
        ),
    };
    let _ = writeln!(
        out,
        "  rule:           {}",
        answer.rule.as_deref().unwrap_or("")
    );
    if let Some(p) = answer.priority {
        let _ = writeln!(out, "  priority:       {p}");
    }
    if let Some(path) = &answer.forwarded_path {
        let _ = writeln!(out, "  forwarded path: {path}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Distinct ports keep the first of each port, in order, as a search of the list does,
        /// past the length where the bits take over too.
        #[test]
        fn distinct_ports_keep_the_first_of_each(
            ports in proptest::collection::vec(proptest::prelude::any::<u16>(), 0..200),
            few in proptest::collection::vec(0u16..40, 0..200),
        ) {
            for ports in [ports, few] {
                let mut distinct = DistinctPorts::default();
                let mut searched: Vec<u16> = Vec::new();
                for &p in &ports {
                    let added = !searched.contains(&p);
                    if added {
                        searched.push(p);
                    }
                    proptest::prop_assert_eq!(distinct.push(p), added);
                }
                proptest::prop_assert_eq!(distinct.into_vec(), searched);
            }
        }
    }

    #[test]
    fn the_property_indices_name_their_labels() {
        assert_eq!(
            [
                RULE,
                PRIORITY,
                PORT,
                AUTH_BASIC,
                AUTH_BASIC_USERS,
                ENTRYPOINTS
            ]
            .map(|i| PROPS[i]),
            PROPS
        );
        assert_eq!(PROPS[AUTH_BASIC_USERS], "frontend.auth.basic.users");
    }

    #[test]
    fn priorities() {
        for (v, ok) in [
            ("0", Some(0)),
            ("12", Some(12)),
            ("+3", Some(3)),
            ("-1", None),
            ("", None),
            ("1.5", None),
            ("abc", None),
            (" 2", None),
            ("99999999999999999999", None),
        ] {
            assert_eq!(parse_priority(v).ok(), ok, "{v:?}");
        }
    }

    #[test]
    fn ports() {
        for (v, ok) in [
            ("80", Some(80)),
            ("65535", Some(65535)),
            ("0", None),
            ("65536", None),
            ("http", None),
            ("", None),
            ("-80", None),
        ] {
            assert_eq!(parse_port(v).ok(), ok, "{v:?}");
        }
    }

    #[test]
    fn label_keys() {
        assert_eq!(
            split_key("traefik.frontend.rule"),
            Some((None, "frontend.rule"))
        );
        assert_eq!(split_key("traefik.port"), Some((None, "port")));
        assert_eq!(
            split_key("traefik.api.frontend.rule"),
            Some((Some("api"), "frontend.rule"))
        );
        assert_eq!(split_key("traefik.api.port"), Some((Some("api"), "port")));
        assert_eq!(split_key("traefik.enable"), Some((None, "enable")));
        assert_eq!(split_key("com.example"), None);
        assert_eq!(
            split_key("traefik.frontend.auth.basic"),
            Some((None, "frontend.auth.basic"))
        );
        assert_eq!(
            split_key("traefik.a.b.frontend.rule"),
            Some((Some("a.b"), "frontend.rule"))
        );
        assert_eq!(
            split_key("traefik.web.frontend.headers.SSLRedirect"),
            Some((Some("web"), "frontend.headers.SSLRedirect"))
        );
        assert_eq!(
            split_key("traefik.docker.network"),
            Some((None, "docker.network"))
        );
        // Traefik's `FindSegmentSubmatch` reads no segment under `traefik.frontend.` or
        // `traefik.backend.`, though its pattern matches these keys.
        assert_eq!(
            split_key("traefik.frontend.frontend.rule"),
            Some((None, "frontend.frontend.rule"))
        );
        assert_eq!(
            split_key("traefik.backend.port"),
            Some((None, "backend.port"))
        );
        assert_eq!(
            split_key("traefik.frontendx.frontend.rule"),
            Some((Some("frontendx"), "frontend.rule"))
        );
    }

    #[test]
    fn go_booleans() {
        assert_eq!(go_bool("True"), Some(true));
        assert_eq!(go_bool("0"), Some(false));
        assert_eq!(go_bool("yes"), None);
    }
}
