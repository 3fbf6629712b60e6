//! The rendered document and its two printers: Go's `encoding/json` (`json.MarshalIndent` with
//! two spaces) and go-yaml v3 (indent 2), as `docker compose config` prints them.

use crate::yaml::{PlainValue, resolve_plain};

/// A rendered value: JSON's data model with ordered maps (the order is the printed order).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// An integer.
    Int(i128),
    /// A float.
    Float(f64),
    /// A string (already `$`-escaped where Compose escapes it).
    Str(String),
    /// A date or time go-yaml decoded as a Go `time.Time`, in Go's `RFC3339Nano` form
    /// (`2001-12-14T00:00:00Z`): a string in JSON, a plain scalar in YAML.
    Time(String),
    /// A list.
    Seq(Vec<Value>),
    /// A map, in printed order.
    Map(Vec<(String, Value)>),
}

impl Value {
    /// A string value.
    pub fn str(s: impl Into<String>) -> Self {
        Self::Str(s.into())
    }

    /// The entry `key` of a map.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Self::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The entry `key` of a map, mutably.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        match self {
            Self::Map(entries) => entries.iter_mut().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The first float JSON cannot hold (`.inf`, `-.inf`, `.nan`), in printed order: Compose's
    /// JSON encoder fails on it (`json: unsupported value: +Inf`), and [`to_json`] prints
    /// `null` there.
    #[must_use]
    pub fn first_non_finite(&self) -> Option<f64> {
        match self {
            Self::Float(f) if !f.is_finite() => Some(*f),
            Self::Seq(items) => items.iter().find_map(Self::first_non_finite),
            Self::Map(entries) => entries.iter().find_map(|(_, v)| v.first_non_finite()),
            _ => None,
        }
    }

    /// The string, if this is one.
    #[must_use]
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Self::Str(s) => Some(s),
            _ => None,
        }
    }
}

/// Print as Go's `json.MarshalIndent(v, "", "  ")` does (HTML-safe escapes), no final newline.
#[must_use]
pub fn to_json(value: &Value) -> String {
    let mut out = String::new();
    json(value, 0, &mut out);
    out
}

fn json(value: &Value, depth: usize, out: &mut String) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => out.push_str(&i.to_string()),
        Value::Float(f) => out.push_str(&go_json_float(*f)),
        Value::Str(s) | Value::Time(s) => json_string(s, out),
        Value::Seq(items) if items.is_empty() => out.push_str("[]"),
        Value::Map(entries) if entries.is_empty() => out.push_str("{}"),
        Value::Seq(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(depth + 1, out);
                json(item, depth + 1, out);
            }
            newline(depth, out);
            out.push(']');
        }
        Value::Map(entries) => {
            out.push('{');
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(depth + 1, out);
                json_string(k, out);
                out.push_str(": ");
                json(v, depth + 1, out);
            }
            newline(depth, out);
            out.push('}');
        }
    }
}

fn newline(depth: usize, out: &mut String) {
    out.push('\n');
    for _ in 0..depth {
        out.push_str("  ");
    }
}

fn go_json_float(f: f64) -> String {
    if !f.is_finite() {
        return "null".to_owned();
    }
    let abs = f.abs();
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        let s = format!("{f:e}");
        // Go's `'e'` format pads the exponent to two digits (`1e+21`, `1e-07`), then
        // encoding/json cleans a negative one back (`1e-7`): checked with Compose v2.40.3.
        match s.split_once('e') {
            Some((m, e)) => match e.strip_prefix('-') {
                Some(digits) => format!("{m}e-{digits}"),
                None if e.len() < 2 => format!("{m}e+0{e}"),
                None => format!("{m}e+{e}"),
            },
            None => s,
        }
    } else {
        format!("{f}")
    }
}

fn json_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", u32::from(c)));
            }
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Print as go-yaml v3's encoder with `SetIndent(2)` does (Compose's `config`), with the final
/// newline.
#[must_use]
pub fn to_yaml(value: &Value) -> String {
    let mut out = String::new();
    match value {
        Value::Map(entries) if !entries.is_empty() => yaml_map(entries, 0, &mut out),
        Value::Seq(items) if !items.is_empty() => yaml_seq(items, 0, &mut out),
        other => {
            yaml_inline(other, 0, &mut out);
            out.push('\n');
        }
    }
    out
}

