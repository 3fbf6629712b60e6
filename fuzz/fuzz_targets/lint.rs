//! The whole pipeline on arbitrary bytes as a compose file: no panic, every diagnostic inside
//! the input and on char boundaries, the same report twice.
#![no_main]

use factory_compose::report::{human, json};
use factory_compose::{FileKind, ProcessEnv, Settings, SourceFile, SourceMap, lint};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    let mut sources = SourceMap::new();
    sources.add(SourceFile::new("docker-compose.yml", text.clone(), FileKind::Compose));
    let settings = Settings::default();
    let report = lint(&sources, &ProcessEnv::default(), &settings);
    for d in &report.diagnostics {
        for l in d.primary.iter().chain(&d.secondary) {
            let r = l.location.span.range();
            let file = &sources.get(l.location.file).text;
            assert!(r.end <= file.len() && file.is_char_boundary(r.start) && file.is_char_boundary(r.end), "{d:?}");
        }
    }
    let first = json::render(&report, &sources);
    let _ = human::render(&report, &sources, human::Color::Never, 1);
    let again = json::render(&lint(&sources, &ProcessEnv::default(), &settings), &sources);
    assert_eq!(first, again, "lint is not deterministic");
});
