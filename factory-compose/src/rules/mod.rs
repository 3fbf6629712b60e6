//! The rules: one file per rule, grouped by family, listed once in [`registry`].
//!
//! A rule is a unit struct declared with `declare_rule!`: its doc comment *is* its
//! documentation (`factory rule CODE` prints it), the macro records its code, kebab-case name,
//! default severity and one-line summary. Rules whose problem is found while parsing or building
//! the model (FC001–FC004, FC020, FC021 …) have an empty `check`: their words are written where
//! the problem is found, through `registry::diagnostic`.

pub(crate) mod cron;
pub(crate) mod dockerfile;
pub(crate) mod env;
pub(crate) mod managed;
pub(crate) mod project;
pub mod registry;
pub(crate) mod route;
pub(crate) mod structure;

use crate::diagnostic::{Diagnostic, Diagnostics, Severity};
use crate::model::Project;
use crate::settings::Settings;
use crate::source::SourceMap;

/// What the registry knows about a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleInfo {
    /// Stable code, e.g. `FC034`.
    pub code: &'static str,
    /// Kebab-case name, named after the problem (`image-without-tag`).
    pub name: &'static str,
    /// Default severity.
    pub severity: Severity,
    /// One line, as in the SPEC's catalog.
    pub summary: &'static str,
    /// The rule's doc comment (Markdown): what it does, why, an example, what to write instead.
    pub docs: &'static str,
    /// The source file that implements the rule.
    pub source: &'static str,
}

impl RuleInfo {
    /// The documentation with the one leading space of each `///` line removed.
    #[must_use]
    pub fn documentation(&self) -> String {
        let mut out = String::new();
        for line in self.docs.lines() {
            out.push_str(line.strip_prefix(' ').unwrap_or(line));
            out.push('\n');
        }
        out
    }
}

/// Everything a rule may read.
#[allow(dead_code)] // fields are read by rule families as they land
pub(crate) struct Context<'a> {
    pub(crate) project: &'a Project,
    pub(crate) sources: &'a SourceMap,
    pub(crate) settings: &'a Settings,
    pub(crate) variables: &'a factory_env::Variables,
    pub(crate) interpolation: &'a crate::interpolate::Interpolation,
    pub(crate) dotenv: &'a crate::environment::DotenvFiles,
    /// The process environment as given (FE006 reads the `SV_` names it holds).
    pub(crate) process: &'a crate::environment::ProcessEnv,
    /// The Traefik route table, built once for every FR rule (see `route::defs`).
    pub(crate) route_defs: std::sync::OnceLock<Vec<crate::routes::RouteDef<'a>>>,
    /// The cron jobs with their parsed schedules, built once for every FJ rule.
    pub(crate) cron_jobs: std::sync::OnceLock<Vec<crate::cron_jobs::CronJob<'a>>>,
    /// Indices into the route table of the first route of each distinct rule label (segments
    /// may share the service-wide rule, services may inherit one through `<<`).
    pub(crate) distinct_routes: std::sync::OnceLock<Vec<usize>>,
    /// The warnings (FR011, FR014) of every distinct rule that parses and uses no unset
    /// variable: index into the route table, warnings in the order the rule gives them.
    pub(crate) route_warnings: std::sync::OnceLock<Vec<(usize, Vec<factory_route::RuleWarning>)>>,
    /// Each service's `image` parsed, for FC033, FC034 and FM001.
    pub(crate) images: std::sync::OnceLock<ParsedImages<'a>>,
    /// Service name → index of the first service with that name.
    pub(crate) service_names: std::sync::OnceLock<NameIndex>,
    /// Each `.gitlab-ci.yml` parsed, for FC001, FC004, FP003 and the Dockerfile links.
    pub(crate) gitlab_ci:
        std::sync::OnceLock<Vec<(crate::span::FileId, crate::gitlab_ci::GitlabCi)>>,
    /// Each Dockerfile parsed, for the FD rules and the ports FR002 and FR003 count.
    pub(crate) dockerfiles: std::sync::OnceLock<Vec<dockerfile::link::ProjectDockerfile>>,
    /// The `docker build` lines of the CI files, which link images to Dockerfiles.
    pub(crate) build_lines: std::sync::OnceLock<dockerfile::link::BuildLines>,
    /// A path a build line may name (each Dockerfile's path and its ends after a `/`) → index
    /// of the first Dockerfile it names.
    pub(crate) dockerfile_paths: std::sync::OnceLock<FastMap<String, usize>>,
}

