// ja_selftest(), the first query to run after deploying: in the sandbox on a
// good package (ok), on packages whose library files were altered or whose
// model part is not loaded (ok = false with the reason), and deploy.sh's
// self-test step with stand-in gcloud/bq, where bq answers the self-test
// query from the sandbox. Needs target/release/jatopic and
// build/jatopic-tokenizer.js (`make build wasm`).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { loadPackage } from '../bq-sandbox.mjs';
import { CONTRACT } from '../bundle.mjs';

const root = new URL('../../', import.meta.url).pathname;
const bin = process.env.JATOPIC_BIN || `${root}target/release/jatopic`;
const library = process.env.JATOPIC_BUNDLE || `${root}build/jatopic-tokenizer.js`;
const sandbox = `${root}js/bq-sandbox.mjs`;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'jatopic-selftest-'));
const GCS = 'gs://jatopic-test/selftest';
// Values from another V8 context have other prototypes: compare as plain data.
const plain = (x) => JSON.parse(JSON.stringify(x));

const run = (args) => execFileSync(bin, args, { maxBuffer: 1 << 28 }).toString('utf8');

before(() => {
  const golden = ['titles', 'news'].map((n) => `${root}tests/golden/${n}.txt`);
  run(['train', '--k', '5', '--iterations', '30', '--seed', '4', '--min-df', '1', '--max-df', '1.0', '--input-format', 'text', '--out', `${tmp}/m.jtm`, ...golden]);
  run(['package', '--out', `${tmp}/good`, '--gcs-prefix', GCS, '--dataset', 'test-project.jatopic', '--model', `${tmp}/m.jtm`, '--library', library]);
  run(['package', '--out', `${tmp}/nomodel`, '--gcs-prefix', GCS, '--dataset', 'test-project.jatopic', '--library', library]);
});

// A copy of package `from` with `change(files)` applied to its files (name -> text).
function variant(from, name, change) {
  const dir = `${tmp}/${name}`;
  fs.mkdirSync(dir);
  const files = Object.fromEntries(fs.readdirSync(`${tmp}/${from}`).map((f) => [f, fs.readFileSync(`${tmp}/${from}/${f}`, 'utf8')]));
  change(files);
  for (const [f, text] of Object.entries(files)) fs.writeFileSync(`${dir}/${f}`, text, { mode: f === 'deploy.sh' ? 0o755 : 0o644 });
  return dir;
}

// Alters one character of the 7-bit data of a library file (inside its '...' literal).
function alterData(text) {
  // The last embedded text of the file ends at its container's close.
  let at = text.lastIndexOf(CONTRACT.text_container_close) - 100;
  while (text.charCodeAt(at) >= 128) at--; // one 7-bit character for another: the length stays
  const c = text.charCodeAt(at);
  return text.slice(0, at) + String.fromCharCode(c === 0x41 ? 0x42 : 0x41) + text.slice(at + 1);
}

// ja_selftest() of a package, evaluated from its create_functions.sql (the
// manifest's checksums would refuse an altered file before any query).
async function selftest(dir) {
  const pkg = loadPackage(`${dir}/create_functions.sql`, { gcsMap: { [GCS]: dir } });
  const worker = pkg.createWorker({ timeoutMs: 0 });
  try {
    return plain(await worker.call('ja_selftest', []));
  } finally {
    worker.close?.();
  }
}

