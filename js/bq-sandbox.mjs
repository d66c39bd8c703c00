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
// - BigQuery's rules for CREATE FUNCTION (see DDL_RULES, each quoting the
//   documentation): a definition BigQuery would refuse is refused when the
//   package loads, with BigQuery's reason — INT64 or ANY TYPE arguments of a
//   JavaScript UDF, a missing RETURNS, library paths, counts and sizes, name
//   and STRUCT limits, periods in TEMP names, references between functions;
// - argument encodings (STRING→string, FLOAT64→number, BOOL→boolean,
//   ARRAY→Array, STRUCT→object, NULL→null; values are created in the worker's
//   realm) and result conversion against the declared type (INT64 results from
//   a Number or a String), including "Array cannot have a null element";
//   Promises are awaited;
// - SQL functions of the one shape jatopic writes, `AS (f(arg, CAST(arg AS
//   type), literal, ...))` with f a JavaScript function of the same package
//   (how ja_top_topics keeps its INT64 argument);
// - documented limits: library file size, inline body size, resources and code
//   bytes per query; a per-call time limit and a memory cap (tracked
//   WebAssembly.Memory bytes + the worker's JS heap); a timeout or memory error
//   discards the worker, as a crashed BigQuery worker is replaced.
// How a worker runs: with a time limit (the default) its V8 context lives in a
// worker_threads thread of its own. Rows go there in batches (callMany; call()
// is a batch of one); per row the thread only stores a sequence number in a
// SharedArrayBuffer, and a timer here (every ≤ 50 ms while rows are out)
// terminates the thread when one row — its synchronous part, a Promise it
// returned, or a library's evaluation — has run longer than the limit; the
// failure names the row and the next rows go to a fresh thread. The memory cap
// counts the thread's JS heap above what it held before the context existed
// (garbage not yet collected included, as in a real process) plus the wasm
// memories, checked after every row; the thread's heap is also capped by V8
// (resourceLimits), so a runaway allocation fails the row instead of the process.
// With timeoutMs 0 the context runs in this thread (no thread hop per call;
// nothing can interrupt it) and only the JS heap's growth during a call counts.
// Not emulated: Google's exact CPU/memory quotas and worker sizes (ours are
// options), the exact ~5 MB output-per-row rule (approximated by the row's
// BigQuery data size: STRING 2 + UTF-8 bytes, INT64/FLOAT64 8, BOOL 1, ARRAY
// and STRUCT the sum), SQL itself (no query planning, no NULL-ARRAY→[] rewriting
// of query results, no types beyond STRING/INT64/FLOAT64/BOOL/ARRAY/STRUCT),
// memory a wasm module allocates internally without exporting it, and — only
// with timeoutMs 0 — infinite loops (nothing preempts them) and V8 heap
// exhaustion (it aborts this process instead of failing one query).
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import v8 from 'node:v8';
import crypto from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Worker as Thread, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { StringDecoder } from 'node:string_decoder';

// The UDF contract (function names, types, limits), shared with the packager
// (src/bigquery/package.rs) and the SQL pipeline (scripts/sql_pipeline.py).
const CONTRACT_FILE = fileURLToPath(new URL('../src/bigquery/udf_contract.json', import.meta.url));
/** The parsed contract file. */
export const CONTRACT = JSON.parse(fs.readFileSync(CONTRACT_FILE, 'utf8'));
const LIMITS = CONTRACT.limits;
/** Maximum size of each external code resource (library file): 1 MB. */
export const MAX_LIBRARY_BYTES = LIMITS.library_file_bytes;
/** Maximum size of each inline code blob (function body): 32 KB. */
export const MAX_INLINE_BODY_BYTES = LIMITS.inline_body_bytes;
/** Maximum number of JavaScript UDF resources (inline blobs + external files) in a query. */
export const MAX_RESOURCES = LIMITS.query_resources;
/** jatopic's budget for the code one query loads (see limit_sources in the contract). */
export const MAX_TOTAL_CODE_BYTES = LIMITS.query_code_bytes;
/** Output of a UDF per row: "approximately 5 MB or less" (we measure the row's BigQuery data size). */
export const DEFAULT_MAX_OUTPUT_BYTES = LIMITS.row_output_bytes;
/** Our per-call time limit (BigQuery's is undocumented; calls "taking too long" fail). */
export const DEFAULT_TIMEOUT_MS = 10_000;
/** Our per-worker memory cap (BigQuery's is undocumented: "out of memory" failures). */
export const DEFAULT_MEMORY_MB = 256;

/** Every failure is a SandboxError; `code` says which rule (DDL, LIMIT, TIMEOUT, MEMORY, TYPE, UDF, LIBRARY, OUTPUT, PACKAGE, SQL). */
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
            const code = parseInt(h, 16);
            if (code > 0x10ffff) err(`bad \\${e} escape: ${h} is beyond U+10FFFF`, j);
            value += String.fromCodePoint(code); j += 2 + hex;
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
// BigQuery types this sandbox cannot emulate: parsed (so that BigQuery's own
// rule about them is the one reported), refused by checkDefinitions.
const OTHER_TYPES = ['BYTES', 'NUMERIC', 'BIGNUMERIC', 'DECIMAL', 'BIGDECIMAL', 'DATE', 'TIMESTAMP', 'JSON', 'DATETIME', 'TIME', 'GEOGRAPHY', 'INTERVAL', 'RANGE'];

