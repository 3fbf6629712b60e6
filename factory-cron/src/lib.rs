//! Cron schedules with cronie's exact semantics: parse, next runs, description in words.
//!
//! [`Schedule::parse`] accepts exactly what cronie (the Vixie-cron descendant shipped by Fedora,
//! Debian-like and other distributions) accepts in the five time fields of a crontab line —
//! numbers, 3-letter names, ranges, steps, lists, `0`/`7` for Sunday and the `@` macros — and
//! rejects everything else (Quartz extensions such as `L`, `W`, `#`, `?`, 6-field expressions,
//! full names, `*/0`, out-of-range values...) with a [`CronError`] that points at the bad part.
//!
//! ```
//! use factory_cron::Schedule;
//! use jiff::{Timestamp, tz::TimeZone};
//!
//! let schedule = Schedule::parse("30 4 1,15 * fri")?;
//! assert_eq!(
//!     schedule.describe(),
//!     "at 04:30 on day 1 and 15 of the month, and on Fridays"
//! );
//! let from: Timestamp = "2026-01-01T00:00:00Z".parse()?;
//! let next = schedule.next_after(from, &TimeZone::UTC).expect("it fires");
//! assert_eq!(next.timestamp().to_string(), "2026-01-01T04:30:00Z");
//! let runs = schedule.upcoming(from, &TimeZone::UTC, 3);
//! assert_eq!(runs[1].timestamp().to_string(), "2026-01-02T04:30:00Z");
//!
//! let err = Schedule::parse("0 0 * * 5L").unwrap_err();
//! assert_eq!(err.message, "day-of-week must be 0-7 or sun-sat; `5L` is not cron syntax");
//! assert_eq!(err.span, 8..10);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]

use std::ops::{Range, RangeInclusive};

mod describe;
mod error;
mod parse;
mod schedule;

pub use error::CronError;

/// One of the five fields of a cron expression, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    /// Minute, 0-59.
    Minute,
    /// Hour, 0-23.
    Hour,
    /// Day of the month, 1-31.
    DayOfMonth,
    /// Month, 1-12 or `jan`-`dec`.
    Month,
    /// Day of the week, 0-7 or `sun`-`sat` (0 and 7 are Sunday).
    DayOfWeek,
}

impl Field {
    /// The five fields in the order they are written.
    pub const ALL: [Field; 5] = [
        Field::Minute,
        Field::Hour,
        Field::DayOfMonth,
        Field::Month,
        Field::DayOfWeek,
    ];

    /// The field's name as used in messages: `minute`, `hour`, `day-of-month`, `month`,
    /// `day-of-week`.
    pub fn name(self) -> &'static str {
        match self {
            Field::Minute => "minute",
            Field::Hour => "hour",
            Field::DayOfMonth => "day-of-month",
            Field::Month => "month",
            Field::DayOfWeek => "day-of-week",
        }
    }

    /// The values cron accepts in the field (day-of-week: 0-7).
    pub fn range(self) -> RangeInclusive<u8> {
        match self {
            Field::Minute => 0..=59,
            Field::Hour => 0..=23,
            Field::DayOfMonth => 1..=31,
            Field::Month => 1..=12,
            Field::DayOfWeek => 0..=7,
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// A parsed cron schedule: five fields or a macro (`@daily`, `@reboot`, ...).
///
/// See [`Schedule::next_after`] for how runs are computed (including daylight-saving time
/// changes) and [`Schedule::describe`] for the schedule in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    /// `@reboot`: runs when the cron daemon starts, never on the calendar.
    pub(crate) reboot: bool,
    /// Bit `v` set when value `v` matches; day-of-week uses bits 0-6 (7 folded into 0).
    pub(crate) sets: [u64; 5],
    /// cronie's `*_STAR` flags: the field's text starts with `*` (macros set them as cronie does).
    pub(crate) stars: [bool; 5],
    pub(crate) spans: [Range<usize>; 5],
    /// The field holds a reversed range (`NOV-FEB`, `5-1`), which cronie expands to nothing.
    pub(crate) reversed: [bool; 5],
    pub(crate) span: Range<usize>,
    pub(crate) macro_name: Option<&'static str>,
}

impl Schedule {
    /// Parses a cron expression: 5 fields separated by spaces or tabs, or a macro
    /// (`@yearly @annually @monthly @weekly @daily @midnight @hourly @reboot`, case-sensitive).
    /// Leading and trailing whitespace is ignored.
    ///
    /// # Errors
    /// A [`CronError`] for anything cronie rejects, and for cronie's random ranges (`~`).
    pub fn parse(expr: &str) -> Result<Schedule, CronError> {
        parse::parse(expr)
    }

    /// `true` for `@reboot`, which runs when the cron daemon starts and never on the calendar.
    pub fn is_reboot(&self) -> bool {
        self.reboot
    }

    /// The macro name without `@` (`"daily"`, `"reboot"`...) when the schedule is a macro.
    pub fn macro_name(&self) -> Option<&'static str> {
        self.macro_name
    }

    /// The byte span of each field in the expression, in [`Field::ALL`] order. For a macro all
    /// five are the empty range at the start of the macro.
    pub fn field_spans(&self) -> [Range<usize>; 5] {
        self.spans.clone()
    }

    /// The byte span of the whole expression, without surrounding whitespace.
    pub fn span(&self) -> Range<usize> {
        self.span.clone()
    }

    /// The values a field matches, ascending. Day-of-week values are 0-6 with Sunday = 0
    /// (cron's 7 is folded into 0). Empty for a field holding only a reversed range such as
    /// `NOV-FEB` (cronie expands it to nothing), and for every field of `@reboot`.
    pub fn values(&self, field: Field) -> Vec<u8> {
        let set = self.set(field);
        (0u8..64).filter(|v| set & (1u64 << v) != 0).collect()
    }

    /// Whether the field holds a reversed range such as `NOV-FEB` or `5-1/2`, which cronie
    /// accepts but expands to nothing (a range wraps only as `a-0`, read as `a-7`). Useful to
    /// explain why a schedule [never fires](Schedule::never_fires) or fires less than expected.
    pub fn has_reversed_range(&self, field: Field) -> bool {
        self.reversed.get(field.index()).copied().unwrap_or(false)
    }

    /// Whether the field's text starts with `*` — cronie's flag that makes day-of-month and
    /// day-of-week combine with AND (either flag set) instead of OR, and that makes a job a
    /// "wildcard" job for daylight-saving changes (minute or hour flag). Macros report the flags
    /// cronie sets for them (`@yearly`/`@monthly`: day-of-week, `@weekly`: day-of-month,
    /// `@hourly`: hour).
    pub fn is_star(&self, field: Field) -> bool {
        self.stars.get(field.index()).copied().unwrap_or(false)
    }

    /// Whether cronie treats this as a fixed-time job for daylight-saving changes: neither the
    /// minute nor the hour field starts with `*`. See [`Schedule::next_after`].
    pub fn is_fixed_time(&self) -> bool {
        !self.is_star(Field::Minute) && !self.is_star(Field::Hour)
    }

    pub(crate) fn set(&self, field: Field) -> u64 {
        self.sets.get(field.index()).copied().unwrap_or(0)
    }
}

impl std::str::FromStr for Schedule {
    type Err = CronError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Schedule::parse(s)
    }
}
