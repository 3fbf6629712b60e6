use crate::diagnostic::Diagnostics;
use crate::model::Form;
use crate::rules::route::point_in;
use crate::rules::{Context, Rule, declare_rule, registry};
use crate::yaml::{NodeKind, PlainValue, ScalarStyle, resolve_plain};

declare_rule! {
    /// ## What it does
    /// Reports a `traefik.enable` label whose value is neither `'true'` nor `'false'`
    /// (`yes`, `on`, `True`, `1`, `enabled` …). An unquoted YAML boolean (`traefik.enable: true`)
    /// is reported by FC021 instead.
    ///
    /// ## Why is this bad?
    /// Traefik v1 reads the label with Go's `strconv.ParseBool`: `yes`, `on` and `enabled` are
    /// not booleans to it, so the label is ignored and the provider's default applies, which
    /// may route a service meant to be hidden (or the reverse). `True` and `1` happen to work
    /// but read as a mistake; the platform's manual writes `'true'`.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     labels:
    ///       traefik.enable: "yes"
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   web:
    ///     labels:
    ///       traefik.enable: 'true'
    /// ```
    pub(crate) struct InvalidTraefikEnable {
        code: "FR004",
        name: "invalid-traefik-enable",
        severity: Error,
        summary: "`traefik.enable` not `'true'`/`'false'`",
    }
}

impl Rule for InvalidTraefikEnable {
    fn info(&self) -> &'static crate::rules::RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Diagnostics) {
        let tree = &cx.project.tree;
        for svc in &cx.project.services {
            for kv in svc
                .label_entries(cx.project)
                .iter()
                .filter(|kv| kv.key(tree) == "traefik.enable")
            {
                let Some(value) = kv.value(tree) else {
                    continue;
                };
                if matches!(value, "true" | "false") {
                    continue;
                }
                // An unquoted YAML boolean or timestamp is FC021's (one problem, one diagnostic).
                if kv.form == Form::Map
                    && let node = cx.project.tree.node(kv.node)
                    && let NodeKind::Scalar(s) = node.kind
                    && node.style == ScalarStyle::Plain
                    && !node.interpolated
                    && matches!(
                        resolve_plain(cx.project.tree.text(s)),
                        PlainValue::Bool(_) | PlainValue::Timestamp
                    )
                {
                    continue;
                }
                let what = match value.to_ascii_lowercase().as_str() {
                    "true" | "1" | "t" => "true",
                    "false" | "0" | "f" => "false",
                    _ => "",
                };
                // The line to write, in the form the labels are written in.
                let written = |v: &str| match kv.form {
                    Form::Map => format!("traefik.enable: '{v}'"),
                    Form::List => format!("- traefik.enable={v}"),
                };
                let (message, help) = if what.is_empty() {
                    (
                        format!(
                            "`traefik.enable` of `{}` is `{}`: Traefik v1 does not read it as a boolean and ignores the label",
                            svc.name(&cx.project.tree),
                            value
                        ),
                        format!(
                            "write `{}` to route the service, or `{}` to hide it",
                            written("true"),
                            written("false")
                        ),
                    )
                } else {
                    (
                        format!(
                            "`traefik.enable` of `{}` is `{}` instead of `'{what}'`",
                            svc.name(&cx.project.tree),
                            value
                        ),
                        format!("write `{}`", written(what)),
                    )
                };
                out.push(
                    point_in(
                        cx,
                        kv,
                        0..value.len(),
                        registry::diagnostic("FR004", message),
                    )
                    .with_help(help),
                );
            }
        }
    }
}
