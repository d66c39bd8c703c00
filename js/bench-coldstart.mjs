// Cold start and wasm memory of each way to package the tokenizer: the
// compact lexicon (jatopic-tokenizer.js alone), with the readings, the full
// lexicon (jatopic-tokenizer.js + jatopic-lexicon-*.js) and the full lexicon
// with its readings, then a 50,000-entry user dictionary: its packed size
// (jatopic-userdict.js) and the time to load it in wasm, packed and from its
// CSV text (jatopic.loadUserDictionary).
// Each run is a fresh node process (nothing cached or JIT-compiled); the clock
// runs inside it: from reading the library files to the end of the first
// ja_analyze call (evaluating the files, decoding the 7-bit text,
// decompressing the lexicon and, with readings, the readings, the first
// analysis). Runs alternate between the variants, median of 7 each. Peak wasm
// memory after analysing the golden sentences, and a warm pass of ja_analyze
// over them.
//
// usage: node js/bench-coldstart.mjs --package DIR (a package of `jatopic package
//        --readings`) --full-package DIR (one of `--lexicon full --readings`)
//        [--bin target/release/jatopic] [--rounds 7]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
const opt = (name, fallback) => { const i = args.indexOf(name); return i >= 0 && args[i + 1] ? args[i + 1] : fallback; };
const dir = opt('--package'), fullDir = opt('--full-package');
const root = new URL('../', import.meta.url).pathname;
const golden = ['titles', 'news', 'edge'].flatMap((n) => fs.readFileSync(`${root}tests/golden/${n}.txt`, 'utf8').split('\n').filter((l) => l.trim() !== ''));

// A 50,000-entry user dictionary (MeCab format, ids from the POS, the
// surfaces made of the golden sentences' katakana and kanji runs plus a
// number, so that they are as varied as a shop's brand and creator names).
function userDictionary(n) {
  const runsOf = [...new Set(golden.join('\n').match(/[\u30a1-\u30fa\u30fc]{3,}|[\u4e00-\u9fff]{2,}/g))];
  const entries = [];
  for (let i = 0; entries.length < n; i++) {
    const surface = runsOf[i % runsOf.length] + (i >= runsOf.length ? String(i) : '');
    entries.push(`${surface},,,${3000 + (i % 2000)},名詞,固有名詞,一般,*,*,*,${surface},*,*`);
  }
  return entries.join('\n') + '\n';
}
// --write-user-dict FILE: only write that dictionary (for make bench-package-total).
if (opt('--write-user-dict')) {
  fs.writeFileSync(opt('--write-user-dict'), userDictionary(50_000));
  process.exit(0);
}
if (!dir || !fullDir) {
  console.error('usage: node js/bench-coldstart.mjs --package DIR --full-package DIR [--bin jatopic] [--rounds 7]');
  process.exit(2);
}
const bin = opt('--bin', `${root}target/release/jatopic`);
const rounds = Number(opt('--rounds', 7));
const filesOf = (d, ...roles) => {
  const manifest = JSON.parse(fs.readFileSync(path.join(d, 'manifest.json'), 'utf8'));
  const names = manifest.files.map((f) => f.path).filter((f) =>
    f === 'jatopic-tokenizer.js' || roles.includes('lexicon') && f.startsWith('jatopic-lexicon-') || roles.includes('readings') && f === 'jatopic-readings.js');
  return names.map((f) => path.join(d, f));
};
const VARIANTS = {
  compact: filesOf(dir),
  compact_readings: filesOf(dir, 'readings'),
  full: filesOf(fullDir, 'lexicon'),
  full_readings: filesOf(fullDir, 'lexicon', 'readings'),
};
for (const [name, files] of Object.entries(VARIANTS)) {
  if (name.includes('readings') && !files.some((f) => f.endsWith('jatopic-readings.js'))) { console.error(`${name}: no jatopic-readings.js (package with --readings)`); process.exit(2); }
  if (name.startsWith('full') && !files.some((f) => f.includes('jatopic-lexicon-'))) { console.error(`${fullDir}: no jatopic-lexicon-*.js (package with --lexicon full)`); process.exit(2); }
}
const FIRST = '東京都の美術館で、手作りのがま口ポーチを買いました。';

