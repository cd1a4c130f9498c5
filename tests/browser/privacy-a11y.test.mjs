// Privacy, safety and accessibility in a real browser: the CSP header, no
// request leaves the origin or carries what was typed, no CSP violation
// while the page is used, zero axe-core violations in both views and at
// 360 px, and the question flow usable with the keyboard alone.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CSP } from '../../scripts/serve.mjs';
import { axe, open, openFullForm, setLanguage, setup, shot } from './helpers.mjs';

const SECRET_INCOME = '31415.92';
const SECRET_ID = 'ZX-SECRET-7731';

function formatViolations(v) {
  return v.map((x) => `${x.id} (${x.impact}): ${x.help}\n    ${x.nodes.join('\n    ')}`).join('\n');
}

describe('privacy and safety', () => {
  let t;
  before(async () => {
    t = await setup();
  });
  after(async () => {
    await t?.close();
  });

  test('the page is served with the Content-Security-Policy and safe headers', async () => {
    const res = await t.page.goto(t.server.url);
    const h = res.headers();
    assert.equal(h['content-security-policy'], CSP);
    assert.match(CSP, /default-src 'self'/);
    assert.match(CSP, /script-src 'self' 'wasm-unsafe-eval'(;|$)/);
    assert.equal(h['x-content-type-options'], 'nosniff');
    assert.equal(h['referrer-policy'], 'no-referrer');
    const wasm = t.requests.find((r) => r.url.endsWith('.wasm'));
    assert.ok(wasm, 'the wasm was requested');
    const wres = await t.page.request.get(wasm.url, { headers: { 'Accept-Encoding': 'br, gzip' } });
    assert.equal(wres.headers()['content-type'], 'application/wasm');
  });

  test('no request leaves the origin or carries typed input, and nothing breaks CSP', async () => {
    const page = t.page;
    t.requests.length = 0;
    await open(t);
    const loaded = t.requests.length;
    const wasm = t.requests.filter((r) => r.url.endsWith('.wasm'));
    assert.equal(wasm.length, 1, `the preloaded module is the one used: ${wasm.map((r) => r.url)}`);
    await setLanguage(page, 'en');
    // Type into the applicant form and answer a question.
    await openFullForm(page);
    const income = page.locator('#full-form [data-path="household.members[0].monthly_income"]');
    await income.fill(SECRET_INCOME);
    await income.press('Tab');
    await page.locator('#full-form [data-path="household.members[0].birth_date"]').fill('1951-05-10');
    await page.getByRole('button', { name: 'Continue to the questions' }).click();
    await page.getByRole('button', { name: 'I don’t know, skip' }).click();
    await setLanguage(page, 'ja');
    await setLanguage(page, 'en');
    // Paste a case in the caseworker view, open it, download its record.
    await page.getByRole('link', { name: 'Caseworker' }).click();
    await page.getByLabel('Paste JSON, JSONL or CSV').fill(JSON.stringify({
      case_id: SECRET_ID, as_of: '2025-03-01',
      household: { members: [{ id: 'self', relation: 'self', hukou: 'shanghai', monthly_income: SECRET_INCOME }] },
    }));
    await page.getByRole('button', { name: 'Evaluate', exact: true }).click();
    await page.getByRole('button', { name: 'Open case 1' }).click();
    const [dl] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download the decision record' }).click()]);
    await dl.path();
    await page.getByRole('button', { name: 'Export CSV' }).click();

    const origin = t.origin;
    for (const r of t.requests) {
      const sameOrigin = r.url.startsWith(`${origin}/`) || r.url.startsWith(`blob:${origin}/`);
      assert.ok(sameOrigin, `request left the origin: ${r.url}`);
      assert.equal(r.method, 'GET', `${r.url}`);
      assert.equal(r.postData ?? null, null, `${r.url} has a body`);
      const all = `${r.url} ${JSON.stringify(r.headers)}`;
      for (const secret of [SECRET_INCOME, SECRET_ID, '1951-05-10']) {
        assert.ok(!all.includes(secret), `a request carries typed input: ${r.url}`);
      }
    }
    const later = t.requests.slice(loaded).filter((r) => !r.url.startsWith('blob:'));
    assert.deepEqual(later.map((r) => r.url), [], 'nothing is fetched after the page has loaded');
    assert.deepEqual(t.consoleErrors, [], 'no console error and no CSP violation');
  });

  test('pack and user text is never parsed as HTML', async () => {
    const page = t.page;
    await open(t, '#caseworker');
    await setLanguage(page, 'zh');
    const evil = '<img src=x onerror="window.__pwned=1">';
    await page.getByLabel('粘贴 JSON、JSONL 或 CSV').fill(JSON.stringify({
      case_id: evil, as_of: '2025-03-01', household: { members: [{ id: evil, relation: 'self', hukou: evil }] },
    }));
    await page.locator('#cw-form button[type="submit"]').click();
    await page.waitForSelector('#cw-table-wrap tbody tr');
    assert.equal(await page.locator('#cw-table-wrap img').count(), 0);
    assert.match(await page.locator('#cw-table-wrap tbody tr').textContent(), /<img src=x/);
    assert.equal(await page.evaluate(() => window.__pwned ?? null), null);
    // Trusted Types are enforced: an HTML string sink throws.
    const blocked = await page.evaluate(() => {
      try {
        document.body.insertAdjacentHTML('beforeend', '<b>x</b>');
        return false;
      } catch {
        return true;
      }
    });
    assert.equal(blocked, true, 'require-trusted-types-for blocks HTML string sinks');
  });
});

