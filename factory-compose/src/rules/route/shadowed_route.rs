use crate::diagnostic::Diagnostic;
use crate::diagnostic::Diagnostics;
use crate::routes::RouteDef;
use crate::rules::route::{
    comparison_stopped, defs, known_tables, listens_within, route_name, same_unknown_rules,
    unknowns_named, value_loc,
};
use crate::rules::{Context, Rule, declare_rule, registry};
use factory_route::TriesBudget;

declare_rule! {
    /// ## What it does
    /// Reports a route that never receives a request because a route with a **higher**
    /// priority matches every request it matches. The diagnostic points at the later route in
    /// file order, with a label on the other one. The higher route must listen on every entry
    /// point the hidden one does (`traefik.frontend.entryPoints`; a route without it is on
    /// every entry point): a route alone on `http` still receives the requests of `http`.
    ///
    /// A variable that is unset and has no default (FE002) may be set where the project is
    /// deployed: a rule that reads its value is only said to be shadowed by a rule that reads
    /// the same variable at the same place and is otherwise written the same (the same rule,
    /// whatever the variable holds), with a higher priority label, unless what is written out
    /// of it never matches (FR014). The other routes are not compared with it, and a priority
    /// from the rule's length is then not known. A route
    /// whose `traefik.enable`, priority or entry points label reads such a variable is not
    /// compared.
    ///
    /// ## Why is this bad?
    /// Traefik v1 tries the higher priority first (priority = `traefik.frontend.priority`,
    /// else the rule's length). The platform manual's websocket example gives the catch-all
    /// `web` priority `2` and `ws` (`PathPrefix:/ws/`) priority `1`: with those values every
    /// `/ws/` request goes to `web`, and `ws` never sees one.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     labels:
    ///       traefik.frontend.rule: Host:${CI_ENVIRONMENT_DOMAIN}
    ///       traefik.frontend.priority: '2'
    ///   ws:
    ///     labels:
    ///       traefik.frontend.rule: Host:${CI_ENVIRONMENT_DOMAIN};PathPrefix:/ws/
    ///       traefik.frontend.priority: '1'
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   web:
    ///     labels:
    ///       traefik.frontend.rule: Host:${CI_ENVIRONMENT_DOMAIN}
    ///       traefik.frontend.priority: '1'
    ///   ws:
    ///     labels:
    ///       traefik.frontend.rule: Host:${CI_ENVIRONMENT_DOMAIN};PathPrefix:/ws/
    ///       traefik.frontend.priority: '2'
    /// ```
    pub(crate) struct ShadowedRoute {
        code: "FR013",
        name: "shadowed-route",
        severity: Warning,
        summary: "a route is shadowed: a higher-priority route matches every request it matches",
    }
}

