use crate::diagnostic::Diagnostics;
use crate::rules::{Context, Rule, declare_rule, registry};

declare_rule! {
    /// ## What it does
    /// Reports an `image` without a tag (or digest), or with the tag `latest`.
    ///
    /// ## Why is this bad?
    /// Such a deploy is not reproducible: the image behind `latest` changes under you, and a
    /// redeploy of an old commit runs new code. The platform tags every image it builds with the
    /// commit (`${CI_COMMIT_SHA}`).
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   app:
    ///     image: registry/app
    ///   cache:
    ///     image: redis:latest
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   app:
    ///     image: ${CI_REGISTRY_IMAGE}/app:${CI_COMMIT_SHA}
    ///   cache:
    ///     image: redis:7.2
    /// ```
    pub(crate) struct ImageWithoutTag {
        code: "FC034",
        name: "image-without-tag",
        severity: Warning,
        summary: "image without tag or with `latest` (deploys are not reproducible)",
    }
}

impl Rule for ImageWithoutTag {
    fn info(&self) -> &'static crate::rules::RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Diagnostics) {
        let tree = &cx.project.tree;
        for (index, svc) in cx.project.services.iter().enumerate() {
            let Some(image) = &svc.image else { continue };
            if image.text(tree).contains('$') {
                continue;
            }
            let Some(Ok(r)) = cx.image(index) else {
                continue;
            }; // FC033
            let message = match (r.tag, r.digest) {
                (_, Some(_)) => continue,
                (None, None) => format!("`{}` has no tag, so it means `latest`", image.text(tree)),
                (Some("latest"), None) => format!("`{}` uses the `latest` tag", image.text(tree)),
                (Some(_), None) => continue,
            };
            out.push(
                image
                    .point(tree, registry::diagnostic("FC034", message))
                    .with_help("pin a version (`redis:7.2`) or, for images CI builds, the commit (`:${CI_COMMIT_SHA}`)"),
            );
        }
    }
}
