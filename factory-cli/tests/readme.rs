//! The `factory` sessions the READMEs show (` ```console ` blocks, `$ factory …` lines) print
//! what the READMEs say: the lines before a `…` line start the output, the lines after it end
//! it. The commands run from the workspace root.
#![allow(clippy::disallowed_methods)]

mod common;

use common::{factory, repo, stdout};

/// One `$ factory ARGS` line and the output shown under it.
struct Session {
    file: &'static str,
    args: Vec<String>,
    shown: Vec<String>,
}

/// The `$ factory` sessions of the console blocks of `file` (relative to the workspace).
fn sessions(file: &'static str) -> Vec<Session> {
    let text = std::fs::read_to_string(repo().join(file)).expect("README");
    let mut found: Vec<Session> = Vec::new();
    let mut in_console = false;
    let mut current: Option<Session> = None;
    for line in text.lines() {
        if line.starts_with("```") {
            in_console = line == "```console";
            found.extend(current.take());
            continue;
        }
        if !in_console {
            continue;
        }
        if let Some(command) = line.strip_prefix("$ ") {
            found.extend(current.take());
            let words: Vec<String> = command.split_whitespace().map(str::to_owned).collect();
            if words.first().is_some_and(|w| w == "factory") {
                current = Some(Session {
                    file,
                    args: words[1..].to_vec(),
                    shown: Vec::new(),
                });
            }
        } else if let Some(s) = current.as_mut() {
            s.shown.push(line.to_owned());
        }
    }
    found.extend(current);
    for s in &mut found {
        while s.shown.last().is_some_and(String::is_empty) {
            s.shown.pop();
        }
    }
    found
}

#[test]
fn the_readmes_show_what_factory_prints() {
    let all: Vec<Session> = ["README.md", "examples/hello/README.md"]
        .into_iter()
        .flat_map(sessions)
        .collect();
    assert!(all.len() >= 4, "only {} sessions found", all.len());
    for s in all {
        let args: Vec<&str> = s.args.iter().map(String::as_str).collect();
        let out = stdout(&factory(&args, &repo()));
        let printed: Vec<&str> = out.lines().collect();
        let cut = s.shown.iter().position(|l| l == "…");
        let (head, tail) = match cut {
            Some(k) => (&s.shown[..k], &s.shown[k + 1..]),
            None => (&s.shown[..], &[][..]),
        };
        let context = || format!("{}: factory {}\nprinted:\n{out}", s.file, s.args.join(" "));
        if cut.is_none() {
            assert_eq!(printed, head, "{}", context());
            continue;
        }
        assert!(printed.len() >= head.len() + tail.len(), "{}", context());
        assert_eq!(&printed[..head.len()], head, "{}", context());
        assert_eq!(
            &printed[printed.len() - tail.len()..],
            tail,
            "{}",
            context()
        );
    }
}
