//! `.gitlab-ci.yml`, read with the same span tree as compose files: the jobs, the environment
//! each one deploys to, when it runs (`when`, `only`, `rules`), and the `docker build` lines of
//! its scripts. Only what the FP/FD rules need; `extends:` is followed (as deep as GitLab
//! follows it, within a budget of steps: where either stops is an FC004), `include:` is not.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, OnceLock};

use crate::span::{FileId, Location, Span};
use crate::yaml::{self, Limits, NodeId, NodeKind, Tree, YamlProblem};

/// Top-level keys that are not jobs.
const RESERVED: &[&str] = &[
    "image",
    "services",
    "stages",
    "types",
    "before_script",
    "after_script",
    "variables",
    "cache",
    "include",
    "workflow",
    "default",
];

/// A parsed `.gitlab-ci.yml`.
#[derive(Debug, Clone)]
pub(crate) struct GitlabCi {
    pub(crate) tree: Tree,
    /// What the YAML parser found wrong (FC001, FC003 and FC004 report them); a syntax error
    /// or a budget leaves the tree empty, so the file has no jobs.
    pub(crate) problems: Vec<YamlProblem>,
    /// The value GitLab reads for a key written twice or more in one mapping (the last one),
    /// by where the first one, which the tree keeps, is written; with where the last is.
    later: HashMap<Span, (u32, NodeId)>,
    /// The value a merge key (`<<`) written after a key brings, by mapping and the key the tree
    /// keeps; with where the last such `<<` is. Ruby's YAML library merges in written order.
    merged_over: HashMap<(NodeId, Span), (u32, NodeId)>,
    /// The span of each later key and `<<` above, by where it starts: a job is located at the
    /// one of its definition GitLab reads.
    written_at: HashMap<u32, Span>,
    /// The first entry of the root mapping with each key, as [`Tree::get`] finds it: `extends`
    /// names are looked up here, not by scanning every top-level key for each.
    top_level: HashMap<String, yaml::Entry>,
    /// The jobs and where following their `extends` stopped, found once for every rule.
    walked: OnceLock<Walked>,
}

/// The jobs of a file, with where following their `extends` stopped.
#[derive(Debug, Clone)]
struct Walked {
    jobs: Vec<Job>,
    extends_stops: Vec<ExtendsStop>,
    extends_cycles: Vec<ExtendsCycle>,
}

/// An `extends` name that names a template (or the job) the walk that reached it came through:
/// GitLab refuses the pipeline (`circular dependency detected in \`extends\``).
#[derive(Debug, Clone)]
pub(crate) struct ExtendsCycle {
    /// The name that closes the circle.
    pub(crate) name: Location,
    /// The names around the circle, from the one the name names back to it.
    pub(crate) chain: Vec<String>,
    /// The first job whose templates reach it, and its key (a template's, when no job does).
    pub(crate) job: String,
    pub(crate) job_key: Location,
    /// Whether `job` is a job, not a template.
    pub(crate) from_job: bool,
}

/// Names a file's jobs may follow through `extends`, counted each time one is followed,
/// allowed per node of the file's tree (and [`MIN_EXTENDS_STEPS`] always). Jobs that extend
/// the same list share one walk, so a real file uses a few steps per job; a file of hundreds
/// of templates that each extend all the others (hundreds of thousands of steps per distinct
/// list) stops following `extends` once they are spent, as it stops at 11 levels, and says
/// where ([`ExtendsStop`]).
pub(crate) const EXTENDS_STEPS_PER_NODE: usize = 4;

/// Steps of `extends` always allowed, whatever the file's size.
pub(crate) const MIN_EXTENDS_STEPS: usize = 1_000_000;

/// GitLab follows `extends` 11 levels deep, the job itself being level 0, and refuses a
/// pipeline whose templates nest deeper ("nesting too deep in `extends`").
pub(crate) const MAX_EXTENDS_DEPTH: usize = 11;

/// A name in an `extends` (its value, or an item of its list) that factory did not follow
/// although it names a template: what that template sets is not read for the job (FC004).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ExtendsStop {
    /// The name not followed.
    pub(crate) name: Location,
    pub(crate) reason: ExtendsStopReason,
    /// The first job whose templates reach it (others may share the walk), and its key; a
    /// template's, when no job reaches it (GitLab refuses a template nested too deep too).
    pub(crate) job: String,
    pub(crate) job_key: Location,
    /// Whether `job` is a job, not a template.
    pub(crate) from_job: bool,
}

/// Why an `extends` name was not followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ExtendsStopReason {
    /// The name is at level [`MAX_EXTENDS_DEPTH`] + 1: GitLab refuses the pipeline.
    TooDeep,
    /// The file's steps (see [`EXTENDS_STEPS_PER_NODE`]) are spent: no name is followed past
    /// this one, the first not followed, which alone is reported.
    OutOfSteps {
        /// The file's steps.
        budget: usize,
    },
}

/// What [`GitlabCi::extend_chain`] adds to as it walks.
struct Walk<'w> {
    /// The templates read, by priority.
    chain: &'w mut Vec<NodeId>,
    /// The same, as a set.
    members: &'w mut HashSet<NodeId>,
    /// The names (and the mappings they name) from the walk's first level down to the one
    /// being read; the job's own key first when the walk leaves the job out.
    path: &'w mut Vec<(NodeId, NodeId)>,
}

/// The walk of one `extends` list.
struct Extended {
    /// The templates read, by priority.
    chain: Arc<[NodeId]>,
    /// The same, to tell whether a job reaches itself through its templates.
    members: HashSet<NodeId>,
}

/// The `extends` walks of a file's jobs.
struct ExtendsWalks {
    /// The walk of each list of templates (resolved, in the order followed), made as if no
    /// job had been read: a job its templates do not reach reads the same.
    by_targets: HashMap<Vec<NodeId>, Extended>,
    steps: ExtendsSteps,
}

/// What the walks of a file's jobs may still follow, and where they stopped.
struct ExtendsSteps {
    /// Steps left (see [`EXTENDS_STEPS_PER_NODE`]).
    left: usize,
    /// Steps at first.
    budget: usize,
    /// The index of the job being walked, to which a stop is attributed.
    job: usize,
    /// Each name not followed (once, though shared walks and walks of other lists may reach
    /// it again), why, and the job walked then.
    stops: Vec<(NodeId, ExtendsStopReason, usize)>,
    /// The names in `stops` that are [`ExtendsStopReason::TooDeep`].
    too_deep: HashSet<NodeId>,
    /// Whether `stops` holds the [`ExtendsStopReason::OutOfSteps`].
    spent: bool,
    /// Each circle (once), the name that closes it, the names around it, and the job walked
    /// then.
    cycles: Vec<(NodeId, Vec<NodeId>, usize)>,
    /// The mappings around each circle in `cycles`, sorted: a circle is met again from
    /// another of its names (the walk of a list of templates, then the walk that leaves out
    /// the job they reach).
    cycle_seen: HashSet<Vec<NodeId>>,
}

impl ExtendsSteps {
    fn new(budget: usize) -> Self {
        Self {
            left: budget,
            budget,
            job: 0,
            stops: Vec::new(),
            too_deep: HashSet::new(),
            spent: false,
            cycles: Vec::new(),
            cycle_seen: HashSet::new(),
        }
    }

