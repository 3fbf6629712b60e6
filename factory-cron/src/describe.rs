//! The schedule in plain English.

use crate::{Field, Schedule};

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
/// Sunday = 0.
const DAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];
const MAX_DAYS: [u8; 12] = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/// `a`, `a and b`, `a, b and c`.
fn join_and(items: &[String]) -> String {
    join_with(items, "and")
}

fn join_with(items: &[String], word: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} {word} {last}", init.join(", ")),
    }
}

/// Groups ascending values into runs of consecutive values.
fn runs(values: &[u8]) -> Vec<(u8, u8)> {
    let mut out: Vec<(u8, u8)> = Vec::new();
    for &v in values {
        match out.last_mut() {
            Some((_, hi)) if hi.checked_add(1) == Some(v) => *hi = v,
            _ => out.push((v, v)),
        }
    }
    out
}

/// Items of a list: runs of three or more become `a-b` (or `A through B` with names).
fn run_items(values: &[u8], name: impl Fn(u8) -> String, through: &str) -> Vec<String> {
    let mut items = Vec::new();
    for (lo, hi) in runs(values) {
        if hi >= lo.saturating_add(2) {
            items.push(format!("{}{through}{}", name(lo), name(hi)));
        } else {
            for v in lo..=hi {
                items.push(name(v));
            }
        }
    }
    items
}

/// A list of numbers: `1 and 15`, `1-5 and 10-15`, or `1, 3, 5, ..., 31` for a long step.
fn numbers(values: &[u8]) -> String {
    if values.len() >= 5
        && let Some((first, step, last)) = progression(values)
    {
        let (second, third) = (first + step, first + 2 * step);
        return format!("{first}, {second}, {third}, ..., {last}");
    }
    join_and(&run_items(values, |v| v.to_string(), "-"))
}

fn month_name(m: u8) -> String {
    MONTHS
        .get(usize::from(m).wrapping_sub(1))
        .copied()
        .unwrap_or("?")
        .to_string()
}

fn day_name(d: u8) -> &'static str {
    DAYS.get(usize::from(d)).copied().unwrap_or("?")
}

fn months_text(months: &[u8]) -> String {
    join_and(&run_items(months, month_name, " through "))
}

/// Weekdays in Monday-first order, as plural names or `Monday through Friday` runs.
fn weekdays_plural(dows: &[u8]) -> String {
    let monday_first: Vec<u8> = dows
        .iter()
        .map(|d| if *d == 0 { 7 } else { *d })
        .collect::<std::collections::BTreeSet<u8>>()
        .into_iter()
        .collect();
    let name = |d: u8| day_name(d % 7);
    let mut items = Vec::new();
    for (lo, hi) in runs(&monday_first) {
        if hi >= lo.saturating_add(2) {
            items.push(format!("{} through {}", name(lo), name(hi)));
        } else {
            for d in lo..=hi {
                items.push(format!("{}s", name(d)));
            }
        }
    }
    join_and(&items)
}

/// Weekdays in Monday-first order, singular, joined with "or".
fn weekdays_or(dows: &[u8]) -> String {
    let mut monday_first: Vec<u8> = dows.iter().map(|d| if *d == 0 { 7 } else { *d }).collect();
    monday_first.sort_unstable();
    let items: Vec<String> = monday_first
        .iter()
        .map(|d| day_name(d % 7).to_string())
        .collect();
    join_with(&items, "or")
}

/// `(first, step, last)` when the values form an arithmetic progression of 3+ values, step > 1.
fn progression(values: &[u8]) -> Option<(u8, u8, u8)> {
    let (&first, &second, &last) = (values.first()?, values.get(1)?, values.last()?);
    let step = second.checked_sub(first)?;
    if values.len() < 3 || step < 2 {
        return None;
    }
    values
        .windows(2)
        .all(|w| matches!(w, [a, b] if b.checked_sub(*a) == Some(step)))
        .then_some((first, step, last))
}

