// Package safety: no user-supplied text reaches the generated SQL, JS, shell,
// JSON or README unchecked. Each option is tried with strings that would
// break out of one of those languages: it is refused with a message naming
// the option and what is allowed, or it appears only where it is inert
// (inside quotes; model text only as 7-bit data that is decoded, never run).
// A model whose vocabulary and stop words carry those strings is packaged and
// run in the sandbox: the functions work and the strings come back intact.
// Needs target/release/jatopic and build/jatopic-tokenizer.js (`make build wasm`).
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
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'jatopic-safety-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

const HOSTILE = ["'", '"', '`', '"""', "'''", '\n', '*/', '/*', '--', '${', '\\', '</script>', '\0', '$(touch pwned)', '`touch pwned`'];
const GOOD = { '--dataset': 'test-project.jatopic', '--gcs-prefix': 'gs://jatopic-test/safety', '--function-prefix': 'ja_' };
const run = (args, input) => execFileSync(bin, args, { input, maxBuffer: 1 << 30 }).toString('utf8');
const ndjson = (text) => text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l));
const packageArgs = (out, overrides = {}, model) => ['package', '--out', out, '--library', library,
  ...Object.entries({ ...GOOD, ...overrides }).flat(), ...(model ? ['--model', model] : [])];

// The hostile strings as model text: vocabulary terms (given pre-tokenized,
// so any string is a term) and stop words (one per line of a file).
const TERMS = HOSTILE.map((h, i) => `HOSTILE${i}${h}term`);
const STOPWORDS = HOSTILE.filter((h) => h !== '\n').map((h, i) => `HOSTILE${i}${h}stop`);
let modelFile, pkgDir, worker;

before(() => {
  const docs = [];
  for (let d = 0; d < 24; d++) {
    // Each hostile term in a few documents, with ordinary ones.
    const terms = [d % 2 ? '陶器' : 'ランプ', d % 3 ? 'カフェ' : '猫', TERMS[d % TERMS.length], TERMS[(d * 7) % TERMS.length]];
    docs.push(JSON.stringify({ id: `d${d}`, terms }));
  }
  fs.writeFileSync(`${tmp}/docs.ndjson`, docs.join('\n') + '\n');
  fs.writeFileSync(`${tmp}/stop.txt`, STOPWORDS.join('\n') + '\n');
  modelFile = `${tmp}/model.jtm`;
  run(['train', '--k', '3', '--iterations', '30', '--min-df', '1', '--max-df', '1.0', '--input-format', 'ndjson', '--terms-field', 'terms',
    '--stopwords', `${tmp}/stop.txt`, '--out', modelFile, `${tmp}/docs.ndjson`]);
  pkgDir = `${tmp}/pkg`;
  run(packageArgs(pkgDir, {}, modelFile));
  worker = loadPackage(pkgDir).createWorker({ timeoutMs: 0 });
});

const manifestOf = (dir) => JSON.parse(fs.readFileSync(`${dir}/manifest.json`, 'utf8'));
// Every text file of a package directory.
const texts = (dir) => fs.readdirSync(dir).sort().map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]);

test('identifiers with quotes, comments, newlines or NUL are refused, naming the option and the rule', () => {
  for (const [option, at] of [['--dataset', (h) => [`test-project.ds${h}`, `test${h}-project.ds`, `${h}test-project.ds`]],
    ['--function-prefix', (h) => [`ja${h}`, `${h}ja_`]],
    ['--gcs-prefix', (h) => [`gs://jatopic-test${h}/p`, `gs://jatopic-test/p${h}`, `gs://jatopic-test/${h}/p`]]]) {
    for (const h of HOSTILE) {
      for (const value of at(h)) {
        const out = `${tmp}/refused`;
        if (h === '\0') {
          // A NUL cannot even be passed as an argument: it never reaches jatopic.
          assert.throws(() => spawnSync(bin, packageArgs(out, { [option]: value })), { code: 'ERR_INVALID_ARG_VALUE' });
          continue;
        }
        const r = spawnSync(bin, packageArgs(out, { [option]: value }));
        const stderr = r.stderr.toString();
        if (h === '--' && r.status === 0 && option !== '--function-prefix') {
          // '-' is allowed in project ids and object paths: the value is only
          // ever inside quotes (checked by the tests of src/bigquery/package.rs), so
          // the SQL still holds exactly the functions, under the given names.
          const gcsMap = { [manifestOf(out).gcs_prefix]: out };
          const fromSql = loadPackage(`${out}/create_functions.sql`, { gcsMap });
          assert.deepEqual(fromSql.functions.map((f) => f.name), ['ja_tokenize', 'ja_analyze', 'ja_tokenize_search', 'ja_analyze_search', 'ja_terms', 'ja_selftest']);
          if (option === '--dataset') assert.ok(fromSql.functions.every((f) => f.sqlName === `\`${value}.${f.name}\``));
          fs.rmSync(out, { recursive: true });
          continue;
        }
        assert.equal(r.status, 2, `${option} ${JSON.stringify(value)}: ${stderr}`);
        assert.ok(stderr.includes(`${option} ${JSON.stringify(value).replace(/\u007f/g, '')}`) || stderr.includes(option), stderr);
        assert.match(stderr, option === '--function-prefix' ? /use letters, digits and underscores/ : /expected (PROJECT\.DATASET|gs:\/\/BUCKET\/PATH)/, stderr);
        assert.ok(!fs.existsSync(out), `${option} ${JSON.stringify(value)}: nothing written`);
      }
    }
  }
  // Numeric options take numbers only.
  for (const [option, value] of [['--count-bits', "4'"], ['--min-count', '2;rm'], ['--count-bits', '${x}']]) {
    const r = spawnSync(bin, [...packageArgs(`${tmp}/refused`, {}, modelFile), option, value]);
    assert.equal(r.status, 2, r.stderr.toString());
    assert.match(r.stderr.toString(), new RegExp(option));
  }
});

