// bq-sandbox: a local stand-in for BigQuery's JavaScript UDF runtime, to run a
// `jatopic package` directory (manifest.json or create_functions.sql plus the
// library files) before deploying it. Library and CLI:
//
//   node js/bq-sandbox.mjs --package DIR --function NAME --input rows.ndjson|- \
//     [--output FILE|-] [--timeout-ms N] [--memory-mb N] [--max-output-bytes N] \
//     [--gcs-map gs://PREFIX=DIR] [--stats]
//   node js/bq-sandbox.mjs --package DIR --list        (or --sql create_functions.sql)
//
// Emulated:
// - a worker is a fresh V8 context with only ECMAScript builtins and WebAssembly:
//   no require/process/console/timers/TextEncoder/TextDecoder/atob/btoa/fetch/
//   crypto/window/self/document;
// - each library file is evaluated once per worker, in declared order (shared
//   files once per worker, keyed by gs:// URI); each body is compiled once as
//   `function(<args>) { <body> }`;
// - argument encodings (STRING→string, INT64→decimal string, FLOAT64→number,
//   BOOL→boolean, ARRAY→Array, STRUCT→object, NULL→null; values are created in
//   the worker's realm) and result conversion against the declared type,
//   including "Array cannot have a null element"; Promises are awaited;
// - documented limits: library file size, inline body size, resources and code
//   bytes per query; a per-call time limit and a memory cap (tracked
//   WebAssembly.Memory bytes + JS heap growth during a call); a timeout or memory error
//   discards the worker, as a crashed BigQuery worker is replaced.
// Not emulated: Google's exact CPU/memory quotas and worker sizes (ours are
// options), the exact ~5 MB output-per-row rule (approximated by a limit on the
// row's JSON size), SQL itself (no query planning, no NULL-ARRAY→[] rewriting
// of query results, no types beyond STRING/INT64/FLOAT64/BOOL/ARRAY/STRUCT),
// memory a wasm module allocates internally without exporting it, infinite
// loops inside Promise jobs (only the synchronous part is preemptible), and
// V8 heap exhaustion (it aborts this process instead of failing one query).
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import v8 from 'node:v8';
import crypto from 'node:crypto';
import readline from 'node:readline';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

// BigQuery's documented JavaScript UDF limits
// (https://cloud.google.com/bigquery/quotas#udf_limits and
// https://cloud.google.com/bigquery/docs/user-defined-functions#limits).
/** Maximum size of each external code resource (library file): 1 MB. */
export const MAX_LIBRARY_BYTES = 1_000_000;
/** Maximum size of each inline code blob (function body): 32 KB. */
export const MAX_INLINE_BODY_BYTES = 32 * 1024;
/** Maximum number of JavaScript UDF resources (inline blobs + external files) in a query. */
export const MAX_RESOURCES = 50;
/** Maximum cumulative size of the code resources of a query: 5 MB. */
export const MAX_TOTAL_CODE_BYTES = 5_000_000;
/** Output of a UDF per row: "approximately 5 MB or less" (we measure the row's JSON). */
export const DEFAULT_MAX_OUTPUT_BYTES = 5_000_000;
/** Our per-call time limit (BigQuery's is undocumented; calls "taking too long" fail). */
export const DEFAULT_TIMEOUT_MS = 10_000;
/** Our per-worker memory cap (BigQuery's is undocumented: "out of memory" failures). */
export const DEFAULT_MEMORY_MB = 256;

/** Every failure is a SandboxError; `code` says which rule (LIMIT, TIMEOUT, MEMORY, TYPE, UDF, LIBRARY, OUTPUT, PACKAGE, SQL). */
export class SandboxError extends Error {
  constructor(code, message, extra = {}) {
    super(message);
    this.name = 'SandboxError';
    this.code = code;
    Object.assign(this, extra);
  }
}
const fail = (code, message, extra) => { throw new SandboxError(code, message, extra); };

// ---------------------------------------------------------------- SQL lexing

function where(src, at) {
  const before = src.slice(0, at);
  return `line ${before.split('\n').length}, column ${at - before.lastIndexOf('\n')}`;
}

const ESCAPES = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v', a: '\x07', '\\': '\\', '?': '?', '"': '"', "'": "'", '`': '`' };

