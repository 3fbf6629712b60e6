use crate::diagnostic::Diagnostics;
use crate::model::CommandValue;
use crate::render::parse::shell_split;
use crate::rules::{Context, Rule, declare_rule, registry};

declare_rule! {
    /// ## What it does
    /// Reports a `command` or `entrypoint` written as a string that Compose cannot split into
    /// words (an unclosed quote, backquote or `$(`, a `(` or `)` outside quotes, a trailing
    /// backslash), or that it cuts at a shell operator (`;`, `&&`, `|`, `<`, `>` outside
    /// quotes).
    ///
    /// ## Why is this bad?
    /// Compose splits a string `command` into arguments as go-shellwords does, and refuses one
    /// it cannot split (`invalid command line string`), so nothing deploys. It runs no shell:
    /// it stops reading at the first operator and drops the rest without a word, so
    /// `command: ./migrate.sh && ./start.sh` runs `./migrate.sh` only.
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
        summary: "`command`/`entrypoint` string is not valid shell words (unbalanced quotes), or Compose cuts it at a shell operator",
    }
}

impl Rule for UnbalancedCommandQuotes {
    fn info(&self) -> &'static crate::rules::RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Diagnostics) {
        for svc in &cx.project.services {
            for (key, value) in [
                ("command", svc.command(&cx.project.tree)),
                ("entrypoint", svc.entrypoint(&cx.project.tree)),
            ] {
                let Some(value) = value else { continue };
                let CommandValue::Shell(text) = &value.value else {
                    continue;
                };
                let name = svc.name(&cx.project.tree);
                let d = match shell_split(text) {
                    Some((_, None)) => continue,
                    Some((words, Some(at))) => {
                        let rest = text.get(at..).unwrap_or_default().trim();
                        let operator: String = rest
                            .chars()
                            .take_while(|c| matches!(c, ';' | '&' | '|' | '<' | '>'))
                            .collect();
                        let message = if words.is_empty() {
                            format!(
                                "Compose runs none of the `{key}` of `{name}`: it starts with `{operator}`, where Compose stops reading, so Docker gets an empty `{key}`"
                            )
                        } else {
                            format!(
                                "Compose runs only `{}` of the `{key}` of `{name}`: it stops at `{operator}` and drops `{rest}`",
                                words.join(" ")
                            )
                        };
                        registry::diagnostic("FC036", message)
                        .with_help(format!(
                            "a string `{key}` runs no shell: write `[\"sh\", \"-c\", \"…\"]` to run the whole line with one"
                        ))
                    }
                    None => cannot_split(key, name),
                };
                out.push(value.point(d));
            }
        }
    }
}

/// Compose cannot split a string `command` into words: it refuses the project
/// (`'services[a].command' invalid command line string`).
fn cannot_split(key: &str, name: &str) -> crate::Diagnostic {
    registry::diagnostic(
        "FC036",
        format!(
            "Compose cannot split the `{key}` of `{name}` into words: an unclosed quote, backquote or `$(`, a `(` or `)` outside quotes, or a trailing backslash"
        ),
    )
    .with_help(format!(
        "close the quote, or write `{key}` as a list: `[\"sh\", \"-c\", \"...\"]`"
    ))
}

/// The string commands Compose refuses to load, in every service (one whose profile is off
/// too: compose-go decodes them all): `command`, `entrypoint`, and each `post_start` /
/// `pre_stop` hook's `command`. For `config`, which refuses what Compose refuses.
pub(crate) fn refusals(project: &crate::model::Project, out: &mut Diagnostics) {
    let tree = &project.tree;
    for svc in &project.services {
        let name = svc.name(tree);
        for (key, value) in [
            ("command", svc.command(tree)),
            ("entrypoint", svc.entrypoint(tree)),
        ] {
            if let Some(value) = value
                && let CommandValue::Shell(text) = &value.value
                && shell_split(text).is_none()
            {
                out.push(value.point(cannot_split(key, name)));
            }
        }
        for hook in ["post_start", "pre_stop"] {
            let items = svc
                .entry(tree, hook)
                .and_then(|e| tree.sequence(e.value))
                .unwrap_or_default();
            for &item in items {
                if let Some(command) = tree.get(item, "command").map(|e| e.value)
                    && let Some(text) = crate::yaml::scalar_text(tree, command)
                    && matches!(tree.node(command).kind, crate::yaml::NodeKind::Scalar(_))
                    && shell_split(text).is_none()
                {
                    out.push(
                        cannot_split(&format!("{hook}` hook's `command"), name)
                            .at(tree.location(command)),
                    );
                }
            }
        }
    }
}
