// Benchmark of jatopic against MeCab, vibrato, kuromoji.js, lindera-wasm and
// tiny-segmenter.
//
// Everything is measured in ONE run on ONE text sample so that the ratios
// (wasm ÷ kuromoji.js, native ÷ MeCab, …) compare like with like on this
// machine; absolute numbers depend on the machine and its load.
//
// usage (from the repository root):
//   node js/bench.mjs --bundle build/jatopic-tokenizer.js \
//        --native target/release/jatopic --shared ../shared [--chars 1000000] [--rounds 5] \
//        [--vibrato build/vibrato-peer/release/vibrato-peer --vibrato-dict build/vibrato/ipadic.dic]
//
// vibrato (the native peer, bench/vibrato-peer, built by `make bench`) is
// optional: without its binary or dictionary the report says loudly that it
// was not measured. lindera-wasm (npm lindera-wasm-nodejs-ipadic) likewise.
//
// Results: a Markdown report on stdout, progress on stderr, every number in
// build/bench.json, and the sample text in build/bench-input.txt.
// This is a measuring script, not a test: it asserts no timings.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

// ---------------------------------------------------------------- arguments

const args = parseArgs(process.argv.slice(2), {
  bundle: 'build/jatopic-tokenizer.js',
  native: 'target/release/jatopic',
  shared: '../shared',
  chars: '1000000',
  rounds: '5',
  vibrato: 'build/vibrato-peer/release/vibrato-peer',
  'vibrato-dict': 'build/vibrato/ipadic.dic',
});
const cwd = process.cwd();
const bundlePath = path.resolve(cwd, args.bundle);
const nativePath = path.resolve(cwd, args.native);
const sharedDir = path.resolve(cwd, args.shared);
const vibratoPath = path.resolve(cwd, args.vibrato);
const vibratoDictPath = path.resolve(cwd, args['vibrato-dict']);
const targetChars = Number(args.chars);
if (!Number.isFinite(targetChars) || targetChars <= 0) die(`--chars must be a positive number, got ${args.chars}`);
const ROUNDS = Number(args.rounds);
if (!Number.isInteger(ROUNDS) || ROUNDS < 1) die(`--rounds must be a positive integer, got ${args.rounds}`);

// The repository root is found from this file, not from cwd, so that the
// fallback text, build/ outputs and node_modules are always the project's.
const jsDir = path.dirname(new URL(import.meta.url).pathname);
const repoRoot = path.dirname(jsDir);
const buildDir = path.join(repoRoot, 'build');
const require = createRequire(path.join(jsDir, 'package.json'));

// Targets the project is held to (reported, never asserted).
const TARGETS = {
  wasmOverKuromoji: 15, // ×, at least (issue 16)
  coldStartMs: 150, // median, at most
  peakMemoryMB: 32, // at most (MB = 2^20 bytes, i.e. 512 wasm pages)
  bundleBytes: 1_000_000, // at most (BigQuery's per-file library limit)
  wasmOverLinderaWasm: 20, // ×, at least (issue 16)
  nativeOverVibratoExcludingLoad: 1.0, // ×, at least, steady state (issue 16)
};

const MECAB_ARGS = ['-Owakati', '-b', '100000000'];
const COLD_START_TEXT = '東京都に行きました。';

// Characters MeCab skips between words: IPADIC's char.def SPACE category
// (U+0020, U+00D0, TAB, VT, LF). Ideographic space U+3000 is a word for
// MeCab, so it is not skipped here either.
const MECAB_SPACE = new Set([' ', '\u00d0', '\t', '\u000b', '\n']);

// The artifacts are built elsewhere (make); this script never builds them.
for (const [what, p] of [['bundle', bundlePath], ['native CLI', nativePath]]) {
  if (!fs.existsSync(p)) die(`${what} not found at ${p} — build it first (make); the benchmark does not build anything.`);
}
if (spawnSync('mecab', ['-v']).status !== 0) die('mecab is not installed (apt-get install -y mecab mecab-ipadic-utf8)');

const results = {
  date: new Date().toISOString(),
  machine: {
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cpus: os.cpus().length,
    loadavgAtStart: os.loadavg(),
  },
  targets: TARGETS,
};

// ------------------------------------------------------------------- sample

progress('building the text sample');
const sample = buildSample();
fs.mkdirSync(buildDir, { recursive: true });
const inputFile = path.join(buildDir, 'bench-input.txt');
const inputText = sample.lines.join('\n') + '\n';
fs.writeFileSync(inputFile, inputText);
// Characters = Unicode code points, newlines excluded (the same count for
// every tokenizer, whatever its internal string representation).
const totalChars = sample.lines.reduce((n, l) => n + codePoints(l), 0);
results.sample = {
  source: sample.source,
  files: sample.files,
  file: path.relative(repoRoot, inputFile),
  lines: sample.lines.length,
  chars: totalChars,
  bytes: Buffer.byteLength(inputText),
  notice: sample.notice,
};
progress(`sample: ${sample.lines.length} lines, ${totalChars} chars → ${inputFile}`);
if (sample.notice) progress(`NOTICE: ${sample.notice}`);

