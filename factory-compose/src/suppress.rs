//! Suppressions: post-filters over a [`Report`].
//!
//! **Inline**, in any source file (compose files, `.env`, Dockerfiles), as a comment:
//!
//! - `# factory: ignore=FC014,FR009` at the end of a line silences those codes on that line;
//!   on a line of its own it silences them on the next line that is neither blank nor a
//!   comment (so it can sit above the offending line);
//! - `# factory: ignore-file=FC034` anywhere in a file silences the codes in the whole file.
//!
//! Codes are separated by commas (blanks may follow them) or by blanks; the first word that is
//! no code (two letters, three digits) ends the list: a reason may follow it.
//!
//! A comment starts at a `#` at the start of a line or after a space or tab (YAML and `.env`
//! rules); in a Dockerfile only whole-line comments count, and in a compose file a `#` inside
//! a scalar (a quoted string, a block scalar's lines) is text. A diagnostic is matched by the line
//! its primary place starts on; project-level diagnostics (no place) are silenced only by
//! configuration. A suppressed code that silenced nothing is reported as FC901, pointing at the
//! code in the comment.
//!
//! **Configured** ([`Filter`]): codes ignored everywhere, codes ignored in some files, and
//! per-code severity overrides, resolved by the CLI from `factory.toml`, `FACTORY_*`
//! variables and flags.

use crate::diagnostic::{Diagnostic, Severity};
use crate::report::Report;
use crate::rules::registry;
use crate::source::{FileKind, SourceMap};
use crate::span::{FileId, Location, Span};

/// One code named in a suppression comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppression {
    /// The code as written (upper-cased).
    pub code: String,
    /// Where the code is written in the comment.
    pub location: Location,
    /// The 1-based line it silences; `None` for `ignore-file`.
    pub line: Option<usize>,
    /// A `# factory: ignore FC034` that is no directive factory reads (no `=`, a misspelt
    /// word): it silences nothing, and FC901 says how to write it. `code` is then empty.
    pub malformed: bool,
}

/// Every suppression comment of every source file.
#[must_use]
pub fn scan(sources: &SourceMap) -> Vec<Suppression> {
    let mut out = Vec::new();
    for (id, file) in sources.iter() {
        scan_file(id, &file.text, file.kind, &mut out);
    }
    out
}

fn is_comment_or_blank(line: &str) -> bool {
    let t = line.trim_start();
    t.is_empty() || t.starts_with('#')
}

fn scan_file(id: FileId, text: &str, kind: FileKind, out: &mut Vec<Suppression>) {
    // Most files have no suppression at all: one substring search, not a pass per line.
    if !text.contains("factory:") {
        return;
    }
    let lines: Vec<(usize, &str)> = {
        let mut v = Vec::new();
        let mut offset = 0;
        for l in text.split_inclusive('\n') {
            v.push((offset, l.trim_end_matches(['\n', '\r'])));
            offset += l.len();
        }
        v
    };
    for (index, &(offset, line)) in lines.iter().enumerate() {
        let Some(hash) = comment_start(line, kind) else {
            continue;
        };
        let comment = &line[hash + 1..];
        let body = comment.trim_start();
        let Some(rest) = body.strip_prefix("factory:") else {
            continue;
        };
        let rest_trimmed = rest.trim_start();
        let (file_level, list) = if let Some(l) = rest_trimmed.strip_prefix("ignore-file=") {
            (true, l)
        } else if let Some(l) = rest_trimmed.strip_prefix("ignore=") {
            (false, l)
        } else {
            // `# factory: ignore FC034`, `# factory: ignore-line=…`: meant as a suppression,
            // read as none.
            if rest_trimmed.starts_with("ignore") {
                out.push(Suppression {
                    code: String::new(),
                    location: Location::new(id, Span::of_range(offset + hash..offset + line.len())),
                    line: None,
                    malformed: true,
                });
            }
            continue;
        };
        let own_line = line[..hash].trim().is_empty();
        let target = if file_level {
            None
        } else if own_line {
            lines
                .iter()
                .enumerate()
                .skip(index + 1)
                .find(|(_, (_, l))| !is_comment_or_blank(l))
                .map(|(i, _)| i + 1)
        } else {
            Some(index + 1)
        };
        let trimmed = list.trim_start();
        let list_start = offset + line.len() - trimmed.len();
        let at = |start: usize, len: usize| Location::new(id, Span::of_range(start..start + len));
        let line_of = if file_level {
            None
        } else {
            Some(target.unwrap_or(0))
        };
        let codes = listed_codes(trimmed);
        if codes.is_empty() {
            // `ignore=` naming nothing: FC901 says so (an empty code).
            let comment_at = offset + hash;
            out.push(Suppression {
                code: String::new(),
                location: at(comment_at, line.len() - hash),
                line: line_of,
                malformed: false,
            });
        }
        for (start, code) in codes {
            out.push(Suppression {
                code: code.to_ascii_uppercase(),
                location: at(list_start + start, code.len()),
                line: line_of,
                malformed: false,
            });
        }
    }
}

