// The engine that js/start.js started loading (see there): main.js awaits it.

/** @returns {Promise<any>} the Engine (the same one for every caller) */
export function loadEngine() {
  const engine = window.huiminEngine;
  if (!engine) return Promise.reject(new Error('js/start.js did not run (it starts the engine)'));
  return engine;
}
