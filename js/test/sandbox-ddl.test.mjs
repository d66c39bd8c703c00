// BigQuery's rules for CREATE FUNCTION in the sandbox (js/bq-sandbox.mjs):
// one test per definition BigQuery refuses, each expecting the refusal with
// BigQuery's documented reason and where it is written; next to each, the
// nearest definition BigQuery accepts, which the sandbox must accept too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseCreateFunctions, loadPackage, SandboxError, DDL_RULES } from '../bq-sandbox.mjs';

const UDF_PAGE = 'https://cloud.google.com/bigquery/docs/user-defined-functions';
const QUOTAS = 'https://cloud.google.com/bigquery/quotas#udf_limits';
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bq-sandbox-ddl-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

// The refusal: a SandboxError with `code`, naming the function, saying `what`
// and quoting the rule with its page.
function refused(fn, { code = 'DDL', name, what, rule, doc }) {
  assert.throws(fn, (e) => {
    assert.ok(e instanceof SandboxError, e.stack);
    assert.equal(e.code, code, e.message);
    assert.match(e.message, new RegExp(`function ${name}: `));
    assert.match(e.message, what);
    assert.equal(e.rule, DDL_RULES[rule]);
    assert.ok(e.message.includes(`BigQuery: "${DDL_RULES[rule].quote}" (${DDL_RULES[rule].doc})`), e.message);
    assert.ok(DDL_RULES[rule].doc.startsWith(doc), DDL_RULES[rule].doc);
    return true;
  });
}
// `CREATE FUNCTION \`p.d.NAME\`(ARGS) REST;` for sig 'NAME(ARGS)'.
const js = (sig, rest = 'RETURNS FLOAT64 LANGUAGE js AS "return 1;"') => {
  const open = sig.indexOf('(');
  return `CREATE FUNCTION \`p.d.${sig.slice(0, open)}\`${sig.slice(open)} ${rest};`;
};
const parse = (sql) => parseCreateFunctions(sql);

test('an INT64 argument of a JavaScript UDF is refused; an INT64 result and an INT64 SQL argument are not', () => {
  refused(() => parse(js('f(n INT64)')), { name: 'f', what: /argument n is INT64, an INT64 input of a JavaScript UDF/, rule: 'int64Argument', doc: UDF_PAGE });
  refused(() => parse(js('f(a ARRAY<STRUCT<k STRING, n INT64>>)')), { name: 'f', what: /argument a is ARRAY<STRUCT<k STRING, n INT64>>/, rule: 'int64Argument', doc: UDF_PAGE });
  // The aliases are INT64 too.
  refused(() => parse(js('f(n INTEGER)')), { name: 'f', what: /argument n is INT64/, rule: 'int64Argument', doc: UDF_PAGE });
  assert.equal(parse(js('f(n FLOAT64, s STRING)', 'RETURNS INT64 LANGUAGE js AS "return n;"')).length, 1);
  const [, wrapper] = parse(`${js('f(n FLOAT64)')}\nCREATE FUNCTION \`p.d.g\`(n INT64) AS (\`p.d.f\`(CAST(n AS FLOAT64)));`);
  assert.equal(wrapper.sql.callee, 'f');
});

test('ANY TYPE is refused as an argument of a JavaScript UDF and as any RETURNS', () => {
  refused(() => parse(js('f(x ANY TYPE)')), { name: 'f', what: /argument x is ANY TYPE, a templated parameter/, rule: 'anyTypeArgument', doc: UDF_PAGE });
  refused(() => parse(`${js('f(n FLOAT64)')}\nCREATE FUNCTION \`p.d.g\`(n FLOAT64) RETURNS ANY TYPE AS (\`p.d.f\`(n));`),
    { name: 'g', what: /RETURNS ANY TYPE/, rule: 'anyTypeReturn', doc: UDF_PAGE });
});

test('a JavaScript UDF without RETURNS is refused (a SQL function may omit it)', () => {
  refused(() => parse(js('f(x STRING)', 'LANGUAGE js AS "return 1;"')), { name: 'f', what: /a JavaScript UDF has no RETURNS clause/, rule: 'jsReturns', doc: 'https://cloud.google.com/bigquery/docs/reference' });
  const [, g] = parse(`${js('f(n FLOAT64)')}\nCREATE FUNCTION \`p.d.g\`(n FLOAT64) AS (\`p.d.f\`(n));`);
  assert.equal(g.returns.kind, 'FLOAT64');
  // The manifest form: no "returns".
  const file = path.join(tmp, 'noreturns.json');
  fs.writeFileSync(file, JSON.stringify({ format: 'jatopic-package/2', functions: [{ name: 'f', arguments: [], libraries: [], body: 'return 1;' }] }));
  refused(() => loadPackage(file), { name: 'f', what: /no RETURNS clause/, rule: 'jsReturns', doc: 'https://cloud.google.com/bigquery/docs/reference' });
});