/// A `HashMap` for the rules' short keys (service names, image texts): foldhash, several times
/// cheaper than SipHash on a few bytes. Nothing iterates these maps, so the output does not
/// depend on the hash.
pub(crate) type FastMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;

/// Name → index of the first of `len` named things of that name, each name read through a
/// `name_of(index)` the caller passes to [`NameIndex::new`] and [`NameIndex::get`]: an open
/// hash table of indices, 4 bytes a slot and two slots a name. A `FastMap<&str, usize>` took
/// 40 bytes a name (0.4 MB held through the rules of a 10 000-service project).
pub(crate) struct NameIndex {
    /// Index + 1 of the name in this slot; 0 for an empty slot.
    slots: Vec<u32>,
    hasher: foldhash::fast::RandomState,
}

impl NameIndex {
    fn new<'n>(len: usize, name_of: impl Fn(usize) -> Option<&'n str>) -> Self {
        let mut index = NameIndex {
            slots: vec![0; len.saturating_mul(2).next_power_of_two().max(8)],
            hasher: foldhash::fast::RandomState::default(),
        };
        for i in 0..len.min(u32::MAX as usize - 1) {
            let Some(name) = name_of(i) else { continue };
            let slot = index.probe(name, &name_of);
            if let Some(free) = index.slots.get_mut(slot)
                && *free == 0
            {
                // The first of a name keeps its slot: a later one finds it taken.
                *free = u32::try_from(i + 1).unwrap_or(u32::MAX);
            }
        }
        index
    }

    /// The slot that holds `name`, else the empty slot where it would go (the table is never
    /// full: twice as many slots as names).
    fn probe<'n>(&self, name: &str, name_of: &impl Fn(usize) -> Option<&'n str>) -> usize {
        use std::hash::BuildHasher;
        let mask = self.slots.len() - 1;
        #[allow(clippy::cast_possible_truncation)] // only the low bits are used
        let mut slot = self.hasher.hash_one(name) as usize & mask;
        loop {
            match self.slots.get(slot) {
                Some(&taken) if taken != 0 && name_of(taken as usize - 1) != Some(name) => {
                    slot = (slot + 1) & mask;
                }
                _ => return slot,
            }
        }
    }

    fn get<'n>(&self, name: &str, name_of: impl Fn(usize) -> Option<&'n str>) -> Option<usize> {
        let taken = *self.slots.get(self.probe(name, &name_of))?;
        (taken != 0).then(|| taken as usize - 1)
    }
}

/// An image reference parsed, or why it is invalid.
pub(crate) type ParsedImage<'a> =
    Result<crate::image_ref::ImageRef<'a>, crate::image_ref::ImageRefError>;

/// The services' images parsed, each distinct text once: services often share one image
/// (inherited through `<<`), and a parsed image for each of 10 000 services held 0.7 MB.
pub(crate) struct ParsedImages<'a> {
    /// The distinct image texts parsed, in the order services first use them.
    parsed: Vec<ParsedImage<'a>>,
    /// For each service, the index of its image in `parsed` ([`ParsedImages::NONE`] without
    /// an image).
    of_service: Vec<u32>,
}

impl ParsedImages<'_> {
    /// A service without an image.
    const NONE: u32 = u32::MAX;
}

impl<'a> Context<'a> {
    /// The context of a loaded project.
    pub(crate) fn of(
        loaded: &'a crate::Loaded,
        sources: &'a SourceMap,
        settings: &'a Settings,
        process: &'a crate::environment::ProcessEnv,
    ) -> Self {
        Self::new(
            &loaded.project,
            sources,
            settings,
            (&loaded.variables, &loaded.interpolation, &loaded.dotenv),
            process,
        )
    }

    /// A context with nothing derived yet.
    pub(crate) fn new(
        project: &'a Project,
        sources: &'a SourceMap,
        settings: &'a Settings,
        loaded: (
            &'a factory_env::Variables,
            &'a crate::interpolate::Interpolation,
            &'a crate::environment::DotenvFiles,
        ),
        process: &'a crate::environment::ProcessEnv,
    ) -> Self {
        let (variables, interpolation, dotenv) = loaded;
        Self {
            project,
            sources,
            settings,
            variables,
            interpolation,
            dotenv,
            process,
            route_defs: std::sync::OnceLock::new(),
            cron_jobs: std::sync::OnceLock::new(),
            distinct_routes: std::sync::OnceLock::new(),
            route_warnings: std::sync::OnceLock::new(),
            images: std::sync::OnceLock::new(),
            service_names: std::sync::OnceLock::new(),
            gitlab_ci: std::sync::OnceLock::new(),
            dockerfiles: std::sync::OnceLock::new(),
            build_lines: std::sync::OnceLock::new(),
            dockerfile_paths: std::sync::OnceLock::new(),
        }
    }