// The bundle file is read once; cold-start children read the same path.
const bundleSource = fs.readFileSync(bundlePath, 'utf8');
const bundleStat = fs.statSync(bundlePath);
results.bundle = { path: bundlePath, bytes: bundleStat.size, mtime: bundleStat.mtime.toISOString() };

// ----------------------------- 1. native jatopic, 2. MeCab, 2b. vibrato

// Wall time of whole processes (start + dictionary load + tokenizing +
// writing the output), as a user of the CLI would see it. The load time is
// the same command on empty input; subtracting it gives the tokenizing time.
// vibrato (bench/vibrato-peer, its dictionary compiled from the same IPADIC
// sources as MeCab's) is the native peer for steady-state throughput.
const notMeasured = [];
const vibratoMissing = [['vibrato peer binary', vibratoPath], ['vibrato dictionary', vibratoDictPath]]
  .filter(([, p]) => !fs.existsSync(p))
  .map(([what, p]) => `${what} not found at ${p}`);
if (vibratoMissing.length > 0) {
  const reason = `${vibratoMissing.join('; ')} — build it with \`make bench-vibrato\``;
  progress(`WARNING: vibrato NOT MEASURED: ${reason}`);
  results.vibrato = { measured: false, reason };
  notMeasured.push(`vibrato: ${reason}`);
}
const processes = [
  { name: 'native jatopic', command: nativePath, argv: ['tokenize', '--output', 'wakati'] },
  { name: 'MeCab', command: 'mecab', argv: MECAB_ARGS },
];
if (vibratoMissing.length === 0) processes.push({ name: 'vibrato', command: vibratoPath, argv: ['wakati', vibratoDictPath] });
progress(`${processes.map((p) => p.name).join(', ')}: 3 interleaved runs each on empty input, then 3 on the sample`);
const [native, mecab, vibrato = null] = measureProcesses(processes);
results.native = native.stats;
results.mecab = { version: spawnSync('mecab', ['-v']).stdout.toString().trim(), ...mecab.stats };
if (vibrato) results.vibrato = { measured: true, version: vibratoVersion(), dictionary: vibratoDictPath, ...vibrato.stats };

const mecabLines = wakatiLines(mecab.output);
const nativeLines = wakatiLines(native.output);
const vibratoLines = vibrato ? wakatiLines(vibrato.output) : null;
const processOutputs = [['MeCab', mecabLines], ['native jatopic', nativeLines]];
if (vibratoLines) processOutputs.push(['vibrato', vibratoLines]);
for (const [name, lines] of processOutputs) {
  if (lines.length !== sample.lines.length) {
    progress(`WARNING: ${name} produced ${lines.length} lines for ${sample.lines.length} input lines`);
  }
}

// ------------------------------------------------------------ 4. cold start

// A fresh node process per run, so nothing is cached or JIT-compiled. The
// clock runs inside the child (node's own start-up is not ours to count):
// from reading the bundle file to the end of the first wakati() call, which
// includes decoding the embedded wasm and loading the dictionary.
progress('cold start: 7 fresh node processes');
const COLD_CHILD = `
const fs = require('node:fs'), vm = require('node:vm');
const file = process.argv[process.argv.length - 1];
const t0 = performance.now();
const source = fs.readFileSync(file, 'utf8');
const t1 = performance.now();
const context = vm.createContext({});
vm.runInContext(source, context, { filename: file });
const t2 = performance.now();
const words = context.jatopic.wakati(${JSON.stringify(COLD_START_TEXT)});
const t3 = performance.now();
process.stdout.write(JSON.stringify({ totalMs: t3 - t0, readMs: t1 - t0, evalMs: t2 - t1, firstCallMs: t3 - t2, words }));
`;
const coldRuns = [];
for (let i = 0; i < 7; i++) {
  const r = spawnSync(process.execPath, ['-e', COLD_CHILD, bundlePath], { encoding: 'utf8' });
  if (r.status !== 0) die(`cold-start child failed:\n${r.stderr}`);
  coldRuns.push(JSON.parse(r.stdout));
}
results.coldStart = {
  runs: coldRuns.length,
  medianMs: median(coldRuns.map((r) => r.totalMs)),
  maxMs: Math.max(...coldRuns.map((r) => r.totalMs)),
  medianReadMs: median(coldRuns.map((r) => r.readMs)),
  medianEvalMs: median(coldRuns.map((r) => r.evalMs)),
  medianFirstCallMs: median(coldRuns.map((r) => r.firstCallMs)),
  firstCallWords: coldRuns[0].words,
  allTotalMs: coldRuns.map((r) => r.totalMs),
};

// ------------------------------------------------------- 3. wasm in node:vm

// The bundle runs in a bare V8 context, as in BigQuery. Initialisation is
// timed separately and excluded from throughput.
progress('wasm: evaluating the bundle and loading the dictionary');
const context = vm.createContext({});
let t = performance.now();
vm.runInContext(bundleSource, context, { filename: bundlePath });
const evalMs = performance.now() - t;
const jatopic = context.jatopic;
t = performance.now();
jatopic.init();
const initMs = performance.now() - t;
const memoryAfterInit = jatopic.memoryBytes();

