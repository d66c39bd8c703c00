// Unit tests of the shipped runtime (js/runtime/*.js) on its own, before any
// bundling: each file parses as a script, and its pieces are evaluated in a
// bare V8 context (node:vm, no Node or Web globals, as in BigQuery) with
// stand-ins for what the bundle would define around them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import vm from 'node:vm';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { CONTRACT, CONTRACT_PRELUDE, RUNTIME_FILES, embed7, encode7, shipped } from '../bundle.mjs';
import { beyondFloor, featuresNeeded, setFloorFeatures, stripFeatures, targetFeatures } from '../wasm-floor.mjs';

const dir = new URL('../runtime/', import.meta.url);
const read = (name) => fs.readFileSync(new URL(name, dir), 'utf8');
// Values from another V8 context have other prototypes: compare as plain data.
const plain = (x) => JSON.parse(JSON.stringify(x));

// Evaluates runtime files in a fresh bare context, inside one strict function
// as the bundle does, and returns the named bindings.
function load(files, names) {
  const context = vm.createContext({});
  return vm.runInContext(`(function () { 'use strict';\n${CONTRACT_PRELUDE}${files.map(read).join('\n')}\nreturn {${names.join(', ')}}; })()`, context);
}

test('every runtime file is in the splice list and parses as a script on its own', () => {
  const present = fs.readdirSync(dir).filter((f) => f.endsWith('.js')).sort();
  assert.deepEqual([...RUNTIME_FILES].sort(), present);
  for (const name of RUNTIME_FILES) {
    execFileSync(process.execPath, ['--check', new URL(name, dir).pathname]);
    // Nothing a bare V8 lacks (BigQuery has no TextEncoder, atob, require, ...).
    const code = read(name).replace(/\/\/.*$/gm, '');
    for (const missing of ['TextEncoder', 'TextDecoder', 'atob', 'btoa', 'require(', 'process.', 'console.', 'setTimeout']) {
      assert.ok(!code.includes(missing), `${name} uses ${missing}`);
    }
  }
});

