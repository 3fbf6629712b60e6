//! The routes of one entry point: resolution by priority, conflicts (FR006) and shadowed
//! routes (FR013).
//!
//! How Traefik v1.7.34 orders routes (`server/server_configuration.go`, `containous/mux`):
//! every frontend becomes one route on the entry point's mux router, added in
//! `sort.Strings` order of the frontend names (`frontend-` + `Normalize(rule + "-" +
//! container index)` for the plain labels, `Normalize(segment + "-" + backend)` for segment
//! labels), then `SortRoutes` runs `sort.Sort` on `priority` descending. `sort.Sort` is not
//! stable (with the Go 1.16 sort, up to 6 routes get a plain insertion sort that keeps the
//! name order, but a gap-6 pass or quicksort can reorder equal priorities beyond that; and
//! the container index comes from the Docker API), so a project cannot rely on the order of
//! equal priorities: that is what FR006 reports. This table keeps the input order for ties.
//! The router tries routes in that order and the first whose matchers all pass answers;
//! when none does, Traefik answers 404 (`resolve` returns `None`; a method mismatch is a 404
//! too, since the router has no `MethodNotAllowedHandler`).

use crate::matcher::{Eval, Match, MatchOptions};
use crate::parse::{Compiled, MatcherName, Prefix, Rule, Segment};
use crate::request::Request;
use std::collections::{HashMap, HashSet};

/// One frontend route, borrowing its names and its parsed rule.
#[derive(Debug, Clone, Copy)]
pub struct Route<'r> {
    /// The compose service.
    pub service: &'r str,
    /// The label segment (`traefik.<segment>.frontend.rule`), `None` for the plain labels.
    pub segment: Option<&'r str>,
    /// The parsed rule.
    pub rule: &'r Rule<'r>,
    /// The effective priority.
    pub priority: i64,
    /// Whether `priority` comes from `traefik.frontend.priority` (else the rule length).
    pub priority_from_label: bool,
    /// `traefik.port`, when set.
    pub port: Option<u16>,
}

impl<'r> Route<'r> {
    /// A route whose priority follows Traefik: the label when positive, else the rule length.
    pub fn new(
        service: &'r str,
        segment: Option<&'r str>,
        rule: &'r Rule<'r>,
        priority_label: Option<i64>,
        port: Option<u16>,
    ) -> Route<'r> {
        let from_label = matches!(priority_label, Some(p) if p > 0);
        Route {
            service,
            segment,
            priority: rule.priority(priority_label),
            priority_from_label: from_label,
            rule,
            port,
        }
    }
}

/// Two routes at equal priority that one request matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    /// Index of the first route (input order).
    pub a: usize,
    /// Index of the second route.
    pub b: usize,
    /// A request both routes match.
    pub example: Request,
}

/// A route that never receives a request: a higher-priority route takes all of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shadow {
    /// Index of the hidden route.
    pub hidden: usize,
    /// Index of the higher-priority route that takes its requests.
    pub by: usize,
    /// A request the hidden route matches that goes to `by`.
    pub example: Request,
}

/// The routes of one entry point.
#[derive(Debug, Clone)]
pub struct RouteTable<'r> {
    routes: Vec<Route<'r>>,
    order: Vec<usize>,
    options: MatchOptions,
}

/// Upper bound of candidate requests tried per pair of routes.
const MAX_TRIES: usize = 4096;

/// Candidate requests one check ([`RouteTable::conflicts_within`] or
/// [`RouteTable::shadowed_within`]) may try in all, over every pair of routes it compares:
/// as many as 256 pairs searched in full (4 096 each). A pair whose routes share no host tries
/// none, and one that the first candidates match tries a few; but 200 routes at one priority
/// on one host, each with 256 path prefixes and 16 methods, tried 4 096 requests for each of
/// their 19 900 pairs (81 million, two and a half minutes). A request that does more than
/// [`TRY_WORK`] counts as one try per [`TRY_WORK`] of it.
pub const MAX_COMPARISON_TRIES: usize = 256 * MAX_TRIES;

/// The work one try may do, in string comparisons: 512 hosts, plain path prefixes or methods
/// compared with the request's, or 32 templates, header pairs or query parameters matched
/// ([`crate::MATCH_WORK`] each), by both routes of the pair; a request that does more counts
/// as one try per 512, rounded up. Routes with hundreds of alternatives stay at one try a
/// request, but two routes of 8 000 `Query` templates matched up to 48 000 templates and
/// parameters for each of their 4 096 candidates (12 s in all): they now stop within 3 s.
pub const TRY_WORK: usize = 512;

/// The candidate requests a check may still try: [`MAX_COMPARISON_TRIES`] by default, shared
/// by the tables of a project (one per entry point). A request that does much work counts as
/// several tries ([`TRY_WORK`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TriesBudget {
    left: usize,
}

impl TriesBudget {
    /// A budget of `tries` candidate requests.
    #[must_use]
    pub fn new(tries: usize) -> TriesBudget {
        TriesBudget { left: tries }
    }

    /// Whether no try is left: a check stops before a candidate request then, whatever the
    /// request would cost (the last one it tried may have cost more than was left).
    fn is_spent(&self) -> bool {
        self.left == 0
    }

    /// Takes the tries a candidate request that did `work` costs, or all that are left.
    fn charge(&mut self, work: usize) {
        let tries = work.div_ceil(TRY_WORK).max(1);
        self.left = self.left.saturating_sub(tries);
    }
}

impl Default for TriesBudget {
    fn default() -> TriesBudget {
        TriesBudget::new(MAX_COMPARISON_TRIES)
    }
}

/// What a comparison found before its [`TriesBudget`] ran out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Compared<T> {
    /// The findings, in the order they were found.
    pub found: Vec<T>,
    /// The pair of routes (indices in input order) being compared when the budget ran out:
    /// neither it nor any pair after it was checked. `None` when every pair was.
    pub stopped_at: Option<(usize, usize)>,
}

/// Why no candidate request was returned.
enum NoWitness {
    /// None of the candidates (at most [`MAX_TRIES`]) matched.
    NotFound,
    /// The budget ran out first.
    OutOfTries,
}

