//! Which Dockerfile builds a service's image.
//!
//! The platform builds images in CI with `docker build -t $(CI_REGISTRY_IMAGE)/NAME:$(CI_COMMIT_SHA)
//! -f Dockerfile.NAME` (the manual's Makefile and its `Dockerfile.cdn` example) and compose uses
//! `image: ${CI_REGISTRY_IMAGE}/NAME:${CI_COMMIT_SHA}`. A service is linked to a Dockerfile when
//! its image is the project's own (`${CI_REGISTRY_IMAGE}…` as written, or starting with the
//! value of `CI_REGISTRY_IMAGE`), in this order:
//!
//! 1. a `docker build -t $CI_REGISTRY_IMAGE/NAME… -f FILE` line of a `.gitlab-ci.yml` job script
//!    builds the same image name, and FILE is one of the project's Dockerfiles (in a script, a
//!    shell line, the Makefile's `$(CI_REGISTRY_IMAGE)` is a command substitution, not the
//!    variable: [`same_variables`]);
//! 2. `Dockerfile.NAME` exists (NAME: the image path after the registry image, `app` in
//!    `${CI_REGISTRY_IMAGE}/app:${CI_COMMIT_SHA}`);
//! 3. `Dockerfile` exists: the project's main Dockerfile builds every image of the project that
//!    has no `Dockerfile.NAME` of its own.
//!
//! Images of other registries (`postgres:9.6`, `bearstech/nginx`) are not linked. When several
//! build lines build the image name, the first whose tag is the service's (`:$CI_COMMIT_SHA`
//! for `:${CI_COMMIT_SHA}`) links it, else the first.
//!
//! The image is the Dockerfile's final stage, unless the build line says `--target STAGE`:
//! Docker then builds that stage (and the stages it is built on), and the FD rules and the
//! image's `EXPOSE` ports read that stage. Stage names compare case-insensitively, as BuildKit
//! compares them. A target factory cannot follow is read as no target, the final stage: a
//! variable (`--target ${STAGE}`, whose value the job may set), or a name of no stage (Docker
//! fails that build, BuildKit with `target stage "X" could not be found`; FD001 says so on the
//! build line when it reports the final stage).

use crate::diagnostic::Diagnostic;
use crate::dockerfile::{self, Dockerfile, FinalUser, ImageExposes, Instruction};
use crate::gitlab_ci::{BuildLine, same_variables};
use crate::model::Service;
use crate::rules::{Context, registry};
use crate::source::FileKind;
use crate::span::{FileId, Location, Span};

/// One Dockerfile of the project, parsed.
#[derive(Debug)]
pub(crate) struct ProjectDockerfile {
    pub(crate) id: FileId,
    /// The file name without directories (`Dockerfile.app`).
    pub(crate) name: String,
    /// The path as diagnostics show it.
    pub(crate) path: String,
    pub(crate) parsed: Dockerfile,
}

impl ProjectDockerfile {
    /// The location of an instruction's first line.
    pub(crate) fn line(&self, ins: &Instruction) -> Location {
        loc(self.id, &ins.first_line)
    }

    /// The location of instruction `index`'s first line.
    pub(crate) fn line_of(&self, index: usize) -> Option<Location> {
        self.parsed.instructions.get(index).map(|i| self.line(i))
    }
}

impl ProjectDockerfile {
    /// FC004 at the `EXPOSE` of this file where the project's Dockerfiles passed the ports
    /// factory reads ([`dockerfile::EXPOSED_BUDGET`]): the ports an image exposes may then be
    /// more than the FR rules count.
    pub(crate) fn exposed_over_budget(&self) -> Option<Diagnostic> {
        let at = self.line_of(self.parsed.exposed_cut()?)?;
        Some(
            registry::diagnostic(
                "FC004",
                format!(
                    "the `EXPOSE` ranges of the project's Dockerfiles pass {} ports, factory's budget, here in `{}`: from here on, only the first port of a range is read",
                    dockerfile::EXPOSED_BUDGET,
                    self.name
                ),
            )
            .at(at)
            .with_help("expose the ports the image serves, not whole ranges"),
        )
    }

