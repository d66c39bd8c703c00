// End-to-end tests of the BigQuery package: `jatopic package` output, run in
// the local BigQuery sandbox (js/bq-sandbox.mjs), must give exactly what the
// native CLI gives. Needs target/release/jatopic and build/jatopic-tokenizer.js
// (`make test` builds both). The 10,000-line dev check skips without ../shared.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { loadPackage } from '../bq-sandbox.mjs';

const root = new URL('../../', import.meta.url).pathname;
const bin = process.env.JATOPIC_BIN || `${root}target/release/jatopic`;
const library = process.env.JATOPIC_BUNDLE || `${root}build/jatopic-tokenizer.js`;
const shared = process.env.JATOPIC_SHARED || `${root}../shared`;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'jatopic-package-'));
const goldenFiles = ['titles', 'news', 'edge'].map((n) => `${root}tests/golden/${n}.txt`);

function run(args, input) {
  return execFileSync(bin, args, { input, maxBuffer: 1 << 30 }).toString('utf8');
}
const ndjson = (text) => text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l));
const lines = (file) => fs.readFileSync(file, 'utf8').split('\n').filter((l) => l !== '');

let pkg, worker, goldenLines, model2pkg, searchPkg;

before(() => {
  // Two small models over our own golden sentences: the default term pipeline,
  // and one without normalisation/lower-casing and with extra stop words.
  run(['train', '--k', '6', '--iterations', '30', '--seed', '3', '--min-df', '1', '--max-df', '1.0',
    '--input-format', 'text', '--out', `${tmp}/m1.jtm`, ...goldenFiles]);
  fs.writeFileSync(`${tmp}/stop.txt`, '作品\n販売\n');
  run(['train', '--k', '4', '--iterations', '30', '--seed', '3', '--min-df', '1', '--max-df', '1.0',
    '--no-normalize', '--no-lowercase', '--stopwords', `${tmp}/stop.txt`,
    '--input-format', 'text', '--out', `${tmp}/m2.jtm`, ...goldenFiles]);
  // And one trained in search mode, which the package must serve in search mode.
  run(['train', '--k', '6', '--iterations', '30', '--seed', '3', '--min-df', '1', '--max-df', '1.0', '--mode', 'search',
    '--input-format', 'text', '--out', `${tmp}/m3.jtm`, ...goldenFiles]);
  for (const [dir, model] of [['pkg', 'm1'], ['pkg2', 'm2'], ['pkg3', 'm3']]) {
    run(['package', '--out', `${tmp}/${dir}`, '--gcs-prefix', 'gs://jatopic-test/pkg', '--dataset', 'test-project.jatopic',
      '--model', `${tmp}/${model}.jtm`, '--library', library]);
  }
  pkg = loadPackage(`${tmp}/pkg`);
  worker = pkg.createWorker({ timeoutMs: 0 });
  model2pkg = loadPackage(`${tmp}/pkg2`);
  searchPkg = loadPackage(`${tmp}/pkg3`);
  goldenLines = goldenFiles.flatMap(lines);
});

async function sandboxAll(w, name, rows) {
  const out = [];
  for (const r of rows) out.push(await w.call(name, r));
  return out;
}

function nativeTokens(textLines, mode = 'normal') {
  return ndjson(run(['tokenize', '--output', 'json', '--mode', mode], textLines.join('\n') + '\n'));
}

function assertAnalyzeMatches(textLines, analyzed, native, label) {
  assert.equal(analyzed.length, native.length);
  for (let i = 0; i < native.length; i++) {
    const expected = native[i].map((t) => ({
      surface: t.surface, start: t.start + 1, length: t.end - t.start,
      pos1: t.pos[0], pos2: t.pos[1], pos3: t.pos[2], pos4: t.pos[3],
      conjugation_type: t.conjugation.type, conjugation_form: t.conjugation.form,
      base_form: t.base_form, known: t.known,
      // A package without jatopic-readings.js (see readings.test.mjs for one with it).
      reading: null, pronunciation: null,
    }));
    assert.deepEqual(analyzed[i], expected, `${label}:${i + 1}: ${textLines[i]}`);
    // start/length are SUBSTR positions in characters.
    const chars = Array.from(textLines[i]);
    for (const t of analyzed[i]) assert.equal(chars.slice(t.start - 1, t.start - 1 + t.length).join(''), t.surface);
  }
}

