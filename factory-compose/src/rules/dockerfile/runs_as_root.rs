use std::collections::{BTreeMap, BTreeSet};

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::dockerfile::{FinalUser, RunAs};
use crate::gitlab_ci::BuildLine;
use crate::rules::dockerfile::link::{self, Link, ProjectDockerfile, Target, dockerfiles};
use crate::rules::{Context, Rule, declare_rule, registry};

declare_rule! {
    /// ## What it does
    /// Reports a Dockerfile whose final stage runs as root: it has no `USER` instruction (nor
    /// inherits one from an earlier stage it is built `FROM`), or its last `USER` is `root`, `0`
    /// or `0:0`. The diagnostic points at the `USER root` line, or at the final `FROM` when
    /// there is no `USER`.
    ///
    /// The image is the final stage, unless a `docker build` line of `.gitlab-ci.yml` builds
    /// the Dockerfile with `--target STAGE`: Docker then builds that stage, so FD001 judges it
    /// (with the stages it is built on) and names it: "stage `prod` of `Dockerfile` runs as
    /// root", with the build line as a second place. Each image is judged once: each stage
    /// the build lines build, and the final stage when no line builds the file or a service
    /// runs it without a build line (through `Dockerfile.NAME` or `Dockerfile`). A target
    /// factory cannot read (`--target ${STAGE}`), or one that names no stage (Docker fails
    /// that build), leaves the final stage judged, and the build line says so.
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

/// An image FD001 judges: a stage of one Dockerfile, with what builds it.
#[derive(Default)]
struct Judged<'c> {
    /// Whether a `--target` names the stage (else it is built as the final stage).
    named: bool,
    /// The build lines with a `--target`, and what that target is, that build this stage.
    builds: Vec<(&'c BuildLine, Target)>,
    /// The services that run it, with how they were linked (found when a build line has a
    /// `--target`: else every service of the file runs its final stage).
    services: Vec<&'c (usize, Link<'c>)>,
}

impl Rule for RunsAsRoot {
    fn info(&self) -> &'static crate::rules::RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Diagnostics) {
        let tree = &cx.project.tree;
        let files = dockerfiles(cx);
        if files.is_empty() {
            return;
        }
        // The build lines and the services of each Dockerfile, found once for all the files
        // (per Dockerfile it was every service again: 4 000 of each took minutes).
        let mut builds_of: Vec<Vec<&BuildLine>> = files.iter().map(|_| Vec::new()).collect();
        for b in link::build_lines(cx) {
            if let Some(list) =
                link::dockerfile_named(cx, &b.build.dockerfile).and_then(|i| builds_of.get_mut(i))
            {
                list.push(b);
            }
        }
        // Linked only when needed: to find the stages services run when a build line has a
        // `--target`, else for the services of a finding.
        let services_of = std::cell::OnceCell::new();
        let services_of = || {
            services_of.get_or_init(|| {
                let mut services_of: Vec<Vec<(usize, Link<'_>)>> =
                    files.iter().map(|_| Vec::new()).collect();
                let index_of: super::super::FastMap<_, usize> =
                    files.iter().enumerate().map(|(i, f)| (f.id, i)).collect();
                for (s, svc) in cx.project.services.iter().enumerate() {
                    if let Some(l) = link::link(cx, svc)
                        && let Some(list) = index_of
                            .get(&l.dockerfile.id)
                            .and_then(|i| services_of.get_mut(*i))
                    {
                        list.push((s, l));
                    }
                }
                services_of
            })
        };
        let any_target = link::build_lines(cx)
            .iter()
            .any(|b| b.build.target.is_some());
        for (i, (f, builds)) in files.iter().zip(builds_of).enumerate() {
            let df = &f.parsed;
            let Some(last) = df.stages.len().checked_sub(1) else {
                out.extend(f.over_budget(&df.final_user()));
                continue; // no FROM: not a Dockerfile Docker would build
            };
            // Each image built from the file once: the stages its build lines build, the final
            // stage for a service linked without a build line, and the final stage of a file
            // no line builds (as `docker build` without `--target` would).
            let mut judged: BTreeMap<usize, Judged<'_>> = BTreeMap::new();
            if builds.is_empty() {
                judged.entry(last).or_default();
            }
            for b in builds {
                let target = Target::of(df, b.build.target.as_deref());
                let stage = judged.entry(target.index(df).unwrap_or(last)).or_default();
                stage.named |= matches!(target, Target::Stage(_));
                if b.build.target.is_some() {
                    stage.builds.push((b, target));
                }
            }
            if any_target {
                for service in services_of().get(i).into_iter().flatten() {
                    let (_, l) = service;
                    judged
                        .entry(l.stage().unwrap_or(last))
                        .or_default()
                        .services
                        .push(service);
                }
            }
            let mut over_budget = BTreeSet::new();
            let stages: Vec<usize> = judged.keys().copied().collect();
            for ((stage, image), user) in judged.into_iter().zip(df.stage_users(&stages)) {
                if over_budget.insert(user.over_budget) {
                    out.extend(f.over_budget(&user));
                }
                if user.run_as != RunAs::Root {
                    continue;
                }
                let Some(d) = diagnostic(f, stage, image.named, &user) else {
                    continue;
                };
                let mut d = d;
                for (b, target) in &image.builds {
                    let written = b.build.target.as_deref().unwrap_or("");
                    let note = match target {
                        Target::Stage(_) => {
                            format!("job `{}` builds this stage (`--target {written}`)", b.job)
                        }
                        Target::Variable => format!(
                            "job `{}` builds `--target {written}`, which factory cannot read: it judges the final stage",
                            b.job
                        ),
                        Target::Missing | Target::Final => format!(
                            "job `{}` builds `--target {written}`, which names no stage of `{}`: Docker fails this build (BuildKit: `target stage \"{written}\" could not be found`)",
                            b.job, f.name
                        ),
                    };
                    d = d.with_secondary(b.location, note);
                }
                let services = if any_target {
                    image.services
                } else {
                    services_of().get(i).into_iter().flatten().collect()
                };
                for (s, l) in services {
                    if let Some(svc) = cx.project.services.get(*s)
                        && let Some(image) = &svc.image
                    {
                        d = d.with_secondary(
                            image.primary(tree),
                            format!("service `{}` runs this image ({})", svc.name(tree), l.how),
                        );
                    }
                }
                out.push(d.with_help(HELP));
            }
        }
    }
}

