use factory_route::BasicAuth;

use crate::diagnostic::Diagnostics;
use crate::rules::route::labels_with;
use crate::rules::route::{AUTH_PROPS, ValueLocator, raw_value, uses_missing_variable};
use crate::rules::{Context, Rule, declare_rule, registry};

declare_rule! {
    /// ## What it does
    /// Reports a `traefik.frontend.auth.basic` entry that is not `user:hash`, and a hash that is
    /// not an htpasswd format Traefik v1 can check (apr1, MD5-crypt, bcrypt, `{SHA}`). Entries
    /// are separated by `,`; an empty value means no authentication.
    ///
    /// ## Why is this bad?
    /// Traefik refuses an entry without exactly one `:`, and compares any other hash (plain
    /// text, DES crypt, `$5$`/`$6$`) as MD5-crypt: no password ever matches, the users are
    /// locked out.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     labels:
    ///       traefik.frontend.auth.basic: bob:secret
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   web:
    ///     labels:
    ///       traefik.frontend.auth.basic: bob:$$apr1$$FNdSDLrp$$TAXy/4ZjKQtNCupEyQ4tl1
    /// ```
    pub(crate) struct InvalidBasicAuth {
        code: "FR007",
        name: "invalid-basic-auth",
        severity: Error,
        summary: "`traefik.frontend.auth.basic` entry is not `user:hash` or the hash is not a known htpasswd format",
    }
}

impl Rule for InvalidBasicAuth {
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
                // A `$` Compose ate is FR008's; a hash from an unset variable is not known here.
                if raw_value(cx, kv)
                    .and_then(factory_route::find_undoubled_dollars)
                    .is_some()
                    || uses_missing_variable(cx, kv)
                {
                    continue;
                }
                let Err(errors) = BasicAuth::parse(value.value) else {
                    continue;
                };
                let place = ValueLocator::new(cx, kv);
                for e in errors {
                    out.push(
                        registry::diagnostic(
                            "FR007",
                            format!(
                                "`{}` of `{}`: {}",
                                kv.key(tree),
                                svc.name(&cx.project.tree),
                                e.message
                            ),
                        )
                        .at(place.at(e.span.clone()))
                        .with_help(e.help.clone())
                        .with_inherited_from(value.inherited_from()),
                    );
                }
            }
        }
    }
}
