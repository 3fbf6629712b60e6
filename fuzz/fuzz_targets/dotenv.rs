//! The `.env` parser: no panic, spans inside the text, errors with a sane line and column.
#![no_main]

use factory_env::dotenv;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let ok = |r: &std::ops::Range<usize>| {
        r.start <= r.end && r.end <= text.len() && text.is_char_boundary(r.start) && text.is_char_boundary(r.end)
    };
    let (entries, errors) = dotenv::parse_recovering(text, &());
    for e in &entries {
        assert!(ok(&e.key_span) && ok(&e.value_span), "{e:?}");
    }
    for e in &errors {
        assert!(ok(&e.span), "{e:?}");
        assert!(e.line >= 1 && e.line <= text.lines().count() + 1 && e.column >= 1, "{e:?}");
    }
    // The strict parser agrees with the recovering one on whether the text is valid.
    assert_eq!(dotenv::parse(text, &()).is_ok(), errors.is_empty());
});
