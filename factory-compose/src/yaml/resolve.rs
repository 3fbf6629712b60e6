//! Plain-scalar resolution the way Compose's YAML library (go-yaml v3, `resolve.go`) does it, and
//! the string Compose then prints for such a value (Go's `fmt.Sprint`).

/// The value a plain (unquoted, untagged) scalar resolves to under the rules Compose's parser
/// (go-yaml v3) applies.
///
/// YAML 1.1 booleans (`yes`, `on`, `y`, `off`, …) are strings; legacy octal (`0755`) is an integer;
/// underscores are ignored in numbers (`1_000`); an integer too large for `i64` but fitting `u64`
/// stays an integer, beyond that a decimal becomes a float.
#[derive(Debug, Clone, PartialEq)]
pub enum PlainValue {
    /// `null`, `Null`, `NULL`, `~`, empty.
    Null,
    /// `true`, `True`, `TRUE`, `false`, `False`, `FALSE` (nothing else).
    Bool(bool),
    /// An integer (decimal, `0x`, `0o`, `0b`, and legacy `0755` octal as go-yaml reads it), in the
    /// range `i64::MIN..=u64::MAX`.
    Int(i128),
    /// A float (`1e3`, `.5`, `.inf`, `.nan`, a decimal out of the integer range).
    Float(f64),
    /// A date or date-time go-yaml accepts (`2001-12-14`, `2001-12-14T21:59:43.10-05:00`, …).
    /// Compose decodes it as a `time.Time` and then rejects it wherever a string or number is
    /// expected (`services.s.environment.T invalid jsonType time.Time`).
    Timestamp,
    /// Anything else: a string.
    Str,
}

/// Resolve a plain scalar the way go-yaml v3 does.
#[must_use]
pub fn resolve_plain(text: &str) -> PlainValue {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return PlainValue::Null,
        "true" | "True" | "TRUE" => return PlainValue::Bool(true),
        "false" | "False" | "FALSE" => return PlainValue::Bool(false),
        ".nan" | ".NaN" | ".NAN" => return PlainValue::Float(f64::NAN),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return PlainValue::Float(f64::INFINITY);
        }
        "-.inf" | "-.Inf" | "-.INF" => return PlainValue::Float(f64::NEG_INFINITY),
        _ => {}
    }
    match text.as_bytes().first() {
        Some(b'.') => dot_float(text).map_or(PlainValue::Str, PlainValue::Float),
        Some(b'0'..=b'9' | b'+' | b'-') => number(text),
        _ => PlainValue::Str,
    }
}

/// The string Compose puts in an `environment:` or `labels:` value written as this plain scalar,
/// or `None` when the scalar is null (Compose keeps `null` in `environment:` and prints `""` in
/// `labels:`; the caller decides per field).
///
/// Observed with `docker compose config --format json` (v2.40.3): `0755` → `"493"`,
/// `1e3` → `"1000"`, `1e6` → `"1e+06"`, `yes` → `"yes"`, `TRUE` → `"true"`, `.inf` → `"+Inf"`,
/// `-0.0` → `"-0"`, `1e400` → `"1e400"` (out of range: kept as written).
///
/// A [`PlainValue::Timestamp`] is returned as written: Compose rejects it, so callers that must
/// report that check [`resolve_plain`] first.
#[must_use]
pub fn compose_string(text: &str) -> Option<String> {
    match resolve_plain(text) {
        PlainValue::Null => None,
        PlainValue::Bool(b) => Some(b.to_string()),
        PlainValue::Int(i) => Some(i.to_string()),
        PlainValue::Float(f) => Some(go_format_float(f)),
        PlainValue::Timestamp | PlainValue::Str => Some(text.to_owned()),
    }
}

