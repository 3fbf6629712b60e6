//! The HTTP request a rule is matched against, and the few pieces of Go's `net/url` and
//! `net/http` behaviour that Traefik's matching depends on.

use std::collections::HashMap;
use std::fmt;

/// An HTTP request as Traefik's router sees it.
///
/// `path` is the request path as sent on the wire (percent-encoded, e.g. `/a%2Fb`); matching
/// uses its decoded form, as Go's `URL.Path`. `query` holds decoded `key=value` pairs in order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Request {
    /// The `Host` header, possibly with a port (`example.com:8080`).
    pub host: String,
    /// The raw (percent-encoded) path, starting with `/`.
    pub path: String,
    /// The method as sent (`GET`); compared case-sensitively, as Go does.
    pub method: String,
    /// Header name/value pairs; a name may repeat.
    pub headers: Vec<(String, String)>,
    /// Decoded query parameters in order; a name may repeat.
    pub query: Vec<(String, String)>,
    /// The query as sent, without the `?` (Go's `URL.RawQuery`), when known: a redirect
    /// location keeps it as written (`?foo` stays `?foo`). `None`: the pairs of
    /// [`Request::query`], re-encoded.
    pub raw_query: Option<String>,
    /// The scheme the URL was written with (`http` or `https`, lower-cased), shown when the
    /// request is printed; `None` (omitted) shows as `https`. Traefik v1's rules do not read
    /// it: every route is tried whatever the scheme.
    pub scheme: Option<String>,
}

/// Error from [`Request::from_url`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct UrlError {
    /// What is wrong with the URL.
    pub message: String,
}

impl Request {
    /// Builds a GET request for `host` and raw `path` with no headers and no query.
    pub fn new(host: &str, path: &str) -> Request {
        Request {
            host: host.to_owned(),
            path: path.to_owned(),
            method: "GET".to_owned(),
            headers: Vec::new(),
            query: Vec::new(),
            raw_query: None,
            scheme: None,
        }
    }

    /// Parses `scheme://host[:port]/path?query` (the scheme, `http` or `https` in any case,
    /// may be omitted) into a request.
    ///
    /// A fragment is dropped, user info before `@` is ignored, an empty path becomes `/`.
    /// Another scheme (`ftp://`) is an error: Traefik serves HTTP only.
    pub fn from_url(
        url: &str,
        method: &str,
        headers: Vec<(String, String)>,
    ) -> Result<Request, UrlError> {
        let url = url.trim();
        let without_fragment = url.split_once('#').map_or(url, |(a, _)| a);
        let (scheme, rest) = match without_fragment.find("://") {
            Some(i) => {
                let scheme = &without_fragment[..i];
                if scheme.is_empty()
                    || !scheme
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
                {
                    return Err(UrlError {
                        message: format!("invalid URL scheme in `{url}`"),
                    });
                }
                let scheme = scheme.to_ascii_lowercase();
                if !matches!(scheme.as_str(), "http" | "https") {
                    return Err(UrlError {
                        message: format!(
                            "`{url}` is not an HTTP URL: Traefik serves `http://` and `https://` (give one of them, or no scheme)"
                        ),
                    });
                }
                (Some(scheme), &without_fragment[i + 3..])
            }
            None => (None, without_fragment),
        };
        let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
        let authority = &rest[..authority_end];
        let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
        if host.is_empty() {
            return Err(UrlError {
                message: format!("the URL `{url}` has no host"),
            });
        }
        check_host(host).map_err(|what| UrlError {
            message: format!("the URL `{url}` {what}"),
        })?;
        let after = &rest[authority_end..];
        let (path, query) = match after.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (after, None),
        };
        let path = if path.is_empty() { "/" } else { path };
        Ok(Request {
            host: host.to_owned(),
            path: path.to_owned(),
            method: if method.is_empty() {
                "GET".to_owned()
            } else {
                method.to_owned()
            },
            headers,
            query: parse_query(query.unwrap_or_default()),
            raw_query: query.map(str::to_owned),
            scheme,
        })
    }

    /// The decoded path (Go's `URL.Path`).
    pub(crate) fn decoded_path(&self) -> String {
        unescape_path(&self.path)
    }

    /// Go's `URL.RawPath`: the raw path when it differs from the default encoding of the
    /// decoded path, otherwise `None`.
    pub(crate) fn raw_path(&self) -> Option<String> {
        let decoded = self.decoded_path();
        if escape_path(&decoded) == self.path {
            None
        } else {
            Some(self.path.clone())
        }
    }

    /// The values of every header, by canonical name, in request order. Built once per match,
    /// so that a rule with many header pairs does not canonicalise every header of the
    /// request for each pair.
    pub(crate) fn header_index(&self) -> HashMap<String, Vec<&str>> {
        let mut index: HashMap<String, Vec<&str>> = HashMap::new();
        for (k, v) in &self.headers {
            let name = canonical_header_key(k);
            // Go's server moves `Host` out of the header map into `Request.Host`.
            if name != "Host" {
                index.entry(name).or_default().push(v);
            }
        }
        index
    }

    /// The first value of every query parameter, by name (mux reads the first).
    pub(crate) fn query_index(&self) -> HashMap<&str, &str> {
        let mut index = HashMap::new();
        for (k, v) in &self.query {
            index.entry(k.as_str()).or_insert(v.as_str());
        }
        index
    }

    /// The query part of the request target, with its `?`, as Go's `URL.String` writes it:
    /// the query as sent when known (a `?` with nothing after it is kept, as Go's
    /// `ForceQuery`), else the pairs re-encoded; empty when there is none.
    pub(crate) fn query_suffix(&self) -> String {
        match &self.raw_query {
            Some(raw) => format!("?{raw}"),
            None if self.query.is_empty() => String::new(),
            None => {
                let pairs: Vec<String> = self
                    .query
                    .iter()
                    .map(|(k, v)| format!("{}={}", query_escape(k), query_escape(v)))
                    .collect();
                format!("?{}", pairs.join("&"))
            }
        }
    }
}