impl Rule for ShadowedRoute {
    fn info(&self) -> &'static crate::rules::RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Diagnostics) {
        let defs = defs(cx);
        let mut seen: std::collections::HashSet<usize> = std::collections::HashSet::new();
        // A route is on the tables of its entry points, and hidden only if hidden on each (it
        // takes the requests of an entry point where nothing covers it): for each route, the
        // tables it is on, and the routes hidden, in the order found.
        let mut tables_on: std::collections::HashMap<usize, usize> =
            std::collections::HashMap::new();
        let mut hidden_on: indexmap::IndexMap<usize, Hidden> = indexmap::IndexMap::new();
        // One budget for every entry point's table: a route on every entry point is compared
        // in each.
        let mut budget = TriesBudget::default();
        for (table, members) in known_tables(cx) {
            for &m in &members {
                *tables_on.entry(m).or_default() += 1;
            }
            let compared = table.shadowed_within(&mut budget);
            for s in compared.found {
                let (Some(&hidden), Some(&by)) = (members.get(s.hidden), members.get(s.by)) else {
                    continue;
                };
                let ph = table.routes().get(s.hidden).map_or(0, |r| r.priority);
                let pb = table.routes().get(s.by).map_or(0, |r| r.priority);
                let h = hidden_on.entry(hidden).or_insert_with(|| Hidden {
                    by,
                    priorities: (ph, pb),
                    example: s.example,
                    tables: 0,
                    by_one: true,
                });
                h.tables += 1;
                h.by_one &= h.by == by;
            }
            if let Some(stopped) = compared.stopped_at {
                out.extend(comparison_stopped(
                    cx,
                    "FR013",
                    "shadowing",
                    "the routes after it in priority order",
                    &members,
                    stopped,
                ));
                break;
            }
        }
        for (hidden, h) in hidden_on {
            // Said when one route takes its requests on every entry point it is on (a route
            // on every entry point, also on those no route names, by one that is too).
            let (by, (ph, pb), example) = (h.by, h.priorities, &h.example);
            let (Some(dh), Some(db)) = (defs.get(hidden), defs.get(by)) else {
                continue;
            };
            if tables_on.get(&hidden) != Some(&h.tables) || !h.by_one || !listens_within(dh, db) {
                continue;
            }
            seen.insert(hidden);
            let message = format!(
                "the route of {} never receives a request: {} has a higher priority ({pb} > {ph}) and matches every request {} would, e.g. `{example}`",
                route_name(dh),
                route_name(db),
                route_name(dh),
            );
            let help = format!(
                "Traefik tries the higher priority first: give {} a higher `traefik.frontend.priority` than {} (e.g. \"{}\" and \"{}\")",
                route_name(dh),
                route_name(db),
                pb + 1,
                pb
            );
            out.push(placed(cx, (hidden, dh, ph), (by, db, pb), message, help));
        }
        // Of the routes with the same rule, the one with the highest priority label (the first
        // in file order of equals) takes the requests of those with a lower one.
        let mut highest: std::collections::HashMap<usize, (usize, i64)> =
            std::collections::HashMap::new();
        let mut pairs = Vec::new();
        for same in same_unknown_rules(cx) {
            let Some((pf, pl)) = same.priorities else {
                continue;
            };
            // The higher one takes every request of the other on the entry points they share:
            // all of its own when it listens on no other.
            let (hidden, by, ph, pb) = match pf.cmp(&pl) {
                std::cmp::Ordering::Less if same.first_within_later => {
                    (same.first, same.later, pf, pl)
                }
                std::cmp::Ordering::Greater if same.later_within_first => {
                    (same.later, same.first, pl, pf)
                }
                _ => continue,
            };
            if highest.get(&hidden).is_none_or(|&(_, p)| p < pb) {
                highest.insert(hidden, (by, pb));
            }
            pairs.push((hidden, ph, same));
        }
        for (hidden, ph, same) in pairs {
            let Some(&(by, pb)) = highest.get(&hidden) else {
                continue;
            };
            if (same.first != by && same.later != by) || !seen.insert(hidden) {
                continue;
            }
            let (Some(dh), Some(db)) = (defs.get(hidden), defs.get(by)) else {
                continue;
            };
            let message = format!(
                "the route of {} never receives a request: {} has the same rule `{}` and a higher priority ({pb} > {ph}), whatever {} gives",
                route_name(dh),
                route_name(db),
                same.rule,
                unknowns_named(&same.unknowns),
            );
            let help = format!(
                "remove {}, or make the two rules differ (Traefik tries the higher priority first)",
                route_name(dh)
            );
            out.push(placed(cx, (hidden, dh, ph), (by, db, pb), message, help));
        }
    }
}

/// A route hidden on the tables of some of its entry points (by its index into [`defs`], in the
/// order found).
struct Hidden {
    /// The route taking its requests on the first of them, their priorities, and a request.
    by: usize,
    priorities: (i64, i64),
    example: factory_route::Request,
    /// On how many tables it is hidden, and whether by `by` on each.
    tables: usize,
    by_one: bool,
}

/// FR013 at the later of the hidden route and the route taking its requests in file order,
/// with a label on the other one.
fn placed(
    cx: &Context<'_>,
    (hidden, dh, ph): (usize, &RouteDef<'_>, i64),
    (by, db, pb): (usize, &RouteDef<'_>, i64),
    message: String,
    help: String,
) -> Diagnostic {
    let diag = registry::diagnostic("FR013", message).with_help(help);
    if hidden > by {
        diag.at(value_loc(cx, dh.rule())).with_secondary(
            value_loc(cx, db.rule()),
            format!("{} takes its requests (priority {pb})", route_name(db)),
        )
    } else {
        diag.at_labelled(
            value_loc(cx, db.rule()),
            format!("takes every request of {} (priority {pb})", route_name(dh)),
        )
        .with_secondary(
            value_loc(cx, dh.rule()),
            format!("{} is never reached (priority {ph})", route_name(dh)),
        )
    }
}
