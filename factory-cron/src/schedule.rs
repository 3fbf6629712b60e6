//! Matching and the search for the next runs, including cronie's handling of daylight-saving
//! time changes.

use jiff::civil::{Date, DateTime};
use jiff::tz::{Offset, TimeZone};
use jiff::{SignedDuration, Timestamp, ToSpan, Zoned};

use crate::{Field, Schedule};

/// How far [`Schedule::next_after`] looks: one full Gregorian cycle. The calendar (dates and
/// weekdays) repeats every 400 years, so a schedule that does not fire within this window never
/// fires at all — and [`Schedule::never_fires`] already says so without searching.
pub(crate) const HORIZON_YEARS: i16 = 400;

/// Safety cap on the number of time-zone segments walked (a DST zone has ~2 per year).
const MAX_SEGMENTS: usize = 10_000;

/// Largest day of each month in any year (February: 29).
const MAX_DAYS: [u8; 12] = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/// Bits `n..64`.
fn mask_from(n: u32) -> u64 {
    if n >= 64 { 0 } else { !0u64 << n }
}

fn floor_minute(dt: DateTime) -> DateTime {
    dt.date().at(dt.hour(), dt.minute(), 0, 0)
}

fn ceil_minute(dt: DateTime) -> Option<DateTime> {
    let floor = floor_minute(dt);
    if floor == dt {
        Some(dt)
    } else {
        floor.checked_add(1.minute()).ok()
    }
}

fn minutes_between(a: Offset, b: Offset) -> i64 {
    (i64::from(b.seconds()) - i64::from(a.seconds())) / 60
}

impl Schedule {
    /// Whether the schedule matches the wall-clock minute containing `t` (seconds are ignored).
    /// Day-of-month and day-of-week combine the cronie way: when either field starts with `*`
    /// both must match, otherwise either may match. Always `false` for `@reboot`.
    pub fn matches(&self, t: DateTime) -> bool {
        !self.reboot
            && self.set(Field::Minute) & (1u64 << t.minute()) != 0
            && self.set(Field::Hour) & (1u64 << t.hour()) != 0
            && self.day_matches(t.date())
    }

    /// Whether the date matches the month, day-of-month and day-of-week fields.
    pub(crate) fn day_matches(&self, d: Date) -> bool {
        if self.set(Field::Month) & (1u64 << d.month()) == 0 {
            return false;
        }
        let dom = self.set(Field::DayOfMonth) & (1u64 << d.day()) != 0;
        let dow = self.set(Field::DayOfWeek) & (1u64 << d.weekday().to_sunday_zero_offset()) != 0;
        if self.is_star(Field::DayOfMonth) || self.is_star(Field::DayOfWeek) {
            dom && dow
        } else {
            dom || dow
        }
    }

    /// `true` when the schedule can never fire: a field that matches nothing (a reversed range
    /// such as `NOV-FEB` expands to nothing in cronie), or days that do not exist (`0 0 30 2 *`,
    /// `0 0 31 2,4,6,9,11 *`). Decided from the fields alone, without searching: every valid
    /// month/day falls on every weekday within the 400-year Gregorian cycle, and every month
    /// contains every weekday. `false` for `@reboot`, which fires when the daemon starts.
    pub fn never_fires(&self) -> bool {
        if self.reboot {
            return false;
        }
        let months = self.set(Field::Month);
        if self.set(Field::Minute) == 0 || self.set(Field::Hour) == 0 || months == 0 {
            return true;
        }
        let dom = self.set(Field::DayOfMonth);
        let some_date = (1u32..=12).any(|m| {
            let max = MAX_DAYS.get(m as usize - 1).copied().map_or(0, u32::from);
            months & (1 << m) != 0 && dom & mask_from(1) & !mask_from(max + 1) != 0
        });
        let some_weekday = self.set(Field::DayOfWeek) != 0;
        let fires = if self.is_star(Field::DayOfMonth) || self.is_star(Field::DayOfWeek) {
            some_date && some_weekday
        } else {
            some_date || some_weekday
        };
        !fires
    }

