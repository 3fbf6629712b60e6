//! `traefik.frontend.auth.basic`: `user:hash[,user:hash…]` as Traefik v1.7 reads it
//! (entries split on `,` and trimmed; each must split on `:` into exactly two parts), with
//! the hash formats its `go-http-auth` checker knows: apr1 / MD5-crypt, bcrypt and `{SHA}`.
//! Anything else (plain text, DES crypt, `$5$`/`$6$`) is compared as MD5-crypt by Traefik and
//! therefore never accepts a password.

use md5::{Digest, Md5};
use std::collections::HashSet;
use std::ops::Range;

/// A recognised htpasswd hash format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HashFormat {
    /// `$apr1$salt$hash` (Apache MD5, `htpasswd -m`, `openssl passwd -apr1`).
    Apr1,
    /// `$1$salt$hash` (MD5-crypt).
    Md5Crypt,
    /// `$2y$`/`$2a$`/`$2b$`/`$2x$` bcrypt.
    Bcrypt,
    /// `{SHA}` + base64 of a SHA-1 digest.
    Sha1,
}

/// One `user:hash` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// The user name.
    pub name: String,
    /// The hash as written.
    pub hash: String,
    /// Its format.
    pub format: HashFormat,
    /// Byte span of the entry in the label value.
    pub span: Range<usize>,
}

/// What is wrong with an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthErrorKind {
    /// No `:` between user and hash.
    MissingColon,
    /// More than one `:`: Traefik refuses the entry.
    TooManyColons,
    /// Nothing before the `:`.
    EmptyUser,
    /// The hash is not a format Traefik v1 can check.
    UnknownHashFormat,
}

/// A basic-auth entry Traefik refuses, or whose hash it can never match (FR007).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct AuthError {
    /// The kind of problem.
    pub kind: AuthErrorKind,
    /// Byte span inside the label value.
    pub span: Range<usize>,
    /// What is wrong.
    pub message: String,
    /// What to do.
    pub help: String,
}

/// A parsed `traefik.frontend.auth.basic` value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BasicAuth {
    users: Vec<User>,
}

const ITOA64: &[u8] = b"./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

fn is_crypt64(s: &str) -> bool {
    s.bytes().all(|b| ITOA64.contains(&b))
}

/// Recognises a hash, or says why it is not usable.
fn classify(hash: &str) -> Result<HashFormat, String> {
    let md5_shape = |rest: &str| {
        let Some((salt, sum)) = rest.split_once('$') else {
            return false;
        };
        (1..=8).contains(&salt.len()) && is_crypt64(salt) && sum.len() == 22 && is_crypt64(sum)
    };
    if let Some(rest) = hash.strip_prefix("$apr1$") {
        return if md5_shape(rest) {
            Ok(HashFormat::Apr1)
        } else {
            Err("malformed apr1 hash (expected `$apr1$<salt>$<22 characters>`)".to_owned())
        };
    }
    if let Some(rest) = hash.strip_prefix("$1$") {
        return if md5_shape(rest) {
            Ok(HashFormat::Md5Crypt)
        } else {
            Err("malformed MD5-crypt hash (expected `$1$<salt>$<22 characters>`)".to_owned())
        };
    }
    for prefix in ["$2y$", "$2a$", "$2b$", "$2x$"] {
        if let Some(rest) = hash.strip_prefix(prefix) {
            let ok = rest.len() == 56
                && rest
                    .as_bytes()
                    .get(..2)
                    .is_some_and(|c| c.iter().all(u8::is_ascii_digit))
                && rest.as_bytes().get(2) == Some(&b'$')
                && rest.get(3..).is_some_and(is_crypt64);
            return if ok {
                Ok(HashFormat::Bcrypt)
            } else {
                Err(format!(
                    "malformed bcrypt hash (expected `{prefix}<cost>$<53 characters>`)"
                ))
            };
        }
    }
    if let Some(rest) = hash.strip_prefix("{SHA}") {
        let ok = rest.len() == 28
            && rest.ends_with('=')
            && rest[..27]
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/');
        return if ok {
            Ok(HashFormat::Sha1)
        } else {
            Err("malformed `{SHA}` hash (expected 28 base64 characters)".to_owned())
        };
    }
    if hash.starts_with("$5$") || hash.starts_with("$6$") {
        return Err("SHA-crypt hashes (`$5$`, `$6$`) are not supported by Traefik v1".to_owned());
    }
    if hash.is_empty() {
        return Err("the hash is empty".to_owned());
    }
    Err(
        "the hash is not an htpasswd hash Traefik v1 can check (plain text and crypt never match)"
            .to_owned(),
    )
}