/// go-yaml's branch for scalars starting with a digit or a sign.
fn number(text: &str) -> PlainValue {
    if text.as_bytes().first().is_some_and(u8::is_ascii_digit) && is_go_yaml_timestamp(text) {
        return PlainValue::Timestamp;
    }
    let plain: String = text.chars().filter(|&c| c != '_').collect();
    if let Some(i) = go_parse_int(&plain, 0) {
        return PlainValue::Int(i);
    }
    if let Some(u) = go_parse_uint(&plain, 0) {
        return PlainValue::Int(i128::from(u));
    }
    if is_yaml_style_float(&plain)
        && let Some(f) = parse_finite(&plain)
    {
        return PlainValue::Float(f);
    }
    if let Some(rest) = plain.strip_prefix("0b") {
        if let Some(i) = go_parse_int(rest, 2) {
            return PlainValue::Int(i);
        }
        if let Some(u) = go_parse_uint(rest, 2) {
            return PlainValue::Int(i128::from(u));
        }
    } else if let Some(rest) = plain.strip_prefix("-0b")
        && let Some(i) = go_parse_int(&format!("-{rest}"), 2)
    {
        return PlainValue::Int(i);
    }
    if let Some(rest) = plain.strip_prefix("0o") {
        if let Some(i) = go_parse_int(rest, 8) {
            return PlainValue::Int(i);
        }
        if let Some(u) = go_parse_uint(rest, 8) {
            return PlainValue::Int(i128::from(u));
        }
    } else if let Some(rest) = plain.strip_prefix("-0o")
        && let Some(i) = go_parse_int(&format!("-{rest}"), 8)
    {
        return PlainValue::Int(i);
    }
    PlainValue::Str
}

/// Go's `strconv.ParseInt(s, base, 64)`: one optional sign, then [`go_parse_uint`], in `i64` range.
fn go_parse_int(s: &str, base: u32) -> Option<i128> {
    let (negative, digits) = match s.as_bytes().first() {
        Some(b'+') => (false, &s[1..]),
        Some(b'-') => (true, &s[1..]),
        _ => (false, s),
    };
    let magnitude = i128::from(go_parse_uint(digits, base)?);
    let limit = 1_i128 << 63;
    if negative {
        (magnitude <= limit).then_some(-magnitude)
    } else {
        (magnitude < limit).then_some(magnitude)
    }
}

/// Go's `strconv.ParseUint(s, base, 64)` with underscores already removed. Base 0 reads the
/// prefixes `0b`, `0o`, `0x` (any case, only when digits follow) and a bare leading `0` as octal.
fn go_parse_uint(s: &str, base: u32) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    let (base, digits) = if base == 0 {
        let b = s.as_bytes();
        if b.first() == Some(&b'0') {
            match b.get(1).map(u8::to_ascii_lowercase) {
                Some(b'b') if b.len() >= 3 => (2, &s[2..]),
                Some(b'o') if b.len() >= 3 => (8, &s[2..]),
                Some(b'x') if b.len() >= 3 => (16, &s[2..]),
                _ => (8, &s[1..]),
            }
        } else {
            (10, s)
        }
    } else {
        (base, s)
    };
    let mut value: u64 = 0;
    for c in digits.chars() {
        let d = c.to_digit(36)?;
        if d >= base {
            return None;
        }
        value = value
            .checked_mul(u64::from(base))?
            .checked_add(u64::from(d))?;
    }
    Some(value)
}

/// go-yaml's `yamlStyleFloat`: `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
fn is_yaml_style_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    let digits = |i: &mut usize| {
        let start = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - start
    };
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i);
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// go-yaml's branch for scalars starting with `.`: Go's `strconv.ParseFloat` on the text as
/// written, where underscores are allowed only between digits.
fn dot_float(text: &str) -> Option<f64> {
    if !go_underscore_ok(text) {
        return None;
    }
    let plain: String = text.chars().filter(|&c| c != '_').collect();
    if !is_yaml_style_float(&plain) {
        return None;
    }
    parse_finite(&plain)
}

/// Go's `underscoreOK` for a decimal number: every `_` sits between two digits.
fn go_underscore_ok(s: &str) -> bool {
    let mut previous_digit = false;
    let mut previous_underscore = false;
    for c in s.chars() {
        if c.is_ascii_digit() {
            previous_digit = true;
            previous_underscore = false;
        } else if c == '_' {
            if !previous_digit {
                return false;
            }
            previous_digit = false;
            previous_underscore = true;
        } else {
            if previous_underscore {
                return false;
            }
            previous_digit = false;
        }
    }
    !previous_underscore
}

/// `ParseFloat` that fails on overflow (Go returns a range error; go-yaml then keeps a string).
fn parse_finite(s: &str) -> Option<f64> {
    s.parse::<f64>().ok().filter(|f| f.is_finite())
}

