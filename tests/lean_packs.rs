//! The browser build embeds the shipped packs without their test cases and
//! comments (`syntax::lean`, feature `lean-packs`). This checks that the packs
//! cut that way compile to an engine that answers exactly as the full packs
//! do: the same schema, programs and hash, and byte-identical results for the
//! packs' own cases and 500 generated households, in every language, with
//! explanations on and off.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use huimin::api::{self, LoadOptions, Settings};
use huimin::explain::Lang;
use huimin::syntax::lean::lean;
use support::households::{household, Rng};

fn shipped() -> Vec<(String, String)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    api::read_pack_dir(&dir).unwrap()
}

fn load(files: &[(String, String)], hash: &str, skip_tests: bool) -> api::Engine {
    let options = LoadOptions {
        hash: Some(hash.to_string()),
        skip_tests,
    };
    api::load_with(files, options).unwrap_or_else(|d| panic!("packs do not check: {d:?}"))
}

#[test]
fn lean_packs_are_much_smaller_and_hold_no_tests() {
    let files = shipped();
    let lean_files: Vec<_> = files.iter().map(|(n, t)| (n.clone(), lean(t))).collect();
    for ((name, full), (_, cut)) in files.iter().zip(&lean_files) {
        assert!(cut.len() < full.len(), "{name}: nothing cut");
        assert_eq!(cut.lines().count(), full.lines().count(), "{name}");
    }
    let size = |files: &[(String, String)]| files.iter().map(|(_, t)| t.len()).sum::<usize>();
    assert!(
        size(&lean_files) * 2 < size(&files),
        "{} of {} bytes left",
        size(&lean_files),
        size(&files)
    );
    // Read with their tests, the lean packs have none left.
    let full = api::load(&files).unwrap();
    let engine = load(&lean_files, &full.hash, false);
    assert!(full.packs.iter().map(|p| p.tests.len()).sum::<usize>() > 100);
    for p in &engine.packs {
        assert!(p.tests.is_empty(), "{}: {} tests left", p.id, p.tests.len());
    }
}

#[test]
fn lean_packs_answer_as_the_full_packs_do() {
    let files = shipped();
    let full = api::load(&files).unwrap();
    let lean_files: Vec<_> = files.iter().map(|(n, t)| (n.clone(), lean(t))).collect();
    let cut = load(&lean_files, &full.hash, true);
    assert_eq!(api::schema(&cut), api::schema(&full));
    assert_eq!(api::programs(&cut), api::programs(&full));
    assert_eq!(cut.hash, full.hash);

    let mut cases = support::pack_cases(&full);
    let mut rng = Rng(0x1ea4_0bad_cafe_f00d);
    cases.extend((0..500).map(|_| household(&mut rng)));
    let mut compared = 0;
    for (i, case) in cases.iter().enumerate() {
        let text = case.to_string();
        for (lang, explain) in [
            (Lang::Zh, true),
            (Lang::En, true),
            (Lang::Ja, true),
            (Lang::En, false),
        ] {
            let s = Settings {
                as_of: None,
                lang,
                explain,
            };
            let want = api::envelope_text(&api::evaluate_text(&full, &text, s));
            let got = api::envelope_text(&api::evaluate_text(&cut, &text, s));
            assert_eq!(got, want, "case {i} ({lang:?}, explain {explain}): {text}");
            compared += 1;
        }
    }
    assert!(compared > 2000);
}
