// The CommonJS view of the same declarations (require).
import huimin = require('huimin');

const engine: huimin.Engine = huimin.Engine.withDefaultPacks();
const r: huimin.Envelope<huimin.Result> = engine.evaluate('{}');
console.log(r.ok ? r.value.as_of : r.errors.map((e: huimin.Diagnostic) => e.code));