    /// Take one step to follow `name`, or record that it is not followed.
    fn take(&mut self, name: NodeId) -> bool {
        if let Some(left) = self.left.checked_sub(1) {
            self.left = left;
            return true;
        }
        // Once spent, nothing is followed: the first name left out says so for all.
        if !std::mem::replace(&mut self.spent, true) {
            let budget = self.budget;
            self.stops
                .push((name, ExtendsStopReason::OutOfSteps { budget }, self.job));
        }
        false
    }

    /// Record that `name` names `path[from]`'s mapping, on the path of names that reached it.
    fn cycle(&mut self, name: NodeId, path: &[(NodeId, NodeId)], from: usize) {
        let around = path.get(from..).unwrap_or_default();
        let mut mappings: Vec<NodeId> = around.iter().map(|&(_, m)| m).collect();
        mappings.sort_unstable();
        if self.cycle_seen.insert(mappings) {
            let mut chain: Vec<NodeId> = around.iter().map(|&(n, _)| n).collect();
            chain.push(name);
            self.cycles.push((name, chain, self.job));
        }
    }

    /// Record that `name` is not followed, being too deep.
    fn too_deep(&mut self, name: NodeId) {
        if self.too_deep.insert(name) {
            self.stops
                .push((name, ExtendsStopReason::TooDeep, self.job));
        }
    }
}

/// One job (hidden `.templates` excluded).
#[derive(Debug, Clone)]
pub(crate) struct Job {
    pub(crate) name: String,
    /// The job's key.
    pub(crate) key: Location,
    /// The job's own mapping, read first.
    own: NodeId,
    /// What it `extends`, by priority (shared by the jobs that extend the same list).
    extended: Arc<[NodeId]>,
}

/// Keep in `map` the value written last (the greatest position) for `key`.
fn keep_last<K: std::hash::Hash + Eq>(
    map: &mut HashMap<K, (u32, NodeId)>,
    key: K,
    value: (u32, NodeId),
) {
    let slot = map.entry(key).or_insert(value);
    if value.0 > slot.0 {
        *slot = value;
    }
}

/// One `docker build -t IMAGE -f FILE` found in a job's scripts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BuildLine {
    /// What it builds.
    pub(crate) build: DockerBuild,
    /// The job that runs it.
    pub(crate) job: String,
    /// The script line.
    pub(crate) location: Location,
}

/// How a deploy job is started.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Trigger {
    /// Every way the job can start needs a click (`when: manual`).
    pub(crate) manual: bool,
    /// Every way the job can start is on the default branch.
    pub(crate) default_branch_only: bool,
    /// The job never runs (`rules` all `when: never`).
    pub(crate) never: bool,
}

impl Job {
    /// The mappings the job reads, by priority: its own, then what it `extends`.
    fn chain(&self) -> impl Iterator<Item = NodeId> + '_ {
        std::iter::once(self.own).chain(self.extended.iter().copied())
    }
}

impl GitlabCi {
    /// Parse the text of file `file` within the default budgets.
    #[cfg(test)]
    pub(crate) fn parse(text: &str, file: FileId) -> Self {
        Self::parse_within(&text.into(), file, &Limits::default())
    }

    /// Parse the text of file `file` within `limits` (the tree shares `text`).
    pub(crate) fn parse_within(text: &crate::SharedText, file: FileId, limits: &Limits) -> Self {
        let parsed = yaml::parse(text.clone(), file, limits);
        let nodes = parsed.tree.nodes.len();
        let mut later = HashMap::new();
        let mut written_at = HashMap::new();
        for problem in &parsed.problems {
            if let YamlProblem::DuplicateKey {
                first,
                second,
                value,
                ..
            } = problem
                && (value.0 as usize) < nodes
            {
                keep_last(&mut later, *first, (second.start, *value));
                written_at.insert(second.start, *second);
            }
        }
        let mut merged_over = HashMap::new();
        for m in &parsed.merged_over {
            if (m.value.0 as usize) < nodes {
                keep_last(
                    &mut merged_over,
                    (m.mapping, m.key),
                    (m.merge_key.start, m.value),
                );
                written_at.insert(m.merge_key.start, m.merge_key);
            }
        }
        let mut top_level = HashMap::new();
        if let Some(entries) = parsed.tree.root().and_then(|r| parsed.tree.mapping(r)) {
            for e in entries {
                if let Some(name) = yaml::scalar_text(&parsed.tree, e.key) {
                    top_level.entry(name.to_owned()).or_insert(*e);
                }
            }
        }
        Self {
            tree: parsed.tree,
            problems: parsed.problems,
            later,
            merged_over,
            written_at,
            top_level,
            walked: OnceLock::new(),
        }
    }

    fn text(&self, id: NodeId) -> Option<&str> {
        yaml::scalar_text(&self.tree, id)
    }

    fn loc(&self, id: NodeId) -> Location {
        self.tree.location(id)
    }

    /// The value GitLab reads for the top-level key `name`.
    fn top(&self, name: &str) -> Option<NodeId> {
        let root = self.tree.root()?;
        self.top_level.get(name).map(|e| self.read_value(root, e))
    }

    /// The value of `key` in mapping `map` as GitLab reads it (see [`Self::read_value`]).
    fn value_of(&self, map: NodeId, key: &str) -> Option<NodeId> {
        self.tree.get(map, key).map(|e| self.read_value(map, e))
    }

    /// The value GitLab reads for the entry `e` of mapping `map`. Ruby's YAML library reads a
    /// mapping in written order: of the key's values, and the merge keys (`<<`) that bring it,
    /// the last written wins. The tree keeps the first of equal keys, and a key written
    /// anywhere over a merged one, as go-yaml does.
    fn read_value(&self, map: NodeId, e: &yaml::Entry) -> NodeId {
        self.read(map, e).1
    }

    /// [`Self::read_value`], with where the definition read starts (its key, or its `<<`).
    fn read(&self, map: NodeId, e: &yaml::Entry) -> (u32, NodeId) {
        let key = self.tree.node(e.key).span;
        let merged_from = self.tree.merged_from(e);
        let mut read = (merged_from.map_or(key.start, |m| m.start), e.value);
        let later = merged_from
            .is_none()
            .then(|| self.later.get(&key))
            .flatten();
        for &(at, value) in later.into_iter().chain(self.merged_over.get(&(map, key))) {
            if at > read.0 {
                read = (at, value);
            }
        }
        read
    }

    /// The jobs in file order.
    pub(crate) fn jobs(&self) -> &[Job] {
        &self.walked().jobs
    }

    /// The `extends` names that go round in a circle, in the order walked (FC030).
    pub(crate) fn extends_cycles(&self) -> &[ExtendsCycle] {
        &self.walked().extends_cycles
    }

    /// Where following the jobs' `extends` stopped, in the order walked (FC004).
    pub(crate) fn extends_stops(&self) -> &[ExtendsStop] {
        &self.walked().extends_stops
    }

    fn walked(&self) -> &Walked {
        self.walked.get_or_init(|| self.walk_jobs())
    }