/// FD001 for stage `stage` of `f`, which runs as root (`user`): at its `USER root`, else at
/// its `FROM`.
fn diagnostic(
    f: &ProjectDockerfile,
    stage: usize,
    named: bool,
    user: &FinalUser,
) -> Option<Diagnostic> {
    let df = &f.parsed;
    let title = link::stage_title(f, stage, named);
    let short = link::stage_short(f, stage, named);
    let base = df.stages.get(stage).map_or("", |s| s.base.as_str());
    let final_from = user.final_from?;
    let Some(at) = user.user_instruction else {
        let loc = f.line_of(final_from)?;
        // No stage of the chain sets a user: the image's user is that of the image the first
        // stage of the chain starts from (`python:3`, not the stage `base` built on it).
        let image = df
            .chain_root(stage)
            .and_then(|i| df.stages.get(i))
            .map_or(base, |s| s.base.as_str());
        return Some(
            registry::diagnostic(
                "FD001",
                format!(
                    "{title} sets no `USER`: the image runs as root (unless its base image `{image}` sets a user, which factory cannot see)"
                ),
            )
            .at_labelled(loc, format!("{}, without `USER`", short.trim_start_matches("the "))),
        );
    };
    let loc = f.line_of(at)?;
    let written = df.instructions.get(at).map_or("", |i| i.args.as_str());
    if !user.inherited {
        return Some(
            registry::diagnostic("FD001", format!("{title} runs as root (`USER {written}`)"))
                .at(loc),
        );
    }
    let mut d = registry::diagnostic(
        "FD001",
        format!(
            "{title} runs as root: it is built on stage `{base}`, whose last `USER` is `{written}`"
        ),
    )
    .at(loc);
    if let Some(from) = f.line_of(final_from) {
        d = d.with_secondary(from, format!("{short} starts here"));
    }
    Some(d)
}

#[cfg(test)]
mod tests {
    use crate::rules::dockerfile::findings;

