//! The string parsers Compose applies while normalising: go-shellwords, Docker's port specs,
//! compose-go's short volume syntax, Go durations.

/// go-shellwords v1.0.12 `Parse` (no env, no backticks): the words of `line`, stopping at an
/// unquoted `;`, `&`, `|`, `<` or `>`; `None` for an unbalanced quote or a stray `(`.
pub(crate) fn shell_words(line: &str) -> Option<Vec<String>> {
    shell_split(line).map(|(words, _)| words)
}

/// [`shell_words`], and the byte offset of the unquoted `;`, `&`, `|`, `<` or `>` where
/// go-shellwords stopped reading: Compose drops the rest of the line (`a && b` runs `a`).
pub(crate) fn shell_split(line: &str) -> Option<(Vec<String>, Option<usize>)> {
    #[derive(PartialEq)]
    enum Got {
        No,
        Single,
        Quoted,
    }
    let mut args = Vec::new();
    let mut buf = String::new();
    let (mut escaped, mut dq, mut sq, mut bq, mut dollar) = (false, false, false, false, false);
    let mut got = Got::No;
    let mut stopped = None;
    for (at, r) in line.char_indices() {
        if escaped {
            buf.push(r);
            escaped = false;
            got = Got::Single;
            continue;
        }
        if r == '\\' {
            if sq {
                buf.push(r);
            } else {
                escaped = true;
            }
            continue;
        }
        if matches!(r, ' ' | '\t' | '\r' | '\n') {
            if sq || dq || bq || dollar {
                buf.push(r);
            } else if got != Got::No {
                args.push(std::mem::take(&mut buf));
                got = Got::No;
            }
            continue;
        }
        match r {
            '`' if !sq && !dq && !dollar => bq = !bq,
            ')' if !sq && !dq && !bq => dollar = !dollar,
            '(' if !sq && !dq && !bq => {
                if !dollar && buf.ends_with('$') {
                    dollar = true;
                    buf.push('(');
                    continue;
                }
                return None;
            }
            '"' if !sq && !dollar => {
                if dq {
                    got = Got::Quoted;
                }
                dq = !dq;
                continue;
            }
            '\'' if !dq && !dollar => {
                if sq {
                    got = Got::Quoted;
                }
                sq = !sq;
                continue;
            }
            ';' | '&' | '|' | '<' | '>' if !(sq || dq || bq || dollar) => {
                if r == '>' && buf.as_bytes().first().is_some_and(u8::is_ascii_digit) {
                    got = Got::No;
                }
                stopped = Some(at);
                break;
            }
            _ => {}
        }
        got = Got::Single;
        buf.push(r);
    }
    if got != Got::No {
        args.push(buf);
    }
    if escaped || sq || dq || bq || dollar {
        return None;
    }
    Some((args, stopped))
}

/// One port of a short-syntax `ports` item, as compose-go's `ParsePortConfig` gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Port {
    pub(crate) host_ip: String,
    pub(crate) target: u32,
    pub(crate) published: String,
    pub(crate) protocol: String,
}

impl Port {
    /// compose-go's `portIndexer` key of the port in canonical (long) form:
    /// `host_ip:published:target/protocol`, an unset host `0.0.0.0`, an unset published port
    /// as Go's `%s` writes nil.
    pub(crate) fn unicity_key(&self) -> String {
        let host = if self.host_ip.is_empty() {
            "0.0.0.0"
        } else {
            &self.host_ip
        };
        let published = if self.published.is_empty() {
            "%!s(<nil>)"
        } else {
            &self.published
        };
        format!("{host}:{published}:{}/{}", self.target, self.protocol)
    }
}

/// A scalar as go-yaml decodes it, for the `%s` / `%d` of compose-go's indexers.
#[derive(Debug, Clone)]
pub(crate) enum GoScalar<'a> {
    Null,
    Bool(bool),
    /// An integer (`uint64` past `i64::MAX`, as go-yaml decodes it).
    Int(i128),
    Str(std::borrow::Cow<'a, str>),
    /// What factory does not format as Go does (a float, a date, a template, a collection).
    Unknown,
}

