//! Dockerfiles: instructions with their spans, build stages, and the user the final image runs
//! as.
//!
//! The parser follows the Dockerfile reference: parser directives at the top (`# escape=`` ` ``),
//! comments, line continuations (the escape character at the end of a line; comment and empty
//! lines inside a continued instruction are dropped; the lines are joined before the keyword is
//! read, so `US\` then `ER root` is `USER root`), here-documents (`RUN <<EOF`), instruction
//! keywords in any case. It never fails: what it cannot read is kept as written.
//!
//! ```
//! use factory_compose::dockerfile::{self, RunAs};
//!
//! let text = "FROM bearstech/python:3\nARG uid=1001\n\
//!             RUN useradd factory_hello --uid ${uid} --shell /bin/bash\n\
//!             USER factory_hello\n";
//! let df = dockerfile::parse(text);
//! let user = df.final_user();
//! assert_eq!(user.run_as, RunAs::Named { name: "factory_hello".into(), uid: Some(1001) });
//! assert_eq!(user.uid(), Some(1001));
//! ```

use std::cell::Cell;
use std::collections::BTreeMap;
use std::ops::Range;

mod exposed_ports;

pub use exposed_ports::{EXPOSED_BUDGET, ImageExposes, expose_port, expose_ports};

/// One instruction (`FROM`, `RUN`, `USER` …), possibly over several lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instruction {
    /// The keyword, upper-cased (`USER`).
    pub keyword: String,
    /// The arguments: the text after the keyword with continuations joined (the escape character
    /// and the line break removed, comment lines inside dropped), trimmed; here-documents follow
    /// after a line break.
    pub args: String,
    /// From the keyword to the end of the instruction's last line (trailing spaces excluded).
    pub span: Range<usize>,
    /// The keyword as written (over several lines when a continuation splits it: `US\`, `ER`).
    pub keyword_span: Range<usize>,
    /// The first line of the instruction (keyword to end of line, trailing spaces excluded).
    pub first_line: Range<usize>,
}

/// A build stage: a `FROM` and the instructions up to the next one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stage {
    /// Index of the `FROM` instruction in [`Dockerfile::instructions`].
    pub from: usize,
    /// The base image or stage as written after `FROM` (flags removed), build arguments
    /// substituted where their defaults are known.
    pub base: String,
    /// The stage name (`FROM x AS name`), lower-cased as BuildKit compares them.
    pub name: Option<String>,
    /// The earlier stage this one is built on (`FROM build`), by index in [`Dockerfile::stages`].
    pub parent: Option<usize>,
    /// Indices of the stage's instructions after its `FROM`.
    pub body: Range<usize>,
}

/// Who a stage runs as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunAs {
    /// `root`, uid `0`, or no `USER` at all (Docker's default).
    Root,
    /// A numeric uid (`USER 1001`, `USER ${uid}` with `ARG uid=1001`).
    Uid(u32),
    /// A user name, with the uid a `useradd`/`adduser` of the Dockerfile gives it, if any.
    Named {
        /// The name.
        name: String,
        /// The uid from `--uid N` / `-u N`, when the Dockerfile creates the user with one.
        uid: Option<u32>,
    },
    /// The `USER` value uses a variable whose value is not known (`USER $APP_USER`).
    Unresolved(String),
}

/// The user of the final stage and the instructions that decide it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FinalUser {
    /// Who the image runs as.
    pub run_as: RunAs,
    /// The `USER` instruction that sets it (`None`: no `USER`, Docker's default root — or the
    /// base image's own user, which factory cannot see).
    pub user_instruction: Option<usize>,
    /// The `FROM` instruction of the final stage (`None` for a Dockerfile without `FROM`).
    pub final_from: Option<usize>,
    /// The `useradd`/`adduser` `RUN` instruction that gives a named user its uid.
    pub uid_instruction: Option<usize>,
    /// Whether the user was inherited from an earlier stage (`FROM build`).
    pub inherited: bool,
    /// The first instruction (of the `ARG`s before the first `FROM`, the `FROM` lines, and the
    /// final stage and the stages it is built on) whose value grew past the 1 MiB that
    /// substitution allows: its value is unknown, as an unset variable's is.
    pub over_budget: Option<usize>,
}

impl FinalUser {
    /// The numeric uid, when known (`0` for root).
    #[must_use]
    pub fn uid(&self) -> Option<u32> {
        match &self.run_as {
            RunAs::Root => Some(0),
            RunAs::Uid(u) => Some(*u),
            RunAs::Named { uid, .. } => *uid,
            RunAs::Unresolved(_) => None,
        }
    }

    /// Whether the image runs as root.
    #[must_use]
    pub fn is_root(&self) -> bool {
        self.run_as == RunAs::Root
    }
}

/// A parsed Dockerfile.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Dockerfile {
    /// Every instruction in file order.
    pub instructions: Vec<Instruction>,
    /// The build stages in file order.
    pub stages: Vec<Stage>,
    /// `ARG`s before the first `FROM` with their defaults.
    pub global_args: Vec<(String, Option<String>)>,
    /// The escape character (`\` unless `# escape=` says otherwise).
    pub escape: char,
    /// The first `ARG` before the first `FROM`, or `FROM`, whose substituted value grew past
    /// the 1 MiB allowed: its value is unknown, as an unset variable's is.
    pub over_budget: Option<usize>,
    /// Stage name (lower-cased) → index of the last stage of that name.
    stage_names: BTreeMap<String, usize>,
    /// What each stage's image exposes ([`Dockerfile::image_exposes`]), worked out once: a
    /// walk of the whole chain for each service built from a stage of a long chain was
    /// quadratic.
    exposed: exposed_ports::ExposedPorts,
    /// For each stage, the first stage of its chain ([`Dockerfile::chain_root`]), worked out
    /// once for the same reason.
    roots: Vec<usize>,
}

/// Parse a Dockerfile. Never fails; spans are byte ranges of `text`.
#[must_use]
pub fn parse(text: &str) -> Dockerfile {
    let mut exposed_left = EXPOSED_BUDGET;
    parse_sharing(text, &mut exposed_left)
}

/// [`parse`] for one of several Dockerfiles of a project, which share one budget of `EXPOSE`
/// ports ([`EXPOSED_BUDGET`]): `exposed_left` is what the files parsed before left of it, and
/// what this one leaves.
#[must_use]
pub fn parse_sharing(text: &str, exposed_left: &mut usize) -> Dockerfile {
    let escape = escape_directive(text);
    let instructions = scan(text, escape);
    let mut df = Dockerfile {
        instructions,
        stages: Vec::new(),
        global_args: Vec::new(),
        escape,
        over_budget: None,
        stage_names: BTreeMap::new(),
        exposed: exposed_ports::ExposedPorts::default(),
        roots: Vec::new(),
    };
    df.build_stages();
    // Parents come first in the file: each stage's parent is worked out before it.
    for i in 0..df.stages.len() {
        let parent = df.parent(i);
        let root = parent.and_then(|p| df.roots.get(p).copied()).unwrap_or(i);
        df.roots.push(root);
    }
    df.exposed = exposed_ports::ExposedPorts::new(&df, exposed_left);
    df
}

/// The `# escape=X` parser directive, if the file starts with one (directives must come before
/// any comment, empty line or instruction).
fn escape_directive(text: &str) -> char {
    for line in text.lines() {
        let Some(rest) = line.trim().strip_prefix('#') else {
            return '\\';
        };
        let Some((name, value)) = rest.split_once('=') else {
            return '\\';
        };
        let name = name.trim().to_ascii_lowercase();
        // An unknown directive is a comment, and directives end at the first comment: BuildKit
        // knows `syntax`, `escape` and `check`, each with a value (`# syntax=` is a comment).
        if !matches!(name.as_str(), "syntax" | "escape" | "check") || value.trim().is_empty() {
            return '\\';
        }
        if name == "escape" {
            return match value.trim() {
                "`" => '`',
                _ => '\\',
            };
        }
    }
    '\\'
}

