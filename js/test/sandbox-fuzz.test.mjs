// Regression tests for what js/fuzz/sandbox.fuzz.mjs found: inputs that made
// the sandbox's package readers throw TypeError/RangeError instead of a
// SandboxError naming the problem. Plus a short, fixed-seed fuzz run.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { parseCreateFunctions, loadPackage, SandboxError } from '../bq-sandbox.mjs';

const rejects = (fn, pattern) => assert.throws(fn, (e) => e instanceof SandboxError && pattern.test(e.message));

test('an escape beyond U+10FFFF is a SandboxError, not a RangeError', () => {
  for (const escape of ['\\UFFFFFFFF', '\\U00110000']) {
    rejects(() => parseCreateFunctions(`CREATE FUNCTION f() RETURNS STRING LANGUAGE js AS "${escape}";`), /beyond U\+10FFFF/);
  }
  const [fn] = parseCreateFunctions('CREATE FUNCTION f() RETURNS STRING LANGUAGE js AS "\\U0010FFFF";');
  assert.equal(fn.body, '\u{10FFFF}');
});

test('a manifest of the wrong shape is a SandboxError naming the field', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-fuzz-test-'));
  const file = path.join(dir, 'manifest.json');
  const fn = { name: 'f', arguments: [{ name: 'x', type: 'STRING' }], returns: 'STRING', libraries: [], body: 'return x;' };
  const manifest = (extra) => JSON.stringify({ format: 'jatopic-package/1', functions: [fn], ...extra });
  const cases = [
    ['null', /must hold a JSON object/],
    ['[1]', /must hold a JSON object/],
    [manifest({ gcs_prefix: 7 }), /"gcs_prefix" must be a string/],
    [manifest({ files: {} }), /"files" must be an array/],
    [manifest({ files: [null] }), /"files" must be an array/],
    [manifest({ functions: [null] }), /functions\[0\]: needs name/],
    [manifest({ functions: [{ ...fn, libraries: [3] }] }), /"libraries" must be an array of strings/],
    [manifest({ functions: [{ ...fn, sql_name: {} }] }), /"sql_name" must be a string/],
    [manifest({ functions: [{ ...fn, arguments: [null] }] }), /arguments\[0\] needs a string name and type/],
    [manifest({ functions: [{ ...fn, arguments: [{ name: 'x', type: 5 }] }] }), /arguments\[0\] needs a string name and type/],
  ];
  try {
    for (const [text, pattern] of cases) {
      fs.writeFileSync(file, text);
      rejects(() => loadPackage(file), pattern);
    }
    // A library URI naming the package directory itself: EISDIR before.
    fs.writeFileSync(file, manifest({ gcs_prefix: 'gs://b/p', functions: [{ ...fn, libraries: ['gs://b/p/'] }] }));
    rejects(() => loadPackage(file), /not a file/);
    fs.writeFileSync(file, manifest({ gcs_prefix: 'gs://b/p', files: [] }));
    assert.equal(loadPackage(file).functions[0].name, 'f');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a short fixed-seed fuzz run finds nothing', () => {
  const script = new URL('../fuzz/sandbox.fuzz.mjs', import.meta.url).pathname;
  const r = spawnSync(process.execPath, [script, '--runs', '3000', '--seed', '7'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /3000 executions/);
});
