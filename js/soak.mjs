// Soak test of the packaged BigQuery functions (issue 7, "Hardening"): many
// rows through ja_topics and ja_analyze, each function in ONE sandbox worker
// (js/bq-sandbox.mjs, with its per-call time limit, i.e. a worker thread as in
// BigQuery), measuring
// - wasm memory and the worker's JS heap (after forced full GCs) after the
//   first 10,000 rows and at the end: growth must be ≤ 1 %;
// - throughput in the first and the last 10 % of the rows: wall-clock rows/s,
//   and CPU time per row of this process (insensitive to other processes on
//   the machine), whose last/first ratio must stay ≥ 0.90 (no decline beyond noise).
//
// usage (from the repository root; `make soak` runs it):
//   node js/soak.mjs [--package DIR | --model FILE.jtm] [--rows 1000000]
//        [--functions ja_topics,ja_analyze] [--input FILE] [--chunk N]
//        [--first-reading N] [--out build/soak/report.json]
//
// Without --package a package is made in build/soak/package (`jatopic package`
// with the current build/jatopic-tokenizer.js) from --model, by default the
// K=100, 50,000-term bench model build/bench-udf/model.jtm when present, else
// the small build/web-test-model-1.jtm (`make web-test`).
//
// Rows are generated deterministically: product-title-like sentences combined
// from fixed word lists written for this script (or the lines of --input,
// cycled), and every 100th row (1 %) an odd one: NULL, empty, blank, emoji,
// a 1,000- or (every tenth time) 10,000-unit row, half-width/ASCII, a lone
// surrogate with combining marks, symbols only, a single character. Each odd kind occurs about 11
// times in the first 10,000 rows, so the first reading is taken once the
// worker has seen every kind of row (its scratch buffers sized for the longest):
// what is measured is growth in steady state, the thing a leak would show as.
//
// --first-reading: rows before the first memory reading (default 10,000; with
// --input, one pass over the file).
//
// Results: Markdown on stdout, progress on stderr, numbers in --out.
// Exit status 1 when a target is missed (or a row fails, or the worker restarts).
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { loadPackage } from './bq-sandbox.mjs';

const jsDir = path.dirname(new URL(import.meta.url).pathname);
const repoRoot = path.dirname(jsDir);
const inRepo = (p) => path.join(repoRoot, p);

/** Memory growth allowed between the first reading and the end (%). */
export const MAX_GROWTH_PERCENT = 1;
/** Lowest last/first ratio of throughput (CPU time per row) counted as "no decline". */
export const MIN_THROUGHPUT_RATIO = 0.9;
/** Every ODD_EVERY-th row (from row ODD_OFFSET) is an odd one. */
const ODD_EVERY = 100, ODD_OFFSET = 50;
/** Length of the long odd rows (UTF-16 units), under ja_analyze's 50,000-unit limit. */
export const LONG_ROW_UNITS = 10_000;
/** Input lines longer than this are skipped (ja_analyze rejects long texts). */
const MAX_INPUT_UNITS = 20_000;

// ------------------------------------------------------------------- rows

const PREFIXES = ['【送料無料】', '【公式】', '【期間限定】', '[新品]', '★ポイント10倍★', '', '', ''];
const ADJECTIVES = ['手作りの', '北欧風', '軽量', '防水', '大容量', 'おしゃれな', 'シンプルな', '国産', '高級', '折りたたみ式'];
const ITEMS = ['陶器マグカップ', 'ステンレス水筒', 'レザー長財布', 'ワイヤレスイヤホン', '木製まな板', 'リュックサック',
  '綿100%タオル', 'ガラス花瓶', 'ノートパソコンスタンド', '電気ケトル', '抹茶 100g', '炊飯器 5.5合', 'スニーカー',
  'ダウンジャケット', '日傘', '万年筆'];
