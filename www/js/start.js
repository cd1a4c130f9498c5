// Starts loading the engine: fetches and instantiates the `huimin` package's
// WebAssembly (served from this origin under /pkg/) and builds the engine
// holding the shipped rule packs. The promise is left on `window.huiminEngine`
// for main.js.
//
// The page's head runs this first. Built (scripts/build-web.mjs), it is a
// classic script bundled with the package's browser modules, which blocks the
// parser only while it is fetched: it then runs before the page's first style
// and layout, so that the wasm is compiled on other threads while the page's
// thread lays the page out (an `async` module ran after the first paint,
// 70-120 ms later). In www/ as it is, it is a module listed before main.js, so
// it runs before it.
//
// The wasm's address is the one the head preloads, resolved the same way
// (against the document), so that the download is the preload's.

import init, { Engine } from '../pkg/web.js';

const engine = (async () => {
  await init({ module_or_path: new URL('pkg/huimin_web_bg.wasm', document.baseURI) });
  performance.mark('huimin:wasm-ready');
  const e = Engine.withDefaultPacks();
  performance.mark('huimin:engine-ready');
  return e;
})();
// main.js reports a failure to load; this only keeps the browser from also
// logging the rejection as unhandled before main.js has awaited it.
engine.catch(() => {});
window.huiminEngine = engine;