/// Go's `fmt.Sprint(float64)`: `%g` with the shortest exact digits, exponent form when the decimal
/// exponent is below -4 or at least 6 (`1e+06`, `1e-05`), `+Inf`, `-Inf`, `NaN`, `-0`.
pub(crate) fn go_format_float(f: f64) -> String {
    if f.is_nan() {
        return "NaN".to_owned();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf" } else { "-Inf" }.to_owned();
    }
    let sign = if f.is_sign_negative() { "-" } else { "" };
    if f == 0.0 {
        return format!("{sign}0");
    }
    // Rust's `{:e}` prints the shortest digits that round-trip, as Go's `'g', -1` does.
    let scientific = format!("{:e}", f.abs());
    let (mantissa, exponent) = scientific
        .split_once('e')
        .unwrap_or((scientific.as_str(), "0"));
    let exponent: i64 = exponent.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    if !(-4..6).contains(&exponent) {
        let (first, rest) = digits.split_at(1.min(digits.len()));
        let fraction = if rest.is_empty() {
            String::new()
        } else {
            format!(".{rest}")
        };
        let exp_sign = if exponent < 0 { '-' } else { '+' };
        return format!(
            "{sign}{first}{fraction}e{exp_sign}{:02}",
            exponent.unsigned_abs()
        );
    }
    let point = exponent + 1; // digits before the decimal point
    let count = i64::try_from(digits.len()).unwrap_or(i64::MAX);
    if point <= 0 {
        let zeros = "0".repeat(usize::try_from(-point).unwrap_or(0));
        format!("{sign}0.{zeros}{digits}")
    } else if point >= count {
        let zeros = "0".repeat(usize::try_from(point - count).unwrap_or(0));
        format!("{sign}{digits}{zeros}")
    } else {
        let (int, frac) = digits.split_at(usize::try_from(point).unwrap_or(0));
        format!("{sign}{int}.{frac}")
    }
}

/// go-yaml's `parseTimestamp`: four digits and `-`, then one of Go's layouts
/// `2006-1-2T15:4:5.999999999Z07:00`, the same with `t`, `2006-1-2 15:4:5.999999999`, `2006-1-2`,
/// with Go's range checks (month, day of that month, hour, minute, second, zone offset).
fn is_go_yaml_timestamp(s: &str) -> bool {
    parse_timestamp(s).is_some()
}

/// A time go-yaml parsed: its fields as written, the fraction's digits and the zone offset.
struct GoTime<'a> {
    date: (i64, i64, i64),
    clock: (i64, i64, i64),
    fraction: &'a str,
    offset_minutes: i64,
}

/// The time `s` is as go-yaml's `parseTimestamp` reads it, printed as Compose prints a
/// `time.Time` (Go's `RFC3339Nano`: `2001-12-14T00:00:00Z`, the fraction's trailing zeros and
/// digits past nanoseconds dropped, `Z` for a zero offset); `None` when `s` is no timestamp.
#[must_use]
pub fn go_yaml_time(s: &str) -> Option<String> {
    let t = parse_timestamp(s)?;
    let (year, month, day) = t.date;
    let (hour, minute, second) = t.clock;
    let nanos = t.fraction.get(..t.fraction.len().min(9)).unwrap_or("");
    let nanos = nanos.trim_end_matches('0');
    let fraction = if nanos.is_empty() {
        String::new()
    } else {
        format!(".{nanos}")
    };
    let zone = match t.offset_minutes {
        0 => "Z".to_owned(),
        m => format!(
            "{}{:02}:{:02}",
            if m < 0 { '-' } else { '+' },
            m.abs() / 60,
            m.abs() % 60
        ),
    };
    Some(format!(
        "{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}{fraction}{zone}"
    ))
}