fn indent(n: usize, out: &mut String) {
    const SPACES: &str = "                                                                ";
    let mut n = n;
    while n > 0 {
        let k = n.min(SPACES.len());
        out.push_str(&SPACES[..k]);
        n -= k;
    }
}

/// A block map whose first key starts at the current position (column `col`).
///
/// Compose's JSON has a Go map's keys in byte order (as the renderer builds them), its YAML in
/// go-yaml's order (`worker2` before `worker10`): a map in byte order is a Go map here, and is
/// printed in go-yaml's order. A struct's fields (in their own order) are not in byte order, or
/// are names whose two orders agree.
fn yaml_map(entries: &[(String, Value)], col: usize, out: &mut String) {
    let byte_sorted = entries.windows(2).all(|w| w[0].0 <= w[1].0);
    let go_sorted = || entries.windows(2).all(|w| !go_yaml_less(&w[1].0, &w[0].0));
    if byte_sorted && !go_sorted() {
        let mut sorted: Vec<&(String, Value)> = entries.iter().collect();
        sorted.sort_by(|a, b| go_yaml_cmp(&a.0, &b.0));
        yaml_entries(sorted.into_iter(), col, out);
    } else {
        yaml_entries(entries.iter(), col, out);
    }
}

/// Sort a Go map's entries (an inline `x-` extension map) in go-yaml's key order.
pub(crate) fn sort_go_yaml(entries: &mut [(String, Value)]) {
    entries.sort_by(|a, b| go_yaml_cmp(&a.0, &b.0));
}

fn go_yaml_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    if go_yaml_less(a, b) {
        std::cmp::Ordering::Less
    } else if go_yaml_less(b, a) {
        std::cmp::Ordering::Greater
    } else {
        std::cmp::Ordering::Equal
    }
}

/// go-yaml v3's `keyList.Less` for two string keys: runs of digits compare as numbers, a letter
/// after a digit sorts after the digit, anything else before a letter.
fn go_yaml_less(a: &str, b: &str) -> bool {
    let ar: Vec<char> = a.chars().collect();
    let br: Vec<char> = b.chars().collect();
    let digit = |c: char| c.is_ascii_digit();
    let mut digits = false;
    for i in 0..ar.len().min(br.len()) {
        if ar[i] == br[i] {
            digits = digit(ar[i]);
            continue;
        }
        let (al, bl) = (ar[i].is_alphabetic(), br[i].is_alphabetic());
        if al && bl {
            return ar[i] < br[i];
        }
        if al || bl {
            return if digits { al } else { bl };
        }
        let (mut an, mut bn) = (0_i64, 0_i64);
        if ar[i] == '0' || br[i] == '0' {
            for j in (0..i).rev() {
                if !digit(ar[j]) {
                    break;
                }
                if ar[j] != '0' {
                    (an, bn) = (1, 1);
                    break;
                }
            }
        }
        let number = |r: &[char], mut n: i64| {
            let mut at = i;
            while at < r.len() && digit(r[at]) {
                n = n
                    .wrapping_mul(10)
                    .wrapping_add(i64::from(u32::from(r[at]) - u32::from('0')));
                at += 1;
            }
            (n, at)
        };
        let ((an, ai), (bn, bi)) = (number(&ar, an), number(&br, bn));
        if an != bn {
            return an < bn;
        }
        if ai != bi {
            return ai < bi;
        }
        return ar[i] < br[i];
    }
    ar.len() < br.len()
}

fn yaml_entries<'v>(
    entries: impl Iterator<Item = &'v (String, Value)>,
    col: usize,
    out: &mut String,
) {
    for (i, (k, v)) in entries.enumerate() {
        if i > 0 {
            indent(col, out);
        }
        // Compose escapes `$` in the text libyaml wrote: the 128 bytes are counted before.
        if k.chars().any(is_break) || (k.len() > 128 && k.len() - k.matches('$').count() / 2 > 128)
        {
            explicit_entry(k, v, col, out);
            continue;
        }
        yaml_scalar(k, true, 0, out);
        out.push(':');
        yaml_after_key(v, col, out);
    }
}

