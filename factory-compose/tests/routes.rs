//! The route table read from labels (segments, fallbacks, transient services), the FR008/FE002
//! coordination, FR008's fix, and robustness of the FR rules on arbitrary label values.

use factory_compose::{
    Diagnostic, FileKind, ProcessEnv, Report, Settings, SourceFile, SourceMap, lint, load, routes,
};
use proptest::prelude::*;

fn sources(compose: &str, dotenv: Option<&str>) -> SourceMap {
    let mut s = SourceMap::new();
    s.add(SourceFile::new(
        "docker-compose.yml",
        compose,
        FileKind::Compose,
    ));
    if let Some(env) = dotenv {
        s.add(SourceFile::new(".env", env, FileKind::Dotenv));
    }
    s
}

fn rows(compose: &str) -> Vec<routes::RouteRow> {
    let s = sources(compose, Some("CI_ENVIRONMENT_DOMAIN=dev.factory\n"));
    let loaded = load(&s, &ProcessEnv::default(), &Settings::default());
    let defs = routes::routes(&loaded.project);
    routes::rows(&loaded.project, &defs)
}

fn lint_text(compose: &str) -> Report {
    lint(
        &sources(compose, Some("CI_ENVIRONMENT_DOMAIN=dev.factory\n")),
        &ProcessEnv::default(),
        &Settings::default(),
    )
}

fn codes(r: &Report) -> Vec<&'static str> {
    r.diagnostics.iter().map(|d| d.code).collect()
}

#[test]
fn segments_are_one_route_each_and_inherit_the_service_labels() {
    let rows = rows(
        r#"services:
  app:
    image: app:1
    expose: ["80", "81"]
    labels:
      traefik.port: "80"
      traefik.frontend.priority: "5"
      traefik.frontend.entryPoints: http,https
      traefik.front.frontend.rule: Host:${CI_ENVIRONMENT_DOMAIN}
      traefik.admin.frontend.rule: Host:admin.${CI_ENVIRONMENT_DOMAIN}
      traefik.admin.port: "81"
      traefik.admin.frontend.auth.basic: bob:$$apr1$$FNdSDLrp$$TAXy/4ZjKQtNCupEyQ4tl1
"#,
    );
    let got: Vec<_> = rows
        .iter()
        .map(|r| {
            (
                r.segment.as_deref(),
                r.rule.as_str(),
                r.priority,
                r.priority_source,
                r.port,
                r.auth_users.clone(),
                r.entrypoints.clone(),
            )
        })
        .collect();
    let eps = vec!["http".to_owned(), "https".to_owned()];
    assert_eq!(
        got,
        vec![
            (
                Some("front"),
                "Host:dev.factory",
                5,
                "label",
                Some(80),
                vec![],
                eps.clone()
            ),
            (
                Some("admin"),
                "Host:admin.dev.factory",
                5,
                "label",
                Some(81),
                vec!["bob".to_owned()],
                eps
            ),
        ]
    );
}

#[test]
fn enable_false_hides_and_rule_alone_routes() {
    let rows = rows(
        r#"services:
  hidden:
    image: app:1
    expose: ["80"]
    labels:
      traefik.enable: 'false'
      traefik.frontend.rule: Host:hidden.example
  shown:
    image: app:1
    expose: ["80"]
    labels:
      traefik.frontend.rule: Host:shown.example
  enabled_without_rule:
    image: app:1
    labels:
      traefik.enable: 'true'
"#,
    );
    let names: Vec<&str> = rows.iter().map(|r| r.service.as_str()).collect();
    assert_eq!(names, ["shown"]);
}

#[test]
fn the_manuals_basic_auth_example_is_clean_and_lists_bob() {
    let text = r#"services:
    web:
        image: bearstech/nginx
        expose: ["80"]
        labels:
            traefik.frontend.rule: Host:${CI_ENVIRONMENT_DOMAIN}
            traefik.frontend.auth.basic: >
                bob:$$apr1$$FNdSDLrp$$TAXy/4ZjKQtNCupEyQ4tl1
"#;
    let report = lint_text(text);
    assert!(
        !codes(&report).iter().any(|c| c.starts_with("FR")),
        "{:?}",
        codes(&report)
    );
    assert_eq!(rows(text)[0].auth_users, ["bob"]);
}

