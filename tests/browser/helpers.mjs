// Shared set-up of the browser tests: the page's own server on a free port,
// Debian's Chromium driven by playwright-core (fresh profile, no background
// networking), a record of every request, and helpers that enter a case
// through the generated form like a person would (by the labels shown).

import { chromium } from 'playwright-core';
import { mkdtemp, mkdir, rm, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { startServer } from '../../scripts/serve.mjs';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const RESULTS = path.join(REPO, 'test-results');
const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
];

// HUIMIN_PKG_DIR (the folder served at /pkg/) and HUIMIN_NODE_PKG (what
// Node requires) point the tests at another build of the package; by
// default both are the repository's pkg/.

/** The package, loaded in Node (the same build the page uses). */
export function nodeEngine() {
  const require = createRequire(import.meta.url);
  const { Engine } = require(process.env.HUIMIN_NODE_PKG ?? path.join(REPO, 'pkg'));
  return Engine.withDefaultPacks();
}

/**
 * Starts the server and a browser. Returns what a test needs; call close().
 * @param {{viewport?: {width: number, height: number}}} [opts]
 */
export async function setup(opts = {}) {
  const pkg = process.env.HUIMIN_PKG_DIR ?? path.join(REPO, 'pkg');
  assert.ok(existsSync(pkg), 'pkg/ is missing: run `npm run build` first');
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: run scripts/ensure-chromium.sh`);
  await mkdir(RESULTS, { recursive: true });
  const server = await startServer({ port: 0, pkg });
  const profile = await mkdtemp(path.join(tmpdir(), 'huimin-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: opts.viewport ?? { width: 1280, height: 900 },
    acceptDownloads: true,
    locale: 'en-US',
  });
  const requests = [];
  const consoleErrors = [];
  context.on('request', (r) => requests.push({
    url: r.url(), method: r.method(), postData: r.postData(), headers: r.headers(),
  }));
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (m) => {
    if (m.type() === 'error' || /Content.Security.Policy|Refused to/i.test(m.text())) consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
  return {
    server, context, page, requests, consoleErrors, origin: server.url.replace(/\/$/, ''),
    async close() {
      await context.close();
      await server.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Opens the page and waits for the first result. */
export async function open(t, hash = '') {
  await t.page.goto(`${t.server.url}${hash}`);
  await t.page.waitForFunction(() => performance.getEntriesByName('huimin:first-result').length > 0, null, { timeout: 15000 });
  // The as-of field becomes a date field once the first result is painted.
  await t.page.waitForFunction(() => document.getElementById('as-of').type === 'date', null, { timeout: 5000 });
}

/**
 * Opens the applicant view's full form ("all answers") and waits until it is
 * drawn: the page draws it on the details' `toggle` event, which fires after
 * the click returns.
 */
export async function openFullForm(page) {
  const details = page.locator('#all-answers');
  if (!(await details.evaluate((d) => d.open))) await details.locator('summary').click();
  await page.locator('#full-form [data-path]').first().waitFor();
}

/** Switches the page's language by its control. */
export async function setLanguage(page, code) {
  await page.locator('#lang').selectOption(code);
  const want = { zh: 'zh-Hans', en: 'en', ja: 'ja' }[code];
  await page.waitForFunction((l) => document.documentElement.lang === l, want);
}

/** Where a screenshot goes. */
export function shot(name) {
  return path.join(RESULTS, `${name}.png`);
}

let schemaCache = null;
/** The facts by path, with labels (from the package). */
export function schemaFacts() {
  if (!schemaCache) {
    const facts = nodeEngine().schema().facts;
    schemaCache = new Map(facts.map((f) => [f.path, f]));
  }
  return schemaCache;
}

function flatten(obj, prefix = '', out = []) {
  for (const [k, v] of Object.entries(obj)) {
    const p = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) flatten(v, p, out);
    else out.push([p, v]);
  }
  return out;
}

/** Sets one control found by its English label within a scope. */
async function setControl(scope, fact, value) {
  const ctl = scope.getByLabel(fact.label.en, { exact: true });
  if (fact.type === 'bool') await ctl.selectOption({ label: value ? 'Yes' : 'No' });
  else if (fact.type === 'enum') await ctl.selectOption({ label: fact.value_labels[value].en });
  else {
    await ctl.fill(String(value));
    await ctl.press('Tab');
  }
}

/**
 * Enters a case through the applicant view's full form (in English): the
 * as-of date, household members (added with the form's button) and every
 * other fact, each control found by the label the page shows.
 */
export async function enterCase(page, kase) {
  const facts = schemaFacts();
  if (kase.as_of) {
    await page.getByLabel('As-of date', { exact: true }).fill(kase.as_of);
  }
  await openFullForm(page);
  const form = page.locator('#full-form');
  const members = kase.household?.members ?? [];
  for (let i = 1; i < members.length; i += 1) {
    await form.getByRole('button', { name: 'Add a household member' }).click();
  }
  for (const [i, m] of members.entries()) {
    const group = form.getByRole('group', { name: new RegExp(`^Member ${i + 1}\\b`) });
    // The relation first: it names the record.
    const keys = Object.keys(m).sort((a, b) => (a === 'relation' ? -1 : b === 'relation' ? 1 : 0));
    for (const k of keys) {
      if (k === 'id' || (i === 0 && k === 'relation')) continue;
      await setControl(group, facts.get(`household.members[].${k}`), m[k]);
    }
  }
  const rest = structuredClone(kase);
  delete rest.as_of;
  if (rest.household) delete rest.household.members;
  for (const [p, v] of flatten(rest)) {
    const fact = facts.get(p);
    assert.ok(fact, `no fact ${p}`);
    await setControl(form, fact, v);
  }
}

/** The state of one benefit card in the applicant results. */
export async function benefitState(page, key) {
  return page.evaluate((k) => {
    const el = document.querySelector(`#results-body [data-benefit="${k}"]`);
    if (!el) return null;
    return {
      status: el.dataset.status,
      amount: el.querySelector('.amount')?.textContent ?? null,
      estimate: Boolean(el.querySelector('.estimate-mark')),
      text: el.textContent,
    };
  }, key);
}