test('every library file fits BigQuery; the tokenizer is one file', () => {
  const m = JSON.parse(fs.readFileSync(`${tmp}/pkg/manifest.json`, 'utf8'));
  assert.equal(m.files[0].path, 'jatopic-tokenizer.js');
  for (const f of m.files) {
    assert.ok(f.bytes <= 1_000_000, `${f.path}: ${f.bytes}`);
    assert.equal(fs.statSync(`${tmp}/pkg/${f.path}`).size, f.bytes);
    assert.ok(f.uri.startsWith('gs://jatopic-test/pkg/'));
  }
  const tok = m.functions.find((f) => f.name === 'ja_tokenize');
  assert.deepEqual(tok.libraries, ['gs://jatopic-test/pkg/jatopic-tokenizer.js']);
  assert.deepEqual(m.functions.map((f) => f.name),
    ['ja_tokenize', 'ja_analyze', 'ja_tokenize_search', 'ja_analyze_search', 'ja_terms', 'ja_topics', 'ja_top_topics_js', 'ja_top_topics', 'ja_topics_from_terms', 'ja_selftest']);
  // No JavaScript function takes INT64 (BigQuery refuses it); ja_top_topics
  // keeps n INT64 as a SQL function over ja_top_topics_js.
  for (const f of m.functions.filter((x) => x.language === 'js')) for (const a of f.arguments) assert.notEqual(a.type, 'INT64', `${f.name}(${a.name})`);
  const top = m.functions.find((f) => f.name === 'ja_top_topics');
  assert.deepEqual({ language: top.language, arguments: top.arguments, libraries: top.libraries, body: top.body }, {
    language: 'sql', arguments: [{ name: 'text', type: 'STRING' }, { name: 'n', type: 'INT64' }], libraries: [],
    body: '`test-project.jatopic.ja_top_topics_js`(text, CAST(n AS FLOAT64))',
  });
  // create_functions.sql describes the same functions as the manifest.
  const fromSql = loadPackage(`${tmp}/pkg/create_functions.sql`, { gcsMap: { 'gs://jatopic-test/pkg': `${tmp}/pkg` } });
  assert.deepEqual(fromSql.functions.map((f) => f.name), m.functions.map((f) => f.name));
});

test('ja_tokenize and ja_analyze equal the native CLI on the golden sentences', async () => {
  const native = nativeTokens(goldenLines);
  const wakati = run(['tokenize', '--output', 'wakati'], goldenLines.join('\n') + '\n').split('\n');
  const tokenized = await sandboxAll(worker, 'ja_tokenize', goldenLines.map((l) => [l]));
  for (let i = 0; i < goldenLines.length; i++) {
    assert.deepEqual(tokenized[i], native[i].map((t) => t.surface), goldenLines[i]);
    assert.equal(tokenized[i].join(' '), wakati[i], goldenLines[i]);
  }
  assertAnalyzeMatches(goldenLines, await sandboxAll(worker, 'ja_analyze', goldenLines.map((l) => [l])), native, 'golden');
});

test('ja_tokenize_search and ja_analyze_search equal `jatopic tokenize --mode search`', async () => {
  const compounds = ['関西国際空港限定トートバッグ', '日本経済新聞社の記事', '株式会社シニアソフトウェアエンジニア'];
  const textLines = [...compounds, ...goldenLines];
  const native = nativeTokens(textLines, 'search');
  // Search mode splits the compounds (else this test would prove nothing).
  assert.deepEqual(native[0].map((t) => t.surface), ['関西', '国際', '空港', '限定', 'トートバッグ']);
  const tokenized = await sandboxAll(worker, 'ja_tokenize_search', textLines.map((l) => [l]));
  for (let i = 0; i < textLines.length; i++) assert.deepEqual(tokenized[i], native[i].map((t) => t.surface), textLines[i]);
  assertAnalyzeMatches(textLines, await sandboxAll(worker, 'ja_analyze_search', textLines.map((l) => [l])), native, 'search');
  assert.equal(await worker.call('ja_tokenize_search', [null]), null);
  assert.deepEqual(await worker.call('ja_analyze_search', [' ']), []);
});

function devLines(n) {
  const dir = `${shared}/corpus/dev`;
  if (!fs.existsSync(dir)) return null;
  // Round-robin over the sources so every domain is represented.
  const sources = fs.readdirSync(dir).filter((f) => f.endsWith('.txt')).sort()
    .map((f) => lines(`${dir}/${f}`).filter((l) => l.trim() !== '' && l.length <= 2000));
  const out = [];
  for (let i = 0; out.length < n; i++) {
    let any = false;
    for (const s of sources) if (i < s.length && out.length < n) { out.push(s[i]); any = true; }
    if (!any) break;
  }
  return out;
}

