// The WebAssembly feature floor of the shipped module: what BigQuery's V8 (of
// unknown version) must accept. The MVP plus four proposals V8 has enabled by
// default since 2020 (sign extension and mutable globals in V8 7.x, bulk
// memory and non-trapping float-to-int in 7.5): no reference types, multi-value,
// SIMD, threads, tail calls, exceptions or GC. Three V8 generations check it
// in tests/v8/.
//
// How (the routes weighed, 2026-12): the stable toolchain's wasm32-unknown-unknown,
// our crate compiled with `-C target-cpu=mvp` + the floor's features, the
// precompiled std as it is, the module's target_features section rewritten to
// the floor before wasm-bindgen (which then emits no externref and no multi-value
// adapters: wasm-bindgen 0.2.130 has no option for it), and wasm-opt validating
// every instruction with only the floor enabled — so the build proves the floor
// each time, std included. Rejected: the wasm32v1-none target (MVP-only std-less
// target: `cargo check` there gives 307 errors, the crate and lzma-rust2, the
// dictionary's and model's decompressor, need std; a no_std + alloc rewrite of
// the wasm-facing library is a project of its own); -Zbuild-std on the nightly
// (works here: rust-src installs, std rebuilt for the floor, a 440-byte smaller
// module, no section rewrite) costs a pinned nightly and rust-src on every
// machine for what the validator already guarantees: the fallback if a stable
// std ever uses more than the floor (the build then fails and says so).
//
//   node js/wasm-floor.mjs set-features IN.wasm OUT.wasm
//       rewrites the `target_features` custom section (what the linker saw the
//       objects use, which wasm-bindgen reads to decide whether to emit
//       externref and multi-value adapters) to the floor, so that wasm-bindgen
//       emits neither; the code itself is validated by `check` below.
//   node js/wasm-floor.mjs strip-features IN.wasm OUT.wasm
//       drops that section, so that wasm-opt validates against the features
//       given on its command line only (it would otherwise enable the listed ones).
//   node js/wasm-floor.mjs check MODULE.wasm
//       fails when a function signature has more than one result (multi-value)
//       or a type, import, table or global uses a value type beyond the floor
//       (externref, funcref values, v128, exnref); wasm-opt (`make wasm`) then
//       validates every instruction with only the floor enabled.
import fs from 'node:fs';
import vm from 'node:vm';

/** The floor, as LLVM names the features (one list: js/runtime/engine.js, whose probes check them at run time). */
export const FLOOR = vm.runInNewContext(`${fs.readFileSync(new URL('runtime/engine.js', import.meta.url), 'utf8')}; FLOOR_FEATURES`);
// LLVM's name for the memory.copy/fill half of bulk memory, implied by it.
const IMPLIED = new Set(['bulk-memory-opt']);

function leb(bytes, at) {
  let value = 0, shift = 0, b;
  do {
    if (at >= bytes.length) throw new Error('truncated LEB128 number');
    b = bytes[at++];
    value += (b & 0x7f) * 2 ** shift;
    shift += 7;
  } while (b & 0x80);
  return [value, at];
}

function lebBytes(n) {
  const out = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return out;
}

/** The sections of a module: [{id, name (custom sections), start, end (of the contents), headerStart}]. */
export function sections(bytes) {
  if (bytes.length < 8 || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) throw new Error('not a WebAssembly module');
  const out = [];
  let at = 8;
  while (at < bytes.length) {
    const headerStart = at;
    const id = bytes[at];
    const [size, start] = leb(bytes, at + 1);
    const end = start + size;
    if (end > bytes.length) throw new Error(`section ${id} at byte ${headerStart} runs past the end`);
    let name = null;
    if (id === 0) {
      const [n, s] = leb(bytes, start);
      name = Buffer.from(bytes.subarray(s, s + n)).toString('utf8');
    }
    out.push({ id, name, start, end, headerStart });
    at = end;
  }
  return out;
}

/** The features a `target_features` section lists as used ('+'), or null without one. */
export function targetFeatures(bytes) {
  const s = sections(bytes).find((x) => x.name === 'target_features');
  if (!s) return null;
  let [, at] = leb(bytes, s.start);
  at += 'target_features'.length;
  let count;
  [count, at] = leb(bytes, at);
  const used = [];
  for (let i = 0; i < count; i++) {
    const prefix = String.fromCharCode(bytes[at]);
    let n;
    [n, at] = leb(bytes, at + 1);
    const name = Buffer.from(bytes.subarray(at, at + n)).toString('utf8');
    at += n;
    if (prefix === '+' || prefix === '=') used.push(name);
  }
  return used;
}

function withoutFeatureSection(bytes, replacement) {
  const s = sections(bytes).find((x) => x.name === 'target_features');
  const parts = [];
  if (s) parts.push(bytes.subarray(0, s.headerStart), bytes.subarray(s.end));
  else parts.push(bytes);
  if (replacement) {
    const body = [...lebBytes(15), ...Buffer.from('target_features'), ...lebBytes(replacement.length)];
    for (const f of replacement) body.push(0x2b, ...lebBytes(f.length), ...Buffer.from(f));
    parts.push(Uint8Array.from([0, ...lebBytes(body.length), ...body]));
  }
  return Buffer.concat(parts);
}

