// A mutation fuzzer for the sandbox's package readers (bq-sandbox.mjs:
// parseType, parseCreateFunctions, loadPackage → readManifest).
//
// NOT libFuzzer and NOT coverage-guided: @jazzer.js/core 4.0.0's prebuilt
// addon needs glibc 2.38 (this system has 2.36), and older versions download
// their addon from GitHub. This is a deterministic random mutator instead:
// mutations (byte and token edits, splices, and for the manifest, edits of
// the parsed JSON tree) of valid seeds: js/fuzz/seeds/*, plus the
// manifest.json and create_functions.sql of build/web-test-package when built.
//
// Property: every input is accepted or rejected with a SandboxError; any
// other exception (TypeError, RangeError, …) or a call slower than 2 s is a
// failure, saved to js/fuzz/artifacts/ (not committed) and the exit code is 1.
//
//   node js/fuzz/sandbox.fuzz.mjs [--runs N] [--seed S] [--max-seconds T]

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseType, parseCreateFunctions, loadPackage, SandboxError } from '../bq-sandbox.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? Number(args[i + 1]) : dflt; };
const RUNS = opt('--runs', 100_000), SEED = opt('--seed', 1), MAX_SECONDS = opt('--max-seconds', 0);
const SLOW_MS = 2000;

// mulberry32: a small deterministic PRNG, so a run is reproducible from its seed.
let state = SEED >>> 0;
const rand = () => {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const int = (n) => Math.floor(rand() * n);
const pick = (a) => a[int(a.length)];

const read = (p) => (fs.existsSync(p) ? fs.readFileSync(p, 'utf8') : null);
const pkgDir = path.join(here, '..', '..', 'build', 'web-test-package');
const seeds = {
  type: read(path.join(here, 'seeds', 'types.txt')).split('\n').filter(Boolean),
  sql: [read(path.join(here, 'seeds', 'create_functions.sql')), read(path.join(pkgDir, 'create_functions.sql'))].filter(Boolean),
  manifest: [read(path.join(here, 'seeds', 'manifest.json')), read(path.join(pkgDir, 'manifest.json'))].filter(Boolean),
};

// Fragments that make SQL, types and JSON interesting to the parsers.
const TOKENS = [
  'ARRAY<', 'STRUCT<', '>', '<', ',', '(', ')', ';', '.', '=', '[', ']', ' ', '\n', '`', '"', "'", '"""', "'''", 'r"', 'b\'',
  'STRING', 'INT64', 'FLOAT64', 'BOOL', 'NUMERIC', 'CREATE', 'OR', 'REPLACE', 'TEMP', 'FUNCTION', 'IF NOT EXISTS',
  'RETURNS', 'LANGUAGE js', 'LANGUAGE sql', 'DETERMINISTIC', 'NOT', 'OPTIONS', 'library', 'AS', '--', '#', '/*', '*/',
  '\\', '\\x4', '\\u00e9', '\\U0010FFFF', '\\UFFFFFFFF', '\\U00110000', '\\777', '\\q', '0x', '1e999', '-1', '9007199254740993',
  'null', 'true', '{}', '[]', '{"a":', '"gs://bucket/web/x.js"', '"gs://"', '__proto__', 'constructor', '\u0000', '\ud800', '😀', '名前',
];
const JSON_VALUES = [null, true, 0, -1, 1e308, '', 'STRING', 'ARRAY<', 'gs://bucket/web/jatopic-tokenizer.js', [], {}, [null], { name: null }, '__proto__'];

function mutateText(s) {
  const n = 1 + int(4);
  for (let k = 0; k < n; k++) {
    const at = int(s.length + 1);
    switch (int(8)) {
      case 0: s = s.slice(0, at) + pick(TOKENS) + s.slice(at); break; // insert a fragment
      case 1: s = s.slice(0, at) + s.slice(at + 1 + int(16)); break; // delete a range
      case 2: { const b = int(s.length + 1), e = b + int(32); s = s.slice(0, at) + s.slice(b, e) + s.slice(at); break; } // duplicate
      case 3: s = s.slice(0, at) + String.fromCharCode(int(0x10000)) + s.slice(at + 1); break; // any UTF-16 unit
      case 4: s = s.slice(0, at) + String.fromCharCode(32 + int(95)) + s.slice(at + 1); break; // ASCII
      case 5: s = s.slice(0, at); break; // truncate
      case 6: s = s.slice(0, at) + pick(TOKENS).repeat(1 + int(200)) + s.slice(at); break; // runs: nesting, long names
      default: { const other = pick([...seeds.sql, ...seeds.type]); const b = int(other.length + 1); s = s.slice(0, at) + other.slice(b, b + int(64)) + s.slice(at); } // splice
    }
  }
  return s;
}

// Mutates a random node of a parsed JSON tree (the manifest keeps being JSON).
function mutateJson(v, depth = 0) {
  if (v === null || typeof v !== 'object' || depth > 6 || rand() < 0.15) {
    return rand() < 0.5 ? structuredClone(pick(JSON_VALUES)) : typeof v === 'string' ? mutateText(v) : structuredClone(pick(JSON_VALUES));
  }
  const keys = Object.keys(v);
  if (!keys.length || rand() < 0.1) {
    if (Array.isArray(v)) v.push(structuredClone(pick(JSON_VALUES))); else v[pick(['name', 'body', 'type', 'x', 'functions', 'files'])] = structuredClone(pick(JSON_VALUES));
    return v;
  }
  const k = pick(keys);
  if (rand() < 0.1) { if (Array.isArray(v)) v.splice(Number(k), 1); else delete v[k]; } else v[k] = mutateJson(v[k], depth + 1);
  return v;
}

function manifestInput() {
  const base = pick(seeds.manifest);
  if (rand() < 0.3) return mutateText(base);
  let text = JSON.stringify(mutateJson(JSON.parse(base)));
  if (rand() < 0.2) text = mutateText(text);
  return text;
}

// A scratch package directory with tiny stand-in library files, so that
// library resolution and the sha256 check run too.
const dir = fs.mkdtempSync(path.join(fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir(), 'jatopic-sandbox-fuzz-'));
for (const f of ['jatopic-tokenizer.js', 'jatopic-model-1.js', 'x.js']) fs.writeFileSync(path.join(dir, f), 'var jatopic = {};\n');
const manifestPath = path.join(dir, 'manifest.json');

const TARGETS = {
  parseType: () => { const s = rand() < 0.8 ? mutateText(pick(seeds.type)) : pick(seeds.type); return [s, () => parseType(s)]; },
  parseCreateFunctions: () => { const s = mutateText(pick(seeds.sql)); return [s, () => parseCreateFunctions(s)]; },
  loadPackage: () => {
    const s = manifestInput();
    return [s, () => { fs.writeFileSync(manifestPath, s); loadPackage(manifestPath); loadPackage(dir, { functions: ['ja_tokenize'] }); }];
  },
};

const stats = Object.fromEntries(Object.keys(TARGETS).map((t) => [t, { runs: 0, accepted: 0, rejected: 0, failures: 0, slowestMs: 0 }]));
const failures = [];
const started = process.hrtime.bigint();
const elapsed = () => Number(process.hrtime.bigint() - started) / 1e9;
let run = 0;
for (; run < RUNS; run++) {
  if (MAX_SECONDS && run % 256 === 0 && elapsed() > MAX_SECONDS) break;
  const name = pick(Object.keys(TARGETS));
  const [input, call] = TARGETS[name]();
  const st = stats[name];
  st.runs++;
  const t0 = process.hrtime.bigint();
  let problem = null;
  try { call(); st.accepted++; } catch (e) {
    if (e instanceof SandboxError) st.rejected++;
    else problem = `${e?.name}: ${e?.message}`;
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  st.slowestMs = Math.max(st.slowestMs, ms);
  if (!problem && ms > SLOW_MS) problem = `slow: ${ms.toFixed(0)} ms`;
  if (problem) {
    st.failures++;
    if (failures.length < 20) {
      const out = path.join(here, 'artifacts');
      fs.mkdirSync(out, { recursive: true });
      const file = path.join(out, `${name}-${run}.txt`);
      fs.writeFileSync(file, input);
      failures.push(`${name} run ${run}: ${problem} (input: ${path.relative(process.cwd(), file)})`);
    }
  }
}
fs.rmSync(dir, { recursive: true, force: true });

const seconds = elapsed();
console.log(`sandbox fuzz (seed ${SEED}, not coverage-guided): ${run} executions in ${seconds.toFixed(1)} s (${Math.round(run / seconds)}/s)`);
for (const [name, s] of Object.entries(stats)) {
  console.log(`  ${name.padEnd(22)} runs ${String(s.runs).padStart(9)}  accepted ${String(s.accepted).padStart(8)}  SandboxError ${String(s.rejected).padStart(9)}  failures ${s.failures}  slowest ${s.slowestMs.toFixed(1)} ms`);
}
for (const f of failures) console.log(`FAIL ${f}`);
process.exit(failures.length ? 1 : 0);