test('decode7 inverts encode7 for every length and byte value', () => {
  const { decode7 } = load(['coder7.js'], ['decode7']);
  const all = Uint8Array.from({ length: 256 }, (_, i) => i);
  for (let n = 0; n <= 64; n++) {
    const bytes = all.subarray(256 - n);
    assert.deepEqual(Array.from(decode7(encode7(bytes), n)), Array.from(bytes), `length ${n}`);
  }
  let seed = 7;
  const random = Uint8Array.from({ length: 100_003 }, () => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24);
  const text = encode7(random);
  // Never a character that would end a single-quoted JS string or a
  // comment, or break the line.
  assert.ok(!/['\\\n\r*]/.test(text));
  assert.deepEqual(Buffer.from(decode7(text, random.length)), Buffer.from(random));
  // An escaped value (written as one character with the next 7 bits) at
  // every place in a group of eight characters (every bit alignment), then
  // plain runs of several lengths and a second escape.
  const pack = (groups) => {
    const bytes = new Uint8Array(Math.floor(groups.length * 7 / 8));
    let acc = 0, bits = 0, o = 0;
    for (const g of groups) {
      acc = (acc << 7) | g;
      bits += 7;
      if (bits >= 8) { bits -= 8; bytes[o++] = (acc >> bits) & 0xff; acc &= (1 << bits) - 1; }
    }
    return bytes;
  };
  for (let at = 0; at < 16; at++) {
    for (const run of [0, 1, 6, 7, 8, 9, 23]) {
      const groups = Array.from({ length: 48 + run }, (_, i) => (i === at || i === at + run + 2 ? 92 : 65 + (i % 50)));
      const bytes = pack(groups);
      const text = encode7(bytes);
      assert.ok(/[^\x00-\x7f]/.test(text), `escape at ${at}, run ${run}: the text has an escaped character`);
      assert.deepEqual(Array.from(decode7(text, bytes.length)), Array.from(bytes), `escape at ${at}, run ${run}`);
    }
  }
});

test('shipped code loses whole-line comments and indentation, and refuses a template literal across lines', () => {
  const code = '/**\n * Doc.\n */\nfunction f(a) {\n  // why\n  if (a) {\n    return `x${a}y`; // kept\n  }\n  return \'  a  \';\n}\n';
  assert.equal(shipped(code, 'f.js'), 'function f(a) {\nif (a) {\nreturn `x${a}y`; // kept\n}\nreturn \'  a  \';\n}\n');
  assert.throws(() => shipped('const t = `a\n  b`;\n', 't.js'), /t\.js: a template literal may span lines at "const t = `a"/);
});

test('decode7 reads the text in a function\'s comment, as library files carry it, and says when the comment is gone', () => {
  const { decode7 } = load(['coder7.js'], ['decode7']);
  // Bytes whose 7-bit groups are `*/` again and again (42, 47): written
  // raw, they would end the comment.
  const groups = Array.from({ length: 4096 }, (_, i) => (i % 2 === 0 ? 42 : 47));
  const bytes = new Uint8Array(groups.length * 7 / 8);
  for (let i = 0, acc = 0, bits = 0, o = 0; i < groups.length; i++) {
    acc = (acc << 7) | groups[i];
    bits += 7;
    if (bits >= 8) { bits -= 8; bytes[o++] = (acc >> bits) & 0xff; acc &= (1 << bits) - 1; }
  }
  assert.ok(!encode7(bytes).includes('*'));
  const context = vm.createContext({});
  const data = vm.runInContext(`(${embed7(bytes)})`, context);
  assert.equal(typeof data, 'function');
  assert.deepEqual(Buffer.from(decode7(data, bytes.length)), Buffer.from(bytes));
  // A minifier that drops comments drops the data: an Error saying so.
  const stripped = vm.runInContext('(function () {})', context);
  assert.throws(() => decode7(stripped, bytes.length), { message: /^jatopic: embedded data is missing \(its comment was removed: deploy the library files unmodified/ });
});

test('decode7 names a truncated text with the bytes it found', () => {
  const { decode7 } = load(['coder7.js'], ['decode7']);
  const text = encode7(new Uint8Array(100).fill(0xa5));
  assert.throws(() => decode7(text.slice(0, 50), 100), { message: 'jatopic: embedded data is truncated (43 of 100 bytes)' });
});

test('the UTF-8 coder round-trips and matches Node for well-formed text', () => {
  const { Utf8Encoder, Utf8Decoder } = load(['utf8.js'], ['Utf8Encoder', 'Utf8Decoder']);
  const samples = ['', 'abc', 'ｶﾞﾝﾀﾞﾑ　東京', '𠮷野家で😀ランチ', '\u0000\u007f\u0080\u07ff\u0800\uffff', '𐀀\u{10ffff}', 'あ'.repeat(20000)];
  for (const s of samples) {
    const bytes = new Utf8Encoder().encode(s);
    assert.deepEqual(Buffer.from(bytes), Buffer.from(s, 'utf8'), JSON.stringify(s.slice(0, 20)));
    assert.equal(new Utf8Decoder().decode(bytes), s);
  }
  assert.equal(new Utf8Decoder().decode(undefined), '');
});

test('the UTF-8 encoder turns a lone surrogate into U+FFFD, one for one, and stops at a full buffer', () => {
  const { Utf8Encoder } = load(['utf8.js'], ['Utf8Encoder']);
  const e = new Utf8Encoder();
  assert.deepEqual(Buffer.from(e.encode('a\ud800b\udc00')), Buffer.from('a\ufffdb\ufffd', 'utf8'));
  const view = new Uint8Array(4);
  // 'あ' is 3 bytes: the second does not fit, so one unit is read.
  assert.deepEqual(plain(e.encodeInto('あい', view)), { read: 1, written: 3 });
  assert.deepEqual(plain(e.encodeInto('a😀', new Uint8Array(5))), { read: 3, written: 5 });
});

// The SQL shims over a stand-in API that records what it was given.
function sqlOver() {
  const calls = [];
  const { sqlFunctions, MAX_TEXT_UNITS, MAX_ANALYZE_UNITS } = load(['sql.js'], ['sqlFunctions', 'MAX_TEXT_UNITS', 'MAX_ANALYZE_UNITS']);
  const api = {
    // The options are recorded only when given (search mode).
    wakati: (s, o) => { calls.push(o ? ['wakati', s, o.mode] : ['wakati', s]); return s.split(' '); },
    tokenize: (s, o) => { calls.push(o ? ['tokenize', s, o.mode] : ['tokenize', s]); return [{ surface: s, start: 0, end: s.length, pos: ['名詞', '一般', '*', '*'], conjugation: { type: '*', form: '*' }, base_form: s, known: false }]; },
    terms: (s) => { calls.push(['terms', s]); return [s]; },
    topics: (s) => { calls.push(['topics', s]); return [0.1, 0.5, 0.1, 0.3]; },
    topicsFromTerms: (t) => { calls.push(['topicsFromTerms', t]); return [1]; },
  };
  return { sql: sqlFunctions(api), calls, MAX_TEXT_UNITS, MAX_ANALYZE_UNITS };
}

test('SQL shims: NULL gives NULL, blank text an empty array, without calling the API', () => {
  const { sql, calls } = sqlOver();
  for (const f of ['ja_tokenize', 'ja_analyze', 'ja_terms', 'ja_topics', 'ja_topics_from_terms']) {
    assert.equal(sql[f](null), null, f);
    assert.equal(sql[f](undefined), null, f);
  }
  assert.equal(sql.ja_top_topics('x', null), null);
  assert.equal(sql.ja_top_topics(null, 3), null);
  assert.deepEqual(plain(sql.ja_tokenize(' \u3000\t')), []);
  assert.deepEqual(plain(sql.ja_analyze('\n')), []);
  assert.deepEqual(calls, []);
});

test('SQL shims: 1-based character starts, top topics by weight then topic, n as BigQuery passes it', () => {
  const { sql } = sqlOver();
  assert.deepEqual(plain(sql.ja_analyze('東京')), [{
    surface: '東京', start: 1, length: 2, pos1: '名詞', pos2: '一般', pos3: '*', pos4: '*',
    conjugation_type: '*', conjugation_form: '*', base_form: '東京', known: false,
    reading: null, pronunciation: null,
  }]);
  assert.deepEqual(plain(sql.ja_top_topics('x', 3)), [{ topic: 1, weight: 0.5 }, { topic: 3, weight: 0.3 }, { topic: 0, weight: 0.1 }]);
  assert.deepEqual(plain(sql.ja_top_topics('x', '2')), [{ topic: 1, weight: 0.5 }, { topic: 3, weight: 0.3 }]);
  assert.throws(() => sql.ja_top_topics('x', -1), { message: 'ja_top_topics: n must be a non-negative integer, got -1' });
  assert.throws(() => sql.ja_top_topics('x', 1.5), /n must be a non-negative integer/);
});

test('SQL shims: ja_analyze returns exactly the STRUCT fields the UDF contract declares, in order', () => {
  const { sql } = sqlOver();
  const returns = CONTRACT.functions.find((f) => f.name === 'analyze').returns;
  const declared = /^ARRAY<STRUCT<(.*)>>$/.exec(returns)[1].split(',').map((field) => field.trim().split(' ')[0]);
  assert.ok(declared.length > 5, returns);
  assert.deepEqual(Object.keys(plain(sql.ja_analyze('東京'))[0]), declared);
});

test('SQL shims: wrong types, the length limits with the SUBSTR hint, lone surrogates made well formed', () => {
  const { sql, calls, MAX_TEXT_UNITS, MAX_ANALYZE_UNITS } = sqlOver();
  assert.throws(() => sql.ja_tokenize(5), { message: 'ja_tokenize: expected a STRING argument, got number' });
  assert.throws(() => sql.ja_topics_from_terms('a'), { message: 'ja_topics_from_terms: expected ARRAY<STRING>' });
  // The limits come from the contract, the one copy shared with Rust and Python.
  assert.equal(MAX_ANALYZE_UNITS, CONTRACT.limits.analyze_text_utf16_units);
  assert.equal(MAX_TEXT_UNITS, CONTRACT.limits.text_utf16_units);
  assert.equal(MAX_ANALYZE_UNITS, 50000);
  assert.throws(() => sql.ja_analyze('😀'.repeat(MAX_ANALYZE_UNITS / 2) + 'a'),
    { message: 'ja_analyze: the text is 25001 characters (50001 UTF-16 units); the limit is 50000 UTF-16 units. Split it before calling ja_analyze, e.g. SUBSTR(text, 1, 25000), SUBSTR(text, 25001, 25000), ... (25000 characters always fit)' });
  assert.equal(plain(sql.ja_terms('a'.repeat(MAX_TEXT_UNITS))).length, 1);
  assert.throws(() => sql.ja_terms('a'.repeat(MAX_TEXT_UNITS + 1)), /the limit is 1000000 UTF-16 units/);
  calls.length = 0;
  sql.ja_tokenize('a\ud800 \udc00b 😀');
  assert.deepEqual(calls, [['wakati', 'a\ufffd \ufffdb 😀']]);
});

test('SQL shims: the search-mode functions ask for search mode, with their own names in errors', () => {
  const { sql, calls, MAX_ANALYZE_UNITS } = sqlOver();
  assert.equal(sql.ja_tokenize_search(null), null);
  assert.equal(sql.ja_analyze_search(undefined), null);
  assert.deepEqual(plain(sql.ja_tokenize_search(' ')), []);
  assert.deepEqual(calls, []);
  assert.deepEqual(plain(sql.ja_tokenize_search('関西 国際')), ['関西', '国際']);
  assert.equal(plain(sql.ja_analyze_search('東京'))[0].start, 1);
  sql.ja_tokenize('東京');
  assert.deepEqual(calls, [['wakati', '関西 国際', 'search'], ['tokenize', '東京', 'search'], ['wakati', '東京']]);
  assert.throws(() => sql.ja_tokenize_search(5), { message: 'ja_tokenize_search: expected a STRING argument, got number' });
  assert.throws(() => sql.ja_analyze_search('a'.repeat(MAX_ANALYZE_UNITS + 1)), /^Error: ja_analyze_search: the text is 50001 characters/);
});

test('SQL shims: ja_analyze passes readings through (NULL without); ja_reading joins readings, unknown words in katakana', () => {
  const { sqlFunctions, MAX_READING_UNITS, READINGS_FILE } = load(['sql.js'], ['sqlFunctions', 'MAX_READING_UNITS', 'READINGS_FILE']);
  assert.equal(MAX_READING_UNITS, CONTRACT.limits.reading_text_utf16_units);
  assert.equal(READINGS_FILE, CONTRACT.readings_file);
  const token = (surface, known, reading, pronunciation) => ({
    surface, start: 0, end: surface.length, pos: ['名詞', '一般', '*', '*'], conjugation: { type: '*', form: '*' }, base_form: surface, known,
    ...(reading === undefined ? {} : { reading, pronunciation }),
  });
  let readings = true;
  const calls = [];
  const api = {
    hasReadings: () => readings,
    tokenize: (s) => {
      calls.push(s);
      return readings
        ? [token('がま口', true, 'ガマグチ', 'ガマグチ'), token('は', true, 'ハ', 'ワ'), token('ぱぴぷ', false, '*', '*'), token('ゝ', true, '*', '*')]
        : [token('東京', true)];
    },
  };
  const sql = sqlFunctions(api);
  assert.equal(sql.ja_reading('がま口は ぱぴぷゝ'), 'ガマグチハパピプヽ');
  assert.deepEqual(plain(sql.ja_analyze('x')).map((r) => [r.reading, r.pronunciation]), [['ガマグチ', 'ガマグチ'], ['ハ', 'ワ'], ['*', '*'], ['*', '*']]);
  assert.equal(sql.ja_reading(null), null);
  assert.equal(sql.ja_reading(' \u3000'), '');
  assert.throws(() => sql.ja_reading('あ'.repeat(MAX_READING_UNITS + 1)), /^Error: ja_reading: the text is 100001 characters/);
  readings = false;
  assert.deepEqual(plain(sql.ja_analyze('東京')).map((r) => [r.reading, r.pronunciation]), [[null, null]]);
  calls.length = 0;
  assert.throws(() => sql.ja_reading('東京'), /^Error: ja_reading: no readings are loaded: list jatopic-readings\.js/);
  assert.deepEqual(calls, []);
});

test('sha256 equals node:crypto on lengths around the block boundaries', () => {
  const { sha256 } = load(['engine.js'], ['sha256']);
  let seed = 3;
  for (const n of [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 1000, 100_003]) {
    const bytes = Uint8Array.from({ length: n }, () => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24);
    assert.equal(sha256(bytes), crypto.createHash('sha256').update(bytes).digest('hex'), `length ${n}`);
  }
});

// wasm-opt's flag for each probed feature.
const WASM_OPT_FLAGS = {
  'sign-ext': '--enable-sign-ext', 'mutable-globals': '--enable-mutable-globals', 'nontrapping-fptoint': '--enable-nontrapping-float-to-int',
  'bulk-memory': '--enable-bulk-memory', 'multi-value': '--enable-multivalue', 'reference-types': '--enable-reference-types',
  'simd': '--enable-simd', 'tail-call': '--enable-tail-call', 'threads': '--enable-threads',
};

test('each feature probe needs exactly its feature (wasm-opt validates it with that one, rejects it with the MVP)', () => {
  const { FEATURE_PROBES, FLOOR_FEATURES, REPORTED_FEATURES, wasmFeatures } = load(['engine.js'], ['FEATURE_PROBES', 'FLOOR_FEATURES', 'REPORTED_FEATURES', 'wasmFeatures']);
  const wasmOpt = new URL('../node_modules/.bin/wasm-opt', import.meta.url).pathname;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'jatopic-probe-'));
  const validates = (file, flags) => {
    try { execFileSync(wasmOpt, ['--mvp-features', ...flags, file, '-o', path.join(tmp, 'out.wasm')], { stdio: 'pipe' }); return true; } catch { return false; }
  };
  assert.deepEqual(Object.keys(FEATURE_PROBES).sort(), [...FLOOR_FEATURES, ...REPORTED_FEATURES].sort());
  for (const [name, probe] of Object.entries(FEATURE_PROBES)) {
    const file = path.join(tmp, `${name}.wasm`);
    fs.writeFileSync(file, probe());
    assert.equal(validates(file, [WASM_OPT_FLAGS[name]]), true, `${name} with its feature`);
    assert.equal(validates(file, []), false, `${name} with the MVP only`);
  }
  // Node 20's V8 has them all.
  assert.deepEqual(Object.values(plain(wasmFeatures())).filter((x) => !x), []);
  fs.rmSync(tmp, { recursive: true });
});

// The built bundle, evaluated with a WebAssembly whose validate() rejects the
// probes of `lacking` and whose Module() throws as the engine would.
const bundleFile = process.env.JATOPIC_BUNDLE || new URL('../../build/jatopic-tokenizer.js', import.meta.url).pathname;
function bundleWithEngine(source, { lacking = [], compileError = null } = {}) {
  const context = vm.createContext({});
  const { FEATURE_PROBES } = load(['engine.js'], ['FEATURE_PROBES']);
  context.rejected = lacking.map((f) => Array.from(FEATURE_PROBES[f]()).join(','));
  context.compileError = compileError;
  vm.runInContext(`(() => {
    const real = WebAssembly;
    const stub = Object.create(real);
    stub.validate = (bytes) => !rejected.includes(Array.from(bytes).join(',')) && real.validate(bytes);
    stub.Module = function (bytes) { if (compileError) throw new real.CompileError(compileError); return new real.Module(bytes); };
    globalThis.WebAssembly = stub;
  })()`, context);
  vm.runInContext(source, context, { filename: 'jatopic-tokenizer.js' });
  return context;
}
const errorOf = (context, code) => {
  try { vm.runInContext(code, context); } catch (e) { return e.message; }
  assert.fail(`${code} did not throw`);
};

test('an engine lacking a feature of the floor is told it is too old, naming the feature, jatopic and the file', () => {
  const source = fs.readFileSync(bundleFile, 'utf8');
  const c = bundleWithEngine(source, { lacking: ['bulk-memory'], compileError: 'WebAssembly.Module(): invalid numeric opcode: 0xfc0a' });
  const message = errorOf(c, 'jatopic.wakati("東京")');
  assert.match(message, /^jatopic: this JavaScript engine is too old for jatopic-tokenizer\.js: its WebAssembly lacks bulk-memory \(the file is intact; the engine said: WebAssembly\.Module\(\): invalid numeric opcode: 0xfc0a\)/);
  assert.doesNotMatch(message, /damaged/);
  // The self-test says so too, without throwing.
  const report = plain(vm.runInContext('jatopic.selftest({version: jatopic.version, libraries: [{file: "jatopic-tokenizer.js", role: "tokenizer", sha256: "0"}], sentence: "東京", tokens: ["東京"]})', c));
  assert.equal(report.ok, false);
  assert.deepEqual(report.wasm_features_missing, ['bulk-memory']);
  assert.match(report.reason, /too old for jatopic: its WebAssembly lacks bulk-memory/);
  // The struct has exactly the fields the UDF contract declares ja_selftest() returns.
  assert.deepEqual(Object.keys(report), structFields(CONTRACT.selftest_returns));
});

// The top-level field names of a BigQuery STRUCT<...> type.
function structFields(type) {
  const inner = /^STRUCT<(.*)>$/.exec(type)[1];
  const fields = [];
  let depth = 0, start = 0;
  for (let i = 0; i <= inner.length; i++) {
    const c = inner[i];
    if (c === '<') depth++;
    else if (c === '>') depth--;
    else if ((c === ',' && depth === 0) || i === inner.length) {
      fields.push(inner.slice(start, i).trim().split(' ')[0]);
      start = i + 1;
    }
  }
  return fields;
}

test('a damaged embedded module is told apart by its SHA-256, naming jatopic and the file', () => {
  const source = fs.readFileSync(bundleFile, 'utf8');
  const marker = 'const WASM_TEXT = ' + CONTRACT.text_container_open;
  const start = source.indexOf(marker) + marker.length;
  // The first characters carry the module's magic number: a different one is a damaged copy.
  const damaged = source.slice(0, start) + 'Ā/' + source.slice(start + 2);
  const message = errorOf(bundleWithEngine(damaged), 'jatopic.wakati("東京")');
  assert.match(message, /^jatopic: jatopic-tokenizer\.js is damaged: its embedded WebAssembly module has SHA-256 [0-9a-f]{64}, not the [0-9a-f]{64} recorded when it was built \(.*\); replace it with a fresh copy/);
  assert.doesNotMatch(message, /too old/);
  // Intact, with every feature, but rejected anyway: neither damaged nor too old.
  const odd = errorOf(bundleWithEngine(source, { compileError: 'something else' }), 'jatopic.wakati("東京")');
  assert.match(odd, /^jatopic: jatopic-tokenizer\.js: the engine rejected the intact WebAssembly module \(something else\); please report it/);
});

test('the floor check: modules beyond the floor are refused by js/wasm-floor.mjs and by wasm-opt with the Makefile\'s flags', () => {
  const { FEATURE_PROBES, FLOOR_FEATURES } = load(['engine.js'], ['FEATURE_PROBES', 'FLOOR_FEATURES']);
  const makefile = fs.readFileSync(new URL('../../Makefile', import.meta.url), 'utf8');
  const flags = /^WASM_FEATURES := (.*)$/m.exec(makefile)[1].trim().split(/\s+/);
  assert.equal(flags[0], '--mvp-features');
  const wasmOpt = new URL('../node_modules/.bin/wasm-opt', import.meta.url).pathname;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'jatopic-floor-'));
  const validates = (bytes) => {
    fs.writeFileSync(`${tmp}/m.wasm`, bytes);
    try { execFileSync(wasmOpt, [...flags, `${tmp}/m.wasm`, '-o', `${tmp}/out.wasm`], { stdio: 'pipe' }); return true; } catch { return false; }
  };
  for (const f of FLOOR_FEATURES) {
    assert.deepEqual(beyondFloor(FEATURE_PROBES[f]()), [], f);
    assert.equal(validates(FEATURE_PROBES[f]()), true, f);
  }
  assert.deepEqual(beyondFloor(FEATURE_PROBES['multi-value']()), ['type 0: 2 results (multi-value)']);
  assert.deepEqual(beyondFloor(FEATURE_PROBES['reference-types']()), ['type 0 result 0: externref (reference types)']);
  assert.deepEqual(beyondFloor(FEATURE_PROBES.simd()), ['type 0 parameter 0: v128 (SIMD)']);
  assert.deepEqual(featuresNeeded(FEATURE_PROBES['multi-value']()), [...FLOOR_FEATURES, 'multi-value']);
  for (const f of ['multi-value', 'reference-types', 'simd', 'tail-call', 'threads']) assert.equal(validates(FEATURE_PROBES[f]()), false, f);
  // The target_features section: rewritten to the floor (what wasm-bindgen reads), or dropped.
  const probe = FEATURE_PROBES['sign-ext']();
  const withFloor = setFloorFeatures(stripFeatures(probe));
  assert.deepEqual(targetFeatures(withFloor), [...FLOOR_FEATURES]);
  assert.equal(targetFeatures(stripFeatures(withFloor)), null);
  assert.deepEqual(Buffer.from(stripFeatures(withFloor)), Buffer.from(probe));
  fs.rmSync(tmp, { recursive: true });
});