impl GoScalar<'_> {
    /// Go's `%s` (`%d` when `int_verb`) of the value; `None` for [`GoScalar::Unknown`].
    fn format(self, int_verb: bool) -> Option<String> {
        let verb = if int_verb { 'd' } else { 's' };
        Some(match self {
            GoScalar::Null => format!("%!{verb}(<nil>)"),
            GoScalar::Bool(b) => format!("%!{verb}(bool={b})"),
            GoScalar::Int(i) if int_verb => i.to_string(),
            GoScalar::Int(i) if i > i128::from(i64::MAX) => format!("%!s(uint64={i})"),
            GoScalar::Int(i) => format!("%!s(int={i})"),
            GoScalar::Str(s) if int_verb => format!("%!d(string={s})"),
            GoScalar::Str(s) => s.into_owned(),
            GoScalar::Unknown => return None,
        })
    }
}

/// compose-go's `portIndexer` key of a long-syntax port, from the values as written, `field`
/// reading one (`None`: not written): `fmt.Sprintf("%s:%s:%d/%s", host_ip, published, target,
/// protocol)`, so a `published` written as a number (`%!s(int=80)`) does not match the string
/// of a short-syntax port. `None` without a `target` (Compose fails) or with a value factory
/// does not format.
pub(crate) fn long_port_key<'a>(field: impl Fn(&str) -> Option<GoScalar<'a>>) -> Option<String> {
    let part = |name: &str, missing: &str| match field(name) {
        Some(v) => v.format(false),
        None => Some(missing.to_owned()),
    };
    Some(format!(
        "{}:{}:{}/{}",
        part("host_ip", "0.0.0.0")?,
        part("published", "%!s(<nil>)")?,
        field("target")?.format(true)?,
        part("protocol", "tcp")?,
    ))
}

/// go-connections' `ParsePortRange`: `strconv.ParseUint(s, 10, 16)` on each end, which takes
/// no sign (`+1` is refused, as Rust's parse would not).
fn port_range(s: &str) -> Option<(u64, u64)> {
    let (a, b) = s.split_once('-').unwrap_or((s, s));
    let digits = |x: &str| !x.is_empty() && x.bytes().all(|c| c.is_ascii_digit());
    if !digits(a) || !digits(b) {
        return None;
    }
    let a: u64 = a.parse().ok()?;
    let b: u64 = b.parse().ok()?;
    (a <= b && b <= 65535).then_some((a, b))
}

/// Docker's `nat.ParsePortSpec` then compose-go's conversion (ports sorted as `port/proto`
/// strings, as compose-go sorts the map keys); `None` where Compose refuses the item
/// ([`port_error`] says why).
pub(crate) fn parse_ports(spec: &str) -> Option<Vec<Port>> {
    parse_ports_checked(spec).ok()
}

/// Why Compose refuses the short-syntax port `spec`, in its words where it has some (`invalid
/// IP address: 01.2.3.4`, `invalid proto: xyz`); `None` when it accepts it.
pub(crate) fn port_error(spec: &str) -> Option<String> {
    parse_ports_checked(spec).err()
}

