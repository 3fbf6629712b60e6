//! Property tests: next runs agree with a brute-force walk; the parser never panics.

use factory_cron::Schedule;
use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use proptest::prelude::*;

/// One element of a field's list, generated from cron's grammar.
#[derive(Debug, Clone)]
enum Item {
    Star,
    StarStep(u8),
    Single(u8),
    Range(u8, u8),
    RangeStep(u8, u8, u8),
}

/// A field: its list items and whether numbers are written as names (month, day-of-week).
#[derive(Debug, Clone)]
struct FieldExpr {
    items: Vec<Item>,
    names: bool,
    upper: bool,
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];
/// `sun` is 0 for cron (its name table finds Sunday at 0 first), so 7 stays a number.
const DAYS: [&str; 7] = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

/// Field bounds as cronie has them (day-of-week 0-7).
const BOUNDS: [(u8, u8); 5] = [(0, 59), (0, 23), (1, 31), (1, 12), (0, 7)];

impl FieldExpr {
    fn render(&self, field: usize) -> String {
        let num = |v: u8| -> String {
            let name = match field {
                3 if self.names => MONTHS.get(usize::from(v) - 1).copied(),
                4 if self.names => DAYS.get(usize::from(v)).copied(),
                _ => None,
            };
            match name {
                Some(n) if self.upper => n.to_uppercase(),
                Some(n) => n.to_string(),
                None => v.to_string(),
            }
        };
        let items: Vec<String> = self
            .items
            .iter()
            .map(|item| match item {
                Item::Star => "*".to_string(),
                Item::StarStep(s) => format!("*/{s}"),
                Item::Single(v) => num(*v),
                Item::Range(a, b) => format!("{}-{}", num(*a), num(*b)),
                Item::RangeStep(a, b, s) => format!("{}-{}/{s}", num(*a), num(*b)),
            })
            .collect();
        items.join(",")
    }

    /// The set cronie builds (its `get_range` loop), written independently of the crate.
    fn expand(&self, field: usize) -> Vec<bool> {
        let (min, max) = BOUNDS[field];
        let mut set = vec![false; 64];
        for item in &self.items {
            let (lo, hi, step) = match *item {
                Item::Star => (min, max, 1),
                Item::StarStep(s) => (min, max, s),
                Item::Single(v) => (v, v, 1),
                Item::Range(a, b) if a > b && b == 0 => (a, 7, 1),
                Item::Range(a, b) => (a, b, 1),
                Item::RangeStep(a, b, s) => (a, b, s),
            };
            let mut v = lo;
            while v <= hi {
                set[usize::from(v)] = true;
                v += step;
            }
        }
        if field == 4 && (set[0] || set[7]) {
            set[0] = true;
            set[7] = true;
        }
        set
    }

    fn starts_with_star(&self) -> bool {
        matches!(self.items.first(), Some(Item::Star | Item::StarStep(_)))
    }
}

fn item(field: usize) -> impl Strategy<Value = Item> {
    let (min, max) = BOUNDS[field];
    // Ranges whose expansion stays within bounds: `a-b` with a <= b, or reversed (empty).
    prop_oneof![
        2 => Just(Item::Star),
        2 => (1u8..=max.min(30)).prop_map(Item::StarStep),
        4 => (min..=max).prop_map(Item::Single),
        3 => (min..=max, min..=max).prop_map(|(a, b)| Item::Range(a.min(b), a.max(b))),
        1 => (min..=max, min..=max).prop_map(|(a, b)| Item::Range(a, b)),
        3 => (min..=max, min..=max, 1u8..=20)
            .prop_map(|(a, b, s)| Item::RangeStep(a.min(b), a.max(b), s)),
    ]
    .prop_filter("in range", move |it| match *it {
        // `a-0` means `a-7`: keep it within the field.
        Item::Range(a, 0) if a > 0 => max >= 7,
        _ => true,
    })
}

fn field_expr(field: usize) -> impl Strategy<Value = FieldExpr> {
    (
        prop::collection::vec(item(field), 1..=3),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(items, names, upper)| FieldExpr {
            items,
            names,
            upper,
        })
}

/// Fields biased towards `*` for minute and hour so runs are frequent enough to compare.
fn expr() -> impl Strategy<Value = Vec<FieldExpr>> {
    let star = |f: usize| {
        prop_oneof![
            1 => Just(FieldExpr { items: vec![Item::Star], names: false, upper: false }),
            3 => field_expr(f),
        ]
    };
    (star(0), star(1), star(2), star(3), star(4)).prop_map(|(a, b, c, d, e)| vec![a, b, c, d, e])
}

struct Reference {
    sets: Vec<Vec<bool>>,
    and: bool,
}

