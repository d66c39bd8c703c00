// jatopic.selftest(expected): the body of the SQL function ja_selftest(), the
// first query to run after deploying. It reports what this worker loaded and
// how the engine behaves, and never throws: every failure becomes a reason.
// `expected` is written into the function body by `jatopic package`, from the
// native code: {version, libraries: [{file, role, sha256}] (SHA-256 of the
// data each library file embeds: the wasm module, each full lexicon part,
// the packed user dictionary, the readings, each model part's bytes), sentence, tokens (its `jatopic tokenize` surfaces), with
// the readings file reading (the sentence's, as ja_reading gives it), and
// with a model document + topics ([[topic, weight]], its top topics by
// `jatopic infer`)}.
// Spliced into the bundle after api.js by js/bundle.mjs.

// How far a packaged weight may be from the native one (they are computed by
// the same code, so in practice they are equal).
const SELFTEST_WEIGHT_TOLERANCE = 1e-9;

function selftest(expected) {
  const reasons = [];
  const attempt = (what, f) => {
    try { return f(); } catch (e) { reasons.push(what + ': ' + String(e && e.message || e)); return null; }
  };
  const features = wasmFeatures();
  const probed = Object.keys(features);
  const missing = WASM_NEEDS.filter((f) => !features[f]);
  if (missing.length > 0) reasons.push('this JavaScript engine is too old for jatopic: its WebAssembly lacks ' + missing.join(', '));
  if (expected.version !== VERSION) {
    reasons.push('jatopic-tokenizer.js is jatopic ' + VERSION + ' but the functions were packaged by jatopic ' + expected.version + ': deploy the library files and create_functions.sql of one package');
  }
  // Each library file's embedded data, found by its role (src/bigquery/libraries.rs).
  const partsOf = (role) => expected.libraries.filter((lib) => lib.role === role).length;
  const seen = {};
  const part = (parts, role, lib, k, what) => {
    const n = partsOf(role);
    const p = parts.length === n ? parts[k] : null;
    if (p) return attempt(lib.file, () => decode7(p.data, p.bytes));
    reasons.push(lib.file + ' (' + what + ' part ' + (k + 1) + ' of ' + n + ') was not loaded: list every library file of the package, in order');
    return null;
  };
  const libraries = expected.libraries.map((lib) => {
    const k = seen[lib.role] = (seen[lib.role] || 0) + 1;
    let data = null;
    if (lib.role === 'tokenizer') {
      data = attempt(lib.file, () => decode7(WASM_TEXT, WASM_BYTES));
    } else if (lib.role === 'lexicon') {
      data = part(lexiconParts, 'lexicon', lib, k - 1, 'full lexicon');
    } else if (lib.role === 'model') {
      data = part(modelParts, 'model', lib, k - 1, 'model');
    } else {
      const src = lib.role === 'readings' ? readingsSource : userDictionarySource;
      if (src && src.data !== null) data = attempt(lib.file, () => decode7(src.data, src.length));
      else reasons.push(lib.file + ' (' + String(lib.role).replace('_', ' ') + ') was not loaded: list every library file of the package, in order');
    }
    const digest = data === null ? null : sha256(data);
    if (lib.sha256 === null) {
      reasons.push('the package recorded no checksum for ' + lib.file + ' (a tokenizer library built before jatopic recorded one): rebuild it with make wasm and package again');
    } else if (digest !== null && digest !== lib.sha256) {
      reasons.push(lib.file + ' is damaged or from another package: its embedded data has SHA-256 ' + digest + ', the package recorded ' + lib.sha256);
    }
    if (lib.role === 'tokenizer' && digest !== null && digest !== WASM_SHA256) {
      reasons.push(lib.file + ' is damaged: its embedded module has SHA-256 ' + digest + ', its build recorded ' + WASM_SHA256);
    }
    if (lib.role === 'tokenizer' && DICT_BYTES > 0) {
      // The compact lexicon it carries (none in a full-lexicon package).
      const dict = attempt(lib.file + ' (compact lexicon)', () => decode7(DICT_TEXT, DICT_BYTES));
      const dictDigest = dict === null ? null : sha256(dict);
      if (dictDigest !== null && dictDigest !== DICT_SHA256) {
        reasons.push(lib.file + ' is damaged: its compact lexicon has SHA-256 ' + dictDigest + ', its build recorded ' + DICT_SHA256);
      }
    }
    return { file: lib.file, sha256: digest, expected_sha256: lib.sha256 };
  });
  if (partsOf('model') === 0 && modelParts.length > 0) {
    reasons.push('model library files are loaded but the package has no model: deploy the files of one package');
  }
  // The tokenizer first (the model, if any, loads on the first topics call).
  const initialised = attempt('initialisation', () => jatopicApi.memoryBytes() > 0) === true;
  let sentenceOk = false;
  if (initialised) {
    const tokens = attempt('the fixed sentence', () => jatopicApi.wakati(expected.sentence));
    sentenceOk = tokens !== null && JSON.stringify(tokens) === JSON.stringify(expected.tokens);
    if (tokens !== null && !sentenceOk) {
      reasons.push('the fixed sentence ' + JSON.stringify(expected.sentence) + ' gave ' + JSON.stringify(tokens) + ', expected ' + JSON.stringify(expected.tokens));
    }
    // With the readings file: its reading too (ja_reading).
    if (typeof expected.reading === 'string') {
      const reading = attempt('the fixed sentence\'s reading', () => jatopicApi.sql.ja_reading(expected.sentence));
      if (reading !== expected.reading) {
        sentenceOk = false;
        if (reading !== null) reasons.push('the fixed sentence\'s reading is ' + JSON.stringify(reading) + ', expected ' + JSON.stringify(expected.reading));
      }
    }
  }
  let topicsOk = null;
  if (expected.topics) {
    topicsOk = false;
    if (initialised) {
      const theta = attempt('the fixed document', () => jatopicApi.topics(expected.document));
      if (theta !== null) {
        const top = topTopics(theta, expected.topics.length).map((t) => [t.topic, t.weight]);
        topicsOk = top.length === expected.topics.length &&
          top.every((t, i) => t[0] === expected.topics[i][0] && Math.abs(t[1] - expected.topics[i][1]) <= SELFTEST_WEIGHT_TOLERANCE);
        if (!topicsOk) reasons.push('the fixed document gave the top topics ' + JSON.stringify(top) + ', expected ' + JSON.stringify(expected.topics));
      }
    }
  }
  const memoryBytes = initialised ? attempt('memory', () => jatopicApi.memoryBytes()) : null;
  return {
    jatopic_version: VERSION,
    libraries,
    wasm_features: probed.filter((f) => features[f]),
    wasm_features_missing: probed.filter((f) => !features[f]),
    wasm_memory_bytes: memoryBytes,
    init_ms: initMs === null ? null : initMs + (modelMs || 0),
    sentence_ok: sentenceOk,
    topics_ok: topicsOk,
    ok: reasons.length === 0,
    reason: reasons.length === 0 ? null : reasons.join('; '),
  };
}
jatopicApi.selftest = selftest;