fn parse_ports_checked(spec: &str) -> Result<Vec<Port>, String> {
    let invalid = || "not `[HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL]`".to_owned();
    let (raw, proto) = match spec.rsplit_once('/') {
        // `SplitProtoPort`: an empty protocol is `tcp`.
        Some((r, "")) => (r, "tcp".to_owned()),
        Some((r, p)) => (r, p.to_ascii_lowercase()),
        None => (spec, "tcp".to_owned()),
    };
    // splitParts: an IPv6 address in brackets may hold colons.
    let (ip, host, container) = if let Some(rest) = raw.strip_prefix('[') {
        let (ip, after) = rest.split_once(']').ok_or_else(invalid)?;
        let after = after.strip_prefix(':').ok_or_else(invalid)?;
        let (h, c) = after.split_once(':').ok_or_else(invalid)?;
        (ip.to_owned(), h, c)
    } else {
        let parts: Vec<&str> = raw.split(':').collect();
        match parts.as_slice() {
            [c] => (String::new(), "", *c),
            [h, c] => (String::new(), *h, *c),
            [ip, h, c] => ((*ip).to_owned(), *h, *c),
            _ => {
                let n = parts.len();
                let ip = parts[..n - 2].join(":");
                (ip, parts[n - 2], parts[n - 1])
            }
        }
    };
    // Go's `net.ParseIP`: dotted IPv4 without leading zeros, or IPv6 without a zone.
    if !ip.is_empty() && ip.parse::<std::net::IpAddr>().is_err() {
        return Err(format!("invalid IP address: {ip}"));
    }
    if container.is_empty() {
        return Err(format!("no port specified: {spec}<empty>"));
    }
    let (start, end) =
        port_range(container).ok_or_else(|| format!("invalid containerPort: {container}"))?;
    let (hstart, hend) = if host.is_empty() {
        (0, 0)
    } else {
        port_range(host).ok_or_else(|| format!("invalid hostPort: {host}"))?
    };
    if !host.is_empty() && end - start != hend - hstart && end != start {
        return Err(format!(
            "invalid ranges specified for container and host Ports: {container} and {host}"
        ));
    }
    if !matches!(proto.as_str(), "tcp" | "udp" | "sctp") {
        return Err(format!("invalid proto: {proto}"));
    }
    // compose-go drops a zero target when it converts the item, then finds none.
    if start == 0 {
        return Err("missing a target port (0 is none)".to_owned());
    }
    let mut out: Vec<(String, Port)> = Vec::new();
    for i in 0..=(end - start) {
        let target = start + i;
        let mut published = if host.is_empty() {
            String::new()
        } else {
            (hstart + i).to_string()
        };
        if start == end && hstart != hend {
            published = format!("{published}-{hend}");
        }
        let port = Port {
            host_ip: ip.clone(),
            target: u32::try_from(target).map_err(|_| invalid())?,
            published,
            protocol: proto.clone(),
        };
        out.push((format!("{target}/{proto}"), port));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out.into_iter().map(|(_, p)| p).collect())
}

/// compose-go's `format.ParseVolume` result.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Volume {
    pub(crate) kind: &'static str,
    pub(crate) source: String,
    pub(crate) target: String,
    pub(crate) read_only: bool,
    pub(crate) nocopy: bool,
    pub(crate) selinux: String,
    pub(crate) propagation: String,
    pub(crate) has_bind: bool,
    pub(crate) create_host_path: bool,
    pub(crate) has_volume: bool,
}

pub(crate) fn parse_volume(spec: &str) -> Option<Volume> {
    let mut v = Volume::default();
    match spec.len() {
        0 => return None,
        1 | 2 => {
            v.target = spec.to_owned();
            v.kind = "volume";
            // compose-go returns before `populateType`: no `volume: {}`.
            return Some(v);
        }
        _ => {}
    }
    let mut buffer: Vec<char> = Vec::new();
    let chars: Vec<char> = spec.chars().chain(std::iter::once('\0')).collect();
    for &c in &chars {
        let windows_drive = c == ':' && buffer.len() == 1 && buffer[0].is_alphabetic();
        if windows_drive {
            buffer.push(c);
        } else if c == ':' || c == '\0' {
            let s: String = buffer.iter().collect();
            if buffer.is_empty() {
                return None;
            } else if v.source.is_empty() && c == '\0' {
                v.target = s;
            } else if v.source.is_empty() {
                v.source = s;
            } else if v.target.is_empty() {
                v.target = s;
            } else if c == ':' {
                return None;
            } else {
                for option in s.split(',') {
                    match option {
                        "ro" => v.read_only = true,
                        "rw" => v.read_only = false,
                        "nocopy" => {
                            v.nocopy = true;
                            v.has_volume = true;
                        }
                        "rprivate" | "private" | "rshared" | "shared" | "rslave" | "slave" => {
                            v.has_bind = true;
                            v.propagation = option.to_owned();
                        }
                        "z" | "Z" => {
                            v.has_bind = true;
                            v.selinux = option.to_owned();
                        }
                        _ => {}
                    }
                }
            }
            buffer.clear();
        } else {
            buffer.push(c);
        }
    }
    if is_file_path(&v.source) {
        v.kind = "bind";
        v.has_bind = true;
        v.create_host_path = true;
    } else {
        v.kind = "volume";
        v.has_volume = true;
    }
    Some(v)
}

