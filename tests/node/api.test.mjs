// The package's API: how it loads (require, import, browser module), errors
// as values, TypeError on misuse, diagnostics of a broken pack, and that no
// input, however odd, breaks an engine.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { REPO, TOY, readPacks, viaImport, viaRequire, viaWeb } from './support.mjs';
import { gzipSync } from 'node:zlib';
import { prng, randomCases } from '../../examples/node/households.mjs';

const { Engine } = viaRequire;
const engine = Engine.withDefaultPacks();
const toy = Engine.fromPacks(readPacks(TOY)).value;
const example = readFileSync(path.join(REPO, 'examples/cases/mixed-hukou.json'), 'utf8');

/** A case for the toy pack. */
const patron = (fields = {}) => ({ as_of: '2024-06-01', patron: { birth_date: '2000-01-01', resident: true, ...fields } });

describe('loading', () => {
  test('require, import and the browser module give working engines with one hash', async () => {
    const web = await viaWeb();
    for (const E of [viaRequire.Engine, viaImport.Engine, web.Engine]) {
      const e = E.withDefaultPacks();
      assert.match(e.hash, /^sha256:[0-9a-f]{64}$/);
      assert.equal(e.hash, engine.hash);
      assert.equal(e.evaluate(example, { explain: false }).ok, true);
    }
    // require and import share one instance: an engine of one works with the other's class
    assert.equal(viaImport.Engine, viaRequire.Engine);
    assert.equal(typeof viaImport.default, 'function');
    await viaImport.init();
    viaImport.initSync();
  });

  test('the package manifest names the package and its entry points', () => {
    const manifest = JSON.parse(readFileSync(path.join(REPO, 'pkg/package.json'), 'utf8'));
    assert.equal(manifest.name, 'huimin');
    assert.equal(manifest.exports['.'].node.require.default, './node.cjs');
    assert.equal(manifest.exports['.'].node.import.default, './node.js');
    assert.equal(manifest.exports['.'].default, './web.js');
  });

  test('an engine can be freed', () => {
    const e = Engine.withDefaultPacks();
    e.free();
    assert.throws(() => e.evaluate(example), /null pointer|destroyed|moved/i);
  });
});

describe('the browser build', () => {
  test('embeds the packs without their tests: same answers, runTests says where to run them', async () => {
    const web = await viaWeb();
    const lean = web.Engine.withDefaultPacks();
    for (const [i, c] of randomCases(11, 200).entries()) {
      for (const lang of ['zh', 'en', 'ja']) {
        assert.deepEqual(lean.evaluate(c, { lang }), engine.evaluate(c, { lang }), `case ${i} (${lang})`);
      }
    }
    assert.deepEqual(lean.schema(), engine.schema());
    assert.throws(() => lean.runTests(), /browser build.*without their test cases.*Node build.*huimin test.*fromPacks/s);
    // Packs given as files keep their tests in every build.
    const given = web.Engine.fromPacks(readPacks(path.join(REPO, 'rules'))).value;
    const report = given.runTests();
    assert.equal(report.failed, 0);
    assert.deepEqual(report, engine.runTests());
  });

  test('its .wasm is at most 300 KB with gzip -9 (issue 4)', () => {
    const wasm = readFileSync(path.join(REPO, 'pkg/huimin_web_bg.wasm'));
    const gz = gzipSync(wasm, { level: 9 }).length;
    assert.ok(gz <= 300_000, `pkg/huimin_web_bg.wasm: ${gz} bytes gzip -9, over 300 000`);
  });
});

