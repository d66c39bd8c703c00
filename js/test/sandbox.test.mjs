// Tests of js/bq-sandbox.mjs on small synthetic packages: BigQuery's limits,
// the bare worker context, argument/result encodings, crashes and the CLI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { spawnSync } from 'node:child_process';
import {
  loadPackage, parseCreateFunctions, parseType, formatType, SandboxError,
  MAX_LIBRARY_BYTES, MAX_INLINE_BODY_BYTES, MAX_RESOURCES, MAX_TOTAL_CODE_BYTES,
} from '../bq-sandbox.mjs';

const SCRIPT = new URL('../bq-sandbox.mjs', import.meta.url).pathname;
const PREFIX = 'gs://bkt/pkg';
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bq-sandbox-test-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));
let seq = 0;

// Writes a package: libs {file: source}; functions [{name, args: [[name, TYPE]], returns, libraries: [file], body,
// language ('js' by default; 'sql': body is the expression), temp}].
function makePackage(libs, functions, { hash = true } = {}) {
  const dir = path.join(tmp, `pkg${++seq}`);
  fs.mkdirSync(dir);
  const files = Object.entries(libs).map(([file, source]) => {
    fs.writeFileSync(path.join(dir, file), source);
    const sha256 = hash ? crypto.createHash('sha256').update(source).digest('hex') : undefined;
    return { path: file, bytes: Buffer.byteLength(source), sha256, uri: `${PREFIX}/${file}` };
  });
  const manifest = {
    format: 'jatopic-package/2', jatopic_version: '0.1.0', dataset: 'p.d', gcs_prefix: PREFIX, files,
    functions: functions.map((f) => ({
      name: f.name, sql_name: f.temp ? f.name : `\`p.d.${f.name}\``, temp: !!f.temp, language: f.language || 'js',
      arguments: (f.args || []).map(([name, type]) => ({ name, type })), returns: f.returns,
      libraries: (f.libraries || []).map((l) => `${PREFIX}/${l}`), body: f.body,
    })),
  };
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  return dir;
}

// One function `f` over the given libraries.
const single = (libs, fn, opts) => loadPackage(makePackage(libs, [{ name: 'f', libraries: Object.keys(libs), ...fn }]), opts);

const rejects = (fn, code, re) => assert.throws(fn, (e) => e instanceof SandboxError && e.code === code && re.test(e.message));
const rejectsAsync = (p, code, re) => assert.rejects(p, (e) => {
  assert.ok(e instanceof SandboxError, e.stack);
  assert.equal(e.code, code, e.message);
  assert.match(e.message, re);
  return true;
});

test('limits: library file, inline body, resources, total bytes', () => {
  assert.equal(MAX_LIBRARY_BYTES, 1_000_000);
  assert.equal(MAX_INLINE_BODY_BYTES, 32768);
  const big = `//${'x'.repeat(MAX_LIBRARY_BYTES - 2)}`;
  single({ 'ok.js': big }, { returns: 'INT64', body: 'return 1;' }, {});
  rejects(() => single({ 'big.js': `${big} ` }, { returns: 'INT64', body: 'return 1;' }), 'LIMIT', /big\.js is 1000001 bytes.*at most 1000000/);

  const body = `return 1;${' '.repeat(MAX_INLINE_BODY_BYTES - 9)}`;
  single({}, { returns: 'INT64', body });
  rejects(() => single({}, { returns: 'INT64', body: `${body}é` }), 'LIMIT', /inline JavaScript body is 32770 bytes.*library file/);

  const libs = Object.fromEntries(Array.from({ length: MAX_RESOURCES }, (_, i) => [`l${i}.js`, `var v${i} = ${i};`]));
  rejects(() => single(libs, { returns: 'INT64', body: 'return 1;' }), 'LIMIT', /51 code resources \(50 library files \+ 1 function bodies\).*at most 50/);
  delete libs['l49.js'];
  single(libs, { returns: 'INT64', body: 'return 1;' });

  const five = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`m${i}.js`, big]));
  rejects(() => single(five, { returns: 'INT64', body: 'return 1;' }, { hash: false }), 'LIMIT', /5000009 bytes of JavaScript.*at most 5000000/);
  assert.equal(MAX_TOTAL_CODE_BYTES, 5_000_000);
});

