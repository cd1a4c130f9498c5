// Loads the `huimin` package's browser ES module and its WebAssembly (both
// served from this origin under /pkg/) and returns an engine holding the
// shipped rule packs.

import init, { Engine } from '../pkg/web.js';

/** @returns {Promise<any>} an Engine */
export async function loadEngine() {
  await init();
  performance.mark('huimin:wasm-ready');
  return Engine.withDefaultPacks();
}
