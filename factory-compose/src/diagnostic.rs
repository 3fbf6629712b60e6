//! The one diagnostic type every rule reports.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde::Serialize;

use crate::span::Location;

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Deploy would fail or misbehave.
    Error,
    /// Likely mistake or deprecated.
    Warning,
    /// Worth knowing.
    Info,
}

impl Severity {
    /// `error`, `warning` or `info`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Error => "error",
            Self::Warning => "warning",
            Self::Info => "info",
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A place in a file with an optional note, e.g. "first defined here".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    /// Where.
    pub location: Location,
    /// What the place is, shown beside the caret.
    pub text: Option<String>,
}

impl Label {
    /// A label at `location` with a note.
    #[must_use]
    pub fn new(location: Location, text: impl Into<String>) -> Self {
        Self {
            location,
            text: Some(text.into()),
        }
    }
}

/// A text replacement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// The bytes to replace.
    pub location: Location,
    /// The new text.
    pub replacement: String,
}

/// A fix a rule offers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    /// What the fix does, imperative ("quote the value").
    pub title: String,
    /// The edits, non-overlapping.
    pub edits: Vec<Edit>,
}

/// One finding: a rule code, a severity, a message, where, and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The rule code, e.g. `FC034`.
    pub code: &'static str,
    /// The severity (the rule's default unless configuration overrides it).
    pub severity: Severity,
    /// What is wrong.
    pub message: String,
    /// Where it is wrong, with an optional note; `None` for a project-level finding with no place.
    pub primary: Option<Label>,
    /// Other places that explain the finding.
    pub secondary: Vec<Label>,
    /// What to do about it.
    pub help: Option<String>,
    /// A machine-applicable fix, when one is safe.
    pub fix: Option<Fix>,
    /// Findings this one took in because they are the same problem (the FE002 of a variable
    /// whose empty value makes this value wrong): reported again if this one is silenced or
    /// ignored ([`Diagnostic::silenced`]).
    pub(crate) absorbed: Vec<Diagnostic>,
}

impl Diagnostic {
    /// What is left to report once this finding is silenced or ignored: the findings it took
    /// in.
    #[must_use]
    pub fn silenced(self) -> Vec<Diagnostic> {
        self.absorbed
    }

    /// A diagnostic of rule `code` with its default `severity`.
    #[must_use]
    pub fn new(code: &'static str, severity: Severity, message: impl Into<String>) -> Self {
        Self {
            code,
            severity,
            message: message.into(),
            primary: None,
            secondary: Vec::new(),
            help: None,
            fix: None,
            absorbed: Vec::new(),
        }
    }

    /// Point at `location`.
    #[must_use]
    pub fn at(mut self, location: Location) -> Self {
        self.primary = Some(Label {
            location,
            text: None,
        });
        self
    }

    /// Point at `location` with a note beside the caret.
    #[must_use]
    pub fn at_labelled(mut self, location: Location, text: impl Into<String>) -> Self {
        self.primary = Some(Label::new(location, text));
        self
    }

    /// Point at `at`, or, when the value was inherited through a merge key, at the `<<` line
    /// `via` with a secondary label on the anchor's definition `at`.
    #[must_use]
    pub fn at_inherited(self, at: Location, via: Option<Location>) -> Self {
        match via {
            Some(via) => self.at(via).with_secondary(at, "inherited from here"),
            None => self.at(at),
        }
    }

    /// Add the secondary label "inherited from here" on `definition`, the anchor's definition
    /// of a value inherited through a merge key (nothing for `None`: a value written in place).
    #[must_use]
    pub fn with_inherited_from(self, definition: Option<Location>) -> Self {
        match definition {
            Some(at) => self.with_secondary(at, "inherited from here"),
            None => self,
        }
    }

    /// Add a secondary place.
    #[must_use]
    pub fn with_secondary(mut self, location: Location, text: impl Into<String>) -> Self {
        self.secondary.push(Label::new(location, text));
        self
    }

    /// Say what to do.
    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Offer a fix.
    #[must_use]
    pub fn with_fix(mut self, fix: Fix) -> Self {
        self.fix = Some(fix);
        self
    }