    /// The project's `.gitlab-ci.yml` files, each parsed once within the settings' budgets.
    pub(crate) fn gitlab_ci(&self) -> &[(crate::span::FileId, crate::gitlab_ci::GitlabCi)] {
        self.gitlab_ci.get_or_init(|| {
            self.sources
                .of_kind(crate::source::FileKind::GitlabCi)
                .map(|id| {
                    let text = &self.sources.get(id).text;
                    let ci =
                        crate::gitlab_ci::GitlabCi::parse_within(text, id, &self.settings.limits);
                    (id, ci)
                })
                .collect()
        })
    }

    /// The index of the first service called `name` (as [`Project::service`] finds it, without
    /// a scan of every service per call).
    pub(crate) fn service_index(&self, name: &str) -> Option<usize> {
        let services = &self.project.services;
        let name_of = |i: usize| services.get(i).map(|s| s.name(&self.project.tree));
        self.service_names
            .get_or_init(|| NameIndex::new(services.len(), name_of))
            .get(name, name_of)
    }

    /// The `image` of service `index` parsed ([`crate::image_ref::parse`] of the interpolated
    /// value), `None` without an image. Parsed once per run for every rule that reads it.
    pub(crate) fn image(&self, index: usize) -> Option<&ParsedImage<'a>> {
        let project: &'a Project = self.project;
        let images = self.images.get_or_init(|| {
            let mut images = ParsedImages {
                parsed: Vec::new(),
                of_service: Vec::with_capacity(project.services.len()),
            };
            let mut first: FastMap<&str, u32> = FastMap::default();
            for svc in &project.services {
                let Some(image) = &svc.image else {
                    images.of_service.push(ParsedImages::NONE);
                    continue;
                };
                let text = image.text(&project.tree);
                let at = *first.entry(text).or_insert_with(|| {
                    images.parsed.push(crate::image_ref::parse(text));
                    u32::try_from(images.parsed.len() - 1).unwrap_or(ParsedImages::NONE)
                });
                images.of_service.push(at);
            }
            images
        });
        let at = *images.of_service.get(index)?;
        images.parsed.get(usize::try_from(at).ok()?)
    }

    /// The project's cron jobs ([`crate::cron_jobs::jobs`]), parsed on first use.
    pub(crate) fn jobs(&self) -> &[crate::cron_jobs::CronJob<'a>] {
        self.cron_jobs
            .get_or_init(|| crate::cron_jobs::jobs(self.project))
    }
}

/// Whether `text` starts with `prefix`, ignoring ASCII case (as `text.to_ascii_uppercase()
/// .starts_with(PREFIX)` for an upper-case ASCII `prefix`, without the allocation).
pub(crate) fn starts_with_ignore_case(text: &str, prefix: &str) -> bool {
    text.as_bytes()
        .get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix.as_bytes()))
}

/// Whether `text` ends with `suffix`, ignoring ASCII case.
pub(crate) fn ends_with_ignore_case(text: &str, suffix: &str) -> bool {
    text.len() >= suffix.len()
        && text
            .as_bytes()
            .get(text.len() - suffix.len()..)
            .is_some_and(|tail| tail.eq_ignore_ascii_case(suffix.as_bytes()))
}

/// Whether `text` contains `needle`, ignoring ASCII case.
pub(crate) fn contains_ignore_case(text: &str, needle: &str) -> bool {
    needle.is_empty()
        || text
            .as_bytes()
            .windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// A rule: metadata plus a check over the model.
pub(crate) trait Rule: Sync {
    /// The rule's metadata.
    fn info(&self) -> &'static RuleInfo;

    /// Push a diagnostic for every problem found. Rules reported while parsing keep the default.
    fn check(&self, _cx: &Context<'_>, _out: &mut Diagnostics) {}
}

/// Declare a rule struct whose doc comment is its documentation.
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        $vis:vis struct $name:ident {
            code: $code:literal,
            name: $kebab:literal,
            severity: $sev:ident,
            summary: $summary:literal $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, Copy, Default)]
        $vis struct $name;

        impl $name {
            /// The rule's metadata.
            pub(crate) const INFO: $crate::rules::RuleInfo = $crate::rules::RuleInfo {
                code: $code,
                name: $kebab,
                severity: $crate::diagnostic::Severity::$sev,
                summary: $summary,
                docs: concat!($($doc, "\n"),*),
                source: file!(),
            };
        }
    };
}
pub(crate) use declare_rule;