    /// Where the definition of top-level entry `e` that GitLab reads (starting at `at`,
    /// [`Self::read`]) is: the later key, or the `<<` that brought it, as the parser spanned
    /// it.
    fn definition_key(&self, e: &yaml::Entry, at: u32) -> Location {
        let first = self.loc(e.key);
        match (self.tree.merged_from(e), self.written_at.get(&at)) {
            (Some(merge), _) if merge.start == at => Location::new(first.file, merge),
            (_, Some(&span)) if at != first.span.start => Location::new(first.file, span),
            _ => first,
        }
    }

    /// The jobs in file order, each with what it `extends` followed.
    fn walk_jobs(&self) -> Walked {
        let mut walked = Walked {
            jobs: Vec::new(),
            extends_stops: Vec::new(),
            extends_cycles: Vec::new(),
        };
        let Some(root) = self.tree.root() else {
            return walked;
        };
        let Some(entries) = self.tree.mapping(root) else {
            return walked;
        };
        let mut walks = ExtendsWalks {
            by_targets: HashMap::new(),
            steps: ExtendsSteps::new(
                MIN_EXTENDS_STEPS.max(self.tree.nodes.len().saturating_mul(EXTENDS_STEPS_PER_NODE)),
            ),
        };
        let out = &mut walked.jobs;
        for e in entries {
            let Some(name) = self.text(e.key) else {
                continue;
            };
            if name.starts_with('.') || RESERVED.contains(&name) {
                continue;
            }
            // A job defined twice is its last definition (in the place of its first, as in a
            // Ruby hash): diagnostics point at the key of the definition GitLab reads.
            let (at, value) = self.read(root, e);
            if !matches!(self.tree.node(value).kind, NodeKind::Mapping(_)) {
                continue;
            }
            walks.steps.job = out.len();
            let extended = self.extended(e.key, value, &mut walks);
            let key = self.definition_key(e, at);
            out.push(Job {
                name: name.to_owned(),
                key,
                own: value,
                extended,
            });
        }
        // GitLab resolves the `extends` of every key, templates too: a circle among templates
        // no job reaches still refuses the pipeline. They are walked after the jobs (whose
        // steps come first), for circles only: what a stop there says is about a job.
        let mut templates: Vec<(String, Location)> = Vec::new();
        let jobs_too_deep = !walks.steps.too_deep.is_empty();
        for e in entries {
            let Some(name) = self.text(e.key).filter(|n| n.starts_with('.')) else {
                continue;
            };
            let (at, value) = self.read(root, e);
            if !matches!(self.tree.node(value).kind, NodeKind::Mapping(_))
                || self.value_of(value, "extends").is_none()
            {
                continue;
            }
            walks.steps.job = walked.jobs.len() + templates.len();
            templates.push((name.to_owned(), self.definition_key(e, at)));
            self.extended(e.key, value, &mut walks);
        }
        // GitLab refuses a template nested too deep too: said once, of the first template
        // walked, when no job already says the pipeline is refused for it, nor a circle (a
        // walk that goes round a circle before it is found counts its levels twice).
        let mut template_too_deep = jobs_too_deep || !walks.steps.cycles.is_empty();
        // What a walk's index names: a job, or past them a template (name, key, is a job).
        let jobs = &walked.jobs;
        let origin_of = |origin: usize| match jobs.get(origin) {
            Some(job) => Some((job.name.clone(), job.key, true)),
            None => templates
                .get(origin - jobs.len())
                .map(|(name, key)| (name.clone(), *key, false)),
        };
        walked.extends_stops = walks
            .steps
            .stops
            .into_iter()
            .filter_map(|(name, reason, origin)| {
                let (job, job_key, from_job) = origin_of(origin)?;
                if !from_job
                    && (reason != ExtendsStopReason::TooDeep
                        || std::mem::replace(&mut template_too_deep, true))
                {
                    return None;
                }
                Some(ExtendsStop {
                    name: self.loc(name),
                    reason,
                    job,
                    job_key,
                    from_job,
                })
            })
            .collect();
        walked.extends_cycles = walks
            .steps
            .cycles
            .into_iter()
            .filter_map(|(name, chain, origin)| {
                let (job, job_key, from_job) = origin_of(origin)?;
                Some(ExtendsCycle {
                    name: self.loc(name),
                    chain: chain
                        .into_iter()
                        .map(|n| self.text(n).unwrap_or_default().to_owned())
                        .collect(),
                    job,
                    job_key,
                    from_job,
                })
            })
            .collect();
        walked
    }

    /// The mappings that job mapping `job` reads through `extends`, by priority: the later
    /// name of a list first, each template where it is first reached, down to
    /// [`MAX_EXTENDS_DEPTH`] levels.
    fn extended(&self, key: NodeId, job: NodeId, walks: &mut ExtendsWalks) -> Arc<[NodeId]> {
        let targets = self.extends_targets(job);
        if targets.is_empty() {
            return Arc::from([]);
        }
        let list: Vec<NodeId> = targets.iter().map(|&(_, template)| template).collect();
        if !walks.by_targets.contains_key(&list) {
            let walk = self.walk(&targets, None, &mut walks.steps);
            walks.by_targets.insert(list.clone(), walk);
        }
        match walks.by_targets.get(&list) {
            Some(walk) if !walk.members.contains(&job) => Arc::clone(&walk.chain),
            // The job's templates reach the job: it is not read again there, nor what it
            // extends from there.
            _ => {
                self.walk(&targets, Some((key, job)), &mut walks.steps)
                    .chain
            }
        }
    }

    /// Follow `targets` (name, template) in order, from level 1, leaving out `job` (its key
    /// and mapping: the job the targets are walked for, when they reach it).
    fn walk(
        &self,
        targets: &[(NodeId, NodeId)],
        job: Option<(NodeId, NodeId)>,
        steps: &mut ExtendsSteps,
    ) -> Extended {
        let mut chain = Vec::new();
        let mut members: HashSet<NodeId> = job.iter().map(|&(_, j)| j).collect();
        let mut path: Vec<(NodeId, NodeId)> = job.into_iter().collect();
        for &(name, template) in targets {
            let mut walk = Walk {
                chain: &mut chain,
                members: &mut members,
                path: &mut path,
            };
            self.extend_chain(name, template, &mut walk, 1, steps);
        }
        Extended {
            chain: chain.into(),
            members,
        }
    }

    /// The names in the `extends` of mapping `node` that are top-level keys, each with the
    /// mapping it names, in the order followed (a list from its last name: later ones take
    /// priority); names that are not a key are left out.
    fn extends_targets(&self, node: NodeId) -> Vec<(NodeId, NodeId)> {
        let Some(ext) = self.value_of(node, "extends") else {
            return Vec::new();
        };
        let names: &[NodeId] = match self.tree.node(ext).kind {
            NodeKind::Scalar(_) => std::slice::from_ref(&ext),
            NodeKind::Sequence(items) => self.tree.items(items),
            NodeKind::Mapping(_) => &[],
        };
        names
            .iter()
            .rev()
            .filter_map(|&n| Some((n, self.text(n).and_then(|t| self.top(t))?)))
            .collect()
    }

