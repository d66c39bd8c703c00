// Builds the single BigQuery library file holding the tokenizer: our glue,
// wasm-bindgen's glue, the wasm module and the compact lexicon
// (dict/ipadic.jtd) embedded as text. The lexicon is data beside the module,
// not in it, so that `jatopic package --lexicon full` can ship the full one
// in its place (it empties the three DICT_ lines; src/bigquery/libraries.rs). The file needs no TextEncoder/TextDecoder, atob,
// require, fetch or DOM: it runs in a bare V8 context.
//
// usage: node js/bundle.mjs GLUE.js MODULE.wasm OUT.js
import fs from 'node:fs';
import crypto from 'node:crypto';
import { featuresNeeded } from './wasm-floor.mjs';

// The UDF contract (src/bigquery/udf_contract.json) is the one copy of the
// limits: the library-file budget checked here and the text limits the SQL
// shims (runtime/sql.js) enforce, which the bundle defines from it, with the
// readings library file's name.
export const CONTRACT = JSON.parse(fs.readFileSync(new URL('../src/bigquery/udf_contract.json', import.meta.url), 'utf8'));
// BigQuery's limit for one library file.
export const FILE_BUDGET = CONTRACT.limits.library_file_bytes;
// What runtime/sql.js expects the bundle to define before it.
export const CONTRACT_PRELUDE = `const MAX_TEXT_UNITS = ${CONTRACT.limits.text_utf16_units};\n` +
  `const MAX_ANALYZE_UNITS = ${CONTRACT.limits.analyze_text_utf16_units};\n` +
  `const MAX_READING_UNITS = ${CONTRACT.limits.reading_text_utf16_units};\n` +
  `const READINGS_FILE = ${JSON.stringify(CONTRACT.readings_file)};\n` +
  `const USER_DICTIONARY_FILE = ${JSON.stringify(CONTRACT.user_dictionary_file)};\n` +
  `const TEXT_CODING_ESCAPED = ${JSON.stringify(CONTRACT.text_coding_escaped)};\n`;

// 7 bits per character, one ASCII byte each. A value never written raw (the
// contract's text_coding_escaped: what could end a string or a comment, or
// break the line) is written with the next 7 bits in one 2-byte UTF-8
// character, U+0080 + ((index + 1) << 7) + next: 14 bits in 2 bytes, so the
// text is 8/7 of the data (base64: 4/3). The decoder is decode7 in
// runtime/coder7.js.
const ESCAPED = new Map(CONTRACT.text_coding_escaped.map((v, i) => [v, i]));

export function encode7(bytes) {
  const groups = new Uint8Array(Math.ceil(bytes.length * 8 / 7));
  let acc = 0, bits = 0, g = 0;
  for (const b of bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 7) {
      bits -= 7;
      groups[g++] = (acc >> bits) & 0x7f;
    }
    acc &= (1 << bits) - 1;
  }
  if (bits > 0) groups[g++] = (acc << (7 - bits)) & 0x7f;
  const out = [];
  for (let j = 0; j < g; j++) {
    const k = ESCAPED.get(groups[j]);
    if (k === undefined) out.push(String.fromCharCode(groups[j]));
    else out.push(String.fromCharCode(((k + 1) << 7) | (j + 1 < g ? groups[++j] : 0)));
  }
  return out.join('');
}

// The text of `bytes` as library files carry it: in the comment of a
// function (the contract's text_container_open/_close), which V8 scans
// several times faster than a string literal and keeps no second copy of;
// decode7 reads it back through Function.prototype.toString.
export function embed7(bytes) {
  return CONTRACT.text_container_open + encode7(bytes) + CONTRACT.text_container_close;
}

