use crate::diagnostic::Diagnostics;
use crate::model::CommandValue;
use crate::rules::{Context, Rule, declare_rule, registry};

declare_rule! {
    /// ## What it does
    /// Reports a `command` or `entrypoint` written as a string that cannot be split into shell
    /// words (an unclosed quote, a trailing backslash).
    ///
    /// ## Why is this bad?
    /// Compose splits a string `command` into arguments the way a shell would, and refuses one it
    /// cannot split (`invalid command line string`), so nothing deploys.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   app:
    ///     command: sh -c 'echo "ready
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   app:
    ///     command: ["sh", "-c", "echo ready"]
    /// ```
    pub(crate) struct UnbalancedCommandQuotes {
        code: "FC036",
        name: "unbalanced-command-quotes",
        severity: Error,
        summary: "`command`/`entrypoint` string is not valid shell words (unbalanced quotes)",
    }
}

impl Rule for UnbalancedCommandQuotes {
    fn info(&self) -> &'static crate::rules::RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Diagnostics) {
        for svc in &cx.project.services {
            for (key, value) in [("command", &svc.command), ("entrypoint", &svc.entrypoint)] {
                let Some(value) = value else { continue };
                let CommandValue::Shell(text) = &value.value else {
                    continue;
                };
                if shell_words::split(text).is_ok() {
                    continue;
                }
                out.push(
                    value
                        .point(registry::diagnostic("FC036", format!("the `{key}` of `{}` has an unclosed quote or a trailing backslash", svc.name.value)))
                        .with_help(format!("close the quote, or write `{key}` as a list: `[\"sh\", \"-c\", \"...\"]`")),
                );
            }
        }
    }
}