    /// Change every text a reader sees: message, help, label notes and the fix's title (never
    /// an edit's replacement).
    pub(crate) fn edit_words(&mut self, mut edit: impl FnMut(&mut String)) {
        edit(&mut self.message);
        if let Some(help) = &mut self.help {
            edit(help);
        }
        for label in self.primary.iter_mut().chain(self.secondary.iter_mut()) {
            if let Some(text) = &mut label.text {
                edit(text);
            }
        }
        if let Some(fix) = &mut self.fix {
            edit(&mut fix.title);
        }
    }

    /// The sort key SPEC §5 orders diagnostics by: file, line, column (here byte offset, which
    /// orders the same within a file), code. Project-level diagnostics come last.
    #[must_use]
    pub fn sort_key(&self) -> (u8, u16, u32, &'static str, u32) {
        match &self.primary {
            Some(l) => (
                0,
                l.location.file.0,
                l.location.span.start,
                self.code,
                l.location.span.end,
            ),
            None => (1, 0, 0, self.code, 0),
        }
    }
}

/// How many findings a run found past its budget ([`crate::yaml::Limits::max_diagnostics`])
/// and did not keep, by severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Dropped {
    /// Errors not kept.
    pub errors: usize,
    /// Warnings not kept.
    pub warnings: usize,
    /// Infos not kept.
    pub infos: usize,
}

impl Dropped {
    /// How many findings in all.
    #[must_use]
    pub const fn total(self) -> usize {
        self.errors + self.warnings + self.infos
    }

    /// Count `other` too.
    pub fn add(&mut self, other: Self) {
        self.errors += other.errors;
        self.warnings += other.warnings;
        self.infos += other.infos;
    }
}

/// Where a run's budget stood ([`Diagnostics::mark`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct BudgetMark {
    left: usize,
    dropped: [usize; 3],
}

/// The budget every list of one run shares: the findings still allowed, and those dropped.
#[derive(Debug)]
struct Budget {
    left: AtomicUsize,
    dropped: [AtomicUsize; 3],
}

/// The findings of a run, kept up to a budget shared by every list of the run (the rules'
/// threads too) and counted past it: a file of a million empty documents or list items
/// would otherwise hold a million findings, about a kilobyte each once rendered.
///
/// It derefs to the list; [`Diagnostics::push`] and [`Diagnostics::extend`] take from the
/// budget, [`Diagnostics::keep`] puts back findings taken from a list of the same run.
#[derive(Debug)]
pub struct Diagnostics {
    list: Vec<Diagnostic>,
    budget: Arc<Budget>,
}

impl Diagnostics {
    /// An empty list with a budget of `limit` findings.
    #[must_use]
    pub fn new(limit: usize) -> Self {
        Self {
            list: Vec::new(),
            budget: Arc::new(Budget {
                left: AtomicUsize::new(limit),
                dropped: Default::default(),
            }),
        }
    }

    /// An empty list sharing this one's budget.
    #[must_use]
    pub fn sibling(&self) -> Self {
        Self {
            list: Vec::new(),
            budget: Arc::clone(&self.budget),
        }
    }

