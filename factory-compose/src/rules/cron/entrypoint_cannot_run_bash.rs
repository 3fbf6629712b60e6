use crate::diagnostic::Diagnostics;
use crate::model::CommandValue;
use crate::rules::{Context, Rule, declare_rule, registry};

declare_rule! {
    /// ## What it does
    /// Reports a cron service whose `entrypoint` cannot run the job. The platform runs a job as
    /// `<compose> run --rm SERVICE bash -c '<command>'` (as its `factory-runjob` tool does), so
    /// the container starts `<entrypoint...> bash -c '<command>'`: the entrypoint must run its
    /// arguments as a command.
    ///
    /// The check is conservative and reports only entrypoints whose behaviour is certain:
    /// - a shell with `-c` and a script that does not use its arguments (`/bin/sh -c`,
    ///   `["bash", "-c", "./start"]`): the shell runs `bash` (or the script) and drops the
    ///   job's command, silently;
    /// - a well-known language runtime or server, which takes `bash` as its own argument:
    ///   `python`/`python3`/`pythonX.Y`, `node`/`nodejs`, `ruby`, `perl`, `php`, `java`,
    ///   `deno`, `bun`, `npm`, `npx`, `yarn`, `gunicorn`, `uwsgi`, `uvicorn`, `nginx`, `httpd`,
    ///   `apache2`, `caddy`, `redis-server`, `mongod`, `mysqld`, `postgres` (by the last path
    ///   component, so `/usr/bin/node` counts).
    ///
    /// Everything else is left alone: a shell alone (`entrypoint: /bin/bash`, the remedy the
    /// platform manual prescribes), a shell running a script file (`sh /entrypoint.sh`) or a
    /// `-c` script that uses `"$@"`, `$*` or `$1`; wrappers that run their arguments (`env`,
    /// `tini --`, `dumb-init`, `gosu`); scripts factory cannot read (`/entrypoint.sh`);
    /// `entrypoint: []`/`null`; and the image's own entrypoint when the service sets none
    /// (factory does not read images).
    ///
    /// Note on `entrypoint: /bin/bash`: the platform documents it as the fix, so factory does
    /// not report it. Run by hand with `factory runjob`, it starts `/bin/bash bash -c '…'`, in
    /// which bash reads `bash` as a script name; check how your platform's scheduler starts the
    /// job if a job with that entrypoint does not run.
    ///
    /// ## Why is this bad?
    /// The job never runs its command: it fails, or, worse, exits successfully without doing
    /// anything.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   cleanup:
    ///     image: registry.example/app:1.0
    ///     entrypoint: ["python", "app.py"]
    ///     command: /bin/false
    ///     restart: "no"
    ///     labels:
    ///       sh.factory.cronjob.schedule: "0 4 * * *"
    ///       sh.factory.cronjob.command: python cleanup.py
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   cleanup:
    ///     image: registry.example/app:1.0
    ///     entrypoint: ["/usr/bin/env"] # runs `bash -c '<command>'` as given
    ///     command: /bin/false
    ///     restart: "no"
    ///     labels:
    ///       sh.factory.cronjob.schedule: "0 4 * * *"
    ///       sh.factory.cronjob.command: python cleanup.py
    /// ```
    pub(crate) struct EntrypointCannotRunBash {
        code: "FJ006",
        name: "entrypoint-cannot-run-bash",
        severity: Warning,
        summary: "entrypoint set to something that cannot run `bash`",
    }
}

const HELP: &str = "use an entrypoint that runs its arguments, such as `entrypoint: [\"/usr/bin/env\"]` or a script ending with `exec \"$@\"`, or remove `entrypoint` if the image's own one does: the platform appends `bash -c '<command>'` to the entrypoint";

impl Rule for EntrypointCannotRunBash {
    fn info(&self) -> &'static crate::rules::RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Diagnostics) {
        // A service with one of the two labels is no cron job: FJ001 says so, alone.
        for job in cx.jobs().iter().filter(|j| j.is_complete()) {
            let svc = job.service;
            let Some(entrypoint) = svc.entrypoint(&cx.project.tree) else {
                continue;
            };
            let argv = match &entrypoint.value {
                // The words Compose gives Docker (FC036 reports what it cannot split).
                CommandValue::Shell(s) => match crate::render::parse::shell_words(s) {
                    Some(words) => words,
                    None => continue,
                },
                CommandValue::Exec(items) => items.iter().map(|i| i.value.to_string()).collect(),
                CommandValue::Null => continue,
            };
            let Some(problem) = classify(&argv) else {
                continue;
            };
            let shown = shell_words::join(&argv);
            let message = match problem {
                Problem::ShellDropsArguments if argv.last().is_some_and(|a| a.starts_with('-')) => {
                    format!(
                        "the entrypoint `{shown}` of cron service `{}` takes the job's `bash` as its `-c` script, so `bash` starts without the job's command, which never runs",
                        svc.name(&cx.project.tree)
                    )
                }
                Problem::ShellDropsArguments => format!(
                    "the entrypoint `{shown}` of cron service `{}` runs its own `-c` script, which ignores the job's `bash -c` command",
                    svc.name(&cx.project.tree)
                ),
                Problem::Runtime => format!(
                    "the entrypoint `{shown}` of cron service `{}` runs `{}`, which cannot run the job's `bash -c` command",
                    svc.name(&cx.project.tree),
                    argv.first().map_or("", String::as_str)
                ),
            };
            out.push(
                entrypoint
                    .point(registry::diagnostic("FJ006", message))
                    .with_help(HELP),
            );
        }
    }
}

