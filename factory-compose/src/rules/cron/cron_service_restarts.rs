use crate::diagnostic::{Diagnostics, Edit, Fix};
use crate::rules::{Context, Rule, declare_rule, registry};

declare_rule! {
    /// ## What it does
    /// Checks that a cron service (a service with both `sh.factory.cronjob.*` labels; one
    /// alone is FJ001's) sets `restart: "no"`. A restart policy (`always`, `unless-stopped`, `on-failure[:N]`) is
    /// reported at the value (at the `<<` line when inherited from an anchor); a missing
    /// `restart` is reported at the service name. An invalid policy is left to FC024.
    ///
    /// Compose's own default is `no`, but the platform's manual requires the key to be written
    /// for a cron service, and factory follows the manual: the deployed project must not depend
    /// on a default the platform may set for its services.
    ///
    /// ## Why is this bad?
    /// A cron service exits at once (`command: /bin/false`); with a restart policy Docker starts
    /// it again and again, forever, for as long as the project is deployed. Services that copy
    /// the web service through `<<: *anchor` inherit its `restart: always` unless they override
    /// it.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   app: &web_service
    ///     image: registry.example/app:1.0
    ///     restart: always
    ///   run_hourly:
    ///     <<: *web_service
    ///     command: /bin/false
    ///     labels:
    ///       sh.factory.cronjob.schedule: "0 * * * *"
    ///       sh.factory.cronjob.command: echo time to run
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   app: &web_service
    ///     image: registry.example/app:1.0
    ///     restart: always
    ///   run_hourly:
    ///     <<: *web_service
    ///     command: /bin/false
    ///     restart: "no"
    ///     labels:
    ///       sh.factory.cronjob.schedule: "0 * * * *"
    ///       sh.factory.cronjob.command: echo time to run
    /// ```
    pub(crate) struct CronServiceRestarts {
        code: "FJ004",
        name: "cron-service-restarts",
        severity: Error,
        summary: "cron service restarts (`restart` must be `\"no\"`)",
    }
}

impl Rule for CronServiceRestarts {
    fn info(&self) -> &'static crate::rules::RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Diagnostics) {
        let tree = &cx.project.tree;
        // A service with one of the two labels is no cron job: FJ001 says so, alone.
        for job in cx.jobs().iter().filter(|j| j.is_complete()) {
            let svc = job.service;
            let Some(restart) = &svc.restart else {
                out.push(
                    svc.located_name(&cx.project.tree)
                        .point(registry::diagnostic(
                            "FJ004",
                            format!("cron service `{}` does not set `restart: \"no\"`", svc.name(&cx.project.tree)),
                        ))
                        .with_help("add `restart: \"no\"` (quoted): the platform requires it for a cron service, which must not be started again after it exits"),
                );
                continue;
            };
            let policy = restart.text(tree);
            if policy == "no" || !restarts(policy) {
                continue; // invalid policies: FC024
            }
            let mut d = restart
                .point(tree, registry::diagnostic(
                    "FJ004",
                    format!("cron service `{}` restarts (`restart: {policy}`)", svc.name(&cx.project.tree)),
                ))
                .with_help(if restart.via(tree).is_some() {
                    "add `restart: \"no\"` to the cron service: it exits at once (`command: /bin/false`), and the inherited policy would start it again and again".to_owned()
                } else {
                    "set `restart: \"no\"`: the service exits at once (`command: /bin/false`), and a restart policy would start it again and again".to_owned()
                });
            if restart.via(tree).is_none() {
                d = d.with_fix(Fix {
                    title: "set `restart: \"no\"`".to_owned(),
                    edits: vec![Edit {
                        location: restart.at(tree),
                        replacement: "\"no\"".to_owned(),
                    }],
                });
            }
            out.push(d);
        }
    }
}

/// A valid restart policy other than `no`.
fn restarts(policy: &str) -> bool {
    match policy {
        "always" | "unless-stopped" | "on-failure" => true,
        _ => policy
            .strip_prefix("on-failure:")
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn policies() {
        for p in ["always", "unless-stopped", "on-failure", "on-failure:3"] {
            assert!(super::restarts(p), "{p}");
        }
        for p in ["no", "never", "on-failure:", "Always", ""] {
            assert!(!super::restarts(p), "{p}");
        }
    }

    #[test]
    fn fix_replaces_the_value() {
        use crate::{FileKind, ProcessEnv, Settings, SourceFile, SourceMap};
        let text = "services:\n  job:\n    image: app:1\n    command: /bin/false\n    restart: \"always\"\n    labels:\n      sh.factory.cronjob.schedule: \"0 * * * *\"\n      sh.factory.cronjob.command: x\n";
        let mut sources = SourceMap::new();
        sources.add(SourceFile::new("c.yml", text, FileKind::Compose));
        let report = crate::lint(&sources, &ProcessEnv::default(), &Settings::default());
        let d = report
            .diagnostics
            .iter()
            .find(|d| d.code == "FJ004")
            .unwrap();
        let edit = &d.fix.as_ref().unwrap().edits[0];
        assert_eq!(&text[edit.location.span.range()], "\"always\"");
    }
}
