//! Docker image references (`[registry[:port]/]path[:tag][@digest]`), parsed the way the
//! distribution reference grammar does, with the reason a reference is invalid.

/// A parsed image reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRef<'a> {
    /// Registry host (with port), if the first component looks like one (`.`/`:` or `localhost`).
    pub registry: Option<&'a str>,
    /// Repository path without registry (`library/nginx`, `bearstech/python`).
    pub path: &'a str,
    /// The tag after `:`, if any.
    pub tag: Option<&'a str>,
    /// The digest after `@`, if any.
    pub digest: Option<&'a str>,
}

impl ImageRef<'_> {
    /// The last path component (`python` in `bearstech/python:3`).
    #[must_use]
    pub fn name(&self) -> &str {
        self.path.rsplit('/').next().unwrap_or(self.path)
    }
}

/// Why a reference is invalid: a message and the byte range inside the reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRefError {
    /// What is wrong.
    pub message: String,
    /// Where, relative to the reference text.
    pub range: std::ops::Range<usize>,
}

fn err(message: impl Into<String>, range: std::ops::Range<usize>) -> ImageRefError {
    ImageRefError {
        message: message.into(),
        range,
    }
}

/// `s.split_once(b)` for an ASCII byte, as a plain byte scan (cheaper than a char searcher on
/// these short texts).
fn split_once_byte(s: &str, b: u8) -> Option<(&str, &str)> {
    let i = s.bytes().position(|x| x == b)?;
    Some((s.get(..i)?, s.get(i + 1..)?))
}

/// `s.rfind(b)` for an ASCII byte.
fn rfind_byte(s: &str, b: u8) -> Option<usize> {
    s.bytes().rposition(|x| x == b)
}

/// Parse `text` as an image reference.
///
/// # Errors
/// When `text` is not a valid reference: empty, upper-case repository, bad tag or digest …
pub fn parse(text: &str) -> Result<ImageRef<'_>, ImageRefError> {
    if text.is_empty() {
        return Err(err("the image reference is empty", 0..0));
    }
    // Printable ASCII has no white space: the char-by-char search only for other text.
    if !text.bytes().all(|b| b.is_ascii_graphic())
        && let Some((i, c)) = text.char_indices().find(|(_, c)| c.is_whitespace())
    {
        // The whole character: white space past ASCII (a NEL, U+0085) is two bytes or more.
        return Err(err(
            "an image reference cannot contain whitespace",
            i..i + c.len_utf8(),
        ));
    }
    let (rest, digest) = match split_once_byte(text, b'@') {
        Some((r, d)) => (r, Some((r.len() + 1, d))),
        None => (text, None),
    };
    if let Some((at, d)) = digest {
        let valid = split_once_byte(d, b':').is_some_and(|(algo, hex)| {
            !algo.is_empty()
                && algo.bytes().all(|b| {
                    b.is_ascii_lowercase()
                        || b.is_ascii_digit()
                        || matches!(b, b'+' | b'.' | b'_' | b'-')
                })
                && hex.len() >= 32
                && hex.bytes().all(|b| b.is_ascii_hexdigit())
        });
        if !valid {
            return Err(err(
                "the digest after `@` must be `algorithm:hex` (e.g. `sha256:` and 64 hex digits)",
                at..text.len(),
            ));
        }
    }
    // The tag is after the last `:` that follows the last `/`.
    let last_slash = rfind_byte(rest, b'/').map_or(0, |i| i + 1);
    let (name, tag) = match rfind_byte(&rest[last_slash..], b':') {
        Some(i) => (
            &rest[..last_slash + i],
            Some((last_slash + i + 1, &rest[last_slash + i + 1..])),
        ),
        None => (rest, None),
    };
    if let Some((at, t)) = tag {
        if t.is_empty() {
            return Err(err("the tag after `:` is empty", at..at));
        }
        let ok = !t.is_empty()
            && t.len() <= 128
            && t.bytes()
                .next()
                .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_')
            && t.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'));
        if !ok {
            return Err(err(
                "the tag must be 1–128 characters of letters, digits, `_`, `.` and `-`, not starting with `.` or `-`",
                at..at + t.len(),
            ));
        }
    }
    // distribution/reference's `splitDockerDomain`: the first component is a registry when
    // it has a `.` or a `:`, is `localhost`, or has an upper-case letter.
    let (registry, path, path_at) = match split_once_byte(name, b'/') {
        Some((first, p))
            if first
                .bytes()
                .any(|b| b == b'.' || b == b':' || b.is_ascii_uppercase())
                || first == "localhost" =>
        {
            (Some(first), p, first.len() + 1)
        }
        _ => (None, name, 0),
    };
    if let Some(r) = registry {
        // `[ipv6]` or a name whose components start and end with a letter or digit, then an
        // optional `:port`.
        let (host, port) = match r.strip_prefix('[').and_then(|v6| v6.split_once(']')) {
            Some((v6, after)) => (
                (!v6.is_empty() && v6.bytes().all(|b| b.is_ascii_hexdigit() || b == b':'))
                    .then_some(r),
                match after {
                    "" => None,
                    a => Some(a.strip_prefix(':').unwrap_or("x")),
                },
            ),
            None => {
                let (h, p) = split_once_byte(r, b':').map_or((r, None), |(h, p)| (h, Some(p)));
                let component = |c: &str| {
                    let b = c.as_bytes();
                    !b.is_empty()
                        && b[0].is_ascii_alphanumeric()
                        && b[b.len() - 1].is_ascii_alphanumeric()
                        && b.iter().all(|&x| x.is_ascii_alphanumeric() || x == b'-')
                };
                (h.split('.').all(component).then_some(h), p)
            }
        };
        let port_ok = port.is_none_or(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
        if host.is_none() || !port_ok {
            return Err(err(
                "the registry host is not a valid `host[:port]`",
                0..r.len(),
            ));
        }
    }
    if path.is_empty() {
        return Err(err("the image name is empty", path_at..path_at));
    }
    let mut offset = path_at;
    for component in path.split('/') {
        if let Some(e) = component_error(component) {
            return Err(err(e, offset..offset + component.len()));
        }
        offset += component.len() + 1;
    }
    Ok(ImageRef {
        registry,
        path,
        tag: tag.map(|(_, t)| t),
        digest: digest.map(|(_, d)| d),
    })
}

