//! The toy pack (`tests/toy/`): its own `[[tests]]` all pass, and a few
//! direct assertions on what the result explains: the counterfactual of a
//! failed threshold, a benefit's name after it is renamed, and which
//! questions are asked, in which order.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use huimin::api::{self, BenefitResult, CaseResult, Engine, Options};
use huimin::eval::Status;
use serde_json::json;
use std::path::Path;

fn toy_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/toy")
}

fn toy_files() -> Vec<(String, String)> {
    let mut files = Vec::new();
    for e in std::fs::read_dir(toy_dir()).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "toml") {
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            files.push((name, std::fs::read_to_string(&p).unwrap()));
        }
    }
    files.sort();
    files
}

fn toy() -> Engine {
    api::load(&toy_files()).unwrap_or_else(|d| panic!("the toy pack does not load: {d:#?}"))
}

fn eval<'e>(engine: &'e Engine, case: serde_json::Value, lang: &str) -> CaseResult<'e> {
    let s = Options {
        as_of: None,
        lang: Some(lang.into()),
        explain: Some(true),
    }
    .settings(true)
    .unwrap();
    api::evaluate(engine, &case, s).unwrap_or_else(|d| panic!("case refused: {d:#?}"))
}

fn benefit<'r, 'e>(r: &'r CaseResult<'e>, id: &str) -> &'r BenefitResult<'e> {
    r.programs
        .iter()
        .flat_map(|p| &p.benefits)
        .find(|b| b.id == id)
        .unwrap_or_else(|| panic!("no benefit {id}"))
}

#[test]
fn every_toy_test_passes() {
    let engine = toy();
    // The number of `[[tests]]` the files hold, read independently of the engine.
    let declared: usize = toy_files()
        .iter()
        .map(|(_, text)| {
            let t: toml::Table = toml::from_str(text).unwrap();
            t.get("tests")
                .and_then(|v| v.as_array())
                .map_or(0, Vec::len)
        })
        .sum();
    assert!(declared >= 7, "the toy pack should hold its tests");
    let report = api::run_tests(&engine);
    let failed: Vec<String> = report
        .tests
        .iter()
        .filter(|t| !t.passed)
        .map(|t| format!("{} :: {}: {:?}", t.pack, t.name, t.failures))
        .collect();
    assert!(
        failed.is_empty(),
        "failing toy tests:\n{}",
        failed.join("\n")
    );
    assert_eq!(report.tests.len(), declared);
    assert_eq!(report.passed, declared);
    assert_eq!(report.failed, 0);
    assert!(report.tests.iter().all(|t| t.pack == "library"));
}

/// 1199 pages against a threshold of 1200 (from 2023): the `pages` condition
/// fails, and says what would make it pass, in the condition's own words.
#[test]
fn a_failed_threshold_explains_what_would_pass() {
    let engine = toy();
    let case = json!({
        "as_of": "2024-06-01",
        "patron": {
            "resident": true,
            "birth_date": "2000-01-01",
            "books": [{ "id": "a", "pages": 1199, "returned_late": false }]
        }
    });
    for (lang, subject) in [
        ("en", "pages read"),
        ("zh", "已读页数"),
        ("ja", "読んだページ数"),
    ] {
        let r = eval(&engine, case.clone(), lang);
        let gold = benefit(&r, "gold_card");
        assert_eq!(gold.status, Status::Ineligible);
        let e = gold.explanation.as_ref().expect("explanations are on");
        for c in &e.conditions {
            // Only a failed condition has a counterfactual.
            assert_eq!(
                c.counterfactual.is_some(),
                c.id == "pages",
                "{lang} {}",
                c.id
            );
        }
        let pages = e.conditions.iter().find(|c| c.id == "pages").unwrap();
        let cf = pages.counterfactual.as_ref().unwrap();
        assert_eq!(cf.subject, subject);
        assert_eq!(cf.op, ">=");
        assert_eq!(cf.threshold.to_string(), "1200");
        assert_eq!(cf.actual.to_string(), "1199");
        for part in [subject, "1200", "1199"] {
            assert!(
                cf.text.contains(part),
                "{lang}: `{}` lacks `{part}`",
                cf.text
            );
        }
    }
}