enum Minutes {
    All,
    /// `*/n` with n dividing 60.
    Every(u8),
    Progression(u8, u8, u8),
    Single(u8),
    List(String),
}

impl Minutes {
    fn classify(minutes: &[u8]) -> Minutes {
        if minutes.len() == 60 {
            return Minutes::All;
        }
        if let [m] = minutes {
            return Minutes::Single(*m);
        }
        if let Some((first, step, last)) = progression(minutes) {
            if first == 0 && 60 % step == 0 && u16::from(last) + u16::from(step) == 60 {
                return Minutes::Every(step);
            }
            return Minutes::Progression(first, step, last);
        }
        Minutes::List(numbers(minutes))
    }

    /// The phrase for recurring minutes (`every 15 minutes`), or `None` for fixed minutes.
    fn recurring(&self) -> Option<String> {
        match self {
            Minutes::All => Some("every minute".to_string()),
            Minutes::Every(s) => Some(format!("every {s} minutes")),
            Minutes::Progression(a, s, b) => {
                Some(format!("every {s} minutes from minute {a} through {b}"))
            }
            Minutes::Single(_) | Minutes::List(_) => None,
        }
    }

    /// `minute 5` / `minutes 0 and 30`.
    fn fixed(&self) -> String {
        match self {
            Minutes::Single(m) => format!("minute {m}"),
            Minutes::List(l) => format!("minutes {l}"),
            Minutes::Progression(a, s, b) => {
                format!("every {s} minutes from minute {a} through {b}")
            }
            Minutes::Every(s) => format!("every {s} minutes"),
            Minutes::All => "every minute".to_string(),
        }
    }
}

fn hours_phrase(hours: &[u8]) -> String {
    match hours {
        [h] => format!("hour {h}"),
        _ => format!("hours {}", numbers(hours)),
    }
}

/// The time-of-day part and whether it is a short list of fixed times (`at 04:30`).
fn time_part(minutes: &[u8], hours: &[u8]) -> (String, bool) {
    let all_hours = hours.len() == 24;
    let m = Minutes::classify(minutes);
    if !all_hours && minutes.len() * hours.len() <= 6 {
        let times: Vec<String> = hours
            .iter()
            .flat_map(|h| minutes.iter().map(move |m| format!("{h:02}:{m:02}")))
            .collect();
        return (format!("at {}", join_and(&times)), true);
    }
    let (first_m, last_m) = (
        minutes.first().copied().unwrap_or(0),
        minutes.last().copied().unwrap_or(0),
    );
    let window = match runs(hours).as_slice() {
        [(a, b)] => Some((*a, *b)),
        _ => None,
    };
    let every_n_hours = progression(hours)
        .filter(|(first, step, last)| *first == 0 && 24 % step == 0 && last + step == 24)
        .map(|(_, step, _)| step);
    let text = if all_hours {
        match &m {
            Minutes::All | Minutes::Every(_) => m.fixed(),
            Minutes::Progression(..) => format!("{} of every hour", m.fixed()),
            Minutes::Single(_) | Minutes::List(_) => format!("every hour at {}", m.fixed()),
        }
    } else if let (Some(rec), Some((a, b)), Minutes::All | Minutes::Every(_)) =
        (m.recurring(), window, &m)
    {
        format!("{rec} from {a:02}:{first_m:02} to {b:02}:{last_m:02}")
    } else if let (Minutes::Single(min), Some((a, b))) = (&m, window) {
        format!("every hour from {a:02}:{min:02} to {b:02}:{min:02}")
    } else if let (Minutes::Single(_) | Minutes::List(_), Some(n)) = (&m, every_n_hours) {
        format!("every {n} hours at {}", m.fixed())
    } else if let Some(rec) = m.recurring() {
        format!("{rec} during {}", hours_phrase(hours))
    } else {
        format!("at {} of {}", m.fixed(), hours_phrase(hours))
    };
    (text, false)
}