const HASH_HELP: &str = "generate the entry with `htpasswd -nb user password` (apr1) or `htpasswd -nbB user password` (bcrypt), and double every `$` in compose files";

impl BasicAuth {
    /// Parses a label value. The value is trimmed first (YAML `>` leaves a newline); an empty
    /// value means no authentication. All bad entries are reported.
    pub fn parse(value: &str) -> Result<BasicAuth, Vec<AuthError>> {
        let mut users = Vec::new();
        let mut errors = Vec::new();
        let mut start = 0;
        for piece in value.split(',') {
            let piece_start = start;
            start += piece.len() + 1;
            let lead = piece.len() - piece.trim_start().len();
            let entry = piece.trim();
            if entry.is_empty() {
                continue;
            }
            let span = piece_start + lead..piece_start + lead + entry.len();
            let parts: Vec<&str> = entry.split(':').collect();
            let (name, hash) = match parts.as_slice() {
                [name, hash] => (*name, *hash),
                [_] => {
                    errors.push(AuthError {
                        kind: AuthErrorKind::MissingColon,
                        span,
                        message: format!("basic-auth entry `{entry}` is not `user:hash`"),
                        help: HASH_HELP.to_owned(),
                    });
                    continue;
                }
                _ => {
                    errors.push(AuthError {
                        kind: AuthErrorKind::TooManyColons,
                        span,
                        message: format!(
                            "basic-auth entry `{entry}` has more than one `:`: Traefik refuses it"
                        ),
                        help: HASH_HELP.to_owned(),
                    });
                    continue;
                }
            };
            if name.is_empty() {
                errors.push(AuthError {
                    kind: AuthErrorKind::EmptyUser,
                    span: span.start..span.start + 1,
                    message: format!("basic-auth entry `{entry}` has no user name"),
                    help: HASH_HELP.to_owned(),
                });
                continue;
            }
            let hash_start = span.start + name.len() + 1;
            match classify(hash) {
                Ok(format) => users.push(User {
                    name: name.to_owned(),
                    hash: hash.to_owned(),
                    format,
                    span,
                }),
                Err(why) => errors.push(AuthError {
                    kind: AuthErrorKind::UnknownHashFormat,
                    span: if hash.is_empty() {
                        span
                    } else {
                        hash_start..span.end
                    },
                    message: format!("password of `{name}`: {why}"),
                    help: HASH_HELP.to_owned(),
                }),
            }
        }
        if errors.is_empty() {
            Ok(BasicAuth { users })
        } else {
            Err(errors)
        }
    }

    /// Whether no user is configured (no authentication).
    pub fn is_empty(&self) -> bool {
        self.users.is_empty()
    }

    /// User names, in order (a repeated name appears once, where it is first written;
    /// Traefik keeps its last hash).
    pub fn users(&self) -> Vec<&str> {
        // A set of the names seen: a label with many users is not quadratic.
        let mut seen: HashSet<&str> = HashSet::with_capacity(self.users.len());
        self.users
            .iter()
            .map(|u| u.name.as_str())
            .filter(|name| seen.insert(name))
            .collect()
    }

    /// The entries, in order.
    pub fn entries(&self) -> &[User] {
        &self.users
    }

    /// Checks a password. `None` when the user is unknown or the hash format cannot be
    /// verified here (only apr1 and MD5-crypt are).
    pub fn verify(&self, user: &str, password: &str) -> Option<bool> {
        let entry = self.users.iter().rev().find(|u| u.name == user)?;
        let magic = match entry.format {
            HashFormat::Apr1 => "$apr1$",
            HashFormat::Md5Crypt => "$1$",
            _ => return None,
        };
        let rest = entry.hash.strip_prefix(magic)?;
        let salt = rest.split('$').next()?;
        Some(md5_crypt(password.as_bytes(), salt.as_bytes(), magic.as_bytes()) == entry.hash)
    }
}

