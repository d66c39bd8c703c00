// The browser demo in headless Chromium, checked against the native CLI.
//
//   JATOPIC_WEB_DIR      a directory built by js/build-web.mjs (default build/web-test)
//   JATOPIC_TEST_MODEL   the .jtm model packaged into it (default build/web-test-model-1.jtm)
//   JATOPIC_TEST_MODEL2  a second .jtm with another K, opened through #model-file
//                        (default build/web-test-model-2.jtm)
//   JATOPIC_BIN          the native CLI (default target/release/jatopic)
//   JATOPIC_CHROMIUM     the browser (default /usr/bin/chromium)
//
// Skips (with the reason) when Chromium, playwright-core, the web directory,
// the models or the CLI are missing. Writes build/web-test-screenshot.png.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { serve, resolvePath } from '../serve.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const fromRoot = (p) => path.resolve(ROOT, p);
const CHROMIUM = process.env.JATOPIC_CHROMIUM || '/usr/bin/chromium';
const WEB_DIR = fromRoot(process.env.JATOPIC_WEB_DIR || 'build/web-test');
const MODEL = fromRoot(process.env.JATOPIC_TEST_MODEL || 'build/web-test-model-1.jtm');
const MODEL2 = fromRoot(process.env.JATOPIC_TEST_MODEL2 || 'build/web-test-model-2.jtm');
const BIN = fromRoot(process.env.JATOPIC_BIN || 'target/release/jatopic');
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

  it('logged no console or page errors', () => {
    assert.deepEqual(problems, []);
  });
});