/**
 * Waits until a benefit shows a status (and an amount text containing
 * `amount`), failing with what it shows instead.
 */
export async function expectBenefit(page, key, want, timeout = 5000) {
  try {
    await page.waitForFunction(([k, s, a]) => {
      const el = document.querySelector(`#results-body [data-benefit="${k}"]`);
      if (!el || el.dataset.status !== s) return false;
      if (a === null) return true;
      return (el.querySelector('.amount')?.textContent ?? '').includes(a);
    }, [key, want.status, want.amount ?? null], { timeout });
  } catch {
    const got = await benefitState(page, key);
    const errors = await page.locator('#results-errors').textContent();
    assert.fail(`${key}: expected ${JSON.stringify(want)}, page shows ${JSON.stringify(got && { status: got.status, amount: got.amount })}${errors ? `; errors: ${errors}` : ''}`);
  }
}

/** The tier a program shows (data and visible text). */
export async function tierOf(page, program) {
  return page.evaluate((p) => {
    const el = document.querySelector(`#results-body [data-program="${p}"]`);
    return el ? { tier: el.dataset.tier, text: el.querySelector('.tier')?.textContent ?? '' } : null;
  }, program);
}

/** Runs axe-core in the page (its source evaluated, which CSP does not govern). */
export async function axe(page, context = 'document') {
  const src = await readFile(path.join(REPO, 'node_modules/axe-core/axe.min.js'), 'utf8');
  await page.evaluate(src);
  return page.evaluate(async (ctx) => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(ctx === 'document' ? document : document.querySelector(ctx), {
      resultTypes: ['violations'],
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
    });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')} :: ${n.failureSummary}`) }));
  }, context);
}

/** Resets the applicant's answers by reloading the page. */
export async function fresh(t) {
  await open(t);
  await setLanguage(t.page, 'en');
}

/** A download started by an action: its file name and text. */
export async function downloadOf(page, action) {
  const [dl] = await Promise.all([page.waitForEvent('download'), action()]);
  const file = await dl.path();
  return { name: dl.suggestedFilename(), text: await readFile(file, 'utf8') };
}

/** Changes one answer in the full form (a fact outside the member list). */
export async function setFact(page, factPath, value) {
  const fact = schemaFacts().get(factPath);
  assert.ok(fact, `no fact ${factPath}`);
  await setControl(page.locator('#full-form'), fact, value);
}
