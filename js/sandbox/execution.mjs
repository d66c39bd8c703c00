// Running a package's functions: one V8 context per BigQuery worker, in this
// thread or a worker thread with a time limit and memory cap; rows in batches;
// results converted to the declared type.
import vm from 'node:vm';
import v8 from 'node:v8';
import { performance } from 'node:perf_hooks';
import { Worker as Thread, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { SandboxError, fail } from './errors.mjs';
import { SAFE, castValue, encodeArg, join, preview, toInt64, typeError } from './types.mjs';
import { DEFAULT_MAX_OUTPUT_BYTES, DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT_MS } from './limits.mjs';

// A SQL function's body for one row of its (encoded) argument values → the
// values passed to the JavaScript function it calls.
function evalSqlArg(e, fn, values) {
  if (e.k === 'lit') return e.type?.kind === 'INT64' ? BigInt(e.value) : e.value;
  if (e.k === 'arg') return values[fn.args.findIndex((a) => a.name === e.name)];
  return castValue(evalSqlArg(e.expr, fn, values), e.from, e.to, `CAST in ${fn.name}`);
}

// Upper bound of the BigQuery data size of the result being converted, summed
// by decodeResult as it goes (a string counts 2 + 3 bytes per UTF-16 unit, which
// bounds its UTF-8 size); the exact size is computed only when this exceeds the limit.
let sizeBound = 0;

// UDF result → BigQuery's value, as JSON (INT64 beyond 2^53 as a string, non-finite FLOAT64 as strings).
function decodeResult(t, v, p) {
  if (v === null || v === undefined) return null;
  switch (t.kind) {
    case 'STRING':
      if (typeof v !== 'string') typeError(t, v, p);
      sizeBound += 2 + 3 * v.length;
      return v;
    case 'INT64': { const b = toInt64(t, v, p); sizeBound += 8; return b >= -SAFE && b <= SAFE ? Number(b) : b.toString(); }
    case 'FLOAT64': if (typeof v !== 'number') typeError(t, v, p); sizeBound += 8; return Number.isFinite(v) ? v : String(v);
    case 'BOOL': if (typeof v !== 'boolean') typeError(t, v, p); sizeBound += 1; return v;
    case 'ARRAY': {
      if (!Array.isArray(v)) typeError(t, v, p);
      const n = v.length, out = new Array(n), el = t.element;
      for (let i = 0; i < n; i++) {
        const x = v[i];
        if (x === null || x === undefined) fail('TYPE', `${join(p, i)}: Array cannot have a null element`, { path: join(p, i) });
        out[i] = el.kind === 'STRING' && typeof x === 'string' ? (sizeBound += 2 + 3 * x.length, x) : decodeResult(el, x, join(p, i));
      }
      return out;
    }
    default: {
      if (typeof v !== 'object' || Array.isArray(v)) typeError(t, v, p);
      const out = {};
      for (const f of t.fields) out[f.name] = decodeResult(f.type, v[f.name], join(p, f.name));
      return out;
    }
  }
}

// BigQuery's logical size of a converted value (its data type sizes,
// https://cloud.google.com/bigquery/docs/storage_overview#data_type_sizes): STRING 2 + its
// UTF-8 bytes, INT64 and FLOAT64 8, BOOL 1, NULL 0, ARRAY and STRUCT the sum of their values.
function dataSize(t, v) {
  if (v === null) return 0;
  switch (t.kind) {
    case 'STRING': return 2 + Buffer.byteLength(v, 'utf8');
    case 'INT64': case 'FLOAT64': return 8;
    case 'BOOL': return 1;
    case 'ARRAY': { let n = 0; for (const x of v) n += dataSize(t.element, x); return n; }
    default: { let n = 0; for (const f of t.fields) n += dataSize(f.type, v[f.name]); return n; }
  }
}

// ------------------------------------------------------------------ workers

// Installed in each context before any library: wraps the WebAssembly entry
// points that create or expose memories with transparent Proxies (prototypes,
// instanceof, Module untouched) and returns a function summing their bytes.
const TRACKER_SOURCE = `(() => {
  'use strict';
  const W = WebAssembly, R = Reflect, construct = R.construct, apply = R.apply, memories = [];
  const Memory = W.Memory, Instance = W.Instance, getBuffer = R.getOwnPropertyDescriptor(Memory.prototype, 'buffer').get;
  const size = (m) => { try { return apply(getBuffer, m, []).byteLength; } catch (e) { return -1; } };
  const track = (m) => { if (size(m) >= 0 && memories.indexOf(m) < 0) memories[memories.length] = m; return m; };
  const trackExports = (inst) => { const ex = inst.exports, keys = R.ownKeys(ex); for (let i = 0; i < keys.length; i++) track(ex[keys[i]]); return inst; };
  W.Memory = new Proxy(Memory, { construct: (t, a, nt) => track(construct(t, a, nt)) });
  W.Instance = new Proxy(Instance, { construct: (t, a, nt) => trackExports(construct(t, a, nt)) });
  R.defineProperty(Memory.prototype, 'constructor', { value: W.Memory, writable: true, configurable: true });
  R.defineProperty(Instance.prototype, 'constructor', { value: W.Instance, writable: true, configurable: true });
  W.instantiate = new Proxy(W.instantiate, { apply: (t, self, a) => apply(t, self, a).then((r) => { trackExports(r.instance || r); return r; }) });
  delete globalThis.console; // V8 adds it to every context; BigQuery has none
  return () => { let n = 0; for (let i = 0; i < memories.length; i++) n += size(memories[i]); return n; };
})()`;

const usedHeap = () => v8.getHeapStatistics().used_heap_size;
export const mb = (n) => (n / 1048576).toFixed(1);

function describeThrown(e) {
  if (e === null || typeof e !== 'object' || typeof e.message !== 'string') return `uncaught ${preview(e)}`;
  const frame = /\(?([^\s()]+):(\d+):(\d+)\)?\s*$/m.exec(String(e.stack || '').split('\n').slice(1).join('\n'));
  return `${e.name || 'Error'}: ${e.message}${frame ? ` at ${frame[1]}:${frame[2]}:${frame[3]}` : ''}`;
}

// One V8 context = one BigQuery worker process. In a worker thread `heapBase` is
// the thread's heap before the context existed and the memory cap counts the
// whole heap above it; in this thread (heapBase null) the heap is the host's,
// so only its growth during the library evaluation or the call is counted.
class Context {
  constructor(pkg, cfg, heapBase = null) {
    this.pkg = pkg; this.cfg = cfg; this.heapBase = heapBase;
    this.ctx = vm.createContext({}, { name: 'bq-sandbox worker' });
    this.wasmBytes = vm.runInContext(TRACKER_SOURCE, this.ctx);
    [this.CArray, this.CObject] = vm.runInContext('[Array, Object]', this.ctx);
    this.loaded = new Set(); this.bodies = new Map();
    this.libraryEvalMs = 0; this.firstCallMs = null; this.wasmMemoryBytes = 0;
  }

  // Library files and the body's function expression; failures discard the worker.
  evaluate(script, what) {
    try { return script.runInContext(this.ctx); } catch (e) { return fail('LIBRARY', `${what}${describeThrown(e)}`, { crash: true }); }
  }

  // Libraries (each URI once, in order) and the body, on the function's first call.
  // `probe.load(k)` marks the evaluation of fn.libraries[k] (-1: the body) for the watchdog.
  prepare(fn, probe) {
    let body = this.bodies.get(fn.name);
    if (body) return body;
    const t0 = performance.now(), heapBefore = usedHeap();
    for (let k = 0; k < fn.libraries.length; k++) {
      const uri = fn.libraries[k];
      if (this.loaded.has(uri)) continue;
      probe?.load(k);
      let script;
      try { script = new vm.Script(this.pkg.libraries.get(uri).source, { filename: uri }); } catch (e) {
        fail('LIBRARY', `library ${uri}: ${describeThrown(e)}`, { crash: true });
      }
      this.evaluate(script, `library ${uri}: `);
      this.loaded.add(uri);
    }
    this.libraryEvalMs += performance.now() - t0;
    probe?.load(-1);
    let script;
    try {
      script = new vm.Script(`(function(${fn.args.map((a) => a.name).join(', ')}) {\n${fn.body}\n})`, { filename: fn.name, lineOffset: -1 });
    } catch (e) { fail('LIBRARY', `the function body does not compile: ${describeThrown(e)}`, { crash: true }); }
    body = this.evaluate(script, '');
    this.bodies.set(fn.name, body);
    this.checkMemory(heapBefore);
    return body;
  }

  // Plain values → objects of the worker's realm, as BigQuery creates them
  // (defined, not assigned: setters a library put on Object.prototype do not run).
  toRealm(v) {
    if (v === null || typeof v !== 'object') return v;
    if (Array.isArray(v)) { const a = new this.CArray(v.length); for (let i = 0; i < v.length; i++) a[i] = this.toRealm(v[i]); return a; }
    const o = new this.CObject();
    for (const k of Object.keys(v)) Object.defineProperty(o, k, { value: this.toRealm(v[k]), writable: true, enumerable: true, configurable: true });
    return o;
  }

  call(body, args) {
    const a = new Array(args.length);
    for (let i = 0; i < args.length; i++) a[i] = this.toRealm(args[i]);
    return Reflect.apply(body, undefined, a);
  }

  // Returns the heap size it read, the next row's starting point.
  checkMemory(heapBefore) {
    const used = usedHeap();
    const wasm = this.wasmMemoryBytes = this.wasmBytes(), heap = Math.max(0, used - (this.heapBase ?? heapBefore));
    if (wasm + heap > this.cfg.memoryMb * 1048576) {
      fail('MEMORY', `memory limit exceeded (${mb(wasm + heap)} MB > ${this.cfg.memoryMb} MB: wasm memory ${mb(wasm)} MB + JS heap ${this.heapBase === null ? 'growth ' : ''}${mb(heap)} MB); raise memoryMb / --memory-mb or make the UDF use less memory`, { crash: true });
    }
    return used;
  }

  stats() { return { libraryEvalMs: this.libraryEvalMs, firstCallMs: this.firstCallMs, wasmMemoryBytes: this.wasmMemoryBytes }; }
}

// For soak tests (js/soak.mjs): the JS heap after a full garbage collection
// and the context's wasm memories. In a worker thread the heap is the
// thread's own; in this thread it is the whole process's. V8's gc() is taken
// from a context made while --expose-gc is briefly on, so the sandbox's own
// contexts never see a \`gc\` global.
let collectGarbage = null;
function memoryAfterGc(ctx) {
  if (!collectGarbage) {
    v8.setFlagsFromString('--expose-gc');
    try { collectGarbage = vm.runInNewContext('gc'); } finally { v8.setFlagsFromString('--no-expose-gc'); }
  }
  // Twice: V8 sweeps concurrently, and the second collection first finishes
  // sweeping the garbage of the first, so the reading holds (almost) only live objects.
  collectGarbage();
  collectGarbage();
  const h = v8.getHeapStatistics(), spaces = {};
  for (const sp of v8.getHeapSpaceStatistics()) spaces[sp.space_name] = sp.space_used_size;
  return { heapUsedBytes: h.used_heap_size, heapTotalBytes: h.total_heap_size, heapSpaces: spaces, wasmMemoryBytes: ctx.wasmBytes() };
}

// A failure as data (it may cross threads): the row index in the batch and the SandboxError's fields.
export function failure(e, index) {
  const s = e instanceof SandboxError ? e : new SandboxError('UDF', describeThrown(e)); // e.g. a throwing getter on a result
  return { index, code: s.code, message: s.message, path: s.path, crash: !!s.crash };
}

const settle = (promise, then) => new Promise((resolve, reject) => {
  Reflect.apply(then, promise, [resolve, (e) => reject(new SandboxError('UDF', describeThrown(e)))]);
});

// Runs encoded rows of `fn` in order and stops at the first failure:
// resolves to { results, error: null | failure(…) }. Synchronous unless the UDF
// returns a Promise. `probe` (worker threads) marks each row for the watchdog
// and takes the results so far whenever they reach FLUSH_BYTES, so that a batch
// of large results does not sit in the worker's heap (where it would count).
// `json`: each result as its JSON text.
async function runRows(ctx, fn, rows, probe, json = false) {
  let results = [], held = 0, i = 0;
  const cap = ctx.cfg.maxOutputBytes, inThread = ctx.heapBase !== null;
  try {
    const body = ctx.prepare(fn, probe);
    // In this thread a row's heap growth counts from the previous row's
    // reading (one heap reading per row; the few bytes of bookkeeping in
    // between count against the row, never for it).
    let heapBefore = inThread ? 0 : usedHeap();
    for (; i < rows.length; i++) {
      probe?.row(i);
      const first = ctx.firstCallMs === null, t0 = first ? performance.now() : 0;
      let r = ctx.call(body, rows[i]);
      if (r !== null && (typeof r === 'object' || typeof r === 'function')) {
        const then = r.then;
        if (typeof then === 'function') { probe?.wait(); r = await settle(r, then); }
      }
      if (first) ctx.firstCallMs = performance.now() - t0;
      const heapAfter = ctx.checkMemory(heapBefore);
      if (!inThread) heapBefore = heapAfter;
      sizeBound = 0;
      const out = decodeResult(fn.returns, r, '');
      if (sizeBound > cap) {
        const bytes = dataSize(fn.returns, out);
        if (bytes > cap) fail('OUTPUT', `the result is ${bytes} bytes (BigQuery's data size: STRING 2 + UTF-8 bytes, INT64/FLOAT64 8, BOOL 1); BigQuery limits a UDF's output to about 5 MB per row (this sandbox: ${cap}; maxOutputBytes / --max-output-bytes)`);
      }
      results.push(json ? JSON.stringify(out) : out);
      if (probe && (held += sizeBound) >= FLUSH_BYTES && i + 1 < rows.length) { probe.flush(results); results = []; held = 0; }
    }
  } catch (e) {
    probe?.idle();
    return { results, error: failure(e, i) };
  }
  probe?.idle();
  return { results, error: null };
}

// timeoutMs 0: the context lives in this thread; nothing can interrupt it, so
// nothing needs to watch it.
class InlineExec {
  constructor(pkg, cfg, started) { this.pkg = pkg; this.cfg = cfg; this.started = started; this.ctx = null; this.last = null; }
  async run(fn, rows, json) {
    if (!this.ctx) { this.ctx = this.last = new Context(this.pkg, this.cfg); this.started(); }
    const ctx = this.ctx, r = await runRows(ctx, fn, rows, null, json);
    if (r.error?.crash && this.ctx === ctx) this.ctx = null;
    return r;
  }
  stats() { return { ...(this.last?.stats() ?? { libraryEvalMs: 0, firstCallMs: null, wasmMemoryBytes: 0 }), threadStartMs: null }; }
  async memory() { return this.ctx ? memoryAfterGc(this.ctx) : null; }
  close() { this.ctx = null; }
}

// With a time limit the context lives in a worker thread. Per row the thread
// only stores a sequence number in shared memory; a timer here (every
// tickMs while batches are out) terminates the thread when the same row has
// been running for longer than the limit. Memory: the thread's own heap
// (resourceLimits) plus its WebAssembly memories.
const THREAD_MARK = 'bqSandboxThread';
const SEQ = 0, PHASE = 1, INDEX = 2, LIB = 3; // shared Int32Array slots
const IDLE = 0, LOAD = 1, RUN = 2, AWAIT = 3; // phases
const CHUNK_ROWS = 256, CHUNK_UNITS = 1 << 20, WINDOW = 2, HEAP_HEADROOM_MB = 16, FLUSH_BYTES = 1 << 20;

// Where a batch of rows ends: CHUNK_ROWS rows or about CHUNK_UNITS string units of arguments.
function chunkEnd(rows, start) {
  let units = 0, i = start;
  const end = Math.min(rows.length, start + CHUNK_ROWS);
  while (i < end && units < CHUNK_UNITS) {
    for (const a of rows[i++]) units += typeof a === 'string' ? a.length : Array.isArray(a) ? 16 * a.length : 16;
  }
  return i;
}

class ThreadExec {
  constructor(pkg, cfg, started) {
    this.payload = { functions: pkg.functions, libraries: pkg.libraries, cfg };
    this.cfg = cfg; this.started = started;
    this.byName = new Map(pkg.functions.map((f) => [f.name, f]));
    this.thread = null; this.queue = []; this.ids = 0; this.groups = 0; this.timer = null;
    this.last = { libraryEvalMs: 0, firstCallMs: null, wasmMemoryBytes: 0 }; this.threadStartMs = null;
    this.tickMs = Math.max(5, Math.min(50, cfg.timeoutMs / 4));
  }

  start() {
    const sab = new SharedArrayBuffer(4 * Int32Array.BYTES_PER_ELEMENT), t0 = performance.now();
    const thread = new Thread(new URL(import.meta.url), {
      workerData: { [THREAD_MARK]: true, ...this.payload, sab }, execArgv: [],
      resourceLimits: { maxOldGenerationSizeMb: this.cfg.memoryMb + HEAP_HEADROOM_MB },
    });
    thread.on('message', (m) => {
      if (thread !== this.thread) return;
      if (m.ready) { this.threadStartMs = performance.now() - t0; return; }
      this.reply(thread, m);
    });
    thread.on('error', (e) => this.died(thread, e));
    thread.on('exit', (code) => this.died(thread, null, code));
    thread.unref();
    this.thread = thread; this.state = new Int32Array(sab); this.threadStartMs = null;
    this.started();
  }

  // One batch to the thread; resolves to its reply { id, results, error } or { skipped }.
  post(msg) { return new Promise((resolve) => this.send({ msg, resolve })); }

  send(job) {
    if (!this.thread) this.start();
    this.queue.push(job);
    this.thread.postMessage(job.msg);
    if (this.queue.length === 1) { this.thread.ref(); this.watch(true); }
  }

  reply(thread, m) {
    if (m.partial) { (this.queue[0].partial ??= []).push(m.partial); return; }
    const job = this.queue.shift();
    if (job.partial) m.results = [].concat(...job.partial, m.results);
    this.last = m.stats ?? this.last;
    if (m.error?.crash) this.discard(job.msg.group);
    else if (!this.queue.length) { thread.unref(); this.watch(false); }
    job.resolve(m);
  }

  // Ends the thread; batches still queued go to a fresh one, except the rest of
  // the failed callMany (they are answered as skipped).
  discard(failedGroup) {
    this.thread.terminate();
    this.thread = null;
    this.watch(false);
    const rest = this.queue;
    this.queue = [];
    for (const job of rest) if (job.msg.group === failedGroup) job.resolve({ id: job.msg.id, skipped: true }); else this.send(job);
  }

  // The running batch fails with `error` at the row the thread was on.
  crash(code, message) {
    const job = this.queue.shift(), s = this.state;
    const index = Atomics.load(s, PHASE) === LOAD ? 0 : Atomics.load(s, INDEX);
    this.discard(job.msg.group);
    job.resolve({ id: job.msg.id, results: [].concat(...(job.partial ?? [])), error: { index, code, message, crash: true } });
  }

  died(thread, err, exitCode) {
    if (thread !== this.thread) return; // already replaced
    if (!this.queue.length) { this.thread = null; this.watch(false); return; }
    if (err?.code === 'ERR_WORKER_OUT_OF_MEMORY') {
      this.crash('MEMORY', `memory limit exceeded (the JS heap outgrew the worker's ${this.cfg.memoryMb} MB); raise memoryMb / --memory-mb or make the UDF use less memory`);
    } else this.crash('UDF', `the worker thread stopped: ${err ? err.message : `exit code ${exitCode}`}`);
  }

  watch(on) {
    if (on && !this.timer) {
      this.seen = -1;
      this.timer = setInterval(() => this.check(), this.tickMs);
      this.timer.unref();
    } else if (!on && this.timer) { clearInterval(this.timer); this.timer = null; }
  }

  // A row "has been running since seenAt" from the first tick that saw its
  // sequence number: it is stopped after between timeoutMs and timeoutMs + tickMs.
  check() {
    const s = this.state, seq = Atomics.load(s, SEQ), phase = Atomics.load(s, PHASE), now = performance.now();
    if (phase === IDLE || seq !== this.seen) { this.seen = seq; this.seenAt = now; return; }
    if (now - this.seenAt <= this.cfg.timeoutMs) return;
    const t = this.cfg.timeoutMs, lib = Atomics.load(s, LIB), fn = this.byName.get(this.queue[0].msg.fn);
    if (phase === AWAIT) this.crash('TIMEOUT', `the returned Promise did not settle within the time limit of ${t} ms (raise timeoutMs / --timeout-ms)`);
    else this.crash('TIMEOUT', `${phase === LOAD && lib >= 0 ? `library ${fn.libraries[lib]}: ` : ''}exceeded the time limit of ${t} ms (raise timeoutMs / --timeout-ms, or make the code faster)`);
  }

  // All rows of one call, in batches (WINDOW of them at the thread at a time).
  run(fn, rows, json) {
    const group = ++this.groups, n = rows.length, results = new Array(n);
    return new Promise((resolve) => {
      let next = 0, inFlight = 0, finished = false;
      const pump = () => {
        while (!finished && inFlight < WINDOW && next < n) {
          const start = next;
          next = chunkEnd(rows, start);
          inFlight++;
          this.post({ id: ++this.ids, fn: fn.name, rows: start === 0 && next === n ? rows : rows.slice(start, next), group, json }).then((m) => {
            inFlight--;
            if (finished || m.skipped) return;
            for (let k = 0; k < m.results.length; k++) results[start + k] = m.results[k];
            if (m.error) {
              finished = true;
              results.length = start + m.results.length;
              resolve({ results, error: { ...m.error, index: start + m.error.index } });
            } else if (next >= n && inFlight === 0) { finished = true; resolve({ results, error: null }); } else pump();
          });
        }
      };
      pump();
    });
  }

  stats() { return { ...this.last, threadStartMs: this.threadStartMs }; }
  // Queued behind the batches already sent, so it reads the memory after them.
  async memory() { return this.thread ? (await this.post({ id: ++this.ids, memory: true })).memory ?? null : null; }
  // Ends the thread; calls still out fail (`idleOnly`: only if there are none).
  close(idleOnly = false) {
    if (!this.thread || (idleOnly && this.queue.length)) return;
    const rest = this.queue;
    this.thread.terminate();
    this.thread = null; this.queue = [];
    this.watch(false);
    for (const job of rest) job.resolve({ id: job.msg.id, results: [], error: { index: 0, code: 'UDF', message: 'the worker was closed', crash: true } });
  }
}

// The worker thread: one Context, batches in order. A failed callMany's later
// batches are skipped; after a crash (memory, library) the thread stops and is replaced.
function threadMain({ functions, libraries, cfg, sab }) {
  process.on('unhandledRejection', () => {}); // a UDF's stray rejected Promise does not end the worker
  const s = new Int32Array(sab), byName = new Map(functions.map((f) => [f.name, f]));
  const ctx = new Context({ libraries }, cfg, usedHeap());
  let seq = 0, busy = false, dead = false, current = 0;
  const probe = {
    load(k) { Atomics.store(s, LIB, k); Atomics.store(s, PHASE, LOAD); Atomics.store(s, SEQ, ++seq); },
    row(i) { Atomics.store(s, INDEX, i); Atomics.store(s, PHASE, RUN); Atomics.store(s, SEQ, ++seq); },
    wait() { Atomics.store(s, PHASE, AWAIT); },
    idle() { Atomics.store(s, PHASE, IDLE); },
    flush(results) { parentPort.postMessage({ id: current, partial: results }); },
  };
  const failed = new Set(), queue = [];
  async function drain() {
    busy = true;
    while (queue.length && !dead) {
      const m = queue.shift();
      if (m.memory) { parentPort.postMessage({ id: m.id, memory: memoryAfterGc(ctx) }); continue; }
      if (failed.has(m.group)) { parentPort.postMessage({ id: m.id, skipped: true }); continue; }
      let r;
      try {
        current = m.id;
        r = await runRows(ctx, byName.get(m.fn), m.rows, probe, m.json);
        if (r.error) { failed.add(m.group); dead = r.error.crash; }
        parentPort.postMessage({ id: m.id, results: r.results, error: r.error, stats: ctx.stats() });
      } catch (e) { // not the UDF's doing: give up this worker rather than leave the batch unanswered
        dead = true;
        parentPort.postMessage({ id: m.id, results: [], error: { ...failure(e, 0), crash: true } });
      }
    }
    busy = false;
  }
  parentPort.on('message', (m) => { queue.push(m); if (!busy) drain(); });
  parentPort.postMessage({ ready: true });
}

/**
 * @typedef {object} Worker
 * @property {(name: string, args: any[]|object) => Promise<any>} call  one row: args in
 *   declared order or keyed by name, as JSON values; resolves to the result as JSON.
 * @property {(name: string, rows: Array<any[]|object>, opts?: {firstRow?: number, json?: boolean}) => Promise<any[]>} callMany
 *   rows in order, sent to the worker in batches (the fast path); with opts.json each result comes as its JSON
 *   text. The first error rejects with "NAME row N: ..." (N counts from opts.firstRow, default 1) and carries
 *   `results`: those of the rows before it (after a TIMEOUT or MEMORY crash, the ones the discarded worker had
 *   not sent back yet are missing).
 * @property {(name: string, args: any[]|object, row: number|null) => Promise<any>} callRow  call() with a row number for messages.
 * @property {() => {libraryEvalMs: number, firstCallMs: number|null, wasmMemoryBytes: number, workersStarted: number,
 *   calls: number, threadStartMs: number|null}} stats  of the latest worker; threadStartMs: its thread's start (null
 *   without a time limit).
 * @property {() => Promise<{heapUsedBytes: number, heapTotalBytes: number, heapSpaces: object, wasmMemoryBytes: number}|null>} memory
 *   after the calls sent so far and a full garbage collection: the worker's JS heap (its thread's; the whole
 *   process's when timeoutMs is 0; heapSpaces: bytes used per V8 heap space) and its wasm memories; null when
 *   no worker is running. For soak tests.
 * @property {() => void} close  ends the worker now (calls still running fail); a later call starts a fresh one. Not
 *   required: an idle worker thread does not keep node running.
 */

/**
 * A worker that survives crashes: after a TIMEOUT or MEMORY error the V8 context is
 * dropped and the next call starts a fresh one (libraries evaluated again).
 * Options: timeoutMs (0 = no limit, and the context then runs in this thread),
 * memoryMb, maxOutputBytes.
 * @returns {Worker}
 */
export function createWorker(pkg, opts = {}) {
  const cfg = {
    timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    memoryMb: opts.memoryMb ?? DEFAULT_MEMORY_MB,
    maxOutputBytes: opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES,
  };
  const byName = new Map(pkg.functions.map((f) => [f.name, f]));
  let workersStarted = 0, calls = 0;
  const started = () => { workersStarted++; };
  const exec = cfg.timeoutMs > 0 ? new ThreadExec(pkg, cfg, started) : new InlineExec(pkg, cfg, started);

  // A JSON row → the argument values BigQuery passes (validated).
  function encodeRow(fn, args) {
    if (!fn) fail('PACKAGE', `no such function (have: ${[...byName.keys()].join(', ')})`);
    let values;
    if (Array.isArray(args)) {
      if (args.length !== fn.args.length) fail('TYPE', `expected ${fn.args.length} argument(s), got ${args.length}`);
      values = args;
    } else if (args !== null && typeof args === 'object') {
      for (const k of Object.keys(args)) if (!fn.args.some((a) => a.name === k)) fail('TYPE', `no argument named ${k}`);
      values = fn.args.map((a) => (Object.hasOwn(args, a.name) ? args[a.name] : fail('TYPE', `missing argument ${a.name}`)));
    } else fail('TYPE', `a row must be a JSON array of arguments or an object keyed by argument name, got ${preview(args)}`);
    const out = new Array(values.length);
    for (let i = 0; i < values.length; i++) out[i] = encodeArg(fn.args[i].type, values[i], `argument ${fn.args[i].name}`);
    return out;
  }

  // A row of a SQL function → the argument values of the JavaScript function it calls.
  function encodeSqlRow(fn, args) {
    const values = encodeRow(fn, args);
    return fn.sql.args.map((e) => evalSqlArg(e, fn, values));
  }

  // Rows in order; `first` numbers them in messages (null: no row number).
  // A SQL function's rows run as rows of the JavaScript function it calls.
  async function run(name, rows, first, json = false) {
    const fn = byName.get(name), target = fn?.sql ? byName.get(fn.sql.callee) : fn, encoded = [];
    let bad = null;
    for (let i = 0; i < rows.length; i++) {
      try { encoded.push(fn?.sql ? encodeSqlRow(fn, rows[i]) : encodeRow(fn, rows[i])); } catch (e) { bad = failure(e, i); break; }
    }
    // The rows before a malformed one still run: one of them may fail first.
    const r = encoded.length ? await exec.run(target, encoded, json) : { results: [], error: null };
    calls += r.results.length + (r.error ? 1 : 0);
    const e = r.error ?? bad;
    if (!e) return r.results;
    const row = first ? first + e.index : null;
    throw new SandboxError(e.code, `${name}${row ? ` row ${row}` : ''}: ${e.message}`,
      { function: name, row, detail: e.message, path: e.path, crash: e.crash, results: r.results });
  }

  const worker = {
    call: async (name, args) => (await run(name, [args], null))[0],
    callMany: (name, rows, { firstRow = 1, json = false } = {}) => run(name, rows, firstRow, json),
    callRow: async (name, args, row) => (await run(name, [args], row || null))[0],
    stats: () => ({ ...exec.stats(), workersStarted, calls }),
    memory: () => exec.memory(),
    close: () => exec.close(),
  };
  if (exec instanceof ThreadExec) orphans.register(worker, exec);
  return worker;
}

// A worker dropped without close(): end its thread once it is collected.
const orphans = new FinalizationRegistry((exec) => exec.close(true));

if (!isMainThread && workerData?.[THREAD_MARK]) threadMain(workerData);
