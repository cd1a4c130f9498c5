// The TypeScript declarations (pkg/huimin.d.ts) type-check a program that
// uses the whole API, resolved through the package's `exports` for both
// `import` and `require`.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { PKG, REPO } from './support.mjs';

test('the type declarations check with tsc --strict', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'huimin-types-'));
  try {
    cpSync(path.join(REPO, 'tests/node/types'), dir, { recursive: true });
    mkdirSync(path.join(dir, 'node_modules'));
    symlinkSync(PKG, path.join(dir, 'node_modules/huimin'), 'dir');
    const tsc = path.join(REPO, 'node_modules/typescript/bin/tsc');
    const r = spawnSync(process.execPath, [tsc, '-p', dir], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stdout + r.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
