//! Regexes checked when a rule is parsed and compiled when first matched, in a cache of
//! bounded size.
//!
//! A compiled regex takes 8 to 30 KB, a thousand times a typical template, and a compose file
//! can hold hundreds of thousands of templates (segments, `Query` parameters, `HeadersRegexp`
//! pairs): compiled and kept, they took gigabytes. Most are fixed runs of characters and never
//! compile ([`FixedPattern`]); the others are compiled on first use into one cache shared by
//! every rule, which keeps at most [`COMPILED_BUDGET`] bytes of them and drops those not used
//! for the longest (a clock: each regex used since the hand last passed keeps its place once
//! more). A regex dropped is compiled again when next needed. Two things keep that rare when a
//! rule has more templates than the cache holds: each template remembers its last two answers
//! (the route comparisons ask every `Query` template and `HeadersRegexp` pair of a rule about
//! the same one or two values for thousands of candidate requests), and a host or path
//! template checks its fixed start and end before its regex (`Template::is_match`: of the
//! many hosts and paths compared with it, most fail there).

use crate::fixed::FixedPattern;
use crate::template::{SIZE_LIMIT, TemplateError, first_line};
use regex_automata::meta;
use regex_automata::util::syntax;
use std::collections::hash_map::{Entry, RandomState};
use std::collections::{HashMap, VecDeque};
use std::hash::BuildHasher;
use std::ops::Range;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, LazyLock, Mutex, MutexGuard, PoisonError, Weak};

/// How many bytes of compiled regexes the cache keeps, as they weigh themselves
/// (`memory_usage`, plus [`UNCOUNTED_WEIGHT`]): some 3 000 of the 8 to 12 KB a template with
/// a variable weighs. The templates matched again and again with new texts are few (most
/// are asked about the same one or two texts, or fail their fixed start or end first).
pub(crate) const COMPILED_BUDGET: usize = 32 << 20;

/// The bytes a compiled regex takes that its `memory_usage` does not count (its pool of
/// search caches, about 5.5 KB whatever the pattern).
const UNCOUNTED_WEIGHT: usize = 5632;

/// The longest text whose answer a template remembers.
const REMEMBERED_TEXT: usize = 256;

/// A pattern checked when its rule is parsed (so every error is reported then) and matched
/// by comparing characters when it is a fixed run of them ([`FixedPattern`]: most templates
/// and `HeadersRegexp` values), else by its regex, compiled on first use into the shared
/// cache ([`CompiledRegexes`]).
#[derive(Debug)]
pub(crate) struct LazyRegex {
    pattern: Box<str>,
    engine: Engine,
}

/// How a [`LazyRegex`] is matched.
#[derive(Debug)]
enum Engine {
    /// By comparing characters.
    Fixed(FixedPattern),
    /// By the compiled regex (boxed: most patterns are fixed, and a `LazyRegex` of each is
    /// kept for every template and `HeadersRegexp` pair).
    Regex(Box<Mutex<Slot>>),
}

/// A [`LazyRegex`]'s view of its compiled regex.
#[derive(Debug, Default, Clone)]
struct Slot {
    /// The regex in the cache, when it is still there.
    compiled: Weak<Compiled>,
    /// The last two texts it was asked about (when short), the latest first, with the
    /// answers: a `Query` template is asked about the value of each of the two queries a
    /// comparison tries, in turn, for thousands of candidate requests.
    last: [Option<(Box<str>, bool)>; 2],
}

impl Slot {
    fn remembered(&self, text: &str) -> Option<bool> {
        self.last
            .iter()
            .flatten()
            .find(|(t, _)| **t == *text)
            .map(|&(_, answer)| answer)
    }

    fn remember(&mut self, text: &str, answer: bool) {
        if text.len() <= REMEMBERED_TEXT {
            self.last.rotate_right(1);
            self.last[0] = Some((text.into(), answer));
        }
    }
}