/// The codes of a suppression's list, each with its byte offset in `list`: separated by commas,
/// blanks after a comma allowed (`FC014, FR009`), and by blanks alone while the next word looks
/// like a code (`FC014 FR009`); the first other word ends the list (a comment's own text).
fn listed_codes(list: &str) -> Vec<(usize, &str)> {
    // Two letters and three digits (`FC014`): a word of the comment's own text is none.
    let looks_like_code = |w: &str| {
        let b = w.as_bytes();
        b.len() == 5
            && b[..2].iter().all(u8::is_ascii_alphabetic)
            && b[2..].iter().all(u8::is_ascii_digit)
    };
    let mut out = Vec::new();
    let mut after_comma = true;
    let mut pos = 0;
    for word in list.split_inclusive(char::is_whitespace) {
        let start = pos;
        pos += word.len();
        let w = word.trim_end();
        if w.is_empty() {
            continue;
        }
        let mut first = true;
        let mut offset = 0;
        for code in w.split(',') {
            let here = start + offset;
            offset += code.len() + 1;
            if code.is_empty() {
                continue;
            }
            // A word after a blank, not after a comma, must look like a code.
            if first && !after_comma && !looks_like_code(code) {
                return out;
            }
            first = false;
            out.push((here, code));
        }
        after_comma = w.ends_with(',');
        if !after_comma && first {
            return out;
        }
    }
    out
}

/// Byte index of the `#` that starts a comment on `line`, if any.
fn comment_start(line: &str, kind: FileKind) -> Option<usize> {
    if kind == FileKind::Dockerfile {
        let t = line.trim_start();
        return t.starts_with('#').then(|| line.len() - t.len());
    }
    let bytes = line.as_bytes();
    let mut i = 0;
    while let Some(found) = line
        .get(i..)
        .and_then(|s| s.find("# factory:").or_else(|| s.find("#factory:")))
    {
        let at = i + found;
        if at == 0 || matches!(bytes.get(at - 1), Some(b' ' | b'\t')) {
            return Some(at);
        }
        i = at + 1;
    }
    None
}

/// Remove the diagnostics that inline comments silence, and add FC901 for every suppressed code
/// that silenced nothing (or is not a rule code).
#[must_use]
pub fn apply_inline(report: Report, sources: &SourceMap) -> Report {
    apply_scanned(report, sources, scan(sources), &|_| Vec::new())
}

