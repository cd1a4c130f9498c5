// The Node examples run and do what they say.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { randomCases } from '../../examples/node/households.mjs';
import { REPO, RULES, cli, viaRequire } from './support.mjs';

const tmp = mkdtempSync(path.join(tmpdir(), 'huimin-examples-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function run(script, args) {
  const r = spawnSync(process.execPath, [path.join(REPO, 'examples/node', script), ...args], {
    cwd: REPO,
    encoding: 'utf8',
  });
  if (r.error) throw r.error;
  return r;
}

test('run-tests.mjs prints `N passed, N failed` as `huimin test` does', () => {
  const r = run('run-tests.mjs', []);
  const report = viaRequire.Engine.withDefaultPacks().runTests();
  assert.match(r.stdout, new RegExp(`^${report.passed} passed, ${report.failed} failed$`, 'm'));
  assert.equal(r.status, report.failed === 0 ? 0 : 1);
  const toy = run('run-tests.mjs', ['--rules', path.join(REPO, 'tests/toy')]);
  assert.match(toy.stdout, /^\d+ passed, 0 failed$/m);
});

test('batch.mjs writes what `huimin batch` writes, and reports on stderr', () => {
  const input = path.join(tmp, 'cases.jsonl');
  const lines = randomCases(99, 1200).map((c) => JSON.stringify(c));
  lines.splice(5, 0, '', 'not json');
  writeFileSync(input, lines.join('\r\n') + '\r\n');
  const output = path.join(tmp, 'out.jsonl');
  const r = run('batch.mjs', [input, '-o', output, '--lang', 'en', '--explain']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /1202\/1202 cases/);
  assert.match(r.stderr, /^1202 cases, 2 with errors$/m);
  const native = path.join(tmp, 'native.jsonl');
  assert.equal(cli(['batch', input, '--quiet', '-o', native, '--lang', 'en', '--explain']).status, 0);
  assert.ok(readFileSync(output, 'utf8') === readFileSync(native, 'utf8'), 'byte-identical');
});

test('invariants.mjs holds on the shipped packs', () => {
  const r = run('invariants.mjs', ['--count', '3000', '--seed', '5']);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /^violations\s+0$/m);
  assert.match(r.stdout, /^invalid case\s+0$/m);
  const compared = Number(r.stdout.match(/^compared\s+(\d+)$/m)[1]);
  assert.ok(compared > 1000, `only ${compared} pairs compared`);
});

test('invariants.mjs catches a dibao amount that rises with income', () => {
  const dir = path.join(tmp, 'rules');
  cpSync(RULES, dir, { recursive: true });
  const file = path.join(dir, 'social_assistance.toml');
  const text = readFileSync(file, 'utf8');
  // the dibao amount formula subtracts the household's income: make it add it
  const broken = text.replace(/^(amount = ".*?)- household_income/m, '$1+ household_income');
  assert.notEqual(broken, text, 'the dibao amount formula no longer reads `… - household_income …`: update this test');
  writeFileSync(file, broken);
  const r = run('invariants.mjs', ['--count', '2000', '--rules', dir]);
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /VIOLATION: dibao amount rose/);
});
