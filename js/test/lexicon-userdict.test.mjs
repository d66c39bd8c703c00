// The full lexicon and user dictionaries outside the CLI: a package written
// by `jatopic package --lexicon full --user-dict FILE --readings --model M`
// (jatopic-tokenizer.js without its compact lexicon, jatopic-lexicon-*.js,
// jatopic-userdict.js, jatopic-readings.js, the model) evaluated in a bare V8
// context (node:vm) or the sandbox must give exactly the CLI's tokens,
// readings and topics; jatopic.loadUserDictionary must give the CLI's tokens
// and, for a bad file, the CLI's FILE:LINE: problem; a model is refused with
// another lexicon or user dictionary than it was trained with.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { execFileSync, spawnSync } from 'node:child_process';
import { loadPackage } from '../bq-sandbox.mjs';
import { CONTRACT } from '../bundle.mjs';

const root = new URL('../../', import.meta.url).pathname;
const bundleFile = process.env.JATOPIC_BUNDLE || `${root}build/jatopic-tokenizer.js`;
const nativeBin = process.env.JATOPIC_BIN || `${root}target/release/jatopic`;
// Written by `make web-test`.
const fullPackage = process.env.JATOPIC_FULL_PACKAGE || `${root}build/web-test-package-full`;
const fullModel = `${root}build/web-test-model-full.jtm`;
const USER_DICT = `${root}tests/fixtures/user-dict/shop.csv`;
const plain = (x) => JSON.parse(JSON.stringify(x));
const lines = (file) => fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '');
const SENTENCES = lines(`${root}tests/fixtures/user-dict/sentences.txt`);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'jatopic-lexicon-test-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

const manifest = JSON.parse(fs.readFileSync(path.join(fullPackage, 'manifest.json'), 'utf8'));
const files = manifest.files.map((f) => f.path);
const source = (file) => fs.readFileSync(path.join(fullPackage, file), 'utf8');
function context(...sources) {
  const c = vm.createContext({});
  for (const s of sources) vm.runInContext(s, c);
  return c;
}
const errorOf = (c, expr) => vm.runInContext(`(() => { try { ${expr}; return null; } catch (e) { return e.message; } })()`, c);
const native = (args, input) => execFileSync(nativeBin, args, { input, maxBuffer: 1 << 28 }).toString('utf8')
  .split('\n').filter((l) => l !== '').map((l) => JSON.parse(l));

test('a full-lexicon package: its files fit, the tokenizer file carries no lexicon, every function lists the lexicon and user dictionary', () => {
  const lexicon = files.filter((f) => f.startsWith(CONTRACT.lexicon_file_prefix));
  assert.ok(lexicon.length >= 2, files.join(', '));
  assert.deepEqual(files.slice(0, 1 + lexicon.length + 2), [CONTRACT.tokenizer_file, ...lexicon, CONTRACT.user_dictionary_file, CONTRACT.readings_file]);
  let total = 0;
  for (const f of manifest.files) {
    assert.ok(f.bytes <= CONTRACT.limits.library_file_bytes, `${f.path}: ${f.bytes} bytes`);
    total += f.bytes;
  }
  assert.ok(total <= CONTRACT.limits.query_code_bytes, `${total} bytes in all`);
  assert.match(source(CONTRACT.tokenizer_file), /\nconst DICT_BYTES = 0;\nconst DICT_SHA256 = '';\nconst DICT_TEXT = '';\n/);
  for (const f of manifest.functions.filter((f) => f.libraries.length > 0)) {
    const libs = f.libraries.map((l) => l.split('/').pop());
    assert.deepEqual(libs.slice(0, lexicon.length + 2), [CONTRACT.tokenizer_file, ...lexicon, CONTRACT.user_dictionary_file], f.name);
  }
});

// The package's files in order, as BigQuery evaluates a function's libraries.
const everyFile = () => context(...files.map(source));

test('tokens, readings and topics in the full package are the CLI\'s with --lexicon full --user-dict', () => {
  const c = everyFile();
  assert.equal(vm.runInContext('jatopic.lexicon()', c), 'full');
  assert.equal(vm.runInContext('jatopic.hasUserDictionary() && jatopic.hasReadings()', c), true);
  const want = native(['tokenize', '--lexicon', 'full', '--user-dict', USER_DICT, '--output', 'json'], SENTENCES.join('\n') + '\n');
  let userWords = 0;
  SENTENCES.forEach((line, i) => {
    c.line = line;
    const got = plain(vm.runInContext('jatopic.tokenize(line)', c));
    assert.deepEqual(got, want[i], `${i + 1}: ${line}`);
    userWords += got.filter((t) => t.known && t.pos[1] === '一般' && /[がハ]/.test(t.surface[0])).length;
  });
  assert.ok(userWords > 0, 'the user dictionary reached the tokens');
  const input = SENTENCES.map((text, i) => JSON.stringify({ id: String(i), text })).join('\n') + '\n';
  const theta = native(['infer', '--input-format', 'ndjson', '--output', 'ndjson', '--id-field', 'id', '--model', fullModel, '--user-dict', USER_DICT, '-'], input);
  SENTENCES.forEach((line, i) => {
    c.line = line;
    assert.deepEqual(plain(vm.runInContext('jatopic.topics(line)', c)), theta[i].topics, `${i + 1}: ${line}`);
  });
});