/// MD5-crypt (`$1$`) and its Apache variant (`$apr1$`): they differ only by the magic.
fn md5_crypt(password: &[u8], salt: &[u8], magic: &[u8]) -> String {
    let salt = salt.get(..8).unwrap_or(salt);
    let mut alt = Md5::new();
    alt.update(password);
    alt.update(salt);
    alt.update(password);
    let alt = alt.finalize();

    let mut ctx = Md5::new();
    ctx.update(password);
    ctx.update(magic);
    ctx.update(salt);
    let mut left = password.len();
    while left > 0 {
        let n = left.min(16);
        ctx.update(alt.get(..n).unwrap_or_default());
        left -= n;
    }
    let mut i = password.len();
    while i > 0 {
        if i & 1 == 1 {
            ctx.update([0u8]);
        } else {
            ctx.update(password.get(..1).unwrap_or_default());
        }
        i >>= 1;
    }
    let mut sum: Vec<u8> = ctx.finalize().to_vec();
    for round in 0..1000 {
        let mut c = Md5::new();
        if round & 1 == 1 {
            c.update(password);
        } else {
            c.update(&sum);
        }
        if round % 3 != 0 {
            c.update(salt);
        }
        if round % 7 != 0 {
            c.update(password);
        }
        if round & 1 == 1 {
            c.update(&sum);
        } else {
            c.update(password);
        }
        sum = c.finalize().to_vec();
    }
    let b = |i: usize| u32::from(sum.get(i).copied().unwrap_or(0));
    let mut out = String::new();
    out.push_str(&String::from_utf8_lossy(magic));
    out.push_str(&String::from_utf8_lossy(salt));
    out.push('$');
    let mut to64 = |mut v: u32, n: usize| {
        for _ in 0..n {
            out.push(char::from(ITOA64[(v & 0x3f) as usize]));
            v >>= 6;
        }
    };
    for (x, y, z) in [(0, 6, 12), (1, 7, 13), (2, 8, 14), (3, 9, 15), (4, 10, 5)] {
        to64((b(x) << 16) | (b(y) << 8) | b(z), 4);
    }
    to64(b(11), 2);
    out
}

/// The undoubled `$` of a raw basic-auth label (FR008) and the text with each doubled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DollarFix {
    /// Byte spans of each lone `$` inside a hash.
    pub spans: Vec<Range<usize>>,
    /// The label text with those `$` written `$$`.
    pub fixed: String,
}

/// Finds `$` inside hashes of a raw (not yet interpolated) basic-auth label that are not
/// written `$$`: Compose would read `$apr1` as a variable. A hash that is one whole variable
/// reference (`user:${HASH}`) is left alone. `None` when nothing needs fixing.
pub fn find_undoubled_dollars(raw: &str) -> Option<DollarFix> {
    let mut spans = Vec::new();
    let mut offset = 0;
    for entry in raw.split(',') {
        let entry_start = offset;
        offset += entry.len() + 1;
        let Some(colon) = colon_outside_braces(entry) else {
            continue;
        };
        let hash = &entry[colon + 1..];
        let hash_start = entry_start + colon + 1;
        if is_single_variable(hash.trim()) {
            continue;
        }
        let bytes = hash.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'$' {
                if bytes.get(i + 1) == Some(&b'$') {
                    i += 2;
                    continue;
                }
                spans.push(hash_start + i..hash_start + i + 1);
            }
            i += 1;
        }
    }
    if spans.is_empty() {
        return None;
    }
    let mut fixed = String::with_capacity(raw.len() + spans.len());
    let mut last = 0;
    for s in &spans {
        fixed.push_str(&raw[last..s.end]);
        fixed.push('$');
        last = s.end;
    }
    fixed.push_str(&raw[last..]);
    Some(DollarFix { spans, fixed })
}

/// The first `:` that is not inside a `${…}` reference (`${USER:-bob}:hash`).
fn colon_outside_braces(s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'$' if bytes.get(i + 1) == Some(&b'$') => i += 1,
            b'$' if bytes.get(i + 1) == Some(&b'{') => {
                depth += 1;
                i += 1;
            }
            b'}' if depth > 0 => depth -= 1,
            b':' if depth == 0 => return Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}

