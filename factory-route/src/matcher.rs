//! Matching a request against a rule, then the modifier chain Traefik v1.7.34 builds:
//! StripPrefixRegex → StripPrefix → AddPrefix → ReplacePathRegex → ReplacePath.

use crate::parse::{Compiled, Prefix, ReplaceRegex, Rule};
use crate::request::{Request, canonical_host, escape_path, mux_host};

/// The work of matching one template (host, path or query) or header pair, or of indexing one
/// header or query parameter of a request, in string comparisons (a host, plain path prefix or
/// method compared with the request's counts 1): such a match takes 50 to 300 ns, a
/// comparison 5 to 10. See [`crate::TRY_WORK`].
pub const MATCH_WORK: usize = 16;

/// Router options that change matching.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MatchOptions {
    /// Traefik's `keepTrailingSlash`: when true the router does not use mux `StrictSlash`, so
    /// `Path:/foo` neither matches nor redirects `/foo/`.
    pub keep_trailing_slash: bool,
}

/// What the backend receives after the modifiers ran.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Forward {
    /// The forwarded (decoded) path, Go's `URL.Path`.
    pub path: String,
    /// Go's `URL.RawPath` as the modifiers leave it (`None` when empty): set when the request
    /// path's encoding differs from the default one, cut by a strip and prefixed by
    /// `AddPrefix`; a replace leaves it as it was, so it may no longer encode
    /// [`Forward::path`] (Go's `EscapedPath` then ignores it when the request is written).
    pub raw_path: Option<String>,
    /// The `X-Forwarded-Prefix` header a strip modifier set.
    pub x_forwarded_prefix: Option<String>,
    /// The `X-Replaced-Path` header a replace modifier set.
    pub x_replaced_path: Option<String>,
}

/// The result of matching one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Match {
    /// The rule does not match.
    NoMatch,
    /// The rule matches but mux answers with a redirect (StrictSlash: `Path:/foo` on `/foo/`).
    Redirect {
        /// HTTP status (301).
        status: u16,
        /// The `Location` header.
        location: String,
    },
    /// The rule matches and the request is forwarded.
    Forward(Forward),
    /// The rule matches but its strip modifier finds no prefix to strip (e.g. `PathStrip`
    /// with a `{template}`), so Traefik answers 404.
    NotFound,
}

impl Match {
    /// Whether the rule took the request (forward, redirect or the strip 404).
    pub fn is_match(&self) -> bool {
        !matches!(self, Match::NoMatch)
    }

    /// The forwarded request, when there is one.
    pub fn forward(&self) -> Option<&Forward> {
        match self {
            Match::Forward(f) => Some(f),
            _ => None,
        }
    }
}

/// The raw outcome of mux's `Route.Match` on one route.
#[derive(Debug, Clone, Default)]
pub(crate) struct Eval {
    pub(crate) matched: bool,
    /// mux leaves a redirect handler in the shared `RouteMatch` as soon as a path sub-route
    /// matched with a trailing-slash difference, even if a later matcher of the route fails.
    pub(crate) redirect: Option<String>,
}

fn redirect_location(req: &Request, path: &str) -> String {
    let toggled = if let Some(p) = path.strip_suffix('/') {
        p.to_owned()
    } else {
        format!("{path}/")
    };
    let mut loc = escape_path(&toggled);
    // `http.Redirect` makes a relative location absolute and cleans it, keeping a trailing `/`.
    if !loc.starts_with('/') {
        let dir = path.rfind('/').map_or("/", |i| &path[..=i]);
        loc = format!("{dir}{loc}");
    }
    // Go parses the location first: `//host/…` names a host and is left alone, but `//` or
    // `///x` (an empty host) is a path, cleaned.
    let names_host = loc
        .strip_prefix("//")
        .is_some_and(|rest| !rest.is_empty() && !rest.starts_with('/'));
    if !names_host {
        let trailing = loc.ends_with('/');
        loc = clean_path(&loc);
        if trailing && !loc.ends_with('/') {
            loc.push('/');
        }
    }
    loc.push_str(&req.query_suffix());
    loc
}

/// Go's `path.Clean` for a rooted path.
fn clean_path(p: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    format!("/{}", parts.join("/"))
}

