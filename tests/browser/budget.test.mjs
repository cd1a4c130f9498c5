// The page's size budget, checked on every run: the compressed transfer of a
// first visit (HTML, CSS, JS, wasm) stays within 400 KB. The timings
// (first result, evaluate after an answer) are measured and printed too; they
// depend on the machine, so they are reported (docs/web-form.md) rather than
// asserted here.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { measure } from '../../scripts/measure-web.mjs';

test('compressed transfer of the page is at most 400 KB', async (t) => {
  const r = await measure({ runs: 3, pkg: process.env.HUIMIN_PKG_DIR });
  const kb = (n) => (n / 1024).toFixed(1);
  t.diagnostic(`transfer: ${kb(r.transfer.total)} KB (html ${kb(r.transfer.html)}, js ${kb(r.transfer.js)}, css ${kb(r.transfer.css)}, wasm ${kb(r.transfer.wasm)}, other ${kb(r.transfer.other)})`);
  t.diagnostic(`first result after navigation: median ${r.firstResultMs.median.toFixed(0)} ms over ${r.firstResultMs.runs} cold visits (painted ${r.resultPaintedMs.median.toFixed(0)} ms; Engine.withDefaultPacks ${r.breakdown.withDefaultPacks.toFixed(0)} ms of it)`);
  t.diagnostic(`evaluate after an answer: median ${r.evaluateMs.median.toFixed(2)} ms, p95 ${r.evaluateMs.p95.toFixed(2)} ms`);
  for (const f of r.transfer.files) {
    if (/\.(js|css|wasm|svg)$|\/$/.test(f.url)) assert.match(f.encoding, /^(br|gzip)$/, `${f.url} is compressed`);
  }
  assert.ok(r.transfer.wasm > 0 && r.transfer.js > 0, 'the wasm and the scripts were counted');
  assert.ok(r.transfer.total <= 400 * 1024, `transfer ${kb(r.transfer.total)} KB > 400 KB`);
  assert.ok(r.evaluateMs.count >= 10, 'answers were timed');
});
