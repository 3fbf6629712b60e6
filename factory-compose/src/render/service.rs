//! One service, key by key, normalised as compose-go v2.9 loads and prints it.

use super::parse::{
    format_duration, go_f64_to_i64, go_f64_to_u64, go_float32, go_parse_float, go_u64_to_i64,
    parse_duration, parse_ports, parse_volume, shell_words,
};
use super::{Cx, Format, Value, ordered};
use crate::model::Service;
use crate::yaml::{NodeId, NodeKind};
use factory_env::Lookup;

/// The JSON field order of compose-go's `ServiceConfig`.
const ORDER: &[&str] = &[
    "profiles",
    "annotations",
    "attach",
    "build",
    "develop",
    "blkio_config",
    "cap_add",
    "cap_drop",
    "cgroup_parent",
    "cgroup",
    "cpu_count",
    "cpu_percent",
    "cpu_period",
    "cpu_quota",
    "cpu_rt_period",
    "cpu_rt_runtime",
    "cpus",
    "cpuset",
    "cpu_shares",
    "command",
    "configs",
    "container_name",
    "credential_spec",
    "depends_on",
    "deploy",
    "device_cgroup_rules",
    "devices",
    "dns",
    "dns_opt",
    "dns_search",
    "dockerfile",
    "domainname",
    "entrypoint",
    "provider",
    "environment",
    "env_file",
    "expose",
    "extends",
    "external_links",
    "extra_hosts",
    "group_add",
    "gpus",
    "hostname",
    "healthcheck",
    "image",
    "init",
    "ipc",
    "isolation",
    "labels",
    "label_file",
    "links",
    "logging",
    "log_driver",
    "log_opt",
    "mem_limit",
    "mem_reservation",
    "memswap_limit",
    "mem_swappiness",
    "mac_address",
    "models",
    "net",
    "network_mode",
    "networks",
    "oom_kill_disable",
    "oom_score_adj",
    "pid",
    "pids_limit",
    "platform",
    "ports",
    "privileged",
    "pull_policy",
    "read_only",
    "restart",
    "runtime",
    "scale",
    "secrets",
    "security_opt",
    "shm_size",
    "stdin_open",
    "stop_grace_period",
    "stop_signal",
    "storage_opt",
    "sysctls",
    "tmpfs",
    "tty",
    "ulimits",
    "use_api_socket",
    "user",
    "userns_mode",
    "uts",
    "volume_driver",
    "volumes",
    "volumes_from",
    "working_dir",
    "post_start",
    "pre_stop",
];

/// The entries `files` (each service's env or label files) give the service `service`, with
/// `written` (its `environment` or `labels`) over them.
fn over_files(
    files: &[crate::resolve_refs::ServiceEnvFile],
    service: &str,
    written: Option<Vec<(String, Option<String>)>>,
) -> Vec<(String, Option<String>)> {
    let mut merged: Vec<(String, Option<String>)> = files
        .iter()
        .find(|e| e.service == service)
        .map(|e| {
            e.entries
                .iter()
                .map(|(k, v)| (k.clone(), Some(v.clone())))
                .collect()
        })
        .unwrap_or_default();
    let written = last_of_each_key(written.unwrap_or_default());
    let keys: std::collections::HashSet<&str> = written.iter().map(|(k, _)| k.as_str()).collect();
    merged.retain(|(k, _)| !keys.contains(k.as_str()));
    merged.extend(written);
    merged
}

/// The last entry of each key, in the order of those last entries: what removing the earlier
/// entry of a key before pushing each one gives, without a scan per entry (quadratic: 20 000
/// `environment` entries took half a second to print).
fn last_of_each_key<V>(entries: impl IntoIterator<Item = (String, V)>) -> Vec<(String, V)> {
    let entries: Vec<(String, V)> = entries.into_iter().collect();
    let mut seen = std::collections::HashSet::new();
    let mut kept: Vec<(String, V)> = Vec::with_capacity(entries.len());
    for (k, v) in entries.into_iter().rev() {
        if seen.insert(k.clone()) {
            kept.push((k, v));
        }
    }
    kept.reverse();
    kept
}

/// Whether a service is enabled: no `profiles`, or one of them is active (`*` activates all).
pub(crate) fn enabled(tree: &crate::yaml::Tree, svc: &Service, active: &[String]) -> bool {
    let Some(entry) = svc.entry(tree, "profiles") else {
        return true;
    };
    // A lone scalar (`profiles: debug`, which Compose's schema refuses) counts as a one-item
    // list, the way it is rendered.
    let items = match tree.node(entry.value).kind {
        NodeKind::Sequence(items) => tree.items(items),
        NodeKind::Scalar(_) => std::slice::from_ref(&entry.value),
        NodeKind::Mapping(_) => &[],
    };
    let profiles: Vec<compact_str::CompactString> = items
        .iter()
        .filter_map(|&i| crate::model::convert::compose_string(tree, i))
        .collect();
    profiles.is_empty()
        || active.iter().any(|a| a == "*")
        || profiles.iter().any(|p| active.iter().any(|a| a == p))
}

