// The command line of bq-sandbox (node js/bq-sandbox.mjs --help).
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { StringDecoder } from 'node:string_decoder';
import { SandboxError, fail } from './errors.mjs';
import { formatType } from './types.mjs';
import { loadPackage } from './manifest.mjs';
import { mb } from './execution.mjs';

// ---------------------------------------------------------------------- CLI

const USAGE = `usage: node js/bq-sandbox.mjs (--package DIR | --sql FILE) --function NAME --input FILE|-
         [--output FILE|-] [--timeout-ms N] [--memory-mb N] [--max-output-bytes N]
         [--gcs-map gs://PREFIX=DIR]... [--stats]
       node js/bq-sandbox.mjs (--package DIR | --sql FILE) --list`;

const CLI_BATCH_ROWS = 1024, CLI_BATCH_UNITS = 1 << 20;

/** Runs the CLI with `argv` (without node and script); resolves to the exit code. */
export async function main(argv, io = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr }) {
  const o = { output: '-', gcsMap: {} };
  const flags = { '--package': 'package', '--sql': 'sql', '--function': 'function', '--input': 'input', '--output': 'output', '--timeout-ms': 'timeoutMs', '--memory-mb': 'memoryMb', '--max-output-bytes': 'maxOutputBytes' };
  const say = (msg) => io.stderr.write(`bq-sandbox: ${msg}\n`);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--stats' || a === '--list') o[a.slice(2)] = true;
    else if (a === '--help' || a === '-h') { io.stdout.write(`${USAGE}\n`); return 0; }
    else if (a === '--gcs-map' && /^(.+?)=(.+)$/.test(argv[i + 1] || '')) { const [, k, v] = /^(.+?)=(.+)$/.exec(argv[++i]); o.gcsMap[k] = v; }
    else if (flags[a] && i + 1 < argv.length) o[flags[a]] = argv[++i];
    else { say(`bad argument ${a}\n${USAGE}`); return 2; }
  }
  for (const k of ['timeoutMs', 'memoryMb', 'maxOutputBytes']) {
    if (o[k] !== undefined && !(Number(o[k]) > 0 || (k === 'timeoutMs' && o[k] === '0'))) { say(`${k} must be a positive number`); return 2; }
    if (o[k] !== undefined) o[k] = Number(o[k]);
  }
  if (!o.package && !o.sql) { say(`--package or --sql is required\n${USAGE}`); return 2; }
  if (!o.list && (!o.function || !o.input)) { say(`--function and --input are required\n${USAGE}`); return 2; }
  let pkg;
  try {
    pkg = loadPackage(o.package || o.sql, { sql: o.sql, gcsMap: o.gcsMap, functions: o.list ? undefined : [o.function] });
  } catch (e) { if (!(e instanceof SandboxError)) throw e; say(e.message); return 1; }
  if (o.list) {
    for (const f of pkg.functions) {
      io.stdout.write(`${f.temp ? 'TEMP ' : ''}${f.name}(${f.args.map((a) => `${a.name} ${formatType(a.type)}`).join(', ')}) RETURNS ${formatType(f.returns)}${f.sql ? ' (SQL)' : ''}\n`);
      io.stdout.write(`    ${f.sqlName}; ${f.sql ? `calls ${f.sql.callee}` : `libraries: ${f.libraries.join(', ') || '(none)'}`}\n`);
    }
    return 0;
  }
  const worker = pkg.createWorker({ timeoutMs: o.timeoutMs, memoryMb: o.memoryMb, maxOutputBytes: o.maxOutputBytes });
  if (o.input !== '-' && !fs.existsSync(o.input)) { say(`${o.input}: file not found`); return 1; }
  const input = o.input === '-' ? io.stdin : fs.createReadStream(o.input);
  const out = o.output === '-' ? io.stdout : fs.createWriteStream(o.output);
  const write = (s) => (out.write(s) ? null : new Promise((r) => out.once('drain', r)));
  // Rows go to the worker in batches (callMany): a batch is sent when it is full
  // or a read chunk ends, and while it runs the next one is read and parsed.
  let row = 0, code = 0, batch = [], batchFirst = 1, batchUnits = 0, pending = null;
  const writeResults = (texts) => texts.length && write(`${texts.join('\n')}\n`);
  const finish = async () => {
    if (!pending) return;
    const p = pending;
    pending = null;
    let results;
    try { results = await p; } catch (e) {
      if (e instanceof SandboxError && e.results) await writeResults(e.results);
      throw e;
    }
    await writeResults(results);
  };
  const dispatch = async () => {
    if (!batch.length) return;
    const p = worker.callMany(o.function, batch, { firstRow: batchFirst, json: true });
    p.catch(() => {}); // awaited by finish()
    batch = []; batchUnits = 0;
    await finish();
    pending = p;
  };
  const take = async (line) => {
    if (!line.trim()) return;
    row++;
    let args;
    try { args = JSON.parse(line); } catch (e) {
      await dispatch();
      await finish();
      fail('TYPE', `${o.function} row ${row}: the input line is not JSON: ${e.message}`);
    }
    if (!batch.length) batchFirst = row;
    batch.push(args);
    batchUnits += line.length;
    if (batch.length >= CLI_BATCH_ROWS || batchUnits >= CLI_BATCH_UNITS) await dispatch();
  };
  const t0 = performance.now();
  try {
    const decoder = new StringDecoder('utf8');
    let carry = '';
    for await (const chunk of input) {
      const lines = (carry + (typeof chunk === 'string' ? chunk : decoder.write(chunk))).split(/\r\n|\r|\n/);
      carry = lines.pop();
      for (const line of lines) await take(line);
      await dispatch();
    }
    await take(carry + decoder.end());
    await dispatch();
    await finish();
  } catch (e) {
    if (!(e instanceof SandboxError)) throw e;
    say(e.message);
    code = 1;
  } finally { worker.close(); }
  if (out !== io.stdout) await new Promise((r) => out.end(r));
  if (o.stats) {
    const s = worker.stats(), secs = (performance.now() - t0) / 1000;
    say(`stats: ${row} rows in ${secs.toFixed(2)} s (${Math.round(row / Math.max(secs, 1e-9))} rows/s); worker start ${(s.libraryEvalMs + (s.firstCallMs ?? 0) + (s.threadStartMs ?? 0)).toFixed(1)} ms (library evaluation ${s.libraryEvalMs.toFixed(1)} ms + first call ${(s.firstCallMs ?? 0).toFixed(1)} ms${s.threadStartMs === null ? '' : ` + thread start ${s.threadStartMs.toFixed(1)} ms`}); wasm memory ${mb(s.wasmMemoryBytes)} MB; workers started ${s.workersStarted}`);
  }
  return code;
}