/// A key over several lines, or longer than 128 bytes, is not a simple key to libyaml: it writes
/// `? KEY` (styled as a value would be, a literal block if it can) and the value on a line of
/// its own after `: `, a collection starting on that line.
fn explicit_entry(k: &str, v: &Value, col: usize, out: &mut String) {
    out.push_str("? ");
    yaml_scalar(k, false, col + 2, out);
    out.push('\n');
    indent(col, out);
    out.push_str(": ");
    match v {
        Value::Map(e) if !e.is_empty() => yaml_map(e, col + 2, out),
        Value::Seq(items) if !items.is_empty() => yaml_seq(items, col + 2, out),
        other => {
            yaml_inline(other, col + 2, out);
            out.push('\n');
        }
    }
}

fn yaml_after_key(v: &Value, col: usize, out: &mut String) {
    match v {
        Value::Map(e) if !e.is_empty() => {
            out.push('\n');
            indent(col + 2, out);
            yaml_map(e, col + 2, out);
        }
        Value::Seq(items) if !items.is_empty() => {
            out.push('\n');
            indent(col + 2, out);
            yaml_seq(items, col + 2, out);
        }
        other => {
            out.push(' ');
            yaml_inline(other, col + 2, out);
            out.push('\n');
        }
    }
}

/// A block sequence whose first `- ` starts at the current position (column `col`).
fn yaml_seq(items: &[Value], col: usize, out: &mut String) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            indent(col, out);
        }
        out.push('-');
        match item {
            Value::Map(e) if !e.is_empty() => {
                out.push(' ');
                yaml_map(e, col + 2, out);
            }
            Value::Seq(inner) if !inner.is_empty() => {
                out.push(' ');
                yaml_seq(inner, col + 2, out);
            }
            other => {
                out.push(' ');
                yaml_inline(other, col + 2, out);
                out.push('\n');
            }
        }
    }
}

/// A scalar or an empty collection; `block_indent` is the indentation of a literal block's body.
fn yaml_inline(v: &Value, block_indent: usize, out: &mut String) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => out.push_str(&i.to_string()),
        Value::Float(f) => out.push_str(&yaml_float(*f)),
        Value::Str(s) => yaml_string(s, block_indent, out),
        Value::Time(t) => out.push_str(t),
        Value::Seq(_) => out.push_str("[]"),
        Value::Map(_) => out.push_str("{}"),
    }
}

/// go-yaml v3's `floatv`: Go's shortest `%g` digits, `.inf`, `-.inf`, `.nan`.
fn yaml_float(f: f64) -> String {
    if f.is_nan() {
        ".nan".to_owned()
    } else if f.is_infinite() {
        if f > 0.0 {
            ".inf".to_owned()
        } else {
            "-.inf".to_owned()
        }
    } else {
        crate::yaml::go_format_float(f)
    }
}

fn yaml_string(s: &str, block_indent: usize, out: &mut String) {
    yaml_scalar(s, false, block_indent, out);
}

/// go-yaml v3's `stringv` + libyaml's scalar analysis.
fn yaml_scalar(s: &str, key: bool, block_indent: usize, out: &mut String) {
    let resolves_to_string = matches!(resolve_plain(s), PlainValue::Str) && !s.is_empty();
    let can_use_plain = resolves_to_string && !is_base60_float(s) && !is_old_bool(s);
    if s.contains('\n') && !key {
        let a = analyze(s);
        if !a.special && !a.space_break && !a.trailing_space {
            literal(s, block_indent, out);
            return;
        }
        double_quoted(s, out);
        return;
    }
    if !can_use_plain {
        double_quoted(s, out);
        return;
    }
    let a = analyze(s);
    if a.block_plain_allowed && !(key && a.line_breaks) {
        out.push_str(s);
    } else if a.single_allowed {
        single_quoted(s, block_indent, out);
    } else {
        double_quoted(s, out);
    }
}