impl Rule<'_> {
    /// Matches a request under Traefik's defaults (StrictSlash on).
    pub fn matches(&self, req: &Request) -> Match {
        self.matches_with(req, MatchOptions::default())
    }

    /// Matches a request with explicit router options.
    pub fn matches_with(&self, req: &Request, opts: MatchOptions) -> Match {
        self.matches_working(req, opts, &mut 0)
    }

    /// [`Rule::matches_with`], adding to `work` what its matchers did (see
    /// [`Rule::eval_working`]).
    pub(crate) fn matches_working(
        &self,
        req: &Request,
        opts: MatchOptions,
        work: &mut usize,
    ) -> Match {
        let eval = self.eval_working(req, opts, work);
        self.finish(req, &eval, None)
    }

    /// Turns an evaluation into a [`Match`], with a redirect possibly left over by an earlier
    /// route of the same router.
    pub(crate) fn finish(&self, req: &Request, eval: &Eval, leaked: Option<&String>) -> Match {
        if !eval.matched {
            return Match::NoMatch;
        }
        if let Some(location) = eval.redirect.as_ref().or(leaked) {
            return Match::Redirect {
                status: 301,
                location: location.clone(),
            };
        }
        self.apply_modifiers(req)
    }

    /// mux `Route.Match`: matchers in rule order; a method mismatch does not stop the others.
    pub(crate) fn eval(&self, req: &Request, opts: MatchOptions) -> Eval {
        self.eval_working(req, opts, &mut 0)
    }

    /// [`Rule::eval`], adding to `work` what its matchers did: 1 for each host, plain path
    /// prefix and method compared with the request's, [`MATCH_WORK`] for each template
    /// (host, path or query) and `Headers` or `HeadersRegexp` pair matched, and for each of
    /// the request's headers and query parameters when they are indexed (once, for the first
    /// matcher that needs them).
    pub(crate) fn eval_working(&self, req: &Request, opts: MatchOptions, work: &mut usize) -> Eval {
        let path = req.decoded_path();
        let mut redirect = None;
        let mut method_mismatch = false;
        // The request's headers and query by name, built when a segment first needs them (a
        // rule with many pairs would otherwise scan the request for each).
        let mut headers = None;
        let mut query = None;
        for (index, seg) in self.segments().enumerate() {
            let ok = match seg.compiled() {
                Compiled::Host(_) => {
                    let h = canonical_host(&req.host);
                    !h.is_empty()
                        && seg.hosts().any(|host| {
                            *work += 1;
                            host == h
                        })
                }
                Compiled::HostRegexp(alts) => {
                    let h = mux_host(&req.host);
                    alts.iter().flatten().any(|t| {
                        *work += MATCH_WORK;
                        t.is_match(h)
                    })
                }
                Compiled::Path(alts) => {
                    let alts = if opts.keep_trailing_slash {
                        self.loose_alts(index, alts)
                    } else {
                        &alts.strict
                    };
                    let found = alts.iter().flatten().find(|t| {
                        *work += MATCH_WORK;
                        t.is_match(&path)
                    });
                    match found {
                        Some(t) => {
                            if t.strict_slash && path.ends_with('/') != t.template.ends_with('/') {
                                redirect = Some(redirect_location(req, &path));
                            }
                            true
                        }
                        None => false,
                    }
                }
                Compiled::Prefix(_) => seg.prefixes().any(|a| match a {
                    Prefix::Plain(p) => {
                        *work += 1;
                        path.starts_with(p)
                    }
                    Prefix::Template(t) => {
                        *work += MATCH_WORK;
                        t.as_ref().is_ok_and(|t| t.is_match(&path))
                    }
                }),
                Compiled::PrefixTemplate(alts) => alts.iter().flatten().any(|t| {
                    *work += MATCH_WORK;
                    t.is_match(&path)
                }),
                Compiled::Method(_) => {
                    let listed = seg.methods().any(|m| {
                        *work += 1;
                        m == req.method
                    });
                    if !listed {
                        method_mismatch = true;
                    }
                    true
                }
                Compiled::Headers(pairs) => {
                    let headers = headers.get_or_insert_with(|| {
                        *work += MATCH_WORK * req.headers.len();
                        req.header_index()
                    });
                    pairs.iter().all(|(k, v)| {
                        *work += MATCH_WORK;
                        let values = headers.get(k).map_or(&[][..], Vec::as_slice);
                        !values.is_empty() && (v.is_empty() || values.contains(&v.as_str()))
                    })
                }
                Compiled::HeadersRegexp(pairs) => {
                    let headers = headers.get_or_insert_with(|| {
                        *work += MATCH_WORK * req.headers.len();
                        req.header_index()
                    });
                    pairs.iter().all(|(k, re)| {
                        *work += MATCH_WORK;
                        headers
                            .get(k)
                            .is_some_and(|values| values.iter().any(|value| re.is_match(value)))
                    })
                }
                Compiled::Query(tpls) => {
                    let query = query.get_or_insert_with(|| {
                        *work += MATCH_WORK * req.query.len();
                        req.query_index()
                    });
                    tpls.iter().all(|t| {
                        *work += MATCH_WORK;
                        let key = t.template.split_once('=').map_or("", |(k, _)| k);
                        let input = query
                            .get_key_value(key)
                            .map(|(k, v)| format!("{k}={v}"))
                            .unwrap_or_default();
                        t.is_match(&input)
                    })
                }
                Compiled::Modifier => true,
            };
            if !ok {
                return Eval {
                    matched: false,
                    redirect,
                };
            }
        }
        Eval {
            matched: !method_mismatch,
            redirect,
        }
    }

    fn apply_modifiers(&self, req: &Request) -> Match {
        let m = self.modifiers();
        let mut path = req.decoded_path();
        let mut raw = req.raw_path();
        let mut prefix_header: Option<String> = None;
        let mut replaced_header: Option<String> = None;

        if !m.strip_regex.is_empty() {
            let Some(t) = m.strip_regex.iter().flatten().find(|t| t.is_match(&path)) else {
                return Match::NotFound;
            };
            // mux builds the prefix back from the variables; a failure leaves the request
            // unanswered, which we report as the 404 case too.
            let Some(prefix) = t.matched_url(&path) else {
                return Match::NotFound;
            };
            let Some(rest) = path.get(prefix.len()..) else {
                return Match::NotFound;
            };
            path = rest.to_owned();
            // Go slices `RawPath` by the decoded prefix's length too.
            raw = raw
                .and_then(|r| r.get(prefix.len()..).map(str::to_owned))
                .filter(|r| !r.is_empty());
            prefix_header = Some(prefix);
        }
        if !m.strip_prefixes.is_empty() {
            let Some(prefix) = m
                .strip_prefixes
                .iter()
                .map(|p| self.buf_str(*p))
                .find(|p| path.starts_with(p))
            else {
                return Match::NotFound;
            };
            path = ensure_leading_slash(path.strip_prefix(prefix).unwrap_or(&path));
            raw = raw.map(|r| ensure_leading_slash(r.strip_prefix(prefix).unwrap_or(&r)));
            prefix_header.get_or_insert_with(|| prefix.trim().to_owned());
        }
        let add_prefix = self.buf_str(m.add_prefix);
        if !add_prefix.is_empty() {
            path = format!("{add_prefix}{path}");
            raw = raw.map(|r| format!("{add_prefix}{r}"));
        }
        if let Some(ReplaceRegex::Ok { regex, replacement }) = &m.replace_path_regex
            && !replacement.is_empty()
            && regex.is_match(&path)
        {
            replaced_header.get_or_insert_with(|| path.clone());
            path = regex.replace_all(&path, replacement.as_str()).into_owned();
        }
        let replace_path = self.buf_str(m.replace_path);
        if !replace_path.is_empty() {
            replaced_header.get_or_insert_with(|| path.clone());
            replace_path.clone_into(&mut path);
        }
        Match::Forward(Forward {
            path,
            // `URL.RawPath` as the modifiers leave it, as Traefik's own tests read it: strip
            // and add-prefix update it, a replace does not (so it may be stale).
            raw_path: raw,
            x_forwarded_prefix: prefix_header,
            x_replaced_path: replaced_header,
        })
    }
}