impl fmt::Display for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}://{}{}{}",
            self.method,
            self.scheme.as_deref().unwrap_or("https"),
            self.host,
            self.path,
            self.query_suffix()
        )?;
        for (k, v) in &self.headers {
            write!(f, " -H '{k}: {v}'")?;
        }
        Ok(())
    }
}

/// Whether `host` (with its port) is one a client sends and Go's `url.Parse` accepts
/// (`parseHost`): ASCII outside an IPv6 zone (a browser sends an international name as punycode); an IPv6
/// address in brackets, the brackets closed; after them or after the last `:`, a port of
/// digits or nothing; no character a host cannot hold (a space, `{`, `|`, …: Go's
/// `shouldEscape` in host mode) and `%` only as an escape (`%25`, or of a byte past ASCII).
/// Else what is wrong, to follow "the URL `…`". A client refuses such a URL before any
/// request reaches Traefik.
fn check_host(host: &str) -> Result<(), String> {
    // An IPv6 zone (`[fe80::1%25en0]`) is read with Go's zone rules from its `%25` to the `]`:
    // the bytes of its name (`%25eth0`, `%25é`) are the system's, not a host name's.
    let zone = host
        .strip_prefix('[')
        .and_then(|inner| Some((inner.find("%25")? + 1, inner.rfind(']')? + 1)))
        .filter(|(start, end)| start < end);
    let named = zone.map_or(host.len(), |(start, _)| start);
    let after = zone.map_or(host.len(), |(_, end)| end);
    if !(host[..named].is_ascii() && host[after..].is_ascii()) {
        return Err("has a host name that is not ASCII: a browser sends an international name in its ASCII form (punycode, `xn--…`), which is what Traefik compares; give the URL with the host in that form".to_owned());
    }
    let port = if let Some(inner) = host.strip_prefix('[') {
        let Some(close) = inner.rfind(']') else {
            return Err("has no `]` to close its IPv6 address".to_owned());
        };
        &inner[close + 1..]
    } else {
        host.rfind(':').map_or("", |i| &host[i..])
    };
    if let Some(digits) = port.strip_prefix(':') {
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("has an invalid port `{digits}`: give digits"));
        }
    } else if !port.is_empty() {
        return Err(format!(
            "has `{port}` after its IPv6 address: give a port (`]:8080`) or nothing"
        ));
    }
    let bytes = host.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let in_zone = zone.is_some_and(|(start, end)| (start..end).contains(&i));
        if b == b'%' {
            let hex = |k: usize| bytes.get(k).and_then(|b| char::from(*b).to_digit(16));
            let allowed = match (hex(i + 1), hex(i + 2)) {
                (Some(hi), Some(lo)) => {
                    let escaped = u8::try_from(hi * 16 + lo).unwrap_or(u8::MAX);
                    host[i..].starts_with("%25")
                        || if in_zone {
                            // Go: any byte a host may hold unescaped, or a space.
                            escaped == b' ' || (escaped < 0x80 && host_byte(escaped))
                        } else {
                            // Go: in a host, only an escape of a byte past ASCII.
                            escaped >= 0x80
                        }
                }
                _ => false,
            };
            if !allowed {
                let end = host[i..].chars().take(3).map(char::len_utf8).sum::<usize>();
                return Err(format!(
                    "has an invalid escape `{}` in its host",
                    &host[i..i + end]
                ));
            }
            i += 3;
            continue;
        }
        if b < 0x80 && !host_byte(b) {
            let c = host[i..].chars().next().unwrap_or('?');
            return Err(format!("has a character a host name cannot hold: {c:?}"));
        }
        i += 1;
    }
    Ok(())
}

