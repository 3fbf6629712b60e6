//! What the parser accepts and rejects, following cronie's `entry.c`.

use factory_cron::{Field, Schedule};

fn err(expr: &str) -> (String, std::ops::Range<usize>, Option<String>) {
    let e = Schedule::parse(expr).unwrap_err();
    (e.message, e.span, e.help)
}

fn values(expr: &str, field: Field) -> Vec<u8> {
    Schedule::parse(expr).unwrap().values(field)
}

#[test]
fn cronie_range_quirks() {
    // `a-0` without a step means `a-7` in every field (get_range, R_RANGE_NUM2).
    assert_eq!(values("5-0 * * * *", Field::Minute), [5, 6, 7]);
    assert_eq!(values("0 0 * * FRI-SUN", Field::DayOfWeek), [0, 5, 6]);
    // ... but not with a step: the range stays reversed and expands to nothing.
    assert!(values("0 0 * * FRI-SUN/1", Field::DayOfWeek).is_empty());
    assert!(Schedule::parse("0 0 * * FRI-SUN/1").unwrap().never_fires());
    // Reversed ranges expand to nothing, even with out-of-range bounds.
    assert!(values("0 0 1 NOV-FEB *", Field::Month).is_empty());
    assert!(
        Schedule::parse("0 0 1 NOV-FEB *")
            .unwrap()
            .has_reversed_range(Field::Month)
    );
    assert!(
        Schedule::parse("0 0 1 1,NOV-FEB *")
            .unwrap()
            .has_reversed_range(Field::Month)
    );
    assert!(
        !Schedule::parse("0 0 * * FRI-SUN")
            .unwrap()
            .has_reversed_range(Field::DayOfWeek)
    );
    assert!(values("70-5 * * * *", Field::Minute).is_empty());
    // Values are checked as they are generated: `1-70/100` only sets 1.
    assert_eq!(values("1-70/100 * * * *", Field::Minute), [1]);
    assert_eq!(values("*/100 * * * *", Field::Minute), [0]);
    // 0 and 7 are Sunday; names are case-insensitive, and `sun` is 0.
    assert_eq!(values("0 0 * * 7", Field::DayOfWeek), [0]);
    assert_eq!(values("0 0 * * sUn,Sat", Field::DayOfWeek), [0, 6]);
    assert_eq!(values("0 0 * jAn-MAR *", Field::Month), [1, 2, 3]);
    assert_eq!(values("00 007 * * *", Field::Hour), [7]);
    // A `*` inside a list sets everything but does not make the field a star field.
    let s = Schedule::parse("0 0 1-31/2,* * *").unwrap();
    assert_eq!(s.values(Field::DayOfMonth).len(), 31);
    assert!(!s.is_star(Field::DayOfMonth));
    assert!(s.is_star(Field::DayOfWeek));
}

#[test]
fn spans_and_flags() {
    let s = Schedule::parse(" 0\t 4  1,15 *  fri ").unwrap();
    assert_eq!(s.field_spans(), [1..2, 4..5, 7..11, 12..13, 15..18]);
    assert_eq!(s.span(), 1..18);
    assert!(s.is_fixed_time());
    assert!(!s.is_reboot());
    assert!(!Schedule::parse("*/5 4 * * *").unwrap().is_fixed_time());
    assert!(!Schedule::parse("5 * * * *").unwrap().is_fixed_time());

    let m = Schedule::parse("  @weekly").unwrap();
    assert_eq!(m.field_spans(), [2..2, 2..2, 2..2, 2..2, 2..2]);
    assert_eq!(m.macro_name(), Some("weekly"));
    assert!(m.is_star(Field::DayOfMonth));
    assert_eq!(m.values(Field::DayOfWeek), [0]);
    assert!(!Schedule::parse("@hourly").unwrap().is_fixed_time());

    let r = Schedule::parse("@reboot").unwrap();
    assert!(r.is_reboot());
    assert!(!r.never_fires());
    let from = "2026-01-01T00:00:00Z".parse().unwrap();
    assert_eq!(r.next_after(from, &jiff::tz::TimeZone::UTC), None);
    assert!(!r.matches(jiff::civil::date(2026, 1, 1).at(0, 0, 0, 0)));
}