    /// FC004 when a value of the file grew past what substitution allows
    /// ([`crate::dockerfile::FinalUser::over_budget`]): the rules go on with it unknown.
    pub(crate) fn over_budget(&self, user: &FinalUser) -> Option<Diagnostic> {
        let at = self.line_of(user.over_budget?)?;
        Some(
            registry::diagnostic(
                "FC004",
                format!(
                    "a value of `{}` passes factory's budget once its `ARG`/`ENV` variables are substituted ({} MiB for one value, {} MiB for all the values a stage and the stages it is built on substitute): the rules take it as unknown, like an unset variable",
                    self.name,
                    dockerfile::MAX_SUBSTITUTED >> 20,
                    self.parsed.substitution_budget() >> 20
                ),
            )
            .at(at)
            .with_help("a variable used twice in the next one (`ARG B=${A}${A}`) doubles at each line, and a large value copied into many lines adds up: write the values out"),
        )
    }
}

/// Which stage of its Dockerfile a build builds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    /// No `--target`: the final stage.
    Final,
    /// `--target` names stage `.0`.
    Stage(usize),
    /// `--target` uses a variable (`${STAGE}`): read as the final stage.
    Variable,
    /// `--target` names no stage: Docker fails the build; read as the final stage.
    Missing,
}

impl Target {
    /// The stage a build line's `--target` (as written) builds in `df`.
    pub(crate) fn of(df: &Dockerfile, target: Option<&str>) -> Self {
        match target {
            None => Target::Final,
            Some(t) if t.contains('$') => Target::Variable,
            Some(t) => df.stage_named(t).map_or(Target::Missing, Target::Stage),
        }
    }

    /// The index of the stage read in `df` (`None`: a file without `FROM`).
    pub(crate) fn index(self, df: &Dockerfile) -> Option<usize> {
        match self {
            Target::Stage(i) => Some(i),
            _ => df.stages.len().checked_sub(1),
        }
    }
}

/// `stage `prod` of `Dockerfile`` when a `--target` names the stage, else `the final stage of
/// `Dockerfile``: how the FD rules name the image they judge.
pub(crate) fn stage_title(f: &ProjectDockerfile, stage: usize, named: bool) -> String {
    format!("{} of `{}`", stage_short(f, stage, named), f.name)
}

/// [`stage_title`] without the file: `stage `prod``, else `the final stage`.
pub(crate) fn stage_short(f: &ProjectDockerfile, stage: usize, named: bool) -> String {
    match f.parsed.stages.get(stage).and_then(|s| s.name.as_deref()) {
        Some(name) if named => format!("stage `{name}`"),
        _ => "the final stage".to_owned(),
    }
}

/// The ports a container exposes as Traefik sees them: its service's (`expose`, `ports`) and
/// those its image's `EXPOSE` declares, without repeats.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ContainerPorts {
    /// How many.
    pub(crate) count: usize,
    /// The first [`ImageExposes::LISTED`]: the service's, then the image's (nearest stage
    /// first).
    pub(crate) first: Vec<u16>,
    /// The lowest.
    pub(crate) lowest: Option<u16>,
}

impl ContainerPorts {
    /// The ports of a service (`service`, without repeats) whose image is `image`, if the
    /// project builds it.
    pub(crate) fn new(service: &[u16], image: Option<&Link<'_>>) -> Self {
        let mut out = ContainerPorts {
            count: service.len(),
            first: service.iter().take(ImageExposes::LISTED).copied().collect(),
            lowest: service.iter().min().copied(),
        };
        let Some((df, stage)) = image.and_then(|l| Some((&l.dockerfile.parsed, l.stage()?))) else {
            return out;
        };
        let Some(exposes) = df.image_exposes(stage) else {
            return out;
        };
        // The image's first ports are enough: the list is full, or the service has fewer
        // ports than it holds, and of the image's first ports at most that many are skipped.
        for &port in &exposes.first {
            if out.first.len() == ImageExposes::LISTED {
                break;
            }
            if !service.contains(&port) {
                out.first.push(port);
            }
        }
        let shared = service
            .iter()
            .filter(|&&p| df.image_exposes_port(stage, p))
            .count();
        out.count += exposes.count - shared;
        out.lowest = out.lowest.into_iter().chain(exposes.lowest).min();
        out
    }
}

pub(crate) fn loc(id: FileId, r: &std::ops::Range<usize>) -> Location {
    let n = |x: usize| u32::try_from(x).unwrap_or(u32::MAX);
    Location::new(id, Span::new(n(r.start), n(r.end)))
}

