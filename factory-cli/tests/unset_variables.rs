//! The commands that show the project's values (`config`, `routes`, `routes match`, `cron`,
//! `env`, `runjob`) say on standard error which variables they read as empty strings, each
//! once, as Compose warns of them; their output and exit code are those of a project where
//! nothing is said.
#![allow(clippy::disallowed_methods)]

mod common;

use common::{factory_env, stdout};

const COMPOSE: &str = "services:
  web:
    image: registry.example/web:${TAG}
    expose: [\"8080\"]
    environment:
      API: https://${DOMAIN}/api
    labels:
      traefik.enable: 'true'
      traefik.frontend.rule: Host:${DOMAIN};PathPrefix:/api
  job:
    image: registry.example/job:${TAG}
    command: /bin/false
    restart: 'no'
    labels:
      sh.factory.cronjob.schedule: '0 3 * * *'
      sh.factory.cronjob.command: ./purge.sh ${DOMAIN}
";

/// Every command that prints the project's values, with its arguments.
const COMMANDS: &[&[&str]] = &[
    &["config"],
    &["config", "--format", "json"],
    &["routes"],
    &["routes", "match", "https://a.example/api"],
    &["cron", "--from", "2026-01-01T00:00:00Z"],
    &["env"],
    &["runjob", "job"],
];

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn each_unset_variable_is_said_once_on_standard_error() {
    let dir = common::temp_project(
        "factory-cli-unset",
        "dev",
        &[("docker-compose.yml", COMPOSE)],
    );
    for args in COMMANDS {
        let out = factory_env(args, &dir, &[]);
        let err = stderr(&out);
        assert!(out.status.success(), "{args:?}: {err}");
        for name in ["TAG", "DOMAIN"] {
            let said = format!("warning[FE002]: `{name}` is not set");
            assert_eq!(err.matches(&said).count(), 1, "{args:?}: {err}");
        }
        // At the first use of each, in file order.
        assert!(
            err.find("`TAG` is not set") < err.find("`DOMAIN` is not set"),
            "{args:?}: {err}"
        );
        assert!(
            err.contains(" --> docker-compose.yml:3:33\n"),
            "{args:?}: {err}"
        );
        assert!(
            err.ends_with("these variables are read as empty strings, as Compose reads them (each shown at its first use; `factory lint` lists every use)\n"),
            "{args:?}: {err}"
        );
        assert!(!stdout(&out).contains("FE002"), "{args:?}");
    }
}

#[test]
fn nothing_is_said_when_every_variable_is_set() {
    let dir = common::temp_project(
        "factory-cli-unset",
        "set",
        &[("docker-compose.yml", COMPOSE)],
    );
    let env = [("TAG", "1"), ("DOMAIN", "a.example")];
    for args in COMMANDS {
        let out = factory_env(args, &dir, &env);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        assert_eq!(stderr(&out), "", "{args:?}");
    }
    // The same output as with the variables unset, but for their values.
    let unset = factory_env(&["routes"], &dir, &[]);
    assert!(stdout(&unset).contains("Host:;PathPrefix:/api"));
    let set = factory_env(&["routes"], &dir, &env);
    assert!(stdout(&set).contains("Host:a.example;PathPrefix:/api"));
}

#[test]
fn one_variable_is_said_in_the_singular_and_deploy_mode_says_fe007() {
    let one = COMPOSE.replace("${TAG}", "1");
    let dir = common::temp_project("factory-cli-unset", "one", &[("docker-compose.yml", &one)]);
    let out = factory_env(&["routes"], &dir, &[]);
    assert!(
        stderr(&out).ends_with("this variable is read as an empty string, as Compose reads it (shown at its first use; `factory lint` lists every use)\n"),
        "{}",
        stderr(&out)
    );
    let deploy = factory_env(
        &["routes", "-e", "production", "--url", "https://a.example"],
        &dir,
        &[],
    );
    assert!(deploy.status.success(), "{}", stderr(&deploy));
    assert_eq!(
        stderr(&deploy)
            .matches("error[FE007]: `DOMAIN` will not be set when deployed")
            .count(),
        1,
        "{}",
        stderr(&deploy)
    );
}

/// What `lint` does not report is not said either: an inline suppression, `factory.toml`'s
/// `ignore`, `FACTORY_IGNORE`. A use silenced on its line leaves the next one to be shown.
#[test]
fn what_lint_ignores_is_not_said() {
    let inline = COMPOSE.replace(
        "image: registry.example/web:${TAG}",
        "image: registry.example/web:${TAG} # factory: ignore=FE002",
    );
    let dir = common::temp_project(
        "factory-cli-unset",
        "ignored",
        &[("docker-compose.yml", &inline)],
    );
    let out = factory_env(&["config"], &dir, &[]);
    let err = stderr(&out);
    // TAG's first use is silenced: its second (the job's image, line 11) is shown.
    assert!(err.contains("`TAG` is not set"), "{err}");
    assert!(err.contains(" --> docker-compose.yml:11:33\n"), "{err}");
    assert!(!err.contains("docker-compose.yml:3:"), "{err}");
    assert!(!err.contains("FC901"), "{err}");
    for env in [[("FACTORY_IGNORE", "FE002")], [("FACTORY_IGNORE", "FE")]] {
        let out = factory_env(&["routes"], &dir, &env);
        assert!(out.status.success());
        assert_eq!(stderr(&out), "", "{env:?}");
    }
    std::fs::write(dir.join("factory.toml"), "ignore = [\"FE002\"]\n").expect("write");
    for args in COMMANDS {
        let out = factory_env(args, &dir, &[]);
        assert_eq!(stderr(&out), "", "{args:?}");
    }
}

/// Ten variables are shown, each at its first use; the others are counted.
#[test]
fn ten_variables_are_shown_and_the_others_counted() {
    let compose = |n: usize| {
        let vars: String = (0..n).map(|i| format!("      V{i}: ${{U{i}}}\n")).collect();
        format!("services:\n  web:\n    image: registry.example/web:1\n    environment:\n{vars}")
    };
    let run = |n: usize| {
        let dir = common::temp_project(
            "factory-cli-unset",
            &format!("many-{n}"),
            &[("docker-compose.yml", &compose(n))],
        );
        stderr(&factory_env(&["config"], &dir, &[]))
    };
    let ten = run(10);
    assert_eq!(ten.matches("warning[FE002]").count(), 10, "{ten}");
    assert!(ten.ends_with("these variables are read as empty strings, as Compose reads them (each shown at its first use; `factory lint` lists every use)\n"), "{ten}");
    let twelve = run(12);
    assert_eq!(twelve.matches("warning[FE002]").count(), 10, "{twelve}");
    assert!(twelve.contains("`U9` is not set") && !twelve.contains("`U10` is not set"));
    assert!(twelve.ends_with("these variables and 2 more are read as empty strings, as Compose reads them (each shown at its first use; `factory lint` lists every use)\n"), "{twelve}");
}