fn is_file_path(source: &str) -> bool {
    let mut chars = source.chars();
    match chars.next() {
        None => false,
        Some('.' | '/' | '~') => true,
        Some(_) if source.starts_with("\\\\") => true,
        Some(first) => first.is_alphabetic() && source[first.len_utf8()..].starts_with(':'),
    }
}

/// go-units v0.5.0 `RAMInBytes` (what compose-go's `UnitBytes` reads a string with): the
/// number is everything up to the last digit, dot or space (a space before the suffix is
/// dropped), read by Go's `ParseFloat` (`1e3`, `.5`, `1_0`); then an optional `b`, or `k`, `m`,
/// `g`, `t`, `p` with an optional `b` or `ib`, in any case; negative sizes are refused.
pub(crate) fn ram_in_bytes(s: &str) -> Option<i64> {
    let sep = s.rfind(|c: char| c.is_ascii_digit() || c == '.' || c == ' ')?;
    let (num, suffix) = if s.as_bytes().get(sep) == Some(&b' ') {
        (s.get(..sep)?, s.get(sep + 1..)?)
    } else {
        (s.get(..=sep)?, s.get(sep + 1..)?)
    };
    let size = go_parse_float(num, 64)?;
    if size < 0.0 {
        return None;
    }
    let suffix = suffix.to_ascii_lowercase();
    let multiplier: f64 = match suffix.as_bytes() {
        [] | [b'b'] => 1.0,
        [unit] | [unit, b'b'] | [unit, b'i', b'b'] => match unit {
            b'k' => 1024.0,
            b'm' => 1024.0_f64.powi(2),
            b'g' => 1024.0_f64.powi(3),
            b't' => 1024.0_f64.powi(4),
            b'p' => 1024.0_f64.powi(5),
            _ => return None,
        },
        _ => return None,
    };
    // Go's `int64(float64)`: truncated, and the most negative int64 past the range
    // (`9223372036854775807` is -9223372036854775808 once it went through a float64).
    Some(go_f64_to_i64(size * multiplier))
}

/// Go's `strconv.ParseFloat(s, bits)` (`bits` 64, or 32 for a `float32`), the one reading of a
/// number string for casts, sizes and `cpus`:
/// - an optional sign, then `inf` or `infinity` in any case; `nan` in any case, unsigned only;
/// - decimal digits with an optional fraction and `e` exponent (`1e3`, `.5`, `5.`);
/// - hexadecimal digits after `0x` with a mandatory `p` exponent (`0x1p-2` is 0.25);
/// - `_` only between digits, or after the `0x` prefix (`1_000`); no blanks around.
///
/// `None` for anything else, and for a finite number beyond the type's range (Go's
/// `ErrRange`). With `bits` 32 the value is rounded to a `float32` (returned widened).
pub(crate) fn go_parse_float(s: &str, bits: u32) -> Option<f64> {
    let (negative, unsigned) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let signed = |f: f64| if negative { -f } else { f };
    if unsigned.eq_ignore_ascii_case("inf") || unsigned.eq_ignore_ascii_case("infinity") {
        return Some(signed(f64::INFINITY));
    }
    if s.eq_ignore_ascii_case("nan") {
        return Some(f64::NAN);
    }
    if unsigned.starts_with(['+', '-']) || !go_underscores_ok(unsigned) {
        return None;
    }
    let digits = unsigned.replace('_', "");
    let magnitude = match digits
        .strip_prefix("0x")
        .or_else(|| digits.strip_prefix("0X"))
    {
        Some(hex) => parse_hex_float(hex, bits)?,
        // Rust's reading of the decimal forms is Go's once the words and underscores are
        // handled: it rounds correctly, to the `float32` directly when asked (as Go does).
        None if digits
            .bytes()
            .all(|b| b.is_ascii_digit() || b".eE+-".contains(&b)) =>
        {
            if bits == 32 {
                f64::from(digits.parse::<f32>().ok()?)
            } else {
                digits.parse::<f64>().ok()?
            }
        }
        None => return None,
    };
    magnitude.is_finite().then(|| signed(magnitude))
}

