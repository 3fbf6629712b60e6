//! `describe()` wording for the common shapes.

use factory_cron::Schedule;

fn describe(expr: &str) -> String {
    Schedule::parse(expr).unwrap().describe()
}

#[test]
fn time_of_day_shapes() {
    let cases = [
        ("* * * * *", "every minute"),
        ("0 * * * *", "every hour at minute 0"),
        ("*/15 * * * *", "every 15 minutes"),
        ("0,30 * * * *", "every hour at minutes 0 and 30"),
        (
            "1-59/2 * * * *",
            "every 2 minutes from minute 1 through 59 of every hour",
        ),
        ("0 0 * * *", "at 00:00 every day"),
        (
            "0 0-23/6 * * *",
            "at 00:00, 06:00, 12:00 and 18:00 every day",
        ),
        ("0 */2 * * *", "every 2 hours at minute 0"),
        ("30 9-17 * * *", "every hour from 09:30 to 17:30"),
        ("* 9 * * *", "every minute from 09:00 to 09:59"),
        ("*/10 9,17 * * *", "every 10 minutes during hours 9 and 17"),
        (
            "0-10 9,12,15 * * *",
            "at minutes 0-10 of hours 9, 12 and 15",
        ),
    ];
    for (expr, expected) in cases {
        assert_eq!(describe(expr), expected, "{expr}");
    }
}

#[test]
fn day_shapes() {
    let cases = [
        (
            "30 4 1,15 * 5",
            "at 04:30 on day 1 and 15 of the month, and on Fridays",
        ),
        (
            "*/5 9-17 * * 1-5",
            "every 5 minutes from 09:00 to 17:55 on Monday through Friday",
        ),
        ("0 0 * * 6,0", "at 00:00 on Saturdays and Sundays"),
        ("0 0 * * FRI-SUN", "at 00:00 on Friday through Sunday"),
        (
            "0 12 * * 1,3,5",
            "at 12:00 on Mondays, Wednesdays and Fridays",
        ),
        (
            "0 0 1-5,10-15 * *",
            "at 00:00 on day 1-5 and 10-15 of the month",
        ),
        (
            "0 0 1 1 0",
            "at 00:00 on day 1 of January, and on Sundays in January",
        ),
        (
            "0 0 */2 * 1",
            "at 00:00 on day 1, 3, 5, ..., 31 of the month if it is a Monday",
        ),
        (
            "0 0 13 * */7",
            "at 00:00 on day 13 of the month if it is a Sunday",
        ),
        (
            "0 0 1 */3 *",
            "at 00:00 on day 1 of January, April, July and October",
        ),
        (
            "0 0 * 1-3,7 *",
            "at 00:00 every day in January through March and July",
        ),
        ("* * * 2 *", "every minute in February"),
        ("0 0 25 12 *", "at 00:00 on December 25"),
    ];
    for (expr, expected) in cases {
        assert_eq!(describe(expr), expected, "{expr}");
    }
}

#[test]
fn macros_and_special_schedules() {
    let cases = [
        ("@reboot", "at reboot"),
        ("@hourly", "every hour at minute 0"),
        ("@daily", "at 00:00 every day"),
        ("@midnight", "at 00:00 every day"),
        ("@weekly", "at 00:00 on Sundays"),
        ("@monthly", "at 00:00 on day 1 of the month"),
        ("@yearly", "at 00:00 on January 1"),
        ("@annually", "at 00:00 on January 1"),
        ("0 0 30 2 *", "never (February has no day 30)"),
        (
            "0 0 31 2,4,6,9,11 *",
            "never (February, April, June, September and November have no day 31)",
        ),
        ("0 0 1 NOV-FEB *", "never (the month field matches nothing)"),
        // OR with an impossible day-of-month leaves the weekdays.
        ("0 0 30 2 1", "at 00:00 on Mondays in February"),
    ];
    for (expr, expected) in cases {
        assert_eq!(describe(expr), expected, "{expr}");
    }
}
