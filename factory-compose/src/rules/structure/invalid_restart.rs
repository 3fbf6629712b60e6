use crate::diagnostic::Diagnostics;
use crate::rules::{Context, Rule, declare_rule, registry};

declare_rule! {
    /// ## What it does
    /// Reports a `restart` policy other than `"no"`, `always`, `on-failure`, `on-failure:N`
    /// and `unless-stopped`.
    ///
    /// ## Why is this bad?
    /// Docker refuses the container with an unknown restart policy, at deploy time.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   app:
    ///     restart: allways
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   app:
    ///     restart: always
    /// ```
    pub(crate) struct InvalidRestart {
        code: "FC024",
        name: "invalid-restart",
        severity: Error,
        summary: "invalid `restart` (`\"no\"`, `always`, `on-failure[:N]`, `unless-stopped`)",
    }
}

impl Rule for InvalidRestart {
    fn info(&self) -> &'static crate::rules::RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Diagnostics) {
        let tree = &cx.project.tree;
        for svc in &cx.project.services {
            let Some(restart) = &svc.restart else {
                continue;
            };
            let v = restart.text(tree);
            if v.contains('$') || is_valid(v) {
                continue;
            }
            let help = match crate::platform::did_you_mean(v, &["no", "always", "on-failure", "unless-stopped"]) {
                Some(s) => format!("did you mean `{s}`? the policies are \"no\", always, on-failure[:N], unless-stopped"),
                None => "use one of \"no\", always, on-failure, on-failure:N (N retries) or unless-stopped".to_owned(),
            };
            out.push(
                restart
                    .point(
                        tree,
                        registry::diagnostic("FC024", format!("`{v}` is not a restart policy")),
                    )
                    .with_help(help),
            );
        }
    }
}

/// Whether Docker takes `v` as a restart policy. An empty one (`restart: ""`, or a variable
/// that is not set) is no policy: Compose leaves it out of the model (checked with v2.40.3),
/// and the container is not restarted, as with `"no"`.
fn is_valid(v: &str) -> bool {
    match v {
        "" | "no" | "always" | "on-failure" | "unless-stopped" => true,
        _ => v
            .strip_prefix("on-failure:")
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn policies() {
        for ok in [
            "",
            "no",
            "always",
            "on-failure",
            "on-failure:3",
            "unless-stopped",
        ] {
            assert!(super::is_valid(ok), "{ok}");
        }
        for bad in ["No", "allways", "on-failure:", "on-failure:x", "never", " "] {
            assert!(!super::is_valid(bad), "{bad}");
        }
    }
}
