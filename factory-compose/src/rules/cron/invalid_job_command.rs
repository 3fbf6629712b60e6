use std::ops::Range;

use crate::cron_jobs::label_value_location;
use crate::diagnostic::Diagnostics;
use crate::rules::{Context, Rule, declare_rule, registry};

declare_rule! {
    /// ## What it does
    /// Checks that the `sh.factory.cronjob.command` label is a string `bash -c` can run: every
    /// single quote, double quote, `$'...'` and backquote is closed. The diagnostic points at
    /// the quote that is never closed.
    ///
    /// The check reads the command the way bash reads it: `\` escapes outside single quotes,
    /// `'` is literal inside double quotes, `#` at the start of a word begins a comment, and
    /// quotes inside `$(...)` and backquotes nest. Commands with a here-document (`<<`) are not
    /// checked.
    ///
    /// ## Why is this bad?
    /// The platform runs the job with `bash -c '<command>'`; bash stops with `unexpected EOF
    /// while looking for matching` and the job never does its work. YAML quoting makes this easy
    /// to get wrong: in `"echo \"done"` the YAML escapes leave bash a single `"`.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   cleanup:
    ///     image: registry.example/app:1.0
    ///     command: /bin/false
    ///     restart: "no"
    ///     labels:
    ///       sh.factory.cronjob.schedule: "0 4 * * *"
    ///       sh.factory.cronjob.command: echo 'don't panic'
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   cleanup:
    ///     image: registry.example/app:1.0
    ///     command: /bin/false
    ///     restart: "no"
    ///     labels:
    ///       sh.factory.cronjob.schedule: "0 4 * * *"
    ///       sh.factory.cronjob.command: echo "don't panic"
    /// ```
    pub(crate) struct InvalidJobCommand {
        code: "FJ005",
        name: "invalid-job-command",
        severity: Error,
        summary: "the job command is not valid for `bash -c` (unbalanced quotes)",
    }
}

impl Rule for InvalidJobCommand {
    fn info(&self) -> &'static crate::rules::RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Diagnostics) {
        for job in cx.jobs() {
            let (Some(kv), Some(command)) = (job.command_label, job.command()) else {
                continue;
            };
            let Some((open, range)) = unclosed(command) else {
                continue;
            };
            let (at, via) = label_value_location(cx, job.service, kv, range);
            out.push(
                registry::diagnostic(
                    "FJ005",
                    format!(
                        "the command of cron job `{}` has {} that is never closed",
                        job.name(),
                        open.what()
                    ),
                )
                .at_inherited(at, via)
                .with_help(format!(
                    "{}: the platform runs the command with `bash -c`, which fails looking for the closing quote",
                    open.fix()
                )),
            );
        }
    }
}

/// A quoting construct that must be closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Open {
    Single,
    Double,
    AnsiC,
    Backquote,
    /// `$(`: tracked for nesting, not reported (paren counting is not exact for `case`).
    Subst(u32),
}

impl Open {
    fn what(self) -> &'static str {
        match self {
            Open::Single => "a single quote",
            Open::Double => "a double quote",
            Open::AnsiC => "a `$'` quote",
            Open::Backquote => "a backquote",
            Open::Subst(_) => "a `$(`",
        }
    }

    fn fix(self) -> &'static str {
        match self {
            Open::Single | Open::AnsiC => {
                "close the quote; for an apostrophe, put the text in double quotes (`\"don't\"`) or write `'\\''` inside single quotes"
            }
            Open::Double => "close the quote, or escape a literal one as `\\\"`",
            Open::Backquote | Open::Subst(_) => {
                "close the backquote, or escape a literal one as ``\\` ``"
            }
        }
    }
}

