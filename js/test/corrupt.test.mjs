// Corrupt model and dictionary bytes in wasm: the bundle, in a bare V8
// context as in BigQuery, rejects each with a JS Error naming the source
// (which model, or jatopic-tokenizer.js's embedded dictionary) and the
// problem — never a wasm trap — and keeps working with the model it had.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { execFileSync } from 'node:child_process';
import { CONTRACT, encode7, DECODE7_SOURCE } from '../bundle.mjs';

const root = new URL('../../', import.meta.url).pathname;
const bundleFile = process.env.JATOPIC_BUNDLE || `${root}build/jatopic-tokenizer.js`;
const nativeBin = process.env.JATOPIC_BIN || `${root}target/release/jatopic`;
const source = fs.readFileSync(bundleFile, 'utf8');
const decode7 = new Function(`${DECODE7_SOURCE}; return decode7;`)();

function context(src = source) {
  const c = vm.createContext({});
  vm.runInContext(src, c, { filename: 'jatopic-tokenizer.js' });
  return c;
}

// Two small models trained by the native CLI on sentences written here.
function trainModel(seed, lexicon = 'compact') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jatopic-corrupt-js-'));
  const corpus = path.join(dir, 'sentences.txt');
  fs.writeFileSync(corpus, [
    '陶器のマグカップでコーヒーを飲む', '手作りの陶器の皿と茶碗', '青い釉薬のマグカップと湯呑み',
    '毛糸で編んだニットの帽子', '冬のニット帽子と手袋を編む', 'ウールの毛糸でマフラーを編む',
  ].join('\n') + '\n');
  const out = path.join(dir, 'model.jtm');
  execFileSync(nativeBin, ['train', '--k', '2', '--iterations', '20', '--min-df', '1', '--max-df', '1.0',
    '--seed', String(seed), '--lexicon', lexicon, '--input-format', 'text', '--out', out, corpus], { stdio: 'pipe' });
  return new Uint8Array(fs.readFileSync(out));
}
const goodModel = trainModel(1);
const otherModel = trainModel(7);

const flip = (bytes, at, bit) => { const b = bytes.slice(); b[at] ^= 1 << bit; return b; };
const withBytes = (bytes, at, values) => { const b = bytes.slice(); b.set(values, at); return b; };

// Model layout: magic (12), version u16, payload length u32, checksum u64, xz payload.
function modelCases(m) {
  const payload = 12 + 2 + 4 + 8;
  const n = m.length;
  return [
    ['empty', m.slice(0, 0), 'file is empty (0 bytes)'],
    ['truncated in the magic', m.slice(0, 5), 'truncated: the file has 5 bytes'],
    ['truncated in the header', m.slice(0, 15), 'truncated: the file has 15 bytes, less than the 26-byte header'],
    ['truncated after the header', m.slice(0, payload), 'truncated'],
    ['truncated in the payload', m.slice(0, payload + ((n - payload) >> 1)), 'truncated'],
    ['truncated by one byte', m.slice(0, n - 1), 'truncated'],
    ['magic bit flip', flip(m, 3, 2), 'bad magic'],
    ['wrong magic (a dictionary)', withBytes(m.slice(1), 0, new TextEncoder().encode('JATOPIC-DICT\n')), 'bad magic'],
    ['version bit flip', flip(m, 12, 1), 'format version 0 is not supported by this jatopic (expects 2 to 3)'],
    ['future version', withBytes(m, 12, [9, 0]), 'format version 9 is not supported by this jatopic (expects 2 to 3): retrain'],
    ['checksum bit flip', flip(m, 20, 5), 'checksum mismatch'],
    ['wrong checksum', withBytes(m, 18, new Uint8Array(8)), 'checksum mismatch: the header says 0000000000000000'],
    ['payload length bit flip', flip(m, 14, 0), 'corrupted'],
    ['payload bit flip (start)', flip(m, payload + 20, 3), /corrupted|checksum mismatch/],
    ['payload bit flip (middle)', flip(m, payload + ((n - payload) >> 1), 6), /corrupted|checksum mismatch/],
    ['payload bit flip (end)', flip(m, n - 40, 1), /corrupted|checksum mismatch/],
  ];
}

// loadModel checks for a Uint8Array of the bundle's own context.
const inContext = (c, bytes) => new (vm.runInContext('Uint8Array', c))(bytes);

