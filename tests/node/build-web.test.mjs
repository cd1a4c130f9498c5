// scripts/build-web.mjs: the page that is served, bundled from www/ and pkg/.
// (The browser tests run the page it builds; these check its shape and its
// errors.)

import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { buildWeb, rewriteHead } from '../../scripts/build-web.mjs';
import { PKG, REPO } from './support.mjs';

const tmp = mkdtempSync(path.join(tmpdir(), 'huimin-build-web-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** A copy of www/ in the temporary folder, changed by `edit(dir)`. */
function wwwCopy(name, edit) {
  const dir = path.join(tmp, name);
  cpSync(path.join(REPO, 'www'), dir, { recursive: true });
  edit(dir);
  return dir;
}

describe('build-web', () => {
  test('the shipped page: two bundles, no preload of a bundled module, every file the head names is there', async () => {
    const out = path.join(tmp, 'page');
    const r = await buildWeb({ out });
    assert.equal(r.out, out);
    assert.deepEqual(readdirSync(path.join(out, 'js')).sort(), ['engine.js', 'engine.js.map', 'main.js', 'main.js.map']);
    assert.deepEqual(readdirSync(out).sort(), readdirSync(path.join(REPO, 'www')).sort());
    const html = readFileSync(path.join(out, 'index.html'), 'utf8');
    const preloads = [...html.matchAll(/<link rel="modulepreload" href="([^"]+)">/g)].map((m) => m[1]);
    assert.deepEqual(preloads, ['js/main.js']);
    assert.match(html, /<link rel="preload" href="pkg\/huimin_web_bg\.wasm" as="fetch" type="application\/wasm" crossorigin>/);
    assert.match(html, /<script type="module" async fetchpriority="high" src="js\/engine\.js"><\/script>/);
    // the rest of the page is the source's
    const source = readFileSync(path.join(REPO, 'www', 'index.html'), 'utf8');
    assert.equal(html, source.replace(/^<link rel="modulepreload" href="(?!js\/main\.js)[^"]+">\n/gm, ''));
    assert.ok(source.includes('<link rel="modulepreload" href="js/i18n.js">'), 'the source preloads its modules');
    for (const href of [...html.matchAll(/<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"/g)].map((m) => m[1])) {
      const file = href.startsWith('pkg/') ? path.join(PKG, href.slice(4)) : path.join(out, href);
      assert.doesNotThrow(() => readFileSync(file), `${href} is named by the head`);
    }
  });

  test('the engine bundle holds the package glue; the page bundle imports it and holds no copy', async () => {
    const out = path.join(tmp, 'page');
    const engine = readFileSync(path.join(out, 'js', 'engine.js'), 'utf8');
    const main = readFileSync(path.join(out, 'js', 'main.js'), 'utf8');
    assert.doesNotMatch(engine, /\bfrom\s*["']/, 'engine.js imports nothing');
    assert.match(engine, /huimin_web_bg\.wasm/);
    assert.match(engine, /withDefaultPacks/);
    assert.match(main, /from\s*"\.\/engine\.js"/);
    assert.doesNotMatch(main, /huimin_web_bg\.wasm|withDefaultPacks/);
    assert.match(main, /sourceMappingURL=main\.js\.map/);
    const map = JSON.parse(readFileSync(path.join(out, 'js', 'main.js.map'), 'utf8'));
    assert.ok(map.sources.some((s) => s.endsWith('www/js/applicant.js')), map.sources.join(', '));
  });

  test('rewriteHead drops only the preloads of modules that are not built', () => {
    const html = '<head>\n<link rel="modulepreload" href="js/a.js">\n  <link rel="modulepreload" href="js/b.js">\n<link rel="stylesheet" href="css/x.css">\n</head>\n';
    assert.equal(rewriteHead(html, (h) => h === 'js/a.js'), '<head>\n<link rel="modulepreload" href="js/a.js">\n<link rel="stylesheet" href="css/x.css">\n</head>\n');
  });

  test('a head naming a file that is not built fails, naming it', async () => {
    const www = wwwCopy('missing-file', (dir) => {
      const p = path.join(dir, 'index.html');
      writeFileSync(p, readFileSync(p, 'utf8').replace('</head>', '<script type="module" src="js/extra.js"></script>\n</head>'));
    });
    await assert.rejects(buildWeb({ www, out: path.join(tmp, 'out-missing') }), /index\.html names files that are not built: js\/extra\.js/);
  });

  test('an import that resolves to nothing fails, naming the module', async () => {
    const www = wwwCopy('bad-import', (dir) => {
      const p = path.join(dir, 'js', 'render.js');
      writeFileSync(p, `import { nothing } from './no-such-module.js';\n${readFileSync(p, 'utf8')}`);
    });
    await assert.rejects(buildWeb({ www, out: path.join(tmp, 'out-bad') }), (e) => /no-such-module\.js/.test(e.message) && /render\.js/.test(e.message));
  });

  test('a package folder without the browser build fails with what to run', async () => {
    await assert.rejects(buildWeb({ pkg: path.join(tmp, 'no-pkg'), out: path.join(tmp, 'out-nopkg') }), /pkg\/web\.js is missing: run `bash scripts\/build-wasm\.sh` first/);
  });
});