test('a type without a JavaScript encoding is refused in a JavaScript UDF', () => {
  refused(() => parse(js('f(t DATETIME)')), { name: 'f', what: /argument t is DATETIME; DATETIME has no JavaScript encoding/, rule: 'jsType', doc: UDF_PAGE });
  refused(() => parse(js('f(x STRING)', 'RETURNS GEOGRAPHY LANGUAGE js AS ""')), { name: 'f', what: /RETURNS is GEOGRAPHY/, rule: 'jsType', doc: UDF_PAGE });
});

test('a SQL function with a library option is refused', () => {
  refused(() => parse(`${js('f(n FLOAT64)')}\nCREATE FUNCTION \`p.d.g\`(n FLOAT64) AS (\`p.d.f\`(n)) OPTIONS (library = "gs://b/x.js");`),
    { name: 'g', what: /a SQL function lists libraries/, rule: 'libraryOption', doc: UDF_PAGE });
});

// A package directory: files {name: bytes or text}, functions as manifest entries.
let seq = 0;
function packageDir(files, functions) {
  const dir = path.join(tmp, `pkg${++seq}`);
  fs.mkdirSync(dir);
  for (const [name, data] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), data);
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ format: 'jatopic-package/2', gcs_prefix: 'gs://b/p', functions }));
  return dir;
}
const fnEntry = (extra) => ({ name: 'f', sql_name: '`p.d.f`', arguments: [], returns: 'FLOAT64', libraries: [], body: 'return 1;', ...extra });

test('a library file over 1 MB is refused with the quota', () => {
  const big = `//${'x'.repeat(1_000_000 - 2)}`;
  loadPackage(packageDir({ 'a.js': big }, [fnEntry({ libraries: ['gs://b/p/a.js'] })]));
  assert.throws(() => loadPackage(packageDir({ 'a.js': `${big} ` }, [fnEntry({ libraries: ['gs://b/p/a.js'] })])), (e) => {
    assert.equal(e.code, 'LIMIT');
    assert.match(e.message, /library gs:\/\/b\/p\/a\.js is 1000001 bytes/);
    assert.ok(e.message.includes(`BigQuery: "${DDL_RULES.libraryFile.quote}" (${QUOTAS})`), e.message);
    return true;
  });
});

test('an inline body over 32 KB is refused with the quota', () => {
  const body = `return 1;${' '.repeat(32768 - 9)}`;
  assert.equal(parse(js('f()', `RETURNS FLOAT64 LANGUAGE js AS "${body}"`)).length, 1);
  refused(() => parse(js('f()', `RETURNS FLOAT64 LANGUAGE js AS "${body} "`)), { code: 'LIMIT', name: 'f', what: /inline JavaScript body is 32769 bytes/, rule: 'inlineBody', doc: QUOTAS });
});

test('more than 50 libraries in one CREATE FUNCTION are refused, even when they repeat one file', () => {
  const libs = (n) => Array.from({ length: n }, () => '"gs://b/p/a.js"').join(', ');
  assert.equal(parse(js('f()', `RETURNS FLOAT64 LANGUAGE js OPTIONS (library = [${libs(50)}]) AS ""`))[0].libraries.length, 50);
  refused(() => parse(js('f()', `RETURNS FLOAT64 LANGUAGE js OPTIONS (library = [${libs(51)}]) AS ""`)),
    { code: 'LIMIT', name: 'f', what: /it lists 51 libraries/, rule: 'libraries', doc: QUOTAS });
});

test('a library path over 5,000 characters is refused', () => {
  const uri = (n) => `gs://b/${'d/'.repeat((n - 12) / 2)}xy.js`;
  assert.equal(uri(5000).length, 5000);
  assert.equal(parse(js('f()', `RETURNS FLOAT64 LANGUAGE js OPTIONS (library = "${uri(5000)}") AS ""`)).length, 1);
  refused(() => parse(js('f()', `RETURNS FLOAT64 LANGUAGE js OPTIONS (library = "${uri(5002)}") AS ""`)),
    { code: 'LIMIT', name: 'f', what: /the library path gs:\/\/b\/d\/.*has 5002 characters/, rule: 'libraryPath', doc: QUOTAS });
});