#[test]
fn a_repeated_basic_auth_user_is_listed_once_where_first_written() {
    let compose = |users: &str| {
        format!(
            "services:\n  web:\n    image: app:1\n    expose: [\"80\"]\n    labels:\n      traefik.frontend.rule: Host:${{CI_ENVIRONMENT_DOMAIN}}\n      traefik.frontend.auth.basic: {users}\n"
        )
    };
    let hash = "$$apr1$$FNdSDLrp$$TAXy/4ZjKQtNCupEyQ4tl1";
    let valid = compose(&format!("bob:{hash},eve:{hash},bob:{hash},al:{hash}"));
    assert_eq!(rows(&valid)[0].auth_users, ["bob", "eve", "al"]);
    // With a malformed entry the names are still listed, each once, in the same order.
    let broken = compose(&format!(
        "bob:{hash},eve:plain,bob:{hash}, ,:x,al,al:{hash},eve:y"
    ));
    assert_eq!(rows(&broken)[0].auth_users, ["bob", "eve", "al"]);
}

#[test]
fn routes_are_grouped_by_entry_point_in_first_listed_order() {
    let s = sources(
        r#"services:
  a:
    image: app:1
    expose: ["80"]
    labels:
      traefik.frontend.rule: Host:a.com
      traefik.frontend.entryPoints: b,a
  b:
    image: app:1
    expose: ["80"]
    labels:
      traefik.frontend.rule: Host:b.com
      traefik.frontend.entryPoints: a, c ,a
  c:
    image: app:1
    expose: ["80"]
    labels:
      traefik.frontend.rule: Host:c.com
"#,
        None,
    );
    let loaded = load(&s, &ProcessEnv::default(), &Settings::default());
    let defs = routes::routes(&loaded.project);
    let services =
        |members: &[usize]| -> Vec<&str> { members.iter().map(|&i| defs[i].service()).collect() };
    let groups: Vec<Vec<&str>> = routes::tables(&loaded.project, &defs)
        .iter()
        .map(|(_, members)| services(members))
        .collect();
    // Entry points b, a, c in that order; a route without entryPoints is on all of them.
    assert_eq!(
        groups,
        [vec!["a", "c"], vec!["a", "b", "c"], vec!["b", "c"]]
    );
}

#[test]
fn the_manuals_websocket_example_is_fr013() {
    let report = lint_text(
        r#"services:
    web:
        image: bearstech/nginx
        expose: ["80"]
        labels:
            traefik.frontend.rule: Host:${CI_ENVIRONMENT_DOMAIN}
            traefik.frontend.priority: '2'

    ws:
        image: bearstech/node
        expose: ["3000"]
        labels:
            traefik.frontend.rule: Host:${CI_ENVIRONMENT_DOMAIN};PathPrefix:/ws/
            traefik.frontend.priority: '1'
"#,
    );
    let fr: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.code.starts_with("FR"))
        .collect();
    assert_eq!(fr.iter().map(|d| d.code).collect::<Vec<_>>(), ["FR013"]);
    let d = fr[0];
    // At the later route (ws, line 13), with a secondary label on web (line 6).
    let at = d
        .primary
        .as_ref()
        .map(|l| l.location.span.start)
        .unwrap_or(0);
    assert!(at > 300, "primary at byte {at}");
    assert_eq!(d.secondary.len(), 1);
}

const UNDOUBLED: &str = r#"services:
  web:
    image: nginx:1.25
    expose: ["80"]
    environment:
      URL: ${MISSING_URL}
    labels:
      traefik.frontend.rule: Host:${CI_ENVIRONMENT_DOMAIN}
      traefik.frontend.auth.basic: bob:$apr1$FNdSDLrp$TAXy/4ZjKQtNCupEyQ4tl1
"#;

#[test]
fn fr008_replaces_fe002_inside_the_label_only() {
    let report = lint_text(UNDOUBLED);
    // FE002 for `$apr1` & co are dropped; the one for MISSING_URL stays; no FR007 either.
    assert_eq!(
        codes(&report),
        ["FE002", "FR008"],
        "{:#?}",
        report.diagnostics
    );
    assert!(report.diagnostics[0].message.contains("MISSING_URL"));
}

fn apply(text: &str, d: &Diagnostic) -> String {
    let fix = d.fix.as_ref().expect("FR008 offers a fix");
    let mut edits = fix.edits.clone();
    edits.sort_by_key(|e| std::cmp::Reverse(e.location.span.start));
    let mut out = text.to_owned();
    for e in edits {
        out.replace_range(e.location.span.range(), &e.replacement);
    }
    out
}

#[test]
fn fr008_fix_doubles_the_dollars() {
    for text in [
        UNDOUBLED.to_owned(),
        UNDOUBLED.replace("basic: bob:", "basic: >\n        bob:"),
        UNDOUBLED
            .replace(
                "      traefik.frontend.auth.basic: bob:$apr1$FNdSDLrp$TAXy/4ZjKQtNCupEyQ4tl1",
                "      - traefik.frontend.auth.basic=bob:$apr1$FNdSDLrp$TAXy/4ZjKQtNCupEyQ4tl1",
            )
            .replace(
                "      traefik.frontend.rule: Host:${CI_ENVIRONMENT_DOMAIN}",
                "      - traefik.frontend.rule=Host:${CI_ENVIRONMENT_DOMAIN}",
            ),
    ] {
        let report = lint_text(&text);
        let d = report
            .diagnostics
            .iter()
            .find(|d| d.code == "FR008")
            .unwrap_or_else(|| panic!("no FR008 for\n{text}"));
        let fixed = apply(&text, d);
        let after = lint_text(&fixed);
        assert_eq!(codes(&after), ["FE002"], "after the fix:\n{fixed}");
        assert_eq!(rows(&fixed)[0].auth_users, ["bob"], "{fixed}");
    }
}

