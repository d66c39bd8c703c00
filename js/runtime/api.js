// The jatopic.* API of the bundle: one wasm instance per worker, compiled
// and instantiated on first use, its dictionary (the compact lexicon this
// file carries, or the full one of the jatopic-lexicon-*.js files) and user
// dictionary handed over then, the exchange of text and numbers through
// wasm memory, and the packaged model assembled from its library files.
// Spliced into the bundle by js/bundle.mjs, which defines VERSION, WASM_TEXT,
// WASM_BYTES, DICT_TEXT, DICT_BYTES, READINGS_FILE, USER_DICTIONARY_FILE and
// makeBindings() (wasm-bindgen's glue) around it.

let compiled = null;
let bindings = null;
// Milliseconds the first compile + instantiate + dictionary load of this
// worker took, and the packaged model's load (for jatopic.selftest).
let initMs = null, modelMs = null;
// Compile and instantiate once per worker, on first use, then build the
// tokenizer. A failure names the library file and says which way to go: a
// damaged copy (its SHA-256 differs from the one recorded at build), an
// engine too old for the module (a WebAssembly feature it needs is
// missing), or a dictionary damaged or missing.
function ready() {
  if (bindings === null) {
    const started = Date.now();
    let b;
    try {
      if (compiled === null) compiled = new WebAssembly.Module(decode7(WASM_TEXT, WASM_BYTES));
      b = makeBindings();
      memory = memoryBuffer = null; // a new instance has its own memory
      readingsAttached = false; // and its own tokenizer, without readings yet
      b.initSync({ module: compiled });
    } catch (e) {
      compiled = null;
      throw new Error(moduleFailure(e));
    }
    const lexicon = lexiconSource();
    try {
      b.init_dictionary(lexicon.bytes());
    } catch (e) {
      // jatopic's own errors (the dictionary rejected) say what is damaged;
      // anything else is the module and its glue disagreeing.
      if (!/^jatopic: /.test(String(e && e.message))) throw new Error(moduleFailure(e));
      throw new Error('jatopic: ' + lexicon.what + ': ' + String(e && e.message || e).replace(/^jatopic: /, '') + ' (' + lexicon.fix + ')');
    }
    userDictionaryAttached = false;
    bindings = b;
    if (initMs === null) initMs = Date.now() - started;
  }
  if (!userDictionaryAttached) {
    // A user dictionary registered or reloaded: attached now (a rejected
    // one throws on every call, as long as it is listed).
    if (userDictionarySource !== null) attachUserDictionary(bindings, userDictionarySource);
    userDictionaryAttached = true;
  }
  return bindings;
}
const FRESH_COPY = 'replace it with a fresh copy from make wasm or jatopic package';
// The lexicon to build the tokenizer from: {what, fix, bytes()}.
let lexiconParts = [];
let lexiconGiven = null; // the bytes given to loadDictionary
function lexiconSource() {
  if (lexiconGiven !== null) {
    return { what: 'the dictionary given to jatopic.loadDictionary', fix: 'give the bytes of a .jtd file', bytes: () => lexiconGiven };
  }
  const n = lexiconParts.length;
  if (n > 0) {
    const what = 'the full lexicon (jatopic-lexicon-1.js to jatopic-lexicon-' + n + '.js)';
    const missing = lexiconParts.findIndex((p) => p === null);
    if (missing >= 0) throw new Error('jatopic: full lexicon part ' + (missing + 1) + ' of ' + n + ' is missing from the library list: list every jatopic-lexicon-*.js file of the package, in order');
    return {
      what, fix: 'the library files are damaged: ' + FRESH_COPY,
      bytes: () => {
        const all = new Uint8Array(lexiconParts.reduce((t, p) => t + p.bytes, 0));
        let at = 0;
        lexiconParts.forEach((p, i) => {
          try {
            all.set(decode7(p.data, p.bytes), at);
            at += p.bytes;
          } catch (e) {
            throw new Error('jatopic: jatopic-lexicon-' + (i + 1) + '.js is damaged: ' + e.message.replace(/^jatopic: /, '') + '; ' + FRESH_COPY);
          }
        });
        return all;
      },
    };
  }
  if (DICT_BYTES === 0) {
    throw new Error('jatopic: this jatopic-tokenizer.js is from a package with the full lexicon, which is in its jatopic-lexicon-*.js files: list them after it, in order');
  }
  return {
    what: 'jatopic-tokenizer.js', fix: 'the library file is damaged: ' + FRESH_COPY,
    bytes: () => decode7(DICT_TEXT, DICT_BYTES),
  };
}
// A user dictionary: registered by the jatopic-userdict.js library file
// (packed, 7-bit text decoded on first use) or given to loadUserDictionary
// (the file's text and name); attached when the tokenizer is built, and
// again after a trap or a new dictionary.
let userDictionarySource = null; // {what, packed: bool, data, length, text, name}
let userDictionaryAttached = false;
function attachUserDictionary(b, src) {
  let bytes = null;
  if (src.packed) {
    try {
      bytes = decode7(src.data, src.length);
    } catch (e) {
      throw new Error('jatopic: ' + src.what + ' is damaged: ' + e.message.replace(/^jatopic: /, '') + '; replace it with a fresh copy from jatopic package --user-dict');
    }
  }
  try {
    return src.packed ? b.load_packed_user_dictionary(bytes) : giveUserDictionaryText(b, src.text, src.name);
  } catch (e) {
    if (e instanceof WebAssembly.RuntimeError) throw e;
    throw new Error('jatopic: ' + src.what + ' was rejected: ' + String(e && e.message || e).replace(/^jatopic: /, ''));
  } finally {
    userTokens.clear();
  }
}
// Per user dictionary token (analyze_input's base number): its nine features.
const userTokens = new Map();
const USER_ID = 0xffffffff;
function userToken(b, index) {
  let fields = userTokens.get(index);
  if (fields === undefined) {
    const f = JSON.parse(b.user_token_json(index));
    fields = {
      pos: Object.freeze(f.slice(0, 4)),
      conjugation: Object.freeze({ type: f[4], form: f[5] }),
      base_form: f[6], reading: f[7], pronunciation: f[8],
    };
    userTokens.set(index, fields);
  }
  return fields;
}
// Why the embedded module did not compile or instantiate, as a message.
function moduleFailure(e) {
  const problem = String(e && e.message || e).replace(/^jatopic: /, '');
  const fresh = 'replace it with a fresh copy from make wasm or jatopic package';
  let bytes;
  try {
    bytes = decode7(WASM_TEXT, WASM_BYTES);
  } catch (d) {
    return 'jatopic: jatopic-tokenizer.js: ' + d.message.replace(/^jatopic: /, '') + ' (the library file is damaged: ' + fresh + ')';
  }
  const digest = sha256(bytes);
  if (digest !== WASM_SHA256) {
    return 'jatopic: jatopic-tokenizer.js is damaged: its embedded WebAssembly module has SHA-256 ' + digest +
      ', not the ' + WASM_SHA256 + ' recorded when it was built (' + problem + '); ' + fresh;
  }
  const accepted = wasmFeatures();
  const missing = WASM_NEEDS.filter((f) => !accepted[f]);
  if (missing.length > 0) {
    return 'jatopic: this JavaScript engine is too old for jatopic-tokenizer.js: its WebAssembly lacks ' + missing.join(', ') +
      ' (the file is intact; the engine said: ' + problem + '). jatopic needs WebAssembly with ' + WASM_NEEDS.join(', ') + ' (V8 of 2020 or later)';
  }
  return 'jatopic: jatopic-tokenizer.js: the engine rejected the intact WebAssembly module (' + problem +
    '); please report it to jatopic with the engine and its version';
}
// A trap (a bug in jatopic, or memory exhausted) may leave the instance
// inconsistent: report it as an Error and start a fresh instance next time.
function call(f) {
  const b = ready();
  try {
    return f(b);
  } catch (e) {
    if (e instanceof WebAssembly.RuntimeError) {
      bindings = null;
      model = null;
      throw new Error('jatopic: internal error in the wasm module (' + e.message + '); please report it with the input');
    }
    throw e instanceof Error ? e : new Error(String(e));
  }
}
function text(t, what) {
  if (typeof t !== 'string') throw new TypeError('jatopic.' + what + ': expected a string, got ' + (t === null ? 'null' : typeof t));
  return t;
}
// The string goes in as UTF-16 code units written straight into wasm
// memory and comes back as numbers read from there (see input_units in
// src/wasm.rs): surfaces are slices of the JS string, no UTF-8 conversion
// happens and nothing is allocated per call but the results themselves.
let units = new Uint16Array(4096);
let memory = null, memoryBuffer = null, memory16 = null, memory32 = null;
function views(b) {
  if (memory === null) memory = b.wasm_memory();
  if (memory.buffer !== memoryBuffer) {
    memoryBuffer = memory.buffer;
    memory16 = new Uint16Array(memoryBuffer);
    memory32 = new Uint32Array(memoryBuffer);
  }
}
// Hands a user dictionary's text to wasm (user_dictionary_begin in
// src/wasm.rs), which makes it UTF-8, hashes it and parses it. In pieces of
// at most USER_TEXT_PIECE units, never between the two halves of a
// surrogate pair.
const USER_TEXT_PIECE = 65536;
// One piece's units into wasm memory at m[to + at..]: a function of its own,
// called per piece, which V8 optimises after the first few (the loop inline
// ran in baseline code until on-stack replacement: 6 % of the hand-over).
function copyUnits(m, to, t, at, end) {
  for (let i = at; i < end; i++) m[to + i] = t.charCodeAt(i);
}
function giveUserDictionaryText(b, t, name) {
  b.user_dictionary_begin(t.length);
  for (let at = 0; at < t.length;) {
    let end = Math.min(at + USER_TEXT_PIECE, t.length);
    const last = t.charCodeAt(end - 1);
    if (end < t.length && last >= 0xd800 && last <= 0xdbff) end--;
    const to = (b.input_units(end - at) >>> 1) - at;
    views(b);
    copyUnits(memory16, to, t, at, end);
    b.user_dictionary_piece();
    at = end;
  }
  return b.user_dictionary_end(name);
}
// Runs analyze_input (with readings when `readings`) or segment_input on s;
// returns [numbers, first index].
function exchange(b, s, options, segment, readings) {
  const at = b.input_units(s.length) >>> 1;
  views(b);
  for (let i = 0; i < s.length; i++) memory16[at + i] = s.charCodeAt(i);
  const normalize = !!(options && options.normalize);
  const search = searchMode(options, segment ? 'wakati' : 'tokenize');
  const n = segment ? b.segment_input(normalize, search) : b.analyze_input(normalize, search, readings);
  const from = b.output_numbers() >>> 2;
  views(b);
  return [n, from];
}
// IPADIC's readings: registered by the jatopic-readings.js library file
// (addReadings: its 7-bit text, decoded on first use) or given to
// loadReadings (bytes); attached to the wasm instance's tokenizer on first
// use, and again after a trap starts a fresh instance.
let readingsSource = null; // {what, bytes: Uint8Array | null, length, data}
let readingsAttached = false;
// Whether tokens get readings; attaches them first. A damaged or mismatched
// readings file throws an Error naming it (every call, as long as it is listed).
function readingsReady(b) {
  if (readingsSource === null) return false;
  if (!readingsAttached) {
    const src = readingsSource;
    if (src.bytes === null) {
      try {
        src.bytes = decode7(src.data, src.length);
      } catch (e) {
        throw new Error('jatopic: ' + src.what + ' is damaged: ' + e.message.replace(/^jatopic: /, '') + '; replace it with a fresh copy from jatopic package --readings');
      }
    }
    try {
      b.load_readings(src.bytes);
    } catch (e) {
      if (e instanceof WebAssembly.RuntimeError) throw e;
      throw new Error('jatopic: ' + src.what + ' was rejected: ' + String(e && e.message || e).replace(/^jatopic: /, ''));
    }
    readingsAttached = true;
  }
  return true;
}
// analyze_input's reading length of an unknown word, and pronunciation
// length of one equal to the reading (NO_READING, SAME_AS_READING in src/wasm.rs).
const NO_READING = 0xffffffff, SAME_AS_READING = 0xfffffffe;
// options.mode: 'normal' (the default) or 'search' (Kuromoji's search mode:
// long compounds split). Anything else is refused rather than ignored.
function searchMode(options, what) {
  const mode = options ? options.mode : undefined;
  if (mode === undefined || mode === 'normal') return false;
  if (mode === 'search') return true;
  throw new TypeError('jatopic.' + what + ': options.mode must be "normal" or "search", got ' +
    (typeof mode === 'string' ? JSON.stringify(mode) : String(mode)));
}
// Per context id, its features ({pos, conjugation}, frozen and shared by
// every token), fetched the first time a token has the id.
let features = [];
function featureOf(b, id) {
  let f = features[id];
  if (f === undefined) {
    const fields = JSON.parse(b.feature_json(id));
    f = features[id] = Object.freeze({
      pos: Object.freeze(fields.slice(0, 4)),
      conjugation: Object.freeze({ type: fields[4], form: fields[5] }),
    });
  }
  return f;
}
const bases = new Map();
function baseForm(b, code, surface) {
  if (code < 2) return surface;
  let base = bases.get(code);
  if (base === undefined) {
    base = b.base_form(code - 2);
    bases.set(code, base);
  }
  return base;
}
const jatopicApi = {
  version: VERSION,
  /**
   * Tokens of a string: {surface, start, end, pos[4], conjugation{type, form},
   * base_form, known}. start/end are code-point offsets. pos and conjugation
   * objects are shared and frozen. options: {normalize: true} for width
   * normalisation (offsets still refer to the input), {mode: 'search'} for
   * Kuromoji's search mode (long compounds split: 関西国際空港 gives 関西,
   * 国際, 空港), e.g. jatopic.tokenize(text, {normalize: true, mode: 'search'}).
   */
  tokenize(t, options) {
    const s = text(t, 'tokenize');
    return call((b) => {
      const readings = readingsReady(b);
      const [n, from] = exchange(b, s, options, false, readings);
      const width = readings ? 8 : 6;
      // Copied out first: base_form() below may grow (and move) wasm memory.
      const r = memory32.slice(from, from + n);
      // Every reading as one string (made in pieces: apply takes a bounded
      // number of arguments), sliced per token below.
      let all = '';
      if (readings) {
        let total = 0;
        for (let i = 6; i < n; i += 8) if (r[i] !== NO_READING) total += r[i] + (r[i + 1] === SAME_AS_READING ? 0 : r[i + 1]);
        const at = b.output_readings() >>> 1;
        views(b);
        for (let k = 0; k < total; k += 8192) all += String.fromCharCode.apply(null, memory16.subarray(at + k, at + Math.min(total, k + 8192)));
      }
      const out = new Array(n / width);
      for (let i = 0, k = 0, at = 0; i < n; i += width, k++) {
        const surface = s.slice(r[i + 2], r[i + 3]);
        if (r[i + 4] === USER_ID) {
          // A user dictionary word: its own features and reading.
          const u = userToken(b, r[i + 5]);
          out[k] = {
            surface, start: r[i], end: r[i + 1], pos: u.pos, conjugation: u.conjugation,
            base_form: u.base_form, known: true, reading: u.reading, pronunciation: u.pronunciation,
          };
          continue;
        }
        const f = featureOf(b, r[i + 4]);
        const token = out[k] = {
          surface, start: r[i], end: r[i + 1], pos: f.pos, conjugation: f.conjugation,
          base_form: baseForm(b, r[i + 5], surface), known: r[i + 5] !== 1,
        };
        if (readings) {
          // '*' for unknown words, as MeCab and `jatopic tokenize --output json`.
          if (r[i + 6] === NO_READING) {
            token.reading = token.pronunciation = '*';
          } else {
            const reading = token.reading = all.slice(at, at += r[i + 6]);
            token.pronunciation = r[i + 7] === SAME_AS_READING ? reading : all.slice(at, at += r[i + 7]);
          }
        }
      }
      return out;
    });
  },
  /** Surfaces only, as `mecab -Owakati` (an array of strings); options as tokenize's. */
  wakati(t, options) {
    const s = text(t, 'wakati');
    return call((b) => {
      const [n, from] = exchange(b, s, options, true, false);
      const r = memory32, out = new Array(n / 2);
      for (let i = from, k = 0; k < out.length; i += 2, k++) out[k] = s.slice(r[i], r[i + 1]);
      return out;
    });
  },
  /** Loads the dictionary (and the readings and packaged model, if any) now rather than on the first call. */
  init() { call((b) => { readingsReady(b); if (modelParts.length > 0) modelReady(b); return null; }); },
  /**
   * Registers IPADIC's readings (called by the jatopic-readings.js library
   * file): `bytes` of a .jtr file as 7-bit text (`data`: a function whose
   * comment holds it, or the text itself; see decode7), decoded on first
   * use. Tokens then carry reading and pronunciation. The other add* calls
   * take their data likewise.
   */
  addReadings(bytes, data) {
    readingsSource = { what: READINGS_FILE + ' (IPADIC readings, ' + bytes + ' bytes)', bytes: null, length: bytes, data };
    readingsAttached = false;
  },
  /**
   * Loads IPADIC's readings from the bytes of a .jtr file (dict/ipadic-readings.jtr,
   * made with the embedded dictionary): tokens then carry reading and
   * pronunciation ('*' for unknown words, as MeCab). A damaged file or one
   * made for another dictionary throws, and the readings in use stay.
   */
  loadReadings(bytes) {
    if (!(bytes instanceof Uint8Array)) throw new TypeError('jatopic.loadReadings: expected a Uint8Array with the bytes of a .jtr file');
    return call((b) => {
      const copy = bytes.slice();
      const what = 'the readings given to jatopic.loadReadings (' + copy.length + ' bytes)';
      try {
        b.load_readings(copy);
      } catch (e) {
        if (e instanceof WebAssembly.RuntimeError) throw e;
        throw new Error('jatopic: ' + what + ' were rejected: ' + String(e && e.message || e).replace(/^jatopic: /, ''));
      }
      readingsSource = { what, bytes: copy, length: copy.length, data: null };
      readingsAttached = true;
      return true;
    });
  },
  /**
   * Registers part `index` (0-based) of `count` of the full lexicon (called
   * by the jatopic-lexicon-*.js library files of a `jatopic package
   * --lexicon full` package): the tokenizer is built from it on first use.
   */
  addLexiconPart(index, count, bytes, data) {
    if (!(index >= 0 && index < count) || lexiconParts.length > 0 && lexiconParts.length !== count) {
      throw new Error('jatopic: lexicon part ' + (index + 1) + ' of ' + count + ' does not match the parts already loaded; list the jatopic-lexicon-*.js files of one package, in order');
    }
    if (lexiconParts.length === 0) lexiconParts = new Array(count).fill(null);
    lexiconParts[index] = { bytes, data };
    bindings = null; // built from the full lexicon on first use
  },
  /**
   * Builds the tokenizer from the bytes of a .jtd file (dict/ipadic-full.jtd
   * for all of IPADIC, MeCab's output), replacing the lexicon in use. The
   * readings belong to the old lexicon and are dropped (load the new one's
   * with loadReadings); a user dictionary is attached again. A damaged file
   * throws, and the lexicon in use stays. Returns the tier: 'compact' or 'full'.
   */
  loadDictionary(bytes) {
    if (!(bytes instanceof Uint8Array)) throw new TypeError('jatopic.loadDictionary: expected a Uint8Array with the bytes of a .jtd file');
    return call((b) => {
      const copy = bytes.slice();
      try {
        b.init_dictionary(copy);
      } catch (e) {
        if (e instanceof WebAssembly.RuntimeError) throw e;
        throw new Error('jatopic: the dictionary given to jatopic.loadDictionary (' + copy.length + ' bytes) was rejected: ' + String(e && e.message || e).replace(/^jatopic: /, ''));
      }
      lexiconGiven = copy;
      readingsSource = null;
      readingsAttached = false;
      features = [];
      bases.clear();
      if (userDictionarySource !== null) {
        try {
          attachUserDictionary(b, userDictionarySource);
        } catch (e) {
          userDictionarySource = null;
          throw e;
        }
      }
      return b.lexicon_tier();
    });
  },
  /** The lexicon tier in use: 'compact' or 'full'. */
  lexicon() { return call((b) => b.lexicon_tier()); },
  /**
   * Registers a packed user dictionary (called by the jatopic-userdict.js
   * library file): attached when the tokenizer is built.
   */
  addUserDictionary(bytes, data) {
    userDictionarySource = { what: USER_DICTIONARY_FILE + ' (' + bytes + ' bytes)', packed: true, data, length: bytes, bytes: null };
    userDictionaryAttached = false; // attached on the next call
  },
  /**
   * Loads a user dictionary from the text of its CSV file, as `--user-dict`
   * does natively: MeCab's IPADIC CSV (13 columns) or Kuromoji's
   * `surface,segmentation,readings,part_of_speech` lines, detected from the
   * columns. `name` names it in errors (FILE:LINE: problem). Replaces the
   * one in use; a file with an error throws, and the one in use stays.
   * Returns the number of distinct surfaces.
   */
  loadUserDictionary(csv, name) {
    const t = text(csv, 'loadUserDictionary');
    const file = name === undefined ? 'user dictionary' : String(name);
    return call((b) => {
      const src = { what: 'the user dictionary given to jatopic.loadUserDictionary', packed: false, data: null, text: t, name: file };
      const n = attachUserDictionary(b, src);
      userDictionarySource = src;
      return n;
    });
  },
  /** Detaches the user dictionary, if any. */
  clearUserDictionary() {
    return call((b) => { b.clear_user_dictionary(); userDictionarySource = null; userTokens.clear(); return null; });
  },
  /** Whether a user dictionary is loaded or registered. */
  hasUserDictionary() { return userDictionarySource !== null; },
  /** Whether readings are loaded or registered (a damaged readings file throws on first use). */
  hasReadings() { return readingsSource !== null; },
  /** Size of the wasm memory in bytes. */
  memoryBytes() { return call((b) => b.memory_bytes()); },
  /**
   * Registers part `index` (0-based) of `count` of a packaged model
   * (called by the jatopic-model-*.js library files). The model is decoded
   * when first used, once every part is present.
   */
  addModelPart(index, count, bytes, data) {
    if (!(index >= 0 && index < count) || modelParts.length > 0 && modelParts.length !== count) {
      throw new Error('jatopic: model part ' + (index + 1) + ' of ' + count + ' does not match the parts already loaded; list the jatopic-model-*.js files of one package, in order');
    }
    if (modelParts.length === 0) modelParts = new Array(count).fill(null);
    modelParts[index] = { bytes, data };
    model = null;
    modelBytes = null;
  },
  /** Loads a model from the bytes of a .jtm file (replacing the packaged one); returns its info. */
  loadModel(bytes) {
    if (!(bytes instanceof Uint8Array)) throw new TypeError('jatopic.loadModel: expected a Uint8Array with the bytes of a .jtm file');
    // The old model stays in use if the new one is rejected.
    return call((b) => {
      const copy = bytes.slice();
      const info = setModel(b, copy, 'the model given to jatopic.loadModel (' + copy.length + ' bytes)');
      modelParts = [];
      modelBytes = copy;
      return info;
    });
  },
  /** The loaded model's K, vocabulary size, α, β, term pipeline and training metadata. */
  modelInfo() { return call((b) => modelReady(b)); },
  /**
   * The terms of a string through the model's term pipeline (the default
   * pipeline when no model is packaged): exactly `jatopic terms [--model]`.
   */
  terms(t) {
    const s = text(t, 'terms');
    return call((b) => {
      if (modelParts.length > 0 || modelBytes !== null) modelReady(b);
      return JSON.parse(b.terms_utf16(units16(s)));
    });
  },
  /** Topic distribution of a string (exactly `jatopic infer`): K numbers summing to 1. */
  topics(t) {
    const s = text(t, 'topics');
    return call((b) => { modelReady(b); return Array.from(b.topics_utf16(units16(s))); });
  },
  /** Topic distribution of an array of terms (terms outside the vocabulary are ignored). */
  topicsFromTerms(terms) {
    if (!Array.isArray(terms)) throw new TypeError('jatopic.topicsFromTerms: expected an array of strings');
    return call((b) => { modelReady(b); return topicsFromTerms(b, terms); });
  },
  /** The n most probable words of a topic: [{word, weight}]. */
  topWords(topic, n) {
    return call((b) => {
      const info = modelReady(b);
      if (!(Number.isInteger(topic) && topic >= 0 && topic < info.k)) throw new RangeError('jatopic.topWords: topic must be an integer in [0, ' + info.k + ')');
      const r = b.top_words(topic, n);
      const m = r.length / 2;
      const out = [];
      for (let i = 0; i < m; i++) out.push({ word: b.vocabulary_term(r[i]), weight: r[m + i] });
      return out;
    });
  },
};
// The functions behind the SQL UDFs (NULL handling and BigQuery types); see create_functions.sql.
jatopicApi.sql = sqlFunctions(jatopicApi);
let modelParts = [];
// Bytes given to loadModel, kept to reload after a trap.
let modelBytes = null;
// The loaded model's info; null when the wasm instance has no model yet.
let model = null;
// Assembles and loads the packaged model on first use (once per worker).
function modelReady(b) {
  if (model !== null) return model;
  if (modelBytes !== null) return setModel(b, modelBytes, 'the model given to jatopic.loadModel');
  if (modelParts.length === 0) throw new Error('jatopic: no topic model loaded; add the jatopic-model-*.js library files (written by `jatopic package --model`) after jatopic-tokenizer.js');
  const missing = modelParts.findIndex((p) => p === null);
  if (missing >= 0) throw new Error('jatopic: model part ' + (missing + 1) + ' of ' + modelParts.length + ' is missing from the library list');
  const started = Date.now();
  const total = modelParts.reduce((n, p) => n + p.bytes, 0);
  const all = new Uint8Array(total);
  let at = 0;
  const what = 'the packaged model (jatopic-model-1.js to jatopic-model-' + modelParts.length + '.js, ' + total + ' bytes)';
  try {
    for (const p of modelParts) { all.set(decode7(p.data, p.bytes), at); at += p.bytes; }
  } catch (e) {
    throw new Error('jatopic: ' + what + ' is damaged: ' + e.message.replace(/^jatopic: /, ''));
  }
  const info = setModel(b, all, what);
  modelMs = Date.now() - started;
  return info;
}
// `what` names the model's source in the error when it is rejected.
function setModel(b, bytes, what) {
  let json;
  try {
    json = b.load_model(bytes);
  } catch (e) {
    if (e instanceof WebAssembly.RuntimeError) throw e;
    throw new Error('jatopic: ' + what + ' was rejected: ' + String(e && e.message || e).replace(/^jatopic: /, ''));
  }
  const info = JSON.parse(json);
  const x = b.model_numbers();
  info.beta = x[0];
  info.training.max_df = x[1];
  info.training.log_likelihood = x[2];
  info.alpha = Array.from(x.subarray(3));
  model = info;
  return info;
}
function units16(s) {
  if (units.length < s.length) units = new Uint16Array(Math.max(s.length, 2 * units.length));
  for (let i = 0; i < s.length; i++) units[i] = s.charCodeAt(i);
  return units.subarray(0, s.length);
}
function topicsFromTerms(b, terms) {
  let n = 0;
  for (const t of terms) {
    if (typeof t !== 'string') throw new TypeError('jatopic.topicsFromTerms: every term must be a string, got ' + (t === null ? 'null' : typeof t));
    n += t.length;
  }
  const all = new Uint16Array(n);
  const ends = new Uint32Array(terms.length);
  let at = 0;
  terms.forEach((t, i) => { for (let j = 0; j < t.length; j++) all[at++] = t.charCodeAt(j); ends[i] = at; });
  return Array.from(b.topics_from_terms_utf16(all, ends));
}
