// Shared by the Node tests: where things are, the package loaded each way,
// the native command line, and the test cases of the packs and the bad-case
// corpus.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseToml } from 'smol-toml';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const PKG = path.join(REPO, 'pkg');
export const RULES = path.join(REPO, 'rules');
export const TOY = path.join(REPO, 'tests/toy');

if (!existsSync(path.join(PKG, 'package.json'))) {
  throw new Error('pkg/ is missing: run `npm run build` first');
}

const require = createRequire(import.meta.url);

/** The package through `require` (Node's CommonJS entry). */
export const viaRequire = require(PKG);

/** The package through `import` (Node's ES entry). */
export const viaImport = await import(PKG + '/node.js');

/** The browser build (pkg/web.js), instantiated from the .wasm bytes. */
export async function viaWeb() {
  const web = await import(PKG + '/web.js');
  web.initSync({ module: readFileSync(path.join(PKG, 'huimin_web_bg.wasm')) });
  return web;
}

let built = false;
/** The native `huimin` binary, built (or found up to date) once per process. */
export function huiminBinary() {
  if (!built) {
    execFileSync('cargo', ['build', '--release', '--quiet', '--bin', 'huimin'], { cwd: REPO, stdio: 'inherit' });
    built = true;
  }
  return path.join(process.env.CARGO_TARGET_DIR ? path.resolve(REPO, process.env.CARGO_TARGET_DIR) : path.join(REPO, 'target'), 'release/huimin');
}

/** Runs the native command line; returns stdout (the exit code is not checked). */
export function cli(args, { input } = {}) {
  const r = spawnSync(huiminBinary(), args, { cwd: REPO, input, encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.error) throw r.error;
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

/** `{ "name.toml": text }` of every pack in a folder. */
export function readPacks(dir) {
  const files = {};
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.toml')).sort()) {
    files[name] = readFileSync(path.join(dir, name), 'utf8');
  }
  return files;
}

/**
 * The packs' own test cases as case-file JSON text (with the test's
 * `as_of`), named `pack :: test`.
 */
export function packTestCases(dir) {
  const out = [];
  for (const [file, text] of Object.entries(readPacks(dir))) {
    const pack = parseToml(text);
    for (const t of pack.tests ?? []) {
      const c = { ...(t.case ?? {}) };
      if (t.as_of !== undefined) c.as_of = t.as_of;
      out.push({ name: `${pack.pack?.id ?? file} :: ${t.name}`, json: JSON.stringify(c) });
    }
  }
  return out;
}

/** The bad-case corpus (tests/bad_cases.toml): `{ name, json, as_of? }`, raw JSON text. */
export function badCases() {
  const file = path.join(REPO, 'tests/bad_cases.toml');
  if (!existsSync(file)) return [];
  return parseToml(readFileSync(file, 'utf8')).case.map((c) => ({ name: c.name, json: c.json, as_of: c.as_of }));
}