test('an --out directory with hostile characters: the files never mention it and deploy.sh runs from it', () => {
  // Stand-ins for gcloud and bq that record their arguments and stdin.
  const stubs = `${tmp}/stubs`;
  fs.mkdirSync(stubs);
  const log = `${tmp}/calls.log`;
  for (const cmd of ['gcloud', 'bq']) {
    fs.writeFileSync(`${stubs}/${cmd}`, `#!/bin/sh\nprintf '%s\\0' ${cmd} "$@" >> "${log}"\nprintf '\\1' >> "${log}"\n${cmd === 'bq' ? `cat >> "${log}"\nprintf '\\1' >> "${log}"\n` : ''}${cmd === 'bq' ? 'case "$*" in *ja_selftest*) echo \'[{"verdict":"JATOPIC_SELFTEST_OK"}]\' ;; esac\n' : ''}`);
    fs.chmodSync(`${stubs}/${cmd}`, 0o755);
  }
  const names = HOSTILE.filter((h) => h !== '\0').map((h, i) => `-out${i}${h}`).concat(['-trailing-newline\n', '-x; touch pwned']);
  for (const temp of [false, true]) {
    for (const name of names) {
      const work = fs.mkdtempSync(path.join(tmp, 'cwd-'));
      const out = path.join(work, name);
      const r = spawnSync(bin, [...packageArgs(out, {}, modelFile), ...(temp ? ['--temp'] : [])]);
      assert.equal(r.status, 0, `${JSON.stringify(name)}: ${r.stderr}`);
      for (const [file, text] of texts(out)) {
        if (file === 'jatopic-tokenizer.js') continue;
        assert.ok(!text.includes(name) && !text.includes(work), `${file} mentions the --out path`);
      }
      const deploy = `${out}/deploy.sh`;
      for (const shell of ['bash', 'sh']) {
        const check = spawnSync(shell, ['-n', deploy]);
        assert.equal(check.status, 0, `${shell} -n: ${check.stderr}`);
      }
      // Run it by a relative path from its parent (so $0 holds the hostile name) and by its absolute path
      // ($0 then starts with '-': `sh -- NAME/deploy.sh`).
      for (const [cwd, script] of [[work, `${name}/deploy.sh`], [tmp, deploy]]) {
        fs.rmSync(log, { force: true });
        const d = spawnSync('sh', ['--', script], { cwd, env: { ...process.env, PATH: `${stubs}:${process.env.PATH}` } });
        assert.equal(d.status, 0, `${JSON.stringify(name)}: ${d.stderr}`);
        const calls = fs.readFileSync(log, 'utf8').split('\u0001').filter((c) => c !== '');
        const expected = [['gcloud', 'storage', 'cp', path.join(out, 'jatopic-tokenizer.js'), 'gs://jatopic-test/safety/jatopic-tokenizer.js'],
          ['gcloud', 'storage', 'cp', path.join(out, 'jatopic-model-1.js'), 'gs://jatopic-test/safety/jatopic-model-1.js']];
        const uploads = calls.slice(0, 2).map((c) => c.split('\0').slice(0, -1));
        // pwd may resolve symbolic links in tmpdir: compare from the work directory on.
        assert.deepEqual(uploads.map((c) => c.map((a) => a.includes(path.basename(work)) ? a.slice(a.indexOf(path.basename(work))) : a)),
          expected.map((c) => c.map((a) => a.includes(path.basename(work)) ? a.slice(a.indexOf(path.basename(work))) : a)), JSON.stringify(name));
        if (temp) {
          assert.equal(calls.length, 2);
        } else {
          assert.deepEqual(calls[2].split('\0').slice(0, -1), ['bq', 'query', '--use_legacy_sql=false']);
          assert.equal(calls[3], fs.readFileSync(`${out}/create_functions.sql`, 'utf8'));
          // Then the self-test query (no stdin: nothing logged for it).
          const selftest = calls[4].split('\0').slice(0, -1);
          assert.deepEqual(selftest.slice(0, 4), ['bq', 'query', '--use_legacy_sql=false', '--format=json']);
          assert.match(selftest[4], /^SELECT IF\(s\.ok, .* FROM \(SELECT `test-project\.jatopic\.ja_selftest`\(\) AS s\)$/);
          assert.equal(calls.length, 5);
        }
        assert.ok(!fs.existsSync(path.join(cwd, 'pwned')) && !fs.existsSync(path.join(work, 'pwned')), 'nothing was executed');
      }
    }
  }
});

test('model text (vocabulary, stop words) is only 7-bit data in the library files, decoded intact', () => {
  for (const [file, text] of texts(pkgDir)) {
    assert.ok(!text.includes('HOSTILE'), `${file} holds model text`);
    if (!file.startsWith('jatopic-model-')) continue;
    const lines = text.split('\n');
    assert.equal(lines.pop(), '');
    const call = lines.pop();
    assert.ok(lines.every((l) => l.startsWith('// ')), file);
    // One call whose only text is a function's comment holding nothing that
    // could end it, a string or the line.
    const [open, close] = [CONTRACT.text_container_open, CONTRACT.text_container_close];
    assert.ok(call.startsWith('jatopic.addModelPart(') && call.endsWith(close + ');'), file);
    const [head, data] = [call.slice(0, call.indexOf(open)), call.slice(call.indexOf(open) + open.length, call.length - close.length - 2)];
    assert.match(head, /^jatopic\.addModelPart\(\d+, \d+, \d+, $/, file);
    assert.match(data, /^[^*'\\\n\r\u2028\u2029]*$/, file);
    assert.ok([...call].every((c) => c.codePointAt(0) < 0x80 * (1 + CONTRACT.text_coding_escaped.length)), file);
  }
  const sql = fs.readFileSync(`${pkgDir}/create_functions.sql`, 'utf8');
  assert.ok(!/HOSTILE/.test(sql));
  JSON.parse(fs.readFileSync(`${pkgDir}/manifest.json`, 'utf8'));
});

test('the packaged functions work, and hostile terms and stop words come back intact', async () => {
  // Probes of the model's own strings, added to a copy of the manifest.
  const probeDir = `${tmp}/pkg-probe`;
  fs.cpSync(pkgDir, probeDir, { recursive: true });
  const manifest = JSON.parse(fs.readFileSync(`${probeDir}/manifest.json`, 'utf8'));
  const libraries = manifest.functions.find((f) => f.name === 'ja_topics').libraries;
  const probe = (name, body) => ({ name, sql_name: name, temp: true, arguments: [], returns: 'STRING', libraries, body });
  manifest.functions.push(probe('probe_info', 'return JSON.stringify(jatopic.modelInfo());'),
    probe('probe_words', 'const k = jatopic.modelInfo().k, out = []; for (let t = 0; t < k; t++) out.push(jatopic.topWords(t, 1000).map((w) => w.word)); return JSON.stringify(out);'));
  fs.writeFileSync(`${probeDir}/manifest.json`, JSON.stringify(manifest));
  const w = loadPackage(probeDir).createWorker({ timeoutMs: 0 });
  const info = JSON.parse(await w.call('probe_info', []));
  assert.deepEqual(info.terms.stopwords, STOPWORDS);
  const words = new Set(JSON.parse(await w.call('probe_words', [])).flat());
  for (const t of TERMS) assert.ok(words.has(t), `vocabulary lacks ${JSON.stringify(t)}`);

  // Each hostile term is a known term: its topics differ from the prior and
  // equal `jatopic infer` on the same terms, bit for bit.
  const prior = await worker.call('ja_topics_from_terms', [[]]);
  const docs = TERMS.map((t, i) => JSON.stringify({ id: String(i), terms: [t] })).join('\n') + '\n';
  const native = ndjson(run(['infer', '--input-format', 'ndjson', '--terms-field', 'terms', '--model', modelFile, '-'], docs));
  for (let i = 0; i < TERMS.length; i++) {
    const theta = await worker.call('ja_topics_from_terms', [[TERMS[i]]]);
    assert.deepEqual(theta, native[i].topics, JSON.stringify(TERMS[i]));
    assert.notDeepEqual(theta, prior, JSON.stringify(TERMS[i]));
  }
  // And the text functions still work with this model's term pipeline.
  assert.deepEqual(await worker.call('ja_tokenize', ['東京に行く']), ['東京', 'に', '行く']);
  assert.deepEqual(await worker.call('ja_terms', ['陶器とランプ']), ['陶器', 'ランプ']);
  const theta = await worker.call('ja_topics', ['陶器とランプ']);
  assert.ok(Math.abs(theta.reduce((a, b) => a + b, 0) - 1) < 1e-12);
});
