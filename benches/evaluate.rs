//! Evaluation speed over 10 000 generated households (seeded).
//!
//! `cargo bench --bench evaluate`: the figures are per batch of 10 000; the
//! throughput line gives cases per second, and 1 / throughput the time per
//! case.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use huimin::api::{self, Options};
use huimin::input;
use serde_json::{json, Value};

const CASES: usize = 10_000;

/// A small deterministic generator (xorshift64*), so every run sees the same cases.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    fn date(&mut self, from_year: u64, span_years: u64) -> String {
        format!(
            "{}-{:02}-{:02}",
            from_year + self.below(span_years),
            1 + self.below(12),
            1 + self.below(28)
        )
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len() as u64) as usize]
    }
}

/// One household: members, assets, spending, sometimes a retrofit or a business.
fn household(r: &mut Rng) -> Value {
    let n = 1 + r.below(5);
    let mut members = Vec::new();
    for i in 0..n {
        let relation = if i == 0 {
            "self"
        } else {
            r.pick(&[
                "spouse",
                "child",
                "parent",
                "sibling",
                "grandchild",
                "other",
            ])
        };
        let mut m = json!({
            "id": format!("m{i}"),
            "relation": relation,
            "birth_date": r.date(1930, 88),
            "hukou": if r.chance(80) { "shanghai" } else { "other" },
            "residence_permit": r.chance(50),
            "co_resident": i == 0 || r.chance(85),
            "monthly_income": format!("{}.{:02}", r.below(6000), r.below(100)),
            "able_to_work": r.chance(60),
            "disability": r.pick(&["none", "none", "none", "mild", "severe"]),
            "in_school": r.chance(20),
            "care_grade": r.below(7),
            "has_capable_supporter": r.chance(40),
            "has_living_children": r.chance(70),
        });
        // Leave some facts unknown, as applicants do.
        if r.chance(10) {
            m.as_object_mut().unwrap().remove("monthly_income");
        }
        members.push(m);
    }
    let mut case = json!({
        "as_of": r.date(2019, 7),
        "household": {
            "members": members,
            "assets_within_dibao_limit": r.chance(80),
            "assets_within_low_income_limit": r.chance(85),
            "medical_expenses_12m": format!("{}", r.below(80_000)),
            "education_expenses_12m": format!("{}", r.below(20_000)),
            "sudden_hardship": r.chance(10),
        },
    });
    if r.chance(50) {
        case["retrofit"] = json!({
            "lives_at_home": r.chance(90),
            "received_before": r.chance(10),
            "quote": format!("{}", 500 + r.below(8000)),
            "trade_in_purchase_date": r.date(2024, 2),
            "trade_in_purchase": format!("{}", r.below(10_000)),
        });
    }
    if r.chance(50) {
        case["business"] = json!({
            "stage": r.pick(&["planning", "registered", "registered"]),
            "org_type": r.pick(&["small_micro_enterprise", "individual_business", "farmers_cooperative", "private_non_enterprise", "other"]),
            "online_platform_startup": r.chance(20),
            "registration_date": r.date(2018, 7),
            "founder_is_legal_rep": r.chance(90),
            "first_business": r.chance(80),
            "founder_university_graduate": r.chance(60),
            "founder_graduation_date": r.date(2015, 10),
            "founder_shanghai_university_graduate": r.chance(50),
            "founder_student_shanghai_university": r.chance(10),
            "founder_employment_difficulty": r.chance(10),
            "first_start_subsidy_received": r.chance(10),
            "months_with_social_insurance": r.below(40),
            "insured_employees": r.below(15),
            "lease_months": r.below(36),
            "annual_rent": format!("{}", r.below(100_000)),
            "local_workers": r.below(10),
            "incubation_municipal_base": r.chance(20),
            "incubation_fees_paid": format!("{}", r.below(12_000)),
            "incubation_monthly_fee": format!("{}", r.below(3000)),
            "loan": {
                "kind": r.pick(&["pre_start", "individual", "organisation"]),
                "requested": format!("{}", r.below(5_000_000)),
                "good_credit": r.chance(90),
                "meets_hiring_test": r.chance(70),
                "priority_industry": r.chance(20),
                "signed_date": r.date(2024, 2),
                "interest_paid": format!("{}", r.below(50_000)),
                "repaid_on_time": r.chance(85),
                "interest_subsidies_received": r.below(4),
            },
        });
    }
    case
}

fn engine() -> api::Engine {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let mut files: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().to_string(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    files.sort();
    api::load(&files).unwrap_or_else(|d| panic!("rule packs do not check: {d:?}"))
}

fn bench(c: &mut Criterion) {
    let engine = engine();
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    let cases: Vec<Value> = (0..CASES).map(|_| household(&mut rng)).collect();
    let texts: Vec<String> = cases.iter().map(|c| c.to_string()).collect();
    let facts: Vec<_> = cases
        .iter()
        .map(|c| input::decode(&engine, c, None).expect("generated case decodes"))
        .collect();
    let quiet = Options {
        explain: Some(false),
        ..Default::default()
    }
    .settings(false)
    .unwrap();
    let explained = Options {
        explain: Some(true),
        ..Default::default()
    }
    .settings(true)
    .unwrap();

    let mut g = c.benchmark_group("10k households");
    g.throughput(Throughput::Elements(CASES as u64));
    g.sample_size(10);
    g.bench_function("evaluate (decoded, explanation off)", |b| {
        b.iter(|| {
            for f in &facts {
                black_box(huimin::eval::evaluate(&engine, f, false).unwrap());
            }
        })
    });
    g.bench_function("result (decoded, explanation off)", |b| {
        b.iter(|| {
            for f in &facts {
                black_box(api::evaluate_facts(&engine, f, quiet).unwrap());
            }
        })
    });
    g.bench_function("JSON text to result (explanation off)", |b| {
        b.iter(|| {
            for t in &texts {
                black_box(api::evaluate_text(&engine, t, quiet).unwrap());
            }
        })
    });
    g.bench_function("JSON text to result (explanation on)", |b| {
        b.iter(|| {
            for t in &texts {
                black_box(api::evaluate_text(&engine, t, explained).unwrap());
            }
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
