// Measures the web form in headless Chromium on localhost:
//  - compressed transfer of a first visit (HTML, JS, CSS, wasm, icon), by type;
//  - time from navigation to the first result shown (the page marks
//    `huimin:first-result` right after the results are put in the DOM), over
//    several fresh visits (new browser context, cache disabled), and on a
//    repeat visit; with where that time goes (the page's other marks) and two
//    checks that do not rely on the page's own mark: when the results appear in
//    the DOM (a MutationObserver installed before the page runs) and when they
//    are painted (Element Timing on the results' summary line);
//  - engine.evaluate time after an answer (the page measures
//    `huimin:evaluate` with performance.now() around the call).
//
//   node scripts/measure-web.mjs [--runs 7] [--json]
//        [--www DIR] [--pkg DIR]                   what is served (default www/, pkg/)
//        [--baseline-www DIR] [--baseline-pkg DIR] also measure another page or
//                                                  package, visits alternating
//                                                  with the first, side by side

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { chromium } from 'playwright-core';

const ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
];

function median(xs) {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function pct(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

function stats(xs) {
  const s = xs.filter((x) => Number.isFinite(x));
  if (!s.length) return { median: NaN, min: NaN, max: NaN, runs: 0 };
  return { median: median(s), min: Math.min(...s), max: Math.max(...s), runs: s.length };
}

function kind(url, mime) {
  if (url.endsWith('.wasm')) return 'wasm';
  if (/javascript/.test(mime)) return 'js';
  if (/css/.test(mime)) return 'css';
  if (/html/.test(mime)) return 'html';
  return 'other';
}

/** Installed before any of the page's scripts: the time the results first
 *  appear in the DOM (a benefit in #results-body), seen from outside the page's
 *  code. An upper bound: the observer runs after the page's task. */
function watchResults() {
  new MutationObserver((_, obs) => {
    if (document.querySelector('#results-body [data-benefit]')) {
      window.__huiminResultInDom = performance.now();
      obs.disconnect();
    }
  }).observe(document, { childList: true, subtree: true });
  // Tells the measuring script by a console message (Playwright's waiting
  // functions would inject its own script into the page, about 90 ms of the
  // page's thread in a fresh context, right when the results are drawn).
  new PerformanceObserver((list, obs) => {
    if (list.getEntriesByName('huimin:first-result').length) {
      obs.disconnect();
      console.debug('huimin-measure:first-result');
    }
  }).observe({ type: 'mark', buffered: true });
  new PerformanceObserver((list, obs) => {
    if (list.getEntries().some((x) => x.identifier === 'huimin:result')) {
      obs.disconnect();
      console.debug('huimin-measure:painted');
    }
  }).observe({ type: 'element', buffered: true });
}

/** Navigates and waits for the page's console message `what`, without
 *  running anything in the page. */
async function gotoAndWait(page, url, what) {
  const seen = page.waitForEvent('console', { predicate: (m) => m.text() === `huimin-measure:${what}`, timeout: 20000 });
  await page.goto(url);
  await seen;
}

/** The timings of the visit shown, relative to navigation start (ms). */
async function timings(page) {
  await page.waitForFunction(() => window.__huiminResultInDom !== undefined, null, { timeout: 5000 });
  // Element Timing reports the summary line's first paint (its text is set
  // with the first result); wait for it, briefly.
  return page.evaluate(async () => {
    const painted = await new Promise((resolve) => {
      const obs = new PerformanceObserver((list) => {
        const e = list.getEntries().find((x) => x.identifier === 'huimin:result');
        if (e) {
          obs.disconnect();
          resolve(e.renderTime || e.loadTime);
        }
      });
      obs.observe({ type: 'element', buffered: true });
      setTimeout(() => resolve(NaN), 3000);
    });
    const mark = (n) => performance.getEntriesByName(`huimin:${n}`)[0]?.startTime ?? NaN;
    const nav = performance.getEntriesByType('navigation')[0];
    const wasm = performance.getEntriesByType('resource').find((r) => r.name.endsWith('.wasm'));
    const firstEval = performance.getEntriesByName('huimin:evaluate')[0];
    return {
      firstResult: mark('first-result'),
      resultInDom: window.__huiminResultInDom,
      resultPainted: painted,
      benefitsShown: document.querySelectorAll('#results-body [data-benefit]').length,
      htmlReceived: nav.responseEnd,
      firstContentfulPaint: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
      wasmReceived: wasm ? wasm.responseEnd : NaN,
      wasmReady: mark('wasm-ready'),
      pageStart: mark('page-start'),
      engineReady: mark('engine-ready'),
      withDefaultPacks: mark('engine-ready') - mark('wasm-ready'),
      firstEvaluate: firstEval ? firstEval.duration : NaN,
    };
  });
}

/** One fresh visit: transfer by type, the timings, answers timed (when
 *  `answers`), then a repeat visit's first-result time. */
async function visit(browser, url, answers) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addInitScript(watchResults);
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
  await gotoAndWait(page, url, 'painted');
  const fresh = await timings(page);
  if (!(fresh.benefitsShown > 0)) throw new Error('the first result is marked but no result is in the DOM');
  await page.waitForLoadState('networkidle');
  // Chromium asks for the icon on its own, after the page's load event.
  for (let t = 0; t < 30 && !files.some((f) => f.url.endsWith('favicon.svg')); t += 1) await page.waitForTimeout(100);
  const firstBytes = { ...bytes };
  const firstFiles = [...files];
  const evals = answers ? await answerTimings(page) : [];
  // A repeat visit: the HTTP cache revalidates (304) and V8 may reuse the
  // module's compiled code.
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: false });
  await gotoAndWait(page, url, 'first-result');
  await page.waitForTimeout(500);
  await gotoAndWait(page, url, 'first-result');
  const [repeat, repeatPacks] = await page.evaluate(() => {
    const mark = (n) => performance.getEntriesByName(`huimin:${n}`)[0]?.startTime ?? NaN;
    return [mark('first-result'), mark('engine-ready') - mark('wasm-ready')];
  });
  await context.close();
  return { bytes: firstBytes, files: firstFiles, fresh, repeat, repeatPacks, evals };
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