/// Render one service; the flag says whether it joins the `default` network.
pub(crate) fn render(cx: &Cx<'_>, svc: &Service) -> (Value, bool) {
    let mut out: Vec<(String, Value)> = Vec::new();
    let mut extensions: Vec<(String, Value)> = Vec::new();
    let mut has_networks = false;
    let mut has_network_mode = false;
    // compose-go gives a service with a `provider` no network (not even `default`).
    let mut has_provider = false;
    let mut uses_default = false;
    let mut environment: Option<Vec<(String, Option<String>)>> = None;
    let mut labels: Option<Vec<(String, Option<String>)>> = None;
    for k in svc.keys(cx.tree) {
        let key = k.key.value.as_str();
        let v = k.value;
        let value = match key {
            "command" | "entrypoint" => command(cx, v),
            "environment" => {
                environment = Some(list_or_dict(cx, v, true));
                continue;
            }
            // `pull_refresh_after` is not a field of compose-go v2.9's `ServiceConfig`: dropped.
            "env_file" | "extends" | "label_file" | "pull_refresh_after" => continue,
            "provider" => {
                has_provider = true;
                Some(provider(cx, v))
            }
            "blkio_config" => Some(blkio_config(cx, v)),
            "labels" => {
                labels = Some(list_or_dict(cx, v, false));
                continue;
            }
            "annotations" | "sysctls" => Some(string_map(cx, v, true)),
            // A Go `map[string]string`: numbers printed, null empty, sorted.
            "storage_opt" => Some(string_map(cx, v, true)),
            // compose-go makes `expose` unique by each item's text (its first place kept).
            "expose" => Some(match string_list(cx, v) {
                Value::Seq(mut items) => {
                    let mut seen = std::collections::HashSet::new();
                    items.retain(|i| !matches!(i, Value::Str(t) if !seen.insert(t.clone())));
                    Value::Seq(items)
                }
                other => other,
            }),
            // compose-go leaves out the empty `dns` entries, and an empty list.
            "dns" => match string_list(cx, v) {
                Value::Seq(mut items) => {
                    items.retain(|i| i.as_str() != Some(""));
                    (!items.is_empty()).then_some(Value::Seq(items))
                }
                other => Some(other),
            },
            "links" | "dns_search" | "cap_add" | "cap_drop" | "profiles" | "volumes_from"
            | "security_opt" | "external_links" | "tmpfs" | "dns_opt" | "group_add" => {
                Some(string_list(cx, v))
            }
            "extra_hosts" => Some(extra_hosts(cx, v)),
            "healthcheck" => Some(healthcheck(cx, v)),
            "pull_policy" => cx.text(v).map(|t| {
                if t == "if_not_present" {
                    Value::str("missing")
                } else {
                    cx.s(&t)
                }
            }),
            "image" | "restart" | "container_name" | "hostname" | "user" | "working_dir"
            | "platform" | "stop_signal" | "network_mode" | "ipc" | "pid" | "runtime"
            | "domainname" | "cgroup_parent" | "userns_mode" | "isolation" => {
                let text = cx.text(v).map(|t| cx.s(&t));
                // Only a rendered `network_mode` replaces the default network: a null one is
                // dropped, and the reloaded output must not gain `networks` (config fixed point).
                if key == "network_mode" && text.is_some() {
                    has_network_mode = true;
                }
                text
            }
            "read_only" | "tty" | "privileged" | "stdin_open" | "init" | "oom_kill_disable" => {
                match boolean(cx, v) {
                    Some(true) => Some(Value::Bool(true)),
                    Some(false) if key == "init" => Some(Value::Bool(false)),
                    _ => None,
                }
            }
            "logging" => Some(logging(cx, v)),
            "ports" => Some(ports(cx, v)),
            "volumes" => Some(volumes(cx, v)),
            "depends_on" => Some(depends_on(cx, v)),
            "networks" => {
                has_networks = true;
                let (val, default) = networks(cx, v);
                uses_default |= default;
                if matches!(&val, Value::Map(m) if m.is_empty()) {
                    has_networks = false;
                }
                Some(val)
            }
            "build" => Some(build(cx, v)),
            "deploy" => Some(deploy(cx, v)),
            "secrets" => Some(file_refs(cx, v, Some("/run/secrets/"))),
            "configs" => Some(file_refs(cx, v, None)),
            "stop_grace_period" => cx.text(v).map(|t| duration(cx, &t)),
            // compose-go's fields are `omitempty`: a zero is not printed; a float decodes to
            // no `UnitBytes` at all.
            "shm_size" | "mem_limit" | "mem_reservation" | "memswap_limit" | "mem_swappiness" => {
                Some(unit_bytes(cx, v)).filter(|b| !is_zero(b) && !matches!(b, Value::Float(_)))
            }
            // A `float32` in compose-go, but its schema wants an integer.
            "cpu_percent" => Some(number(cx, v, 64, 32)).filter(|n| !is_zero(n)),
            "cpu_count" | "cpu_period" | "cpu_quota" | "cpu_rt_period" | "cpu_rt_runtime"
            | "cpu_shares" | "oom_score_adj" | "pids_limit" => {
                Some(integer(cx, v)).filter(|n| !is_zero(n))
            }
            "scale" => Some(integer(cx, v)),
            "cpus" => Some(number(cx, v, 32, 32)).filter(|n| !is_zero(n)),
            "devices" => Some(devices(cx, v)),
            "ulimits" => Some(ulimits(cx, v)),
            "post_start" | "pre_stop" => Some(Value::Seq(
                cx.items(v).into_iter().map(|h| hook(cx, h)).collect(),
            )),
            "develop" => Some(develop(cx, v)),
            "gpus" => Some(gpus(cx, v)),
            "models" => Some(models(cx, v)),
            k2 if k2.starts_with("x-") => {
                extensions.push((key.to_owned(), cx.plain(v)));
                continue;
            }
            _ => Some(cx.plain(v)),
        };
        let empty = match &value {
            // `init` and `attach` are pointers in compose-go: a written `false` is printed.
            Some(Value::Bool(false)) => !matches!(key, "init" | "attach"),
            Some(Value::Null) | None => true,
            Some(Value::Seq(x)) => x.is_empty(),
            // Pointers to structs in compose-go: an empty one is printed `{}`.
            Some(Value::Map(x)) => {
                x.is_empty()
                    && !matches!(
                        key,
                        "healthcheck"
                            | "logging"
                            | "blkio_config"
                            | "credential_spec"
                            | "develop"
                            | "deploy"
                    )
            }
            Some(Value::Str(x)) => x.is_empty(),
            Some(_) => false,
        };
        if let Some(value) = value.filter(|_| !empty || matches!(key, "command" | "entrypoint")) {
            out.push((key.to_owned(), value));
        } else if matches!(key, "command" | "entrypoint") && cx.format == Format::Json {
            out.push((key.to_owned(), Value::Null));
        }
    }
    // The entries of the service's label_file and env_file first, `labels` and `environment`
    // over them (Compose's precedence); empty (`labels: []`) is omitted, as every empty map.
    let labels = over_files(&cx.loaded.label_files, svc.name(cx.tree), labels);
    if !labels.is_empty() {
        out.push(("labels".to_owned(), sorted_strings(cx, labels, false)));
    }
    let environment = over_files(&cx.loaded.env_files, svc.name(cx.tree), environment);
    if !environment.is_empty() {
        out.push((
            "environment".to_owned(),
            sorted_strings(cx, environment, true),
        ));
    }
    implied_dependencies(cx, svc, &mut out);
    for key in ["command", "entrypoint"] {
        if cx.format == Format::Json && !out.iter().any(|(k, _)| k == key) {
            out.push((key.to_owned(), Value::Null));
        }
    }
    // A provider service joins no network by itself; a `default` it lists is the project's,
    // which another service (even one its profiles leave out) made exist, or Compose refuses
    // the project (see `consistency`).
    if !has_provider && !has_networks && !has_network_mode {
        uses_default = true;
        out.push((
            "networks".to_owned(),
            Value::Map(vec![("default".to_owned(), Value::Null)]),
        ));
    }
    for (key, value) in &mut out {
        unique_items(key, value);
    }
    // compose-go: `scale` sets `deploy.replicas` when the service has a `deploy` section.
    let scale = out
        .iter()
        .find(|(k, _)| k == "scale")
        .map(|(_, v)| v.clone());
    if let Some(scale @ Value::Int(_)) = scale
        && let Some((_, Value::Map(deploy))) = out.iter_mut().find(|(k, _)| k == "deploy")
    {
        match deploy.iter_mut().find(|(k, _)| k == "replicas") {
            Some((_, r)) => *r = scale,
            None => {
                let at = usize::from(deploy.first().is_some_and(|(k, _)| k == "mode"));
                deploy.insert(at, ("replicas".to_owned(), scale));
            }
        }
    }
    let mut value = ordered(out, ORDER);
    append_extensions(cx, &mut value, extensions);
    (value, uses_default)
}

/// compose-go's normalisation: `links`, `network_mode: service:x` (and ipc, pid, uts, cgroup)
/// and `volumes_from` add a `depends_on` entry when none is written for that service.
fn implied_dependencies(cx: &Cx<'_>, svc: &Service, out: &mut Vec<(String, Value)>) {
    let mut implied: Vec<(String, bool)> = Vec::new();
    // compose-go looks at links, then network_mode, ipc, pid, uts, cgroup, then volumes_from,
    // whatever order they are written in; the first one naming a service sets its entry.
    let rank = |key: &str| {
        [
            "links",
            "network_mode",
            "ipc",
            "pid",
            "uts",
            "cgroup",
            "volumes_from",
        ]
        .iter()
        .position(|k| *k == key)
    };
    let mut keys: Vec<_> = svc
        .keys(cx.tree)
        .filter(|k| rank(k.key.value.as_str()).is_some())
        .collect();
    keys.sort_by_key(|k| rank(k.key.value.as_str()));
    for k in keys {
        let key = k.key.value.as_str();
        match key {
            "links" => {
                for i in cx.list_items(k.value) {
                    if let Some(link) = cx.text(i) {
                        let parts: Vec<&str> = link.split(':').collect();
                        let name = if parts.len() == 2 {
                            parts[0]
                        } else {
                            link.as_str()
                        };
                        implied.push((name.to_owned(), true));
                    }
                }
            }
            "network_mode" | "ipc" | "pid" | "uts" | "cgroup" => {
                if let Some(shared) = cx
                    .text(k.value)
                    .and_then(|t| t.strip_prefix("service:").map(str::to_owned))
                {
                    implied.push((shared, true));
                }
            }
            "volumes_from" => {
                for i in cx.list_items(k.value) {
                    if let Some(v) = cx.text(i).filter(|v| !v.starts_with("container:")) {
                        let name = v.split(':').next().unwrap_or_default().to_owned();
                        implied.push((name, false));
                    }
                }
            }
            _ => {}
        }
    }
    if implied.is_empty() {
        return;
    }
    if !out.iter().any(|(k, _)| k == "depends_on") {
        out.push(("depends_on".to_owned(), Value::Map(Vec::new())));
    }
    let Some((_, Value::Map(deps))) = out.iter_mut().find(|(k, _)| k == "depends_on") else {
        return;
    };
    // The names already in `depends_on`, so that a service with many links skips a repeated
    // one in constant time instead of scanning the map for each.
    let mut named: std::collections::HashSet<String> =
        deps.iter().map(|(k, _)| k.clone()).collect();
    for (name, restart) in implied {
        if !named.insert(name.clone()) {
            continue;
        }
        let mut e = vec![("condition".to_owned(), Value::str("service_started"))];
        if restart {
            e.push(("restart".to_owned(), Value::Bool(true)));
        }
        e.push(("required".to_owned(), Value::Bool(true)));
        deps.push((name, Value::Map(e)));
    }
    deps.sort_by(|a, b| a.0.cmp(&b.0));
}

fn boolean(cx: &Cx<'_>, v: NodeId) -> Option<bool> {
    match cx.plain(v) {
        Value::Bool(b) => Some(b),
        Value::Str(s) => crate::model::convert::compose_bool(&s),
        _ => None,
    }
}

fn command(cx: &Cx<'_>, v: NodeId) -> Option<Value> {
    match cx.kind(v) {
        NodeKind::Sequence(items) => Some(Value::Seq(
            cx.tree
                .items(items)
                .iter()
                .map(|&i| cx.s(&cx.text(i).unwrap_or_default()))
                .collect(),
        )),
        NodeKind::Scalar(_) => {
            // Masked before it is split: a secret holding a space would be cut into words that
            // are each no secret value, and print in the clear.
            let text = cx.masked(&cx.text(v)?);
            let words = shell_words(&text).unwrap_or_else(|| vec![text.clone()]);
            Some(Value::Seq(words.iter().map(|w| cx.s(w)).collect()))
        }
        NodeKind::Mapping(_) => None,
    }
}

