use crate::diagnostic::Diagnostics;
use crate::rules::{Context, Rule, declare_rule, registry};

declare_rule! {
    /// ## What it does
    /// Reports a top-level `x-*` extension field.
    ///
    /// ## Why is this bad?
    /// Extension fields are fine locally, typically to hold an anchor (`x-base: &base`) that
    /// services reuse with `<<: *base`: Compose resolves the anchors when it reads the file, so
    /// the services keep what they inherit. But the key itself is outside the platform's
    /// allow-list: anything that reads it by name at deploy time will not find it.
    ///
    /// ## Example
    /// ```yaml
    /// x-logging:
    ///   driver: syslog
    /// services:
    ///   app:
    ///     image: app:1.0
    /// ```
    ///
    /// Use instead: keep extension fields only as anchor holders, or write the values in the
    /// services.
    /// ```yaml
    /// services:
    ///   app:
    ///     image: app:1.0
    ///     logging:
    ///       driver: syslog
    /// ```
    pub(crate) struct ExtensionField {
        code: "FC011",
        name: "extension-field",
        severity: Warning,
        summary: "top-level `x-*` extension field: outside the platform's allow-list",
    }
}

impl Rule for ExtensionField {
    fn info(&self) -> &'static crate::rules::RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Diagnostics) {
        for other in &cx.project.other_keys {
            let key = other.key.value.as_str();
            if !key.starts_with("x-") {
                continue;
            }
            let anchored = cx.project.tree.anchor(other.value).is_some();
            let help = if anchored {
                "fine as an anchor holder locally: services keep what they inherit with `<<:`, but the key itself is not deployed"
            } else {
                "the platform ignores this key; move the values into the services that need them"
            };
            out.push(
                registry::diagnostic(
                    "FC011",
                    format!("extension field `{key}` is outside the platform's allow-list"),
                )
                .at(other.key.primary())
                .with_help(help),
            );
        }
    }
}