/// Lines of `text` as (start, end-without-newline-and-CR).
fn lines(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < text.len() {
        let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
        let content_end = if text[pos..end].ends_with('\r') {
            end - 1
        } else {
            end
        };
        out.push((pos, content_end));
        pos = end + 1;
    }
    out
}

fn scan(text: &str, escape: char) -> Vec<Instruction> {
    let lines = lines(text);
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(&(start, end)) = lines.get(i) {
        i += 1;
        let line = &text[start..end];
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let line_start = start + (line.len() - trimmed.len());
        let first_line = line_start..line_start + trimmed.trim_end().len();
        // The logical line: Docker joins the continued lines before it reads the keyword, so
        // `US\` then `ER root` is `USER root`. Each piece joined is kept with where it starts
        // in the text, to find the keyword's end there.
        let mut joined = String::new();
        let mut pieces: Vec<(usize, usize)> = Vec::new();
        let mut last_end = first_line.end;
        let mut piece = (line_start, end);
        loop {
            let t = text[piece.0..piece.1].trim_end();
            pieces.push((joined.len(), piece.0));
            match t.strip_suffix(escape) {
                Some(cont) => {
                    joined.push_str(cont);
                    // Continue with the next line that is not a comment or empty.
                    let mut next = None;
                    while let Some(&(s, e)) = lines.get(i) {
                        i += 1;
                        let l = text[s..e].trim_start();
                        if l.is_empty() || l.starts_with('#') {
                            continue;
                        }
                        next = Some((s, e));
                        break;
                    }
                    match next {
                        Some((s, e)) => {
                            piece = (s, e);
                            last_end = s + text[s..e].trim_end().len();
                        }
                        None => break,
                    }
                }
                None => {
                    joined.push_str(t);
                    break;
                }
            }
        }
        // The keyword: the first word of the logical line (a line of only an escape character
        // may put it on the next line).
        let kw_at = joined.len() - joined.trim_start().len();
        let kw_len = joined[kw_at..]
            .find(char::is_whitespace)
            .unwrap_or(joined.len() - kw_at);
        if kw_len == 0 {
            continue;
        }
        let keyword = joined[kw_at..kw_at + kw_len].to_ascii_uppercase();
        let in_text = |at: usize, after: bool| {
            // The piece that holds logical offset `at` (its end when `after`: a keyword ends
            // where its last piece does, not at the start of the next line).
            let k = pieces.partition_point(|&(j, _)| if after { j < at } else { j <= at });
            let (j, s) = pieces
                .get(k.saturating_sub(1))
                .copied()
                .unwrap_or((0, line_start));
            s + (at - j)
        };
        let keyword_span = in_text(kw_at, false)..in_text(kw_at + kw_len, true);
        let mut args = joined[kw_at + kw_len..].to_owned();
        // Here-documents: `<<EOF`, `<<-EOF`, `<<"EOF"`.
        if matches!(keyword.as_str(), "RUN" | "COPY" | "ADD") {
            for (word, strip_tabs) in heredoc_words(&args) {
                let mut body = String::new();
                while let Some(&(s, e)) = lines.get(i) {
                    i += 1;
                    let l = &text[s..e];
                    let cmp = if strip_tabs {
                        l.trim_start_matches('\t')
                    } else {
                        l
                    };
                    last_end = s + l.trim_end().len();
                    if cmp == word {
                        break;
                    }
                    body.push('\n');
                    body.push_str(l);
                }
                args.push_str(&body);
            }
        }
        let last_end = last_end.max(keyword_span.end);
        out.push(Instruction {
            keyword,
            args: args.trim().to_owned(),
            span: line_start..last_end,
            keyword_span,
            first_line,
        });
    }
    out
}

/// The delimiters of the here-documents an instruction opens, in order.
fn heredoc_words(args: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let mut rest = args;
    while let Some(at) = rest.find("<<") {
        let mut after = &rest[at + 2..];
        let strip_tabs = after.starts_with('-');
        if strip_tabs {
            after = &after[1..];
        }
        let quote = after.chars().next().filter(|c| *c == '"' || *c == '\'');
        if let Some(q) = quote {
            after = &after[1..];
            if let Some(close) = after.find(q) {
                let word = &after[..close];
                if !word.is_empty() {
                    out.push((word.to_owned(), strip_tabs));
                }
                rest = &after[close + 1..];
                continue;
            }
            break;
        }
        let len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        if len > 0 {
            out.push((after[..len].to_owned(), strip_tabs));
        }
        rest = &after[len..];
    }
    out
}

/// Variables in scope while walking a stage.
#[derive(Debug, Clone, Default)]
struct Scope {
    /// `ENV` values (inherited by child stages) and `ARG` values (this stage only).
    env: BTreeMap<String, Option<String>>,
    args: BTreeMap<String, Option<String>>,
}

impl Scope {
    fn get(&self, name: &str) -> Option<&str> {
        self.args
            .get(name)
            .or_else(|| self.env.get(name))
            .and_then(|v| v.as_deref())
    }

    /// `text` with the scope's variables substituted (`None` when one is not known); a cut
    /// ([`substitute_keeping`]) is recorded at instruction `idx` in `over_budget`, if none was.
    fn substitute(
        &self,
        text: &str,
        escape: char,
        budget: &Cell<usize>,
        over_budget: &mut Option<usize>,
        idx: usize,
    ) -> Option<String> {
        let (value, cut) =
            substitute_keeping(text, &|n| self.get(n).map(str::to_owned), escape, budget).value();
        if cut {
            over_budget.get_or_insert(idx);
        }
        value
    }
}

/// What a stage leaves to stages built on it.
#[derive(Debug, Clone, Default)]
struct StageEnd {
    env: BTreeMap<String, Option<String>>,
    user: Option<(String, usize)>,
    /// User name → (uid, the RUN instruction).
    users: BTreeMap<String, (Option<u32>, usize)>,
    /// The first instruction of the stage chain whose substitution was cut.
    over_budget: Option<usize>,
}

impl StageEnd {
    /// A copy for one more stage built on this one, its bytes paid from `budget`; past it, the
    /// user alone (the variables and created users unknown), cut at `cut`: the `FROM` of the
    /// first stage whose copy the budget could not pay (`from`, this one's, when none was), so
    /// that one FC004 says so for them all.
    fn copy_within(
        &self,
        budget: &Cell<usize>,
        cut: &Cell<Option<usize>>,
        from: usize,
    ) -> StageEnd {
        let size: usize = self
            .env
            .iter()
            .map(|(k, v)| k.len() + v.as_ref().map_or(0, String::len) + 32)
            .chain(self.users.keys().map(|k| k.len() + 32))
            .sum();
        match budget.get().checked_sub(size) {
            Some(left) => {
                budget.set(left);
                self.clone()
            }
            None => {
                let at = cut.get().unwrap_or(from);
                cut.set(Some(at));
                StageEnd {
                    env: BTreeMap::new(),
                    user: self.user.clone(),
                    users: BTreeMap::new(),
                    over_budget: Some(self.over_budget.map_or(at, |o| o.min(at))),
                }
            }
        }
    }
}

