//! `factory rule [CODE]`.

use std::fmt::Write as _;
use std::process::ExitCode;

use factory_compose::rules::registry;

use crate::args::{RuleArgs, RuleFormat};
use crate::output::emit;

pub(crate) fn run(args: &RuleArgs) -> Result<ExitCode, String> {
    let text = match &args.code {
        Some(code) => {
            let rule = registry::find(code)
                .ok_or_else(|| format!("unknown rule `{code}`; `factory rule` lists every rule"))?;
            match args.format {
                RuleFormat::Human => format!(
                    "# {} ({}) — {}\n\nDefault severity: {}\n\n{}",
                    rule.code,
                    rule.name,
                    rule.summary,
                    rule.severity,
                    rule.documentation()
                ),
                RuleFormat::Json => json(&[rule]),
            }
        }
        None => match args.format {
            RuleFormat::Human => {
                let mut out = String::new();
                // The names' column is as wide as the longest name: a summary never touches it.
                let width = registry::all().map(|r| r.name.len()).max().unwrap_or(0);
                for r in registry::all() {
                    let _ = writeln!(
                        out,
                        "{}  {:<8} {:<width$}  {}",
                        r.code,
                        r.severity.as_str(),
                        r.name,
                        r.summary
                    );
                }
                out
            }
            RuleFormat::Json => json(&registry::all().collect::<Vec<_>>()),
        },
    };
    emit(&text, None)?;
    Ok(ExitCode::SUCCESS)
}

fn json(rules: &[&factory_compose::RuleInfo]) -> String {
    let list: Vec<_> = rules
        .iter()
        .map(|r| {
            serde_json::json!({
                "code": r.code,
                "name": r.name,
                "severity": r.severity.as_str(),
                "summary": r.summary,
                "documentation": r.documentation(),
            })
        })
        .collect();
    let mut s = serde_json::to_string_pretty(&list).unwrap_or_default();
    s.push('\n');
    s
}