describe('evaluate', () => {
  test('a case as an object and as JSON text give the same result', () => {
    const asText = engine.evaluate(example, { lang: 'en' });
    const asObject = engine.evaluate(JSON.parse(example), { lang: 'en' });
    assert.deepEqual(asObject, asText);
    assert.equal(asText.ok, true);
    const dibao = asText.value.programs
      .find((p) => p.id === 'social_assistance')
      .benefits.find((b) => b.id === 'dibao');
    assert.equal(dibao.status, 'eligible');
    assert.equal(dibao.name, 'Minimum living security');
    assert.ok(dibao.explanation.conditions.length > 0);
  });

  test('options: lang, asOf (or as_of) and explain', () => {
    const zh = engine.evaluate(example).value;
    assert.equal(zh.programs[0].name, '社会救助');
    assert.notEqual(zh.programs[0].benefits[0].explanation, null, 'explanations on by default');
    const off = engine.evaluate(example, { explain: false, lang: 'ja' }).value;
    assert.equal(off.programs[0].benefits[0].explanation, null);
    assert.equal(off.programs[0].name, '社会扶助');
    assert.equal(engine.evaluate(example, { asOf: '2024-02-03' }).value.as_of, '2024-02-03');
    assert.equal(engine.evaluate(example, { as_of: '2024-02-03' }).value.as_of, '2024-02-03');
    assert.deepEqual(engine.evaluate(example, null), engine.evaluate(example));
  });

  test('user mistakes come back as values with codes and paths', () => {
    const notJson = engine.evaluate('{"as_of": ');
    assert.equal(notJson.ok, false);
    assert.equal(notJson.errors[0].code, 'input.not_json');

    const typo = toy.evaluate(patron({ resdent: true }));
    assert.equal(typo.ok, false);
    assert.deepEqual(
      typo.errors.map((e) => [e.code, e.path]),
      [['input.unknown_field', 'patron.resdent']],
    );
    assert.match(typo.errors[0].help, /resident/);

    const several = toy.evaluate({ as_of: '2024-02-30', patron: { kind: 'child', resident: 'yes' } });
    assert.equal(several.ok, false);
    assert.ok(several.errors.length >= 2, 'all errors of a case at once');

    assert.deepEqual(
      engine.evaluate(example, { lang: 'fr' }).errors.map((e) => e.code),
      ['options.bad_lang'],
    );
    assert.deepEqual(
      engine.evaluate(example, { asOf: '2024-13-01' }).errors.map((e) => e.code),
      ['options.bad_as_of'],
    );
    assert.equal(engine.evaluate([1, 2]).ok, false);
    assert.equal(engine.evaluate('"a string"').ok, false);
  });

  test('misuse of the API throws a TypeError with a clear message', () => {
    const cyclic = { as_of: '2024-01-01' };
    cyclic.self = cyclic;
    const misuses = [
      [() => engine.evaluate(), /evaluate: the case must be an object or a JSON string, not undefined/],
      [() => engine.evaluate(null), /the case must be an object or a JSON string/],
      [() => engine.evaluate(42), /not number/],
      [() => engine.evaluate(() => 1), /not function/],
      [() => engine.evaluate(cyclic), /evaluate: the case cannot be written as JSON/],
      [() => engine.evaluate({}, 'en'), /evaluate: options must be an object/],
      [() => engine.evaluate({}, { language: 'en' }), /evaluate: bad options: unknown field `language`/],
      [() => engine.evaluate({}, { explain: 'yes' }), /evaluate: bad options: invalid type: string "yes", expected a boolean/],
      [() => engine.evaluateBatch({}), /evaluateBatch: expects JSON-lines text \(a string\), not object/],
      [() => engine.evaluateBatch('', { lang: 3 }), /evaluateBatch: bad options/],
      [() => engine.validate(example, 5), /validate: the claimed outcome must be an object or a JSON string/],
      [() => engine.validate(example, '{'), /validate: the claimed outcome is not JSON/],
      [() => Engine.fromPacks(), /Engine.fromPacks expects an object mapping file names to rule-pack text/],
      [() => Engine.fromPacks('a = 1'), /Engine.fromPacks expects an object/],
      [() => Engine.fromPacks(['a = 1']), /Engine.fromPacks expects an object/],
      [() => Engine.fromPacks({ 'a.toml': 1 }), /Engine.fromPacks: the text of `a.toml` must be a string/],
    ];
    for (const [call, message] of misuses) {
      assert.throws(call, (e) => e instanceof TypeError && message.test(e.message), String(call));
    }
    // the engine is unharmed
    assert.equal(engine.evaluate(example).ok, true);
  });
});