const ATTRIBUTES = ['ホワイト', '黒', '24cm', '500ml', 'Lサイズ', '3個セット', 'ギフト包装', 'メンズ レディース', '日本製',
  '2025年モデル', 'プレゼントに最適', '父の日'];
const SENTENCES = ['毎日使いやすいデザインです。', 'お手入れが簡単で長く使えます。', '贈り物にも喜ばれています。',
  '在庫限りの特別価格でご提供します。', '', ''];

// A 32-bit hash of the row number (mulberry32's mixer): the same rows on every run.
function mix(i) {
  let t = (i + 0x6d2b79f5) | 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return (t ^ (t >>> 14)) >>> 0;
}
const pick = (list, h) => list[h % list.length];

/** Synthetic title number `i`, 10 to 70 characters. */
export function syntheticTitle(i) {
  const a = mix(i), b = mix(a);
  return `${pick(PREFIXES, a)}${pick(ADJECTIVES, a >>> 8)}${pick(ITEMS, a >>> 16)} ${pick(ATTRIBUTES, b)} ${pick(ATTRIBUTES, b >>> 8)}${pick(SENTENCES, b >>> 16)}`;
}

function longRow(i, base, units) {
  const parts = [];
  let n = 0;
  for (let k = 0; n <= units; k++) { const t = base(i + k); parts.push(t); n += t.length + 1; }
  let s = parts.join(' ').slice(0, units);
  if (/[\ud800-\udbff]$/.test(s)) s = `${s.slice(0, -1)}。`; // do not cut a surrogate pair
  return s;
}

/** The odd kinds, in the order they recur. */
export const ODD_KINDS = [
  ['null', () => null],
  ['empty', () => ''],
  ['blank', () => ' \u3000\t '],
  ['emoji', () => '🍣寿司セット🎁 母の日👩‍👧 限定❤️ 大人気👍🏽'],
  // 10,000 units every tenth time (the longest row, twice in the first
  // 10,000 rows), else 1,000: long rows would otherwise be most of the text.
  ['long', (i, base) => longRow(i, base, Math.floor(i / ODD_EVERY / 9) % 10 === 0 ? LONG_ROW_UNITS : 1_000)],
  ['half-width and ASCII', () => 'ｽﾏｰﾄﾌｫﾝｹｰｽ iPhone 15 Pro 対応 TPU ｸﾘｱ USB-C 60W'],
  ['lone surrogate, combining marks', () => 'テスト\ud800データ e\u0301 か\u3099 \udc00'],
  ['symbols only', () => '!!!???...###１２３４５６７８９０％＆'],
  ['one character', () => 'あ'],
];

/** Row `i` (0-based): an odd row every ODD_EVERY rows, else `base(i)`. */
export function rowAt(i, base = syntheticTitle) {
  if (i % ODD_EVERY !== ODD_OFFSET) return base(i);
  const [, make] = ODD_KINDS[Math.floor(i / ODD_EVERY) % ODD_KINDS.length];
  return make(i, base);
}

// ---------------------------------------------------------------- the run

/**
 * Runs `rows` rows through `fn` in one worker of `pkg`, `chunk` rows per
 * callMany; memory readings after `firstReading` rows, every 10 % and at the end.
 */
