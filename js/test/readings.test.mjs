// IPADIC's readings in the bundle: the package written by `jatopic package
// --readings` (jatopic-tokenizer.js + jatopic-readings.js) evaluated in a bare
// V8 context (node:vm) must give exactly the CLI's reading and pronunciation;
// without the readings file the SQL functions give NULL readings and
// ja_reading is not there; a damaged readings file is a thrown Error naming it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { execFileSync } from 'node:child_process';
import { loadPackage } from '../bq-sandbox.mjs';
import { CONTRACT } from '../bundle.mjs';

const root = new URL('../../', import.meta.url).pathname;
const bundleFile = process.env.JATOPIC_BUNDLE || `${root}build/jatopic-tokenizer.js`;
const nativeBin = process.env.JATOPIC_BIN || `${root}target/release/jatopic`;
const READINGS_FILE = CONTRACT.readings_file;
const plain = (x) => JSON.parse(JSON.stringify(x));

// Both packages, written by the CLI from the bundle under test.
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'jatopic-readings-test-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));
function writePackage(name, extra) {
  const dir = path.join(tmp, name);
  execFileSync(nativeBin, ['package', '--out', dir, '--gcs-prefix', 'gs://jatopic-test/readings', '--dataset', 'jatopic-test.readings',
    '--library', bundleFile, ...extra], { stdio: ['ignore', 'ignore', 'pipe'] });
  return dir;
}
const withReadings = writePackage('with', ['--readings']);
const withoutReadings = writePackage('without', []);
const tokenizerSource = fs.readFileSync(bundleFile, 'utf8');
const readingsSource = fs.readFileSync(path.join(withReadings, READINGS_FILE), 'utf8');

function context(...sources) {
  const c = vm.createContext({});
  for (const s of sources) vm.runInContext(s, c);
  return c;
}
const errorOf = (c, expr) => vm.runInContext(`(() => { try { ${expr}; return null; } catch (e) { return e; } })()`, c);

