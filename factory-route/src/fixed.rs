//! Patterns that match a fixed run of characters, matched by comparing characters instead of
//! running a compiled regex.
//!
//! Most mux templates have no variable (`Path:/api` is `^/api[/]?$`, `Query:k=v` is
//! `^k=v$`, `HostRegexp:a.com` is `(?i)^a\.com$`), and most `HeadersRegexp` values are plain
//! words (`^application/json$`, `gzip`). A compiled `regex::Regex` takes 8 to 30 KB; a
//! pattern recognised here takes its characters. The pattern is read from the `regex`
//! crate's own parse of it (its HIR, with the same syntax options the regex is built with),
//! so what it matches is what the regex matches: `(?i)` letters are the classes the crate
//! makes of them (`k` is `[Kk\u{212A}]`), `^` and `$` are the start and end of the text.
//!
//! The same patterns check cheaply what a template's regex needs before it is run: every
//! `HostRegexp:{sub}.a.com` match ends with `.a.com`, in any case (see `Template::is_match`).

use regex_syntax::hir::{Class, Hir, HirKind, Look};

/// A pattern recognised by [`FixedPattern::of`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FixedPattern {
    /// `^…`: the pieces in order from the start of the text; with `$` (`end`), the text ends
    /// after them and the `tail`.
    Anchored {
        pieces: Box<[Piece]>,
        end: bool,
        tail: Tail,
    },
    /// `…$` without `^`: the pieces, then the `tail` (nothing or an optional piece), at the
    /// end of the text.
    Ending { pieces: Box<[Piece]>, tail: Tail },
    /// Neither `^` nor `$`: this text anywhere in the text.
    Floating { text: Box<str> },
}

/// One piece of an anchored pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Piece {
    /// These characters.
    Text(Box<str>),
    /// One character of these ranges (a `(?i)` letter, a class).
    OneOf(Box<[(char, char)]>),
}

/// What may follow the pieces of a pattern anchored at both ends, before its end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Tail {
    /// Nothing.
    Nothing,
    /// The piece or nothing (`[/]?`: mux's strict slash).
    Optional(Piece),
    /// Any number of characters of the ranges (`.*`: the value of a `Query` template `k=`).
    Any(Box<[(char, char)]>),
}

impl Piece {
    /// What is left of `text` after this piece, when it starts `text`.
    fn strip<'t>(&self, text: &'t str) -> Option<&'t str> {
        match self {
            Piece::Text(t) => text.strip_prefix(&**t),
            Piece::OneOf(ranges) => {
                let c = text.chars().next()?;
                in_ranges(ranges, c).then(|| text.get(c.len_utf8()..).unwrap_or_default())
            }
        }
    }

    /// What is left of `text` before this piece, when it ends `text`.
    fn strip_end<'t>(&self, text: &'t str) -> Option<&'t str> {
        match self {
            Piece::Text(t) => text.strip_suffix(&**t),
            Piece::OneOf(ranges) => {
                let c = text.chars().next_back()?;
                in_ranges(ranges, c)
                    .then(|| text.get(..text.len() - c.len_utf8()).unwrap_or_default())
            }
        }
    }
}

fn in_ranges(ranges: &[(char, char)], c: char) -> bool {
    // Sorted and disjoint (the crate's classes are canonical).
    let after = ranges.partition_point(|&(start, _)| start <= c);
    after
        .checked_sub(1)
        .and_then(|i| ranges.get(i))
        .is_some_and(|&(_, end)| c <= end)
}

/// The pattern's HIR node as a piece (a literal or a Unicode class).
fn piece(hir: &Hir) -> Option<Piece> {
    match hir.kind() {
        HirKind::Literal(lit) => std::str::from_utf8(&lit.0)
            .ok()
            .map(|t| Piece::Text(t.into())),
        HirKind::Class(Class::Unicode(class)) => Some(Piece::OneOf(
            class
                .ranges()
                .iter()
                .map(|r| (r.start(), r.end()))
                .collect(),
        )),
        _ => None,
    }
}

