//! The FJ rules and the cron job model survive arbitrary label values, and every span they
//! report lies on char boundaries of the file.

use factory_compose::cron_jobs;
use factory_compose::{FileKind, ProcessEnv, Settings, SourceFile, SourceMap, lint, load};
use jiff::{Timestamp, tz::TimeZone};
use proptest::prelude::*;

fn yaml(schedule: &str, command: &str, entrypoint: &str, style: u8) -> String {
    let sq = |s: &str| format!("'{}'", s.replace('\'', "''"));
    let dq = |s: &str| {
        let mut out = String::from("\"");
        for c in s.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                c if c.is_control() => out.push_str(&format!("\\u{:04x}", u32::from(c))),
                c => out.push(c),
            }
        }
        out.push('"');
        out
    };
    let labels = match style % 3 {
        0 => format!(
            "    labels:\n      sh.factory.cronjob.schedule: {}\n      sh.factory.cronjob.command: {}\n",
            sq(schedule),
            sq(command)
        ),
        1 => format!(
            "    labels:\n      sh.factory.cronjob.schedule: {}\n      sh.factory.cronjob.command: {}\n",
            dq(schedule),
            dq(command)
        ),
        _ => format!(
            "    labels:\n      - {}\n      - {}\n",
            dq(&format!("sh.factory.cronjob.schedule={schedule}")),
            sq(&format!("sh.factory.cronjob.command={command}"))
        ),
    };
    format!(
        "x: &base\n  image: app:1\n  restart: always\nservices:\n  job:\n    <<: *base\n    entrypoint: {}\n{labels}",
        dq(entrypoint)
    )
}

fn check(text: &str) -> Result<Vec<&'static str>, TestCaseError> {
    let mut sources = SourceMap::new();
    sources.add(SourceFile::new(
        "docker-compose.yml",
        text,
        FileKind::Compose,
    ));
    let report = lint(&sources, &ProcessEnv::default(), &Settings::default());
    for d in &report.diagnostics {
        for label in d.primary.iter().chain(&d.secondary) {
            let r = label.location.span.range();
            prop_assert!(
                text.is_char_boundary(r.start)
                    && text.is_char_boundary(r.end)
                    && r.end <= text.len(),
                "{} {:?} in {text:?}",
                d.code,
                r
            );
        }
    }
    let loaded = load(&sources, &ProcessEnv::default(), &Settings::default());
    let from: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
    let runs = cron_jobs::runs(&loaded, false, from, &TimeZone::UTC, 3);
    let _ = cron_jobs::render_table(&runs, "UTC");
    let _ = cron_jobs::render_json(&runs);
    Ok(report.diagnostics.iter().map(|d| d.code).collect())
}

proptest! {
    #[test]
    fn arbitrary_values(
        schedule in "[0-9*/,a-zA-Z@ \\t-]{0,30}|\\PC{0,20}",
        command in "[a-z '\"`$()\\\\#;é☃]{0,30}|\\PC{0,20}",
        entrypoint in "(/bin/)?(bash|sh|python|node)( -c| -l| x)?|\\PC{0,10}",
        style in 0u8..3,
    ) {
        check(&yaml(&schedule, &command, &entrypoint, style))?;
    }
}

#[test]
fn known_values() {
    for (s, c, e, want) in [
        (
            "0 0 30 2 *",
            "echo 'x",
            "/bin/bash",
            &["FJ003", "FJ004", "FJ005", "FJ007"][..],
        ),
        ("", "", "", &["FJ002", "FJ003", "FJ004"]),
        (
            "@reboot",
            "é'☃",
            "python",
            &["FJ003", "FJ004", "FJ005", "FJ006"],
        ),
        (
            "* * * * 5L",
            "`",
            "sh -c",
            &["FJ002", "FJ003", "FJ004", "FJ005", "FJ006"],
        ),
        (
            "\u{a0}0 * * * *",
            "$'x",
            "node",
            &["FJ002", "FJ003", "FJ004", "FJ005", "FJ006"],
        ),
    ] {
        for style in 0..3 {
            let mut codes: Vec<_> = check(&yaml(s, c, e, style))
                .unwrap()
                .into_iter()
                .filter(|c| c.starts_with("FJ"))
                .collect();
            codes.sort_unstable();
            codes.dedup();
            assert_eq!(codes, want, "{s:?} {c:?} {e:?} style {style}");
        }
    }
}

