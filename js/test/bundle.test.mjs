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
// The native CLI always has IPADIC's readings; the bundle carries them only
// with the optional readings file (`jatopic package --readings`), which these
// tests do not load. Every other field must be equal, and nothing else differ.
const READING_FIELDS = ['reading', 'pronunciation'];
function withoutReadings(tokens) {
  return tokens.map((t) => {
    const rest = { ...t };
    for (const f of READING_FIELDS) {
      assert.ok(f in rest, `native token lacks ${f}: ${JSON.stringify(t)}`);
      delete rest[f];
    }
    return rest;
  });
}

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
    const native = execFileSync(nativeBin, ['tokenize', '--output', 'json'], { input: text, maxBuffer: 1 << 28 })
      .toString('utf8').split('\n').filter((l) => l !== '').map((l) => withoutReadings(JSON.parse(l)));
    assert.equal(native.length, lines.length, name);
    for (let i = 0; i < lines.length; i++) {
      context.line = lines[i];
      const wasm = vm.runInContext('jatopic.tokenize(line)', context);
      assert.deepEqual(plain(wasm), native[i], `${name}:${i + 1}: ${lines[i]}`);
    }
  }
});

test('after a worker has analysed a million characters (the spelt trie is built), output still equals the native CLI', () => {
  // The compact tier spells out conjugated forms once SPELL_OUT_AFTER
  // (src/tokenizer/dictionary/lexicon/spelt.rs) characters are analysed; the
  // build shows as wasm memory growth. Lookups must give the same tokens.
  const context = freshContext();
  const lines = ['titles', 'news', 'edge'].flatMap((name) => fs.readFileSync(`${root}tests/golden/${name}.txt`, 'utf8').split('\n').filter((l) => l !== ''));
  const native = execFileSync(nativeBin, ['tokenize', '--output', 'json'], { input: lines.join('\n') + '\n', maxBuffer: 1 << 28 })
    .toString('utf8').split('\n').filter((l) => l !== '').map((l) => withoutReadings(JSON.parse(l)));
  context.lines = lines;
  const before = vm.runInContext('jatopic.memoryBytes()', context);
  const analysed = vm.runInContext(`(() => {
    let n = 0;
    while (n < 1_500_000) for (const l of lines) { jatopic.wakati(l); n += l.length; }
    return n;
  })()`, context);
  const grown = vm.runInContext('jatopic.memoryBytes()', context) - before;
  assert.ok(grown > 5_000_000, `wasm memory grew by ${grown} bytes after ${analysed} characters: the spelt trie was not built`);
  for (let i = 0; i < lines.length; i++) {
    context.line = lines[i];
    assert.deepEqual(plain(vm.runInContext('jatopic.tokenize(line)', context)), native[i], lines[i]);
  }
});

test('options.mode: search mode equals `jatopic tokenize --mode search`; other modes are refused', () => {
  const context = freshContext();
  const lines = ['関西国際空港限定トートバッグ', 'ＬＥＤライト付きハーバリウムボールペン', ...fs.readFileSync(`${root}tests/golden/news.txt`, 'utf8').split('\n').filter((l) => l !== '')];
  const native = execFileSync(nativeBin, ['tokenize', '--output', 'json', '--mode', 'search'], { input: lines.join('\n') + '\n', maxBuffer: 1 << 28 })
    .toString('utf8').split('\n').filter((l) => l !== '').map((l) => withoutReadings(JSON.parse(l)));
  for (let i = 0; i < lines.length; i++) {
    context.line = lines[i];
    assert.deepEqual(plain(vm.runInContext("jatopic.tokenize(line, {mode: 'search'})", context)), native[i], lines[i]);
    assert.deepEqual(plain(vm.runInContext("jatopic.wakati(line, {mode: 'search'})", context)), native[i].map((t) => t.surface), lines[i]);
  }
  assert.deepEqual(plain(vm.runInContext("jatopic.wakati('関西国際空港', {mode: 'search'})", context)), ['関西', '国際', '空港']);
  assert.deepEqual(plain(vm.runInContext("jatopic.wakati('関西国際空港', {mode: 'normal'})", context)), ['関西国際空港']);
  for (const bad of ["'extended'", "'Search'", '1', 'null']) {
    const err = vm.runInContext(`(() => { try { jatopic.wakati('東京', {mode: ${bad}}); } catch (e) { return e; } })()`, context);
    assert.ok(err && /jatopic\.wakati: options\.mode must be "normal" or "search", got /.test(err.message), `${bad}: ${err && err.message}`);
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
  // The documented target: peak wasm memory ≤ 32 MB (measured 15.1 MB).
  assert.ok(bytes <= 32e6, `wasm memory ${bytes} bytes`);
});

test('random strings (lone surrogates, controls, emoji, marks) never throw and tokens tile the input', () => {
  const context = freshContext();
  const pool = ['あ', 'ア', 'ｱ', 'ﾞ', '漢', '字', 'a', 'Z', '1', '１', ' ', '　', '\t', '\n', '\r', '\0', '\u0001', '\u007f',
    '\uD800', '\uDFFF', '😀', '👨\u200d👩', '\u0301', '\u3099', '\uFE0F', '。', '「', '★', '\uFFFD', '\u2028', '𠮷'];
  let seed = 12345;
  const rand = (n) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
  for (let n = 0; n < 3000; n++) {
    let s = '';
    const len = rand(40);
    for (let i = 0; i < len; i++) s += pool[rand(pool.length)];
    context.text = s;
    for (const normalize of [false, true]) {
      context.normalize = normalize;
      const tokens = vm.runInContext('jatopic.tokenize(text, {normalize})', context);
      // Code points as BigQuery counts them; a lone surrogate is one.
      const chars = Array.from(s);
      let pos = 0;
      for (const t of tokens) {
        assert.ok(t.start >= pos && t.end > t.start && t.end <= chars.length, JSON.stringify(s));
        assert.ok(chars.slice(pos, t.start).every((c) => /\s/.test(c)), JSON.stringify(s));
        assert.equal(chars.slice(t.start, t.end).join(''), t.surface);
        pos = t.end;
      }
      assert.ok(chars.slice(pos).every((c) => /\s/.test(c)), JSON.stringify(s));
    }
  }
});