// type := ARRAY<type> | STRUCT<[name] type, ...> | STRING | INT64 | FLOAT64 | BOOL (+ aliases) | ANY TYPE | another BigQuery type
function parseTypeAt(cur) {
  const t = cur.peek(), word = t?.type === 'ident' ? t.value.toUpperCase() : '';
  if (word === 'ANY' && cur.isWord('TYPE', 1)) { cur.i += 2; return { kind: 'ANY' }; }
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
  if (OTHER_TYPES.includes(word)) {
    cur.i++;
    if (word === 'RANGE') { cur.expectPunct('<'); parseTypeAt(cur); cur.expectPunct('>'); }
    if (cur.isPunct('(')) cur.fail('parameterized types are not supported');
    return { kind: 'OTHER', name: word };
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
  if (t.kind === 'ANY') return 'ANY TYPE';
  return t.kind === 'OTHER' ? t.name : t.kind;
}

// ------------------------------------------------------ BigQuery's DDL rules

// Where BigQuery documents each rule that makes it refuse a CREATE FUNCTION
// statement; a refusal here quotes the rule (checked when a package loads,
// as BigQuery checks create_functions.sql before a query can use it).
const UDF_PAGE = 'https://cloud.google.com/bigquery/docs/user-defined-functions';
const QUOTAS_PAGE = 'https://cloud.google.com/bigquery/quotas#udf_limits';
/** BigQuery's documented rules for CREATE FUNCTION: where, and the documentation's words. */
export const DDL_RULES = {
  int64Argument: { doc: `${UDF_PAGE}#supported-javascript-udf-data-types`,
    quote: 'Because JavaScript does not support a 64-bit integer type, INT64 is unsupported as an input type for JavaScript UDFs. Instead, use FLOAT64 to represent integer values as a number, or STRING to represent integer values as a string.' },
  jsType: { doc: `${UDF_PAGE}#supported-javascript-udf-data-types`,
    quote: 'Some SQL types have a direct mapping to JavaScript types, but others don\'t. (The table lists ARRAY, BOOL, BYTES, FLOAT64, NUMERIC, BIGNUMERIC, STRING, STRUCT, TIMESTAMP, DATE and JSON.)' },
  // The templated-parameter section is the SQL UDFs' own; JavaScript UDFs get
  // their argument types from the declaration (the type table above).
  anyTypeArgument: { doc: `${UDF_PAGE}#templated-sql-udf-parameters`,
    quote: 'Templated SQL UDF parameters: A parameter with a type equal to ANY TYPE can match more than one argument type when the function is called.' },
  anyTypeReturn: { doc: `${UDF_PAGE}#templated-sql-udf-parameters`,
    quote: 'The function return type cannot be ANY TYPE. It must be either omitted, which means to be automatically determined based on sql_expression, or an explicit type.' },
  // Only a SQL body has a result type to infer; a JavaScript body has none.
  jsReturns: { doc: 'https://cloud.google.com/bigquery/docs/reference/standard-sql/data-definition-language#create_function_statement',
    quote: 'In BigQuery SQL UDF, return data type is optional. BigQuery infers the result type of the function from the SQL function body when a query calls the function.' },
  libraryOption: { doc: `${UDF_PAGE}#include-javascript-libraries`,
    quote: 'You can extend your JavaScript UDFs using the OPTIONS section. This section lets you specify external code libraries for the UDF.' },
  libraryFile: { doc: QUOTAS_PAGE, quote: 'Maximum size of each external code resource: 1 MB. The maximum size of each JavaScript code resource is one MB.' },
  inlineBody: { doc: QUOTAS_PAGE, quote: 'Maximum size of inline code blob: 32 KB. An inline code blob in a UDF can be up to 32 KB in size.' },
  resources: { doc: QUOTAS_PAGE, quote: 'Maximum JavaScript UDF resources per query: 50 resources. A query job can have up to 50 JavaScript UDF resources, such as inline code blobs or external files.' },
  libraries: { doc: QUOTAS_PAGE, quote: 'Maximum number of JavaScript libraries in a CREATE FUNCTION statement: 50 libraries.' },
  libraryPath: { doc: QUOTAS_PAGE, quote: 'Maximum length of included JavaScript library paths: 5,000 characters. The path for a JavaScript library included in a UDF can be up to 5,000 characters long.' },
  nameLength: { doc: QUOTAS_PAGE, quote: 'Maximum length of a UDF name: 256 characters. A UDF name can be up to 256 characters long.' },
  argumentCount: { doc: QUOTAS_PAGE, quote: 'Maximum number of arguments: 256 arguments. A UDF can have up to 256 arguments.' },
  argumentNameLength: { doc: QUOTAS_PAGE, quote: 'Maximum length of an argument name: 128 characters. A UDF argument name can be up to 128 characters long.' },
  structDepth: { doc: QUOTAS_PAGE, quote: 'Maximum depth of a STRUCT type argument or output: 15 levels. A STRUCT type UDF argument or output can be up to 15 levels deep.' },
  structFields: { doc: QUOTAS_PAGE, quote: 'Maximum number of fields in STRUCT type arguments or output per UDF: 1,024 fields. A UDF can have up to 1024 fields in STRUCT type arguments and output.' },
  tempName: { doc: `${UDF_PAGE}#limitations`, quote: 'When creating a temporary UDF, function_name cannot contain periods.' },
  tempReference: { doc: `${UDF_PAGE}#limitations`, quote: 'Views and persistent UDFs cannot reference temporary UDFs.' },
  qualifiedReference: { doc: `${UDF_PAGE}#limitations`,
    quote: 'When referencing a persistent UDF from another persistent UDF or a logical view, you must qualify the name with the dataset.' },
};
// The numbers of the rules above that only the quotas page holds (the
// package-wide ones, shared with the packager, are in the contract).
const MAX_LIBRARIES_PER_FUNCTION = 50, MAX_LIBRARY_PATH_CHARS = 5000, MAX_NAME_CHARS = 256, MAX_ARGUMENTS = 256,
  MAX_ARGUMENT_NAME_CHARS = 128, MAX_STRUCT_DEPTH = 15, MAX_STRUCT_FIELDS = 1024;
// The JavaScript UDF type table, as types this sandbox parses.
const JS_TYPES = new Set(['ARRAY', 'BOOL', 'BYTES', 'FLOAT64', 'NUMERIC', 'BIGNUMERIC', 'DECIMAL', 'BIGDECIMAL', 'STRING', 'STRUCT', 'TIMESTAMP', 'DATE', 'JSON']);

/** A refusal of a definition: what is wrong, then BigQuery's rule and where it is written. */
function refuse(fn, rule, what, code = 'DDL') {
  fail(code, `${fn.where}: function ${fn.name}: ${what}. BigQuery: "${rule.quote}" (${rule.doc})`, { rule });
}

// Every type inside `t` (itself included) with its STRUCT nesting depth.
function* typesIn(t, depth = 0) {
  yield [t, depth];
  if (t.kind === 'ARRAY') yield* typesIn(t.element, depth);
  if (t.kind === 'STRUCT') for (const f of t.fields) yield* typesIn(f.type, depth + 1);
}

// SQL function bodies: expr := name | literal | CAST(expr AS type) | fn(expr, ...).
function parseSqlExpr(cur) {
  const t = cur.peek();
  if (!t) cur.fail('expected an expression, found end of input');
  if (t.type === 'number') { cur.i++; return /^\d+$/.test(t.value) ? { k: 'lit', type: { kind: 'INT64' }, value: t.value } : { k: 'lit', type: { kind: 'FLOAT64' }, value: Number(t.value) }; }
  if (t.type === 'string') { cur.i++; return { k: 'lit', type: { kind: 'STRING' }, value: t.value }; }
  if (cur.isWord('NULL')) { cur.i++; return { k: 'lit', type: null, value: null }; }
  if (cur.isWord('TRUE') || cur.isWord('FALSE')) { cur.i++; return { k: 'lit', type: { kind: 'BOOL' }, value: t.value.toUpperCase() === 'TRUE' }; }
  if (cur.isWord('CAST') && cur.peek(1)?.type === 'punct' && cur.peek(1).value === '(') {
    cur.i += 2;
    const expr = parseSqlExpr(cur);
    cur.expectWord('AS');
    const to = parseTypeAt(cur);
    cur.expectPunct(')');
    return { k: 'cast', expr, to };
  }
  const parts = [];
  do parts.push(...cur.name('an expression').split('.')); while (cur.punct('.'));
  if (!cur.punct('(')) {
    if (parts.length > 1) cur.fail(`${parts.join('.')}: only argument names, literals, CAST and calls of the package's functions are emulated`, t);
    return { k: 'arg', name: parts[0] };
  }
  const args = [];
  while (!cur.punct(')')) { if (args.length) cur.expectPunct(','); args.push(parseSqlExpr(cur)); }
  return { k: 'call', parts, args };
}

const CASTS = new Set(['INT64>FLOAT64', 'FLOAT64>INT64', 'STRING>INT64', 'STRING>FLOAT64', 'INT64>STRING']);

// A SQL function's body → { callee, args } (the shape jatopic writes), types
// checked against the callee's declaration as BigQuery checks them.
function compileSqlBody(fn, byName) {
  const cur = new Cursor(fn.body, `${fn.where}: function ${fn.name}: the SQL body`);
  const expr = parseSqlExpr(cur);
  if (cur.peek()) cur.fail(`unexpected ${cur.show()} after the expression`);
  if (expr.k !== 'call') fail('SQL', `${fn.where}: function ${fn.name}: bq-sandbox emulates SQL bodies that call one JavaScript function of the package, not ${fn.body.trim().slice(0, 60)}`);
  const callee = byName.get(expr.parts[expr.parts.length - 1]);
  if (!callee || callee.language !== 'js') fail('SQL', `${fn.where}: function ${fn.name}: ${expr.parts.join('.')} is not a JavaScript function of this package (bq-sandbox emulates no other calls)`);
  if (!fn.temp && callee.temp) refuse(fn, DDL_RULES.tempReference, `the persistent function calls the TEMP function ${callee.name}`);
  if (!fn.temp && expr.parts.length < 2) refuse(fn, DDL_RULES.qualifiedReference, `it calls ${callee.name} without its dataset`);
  const typeOf = (e) => {
    if (e.k === 'lit') return e.type;
    if (e.k === 'arg') {
      const a = fn.args.find((x) => x.name === e.name);
      if (!a) fail('SQL', `${fn.where}: function ${fn.name}: unknown name ${e.name} in the SQL body`);
      return a.type;
    }
    if (e.k === 'cast') {
      const from = typeOf(e.expr);
      if (from && formatType(from) !== formatType(e.to) && !CASTS.has(`${formatType(from)}>${formatType(e.to)}`)) {
        fail('SQL', `${fn.where}: function ${fn.name}: CAST from ${formatType(from)} to ${formatType(e.to)} is not emulated by bq-sandbox`);
      }
      e.from = from;
      return e.to;
    }
    return fail('SQL', `${fn.where}: function ${fn.name}: nested calls are not emulated by bq-sandbox`);
  };
  if (expr.args.length !== callee.args.length) fail('SQL', `${fn.where}: function ${fn.name}: ${callee.name} takes ${callee.args.length} argument(s), the body passes ${expr.args.length}`);
  expr.args.forEach((e, k) => {
    const got = typeOf(e), want = callee.args[k].type;
    // BigQuery coerces INT64 to FLOAT64 in a call; nothing else implicitly.
    if (got && formatType(got) !== formatType(want) && !(got.kind === 'INT64' && want.kind === 'FLOAT64')) {
      fail('SQL', `${fn.where}: function ${fn.name}: argument ${k + 1} of ${callee.name} is ${formatType(want)}, the body passes ${formatType(got)}`);
    }
    if (got?.kind === 'INT64' && want.kind === 'FLOAT64') expr.args[k] = { k: 'cast', expr: e, from: got, to: want };
  });
  if (fn.returns && formatType(fn.returns) !== formatType(callee.returns)) {
    fail('SQL', `${fn.where}: function ${fn.name}: RETURNS ${formatType(fn.returns)}, but its body returns ${formatType(callee.returns)}`);
  }
  return { callee: callee.name, args: expr.args };
}

/**
 * Refuses what BigQuery would refuse in these CREATE FUNCTION definitions
 * (DDL_RULES) and prepares the SQL functions' bodies (fn.sql). Each function
 * carries `where` (its statement or manifest entry) for the messages.
 */
export function checkDefinitions(fns) {
  const byName = new Map(fns.map((f) => [f.name, f]));
  for (const fn of fns) {
    const js = fn.language === 'js', persistent = !fn.temp;
    if (fn.temp && fn.sqlName.replace(/`/g, '').includes('.')) refuse(fn, DDL_RULES.tempName, `the TEMP function is named ${fn.sqlName}`);
    if (persistent && fn.name.length > MAX_NAME_CHARS) refuse(fn, DDL_RULES.nameLength, `its name has ${fn.name.length} characters`);
    if (persistent && fn.args.length > MAX_ARGUMENTS) refuse(fn, DDL_RULES.argumentCount, `it has ${fn.args.length} arguments`);
    let fields = 0;
    for (const [role, type] of [...fn.args.map((a) => [`argument ${a.name}`, a.type]), ['RETURNS', fn.returns]]) {
      if (!type) continue;
      for (const [t, depth] of typesIn(type)) {
        if (persistent && depth > MAX_STRUCT_DEPTH) refuse(fn, DDL_RULES.structDepth, `${role} nests STRUCTs ${depth} levels deep`);
        if (t.kind === 'STRUCT') fields += t.fields.length;
        if (role === 'RETURNS' && t.kind === 'ANY') refuse(fn, DDL_RULES.anyTypeReturn, 'it declares RETURNS ANY TYPE');
        if (js && role !== 'RETURNS' && t.kind === 'INT64') {
          refuse(fn, DDL_RULES.int64Argument, `${role} is ${formatType(type)}, an INT64 input of a JavaScript UDF (take FLOAT64 or STRING, or keep INT64 in a SQL function that casts and calls the JavaScript one)`);
        }
        if (js && role !== 'RETURNS' && t.kind === 'ANY') refuse(fn, DDL_RULES.anyTypeArgument, `${role} is ANY TYPE, a templated parameter, which only SQL UDFs take`);
        if (js && t.kind === 'OTHER' && !JS_TYPES.has(t.name)) refuse(fn, DDL_RULES.jsType, `${role} is ${formatType(type)}; ${t.name} has no JavaScript encoding`);
        if (t.kind === 'OTHER') fail('SQL', `${fn.where}: function ${fn.name}: ${role}: type ${t.name} is not supported by bq-sandbox (STRING, INT64, FLOAT64, BOOL, ARRAY, STRUCT)`);
      }
    }
    if (persistent && fields > MAX_STRUCT_FIELDS) refuse(fn, DDL_RULES.structFields, `its arguments and result have ${fields} STRUCT fields`);
    if (persistent) {
      const long = fn.args.find((a) => a.name.length > MAX_ARGUMENT_NAME_CHARS);
      if (long) refuse(fn, DDL_RULES.argumentNameLength, `argument ${long.name.slice(0, 20)}… has ${long.name.length} characters`);
    }
    if (js) {
      if (!fn.returns) refuse(fn, DDL_RULES.jsReturns, 'a JavaScript UDF has no RETURNS clause (there is no SQL body to infer its type from)');
      if (persistent && fn.libraries.length > MAX_LIBRARIES_PER_FUNCTION) refuse(fn, DDL_RULES.libraries, `it lists ${fn.libraries.length} libraries`, 'LIMIT');
      const path = fn.libraries.find((l) => l.length > MAX_LIBRARY_PATH_CHARS);
      if (persistent && path) refuse(fn, DDL_RULES.libraryPath, `the library path ${path.slice(0, 40)}… has ${path.length} characters`, 'LIMIT');
      const n = Buffer.byteLength(fn.body, 'utf8');
      if (n > MAX_INLINE_BODY_BYTES) refuse(fn, DDL_RULES.inlineBody, `its inline JavaScript body is ${n} bytes, more than ${MAX_INLINE_BODY_BYTES} (move code into a library file)`, 'LIMIT');
    } else if (fn.libraries.length) refuse(fn, DDL_RULES.libraryOption, 'a SQL function lists libraries');
  }
  for (const fn of fns) if (fn.language === 'sql') fn.sql = compileSqlBody(fn, byName);
  for (const fn of fns) if (fn.language === 'sql' && !fn.returns) fn.returns = byName.get(fn.sql.callee).returns;
  return fns;
}

// ------------------------------------------------------- create_functions.sql

/**
 * Parses `CREATE [OR REPLACE] [TEMP|TEMPORARY] FUNCTION [IF NOT EXISTS] name(args)
 * [RETURNS type] { [[NOT] DETERMINISTIC] LANGUAGE js [OPTIONS(library=...)] AS "body"
 * | AS (sql_expression) } [OPTIONS(...)]` statements into function descriptors,
 * then applies BigQuery's rules (checkDefinitions).
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
    const fn = {
      name: parts[parts.length - 1], sqlName: sql.slice(start.pos, cur.peek(-1).end), temp, args: [], returns: null, libraries: [], body: null,
      where: `${label} statement ${cur.stmt} (${where(sql, start.pos)})`,
    };
    cur.expectPunct('(');
    while (!cur.punct(')')) {
      if (fn.args.length) cur.expectPunct(',');
      const name = cur.name('an argument name');
      if (fn.args.some((a) => a.name === name)) cur.fail(`duplicate argument ${name}`);
      fn.args.push({ name, type: parseTypeAt(cur) });
    }
    if (cur.word('RETURNS')) fn.returns = parseTypeAt(cur);
    for (;;) {
      if (cur.word('NOT')) cur.expectWord('DETERMINISTIC');
      else if (cur.word('DETERMINISTIC')) continue;
      else if (cur.word('LANGUAGE')) {
        const lang = cur.name('a language');
        if (lang.toLowerCase() !== 'js') cur.fail(`only LANGUAGE js functions (and SQL functions, AS (expression)) can be emulated, found ${lang}`, cur.peek(-1));
        fn.language = 'js';
      } else if (cur.word('OPTIONS')) options(fn);
      else if (cur.word('AS')) {
        if (fn.language !== 'js' && cur.isPunct('(')) {
          // A SQL function: the expression between the parentheses, kept as text.
          const open = cur.peek();
          cur.i++;
          for (let depth = 1; depth > 0; cur.i++) {
            if (!cur.peek()) cur.fail('unterminated ( of the SQL body', open);
            if (cur.isPunct('(')) depth++;
            else if (cur.isPunct(')')) depth--;
          }
          fn.language = 'sql';
          fn.body = sql.slice(open.end, cur.peek(-1).pos).trim();
          continue;
        }
        if (cur.peek()?.type !== 'string') cur.fail(`expected the JavaScript body as a string literal, found ${cur.show()}`);
        fn.body = cur.take('string');
      } else break;
    }
    if (!fn.language) cur.fail(`expected LANGUAGE js, found ${cur.show()}`);
    if (fn.body === null) cur.fail(`expected AS "<JavaScript body>", found ${cur.show()}`);
    if (cur.peek() && !cur.punct(';')) cur.fail(`expected ';' after the statement, found ${cur.show()}`);
    fns.push(fn);
  }
  return checkDefinitions(fns);
}

// -------------------------------------------------------------- the package

function readManifest(file) {
  let m;
  try { m = JSON.parse(fs.readFileSync(file, 'utf8')); } catch (e) { fail('PACKAGE', `${file}: ${e.message}`); }
  // Every field is type-checked here so that a malformed manifest is a
  // SandboxError naming the field, never a TypeError further on.
  const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (!isObject(m)) fail('PACKAGE', `${file}: must hold a JSON object, found ${JSON.stringify(m)}`);
  // Format 1: every function is JavaScript (no "language" field).
  if (m.format !== CONTRACT.manifest_format && m.format !== 'jatopic-package/1') {
    fail('PACKAGE', `${file}: format is ${JSON.stringify(m.format)}, expected ${JSON.stringify(CONTRACT.manifest_format)} (or "jatopic-package/1")`);
  }
  if (m.gcs_prefix !== undefined && typeof m.gcs_prefix !== 'string') fail('PACKAGE', `${file}: "gcs_prefix" must be a string`);
  if (m.files !== undefined && !(Array.isArray(m.files) && m.files.every((f) => isObject(f) && typeof f.uri === 'string'))) {
    fail('PACKAGE', `${file}: "files" must be an array of objects with a string "uri"`);
  }
  if (!Array.isArray(m.functions)) fail('PACKAGE', `${file}: "functions" must be an array`);
  const fns = m.functions.map((f, i) => {
    const label = `${file}: functions[${i}]`;
    if (!isObject(f) || typeof f.name !== 'string' || typeof f.body !== 'string' || !Array.isArray(f.arguments) || !Array.isArray(f.libraries)) {
      fail('PACKAGE', `${label}: needs name, arguments, returns, libraries and body`);
    }
    // A missing RETURNS is BigQuery's to refuse (checkDefinitions), as in SQL.
    if (f.returns !== undefined && f.returns !== null && typeof f.returns !== 'string') fail('PACKAGE', `${label} (${f.name}): "returns" must be a type string`);
    if (f.language !== undefined && !(f.language === 'js' || (f.language === 'sql' && m.format !== 'jatopic-package/1'))) {
      fail('PACKAGE', `${label} (${f.name}): "language" must be "js" or "sql", found ${JSON.stringify(f.language)}`);
    }
    if (!f.libraries.every((l) => typeof l === 'string')) fail('PACKAGE', `${label} (${f.name}): "libraries" must be an array of strings`);
    if (f.sql_name !== undefined && typeof f.sql_name !== 'string') fail('PACKAGE', `${label} (${f.name}): "sql_name" must be a string`);
    f.arguments.forEach((a, k) => {
      if (!isObject(a) || typeof a.name !== 'string' || typeof a.type !== 'string') fail('PACKAGE', `${label} (${f.name}): arguments[${k}] needs a string name and type`);
    });
    return {
      name: f.name, sqlName: f.sql_name || f.name, temp: !!f.temp, libraries: f.libraries, body: f.body, language: f.language ?? 'js', where: label,
      args: f.arguments.map((a) => ({ name: a.name, type: parseType(a.type, `${label} (${f.name}) argument ${a.name}`) })),
      returns: typeof f.returns === 'string' ? parseType(f.returns, `${label} (${f.name}) RETURNS`) : null,
    };
  });
  return { manifest: m, fns: checkDefinitions(fns) };
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

// The rules BigQuery applies to the code resources of one query (DDL_RULES;
// the total is jatopic's budget, see limit_sources in the contract). The
// inline body limit is checkDefinitions'.
function checkLimits(fns, libs) {
  let bytes = 0;
  const cite = (rule) => `BigQuery: "${rule.quote}" (${rule.doc})`;
  for (const lib of libs.values()) {
    if (lib.bytes > MAX_LIBRARY_BYTES) {
      fail('LIMIT', `library ${lib.uri} is ${lib.bytes} bytes; BigQuery allows at most ${MAX_LIBRARY_BYTES} bytes per library file (shrink it or split it into several files). ${cite(DDL_RULES.libraryFile)}`);
    }
    bytes += lib.bytes;
  }
  const bodies = fns.filter((f) => f.language === 'js');
  for (const fn of bodies) bytes += Buffer.byteLength(fn.body, 'utf8');
  const resources = libs.size + bodies.length;
  if (resources > MAX_RESOURCES) {
    fail('LIMIT', `${resources} code resources (${libs.size} library files + ${bodies.length} function bodies); BigQuery allows at most ${MAX_RESOURCES} per query (load fewer functions together or merge library files). ${cite(DDL_RULES.resources)}`);
  }
  if (bytes > MAX_TOTAL_CODE_BYTES) {
    fail('LIMIT', `${bytes} bytes of JavaScript (libraries + bodies); jatopic allows at most ${MAX_TOTAL_CODE_BYTES} per query, its budget: the total BigQuery's quotas page once listed (load fewer functions together or shrink the libraries)`);
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
    // A SQL function's query also loads the JavaScript function it calls.
    for (const f of fns) if (wanted.includes(f.name) && f.sql) wanted.push(f.sql.callee);
    fns = fns.filter((f) => wanted.includes(f.name));
  }
  const files = new Map((manifest?.files || []).map((f) => [f.uri, f]));
  const libs = new Map();
  for (const uri of fns.flatMap((f) => f.libraries)) {
    if (libs.has(uri)) continue;
    const file = resolveUri(uri, dir, manifest?.gcs_prefix, opts.gcsMap);
    if (!fs.existsSync(file)) fail('PACKAGE', `library ${uri} → ${file}: file not found (rebuild the package, or map the URI with gcsMap / --gcs-map)`);
    if (!fs.statSync(file).isFile()) fail('PACKAGE', `library ${uri} → ${file}: not a file (a library URI names one .js file)`);
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

// NDJSON input value → the JavaScript value BigQuery passes (validated). INT64
// reaches only SQL functions (checkDefinitions refuses it for JavaScript), as a BigInt.
function encodeArg(t, v, p) {
  if (v === null) return null;
  switch (t.kind) {
    case 'STRING': return typeof v === 'string' ? v : typeError(t, v, p);
    case 'INT64': return (typeof v === 'number' || typeof v === 'string') ? toInt64(t, v, p) : typeError(t, v, p);
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
    case 'ANY': return fail('TYPE', `${p}: ANY TYPE arguments are not emulated by bq-sandbox`);
  }
}

// CAST of a scalar as BigQuery converts it (https://cloud.google.com/bigquery/docs/reference/standard-sql/conversion_functions#cast);
// the pairs are CASTS (checked when the package loads). FLOAT64 → INT64 rounds
// halfway cases away from zero; what does not fit is an error, as in BigQuery.
function castValue(v, from, to, p) {
  if (v === null || from === null || formatType(from) === formatType(to)) return v;
  const bad = (why) => fail('TYPE', `${p}: CAST(${preview(v)} AS ${formatType(to)}): ${why}`);
  switch (`${formatType(from)}>${formatType(to)}`) {
    case 'INT64>FLOAT64': return Number(v);
    case 'INT64>STRING': return v.toString();
    case 'FLOAT64>INT64': {
      if (!Number.isFinite(v)) return bad('not a finite number');
      const r = BigInt(Math.sign(v) * Math.round(Math.abs(v)));
      return r < INT64_MIN || r > INT64_MAX ? bad('out of the INT64 range') : r;
    }
    case 'STRING>INT64': return /^\s*[+-]?\d+\s*$/.test(v) ? toInt64(to, v, p) : bad('bad INT64 value');
    default: { // STRING>FLOAT64
      const text = v.trim(), special = /^([+-]?)(inf|infinity|nan)$/i.exec(text);
      if (special) return /nan/i.test(special[2]) ? NaN : special[1] === '-' ? -Infinity : Infinity;
      const x = text === '' ? NaN : Number(text);
      return Number.isNaN(x) ? bad('bad FLOAT64 value') : x;
    }
  }
}

// A SQL function's body for one row of its (encoded) argument values → the
// values passed to the JavaScript function it calls.
function evalSqlArg(e, fn, values) {
  if (e.k === 'lit') return e.type?.kind === 'INT64' ? BigInt(e.value) : e.value;
  if (e.k === 'arg') return values[fn.args.findIndex((a) => a.name === e.name)];
  return castValue(evalSqlArg(e.expr, fn, values), e.from, e.to, `CAST in ${fn.name}`);
}

// Upper bound of the BigQuery data size of the result being converted, summed
// by decodeResult as it goes (a string counts 2 + 3 bytes per UTF-16 unit, which
// bounds its UTF-8 size); the exact size is computed only when this exceeds the limit.
let sizeBound = 0;

// UDF result → BigQuery's value, as JSON (INT64 beyond 2^53 as a string, non-finite FLOAT64 as strings).
function decodeResult(t, v, p) {
  if (v === null || v === undefined) return null;
  switch (t.kind) {
    case 'STRING':
      if (typeof v !== 'string') typeError(t, v, p);
      sizeBound += 2 + 3 * v.length;
      return v;
    case 'INT64': { const b = toInt64(t, v, p); sizeBound += 8; return b >= -SAFE && b <= SAFE ? Number(b) : b.toString(); }
    case 'FLOAT64': if (typeof v !== 'number') typeError(t, v, p); sizeBound += 8; return Number.isFinite(v) ? v : String(v);
    case 'BOOL': if (typeof v !== 'boolean') typeError(t, v, p); sizeBound += 1; return v;
    case 'ARRAY': {
      if (!Array.isArray(v)) typeError(t, v, p);
      const n = v.length, out = new Array(n), el = t.element;
      for (let i = 0; i < n; i++) {
        const x = v[i];
        if (x === null || x === undefined) fail('TYPE', `${join(p, i)}: Array cannot have a null element`, { path: join(p, i) });
        out[i] = el.kind === 'STRING' && typeof x === 'string' ? (sizeBound += 2 + 3 * x.length, x) : decodeResult(el, x, join(p, i));
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

// BigQuery's logical size of a converted value (its data type sizes,
// https://cloud.google.com/bigquery/docs/storage_overview#data_type_sizes): STRING 2 + its
// UTF-8 bytes, INT64 and FLOAT64 8, BOOL 1, NULL 0, ARRAY and STRUCT the sum of their values.
function dataSize(t, v) {
  if (v === null) return 0;
  switch (t.kind) {
    case 'STRING': return 2 + Buffer.byteLength(v, 'utf8');
    case 'INT64': case 'FLOAT64': return 8;
    case 'BOOL': return 1;
    case 'ARRAY': { let n = 0; for (const x of v) n += dataSize(t.element, x); return n; }
    default: { let n = 0; for (const f of t.fields) n += dataSize(f.type, v[f.name]); return n; }
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

const usedHeap = () => v8.getHeapStatistics().used_heap_size;
const mb = (n) => (n / 1048576).toFixed(1);

function describeThrown(e) {
  if (e === null || typeof e !== 'object' || typeof e.message !== 'string') return `uncaught ${preview(e)}`;
  const frame = /\(?([^\s()]+):(\d+):(\d+)\)?\s*$/m.exec(String(e.stack || '').split('\n').slice(1).join('\n'));
  return `${e.name || 'Error'}: ${e.message}${frame ? ` at ${frame[1]}:${frame[2]}:${frame[3]}` : ''}`;
}

// One V8 context = one BigQuery worker process. In a worker thread `heapBase` is
// the thread's heap before the context existed and the memory cap counts the
// whole heap above it; in this thread (heapBase null) the heap is the host's,
// so only its growth during the library evaluation or the call is counted.
class Context {
  constructor(pkg, cfg, heapBase = null) {
    this.pkg = pkg; this.cfg = cfg; this.heapBase = heapBase;
    this.ctx = vm.createContext({}, { name: 'bq-sandbox worker' });
    this.wasmBytes = vm.runInContext(TRACKER_SOURCE, this.ctx);
    [this.CArray, this.CObject] = vm.runInContext('[Array, Object]', this.ctx);
    this.loaded = new Set(); this.bodies = new Map();
    this.libraryEvalMs = 0; this.firstCallMs = null; this.wasmMemoryBytes = 0;
  }

  // Library files and the body's function expression; failures discard the worker.
  evaluate(script, what) {
    try { return script.runInContext(this.ctx); } catch (e) { return fail('LIBRARY', `${what}${describeThrown(e)}`, { crash: true }); }
  }

  // Libraries (each URI once, in order) and the body, on the function's first call.
  // `probe.load(k)` marks the evaluation of fn.libraries[k] (-1: the body) for the watchdog.
  prepare(fn, probe) {
    let body = this.bodies.get(fn.name);
    if (body) return body;
    const t0 = performance.now(), heapBefore = usedHeap();
    for (let k = 0; k < fn.libraries.length; k++) {
      const uri = fn.libraries[k];
      if (this.loaded.has(uri)) continue;
      probe?.load(k);
      let script;
      try { script = new vm.Script(this.pkg.libraries.get(uri).source, { filename: uri }); } catch (e) {
        fail('LIBRARY', `library ${uri}: ${describeThrown(e)}`, { crash: true });
      }
      this.evaluate(script, `library ${uri}: `);
      this.loaded.add(uri);
    }
    this.libraryEvalMs += performance.now() - t0;
    probe?.load(-1);
    let script;
    try {
      script = new vm.Script(`(function(${fn.args.map((a) => a.name).join(', ')}) {\n${fn.body}\n})`, { filename: fn.name, lineOffset: -1 });
    } catch (e) { fail('LIBRARY', `the function body does not compile: ${describeThrown(e)}`, { crash: true }); }
    body = this.evaluate(script, '');
    this.bodies.set(fn.name, body);
    this.checkMemory(heapBefore);
    return body;
  }

  // Plain values → objects of the worker's realm, as BigQuery creates them
  // (defined, not assigned: setters a library put on Object.prototype do not run).
  toRealm(v) {
    if (v === null || typeof v !== 'object') return v;
    if (Array.isArray(v)) { const a = new this.CArray(v.length); for (let i = 0; i < v.length; i++) a[i] = this.toRealm(v[i]); return a; }
    const o = new this.CObject();
    for (const k of Object.keys(v)) Object.defineProperty(o, k, { value: this.toRealm(v[k]), writable: true, enumerable: true, configurable: true });
    return o;
  }

  call(body, args) {
    const a = new Array(args.length);
    for (let i = 0; i < args.length; i++) a[i] = this.toRealm(args[i]);
    return Reflect.apply(body, undefined, a);
  }

  // Returns the heap size it read, the next row's starting point.
  checkMemory(heapBefore) {
    const used = usedHeap();
    const wasm = this.wasmMemoryBytes = this.wasmBytes(), heap = Math.max(0, used - (this.heapBase ?? heapBefore));
    if (wasm + heap > this.cfg.memoryMb * 1048576) {
      fail('MEMORY', `memory limit exceeded (${mb(wasm + heap)} MB > ${this.cfg.memoryMb} MB: wasm memory ${mb(wasm)} MB + JS heap ${this.heapBase === null ? 'growth ' : ''}${mb(heap)} MB); raise memoryMb / --memory-mb or make the UDF use less memory`, { crash: true });
    }
    return used;
  }

  stats() { return { libraryEvalMs: this.libraryEvalMs, firstCallMs: this.firstCallMs, wasmMemoryBytes: this.wasmMemoryBytes }; }
}

// For soak tests (js/soak.mjs): the JS heap after a full garbage collection
// and the context's wasm memories. In a worker thread the heap is the
// thread's own; in this thread it is the whole process's. V8's gc() is taken
// from a context made while --expose-gc is briefly on, so the sandbox's own
// contexts never see a \`gc\` global.
let collectGarbage = null;
function memoryAfterGc(ctx) {
  if (!collectGarbage) {
    v8.setFlagsFromString('--expose-gc');
    try { collectGarbage = vm.runInNewContext('gc'); } finally { v8.setFlagsFromString('--no-expose-gc'); }
  }
  // Twice: V8 sweeps concurrently, and the second collection first finishes
  // sweeping the garbage of the first, so the reading holds (almost) only live objects.
  collectGarbage();
  collectGarbage();
  const h = v8.getHeapStatistics(), spaces = {};
  for (const sp of v8.getHeapSpaceStatistics()) spaces[sp.space_name] = sp.space_used_size;
  return { heapUsedBytes: h.used_heap_size, heapTotalBytes: h.total_heap_size, heapSpaces: spaces, wasmMemoryBytes: ctx.wasmBytes() };
}

// A failure as data (it may cross threads): the row index in the batch and the SandboxError's fields.
function failure(e, index) {
  const s = e instanceof SandboxError ? e : new SandboxError('UDF', describeThrown(e)); // e.g. a throwing getter on a result
  return { index, code: s.code, message: s.message, path: s.path, crash: !!s.crash };
}

const settle = (promise, then) => new Promise((resolve, reject) => {
  Reflect.apply(then, promise, [resolve, (e) => reject(new SandboxError('UDF', describeThrown(e)))]);
});

// Runs encoded rows of `fn` in order and stops at the first failure:
// resolves to { results, error: null | failure(…) }. Synchronous unless the UDF
// returns a Promise. `probe` (worker threads) marks each row for the watchdog
// and takes the results so far whenever they reach FLUSH_BYTES, so that a batch
// of large results does not sit in the worker's heap (where it would count).
// `json`: each result as its JSON text.
async function runRows(ctx, fn, rows, probe, json = false) {
  let results = [], held = 0, i = 0;
  const cap = ctx.cfg.maxOutputBytes, inThread = ctx.heapBase !== null;
  try {
    const body = ctx.prepare(fn, probe);
    // In this thread a row's heap growth counts from the previous row's
    // reading (one heap reading per row; the few bytes of bookkeeping in
    // between count against the row, never for it).
    let heapBefore = inThread ? 0 : usedHeap();
    for (; i < rows.length; i++) {
      probe?.row(i);
      const first = ctx.firstCallMs === null, t0 = first ? performance.now() : 0;
      let r = ctx.call(body, rows[i]);
      if (r !== null && (typeof r === 'object' || typeof r === 'function')) {
        const then = r.then;
        if (typeof then === 'function') { probe?.wait(); r = await settle(r, then); }
      }
      if (first) ctx.firstCallMs = performance.now() - t0;
      const heapAfter = ctx.checkMemory(heapBefore);
      if (!inThread) heapBefore = heapAfter;
      sizeBound = 0;
      const out = decodeResult(fn.returns, r, '');
      if (sizeBound > cap) {
        const bytes = dataSize(fn.returns, out);
        if (bytes > cap) fail('OUTPUT', `the result is ${bytes} bytes (BigQuery's data size: STRING 2 + UTF-8 bytes, INT64/FLOAT64 8, BOOL 1); BigQuery limits a UDF's output to about 5 MB per row (this sandbox: ${cap}; maxOutputBytes / --max-output-bytes)`);
      }
      results.push(json ? JSON.stringify(out) : out);
      if (probe && (held += sizeBound) >= FLUSH_BYTES && i + 1 < rows.length) { probe.flush(results); results = []; held = 0; }
    }
  } catch (e) {
    probe?.idle();
    return { results, error: failure(e, i) };
  }
  probe?.idle();
  return { results, error: null };
}

// timeoutMs 0: the context lives in this thread; nothing can interrupt it, so
// nothing needs to watch it.
class InlineExec {
  constructor(pkg, cfg, started) { this.pkg = pkg; this.cfg = cfg; this.started = started; this.ctx = null; this.last = null; }
  async run(fn, rows, json) {
    if (!this.ctx) { this.ctx = this.last = new Context(this.pkg, this.cfg); this.started(); }
    const ctx = this.ctx, r = await runRows(ctx, fn, rows, null, json);
    if (r.error?.crash && this.ctx === ctx) this.ctx = null;
    return r;
  }
  stats() { return { ...(this.last?.stats() ?? { libraryEvalMs: 0, firstCallMs: null, wasmMemoryBytes: 0 }), threadStartMs: null }; }
  async memory() { return this.ctx ? memoryAfterGc(this.ctx) : null; }
  close() { this.ctx = null; }
}

// With a time limit the context lives in a worker thread. Per row the thread
// only stores a sequence number in shared memory; a timer here (every
// tickMs while batches are out) terminates the thread when the same row has
// been running for longer than the limit. Memory: the thread's own heap
// (resourceLimits) plus its WebAssembly memories.
const THREAD_MARK = 'bqSandboxThread';
const SEQ = 0, PHASE = 1, INDEX = 2, LIB = 3; // shared Int32Array slots
const IDLE = 0, LOAD = 1, RUN = 2, AWAIT = 3; // phases
const CHUNK_ROWS = 256, CHUNK_UNITS = 1 << 20, WINDOW = 2, HEAP_HEADROOM_MB = 16, FLUSH_BYTES = 1 << 20;

// Where a batch of rows ends: CHUNK_ROWS rows or about CHUNK_UNITS string units of arguments.
function chunkEnd(rows, start) {
  let units = 0, i = start;
  const end = Math.min(rows.length, start + CHUNK_ROWS);
  while (i < end && units < CHUNK_UNITS) {
    for (const a of rows[i++]) units += typeof a === 'string' ? a.length : Array.isArray(a) ? 16 * a.length : 16;
  }
  return i;
}

class ThreadExec {
  constructor(pkg, cfg, started) {
    this.payload = { functions: pkg.functions, libraries: pkg.libraries, cfg };
    this.cfg = cfg; this.started = started;
    this.byName = new Map(pkg.functions.map((f) => [f.name, f]));
    this.thread = null; this.queue = []; this.ids = 0; this.groups = 0; this.timer = null;
    this.last = { libraryEvalMs: 0, firstCallMs: null, wasmMemoryBytes: 0 }; this.threadStartMs = null;
    this.tickMs = Math.max(5, Math.min(50, cfg.timeoutMs / 4));
  }

  start() {
    const sab = new SharedArrayBuffer(4 * Int32Array.BYTES_PER_ELEMENT), t0 = performance.now();
    const thread = new Thread(new URL(import.meta.url), {
      workerData: { [THREAD_MARK]: true, ...this.payload, sab }, execArgv: [],
      resourceLimits: { maxOldGenerationSizeMb: this.cfg.memoryMb + HEAP_HEADROOM_MB },
    });
    thread.on('message', (m) => {
      if (thread !== this.thread) return;
      if (m.ready) { this.threadStartMs = performance.now() - t0; return; }
      this.reply(thread, m);
    });
    thread.on('error', (e) => this.died(thread, e));
    thread.on('exit', (code) => this.died(thread, null, code));
    thread.unref();
    this.thread = thread; this.state = new Int32Array(sab); this.threadStartMs = null;
    this.started();
  }

  // One batch to the thread; resolves to its reply { id, results, error } or { skipped }.
  post(msg) { return new Promise((resolve) => this.send({ msg, resolve })); }

  send(job) {
    if (!this.thread) this.start();
    this.queue.push(job);
    this.thread.postMessage(job.msg);
    if (this.queue.length === 1) { this.thread.ref(); this.watch(true); }
  }

  reply(thread, m) {
    if (m.partial) { (this.queue[0].partial ??= []).push(m.partial); return; }
    const job = this.queue.shift();
    if (job.partial) m.results = [].concat(...job.partial, m.results);
    this.last = m.stats ?? this.last;
    if (m.error?.crash) this.discard(job.msg.group);
    else if (!this.queue.length) { thread.unref(); this.watch(false); }
    job.resolve(m);
  }

  // Ends the thread; batches still queued go to a fresh one, except the rest of
  // the failed callMany (they are answered as skipped).
  discard(failedGroup) {
    this.thread.terminate();
    this.thread = null;
    this.watch(false);
    const rest = this.queue;
    this.queue = [];
    for (const job of rest) if (job.msg.group === failedGroup) job.resolve({ id: job.msg.id, skipped: true }); else this.send(job);
  }

  // The running batch fails with `error` at the row the thread was on.
  crash(code, message) {
    const job = this.queue.shift(), s = this.state;
    const index = Atomics.load(s, PHASE) === LOAD ? 0 : Atomics.load(s, INDEX);
    this.discard(job.msg.group);
    job.resolve({ id: job.msg.id, results: [].concat(...(job.partial ?? [])), error: { index, code, message, crash: true } });
  }

  died(thread, err, exitCode) {
    if (thread !== this.thread) return; // already replaced
    if (!this.queue.length) { this.thread = null; this.watch(false); return; }
    if (err?.code === 'ERR_WORKER_OUT_OF_MEMORY') {
      this.crash('MEMORY', `memory limit exceeded (the JS heap outgrew the worker's ${this.cfg.memoryMb} MB); raise memoryMb / --memory-mb or make the UDF use less memory`);
    } else this.crash('UDF', `the worker thread stopped: ${err ? err.message : `exit code ${exitCode}`}`);
  }

  watch(on) {
    if (on && !this.timer) {
      this.seen = -1;
      this.timer = setInterval(() => this.check(), this.tickMs);
      this.timer.unref();
    } else if (!on && this.timer) { clearInterval(this.timer); this.timer = null; }
  }

  // A row "has been running since seenAt" from the first tick that saw its
  // sequence number: it is stopped after between timeoutMs and timeoutMs + tickMs.
  check() {
    const s = this.state, seq = Atomics.load(s, SEQ), phase = Atomics.load(s, PHASE), now = performance.now();
    if (phase === IDLE || seq !== this.seen) { this.seen = seq; this.seenAt = now; return; }
    if (now - this.seenAt <= this.cfg.timeoutMs) return;
    const t = this.cfg.timeoutMs, lib = Atomics.load(s, LIB), fn = this.byName.get(this.queue[0].msg.fn);
    if (phase === AWAIT) this.crash('TIMEOUT', `the returned Promise did not settle within the time limit of ${t} ms (raise timeoutMs / --timeout-ms)`);
    else this.crash('TIMEOUT', `${phase === LOAD && lib >= 0 ? `library ${fn.libraries[lib]}: ` : ''}exceeded the time limit of ${t} ms (raise timeoutMs / --timeout-ms, or make the code faster)`);
  }

  // All rows of one call, in batches (WINDOW of them at the thread at a time).
  run(fn, rows, json) {
    const group = ++this.groups, n = rows.length, results = new Array(n);
    return new Promise((resolve) => {
      let next = 0, inFlight = 0, finished = false;
      const pump = () => {
        while (!finished && inFlight < WINDOW && next < n) {
          const start = next;
          next = chunkEnd(rows, start);
          inFlight++;
          this.post({ id: ++this.ids, fn: fn.name, rows: start === 0 && next === n ? rows : rows.slice(start, next), group, json }).then((m) => {
            inFlight--;
            if (finished || m.skipped) return;
            for (let k = 0; k < m.results.length; k++) results[start + k] = m.results[k];
            if (m.error) {
              finished = true;
              results.length = start + m.results.length;
              resolve({ results, error: { ...m.error, index: start + m.error.index } });
            } else if (next >= n && inFlight === 0) { finished = true; resolve({ results, error: null }); } else pump();
          });
        }
      };
      pump();
    });
  }

  stats() { return { ...this.last, threadStartMs: this.threadStartMs }; }
  // Queued behind the batches already sent, so it reads the memory after them.
  async memory() { return this.thread ? (await this.post({ id: ++this.ids, memory: true })).memory ?? null : null; }
  // Ends the thread; calls still out fail (`idleOnly`: only if there are none).
  close(idleOnly = false) {
    if (!this.thread || (idleOnly && this.queue.length)) return;
    const rest = this.queue;
    this.thread.terminate();
    this.thread = null; this.queue = [];
    this.watch(false);
    for (const job of rest) job.resolve({ id: job.msg.id, results: [], error: { index: 0, code: 'UDF', message: 'the worker was closed', crash: true } });
  }
}

// The worker thread: one Context, batches in order. A failed callMany's later
// batches are skipped; after a crash (memory, library) the thread stops and is replaced.
function threadMain({ functions, libraries, cfg, sab }) {
  process.on('unhandledRejection', () => {}); // a UDF's stray rejected Promise does not end the worker
  const s = new Int32Array(sab), byName = new Map(functions.map((f) => [f.name, f]));
  const ctx = new Context({ libraries }, cfg, usedHeap());
  let seq = 0, busy = false, dead = false, current = 0;
  const probe = {
    load(k) { Atomics.store(s, LIB, k); Atomics.store(s, PHASE, LOAD); Atomics.store(s, SEQ, ++seq); },
    row(i) { Atomics.store(s, INDEX, i); Atomics.store(s, PHASE, RUN); Atomics.store(s, SEQ, ++seq); },
    wait() { Atomics.store(s, PHASE, AWAIT); },
    idle() { Atomics.store(s, PHASE, IDLE); },
    flush(results) { parentPort.postMessage({ id: current, partial: results }); },
  };
  const failed = new Set(), queue = [];
  async function drain() {
    busy = true;
    while (queue.length && !dead) {
      const m = queue.shift();
      if (m.memory) { parentPort.postMessage({ id: m.id, memory: memoryAfterGc(ctx) }); continue; }
      if (failed.has(m.group)) { parentPort.postMessage({ id: m.id, skipped: true }); continue; }
      let r;
      try {
        current = m.id;
        r = await runRows(ctx, byName.get(m.fn), m.rows, probe, m.json);
        if (r.error) { failed.add(m.group); dead = r.error.crash; }
        parentPort.postMessage({ id: m.id, results: r.results, error: r.error, stats: ctx.stats() });
      } catch (e) { // not the UDF's doing: give up this worker rather than leave the batch unanswered
        dead = true;
        parentPort.postMessage({ id: m.id, results: [], error: { ...failure(e, 0), crash: true } });
      }
    }
    busy = false;
  }
  parentPort.on('message', (m) => { queue.push(m); if (!busy) drain(); });
  parentPort.postMessage({ ready: true });
}

/**
 * @typedef {object} Worker
 * @property {(name: string, args: any[]|object) => Promise<any>} call  one row: args in
 *   declared order or keyed by name, as JSON values; resolves to the result as JSON.
 * @property {(name: string, rows: Array<any[]|object>, opts?: {firstRow?: number, json?: boolean}) => Promise<any[]>} callMany
 *   rows in order, sent to the worker in batches (the fast path); with opts.json each result comes as its JSON
 *   text. The first error rejects with "NAME row N: ..." (N counts from opts.firstRow, default 1) and carries
 *   `results`: those of the rows before it (after a TIMEOUT or MEMORY crash, the ones the discarded worker had
 *   not sent back yet are missing).
 * @property {(name: string, args: any[]|object, row: number|null) => Promise<any>} callRow  call() with a row number for messages.
 * @property {() => {libraryEvalMs: number, firstCallMs: number|null, wasmMemoryBytes: number, workersStarted: number,
 *   calls: number, threadStartMs: number|null}} stats  of the latest worker; threadStartMs: its thread's start (null
 *   without a time limit).
 * @property {() => Promise<{heapUsedBytes: number, heapTotalBytes: number, heapSpaces: object, wasmMemoryBytes: number}|null>} memory
 *   after the calls sent so far and a full garbage collection: the worker's JS heap (its thread's; the whole
 *   process's when timeoutMs is 0; heapSpaces: bytes used per V8 heap space) and its wasm memories; null when
 *   no worker is running. For soak tests.
 * @property {() => void} close  ends the worker now (calls still running fail); a later call starts a fresh one. Not
 *   required: an idle worker thread does not keep node running.
 */

/**
 * A worker that survives crashes: after a TIMEOUT or MEMORY error the V8 context is
 * dropped and the next call starts a fresh one (libraries evaluated again).
 * Options: timeoutMs (0 = no limit, and the context then runs in this thread),
 * memoryMb, maxOutputBytes.
 * @returns {Worker}
 */
export function createWorker(pkg, opts = {}) {
  const cfg = {
    timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    memoryMb: opts.memoryMb ?? DEFAULT_MEMORY_MB,
    maxOutputBytes: opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES,
  };
  const byName = new Map(pkg.functions.map((f) => [f.name, f]));
  let workersStarted = 0, calls = 0;
  const started = () => { workersStarted++; };
  const exec = cfg.timeoutMs > 0 ? new ThreadExec(pkg, cfg, started) : new InlineExec(pkg, cfg, started);

  // A JSON row → the argument values BigQuery passes (validated).
  function encodeRow(fn, args) {
    if (!fn) fail('PACKAGE', `no such function (have: ${[...byName.keys()].join(', ')})`);
    let values;
    if (Array.isArray(args)) {
      if (args.length !== fn.args.length) fail('TYPE', `expected ${fn.args.length} argument(s), got ${args.length}`);
      values = args;
    } else if (args !== null && typeof args === 'object') {
      for (const k of Object.keys(args)) if (!fn.args.some((a) => a.name === k)) fail('TYPE', `no argument named ${k}`);
      values = fn.args.map((a) => (Object.hasOwn(args, a.name) ? args[a.name] : fail('TYPE', `missing argument ${a.name}`)));
    } else fail('TYPE', `a row must be a JSON array of arguments or an object keyed by argument name, got ${preview(args)}`);
    const out = new Array(values.length);
    for (let i = 0; i < values.length; i++) out[i] = encodeArg(fn.args[i].type, values[i], `argument ${fn.args[i].name}`);
    return out;
  }

  // A row of a SQL function → the argument values of the JavaScript function it calls.
  function encodeSqlRow(fn, args) {
    const values = encodeRow(fn, args);
    return fn.sql.args.map((e) => evalSqlArg(e, fn, values));
  }

  // Rows in order; `first` numbers them in messages (null: no row number).
  // A SQL function's rows run as rows of the JavaScript function it calls.
  async function run(name, rows, first, json = false) {
    const fn = byName.get(name), target = fn?.sql ? byName.get(fn.sql.callee) : fn, encoded = [];
    let bad = null;
    for (let i = 0; i < rows.length; i++) {
      try { encoded.push(fn?.sql ? encodeSqlRow(fn, rows[i]) : encodeRow(fn, rows[i])); } catch (e) { bad = failure(e, i); break; }
    }
    // The rows before a malformed one still run: one of them may fail first.
    const r = encoded.length ? await exec.run(target, encoded, json) : { results: [], error: null };
    calls += r.results.length + (r.error ? 1 : 0);
    const e = r.error ?? bad;
    if (!e) return r.results;
    const row = first ? first + e.index : null;
    throw new SandboxError(e.code, `${name}${row ? ` row ${row}` : ''}: ${e.message}`,
      { function: name, row, detail: e.message, path: e.path, crash: e.crash, results: r.results });
  }

  const worker = {
    call: async (name, args) => (await run(name, [args], null))[0],
    callMany: (name, rows, { firstRow = 1, json = false } = {}) => run(name, rows, firstRow, json),
    callRow: async (name, args, row) => (await run(name, [args], row || null))[0],
    stats: () => ({ ...exec.stats(), workersStarted, calls }),
    memory: () => exec.memory(),
    close: () => exec.close(),
  };
  if (exec instanceof ThreadExec) orphans.register(worker, exec);
  return worker;
}

// A worker dropped without close(): end its thread once it is collected.
const orphans = new FinalizationRegistry((exec) => exec.close(true));

// ---------------------------------------------------------------------- CLI

const USAGE = `usage: node js/bq-sandbox.mjs (--package DIR | --sql FILE) --function NAME --input FILE|-
         [--output FILE|-] [--timeout-ms N] [--memory-mb N] [--max-output-bytes N]
         [--gcs-map gs://PREFIX=DIR]... [--stats]
       node js/bq-sandbox.mjs (--package DIR | --sql FILE) --list`;

const CLI_BATCH_ROWS = 1024, CLI_BATCH_UNITS = 1 << 20;

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
      io.stdout.write(`${f.temp ? 'TEMP ' : ''}${f.name}(${f.args.map((a) => `${a.name} ${formatType(a.type)}`).join(', ')}) RETURNS ${formatType(f.returns)}${f.sql ? ' (SQL)' : ''}\n`);
      io.stdout.write(`    ${f.sqlName}; ${f.sql ? `calls ${f.sql.callee}` : `libraries: ${f.libraries.join(', ') || '(none)'}`}\n`);
    }
    return 0;
  }
  const worker = pkg.createWorker({ timeoutMs: o.timeoutMs, memoryMb: o.memoryMb, maxOutputBytes: o.maxOutputBytes });
  if (o.input !== '-' && !fs.existsSync(o.input)) { say(`${o.input}: file not found`); return 1; }
  const input = o.input === '-' ? io.stdin : fs.createReadStream(o.input);
  const out = o.output === '-' ? io.stdout : fs.createWriteStream(o.output);
  const write = (s) => (out.write(s) ? null : new Promise((r) => out.once('drain', r)));
  // Rows go to the worker in batches (callMany): a batch is sent when it is full
  // or a read chunk ends, and while it runs the next one is read and parsed.
  let row = 0, code = 0, batch = [], batchFirst = 1, batchUnits = 0, pending = null;
  const writeResults = (texts) => texts.length && write(`${texts.join('\n')}\n`);
  const finish = async () => {
    if (!pending) return;
    const p = pending;
    pending = null;
    let results;
    try { results = await p; } catch (e) {
      if (e instanceof SandboxError && e.results) await writeResults(e.results);
      throw e;
    }
    await writeResults(results);
  };
  const dispatch = async () => {
    if (!batch.length) return;
    const p = worker.callMany(o.function, batch, { firstRow: batchFirst, json: true });
    p.catch(() => {}); // awaited by finish()
    batch = []; batchUnits = 0;
    await finish();
    pending = p;
  };
  const take = async (line) => {
    if (!line.trim()) return;
    row++;
    let args;
    try { args = JSON.parse(line); } catch (e) {
      await dispatch();
      await finish();
      fail('TYPE', `${o.function} row ${row}: the input line is not JSON: ${e.message}`);
    }
    if (!batch.length) batchFirst = row;
    batch.push(args);
    batchUnits += line.length;
    if (batch.length >= CLI_BATCH_ROWS || batchUnits >= CLI_BATCH_UNITS) await dispatch();
  };
  const t0 = performance.now();
  try {
    const decoder = new StringDecoder('utf8');
    let carry = '';
    for await (const chunk of input) {
      const lines = (carry + (typeof chunk === 'string' ? chunk : decoder.write(chunk))).split(/\r\n|\r|\n/);
      carry = lines.pop();
      for (const line of lines) await take(line);
      await dispatch();
    }
    await take(carry + decoder.end());
    await dispatch();
    await finish();
  } catch (e) {
    if (!(e instanceof SandboxError)) throw e;
    say(e.message);
    code = 1;
  } finally { worker.close(); }
  if (out !== io.stdout) await new Promise((r) => out.end(r));
  if (o.stats) {
    const s = worker.stats(), secs = (performance.now() - t0) / 1000;
    say(`stats: ${row} rows in ${secs.toFixed(2)} s (${Math.round(row / Math.max(secs, 1e-9))} rows/s); worker start ${(s.libraryEvalMs + (s.firstCallMs ?? 0) + (s.threadStartMs ?? 0)).toFixed(1)} ms (library evaluation ${s.libraryEvalMs.toFixed(1)} ms + first call ${(s.firstCallMs ?? 0).toFixed(1)} ms${s.threadStartMs === null ? '' : ` + thread start ${s.threadStartMs.toFixed(1)} ms`}); wasm memory ${mb(s.wasmMemoryBytes)} MB; workers started ${s.workersStarted}`);
  }
  return code;
}

if (!isMainThread && workerData?.[THREAD_MARK]) threadMain(workerData);
const self = isMainThread && process.argv[1] && (() => { try { return fs.realpathSync(process.argv[1]); } catch { return null; } })();
if (self === fileURLToPath(import.meta.url)) process.exitCode = await main(process.argv.slice(2));
