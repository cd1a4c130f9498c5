// Seeded random households for the caseworker tests, written as CSV with
// one column per case path, with some rows made wrong on purpose.

/** A small seeded PRNG (mulberry32). */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const MEMBER_FIELDS = ['id', 'relation', 'birth_date', 'hukou', 'co_resident', 'monthly_income', 'able_to_work'];
const HOUSEHOLD_FIELDS = ['assets_within_dibao_limit', 'assets_within_low_income_limit', 'medical_expenses_12m', 'education_expenses_12m', 'sudden_hardship'];
const RETROFIT_FIELDS = ['lives_at_home', 'received_before', 'quote'];
export const MAX_MEMBERS = 3;

export const COLUMNS = [
  'case_id', 'as_of',
  ...Array.from({ length: MAX_MEMBERS }, (_, k) => MEMBER_FIELDS.map((f) => `household.members[${k}].${f}`)).flat(),
  ...HOUSEHOLD_FIELDS.map((f) => `household.${f}`),
  ...RETROFIT_FIELDS.map((f) => `retrofit.${f}`),
  'claimed.social_assistance.dibao.status', 'claimed.social_assistance.dibao.amount',
];

function date(r, fromYear, toYear) {
  const y = fromYear + Math.floor(r() * (toYear - fromYear + 1));
  const m = 1 + Math.floor(r() * 12);
  const d = 1 + Math.floor(r() * 28);
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/**
 * Generates cases. Rows whose index % 50 === 7 carry a wrong value (an
 * impossible date, a negative income, an unknown hukou); row 500 (1-based)
 * has a cell missing. Every 10th row claims a dibao outcome.
 * @returns {{csv: string, rows: {case: any|null, claimed: any|null, caseId: string, broken: string|null}[]}}
 */
export function generate(n, seed = 20251101) {
  const r = rng(seed);
  const pick = (xs) => xs[Math.floor(r() * xs.length)];
  const rows = [];
  const lines = [COLUMNS.join(',')];
  for (let i = 0; i < n; i += 1) {
    const caseId = `C${String(i + 1).padStart(4, '0')}`;
    const count = 1 + Math.floor(r() * MAX_MEMBERS);
    const members = [];
    for (let k = 0; k < count; k += 1) {
      members.push({
        id: k === 0 ? 'self' : `m${k + 1}`,
        relation: k === 0 ? 'self' : pick(['spouse', 'child', 'parent', 'sibling', 'other']),
        birth_date: date(r, 1935, 2015),
        hukou: r() < 0.8 ? 'shanghai' : 'other',
        co_resident: r() < 0.9,
        monthly_income: String(Math.floor(r() * 60) * 100),
        able_to_work: r() < 0.6,
      });
    }
    const kase = {
      as_of: pick(['2022-03-01', '2024-06-30', '2025-03-01']),
      household: {
        members,
        assets_within_dibao_limit: r() < 0.8,
        assets_within_low_income_limit: r() < 0.9,
        medical_expenses_12m: String(Math.floor(r() * 50) * 1000),
        education_expenses_12m: String(Math.floor(r() * 10) * 1000),
        sudden_hardship: r() < 0.1,
      },
      retrofit: { lives_at_home: r() < 0.9, received_before: r() < 0.1, quote: String(1000 + Math.floor(r() * 60) * 100) },
    };
    let broken = null;
    if (i % 50 === 7) {
      const kind = (i / 50) % 3 | 0;
      if (kind === 0) kase.household.members[0].birth_date = '2021-02-30';
      else if (kind === 1) kase.household.members[0].monthly_income = '-100';
      else kase.household.members[0].hukou = 'mars';
      broken = 'value';
    }
    let claimed = null;
    if (i % 10 === 3) claimed = { 'social_assistance.dibao': { status: pick(['eligible', 'ineligible']) } };
    const cells = COLUMNS.map((col) => {
      if (col === 'case_id') return caseId;
      if (col === 'as_of') return kase.as_of;
      if (col.startsWith('claimed.')) {
        const field = col.endsWith('.status') ? 'status' : 'amount';
        return claimed?.['social_assistance.dibao']?.[field] ?? '';
      }
      const m = /^household\.members\[(\d)\]\.(\w+)$/.exec(col);
      if (m) {
        const v = kase.household.members[Number(m[1])]?.[m[2]];
        return v === undefined ? '' : String(v);
      }
      const [group, field] = col.split('.');
      const v = kase[group]?.[field];
      return v === undefined ? '' : String(v);
    });
    if (i === 499) {
      cells.pop();
      broken = 'cells';
    }
    lines.push(cells.join(','));
    rows.push({ case: kase, claimed, caseId, broken });
  }
  return { csv: `${lines.join('\r\n')}\r\n`, rows };
}

/** Parses simple CSV (our export: quotes, commas, CRLF), dropping a BOM. */
export function readCsv(text) {
  const src = text.replace(/^\uFEFF/, '');
  const out = [];
  let row = [];
  let cell = '';
  let q = false;
  for (let i = 0; i < src.length; i += 1) {
    const c = src[i];
    if (q) {
      if (c === '"' && src[i + 1] === '"') { cell += '"'; i += 1; } else if (c === '"') q = false; else cell += c;
    } else if (c === '"') q = true;
    else if (c === ',') { row.push(cell); cell = ''; } else if (c === '\n' || c === '\r') {
      if (c === '\r' && src[i + 1] === '\n') i += 1;
      row.push(cell); out.push(row); row = []; cell = '';
    } else cell += c;
  }
  if (cell !== '' || row.length) { row.push(cell); out.push(row); }
  return out;
}