fn is_single_variable(s: &str) -> bool {
    if let Some(inner) = s.strip_prefix("${").and_then(|r| r.strip_suffix('}')) {
        return !inner.contains('$') && !inner.contains('}');
    }
    s.strip_prefix('$').is_some_and(|name| {
        !name.is_empty()
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !name.starts_with(|c: char| c.is_ascii_digit())
            && name != "apr1"
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    // Generated on this machine with `openssl passwd -apr1 -salt SALTsalt password`,
    // `openssl passwd -apr1 -salt x '<long password>'` and `openssl passwd -1 -salt abc secret`.
    const APR1: &str = "$apr1$SALTsalt$8LItU.N0EsQpMSseQfUcB0";
    const APR1_LONG: &str = "$apr1$x$86LTyBltqqx929q9QwT1J/";
    const MD5: &str = "$1$abc$iCQ2D3nhptRYi27fDYv2s1";

    #[test]
    fn verify_apr1_and_md5_crypt() {
        let auth =
            BasicAuth::parse(&format!("  bob:{APR1}, eve:{APR1_LONG},carl:{MD5}\n")).unwrap();
        assert_eq!(auth.users(), vec!["bob", "eve", "carl"]);
        assert_eq!(auth.verify("bob", "password"), Some(true));
        assert_eq!(auth.verify("bob", "Password"), Some(false));
        assert_eq!(
            auth.verify("eve", "p@ss w0rd long password exceeding sixteen"),
            Some(true)
        );
        assert_eq!(auth.verify("carl", "secret"), Some(true));
        assert_eq!(auth.verify("nobody", "password"), None);
    }

    #[test]
    fn a_repeated_user_is_listed_once_where_first_written_and_keeps_its_last_hash() {
        let auth = BasicAuth::parse(&format!(
            "bob:{MD5},eve:{APR1},bob:{APR1},carl:{MD5},eve:{MD5}"
        ))
        .unwrap();
        assert_eq!(auth.users(), vec!["bob", "eve", "carl"]);
        assert_eq!(auth.entries().len(), 5);
        assert_eq!(auth.verify("bob", "password"), Some(true));
        assert_eq!(auth.verify("eve", "secret"), Some(true));
        let many: Vec<String> = (0..3000).map(|i| format!("u{}:{APR1}", i % 1000)).collect();
        let auth = BasicAuth::parse(&many.join(",")).unwrap();
        let want: Vec<String> = (0..1000).map(|i| format!("u{i}")).collect();
        assert_eq!(auth.users(), want);
    }

    #[test]
    fn formats() {
        let bcrypt = "$2y$05$6zECIStqygUCGeKl/zog/up2Hu2vADiDJfw6SLd0cCSepU80czGS2";
        let sha = "{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=";
        let auth = BasicAuth::parse(&format!("a:{bcrypt},b:{sha}")).unwrap();
        assert_eq!(auth.entries()[0].format, HashFormat::Bcrypt);
        assert_eq!(auth.entries()[1].format, HashFormat::Sha1);
        assert_eq!(auth.verify("a", "x"), None);
        assert!(BasicAuth::parse(" \n").unwrap().is_empty());
    }

    #[test]
    fn errors_with_spans() {
        let value = "bob, alice:plain,carl:$apr1$x,a:b:c";
        let errs = BasicAuth::parse(value).unwrap_err();
        let kinds: Vec<AuthErrorKind> = errs.iter().map(|e| e.kind).collect();
        assert_eq!(
            kinds,
            vec![
                AuthErrorKind::MissingColon,
                AuthErrorKind::UnknownHashFormat,
                AuthErrorKind::UnknownHashFormat,
                AuthErrorKind::TooManyColons
            ]
        );
        let spans: Vec<&str> = errs.iter().map(|e| &value[e.span.clone()]).collect();
        assert_eq!(spans, vec!["bob", "plain", "$apr1$x", "a:b:c"]);
    }

    #[test]
    fn undoubled_dollars() {
        let raw = "bob:$apr1$SALTsalt$8LItU.N0EsQpMSseQfUcB0,eve:$$apr1$$x$$y";
        let fix = find_undoubled_dollars(raw).unwrap();
        assert_eq!(fix.spans, vec![4..5, 9..10, 18..19]);
        assert_eq!(
            fix.fixed,
            "bob:$$apr1$$SALTsalt$$8LItU.N0EsQpMSseQfUcB0,eve:$$apr1$$x$$y"
        );
        // The fixed text has nothing left to fix.
        assert_eq!(find_undoubled_dollars(&fix.fixed), None);
        assert_eq!(find_undoubled_dollars("bob:${BOB_HASH}"), None);
        assert_eq!(find_undoubled_dollars("bob:$BOB_HASH"), None);
        assert_eq!(
            find_undoubled_dollars("${USER:-bob}:${HASH:?missing}"),
            None
        );
    }
}
