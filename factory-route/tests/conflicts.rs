//! FR006 conflicts and FR013 shadowing on hand-made route pairs.

use factory_route::{Match, Request, Route, RouteTable, Rule};

/// A route whose names and rule live as long as the test (a table borrows them).
fn route(service: &str, rule: &str, priority: Option<i64>) -> Route<'static> {
    let rule: &'static str = Box::leak(rule.to_owned().into_boxed_str());
    let rule: &'static Rule<'static> = Box::leak(Box::new(Rule::parse(rule).expect("valid rule")));
    Route::new(
        Box::leak(service.to_owned().into_boxed_str()),
        None,
        rule,
        priority,
        None,
    )
}

fn table(routes: &[(&str, &str, Option<i64>)]) -> RouteTable<'static> {
    RouteTable::new(routes.iter().map(|(s, r, p)| route(s, r, *p)).collect())
}

/// Every reported conflict's example is matched by both routes.
fn checked_conflicts(t: &RouteTable) -> Vec<(usize, usize, Request)> {
    t.conflicts()
        .into_iter()
        .map(|c| {
            let a = &t.routes()[c.a].rule;
            let b = &t.routes()[c.b].rule;
            assert!(
                a.matches(&c.example).is_match(),
                "{} does not match {}",
                a.text(),
                c.example
            );
            assert!(
                b.matches(&c.example).is_match(),
                "{} does not match {}",
                b.text(),
                c.example
            );
            (c.a, c.b, c.example)
        })
        .collect()
}

#[test]
fn same_host_overlapping_prefixes_equal_priority_conflict() {
    let t = table(&[
        ("api", "Host:example.com;PathPrefix:/api", Some(10)),
        ("v1", "Host:example.com;PathPrefix:/api/v1", Some(10)),
    ]);
    let c = checked_conflicts(&t);
    assert_eq!(c.len(), 1);
    assert_eq!((c[0].0, c[0].1), (0, 1));
    assert!(c[0].2.path.starts_with("/api/v1"));
}

#[test]
fn equal_default_priorities_conflict() {
    // Both rules are 16 bytes long, so both default priorities are 16.
    let t = table(&[
        ("a", "Host:example.com", None),
        ("b", "Host:EXAMPLE.com", None),
    ]);
    assert_eq!(t.routes()[0].priority, t.routes()[1].priority);
    assert_eq!(checked_conflicts(&t).len(), 1);
}

#[test]
fn different_priorities_no_conflict() {
    let t = table(&[
        ("api", "Host:example.com;PathPrefix:/api", Some(10)),
        ("v1", "Host:example.com;PathPrefix:/api/v1", Some(11)),
    ]);
    assert!(t.conflicts().is_empty());
    // The higher priority wins resolution.
    let (i, m) = t
        .resolve(&Request::new("example.com", "/api/v1/x"))
        .expect("a route");
    assert_eq!(i, 1);
    assert!(matches!(m, Match::Forward(_)));
    let (i, _) = t
        .resolve(&Request::new("example.com", "/api/x"))
        .expect("a route");
    assert_eq!(i, 0);
}

#[test]
fn disjoint_hosts_no_conflict() {
    let t = table(&[
        ("a", "Host:a.example.com;PathPrefix:/", Some(5)),
        ("b", "Host:b.example.com;PathPrefix:/", Some(5)),
    ]);
    assert!(t.conflicts().is_empty());
}

#[test]
fn host_regexp_versus_host() {
    let t = table(&[
        ("wild", "HostRegexp:{sub:[a-z]+}.example.com", Some(3)),
        ("api", "Host:api.example.com", Some(3)),
    ]);
    let c = checked_conflicts(&t);
    assert_eq!(c.len(), 1);
    assert_eq!(c[0].2.host, "api.example.com");

    let t = table(&[
        ("wild", "HostRegexp:{sub:[a-z]+}.example.com", Some(3)),
        ("digits", "Host:123.example.com", Some(3)),
    ]);
    assert!(t.conflicts().is_empty(), "{:?}", t.conflicts());
    let t = table(&[
        ("wild", "HostRegexp:{sub:[a-z]+}.example.com", Some(3)),
        ("other", "Host:api.example.org", Some(3)),
    ]);
    assert!(t.conflicts().is_empty());
}

#[test]
fn method_disjoint_no_conflict() {
    let t = table(&[
        ("read", "Host:example.com;Method:GET", Some(4)),
        ("write", "Host:example.com;Method:POST,PUT", Some(4)),
    ]);
    assert!(t.conflicts().is_empty());
    let t = table(&[
        ("read", "Host:example.com;Method:GET,POST", Some(4)),
        ("write", "Host:example.com;Method:POST,PUT", Some(4)),
    ]);
    let c = checked_conflicts(&t);
    assert_eq!(c.len(), 1);
    assert_eq!(c[0].2.method, "POST");
}

#[test]
fn headers_and_query_witnesses() {
    let t = table(&[
        (
            "json",
            "Host:example.com;Headers:Accept,application/json",
            Some(4),
        ),
        ("any", "Host:example.com", Some(4)),
    ]);
    assert_eq!(checked_conflicts(&t).len(), 1);
    let t = table(&[
        ("q", "Host:example.com;Query:v=1", Some(4)),
        ("r", "Host:example.com;Query:v=2", Some(4)),
    ]);
    assert!(t.conflicts().is_empty());
}