/// Go's `underscoreOK` for the unsigned text of a number: each `_` between two digits (a
/// `0x` prefix counts as a digit).
fn go_underscores_ok(s: &str) -> bool {
    let bytes = s.as_bytes();
    let hex = bytes.len() >= 2 && bytes[0] == b'0' && matches!(bytes[1], b'x' | b'X');
    let (mut saw, rest) = if hex {
        (b'0', &bytes[2..])
    } else {
        (b'^', bytes)
    };
    for &b in rest {
        if b.is_ascii_digit() || (hex && b.is_ascii_hexdigit()) {
            saw = b'0';
        } else if b == b'_' {
            if saw != b'0' {
                return false;
            }
            saw = b'_';
        } else if saw == b'_' {
            return false;
        } else {
            saw = b'!';
        }
    }
    saw != b'_'
}

/// The magnitude of a hexadecimal float's text after `0x`: hex digits with an optional `.`,
/// then `p` and a decimal exponent (required, as Go requires it). Rounded once to `bits`.
fn parse_hex_float(s: &str, bits: u32) -> Option<f64> {
    let (mantissa, exponent) = s.split_once(['p', 'P'])?;
    let (exponent_sign, exponent) = match exponent.as_bytes().first() {
        Some(b'-') => (-1, &exponent[1..]),
        Some(b'+') => (1, &exponent[1..]),
        _ => (1, exponent),
    };
    if exponent.is_empty() || !exponent.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // Past a few thousand, any exponent overflows or underflows alike.
    let exponent = exponent.parse::<i64>().unwrap_or(i64::MAX).min(100_000) * exponent_sign;
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    // The mantissa's top 128 bits, the rest folded into a sticky low bit (enough to round once).
    let mut value: u128 = 0;
    let mut scale: i64 = exponent;
    let mut sticky = false;
    for (i, c) in int.chars().chain(frac.chars()).enumerate() {
        let d = u128::from(c.to_digit(16)?);
        if value >> 124 == 0 {
            value = value << 4 | d;
        } else {
            sticky |= d != 0;
            scale += 4;
        }
        if i >= int.len() {
            scale -= 4;
        }
    }
    if value == 0 {
        return Some(0.0);
    }
    value |= u128::from(sticky);
    Some(scale_binary(value, scale, bits))
}