/// [`apply_inline`] for the project whose YAML was read into `tree`: a `#` inside a scalar (a
/// quoted string, a block scalar's content) is text, not a comment, and suppresses nothing.
#[must_use]
pub fn apply_inline_outside_values(
    report: Report,
    sources: &SourceMap,
    tree: &crate::yaml::Tree,
) -> Report {
    let mut suppressions = scan(sources);
    if suppressions.is_empty() {
        return report;
    }
    // The scalars' text, by file and start: (file, start, end, where their text starts). A
    // block scalar's text starts on the line after its header, where a comment may sit.
    let mut values: Vec<(FileId, u32, u32, u32)> = tree
        .nodes
        .iter()
        .filter(|n| matches!(n.kind, crate::yaml::NodeKind::Scalar(_)))
        .map(|n| {
            let text_start = match n.style {
                crate::yaml::ScalarStyle::Literal | crate::yaml::ScalarStyle::Folded => sources
                    .get(n.file)
                    .text
                    .get(n.span.range())
                    .and_then(|t| t.find('\n'))
                    .map_or(n.span.end, |i| {
                        n.span.start + u32::try_from(i).unwrap_or(u32::MAX)
                    }),
                _ => n.span.start,
            };
            (n.file, n.span.start, n.span.end, text_start)
        })
        .collect();
    values.sort_unstable();
    // The last value starting at or before `at`, in `file`, is the only one that can hold it
    // (values do not overlap).
    // (A `#` that starts a comment is never a scalar's first byte: a plain scalar cannot start
    // with it, a quoted or block one starts with its quote or indicator.)
    let holding = |file: FileId, at: u32| {
        let from = values.partition_point(|&(f, start, ..)| (f, start) <= (file, at));
        from.checked_sub(1)
            .map(|i| values[i])
            .filter(|&(f, _, end, _)| f == file && at < end)
    };
    suppressions.retain(|s| {
        let (file, at) = (s.location.file, s.location.span.start);
        holding(file, at).is_none_or(|(.., text_start)| at < text_start)
    });
    // A finding inside a scalar of several lines (a `|` block, a quoted string over lines) is
    // silenced from the lines where the scalar starts and ends too: no comment can sit on
    // its other lines.
    let scalar_lines = |d: &Diagnostic| -> Vec<usize> {
        let Some(p) = &d.primary else {
            return Vec::new();
        };
        let (file, at) = (p.location.file, p.location.span.start);
        let source = sources.get(file);
        holding(file, at)
            .map(|(_, start, end, _)| vec![source.line_col(start).line, source.line_col(end).line])
            .unwrap_or_default()
    };
    apply_scanned(report, sources, suppressions, &scalar_lines)
}

