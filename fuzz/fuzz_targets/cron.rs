//! Cron expressions: no panic, spans inside the text, every next run matches the schedule.
#![no_main]

use factory_cron::Schedule;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match Schedule::parse(text) {
        Err(e) => {
            let r = &e.span;
            assert!(r.start <= r.end && r.end <= text.len() && text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
        }
        Ok(s) => {
            let _ = s.describe();
            let start = Timestamp::from_second(1_767_225_600).expect("2026-01-01");
            for t in s.upcoming(start, &TimeZone::UTC, 3) {
                assert!(s.matches(t.datetime()), "{text}: {t} does not match");
            }
            if s.never_fires() {
                assert!(s.next_after(start, &TimeZone::UTC).is_none(), "{text}: never_fires but fires");
            }
        }
    }
});