test('ja_selftest() passes in the full package, and ja_analyze gives the CLI\'s readings', async () => {
  const gcs = manifest.files[0].uri.replace(/\/[^/]*$/, '');
  const pkg = loadPackage(`${fullPackage}/create_functions.sql`, { gcsMap: { [gcs]: fullPackage } });
  const worker = pkg.createWorker({ timeoutMs: 0 });
  try {
    const r = plain(await worker.call('ja_selftest', []));
    assert.equal(r.ok, true, r.reason);
    assert.deepEqual(r.libraries.map((l) => l.file), files);
    const rows = plain(await worker.call('ja_analyze', [SENTENCES[0]]));
    const want = native(['tokenize', '--lexicon', 'full', '--user-dict', USER_DICT, '--output', 'json'], SENTENCES[0] + '\n')[0];
    assert.deepEqual(rows.map((r) => [r.surface, r.pos1, r.base_form, r.reading, r.pronunciation]),
      want.map((t) => [t.surface, t.pos[0], t.base_form, t.reading, t.pronunciation]));
  } finally {
    await worker.close?.();
  }
});

test('a full package missing lexicon files says which to list', () => {
  const lexicon = files.filter((f) => f.startsWith(CONTRACT.lexicon_file_prefix));
  const alone = context(source(CONTRACT.tokenizer_file));
  assert.match(errorOf(alone, 'jatopic.wakati("東京")'), /package with the full lexicon.*jatopic-lexicon-\*\.js files: list them after it/);
  const gap = context(source(CONTRACT.tokenizer_file), source(lexicon[0]), ...lexicon.slice(2).map(source));
  assert.match(errorOf(gap, 'jatopic.wakati("東京")'), new RegExp(`full lexicon part 2 of ${lexicon.length} is missing`));
  // A damaged part is named.
  const open = CONTRACT.text_container_open;
  const at = source(lexicon[1]).indexOf(open) + open.length;
  const damaged = source(lexicon[1]).slice(0, at + 500) + source(lexicon[1]).slice(at + 501);
  const c = context(source(CONTRACT.tokenizer_file), source(lexicon[0]), damaged, ...lexicon.slice(2).map(source));
  assert.match(errorOf(c, 'jatopic.wakati("東京")'), /jatopic-lexicon-2\.js is damaged|full lexicon .* the library files are damaged/);
  // A part whose data comment a minifier dropped: named, with the cause.
  const minified = source(lexicon[1]).replace(/\/\*[^*]*\*\//, '');
  assert.ok(minified.includes(', function () {});'), minified.slice(-200));
  const m = context(source(CONTRACT.tokenizer_file), source(lexicon[0]), minified, ...lexicon.slice(2).map(source));
  assert.match(errorOf(m, 'jatopic.wakati("東京")'), /jatopic-lexicon-2\.js is damaged: embedded data is missing \(its comment was removed: deploy the library files unmodified, not minified\)/);
});

// The compact lexicon with its readings (the CLI's JSON always has them).
const compactReadings = process.env.JATOPIC_READINGS_PACKAGE || `${root}build/web-test-package-readings`;
const compact = () => context(fs.readFileSync(bundleFile, 'utf8'), fs.readFileSync(path.join(compactReadings, CONTRACT.readings_file), 'utf8'));
const CSV = fs.readFileSync(USER_DICT, 'utf8');

test('jatopic.loadUserDictionary gives the CLI\'s tokens; clearUserDictionary undoes it', () => {
  const c = compact();
  const before = SENTENCES.map((line) => { c.line = line; return plain(vm.runInContext('jatopic.tokenize(line)', c)); });
  c.csv = CSV;
  const surfaces = vm.runInContext('jatopic.loadUserDictionary(csv, "shop.csv")', c);
  assert.ok(surfaces >= 100, `${surfaces} surfaces`);
  const want = native(['tokenize', '--user-dict', USER_DICT, '--output', 'json'], SENTENCES.join('\n') + '\n');
  let changed = 0;
  SENTENCES.forEach((line, i) => {
    c.line = line;
    const got = plain(vm.runInContext('jatopic.tokenize(line)', c));
    assert.deepEqual(got, want[i], `${i + 1}: ${line}`);
    assert.deepEqual(plain(vm.runInContext('jatopic.wakati(line)', c)), want[i].map((t) => t.surface));
    if (JSON.stringify(got) !== JSON.stringify(before[i])) changed++;
  });
  assert.ok(changed >= SENTENCES.length / 2, `${changed} of ${SENTENCES.length} sentences changed`);
  vm.runInContext('jatopic.clearUserDictionary()', c);
  assert.equal(vm.runInContext('jatopic.hasUserDictionary()', c), false);
  SENTENCES.forEach((line, i) => { c.line = line; assert.deepEqual(plain(vm.runInContext('jatopic.tokenize(line)', c)), before[i]); });
});

test('a user dictionary of several pieces of text reaches wasm whole: its SHA-256 is its UTF-8\'s, a pair across two pieces and lone surrogates included', () => {
  const c = compact();
  c.csv = CSV;
  const surfaces = vm.runInContext('jatopic.loadUserDictionary(csv, "shop.csv")', c);
  // 𠮷 (a surrogate pair) on units 65535 and 65536, across the first two
  // pieces of 65,536 units (api.js); lone surrogates, as U+FFFD in UTF-8.
  const first = '# ' + 'x'.repeat(65535 - 2) + '\u{20BB7}\n';
  assert.equal(first.charCodeAt(65535), 0xd842);
  const big = first + '# lone \ud800 and \udc00\n' + CSV + '# ' + 'あ'.repeat(70000) + '\n';
  c.csv = big;
  assert.equal(vm.runInContext('jatopic.loadUserDictionary(csv, "big.csv")', c), surfaces);
  c.line = SENTENCES[0];
  const want = native(['tokenize', '--user-dict', USER_DICT, '--output', 'json'], SENTENCES[0] + '\n');
  assert.deepEqual(plain(vm.runInContext('jatopic.tokenize(line)', c)), want[0]);
  // A model trained without a user dictionary names the loaded one's SHA-256.
  c.model = new Uint8Array(fs.readFileSync(`${root}build/web-test-model-1.jtm`));
  vm.runInContext('model = new Uint8Array(model)', c);
  const sha = crypto.createHash('sha256').update(Buffer.from(big, 'utf8')).digest('hex');
  assert.match(errorOf(c, 'jatopic.loadModel(model)'), new RegExp(`trained without a user dictionary, but one is loaded \\(SHA-256 ${sha}\\)`));
});

// Bad user dictionaries: the CLI's message (FILE:LINE: problem) is the JS Error's.
const BAD = [
  ['columns', 'がま口,名詞\n'],
  ['mixed', 'がま口,がま口,ガマグチ,名詞\nハーバリウム,,,,名詞,一般,*,*,*,*,ハーバリウム,ハーバリウム,ハーバリウム\n'],
  ['empty surface', ',,,,名詞,一般,*,*,*,*,*,*,*\n'],
  ['segmentation', '関西国際空港,関西 国際 空,カンサイ コクサイ クウコウ,カスタム名詞\n'],
  ['readings', '関西国際空港,関西 国際 空港,カンサイ コクサイ,カスタム名詞\n'],
  ['id', 'がま口,x,1285,100,名詞,一般,*,*,*,*,がま口,ガマグチ,ガマグチ\n'],
  ['cost', 'がま口,1285,1285,1e9,名詞,一般,*,*,*,*,がま口,ガマグチ,ガマグチ\n'],
  ['range', 'がま口,99999,1285,100,名詞,一般,*,*,*,*,がま口,ガマグチ,ガマグチ\n'],
  ['conflict', 'がま口,1285,1285,100,名詞,一般,*,*,*,*,がま口,ガマグチ,ガマグチ\nがま口,1285,1285,200,名詞,一般,*,*,*,*,がま口,ガマグチ,ガマグチ\n'],
  ['quote', '"がま口,1285,1285,100,名詞,一般,*,*,*,*,がま口,ガマグチ,ガマグチ\n'],
  ['pos', 'がま口,,,,名詞,ない品詞,*,*,*,*,がま口,ガマグチ,ガマグチ\n'],
  ['nothing', '# only a comment\n\n'],
];

test('a bad user dictionary throws the CLI\'s FILE:LINE: problem, and the one in use stays', () => {
  const c = compact();
  c.csv = CSV;
  vm.runInContext('jatopic.loadUserDictionary(csv, "shop.csv")', c);
  c.line = SENTENCES[0];
  const before = plain(vm.runInContext('jatopic.tokenize(line)', c));
  for (const [name, csv] of BAD) {
    const file = path.join(tmp, 'bad.csv');
    fs.writeFileSync(file, csv);
    const r = spawnSync(nativeBin, ['tokenize', '--user-dict', file], { input: '東京\n', encoding: 'utf8' });
    assert.notEqual(r.status, 0, `${name}: the CLI refuses it`);
    const cli = /^jatopic: (?:invalid input: )?(.*)$/m.exec(r.stderr)[1].replace(file, 'bad.csv');
    assert.match(cli, /^bad\.csv(:\d+)?: /, `${name}: ${cli}`);
    c.csv = csv;
    const message = errorOf(c, 'jatopic.loadUserDictionary(csv, "bad.csv")');
    assert.ok(message !== null && message.endsWith(cli), `${name}: JS ${JSON.stringify(message)}, CLI ${JSON.stringify(cli)}`);
    assert.deepEqual(plain(vm.runInContext('jatopic.tokenize(line)', c)), before, `${name}: the dictionary in use stays`);
  }
  // Over the size limit: refused from its length, counted in UTF-8 bytes as
  // the CLI counts a file's (a 4-byte character last), without holding it.
  c.csv = 'a'.repeat(64 * 1024 * 1024 - 1) + '\u{20BB7}';
  const memory = vm.runInContext('jatopic.memoryBytes()', c);
  assert.match(errorOf(c, 'jatopic.loadUserDictionary(csv, "huge.csv")'), /huge\.csv: 67108867 bytes, over the limit of 67108864 bytes for a user dictionary$/);
  assert.ok(vm.runInContext('jatopic.memoryBytes()', c) < memory + (8 << 20), 'the text was not held in wasm memory');
  assert.deepEqual(plain(vm.runInContext('jatopic.tokenize(line)', c)), before, 'huge: the dictionary in use stays');
  for (const bad of ['null', '42', 'undefined']) {
    assert.match(errorOf(c, `jatopic.loadUserDictionary(${bad})`), /jatopic\.loadUserDictionary: expected a string/);
  }
});

test('a model is refused with another lexicon or user dictionary than it was trained with (JS and CLI)', () => {
  const c = compact();
  c.model = new Uint8Array(fs.readFileSync(fullModel));
  vm.runInContext('model = new Uint8Array(model)', c);
  assert.match(errorOf(c, 'jatopic.loadModel(model)'), /trained with --lexicon full, but the compact lexicon is loaded/);
  c.full = fs.readFileSync(`${root}dict/ipadic-full.jtd`);
  vm.runInContext('jatopic.loadDictionary(new Uint8Array(full))', c);
  assert.match(errorOf(c, 'jatopic.loadModel(model)'), /trained with a user dictionary \(SHA-256 [0-9a-f]{64}\), but none is loaded/);
  c.csv = CSV;
  vm.runInContext('jatopic.loadUserDictionary(csv, "shop.csv")', c);
  assert.equal(errorOf(c, 'jatopic.loadModel(model)'), null);
  c.line = SENTENCES[1];
  const topics = plain(vm.runInContext('jatopic.topics(line)', c));
  assert.equal(topics.length, 8);
  // Another user dictionary loaded since: the model's functions refuse to run.
  c.csv = CSV.split('\n').slice(1).join('\n');
  vm.runInContext('jatopic.loadUserDictionary(csv, "other.csv")', c);
  assert.match(errorOf(c, 'jatopic.topics(line)'), /trained with the user dictionary of SHA-256 [0-9a-f]{64}, but the one loaded has SHA-256/);
  // The CLI: the same model packaged without its user dictionary, or with another.
  const other = path.join(tmp, 'other.csv');
  fs.writeFileSync(other, c.csv);
  for (const [extra, message] of [[[], /trained with a user dictionary .* this command was given none/], [['--user-dict', other], /is not the user dictionary .* was trained with/]]) {
    const r = spawnSync(nativeBin, ['package', '--out', path.join(tmp, 'refused'), '--gcs-prefix', 'gs://jatopic-test/x', '--dataset', 'jatopic-test.x',
      '--library', bundleFile, '--model', fullModel, ...extra], { encoding: 'utf8' });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, message);
    assert.ok(!fs.existsSync(path.join(tmp, 'refused')), 'nothing written');
  }
  // Given --lexicon compact against a full model.
  const r = spawnSync(nativeBin, ['package', '--out', path.join(tmp, 'refused'), '--gcs-prefix', 'gs://jatopic-test/x', '--dataset', 'jatopic-test.x',
    '--library', bundleFile, '--model', fullModel, '--user-dict', USER_DICT, '--lexicon', 'compact'], { encoding: 'utf8' });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /trained with --lexicon full, this command was given --lexicon compact/);
});
