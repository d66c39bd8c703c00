// Lexing GoogleSQL for the sandbox: tokens, positions for messages, and a
// cursor the type, DDL and expression parsers share.
import { fail } from './errors.mjs';

// ---------------------------------------------------------------- SQL lexing

export function where(src, at) {
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

export class Cursor {
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
