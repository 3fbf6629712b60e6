use crate::diagnostic::Diagnostics;
use crate::rules::{Context, Rule, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a key of the platform's allow-list whose value has the wrong type for Compose's
    /// schema: `image: 1.0` (a number), `environment: FOO` (a string), `tty: 1` … It also
    /// reports a repeated item in the lists whose items Compose wants unique (`depends_on`,
    /// `networks`, `security_opt`, `volumes_from`: "items at 0 and 1 are equal"), and a
    /// `ports` item Compose cannot read once interpolated (`80:80/xyz`, an empty `${PORT}`,
    /// `1e3`, a `host_ip` that is no IP address): the platform deprecates `ports` (FC015) but
    /// Compose still refuses the project for them.
    ///
    /// ## Why is this bad?
    /// Compose validates the file against its schema and refuses it with
    /// `services.app.image must be a string`: nothing deploys.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   app:
    ///     image: 1.0
    ///     expose: 9000
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   app:
    ///     image: "1.0"
    ///     expose: ["9000"]
    /// ```
    pub(crate) struct WrongType {
        code: "FC020",
        name: "wrong-type",
        severity: Error,
        summary: "a key has the wrong type (Compose's schema)",
    }
}

// The schema's findings are reported as the files load; the `ports` items here.
impl Rule for WrongType {
    fn info(&self) -> &'static crate::rules::RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Diagnostics) {
        for svc in &cx.project.services {
            crate::consistency::port_refusals(&cx.project.tree, svc, out);
        }
    }
}