test('ja_tokenize, ja_analyze and ja_topics equal the native CLI on 10,000 dev lines', async (t) => {
  const dev = devLines(10_000);
  if (dev === null) {
    // `make test` sets JATOPIC_REQUIRE_SHARED when the folder exists: a skip there is a failure.
    assert.notEqual(process.env.JATOPIC_REQUIRE_SHARED, '1', `${shared}/corpus/dev not found`);
    t.skip(`${shared}/corpus/dev not found`); return;
  }
  const native = nativeTokens(dev);
  const analyzed = await sandboxAll(worker, 'ja_analyze', dev.map((l) => [l]));
  assertAnalyzeMatches(dev, analyzed, native, 'dev');
  const tokenized = await sandboxAll(worker, 'ja_tokenize', dev.map((l) => [l]));
  let differences = 0;
  for (let i = 0; i < dev.length; i++) if (JSON.stringify(tokenized[i]) !== JSON.stringify(native[i].map((x) => x.surface))) differences++;
  assert.equal(differences, 0);
  const docs = dev.map((text, i) => JSON.stringify({ id: String(i), text })).join('\n') + '\n';
  const inferred = ndjson(run(['infer', '--input-format', 'ndjson', '--model', `${tmp}/m1.jtm`, '-'], docs));
  const topics = await sandboxAll(worker, 'ja_topics', dev.map((l) => [l]));
  for (let i = 0; i < dev.length; i++) assert.deepEqual(topics[i], inferred[i].topics, dev[i]);
});

test('ja_terms, ja_topics and ja_top_topics equal jatopic terms/infer bit for bit', async () => {
  const docs = goldenLines.map((text, i) => JSON.stringify({ id: String(i), text })).join('\n') + '\n';
  const terms = ndjson(run(['terms', '--input-format', 'ndjson', '--model', `${tmp}/m1.jtm`, '-'], docs));
  const inferred = ndjson(run(['infer', '--input-format', 'ndjson', '--model', `${tmp}/m1.jtm`, '-'], docs));
  for (let i = 0; i < goldenLines.length; i++) {
    const text = goldenLines[i];
    assert.deepEqual(await worker.call('ja_terms', [text]), terms[i].terms, text);
    const theta = await worker.call('ja_topics', [text]);
    assert.deepEqual(theta, inferred[i].topics, text);
    assert.ok(Math.abs(theta.reduce((a, b) => a + b, 0) - 1) < 1e-12);
    const top = await worker.call('ja_top_topics', [text, '3']);
    assert.deepEqual(top.map((x) => x.topic), inferred[i].top_topics.map((x) => x.topic));
    assert.deepEqual(top.map((x) => x.weight), top.map((x) => theta[x.topic]));
    assert.deepEqual(await worker.call('ja_topics_from_terms', [terms[i].terms]), theta);
  }
});

test('a model is served with the term pipeline it was trained with', async () => {
  const w2 = model2pkg.createWorker({ timeoutMs: 0 });
  const texts = ['ＬＥＤライト付きの作品をＯＮＬＩＮＥで販売', 'Handmade マグカップ　ＳＩＺＥ Ｍ', ...goldenLines.slice(0, 40)];
  const docs = texts.map((text, i) => JSON.stringify({ id: String(i), text })).join('\n') + '\n';
  for (const [w, model] of [[worker, 'm1'], [w2, 'm2']]) {
    const native = ndjson(run(['terms', '--input-format', 'ndjson', '--model', `${tmp}/${model}.jtm`, '-'], docs));
    for (let i = 0; i < texts.length; i++) assert.deepEqual(await w.call('ja_terms', [texts[i]]), native[i].terms, `${model}: ${texts[i]}`);
  }
  const topics2 = ndjson(run(['topics', '--model', `${tmp}/m2.jtm`, '--output', 'json']));
  assert.deepEqual(topics2.map((x) => [x.topic, x.alpha]), [[0, 0.1], [1, 0.1], [2, 0.1], [3, 0.1]]);
  // The two configurations really differ on these texts.
  assert.notDeepEqual(await worker.call('ja_terms', [texts[0]]), await w2.call('ja_terms', [texts[0]]));
});