    /// Add `d`, or count it when the budget is spent.
    pub fn push(&mut self, d: Diagnostic) {
        let left = &self.budget.left;
        if left
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1))
            .is_ok()
        {
            self.list.push(d);
        } else {
            let slot = match d.severity {
                Severity::Error => 0,
                Severity::Warning => 1,
                Severity::Info => 2,
            };
            if let Some(count) = self.budget.dropped.get(slot) {
                count.fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    /// Where the shared budget stands: [`Diagnostics::rewind`] puts it back there.
    #[must_use]
    pub(crate) fn mark(&self) -> BudgetMark {
        let load = |a: &AtomicUsize| a.load(Ordering::Relaxed);
        BudgetMark {
            left: load(&self.budget.left),
            dropped: self.budget.dropped.each_ref().map(load),
        }
    }

    /// Whether a finding was dropped since `mark`: which ones were kept may then depend on
    /// the order in which the lists sharing the budget took from it.
    #[must_use]
    pub(crate) fn dropped_since(&self, mark: &BudgetMark) -> bool {
        self.mark().dropped != mark.dropped
    }

    /// Put the shared budget back where `mark` found it (the findings taken since, in other
    /// lists, are to be thrown away).
    pub(crate) fn rewind(&mut self, mark: &BudgetMark) {
        self.budget.left.store(mark.left, Ordering::Relaxed);
        for (count, was) in self.budget.dropped.iter().zip(mark.dropped) {
            count.store(was, Ordering::Relaxed);
        }
    }

    /// [`Diagnostics::push`] each of `found`.
    pub fn extend(&mut self, found: impl IntoIterator<Item = Diagnostic>) {
        for d in found {
            self.push(d);
        }
    }

    /// Add findings already counted by a list of this run (moved or filtered from it).
    pub fn keep(&mut self, found: impl IntoIterator<Item = Diagnostic>) {
        self.list.extend(found);
    }

    /// The list, to move into another list of the same run with [`Diagnostics::keep`] (what
    /// the run dropped stays counted in the shared budget).
    #[must_use]
    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.list
    }

    /// The run's findings as reported: the list, then, when the run dropped any (`earlier`:
    /// what an earlier step of the run dropped), one FC004 that counts them against `limit`;
    /// and what was dropped in all.
    #[must_use]
    pub fn finish(self, limit: usize, earlier: Dropped) -> (Vec<Diagnostic>, Dropped) {
        let [errors, warnings, infos] = &self.budget.dropped;
        let mut dropped = Dropped {
            errors: errors.load(Ordering::Relaxed),
            warnings: warnings.load(Ordering::Relaxed),
            infos: infos.load(Ordering::Relaxed),
        };
        dropped.add(earlier);
        let mut list = self.list;
        list.extend(dropped_notice(limit, dropped));
        (list, dropped)
    }
}

impl std::ops::Deref for Diagnostics {
    type Target = Vec<Diagnostic>;

    fn deref(&self) -> &Self::Target {
        &self.list
    }
}

impl std::ops::DerefMut for Diagnostics {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.list
    }
}

/// FC004 for the findings a run dropped past `limit` (`None` when it dropped none).
fn dropped_notice(limit: usize, dropped: Dropped) -> Option<Diagnostic> {
    if dropped.total() == 0 {
        return None;
    }
    let Dropped {
        errors,
        warnings,
        infos,
    } = dropped;
    let d = crate::rules::registry::diagnostic(
        "FC004",
        format!(
            "factory stopped keeping findings after {limit}: {} more were found ({errors} errors, {warnings} warnings, {infos} infos)",
            dropped.total()
        ),
    )
    .with_help("fix the findings shown first; a project this wrong is almost certainly a generated or damaged file");
    Some(d)
}

/// A value quoted in a diagnostic's words (between backticks) longer than this many characters
/// is shortened to its first [`QUOTE_KEPT`] characters and `…`: a 20 MB image name, a
/// 5 000-character label key, is not repeated in a message (its span still covers all of it).
pub const QUOTE_LIMIT: usize = 160;

/// How many characters of a shortened quoted value a diagnostic keeps.
pub const QUOTE_KEPT: usize = 120;

/// How many names of a long chain (a dependency cycle) a message shows: the first
/// `CHAIN_SHOWN - CHAIN_TAIL` and the last `CHAIN_TAIL`.
const CHAIN_SHOWN: usize = 12;
const CHAIN_TAIL: usize = 4;

/// `names` joined by `separator`, the middle of a chain longer than [`CHAIN_SHOWN`] names
/// replaced by `… N more …`: a cycle through 20 000 services is not one 200 KB message.
#[must_use]
pub(crate) fn chain_text(names: &[&str], separator: &str) -> String {
    if names.len() <= CHAIN_SHOWN {
        return names.join(separator);
    }
    let head = CHAIN_SHOWN - CHAIN_TAIL;
    let tail = names.len() - CHAIN_TAIL;
    format!(
        "{}{separator}… {} more …{separator}{}",
        names[..head].join(separator),
        tail - head,
        names[tail..].join(separator)
    )
}