test('libraries run in a context without Node or Web globals', async () => {
  const names = ['require', 'process', 'module', 'Buffer', 'TextEncoder', 'TextDecoder', 'atob', 'btoa', 'fetch', 'crypto',
    'window', 'self', 'document', 'setTimeout', 'setInterval', 'queueMicrotask', 'structuredClone', 'console'];
  const lib = `var seen = {${names.map((n) => `${n}: typeof ${n}`).join(', ')}, wasm: typeof WebAssembly.Module};`;
  const w = single({ 'g.js': lib }, { returns: 'STRING', body: 'return JSON.stringify(seen) + Object.keys(globalThis).join();' }).createWorker();
  const out = await w.call('f', []);
  const seen = JSON.parse(out.slice(0, out.lastIndexOf('}') + 1));
  for (const n of names) assert.equal(seen[n], 'undefined', n);
  assert.equal(seen.wasm, 'function');
  assert.equal(out.slice(out.lastIndexOf('}') + 1), 'seen'); // nothing else visible on the global
});

test('libraries are evaluated once per worker, in declared order, shared between functions', async () => {
  const libs = {
    'a.js': 'var log = (typeof log === "undefined" ? [] : log); log.push("a");',
    'b.js': 'log.push("b");',
    'c.js': 'log.push("c");',
  };
  const pkg = loadPackage(makePackage(libs, [
    { name: 'f1', libraries: ['a.js', 'b.js'], returns: 'STRING', body: 'return log.join();' },
    { name: 'f2', libraries: ['a.js', 'c.js'], returns: 'ARRAY<STRING>', body: 'return log;' },
  ]));
  const w = pkg.createWorker();
  assert.deepEqual(await w.callMany('f1', [[], [], []]), ['a,b', 'a,b', 'a,b']);
  assert.deepEqual(await w.call('f2', []), ['a', 'b', 'c']);
  assert.equal(await w.call('f1', {}), 'a,b,c');
  assert.equal(w.stats().workersStarted, 1);
  // Another worker is another context.
  assert.deepEqual(await pkg.createWorker().call('f2', []), ['a', 'c']);
});

test('argument encodings: NULL as null, realm-native arrays and objects; INT64 reaches SQL functions only', async () => {
  const pkg = loadPackage(makePackage({}, [
    { name: 'kind_js', args: [['n', 'STRING'], ['x', 'FLOAT64'], ['b', 'BOOL'], ['s', 'STRING']], returns: 'STRING',
      body: 'return [n, x, b, s].map((v) => v === null ? "null" : typeof v + ":" + v).join(" ");' },
    { name: 'kind', language: 'sql', args: [['n', 'INT64'], ['x', 'FLOAT64'], ['b', 'BOOL'], ['s', 'STRING']], returns: 'STRING',
      body: '`p.d.kind_js`(CAST(n AS STRING), x, b, s)' },
    { name: 'shape', args: [['a', 'ARRAY<STRUCT<k STRING, n FLOAT64>>']], returns: 'STRING',
      body: 'return [a instanceof Array, a[0] instanceof Object, typeof a[0].n, a[1].k, Object.getPrototypeOf(a[0]) === Object.prototype].join();' },
  ]));
  const w = pkg.createWorker();
  assert.equal(await w.call('kind', [42, 1.5, true, 'é']), 'string:42 number:1.5 boolean:true string:é');
  // INT64 beyond 2^53 stays exact through CAST(... AS STRING).
  assert.equal(await w.call('kind', ['9007199254740993', 'NaN', false, '']), 'string:9007199254740993 number:NaN boolean:false string:');
  assert.equal(await w.call('kind', { n: null, x: null, b: null, s: null }), 'null null null null');
  assert.equal(await w.call('shape', [[{ k: 'x', n: 1 }, { n: 2 }]]), 'true,true,number,,true');
  await rejectsAsync(w.call('kind', [1, 1, true, 5]), 'TYPE', /^kind: argument s: expected STRING, got 5$/);
  await rejectsAsync(w.call('kind', [1.5, 1, true, '']), 'TYPE', /argument n: expected INT64, got 1.5/);
  await rejectsAsync(w.call('kind', ['1e3', 1, true, '']), 'TYPE', /argument n: expected INT64/);
  await rejectsAsync(w.call('kind_js', [1, 1, true, '']), 'TYPE', /argument n: expected STRING, got 1/);
  await rejectsAsync(w.call('kind', { n: 1, x: 1, b: true }), 'TYPE', /missing argument s/);
  await rejectsAsync(w.call('shape', [[{ k: 'x' }, null]]), 'TYPE', /argument a\[1\]: Array cannot have a null element/);
  await rejectsAsync(w.call('shape', [[{ k: 1 }]]), 'TYPE', /argument a\[0\]\.k: expected STRING, got 1/);
  await rejectsAsync(w.call('shape', [[{ z: 1 }]]), 'TYPE', /argument a\[0\]\.z: no such STRUCT field/);
});