impl Dockerfile {
    fn build_stages(&mut self) {
        let mut global = Scope::default();
        let budget = Cell::new(self.substitution_budget());
        let mut over_budget = None;
        let mut current: Option<Stage> = None;
        let mut names: BTreeMap<String, usize> = BTreeMap::new();
        for (idx, ins) in self.instructions.iter().enumerate() {
            match ins.keyword.as_str() {
                "FROM" => {
                    if let Some(mut stage) = current.take() {
                        stage.body = stage.from + 1..idx;
                        if let Some(name) = &stage.name {
                            names.insert(name.clone(), self.stages.len());
                        }
                        self.stages.push(stage);
                    }
                    let words: Vec<&str> = ins
                        .args
                        .split_whitespace()
                        .filter(|w| !w.starts_with("--"))
                        .collect();
                    let image = words.first().copied().unwrap_or("");
                    let base = global
                        .substitute(image, self.escape, &budget, &mut over_budget, idx)
                        .unwrap_or_else(|| image.to_owned());
                    let name = match words.as_slice() {
                        [_, kw, name, ..] if kw.eq_ignore_ascii_case("as") => {
                            Some(name.to_ascii_lowercase())
                        }
                        _ => None,
                    };
                    let lower = base.to_ascii_lowercase();
                    let parent = names.get(&lower).copied().or_else(|| {
                        // `FROM 0`: a stage by index.
                        lower
                            .parse::<usize>()
                            .ok()
                            .filter(|n| *n < self.stages.len())
                    });
                    current = Some(Stage {
                        from: idx,
                        base,
                        name,
                        parent,
                        body: idx + 1..idx + 1,
                    });
                }
                "ARG" if current.is_none() => {
                    for (name, value) in parse_arg(&ins.args) {
                        let value = value.map(|v| {
                            global
                                .substitute(&v, self.escape, &budget, &mut over_budget, idx)
                                .unwrap_or(v)
                        });
                        global.args.insert(name.clone(), value.clone());
                        self.global_args.push((name, value));
                    }
                }
                _ => {}
            }
        }
        if let Some(mut stage) = current.take() {
            stage.body = stage.from + 1..self.instructions.len();
            if let Some(name) = &stage.name {
                names.insert(name.clone(), self.stages.len());
            }
            self.stages.push(stage);
        }
        self.over_budget = over_budget;
        self.stage_names = names;
    }

    /// Walk one stage from what the stage it is built on left (`end`).
    fn walk_stage(
        &self,
        index: usize,
        mut end: StageEnd,
        globals: &BTreeMap<&str, Option<&str>>,
        budget: &Cell<usize>,
    ) -> StageEnd {
        let Some(stage) = self.stages.get(index) else {
            return end;
        };
        let mut scope = Scope {
            env: std::mem::take(&mut end.env),
            args: BTreeMap::new(),
        };
        for idx in stage.body.clone() {
            let Some(ins) = self.instructions.get(idx) else {
                continue;
            };
            let mut substitute =
                |text: &str| scope.substitute(text, self.escape, budget, &mut end.over_budget, idx);
            match ins.keyword.as_str() {
                "ARG" => {
                    let values: Vec<_> = parse_arg(&ins.args)
                        .into_iter()
                        .map(|(name, value)| {
                            let value = match value {
                                Some(v) => Some(substitute(&v).unwrap_or(v)),
                                None => globals
                                    .get(name.as_str())
                                    .copied()
                                    .flatten()
                                    .map(str::to_owned),
                            };
                            (name, value)
                        })
                        .collect();
                    scope.args.extend(values);
                }
                "ENV" => {
                    let values: Vec<_> = parse_env(&ins.args)
                        .into_iter()
                        .map(|(name, value)| (name, substitute(&value)))
                        .collect();
                    scope.env.extend(values);
                }
                "USER" => {
                    let raw = ins.args.trim().to_owned();
                    let value = substitute(&raw).unwrap_or(raw);
                    end.user = Some((value, idx));
                }
                "RUN" => {
                    // Unknown variables are kept as written (`useradd $NAME` still names one).
                    let lookup = |n: &str| scope.get(n).map(str::to_owned);
                    let done = substitute_keeping(&ins.args, &lookup, self.escape, budget);
                    if done.cut {
                        end.over_budget.get_or_insert(idx);
                    }
                    for (name, uid) in created_users(&done.text) {
                        end.users.insert(name, (uid, idx));
                    }
                }
                _ => {}
            }
        }
        end.env = scope.env;
        end
    }

    /// How many bytes substituted values may add in all, in one pass over the file (the `ARG`s
    /// before the first `FROM`, or the final stage and the stages it is built on): 16 per byte
    /// of the instructions, at least 4 MiB. A value doubled line after line stops at
    /// 1 MiB; this stops a large value copied into thousands of lines (`ENV
    /// X1=${BIG}`, `ENV X2=${BIG}` …), each under that limit, which held gigabytes.
    #[must_use]
    pub fn substitution_budget(&self) -> usize {
        let written: usize = self.instructions.iter().map(|i| i.args.len()).sum();
        written.saturating_mul(16).max(4 << 20)
    }

    /// The user the final stage runs as.
    #[must_use]
    pub fn final_user(&self) -> FinalUser {
        match self.stages.len().checked_sub(1) {
            Some(last) => self.stage_user(last),
            None => FinalUser {
                run_as: RunAs::Root,
                user_instruction: None,
                final_from: None,
                uid_instruction: None,
                inherited: false,
                over_budget: self.over_budget,
            },
        }
    }

    /// The index of the stage called `name` (`FROM x AS name`), compared case-insensitively as
    /// BuildKit compares a `docker build --target` with the stage names; the last of two
    /// stages of the same name (its map of states by name keeps the latest: a name used twice
    /// is only a build check's warning). A `FROM name` reads the latest stage of that name
    /// before it, as the stages are read in order.
    #[must_use]
    pub fn stage_named(&self, name: &str) -> Option<usize> {
        self.stage_names.get(&name.to_ascii_lowercase()).copied()
    }

    /// The user stage `last` runs as: the user of the image `docker build --target` builds
    /// when it names that stage ([`Dockerfile::final_user`] for the final stage). In the
    /// [`FinalUser`] returned, the "final stage" is stage `last`; an index past the stages is
    /// read as the final stage.
    #[must_use]
    pub fn stage_user(&self, last: usize) -> FinalUser {
        self.stage_users(&[last])
            .pop()
            .unwrap_or_else(|| self.final_user())
    }

