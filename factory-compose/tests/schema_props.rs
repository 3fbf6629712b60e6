//! The schema check survives any compose-shaped file: random services and top-level sections
//! built from the keys Compose's schema knows and values of every type (dates, `!reset`, `${X}`,
//! repeats, nested lists and mappings) never panic, and every diagnostic points inside the file
//! on character boundaries.

use factory_compose::{
    FileKind, ProcessEnv, Settings, SourceFile, SourceMap, compose_refusals, load,
};
use proptest::prelude::*;

const KEYS: &[&str] = &[
    "deploy",
    "build",
    "user",
    "depends_on",
    "networks",
    "ports",
    "volumes",
    "ulimits",
    "cpu_percent",
    "oom_score_adj",
    "scale",
    "init",
    "cgroup",
    "container_name",
    "pull_policy",
    "group_add",
    "external_links",
    "env_file",
    "develop",
    "watch",
    "resources",
    "limits",
    "condition",
    "type",
    "target",
    "source",
    "external",
    "labels",
    "driver_opts",
    "x-é",
    "é",
    "command",
    "restart",
    "gpus",
    "secrets",
    "models",
    "include",
    "name",
    "ipam",
    "config",
];

const SCALARS: &[&str] = &[
    "1",
    "1.5",
    "-2000",
    "\"150\"",
    "true",
    "yes",
    "~",
    "",
    "2001-01-01",
    "\"é\"",
    "${X}",
    "!reset",
    "!override 3",
    "!!str 1",
    "host",
    "every_1d",
    "-x",
    "[a, a]",
    "{}",
    "[]",
    "{condition: x}",
    "[1, 1]",
    "\"maybe\"",
];

fn value() -> impl Strategy<Value = String> {
    let leaf = prop::sample::select(SCALARS).prop_map(str::to_owned);
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4)
                .prop_map(|items| format!("[{}]", items.join(", "))),
            prop::collection::vec((prop::sample::select(KEYS), inner), 0..4).prop_map(|kv| {
                let body: Vec<String> = kv.iter().map(|(k, v)| format!("{k}: {v}")).collect();
                format!("{{{}}}", body.join(", "))
            }),
        ]
    })
}

fn file() -> impl Strategy<Value = String> {
    (
        prop::collection::vec((prop::sample::select(KEYS), value()), 0..6),
        prop::collection::vec((prop::sample::select(KEYS), value()), 0..3),
    )
        .prop_map(|(service, top)| {
            let mut text = String::from("services:\n  app:\n    image: x\n");
            for (k, v) in service {
                text.push_str(&format!("    {k}: {v}\n"));
            }
            for (k, v) in top {
                text.push_str(&format!("{k}: {v}\n"));
            }
            text
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]
    #[test]
    fn schema_check_never_panics_and_points_inside_the_file(text in file()) {
        let mut sources = SourceMap::new();
        sources.add(SourceFile::new("compose.yml", text.clone(), FileKind::Compose));
        let loaded = load(&sources, &ProcessEnv::default(), &Settings::default());
        let refused = compose_refusals(&loaded, &sources, &Settings::default());
        for d in loaded.diagnostics.iter().chain(&refused) {
            if let Some(primary) = &d.primary {
                let span = primary.location.span.range();
                prop_assert!(text.get(span.clone()).is_some(), "{} at {span:?} in {text:?}", d.message);
            }
        }
    }
}
