use crate::diagnostic::Diagnostics;
use crate::routes::{is_cron, is_one_shot};
use crate::rules::{Context, Rule, declare_rule, registry};

declare_rule! {
    /// ## What it does
    /// Reports routing labels (`traefik.*`) on a cron job (a service with
    /// `sh.factory.cronjob.*` labels) or on a one-shot service (`restart: "no"`, such as
    /// `migrate_db`). With `traefik.enable: 'false'` Traefik leaves the container out, so the
    /// other labels do no harm and are not reported. Usually the labels came with
    /// `<<: *web_service` and were not overridden.
    ///
    /// ## Why is this bad?
    /// While the job runs, Traefik adds its container to the web service's backend (same rule):
    /// part of the visitors' requests go to a container that is about to exit, or that does
    /// not serve HTTP at all.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   migrate_db:
    ///     <<: *web_service
    ///     command: ./migrate.sh
    ///     restart: "no"
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   migrate_db:
    ///     <<: *web_service
    ///     command: ./migrate.sh
    ///     restart: "no"
    ///     labels: []
    /// ```
    pub(crate) struct RoutingLabelsOnJob {
        code: "FR012",
        name: "routing-labels-on-job",
        severity: Warning,
        summary: "a one-shot or cron service carries routing labels",
    }
}

impl Rule for RoutingLabelsOnJob {
    fn info(&self) -> &'static crate::rules::RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Diagnostics) {
        let tree = &cx.project.tree;
        for svc in &cx.project.services {
            let what = if is_cron(cx.project, svc) {
                "a cron job"
            } else if is_one_shot(cx.project, svc) {
                "a one-shot service (`restart: \"no\"`)"
            } else {
                continue;
            };
            let Some(labels) = svc.labels else { continue };
            // Traefik leaves the container out: the other labels are dead, not harmful.
            if svc
                .label(cx.project, "traefik.enable")
                .and_then(|kv| kv.value(tree))
                .is_some_and(|v| v == "false")
            {
                continue;
            }
            let routing: Vec<_> = labels
                .entries(cx.project)
                .iter()
                .filter(|kv| kv.key(tree).starts_with("traefik."))
                .filter(|kv| {
                    !(kv.key(tree) == "traefik.enable"
                        && kv.value(tree).is_some_and(|v| v == "false"))
                })
                .collect();
            let Some(first) = routing.first() else {
                continue;
            };
            let names: Vec<&str> = routing.iter().map(|kv| kv.key(tree)).collect();
            let inherited = labels.via(tree).is_some();
            let help = if inherited {
                "override the inherited labels: add `labels: []` (or only the labels the job needs) to the service".to_owned()
            } else {
                format!(
                    "remove the `traefik.*` labels from `{}`",
                    svc.name(&cx.project.tree)
                )
            };
            let diag = registry::diagnostic(
                        "FR012",
                        format!(
                            "`{}` is {what} but carries routing labels ({}): Traefik sends requests to it while it runs",
                            svc.name(&cx.project.tree),
                            names.join(", ")
                        ),
                    )
                    .with_help(help);
            out.push(match labels.via(tree) {
                Some(via) => diag
                    .at(via)
                    .with_secondary(first.key_at(tree), "inherited from here"),
                None => first.located_key(tree).point(diag),
            });
        }
    }
}
