//! A value that never prints itself.

use std::fmt;

/// What every masked value prints as.
pub const MASK: &str = "********";

/// A secret value: `Debug` and `Display` print `********`; [`Secret::expose`] gives the value.
///
/// ```
/// use factory_env::Secret;
/// let secret = Secret::new("hunter2");
/// assert_eq!(format!("{secret} {secret:?}"), "******** ********");
/// assert_eq!(secret.expose(), "hunter2");
/// ```
#[derive(Clone, PartialEq, Eq, Hash, Default)]
pub struct Secret(String);

impl Secret {
    /// Wraps `value`.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret value itself.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(MASK)
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(MASK)
    }
}

/// What a credential of a known format is, as found by [`find_credential`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CredentialKind(&'static str);

impl CredentialKind {
    /// The kind in words (`a GitLab personal access token`).
    pub fn describe(self) -> &'static str {
        self.0
    }
}

impl fmt::Display for CredentialKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

/// A token prefix, what it names, and the characters and least count of the body after it.
struct TokenFormat {
    prefix: &'static str,
    kind: &'static str,
    body: fn(u8) -> bool,
    min: usize,
    /// The body is exactly `min` characters, and the next byte is not a body character.
    exact: bool,
}

fn alnum(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

fn alnum_underscore(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

fn alnum_dash_underscore(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

fn upper_digit(b: u8) -> bool {
    b.is_ascii_uppercase() || b.is_ascii_digit()
}

fn alnum_dash(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-'
}

/// The token formats providers document with a fixed prefix (which is what lets them be told
/// from any other random string without guessing).
const TOKEN_FORMATS: &[TokenFormat] = &[
    TokenFormat {
        prefix: "glpat-",
        kind: "a GitLab personal access token",
        body: alnum_dash_underscore,
        min: 20,
        exact: false,
    },
    TokenFormat {
        prefix: "glptt-",
        kind: "a GitLab pipeline trigger token",
        body: alnum_dash_underscore,
        min: 20,
        exact: false,
    },
    TokenFormat {
        prefix: "gldt-",
        kind: "a GitLab deploy token",
        body: alnum_dash_underscore,
        min: 20,
        exact: false,
    },
    TokenFormat {
        prefix: "glrt-",
        kind: "a GitLab runner token",
        body: alnum_dash_underscore,
        min: 20,
        exact: false,
    },
    TokenFormat {
        prefix: "ghp_",
        kind: "a GitHub token",
        body: alnum,
        min: 36,
        exact: false,
    },
    TokenFormat {
        prefix: "gho_",
        kind: "a GitHub token",
        body: alnum,
        min: 36,
        exact: false,
    },
    TokenFormat {
        prefix: "ghu_",
        kind: "a GitHub token",
        body: alnum,
        min: 36,
        exact: false,
    },
    TokenFormat {
        prefix: "ghs_",
        kind: "a GitHub token",
        body: alnum,
        min: 36,
        exact: false,
    },
    TokenFormat {
        prefix: "ghr_",
        kind: "a GitHub token",
        body: alnum,
        min: 36,
        exact: false,
    },
    TokenFormat {
        prefix: "github_pat_",
        kind: "a GitHub token",
        body: alnum_underscore,
        min: 22,
        exact: false,
    },
    TokenFormat {
        prefix: "AKIA",
        kind: "an AWS access key",
        body: upper_digit,
        min: 16,
        exact: true,
    },
    TokenFormat {
        prefix: "ASIA",
        kind: "an AWS access key",
        body: upper_digit,
        min: 16,
        exact: true,
    },
    TokenFormat {
        prefix: "xoxb-",
        kind: "a Slack token",
        body: alnum_dash,
        min: 10,
        exact: false,
    },
    TokenFormat {
        prefix: "xoxp-",
        kind: "a Slack token",
        body: alnum_dash,
        min: 10,
        exact: false,
    },
    TokenFormat {
        prefix: "xoxa-",
        kind: "a Slack token",
        body: alnum_dash,
        min: 10,
        exact: false,
    },
    TokenFormat {
        prefix: "xoxr-",
        kind: "a Slack token",
        body: alnum_dash,
        min: 10,
        exact: false,
    },
    TokenFormat {
        prefix: "sk_live_",
        kind: "a Stripe secret key",
        body: alnum,
        min: 16,
        exact: false,
    },
    TokenFormat {
        prefix: "rk_live_",
        kind: "a Stripe secret key",
        body: alnum,
        min: 16,
        exact: false,
    },
    TokenFormat {
        prefix: "AIza",
        kind: "a Google API key",
        body: alnum_dash_underscore,
        min: 35,
        exact: true,
    },
];

/// The first credential of a known format in `text` (a GitLab, GitHub, AWS, Slack, Stripe or
/// Google token, or a PEM private key), with its byte range and kind (FE008). A token counts
/// only with its documented prefix, not inside a longer word, and with a body of its format's
/// characters and length, so an ordinary value is never taken for one.
///
/// ```
/// use factory_env::find_credential;
/// let url = "https://ci:glpat-abcdefghij0123456789@gitlab.example/x.git";
/// let (range, kind) = find_credential(url).unwrap();
/// assert_eq!(&url[range], "glpat-abcdefghij0123456789");
/// assert_eq!(kind.describe(), "a GitLab personal access token");
/// assert_eq!(find_credential("glpat-short"), None);
/// ```
pub fn find_credential(text: &str) -> Option<(std::ops::Range<usize>, CredentialKind)> {
    let bytes = text.as_bytes();
    // Most values are short words: no format fits in fewer than 20 bytes.
    if bytes.len() < 20 {
        return None;
    }
    let mut best: Option<(std::ops::Range<usize>, CredentialKind)> = None;
    // One pass over the starts of words: every prefix begins with one of these bytes.
    for (start, &b) in bytes.iter().enumerate() {
        // An ASCII byte starts a character: `text[..start]` is whole characters.
        if !matches!(b, b'g' | b'A' | b'x' | b's' | b'r')
            || text[..start]
                .chars()
                .next_back()
                .is_some_and(char::is_alphanumeric)
        {
            continue;
        }
        let found = TOKEN_FORMATS.iter().find_map(|format| {
            let from = start + format.prefix.len();
            if !bytes[start..].starts_with(format.prefix.as_bytes()) {
                return None;
            }
            // An exact length needs one byte past it, not the whole run (which would make a
            // long run of prefixes quadratic).
            let most = if format.exact {
                format.min + 1
            } else {
                usize::MAX
            };
            let body = &bytes[from..];
            let len = body
                .iter()
                .take(most)
                .take_while(|b| (format.body)(**b))
                .count();
            let fits = if format.exact {
                len == format.min
            } else {
                len >= format.min
            };
            (fits && looks_random(&body[..len]))
                .then(|| (start..from + len, CredentialKind(format.kind)))
        });
        if found.is_some() {
            best = found;
            break;
        }
    }
    // A PEM private key, also after other blocks (a certificate, then its key).
    let mut from = 0;
    while let Some(i) = text[from..].find("-----BEGIN ") {
        let start = from + i;
        from = start + "-----BEGIN ".len();
        if best.as_ref().is_some_and(|(r, _)| r.start < start) {
            break;
        }
        let Some(label_len) = text[from..].find("-----") else {
            break;
        };
        if !text[from..from + label_len].ends_with("PRIVATE KEY") {
            continue;
        }
        let end = text[from..]
            .find("-----END ")
            .and_then(|e| {
                let after = from + e;
                text[after..]
                    .find("KEY-----")
                    .map(|k| after + k + "KEY-----".len())
            })
            .unwrap_or(text.len());
        best = Some((start..end, CredentialKind("a private key")));
        break;
    }
    best
}

/// Whether a token's body mixes at least two of lower-case letters, upper-case letters and
/// digits, as a random one does: `glpat-is-a-word-here` is a phrase, not a token.
fn looks_random(body: &[u8]) -> bool {
    let lower = body.iter().any(u8::is_ascii_lowercase);
    let upper = body.iter().any(u8::is_ascii_uppercase);
    let digit = body.iter().any(u8::is_ascii_digit);
    u8::from(lower) + u8::from(upper) + u8::from(digit) >= 2
}

#[cfg(test)]
mod tests {
    use super::find_credential;

    #[test]
    fn known_formats() {
        for (text, token, kind) in [
            (
                "glpat-xXxxxxxxxxxxxxxxxxxx",
                "glpat-xXxxxxxxxxxxxxxxxxxx",
                "a GitLab personal access token",
            ),
            (
                "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n-----BEGIN EC PRIVATE KEY-----\nMHc\n-----END EC PRIVATE KEY-----",
                "-----BEGIN EC PRIVATE KEY-----\nMHc\n-----END EC PRIVATE KEY-----",
                "a private key",
            ),
            (
                "token ghp_16C7e42F292c6912E7710c838347Ae178B4a",
                "ghp_16C7e42F292c6912E7710c838347Ae178B4a",
                "a GitHub token",
            ),
            (
                "AKIAIOSFODNN7EXAMPLE",
                "AKIAIOSFODNN7EXAMPLE",
                "an AWS access key",
            ),
            (
                "xoxb-123456789012-abcdefghij",
                "xoxb-123456789012-abcdefghij",
                "a Slack token",
            ),
            (
                "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
                "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
                "a Stripe secret key",
            ),
            (
                "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----",
                "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----",
                "a private key",
            ),
            (
                "-----BEGIN OPENSSH PRIVATE KEY----- b3Blbn",
                "-----BEGIN OPENSSH PRIVATE KEY----- b3Blbn",
                "a private key",
            ),
        ] {
            let (range, found) = find_credential(text).unwrap_or_else(|| panic!("{text}"));
            assert_eq!(&text[range], token);
            assert_eq!(found.describe(), kind);
        }
    }

    #[test]
    fn ordinary_values() {
        for text in [
            "",
            "hunter2",
            "postgres://user:pass@db:5432/app",
            "glpat-tooshort",
            "MYAKIAIOSFODNN7EXAMPLE",
            "AKIAIOSFODNN7EXAMPLE1",
            "ghp_short_but_not_36_characters_long",
            "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----",
            "-----BEGIN PUBLIC KEY-----\nMIIB",
            "é-----BEGIN ",
            "églpat-abcdefghij0123456789",
            "/path/glpat-is-a-word-here-ok-yes",
            "xoxb-not-a-real-token-at-all",
            "glpat-xxxxxxxxxxxxxxxxxxxx",
        ] {
            assert_eq!(find_credential(text), None, "{text}");
        }
    }
}