/// Implement [`Rule`] for a rule whose problems are found while parsing (no check of its own).
macro_rules! reported_elsewhere {
    ($name:ident) => {
        impl $crate::rules::Rule for $name {
            fn info(&self) -> &'static $crate::rules::RuleInfo {
                &Self::INFO
            }
        }
    };
    // A YAML rule (FC001, FC003, FC004): a compose file's findings are reported as it loads, a
    // `.gitlab-ci.yml`'s here.
    ($name:ident, and_gitlab_ci) => {
        impl $crate::rules::Rule for $name {
            fn info(&self) -> &'static $crate::rules::RuleInfo {
                &Self::INFO
            }

            fn check(
                &self,
                cx: &$crate::rules::Context<'_>,
                out: &mut $crate::diagnostic::Diagnostics,
            ) {
                out.extend($crate::rules::structure::gitlab_ci_findings(
                    cx,
                    Self::INFO.code,
                ));
            }
        }
    };
}
pub(crate) use reported_elsewhere;

/// Below this many YAML nodes the rules run on the calling thread: starting threads would
/// cost more than they save.
const PARALLEL_MIN_NODES: usize = 4_000;

/// Run every rule's check over the model. On a large project with `settings.threads > 1` the
/// rules are shared by that many threads (each takes the next rule not yet taken); every rule's
/// findings are then put back in registry order, so the output does not depend on the threads.
pub(crate) fn run(cx: &Context<'_>, out: &mut Diagnostics) {
    let rules: Vec<&dyn Rule> = registry::rules().collect();
    let threads = cx.settings.threads.min(rules.len());
    if threads <= 1 || cx.project.tree.nodes.len() < PARALLEL_MIN_NODES {
        for rule in &rules {
            rule.check(cx, out);
        }
        return;
    }
    let mark = out.mark();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let work = || {
        let mut found: Vec<(usize, Vec<Diagnostic>)> = Vec::new();
        loop {
            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let Some(rule) = rules.get(i) else { break };
            let mut diags = out.sibling();
            rule.check(cx, &mut diags);
            found.push((i, diags.into_vec()));
        }
        found
    };
    let mut found = std::thread::scope(|scope| {
        let helpers: Vec<_> = (1..threads).map(|_| scope.spawn(work)).collect();
        let mut all = work();
        for h in helpers {
            match h.join() {
                Ok(more) => all.extend(more),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        all
    });
    // Past the budget, which findings the threads kept depends on which took from it first:
    // the rules run again one after the other, so that the run keeps what it keeps on one
    // thread (the first findings in rule order), on any machine. Only a run of more than
    // `max_diagnostics` findings pays for it twice.
    if out.dropped_since(&mark) {
        drop(found);
        out.rewind(&mark);
        for rule in &rules {
            rule.check(cx, out);
        }
        return;
    }
    found.sort_unstable_by_key(|(i, _)| *i);
    out.keep(found.into_iter().flat_map(|(_, diags)| diags));
}

#[cfg(test)]
mod tests {
    use super::NameIndex;

    #[test]
    fn a_name_index_finds_the_first_of_each_name() {
        let names: Vec<String> = (0..1000)
            .map(|i| format!("svc{}", i % 700))
            .chain(["".to_owned(), "x".to_owned()])
            .collect();
        let name_of = |i: usize| names.get(i).map(String::as_str);
        let index = NameIndex::new(names.len(), name_of);
        assert_eq!(index.slots.len(), 2048);
        for (i, name) in names.iter().enumerate() {
            let first = names.iter().position(|n| n == name);
            assert_eq!(index.get(name, name_of), first, "{name} at {i}");
        }
        assert_eq!(index.get("svc700", name_of), None);
        assert_eq!(index.get("", name_of), Some(1000));
        let empty = NameIndex::new(0, name_of);
        assert_eq!(empty.get("svc0", name_of), None);
    }
}
