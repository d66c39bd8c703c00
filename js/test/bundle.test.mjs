// End-to-end test of the packaged tokenizer: the real single-file bundle is
// evaluated in a bare V8 context (node:vm, no Node or Web globals — as in
// BigQuery) and must give exactly the native CLI's output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import vm from 'node:vm';
import { execFileSync } from 'node:child_process';

const root = new URL('../../', import.meta.url).pathname;
const bundleFile = process.env.JATOPIC_BUNDLE || `${root}build/jatopic-tokenizer.js`;
const nativeBin = process.env.JATOPIC_BIN || `${root}target/release/jatopic`;
const source = fs.readFileSync(bundleFile, 'utf8');
// Values from another V8 context have other prototypes: compare as plain data.
const plain = (x) => JSON.parse(JSON.stringify(x));

function freshContext() {
  const context = vm.createContext({});
  vm.runInContext(source, context, { filename: bundleFile });
  return context;
}

test('bundle fits one BigQuery library file', () => {
  assert.ok(Buffer.byteLength(source, 'utf8') <= 1_000_000, `${Buffer.byteLength(source)} bytes`);
});

test('bundle runs in a context without Node or Web globals', () => {
  const context = freshContext();
  for (const name of ['require', 'process', 'TextEncoder', 'TextDecoder', 'atob', 'fetch', 'crypto', 'window', 'self', 'document']) {
    assert.equal(vm.runInContext(`typeof ${name}`, context), 'undefined', name);
  }
  // The bundle defines exactly one global.
  assert.deepEqual(Object.keys(context), ['jatopic']);
  assert.deepEqual(plain(vm.runInContext('jatopic.wakati("東京に行く")', context)), ['東京', 'に', '行く']);
});

test('bundle output equals the native CLI on the golden sentences', () => {
  const context = freshContext();
  for (const name of ['titles', 'news', 'edge']) {
    const text = fs.readFileSync(`${root}tests/golden/${name}.txt`, 'utf8');
    const lines = text.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    const native = execFileSync(nativeBin, ['tokenize', '--format', 'json'], { input: text, maxBuffer: 1 << 28 })
      .toString('utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l));
    assert.equal(native.length, lines.length, name);
    for (let i = 0; i < lines.length; i++) {
      context.line = lines[i];
      const wasm = vm.runInContext('jatopic.tokenize(line)', context);
      assert.deepEqual(plain(wasm), native[i], `${name}:${i + 1}: ${lines[i]}`);
    }
  }
});

test('offsets are code points, surfaces slice the input', () => {
  const context = freshContext();
  context.text = '𠮷野家で😀ランチ　 ｶﾞﾝﾀﾞﾑ';
  const tokens = vm.runInContext('jatopic.tokenize(text)', context);
  const chars = Array.from(context.text);
  for (const t of tokens) assert.equal(chars.slice(t.start, t.end).join(''), t.surface);
  const normalized = vm.runInContext('jatopic.tokenize(text, {normalize: true})', context);
  for (const t of normalized) assert.equal(chars.slice(t.start, t.end).join(''), t.surface);
});

test('bad input gives a real Error, never a crash', () => {
  const context = freshContext();
  for (const bad of ['null', 'undefined', '42', '({})']) {
    const err = vm.runInContext(`(() => { try { jatopic.tokenize(${bad}); } catch (e) { return e; } })()`, context);
    assert.ok(err && typeof err.message === 'string' && /expected a string/.test(err.message), bad);
  }
  // Lone surrogates become U+FFFD: one code point each, offsets preserved.
  context.text = 'a\uD800b\uDC00c';
  const tokens = vm.runInContext('jatopic.tokenize(text)', context);
  assert.equal(tokens[tokens.length - 1].end, 5);
  assert.deepEqual(plain(vm.runInContext('jatopic.wakati("")', context)), []);
  assert.deepEqual(plain(vm.runInContext('jatopic.wakati(" \\t　")', context)), ['　']);
});

test('a one-megabyte row works and memory stays small', () => {
  const context = freshContext();
  context.text = 'ハンドメイドの革財布を作りました。送料無料★ '.repeat(16000);
  const n = vm.runInContext('jatopic.wakati(text).length', context);
  assert.ok(n > 100000);
  const bytes = vm.runInContext('jatopic.memoryBytes()', context);
  assert.ok(bytes <= 64 * 1024 * 1024, `wasm memory ${bytes} bytes`);
});