const FIGURES = ['htmlReceived', 'wasmReceived', 'firstContentfulPaint', 'wasmReady', 'pageStart', 'engineReady',
  'firstResult', 'resultInDom', 'resultPainted', 'withDefaultPacks', 'firstEvaluate'];

function summarise(visits) {
  const total = (b) => b.html + b.js + b.css + b.wasm + b.other;
  const first = visits.map((v) => v.fresh.firstResult);
  const repeat = visits.map((v) => v.repeat);
  return {
    transfer: { ...visits[0].bytes, total: total(visits[0].bytes), files: visits[0].files },
    firstResultMs: stats(first),
    repeatVisitMs: stats(repeat),
    /** Medians over the fresh visits, ms after navigation start (durations
     *  for withDefaultPacks and firstEvaluate). */
    breakdown: Object.fromEntries(FIGURES.map((k) => [k, median(visits.map((v) => v.fresh[k]))])),
    resultPaintedMs: stats(visits.map((v) => v.fresh.resultPainted)),
    repeatWithDefaultPacksMs: stats(visits.map((v) => v.repeatPacks)),
    visits: visits.map((v) => ({ ...v.fresh, repeat: v.repeat, repeatWithDefaultPacks: v.repeatPacks })),
  };
}

/** Runs scripts/serve.mjs in a process of its own, as `serve.sh` does (in
 *  this process, the server would share its event loop with the browser's
 *  driver, which handles a message for every request and response): its URL
 *  once every file is compressed, and how to stop it. */
