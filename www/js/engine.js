// Loads the `huimin` package's browser ES module and its WebAssembly (both
// served from this origin under /pkg/) and builds the engine holding the
// shipped rule packs.
//
// index.html runs this module on its own (`<script type="module" async>`),
// so that loading the engine does not wait for the page's other modules, as
// it would as an import of main.js; main.js imports the same module instance
// and awaits the same promise. Loading starts once, when the module is first
// evaluated.
//
// The wasm's address is given from this module's own: the glue's default
// (beside the glue) would not hold once the glue is bundled into this file
// (scripts/build-web.mjs).

import init, { Engine } from '../pkg/web.js';

const engine = (async () => {
  await init({ module_or_path: new URL('../pkg/huimin_web_bg.wasm', import.meta.url) });
  performance.mark('huimin:wasm-ready');
  const e = Engine.withDefaultPacks();
  performance.mark('huimin:engine-ready');
  return e;
})();
// main.js reports a failure to load; this only keeps the browser from also
// logging the rejection as unhandled before main.js has awaited it.
engine.catch(() => {});

/** @returns {Promise<any>} the Engine (the same one for every caller) */
export function loadEngine() {
  return engine;
}
