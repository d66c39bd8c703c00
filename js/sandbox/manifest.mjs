// Reading a package: manifest.json or create_functions.sql, the library files
// behind the gs:// URIs, checked against BigQuery's rules (limits.mjs).
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { SandboxError, fail } from './errors.mjs';
import { Cursor, where } from './sql.mjs';
import { parseType, parseTypeAt } from './types.mjs';
import { CONTRACT, checkDefinitions, checkLimits } from './limits.mjs';
import { createWorker } from './execution.mjs';

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
/**
 * The readings library file (the contract's readings_file) where the
 * contract says a function uses it: a function of the contract with
 * "readings": "required" must list it, and one with "optional" must when any
 * function of the package lists it (else its readings would be NULL in one
 * function and not in another). Functions are recognised by their body, so
 * whatever the package's prefix; functions outside the contract are left alone.
 */
function checkReadings(fns) {
  const lists = (f) => f.libraries.some((uri) => uri.split('/').pop() === CONTRACT.readings_file);
  const packaged = fns.some(lists);
  for (const f of fns) {
    const c = CONTRACT.functions.find((c) => c.language === 'js' && c.body === f.body.trim());
    const use = c?.readings ?? 'none';
    if ((use === 'required' || (use === 'optional' && packaged)) && !lists(f)) {
      fail('PACKAGE', `${f.where}: function ${f.name} does not list ${CONTRACT.readings_file} among its libraries, which the UDF contract says it ${use === 'required' ? 'needs' : 'uses in a package with readings'} (package again with jatopic package --readings)`);
    }
  }
}

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
  checkReadings(fns);
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