// ------------------------------------------- wasm and kuromoji.js, in rounds

// The two are timed in interleaved rounds (a wasm pass, then a kuromoji.js
// pass over the same lines) and the ratio is taken per round: on a shared
// machine the speed of both drifts by tens of percent within a minute, and a
// ratio of neighbouring passes cancels most of that. The median round's ratio
// is the figure; every round is reported, the first (both cold) included.
progress('kuromoji.js: building the tokenizer (loads its dictionary)');
const kuromoji = require('kuromoji');
const dicPath = path.join(path.dirname(require.resolve('kuromoji/package.json')), 'dict') + '/';
t = performance.now();
const kuroTokenizer = await new Promise((resolve, reject) => {
  kuromoji.builder({ dicPath }).build((err, tk) => (err ? reject(err) : resolve(tk)));
});
const kuroLoadMs = performance.now() - t;

// lindera-wasm: its IPADIC is embedded in its wasm file; the builder decodes it.
const LINDERA_PACKAGE = 'lindera-wasm-nodejs-ipadic';
let lindera = null, linderaTokenizer = null, linderaLoadMs = null;
try {
  t = performance.now();
  lindera = require(LINDERA_PACKAGE);
  linderaTokenizer = buildLinderaTokenizer(lindera);
  linderaLoadMs = performance.now() - t;
} catch (error) {
  const reason = `${LINDERA_PACKAGE} could not be loaded (${error.message.split('\n')[0]}) — install it with \`make setup-js\``;
  progress(`WARNING: lindera-wasm NOT MEASURED: ${reason}`);
  notMeasured.push(`lindera-wasm: ${reason}`);
  results.linderaWasm = { measured: false, reason };
}

const wasmTimes = [], kuroTimes = [], linderaTimes = [];
let wasmWords = null, kuroWords = null, linderaWords = null;
for (let round = 1; round <= ROUNDS; round++) {
  progress(`round ${round}/${ROUNDS}: wasm wakati()`);
  let out = new Array(sample.lines.length);
  let t0 = performance.now();
  for (let i = 0; i < sample.lines.length; i++) out[i] = jatopic.wakati(sample.lines[i]);
  wasmTimes.push(performance.now() - t0);
  wasmWords = out;
  progress(`round ${round}/${ROUNDS}: kuromoji.js tokenize()`);
  out = new Array(sample.lines.length);
  t0 = performance.now();
  for (let i = 0; i < sample.lines.length; i++) out[i] = kuroTokenizer.tokenize(sample.lines[i]).map((tk) => tk.surface_form);
  kuroTimes.push(performance.now() - t0);
  kuroWords = out;
  if (linderaTokenizer) {
    progress(`round ${round}/${ROUNDS}: lindera-wasm tokenize()`);
    out = new Array(sample.lines.length);
    t0 = performance.now();
    for (let i = 0; i < sample.lines.length; i++) out[i] = linderaTokenizer.tokenize(sample.lines[i]).map((tk) => tk.surface);
    linderaTimes.push(performance.now() - t0);
    linderaWords = out;
  }
}
progress('wasm: tokenize() (full analysis) once');
let wasmTokens = 0;
t = performance.now();
for (const line of sample.lines) wasmTokens += jatopic.tokenize(line).length;
const tokenizeMs = performance.now() - t;
const peakMemory = jatopic.memoryBytes();
const wasmMs = median(wasmTimes);
results.wasm = {
  version: jatopic.version,
  evalMs,
  initMs,
  wakati: { runs: wasmTimes, medianMs: wasmMs, charsPerSec: perSec(totalChars, wasmMs) },
  tokenize: { ms: tokenizeMs, charsPerSec: perSec(totalChars, tokenizeMs), tokens: wasmTokens },
  memoryAfterInitBytes: memoryAfterInit,
  peakMemoryBytes: peakMemory,
  peakMemoryMB: peakMemory / 2 ** 20,
};

// Sanity check: the wasm build should give the native CLI's segmentation.
let nativeAgree = 0;
for (let i = 0; i < sample.lines.length; i++) {
  if (nativeLines[i] !== undefined && sameArray(nativeLines[i], wasmWords[i])) nativeAgree++;
}
results.wasm.linesIdenticalToNative = nativeAgree;

const kuroMs = median(kuroTimes);
results.kuromoji = {
  version: require('kuromoji/package.json').version,
  loadMs: kuroLoadMs,
  runs: kuroTimes,
  medianMs: kuroMs,
  charsPerSec: perSec(totalChars, kuroMs),
};
const roundRatios = kuroTimes.map((k, i) => k / wasmTimes[i]);

