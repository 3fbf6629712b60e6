//! The parser: exactly the syntax cronie's `entry.c` (`load_entry`, `get_list`, `get_range`,
//! `get_number`) accepts for the five time fields, plus the `@` macros.
//!
//! Faithful details (all checked against cronie's source):
//! - a field is a comma-separated list of ranges; a range is `*`, `*/step`, `n`, `a-b` or
//!   `a-b/step`; a number is a run of ASCII digits (leading zeros allowed) and, in the month and
//!   day-of-week fields, a 3-letter name compared case-insensitively;
//! - a step is digits only and must not be 0; a step larger than the range is accepted (only the
//!   start of the range is then set);
//! - values are checked while the range is expanded, so a reversed range (`NOV-FEB`, `5-1`)
//!   expands to nothing and is accepted (it matches no value), even with out-of-range bounds;
//!   and `1-70/100` only sets 1, so it is accepted in the minute field;
//! - `a-0` without a step (e.g. `FRI-SUN`, `5-0`) means `a-7`, in every field, as in cronie;
//! - the day-of-week values 0 and 7 are both Sunday;
//! - the `*` flags that decide how day-of-month and day-of-week combine are taken from the
//!   first character of the field (so `1-31/2,*` is not a star field, `*/2` is);
//! - macros are case-sensitive and stand alone.
//!
//! Deliberate differences: cronie's random ranges (`~`, `1~5`) are rejected because the value is
//! drawn when the crontab is loaded, so the schedule cannot be known in advance; numbers that
//! do not fit in 32 bits are rejected (cronie silently truncates them).

use std::ops::Range;

use crate::error::CronError;
use crate::{Field, Schedule};

const MONTH_NAMES: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];
const DOW_NAMES: [&str; 7] = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
const MONTH_LONG: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];
const DOW_LONG: [&str; 7] = [
    "sunday",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
];

const MACROS: [&str; 8] = [
    "reboot", "yearly", "annually", "monthly", "weekly", "daily", "midnight", "hourly",
];

const FIVE_FIELDS: &str = "5 fields (minute hour day-of-month month day-of-week)";

fn is_blank(c: char) -> bool {
    c.is_ascii_whitespace()
}

/// What cron expects in a field, as the start of an error message.
fn expects(field: Field) -> &'static str {
    match field {
        Field::Minute => "minute must be 0-59",
        Field::Hour => "hour must be 0-23",
        Field::DayOfMonth => "day-of-month must be 1-31",
        Field::Month => "month must be 1-12 or jan-dec",
        Field::DayOfWeek => "day-of-week must be 0-7 or sun-sat",
    }
}

fn names(field: Field) -> Option<&'static [&'static str]> {
    match field {
        Field::Month => Some(&MONTH_NAMES),
        Field::DayOfWeek => Some(&DOW_NAMES),
        _ => None,
    }
}

/// First value of a field's names (`jan` is 1, `sun` is 0).
fn name_base(field: Field) -> u64 {
    match field {
        Field::Month => 1,
        _ => 0,
    }
}