test('a good package: ok, with the checksums, the features, memory and the fixed results', async () => {
  const r = await selftest(`${tmp}/good`);
  const manifest = JSON.parse(fs.readFileSync(`${tmp}/good/manifest.json`, 'utf8'));
  assert.equal(r.ok, true, r.reason);
  assert.equal(r.reason, null);
  assert.equal(r.jatopic_version, manifest.jatopic_version);
  assert.deepEqual(r.libraries.map((l) => l.file), ['jatopic-tokenizer.js', 'jatopic-model-1.js']);
  for (const l of r.libraries) {
    assert.match(l.sha256, /^[0-9a-f]{64}$/);
    assert.equal(l.sha256, l.expected_sha256, l.file);
  }
  // The tokenizer's figure is that of the module the bundle embeds.
  const embedded = /const WASM_SHA256 = '([0-9a-f]{64})';/.exec(fs.readFileSync(library, 'utf8'))[1];
  assert.equal(r.libraries[0].sha256, embedded);
  assert.deepEqual(r.wasm_features.slice(0, 4), ['sign-ext', 'mutable-globals', 'nontrapping-fptoint', 'bulk-memory']);
  assert.deepEqual(r.wasm_features_missing, []);
  assert.ok(r.wasm_memory_bytes > 1 << 20 && r.wasm_memory_bytes < 64 << 20, String(r.wasm_memory_bytes));
  assert.ok(Number.isInteger(r.init_ms) && r.init_ms >= 0, String(r.init_ms));
  assert.equal(r.sentence_ok, true);
  assert.equal(r.topics_ok, true);
  // Without a model: no topics to compare (NULL), still ok.
  const n = await selftest(`${tmp}/nomodel`);
  assert.equal(n.ok, true, n.reason);
  assert.equal(n.topics_ok, null);
  assert.deepEqual(n.libraries.map((l) => l.file), ['jatopic-tokenizer.js']);
});

test('an altered library file: ok = false, naming the file and its checksum', async () => {
  const model = await selftest(variant('good', 'altered-model', (f) => { f['jatopic-model-1.js'] = alterData(f['jatopic-model-1.js']); }));
  assert.equal(model.ok, false);
  assert.match(model.reason, /jatopic-model-1\.js is damaged or from another package: its embedded data has SHA-256 [0-9a-f]{64}, the package recorded [0-9a-f]{64}/);
  assert.notEqual(model.libraries[1].sha256, model.libraries[1].expected_sha256);
  assert.equal(model.libraries[0].sha256, model.libraries[0].expected_sha256);
  assert.equal(model.sentence_ok, true);

  // The module: a character inside WASM_TEXT.
  const alterModule = (text) => {
    let at = text.indexOf('const WASM_TEXT = ' + CONTRACT.text_container_open) + 5000;
    while (text.charCodeAt(at) >= 128) at++; // one 7-bit character for another: the length stays
    return text.slice(0, at) + String.fromCharCode(text.charCodeAt(at) === 0x41 ? 0x42 : 0x41) + text.slice(at + 1);
  };
  const tokenizer = await selftest(variant('good', 'altered-tokenizer', (f) => { f['jatopic-tokenizer.js'] = alterModule(f['jatopic-tokenizer.js']); }));
  assert.equal(tokenizer.ok, false);
  assert.match(tokenizer.reason, /jatopic-tokenizer\.js is damaged or from another package/);
  assert.match(tokenizer.reason, /jatopic-tokenizer\.js is damaged: its embedded module has SHA-256 [0-9a-f]{64}, its build recorded [0-9a-f]{64}/);
  // The compact lexicon it carries (the last string of the file).
  const lexicon = await selftest(variant('good', 'altered-lexicon', (f) => { f['jatopic-tokenizer.js'] = alterData(f['jatopic-tokenizer.js']); }));
  assert.equal(lexicon.ok, false);
  assert.match(lexicon.reason, /jatopic-tokenizer\.js is damaged: its compact lexicon has SHA-256 [0-9a-f]{64}, its build recorded [0-9a-f]{64}/);

  // The functions of one package with the library files of another.
  const other = await selftest(variant('good', 'other-package', (f) => {
    f['create_functions.sql'] = f['create_functions.sql'].replace(/"sha256":"[0-9a-f]{64}"/, `"sha256":"${'0'.repeat(64)}"`);
  }));
  assert.equal(other.ok, false);
  assert.match(other.reason, /jatopic-tokenizer\.js is damaged or from another package/);
});

