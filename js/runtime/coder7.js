// The runtime half of the 7-bit text coding of embedded binary data (the wasm
// module and compact lexicon here; the library files `jatopic package`
// writes). The encoders: encode7 in js/bundle.mjs and in
// src/bigquery/package.rs. A character below 128 is 7 bits of data; one of
// U+0080 to U+07FF (two bytes of UTF-8) is 14: an escaped value (its index
// in TEXT_CODING_ESCAPED, from the UDF contract, plus 1, times 128) and the
// next 7 bits as they are, so escaping costs no space.
function decode7(s, n) {
  const out = new Uint8Array(n);
  let acc = 0, bits = 0, o = 0, i = 0;
  const len = s.length;
  while (i < len && o < n) {
    // Eight plain characters from a byte boundary are seven bytes, without
    // the accumulator: most of the text (3 ms less of a 100 ms cold start).
    if (bits === 0 && i + 8 <= len && o + 7 <= n) {
      const c0 = s.charCodeAt(i), c1 = s.charCodeAt(i + 1), c2 = s.charCodeAt(i + 2), c3 = s.charCodeAt(i + 3);
      const c4 = s.charCodeAt(i + 4), c5 = s.charCodeAt(i + 5), c6 = s.charCodeAt(i + 6), c7 = s.charCodeAt(i + 7);
      if ((c0 | c1 | c2 | c3 | c4 | c5 | c6 | c7) < 128) {
        out[o] = (c0 << 1) | (c1 >> 6);
        out[o + 1] = (c1 << 2) | (c2 >> 5);
        out[o + 2] = (c2 << 3) | (c3 >> 4);
        out[o + 3] = (c3 << 4) | (c4 >> 3);
        out[o + 4] = (c4 << 5) | (c5 >> 2);
        out[o + 5] = (c5 << 6) | (c6 >> 1);
        out[o + 6] = (c6 << 7) | c7;
        i += 8;
        o += 7;
        continue;
      }
    }
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
    while (bits >= 8 && o < n) { bits -= 8; out[o++] = (acc >> bits) & 0xff; }
    acc &= (1 << bits) - 1;
    i++;
  }
  if (o !== n) throw new Error('jatopic: embedded data is truncated (' + o + ' of ' + n + ' bytes)');
  return out;
}