impl Reference {
    fn new(fields: &[FieldExpr]) -> Reference {
        Reference {
            sets: fields
                .iter()
                .enumerate()
                .map(|(i, f)| f.expand(i))
                .collect(),
            and: fields[2].starts_with_star() || fields[4].starts_with_star(),
        }
    }

    fn day_ok(&self, d: Date) -> bool {
        let month = self.sets[3][d.month() as usize];
        let dom = self.sets[2][d.day() as usize];
        let dow = self.sets[4][d.weekday().to_sunday_zero_offset() as usize];
        month && if self.and { dom && dow } else { dom || dow }
    }

    /// First matching minute strictly after `after`, walking day by day and, on a matching
    /// day, minute by minute; `None` if nothing within `days`.
    fn next(&self, after: DateTime, days: i32) -> Option<DateTime> {
        let mut date = after.date();
        for _ in 0..days {
            if self.day_ok(date) {
                for minute_of_day in 0..1440i32 {
                    let t = date.at((minute_of_day / 60) as i8, (minute_of_day % 60) as i8, 0, 0);
                    if t > after
                        && self.sets[1][t.hour() as usize]
                        && self.sets[0][t.minute() as usize]
                    {
                        return Some(t);
                    }
                }
            }
            date = date.tomorrow().ok()?;
        }
        None
    }
}

const WINDOW_DAYS: i32 = 3000;

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn next_runs_match_and_skip_nothing(
        fields in expr(),
        start_secs in 946_684_800i64..3_786_912_000i64, // 2000 .. 2090
    ) {
        let text: Vec<String> = fields.iter().enumerate().map(|(i, f)| f.render(i)).collect();
        let text = text.join(" ");
        let schedule = Schedule::parse(&text)
            .map_err(|e| TestCaseError::fail(format!("`{text}` rejected: {e}")))?;
        let reference = Reference::new(&fields);
        let mut after = Timestamp::from_second(start_secs).unwrap();
        for _ in 0..4 {
            let got = schedule.next_after(after, &TimeZone::UTC);
            let civil_after = after.to_zoned(TimeZone::UTC).datetime();
            let expected = reference.next(civil_after, WINDOW_DAYS);
            match (&got, expected) {
                (Some(z), Some(e)) => {
                    prop_assert_eq!(z.datetime(), e, "`{}` after {}", text, after);
                    prop_assert!(schedule.matches(z.datetime()));
                }
                (None, None) => break,
                (Some(z), None) => {
                    // Fine only if the run is beyond the brute-force window.
                    let limit = civil_after.checked_add((WINDOW_DAYS - 1).days()).unwrap();
                    prop_assert!(z.datetime() > limit, "`{}` after {}: got {}, brute force found nothing", text, after, z);
                    break;
                }
                (None, Some(e)) => {
                    prop_assert!(false, "`{}` after {}: got None, brute force found {}", text, after, e);
                }
            }
            match got {
                Some(z) => after = z.timestamp(),
                None => break,
            }
        }
    }

    #[test]
    fn paris_runs_increase_and_never_panic(fields in expr(), start_secs in 946_684_800i64..3_786_912_000i64) {
        let text: Vec<String> = fields.iter().enumerate().map(|(i, f)| f.render(i)).collect();
        let schedule = Schedule::parse(&text.join(" ")).unwrap();
        let tz = TimeZone::get("Europe/Paris").unwrap();
        let after = Timestamp::from_second(start_secs).unwrap();
        let runs = schedule.upcoming(after, &tz, 5);
        let mut prev = after;
        for run in &runs {
            prop_assert!(run.timestamp() > prev);
            prev = run.timestamp();
        }
        let _ = schedule.describe();
    }

    #[test]
    fn arbitrary_strings_never_panic(input in prop_oneof![
        ".{0,40}",
        "[0-9a-zA-Z*/,@#?~ \t\n-]{0,40}",
        "[0-9*/,-]{1,6}( [0-9a-zA-Z*/,-]{1,6}){3,5}",
    ]) {
        match Schedule::parse(&input) {
            Err(e) => {
                prop_assert!(e.span.start <= e.span.end && e.span.end <= input.len(), "{:?} for {:?}", e.span, input);
                prop_assert!(input.is_char_boundary(e.span.start) && input.is_char_boundary(e.span.end));
                prop_assert!(!e.message.is_empty());
            }
            Ok(s) => {
                for span in s.field_spans() {
                    prop_assert!(span.end <= input.len() && input.is_char_boundary(span.start) && input.is_char_boundary(span.end));
                }
                let _ = s.describe();
                let from = Timestamp::from_second(1_767_225_600).unwrap();
                let runs = s.upcoming(from, &TimeZone::UTC, 2);
                for run in runs {
                    prop_assert!(s.matches(run.datetime()));
                }
            }
        }
    }
}
