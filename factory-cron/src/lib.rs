//! Cron schedules with cronie's exact semantics: parse, next runs, description in words.
#![forbid(unsafe_code)]