/// Every Dockerfile of the sources, parsed once for all the rules, in the order they were
/// added.
pub(crate) fn dockerfiles<'c>(cx: &'c Context<'_>) -> &'c [ProjectDockerfile] {
    cx.dockerfiles.get_or_init(|| {
        // The files share one budget of `EXPOSE` ports: many files of ranges would otherwise
        // each hold a million.
        let mut exposed_left = dockerfile::EXPOSED_BUDGET;
        cx.sources
            .of_kind(FileKind::Dockerfile)
            .map(|id| {
                let f = cx.sources.get(id);
                ProjectDockerfile {
                    id,
                    name: base_name(&f.name).to_owned(),
                    path: f.name.clone(),
                    parsed: dockerfile::parse_sharing(&f.text, &mut exposed_left),
                }
            })
            .collect()
    })
}

fn base_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// How a service was linked to its Dockerfile.
#[derive(Debug)]
pub(crate) struct Link<'a> {
    pub(crate) dockerfile: &'a ProjectDockerfile,
    /// "linked through the image name `app`" …
    pub(crate) how: String,
    /// The stage the build line builds ([`Target::Final`] without a build line).
    pub(crate) target: Target,
}

impl Link<'_> {
    /// `Dockerfile.app, linked through the image name `app``.
    pub(crate) fn describe(&self) -> String {
        format!("`{}`, {}", self.dockerfile.name, self.how)
    }

    /// The index of the image's stage (`None`: a file without `FROM`).
    pub(crate) fn stage(&self) -> Option<usize> {
        self.target.index(&self.dockerfile.parsed)
    }

    /// Whether a `--target` names the image's stage.
    pub(crate) fn named(&self) -> bool {
        matches!(self.target, Target::Stage(_))
    }

    /// Whether the image's `EXPOSE` instructions (of its stage and the stages it is built on)
    /// have a word, a variable's included: Docker records the image as exposing a port.
    pub(crate) fn image_exposes_any(&self) -> bool {
        self.stage()
            .and_then(|s| self.dockerfile.parsed.image_exposes(s))
            .is_some_and(|e| e.any)
    }
}

/// The index of the Dockerfile a build line's `-f FILE` names: the first whose path is FILE or
/// ends with `/FILE`.
pub(crate) fn dockerfile_named(cx: &Context<'_>, wanted: &str) -> Option<usize> {
    let paths = cx.dockerfile_paths.get_or_init(|| {
        let mut paths = super::super::FastMap::default();
        for (i, f) in dockerfiles(cx).iter().enumerate() {
            paths.entry(f.path.clone()).or_insert(i);
            for (at, _) in f.path.match_indices('/') {
                paths.entry(f.path[at + 1..].to_owned()).or_insert(i);
            }
        }
        paths
    });
    paths.get(wanted).copied()
}

/// The `docker build` lines of the project's `.gitlab-ci.yml` files, and the lines of each
/// image name, in order.
#[derive(Debug, Default)]
pub(crate) struct BuildLines {
    lines: Vec<BuildLine>,
    /// Image name (after the registry image) → indices in `lines`: a service finds the builds
    /// of its image without a scan of every line.
    by_image: std::collections::HashMap<Option<String>, Vec<usize>>,
    /// The same by image name and tag ([`docker_tag`]): a service finds the build of its
    /// tag among many of one name without a scan of them.
    by_tag: std::collections::HashMap<(Option<String>, String), Vec<usize>>,
}

fn build_index<'c>(cx: &'c Context<'_>) -> &'c BuildLines {
    cx.build_lines.get_or_init(|| {
        let lines: Vec<BuildLine> = cx
            .gitlab_ci()
            .iter()
            .flat_map(|(_, ci)| ci.build_lines())
            .collect();
        let mut by_image: std::collections::HashMap<Option<String>, Vec<usize>> =
            std::collections::HashMap::new();
        let mut by_tag: std::collections::HashMap<(Option<String>, String), Vec<usize>> =
            std::collections::HashMap::new();
        for (i, b) in lines.iter().enumerate() {
            by_image
                .entry(b.build.image_name.clone())
                .or_default()
                .push(i);
            let tag = docker_tag(b.build.tag.clone());
            by_tag
                .entry((b.build.image_name.clone(), tag))
                .or_default()
                .push(i);
        }
        BuildLines {
            lines,
            by_image,
            by_tag,
        }
    })
}