pub(crate) fn parse(expr: &str) -> Result<Schedule, CronError> {
    let start = expr.len() - expr.trim_start_matches(is_blank).len();
    let end = expr.trim_end_matches(is_blank).len().max(start);
    let text = expr.get(start..end).unwrap_or("");
    if text.is_empty() {
        return Err(CronError::new("empty cron schedule", 0..expr.len()).help(
            "write 5 fields (minute hour day-of-month month day-of-week), e.g. `30 4 * * *`, or a macro such as `@daily`",
        ));
    }
    if let Some(at) = text.find(['\n', '\r']) {
        return Err(CronError::new(
            "a cron schedule is a single line; found a line break",
            start + at..start + at + 1,
        )
        .help("write the 5 fields on one line, separated by spaces"));
    }
    if let Some(name) = text.strip_prefix('@') {
        return parse_macro(name, start, end);
    }

    // Split into fields on runs of spaces and tabs.
    let mut fields: Vec<Range<usize>> = Vec::new();
    let mut field_start: Option<usize> = None;
    for (i, c) in text.char_indices() {
        if c == ' ' || c == '\t' {
            if let Some(s) = field_start.take() {
                fields.push(start + s..start + i);
            }
        } else if field_start.is_none() {
            field_start = Some(i);
        }
    }
    if let Some(s) = field_start {
        fields.push(start + s..end);
    }

    if fields.len() != 5 {
        let n = fields.len();
        let message = format!("a cron schedule has {FIVE_FIELDS}, found {n}");
        return Err(match fields.get(5) {
            Some(extra) => {
                let help = if n == 6 {
                    "cron has no seconds or year field: remove the extra field (6-field expressions are Quartz or Spring syntax)"
                } else {
                    "remove the extra fields; the command goes in its own label"
                };
                CronError::new(message, extra.start..end).help(help)
            }
            None => CronError::new(message, start..end)
                .help("e.g. `30 4 * * *` runs at 04:30 every day"),
        });
    }

    let mut sets = [0u64; 5];
    let mut stars = [false; 5];
    let mut spans: [Range<usize>; 5] = Default::default();
    let mut reversed = [false; 5];
    for (i, (field, span)) in Field::ALL.into_iter().zip(fields).enumerate() {
        let src = expr.get(span.clone()).unwrap_or("");
        let (set, has_reversed) = parse_field(field, src, span.start)?;
        if let Some(r) = reversed.get_mut(i) {
            *r = has_reversed;
        }
        if let (Some(slot), Some(star), Some(sp)) =
            (sets.get_mut(i), stars.get_mut(i), spans.get_mut(i))
        {
            *slot = set;
            *star = src.starts_with('*');
            *sp = span;
        }
    }
    if let Some(dow) = sets.get_mut(4) {
        *dow = fold_sunday(*dow);
    }
    Ok(Schedule {
        reboot: false,
        sets,
        stars,
        spans,
        reversed,
        span: start..end,
        macro_name: None,
    })
}

/// Day-of-week bit 7 is Sunday too: keep bits 0-6 only.
fn fold_sunday(dow: u64) -> u64 {
    if dow & (1 | 1 << 7) != 0 {
        (dow | 1) & 0x7f
    } else {
        dow & 0x7f
    }
}

