// jatopic browser demo. Uses only the `jatopic` global defined by
// jatopic-tokenizer.js (+ the packaged model parts) and capture.js.
(function () {
  'use strict';

  const $ = (sel) => document.querySelector(sel);
  const el = (tag, cls, text) => {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  };
  const fmtInt = (n) => Number(n).toLocaleString('ja-JP');
  const fmtMs = (ms) => (ms < 10 ? ms.toFixed(2) : ms.toFixed(0)) + ' ms';
  const pct = (w) => (w * 100 >= 10 ? (w * 100).toFixed(0) : (w * 100).toFixed(1)) + '%';
  const hue = (k) => Math.round((k * 137.508) % 360);

  const MAX_TOKEN_CHIPS = 3000;
  const LABEL_WORDS = 5;
  const EXPLORER_WORDS = 10;
  const EXPLORER_SAMPLES = 5;
  const DEBOUNCE_MS = 120;

  const ui = {
    text: $('#text'), samples: $('#samples'), tokens: $('#tokens'), terms: $('#terms'),
    topics: $('#topics'), explorer: $('#explorer'), explorerStatus: $('#explorer-status'),
    modelInfo: $('#model-info'), modelFile: $('#model-file'), modelReset: $('#model-reset'),
    error: $('#error'), timing: $('#timing'), version: $('#version'),
    readingsToggle: $('#readings-toggle'), readingsStatus: $('#readings-status'),
    userdictText: $('#userdict-text'), userdictApply: $('#userdict-apply'), userdictClear: $('#userdict-clear'),
    userdictPackaged: $('#userdict-packaged'),
    userdictFile: $('#userdict-file'), userdictExample: $('#userdict-example'),
    userdictStatus: $('#userdict-status'), userdictError: $('#userdict-error'),
    lexiconFile: $('#lexicon-file'), lexiconStatus: $('#lexicon-status'),
  };
  // A sentence the prefilled user dictionary segments differently.
  const USERDICT_EXAMPLE = 'がま口ポーチとハーバリウムボールペンを手作りしました';
  const PACKAGED_USERDICT = '使用中: パッケージ同梱';

  const state = {
    info: null,          // jatopic.modelInfo() of the current model, or null
    source: null,        // {kind: 'packaged'} or {kind: 'file', name, bytes}
    labels: [],          // per topic: top words [{word, weight}]
    samples: [],         // [{title, category}]
    ready: false,        // the first model (or none) has been adopted
    samplesLoaded: false,
    generation: 0,       // bumped on every model change
    sampleJob: 0,         // id of the running sample job; a new one cancels it
    lastText: null,
    initMs: 0,
    showReadings: false, // the readings checkbox is on (and the readings are in)
    lexiconFile: null,   // name of a .jtd opened by the user (replaces the packaged lexicon)
    readingsLoading: false,
  };

  function showError(message) {
    ui.error.textContent = message;
    ui.error.hidden = false;
  }
  function clearError() {
    ui.error.textContent = '';
    ui.error.hidden = true;
  }
  function messageOf(e) {
    return e && e.message ? e.message : String(e);
  }

  // ---- Tokens ------------------------------------------------------------

  function posClass(pos) {
    switch (pos[0]) {
      case '名詞': return 'pos-noun';
      case '動詞': return 'pos-verb';
      case '形容詞': return 'pos-adjective';
      case '助詞': return 'pos-particle';
      case '記号': return 'pos-symbol';
      default: return 'pos-other';
    }
  }

  function tokenTitle(t) {
    const lines = [
      t.surface,
      '品詞: ' + t.pos.filter((p) => p !== '*').join(' / '),
      '基本形: ' + t.base_form,
    ];
    if (t.conjugation.type !== '*') lines.push('活用: ' + t.conjugation.type + '・' + t.conjugation.form);
    if (t.reading !== undefined) lines.push('読み: ' + t.reading + ' / 発音: ' + t.pronunciation);
    lines.push(t.known ? '辞書: 既知語 (known)' : '辞書: 未知語 (unknown)');
    lines.push('位置: ' + t.start + '–' + t.end);
    return lines.join('\n');
  }

  function renderTokens(text, tokens) {
    const frag = document.createDocumentFragment();
    const n = Math.min(tokens.length, MAX_TOKEN_CHIPS);
    for (let i = 0; i < n; i++) {
      const t = tokens[i];
      const chip = el('span', 'token ' + posClass(t.pos) + (t.known ? '' : ' unknown'));
      chip.dataset.surface = t.surface;
      chip.title = tokenTitle(t);
      chip.appendChild(el('span', 'surface', t.surface));
      const meta = t.base_form !== t.surface ? t.pos[0] + '・' + t.base_form : t.pos[0];
      chip.appendChild(el('span', 'meta', meta));
      if (state.showReadings && t.reading !== undefined) {
        chip.dataset.reading = t.reading;
        chip.dataset.pronunciation = t.pronunciation;
        const r = t.pronunciation !== t.reading ? t.reading + '［' + t.pronunciation + '］' : t.reading;
        chip.appendChild(el('span', 'reading', r));
      }
      frag.appendChild(chip);
    }
    if (tokens.length > n) frag.appendChild(el('span', 'more', '… 他 ' + fmtInt(tokens.length - n) + ' 語'));
    if (tokens.length === 0) frag.appendChild(el('span', 'empty', text.trim() === '' ? 'テキストを入力してください' : '（形態素なし）'));
    ui.tokens.replaceChildren(frag);
    ui.tokens.dataset.count = String(tokens.length);
    ui.tokens.dataset.text = text;
    ui.tokens.dataset.readings = String(state.showReadings);
    ui.tokens.dataset.userdict = String(jatopic.hasUserDictionary());
  }

  function renderTerms(terms) {
    const frag = document.createDocumentFragment();
    if (terms === null) {
      ui.terms.replaceChildren();
      return;
    }
    frag.appendChild(el('span', 'terms-label', 'モデルが使う語 (terms):'));
    if (terms.length === 0) frag.appendChild(el('span', 'empty', 'なし — 内容語がないため事前分布 α のみ'));
    for (const t of terms) frag.appendChild(el('span', 'term', t));
    ui.terms.replaceChildren(frag);
  }

  // ---- Topics ------------------------------------------------------------

  function topicLabel(k) {
    const words = state.labels[k] || [];
    return words.slice(0, LABEL_WORDS).map((w) => w.word).join('・') || '（語なし）';
  }

  function topicBar(k, w) {
    const row = el('div', 'topic-bar');
    row.dataset.topic = String(k);
    row.dataset.weight = String(w);
    row.style.setProperty('--h', hue(k));
    row.title = 'トピック ' + k + ': ' + w;
    const name = el('button', 'topic-name');
    name.type = 'button';
    name.appendChild(el('span', 'topic-id', '#' + k));
    name.appendChild(el('span', 'topic-words', topicLabel(k)));
    name.addEventListener('click', () => focusTopic(k));
    const track = el('span', 'track');
    const fill = el('span', 'fill');
    fill.style.width = Math.max(0, Math.min(100, w * 100)).toFixed(3) + '%';
    track.appendChild(fill);
    row.append(name, track, el('span', 'value', pct(w)));
    return row;
  }

  function renderTopics(text, theta) {
    const order = theta.map((w, k) => k).sort((a, b) => theta[b] - theta[a] || a - b);
    const shown = theta.length <= 12 ? theta.length : 10;
    const frag = document.createDocumentFragment();
    for (const k of order.slice(0, shown)) frag.appendChild(topicBar(k, theta[k]));
    if (order.length > shown) {
      const rest = el('details', 'rest');
      rest.appendChild(el('summary', '', '他の ' + (order.length - shown) + ' トピック'));
      for (const k of order.slice(shown)) rest.appendChild(topicBar(k, theta[k]));
      frag.appendChild(rest);
    }
    ui.topics.replaceChildren(frag);
    ui.topics.dataset.k = String(theta.length);
    ui.topics.dataset.text = text;
    ui.topics.dataset.generation = String(state.generation);
  }

  // jatopic.topics refuses when the loaded user dictionary is not the one the
  // model was trained with: tokens still work, so say why in this panel only.
  function renderTopicsError(text, message) {
    const p = el('p', 'empty topics-error', 'トピックを推定できません: ' + message);
    const hint = el('p', 'hint', 'モデルは学習時と同じ辞書・ユーザー辞書でのみ推定します。学習時の状態に戻す（ユーザー辞書の解除・適用など）とトピックが表示されます。');
    ui.topics.replaceChildren(p, hint);
    ui.topics.dataset.k = '0';
    ui.topics.dataset.text = text;
    ui.topics.dataset.error = message;
  }

  function renderNoModel(text) {
    ui.topics.replaceChildren(el('p', 'empty', 'トピックモデルが読み込まれていません。.jtm ファイルを開いてください。'));
    ui.topics.dataset.k = '0';
    ui.topics.dataset.text = text;
  }

  // ---- Analysis ----------------------------------------------------------

  function analyze(force) {
    if (!state.ready) return; // adoptModel analyzes once the model is in
    const text = ui.text.value;
    if (!force && text === state.lastText) return;
    state.lastText = text;
    try {
      const t0 = performance.now();
      const tokens = jatopic.tokenize(text);
      const t1 = performance.now();
      renderTokens(text, tokens);
      let timing = '形態素解析 ' + fmtMs(t1 - t0);
      delete ui.topics.dataset.error;
      if (state.info) {
        let theta = null, terms = null, t3 = 0;
        const t2 = performance.now();
        try {
          theta = jatopic.topics(text);
          t3 = performance.now();
          terms = jatopic.terms(text);
        } catch (e) {
          renderTerms(null);
          renderTopicsError(text, messageOf(e));
        }
        if (theta !== null) {
          renderTerms(terms);
          renderTopics(text, theta);
          timing += ' · トピック推定 ' + fmtMs(t3 - t2);
        }
      } else {
        renderTerms(null);
        renderNoModel(text);
      }
      if (state.initMs) timing += ' · 初期化 ' + fmtMs(state.initMs);
      ui.timing.textContent = timing;
    } catch (e) {
      showError(messageOf(e));
    }
  }

  let debounceTimer = 0;
  function scheduleAnalyze() {
    clearTimeout(debounceTimer);
    debounceTimer = setTimeout(() => analyze(false), DEBOUNCE_MS);
  }

  // ---- Model ---------------------------------------------------------------

  function renderModelInfo() {
    const info = state.info;
    ui.modelInfo.replaceChildren();
    if (!info) {
      ui.modelInfo.dataset.k = '0';
      ui.modelInfo.textContent = 'トピックモデルなし（形態素解析のみ）';
      return;
    }
    ui.modelInfo.dataset.k = String(info.k);
    ui.modelInfo.dataset.vocabulary = String(info.vocabulary);
    const items = [
      ['トピック数 K', fmtInt(info.k)],
      ['語彙', fmtInt(info.vocabulary) + ' 語'],
    ];
    const tr = info.training || {};
    if (tr.documents_used !== undefined) items.push(['学習文書', fmtInt(tr.documents_used)]);
    if (tr.tokens !== undefined) items.push(['学習トークン', fmtInt(tr.tokens)]);
    if (tr.iterations !== undefined) items.push(['反復', fmtInt(tr.iterations)]);
    const src = state.source && state.source.kind === 'file' ? state.source.name : 'パッケージ同梱';
    items.push(['モデル', src]);
    for (const [k, v] of items) {
      const item = el('span', 'info-item');
      item.append(el('span', 'info-key', k), el('span', 'info-value', v));
      if (k === 'トピック数 K') item.id = 'model-k';
      ui.modelInfo.appendChild(item);
    }
    ui.modelReset.hidden = !(state.source && state.source.kind === 'file' && window.jatopicPackagedModel && window.jatopicPackagedModel.available());
  }

  // Reads the current model (after a load); returns false when there is none.
  function adoptModel() {
    state.ready = true;
    state.generation++;
    try {
      state.info = jatopic.modelInfo();
    } catch (e) {
      state.info = null;
      if (!/no topic model loaded/.test(messageOf(e))) throw e;
    }
    state.labels = [];
    if (state.info) {
      for (let k = 0; k < state.info.k; k++) state.labels.push(jatopic.topWords(k, EXPLORER_WORDS));
    }
    renderModelInfo();
    buildExplorer();
    analyze(true);
    startSampleJob();
    return state.info !== null;
  }

  // Puts back the model that was loaded before a failed loadModel.
  function restoreModel(previous) {
    if (previous && previous.kind === 'file') {
      jatopic.loadModel(previous.bytes);
    } else if (window.jatopicPackagedModel && window.jatopicPackagedModel.available()) {
      window.jatopicPackagedModel.restore();
    }
  }

  // The bytes of an opened file, or null (the error shown) when it cannot be read.
  async function fileBytes(file) {
    try {
      return new Uint8Array(await file.arrayBuffer());
    } catch (e) {
      showError('ファイルを読めません: ' + file.name + ' (' + messageOf(e) + ')');
      return null;
    }
  }

  async function openModelFile(file) {
    const bytes = await fileBytes(file);
    if (bytes === null) return;
    const previous = state.source;
    try {
      jatopic.loadModel(bytes);
    } catch (e) {
      try {
        restoreModel(previous);
        jatopic.modelInfo();
      } catch (e2) {
        // The previous model could not be restored (there was none).
      }
      showError('モデルを読み込めません (' + file.name + '): ' + messageOf(e) + ' — 以前のモデルのままです。');
      ui.modelFile.value = '';
      return;
    }
    clearError();
    state.source = { kind: 'file', name: file.name, bytes };
    ui.modelFile.value = '';
    adoptModel();
  }

  function resetToPackaged() {
    if (!window.jatopicPackagedModel || !window.jatopicPackagedModel.available()) return;
    try {
      window.jatopicPackagedModel.restore();
      state.source = { kind: 'packaged' };
      clearError();
      adoptModel();
    } catch (e) {
      showError(messageOf(e));
    }
  }

  // ---- Readings ------------------------------------------------------------
  //
  // Loaded lazily: jatopic-readings.js is about a third of the tokenizer's
  // size (3x that with the full lexicon) and only this view uses it, so the
  // first paint does not wait for it. It is a plain <script> (it calls
  // jatopic.addReadings itself), so it works from file:// and offline too.

  function readingsFile() {
    const meta = document.querySelector('meta[name="jatopic-readings"]');
    return meta ? meta.content : null;
  }

  function setReadings(on) {
    if (!on) {
      state.showReadings = false;
      analyze(true);
      return;
    }
    if (jatopic.hasReadings()) {
      state.showReadings = true;
      analyze(true);
      return;
    }
    const file = readingsFile();
    if (state.lexiconFile) {
      // The packaged readings belong to the packaged lexicon, not this one.
      ui.readingsToggle.checked = false;
      ui.readingsStatus.textContent = state.lexiconFile + ' の読み (.jtr) を「辞書を開く」で開いてください';
      return;
    }
    if (!file || state.readingsLoading) return;
    state.readingsLoading = true;
    ui.readingsStatus.textContent = file + ' を読み込み中…';
    const t0 = performance.now();
    const script = document.createElement('script');
    script.src = file;
    script.onload = () => {
      state.readingsLoading = false;
      if (!jatopic.hasReadings()) {
        ui.readingsStatus.textContent = file + ' に読みがありません';
        ui.readingsToggle.checked = false;
        return;
      }
      ui.readingsStatus.textContent = 'IPADIC の読み (' + file + ', ' + fmtMs(performance.now() - t0) + ')';
      state.showReadings = ui.readingsToggle.checked;
      ui.readingsToggle.dataset.loaded = 'true';
      analyze(true);
    };
    script.onerror = () => {
      state.readingsLoading = false;
      ui.readingsToggle.checked = false;
      ui.readingsStatus.textContent = file + ' を読み込めません';
    };
    document.head.appendChild(script);
  }

  function setupReadings() {
    if (jatopic.hasReadings()) {
      ui.readingsToggle.checked = true;
      state.showReadings = true;
      ui.readingsStatus.textContent = 'IPADIC の読み';
    } else if (!readingsFile()) {
      ui.readingsToggle.disabled = true;
      ui.readingsStatus.textContent = '読みファイルなし（jatopic package --readings）';
    } else if (ui.readingsToggle.checked) {
      // The browser kept the box checked across a reload.
      setReadings(true);
    }
    ui.readingsToggle.addEventListener('change', () => setReadings(ui.readingsToggle.checked));
  }

  // ---- Another lexicon (optional) -------------------------------------------
  //
  // dict/ipadic-full.jtd (all of IPADIC) replaces the packaged lexicon; its
  // readings are a separate file (dict/ipadic-full-readings.jtr). Not shipped
  // with the site: 2 MB + 0.8 MB would break the transfer budget.

  function renderLexiconStatus() {
    const tier = jatopic.lexicon();
    ui.lexiconStatus.textContent = '辞書: ' + tier + (state.lexiconFile ? '（' + state.lexiconFile + '）' : '（パッケージ同梱）');
    ui.lexiconStatus.dataset.lexicon = tier;
  }

  async function openLexiconFile(file) {
    ui.lexiconFile.value = '';
    const bytes = await fileBytes(file);
    if (bytes === null) return;
    try {
      if (/\.jtr$/i.test(file.name)) {
        jatopic.loadReadings(bytes);
        ui.readingsToggle.checked = true;
        state.showReadings = true;
        ui.readingsStatus.textContent = '読み: ' + file.name;
      } else {
        jatopic.loadDictionary(bytes);
        state.lexiconFile = file.name;
        // loadDictionary drops the readings of the previous lexicon.
        if (!jatopic.hasReadings()) {
          state.showReadings = false;
          ui.readingsToggle.checked = false;
          ui.readingsStatus.textContent = '読みなし — この辞書の .jtr を開くと表示されます';
        }
      }
    } catch (e) {
      showError('読み込めません (' + file.name + '): ' + messageOf(e));
      return;
    }
    clearError();
    renderLexiconStatus();
    afterUserdictChange();
  }

  function setupLexicon() {
    renderLexiconStatus();
    ui.lexiconFile.addEventListener('change', () => {
      const f = ui.lexiconFile.files && ui.lexiconFile.files[0];
      if (f) openLexiconFile(f);
    });
  }

  // ---- User dictionary -------------------------------------------------------

  function renderUserdictStatus(text) {
    const has = jatopic.hasUserDictionary();
    ui.userdictStatus.textContent = text || (has ? '使用中' : '未使用');
    ui.userdictStatus.dataset.active = String(has);
    ui.userdictPackaged.hidden = !packagedUserdictAvailable();
  }

  // Tokens (and topics, which the user dictionary may block) of the current
  // text again, and the explorer's examples.
  function afterUserdictChange() {
    analyze(true);
    if (state.info) {
      buildExplorer();
      startSampleJob();
    }
  }

  function applyUserdict(csv, name) {
    let n;
    try {
      n = jatopic.loadUserDictionary(csv, name);
    } catch (e) {
      // The library keeps the previous dictionary.
      ui.userdictError.textContent = 'ユーザー辞書を読み込めません: ' + messageOf(e) + ' — 以前の状態のままです。';
      ui.userdictError.hidden = false;
      return;
    }
    ui.userdictError.textContent = '';
    ui.userdictError.hidden = true;
    renderUserdictStatus('使用中: ' + name + '（' + fmtInt(n) + ' 語）');
    afterUserdictChange();
  }

  // The package's own user dictionary (jatopic-userdict.js, kept by
  // capture.js), if it has one.
  function packagedUserdictAvailable() {
    const packaged = window.jatopicPackagedUserDictionary;
    return Boolean(packaged && packaged.available());
  }

  function restorePackagedUserdict() {
    window.jatopicPackagedUserDictionary.restore();
    ui.userdictError.textContent = '';
    ui.userdictError.hidden = true;
    renderUserdictStatus(PACKAGED_USERDICT);
    afterUserdictChange();
  }

  function clearUserdict() {
    jatopic.clearUserDictionary();
    ui.userdictError.textContent = '';
    ui.userdictError.hidden = true;
    renderUserdictStatus();
    afterUserdictChange();
  }

  async function openUserdictFile(file) {
    let text;
    try {
      text = await file.text();
    } catch (e) {
      ui.userdictError.textContent = 'ファイルを読めません: ' + file.name + ' (' + messageOf(e) + ')';
      ui.userdictError.hidden = false;
      return;
    }
    ui.userdictFile.value = '';
    ui.userdictText.value = text;
    applyUserdict(text, file.name);
  }

  function setupUserdict() {
    renderUserdictStatus(jatopic.hasUserDictionary() ? PACKAGED_USERDICT : '');
    ui.userdictApply.addEventListener('click', () => applyUserdict(ui.userdictText.value, 'pasted.csv'));
    ui.userdictClear.addEventListener('click', clearUserdict);
    ui.userdictPackaged.addEventListener('click', restorePackagedUserdict);
    ui.userdictFile.addEventListener('change', () => {
      const f = ui.userdictFile.files && ui.userdictFile.files[0];
      if (f) openUserdictFile(f);
    });
    ui.userdictExample.addEventListener('click', () => useText(USERDICT_EXAMPLE));
  }

  // ---- Explorer ------------------------------------------------------------

  function buildExplorer() {
    const frag = document.createDocumentFragment();
    if (!state.info) {
      ui.explorer.replaceChildren(el('p', 'empty', 'トピックモデルがありません。'));
      return;
    }
    for (let k = 0; k < state.info.k; k++) {
      const card = el('article', 'topic-card');
      card.id = 'topic-' + k;
      card.dataset.topic = String(k);
      card.style.setProperty('--h', hue(k));
      const head = el('h3', '', '');
      head.append(el('span', 'topic-id', '#' + k), el('span', 'topic-words', topicLabel(k)));
      card.appendChild(head);
      const words = el('ol', 'words');
      const top = state.labels[k];
      const max = top.length ? top[0].weight : 1;
      for (const w of top) {
        const li = el('li', 'word');
        li.style.setProperty('--w', (w.weight / max).toFixed(3));
        li.title = w.word + ': p = ' + w.weight.toPrecision(4);
        li.append(el('span', 'word-text', w.word), el('span', 'word-weight', (w.weight * 100).toFixed(1) + '%'));
        words.appendChild(li);
      }
      card.appendChild(words);
      card.appendChild(el('h4', '', '代表的な出品例（合成）'));
      const list = el('ol', 'examples');
      list.appendChild(el('li', 'pending', '計算中…'));
      card.appendChild(list);
      frag.appendChild(card);
    }
    ui.explorer.replaceChildren(frag);
    ui.explorer.dataset.k = String(state.info.k);
    ui.explorer.dataset.ready = 'false';
  }

  function focusTopic(k) {
    const card = document.getElementById('topic-' + k);
    if (!card) return;
    card.scrollIntoView({ behavior: 'smooth', block: 'center' });
    card.classList.remove('flash');
    void card.offsetWidth;
    card.classList.add('flash');
  }

  // Topic weights of every sample, in slices of ~8 ms so typing stays
  // responsive; keeps the best EXPLORER_SAMPLES per topic.
  function startSampleJob() {
    const job = ++state.sampleJob;
    if (!state.info) {
      ui.explorerStatus.textContent = '';
      return;
    }
    if (!state.samplesLoaded) return;
    if (state.samples.length === 0) {
      fillExamples(Array.from({ length: state.info.k }, () => []));
      return;
    }
    const K = state.info.k;
    const best = Array.from({ length: K }, () => []);
    let i = 0;
    const n = state.samples.length;
    const started = performance.now();
    const insert = (list, index, w) => {
      if (list.length === EXPLORER_SAMPLES && w <= list[list.length - 1].w) return;
      let at = list.length;
      while (at > 0 && list[at - 1].w < w) at--;
      list.splice(at, 0, { index, w });
      if (list.length > EXPLORER_SAMPLES) list.pop();
    };
    const step = () => {
      if (job !== state.sampleJob) return;
      const deadline = performance.now() + 8;
      try {
        while (i < n && performance.now() < deadline) {
          const theta = jatopic.topics(state.samples[i].title);
          for (let k = 0; k < K; k++) insert(best[k], i, theta[k]);
          i++;
        }
      } catch (e) {
        // e.g. a user dictionary the model was not trained with; the topics
        // panel shows the message, the examples come back after "clear".
        ui.explorerStatus.textContent = '出品例を計算できません（理由はトピック分布の欄）';
        ui.explorerStatus.title = messageOf(e);
        ui.explorer.querySelectorAll('.examples .pending').forEach((li) => { li.textContent = '—'; });
        return;
      }
      ui.explorerStatus.textContent = '出品例を計算中… ' + i + ' / ' + n;
      if (i < n) {
        setTimeout(step, 0);
        return;
      }
      fillExamples(best);
      ui.explorerStatus.textContent = fmtInt(n) + ' 件の出品例（合成）から ' + fmtMs(performance.now() - started);
      ui.explorer.dataset.ready = 'true';
    };
    ui.explorerStatus.textContent = '出品例を計算中… 0 / ' + n;
    ui.explorerStatus.title = '';
    setTimeout(step, 0);
  }

  function fillExamples(best) {
    best.forEach((list, k) => {
      const card = document.getElementById('topic-' + k);
      if (!card) return;
      const ol = card.querySelector('.examples');
      const frag = document.createDocumentFragment();
      for (const { index, w } of list) {
        const s = state.samples[index];
        const li = el('li', 'example');
        const b = el('a', 'example-title', s.title);
        b.href = '#text';
        b.title = 'この出品例を解析する';
        b.addEventListener('click', (e) => {
          e.preventDefault();
          useText(s.title);
        });
        li.append(b, el('span', 'example-meta', s.category + ' · ' + pct(w)));
        frag.appendChild(li);
      }
      if (list.length === 0) frag.appendChild(el('li', 'pending', 'なし'));
      ol.replaceChildren(frag);
    });
  }

  // ---- Samples ---------------------------------------------------------------

  function useText(text) {
    ui.text.value = text;
    analyze(false);
    ui.text.scrollIntoView({ behavior: 'smooth', block: 'nearest' });
  }

  function fillSampleSelect() {
    const frag = document.createDocumentFragment();
    const first = el('option', '', state.samples.length ? 'サンプルを選ぶ（' + fmtInt(state.samples.length) + ' 件・合成データ）' : 'サンプルなし');
    first.value = '';
    frag.appendChild(first);
    const groups = new Map();
    state.samples.forEach((s, i) => {
      if (!groups.has(s.category)) {
        const g = document.createElement('optgroup');
        g.label = s.category;
        groups.set(s.category, g);
        frag.appendChild(g);
      }
      const o = el('option', '', s.title);
      o.value = String(i);
      groups.get(s.category).appendChild(o);
    });
    ui.samples.replaceChildren(frag);
  }

  async function loadSamples() {
    try {
      const res = await fetch('samples.json');
      if (!res.ok) throw new Error('HTTP ' + res.status);
      const data = await res.json();
      state.samples = Array.isArray(data.samples) ? data.samples.filter((s) => s && typeof s.title === 'string') : [];
    } catch (e) {
      state.samples = [];
      ui.explorerStatus.textContent = 'samples.json を読めません (' + messageOf(e) + ')';
    }
    state.samplesLoaded = true;
    fillSampleSelect();
  }

  // ---- Start -----------------------------------------------------------------

  function start() {
    if (typeof jatopic === 'undefined') {
      showError('jatopic-tokenizer.js が読み込まれていません。');
      return;
    }
    ui.version.textContent = jatopic.version;
    ui.text.addEventListener('input', scheduleAnalyze);
    ui.samples.addEventListener('change', () => {
      const i = ui.samples.value;
      if (i !== '') useText(state.samples[Number(i)].title);
    });
    ui.modelFile.addEventListener('change', () => {
      const f = ui.modelFile.files && ui.modelFile.files[0];
      if (f) openModelFile(f);
    });
    ui.modelReset.addEventListener('click', resetToPackaged);

    const samplesReady = loadSamples();
    state.source = { kind: 'packaged' };
    if (ui.text.value === '') ui.text.value = '手作りの革財布を販売しています。';
    // Separate tasks, so the page paints (and stays scrollable) between
    // compiling the wasm/decoding the model and building the views.
    setTimeout(() => {
      const t0 = performance.now();
      try {
        jatopic.init();
      } catch (e) {
        showError(messageOf(e));
      }
      state.initMs = performance.now() - t0;
      setTimeout(() => {
        try {
          setupReadings();
          setupUserdict();
          setupLexicon();
          adoptModel();
        } catch (e) {
          showError(messageOf(e));
        }
        // If the samples arrive later, compute their topics then.
        if (!state.samplesLoaded) samplesReady.then(() => startSampleJob());
        document.body.dataset.ready = 'true';
      }, 0);
    }, 0);
  }

  start();
})();
