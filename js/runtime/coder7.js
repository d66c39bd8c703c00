// The runtime half of the 7-bit text coding of embedded binary data (the wasm
// module here; the model parts written by `jatopic package`). The encoders:
// encode7 in js/bundle.mjs and in src/bigquery/package.rs.
function decode7(s, n) {
  const out = new Uint8Array(n);
  let acc = 0, bits = 0, o = 0;
  for (let i = 0; i < s.length && o < n; i++) {
    const c = s.charCodeAt(i);
    acc = ((acc << 7) | (c < 128 ? c : c - 256)) & 0x7fff;
    bits += 7;
    if (bits >= 8) { bits -= 8; out[o++] = (acc >> bits) & 0xff; }
  }
  if (o !== n) throw new Error('jatopic: embedded data is truncated (' + o + ' of ' + n + ' bytes)');
  return out;
}