test('more than 50 code resources in one query are refused with the quota', () => {
  const files = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`l${i}.js`, `var v${i} = ${i};`]));
  const uris = Object.keys(files).map((f) => `gs://b/p/${f}`);
  loadPackage(packageDir(files, [fnEntry({ libraries: uris.slice(0, 49) })]));
  assert.throws(() => loadPackage(packageDir(files, [fnEntry({ libraries: uris })])), (e) => {
    assert.equal(e.code, 'LIMIT');
    assert.match(e.message, /51 code resources \(50 library files \+ 1 function bodies\)/);
    assert.ok(e.message.includes(`BigQuery: "${DDL_RULES.resources.quote}" (${QUOTAS})`), e.message);
    return true;
  });
});

test('a persistent function name over 256 characters is refused', () => {
  const name = (n) => `f${'x'.repeat(n - 1)}`;
  assert.equal(parse(js(`${name(256)}()`)).length, 1);
  refused(() => parse(js(`${name(257)}()`)), { name: name(257), what: /its name has 257 characters/, rule: 'nameLength', doc: QUOTAS });
});

test('more than 256 arguments are refused', () => {
  const args = (n) => Array.from({ length: n }, (_, i) => `a${i} FLOAT64`).join(', ');
  assert.equal(parse(js(`f(${args(256)})`))[0].args.length, 256);
  refused(() => parse(js(`f(${args(257)})`)), { name: 'f', what: /it has 257 arguments/, rule: 'argumentCount', doc: QUOTAS });
});

test('an argument name over 128 characters is refused', () => {
  assert.equal(parse(js(`f(${'a'.repeat(128)} FLOAT64)`)).length, 1);
  refused(() => parse(js(`f(${'a'.repeat(129)} FLOAT64)`)), { name: 'f', what: /has 129 characters/, rule: 'argumentNameLength', doc: QUOTAS });
});

test('STRUCTs nested more than 15 levels deep are refused', () => {
  const nested = (n) => `${'STRUCT<a '.repeat(n)}FLOAT64${'>'.repeat(n)}`;
  assert.equal(parse(js(`f(x ${nested(15)})`)).length, 1);
  refused(() => parse(js('f()', `RETURNS ${nested(16)} LANGUAGE js AS ""`)), { name: 'f', what: /RETURNS nests STRUCTs 16 levels deep/, rule: 'structDepth', doc: QUOTAS });
});

test('more than 1,024 STRUCT fields in the arguments and result are refused', () => {
  const struct = (n) => `STRUCT<${Array.from({ length: n }, (_, i) => `f${i} FLOAT64`).join(', ')}>`;
  assert.equal(parse(js(`f(x ${struct(1000)})`, `RETURNS ${struct(24)} LANGUAGE js AS ""`)).length, 1);
  refused(() => parse(js(`f(x ${struct(1000)})`, `RETURNS ${struct(25)} LANGUAGE js AS ""`)),
    { name: 'f', what: /have 1025 STRUCT fields/, rule: 'structFields', doc: QUOTAS });
});

test('a TEMP function name with a period is refused', () => {
  assert.equal(parse('CREATE TEMP FUNCTION f() RETURNS FLOAT64 LANGUAGE js AS "";')[0].temp, true);
  refused(() => parse('CREATE TEMP FUNCTION d.f() RETURNS FLOAT64 LANGUAGE js AS "";'), { name: 'f', what: /the TEMP function is named d\.f/, rule: 'tempName', doc: UDF_PAGE });
});

test('a persistent SQL function calling a TEMP function is refused', () => {
  const temp = 'CREATE TEMP FUNCTION t(n FLOAT64) RETURNS FLOAT64 LANGUAGE js AS "return n;";';
  assert.equal(parse(`${temp}\nCREATE TEMP FUNCTION g(n INT64) AS (t(n));`)[1].sql.callee, 't');
  refused(() => parse(`${temp}\nCREATE FUNCTION \`p.d.g\`(n INT64) AS (t(n));`), { name: 'g', what: /calls the TEMP function t/, rule: 'tempReference', doc: UDF_PAGE });
});

test('a persistent SQL function calling a persistent one without its dataset is refused', () => {
  refused(() => parse(`${js('f(n FLOAT64)')}\nCREATE FUNCTION \`p.d.g\`(n INT64) AS (f(CAST(n AS FLOAT64)));`),
    { name: 'g', what: /it calls f without its dataset/, rule: 'qualifiedReference', doc: UDF_PAGE });
  assert.equal(parse(`${js('f(n FLOAT64)')}\nCREATE FUNCTION \`p.d.g\`(n INT64) AS (d.f(CAST(n AS FLOAT64)));`)[1].sql.callee, 'f');
});

test('every rule quotes BigQuery documentation by its address', () => {
  for (const [name, rule] of Object.entries(DDL_RULES)) {
    assert.match(rule.doc, /^https:\/\/cloud\.google\.com\/bigquery\/(docs|quotas)/, name);
    assert.ok(rule.quote.length > 30, name);
  }
});