/// `value × 2^scale` rounded to nearest even at `bits` (64 or 32), subnormals included;
/// infinite past the range.
fn scale_binary(value: u128, scale: i64, bits: u32) -> f64 {
    let (precision, min_exponent, max_exponent): (u32, i64, i64) = if bits == 32 {
        (24, -126, 127)
    } else {
        (53, -1022, 1023)
    };
    // The value is m × 2^e with m of `width` bits: keep `precision` bits (fewer for a
    // subnormal), rounding the rest to nearest, ties to even.
    let width = 128 - value.leading_zeros();
    let top = i64::from(width) - 1 + scale;
    let keep = if top < min_exponent {
        i64::from(precision) - (min_exponent - top)
    } else {
        i64::from(precision)
    };
    let drop = i64::from(width) - keep;
    let (mut m, mut e) = (value, scale);
    if drop > 0 {
        if drop > 127 {
            return 0.0;
        }
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let drop = drop as u32;
        let half = 1u128 << (drop - 1);
        let rest = m & ((1u128 << drop) - 1);
        m >>= drop;
        if rest > half || (rest == half && m & 1 == 1) {
            m += 1;
        }
        e += i64::from(drop);
    }
    if 128 - i64::from(m.leading_zeros()) - 1 + e > max_exponent {
        return f64::INFINITY;
    }
    // m has at most 54 bits: exact as f64; the power of two is exact in two steps.
    #[allow(clippy::cast_precision_loss)]
    let m = m as f64;
    #[allow(clippy::cast_possible_truncation)]
    let e = e.clamp(-2000, 2000) as i32;
    m * 2f64.powi(e / 2) * 2f64.powi(e - e / 2)
}

/// Go's `int64(f)` on amd64 (`CVTTSD2SQ`): truncated; NaN and anything outside the int64 range
/// is the "integer indefinite" value, `i64::MIN` (`scale: 1e19` is negative to compose-go).
pub(crate) fn go_f64_to_i64(f: f64) -> i64 {
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;
    if (-LIMIT..LIMIT).contains(&f) {
        #[allow(clippy::cast_possible_truncation)]
        let i = f.trunc() as i64;
        i
    } else {
        i64::MIN
    }
}

/// Go's `int64(u)` of a `uint64` (an integer go-yaml read past int64): wrapped, so
/// 2^64 - 1 is -1.
pub(crate) fn go_u64_to_i64(u: i128) -> i64 {
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let wrapped = u as u64 as i64;
    wrapped
}

/// Go's `uint64(f)` on amd64: below 2^63 through `int64` (a negative value wraps); from 2^63,
/// `int64(f - 2^63)` with the top bit set (`.inf` and 2^64 are 2^63).
pub(crate) fn go_f64_to_u64(f: f64) -> u64 {
    const HALF: f64 = 9_223_372_036_854_775_808.0;
    #[allow(clippy::cast_sign_loss)]
    if f < HALF {
        go_f64_to_i64(f) as u64
    } else {
        go_f64_to_i64(f - HALF) as u64 | 1 << 63
    }
}

/// A `float32` value as Go prints it, widened to the `f64` printed the same: the shortest
/// decimal that reads back as that `float32` (`0.1`, not `0.10000000149011612`).
pub(crate) fn go_float32(f: f64) -> f64 {
    #[allow(clippy::cast_possible_truncation)]
    let narrow = f as f32;
    if !narrow.is_finite() {
        return f64::from(narrow);
    }
    narrow.to_string().parse().unwrap_or(f)
}

/// `str2duration.ParseDuration` (Go units plus `d` and `w`), in nanoseconds.
pub(crate) fn parse_duration(s: &str) -> Option<i128> {
    let (neg, mut rest) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if rest == "0" {
        return Some(0);
    }
    if rest.is_empty() {
        return None;
    }
    let mut total: f64 = 0.0;
    while !rest.is_empty() {
        let num_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        if num_end == 0 {
            return None;
        }
        let n: f64 = rest[..num_end].parse().ok()?;
        rest = &rest[num_end..];
        let unit_end = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let unit = &rest[..unit_end];
        rest = &rest[unit_end..];
        let scale: f64 = match unit {
            "ns" => 1.0,
            "us" | "µs" | "μs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            "d" => 86400e9,
            "w" => 7.0 * 86400e9,
            _ => return None,
        };
        total += n * scale;
    }
    #[allow(clippy::cast_possible_truncation)]
    let ns = total.round() as i128;
    Some(if neg { -ns } else { ns })
}

