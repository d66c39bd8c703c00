// The functions behind the SQL UDFs (see create_functions.sql, written by
// `jatopic package`): BigQuery's NULL handling and types, the input limits
// and their messages, on top of the jatopic.* API (api.js). Spliced into the
// bundle by js/bundle.mjs.

// MAX_TEXT_UNITS, MAX_ANALYZE_UNITS and MAX_READING_UNITS, the longest inputs accepted (UTF-16
// units; beyond them BigQuery's per-row output limit, ≈5 MB, would be
// exceeded anyway; callers split with SUBSTR), are defined before this file
// by the bundle from the UDF contract (js/bundle.mjs, CONTRACT_PRELUDE).
// READINGS_FILE is the readings library file's name (the contract's too).
// Whitespace-only rows (U+3000 included, which MeCab would report as a
// symbol token) give an empty array, as documented for the SQL functions.
const BLANK = /^\s*$/;
function sqlText(t, fn, limit) {
  if (typeof t !== 'string') throw new Error(fn + ': expected a STRING argument, got ' + typeof t);
  if (t.length > limit) {
    // LENGTH() in SQL counts characters; a character is 1 or 2 units, so
    // pieces of limit / 2 characters always fit.
    const half = limit / 2;
    throw new Error(fn + ': the text is ' + characters(t) + ' characters (' + t.length + ' UTF-16 units); the limit is ' + limit +
      ' UTF-16 units. Split it before calling ' + fn + ', e.g. SUBSTR(text, 1, ' + half + '), SUBSTR(text, ' + (half + 1) + ', ' + half + '), ... (' + half + ' characters always fit)');
  }
  return wellFormed(t);
}
function characters(s) {
  let n = s.length;
  for (let i = 1; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xdc00 && c <= 0xdfff) { const p = s.charCodeAt(i - 1); if (p >= 0xd800 && p <= 0xdbff) n--; }
  }
  return n;
}
// BigQuery strings are valid UTF-8: a lone surrogate (only possible from
// JS callers) becomes U+FFFD in the input, once, one unit for one (the
// tokenizer reads it so anyway), so every surface is well formed.
function wellFormed(s) {
  return /[\ud800-\udfff]/.test(s) ? s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd') : s;
}
// Hiragana as katakana, the rest kept (IPADIC's katakana; `katakana` in
// src/tokenizer/dictionary/readings.rs): ja_reading's unknown words.
function katakana(s) {
  return s.replace(/[\u3041-\u3096\u309d\u309e]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0x60));
}
// The n largest weights, ties by topic number (ja_top_topics).
function topTopics(theta, n) {
  const order = theta.map((w, k) => k).sort((a, b) => theta[b] - theta[a] || a - b);
  return order.slice(0, n).map((k) => ({ topic: k, weight: theta[k] }));
}
// The jatopic.sql object over `api` (the jatopic.* API, or a stand-in in tests).
function sqlFunctions(api) {
  // ja_tokenize and ja_analyze, and their search-mode twins (separate
  // functions: BigQuery UDFs cannot be overloaded; see docs/bigquery.md).
  const SEARCH = Object.freeze({ mode: 'search' });
  function tokenize(t, fn, options) {
    if (t === null || t === undefined) return null;
    const s = sqlText(t, fn, MAX_TEXT_UNITS);
    return BLANK.test(s) ? [] : api.wakati(s, options);
  }
  function analyze(t, fn, options) {
    if (t === null || t === undefined) return null;
    const s = sqlText(t, fn, MAX_ANALYZE_UNITS);
    if (BLANK.test(s)) return [];
    // reading and pronunciation: NULL without the readings file, '*' for
    // unknown words (as MeCab and the CLI), else IPADIC's katakana.
    return api.tokenize(s, options).map((k) => ({
      surface: k.surface, start: k.start + 1, length: k.end - k.start,
      pos1: k.pos[0], pos2: k.pos[1], pos3: k.pos[2], pos4: k.pos[3],
      conjugation_type: k.conjugation.type, conjugation_form: k.conjugation.form,
      base_form: k.base_form, known: k.known,
      reading: k.reading === undefined ? null : k.reading,
      pronunciation: k.pronunciation === undefined ? null : k.pronunciation,
    }));
  }
  return {
    ja_tokenize(t) { return tokenize(t, 'ja_tokenize', undefined); },
    ja_tokenize_search(t) { return tokenize(t, 'ja_tokenize_search', SEARCH); },
    ja_analyze(t) { return analyze(t, 'ja_analyze', undefined); },
    ja_analyze_search(t) { return analyze(t, 'ja_analyze_search', SEARCH); },
    // The katakana reading of the whole text (a search key): the tokens'
    // readings, an unknown word's (or a reading-less word's) surface with
    // hiragana in katakana; whitespace dropped.
    ja_reading(t) {
      if (t === null || t === undefined) return null;
      const s = sqlText(t, 'ja_reading', MAX_READING_UNITS);
      if (!api.hasReadings()) {
        throw new Error('ja_reading: no readings are loaded: list ' + READINGS_FILE + ' (written by `jatopic package --readings`) after jatopic-tokenizer.js in the function\'s libraries');
      }
      if (BLANK.test(s)) return '';
      let out = '';
      for (const k of api.tokenize(s)) out += k.known && k.reading !== '*' ? k.reading : katakana(k.surface);
      return out;
    },
    ja_terms(t) {
      if (t === null || t === undefined) return null;
      return api.terms(sqlText(t, 'ja_terms', MAX_TEXT_UNITS));
    },
    ja_topics(t) {
      if (t === null || t === undefined) return null;
      return api.topics(sqlText(t, 'ja_topics', MAX_TEXT_UNITS));
    },
    ja_top_topics(t, n) {
      if (t === null || t === undefined || n === null || n === undefined) return null;
      const count = Number(n);
      if (!Number.isInteger(count) || count < 0) throw new Error('ja_top_topics: n must be a non-negative integer, got ' + JSON.stringify(n));
      return topTopics(api.topics(sqlText(t, 'ja_top_topics', MAX_TEXT_UNITS)), count);
    },
    ja_topics_from_terms(terms) {
      if (terms === null || terms === undefined) return null;
      if (!Array.isArray(terms)) throw new Error('ja_topics_from_terms: expected ARRAY<STRING>');
      return api.topicsFromTerms(terms);
    },
  };
}
