// Benchmarks the `huimin` package against the native command line (not a
// test): single `evaluate` latency (p50/p99, explanations on and off),
// `evaluateBatch` throughput beside `huimin batch` on the same seeded cases in
// the same run, and the size of the optimised .wasm files.
//
//   npm run build && cargo build --release
//   node benches/node-bench.mjs [--count 100000] [--seed 1] [--repeat 1] [--json]
//
// Throughput is the best of --repeat runs, in wall-clock time and in CPU time
// (user + system: steadier on a shared machine). `huimin batch` uses every
// core it may (one thread each); the package runs on one thread, so the table
// also shows `huimin batch` pinned to one core (taskset), when taskset exists.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { Engine } from '../pkg/node.js';
import { randomCases } from '../examples/node/households.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '100000' },
    seed: { type: 'string', default: '1' },
    repeat: { type: 'string', default: '1' },
    json: { type: 'boolean', default: false },
  },
});
const count = Number(values.count);
const repeat = Math.max(1, Number(values.repeat));
const log = (s) => process.stderr.write(`${s}\n`);

// ---- inputs ------------------------------------------------------------------
log(`generating ${count} cases (seed ${values.seed}) …`);
const cases = randomCases(Number(values.seed), count);
const lines = cases.map((c) => JSON.stringify(c));
const tmp = mkdtempSync(path.join(tmpdir(), 'huimin-bench-'));
const input = path.join(tmp, 'cases.jsonl');
writeFileSync(input, lines.join('\n') + '\n');

// ---- sizes -------------------------------------------------------------------
const sizes = {};
for (const build of ['web', 'node']) {
  const bytes = readFileSync(path.join(REPO, `pkg/huimin_${build}_bg.wasm`));
  sizes[build] = { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}

// ---- engine load ---------------------------------------------------------------
let t = performance.now();
const engine = Engine.withDefaultPacks();
const firstLoadMs = performance.now() - t;
t = performance.now();
Engine.withDefaultPacks().free();
const loadMs = performance.now() - t;

// ---- latency -------------------------------------------------------------------
function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
function latency(explain) {
  const sample = cases.slice(0, Math.min(3000, cases.length));
  for (const c of sample.slice(0, 300)) engine.evaluate(c, { explain }); // warm up
  const times = [];
  for (const c of sample) {
    const t0 = performance.now();
    engine.evaluate(c, { explain });
    times.push((performance.now() - t0) * 1000);
  }
  times.sort((a, b) => a - b);
  return { n: times.length, p50_us: percentile(times, 50), p99_us: percentile(times, 99) };
}
log('single evaluate latency …');
const latencyOff = latency(false);
const latencyOn = latency(true);

// ---- throughput ----------------------------------------------------------------
const CHUNK = 1000; // lines per evaluateBatch call: one 100 000-line string would be ~600 MB
/** CPU seconds used so far by finished child processes (Linux), or null. */
function childrenCpu() {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    // cutime and cstime, fields 16 and 17 of stat(5), in clock ticks (100 per second on Linux)
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return null;
  }
}
function wasmBatch() {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let outLength = 0;
  for (let i = 0; i < lines.length; i += CHUNK) {
    outLength += engine.evaluateBatch(lines.slice(i, i + CHUNK).join('\n') + '\n').length;
  }
  if (outLength === 0) throw new Error('evaluateBatch returned nothing');
  const seconds = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  return { seconds, cpu: (c.user + c.system) / 1e6 };
}
function nativeBatch(pinned) {
  const bin = path.join(process.env.CARGO_TARGET_DIR ? path.resolve(REPO, process.env.CARGO_TARGET_DIR) : path.join(REPO, 'target'), 'release/huimin');
  const args = ['batch', input, '--quiet', '-o', path.join(tmp, 'native.jsonl'), '--rules', path.join(REPO, 'rules')];
  const c0 = childrenCpu();
  const t0 = performance.now();
  const r = pinned ? spawnSync('taskset', ['-c', '0', bin, ...args]) : spawnSync(bin, args);
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`huimin batch failed: ${r.stderr}`);
  const c1 = childrenCpu();
  return { seconds, cpu: c0 === null || c1 === null ? null : c1 - c0 };
}
const best = (f) => {
  let b;
  for (let i = 0; i < repeat; i++) {
    const r = f();
    b = b ? { seconds: Math.min(b.seconds, r.seconds), cpu: r.cpu === null ? null : Math.min(b.cpu, r.cpu) } : r;
  }
  return b;
};
const hasTaskset = spawnSync('taskset', ['-c', '0', 'true']).status === 0;
log(`evaluateBatch, ${count} cases …`);
const wasm = best(wasmBatch);
log(`huimin batch (all cores), ${count} cases …`);
const native = best(() => nativeBatch(false));
log(`huimin batch (one core), ${count} cases …`);
const native1 = hasTaskset ? best(() => nativeBatch(true)) : null;
rmSync(tmp, { recursive: true, force: true });