impl<'r> RouteTable<'r> {
    /// A table under Traefik's default options.
    pub fn new(routes: Vec<Route<'r>>) -> RouteTable<'r> {
        RouteTable::with_options(routes, MatchOptions::default())
    }

    /// A table with explicit router options.
    pub fn with_options(routes: Vec<Route<'r>>, options: MatchOptions) -> RouteTable<'r> {
        let mut order: Vec<usize> = (0..routes.len()).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(routes.get(i).map_or(0, |r| r.priority)));
        RouteTable {
            routes,
            order,
            options,
        }
    }

    /// The routes, in input order.
    pub fn routes(&self) -> &[Route<'r>] {
        &self.routes
    }

    /// Route indices in the order Traefik tries them (highest priority first; ties keep the
    /// input order).
    pub fn order(&self) -> &[usize] {
        &self.order
    }

    /// Which route answers a request, and how. Like mux, a redirect left by a route whose
    /// path matched before another of its matchers failed sticks to the next route that
    /// matches.
    pub fn resolve(&self, req: &Request) -> Option<(usize, Match)> {
        let mut leaked: Option<String> = None;
        for &i in &self.order {
            let route = self.routes.get(i)?;
            let eval: Eval = route.rule.eval(req, self.options);
            if eval.matched {
                return Some((i, route.rule.finish(req, &eval, leaked.as_ref())));
            }
            if eval.redirect.is_some() {
                leaked = eval.redirect;
            }
        }
        None
    }

    /// Whether route `i` takes `req`, adding to `work` what its matchers did.
    fn takes(&self, i: usize, req: &Request, work: &mut usize) -> bool {
        self.routes
            .get(i)
            .is_some_and(|r| r.rule.matches_working(req, self.options, work).is_match())
    }

    /// FR006: pairs of routes with equal priority that one request matches, with that request
    /// (verified by matching it against both rules), found within [`MAX_COMPARISON_TRIES`]
    /// candidate requests (see [`RouteTable::conflicts_within`]).
    pub fn conflicts(&self) -> Vec<Conflict> {
        self.conflicts_within(&mut TriesBudget::default()).found
    }

    /// [`RouteTable::conflicts`] within `budget`, which it uses up, and the pair it stopped at
    /// when the budget ran out.
    pub fn conflicts_within(&self, budget: &mut TriesBudget) -> Compared<Conflict> {
        let mut out = Vec::new();
        let hosts: Vec<Option<HashSet<&str>>> =
            self.routes.iter().map(|r| required_hosts(r.rule)).collect();
        for a in 0..self.routes.len() {
            for b in a + 1..self.routes.len() {
                let (Some(ra), Some(rb)) = (self.routes.get(a), self.routes.get(b)) else {
                    continue;
                };
                if ra.priority != rb.priority {
                    continue;
                }
                // No request has a host both rules ask for: none of the candidates (up to
                // 4 096 for wide rules, for each pair) can match both.
                if let (Some(Some(ha)), Some(Some(hb))) = (hosts.get(a), hosts.get(b))
                    && ha.is_disjoint(hb)
                {
                    continue;
                }
                let found = find_witness(&[ra.rule, rb.rule], budget, |req, work| {
                    self.takes(a, req, work) && self.takes(b, req, work)
                });
                match found {
                    Ok(example) => out.push(Conflict { a, b, example }),
                    Err(NoWitness::NotFound) => {}
                    Err(NoWitness::OutOfTries) => {
                        return Compared {
                            found: out,
                            stopped_at: Some((a, b)),
                        };
                    }
                }
            }
        }
        Compared {
            found: out,
            stopped_at: None,
        }
    }

    /// FR013: routes a strictly higher-priority route provably takes every request of. Only
    /// reported when the higher route's constraints are a subset of the hidden one's (same or
    /// wider host set, a path prefix covering its paths, no method/header/query constraint it
    /// lacks), and a request the hidden route matches was found and checked within
    /// [`MAX_COMPARISON_TRIES`] candidate requests (see [`RouteTable::shadowed_within`]).
    pub fn shadowed(&self) -> Vec<Shadow> {
        self.shadowed_within(&mut TriesBudget::default()).found
    }

    /// [`RouteTable::shadowed`] within `budget`, which it uses up, and the pair (hidden route,
    /// higher route) it stopped at when the budget ran out.
    pub fn shadowed_within(&self, budget: &mut TriesBudget) -> Compared<Shadow> {
        let mut out = Vec::new();
        for (pos, &hidden) in self.order.iter().enumerate() {
            let Some(low) = self.routes.get(hidden) else {
                continue;
            };
            // Indexed when a higher route is first compared with it.
            let mut implied: Option<Implied<'_>> = None;
            for &by in self.order.iter().take(pos) {
                let Some(high) = self.routes.get(by) else {
                    continue;
                };
                if high.priority <= low.priority {
                    continue;
                }
                let implied = implied.get_or_insert_with(|| Implied::of(low.rule));
                if !covers(high.rule, implied) {
                    continue;
                }
                let example = find_witness(&[low.rule], budget, |req, work| {
                    self.takes(hidden, req, work) && self.takes(by, req, work)
                });
                match example {
                    Ok(example) => {
                        out.push(Shadow {
                            hidden,
                            by,
                            example,
                        });
                        break;
                    }
                    Err(NoWitness::NotFound) => {}
                    Err(NoWitness::OutOfTries) => {
                        return Compared {
                            found: out,
                            stopped_at: Some((hidden, by)),
                        };
                    }
                }
            }
        }
        Compared {
            found: out,
            stopped_at: None,
        }
    }
}

/// Values of one kind that a rule's matchers suggest.
#[derive(Default)]
struct Hints {
    hosts: Vec<String>,
    paths: Vec<String>,
    methods: Vec<String>,
    headers: Vec<(String, String)>,
    query: Vec<(String, String)>,
}

/// How many values of one kind (hosts, paths, methods) the witnesses are built from: a rule of
/// thousands of alternatives would make collecting them quadratic, and no more than
/// `MAX_TRIES` requests are tried anyway.
const MAX_HINTS: usize = 256;

fn push_unique(v: &mut Vec<String>, s: String) {
    if v.len() < MAX_HINTS && !v.contains(&s) {
        v.push(s);
    }
}

fn regex_sample(pattern: &str) -> Vec<String> {
    // Literal-ish candidates: the pattern without regex syntax, and its first alternative.
    let strip = |s: &str| {
        s.chars()
            .filter(|c| !"^$()[]{}*+?|\\".contains(*c))
            .collect::<String>()
    };
    let mut out = vec![strip(pattern)];
    if let Some(first) = pattern.split('|').next() {
        out.push(strip(first));
    }
    out.extend(
        ["application/json", "text/html", "true", "1", "x", "a"]
            .iter()
            .map(|s| (*s).to_owned()),
    );
    out
}

fn hints(rule: &Rule, h: &mut Hints) {
    for seg in rule.segments() {
        hint_segment(seg, h);
    }
}

fn hint_segment(seg: Segment<'_>, h: &mut Hints) {
    match seg.compiled() {
        Compiled::Host(_) => {
            for host in seg.hosts() {
                push_unique(&mut h.hosts, host.to_owned());
            }
        }
        Compiled::HostRegexp(alts) => {
            // Once a list is full, no sample is kept: those of the other templates (each
            // compiling its regex) are not made.
            for t in alts.iter().flatten() {
                if h.hosts.len() >= MAX_HINTS {
                    break;
                }
                for s in t.samples() {
                    push_unique(&mut h.hosts, s);
                }
            }
        }
        Compiled::Path(alts) => {
            for t in alts.strict.iter().flatten() {
                if h.paths.len() >= MAX_HINTS {
                    break;
                }
                for s in t.samples() {
                    push_unique(&mut h.paths, s);
                }
            }
        }
        Compiled::Prefix(_) => {
            for a in seg.prefixes() {
                if h.paths.len() >= MAX_HINTS {
                    break;
                }
                match a {
                    Prefix::Plain(p) => {
                        push_unique(&mut h.paths, p.to_owned());
                        let sep = if p.ends_with('/') { "" } else { "/" };
                        push_unique(&mut h.paths, format!("{p}{sep}x"));
                    }
                    Prefix::Template(Ok(t)) => {
                        for s in t.samples() {
                            push_unique(&mut h.paths, format!("{s}/x"));
                            push_unique(&mut h.paths, s);
                        }
                    }
                    Prefix::Template(Err(_)) => {}
                }
            }
        }
        Compiled::PrefixTemplate(alts) => {
            for t in alts.iter().flatten() {
                if h.paths.len() >= MAX_HINTS {
                    break;
                }
                for s in t.samples() {
                    push_unique(&mut h.paths, format!("{s}/x"));
                    push_unique(&mut h.paths, s);
                }
            }
        }
        Compiled::Method(_) => {
            for m in seg.methods() {
                push_unique(&mut h.methods, m.to_owned());
            }
        }
        Compiled::Headers(pairs) => {
            for (k, v) in pairs {
                let v = if v.is_empty() {
                    "x".to_owned()
                } else {
                    v.clone()
                };
                h.headers.push((k.clone(), v));
            }
        }
        Compiled::HeadersRegexp(pairs) => {
            for (k, re) in pairs {
                if let Some(v) = regex_sample(re.as_str())
                    .into_iter()
                    .find(|s| re.is_match(s))
                {
                    h.headers.push((k.clone(), v));
                }
            }
        }
        Compiled::Query(tpls) => {
            for t in tpls {
                if let Some(s) = t.samples().into_iter().next() {
                    let (k, v) = s.split_once('=').unwrap_or((&s, ""));
                    h.query.push((k.to_owned(), v.to_owned()));
                }
            }
        }
        Compiled::Modifier => {}
    }
}

/// The values candidate requests are built from: every host, path, method and header pair the
/// rules name (each once, in the rules' order), with fallbacks, and the queries (all the rules'
/// query pairs in order, then in reverse order of the rules).
struct Candidates {
    hosts: Vec<String>,
    paths: Vec<String>,
    methods: Vec<String>,
    headers: Vec<(String, String)>,
    queries: Vec<Vec<(String, String)>>,
}

impl Candidates {
    fn of(rules: &[&Rule]) -> Candidates {
        let mut per_rule: Vec<Hints> = Vec::new();
        for r in rules {
            let mut h = Hints::default();
            hints(r, &mut h);
            per_rule.push(h);
        }
        let mut hosts = Vec::new();
        let mut paths = Vec::new();
        let mut methods = Vec::new();
        let mut headers = Vec::new();
        let mut queries: Vec<Vec<(String, String)>> = vec![Vec::new()];
        for h in &per_rule {
            for x in &h.hosts {
                push_unique(&mut hosts, x.clone());
            }
            for x in &h.paths {
                push_unique(&mut paths, x.clone());
            }
            for x in &h.methods {
                push_unique(&mut methods, x.clone());
            }
            headers.extend(h.headers.iter().cloned());
        }
        let all_query: Vec<(String, String)> = per_rule
            .iter()
            .flat_map(|h| h.query.iter().cloned())
            .collect();
        let rev_query: Vec<(String, String)> = per_rule
            .iter()
            .rev()
            .flat_map(|h| h.query.iter().cloned())
            .collect();
        if !all_query.is_empty() {
            queries = vec![all_query, rev_query];
        }
        if hosts.is_empty() {
            hosts.push("example.com".to_owned());
        }
        push_unique(&mut paths, "/".to_owned());
        push_unique(&mut paths, "/x".to_owned());
        push_unique(&mut methods, "GET".to_owned());
        Candidates {
            hosts,
            paths,
            methods,
            headers,
            queries,
        }
    }
}

/// The first of the candidate requests built from the rules' own values that `accept` takes
/// (at most [`MAX_TRIES`] are tried, each charged to `budget` for the work `accept` says it
/// did). The candidates differ only in host, path, method and query, so they are one request
/// changed in place (one per query): a list of them copied every header pair of the rules
/// into each (4 096 candidates of a rule with 20 000 `Headers` pairs took 5 GB).
fn find_witness(
    rules: &[&Rule],
    budget: &mut TriesBudget,
    mut accept: impl FnMut(&Request, &mut usize) -> bool,
) -> Result<Request, NoWitness> {
    let Candidates {
        hosts,
        paths,
        methods,
        headers,
        queries,
    } = Candidates::of(rules);
    let mut requests: Vec<Request> = queries
        .into_iter()
        .map(|query| Request {
            headers: headers.clone(),
            query,
            ..Request::default()
        })
        .collect();
    let mut tries = 0;
    for host in &hosts {
        for path in &paths {
            let path = crate::request::escape_path(path);
            for method in &methods {
                for req in &mut requests {
                    if tries == MAX_TRIES {
                        return Err(NoWitness::NotFound);
                    }
                    if budget.is_spent() {
                        return Err(NoWitness::OutOfTries);
                    }
                    tries += 1;
                    host.clone_into(&mut req.host);
                    path.clone_into(&mut req.path);
                    method.clone_into(&mut req.method);
                    let mut work = 0;
                    let accepted = accept(req, &mut work);
                    budget.charge(work);
                    if accepted {
                        return Ok(std::mem::take(req));
                    }
                }
            }
        }
    }
    Err(NoWitness::NotFound)
}

/// The hosts one of which a request must have for `rule` to match it: those every `Host`
/// segment lists (`None` without a `Host` segment).
fn required_hosts<'r>(rule: &'r Rule<'_>) -> Option<HashSet<&'r str>> {
    let mut required: Option<HashSet<&str>> = None;
    for seg in rule.segments() {
        if matches!(seg.compiled(), Compiled::Host(_)) {
            let hosts = seg.hosts();
            match &mut required {
                Some(required) => {
                    let listed: HashSet<&str> = hosts.collect();
                    required.retain(|h| listed.contains(h));
                }
                None => required = Some(hosts.collect()),
            }
        }
    }
    required
}

/// Whether every request `low` matches is provably matched by `high` (conservative): each
/// segment of `high` is implied by a segment of `low` (or, for header and query pairs, by a
/// pair of any of its segments).
fn covers(high: &Rule, low: &Implied<'_>) -> bool {
    high.segments().all(|hs| segment_covers(hs, low))
}

fn path_kind(seg: Segment<'_>) -> bool {
    matches!(
        seg.name(),
        MatcherName::Path | MatcherName::PathStrip | MatcherName::PathStripRegex
    )
}

/// The literal start every path an alternative of `seg` matches begins with, per argument.
fn path_starts(seg: Segment<'_>) -> Vec<&str> {
    seg.args()
        .map(|arg| {
            let t = arg.text;
            match t.find('{') {
                Some(i) => t.get(..i).unwrap_or(t),
                // Under StrictSlash `Path:/a/` also takes `/a`.
                None if path_kind(seg) => t.strip_suffix('/').unwrap_or(t),
                None => t,
            }
        })
        .collect()
}

/// Sets of strings (the arguments of a rule's segments of one kind) that answer whether one
/// of them is a subset of a given set, in time linear in that set and the few sets it
/// leads to: each set is filed under its element the fewest sets hold. Comparing each
/// segment of one rule with each of another was quadratic in the segments.
#[derive(Default)]
struct SubsetIndex<'r> {
    /// The distinct sets, each of distinct elements.
    sets: Vec<Vec<&'r str>>,
    /// Indices into `sets`, by the element each is filed under.
    by_rarest: HashMap<&'r str, Vec<usize>>,
    /// Whether one of the sets is empty (a subset of any).
    has_empty: bool,
}

