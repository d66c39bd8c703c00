// The browser demo in headless Chromium, checked against the native CLI.
//
//   JATOPIC_WEB_DIR      a directory built by js/build-web.mjs (default build/web-test)
//   JATOPIC_TEST_MODEL   the .jtm model packaged into it (default build/web-test-model-1.jtm)
//   JATOPIC_TEST_MODEL2  a second .jtm with another K, opened through #model-file
//                        (default build/web-test-model-2.jtm)
//   JATOPIC_BIN          the native CLI (default target/release/jatopic)
//   JATOPIC_CHROMIUM     the browser (default /usr/bin/chromium)
//
// The site should ship jatopic-readings.js (build-web.mjs --readings-package,
// or a package with --readings); without it the readings test skips, or fails
// under JATOPIC_REQUIRE_BROWSER.
//
// Skips (with the reason) when Chromium, playwright-core, the web directory,
// the models or the CLI are missing. Writes build/web-test-screenshot.png.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import os from 'node:os';
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { serve, resolvePath } from '../serve.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const fromRoot = (p) => path.resolve(ROOT, p);
const CHROMIUM = process.env.JATOPIC_CHROMIUM || '/usr/bin/chromium';
const WEB_DIR = fromRoot(process.env.JATOPIC_WEB_DIR || 'build/web-test');
const MODEL = fromRoot(process.env.JATOPIC_TEST_MODEL || 'build/web-test-model-1.jtm');
const MODEL2 = fromRoot(process.env.JATOPIC_TEST_MODEL2 || 'build/web-test-model-2.jtm');
const BIN = fromRoot(process.env.JATOPIC_BIN || 'target/release/jatopic');
const FULL_LEXICON = fromRoot('dict/ipadic-full.jtd');
const FULL_READINGS = fromRoot('dict/ipadic-full-readings.jtr');
const SCREENSHOT = fromRoot('build/web-test-screenshot.png');

let chromium = null;
try {
  ({ chromium } = await import('playwright-core'));
} catch {
  // reported as a skip below
}

function skipReason() {
  if (!fs.existsSync(CHROMIUM)) return `${CHROMIUM} not found (apt-get install chromium)`;
  if (chromium === null) return 'playwright-core is not installed (cd js && npm ci)';
  if (!fs.existsSync(path.join(WEB_DIR, 'index.html'))) {
    return `${WEB_DIR}/index.html not found: set JATOPIC_WEB_DIR to a directory built by js/build-web.mjs (or build build/web-test)`;
  }
  for (const [name, file] of [['JATOPIC_TEST_MODEL', MODEL], ['JATOPIC_TEST_MODEL2', MODEL2], ['JATOPIC_BIN', BIN]]) {
    if (!fs.existsSync(file)) return `${file} not found (set ${name})`;
  }
  for (const file of [FULL_LEXICON, FULL_READINGS]) {
    if (!fs.existsSync(file)) return `${file} not found (it is in the repository's dict/)`;
  }
  return null;
}
const SKIP = skipReason();
if (SKIP) console.log(`# browser test skipped: ${SKIP}`);

// ---- The native CLI -------------------------------------------------------

function nativeInfer(model, texts) {
  const input = texts.map((text, i) => JSON.stringify({ id: String(i), text })).join('\n') + '\n';
  const out = execFileSync(BIN, ['infer', '--input-format', 'ndjson', '--output', 'ndjson', '--id-field', 'id', '--model', model, '-'], { input, encoding: 'utf8' });
  const rows = out.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(rows.length, texts.length, 'jatopic infer: one row per text');
  return rows.map((r) => r.topics);
}

function nativeSurfaces(texts) {
  const out = execFileSync(BIN, ['tokenize', '--output', 'json'], { input: texts.join('\n') + '\n', encoding: 'utf8' });
  const rows = out.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(rows.length, texts.length, 'jatopic tokenize: one row per line');
  return rows.map((tokens) => tokens.map((t) => t.surface));
}

// `jatopic tokenize --output json` of one line: [{surface, reading, pronunciation}].
function nativeTokens(text, args = []) {
  const out = execFileSync(BIN, ['tokenize', '--output', 'json', ...args], { input: text + '\n', encoding: 'utf8' });
  return JSON.parse(out.trim()).map((t) => ({ surface: t.surface, reading: t.reading, pronunciation: t.pronunciation }));
}

