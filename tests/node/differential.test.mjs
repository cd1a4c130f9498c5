// The package against the native command line on the same inputs: the packs'
// own test cases, the bad-case corpus and seeded random households, through
// `evaluateBatch` (vs `huimin batch`) and `evaluate` (vs `huimin eval`), with
// both builds (Node's and the browser's). Every output must be byte-identical.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { randomCases } from '../../examples/node/households.mjs';
import { RULES, TOY, badCases, cli, packTestCases, readPacks, viaRequire, viaWeb } from './support.mjs';

const tmp = mkdtempSync(path.join(tmpdir(), 'huimin-diff-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const web = await viaWeb();

const builds = {
  node: viaRequire.Engine,
  web: web.Engine,
};

/** An engine of `build` over the packs in `dir`. */
function engine(build, dir) {
  if (dir === RULES) return builds[build].withDefaultPacks();
  const r = builds[build].fromPacks(readPacks(dir));
  assert.equal(r.ok, true, JSON.stringify(r.errors));
  return r.value;
}

const packCases = packTestCases(RULES);
const toyCases = packTestCases(TOY);
const corpus = badCases();
const random = randomCases(20251122, 1000, { unknownRate: 0.05 }).map((c) => JSON.stringify(c));

// CLI batch flags ↔ package options.
const optionSets = [
  { flags: [], options: undefined },
  { flags: ['--explain', '--lang', 'en'], options: { explain: true, lang: 'en' } },
  { flags: ['--explain', '--lang', 'ja', '--as-of', '2024-07-01'], options: { explain: true, lang: 'ja', asOf: '2024-07-01' } },
];

/** Compares `huimin batch` with `evaluateBatch` on the same JSON-lines text. */
function compareBatch(build, dir, lines, label) {
  const text = lines.join('\n') + '\n';
  const input = path.join(tmp, `${label}.jsonl`);
  writeFileSync(input, text);
  const e = engine(build, dir);
  for (const { flags, options } of optionSets) {
    const output = path.join(tmp, `${label}.out.jsonl`);
    const r = cli(['batch', input, '--quiet', '--rules', dir, '-o', output, ...flags]);
    assert.equal(r.status, 0, r.stderr);
    const native = readFileSync(output, 'utf8');
    const wasm = e.evaluateBatch(text, options);
    const n = native.split('\n');
    const w = wasm.split('\n');
    assert.equal(w.length, n.length, `${label} ${flags.join(' ')}: line count`);
    for (let i = 0; i < n.length; i++) {
      if (n[i] !== w[i]) assert.equal(w[i], n[i], `${label} ${flags.join(' ')}: line ${i + 1}`);
    }
    assert.ok(wasm === native);
  }
}

// `huimin eval` outputs, shared by both builds: one process per case is slow.
const evalCache = new Map();
function nativeEval(dir, c) {
  const flags = ['--lang', 'en', ...(c.as_of ? ['--as-of', c.as_of] : [])];
  const key = JSON.stringify([dir, c.json, flags]);
  if (!evalCache.has(key)) {
    const file = path.join(tmp, 'case.json');
    writeFileSync(file, c.json);
    evalCache.set(key, cli(['eval', file, '--rules', dir, ...flags]).stdout);
  }
  return evalCache.get(key);
}

/** Compares `huimin eval` with `evaluate` for each case. */
function compareEval(build, dir, cases) {
  const e = engine(build, dir);
  let compared = 0;
  for (const c of cases) {
    const native = nativeEval(dir, c);
    const options = { lang: 'en', ...(c.as_of ? { asOf: c.as_of } : {}) };
    // the case as text, exactly as the CLI read it
    assert.equal(JSON.stringify(e.evaluate(c.json, options)) + '\n', native, `${c.name} (text)`);
    // and as an object, when it is JSON at all
    let parsed;
    try {
      parsed = JSON.parse(c.json);
    } catch {
      parsed = undefined;
    }
    if (parsed !== null && typeof parsed === 'object') {
      // An object is its JSON text; where that differs from the case's own
      // text (a key given twice keeps one value in an object), the CLI reads it.
      const text = JSON.stringify(parsed);
      const want = text === c.json ? native : nativeEval(dir, { ...c, json: text });
      assert.equal(JSON.stringify(e.evaluate(parsed, options)) + '\n', want, `${c.name} (object)`);
    }
    compared++;
  }
  assert.equal(compared, cases.length);
}

for (const build of Object.keys(builds)) {
  describe(`${build} build vs the native CLI`, () => {
    test('the default engine holds the packs of rules/ (same hash as `huimin check`)', () => {
      const out = cli(['check', '--rules', RULES]).stdout;
      assert.match(out, /\((sha256:[0-9a-f]{64})\)/);
      assert.equal(engine(build, RULES).hash, out.match(/\((sha256:[0-9a-f]{64})\)/)[1]);
    });

    test(`evaluateBatch = huimin batch: the packs' ${packCases.length} test cases`, () => {
      assert.ok(packCases.length > 0);
      compareBatch(build, RULES, packCases.map((c) => c.json), `${build}-packs`);
    });

    test(`evaluateBatch = huimin batch: ${random.length} seeded random households`, () => {
      compareBatch(build, RULES, random, `${build}-random`);
    });

    test(`evaluateBatch = huimin batch: the bad-case corpus (${corpus.length}) and the toy pack's cases`, () => {
      const lines = [...corpus.map((c) => c.json), ...toyCases.map((c) => c.json), '', '   ', 'not json', '[]'];
      compareBatch(build, TOY, lines, `${build}-bad`);
    });

    test('evaluate = huimin eval: every pack test case', () => {
      compareEval(build, RULES, packCases);
    });

    test('evaluate = huimin eval: the bad-case corpus and the toy cases', () => {
      compareEval(build, TOY, [...corpus, ...toyCases]);
    });

    test('runTests = huimin test; schema = huimin schema', () => {
      const e = engine(build, RULES);
      // The browser build embeds the packs without their tests
      // (api.test.mjs checks what its runTests() says): run them as files.
      const withTests = build === 'web' ? builds.web.fromPacks(readPacks(RULES)).value : e;
      const report = withTests.runTests();
      const native = cli(['test', '--rules', RULES]).stdout;
      assert.match(native, new RegExp(`^${report.passed} passed, ${report.failed} failed$`, 'm'));
      assert.deepEqual(e.schema(), JSON.parse(cli(['schema', '--rules', RULES]).stdout));
    });
  });
}
