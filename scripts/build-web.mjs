// Builds the page that is served (target/www/, git-ignored) from www/ and the
// built package pkg/:
//  - js/start.js: www/js/start.js with the package's two browser modules
//    (pkg/web.js, pkg/huimin_web.js) bundled in, as a classic script (it
//    starts the engine and leaves it on `window.huiminEngine`);
//  - js/main.js: www/js/main.js with the page's other modules bundled in (an
//    ES module; it holds no copy of the package, which would be a second
//    engine);
//  - a source map beside each (.map, for developer tools);
//  - index.html, css/, favicon.svg as they are, but for the head: start.js
//    run as a classic script, parser-blocking (so that it starts compiling
//    the wasm before the page's first layout), and no `modulepreload` links
//    to modules now inside a bundle.
// The wasm stays in pkg/ (served at /pkg/). Fourteen modules became two: in
// headless Chromium on the 2-core development machine, each request and
// module costs the browser time that the first result waits for (see
// docs/web-form.md, Loading, with the figures). The sources in www/ still run
// as they are (`HUIMIN_WWW=www node scripts/serve.mjs`), for working on the
// page without a build.
//
//   node scripts/build-web.mjs [--out DIR]      (npm run build runs it)
//
// Fails with what is wrong when pkg/ is not built, an import resolves to
// nothing, main.js would hold a copy of the package, or the head names a
// file that neither the output nor pkg/ has.

import { build } from 'esbuild';
import { cp, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const WWW = path.join(REPO, 'www');
const PKG = path.join(REPO, 'pkg');

/** The page's imports of `../pkg/…` (served at /pkg/) read from pkg/. */
const pkgFolder = (pkg) => ({
  name: 'pkg-folder',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/pkg\// }, (args) => ({ path: path.join(pkg, args.path.slice('../pkg/'.length)) }));
  },
});

const COMMON = {
  bundle: true,
  format: 'esm',
  target: 'es2022',
  charset: 'utf8', // the page's Chinese and Japanese as they are, not \u escapes
  legalComments: 'none',
  absWorkingDir: REPO, // the metafile's paths are relative to it
  logLevel: 'warning',
  write: false,
  // Minified (5 KB less on the wire; first result 12 ms and paint 24 ms
  // earlier, medians of 15 paired fresh visits), with a source map beside
  // each bundle that only developer tools ask for.
  minify: true,
  sourcemap: 'linked',
};

/** The head's start script, as written in www/ and as built. */
export const START_TAG = '<script type="module" src="js/start.js"></script>';
export const START_TAG_BUILT = '<script src="js/start.js"></script>';

/** Drops the head's `modulepreload` links to modules that `has` not (those
 *  bundled into another) and makes the start script a classic one. */
export function rewriteHead(html, has) {
  const n = html.split(START_TAG).length - 1;
  if (n !== 1) throw new Error(`build-web: index.html must hold \`${START_TAG}\` once (found ${n})`);
  return html
    .replace(START_TAG, START_TAG_BUILT)
    .replace(/^[ \t]*<link rel="modulepreload" href="([^"]+)">\r?\n/gm, (line, href) => (has(href) ? line : ''));
}

/** The files the page's head names (scripts, links). */
function headRefs(html) {
  return [...html.matchAll(/<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
}

/**
 * @param {{out?: string, www?: string, pkg?: string}} [opts] folders (default
 *   target/www/, www/, pkg/)
 * @returns {Promise<{out: string, files: {name: string, bytes: number}[]}>}
 */
export async function buildWeb({ out = path.join(REPO, 'target', 'www'), www = WWW, pkg = PKG } = {}) {
  for (const f of ['web.js', 'huimin_web.js', 'huimin_web_bg.wasm']) {
    if (!existsSync(path.join(pkg, f))) throw new Error(`build-web: pkg/${f} is missing: run \`bash scripts/build-wasm.sh\` first`);
  }
  const bundles = [
    // (the glue's default address of the wasm, beside the glue by
    // `import.meta.url`, is not used: start.js gives the address)
    ['js/start.js', { entryPoints: [path.join(www, 'js', 'start.js')], format: 'iife', logOverride: { 'empty-import-meta': 'silent' } }],
    ['js/main.js', { entryPoints: [path.join(www, 'js', 'main.js')] }],
  ];
  const built = [];
  const metas = [];
  for (const [name, opts] of bundles) {
    const r = await build({ ...COMMON, ...opts, plugins: [pkgFolder(pkg)], outfile: path.join(out, name), metafile: true });
    for (const f of r.outputFiles) built.push([path.relative(out, f.path).split(path.sep).join('/'), f.contents]);
    metas.push(Object.entries(r.metafile.outputs).find(([k]) => k.endsWith('.js'))[1]);
  }
  const inPkg = (f) => path.resolve(REPO, f).startsWith(path.resolve(pkg) + path.sep);
  if (Object.keys(metas[1].inputs).some(inPkg)) {
    throw new Error('build-web: js/main.js holds a copy of the package (the page would load a second engine): only js/start.js may import ../pkg/');
  }
  if (!Object.keys(metas[0].inputs).some(inPkg)) throw new Error('build-web: js/start.js does not import the package');

  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  for (const e of await readdir(www, { withFileTypes: true })) {
    if (e.name === 'js' || e.name === 'index.html' || e.name === 'pkg') continue;
    await cp(path.join(www, e.name), path.join(out, e.name), { recursive: true });
  }
  await mkdir(path.join(out, 'js'), { recursive: true });
  for (const [name, bytes] of built) await writeFile(path.join(out, name), bytes);

  const inOut = (href) => existsSync(path.join(out, href));
  const has = (href) => inOut(href) || (href.startsWith('pkg/') && existsSync(path.join(pkg, href.slice(4))));
  const html = rewriteHead(await readFile(path.join(www, 'index.html'), 'utf8'), inOut);
  const missing = headRefs(html).filter((href) => !has(href));
  if (missing.length) throw new Error(`build-web: index.html names files that are not built: ${missing.join(', ')}`);
  await writeFile(path.join(out, 'index.html'), html);
  return { out, files: built.map(([name, bytes]) => ({ name, bytes: bytes.length })) };
}

// Run as a script (not imported): compared as paths, since the URL
// percent-encodes what the path has as it is (a space, say).
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--out');
  try {
    const r = await buildWeb(i > 0 ? { out: path.resolve(process.argv[i + 1]) } : {});
    const rel = path.relative(process.cwd(), r.out) || '.';
    console.log(`==> ${rel}/: ${r.files.map((f) => `${f.name} ${f.bytes} bytes`).join(', ')}`);
  } catch (e) {
    console.error(e.message ?? e);
    process.exit(1);
  }
}
