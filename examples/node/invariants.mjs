// Generates seeded random households and checks invariants of the social
// assistance rules over them, through the `huimin` package:
//
//   1. raising a household member's income never moves the household to a
//      higher social-assistance tier (tekun > dibao > low_income >
//      rigid_expense > none);
//   2. it never raises the 低保 amount (social_assistance.dibao; ineligible
//      counts as 0). A household that was in the tier above dibao (tekun) is
//      left out of this check: losing tekun may rightly make it a dibao
//      household.
//
// Pairs whose tier is undetermined on either side are counted and skipped,
// and so is check 2 where dibao itself is undetermined or its amount unknown.
// Prints the counts; exits 1 on a violation, showing the first few as case
// files to replay.
//
//   node examples/node/invariants.mjs [--count 100000] [--seed 1] [--rules DIR]
//
// --rules checks the *.toml packs of a folder (a draft) instead of the shipped ones.

import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
// In your own project: import { Engine } from 'huimin';
import { Engine } from '../../pkg/node.js';
import { prng, randomCase } from './households.mjs';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '100000' },
    seed: { type: 'string', default: '1' },
    rules: { type: 'string' },
  },
});
const count = Number(values.count);
const seed = Number(values.seed);

function loadEngine(dir) {
  if (!dir) return Engine.withDefaultPacks();
  const files = {};
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.toml'))) {
    files[name] = readFileSync(path.join(dir, name), 'utf8');
  }
  const loaded = Engine.fromPacks(files);
  if (!loaded.ok) {
    for (const d of loaded.errors) console.error(`error[${d.code}]: ${d.message} (${d.file ?? ''}:${d.span?.line ?? ''})`);
    process.exit(2);
  }
  return loaded.value;
}

const engine = loadEngine(values.rules);
const tiers = engine.programs().find((p) => p.id === 'social_assistance')?.tiers;
if (!tiers) throw new Error('the packs have no social_assistance program');
/** tekun → 4 … rigid_expense → 1, none → 0. */
const rank = (tier) => (tier == null ? 0 : tiers.length - tiers.indexOf(tier));

/** The social-assistance outcome of one result line, or why it cannot be compared. */
function assistance(line) {
  const r = JSON.parse(line);
  if (!r.ok) return { error: r.errors.map((e) => `${e.code}@${e.path ?? ''}`).join(', ') };
  const program = r.value.programs.find((p) => p.id === 'social_assistance');
  const status = (id) => program.benefits.find((b) => b.id === id).status;
  // The tier is the first one, highest first, that is not ineligible: when
  // that one is undetermined, so is the tier.
  const first = tiers.find((t) => status(t) === 'eligible' || status(t) === 'undetermined');
  const dibao = program.benefits.find((b) => b.id === 'dibao');
  return {
    undetermined: first !== undefined && status(first) === 'undetermined',
    rank: rank(program.tier),
    tier: program.tier ?? 'none',
    // amounts in cents, exactly; null when eligible with an unknown amount
    dibaoUndetermined: dibao.status === 'undetermined',
    dibao: dibao.status !== 'eligible' ? 0n : dibao.amount ? BigInt(dibao.amount.value.replace('.', '')) : null,
  };
}

const rand = prng(seed);
const counts = {
  households: 0,
  'no known income to raise': 0,
  'invalid case': 0,
  'undetermined tier': 0,
  compared: 0,
  'tier lower': 0,
  'tier same': 0,
  'dibao amount lower': 0,
  'dibao amount same': 0,
  'dibao check skipped (was tekun, or dibao unknown)': 0,
  violations: 0,
};
const violations = [];
const CHUNK = 2000;
const started = performance.now();

for (let done = 0; done < count; done += CHUNK) {
  const pairs = [];
  for (let i = done; i < Math.min(done + CHUNK, count); i++) {
    const before = randomCase(rand, { unknownRate: 0.02 });
    counts.households++;
    const earners = before.household.members.filter((m) => typeof m.monthly_income === 'string');
    if (earners.length === 0) {
      counts['no known income to raise']++;
      continue;
    }
    const after = structuredClone(before);
    const k = Math.floor(rand() * earners.length);
    const member = after.household.members.find((m) => m.id === earners[k].id);
    const raise = (1 + Math.floor(rand() * 300000)) / 100; // 0.01 … 3000.00
    member.monthly_income = (Number(member.monthly_income) + raise).toFixed(2);
    pairs.push([before, after, member.id, raise]);
  }
  const text = pairs.map(([b, a]) => `${JSON.stringify(b)}\n${JSON.stringify(a)}`).join('\n');
  const lines = engine.evaluateBatch(text, { explain: false }).split('\n');
  pairs.forEach(([before, after, who, raise], i) => {
    const b = assistance(lines[2 * i]);
    const a = assistance(lines[2 * i + 1]);
    if (b.error || a.error) {
      counts['invalid case']++;
      if (counts['invalid case'] <= 3) console.error(`invalid generated case: ${b.error ?? a.error}`);
      return;
    }
    if (b.undetermined || a.undetermined) {
      counts['undetermined tier']++;
      return;
    }
    counts.compared++;
    const problems = [];
    if (a.rank > b.rank) problems.push(`tier rose from ${b.tier} to ${a.tier}`);
    else counts[a.rank < b.rank ? 'tier lower' : 'tier same']++;
    if (b.tier === tiers[0] || a.dibao === null || b.dibao === null || a.dibaoUndetermined || b.dibaoUndetermined) {
      counts['dibao check skipped (was tekun, or dibao unknown)']++;
    } else if (a.dibao > b.dibao) {
      problems.push(`dibao amount rose from ${b.dibao} to ${a.dibao} cents`);
    } else {
      counts[a.dibao < b.dibao ? 'dibao amount lower' : 'dibao amount same']++;
    }
    if (problems.length) {
      counts.violations++;
      if (violations.length < 5) violations.push({ problems, member: who, raise, before });
    }
  });
  if (process.stderr.isTTY) process.stderr.write(`\r${Math.min(done + CHUNK, count)}/${count} households`);
}
if (process.stderr.isTTY) process.stderr.write('\n');

const width = Math.max(...Object.keys(counts).map((k) => k.length));
for (const [k, v] of Object.entries(counts)) console.log(`${k.padEnd(width)}  ${v}`);
console.log(`(${count} households, ${((performance.now() - started) / 1000).toFixed(1)} s, seed ${seed})`);
for (const v of violations) {
  console.log(`\nVIOLATION: ${v.problems.join('; ')} when ${v.member}'s monthly income rose by ${v.raise.toFixed(2)}`);
  console.log(JSON.stringify(v.before));
}
if (counts['invalid case'] > 0) console.error('some generated cases were invalid: fix households.mjs');
process.exitCode = counts.violations > 0 || counts['invalid case'] > 0 ? 1 : 0;
