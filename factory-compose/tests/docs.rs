//! Generated documentation must match the rule doc comments: the README's rule table.
//! Run with `FACTORY_BLESS=1` to rewrite the table in place.
#![allow(clippy::disallowed_methods)]

use std::path::Path;

use factory_compose::rules::registry;

const BEGIN: &str = "<!-- rules:begin (generated from the rule doc comments; FACTORY_BLESS=1 cargo test -p factory-compose --test docs) -->";
const END: &str = "<!-- rules:end -->";

fn table() -> String {
    let mut out = String::from("| code | name | severity | what it reports |\n|---|---|---|---|\n");
    for r in registry::all() {
        out.push_str(&format!(
            "| {} | `{}` | {} | {} |\n",
            r.code,
            r.name,
            r.severity,
            r.summary.replace('|', "\\|")
        ));
    }
    out
}

#[test]
fn readme_rule_table_is_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md");
    let readme = std::fs::read_to_string(&path).expect("README.md");
    let (Some(b), Some(e)) = (readme.find(BEGIN), readme.find(END)) else {
        panic!("README.md lacks the markers {BEGIN} … {END}");
    };
    let current = &readme[b + BEGIN.len()..e];
    let expected = format!("\n{}", table());
    if current != expected {
        if std::env::var_os("FACTORY_BLESS").is_some() {
            let updated = format!("{}{}{}{}", &readme[..b], BEGIN, expected, &readme[e..]);
            std::fs::write(&path, updated).expect("write README.md");
        } else {
            panic!(
                "the README rule table is stale; run FACTORY_BLESS=1 cargo test -p factory-compose --test docs\nexpected:\n{expected}"
            );
        }
    }
}
