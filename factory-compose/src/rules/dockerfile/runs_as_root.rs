use crate::diagnostic::Diagnostics;
use crate::dockerfile::RunAs;
use crate::rules::dockerfile::link::{self, dockerfiles};
use crate::rules::{Context, Rule, declare_rule, registry};

declare_rule! {
    /// ## What it does
    /// Reports a Dockerfile whose final stage runs as root: it has no `USER` instruction (nor
    /// inherits one from an earlier stage it is built `FROM`), or its last `USER` is `root`, `0`
    /// or `0:0`. The diagnostic points at the `USER root` line, or at the final `FROM` when
    /// there is no `USER`.
    ///
    /// ## Why is this bad?
    /// The platform bans images that run as root, for security: a process escaping the
    /// application runs with root's rights in the container. Docker runs an image as root unless
    /// it says otherwise. (A base image may set its own `USER`; factory cannot see it, so it asks
    /// for an explicit one.)
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM bearstech/python:3
    /// COPY . /app
    /// CMD ["python3", "-m", "http.server", "9000"]
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM bearstech/python:3
    /// ARG uid=1001
    /// RUN useradd app --uid ${uid} --shell /bin/bash --home /home/app
    /// USER app
    /// COPY . /home/app
    /// CMD ["python3", "-m", "http.server", "9000"]
    /// ```
    pub(crate) struct RunsAsRoot {
        code: "FD001",
        name: "runs-as-root",
        severity: Error,
        summary: "final stage runs as root (no `USER`, or `USER root`/`0`)",
    }
}

const HELP: &str = "create a user with uid 1001 and switch to it before `CMD`: `RUN useradd app --uid 1001` then `USER app` (uid 1001 can also write to the project's volumes)";

impl Rule for RunsAsRoot {
    fn info(&self) -> &'static crate::rules::RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Diagnostics) {
        let tree = &cx.project.tree;
        let files = dockerfiles(cx);
        // Which Dockerfile runs each service's image, found once for all the files (per root
        // Dockerfile it was every service again: 4 000 of each took minutes).
        let links = std::cell::OnceCell::new();
        let links = || {
            links.get_or_init(|| {
                (cx.project.services.iter())
                    .map(|svc| link::link(cx, svc))
                    .collect::<Vec<_>>()
            })
        };
        for f in files {
            let df = &f.parsed;
            let user = df.final_user();
            out.extend(f.over_budget(&user));
            if user.run_as != RunAs::Root {
                continue;
            }
            let Some(final_from) = user.final_from else {
                continue; // no FROM: not a Dockerfile Docker would build
            };
            let mut d = match user.user_instruction {
                Some(at) => {
                    let Some(loc) = f.line_of(at) else { continue };
                    let written = df.instructions.get(at).map_or("", |i| i.args.as_str());
                    let message = if user.inherited {
                        let stage = df.stages.last().map_or("", |s| s.base.as_str());
                        format!(
                            "the final stage of `{}` runs as root: it is built on stage `{stage}`, whose last `USER` is `{written}`",
                            f.name
                        )
                    } else {
                        format!(
                            "the final stage of `{}` runs as root (`USER {written}`)",
                            f.name
                        )
                    };
                    let mut d = registry::diagnostic("FD001", message).at(loc);
                    if user.inherited
                        && let Some(from) = f.line_of(final_from)
                    {
                        d = d.with_secondary(from, "the final stage starts here");
                    }
                    d
                }
                None => {
                    let Some(loc) = f.line_of(final_from) else {
                        continue;
                    };
                    let base = df.stages.last().map_or("", |s| s.base.as_str());
                    registry::diagnostic(
                        "FD001",
                        format!(
                            "the final stage of `{}` sets no `USER`: the image runs as root (unless its base image `{base}` sets a user, which factory cannot see)",
                            f.name
                        ),
                    )
                    .at_labelled(loc, "final stage, without `USER`")
                }
            };
            for (svc, l) in cx.project.services.iter().zip(links()) {
                if let Some(l) = l
                    && l.dockerfile.id == f.id
                    && let Some(image) = &svc.image
                {
                    d = d.with_secondary(
                        image.primary(tree),
                        format!(
                            "service `{}` runs this image ({})",
                            svc.name(&cx.project.tree),
                            l.how
                        ),
                    );
                }
            }
            out.push(d.with_help(HELP));
        }
    }
}
