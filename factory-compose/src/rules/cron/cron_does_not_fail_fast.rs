use crate::diagnostic::{Diagnostics, Edit, Fix};
use crate::model::CommandValue;
use crate::rules::{Context, Rule, declare_rule, registry};

declare_rule! {
    /// ## What it does
    /// Checks that a cron service (a service with both `sh.factory.cronjob.*` labels; one
    /// alone is FJ001's) sets `command: /bin/false`. `false` and `/usr/bin/false`, as a string
    /// or a one-item list, are accepted too. A missing `command` (or `command: null`) is reported at the service name:
    /// the image's own command would run.
    ///
    /// ## Why is this bad?
    /// The platform starts every service of the project when it deploys, cron services
    /// included; cron later runs the job in a new container (`run --rm SERVICE bash -c ...`).
    /// The service itself must therefore exit at once. A cron service built from the
    /// application's image (`<<: *web_service`) otherwise starts a second copy of the
    /// application, which keeps running next to the real one.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   app: &web_service
    ///     image: registry.example/app:1.0
    ///   run_hourly:
    ///     <<: *web_service
    ///     restart: "no"
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
    ///   run_hourly:
    ///     <<: *web_service
    ///     command: /bin/false
    ///     restart: "no"
    ///     labels:
    ///       sh.factory.cronjob.schedule: "0 * * * *"
    ///       sh.factory.cronjob.command: echo time to run
    /// ```
    pub(crate) struct CronDoesNotFailFast {
        code: "FJ003",
        name: "cron-does-not-fail-fast",
        severity: Error,
        summary: "cron service does not fail fast (`command` must be `/bin/false`)",
    }
}

const HELP: &str = "set `command: /bin/false`: the platform starts the service when it deploys, and a cron service must exit at once (cron runs the job in a new container)";

impl Rule for CronDoesNotFailFast {
    fn info(&self) -> &'static crate::rules::RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Diagnostics) {
        // A service with one of the two labels is no cron job: FJ001 says so, alone.
        for job in cx.jobs().iter().filter(|j| j.is_complete()) {
            let svc = job.service;
            let Some(command) = svc
                .command(&cx.project.tree)
                .filter(|c| c.value != CommandValue::Null)
            else {
                out.push(
                    svc.located_name(&cx.project.tree)
                        .point(registry::diagnostic(
                            "FJ003",
                            format!(
                                "cron service `{}` has no `command`, so its image's command runs when the project is deployed",
                                svc.name(&cx.project.tree)
                            ),
                        ))
                        .with_help(HELP),
                );
                continue;
            };
            let Some(words) = words(&command.value) else {
                continue; // not shell words: FC036 reports it
            };
            if is_false(&words) {
                continue;
            }
            let message = if words.is_empty() {
                format!(
                    "cron service `{}` has an empty `command`, so its image's command runs when the project is deployed",
                    svc.name(&cx.project.tree)
                )
            } else {
                format!(
                    "cron service `{}` runs `{}` instead of failing fast",
                    svc.name(&cx.project.tree),
                    shown(&words)
                )
            };
            let mut d = command
                .point(registry::diagnostic("FJ003", message))
                .with_help(HELP);
            if command.via.is_none() && matches!(command.value, CommandValue::Shell(_)) {
                d = d.with_fix(Fix {
                    title: "set `command: /bin/false`".to_owned(),
                    edits: vec![Edit {
                        location: command.at,
                        replacement: "/bin/false".to_owned(),
                    }],
                });
            }
            out.push(d);
        }
    }
}

fn words(c: &CommandValue) -> Option<Vec<String>> {
    match c {
        // The words Compose gives Docker (FC036 reports what it cannot split).
        CommandValue::Shell(s) => crate::render::parse::shell_words(s),
        CommandValue::Exec(items) => Some(items.iter().map(|i| i.value.to_string()).collect()),
        CommandValue::Null => Some(Vec::new()),
    }
}

/// `/bin/false`, `/usr/bin/false` or `false`, alone.
fn is_false(words: &[String]) -> bool {
    matches!(words, [w] if matches!(w.as_str(), "/bin/false" | "/usr/bin/false" | "false"))
}

fn shown(words: &[String]) -> String {
    let text = shell_words::join(words);
    if text.chars().count() > 40 {
        let cut: String = text.chars().take(39).collect();
        format!("{cut}…")
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn false_commands() {
        let w = |s: &str| words(&CommandValue::Shell(s.into())).unwrap();
        for ok in ["/bin/false", "false", " /usr/bin/false ", "'/bin/false'"] {
            assert!(is_false(&w(ok)), "{ok}");
        }
        for bad in ["/bin/true", "/bin/false x", "", "sleep infinity", "exit 1"] {
            assert!(!is_false(&w(bad)), "{bad}");
        }
    }

    #[test]
    fn fix_replaces_the_value() {
        use crate::{FileKind, ProcessEnv, Settings, SourceFile, SourceMap};
        let text = "services:\n  job:\n    image: app:1\n    command: ./server --port 9000\n    restart: \"no\"\n    labels:\n      sh.factory.cronjob.schedule: \"0 * * * *\"\n      sh.factory.cronjob.command: x\n";
        let mut sources = SourceMap::new();
        sources.add(SourceFile::new("c.yml", text, FileKind::Compose));
        let report = crate::lint(&sources, &ProcessEnv::default(), &Settings::default());
        let d = report
            .diagnostics
            .iter()
            .find(|d| d.code == "FJ003")
            .unwrap();
        let edit = &d.fix.as_ref().unwrap().edits[0];
        assert_eq!(&text[edit.location.span.range()], "./server --port 9000");
    }
}
