// Builds the static browser demo: the page files from js/web/, the library
// files of a `jatopic package` directory (tokenizer + model parts, as listed
// in its manifest.json) and samples.json (synthetic sample listings).
//
// usage:
//   node js/build-web.mjs --package DIR [--readings-package DIR2] --samples ITEMS.ndjson [--max-samples 300] --out build/web
//   node js/build-web.mjs --write-test-samples FILE.ndjson [--count 400]
//       writes a deterministic synthetic catalog ({title, category} per line) for the
//       browser test: train the test models on it and pass it as --samples.
//
// The page loads the library files with <script defer> tags written into
// index.html (in the manifest's order), so it needs no fetch for them.
// Except jatopic-readings.js (from the package, or --readings-package when the
// package has none): it is copied but not tagged; the page loads it when the
// user turns readings on, so the first paint does not wait for it.
// Fails (exit 1) when the files total more than TRANSFER_BUDGET bytes.
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { fileURLToPath } from 'node:url';

export const TRANSFER_BUDGET = 2_000_000;
export const WEB_SOURCE = fileURLToPath(new URL('./web/', import.meta.url));
// The page files copied from js/web/ (index.html gets the library tags).
const PAGE_FILES = ['index.html', 'app.js', 'style.css', 'capture.js'];
const LIBRARY_MARKER = '<!-- jatopic:libraries -->';
export const READINGS_FILE = 'jatopic-readings.js';

/**
 * Parses NDJSON listings ({title, category} or `jatopic sample`'s items with
 * category_ja); keeps rows with a non-empty string title.
 */
export function readListings(text, file = 'samples') {
  const out = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let row;
    try {
      row = JSON.parse(line);
    } catch (e) {
      throw new Error(`${file}:${i + 1}: not JSON (${e.message})`);
    }
    if (row === null || typeof row !== 'object') throw new Error(`${file}:${i + 1}: expected an object`);
    const title = typeof row.title === 'string' ? row.title.replace(/\s+/g, ' ').trim() : '';
    if (title === '') return;
    // `jatopic sample` writes an English slug (category) and a Japanese name (category_ja).
    const named = [row.category_ja, row.category].find((c) => typeof c === 'string' && c.trim() !== '');
    const category = named ? named.trim() : 'その他';
    out.push({ title, category });
  });
  return out;
}

/**
 * At most `max` listings, a deterministic spread across categories: round
 * robin over the categories (in order of first appearance), each in file
 * order; duplicate titles are dropped. Output is grouped by category.
 */
export function pickSamples(listings, max) {
  const byCategory = new Map();
  const seen = new Set();
  for (const l of listings) {
    if (seen.has(l.title)) continue;
    seen.add(l.title);
    if (!byCategory.has(l.category)) byCategory.set(l.category, []);
    byCategory.get(l.category).push(l);
  }
  const queues = [...byCategory.values()];
  const picked = new Map([...byCategory.keys()].map((c) => [c, []]));
  let n = 0;
  for (let round = 0; n < max; round++) {
    let any = false;
    for (const q of queues) {
      if (round < q.length && n < max) {
        picked.get(q[round].category).push(q[round]);
        n++;
        any = true;
      }
    }
    if (!any) break;
  }
  return [...picked.values()].flat();
}

function sha256(bytes) {
  return crypto.createHash('sha256').update(bytes).digest('hex');
}