/// `[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*`
fn component_error(c: &str) -> Option<&'static str> {
    if c.is_empty() {
        return Some("the repository path has an empty component (`//` or a trailing `/`)");
    }
    if c.bytes().any(|b| b.is_ascii_uppercase()) {
        return Some("repository names must be lower-case");
    }
    let bytes = c.as_bytes();
    let alnum = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    if !alnum(bytes[0]) || !alnum(bytes[bytes.len() - 1]) {
        return Some("a repository path component must start and end with a letter or digit");
    }
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if alnum(b) {
            i += 1;
            continue;
        }
        match b {
            b'.' => {
                if !alnum(bytes[i + 1]) {
                    return Some(
                        "separators (`.`, `_`, `__`, `-`) must sit between letters or digits",
                    );
                }
                i += 1;
            }
            b'_' => {
                let run = bytes[i..].iter().take_while(|&&x| x == b'_').count();
                if run > 2 {
                    return Some("at most two `_` in a row in a repository name");
                }
                i += run;
            }
            b'-' => i += bytes[i..].iter().take_while(|&&x| x == b'-').count(),
            _ => {
                return Some(
                    "repository names may contain only lower-case letters, digits, `.`, `_` and `-`",
                );
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn valid_references() {
        for ok in [
            "nginx",
            "nginx:1.25",
            "bearstech/python:3",
            "registry.example:5000/group/app:abc123",
            "localhost/app",
            "mariadb:10.1",
            "docker.io/library/postgres:9.6-alpine",
            "app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            "a__b/c-d--e.f:v_1.0-rc",
            // A first component with an upper-case letter is a registry host (Docker's reading).
            "A/b:1",
            "[::1]:5000/app:1",
            "my-registry.example/app",
        ] {
            assert!(parse(ok).is_ok(), "{ok}: {:?}", parse(ok));
        }
        let r = parse("registry.example:5000/group/app:abc").unwrap();
        assert_eq!(
            (r.registry, r.path, r.tag, r.name()),
            (
                Some("registry.example:5000"),
                "group/app",
                Some("abc"),
                "app"
            )
        );
    }

    #[test]
    fn invalid_references() {
        for (bad, range) in [
            ("", 0..0),
            ("Nginx", 0..5),
            ("nginx:", 6..6),
            ("nginx:-x", 6..8),
            ("group//app", 6..6),
            ("app:1 0", 5..6),
            // White space past ASCII is the whole character (a NEL is two bytes).
            ("x\u{85}y", 1..3),
            ("app:1\u{3000}0", 5..8),
            ("app@sha256:xyz", 4..14),
            ("a___b", 0..5),
            ("-app", 0..4),
            // A host name's components start and end with a letter or digit.
            ("a.-b/c:1", 0..4),
            ("registry-.example/app:1", 0..17),
            ("host:/app", 0..5),
            ("[xyz]/app", 0..5),
        ] {
            let e = parse(bad).expect_err(bad);
            assert_eq!(e.range, range, "{bad}: {}", e.message);
        }
    }
}
