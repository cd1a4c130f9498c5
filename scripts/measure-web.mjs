// Measures the web form in headless Chromium on localhost:
//  - compressed transfer of a first visit (HTML, JS, CSS, wasm, icon), by type;
//  - time from navigation to the first result shown (the page marks
//    `huimin:first-result`), over several fresh visits;
//  - engine.evaluate time after an answer (the page measures
//    `huimin:evaluate` with performance.now() around the call).
//
//   node scripts/measure-web.mjs [--runs 7] [--json]

import { chromium } from 'playwright-core';
import { startServer } from './serve.mjs';

const ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
];

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function pct(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

function kind(url, mime) {
  if (url.endsWith('.wasm')) return 'wasm';
  if (/javascript/.test(mime)) return 'js';
  if (/css/.test(mime)) return 'css';
  if (/html/.test(mime)) return 'html';
  return 'other';
}

/** One fresh visit: transfer by type, the first-result time, answers timed
 *  (when `answers`), then a repeat visit's first-result time. */
async function visit(browser, url, answers) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  const meta = new Map();
  const bytes = { html: 0, js: 0, css: 0, wasm: 0, other: 0 };
  const files = [];
  cdp.on('Network.responseReceived', (e) => !e.response.url.startsWith('data:') && meta.set(e.requestId, { url: e.response.url, mime: e.response.mimeType, enc: e.response.headers['content-encoding'] ?? e.response.headers['Content-Encoding'] ?? '' }));
  cdp.on('Network.loadingFinished', (e) => {
    const m = meta.get(e.requestId);
    if (!m) return;
    const k = kind(m.url, m.mime);
    bytes[k] += e.encodedDataLength;
    files.push({ url: m.url.replace(url, '/'), bytes: e.encodedDataLength, encoding: m.enc });
  });
  await page.goto(url);
  await page.waitForFunction(() => performance.getEntriesByName('huimin:first-result').length > 0, null, { timeout: 20000 });
  await page.waitForLoadState('networkidle');
  const firstResult = await page.evaluate(() => performance.getEntriesByName('huimin:first-result')[0].startTime);
  const firstBytes = { ...bytes };
  const firstFiles = [...files];
  const evals = answers ? await answerTimings(page) : [];
  // A repeat visit: the HTTP cache revalidates (304) and V8 may reuse the
  // module's compiled code.
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: false });
  await page.goto(url);
  await page.waitForFunction(() => performance.getEntriesByName('huimin:first-result').length > 0, null, { timeout: 20000 });
  await page.waitForTimeout(500);
  await page.goto(url);
  await page.waitForFunction(() => performance.getEntriesByName('huimin:first-result').length > 0, null, { timeout: 20000 });
  const repeat = await page.evaluate(() => performance.getEntriesByName('huimin:first-result')[0].startTime);
  return { context, bytes: firstBytes, files: firstFiles, firstResult, repeat, evals };
}

/** Answers questions through the form and reads the page's evaluate timings. */
async function answerTimings(page) {
  await page.locator('#lang').selectOption('en');
  await page.locator('#as-of').fill('2022-03-01');
  await page.locator('#all-answers summary').click();
  const before = await page.evaluate(() => performance.getEntriesByName('huimin:evaluate').length);
  const form = page.locator('#full-form');
  const steps = [
    ['household.members[0].hukou', 'shanghai'], ['household.members[0].birth_date', '1983-05-20'],
    ['household.members[0].able_to_work', 'true'], ['household.members[0].monthly_income', '800'],
    ['household.assets_within_dibao_limit', 'true'], ['household.assets_within_low_income_limit', 'true'],
    ['household.members[0].disability', 'none'], ['household.members[0].in_school', 'false'],
    ['household.members[0].has_capable_supporter', 'false'], ['household.sudden_hardship', 'false'],
    ['household.medical_expenses_12m', '1200'], ['household.education_expenses_12m', '0'],
    ['retrofit.lives_at_home', 'true'], ['business.stage', 'planning'], ['business.loan.kind', 'pre_start'],
  ];
  for (const [p, v] of steps) {
    const el = form.locator(`[data-path="${p}"]`);
    if ((await el.evaluate((x) => x.tagName)) === 'SELECT') await el.selectOption(v);
    else {
      await el.fill(v);
      await el.press('Tab');
    }
  }
  // and one household member added through the form
  await form.getByRole('button', { name: 'Add a household member' }).click();
  await form.locator('[data-path="household.members[1].relation"]').selectOption('child');
  await form.locator('[data-path="household.members[1].birth_date"]').fill('2012-09-01');
  return page.evaluate((n) => performance.getEntriesByName('huimin:evaluate').slice(n).map((e) => e.duration), before);
}

/**
 * @param {{runs?: number}} [opts]
 */
export async function measure(opts = {}) {
  const runs = opts.runs ?? 7;
  const server = await startServer({ port: 0 });
  await server.ready; // measure the page, not the server's first compression
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ARGS });
  try {
    const visits = [];
    let evals = [];
    for (let i = 0; i < runs; i += 1) {
      const v = await visit(browser, server.url, i === 0);
      if (i === 0) evals = v.evals;
      visits.push({ bytes: v.bytes, files: v.files, firstResult: v.firstResult, repeat: v.repeat });
      await v.context.close();
    }
    const total = (b) => b.html + b.js + b.css + b.wasm + b.other;
    const first = visits.map((v) => v.firstResult);
    const repeat = visits.map((v) => v.repeat);
    return {
      transfer: { ...visits[0].bytes, total: total(visits[0].bytes), files: visits[0].files },
      firstResultMs: { median: median(first), min: Math.min(...first), max: Math.max(...first), runs },
      repeatVisitMs: { median: median(repeat), min: Math.min(...repeat), max: Math.max(...repeat), runs },
      evaluateMs: { median: median(evals), p95: pct(evals, 95), max: Math.max(...evals), count: evals.length },
    };
  } finally {
    await browser.close();
    await server.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const runsArg = process.argv.indexOf('--runs');
  const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 7;
  const r = await measure({ runs });
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify(r, null, 2));
  } else {
    const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
    console.log('compressed transfer of a first visit (bytes on the wire, headers included):');
    for (const f of r.transfer.files) console.log(`  ${f.url.padEnd(28)} ${kb(f.bytes).padStart(10)}  ${f.encoding || 'identity'}`);
    console.log(`  html ${kb(r.transfer.html)}, js ${kb(r.transfer.js)}, css ${kb(r.transfer.css)}, wasm ${kb(r.transfer.wasm)}, other ${kb(r.transfer.other)}`);
    console.log(`  total ${kb(r.transfer.total)}   (budget 400 KB)`);
    console.log(`first result shown after navigation (fresh profile, nothing cached): median ${r.firstResultMs.median.toFixed(0)} ms, min ${r.firstResultMs.min.toFixed(0)}, max ${r.firstResultMs.max.toFixed(0)} over ${r.firstResultMs.runs} fresh visits   (budget 300 ms)`);
    console.log(`first result on a repeat visit (HTTP cache, compiled code cached): median ${r.repeatVisitMs.median.toFixed(0)} ms, min ${r.repeatVisitMs.min.toFixed(0)}, max ${r.repeatVisitMs.max.toFixed(0)}`);
    console.log(`engine.evaluate after an answer (explanations on): median ${r.evaluateMs.median.toFixed(2)} ms, p95 ${r.evaluateMs.p95.toFixed(2)}, max ${r.evaluateMs.max.toFixed(2)} over ${r.evaluateMs.count} answers   (budget 5 ms)`);
  }
}