describe('evaluateBatch', () => {
  test('one output line per input line, errors in place, explanations off by default', () => {
    const lines = [example.replace(/\n/g, ''), '', 'nope', JSON.stringify(patron())];
    const out = engine.evaluateBatch(lines.join('\n'), { lang: 'en' }).split('\n');
    assert.equal(out.length, lines.length + 1);
    assert.equal(out.at(-1), '');
    const parsed = out.slice(0, -1).map((l) => JSON.parse(l));
    assert.equal(parsed[0].ok, true);
    assert.equal(parsed[0].value.programs[0].benefits[0].explanation, null);
    assert.deepEqual(parsed[1].errors.map((e) => e.code), ['input.empty_line']);
    assert.deepEqual(parsed[2].errors.map((e) => e.code), ['input.not_json']);
    assert.equal(parsed[3].ok, false, 'a toy case is not a case of the shipped packs');
    assert.equal(engine.evaluateBatch(''), '');
  });

  test('a bad option value is an error on every line', () => {
    const out = engine.evaluateBatch('{}\n{}\n', { lang: 'xx' }).split('\n');
    assert.equal(out.length, 3);
    for (const line of out.slice(0, 2)) {
      assert.deepEqual(JSON.parse(line).errors.map((e) => e.code), ['options.bad_lang']);
    }
  });
});

describe('validate', () => {
  test('compares claimed status and amount per benefit', () => {
    const r = engine.validate(JSON.parse(example), {
      'social_assistance.dibao': { status: 'eligible', amount: '790.00' },
      low_income: { status: 'eligible' },
    });
    assert.equal(r.ok, true);
    assert.equal(r.value.agrees, false);
    const byBenefit = Object.fromEntries(r.value.checks.map((c) => [c.benefit, c]));
    assert.equal(byBenefit['social_assistance.dibao'].status_agrees, true);
    assert.equal(byBenefit['social_assistance.dibao'].amount_agrees, true);
    assert.equal(byBenefit['social_assistance.low_income'].status_agrees, false);
    assert.equal(r.value.result.as_of, '2022-03-01');
  });

  test('an unknown benefit or a malformed claim is an error value', () => {
    assert.deepEqual(
      engine.validate(example, { nonsense: { status: 'eligible' } }).errors.map((e) => [e.code, e.path]),
      [['claim.unknown_benefit', 'nonsense']],
    );
    assert.deepEqual(
      engine.validate(example, { dibao: { status: 'rich' } }).errors.map((e) => e.code),
      ['claim.bad_shape'],
    );
  });
});

describe('fromPacks', () => {
  test('compiles packs; the hash depends on the content only, not the key order', () => {
    const files = readPacks(path.join(REPO, 'rules'));
    const forward = Engine.fromPacks(files);
    const backward = Engine.fromPacks(Object.fromEntries(Object.entries(files).reverse()));
    assert.equal(forward.ok, true);
    assert.ok(forward.value instanceof Engine);
    assert.equal(forward.value.hash, engine.hash);
    assert.equal(backward.value.hash, engine.hash);
  });

  test('a broken pack returns diagnostics with file, code, line, column and UTF-16 span', () => {
    const good = readPacks(TOY)['library_card.toml'];
    // Chinese text before the fault makes byte and UTF-16 offsets differ.
    const broken = `# 图书馆：一个坏的规则包\n${good}\n[definitions.broken]\nexpr = "patron.nonexistent + 1"\n`;
    const r = Engine.fromPacks({ 'broken.toml': broken });
    assert.equal(r.ok, false);
    assert.ok(r.errors.length >= 1);
    const d = r.errors.find((e) => e.span);
    assert.ok(d, JSON.stringify(r.errors));
    assert.equal(d.file, 'broken.toml');
    assert.match(d.code, /^[a-z_]+\.[a-z_]+$/);
    const { line, column, utf16_start, utf16_end, start } = d.span;
    assert.ok(start > utf16_start, 'byte offsets differ from UTF-16 offsets after Chinese text');
    // line and column agree with the UTF-16 offset
    const before = broken.slice(0, utf16_start).split('\n');
    assert.equal(line, before.length);
    assert.equal(column, [...before.at(-1)].length + 1);
    assert.ok(utf16_end >= utf16_start && utf16_end <= broken.length);
  });

  test('a TOML syntax error points at its line', () => {
    const r = Engine.fromPacks({ 'a.toml': '# 注释\n[pack\nid = "x"\n' });
    assert.equal(r.ok, false);
    assert.equal(r.errors[0].file, 'a.toml');
    assert.equal(r.errors[0].span.line, 2);
  });

  test('no packs at all is an error value or an empty engine, never a throw', () => {
    const r = Engine.fromPacks({});
    assert.equal(typeof r.ok, 'boolean');
  });
});