impl FixedPattern {
    /// `pattern` (in the `regex` crate's syntax, known to compile) when it is a fixed run of
    /// characters as described on [`FixedPattern`]; `None` for anything else (a repetition,
    /// an alternation, a group, a multi-line anchor, a word boundary), which needs the regex.
    pub(crate) fn of(pattern: &str) -> Option<FixedPattern> {
        // The options `regex::Regex` parses with (its defaults: Unicode, UTF-8, nest limit).
        let hir = regex_syntax::ParserBuilder::new()
            .build()
            .parse(pattern)
            .ok()?;
        let mut items: &[Hir] = match hir.kind() {
            HirKind::Concat(items) => items,
            HirKind::Empty => &[],
            _ => std::slice::from_ref(&hir),
        };
        let is_look = |hir: Option<&Hir>, look: Look| {
            hir.is_some_and(|h| matches!(h.kind(), HirKind::Look(l) if *l == look))
        };
        let mut start = false;
        while is_look(items.first(), Look::Start) {
            start = true;
            items = items.get(1..).unwrap_or_default();
        }
        let mut end = false;
        while is_look(items.last(), Look::End) {
            end = true;
            items = items.get(..items.len() - 1).unwrap_or_default();
        }
        // A last repetition that may match nothing: `[/]?` or `.*`.
        let mut tail = Tail::Nothing;
        if let Some((last, rest)) = items.split_last()
            && let HirKind::Repetition(rep) = last.kind()
            && rep.min == 0
        {
            let sub = piece(&rep.sub)?;
            tail = match (rep.max, sub) {
                (Some(1), sub) => Tail::Optional(sub),
                (None, Piece::OneOf(ranges)) => Tail::Any(ranges),
                (None, Piece::Text(t)) if t.chars().count() == 1 => {
                    let c = t.chars().next()?;
                    Tail::Any(Box::new([(c, c)]))
                }
                _ => return None,
            };
            items = rest;
        }
        let mut pieces: Vec<Piece> = Vec::with_capacity(items.len());
        for item in items {
            match (piece(item)?, pieces.last_mut()) {
                (Piece::Text(t), Some(Piece::Text(last))) => {
                    *last = format!("{last}{t}").into_boxed_str();
                }
                (p, _) => pieces.push(p),
            }
        }
        if start {
            // Without `$`, whatever may follow the pieces does not matter.
            let tail = if end { tail } else { Tail::Nothing };
            return Some(FixedPattern::Anchored {
                pieces: pieces.into_boxed_slice(),
                end,
                tail,
            });
        }
        if end {
            // `.*$` without `^` would take any end after the pieces.
            return match tail {
                Tail::Any(_) => None,
                tail => Some(FixedPattern::Ending {
                    pieces: pieces.into_boxed_slice(),
                    tail,
                }),
            };
        }
        // Neither: only a plain text (found with a substring search).
        let text = match pieces.as_slice() {
            [] => String::new(),
            [Piece::Text(t)] => t.to_string(),
            _ => return None,
        };
        Some(FixedPattern::Floating {
            text: text.into_boxed_str(),
        })
    }

    /// The number of ranges of its widest class (0 without a class).
    pub(crate) fn widest_class(&self) -> usize {
        let ranges = |p: &Piece| match p {
            Piece::Text(_) => 0,
            Piece::OneOf(ranges) => ranges.len(),
        };
        match self {
            FixedPattern::Anchored { pieces, tail, .. } | FixedPattern::Ending { pieces, tail } => {
                let tail = match tail {
                    Tail::Nothing => 0,
                    Tail::Optional(p) => ranges(p),
                    Tail::Any(r) => r.len(),
                };
                pieces.iter().map(ranges).fold(tail, usize::max)
            }
            FixedPattern::Floating { .. } => 0,
        }
    }

