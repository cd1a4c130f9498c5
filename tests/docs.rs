//! The worked example of docs/rule-packs.md loads, checks and passes its own
//! tests, so the reference cannot drift from the engine.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use huimin::api;

fn worked_example() -> String {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/rule-packs.md"))
        .unwrap();
    let section = doc
        .split("## Worked example")
        .nth(1)
        .expect("the docs have a worked example");
    let start = section.find("```toml\n").expect("a TOML block") + "```toml\n".len();
    let end = section[start..].find("```").unwrap() + start;
    section[start..end].to_string()
}

#[test]
fn the_worked_example_pack_checks_and_passes_its_tests() {
    let engine =
        api::load(&[("bike.toml".into(), worked_example())]).unwrap_or_else(|d| panic!("{d:?}"));
    let report = api::run_tests(&engine);
    assert_eq!((report.passed, report.failed), (3, 0), "{:?}", report.tests);
}

#[test]
fn the_worked_example_output_is_what_the_docs_show() {
    let engine = api::load(&[("bike.toml".into(), worked_example())]).unwrap();
    let case = r#"{"as_of":"2026-03-01","person":{"birth_date":"2000-05-01","monthly_income":"3500","price":"3000"}}"#;
    let s = api::Options {
        lang: Some("en".into()),
        ..Default::default()
    }
    .settings(true)
    .unwrap();
    let text = api::render_text(&api::evaluate_text(&engine, case, s).unwrap(), s.lang);
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/rule-packs.md"))
        .unwrap();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        assert!(doc.contains(line), "the docs do not show the line {line:?}");
    }
}
