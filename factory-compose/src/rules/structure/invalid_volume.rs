use crate::diagnostic::Diagnostics;
use crate::rules::{Context, Rule, declare_rule, registry};
use crate::span::Location;
use crate::volume::{VolumeSource, parse_long, parse_short};

declare_rule! {
    /// ## What it does
    /// Checks each `volumes` entry: the short syntax `SOURCE:TARGET[:MODE]` with an absolute
    /// container path and known modes, or a long-syntax mapping with `type` and `target`. Named
    /// and anonymous volumes are reported too: a named volume needs a top-level `volumes:`,
    /// which the platform does not deploy, and an anonymous one is lost at every deploy. So are
    /// two mounts on one container path: Compose refuses a short and a long one
    /// (`./a:/data` and `{target: /data/}`), and keeps only the last of two short ones of a
    /// file (`./a:/data` and `./b:/data/`: `./a` is never mounted, without a word).
    ///
    /// ## Why is this bad?
    /// Compose refuses malformed entries. On the platform, data must live in a host folder of
    /// the project (`./data:/data`), which is what gets backed up and kept across deploys.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   app:
    ///     volumes:
    ///       - data:/var/lib/app
    ///       - ./conf:etc/app
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   app:
    ///     volumes:
    ///       - ./data:/var/lib/app
    ///       - ./conf:/etc/app
    /// ```
    pub(crate) struct InvalidVolume {
        code: "FC026",
        name: "invalid-volume",
        severity: Error,
        summary: "invalid `volumes` entry; named volumes need a top-level `volumes:` which the platform forbids",
    }
}

impl Rule for InvalidVolume {
    fn info(&self) -> &'static crate::rules::RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Diagnostics) {
        for svc in &cx.project.services {
            let push = |out: &mut Diagnostics,
                        at: Location,
                        via: Option<Location>,
                        message: String,
                        help: &str| {
                let d = registry::diagnostic("FC026", message).with_help(help);
                out.push(d.at_inherited(at, via));
            };
            let short = svc
                .volumes
                .iter()
                .flat_map(|v| v.items(cx.project))
                .map(|e| e.located(&cx.project.tree))
                .filter(|e| !e.value.contains('$'));
            let mut parsed = Vec::new();
            // Short items of one file on one container path: Compose keeps the last, and
            // drops the others without a word (an override file's item replaces on purpose).
            let mut by_target: std::collections::HashMap<(crate::span::FileId, String), usize> =
                std::collections::HashMap::new();
            let mut dropped: Vec<(usize, usize)> = Vec::new();
            let short: Vec<_> = short.collect();
            for (i, entry) in short.iter().enumerate() {
                match parse_short(entry) {
                    Ok(v) => {
                        if let Some(target) = &v.target {
                            let clean = target.trim_end_matches('/');
                            let clean = if clean.is_empty() { "/" } else { clean };
                            if let Some(earlier) =
                                by_target.insert((entry.at.file, clean.to_owned()), i)
                            {
                                dropped.push((earlier, i));
                            }
                        }
                        parsed.push(v);
                    }
                    Err(why) => push(
                        out,
                        entry.at,
                        entry.via,
                        format!("invalid volume `{}`: {why}", entry.value),
                        "write `./host/path:/container/path` (optionally `:ro`)",
                    ),
                }
            }
            for &id in svc.volumes_long() {
                match parse_long(&cx.project.tree, id) {
                    Ok(v) => parsed.push(v),
                    Err(why) => {
                        let n = cx.project.tree.node(id);
                        push(
                            out,
                            Location::new(n.file, n.span),
                            None,
                            format!("invalid volume: {why}"),
                            "write `type: bind`, `source: ./host/path` and `target: /container/path` (a `tmpfs` volume: `size` such as `64m`, `mode` as an unquoted number)",
                        );
                    }
                }
            }
            for v in parsed {
                match &v.source {
                    VolumeSource::Named(name) => push(
                        out,
                        v.at,
                        v.via,
                        format!(
                            "`{name}` is a named volume, which needs a top-level `volumes:` that the platform does not deploy"
                        ),
                        &format!(
                            "mount a folder of the project instead: `./{name}:{}`",
                            v.target.as_deref().unwrap_or("/data")
                        ),
                    ),
                    VolumeSource::Anonymous => push(
                        out,
                        v.at,
                        v.via,
                        format!(
                            "`{}` is an anonymous volume: its data is lost at every deploy",
                            v.target.as_deref().unwrap_or("")
                        ),
                        &format!(
                            "mount a folder of the project instead: `./data:{}`",
                            v.target.as_deref().unwrap_or("/data")
                        ),
                    ),
                    VolumeSource::Bind(_) | VolumeSource::Tmpfs => {}
                }
            }
            for (earlier, later) in dropped {
                let (a, b) = (&short[earlier], &short[later]);
                if a.value == b.value {
                    continue; // the same mount twice: nothing is lost
                }
                let d = registry::diagnostic(
                    "FC026",
                    format!(
                        "`{}` is never mounted: `{}` mounts the same container path, and Compose keeps only the last",
                        a.value, b.value
                    ),
                )
                .with_help("remove one of the two, or mount them on different paths")
                .with_secondary(b.at, "the mount Compose keeps");
                out.push(d.at_inherited(a.at, a.via));
            }
            // Two mounts on one container path (not both short): Compose refuses the project.
            crate::consistency::mount_refusals(&cx.project.tree, svc, out);
        }
    }
}