// lindera-wasm's cold start as for the bundle: fresh node processes, from
// loading the package (its wasm file embeds the dictionary) to the end of the
// first tokenize() call.
let linderaRoundRatios = null;
if (linderaTokenizer) {
  linderaRoundRatios = linderaTimes.map((l, i) => l / wasmTimes[i]);
  progress('lindera-wasm cold start: 7 fresh node processes');
  const linderaDir = path.dirname(require.resolve(`${LINDERA_PACKAGE}/package.json`));
  const LINDERA_COLD_CHILD = `
const t0 = performance.now();
const lindera = require(process.argv[process.argv.length - 1]);
const t1 = performance.now();
${buildLinderaTokenizer.toString()}
const tokenizer = buildLinderaTokenizer(lindera);
const t2 = performance.now();
const words = tokenizer.tokenize(${JSON.stringify(COLD_START_TEXT)}).map((tk) => tk.surface);
const t3 = performance.now();
process.stdout.write(JSON.stringify({ totalMs: t3 - t0, requireMs: t1 - t0, buildMs: t2 - t1, firstCallMs: t3 - t2, words }));
`;
  const linderaCold = [];
  for (let i = 0; i < 7; i++) {
    const r = spawnSync(process.execPath, ['-e', LINDERA_COLD_CHILD, linderaDir], { encoding: 'utf8' });
    if (r.status !== 0) die(`lindera-wasm cold-start child failed:\n${r.stderr}`);
    linderaCold.push(JSON.parse(r.stdout));
  }
  const packageBytes = fs.readdirSync(linderaDir)
    .filter((f) => /\.(js|wasm)$/.test(f))
    .reduce((n, f) => n + fs.statSync(path.join(linderaDir, f)).size, 0);
  const linderaMs = median(linderaTimes);
  results.linderaWasm = {
    measured: true,
    version: require(`${LINDERA_PACKAGE}/package.json`).version,
    package: LINDERA_PACKAGE,
    loadMs: linderaLoadMs,
    runs: linderaTimes,
    medianMs: linderaMs,
    charsPerSec: perSec(totalChars, linderaMs),
    bytesToLoad: packageBytes,
    wasmMemoryBytes: lindera.__wasm?.memory?.buffer?.byteLength ?? null,
    coldStart: {
      runs: linderaCold.length,
      medianMs: median(linderaCold.map((r) => r.totalMs)),
      maxMs: Math.max(...linderaCold.map((r) => r.totalMs)),
      medianRequireMs: median(linderaCold.map((r) => r.requireMs)),
      medianBuildMs: median(linderaCold.map((r) => r.buildMs)),
      medianFirstCallMs: median(linderaCold.map((r) => r.firstCallMs)),
      firstCallWords: linderaCold[0].words,
      allTotalMs: linderaCold.map((r) => r.totalMs),
    },
  };
}

// ------------------------------------------------------- 7. tiny-segmenter

progress('tiny-segmenter: segment() over the sample, 3 runs');
const TinySegmenter = require('tiny-segmenter');
const tiny = new TinySegmenter();
const tinyTimes = [];
let tinyWords = null;
for (let run = 1; run <= 3; run++) {
  const out = new Array(sample.lines.length);
  const t0 = performance.now();
  for (let i = 0; i < sample.lines.length; i++) out[i] = tiny.segment(sample.lines[i]);
  tinyTimes.push(performance.now() - t0);
  tinyWords = out;
}
const tinyMs = median(tinyTimes);
results.tinySegmenter = {
  version: require('tiny-segmenter/package.json').version,
  runs: tinyTimes,
  medianMs: tinyMs,
  charsPerSec: perSec(totalChars, tinyMs),
};

// ------------------------------------------------- 8. word F1 against MeCab

progress('word F1 against MeCab');
results.accuracy = {
  reference: 'mecab ' + MECAB_ARGS.join(' '),
  method: 'exact character-span match, micro-averaged over the sample; whitespace skipped as MeCab does',
  jatopicWasm: wordF1(wasmWords),
  kuromoji: wordF1(kuroWords),
  tinySegmenter: wordF1(tinyWords),
};
if (linderaWords) results.accuracy.linderaWasm = wordF1(linderaWords);
if (vibratoLines) results.accuracy.vibrato = wordF1(vibratoLines);

// ---------------------------------------------------------------- summary

const bundleAfter = fs.statSync(bundlePath);
if (bundleAfter.mtimeMs !== bundleStat.mtimeMs) {
  progress('WARNING: the bundle file changed during the run; cold-start runs may have read a different build');
  results.bundle.changedDuringRun = true;
}
results.machine.loadavgAtEnd = os.loadavg();
results.ratios = {
  wasmOverKuromoji: median(roundRatios),
  wasmOverKuromojiRounds: roundRatios,
  wasmOverTinySegmenter: results.wasm.wakati.charsPerSec / results.tinySegmenter.charsPerSec,
  nativeOverMecab: results.native.charsPerSec / results.mecab.charsPerSec,
  nativeOverMecabExcludingLoad: results.native.charsPerSecExcludingLoad / results.mecab.charsPerSecExcludingLoad,
};
if (linderaRoundRatios) {
  results.ratios.wasmOverLinderaWasm = median(linderaRoundRatios);
  results.ratios.wasmOverLinderaWasmRounds = linderaRoundRatios;
}
if (vibrato) {
  results.ratios.nativeOverVibrato = results.native.charsPerSec / results.vibrato.charsPerSec;
  results.ratios.nativeOverVibratoExcludingLoad = results.native.charsPerSecExcludingLoad / results.vibrato.charsPerSecExcludingLoad;
}
results.notMeasured = notMeasured;