// A request with the path sent as is (fetch would normalise the dots).
function rawStatus(port, rawPath) {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: rawPath }, (res) => {
      res.resume();
      resolve(res.statusCode);
    }).on('error', reject);
  });
}

// ---- The page -------------------------------------------------------------

async function typeText(page, text) {
  await page.fill('#text', '');
  await page.locator('#text').pressSequentially(text);
  await page.waitForFunction(
    (t) => document.querySelector('#tokens').dataset.text === t && document.querySelector('#topics').dataset.text === t,
    text, { timeout: 10_000 });
}

async function pageTokens(page) {
  return page.evaluate(() => [...document.querySelectorAll('#tokens .token')].map((e) => ({
    surface: e.dataset.surface, reading: e.dataset.reading, pronunciation: e.dataset.pronunciation,
  })));
}

async function pageState(page) {
  return page.evaluate(() => ({
    k: Number(document.querySelector('#model-info').dataset.k),
    surfaces: [...document.querySelectorAll('#tokens .token')].map((e) => e.dataset.surface),
    bars: [...document.querySelectorAll('#topics .topic-bar')].map((e) => ({ topic: Number(e.dataset.topic), weight: e.dataset.weight })),
    error: document.querySelector('#error').hidden ? '' : document.querySelector('#error').textContent,
  }));
}

// Checks one analysed text against the native CLI: token surfaces, the
// bars (one per topic, summing to 1) and the distribution itself.
function checkAgainstNative(state, text, model, native) {
  assert.deepEqual(state.surfaces, nativeSurfaces([text])[0], `token surfaces of ${JSON.stringify(text)}`);
  const K = native.length;
  assert.equal(state.k, K, '#model-info data-k');
  assert.equal(state.bars.length, K, 'one .topic-bar per topic');
  const theta = new Array(K).fill(null);
  for (const b of state.bars) {
    assert.ok(Number.isInteger(b.topic) && b.topic >= 0 && b.topic < K, `data-topic ${b.topic}`);
    assert.equal(theta[b.topic], null, `topic ${b.topic} appears once`);
    assert.match(b.weight, /^[0-9.e+-]+$/, 'data-weight is a number');
    theta[b.topic] = Number(b.weight);
  }
  const sum = theta.reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(sum - 1) <= 1e-9, `weights sum to ${sum}`);
  theta.forEach((w, k) => {
    assert.ok(Math.abs(w - native[k]) <= 1e-12, `topic ${k} of ${JSON.stringify(text)} with ${path.basename(model)}: page ${w}, jatopic infer ${native[k]}`);
  });
}