fn is_old_bool(s: &str) -> bool {
    matches!(
        s,
        "y" | "Y"
            | "yes"
            | "Yes"
            | "YES"
            | "on"
            | "On"
            | "ON"
            | "n"
            | "N"
            | "no"
            | "No"
            | "NO"
            | "off"
            | "Off"
            | "OFF"
    )
}

/// `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`
fn is_base60_float(s: &str) -> bool {
    let b = s.strip_prefix(['-', '+']).unwrap_or(s).as_bytes();
    let mut i = 0;
    if !b.first().is_some_and(u8::is_ascii_digit) {
        return false;
    }
    while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
        i += 1;
    }
    let mut groups = 0;
    while i < b.len() && b[i] == b':' {
        i += 1;
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() && i - start < 2 {
            i += 1;
        }
        let g = &b[start..i];
        let ok = match g {
            [d] => d.is_ascii_digit(),
            [a, d] => (b'0'..=b'5').contains(a) && d.is_ascii_digit(),
            _ => false,
        };
        if !ok {
            return false;
        }
        groups += 1;
    }
    if groups == 0 {
        return false;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
            i += 1;
        }
    }
    i == b.len()
}

#[derive(Debug, PartialEq, Eq)]
struct Analysis {
    block_plain_allowed: bool,
    single_allowed: bool,
    line_breaks: bool,
    special: bool,
    space_break: bool,
    trailing_space: bool,
}

/// go-yaml v3's `is_printable` (which Compose's output goes through): unlike libyaml's, it
/// leaves out NEL (U+0085) and every character past U+FFFF, so `🙂` is written `"\U0001F642"`
/// (checked with Compose v2.40.3).
fn is_printable(c: char) -> bool {
    let u = u32::from(c);
    u == 0x0A
        || (0x20..=0x7E).contains(&u)
        || (0xA0..=0xD7FF).contains(&u)
        || ((0xE000..=0xFFFD).contains(&u) && u != 0xFEFF)
}

fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

fn is_blank_or_end(c: Option<char>) -> bool {
    matches!(c, None | Some(' ' | '\t')) || c.is_some_and(is_break)
}

/// libyaml's `yaml_emitter_analyze_scalar`.
fn analyze(s: &str) -> Analysis {
    // Most keys and values are printable ASCII starting with a letter or digit, with no
    // `: ` or ` #` inside and no space or `:` at the end: nothing in them makes libyaml refuse a
    // plain scalar (the characters that only matter in flow context are ignored below too), so
    // the full analysis would find exactly this.
    let b = s.as_bytes();
    let plain_ascii = || {
        // Without early exits the printable test and the search for `:` and `#` vectorise;
        // only a word that has one of them is then searched for `: ` and ` #`.
        let (printable, colon_or_hash) = b.iter().fold((true, false), |(p, ch), &c| {
            (
                p & (c.wrapping_sub(0x20) < 0x5f),
                ch | (c == b':') | (c == b'#'),
            )
        });
        printable && !(colon_or_hash && b.windows(2).any(|w| w == b": " || w == b" #"))
    };
    if b.first().is_some_and(u8::is_ascii_alphanumeric)
        && b.last().is_some_and(|&c| c != b' ' && c != b':')
        && plain_ascii()
    {
        return Analysis {
            block_plain_allowed: true,
            single_allowed: true,
            line_breaks: false,
            special: false,
            space_break: false,
            trailing_space: false,
        };
    }
    analyze_fully(s)
}