impl<'r> SubsetIndex<'r> {
    fn new<S: Iterator<Item = &'r str>>(sets: impl Iterator<Item = S>) -> SubsetIndex<'r> {
        let mut seen: HashSet<Vec<&'r str>> = HashSet::new();
        let mut index = SubsetIndex::default();
        for set in sets {
            let mut set: Vec<&str> = set.collect();
            set.sort_unstable();
            set.dedup();
            if set.is_empty() {
                index.has_empty = true;
            } else if seen.insert(set.clone()) {
                index.sets.push(set);
            }
        }
        let mut holders: HashMap<&str, usize> = HashMap::new();
        for e in index.sets.iter().flatten() {
            *holders.entry(e).or_default() += 1;
        }
        for (i, set) in index.sets.iter().enumerate() {
            let rarest = set
                .iter()
                .min_by_key(|e| holders.get(*e).copied().unwrap_or(0));
            if let Some(rarest) = rarest {
                index.by_rarest.entry(rarest).or_default().push(i);
            }
        }
        index
    }

    /// Whether one of the sets is a subset of `of`.
    fn has_subset_of(&self, of: &HashSet<&str>) -> bool {
        self.has_empty
            || of.iter().any(|e| {
                self.by_rarest.get(e).is_some_and(|sets| {
                    sets.iter().any(|&i| {
                        self.sets
                            .get(i)
                            .is_some_and(|set| set.iter().all(|x| of.contains(x)))
                    })
                })
            })
    }
}

