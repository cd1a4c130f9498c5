// Runs the rule packs' own test cases through the `huimin` package and prints
// `N passed, N failed`, like `huimin test`.
//
//   node examples/node/run-tests.mjs              # the packs shipped in the package
//   node examples/node/run-tests.mjs --rules DIR  # the *.toml packs of a folder
//
// Exits 1 when a test fails, 2 when the packs do not compile.

import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
// In your own project: import { Engine } from 'huimin';
import { Engine } from '../../pkg/node.js';

const { values } = parseArgs({ options: { rules: { type: 'string' } } });

let engine;
if (values.rules) {
  const files = {};
  for (const name of readdirSync(values.rules).filter((n) => n.endsWith('.toml'))) {
    files[name] = readFileSync(path.join(values.rules, name), 'utf8');
  }
  const loaded = Engine.fromPacks(files);
  if (!loaded.ok) {
    for (const d of loaded.errors) {
      const where = d.span ? `${d.file}:${d.span.line}:${d.span.column}` : (d.file ?? '');
      console.error(`error[${d.code}]: ${d.message}${where ? `\n  --> ${where}` : ''}${d.help ? `\n  help: ${d.help}` : ''}`);
    }
    process.exit(2);
  }
  engine = loaded.value;
} else {
  engine = Engine.withDefaultPacks();
}

const report = engine.runTests();
for (const t of report.tests.filter((t) => !t.passed)) {
  console.log(`FAIL ${t.pack} :: ${t.name}`);
  for (const f of t.failures) console.log(`     ${f}`);
}
console.log(`${report.passed} passed, ${report.failed} failed`);
process.exitCode = report.failed === 0 ? 0 : 1;
