//! `compose_refusals` (and so the consistency checks) never panics on arbitrary projects, and
//! every diagnostic it returns points inside the file, on char boundaries.

use factory_compose::{
    FileKind, ProcessEnv, Settings, SourceFile, SourceMap, compose_refusals, load,
};
use proptest::prelude::*;

/// Service keys the consistency checks read, with values of every shape.
fn service_line() -> impl Strategy<Value = String> {
    let key = prop::sample::select(vec![
        "image",
        "build",
        "depends_on",
        "links",
        "network_mode",
        "networks",
        "volumes",
        "volumes_from",
        "tmpfs",
        "secrets",
        "configs",
        "cpus",
        "mem_limit",
        "mem_reservation",
        "pids_limit",
        "scale",
        "container_name",
        "deploy",
        "develop",
        "healthcheck",
        "ports",
        "devices",
        "gpus",
        "profiles",
        "extends",
        "stop_grace_period",
        "shm_size",
        "platform",
    ]);
    let value = prop_oneof![
        Just(String::new()),
        "[a-z0-9:/._ -]{0,12}".prop_map(|s| format!("\"{s}\"")),
        "[a-zé0-9:/.]{0,8}".prop_map(|s| format!("[{s}, \"{s}:/d\"]")),
        "[a-z0-9:/.]{0,8}".prop_map(|s| format!("{{{s}: {{}}, x: [1]}}")),
        Just("{resources: {limits: {cpus: \"2\", memory: 1x, pids: 3}}, replicas: 5}".to_owned()),
        Just("{watch: [{path: \"\", action: sync}]}".to_owned()),
        Just("[{type: tmpfs, target: /d/}, {type: bind, target: /d}, {source: x}]".to_owned()),
        Just("{test: [curl], interval: 5x}".to_owned()),
        Just("[{target: 80, host_ip: nope}, \"1:2:3:4:5\"]".to_owned()),
        Just("{context: ., secrets: [t], additional_contexts: {a: \"service:b\"}}".to_owned()),
    ];
    (key, value).prop_map(|(k, v)| format!("    {k}: {v}\n"))
}

fn project() -> impl Strategy<Value = String> {
    let service = ("[a-c]", prop::collection::vec(service_line(), 0..6))
        .prop_map(|(name, lines)| format!("  {name}:\n{}", lines.concat()));
    let top = prop::sample::select(vec![
        "",
        "volumes:\n  data: {external: true, driver: x, name: n}\n",
        "secrets:\n  t: {file: ./a, environment: B}\n  u: {driver: d}\n",
        "configs:\n  c: {content: x, file: y}\nnetworks:\n  n: {name: a, external: {name: b}}\n",
    ]);
    (prop::collection::vec(service, 0..4), top)
        .prop_map(|(services, top)| format!("services:\n{}{top}", services.concat()))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]
    #[test]
    fn refusals_never_panic_and_point_inside_the_file(text in project(), random in "\\PC{0,60}") {
        for text in [text, random] {
            let mut sources = SourceMap::new();
            sources.add(SourceFile::new("compose.yml", text.clone(), FileKind::Compose));
            let (process, settings) = (ProcessEnv::default(), Settings::default());
            let loaded = load(&sources, &process, &settings);
            for d in compose_refusals(&loaded, &sources, &settings) {
                for label in d.primary.iter().chain(&d.secondary) {
                    let span = label.location.span;
                    prop_assert!(span.end as usize <= text.len(), "{} {:?}", d.message, span);
                    prop_assert!(text.is_char_boundary(span.start as usize));
                    prop_assert!(text.is_char_boundary(span.end as usize));
                }
            }
        }
    }
}