const jsonFile = path.join(buildDir, 'bench.json');
fs.writeFileSync(jsonFile, JSON.stringify(results, null, 2) + '\n');
process.stdout.write(report(results));
progress(`numbers written to ${jsonFile}`);

// ================================================================ functions

function parseArgs(argv, defaults) {
  const out = { ...defaults };
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(argv[i]);
    if (!m || !(m[1] in defaults)) die(`unknown argument ${argv[i]}\nusage: node js/bench.mjs --bundle FILE --native FILE --shared DIR [--chars N] [--rounds N]`);
    out[m[1]] = m[2] ?? argv[++i];
    if (out[m[1]] === undefined) die(`--${m[1]} needs a value`);
  }
  return out;
}

function die(message) {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(1);
}

function progress(message) {
  process.stderr.write(`[bench ${(process.uptime()).toFixed(1).padStart(6)}s] ${message}\n`);
}

function codePoints(s) {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xdc00 || c > 0xdfff) n++; // count every unit but low surrogates
  }
  return n;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function perSec(chars, ms) {
  return (chars * 1000) / ms;
}

function sameArray(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

// Lines that are empty or only whitespace are left out: every tool would
// produce an empty line for them, and MeCab's output would lose nothing.
function usableLines(text) {
  return text.split('\n').map((l) => l.replace(/\r$/, '')).filter((l) => l.trim() !== '');
}

// Dev corpus: one line from each file in turn (so every genre is in the
// sample, not just the largest file) until the character target is reached.
// Without ../shared, the small golden files are repeated to the same size.
function buildSample() {
  const devDir = path.join(sharedDir, 'corpus', 'dev');
  const devFiles = fs.existsSync(devDir)
    ? fs.readdirSync(devDir).filter((f) => f.endsWith('.txt')).sort().map((f) => path.join(devDir, f))
    : [];
  if (devFiles.length > 0) {
    const sources = devFiles.map((f) => ({ file: f, lines: usableLines(fs.readFileSync(f, 'utf8')), next: 0, used: 0, chars: 0 }));
    const lines = [];
    let chars = 0;
    while (chars < targetChars && sources.some((s) => s.next < s.lines.length)) {
      for (const s of sources) {
        if (chars >= targetChars) break;
        if (s.next >= s.lines.length) continue; // this file is used up
        const line = s.lines[s.next++];
        const n = codePoints(line);
        lines.push(line);
        chars += n;
        s.used++;
        s.chars += n;
      }
    }
    return {
      source: 'shared dev corpus (round-robin lines)',
      lines,
      files: sources.map((s) => ({ file: path.relative(cwd, s.file), lines: s.used, chars: s.chars })),
      notice: chars < targetChars ? `the dev corpus has only ${chars} chars, less than --chars ${targetChars}` : null,
    };
  }
  const goldenDir = path.join(repoRoot, 'tests', 'golden');
  const goldenFiles = fs.readdirSync(goldenDir).filter((f) => f.endsWith('.txt')).sort().map((f) => path.join(goldenDir, f));
  const base = goldenFiles.flatMap((f) => usableLines(fs.readFileSync(f, 'utf8')));
  if (base.length === 0) die(`no text: neither ${devDir} nor ${goldenDir}/*.txt`);
  const lines = [];
  let chars = 0;
  for (let i = 0; chars < targetChars; i++) {
    const line = base[i % base.length];
    lines.push(line);
    chars += codePoints(line);
  }
  return {
    source: 'tests/golden (repeated)',
    lines,
    files: goldenFiles.map((f) => ({ file: path.relative(cwd, f) })),
    notice: `${devDir} not found: using the small tests/golden/*.txt sentences repeated to ~${targetChars} chars. ` +
      'Repeated text flatters caches and says little about accuracy; use ../shared for real numbers.',
  };
}

// Runs each CLI on empty input and on the sample, 3 times each, the CLIs
// taking turns (run i of every CLI before run i + 1 of any), so that the
// machine's drift falls on all of them alike; median wall times. Returns,
// per CLI, its stats and the output of its last sample run (for F1 and checks).
function measureProcesses(processes) {
  const run = ({ command, argv }, input) => {
    const t0 = performance.now();
    const r = spawnSync(command, argv, { input, maxBuffer: 1 << 30 });
    const ms = performance.now() - t0;
    if (r.error || r.status !== 0) die(`${command} ${argv.join(' ')} failed: ${r.error ?? r.stderr.toString()}`);
    return { ms, stdout: r.stdout };
  };
  const loadRuns = processes.map(() => []);
  const runs = processes.map(() => []);
  const outputs = processes.map(() => null);
  for (let i = 0; i < 3; i++) processes.forEach((p, k) => loadRuns[k].push(run(p, '').ms));
  for (let i = 0; i < 3; i++) {
    processes.forEach((p, k) => {
      const r = run(p, inputText);
      runs[k].push(r.ms);
      outputs[k] = r.stdout.toString('utf8');
    });
  }
  return processes.map((p, k) => processStats(p, loadRuns[k], runs[k], outputs[k]));
}

function processStats({ command, argv }, loadRuns, runs, output) {
  const loadMs = median(loadRuns);
  const ms = median(runs);
  return {
    output,
    stats: {
      command: [command, ...argv].join(' '),
      runs,
      medianMs: ms,
      charsPerSec: perSec(totalChars, ms),
      loadRuns,
      loadMs,
      charsPerSecExcludingLoad: perSec(totalChars, ms - loadMs),
    },
  };
}

// The tokenizer the notes measured: lindera's embedded IPADIC, default mode.
// Also stringified into the cold-start child, so it names nothing outside.
function buildLinderaTokenizer(linderaModule) {
  const builder = new linderaModule.TokenizerBuilder();
  builder.setDictionary('embedded://ipadic');
  return builder.build();
}

// The vibrato crate's version, from the peer's lock file (the one it was built with).
function vibratoVersion() {
  const lockFile = path.join(repoRoot, 'bench', 'vibrato-peer', 'Cargo.lock');
  const lock = fs.existsSync(lockFile) ? fs.readFileSync(lockFile, 'utf8') : '';
  return /\[\[package\]\]\nname = "vibrato"\nversion = "([^"]+)"/.exec(lock)?.[1] ?? 'unknown';
}

