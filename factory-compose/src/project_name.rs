//! The project name when the caller inferred it from the directory: a `COMPOSE_PROJECT_NAME`
//! in `.env`, else a top-level `name:` of the compose files, names the project instead, as
//! compose-go's `withNamePrecedenceLoad` and `projectName` do.

use factory_env::{Template, Variables};

use crate::diagnostic::Diagnostics;
use crate::environment::{DotenvFiles, ProcessEnv};
use crate::rules::registry;
use crate::span::{Location, Span};
use crate::yaml::{PlainValue, Tree};

/// Compose's project name normalisation (compose-go's `NormalizeProjectName`): lower-case, only
/// `[a-z0-9_-]` kept, leading `_` and `-` dropped.
#[must_use]
pub fn normalize(name: &str) -> String {
    let kept: String = name
        .to_lowercase()
        .chars()
        .filter(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_' || *c == '-')
        .collect();
    kept.trim_start_matches(['_', '-']).to_owned()
}

/// Whether Compose takes `name` as a project name as it is (`-p`, `COMPOSE_PROJECT_NAME`):
/// its normalised form is itself.
#[must_use]
pub fn is_valid(name: &str) -> bool {
    !name.is_empty() && normalize(name) == name
}

/// The name a `.env` `COMPOSE_PROJECT_NAME` gives (the last one; none when the process sets
/// the variable, even empty, as the process wins over `.env`), else the last top-level `name:`
/// of the compose files, interpolated with `vars` and normalised. `None`: keep the directory's.
/// A name Compose refuses is reported (FE004 in `.env`, FC020 for `name:`) and not used.
/// `dotenv` is `None` in deploy mode (the platform reads no `.env`); `vars` are the variables
/// without `COMPOSE_PROJECT_NAME` (asked for only when a file has a `name:`).
pub(crate) fn from_project(
    trees: &[Tree],
    process: &ProcessEnv,
    dotenv: Option<&DotenvFiles>,
    vars: impl FnOnce() -> Variables,
    diags: &mut Diagnostics,
) -> Option<String> {
    const VAR: &str = "COMPOSE_PROJECT_NAME";
    if process.get(VAR).is_none()
        && let Some(dotenv) = dotenv
        && let Some((file, entry)) = dotenv
            .entries
            .iter()
            .rev()
            .find(|(_, e)| e.key == VAR && !e.value.is_empty())
    {
        if is_valid(&entry.value) {
            return Some(entry.value.clone());
        }
        let span = Span::of_range(entry.value_span.clone());
        diags.push(
            registry::diagnostic(
                "FE004",
                format!(
                    "invalid project name `{}`: Compose refuses a `{VAR}` that is not already lower-case letters, digits, `-` and `_`",
                    entry.value
                ),
            )
            .at(Location::new(*file, span))
            .with_help(format!("write `{VAR}={}`", normalize(&entry.value))),
        );
        return None;
    }
    // compose-go reads `name` from each file (the last one set wins) as a string; a value of
    // another type is refused by the schema check (FC020).
    let mut named = None;
    for tree in trees {
        let Some(value) = tree
            .root()
            .and_then(|r| tree.get(r, "name"))
            .map(|e| e.value)
        else {
            continue;
        };
        let Some(text) = crate::yaml::scalar_text(tree, value) else {
            continue;
        };
        if matches!(
            crate::model::convert::scalar_kind(tree, value),
            PlainValue::Str
        ) && !text.is_empty()
        {
            named = Some((text, tree.location(value)));
        }
    }
    let (raw, at) = named?;
    // An error in the template is reported where the value is interpolated with the others.
    let vars = vars();
    let rendered = Template::parse(raw)
        .ok()
        .and_then(|t| t.render(&vars).ok())
        .map_or_else(|| raw.to_owned(), |r| r.value);
    let name = normalize(&rendered);
    if name.is_empty() {
        let why = if rendered.is_empty() {
            "`name` is empty once interpolated".to_owned()
        } else {
            format!(
                "Compose keeps only lower-case letters, digits, `-` and `_` of `name` (`{rendered}`), and not a leading `-` or `_`"
            )
        };
        diags.push(
            registry::diagnostic("FC020", format!("project name must not be empty: {why}"))
                .at(at)
                .with_help("give `name` a value with a letter or a digit, or remove it to name the project after its directory"),
        );
        return None;
    }
    Some(name)
}

#[cfg(test)]
mod tests {
    use super::{is_valid, normalize};

    #[test]
    fn names_are_normalised_like_compose_go() {
        assert_eq!(normalize("My.Project 2"), "myproject2");
        assert_eq!(normalize("factory_hello-1"), "factory_hello-1");
        // Checked with Compose v2.40.3 (`name: "__Foo"` → `name: foo`).
        assert_eq!(normalize("__Foo"), "foo");
        assert_eq!(normalize("-_-a-_"), "a-_");
        assert_eq!(normalize("!!!"), "");
        assert!(is_valid("a-_1") && is_valid("1a"));
        assert!(!is_valid("") && !is_valid("_a") && !is_valid("A") && !is_valid("a.b"));
    }
}
