//! For the differential check against cronie (`tests/differential/cronie/`): reads
//! `START_EPOCH<TAB>EXPR` lines and prints, for each, `error MESSAGE`, `reboot`, `never` or the
//! next five runs in UTC as epoch seconds, the format of the C harness built from cronie's
//! `entry.c`.
#![allow(clippy::print_stdout, clippy::disallowed_methods)]

use std::io::{BufRead, Write};

use factory_cron::Schedule;
use jiff::Timestamp;
use jiff::tz::TimeZone;

fn main() {
    let stdin = std::io::stdin();
    let mut out = std::io::stdout().lock();
    for line in stdin.lock().lines() {
        let Ok(line) = line else { break };
        let answer = match line.split_once('\t') {
            None => "bad-input".to_string(),
            Some((start, expr)) => answer(start, expr),
        };
        if writeln!(out, "{answer}")
            .and_then(|()| out.flush())
            .is_err()
        {
            break;
        }
    }
}

fn answer(start: &str, expr: &str) -> String {
    let Some(start) = start
        .parse::<i64>()
        .ok()
        .and_then(|s| Timestamp::from_second(s).ok())
    else {
        return "bad-input".to_string();
    };
    let schedule = match Schedule::parse(expr) {
        Ok(s) => s,
        Err(e) => return format!("error {}", e.message),
    };
    if schedule.is_reboot() {
        return "reboot".to_string();
    }
    if schedule.never_fires() {
        return "never".to_string();
    }
    let runs: Vec<String> = schedule
        .upcoming(start, &TimeZone::UTC, 5)
        .iter()
        .map(|z| z.timestamp().as_second().to_string())
        .collect();
    if runs.is_empty() {
        "never".to_string()
    } else {
        runs.join(" ")
    }
}
