// The bad-input table (docs/hardening.md, "Bad input"): every row run through
// the real package in the local BigQuery sandbox, for every SQL function, and
// compared with the native CLI where the two must agree. ROWS below is the
// table: a test checks that docs/hardening.md holds each row exactly as
// rendered here (the CLI cells are checked by tests/bad_input.rs).
// Needs target/release/jatopic and build/jatopic-tokenizer.js (`make build wasm`).
//
// Print the table: JATOPIC_PRINT_BAD_INPUT_TABLE=1 node js/test/badinput.test.mjs
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { loadPackage } from '../bq-sandbox.mjs';

const root = new URL('../../', import.meta.url).pathname;
const bin = process.env.JATOPIC_BIN || `${root}target/release/jatopic`;
const library = process.env.JATOPIC_BUNDLE || `${root}build/jatopic-tokenizer.js`;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'jatopic-badinput-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

const K = 3;
// A small corpus of our own, so the model knows some of the rows' words.
const CORPUS = [
  '東京で手作りの陶器を買った', '東京の駅でカフェに行く', '陶器のマグカップを東京で売る',
  'ＬＥＤライト付きのランプを作った', 'ランプとライトを手作りする', 'LEDのライトは明るい',
  'カフェでケーキを食べた', 'ケーキとコーヒーが好き', 'コーヒーを飲みにカフェへ行く',
  '猫の写真を撮る', '猫が好きでカフェに行く', '写真と猫とケーキ',
];

// A text of exactly 5 MiB of UTF-8 (5,242,880 bytes): 87,381 sentences of
// 20 three-byte characters, then 20 ASCII letters.
const SENTENCE = '手作りの陶器マグカップを販売しています。';
const FIVE_MB = SENTENCE.repeat(87_381) + 'abcdefghijklmnopqrst';

const run = (args, input) => execFileSync(bin, args, { input, maxBuffer: 1 << 30 }).toString('utf8');
const ndjson = (text) => text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l));

let worker, prior;

before(async () => {
  fs.writeFileSync(`${tmp}/corpus.txt`, CORPUS.join('\n') + '\n');
  run(['train', '--k', String(K), '--iterations', '30', '--seed', '5', '--min-df', '1', '--max-df', '1.0',
    '--input-format', 'text', '--out', `${tmp}/model.jtm`, `${tmp}/corpus.txt`]);
  run(['package', '--out', `${tmp}/pkg`, '--gcs-prefix', 'gs://jatopic-test/badinput', '--dataset', 'test-project.jatopic',
    '--model', `${tmp}/model.jtm`, '--library', library]);
  worker = loadPackage(`${tmp}/pkg`).createWorker({ timeoutMs: 0 });
  prior = await worker.call('ja_topics', ['']);
});

// What BigQuery's SUBSTR sees: a lone surrogate cannot be in a STRING; the
// functions read it as U+FFFD, one character for one.
const wellFormed = (s) => s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
// The characters the tokenizer skips between tokens (MeCab's SPACE class).
const SKIPPED = new Set([' ', '\t', '\n', '\v']);

// The checks every non-NULL row within the limits passes: tokens tile the
// text (start/length are SUBSTR positions in characters; only skipped
// whitespace between them), ja_tokenize = ja_analyze's surfaces, ja_topics is
// a distribution equal to ja_topics_from_terms(ja_terms(text)), and
// ja_top_topics ranks it.
async function assertConsistent(s) {
  const analyzed = await worker.call('ja_analyze', [s]);
  const chars = Array.from(wellFormed(s));
  let at = 0;
  for (const t of analyzed) {
    assert.ok(t.start - 1 >= at && t.length > 0, JSON.stringify(t));
    for (const c of chars.slice(at, t.start - 1)) assert.ok(SKIPPED.has(c), `skipped ${JSON.stringify(c)} before ${JSON.stringify(t)}`);
    assert.equal(chars.slice(t.start - 1, t.start - 1 + t.length).join(''), t.surface);
    assert.ok(!/[\ud800-\udfff]/.test(t.surface.replace(/[\ud800-\udbff][\udc00-\udfff]/g, '')), 'surface is well formed');
    at = t.start - 1 + t.length;
  }
  if (!/^\s*$/.test(s)) for (const c of chars.slice(at)) assert.ok(SKIPPED.has(c), `skipped ${JSON.stringify(c)} at the end`);
  assert.deepEqual(await worker.call('ja_tokenize', [s]), analyzed.map((t) => t.surface));
  const terms = await worker.call('ja_terms', [s]);
  const theta = await worker.call('ja_topics', [s]);
  assert.equal(theta.length, K);
  assert.ok(theta.every(Number.isFinite) && Math.abs(theta.reduce((a, b) => a + b, 0) - 1) < 1e-12, JSON.stringify(theta));
  assert.deepEqual(await worker.call('ja_topics_from_terms', [terms]), theta);
  const top = await worker.call('ja_top_topics', [s, '2']);
  const order = theta.map((w, k) => k).sort((a, b) => theta[b] - theta[a] || a - b);
  assert.deepEqual(top, order.slice(0, 2).map((k) => ({ topic: k, weight: theta[k] })));
  if (!terms.includes(s)) assert.deepEqual(await worker.call('ja_topics_from_terms', [[s]]), prior);
  return { analyzed, terms, theta };
}