// `make test` sets JATOPIC_REQUIRE_BROWSER: there a missing piece is a failure, not a skip.
if (SKIP && process.env.JATOPIC_REQUIRE_BROWSER) it('browser demo', () => { throw new Error(`browser test cannot run: ${SKIP}`); });
else if (SKIP) it('browser demo', { skip: SKIP }, () => {});
else describe('browser demo', { timeout: 60_000 }, () => {
  let browser, page, server;
  const problems = [];
  const started = Date.now();

  before(async () => {
    server = await serve({ dir: WEB_DIR, port: 0 });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
    });
    page = await browser.newPage({ viewport: { width: 1200, height: 900 }, deviceScaleFactor: 1 });
    page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure() && r.failure().errorText}`));
    page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
  });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.close();
    console.log(`# browser test: ${Date.now() - started} ms`);
  });

  it('serves files with the right types and refuses traversal', async () => {
    const get = (p) => fetch(new URL(p, server.url));
    const html = await get('/');
    assert.equal(html.status, 200);
    assert.match(html.headers.get('content-type'), /^text\/html/);
    assert.match((await get('/app.js')).headers.get('content-type'), /^text\/javascript/);
    assert.match((await get('/samples.json')).headers.get('content-type'), /^application\/json/);
    assert.equal((await get('/nope.js')).status, 404);
    for (const raw of ['/../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/..%2f..%2fetc/passwd', '/%00']) {
      assert.equal(await rawStatus(server.port, raw), 403, raw);
    }
    assert.equal(resolvePath('/srv/web', '/../etc/passwd'), null);
    assert.equal(resolvePath('/srv/web', '/a/%2e%2e/%2e%2e/x'), null);
    assert.equal(resolvePath('/srv/web', '/a/b.js?x=1'), '/srv/web/a/b.js');
  });

  it('loads the packaged model', async () => {
    const t0 = Date.now();
    await page.goto(server.url);
    await page.waitForFunction(() => document.body.dataset.ready === 'true', null, { timeout: 20_000 });
    console.log(`# page ready in ${Date.now() - t0} ms`);
    const K = nativeInfer(MODEL, ['x'])[0].length;
    assert.equal(Number(await page.getAttribute('#model-info', 'data-k')), K);
    assert.ok(Number(await page.getAttribute('#model-info', 'data-vocabulary')) > 0);
    assert.match(await page.textContent('body'), /合成データ/, 'sample data is labelled synthetic');
    assert.ok((await page.locator('#samples option').count()) > 1, 'sample titles in the dropdown');
  });

  it('tokenizes and infers typed titles exactly as the native CLI', async () => {
    const sample = await page.evaluate(() => fetch('samples.json').then((r) => r.json()).then((d) => d.samples[0].title));
    const texts = [sample, '手作りの革財布を販売しています。送料無料！', 'ＡＢＣの iPhone ケース　ﾊﾝﾄﾞﾒｲﾄﾞ', '！？'];
    const native = nativeInfer(MODEL, texts);
    for (let i = 0; i < texts.length; i++) {
      await typeText(page, texts[i]);
      checkAgainstNative(await pageState(page), texts[i], MODEL, native[i]);
    }
    const t = await page.locator('#tokens .token').first().getAttribute('title');
    assert.match(t, /品詞: .+\n基本形: /, 'token tooltip with POS and base form');
  });

  it('fills the topic explorer from the samples', async () => {
    await page.waitForFunction(() => document.querySelector('#explorer').dataset.ready === 'true', null, { timeout: 20_000 });
    const K = Number(await page.getAttribute('#model-info', 'data-k'));
    assert.equal(await page.locator('#explorer .topic-card').count(), K);
    assert.ok(await page.locator('#explorer .example').count() > 0, 'representative listings');
    await typeText(page, '手作りの革財布を販売しています。');
    fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
  });

  it('shows readings from the lazily loaded jatopic-readings.js as the CLI gives them', async (t) => {
    const file = await page.evaluate(() => {
      const m = document.querySelector('meta[name="jatopic-readings"]');
      return m ? m.content : null;
    });
    if (file === null) {
      const why = `${WEB_DIR} has no readings file (build it with js/build-web.mjs --readings-package DIR)`;
      if (process.env.JATOPIC_REQUIRE_BROWSER) throw new Error(why);
      t.skip(why);
      return;
    }
    assert.equal(await page.evaluate(() => jatopic.hasReadings()), false, 'readings are not loaded at first paint');
    const text = '手作りの革財布を販売しています。ｘｙｚｑｗ';
    await typeText(page, text);
    assert.equal((await pageTokens(page))[0].reading, undefined, 'no readings before the box is checked');
    await page.check('#readings-toggle');
    await page.waitForFunction((t) => document.querySelector('#tokens').dataset.readings === 'true'
      && document.querySelector('#tokens').dataset.text === t, text, { timeout: 10_000 });
    const native = nativeTokens(text);
    assert.ok(native.some((x) => x.reading === '*'), 'the text has an unknown word');
    assert.ok(native.some((x) => x.surface === '財布' && x.reading === 'サイフ'), `CLI readings: ${JSON.stringify(native)}`);
    assert.deepEqual(await pageTokens(page), native);
    assert.match(await page.locator('#tokens .token', { hasText: '財布' }).first().textContent(), /サイフ/, 'the reading is shown');
    assert.match(await page.locator('#tokens .token').first().getAttribute('title'), /\n読み: .+ \/ 発音: /);
  });

  it('applies a pasted user dictionary, refuses a bad one, and clears it', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'jatopic-web-'));
    const text = 'がま口ポーチとハーバリウムボールペンを手作りしました';
    await typeText(page, text);
    const plain = await pageTokens(page);
    const nativePlain = nativeTokens(text);
    assert.deepEqual(plain.map((x) => x.surface), nativePlain.map((x) => x.surface));
    const model = await pageState(page);
    assert.ok(model.bars.length > 0, 'topics before the user dictionary');

    // (b) the prefilled dictionary, applied: the CLI's tokens with --user-dict.
    const csv = await page.inputValue('#userdict-text');
    assert.match(csv, /がま口ポーチ/);
    const dictFile = path.join(tmp, 'pasted.csv');
    fs.writeFileSync(dictFile, csv);
    const nativeDict = nativeTokens(text, ['--user-dict', dictFile]);
    assert.notDeepEqual(nativeDict.map((x) => x.surface), nativePlain.map((x) => x.surface), 'the dictionary changes the segmentation');
    await page.click('#userdict-apply');
    await page.waitForFunction(() => document.querySelector('#tokens').dataset.userdict === 'true', null, { timeout: 10_000 });
    const withDict = await pageTokens(page);
    const readings = withDict[0].reading !== undefined;
    assert.deepEqual(withDict, readings ? nativeDict : nativeDict.map((x) => ({ surface: x.surface, reading: undefined, pronunciation: undefined })));
    assert.match(await page.textContent('#userdict-status'), /pasted\.csv/);
    // The packaged model was trained without one: the topics panel says so; no page error.
    const topicsError = await page.getAttribute('#topics', 'data-error');
    assert.match(topicsError || '', /trained without a user dictionary/);
    assert.equal(await page.locator('#topics .topic-bar').count(), 0);
    assert.equal((await pageState(page)).error, '', 'no page-level error');

    // (c) a bad dictionary: FILE:LINE: problem as the CLI says it; the tokens stay.
    const bad = 'ハーバリウム,,,4600,名詞,一般,*,*,*,*,ハーバリウム,ハーバリウム,ハーバリウム\nがま口,名詞\n';
    const badFile = path.join(tmp, 'pasted.csv');
    fs.writeFileSync(badFile, bad);
    const r = spawnSync(BIN, ['tokenize', '--user-dict', badFile], { input: '東京\n', encoding: 'utf8' });
    assert.notEqual(r.status, 0, 'the CLI refuses the bad dictionary');
    const cli = /^jatopic: (?:invalid input: )?(.*)$/m.exec(r.stderr)[1].replace(badFile, 'pasted.csv');
    assert.match(cli, /^pasted\.csv:2: /);
    await page.fill('#userdict-text', bad);
    await page.click('#userdict-apply');
    await page.waitForFunction(() => !document.querySelector('#userdict-error').hidden, null, { timeout: 10_000 });
    assert.ok((await page.textContent('#userdict-error')).includes(cli), `page ${await page.textContent('#userdict-error')}, CLI ${cli}`);
    await typeText(page, text);
    assert.deepEqual(await pageTokens(page), withDict, 'the previous dictionary stays in use');

    // (d) clear: the tokens and topics without a dictionary again.
    await page.click('#userdict-clear');
    await page.waitForFunction(() => document.querySelector('#tokens').dataset.userdict === 'false', null, { timeout: 10_000 });
    assert.deepEqual(await pageTokens(page), plain);
    assert.equal(await page.isHidden('#userdict-error'), true, 'the error is cleared');
    assert.equal(await page.getAttribute('#topics', 'data-error'), null);
    checkAgainstNative(await pageState(page), text, MODEL, nativeInfer(MODEL, [text])[0]);
    await page.waitForFunction(() => document.querySelector('#explorer').dataset.ready === 'true', null, { timeout: 20_000 });
    assert.equal(await page.isHidden('#userdict-packaged'), true, 'no packaged dictionary: no button to go back to it');

    // (e) a packaged user dictionary (jatopic-userdict.js of `jatopic package
    // --user-dict`, here evaluated after start-up): cleared, then put back with
    // the button, the CLI's tokens with that file again.
    const pkg = path.join(tmp, 'pkg');
    fs.writeFileSync(dictFile, csv);
    execFileSync(BIN, ['package', '--out', pkg, '--gcs-prefix', 'gs://jatopic-test/web', '--dataset', 'jatopic-test.jatopic', '--user-dict', dictFile], { stdio: ['ignore', 'ignore', 'inherit'] });
    await page.addScriptTag({ content: fs.readFileSync(path.join(pkg, 'jatopic-userdict.js'), 'utf8') });
    await page.click('#userdict-clear');
    await page.waitForFunction(() => !document.querySelector('#userdict-packaged').hidden, null, { timeout: 10_000 });
    assert.deepEqual(await pageTokens(page), plain, 'cleared');
    await page.click('#userdict-packaged');
    await page.waitForFunction(() => document.querySelector('#tokens').dataset.userdict === 'true', null, { timeout: 10_000 });
    assert.deepEqual(await pageTokens(page), withDict, 'the packaged dictionary is back');
    assert.match(await page.textContent('#userdict-status'), /パッケージ同梱/);
    await page.click('#userdict-clear');
    await page.waitForFunction(() => document.querySelector('#tokens').dataset.userdict === 'false', null, { timeout: 10_000 });
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('keeps the model and shows the error for a bad model file', async () => {
    const before = Number(await page.getAttribute('#model-info', 'data-k'));
    await page.setInputFiles('#model-file', { name: 'broken.jtm', mimeType: 'application/octet-stream', buffer: Buffer.from('not a jatopic model') });
    await page.waitForFunction(() => !document.querySelector('#error').hidden, null, { timeout: 10_000 });
    assert.match(await page.textContent('#error'), /broken\.jtm/);
    assert.equal(Number(await page.getAttribute('#model-info', 'data-k')), before);
    const text = '北欧風の木製ダイニングテーブル';
    await typeText(page, text);
    checkAgainstNative(await pageState(page), text, MODEL, nativeInfer(MODEL, [text])[0]);
  });

  it('switches to another model file and recomputes', async () => {
    const k1 = Number(await page.getAttribute('#model-info', 'data-k'));
    const k2 = nativeInfer(MODEL2, ['x'])[0].length;
    assert.notEqual(k1, k2, 'JATOPIC_TEST_MODEL2 should have another K than JATOPIC_TEST_MODEL');
    const text = await page.inputValue('#text');
    await page.setInputFiles('#model-file', MODEL2);
    await page.waitForFunction((k) => document.querySelector('#topics').dataset.k === String(k), k2, { timeout: 10_000 });
    const state = await pageState(page);
    assert.equal(state.error, '', 'the error is cleared');
    checkAgainstNative(state, text, MODEL2, nativeInfer(MODEL2, [text])[0]);
    const next = 'オーガニックの化粧水 敏感肌用 送料無料';
    await typeText(page, next);
    checkAgainstNative(await pageState(page), next, MODEL2, nativeInfer(MODEL2, [next])[0]);
    await page.waitForFunction((k) => document.querySelector('#explorer').dataset.ready === 'true'
      && document.querySelectorAll('#explorer .topic-card').length === k, k2, { timeout: 20_000 });
  });

  it('switches to the full lexicon and its readings opened as files', async () => {
    assert.equal(await page.getAttribute('#lexicon-status', 'data-lexicon'), 'compact');
    const text = '紫波郡矢巾町の陶器のマグカップ';
    await typeText(page, text);
    const compact = await pageTokens(page);
    await page.setInputFiles('#lexicon-file', FULL_LEXICON);
    await page.waitForFunction(() => document.querySelector('#lexicon-status').dataset.lexicon === 'full', null, { timeout: 20_000 });
    const native = nativeTokens(text, ['--lexicon', 'full']);
    assert.notDeepEqual(native.map((x) => x.surface), compact.map((x) => x.surface), 'the tiers segment the text differently');
    // loadDictionary drops the compact lexicon's readings.
    assert.deepEqual(await pageTokens(page), native.map((x) => ({ surface: x.surface, reading: undefined, pronunciation: undefined })));
    assert.equal(await page.isChecked('#readings-toggle'), false);
    await page.setInputFiles('#lexicon-file', FULL_READINGS);
    await page.waitForFunction(() => document.querySelector('#tokens').dataset.readings === 'true', null, { timeout: 20_000 });
    assert.deepEqual(await pageTokens(page), native);
    // The packaged models were trained on the compact lexicon.
    assert.ok((await page.getAttribute('#topics', 'data-error') || '').length > 0, 'topics refused with the full lexicon');
    assert.equal((await pageState(page)).error, '');
  });

  it('logged no console or page errors', () => {
    assert.deepEqual(problems, []);
  });
});