    /// Add `node`, named by `name` and reached at `depth`, and what it extends to the walk's
    /// chain, unless it is in it already (`members`: a name of a mapping on the path that
    /// reached it closes a circle), deeper than GitLab follows or past the step budget (all
    /// recorded in `steps`).
    fn extend_chain(
        &self,
        name: NodeId,
        node: NodeId,
        walk: &mut Walk<'_>,
        depth: usize,
        steps: &mut ExtendsSteps,
    ) {
        if !steps.take(name) {
            return;
        }
        if depth > MAX_EXTENDS_DEPTH {
            steps.too_deep(name);
            return;
        }
        if !walk.members.insert(node) {
            // The path is at most MAX_EXTENDS_DEPTH + 1 long.
            if let Some(from) = walk.path.iter().position(|&(_, n)| n == node) {
                steps.cycle(name, walk.path, from);
            }
            return;
        }
        walk.chain.push(node);
        walk.path.push((name, node));
        for (name, target) in self.extends_targets(node) {
            self.extend_chain(name, target, walk, depth + 1, steps);
        }
        walk.path.pop();
    }

    /// The value of `key` for `job`, following `extends`.
    pub(crate) fn get(&self, job: &Job, key: &str) -> Option<NodeId> {
        job.chain().find_map(|n| self.value_of(n, key))
    }

    /// The environment the job deploys to (its name and where it is written), unless it stops
    /// or only prepares one (`action: stop|prepare|access|verify`).
    pub(crate) fn environment(&self, job: &Job) -> Option<(String, Location)> {
        let mut name = None;
        let mut action = None;
        for n in job.chain() {
            let Some(env) = self.value_of(n, "environment") else {
                continue;
            };
            match self.tree.node(env).kind {
                NodeKind::Scalar(s) => {
                    if name.is_none() {
                        name = Some((self.tree.text(s).to_owned(), self.loc(env)));
                    }
                }
                NodeKind::Mapping(_) => {
                    if name.is_none()
                        && let Some(v) = self.value_of(env, "name")
                        && let Some(t) = self.text(v)
                    {
                        name = Some((t.to_owned(), self.loc(v)));
                    }
                    if action.is_none() {
                        action = self
                            .value_of(env, "action")
                            .and_then(|n| self.text(n))
                            .map(str::to_owned);
                    }
                }
                NodeKind::Sequence(_) => {}
            }
        }
        if action.is_some_and(|a| a != "start") {
            return None;
        }
        name
    }

    /// How the job starts: `when`, `only` or `rules`.
    pub(crate) fn trigger(&self, job: &Job) -> Trigger {
        let job_when = self
            .get(job, "when")
            .and_then(|n| self.text(n))
            .unwrap_or("on_success")
            .to_owned();
        if let Some(rules) = self.get(job, "rules") {
            let items: Vec<NodeId> = match self.tree.node(rules).kind {
                NodeKind::Sequence(items) => self.tree.items(items).to_vec(),
                _ => Vec::new(),
            };
            let mut manual = true;
            let mut branch = true;
            let mut runs = false;
            // GitLab takes the first rule that matches: after `- if: $CI_COMMIT_BRANCH !=
            // $CI_DEFAULT_BRANCH` + `when: never`, the later rules run on the default branch only;
            // after a `when: never` with no condition, none runs.
            let mut other_branches_excluded = false;
            for item in items {
                let when = self
                    .value_of(item, "when")
                    .and_then(|n| self.text(n))
                    .unwrap_or(&job_when);
                let condition = self.value_of(item, "if").and_then(|n| self.text(n));
                if when == "never" {
                    let unconditional = ["if", "changes", "exists"]
                        .iter()
                        .all(|k| self.value_of(item, k).is_none());
                    if unconditional {
                        break;
                    }
                    other_branches_excluded |= condition.is_some_and(excludes_other_branches);
                    continue;
                }
                runs = true;
                manual &= when == "manual";
                branch &= other_branches_excluded || condition.is_some_and(requires_default_branch);
            }
            return Trigger {
                manual: manual && runs,
                default_branch_only: branch && runs,
                never: !runs,
            };
        }
        let refs = self.get(job, "only").map(|n| self.only_refs(n));
        Trigger {
            manual: job_when == "manual",
            default_branch_only: refs.is_some_and(|r| {
                !r.is_empty()
                    && r.iter().all(|r| {
                        matches!(r.as_str(), "master" | "main" | "/^master$/" | "/^main$/")
                    })
            }),
            never: false,
        }
    }

    /// `only: master`, `only: [master]`, `only: {refs: [master]}`.
    fn only_refs(&self, node: NodeId) -> Vec<String> {
        match self.tree.node(node).kind {
            NodeKind::Scalar(s) => vec![self.tree.text(s).to_owned()],
            NodeKind::Sequence(items) => self
                .tree
                .items(items)
                .iter()
                .filter_map(|i| self.text(*i))
                .map(str::to_owned)
                .collect(),
            NodeKind::Mapping(_) => self
                .value_of(node, "refs")
                .map(|n| self.only_refs(n))
                .unwrap_or_default(),
        }
    }

    /// Every `docker build … -t $CI_REGISTRY_IMAGE[/NAME] …` in the jobs' scripts.
    pub(crate) fn build_lines(&self) -> Vec<BuildLine> {
        let mut out = Vec::new();
        for job in self.jobs() {
            for key in ["before_script", "script"] {
                let Some(script) = self.get(job, key) else {
                    continue;
                };
                let lines: Vec<NodeId> = match self.tree.node(script).kind {
                    NodeKind::Scalar(_) => vec![script],
                    NodeKind::Sequence(items) => self.tree.items(items).to_vec(),
                    NodeKind::Mapping(_) => Vec::new(),
                };
                for line in lines {
                    let Some(text) = self.text(line) else {
                        continue;
                    };
                    for build in docker_builds(text) {
                        out.push(BuildLine {
                            build,
                            job: job.name.clone(),
                            location: self.loc(line),
                        });
                    }
                }
            }
        }
        out
    }
}

/// Whether a `rules: if:` expression holds only on the default branch: a conjunct compares
/// `$CI_COMMIT_BRANCH` (or `$CI_COMMIT_REF_NAME`) with `$CI_DEFAULT_BRANCH`, `master` or `main`,
/// and no `||` offers another way.
pub(crate) fn requires_default_branch(expr: &str) -> bool {
    if expr.contains("||") {
        return false;
    }
    let norm = |s: &str| -> String {
        let s = s.trim().trim_matches(|c| c == '(' || c == ')').trim();
        let s = s.trim_matches(|c| c == '"' || c == '\'');
        match s.strip_prefix("${").and_then(|r| r.strip_suffix('}')) {
            Some(inner) => format!("${inner}"),
            None => s.to_owned(),
        }
    };
    expr.split("&&").any(|conj| {
        let Some((a, b)) = conj.split_once("==") else {
            return false;
        };
        let (a, b) = (norm(a), norm(b));
        let is_branch = |s: &str| matches!(s, "$CI_COMMIT_BRANCH" | "$CI_COMMIT_REF_NAME");
        let is_default = |s: &str| matches!(s, "$CI_DEFAULT_BRANCH" | "master" | "main");
        (is_branch(&a) && is_default(&b)) || (is_branch(&b) && is_default(&a))
    })
}

