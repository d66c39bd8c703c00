// The runtime half of the 7-bit text coding of embedded binary data (the wasm
// module and compact lexicon here; the library files `jatopic package`
// writes). The encoders: encode7 in js/bundle.mjs and in
// src/bigquery/package.rs. A character below 128 is 7 bits of data; one of
// U+0080 to U+07FF (two bytes of UTF-8) is 14: an escaped value (its index
// in TEXT_CODING_ESCAPED, from the UDF contract, plus 1, times 128) and the
// next 7 bits as they are, so escaping costs no space. The text comes as
// the comment of a function (embed7 in js/bundle.mjs): its source, a slice
// of the library file's text (no copy), holds it.
function decode7(data, n) {
  let s = data;
  if (typeof data === 'function') {
    const source = Function.prototype.toString.call(data);
    const open = source.indexOf('/*'), close = source.lastIndexOf('*/');
    if (open < 0 || close < open) throw new Error('jatopic: embedded data is missing (its comment was removed: deploy the library files unmodified, not minified)');
    s = source.slice(open + 2, close);
  }
  const out = new Uint8Array(n);
  const len = s.length;
  let acc = 0, bits = 0, o = 0;
  for (let i = 0; i < len && o < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 128) {
      acc = (acc << 7) | c;
      bits += 7;
    } else {
      const escaped = TEXT_CODING_ESCAPED[(c >> 7) - 1];
      if (escaped === undefined) throw new Error('jatopic: embedded data is damaged (U+' + c.toString(16).toUpperCase() + ' at character ' + i + ' is not 7-bit text)');
      acc = (acc << 14) | (escaped << 7) | (c & 127);
      bits += 14;
    }
    // At most two bytes are whole (7 or 14 new bits on fewer than 8), and
    // the array keeps a value's low 8 bits: no inner loop or mask, which
    // made this loop, the cold start's longest in JS, a third slower.
    if (bits >= 8) {
      bits -= 8;
      out[o++] = acc >> bits;
      if (bits >= 8 && o < n) { bits -= 8; out[o++] = acc >> bits; }
      acc &= (1 << bits) - 1;
    }
  }
  if (o !== n) throw new Error('jatopic: embedded data is truncated (' + o + ' of ' + n + ' bytes)');
  return out;
}
