use crate::diagnostic::Diagnostics;
use crate::rules::route::{
    comparison_stopped, defs, known_tables, route_name, same_unknown_rules, unknowns_named,
    value_loc,
};
use crate::rules::{Context, Rule, declare_rule, registry};
use factory_route::TriesBudget;

declare_rule! {
    /// ## What it does
    /// Reports two routes with the same priority that can match the same request, and names
    /// such a request. Priorities come from `traefik.frontend.priority`, else from the rule's
    /// length. The diagnostic points at the later route in file order, with a label on the
    /// other one.
    ///
    /// A variable that is unset and has no default (FE002) may be set where the project is
    /// deployed: a rule that reads its value is only said to conflict with a rule that reads
    /// the same variable at the same place and is otherwise written the same (the same rule,
    /// whatever the variable holds), with the same priority label or none on both, unless what
    /// is written out of it never matches (`Host:a.com:8080;Path:/${A}`, FR014). The other
    /// routes are not compared with it: `Host:${A}.example.com` and `Host:${B}.example.com`
    /// conflict only if `A` and `B` hold the same value. A route whose `traefik.enable`,
    /// priority or entry points label reads such a variable is not compared.
    ///
    /// ## Why is this bad?
    /// Traefik v1 sorts routes by priority with an unstable sort: between two equal priorities
    /// the order is not defined, and can change from one deploy to the next. Requests go to
    /// one service or the other at random.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     labels:
    ///       traefik.frontend.rule: Host:${CI_ENVIRONMENT_DOMAIN}
    ///   api:
    ///     labels:
    ///       traefik.frontend.rule: Host:${CI_ENVIRONMENT_DOMAIN}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   web:
    ///     labels:
    ///       traefik.frontend.rule: Host:${CI_ENVIRONMENT_DOMAIN}
    ///   api:
    ///     labels:
    ///       traefik.frontend.rule: Host:${CI_ENVIRONMENT_DOMAIN};PathPrefix:/api
    /// ```
    pub(crate) struct RouteConflict {
        code: "FR006",
        name: "route-conflict",
        severity: Error,
        summary: "two routes can match the same request with equal priority (say which request)",
    }
}

impl Rule for RouteConflict {
    fn info(&self) -> &'static crate::rules::RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Diagnostics) {
        let defs = defs(cx);
        // Comparing routes is quadratic: past the budget neither FR006 nor FR013 runs, and
        // that is said once, here, at the first route not compared.
        if let Some(past) = defs.get(crate::routes::MAX_COMPARED_ROUTES) {
            out.push(
                registry::diagnostic(
                    "FC004",
                    format!(
                        "the project has {} routes: factory compares at most {} for conflicts (FR006) and shadowing (FR013), so neither is checked",
                        defs.len(),
                        crate::routes::MAX_COMPARED_ROUTES
                    ),
                )
                .at(value_loc(cx, past.rule()))
                .with_help("check the routes of a project this large with `factory routes` and `factory routes match URL`"),
            );
        }
        let mut seen: std::collections::HashSet<(usize, usize)> = std::collections::HashSet::new();
        // One budget for every entry point's table: a route on every entry point is compared
        // in each.
        let mut budget = TriesBudget::default();
        for (table, members) in known_tables(cx) {
            let compared = table.conflicts_within(&mut budget);
            for c in compared.found {
                let (Some(&a), Some(&b)) = (members.get(c.a), members.get(c.b)) else {
                    continue;
                };
                let (first, later) = (a.min(b), a.max(b));
                if !seen.insert((first, later)) {
                    continue;
                }
                let (Some(df), Some(dl)) = (defs.get(first), defs.get(later)) else {
                    continue;
                };
                let priority = table.routes().get(c.a).map_or(0, |r| r.priority);
                out.push(
                    registry::diagnostic(
                        "FR006",
                        format!(
                            "the routes of {} and {} both match `{}` with the same priority {priority}: Traefik sends it to either one",
                            route_name(dl),
                            route_name(df),
                            c.example
                        ),
                    )
                    .at(value_loc(cx, dl.rule()))
                    .with_secondary(value_loc(cx, df.rule()), format!("{} matches it too", route_name(df)))
                    .with_help(format!(
                        "give the more specific route a higher `traefik.frontend.priority` than the other (e.g. \"{}\"), or make the rules disjoint",
                        priority + 1
                    )),
                );
            }
            if let Some(stopped) = compared.stopped_at {
                out.extend(comparison_stopped(
                    cx,
                    "FR006",
                    "conflicts",
                    "the routes after it in the file",
                    &members,
                    stopped,
                ));
                break;
            }
        }
        for same in same_unknown_rules(cx) {
            let priority = match same.priorities {
                Some((a, b)) if a == b => format!("the same priority {a}"),
                Some(_) => continue,
                None => "the same priority (the rule's length)".to_owned(),
            };
            if !seen.insert((same.first, same.later)) {
                continue;
            }
            let (Some(df), Some(dl)) = (defs.get(same.first), defs.get(same.later)) else {
                continue;
            };
            out.push(
                registry::diagnostic(
                    "FR006",
                    format!(
                        "the routes of {} and {} have the same rule `{}` and {priority}: whatever {} gives, Traefik sends each request it matches to either one",
                        route_name(dl),
                        route_name(df),
                        same.rule,
                        unknowns_named(&same.unknowns),
                    ),
                )
                .at(value_loc(cx, dl.rule()))
                .with_secondary(value_loc(cx, df.rule()), format!("{} has the same rule", route_name(df)))
                .with_help("remove one of the two routes, or make their rules differ (e.g. a `PathPrefix` for one)"),
            );
        }
    }
}
