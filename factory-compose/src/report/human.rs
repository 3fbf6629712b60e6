//! The human output: a source frame with a caret under the exact span, the code, the message
//! and a `help:` line, then a summary line (annotate-snippets, plain or coloured).

use std::collections::HashMap;

use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};

use super::Report;
use crate::diagnostic::{Diagnostic, Label, Severity};
use crate::source::SourceMap;
use crate::span::FileId;

/// Plain text or ANSI colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Color {
    /// No escape codes.
    #[default]
    Never,
    /// ANSI colours.
    Always,
}

/// Lines of context kept around each annotated line; annotate-snippets shows at most one
/// unannotated line between two annotated ones and folds longer gaps into `...`.
const CONTEXT_LINES: usize = 3;

/// The lines a snippet shows, from its first annotated line to its last. Lines far from every
/// label are left empty: the renderer folds them away, and a label that points at line 3 and
/// at line 30 000 of a file then costs two lines, not the whole file (rendering every
/// diagnostic of a large project stays linear).
struct Window {
    text: String,
    /// A labelled line longer than [`MAX_SHOWN_LINE`] (0-based) and its length in bytes: the
    /// frame then names the places (`--> file:line:col`) without the source, whose rendering
    /// would cost the whole line for each finding on it (a minified file).
    too_long: Option<(usize, usize)>,
    /// For each line of the window: its offset in the file and in `text`, and its length there.
    lines: Vec<(u32, u32, u32)>,
}

impl Window {
    /// The window of lines `first..=last` around the labels' line ranges `kept` (sorted).
    fn new(
        text: &str,
        index: &crate::line_index::LineIndex,
        first: usize,
        last: usize,
        kept: &[(usize, usize)],
    ) -> Self {
        let line_bytes = |line: usize| {
            let start = index.line_start(line) as usize;
            let end = if line + 1 < index.line_count() {
                index.line_start(line + 1) as usize
            } else {
                text.len()
            };
            end.saturating_sub(start)
        };
        // The first labelled line too long to show. `kept` is sorted, so skipping the lines an
        // earlier label already covered visits each line once and finds the same line: 256
        // labels over one range of 100 000 lines cost 25 600 000 line lengths before.
        let mut unseen = 0;
        let too_long = kept.iter().find_map(|&(from, to)| {
            let lines = from.max(unseen)..=to;
            unseen = unseen.max(to + 1);
            lines
                .map(|line| (line, line_bytes(line)))
                .find(|&(_, bytes)| bytes > MAX_SHOWN_LINE)
        });
        let mut window = Window {
            text: String::new(),
            too_long,
            lines: Vec::new(),
        };
        if too_long.is_some() {
            return window;
        }
        window.lines.reserve(last + 1 - first);
        let mut k = 0;
        for line in first..=last {
            while k < kept.len() && kept[k].1 + CONTEXT_LINES < line {
                k += 1;
            }
            let near = kept[k..]
                .iter()
                .take_while(|&&(from, _)| from <= line + CONTEXT_LINES)
                .any(|&(from, to)| line + CONTEXT_LINES >= from && line <= to + CONTEXT_LINES);
            // A byte order mark is not shown (editors do not show it; columns skip it too).
            let start = match index.line_start(line) as usize {
                0 if text.starts_with('\u{feff}') => 3,
                start => start,
            };
            let end = if line + 1 < index.line_count() {
                (index.line_start(line + 1) as usize).saturating_sub(1)
            } else {
                text.len()
            };
            let body = if near {
                text.get(start..end).unwrap_or("")
            } else {
                ""
            };
            // Nor the `\r` of a CRLF line end (it showed as `␍`).
            let body = body.strip_suffix('\r').unwrap_or(body);
            if line > first {
                window.text.push('\n');
            }
            let at = u32::try_from(window.text.len()).unwrap_or(u32::MAX);
            window.text.push_str(body);
            let len = u32::try_from(body.len()).unwrap_or(u32::MAX);
            window
                .lines
                .push((u32::try_from(start).unwrap_or(u32::MAX), at, len));
        }
        window
    }

    /// Where a file offset lands in the window (clamped to the window and to its line).
    fn offset(&self, offset: u32) -> usize {
        let i = self
            .lines
            .partition_point(|&(file_start, _, _)| file_start <= offset)
            .saturating_sub(1);
        match self.lines.get(i) {
            Some(&(file_start, at, len)) => {
                (at + (offset.saturating_sub(file_start)).min(len)) as usize
            }
            None => 0,
        }
    }
}

/// A labelled line longer than this many bytes is not shown (see [`Window::too_long`]).
const MAX_SHOWN_LINE: usize = 4096;

