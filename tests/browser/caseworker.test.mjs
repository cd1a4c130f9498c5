// The caseworker view in a real browser: 1 000 generated cases uploaded as
// CSV (table and CSV/JSONL export checked against the package evaluated in
// Node), a case opened to its full explanation, claims compared, decision
// records downloaded and loaded back, malformed files named clearly.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { REPO, downloadOf, nodeEngine, open, setLanguage, setup, shot } from './helpers.mjs';
import { generate, readCsv } from './cases.mjs';

let t;
const engine = nodeEngine();
before(async () => {
  t = await setup();
  await open(t, '#caseworker');
  await setLanguage(t.page, 'en');
});
after(async () => {
  await t?.close();
});

async function upload(page, name, content, mimeType = 'text/plain') {
  await page.locator('#cw-file').setInputFiles({ name, mimeType, buffer: Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8') });
}

async function waitForRows(page, n) {
  await page.waitForFunction((k) => document.querySelectorAll('#cw-table-wrap tbody tr').length === k
    && !/Evaluating/.test(document.getElementById('cw-summary').textContent), n, { timeout: 30000 });
}

describe('batch of 1 000 cases (CSV)', () => {
  const N = 1000;
  const gen = generate(N);
  // What the package computes in Node for the same cases.
  const expected = gen.rows.map((r) => {
    if (r.broken === 'cells') return { ok: false };
    const v = r.claimed ? engine.validate(r.case, r.claimed, { lang: 'en', explain: false }) : engine.evaluate(r.case, { lang: 'en', explain: false });
    if (!v.ok) return { ok: false, errors: v.errors };
    return r.claimed ? { ok: true, result: v.value.result, agrees: v.value.agrees } : { ok: true, result: v.value };
  });
  const expectedErrors = expected.filter((e) => !e.ok).length;
  const expectedMismatches = expected.filter((e) => e.ok && e.agrees === false).length;

  test('the table has one row per case, errors per row, mismatches marked', async (ctx) => {
    assert.ok(expectedErrors >= 20, 'the generator made error rows');
    assert.ok(expectedMismatches > 0, 'the generator made wrong claims');
    const started = Date.now();
    await upload(t.page, 'cases.csv', gen.csv, 'text/csv');
    await waitForRows(t.page, N);
    const ms = Date.now() - started;
    const page = t.page;
    assert.equal(await page.locator('#cw-table-wrap tbody tr').count(), N, 'no row dropped');
    assert.equal(await page.locator('#cw-table-wrap tbody tr.row-error').count(), expectedErrors);
    assert.equal(await page.locator('#cw-table-wrap tbody tr.row-mismatch').count(), expectedMismatches);
    const summary = await page.locator('#cw-summary').textContent();
    assert.match(summary, new RegExp(`^${N} cases: ${N - expectedErrors} evaluated, ${expectedErrors} with errors; ${expectedMismatches} with claims`));
    // Row 500 lost a cell: its error says so, and the row is still there.
    const row500 = page.locator('#cw-table-wrap tbody tr[data-row="500"]');
    assert.match(await row500.textContent(), /This line has \d+ cells; the header has \d+/);
    // A bad value names its path.
    const row8 = page.locator('#cw-table-wrap tbody tr[data-row="8"]');
    assert.match(await row8.textContent(), /household\.members\[0\]\.birth_date/);
    ctx.diagnostic(`1000-case CSV upload: table shown in ${ms} ms`);
    await page.locator('#cw-summary').scrollIntoViewIfNeeded();
    await page.evaluate(() => document.getElementById('cw-summary').scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: shot('caseworker-1000-table') });
  });

  test('the CSV export has every row, matching the package in Node', async () => {
    const { name, text } = await downloadOf(t.page, () => t.page.getByRole('button', { name: 'Export CSV' }).click());
    assert.equal(name, 'huimin-results.csv');
    const rows = readCsv(text);
    const [header, ...body] = rows;
    assert.equal(body.length, N, 'one line per case');
    const col = (c) => header.indexOf(c);
    for (const c of ['row', 'case_id', 'ok', 'errors', 'social_assistance.tier', 'social_assistance.dibao.status', 'social_assistance.dibao.amount', 'claims_agree']) {
      assert.ok(col(c) >= 0, `column ${c}`);
    }
    const keys = engine.programs().flatMap((p) => p.benefits.map((b) => `${p.id}.${b.id}`));
    body.forEach((cells, i) => {
      const want = expected[i];
      assert.equal(cells[col('row')], String(i + 1));
      assert.equal(cells[col('case_id')], gen.rows[i].caseId);
      assert.equal(cells[col('ok')], String(want.ok), `row ${i + 1} ok`);
      if (!want.ok) {
        assert.notEqual(cells[col('errors')], '', `row ${i + 1} has its error`);
        return;
      }
      const sa = want.result.programs.find((p) => p.id === 'social_assistance');
      assert.equal(cells[col('social_assistance.tier')], sa.tier ?? '', `row ${i + 1} tier`);
      for (const k of keys) {
        const [pid, bid] = k.split('.');
        const b = want.result.programs.find((p) => p.id === pid).benefits.find((x) => x.id === bid);
        assert.equal(cells[col(`${k}.status`)], b.status, `row ${i + 1} ${k}`);
        assert.equal(cells[col(`${k}.amount`)], b.amount?.value ?? '', `row ${i + 1} ${k} amount`);
      }
      if (want.agrees !== undefined) assert.equal(cells[col('claims_agree')], String(want.agrees), `row ${i + 1} claims`);
    });
  });

  test('the JSONL export has every row in order', async () => {
    const { text } = await downloadOf(t.page, () => t.page.getByRole('button', { name: 'Export JSONL' }).click());
    const lines = text.trimEnd().split('\n').map((l) => JSON.parse(l));
    assert.equal(lines.length, N);
    lines.forEach((l, i) => {
      assert.equal(l.row, i + 1);
      assert.equal(l.ok, expected[i].ok);
      if (l.ok) assert.deepEqual(l.value, expected[i].result, `row ${i + 1}`);
    });
  });
});

describe('one case: explanation, claims, decision record', () => {
  test('a pasted case opens to every condition, the values compared and parameter versions', async () => {
    const page = t.page;
    const kase = await readFile(path.join(REPO, 'examples/cases/mixed-hukou.json'), 'utf8');
    await page.getByLabel('Paste JSON, JSONL or CSV').fill(kase);
    await page.getByRole('button', { name: 'Evaluate', exact: true }).click();
    await waitForRows(page, 1);
    await page.getByRole('button', { name: 'Open case 1' }).click();
    const detail = page.locator('#cw-detail');
    await detail.waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'cw-detail-h', 'focus moves to the case');
    const dibao = detail.locator('[data-benefit="social_assistance.dibao"]');
    assert.equal(await dibao.getAttribute('data-status'), 'eligible');
    assert.match(await dibao.locator('.amount').textContent(), /790\.00/);
    const text = await dibao.textContent();
    assert.match(text, /per_capita_income < dibao_standard/, 'the rule');
    assert.match(text, /= 1200 < .* = 1330/, 'the values compared');
    assert.match(text, /dibao_standard\) = 1330 .*from 2021-07-01, confirmed; source: /, 'parameter version, confidence and source');
    assert.match(text, /dibao_minor_standard\) = 1730 .*single source/);
    // every condition of every benefit is listed
    const want = engine.evaluate(JSON.parse(kase), { lang: 'en' }).value;
    const conds = want.programs.flatMap((p) => p.benefits.flatMap((b) => b.explanation.conditions)).length;
    assert.equal(await detail.locator('li.cond').count(), conds);
    await page.evaluate(() => document.querySelector('#cw-detail [data-benefit="social_assistance.dibao"]').scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: shot('caseworker-detail') });
  });

  test('a claimed outcome that disagrees is highlighted', async () => {
    const page = t.page;
    const detail = page.locator('#cw-detail');
    await detail.getByLabel('Claimed status: Minimum living security').selectOption('ineligible');
    await detail.getByLabel('Claimed amount: Minimum living security').fill('800');
    await detail.getByLabel('Claimed status: Temporary assistance').selectOption('ineligible');
    await detail.getByRole('button', { name: 'Check the claims' }).click();
    await page.waitForSelector('#cw-table-wrap tr.row-mismatch');
    const card = detail.locator('[data-benefit="social_assistance.dibao"] .claim.mismatch');
    assert.match(await card.textContent(), /status differs: claimed Not eligible, computed Eligible.*amount differs: claimed 800, computed 790\.00/);
    assert.match(await detail.locator('.claims-form [role="status"]').textContent(), /Claims that disagree with the computed outcome: 1/);
    assert.match(await page.locator('#cw-table-wrap tbody tr').first().textContent(), /mismatches: 1/);
    assert.equal(await detail.locator('[data-benefit="social_assistance.temporary_assistance"] .claim.agree').count(), 1);
  });

  let record;
  test('the decision record downloads and, loaded back, reproduces the result', async () => {
    const page = t.page;
    const dl = await downloadOf(page, () => page.getByRole('button', { name: 'Download the decision record' }).click());
    assert.match(dl.name, /^huimin-decision-row1-2022-03-01\.json$/);
    record = JSON.parse(dl.text);
    assert.equal(record.format, 'huimin-decision-record');
    assert.equal(record.rules.hash, engine.hash);
    assert.equal(record.case.as_of, '2022-03-01');
    assert.deepEqual(record.claimed['social_assistance.dibao'], { status: 'ineligible', amount: '800' });
    assert.deepEqual(record.result, engine.evaluate(record.case, record.options).value, 'the record holds the result');
    await page.locator('#cw-record').setInputFiles({ name: dl.name, mimeType: 'application/json', buffer: Buffer.from(dl.text) });
    await page.waitForSelector('#cw-message.ok');
    assert.match(await page.locator('#cw-message').textContent(), /Decision record reproduced: same rule packs hash, and the recomputed result is identical/);
    assert.equal(await page.locator('#cw-table-wrap tbody tr').count(), 1);
    assert.equal(await page.locator('#cw-table-wrap tbody tr.row-mismatch').count(), 1, 'the claims came back');
  });

  test('a changed record or changed packs are reported', async () => {
    const page = t.page;
    const bad = structuredClone(record);
    const dibao = bad.result.programs[0].benefits.find((b) => b.id === 'dibao');
    dibao.amount.value = '791.00';
    await page.locator('#cw-record').setInputFiles({ name: 'r.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(bad)) });
    await page.waitForFunction(() => /differs/.test(document.getElementById('cw-message').textContent));
    assert.match(await page.locator('#cw-message').textContent(), /social_assistance\.dibao: eligible 791\.00 → eligible 790\.00/);
    const other = structuredClone(record);
    other.rules.hash = 'sha256:0000';
    await page.locator('#cw-record').setInputFiles({ name: 'r2.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(other)) });
    await page.waitForFunction(() => /rule packs changed/.test(document.getElementById('cw-message').textContent));
  });
});

describe('malformed input', () => {
  const cases = [
    ['broken.json', '{"household": {"members": [', /This is not valid JSON/],
    ['image.csv', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0xff, 0xfe]), /is not a text file/],
    ['empty.csv', '', /Nothing to evaluate/],
    ['header.csv', 'name of person,income\nAlice,100\n', /column 1, “name of person”, is not a path/],
    ['quote.csv', 'as_of,household.members[0].id\n"2025-03-01,self\n', /quote that is never closed \(starting on line 2\)/],
    ['number.json', '42', /should be a case object or an array of case objects; this is number/],
    ['claims.csv', 'as_of,claimed.dibao\n2025-03-01,eligible\n', /should be claimed\.<program>\.<benefit>\.status or \.amount/],
    ['record.json', '{"format":"something-else"}', null],
  ];
  for (const [name, content, want] of cases) {
    if (!want) continue;
    test(`${name}: a clear message`, async () => {
      await upload(t.page, name, content);
      await t.page.waitForFunction(() => !document.getElementById('cw-message').hidden);
      const msg = await t.page.locator('#cw-message').textContent();
      assert.match(msg, want);
      assert.equal(await t.page.locator('#cw-table-wrap').isHidden(), true, 'no table for an unreadable file');
    });
  }

  test('JSONL with a bad line: every line is a row, the bad one says why', async () => {
    const good = JSON.stringify({ as_of: '2025-03-01', household: { members: [{ id: 'self', relation: 'self' }] } });
    const badClaim = JSON.stringify({ ...JSON.parse(good), claimed: 'yes' });
    await upload(t.page, 'mixed.jsonl', `${good}\n{"as_of": 2025-03-01}\n\n${good}\n[1,2]\n${badClaim}\n`);
    await waitForRows(t.page, 6);
    const rows = t.page.locator('#cw-table-wrap tbody tr');
    assert.match(await rows.nth(1).textContent(), /Line 2 is not valid JSON/);
    assert.match(await rows.nth(2).textContent(), /the line is empty/);
    assert.match(await rows.nth(4).textContent(), /not a case object \(it is array\)/);
    assert.match(await rows.nth(5).textContent(), /claimed outcome/);
    assert.equal(await t.page.locator('#cw-table-wrap tbody tr.row-error').count(), 4);
  });

  test('a file that is not a decision record', async () => {
    await t.page.locator('#cw-record').setInputFiles({ name: 'x.json', mimeType: 'application/json', buffer: Buffer.from('{"format":"something-else"}') });
    await t.page.waitForFunction(() => /not a valid decision record/.test(document.getElementById('cw-message').textContent));
    await t.page.screenshot({ path: shot('caseworker-bad-record') });
  });
});