    const COMPOSE: &str =
        "services:\n  app:\n    image: ${CI_REGISTRY_IMAGE}/app:${CI_COMMIT_SHA}\n";
    /// `dev`, the final stage, runs as root; `prod` runs as uid 1001 (inherited from `base`).
    const STAGES: &str = "FROM python:3 AS base\nRUN useradd -u 1001 app\nUSER app\n\
                          FROM base AS Prod\nCOPY . /app\n\
                          FROM base AS dev\nUSER root\n";

    fn fd001(dockerfile: &str, ci: Option<&str>) -> Vec<String> {
        let mut files = vec![("docker-compose.yml", COMPOSE), ("Dockerfile", dockerfile)];
        files.extend(ci.map(|ci| (".gitlab-ci.yml", ci)));
        findings(&files, &["FD001"])
    }

    fn ci(lines: &[(&str, &str)]) -> String {
        lines
            .iter()
            .map(|(job, line)| format!("{job}:\n  script:\n    - {line}\n"))
            .collect()
    }

    /// `docker build --target prod` builds `prod`, which runs as uid 1001: the final stage
    /// `dev`, built by no line, is not an image of the project.
    #[test]
    fn the_target_stage_is_judged_not_the_final_one() {
        let built = ci(&[(
            "build",
            "docker build --target prod -t $CI_REGISTRY_IMAGE/app:$CI_COMMIT_SHA .",
        )]);
        assert_eq!(fd001(STAGES, Some(&built)), Vec::<String>::new());
        // Without the build line, or a build without `--target`: the final stage, as before.
        let want = [
            "FD001 Dockerfile:7 the final stage of `Dockerfile` runs as root (`USER root`)",
            "  docker-compose.yml:3 service `app` runs this image (the project's main Dockerfile (the image `app` is the project's own and there is no `Dockerfile.app`))",
        ];
        assert_eq!(fd001(STAGES, None), want);
        let plain = ci(&[(
            "build",
            "docker build -t $CI_REGISTRY_IMAGE/app:$CI_COMMIT_SHA .",
        )]);
        assert_eq!(
            fd001(STAGES, Some(&plain)),
            [
                "FD001 Dockerfile:7 the final stage of `Dockerfile` runs as root (`USER root`)",
                "  docker-compose.yml:3 service `app` runs this image (linked through `docker build -f Dockerfile` in job `build` of .gitlab-ci.yml)",
            ]
        );
    }

    /// Two jobs build two stages: each image is judged once, `dev` (root) is named, with its
    /// build lines; the service runs the image of its tag, `prod`.
    #[test]
    fn each_target_built_is_judged_once_and_named() {
        let built = ci(&[
            (
                "dev",
                "docker build -t $CI_REGISTRY_IMAGE/app:dev --target=dev .",
            ),
            (
                "dev2",
                "docker build --target \"DEV\" -t $CI_REGISTRY_IMAGE/app:dev2 .",
            ),
            (
                "prod",
                "docker build --target prod -t $CI_REGISTRY_IMAGE/app:$CI_COMMIT_SHA .",
            ),
        ]);
        assert_eq!(
            fd001(STAGES, Some(&built)),
            [
                "FD001 Dockerfile:7 stage `dev` of `Dockerfile` runs as root (`USER root`)",
                "  .gitlab-ci.yml:3 job `dev` builds this stage (`--target dev`)",
                "  .gitlab-ci.yml:6 job `dev2` builds this stage (`--target DEV`)",
            ]
        );
    }

    /// `--target prod` names the final stage, which another job builds without `--target`:
    /// one image, one finding, named by its target.
    #[test]
    fn the_final_stage_named_by_a_target_is_one_image() {
        let built = ci(&[
            (
                "plain",
                "docker build -t $CI_REGISTRY_IMAGE/app:$CI_COMMIT_SHA .",
            ),
            (
                "prod",
                "docker build --target prod -t $CI_REGISTRY_IMAGE/app:prod .",
            ),
        ]);
        assert_eq!(
            fd001("FROM python:3 AS prod\nUSER root\n", Some(&built)),
            [
                "FD001 Dockerfile:2 stage `prod` of `Dockerfile` runs as root (`USER root`)",
                "  .gitlab-ci.yml:6 job `prod` builds this stage (`--target prod`)",
                "  docker-compose.yml:3 service `app` runs this image (linked through `docker build -f Dockerfile` in job `plain` of .gitlab-ci.yml)",
            ]
        );
    }