    /// Whether the pattern matches somewhere in `text`, as the regex's `is_match`.
    pub(crate) fn is_match(&self, text: &str) -> bool {
        match self {
            FixedPattern::Anchored { pieces, end, tail } => {
                let mut rest = text;
                for p in pieces {
                    match p.strip(rest) {
                        Some(after) => rest = after,
                        None => return false,
                    }
                }
                !*end
                    || match tail {
                        Tail::Nothing => rest.is_empty(),
                        Tail::Optional(p) => rest.is_empty() || p.strip(rest) == Some(""),
                        Tail::Any(ranges) => rest.chars().all(|c| in_ranges(ranges, c)),
                    }
            }
            FixedPattern::Ending { pieces, tail } => {
                let ends = |mut rest: &str| {
                    for p in pieces.iter().rev() {
                        match p.strip_end(rest) {
                            Some(before) => rest = before,
                            None => return false,
                        }
                    }
                    true
                };
                ends(text)
                    || matches!(tail, Tail::Optional(p) if p.strip_end(text).is_some_and(ends))
            }
            FixedPattern::Floating { text: fixed } => text.contains(&**fixed),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Whether the fast path says what the regex says on every input.
    fn agrees(pattern: &str, inputs: &[&str]) -> Result<(), String> {
        let Some(fixed) = FixedPattern::of(pattern) else {
            return Err(format!("{pattern:?} is not recognised"));
        };
        let re = regex::Regex::new(pattern).map_err(|e| e.to_string())?;
        for input in inputs {
            if fixed.is_match(input) != re.is_match(input) {
                return Err(format!(
                    "{pattern:?} on {input:?}: fixed {}, regex {}",
                    fixed.is_match(input),
                    re.is_match(input)
                ));
            }
        }
        Ok(())
    }

    #[test]
    fn fixed_patterns_match_as_their_regex() {
        let inputs = [
            "",
            "/",
            "/a",
            "/a/",
            "/a//",
            "/A",
            "x/a",
            "/ab",
            "a",
            "A",
            "k=v",
            "k=",
            "k=v\n",
            "k=\nv",
            "kk=v",
            "K=V",
            "\u{212A}=v",
            "api.example.com",
            "API.Example.COM",
            "api.example.com.",
            "xapi.example.com",
            "ſ",
            "s",
            "S",
            "ß",
            "ẞ",
            "é",
            "É",
            "\n",
            "a\n",
            "v0",
            "v01",
            "xv0",
            "^v0$",
            "a.b",
            "a-b",
            "a+b",
            "a b",
            "日本",
            "日本語",
            ".b17.com",
            "x.B17.Com",
            "x.b17.co",
            "x.b17.com.",
            "x/a",
            "x/A/",
            "x/a//",
            "ak",
            "a\u{212A}",
            "xK",
        ];
        for pattern in [
            "",
            "^",
            "$",
            "^$",
            "^^",
            "$$",
            "a",
            "^a",
            "a$",
            "^a$",
            "^/a[/]?$",
            "^/a[/]?",
            "/a[/]?$",
            "/a[/]?",
            "^/[/]?$",
            "^k=v$",
            "^k=.*$",
            "^k=.*",
            r"(?i)^api\.example\.com$",
            r"(?i)^A$",
            r"(?i)^k=V$",
            r"(?i)^s$",
            r"(?i)^ß$",
            r"(?i)^é$",
            r"^v0$",
            r"v0",
            r"\^v0\$",
            r"^a\.b$",
            r"^a\+b$",
            r"^a b$",
            r"^[ab]$",
            r"^a[0-9]$",
            r"^日本$",
            r"日本",
            r"\Aa\z",
            r"^\x{212A}$",
            r"^(?i:a)b$",
            r"^a(?i)b$",
            r"^[^\n]$",
            r"^[a-c]?$",
            r"^a.*$",
            r"^.*$",
            r"^a*$",
            r"(?i)a$",
            r"(?i)\.b17\.COM$",
            r"(?i)/a[/]?$",
            r"[ab]$",
            r"a[/]$",
            r"(?i)k$",
        ] {
            assert_eq!(agrees(pattern, &inputs), Ok(()));
        }
    }

    #[test]
    fn patterns_that_need_the_regex_are_not_recognised() {
        for pattern in [
            "a|b",
            "^(a)$",
            "^a+$",
            "^a{2}$",
            "a.*$",
            "^a?b$",
            "(?m)^a$",
            r"^a\b",
            r"(?-u:\b)a",
            "^a$b",
            "a*b$",
            "a^",
            r"(?i)a",
            "[ab]",
            "a[ab]",
            "^k=(?P<v0>.*)$",
            "(?-u)^\\xFF$",
            "^a.+$",
            r"^a[/]??b$",
        ] {
            assert_eq!(FixedPattern::of(pattern), None, "{pattern:?}");
        }
    }

    /// A pattern built from pieces that the fast path reads (or refuses), and text built from
    /// the same characters: both answers agree whenever the pattern is recognised.
    fn pattern_piece() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("a".to_owned()),
            Just("A".to_owned()),
            Just("k".to_owned()),
            Just("s".to_owned()),
            Just("ß".to_owned()),
            Just("é".to_owned()),
            Just("日".to_owned()),
            Just(r"\.".to_owned()),
            Just(".".to_owned()),
            Just("/".to_owned()),
            Just("[/]?".to_owned()),
            Just(".*".to_owned()),
            Just("[a-c]".to_owned()),
            Just("(?i)".to_owned()),
            Just("(?-i)".to_owned()),
            Just(r"\n".to_owned()),
            Just("a+".to_owned()),
        ]
    }

    fn text() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            prop_oneof![
                Just('a'),
                Just('A'),
                Just('b'),
                Just('k'),
                Just('K'),
                Just('\u{212A}'),
                Just('s'),
                Just('S'),
                Just('\u{17F}'),
                Just('ß'),
                Just('é'),
                Just('É'),
                Just('日'),
                Just('.'),
                Just('/'),
                Just('\n'),
            ],
            0..8,
        )
        .prop_map(|chars| chars.into_iter().collect())
    }

    proptest! {
        #[test]
        fn the_fast_path_answers_as_the_regex(
            start in proptest::bool::ANY,
            end in proptest::bool::ANY,
            pieces in proptest::collection::vec(pattern_piece(), 0..5),
            texts in proptest::collection::vec(text(), 1..12),
        ) {
            let pattern = format!(
                "{}{}{}",
                if start { "^" } else { "" },
                pieces.concat(),
                if end { "$" } else { "" }
            );
            let Some(fixed) = FixedPattern::of(&pattern) else {
                return Ok(());
            };
            let re = regex::Regex::new(&pattern).unwrap();
            // The texts, and what the pattern's own characters spell.
            let spelled: String = pattern
                .replace("(?i)", "")
                .replace("(?-i)", "")
                .replace("[/]?", "/")
                .replace(".*", "x")
                .replace("[a-c]", "b")
                .replace(['^', '$', '\\'], "");
            for t in texts.iter().chain([&spelled]) {
                for input in [t.clone(), format!("{spelled}{t}"), format!("{t}{spelled}")] {
                    prop_assert_eq!(
                        fixed.is_match(&input),
                        re.is_match(&input),
                        "{:?} on {:?}",
                        pattern,
                        input
                    );
                }
            }
        }
    }
}
