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

/// One frontend route, borrowing its names and its parsed rule.
#[derive(Debug, Clone, Copy)]
pub struct Route<'r> {
    /// The compose service.
    pub service: &'r str,
    /// The label segment (`traefik.<segment>.frontend.rule`), `None` for the plain labels.
    pub segment: Option<&'r str>,
    /// The parsed rule.
    pub rule: &'r Rule,
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
        rule: &'r Rule,
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

    fn takes(&self, i: usize, req: &Request) -> bool {
        self.routes
            .get(i)
            .is_some_and(|r| r.rule.matches_with(req, self.options).is_match())
    }

    /// FR006: pairs of routes with equal priority that one request matches, with that request
    /// (verified by matching it against both rules).
    pub fn conflicts(&self) -> Vec<Conflict> {
        let mut out = Vec::new();
        for a in 0..self.routes.len() {
            for b in a + 1..self.routes.len() {
                let (Some(ra), Some(rb)) = (self.routes.get(a), self.routes.get(b)) else {
                    continue;
                };
                if ra.priority != rb.priority {
                    continue;
                }
                let found = witnesses(&[ra.rule, rb.rule])
                    .into_iter()
                    .take(MAX_TRIES)
                    .find(|req| self.takes(a, req) && self.takes(b, req));
                if let Some(example) = found {
                    out.push(Conflict { a, b, example });
                }
            }
        }
        out
    }

    /// FR013: routes a strictly higher-priority route provably takes every request of. Only
    /// reported when the higher route's constraints are a subset of the hidden one's (same or
    /// wider host set, a path prefix covering its paths, no method/header/query constraint it
    /// lacks), and a request the hidden route matches was found and checked.
    pub fn shadowed(&self) -> Vec<Shadow> {
        let mut out = Vec::new();
        for (pos, &hidden) in self.order.iter().enumerate() {
            let Some(low) = self.routes.get(hidden) else {
                continue;
            };
            for &by in self.order.iter().take(pos) {
                let Some(high) = self.routes.get(by) else {
                    continue;
                };
                if high.priority <= low.priority || !covers(high.rule, low.rule) {
                    continue;
                }
                let example = witnesses(&[low.rule])
                    .into_iter()
                    .take(MAX_TRIES)
                    .find(|req| self.takes(hidden, req) && self.takes(by, req));
                if let Some(example) = example {
                    out.push(Shadow {
                        hidden,
                        by,
                        example,
                    });
                    break;
                }
            }
        }
        out
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
            for t in alts.iter().flatten() {
                for s in t.samples() {
                    push_unique(&mut h.hosts, s);
                }
            }
        }
        Compiled::Path(alts) => {
            for t in alts.strict.iter().flatten() {
                for s in t.samples() {
                    push_unique(&mut h.paths, s);
                }
            }
        }
        Compiled::Prefix(_) => {
            for a in seg.prefixes() {
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

/// Candidate requests built from the rules' own values.
fn witnesses(rules: &[&Rule]) -> Vec<Request> {
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
        queries = vec![all_query.clone(), rev_query];
    }
    if hosts.is_empty() {
        hosts.push("example.com".to_owned());
    }
    push_unique(&mut paths, "/".to_owned());
    push_unique(&mut paths, "/x".to_owned());
    push_unique(&mut methods, "GET".to_owned());
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
fn covers(high: &Rule, low: &Rule) -> bool {
    high.segments().all(|hs| segment_covers(hs, low))
}

fn path_kind(seg: Segment<'_>) -> bool {
    matches!(
        seg.name(),
        MatcherName::Path | MatcherName::PathStrip | MatcherName::PathStripRegex
    )
}

/// The literal start every path an alternative of `seg` matches begins with, per argument;
/// `None` when unknown.
fn path_starts(seg: Segment<'_>) -> Option<Vec<String>> {
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

fn segment_covers(hs: Segment<'_>, low: &Rule) -> bool {
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
                path_starts(ls).is_some_and(|starts| {
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
