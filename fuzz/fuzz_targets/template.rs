//! Compose templates: no panic, spans inside the text, escaping round-trips.
#![no_main]

use std::collections::HashMap;

use factory_env::{Template, escape_dollars, interpolate};
use libfuzzer_sys::fuzz_target;

fn check(text: &str, r: &std::ops::Range<usize>) {
    assert!(r.start <= r.end && r.end <= text.len() && text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let vars: HashMap<String, String> = [("A", "x"), ("B", ""), ("C", "$C")].iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
    match Template::parse(text) {
        Ok(t) => {
            for u in t.variables() {
                check(text, &u.span);
                check(text, &u.name_span);
            }
            if let Ok(r) = t.render(&vars) {
                for u in &r.unset {
                    check(text, &u.span);
                }
            }
        }
        Err(e) => check(text, &e.span),
    }
    let _ = interpolate(text, &vars);
    let escaped = escape_dollars(text);
    let back = interpolate(&escaped, &vars).expect("an escaped text is always a valid template");
    assert_eq!(back.value, text, "escape_dollars does not round-trip");
});
