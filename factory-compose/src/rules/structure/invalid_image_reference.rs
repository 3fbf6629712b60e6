use crate::diagnostic::Diagnostics;
use crate::rules::{Context, Rule, declare_rule, registry};
use crate::span::Location;

declare_rule! {
    /// ## What it does
    /// Reports an `image` that is not a valid Docker image reference
    /// (`[registry[:port]/]path[:tag][@digest]`, lower-case path), after interpolation.
    ///
    /// ## Why is this bad?
    /// The pull fails at deploy time (`invalid reference format`). Upper-case letters, a stray
    /// space, or a variable that interpolates to an empty string (`/app:` when
    /// `CI_COMMIT_SHA` is unset) are the usual causes.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   app:
    ///     image: Registry/App:1.0
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   app:
    ///     image: registry/app:1.0
    /// ```
    pub(crate) struct InvalidImageReference {
        code: "FC033",
        name: "invalid-image-reference",
        severity: Error,
        summary: "invalid image reference after interpolation",
    }
}

impl Rule for InvalidImageReference {
    fn info(&self) -> &'static crate::rules::RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Diagnostics) {
        let tree = &cx.project.tree;
        for (index, svc) in cx.project.services.iter().enumerate() {
            let Some(image) = &svc.image else { continue };
            if image.text(tree).contains('$') {
                continue; // judged once interpolated
            }
            let Some(Err(e)) = cx.image(index) else {
                continue;
            };
            // Point inside the value when the written text is the value itself.
            let raw_len = image.at(tree).span.len() as usize;
            let at = if image.via(tree).is_none()
                && raw_len == image.text(tree).len()
                && e.range.end <= raw_len
            {
                let mut range = e.range.clone();
                if range.is_empty() {
                    range = range.start.saturating_sub(1)..range.start.max(1).min(raw_len);
                }
                Location::new(image.at(tree).file, image.at(tree).span.subspan(range))
            } else {
                image.primary(tree)
            };
            out.push(
                registry::diagnostic("FC033", format!("`{}` is not a valid image reference: {}", image.text(tree), e.message))
                    .at(at)
                    .with_help("write `registry/path/name:tag` in lower case, e.g. `${CI_REGISTRY_IMAGE}/app:${CI_COMMIT_SHA}`")
                    .with_inherited_from(image.inherited_from(tree)),
            );
        }
    }
}
