use std::collections::{BTreeSet, HashMap};

use crate::diagnostic::Diagnostics;
use crate::dockerfile::RunAs;
use crate::rules::dockerfile::link::{self, ProjectDockerfile, dockerfiles};
use crate::rules::{Context, Rule, declare_rule, registry};

declare_rule! {
    /// ## What it does
    /// Reports a service that mounts volumes (not all read-only) while the image it runs (built by one of the
    /// project's Dockerfiles) does not run as uid 1001: `USER` names another uid, or a user whose
    /// `useradd`/`adduser` gives no `--uid 1001`, or a user the Dockerfile does not create.
    ///
    /// The service is linked to its Dockerfile through its image: a `docker build -t
    /// $CI_REGISTRY_IMAGE/NAME -f FILE` line of `.gitlab-ci.yml`, else `Dockerfile.NAME` for
    /// `image: ${CI_REGISTRY_IMAGE}/NAME:…` (the platform's convention), else the project's
    /// `Dockerfile` (of several build lines for the image name, the first with the service's
    /// tag: `:$CI_COMMIT_SHA` for `:${CI_COMMIT_SHA}`, else the first). When the build line
    /// says `--target STAGE`, the image is that stage (and
    /// the stages it is built on), not the final one, and the message names it. Images the
    /// project does not build are not checked; an image that runs as root is FD001's.
    ///
    /// ## Why is this bad?
    /// The platform creates mount points owned by uid 1001. A process running as another uid
    /// cannot write to them: the application fails at the first write, in production only.
    /// `useradd` without `--uid` picks the next free uid (often 1000).
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM bearstech/python:3
    /// RUN useradd app
    /// USER app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM bearstech/python:3
    /// ARG uid=1001
    /// RUN useradd app --uid ${uid}
    /// USER app
    /// ```
    pub(crate) struct VolumeOwnerMismatch {
        code: "FD003",
        name: "volume-owner-mismatch",
        severity: Warning,
        summary: "a service mounts volumes but its image's user is not uid 1001",
    }
}

/// Whether the service mounts a volume it may write to (not every one is read-only).
fn writes_to_volumes(cx: &Context<'_>, svc: &crate::model::Service) -> bool {
    let tree = &cx.project.tree;
    let short = svc
        .volumes
        .iter()
        .flat_map(|v| v.items(cx.project))
        .any(|entry| {
            crate::volume::parse_short(&entry.located(tree)).map_or(true, |v| {
                !v.mode
                    .as_deref()
                    .is_some_and(|m| m.split(',').any(|o| o == "ro"))
            })
        });
    let long = svc.volumes_long().iter().any(|id| {
        tree.get(*id, "read_only")
            .and_then(|e| crate::yaml::scalar_text(tree, e.value))
            != Some("true")
    });
    short || long
}