/// Plain path prefixes, made prefix-free and sorted: the one that can start a path is the
/// greatest not after it (any other prefix of it would sort between, and start with, that one).
struct PrefixSet<'h> {
    sorted: Vec<&'h str>,
}

impl<'h> PrefixSet<'h> {
    fn new(mut all: Vec<&'h str>) -> PrefixSet<'h> {
        all.sort_unstable();
        let mut sorted: Vec<&str> = Vec::with_capacity(all.len());
        for p in all {
            if sorted.last().is_none_or(|last| !p.starts_with(last)) {
                sorted.push(p);
            }
        }
        PrefixSet { sorted }
    }

    /// Whether one of the prefixes starts `path`.
    fn starts(&self, path: &str) -> bool {
        let after = self.sorted.partition_point(|p| *p <= path);
        after
            .checked_sub(1)
            .and_then(|i| self.sorted.get(i))
            .is_some_and(|p| path.starts_with(p))
    }

    /// The indices paired with the `sorted_starts` (sorted) that one of the prefixes starts:
    /// a run of them per prefix, each run checked once as the prefixes are prefix-free.
    fn started<'s>(&'s self, sorted_starts: &'s [(&str, usize)]) -> impl Iterator<Item = usize> {
        self.sorted.iter().flat_map(move |p| {
            let from = sorted_starts.partition_point(|(s, _)| s < p);
            sorted_starts
                .get(from..)
                .unwrap_or(&[])
                .iter()
                .take_while(move |(s, _)| s.starts_with(p))
                .map(|&(_, seg)| seg)
        })
    }
}

/// What every request a rule matches carries, indexed for [`covers`]: comparing a rule of
/// thousands of hosts, header pairs or segments with another took time quadratic in them
/// (two routes of 50 000 `Headers` pairs: 2.9 s, 200 000: 54 s).
struct Implied<'r> {
    /// Each `Host` segment's hosts.
    hosts: SubsetIndex<'r>,
    /// Each `HostRegexp` segment's arguments.
    host_regexps: SubsetIndex<'r>,
    /// Each `Path`, `PathStrip` and `PathStripRegex` segment's arguments.
    paths: SubsetIndex<'r>,
    /// Each `PathPrefix`/`PathPrefixStrip` segment's arguments.
    prefixes: SubsetIndex<'r>,
    /// Each `PathPrefixStripRegex` segment's arguments.
    prefix_templates: SubsetIndex<'r>,
    /// Each path segment's literal starts ([`path_starts`]).
    starts: Vec<Vec<&'r str>>,
    /// The first start of each of `starts`, sorted, with its index there.
    first_starts: Vec<(&'r str, usize)>,
    /// Each `Method` segment's methods.
    methods: SubsetIndex<'r>,
    /// The names of the `Headers` pairs, and the pairs.
    header_names: HashSet<&'r str>,
    headers: HashSet<(&'r str, &'r str)>,
    /// The non-empty values of the `Headers` pairs, by name.
    header_values: HashMap<&'r str, Vec<&'r str>>,
    /// The `HeadersRegexp` pairs (name, pattern).
    header_regexps: HashSet<(&'r str, &'r str)>,
    /// The `Query` templates.
    queries: HashSet<&'r str>,
}