    /// The first run strictly after `after`, with the cron daemon running in `tz`; `None` for
    /// `@reboot`, for a schedule that [never fires](Schedule::never_fires), or when the run
    /// would fall beyond year 9999.
    ///
    /// Runs are whole wall-clock minutes in `tz`. The search is bounded: it looks at most
    /// 400 years past `after` (one Gregorian cycle, so nothing that can fire is missed), skips
    /// months, then days, that do not match, and picks the hour and minute within a day from the
    /// field sets directly; it walks the time zone's transitions one by one (about two a year).
    ///
    /// # Daylight-saving time
    /// cronie keeps a virtual wall clock and, when the wall clock jumps (`cron.c`, main loop),
    /// treats *wildcard* jobs (minute or hour field starting with `*`, and `@hourly`) and
    /// *fixed-time* jobs (all others, including `@daily` and friends) differently. This function
    /// implements that, with the jump measured in wall-clock minutes:
    /// - **Forward jump** (spring forward, e.g. Europe/Paris 02:00 → 03:00): wildcard jobs
    ///   follow the wall clock, so their runs in the skipped hour are lost; a fixed-time job
    ///   whose time falls in the skipped range runs **once, at the first instant after the
    ///   jump** (03:00 in Paris), even if several of its minutes were skipped or it also matches
    ///   03:00. A jump of at most 4 minutes catches up wildcard jobs too; a jump of more than
    ///   179 minutes catches up nothing (cronie then assumes the clock was set).
    /// - **Backward jump** (fall back, e.g. Paris 03:00 → 02:00): wildcard jobs follow the wall
    ///   clock and run again during the repeated hour; fixed-time jobs run only in the first
    ///   pass and are not repeated. A backward jump of more than 181 minutes makes cronie reset
    ///   its clock, and then fixed-time jobs repeat too.
    ///
    /// (cronie notices an offset change only when the zone's DST flag flips; this function
    /// applies the rules above to every offset change in the zone's rules.)
    pub fn next_after(&self, after: Timestamp, tz: &TimeZone) -> Option<Zoned> {
        if self.reboot || self.never_fires() {
            return None;
        }
        let fixed = self.is_fixed_time();
        let mut offset = tz.to_offset(after);
        let after_wall = offset.to_datetime(after);
        let horizon = after_wall
            .checked_add(HORIZON_YEARS.years())
            .unwrap_or(DateTime::MAX);
        // The current segment of constant offset: it started at `seg_start` (the transition
        // from `prev_offset`), and we look for runs from wall time `lo` (inclusive).
        let just_after = after
            .checked_add(SignedDuration::from_nanos(1))
            .unwrap_or(after);
        let mut seg_start: Option<Timestamp> =
            tz.preceding(just_after).next().map(|t| t.timestamp());
        let mut prev_offset: Option<Offset> = seg_start.map(|t0| {
            let before = t0.checked_sub(SignedDuration::from_nanos(1)).unwrap_or(t0);
            tz.to_offset(before)
        });
        let mut anchor = after;
        let mut lo = floor_minute(after_wall).checked_add(1.minute()).ok()?;

        for _ in 0..MAX_SEGMENTS {
            // Fixed-time jobs do not run again in the wall-clock range repeated after a
            // backward jump (unless the jump is large enough for cronie to reset its clock).
            if fixed && let (Some(t0), Some(before)) = (seg_start, prev_offset) {
                let fold = minutes_between(offset, before);
                if fold > 0 && 1 - fold >= -180 {
                    let fold_end = ceil_minute(before.to_datetime(t0))?;
                    lo = lo.max(fold_end);
                }
            }
            let transition = tz.following(anchor).next();
            let seg_end = transition
                .as_ref()
                .map(|tr| offset.to_datetime(tr.timestamp()));
            let until = seg_end.map_or(horizon, |e| e.min(horizon));
            if lo < until
                && let Some(c) = self.next_civil(lo, until)
            {
                let ts = offset.to_timestamp(c).ok()?;
                return Some(ts.to_zoned(tz.clone()));
            }
            let tr = transition?;
            if seg_end.is_none_or(|e| e >= horizon) {
                return None;
            }
            let t1 = tr.timestamp();
            let new_offset = tr.offset();
            let gap = minutes_between(offset, new_offset);
            if gap > 0 {
                // cronie's timeDiff after a forward jump of `gap` minutes is gap + 1.
                let time_diff = gap + 1;
                let catch_up = if time_diff <= 5 {
                    true
                } else if time_diff <= 180 {
                    fixed
                } else {
                    false
                };
                if catch_up {
                    let gap_lo = ceil_minute(offset.to_datetime(t1))?;
                    let gap_hi = new_offset.to_datetime(t1);
                    if gap_lo < gap_hi && self.next_civil(gap_lo, gap_hi).is_some() {
                        return Some(t1.to_zoned(tz.clone()));
                    }
                }
            }
            prev_offset = Some(offset);
            offset = new_offset;
            seg_start = Some(t1);
            anchor = t1;
            lo = ceil_minute(new_offset.to_datetime(t1))?;
        }
        None
    }

