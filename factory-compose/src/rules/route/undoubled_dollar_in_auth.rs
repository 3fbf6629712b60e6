use crate::diagnostic::{Diagnostics, Edit, Fix};
use crate::model::Form;
use crate::rules::route::{AUTH_PROPS, in_raw_exact, labels_with, raw_value};
use crate::rules::{Context, Rule, declare_rule, registry};

declare_rule! {
    /// ## What it does
    /// Reports a `$` inside a `traefik.frontend.auth.basic` hash that is not written `$$`,
    /// reading the label as written (before Compose interpolated it), and offers the label
    /// with every such `$` doubled. The warnings Compose gives for the variables it thought it
    /// saw there (`$apr1`, FE002) are not repeated.
    ///
    /// ## Why is this bad?
    /// Compose interpolates labels: `$apr1$FNdSDLrp$TAXy…` becomes the values of the variables
    /// `apr1`, `FNdSDLrp` and `TAXy…`, usually empty, and Traefik receives a broken hash that
    /// no password matches. htpasswd hashes must be written with `$$` in compose files.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     labels:
    ///       traefik.frontend.auth.basic: bob:$apr1$FNdSDLrp$TAXy/4ZjKQtNCupEyQ4tl1
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   web:
    ///     labels:
    ///       traefik.frontend.auth.basic: bob:$$apr1$$FNdSDLrp$$TAXy/4ZjKQtNCupEyQ4tl1
    /// ```
    pub(crate) struct UndoubledDollarInAuth {
        code: "FR008",
        name: "undoubled-dollar-in-auth",
        severity: Error,
        summary: "a `$` in a basic-auth hash is not doubled: Compose will eat `$apr1` as a variable",
    }
}

impl Rule for UndoubledDollarInAuth {
    fn info(&self) -> &'static crate::rules::RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Diagnostics) {
        let tree = &cx.project.tree;
        for svc in &cx.project.services {
            for kv in labels_with(cx.project, svc, AUTH_PROPS) {
                let Some(value) = kv.located_value(&cx.project.tree) else {
                    continue;
                };
                let Some(raw) = raw_value(cx, kv) else {
                    continue;
                };
                let Some(fix) = factory_route::find_undoubled_dollars(raw) else {
                    continue;
                };
                let word: String = fix
                    .spans
                    .first()
                    .and_then(|s| raw.get(s.start..))
                    .map(|rest| {
                        rest.chars()
                            .enumerate()
                            .take_while(|(i, c)| *i == 0 || c.is_ascii_alphanumeric() || *c == '_')
                            .map(|(_, c)| c)
                            .collect()
                    })
                    .unwrap_or_default();
                let fixed_label = fix.fixed.trim();
                let exact: Option<Vec<Edit>> = fix
                    .spans
                    .iter()
                    .map(|s| {
                        in_raw_exact(cx, kv, s.clone()).map(|location| Edit {
                            location,
                            replacement: "$$".to_owned(),
                        })
                    })
                    .collect();
                let edits = match exact {
                    Some(edits) if value.via.is_none() => edits,
                    _ if value.via.is_none() => {
                        let text = match kv.form {
                            Form::List => format!("{}={}", kv.key(tree), fixed_label),
                            Form::Map => fixed_label.to_owned(),
                        };
                        vec![Edit {
                            location: value.at,
                            replacement: format!("'{}'", text.replace('\'', "''")),
                        }]
                    }
                    _ => Vec::new(),
                };
                let mut d = value
                    .point(registry::diagnostic(
                        "FR008",
                        format!(
                            "`{}` of `{}` has {} `$` not written `$$`: Compose reads `{word}` as a variable and the hash reaches Traefik broken",
                            kv.key(tree),
                            svc.name(&cx.project.tree),
                            fix.spans.len()
                        ),
                    ))
                    .with_help(format!(
                        "write every `$` of the hash as `$$`: `{}`",
                        match kv.form {
                            Form::Map => format!("{}: {fixed_label}", kv.key(tree)),
                            Form::List => format!("- {}={fixed_label}", kv.key(tree)),
                        }
                    ));
                if !edits.is_empty() {
                    d = d.with_fix(Fix {
                        title: "double every `$` of the hash".to_owned(),
                        edits,
                    });
                }
                out.push(d);
            }
        }
    }
}
