//! Extremes: the search is bounded and never panics at the edges of time.

use factory_cron::Schedule;
use jiff::Timestamp;
use jiff::tz::TimeZone;

#[test]
fn rare_schedules_are_found_quickly() {
    let paris = TimeZone::get("Europe/Paris").unwrap();
    let from: Timestamp = "2033-01-01T00:00:00Z".parse().unwrap();
    // 29 February on a Sunday (`*/7` is 0 and 7, and a star field means AND): 2060 after 2032.
    let s = Schedule::parse("0 0 29 2 */7").unwrap();
    let next = s.next_after(from, &TimeZone::UTC).unwrap();
    assert_eq!(next.timestamp().to_string(), "2060-02-29T00:00:00Z");
    let next = s.next_after(from, &paris).unwrap();
    assert_eq!(next.timestamp().to_string(), "2060-02-28T23:00:00Z");
    // Across the 2100 non-leap year: 2096, then 2104.
    let s = Schedule::parse("0 0 29 2 *").unwrap();
    let runs = s.upcoming("2096-03-01T00:00:00Z".parse().unwrap(), &paris, 1);
    assert_eq!(runs[0].timestamp().to_string(), "2104-02-28T23:00:00Z");
}

#[test]
fn edges_of_time_do_not_panic() {
    let zones = [
        TimeZone::UTC,
        TimeZone::get("Europe/Paris").unwrap(),
        TimeZone::get("Pacific/Apia").unwrap(),
        TimeZone::get("America/St_Johns").unwrap(),
    ];
    let exprs = [
        "* * * * *",
        "0 0 29 2 *",
        "59 23 31 12 *",
        "0 0 1 1 *",
        "30 2 * * *",
    ];
    for tz in &zones {
        for expr in exprs {
            let s = Schedule::parse(expr).unwrap();
            for from in [Timestamp::MIN, Timestamp::MAX] {
                let runs = s.upcoming(from, tz, 3);
                for pair in runs.windows(2) {
                    assert!(pair[0].timestamp() < pair[1].timestamp());
                }
                if from == Timestamp::MAX {
                    assert!(runs.is_empty());
                }
            }
        }
    }
    let last: Timestamp = "9999-12-30T00:00:00Z".parse().unwrap();
    assert_eq!(
        Schedule::parse("0 0 1 1 *")
            .unwrap()
            .next_after(last, &TimeZone::UTC),
        None
    );
}