export async function soakFunction(pkg, fn, { rows, chunk, firstReading, row = rowAt, progress = () => {} }) {
  const worker = pkg.createWorker({});
  const window = rows / 10;
  const t0 = performance.now();
  await worker.call(fn, ['手作りの陶器マグカップ【送料無料】']); // worker start, not counted
  const startMs = performance.now() - t0;
  const readings = [], chunks = [];
  let done = 0, outputs = 0, wallMs = 0;
  while (done < rows) {
    const batch = new Array(chunk);
    for (let k = 0; k < chunk; k++) batch[k] = [row(done + k)];
    const cpu0 = process.cpuUsage(), w0 = performance.now();
    const results = await worker.callMany(fn, batch, { firstRow: done + 1 });
    const ms = performance.now() - w0, cpu = process.cpuUsage(cpu0);
    chunks.push({ from: done, rows: chunk, ms, cpuMs: (cpu.user + cpu.system) / 1000 });
    wallMs += ms;
    for (const r of results) outputs += r === null ? 0 : r.length;
    done += chunk;
    if (done === firstReading || done % window === 0) {
      const m = await worker.memory();
      readings.push({ rows: done, ...m });
      progress(`${fn}: ${done.toLocaleString('en-US')} rows, wasm ${mb(m.wasmMemoryBytes)} MB, JS heap ${mb(m.heapUsedBytes)} MB, ${Math.round(chunk * 1000 / ms)} rows/s`);
    }
  }
  const stats = worker.stats();
  worker.close();
  const first = readings.find((r) => r.rows === firstReading), last = readings[readings.length - 1];
  const windowOf = (from, to) => {
    const cs = chunks.filter((c) => c.from >= from && c.from + c.rows <= to);
    const n = cs.reduce((s, c) => s + c.rows, 0), ms = cs.reduce((s, c) => s + c.ms, 0), cpuMs = cs.reduce((s, c) => s + c.cpuMs, 0);
    return { rows: n, ms, rowsPerSec: n * 1000 / ms, cpuMicrosPerRow: cpuMs * 1000 / n, medianChunkRowsPerSec: median(cs.map((c) => c.rows * 1000 / c.ms)) };
  };
  const firstWindow = windowOf(0, window), lastWindow = windowOf(rows - window, rows);
  const growth = (k) => 100 * (last[k] - first[k]) / first[k];
  return {
    function: fn, rows, chunk, firstReadingRows: firstReading, workerStartMs: startMs,
    workersStarted: stats.workersStarted, outputs,
    totalSeconds: wallMs / 1000, rowsPerSec: rows * 1000 / wallMs,
    memory: {
      first, last, readings,
      wasmGrowthPercent: growth('wasmMemoryBytes'), heapGrowthPercent: growth('heapUsedBytes'),
    },
    throughput: {
      first10: firstWindow, last10: lastWindow,
      // Every tenth of the rows, to tell a trend from noise.
      tenths: Array.from({ length: 10 }, (_, k) => windowOf(k * window, (k + 1) * window)),
      wallRatio: lastWindow.rowsPerSec / firstWindow.rowsPerSec,
      // Time per row: a ratio above 1 would be a decline, so invert to "last/first throughput".
      cpuRatio: firstWindow.cpuMicrosPerRow / lastWindow.cpuMicrosPerRow,
    },
  };
}

/** Whether a function's run met the targets; the reasons when not. */
export function verdict(r) {
  const problems = [];
  if (r.workersStarted !== 1) problems.push(`${r.workersStarted} workers started (a crash replaced the worker)`);
  if (r.memory.wasmGrowthPercent > MAX_GROWTH_PERCENT) problems.push(`wasm memory grew ${pct(r.memory.wasmGrowthPercent)}`);
  if (r.memory.heapGrowthPercent > MAX_GROWTH_PERCENT) problems.push(`JS heap grew ${pct(r.memory.heapGrowthPercent)}`);
  if (r.throughput.cpuRatio < MIN_THROUGHPUT_RATIO) problems.push(`throughput (CPU time per row) declined: last/first ${r.throughput.cpuRatio.toFixed(3)}`);
  return problems;
}

