//! Seeded household generator shared by the benchmark and the consistency
//! tests: varied households (1–5 members, some facts left unknown), half with
//! a retrofit request, half with a business.
#![allow(dead_code, clippy::unwrap_used, clippy::indexing_slicing)]

use serde_json::{json, Value};

/// A small deterministic generator (xorshift64*), so every run sees the same cases.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
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
pub fn household(r: &mut Rng) -> Value {
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
