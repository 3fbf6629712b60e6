use factory_env::DotenvEntry;

use crate::diagnostic::{Diagnostics, Edit, Fix};
use crate::rules::{Context, Rule, declare_rule, registry};
use crate::span::{Location, Span};

declare_rule! {
    /// ## What it does
    /// Reports a `.env` line that uses shell syntax: a quoted value (`KEY="value"`,
    /// `KEY='value'`) or an `export` prefix.
    ///
    /// ## Why is this bad?
    /// Compose v2 strips the quotes and ignores `export`, but older Compose versions (the
    /// platform's Compose v1 era) read the file line by line: the quotes became part of the
    /// value (`"secret"` with its quotes) and `export KEY` was not the variable `KEY`. The same
    /// `.env` then gives different values on different machines. A `.env` file is not a shell
    /// script.
    ///
    /// ## Example
    /// ```yaml
    /// # .env
    /// export CI_REGISTRY_IMAGE=registry.example/team/app
    /// CI_ENVIRONMENT_DOMAIN="dev.example"
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// # .env
    /// CI_REGISTRY_IMAGE=registry.example/team/app
    /// CI_ENVIRONMENT_DOMAIN=dev.example
    /// ```
    pub(crate) struct DotenvShellSyntax {
        code: "FE005",
        name: "dotenv-shell-syntax",
        severity: Warning,
        summary: "`.env` value uses quotes or `export` (older Compose kept quotes literally)",
    }
}

impl Rule for DotenvShellSyntax {
    fn info(&self) -> &'static crate::rules::RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Diagnostics) {
        for (file, entry) in &cx.dotenv.entries {
            let text = &cx.sources.get(*file).text;
            if entry.exported
                && let Some(range) = export_range(text, entry)
            {
                let removed = location(*file, range.clone());
                let at = location(*file, range.start..range.start + "export".len());
                out.push(
                    registry::diagnostic(
                        "FE005",
                        format!(
                            "`export` before `{}` in `.env`: older Compose versions do not read it as the variable `{}`",
                            entry.key, entry.key
                        ),
                    )
                    .at(at)
                    .with_help("remove `export `: `.env` is read by Compose, not by a shell")
                    .with_fix(Fix {
                        title: "remove `export`".to_owned(),
                        edits: vec![Edit {
                            location: removed,
                            replacement: String::new(),
                        }],
                    }),
                );
            }
            if let Some(quote) = entry.quoted
                && !entry.inherited
            {
                let at = location(*file, entry.value_span.clone());
                let inner = text
                    .get(entry.value_span.clone())
                    .and_then(|raw| raw.get(1..raw.len().checked_sub(1)?));
                let mut d = registry::diagnostic(
                    "FE005",
                    format!(
                        "the value of `{}` in `.env` is quoted: older Compose versions keep the quotes as part of the value",
                        entry.key
                    ),
                )
                .at(at);
                // Only what a comment may follow: text after the closing quote (`'it''s'`, a
                // line Compose refuses) would join the unquoted value.
                let rest = text
                    .get(entry.value_span.end..)
                    .and_then(|r| r.split(['\n', '\r']).next())
                    .unwrap_or("");
                // Unquoted, a comment starts at ` #` (a space, not a tab, before the `#`).
                let comment = rest.trim_start().starts_with('#')
                    && rest
                        .trim_end()
                        .find('#')
                        .is_some_and(|i| rest[..i].ends_with(' '));
                let ends_the_line = rest.trim().is_empty() || comment;
                match inner.filter(|inner| ends_the_line && unquoted_reads_the_same(inner, quote)) {
                    Some(inner) => {
                        d = d
                            .with_help(
                                "remove the quotes: an unquoted value runs to the end of the line",
                            )
                            .with_fix(Fix {
                                title: "remove the quotes".to_owned(),
                                edits: vec![Edit {
                                    location: at,
                                    replacement: inner.to_owned(),
                                }],
                            });
                    }
                    // A value of several lines has no unquoted form: removing the quotes is
                    // not the way out.
                    None if inner.is_some_and(|inner| inner.contains(['\n', '\r'])) => {
                        d = d.with_help(
                            "the value spans several lines, which only quotes can write: keep them if only Compose v2 reads this file (older versions read `.env` one line at a time)",
                        );
                    }
                    None => {
                        d = d.with_help(
                            "write the value without quotes if you can (an unquoted value runs to the end of the line; ` #` starts a comment)",
                        );
                    }
                }
                out.push(d);
            }
        }
    }
}

