// bq-sandbox: a local stand-in for BigQuery's JavaScript UDF runtime, to run a
// `jatopic package` directory (manifest.json or create_functions.sql plus the
// library files) before deploying it. Library and CLI:
//
//   node js/bq-sandbox.mjs --package DIR --function NAME --input rows.ndjson|- \
//     [--output FILE|-] [--timeout-ms N] [--memory-mb N] [--max-output-bytes N] \
//     [--gcs-map gs://PREFIX=DIR] [--stats]
//   node js/bq-sandbox.mjs --package DIR --list        (or --sql create_functions.sql)
//
// Emulated:
// - a worker is a fresh V8 context with only ECMAScript builtins and WebAssembly:
//   no require/process/console/timers/TextEncoder/TextDecoder/atob/btoa/fetch/
//   crypto/window/self/document;
// - each library file is evaluated once per worker, in declared order (shared
//   files once per worker, keyed by gs:// URI); each body is compiled once as
//   `function(<args>) { <body> }`;
// - BigQuery's rules for CREATE FUNCTION (see DDL_RULES, each quoting the
//   documentation): a definition BigQuery would refuse is refused when the
//   package loads, with BigQuery's reason — INT64 or ANY TYPE arguments of a
//   JavaScript UDF, a missing RETURNS, library paths, counts and sizes, name
//   and STRUCT limits, periods in TEMP names, references between functions;
// - argument encodings (STRING→string, FLOAT64→number, BOOL→boolean,
//   ARRAY→Array, STRUCT→object, NULL→null; values are created in the worker's
//   realm) and result conversion against the declared type (INT64 results from
//   a Number or a String), including "Array cannot have a null element";
//   Promises are awaited;
// - SQL functions of the one shape jatopic writes, `AS (f(arg, CAST(arg AS
//   type), literal, ...))` with f a JavaScript function of the same package
//   (how ja_top_topics keeps its INT64 argument);
// - documented limits: library file size, inline body size, resources and code
//   bytes per query; a per-call time limit and a memory cap (tracked
//   WebAssembly.Memory bytes + the worker's JS heap); a timeout or memory error
//   discards the worker, as a crashed BigQuery worker is replaced.
// How a worker runs: with a time limit (the default) its V8 context lives in a
// worker_threads thread of its own. Rows go there in batches (callMany; call()
// is a batch of one); per row the thread only stores a sequence number in a
// SharedArrayBuffer, and a timer here (every ≤ 50 ms while rows are out)
// terminates the thread when one row — its synchronous part, a Promise it
// returned, or a library's evaluation — has run longer than the limit; the
// failure names the row and the next rows go to a fresh thread. The memory cap
// counts the thread's JS heap above what it held before the context existed
// (garbage not yet collected included, as in a real process) plus the wasm
// memories, checked after every row; the thread's heap is also capped by V8
// (resourceLimits), so a runaway allocation fails the row instead of the process.
// With timeoutMs 0 the context runs in this thread (no thread hop per call;
// nothing can interrupt it) and only the JS heap's growth during a call counts.
// Not emulated: Google's exact CPU/memory quotas and worker sizes (ours are
// options), the exact ~5 MB output-per-row rule (approximated by the row's
// BigQuery data size: STRING 2 + UTF-8 bytes, INT64/FLOAT64 8, BOOL 1, ARRAY
// and STRUCT the sum), SQL itself (no query planning, no NULL-ARRAY→[] rewriting
// of query results, no types beyond STRING/INT64/FLOAT64/BOOL/ARRAY/STRUCT),
// memory a wasm module allocates internally without exporting it, and — only
// with timeoutMs 0 — infinite loops (nothing preempts them) and V8 heap
// exhaustion (it aborts this process instead of failing one query).
//
// The code, by concern, under js/sandbox/: errors.mjs (SandboxError), sql.mjs
// (lexing), types.mjs (types and argument values), limits.mjs (the contract's
// limits and BigQuery's CREATE FUNCTION rules), manifest.mjs (reading a
// package), execution.mjs (workers, threads, results), cli.mjs (this CLI).
// This file is the entry point other scripts import and run.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isMainThread } from 'node:worker_threads';
import { main } from './sandbox/cli.mjs';

export { SandboxError } from './sandbox/errors.mjs';
export { parseType, formatType } from './sandbox/types.mjs';
export {
  CONTRACT, MAX_LIBRARY_BYTES, MAX_INLINE_BODY_BYTES, MAX_RESOURCES, MAX_TOTAL_CODE_BYTES,
  DEFAULT_MAX_OUTPUT_BYTES, DEFAULT_TIMEOUT_MS, DEFAULT_MEMORY_MB, DDL_RULES, checkDefinitions,
} from './sandbox/limits.mjs';
export { parseCreateFunctions, loadPackage } from './sandbox/manifest.mjs';
export { createWorker } from './sandbox/execution.mjs';
export { main };

const self = isMainThread && process.argv[1] && (() => { try { return fs.realpathSync(process.argv[1]); } catch { return null; } })();
if (self === fileURLToPath(import.meta.url)) process.exitCode = await main(process.argv.slice(2));