function escapeAttr(s) {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

/**
 * Builds the demo into `out`. Returns {files: [{path, bytes}], total}.
 * Throws on a bad package or samples file; does not check the budget.
 */
// The library files listed in a package's manifest.json, checked against it.
function readPackage(packageDir) {
  const manifestPath = path.join(packageDir, 'manifest.json');
  let manifest;
  try {
    manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
  } catch (e) {
    throw new Error(`${manifestPath}: cannot read the package manifest (${e.message}); run \`jatopic package --out ${packageDir} ...\` first`);
  }
  if (!Array.isArray(manifest.files) || manifest.files.length === 0) throw new Error(`${manifestPath}: no "files" list`);
  return manifest.files.map((f) => {
    if (typeof f.path !== 'string' || !/^[\w.-]+\.js$/.test(f.path)) throw new Error(`${manifestPath}: unexpected library path ${JSON.stringify(f.path)}`);
    const bytes = fs.readFileSync(path.join(packageDir, f.path));
    if (typeof f.bytes === 'number' && f.bytes !== bytes.length) throw new Error(`${f.path}: ${bytes.length} bytes, the manifest says ${f.bytes}`);
    if (typeof f.sha256 === 'string' && f.sha256 !== sha256(bytes)) throw new Error(`${f.path}: SHA-256 differs from the manifest`);
    return { path: f.path, bytes };
  });
}

export function buildWeb({ packageDir, readingsPackageDir = null, samplesFile, maxSamples = 300, out, webDir = WEB_SOURCE }) {
  const manifestPath = path.join(packageDir, 'manifest.json');
  const all = readPackage(packageDir);
  let readings = all.find((l) => l.path === READINGS_FILE) || null;
  const libraries = all.filter((l) => l.path !== READINGS_FILE);
  if (readings === null && readingsPackageDir) {
    // The readings belong to the tokenizer's lexicon: take them only from a
    // package whose tokenizer is the same file.
    const other = readPackage(readingsPackageDir);
    const tok = other.find((l) => /tokenizer/.test(l.path));
    readings = other.find((l) => l.path === READINGS_FILE) || null;
    if (readings === null) throw new Error(`${readingsPackageDir}: no ${READINGS_FILE} (package it with \`jatopic package --readings\`)`);
    if (!tok || !libraries[0] || !tok.bytes.equals(libraries[0].bytes)) throw new Error(`${readingsPackageDir}: its tokenizer differs from ${packageDir}'s, so its readings may not fit`);
  }
  if (!/tokenizer/.test(libraries[0].path)) throw new Error(`${manifestPath}: the first library should be the tokenizer, got ${libraries[0].path}`);

  const listings = readListings(fs.readFileSync(samplesFile, 'utf8'), samplesFile);
  const samples = pickSamples(listings, maxSamples);
  if (samples.length === 0) throw new Error(`${samplesFile}: no listings with a "title"`);

  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(out, { recursive: true });
  const written = [];
  const write = (name, data) => {
    fs.writeFileSync(path.join(out, name), data);
    written.push({ path: name, bytes: Buffer.byteLength(data) });
  };

  // The tokenizer, then capture.js (keeps the packaged model's parts so the
  // page can restore it after a failed loadModel), then the model parts.
  const tags = libraries.map((l) => `<script defer src="${escapeAttr(l.path)}"></script>`);
  tags.splice(1, 0, '<script defer src="capture.js"></script>');
  // app.js finds the lazily loaded readings file through this.
  if (readings) tags.push(`<meta name="jatopic-readings" content="${escapeAttr(readings.path)}">`);
  for (const name of PAGE_FILES) {
    let data = fs.readFileSync(path.join(webDir, name));
    if (name === 'index.html') {
      const html = data.toString('utf8');
      if (!html.includes(LIBRARY_MARKER)) throw new Error(`${webDir}index.html: missing ${LIBRARY_MARKER}`);
      data = html.replace(LIBRARY_MARKER, tags.join('\n  '));
    }
    write(name, data);
  }
  for (const l of libraries) write(l.path, l.bytes);
  if (readings) write(readings.path, readings.bytes);
  write('samples.json', JSON.stringify({
    synthetic: true,
    note: 'Synthetic listings generated for the demo; not real products or sellers.',
    source: path.basename(samplesFile),
    samples,
  }));
  const total = written.reduce((n, f) => n + f.bytes, 0);
  return { files: written, total, samples: samples.length, listings: listings.length };
}

// ---- A deterministic synthetic catalog for the browser test -------------

const CATALOG = {
  'ファッション': {
    items: ['レザージャケット', 'ワンピース', 'スニーカー', 'トートバッグ', '革財布', '腕時計', 'マフラー', 'デニムパンツ', 'ニットセーター', '麦わら帽子'],
    mods: ['メンズ', 'レディース', '春夏用', '秋冬用', '本革', '綿100%', '大きいサイズ', '軽量', '防水', '手作り'],
    tags: ['おしゃれ', 'コーデ', '着回し', 'ブランド', 'カジュアル', '通勤'],
  },
  '家電': {
    items: ['ワイヤレスイヤホン', '電気ケトル', '掃除機', '炊飯器', '空気清浄機', 'ドライヤー', 'モバイルバッテリー', '液晶テレビ', '電子レンジ', '加湿器'],
    mods: ['コードレス', '省エネ', '大容量', '静音設計', '急速充電', 'Bluetooth対応', '4K', '5合炊き', '自動運転', 'コンパクト'],
    tags: ['家電', '電源', '充電', 'リモコン', '保証書付き', 'タイマー'],
  },
  '食品': {
    items: ['有機緑茶', 'じゃがいも', '黒毛和牛', '干し椎茸', '手作り味噌', '国産はちみつ', 'ドリップコーヒー', '天然塩', '冷凍餃子', '新米コシヒカリ'],
    mods: ['無添加', '産地直送', '訳あり', '業務用', 'お徳用', '老舗の', '贈答用', '減塩', '有機栽培', '北海道産'],
    tags: ['グルメ', 'お取り寄せ', '産直', '旬', '手作り', '詰め合わせ'],
  },
  '本': {
    items: ['長編小説', '料理本', '漫画全巻セット', '英語の参考書', '写真集', '絵本', 'ビジネス書', '旅行ガイド', '歴史図鑑', 'プログラミング入門'],
    mods: ['初版', '帯付き', '美品', '文庫', '単行本', '中古', '著者サイン入り', '最新版', '大判', '全10巻'],
    tags: ['読書', '古本', '出版社', '作家', 'シリーズ', 'ベストセラー'],
  },
  'スポーツ': {
    items: ['ランニングシューズ', 'ヨガマット', 'ダンベル', 'テニスラケット', 'ゴルフクラブ', 'サッカーボール', '登山リュック', '自転車ヘルメット', '競泳水着', 'キャンプテント'],
    mods: ['初心者向け', 'プロ仕様', '軽量', '折りたたみ式', '滑り止め付き', '通気性抜群', '4人用', '防水', 'サイズ調節可能', '子供用'],
    tags: ['トレーニング', 'アウトドア', '運動', '部活', '練習', 'フィットネス'],
  },
  'インテリア': {
    items: ['ソファ', 'ダイニングテーブル', '本棚', 'カーテン', 'ペンダントライト', '収納ボックス', 'ラグマット', '観葉植物', '掛け時計', 'ベッドフレーム'],
    mods: ['北欧風', '木製', '無垢材', '遮光', '組み立て簡単', '2人掛け', '洗える', 'LED', 'アンティーク調', '天然木'],
    tags: ['家具', '部屋', '収納', '寝室', 'リビング', '模様替え'],
  },
  'コスメ': {
    items: ['化粧水', '日焼け止め', '口紅', 'ファンデーション', 'シャンプー', 'ハンドクリーム', '美容液', '香水', '洗顔フォーム', 'ネイルカラー'],
    mods: ['敏感肌用', '無香料', 'オーガニック', '高保湿', 'SPF50', '詰め替え用', '薬用', '限定色', '天然由来', '大容量'],
    tags: ['スキンケア', '美容', 'メイク', '乾燥', '保湿', '毛穴'],
  },
  'おもちゃ': {
    items: ['ブロック', 'ぬいぐるみ', 'ジグソーパズル', 'ラジコンカー', 'ボードゲーム', '知育玩具', '着せ替え人形', 'プラモデル', '鉄道模型', '積み木'],
    mods: ['3歳から', '木のおもちゃ', '500ピース', '電池式', '家族で遊べる', '限定品', '日本製', '安全素材', '大人も楽しめる', '組み立て式'],
    tags: ['知育', '子供', 'プレゼント', '誕生日', '遊び', 'クリスマス'],
  },
};
const EXTRAS = ['送料無料', '新品未使用', '即日発送', 'ギフトに最適', '在庫限り', 'まとめ売り', '値下げしました', '人気商品'];
const COLORS = ['黒', '白', 'ネイビー', '赤', 'ベージュ', 'グレー'];
// Mostly category words (so a small model finds the categories), sometimes
// a generic shop phrase or a colour.
const PATTERNS = [
  (m, i, t) => `${m} ${i} ${t}`,
  (m, i, t) => `【${t}】${m}の${i}`,
  (m, i, t) => `${i}（${m}）${t}に`,
  (m, i, t) => `${t}向け ${m}${i}`,
  (m, i, t) => `${m}の${i}を出品します。${t}にどうぞ`,
  (m, i, t) => `${i} ${m} ${t}`,
];

/** `count` synthetic listings [{title, category}], the same every time. */
export function syntheticListings(count = 400) {
  let state = 12345;
  const next = (n) => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return (state >>> 8) % n;
  };
  const categories = Object.keys(CATALOG);
  const out = [];
  for (let i = 0; i < count; i++) {
    const category = categories[i % categories.length];
    const { items, mods, tags } = CATALOG[category];
    let title = PATTERNS[next(PATTERNS.length)](mods[next(mods.length)], items[next(items.length)], tags[next(tags.length)]);
    const extra = next(6);
    if (extra === 0) title += ' ' + EXTRAS[next(EXTRAS.length)];
    else if (extra === 1) title += ' ' + COLORS[next(COLORS.length)];
    out.push({ title, category });
  }
  return out;
}

