//! Facts about the Factory platform and Compose that several rules share.

/// Top-level keys the platform deploys.
pub const TOP_LEVEL_KEYS: &[&str] = &["services", "version"];

/// Service keys the platform deploys (the manual's "Limitations" list).
pub const SERVICE_KEYS: &[&str] = &[
    "command",
    "depends_on",
    "entrypoint",
    "environment",
    "expose",
    "extra_hosts",
    "healthcheck",
    "image",
    "labels",
    "links",
    "logging",
    "ports",
    "read_only",
    "restart",
    "tty",
    "volumes",
];

/// Every service key of the Compose specification (for "did you mean" and for telling a real
/// but forbidden key from a misspelling).
pub const COMPOSE_SERVICE_KEYS: &[&str] = &[
    "annotations",
    "attach",
    "blkio_config",
    "build",
    "cap_add",
    "cap_drop",
    "cgroup",
    "cgroup_parent",
    "command",
    "configs",
    "container_name",
    "cpu_count",
    "cpu_percent",
    "cpu_period",
    "cpu_quota",
    "cpu_rt_period",
    "cpu_rt_runtime",
    "cpu_shares",
    "cpus",
    "cpuset",
    "credential_spec",
    "depends_on",
    "deploy",
    "develop",
    "device_cgroup_rules",
    "devices",
    "dns",
    "dns_opt",
    "dns_search",
    "domainname",
    "entrypoint",
    "env_file",
    "environment",
    "expose",
    "extends",
    "external_links",
    "extra_hosts",
    "gpus",
    "group_add",
    "healthcheck",
    "hostname",
    "image",
    "init",
    "ipc",
    "isolation",
    "label_file",
    "labels",
    "links",
    "logging",
    "mac_address",
    "mem_limit",
    "mem_reservation",
    "mem_swappiness",
    "memswap_limit",
    "models",
    "network_mode",
    "networks",
    "oom_kill_disable",
    "oom_score_adj",
    "pid",
    "pids_limit",
    "platform",
    "ports",
    "post_start",
    "pre_stop",
    "privileged",
    "profiles",
    "provider",
    "pull_policy",
    "pull_refresh_after",
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
    "volumes",
    "volumes_from",
    "working_dir",
];

/// Every top-level key of the Compose specification.
pub const COMPOSE_TOP_LEVEL_KEYS: &[&str] = &[
    "configs", "include", "models", "name", "networks", "secrets", "services", "version", "volumes",
];

/// The closest of `candidates` to `word`, if it is close enough to be a likely misspelling.
#[must_use]
pub fn did_you_mean<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let lower = word.to_ascii_lowercase().replace('-', "_");
    candidates
        .iter()
        .map(|c| (strsim::jaro_winkler(&lower, c), *c))
        .filter(|(score, _)| *score >= 0.88)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        assert_eq!(
            did_you_mean("enviroment", SERVICE_KEYS),
            Some("environment")
        );
        assert_eq!(did_you_mean("imgae", SERVICE_KEYS), Some("image"));
        assert_eq!(did_you_mean("depends-on", SERVICE_KEYS), Some("depends_on"));
        assert_eq!(did_you_mean("build", SERVICE_KEYS), None);
    }
}