const rate = (r) => (r ? count / r.seconds : null);
const cpuRate = (r) => (r && r.cpu ? count / r.cpu : null);
const result = {
  cases: count,
  seed: Number(values.seed),
  cores: availableParallelism(),
  node: process.version,
  wasm_size: sizes,
  engine_load_ms: { first: firstLoadMs, warm: loadMs },
  evaluate_latency_us: { explain_off: latencyOff, explain_on: latencyOn },
  throughput_cases_per_s: {
    wasm_evaluateBatch: rate(wasm),
    native_batch_all_cores: rate(native),
    native_batch_one_core: rate(native1),
  },
  throughput_cases_per_cpu_s: {
    wasm_evaluateBatch: cpuRate(wasm),
    native_batch_all_cores: cpuRate(native),
    native_batch_one_core: cpuRate(native1),
  },
  load_average: loadavg(),
  ratio_wasm_to_native: rate(wasm) / rate(native),
  ratio_wasm_to_native_one_core: native1 ? rate(wasm) / rate(native1) : null,
};

if (values.json) {
  console.log(JSON.stringify(result, null, 2));
} else {
  const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
  const f = (n) => (n == null ? '-' : Math.round(n).toLocaleString('en'));
  console.log(`huimin package benchmark: ${count} cases, seed ${result.seed}, ${result.cores} cores, Node ${process.version}`);
  console.log('');
  console.log(`wasm size (browser, -Oz)  ${kb(sizes.web.raw)} raw, ${kb(sizes.web.gzip)} gzip -9`);
  console.log(`wasm size (Node, -O3)     ${kb(sizes.node.raw)} raw, ${kb(sizes.node.gzip)} gzip -9`);
  console.log(`Engine.withDefaultPacks   ${firstLoadMs.toFixed(0)} ms first, ${loadMs.toFixed(0)} ms after`);
  console.log('');
  console.log('evaluate latency          p50        p99');
  console.log(`  explain off             ${latencyOff.p50_us.toFixed(0).padStart(5)} µs  ${latencyOff.p99_us.toFixed(0).padStart(6)} µs`);
  console.log(`  explain on              ${latencyOn.p50_us.toFixed(0).padStart(5)} µs  ${latencyOn.p99_us.toFixed(0).padStart(6)} µs`);
  console.log('');
  const row = (name, r) =>
    console.log(`  ${name.padEnd(32)}${f(rate(r)).padStart(9)} ${r.seconds.toFixed(2).padStart(9)} ${f(cpuRate(r)).padStart(12)} ${r.cpu == null ? '-' : r.cpu.toFixed(2).padStart(9)}`);
  console.log('throughput (explanations off)     cases/s   seconds  cases/cpu-s   cpu-s');
  row('wasm evaluateBatch (1 thread)', wasm);
  row(`huimin batch (${result.cores} cores)`, native);
  if (native1) row('huimin batch (1 core, taskset)', native1);
  console.log('');
  console.log(`wasm / native throughput: ${result.ratio_wasm_to_native.toFixed(2)} (all cores)${native1 ? `, ${result.ratio_wasm_to_native_one_core.toFixed(2)} (one core)` : ''}`);
  if (cpuRate(wasm) && cpuRate(native1)) console.log(`wasm / native work per CPU-second: ${(cpuRate(wasm) / cpuRate(native1)).toFixed(2)}`);
  console.log(`load average during the run: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
}