// Tokens: ident (bare), quoted (`backticked`), string (decoded), number, punct.
function lex(src, label) {
  const toks = [];
  const err = (msg, at) => fail('SQL', `${label} (${where(src, at)}): ${msg}`);
  const ident = /[A-Za-z_][A-Za-z0-9_]*/y, number = /\d+(\.\d*)?([eE][+-]?\d+)?/y, strStart = /([rRbB]{0,2})('''|"""|'|")/y;
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) { i++; continue; }
    if (c === '#' || src.startsWith('--', i)) { const j = src.indexOf('\n', i); i = j < 0 ? src.length : j; continue; }
    if (src.startsWith('/*', i)) { const j = src.indexOf('*/', i + 2); if (j < 0) err('unterminated comment', i); i = j + 2; continue; }
    strStart.lastIndex = i;
    const s = strStart.exec(src);
    if (s) {
      const raw = /r/i.test(s[1]), q = s[2];
      let j = i + s[0].length, value = '';
      for (;;) {
        if (j >= src.length || (q.length === 1 && src[j] === '\n')) err('unterminated string', i);
        if (src.startsWith(q, j)) break;
        if (src[j] === '\\') {
          if (raw) { value += src.slice(j, j + 2); j += 2; continue; }
          const e = src[j + 1], hex = { x: 2, u: 4, U: 8 }[e];
          if (hex) {
            const h = src.slice(j + 2, j + 2 + hex);
            if (!/^[0-9a-fA-F]+$/.test(h) || h.length !== hex) err(`bad \\${e} escape`, j);
            value += String.fromCodePoint(parseInt(h, 16)); j += 2 + hex;
          } else if (/[0-7]/.test(e)) {
            value += String.fromCharCode(parseInt(src.slice(j + 1, j + 4), 8)); j += 4;
          } else if (e in ESCAPES) { value += ESCAPES[e]; j += 2; } else err(`unknown escape \\${e}`, j);
          continue;
        }
        value += src[j++];
      }
      toks.push({ type: 'string', value, pos: i, end: j + q.length });
      i = j + q.length;
      continue;
    }
    if (c === '`') {
      const j = src.indexOf('`', i + 1);
      if (j < 0) err('unterminated `identifier`', i);
      toks.push({ type: 'quoted', value: src.slice(i + 1, j), pos: i, end: j + 1 });
      i = j + 1;
      continue;
    }
    const re = /\d/.test(c) ? number : ident;
    re.lastIndex = i;
    const m = re.exec(src);
    if (m) { toks.push({ type: re === ident ? 'ident' : 'number', value: m[0], pos: i, end: i + m[0].length }); i += m[0].length; continue; }
    if ('()<>,.;=[]'.includes(c)) { toks.push({ type: 'punct', value: c, pos: i, end: i + 1 }); i++; continue; }
    err(`unexpected character ${JSON.stringify(c)}`, i);
  }
  return toks;
}

class Cursor {
  constructor(src, label) { this.src = src; this.label = label; this.toks = lex(src, label); this.i = 0; this.stmt = 0; }
  peek(k = 0) { return this.toks[this.i + k]; }
  fail(msg, tok = this.peek()) {
    const at = tok ? tok.pos : this.src.length;
    fail('SQL', `${this.label}${this.stmt ? ` statement ${this.stmt}` : ''} (${where(this.src, at)}): ${msg}`);
  }
  show(tok = this.peek()) { return tok ? (tok.type === 'string' ? 'a string literal' : `'${this.src.slice(tok.pos, tok.end)}'`) : 'end of input'; }
  isWord(w, k = 0) { const t = this.peek(k); return t?.type === 'ident' && t.value.toUpperCase() === w; }
  word(w) { return this.isWord(w) && ++this.i; }
  expectWord(w) { return this.word(w) || this.fail(`expected ${w}, found ${this.show()}`); }
  isPunct(c) { const t = this.peek(); return t?.type === 'punct' && t.value === c; }
  punct(c) { return this.isPunct(c) && ++this.i; }
  expectPunct(c) { return this.punct(c) || this.fail(`expected '${c}', found ${this.show()}`); }
  name(what) {
    const t = this.peek();
    if (t?.type !== 'ident' && t?.type !== 'quoted') this.fail(`expected ${what}, found ${this.show()}`);
    this.i++;
    return t.value;
  }
  take(type, what) { const t = this.peek(); if (t?.type !== type) this.fail(`expected ${what}, found ${this.show()}`); this.i++; return t.value; }
}

// ---------------------------------------------------------------- SQL types

const SCALARS = { STRING: 'STRING', INT64: 'INT64', INT: 'INT64', INTEGER: 'INT64', BIGINT: 'INT64', SMALLINT: 'INT64', TINYINT: 'INT64', BYTEINT: 'INT64', FLOAT64: 'FLOAT64', BOOL: 'BOOL', BOOLEAN: 'BOOL' };

// type := ARRAY<type> | STRUCT<[name] type, ...> | STRING | INT64 | FLOAT64 | BOOL (+ aliases)
function parseTypeAt(cur) {
  const t = cur.peek(), word = t?.type === 'ident' ? t.value.toUpperCase() : '';
  if (word === 'ARRAY') {
    cur.i++; cur.expectPunct('<');
    const element = parseTypeAt(cur);
    if (element.kind === 'ARRAY') cur.fail('ARRAY<ARRAY<...>> is not allowed in BigQuery (wrap the inner array in a STRUCT)', t);
    cur.expectPunct('>');
    return { kind: 'ARRAY', element };
  }
  if (word === 'STRUCT') {
    cur.i++; cur.expectPunct('<');
    const fields = [];
    while (!cur.isPunct('>')) {
      if (fields.length) cur.expectPunct(',');
      // `STRUCT<a INT64>` names its field, `STRUCT<INT64>` does not (BigQuery calls it _field_N).
      const named = ['ident', 'quoted'].includes(cur.peek()?.type) && !(cur.peek(1)?.type === 'punct' && ',>'.includes(cur.peek(1).value));
      const name = named ? cur.name('a field name') : `_field_${fields.length + 1}`;
      if (fields.some((f) => f.name === name)) cur.fail(`duplicate STRUCT field ${name}`);
      fields.push({ name, type: parseTypeAt(cur) });
    }
    cur.i++;
    return { kind: 'STRUCT', fields };
  }
  if (!SCALARS[word]) cur.fail(t?.type === 'ident' ? `type ${t.value} is not supported by bq-sandbox (STRING, INT64, FLOAT64, BOOL, ARRAY, STRUCT)` : `expected a type, found ${cur.show()}`);
  cur.i++;
  if (cur.isPunct('(')) cur.fail('parameterized types are not supported');
  return { kind: SCALARS[word] };
}

/** Parses a BigQuery type string such as `ARRAY<STRUCT<surface STRING, start INT64>>`. */
export function parseType(text, label = 'type') {
  const cur = new Cursor(String(text), label);
  const type = parseTypeAt(cur);
  if (cur.peek()) cur.fail(`unexpected ${cur.show()} after the type`);
  return type;
}

/** Formats a parsed type back to canonical SQL. */
export function formatType(t) {
  if (t.kind === 'ARRAY') return `ARRAY<${formatType(t.element)}>`;
  if (t.kind === 'STRUCT') return `STRUCT<${t.fields.map((f) => `${f.name} ${formatType(f.type)}`).join(', ')}>`;
  return t.kind;
}

// ------------------------------------------------------- create_functions.sql

/**
 * Parses `CREATE [OR REPLACE] [TEMP|TEMPORARY] FUNCTION [IF NOT EXISTS] name(args)
 * RETURNS type [[NOT] DETERMINISTIC] LANGUAGE js [OPTIONS(library=...)] AS "body"
 * [OPTIONS(...)]` statements into function descriptors.
 */
export function parseCreateFunctions(sql, label = 'create_functions.sql') {
  const cur = new Cursor(sql, label);
  const fns = [];
  const options = (fn) => {
    cur.expectPunct('(');
    for (let n = 0; !cur.punct(')'); n++) {
      if (n) cur.expectPunct(',');
      const key = cur.name('an option name').toLowerCase();
      cur.expectPunct('=');
      let value;
      if (cur.punct('[')) {
        value = [];
        while (!cur.punct(']')) { if (value.length) cur.expectPunct(','); value.push(cur.take('string', 'a string')); }
      } else value = cur.peek()?.type === 'string' ? [cur.take('string')] : (cur.i++, null);
      if (key === 'library') {
        if (!value) cur.fail('library must be a string or an array of strings', cur.peek(-1));
        fn.libraries.push(...value);
      }
    }
  };
  while (cur.peek()) {
    if (cur.punct(';')) continue;
    cur.stmt++;
    cur.expectWord('CREATE');
    if (cur.word('OR')) cur.expectWord('REPLACE');
    const temp = !!(cur.word('TEMP') || cur.word('TEMPORARY'));
    if (!cur.word('FUNCTION')) cur.fail(`only CREATE FUNCTION statements are supported, found ${cur.show()}`);
    if (cur.word('IF')) { cur.expectWord('NOT'); cur.expectWord('EXISTS'); }
    const start = cur.peek(), parts = [];
    do parts.push(...cur.name('a function name').split('.')); while (cur.punct('.'));
    const fn = { name: parts[parts.length - 1], sqlName: sql.slice(start.pos, cur.peek(-1).end), temp, args: [], returns: null, libraries: [], body: null };
    cur.expectPunct('(');
    while (!cur.punct(')')) {
      if (fn.args.length) cur.expectPunct(',');
      const name = cur.name('an argument name');
      if (fn.args.some((a) => a.name === name)) cur.fail(`duplicate argument ${name}`);
      fn.args.push({ name, type: parseTypeAt(cur) });
    }
    if (!cur.word('RETURNS')) cur.fail(`expected RETURNS (JavaScript UDFs must declare their return type), found ${cur.show()}`);
    fn.returns = parseTypeAt(cur);
    for (;;) {
      if (cur.word('NOT')) cur.expectWord('DETERMINISTIC');
      else if (cur.word('DETERMINISTIC')) continue;
      else if (cur.word('LANGUAGE')) {
        const lang = cur.name('a language');
        if (lang.toLowerCase() !== 'js') cur.fail(`only LANGUAGE js functions can be emulated, found ${lang}`, cur.peek(-1));
        fn.language = 'js';
      } else if (cur.word('OPTIONS')) options(fn);
      else if (cur.word('AS')) {
        if (cur.peek()?.type !== 'string') cur.fail(`expected the JavaScript body as a string literal, found ${cur.show()}`);
        fn.body = cur.take('string');
      } else break;
    }
    if (!fn.language) cur.fail(`expected LANGUAGE js, found ${cur.show()}`);
    if (fn.body === null) cur.fail(`expected AS "<JavaScript body>", found ${cur.show()}`);
    if (cur.peek() && !cur.punct(';')) cur.fail(`expected ';' after the statement, found ${cur.show()}`);
    fns.push(fn);
  }
  return fns;
}

// -------------------------------------------------------------- the package

function readManifest(file) {
  let m;
  try { m = JSON.parse(fs.readFileSync(file, 'utf8')); } catch (e) { fail('PACKAGE', `${file}: ${e.message}`); }
  if (m.format !== 'jatopic-package/1') fail('PACKAGE', `${file}: format is ${JSON.stringify(m.format)}, expected "jatopic-package/1"`);
  if (!Array.isArray(m.functions)) fail('PACKAGE', `${file}: "functions" must be an array`);
  const fns = m.functions.map((f, i) => {
    const label = `${file}: functions[${i}]`;
    if (typeof f.name !== 'string' || typeof f.body !== 'string' || typeof f.returns !== 'string' || !Array.isArray(f.arguments) || !Array.isArray(f.libraries)) {
      fail('PACKAGE', `${label}: needs name, arguments, returns, libraries and body`);
    }
    return {
      name: f.name, sqlName: f.sql_name || f.name, temp: !!f.temp, libraries: f.libraries, body: f.body,
      args: f.arguments.map((a) => ({ name: a.name, type: parseType(a.type, `${label} (${f.name}) argument ${a.name}`) })),
      returns: parseType(f.returns, `${label} (${f.name}) RETURNS`),
    };
  });
  return { manifest: m, fns };
}

// gs:// URI → local file: --gcs-map prefixes first, then the manifest's
// gcs_prefix, else (SQL form) the URI's trailing path components under the package dir.
function resolveUri(uri, dir, gcsPrefix, gcsMap) {
  const under = (prefix) => {
    const p = prefix.endsWith('/') ? prefix : `${prefix}/`;
    return uri.startsWith(p) ? uri.slice(p.length) : null;
  };
  for (const [prefix, local] of Object.entries(gcsMap || {})) {
    const rest = under(prefix);
    if (rest !== null) return path.resolve(local, rest);
  }
  if (!/^gs:\/\/[^/]+\/./.test(uri)) fail('PACKAGE', `library ${uri}: BigQuery loads libraries from gs://bucket/path URIs`);
  if (gcsPrefix) {
    const rest = under(gcsPrefix);
    if (rest === null) fail('PACKAGE', `library ${uri} is not under the manifest's gcs_prefix ${gcsPrefix} (pass gcsMap / --gcs-map)`);
    return path.join(dir, rest);
  }
  const parts = uri.replace(/^gs:\/\/[^/]+\//, '').split('/');
  for (let k = 1; k <= parts.length; k++) {
    const p = path.join(dir, ...parts.slice(-k));
    if (fs.existsSync(p)) return p;
  }
  return path.join(dir, parts[parts.length - 1]);
}

// The rules BigQuery applies to the code resources of one query.
function checkLimits(fns, libs) {
  let bytes = 0;
  for (const lib of libs.values()) {
    if (lib.bytes > MAX_LIBRARY_BYTES) {
      fail('LIMIT', `library ${lib.uri} is ${lib.bytes} bytes; BigQuery allows at most ${MAX_LIBRARY_BYTES} bytes per library file (shrink it or split it into several files)`);
    }
    bytes += lib.bytes;
  }
  for (const fn of fns) {
    const n = Buffer.byteLength(fn.body, 'utf8');
    if (n > MAX_INLINE_BODY_BYTES) {
      fail('LIMIT', `function ${fn.name}: its inline JavaScript body is ${n} bytes; BigQuery allows at most ${MAX_INLINE_BODY_BYTES} bytes (move code into a library file)`);
    }
    bytes += n;
  }
  const resources = libs.size + fns.length;
  if (resources > MAX_RESOURCES) {
    fail('LIMIT', `${resources} code resources (${libs.size} library files + ${fns.length} function bodies); BigQuery allows at most ${MAX_RESOURCES} per query (load fewer functions together or merge library files)`);
  }
  if (bytes > MAX_TOTAL_CODE_BYTES) {
    fail('LIMIT', `${bytes} bytes of JavaScript (libraries + bodies); BigQuery allows at most ${MAX_TOTAL_CODE_BYTES} per query (load fewer functions together or shrink the libraries)`);
  }
}

/**
 * Loads a package: a directory (manifest.json preferred, else create_functions.sql),
 * a manifest.json, or a .sql file. Options: `sql` (force this SQL file),
 * `functions` (names of the functions used together, as in one query; default all),
 * `gcsMap` ({ 'gs://prefix': localDir }), and worker defaults (see createWorker).
 * Throws a SandboxError when a BigQuery limit is exceeded or a file is missing/stale.
 * @returns {{dir: string, manifest: object|null, functions: object[], createWorker: (opts?: object) => Worker}}
 *   `manifest` is null for the SQL form; each function is
 *   {name, sqlName, temp, args: [{name, type}], returns, libraries: [uri], body} with parsed types.
 */
export function loadPackage(target, opts = {}) {
  let dir = target, manifest = null, fns;
  const sqlFile = opts.sql || (/\.sql$/i.test(target) ? target : null);
  if (!sqlFile && fs.existsSync(target) && fs.statSync(target).isDirectory()) {
    if (fs.existsSync(path.join(target, 'manifest.json'))) ({ manifest, fns } = readManifest(path.join(target, 'manifest.json')));
    else if (fs.existsSync(path.join(target, 'create_functions.sql'))) fns = parseCreateFunctions(fs.readFileSync(path.join(target, 'create_functions.sql'), 'utf8'));
    else fail('PACKAGE', `${target} has neither manifest.json nor create_functions.sql`);
  } else if (sqlFile) {
    if (!fs.existsSync(sqlFile)) fail('PACKAGE', `${sqlFile}: file not found`);
    dir = opts.sql && target && fs.existsSync(target) && fs.statSync(target).isDirectory() ? target : path.dirname(sqlFile);
    fns = parseCreateFunctions(fs.readFileSync(sqlFile, 'utf8'), path.basename(sqlFile));
  } else {
    if (!fs.existsSync(target)) fail('PACKAGE', `${target}: not found`);
    dir = path.dirname(target);
    ({ manifest, fns } = readManifest(target));
  }
  if (opts.functions) {
    const wanted = [].concat(opts.functions);
    for (const n of wanted) if (!fns.some((f) => f.name === n)) fail('PACKAGE', `no function ${n} in the package (have: ${fns.map((f) => f.name).join(', ')})`);
    fns = fns.filter((f) => wanted.includes(f.name));
  }
  const files = new Map((manifest?.files || []).map((f) => [f.uri, f]));
  const libs = new Map();
  for (const uri of fns.flatMap((f) => f.libraries)) {
    if (libs.has(uri)) continue;
    const file = resolveUri(uri, dir, manifest?.gcs_prefix, opts.gcsMap);
    if (!fs.existsSync(file)) fail('PACKAGE', `library ${uri} → ${file}: file not found (rebuild the package, or map the URI with gcsMap / --gcs-map)`);
    libs.set(uri, { uri, file, bytes: fs.statSync(file).size });
  }
  checkLimits(fns, libs);
  for (const lib of libs.values()) {
    const data = fs.readFileSync(lib.file), entry = files.get(lib.uri);
    if (entry?.sha256 && crypto.createHash('sha256').update(data).digest('hex') !== entry.sha256) {
      fail('PACKAGE', `library ${lib.file} does not match the sha256 in manifest.json (stale package: run jatopic package again)`);
    }
    lib.source = data.toString('utf8');
  }
  const pkg = { dir, manifest, functions: fns, libraries: libs };
  pkg.createWorker = (wopts = {}) => createWorker(pkg, { ...opts, ...wopts });
  return pkg;
}

// ------------------------------------------------------------ value encodings

const INT64_MIN = -(2n ** 63n), INT64_MAX = 2n ** 63n - 1n, SAFE = 2n ** 53n;

function preview(v) {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === 'bigint') return `${v}n`;
  if (v === null || ['number', 'boolean', 'undefined'].includes(typeof v)) return String(v);
  return Array.isArray(v) ? 'an array' : `a${typeof v === 'object' ? 'n' : ''} ${typeof v}`;
}
const join = (p, k) => (typeof k === 'number' ? `${p}[${k}]` : p ? `${p}.${k}` : k);
const typeError = (t, v, p, rest = '') => fail('TYPE', `${p ? `${p}: ` : ''}expected ${t.kind}, got ${preview(v)}${rest}`, { path: p });

function toInt64(t, v, p) {
  let b = null;
  if (typeof v === 'number' && Number.isInteger(v)) b = BigInt(v);
  else if (typeof v === 'bigint') b = v;
  else if (typeof v === 'string' && /^\s*[+-]?\d+\s*$/.test(v)) b = BigInt(v.trim());
  if (b === null) typeError(t, v, p);
  if (b < INT64_MIN || b > INT64_MAX) typeError(t, v, p, ' (out of the INT64 range)');
  return b;
}

// NDJSON input value → the JavaScript value BigQuery passes (validated).
function encodeArg(t, v, p) {
  if (v === null) return null;
  switch (t.kind) {
    case 'STRING': return typeof v === 'string' ? v : typeError(t, v, p);
    case 'INT64': return (typeof v === 'number' || typeof v === 'string') ? toInt64(t, v, p).toString() : typeError(t, v, p);
    case 'FLOAT64':
      if (typeof v === 'number') return v;
      return ['NaN', 'Infinity', '-Infinity'].includes(v) ? Number(v) : typeError(t, v, p);
    case 'BOOL': return typeof v === 'boolean' ? v : typeError(t, v, p);
    case 'ARRAY':
      if (!Array.isArray(v)) typeError(t, v, p);
      return v.map((x, i) => (x === null ? fail('TYPE', `${join(p, i)}: Array cannot have a null element`) : encodeArg(t.element, x, join(p, i))));
    default: {
      if (typeof v !== 'object' || Array.isArray(v)) typeError(t, v, p);
      for (const k of Object.keys(v)) if (!t.fields.some((f) => f.name === k)) fail('TYPE', `${join(p, k)}: no such STRUCT field`);
      return Object.fromEntries(t.fields.map((f) => [f.name, Object.hasOwn(v, f.name) ? encodeArg(f.type, v[f.name], join(p, f.name)) : null]));
    }
  }
}

// UDF result → BigQuery's value, as JSON (INT64 beyond 2^53 as a string, non-finite FLOAT64 as strings).
function decodeResult(t, v, p) {
  if (v === null || v === undefined) return null;
  switch (t.kind) {
    case 'STRING': return typeof v === 'string' ? v : typeError(t, v, p);
    case 'INT64': { const b = toInt64(t, v, p); return b >= -SAFE && b <= SAFE ? Number(b) : b.toString(); }
    case 'FLOAT64': return typeof v !== 'number' ? typeError(t, v, p) : Number.isFinite(v) ? v : String(v);
    case 'BOOL': return typeof v === 'boolean' ? v : typeError(t, v, p);
    case 'ARRAY': {
      if (!Array.isArray(v)) typeError(t, v, p);
      const out = new Array(v.length);
      for (let i = 0; i < v.length; i++) {
        if (v[i] === null || v[i] === undefined) fail('TYPE', `${join(p, i)}: Array cannot have a null element`, { path: join(p, i) });
        out[i] = decodeResult(t.element, v[i], join(p, i));
      }
      return out;
    }
    default: {
      if (typeof v !== 'object' || Array.isArray(v)) typeError(t, v, p);
      const out = {};
      for (const f of t.fields) out[f.name] = decodeResult(f.type, v[f.name], join(p, f.name));
      return out;
    }
  }
}

// ------------------------------------------------------------------ workers

// Installed in each context before any library: wraps the WebAssembly entry
// points that create or expose memories with transparent Proxies (prototypes,
// instanceof, Module untouched) and returns a function summing their bytes.
const TRACKER_SOURCE = `(() => {
  'use strict';
  const W = WebAssembly, R = Reflect, construct = R.construct, apply = R.apply, memories = [];
  const Memory = W.Memory, Instance = W.Instance, getBuffer = R.getOwnPropertyDescriptor(Memory.prototype, 'buffer').get;
  const size = (m) => { try { return apply(getBuffer, m, []).byteLength; } catch (e) { return -1; } };
  const track = (m) => { if (size(m) >= 0 && memories.indexOf(m) < 0) memories[memories.length] = m; return m; };
  const trackExports = (inst) => { const ex = inst.exports, keys = R.ownKeys(ex); for (let i = 0; i < keys.length; i++) track(ex[keys[i]]); return inst; };
  W.Memory = new Proxy(Memory, { construct: (t, a, nt) => track(construct(t, a, nt)) });
  W.Instance = new Proxy(Instance, { construct: (t, a, nt) => trackExports(construct(t, a, nt)) });
  R.defineProperty(Memory.prototype, 'constructor', { value: W.Memory, writable: true, configurable: true });
  R.defineProperty(Instance.prototype, 'constructor', { value: W.Instance, writable: true, configurable: true });
  W.instantiate = new Proxy(W.instantiate, { apply: (t, self, a) => apply(t, self, a).then((r) => { trackExports(r.instance || r); return r; }) });
  delete globalThis.console; // V8 adds it to every context; BigQuery has none
  return () => { let n = 0; for (let i = 0; i < memories.length; i++) n += size(memories[i]); return n; };
})()`;

const SLOT = '__bqSandboxInvoke__';
const INVOKE = new vm.Script(`${SLOT}()`, { filename: 'bq-sandbox' });
const usedHeap = () => v8.getHeapStatistics().used_heap_size;
const mb = (n) => (n / 1048576).toFixed(1);
const isTimeout = (e) => e?.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT';

function describeThrown(e) {
  if (e === null || typeof e !== 'object' || typeof e.message !== 'string') return `uncaught ${preview(e)}`;
  const frame = /\(?([^\s()]+):(\d+):(\d+)\)?\s*$/m.exec(String(e.stack || '').split('\n').slice(1).join('\n'));
  return `${e.name || 'Error'}: ${e.message}${frame ? ` at ${frame[1]}:${frame[2]}:${frame[3]}` : ''}`;
}

// One V8 context = one BigQuery worker process.
class Context {
  constructor(pkg, cfg) {
    this.pkg = pkg; this.cfg = cfg;
    this.ctx = vm.createContext({}, { name: 'bq-sandbox worker' });
    this.wasmBytes = vm.runInContext(TRACKER_SOURCE, this.ctx);
    [this.CArray, this.CObject] = vm.runInContext('[Array, Object]', this.ctx);
    this.loaded = new Set(); this.bodies = new Map();
    this.libraryEvalMs = 0; this.firstCallMs = null; this.wasmMemoryBytes = 0;
  }

  run(script, crash) {
    // The timeout starts a watchdog thread per call (~0.2 ms); timeoutMs 0 disables it.
    try { return script.runInContext(this.ctx, this.cfg.timeoutMs > 0 ? { timeout: this.cfg.timeoutMs } : {}); } catch (e) {
      if (isTimeout(e)) fail('TIMEOUT', `exceeded the time limit of ${this.cfg.timeoutMs} ms (raise timeoutMs / --timeout-ms, or make the code faster)`, { crash: true });
      return fail(crash ? 'LIBRARY' : 'UDF', describeThrown(e), { crash });
    }
  }

  // Libraries (each URI once, in order) and the body, on the function's first call.
  prepare(fn) {
    let body = this.bodies.get(fn.name);
    if (body) return body;
    const t0 = performance.now(), heapBefore = usedHeap();
    for (const uri of fn.libraries) {
      if (this.loaded.has(uri)) continue;
      const { source } = this.pkg.libraries.get(uri);
      try { this.run(new vm.Script(source, { filename: uri }), true); } catch (e) {
        throw new SandboxError(e.code, `library ${uri}: ${e.message}`, { crash: true });
      }
      this.loaded.add(uri);
    }
    this.libraryEvalMs += performance.now() - t0;
    let script;
    try {
      script = new vm.Script(`(function(${fn.args.map((a) => a.name).join(', ')}) {\n${fn.body}\n})`, { filename: fn.name, lineOffset: -1 });
    } catch (e) { fail('LIBRARY', `the function body does not compile: ${describeThrown(e)}`, { crash: true }); }
    body = this.run(script, true);
    this.bodies.set(fn.name, body);
    this.checkMemory(heapBefore);
    return body;
  }

  // Plain values → objects of the worker's realm, as BigQuery creates them.
  toRealm(v) {
    if (v === null || typeof v !== 'object') return v;
    if (Array.isArray(v)) { const a = new this.CArray(v.length); v.forEach((x, i) => { a[i] = this.toRealm(x); }); return a; }
    const o = new this.CObject();
    for (const [k, x] of Object.entries(v)) Object.defineProperty(o, k, { value: this.toRealm(x), writable: true, enumerable: true, configurable: true });
    return o;
  }

  // The JS heap is the process's, shared with the host: count what grew
  // during the library evaluation or the call being checked.
  checkMemory(heapBefore) {
    const wasm = this.wasmMemoryBytes = this.wasmBytes(), heap = Math.max(0, usedHeap() - heapBefore);
    const cap = this.cfg.memoryMb * 1048576;
    if (wasm + heap > cap) {
      fail('MEMORY', `memory limit exceeded (${mb(wasm + heap)} MB > ${this.cfg.memoryMb} MB: wasm memory ${mb(wasm)} MB + JS heap growth ${mb(heap)} MB); raise memoryMb / --memory-mb or make the UDF use less memory`, { crash: true });
    }
  }

  async invoke(fn, args) {
    const body = this.prepare(fn), realmArgs = args.map((a) => this.toRealm(a));
    const t0 = performance.now(), heapBefore = usedHeap();
    Object.defineProperty(this.ctx, SLOT, { value: () => Reflect.apply(body, undefined, realmArgs), configurable: true });
    let result;
    try { result = this.run(INVOKE, false); } finally { delete this.ctx[SLOT]; }
    if (result !== null && (typeof result === 'object' || typeof result === 'function') && typeof result.then === 'function') {
      const left = Math.max(1, this.cfg.timeoutMs - (performance.now() - t0));
      let timer;
      try {
        result = await new Promise((resolve, reject) => {
          if (this.cfg.timeoutMs > 0) timer = setTimeout(() => reject(new SandboxError('TIMEOUT', `the returned Promise did not settle within the time limit of ${this.cfg.timeoutMs} ms (raise timeoutMs / --timeout-ms)`, { crash: true })), left);
          result.then(resolve, (e) => reject(new SandboxError('UDF', describeThrown(e))));
        });
      } finally { clearTimeout(timer); }
    }
    if (this.firstCallMs === null) this.firstCallMs = performance.now() - t0;
    this.checkMemory(heapBefore);
    return result;
  }
}

/**
 * @typedef {object} Worker
 * @property {(name: string, args: any[]|object) => Promise<any>} call  one row: args in
 *   declared order or keyed by name, as JSON values; resolves to the result as JSON.
 * @property {(name: string, rows: Array<any[]|object>) => Promise<any[]>} callMany  rows in order; the first error
 *   rejects with "NAME row N: ..." (1-based).
 * @property {(name: string, args: any[]|object, row: number|null) => Promise<any>} callRow  call() with a row number for messages.
 * @property {() => {libraryEvalMs: number, firstCallMs: number|null, wasmMemoryBytes: number, workersStarted: number, calls: number}} stats
 */

/**
 * A worker that survives crashes: after a TIMEOUT or MEMORY error the V8 context is
 * dropped and the next call starts a fresh one (libraries evaluated again).
 * Options: timeoutMs (0 = no limit), memoryMb, maxOutputBytes.
 * @returns {Worker}
 */
export function createWorker(pkg, opts = {}) {
  const cfg = {
    timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    memoryMb: opts.memoryMb ?? DEFAULT_MEMORY_MB,
    maxOutputBytes: opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES,
  };
  const byName = new Map(pkg.functions.map((f) => [f.name, f]));
  let current = null, last = null, workersStarted = 0, calls = 0;

  async function callRow(name, args, row) {
    const fn = byName.get(name);
    try {
      if (!fn) fail('PACKAGE', `no such function (have: ${[...byName.keys()].join(', ')})`);
      let values;
      if (Array.isArray(args)) {
        if (args.length !== fn.args.length) fail('TYPE', `expected ${fn.args.length} argument(s), got ${args.length}`);
        values = args;
      } else if (args !== null && typeof args === 'object') {
        for (const k of Object.keys(args)) if (!fn.args.some((a) => a.name === k)) fail('TYPE', `no argument named ${k}`);
        values = fn.args.map((a) => (Object.hasOwn(args, a.name) ? args[a.name] : fail('TYPE', `missing argument ${a.name}`)));
      } else fail('TYPE', `a row must be a JSON array of arguments or an object keyed by argument name, got ${preview(args)}`);
      const encoded = fn.args.map((a, i) => encodeArg(a.type, values[i], `argument ${a.name}`));
      if (!current) { current = last = new Context(pkg, cfg); workersStarted++; }
      calls++;
      const out = decodeResult(fn.returns, await current.invoke(fn, encoded), '');
      const bytes = Buffer.byteLength(JSON.stringify(out), 'utf8');
      if (bytes > cfg.maxOutputBytes) fail('OUTPUT', `the result is ${bytes} bytes of JSON; BigQuery limits a UDF's output to about 5 MB per row (this sandbox: ${cfg.maxOutputBytes}; maxOutputBytes / --max-output-bytes)`);
      return out;
    } catch (err) {
      // Anything else came from the UDF's realm (e.g. a throwing getter on a result).
      const e = err instanceof SandboxError ? err : new SandboxError('UDF', describeThrown(err));
      if (e.crash) current = null;
      throw new SandboxError(e.code, `${name}${row ? ` row ${row}` : ''}: ${e.message}`, { function: name, row, detail: e.message, path: e.path, crash: !!e.crash });
    }
  }
  return {
    call: (name, args) => callRow(name, args, null),
    async callMany(name, rows) {
      const out = [];
      for (let i = 0; i < rows.length; i++) out.push(await callRow(name, rows[i], i + 1));
      return out;
    },
    callRow,
    stats: () => ({
      libraryEvalMs: last?.libraryEvalMs ?? 0, firstCallMs: last?.firstCallMs ?? null,
      wasmMemoryBytes: last?.wasmMemoryBytes ?? 0, workersStarted, calls,
    }),
  };
}

// ---------------------------------------------------------------------- CLI

const USAGE = `usage: node js/bq-sandbox.mjs (--package DIR | --sql FILE) --function NAME --input FILE|-
         [--output FILE|-] [--timeout-ms N] [--memory-mb N] [--max-output-bytes N]
         [--gcs-map gs://PREFIX=DIR]... [--stats]
       node js/bq-sandbox.mjs (--package DIR | --sql FILE) --list`;

/** Runs the CLI with `argv` (without node and script); resolves to the exit code. */
export async function main(argv, io = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr }) {
  const o = { output: '-', gcsMap: {} };
  const flags = { '--package': 'package', '--sql': 'sql', '--function': 'function', '--input': 'input', '--output': 'output', '--timeout-ms': 'timeoutMs', '--memory-mb': 'memoryMb', '--max-output-bytes': 'maxOutputBytes' };
  const say = (msg) => io.stderr.write(`bq-sandbox: ${msg}\n`);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--stats' || a === '--list') o[a.slice(2)] = true;
    else if (a === '--help' || a === '-h') { io.stdout.write(`${USAGE}\n`); return 0; }
    else if (a === '--gcs-map' && /^(.+?)=(.+)$/.test(argv[i + 1] || '')) { const [, k, v] = /^(.+?)=(.+)$/.exec(argv[++i]); o.gcsMap[k] = v; }
    else if (flags[a] && i + 1 < argv.length) o[flags[a]] = argv[++i];
    else { say(`bad argument ${a}\n${USAGE}`); return 2; }
  }
  for (const k of ['timeoutMs', 'memoryMb', 'maxOutputBytes']) {
    if (o[k] !== undefined && !(Number(o[k]) > 0 || (k === 'timeoutMs' && o[k] === '0'))) { say(`${k} must be a positive number`); return 2; }
    if (o[k] !== undefined) o[k] = Number(o[k]);
  }
  if (!o.package && !o.sql) { say(`--package or --sql is required\n${USAGE}`); return 2; }
  if (!o.list && (!o.function || !o.input)) { say(`--function and --input are required\n${USAGE}`); return 2; }
  let pkg;
  try {
    pkg = loadPackage(o.package || o.sql, { sql: o.sql, gcsMap: o.gcsMap, functions: o.list ? undefined : [o.function] });
  } catch (e) { if (!(e instanceof SandboxError)) throw e; say(e.message); return 1; }
  if (o.list) {
    for (const f of pkg.functions) {
      io.stdout.write(`${f.temp ? 'TEMP ' : ''}${f.name}(${f.args.map((a) => `${a.name} ${formatType(a.type)}`).join(', ')}) RETURNS ${formatType(f.returns)}\n`);
      io.stdout.write(`    ${f.sqlName}; libraries: ${f.libraries.join(', ') || '(none)'}\n`);
    }
    return 0;
  }
  const worker = pkg.createWorker({ timeoutMs: o.timeoutMs, memoryMb: o.memoryMb, maxOutputBytes: o.maxOutputBytes });
  if (o.input !== '-' && !fs.existsSync(o.input)) { say(`${o.input}: file not found`); return 1; }
  const input = o.input === '-' ? io.stdin : fs.createReadStream(o.input);
  const out = o.output === '-' ? io.stdout : fs.createWriteStream(o.output);
  const write = (s) => (out.write(s) ? null : new Promise((r) => out.once('drain', r)));
  let row = 0, code = 0;
  const t0 = performance.now();
  try {
    for await (const line of readline.createInterface({ input, crlfDelay: Infinity })) {
      if (!line.trim()) continue;
      row++;
      let args;
      try { args = JSON.parse(line); } catch (e) { fail('TYPE', `${o.function} row ${row}: the input line is not JSON: ${e.message}`); }
      const result = await worker.callRow(o.function, args, row);
      await write(`${JSON.stringify(result)}\n`);
    }
  } catch (e) {
    if (!(e instanceof SandboxError)) throw e;
    say(e.message);
    code = 1;
  }
  if (out !== io.stdout) await new Promise((r) => out.end(r));
  if (o.stats) {
    const s = worker.stats(), secs = (performance.now() - t0) / 1000;
    say(`stats: ${row} rows in ${secs.toFixed(2)} s (${Math.round(row / Math.max(secs, 1e-9))} rows/s); worker start ${(s.libraryEvalMs + (s.firstCallMs ?? 0)).toFixed(1)} ms (library evaluation ${s.libraryEvalMs.toFixed(1)} ms + first call ${(s.firstCallMs ?? 0).toFixed(1)} ms); wasm memory ${mb(s.wasmMemoryBytes)} MB; workers started ${s.workersStarted}`);
  }
  return code;
}

const self = process.argv[1] && (() => { try { return fs.realpathSync(process.argv[1]); } catch { return null; } })();
if (self === fileURLToPath(import.meta.url)) process.exitCode = await main(process.argv.slice(2));