describe('describing the packs', () => {
  test('schema, programs, runTests, hash', () => {
    const schema = engine.schema();
    assert.equal(schema.jsonSchema.type, 'object');
    const income = schema.facts.find((f) => f.path === 'household.members[].monthly_income');
    assert.equal(income.type, 'money');
    assert.equal(income.label.en.length > 0, true);
    const programs = engine.programs();
    const assistance = programs.find((p) => p.id === 'social_assistance');
    assert.deepEqual(assistance.tiers.slice(0, 2), ['tekun', 'dibao']);
    const report = engine.runTests();
    assert.equal(report.tests.length, report.passed + report.failed);
    assert.ok(report.passed > 0);
    assert.equal(report.failed, 0, report.tests.filter((t) => !t.passed).map((t) => t.name).join('; '));
    assert.equal(typeof engine.hash, 'string');
  });
});

describe('robustness', () => {
  test('random text, bytes and deep nesting never throw or break the engine', () => {
    const rand = prng(7);
    const alphabet = '{}[]":,0123456789.-eE truefalsnul\\u00e9图\n\t';
    for (let i = 0; i < 300; i++) {
      let s = '';
      const n = Math.floor(rand() * 80);
      for (let k = 0; k < n; k++) s += alphabet[Math.floor(rand() * alphabet.length)];
      const r = engine.evaluate(s);
      assert.equal(typeof r.ok, 'boolean');
      const p = Engine.fromPacks({ 'fuzz.toml': s });
      assert.equal(typeof p.ok, 'boolean');
    }
    const deep = '['.repeat(100000) + ']'.repeat(100000);
    assert.equal(engine.evaluate(deep).ok, false);
    assert.equal(engine.evaluateBatch(deep).startsWith('{"ok":false'), true);
    const nest = (depth) => {
      let v = {};
      for (let i = 0; i < depth; i++) v = { a: v };
      return v;
    };
    // deep nesting where no fact is declared: skipped without recursion, an
    // error value naming the field
    assert.deepEqual(engine.evaluate(nest(200)).errors.map((e) => e.code), ['input.unknown_field', 'input.missing_as_of']);
    // deep nesting where a list of records is declared: a wrong type, an error value
    const deepRecord = '{"a":'.repeat(50000) + '1' + '}'.repeat(50000);
    const members = `{"as_of": "2024-01-01", "household": {"members": [${deepRecord}]}}`;
    assert.deepEqual(engine.evaluate(members).errors.map((e) => e.code + '@' + e.path), ['input.unknown_field@household.members[0].a', 'input.exactly_one@household.members']);
    // too deep for JSON.stringify itself: not JSON data, so a TypeError
    assert.throws(() => engine.evaluate(nest(100000)), (e) => e instanceof TypeError && /cannot be written as JSON/.test(e.message));
    const huge = JSON.stringify({ as_of: '2024-01-01', pad: 'x'.repeat(20 << 20) });
    assert.equal(engine.evaluate(huge).ok, false);
    assert.equal(Engine.fromPacks({ 'deep.toml': 'a = ' + '['.repeat(100000) }).ok, false);
    assert.equal(engine.evaluate(example).ok, true);
  });
});