fn parse_macro(name_and_rest: &str, start: usize, end: usize) -> Result<Schedule, CronError> {
    let name_len = name_and_rest
        .find([' ', '\t', '\n', '\r'])
        .unwrap_or(name_and_rest.len());
    let name = name_and_rest.get(..name_len).unwrap_or("");
    let token_end = start + 1 + name_len;
    if !MACROS.contains(&name) {
        let known = "cron knows @reboot, @yearly, @annually, @monthly, @weekly, @daily, @midnight and @hourly";
        let lower = name.to_ascii_lowercase();
        let mut err = CronError::new(
            format!("`@{name}` is not a cron macro; {known}"),
            start..token_end,
        );
        if let Some(m) = MACROS.iter().find(|m| **m == lower) {
            err = err.help(format!("macros are case-sensitive: write `@{m}`"));
        } else if name.is_empty() {
            err = err.help("write a macro name right after `@`, e.g. `@daily`");
        }
        return Err(err);
    }
    if token_end < end {
        let rest = name_and_rest.get(name_len..).unwrap_or("");
        let blanks = rest.len() - rest.trim_start_matches(is_blank).len();
        let rest_start = token_end + blanks;
        return Err(CronError::new(
            format!("`@{name}` stands alone; nothing may follow it"),
            rest_start..end,
        )
        .help("a macro replaces all 5 fields; the command goes in its own label"));
    }

    let all = |f: Field| -> u64 {
        let r = f.range();
        bits(u64::from(*r.start()), u64::from(*r.end()))
    };
    // [minute, hour, dom, month, dow] and the star flags cronie sets for each macro.
    let (sets, stars): ([u64; 5], [bool; 5]) = match name {
        "reboot" => ([0; 5], [false; 5]),
        "yearly" | "annually" => (
            [1, 1, 1 << 1, 1 << 1, all(Field::DayOfWeek)],
            [false, false, false, false, true],
        ),
        "monthly" => (
            [1, 1, 1 << 1, all(Field::Month), all(Field::DayOfWeek)],
            [false, false, false, false, true],
        ),
        "weekly" => (
            [1, 1, all(Field::DayOfMonth), all(Field::Month), 1],
            [false, false, true, false, false],
        ),
        "daily" | "midnight" => (
            [
                1,
                1,
                all(Field::DayOfMonth),
                all(Field::Month),
                all(Field::DayOfWeek),
            ],
            [false; 5],
        ),
        _ => (
            // hourly
            [
                1,
                all(Field::Hour),
                all(Field::DayOfMonth),
                all(Field::Month),
                all(Field::DayOfWeek),
            ],
            [false, true, false, false, false],
        ),
    };
    let mut sets = sets;
    if let Some(dow) = sets.get_mut(4) {
        *dow = fold_sunday(*dow);
    }
    let macro_name = MACROS.iter().copied().find(|m| *m == name);
    Ok(Schedule {
        reboot: name == "reboot",
        sets,
        stars,
        spans: std::array::from_fn(|_| start..start),
        reversed: [false; 5],
        span: start..end,
        macro_name,
    })
}

/// Bits `lo..=hi` set.
fn bits(lo: u64, hi: u64) -> u64 {
    let mut b = 0u64;
    for i in lo..=hi.min(63) {
        b |= 1 << i;
    }
    b
}

/// Parses one field (`src` starts at byte `base` of the expression) into a bit set, and
/// whether it holds a reversed range (which expands to nothing).
fn parse_field(field: Field, src: &str, base: usize) -> Result<(u64, bool), CronError> {
    let mut set = 0u64;
    let mut reversed = false;
    let mut pos = 0usize;
    for (k, elem) in src.split(',').enumerate() {
        let elem_start = pos;
        pos += elem.len() + 1;
        if elem.is_empty() {
            // Point at a comma next to the empty element.
            let comma = if k == 0 { elem_start } else { elem_start - 1 };
            return Err(CronError::new(
                format!("{}; the list has an empty element", expects(field)),
                base + comma..base + comma + 1,
            )
            .help("remove the extra comma; list elements are separated by single commas"));
        }
        let (bits, rev) = parse_range(field, elem, base + elem_start)?;
        set |= bits;
        reversed |= rev;
    }
    Ok((set, reversed))
}

/// A run of ASCII letters and digits starting at `at`, as cronie's `get_number` reads it.
fn alnum_run(s: &str, at: usize) -> &str {
    let rest = s.get(at..).unwrap_or("");
    let len = rest
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric())
        .count();
    rest.get(..len).unwrap_or("")
}

struct Elem<'a> {
    field: Field,
    src: &'a str,
    base: usize,
}

