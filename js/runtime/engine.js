// What the bundle knows about the engine it runs in and the data it carries:
// which WebAssembly features the engine accepts (tiny probe modules given to
// WebAssembly.validate) and SHA-256 of embedded data (to tell a damaged
// library file from an engine too old for the module). Spliced into the
// bundle by js/bundle.mjs; js/wasm-floor.mjs reads FLOOR_FEATURES from here.

// The features the shipped module may use beyond the MVP (the floor enforced
// by `make wasm`), then others probed for the self-test's report only.
const FLOOR_FEATURES = ['sign-ext', 'mutable-globals', 'nontrapping-fptoint', 'bulk-memory'];
const REPORTED_FEATURES = ['multi-value', 'reference-types', 'simd', 'tail-call', 'threads'];

// A module of sections [id, bytes], each with its size in front (all < 128 bytes).
function wasmModule(sections) {
  const out = [0, 0x61, 0x73, 0x6d, 1, 0, 0, 0];
  for (const [id, bytes] of sections) out.push(id, bytes.length, ...bytes);
  return new Uint8Array(out);
}
// One function of type [params] -> [results] with the given body (no locals).
function wasmFunction(params, results, body, extra) {
  const code = [0, ...body, 0x0b];
  return wasmModule([
    [1, [1, 0x60, params.length, ...params, results.length, ...results]],
    [3, [1, 0]],
    ...(extra || []),
    [10, [1, code.length, ...code]],
  ]);
}
const I32 = 0x7f, F32 = 0x7d;
const FEATURE_PROBES = {
  // i32.const 0; i32.extend8_s
  'sign-ext': () => wasmFunction([], [I32], [0x41, 0, 0xc0]),
  // (import "a" "b" (global (mut i32)))
  'mutable-globals': () => wasmModule([[2, [1, 1, 0x61, 1, 0x62, 3, I32, 1]]]),
  // f32.const 0; i32.trunc_sat_f32_s
  'nontrapping-fptoint': () => wasmFunction([], [I32], [0x43, 0, 0, 0, 0, 0xfc, 0]),
  // (memory 1); i32.const 0 (x3); memory.copy
  'bulk-memory': () => wasmFunction([], [], [0x41, 0, 0x41, 0, 0x41, 0, 0xfc, 10, 0, 0], [[5, [1, 0, 1]]]),
  // a function returning two i32
  'multi-value': () => wasmFunction([], [I32, I32], [0x41, 0, 0x41, 0]),
  // ref.null extern, returned as externref
  'reference-types': () => wasmFunction([], [0x6f], [0xd0, 0x6f]),
  // a v128 parameter
  'simd': () => wasmFunction([0x7b], [], []),
  // return_call 0
  'tail-call': () => wasmFunction([], [], [0x12, 0]),
  // (memory 1 1 shared)
  'threads': () => wasmModule([[5, [1, 3, 1, 1]]]),
};
// Feature name -> whether this engine's WebAssembly.validate accepts its probe.
function wasmFeatures() {
  const out = {};
  for (const name of FLOOR_FEATURES.concat(REPORTED_FEATURES)) {
    let accepted = false;
    try { accepted = WebAssembly.validate(FEATURE_PROBES[name]()) === true; } catch (e) { accepted = false; }
    out[name] = accepted;
  }
  return out;
}
// The floor features this engine lacks (empty when it can run jatopic).
function missingFloorFeatures() {
  const accepted = wasmFeatures();
  return FLOOR_FEATURES.filter((f) => !accepted[f]);
}

// SHA-256 (FIPS 180-4) of a Uint8Array, as lowercase hex. Whole blocks are
// read in place: no copy of a 4 MB user dictionary or 2 MB lexicon part.
const SHA256_K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
// One 64-byte block at `at` into the state `h`, with `w` the message
// schedule. A function per block, not one loop over the data: V8 optimises a
// function after a few calls, and the sums kept to 32 bits pairwise (| 0)
// stay integer additions: 2.5 times as fast as one loop on a 4 MB file.
function sha256Block(h, w, data, at) {
  for (let i = 0, j = at; i < 16; i++, j += 4) w[i] = (data[j] << 24) | (data[j + 1] << 16) | (data[j + 2] << 8) | data[j + 3];
  for (let i = 16; i < 64; i++) {
    const x = w[i - 15], y = w[i - 2];
    const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
    const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
    w[i] = (((w[i - 16] + s0) | 0) + ((w[i - 7] + s1) | 0)) | 0;
  }
  let a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
  for (let i = 0; i < 64; i++) {
    const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (((hh + s1) | 0) + ((((e & f) ^ (~e & g)) + ((SHA256_K[i] + w[i]) | 0)) | 0)) | 0;
    const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (s0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    hh = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
  }
  h[0] = (h[0] + a) | 0; h[1] = (h[1] + b) | 0; h[2] = (h[2] + c) | 0; h[3] = (h[3] + d) | 0;
  h[4] = (h[4] + e) | 0; h[5] = (h[5] + f) | 0; h[6] = (h[6] + g) | 0; h[7] = (h[7] + hh) | 0;
}
function sha256(bytes) {
  const n = bytes.length;
  const h = new Int32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
  const w = new Int32Array(64);
  // The whole blocks in place, then the rest, a 0x80 byte, zeros and the
  // bit length (big-endian) in one or two more blocks.
  const whole = n & ~63;
  for (let at = 0; at < whole; at += 64) sha256Block(h, w, bytes, at);
  const tail = new Uint8Array(n - whole < 56 ? 64 : 128);
  tail.set(bytes.subarray(whole));
  tail[n - whole] = 0x80;
  const bits = n * 8;
  for (let i = 0; i < 8; i++) tail[tail.length - 1 - i] = Math.floor(bits / 2 ** (8 * i)) & 0xff;
  for (let at = 0; at < tail.length; at += 64) sha256Block(h, w, tail, at);
  return Array.from(h, (x) => (x >>> 0).toString(16).padStart(8, '0')).join('');
}
