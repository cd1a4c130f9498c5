// scripts/build-web.mjs: the page that is served, bundled from www/ and pkg/.
// (The browser tests run the page it builds; these check its shape and its
// errors.)

import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { START_TAG, START_TAG_BUILT, buildWeb, rewriteHead } from '../../scripts/build-web.mjs';
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
  test('the shipped page: two bundles, the start script classic, no preload of a bundled module, every file the head names is there', async () => {
    const out = path.join(tmp, 'page');
    const r = await buildWeb({ out });
    assert.equal(r.out, out);
    assert.deepEqual(readdirSync(path.join(out, 'js')).sort(), ['main.js', 'main.js.map', 'start.js', 'start.js.map']);
    assert.deepEqual(readdirSync(out).sort(), readdirSync(path.join(REPO, 'www')).sort());
    const html = readFileSync(path.join(out, 'index.html'), 'utf8');
    const preloads = [...html.matchAll(/<link rel="modulepreload" href="([^"]+)">/g)].map((m) => m[1]);
    assert.deepEqual(preloads, ['js/main.js']);
    assert.match(html, /<link rel="preload" href="pkg\/huimin_web_bg\.wasm" as="fetch" type="application\/wasm" crossorigin>/);
    // classic, parser-blocking, right after the wasm's preload
    assert.match(html, /<link rel="preload" href="pkg\/huimin_web_bg\.wasm"[^>]*>\n<script src="js\/start\.js"><\/script>\n/);
    // the rest of the page is the source's
    const source = readFileSync(path.join(REPO, 'www', 'index.html'), 'utf8');
    assert.ok(source.includes('<script type="module" src="js/start.js"></script>'));
    assert.equal(html, source.replace(/^<link rel="modulepreload" href="(?!js\/main\.js)[^"]+">\n/gm, '').replace(START_TAG, START_TAG_BUILT));
    assert.ok(source.includes('<link rel="modulepreload" href="js/i18n.js">'), 'the source preloads its modules');
    for (const href of [...html.matchAll(/<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"/g)].map((m) => m[1])) {
      const file = href.startsWith('pkg/') ? path.join(PKG, href.slice(4)) : path.join(out, href);
      assert.doesNotThrow(() => readFileSync(file), `${href} is named by the head`);
    }
  });

  test('the start script holds the package glue and no import; the page bundle holds no copy of the glue', async () => {
    const out = path.join(tmp, 'page');
    const start = readFileSync(path.join(out, 'js', 'start.js'), 'utf8');
    const main = readFileSync(path.join(out, 'js', 'main.js'), 'utf8');
    assert.match(start, /^\(\(\)=>\{/, 'an IIFE: a classic script');
    assert.doesNotMatch(start, /\bimport\b|\bexport\b/);
    assert.match(start, /huimin_web_bg\.wasm/);
    assert.match(start, /withDefaultPacks/);
    assert.match(start, /huiminEngine/);
    assert.doesNotMatch(main, /\bfrom\s*["']|huimin_web_bg\.wasm|withDefaultPacks|__wbindgen/);
    assert.match(main, /huiminEngine/);
    assert.match(main, /sourceMappingURL=main\.js\.map/);
    const map = JSON.parse(readFileSync(path.join(out, 'js', 'main.js.map'), 'utf8'));
    assert.ok(map.sources.some((s) => s.endsWith('www/js/applicant.js')), map.sources.join(', '));
  });

  test('rewriteHead drops only the preloads of modules that are not built, and wants the start script once', () => {
    const html = `<head>\n${START_TAG}\n<link rel="modulepreload" href="js/a.js">\n  <link rel="modulepreload" href="js/b.js">\n<link rel="stylesheet" href="css/x.css">\n</head>\n`;
    assert.equal(rewriteHead(html, (h) => h === 'js/a.js'), `<head>\n${START_TAG_BUILT}\n<link rel="modulepreload" href="js/a.js">\n<link rel="stylesheet" href="css/x.css">\n</head>\n`);
    assert.throws(() => rewriteHead('<head></head>', () => true), /must hold `<script type="module" src="js\/start\.js"><\/script>` once \(found 0\)/);
    assert.throws(() => rewriteHead(`${START_TAG}${START_TAG}`, () => true), /found 2/);
  });

  test('a page module that imports the package fails the build (a second engine)', async () => {
    const www = wwwCopy('second-engine', (dir) => {
      const p = path.join(dir, 'js', 'render.js');
      writeFileSync(p, `import init from '../pkg/web.js';\nglobalThis.init2 = init;\n${readFileSync(p, 'utf8')}`);
    });
    await assert.rejects(buildWeb({ www, out: path.join(tmp, 'out-second') }), /js\/main\.js holds a copy of the package/);
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
