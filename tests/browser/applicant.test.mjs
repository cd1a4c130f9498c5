// The applicant view: defaults (Simplified Chinese, today's date), the
// language switch, household members added and removed, and the question
// flow (each question is the first unskipped one of the result's
// `questions`, and answering it changes the result).

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { benefitState, nodeEngine, open, openFullForm, schemaFacts, setLanguage, setup, shot } from './helpers.mjs';

let t;
const engine = nodeEngine();
before(async () => {
  t = await setup();
});
after(async () => {
  await t?.close();
});

function setPath(obj, path, value) {
  const segs = path.split('.').flatMap((s) => {
    const m = /^(\w+)\[(\d+)\]$/.exec(s);
    return m ? [m[1], Number(m[2])] : [s];
  });
  let cur = obj;
  segs.slice(0, -1).forEach((s, i) => {
    cur[s] ??= typeof segs[i + 1] === 'number' ? [] : {};
    cur = cur[s];
  });
  cur[segs.at(-1)] = value;
}

describe('language and defaults', () => {
  test('Simplified Chinese by default, as-of date today from the page clock', async () => {
    await open(t);
    const page = t.page;
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-Hans');
    assert.equal(await page.locator('#applicant-h').textContent(), '我能享受哪些帮助？');
    const today = await page.evaluate(() => {
      const d = new Date();
      return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    });
    assert.equal(await page.locator('#as-of').inputValue(), today);
    // A text field in the HTML, a date field once the first result is painted.
    assert.equal(await page.locator('#as-of').getAttribute('type'), 'date');
    // Labels come from the schema, in Chinese.
    const facts = schemaFacts();
    await openFullForm(page);
    const label = facts.get('household.assets_within_dibao_limit').label.zh;
    assert.equal(await page.locator('#full-form').getByLabel(label, { exact: true }).count(), 1);
    // Benefit names in the results come from the engine, in Chinese.
    const zhName = engine.evaluate({ as_of: today, household: { members: [{ id: 'self', relation: 'self' }] } }, { lang: 'zh' })
      .value.programs[0].benefits[1].name;
    assert.match(await page.locator('#results-body').textContent(), new RegExp(zhName));
    await page.screenshot({ path: shot('applicant-zh'), fullPage: true });
  });

  test('switching to English and Japanese relabels the form, the results and enum values', async () => {
    const page = t.page;
    const facts = schemaFacts();
    const hukou = facts.get('household.members[].hukou');
    for (const l of ['en', 'ja', 'zh']) {
      await setLanguage(page, l);
      const form = page.locator('#full-form');
      const label = facts.get('household.assets_within_dibao_limit').label[l];
      assert.equal(await form.getByLabel(label, { exact: true }).count(), 1, `${l}: fact label`);
      const select = page.locator('#full-form [data-path="household.members[0].hukou"]');
      const options = await select.locator('option').allTextContents();
      assert.ok(options.includes(hukou.value_labels.shanghai[l]), `${l}: enum value labels ${options}`);
      const name = engine.evaluate({ household: { members: [{ id: 'self', relation: 'self' }] } }, { lang: l, asOf: '2025-03-01' })
        .value.programs[0].benefits[1].name;
      assert.match(await page.locator('#results-body').textContent(), new RegExp(name), `${l}: benefit names`);
      if (l !== 'zh') await page.screenshot({ path: shot(`applicant-${l}`), fullPage: true });
    }
    assert.equal(await page.locator('#applicant-h').textContent(), '我能享受哪些帮助？');
  });

  test('answers survive a language switch', async () => {
    const page = t.page;
    await setLanguage(page, 'en');
    const income = page.locator('#full-form [data-path="household.members[0].monthly_income"]');
    await income.fill('1234');
    await income.press('Tab');
    await setLanguage(page, 'ja');
    assert.equal(await page.locator('#full-form [data-path="household.members[0].monthly_income"]').inputValue(), '1234');
  });
});

describe('household members', () => {
  test('added and removed with the form\'s buttons', async () => {
    await open(t);
    const page = t.page;
    await setLanguage(page, 'en');
    const basics = page.locator('#basics');
    await openFullForm(page); // the full form shows the same members
    await basics.getByRole('button', { name: 'Add a household member' }).click();
    await basics.getByRole('button', { name: 'Add a household member' }).click();
    assert.equal(await page.locator('#basics fieldset.record').count(), 3);
    assert.equal(await page.locator('#full-form fieldset.record').count(), 3);
    await basics.getByRole('group', { name: /^Member 2\b/ }).getByLabel('Relation to the applicant').selectOption({ label: 'Spouse' });
    assert.equal(await basics.getByRole('group', { name: 'Member 2 (Spouse)' }).count(), 1, 'the legend follows the relation');
    // The applicant (member 1) cannot be removed, and no one else can be `self`.
    assert.equal(await basics.getByRole('button', { name: 'Remove member 1' }).count(), 0);
    const relOptions = await basics.getByRole('group', { name: /^Member 3\b/ }).getByLabel('Relation to the applicant').locator('option').allTextContents();
    assert.ok(!relOptions.includes('Self (the applicant)'));
    await basics.getByRole('button', { name: 'Remove member 2' }).click();
    assert.equal(await page.locator('#full-form fieldset.record').count(), 2);
    // Focus goes somewhere sensible (the add button), not to the body.
    assert.notEqual(await page.evaluate(() => document.activeElement?.tagName), 'BODY');
  });
});