/// libyaml's `yaml_emitter_analyze_scalar`, character by character.
fn analyze_fully(s: &str) -> Analysis {
    let mut flow_ind = false;
    let mut block_ind = false;
    let (mut leading_space, mut leading_break, mut trailing_space, mut trailing_break) =
        (false, false, false, false);
    let (mut break_space, mut space_break, mut previous_space, mut previous_break) =
        (false, false, false, false);
    let mut line_breaks = false;
    let mut special = false;
    if s.starts_with("---") || s.starts_with("...") {
        block_ind = true;
        flow_ind = true;
    }
    let mut preceded_by_ws = true;
    let mut chars = s.chars().peekable();
    let mut i = 0usize;
    while let Some(c) = chars.next() {
        let next = chars.peek().copied();
        let last = next.is_none();
        let followed_by_ws = is_blank_or_end(next);
        if i == 0 {
            match c {
                '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"'
                | '%' | '@' | '`' => {
                    flow_ind = true;
                    block_ind = true;
                }
                '?' | ':' => {
                    flow_ind = true;
                    if followed_by_ws {
                        block_ind = true;
                    }
                }
                '-' if followed_by_ws => {
                    flow_ind = true;
                    block_ind = true;
                }
                _ => {}
            }
        } else {
            match c {
                ',' | '?' | '[' | ']' | '{' | '}' => flow_ind = true,
                ':' => {
                    flow_ind = true;
                    if followed_by_ws {
                        block_ind = true;
                    }
                }
                '#' if preceded_by_ws => {
                    flow_ind = true;
                    block_ind = true;
                }
                _ => {}
            }
        }
        if !is_printable(c) {
            special = true;
        }
        if is_break(c) {
            line_breaks = true;
        }
        if c == ' ' {
            if i == 0 {
                leading_space = true;
            }
            if last {
                trailing_space = true;
            }
            if previous_break {
                break_space = true;
            }
            previous_space = true;
            previous_break = false;
        } else if is_break(c) {
            if i == 0 {
                leading_break = true;
            }
            if last {
                trailing_break = true;
            }
            if previous_space {
                space_break = true;
            }
            previous_space = false;
            previous_break = true;
        } else {
            previous_space = false;
            previous_break = false;
        }
        preceded_by_ws = c == ' ' || c == '\t' || is_break(c);
        i += 1;
    }
    let mut block_plain = true;
    let mut single = true;
    if leading_space || leading_break || trailing_space || trailing_break {
        block_plain = false;
    }
    if break_space {
        block_plain = false;
        single = false;
    }
    if space_break || special {
        block_plain = false;
        single = false;
    }
    if line_breaks {
        block_plain = false;
    }
    if block_ind {
        block_plain = false;
    }
    let _ = flow_ind;
    Analysis {
        block_plain_allowed: block_plain,
        single_allowed: single,
        line_breaks,
        special,
        space_break,
        trailing_space,
    }
}