/// Whether a `when: never` rule's `if:` holds on every branch but the default one: one of its
/// `||` alternatives is `$CI_COMMIT_BRANCH != $CI_DEFAULT_BRANCH` (or `!= "main"` …) alone.
pub(crate) fn excludes_other_branches(expr: &str) -> bool {
    expr.split("||").any(|alternative| {
        !alternative.contains("&&")
            && alternative
                .split_once("!=")
                .is_some_and(|(a, b)| requires_default_branch(&format!("{a}=={b}")))
    })
}

/// One image a `docker build` command builds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DockerBuild {
    /// The Dockerfile (`Dockerfile.app`, `./` removed).
    pub(crate) dockerfile: String,
    /// The image name after the registry image (`None`: the registry image itself).
    pub(crate) image_name: Option<String>,
    /// The tag, variables written `$NAME` ([`same_variables`]): `$CI_COMMIT_SHA`.
    pub(crate) tag: Option<String>,
    /// The stage built, `--target NAME` as written (the last one given, as Docker reads its
    /// options; an empty one is none; `None`: the final stage).
    pub(crate) target: Option<String>,
}

/// The `docker build` commands of a script line, one per `$CI_REGISTRY_IMAGE…` tag (the
/// images of other registries do not count). A `$(CI_REGISTRY_IMAGE)…` tag, as the manual's
/// Makefile writes it, is not the registry image in a script line ([`same_variables`]).
pub(crate) fn docker_builds(script: &str) -> Vec<DockerBuild> {
    let joined = script.replace("\\\n", " ");
    let normalized = joined
        .replace("&&", ";")
        .replace("||", ";")
        .replace(['\n', '|'], ";");
    let mut out = Vec::new();
    for command in normalized.split(';') {
        let words = shell_words::split(command)
            .unwrap_or_else(|_| command.split_whitespace().map(str::to_owned).collect());
        let words: Vec<&str> = words.iter().map(String::as_str).collect();
        let start = match words.as_slice() {
            ["docker", "build", ..] => 2,
            ["docker", "image" | "buildx", "build", ..] => 3,
            _ => continue,
        };
        let mut file = None;
        let mut tags = Vec::new();
        let mut context = None;
        let mut target = None;
        let mut i = start;
        while let Some(w) = words.get(i).copied() {
            i += 1;
            let value = |i: &mut usize| {
                let v = words.get(*i).copied();
                *i += 1;
                v
            };
            if w == "-f" || w == "--file" {
                file = value(&mut i);
            } else if let Some(v) = w.strip_prefix("--file=") {
                file = Some(v);
            } else if w == "-t" || w == "--tag" {
                tags.extend(value(&mut i));
            } else if let Some(v) = w.strip_prefix("--tag=") {
                tags.push(v);
            } else if w == "--target" {
                target = value(&mut i);
            } else if let Some(v) = w.strip_prefix("--target=") {
                target = Some(v);
            } else if w.starts_with("--") && !w.contains('=') && takes_value(w) {
                i += 1;
            } else if !w.starts_with('-') {
                context = Some(w);
            }
        }
        let file = match (file, context) {
            (Some(f), _) => f.trim_start_matches("./").to_owned(),
            (None, Some(".")) => "Dockerfile".to_owned(),
            _ => continue,
        };
        let target = target.filter(|t| !t.is_empty()).map(str::to_owned);
        for tag in tags {
            let Some(rest) = registry_rest(tag) else {
                continue;
            };
            let name = rest
                .strip_prefix('/')
                .map(|r| r.split(':').next().unwrap_or(r).to_owned());
            let tag = rest.split_once(':').map(|(_, t)| same_variables(t));
            out.push(DockerBuild {
                dockerfile: file.clone(),
                image_name: name,
                tag,
                target: target.clone(),
            });
        }
    }
    out
}

/// What follows the registry image in `text` written `${CI_REGISTRY_IMAGE}…` or
/// `$CI_REGISTRY_IMAGE…`: nothing, or a `/name`, `:tag` or `@digest`; `None` for another image
/// (`$CI_REGISTRY_IMAGE_2/app`, `$CI_REGISTRY_IMAGE-x`).
pub(crate) fn registry_rest(text: &str) -> Option<&str> {
    text.strip_prefix("${CI_REGISTRY_IMAGE}")
        .or_else(|| text.strip_prefix("$CI_REGISTRY_IMAGE"))
        .filter(|r| r.is_empty() || r.starts_with(['/', ':', '@']))
}