/// Labels of one file further apart than this many lines get a snippet each.
const SPLIT_GAP: usize = 100;

/// Labels one snippet holds at most: past it, the next label that does not overlap the ones
/// before starts a new snippet. annotate-snippets places each annotation by scanning the
/// snippet's lines and the annotations before it, so one snippet of 40 000 labels (an image
/// built by as many services) took seconds; real diagnostics have a handful.
const MAX_SNIPPET_LABELS: usize = 256;

/// The first and last line a label covers.
fn line_range(index: &crate::line_index::LineIndex, l: &Label) -> (usize, usize) {
    let span = l.location.span;
    (
        index.line_of(span.start),
        index.line_of(span.end.max(span.start)),
    )
}

/// Render one diagnostic (no trailing newline).
#[must_use]
pub fn render_diagnostic(d: &Diagnostic, sources: &SourceMap, color: Color) -> String {
    let level = match d.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Info => Level::INFO,
    };
    let title = level.primary_title(d.message.as_str()).id(d.code);
    let mut group = Group::with_title(title);

    // One snippet per file, in order: the primary's file first.
    let mut labels: Vec<(&Label, bool)> = Vec::new();
    if let Some(p) = &d.primary {
        labels.push((p, true));
    }
    labels.extend(d.secondary.iter().map(|l| (l, false)));
    // The labels of each file, in order; files in the order of their first label.
    let mut files: Vec<(FileId, Vec<usize>)> = Vec::new();
    let mut file_slot: HashMap<FileId, usize> = HashMap::new();
    for (i, (l, _)) in labels.iter().enumerate() {
        let slot = *file_slot.entry(l.location.file).or_insert_with(|| {
            files.push((l.location.file, Vec::new()));
            files.len() - 1
        });
        files[slot].1.push(i);
    }
    // The windows first: the snippets borrow their text. Labels of one file share a snippet,
    // unless they are so far apart that the lines between would cost more than a second
    // snippet (`::: file:line:col`); the primary label's window comes first. Each window
    // lists its labels (those that start on its lines) in the order of `labels`.
    let mut windows: Vec<(FileId, usize, Window, Vec<usize>)> = Vec::new();
    for (file_id, members) in files {
        let file = sources.get(file_id);
        let index = file.line_index();
        let ranges: Vec<(usize, usize)> = members
            .iter()
            .map(|&i| line_range(index, labels[i].0))
            .collect();
        let mut kept = ranges.clone();
        kept.sort_unstable();
        let primary_line = members
            .iter()
            .zip(&ranges)
            .find(|&(&i, _)| labels[i].1)
            .map(|(_, r)| r.0);
        // Clusters of `kept`, with the last line each covers.
        let mut clusters: Vec<(&[(usize, usize)], usize)> = Vec::new();
        let mut from = 0;
        let mut last = 0;
        for i in 1..=kept.len() {
            last = last.max(kept[i - 1].1);
            if i == kept.len()
                || kept[i].0 > last + SPLIT_GAP
                || (i - from >= MAX_SNIPPET_LABELS && kept[i].0 > last)
            {
                clusters.push((&kept[from..i], last));
                from = i;
                last = 0;
            }
        }
        // Clusters do not overlap: a label is in the one whose lines hold its first line.
        let mut cluster_members: Vec<Vec<usize>> = vec![Vec::new(); clusters.len()];
        for (&i, r) in members.iter().zip(&ranges) {
            let c = clusters
                .partition_point(|(cluster, _)| cluster[0].0 <= r.0)
                .saturating_sub(1);
            if let Some(slot) = cluster_members.get_mut(c)
                && clusters[c].1 >= r.0
            {
                slot.push(i);
            }
        }
        let at = windows.len();
        for ((cluster, last_line), members) in clusters.into_iter().zip(cluster_members) {
            let first_line = cluster[0].0;
            let window = Window::new(&file.text, index, first_line, last_line, cluster);
            if primary_line.is_some_and(|p| (first_line..=last_line).contains(&p)) {
                windows.insert(at, (file_id, first_line, window, members));
            } else {
                windows.push((file_id, first_line, window, members));
            }
        }
    }
    for (file_id, first_line, window, members) in &windows {
        let file = sources.get(*file_id);
        if let Some((line, bytes)) = window.too_long {
            for &i in members {
                let l = labels[i].0;
                let at = file.line_col(l.location.span.start);
                group = group.element(
                    Origin::path(file.name.as_str())
                        .line(at.line)
                        .char_column(at.column),
                );
                if let Some(text) = &l.text {
                    group = group.element(Level::NOTE.message(text.as_str()));
                }
            }
            group = group.element(Level::NOTE.message(format!(
                "line {} is {bytes} bytes long: its source is not shown",
                line + 1
            )));
            continue;
        }
        let mut snippet = Snippet::source(window.text.as_str())
            .line_start(first_line + 1)
            .path(file.name.as_str());
        for &i in members {
            let (l, primary) = labels[i];
            let s = window.offset(l.location.span.start);
            let e = window.offset(l.location.span.end).max(s);
            let kind = if primary {
                AnnotationKind::Primary
            } else {
                AnnotationKind::Context
            };
            let mut a = kind.span(s..e);
            if let Some(text) = &l.text {
                a = a.label(text.as_str());
            }
            snippet = snippet.annotation(a);
        }
        group = group.element(snippet);
    }
    if let Some(help) = &d.help {
        group = group.element(Level::HELP.message(help.as_str()));
    }
    let renderer = match color {
        Color::Never => Renderer::plain(),
        Color::Always => Renderer::styled(),
    };
    renderer.render(&[group])
}