function parseArgs(argv) {
  const opts = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${JSON.stringify(a)}`);
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new Error(`${a} needs a value`);
    opts[a.slice(2)] = v;
    i++;
  }
  return opts;
}

const USAGE = `usage:
  node js/build-web.mjs --package DIR [--readings-package DIR2] --samples ITEMS.ndjson [--max-samples 300] --out build/web
  node js/build-web.mjs --write-test-samples FILE.ndjson [--count 400]`;

function main() {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`build-web: ${e.message}\n${USAGE}`);
    process.exit(2);
  }
  if (opts['write-test-samples']) {
    const count = Number(opts.count ?? 400);
    const rows = syntheticListings(count).map((r, i) => JSON.stringify({ id: `synthetic-${i + 1}`, ...r }));
    fs.mkdirSync(path.dirname(path.resolve(opts['write-test-samples'])), { recursive: true });
    fs.writeFileSync(opts['write-test-samples'], rows.join('\n') + '\n');
    console.log(`${opts['write-test-samples']}: ${rows.length} synthetic listings`);
    return;
  }
  for (const k of ['package', 'samples', 'out']) {
    if (!opts[k]) {
      console.error(`build-web: missing --${k}\n${USAGE}`);
      process.exit(2);
    }
  }
  const maxSamples = Number(opts['max-samples'] ?? 300);
  if (!Number.isInteger(maxSamples) || maxSamples < 1) {
    console.error('build-web: --max-samples must be a positive integer');
    process.exit(2);
  }
  let result;
  try {
    result = buildWeb({ packageDir: opts.package, readingsPackageDir: opts['readings-package'] || null, samplesFile: opts.samples, maxSamples, out: opts.out });
  } catch (e) {
    console.error(`build-web: ${e.message}`);
    process.exit(1);
  }
  for (const f of result.files) console.log(`  ${f.path.padEnd(24)} ${String(f.bytes).padStart(9)} bytes`);
  console.log(`${opts.out}: ${result.files.length} files, ${result.samples} sample listings (of ${result.listings}); total transfer ${result.total} bytes (budget ${TRANSFER_BUDGET})`);
  if (result.total > TRANSFER_BUDGET) {
    console.error(`build-web: ${result.total - TRANSFER_BUDGET} bytes over the ${TRANSFER_BUDGET}-byte transfer budget (use a smaller model, e.g. \`jatopic package --count-bits\` or fewer terms, or fewer --max-samples)`);
    process.exit(1);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