/// The suppressions by what they silence, so that a finding finds its suppressions in
/// constant time instead of comparing itself with every comment of the project.
struct SuppressionIndex<'a> {
    /// `ignore=` codes by (file, code, line): the positions of the suppressions in the list.
    by_line: std::collections::HashMap<(FileId, &'a str, usize), Vec<usize>>,
    /// `ignore-file=` codes by (file, code).
    by_file: std::collections::HashMap<(FileId, &'a str), Vec<usize>>,
}

impl<'a> SuppressionIndex<'a> {
    /// Indexes `suppressions` by their positions in the list.
    fn new(suppressions: &'a [Suppression]) -> Self {
        let mut by_line: std::collections::HashMap<_, Vec<usize>> =
            std::collections::HashMap::new();
        let mut by_file: std::collections::HashMap<_, Vec<usize>> =
            std::collections::HashMap::new();
        for (i, s) in suppressions.iter().enumerate() {
            let (file, code) = (s.location.file, s.code.as_str());
            match s.line {
                Some(line) => by_line.entry((file, code, line)).or_default().push(i),
                None => by_file.entry((file, code)).or_default().push(i),
            }
        }
        Self { by_line, by_file }
    }

    /// Calls `hit` with the position of every suppression in `file` that names exactly `code`
    /// and is file-wide or silences one of `lines`. A suppression may be named more than once
    /// when `lines` repeats a line.
    fn matching(&self, file: FileId, code: &str, lines: &[usize], mut hit: impl FnMut(usize)) {
        for &i in self.by_file.get(&(file, code)).into_iter().flatten() {
            hit(i);
        }
        for &line in lines {
            for &i in self.by_line.get(&(file, code, line)).into_iter().flatten() {
                hit(i);
            }
        }
    }
}

fn apply_scanned(
    report: Report,
    sources: &SourceMap,
    suppressions: Vec<Suppression>,
    scalar_lines: &dyn Fn(&Diagnostic) -> Vec<usize>,
) -> Report {
    if suppressions.is_empty() {
        return report;
    }
    let mut used = vec![false; suppressions.len()];
    let index = SuppressionIndex::new(&suppressions);
    let mut kept: Vec<Diagnostic> = Vec::with_capacity(report.diagnostics.len());
    // A silenced finding gives back the findings it took in, which are checked in turn.
    let mut queue: std::collections::VecDeque<Diagnostic> = report.diagnostics.into();
    while let Some(d) = queue.pop_front() {
        let mut silenced = false;
        if let Some(p) = &d.primary {
            let line = sources
                .get(p.location.file)
                .line_col(p.location.span.start)
                .line;
            let mut lines = scalar_lines(&d);
            lines.push(line);
            index.matching(p.location.file, d.code, &lines, |i| {
                used[i] = true;
                silenced = true;
            });
        }
        if silenced {
            queue.extend(d.silenced());
        } else {
            kept.push(d);
        }
    }
    for (s, used) in suppressions.iter().zip(used) {
        if used {
            continue;
        }
        let known = registry::find(&s.code).is_some_and(|r| r.code == s.code);
        let d = if s.malformed {
            registry::diagnostic(
                "FC901",
                "this comment reads as no suppression: factory knows `ignore=CODES` and `ignore-file=CODES`",
            )
            .with_help("write the codes after `=`, such as `# factory: ignore=FC034`")
        } else if s.code.is_empty() {
            registry::diagnostic("FC901", "this suppression names no rule code")
                .with_help("name the codes to silence, such as `# factory: ignore=FC014`")
        } else if known {
            registry::diagnostic(
                "FC901",
                format!("the suppression of {} silenced nothing", s.code),
            )
            .with_help(match s.line {
                Some(line) if line > 0 => format!(
                    "remove `{}` from the comment: nothing reports {} on line {line}",
                    s.code, s.code
                ),
                Some(_) => format!("remove `{}` from the comment: no line follows it", s.code),
                None => format!(
                    "remove `{}` from the comment: nothing reports {} in this file",
                    s.code, s.code
                ),
            })
        } else {
            registry::diagnostic("FC901", format!("`{}` is not a rule code", s.code))
                .with_help("name rule codes such as FC014; `factory rule` lists them")
        };
        kept.push(d.at(s.location));
    }
    Report::new(kept)
}

/// Whether `selector` (a code such as `FC014`, or a prefix such as `FR` or `FC0`) selects
/// `code`. Case-insensitive.
#[must_use]
pub fn selects(selector: &str, code: &str) -> bool {
    code.len() >= selector.len()
        && code
            .get(..selector.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(selector))
}

/// Whether a path pattern matches a file name as diagnostics print it. A pattern matches the
/// whole name or a trailing run of its `/`-separated components (`tools.yml` matches
/// `app/tools.yml`); `*` matches any run of characters, `/` included.
#[must_use]
pub fn path_matches(pattern: &str, name: &str) -> bool {
    let name = name.replace('\\', "/");
    let name = name.strip_prefix("./").unwrap_or(&name);
    let pattern = pattern.strip_prefix("./").unwrap_or(pattern);
    if glob(pattern, name) {
        return true;
    }
    name.match_indices('/')
        .any(|(i, _)| glob(pattern, &name[i + 1..]))
}

fn glob(pattern: &str, text: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == text,
        Some((head, tail)) => {
            let Some(rest) = text.strip_prefix(head) else {
                return false;
            };
            rest.char_indices()
                .map(|(i, _)| i)
                .chain(std::iter::once(rest.len()))
                .any(|i| glob(tail, &rest[i..]))
        }
    }
}

/// Configured post-filters: resolved from `factory.toml`, `FACTORY_*` variables and flags.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Codes (or code prefixes) never reported.
    pub ignore: Vec<String>,
    /// `(path pattern, codes)`: codes not reported in files matching the pattern.
    pub per_file_ignores: Vec<(String, Vec<String>)>,
    /// `(code or prefix, severity)`: the severity to report a code with; later entries win.
    pub severity: Vec<(String, Severity)>,
}

