// The UDF contract's limits and BigQuery's documented rules for CREATE
// FUNCTION and for the code one query loads: what a package must keep to.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fail } from './errors.mjs';
import { Cursor } from './sql.mjs';
import { formatType, parseTypeAt } from './types.mjs';

// The UDF contract (function names, types, limits), shared with the packager
// (src/bigquery/package.rs) and the SQL pipeline (scripts/sql_pipeline.py).
const CONTRACT_FILE = fileURLToPath(new URL('../../src/bigquery/udf_contract.json', import.meta.url));
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

// The rules BigQuery applies to the code resources of one query (DDL_RULES;
// the total is jatopic's budget, see limit_sources in the contract). The
// inline body limit is checkDefinitions'.
export function checkLimits(fns, libs) {
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