/// Why an entrypoint cannot run `bash -c '<command>'` appended to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Problem {
    /// A shell with `-c SCRIPT` where the script ignores its arguments.
    ShellDropsArguments,
    /// A language runtime or server.
    Runtime,
}

fn basename(program: &str) -> &str {
    program.rsplit('/').next().unwrap_or(program)
}

fn classify(argv: &[String]) -> Option<Problem> {
    let program = basename(argv.first()?);
    if matches!(
        program,
        "bash" | "sh" | "dash" | "ash" | "zsh" | "ksh" | "mksh"
    ) {
        let mut args = argv.iter().skip(1);
        while let Some(arg) = args.next() {
            if arg == "--" || arg == "-" {
                break;
            }
            if arg.starts_with("--") {
                continue; // --login, --norc ...
            }
            let Some(flags) = arg.strip_prefix('-').or_else(|| arg.strip_prefix('+')) else {
                return None; // a script file: factory cannot read it
            };
            if flags.contains('o') || flags.contains('O') {
                return None; // `-o OPTION` takes a value: do not guess
            }
            if flags.contains('c') && arg.starts_with('-') {
                return match args.next() {
                    Some(script) if uses_arguments(script) => None,
                    _ => Some(Problem::ShellDropsArguments),
                };
            }
        }
        // A shell alone, or with options: the platform's documented remedy
        // (`entrypoint: /bin/bash`), not reported (see the rule's documentation).
        return None;
    }
    if let Some(version) = program.strip_prefix("python") {
        return (version.is_empty() || version.bytes().all(|b| b.is_ascii_digit() || b == b'.'))
            .then_some(Problem::Runtime);
    }
    matches!(
        program,
        "node"
            | "nodejs"
            | "ruby"
            | "perl"
            | "php"
            | "java"
            | "deno"
            | "bun"
            | "npm"
            | "npx"
            | "yarn"
            | "gunicorn"
            | "uwsgi"
            | "uvicorn"
            | "nginx"
            | "httpd"
            | "apache2"
            | "caddy"
            | "redis-server"
            | "mongod"
            | "mysqld"
            | "postgres"
    )
    .then_some(Problem::Runtime)
}

/// A `-c` script that reads the arguments after it (`exec "$@"`, `$*`, `$1`).
fn uses_arguments(script: &str) -> bool {
    script.contains("$@")
        || script.contains("${@")
        || script.contains("$*")
        || script.contains("${*")
        || (1..=9).any(|n| script.contains(&format!("${n}")) || script.contains(&format!("${{{n}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        shell_words::split(s).unwrap()
    }

    /// Shell cases checked by running `<entrypoint> bash -c 'echo hi'` (bash 5.2, dash).
    #[test]
    fn entrypoints() {
        let cases: &[(&str, Option<Problem>)] = &[
            ("/bin/bash", None),
            ("bash", None),
            ("/bin/sh", None),
            ("/bin/bash -l", None),
            ("/bin/bash --login --", None),
            ("/bin/sh -c", Some(Problem::ShellDropsArguments)),
            ("/bin/bash -ec", Some(Problem::ShellDropsArguments)),
            ("bash -c ./start.sh", Some(Problem::ShellDropsArguments)),
            ("/bin/sh -c 'exec \"$@\"' --", None),
            ("bash -c 'source /env; exec \"${@}\"' x", None),
            ("sh /entrypoint.sh", None),
            ("bash -o pipefail", None),
            ("/entrypoint.sh", None),
            ("docker-entrypoint.sh", None),
            ("tini --", None),
            ("/usr/bin/env", None),
            ("python app.py", Some(Problem::Runtime)),
            ("python3.12 -m app", Some(Problem::Runtime)),
            ("/usr/bin/node server.js", Some(Problem::Runtime)),
            ("java -jar app.jar", Some(Problem::Runtime)),
            ("nginx -g 'daemon off;'", Some(Problem::Runtime)),
            ("pythonista", None),
            ("python-wrapper", None),
            ("", None),
        ];
        for (entrypoint, want) in cases {
            assert_eq!(classify(&words(entrypoint)), *want, "{entrypoint}");
        }
    }
}
