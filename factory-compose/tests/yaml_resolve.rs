//! go-yaml v3 plain-scalar resolution and the string Compose prints for it.
//!
//! Every expected value below was observed with the real binary, not derived: each plain scalar
//! was written as a value of `environment:` (and again of `labels:`) in a compose file and
//! `docker compose config --format json` (v2.40.3) printed the string on the right. `environment:`
//! and `labels:` printed the same strings, except that a null is `null` in `environment:` and `""`
//! in `labels:` (`None` here).

use factory_compose::yaml::{PlainValue, compose_string, resolve_plain};

/// (plain scalar as written, what `docker compose config --format json` printed).
const OBSERVED: &[(&str, Option<&str>)] = &[
    ("0755", Some("493")),
    ("1e3", Some("1000")),
    ("0x1F", Some("31")),
    ("yes", Some("yes")),
    ("on", Some("on")),
    ("1_000", Some("1000")),
    (".5", Some("0.5")),
    ("+12", Some("12")),
    ("1.0", Some("1")),
    ("12e03", Some("12000")),
    ("0o17", Some("15")),
    ("-0", Some("0")),
    ("1e400", Some("1e400")),
    ("0b101", Some("5")),
    (".inf", Some("+Inf")),
    ("~", None),
    ("null", None),
    ("true", Some("true")),
    ("False", Some("false")),
    ("-.inf", Some("-Inf")),
    (".nan", Some("NaN")),
    ("0b", Some("0b")),
    ("1.5e-3", Some("0.0015")),
    (
        "123456789012345678901234567890",
        Some("1.2345678901234568e+29"),
    ),
    ("0x_1F", Some("31")),
    ("-0x10", Some("-16")),
    ("1e6", Some("1e+06")),
    ("0.1", Some("0.1")),
    ("100000000000000000000", Some("1e+20")),
    ("1e21", Some("1e+21")),
    ("1.0e+20", Some("1e+20")),
    ("9223372036854775807", Some("9223372036854775807")),
    ("9223372036854775808", Some("9223372036854775808")),
    ("-9223372036854775809", Some("-9.223372036854776e+18")),
    ("010", Some("8")),
    ("08", Some("8")),
    ("0.0", Some("0")),
    ("-0.0", Some("-0")),
    ("1e-7", Some("1e-07")),
    ("123456.789", Some("123456.789")),
    ("NULL", None),
    ("TRUE", Some("true")),
    (".Inf", Some("+Inf")),
    ("+.inf", Some("+Inf")),
    ("1.e3", Some("1000")),
    ("0x1f_ff", Some("8191")),
    ("1__0", Some("10")),
    ("3.", Some("3")),
    ("0o", Some("0o")),
    ("1e+3", Some("1000")),
    ("True", Some("true")),
    ("tRue", Some("tRue")),
    ("Null", None),
    ("nULL", Some("nULL")),
    ("y", Some("y")),
    ("off", Some("off")),
    ("0X1F", Some("31")),
    ("+0x10", Some("16")),
    ("-0o17", Some("-15")),
    ("-0b101", Some("-5")),
    ("0B101", Some("5")),
    ("0O17", Some("15")),
    (".5e3", Some("500")),
    ("-.5", Some("-0.5")),
    ("+.5", Some("0.5")),
    ("1_000.5", Some("1000.5")),
    ("1e1_0", Some("1e+10")),
    (".5_5", Some("0.55")),
    ("._5", Some("._5")),
    ("18446744073709551615", Some("18446744073709551615")),
    ("18446744073709551616", Some("1.8446744073709552e+19")),
    ("0b-101", Some("-5")),
    ("0xFFFFFFFFFFFFFFFF", Some("18446744073709551615")),
    ("0x10000000000000000", Some("0x10000000000000000")),
    ("0o-7", Some("-7")),
    ("1234567.5", Some("1.2345675e+06")),
    ("100000", Some("100000")),
    ("1000000.0", Some("1e+06")),
    ("0.0001", Some("0.0001")),
    ("0.00001", Some("1e-05")),
    ("1e-5", Some("1e-05")),
    ("5e-324", Some("5e-324")),
    ("1e-400", Some("0")),
    (".5e400", Some(".5e400")),
    ("0x1p3", Some("0x1p3")),
    ("1_", Some("1")),
    ("_1", Some("_1")),
    ("+", Some("+")),
    ("0.", Some("0")),
    ("-.inf", Some("-Inf")),
    (".NaN", Some("NaN")),
    (".NAN", Some("NaN")),
    (".Nan", Some(".Nan")),
    ("0777777777777777777777", Some("9223372036854775807")),
    ("-0x8000000000000000", Some("-9223372036854775808")),
    ("0x8000000000000000", Some("9223372036854775808")),
    ("1e06", Some("1e+06")),
    ("123456789.0", Some("1.23456789e+08")),
    ("12345678901234567890.0", Some("1.2345678901234567e+19")),
    ("0b1_0", Some("2")),
    ("1.5E3", Some("1500")),
    ("6.02e23", Some("6.02e+23")),
    ("0.000001234", Some("1.234e-06")),
    ("1e+", Some("1e+")),
    ("1,5", Some("1,5")),
    ("Infinity", Some("Infinity")),
    ("+1_0", Some("10")),
];

#[test]
fn compose_string_matches_the_observed_table() {
    let failures: Vec<String> = OBSERVED
        .iter()
        .filter(|(text, expected)| compose_string(text).as_deref() != *expected)
        .map(|(text, expected)| {
            format!(
                "{text:?}: expected {expected:?}, got {:?}",
                compose_string(text)
            )
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} differ:\n{}",
        failures.len(),
        OBSERVED.len(),
        failures.join("\n")
    );
}

/// Compose refused these in `environment:` and `labels:` with `invalid jsonType time.Time`
/// (go-yaml resolved them to timestamps); `2001-13-40` was printed as written.
#[test]
fn timestamps_as_compose_saw_them() {
    for text in [
        "2001-12-14",
        "2001-12-14T21:59:43.10-05:00",
        "2001-12-14 21:59:43.10",
        "2001-1-2",
        "2001-12-14t21:59:43Z",
    ] {
        assert_eq!(resolve_plain(text), PlainValue::Timestamp, "{text}");
    }
    assert_eq!(resolve_plain("2001-13-40"), PlainValue::Str);
    assert_eq!(compose_string("2001-13-40").as_deref(), Some("2001-13-40"));
}

#[test]
fn resolved_kinds() {
    assert_eq!(resolve_plain("0755"), PlainValue::Int(493));
    assert_eq!(
        resolve_plain("18446744073709551615"),
        PlainValue::Int(i128::from(u64::MAX))
    );
    assert_eq!(
        resolve_plain("-9223372036854775808"),
        PlainValue::Int(i128::from(i64::MIN))
    );
    assert_eq!(resolve_plain("yes"), PlainValue::Str);
    assert_eq!(resolve_plain("on"), PlainValue::Str);
    assert_eq!(resolve_plain("FALSE"), PlainValue::Bool(false));
    assert_eq!(resolve_plain(""), PlainValue::Null);
    assert_eq!(resolve_plain("1e3"), PlainValue::Float(1000.0));
    assert_eq!(resolve_plain("<<"), PlainValue::Str);
    assert!(matches!(resolve_plain(".nan"), PlainValue::Float(f) if f.is_nan()));
}
