use crate::diagnostic::Diagnostics;
use crate::rules::dockerfile::link::dockerfiles;
use crate::rules::{Context, Rule, declare_rule, registry};

declare_rule! {
    /// ## What it does
    /// Reports every `VOLUME` instruction of the project's Dockerfiles (JSON or plain form), in
    /// every stage, whichever stage a `docker build --target` builds: the platform forbids the
    /// instruction in a Dockerfile, and a stage left out of one image is another build's
    /// target, or the base of one, as the file changes.
    ///
    /// ## Why is this bad?
    /// The platform forbids `VOLUME` in Dockerfiles: it creates anonymous volumes that are not
    /// backed up, and it silently discards whatever later build steps write under that path.
    /// Volumes belong in `docker-compose.yml`, where the platform creates them (owned by uid
    /// 1001) and backs them up.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM bearstech/python:3
    /// VOLUME /home/app/data
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// # docker-compose.yml
    /// services:
    ///   app:
    ///     image: ${CI_REGISTRY_IMAGE}/app:${CI_COMMIT_SHA}
    ///     volumes:
    ///       - ./data:/home/app/data
    /// ```
    pub(crate) struct VolumeInstruction {
        code: "FD002",
        name: "volume-instruction",
        severity: Error,
        summary: "`VOLUME` instruction",
    }
}

impl Rule for VolumeInstruction {
    fn info(&self) -> &'static crate::rules::RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Diagnostics) {
        for f in dockerfiles(cx) {
            for (ins, paths) in f.parsed.volumes() {
                let shown = paths
                    .iter()
                    .map(|p| format!("`{p}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                // A path made of plain path characters (not a broken JSON array read as words:
                // `["/x",`): the help shows the mount to write for it.
                let example = paths
                    .iter()
                    .map(String::as_str)
                    .find(|p| {
                        !p.is_empty()
                            && p.chars().all(|c| {
                                c.is_alphanumeric() || matches!(c, '/' | '.' | '_' | '-' | '@')
                            })
                    })
                    .unwrap_or("/data");
                let target = if example.starts_with('/') {
                    example.to_owned()
                } else {
                    format!("/{example}")
                };
                let host = target
                    .rsplit('/')
                    .next()
                    .filter(|s| !s.is_empty())
                    .unwrap_or("data");
                out.push(
                    registry::diagnostic(
                        "FD002",
                        format!(
                            "`{}` declares a volume ({shown}) with `VOLUME`, which the platform forbids",
                            f.name
                        ),
                    )
                    .at(f.line(ins))
                    .with_help(format!(
                        "remove the instruction and mount the path in docker-compose.yml instead (`volumes: [\"./{host}:{target}\"]`): volumes created by `VOLUME` are not backed up"
                    )),
                );
            }
        }
    }
}