/// The `docker build` lines of the project's `.gitlab-ci.yml`, if any, found once for all the
/// rules.
pub(crate) fn build_lines<'c>(cx: &'c Context<'_>) -> &'c [BuildLine] {
    &build_index(cx).lines
}

/// The build lines of image `name` (after the registry image), in order; with `tag`, those
/// of that tag ([`docker_tag`]).
fn builds_of<'c>(
    cx: &'c Context<'_>,
    name: &Option<String>,
    tag: Option<&str>,
) -> impl Iterator<Item = &'c BuildLine> {
    let index = build_index(cx);
    let found = match tag {
        Some(tag) => index.by_tag.get(&(name.clone(), tag.to_owned())),
        None => index.by_image.get(name),
    };
    found
        .into_iter()
        .flatten()
        .filter_map(|&i| index.lines.get(i))
}

/// The image path after the project's registry image: `Some(Some("app"))` for
/// `${CI_REGISTRY_IMAGE}/app:tag`, `Some(None)` for `${CI_REGISTRY_IMAGE}:tag`, `None` for an
/// image the project does not build.
pub(crate) fn own_image_name(cx: &Context<'_>, svc: &Service) -> Option<Option<String>> {
    own_image(cx, svc).map(|(name, _)| name)
}

/// [`own_image_name`] and the image's tag, variables written `$NAME` ([`same_variables`]):
/// `(Some("app"), Some("$CI_COMMIT_SHA"))` for `${CI_REGISTRY_IMAGE}/app:${CI_COMMIT_SHA}`.
fn own_image(cx: &Context<'_>, svc: &Service) -> Option<(Option<String>, Option<String>)> {
    let image = svc.image.as_ref()?;
    let raw = svc
        .entry(&cx.project.tree, "image")
        .and_then(|e| cx.interpolation.raw_of(&cx.project.tree, e.value));
    let rest = raw
        .and_then(registry_image_rest)
        .map(str::to_owned)
        .or_else(|| {
            let registry = cx.variables.variable("CI_REGISTRY_IMAGE")?;
            let registry = registry.value.unmasked();
            if registry.is_empty() {
                return None;
            }
            image
                .text(&cx.project.tree)
                .strip_prefix(registry)
                .map(str::to_owned)
        })?;
    if !(rest.is_empty() || rest.starts_with(['/', ':', '@'])) {
        return None;
    }
    let path = rest
        .strip_prefix('/')
        .map(|r| r.split([':', '@']).next().unwrap_or(r).to_owned())
        .filter(|p| !p.is_empty());
    let written = rest
        .split('@')
        .next()
        .and_then(|r| r.split_once(':'))
        .map(|(_, t)| same_variables(t));
    // A digest without a tag pins none.
    let tag = (written.is_some() || !rest.contains('@')).then(|| docker_tag(written));
    Some((path, tag))
}

/// What follows the registry image in an image's raw text that starts with it:
/// `${CI_REGISTRY_IMAGE}`, `$CI_REGISTRY_IMAGE`, or with a default or a check
/// (`${CI_REGISTRY_IMAGE:-registry.example/app}`): `/web:1.0` of
/// `${CI_REGISTRY_IMAGE}/web:1.0`. Not `$CI_REGISTRY_IMAGE_2/web`, another variable.
fn registry_image_rest(raw: &str) -> Option<&str> {
    let Ok(template) = factory_env::Template::parse(raw) else {
        // A later part does not parse (FE001 says so): the plain forms still name it, as in a
        // build line.
        return crate::gitlab_ci::registry_rest(raw);
    };
    let first = template.variables().into_iter().next()?;
    // `${CI_REGISTRY_IMAGE:+other}` gives another text where the registry image is set.
    let alternate = matches!(
        first.op,
        Some(factory_env::Op::AlternateIfNonEmpty | factory_env::Op::AlternateIfSet)
    );
    (first.span.start == 0 && first.name == "CI_REGISTRY_IMAGE" && !alternate)
        .then(|| raw.get(first.span.end..))
        .flatten()
}