function serveApart({ www, pkg } = {}) {
  const script = fileURLToPath(new URL('./serve.mjs', import.meta.url));
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, PORT: '0', LOG: '0', HUIMIN_WWW: www ?? '', HUIMIN_PKG: pkg ?? '', HUIMIN_SAY_READY: '1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const close = () => new Promise((resolve) => {
    if (child.exitCode !== null) resolve();
    else {
      child.once('exit', () => resolve());
      child.kill();
    }
  });
  return new Promise((resolve, reject) => {
    let out = '';
    let url;
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the server stopped (exit ${code}): ${out}`)));
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      out += chunk;
      url ??= out.match(/(http:\/\/127\.0\.0\.1:\d+\/)/)?.[1];
      if (url && /^ready$/m.test(out)) {
        child.stdout.removeAllListeners('data');
        child.stdout.resume();
        child.removeAllListeners('exit');
        resolve({ url, close });
      }
    });
  });
}

/**
 * @param {{runs?: number, www?: string, pkg?: string, baseline?: {www?: string, pkg?: string}}} [opts]
 */
export async function measure(opts = {}) {
  const runs = opts.runs ?? 7;
  // (each resolves once its files are compressed: the page is measured, not
  // the server's first compression)
  const servers = [await serveApart({ www: opts.www, pkg: opts.pkg })];
  if (opts.baseline) servers.push(await serveApart({ www: opts.baseline.www, pkg: opts.baseline.pkg }));
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ARGS });
  try {
    const visits = servers.map(() => []);
    let evals = [];
    for (let i = 0; i < runs; i += 1) {
      // Alternate (ABBA) so that the machine's load falls on both alike.
      const order = servers.map((_, k) => k);
      if (i % 2) order.reverse();
      for (const k of order) {
        const v = await visit(browser, servers[k].url, k === 0 && i === 0);
        if (k === 0 && i === 0) evals = v.evals;
        visits[k].push(v);
      }
    }
    const r = summarise(visits[0]);
    r.evaluateMs = { median: median(evals), p95: pct(evals, 95), max: Math.max(...evals), count: evals.length };
    if (opts.baseline) {
      r.baseline = summarise(visits[1]);
      // Each visit against the baseline's visit of the same round (the two
      // ran back to back): less sensitive to the machine's load than the
      // difference of the medians.
      const diffs = (f) => visits[0].map((v, i) => f(v) - f(visits[1][i]));
      r.pairedDifferenceMs = {
        firstResult: median(diffs((v) => v.fresh.firstResult)),
        resultPainted: median(diffs((v) => v.fresh.resultPainted)),
        repeat: median(diffs((v) => v.repeat)),
      };
    }
    return r;
  } finally {
    await browser.close();
    await Promise.all(servers.map((s) => s.close()));
  }
}

function arg(name) {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}

// Run as a script (not imported): compared as paths, since the URL
// percent-encodes what the path has as it is (a space, say).
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const runs = Number(arg('--runs') ?? 7);
  const baseline = arg('--baseline-www') || arg('--baseline-pkg')
    ? { www: arg('--baseline-www'), pkg: arg('--baseline-pkg') } : undefined;
  const r = await measure({ runs, www: arg('--www'), pkg: arg('--pkg'), baseline });
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify(r, null, 2));
  } else {
    const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
    const ms = (s) => `median ${s.median.toFixed(0)} ms, min ${s.min.toFixed(0)}, max ${s.max.toFixed(0)}`;
    console.log('compressed transfer of a first visit (bytes on the wire, headers included):');
    for (const f of r.transfer.files) console.log(`  ${f.url.padEnd(28)} ${kb(f.bytes).padStart(10)}  ${f.encoding || 'identity'}`);
    console.log(`  html ${kb(r.transfer.html)}, js ${kb(r.transfer.js)}, css ${kb(r.transfer.css)}, wasm ${kb(r.transfer.wasm)}, other ${kb(r.transfer.other)}`);
    console.log(`  total ${kb(r.transfer.total)}   (budget 400 KB)`);
    console.log(`first result shown after navigation (fresh profile, nothing cached): ${ms(r.firstResultMs)} over ${r.firstResultMs.runs} fresh visits   (budget 300 ms)`);
    console.log(`  painted: ${ms(r.resultPaintedMs)}`);
    console.log(`first result on a repeat visit (HTTP cache, compiled code cached): ${ms(r.repeatVisitMs)}`);
    console.log(`  Engine.withDefaultPacks on the repeat visit: median ${r.repeatWithDefaultPacksMs.median.toFixed(0)} ms`);
    console.log(`engine.evaluate after an answer (explanations on): median ${r.evaluateMs.median.toFixed(2)} ms, p95 ${r.evaluateMs.p95.toFixed(2)}, max ${r.evaluateMs.max.toFixed(2)} over ${r.evaluateMs.count} answers   (budget 5 ms)`);
    const cols = r.baseline ? [['this', r], ['baseline', r.baseline]] : [['', r]];
    console.log(`fresh visits, medians (ms after navigation start; durations for the last two)${r.baseline ? ', this page and the baseline, visits alternating' : ''}:`);
    if (r.baseline) console.log(`  ${''.padEnd(22)}${cols.map(([n]) => n.padStart(10)).join('')}`);
    for (const k of [...FIGURES, 'first result (repeat visit)']) {
      const val = (x) => (k === 'first result (repeat visit)' ? x.repeatVisitMs.median : x.breakdown[k]);
      console.log(`  ${k.padEnd(22)}${cols.map(([, x]) => val(x).toFixed(0).padStart(10)).join('')}`);
    }
    if (r.baseline) {
      const d = r.pairedDifferenceMs;
      console.log(`  this minus baseline, median of the ${runs} pairs: first result ${d.firstResult.toFixed(0)} ms, painted ${d.resultPainted.toFixed(0)} ms, repeat visit ${d.repeat.toFixed(0)} ms`);
      console.log(`  baseline transfer: ${kb(r.baseline.transfer.total)}`);
      console.log(`  first result, every visit: this ${r.visits.map((v) => v.firstResult.toFixed(0)).join(' ')}`);
      console.log(`                         baseline ${r.baseline.visits.map((v) => v.firstResult.toFixed(0)).join(' ')}`);
    }
  }
}