/** The module with its `target_features` section saying exactly the floor. */
export const setFloorFeatures = (bytes) => withoutFeatureSection(bytes, FLOOR);
/** The module without a `target_features` section. */
export const stripFeatures = (bytes) => withoutFeatureSection(bytes, null);

// Value types of the floor: i32, i64, f32, f64.
const FLOOR_VALUE_TYPES = new Set([0x7f, 0x7e, 0x7d, 0x7c]);
const TYPE_NAMES = { 0x7b: 'v128 (SIMD)', 0x70: 'funcref value (reference types)', 0x6f: 'externref (reference types)', 0x69: 'exnref (exceptions)' };
const typeName = (t) => TYPE_NAMES[t] || `value type 0x${t.toString(16)}`;

// The feature a problem of beyondFloor() shows, in the names of js/runtime/engine.js.
const PROBLEM_FEATURES = [[/multi-value/, 'multi-value'], [/reference types/, 'reference-types'], [/SIMD/, 'simd'], [/exceptions/, 'exceptions'], [/GC/, 'gc']];

/**
 * The features a module needs, for the bundle's message when an engine
 * rejects it: the floor, plus whatever its declarations show beyond it.
 */
export function featuresNeeded(bytes) {
  const extra = new Set();
  for (const p of beyondFloor(bytes)) for (const [re, name] of PROBLEM_FEATURES) if (re.test(p)) extra.add(name);
  return [...FLOOR, ...extra];
}

/** What in the module's signatures and declarations is beyond the floor (empty when none). */
export function beyondFloor(bytes) {
  const problems = [];
  const used = targetFeatures(bytes);
  if (used) {
    const extra = used.filter((f) => !FLOOR.includes(f) && !IMPLIED.has(f));
    if (extra.length) problems.push(`the target_features section lists ${extra.join(', ')}`);
  }
  for (const s of sections(bytes)) {
    let at = s.start;
    const valueType = (what) => {
      const t = bytes[at++];
      if (!FLOOR_VALUE_TYPES.has(t)) problems.push(`${what}: ${typeName(t)}`);
    };
    if (s.id === 1) { // types
      let n;
      [n, at] = leb(bytes, at);
      for (let i = 0; i < n; i++) {
        if (bytes[at] !== 0x60) { problems.push(`type ${i}: form 0x${bytes[at].toString(16)} is not a function type (GC or exceptions)`); break; }
        at++;
        let params, results;
        [params, at] = leb(bytes, at);
        for (let p = 0; p < params; p++) valueType(`type ${i} parameter ${p}`);
        [results, at] = leb(bytes, at);
        if (results > 1) problems.push(`type ${i}: ${results} results (multi-value)`);
        for (let r = 0; r < results; r++) valueType(`type ${i} result ${r}`);
      }
    } else if (s.id === 2) { // imports
      let n;
      [n, at] = leb(bytes, at);
      for (let i = 0; i < n; i++) {
        let len;
        [len, at] = leb(bytes, at); at += len;
        [len, at] = leb(bytes, at); at += len;
        const kind = bytes[at++];
        if (kind === 0) [, at] = leb(bytes, at);
        else if (kind === 1) { if (bytes[at] !== 0x70) problems.push(`import ${i}: a table of ${typeName(bytes[at])}`); at++; at = limits(bytes, at); }
        else if (kind === 2) at = limits(bytes, at);
        else if (kind === 3) { valueType(`import ${i} (global)`); at++; }
        else { problems.push(`import ${i}: kind ${kind} (tags: exceptions)`); break; }
      }
    } else if (s.id === 4) { // tables
      let n;
      [n, at] = leb(bytes, at);
      if (n > 1) problems.push(`${n} tables (reference types)`);
      for (let i = 0; i < n; i++) {
        if (bytes[at] !== 0x70) problems.push(`table ${i} of ${typeName(bytes[at])}`);
        at = limits(bytes, at + 1);
      }
    } else if (s.id === 13) {
      problems.push('a tag section (exceptions)');
    }
  }
  return problems;
}

function limits(bytes, at) {
  const flags = bytes[at++];
  [, at] = leb(bytes, at);
  if (flags & 1) [, at] = leb(bytes, at);
  return at;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [command, input, output] = process.argv.slice(2);
  const usage = () => { console.error('usage: node js/wasm-floor.mjs set-features|strip-features IN.wasm OUT.wasm | check MODULE.wasm'); process.exit(2); };
  if (!input) usage();
  const bytes = fs.readFileSync(input);
  if (command === 'set-features' || command === 'strip-features') {
    if (!output) usage();
    fs.writeFileSync(output, command === 'set-features' ? setFloorFeatures(bytes) : stripFeatures(bytes));
  } else if (command === 'check') {
    const problems = beyondFloor(bytes);
    if (problems.length) {
      console.error(`wasm-floor: ${input} uses WebAssembly beyond the floor (MVP + ${FLOOR.join(', ')}), which BigQuery's V8 may lack:\n  ${problems.slice(0, 20).join('\n  ')}`);
      process.exit(1);
    }
    console.log(`wasm-floor: ${input} stays within the floor (MVP + ${FLOOR.join(', ')})`);
  } else usage();
}