/// The tag of an image written with tag `written`: no tag is `latest`, as Docker reads it (a
/// build tagged without one builds `latest`, an image without one pulls it).
fn docker_tag(written: Option<String>) -> String {
    written.unwrap_or_else(|| "latest".to_owned())
}

/// The Dockerfile that builds `svc`'s image, and how it was found.
pub(crate) fn link<'c>(cx: &'c Context<'_>, svc: &Service) -> Option<Link<'c>> {
    let files = dockerfiles(cx);
    let (name, tag) = own_image(cx, svc)?;
    // The first build of the image name and the service's tag, else the first of the name
    // (of those whose Dockerfile is the project's).
    let resolved = |b: &'c BuildLine| {
        dockerfile_named(cx, &b.build.dockerfile)
            .and_then(|i| files.get(i))
            .map(|f| (b, f))
    };
    let first = tag
        .as_deref()
        .and_then(|t| builds_of(cx, &name, Some(t)).find_map(resolved))
        .or_else(|| builds_of(cx, &name, None).find_map(resolved));
    if let Some((b, f)) = first {
        let target = Target::of(&f.parsed, b.build.target.as_deref());
        let flag = b
            .build
            .target
            .as_ref()
            .map(|t| format!(" --target {t}"))
            .unwrap_or_default();
        return Some(Link {
            dockerfile: f,
            how: format!(
                "linked through `docker build -f {}{flag}` in job `{}` of .gitlab-ci.yml",
                b.build.dockerfile, b.job
            ),
            target,
        });
    }
    if let Some(n) = &name {
        let wanted = format!("Dockerfile.{n}");
        if let Some(f) = files.iter().find(|f| f.name == wanted) {
            return Some(Link {
                dockerfile: f,
                how: format!("linked through the image name `{n}`"),
                target: Target::Final,
            });
        }
    }
    let main = files.iter().find(|f| f.name == "Dockerfile")?;
    let how = match &name {
        Some(n) => format!(
            "the project's main Dockerfile (the image `{n}` is the project's own and there is no `Dockerfile.{n}`)"
        ),
        None => {
            "the project's main Dockerfile (the image is `${CI_REGISTRY_IMAGE}` itself)".to_owned()
        }
    };
    Some(Link {
        dockerfile: main,
        how,
        target: Target::Final,
    })
}

#[cfg(test)]
mod tests {
    use crate::rules::Context;
    use crate::{FileKind, ProcessEnv, Settings, SourceFile, SourceMap};

    /// (service, linked file, how) for every service of a project.
    fn links(compose: &str, dotenv: &str, files: &[(&str, FileKind)]) -> Vec<(String, String)> {
        let mut sources = SourceMap::new();
        sources.add(SourceFile::new(
            "docker-compose.yml",
            compose,
            FileKind::Compose,
        ));
        sources.add(SourceFile::new(".env", dotenv, FileKind::Dotenv));
        for (name, kind) in files {
            let text = if *kind == FileKind::GitlabCi {
                "build:\n  script:\n    - docker build -f docker/Dockerfile.web -t $CI_REGISTRY_IMAGE/web:$CI_COMMIT_SHA .\n"
            } else {
                "FROM a\n"
            };
            sources.add(SourceFile::new(*name, text, *kind));
        }
        let settings = Settings::default();
        let process = ProcessEnv::default();
        let loaded = crate::load(&sources, &process, &settings);
        let cx = Context::new(
            &loaded.project,
            &sources,
            &settings,
            (&loaded.variables, &loaded.interpolation, &loaded.dotenv),
            &process,
        );
        cx.project
            .services
            .iter()
            .map(|s| {
                let l = super::link(&cx, s);
                (
                    s.name(&cx.project.tree).to_string(),
                    l.map_or_else(|| "-".to_owned(), |l| l.describe()),
                )
            })
            .collect()
    }

