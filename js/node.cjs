'use strict';
// Node entry for `require('huimin')`. The wasm-bindgen glue (huimin_node.cjs)
// reads huimin_node_bg.wasm synchronously with fs and instantiates it on
// load, so the engine is ready as soon as this module is.
const glue = require('./huimin_node.cjs');

/** Nothing to wait for in Node; kept so code shared with the browser can `await init()`. */
function init() {
  return Promise.resolve();
}

/** Nothing to do in Node; see `init`. */
function initSync() {}

module.exports = { Engine: glue.Engine, init, initSync, default: init };