/// `environment` / `labels` / `args`: list or map, in written order, `None` for bare names.
fn list_or_dict(cx: &Cx<'_>, v: NodeId, _env: bool) -> Vec<(String, Option<String>)> {
    match cx.kind(v) {
        NodeKind::Sequence(items) => cx
            .tree
            .items(items)
            .iter()
            .filter_map(|&i| cx.text(i))
            .map(|t| match t.split_once('=') {
                Some((k, val)) => (k.to_owned(), Some(val.to_owned())),
                None => (t, None),
            })
            .collect(),
        NodeKind::Mapping(_) => cx
            .entries(v)
            .into_iter()
            .map(|(k, val)| (k, cx.text(val)))
            .collect(),
        NodeKind::Scalar(_) => Vec::new(),
    }
}

/// A sorted string map; bare names are resolved from the project's variables (`environment`,
/// `null` when unset) or become `""` (`labels`).
fn sorted_strings(cx: &Cx<'_>, entries: Vec<(String, Option<String>)>, env: bool) -> Value {
    let map = entries.into_iter().map(|(k, v)| {
        let value = match v {
            Some(v) => cx.s(&v),
            None if env => match cx.loaded.variables.get(&k) {
                Some(found) => cx.s(found),
                None => Value::Null,
            },
            None => cx.s(""),
        };
        (super::escaped_key(k), value)
    });
    let mut map = last_of_each_key(map);
    map.sort_by(|a, b| a.0.cmp(&b.0));
    Value::Map(map)
}

/// A map of strings (`labels`, `driver_opts`, `sysctls`), sorted.
pub(crate) fn string_map(cx: &Cx<'_>, v: NodeId, _sorted: bool) -> Value {
    let entries = list_or_dict(cx, v, false);
    sorted_strings(cx, entries, false)
}

fn string_list(cx: &Cx<'_>, v: NodeId) -> Value {
    match cx.kind(v) {
        NodeKind::Sequence(items) => Value::Seq(
            cx.tree
                .items(items)
                .iter()
                .filter_map(|&i| cx.text(i))
                .map(|t| cx.s(&t))
                .collect(),
        ),
        NodeKind::Scalar(_) => match cx.text(v) {
            Some(t) => Value::Seq(vec![cx.s(&t)]),
            None => Value::Null,
        },
        NodeKind::Mapping(_) => cx.plain(v),
    }
}

/// `build.ssh` as compose-go prints it: its transformSSH makes a list a mapping (`ID=PATH` is
/// `ID: PATH`, a later ID replacing an earlier one; `default` alone has no path), a string path
/// is made absolute against the project directory (an empty one is the directory), and each
/// key is printed `ID` or `ID: PATH` (`SSHKey.MarshalYAML`), as a list. Compose's order is a Go
/// map's (it changes from run to run); factory keeps the order the IDs are first written in.
/// Compose cannot print a key with a path as JSON (its `MarshalJSON` writes `"ID": PATH`, which
/// is no JSON value: `json: error calling MarshalJSON for type types.SSHKey`, v2.40.3): factory
/// prints the same strings there.
fn ssh_keys(cx: &Cx<'_>, v: NodeId) -> Value {
    // A later ID replaces an earlier one in its place.
    let mut keys: indexmap::IndexMap<String, Option<String>> = indexmap::IndexMap::new();
    match cx.kind(v) {
        NodeKind::Sequence(_) => {
            for text in cx.items(v).into_iter().filter_map(|i| cx.text(i)) {
                match text.split_once('=') {
                    Some((id, path)) => keys.insert(id.to_owned(), Some(cx.absolute(path))),
                    None => keys.insert(text, None),
                };
            }
        }
        NodeKind::Mapping(_) => {
            for (id, value) in cx.entries(v) {
                // Only a string path is made absolute (`maybeUnixPath`); `x: 1` stays `1`.
                let string = matches!(
                    crate::model::convert::scalar_kind(cx.tree, value),
                    crate::yaml::PlainValue::Str
                );
                let path = cx
                    .text(value)
                    .map(|p| if string { cx.absolute(&p) } else { p });
                keys.insert(id, path);
            }
        }
        NodeKind::Scalar(_) => return cx.plain(v),
    }
    Value::Seq(
        keys.into_iter()
            .map(|(id, path)| match path.filter(|p| !p.is_empty()) {
                Some(path) => cx.s(&format!("{id}: {path}")),
                None => cx.s(&id),
            })
            .collect(),
    )
}

fn extra_hosts(cx: &Cx<'_>, v: NodeId) -> Value {
    let mut list: Vec<String> = Vec::new();
    let strip = |ip: &str| -> String {
        if ip.len() > 2 && ip.starts_with('[') && ip.ends_with(']') {
            ip[1..ip.len() - 1].to_owned()
        } else {
            ip.to_owned()
        }
    };
    match cx.kind(v) {
        NodeKind::Sequence(items) => {
            for &i in cx.tree.items(items) {
                let Some(t) = cx.text(i) else { continue };
                let split = t.split_once('=').or_else(|| t.split_once(':'));
                if let Some((host, ips)) = split {
                    for ip in ips.split(',') {
                        list.push(format!("{host}={}", strip(ip)));
                    }
                }
            }
        }
        NodeKind::Mapping(_) => {
            for (host, val) in cx.entries(v) {
                match cx.kind(val) {
                    NodeKind::Sequence(ips) => {
                        for &ip in cx.tree.items(ips) {
                            let ip = cx.text(ip).unwrap_or_default();
                            list.push(format!("{host}={}", strip(&ip)));
                        }
                    }
                    _ => {
                        let ip = cx.text(val).unwrap_or_default();
                        list.push(format!("{host}={}", strip(&ip)));
                    }
                }
            }
        }
        NodeKind::Scalar(_) => {}
    }
    list.sort();
    Value::Seq(list.iter().map(|s| cx.s(s)).collect())
}

fn duration(cx: &Cx<'_>, text: &str) -> Value {
    match parse_duration(text) {
        Some(ns) => Value::str(format_duration(ns)),
        None => cx.s(text),
    }
}

fn healthcheck(cx: &Cx<'_>, v: NodeId) -> Value {
    let mut out: Vec<(String, Value)> = Vec::new();
    for (k, val) in cx.entries(v) {
        let value = match k.as_str() {
            "test" => match cx.kind(val) {
                NodeKind::Scalar(_) => cx
                    .text(val)
                    .map(|t| Value::Seq(vec![Value::str("CMD-SHELL"), cx.s(&t)])),
                // `omitempty`: `test: []` is not printed.
                _ => Some(string_list(cx, val))
                    .filter(|t| !matches!(t, Value::Seq(x) if x.is_empty())),
            },
            "timeout" | "interval" | "start_period" | "start_interval" => {
                cx.text(val).map(|t| duration(cx, &t))
            }
            // An integer in Compose's schema: an interpolated `$RETRIES` is cast to a number.
            // A float is truncated (`0.5` is 0), as compose-go decodes it into a `uint64`.
            "retries" => match cx.plain(val) {
                Value::Null => None,
                Value::Str(t) => Some(t.parse::<i128>().map_or(Value::Str(t), Value::Int)),
                Value::Float(_) => Some(unsigned(cx, val)),
                other => Some(other),
            },
            "disable" => boolean(cx, val).filter(|b| *b).map(Value::Bool),
            k2 if k2.starts_with("x-") => None,
            _ => Some(cx.plain(val)),
        };
        if let Some(value) = value {
            out.push((k, value));
        }
    }
    let value = ordered(
        out,
        &[
            "test",
            "timeout",
            "interval",
            "retries",
            "start_period",
            "start_interval",
            "disable",
        ],
    );
    with_extensions(cx, value, v)
}

fn logging(cx: &Cx<'_>, v: NodeId) -> Value {
    let mut out: Vec<(String, Value)> = Vec::new();
    for (k, val) in cx.entries(v) {
        match k.as_str() {
            // omitempty
            "driver" => {
                if let Some(t) = cx.text(val).filter(|t| !t.is_empty()) {
                    out.push((k, cx.s(&t)));
                }
            }
            "options" => {
                if !cx.is_null(val) {
                    out.push((k, string_map(cx, val, true)));
                }
            }
            k2 if k2.starts_with("x-") => {}
            _ => out.push((k, cx.plain(val))),
        }
    }
    with_extensions(cx, ordered(out, &["driver", "options"]), v)
}