describe('accessibility', () => {
  for (const [name, viewport] of [['desktop', { width: 1280, height: 900 }], ['360px', { width: 360, height: 740 }]]) {
    describe(name, () => {
      let t;
      before(async () => {
        t = await setup({ viewport });
      });
      after(async () => {
        await t?.close();
      });

      test('applicant view: zero axe violations (results, open explanation, question, full form)', async () => {
        await open(t);
        const page = t.page;
        await openFullForm(page);
        await page.locator('#full-form [data-path="household.members[0].monthly_income"]').fill('abc'); // an error on show
        await page.locator('#full-form [data-path="household.members[0].monthly_income"]').press('Tab');
        await page.locator('#basics').getByRole('button').filter({ hasText: '添加家庭成员' }).click();
        await page.locator('#basics-continue').click();
        await page.locator('#full-form [data-path="household.members[0].monthly_income"]').fill('900');
        await page.locator('#full-form [data-path="household.members[0].monthly_income"]').press('Tab');
        await page.locator('#results-body details.why summary').first().click();
        for (const l of ['zh', 'en', 'ja']) {
          await setLanguage(page, l);
          const v = await axe(page);
          assert.equal(v.length, 0, `${l}:\n${formatViolations(v)}`);
        }
        if (name === '360px') {
          const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
          assert.ok(overflow <= 0, `no sideways scrolling at 360 px (overflow ${overflow}px)`);
        }
        await page.screenshot({ path: shot(`a11y-applicant-${name}`), fullPage: true });
      });

      test('caseworker view: zero axe violations (table, errors, case detail, claims)', async () => {
        const page = t.page;
        await page.locator('#nav-caseworker').click();
        const rows = [
          JSON.stringify({ as_of: '2022-03-01', household: { members: [{ id: 'self', relation: 'self', birth_date: '1947-08-15', hukou: 'shanghai', monthly_income: '1000', able_to_work: false, has_capable_supporter: false }], assets_within_dibao_limit: true }, claimed: { 'social_assistance.dibao': { status: 'eligible' } } }),
          '{"bad json',
          JSON.stringify({ as_of: '2022-03-01', household: { members: [{ id: 'self', relation: 'self', birth_date: '2030-01-01' }] } }),
        ];
        await page.locator('#cw-text').fill(rows.join('\n'));
        await page.locator('#cw-form button[type="submit"]').click();
        await page.waitForSelector('#cw-table-wrap tbody tr');
        await page.getByRole('button', { name: /^(Open case 1|打开第 1 个个案|案件 1 を開く)$/ }).click();
        await page.locator('#cw-detail details.case-json summary').click();
        for (const l of ['en', 'zh', 'ja']) {
          await setLanguage(page, l);
          const v = await axe(page);
          assert.equal(v.length, 0, `${l}:\n${formatViolations(v)}`);
        }
        if (name === '360px') {
          const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
          assert.ok(overflow <= 0, `no sideways scrolling at 360 px (overflow ${overflow}px)`);
        }
        await page.screenshot({ path: shot(`a11y-caseworker-${name}`), fullPage: true });
      });
    });
  }

  describe('keyboard only', () => {
    let t;
    before(async () => {
      t = await setup();
    });
    after(async () => {
      await t?.close();
    });

    test('the question flow and the caseworker table work with the keyboard alone', async () => {
      await open(t);
      const page = t.page;
      const tabTo = async (predicate, max = 80) => {
        for (let i = 0; i < max; i += 1) {
          await page.keyboard.press('Tab');
          if (await page.evaluate(predicate)) return;
        }
        assert.fail('could not reach the control with Tab');
      };
      // Language by keyboard.
      await tabTo(() => document.activeElement?.id === 'lang');
      await page.keyboard.press('ArrowDown'); // English
      await page.waitForFunction(() => document.documentElement.lang === 'en');
      // Continue, then answer the first question with arrows and Enter.
      await tabTo(() => document.activeElement?.id === 'basics-continue');
      await page.keyboard.press('Enter');
      const first = await page.locator('#question-body form').getAttribute('data-path');
      await page.keyboard.press('Tab'); // into the first control of the question
      assert.ok(await page.evaluate(() => document.activeElement?.dataset.answer === 'true'), 'focus on the answer');
      const type = await page.evaluate(() => document.activeElement?.type);
      if (type === 'radio') await page.keyboard.press('Space');
      else await page.keyboard.type('1950-01-01');
      await tabTo(() => document.activeElement?.textContent === 'Answer');
      await page.keyboard.press('Enter');
      await page.waitForFunction((p) => document.querySelector('#question-body form')?.dataset.path !== p, first);
      assert.ok(await page.evaluate(() => document.activeElement?.closest('#question') !== null), 'focus on the next question');
      // The caseworker view by keyboard: the nav link, paste, evaluate, open a row.
      await tabTo(() => document.activeElement?.id === 'nav-caseworker', 200);
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => document.activeElement?.id === 'caseworker-h');
      await tabTo(() => document.activeElement?.id === 'cw-text');
      await page.keyboard.insertText(JSON.stringify({ as_of: '2025-03-01', household: { members: [{ id: 'self', relation: 'self' }] } }));
      await tabTo(() => document.activeElement?.textContent === 'Evaluate');
      await page.keyboard.press('Enter');
      await page.waitForSelector('#cw-table-wrap tbody tr');
      await tabTo(() => document.activeElement?.getAttribute('aria-label') === 'Open case 1');
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => document.activeElement?.id === 'cw-detail-h');
      await page.screenshot({ path: shot('keyboard-caseworker-detail') });
    });
  });
});