function wakatiLines(output) {
  const lines = output.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((l) => l.split(' ').filter((w) => w !== ''));
}

// Word spans of one line from a tokenizer's surfaces: each surface is found
// at the cursor (after skipping whitespace); whitespace inside a surface's
// ends is trimmed and whitespace-only surfaces (kuromoji.js and
// tiny-segmenter emit spaces as words) are dropped, as MeCab never makes
// them. A surface not found in order is counted as `unaligned` and only
// costs precision.
function spans(line, words) {
  const out = new Set();
  let pos = 0;
  let unaligned = 0;
  for (const w of words) {
    let at = pos;
    while (at < line.length && !line.startsWith(w, at) && MECAB_SPACE.has(line[at])) at++;
    if (!line.startsWith(w, at)) at = line.indexOf(w, pos);
    if (at < 0) {
      unaligned++;
      out.add(-1 - unaligned); // a span that can never match
      continue;
    }
    let s = at;
    let e = at + w.length;
    pos = e;
    while (s < e && MECAB_SPACE.has(line[s])) s++;
    while (e > s && MECAB_SPACE.has(line[e - 1])) e--;
    if (s < e) out.add(s * 0x1000000 + e);
  }
  return { set: out, unaligned };
}

function wordF1(system) {
  const n = Math.min(system.length, mecabLines.length, sample.lines.length);
  let tp = 0, sys = 0, ref = 0, unaligned = 0, identicalLines = 0;
  for (let i = 0; i < n; i++) {
    const a = spans(sample.lines[i], system[i]);
    const b = spans(sample.lines[i], mecabLines[i]);
    unaligned += a.unaligned;
    sys += a.set.size;
    ref += b.set.size;
    let lineTp = 0;
    for (const x of a.set) if (b.set.has(x)) lineTp++;
    tp += lineTp;
    if (lineTp === a.set.size && lineTp === b.set.size) identicalLines++;
  }
  const precision = tp / sys;
  const recall = tp / ref;
  return { precision, recall, f1: (2 * precision * recall) / (precision + recall), systemWords: sys, referenceWords: ref, matched: tp, unaligned, linesCompared: n, identicalLines };
}

// ----------------------------------------------------------------- report

