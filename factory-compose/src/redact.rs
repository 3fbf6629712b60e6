//! Secrets never reach a diagnostic: rules quote values after interpolation (an image reference,
//! a healthcheck duration …), and a value interpolated from an `SV_` secret or a platform
//! credential must print as `********` unless `--show-secrets` (SPEC §4).

use factory_env::{MASK, Variables};

use crate::diagnostic::Diagnostic;
use crate::span::Location;

/// The secret values of `variables`, longest first (so a secret that contains another is
/// masked whole), without empty ones.
pub(crate) fn secret_values(variables: &Variables) -> Vec<&str> {
    let mut secrets: Vec<&str> = variables
        .iter()
        .filter(|(_, v)| v.secret)
        .map(|(_, v)| v.value.unmasked())
        .filter(|s| !s.is_empty())
        .collect();
    secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
    secrets.dedup();
    secrets
}

fn mask_all(text: &mut String, secrets: &[&str]) {
    for secret in secrets {
        if text.contains(secret) {
            *text = mask_one(text, secret);
        }
    }
}

/// `text` with every secret value of `variables` replaced by `********`: for outputs rendered
/// from interpolated values (`factory routes`, tables) unless `--show-secrets`.
#[must_use]
pub fn mask_text(text: &str, variables: &Variables) -> String {
    let mut out = text.to_owned();
    mask_all(&mut out, &secret_values(variables));
    out
}

/// Make `diagnostics` fit to show: mask the secrets they quote (unless `show_secrets`), then
/// shorten the long values they quote ([`crate::diagnostic::shorten_quotes`]; after masking, so
/// the start of a long secret is never what is kept). `secret_scalars` are the scalars whose
/// interpolated value holds a secret ([`secret_scalars`]): a diagnostic there may quote a
/// piece of it (a cron field, a Traefik matcher), which is masked too.
pub(crate) fn finish(
    diagnostics: &mut [Diagnostic],
    variables: &Variables,
    show_secrets: bool,
    secret_scalars: &[Location],
) {
    if !show_secrets {
        mask_secrets(diagnostics, variables, secret_scalars);
        mask_pieces(diagnostics, variables, secret_scalars);
    }
    crate::diagnostic::shorten_quoted_values(diagnostics);
}

/// Where the scalars are whose interpolated value holds a secret (a `${API_KEY}` of an `SV_`
/// variable, not empty), sorted.
pub(crate) fn secret_scalars(
    tree: &crate::yaml::Tree,
    interpolation: &crate::interpolate::Interpolation,
    variables: &Variables,
) -> Vec<Location> {
    // The few secret names first: most runs have none, and then no use is looked at.
    let names: Vec<&str> = variables
        .iter()
        .filter(|(_, v)| v.secret && !v.value.unmasked().is_empty())
        .map(|(name, _)| name)
        .collect();
    if names.is_empty() {
        return Vec::new();
    }
    let mut out: Vec<Location> = interpolation
        .uses
        .iter()
        .filter(|u| names.contains(&interpolation.name(u)))
        .filter(|u| (u.node.0 as usize) < tree.nodes.len())
        .map(|u| tree.location(u.node))
        .collect();
    out.sort_unstable_by_key(|l| (l.file, l.span.start, l.span.end));
    out.dedup();
    out
}

/// Mask the secrets of `variables` in the rows of `factory routes` before they are laid out
/// (a table sized by the secret's own width would give its length away): in rules and entry
/// points wherever a secret value appears, and a basic-auth user that is a piece of a secret
/// (`${AUTH}` holding `bob:$apr1$…` names the user `bob`).
pub fn mask_route_rows(rows: &mut [crate::routes::RouteRow], variables: &Variables) {
    let secrets = secret_values(variables);
    if secrets.is_empty() {
        return;
    }
    for row in rows {
        mask_all(&mut row.rule, &secrets);
        for e in &mut row.entrypoints {
            mask_all(e, &secrets);
        }
        for user in &mut row.auth_users {
            if secrets.iter().any(|s| shares_part(user, s)) {
                MASK.clone_into(user);
            }
        }
    }
}