describe('the question flow', () => {
  test('each question is the next unskipped one of result.questions, and answering it changes the result', async () => {
    await open(t);
    const page = t.page;
    await setLanguage(page, 'en');
    const asOf = '2025-03-01';
    await page.getByLabel('As-of date', { exact: true }).fill(asOf);
    await page.getByRole('button', { name: 'Continue to the questions' }).click();
    const kase = { as_of: asOf, household: { members: [{ id: 'self', relation: 'self' }] } };
    const skipped = new Set();
    // Answers a person might give, by fact.
    const answers = {
      'household.members[].hukou': 'shanghai',
      'household.members[].birth_date': '1950-04-02',
      'business.stage': 'planning',
      'household.members[].monthly_income': '900',
      'household.members[].able_to_work': false,
      'household.members[].disability': 'none',
      'household.members[].has_capable_supporter': false,
      'household.assets_within_dibao_limit': true,
      'household.sudden_hardship': false,
    };
    let before = JSON.stringify(engine.evaluate(kase, { lang: 'en', explain: false }).value);
    for (let step = 0; step < 10; step += 1) {
      const expected = engine.evaluate(kase, { lang: 'en', explain: false }).value.questions;
      const next = expected.find((q) => !skipped.has(q.path));
      const shown = await page.locator('#question-body form').getAttribute('data-path');
      assert.equal(shown, next.path, `step ${step}: the most decisive unskipped question`);
      assert.ok(expected.some((q) => q.path === shown), 'never a question outside result.questions');
      const fact = schemaFacts().get(next.fact);
      if (!(next.fact in answers)) {
        await page.getByRole('button', { name: 'I don’t know, skip' }).click();
        skipped.add(next.path);
        continue;
      }
      const value = answers[next.fact];
      const body = page.locator('#question-body');
      if (fact.type === 'bool') await body.getByLabel(value ? 'Yes' : 'No', { exact: true }).check();
      else if (fact.type === 'enum') await body.getByLabel(fact.value_labels[value].en, { exact: true }).check();
      else await body.locator('input[data-answer]').fill(String(value));
      const cardsBefore = await page.locator('#results-body').textContent();
      await page.getByRole('button', { name: 'Answer', exact: true }).click();
      setPath(kase, next.path, value);
      const after = JSON.stringify(engine.evaluate(kase, { lang: 'en', explain: false }).value);
      assert.notEqual(after, before, `step ${step}: answering ${next.path} changes the result`);
      before = after;
      await page.waitForFunction((prev) => document.getElementById('results-body').textContent !== prev, cardsBefore);
      // Focus goes to the next question, so a keyboard user can go on.
      const focused = await page.evaluate(() => document.activeElement?.closest('#question') !== null);
      assert.ok(focused, 'focus stays in the question card');
    }
    // With these answers the applicant (75, Shanghai hukou, alone, income 900,
    // unable to work, no supporter, assets within limits) reaches 特困.
    const tekun = await benefitState(page, 'social_assistance.tekun');
    assert.equal(tekun.status, 'eligible');
    await page.evaluate(() => document.getElementById('applicant-h').scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: shot('applicant-question-flow') });
  });

  test('skipped questions can be asked again at the end', async () => {
    await open(t);
    const page = t.page;
    await setLanguage(page, 'en');
    await page.getByLabel('As-of date', { exact: true }).fill('2018-01-01'); // before most programs: few questions
    await page.getByRole('button', { name: 'Continue to the questions' }).click();
    const first = await page.locator('#question-body form').getAttribute('data-path');
    let skips = 0;
    while (await page.locator('#question-body form').count()) {
      await page.getByRole('button', { name: 'I don’t know, skip' }).click();
      skips += 1;
      assert.ok(skips < 80, 'the flow ends');
    }
    assert.match(await page.locator('#question-body').textContent(), /No more questions can change the result/);
    await page.getByRole('button', { name: `Ask the ${skips} skipped questions again` }).click();
    assert.equal(await page.locator('#question-body form').getAttribute('data-path'), first);
  });
});