/// Go's `time.Duration.String()`.
pub(crate) fn format_duration(ns: i128) -> String {
    if ns == 0 {
        return "0s".to_owned();
    }
    let neg = ns < 0;
    let u = ns.unsigned_abs();
    let mut out = String::new();
    if u < 1_000_000_000 {
        // ns, µs, ms with a fraction
        let (unit, div) = if u < 1_000 {
            ("ns", 1)
        } else if u < 1_000_000 {
            ("µs", 1_000)
        } else {
            ("ms", 1_000_000)
        };
        out.push_str(&frac(u, div));
        out.push_str(unit);
    } else {
        let h = u / 3_600_000_000_000;
        let rem = u % 3_600_000_000_000;
        let m = rem / 60_000_000_000;
        let s_ns = rem % 60_000_000_000;
        if h > 0 {
            out.push_str(&format!("{h}h"));
        }
        if h > 0 || m > 0 {
            out.push_str(&format!("{m}m"));
        }
        out.push_str(&frac(s_ns, 1_000_000_000));
        out.push('s');
    }
    if neg { format!("-{out}") } else { out }
}

fn frac(v: u128, div: u128) -> String {
    let whole = v / div;
    let rest = v % div;
    if rest == 0 {
        return whole.to_string();
    }
    let width = div.to_string().len() - 1;
    let digits = format!("{rest:0width$}");
    format!("{whole}.{}", digits.trim_end_matches('0'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_units_ram_in_bytes() {
        // As `docker compose config` v2.40.3 prints `mem_limit` (None: refused).
        for (written, bytes) in [
            ("512m", Some(536_870_912)),
            (".5m", Some(524_288)),
            ("5.m", Some(5_242_880)),
            ("1e3", Some(1000)),
            ("1e3m", Some(1_048_576_000)),
            ("1_0", Some(10)),
            ("1 m", Some(1_048_576)),
            ("1MiB", Some(1_048_576)),
            ("2 gb", Some(2_147_483_648)),
            ("1b", Some(1)),
            (" 1", None),
            ("inf", None),
            ("NaN", None),
            ("0x10", None),
            ("1..2", None),
            ("1.5.5", None),
            ("1bb", None),
            ("1e400", None),
            ("-1", None),
            ("1k ", None),
        ] {
            assert_eq!(ram_in_bytes(written), bytes, "{written}");
        }
    }

    #[test]
    fn parse_float_as_go() {
        // Verdicts as `docker compose config` v2.40.3 casts `max_failure_ratio: ${V}` (64
        // bits) and `cpus: ${V}` (32 bits); the values are exact.
        for (text, bits, value) in [
            ("1_0", 64, Some(10.0)),
            ("01_0", 64, Some(10.0)),
            ("1e1_0", 64, Some(1e10)),
            ("1e+1_0", 64, Some(1e10)),
            ("0x_1p0", 64, Some(1.0)),
            ("0x1_0p0", 64, Some(16.0)),
            ("0x1.8p1", 64, Some(3.0)),
            ("0X1P-2", 64, Some(0.25)),
            ("0x.8p1", 64, Some(1.0)),
            ("0x1.p1", 64, Some(2.0)),
            ("0x1p-1074", 64, Some(5e-324)),
            ("0x1p-1075", 64, Some(0.0)),
            ("1e-400", 64, Some(0.0)),
            ("-1", 64, Some(-1.0)),
            (".5", 64, Some(0.5)),
            ("5.", 64, Some(5.0)),
            ("3.4028235e38", 32, Some(f64::from(f32::MAX))),
            ("16777217", 32, Some(16_777_216.0)),
            ("1e39", 64, Some(1e39)),
            ("1e39", 32, None),
            ("1.8e308", 64, None),
            ("0x1p1024", 64, None),
            ("0x1.fffffffffffff8p1023", 64, None),
            ("1__0", 64, None),
            ("_1", 64, None),
            ("1_", 64, None),
            ("1._5", 64, None),
            ("1_.5", 64, None),
            ("0x1", 64, None),
            ("0x1p", 64, None),
            ("0x10", 64, None),
            ("0b1", 64, None),
            ("0o7", 64, None),
            ("--1", 64, None),
            ("+-1", 64, None),
            ("infin", 64, None),
            ("+nan", 64, None),
            ("-nan", 64, None),
            (" 1", 64, None),
            ("", 64, None),
        ] {
            assert_eq!(go_parse_float(text, bits), value, "{text} ({bits} bits)");
        }
        assert_eq!(go_parse_float("-Infinity", 64), Some(f64::NEG_INFINITY));
        assert_eq!(go_parse_float("+inf", 32), Some(f64::INFINITY));
        assert!(go_parse_float("NaN", 64).is_some_and(f64::is_nan));
        // A float32 prints with its own shortest digits.
        assert_eq!(go_float32(0.1), 0.1);
        assert_eq!(go_float32(123_456_789.0), 123_456_790.0);
    }

    #[test]
    fn float_to_integer_as_go_on_amd64() {
        // As `docker compose config` v2.40.3 prints `pids_limit` (int64) and
        // `deploy.update_config.parallelism` (uint64) written as YAML floats.
        for (f, signed) in [
            (2e2, 200),
            (-2.0, -2),
            (1e19, i64::MIN),
            (-1e19, i64::MIN),
            (9.3e18, i64::MIN),
            (f64::NAN, i64::MIN),
            (f64::INFINITY, i64::MIN),
        ] {
            assert_eq!(go_f64_to_i64(f), signed, "{f}");
        }
        for (f, unsigned) in [
            (1e19, 10_000_000_000_000_000_000),
            (9.3e18, 9_300_000_000_000_000_000),
            (18_446_744_073_709_551_616.0, 1 << 63),
            (f64::INFINITY, 1 << 63),
            (f64::NAN, 1 << 63),
            (2.7, 2),
        ] {
            assert_eq!(go_f64_to_u64(f), unsigned, "{f}");
        }
    }

    #[test]
    fn shell_words_like_go_shellwords() {
        assert_eq!(
            shell_words(r#"sh -c 'echo $HOME "a b"' <x>&"#).unwrap(),
            ["sh", "-c", "echo $HOME \"a b\""]
        );
        assert_eq!(shell_words("a '' b").unwrap(), ["a", "", "b"]);
        assert_eq!(shell_words("").unwrap(), Vec::<String>::new());
        assert!(shell_words("a 'b").is_none());
    }

    #[test]
    fn durations() {
        for (s, go) in [
            ("1m30s", "1m30s"),
            ("10s", "10s"),
            ("90s", "1m30s"),
            ("1h", "1h0m0s"),
            ("500ms", "500ms"),
            ("1.5s", "1.5s"),
            ("2d", "48h0m0s"),
        ] {
            assert_eq!(format_duration(parse_duration(s).unwrap()), go, "{s}");
        }
    }

    #[test]
    fn ports() {
        let p = parse_ports("127.0.0.1:9000-9001:9000-9001/udp").unwrap();
        assert_eq!(p.len(), 2);
        assert_eq!(p[1].published, "9001");
        let p = parse_ports("8000-8010:80").unwrap();
        assert_eq!(p[0].published, "8000-8010");
    }
}

#[cfg(test)]
mod proptests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn parsers_never_panic(s in "\\PC{0,40}") {
            let _ = shell_words(&s);
            let _ = parse_ports(&s);
            let _ = parse_volume(&s);
            if let Some(ns) = parse_duration(&s) {
                let _ = format_duration(ns);
            }
        }

        #[test]
        fn emitters_never_panic(s in "\\PC{0,40}|[ \\t\\n:#'\"-]{0,10}") {
            let v = super::super::Value::Map(vec![(s.clone(), super::super::Value::Str(s))]);
            let _ = super::super::to_yaml(&v);
            let _ = super::super::to_json(&v);
        }
    }
}