/// Whether a host may hold ASCII byte `b` as written (Go's `shouldEscape` in host mode is
/// false for it).
fn host_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || matches!(
            b,
            b'-' | b'_'
                | b'.'
                | b'~'
                | b'!'
                | b'$'
                | b'&'
                | b'\''
                | b'('
                | b')'
                | b'*'
                | b'+'
                | b','
                | b';'
                | b'='
                | b':'
                | b'['
                | b']'
                | b'<'
                | b'>'
                | b'"'
        )
}

/// Parses a raw query string as Go's `url.ParseQuery`: pairs separated by `&`, split at the
/// first `=`, both sides unescaped (`+` is a space); a pair with a bad escape is dropped.
pub fn parse_query(raw: &str) -> Vec<(String, String)> {
    raw.split('&')
        .filter(|part| !part.is_empty())
        .filter_map(|part| {
            let (k, v) = part.split_once('=').unwrap_or((part, ""));
            Some((query_unescape(k)?, query_unescape(v)?))
        })
        .collect()
}

fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

fn percent_decode(s: &str, plus_is_space: bool) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hi = bytes.get(i + 1).copied().and_then(hex_val)?;
                let lo = bytes.get(i + 2).copied().and_then(hex_val)?;
                out.push(hi * 16 + lo);
                i += 3;
            }
            b'+' if plus_is_space => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    Some(String::from_utf8_lossy(&out).into_owned())
}

fn query_unescape(s: &str) -> Option<String> {
    percent_decode(s, true)
}

/// Decodes a path; an invalid escape leaves the path as written.
pub(crate) fn unescape_path(s: &str) -> String {
    percent_decode(s, false).unwrap_or_else(|| s.to_owned())
}