    #[test]
    fn services_are_linked_by_ci_then_name_then_main_dockerfile() {
        let compose = "services:\n  app:\n    image: ${CI_REGISTRY_IMAGE}/app:${CI_COMMIT_SHA}\n  cdn:\n    image: $CI_REGISTRY_IMAGE/cdn\n  web:\n    image: ${CI_REGISTRY_IMAGE}/web:1\n  root:\n    image: ${CI_REGISTRY_IMAGE}:${CI_COMMIT_SHA}\n  literal:\n    image: registry.example/g/p/cdn:1\n  other:\n    image: registry.example/g/project/x:1\n  db:\n    image: postgres:9.6\n";
        let got = links(
            compose,
            "CI_REGISTRY_IMAGE=registry.example/g/p\n",
            &[
                ("Dockerfile", FileKind::Dockerfile),
                ("Dockerfile.cdn", FileKind::Dockerfile),
                ("docker/Dockerfile.web", FileKind::Dockerfile),
                (".gitlab-ci.yml", FileKind::GitlabCi),
            ],
        );
        let want = [
            (
                "app",
                "`Dockerfile`, the project's main Dockerfile (the image `app` is the project's own and there is no `Dockerfile.app`)",
            ),
            (
                "cdn",
                "`Dockerfile.cdn`, linked through the image name `cdn`",
            ),
            (
                "web",
                "`Dockerfile.web`, linked through `docker build -f docker/Dockerfile.web` in job `build` of .gitlab-ci.yml",
            ),
            (
                "root",
                "`Dockerfile`, the project's main Dockerfile (the image is `${CI_REGISTRY_IMAGE}` itself)",
            ),
            (
                "literal",
                "`Dockerfile.cdn`, linked through the image name `cdn`",
            ),
            ("other", "-"),
            ("db", "-"),
        ];
        let want: Vec<(String, String)> = want
            .iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect();
        assert_eq!(got, want);
    }

    /// Without `CI_REGISTRY_IMAGE` set, an image is the project's when its raw text starts
    /// with the variable, also with a default (`${CI_REGISTRY_IMAGE:-…}`), not another variable
    /// of which it is the start.
    #[test]
    fn the_registry_image_is_read_with_its_default() {
        let compose = "services:\n  web:\n    image: ${CI_REGISTRY_IMAGE:-registry.example/g/p}/web:1\n  app:\n    image: ${CI_REGISTRY_IMAGE-x}/app\n  two:\n    image: $CI_REGISTRY_IMAGE_2/web:1\n  three:\n    image: ${CI_REGISTRY_IMAGE}x/web:1\n";
        let got = links(
            compose,
            "",
            &[
                ("docker/Dockerfile.web", FileKind::Dockerfile),
                ("Dockerfile", FileKind::Dockerfile),
                (".gitlab-ci.yml", FileKind::GitlabCi),
            ],
        );
        let how: Vec<(&str, &str)> = got.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        assert_eq!(
            how,
            [
                (
                    "web",
                    "`Dockerfile.web`, linked through `docker build -f docker/Dockerfile.web` in job `build` of .gitlab-ci.yml"
                ),
                (
                    "app",
                    "`Dockerfile`, the project's main Dockerfile (the image `app` is the project's own and there is no `Dockerfile.app`)"
                ),
                ("two", "-"),
                ("three", "-"),
            ]
        );
        assert_eq!(
            super::registry_image_rest("${CI_REGISTRY_IMAGE:-a/b}/web:1"),
            Some("/web:1")
        );
        assert_eq!(super::registry_image_rest("$CI_REGISTRY_IMAGE"), Some(""));
        assert_eq!(super::registry_image_rest("x/${CI_REGISTRY_IMAGE}"), None);
        assert_eq!(super::registry_image_rest("${OTHER}/web"), None);
        assert_eq!(
            super::registry_image_rest("${CI_REGISTRY_IMAGE:+other/reg}/web"),
            None
        );
        assert_eq!(
            super::registry_image_rest("${CI_REGISTRY_IMAGE+other/reg}/web"),
            None
        );
        assert_eq!(
            super::registry_image_rest("${CI_REGISTRY_IMAGE:?set it}/web"),
            Some("/web")
        );
        // A tag that does not parse (FE001) leaves the registry image read.
        assert_eq!(
            super::registry_image_rest("${CI_REGISTRY_IMAGE}/web:${TAG"),
            Some("/web:${TAG")
        );
        assert_eq!(
            super::registry_image_rest("$CI_REGISTRY_IMAGE/web:${TAG"),
            Some("/web:${TAG")
        );
        assert_eq!(
            super::registry_image_rest("$CI_REGISTRY_IMAGE_2/web:${TAG"),
            None
        );
    }