test('a search-mode model is served in search mode: ja_terms and ja_topics equal jatopic terms/infer', async () => {
  const w3 = searchPkg.createWorker({ timeoutMs: 0 });
  const texts = ['関西国際空港限定トートバッグ', '日本経済新聞社の記事を読む', ...goldenLines.slice(0, 40)];
  const docs = texts.map((text, i) => JSON.stringify({ id: String(i), text })).join('\n') + '\n';
  const terms = ndjson(run(['terms', '--input-format', 'ndjson', '--model', `${tmp}/m3.jtm`, '-'], docs));
  const inferred = ndjson(run(['infer', '--input-format', 'ndjson', '--model', `${tmp}/m3.jtm`, '-'], docs));
  assert.deepEqual(terms[0].terms, ['関西', '国際', '空港', '限定', 'トートバッグ']);
  for (let i = 0; i < texts.length; i++) {
    assert.deepEqual(await w3.call('ja_terms', [texts[i]]), terms[i].terms, texts[i]);
    assert.deepEqual(await w3.call('ja_topics', [texts[i]]), inferred[i].topics, texts[i]);
  }
  // The normal-mode model keeps the compound whole.
  assert.deepEqual(await worker.call('ja_terms', [texts[0]]), ['関西国際空港', '限定', 'トートバッグ']);
});

test('NULL, empty, whitespace, unknown words, huge and malformed rows have defined results', async () => {
  for (const f of ['ja_tokenize', 'ja_analyze', 'ja_terms', 'ja_topics']) assert.equal(await worker.call(f, [null]), null, f);
  assert.equal(await worker.call('ja_top_topics', [null, '3']), null);
  assert.equal(await worker.call('ja_top_topics', ['陶器', null]), null);
  assert.equal(await worker.call('ja_topics_from_terms', [null]), null);
  for (const s of ['', ' ', '\u3000\t\n ']) {
    assert.deepEqual(await worker.call('ja_tokenize', [s]), []);
    assert.deepEqual(await worker.call('ja_analyze', [s]), []);
    assert.deepEqual(await worker.call('ja_terms', [s]), []);
  }
  // No model terms: the normalised α, never NaN.
  const info = JSON.parse(fs.readFileSync(`${tmp}/pkg/manifest.json`, 'utf8'));
  assert.ok(info.quantisation.startsWith('none'));
  const prior = await worker.call('ja_topics', ['zzzqqq 12345 !!!']);
  assert.equal(prior.length, 6);
  assert.ok(prior.every((x) => Number.isFinite(x) && Math.abs(x - 1 / 6) < 1e-12), JSON.stringify(prior));
  assert.deepEqual(await worker.call('ja_topics', ['']), prior);
  assert.deepEqual(await worker.call('ja_topics_from_terms', [[]]), prior);
  assert.deepEqual(await worker.call('ja_topics_from_terms', [['存在しない語']]), prior);
  assert.deepEqual(await worker.call('ja_top_topics', ['陶器', '0']), []);
  await assert.rejects(worker.call('ja_top_topics', ['陶器', '-1']), /n must be a non-negative integer/);
  // Lone surrogates (impossible in BigQuery, possible from JS): one U+FFFD each.
  const broken = await worker.call('ja_analyze', ['\ud800東京\udc00に']);
  assert.deepEqual(broken.map((t) => t.surface).join(''), '\ufffd東京\ufffdに');
  for (const t of broken) assert.ok(!/[\ud800-\udfff]/.test(t.surface));
  // Control characters, emoji, combining marks.
  assert.deepEqual(await worker.call('ja_tokenize', ['\u0000\u0007が😀\u0301ｶﾞ\u200d']), ['\u0000\u0007', 'が', '😀\u0301', 'ｶﾞ', '\u200d']);
  // A long row works; beyond the documented limit the error says what to do.
  const long = '手作りの陶器。'.repeat(20_000);
  assert.equal((await worker.call('ja_tokenize', [long])).join(''), long.replace(/\s/g, ''));
  await assert.rejects(worker.call('ja_tokenize', ['あ'.repeat(1_000_001)]), /limit is 1000000.*SUBSTR/);
  await assert.rejects(worker.call('ja_analyze', ['あ'.repeat(50_001)]), /limit is 50000/);
  // After errors the worker still serves rows.
  assert.deepEqual(await worker.call('ja_tokenize', ['東京に行く']), ['東京', 'に', '行く']);
});

test('worker start and memory stay within the budget', async () => {
  const w = pkg.createWorker({ timeoutMs: 0 });
  await w.call('ja_topics', ['手作りの陶器マグカップ']);
  const s = w.stats();
  // The target: 32 MB (measured: about 15 MB).
  assert.ok(s.wasmMemoryBytes <= 32_000_000, `${s.wasmMemoryBytes} bytes`);
});