const GOLDEN = ['titles', 'news', 'edge'].flatMap((name) => {
  const lines = fs.readFileSync(`${root}tests/golden/${name}.txt`, 'utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
});
const native = execFileSync(nativeBin, ['tokenize', '--output', 'json'], { input: GOLDEN.join('\n') + '\n', maxBuffer: 1 << 28 })
  .toString('utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l));
const katakana = (s) => s.replace(/[\u3041-\u3096\u309d\u309e]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0x60));
const BLANK = /^\s*$/;

test('the readings library file fits and is listed where it is needed', () => {
  const bytes = fs.statSync(path.join(withReadings, READINGS_FILE)).size;
  assert.ok(bytes <= CONTRACT.limits.library_file_bytes, `${bytes} bytes`);
  const manifest = JSON.parse(fs.readFileSync(path.join(withReadings, 'manifest.json'), 'utf8'));
  assert.deepEqual(manifest.files.map((f) => f.path), [CONTRACT.tokenizer_file, READINGS_FILE]);
  const libs = Object.fromEntries(manifest.functions.map((f) => [f.name, f.libraries.map((l) => l.split('/').pop())]));
  for (const f of CONTRACT.functions.filter((f) => f.language === 'js' && f.model !== 'required')) {
    const want = f.readings === 'optional' || f.readings === 'required' ? [CONTRACT.tokenizer_file, READINGS_FILE] : [CONTRACT.tokenizer_file];
    assert.deepEqual(libs[`ja_${f.name}`], want, f.name);
  }
  assert.deepEqual(libs.ja_selftest, [CONTRACT.tokenizer_file, READINGS_FILE]);
  const sql = fs.readFileSync(path.join(withReadings, 'create_functions.sql'), 'utf8');
  assert.match(sql, /ja_reading`\(text STRING\)\nRETURNS STRING\nLANGUAGE js\nOPTIONS \(library = \["gs:\/\/jatopic-test\/readings\/jatopic-tokenizer.js", "gs:\/\/jatopic-test\/readings\/jatopic-readings.js"\]\)/);
  // Without --readings: no readings file, no ja_reading, the rest unchanged.
  const without = JSON.parse(fs.readFileSync(path.join(withoutReadings, 'manifest.json'), 'utf8'));
  assert.deepEqual(without.files.map((f) => f.path), [CONTRACT.tokenizer_file]);
  assert.ok(!without.functions.some((f) => f.name === 'ja_reading'));
});

test('tokens carry the CLI\'s reading and pronunciation on the golden sentences', () => {
  const c = context(tokenizerSource, readingsSource);
  assert.equal(vm.runInContext('jatopic.hasReadings()', c), true);
  let pronDiffers = 0, unknown = 0;
  for (let i = 0; i < GOLDEN.length; i++) {
    c.line = GOLDEN[i];
    assert.deepEqual(plain(vm.runInContext('jatopic.tokenize(line)', c)), native[i], `${i + 1}: ${GOLDEN[i]}`);
    const rows = plain(vm.runInContext('jatopic.sql.ja_analyze(line)', c));
    if (!BLANK.test(GOLDEN[i])) {
      assert.deepEqual(rows.map((r) => [r.surface, r.reading, r.pronunciation]),
        native[i].map((t) => [t.surface, t.reading, t.pronunciation]), `${i + 1}: ${GOLDEN[i]}`);
    }
    const reading = vm.runInContext('jatopic.sql.ja_reading(line)', c);
    const want = BLANK.test(GOLDEN[i]) ? '' : native[i].map((t) => (t.known && t.reading !== '*' ? t.reading : katakana(t.surface))).join('');
    assert.equal(reading, want, `${i + 1}: ${GOLDEN[i]}`);
    pronDiffers += native[i].filter((t) => t.pronunciation !== t.reading).length;
    unknown += native[i].filter((t) => !t.known).length;
  }
  // The sentences exercise what is easy to get wrong.
  assert.ok(pronDiffers > 10 && unknown > 10, `${pronDiffers} pronunciations differ, ${unknown} unknown words`);
  // Search mode and width normalisation carry readings too.
  for (const opts of ['{mode: "search"}', '{normalize: true}']) {
    const args = opts.includes('search') ? ['--mode', 'search'] : ['--normalize'];
    const lines = ['関西国際空港限定ｶﾀｶﾅトートバッグ', 'ありがとうございます、美しゅう封切らない'];
    const want = execFileSync(nativeBin, ['tokenize', '--output', 'json', ...args], { input: lines.join('\n') + '\n' })
      .toString('utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l));
    lines.forEach((l, i) => {
      c.line = l;
      assert.deepEqual(plain(vm.runInContext(`jatopic.tokenize(line, ${opts})`, c)), want[i], `${opts} ${l}`);
    });
  }
  assert.equal(vm.runInContext('jatopic.sql.ja_reading("がま口のハーバリウム、東京都に行った")', c), 'ガマグチノハーバリウム、トウキョウトニイッタ');
  assert.equal(vm.runInContext('jatopic.sql.ja_reading(null)', c), null);
  assert.equal(vm.runInContext('jatopic.sql.ja_reading(" \\t")', c), '');
  const long = errorOf(c, `jatopic.sql.ja_reading('あ'.repeat(${CONTRACT.limits.reading_text_utf16_units + 1}))`);
  assert.match(long.message, /^ja_reading: the text is 100001 characters/);
});

test('without the readings file: NULL readings in SQL, none in tokens, ja_reading refused', () => {
  const c = context(tokenizerSource);
  assert.equal(vm.runInContext('jatopic.hasReadings()', c), false);
  const rows = plain(vm.runInContext('jatopic.sql.ja_analyze("東京に行く")', c));
  assert.deepEqual(rows.map((r) => [r.surface, r.reading, r.pronunciation]), [['東京', null, null], ['に', null, null], ['行く', null, null]]);
  const tokens = plain(vm.runInContext('jatopic.tokenize("東京")', c));
  assert.ok(!('reading' in tokens[0]) && !('pronunciation' in tokens[0]), JSON.stringify(tokens));
  const e = errorOf(c, 'jatopic.sql.ja_reading("東京")');
  assert.ok(e && /^ja_reading: no readings are loaded: list jatopic-readings\.js/.test(e.message), e && e.message);
});

test('jatopic.loadReadings takes a .jtr file and refuses a damaged one, keeping the readings in use', () => {
  const jtr = fs.readFileSync(`${root}dict/ipadic-readings.jtr`);
  const c = context(tokenizerSource);
  c.bytes = new Uint8Array(jtr);
  assert.equal(vm.runInContext('jatopic.loadReadings(new Uint8Array(bytes))', c), true);
  assert.deepEqual(plain(vm.runInContext('jatopic.tokenize("日本は")', c)).map((t) => [t.reading, t.pronunciation]), [['ニッポン', 'ニッポン'], ['ハ', 'ワ']]);
  for (const [label, bad] of [['truncated', jtr.subarray(0, jtr.length >> 1)], ['one byte changed', Buffer.concat([jtr.subarray(0, 200), Buffer.from([jtr[200] ^ 0x55]), jtr.subarray(201)])], ['the dictionary', fs.readFileSync(`${root}dict/ipadic.jtd`)]]) {
    c.bad = new Uint8Array(bad);
    const e = errorOf(c, 'jatopic.loadReadings(new Uint8Array(bad))');
    assert.ok(e && e.constructor.name === 'Error' && /^jatopic: the readings given to jatopic\.loadReadings \(\d+ bytes\) were rejected: /.test(e.message), `${label}: ${e && e.message}`);
  }
  assert.deepEqual(plain(vm.runInContext('jatopic.tokenize("日本は")', c)).map((t) => t.pronunciation), ['ニッポン', 'ワ']);
  const e = errorOf(c, 'jatopic.loadReadings([1, 2])');
  assert.ok(e && /expected a Uint8Array/.test(e.message));
});

test('a damaged or truncated jatopic-readings.js is a thrown Error naming it, on every call that needs it', () => {
  const marker = "jatopic.addReadings(";
  const at = readingsSource.indexOf(marker);
  const open = readingsSource.indexOf(CONTRACT.text_container_open, at) + CONTRACT.text_container_open.length;
  const close = readingsSource.lastIndexOf(CONTRACT.text_container_close);
  const cases = {
    // The text cut short: fewer bytes than announced.
    truncated: readingsSource.slice(0, open) + readingsSource.slice(open, open + (close - open) / 2) + readingsSource.slice(close),
    // Bytes changed in the middle: the frame's checksum or LZMA fails.
    damaged: readingsSource.slice(0, open + 5000) + 'AAAAAAAAAAAAAAAA' + readingsSource.slice(open + 5016),
  };
  for (const [label, source] of Object.entries(cases)) {
    const c = context(tokenizerSource, source);
    for (let k = 0; k < 2; k++) {
      const e = errorOf(c, 'jatopic.sql.ja_analyze("東京に行く")');
      assert.ok(e && e.constructor.name === 'Error' && e.message.includes('jatopic-readings.js'), `${label}: ${e && e.message}`);
    }
    assert.ok(/^jatopic: jatopic-readings\.js \(IPADIC readings, \d+ bytes\) (is damaged|was rejected): /.test(errorOf(c, 'jatopic.tokenize("東京")').message), label);
    // Functions that do not use readings still work.
    assert.deepEqual(plain(vm.runInContext('jatopic.wakati("東京に行く")', c)), ['東京', 'に', '行く']);
  }
});

test('sandbox = CLI for ja_analyze and ja_reading with readings; ja_selftest ok with both packages', async () => {
  const lines = GOLDEN.filter((l) => !BLANK.test(l) && l.length <= CONTRACT.limits.analyze_text_utf16_units);
  const want = lines.map((l) => native[GOLDEN.indexOf(l)]);
  for (const [dir, readings] of [[withReadings, true], [withoutReadings, false]]) {
    const pkg = loadPackage(dir);
    const worker = pkg.createWorker({ timeoutMs: 0 });
    const callMany = async (name, rows) => { const out = []; for (const r of rows) out.push(await worker.call(name, r)); return out; };
    const got = await callMany('ja_analyze', lines.map((l) => [l]));
    got.forEach((rows, i) => {
      assert.deepEqual(rows, want[i].map((t) => ({
        surface: t.surface, start: t.start + 1, length: t.end - t.start,
        pos1: t.pos[0], pos2: t.pos[1], pos3: t.pos[2], pos4: t.pos[3],
        conjugation_type: t.conjugation.type, conjugation_form: t.conjugation.form,
        base_form: t.base_form, known: t.known,
        reading: readings ? t.reading : null, pronunciation: readings ? t.pronunciation : null,
      })), `${readings}: ${lines[i]}`);
    });
    if (readings) {
      const r = await callMany('ja_reading', lines.map((l) => [l]));
      assert.deepEqual(r, want.map((ts) => ts.map((t) => (t.known && t.reading !== '*' ? t.reading : katakana(t.surface))).join('')));
    }
    const report = await worker.call('ja_selftest', []);
    assert.equal(report.ok, true, JSON.stringify(report));
    assert.deepEqual(report.libraries.map((l) => l.file), readings ? [CONTRACT.tokenizer_file, READINGS_FILE] : [CONTRACT.tokenizer_file]);
  }
});

test('the sandbox refuses a package whose functions lack the readings file where the contract says they use it', () => {
  const copy = (name, edit) => {
    const dir = path.join(tmp, name);
    fs.cpSync(withReadings, dir, { recursive: true });
    const file = path.join(dir, 'manifest.json');
    const m = JSON.parse(fs.readFileSync(file, 'utf8'));
    edit(m);
    fs.writeFileSync(file, JSON.stringify(m));
    return dir;
  };
  const drop = (name) => (m) => {
    const f = m.functions.find((f) => f.name === name);
    f.libraries = f.libraries.filter((l) => !l.endsWith('/' + READINGS_FILE));
  };
  for (const [name, words] of [['ja_reading', 'needs'], ['ja_analyze', 'uses in a package with readings']]) {
    const dir = copy(`lacks-${name}`, drop(name));
    assert.throws(() => loadPackage(dir), (e) => e.code === 'PACKAGE' &&
      e.message.includes(`function ${name} does not list jatopic-readings.js among its libraries, which the UDF contract says it ${words}`), name);
  }
  // From create_functions.sql too (bodies between r""" and """).
  const sqlDir = path.join(tmp, 'sql-form');
  fs.cpSync(withReadings, sqlDir, { recursive: true });
  const sqlFile = path.join(sqlDir, 'create_functions.sql');
  const sql = fs.readFileSync(sqlFile, 'utf8');
  fs.writeFileSync(sqlFile, sql.replace(/(ja_reading`\(text STRING\)\nRETURNS STRING\nLANGUAGE js\nOPTIONS \(library = \["[^"]+")[^\]]*\]/, '$1]'));
  assert.throws(() => loadPackage(sqlFile, { gcsMap: { 'gs://jatopic-test/readings': sqlDir } }), (e) => e.code === 'PACKAGE' && /function ja_reading does not list jatopic-readings\.js/.test(e.message));
  assert.ok(loadPackage(path.join(withReadings, 'create_functions.sql'), { gcsMap: { 'gs://jatopic-test/readings': withReadings } }));
  // A package without readings at all is fine (ja_analyze then gives NULL readings).
  assert.ok(loadPackage(withoutReadings));
});