impl Filter {
    /// Drop ignored diagnostics and apply severity overrides.
    #[must_use]
    pub fn apply(&self, report: Report, sources: &SourceMap) -> Report {
        let mut out = Vec::with_capacity(report.diagnostics.len());
        // An ignored finding gives back the findings it took in, which are filtered in turn.
        let mut queue: std::collections::VecDeque<Diagnostic> = report.diagnostics.into();
        while let Some(mut d) = queue.pop_front() {
            if self.ignore.iter().any(|s| selects(s, d.code)) {
                queue.extend(d.silenced());
                continue;
            }
            if let Some(p) = &d.primary {
                let name = &sources.get(p.location.file).name;
                if self.per_file_ignores.iter().any(|(pattern, codes)| {
                    path_matches(pattern, name) && codes.iter().any(|s| selects(s, d.code))
                }) {
                    queue.extend(d.silenced());
                    continue;
                }
            }
            if let Some((_, severity)) =
                self.severity.iter().rev().find(|(s, _)| selects(s, d.code))
            {
                d.severity = *severity;
            }
            out.push(d);
        }
        Report::new(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    fn sources(text: &str, kind: FileKind) -> SourceMap {
        let mut s = SourceMap::new();
        s.add(SourceFile::new("f", text, kind));
        s
    }

    #[test]
    fn lists_take_commas_blanks_after_them_and_codes_after_blanks() {
        let codes = |list| {
            listed_codes(list)
                .into_iter()
                .map(|(_, c)| c)
                .collect::<Vec<_>>()
        };
        assert_eq!(codes("FC014,FR009"), ["FC014", "FR009"]);
        // `FC029` was dropped from both (only the first word was read).
        assert_eq!(codes("FC014, FC029"), ["FC014", "FC029"]);
        assert_eq!(codes("FC014 FC029"), ["FC014", "FC029"]);
        // The comment's own words end the list.
        assert_eq!(codes("FC014 because the proxy needs it"), ["FC014"]);
        assert_eq!(codes("FC014, fc029 -- legacy"), ["FC014", "fc029"]);
        assert!(codes("").is_empty());
        let list = "FC014,  FR009";
        let spans: Vec<&str> = listed_codes(list)
            .into_iter()
            .map(|(at, code)| &list[at..at + code.len()])
            .collect();
        assert_eq!(spans, ["FC014", "FR009"]);
    }

    #[test]
    fn an_empty_list_suppresses_nothing_and_says_so() {
        let text = "a: 1\n# factory: ignore-file=\n";
        let report = apply_inline(Report::new(Vec::new()), &sources(text, FileKind::Compose));
        let messages: Vec<&str> = report
            .diagnostics
            .iter()
            .map(|d| d.message.as_str())
            .collect();
        assert_eq!(messages, ["this suppression names no rule code"]);
    }

    /// A comment meant as a suppression that factory cannot read (no `=`, a misspelt word)
    /// silences nothing: FC901 says so, at the comment. Other `factory:` notes are left alone.
    #[test]
    fn a_suppression_written_wrong_is_fc901() {
        let text = "a: 1 # factory: ignore FC014
b: 2 # factory: ignored=FC014
c: 3 # factory: see README
";
        let report = apply_inline(Report::new(Vec::new()), &sources(text, FileKind::Compose));
        let found: Vec<(&str, &str)> = report
            .diagnostics
            .iter()
            .map(|d| {
                let at = d.primary.as_ref().expect("a place").location.span.range();
                (d.code, &text[at])
            })
            .collect();
        assert_eq!(
            found,
            [
                ("FC901", "# factory: ignore FC014"),
                ("FC901", "# factory: ignored=FC014")
            ]
        );
    }

    #[test]
    fn scans_trailing_own_line_and_file_comments() {
        let text = "a: 1 # factory: ignore=FC014,fr009\n# factory: ignore=FC001\n\n# other\nb: 2\n# factory: ignore-file=FC034\nc: '#factory: ignore=FC002'\n";
        let found = scan(&sources(text, FileKind::Compose));
        let got: Vec<(&str, Option<usize>, &str)> = found
            .iter()
            .map(|s| (s.code.as_str(), s.line, &text[s.location.span.range()]))
            .collect();
        assert_eq!(
            got,
            [
                ("FC014", Some(1), "FC014"),
                ("FR009", Some(1), "fr009"),
                ("FC001", Some(5), "FC001"),
                ("FC034", None, "FC034"),
            ]
        );
    }

    #[test]
    fn dockerfiles_have_only_whole_line_comments() {
        let found = scan(&sources(
            "RUN x # factory: ignore=FD001\n  # factory: ignore=FD002\nRUN y\n",
            FileKind::Dockerfile,
        ));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].code, "FD002");
        assert_eq!(found[0].line, Some(3));
    }