// The CLI on the same text must give the same tokens, terms and topics
// (rows whose text is one valid UTF-8 line).
async function assertCliAgrees(s, { analyzed, terms, theta }) {
  const [native] = ndjson(run(['tokenize', '--output', 'json'], s + '\n'));
  assert.deepEqual(analyzed, native.map((t) => ({
    surface: t.surface, start: t.start + 1, length: t.end - t.start,
    pos1: t.pos[0], pos2: t.pos[1], pos3: t.pos[2], pos4: t.pos[3],
    conjugation_type: t.conjugation.type, conjugation_form: t.conjugation.form,
    base_form: t.base_form, known: t.known,
    reading: null, pronunciation: null, // a package without readings
  })));
  const doc = JSON.stringify({ id: 'x', text: s }) + '\n';
  assert.deepEqual(ndjson(run(['terms', '--input-format', 'ndjson', '--model', `${tmp}/model.jtm`, '-'], doc))[0].terms, terms);
  assert.deepEqual(ndjson(run(['infer', '--input-format', 'ndjson', '--model', `${tmp}/model.jtm`, '-'], doc))[0].topics, theta);
}

const surfaces = (analyzed) => analyzed.map((t) => t.surface);

// The reference itself, for the rows documented "as MeCab": `mecab` (the
// set-up installs it) on one line, as [surface, first POS field] per token.
function mecab(line) {
  const out = execFileSync('mecab', [], { input: line + '\n', encoding: 'utf8' });
  assert.ok(out.endsWith('EOS\n'), out);
  return out.slice(0, -'EOS\n'.length).split('\n').filter((l) => l !== '').map((l) => {
    const tab = l.indexOf('\t');
    return [l.slice(0, tab), l.slice(tab + 1).split(',')[0]];
  });
}
const asMecab = (analyzed) => analyzed.map((t) => [t.surface, t.pos1]);
const LIMIT_MESSAGE = (fn, chars, units, limit) => new RegExp(`^${fn}: the text is ${chars} characters \\(${units} UTF-16 units\\); the limit is ${limit} UTF-16 units\\. Split it before calling ${fn}, e\\.g\\. SUBSTR\\(text, 1, ${limit / 2}\\), SUBSTR\\(text, ${limit / 2 + 1}, ${limit / 2}\\), \\.\\.\\. \\(${limit / 2} characters always fit\\)`);

const CLI_SAME = 'same terms and topics as SQL, bit for bit';
const TOPICS_SAME = 'the distribution of its terms (= `jatopic infer`)';
const FROM_TERMS_SAME = 'of `ja_terms(text)`: = `ja_topics(text)`; `[text]` itself is no vocabulary term: normalised α';