fn parse_timestamp(s: &str) -> Option<GoTime<'_>> {
    let b = s.as_bytes();
    if b.len() < 5 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return None;
    }
    let mut p = Cursor { b, i: 5 };
    let year = i64::from(b[0] - b'0') * 1000
        + i64::from(b[1] - b'0') * 100
        + i64::from(b[2] - b'0') * 10
        + i64::from(b[3] - b'0');
    let month = p.num()?;
    if !p.eat(b'-') {
        return None;
    }
    let day = p.num()?;
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(month, year) {
        return None;
    }
    let mut time = GoTime {
        date: (year, month, day),
        clock: (0, 0, 0),
        fraction: "",
        offset_minutes: 0,
    };
    if p.done() {
        return Some(time);
    }
    let with_zone = match p.next() {
        Some(b'T' | b't') => true,
        Some(b' ') => false,
        _ => return None,
    };
    let hour = p.num()?;
    if !p.eat(b':') {
        return None;
    }
    let minute = p.num()?;
    if !p.eat(b':') {
        return None;
    }
    let second = p.num()?;
    if hour >= 24 || minute >= 60 || second >= 60 {
        return None;
    }
    time.clock = (hour, minute, second);
    if matches!(p.peek(), Some(b'.' | b',')) && p.peek_at(1).is_some_and(|c| c.is_ascii_digit()) {
        p.i += 1;
        let from = p.i;
        while p.peek().is_some_and(|c| c.is_ascii_digit()) {
            p.i += 1;
        }
        time.fraction = s.get(from..p.i).unwrap_or("");
    }
    if with_zone {
        match p.next() {
            Some(b'Z') => {}
            Some(sign @ (b'+' | b'-')) => {
                let zone = (p.two_digits(), p.eat(b':'), p.two_digits());
                let (Some(h), true, Some(m)) = zone else {
                    return None;
                };
                if h > 24 || m > 60 {
                    return None;
                }
                let minutes = h * 60 + m;
                time.offset_minutes = if sign == b'-' { -minutes } else { minutes };
            }
            _ => return None,
        }
    }
    p.done().then_some(time)
}

/// A byte cursor for [`is_go_yaml_timestamp`].
struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }
    fn peek_at(&self, offset: usize) -> Option<u8> {
        self.b.get(self.i + offset).copied()
    }
    fn next(&mut self) -> Option<u8> {
        let c = self.peek()?;
        self.i += 1;
        Some(c)
    }
    fn eat(&mut self, c: u8) -> bool {
        let hit = self.peek() == Some(c);
        if hit {
            self.i += 1;
        }
        hit
    }
    fn done(&self) -> bool {
        self.i == self.b.len()
    }
    /// Go's `getnum(s, false)`: one or two digits.
    fn num(&mut self) -> Option<i64> {
        let d0 = self.peek().filter(u8::is_ascii_digit)?;
        self.i += 1;
        let mut n = i64::from(d0 - b'0');
        if let Some(d1) = self.peek().filter(u8::is_ascii_digit) {
            self.i += 1;
            n = n * 10 + i64::from(d1 - b'0');
        }
        Some(n)
    }
    /// Exactly two digits.
    fn two_digits(&mut self) -> Option<i64> {
        let d0 = self.peek().filter(u8::is_ascii_digit)?;
        let d1 = self.peek_at(1).filter(u8::is_ascii_digit)?;
        self.i += 2;
        Some(i64::from(d0 - b'0') * 10 + i64::from(d1 - b'0'))
    }
}

fn days_in_month(month: i64, year: i64) -> i64 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_float_format() {
        for (f, s) in [
            (1e6, "1e+06"),
            (123_456.789, "123456.789"),
            (1e-5, "1e-05"),
            (0.0001, "0.0001"),
            (5e-324, "5e-324"),
            (1.2e21, "1.2e+21"),
            (12000.0, "12000"),
            (-0.5, "-0.5"),
        ] {
            assert_eq!(go_format_float(f), s, "{f}");
        }
    }

    #[test]
    fn timestamps() {
        for ok in [
            "2001-12-14",
            "2001-1-2",
            "2000-02-29",
            "2001-12-14t21:59:43Z",
            "2001-12-14 1:2:3.5",
        ] {
            assert!(is_go_yaml_timestamp(ok), "{ok}");
        }
        // As `docker compose config` v2.40.3 prints them (an `x-` value).
        for (written, printed) in [
            ("2001-12-14", "2001-12-14T00:00:00Z"),
            ("2001-12-14 1:2:3.5", "2001-12-14T01:02:03.5Z"),
            ("2001-1-2t1:02:03Z", "2001-01-02T01:02:03Z"),
            ("2001-12-14T21:59:43.000+00:00", "2001-12-14T21:59:43Z"),
            (
                "2001-12-14t21:59:43.10-05:00",
                "2001-12-14T21:59:43.1-05:00",
            ),
            ("2001-12-14T21:59:43+05:30", "2001-12-14T21:59:43+05:30"),
        ] {
            assert_eq!(go_yaml_time(written).as_deref(), Some(printed), "{written}");
        }
        for bad in [
            "2001-13-40",
            "2001-02-29",
            "2001-12-14T21:59:43",
            "2001-12-14 21:59",
            "201-1-1",
        ] {
            assert!(!is_go_yaml_timestamp(bad), "{bad}");
        }
    }
}