test('result conversion against the declared type', async () => {
  const pkg = loadPackage(makePackage({}, [
    { name: 'arr', args: [['v', 'STRING']], returns: 'ARRAY<STRUCT<s STRING, n INT64, x FLOAT64, b BOOL>>', body: 'return eval(v);' },
    { name: 'i', args: [['v', 'STRING']], returns: 'INT64', body: 'return eval(v);' },
    { name: 'later', args: [['v', 'STRING']], returns: 'INT64', body: 'return Promise.resolve(eval(v)).then((x) => x + 1);' },
  ]));
  const w = pkg.createWorker();
  const call = (name, js) => w.call(name, [js]);
  assert.deepEqual(await call('arr', '[{s: "a", n: 1, x: NaN, b: true, extra: 1}, {}]'),
    [{ s: 'a', n: 1, x: 'NaN', b: true }, { s: null, n: null, x: null, b: null }]);
  assert.deepEqual(await call('arr', '[{n: "-12", x: -Infinity}]'), [{ s: null, n: -12, x: '-Infinity', b: null }]);
  assert.equal(await call('arr', 'null'), null);
  assert.equal(await call('arr', 'undefined'), null);
  assert.deepEqual(await call('arr', '[]'), []);
  assert.equal(await call('i', '2 ** 53'), 2 ** 53);
  assert.equal(await call('i', '"9223372036854775807"'), '9223372036854775807');
  assert.equal(await call('i', '-(2 ** 60)'), '-1152921504606846976');
  assert.equal(await call('later', '41'), 42);
  await rejectsAsync(call('arr', '"abc"'), 'TYPE', /^arr: expected ARRAY, got "abc"$/);
  await rejectsAsync(call('arr', '[{}, null]'), 'TYPE', /^arr: \[1\]: Array cannot have a null element$/);
  await rejectsAsync(call('arr', '[{}, {}, {n: "x"}]'), 'TYPE', /^arr: \[2\]\.n: expected INT64, got "x"$/);
  await rejectsAsync(call('arr', '[[]]'), 'TYPE', /\[0\]: expected STRUCT, got an array/);
  await rejectsAsync(call('i', '1.5'), 'TYPE', /expected INT64, got 1.5/);
  await rejectsAsync(call('i', '2 ** 63'), 'TYPE', /out of the INT64 range/);
  await rejectsAsync(call('i', 'true'), 'TYPE', /expected INT64, got true/);
  await rejectsAsync(call('later', '(() => { throw new RangeError("no") })()'), 'UDF', /^later: RangeError: no/);
  await rejectsAsync(call('i', 'Promise.reject(new Error("async no"))'), 'UDF', /Error: async no/);
  // callMany names the failing row (1-based).
  await rejectsAsync(w.callMany('i', [['1'], ['2'], ['"x"']]), 'TYPE', /^i row 3: expected INT64, got "x"$/);
});

test('per-row output limit: the BigQuery data size of the result', async () => {
  const w = single({}, { args: [['n', 'FLOAT64']], returns: 'STRING', body: 'return "x".repeat(n);' }).createWorker({ maxOutputBytes: 100 });
  assert.equal((await w.call('f', [98])).length, 98); // 2 + 98 bytes
  await rejectsAsync(w.call('f', [99]), 'OUTPUT', /^f: the result is 101 bytes .*about 5 MB per row/);
  // UTF-8 bytes, not characters; INT64/FLOAT64 8 bytes, BOOL 1, NULL 0, arrays and structs the sum.
  const pkg = loadPackage(makePackage({}, [
    { name: 'ja', args: [['n', 'FLOAT64']], returns: 'STRING', body: 'return "あ".repeat(n);' },
    { name: 'mixed', args: [['n', 'FLOAT64']], returns: 'ARRAY<STRUCT<s STRING, i INT64, x FLOAT64, b BOOL>>',
      body: 'return Array.from({ length: n }, () => ({ s: "ab", i: 1, x: 0.5, b: true }));' },
  ]));
  const v = pkg.createWorker({ maxOutputBytes: 95 });
  assert.equal(await v.call('ja', [31]), 'あ'.repeat(31)); // 2 + 93
  await rejectsAsync(v.call('ja', [32]), 'OUTPUT', /the result is 98 bytes/);
  assert.equal((await v.call('mixed', [4])).length, 4); // 4 × (4 + 8 + 8 + 1) = 84
  await rejectsAsync(v.callMany('mixed', [[1], [5]]), 'OUTPUT', /^mixed row 2: the result is 105 bytes/);
});

