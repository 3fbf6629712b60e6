//! Traefik rules: no panic, spans inside the text, matching and lints never panic.
#![no_main]

use factory_route::{Request, Rule};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let ok = |r: &std::ops::Range<usize>| {
        r.start <= r.end && r.end <= text.len() && text.is_char_boundary(r.start) && text.is_char_boundary(r.end)
    };
    match Rule::parse(text) {
        Err(e) => assert!(ok(&e.span), "{e:?}"),
        Ok(rule) => {
            for w in rule.warnings() {
                assert!(ok(&w.span), "{w:?}");
            }
            let _ = rule.domains();
            for path in ["/", "/a/b", "/ws/", ""] {
                let _ = rule.matches(&Request::new("example.com", path));
            }
        }
    }
});