/// Go's `escape(s, encodePath)`.
pub(crate) fn escape_path(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        let keep = b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'-' | b'_'
                    | b'.'
                    | b'~'
                    | b'$'
                    | b'&'
                    | b'+'
                    | b','
                    | b'/'
                    | b':'
                    | b';'
                    | b'='
                    | b'@'
            );
        if keep {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn query_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else if b == b' ' {
            out.push('+');
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Go's `http.CanonicalHeaderKey`: `content-type` → `Content-Type`; a name with a byte that
/// is not a token character is returned unchanged.
pub(crate) fn canonical_header_key(key: &str) -> String {
    let is_token = |b: u8| {
        b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'!' | b'#'
                    | b'$'
                    | b'%'
                    | b'&'
                    | b'\''
                    | b'*'
                    | b'+'
                    | b'-'
                    | b'.'
                    | b'^'
                    | b'_'
                    | b'`'
                    | b'|'
                    | b'~'
            )
    };
    if !key.bytes().all(is_token) {
        return key.to_owned();
    }
    let mut upper = true;
    key.chars()
        .map(|c| {
            let out = if upper {
                c.to_ascii_uppercase()
            } else {
                c.to_ascii_lowercase()
            };
            upper = c == '-';
            out
        })
        .collect()
}

/// The canonical request host used by Traefik's `Host` matcher: port removed as
/// `net.SplitHostPort` does, then trimmed and lower-cased.
pub(crate) fn canonical_host(host: &str) -> String {
    let h = if host.contains(':') {
        split_host_port(host).unwrap_or(host)
    } else {
        host
    };
    h.trim().to_lowercase()
}

/// Go's `net.SplitHostPort`, host part only.
fn split_host_port(s: &str) -> Option<&str> {
    if let Some(rest) = s.strip_prefix('[') {
        let close = rest.find(']')?;
        let after = &rest[close + 1..];
        if !after.starts_with(':') || after[1..].contains(':') {
            return None;
        }
        Some(&rest[..close])
    } else {
        let i = s.rfind(':')?;
        let host = &s[..i];
        if host.contains(':') || host.contains('[') || host.contains(']') {
            return None;
        }
        if s[i + 1..].contains('[') || s[i + 1..].contains(']') {
            return None;
        }
        Some(host)
    }
}

/// The host mux's `HostRegexp` matches: everything before the first `:`.
pub(crate) fn mux_host(host: &str) -> &str {
    host.split_once(':').map_or(host, |(h, _)| h)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_indexes_keep_every_header_value_and_the_first_query_value() {
        let mut r = Request::new("a.com", "/");
        r.headers = [("x-a", "1"), ("Host", "h"), ("X-A", "2"), ("accept", "j")]
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .to_vec();
        r.query = [("k", "1"), ("j", ""), ("k", "2")]
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .to_vec();
        let headers = r.header_index();
        assert_eq!(headers.get("X-A"), Some(&vec!["1", "2"]));
        assert_eq!(headers.get("Accept"), Some(&vec!["j"]));
        // `Host` is not a header for mux.
        assert_eq!(headers.len(), 2);
        let query = r.query_index();
        assert_eq!(query.get("k"), Some(&"1"));
        assert_eq!(query.get("j"), Some(&""));
        assert_eq!(query.len(), 2);
    }

    #[test]
    fn url_parsing() {
        let r = Request::from_url("https://Ex.com:8443/a%2Fb?x=1&y=a+b", "", vec![]).unwrap();
        assert_eq!(r.host, "Ex.com:8443");
        assert_eq!(r.path, "/a%2Fb");
        assert_eq!(r.method, "GET");
        assert_eq!(
            r.query,
            vec![("x".into(), "1".into()), ("y".into(), "a b".into())]
        );
        assert_eq!(r.decoded_path(), "/a/b");
        assert_eq!(r.raw_path().as_deref(), Some("/a%2Fb"));
        let r = Request::from_url("example.com", "POST", vec![]).unwrap();
        assert_eq!(r.path, "/");
        assert_eq!(r.to_string(), "POST https://example.com/");
        assert!(Request::from_url("https:///x", "GET", vec![]).is_err());
        // The scheme is shown as written; only HTTP's are requests Traefik serves.
        let r = Request::from_url("HTTP://example.com/a", "GET", vec![]).unwrap();
        assert_eq!(r.to_string(), "GET http://example.com/a");
        let err = Request::from_url("ftp://example.com/a", "GET", vec![]).unwrap_err();
        assert!(err.message.contains("not an HTTP URL"), "{err}");
    }

    #[test]
    fn hosts_go_refuses_are_errors() {
        let host = |url: &str| Request::from_url(url, "GET", vec![]).map(|r| r.host);
        // Accepted as Go's url.Parse does.
        for (url, want) in [
            ("http://[::1]/", "[::1]"),
            ("http://[::1]:8080/x", "[::1]:8080"),
            ("http://[fe80::1%25en0]/", "[fe80::1%25en0]"),
            ("http://a.com:/", "a.com:"),
            ("http://a]b/", "a]b"),
            ("http://a%C3%BC.de/", "a%C3%BC.de"),
            // A zone takes escapes of the bytes a host may hold, and of a space.
            ("http://[fe80::1%25en%41]/", "[fe80::1%25en%41]"),
            ("http://[fe80::1%25en%20x]/", "[fe80::1%25en%20x]"),
            // Go takes a zone's bytes past ASCII as they are.
            ("http://[fe80::1%25\u{e9}th0]/", "[fe80::1%25\u{e9}th0]"),
        ] {
            assert_eq!(host(url).as_deref(), Ok(want), "{url}");
        }
        for (url, says) in [
            ("http://[::1", "no `]`"),
            ("http://[::1]x/", "`x` after its IPv6 address"),
            ("http://[::1]:80a/", "invalid port `80a`"),
            ("http://a.com:b/", "invalid port `b`"),
            ("http://a b.com/", "' '"),
            ("http://a{b}.com/", "'{'"),
            ("http://a%41.com/", "invalid escape `%41`"),
            ("http://a%4/", "invalid escape `%4`"),
            ("http://a%/", "invalid escape `%`"),
            ("http://b\u{fc}cher.de/", "not ASCII"),
            ("http://b\u{fc}cher.de:80/", "not ASCII"),
            ("http://[fe80::\u{e9}%25en0]/", "not ASCII"),
            ("http://[fe80::1%25en%2F]/", "invalid escape `%2F`"),
            ("http://[fe80::1%25en%C3%BC]/", "invalid escape `%C3`"),
            ("http://[fe80::%41%25en]/", "invalid escape `%41`"),
        ] {
            let err = host(url).unwrap_err();
            assert!(err.message.contains(says), "{url}: {err}");
        }
    }

    #[test]
    fn hosts_and_headers() {
        assert_eq!(canonical_host("EXAMPLE.com:8080"), "example.com");
        assert_eq!(canonical_host("[::1]:80"), "::1");
        assert_eq!(canonical_host("a:b:c"), "a:b:c");
        assert_eq!(mux_host("a.com:80"), "a.com");
        assert_eq!(canonical_header_key("content-type"), "Content-Type");
        assert_eq!(canonical_header_key("bad key"), "bad key");
    }
}