test('timeouts discard the worker; the next call gets a fresh one', async () => {
  const w = single({ 'n.js': 'var loads = (typeof loads === "number" ? loads : 0) + 1;' },
    { args: [['mode', 'STRING']], returns: 'INT64', body: 'if (mode === "spin") while (true) {} if (mode === "hang") return new Promise(() => {}); return loads;' })
    .createWorker({ timeoutMs: 150 });
  assert.equal(await w.call('f', ['ok']), 1);
  await rejectsAsync(w.call('f', ['spin']), 'TIMEOUT', /time limit of 150 ms.*--timeout-ms/);
  assert.equal(await w.call('f', ['ok']), 1);
  await rejectsAsync(w.call('f', ['hang']), 'TIMEOUT', /Promise did not settle within the time limit of 150 ms/);
  assert.equal(await w.call('f', ['ok']), 1);
  assert.equal(w.stats().workersStarted, 3);
});

test('time limit in batches: the row is named, later rows and calls run on a fresh worker', async () => {
  const w = single({ 'n.js': 'var loads = (typeof loads === "number" ? loads : 0) + 1; var seen = 0;' },
    { args: [['mode', 'STRING']], returns: 'STRING',
      body: 'seen++; if (mode === "spin") while (true) {} if (mode === "hang") return new Promise(() => {}); return loads + ":" + seen;' })
    .createWorker({ timeoutMs: 150 });
  const t0 = performance.now();
  const e = await w.callMany('f', [['ok'], ['ok'], ['spin'], ['ok']]).catch((x) => x);
  assert.ok(e instanceof SandboxError && e.code === 'TIMEOUT', String(e));
  assert.match(e.message, /^f row 3: exceeded the time limit of 150 ms/);
  assert.equal(e.row, 3);
  assert.equal(e.crash, true);
  assert.ok(performance.now() - t0 < 5000);
  // The fourth row did not run anywhere; the next calls see a fresh worker (libraries evaluated again).
  assert.deepEqual(await w.callMany('f', [['ok'], ['ok']]), ['1:1', '1:2']);
  assert.equal(w.stats().workersStarted, 2);
  // A Promise that never settles, in the middle of a batch, with row numbers from firstRow.
  await rejectsAsync(w.callMany('f', [['ok'], ['hang']], { firstRow: 41 }), 'TIMEOUT', /^f row 42: the returned Promise did not settle within the time limit of 150 ms/);
  assert.equal(await w.call('f', ['ok']), '1:1');
  // Past the first batch (256 rows): the row number counts across batches.
  const rows = Array.from({ length: 700 }, (_, i) => [i === 600 ? 'spin' : 'ok']);
  await rejectsAsync(w.callMany('f', rows), 'TIMEOUT', /^f row 601: exceeded the time limit/);
  assert.equal(w.stats().workersStarted, 3);
  assert.equal(w.stats().workersStarted, 3);
});

test('time limit per row: quick rows add up to far more than the limit without tripping it', async () => {
  // Each row does at least 1 ms of work (two clock ticks) and at most a few:
  // 1,500 rows take well over the 1,000 ms limit in all, while no single row
  // comes near it even on a busy machine. The total is measured, not assumed.
  const w = single({ 'n.js': 'var seen = 0;' }, { args: [['mode', 'STRING']], returns: 'INT64',
    body: 'var end = Date.now() + 2; while (Date.now() < end) {} return ++seen;' }).createWorker({ timeoutMs: 1000 });
  const t0 = performance.now();
  const many = await w.callMany('f', Array.from({ length: 1500 }, () => ['tick']));
  assert.ok(performance.now() - t0 > 1000, `the rows took only ${performance.now() - t0} ms in all`);
  assert.equal(many[1499], 1500);
  assert.equal(w.stats().workersStarted, 1);
  w.close();
});

test('time limit: a library that never finishes loading; another callMany queued behind a timeout still runs', async () => {
  const pkg = loadPackage(makePackage({ 'slow.js': 'while (true) {}', 'ok.js': 'var k = 7;' }, [
    { name: 'slow', libraries: ['slow.js'], returns: 'INT64', body: 'return 1;' },
    { name: 'fast', libraries: ['ok.js'], args: [['spin', 'BOOL']], returns: 'INT64', body: 'if (spin) while (true) {} return k;' },
  ]));
  const w = pkg.createWorker({ timeoutMs: 100 });
  await rejectsAsync(w.call('slow', []), 'TIMEOUT', /^slow: library gs:\/\/bkt\/pkg\/slow\.js: exceeded the time limit of 100 ms/);
  const [a, b] = await Promise.allSettled([w.callMany('fast', [[false], [true], [false]]), w.callMany('fast', [[false], [false]])]);
  assert.equal(a.status, 'rejected');
  assert.match(a.reason.message, /^fast row 2: exceeded the time limit/);
  assert.deepEqual(b.value, [7, 7]);
});