/// `text` with every backtick-quoted value over [`QUOTE_LIMIT`] characters shortened. A quote
/// opened by a run of backticks is closed by a run of the same length, as in Markdown; text
/// after an unclosed quote is left as it is.
#[must_use]
pub fn shorten_quotes(text: &str) -> std::borrow::Cow<'_, str> {
    // A quoted value is shorter than its message: a short message has nothing to shorten.
    if text.len() <= QUOTE_LIMIT {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::new();
    let mut done = 0;
    let mut rest = text;
    while let Some(open) = rest.find('`') {
        let ticks = backtick_run(&rest[open..]);
        let inner_start = open + ticks;
        let Some(close) = closing_run(&rest[inner_start..], ticks) else {
            break;
        };
        let inner = &rest[inner_start..inner_start + close];
        let base = text.len() - rest.len();
        if inner.chars().nth(QUOTE_LIMIT).is_some() {
            let cut = inner
                .char_indices()
                .nth(QUOTE_KEPT)
                .map_or(inner.len(), |(i, _)| i);
            out.push_str(&text[done..base + inner_start + cut]);
            out.push('…');
            done = base + inner_start + close;
        }
        rest = &rest[inner_start + close + ticks..];
    }
    if done == 0 {
        return std::borrow::Cow::Borrowed(text);
    }
    out.push_str(&text[done..]);
    std::borrow::Cow::Owned(out)
}

/// How many backticks `text` starts with.
fn backtick_run(text: &str) -> usize {
    text.bytes().take_while(|&b| b == b'`').count()
}

/// Where in `text` a run of exactly `ticks` backticks starts.
fn closing_run(text: &str, ticks: usize) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = text.get(from..)?.find('`') {
        let at = from + i;
        let run = backtick_run(&text[at..]);
        if run == ticks {
            return Some(at);
        }
        from = at + run;
    }
    None
}

/// [`shorten_quotes`] in place on every text of `diagnostics` a reader sees.
pub(crate) fn shorten_quoted_values(diagnostics: &mut [Diagnostic]) {
    for d in diagnostics {
        d.edit_words(|text| {
            if let std::borrow::Cow::Owned(short) = shorten_quotes(text) {
                *text = short;
            }
        });
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_long_chain_keeps_its_ends_and_counts_its_middle() {
        let names: Vec<String> = (0..20).map(|i| format!("s{i}")).collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        assert_eq!(
            super::chain_text(&names[..12], " → "),
            names[..12].join(" → ")
        );
        assert_eq!(
            super::chain_text(&names, " -> "),
            "s0 -> s1 -> s2 -> s3 -> s4 -> s5 -> s6 -> s7 -> … 8 more … -> s16 -> s17 -> s18 -> s19"
        );
    }

    use super::{QUOTE_KEPT, QUOTE_LIMIT, shorten_quotes};
    use std::borrow::Cow;

    #[test]
    fn a_value_up_to_the_limit_is_kept_whole() {
        let value = "é".repeat(QUOTE_LIMIT);
        let text = format!("`{value}` is fine, and so is `b`");
        assert!(matches!(shorten_quotes(&text), Cow::Borrowed(t) if t == text));
    }

    #[test]
    fn a_longer_value_keeps_its_first_characters() {
        // Multi-byte characters: the cut is on a character boundary, counted in characters.
        let value = "é".repeat(QUOTE_LIMIT + 1);
        let text = format!("image `{value}` of `app` and `{value}`");
        let kept = "é".repeat(QUOTE_KEPT);
        assert_eq!(
            shorten_quotes(&text),
            format!("image `{kept}…` of `app` and `{kept}…`")
        );
    }

    #[test]
    fn quotes_pair_by_their_run_of_backticks() {
        let long = "x".repeat(200);
        // A double-backtick quote holds a single backtick; the text after an unclosed quote
        // stays as it is.
        let text = format!("``a`{long}`` then `{long}");
        let kept = "x".repeat(QUOTE_KEPT - 2);
        assert_eq!(shorten_quotes(&text), format!("``a`{kept}…`` then `{long}"));
    }

    #[test]
    fn long_text_outside_quotes_is_kept() {
        let text = format!("{} `a`", "w".repeat(500));
        assert!(matches!(shorten_quotes(&text), Cow::Borrowed(_)));
    }
}
