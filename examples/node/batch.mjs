// Evaluates a JSON-lines file of cases with the `huimin` package, with a
// progress bar on stderr. The output is exactly what `huimin batch` writes:
// one line per input line, `{"ok":true,"value":…}` or `{"ok":false,"errors":…}`.
//
//   node examples/node/batch.mjs cases.jsonl -o results.jsonl [--lang en] [--as-of 2025-03-01] [--explain]
//
// Without -o the results go to standard output.

import { createWriteStream, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
// In your own project: import { Engine } from 'huimin';
import { Engine } from '../../pkg/node.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    output: { type: 'string', short: 'o' },
    lang: { type: 'string' },
    'as-of': { type: 'string' },
    explain: { type: 'boolean', default: false },
    quiet: { type: 'boolean', default: false },
  },
});
if (positionals.length !== 1) {
  console.error('usage: node examples/node/batch.mjs CASES.jsonl [-o OUT.jsonl] [--lang zh|en|ja] [--as-of YYYY-MM-DD] [--explain]');
  process.exit(2);
}

/** A one-line progress bar, redrawn in place on a terminal. */
function progressBar(total, stream = process.stderr) {
  const start = performance.now();
  const width = 30;
  let last = 0;
  const draw = (done, final = false) => {
    const now = performance.now();
    if (!final && now - last < 100) return;
    last = now;
    const seconds = (now - start) / 1000;
    const rate = done / Math.max(seconds, 1e-9);
    const filled = total ? Math.round((width * done) / total) : width;
    const eta = rate > 0 ? Math.ceil((total - done) / rate) : 0;
    const line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} cases, ${Math.round(rate)}/s, ${final ? `${seconds.toFixed(1)}s` : `${eta}s left`}`;
    if (stream.isTTY) stream.write(`\r${line}\x1b[K${final ? '\n' : ''}`);
    else if (final) stream.write(`${line}\n`);
  };
  return { update: (done) => draw(done), finish: (done) => draw(done, true) };
}

const engine = Engine.withDefaultPacks();
const options = { lang: values.lang, asOf: values['as-of'], explain: values.explain };

// The same lines `huimin batch` reads: split at \n, without a last empty line.
const lines = readFileSync(positionals[0], 'utf8').split('\n');
if (lines.at(-1) === '') lines.pop();

const out = values.output ? createWriteStream(values.output) : process.stdout;
const bar = values.quiet ? { update() {}, finish() {} } : progressBar(lines.length);
const CHUNK = 500; // cases per call: small enough for a lively bar, large enough to cost nothing
let failed = 0;
for (let i = 0; i < lines.length; i += CHUNK) {
  const results = engine.evaluateBatch(lines.slice(i, i + CHUNK).join('\n'), options);
  failed += (results.match(/^\{"ok":false/gm) ?? []).length;
  if (!out.write(results)) await new Promise((resolve) => out.once('drain', resolve));
  bar.update(Math.min(i + CHUNK, lines.length));
}
bar.finish(lines.length);
if (out !== process.stdout) await new Promise((resolve) => out.end(resolve));
console.error(`${lines.length} cases, ${failed} with errors`);