test('batches: call() and callMany() agree, with and without the time limit; errors name the right row', async () => {
  const body = 'if (s === "throw") throw new RangeError("bad " + s); if (s === "int") return "12.5"; return s === null ? null : [s.length, s.toUpperCase(), n * 2];';
  const pkg = loadPackage(makePackage({}, [{ name: 'g', args: [['s', 'STRING'], ['n', 'FLOAT64']], returns: 'STRUCT<len INT64, up STRING, twice INT64>',
    body: `var r = (function () { ${body} })(); return r && (typeof r === "string" ? r : { len: r[0], up: r[1], twice: r[2] });` }]));
  const rows = Array.from({ length: 600 }, (_, i) => (i % 7 === 3 ? [null, i] : { s: `é${i}`, n: i }));
  const expected = rows.map((r, i) => (i % 7 === 3 ? null : { len: String(i).length + 1, up: `É${i}`, twice: 2 * i }));
  for (const timeoutMs of [0, 1000]) {
    const w = pkg.createWorker({ timeoutMs });
    const many = await w.callMany('g', rows);
    const single = [];
    for (const r of rows) single.push(await w.call('g', r));
    assert.deepEqual(many, expected, `timeoutMs ${timeoutMs}`);
    assert.deepEqual(single, expected, `timeoutMs ${timeoutMs}`);
    assert.deepEqual(await w.callMany('g', rows, { json: true }), expected.map((v) => JSON.stringify(v))); // the CLI's form
    const bad = [...rows.slice(0, 300), ['throw', 1], ...rows.slice(0, 5)];
    let e = await w.callMany('g', bad).catch((x) => x);
    assert.equal(e.code, 'UDF');
    assert.match(e.message, /^g row 301: RangeError: bad throw at g:1:/);
    assert.deepEqual(e.results, expected.slice(0, 300)); // the rows before it
    e = await w.callMany('g', [['a', 1], ['int', 1], ['b', 1]], { firstRow: 10 }).catch((x) => x);
    assert.equal(e.code, 'TYPE');
    assert.equal(e.message, 'g row 11: expected STRUCT, got "12.5"');
    // A malformed row: the rows before it run first, and an earlier failure wins.
    e = await w.callMany('g', [['a', 1], ['b', 'x'], ['c', 1]]).catch((x) => x);
    assert.equal(e.message, 'g row 2: argument n: expected FLOAT64, got "x"');
    assert.deepEqual(e.results, [{ len: 1, up: 'A', twice: 2 }]);
    e = await w.callMany('g', [['throw', 1], ['b', 'x']]).catch((x) => x);
    assert.match(e.message, /^g row 1: RangeError/);
    assert.match(await w.callRow('g', ['throw', 1], 7).catch((x) => x.message), /^g row 7: RangeError: bad throw/);
    assert.deepEqual(await w.callMany('g', []), []);
    assert.equal(w.stats().workersStarted, 1);
    w.close();
  }
});