    /// [`Dockerfile::stage_user`] of each of `wanted`, in one pass: each stage of their chains
    /// is walked once, in file order (a walk per stage wanted took the product of the targets
    /// and the chain's length), from what the stage it is built on left, moved to the last
    /// stage built on it and copied for the others. A stage's user is read as soon as the stage
    /// is walked (keeping what each wanted stage left, variables and all, held the square of a
    /// chain of stages each wanted). The copies are paid from the substitution budget, by the
    /// bytes they hold: past it, a stage starts from its parent's user alone, its variables
    /// and created users unknown, and says where (FC004), so that a stage with thousands of
    /// variables and thousands of stages built on it stays linear.
    #[must_use]
    pub fn stage_users(&self, wanted: &[usize]) -> Vec<FinalUser> {
        let Some(last) = self.stages.len().checked_sub(1) else {
            return wanted.iter().map(|_| self.final_user()).collect();
        };
        let wanted: Vec<usize> = wanted.iter().map(|w| (*w).min(last)).collect();
        // The stages to walk, the ones wanted, and how many stages walked are built on each.
        let mut needed = vec![false; self.stages.len()];
        let mut is_wanted = vec![false; self.stages.len()];
        let mut children = vec![0_usize; self.stages.len()];
        for &w in &wanted {
            if let Some(x) = is_wanted.get_mut(w) {
                *x = true;
            }
            let mut at = w;
            while needed.get(at) == Some(&false) {
                if let Some(n) = needed.get_mut(at) {
                    *n = true;
                }
                let Some(p) = self.parent(at) else { break };
                if let Some(c) = children.get_mut(p) {
                    *c += 1;
                }
                at = p;
            }
        }
        let globals: BTreeMap<&str, Option<&str>> = self
            .global_args
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_deref()))
            .collect();
        let budget = Cell::new(self.substitution_budget());
        let cut = Cell::new(None);
        let mut ends: Vec<Option<StageEnd>> = vec![None; self.stages.len()];
        let mut users: Vec<Option<FinalUser>> = vec![None; self.stages.len()];
        for i in 0..self.stages.len() {
            if needed.get(i) != Some(&true) {
                continue;
            }
            let start = match self.parent(i) {
                None => StageEnd::default(),
                Some(p) => {
                    let left = children.get_mut(p).map_or(0, |c| {
                        *c = c.saturating_sub(1);
                        *c
                    });
                    let slot = ends.get_mut(p);
                    match slot {
                        Some(slot) if left == 0 => slot.take().unwrap_or_default(),
                        Some(Some(end)) => {
                            let from = self.stages.get(i).map_or(0, |s| s.from);
                            end.copy_within(&budget, &cut, from)
                        }
                        _ => StageEnd::default(),
                    }
                }
            };
            let end = self.walk_stage(i, start, &globals, &budget);
            if is_wanted.get(i) == Some(&true)
                && let Some(slot) = users.get_mut(i)
            {
                *slot = Some(self.user_at(i, &end));
            }
            if children.get(i).is_some_and(|c| *c > 0)
                && let Some(slot) = ends.get_mut(i)
            {
                *slot = Some(end);
            }
        }
        wanted
            .iter()
            .map(|&w| {
                users
                    .get(w)
                    .cloned()
                    .flatten()
                    .unwrap_or_else(|| self.user_at(w, &StageEnd::default()))
            })
            .collect()
    }

    /// The user of stage `last` from what its walk left.
    fn user_at(&self, last: usize, end: &StageEnd) -> FinalUser {
        let final_from = self.stages.get(last).map(|s| s.from);
        let over_budget = self.over_budget.into_iter().chain(end.over_budget).min();
        let Some((value, at)) = end.user.clone() else {
            return FinalUser {
                run_as: RunAs::Root,
                user_instruction: None,
                final_from,
                uid_instruction: None,
                inherited: false,
                over_budget,
            };
        };
        let inherited = self.stages.get(last).is_some_and(|s| !s.body.contains(&at));
        let user = value.split(':').next().unwrap_or("").trim();
        let (run_as, uid_instruction) = if user.contains('$') {
            (RunAs::Unresolved(value.clone()), None)
        } else if user == "root" || user.parse::<u32>() == Ok(0) {
            (RunAs::Root, None)
        } else if let Ok(uid) = user.parse::<u32>() {
            (RunAs::Uid(uid), None)
        } else {
            let found = end.users.get(user);
            (
                RunAs::Named {
                    name: user.to_owned(),
                    uid: found.and_then(|(u, _)| *u),
                },
                found.map(|(_, i)| *i),
            )
        };
        FinalUser {
            run_as,
            user_instruction: Some(at),
            final_from,
            uid_instruction,
            inherited,
            over_budget,
        }
    }

    /// Every `VOLUME` instruction with the paths it declares.
    pub fn volumes(&self) -> impl Iterator<Item = (&Instruction, Vec<String>)> {
        self.instructions
            .iter()
            .filter(|i| i.keyword == "VOLUME")
            .map(|i| (i, volume_paths(&i.args)))
    }

    /// What the image built from stage `index` exposes: the `EXPOSE` words of the stage and of
    /// the stages it is built on ([`Dockerfile::stage_chain`]); `None` past the stages.
    #[must_use]
    pub fn image_exposes(&self, index: usize) -> Option<&ImageExposes> {
        self.exposed.of(index)
    }

    /// The `EXPOSE` instruction (its index) from which ports of ranges were left out, past
    /// [`EXPOSED_BUDGET`] ports in all; `None` when every port was read.
    #[must_use]
    pub fn exposed_cut(&self) -> Option<usize> {
        self.exposed.cut()
    }

    /// Whether the image built from stage `index` exposes `port` ([`expose_ports`] of a word
    /// of an `EXPOSE` of the stage or of a stage it is built on).
    #[must_use]
    pub fn image_exposes_port(&self, index: usize, port: u16) -> bool {
        self.exposed.exposes(index, port)
    }

    /// The earlier stage stage `index` is built on (`FROM build`), if any.
    fn parent(&self, index: usize) -> Option<usize> {
        self.stages
            .get(index)
            .and_then(|s| s.parent)
            .filter(|p| *p < index)
    }

    /// The first stage of stage `index`'s chain ([`Dockerfile::stage_chain`]'s last), the one
    /// built from an image; `None` past the stages.
    #[must_use]
    pub fn chain_root(&self, index: usize) -> Option<usize> {
        self.roots.get(index).copied()
    }

    /// The stage with the given index, and the chain of stages it is built on (nearest first).
    #[must_use]
    pub fn stage_chain(&self, index: usize) -> Vec<usize> {
        let mut out = Vec::new();
        let mut at = Some(index);
        while let Some(i) = at {
            // Parents come first in the file (`p < i`): the chain ends, and has no repeats.
            if i >= self.stages.len() {
                break;
            }
            out.push(i);
            at = self.parent(i);
        }
        out
    }

    /// The words of every `EXPOSE` of stage `index`'s chain ([`Dockerfile::stage_chain`]),
    /// nearest stage first: what [`Dockerfile::image_exposes`] answers from, walked anew at
    /// each call (for checking those answers).
    #[must_use]
    pub fn chain_expose_words(&self, index: usize) -> Vec<&str> {
        self.stage_chain(index)
            .into_iter()
            .filter_map(|i| self.stages.get(i))
            .flat_map(|stage| stage.body.clone())
            .filter_map(|k| self.instructions.get(k))
            .filter(|ins| ins.keyword == "EXPOSE")
            .flat_map(|ins| ins.args.split_whitespace())
            .collect()
    }
}

/// The paths of a `VOLUME` instruction: a JSON array, or words.
#[must_use]
pub fn volume_paths(args: &str) -> Vec<String> {
    if args.trim_start().starts_with('[')
        && let Ok(list) = serde_json::from_str::<Vec<String>>(args)
    {
        return list;
    }
    args.split_whitespace().map(str::to_owned).collect()
}

/// `ARG a=1 b` → `[(a, Some(1)), (b, None)]`.
fn parse_arg(args: &str) -> Vec<(String, Option<String>)> {
    split_words(args)
        .into_iter()
        .map(|w| match w.split_once('=') {
            Some((n, v)) => (n.to_owned(), Some(v.to_owned())),
            None => (w, None),
        })
        .filter(|(n, _)| !n.is_empty())
        .collect()
}

/// `ENV a=1 b="x y"` or the old `ENV a value with spaces`.
fn parse_env(args: &str) -> Vec<(String, String)> {
    let first = args.split_whitespace().next().unwrap_or("");
    if !first.contains('=') {
        let value = args.get(first.len()..).unwrap_or("").trim();
        if first.is_empty() {
            return Vec::new();
        }
        return vec![(first.to_owned(), value.to_owned())];
    }
    split_words(args)
        .into_iter()
        .filter_map(|w| w.split_once('=').map(|(n, v)| (n.to_owned(), v.to_owned())))
        .filter(|(n, _)| !n.is_empty())
        .collect()
}