// One row per input class: the text (shown in the doc), the documented
// result per column, and the check that backs them.
const ROWS = [
  {
    name: 'NULL', input: '`NULL` (SQL), `"text": null` (NDJSON)',
    cells: ['NULL', 'NULL', 'NULL (also when n is NULL)', 'NULL', '— (a line is never NULL)', '`"text": null` is no text: terms `[]`, topics = normalised α'],
    async check() {
      for (const f of ['ja_tokenize', 'ja_analyze', 'ja_terms', 'ja_topics', 'ja_topics_from_terms']) assert.equal(await worker.call(f, [null]), null, f);
      assert.equal(await worker.call('ja_top_topics', [null, '3']), null);
      assert.equal(await worker.call('ja_top_topics', ['東京', null]), null);
    },
  },
  {
    name: 'empty', input: "`''`",
    cells: ['`[]`', '`[]`', 'normalised α (K numbers, sum 1); top n by α', 'normalised α (for `[]` and `[\'\']`)', 'an empty line / `EOS` / `[]`', 'terms `[]`, topics = normalised α'],
    async check() {
      assert.deepEqual(await worker.call('ja_tokenize', ['']), []);
      assert.deepEqual(await worker.call('ja_analyze', ['']), []);
      assert.deepEqual(await worker.call('ja_terms', ['']), []);
      assert.equal(prior.length, K);
      assert.ok(prior.every((x) => Math.abs(x - 1 / K) < 1e-12), JSON.stringify(prior));
      assert.deepEqual(await worker.call('ja_top_topics', ['', '2']), [{ topic: 0, weight: prior[0] }, { topic: 1, weight: prior[1] }]);
      assert.deepEqual(await worker.call('ja_topics_from_terms', [[]]), prior);
      assert.deepEqual(await worker.call('ja_topics_from_terms', [['']]), prior);
      await assertCliAgrees('', await assertConsistent(''));
    },
  },
  {
    name: 'whitespace-only', input: "`' \\t\\n\\u3000\\u00a0 '`",
    cells: ['`[]` (any JavaScript `\\s`, U+3000 included)', '`[]`', 'normalised α', 'normalised α', 'spaces and tabs skipped; U+3000 and U+00A0 are 記号 tokens (as MeCab)', 'terms `[]`, topics = normalised α'],
    async check() {
      for (const s of [' ', '\t\n', ' \t\n\u3000\u00a0 ', '\r', '\u2028\ufeff']) {
        assert.deepEqual(await worker.call('ja_tokenize', [s]), [], JSON.stringify(s));
        assert.deepEqual(await worker.call('ja_analyze', [s]), [], JSON.stringify(s));
        assert.deepEqual(await worker.call('ja_terms', [s]), [], JSON.stringify(s));
        assert.deepEqual(await worker.call('ja_topics', [s]), prior);
        assert.deepEqual(await worker.call('ja_topics_from_terms', [[s]]), prior);
      }
      // The CLI is MeCab: only U+3000 and U+00A0 make tokens.
      const [native] = ndjson(run(['tokenize', '--output', 'json'], ' \t\u3000\u00a0 \n'));
      assert.deepEqual(native.map((t) => [t.surface, t.pos[0]]), [['\u3000', '記号'], ['\u00a0', '記号']]);
      assert.deepEqual(mecab(' \t\u3000\u00a0 '), [['\u3000', '記号'], ['\u00a0', '記号']]);
    },
  },
  {
    name: 'string of 5 MB', input: '5,242,880 bytes of Japanese (1,747,640 characters)',
    cells: [
      'Error: `ja_tokenize: the text is 1747640 characters (1747640 UTF-16 units); the limit is 1000000 UTF-16 units. Split it before calling ja_tokenize, e.g. SUBSTR(text, 1, 500000), SUBSTR(text, 500001, 500000), ... (500000 characters always fit)`; ja_analyze: the same with its limit, 50000',
      'Error: the same message, limit 1000000', 'Error: the same message, limit 1000000', 'normalised α (a 5 MB term is not in the vocabulary; terms have no length limit)',
      'one result line, nothing dropped (surfaces + skipped spaces = the line)', 'one document, all of its terms',
    ],
    async check() {
      assert.equal(Buffer.byteLength(FIVE_MB), 5 * 1024 * 1024);
      const chars = 1_747_640;
      assert.equal(FIVE_MB.length, chars);
      for (const [fn, limit, args] of [['ja_tokenize', 1_000_000, [FIVE_MB]], ['ja_analyze', 50_000, [FIVE_MB]], ['ja_terms', 1_000_000, [FIVE_MB]],
        ['ja_topics', 1_000_000, [FIVE_MB]], ['ja_top_topics', 1_000_000, [FIVE_MB, '3']]]) {
        await assert.rejects(worker.call(fn, args), (e) => {
          assert.match(e.message, new RegExp(`^${fn}: Error: `));
          assert.match(e.message.replace(`${fn}: Error: `, ''), LIMIT_MESSAGE(fn, chars, chars, limit));
          return true;
        });
      }
      // Characters, not units, in the message: an emoji is one character, two units.
      await assert.rejects(worker.call('ja_analyze', ['😀'.repeat(25_001)]), (e) => {
        assert.match(e.message.replace('ja_analyze: Error: ', ''), LIMIT_MESSAGE('ja_analyze', 25_001, 50_002, 50_000));
        return true;
      });
      // Pieces of half the limit in characters always fit, even as emoji.
      assert.equal((await worker.call('ja_tokenize', ['😀'.repeat(25_000)])).join(''), '😀'.repeat(25_000));
      // A run of one character class at the limit stays within the sandbox's
      // default time limit (the unknown-word scan is linear, not quadratic).
      const limited = loadPackage(`${tmp}/pkg`).createWorker();
      try {
        for (const c of ['a', 'ア', '1']) {
          assert.equal((await limited.call('ja_tokenize', [c.repeat(1_000_000)])).join(''), c.repeat(1_000_000));
        }
      } finally {
        await limited.close?.();
      }
      assert.deepEqual(await worker.call('ja_topics_from_terms', [[FIVE_MB]]), prior);
      // The worker still serves rows after the errors.
      assert.deepEqual(await worker.call('ja_tokenize', ['東京に行く']), ['東京', 'に', '行く']);
    },
  },
  {
    name: 'lone surrogates', input: "`'\\ud800東京\\udc00に\\ud83d'`",
    cells: ['U+FFFD replaces each lone surrogate (one character for one: positions unchanged), an unknown 記号 token; pairs untouched', 'U+FFFD dropped (no letters): `["東京"]`', TOPICS_SAME, 'a lone surrogate in a term reads as U+FFFD', 'cannot occur in UTF-8; their bytes are invalid UTF-8: see "invalid UTF-8"', 'cannot occur in UTF-8; a `"\\ud800"` escape is a malformed row: see "invalid UTF-8"'],
    async check() {
      const s = '\ud800東京\udc00に\ud83d';
      const { analyzed, terms } = await assertConsistent(s);
      assert.deepEqual(surfaces(analyzed), ['\ufffd', '東京', '\ufffd', 'に', '\ufffd']);
      assert.deepEqual(analyzed.filter((t) => t.surface === '\ufffd').map((t) => [t.start, t.length, t.pos1, t.known]), [[1, 1, '記号', false], [4, 1, '記号', false], [6, 1, '記号', false]]);
      assert.deepEqual(terms, ['東京']);
      assert.deepEqual(surfaces(await worker.call('ja_analyze', ['😀東京'])), ['😀', '東京']);
      assert.deepEqual(await worker.call('ja_topics_from_terms', [['東\ud800']]), await worker.call('ja_topics_from_terms', [['東\ufffd']]));
      // The CLI reads the same text, with U+FFFD in place, identically.
      await assertCliAgrees(wellFormed(s), await assertConsistent(wellFormed(s)));
    },
  },
  {
    name: 'control characters', input: "`'a\\u0007b\\u001b[0m東京\\tに\\r行く\\u007f\\u0085\\u000b'`",
    cells: ['`\\t`, `\\n`, `\\v` skipped; every other run of control characters (`\\r` included, as MeCab) is an unknown 記号 token', 'control tokens dropped (no letters)', TOPICS_SAME, FROM_TERMS_SAME, 'same tokens as SQL (a line ends at `\\n`; a final `\\r` is removed as CRLF); raw in wakati/mecab, escaped in json', CLI_SAME],
    async check() {
      const s = 'a\u0007b\u001b[0m東京\tに\r行く\u007f\u0085\u000b';
      const r = await assertConsistent(s);
      assert.deepEqual(surfaces(r.analyzed), ['a', '\u0007', 'b', '\u001b', '[', '0', 'm', '東京', 'に', '\r', '行く', '\u007f\u0085']);
      assert.deepEqual(asMecab(r.analyzed), mecab(s));
      assert.deepEqual(r.terms, ['a', 'b', 'm', '東京', '行く']);
      await assertCliAgrees(s, r);
    },
  },
  {
    name: 'NUL', input: "`'東京\\u0000に\\u0000'`",
    cells: ['each NUL is an unknown 記号 token `"\\u0000"`; neighbours unaffected', 'NUL dropped: `["東京"]`', TOPICS_SAME, FROM_TERMS_SAME, 'NUL bytes are characters: same tokens as SQL (`\\u0000` in json)', CLI_SAME],
    async check() {
      const s = '東京\u0000に\u0000';
      const r = await assertConsistent(s);
      assert.deepEqual(r.analyzed.map((t) => [t.surface, t.start, t.length, t.pos1, t.known]),
        [['東京', 1, 2, '名詞', true], ['\u0000', 3, 1, '記号', false], ['に', 4, 1, '助詞', true], ['\u0000', 5, 1, '記号', false]]);
      assert.deepEqual(r.terms, ['東京']);
      await assertCliAgrees(s, r);
    },
  },
  {
    name: 'emoji ZWJ sequences and variation selectors', input: "`'👨\\u200d👩\\u200d👧が好き❤\\ufe0fと☺\\ufe0e'`",
    cells: ['as MeCab: each emoji, each ZWJ and each variation selector is its own unknown token (an emoji is one character)', 'emoji, ZWJ and selectors dropped: `["好き"]`', TOPICS_SAME, FROM_TERMS_SAME, 'same tokens as SQL', CLI_SAME],
    async check() {
      const s = '👨\u200d👩\u200d👧が好き❤\ufe0fと☺\ufe0e';
      const r = await assertConsistent(s);
      assert.deepEqual(surfaces(r.analyzed), ['👨', '\u200d', '👩', '\u200d', '👧', 'が', '好き', '❤', '\ufe0f', 'と', '☺', '\ufe0e']);
      assert.deepEqual(asMecab(r.analyzed), mecab(s));
      assert.deepEqual(r.analyzed.slice(0, 5).map((t) => [t.start, t.length]), [[1, 1], [2, 1], [3, 1], [4, 1], [5, 1]]);
      assert.deepEqual(r.terms, ['好き']);
      await assertCliAgrees(s, r);
    },
  },
  {
    name: 'combining marks', input: "`'か\\u3099ぎ\\u0301e\\u0301\\u0301'` (decomposed, NFD)",
    cells: ['as MeCab, no NFC composition: U+3099 joins the following kana (`゙ぎ`), a run of U+0301 is an unknown 記号 token; nothing lost', '`["゙ぎ", "e"]`', TOPICS_SAME, FROM_TERMS_SAME, 'same tokens as SQL', CLI_SAME],
    async check() {
      const s = 'か\u3099ぎ\u0301e\u0301\u0301';
      const r = await assertConsistent(s);
      assert.deepEqual(surfaces(r.analyzed), ['か', '\u3099ぎ', '\u0301', 'e', '\u0301\u0301']);
      assert.deepEqual(asMecab(r.analyzed), mecab(s));
      assert.deepEqual(r.terms, ['\u3099ぎ', 'e']);
      await assertCliAgrees(s, r);
    },
  },
  {
    name: 'Latin, Cyrillic and Hangul with Japanese', input: "`'Москваで김치を食べたcafé'`",
    cells: ['each Latin, Cyrillic or Hangul run is one unknown token (Hangul as 記号); Japanese from the dictionary', '`["Москва", "食べる", "café"]` (Hangul is not a term; only ASCII is lower-cased)', TOPICS_SAME, FROM_TERMS_SAME, 'same tokens as SQL', CLI_SAME],
    async check() {
      const s = 'Москваで김치を食べたcafé';
      const r = await assertConsistent(s);
      assert.deepEqual(r.analyzed.map((t) => [t.surface, t.pos1, t.known]),
        [['Москва', '名詞', false], ['で', '助詞', true], ['김치', '記号', false], ['を', '助詞', true], ['食べ', '動詞', true], ['た', '助動詞', true], ['café', '名詞', false]]);
      assert.deepEqual(r.terms, ['Москва', '食べる', 'café']);
      await assertCliAgrees(s, r);
    },
  },
  {
    name: 'HTML and URLs', input: "`'<b>東京</b>&amp; https://example.com/a?b=c&d=東京'`",
    cells: ['no markup stripping or entity decoding: tags, entities and URL pieces are ordinary tokens', 'their letters are terms (`b`, `amp`, `https`, `example`, `com`, ...): strip markup first (REGEXP_REPLACE)', TOPICS_SAME, FROM_TERMS_SAME, 'same tokens as SQL', CLI_SAME],
    async check() {
      const s = '<b>東京</b>&amp; https://example.com/a?b=c&d=東京';
      const r = await assertConsistent(s);
      assert.deepEqual(surfaces(r.analyzed).slice(0, 9), ['<', 'b', '>', '東京', '</', 'b', '>&', 'amp', ';']);
      assert.deepEqual(r.terms, ['b', '東京', 'b', 'amp', 'https', 'example', 'com', 'a', 'b', 'c', 'd', '東京']);
      await assertCliAgrees(s, r);
    },
  },
  {
    name: 'full-width ASCII', input: "`'ＬＥＤライト　ＳＩＺＥ１２３！'`",
    cells: ['tokens as written (`ＬＥＤ`, `ライト`, `　`, `ＳＩＺＥ`, ...); positions refer to the input', 'width-normalised and lower-cased: `["led", "ライト", "size"]`', TOPICS_SAME, FROM_TERMS_SAME, 'same tokens as SQL (`--normalize` for ASCII tokens)', CLI_SAME],
    async check() {
      const s = 'ＬＥＤライト　ＳＩＺＥ１２３！';
      const r = await assertConsistent(s);
      assert.deepEqual(surfaces(r.analyzed).slice(0, 4), ['ＬＥＤ', 'ライト', '\u3000', 'ＳＩＺＥ']);
      assert.deepEqual(r.terms, ['led', 'ライト', 'size']);
      // The model knows "led" and "ライト" from its corpus: the text is not the prior.
      assert.notDeepEqual(r.theta, prior);
      await assertCliAgrees(s, r);
    },
  },
  {
    name: 'invalid UTF-8', input: 'bytes `ED A0 80`, `FF` inside a line (CLI only)',
    cells: ['— (a STRING is valid UTF-8)', '—', '—', '—',
      'stderr `jatopic: line N: invalid UTF-8, skipped`, an empty result in its place (output line N is input line N), `L lines read, S skipped (invalid UTF-8)` at the end; exit 0',
      'a malformed row, `FILE:LINE: invalid UTF-8` (or `invalid JSON: ...` for a `"\\ud800"` escape): exit 2, or skipped and counted with `--max-bad-rows N`'],
    async check() {
      // The lines around a bad one keep their places and equal ja_tokenize.
      const input = Buffer.concat([Buffer.from('東京に行く\n'), Buffer.from([0xed, 0xa0, 0x80, 0x41, 0x0a, 0xff, 0x0a]), Buffer.from('猫が好き\n')]);
      const out = execFileSync(bin, ['tokenize'], { input, stdio: ['pipe', 'pipe', 'pipe'] }).toString('utf8').split('\n');
      assert.deepEqual(out, ['東京 に 行く', '', '', (await worker.call('ja_tokenize', ['猫が好き'])).join(' '), '']);
    },
  },
];

const escapeCell = (s) => s.replace(/\|/g, '\\|');
const rowLine = (r) => `| ${[r.name + ': ' + r.input, ...r.cells, `\`bad input: ${r.name}\`, \`bad_input::${rustName(r.name)}\``].map(escapeCell).join(' | ')} |`;
export const rustName = (name) => name.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');

export function table() {
  const head = ['input', '`ja_tokenize`, `ja_analyze`', '`ja_terms`', '`ja_topics`, `ja_top_topics`', '`ja_topics_from_terms`', '`jatopic tokenize`', '`jatopic terms`, `jatopic infer`', 'tests'];
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...ROWS.map(rowLine)].join('\n');
}

if (process.env.JATOPIC_PRINT_BAD_INPUT_TABLE) console.log(table());

for (const r of ROWS) test(`bad input: ${r.name}`, () => r.check());

test('docs/hardening.md holds the bad-input table exactly as tested', () => {
  const doc = fs.readFileSync(`${root}docs/hardening.md`, 'utf8');
  assert.ok(doc.includes('## Bad input'), 'no "## Bad input" section');
  for (const line of table().split('\n')) assert.ok(doc.includes(line + '\n'), `docs/hardening.md lacks the row:\n${line}`);
});