test('a --count-bits 4 package keeps the exact topics on the golden lines (cosine), from a really quantised model', async () => {
  run(['package', '--out', `${tmp}/q4`, '--gcs-prefix', 'gs://jatopic-test/pkg', '--dataset', 'test-project.jatopic',
    '--model', `${tmp}/m1.jtm`, '--count-bits', '4', '--library', library]);
  const manifest = JSON.parse(fs.readFileSync(`${tmp}/q4/manifest.json`, 'utf8'));
  assert.match(manifest.quantisation, /^counts rounded to 4 significant bits: cosine to the exact model's topics/);
  assert.notEqual(fs.readFileSync(`${tmp}/q4/jatopic-model-1.js`, 'utf8'), fs.readFileSync(`${tmp}/pkg/jatopic-model-1.js`, 'utf8'));
  const docs = goldenLines.map((text, i) => JSON.stringify({ id: String(i), text })).join('\n') + '\n';
  const exact = ndjson(run(['infer', '--input-format', 'ndjson', '--model', `${tmp}/m1.jtm`, '-'], docs)).map((r) => r.topics);
  const quantised = await loadPackage(`${tmp}/q4`).createWorker({ timeoutMs: 0 }).callMany('ja_topics', goldenLines.map((l) => [l]));
  const cosine = (a, b) => a.reduce((sum, x, i) => sum + x * b[i], 0) / Math.hypot(...a) / Math.hypot(...b);
  const cosines = quantised.map((v, i) => cosine(v, exact[i]));
  const mean = cosines.reduce((a, b) => a + b, 0) / cosines.length, worst = Math.min(...cosines);
  // Measured: mean 0.99999999, worst 0.9999997; counts dropped altogether give mean 0.54.
  assert.ok(mean >= 0.99999 && worst >= 0.9999, `mean ${mean}, worst ${worst}`);
  // Rounded counts change the topics, if only slightly: not the exact model again.
  assert.ok(quantised.some((v, i) => JSON.stringify(v) !== JSON.stringify(exact[i])));
});

test('the sandbox CLI runs the package on NDJSON rows', () => {
  const input = ['["東京に行く"]', '[null]', '{"text": "手作りの陶器"}'].join('\n') + '\n';
  const out = execFileSync(process.execPath, [`${root}js/bq-sandbox.mjs`, '--package', `${tmp}/pkg`, '--function', 'ja_tokenize', '--input', '-'], { input }).toString();
  assert.deepEqual(ndjson(out), [['東京', 'に', '行く'], null, ['手作り', 'の', '陶器']]);
});

test('jatopic package refuses bad identifiers and prefixes with a message saying what to change', () => {
  const cases = [
    [['--dataset', 'test-project.bad-name'], /--dataset .*dataset name must be/],
    [['--dataset', 'proj.ds`; DROP TABLE x'], /--dataset/],
    [['--dataset', 'nodot'], /PROJECT\.DATASET/],
    [['--gcs-prefix', 's3://bucket/x'], /must start with gs:\/\//],
    [['--gcs-prefix', 'gs://bucket/a b'], /--gcs-prefix/],
    [['--gcs-prefix', 'gs://Bucket/x'], /bucket name/],
    [['--function-prefix', 'ja`'], /--function-prefix/],
  ];
  for (const [override, pattern] of cases) {
    const opts = { '--dataset': 'test-project.jatopic', '--gcs-prefix': 'gs://jatopic-test/pkg' };
    opts[override[0]] = override[1];
    const args = ['package', '--out', `${tmp}/bad`, '--library', library, ...Object.entries(opts).flat()];
    const r = spawnSync(bin, args);
    assert.equal(r.status, 2, `${override}: ${r.stderr}`);
    assert.match(r.stderr.toString(), pattern);
  }
  assert.ok(!fs.existsSync(`${tmp}/bad`));
  const r = spawnSync(bin, ['package', '--out', `${tmp}/bad`, '--dataset', 'test-project.jatopic', '--gcs-prefix', 'gs://jatopic-test/pkg', '--library', `${root}README.md`]);
  assert.match(r.stderr.toString(), /not a jatopic bundle/);
  const t = spawnSync(bin, ['package', '--out', `${tmp}/temp`, '--temp', '--dataset', 'test-project.jatopic', '--gcs-prefix', 'gs://jatopic-test/pkg', '--library', library]);
  assert.equal(t.status, 0, t.stderr.toString());
  const sql = fs.readFileSync(`${tmp}/temp/create_functions.sql`, 'utf8');
  assert.match(sql, /CREATE TEMP FUNCTION ja_tokenize\(text STRING\)/);
  assert.deepEqual(loadPackage(`${tmp}/temp`).functions.map((f) => f.name), ["ja_tokenize", "ja_analyze", "ja_tokenize_search", "ja_analyze_search", "ja_terms", "ja_selftest"]);
});
