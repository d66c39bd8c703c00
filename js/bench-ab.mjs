// Same-process A/B of two tokenizer bundles: each evaluated in its own bare
// node:vm context, then wakati() and tokenize() over the same lines in
// alternating rounds (A B, B A, A B, ...). Separate processes, as
// scripts/bench_compare.sh runs them, differ by ±10 % on this shared machine
// whatever the code; neighbouring passes in one process share its state, so
// the per-round ratio is the figure for "did this change cost speed".
//
// usage (from the repository root, after `make bench` wrote the sample):
//   node js/bench-ab.mjs A.js B.js [--rounds 15] [--input build/bench-input.txt]
// e.g. A = build/bench-compare/base/build/jatopic-tokenizer.js (made by
// `make bench-compare BASE=<rev>`), B = build/jatopic-tokenizer.js.
// Prints, per function, each side's median ms and B's speed ÷ A's (median
// of the per-round ratios). A measuring script, not a test.
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';

const positional = [];
const options = { rounds: '15', input: 'build/bench-input.txt' };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const m = /^--(rounds|input)$/.exec(argv[i]);
  if (m) options[m[1]] = argv[++i];
  else positional.push(argv[i]);
}
const rounds = Number(options.rounds);
if (positional.length !== 2 || !Number.isInteger(rounds) || rounds < 1) {
  console.error('usage: node js/bench-ab.mjs A.js B.js [--rounds N] [--input FILE]');
  process.exit(2);
}
if (!fs.existsSync(options.input)) {
  console.error(`bench-ab: ${options.input} not found — run make bench once (it writes the sample), or give --input FILE`);
  process.exit(1);
}
const lines = fs.readFileSync(options.input, 'utf8').split('\n').filter((l) => l.length > 0);
const chars = lines.reduce((n, l) => n + l.length, 0);

function load(file) {
  const context = vm.createContext({});
  vm.runInContext(fs.readFileSync(file, 'utf8'), context, { filename: file });
  context.jatopic.init();
  return context.jatopic;
}
const sides = positional.map((file) => ({ name: path.relative('.', file), jatopic: load(file) }));
const median = (xs) => xs.slice().sort((p, q) => p - q)[xs.length >> 1];

console.log(`${lines.length} lines, ${chars} UTF-16 units; ${rounds} alternating rounds`);
for (const fn of ['wakati', 'tokenize']) {
  const times = [[], []];
  for (let r = 0; r < rounds; r++) {
    for (const k of r % 2 === 0 ? [0, 1] : [1, 0]) {
      const jatopic = sides[k].jatopic;
      const t0 = performance.now();
      for (const line of lines) jatopic[fn](line);
      times[k].push(performance.now() - t0);
    }
  }
  const ratio = median(times[0].map((a, r) => a / times[1][r]));
  console.log(`${fn}(): A ${median(times[0]).toFixed(1)} ms, B ${median(times[1]).toFixed(1)} ms; B's speed ÷ A's ${ratio.toFixed(3)} (per-round ratios ${Math.min(...times[0].map((a, r) => a / times[1][r])).toFixed(3)}–${Math.max(...times[0].map((a, r) => a / times[1][r])).toFixed(3)})`);
}
console.log(`A = ${sides[0].name}\nB = ${sides[1].name}`);
