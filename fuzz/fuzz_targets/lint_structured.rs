//! Structure-aware: mutate valid compose documents (seeded from `fuzz/seeds/`, copied from
//! `shared/corpus`) by splicing fuzzer-chosen YAML fragments into them at line boundaries, so
//! the pipeline past the parser (merge keys, interpolation, model, every rule) gets exercised.
#![no_main]

use factory_compose::{FileKind, ProcessEnv, Settings, SourceFile, SourceMap, lint};
use libfuzzer_sys::fuzz_target;

const FRAGMENTS: &[&str] = &[
    "    labels:\n      traefik.frontend.rule: Host:a.com;PathPrefix:/x\n      traefik.enable: 'true'\n",
    "    labels:\n      sh.factory.cronjob.schedule: \"*/5 * * * *\"\n      sh.factory.cronjob.command: echo hi\n",
    "    environment:\n      - A=${B:-${C:?x}}\n      - =v\n",
    "    volumes:\n      - data:/data\n      - type: bind\n        source: ./x\n        target: /x\n",
    "    <<: *base\n",
    "x-base: &base\n  restart: always\n",
    "    depends_on: [a, b]\n",
    "    healthcheck:\n      test: [CMD, x]\n      interval: 1m30s\n",
    "    expose: [80, \"90-100/udp\"]\n",
    "    image: ${REG}/app:${TAG}\n",
];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else { return };
    let base = String::from_utf8_lossy(rest);
    let lines: Vec<&str> = base.lines().collect();
    let mut text = String::new();
    for (i, line) in lines.iter().enumerate() {
        text.push_str(line);
        text.push('\n');
        if i % 7 == usize::from(selector % 7) {
            text.push_str(FRAGMENTS[(usize::from(selector) + i) % FRAGMENTS.len()]);
        }
    }
    let mut sources = SourceMap::new();
    sources.add(SourceFile::new("docker-compose.yml", text, FileKind::Compose));
    let env = ProcessEnv { vars: vec![("REG".into(), "registry.example".into())] };
    let _ = lint(&sources, &env, &Settings::default());
});