    /// The image's exposed ports are those of the stage `--target` builds and the stages it
    /// is built on: `test` exposes 8000 and 9000, `prod` 8000, the final stage `dev` none.
    #[test]
    fn the_image_exposes_the_ports_of_its_target_stage() {
        let compose = "services:\n  app:\n    image: ${CI_REGISTRY_IMAGE}/app:${CI_COMMIT_SHA}\n    labels:\n      traefik.frontend.rule: Host:${CI_ENVIRONMENT_DOMAIN}\n";
        let dockerfile = "FROM a AS prod\nUSER 1001\nEXPOSE 8000\nFROM prod AS test\nEXPOSE 9000/tcp\nFROM a AS dev\nUSER 1001\n";
        let routes = |target: &str| {
            let ci = format!(
                "build:\n  script:\n    - docker build {target} -t $CI_REGISTRY_IMAGE/app:$CI_COMMIT_SHA .\n"
            );
            let got = crate::rules::dockerfile::findings(
                &[
                    ("docker-compose.yml", compose),
                    ("Dockerfile", dockerfile),
                    (".gitlab-ci.yml", &ci),
                ],
                &["FR002", "FR003"],
            );
            got.iter()
                .map(|l| l.split(" and sets").next().unwrap_or(l).to_owned())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            routes(""),
            [
                "FR002 docker-compose.yml:5 `app` is routed by Traefik but its compose file exposes no port"
            ]
        );
        assert_eq!(routes("--target prod"), Vec::<String>::new());
        assert_eq!(
            routes("--target test"),
            ["FR003 docker-compose.yml:5 `app` exposes 2 ports (9000, 8000)"]
        );
    }

    /// The container's ports are the service's first, then the image's (nearest stage first),
    /// each once: a port of both counts once, eight are listed, the lowest may be either's.
    #[test]
    fn the_container_exposes_the_service_ports_then_the_image_ports() {
        let service = |name: &str, expose: &str| {
            format!(
                "  {name}:\n    image: ${{CI_REGISTRY_IMAGE}}/{name}:1\n    expose: [{expose}]\n    labels:\n      traefik.frontend.rule: Host:{name}.example\n"
            )
        };
        let compose = format!(
            "services:\n{}{}{}",
            service("a", "'81', '9000'"),
            service("b", "'1-8'"),
            service("c", "")
        );
        let dockerfile = "FROM a AS base\nUSER 1001\nEXPOSE 80 81 82 83 84 85\nFROM base AS app\nEXPOSE 9000 80/tcp\n";
        let ci = "a:\n  script: ['docker build --target app -t $CI_REGISTRY_IMAGE/a:1 .']\n\
                  b:\n  script: ['docker build --target app -t $CI_REGISTRY_IMAGE/b:1 .']\n\
                  c:\n  script: ['docker build --target base -t $CI_REGISTRY_IMAGE/c:1 .']\n";
        let got = crate::rules::dockerfile::findings(
            &[
                ("docker-compose.yml", &compose),
                ("Dockerfile", dockerfile),
                (".gitlab-ci.yml", ci),
            ],
            &["FR003"],
        );
        let got: Vec<&str> = got
            .iter()
            .filter_map(|l| l.split_once(" `").map(|(_, m)| m))
            .map(|m| m.split(" which may").next().unwrap_or(m))
            .collect();
        assert_eq!(
            got,
            [
                "a` exposes 7 ports (81, 9000, 80, 82, 83, 84, 85) and sets no `traefik.port`: Traefik takes the lowest port of the container (80, or a lower one its image exposes),",
                "b` exposes 15 ports (1, 2, 3, 4, 5, 6, 7, 8, …) and sets no `traefik.port`: Traefik takes the lowest port of the container (1, or a lower one its image exposes),",
                "c` exposes 6 ports (80, 81, 82, 83, 84, 85) and sets no `traefik.port`: Traefik takes the lowest port of the container (80, or a lower one its image exposes),",
            ]
        );
    }

    #[test]
    fn without_a_main_dockerfile_unnamed_images_are_not_linked() {
        let compose = "services:\n  app:\n    image: ${CI_REGISTRY_IMAGE}/app:1\n";
        let got = links(compose, "", &[("Dockerfile.cdn", FileKind::Dockerfile)]);
        assert_eq!(got, [("app".to_owned(), "-".to_owned())]);
    }
}
