// A short soak (js/soak.mjs): 20,000 rows through ja_analyze and ja_topics in
// one sandbox worker each, memory read after 10,000 rows and at the end; the
// growth must stay within the 1 % bound. Deliberately leaking UDFs show that
// the readings do see growth, of the JS heap and of wasm memory. Needs
// target/release/jatopic and build/jatopic-tokenizer.js (`make test` builds both).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { loadPackage } from '../bq-sandbox.mjs';
import { soakFunction, verdict, rowAt, ODD_KINDS, LONG_ROW_UNITS, MAX_GROWTH_PERCENT } from '../soak.mjs';

const root = new URL('../../', import.meta.url).pathname;
const bin = process.env.JATOPIC_BIN || `${root}target/release/jatopic`;
const library = process.env.JATOPIC_BUNDLE || `${root}build/jatopic-tokenizer.js`;
const script = `${root}js/soak.mjs`;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'jatopic-soak-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));
const SHORT = { rows: 20_000, chunk: 1_000, firstReading: 10_000 };

before(() => {
  // A small model over our own golden sentences, packaged with the current bundle.
  const golden = ['titles', 'news', 'edge'].map((n) => `${root}tests/golden/${n}.txt`);
  execFileSync(bin, ['train', '--k', '6', '--iterations', '30', '--seed', '3', '--min-df', '1', '--max-df', '1.0',
    '--input-format', 'text', '--out', `${tmp}/m.jtm`, ...golden]);
  execFileSync(bin, ['package', '--out', `${tmp}/pkg`, '--gcs-prefix', 'gs://jatopic-test/soak', '--dataset', 'test-project.jatopic',
    '--model', `${tmp}/m.jtm`, '--library', library], { stdio: 'ignore' });
});

test('rows: deterministic, 1 % odd, every odd kind and the longest row within the first 10,000', () => {
  assert.equal(rowAt(12345), rowAt(12345));
  const kinds = new Set();
  let odd = 0, longest = 0;
  for (let i = 0; i < 10_000; i++) {
    const r = rowAt(i);
    if (i % 100 === 50) { odd++; kinds.add(Math.floor(i / 100) % ODD_KINDS.length); }
    if (r !== null) longest = Math.max(longest, r.length);
  }
  assert.equal(odd, 100);
  assert.equal(kinds.size, ODD_KINDS.length);
  assert.equal(longest, LONG_ROW_UNITS);
  for (let i = 10_000; i < 200_000; i++) { const r = rowAt(i); assert.ok(r === null || r.length <= LONG_ROW_UNITS, `row ${i}`); }
});

for (const fn of ['ja_analyze', 'ja_topics']) {
  test(`${fn}: memory growth from 10,000 to 20,000 rows within ${MAX_GROWTH_PERCENT} %`, async () => {
    const r = await soakFunction(loadPackage(`${tmp}/pkg`, { functions: [fn] }), fn, SHORT);
    const m = r.memory;
    assert.equal(r.workersStarted, 1);
    assert.ok(r.outputs > 100_000, `${r.outputs} tokens/topic weights`);
    assert.ok(m.first.wasmMemoryBytes > 1e6 && m.first.heapUsedBytes > 1e6, JSON.stringify(m.first));
    assert.ok(m.wasmGrowthPercent <= MAX_GROWTH_PERCENT, `wasm memory grew ${m.wasmGrowthPercent} %: ${JSON.stringify(m.readings)}`);
    assert.ok(m.heapGrowthPercent <= MAX_GROWTH_PERCENT, `JS heap grew ${m.heapGrowthPercent} %: ${JSON.stringify(m.readings)}`);
  });
}

// A package of one function `f(text STRING) RETURNS INT64` over one library.
function leakyPackage(name, source, body) {
  const dir = path.join(tmp, name), uri = 'gs://jatopic-test/leak/leak.js';
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'leak.js'), source);
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({
    format: 'jatopic-package/1', dataset: 'p.d', gcs_prefix: 'gs://jatopic-test/leak',
    files: [{ path: 'leak.js', bytes: Buffer.byteLength(source), uri }],
    functions: [{ name: 'f', sql_name: 'p.d.f', arguments: [{ name: 'text', type: 'STRING' }], returns: 'INT64', libraries: [uri], body }],
  }));
  return loadPackage(dir);
}

test('the readings see a leak: JS heap and wasm memory', async () => {
  const heap = leakyPackage('heap', 'var kept = [];', 'kept.push(String(text) + "#".repeat(200)); return kept.length;');
  const h = await soakFunction(heap, 'f', SHORT);
  assert.ok(h.memory.heapGrowthPercent > 10, `heap growth ${h.memory.heapGrowthPercent} %`);
  assert.ok(verdict(h).some((p) => /JS heap grew/.test(p)), verdict(h).join('; '));

  const wasm = leakyPackage('wasm', 'var memory = new WebAssembly.Memory({ initial: 16 }), calls = 0;',
    'if (++calls % 1000 === 0) memory.grow(1); return calls;');
  const w = await soakFunction(wasm, 'f', SHORT);
  assert.ok(w.memory.wasmGrowthPercent > 10, `wasm growth ${w.memory.wasmGrowthPercent} %`);
  assert.ok(verdict(w).some((p) => /wasm memory grew/.test(p)), verdict(w).join('; '));
});

test('the script: a short run writes its report and table', () => {
  const out = `${tmp}/report/report.json`;
  const r = spawnSync(process.execPath, [script, '--package', `${tmp}/pkg`, '--functions', 'ja_topics',
    '--rows', '20000', '--chunk', '1000', '--out', out], { encoding: 'utf8' });
  assert.match(r.stdout, /\| ja_topics \| [\d,]+ → [\d,]+ B \(/);
  const report = JSON.parse(fs.readFileSync(out, 'utf8'));
  // The exit status is the report's verdict: 1 exactly when a target was
  // missed. A short run's throughput ratio is at the mercy of other
  // processes, so a throughput miss is the only one tolerated below.
  const problems = verdict(report.functions[0]);
  assert.equal(r.status, problems.length ? 1 : 0, r.stderr + r.stdout);
  assert.equal(report.functions[0].rows, 20_000);
  assert.equal(report.model.k, 6);
  assert.deepEqual(verdict(report.functions[0]).filter((p) => !/throughput/.test(p)), []);
  const bad = spawnSync(process.execPath, [script, '--package', `${tmp}/pkg`, '--rows', '20000', '--chunk', '3000'], { encoding: 'utf8' });
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /--chunk 3000 must divide a tenth of --rows 20000/);
});
