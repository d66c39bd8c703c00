// BigQuery types: parsing and formatting type strings, and the values a row's
// arguments carry (JSON in, the JavaScript values BigQuery passes, CAST).
import { fail } from './errors.mjs';
import { Cursor } from './sql.mjs';

// ---------------------------------------------------------------- SQL types

const SCALARS = { STRING: 'STRING', INT64: 'INT64', INT: 'INT64', INTEGER: 'INT64', BIGINT: 'INT64', SMALLINT: 'INT64', TINYINT: 'INT64', BYTEINT: 'INT64', FLOAT64: 'FLOAT64', BOOL: 'BOOL', BOOLEAN: 'BOOL' };
// BigQuery types this sandbox cannot emulate: parsed (so that BigQuery's own
// rule about them is the one reported), refused by checkDefinitions.
const OTHER_TYPES = ['BYTES', 'NUMERIC', 'BIGNUMERIC', 'DECIMAL', 'BIGDECIMAL', 'DATE', 'TIMESTAMP', 'JSON', 'DATETIME', 'TIME', 'GEOGRAPHY', 'INTERVAL', 'RANGE'];

// type := ARRAY<type> | STRUCT<[name] type, ...> | STRING | INT64 | FLOAT64 | BOOL (+ aliases) | ANY TYPE | another BigQuery type
export function parseTypeAt(cur) {
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

// ------------------------------------------------------------ value encodings

export const INT64_MIN = -(2n ** 63n), INT64_MAX = 2n ** 63n - 1n, SAFE = 2n ** 53n;

export function preview(v) {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === 'bigint') return `${v}n`;
  if (v === null || ['number', 'boolean', 'undefined'].includes(typeof v)) return String(v);
  return Array.isArray(v) ? 'an array' : `a${typeof v === 'object' ? 'n' : ''} ${typeof v}`;
}
export const join = (p, k) => (typeof k === 'number' ? `${p}[${k}]` : p ? `${p}.${k}` : k);
export const typeError = (t, v, p, rest = '') => fail('TYPE', `${p ? `${p}: ` : ''}expected ${t.kind}, got ${preview(v)}${rest}`, { path: p });

export function toInt64(t, v, p) {
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
export function encodeArg(t, v, p) {
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
export function castValue(v, from, to, p) {
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