/// `text` with its variables written one way, to compare a build's tag with an image's:
/// `${CI_COMMIT_SHA}` is `$CI_COMMIT_SHA`. The braces stay where a name character follows
/// (`${A}b` is not `$Ab`, the variable `Ab`).
///
/// `$(NAME)` stays as written: it is not the variable NAME in the texts compared. In a
/// `.gitlab-ci.yml` script, a shell line, it is a command substitution that runs a command
/// `NAME` (`CI_COMMIT_SHA: command not found`, then an empty word and a tag Docker rejects); in
/// a compose file it is an interpolation error. The manual writes
/// `docker build -t $(CI_REGISTRY_IMAGE)/app:$(CI_COMMIT_SHA)` in its Makefile, where make
/// expands its variables (the environment's included) before the shell sees the line; factory
/// reads no Makefile, and the line copied into a job's script builds nothing.
pub(crate) fn same_variables(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..=at]);
        rest = &rest[at + 1..];
        let Some(inner) = rest.strip_prefix('{') else {
            continue;
        };
        let len = inner
            .find(|c: char| !is_name_char(c))
            .unwrap_or(inner.len());
        if let Some(after) = inner[len..].strip_prefix('}')
            && len > 0
            && !after.starts_with(is_name_char)
        {
            out.push_str(&inner[..len]);
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// Whether `c` may be part of a variable's name (`$NAME` ends at the first other character).
fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// `docker build` long options that take a separate value.
fn takes_value(flag: &str) -> bool {
    matches!(
        flag,
        "--build-arg"
            | "--label"
            | "--network"
            | "--platform"
            | "--cache-from"
            | "--cache-to"
            | "--secret"
            | "--ssh"
            | "--add-host"
            | "--progress"
            | "--output"
            | "--iidfile"
            | "--build-context"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trigger(text: &str) -> Vec<(String, Trigger)> {
        let ci = GitlabCi::parse(text, FileId(0));
        ci.jobs()
            .iter()
            .map(|j| (j.name.clone(), ci.trigger(j)))
            .collect()
    }

    /// The `when` GitLab reads for the job `deploy`.
    fn deploy_when(text: &str) -> String {
        let ci = GitlabCi::parse(text, FileId(0));
        let jobs = ci.jobs();
        let deploy = jobs.iter().find(|j| j.name == "deploy").expect("deploy");
        let when = ci.get(deploy, "when").expect("when");
        ci.text(when).expect("a scalar").to_owned()
    }

    #[test]
    fn merge_keys_and_repeated_keys_are_read_in_written_order() {
        // Each expected value is what Ruby's YAML library (Psych, Ruby 3.1) reads with
        // `YAML.safe_load(text, aliases: true)`, as GitLab does.
        let cases = [
            // A `<<` written after the key replaces it; before, it does not.
            (
                "x: &m\n  when: manual\ndeploy:\n  when: on_success\n  <<: *m\n",
                "manual",
            ),
            (
                "x: &m\n  when: manual\ndeploy:\n  <<: *m\n  when: on_success\n",
                "on_success",
            ),
            // Of a list of mappings, the first that has the key.
            (
                "a: &a\n  when: manual\nb: &b\n  when: always\ndeploy:\n  when: on_success\n  <<: [*a, *b]\n",
                "manual",
            ),
            // A later `<<` replaces the key written between two.
            (
                "a: &a\n  when: manual\nb: &b\n  when: always\ndeploy:\n  <<: *a\n  when: on_success\n  <<: *b\n",
                "always",
            ),
            // A key written twice, then a `<<`: the merge; a `<<`, then the key again: the key.
            (
                "a: &a\n  when: manual\ndeploy:\n  when: on_success\n  when: delayed\n  <<: *a\n",
                "manual",
            ),
            (
                "a: &a\n  when: manual\ndeploy:\n  when: on_success\n  <<: *a\n  when: delayed\n",
                "delayed",
            ),
            // Two merge keys: the later.
            (
                "a: &a\n  when: manual\nb: &b\n  when: always\ndeploy:\n  <<: *a\n  <<: *b\n",
                "always",
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(deploy_when(text), expected, "{text}");
        }
    }

    #[test]
    fn a_merge_written_after_when_makes_the_job_manual() {
        let t = trigger(
            ".manual: &manual\n  when: manual\nproduction:\n  environment: production\n  when: on_success\n  <<: *manual\n",
        );
        assert!(t[0].1.manual, "{t:?}");
    }

    #[test]
    fn the_manuals_production_job_is_manual_on_master() {
        let t = trigger(
            "production:\n  environment:\n    name: production\n  when: manual\n  only:\n    - master\n",
        );
        assert_eq!(
            t[0].1,
            Trigger {
                manual: true,
                default_branch_only: true,
                never: false
            }
        );
    }

    /// A job whose definition GitLab reads comes from a `<<`: it is located at the `<<` (the
    /// span is the parser's, on char boundaries: a guessed one ran into `é` and panicked).
    #[test]
    fn a_job_merged_in_is_at_its_merge_key() {
        let text = ".t: &t\n  production-europe-west:\n    environment: production\n    script: [a]\n<<: *t # ééééééééééé\n";
        let ci = GitlabCi::parse(text, FileId(0));
        let jobs = ci.jobs();
        assert_eq!(jobs.len(), 1);
        assert!(text.is_char_boundary(jobs[0].key.span.end as usize));
        assert_eq!(&text[jobs[0].key.span.range()], "<<");
    }

    /// GitLab reads the last definition of a job: its diagnostics point at that one's key.
    #[test]
    fn a_job_defined_twice_is_at_its_last_key() {
        let text = "production:\n  when: manual\n  script: [a]\nproduction:\n  script: [b]\n";
        let ci = GitlabCi::parse(text, FileId(0));
        let jobs = ci.jobs();
        assert_eq!(jobs.len(), 1);
        assert_eq!(
            jobs[0].key.span.start as usize,
            text.rfind("production").unwrap()
        );
        assert_eq!(&text[jobs[0].key.span.range()], "production");
        assert!(!ci.trigger(&jobs[0]).manual);
    }

    #[test]
    fn triggers() {
        let cases = [
            ("j:\n  script: [x]\n", false, false),
            ("j:\n  when: manual\n", true, false),
            ("j:\n  only: [master, tags]\n", false, false),
            ("j:\n  only: main\n  when: manual\n", true, true),
            ("j:\n  only: {refs: [master]}\n", false, true),
            (
                "j:\n  rules:\n    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH\n      when: manual\n",
                true,
                true,
            ),
            (
                "j:\n  rules:\n    - if: '$CI_COMMIT_BRANCH == \"master\" && $X'\n      when: manual\n    - when: never\n",
                true,
                true,
            ),
            (
                "j:\n  rules:\n    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH\n      when: manual\n    - if: $CI_COMMIT_TAG\n",
                false,
                false,
            ),
            (
                "j:\n  when: manual\n  rules:\n    - if: $CI_DEFAULT_BRANCH == ${CI_COMMIT_REF_NAME}\n",
                true,
                true,
            ),
            (
                ".t:\n  when: manual\n  only: [master]\nj:\n  extends: .t\n",
                true,
                true,
            ),
            // The first matching rule wins: other branches are ruled out first.
            (
                "j:\n  rules:\n    - if: $CI_COMMIT_BRANCH != $CI_DEFAULT_BRANCH\n      when: never\n    - when: manual\n",
                true,
                true,
            ),
            (
                "j:\n  rules:\n    - if: '$CI_COMMIT_BRANCH != \"main\" || $CI_PIPELINE_SOURCE == \"schedule\"'\n      when: never\n    - when: manual\n",
                true,
                true,
            ),
            // Ruled out only together with another condition: other branches still run.
            (
                "j:\n  rules:\n    - if: '$CI_COMMIT_BRANCH != $CI_DEFAULT_BRANCH && $X'\n      when: never\n    - when: manual\n",
                true,
                false,
            ),
            // A rule after an unconditional `when: never` is never reached.
            (
                "j:\n  rules:\n    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH\n      when: manual\n    - when: never\n    - if: $CI_COMMIT_TAG\n",
                true,
                true,
            ),
            (
                "j:\n  rules:\n    - changes: [a]\n      when: never\n    - when: manual\n",
                true,
                false,
            ),
        ];
        for (text, manual, branch) in cases {
            let t = trigger(text);
            assert_eq!(t.len(), 1, "{text}");
            assert_eq!(
                (t[0].1.manual, t[0].1.default_branch_only),
                (manual, branch),
                "{text}"
            );
        }
    }

    #[test]
    fn environments_follow_extends_and_skip_stop_actions() {
        let ci = GitlabCi::parse(
            ".deploy:\n  environment:\n    name: production\nprod:\n  extends: .deploy\nstop:\n  environment: {name: production, action: stop}\nshort:\n  environment: prod\nstages: [a]\n",
            FileId(0),
        );
        let envs: Vec<_> = ci
            .jobs()
            .iter()
            .map(|j| (j.name.clone(), ci.environment(j).map(|(n, _)| n)))
            .collect();
        assert_eq!(
            envs,
            [
                ("prod".to_owned(), Some("production".to_owned())),
                ("stop".to_owned(), None),
                ("short".to_owned(), Some("prod".to_owned())),
            ]
        );
    }

    proptest::proptest! {
        #[test]
        fn never_panics(text in "(?s)\\PC{0,200}|[a-z_ :\\-\\[\\]{}$=&|'\"\n.]{0,300}") {
            let ci = GitlabCi::parse(&text, FileId(0));
            for job in ci.jobs() {
                let _ = ci.environment(job);
                let _ = ci.trigger(job);
            }
            let _ = ci.build_lines();
            let _ = requires_default_branch(&text);
            let _ = docker_builds(&text);
        }
    }

    /// The mappings a job reads, by priority, named by their top-level key.
    fn chains(text: &str) -> Vec<(String, Vec<String>)> {
        let ci = GitlabCi::parse(text, FileId(0));
        let root = ci.tree.root().expect("a root");
        let name_of = |node: NodeId| {
            ci.tree
                .mapping(root)
                .into_iter()
                .flatten()
                .find(|e| ci.read_value(root, e) == node)
                .and_then(|e| ci.text(e.key))
                .unwrap_or("?")
                .to_owned()
        };
        ci.jobs()
            .iter()
            .map(|j| (j.name.clone(), j.chain().map(name_of).collect()))
            .collect()
    }

    /// What the index of top-level keys and the shared chains must keep: the later of two
    /// entries in an `extends` list first, each template once, where it is first reached,
    /// at most 11 levels, the last definition of a key written twice, and a job reached
    /// through its own templates read once.
    #[test]
    fn extends_chains_keep_their_order() {
        let owned = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        let diamond = ".a:\n  extends: .c\n.b:\n  extends: .c\n.c:\n  when: manual\nj:\n  extends: [.a, .b]\nk:\n  extends: [.a, .b]\n";
        assert_eq!(
            chains(diamond),
            [
                ("j".to_owned(), owned(&["j", ".b", ".c", ".a"])),
                ("k".to_owned(), owned(&["k", ".b", ".c", ".a"])),
            ]
        );
        let mut deep = String::from("j:\n  extends: .t0\n");
        for i in 0..14 {
            deep.push_str(&format!(".t{i}:\n  extends: .t{}\n", i + 1));
        }
        let expected: Vec<String> = std::iter::once("j".to_owned())
            .chain((0..11).map(|i| format!(".t{i}")))
            .collect();
        assert_eq!(chains(&deep), [("j".to_owned(), expected)]);
        // A key written twice: the last definition, for the job and for the template.
        let twice = ".t:\n  when: manual\nj:\n  extends: .t\n.t:\n  when: always\n";
        let ci = GitlabCi::parse(twice, FileId(0));
        let jobs = ci.jobs();
        let when = ci.get(&jobs[0], "when").and_then(|n| ci.text(n));
        assert_eq!(when, Some("always"));
        // Two jobs extend the same template, which extends the first of them.
        let back = "j1:\n  extends: .a\nj2:\n  extends: .a\n.a:\n  extends: j1\n";
        assert_eq!(
            chains(back),
            [
                ("j1".to_owned(), owned(&["j1", ".a"])),
                ("j2".to_owned(), owned(&["j2", ".a", "j1"])),
            ]
        );
        // A template reached at the 12th level is not read there, but is where it is nearer.
        let mut far = String::from("j:\n  extends: [.x, .t0]\n.x:\n  when: manual\n");
        for i in 0..11 {
            far.push_str(&format!(".t{i}:\n  extends: .t{}\n", i + 1));
        }
        far.push_str(".t11:\n  extends: .x\n");
        let expected: Vec<String> = std::iter::once("j".to_owned())
            .chain((0..11).map(|i| format!(".t{i}")))
            .chain(std::iter::once(".x".to_owned()))
            .collect();
        assert_eq!(chains(&far), [("j".to_owned(), expected)]);
    }

    /// Where following `extends` stopped: each name at level 12 once, though another job's
    /// walk of the same list, a walk of another list and a job's own walk (its templates reach
    /// it) all reach it, and each name of a list; attributed to the first job that reaches it.
    #[test]
    fn each_extends_name_past_11_levels_is_one_stop() {
        let mut text = String::from(
            "j1:\n  extends: .t1\nj2:\n  extends: .t1\nj3:\n  extends: [.t1, .a]\n.t1:\n  extends: .t2\n.t2:\n  extends: .t3\n.t3:\n  extends: [.t4, j1]\n",
        );
        for i in 4..11 {
            text.push_str(&format!(".t{i}:\n  extends: .t{}\n", i + 1));
        }
        text.push_str(".t11:\n  extends: [.a, .b]\n.a:\n  when: manual\n.b:\n  when: always\n");
        let ci = GitlabCi::parse(&text, FileId(0));
        let list = text.find("[.a, .b]").expect("the list");
        let stops: Vec<_> = ci
            .extends_stops()
            .iter()
            .map(|s| {
                (
                    s.name.span.start as usize - list,
                    &text[s.name.span.range()],
                    s.reason,
                    s.job.as_str(),
                    &text[s.job_key.span.range()],
                )
            })
            .collect();
        // A list is followed from its last name.
        assert_eq!(
            stops,
            [
                (5, ".b", ExtendsStopReason::TooDeep, "j1", "j1"),
                (1, ".a", ExtendsStopReason::TooDeep, "j1", "j1"),
            ]
        );
        // At 11 levels, nothing stops.
        let at_limit = text.replace("  extends: [.a, .b]\n", "");
        assert_eq!(GitlabCi::parse(&at_limit, FileId(0)).extends_stops(), []);
    }

    #[test]
    fn extends_cycles_terminate() {
        let ci = GitlabCi::parse(
            ".a:\n  extends: .b\n.b:\n  extends: [.a, .b]\nj:\n  extends: .a\n",
            FileId(0),
        );
        let jobs = ci.jobs();
        assert_eq!(jobs.len(), 1);
        assert!(!ci.trigger(&jobs[0]).manual);
    }

    /// GitLab refuses a template nested too deep even when no job reads it: one stop, of the
    /// first template walked; none of the templates when a job already reaches that depth.
    #[test]
    fn templates_too_deep_are_one_stop() {
        let chain: String = (0..14)
            .map(|i| format!(".t{i}:\n  extends: .t{}\n", i + 1))
            .collect::<String>()
            + ".t14:\n  script: [x]\nbuild:\n  script: [y]\n";
        let ci = GitlabCi::parse(&chain, FileId(0));
        let stops: Vec<(String, bool)> = ci
            .extends_stops()
            .iter()
            .map(|s| (s.job.clone(), s.from_job))
            .collect();
        assert_eq!(stops, [(".t0".to_owned(), false)]);
        let ci = GitlabCi::parse(&format!("{chain}job:\n  extends: .t0\n"), FileId(0));
        let stops: Vec<(String, bool)> = ci
            .extends_stops()
            .iter()
            .map(|s| (s.job.clone(), s.from_job))
            .collect();
        assert_eq!(stops, [("job".to_owned(), true)]);
    }

    /// A circle among templates no job reads is found too (GitLab resolves every key's
    /// `extends`), once, named after the first template walked.
    #[test]
    fn circles_no_job_reaches_are_found() {
        let ci = GitlabCi::parse(
            ".a:\n  extends: .b\n.b:\n  extends: .a\nbuild:\n  script: [x]\n.c:\n  extends: .a\n",
            FileId(0),
        );
        let found: Vec<(String, String, bool)> = ci
            .extends_cycles()
            .iter()
            .map(|c| (c.chain.join(" "), c.job.clone(), c.from_job))
            .collect();
        assert_eq!(found, [(".b .a .b".to_owned(), ".a".to_owned(), false)]);
        assert_eq!(ci.jobs().len(), 1);
        assert!(ci.extends_stops().is_empty());
        // A template defined twice is named where the definition GitLab reads is.
        let text =
            ".a:\n  script: [x]\nbuild:\n  script: [y]\n.a:\n  extends: .b\n.b:\n  extends: .a\n";
        let ci = GitlabCi::parse(text, FileId(0));
        let keys: Vec<usize> = ci
            .extends_cycles()
            .iter()
            .map(|c| text[..c.job_key.span.range().start].matches('\n').count() + 1)
            .collect();
        assert_eq!(keys, [5]);
    }

    /// Each circle of `extends` is found once, at the name that closes it, whether it goes
    /// through templates only or through the job; a diamond (two templates extending one) is
    /// no circle.
    #[test]
    fn extends_circles_are_found_once() {
        let text = ".a:\n  extends: .b\n.b:\n  extends: [.a, .b]\nj:\n  extends: .a\nk:\n  extends: .a\n\
                    self:\n  extends: self\nround:\n  extends: .r\n.r:\n  extends: round\n\
                    .base: {}\n.c:\n  extends: .base\n.d:\n  extends: [.base, .c]\ndiamond:\n  extends: [.c, .d]\n";
        let ci = GitlabCi::parse(text, FileId(0));
        let found: Vec<(String, String, String)> = ci
            .extends_cycles()
            .iter()
            .map(|c| {
                let r = c.name.span.range();
                (
                    format!(
                        "{}@{}",
                        &text[r.clone()],
                        text[..r.start].matches('\n').count() + 1
                    ),
                    c.chain.join(" "),
                    c.job.clone(),
                )
            })
            .collect();
        let want = [
            // A list is followed from its last name.
            (".b@4", ".b .b", "j"),
            (".a@4", ".a .b .a", "j"),
            ("self@10", "self self", "self"),
            (".r@12", ".r round .r", "round"),
        ]
        .map(|(a, b, c)| (a.to_owned(), b.to_owned(), c.to_owned()));
        assert_eq!(found, want);
    }

    /// (Dockerfile, image name, tag, target) of a build.
    type Build = (String, Option<String>, Option<String>, Option<String>);

    fn builds(script: &str) -> Vec<Build> {
        docker_builds(script)
            .into_iter()
            .map(|b| (b.dockerfile, b.image_name, b.tag, b.target))
            .collect()
    }

    fn build(file: &str, name: Option<&str>, tag: Option<&str>, target: Option<&str>) -> Build {
        let own = |s: Option<&str>| s.map(str::to_owned);
        (file.to_owned(), own(name), own(tag), own(target))
    }

    #[test]
    fn docker_build_lines() {
        assert_eq!(
            builds(
                "docker build -t $CI_REGISTRY_IMAGE/app:$CI_COMMIT_SHA -f Dockerfile.app --build-arg=uid=1001 ."
            ),
            [build(
                "Dockerfile.app",
                Some("app"),
                Some("$CI_COMMIT_SHA"),
                None
            )]
        );
        assert_eq!(
            builds("docker pull x && docker build --tag ${CI_REGISTRY_IMAGE}:latest ."),
            [build("Dockerfile", None, Some("latest"), None)]
        );
        assert_eq!(
            builds(
                "docker build -f ./docker/Dockerfile.cdn --build-arg uid=1 -t $CI_REGISTRY_IMAGE/cdn statics/"
            ),
            [build("docker/Dockerfile.cdn", Some("cdn"), None, None)]
        );
        assert!(docker_builds("docker build -t other/app .").is_empty());
        // The manual's Makefile spelling runs a command `CI_REGISTRY_IMAGE` in a shell line;
        // a longer name is another variable, a suffix another image.
        assert!(
            docker_builds(
                "docker build -t $(CI_REGISTRY_IMAGE)/app:$(CI_COMMIT_SHA) -f Dockerfile.app ."
            )
            .is_empty()
        );
        assert!(docker_builds("docker build -t $CI_REGISTRY_IMAGE_2/app .").is_empty());
        assert!(docker_builds("docker build -t $CI_REGISTRY_IMAGE-x:1 .").is_empty());
        assert_eq!(
            builds("docker build -t $CI_REGISTRY_IMAGE/app:$(CI_COMMIT_SHA) ."),
            [build(
                "Dockerfile",
                Some("app"),
                Some("$(CI_COMMIT_SHA)"),
                None
            )]
        );
        assert!(docker_builds("make build").is_empty());
    }

    /// `--target STAGE` before or after `-t`/`-f`, with `=` or a space, quoted; the last one
    /// given counts, an empty one is none.
    #[test]
    fn docker_build_targets() {
        let prod = |target: &str| {
            [build(
                "Dockerfile",
                Some("app"),
                Some("$CI_COMMIT_SHA"),
                Some(target),
            )]
        };
        for line in [
            "docker build --target prod -t $CI_REGISTRY_IMAGE/app:$CI_COMMIT_SHA .",
            "docker build -t $CI_REGISTRY_IMAGE/app:$CI_COMMIT_SHA --target prod .",
            "docker build -t ${CI_REGISTRY_IMAGE}/app:${CI_COMMIT_SHA} --target=prod -f ./Dockerfile .",
            "docker build --target 'prod' -t \"$CI_REGISTRY_IMAGE/app:$CI_COMMIT_SHA\" .",
            "docker build --target=\"prod\" --tag=$CI_REGISTRY_IMAGE/app:${CI_COMMIT_SHA} .",
            "docker build --target dev --target prod -t $CI_REGISTRY_IMAGE/app:$CI_COMMIT_SHA .",
            "docker buildx build --build-arg X=1 --target \\\n  prod -t $CI_REGISTRY_IMAGE/app:$CI_COMMIT_SHA .",
        ] {
            assert_eq!(builds(line), prod("prod"), "{line}");
        }
        assert_eq!(
            builds("docker build --target ${STAGE} -t $CI_REGISTRY_IMAGE/app:$CI_COMMIT_SHA ."),
            prod("${STAGE}")
        );
        assert_eq!(
            builds("docker build --target= -t $CI_REGISTRY_IMAGE/app:$CI_COMMIT_SHA ."),
            [build(
                "Dockerfile",
                Some("app"),
                Some("$CI_COMMIT_SHA"),
                None
            )]
        );
        // `--target` takes its value: the stage is not read as the build context.
        assert_eq!(
            builds("docker build -t $CI_REGISTRY_IMAGE/app --target prod"),
            []
        );
    }

    #[test]
    fn tags_compare_with_their_variables_written_one_way() {
        for (text, want) in [
            ("${CI_COMMIT_SHA}", "$CI_COMMIT_SHA"),
            ("$(CI_COMMIT_SHA)-dev", "$(CI_COMMIT_SHA)-dev"),
            ("${CI_COMMIT_SHA}-dev", "$CI_COMMIT_SHA-dev"),
            ("${CI_COMMIT_SHA}dev", "${CI_COMMIT_SHA}dev"),
            ("${A}${B}_", "$A${B}_"),
            ("v${A}.${B:-1}$", "v$A.${B:-1}$"),
            ("${", "${"),
            ("$(x", "$(x"),
            ("é${é}", "é${é}"),
        ] {
            assert_eq!(same_variables(text), want, "{text}");
        }
    }
}