/// In the diagnostics that point into a scalar of `secret_scalars`, replace each quoted piece
/// (`` `…` ``) that shares a part of a secret value with `********`: a rule may quote a piece
/// of the value (`Sup3r` of `Sup3r$ecret`), which [`mask_secrets`] does not find whole.
fn mask_pieces(diagnostics: &mut [Diagnostic], variables: &Variables, secret_scalars: &[Location]) {
    if secret_scalars.is_empty() {
        return;
    }
    let secrets = secret_values(variables);
    for d in diagnostics {
        let tainted = d
            .primary
            .iter()
            .chain(d.secondary.iter())
            .any(|l| inside(secret_scalars, &l.location));
        if tainted {
            d.edit_words(|text| mask_quoted_pieces(text, &secrets));
        }
    }
}

/// `text` with every `` `quoted` `` piece that [`shares_part`] of a secret masked.
fn mask_quoted_pieces(text: &mut String, secrets: &[&str]) {
    if !text.contains('`') {
        return;
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(open) = rest.find('`') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('`') else { break };
        let quoted = &after[..close];
        out.push_str(&rest[..=open]);
        if quoted != MASK && secrets.iter().any(|s| shares_part(quoted, s)) {
            out.push_str(MASK);
        } else {
            out.push_str(quoted);
        }
        out.push('`');
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    *text = out;
}

/// Whether `quoted` is a piece of `secret`, or has four characters in a row of it (all of it,
/// for a shorter secret or piece).
fn shares_part(quoted: &str, secret: &str) -> bool {
    if quoted.is_empty() {
        return false;
    }
    if secret.contains(quoted) {
        return true;
    }
    let chars: Vec<(usize, char)> = quoted.char_indices().collect();
    let width = 4.min(chars.len()).min(secret.chars().count());
    if width == 0 {
        return false;
    }
    (0..=chars.len() - width).any(|i| {
        let start = chars[i].0;
        let end = chars.get(i + width).map_or(quoted.len(), |c| c.0);
        secret.contains(&quoted[start..end])
    })
}

/// Replace every secret value of `variables` in the words of `diagnostics` (message, help,
/// labels, fix titles) with `********`; drop fixes whose edits would write a secret. A short
/// secret ([`WHOLE_WORD_BELOW`]) is looked for only in the diagnostics that point into a scalar
/// of `secret_scalars` (whose value holds a secret): a secret `a` or `on` is a word of many
/// messages about other things, and masking it there garbles them and tells what it is.
pub(crate) fn mask_secrets(
    diagnostics: &mut [Diagnostic],
    variables: &Variables,
    secret_scalars: &[Location],
) {
    let secrets = secret_values(variables);
    if secrets.is_empty() {
        return;
    }
    let long: Vec<&str> = secrets
        .iter()
        .copied()
        .filter(|s| s.chars().count() >= WHOLE_WORD_BELOW)
        .collect();
    for d in diagnostics {
        let tainted = d
            .primary
            .iter()
            .chain(d.secondary.iter())
            .any(|l| inside(secret_scalars, &l.location));
        let these: &[&str] = if tainted { &secrets } else { &long };
        let writes_secret = d.fix.as_ref().is_some_and(|fix| {
            fix.edits
                .iter()
                .any(|e| these.iter().any(|s| e.replacement.contains(s)))
        });
        if writes_secret {
            d.fix = None;
        }
        d.edit_words(|text| mask_all(text, these));
    }
}

/// Whether `at` overlaps a scalar of `secret_scalars`.
fn inside(secret_scalars: &[Location], at: &Location) -> bool {
    secret_scalars
        .iter()
        .any(|s| s.file == at.file && s.span.start <= at.span.end && at.span.start <= s.span.end)
}

/// Secrets shorter than this are masked only as whole words: a secret `ok` must not turn
/// "looks" into "lo********s". Longer ones are masked wherever they appear, since a value quoted
/// by a rule may glue them to other text (`app:${API_KEY}`).
const WHOLE_WORD_BELOW: usize = 5;

fn mask_one(text: &str, secret: &str) -> String {
    if secret.chars().count() >= WHOLE_WORD_BELOW {
        return text.replace(secret, MASK);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(secret) {
        let (before, after) = (&rest[..i], &rest[i + secret.len()..]);
        let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
        out.push_str(before);
        if word(before.chars().next_back()) || word(after.chars().next()) {
            out.push_str(secret);
        } else {
            out.push_str(MASK);
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Edit, Fix, Severity};
    use crate::span::Location;
    use factory_env::DeployContext;

    #[test]
    fn masks_every_word_and_drops_fixes_that_write_secrets() {
        let vars = Variables::deploy(&DeployContext {
            environment: "prod".into(),
            process: vec![
                ("SV_PROD_A".into(), "hush".into()),
                ("SV_PROD_B".into(), "hush-hush".into()),
            ],
            ..Default::default()
        });
        let mut d = Diagnostic::new("FC033", Severity::Error, "`img:hush-hush` and hush")
            .with_help("not hush")
            .with_secondary(Location::default(), "hush here")
            .with_fix(Fix {
                title: "write hush".into(),
                edits: vec![Edit {
                    location: Location::default(),
                    replacement: "hush".into(),
                }],
            });
        let mut ok = Diagnostic::new("FC034", Severity::Warning, "fine").with_fix(Fix {
            title: "t".into(),
            edits: Vec::new(),
        });
        // Both diagnostics point into the secret's scalar, so the short secret is looked for.
        let tainted = [Location::default()];
        mask_secrets(std::slice::from_mut(&mut d), &vars, &tainted);
        mask_secrets(std::slice::from_mut(&mut ok), &vars, &tainted);
        assert_eq!(d.message, "`img:********` and ********");
        assert_eq!(d.help.as_deref(), Some("not ********"));
        assert_eq!(d.secondary[0].text.as_deref(), Some("******** here"));
        assert!(d.fix.is_none());
        assert!(ok.fix.is_some());
    }

    /// A short secret is no word of a diagnostic about something else (`a`, `on` …); a long one
    /// is masked wherever it is.
    #[test]
    fn short_secrets_are_masked_only_where_they_are_used() {
        let vars = Variables::deploy(&DeployContext {
            environment: "prod".into(),
            process: vec![
                ("SV_PROD_A".into(), "a".into()),
                ("SV_PROD_B".into(), "hush-hush".into()),
            ],
            ..Default::default()
        });
        let mut d = Diagnostic::new(
            "FM001",
            Severity::Warning,
            "runs a `mongo` image, not hush-hush",
        )
        .at(Location::default());
        mask_secrets(std::slice::from_mut(&mut d), &vars, &[]);
        assert_eq!(d.message, "runs a `mongo` image, not ********");
    }

    #[test]
    fn pieces_of_a_secret_are_masked_in_quotes() {
        let mut text = "`Sup3r` is not cron syntax, nor `*`; see `crontab(5)`".to_owned();
        mask_quoted_pieces(&mut text, &["Sup3r$ecret!X"]);
        assert_eq!(
            text,
            "`********` is not cron syntax, nor `*`; see `crontab(5)`"
        );
        // Four characters in a row of it give it away too.
        let mut text = "unknown matcher `Leakmatcherx`".to_owned();
        mask_quoted_pieces(&mut text, &["a;Leakmatcher:x"]);
        assert_eq!(text, "unknown matcher `********`");
        let mut text = "`abc` and `xyz`".to_owned();
        mask_quoted_pieces(&mut text, &["abc,def"]);
        assert_eq!(text, "`********` and `xyz`");
    }

    #[test]
    fn short_secrets_are_masked_as_words() {
        assert_eq!(
            mask_one("it looks ok: `ok`, ok", "ok"),
            "it looks ********: `********`, ********"
        );
        assert_eq!(mask_one("tag app:ok-1", "ok"), "tag app:********-1");
        assert_eq!(mask_one("app:xs3cr3tx", "s3cr3t"), "app:x********x");
        assert_eq!(mask_one("é", "é"), "********");
    }
}
