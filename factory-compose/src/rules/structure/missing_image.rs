use crate::diagnostic::Diagnostics;
use crate::rules::{Context, Rule, declare_rule, registry};

declare_rule! {
    /// ## What it does
    /// Reports a service without `image`, pointing at the service's name.
    ///
    /// ## Why is this bad?
    /// There is no build at deploy time: the platform pulls the image that CI built and pushed.
    /// A service with only `build:` works locally and has nothing to run in production.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   app:
    ///     build: .
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   app:
    ///     image: ${CI_REGISTRY_IMAGE}/app:${CI_COMMIT_SHA}
    /// ```
    pub(crate) struct MissingImage {
        code: "FC032",
        name: "missing-image",
        severity: Error,
        summary: "service has no `image`",
    }
}

impl Rule for MissingImage {
    fn info(&self) -> &'static crate::rules::RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Diagnostics) {
        for svc in &cx.project.services {
            if svc.image.is_some() || svc.entry(&cx.project.tree, "image").is_some() {
                continue; // a wrong-typed image is FC020
            }
            // Its `extends` may reach a file the caller did not read, being too deep (FC004
            // says where): the image may be there.
            if !cx.settings.unread_files.is_empty()
                && svc.entry(&cx.project.tree, "extends").is_some()
            {
                continue;
            }
            let name = svc.name(&cx.project.tree);
            out.push(
                svc.located_name(&cx.project.tree)
                    .point(registry::diagnostic("FC032", format!("service `{name}` has no `image`")))
                    .with_help(format!("CI builds and pushes the image; add `image: ${{CI_REGISTRY_IMAGE}}/{name}:${{CI_COMMIT_SHA}}`")),
            );
        }
    }
}