/// The first quote of `cmd` that bash would find unclosed, and where it opens.
fn unclosed(cmd: &str) -> Option<(Open, Range<usize>)> {
    if cmd.contains("<<") {
        return None; // here-documents: their bodies are literal text
    }
    let b = cmd.as_bytes();
    let mut stack: Vec<(Open, usize)> = Vec::new();
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        let next = b.get(i + 1).copied();
        match stack.last_mut() {
            Some((Open::Double, _)) => match c {
                b'\\' => i += 1,
                b'"' => {
                    stack.pop();
                }
                b'$' if next == Some(b'(') => {
                    stack.push((Open::Subst(1), i));
                    i += 1;
                }
                b'`' => stack.push((Open::Backquote, i)),
                _ => {}
            },
            top => {
                let top = top.map(|t| &mut t.0);
                match c {
                    b'\\' => i += 1,
                    b'\'' => match b
                        .get(i + 1..)
                        .and_then(|r| r.iter().position(|&x| x == b'\''))
                    {
                        Some(j) => i += j + 1,
                        None => return Some((Open::Single, i..i + 1)),
                    },
                    b'$' if next == Some(b'\'') => {
                        let mut j = i + 2;
                        loop {
                            match b.get(j) {
                                None => return Some((Open::AnsiC, i..i + 2)),
                                Some(b'\\') => j += 2,
                                Some(b'\'') => break,
                                Some(_) => j += 1,
                            }
                        }
                        i = j;
                    }
                    b'$' if next == Some(b'(') => {
                        stack.push((Open::Subst(1), i));
                        i += 1;
                    }
                    b'"' => stack.push((Open::Double, i)),
                    b'`' => {
                        if top == Some(&mut Open::Backquote) {
                            stack.pop();
                        } else {
                            stack.push((Open::Backquote, i));
                        }
                    }
                    b'#' if i == 0
                        || b.get(i - 1)
                            .is_some_and(|p| p.is_ascii_whitespace() || b";&|()<>".contains(p)) =>
                    {
                        match b.get(i..).and_then(|r| r.iter().position(|&x| x == b'\n')) {
                            Some(j) => i += j,
                            None => i = b.len(),
                        }
                        continue;
                    }
                    b'(' => {
                        if let Some(Open::Subst(depth)) = top {
                            *depth += 1;
                        }
                    }
                    b')' => {
                        if let Some(Open::Subst(depth)) = top {
                            *depth -= 1;
                            if *depth == 0 {
                                stack.pop();
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        i += 1;
    }
    stack
        .into_iter()
        .find(|(o, _)| !matches!(o, Open::Subst(_)))
        .map(|(o, at)| (o, at..at + 1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Each case was checked with `bash -n -c` (GNU bash 5.2.15).
    #[test]
    fn agrees_with_bash() {
        type Case = (&'static str, Option<(Open, Range<usize>)>);
        let cases: &[Case] = &[
            ("echo \"a", Some((Open::Double, 5..6))),
            ("echo 'a", Some((Open::Single, 5..6))),
            ("echo a\\", None),
            ("echo hi # don't", None),
            ("echo $'it\\'s'", None),
            ("echo $'it\\'s", Some((Open::AnsiC, 5..7))),
            ("echo \"$(echo \")\")\"", None),
            ("echo `date", Some((Open::Backquote, 5..6))),
            ("echo \"`date`\"", None),
            ("echo \"it's\"", None),
            ("echo \"a\\\"b\"", None),
            ("echo 'a\\'b'", Some((Open::Single, 10..11))),
            ("echo x#y'", Some((Open::Single, 8..9))),
            ("echo $(echo \"a)\" )", None),
            ("echo $((1+2))", None),
            ("echo $(case x in x) echo 'a';; esac)", None),
            ("echo time to run", None),
            ("cat <<EOF\nit's\nEOF", None),
        ];
        for (cmd, want) in cases {
            assert_eq!(&unclosed(cmd), want, "{cmd}");
        }
    }

    proptest! {
        #[test]
        fn never_panics(s in any::<String>()) {
            if let Some((_, r)) = unclosed(&s) {
                prop_assert!(s.is_char_boundary(r.start) && s.is_char_boundary(r.end));
            }
        }
    }
}