impl Rule for VolumeOwnerMismatch {
    fn info(&self) -> &'static crate::rules::RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Diagnostics) {
        let files = dockerfiles(cx);
        if files.is_empty() {
            return;
        }
        // The services to check and the images they run.
        let mut images = Vec::new();
        for svc in &cx.project.services {
            if !writes_to_volumes(cx, svc) {
                continue;
            }
            let Some(key) = svc.key(&cx.project.tree, "volumes") else {
                continue;
            };
            let Some(l) = link::link(cx, svc) else {
                continue;
            };
            images.push((svc, key, l));
        }
        // Each image (a stage of a Dockerfile) is walked once, whatever the number of services
        // that run it, and each Dockerfile once for all its stages that services run.
        let mut stages_of: Vec<(&ProjectDockerfile, Vec<usize>)> = Vec::new();
        let mut file_slot = HashMap::new();
        for (_, _, l) in &images {
            let slot = *file_slot.entry(l.dockerfile.id).or_insert_with(|| {
                stages_of.push((l.dockerfile, Vec::new()));
                stages_of.len() - 1
            });
            if let (Some(stage), Some((_, stages))) = (l.stage(), stages_of.get_mut(slot)) {
                stages.push(stage);
            }
        }
        let mut users = HashMap::new();
        for (f, mut stages) in stages_of {
            stages.sort_unstable();
            stages.dedup();
            if stages.is_empty() {
                // No `FROM`: no stage, the user of no image.
                let user = f.parsed.final_user();
                out.extend(f.over_budget(&user));
                users.insert((f.id, None), user);
                continue;
            }
            let found = f.parsed.stage_users(&stages);
            let mut reported = BTreeSet::new();
            for (stage, user) in stages.into_iter().zip(found) {
                if reported.insert(user.over_budget) {
                    out.extend(f.over_budget(&user));
                }
                users.insert((f.id, Some(stage)), user);
            }
        }
        for (svc, key, l) in images {
            let f = l.dockerfile;
            let stage = l.stage();
            let Some(user) = users.get(&(f.id, stage)) else {
                continue;
            };
            let name = svc.name(&cx.project.tree);
            let (why, note) = match &user.run_as {
                RunAs::Root => continue, // FD001
                RunAs::Uid(1001)
                | RunAs::Named {
                    uid: Some(1001), ..
                } => continue,
                RunAs::Uid(uid) => (
                    format!("it runs as uid {uid}"),
                    format!("runs as uid {uid}"),
                ),
                RunAs::Named {
                    name: user_name,
                    uid: Some(uid),
                } => (
                    format!("it runs as `{user_name}`, uid {uid}"),
                    format!("`{user_name}` has uid {uid}"),
                ),
                RunAs::Named {
                    name: user_name,
                    uid: None,
                } => {
                    if user.over_budget.is_some() && user.uid_instruction.is_none() {
                        // A budget cut what the file creates (FC004 says where): unknown,
                        // not absent.
                        continue;
                    }
                    if user.uid_instruction.is_some() {
                        (
                            format!(
                                "it runs as `{user_name}`, created without `--uid` (so with the next free uid, often 1000)"
                            ),
                            format!("`{user_name}` is created without `--uid`"),
                        )
                    } else {
                        (
                            format!(
                                "it runs as `{user_name}`, which `{}` does not create (uid unknown)",
                                f.name
                            ),
                            format!("`{user_name}` is not created in this file"),
                        )
                    }
                }
                RunAs::Unresolved(v) => (
                    format!("it runs as `{v}`, whose value is not known"),
                    format!("`{v}` has no default value"),
                ),
            };
            // A `--target` names the stage the image is: say which.
            let image = match stage {
                Some(stage) if l.named() => {
                    format!("its image ({})", link::stage_title(f, stage, true))
                }
                _ => "its image".to_owned(),
            };
            let mut d = key.point(registry::diagnostic(
                "FD003",
                format!(
                    "service `{name}` mounts volumes but {image} does not run as uid 1001: {why}"
                ),
            ));
            let user_line = user.user_instruction.and_then(|i| f.line_of(i));
            if let Some(at) = user_line {
                d = d.with_secondary(at, format!("{}: {note}", l.describe()));
            }
            if let Some(at) = user.uid_instruction.and_then(|i| f.line_of(i)) {
                d = d.with_secondary(at, "the user is created here");
            }
            out.push(d.with_help(
                "create the user with uid 1001 (`RUN useradd app --uid 1001`) and run as it (`USER app`): the platform's volumes are owned by uid 1001",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::dockerfile::findings;

    /// `dev` runs as uid 1000, `prod` (the final stage) as uid 1001.
    const STAGES: &str = "FROM python:3 AS dev\nRUN useradd -u 1000 app\nUSER app\n\
                          FROM python:3 AS prod\nRUN useradd -u 1001 app\nUSER app\n";

    fn fd003(target: &str) -> Vec<String> {
        let compose = "services:\n  app:\n    image: ${CI_REGISTRY_IMAGE}/app:${CI_COMMIT_SHA}\n    volumes:\n      - ./data:/data\n";
        let ci = format!(
            "build:\n  script:\n    - docker build {target} -t $CI_REGISTRY_IMAGE/app:$CI_COMMIT_SHA .\n"
        );
        findings(
            &[
                ("docker-compose.yml", compose),
                ("Dockerfile", STAGES),
                (".gitlab-ci.yml", &ci),
            ],
            &["FD003"],
        )
    }

    /// The image is the stage `--target` builds: its user decides, and the message names it.
    #[test]
    fn the_user_is_the_target_stages() {
        assert_eq!(fd003(""), Vec::<String>::new());
        assert_eq!(fd003("--target prod"), Vec::<String>::new());
        assert_eq!(
            fd003("--target=Dev"),
            [
                "FD003 docker-compose.yml:4 service `app` mounts volumes but its image (stage `dev` of `Dockerfile`) does not run as uid 1001: it runs as `app`, uid 1000",
                "  Dockerfile:3 `Dockerfile`, linked through `docker build -f Dockerfile --target Dev` in job `build` of .gitlab-ci.yml: `app` has uid 1000",
                "  Dockerfile:2 the user is created here",
            ]
        );
    }

    /// Past the budget for copying a stage's variables, the users the file creates are
    /// unknown, not absent: no "does not create" for the stages built then (one FC004).
    #[test]
    fn users_past_the_copy_budget_are_unknown() {
        let n = 30;
        let mut dockerfile = format!(
            "FROM python:3 AS base\nRUN useradd -u 1001 app\nUSER app\nENV BIG={}\n",
            "x".repeat(200_000)
        );
        let (mut compose, mut ci) = (String::from("services:\n"), String::new());
        for i in 0..n {
            dockerfile.push_str(&format!("FROM base AS c{i}\n"));
            compose.push_str(&format!(
                "  a{i}:\n    image: ${{CI_REGISTRY_IMAGE}}/a{i}:1\n    volumes: ['./d:/d']\n"
            ));
            ci.push_str(&format!(
                "b{i}:\n  script: ['docker build --target c{i} -t $CI_REGISTRY_IMAGE/a{i}:1 .']\n"
            ));
        }
        let found = findings(
            &[
                ("docker-compose.yml", &compose),
                ("Dockerfile", &dockerfile),
                (".gitlab-ci.yml", &ci),
            ],
            &["FD003", "FC004"],
        );
        let codes: Vec<&str> = found
            .iter()
            .filter(|l| !l.starts_with(' '))
            .map(|l| &l[..5])
            .collect();
        assert_eq!(codes, ["FC004"], "{found:#?}");
    }

    /// `$(NAME)` in a job's script runs a command `NAME`: it is not the variable. The service's
    /// `:${CI_COMMIT_SHA}` is not the tag `:$(CI_COMMIT_SHA)` (it runs the first build of its
    /// name, `dev`, uid 1000), and `-t $(CI_REGISTRY_IMAGE)/app` builds no image of the project
    /// (the service runs the final stage, `prod`, uid 1001).
    #[test]
    fn a_command_substitution_is_not_the_variable() {
        let compose = "services:\n  app:\n    image: ${CI_REGISTRY_IMAGE}/app:${CI_COMMIT_SHA}\n    volumes:\n      - ./data:/data\n";
        let run = |ci: &str| {
            findings(
                &[
                    ("docker-compose.yml", compose),
                    ("Dockerfile", STAGES),
                    (".gitlab-ci.yml", ci),
                ],
                &["FD003"],
            )
            .len()
        };
        let dev =
            "dev:\n  script:\n    - docker build --target dev -t $CI_REGISTRY_IMAGE/app:dev .\n";
        let prod = |tag: &str| {
            format!(
                "{dev}prod:\n  script:\n    - docker build --target prod -t $CI_REGISTRY_IMAGE/app:{tag} .\n"
            )
        };
        assert_eq!(run(&prod("$CI_COMMIT_SHA")), 0);
        assert_eq!(run(&prod("$(CI_COMMIT_SHA)")), 3);
        let registry = "dev:\n  script:\n    - docker build --target dev -t $(CI_REGISTRY_IMAGE)/app:$CI_COMMIT_SHA .\n";
        assert_eq!(run(registry), 0);
        assert_eq!(
            run(&registry.replace("$(CI_REGISTRY_IMAGE)", "$CI_REGISTRY_IMAGE")),
            3
        );
    }

    /// An image without a tag is `latest` on both sides: the service runs the build tagged
    /// without one (`--target prod`), not the first build of its name (`:dev`); a build of
    /// another tag does not stand in for it when one of `latest` exists. A digest alone pins
    /// no tag.
    #[test]
    fn no_tag_is_latest() {
        let compose = "services:\n  app:\n    image: ${CI_REGISTRY_IMAGE}/app\n    volumes:\n      - ./data:/data\n";
        let ci = "dev:\n  script:\n    - docker build --target dev -t $CI_REGISTRY_IMAGE/app:dev .\n\
                  prod:\n  script:\n    - docker build --target prod -t $CI_REGISTRY_IMAGE/app .\n";
        let run = |compose: &str| {
            findings(
                &[
                    ("docker-compose.yml", compose),
                    ("Dockerfile", STAGES),
                    (".gitlab-ci.yml", ci),
                ],
                &["FD003"],
            )
        };
        assert_eq!(run(compose), Vec::<String>::new());
        assert_eq!(
            run(&compose.replace("/app\n", "/app:latest\n")),
            Vec::<String>::new()
        );
        assert_eq!(run(&compose.replace("/app\n", "/app:dev\n")).len(), 3);
        // A digest pins no tag: the first build of the name, unless a tag is written too.
        let digest = format!("@sha256:{}", "0".repeat(64));
        assert_eq!(
            run(&compose.replace("/app\n", &format!("/app{digest}\n"))).len(),
            3
        );
        assert_eq!(
            run(&compose.replace("/app\n", &format!("/app:latest{digest}\n"))),
            Vec::<String>::new()
        );
    }
}