fn ports(cx: &Cx<'_>, v: NodeId) -> Value {
    // compose-go makes the list unique twice: by the item as written (a short port's text,
    // a long one's `port_key`), then by `port_key` of the canonical (long) form; `out` holds
    // (written key, [(canonical key, port)]).
    let mut out: Vec<(String, Vec<(String, Value)>)> = Vec::new();
    for item in cx.items(v) {
        match cx.kind(item) {
            NodeKind::Mapping(_) => {
                let key = port_key(cx, item);
                let mut entries: Vec<(String, Value)> = Vec::new();
                for (k, val) in cx.entries(item) {
                    let value = match k.as_str() {
                        "published" => cx.text(val).map(|t| cx.s(&t)),
                        "target" => Some(integer(cx, val)),
                        k2 if k2.starts_with("x-") => None,
                        _ => cx.text(val).map(|t| cx.s(&t)),
                    };
                    if let Some(value) = value {
                        entries.push((k, value));
                    }
                }
                if !entries.iter().any(|(k, _)| k == "mode") {
                    entries.push(("mode".to_owned(), Value::str("ingress")));
                }
                if !entries.iter().any(|(k, _)| k == "protocol") {
                    entries.push(("protocol".to_owned(), Value::str("tcp")));
                }
                let port = ordered(
                    entries,
                    &[
                        "name",
                        "mode",
                        "host_ip",
                        "target",
                        "published",
                        "protocol",
                        "app_protocol",
                    ],
                );
                out.push((key.clone(), vec![(key, with_extensions(cx, port, item))]));
            }
            _ => {
                let Some(text) = cx.text(item) else { continue };
                let Some(parsed) = parse_ports(&text) else {
                    out.push((text.clone(), vec![(text.clone(), cx.s(&text))]));
                    continue;
                };
                // An earlier file's item is already one mapping per port for compose-go.
                let canonical = cx.tree.canonical_ports.contains(&item);
                let mut group = Vec::new();
                for p in parsed {
                    let key = p.unicity_key();
                    let mut e = vec![("mode".to_owned(), Value::str("ingress"))];
                    if !p.host_ip.is_empty() {
                        e.push(("host_ip".to_owned(), cx.s(&p.host_ip)));
                    }
                    e.push(("target".to_owned(), Value::Int(i128::from(p.target))));
                    if !p.published.is_empty() {
                        e.push(("published".to_owned(), cx.s(&p.published)));
                    }
                    e.push(("protocol".to_owned(), cx.s(&p.protocol)));
                    if canonical {
                        out.push((key.clone(), vec![(key, Value::Map(e))]));
                    } else {
                        group.push((key, Value::Map(e)));
                    }
                }
                if !canonical {
                    out.push((text, group));
                }
            }
        }
    }
    let written = last_in_first_place(out.into_iter().map(|(k, group)| (Some(k), group)));
    let canonical = written
        .into_iter()
        .flatten()
        .map(|(k, port)| (Some(k), port));
    Value::Seq(last_in_first_place(canonical))
}

/// compose-go's `portIndexer` key of a long-syntax port ([`super::parse::long_port_key`]).
fn port_key(cx: &Cx<'_>, item: NodeId) -> String {
    use super::parse::GoScalar;
    let entries = cx.entries(item);
    super::parse::long_port_key(|name| {
        let (_, v) = entries.iter().find(|(k, _)| k == name)?;
        Some(match cx.plain(*v) {
            Value::Null => GoScalar::Null,
            Value::Bool(b) => GoScalar::Bool(b),
            Value::Int(i) => GoScalar::Int(i),
            Value::Str(s) => GoScalar::Str(s.into()),
            _ => GoScalar::Unknown,
        })
    })
    .unwrap_or_default()
}

fn volumes(cx: &Cx<'_>, v: NodeId) -> Value {
    // (the target as written, volume): compose-go makes the list unique by the written target
    // first (`/data/` and `/data` differ), then by the cleaned one (`unique_items`).
    let mut out: Vec<(Option<String>, Value)> = Vec::new();
    for item in cx.items(v) {
        match cx.kind(item) {
            NodeKind::Mapping(_) => {
                let kind = cx
                    .entries(item)
                    .into_iter()
                    .find(|(k, _)| k == "type")
                    .and_then(|(_, t)| cx.text(t))
                    .unwrap_or_default();
                let mut entries: Vec<(String, Value)> = Vec::new();
                for (k, val) in cx.entries(item) {
                    let value = match k.as_str() {
                        "source" if kind == "bind" => cx.text(val).map(|t| cx.s(&cx.absolute(&t))),
                        "read_only" => boolean(cx, val).filter(|b| *b).map(Value::Bool),
                        "target" => cx.text(val).map(|t| cx.s(&super::clean(&t))),
                        // `false` is Go's zero value: compose-go omits it.
                        "bind" => Some(with_extensions(
                            cx,
                            ordered(
                                without_false(plain_entries(cx, val)),
                                &["selinux", "propagation", "create_host_path", "recursive"],
                            ),
                            val,
                        )),
                        "volume" => Some(with_extensions(
                            cx,
                            ordered(
                                without_false(cast_entries(cx, val, &[], &[], &["nocopy"])),
                                &["labels", "nocopy", "subpath"],
                            ),
                            val,
                        )),
                        "tmpfs" => Some(ordered(
                            cx.entries(val)
                                .into_iter()
                                .filter(|(k, _)| !k.starts_with("x-"))
                                .map(|(k, x)| {
                                    let x = if k == "size" {
                                        unit_bytes(cx, x)
                                    } else {
                                        cx.plain(x)
                                    };
                                    (k, x)
                                })
                                // `size` and `mode` are `omitempty`.
                                .filter(|(_, x)| !is_zero(x))
                                .collect(),
                            &["size", "mode"],
                        )),
                        k2 if k2.starts_with("x-") => None,
                        _ => Some(cx.plain(val)),
                    };
                    if let Some(value) = value {
                        entries.push((k, value));
                    }
                }
                let written = cx
                    .entries(item)
                    .into_iter()
                    .find(|(k, _)| k == "target")
                    .and_then(|(_, t)| cx.text(t));
                let value = ordered(
                    entries,
                    &[
                        "type",
                        "source",
                        "target",
                        "read_only",
                        "consistency",
                        "bind",
                        "volume",
                        "tmpfs",
                        "image",
                    ],
                );
                out.push((written, with_extensions(cx, value, item)));
            }
            _ => {
                let Some(text) = cx.text(item) else { continue };
                let Some(p) = parse_volume(&text) else {
                    out.push((None, cx.s(&text)));
                    continue;
                };
                let mut e = vec![("type".to_owned(), Value::str(p.kind))];
                if !p.source.is_empty() {
                    let source = if p.kind == "bind" {
                        cx.absolute(&p.source)
                    } else {
                        p.source.clone()
                    };
                    e.push(("source".to_owned(), cx.s(&source)));
                }
                let target = if p.target.is_empty() {
                    String::new()
                } else {
                    super::clean(&p.target)
                };
                e.push(("target".to_owned(), cx.s(&target)));
                if p.read_only {
                    e.push(("read_only".to_owned(), Value::Bool(true)));
                }
                if p.has_bind {
                    let mut b = Vec::new();
                    if !p.selinux.is_empty() {
                        b.push(("selinux".to_owned(), cx.s(&p.selinux)));
                    }
                    if !p.propagation.is_empty() {
                        b.push(("propagation".to_owned(), cx.s(&p.propagation)));
                    }
                    if p.create_host_path {
                        b.push(("create_host_path".to_owned(), Value::Bool(true)));
                    }
                    e.push(("bind".to_owned(), Value::Map(b)));
                }
                if p.has_volume {
                    let mut vv = Vec::new();
                    if p.nocopy {
                        vv.push(("nocopy".to_owned(), Value::Bool(true)));
                    }
                    e.push(("volume".to_owned(), Value::Map(vv)));
                }
                let key = crate::merge::short_target_key(cx.tree, item, p.target.clone());
                out.push((Some(key), Value::Map(e)));
            }
        }
    }
    Value::Seq(last_in_first_place(out))
}

/// [`plain_entries`], with the values of the keys Compose casts from a string (`"3"` is 3,
/// `"true"` is true) cast: `ints` (int64), `uints` (uint64), `bools`.
fn cast_entries(
    cx: &Cx<'_>,
    v: NodeId,
    ints: &[&str],
    uints: &[&str],
    bools: &[&str],
) -> Vec<(String, Value)> {
    cx.entries(v)
        .into_iter()
        .filter(|(k, _)| !k.starts_with("x-"))
        .map(|(k, val)| {
            let value = if ints.contains(&k.as_str()) {
                integer(cx, val)
            } else if uints.contains(&k.as_str()) {
                unsigned(cx, val)
            } else if bools.contains(&k.as_str()) {
                boolean(cx, val).map_or_else(|| cx.plain(val), Value::Bool)
            } else {
                cx.plain(val)
            };
            (k, value)
        })
        .collect()
}

fn plain_entries(cx: &Cx<'_>, v: NodeId) -> Vec<(String, Value)> {
    cx.entries(v)
        .into_iter()
        .filter(|(k, _)| !k.starts_with("x-"))
        .map(|(k, val)| (k, cx.plain(val)))
        .collect()
}