impl Schedule {
    /// The schedule in plain English, e.g. `"every 15 minutes"`, `"at 00:00 every day"`,
    /// `"at 04:30 on day 1 and 15 of the month, and on Fridays"`, `"at reboot"`, or
    /// `"never (February has no day 30)"`.
    pub fn describe(&self) -> String {
        if self.reboot {
            return "at reboot".to_string();
        }
        if self.never_fires() {
            return format!("never ({})", self.never_reason());
        }
        let minutes = self.values(Field::Minute);
        let hours = self.values(Field::Hour);
        let (time, fixed_times) = time_part(&minutes, &hours);
        let days = self.days_part();
        match (days, fixed_times) {
            (None, true) => format!("{time} every day"),
            (None, false) => time,
            (Some(d), true) if d.starts_with("in ") => format!("{time} every day {d}"),
            (Some(d), _) => format!("{time} {d}"),
        }
    }

    /// Why [`Schedule::never_fires`] is true.
    fn never_reason(&self) -> String {
        for field in [Field::Minute, Field::Hour, Field::Month] {
            if self.set(field) == 0 {
                return format!("the {} field matches nothing", field.name());
            }
        }
        let and = self.is_star(Field::DayOfMonth) || self.is_star(Field::DayOfWeek);
        let doms = self.values(Field::DayOfMonth);
        let months = self.values(Field::Month);
        if doms.is_empty() && (and || self.set(Field::DayOfWeek) == 0) {
            return "the day-of-month field matches nothing".to_string();
        }
        if and && self.set(Field::DayOfWeek) == 0 {
            return "the day-of-week field matches nothing".to_string();
        }
        let names: Vec<String> = months.iter().map(|m| month_name(*m)).collect();
        let verb = if names.len() == 1 { "has" } else { "have" };
        format!(
            "{} {verb} no day {}",
            join_and(&names),
            join_with(&run_items(&doms, |v| v.to_string(), "-"), "or")
        )
    }

    /// The day part: `None` for every day, else `on ...` or `in <months>`.
    fn days_part(&self) -> Option<String> {
        let months = self.values(Field::Month);
        let months_all = months.len() == 12;
        let max_day = months
            .iter()
            .filter_map(|m| MAX_DAYS.get(usize::from(*m).wrapping_sub(1)).copied())
            .max()
            .unwrap_or(31);
        let doms: Vec<u8> = self
            .values(Field::DayOfMonth)
            .into_iter()
            .filter(|d| *d <= max_day)
            .collect();
        let dows = self.values(Field::DayOfWeek);
        let dom_all = doms.len() == usize::from(max_day);
        let dow_all = dows.len() == 7;
        let and = self.is_star(Field::DayOfMonth) || self.is_star(Field::DayOfWeek);

        let (use_dom, use_dow) = if and {
            (!dom_all, !dow_all)
        } else if dom_all || dow_all {
            (false, false)
        } else {
            (!doms.is_empty(), !dows.is_empty())
        };
        let of_months = if months_all {
            "the month".to_string()
        } else {
            months_text(&months)
        };
        let in_months = if months_all {
            String::new()
        } else {
            format!(" in {}", months_text(&months))
        };
        let day_list = numbers(&doms);
        Some(match (use_dom, use_dow) {
            (false, false) => {
                if months_all {
                    return None;
                }
                format!("in {}", months_text(&months))
            }
            (true, false) => match (doms.as_slice(), months.as_slice()) {
                ([d], [m]) => format!("on {} {d}", month_name(*m)),
                _ => format!("on day {day_list} of {of_months}"),
            },
            (false, true) => format!("on {}{in_months}", weekdays_plural(&dows)),
            (true, true) if and => format!(
                "on day {day_list} of {of_months} if it is a {}",
                weekdays_or(&dows)
            ),
            (true, true) => format!(
                "on day {day_list} of {of_months}, and on {}{in_months}",
                weekdays_plural(&dows)
            ),
        })
    }
}
