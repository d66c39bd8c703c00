// Loads the single-file bundle in a fresh V8 context with no Node or Web
// globals (as BigQuery does) and tokenizes the arguments.
import fs from 'node:fs';
import vm from 'node:vm';

const [file, ...texts] = process.argv.slice(2);
const context = vm.createContext({});
const t0 = performance.now();
vm.runInContext(fs.readFileSync(file, 'utf8'), context, { filename: file });
const first = vm.runInContext(`jatopic.wakati(${JSON.stringify(texts[0] || '')})`, context);
const ms = performance.now() - t0;
console.log(`${file}: ${fs.statSync(file).size} bytes, loaded and first call in ${ms.toFixed(0)} ms`);
console.log(first.join(' '));
for (const t of texts.slice(1)) {
  const tokens = vm.runInContext(`jatopic.tokenize(${JSON.stringify(t)})`, context);
  for (const k of tokens) console.log(`${k.surface}\t${k.pos.join(',')}\t${k.base_form}\t[${k.start},${k.end})${k.known ? '' : ' unknown'}`);
}