#[test]
fn never_matching_route_never_conflicts() {
    let t = table(&[
        ("a", "Host:a.com;Host:b.com", Some(4)),
        ("b", "Host:a.com", Some(4)),
    ]);
    assert!(t.conflicts().is_empty());
}

#[test]
fn platform_manual_websocket_example_is_shadowed() {
    let t = table(&[
        ("web", "Host:${CI_ENVIRONMENT_DOMAIN}", Some(2)),
        (
            "ws",
            "Host:${CI_ENVIRONMENT_DOMAIN};PathPrefix:/ws/",
            Some(1),
        ),
    ]);
    let s = t.shadowed();
    assert_eq!(s.len(), 1);
    assert_eq!((s[0].hidden, s[0].by), (1, 0));
    assert!(t.conflicts().is_empty());
    let (i, _) = t.resolve(&s[0].example).expect("a route");
    assert_eq!(i, 0);
    // With the priorities the other way round, nothing is shadowed.
    let t = table(&[
        ("web", "Host:${CI_ENVIRONMENT_DOMAIN}", Some(1)),
        (
            "ws",
            "Host:${CI_ENVIRONMENT_DOMAIN};PathPrefix:/ws/",
            Some(2),
        ),
    ]);
    assert!(t.shadowed().is_empty());
    let (i, _) = t
        .resolve(&Request::new("${CI_ENVIRONMENT_DOMAIN}", "/ws/x"))
        .expect("a route");
    assert_eq!(i, 1);
}

#[test]
fn shadowing_is_conservative() {
    // A method constraint the lower route lacks: not provable.
    let t = table(&[
        ("get", "Host:a.com;Method:GET", Some(9)),
        ("all", "Host:a.com;PathPrefix:/x", Some(1)),
    ]);
    assert!(t.shadowed().is_empty());
    // A narrower prefix above a wider one: not shadowing.
    let t = table(&[
        ("deep", "Host:a.com;PathPrefix:/api/v1", Some(9)),
        ("api", "Host:a.com;PathPrefix:/api", Some(1)),
    ]);
    assert!(t.shadowed().is_empty());
    // A wider prefix above a narrower one, and a wider host set: shadowing.
    let t = table(&[
        ("api", "Host:a.com,b.com;PathPrefix:/api", Some(9)),
        ("deep", "Host:a.com;PathPrefix:/api/v1;Method:GET", Some(1)),
    ]);
    let s = t.shadowed();
    assert_eq!(s.len(), 1);
    assert_eq!((s[0].hidden, s[0].by), (1, 0));
    // A catch-all prefix covers a route without any path matcher.
    let t = table(&[
        ("all", "Host:a.com;PathPrefix:/", Some(9)),
        ("api", "Host:a.com", Some(1)),
    ]);
    assert_eq!(t.shadowed().len(), 1);
    // `PathPrefix:/ws/` does not cover `Path:/ws/`, which also takes `/ws` (redirect).
    let t = table(&[
        ("p", "Host:a.com;PathPrefix:/ws/", Some(9)),
        ("e", "Host:a.com;Path:/ws/", Some(1)),
    ]);
    assert!(t.shadowed().is_empty());
}

#[test]
fn resolve_redirect_and_ties() {
    let t = table(&[("a", "Path:/foo", Some(1)), ("b", "PathPrefix:/", Some(1))]);
    let (i, m) = t.resolve(&Request::new("x.com", "/foo/")).expect("a route");
    assert_eq!(i, 0);
    assert_eq!(
        m,
        Match::Redirect {
            status: 301,
            location: "/foo".to_owned()
        }
    );
    assert!(t.resolve(&Request::new("x.com", "nothing")).is_none());
    assert_eq!(t.order(), &[0, 1]);
}

#[test]
fn redirect_left_by_a_failed_route_sticks() {
    // mux `Route.Match`: the `Path` sub-router of the first route sets a StrictSlash redirect
    // handler on the shared RouteMatch before its `Host` matcher fails; the next route that
    // matches keeps that handler (`if match.Handler == nil`).
    let t = table(&[
        ("a", "Path:/foo;Host:a.com", Some(20)),
        ("b", "Host:b.com", Some(10)),
    ]);
    let (i, m) = t.resolve(&Request::new("b.com", "/foo/")).expect("a route");
    assert_eq!(i, 1);
    assert_eq!(
        m,
        Match::Redirect {
            status: 301,
            location: "/foo".to_owned()
        }
    );
    // Matchers run in rule order: with `Host` first, the path sub-router is never reached.
    let t = table(&[
        ("a", "Host:a.com;Path:/foo", Some(20)),
        ("b", "Host:b.com", Some(10)),
    ]);
    let (_, m) = t.resolve(&Request::new("b.com", "/foo/")).expect("a route");
    assert!(matches!(m, Match::Forward(_)));
}

#[test]
fn many_routes_stay_fast() {
    let mut routes = Vec::new();
    for i in 0..40 {
        routes.push(route(
            &format!("s{i}"),
            &format!("HostRegexp:{{sub:[a-z]+}}.example.com;PathPrefix:/p{i},/q;Method:GET,POST;Query:k={{v:[0-9]+}}"),
            Some(5),
        ));
    }
    let t = RouteTable::new(routes);
    let start = std::time::Instant::now();
    let c = t.conflicts();
    assert_eq!(c.len(), 40 * 39 / 2);
    assert!(start.elapsed().as_secs() < 20, "{:?}", start.elapsed());
}
