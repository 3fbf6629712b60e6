use crate::cron_jobs::jobs;
use crate::diagnostic::Diagnostic;
use crate::model::CommandValue;
use crate::rules::{Context, Rule, declare_rule, registry};

declare_rule! {
    /// ## What it does
    /// Reports a cron service whose `entrypoint` is a program that cannot run the job. The
    /// platform runs a job as `run --rm SERVICE bash -c '<command>'`, so the container starts
    /// `<entrypoint...> bash -c '<command>'`: the entrypoint must hand its arguments on.
    ///
    /// The check is deliberately conservative. It reports only an entrypoint whose program is a
    /// well-known language runtime or server that treats `bash` as a script or an argument of
    /// its own: `python`/`python3`/`pythonX.Y`, `node`/`nodejs`, `ruby`, `perl`, `php`,
    /// `java`, `deno`, `bun`, `npm`, `npx`, `yarn`, `gunicorn`, `uwsgi`, `uvicorn`, `nginx`,
    /// `httpd`, `apache2`, `caddy`, `redis-server`, `mongod`, `mysqld`, `postgres` (by the last
    /// path component, so `/usr/bin/node` counts). Everything else is left alone: shells
    /// (`/bin/bash`, `sh -c ...`, which the platform's manual recommends), wrappers that run
    /// their arguments (`tini --`, `dumb-init`, `gosu`, `env`), scripts whose content factory
    /// cannot see (`/entrypoint.sh`), `entrypoint: []`/`null`, and the image's own entrypoint
    /// when the service does not set one (factory does not read images).
    ///
    /// ## Why is this bad?
    /// With `entrypoint: ["python", "app.py"]` the job runs `python app.py bash -c '...'`: the
    /// application starts with three unexpected arguments and the job's command never runs.
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
    ///     entrypoint: ["/docker-entrypoint.sh"] # ends with: exec "$@"
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

impl Rule for EntrypointCannotRunBash {
    fn info(&self) -> &'static crate::rules::RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for job in jobs(cx.project) {
            let svc = job.service;
            let Some(entrypoint) = &svc.entrypoint else {
                continue;
            };
            let program = match &entrypoint.value {
                CommandValue::Shell(s) => shell_words::split(s)
                    .ok()
                    .and_then(|w| w.into_iter().next()),
                CommandValue::Exec(items) => items.first().map(|i| i.value.clone()),
                CommandValue::Null => None,
            };
            let Some(program) = program.filter(|p| cannot_run_bash(p)) else {
                continue;
            };
            out.push(
                entrypoint
                    .point(registry::diagnostic(
                        "FJ006",
                        format!(
                            "the entrypoint of cron service `{}` runs `{program}`, which cannot run the job's `bash -c` command",
                            svc.name.value
                        ),
                    ))
                    .with_help(
                        "give the cron service an entrypoint that runs its arguments (a script ending with `exec \"$@\"`), or remove `entrypoint` if the image's own entrypoint does",
                    ),
            );
        }
    }
}

/// The program (first word of the entrypoint) is a known runtime or server that does not run
/// its arguments as a command.
fn cannot_run_bash(program: &str) -> bool {
    let name = program.rsplit('/').next().unwrap_or(program);
    if let Some(version) = name.strip_prefix("python") {
        return version.is_empty() || version.bytes().all(|b| b.is_ascii_digit() || b == b'.');
    }
    matches!(
        name,
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
}

#[cfg(test)]
mod tests {
    #[test]
    fn programs() {
        for bad in [
            "python",
            "python3",
            "python3.12",
            "/usr/bin/node",
            "node",
            "java",
            "nginx",
        ] {
            assert!(super::cannot_run_bash(bad), "{bad}");
        }
        for fine in [
            "/bin/bash",
            "bash",
            "/bin/sh",
            "sh",
            "/entrypoint.sh",
            "docker-entrypoint.sh",
            "tini",
            "/usr/bin/env",
            "pythonista",
            "python-wrapper",
            "",
        ] {
            assert!(!super::cannot_run_bash(fine), "{fine}");
        }
    }
}