const CHILD = `
const fs = require('node:fs'), vm = require('node:vm');
const files = JSON.parse(process.argv[process.argv.length - 2]);
const lines = JSON.parse(fs.readFileSync(process.argv[process.argv.length - 1], 'utf8'));
const t0 = performance.now();
const sources = files.map((f) => fs.readFileSync(f, 'utf8'));
const context = vm.createContext({});
for (const s of sources) vm.runInContext(s, context);
const t1 = performance.now();
const first = context.jatopic.sql.ja_analyze(${JSON.stringify(FIRST)});
const t2 = performance.now();
let peak = context.jatopic.memoryBytes();
for (const l of lines) { context.jatopic.sql.ja_analyze(l); peak = Math.max(peak, context.jatopic.memoryBytes()); }
const t3 = performance.now();
for (let k = 0; k < 3; k++) for (const l of lines) context.jatopic.sql.ja_analyze(l);
const passMs = (performance.now() - t3) / 3;
process.stdout.write(JSON.stringify({ totalMs: t2 - t0, evalMs: t1 - t0, firstCallMs: t2 - t1, peak, passMs, reading: first[0].reading }));
`;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'jatopic-bench-coldstart-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));
const linesFile = path.join(tmp, 'lines.json');
fs.writeFileSync(linesFile, JSON.stringify(golden.slice(0, 500)));
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[s.length >> 1]; };
const runs = Object.fromEntries(Object.keys(VARIANTS).map((k) => [k, []]));
for (let i = 0; i < rounds; i++) {
  for (const [name, files] of Object.entries(VARIANTS)) {
    const r = spawnSync(process.execPath, ['-e', CHILD, JSON.stringify(files), linesFile], { encoding: 'utf8' });
    if (r.status !== 0) { console.error(r.stderr); process.exit(1); }
    runs[name].push(JSON.parse(r.stdout));
  }
}
const out = { cold_start: {} };
for (const [name, rs] of Object.entries(runs)) {
  out.cold_start[name] = {
    files: VARIANTS[name].map((f) => path.basename(f)),
    bytes: VARIANTS[name].reduce((n, f) => n + fs.statSync(f).size, 0),
    medianMs: +median(rs.map((r) => r.totalMs)).toFixed(1),
    medianEvalMs: +median(rs.map((r) => r.evalMs)).toFixed(1),
    medianFirstCallMs: +median(rs.map((r) => r.firstCallMs)).toFixed(1),
    peakWasmBytes: Math.max(...rs.map((r) => r.peak)),
    medianPassMs: +median(rs.map((r) => r.passMs)).toFixed(1),
    firstReading: rs[0].reading,
    allMs: rs.map((r) => +r.totalMs.toFixed(1)),
  };
}

const csvFile = path.join(tmp, 'user-50k.csv');
fs.writeFileSync(csvFile, userDictionary(50_000));
const pkg = path.join(tmp, 'pkg');
execFileSync(bin, ['package', '--out', pkg, '--gcs-prefix', 'gs://bench/x', '--dataset', 'bench-project.x', '--library', VARIANTS.compact[0], '--user-dict', csvFile], { stdio: ['ignore', 'ignore', 'inherit'] });
const USER_CHILD = `
const fs = require('node:fs'), vm = require('node:vm');
const [tokenizer, userdict, csvFile] = process.argv.slice(-3);
const context = vm.createContext({});
vm.runInContext(fs.readFileSync(tokenizer, 'utf8'), context);
context.jatopic.init();
const csv = fs.readFileSync(csvFile, 'utf8');
const t0 = performance.now();
context.csv = csv;
vm.runInContext('jatopic.loadUserDictionary(csv, "user-50k.csv")', context);
const t1 = performance.now();
context.jatopic.clearUserDictionary();
const source = fs.readFileSync(userdict, 'utf8');
const t2 = performance.now();
vm.runInContext(source, context);
context.jatopic.init();
const t3 = performance.now();
process.stdout.write(JSON.stringify({ csvMs: t1 - t0, packedMs: t3 - t2, memory: context.jatopic.memoryBytes() }));
`;
const user = [];
for (let i = 0; i < rounds; i++) {
  const r = spawnSync(process.execPath, ['-e', USER_CHILD, VARIANTS.compact[0], path.join(pkg, 'jatopic-userdict.js'), csvFile], { encoding: 'utf8' });
  if (r.status !== 0) { console.error(r.stderr); process.exit(1); }
  user.push(JSON.parse(r.stdout));
}
out.user_dictionary_50k = {
  csvBytes: fs.statSync(csvFile).size,
  libraryFileBytes: fs.statSync(path.join(pkg, 'jatopic-userdict.js')).size,
  // jatopic.loadUserDictionary(csv): in wasm, UTF-16 to UTF-8, SHA-256 and parsing.
  medianLoadFromCsvMs: +median(user.map((r) => r.csvMs)).toFixed(1),
  // jatopic-userdict.js: evaluating the file, decoding, LZMA, parsing in wasm
  // (the tokenizer rebuilt from the compact lexicon it carries, included).
  medianLoadPackedMs: +median(user.map((r) => r.packedMs)).toFixed(1),
  wasmBytes: Math.max(...user.map((r) => r.memory)),
};
console.log(JSON.stringify(out, null, 2));
