//! One test per lint: rules Traefik accepts that never match (FR014) or carry a regex it
//! silently drops (FR011). Every flagged rule is also checked to really not match.

use factory_route::{Request, Rule, RuleWarning, WarningKind};

fn warnings(rule: &str) -> Vec<RuleWarning> {
    Rule::parse(rule)
        .expect("Traefik accepts this rule")
        .warnings()
}

/// The single warning of `rule`, with the text its span points at.
fn only(rule: &str) -> (WarningKind, String, String) {
    let w = warnings(rule);
    assert_eq!(w.len(), 1, "{rule}: {w:?}");
    let w = &w[0];
    assert!(w.help.is_some());
    (w.kind, rule[w.span.clone()].to_owned(), w.code().to_owned())
}

fn never_matches(rule: &str, host: &str, path: &str) {
    let r = Rule::parse(rule).expect("valid");
    assert!(
        !r.matches(&Request::new(host, path)).is_match(),
        "{rule} matched {host}{path}"
    );
}

#[test]
fn port_in_host() {
    assert_eq!(
        only("Host:example.com:8080"),
        (WarningKind::PortInHost, ":8080".into(), "FR014".into())
    );
    never_matches("Host:example.com:8080", "example.com:8080", "/");
    assert_eq!(
        only("HostRegexp:{sub}.example.com:8080").0,
        WarningKind::PortInHost
    );
    never_matches(
        "HostRegexp:{sub}.example.com:8080",
        "a.example.com:8080",
        "/",
    );
    assert_eq!(
        only("Host:[2001:db8:0:0:0:0:0:1]:8080"),
        (WarningKind::PortInHost, ":8080".into(), "FR014".into())
    );
    never_matches(
        "Host:[2001:db8:0:0:0:0:0:1]:8080",
        "[2001:db8:0:0:0:0:0:1]:8080",
        "/",
    );
}

/// An IPv6 address is a host a request can have, bracketed (a request host without a port is
/// compared as sent) or not (the host of `[…]:port`): no FR014. (Written in full: Traefik
/// drops the empty field of a `::` when it splits the segment at each `:`.)
#[test]
fn an_ipv6_host_is_no_port() {
    for (rule, host) in [
        ("Host:[2001:db8:0:0:0:0:0:1]", "[2001:db8:0:0:0:0:0:1]"),
        ("Host:2001:db8:0:0:0:0:0:2", "[2001:db8:0:0:0:0:0:2]:8443"),
        ("Host:a:b:c", "a:b:c"),
    ] {
        assert_eq!(warnings(rule), [], "{rule}");
        let r = Rule::parse(rule).expect("valid");
        assert!(
            r.matches(&Request::new(host, "/")).is_match(),
            "{rule} {host}"
        );
    }
}

#[test]
fn empty_host() {
    let (kind, text, _) = only("Host: ;Path:/test");
    assert_eq!(kind, WarningKind::EmptyHost);
    assert_eq!(text, "Host:");
}

#[test]
fn space_instead_of_semicolon() {
    let (kind, text, code) = only("Host:a.com Path:/x");
    assert_eq!(
        (kind, text.as_str(), code.as_str()),
        (WarningKind::SpaceInsteadOfSemicolon, " ", "FR014")
    );
    never_matches("Host:a.com Path:/x", "a.com", "/x");
    assert_eq!(
        only("PathPrefix:/api Host:a.com").0,
        WarningKind::SpaceInsteadOfSemicolon
    );
    assert_eq!(
        only("Host:a.com path:/x").0,
        WarningKind::SpaceInsteadOfSemicolon
    );
    assert_eq!(only("Host:a.com b.com").0, WarningKind::SpaceInHost);
    never_matches("Host:a.com b.com", "a.com", "/");
    // A space inside a path is legitimate (`%20`).
    assert!(warnings("Path:/a b").is_empty());
}

#[test]
fn invalid_regex_in_template() {
    let (kind, text, code) = only("Path:/a/{id:(}");
    assert_eq!(
        (kind, text.as_str(), code.as_str()),
        (WarningKind::InvalidRegex, "/a/{id:(}", "FR011")
    );
    never_matches("Path:/a/{id:(}", "x", "/a/(");
    assert_eq!(
        only("HostRegexp:{sub:[a-z}.example.com").0,
        WarningKind::InvalidRegex
    );
    assert_eq!(
        only("PathPrefixStripRegex:/{v:*}").0,
        WarningKind::InvalidRegex
    );
    assert_eq!(
        only("ReplacePathRegex:^/a/(x /b").0,
        WarningKind::InvalidRegex
    );
}

