// Seeded random case files for the examples and the benchmark: the same seed
// gives the same cases on every machine and every run.

/** A small seeded PRNG (mulberry32): returns floats in [0, 1). */
export function prng(seed) {
  let a = seed >>> 0;
  return function next() {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DAY = 86_400_000;

/** Helpers over one PRNG. */
function tools(rand) {
  const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));
  const pick = (xs) => xs[Math.floor(rand() * xs.length)];
  const chance = (p) => rand() < p;
  const date = (from, to) => {
    const a = Date.parse(from);
    const b = Date.parse(to);
    return new Date(a + Math.floor(rand() * ((b - a) / DAY + 1)) * DAY).toISOString().slice(0, 10);
  };
  const money = (lo, hi) => (lo + rand() * (hi - lo)).toFixed(2);
  return { int, pick, chance, date, money };
}

function yearsBefore(isoDate, years) {
  const y = Number(isoDate.slice(0, 4)) - years;
  return `${String(y).padStart(4, '0')}${isoDate.slice(4, 8)}01`;
}

/**
 * One random case: a household (always), and sometimes a retrofit request
 * and a business. `unknownRate` is the chance that an optional fact is left
 * out (unknown).
 */
export function randomCase(rand, { unknownRate = 0.03 } = {}) {
  const { int, pick, chance, date, money } = tools(rand);
  const asOf = date('2021-01-01', '2026-12-31');
  const maybe = (obj, key, value) => {
    if (!chance(unknownRate)) obj[key] = value;
  };
  const member = (id, relation, minAge, maxAge) => {
    const m = { id, relation, birth_date: date(yearsBefore(asOf, maxAge), yearsBefore(asOf, minAge)) };
    maybe(m, 'hukou', chance(0.8) ? 'shanghai' : 'other');
    if (m.hukou === 'other') maybe(m, 'residence_permit', chance(0.5));
    maybe(m, 'co_resident', relation === 'self' ? true : chance(0.85));
    maybe(m, 'monthly_income', chance(0.3) ? '0.00' : money(0, 6000));
    maybe(m, 'able_to_work', chance(0.6));
    maybe(m, 'disability', pick(['none', 'none', 'none', 'mild', 'severe']));
    maybe(m, 'in_school', minAge < 20 ? chance(0.7) : false);
    maybe(m, 'care_grade', maxAge > 60 ? int(0, 6) : 0);
    maybe(m, 'has_capable_supporter', chance(0.5));
    maybe(m, 'has_living_children', chance(0.6));
    return m;
  };
  const members = [member('self', 'self', 18, 95)];
  const others = int(0, 4);
  for (let k = 0; k < others; k++) {
    const relation = pick(['spouse', 'child', 'child', 'parent', 'sibling', 'grandchild', 'other']);
    const [lo, hi] = {
      spouse: [18, 95], child: [0, 50], parent: [40, 100], sibling: [10, 90], grandchild: [0, 30], other: [0, 90],
    }[relation];
    members.push(member(`m${k + 1}`, relation, lo, hi));
  }
  const household = { members };
  maybe(household, 'assets_within_dibao_limit', chance(0.7));
  maybe(household, 'assets_within_low_income_limit', chance(0.8));
  maybe(household, 'medical_expenses_12m', chance(0.6) ? '0' : money(0, 80000));
  maybe(household, 'education_expenses_12m', chance(0.7) ? '0' : money(0, 40000));
  maybe(household, 'sudden_hardship', chance(0.05));
  const c = { as_of: asOf, household };
  if (chance(0.5)) {
    const r = {};
    maybe(r, 'lives_at_home', chance(0.9));
    maybe(r, 'received_before', chance(0.1));
    maybe(r, 'quote', money(500, 8000));
    if (chance(0.4)) {
      maybe(r, 'trade_in_purchase_date', date('2024-01-01', '2026-12-31'));
      maybe(r, 'trade_in_purchase', money(100, 10000));
    }
    c.retrofit = r;
  }
  if (chance(0.4)) {
    const b = {};
    maybe(b, 'stage', pick(['planning', 'registered', 'registered']));
    maybe(b, 'org_type', pick(['small_micro_enterprise', 'individual_business', 'farmers_cooperative', 'private_non_enterprise', 'other']));
    maybe(b, 'online_platform_startup', chance(0.1));
    maybe(b, 'registration_date', date('2018-01-01', asOf));
    maybe(b, 'founder_is_legal_rep', chance(0.9));
    maybe(b, 'first_business', chance(0.8));
    maybe(b, 'founder_university_graduate', chance(0.5));
    if (b.founder_university_graduate) maybe(b, 'founder_graduation_date', date('2010-01-01', asOf));
    maybe(b, 'founder_shanghai_university_graduate', chance(0.4));
    maybe(b, 'founder_student_shanghai_university', chance(0.05));
    maybe(b, 'founder_employment_difficulty', chance(0.1));
    maybe(b, 'first_start_subsidy_received', chance(0.2));
    maybe(b, 'months_with_social_insurance', int(0, 36));
    maybe(b, 'insured_employees', int(0, 20));
    maybe(b, 'lease_months', int(0, 36));
    maybe(b, 'annual_rent', money(0, 200000));
    maybe(b, 'local_workers', int(0, 20));
    maybe(b, 'incubation_municipal_base', chance(0.1));
    maybe(b, 'incubation_fees_paid', money(0, 20000));
    maybe(b, 'incubation_monthly_fee', money(0, 3000));
    if (chance(0.5)) {
      const l = {};
      maybe(l, 'kind', pick(['pre_start', 'individual', 'organisation']));
      maybe(l, 'requested', money(10000, 3000000));
      maybe(l, 'good_credit', chance(0.9));
      maybe(l, 'meets_hiring_test', chance(0.7));
      maybe(l, 'priority_industry', chance(0.2));
      maybe(l, 'signed_date', date('2020-01-01', asOf));
      maybe(l, 'interest_paid', money(0, 100000));
      maybe(l, 'repaid_on_time', chance(0.9));
      maybe(l, 'interest_subsidies_received', int(0, 3));
      b.loan = l;
    }
    c.business = b;
  }
  return c;
}

/** `count` cases from `seed`. */
export function randomCases(seed, count, options) {
  const rand = prng(seed);
  const out = new Array(count);
  for (let i = 0; i < count; i++) out[i] = randomCase(rand, options);
  return out;
}