test('a model part missing from the library list: ok = false, naming the part', async () => {
  const dir = variant('good', 'missing-part', (f) => {
    const sql = f['create_functions.sql'];
    const at = sql.indexOf('ja_selftest');
    f['create_functions.sql'] = sql.slice(0, at) + sql.slice(at).replace(`, "${GCS}/jatopic-model-1.js"`, '');
  });
  assert.ok(!/ja_selftest[^]*jatopic-model-1\.js"\]/.test(fs.readFileSync(`${dir}/create_functions.sql`, 'utf8')));
  const r = await selftest(dir);
  assert.equal(r.ok, false);
  assert.match(r.reason, /jatopic-model-1\.js \(model part 1 of 1\) was not loaded: list every library file of the package, in order/);
  assert.equal(r.libraries[1].sha256, null);
  assert.equal(r.sentence_ok, true);
  assert.equal(r.topics_ok, false);
  assert.match(r.reason, /no topic model loaded/);
});

// Stand-ins: gcloud does nothing; bq takes create_functions.sql on stdin, and
// answers the self-test query from the sandbox as BigQuery's SELECT would
// (the verdict column and the struct as JSON), or fails when BQ_FAIL is set.
function standIns(dir) {
  const stubs = `${tmp}/stubs-${path.basename(dir)}`;
  fs.mkdirSync(stubs);
  fs.writeFileSync(`${stubs}/gcloud`, '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  fs.writeFileSync(`${stubs}/bq`, `#!/bin/sh
case "$*" in
  *ja_selftest*) ;;
  *) cat > /dev/null; exit 0 ;;
esac
if [ -n "\${BQ_FAIL:-}" ]; then echo "BigQuery error in query operation: Error processing job" >&2; exit 1; fi
s=$(printf '[]\\n' | ${JSON.stringify(process.execPath)} ${JSON.stringify(sandbox)} --sql ${JSON.stringify(`${dir}/create_functions.sql`)} --gcs-map ${JSON.stringify(`${GCS}=${dir}`)} --function ja_selftest --input -) || exit 1
case "$s" in
  *'"ok":true'*) verdict=JATOPIC_SELFTEST_OK ;;
  *) verdict=JATOPIC_SELFTEST_FAILED ;;
esac
printf '[{"verdict":"%s","selftest":%s}]\\n' "$verdict" "$s"
`, { mode: 0o755 });
  return stubs;
}

function deploy(dir, env = {}) {
  const r = spawnSync('sh', [`${dir}/deploy.sh`], { env: { ...process.env, ...env, PATH: `${standIns(dir)}:${process.env.PATH}` }, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('deploy.sh runs the self-test after creating the functions: passes on a good package', () => {
  const r = deploy(variant('good', 'deploy-good', () => {}));
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /jatopic: self-test: SELECT `test-project\.jatopic\.ja_selftest`\(\)/);
  assert.match(r.stdout, /"verdict":"JATOPIC_SELFTEST_OK","selftest":\{"jatopic_version":/);
  assert.match(r.stdout, /jatopic: self-test passed\n$/);
});

test('deploy.sh fails loudly, printing the struct, when ok is false or the query fails', () => {
  const altered = deploy(variant('good', 'deploy-altered', (f) => { f['jatopic-model-1.js'] = alterData(f['jatopic-model-1.js']); }));
  assert.equal(altered.status, 1);
  assert.match(altered.stdout, /"ok":false,"reason":"jatopic-model-1\.js is damaged or from another package/);
  assert.match(altered.stderr, /jatopic: SELF-TEST FAILED: `test-project\.jatopic\.ja_selftest`\(\) returned ok = false; the reason is in the struct above/);
  assert.doesNotMatch(altered.stdout, /self-test passed/);

  const failing = deploy(variant('good', 'deploy-failing', () => {}), { BQ_FAIL: '1' });
  assert.equal(failing.status, 1);
  assert.match(failing.stderr, /BigQuery error in query operation/);
  assert.match(failing.stderr, /jatopic: SELF-TEST FAILED: the query of `test-project\.jatopic\.ja_selftest`\(\) failed/);
});