function report(r) {
  const fmt = (x, d = 0) => x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
  const cps = (x) => fmt(Math.round(x));
  const pct = (x) => (100 * x).toFixed(2) + ' %';
  const ok = (good) => (good ? 'meets' : '**misses**');
  const L = [];
  L.push(`## jatopic benchmark — ${r.date.slice(0, 10)}`);
  L.push('');
  L.push(`All numbers and ratios below come from this same run, on the same sample, on this machine ` +
    `(${r.machine.cpu}, ${r.machine.cpus} CPUs, node ${r.machine.node}, load average ` +
    `${r.machine.loadavgAtStart[0].toFixed(2)} at start, ${r.machine.loadavgAtEnd[0].toFixed(2)} at end). ` +
    'Absolute speeds depend on the machine and its load; the ratios are what to compare.');
  L.push('');
  L.push(`Sample: ${fmt(r.sample.chars)} characters (code points, newlines excluded) in ${fmt(r.sample.lines)} lines, ` +
    `${r.sample.source}, written to \`${r.sample.file}\`.`);
  if (r.sample.notice) L.push(`\n> **Notice:** ${r.sample.notice}`);
  for (const what of r.notMeasured) L.push(`\n> **NOT MEASURED:** ${what}`);
  L.push('');
  L.push('| file | lines | chars |');
  L.push('|---|---:|---:|');
  for (const f of r.sample.files) L.push(`| ${f.file} | ${f.lines === undefined ? '' : fmt(f.lines)} | ${f.chars === undefined ? '' : fmt(f.chars)} |`);
  L.push('');
  L.push('### Throughput');
  L.push('');
  L.push('| tokenizer | how timed | time | chars/s | load / init |');
  L.push('|---|---|---:|---:|---:|');
  L.push(`| jatopic native CLI | process wall time incl. start, median of 3 | ${fmt(r.native.medianMs)} ms | ${cps(r.native.charsPerSec)} (${cps(r.native.charsPerSecExcludingLoad)} excl. load) | ${fmt(r.native.loadMs, 1)} ms (native load) |`);
  L.push(`| MeCab 0.996 (\`${r.mecab.command}\`) | process wall time incl. start, median of 3 | ${fmt(r.mecab.medianMs)} ms | ${cps(r.mecab.charsPerSec)} (${cps(r.mecab.charsPerSecExcludingLoad)} excl. load) | ${fmt(r.mecab.loadMs, 1)} ms |`);
  if (r.vibrato.measured) {
    L.push(`| vibrato ${r.vibrato.version}, Debian IPADIC sources (\`bench/vibrato-peer wakati\`) | process wall time incl. start, median of 3 | ${fmt(r.vibrato.medianMs)} ms | ${cps(r.vibrato.charsPerSec)} (${cps(r.vibrato.charsPerSecExcludingLoad)} excl. load) | ${fmt(r.vibrato.loadMs, 1)} ms |`);
  } else {
    L.push('| vibrato | **not measured** (see above) | | | |');
  }
  L.push(`| jatopic wasm \`wakati()\` | node:vm context, after init, median of ${r.wasm.wakati.runs.length} rounds | ${fmt(r.wasm.wakati.medianMs)} ms | ${cps(r.wasm.wakati.charsPerSec)} | ${fmt(r.wasm.evalMs, 1)} ms eval + ${fmt(r.wasm.initMs, 1)} ms init |`);
  L.push(`| jatopic wasm \`tokenize()\` | same context, full analysis, 1 run | ${fmt(r.wasm.tokenize.ms)} ms | ${cps(r.wasm.tokenize.charsPerSec)} | |`);
  L.push(`| kuromoji.js ${r.kuromoji.version} \`tokenize()\` | after build, median of ${r.kuromoji.runs.length} rounds | ${fmt(r.kuromoji.medianMs)} ms | ${cps(r.kuromoji.charsPerSec)} | ${fmt(r.kuromoji.loadMs)} ms builder |`);
  if (r.linderaWasm.measured) {
    L.push(`| lindera-wasm ${r.linderaWasm.version} (\`${r.linderaWasm.package}\`) \`tokenize()\` | after build, median of ${r.linderaWasm.runs.length} rounds | ${fmt(r.linderaWasm.medianMs)} ms | ${cps(r.linderaWasm.charsPerSec)} | ${fmt(r.linderaWasm.loadMs)} ms require + build |`);
  } else {
    L.push('| lindera-wasm | **not measured** (see above) | | | |');
  }
  L.push(`| tiny-segmenter ${r.tinySegmenter.version} \`segment()\` | median of 3 | ${fmt(r.tinySegmenter.medianMs)} ms | ${cps(r.tinySegmenter.charsPerSec)} | |`);
  L.push('');
  L.push('### Ratios and targets');
  L.push('');
  L.push('| measure | value | target | |');
  L.push('|---|---:|---:|---|');
  L.push(`| wasm ÷ kuromoji.js, median of ${r.ratios.wasmOverKuromojiRounds.length} interleaved rounds (each round: ${r.ratios.wasmOverKuromojiRounds.map((x) => x.toFixed(2) + '×').join(' / ')}) | ${r.ratios.wasmOverKuromoji.toFixed(1)}× | ≥ ${r.targets.wasmOverKuromoji}× | ${ok(r.ratios.wasmOverKuromoji >= r.targets.wasmOverKuromoji)} |`);
  if (r.linderaWasm.measured) {
    L.push(`| wasm ÷ lindera-wasm, median of ${r.ratios.wasmOverLinderaWasmRounds.length} interleaved rounds (each round: ${r.ratios.wasmOverLinderaWasmRounds.map((x) => x.toFixed(2) + '×').join(' / ')}) | ${r.ratios.wasmOverLinderaWasm.toFixed(1)}× | ≥ ${r.targets.wasmOverLinderaWasm}× | ${ok(r.ratios.wasmOverLinderaWasm >= r.targets.wasmOverLinderaWasm)} |`);
  } else {
    L.push(`| wasm ÷ lindera-wasm | **not measured** | ≥ ${r.targets.wasmOverLinderaWasm}× | |`);
  }
  L.push(`| wasm ÷ tiny-segmenter (chars/s) | ${r.ratios.wasmOverTinySegmenter.toFixed(2)}× | | |`);
  L.push(`| native ÷ MeCab (chars/s, incl. process start) | ${r.ratios.nativeOverMecab.toFixed(2)}× (${r.ratios.nativeOverMecabExcludingLoad.toFixed(2)}× excl. load) | | |`);
  if (r.vibrato.measured) {
    // On a small sample the run can be no longer than start-up, and the difference is noise.
    const steady = r.native.medianMs > r.native.loadMs && r.vibrato.medianMs > r.vibrato.loadMs;
    const value = steady ? `${r.ratios.nativeOverVibratoExcludingLoad.toFixed(2)}×` : 'n/a (a run is not longer than start-up: use more --chars)';
    L.push(`| native ÷ vibrato (excl. start-up; whole process ${r.ratios.nativeOverVibrato.toFixed(2)}×) | ${value} | ≥ ${r.targets.nativeOverVibratoExcludingLoad.toFixed(1)}× | ${steady ? ok(r.ratios.nativeOverVibratoExcludingLoad >= r.targets.nativeOverVibratoExcludingLoad) : ''} |`);
  } else {
    L.push(`| native ÷ vibrato (excl. start-up) | **not measured** | ≥ ${r.targets.nativeOverVibratoExcludingLoad.toFixed(1)}× | |`);
  }
  L.push(`| cold start, median of ${r.coldStart.runs} (max) | ${fmt(r.coldStart.medianMs, 1)} ms (${fmt(r.coldStart.maxMs, 1)} ms) | ≤ ${r.targets.coldStartMs} ms | ${ok(r.coldStart.medianMs <= r.targets.coldStartMs)} |`);
  L.push(`| ↳ read file / runInContext / first \`wakati()\` (medians) | ${fmt(r.coldStart.medianReadMs, 1)} / ${fmt(r.coldStart.medianEvalMs, 1)} / ${fmt(r.coldStart.medianFirstCallMs, 1)} ms | | |`);
  L.push(`| peak wasm memory (after all wasm runs) | ${r.wasm.peakMemoryMB.toFixed(1)} MB (${fmt(r.wasm.peakMemoryBytes)} B; ${(r.wasm.memoryAfterInitBytes / 2 ** 20).toFixed(1)} MB after init) | ≤ ${r.targets.peakMemoryMB} MB | ${ok(r.wasm.peakMemoryMB <= r.targets.peakMemoryMB)} |`);
  if (r.linderaWasm.measured) {
    const c = r.linderaWasm.coldStart;
    L.push(`| lindera-wasm cold start (require + build + first \`tokenize()\`), median of ${c.runs} (max) | ${fmt(c.medianMs, 1)} ms (${fmt(c.maxMs, 1)} ms) | | |`);
    L.push(`| ↳ lindera-wasm bytes to load / wasm memory after all runs | ${fmt(r.linderaWasm.bytesToLoad)} B / ${r.linderaWasm.wasmMemoryBytes === null ? '?' : (r.linderaWasm.wasmMemoryBytes / 2 ** 20).toFixed(1) + ' MB'} | | |`);
  }
  L.push(`| bundle size (\`${path.relative(cwd, r.bundle.path)}\`) | ${fmt(r.bundle.bytes)} B | ≤ ${fmt(r.targets.bundleBytes)} B | ${ok(r.bundle.bytes <= r.targets.bundleBytes)} |`);
  L.push('');
  L.push('### Word segmentation against MeCab-IPADIC');
  L.push('');
  L.push(`Exact word-span match against \`${r.accuracy.reference}\` on the same sample, micro-averaged; whitespace skipped as MeCab does. ` +
    `The wasm output equals the native CLI's on ${fmt(r.wasm.linesIdenticalToNative)} of ${fmt(r.sample.lines)} lines.`);
  L.push('');
  L.push('| tokenizer | precision | recall | F1 | words | lines identical to MeCab |');
  L.push('|---|---:|---:|---:|---:|---:|');
  const accuracyRows = [['jatopic wasm', r.accuracy.jatopicWasm], ['vibrato', r.accuracy.vibrato], ['kuromoji.js', r.accuracy.kuromoji],
    ['lindera-wasm', r.accuracy.linderaWasm], ['tiny-segmenter', r.accuracy.tinySegmenter]];
  for (const [name, a] of accuracyRows.filter(([, a]) => a)) {
    L.push(`| ${name} | ${pct(a.precision)} | ${pct(a.recall)} | ${pct(a.f1)} | ${fmt(a.systemWords)}${a.unaligned ? ` (${fmt(a.unaligned)} unaligned)` : ''} | ${fmt(a.identicalLines)} of ${fmt(a.linesCompared)} |`);
  }
  L.push(`| (MeCab reference) | | | | ${fmt(r.accuracy.jatopicWasm.referenceWords)} | |`);
  L.push('');
  L.push(`All numbers: \`${path.relative(cwd, path.join(buildDir, 'bench.json'))}\`.`);
  L.push('');
  return L.join('\n');
}
