//! FD: Dockerfiles.

pub(crate) mod link;
pub(crate) mod runs_as_root;
pub(crate) mod volume_instruction;
pub(crate) mod volume_owner_mismatch;

use crate::rules::Rule;

/// The rules of this family, sorted by code.
pub(crate) static RULES: &[&dyn Rule] = &[
    &runs_as_root::RunsAsRoot,
    &volume_instruction::VolumeInstruction,
    &volume_owner_mismatch::VolumeOwnerMismatch,
];

/// A project of a few files linted, its Dockerfile findings written one a line for the FD
/// rules' tests: `FD001 Dockerfile:4 message`, then `  file:line label` for each label.
#[cfg(test)]
pub(crate) fn findings(files: &[(&str, &str)], codes: &[&str]) -> Vec<String> {
    use crate::{FileKind, ProcessEnv, Settings, SourceFile, SourceMap};
    let mut sources = SourceMap::new();
    for (name, text) in files {
        let kind = match *name {
            "docker-compose.yml" => FileKind::Compose,
            ".env" => FileKind::Dotenv,
            ".gitlab-ci.yml" => FileKind::GitlabCi,
            _ => FileKind::Dockerfile,
        };
        sources.add(SourceFile::new(*name, *text, kind));
    }
    let report = crate::lint(&sources, &ProcessEnv::default(), &Settings::default());
    let place = |l: &crate::diagnostic::Label| {
        let f = sources.get(l.location.file);
        let start = l.location.span.range().start;
        let line = f.text.get(..start).map_or(0, |t| t.matches('\n').count()) + 1;
        format!("{}:{line}", f.name)
    };
    let mut out = Vec::new();
    for d in report
        .diagnostics
        .iter()
        .filter(|d| codes.contains(&d.code))
    {
        let at = d.primary.as_ref().map_or_else(|| "-".to_owned(), place);
        out.push(format!("{} {at} {}", d.code, d.message));
        for l in d
            .primary
            .iter()
            .filter(|l| l.text.is_some())
            .chain(&d.secondary)
        {
            out.push(format!(
                "  {} {}",
                place(l),
                l.text.as_deref().unwrap_or("")
            ));
        }
    }
    out
}