#[test]
fn broken_template() {
    let (kind, text, _) = only("Path:/a/{id");
    assert_eq!(
        (kind, text.as_str()),
        (WarningKind::BrokenTemplate, "/a/{id")
    );
    never_matches("Path:/a/{id", "x", "/a/{id");
    assert_eq!(only("Path:/a/{:[0-9]+}").0, WarningKind::BrokenTemplate);
    assert_eq!(
        only("Query:id={id};Path:/a/{id}").0,
        WarningKind::BrokenTemplate
    );
    // Only the alternatives that use a `Query` variable again never match, each named by its
    // own variable: `/b` still matches.
    let rule = "Query:id={id},x={x};Path:/a/{id},/b,/c/{x},/d/{y}";
    let found: Vec<(WarningKind, &str, String)> = warnings(rule)
        .into_iter()
        .map(|w| (w.kind, &rule[w.span], w.message))
        .collect();
    let names: Vec<(&str, bool, bool)> = found
        .iter()
        .map(|(_, text, message)| (*text, message.contains("`id`"), message.contains("`x`")))
        .collect();
    assert_eq!(
        names,
        [("/a/{id}", true, false), ("/c/{x}", false, true)],
        "{found:?}"
    );
    let r = Rule::parse(rule).expect("valid");
    let query = |path: &str| {
        Request::from_url(&format!("http://h{path}?id=1&x=2"), "GET", vec![]).expect("a URL")
    };
    assert!(r.matches(&query("/b")).is_match());
    assert!(r.matches(&query("/d/3")).is_match());
    assert!(!r.matches(&query("/a/1")).is_match());
    assert!(!r.matches(&query("/c/2")).is_match());
}

#[test]
fn comma_cutting_a_regex() {
    let rule = "Path:/a/{id:[0-9]{1,3}},/b";
    let (kind, text, _) = only(rule);
    assert_eq!(
        (kind, text.as_str()),
        (WarningKind::CommaInRegex, "/a/{id:[0-9]{1,3}}")
    );
    never_matches(rule, "x", "/a/12");
    assert!(
        Rule::parse(rule)
            .unwrap()
            .matches(&Request::new("x", "/b"))
            .is_match()
    );
    assert_eq!(
        only("HostRegexp:{sub:[a-z]{2,5}}.example.com").0,
        WarningKind::CommaInRegex
    );
    assert_eq!(
        only("ReplacePathRegex:^/a/(.{1,3}) /b/$1").0,
        WarningKind::CommaInRegex
    );
}

/// What the message says of the pieces a `,` cuts a regex into: none matches, or only those
/// whose braces pair (each a template of its own, which Traefik matches).
#[test]
fn the_pieces_of_a_cut_regex_that_can_match_are_named() {
    let message = |rule: &str| {
        let w = warnings(rule);
        assert_eq!(w.len(), 1, "{rule}: {w:?}");
        w[0].message.clone()
    };
    assert!(message("Path:/a/{id:[0-9]{1,3}}").ends_with("in two: neither piece matches"));
    assert!(message("Path:/{a:[0-9]{1,2,3}}").ends_with("in 3 pieces: none matches"));
    let rule = "Path:/{a,/b,}";
    assert!(
        message(rule).ends_with("in 3 pieces: only `/b` can match"),
        "{}",
        message(rule)
    );
    let r = Rule::parse(rule).expect("valid");
    assert!(r.matches(&Request::new("x", "/b")).is_match());
    never_matches(rule, "x", "/a");
}