function assertRejected(c, run, source, problem, label) {
  let error = null;
  try { run(); } catch (e) { error = e; }
  assert.ok(error !== null, `${label}: accepted`);
  // An Error of the bundle's context, not a wasm trap.
  assert.equal(error.constructor.name, 'Error', `${label}: ${error && error.stack}`);
  assert.ok(!(error instanceof vm.runInContext('WebAssembly.RuntimeError', c)), label);
  assert.doesNotMatch(error.message, /unreachable|internal error|RuntimeError/, label);
  assert.ok(error.message.includes(source), `${label}: ${JSON.stringify(source)} not in ${error.message}`);
  if (problem instanceof RegExp) assert.match(error.message, problem, label);
  else assert.ok(error.message.includes(problem), `${label}: ${JSON.stringify(problem)} not in ${error.message}`);
}

test('jatopic.loadModel rejects every corrupt model and keeps the loaded one', () => {
  const c = context();
  c.good = inContext(c, goodModel);
  const info = vm.runInContext('jatopic.loadModel(good)', c);
  const topics = JSON.stringify(vm.runInContext('jatopic.topics("陶器のマグカップと茶碗")', c));
  for (const [label, bytes, problem] of modelCases(otherModel)) {
    c.bad = inContext(c, bytes);
    assertRejected(c, () => vm.runInContext('jatopic.loadModel(bad)', c),
      `the model given to jatopic.loadModel (${bytes.length} bytes)`, problem, label);
    // The model loaded before still answers, identically.
    assert.equal(JSON.stringify(vm.runInContext('jatopic.topics("陶器のマグカップと茶碗")', c)), topics, label);
    assert.equal(vm.runInContext('jatopic.modelInfo().k', c), info.k, label);
  }
  assert.deepEqual(JSON.parse(JSON.stringify(vm.runInContext('jatopic.wakati("東京に行く")', c))), ['東京', 'に', '行く']);
});

test('no truncation or bit flip of a model traps the wasm module', () => {
  const c = context();
  c.good = inContext(c, goodModel);
  const info = JSON.stringify(vm.runInContext('jatopic.loadModel(good)', c));
  const tryLoad = (bytes, label) => {
    c.bad = inContext(c, bytes);
    try {
      // Accepted only when the flip lands in bits the decoder ignores: the same model.
      assert.equal(JSON.stringify(vm.runInContext('jatopic.loadModel(bad)', c)), info, `${label}: a different model accepted`);
      return 1;
    } catch (e) {
      if (e.code === 'ERR_ASSERTION') throw e;
      assert.equal(e.constructor.name, 'Error', `${label}: ${e.stack}`);
      assert.match(e.message, /^jatopic: the model given to jatopic\.loadModel \(\d+ bytes\) was rejected: /, label);
      return 0;
    }
  };
  for (let n = 0; n < goodModel.length; n++) assert.equal(tryLoad(goodModel.slice(0, n), `truncated to ${n}`), 0);
  let same = 0;
  for (let at = 0; at < goodModel.length; at++) {
    for (let bit = 0; bit < 8; bit++) same += tryLoad(flip(goodModel, at, bit), `byte ${at} bit ${bit}`);
  }
  assert.ok(same <= 64, `${same} bit flips went unnoticed`);
  assert.equal(vm.runInContext('jatopic.wakati("東京に行く").length', c), 3);
});

test('a model trained with --lexicon full is refused while the compact lexicon is loaded, the loaded one kept', () => {
  const fullModel = trainModel(1, 'full');
  const c = context();
  c.good = inContext(c, goodModel);
  vm.runInContext('jatopic.loadModel(good)', c);
  const topics = JSON.stringify(vm.runInContext('jatopic.topics("陶器のマグカップと茶碗")', c));
  c.full = inContext(c, fullModel);
  assertRejected(c, () => vm.runInContext('jatopic.loadModel(full)', c), 'jatopic.loadModel',
    'the model was trained with --lexicon full, but the compact lexicon is loaded', 'full tier');
  assert.equal(JSON.stringify(vm.runInContext('jatopic.topics("陶器のマグカップと茶碗")', c)), topics);
});

// The parts as `jatopic package` writes them: encode7 text, split in two.
function addParts(c, bytes, damage = (parts) => parts) {
  const half = bytes.length >> 1;
  const parts = damage([bytes.slice(0, half), bytes.slice(half)].map((p) => ({ bytes: p.length, data: encode7(p) })));
  parts.forEach((p, i) => { c.part = p; c.i = i; vm.runInContext('jatopic.addModelPart(i, 2, part.bytes, part.data)', c); });
}