/// The summary line: `found 2 errors, 1 warning in 2 files` (the files the findings point
/// to), or `no problems found in 4 files` (`checked`: the files read, compose files and the
/// `.env`, Dockerfiles and `.gitlab-ci.yml` checked with them).
#[must_use]
pub fn summary_line(report: &Report, checked: usize) -> String {
    let s = report.summary();
    if report.diagnostics.is_empty() {
        return format!("no problems found in {checked} file{}", plural(checked));
    }
    let mut parts = Vec::new();
    for (n, word) in [
        (s.errors, "error"),
        (s.warnings, "warning"),
        (s.infos, "info"),
    ] {
        if n > 0 {
            parts.push(format!("{n} {word}{}", plural(n)));
        }
    }
    let files: std::collections::HashSet<FileId> = report
        .diagnostics
        .iter()
        .filter_map(|d| d.primary.as_ref().map(|l| l.location.file))
        .collect();
    if files.is_empty() {
        return format!("found {}", parts.join(", "));
    }
    format!(
        "found {} in {} file{}",
        parts.join(", "),
        files.len(),
        plural(files.len())
    )
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// The whole human report: each diagnostic followed by a blank line, then the summary line
/// ([`summary_line`]; `checked`: how many files were read and checked).
#[must_use]
pub fn render(report: &Report, sources: &SourceMap, color: Color, checked: usize) -> String {
    let mut out = String::new();
    for d in &report.diagnostics {
        out.push_str(&render_diagnostic(d, sources, color));
        out.push_str("\n\n");
    }
    out.push_str(&summary_line(report, checked));
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{FileKind, SourceFile};
    use crate::span::{Location, Span};

    /// A file of `lines` lines `key_N: value_N` and a diagnostic at line `primary` with a
    /// secondary label at line `secondary` (1-based), rendered plain.
    fn render_lines(lines: usize, primary: usize, secondary: usize) -> String {
        let text: String = (1..=lines)
            .map(|n| format!("key_{n}: value_{n}\n"))
            .collect();
        let at = |line: usize| {
            let start = text.find(&format!("key_{line}:")).unwrap();
            let start = u32::try_from(start).unwrap();
            Span::new(
                start,
                start + 3 + u32::try_from(line.to_string().len()).unwrap() + 1,
            )
        };
        let mut sources = SourceMap::new();
        let file = sources.add(SourceFile::new("f.yml", text.clone(), FileKind::Compose));
        let d = Diagnostic::new("FC033", Severity::Error, "bad")
            .at(Location::new(file, at(primary)))
            .with_secondary(Location::new(file, at(secondary)), "from here");
        render_diagnostic(&d, &sources, Color::Never)
    }

    #[test]
    fn labels_a_few_lines_apart_share_one_snippet_and_fold_the_lines_between() {
        let out = render_lines(60, 40, 3);
        assert!(out.contains("--> f.yml:40:1"), "{out}");
        assert!(!out.contains(":::"), "{out}");
        assert!(out.contains("\n...\n"), "{out}");
        assert!(out.contains(" 3 | key_3: value_3"), "{out}");
        assert!(out.contains("40 | key_40: value_40"), "{out}");
        // Lines far from both labels are folded away.
        assert!(!out.contains("key_20"), "{out}");
        // Near lines are the file's own text (the renderer may show one between two labels).
        let close = render_lines(60, 5, 3);
        assert!(close.contains("\n4 | key_4: value_4"), "{close}");
    }

    /// Snippets come file by file, the primary label's file first; within a file, the
    /// primary label's snippet first, then the others by line; each label in the snippet
    /// that holds its first line, whatever the order the labels were given in.
    #[test]
    fn snippets_keep_their_order_and_labels_their_snippet() {
        let text: String = (1..=400).map(|n| format!("key_{n}: value_{n}\n")).collect();
        let at = |line: usize| {
            let start = u32::try_from(text.find(&format!("key_{line}:")).unwrap()).unwrap();
            Span::new(start, start + 3)
        };
        let mut sources = SourceMap::new();
        let a = sources.add(SourceFile::new("a.yml", text.clone(), FileKind::Compose));
        let b = sources.add(SourceFile::new("b.yml", text.clone(), FileKind::Compose));
        let d = Diagnostic::new("FC033", Severity::Error, "bad")
            .at(Location::new(b, at(300)))
            .with_secondary(Location::new(b, at(5)), "b-early")
            .with_secondary(Location::new(a, at(250)), "a-far")
            .with_secondary(Location::new(b, at(302)), "b-near")
            .with_secondary(Location::new(a, at(10)), "a-one");
        let out = render_diagnostic(&d, &sources, Color::Never);
        let places: Vec<usize> = [
            "--> b.yml:300:1",
            "key_300",
            "b-near",
            "::: b.yml:5:1",
            "b-early",
            "::: a.yml:10:1",
            "a-one",
            "::: a.yml:250:1",
            "a-far",
        ]
        .iter()
        .map(|p| out.find(p).unwrap_or_else(|| panic!("{p} in {out}")))
        .collect();
        assert!(places.is_sorted(), "{places:?} {out}");
    }

    /// A cluster of more than [`MAX_SNIPPET_LABELS`] labels is cut into snippets of that
    /// many, each label shown once, in the snippet of its line.
    #[test]
    fn many_labels_are_cut_into_snippets() {
        let lines = 2 * MAX_SNIPPET_LABELS + 1;
        let text: String = (1..=lines).map(|n| format!("k{n:05}: v\n")).collect();
        let mut sources = SourceMap::new();
        let file = sources.add(SourceFile::new("f.yml", text.clone(), FileKind::Compose));
        let mut d = Diagnostic::new("FC033", Severity::Error, "bad")
            .at(Location::new(file, Span::new(0, 6)));
        for n in 2..=lines {
            let start = u32::try_from(text.find(&format!("k{n:05}")).unwrap()).unwrap();
            d = d.with_secondary(
                Location::new(file, Span::new(start, start + 6)),
                format!("label {n:05}"),
            );
        }
        let out = render_diagnostic(&d, &sources, Color::Never);
        for n in 2..=lines {
            assert_eq!(out.matches(&format!("label {n:05}")).count(), 1, "{n}");
        }
        assert_eq!(out.matches(":::").count(), 2, "{out}");
        assert!(
            out.contains(&format!("::: f.yml:{}:1", MAX_SNIPPET_LABELS + 1)),
            "{out}"
        );
    }

    /// A line of `bytes` bytes (with its newline) with a finding at column 3.
    fn render_long_line(bytes: usize) -> String {
        let text = format!("a: {}\n", "x".repeat(bytes - 4));
        let mut sources = SourceMap::new();
        let file = sources.add(SourceFile::new("f.yml", text, FileKind::Compose));
        let d = Diagnostic::new("FC033", Severity::Error, "bad")
            .at(Location::new(file, Span::new(3, 5)))
            .with_secondary(Location::new(file, Span::new(0, 1)), "key here");
        render_diagnostic(&d, &sources, Color::Never)
    }

    /// The line shown for a finding on `3` of `text`'s first line, and its `-->` place.
    fn render_first_line(text: &str) -> String {
        let mut sources = SourceMap::new();
        let file = sources.add(SourceFile::new("f.yml", text, FileKind::Compose));
        let at = u32::try_from(text.find('3').unwrap()).unwrap();
        let d = Diagnostic::new("FC016", Severity::Error, "bad")
            .at(Location::new(file, Span::new(at, at + 1)));
        render_diagnostic(&d, &sources, Color::Never)
    }

    #[test]
    fn a_byte_order_mark_and_a_carriage_return_are_not_shown() {
        // Editors show neither: the column skips the mark, the line ends before `\r` (it was
        // shown as `␍`).
        for text in ["\u{feff}version: 3\n", "version: 3\r\nx: 1\r\n"] {
            let out = render_first_line(text);
            assert!(out.contains("--> f.yml:1:10"), "{out}");
            assert!(out.contains("1 | version: 3\n"), "{out:?}");
        }
    }

    #[test]
    fn a_line_too_long_to_show_is_named_not_shown() {
        let shown = render_long_line(MAX_SHOWN_LINE);
        assert!(shown.contains("--> f.yml:1:4"), "{shown}");
        assert!(shown.contains("1 | a: xxx"), "{shown}");
        let named = render_long_line(MAX_SHOWN_LINE + 1);
        assert_eq!(
            named,
            "error[FC033]: bad\n --> f.yml:1:4\n ::: f.yml:1:1\n  = note: key here\n  = note: line 1 is 4097 bytes long: its source is not shown"
        );
    }

    /// Labels over overlapping line ranges name the first labelled line too long to show,
    /// whichever label holds it (each line is measured once, not once per label).
    #[test]
    fn the_first_line_too_long_to_show_is_named_whichever_label_holds_it() {
        let long = "x".repeat(MAX_SHOWN_LINE);
        let render = |long_lines: &[usize], ranges: &[(usize, usize)]| {
            let text: String = (0..60)
                .map(|n| {
                    if long_lines.contains(&n) {
                        format!("{long}\n")
                    } else {
                        format!("k{n:02}: v\n")
                    }
                })
                .collect();
            let start = |line: usize| {
                let before: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
                u32::try_from(before).unwrap()
            };
            let mut sources = SourceMap::new();
            let file = sources.add(SourceFile::new("f.yml", text.clone(), FileKind::Compose));
            let span = |(from, to): (usize, usize)| Span::new(start(from), start(to) + 3);
            let mut d = Diagnostic::new("FC033", Severity::Error, "bad")
                .at(Location::new(file, span(ranges[0])));
            for &r in &ranges[1..] {
                d = d.with_secondary(Location::new(file, span(r)), "and here");
            }
            render_diagnostic(&d, &sources, Color::Never)
        };
        let named = |out: &str| {
            out.split("  = note: line ")
                .nth(1)
                .and_then(|rest| rest.split(' ').next())
                .map(str::to_owned)
        };
        // Only in the label that starts later, past the end of the first.
        let out = render(&[15, 30], &[(0, 10), (5, 20), (12, 40)]);
        assert_eq!(named(&out).as_deref(), Some("16"), "{out}");
        // Inside a label nested in a longer one, and before a later line of the longer one.
        let out = render(&[8, 30], &[(0, 40), (2, 9), (2, 9), (3, 5)]);
        assert_eq!(named(&out).as_deref(), Some("9"), "{out}");
        // In no label: the source is shown.
        let out = render(&[50], &[(0, 40), (2, 9)]);
        assert_eq!(named(&out), None, "{out}");
        assert!(out.contains("k02: v"), "{out}");
    }

    #[test]
    fn labels_far_apart_get_a_snippet_each_with_the_primary_first() {
        let out = render_lines(5000, 4000, 3);
        let primary = out.find("--> f.yml:4000:1").expect(&out);
        let secondary = out.find("::: f.yml:3:1").expect(&out);
        assert!(primary < secondary, "{out}");
        assert!(out.contains("4000 | key_4000: value_4000"), "{out}");
        assert!(out.contains("   3 | key_3: value_3"), "{out}");
        assert!(out.contains("from here"), "{out}");
        assert!(!out.contains("..."), "{out}");
    }

    #[test]
    fn the_summary_counts_the_files_the_findings_point_to_or_the_files_checked() {
        let at = |file: u16| Location::new(FileId(file), Span::new(0, 1));
        let finding = |severity, file: Option<u16>| {
            let d = Diagnostic::new("FC033", severity, "bad");
            match file {
                Some(f) => d.at(at(f)),
                None => d,
            }
        };
        let report = |diagnostics| Report { diagnostics };
        assert_eq!(
            summary_line(&report(Vec::new()), 4),
            "no problems found in 4 files"
        );
        assert_eq!(
            summary_line(&report(Vec::new()), 1),
            "no problems found in 1 file"
        );
        // Two errors in a Dockerfile and a `.gitlab-ci.yml` of a one-compose-file project.
        let two_files = vec![
            finding(Severity::Error, Some(2)),
            finding(Severity::Error, Some(3)),
            finding(Severity::Warning, Some(3)),
        ];
        assert_eq!(
            summary_line(&report(two_files), 4),
            "found 2 errors, 1 warning in 2 files"
        );
        // Secondary labels elsewhere do not count; a finding with no place names no file.
        let one_file = vec![finding(Severity::Info, Some(0)).with_secondary(at(1), "from here")];
        assert_eq!(summary_line(&report(one_file), 4), "found 1 info in 1 file");
        let nowhere = vec![finding(Severity::Error, None)];
        assert_eq!(summary_line(&report(nowhere), 4), "found 1 error");
    }
}