impl Elem<'_> {
    fn span(&self) -> Range<usize> {
        self.base..self.base + self.src.len()
    }

    fn not_syntax(&self, help: Option<String>) -> CronError {
        let err = CronError::new(
            format!("{}; `{}` is not cron syntax", expects(self.field), self.src),
            self.span(),
        );
        match help {
            Some(h) => err.help(h),
            None => err,
        }
    }

    /// Error for an unexpected character at byte `at` of the element.
    fn unexpected(&self, at: usize) -> CronError {
        let c = self.src.get(at..).and_then(|r| r.chars().next());
        let help = match c {
            Some('?') => Some(
                "`?` is a Quartz extension that cron does not support; use `*` for any day"
                    .to_string(),
            ),
            Some('#') => Some(
                "`#` (nth weekday of the month) is a Quartz extension that cron does not support"
                    .to_string(),
            ),
            Some('~') => Some(
                "cronie's random ranges (`~`) are drawn when the crontab is loaded, so the schedule cannot be checked; write a fixed value"
                    .to_string(),
            ),
            Some('-') if at == 0 => Some("a range needs a start, e.g. `1-5`".to_string()),
            Some('/') if at == 0 => Some("a step follows `*` or a range, e.g. `*/5`".to_string()),
            Some(c) if c.is_whitespace() => {
                Some("separate the 5 fields with spaces or tabs".to_string())
            }
            _ => None,
        };
        self.not_syntax(help)
    }

    /// Resolves a number or a name starting at byte `at`; returns the value and its span.
    fn number(&self, at: usize) -> Result<(u64, Range<usize>), CronError> {
        let tok = alnum_run(self.src, at);
        if tok.is_empty() {
            if at >= self.src.len() {
                let help = if self.src.ends_with('-') {
                    "a range needs an end, e.g. `1-5`"
                } else {
                    "write a number after it"
                };
                return Err(self.not_syntax(Some(help.to_string())));
            }
            return Err(self.unexpected(at));
        }
        let span = self.base + at..self.base + at + tok.len();
        if tok.bytes().all(|b| b.is_ascii_digit()) {
            return match tok.parse::<u32>() {
                Ok(v) if v <= i32::MAX as u32 => Ok((u64::from(v), span)),
                _ => Err(CronError::new(
                    format!("{}; `{tok}` is out of range", expects(self.field)),
                    span,
                )),
            };
        }
        let lower = tok.to_ascii_lowercase();
        if let Some(list) = names(self.field)
            && let Some(i) = list.iter().position(|n| *n == lower)
        {
            return Ok((i as u64 + name_base(self.field), span));
        }
        Err(CronError::new(
            format!("{}; `{tok}` is not cron syntax", expects(self.field)),
            span,
        )
        .pipe(|e| match token_help(self.field, &lower) {
            Some(h) => e.help(h),
            None => e,
        }))
    }

    /// Parses the step after the `/` at byte `slash`.
    fn step(&self, slash: usize) -> Result<u64, CronError> {
        let at = slash + 1;
        let tok = alnum_run(self.src, at);
        if tok.is_empty() {
            if at >= self.src.len() {
                return Err(CronError::new(
                    format!(
                        "step must be a positive number; `{}` has nothing after `/`",
                        self.src
                    ),
                    self.span(),
                )
                .help("write the step after `/`, e.g. `*/5`"));
            }
            return Err(self.unexpected(at));
        }
        let span = self.base + at..self.base + at + tok.len();
        let value = if tok.bytes().all(|b| b.is_ascii_digit()) {
            tok.parse::<u32>().ok().filter(|v| *v <= i32::MAX as u32)
        } else {
            None
        };
        let value = match value {
            Some(0) => {
                return Err(CronError::new(
                    format!("step must be a positive number; `{}` has step 0", self.src),
                    span,
                )
                .help("a step of 0 never advances; `*/1` (or `*`) means every value"));
            }
            Some(v) => u64::from(v),
            None => {
                return Err(CronError::new(
                    format!("step must be a positive number; `{tok}` is not"),
                    span,
                ));
            }
        };
        let end = at + tok.len();
        if end < self.src.len() {
            return Err(self.unexpected(end));
        }
        Ok(value)
    }
}

trait Pipe: Sized {
    fn pipe<T>(self, f: impl FnOnce(Self) -> T) -> T {
        f(self)
    }
}
impl<T> Pipe for T {}

