// UTF-8 coding for wasm-bindgen's glue (spliced into the bundle by
// js/bundle.mjs, which points the glue's TextEncoder/TextDecoder here).
// Always ours, never the host's, so Node, browsers and BigQuery (whose V8 has
// no TextEncoder) behave identically; a lone surrogate becomes U+FFFD, one
// code point for one code point, so offsets are unaffected.
class Utf8Encoder {
  encode(s) {
    const out = new Uint8Array(s.length * 3);
    return out.subarray(0, this.encodeInto(s, out).written);
  }
  encodeInto(s, view) {
    let o = 0, i = 0;
    for (; i < s.length; i++) {
      let c = s.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdfff) {
        const d = s.charCodeAt(i + 1);
        if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) { c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00); } else { c = 0xfffd; }
      }
      const need = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
      if (o + need > view.length) break;
      if (need === 1) view[o++] = c;
      else if (need === 2) { view[o++] = 0xc0 | (c >> 6); view[o++] = 0x80 | (c & 63); }
      else if (need === 3) { view[o++] = 0xe0 | (c >> 12); view[o++] = 0x80 | ((c >> 6) & 63); view[o++] = 0x80 | (c & 63); }
      else { view[o++] = 0xf0 | (c >> 18); view[o++] = 0x80 | ((c >> 12) & 63); view[o++] = 0x80 | ((c >> 6) & 63); view[o++] = 0x80 | (c & 63); i++; }
    }
    return { read: i, written: o };
  }
}
class Utf8Decoder {
  decode(bytes) {
    if (bytes === undefined) return '';
    const parts = [];
    let chunk = [];
    for (let i = 0; i < bytes.length;) {
      const b = bytes[i];
      let c, n;
      if (b < 0x80) { c = b; n = 1; }
      else if (b < 0xe0) { c = ((b & 31) << 6) | (bytes[i + 1] & 63); n = 2; }
      else if (b < 0xf0) { c = ((b & 15) << 12) | ((bytes[i + 1] & 63) << 6) | (bytes[i + 2] & 63); n = 3; }
      else { c = ((b & 7) << 18) | ((bytes[i + 1] & 63) << 12) | ((bytes[i + 2] & 63) << 6) | (bytes[i + 3] & 63); n = 4; }
      i += n;
      if (c >= 0x10000) { c -= 0x10000; chunk.push(0xd800 + (c >> 10), 0xdc00 + (c & 1023)); } else { chunk.push(c); }
      if (chunk.length >= 8192) { parts.push(String.fromCharCode.apply(null, chunk)); chunk = []; }
    }
    parts.push(String.fromCharCode.apply(null, chunk));
    return parts.join('');
  }
}