/// A long segment of cut regexes, broken templates and good alternatives: each cut and each
/// broken template is reported once, at its own text, whatever its place among the others.
#[test]
fn every_cut_and_broken_template_of_a_long_segment_is_reported_once() {
    let n = 300;
    let args: Vec<String> = (0..n)
        .flat_map(|i| {
            [
                format!("/c{i}/{{v:[0-9]{{1,3}}}}"),
                format!("/x{i}/{{:[a-z]+}}"),
                format!("/ok{i}"),
            ]
        })
        .collect();
    let rule = format!("Path:{}", args.join(","));
    let found: Vec<(WarningKind, &str)> = warnings(&rule)
        .into_iter()
        .map(|w| (w.kind, &rule[w.span]))
        .collect();
    let want: Vec<(WarningKind, &str)> = args
        .iter()
        .filter(|a| !a.starts_with("/ok"))
        .map(|a| {
            let kind = if a.starts_with("/c") {
                WarningKind::CommaInRegex
            } else {
                WarningKind::BrokenTemplate
            };
            (kind, a.as_str())
        })
        .collect();
    // The cuts first, then the broken templates, each in argument order.
    let (cuts, broken): (Vec<_>, Vec<_>) = want
        .into_iter()
        .partition(|(k, _)| *k == WarningKind::CommaInRegex);
    let want = [cuts, broken].concat();
    assert_eq!(found.len(), want.len());
    if let Some(i) = (0..want.len()).find(|&i| found[i] != want[i]) {
        panic!("warning {i}: {:?} instead of {:?}", found[i], want[i]);
    }
    // Variables a `Query` declared: every alternative that uses one again is reported.
    let paths: Vec<String> = (0..n).map(|i| format!("/a{i}/{{id}}")).collect();
    let rule = format!("Query:id={{id}};Path:{}", paths.join(","));
    let found: Vec<(WarningKind, &str)> = warnings(&rule)
        .into_iter()
        .map(|w| (w.kind, &rule[w.span]))
        .collect();
    let want: Vec<(WarningKind, &str)> = paths
        .iter()
        .map(|p| (WarningKind::BrokenTemplate, p.as_str()))
        .collect();
    assert!(
        found == want,
        "{:?}",
        found.iter().zip(&want).find(|(f, w)| f != w)
    );
}

#[test]
fn hosts_anded() {
    let (kind, text, _) = only("Host:a.com;Host:b.com");
    assert_eq!(
        (kind, text.as_str()),
        (WarningKind::HostsAnded, "Host:b.com")
    );
    assert!(warnings("Host:a.com;Host:a.com,b.com").is_empty());
    assert_eq!(only("Path:/a;Path:/b").0, WarningKind::PathsAnded);
}

#[test]
fn path_without_slash() {
    let (kind, text, _) = only("PathPrefix:bar");
    assert_eq!(
        (kind, text.as_str()),
        (WarningKind::PathWithoutSlash, "bar")
    );
    assert_eq!(only("Path:bar").0, WarningKind::PathWithoutSlash);
    assert_eq!(only("PathPrefix:{v}/x").0, WarningKind::PathWithoutSlash);
}

#[test]
fn template_in_literal_strip() {
    assert_eq!(
        only("PathPrefixStrip:/api/{v}").0,
        WarningKind::TemplateInLiteralStrip
    );
    // The last literal strip sets the prefixes Traefik strips: an earlier one strips nothing.
    assert!(warnings("Host:a.com;PathPrefixStrip:/{id};PathPrefixStrip:/api").is_empty());
    let rule = "PathPrefixStrip:/api;PathStrip:/{id}";
    let w = warnings(rule);
    assert_eq!(w.len(), 1, "{w:?}");
    assert_eq!(&rule[w[0].span.clone()], "/{id}");
    let r = Rule::parse("PathStrip:/api/{v}").unwrap();
    assert_eq!(
        r.matches(&Request::new("x", "/api/v1")),
        factory_route::Match::NotFound
    );
}

#[test]
fn ignored_replace_path_regex() {
    assert_eq!(
        only("ReplacePathRegex:^/api/(.*)").0,
        WarningKind::IgnoredReplacePathRegex
    );
    // Traefik keeps the last `ReplacePathRegex`: its problem is said of it, not of the one
    // it replaces (which was said to need a replacement it has).
    let rule = "ReplacePathRegex:^/x /y;ReplacePathRegex:bad";
    let w = warnings(rule);
    assert_eq!(w.len(), 1, "{w:?}");
    assert_eq!(w[0].kind, WarningKind::IgnoredReplacePathRegex);
    assert_eq!(&rule[w[0].span.clone()], "bad");
    assert!(warnings("ReplacePathRegex:bad;ReplacePathRegex:^/x /y").is_empty());
}

/// `Host` takes literal host names: a `$` or a brace (a compose `$${DOMAIN}` that reached
/// Traefik as written) never matches.
#[test]
fn a_template_in_host_never_matches() {
    for rule in [
        "Host:${CI_ENVIRONMENT_DOMAIN}",
        "Host:a.com,{sub}.a.com",
        "Host:$x.com",
    ] {
        let w = warnings(rule);
        assert_eq!(w.len(), 1, "{rule}: {w:?}");
        assert_eq!(
            w[0].kind,
            factory_route::WarningKind::TemplateInHost,
            "{rule}"
        );
        assert_eq!(w[0].code(), "FR014");
    }
}

