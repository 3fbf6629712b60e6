use crate::diagnostic::Diagnostics;
use crate::model::convert::{describe, scalar_kind};
use crate::rules::{Context, Rule, declare_rule, registry};
use crate::yaml::{PlainValue, View};

declare_rule! {
    /// ## What it does
    /// Reports a `version` that is not a 3.x string: a number (`version: 3`), a 2.x or 1.x
    /// version, or anything else.
    ///
    /// ## Why is this bad?
    /// The platform's documentation targets the Compose file format 3.x (Docker 17.09). The
    /// Compose of that era refuses `version: 3` written as a number (`Version in
    /// "./docker-compose.yml" is invalid`) and reads 2.x files with other rules. Today's Compose
    /// ignores `version`, so the mistake only shows at deploy time.
    ///
    /// ## Example
    /// ```yaml
    /// version: 3
    /// services:
    ///   app:
    ///     image: app:1.0
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// version: "3"
    /// services:
    ///   app:
    ///     image: app:1.0
    /// ```
    pub(crate) struct InvalidVersion {
        code: "FC016",
        name: "invalid-version",
        severity: Error,
        summary: "`version` is not a 3.x string (or is a number)",
    }
}

impl Rule for InvalidVersion {
    fn info(&self) -> &'static crate::rules::RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Diagnostics) {
        let Some(version) = &cx.project.version else {
            return;
        };
        let tree = &cx.project.tree;
        let (message, help) = match tree.view(version.value) {
            View::Scalar(s) => match scalar_kind(tree, version.value) {
                PlainValue::Str if is_3x(s) => return,
                PlainValue::Str => (
                    format!("`version: {}` is not a 3.x Compose file format", s),
                    "the platform expects the 3.x file format: write `version: \"3\"` (or a 3.x release such as `\"3.8\"`) and check the file against it".to_owned(),
                ),
                // Quoting keeps the value written when it is a 3.x one (`3.7` → `"3.7"`).
                PlainValue::Int(_) | PlainValue::Float(_) => (
                    format!("`version: {}` is a number, not a string", s),
                    format!(
                        "quote it: `version: \"{}\"`",
                        if is_3x(s) { s } else { "3" }
                    ),
                ),
                _ => (
                    format!(
                        "`version` must be a 3.x string, not {}",
                        describe(tree, version.value)
                    ),
                    "write `version: \"3\"`".to_owned(),
                ),
            },
            _ => (
                format!(
                    "`version` must be a 3.x string, not {}",
                    describe(tree, version.value)
                ),
                "write `version: \"3\"`".to_owned(),
            ),
        };
        out.push(
            version
                .point(registry::diagnostic("FC016", message))
                .with_help(help),
        );
    }
}

/// `3`, `3.0` … `3.9`, `3.10` …
fn is_3x(v: &str) -> bool {
    let v = v.trim();
    v == "3"
        || v.strip_prefix("3.")
            .is_some_and(|minor| !minor.is_empty() && minor.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn three_x() {
        for ok in ["3", "3.0", "3.8", "3.10"] {
            assert!(super::is_3x(ok), "{ok}");
        }
        for bad in ["2", "2.1", "3.", "3.x", "4", "", "33"] {
            assert!(!super::is_3x(bad), "{bad}");
        }
    }
}