test('a corrupt packaged model (jatopic.addModelPart) is an Error naming its part files', () => {
  const c = context();
  addParts(c, goodModel);
  const topics = JSON.stringify(vm.runInContext('jatopic.topics("ニットの帽子")', c));
  // A rejected loadModel leaves the packaged model in use.
  c.bad = inContext(c, modelCases(otherModel)[10][1]);
  assertRejected(c, () => vm.runInContext('jatopic.loadModel(bad)', c), 'jatopic.loadModel', 'checksum mismatch', 'loadModel over parts');
  assert.equal(JSON.stringify(vm.runInContext('jatopic.topics("ニットの帽子")', c)), topics);
  const cases = modelCases(otherModel).filter(([, bytes]) => bytes.length >= 2);
  for (const [label, bytes, problem] of cases) {
    addParts(c, bytes);
    const what = `the packaged model (jatopic-model-1.js to jatopic-model-2.js, ${bytes.length} bytes) was rejected`;
    assertRejected(c, () => vm.runInContext('jatopic.topics("ニットの帽子")', c), what, problem, label);
    // Every later call says so again; the tokenizer is unaffected.
    assertRejected(c, () => vm.runInContext('jatopic.modelInfo()', c), what, problem, label);
    assert.equal(vm.runInContext('jatopic.wakati("東京に行く").length', c), 3, label);
  }
  // Part text shorter than its declared size.
  addParts(c, goodModel, (parts) => { parts[1].data = parts[1].data.slice(0, -50); return parts; });
  assertRejected(c, () => vm.runInContext('jatopic.topics("ニットの帽子")', c),
    'the packaged model (jatopic-model-1.js to jatopic-model-2.js', 'is damaged: embedded data is truncated', 'short part');
  // The good parts again: the same answers as before.
  addParts(c, goodModel);
  assert.equal(JSON.stringify(vm.runInContext('jatopic.topics("ニットの帽子")', c)), topics);
});

// The embedded dictionary (the compact lexicon beside the wasm module):
// decode it from the bundle, damage it, and put it back.
const dictMarker = 'const DICT_TEXT = ' + CONTRACT.text_container_open;
const textStart = source.indexOf(dictMarker) + dictMarker.length;
const textEnd = source.indexOf(CONTRACT.text_container_close, textStart);
const dictBytes = Number(/const DICT_BYTES = (\d+);/.exec(source)[1]);
const dict = decode7(source.slice(textStart, textEnd), dictBytes);
const dictAt = 0;

function bundleWith(dictCopy) {
  return source.slice(0, textStart) + encode7(dictCopy) + source.slice(textEnd);
}

test('a damaged embedded dictionary is an Error naming jatopic-tokenizer.js, not a trap', () => {
  assert.equal(Buffer.from(dict.subarray(0, 13)).toString(), 'JATOPIC-DICT\n', 'the bundle carries a dictionary');
  const view = new DataView(dict.buffer, dict.byteOffset);
  const stored = view.getUint32(dictAt + 15, true);
  const head = dictAt + 31;
  const cases = [
    ['magic bit flip', flip(dict, dictAt + 2, 1), 'bad magic'],
    ['future version', withBytes(dict, dictAt + 13, [9, 0]), 'format version 9 is not supported by this jatopic (expects 2 to 4)'],
    ['checksum bit flip', flip(dict, dictAt + 23, 4), 'checksum mismatch'],
    ['stored section bit flip', flip(dict, head + (stored >> 1), 2), 'checksum mismatch'],
    ['payload bit flip', flip(dict, head + stored + 4000, 5), /corrupted|checksum mismatch/],
    ['stored length past the end', withBytes(dict, dictAt + 15, [0xff, 0xff, 0xff, 0x00]), 'truncated: the header says the stored section has 16777215 bytes'],
    ['payload length over the limit', withBytes(dict, dictAt + 19, [0xff, 0xff, 0xff, 0x7f]), 'over the 16777216-byte limit'],
  ];
  for (const [label, bytes, problem] of cases) {
    const c = context(bundleWith(bytes));
    for (const call of ['jatopic.wakati("東京に行く")', 'jatopic.init()']) {
      assertRejected(c, () => vm.runInContext(call, c), 'jatopic-tokenizer.js', problem, `${label}: ${call}`);
    }
  }
  // The embedded text cut short (a truncated copy of the file's data).
  const cut = source.slice(0, textStart) + source.slice(textStart, textEnd - 5000) + source.slice(textEnd);
  const c = context(cut);
  assertRejected(c, () => vm.runInContext('jatopic.wakati("東京")', c), 'jatopic-tokenizer.js', 'embedded data is truncated', 'cut text');
  // The untouched module still round-trips (the test's decoding is right).
  assert.equal(vm.runInContext('jatopic.wakati("東京に行く").length', context(bundleWith(dict))), 3);
});
