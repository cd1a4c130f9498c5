// Browser entry (an ES module). Instantiate the WebAssembly once, then use
// `Engine` synchronously:
//
//   import init, { Engine } from 'huimin';
//   await init();                 // fetches huimin_web_bg.wasm beside this file
//   const engine = Engine.withDefaultPacks();
//
// `init({ module_or_path })` takes another URL, a Response or a compiled
// WebAssembly.Module; `initSync({ module })` takes bytes or a Module.
import wasmInit, { initSync as wasmInitSync, Engine } from './huimin_web.js';

export async function init(options) {
  await wasmInit(options);
}

export function initSync(options) {
  wasmInitSync(options);
}

export { Engine };
export default init;
