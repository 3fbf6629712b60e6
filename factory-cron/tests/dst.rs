//! Daylight-saving time, as cronie's `cron.c` main loop handles wall-clock jumps.
//!
//! Europe/Paris 2026: spring forward on 2026-03-29 at 01:00Z (02:00 CET -> 03:00 CEST);
//! fall back on 2026-10-25 at 01:00Z (03:00 CEST -> 02:00 CET).
//! cronie: a forward jump of 6-180 minutes runs wildcard jobs (minute or hour field starting
//! with `*`) for the new minute only and fixed-time jobs for every skipped minute, all right
//! after the jump; a backward jump of up to 180 minutes runs only wildcard jobs until the wall
//! clock is back where it was.

use factory_cron::Schedule;
use jiff::Timestamp;
use jiff::tz::TimeZone;

fn runs(expr: &str, tz: &str, from: &str, n: usize) -> Vec<String> {
    let tz = TimeZone::get(tz).unwrap();
    let from: Timestamp = from.parse().unwrap();
    Schedule::parse(expr)
        .unwrap()
        .upcoming(from, &tz, n)
        .iter()
        .map(|z| z.timestamp().to_string())
        .collect()
}

fn paris(expr: &str, from: &str, n: usize) -> Vec<String> {
    runs(expr, "Europe/Paris", from, n)
}

#[test]
fn spring_forward_fixed_job_in_the_gap_runs_once_after_the_jump() {
    // 02:30 does not exist on 29 March: the job runs at 03:00 CEST (01:00Z), then normally.
    assert_eq!(
        paris("30 2 * * *", "2026-03-28T12:00:00Z", 3),
        [
            "2026-03-29T01:00:00Z",
            "2026-03-30T00:30:00Z",
            "2026-03-31T00:30:00Z"
        ]
    );
    // Several skipped minutes (02:00 and 02:30) still make a single run.
    assert_eq!(
        paris("0,30 2 * * *", "2026-03-28T12:00:00Z", 2),
        ["2026-03-29T01:00:00Z", "2026-03-30T00:00:00Z"]
    );
    // A job at 02:00 and 03:00 runs once at 03:00 (cronie queues a job once per minute).
    assert_eq!(
        paris("0 2,3 * * *", "2026-03-28T12:00:00Z", 3),
        [
            "2026-03-29T01:00:00Z",
            "2026-03-30T00:00:00Z",
            "2026-03-30T01:00:00Z"
        ]
    );
    // @daily is a fixed-time job at 00:00, untouched by a 02:00 jump.
    assert_eq!(
        paris("@daily", "2026-03-28T12:00:00Z", 2),
        ["2026-03-28T23:00:00Z", "2026-03-29T22:00:00Z"]
    );
}

#[test]
fn spring_forward_wildcard_jobs_follow_the_wall_clock() {
    // Minute field starts with `*`: the 02:xx runs of 29 March are lost.
    assert_eq!(
        paris("*/30 2 * * *", "2026-03-28T12:00:00Z", 4),
        [
            "2026-03-30T00:00:00Z",
            "2026-03-30T00:30:00Z",
            "2026-03-31T00:00:00Z",
            "2026-03-31T00:30:00Z"
        ]
    );
    // Hour field starts with `*`: 01:30 CET, then 02:30 is skipped, then 03:30 CEST.
    assert_eq!(
        paris("30 * * * *", "2026-03-29T00:00:00Z", 3),
        [
            "2026-03-29T00:30:00Z",
            "2026-03-29T01:30:00Z",
            "2026-03-29T02:30:00Z"
        ]
    );
    // @hourly is a wildcard job (cronie sets the hour flag): 03:00 CEST comes right after 01:00.
    assert_eq!(
        paris("@hourly", "2026-03-28T23:30:00Z", 3),
        [
            "2026-03-29T00:00:00Z",
            "2026-03-29T01:00:00Z",
            "2026-03-29T02:00:00Z"
        ]
    );
}

#[test]
fn fall_back_fixed_job_does_not_run_twice() {
    // 02:30 happens twice on 25 October; the job runs in the first pass (CEST) only.
    assert_eq!(
        paris("30 2 * * *", "2026-10-24T12:00:00Z", 2),
        ["2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"]
    );
    // From inside the first pass, 02:00 is not repeated either.
    assert_eq!(
        paris("0 2 * * *", "2026-10-25T00:30:00Z", 1),
        ["2026-10-26T01:00:00Z"]
    );
    // From inside the second pass: the repeated 02:45 is skipped, 03:00 CET runs.
    assert_eq!(
        paris("45 2 * * *", "2026-10-25T01:10:00Z", 1),
        ["2026-10-26T01:45:00Z"]
    );
    assert_eq!(
        paris("0 3 * * *", "2026-10-25T01:10:00Z", 1),
        ["2026-10-25T02:00:00Z"]
    );
}

#[test]
fn fall_back_wildcard_jobs_follow_the_wall_clock() {
    // Hour field starts with `*`: 02:30 runs in both passes.
    assert_eq!(
        paris("30 * * * *", "2026-10-24T23:00:00Z", 4),
        [
            "2026-10-24T23:30:00Z",
            "2026-10-25T00:30:00Z",
            "2026-10-25T01:30:00Z",
            "2026-10-25T02:30:00Z"
        ]
    );
    // Minute field starts with `*`: every run of the 02:xx hour happens twice.
    assert_eq!(
        paris("*/20 2 * * *", "2026-10-24T12:00:00Z", 7),
        [
            "2026-10-25T00:00:00Z",
            "2026-10-25T00:20:00Z",
            "2026-10-25T00:40:00Z",
            "2026-10-25T01:00:00Z",
            "2026-10-25T01:20:00Z",
            "2026-10-25T01:40:00Z",
            "2026-10-26T01:00:00Z"
        ]
    );
}

#[test]
fn a_jump_of_a_whole_day_catches_nothing_up() {
    // Samoa skipped 30 December 2011 (-10:00 -> +14:00, a 24-hour jump): cronie sees a clock
    // change larger than 3 hours and runs only what matches the new time. (30 December 2012
    // 12:00 is +14:00, DST.)
    assert_eq!(
        runs("0 12 30 12 *", "Pacific/Apia", "2011-12-01T00:00:00Z", 1),
        ["2012-12-29T22:00:00Z"]
    );
    assert_eq!(
        runs("0 12 * * *", "Pacific/Apia", "2011-12-29T00:00:00Z", 2),
        ["2011-12-29T22:00:00Z", "2011-12-30T22:00:00Z"]
    );
}

#[test]
fn a_jump_of_a_few_minutes_catches_wildcard_jobs_up_too() {
    // A made-up zone whose DST adds 3 minutes at 02:00 on the last Sunday of March (29 March
    // 2026): cronie's "small" case runs every job of the skipped minutes right after the jump.
    let tz = TimeZone::posix("AAA0BBB-0:03,M3.5.0/2,M10.5.0/3").unwrap();
    let from: Timestamp = "2026-03-29T01:30:00Z".parse().unwrap();
    let next = Schedule::parse("1 * * * *")
        .unwrap()
        .next_after(from, &tz)
        .unwrap();
    assert_eq!(next.timestamp().to_string(), "2026-03-29T02:00:00Z");
}