impl Clone for LazyRegex {
    fn clone(&self) -> LazyRegex {
        let engine = match &self.engine {
            Engine::Fixed(fixed) => Engine::Fixed(fixed.clone()),
            Engine::Regex(slot) => Engine::Regex(Box::new(Mutex::new(lock(slot).clone()))),
        };
        LazyRegex {
            pattern: self.pattern.clone(),
            engine,
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl LazyRegex {
    /// Checks that `pattern` (already in the `regex` crate's syntax) compiles within
    /// [`SIZE_LIMIT`], with the errors of `regex::Regex` ([`check_regex`]), and keeps its
    /// text (and, for a fixed pattern, its characters).
    pub(crate) fn new(pattern: String) -> Result<LazyRegex, TemplateError> {
        // A template's variable is a group: no need to parse it to know it is not fixed.
        let fixed = if pattern.contains("(?P<") {
            None
        } else {
            FixedPattern::of(&pattern)
        };
        let engine = match fixed {
            Some(fixed) => {
                // Compiling to check the size took half the time of a rule of 200 000
                // `HeadersRegexp` pairs.
                if !surely_within_size_limit(&pattern, &fixed) {
                    check_regex(&pattern)?;
                }
                Engine::Fixed(fixed)
            }
            None => {
                check_regex(&pattern)?;
                Engine::Regex(Box::default())
            }
        };
        Ok(LazyRegex {
            pattern: pattern.into_boxed_str(),
            engine,
        })
    }

    /// The pattern, as `Regex::as_str` gives it.
    pub(crate) fn as_str(&self) -> &str {
        &self.pattern
    }

    /// Whether the pattern matches somewhere in `haystack`.
    pub(crate) fn is_match(&self, haystack: &str) -> bool {
        self.is_match_in(&COMPILED_REGEXES, haystack)
    }

    fn is_match_in(&self, cache: &Mutex<CompiledRegexes>, haystack: &str) -> bool {
        let slot = match &self.engine {
            Engine::Fixed(fixed) => return fixed.is_match(haystack),
            Engine::Regex(slot) => slot,
        };
        let mut slot = lock(slot);
        if let Some(answer) = slot.remembered(haystack) {
            return answer;
        }
        let compiled = match slot.compiled.upgrade() {
            Some(compiled) => {
                compiled.mark_used();
                compiled
            }
            None => {
                // A pattern that compiled when checked compiles again (the same limits).
                let Ok(compiled) = compiled_in(cache, &self.pattern) else {
                    return false;
                };
                slot.compiled = Arc::downgrade(&compiled);
                compiled
            }
        };
        let answer = compiled.regex.is_match(haystack);
        slot.remember(haystack, answer);
        answer
    }

    /// The byte ranges of the capture groups (after the whole match, group 0) of the first
    /// match in `haystack`, `None` for a group that took no part; `None` without a match. A
    /// fixed pattern has no group.
    pub(crate) fn groups(&self, haystack: &str) -> Option<Vec<Option<Range<usize>>>> {
        match &self.engine {
            Engine::Fixed(fixed) => fixed.is_match(haystack).then(Vec::new),
            Engine::Regex(slot) => {
                let mut slot = lock(slot);
                let compiled = match slot.compiled.upgrade() {
                    Some(compiled) => compiled,
                    None => {
                        let compiled = compiled(&self.pattern).ok()?;
                        slot.compiled = Arc::downgrade(&compiled);
                        compiled
                    }
                };
                drop(slot);
                compiled.mark_used();
                compiled.groups(haystack)
            }
        }
    }

    /// Whether the pattern is matched without a regex.
    #[cfg(test)]
    pub(crate) fn is_fixed(&self) -> bool {
        matches!(self.engine, Engine::Fixed(_))
    }

    /// The compiled regex it last used, when still in the cache.
    #[cfg(test)]
    pub(crate) fn compiled_regex(&self) -> Option<Arc<Compiled>> {
        match &self.engine {
            Engine::Fixed(_) => None,
            Engine::Regex(slot) => lock(slot).compiled.upgrade(),
        }
    }
}

/// Whether the fixed pattern `pattern` certainly compiles within [`SIZE_LIMIT`] (it parses, so
/// that is the only error its compilation could give): at most 256 bytes, and classes of at
/// most 4 ranges. The costliest such piece per byte of pattern is `.` (two ranges covering
/// all of Unicode), of which 1 048 fit in the limit; `(?i)[^k]` (4 ranges, 4 bytes) 744. A
/// class like `\pL` (677 ranges) fits only 24 times in 72 bytes: those patterns are compiled
/// to be checked, as every pattern that needs its regex is.
fn surely_within_size_limit(pattern: &str, fixed: &FixedPattern) -> bool {
    pattern.len() <= 256 && fixed.widest_class() <= 4
}

/// A regex in the cache.
#[derive(Debug)]
pub(crate) struct Compiled {
    regex: meta::Regex,
    /// What it weighs in the cache's budget, in bytes.
    weight: usize,
    /// Used since the clock hand last passed it.
    referenced: AtomicBool,
}

impl Compiled {
    fn mark_used(&self) {
        if !self.referenced.load(Ordering::Relaxed) {
            self.referenced.store(true, Ordering::Relaxed);
        }
    }

    /// Whether the regex matches somewhere in `haystack`.
    pub(crate) fn is_match(&self, haystack: &str) -> bool {
        self.regex.is_match(haystack)
    }

    /// See [`LazyRegex::groups`].
    fn groups(&self, haystack: &str) -> Option<Vec<Option<Range<usize>>>> {
        let mut caps = self.regex.create_captures();
        self.regex.captures(haystack, &mut caps);
        if !caps.is_match() {
            return None;
        }
        Some(
            (1..caps.group_len())
                .map(|i| caps.get_group(i).map(|span| span.range()))
                .collect(),
        )
    }
}

/// The compiled regexes, by pattern, within a budget of bytes, and the patterns known to
/// compile.
#[derive(Debug)]
struct CompiledRegexes {
    by_pattern: HashMap<Arc<str>, Arc<Compiled>>,
    /// The patterns known to compile: checking one again compiles nothing.
    known: KnownPatterns,
    /// The patterns known to compile past [`SIZE_LIMIT`]: building one until it passes the
    /// limit takes 15 to 20 ms (`(?:\pL{20}){20}`), and a rule of 1 000 such alternatives, or
    /// 1 000 services with the same template, took 20 s to check.
    too_big: KnownPatterns,
    /// Each pattern of `by_pattern` once: the clock hand takes the front, and puts back at the
    /// end a regex used since it last passed.
    hand: VecDeque<Arc<str>>,
    /// The weight of the regexes in `by_pattern`.
    weight: usize,
    budget: usize,
    /// How many regexes were kept in all.
    kept: usize,
}

impl CompiledRegexes {
    fn new(budget: usize) -> CompiledRegexes {
        CompiledRegexes {
            by_pattern: HashMap::new(),
            known: KnownPatterns::default(),
            too_big: KnownPatterns::default(),
            hand: VecDeque::new(),
            weight: 0,
            budget,
            kept: 0,
        }
    }

    /// Keeps `compiled` as the regex of `pattern` (or the one another thread kept meanwhile),
    /// then drops the regexes not used for the longest until the cache is within its budget.
    fn keep(&mut self, pattern: &str, compiled: Arc<Compiled>) -> Arc<Compiled> {
        if let Some(kept) = self.by_pattern.get(pattern) {
            return Arc::clone(kept);
        }
        self.known.insert(pattern);
        let pattern: Arc<str> = pattern.into();
        self.kept += 1;
        self.weight += compiled.weight;
        self.by_pattern
            .insert(Arc::clone(&pattern), Arc::clone(&compiled));
        self.hand.push_back(pattern);
        while self.weight > self.budget {
            let Some(pattern) = self.hand.pop_front() else {
                break;
            };
            let Some(kept) = self.by_pattern.get(&pattern) else {
                continue;
            };
            if kept.referenced.swap(false, Ordering::Relaxed) {
                self.hand.push_back(pattern);
            } else {
                self.weight -= kept.weight;
                self.by_pattern.remove(&pattern);
            }
        }
        compiled
    }
}

/// The patterns known to compile, by hash, their texts end to end in one string: generated
/// rules repeat the same variable patterns (`[0-9]+`) and `HostRegexp` templates, and two
/// routes with the same 80 000 `HeadersRegexp` pairs compiled them twice when parsed. (A set
/// of the texts took 600 bytes for each, with the heap pages each small text held among the
/// regexes compiled and freed to check the next ones.) A pattern whose hash another one has
/// is not noted: it is compiled again when checked again.
///
/// The set lives as long as the process, which may be a long-lived tool embedding the crate:
/// once its texts and slots would pass [`KNOWN_BUDGET`] bytes it forgets every pattern and
/// starts again (a forgotten pattern is compiled again when checked again).
#[derive(Debug)]
struct KnownPatterns {
    texts: String,
    by_hash: HashMap<u64, Range<usize>>,
    hasher: RandomState,
    budget: usize,
}

/// What [`KnownPatterns`] may hold, in bytes of pattern text plus [`KNOWN_SLOT`] per pattern:
/// the 80 000 `HostRegexp` templates of a 10 MB file take about 6 MB.
const KNOWN_BUDGET: usize = 16 << 20;

/// What one pattern's slot in [`KnownPatterns`] weighs beside its text (hash, range, and the
/// map's spare room), for its budget.
const KNOWN_SLOT: usize = 48;

impl Default for KnownPatterns {
    fn default() -> Self {
        KnownPatterns::with_budget(KNOWN_BUDGET)
    }
}

impl KnownPatterns {
    fn with_budget(budget: usize) -> Self {
        KnownPatterns {
            texts: String::new(),
            by_hash: HashMap::new(),
            hasher: RandomState::new(),
            budget,
        }
    }

    fn contains(&self, pattern: &str) -> bool {
        self.by_hash
            .get(&self.hasher.hash_one(pattern))
            .is_some_and(|at| self.texts.get(at.clone()) == Some(pattern))
    }

    /// The bytes the set holds, as its budget counts them.
    fn weight(&self) -> usize {
        self.texts.len() + self.by_hash.len() * KNOWN_SLOT
    }

    fn insert(&mut self, pattern: &str) {
        if self.weight() + pattern.len() + KNOWN_SLOT > self.budget {
            // Forget them all, and give the memory back.
            *self = KnownPatterns::with_budget(self.budget);
            if pattern.len() + KNOWN_SLOT > self.budget {
                return;
            }
        }
        let start = self.texts.len();
        if let Entry::Vacant(slot) = self.by_hash.entry(self.hasher.hash_one(pattern)) {
            self.texts.push_str(pattern);
            slot.insert(start..self.texts.len());
        }
    }
}

static COMPILED_REGEXES: LazyLock<Mutex<CompiledRegexes>> =
    LazyLock::new(|| Mutex::new(CompiledRegexes::new(COMPILED_BUDGET)));

/// The compiled regex of `pattern`, from the cache or compiled now (and kept there).
pub(crate) fn compiled(pattern: &str) -> Result<Arc<Compiled>, TemplateError> {
    compiled_in(&COMPILED_REGEXES, pattern)
}

fn compiled_in(
    cache: &Mutex<CompiledRegexes>,
    pattern: &str,
) -> Result<Arc<Compiled>, TemplateError> {
    if let Some(kept) = lock(cache).by_pattern.get(pattern) {
        kept.mark_used();
        return Ok(Arc::clone(kept));
    }
    // Compiled outside the lock; when another thread compiled it meanwhile, the first kept
    // is used.
    let regex = build_compiled(pattern)?;
    let compiled = Arc::new(Compiled {
        weight: regex.memory_usage() + UNCOUNTED_WEIGHT,
        regex,
        // It is about to be used: a full turn of the hand passes before it may be dropped.
        referenced: AtomicBool::new(true),
    });
    Ok(lock(cache).keep(pattern, compiled))
}

/// Checks that `pattern` compiles within the limits, with the errors `regex::Regex` gives
/// ([`crate::template::build_regex`]). A pattern compiled before, or found too big before, is
/// not compiled again ([`KnownPatterns`]). The regex is not kept: most templates are never
/// matched (a rule of 80 000 `Query` templates filled the cache for nothing).
pub(crate) fn check_regex(pattern: &str) -> Result<(), TemplateError> {
    {
        let cache = lock(&COMPILED_REGEXES);
        if cache.known.contains(pattern) {
            return Ok(());
        }
        if cache.too_big.contains(pattern) {
            return Err(TemplateError::TooBig);
        }
    }
    match build_compiled(pattern) {
        Ok(_) => lock(&COMPILED_REGEXES).known.insert(pattern),
        Err(TemplateError::TooBig) => {
            lock(&COMPILED_REGEXES).too_big.insert(pattern);
            return Err(TemplateError::TooBig);
        }
        Err(e) => return Err(e),
    }
    Ok(())
}

/// Compiles `pattern` as `regex::RegexBuilder` does with [`SIZE_LIMIT`] as its `size_limit`
/// and `dfa_size_limit` (the same engine, options and errors; one engine fewer), but as the
/// engine itself, which says what it weighs.
fn build_compiled(pattern: &str) -> Result<meta::Regex, TemplateError> {
    meta::Builder::new()
        .configure(
            meta::Config::new()
                .nfa_size_limit(Some(SIZE_LIMIT))
                .hybrid_cache_capacity(SIZE_LIMIT)
                .utf8_empty(true)
                // A one-pass DFA only speeds up captures (a strip modifier's), and is a third
                // of a case-insensitive `HostRegexp` template's 25 KB.
                .onepass(false),
        )
        .syntax(syntax::Config::new().utf8(true))
        .build(pattern)
        .map_err(|e| {
            if e.size_limit().is_some() {
                TemplateError::TooBig
            } else {
                let message = match e.syntax_error() {
                    Some(syntax) => syntax.to_string(),
                    None => e.to_string(),
                };
                TemplateError::Regex {
                    message: first_line(&message),
                }
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::build_regex;

    /// A fixed pattern skips the compilation that checks its size only when it certainly fits;
    /// a larger one is still refused past the limit.
    #[test]
    fn fixed_patterns_are_checked_unless_surely_small() {
        for worst in [
            format!("^{}$", ".".repeat(254)),
            format!("(?i)^{}$", "[^k]".repeat(62)),
            format!("^{}[^ab]?$", "[^\\n]".repeat(41)),
            format!("^{}.*$", "[^a-zA-Z0-9]".repeat(20)),
        ] {
            let fixed = FixedPattern::of(&worst).unwrap();
            assert!(surely_within_size_limit(&worst, &fixed), "{worst}");
            assert_eq!(build_regex(&worst).map(drop), Ok(()), "{worst}");
        }
        for big in [
            format!("^{}$", ".".repeat(2000)),
            format!("^{}$", r"\pL".repeat(30)),
            format!("^{}$", "a".repeat(40_000)),
        ] {
            let fixed = FixedPattern::of(&big).unwrap();
            assert!(!surely_within_size_limit(&big, &fixed), "{big}");
            assert_eq!(
                LazyRegex::new(big.clone()).unwrap_err(),
                TemplateError::TooBig,
                "{big}"
            );
        }
        // Within the bound but with a wide class: checked, and within the limit.
        let greek = format!("^{}$", r"\p{Greek}".repeat(20));
        let fixed = FixedPattern::of(&greek).unwrap();
        assert!(!surely_within_size_limit(&greek, &fixed));
        assert!(LazyRegex::new(greek).is_ok());
    }

    /// The engine compiled here is `regex::Regex`'s: the same answers and the same errors.
    #[test]
    fn compiled_regexes_answer_and_fail_as_the_regex_crate() {
        let patterns = [
            r"^/a/(?P<v0>[^/]+)[/]?$",
            r"(?i)^(?P<v0>[^.]+)\.example\.com$",
            r"^k=(?P<v0>.*)$",
            r"(a)|b",
            r"(?-u:\b)x",
            r"\bx\b",
            r"^$",
            "",
            "(",
            "a)",
            "[z-a]",
            r"\pL{1000}",
            r"(?i)\pL{40}",
            r"\p{Foo}",
            "(?P<n>a)(?P<n>b)",
            "a{2000000}",
        ]
        .map(str::to_owned)
        .into_iter()
        // The last `\pL` that fits in the limit, and the first that does not.
        .chain([24, 25].map(|n| format!("^{}$", r"\pL".repeat(n))));
        let texts = [
            "",
            "/a/b",
            "/a/b/",
            "/a/",
            "X.Example.com",
            "x.y.example.com",
            "k=",
            "k=v\n",
            "a",
            "b",
            "ax",
            "x",
            "é x",
        ];
        for p in patterns {
            let p = p.as_str();
            let ours = build_compiled(p);
            let theirs = build_regex(p);
            assert_eq!(
                ours.as_ref().map(drop).map_err(Clone::clone),
                theirs.as_ref().map(drop).map_err(Clone::clone),
                "{p:?}"
            );
            let (Ok(ours), Ok(theirs)) = (ours, theirs) else {
                continue;
            };
            let ours = Compiled {
                regex: ours,
                weight: 0,
                referenced: AtomicBool::new(false),
            };
            for t in texts {
                assert_eq!(ours.is_match(t), theirs.is_match(t), "{p:?} on {t:?}");
                let want = theirs.captures(t).map(|caps| {
                    caps.iter()
                        .skip(1)
                        .map(|m| m.map(|m| m.range()))
                        .collect::<Vec<_>>()
                });
                assert_eq!(ours.groups(t), want, "{p:?} on {t:?}");
            }
        }
    }

    /// Many more templates than the cache holds, asked in turn as the route comparisons ask
    /// them (each about its own value, again and again; then about other values): every
    /// answer is the regex's, the cache stays within its budget, and a template asked the same
    /// question again answers without compiling.
    #[test]
    fn a_cache_smaller_than_the_templates_keeps_its_budget_and_answers_right() {
        let templates: Vec<(String, LazyRegex)> = (0..300)
            .map(|i| {
                let pattern = format!("^k{i}=(?P<v0>[a-z]{{{}}}x{i})$", 1 + i % 3);
                (pattern.clone(), LazyRegex::new(pattern).unwrap())
            })
            .collect();
        let one = build_compiled(&templates[0].0).unwrap().memory_usage() + UNCOUNTED_WEIGHT;
        // Room for about 20 of them.
        let cache = Mutex::new(CompiledRegexes::new(20 * one));
        let texts = |i: usize| {
            [
                format!("k{i}=abx{i}"),
                format!("k{i}=ax{i}"),
                format!("k{i}=abcx{i}"),
                format!("k{i}=x{i}"),
                format!("k{}=ax{i}", i + 1),
                String::new(),
            ]
        };
        let mut kept_before = 0;
        for round in 0..4 {
            for (i, (pattern, t)) in templates.iter().enumerate() {
                let fresh = regex::Regex::new(pattern).unwrap();
                // Rounds 0 and 1 ask each template about two texts, rounds 2 and 3 about all.
                let asked = if round < 2 {
                    &texts(i)[..2]
                } else {
                    &texts(i)[..]
                };
                for text in asked {
                    assert_eq!(
                        t.is_match_in(&cache, text),
                        fresh.is_match(text),
                        "{pattern:?} on {text:?}"
                    );
                    let kept = lock(&cache);
                    assert!(kept.weight <= kept.budget);
                    assert_eq!(
                        kept.weight,
                        kept.by_pattern.values().map(|c| c.weight).sum::<usize>()
                    );
                    assert_eq!(kept.by_pattern.len(), kept.hand.len());
                }
            }
            let kept = lock(&cache);
            assert!(
                (15..=20).contains(&kept.by_pattern.len()),
                "{}",
                kept.by_pattern.len()
            );
            let compiled = kept.kept - kept_before;
            kept_before = kept.kept;
            match round {
                // The same questions again: each template remembered its answers.
                1 => assert_eq!(compiled, 0),
                // Each template compiled once for its questions in a row (the last ones kept
                // were dropped by the time their turn came again).
                _ => assert_eq!(compiled, 300),
            }
        }
        // The hand keeps the regexes in use: one template asked in between the others (about
        // three texts in turn, more than it remembers) stays.
        let hot = &templates[7].1;
        let hot_texts = ["k7=abx7", "k7=acx7", "k7=adx7"];
        for (i, (pattern, t)) in templates.iter().enumerate() {
            assert!(hot.is_match_in(&cache, hot_texts[i % 3]));
            let text = format!("k{i}=bcx{i}");
            let fresh = regex::Regex::new(pattern).unwrap();
            assert_eq!(t.is_match_in(&cache, &text), fresh.is_match(&text));
        }
        let Engine::Regex(slot) = &hot.engine else {
            panic!("not compiled")
        };
        assert!(lock(slot).compiled.upgrade().is_some());
    }

    /// A pattern found too big is not built again when checked again.
    #[test]
    fn a_pattern_too_big_is_remembered() {
        let big = r"(?:\pL{20}){20}x";
        assert_eq!(check_regex(big), Err(TemplateError::TooBig));
        assert!(lock(&COMPILED_REGEXES).too_big.contains(big));
        assert!(!lock(&COMPILED_REGEXES).known.contains(big));
        assert_eq!(check_regex(big), Err(TemplateError::TooBig));
        // A pattern that fits is not taken for one too big.
        assert_eq!(check_regex(r"(?:\pL{2}){2}x"), Ok(()));
    }

    /// A pattern is known only by its own text; one whose hash is taken by another text is
    /// not noted (so checked again), never taken for the other.
    #[test]
    fn known_patterns_are_exact() {
        let mut known = KnownPatterns::default();
        for p in ["^(?:[0-9]+)$", "abc", ""] {
            assert!(!known.contains(p));
            known.insert(p);
            assert!(known.contains(p));
        }
        known.insert("abc");
        assert_eq!(known.texts, "^(?:[0-9]+)$abc");
        for p in ["ab", "bc", "abcd", "$abc", "^(?:[0-9]+)"] {
            assert!(!known.contains(p), "{p:?}");
        }
        // `x` as if its hash were that of `abc`.
        let taken = known.hasher.hash_one("x");
        known.by_hash.insert(taken, 12..15);
        assert!(!known.contains("x"));
        known.insert("x");
        assert!(!known.contains("x"));
        assert!(known.contains("abc"));
    }

    /// The set stays within its budget: past it, it forgets what it knew and notes the new
    /// pattern; a pattern larger than the whole budget is not noted.
    #[test]
    fn known_patterns_stay_within_their_budget() {
        let budget = 4 * (KNOWN_SLOT + 10);
        let mut known = KnownPatterns::with_budget(budget);
        let patterns: Vec<String> = (0..10).map(|i| format!("pattern-{i:02}")).collect();
        for (i, p) in patterns.iter().enumerate() {
            known.insert(p);
            assert!(known.weight() <= budget, "{i}: {}", known.weight());
            assert!(known.contains(p), "{i}");
        }
        // Four fit: the fifth started again, the ninth again.
        assert!(known.contains(&patterns[8]) && known.contains(&patterns[9]));
        assert!(!known.contains(&patterns[7]) && !known.contains(&patterns[0]));
        assert_eq!(known.by_hash.len(), 2);
        let huge = "x".repeat(budget);
        known.insert(&huge);
        assert!(!known.contains(&huge));
        assert!(known.weight() <= budget);
        // At the limit exactly, a pattern is still noted.
        let mut known = KnownPatterns::with_budget(KNOWN_SLOT + 3);
        known.insert("abc");
        assert!(known.contains("abc"));
        known.insert("d");
        assert!(known.contains("d") && !known.contains("abc"));
    }

    /// Threads sharing templates and a small cache (as the rules do on a large project) get
    /// the regex's answers, and the cache stays within its budget.
    #[test]
    fn threads_share_the_cache() {
        let templates: Vec<(regex::Regex, LazyRegex)> = (0..120)
            .map(|i| {
                let pattern = format!("^/p{i}/(?P<v0>[0-9]+)[/]?$");
                (
                    regex::Regex::new(&pattern).unwrap(),
                    LazyRegex::new(pattern).unwrap(),
                )
            })
            .collect();
        let one = build_compiled(templates[0].0.as_str())
            .unwrap()
            .memory_usage()
            + UNCOUNTED_WEIGHT;
        let cache = Mutex::new(CompiledRegexes::new(10 * one));
        std::thread::scope(|scope| {
            for thread in 0..4 {
                let (templates, cache) = (&templates, &cache);
                scope.spawn(move || {
                    for round in 0..20 {
                        for (i, (fresh, t)) in templates.iter().enumerate() {
                            let text = format!("/p{i}/{}", round * thread + i % 7);
                            for text in [text.clone(), format!("{text}/"), format!("{text}x")] {
                                assert_eq!(t.is_match_in(cache, &text), fresh.is_match(&text));
                            }
                            let kept = lock(cache);
                            assert!(kept.weight <= kept.budget);
                        }
                    }
                });
            }
        });
    }
}