#[test]
fn error_messages_and_spans() {
    assert_eq!(
        err("0 0 * * 5L"),
        (
            "day-of-week must be 0-7 or sun-sat; `5L` is not cron syntax".to_string(),
            8..10,
            Some(
                "`L` (last) and `W` (nearest weekday) are Quartz extensions that cron does not support"
                    .to_string()
            )
        )
    );
    let (message, span, help) = err("*/0 * * * *");
    assert_eq!(message, "step must be a positive number; `*/0` has step 0");
    assert_eq!(span, 2..3);
    assert!(help.is_some());

    let (message, span, help) = err("5/15 * * * *");
    assert_eq!(message, "minute must be 0-59; `5/15` is not cron syntax");
    assert_eq!(span, 0..4);
    assert_eq!(
        help.as_deref(),
        Some("a step follows `*` or a range: write `5-59/15` to start at 5, or `*/15`")
    );

    let (message, span, _) = err("* * * * * *");
    assert_eq!(
        message,
        "a cron schedule has 5 fields (minute hour day-of-month month day-of-week), found 6"
    );
    assert_eq!(span, 10..11);

    let (message, span, _) = err("0 0 * *");
    assert!(message.ends_with("found 4"));
    assert_eq!(span, 0..7);

    let (message, span, _) = err("1,,2 * * * *");
    assert_eq!(
        message,
        "minute must be 0-59; the list has an empty element"
    );
    assert_eq!(span, 1..2);
    assert_eq!(err("0 0 * * 1,").1, 9..10);

    assert_eq!(
        err("* * 0 * *").0,
        "day-of-month must be 1-31; `0` is out of range"
    );
    assert_eq!(err("* * 0 * *").1, 4..5);
    assert_eq!(
        err("50-70 * * * *").0,
        "minute must be 0-59; `70` is out of range"
    );
    assert_eq!(err("50-70 * * * *").1, 3..5);
    assert_eq!(
        err("0 24 * * *").0,
        "hour must be 0-23; `24` is out of range"
    );
    assert_eq!(
        err("0 0 * 13 *").0,
        "month must be 1-12 or jan-dec; `13` is out of range"
    );
    assert_eq!(err("0 0 * * 8").1, 8..9);

    let (message, span, help) = err("*5 * * * *");
    assert_eq!(message, "minute must be 0-59; `*5` is not cron syntax");
    assert_eq!(span, 0..2);
    assert!(help.unwrap().contains("*/5"));

    let (_, span, help) = err("0 0 * * 1#2");
    assert_eq!(span, 8..11);
    assert!(help.unwrap().contains("Quartz"));
    assert!(err("0 0 ? * MON").2.unwrap().contains("Quartz"));
    assert!(err("0 0 LW * *").2.unwrap().contains("Quartz"));

    let (message, span, help) = err("0 0 * JANUARY *");
    assert_eq!(
        message,
        "month must be 1-12 or jan-dec; `JANUARY` is not cron syntax"
    );
    assert_eq!(span, 6..13);
    assert_eq!(
        help.as_deref(),
        Some("cron only knows 3-letter names: write `jan`")
    );
    assert_eq!(
        err("0 0 * * Monday").2.as_deref(),
        Some("cron only knows 3-letter names: write `mon`")
    );
    assert!(
        err("0 jan * * *")
            .2
            .unwrap()
            .contains("names are only allowed")
    );

    let (message, span, help) = err("@DAILY");
    assert!(message.starts_with("`@DAILY` is not a cron macro"));
    assert_eq!(span, 0..6);
    assert_eq!(
        help.as_deref(),
        Some("macros are case-sensitive: write `@daily`")
    );
    assert_eq!(err("@daily echo hi").1, 7..14);
    assert_eq!(err("@every 5m").1, 0..6);

    assert!(err("0 0 1~5 * *").2.unwrap().contains("random"));
    assert_eq!(err("0 0\n* * *").1, 3..4);
    assert_eq!(err("").0, "empty cron schedule");
    assert_eq!(err("é * * * *").1, 0..2);
    assert_eq!(
        err("1- * * * *").2.as_deref(),
        Some("a range needs an end, e.g. `1-5`")
    );
    assert_eq!(
        err("-1 * * * *").2.as_deref(),
        Some("a range needs a start, e.g. `1-5`")
    );
    assert_eq!(err("*/x * * * *").1, 2..3);
}