fn depends_on(cx: &Cx<'_>, v: NodeId) -> Value {
    let mut out: Vec<(String, Value)> = Vec::new();
    match cx.kind(v) {
        NodeKind::Sequence(items) => {
            let names = cx.tree.items(items).iter().filter_map(|&i| cx.text(i));
            out = last_of_each_key(names.map(|name| {
                let condition = Value::str("service_started");
                let e = vec![
                    ("condition".to_owned(), condition),
                    ("required".to_owned(), Value::Bool(true)),
                ];
                (name, Value::Map(e))
            }));
        }
        NodeKind::Mapping(_) => {
            for (name, val) in cx.entries(v) {
                let mut condition = "service_started".to_owned();
                let mut restart = false;
                let mut required = true;
                for (k, x) in cx.entries(val) {
                    match k.as_str() {
                        "condition" => condition = cx.text(x).unwrap_or(condition),
                        "restart" => restart = boolean(cx, x).unwrap_or(false),
                        "required" => required = boolean(cx, x).unwrap_or(true),
                        _ => {}
                    }
                }
                let mut e = vec![("condition".to_owned(), cx.s(&condition))];
                if restart {
                    e.push(("restart".to_owned(), Value::Bool(true)));
                }
                e.push(("required".to_owned(), Value::Bool(required)));
                out.push((name, with_extensions(cx, Value::Map(e), val)));
            }
        }
        NodeKind::Scalar(_) => {}
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Value::Map(out)
}

fn networks(cx: &Cx<'_>, v: NodeId) -> (Value, bool) {
    let mut out: Vec<(String, Value)> = Vec::new();
    match cx.kind(v) {
        NodeKind::Sequence(items) => {
            for &i in cx.tree.items(items) {
                if let Some(name) = cx.text(i) {
                    out.push((name, Value::Null));
                }
            }
        }
        NodeKind::Mapping(_) => {
            for (name, val) in cx.entries(v) {
                let value = if cx.is_null(val) {
                    Value::Null
                } else {
                    let mut entries = cast_entries(cx, val, &["priority", "gw_priority"], &[], &[]);
                    // `priority` and `gw_priority` are ints with omitempty, the addresses and
                    // `interface_name` strings with omitempty.
                    entries.retain(|(k, x)| match k.as_str() {
                        "priority" | "gw_priority" => !matches!(x, Value::Int(0)),
                        "ipv4_address" | "ipv6_address" | "mac_address" | "interface_name" => {
                            x.as_str() != Some("")
                        }
                        _ => true,
                    });
                    let value = ordered(
                        entries,
                        &[
                            "aliases",
                            "driver_opts",
                            "gw_priority",
                            "interface_name",
                            "ipv4_address",
                            "ipv6_address",
                            "link_local_ips",
                            "mac_address",
                            "priority",
                        ],
                    );
                    with_extensions(cx, value, val)
                };
                out.push((name, value));
            }
        }
        NodeKind::Scalar(_) => {}
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    let default = out.iter().any(|(k, _)| k == "default");
    (Value::Map(out), default)
}

/// compose-go's absContextPath: a build context that is not a local path (a builder-specific
/// `…://` context, a `service:` reference, a Git reference or an HTTP(S) URL).
pub(crate) fn is_remote_context(s: &str) -> bool {
    s.contains("://")
        || ["service:", "git@", "github.com/"]
            .iter()
            .any(|p| s.starts_with(p))
}

fn build(cx: &Cx<'_>, v: NodeId) -> Value {
    let mut out: Vec<(String, Value)> = Vec::new();
    // An empty `context` or `dockerfile` is written: it gets no default either.
    let (mut empty_context, mut empty_dockerfile) = (false, false);
    match cx.kind(v) {
        // `build: ""` is an empty context: not printed (omitempty).
        NodeKind::Scalar(_) => match cx.text(v).unwrap_or_default() {
            ctx if ctx.is_empty() => {}
            ctx if is_remote_context(&ctx) => out.push(("context".to_owned(), cx.s(&ctx))),
            ctx => out.push(("context".to_owned(), cx.s(&cx.absolute(&ctx)))),
        },
        NodeKind::Mapping(_) => {
            for (k, val) in cx.entries(v) {
                let value = match k.as_str() {
                    "context" => cx.text(val).map(|c| {
                        let c = if is_remote_context(&c) {
                            c
                        } else {
                            cx.absolute(&c)
                        };
                        cx.s(&c)
                    }),
                    "args" => {
                        // A bare name takes the variable's value; unset, it is dropped.
                        let args: Vec<(String, Option<String>)> = list_or_dict(cx, val, true)
                            .into_iter()
                            .filter_map(|(k, v)| match v {
                                Some(v) => Some((k, Some(v))),
                                None => {
                                    cx.loaded.variables.get(&k).map(|f| (k, Some(f.to_owned())))
                                }
                            })
                            .collect();
                        Some(sorted_strings(cx, args, true))
                    }
                    "extra_hosts" => Some(extra_hosts(cx, val)),
                    "ssh" => Some(ssh_keys(cx, val)),
                    "additional_contexts" => Some(additional_contexts(cx, val)),
                    "labels" => Some(string_map(cx, val, true)),
                    // Strings in compose-go (`provenance: true` is printed `"true"`).
                    "provenance" | "sbom" => Some(match cx.plain(val) {
                        Value::Bool(b) => Value::str(b.to_string()),
                        other => other,
                    }),
                    "cache_from" | "cache_to" | "tags" | "platforms" => Some(string_list(cx, val)),
                    // `omitempty`
                    "shm_size" => Some(unit_bytes(cx, val)).filter(|b| !is_zero(b)),
                    // Like the service's, without a default target.
                    "secrets" => Some(file_refs(cx, val, None)),
                    k2 if k2.starts_with("x-") => None,
                    _ => Some(cx.plain(val)),
                };
                // Go's omitempty: an empty list, map or string is not printed.
                let empty_string = cx.text(val).is_some_and(|t| t.is_empty())
                    && matches!(cx.kind(val), NodeKind::Scalar(_))
                    && !matches!(k.as_str(), "args" | "labels" | "extra_hosts");
                empty_context |= empty_string && k == "context";
                empty_dockerfile |= empty_string && k == "dockerfile";
                let value = value.filter(|v| {
                    !empty_string
                        && !matches!(v, Value::Seq(x) if x.is_empty())
                        && !matches!(v, Value::Map(x) if x.is_empty())
                });
                if let Some(value) = value {
                    out.push((k, value));
                }
            }
            if !empty_context && !out.iter().any(|(k, _)| k == "context") {
                out.push(("context".to_owned(), cx.s(&cx.absolute("."))));
            }
        }
        NodeKind::Sequence(_) => return cx.plain(v),
    }
    if !out
        .iter()
        .any(|(k, _)| k == "dockerfile" || k == "dockerfile_inline")
        && !empty_dockerfile
    {
        out.push(("dockerfile".to_owned(), Value::str("Dockerfile")));
    }
    let value = ordered(
        out,
        &[
            "context",
            "dockerfile",
            "dockerfile_inline",
            "entitlements",
            "args",
            "provenance",
            "sbom",
            "ssh",
            "labels",
            "cache_from",
            "cache_to",
            "no_cache",
            "additional_contexts",
            "pull",
            "extra_hosts",
            "isolation",
            "network",
            "target",
            "secrets",
            "shm_size",
            "tags",
            "ulimits",
            "platforms",
            "privileged",
        ],
    );
    with_extensions(cx, value, v)
}

/// compose-go prints a file mode as `0` and Go's `%o` of it: a negative one keeps its sign
/// (`0-32`).
fn go_octal_mode(m: i128) -> String {
    if m < 0 {
        format!("0-{:o}", m.unsigned_abs())
    } else {
        format!("0{m:o}")
    }
}

/// Service `secrets` / `configs`: short names become `{source, target}` (secrets get
/// `/run/secrets/NAME` as their default target); `mode` prints in octal as compose-go does.
fn file_refs(cx: &Cx<'_>, v: NodeId, default_dir: Option<&str>) -> Value {
    Value::Seq(
        cx.items(v)
            .into_iter()
            .map(|i| {
                let mut entries = match cx.kind(i) {
                    NodeKind::Mapping(_) => plain_entries(cx, i),
                    _ => vec![("source".to_owned(), cx.s(&cx.text(i).unwrap_or_default()))],
                };
                for (k, val) in &mut entries {
                    if k == "mode"
                        && let Value::Int(m) = val
                    {
                        *val = Value::Str(go_octal_mode(*m));
                    } else if k == "mode"
                        && let Value::Str(text) = val
                        && let Ok(m) = i64::from_str_radix(text, 8)
                    {
                        // A string mode is read in octal (`strconv.ParseInt(s, 8, 32)`).
                        *val = Value::Str(go_octal_mode(i128::from(m)));
                    } else if matches!(k.as_str(), "uid" | "gid")
                        && let Value::Int(n) = val
                    {
                        *val = Value::Str(n.to_string());
                    }
                }
                if let Some(dir) = default_dir
                    && !entries.iter().any(|(k, _)| k == "target")
                {
                    let source = entries
                        .iter()
                        .find(|(k, _)| k == "source")
                        .and_then(|(_, s)| s.as_str().map(str::to_owned))
                        .unwrap_or_default();
                    entries.push(("target".to_owned(), Value::Str(format!("{dir}{source}"))));
                }
                with_extensions(
                    cx,
                    ordered(entries, &["source", "target", "uid", "gid", "mode"]),
                    i,
                )
            })
            .collect(),
    )
}

fn deploy(cx: &Cx<'_>, v: NodeId) -> Value {
    let mut out: Vec<(String, Value)> = Vec::new();
    for (k, val) in cx.entries(v) {
        let value = match k.as_str() {
            "labels" => match string_map(cx, val, true) {
                Value::Map(m) if m.is_empty() => continue,
                m => m,
            },
            "resources" => {
                let mut r: Vec<(String, Value)> = Vec::new();
                for (rk, rv) in cx.entries(val) {
                    if rk.starts_with("x-") {
                        continue;
                    }
                    let mut e: Vec<(String, Value)> = Vec::new();
                    for (ek, ev) in cx.entries(rv) {
                        let x = match ek.as_str() {
                            x if x.starts_with("x-") => continue,
                            "devices" if rk == "reservations" => match cx.kind(ev) {
                                NodeKind::Sequence(items) => Value::Seq(
                                    cx.tree
                                        .items(items)
                                        .iter()
                                        .map(|&d| device_request(cx, d))
                                        .collect(),
                                ),
                                _ => cx.plain(ev),
                            },
                            "memory" => unit_bytes(cx, ev),
                            // Compose's schema types `cpus` as a number: `"0.5"` prints as 0.5.
                            "cpus" => number(cx, ev, 64, 32),
                            "pids" => integer(cx, ev),
                            _ => cx.plain(ev),
                        };
                        // compose-go's `cpus`, `memory` and `pids` are `omitempty`.
                        if matches!(ek.as_str(), "cpus" | "memory" | "pids") && is_zero(&x) {
                            continue;
                        }
                        e.push((ek, x));
                    }
                    let resource = ordered(
                        e,
                        &["cpus", "memory", "pids", "devices", "generic_resources"],
                    );
                    r.push((rk, with_extensions(cx, resource, rv)));
                }
                with_extensions(cx, ordered(r, &["limits", "reservations"]), val)
            }
            "restart_policy" | "update_config" | "rollback_config" => {
                let mut e: Vec<(String, Value)> = Vec::new();
                for (ek, ev) in cx.entries(val) {
                    let x = match ek.as_str() {
                        x if x.starts_with("x-") => continue,
                        "delay" | "window" | "monitor" => match cx.text(ev) {
                            // `update_config` / `rollback_config` durations are values with
                            // omitempty (`restart_policy`'s are pointers and print `0s`).
                            Some(t) if k != "restart_policy" && parse_duration(&t) == Some(0) => {
                                continue;
                            }
                            Some(t) => duration(cx, &t),
                            None => cx.plain(ev),
                        },
                        "parallelism" | "max_attempts" => unsigned(cx, ev),
                        // `omitempty` (`parallelism` and `max_attempts` are pointers: printed).
                        "max_failure_ratio" => match number(cx, ev, 64, 32) {
                            n if is_zero(&n) => continue,
                            n => n,
                        },
                        _ => cx.plain(ev),
                    };
                    e.push((ek, x));
                }
                let policy = ordered(
                    e,
                    &[
                        "condition",
                        "parallelism",
                        "delay",
                        "failure_action",
                        "monitor",
                        "max_failure_ratio",
                        "order",
                        "max_attempts",
                        "window",
                    ],
                );
                with_extensions(cx, policy, val)
            }
            "placement" => match with_extensions(
                cx,
                Value::Map(
                    cast_entries(cx, val, &[], &["max_replicas_per_node"], &[])
                        .into_iter()
                        // `omitempty`
                        .filter(|(k, n)| k != "max_replicas_per_node" || !is_zero(n))
                        .collect(),
                ),
                val,
            ) {
                // An empty placement is printed in JSON only (added below).
                Value::Map(m) if m.is_empty() => continue,
                placement => placement,
            },
            "replicas" => integer(cx, val),
            // Strings with omitempty.
            "mode" | "endpoint_mode" if cx.text(val).is_some_and(|t| t.is_empty()) => continue,
            k2 if k2.starts_with("x-") => continue,
            _ => cx.plain(val),
        };
        out.push((k, value));
    }
    if cx.format == Format::Json {
        // Go's encoding/json never omits these two struct fields.
        for key in ["resources", "placement"] {
            if !out.iter().any(|(k, _)| k == key) {
                out.push((key.to_owned(), Value::Map(Vec::new())));
            }
        }
    }
    let value = ordered(
        out,
        &[
            "mode",
            "replicas",
            "labels",
            "update_config",
            "rollback_config",
            "resources",
            "restart_policy",
            "placement",
            "endpoint_mode",
        ],
    );
    with_extensions(cx, value, v)
}

/// compose-go's `EnforceUnicity`: in these lists an item whose key (by kind of list) equals an
/// earlier item's replaces that item in place; it runs on every file's model, so it applies to
/// a single file as much as to a merged one (`dns: [a, a]` renders as `[a]`).
fn unique_items(key: &str, value: &mut Value) {
    match key {
        "cap_add" | "cap_drop" | "dns" | "dns_opt" | "dns_search" | "links" | "profiles"
        | "tmpfs" => dedupe(value, name_before_equals),
        "expose" => dedupe(value, |v| v.as_str().map(str::to_owned)),
        "volumes" => dedupe(value, |v| match v {
            Value::Map(_) => v.get("target").and_then(Value::as_str).map(str::to_owned),
            _ => None,
        }),
        "secrets" | "configs" => {
            let prefix = if key == "secrets" {
                "/run/secrets/"
            } else {
                "/"
            };
            dedupe(value, |v| {
                v.get("target")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
                    .or_else(|| {
                        v.get("source")
                            .and_then(Value::as_str)
                            .map(|s| format!("{prefix}{s}"))
                    })
            });
        }
        "build" => {
            if let Some(tags) = value.get_mut("tags") {
                dedupe(tags, name_before_equals);
            }
        }
        "networks" => {
            if let Value::Map(nets) = value {
                for (_, net) in nets {
                    for list in ["aliases", "link_local_ips"] {
                        if let Some(items) = net.get_mut(list) {
                            dedupe(items, name_before_equals);
                        }
                    }
                }
            }
        }
        _ => {}
    }
}

/// compose-go's `keyValueIndexer`: the text before the first `=`.
fn name_before_equals(v: &Value) -> Option<String> {
    v.as_str()
        .map(|s| s.split_once('=').map_or(s, |(k, _)| k).to_owned())
}

/// Keep the first position of every key with the last item of that key; items without a key
/// are kept as they are.
fn dedupe(value: &mut Value, key: impl Fn(&Value) -> Option<String>) {
    let Value::Seq(items) = value else { return };
    let keyed: Vec<(Option<String>, Value)> = items.drain(..).map(|i| (key(&i), i)).collect();
    *items = last_in_first_place(keyed);
}

/// compose-go's `UnitBytes` (`shm_size`, `mem_limit` …): an integer as written, a string through
/// go-units `RAMInBytes`; printed as a JSON string of the byte count.
fn unit_bytes(cx: &Cx<'_>, v: NodeId) -> Value {
    match cx.plain(v) {
        Value::Int(i) => match i64::try_from(i) {
            Ok(i) => Value::Str(i.to_string()),
            // Past int64 go-yaml decodes a `uint64`, which `UnitBytes` does not decode: zero.
            Err(_) => Value::str("0"),
        },
        Value::Str(_) => match cx.text(v).as_deref().and_then(super::parse::ram_in_bytes) {
            Some(b) => Value::Str(b.to_string()),
            None => cx.plain(v),
        },
        other => other,
    }
}

/// `provider` (compose-go `ServiceProviderConfig`): `type`, then `options` as `MultiOptions`:
/// each value a list of Go's `fmt.Sprint` of the written value or of each of its items
/// (`size: 1` is `["1"]`), keys sorted.
fn provider(cx: &Cx<'_>, v: NodeId) -> Value {
    let mut out: Vec<(String, Value)> = Vec::new();
    let fields = cx.entries(v);
    if let Some(t) = fields
        .iter()
        .find(|(k, _)| k == "type")
        .and_then(|(_, t)| cx.text(*t))
        .filter(|t| !t.is_empty())
    {
        out.push(("type".to_owned(), cx.s(&t)));
    }
    if let Some(&(_, options)) = fields.iter().find(|(k, _)| k == "options") {
        let sprint = |id: NodeId| {
            let mut text = String::new();
            crate::merge::go_sprint(cx.tree, id, &mut text);
            cx.s(&text)
        };
        let options: Vec<(String, Value)> = cx
            .entries(options)
            .into_iter()
            .map(|(k, val)| {
                let values = match cx.kind(val) {
                    NodeKind::Sequence(items) => {
                        cx.tree.items(items).iter().map(|&i| sprint(i)).collect()
                    }
                    _ => vec![sprint(val)],
                };
                (k, Value::Seq(values))
            })
            .collect();
        if !options.is_empty() {
            out.push(("options".to_owned(), super::sorted(Value::Map(options))));
        }
    }
    with_extensions(cx, Value::Map(out), v)
}

/// `blkio_config` (compose-go `BlkioConfig`), in its field order. The devices' items are
/// `WeightDevice` and `ThrottleDevice` structs without JSON tags: `Path`, `Weight`, `Rate` in
/// JSON (`path` … in YAML), every field printed, a rate in bytes as a string (`UnitBytes`).
fn blkio_config(cx: &Cx<'_>, v: NodeId) -> Value {
    let json = cx.format == Format::Json;
    let fields = cx.entries(v);
    let field = |name: &str| fields.iter().find(|(k, _)| k == name).map(|&(_, id)| id);
    let mut out: Vec<(String, Value)> = Vec::new();
    if let Some(w) = field("weight") {
        let weight = integer(cx, w);
        if !matches!(weight, Value::Int(0) | Value::Null) {
            out.push(("weight".to_owned(), weight));
        }
    }
    let name = |go: &str| {
        if json {
            go.to_owned()
        } else {
            go.to_ascii_lowercase()
        }
    };
    for key in [
        "weight_device",
        "device_read_bps",
        "device_read_iops",
        "device_write_bps",
        "device_write_iops",
    ] {
        let Some(list) = field(key) else { continue };
        let items: Vec<Value> = cx
            .items(list)
            .into_iter()
            .map(|item| {
                let item_fields = cx.entries(item);
                let get = |n: &str| item_fields.iter().find(|(k, _)| k == n).map(|&(_, id)| id);
                let path = get("path").and_then(|p| cx.text(p)).unwrap_or_default();
                let mut device = vec![(name("Path"), cx.s(&path))];
                if key == "weight_device" {
                    let weight = get("weight").map_or(Value::Int(0), |w| integer(cx, w));
                    device.push((name("Weight"), weight));
                } else {
                    let rate = get("rate").map_or(Value::str("0"), |r| unit_bytes(cx, r));
                    device.push((name("Rate"), rate));
                }
                with_extensions(cx, Value::Map(device), item)
            })
            .collect();
        if !items.is_empty() {
            out.push((key.to_owned(), Value::Seq(items)));
        }
    }
    with_extensions(cx, Value::Map(out), v)
}

/// An `int64` field: a quoted number prints as a number.
fn integer(cx: &Cx<'_>, v: NodeId) -> Value {
    match cx.plain(v) {
        Value::Str(_) => match cx.text(v).as_deref().map(str::trim).map(str::parse::<i64>) {
            Some(Ok(n)) => Value::Int(i128::from(n)),
            _ => cx.plain(v),
        },
        // compose-go decodes a float into an integer field as Go converts it: truncated
        // (`1.5` is 1), and past the range (or NaN) the most negative int64.
        Value::Float(f) => Value::Int(i128::from(go_f64_to_i64(f))),
        // A uint64 (past int64, to go-yaml) wraps as Go's `int64(u)`: 2^64 - 1 is -1.
        Value::Int(i) if i > i128::from(i64::MAX) => Value::Int(i128::from(go_u64_to_i64(i))),
        other => other,
    }
}

/// A `uint64` field (`parallelism`, `max_attempts`, `max_replicas_per_node`,
/// `healthcheck.retries`): as [`integer`], a float converted as Go converts it to a `uint64`
/// (`1e19` is 10000000000000000000, `.inf` 9223372036854775808).
fn unsigned(cx: &Cx<'_>, v: NodeId) -> Value {
    match cx.plain(v) {
        Value::Float(f) => Value::Int(i128::from(go_f64_to_u64(f))),
        Value::Int(i) if i > i128::from(i64::MAX) => Value::Int(i),
        _ => integer(cx, v),
    }
}

/// A float field: `"0.5"` prints as 0.5, `"2"` as 2. A string is read by Go's `ParseFloat`
/// at `cast` bits (`1_0` is 10; `" 1"` is no number and prints as written, as Compose refuses
/// it): 32 where compose-go's interpolation casts it with `toFloat32` (`cpus`), which it does to
/// every string there, written or interpolated. `field` 32 for compose-go's `float32` fields
/// (`cpus`, `cpu_percent`, `deploy.resources.*.cpus`): the value is rounded to one and printed
/// with its digits (`16777217` is 16777216, `0.1` stays 0.1).
fn number(cx: &Cx<'_>, v: NodeId, cast: u32, field: u32) -> Value {
    let parsed = match cx.plain(v) {
        Value::Str(_) => cx.text(v).and_then(|t| go_parse_float(&t, cast)),
        Value::Int(i) if field == 32 =>
        {
            #[allow(clippy::cast_precision_loss)]
            Some(i as f64)
        }
        Value::Float(f) => Some(f),
        other => return other,
    };
    // Printed as Go prints a float (YAML `1e+06`, JSON `1000000`), whole or not.
    match parsed {
        Some(n) if field == 32 => Value::Float(go_float32(n)),
        Some(n) => Value::Float(n),
        None => cx.plain(v),
    }
}

/// `devices`: `SRC[:DST[:PERMS]]` becomes `{source, target, permissions}` (`rwm` by default);
/// the long form keeps what is written.
fn devices(cx: &Cx<'_>, v: NodeId) -> Value {
    // Each item with its `EnforceUnicity` key (`deviceMappingIndexer`), taken from what is
    // written: a mapping's `target`, a short item's second part (its only one, alone), so that
    // `/dev/a::` and `::rw` are the same device even though the first prints `/dev/a` as target.
    let mut out: Vec<(Option<String>, Value)> = Vec::new();
    for item in cx.list_items(v) {
        match cx.kind(item) {
            NodeKind::Mapping(_) => {
                let fields = plain_entries(cx, item);
                let key = fields
                    .iter()
                    .find(|(k, _)| k == "target")
                    .and_then(|(_, t)| t.as_str().map(str::to_owned));
                let fields = fields
                    .into_iter()
                    .map(|(k, x)| match x {
                        Value::Int(i) if k != "permissions" => (k, Value::Str(i.to_string())),
                        x => (k, x),
                    })
                    // `omitempty`, as in the short form.
                    .filter(|(k, x)| {
                        !(matches!(k.as_str(), "source" | "target" | "permissions")
                            && x.as_str() == Some(""))
                    })
                    .collect();
                out.push((key, ordered(fields, &["source", "target", "permissions"])));
            }
            _ => {
                let Some(text) = cx.text(item) else { continue };
                let parts: Vec<&str> = text.split(':').collect();
                let key = parts.get(1).or(parts.first()).map(|k| (*k).to_owned());
                let (source, target, perms) = match parts.as_slice() {
                    [s] => (*s, *s, "rwm"),
                    [s, t] => (*s, *t, "rwm"),
                    [s, t, p] => (*s, *t, *p),
                    _ => {
                        out.push((key, cx.s(&text)));
                        continue;
                    }
                };
                let target = if target.is_empty() { source } else { target };
                // compose-go's `DeviceMapping` fields are `omitempty` (`""` is `{permissions: rwm}`).
                let fields = [
                    ("source", source),
                    ("target", target),
                    ("permissions", perms),
                ];
                let mapping = fields
                    .into_iter()
                    .filter(|(_, v)| !v.is_empty())
                    .map(|(k, v)| (k.to_owned(), cx.s(v)))
                    .collect();
                out.push((key, Value::Map(mapping)));
            }
        }
    }
    Value::Seq(last_in_first_place(out))
}

/// Drop `false` booleans (Go `bool` fields with omitempty).
fn without_false(entries: Vec<(String, Value)>) -> Vec<(String, Value)> {
    entries
        .into_iter()
        .filter(|(_, v)| !matches!(v, Value::Bool(false)))
        .collect()
}

/// `ulimits`: a Go map (sorted by name) of a number or `{soft, hard}`.
/// A number Go's `omitempty` leaves out: 0, or the string `"0"` of a byte size.
fn is_zero(v: &Value) -> bool {
    match v {
        Value::Int(n) => *n == 0,
        Value::Float(f) => *f == 0.0,
        Value::Str(s) => s == "0",
        _ => false,
    }
}

fn ulimits(cx: &Cx<'_>, v: NodeId) -> Value {
    let mut out: Vec<(String, Value)> = cx
        .entries(v)
        .into_iter()
        .map(|(k, x)| {
            let value = match cx.kind(x) {
                NodeKind::Mapping(_) => ordered(
                    cx.entries(x)
                        .into_iter()
                        .filter(|(k, _)| !k.starts_with("x-"))
                        .map(|(k, y)| (k, integer(cx, y)))
                        // Go's JSON leaves out a zero limit (`omitempty`); its YAML does not.
                        .filter(|(_, n)| cx.format == Format::Yaml || !is_zero(n))
                        .collect(),
                    &["single", "soft", "hard"],
                ),
                // compose-go prints a zero `single` as its (zero) soft and hard limits.
                _ => match integer(cx, x) {
                    Value::Int(0) if cx.format == Format::Json => Value::Map(Vec::new()),
                    n @ Value::Int(0) => {
                        Value::Map(vec![("soft".to_owned(), n.clone()), ("hard".to_owned(), n)])
                    }
                    n => n,
                },
            };
            (k, value)
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Value::Map(out)
}

/// compose-go's `EnforceUnicity` on `(key, item)` pairs: an item whose key was seen takes the
/// earlier item's place; an item without a key is kept where it is. Keys are looked up in a map
/// (a scan per item was quadratic: 40 000 `ports` items took 3.6 s to print, 10 000 `volumes`
/// items 12 s to check).
pub(crate) fn last_in_first_place<K: std::hash::Hash + Eq, T>(
    items: impl IntoIterator<Item = (Option<K>, T)>,
) -> Vec<T> {
    let mut out: Vec<T> = Vec::new();
    let mut seen: std::collections::HashMap<K, usize> = std::collections::HashMap::new();
    for (key, item) in items {
        let Some(key) = key else {
            out.push(item);
            continue;
        };
        match seen.entry(key) {
            std::collections::hash_map::Entry::Occupied(e) => {
                if let Some(slot) = out.get_mut(*e.get()) {
                    *slot = item;
                }
            }
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(out.len());
                out.push(item);
            }
        }
    }
    out
}

/// A `post_start` / `pre_stop` / `develop.watch.exec` hook (compose-go's `ServiceHook`):
/// `command` shell-split (null when absent, in JSON), `environment` as a map.
fn hook(cx: &Cx<'_>, v: NodeId) -> Value {
    let mut out: Vec<(String, Value)> = Vec::new();
    for (k, val) in cx.entries(v) {
        let value = match k.as_str() {
            "command" => command(cx, val),
            // Unlike a service's, a hook's bare names are not resolved: they stay null.
            "environment" => {
                let env = list_or_dict(cx, val, true)
                    .into_iter()
                    .map(|(name, value)| (name, value.map_or(Value::Null, |v| cx.s(&v))));
                let mut env = last_of_each_key(env);
                env.sort_by(|a, b| a.0.cmp(&b.0));
                Some(Value::Map(env))
            }
            "privileged" => boolean(cx, val).filter(|b| *b).map(Value::Bool),
            k2 if k2.starts_with("x-") => None,
            _ => cx.text(val).map(|t| cx.s(&t)),
        };
        if let Some(value) = value {
            out.push((k, value));
        }
    }
    if cx.format == Format::Json && !out.iter().any(|(k, _)| k == "command") {
        out.push(("command".to_owned(), Value::Null));
    }
    let value = ordered(
        out,
        &[
            "command",
            "user",
            "privileged",
            "working_dir",
            "environment",
        ],
    );
    with_extensions(cx, value, v)
}

/// `develop`: each `watch` trigger's `path` made absolute, its `exec` hook always printed in
/// JSON (a Go struct, not a pointer).
/// compose-go keeps a struct's `x-` keys (`#extensions,inline`) in its YAML after the fields, in
/// go-yaml's key order, and leaves them out of its JSON.
fn append_extensions(cx: &Cx<'_>, value: &mut Value, mut extensions: Vec<(String, Value)>) {
    if cx.format == Format::Yaml
        && let Value::Map(entries) = value
    {
        super::value::sort_go_yaml(&mut extensions);
        entries.extend(extensions);
    }
}

/// `value`, the struct written at `node`, with the `x-` keys of `node` ([`append_extensions`]).
pub(super) fn with_extensions(cx: &Cx<'_>, mut value: Value, node: NodeId) -> Value {
    if cx.format == Format::Yaml {
        let extensions = cx
            .entries(node)
            .into_iter()
            .filter(|(k, _)| k.starts_with("x-"))
            .map(|(k, v)| (k, super::sorted(cx.plain(v))))
            .collect();
        append_extensions(cx, &mut value, extensions);
    }
    value
}

fn develop(cx: &Cx<'_>, v: NodeId) -> Value {
    let mut out: Vec<(String, Value)> = Vec::new();
    let mut extensions: Vec<(String, Value)> = Vec::new();
    for (k, val) in cx.entries(v) {
        if k.starts_with("x-") {
            extensions.push((k, cx.plain(val)));
            continue;
        }
        if k != "watch" {
            out.push((k, cx.plain(val)));
            continue;
        }
        let mut triggers = Vec::new();
        for t in cx.items(val) {
            let mut e: Vec<(String, Value)> = Vec::new();
            let mut trigger_extensions: Vec<(String, Value)> = Vec::new();
            for (tk, tv) in cx.entries(t) {
                let value = match tk.as_str() {
                    "path" => cx.text(tv).map(|p| cx.s(&cx.absolute(&p))),
                    "exec" => Some(hook(cx, tv)),
                    "ignore" | "include" => Some(string_list(cx, tv)),
                    "initial_sync" => boolean(cx, tv).filter(|b| *b).map(Value::Bool),
                    k2 if k2.starts_with("x-") => {
                        trigger_extensions.push((tk.clone(), cx.plain(tv)));
                        None
                    }
                    _ => Some(cx.plain(tv)),
                };
                if let Some(value) = value {
                    e.push((tk, value));
                }
            }
            if cx.format == Format::Json && !e.iter().any(|(k, _)| k == "exec") {
                e.push((
                    "exec".to_owned(),
                    Value::Map(vec![("command".to_owned(), Value::Null)]),
                ));
            }
            let mut trigger = ordered(
                e,
                &[
                    "path",
                    "action",
                    "target",
                    "exec",
                    "include",
                    "ignore",
                    "initial_sync",
                ],
            );
            append_extensions(cx, &mut trigger, trigger_extensions);
            triggers.push(trigger);
        }
        out.push((k, Value::Seq(triggers)));
    }
    let mut value = ordered(out, &["watch"]);
    append_extensions(cx, &mut value, extensions);
    value
}

/// `gpus`: `all` is `[{count: -1}]`; device requests in compose-go's field order.
fn gpus(cx: &Cx<'_>, v: NodeId) -> Value {
    match cx.kind(v) {
        NodeKind::Scalar(_) if cx.text(v).as_deref() == Some("all") => {
            Value::Seq(vec![Value::Map(vec![("count".to_owned(), Value::Int(-1))])])
        }
        NodeKind::Sequence(items) => Value::Seq(
            cx.tree
                .items(items)
                .iter()
                .map(|&i| device_request(cx, i))
                .collect(),
        ),
        _ => cx.plain(v),
    }
}

/// A `gpus` or `deploy.resources.reservations.devices` item: compose-go's
/// deviceRequestDefaults gives an item with neither `count` nor `device_ids` `count: all`, and
/// `count` is an integer, `all` (any case) being -1, 0 omitted.
fn device_request(cx: &Cx<'_>, i: NodeId) -> Value {
    let mut entries = plain_entries(cx, i);
    let has_count = entries.iter().any(|(k, _)| k == "count");
    if !has_count && !entries.iter().any(|(k, _)| k == "device_ids") {
        entries.push(("count".to_owned(), Value::Int(-1)));
    }
    for (k, v) in &mut entries {
        if k == "count"
            && let Value::Str(t) = v
        {
            if t.eq_ignore_ascii_case("all") {
                *v = Value::Int(-1);
            } else if let Ok(n) = t.parse::<i128>() {
                *v = Value::Int(n);
            }
        }
    }
    // `count` is omitempty: 0 is not printed.
    entries.retain(|(k, v)| !(k == "count" && matches!(v, Value::Int(0))));
    ordered(
        entries,
        &["capabilities", "driver", "count", "device_ids", "options"],
    )
}

/// A service's `models`: a list is a map of names to null; a Go map, so sorted by name.
fn models(cx: &Cx<'_>, v: NodeId) -> Value {
    let mut out: Vec<(String, Value)> = match cx.kind(v) {
        NodeKind::Sequence(items) => cx
            .tree
            .items(items)
            .iter()
            .filter_map(|&i| cx.text(i))
            .map(|name| (name, Value::Null))
            .collect(),
        NodeKind::Mapping(_) => cx
            .entries(v)
            .into_iter()
            .map(|(name, val)| {
                let value = if cx.is_null(val) {
                    Value::Null
                } else {
                    ordered(plain_entries(cx, val), &["endpoint_var", "model_var"])
                };
                (name, value)
            })
            .collect(),
        NodeKind::Scalar(_) => return cx.plain(v),
    };
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Value::Map(out)
}

/// `build.additional_contexts`: a sorted map; a local path is made absolute, a remote context
/// ([`is_remote_context`]) is kept.
fn additional_contexts(cx: &Cx<'_>, v: NodeId) -> Value {
    let out = list_or_dict(cx, v, false)
        .into_iter()
        .filter_map(|(k, val)| {
            let val = val?;
            let val = if is_remote_context(&val) {
                val
            } else {
                cx.absolute(&val)
            };
            Some((k, cx.s(&val)))
        });
    let mut out = last_of_each_key(out);
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Value::Map(out)
}
