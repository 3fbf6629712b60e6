//! Arbitrary input never panics, and every span lies on char boundaries inside its input.

use factory_route::{
    BasicAuth, Request, Route, RouteTable, Rule, find_undoubled_dollars, parse_domains,
};
use proptest::prelude::*;
use std::ops::Range;

fn ok_span(text: &str, span: &Range<usize>) -> bool {
    span.start <= span.end
        && span.end <= text.len()
        && text.is_char_boundary(span.start)
        && text.is_char_boundary(span.end)
}

fn rule_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("Host".to_owned()),
        Just("HostRegexp".to_owned()),
        Just("Path".to_owned()),
        Just("PathPrefix".to_owned()),
        Just("PathPrefixStrip".to_owned()),
        Just("PathStripRegex".to_owned()),
        Just("PathPrefixStripRegex".to_owned()),
        Just("Headers".to_owned()),
        Just("HeadersRegexp".to_owned()),
        Just("Query".to_owned()),
        Just("Method".to_owned()),
        Just("ReplacePathRegex".to_owned()),
        Just("AddPrefix".to_owned()),
        Just(":".to_owned()),
        Just(";".to_owned()),
        Just(",".to_owned()),
        Just("{".to_owned()),
        Just("}".to_owned()),
        Just("{id:[0-9]{1,3}}".to_owned()),
        Just(" ".to_owned()),
        Just("=".to_owned()),
        "[a-z/.é€\\\\()\\[\\]*+?$^|]{0,4}",
        any::<String>(),
    ];
    proptest::collection::vec(piece, 0..12).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn rules_never_panic(text in rule_text(), host in "[a-zA-Z.:0-9]{0,12}", path in "/[a-z/%0-9{}]{0,12}") {
        match Rule::parse(&text) {
            Ok(rule) => {
                for w in rule.warnings() {
                    prop_assert!(ok_span(&text, &w.span), "{:?} in {:?}", w, text);
                }
                for s in rule.segments() {
                    prop_assert!(ok_span(&text, &s.span()));
                    prop_assert!(ok_span(&text, &s.name_span()));
                    for a in s.args() {
                        prop_assert!(ok_span(&text, &a.span));
                    }
                }
                let req = Request::new(&host, &path);
                let _ = rule.matches(&req);
                let root = Rule::parse("PathPrefix:/").unwrap();
                let table = RouteTable::new(vec![
                    Route::new("a", None, &rule, Some(1), None),
                    Route::new("b", None, &root, Some(1), None),
                ]);
                let _ = table.resolve(&req);
                for c in table.conflicts() {
                    prop_assert!(table.routes()[c.a].rule.matches(&c.example).is_match());
                    prop_assert!(table.routes()[c.b].rule.matches(&c.example).is_match());
                }
            }
            Err(e) => prop_assert!(ok_span(&text, &e.span), "{:?} in {:?}", e, text),
        }
        if let Err(e) = parse_domains(&text) {
            prop_assert!(ok_span(&text, &e.span));
        }
    }

    #[test]
    fn auth_never_panics(text in any::<String>(), tail in "[a-z$:,{}]{0,20}") {
        let value = format!("{text}{tail}");
        if let Err(errors) = BasicAuth::parse(&value) {
            for e in errors {
                prop_assert!(ok_span(&value, &e.span));
            }
        }
        if let Some(fix) = find_undoubled_dollars(&value) {
            for s in &fix.spans {
                prop_assert!(ok_span(&value, s));
            }
            prop_assert!(find_undoubled_dollars(&fix.fixed).is_none());
        }
    }

    #[test]
    fn urls_never_panic(url in any::<String>()) {
        let _ = Request::from_url(&url, "GET", vec![]);
    }
}

#[test]
fn hostile_regex_is_an_error_not_a_blow_up() {
    let start = std::time::Instant::now();
    let rule = Rule::parse("Path:/{x:((a{1000}){1000}){1000}};HostRegexp:{h:(x{999}){999}}")
        .expect("Traefik accepts it");
    let kinds: Vec<_> = rule.warnings().into_iter().map(|w| w.kind).collect();
    // Go refuses nested repetitions past 1000 copies ("invalid repeat count"): never built.
    assert_eq!(kinds, vec![factory_route::WarningKind::InvalidRegex; 2]);
    assert!(!rule.matches(&Request::new("x", "/a")).is_match());
    let err = Rule::parse("HeadersRegexp:X,((a{1000}){1000}){1000}").expect_err("mux refuses it");
    assert_eq!(err.kind, factory_route::ParseErrorKind::InvalidPattern);
    assert!(
        err.traefik_message()
            .contains("invalid repeat count: `{1000}`"),
        "{}",
        err.traefik_message()
    );
    assert!(start.elapsed().as_secs() < 5, "{:?}", start.elapsed());
}