fn ensure_leading_slash(s: &str) -> String {
    format!("/{}", s.strip_prefix('/').unwrap_or(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(headers: &[(&str, &str)], query: &[(&str, &str)]) -> Request {
        let mut r = Request::new("a.com", "/");
        r.headers = headers
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        r.query = query
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        r
    }

    #[test]
    fn headers_and_query_are_looked_up_as_mux_does() {
        let takes = |rule: &str, req: &Request| Rule::parse(rule).unwrap().matches(req).is_match();
        let req = request(
            &[
                ("x-a", "1"),
                ("X-A", "2"),
                ("Host", "b.com"),
                ("accept", "text/html"),
            ],
            &[("k", "1"), ("k", "2"), ("e", "")],
        );
        // Any value of a repeated header, by canonical name.
        assert!(takes("Headers:X-A,2;Headers:x-a,1,Accept,text/html", &req));
        assert!(!takes("Headers:X-A,3", &req));
        assert!(takes("HeadersRegexp:X-A,^2$,accept,html", &req));
        assert!(!takes("HeadersRegexp:X-A,^3$", &req));
        // `Host` is not in the header map.
        assert!(!takes("Headers:Host,b.com", &req));
        assert!(!takes("HeadersRegexp:Host,b", &req));
        // The first value of a repeated query parameter.
        assert!(takes("Query:k=1", &req));
        assert!(!takes("Query:k=2", &req));
        assert!(takes("Query:e=,k={v:[0-9]}", &req));
        assert!(!takes("Query:missing=", &req));
        // Many pairs: every one is required.
        let names: Vec<String> = (0..500).map(|i| format!("X-H{i}")).collect();
        let pairs: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), "v")).collect();
        let rule = format!(
            "Headers:{}",
            names
                .iter()
                .map(|n| format!("{n},v"))
                .collect::<Vec<_>>()
                .join(",")
        );
        assert!(takes(&rule, &request(&pairs, &[])));
        assert!(!takes(&rule, &request(&pairs[1..], &[])));
    }

    #[test]
    fn redirect_locations() {
        let req = Request::new("a.com", "/");
        assert_eq!(redirect_location(&req, "/foo/"), "/foo");
        assert_eq!(redirect_location(&req, "/foo"), "/foo/");
        assert_eq!(redirect_location(&req, "/a//b/"), "/a/b");
        assert_eq!(redirect_location(&req, "/a b/"), "/a%20b");
        let mut q = Request::new("a.com", "/");
        q.query = vec![("k".into(), "v w".into())];
        assert_eq!(redirect_location(&q, "/foo/"), "/foo?k=v+w");
    }
}