impl<'r> Implied<'r> {
    fn of(rule: &'r Rule) -> Implied<'r> {
        let segments = || rule.segments();
        let args_of = |seg: Segment<'r>| seg.args().map(|a| a.text);
        let starts: Vec<Vec<&str>> = segments()
            .filter(|&s| {
                path_kind(s)
                    || matches!(
                        s.compiled(),
                        Compiled::Prefix(_) | Compiled::PrefixTemplate(_)
                    )
            })
            .map(path_starts)
            .filter(|starts| !starts.is_empty())
            .collect();
        let mut first_starts: Vec<(&str, usize)> = starts
            .iter()
            .enumerate()
            .filter_map(|(i, starts)| Some((*starts.first()?, i)))
            .collect();
        first_starts.sort_unstable();
        let mut implied = Implied {
            // A `Host` segment always has a host; one without would imply nothing.
            hosts: SubsetIndex::new(
                segments()
                    .filter(|s| matches!(s.compiled(), Compiled::Host(_)))
                    .filter(|s| s.hosts().next().is_some())
                    .map(Segment::hosts),
            ),
            host_regexps: SubsetIndex::new(
                segments()
                    .filter(|s| matches!(s.compiled(), Compiled::HostRegexp(_)))
                    .map(args_of),
            ),
            paths: SubsetIndex::new(segments().filter(|&s| path_kind(s)).map(args_of)),
            prefixes: SubsetIndex::new(
                segments()
                    .filter(|s| matches!(s.compiled(), Compiled::Prefix(_)))
                    .map(args_of),
            ),
            prefix_templates: SubsetIndex::new(
                segments()
                    .filter(|s| matches!(s.compiled(), Compiled::PrefixTemplate(_)))
                    .map(args_of),
            ),
            starts,
            first_starts,
            methods: SubsetIndex::new(
                segments()
                    .filter(|s| matches!(s.compiled(), Compiled::Method(_)))
                    .map(Segment::methods),
            ),
            header_names: HashSet::new(),
            headers: HashSet::new(),
            header_values: HashMap::new(),
            header_regexps: HashSet::new(),
            queries: HashSet::new(),
        };
        for seg in segments() {
            match seg.compiled() {
                Compiled::Headers(pairs) => {
                    for (k, v) in pairs.iter() {
                        implied.header_names.insert(k);
                        if implied.headers.insert((k, v)) && !v.is_empty() {
                            implied.header_values.entry(k).or_default().push(v);
                        }
                    }
                }
                Compiled::HeadersRegexp(pairs) => {
                    implied
                        .header_regexps
                        .extend(pairs.iter().map(|(k, re)| (k.as_str(), re.as_str())));
                }
                Compiled::Query(tpls) => {
                    implied
                        .queries
                        .extend(tpls.iter().map(|t| t.template.as_str()));
                }
                _ => {}
            }
        }
        implied
    }
}

fn segment_covers(hs: Segment<'_>, low: &Implied<'_>) -> bool {
    let args = || hs.args().map(|a| a.text).collect::<HashSet<&str>>();
    match hs.compiled() {
        Compiled::Modifier => true,
        Compiled::Host(_) => low.hosts.has_subset_of(&hs.hosts().collect()),
        Compiled::HostRegexp(alts) => {
            low.host_regexps.has_subset_of(&args())
                || low.hosts.sets.iter().any(|hosts| {
                    hosts
                        .iter()
                        .all(|h| alts.iter().flatten().any(|t| t.is_match(h)))
                })
        }
        Compiled::Path(_) => low.paths.has_subset_of(&args()),
        Compiled::Prefix(_) => {
            let plains: Vec<&str> = hs
                .prefixes()
                .filter_map(|a| match a {
                    Prefix::Plain(p) => Some(p),
                    Prefix::Template(_) => None,
                })
                .collect();
            // Every request path starts with `/`.
            if plains.iter().any(|p| p.is_empty() || *p == "/") {
                return true;
            }
            let plains = PrefixSet::new(plains);
            low.prefixes.has_subset_of(&args())
                || plains.started(&low.first_starts).any(|i| {
                    low.starts
                        .get(i)
                        .is_some_and(|starts| starts.iter().all(|s| plains.starts(s)))
                })
        }
        Compiled::PrefixTemplate(_) => low.prefix_templates.has_subset_of(&args()),
        Compiled::Method(_) => low.methods.has_subset_of(&hs.methods().collect()),
        Compiled::Headers(pairs) => pairs.iter().all(|(k, v)| {
            if v.is_empty() {
                low.header_names.contains(k.as_str())
            } else {
                low.headers.contains(&(k.as_str(), v.as_str()))
            }
        }),
        Compiled::HeadersRegexp(pairs) => pairs.iter().all(|(k, re)| {
            low.header_regexps.contains(&(k.as_str(), re.as_str()))
                || low
                    .header_values
                    .get(k.as_str())
                    .is_some_and(|values| values.iter().any(|v| re.is_match(v)))
        }),
        Compiled::Query(tpls) => tpls
            .iter()
            .all(|t| low.queries.contains(t.template.as_str())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The comparison as it was before the rules were indexed (quadratic in their pairs and
    // segments), and the candidate requests as a list: the new ones must give exactly the same
    // answers and the same example requests.
    /// Candidate requests built from the rules' own values.
    fn reference_witnesses(rules: &[&Rule]) -> Vec<Request> {
        let Candidates {
            hosts,
            paths,
            methods,
            headers,
            queries,
        } = Candidates::of(rules);
        let mut out = Vec::new();
        for host in &hosts {
            for path in &paths {
                for method in &methods {
                    for q in &queries {
                        out.push(Request {
                            host: host.clone(),
                            path: crate::request::escape_path(path),
                            method: method.clone(),
                            headers: headers.clone(),
                            query: q.clone(),
                            raw_query: None,
                            scheme: None,
                        });
                        if out.len() >= MAX_TRIES {
                            return out;
                        }
                    }
                }
            }
        }
        out
    }

    /// Whether every request `low` matches is provably matched by `high` (conservative).
    fn reference_covers(high: &Rule, low: &Rule) -> bool {
        high.segments().all(|hs| reference_segment_covers(hs, low))
    }

    /// The literal start every path an alternative of `seg` matches begins with, per argument;
    /// `None` when unknown.
    fn reference_path_starts(seg: Segment<'_>) -> Option<Vec<String>> {
        let mut out = Vec::new();
        for arg in seg.args() {
            let t = arg.text;
            let lit = match t.find('{') {
                Some(i) => t[..i].to_owned(),
                // Under StrictSlash `Path:/a/` also takes `/a`.
                None if path_kind(seg) => t.strip_suffix('/').unwrap_or(t).to_owned(),
                None => t.to_owned(),
            };
            out.push(lit);
        }
        if out.is_empty() { None } else { Some(out) }
    }

    fn reference_segment_covers(hs: Segment<'_>, low: &Rule) -> bool {
        let same_args = |ls: Segment<'_>| ls.args().all(|a| hs.args().any(|b| b.text == a.text));
        let mut low = low.segments();
        match hs.compiled() {
            Compiled::Modifier => true,
            Compiled::Host(_) => low.any(|ls| match ls.compiled() {
                Compiled::Host(_) => {
                    ls.hosts().next().is_some() && ls.hosts().all(|h| hs.hosts().any(|x| x == h))
                }
                _ => false,
            }),
            Compiled::HostRegexp(alts) => low.any(|ls| match ls.compiled() {
                Compiled::Host(_) => {
                    ls.hosts().next().is_some()
                        && ls
                            .hosts()
                            .all(|h| alts.iter().flatten().any(|t| t.is_match(h)))
                }
                Compiled::HostRegexp(_) => same_args(ls),
                _ => false,
            }),
            Compiled::Path(_) => low.any(|ls| path_kind(ls) && same_args(ls)),
            Compiled::Prefix(_) => {
                let plains: Vec<&str> = hs
                    .prefixes()
                    .filter_map(|a| match a {
                        Prefix::Plain(p) => Some(p),
                        Prefix::Template(_) => None,
                    })
                    .collect();
                // Every request path starts with `/`.
                if plains.iter().any(|p| p.is_empty() || *p == "/") {
                    return true;
                }
                low.any(|ls| {
                    let pathy = path_kind(ls)
                        || matches!(
                            ls.compiled(),
                            Compiled::Prefix(_) | Compiled::PrefixTemplate(_)
                        );
                    if !pathy {
                        return false;
                    }
                    if matches!(ls.compiled(), Compiled::Prefix(_)) && same_args(ls) {
                        return true;
                    }
                    reference_path_starts(ls).is_some_and(|starts| {
                        starts
                            .iter()
                            .all(|s| plains.iter().any(|p| s.starts_with(p)))
                    })
                })
            }
            Compiled::PrefixTemplate(_) => {
                low.any(|ls| matches!(ls.compiled(), Compiled::PrefixTemplate(_)) && same_args(ls))
            }
            Compiled::Method(_) => low.any(|ls| match ls.compiled() {
                Compiled::Method(_) => ls.methods().all(|m| hs.methods().any(|x| x == m)),
                _ => false,
            }),
            Compiled::Headers(hp) => hp.iter().all(|(k, v)| {
                low.clone().any(|ls| match ls.compiled() {
                    Compiled::Headers(lp) => lp
                        .iter()
                        .any(|(lk, lv)| lk == k && (v.is_empty() || lv == v)),
                    _ => false,
                })
            }),
            Compiled::HeadersRegexp(hp) => hp.iter().all(|(k, re)| {
                low.clone().any(|ls| match ls.compiled() {
                    Compiled::Headers(lp) => lp
                        .iter()
                        .any(|(lk, lv)| lk == k && !lv.is_empty() && re.is_match(lv)),
                    Compiled::HeadersRegexp(lp) => lp
                        .iter()
                        .any(|(lk, lre)| lk == k && lre.as_str() == re.as_str()),
                    _ => false,
                })
            }),
            Compiled::Query(ht) => ht.iter().all(|t| {
                low.clone().any(|ls| match ls.compiled() {
                    Compiled::Query(lt) => lt.iter().any(|l| l.template == t.template),
                    _ => false,
                })
            }),
        }
    }

    /// A rule of 1 to 4 segments, each of a kind and 1 to 3 arguments from small pools, so
    /// that two rules often share or nearly share hosts, paths, pairs and templates.
    fn rule_text(segments: &[(usize, Vec<usize>)]) -> String {
        const KINDS: [(&str, &[&str]); 12] = [
            ("Host", &["a.com", "B.com", "c.com", "x.a.com"]),
            (
                "HostRegexp",
                &["{s:[a-z]+}.a.com", "{s}.c.com", "a.com", "{s:[a-z]}.a.com"],
            ),
            ("Path", &["/a", "/a/", "/a/{id}", "/b", "/a/b"]),
            ("PathStrip", &["/a", "/ab", "/a/b/"]),
            ("PathStripRegex", &["/a/{id}", "/b/{x:[0-9]+}"]),
            (
                "PathPrefix",
                &["/", "/a", "/a/b", "/ab", "/a/{x}", "", "-", "/b"],
            ),
            ("PathPrefixStrip", &["/a", "/a/", "/ab/c"]),
            ("PathPrefixStripRegex", &["/a/{x}", "/{v}"]),
            ("Method", &["GET", "post", "PUT"]),
            ("Headers", &["X-A,1", "x-a,", "X-B,2", "X-A,2"]),
            (
                "HeadersRegexp",
                &["X-A,^1$", "X-A,1", "X-B,[0-9]", "x-a,^2"],
            ),
            ("Query", &["k=v", "k=", "k={v}", "j={w:[0-9]+}"]),
        ];
        segments
            .iter()
            .map(|(kind, args)| {
                let (name, pool) = KINDS[kind % KINDS.len()];
                let args: Vec<&str> = args.iter().map(|a| pool[a % pool.len()]).collect();
                format!("{name}:{}", args.join(","))
            })
            .collect::<Vec<_>>()
            .join(";")
    }

    fn same_answers(high: &str, low: &str) -> Result<(), String> {
        let (Ok(high), Ok(low)) = (Rule::parse(high), Rule::parse(low)) else {
            return Ok(());
        };
        let covered = covers(&high, &Implied::of(&low));
        if covered != reference_covers(&high, &low) {
            return Err(format!("covers: {covered}"));
        }
        let options = MatchOptions::default();
        let takes = |req: &Request| {
            high.matches_with(req, options).is_match() && low.matches_with(req, options).is_match()
        };
        let conflict = RouteTable::new(vec![
            Route::new("high", None, &high, Some(1), None),
            Route::new("low", None, &low, Some(1), None),
        ])
        .conflicts()
        .pop()
        .map(|c| c.example);
        let want = reference_witnesses(&[&high, &low])
            .into_iter()
            .take(MAX_TRIES)
            .find(|req| takes(req));
        if conflict != want {
            return Err(format!("conflict: {conflict:?} against {want:?}"));
        }
        for rules in [&[&low][..], &[&high, &low]] {
            let found = find_witness(rules, &mut TriesBudget::default(), |req, _| takes(req)).ok();
            let want = reference_witnesses(rules)
                .into_iter()
                .take(MAX_TRIES)
                .find(|req| takes(req));
            if found != want {
                return Err(format!("witness: {found:?} against {want:?}"));
            }
        }
        Ok(())
    }

    #[test]
    fn indexed_comparison_answers_as_the_pairwise_one() {
        for (high, low) in [
            ("Host:a.com,b.com", "Host:B.com"),
            ("Host:a.com", "Host:a.com,b.com"),
            (
                "HostRegexp:{s:[a-z]+}.a.com",
                "Host:x.a.com;Host:y.a.com,a.com",
            ),
            ("PathPrefix:/a", "Path:/a/b/,/ab/{x}"),
            ("PathPrefix:/a,/b", "PathPrefix:/b;PathStrip:/c"),
            ("PathPrefix:-,/a", "PathPrefix:/a/x"),
            ("PathPrefix:/", "Method:GET"),
            ("Headers:X-A,1,X-B,", "Headers:x-a,1;Headers:X-B,2"),
            ("HeadersRegexp:X-A,^1$", "Headers:X-A,1"),
            ("HeadersRegexp:X-A,^1$", "HeadersRegexp:x-a,^1$"),
            ("Query:k={v}", "Query:k={v}"),
            ("Method:get", "Method:GET,POST;Method:GET"),
        ] {
            assert_eq!(same_answers(high, low), Ok(()), "{high:?} over {low:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn indexed_comparison_answers_as_the_pairwise_one_on_any_rules(
            high in proptest::collection::vec(
                (0..12usize, proptest::collection::vec(0..8usize, 1..4)),
                1..5,
            ),
            low in proptest::collection::vec(
                (0..12usize, proptest::collection::vec(0..8usize, 1..4)),
                1..5,
            ),
        ) {
            let (high, low) = (rule_text(&high), rule_text(&low));
            proptest::prop_assert_eq!(same_answers(&high, &low), Ok(()), "{:?} over {:?}", high, low);
        }
    }

    /// The work of a rule's matchers on one request: each host, plain prefix and method
    /// compared until one fits (1), each template, header pair and `Query` template matched
    /// and each of the request's headers or query parameters indexed ([`MATCH_WORK`]), until
    /// a matcher fails.
    #[test]
    fn a_request_costs_what_its_matchers_compare_and_match() {
        use crate::matcher::MATCH_WORK;
        let mut req = Request::new("w.a.com", "/a/b");
        req.headers = vec![("x-a".into(), "1".into()), ("x-b".into(), "2".into())];
        req.query = vec![("k".into(), "v".into()), ("j".into(), "w".into())];
        let m = MATCH_WORK;
        for (rule, want) in [
            ("Host:x.com,y.com,w.a.com,z.com", 3),
            ("Host:x.com", 1),
            ("HostRegexp:{s}.x.com,{s}.a.com,{s}.b.com", 2 * m),
            ("Path:/x,/a/b,/y", 2 * m),
            ("PathPrefix:/x,/a,/a/b", 2),
            ("PathPrefix:/x/{v},/a/{v},/b", 2 * m),
            ("PathPrefix:/x,/a/{v},/b", 1 + m),
            ("Method:PUT,GET,POST", 2),
            // A method not listed does not stop the other matchers.
            ("Method:PUT;Path:/a/b", 1 + m),
            // The request's two headers, indexed, then each pair.
            ("Headers:X-A,1,X-B,2,X-C,3", (2 + 3) * m),
            ("Headers:X-C,3,X-A,1", (2 + 1) * m),
            ("HeadersRegexp:X-A,^1$,X-B,[0-9]", (2 + 2) * m),
            ("Headers:X-A,1;HeadersRegexp:X-B,2", (2 + 1 + 1) * m),
            // Its two query parameters, then each template.
            ("Query:k=v,j={w}", (2 + 2) * m),
            ("Query:k=x,j=w", (2 + 1) * m),
            // Matchers in order, until one fails.
            (
                "Host:x.com,w.a.com;PathPrefix:/a;Query:k=v",
                2 + 1 + (2 + 1) * m,
            ),
            ("Host:x.com;PathPrefix:/a;Query:k=v", 1),
            ("PathPrefixStrip:/a;Host:w.a.com", 2),
        ] {
            let rule = Rule::parse(rule).unwrap();
            let mut work = 0;
            rule.eval_working(&req, MatchOptions::default(), &mut work);
            assert_eq!(work, want, "{rule:?}");
        }
    }

    /// A candidate request counts as one try per 512 of work (at least one); a comparison
    /// stops before a request once nothing is left, so the last request it tries may cost
    /// more than was left.
    #[test]
    fn a_request_that_does_much_work_counts_as_many_tries() {
        // Six candidates: `/a`, `/a/x`, `/b`, `/b/x`, `/`, `/x` on `a.com`.
        let rule = Rule::parse("Host:a.com;PathPrefix:/a,/b").unwrap();
        let run = |work_each: usize, tries: usize| {
            let mut budget = TriesBudget::new(tries);
            let mut tried = 0;
            let found = find_witness(&[&rule], &mut budget, |_, work| {
                tried += 1;
                *work += work_each;
                false
            });
            let stopped = matches!(found, Err(NoWitness::OutOfTries));
            (tried, stopped, budget.left)
        };
        for work in [0, 1, 512] {
            assert_eq!(run(work, 6), (6, false, 0), "{work}");
            assert_eq!(run(work, 5), (5, true, 0), "{work}");
        }
        // 513 to 1 024: two tries each.
        for work in [513, 1024] {
            assert_eq!(run(work, 13), (6, false, 1), "{work}");
            assert_eq!(run(work, 12), (6, false, 0), "{work}");
            assert_eq!(run(work, 11), (6, false, 0), "{work}");
            assert_eq!(run(work, 10), (5, true, 0), "{work}");
        }
        assert_eq!(run(1025, 16), (6, false, 0));
        assert_eq!(run(1025, 15), (5, true, 0));
        // Through a table: two routes at one priority, `a` on `a.com` comparing its host,
        // indexing the 78 query parameters of both rules, matching its 39 `Query` templates,
        // then a `HostRegexp` that fails, so `b` is not read: 1 + 118 × 16 = 1 889, 4 tries for
        // each of the 4 candidates on `a.com` (`/` and `/x`, each with the queries in both
        // orders); then 1 for each of the 8 on the `HostRegexp` samples `1.never.com` and
        // `42.never.com` (its `Host` fails at once): 24 in all.
        let queries = |from: usize| {
            (from..from + 39)
                .map(|i| format!("k{i}=v{i}"))
                .collect::<Vec<_>>()
                .join(",")
        };
        let a = format!(
            "Host:a.com;Query:{};HostRegexp:{{x:[0-9]+}}.never.com",
            queries(0)
        );
        let a = Rule::parse(&a).unwrap();
        let b = format!("Host:a.com;Query:{}", queries(100));
        let b = Rule::parse(&b).unwrap();
        let compared = |tries: usize| {
            let table = RouteTable::new(vec![
                Route::new("a", None, &a, Some(1), None),
                Route::new("b", None, &b, Some(1), None),
            ]);
            let mut budget = TriesBudget::new(tries);
            let compared = table.conflicts_within(&mut budget);
            (compared.stopped_at, budget.left)
        };
        assert_eq!(compared(25), (None, 1));
        assert_eq!(compared(24), (None, 0));
        assert_eq!(compared(23), (Some((0, 1)), 0));
        assert_eq!(compared(16), (Some((0, 1)), 0));
    }

    /// The budget counts every candidate request of every pair: exactly enough finds what an
    /// unlimited search finds, one fewer stops at the pair that needed it.
    #[test]
    fn comparison_budget_is_exact_and_shared_by_the_pairs() {
        let rules = [
            "Host:a.com;PathPrefix:/b",
            "Host:a.com;PathPrefix:/a,/b/c",
            "Host:z.com",
            "Host:a.com;PathPrefix:/c",
        ]
        .map(|r| Rule::parse(r).unwrap());
        let conflicts = |tries: usize| {
            let table = RouteTable::new(
                rules
                    .iter()
                    .map(|r| Route::new("s", None, r, Some(1), None))
                    .collect(),
            );
            let mut budget = TriesBudget::new(tries);
            let compared = table.conflicts_within(&mut budget);
            let pairs: Vec<(usize, usize)> = compared.found.iter().map(|c| (c.a, c.b)).collect();
            (pairs, compared.stopped_at, budget)
        };
        // Routes 0 and 1 both match `/b/c`, their fifth candidate (`/b`, `/b/x`, `/a`, `/a/x`
        // come first); 0 and 3 share no candidate of their six (`/b`, `/b/x`, `/c`, `/c/x`,
        // `/`, `/x`); 1 and 3 none of their eight; 2 shares no host with the others.
        assert_eq!(
            conflicts(usize::MAX),
            (vec![(0, 1)], None, TriesBudget::new(usize::MAX - 19))
        );
        assert_eq!(conflicts(19), (vec![(0, 1)], None, TriesBudget::new(0)));
        assert_eq!(
            conflicts(18),
            (vec![(0, 1)], Some((1, 3)), TriesBudget::new(0))
        );
        assert_eq!(
            conflicts(5),
            (vec![(0, 1)], Some((0, 3)), TriesBudget::new(0))
        );
        assert_eq!(conflicts(4), (vec![], Some((0, 1)), TriesBudget::new(0)));
        let shadowed = |tries: usize| {
            let high = Rule::parse("Host:a.com").unwrap();
            let table = RouteTable::new(
                std::iter::once(Route::new("high", None, &high, Some(2), None))
                    .chain(
                        rules
                            .iter()
                            .map(|r| Route::new("low", None, r, Some(1), None)),
                    )
                    .collect(),
            );
            let compared = table.shadowed_within(&mut TriesBudget::new(tries));
            let hidden: Vec<usize> = compared.found.iter().map(|s| s.hidden).collect();
            (hidden, compared.stopped_at)
        };
        // Each route on `a.com` matches its first candidate.
        assert_eq!(shadowed(3), (vec![1, 2, 4], None));
        assert_eq!(shadowed(2), (vec![1, 2], Some((4, 0))));
    }

    /// Routes of thousands of pairs and segments: every one still counts.
    #[test]
    fn large_rules_are_compared_pair_by_pair() {
        let pairs = |n: usize, skip: usize| {
            (0..n)
                .filter(|&i| i != skip)
                .map(|i| format!("X-H{i},v{i}"))
                .collect::<Vec<_>>()
                .join(",")
        };
        let segments = |n: usize| {
            (0..n)
                .map(|i| format!("Host:a.com,h{i}.com"))
                .collect::<Vec<_>>()
                .join(";")
        };
        let shadowed = |high: &str, low: &str| {
            let (high, low) = (Rule::parse(high).unwrap(), Rule::parse(low).unwrap());
            RouteTable::new(vec![
                Route::new("high", None, &high, Some(2), None),
                Route::new("low", None, &low, Some(1), None),
            ])
            .shadowed()
            .len()
        };
        let all = format!("Host:a.com;Headers:{}", pairs(5000, usize::MAX));
        assert_eq!(shadowed(&all, &all), 1);
        // The higher route asks for one pair the lower one lacks.
        let fewer = format!("Host:a.com;Headers:{}", pairs(5000, 4321));
        assert_eq!(shadowed(&all, &fewer), 0);
        assert_eq!(shadowed(&fewer, &all), 1);
        let many = segments(5000);
        assert_eq!(shadowed(&many, &many), 1);
        assert_eq!(shadowed(&format!("{many};Host:b.com"), &many), 0);
        // Routes of 256 hosts each at one priority conflict when they share one.
        let wide = |from: usize| {
            let hosts: Vec<String> = (from..from + 256).map(|i| format!("h{i}.com")).collect();
            format!("Host:{};PathPrefix:/a,/b", hosts.join(","))
        };
        let conflicts = |a: &str, b: &str| {
            let (a, b) = (Rule::parse(a).unwrap(), Rule::parse(b).unwrap());
            RouteTable::new(vec![
                Route::new("a", None, &a, Some(1), None),
                Route::new("b", None, &b, Some(1), None),
            ])
            .conflicts()
            .into_iter()
            .map(|c| c.example.host)
            .collect::<Vec<_>>()
        };
        assert_eq!(conflicts(&wide(0), &wide(256)), Vec::<String>::new());
        assert_eq!(conflicts(&wide(0), &wide(255)), ["h255.com"]);
    }
}