    /// The next `n` runs after `after` (see [`Schedule::next_after`]); fewer when the schedule
    /// stops firing (never, `@reboot`, or beyond year 9999).
    pub fn upcoming(&self, after: Timestamp, tz: &TimeZone, n: usize) -> Vec<Zoned> {
        let mut runs = Vec::with_capacity(n.min(1024));
        let mut from = after;
        while runs.len() < n {
            match self.next_after(from, tz) {
                Some(z) => {
                    from = z.timestamp();
                    runs.push(z);
                }
                None => break,
            }
        }
        runs
    }

    /// The first matching wall-clock minute in `[from, until)`; `from` is a whole minute.
    fn next_civil(&self, from: DateTime, until: DateTime) -> Option<DateTime> {
        let months = self.set(Field::Month);
        if months == 0 {
            return None;
        }
        let last_date = until.date();
        let mut date = from.date();
        let mut first_minute =
            u32::from(from.hour().unsigned_abs()) * 60 + u32::from(from.minute().unsigned_abs());
        loop {
            if date > last_date {
                return None;
            }
            let month = u32::from(date.month().unsigned_abs());
            if months & (1u64 << month) == 0 {
                date = next_month_start(date, months)?;
                first_minute = 0;
                continue;
            }
            if self.day_matches(date)
                && let Some((h, m)) = self.first_time(first_minute)
            {
                let c = date.at(h, m, 0, 0);
                return (c < until).then_some(c);
            }
            date = date.tomorrow().ok()?;
            first_minute = 0;
        }
    }

    /// The first (hour, minute) at or after minute-of-day `from` that matches.
    fn first_time(&self, from: u32) -> Option<(i8, i8)> {
        let hours = self.set(Field::Hour) & !mask_from(24);
        let minutes = self.set(Field::Minute) & !mask_from(60);
        if minutes == 0 {
            return None;
        }
        let (h0, m0) = (from / 60, from % 60);
        if hours & (1u64 << h0.min(63)) != 0 {
            let later = minutes & mask_from(m0);
            if later != 0 {
                return Some((h0 as i8, later.trailing_zeros() as i8));
            }
        }
        let next_hours = hours & mask_from(h0 + 1);
        if next_hours == 0 {
            return None;
        }
        Some((
            next_hours.trailing_zeros() as i8,
            minutes.trailing_zeros() as i8,
        ))
    }
}

/// The first day of the next month (after `d`'s month) that is in `months` (non-empty).
fn next_month_start(d: Date, months: u64) -> Option<Date> {
    let month = u32::from(d.month().unsigned_abs());
    let later = months & mask_from(month + 1) & !mask_from(13);
    let (year, m) = if later != 0 {
        (d.year(), later.trailing_zeros())
    } else {
        let first = months & !mask_from(13);
        if first == 0 {
            return None;
        }
        (d.year().checked_add(1)?, first.trailing_zeros())
    };
    Date::new(year, m as i8, 1).ok()
}