/// A service with one of the two labels is no cron job (SPEC §3.8): FJ001 says so, alone.
/// FJ003, FJ004 and FJ006 are for cron jobs; a problem in the label's own value (FJ002, FJ005)
/// is still reported.
#[test]
fn one_label_alone_is_fj001_only() {
    let service = |labels: &str| {
        format!(
            "services:\n  web:\n    image: app:1\n    restart: always\n    entrypoint: python\n    labels:\n{labels}"
        )
    };
    for (labels, want) in [
        (
            "      sh.factory.cronjob.schedule: \"0 * * * *\"\n",
            &["FJ001"][..],
        ),
        ("      sh.factory.cronjob.command: ./purge\n", &["FJ001"]),
        (
            "      sh.factory.cronjob.schedule: \"0 * * *\"\n",
            &["FJ001", "FJ002"],
        ),
        (
            "      sh.factory.cronjob.command: \"echo 'x\"\n",
            &["FJ001", "FJ005"],
        ),
        (
            "      sh.factory.cronjob.schedule: \"0 * * * *\"\n      sh.factory.cronjob.command: ./purge\n",
            &["FJ003", "FJ004", "FJ006"],
        ),
    ] {
        let mut codes: Vec<_> = check(&service(labels))
            .unwrap()
            .into_iter()
            .filter(|c| c.starts_with("FJ"))
            .collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes, want, "{labels}");
    }
}

/// FJ002 and FJ005 point at the bad field or quote inside a value that uses variables (`${…}`,
/// `$$`), in a list-form label, a folded one and an inherited one, as the route rules do; a
/// field a variable gave is its whole `${…}`. They pointed at the whole value.
#[test]
fn findings_point_inside_values_with_variables() {
    let text = r#"x-job: &job
  labels:
    sh.factory.cronjob.schedule: "${S:-0 61 * * *}"
    sh.factory.cronjob.command: "echo \"a ${X:-b}"
services:
  a:
    image: app:1
    labels:
      sh.factory.cronjob.schedule: "${MIN:-5} 61 * * *"
      sh.factory.cronjob.command: "echo $$HOME 'unbalanced"
  b:
    image: app:1
    labels:
      - "sh.factory.cronjob.schedule=0 ${H:-3} 32 * *"
      - sh.factory.cronjob.command=echo ${X:-a} "x
  c:
    <<: *job
    image: app:1
  d:
    image: app:1
    labels:
      <<: {sh.factory.cronjob.schedule: "0 ${H:-3} 32 * *", sh.factory.cronjob.command: "x"}
  e:
    image: app:1
    labels:
      sh.factory.cronjob.schedule: >-
        0 ${H:-3}
        32 * *
      sh.factory.cronjob.command: "true"
  f:
    image: app:1
    labels:
      sh.factory.cronjob.schedule: "0 0 $$5 * *"
      sh.factory.cronjob.command: "true"
"#;
    let mut sources = SourceMap::new();
    sources.add(SourceFile::new(
        "docker-compose.yml",
        text,
        FileKind::Compose,
    ));
    let report = lint(&sources, &ProcessEnv::default(), &Settings::default());
    let at = |l: &factory_compose::diagnostic::Label| {
        let r = l.location.span.range();
        let line = text[..r.start].matches('\n').count() + 1;
        format!("{line}:{}", &text[r])
    };
    let found: Vec<(&str, String, Vec<String>)> = report
        .diagnostics
        .iter()
        .filter(|d| matches!(d.code, "FJ002" | "FJ005"))
        .map(|d| {
            (
                d.code,
                d.primary.as_ref().map(at).unwrap_or_default(),
                d.secondary.iter().map(at).collect(),
            )
        })
        .collect();
    let want: Vec<(&str, String, Vec<String>)> = vec![
        ("FJ002", "9:61".into(), vec![]),
        ("FJ005", "10:'".into(), vec![]),
        ("FJ002", "14:32".into(), vec![]),
        ("FJ005", "15:\"".into(), vec![]),
        ("FJ002", "17:<<".into(), vec!["3:${S:-0 61 * * *}".into()]),
        ("FJ005", "17:<<".into(), vec!["4:\\\"".into()]),
        ("FJ002", "22:<<".into(), vec!["22:32".into()]),
        ("FJ002", "28:32".into(), vec![]),
        // A `$` written `$$` is both characters.
        ("FJ002", "33:$$5".into(), vec![]),
    ];
    let mut sorted = found.clone();
    sorted.sort_by_key(|(_, p, _)| p.split(':').next().and_then(|l| l.parse::<u32>().ok()));
    assert_eq!(sorted, want, "{found:#?}");
}