#[test]
fn clean_rules_have_no_warnings() {
    for rule in [
        "Host:example.com",
        "Host:dev.factory;PathPrefix:/ws/",
        "HostRegexp:{sub:[a-z]+}.example.com",
        "Path:/articles/{category}/{id:[0-9]+}",
        "PathPrefixStripRegex:/api/{v:v[0-9]+};AddPrefix:/x",
        "ReplacePathRegex:^/api/(.*) /v1/$1",
        "Method:GET;Headers:X-A,b;Query:k=v",
    ] {
        assert!(warnings(rule).is_empty(), "{rule}: {:?}", warnings(rule));
    }
}

#[test]
fn regex_past_the_size_budget_is_unchecked_not_invalid() {
    // Go compiles these; factory's 1 MiB budget refuses to build them: RegexTooBig (FR011,
    // which factory-compose reports as a warning), never InvalidRegex.
    let (kind, text, code) = only(r"Host:a.com;ReplacePathRegex:^/(\pL{1000}) /$1");
    assert_eq!(kind, WarningKind::RegexTooBig);
    assert_eq!(text, r"^/(\pL{1000}) /$1");
    assert_eq!(code, "FR011");
    let (kind, text, _) = only(r"HostRegexp:{x:\pL{1000}}.a.com");
    assert_eq!(kind, WarningKind::RegexTooBig);
    assert_eq!(text, r"{x:\pL{1000}}.a.com");
    // A regex that does not compile at all stays InvalidRegex.
    let (kind, _, _) = only(r"Host:a.com;ReplacePathRegex:^/(a /$1");
    assert_eq!(kind, WarningKind::InvalidRegex);
}

#[test]
fn a_regex_past_the_budget_does_not_hide_a_real_error_after_it() {
    use factory_route::ParseErrorKind;
    let kind = |rule: &str| Rule::parse(rule).expect_err(rule).kind;
    // Alone, it is reported as past the budget (Traefik loads it) …
    assert_eq!(
        kind(r"HeadersRegexp:X,\pL{1000}"),
        ParseErrorKind::RegexTooBig
    );
    assert_eq!(
        kind(r"Host:a.com;Query:a={v:\pL{1000}}"),
        ParseErrorKind::RegexTooBig
    );
    // … but what Traefik refuses in the rest of the rule wins.
    assert_eq!(
        kind(r"HeadersRegexp:X,\pL{1000};Hostt:a.com"),
        ParseErrorKind::UnknownFunction
    );
    assert_eq!(
        kind(r"HeadersRegexp:X,\pL{1000},Y,("),
        ParseErrorKind::InvalidPattern
    );
}

/// A rule never matches when a matcher has no alternative that can, or AND-ed matchers share
/// nothing; one alternative that can match, a modifier or a strip answering 404 is no such
/// rule.
#[test]
fn a_rule_never_matches_when_a_matcher_has_no_alternative_that_can() {
    let never = |rule: &str| Rule::parse(rule).expect("valid").never_matches();
    for rule in [
        "Host:a.com:8080",
        "Host:a.com:8080;PathPrefix:/x",
        "Host:a.com:8080,b.com:443",
        "Host:a.com;Host:b.com",
        "Path:/a;Path:/b",
        "Host:a.com;PathPrefix:x",
        "Host:a b.com",
        "Host:$${D}",
        "HostRegexp:{sub}.a.com:80",
        "Path:/{id:[0-9]{1,3}}",
        "Path:/{id",
        "Host:a.com Path:/x",
    ] {
        assert!(never(rule), "{rule}");
        never_matches(rule, "a.com", "/x");
    }
    for rule in [
        "Host:a.com",
        "Host:a.com:8080,b.com",
        "Host:a.com;Host:a.com,b.com",
        "PathPrefix:x,/y",
        "Path:/x Host:a.com",
        "PathPrefixStrip:/{id}",
        "Host:a.com;ReplacePathRegex:x",
        "Host:a.com;AddPrefix:x",
        "Path:/{id:[0-9]{1,3}},/b",
        // A `,` cuts the regex, but `/b` is a piece of its own that matches `/b`.
        "Path:/{a,/b,}",
        "PathPrefix:/{a,/b,}",
        "HostRegexp:{a,b.com,}",
    ] {
        assert!(!never(rule), "{rule}");
    }
}