/** The Markdown table of a report. */
export function markdown(report) {
  const f = (x, d = 0) => x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
  const lines = [
    `Soak (${report.date}): ${f(report.rows)} rows per function, one sandbox worker each; package ${report.package}` +
      ` (model K=${report.model.k}, ${f(report.model.vocabulary)} terms); rows: ${report.rowsSource}; first reading after ${f(report.firstReadingRows)} rows.`,
    '',
    '| function | wasm memory: first → end (growth) | JS heap after GC: first → end (growth) | rows/s first 10 % → last 10 % (ratio) | CPU µs/row first → last (throughput ratio) | total | verdict |',
    '|---|---|---|---|---|---:|---|',
  ];
  for (const r of report.functions) {
    const m = r.memory, t = r.throughput, problems = verdict(r);
    lines.push(`| ${r.function} | ${f(m.first.wasmMemoryBytes)} → ${f(m.last.wasmMemoryBytes)} B (${pct(m.wasmGrowthPercent)}) | ` +
      `${f(m.first.heapUsedBytes)} → ${f(m.last.heapUsedBytes)} B (${pct(m.heapGrowthPercent)}) | ` +
      `${f(t.first10.rowsPerSec)} → ${f(t.last10.rowsPerSec)} (${f(t.wallRatio, 3)}) | ` +
      `${f(t.first10.cpuMicrosPerRow, 1)} → ${f(t.last10.cpuMicrosPerRow, 1)} (${f(t.cpuRatio, 3)}) | ${f(r.totalSeconds, 1)} s | ` +
      `${problems.length ? `FAIL: ${problems.join('; ')}` : 'ok'} |`);
  }
  lines.push('', 'Per tenth of the rows (CPU µs/row; rows/s):');
  for (const r of report.functions) {
    lines.push(`- ${r.function}: ${r.throughput.tenths.map((t) => `${f(t.cpuMicrosPerRow, 1)}; ${f(t.rowsPerSec)}`).join(' | ')}`);
  }
  lines.push('', `Targets: memory growth ≤ ${MAX_GROWTH_PERCENT} % (wasm and JS heap); throughput ratio (CPU time per row) ≥ ${MIN_THROUGHPUT_RATIO}.`);
  return `${lines.join('\n')}\n`;
}

const mb = (n) => (n / 1048576).toFixed(2);
const pct = (x) => `${x >= 0 ? '+' : ''}${x.toFixed(3)} %`;
function median(xs) { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; }

// -------------------------------------------------------------------- CLI

function parseArgs(argv, defaults) {
  const out = { ...defaults };
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(argv[i]);
    if (!m || !(m[1] in defaults)) throw new Error(`unknown argument ${argv[i]}`);
    const v = m[2] ?? argv[++i];
    if (v === undefined) throw new Error(`${argv[i - 1]} needs a value`);
    out[m[1]] = v;
  }
  return out;
}

