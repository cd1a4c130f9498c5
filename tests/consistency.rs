//! Explanations are opt-in: with them on or off, every case gets the same
//! statuses, amounts, estimate flags, missing facts, warnings and questions;
//! and the same case gives byte-identical output every time.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use huimin::api::{self, Options};
use serde_json::Value;
use support::households::{household, Rng};

fn engine() -> api::Engine {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let files = api::read_pack_dir(&dir).unwrap();
    api::load(&files).unwrap_or_else(|d| panic!("rule packs do not check: {d:?}"))
}

fn without_explanations(mut v: Value) -> Value {
    for p in v["programs"].as_array_mut().unwrap() {
        for b in p["benefits"].as_array_mut().unwrap() {
            b["explanation"] = Value::Null;
        }
    }
    v
}

/// The packs' own cases and 2 000 generated households.
fn cases(engine: &api::Engine) -> Vec<Value> {
    let mut out = support::pack_cases(engine);
    let mut rng = Rng(0x00c0_ffee_1234_5678);
    out.extend((0..2000).map(|_| household(&mut rng)));
    out
}

#[test]
fn outcomes_do_not_depend_on_whether_explanations_are_built() {
    let engine = engine();
    let on = Options {
        explain: Some(true),
        ..Default::default()
    }
    .settings(true)
    .unwrap();
    let off = Options {
        explain: Some(false),
        ..Default::default()
    }
    .settings(false)
    .unwrap();
    let mut compared = 0;
    for case in cases(&engine) {
        let (a, b) = (
            api::evaluate(&engine, &case, on),
            api::evaluate(&engine, &case, off),
        );
        match (a, b) {
            (Ok(a), Ok(b)) => {
                let a = without_explanations(serde_json::to_value(&a).unwrap());
                let b = serde_json::to_value(&b).unwrap();
                assert_eq!(a, b, "case {case}");
                compared += 1;
            }
            (Err(a), Err(b)) => assert_eq!(a, b),
            (a, b) => panic!("one mode failed: {a:?} / {b:?} for {case}"),
        }
    }
    assert!(compared > 2000, "compared only {compared} cases");
}

#[test]
fn the_same_case_gives_byte_identical_output() {
    let engine = engine();
    let s = Options::default().settings(true).unwrap();
    let mut rng = Rng(7);
    for _ in 0..200 {
        let case = household(&mut rng);
        let first = api::envelope(&api::evaluate(&engine, &case, s)).to_string();
        let again = api::envelope_text(&api::evaluate(&engine, &case, s));
        assert_eq!(
            first, again,
            "the text envelope differs from the JSON tree's"
        );
        assert!(first.contains(&engine.hash));
    }
}

/// `withDefaultPacks()` reads the shipped packs without their test cases:
/// the engine it gets must be the full one less the tests.
#[test]
fn packs_read_without_their_tests_evaluate_as_packs_read_in_full() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let files = api::read_pack_dir(&dir).unwrap();
    let full = api::load(&files).unwrap();
    let options = api::LoadOptions {
        skip_tests: true,
        ..Default::default()
    };
    let lean = api::load_with(&files, options).unwrap();
    assert!(full.packs.iter().all(|p| !p.tests.is_empty()));
    assert!(lean.packs.iter().all(|p| p.tests.is_empty()));
    assert_eq!(lean.hash, full.hash);
    assert_eq!(api::schema(&lean), api::schema(&full));
    assert_eq!(api::programs(&lean), api::programs(&full));
    let s = Options::default().settings(true).unwrap();
    let cases = cases(&full);
    for case in &cases {
        assert_eq!(
            api::envelope_text(&api::evaluate(&lean, case, s)),
            api::envelope_text(&api::evaluate(&full, case, s)),
            "case {case}"
        );
    }
    assert!(cases.len() > 2200, "only {} cases", cases.len());
    // A fault in a test case is not read either (the full reading reports it).
    let mut broken = files.clone();
    broken[0].1.push_str("\n[[tests]]\nname = = 1\n");
    assert!(api::load(&broken).is_err());
    let options = api::LoadOptions {
        skip_tests: true,
        ..Default::default()
    };
    assert!(api::load_with(&broken, options).is_ok());
}
