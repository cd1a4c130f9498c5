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
use serde_json::Value;

#[path = "../tests/support/households.rs"]
mod households;
use households::{household, Rng};

const CASES: usize = 10_000;

fn engine() -> api::Engine {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let files = api::read_pack_dir(&dir).unwrap();
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