test('the worker thread: its own JS heap is capped, stray rejections are harmless, idle threads do not keep node alive', async () => {
  const w = single({ 'h.js': 'var keep = [];' }, { args: [['mode', 'STRING']], returns: 'INT64', body: `
    if (mode === "runaway") { var a = []; while (true) a.push(new Array(1000).fill(a.length)); }
    if (mode === "spin") { while (true) {} }
    if (mode === "keep") { for (var i = 0; i < 8; i++) keep.push(new Array(1 << 17).fill(i + 0.5)); return keep.length; }
    if (mode === "stray") { Promise.reject(new Error("nobody listens")); return -1; }
    return keep.length;` }).createWorker({ memoryMb: 24, timeoutMs: 5000 });
  assert.equal(await w.call('f', ['stray']), -1);
  assert.equal(await w.call('f', ['n']), 0);
  await rejectsAsync(w.callMany('f', [['n'], ['runaway']]), 'MEMORY', /^f row 2: memory limit exceeded \(the JS heap outgrew the worker's 24 MB\).*--memory-mb/);
  assert.equal(await w.call('f', ['n']), 0);
  assert.equal(await w.call('f', ['keep']), 8);
  await rejectsAsync(w.callMany('f', [['keep'], ['keep'], ['keep']]), 'MEMORY', /^f row \d: memory limit exceeded \(\d+\.\d MB > 24 MB: wasm memory 0\.0 MB \+ JS heap \d+\.\d MB\)/);
  assert.equal(await w.call('f', ['n']), 0);
  assert.equal(w.stats().workersStarted, 3);
  assert.ok(w.stats().threadStartMs > 0);
  // close() ends the worker at once, even mid-call; the next call starts a
  // fresh one. The row spins (no allocation to race the memory cap), so only
  // a 5-second stall could let the time limit end it first.
  const out = w.callMany('f', [['n'], ['spin']]);
  setTimeout(() => w.close(), 20);
  await rejectsAsync(out, 'UDF', /^f row 1: the worker was closed$/);
  assert.equal(await w.call('f', ['n']), 0);
  assert.equal(w.stats().workersStarted, 4);
  // A script that uses a worker and just ends: node exits without close().
  const script = `import { loadPackage } from ${JSON.stringify(SCRIPT)};
    const w = loadPackage(${JSON.stringify(makePackage({}, [{ name: 'f', returns: 'INT64', body: 'return 5;' }]))}).createWorker();
    console.log(await w.call('f', []));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, '5\n');
});

// (module (memory (export "mem") 2))
const WASM_MEMORY_MODULE = [0, 97, 115, 109, 1, 0, 0, 0, 5, 3, 1, 0, 2, 7, 7, 1, 3, 109, 101, 109, 2, 0];

test('WebAssembly memories count against the memory cap; the wrapper is invisible', async () => {
  const lib = `var bytes = new Uint8Array([${WASM_MEMORY_MODULE}]);
    var mem = new WebAssembly.Memory({ initial: 1 });
    var inst = new WebAssembly.Instance(new WebAssembly.Module(bytes));
    var later = WebAssembly.instantiate(bytes);`;
  const body = `if (n === -1) return later.then((r) => [r.instance instanceof WebAssembly.Instance, r.module instanceof WebAssembly.Module].join());
    mem.grow(n);
    return [mem instanceof WebAssembly.Memory, mem.constructor === WebAssembly.Memory, inst instanceof WebAssembly.Instance,
      inst.exports.mem instanceof WebAssembly.Memory, WebAssembly.Memory.name, Object.getPrototypeOf(mem) === WebAssembly.Memory.prototype].join();`;
  const pkg = single({ 'w.js': lib }, { args: [['n', 'FLOAT64']], returns: 'STRING', body });
  const w = pkg.createWorker({ memoryMb: 24 });
  assert.equal(await w.call('f', [0]), 'true,true,true,true,Memory,true');
  assert.equal(w.stats().wasmMemoryBytes, 3 * 65536);
  assert.equal(await w.call('f', [-1]), 'true,true');
  assert.equal(w.stats().wasmMemoryBytes, 5 * 65536); // instantiate()'s exported memory too
  await rejectsAsync(w.call('f', [512]), 'MEMORY', /^f: memory limit exceeded \(\d+\.\d MB > 24 MB: wasm memory 32\.3 MB.*--memory-mb/);
  assert.equal(await w.call('f', [0]), 'true,true,true,true,Memory,true'); // a fresh worker
  assert.equal(w.stats().workersStarted, 2);
  // A library over the cap fails while loading.
  const hog = single({ 'hog.js': 'var m = new WebAssembly.Memory({ initial: 512 });' }, { returns: 'INT64', body: 'return 1;' });
  await rejectsAsync(hog.createWorker({ memoryMb: 24 }).call('f', []), 'MEMORY', /memory limit exceeded/);
});

test('library failures and stale packages are reported', async () => {
  await rejectsAsync(single({ 'bad.js': 'throw new TypeError("broken")' }, { returns: 'INT64', body: 'return 1;' }).createWorker().call('f', []),
    'LIBRARY', /^f: library gs:\/\/bkt\/pkg\/bad\.js: TypeError: broken/);
  await rejectsAsync(single({}, { returns: 'INT64', body: 'return undefinedThing;' }).createWorker().call('f', []),
    'UDF', /^f: ReferenceError: undefinedThing is not defined at f:1:1$/);
  await rejectsAsync(single({}, { returns: 'INT64', body: 'return (;' }).createWorker().call('f', []), 'LIBRARY', /body does not compile: SyntaxError/);
  const dir = makePackage({ 'a.js': 'var a = 1;' }, [{ name: 'f', libraries: ['a.js'], returns: 'INT64', body: 'return a;' }]);
  fs.writeFileSync(path.join(dir, 'a.js'), 'var a = 2;');
  rejects(() => loadPackage(dir), 'PACKAGE', /does not match the sha256/);
  fs.rmSync(path.join(dir, 'a.js'));
  rejects(() => loadPackage(dir), 'PACKAGE', /gs:\/\/bkt\/pkg\/a\.js → .*a\.js: file not found/);
  fs.mkdirSync(path.join(tmp, 'elsewhere'));
  fs.writeFileSync(path.join(tmp, 'elsewhere', 'a.js'), 'var a = 1;');
  const moved = loadPackage(dir, { gcsMap: { 'gs://bkt/pkg/': path.join(tmp, 'elsewhere') } });
  assert.equal(await moved.createWorker().call('f', []), 1);
});

const SQL = `-- generated by jatopic package
CREATE OR REPLACE FUNCTION \`my-project.my_dataset.ja_analyze\`(text STRING)
RETURNS ARRAY<STRUCT<surface STRING, start INT64, length INT64, pos1 STRING, known BOOL, sub STRUCT<a ARRAY<FLOAT64>, INT64>>>
LANGUAGE js
OPTIONS (library = ["gs://bucket/path/lib/one.js", "gs://bucket/path/two.js"])
AS r"""
return lib.analyze(text); // "\\n" stays raw
""";

/* the --temp variant */
CREATE TEMP FUNCTION ja_count(items ARRAY<STRING>, n FLOAT64, w FLOAT64, flag BOOLEAN)
RETURNS INT64 NOT DETERMINISTIC LANGUAGE js
AS 'return items.length + n + \\'\\'.length;' OPTIONS (library = 'gs://bucket/path/two.js', description = "x");

CREATE TEMP FUNCTION ja_count_int(items ARRAY<STRING>, n INT64) AS (ja_count(items, n, 0.5, NULL));
`;

test('create_functions.sql: TEMP, nested STRUCT types, options, string forms', () => {
  const [a, b, c] = parseCreateFunctions(SQL);
  assert.equal(a.name, 'ja_analyze');
  assert.equal(a.sqlName, '`my-project.my_dataset.ja_analyze`');
  assert.equal(a.temp, false);
  assert.deepEqual(a.args, [{ name: 'text', type: { kind: 'STRING' } }]);
  assert.equal(formatType(a.returns),
    'ARRAY<STRUCT<surface STRING, start INT64, length INT64, pos1 STRING, known BOOL, sub STRUCT<a ARRAY<FLOAT64>, _field_2 INT64>>>');
  assert.deepEqual(a.libraries, ['gs://bucket/path/lib/one.js', 'gs://bucket/path/two.js']);
  assert.equal(a.body, '\nreturn lib.analyze(text); // "\\n" stays raw\n');
  assert.equal(b.name, 'ja_count');
  assert.equal(b.temp, true);
  assert.deepEqual(b.args.map((x) => `${x.name} ${formatType(x.type)}`), ['items ARRAY<STRING>', 'n FLOAT64', 'w FLOAT64', 'flag BOOL']);
  assert.equal(b.body, "return items.length + n + ''.length;");
  assert.deepEqual(b.libraries, ['gs://bucket/path/two.js']);
  // A SQL function: its body is the expression, its type the call's.
  assert.equal(c.language, 'sql');
  assert.equal(c.body, 'ja_count(items, n, 0.5, NULL)');
  assert.equal(formatType(c.returns), 'INT64');
  assert.equal(c.sql.callee, 'ja_count');
  assert.deepEqual(parseType('array<struct<`x` int64>>'), { kind: 'ARRAY', element: { kind: 'STRUCT', fields: [{ name: 'x', type: { kind: 'INT64' } }] } });
});

test('create_functions.sql: errors name the statement and position', () => {
  const bad = (sql, re, code = 'SQL') => rejects(() => parseCreateFunctions(sql), code, re);
  bad(`${SQL}\nCREATE FUNCTION f(x STRING) LANGUAGE js AS "";`, /statement 4 \(line 17, column 17\): function f: a JavaScript UDF has no RETURNS clause/, 'DDL');
  bad('CREATE FUNCTION f(x ARRAY<ARRAY<INT64>>) RETURNS INT64 LANGUAGE js AS "";', /statement 1 \(line 1, column 21\): ARRAY<ARRAY/);
  bad('CREATE FUNCTION f(x BYTES) RETURNS INT64 LANGUAGE js AS "";', /type BYTES is not supported/);
  bad('CREATE FUNCTION f(x STRING) RETURNS STRUCT<a INT64 LANGUAGE js AS "";', /expected ',', found 'LANGUAGE'/);
  bad('CREATE FUNCTION f(x STRING) RETURNS INT64 LANGUAGE js AS (1);', /expected the JavaScript body as a string literal/);
  bad('CREATE FUNCTION f(x STRING) RETURNS INT64 AS (1);', /bq-sandbox emulates SQL bodies that call one JavaScript function of the package, not 1/);
  bad('CREATE FUNCTION f() RETURNS INT64 LANGUAGE python AS "";', /only LANGUAGE js/);
  bad('CREATE FUNCTION f() RETURNS INT64 LANGUAGE js AS """x;', /\(line 1, column 50\): unterminated string/);
  bad('SELECT 1;', /statement 1 .*expected CREATE/);
  rejects(() => parseType('ARRAY<INT64', 'manifest'), 'SQL', /manifest \(line 1, column 12\): expected '>', found end of input/);
});

test('SQL-only packages map gs:// URIs to the package directory', async () => {
  const dir = path.join(tmp, 'sqlpkg');
  fs.mkdirSync(path.join(dir, 'lib'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'lib', 'one.js'), 'var lib = { analyze: (t) => [{ surface: t, start: "3", known: true, sub: { a: [0.5] } }] };');
  fs.writeFileSync(path.join(dir, 'two.js'), 'var two = 2;');
  fs.writeFileSync(path.join(dir, 'create_functions.sql'), SQL);
  const pkg = loadPackage(dir);
  assert.equal(pkg.manifest, null);
  const w = pkg.createWorker();
  assert.deepEqual(await w.call('ja_analyze', ['猫']),
    [{ surface: '猫', start: 3, length: null, pos1: null, known: true, sub: { a: [0.5], _field_2: null } }]);
  assert.equal(await w.call('ja_count', [['a', 'b'], 40, 0, null]), 42);
  assert.equal(await w.call('ja_count_int', [['a', 'b'], '40']), 42);
  assert.equal(loadPackage(path.join(dir, 'create_functions.sql'), { functions: ['ja_count'] }).functions.length, 1);
});

test('CLI: NDJSON round trip, --list, the failing row', () => {
  const dir = makePackage({ 'l.js': 'var lib = { split: (s) => s.split(" ") };' }, [
    { name: 'words_js', args: [['text', 'STRING'], ['n', 'FLOAT64']], libraries: ['l.js'], returns: 'ARRAY<STRING>', body: 'return text === null ? null : lib.split(text).slice(0, n);' },
    { name: 'words', language: 'sql', args: [['text', 'STRING'], ['n', 'INT64']], returns: 'ARRAY<STRING>', body: '`p.d.words_js`(text, CAST(n AS FLOAT64))' },
  ]);
  const input = path.join(dir, 'rows.ndjson');
  fs.writeFileSync(input, '["a b c", 2]\n\n{"text": "x y", "n": "5"}\n[null, 1]\n');
  const run = (args, stdin) => spawnSync(process.execPath, [SCRIPT, ...args], { input: stdin, encoding: 'utf8' });
  let r = run(['--package', dir, '--function', 'words', '--input', input, '--stats']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, '["a","b"]\n["x","y"]\nnull\n');
  assert.match(r.stderr, /^bq-sandbox: stats: 3 rows in .* rows\/s\); worker start .* ms \(library evaluation .* ms \+ first call .* ms\); wasm memory 0\.0 MB/);

  const out = path.join(dir, 'out.ndjson');
  r = run(['--package', dir, '--function', 'words', '--input', '-', '--output', out], '["a b", 1]\n["c", "1.5"]\n["d", 1]\n');
  assert.equal(r.status, 1);
  assert.equal(r.stderr, 'bq-sandbox: words row 2: argument n: expected INT64, got "1.5"\n');
  assert.equal(fs.readFileSync(out, 'utf8'), '["a"]\n');

  r = run(['--package', dir, '--list']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'words_js(text STRING, n FLOAT64) RETURNS ARRAY<STRING>\n    `p.d.words_js`; libraries: gs://bkt/pkg/l.js\n'
    + 'words(text STRING, n INT64) RETURNS ARRAY<STRING> (SQL)\n    `p.d.words`; calls words_js\n');

  r = run(['--package', dir, '--function', 'nope', '--input', input]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /no function nope in the package \(have: words_js, words\)/);
});