fn location(file: crate::span::FileId, range: std::ops::Range<usize>) -> Location {
    let start = u32::try_from(range.start).unwrap_or(u32::MAX);
    let end = u32::try_from(range.end).unwrap_or(u32::MAX).max(start);
    Location::new(file, Span::new(start, end))
}

/// The `export ` prefix (with the blanks after it) on the entry's line.
fn export_range(text: &str, entry: &DotenvEntry) -> Option<std::ops::Range<usize>> {
    let before = text.get(..entry.key_span.start)?;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = before.get(line_start..)?;
    let offset = line.find("export")?;
    Some(line_start + offset..entry.key_span.start)
}

/// Whether `inner`, written without its quotes, is read back as the same value by Compose v2 and
/// kept as is by older readers: no escapes, comments, quotes, edge blanks, or (for single
/// quotes, which do not interpolate) `$`.
fn unquoted_reads_the_same(inner: &str, quote: char) -> bool {
    !inner.contains(['#', '\\', '"', '\'', '\n', '\r'])
        && inner.trim() == inner
        && !(quote == '\'' && inner.contains('$'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use factory_env::dotenv;

    /// Apply the rule's fixes to `text` and check Compose reads the same entries back.
    fn fixed_reads_the_same(text: &str) -> String {
        let entries = dotenv::parse(text, &()).expect("valid .env");
        let mut edits: Vec<(std::ops::Range<usize>, String)> = Vec::new();
        for e in &entries {
            if e.exported {
                edits.push((export_range(text, e).expect("export"), String::new()));
            }
            if let Some(q) = e.quoted {
                let raw = &text[e.value_span.clone()];
                let inner = &raw[1..raw.len() - 1];
                if unquoted_reads_the_same(inner, q) {
                    edits.push((e.value_span.clone(), inner.to_owned()));
                }
            }
        }
        edits.sort_by_key(|(r, _)| std::cmp::Reverse(r.start));
        let mut fixed = text.to_owned();
        for (r, rep) in edits {
            fixed.replace_range(r, &rep);
        }
        let again = dotenv::parse(&fixed, &()).expect("fixed .env parses");
        let pairs = |es: &[DotenvEntry]| {
            es.iter()
                .map(|e| (e.key.clone(), e.value.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(pairs(&entries), pairs(&again), "{fixed}");
        assert!(again.iter().all(|e| !e.exported), "{fixed}");
        fixed
    }

    #[test]
    fn fixes_keep_every_value() {
        let fixed = fixed_reads_the_same(
            "export A=1\n  export   B=\"two words\"\nC='x'\nD=\"a#b\"\nE=' pad'\nF='$HOME'\nG=\"\"\n",
        );
        assert_eq!(
            fixed,
            "A=1\n  B=two words\nC=x\nD=\"a#b\"\nE=' pad'\nF='$HOME'\nG=\n"
        );
    }

    #[test]
    fn unquoting_is_refused_when_it_changes_the_value() {
        for (inner, quote) in [
            ("a #b", '"'),
            ("a\\nb", '"'),
            (" x", '"'),
            ("$X", '\''),
            ("it's", '"'),
        ] {
            assert!(!unquoted_reads_the_same(inner, quote), "{inner}");
        }
        for (inner, quote) in [("abc", '"'), ("two words", '\''), ("${X}", '"'), ("", '"')] {
            assert!(unquoted_reads_the_same(inner, quote), "{inner}");
        }
    }
}