/// Shell-like words (quotes removed); falls back to whitespace splitting on unbalanced quotes.
fn split_words(text: &str) -> Vec<String> {
    shell_words::split(text)
        .unwrap_or_else(|_| text.split_whitespace().map(str::to_owned).collect())
}

/// What [`substitute_keeping`] made of a text.
struct Substituted {
    /// The text, references to unknown variables kept as written (empty when cut).
    text: String,
    /// Whether every reference was known (and the text not cut).
    known: bool,
    /// Whether the text grew past [`MAX_SUBSTITUTED`] and was dropped.
    cut: bool,
}

impl Substituted {
    /// The text when every reference was known (`None` when a variable without a default is
    /// not known), and whether it was cut.
    fn value(self) -> (Option<String>, bool) {
        (self.known.then_some(self.text), self.cut)
    }
}

/// The longest a substituted value may grow: `ARG A1=${A0}${A0}`, `ARG A2=${A1}${A1}` … doubles
/// at each line, and sixty lines would need an exabyte. A longer value is unknown (as an unset
/// variable is), which the `USER` checks already handle.
pub(crate) const MAX_SUBSTITUTED: usize = 1 << 20;

/// Substitute `$name`, `${name}`, `${name:-default}`, `${name-default}`, `${name:+alt}`,
/// `${name+alt}`, keeping a reference to an unknown variable as written. Past
/// [`MAX_SUBSTITUTED`] bytes, or past what is left of `budget` (the pass's total, see
/// [`Dockerfile::substitution_budget`]), the result is empty, unknown and cut.
fn substitute_keeping(
    text: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
    escape: char,
    budget: &Cell<usize>,
) -> Substituted {
    // A value substituted takes its length from the pass's budget.
    let fits = |out: &String, v: &str| {
        let left = budget.get();
        let fits = out.len() + v.len() <= MAX_SUBSTITUTED && v.len() <= left;
        if fits {
            budget.set(left - v.len());
        }
        fits
    };
    let cut = || Substituted {
        text: String::new(),
        known: false,
        cut: true,
    };
    let mut out = String::with_capacity(text.len());
    let mut chars = text.char_indices().peekable();
    let mut ok = true;
    while let Some((i, c)) = chars.next() {
        if c == escape && text[i + c.len_utf8()..].starts_with('$') {
            out.push('$');
            chars.next();
            continue;
        }
        if c != '$' {
            out.push(c);
            continue;
        }
        let rest = &text[i + 1..];
        if let Some(body) = rest.strip_prefix('{') {
            let Some(close) = body.find('}') else {
                out.push_str(&text[i..]);
                break;
            };
            let inner = &body[..close];
            let name_len = inner
                .find(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_'))
                .unwrap_or(inner.len());
            let (name, op) = inner.split_at(name_len);
            let value = lookup(name);
            let set_nonempty = value.as_deref().is_some_and(|v| !v.is_empty());
            let replaced = match op {
                "" => value,
                _ if op.starts_with(":-") => {
                    if set_nonempty {
                        value
                    } else {
                        Some(op[2..].to_owned())
                    }
                }
                _ if op.starts_with('-') => value.or_else(|| Some(op[1..].to_owned())),
                _ if op.starts_with(":+") => Some(if set_nonempty {
                    op[2..].to_owned()
                } else {
                    String::new()
                }),
                _ if op.starts_with('+') => Some(if value.is_some() {
                    op[1..].to_owned()
                } else {
                    String::new()
                }),
                _ => None,
            };
            let skip = 1 + 1 + close + 1; // `$`, `{`, inner, `}`
            let stop = i + skip;
            match replaced {
                Some(v) if !fits(&out, &v) => return cut(),
                Some(v) => out.push_str(&v),
                None => {
                    ok = false;
                    out.push_str(&text[i..stop]);
                }
            }
            while chars.peek().is_some_and(|(j, _)| *j < stop) {
                chars.next();
            }
            continue;
        }
        let len = rest
            .find(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_'))
            .unwrap_or(rest.len());
        if len == 0 {
            out.push('$');
            continue;
        }
        let stop = i + 1 + len;
        match lookup(&rest[..len]) {
            Some(v) if !fits(&out, &v) => return cut(),
            Some(v) => out.push_str(&v),
            None => {
                ok = false;
                out.push_str(&text[i..stop]);
            }
        }
        while chars.peek().is_some_and(|(j, _)| *j < stop) {
            chars.next();
        }
    }
    Substituted {
        text: out,
        known: ok,
        cut: false,
    }
}

/// The users a `RUN` command creates with `useradd`/`adduser`, with the uid given, if any.
fn created_users(run: &str) -> Vec<(String, Option<u32>)> {
    let text = if run.trim_start().starts_with('[') {
        serde_json::from_str::<Vec<String>>(run).map_or_else(|_| run.to_owned(), |v| v.join(" "))
    } else {
        run.to_owned()
    };
    let mut out = Vec::new();
    let normalized = text
        .replace("&&", ";")
        .replace("||", ";")
        .replace(['|', '\n', '&'], ";");
    for command in normalized.split(';') {
        let words = split_words(command);
        let mut words = words.iter().map(String::as_str).peekable();
        // Skip wrappers: `sudo`, `exec`, `env X=1`, `set -x` prefixes are rare; handle sudo/exec.
        while words
            .peek()
            .is_some_and(|w| matches!(*w, "sudo" | "exec" | "command"))
        {
            words.next();
        }
        let Some(program) = words.next() else {
            continue;
        };
        let program = program.rsplit('/').next().unwrap_or(program);
        let takes_value: &[&str] = match program {
            "useradd" => &[
                "-u",
                "--uid",
                "-g",
                "--gid",
                "-G",
                "--groups",
                "-s",
                "--shell",
                "-d",
                "--home",
                "--home-dir",
                "-c",
                "--comment",
                "-k",
                "--skel",
                "-e",
                "--expiredate",
                "-f",
                "--inactive",
                "-K",
                "--key",
                "-p",
                "--password",
                "-b",
                "--base-dir",
                "-Z",
                "--selinux-user",
                "-R",
                "--root",
                "-P",
                "--prefix",
            ],
            "adduser" => &[
                "-u",
                "--uid",
                "--gid",
                "--home",
                "--shell",
                "--gecos",
                "--ingroup",
                "--firstuid",
                "--lastuid",
                "--firstgid",
                "--lastgid",
                "--conf",
                "--comment",
                "-G",
                "-h",
                "-g",
                "-s",
                "-k",
            ],
            _ => continue,
        };
        let mut uid = None;
        let mut name = None;
        let mut rest: Vec<&str> = words.collect();
        rest.reverse();
        while let Some(w) = rest.pop() {
            if let Some(v) = w.strip_prefix("--uid=") {
                uid = v.parse().ok();
            } else if w.starts_with("--") && w.contains('=') {
            } else if w == "--uid" {
                uid = rest.pop().and_then(|v| v.parse().ok());
            } else if takes_value.contains(&w) && w.starts_with("--") {
                rest.pop();
            } else if let Some(cluster) = w.strip_prefix('-').filter(|c| !c.starts_with('-')) {
                // Short options, clustered as getopt reads them (`-mu 1001`, `-u1001`): the
                // first that takes a value takes the rest of the word, else the next word.
                for (i, c) in cluster.char_indices() {
                    let mut flag = [0u8; 4];
                    let flag = format!("-{}", c.encode_utf8(&mut flag));
                    if !takes_value.contains(&flag.as_str()) {
                        continue;
                    }
                    let inline = &cluster[i + c.len_utf8()..];
                    let value = if inline.is_empty() {
                        rest.pop()
                    } else {
                        Some(inline)
                    };
                    if c == 'u' {
                        uid = value.and_then(|v| v.parse().ok());
                    }
                    break;
                }
            } else if w.starts_with('-') {
            } else if name.is_none() {
                name = Some(w.to_owned());
            }
        }
        if let Some(name) = name {
            out.push((name, uid));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const MANUAL: &str = "# we use a bearstech image!\nFROM bearstech/python:3\n\n# we create a user for our app\nARG uid=1001\nRUN useradd factory_hello --uid ${uid} --shell /bin/bash --home /home/factory_hello\nWORKDIR /home/factory_hello\n\n# use our user\nUSER factory_hello\n\nCOPY . /home/factory_hello\nCMD [\"python3\", \"-m\", \"http.server\", \"--bind=0.0.0.0\", \"9000\"]\n";

    fn user(text: &str) -> RunAs {
        parse(text).final_user().run_as
    }

    #[test]
    fn the_manuals_dockerfile_runs_as_uid_1001() {
        let df = parse(MANUAL);
        assert_eq!(df.instructions.len(), 7);
        let u = df.final_user();
        assert_eq!(
            u.run_as,
            RunAs::Named {
                name: "factory_hello".into(),
                uid: Some(1001)
            }
        );
        let at = u.user_instruction.unwrap();
        assert_eq!(
            &MANUAL[df.instructions[at].span.clone()],
            "USER factory_hello"
        );
        assert_eq!(df.instructions[u.uid_instruction.unwrap()].keyword, "RUN");
    }

    #[test]
    fn users() {
        let cases: &[(&str, RunAs)] = &[
            ("FROM a\n", RunAs::Root),
            ("FROM a\nUSER root\n", RunAs::Root),
            ("FROM a\nUSER 0\n", RunAs::Root),
            ("FROM a\nUSER 0:0\n", RunAs::Root),
            ("FROM a\nUSER root:root\n", RunAs::Root),
            ("FROM a\nUSER 1001\n", RunAs::Uid(1001)),
            ("FROM a\nUSER 1001:1001\n", RunAs::Uid(1001)),
            ("FROM a\nARG uid=1001\nUSER ${uid}\n", RunAs::Uid(1001)),
            ("FROM a\nARG uid=1001\nUSER $uid\n", RunAs::Uid(1001)),
            (
                "FROM a\nENV APP_UID 1001\nUSER $APP_UID\n",
                RunAs::Uid(1001),
            ),
            ("FROM a\nUSER ${X:-1001}\n", RunAs::Uid(1001)),
            ("FROM a\nUSER $X\n", RunAs::Unresolved("$X".into())),
            ("FROM a\nUSER app\nUSER root\n", RunAs::Root),
            ("FROM a\nUSER root\nUSER 1001\n", RunAs::Uid(1001)),
            (
                "FROM a\nRUN useradd -u 1000 app\nUSER app\n",
                RunAs::Named {
                    name: "app".into(),
                    uid: Some(1000),
                },
            ),
            // Short options clustered as getopt reads them.
            (
                "FROM a\nRUN useradd -mu 1001 app\nUSER app\n",
                RunAs::Named {
                    name: "app".into(),
                    uid: Some(1001),
                },
            ),
            (
                "FROM a\nRUN useradd -rmu1001 -s /bin/sh app\nUSER app\n",
                RunAs::Named {
                    name: "app".into(),
                    uid: Some(1001),
                },
            ),
            (
                "FROM a\nRUN useradd -ms /bin/bash app\nUSER app\n",
                RunAs::Named {
                    name: "app".into(),
                    uid: None,
                },
            ),
            (
                "FROM a\nRUN useradd --uid=1001 -m app\nUSER app\n",
                RunAs::Named {
                    name: "app".into(),
                    uid: Some(1001),
                },
            ),
            (
                "FROM a\nRUN apt-get update && adduser --disabled-password --uid 1001 app\nUSER app\n",
                RunAs::Named {
                    name: "app".into(),
                    uid: Some(1001),
                },
            ),
            (
                "FROM alpine\nRUN addgroup -S g && adduser -S -D -u 1001 -G g -h /app app\nUSER app\n",
                RunAs::Named {
                    name: "app".into(),
                    uid: Some(1001),
                },
            ),
            (
                "FROM a\nRUN useradd -r app\nUSER app\n",
                RunAs::Named {
                    name: "app".into(),
                    uid: None,
                },
            ),
            (
                "FROM a\nUSER nobody\n",
                RunAs::Named {
                    name: "nobody".into(),
                    uid: None,
                },
            ),
            // Global ARG must be redeclared in the stage to be used there.
            (
                "ARG uid=1001\nFROM a\nARG uid\nUSER ${uid}\n",
                RunAs::Uid(1001),
            ),
            (
                "ARG uid=1001\nFROM a\nUSER ${uid}\n",
                RunAs::Unresolved("${uid}".into()),
            ),
        ];
        for (text, want) in cases {
            assert_eq!(&user(text), want, "{text:?}");
        }
    }

    #[test]
    fn stages_inherit_their_parents_user() {
        let text = "FROM python:3 AS base\nRUN useradd -u 1001 app\nUSER app\n\
                    FROM golang AS build\nRUN make\n\
                    FROM base\nCOPY --from=build /x /x\n";
        let df = parse(text);
        assert_eq!(df.stages.len(), 3);
        assert_eq!(df.stages[2].parent, Some(0));
        let u = df.final_user();
        assert!(u.inherited);
        assert_eq!(u.uid(), Some(1001));
        // The final stage built on an external image runs as root, whatever earlier stages did.
        let text = "FROM python:3 AS base\nUSER 1001\nFROM python:3-slim\nCOPY --from=base / /\n";
        let u = parse(text).final_user();
        assert!(u.is_root());
        assert_eq!(u.final_from, Some(2));
        // Stage names compare case-insensitively; flags are skipped.
        let text = "FROM --platform=$BUILDPLATFORM x AS Build\nUSER 1001\nFROM build\n";
        assert_eq!(parse(text).final_user().uid(), Some(1001));
    }

    /// `docker build --target NAME` builds stage NAME: its user is that of the stage and the
    /// stages it is built on, not the final stage's.
    #[test]
    fn a_target_stage_has_its_own_user() {
        let text = "FROM python:3 AS Base\nRUN useradd -u 1001 app\nUSER app\n\
                    FROM base AS prod\nCOPY . /app\n\
                    FROM base AS dev\nUSER root\n";
        let df = parse(text);
        assert_eq!(df.stage_named("BASE"), Some(0));
        assert_eq!(df.stage_named("prod"), Some(1));
        assert_eq!(df.stage_named("Dev"), Some(2));
        assert_eq!(df.stage_named("test"), None);
        assert!(df.final_user().is_root());
        let prod = df.stage_user(1);
        assert_eq!(prod.uid(), Some(1001));
        assert!(prod.inherited);
        assert_eq!(prod.final_from, Some(3));
        assert_eq!(df.stage_user(0).uid(), Some(1001));
        assert!(!df.stage_user(0).inherited);
        assert_eq!(df.stage_user(2), df.final_user());
        // Past the stages: the final stage; no stage at all: root, no `FROM`.
        assert_eq!(df.stage_user(9), df.final_user());
        assert_eq!(parse("USER 1001\n").stage_user(0).final_from, None);
        // Two stages of one name: `--target` builds the last (BuildKit's map of stages by
        // name keeps the latest), and `FROM name` reads the latest before it.
        let df = parse("FROM a AS x\nUSER 1\nFROM b AS X\nUSER 2\nFROM x\nFROM c AS x\nUSER 3\n");
        assert_eq!(df.stage_named("x"), Some(3));
        assert_eq!(df.stages[2].parent, Some(1));
        assert_eq!(df.stage_user(2).uid(), Some(2));
    }

    /// A directive needs a value: `# syntax=` is a comment, and ends the directives.
    #[test]
    fn a_directive_without_a_value_ends_the_directives() {
        assert_eq!(escape_directive("# syntax=\n# escape=`\nFROM a\n"), '\\');
        assert_eq!(escape_directive("# syntax=x\n# escape=`\nFROM a\n"), '`');
    }

    #[test]
    fn continuations_comments_and_escape_directive() {
        let text = "FROM a\nRUN apt-get update \\\n# a comment\n\n    && useradd \\\n      --uid 1001 app\nUSER app\n";
        let df = parse(text);
        assert_eq!(df.instructions.len(), 3);
        assert_eq!(
            df.instructions[1].args,
            "apt-get update     && useradd       --uid 1001 app"
        );
        assert_eq!(
            &text[df.instructions[1].span.clone()]
                .lines()
                .last()
                .unwrap()
                .trim(),
            &"--uid 1001 app"
        );
        assert_eq!(df.final_user().uid(), Some(1001));

        let text = "# escape=`\nFROM a\nRUN useradd `\n  -u 1001 app\nUSER app\n";
        let df = parse(text);
        assert_eq!(df.escape, '`');
        assert_eq!(df.instructions.len(), 3);
        assert_eq!(df.final_user().uid(), Some(1001));
        // A directive after a comment is a comment.
        assert_eq!(parse("# hi\n# escape=`\nFROM a\n").escape, '\\');
        // After a known directive, another one is read; after an unknown one (a comment), not.
        assert_eq!(
            parse("# syntax=docker/dockerfile:1\n# escape = `\nFROM a\n").escape,
            '`'
        );
        assert_eq!(parse("# foo=bar\n# escape=`\nFROM a\n").escape, '\\');
    }

    /// Docker joins the continued lines before it reads the keyword: `US\` then `ER root` is
    /// `USER root` (it was read as an instruction `US\` and another `ER`). The instruction still
    /// starts on its first line, and its keyword's span covers both pieces.
    #[test]
    fn a_keyword_split_by_a_continuation_is_one_keyword() {
        let text = "FROM a\nUSER 1001\nUS\\\nER root\nCMD x\n";
        let df = parse(text);
        let kws: Vec<_> = df.instructions.iter().map(|i| i.keyword.as_str()).collect();
        assert_eq!(kws, ["FROM", "USER", "USER", "CMD"]);
        let user = &df.instructions[2];
        assert_eq!(user.args, "root");
        assert_eq!(&text[user.first_line.clone()], "US\\");
        assert_eq!(&text[user.keyword_span.clone()], "US\\\nER");
        assert_eq!(&text[user.span.clone()], "US\\\nER root");
        assert!(df.final_user().is_root());
        // A comment line inside, a split after the keyword, the escape directive's backtick,
        // CRLF line ends.
        let text = "# escape=`\r\nFROM a\r\nU`\r\n# a comment\r\nSE`\r\nR `\r\n 1001\r\n";
        let df = parse(text);
        let user = &df.instructions[1];
        assert_eq!(user.keyword, "USER");
        assert_eq!(user.args, "1001");
        assert_eq!(&text[user.first_line.clone()], "U`");
        assert_eq!(
            &text[user.keyword_span.clone()],
            "U`\r\n# a comment\r\nSE`\r\nR"
        );
        assert_eq!(df.final_user().uid(), Some(1001));
        // With `\` escapes, a backtick is a character like any other; the continued line keeps
        // its leading spaces (`US` then `  ER` is the keyword `US`), as Docker reads it.
        let df = parse("FROM a\nUS`\nER root\nUS\\\n  ER root\n");
        let kws: Vec<_> = df.instructions.iter().map(|i| i.keyword.as_str()).collect();
        assert_eq!(kws, ["FROM", "US`", "ER", "US"]);
        // A line of only the escape character: the keyword is on the next line.
        let text = "FROM a\n\\\nUSER 1001\n";
        let df = parse(text);
        assert_eq!(df.instructions[1].keyword, "USER");
        assert_eq!(&text[df.instructions[1].keyword_span.clone()], "USER");
        assert_eq!(&text[df.instructions[1].first_line.clone()], "\\");
        // Only escapes: no instruction.
        assert_eq!(parse("FROM a\n\\\n").instructions.len(), 1);
    }

    #[test]
    fn heredocs_are_part_of_the_instruction() {
        let text = "FROM a\nRUN <<EOF\nuseradd -u 1001 app\nUSER root\nEOF\nUSER app\n";
        let df = parse(text);
        let kws: Vec<_> = df.instructions.iter().map(|i| i.keyword.as_str()).collect();
        assert_eq!(kws, ["FROM", "RUN", "USER"]);
        assert_eq!(df.final_user().uid(), Some(1001));
    }

    #[test]
    fn volumes() {
        let df = parse("FROM a\nVOLUME [\"/data\", \"/logs\"]\nvolume /x /y\nVOLUME [broken\n");
        let v: Vec<_> = df.volumes().map(|(_, p)| p).collect();
        assert_eq!(
            v,
            [vec!["/data", "/logs"], vec!["/x", "/y"], vec!["[broken"]]
        );
    }

    fn substitute(text: &str, lookup: &dyn Fn(&str) -> Option<String>) -> Option<String> {
        substitute_keeping(text, lookup, '\\', &Cell::new(usize::MAX))
            .value()
            .0
    }

    #[test]
    fn substitution() {
        let vars = |n: &str| match n {
            "a" => Some("1".to_owned()),
            "e" => Some(String::new()),
            _ => None,
        };
        for (input, want) in [
            ("$a", Some("1")),
            ("${a}x", Some("1x")),
            ("${b:-2}", Some("2")),
            ("${e:-2}", Some("2")),
            ("${e-2}", Some("")),
            ("${a:+y}", Some("y")),
            ("${b:+y}", Some("")),
            ("\\$a", Some("$a")),
            ("$b", None),
            ("a$", Some("a$")),
            ("${a", Some("${a")),
        ] {
            assert_eq!(substitute(input, &vars).as_deref(), want, "{input}");
        }
    }

    /// `ARG` values that double line after line stop at `MAX_SUBSTITUTED` bytes: one at the
    /// limit is kept, one past it is unknown (a 540-byte file took 1.7 GB, a 2 KB one aborted).
    #[test]
    fn substituted_values_stop_at_one_mib() {
        let vars = |n: &str| match n {
            "a" => Some("x".repeat(MAX_SUBSTITUTED / 2)),
            _ => None,
        };
        assert_eq!(
            substitute("${a}${a}", &vars).map(|v| v.len()),
            Some(MAX_SUBSTITUTED)
        );
        assert_eq!(substitute("${a}${a}${a}", &vars).map(|v| v.len()), None);
        let mut text = "FROM python:3\nARG A0=xxxxxxxxxx\n".to_owned();
        for i in 1..60 {
            text.push_str(&format!("ARG A{i}=${{A{}}}${{A{}}}\n", i - 1, i - 1));
        }
        text.push_str("USER ${A59}\n");
        let user = parse(&text).final_user();
        assert_eq!(user.uid(), None);
        // 10 bytes doubled 17 times pass 1 MiB: `ARG A17`, after `FROM` and `ARG A0`.
        assert_eq!(user.over_budget, Some(18));
        // Before the first `FROM`, and in a `FROM` line.
        let global = text.replacen("FROM python:3\n", "", 1) + "FROM ${A59}\n";
        assert_eq!(parse(&global).over_budget, Some(17));
    }

    /// A value under the 1 MiB limit copied into many lines adds up: the pass stops at its total
    /// budget (4 MiB for a small file), at the line that passes it.
    #[test]
    fn substitutions_stop_at_the_total_budget() {
        let mut text = format!("FROM python:3\nARG A0={}\n", "x".repeat(16));
        for i in 1..=15 {
            text.push_str(&format!("ARG A{i}=${{A{}}}${{A{}}}\n", i - 1, i - 1));
        }
        // A15 is 512 KiB; the doubling took 1 MiB - 32 bytes of the budget.
        for i in 1..=10 {
            text.push_str(&format!("ENV X{i}=${{A15}}\n"));
        }
        text.push_str("USER 1001\n");
        let df = parse(&text);
        assert_eq!(df.substitution_budget(), 4 << 20);
        let user = df.final_user();
        assert_eq!(user.uid(), Some(1001));
        // Six copies fit in the 3 MiB + 32 bytes left; the seventh (`ENV X7`, after `FROM`,
        // `ARG A0` … `ARG A15`) does not.
        assert_eq!(user.over_budget, Some(1 + 16 + 6));
    }

    /// A chain of stages, each built on the one before, is followed to its start however long
    /// it is: the `USER` of the first stage is the final stage's (past 64 stages it was lost,
    /// and FD001 said the image ran as root).
    #[test]
    fn a_long_chain_of_stages_keeps_the_first_stages_user() {
        let mut text = "FROM python:3 AS s0\nUSER 1001\n".to_owned();
        for i in 1..=200 {
            text.push_str(&format!("FROM s{} AS s{i}\nRUN true\n", i - 1));
        }
        let user = parse(&text).final_user();
        assert_eq!(user.uid(), Some(1001));
        assert!(user.inherited);
    }

    #[test]
    fn many_stages_and_args_stay_linear() {
        let mut text = "ARG a=1\n".repeat(20_000);
        for i in 0..20_000_usize {
            text.push_str(&format!("FROM s{} AS s{i}\nARG a\n", i.saturating_sub(1)));
        }
        text.push_str("USER ${a}\n");
        let started = std::time::Instant::now();
        let df = parse(&text);
        assert_eq!(df.stages.len(), 20_000);
        assert_eq!(df.final_user().uid(), Some(1));
        // Not a timing test: a quadratic walk would take minutes.
        assert!(started.elapsed() < std::time::Duration::from_secs(20));
    }

    /// Many stages wanted at once (a build line per stage of a long chain) walk each stage
    /// once: a walk per stage wanted was quadratic (20 000 stages took minutes).
    #[test]
    fn many_targets_walk_each_stage_once() {
        let mut text = "FROM a AS s0\nUSER 1\n".to_owned();
        for i in 1..20_000_usize {
            text.push_str(&format!("FROM s{} AS s{i}\nRUN true\n", i - 1));
        }
        let df = parse(&text);
        let wanted: Vec<usize> = (0..20_000).rev().collect();
        let started = std::time::Instant::now();
        let users = df.stage_users(&wanted);
        assert!(started.elapsed() < std::time::Duration::from_secs(20));
        assert_eq!(users.len(), 20_000);
        assert!(users.iter().all(|u| u.uid() == Some(1)));
        assert!(!users[19_999].inherited && users[0].inherited);
    }

    /// Stages that share a parent, wanted in any order and more than once, get what
    /// [`Dockerfile::stage_user`] finds for each alone.
    #[test]
    fn stage_users_match_stage_user() {
        let text = "ARG U=7\nFROM a AS base\nARG U\nENV UID=$U\nRUN useradd -u 1001 app\n\
                    FROM base AS one\nUSER app\nFROM base AS two\nUSER $UID\n\
                    FROM two AS three\nENV UID=9\nFROM a AS other\nUSER root\n";
        let df = parse(text);
        let wanted = [3, 1, 4, 0, 2, 1, 9];
        let alone: Vec<FinalUser> = wanted.iter().map(|w| df.stage_user(*w)).collect();
        assert_eq!(df.stage_users(&wanted), alone);
        let uids: Vec<_> = alone.iter().map(FinalUser::uid).collect();
        assert_eq!(
            uids,
            [
                Some(7),
                Some(1001),
                Some(0),
                Some(0),
                Some(7),
                Some(1001),
                Some(0)
            ]
        );
    }

    /// A stage's first stage is the last of its chain.
    #[test]
    fn the_chain_root_is_the_last_stage_of_the_chain() {
        let text = "FROM a AS s0\nEXPOSE 1\nFROM s0 AS s1\nRUN x\nFROM s1 AS s2\nEXPOSE 2\n\
                    FROM b AS s3\nFROM s2 AS s4\nFROM s3 AS s5\nEXPOSE 5\nFROM s4\nFROM s5\n";
        let df = parse(text);
        for i in 0..df.stages.len() + 1 {
            assert_eq!(
                df.chain_root(i),
                df.stage_chain(i).last().copied(),
                "stage {i}"
            );
        }
    }

    /// A base stage with many variables and many stages built on it, each wanted: the copies
    /// of its variables are paid from the substitution budget; past it, a stage keeps its
    /// parent's user, and one place says where the budget ran out (it held the product of the
    /// two: gigabytes for 5 000 of each).
    #[test]
    fn copies_for_many_stages_built_on_one_stay_within_the_budget() {
        let (vars, stages) = (2_000, 500);
        let mut text = String::from("FROM debian:12 AS base\nUSER root\n");
        for i in 0..vars {
            text.push_str(&format!("ENV VARIABLE_{i}=a-value-of-some-length-{i}\n"));
        }
        for i in 0..stages {
            text.push_str(&format!("FROM base AS c{i}\nENV X{i}=1\n"));
        }
        let df = parse(&text);
        let wanted: Vec<usize> = (1..=stages).collect();
        let users = df.stage_users(&wanted);
        assert!(users.iter().all(FinalUser::is_root));
        let cuts: std::collections::BTreeSet<Option<usize>> =
            users.iter().map(|u| u.over_budget).collect();
        // The first copies were paid for; then one cut for all the others.
        assert_eq!(cuts.len(), 2, "{cuts:?}");
        assert!(cuts.contains(&None));
        // A chain of stages each wanted is walked once, each stage's user as found alone.
        let chain: String = std::iter::once("FROM a AS s0\nUSER 5\n".to_owned())
            .chain((1..200).map(|i| format!("FROM s{} AS s{i}\nENV V{i}={i}\n", i - 1)))
            .collect();
        let df = parse(&chain);
        let all: Vec<usize> = (0..200).collect();
        let alone: Vec<FinalUser> = all.iter().map(|w| df.stage_user(*w)).collect();
        assert_eq!(df.stage_users(&all), alone);
    }

    proptest::proptest! {
        #[test]
        fn never_panics_and_spans_are_on_char_boundaries(text in "(?s)\\PC{0,200}|[A-Za-z \\\\`#=\\n${}<>:\"\\[\\]-]{0,200}") {
            let df = parse(&text);
            for i in &df.instructions {
                for r in [&i.span, &i.keyword_span, &i.first_line] {
                    proptest::prop_assert!(r.start <= r.end && r.end <= text.len());
                    proptest::prop_assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
                }
            }
            let _ = df.final_user();
            let _ = df.volumes().count();
        }
    }
}