/// Help for a token that is neither a number nor a name of this field (already lower-case).
fn token_help(field: Field, tok: &str) -> Option<String> {
    let digits_then = |suffix: &str| {
        tok.strip_suffix(suffix)
            .is_some_and(|d| d.bytes().all(|b| b.is_ascii_digit()))
    };
    if tok == "l" || tok == "lw" || digits_then("l") || digits_then("w") {
        return Some(
            "`L` (last) and `W` (nearest weekday) are Quartz extensions that cron does not support"
                .to_string(),
        );
    }
    let long_match = |long: &[&str], short: &[&str]| -> Option<String> {
        if tok.len() <= 3 {
            return None;
        }
        long.iter()
            .zip(short)
            .find(|(l, _)| l.starts_with(tok) || tok.starts_with(*l))
            .map(|(_, s)| format!("cron only knows 3-letter names: write `{s}`"))
    };
    match field {
        Field::Month => long_match(&MONTH_LONG, &MONTH_NAMES),
        Field::DayOfWeek => long_match(&DOW_LONG, &DOW_NAMES),
        _ => {
            if MONTH_NAMES.contains(&tok) || DOW_NAMES.contains(&tok) {
                Some(format!(
                    "names are only allowed in the month and day-of-week fields; the {} field takes numbers",
                    field.name()
                ))
            } else {
                None
            }
        }
    }
}

/// Parses one list element into a bit set, expanding it the way cronie's `get_range` does.
/// Also says whether the range is reversed (`low > high`), which cronie expands to nothing.
fn parse_range(field: Field, src: &str, base: usize) -> Result<(u64, bool), CronError> {
    let e = Elem { field, src, base };
    let (min, max) = {
        let r = field.range();
        (u64::from(*r.start()), u64::from(*r.end()))
    };
    let bytes = src.as_bytes();
    let (low, high, step, low_span, high_span);
    if bytes.first() == Some(&b'*') {
        (low, high) = (min, max);
        low_span = base..base + 1;
        high_span = low_span.clone();
        step = match bytes.get(1) {
            None => 1,
            Some(b'/') => e.step(1)?,
            Some(_) => {
                return Err(e.not_syntax(Some(
                    "`*` stands alone or takes a step, e.g. `*/5`".to_string(),
                )));
            }
        };
    } else {
        let (a, a_span) = e.number(0)?;
        let after_a = a_span.end - base;
        match bytes.get(after_a) {
            None => {
                (low, high, step) = (a, a, 1);
                low_span = a_span;
                high_span = low_span.clone();
            }
            Some(b'-') => {
                let (b, b_span) = e.number(after_a + 1)?;
                let after_b = b_span.end - base;
                step = match bytes.get(after_b) {
                    None => 1,
                    Some(b'/') => e.step(after_b)?,
                    Some(_) => return Err(e.unexpected(after_b)),
                };
                low = a;
                // cronie: `a-0` without a step means `a-7` (meant for `FRI-SUN`).
                high = if a > b && b == 0 && bytes.get(after_b).is_none() {
                    7
                } else {
                    b
                };
                low_span = a_span;
                high_span = b_span;
            }
            Some(b'/') => {
                let tok = src.get(..after_a).unwrap_or("");
                let step = src.get(after_a..).unwrap_or("");
                let hi = if field == Field::DayOfWeek { 6 } else { max };
                return Err(e.not_syntax(Some(format!(
                    "a step follows `*` or a range: write `{tok}-{hi}{step}` to start at {tok}, or `*{step}`"
                ))));
            }
            Some(_) => return Err(e.unexpected(after_a)),
        }
    }

    // Expand like cronie: values are checked as they are generated.
    let mut set = 0u64;
    let mut i = low;
    while i <= high {
        if i < min || i > max {
            let span = if i == low { low_span } else { high_span };
            let text = src
                .get(span.start - base..span.end - base)
                .unwrap_or(src)
                .to_string();
            return Err(CronError::new(
                format!("{}; `{text}` is out of range", expects(field)),
                span,
            ));
        }
        set |= 1 << i;
        i += step;
    }
    Ok((set, low > high))
}