/// `renamed = [{ from = 2024-01-01, … }]`: the new name is in force from that
/// day (inclusive); before it, the original name.
#[test]
fn a_renamed_benefit_carries_the_name_in_force() {
    let engine = toy();
    let names = [
        ("2023-12-31", "en", "Gold card"),
        ("2023-12-31", "zh", "金卡"),
        ("2024-01-01", "en", "Honour card"),
        ("2024-06-01", "en", "Honour card"),
        ("2024-06-01", "zh", "荣誉卡"),
        ("2024-06-01", "ja", "名誉カード"),
    ];
    for (as_of, lang, want) in names {
        let r = eval(
            &engine,
            json!({ "as_of": as_of, "patron": { "resident": false } }),
            lang,
        );
        let gold = benefit(&r, "gold_card");
        assert_eq!(gold.name, want, "{as_of} {lang}");
        // The id does not change with the name.
        assert_eq!(gold.id, "gold_card");
    }
}

/// A late return settles the gold card whatever the unknown page count, so
/// that count is never asked; the patron's kind settles two benefits (silver
/// card and delivery grant) and comes before the facts that settle one.
#[test]
fn questions_rank_by_benefits_settled_and_skip_facts_that_cannot_matter() {
    let engine = toy();
    let r = eval(
        &engine,
        json!({
            "as_of": "2024-06-01",
            "patron": { "books": [{ "id": "a", "returned_late": true }] }
        }),
        "en",
    );
    assert_eq!(benefit(&r, "gold_card").status, Status::Ineligible);
    assert_eq!(benefit(&r, "silver_card").status, Status::Undetermined);
    assert_eq!(benefit(&r, "delivery_grant").status, Status::Undetermined);

    let paths: Vec<&str> = r.questions.iter().map(|q| q.path.as_ref()).collect();
    assert_eq!(paths.first(), Some(&"patron.kind"), "{paths:?}");
    let kind = &r.questions[0];
    let mut settles = kind.benefits.to_vec();
    settles.sort();
    assert_eq!(settles, ["library.delivery_grant", "library.silver_card"]);
    assert_eq!(kind.label, "Kind of patron");

    let mut rest: Vec<&str> = paths[1..].to_vec();
    rest.sort();
    assert_eq!(rest, ["patron.birth_date", "patron.resident"]);
    for q in &r.questions[1..] {
        assert_eq!(*q.benefits, ["library.silver_card"], "{}", q.path);
    }
    // Questions never rank a fact that settles fewer benefits above one that settles more.
    let counts: Vec<usize> = r.questions.iter().map(|q| q.benefits.len()).collect();
    assert!(counts.windows(2).all(|w| w[0] >= w[1]), "{counts:?}");
    // The unknown page count of a book cannot change any outcome; nor can the
    // delivery cost while the grant is undetermined; ids are never asked.
    for never in [
        "patron.books[0].pages",
        "patron.delivery_cost",
        "patron.books[0].id",
    ] {
        assert!(!paths.contains(&never), "{never} was asked: {paths:?}");
    }
}

#[test]
fn a_settled_case_asks_nothing() {
    let engine = toy();
    let r = eval(
        &engine,
        json!({
            "as_of": "2024-06-01",
            "patron": {
                "resident": true,
                "kind": "adult",
                "birth_date": "2000-01-01",
                "books": [{ "id": "a", "pages": 1300, "returned_late": false }]
            }
        }),
        "en",
    );
    assert_eq!(r.programs[0].tier, Some(Some("gold_card")));
    assert_eq!(benefit(&r, "delivery_grant").status, Status::Ineligible);
    assert!(r.questions.is_empty(), "{:?}", r.questions);
}