    /// A stage built on one that runs as root, or with no `USER` at all: the messages and
    /// labels name the target stage.
    #[test]
    fn an_inherited_root_and_no_user_name_the_target_stage() {
        let built = ci(&[(
            "build",
            "docker build --target prod -t $CI_REGISTRY_IMAGE/app:$CI_COMMIT_SHA .",
        )]);
        let inherited = "FROM python:3 AS base\nUSER root\nFROM base AS prod\nRUN true\nFROM base AS dev\nUSER 1001\n";
        assert_eq!(
            fd001(inherited, Some(&built)),
            [
                "FD001 Dockerfile:2 stage `prod` of `Dockerfile` runs as root: it is built on stage `base`, whose last `USER` is `root`",
                "  Dockerfile:3 stage `prod` starts here",
                "  .gitlab-ci.yml:3 job `build` builds this stage (`--target prod`)",
                "  docker-compose.yml:3 service `app` runs this image (linked through `docker build -f Dockerfile --target prod` in job `build` of .gitlab-ci.yml)",
            ]
        );
        let no_user = "FROM python:3 AS prod\nRUN true\nFROM python:3 AS dev\nUSER 1001\n";
        assert_eq!(
            fd001(no_user, Some(&built)),
            [
                "FD001 Dockerfile:1 stage `prod` of `Dockerfile` sets no `USER`: the image runs as root (unless its base image `python:3` sets a user, which factory cannot see)",
                "  Dockerfile:1 stage `prod`, without `USER`",
                "  .gitlab-ci.yml:3 job `build` builds this stage (`--target prod`)",
                "  docker-compose.yml:3 service `app` runs this image (linked through `docker build -f Dockerfile --target prod` in job `build` of .gitlab-ci.yml)",
            ]
        );
    }

    /// A target that names no stage (Docker fails the build) or that factory cannot read (a
    /// variable): the final stage is judged, and the build line says why.
    #[test]
    fn an_unknown_target_leaves_the_final_stage_judged() {
        let built = ci(&[
            (
                "typo",
                "docker build --target prodd -t $CI_REGISTRY_IMAGE/app:$CI_COMMIT_SHA .",
            ),
            (
                "variable",
                "docker build --target ${STAGE} -t $CI_REGISTRY_IMAGE/app:x .",
            ),
        ]);
        assert_eq!(
            fd001(STAGES, Some(&built)),
            [
                "FD001 Dockerfile:7 the final stage of `Dockerfile` runs as root (`USER root`)",
                "  .gitlab-ci.yml:3 job `typo` builds `--target prodd`, which names no stage of `Dockerfile`: Docker fails this build (BuildKit: `target stage \"prodd\" could not be found`)",
                "  .gitlab-ci.yml:6 job `variable` builds `--target ${STAGE}`, which factory cannot read: it judges the final stage",
                "  docker-compose.yml:3 service `app` runs this image (linked through `docker build -f Dockerfile --target prodd` in job `typo` of .gitlab-ci.yml)",
            ]
        );
    }

    /// The file builds `prod` for one image, and another service runs it without a build line
    /// (the main Dockerfile for an image no line builds): that image is the final stage.
    #[test]
    fn a_service_linked_without_a_build_line_runs_the_final_stage() {
        let compose = format!("{COMPOSE}  worker:\n    image: ${{CI_REGISTRY_IMAGE}}/worker:1\n");
        let built = ci(&[(
            "build",
            "docker build --target prod -t $CI_REGISTRY_IMAGE/app:$CI_COMMIT_SHA .",
        )]);
        let got = findings(
            &[
                ("docker-compose.yml", &compose),
                ("Dockerfile", STAGES),
                (".gitlab-ci.yml", &built),
            ],
            &["FD001"],
        );
        assert_eq!(
            got,
            [
                "FD001 Dockerfile:7 the final stage of `Dockerfile` runs as root (`USER root`)",
                "  docker-compose.yml:5 service `worker` runs this image (the project's main Dockerfile (the image `worker` is the project's own and there is no `Dockerfile.worker`))",
            ]
        );
    }
}
