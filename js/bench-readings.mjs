// Cold start and memory of the readings library file: a package's
// jatopic-tokenizer.js alone against jatopic-tokenizer.js + jatopic-readings.js.
// Each run is a fresh node process (nothing cached or JIT-compiled); the clock
// runs inside it, as js/bench.mjs's cold start: from reading the library files
// to the end of the first ja_analyze call (evaluating the files, decoding the
// wasm, decompressing the dictionary and, with readings, the readings, the
// first analysis). Runs alternate between the two, median of 7 each. Peak wasm
// memory after analysing the golden sentences, and the time of a warm pass
// of ja_analyze over them (the cost of readings per row).
//
// usage: node js/bench-readings.mjs --package DIR (a package of `jatopic package --readings`)
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
const at = args.indexOf('--package');
if (at < 0 || !args[at + 1]) {
  console.error('usage: node js/bench-readings.mjs --package DIR');
  process.exit(2);
}
const dir = args[at + 1];
const root = new URL('../', import.meta.url).pathname;
const tokenizer = path.join(dir, 'jatopic-tokenizer.js');
const readings = path.join(dir, 'jatopic-readings.js');
for (const f of [tokenizer, readings]) if (!fs.existsSync(f)) { console.error(`${f} not found (package with --readings)`); process.exit(2); }
const golden = ['titles', 'news', 'edge'].flatMap((n) => fs.readFileSync(`${root}tests/golden/${n}.txt`, 'utf8').split('\n').filter((l) => l.trim() !== ''));
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
// Steady state: the same lines again, warm.
const t3 = performance.now();
for (let k = 0; k < 3; k++) for (const l of lines) context.jatopic.sql.ja_analyze(l);
const passMs = (performance.now() - t3) / 3;
process.stdout.write(JSON.stringify({ totalMs: t2 - t0, evalMs: t1 - t0, firstCallMs: t2 - t1, peak, passMs, reading: first[0].reading }));
`;
const linesFile = path.join(fs.mkdtempSync('/tmp/jatopic-bench-readings-'), 'lines.json');
fs.writeFileSync(linesFile, JSON.stringify(golden.slice(0, 500)));
const runs = { compact: [], readings: [] };
for (let i = 0; i < 7; i++) {
  for (const [name, files] of [['compact', [tokenizer]], ['readings', [tokenizer, readings]]]) {
    const r = spawnSync(process.execPath, ['-e', CHILD, JSON.stringify(files), linesFile], { encoding: 'utf8' });
    if (r.status !== 0) { console.error(r.stderr); process.exit(1); }
    runs[name].push(JSON.parse(r.stdout));
  }
}
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[s.length >> 1]; };
const out = {};
for (const [name, rs] of Object.entries(runs)) {
  out[name] = {
    medianMs: +median(rs.map((r) => r.totalMs)).toFixed(1),
    medianEvalMs: +median(rs.map((r) => r.evalMs)).toFixed(1),
    medianFirstCallMs: +median(rs.map((r) => r.firstCallMs)).toFixed(1),
    peakWasmBytes: Math.max(...rs.map((r) => r.peak)),
    // ja_analyze over the golden sentences (up to 500), warm.
    medianPassMs: +median(rs.map((r) => r.passMs)).toFixed(1),
    firstReading: rs[0].reading,
    allMs: rs.map((r) => +r.totalMs.toFixed(1)),
  };
}
out.bytes = { tokenizer: fs.statSync(tokenizer).size, readings: fs.statSync(readings).size };
out.readingsExtraMs = +(out.readings.medianMs - out.compact.medianMs).toFixed(1);
console.log(JSON.stringify(out, null, 2));
