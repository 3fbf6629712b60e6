//! Properties over arbitrary input: the parsers never panic, spans stay on char boundaries, and
//! escaping round-trips.

use std::collections::BTreeMap;

use factory_env::{InterpolateError, Template, dotenv, escape_dollars, interpolate};
use proptest::prelude::*;

fn on_boundaries(text: &str, span: &std::ops::Range<usize>) -> bool {
    span.start <= span.end
        && span.end <= text.len()
        && text.is_char_boundary(span.start)
        && text.is_char_boundary(span.end)
}

/// Strings rich in the characters templates and `.env` files care about.
fn tricky() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            Just("$".to_owned()),
            Just("${".to_owned()),
            Just("}".to_owned()),
            Just("{".to_owned()),
            Just(":-".to_owned()),
            Just(":?".to_owned()),
            Just("+".to_owned()),
            Just("?".to_owned()),
            Just("-".to_owned()),
            Just("=".to_owned()),
            Just("\"".to_owned()),
            Just("'".to_owned()),
            Just("\\".to_owned()),
            Just("\n".to_owned()),
            Just("#".to_owned()),
            Just(" ".to_owned()),
            Just("export ".to_owned()),
            Just("\\0101".to_owned()),
            Just("A".to_owned()),
            Just("SET".to_owned()),
            "[a-zé_ſ\u{a0}\u{93f}\u{feff}0-9]{1,3}",
            any::<char>().prop_map(String::from),
        ],
        0..24,
    )
    .prop_map(|parts| parts.concat())
}

fn lookup() -> BTreeMap<String, String> {
    BTreeMap::from([
        ("SET".to_owned(), "value".to_owned()),
        ("A".to_owned(), String::new()),
    ])
}

fn check_template(text: &str) -> Result<(), TestCaseError> {
    let vars = lookup();
    match Template::parse(text) {
        Ok(template) => {
            for var in template.variables() {
                prop_assert!(on_boundaries(text, &var.span), "{var:?}");
                prop_assert!(on_boundaries(text, &var.name_span), "{var:?}");
            }
            for (span, _) in template.v1_incompatibilities() {
                prop_assert!(on_boundaries(text, &span), "{span:?}");
            }
            let rendered = template.render(&vars);
            let direct = interpolate(text, &vars);
            match (&rendered, &direct) {
                (Ok(a), Ok(b)) => prop_assert_eq!(a, b),
                (Err(a), Err(InterpolateError::Required(b))) => {
                    prop_assert_eq!(a, b);
                    prop_assert!(on_boundaries(text, &a.span));
                }
                _ => prop_assert!(false, "render {rendered:?} vs interpolate {direct:?}"),
            }
            if let Ok(rendered) = rendered {
                for var in rendered.unset {
                    prop_assert!(on_boundaries(text, &var.span));
                }
            }
        }
        Err(error) => {
            prop_assert!(on_boundaries(text, &error.span), "{error:?}");
            prop_assert!(on_boundaries(text, &error.template_span), "{error:?}");
            prop_assert!(interpolate(text, &vars).is_err());
            let _ = error.help();
            let _ = error.compose_dotenv_message(text);
        }
    }
    Ok(())
}

fn check_dotenv(text: &str) -> Result<(), TestCaseError> {
    let vars = lookup();
    let strict = dotenv::parse(text, &vars);
    let (entries, errors) = dotenv::parse_recovering(text, &vars);
    for entry in &entries {
        prop_assert!(on_boundaries(text, &entry.key_span), "{entry:?}");
        prop_assert!(on_boundaries(text, &entry.value_span), "{entry:?}");
    }
    for error in &errors {
        prop_assert!(on_boundaries(text, &error.span), "{error:?}");
        prop_assert!(error.line >= 1 && error.column >= 1);
    }
    match strict {
        Ok(strict) => {
            prop_assert!(errors.is_empty());
            prop_assert_eq!(strict, entries);
        }
        Err(error) => prop_assert_eq!(errors.first(), Some(&error)),
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn templates_never_panic(text in tricky()) {
        check_template(&text)?;
    }

    #[test]
    fn templates_of_any_string_never_panic(text in any::<String>()) {
        check_template(&text)?;
    }

    #[test]
    fn escaped_text_renders_back(text in any::<String>()) {
        let template = Template::parse(&escape_dollars(&text)).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let rendered = template.render(&()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(rendered.value, text);
        prop_assert!(rendered.unset.is_empty());
    }

    #[test]
    fn escaped_tricky_text_renders_back(text in tricky()) {
        let rendered = interpolate(&escape_dollars(&text), &()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(rendered.value, text);
    }

    #[test]
    fn dotenv_never_panics(text in tricky()) {
        check_dotenv(&text)?;
    }

    #[test]
    fn dotenv_of_any_string_never_panics(text in any::<String>()) {
        check_dotenv(&text)?;
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let depth = 20_000;
    let text = format!("{}x{}", "${A:-".repeat(depth), "}".repeat(depth));
    let error = Template::parse(&text).expect_err("too deep");
    assert_eq!(error.kind, factory_env::TemplateErrorKind::TooDeep);
    assert!(interpolate(&text, &()).is_err());
    // Within the limit, nesting works.
    let text = format!("{}x{}", "${A:-".repeat(50), "}".repeat(50));
    assert_eq!(interpolate(&text, &()).map(|r| r.value), Ok("x".to_owned()));
}

#[test]
fn long_lines_stay_fast() {
    let start = std::time::Instant::now();
    let text = "${A:-x}$B ".repeat(20_000);
    let template = Template::parse(&text).expect("valid");
    assert_eq!(template.variables().len(), 40_000);
    let text = "${A:-{".repeat(20_000);
    let _ = interpolate(&text, &());
    for text in [
        "${A:-\n".repeat(100_000),
        "${A ".repeat(100_000),
        "${A:-${B:-x}}".repeat(50_000),
        "${A:-x$B:-y}".repeat(50_000),
    ] {
        let _ = interpolate(&text, &());
        let _ = Template::parse(&text);
    }
    let env = "A=${B:-x} $C\nexport D='y'\n\"bad\n".repeat(20_000);
    let (entries, errors) = dotenv::parse_recovering(&env, &());
    assert_eq!(entries.len(), 40_000);
    assert_eq!(errors.len(), 20_000);
    assert!(start.elapsed().as_secs() < 20, "took {:?}", start.elapsed());
}