function positive(name, v) {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer, got ${v}`);
  return n;
}

// A package of the current tokenizer bundle with `model` in build/soak/package.
function makePackage(model, bin, out) {
  for (const f of [model, bin, inRepo('build/jatopic-tokenizer.js')]) {
    if (!fs.existsSync(f)) throw new Error(`${f} not found (make build wasm, and make web-test or make bench-udf for a model)`);
  }
  execFileSync(bin, ['package', '--out', out, '--gcs-prefix', 'gs://jatopic-soak/pkg', '--dataset', 'jatopic-soak.jatopic',
    '--model', model, '--library', inRepo('build/jatopic-tokenizer.js')], { stdio: ['ignore', 'ignore', 'inherit'] });
  return out;
}

// The packaged model's K and vocabulary size: the package's libraries
// evaluated in a context of their own, outside the workers being measured.
function modelInfo(pkg) {
  const context = vm.createContext({});
  for (const lib of pkg.libraries.values()) vm.runInContext(lib.source, context, { filename: lib.uri });
  return vm.runInContext('(() => { const i = jatopic.modelInfo(); return { k: i.k, vocabulary: i.vocabulary }; })()', context);
}

async function main(argv) {
  const a = parseArgs(argv, {
    package: '', model: '', native: inRepo('target/release/jatopic'), rows: '1000000', functions: 'ja_topics,ja_analyze',
    input: '', chunk: '', 'first-reading': '', out: inRepo('build/soak/report.json'),
  });
  const rows = positive('rows', a.rows);
  const chunk = a.chunk ? positive('chunk', a.chunk) : Math.min(10_000, rows / 10);
  if (!Number.isInteger(rows / 10)) throw new Error(`--rows ${rows} must be a multiple of 10 (the throughput windows are tenths)`);
  if (!Number.isInteger(rows / 10 / chunk)) throw new Error(`--chunk ${chunk} must divide a tenth of --rows ${rows} (the throughput windows)`);
  // With --input the rows repeat with the period of one pass over the file
  // (rounded up to whole chunks), and the first reading comes after that pass:
  // the worker's high-water marks (the lattice of its most demanding row) are
  // set by then, so growth after it can only be a leak. Synthetic rows reach
  // theirs within 10,000 rows (the longest odd row is at row 450).
  let row = rowAt, rowsSource = 'synthetic product titles (js/soak.mjs) + 1 % odd rows', period = null;
  if (a.input) {
    const lines = fs.readFileSync(a.input, 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '' && l.length <= MAX_INPUT_UNITS);
    if (!lines.length) throw new Error(`${a.input}: no usable lines`);
    const base = (i) => lines[i % lines.length];
    period = Math.ceil(lines.length / chunk) * chunk;
    row = (i) => rowAt(i % period, base);
    rowsSource = `${a.input} (${lines.length.toLocaleString('en-US')} lines of ≤ ${MAX_INPUT_UNITS.toLocaleString('en-US')} units; a pass of ${period.toLocaleString('en-US')} rows with the odd ones, repeated)`;
  }
  const firstReading = a['first-reading'] ? positive('first-reading', a['first-reading']) : period ?? 10_000;
  if (firstReading % chunk !== 0 || firstReading >= rows) {
    throw new Error(`the first reading after ${firstReading} rows must be a multiple of --chunk ${chunk} and come before the end (--rows ${rows})`);
  }
  let dir = a.package, modelFile = a.model;
  if (!dir) {
    modelFile ||= [inRepo('build/bench-udf/model.jtm'), inRepo('build/web-test-model-1.jtm')].find((f) => fs.existsSync(f))
      || inRepo('build/web-test-model-1.jtm');
    progress(`packaging ${path.relative(repoRoot, modelFile)} into build/soak/package`);
    dir = makePackage(modelFile, a.native, path.join(path.dirname(a.out), 'package'));
  }
  const functions = a.functions.split(',').filter(Boolean);
  const pkg = loadPackage(dir, { functions: [...new Set([...functions, 'ja_topics'])] });
  const info = modelInfo(pkg);
  const report = {
    date: new Date().toISOString(), package: path.relative(repoRoot, path.resolve(dir)) || dir,
    modelFile: modelFile ? path.relative(repoRoot, modelFile) : null, model: info, rows, chunk, firstReadingRows: firstReading,
    rowsSource, oddEvery: ODD_EVERY, longRowUnits: LONG_ROW_UNITS, node: process.version, functions: [],
  };
  for (const fn of functions) {
    progress(`${fn}: ${rows.toLocaleString('en-US')} rows in one worker`);
    report.functions.push(await soakFunction(pkg, fn, { rows, chunk, firstReading, row, progress }));
  }
  fs.mkdirSync(path.dirname(a.out), { recursive: true });
  fs.writeFileSync(a.out, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(markdown(report));
  progress(`report: ${a.out}`);
  return report.functions.some((r) => verdict(r).length) ? 1 : 0;
}

function progress(m) { process.stderr.write(`[soak ${process.uptime().toFixed(1).padStart(7)}s] ${m}\n`); }

if (process.argv[1] && fs.realpathSync(process.argv[1]) === fs.realpathSync(new URL(import.meta.url).pathname)) {
  try {
    process.exitCode = await main(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`soak: ${e.message}\n`);
    process.exitCode = 1;
  }
}