fn double_quoted(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '\0' => out.push_str("\\0"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{b}' => out.push_str("\\v"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            '\u{1b}' => out.push_str("\\e"),
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{85}' => out.push_str("\\N"),
            '\u{a0}' => out.push_str("\\_"),
            '\u{2028}' => out.push_str("\\L"),
            '\u{2029}' => out.push_str("\\P"),
            c if !is_printable(c) => {
                let u = u32::from(c);
                if u <= 0xFF {
                    out.push_str(&format!("\\x{u:02X}"));
                } else if u <= 0xFFFF {
                    out.push_str(&format!("\\u{u:04X}"));
                } else {
                    out.push_str(&format!("\\U{u:08X}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// A single-quoted scalar as go-yaml writes it (`yaml_emitter_write_single_quoted_scalar`):
/// `'` doubled, and after a line break (here `\r`, NEL, U+2028, U+2029: a `\n` takes another
/// style) the next character is indented to the block's indentation.
fn single_quoted(s: &str, block_indent: usize, out: &mut String) {
    out.push('\'');
    push_indenting_after_breaks(&s.replace('\'', "''"), block_indent, out);
    out.push('\'');
}

/// `text`, each character that follows a line break (`is_break`) indented to `indent`, as
/// go-yaml's emitter writes it in a quoted or block scalar.
fn push_indenting_after_breaks(text: &str, indent_to: usize, out: &mut String) {
    let mut breaks = false;
    for c in text.chars() {
        if breaks && !is_break(c) {
            indent(indent_to, out);
        }
        breaks = is_break(c);
        out.push(c);
    }
}

/// A literal block scalar (`|`, `|-`, `|+`, with an indentation indicator when the text starts
/// with a space or a line break).
fn literal(s: &str, body_indent: usize, out: &mut String) {
    out.push('|');
    if s.starts_with([' ', '\n']) {
        out.push('2');
    }
    if !s.ends_with('\n') {
        out.push('-');
    } else if s.len() == 1 || s.ends_with("\n\n") {
        out.push('+');
    }
    out.push('\n');
    let body = s.strip_suffix('\n').unwrap_or(s);
    for line in body.split('\n') {
        if !line.is_empty() {
            indent(body_indent, out);
            // After another line break (U+2028 …), go-yaml indents the next character too.
            push_indenting_after_breaks(line, body_indent, out);
        }
        out.push('\n');
    }
    // The caller adds the newline after a scalar: remove ours.
    out.pop();
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Keys over several lines or of more than 128 bytes, as `docker compose config` v2.40.3
    /// printed them (`x-base` keys `" g\nh"`, `"a\nb"`, `"c\nd"`, `"e\nf "`, `"i\n"`, `"x\ry"`,
    /// 128 and 129 `k`s): explicit `? ` keys, the value after `: ` on the next line.
    #[test]
    fn multi_line_keys_are_explicit_keys() {
        let map = |entries: Vec<(&str, Value)>| {
            Value::Map(
                entries
                    .into_iter()
                    .map(|(k, v)| (k.to_owned(), v))
                    .collect(),
            )
        };
        let value = map(vec![(
            "x-base",
            map(vec![
                (" g\nh", Value::Int(4)),
                (
                    "a\nb",
                    map(vec![
                        ("k", Value::Str("v".to_owned())),
                        ("k2", Value::Str("v2".to_owned())),
                    ]),
                ),
                ("c\nd", Value::Seq(vec![Value::Int(1), Value::Int(2)])),
                ("e\nf ", Value::Int(3)),
                ("i\n", Value::Map(Vec::new())),
                ("x\ry", Value::Int(5)),
            ]),
        )]);
        let long = |n: usize| map(vec![("k".repeat(n).as_str(), Value::Int(1))]);
        assert_eq!(to_yaml(&long(128)), format!("{}: 1\n", "k".repeat(128)));
        assert_eq!(to_yaml(&long(129)), format!("? {}\n: 1\n", "k".repeat(129)));
        assert_eq!(
            to_yaml(&value),
            "x-base:\n  ? |2-\n     g\n    h\n  : 4\n  ? |-\n    a\n    b\n  : k: v\n    k2: v2\n  ? |-\n    c\n    d\n  : - 1\n    - 2\n  ? \"e\\nf \"\n  : 3\n  ? |\n    i\n  : {}\n  ? \"x\\ry\"\n  : 5\n"
        );
    }

    /// Map keys in go-yaml's order, as `docker compose config` v2.40.3 printed an `x-base`
    /// mapping of these keys (its JSON has them in byte order): numbers compare as numbers,
    /// anything but a letter before a letter.
    #[test]
    fn go_maps_are_printed_in_go_yaml_order() {
        let keys = [
            "", "null", "~", "true", "yes", "0x1F", "1e3", "-", "? x", "- x", ": x", "#x", "a: b",
            "a #b", "trail ", " lead", "tab\tx", "é", "k\u{a0}v", "a'b", "a\"b", "@x", "`x", "%x",
            "!x", "&x", "*x", "|x", ">x", "[x", "{x", "x,y", "x]", "---", "...", "a\\b", "1:2",
            "12:30", "0755", "+1", ".5", "1_000", "=", "<<", "a1", "a01", "a001", "a10", "a2",
            "a02b", "ab", "a_b", "aB", "Ab", "v1.10", "v1.9", "x00y", "x0y", "0", "00", "007", "7",
        ];
        let compose_order = [
            0, 15, 24, 11, 23, 25, 26, 39, 7, 9, 33, 34, 40, 10, 43, 42, 28, 8, 21, 29, 22, 30, 27,
            2, 58, 5, 59, 6, 36, 41, 61, 60, 37, 38, 53, 13, 20, 19, 12, 35, 51, 44, 45, 46, 48,
            49, 47, 52, 50, 18, 1, 16, 14, 3, 55, 54, 31, 32, 57, 56, 4, 17,
        ];
        let mut entries: Vec<(String, Value)> = keys
            .iter()
            .enumerate()
            .map(|(i, k)| ((*k).to_owned(), Value::Int(i128::try_from(i).unwrap())))
            .collect();
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        let printed = to_yaml(&Value::Map(entries));
        let order: Vec<usize> = printed
            .lines()
            .map(|l| l.rsplit(": ").next().unwrap().parse().unwrap())
            .collect();
        assert_eq!(order, compose_order);
        // A struct's fields keep their order.
        let fields = Value::Map(vec![
            ("image".to_owned(), Value::Int(1)),
            ("command".to_owned(), Value::Int(2)),
        ]);
        assert_eq!(to_yaml(&fields), "image: 1\ncommand: 2\n");
    }

    /// Quoting observed with `docker compose config` v2.40.3 (labels with these values).
    #[test]
    fn yaml_quoting_matches_compose() {
        for (value, printed) in [
            ("&x", "'&x'"),
            ("1:20", "\"1:20\""),
            ("a\u{feff}b", "\"a\\uFEFFb\""),
            ("x[1]", "x[1]"),
            ("{x}", "'{x}'"),
            ("a: b", "'a: b'"),
            ("a:b", "a:b"),
            ("a\u{1}b", "\"a\\x01b\""),
            ("- x", "'- x'"),
            ("-x", "-x"),
            ("2001-12-14", "\"2001-12-14\""),
            ("---", "'---'"),
            ("1e3", "\"1e3\""),
            ("a #b", "'a #b'"),
            ("a#b", "a#b"),
            ("0x1F", "\"0x1F\""),
            (" x", "' x'"),
            ("x ", "'x '"),
            ("a \nb", "\"a \\nb\""),
            ("null", "\"null\""),
            ("0755", "\"0755\""),
            ("On", "\"On\""),
            ("'x'", "'''x'''"),
            ("?x", "?x"),
            ("? x", "'? x'"),
            ("a\tb", "\"a\\tb\""),
            ("~", "\"~\""),
            ("1_000", "\"1_000\""),
            ("it's", "it's"),
            ("", "\"\""),
        ] {
            let mut out = String::new();
            yaml_string(value, 6, &mut out);
            assert_eq!(out, printed, "{value:?}");
        }
        assert_eq!(
            to_yaml(&Value::Map(vec![(
                "multi".into(),
                Value::str("line1\n  indented\n")
            )])),
            "multi: |\n  line1\n    indented\n"
        );
        assert_eq!(
            to_yaml(&Value::Map(vec![("e".into(), Value::str("\n"))])),
            "e: |2+\n\n"
        );
    }

    #[test]
    fn shortcut_analysis_matches_the_full_one() {
        let pieces = [
            "a", "Z", "9", " ", ":", ": ", "#", " #", "-", ".", "/", "'", "\"", ",", "[", "}", "?",
            "\t", "\n", "é", "\u{7f}", "---", "...", "&", "*", "!", "|", ">", "%", "@", "`", "=",
        ];
        let mut seed = 0x9e37_79b9_u32;
        for len in 0..4000 {
            let mut text = String::new();
            for _ in 0..(len % 9) {
                seed ^= seed << 13;
                seed ^= seed >> 17;
                seed ^= seed << 5;
                text.push_str(pieces[seed as usize % pieces.len()]);
            }
            assert_eq!(
                super::analyze(&text),
                super::analyze_fully(&text),
                "{text:?}"
            );
        }
    }

    #[test]
    fn base60() {
        assert!(is_base60_float("1:20"));
        assert!(is_base60_float("190:20:30.15"));
        assert!(!is_base60_float("1:2a"));
        assert!(!is_base60_float("80:80"));
        assert!(!is_base60_float("a:b"));
    }

    #[test]
    fn json_escapes_like_go() {
        assert_eq!(
            to_json(&Value::str("<a>&\u{1}\t")),
            "\"\\u003ca\\u003e\\u0026\\u0001\\t\""
        );
    }
}