#[test]
fn a_yaml_boolean_enable_is_fc021_not_fr004() {
    let report = lint_text(
        "services:\n  web:\n    image: a:1\n    expose: [\"80\"]\n    labels:\n      traefik.enable: true\n      traefik.frontend.rule: Host:${CI_ENVIRONMENT_DOMAIN}\n",
    );
    assert_eq!(codes(&report), ["FC021"]);
}

#[test]
fn jobs_take_no_part_in_conflicts() {
    // The cron job inherits the web labels: FR012, not FR006 against `app`.
    let report = lint_text(
        r#"services:
  app: &web
    image: app:1
    expose: ["80"]
    labels:
      traefik.frontend.rule: Host:${CI_ENVIRONMENT_DOMAIN}
      sh.factory.keep: "x"
  job:
    <<: *web
    command: /bin/false
    restart: "no"
"#,
    );
    assert_eq!(codes(&report), ["FR012"]);
}

fn on_char_boundaries(s: &SourceMap, report: &Report) -> bool {
    report.diagnostics.iter().all(|d| {
        d.primary.iter().chain(&d.secondary).all(|l| {
            let text = &s.get(l.location.file).text;
            let r = l.location.span.range();
            r.start <= r.end && text.is_char_boundary(r.start) && text.is_char_boundary(r.end)
        })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn arbitrary_label_values_never_panic(
        rule in "[ -~é€]{0,40}",
        auth in "[ -~é]{0,40}",
        number in "[-+0-9a-z]{0,6}",
        list_form in any::<bool>(),
    ) {
        let q = |v: &str| format!("'{}'", v.replace('\'', "''"));
        let labels = if list_form {
            format!(
                "      - {}\n      - {}\n      - {}\n      - {}\n",
                q(&format!("traefik.frontend.rule={rule}")),
                q(&format!("traefik.frontend.auth.basic={auth}")),
                q(&format!("traefik.frontend.priority={number}")),
                q(&format!("traefik.seg.port={number}")),
            )
        } else {
            format!(
                "      traefik.frontend.rule: {}\n      traefik.frontend.auth.basic: {}\n      traefik.frontend.priority: {}\n      traefik.seg.frontend.rule: {}\n",
                q(&rule), q(&auth), q(&number), q(&rule),
            )
        };
        let text = format!(
            "services:\n  a:\n    image: a:1\n    expose: [\"80\", \"81\"]\n    labels:\n{labels}  b:\n    image: b:1\n    expose: [\"80\"]\n    labels:\n{labels}"
        );
        let s = sources(&text, None);
        let report = lint(&s, &ProcessEnv::default(), &Settings::default());
        prop_assert!(on_char_boundaries(&s, &report));
        let loaded = load(&s, &ProcessEnv::default(), &Settings::default());
        let defs = routes::routes(&loaded.project);
        let _ = routes::render_human(&routes::rows(&loaded.project, &defs));
    }
}

#[test]
fn table_rendering() {
    let text = r#"services:
  web:
    image: app:1
    expose: ["80"]
    labels:
      traefik.frontend.rule: Host:${CI_ENVIRONMENT_DOMAIN}
      traefik.frontend.auth.basic: bob:$$apr1$$FNdSDLrp$$TAXy/4ZjKQtNCupEyQ4tl1,alice:$$apr1$$FNdSDLrp$$TAXy/4ZjKQtNCupEyQ4tl1
  multi:
    image: app:1
    expose: ["8000", "9000"]
    labels:
      traefik.api.frontend.rule: Host:${CI_ENVIRONMENT_DOMAIN};PathPrefixStrip:/api
      traefik.api.port: "8000"
      traefik.api.frontend.priority: "50"
      traefik.metrics.frontend.rule: Host:${CI_ENVIRONMENT_DOMAIN};Path:/metrics
      traefik.frontend.entryPoints: https
  job:
    image: app:1
    restart: "no"
    labels:
      traefik.frontend.rule: Host:job.${CI_ENVIRONMENT_DOMAIN}
"#;
    let rows = rows(text);
    insta::assert_snapshot!(
        "table_rendering",
        format!(
            "{}\n{}",
            routes::render_human(&rows),
            routes::render_json(&rows)
        )
    );
}

#[test]
fn a_segment_without_its_own_rule_inherits_the_service_rule() {
    // Traefik v1.7 `ExtractTraefikLabels`: `traefik.web.frontend.headers.SSLRedirect` makes a
    // segment `web`; it takes the service-wide rule, and no service-wide frontend remains.
    let rows = rows(
        r#"services:
  app:
    image: app:1
    expose: ["80"]
    labels:
      traefik.frontend.rule: Host:${CI_ENVIRONMENT_DOMAIN}
      traefik.web.frontend.headers.SSLRedirect: "true"
"#,
    );
    let got: Vec<_> = rows
        .iter()
        .map(|r| (r.segment.as_deref(), r.rule.as_str()))
        .collect();
    assert_eq!(got, [(Some("web"), "Host:dev.factory")]);
}

/// A rule of more than 65 535 characters is laid out without a panic (a format width of that
/// size is out of range), and a column grows only to `TABLE_COLUMN_MAX` characters: the other
/// rows are not padded to a huge cell's width.
#[test]
fn a_huge_rule_is_laid_out_without_padding_every_row() {
    use factory_compose::routes::{RouteRow, render_human};
    let row = |service: &str, rule: String| RouteRow {
        service: service.to_owned(),
        segment: None,
        rule,
        priority: 1,
        priority_source: "label",
        port: Some(80),
        auth_users: Vec::new(),
        entrypoints: Vec::new(),
    };
    let huge = format!("PathPrefix:/{}", "a".repeat(70_000));
    let text = render_human(&[row("big", huge), row("small", "Host:x".to_owned())]);
    let small = text
        .lines()
        .find(|l| l.starts_with("small"))
        .expect("a row");
    assert!(small.len() < 200, "{small}");
}

/// `lint` of a project of `compose`, the CI variables in `.env`, and a `Dockerfile`.
fn lint_with_dockerfile(compose: &str, dockerfile: &str) -> Report {
    let mut s = sources(
        compose,
        Some(
            "CI_REGISTRY_IMAGE=registry.example/p\nCI_COMMIT_SHA=1\nCI_ENVIRONMENT_DOMAIN=dev.factory\n",
        ),
    );
    s.add(SourceFile::new(
        "Dockerfile",
        dockerfile,
        FileKind::Dockerfile,
    ));
    lint(&s, &ProcessEnv::default(), &Settings::default())
}

/// Traefik forwards to the container's exposed port, the image's `EXPOSE` included: a routed
/// service whose image a Dockerfile of the project builds with an `EXPOSE` (in its final stage
/// or a stage it is built on) is no FR002. Without one, FR002 stays.
#[test]
fn an_expose_in_the_projects_dockerfile_is_a_port() {
    let compose = "services:\n  web:\n    image: ${CI_REGISTRY_IMAGE}/web:${CI_COMMIT_SHA}\n    labels:\n      traefik.frontend.rule: Host:${CI_ENVIRONMENT_DOMAIN}\n";
    let fr002 = |dockerfile: &str| {
        lint_with_dockerfile(compose, dockerfile)
            .diagnostics
            .iter()
            .any(|d| d.code == "FR002")
    };
    assert!(!fr002("FROM python:3\nEXPOSE 8000\nUSER 1001\n"));
    assert!(!fr002(
        "FROM python:3 AS base\nEXPOSE 8000\nFROM base\nUSER 1001\n"
    ));
    assert!(fr002("FROM python:3\nUSER 1001\n"));
    // An `EXPOSE` of a stage the final one is not built on is not the image's.
    assert!(fr002(
        "FROM python:3 AS build\nEXPOSE 8000\nFROM python:3\nUSER 1001\n"
    ));
}

/// The container exposes the `expose` ports and those the image's `EXPOSE` declares: with one
/// of each, Traefik takes the lowest, and FR003 says so; the same port twice is one port.
#[test]
fn the_images_expose_counts_toward_several_ports() {
    let compose = "services:\n  web:\n    image: ${CI_REGISTRY_IMAGE}/web:${CI_COMMIT_SHA}\n    expose: [\"9000\"]\n    labels:\n      traefik.frontend.rule: Host:${CI_ENVIRONMENT_DOMAIN}\n";
    let fr003 = |dockerfile: &str| {
        lint_with_dockerfile(compose, dockerfile)
            .diagnostics
            .iter()
            .filter(|d| d.code == "FR003")
            .map(|d| d.message.clone())
            .collect::<Vec<_>>()
    };
    let both = fr003("FROM python:3\nEXPOSE 8000/tcp\nUSER 1001\n");
    assert_eq!(both.len(), 1, "{both:?}");
    assert!(both[0].contains("2 ports (9000, 8000)"), "{both:?}");
    assert!(fr003("FROM python:3\nEXPOSE 9000\nUSER 1001\n").is_empty());
    assert!(fr003("FROM python:3\nEXPOSE ${PORT}\nUSER 1001\n").is_empty());
}

/// FR009 reads the label as written: the route's own parse when the label has no variable, a
/// parse of the written text when interpolation changed it (a `$$`, a variable).
#[test]
fn hard_coded_hosts_are_read_from_the_label_as_written() {
    let fr009 = |rule: &str| -> Vec<String> {
        let compose = format!(
            "services:\n  web:\n    image: app:1\n    expose: [\"80\"]\n    labels:\n      traefik.frontend.rule: '{rule}'\n"
        );
        lint_text(&compose)
            .diagnostics
            .iter()
            .filter(|d| d.code == "FR009")
            .map(|d| d.message.clone())
            .collect()
    };
    let hard_coded = |written: &str| {
        vec![format!(
            "`{written}` of `web` is hard-coded: every environment answers on that domain"
        )]
    };
    assert_eq!(
        fr009("Host:a.com;Query:k={v:[0-9]+}"),
        hard_coded("Host:a.com")
    );
    assert_eq!(fr009("Host:pay$$.a.com"), hard_coded("Host:pay$$.a.com"));
    assert_eq!(fr009("Host:${CI_ENVIRONMENT_DOMAIN}"), Vec::<String>::new());
    assert_eq!(
        fr009("Host:${CI_ENVIRONMENT_DOMAIN},b.com"),
        hard_coded("Host:b.com")
    );
    // A rule Traefik refuses reports no host, with or without a variable.
    assert_eq!(fr009("Host:a.com;Query:k={v:(}"), Vec::<String>::new());
    assert_eq!(
        fr009("Host:${CI_ENVIRONMENT_DOMAIN},a.com;Query:k={v:(}"),
        Vec::<String>::new()
    );
}

/// The findings of the FR and FE rules on `rule`, the `traefik.frontend.rule` of one service
/// (`.env`: `dotenv`): code, column of the primary place in the rule's line, and the text
/// there.
fn rule_findings(rule: &str, dotenv: &str) -> Vec<(&'static str, usize, String)> {
    let text = format!(
        "services:\n  web:\n    image: a:1\n    expose: [\"80\"]\n    labels:\n      traefik.frontend.rule: '{rule}'\n"
    );
    let s = sources(&text, Some(dotenv));
    let report = lint(&s, &ProcessEnv::default(), &Settings::default());
    assert!(on_char_boundaries(&s, &report));
    let line = text.lines().take(5).map(|l| l.len() + 1).sum::<usize>();
    report
        .diagnostics
        .iter()
        .filter(|d| d.code.starts_with("FR") || d.code.starts_with("FE"))
        .filter(|d| d.code != "FR009") // read as written, before interpolation
        .map(|d| {
            let r = d.primary.as_ref().expect("a place").location.span.range();
            (d.code, r.start - line + 1, text[r].to_owned())
        })
        .collect()
}

/// A variable unset when linting (FE002) may be set where the project is deployed: what it
/// holds is unknown, and only the parts of the rule it cannot change are checked.
#[test]
fn a_rule_with_an_unset_variable_is_checked_where_the_variable_cannot_reach() {
    let f = |rule: &str| rule_findings(rule, "S=a.com\n");
    let at = |code, col, text: &str| (code, col, text.to_owned());
    // The column of the rule's first byte.
    let c = "      traefik.frontend.rule: '".len() + 1;
    // A segment written out before the variable, or after it.
    assert_eq!(
        f("Bogus:/x;Path:/${UNSET}"),
        [at("FR001", c, "Bogus"), at("FE002", c + 15, "${UNSET}")]
    );
    assert_eq!(
        f("Host:${UNSET};Pathprefix:/api;Host:a.com:80"),
        [
            at("FE002", c + 5, "${UNSET}"),
            at("FR001", c + 14, "Pathprefix")
        ]
    );
    assert_eq!(
        f("Host:${UNSET};Path:/a;Host:a.com:8080"),
        [at("FE002", c + 5, "${UNSET}"), at("FR014", c + 32, ":8080")]
    );
    // The variable is the value, the host or the matcher name: nothing else is said.
    assert_eq!(f("Path:/${UNSET}"), [at("FE002", c + 6, "${UNSET}")]);
    assert_eq!(f("Host:${UNSET}"), [at("FE002", c + 5, "${UNSET}")]);
    assert_eq!(f("${M}:/x"), [at("FE002", c, "${M}")]);
    assert_eq!(f("Host:a.com${U};Path:/x"), [at("FE002", c + 10, "${U}")]);
    // A name written out before its `:` is known, whatever the value after it.
    assert_eq!(
        f("Pathprefix:/${V}"),
        [at("FR001", c, "Pathprefix"), at("FE002", c + 12, "${V}")]
    );
    assert_eq!(f("PathPrefix:/${V}"), [at("FE002", c + 12, "${V}")]);
    // Of a segment holding the variable, an argument written out before it, up to a `,`,
    // whatever the variable holds; not one after it (a `;` in the value starts a segment).
    assert_eq!(
        f("Host:a.com:8080,${U}"),
        [at("FR014", c + 10, ":8080"), at("FE002", c + 16, "${U}")]
    );
    assert_eq!(
        f("Path:/x;PathPrefix:api,/${U}"),
        [at("FR014", c + 19, "api"), at("FE002", c + 24, "${U}")]
    );
    assert_eq!(f("Host:${U},a.com:8080"), [at("FE002", c + 5, "${U}")]);
    assert_eq!(f("Headers:X,${U}"), [at("FE002", c + 10, "${U}")]);
    // A set variable's `;` splits the rule: the text it gave is placed at its `${...}`.
    assert_eq!(
        rule_findings("${S};Bogus:/x;Path:/${U}", "S=Host:a.com;host:b.com\n"),
        [at("FR001", c, "${S}"), at("FE002", c + 20, "${U}")]
    );
    // A variable with a default, or set: the rule is checked whole, as before.
    assert_eq!(f("Bogus:/x;Path:/${X:-a}"), [at("FR001", c, "Bogus")]);
    assert_eq!(
        f("Host:${X:-a.com:8080}"),
        [at("FR014", c + 5, "${X:-a.com:8080}")]
    );
    assert_eq!(f("Host:${S}:8080"), [at("FR014", c + 9, ":8080")]);
    assert_eq!(f("Path:/${S}"), []);
    assert_eq!(f("Host:${S}"), []);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    /// Rules with unset variables, set ones and defaults anywhere: no panic, places on char
    /// boundaries, no code twice at one place.
    #[test]
    fn rules_with_unset_variables_never_panic_nor_repeat(
        pieces in proptest::collection::vec(proptest::sample::select(vec![
            "${U}", "$U", "${S}", "${U:-a;b}", "${U:+x}", "${U:-${V}}", "$$", "Host", "Path",
            "Bogus", ":", ";", ",", "{", "}", "é", "a.com", "/x", ":80", " ", "{id:[}",
        ]), 0..12),
    ) {
        let rule: String = pieces.concat();
        let text = format!(
            "services:\n  a:\n    image: a:1\n    expose: [\"80\"]\n    labels:\n      traefik.frontend.rule: '{rule}'\n      traefik.x.frontend.rule: 'Host:b.com;{rule}'\n"
        );
        let s = sources(&text, Some("S=;é:x;Host:s.com\n"));
        let report = lint(&s, &ProcessEnv::default(), &Settings::default());
        prop_assert!(on_char_boundaries(&s, &report));
        // (Findings printed the same are merged into one: one code at one place is one.)
        let mut seen = std::collections::HashSet::new();
        for d in &report.diagnostics {
            prop_assert!(
                seen.insert((d.code, d.primary.as_ref().map(|p| p.location))),
                "{rule}: {} twice at one place", d.code
            );
        }
    }
}

/// FR006 and FR013 of two services `a` and `b` whose labels are `a` and `b` (`.env`: `S=s.com`),
/// each `code: message`, and where each points (the service whose labels hold its place).
fn compared(a: &str, b: &str) -> Vec<String> {
    let labels = |l: &str| {
        l.lines()
            .map(|l| format!("      {l}\n"))
            .collect::<String>()
    };
    let text = format!(
        "services:\n  a:\n    image: a:1\n    expose: [\"80\"]\n    labels:\n{}  b:\n    image: b:1\n    expose: [\"80\"]\n    labels:\n{}",
        labels(a),
        labels(b)
    );
    let s = sources(&text, Some("S=s.com\n"));
    let report = lint(&s, &ProcessEnv::default(), &Settings::default());
    let b_at = text.find("  b:").expect("service b");
    report
        .diagnostics
        .iter()
        .filter(|d| matches!(d.code, "FR006" | "FR013"))
        .map(|d| {
            let at = d
                .primary
                .as_ref()
                .map_or(0, |l| l.location.span.range().start);
            let on = if at > b_at { "b" } else { "a" };
            format!("{} at {on}: {}", d.code, d.message)
        })
        .collect()
}

/// A variable unset when linting (FE002) may be set where the project is deployed: routes
/// whose rules read it are compared only with routes reading it at the same place, the rest
/// written the same; everything else about them depends on its value.
#[test]
fn routes_with_unset_variables_are_compared_when_their_rules_are_the_same() {
    // Written the same: one rule, whatever `A` holds.
    assert_eq!(
        compared(
            "traefik.frontend.rule: Host:${A}.x.com",
            "traefik.frontend.rule: Host:${A}.x.com"
        ),
        [
            "FR006 at b: the routes of `b` and `a` have the same rule `Host:${A}.x.com` and the same priority (the rule's length): whatever `${A}` gives, Traefik sends each request it matches to either one"
        ]
    );
    // Also when the empty value would be refused (`Host:`), and with known text rendered.
    assert_eq!(
        compared(
            "traefik.frontend.rule: Host:${A};Path:/${S}\ntraefik.frontend.priority: '3'",
            "traefik.frontend.rule: Host:${A};Path:/${S}\ntraefik.frontend.priority: '3'"
        ),
        [
            "FR006 at b: the routes of `b` and `a` have the same rule `Host:${A};Path:/${S}` and the same priority 3: whatever `${A}` gives, Traefik sends each request it matches to either one"
        ]
    );
    assert_eq!(
        compared(
            "traefik.frontend.rule: Host:${A}\ntraefik.frontend.priority: '1'",
            "traefik.frontend.rule: Host:${A}\ntraefik.frontend.priority: '2'"
        ),
        [
            "FR013 at b: the route of `a` never receives a request: `b` has the same rule `Host:${A}` and a higher priority (2 > 1), whatever `${A}` gives"
        ]
    );
    // Known routes are compared as before.
    assert_eq!(
        compared(
            "traefik.frontend.rule: Host:${S}",
            "traefik.frontend.rule: Host:s.com"
        ),
        [
            "FR006 at b: the routes of `b` and `a` both match `GET https://s.com/` with the same priority 10: Traefik sends it to either one"
        ]
    );
}

/// The other direction: what depends on the values of unset variables is not said.
#[test]
fn routes_with_unset_variables_are_not_compared_where_it_depends_on_the_values() {
    // Different unknowns, or the same at different places.
    let none: [&str; 0] = [];
    assert_eq!(
        compared(
            "traefik.frontend.rule: Host:${A}.x.com",
            "traefik.frontend.rule: Host:${B}.x.com"
        ),
        none
    );
    assert_eq!(
        compared(
            "traefik.frontend.rule: Host:${A}.x.com;PathPrefix:/\ntraefik.frontend.priority: '2'",
            "traefik.frontend.rule: Host:${B}.x.com;PathPrefix:/api\ntraefik.frontend.priority: '1'"
        ),
        none
    );
    assert_eq!(
        compared(
            "traefik.frontend.rule: Host:a${A}.x.com",
            "traefik.frontend.rule: Host:${A}a.x.com"
        ),
        none
    );
    // A known rule against one reading an unknown value; whether a route serves, its priority
    // or entry points read from one; a priority from the rule's length against a label.
    assert_eq!(
        compared(
            "traefik.frontend.rule: PathPrefix:/\ntraefik.frontend.priority: '9'",
            "traefik.frontend.rule: Host:${A};PathPrefix:/x\ntraefik.frontend.priority: '1'"
        ),
        none
    );
    assert_eq!(
        compared(
            "traefik.frontend.rule: Host:a.com\ntraefik.frontend.priority: ${P}",
            "traefik.frontend.rule: Host:a.com"
        ),
        none
    );
    assert_eq!(
        compared(
            "traefik.frontend.rule: Host:a.com\ntraefik.enable: ${E}",
            "traefik.frontend.rule: Host:a.com"
        ),
        none
    );
    assert_eq!(
        compared(
            "traefik.frontend.rule: Host:${A}\ntraefik.enable: ${E}",
            "traefik.frontend.rule: Host:${A}"
        ),
        none
    );
    assert_eq!(
        compared(
            "traefik.frontend.rule: Host:a.com\ntraefik.frontend.entryPoints: ${E}",
            "traefik.frontend.rule: Host:a.com\ntraefik.frontend.entryPoints: http"
        ),
        none
    );
    assert_eq!(
        compared(
            "traefik.frontend.rule: Host:${A}\ntraefik.frontend.priority: '9'",
            "traefik.frontend.rule: Host:${A}"
        ),
        none
    );
    assert_eq!(
        compared(
            "traefik.frontend.rule: Host:${A}\ntraefik.frontend.entryPoints: http",
            "traefik.frontend.rule: Host:${A}\ntraefik.frontend.entryPoints: https"
        ),
        none
    );
}

/// A rule whose segments written out never match (FR014) matches no request whatever the
/// unset variable holds: two such routes neither conflict nor shadow one another.
#[test]
fn routes_with_unset_variables_that_never_match_are_not_compared() {
    let none: [&str; 0] = [];
    for rule in [
        "Host:a.com:8080;PathPrefix:/${PREFIX}",
        "Host:a.com;Host:b.com;Path:/${A}",
        "PathPrefix:x;Host:${A}",
    ] {
        let label = format!("traefik.frontend.rule: \"{rule}\"");
        assert_eq!(compared(&label, &label), none, "{rule}");
        assert_eq!(
            compared(
                &format!("{label}\ntraefik.frontend.priority: '1'"),
                &format!("{label}\ntraefik.frontend.priority: '2'")
            ),
            none,
            "{rule}"
        );
    }
    // One alternative that can match is enough for the pair to be compared.
    let label = "traefik.frontend.rule: \"Host:a.com:8080,b.com;PathPrefix:/${PREFIX}\"";
    assert_eq!(compared(label, label).len(), 1);
}

/// A route is hidden only if hidden on every entry point it listens on: one the other route
/// is not on gives it requests (a route without `frontend.entryPoints` is on every entry
/// point). FR006 needs one entry point shared.
#[test]
fn a_route_alone_on_an_entry_point_is_not_shadowed() {
    let none: [&str; 0] = [];
    for rule in ["Host:x.${A}", "Host:x.com"] {
        let route = |priority: u8, entry_points: &str| {
            let mut labels =
                format!("traefik.frontend.rule: {rule}\ntraefik.frontend.priority: '{priority}'");
            if !entry_points.is_empty() {
                labels.push_str(&format!("\ntraefik.frontend.entryPoints: {entry_points}"));
            }
            labels
        };
        // `a` is alone on `http`, or on the entry points no route names.
        assert_eq!(
            compared(&route(10, "http,https"), &route(20, "https")),
            none,
            "{rule}"
        );
        assert_eq!(
            compared(&route(10, ""), &route(20, "https")),
            none,
            "{rule}"
        );
        assert_eq!(
            compared(&route(10, ""), &route(20, "http,https")),
            none,
            "{rule}"
        );
        // Wherever `a` listens, `b` does too.
        for (a, b) in [
            ("https", "http,https"),
            ("https", ""),
            ("", ""),
            ("http", "http"),
        ] {
            let found = compared(&route(10, a), &route(20, b));
            assert_eq!(found.len(), 1, "{rule} on {a:?} and {b:?}");
            assert!(
                found[0].starts_with("FR013 at b: the route of `a` never receives a request: `b`"),
                "{found:?}"
            );
        }
        // Same priority, one entry point shared: FR006.
        assert_eq!(
            compared(&route(10, "http,https"), &route(10, "https")).len(),
            1,
            "{rule}"
        );
    }
}

/// A `Host` argument with a `{` or `$` is FR014 when it is written so in that argument, set
/// or unset the variable elsewhere in the rule; not when a variable gave it, or when it is a
/// `${` interpolation could not replace (FE001, FE003 report it).
#[test]
fn a_template_in_a_host_is_judged_by_its_own_argument_as_written() {
    let c = "      traefik.frontend.rule: '".len() + 1;
    let fr014 = |rule: &str, dotenv: &str| -> Vec<(usize, String)> {
        rule_findings(rule, dotenv)
            .into_iter()
            .filter(|f| f.0 == "FR014")
            .map(|(_, col, text)| (col - c, text))
            .collect()
    };
    let at = |col: usize, text: &str| vec![(col, text.to_owned())];
    let rule = "Host:{sub}.a.com,${D}";
    assert_eq!(fr014(rule, ""), at(5, "{sub}.a.com"));
    assert_eq!(fr014(rule, "D=b.com\n"), at(5, "{sub}.a.com"));
    assert_eq!(
        fr014("Host:${D},{sub}.a.com", "D=b.com\n"),
        at(10, "{sub}.a.com")
    );
    assert_eq!(fr014("Host:a.com,$${D}", "D=b.com\n"), at(11, "$${D}"));
    assert_eq!(fr014("Host:$${D}", ""), at(5, "$${D}"));
    // The `{` is written in the rule, a variable later in the same argument: `Host` for
    // `HostRegexp`, the domain from the environment (from the session's second review).
    assert_eq!(
        fr014("Host:{sub:[a-z]+}.${D}", "D=a.com\n"),
        at(5, "{sub:[a-z]+}.${D}")
    );
    assert_eq!(fr014("Host:x{sub}.${D}", "D=a.com\n"), at(6, "{sub}.${D}"));
    // A variable gave the `{`, or interpolation left the `${` (FE003).
    assert_eq!(fr014("Host:${D},a.com", "D={x}.com\n"), []);
    assert_eq!(fr014("Host:x${D}", "D={x}.com\n"), []);
    assert_eq!(fr014("Host:${D},a.com,${U}", "D={x}.com\n"), []);
    assert_eq!(fr014("Host:${D:?set it}", ""), []);
    assert_eq!(fr014("Host:a.com,${D:?set it}", ""), []);
}