    #[test]
    fn selectors_and_paths() {
        assert!(selects("FC014", "FC014"));
        assert!(selects("fr", "FR009"));
        assert!(!selects("FC0145", "FC014"));
        assert!(path_matches("tools.yml", "app/tools.yml"));
        assert!(path_matches("tools.yml", "tools.yml"));
        assert!(!path_matches("tools.yml", "mytools.yml"));
        assert!(path_matches("*.env", "dir/.env.local.env"));
        assert!(path_matches("dir/*.yml", "dir/a.yml"));
        assert!(!path_matches("dir/*.yml", "other/a.yml"));
    }

    #[test]
    fn dotenv_lines_are_suppressed_from_the_line_above() {
        let mut s = SourceMap::new();
        s.add(SourceFile::new(
            "docker-compose.yml",
            "services:\n  app:\n    image: app:1.0\n",
            FileKind::Compose,
        ));
        let env = "OK=1\n# factory: ignore=FE004\nBAD LINE\nALSO BAD\n";
        s.add(SourceFile::new(".env", env, FileKind::Dotenv));
        let report = crate::lint(
            &s,
            &crate::ProcessEnv::default(),
            &crate::Settings::default(),
        );
        let fe004: Vec<usize> = report
            .diagnostics
            .iter()
            .filter(|d| d.code == "FE004")
            .filter_map(|d| d.primary.as_ref())
            .map(|p| s.get(p.location.file).line_col(p.location.span.start).line)
            .collect();
        assert_eq!(fe004, [4], "{:?}", report.diagnostics);
        assert!(report.diagnostics.iter().all(|d| d.code != "FC901"));
    }

    /// `lint` of one compose file, and its sources.
    fn lint_compose(text: &str) -> (SourceMap, Report) {
        let mut s = SourceMap::new();
        s.add(SourceFile::new(
            "docker-compose.yml",
            text,
            FileKind::Compose,
        ));
        let report = crate::lint(
            &s,
            &crate::ProcessEnv::default(),
            &crate::Settings::default(),
        );
        (s, report)
    }

    /// A `#` inside a quoted string or a block scalar's content is text, not a comment: it
    /// suppresses nothing, and says nothing (no FC901).
    #[test]
    fn a_hash_inside_a_value_is_no_comment() {
        let (s, report) = lint_compose(
            "services:\n  a:\n    image: a:latest\n    command: \"echo # factory: ignore=FC034\"\n  b:\n    image: >-\n      b:latest\n      # factory: ignore=FC034\n  c:\n    image: c:latest # factory: ignore=FC034\n",
        );
        let found: Vec<(&str, usize)> = report
            .diagnostics
            .iter()
            .filter(|d| matches!(d.code, "FC034" | "FC901" | "FC033"))
            .filter_map(|d| {
                let p = d.primary.as_ref()?;
                Some((
                    d.code,
                    s.get(p.location.file).line_col(p.location.span.start).line,
                ))
            })
            .collect();
        // `a` is reported (the comment is the command's text), `b`'s image (from its `>-`)
        // holds the comment line (FC033), `c` is silenced by a real comment.
        assert_eq!(
            found,
            [("FC034", 3), ("FC033", 6)],
            "{:?}",
            report.diagnostics
        );
    }

    /// A comment after a block scalar's header is a comment, and silences what is found in
    /// the block's lines (where no comment can be written); so does one above the key.
    #[test]
    fn a_block_scalar_is_silenced_from_its_header() {
        let (_, report) = lint_compose(
            "services:\n  a:\n    image: >- # factory: ignore=FC034\n      a:latest\n  d:\n    image: d:1.0\n    environment:\n      X: | # factory: ignore=FE002\n        ${UNSET}\n      # factory: ignore=FE002\n      Y: |\n        ${UNSET_TOO}\n",
        );
        let codes: Vec<&str> = report
            .diagnostics
            .iter()
            .map(|d| d.code)
            .filter(|c| matches!(*c, "FC034" | "FE002" | "FC901"))
            .collect();
        assert!(codes.is_empty(), "{:?}", report.diagnostics);
    }