// The runtime, in splice order: plain scripts under js/runtime/ that share
// the bundle's function scope (each is checked and unit-tested on its own:
// js/test/runtime.test.mjs).
export const RUNTIME_FILES = ['utf8.js', 'coder7.js', 'engine.js', 'sql.js', 'api.js', 'selftest.js'];
const runtimeSource = (name) => fs.readFileSync(new URL(`runtime/${name}`, import.meta.url), 'utf8');
// Code as shipped: without its whole-line comments and indentation (the
// sources are the documentation; the library file stays small and quick to
// parse). Both came to 17 KB of the budget in the runtime and wasm-bindgen's
// glue. A template literal spanning lines would lose its indentation too, so
// a line with an odd number of backticks is refused.
export function shipped(code, what) {
  return code
    .replace(/^[ \t]*\/\*\*[^]*?\*\/[ \t]*\n/gm, '')
    .replace(/^[ \t]*\/\/.*\n/gm, '')
    .split('\n')
    .map((line, i) => {
      if ((line.match(/`/g) || []).length % 2 === 1) {
        throw new Error(`bundle: ${what}: a template literal may span lines at "${line.trim()}" (shipped code is unindented)`);
      }
      return line.replace(/^[ \t]+/, '');
    })
    .join('\n');
}
const shippedSource = (name) => shipped(runtimeSource(name), `js/runtime/${name}`);

// decode7 as source, for tests that decode the bundle's embedded data.
export const DECODE7_SOURCE = `const TEXT_CODING_ESCAPED = ${JSON.stringify(CONTRACT.text_coding_escaped)};\n` + runtimeSource('coder7.js');

export function bundle(glue, wasm, dictionary, version, notice) {
  // Point wasm-bindgen's glue at our UTF-8 classes; fail loudly if its shape changed.
  const patched = glue
    .replace(/new TextDecoder\([^)]*\)/g, 'new Utf8Decoder()')
    .replace(/new TextEncoder\(\)/g, 'new Utf8Encoder()');
  if (/TextDecoder|TextEncoder/.test(patched.replace(/cachedText(De|En)coder/g, ''))) {
    throw new Error('bundle: wasm-bindgen glue still refers to TextDecoder/TextEncoder');
  }
  const runtime = RUNTIME_FILES.map(shippedSource).join('');
  return `// jatopic ${version}: Japanese morphological analysis (MeCab/IPADIC-compatible) as WebAssembly.
// Generated by js/bundle.mjs from js/runtime/*.js; do not edit. Defines one global, \`jatopic\`.
// Offsets are Unicode code points.
/*
${notice.replace(/\*\//g, '* /')}*/
var jatopic = (function () {
'use strict';
const VERSION = ${JSON.stringify(version)};
function makeBindings() {
${shipped(patched, "wasm-bindgen's glue").replace(/^let wasm_bindgen = /m, 'const wasm_bindgen = ')}
return wasm_bindgen;
}
// What the embedded module needs and its SHA-256 (a damaged copy is told
// from an engine too old for it by these).
const WASM_NEEDS = ${JSON.stringify(featuresNeeded(wasm))};
const WASM_SHA256 = '${crypto.createHash('sha256').update(wasm).digest('hex')}';
${CONTRACT_PRELUDE}${runtime}const WASM_BYTES = ${wasm.length};
const WASM_TEXT = ${embed7(wasm)};
// The compact lexicon (empty in a package with the full one).
const DICT_BYTES = ${dictionary.length};
const DICT_SHA256 = '${crypto.createHash('sha256').update(dictionary).digest('hex')}';
const DICT_TEXT = ${embed7(dictionary)};
return jatopicApi;
})();
`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [glueFile, wasmFile, outFile] = process.argv.slice(2);
  const cargo = fs.readFileSync(new URL('../Cargo.toml', import.meta.url), 'utf8');
  const version = /^version = "([^"]+)"/m.exec(cargo)[1];
  const notice = fs.readFileSync(new URL('../dict/NOTICE', import.meta.url), 'utf8');
  const dictionary = fs.readFileSync(new URL('../dict/ipadic.jtd', import.meta.url));
  const out = bundle(fs.readFileSync(glueFile, 'utf8'), fs.readFileSync(wasmFile), dictionary, version, notice);
  const size = Buffer.byteLength(out, 'utf8');
  fs.writeFileSync(outFile, out);
  const wasmSize = fs.statSync(wasmFile).size;
  console.log(`${outFile}: ${size} bytes (wasm ${wasmSize} bytes, compact lexicon ${dictionary.length} bytes, budget ${FILE_BUDGET})`);
  if (size > FILE_BUDGET) {
    console.error(`bundle: ${outFile} is ${size - FILE_BUDGET} bytes over BigQuery's ${FILE_BUDGET}-byte library-file budget`);
    process.exit(1);
  }
}
