//! `factory lint [PATH]`.

use std::process::ExitCode;

use factory_compose::report::{github, gitlab, human, json, sarif};
use factory_compose::{Report, SourceMap, check, fix, lint};

use crate::args::{LintArgs, LintFormat};
use crate::config::{self, Options, Resolved, Threshold};
use crate::discover;
use crate::output::{color, emit};
use crate::project::{self, ProjectFiles};

/// Rounds of fix → re-lint before giving up on reaching a fixed point.
const MAX_FIX_ROUNDS: usize = 10;

/// The configuration layers for this run: flags, `FACTORY_*`, `factory.toml`.
fn configuration(args: &LintArgs) -> Result<Resolved, String> {
    let mut cli = Options::default();
    if !args.ignore.is_empty() {
        let mut codes = Vec::new();
        for c in &args.ignore {
            codes.extend(config::codes(c).map_err(|e| format!("--ignore: {e}"))?);
        }
        cli.ignore = Some(codes);
    }
    if !args.severity.is_empty() {
        let mut map = std::collections::BTreeMap::new();
        for s in &args.severity {
            let (code, level) =
                config::parse_severity(s).map_err(|e| format!("--severity: {e}"))?;
            map.insert(code, level);
        }
        cli.severity = Some(map);
    }
    if args.deny_warnings
        && let Some(level) = args.failure_threshold
        && matches!(level, Threshold::Error | Threshold::None)
    {
        return Err(format!(
            "--deny-warnings makes warnings fail: it contradicts --failure-threshold {}",
            format!("{level:?}").to_lowercase()
        ));
    }
    cli.failure_threshold = args
        .failure_threshold
        .or(args.deny_warnings.then_some(Threshold::Warning));
    let dir = discover::project_dir(
        args.path.as_deref(),
        args.project.project_directory.as_deref(),
        &args.project.files,
    )?;
    config::resolve(cli, &dir, args.config.as_deref(), args.no_config)
}

fn lint_filtered(files: &ProjectFiles, sources: &SourceMap, conf: &Resolved) -> Report {
    conf.filter
        .apply(lint(sources, &files.process, &files.settings), sources)
}

pub(crate) fn run(args: &LintArgs) -> Result<ExitCode, String> {
    let conf = configuration(args)?;
    let p = config::project_defaults(&args.project, &conf)?;
    let mut files = project::read(args.path.as_deref(), &p)?;
    // What `lint` does (load, then check), with the load finding referenced files made.
    let loaded = files.load();
    let mut report = conf.filter.apply(
        check(&loaded, &files.sources, &files.process, &files.settings),
        &files.sources,
    );
    // The fixed copy of the sources, only with `--fix`/`--diff` (a plain lint keeps one copy).
    let fixed_sources: Option<SourceMap> = if args.fix || args.diff {
        drop(loaded);
        let mut sources = files.sources.clone();
        for _ in 0..MAX_FIX_ROUNDS {
            let fixed = fix::apply(&report, &sources);
            if fixed.is_empty() {
                break;
            }
            sources = fix::replaced(&sources, &fixed);
            report = lint_filtered(&files, &sources, &conf);
        }
        let mut diff = String::new();
        let mut changed = 0usize;
        for ((id, before), (_, after)) in files.sources.iter().zip(sources.iter()) {
            if before.text == after.text {
                continue;
            }
            changed += 1;
            if args.diff {
                diff.push_str(&fix::unified_diff(&before.name, &before.text, &after.text));
            } else if let Some(path) = files.paths.get(usize::from(id.0)) {
                if path == std::path::Path::new("-") {
                    return Err(
                        "cannot fix standard input in place: `--diff` prints the fixes".to_owned(),
                    );
                }
                std::fs::write(path, after.text.as_bytes())
                    .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            }
        }
        if args.diff {
            emit(&diff, p.output.as_deref())?;
            return Ok(if changed > 0 {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            });
        }
        if changed > 0 {
            crate::output::to_stderr(&format!(
                "fixed {changed} file{}\n",
                if changed == 1 { "" } else { "s" }
            ));
        }
        Some(sources)
    } else {
        // The process exits after printing the report: freeing the model and tree value by
        // value (about 10 ms for 10 000 services) would only delay the exit.
        std::mem::forget(loaded);
        None
    };
    let sources = fixed_sources.as_ref().unwrap_or(&files.sources);

    let text = match args.format {
        LintFormat::Human => human::render(
            &report,
            sources,
            color(p.no_color, p.output.is_some()),
            sources.len(),
        ),
        LintFormat::Json => json::render(&report, sources),
        LintFormat::Sarif => sarif::render(&report, sources),
        LintFormat::Gitlab => gitlab::render(&report, sources),
        LintFormat::Github => github::render(&report, sources),
    };
    emit(&text, p.output.as_deref())?;
    let fixable = report
        .diagnostics
        .iter()
        .filter(|d| d.fix.is_some())
        .count();
    if args.format == LintFormat::Human && fixable > 0 && !args.fix {
        crate::output::to_stderr(&format!(
            "{fixable} finding{} can be fixed with `factory lint --fix` (`--diff` to preview)\n",
            if fixable == 1 { "" } else { "s" }
        ));
    }
    let failing = report
        .diagnostics
        .iter()
        .any(|d| conf.threshold.fails(d.severity));
    Ok(if failing {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