    /// The scan the index replaced: every suppression compared with the finding.
    fn matching_by_scan(
        suppressions: &[Suppression],
        file: FileId,
        code: &str,
        lines: &[usize],
    ) -> Vec<usize> {
        (0..suppressions.len())
            .filter(|&i| {
                let s = &suppressions[i];
                s.location.file == file
                    && s.code == code
                    && s.line.is_none_or(|l| lines.contains(&l))
            })
            .collect()
    }

    #[test]
    fn the_index_matches_exact_codes_of_the_same_file_on_the_line_or_file_wide() {
        let at = |file| Location::new(FileId(file), Span::default());
        let suppression = |file, code: &str, line| Suppression {
            code: code.to_owned(),
            location: at(file),
            line,
            malformed: false,
        };
        let list = vec![
            suppression(0, "FC014", Some(3)),
            suppression(0, "FC014", Some(3)),
            suppression(0, "FC01", Some(3)),
            suppression(1, "FC014", Some(3)),
            suppression(0, "FC014", None),
            suppression(0, "", Some(3)),
        ];
        let index = SuppressionIndex::new(&list);
        let found = |file, code, lines: &[usize]| {
            let mut hits = Vec::new();
            index.matching(FileId(file), code, lines, |i| hits.push(i));
            hits.sort_unstable();
            hits.dedup();
            hits
        };
        // Both copies on line 3 and the file-wide one; not the prefix `FC01`, not file 1.
        assert_eq!(found(0, "FC014", &[3]), [0, 1, 4]);
        assert_eq!(found(0, "FC014", &[7, 3, 3]), [0, 1, 4]);
        assert_eq!(found(0, "FC014", &[7]), [4]);
        assert_eq!(found(1, "FC014", &[3]), [3]);
        assert!(found(0, "FC0140", &[3]).is_empty());
        assert!(found(0, "fc014", &[3]).is_empty());
    }

    proptest::proptest! {
        #[test]
        fn the_index_finds_what_the_scan_found(
            list in proptest::collection::vec(
                (0u16..3, "(FC01[0-9]|FC0|fc010|)", proptest::option::of(0usize..6)),
                0..12,
            ),
            findings in proptest::collection::vec(
                (0u16..3, "(FC01[0-9]|FC0|fc010|)", proptest::collection::vec(0usize..6, 0..4)),
                0..12,
            ),
        ) {
            let list: Vec<Suppression> = list
                .into_iter()
                .map(|(file, code, line)| Suppression {
                    code,
                    location: Location::new(FileId(file), Span::default()),
                    line,
                    malformed: false,
                })
                .collect();
            let index = SuppressionIndex::new(&list);
            for (file, code, lines) in findings {
                let mut hits = Vec::new();
                index.matching(FileId(file), &code, &lines, |i| hits.push(i));
                hits.sort_unstable();
                hits.dedup();
                proptest::prop_assert_eq!(hits, matching_by_scan(&list, FileId(file), &code, &lines));
            }
        }

        #[test]
        fn scanning_never_panics_and_spans_are_char_boundaries(text in "(\\PC|#|factory:| |ignore=|ignore-file=|,|\n)*") {
            for kind in [FileKind::Compose, FileKind::Dotenv, FileKind::Dockerfile] {
                let map = sources(&text, kind);
                for s in scan(&map) {
                    let r = s.location.span.range();
                    proptest::prop_assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
                    proptest::prop_assert!(!text[r].is_empty());
                }
                let _ = apply_inline(Report::default(), &map);
            }
        }

        #[test]
        fn comment_lists_are_split_on_char_boundaries(
            lines in proptest::collection::vec("[a-zé :\t]{0,6}#[ ]?factory:[ ]?ignore(-file)?=[A-Za-z0-9é,\t ]{0,12}", 0..6)
        ) {
            let text = lines.join("\n");
            let map = sources(&text, FileKind::Compose);
            for s in scan(&map) {
                let r = s.location.span.range();
                proptest::prop_assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
                // An empty list points at its comment (FC901: no code).
                if !s.code.is_empty() {
                    proptest::prop_assert_eq!(text[r].to_ascii_uppercase(), s.code.clone());
                }
            }
            let _ = apply_inline(Report::default(), &map);
        }
    }
}
