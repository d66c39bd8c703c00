//! A seeded generator of a **synthetic** Japanese handmade-goods catalog and
//! browsing log, for demos (`jatopic sample`, used by `make demo`).
//!
//! Everything is invented: titles and descriptions are assembled from a
//! hand-written vocabulary (18 categories, each with 3–4 styles), prices are
//! drawn from per-style ranges, and the browsing log is simulated from users
//! with latent (category, style) preferences and Zipf-like item popularity, so
//! that topic-based recommendation clearly beats a most-popular baseline.
//!
//! The output depends only on the [`SampleConfig`]: the generator has its own
//! PRNG (xoshiro256** seeded by SplitMix64), uses integer arithmetic only and
//! never iterates over hash maps, so the same config gives byte-identical files
//! on every platform.
//!
//! ```no_run
//! let cfg = jatopic::sample::SampleConfig { seed: 7, ..Default::default() };
//! let sample = jatopic::sample::generate(&cfg).unwrap();
//! jatopic::sample::write_sample(std::path::Path::new("demo-data"), &sample, &cfg).unwrap();
//! ```

use crate::tokenizer::json::push_str;
use crate::{Error, Result};
use std::collections::HashSet;
use std::path::Path;

/// What to generate. `Default` gives the demo's size: 3000 items, 600 users,
/// 30 days from 2026-10-01, 8–30 views per user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SampleConfig {
    /// Seed of every random choice; the same config always gives the same sample.
    pub seed: u64,
    /// Number of catalog items (1 ..= 10,000,000).
    pub items: usize,
    /// Number of simulated users (1 ..= 1,000,000).
    pub users: usize,
    /// Length of the browsing window in days, starting 2026-10-01T00:00:00Z (1 ..= 3650).
    pub days: u32,
    /// Inclusive range of the number of views per user (1 ..= 10,000).
    pub views_per_user: (usize, usize),
}

impl Default for SampleConfig {
    fn default() -> Self {
        SampleConfig {
            seed: 42,
            items: 3000,
            users: 600,
            days: 30,
            views_per_user: (8, 30),
        }
    }
}

/// One synthetic catalog listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// `"item-00001"`, numbered from 1 (zero-padded to at least five digits).
    pub item_id: String,
    /// English category slug, e.g. `"pottery"`.
    pub category: &'static str,
    /// Japanese category name, e.g. `"陶器・うつわ"`.
    pub category_ja: &'static str,
    /// Sub-category slug, e.g. `"mugs"`.
    pub style: &'static str,
    /// Marketplace-style title, 20–70 characters.
    pub title: String,
    /// Two to five sentences of です/ます Japanese, 80–300 characters.
    pub description: String,
    /// Price in yen (tax included, as on Japanese marketplaces).
    pub price_yen: u32,
}

/// One simulated page view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct View {
    /// `"user-0001"`, numbered from 1 (zero-padded to at least four digits).
    pub user_id: String,
    /// The viewed item's `item_id`.
    pub item_id: String,
    /// RFC 3339 UTC timestamp, e.g. `"2026-10-01T09:15:00Z"`.
    pub viewed_at: String,
}

/// A generated catalog and browsing log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sample {
    /// Items in `item_id` order.
    pub items: Vec<Item>,
    /// Views sorted by `user_id`, then `viewed_at` (strictly increasing per user).
    pub views: Vec<View>,
}

const MAX_ITEMS: usize = 10_000_000;
const MAX_USERS: usize = 1_000_000;
const MAX_VIEWS_PER_USER: usize = 10_000;
const MAX_TOTAL_VIEWS: u64 = 50_000_000;
const MAX_DAYS: u32 = 3650;
/// The browsing window starts at 2026-10-01T00:00:00Z.
const START_DATE: (i64, u32, u32) = (2026, 10, 1);

const MIN_TITLE: usize = 20;
const MAX_TITLE: usize = 70;
const MIN_DESCRIPTION: usize = 80;
const MAX_DESCRIPTION: usize = 300;

/// Chance (per mille) that a view is a random item outside the user's tastes.
const RANDOM_BROWSE_PER_MILLE: u32 = 120;
/// Chance (per mille) that a non-random view stays on the session's focus.
const SESSION_FOCUS_PER_MILLE: u32 = 800;
/// Chance (per mille) that an already-seen item is accepted instead of redrawn.
const REVIEW_PER_MILLE: u32 = 80;
/// Largest gap between two views of one session, in seconds (see `view_gap`).
const MAX_VIEW_GAP: u64 = 858;
/// Least gap between two sessions of one user, in seconds.
const SESSION_GAP: u64 = 900;

// Independent random streams: changing the number of users does not change
// the catalog, and each item's text depends only on the seed and its number.
const STREAM_CATALOG: u64 = 1;
const STREAM_ITEM: u64 = 1 << 40;
const STREAM_USER: u64 = 2 << 40;

/// Generates a sample. Fails with [`Error::Input`] for unusable configs (no
/// items or users, an empty or inverted view range, more views per user than
/// the window can hold, sizes beyond the documented limits).
pub fn generate(cfg: &SampleConfig) -> Result<Sample> {
    validate(cfg)?;
    let (items, groups) = generate_items(cfg);
    let popularity = Popularity::new(cfg.seed, &groups);
    let user_width = digits(cfg.users).max(4);
    let window = u64::from(cfg.days) * 86_400;
    let base_day = days_from_civil(START_DATE.0, START_DATE.1, START_DATE.2);
    let mut views =
        Vec::with_capacity(cfg.users * (cfg.views_per_user.0 + cfg.views_per_user.1) / 2);
    for u in 0..cfg.users {
        let mut rng = Rng::new(cfg.seed, STREAM_USER + u as u64);
        let user_id = format!("user-{:0width$}", u + 1, width = user_width);
        for (t, item) in user_views(&mut rng, cfg, window, &popularity) {
            views.push(View {
                user_id: user_id.clone(),
                item_id: items[item as usize].item_id.clone(),
                viewed_at: rfc3339(base_day, t),
            });
        }
    }
    Ok(Sample { items, views })
}

/// Writes `items.ndjson`, `views.ndjson` and `README.txt` into `dir` (created
/// if missing), each atomically (temporary file, then rename). `cfg` is the
/// config the sample was generated with; the README records it.
pub fn write_sample(dir: &Path, sample: &Sample, cfg: &SampleConfig) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| Error::Io(format!("{}: {e}", dir.display())))?;
    let write = |name: &str, text: String| {
        crate::io::output::write_atomically(&dir.join(name).to_string_lossy(), text.as_bytes())
    };
    write("items.ndjson", items_ndjson(&sample.items))?;
    write("views.ndjson", views_ndjson(&sample.views))?;
    write("README.txt", readme(sample, cfg))
}

fn validate(cfg: &SampleConfig) -> Result<()> {
    let bad = |m: String| Err(Error::Input(format!("sample: {m}")));
    let (lo, hi) = cfg.views_per_user;
    if cfg.items == 0 || cfg.items > MAX_ITEMS {
        return bad(format!("items must be 1..={MAX_ITEMS}, got {}", cfg.items));
    }
    if cfg.users == 0 || cfg.users > MAX_USERS {
        return bad(format!("users must be 1..={MAX_USERS}, got {}", cfg.users));
    }
    if cfg.days == 0 || cfg.days > MAX_DAYS {
        return bad(format!("days must be 1..={MAX_DAYS}, got {}", cfg.days));
    }
    if lo == 0 || lo > hi || hi > MAX_VIEWS_PER_USER {
        return bad(format!(
            "views per user must be a range lo..=hi with 1 <= lo <= hi <= {MAX_VIEWS_PER_USER}, got {lo}..={hi}"
        ));
    }
    if cfg.users as u64 * hi as u64 > MAX_TOTAL_VIEWS {
        return bad(format!(
            "users × max views per user must be at most {MAX_TOTAL_VIEWS}, got {}",
            cfg.users as u64 * hi as u64
        ));
    }
    let need = hi as u64 * (MAX_VIEW_GAP + SESSION_GAP);
    if need > u64::from(cfg.days) * 86_400 {
        return bad(format!(
            "{hi} views per user do not fit in {} day(s); use more days or fewer views",
            cfg.days
        ));
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Deterministic PRNG
// ---------------------------------------------------------------------------

fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// xoshiro256** seeded from (seed, stream) by SplitMix64.
struct Rng {
    s: [u64; 4],
}

impl Rng {
    fn new(seed: u64, stream: u64) -> Rng {
        let mut sm = seed;
        let mut sm = splitmix64(&mut sm) ^ stream;
        let mut s = [0u64; 4];
        for x in &mut s {
            *x = splitmix64(&mut sm);
        }
        if s == [0; 4] {
            s[0] = 1;
        }
        Rng { s }
    }

    fn next_u64(&mut self) -> u64 {
        let result = self.s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = self.s[1] << 17;
        self.s[2] ^= self.s[0];
        self.s[3] ^= self.s[1];
        self.s[1] ^= self.s[2];
        self.s[0] ^= self.s[3];
        self.s[2] ^= t;
        self.s[3] = self.s[3].rotate_left(45);
        result
    }

    /// Uniform in `0..n` (Lemire's method, unbiased); `n` must be positive.
    fn below_u64(&mut self, n: u64) -> u64 {
        debug_assert!(n > 0);
        let mut m = u128::from(self.next_u64()) * u128::from(n);
        if (m as u64) < n {
            let threshold = n.wrapping_neg() % n;
            while (m as u64) < threshold {
                m = u128::from(self.next_u64()) * u128::from(n);
            }
        }
        (m >> 64) as u64
    }

    fn below(&mut self, n: usize) -> usize {
        self.below_u64(n as u64) as usize
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    fn chance(&mut self, per_mille: u32) -> bool {
        self.below_u64(1000) < u64::from(per_mille)
    }

    fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len())]
    }

    /// An index drawn with probability proportional to its weight, given
    /// cumulative weights (`cum[i]` = sum of weights `0..=i`, last > 0).
    fn pick_cum(&mut self, cum: &[u64]) -> usize {
        let x = self.below_u64(*cum.last().expect("non-empty weights"));
        cum.partition_point(|&c| c <= x)
    }

    fn shuffle<T>(&mut self, xs: &mut [T]) {
        for i in (1..xs.len()).rev() {
            let j = self.below(i + 1);
            xs.swap(i, j);
        }
    }
}

fn cumulative(weights: impl IntoIterator<Item = u64>) -> Vec<u64> {
    let mut total = 0;
    weights
        .into_iter()
        .map(|w| {
            total += w;
            total
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Catalog
// ---------------------------------------------------------------------------

/// Every (category, style) pair, in table order: a "group".
fn all_groups() -> Vec<(usize, usize)> {
    CATEGORIES
        .iter()
        .enumerate()
        .flat_map(|(c, cat)| (0..cat.styles.len()).map(move |s| (c, s)))
        .collect()
}

/// The items and, for each, its group index into [`all_groups`].
fn generate_items(cfg: &SampleConfig) -> (Vec<Item>, Vec<usize>) {
    let groups = all_groups();
    let mut rng = Rng::new(cfg.seed, STREAM_CATALOG);
    // Every group gets one item first (in random order), so that every
    // category and style appears whenever there are enough items.
    let mut first: Vec<usize> = (0..groups.len()).collect();
    rng.shuffle(&mut first);
    let cat_cum = cumulative(CATEGORIES.iter().map(|c| u64::from(c.weight)));
    let mut group_base = Vec::with_capacity(CATEGORIES.len());
    let mut base = 0;
    for cat in CATEGORIES {
        group_base.push(base);
        base += cat.styles.len();
    }
    let width = digits(cfg.items).max(5);
    let mut items = Vec::with_capacity(cfg.items);
    let mut item_groups = Vec::with_capacity(cfg.items);
    for i in 0..cfg.items {
        let g = match first.get(i) {
            Some(&g) => g,
            None => {
                let c = rng.pick_cum(&cat_cum);
                group_base[c] + rng.below(CATEGORIES[c].styles.len())
            }
        };
        let (c, s) = groups[g];
        let mut item_rng = Rng::new(cfg.seed, STREAM_ITEM + i as u64);
        let id = format!("item-{:0width$}", i + 1, width = width);
        items.push(make_item(
            &mut item_rng,
            id,
            &CATEGORIES[c],
            &CATEGORIES[c].styles[s],
        ));
        item_groups.push(g);
    }
    (items, item_groups)
}

/// The words chosen for one item, shared by its title and description.
struct Parts {
    material: &'static str,
    material2: &'static str,
    color: &'static str,
    noun: &'static str,
    adj: &'static str,
    size: &'static str,
    occasion: &'static str,
    feature: &'static str,
}

fn make_item(
    rng: &mut Rng,
    item_id: String,
    cat: &'static Category,
    style: &'static Style,
) -> Item {
    let materials = if style.materials.is_empty() {
        cat.materials
    } else {
        style.materials
    };
    let noun = rng.pick(style.nouns);
    let adj = rng.pick(style.mods);
    let mut material = rng.pick(materials);
    for _ in 0..4 {
        if !adj.contains(material) && !noun.contains(material) {
            break;
        }
        material = rng.pick(materials);
    }
    let mut material2 = rng.pick(materials);
    if material2 == material {
        material2 = "";
    }
    let parts = Parts {
        material,
        material2,
        color: if cat.colors.is_empty() {
            ""
        } else {
            rng.pick(cat.colors)
        },
        noun,
        adj,
        size: rng.pick(style.sizes),
        occasion: rng.pick(if style.uses.is_empty() {
            cat.uses
        } else {
            style.uses
        }),
        feature: rng.pick(cat.features),
    };
    let title = make_title(rng, cat, &parts);
    let description = make_description(rng, cat, style, &parts, &title);
    let price_yen = make_price(rng, style.price);
    Item {
        item_id,
        category: cat.slug,
        category_ja: cat.ja,
        style: style.slug,
        title,
        description,
        price_yen,
    }
}

fn chars(s: &str) -> usize {
    s.chars().count()
}

/// A marketplace-style title: optional 【prefix】, a core naming the thing,
/// then colour / size / feature / tag / occasion pieces until a random target
/// length, always within [`MIN_TITLE`]..=[`MAX_TITLE`] characters.
fn make_title(rng: &mut Rng, cat: &Category, p: &Parts) -> String {
    let sep = match rng.below(20) {
        0..=11 => " ",
        12..=16 => "　",
        17..=18 => " / ",
        _ => "｜",
    };
    let noun = if rng.chance(40) {
        to_halfwidth_katakana(p.noun)
    } else {
        p.noun.to_string()
    };
    let core = match rng.below(7) {
        0 | 1 => format!("{}の{noun}", p.material),
        2 => format!("{}{noun}", p.adj),
        3 => format!("{}{}の{noun}", p.adj, p.material),
        4 => format!("{}{sep}{noun}", p.material),
        5 => format!("{noun}「{}」", rng.pick(POETIC_NAMES)),
        _ if !p.material2.is_empty() => format!("{}×{}の{noun}", p.material, p.material2),
        _ => format!("{}{noun}", p.adj),
    };
    let mut title = String::new();
    match rng.below(100) {
        0..=29 => title.push_str(rng.pick(TITLE_PREFIXES)),
        30..=39 => title.push_str(&format!("【{}】", p.feature)),
        _ => {}
    }
    title.push_str(&core);

    let mut pieces: Vec<String> = Vec::new();
    if !p.color.is_empty() {
        pieces.push(if rng.chance(150) {
            format!("全{}色", rng.range(3, 8))
        } else {
            p.color.to_string()
        });
    }
    pieces.push(if rng.chance(250) {
        to_fullwidth_ascii(p.size)
    } else {
        p.size.to_string()
    });
    pieces.push(p.feature.to_string());
    pieces.push(rng.pick(SHARED_TAGS).to_string());
    if rng.chance(350) {
        pieces.push(rng.pick(SHARED_TAGS).to_string());
    }
    let mut occasion = rng.pick(OCCASION_TITLE_FORMS).replace("{use}", p.occasion);
    if rng.chance(150) {
        occasion.push('♪');
    }
    pieces.push(occasion);
    rng.shuffle(&mut pieces);

    let target = rng.range(22, 66);
    let mut len = chars(&title);
    for piece in &pieces {
        if len >= target {
            break;
        }
        let add = chars(sep) + chars(piece);
        if len + add <= MAX_TITLE && !title.contains(piece.as_str()) {
            title.push_str(sep);
            title.push_str(piece);
            len += add;
        }
    }
    for tag in FALLBACK_TAGS {
        if len >= MIN_TITLE {
            break;
        }
        let add = chars(sep) + chars(tag);
        if len + add <= MAX_TITLE && !title.contains(tag) {
            title.push_str(sep);
            title.push_str(tag);
            len += add;
        }
    }
    if len < MAX_TITLE && rng.chance(180) {
        let emoji = if !cat.emoji.is_empty() && rng.chance(500) {
            rng.pick(cat.emoji)
        } else {
            rng.pick(SHARED_EMOJI)
        };
        title.push_str(emoji);
    }
    title
}

/// Replaces `{material}`, `{color}`, `{noun}`, `{adj}` and `{use}` in a template.
fn fill(template: &str, p: &Parts) -> String {
    template
        .replace("{material}", p.material)
        .replace("{color}", p.color)
        .replace("{noun}", p.noun)
        .replace("{adj}", p.adj)
        .replace("{use}", p.occasion)
}

/// What a size string measures, for "…は…です。".
fn size_label(size: &str) -> &'static str {
    if size.ends_with("ml") {
        "容量"
    } else if size.ends_with('g') {
        "内容量"
    } else if size.contains("入り") || size.contains("セット") {
        "内容"
    } else {
        "サイズ"
    }
}

fn size_sentence(rng: &mut Rng, size: &str) -> String {
    let label = size_label(size);
    let size = if rng.chance(100) {
        to_fullwidth_ascii(size)
    } else {
        size.to_string()
    };
    if label == "サイズ" && !size.contains("サイズ") && rng.chance(300) {
        format!("仕上がりのサイズは{size}です。")
    } else {
        format!("{label}は{size}です。")
    }
}

/// Two to five sentences: an opening, some of the style's details, the
/// category's phrases, size, occasion and shop notes (in that order), with
/// notes matching the title's 送料無料 / 受注制作 / 一点物.
fn make_description(
    rng: &mut Rng,
    cat: &Category,
    style: &Style,
    p: &Parts,
    title: &str,
) -> String {
    let openings = if cat.openings.is_empty() {
        DEFAULT_OPENINGS
    } else {
        cat.openings
    };
    let usable: Vec<&str> = openings
        .iter()
        .copied()
        .filter(|t| !p.color.is_empty() || !t.contains("{color}"))
        .collect();
    let opening = fill(rng.pick(&usable), p);

    let mut details: Vec<&str> = style.details.to_vec();
    rng.shuffle(&mut details);
    let mut phrases: Vec<&str> = cat.phrases.to_vec();
    rng.shuffle(&mut phrases);
    let days = rng.pick(&[3u32, 5, 7, 10, 14]);
    // In the order they appear in a description.
    let candidates: Vec<String> = vec![
        details[0].to_string(),
        phrases[0].to_string(),
        details[1].to_string(),
        phrases[1].to_string(),
        size_sentence(rng, p.size),
        fill(rng.pick(OCCASION_SENTENCES), p),
        rng.pick(CLOSINGS)
            .replace("{k}", &rng.range(1, 3).to_string()),
    ];

    // A note the title promises comes last and is always there.
    let note = if title.contains("受注制作") {
        format!(
            "ご注文をいただいてから制作するため、発送まで{}日ほどお時間をいただきます。",
            days.max(5)
        )
    } else if title.contains("送料無料") {
        rng.pick(FREE_SHIPPING_NOTES).to_string()
    } else if title.contains("一点物") {
        "一点物のため、売り切れの際はどうぞご容赦ください。".to_string()
    } else {
        String::new()
    };
    let fixed = 1 + usize::from(!note.is_empty());
    let total = match rng.below(10) {
        0 => 2,
        1..=3 => 3,
        4..=7 => 4,
        _ => 5,
    };
    // The first `take` entries of `order` are used; lengthen or shorten
    // (within 2..=5 sentences) to fit the length bounds.
    let mut order: Vec<usize> = (0..candidates.len()).collect();
    rng.shuffle(&mut order);
    let mut take = total - fixed;
    let length = |order: &[usize], take: usize| {
        chars(&opening)
            + chars(&note)
            + order[..take]
                .iter()
                .map(|&i| chars(&candidates[i]))
                .sum::<usize>()
    };
    while length(&order, take) < MIN_DESCRIPTION && fixed + take < 5 {
        take += 1;
    }
    // Still short (very short size sentences): swap the shortest used
    // sentence for the longest unused one.
    while length(&order, take) < MIN_DESCRIPTION && take < order.len() {
        let key = |&(_, &i): &(usize, &usize)| chars(&candidates[i]);
        let (short, _) = order[..take]
            .iter()
            .enumerate()
            .min_by_key(key)
            .expect("take > 0");
        let (long, _) = order[take..]
            .iter()
            .enumerate()
            .max_by_key(key)
            .expect("unused left");
        if chars(&candidates[order[take + long]]) <= chars(&candidates[order[short]]) {
            break;
        }
        order.swap(short, take + long);
    }
    while length(&order, take) > MAX_DESCRIPTION && fixed + take > 2 {
        take -= 1;
    }
    let mut used = order[..take].to_vec();
    used.sort_unstable();
    let mut out = opening;
    for i in used {
        out.push_str(&candidates[i]);
    }
    out.push_str(&note);
    out
}

/// A price in the style's range, rounded like real listings (2,500 / 2,980 / 3,000).
fn make_price(rng: &mut Rng, (lo, hi): (u32, u32)) -> u32 {
    let raw = rng.range(lo as usize, hi as usize) as u32;
    let hundred = (raw + 50) / 100 * 100;
    let price = match rng.below(10) {
        0..=3 if hundred >= 1000 => hundred - 20,
        4 => (raw + 250) / 500 * 500,
        _ => hundred,
    };
    price.max(300)
}

// ---------------------------------------------------------------------------
// Browsing
// ---------------------------------------------------------------------------

/// Item popularity: Zipf-like within each group (rank r has weight ∝ 1/(r+1),
/// ranks in random order), plus the weights for choosing users' tastes.
struct Popularity {
    /// Items of each group, most popular first.
    group_items: Vec<Vec<u32>>,
    /// Cumulative weights over `group_items[g]`.
    group_cum: Vec<Vec<u64>>,
    /// Cumulative weights over all items (for random browsing).
    global_cum: Vec<u64>,
    /// Non-empty groups and cumulative taste weights over them (category weight / styles).
    taste_groups: Vec<usize>,
    taste_cum: Vec<u64>,
    /// Category of each group.
    group_category: Vec<usize>,
}

const ZIPF_SCALE: u64 = 1_000_000;

impl Popularity {
    fn new(seed: u64, item_groups: &[usize]) -> Popularity {
        let groups = all_groups();
        let mut rng = Rng::new(seed, STREAM_CATALOG + 1);
        let mut group_items: Vec<Vec<u32>> = vec![Vec::new(); groups.len()];
        for (i, &g) in item_groups.iter().enumerate() {
            group_items[g].push(i as u32);
        }
        let mut weight = vec![0u64; item_groups.len()];
        let mut group_cum = Vec::with_capacity(groups.len());
        for list in &mut group_items {
            rng.shuffle(list);
            for (rank, &i) in list.iter().enumerate() {
                weight[i as usize] = ZIPF_SCALE / (rank as u64 + 1);
            }
            group_cum.push(cumulative(list.iter().map(|&i| weight[i as usize])));
        }
        let taste_groups: Vec<usize> = (0..groups.len())
            .filter(|&g| !group_items[g].is_empty())
            .collect();
        let taste_cum = cumulative(taste_groups.iter().map(|&g| {
            let cat = &CATEGORIES[groups[g].0];
            u64::from(cat.weight) * 12 / cat.styles.len() as u64
        }));
        Popularity {
            group_items,
            group_cum,
            global_cum: cumulative(weight),
            taste_groups,
            taste_cum,
            group_category: groups.iter().map(|&(c, _)| c).collect(),
        }
    }

    fn item_in_group(&self, rng: &mut Rng, g: usize) -> u32 {
        self.group_items[g][rng.pick_cum(&self.group_cum[g])]
    }

    /// A user's tastes: 1–3 groups with weights, the first the strongest; a
    /// second taste is often another style of the same category.
    fn tastes(&self, rng: &mut Rng) -> (Vec<usize>, Vec<u64>) {
        let n = match rng.below(100) {
            0..=34 => 1,
            35..=74 => 2,
            _ => 3,
        };
        let mut groups = vec![self.taste_groups[rng.pick_cum(&self.taste_cum)]];
        for _ in 1..n {
            let cat = self.group_category[groups[0]];
            let siblings: Vec<usize> = self
                .taste_groups
                .iter()
                .copied()
                .filter(|&g| self.group_category[g] == cat && !groups.contains(&g))
                .collect();
            let next = if !siblings.is_empty() && rng.chance(450) {
                Some(rng.pick(&siblings))
            } else {
                (0..10)
                    .map(|_| self.taste_groups[rng.pick_cum(&self.taste_cum)])
                    .find(|g| !groups.contains(g))
            };
            groups.extend(next);
        }
        let weights: Vec<u64> = [6u64, 3, 2]
            .iter()
            .take(groups.len())
            .map(|&w| w + rng.below_u64(3))
            .collect();
        (groups, cumulative(weights))
    }
}

/// Hour-of-day weights of session starts in Japan time (index = JST hour).
const JST_HOUR_WEIGHTS: [u64; 24] = [
    3, 2, 1, 0, 0, 1, 2, 4, 5, 4, 4, 5, 8, 7, 4, 4, 4, 5, 6, 7, 9, 10, 9, 6,
];

/// Seconds between two views in a session: usually under five minutes,
/// sometimes longer (reading a description); at most [`MAX_VIEW_GAP`].
fn view_gap(rng: &mut Rng) -> u64 {
    let mut gap = 20 + rng.below_u64(240);
    if rng.chance(100) {
        gap += rng.below_u64(600);
    }
    gap
}

/// One user's views as (seconds since the window start, item index), in time order.
fn user_views(rng: &mut Rng, cfg: &SampleConfig, window: u64, pop: &Popularity) -> Vec<(u64, u32)> {
    let (groups, taste_cum) = pop.tastes(rng);
    let n = rng.range(cfg.views_per_user.0, cfg.views_per_user.1);

    // Sessions of 1–8 views, started at random days and (Japanese) evening-heavy hours.
    let mut session_sizes = Vec::new();
    let mut left = n;
    while left > 0 {
        let size = (1 + rng.below(3) + rng.below(3) + rng.below(3)).min(left);
        session_sizes.push(size);
        left -= size;
    }
    let hour_cum = cumulative(JST_HOUR_WEIGHTS);
    let mut starts: Vec<u64> = session_sizes
        .iter()
        .map(|_| {
            let day = rng.below_u64(u64::from(cfg.days));
            let utc_hour = (rng.pick_cum(&hour_cum) as u64 + 15) % 24;
            day * 86_400 + utc_hour * 3600 + rng.below_u64(3600)
        })
        .collect();
    starts.sort_unstable();

    // Times: forward pass keeps sessions apart, backward pass pulls the last
    // ones inside the window (validation guarantees everything fits).
    let mut times: Vec<u64> = Vec::with_capacity(n);
    let mut bounds = Vec::with_capacity(session_sizes.len());
    for (k, (&size, &start)) in session_sizes.iter().zip(&starts).enumerate() {
        let mut t = match times.last() {
            Some(&prev) if k > 0 => start.max(prev + SESSION_GAP),
            _ => start,
        };
        let first = times.len();
        for j in 0..size {
            if j > 0 {
                t += view_gap(rng);
            }
            times.push(t);
        }
        bounds.push((first, times.len() - 1));
    }
    let mut limit = window - 1;
    for &(first, last) in bounds.iter().rev() {
        if times[last] > limit {
            let shift = times[last] - limit;
            for t in &mut times[first..=last] {
                *t -= shift;
            }
        }
        limit = times[first].saturating_sub(SESSION_GAP);
    }

    // Items: a focus taste per session, random browsing now and then, and
    // already-seen items mostly redrawn.
    let mut seen = HashSet::with_capacity(n);
    let mut out = Vec::with_capacity(n);
    let mut idx = 0;
    for &size in &session_sizes {
        let focus = groups[rng.pick_cum(&taste_cum)];
        for _ in 0..size {
            let mut item = 0;
            for _ in 0..5 {
                item = if rng.chance(RANDOM_BROWSE_PER_MILLE) {
                    rng.pick_cum(&pop.global_cum) as u32
                } else if rng.chance(SESSION_FOCUS_PER_MILLE) {
                    pop.item_in_group(rng, focus)
                } else {
                    let g = groups[rng.pick_cum(&taste_cum)];
                    pop.item_in_group(rng, g)
                };
                if !seen.contains(&item) || rng.chance(REVIEW_PER_MILLE) {
                    break;
                }
            }
            seen.insert(item);
            out.push((times[idx], item));
            idx += 1;
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Dates and output
// ---------------------------------------------------------------------------

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (i64::from(m) + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day number from [`days_from_civil`].
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

fn rfc3339(base_day: i64, secs: u64) -> String {
    let (y, mo, d) = civil_from_days(base_day + (secs / 86_400) as i64);
    let s = secs % 86_400;
    format!(
        "{y:04}-{mo:02}-{d:02}T{:02}:{:02}:{:02}Z",
        s / 3600,
        s / 60 % 60,
        s % 60
    )
}

fn digits(n: usize) -> usize {
    n.to_string().len()
}

fn items_ndjson(items: &[Item]) -> String {
    let mut out = String::with_capacity(items.len() * 700);
    for it in items {
        out.push_str("{\"item_id\":");
        push_str(&mut out, &it.item_id);
        out.push_str(",\"category\":");
        push_str(&mut out, it.category);
        out.push_str(",\"category_ja\":");
        push_str(&mut out, it.category_ja);
        out.push_str(",\"style\":");
        push_str(&mut out, it.style);
        out.push_str(",\"title\":");
        push_str(&mut out, &it.title);
        out.push_str(",\"description\":");
        push_str(&mut out, &it.description);
        out.push_str(&format!(
            ",\"price_yen\":{},\"synthetic\":true}}\n",
            it.price_yen
        ));
    }
    out
}

fn views_ndjson(views: &[View]) -> String {
    let mut out = String::with_capacity(views.len() * 80);
    for v in views {
        out.push_str("{\"user_id\":");
        push_str(&mut out, &v.user_id);
        out.push_str(",\"item_id\":");
        push_str(&mut out, &v.item_id);
        out.push_str(",\"viewed_at\":");
        push_str(&mut out, &v.viewed_at);
        out.push_str("}\n");
    }
    out
}

fn readme(sample: &Sample, cfg: &SampleConfig) -> String {
    let users: HashSet<&str> = sample.views.iter().map(|v| v.user_id.as_str()).collect();
    let categories: HashSet<&str> = sample.items.iter().map(|i| i.category).collect();
    let first = sample
        .views
        .iter()
        .map(|v| v.viewed_at.as_str())
        .min()
        .unwrap_or("-");
    let last = sample
        .views
        .iter()
        .map(|v| v.viewed_at.as_str())
        .max()
        .unwrap_or("-");
    let (lo, hi) = cfg.views_per_user;
    format!(
        "SYNTHETIC SAMPLE DATA - NOT REAL LISTINGS\n\
         =========================================\n\
         \n\
         These files were generated by `jatopic sample --seed {seed}`\n\
         (settings: items={items}, users={users_cfg}, days={days}, views per user={lo}..={hi}).\n\
         \n\
         The data is synthetic. Titles, descriptions, prices, item ids and user ids\n\
         were assembled by a seeded random generator from a small hand-written\n\
         vocabulary, and the browsing log is simulated. They are not real listings,\n\
         shops, customers or browsing histories; any resemblance to real products or\n\
         people is coincidental. The same command always writes byte-identical files.\n\
         \n\
         これは `jatopic sample` が乱数で生成した架空のデータです。実在の商品・出品者・\n\
         利用者・閲覧履歴とは一切関係ありません。\n\
         \n\
         Files\n\
         -----\n\
         items.ndjson  {n_items} items in {n_cats} categories, one JSON object per line:\n\
         \x20             item_id, category (English slug), category_ja, style (sub-category\n\
         \x20             slug), title, description, price_yen, synthetic (always true).\n\
         views.ndjson  {n_views} simulated page views by {n_users} users,\n\
         \x20             from {first} to {last},\n\
         \x20             sorted by user_id then viewed_at: user_id, item_id, viewed_at\n\
         \x20             (RFC 3339, UTC).\n\
         README.txt    this file.\n\
         \n\
         How the browsing log is simulated\n\
         ---------------------------------\n\
         Each user has 1-3 preferred (category, style) pairs with weights. Views come\n\
         in sessions spread over the {days} day(s) from 2026-10-01 (more in the Japanese\n\
         evening); a session mostly stays on one preferred pair, and about 12% of views\n\
         are random items. Within a pair, item popularity is Zipf-like. Users rarely\n\
         view an item twice. Each user's last view is a natural hold-out for\n\
         evaluating recommendations (e.g. hit rate@10 against most-popular).\n",
        seed = cfg.seed,
        items = cfg.items,
        users_cfg = cfg.users,
        days = cfg.days,
        n_items = sample.items.len(),
        n_cats = categories.len(),
        n_views = sample.views.len(),
        n_users = users.len(),
    )
}

// ---------------------------------------------------------------------------
// Character-width variants (as in real listings)
// ---------------------------------------------------------------------------

const KATAKANA_FULL: &str = "ァアィイゥウェエォオカキクケコサシスセソタチッツテトナニヌネノハヒフヘホマミムメモャヤュユョヨラリルレロワヲンー・";
const KATAKANA_HALF: &str = "ｧｱｨｲｩｳｪｴｫｵｶｷｸｹｺｻｼｽｾｿﾀﾁｯﾂﾃﾄﾅﾆﾇﾈﾉﾊﾋﾌﾍﾎﾏﾐﾑﾒﾓｬﾔｭﾕｮﾖﾗﾘﾙﾚﾛﾜｦﾝｰ･";
const KATAKANA_VOICED: &str = "ガギグゲゴザジズゼゾダヂヅデドバビブベボ";
const KATAKANA_SEMI_VOICED: &str = "パピプペポ";

fn halfwidth_base(c: char) -> Option<char> {
    KATAKANA_FULL
        .chars()
        .position(|k| k == c)
        .and_then(|i| KATAKANA_HALF.chars().nth(i))
}

/// Full-width katakana to half-width (ピアス → ﾋﾟｱｽ); other characters unchanged.
fn to_halfwidth_katakana(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if let Some(h) = halfwidth_base(c) {
            out.push(h);
        } else if KATAKANA_VOICED.contains(c) {
            out.extend(char::from_u32(c as u32 - 1).and_then(halfwidth_base));
            out.push('ﾞ');
        } else if KATAKANA_SEMI_VOICED.contains(c) {
            out.extend(char::from_u32(c as u32 - 2).and_then(halfwidth_base));
            out.push('ﾟ');
        } else if c == 'ヴ' {
            out.push_str("ｳﾞ");
        } else {
            out.push(c);
        }
    }
    out
}

/// ASCII letters, digits and symbols to full width (100ml → １００ｍｌ).
fn to_fullwidth_ascii(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '!'..='~' => char::from_u32(c as u32 + 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Vocabulary
// ---------------------------------------------------------------------------

/// A sub-category: its nouns, prenominal modifiers, sizes, detail sentences
/// and price range; `materials` and `uses` override the category's when not empty.
struct Style {
    slug: &'static str,
    nouns: &'static [&'static str],
    mods: &'static [&'static str],
    materials: &'static [&'static str],
    sizes: &'static [&'static str],
    details: &'static [&'static str],
    uses: &'static [&'static str],
    price: (u32, u32),
}

/// A category: its styles and the vocabulary its items share. `weight` is its
/// relative share of items and of users' tastes; `openings` overrides
/// [`DEFAULT_OPENINGS`] when not empty.
struct Category {
    slug: &'static str,
    ja: &'static str,
    weight: u32,
    styles: &'static [Style],
    materials: &'static [&'static str],
    colors: &'static [&'static str],
    features: &'static [&'static str],
    uses: &'static [&'static str],
    phrases: &'static [&'static str],
    emoji: &'static [&'static str],
    openings: &'static [&'static str],
}

const NONE: &[&str] = &[];

/// Product nicknames, as in 「しずく」.
const POETIC_NAMES: &[&str] = &[
    "しずく",
    "月あかり",
    "木漏れ日",
    "朝露",
    "はなびら",
    "星屑",
    "さざなみ",
    "ひだまり",
    "夜明け",
    "ゆらぎ",
    "花筏",
    "雪解け",
    "そよかぜ",
    "小春",
    "秋桜",
    "宵の明星",
    "森のおと",
    "水面",
    "こもれび",
    "ひとしずく",
];

const TITLE_PREFIXES: &[&str] = &[
    "【送料無料】",
    "【受注制作】",
    "【一点物】",
    "【新作】",
    "【再販】",
    "【数量限定】",
    "★送料無料★",
    "☆受注制作☆",
    "＼送料無料／",
    "◆一点物◆",
    "《新作》",
    "★",
    "☆",
    "◆",
    "【再販×3】",
    "♪新作♪",
];

/// Words shared by every category, so that topics overlap as in real data.
const SHARED_TAGS: &[&str] = &[
    "ハンドメイド",
    "手作り",
    "一点物",
    "北欧風",
    "ナチュラル",
    "シンプル",
    "送料無料",
    "受注制作",
    "プレゼント",
    "ギフト",
    "大人かわいい",
    "おしゃれ",
    "ｶﾜｲｲ",
    "ギフトにも♪",
    "ラッピング無料",
    "贈り物",
    "ハンドメイド作品",
    "シンプル可愛い",
    "ﾊﾝﾄﾞﾒｲﾄﾞ",
    "人気商品",
];

/// Appended in order while a title is shorter than [`MIN_TITLE`].
const FALLBACK_TAGS: &[&str] = &[
    "ハンドメイド",
    "ギフトにも",
    "シンプル",
    "ナチュラル",
    "手作り",
    "プレゼント",
];

const OCCASION_TITLE_FORMS: &[&str] = &[
    "{use}に",
    "{use}ギフト",
    "{use}のプレゼントに",
    "{use}の贈り物に",
];

const SHARED_EMOJI: &[&str] = &["🎁", "✨", "🌸", "🍀", "🌿", "💐", "♪", "★"];

const DEFAULT_OPENINGS: &[&str] = &[
    "{material}を使った{adj}{noun}です。",
    "{color}の{material}で作った{noun}です。",
    "ひとつひとつ手作業で仕上げた、{material}の{noun}です。",
    "{adj}{noun}を、{material}でお作りしました。",
    "{material}の質感を生かした{adj}{noun}です。",
    "毎日の暮らしに寄り添う、{adj}{noun}を作りました。",
    "{material}を使って、{color}の{noun}をお作りしました。",
    "小さな工房で、{material}の{noun}をひとつずつ手作りしています。",
];

const OCCASION_SENTENCES: &[&str] = &[
    "{use}の贈り物にもおすすめです。",
    "{use}のプレゼントとしても喜ばれています。",
    "{use}のギフトにいかがでしょうか。",
    "大切な方への{use}の贈り物にもどうぞ。",
    "{use}のプレゼントにお選びいただくことも多い作品です。",
];

const CLOSINGS: &[&str] = &[
    "手作りのため、ひとつひとつ風合いや形が少しずつ異なります。",
    "ご覧の環境により、実際の色味と異なって見える場合がございます。",
    "ギフトラッピングをご希望の方は、ご注文時にお知らせください。",
    "丁寧に梱包してお届けいたします。",
    "ご不明な点がございましたら、お気軽にメッセージでお問い合わせください。",
    "在庫がある場合は、ご注文から{k}営業日以内に発送いたします。",
    "最後までご覧いただき、ありがとうございます。",
    "ハンドメイド品であることをご理解のうえ、ご購入をお願いいたします。",
];

const FREE_SHIPPING_NOTES: &[&str] = &[
    "全国送料無料でお届けいたします。",
    "送料無料で、追跡できる方法で発送いたします。",
    "送料無料のポスト投函便でお届けいたします。",
];

/// The categories. Their slugs and styles are part of the output format.
static CATEGORIES: &[Category] = &[
    Category {
        slug: "accessories",
        ja: "アクセサリー・ジュエリー",
        weight: 14,
        styles: &[
            Style {
                slug: "earrings",
                nouns: &["ピアス", "イヤリング", "イヤーカフ", "フープピアス", "ノンホールピアス", "アメリカンピアス"],
                mods: &["揺れる", "一粒", "小ぶりな", "大ぶりな", "華奢な", "ぷっくりとした", "存在感のある"],
                materials: NONE,
                sizes: &["全長3cm", "全長4.5cm", "直径2cm", "約2.5cm", "全長6cm"],
                details: &[
                    "耳元で小さく揺れて、顔まわりを明るく見せてくれます。",
                    "イヤリングへの変更も無料で承ります。",
                    "樹脂ノンホールピアスにも変更できますので、ご注文時にお申し付けください。",
                    "片耳だけのご購入も可能です。",
                ],
                uses: NONE,
                price: (1200, 6800),
            },
            Style {
                slug: "necklaces",
                nouns: &["ネックレス", "ペンダント", "ロングネックレス", "チョーカー", "ラリエット"],
                mods: &["一粒", "華奢な", "重ね付けできる", "ロングタイプの", "揺れる", "上品な"],
                materials: NONE,
                sizes: &["長さ40cm", "長さ45cm", "40cm+アジャスター5cm", "全長60cm"],
                details: &[
                    "チェーンは細めで、肌なじみのよい長さに仕上げています。",
                    "アジャスター付きなので、襟元に合わせて長さを調節できます。",
                    "シンプルな服に一点加えるだけで、胸元が華やぎます。",
                ],
                uses: NONE,
                price: (2000, 12000),
            },
            Style {
                slug: "rings",
                nouns: &["リング", "指輪", "ペアリング", "フリーサイズリング", "ピンキーリング"],
                mods: &["華奢な", "槌目の", "一粒", "重ね付けできる", "細身の", "ボリュームのある"],
                materials: NONE,
                sizes: &["9号", "11号", "14号", "フリーサイズ", "7号"],
                details: &[
                    "号数は5号から20号までお選びいただけます。",
                    "槌目の模様が光をやわらかく反射します。",
                    "重ね付けしても邪魔にならない細身のデザインです。",
                    "サイズ直しは一度まで無料で承ります。",
                ],
                uses: NONE,
                price: (1800, 15000),
            },
            Style {
                slug: "hair",
                nouns: &["バレッタ", "ヘアゴム", "ヘアクリップ", "ポニーフック", "かんざし", "ヘアピン"],
                mods: &["大人っぽい", "ころんとした", "上品な", "存在感のある", "小さな", "シンプルな"],
                materials: NONE,
                sizes: &["幅8cm", "約6cm", "直径3cm", "全長12cm"],
                details: &[
                    "まとめ髪にさっと着けるだけで、後ろ姿が華やかになります。",
                    "髪の量が多い方にも使いやすい大きめのサイズです。",
                    "金具は髪が引っかかりにくいものを選んでいます。",
                ],
                uses: NONE,
                price: (900, 4800),
            },
        ],
        materials: &[
            "真鍮", "天然石", "淡水パール", "コットンパール", "シルバー925", "14kgf", "チタン", "レジン", "チェコビーズ",
            "ラブラドライト", "ムーンストーン", "ガラスビーズ", "とんぼ玉", "有田焼",
        ],
        colors: &["ゴールド", "シルバー", "くすみブルー", "ミルキーホワイト", "ピンクベージュ", "ラベンダー", "ミントグリーン", "グレージュ"],
        features: &[
            "金属アレルギー対応", "ニッケルフリー", "天然石", "サージカルステンレス", "つけっぱなしOK", "軽量", "ギフトBOX付き",
            "華奢",
        ],
        uses: &["誕生日", "クリスマス", "母の日", "ホワイトデー", "記念日", "結婚式"],
        phrases: &[
            "金具はすべて金属アレルギーに配慮したものを使用しています。",
            "軽やかなつけ心地で、一日中着けていても疲れにくいのが特長です。",
            "オフィスにも休日のカジュアルな装いにも合わせやすいデザインです。",
            "天然石は一つひとつ色や模様が異なり、同じものはふたつとありません。",
            "ギフトボックスに入れてお届けしますので、そのまま贈り物にお使いいただけます。",
            "水や汗に濡れた場合は、柔らかい布でやさしく拭いてから保管してください。",
        ],
        emoji: &["💎", "✨"],
        openings: NONE,
    },
    Category {
        slug: "bags",
        ja: "バッグ・ポーチ",
        weight: 8,
        styles: &[
            Style {
                slug: "totes",
                nouns: &["トートバッグ", "ミニトート", "マルシェバッグ", "レッスンバッグ", "エコバッグ"],
                mods: &["たっぷり入る", "自立する", "肩掛けできる", "シンプルな", "大きめの"],
                materials: NONE,
                sizes: &["縦30×横38×マチ12cm", "幅40×高さ32cm", "A4サイズ", "幅26×高さ22cm"],
                details: &[
                    "A4サイズの書類やノートパソコンもすっぽり入ります。",
                    "持ち手は肩に掛けやすい長さに調整しています。",
                    "底には芯を入れているので、荷物を入れても形が崩れにくいです。",
                ],
                uses: NONE,
                price: (2800, 14000),
            },
            Style {
                slug: "pouches",
                nouns: &["ポーチ", "フラットポーチ", "ペンケース", "マルチケース", "通帳ケース", "母子手帳ケース"],
                mods: &["小さな", "マチ付きの", "刺繍入りの", "ころんとした", "仕切り付きの"],
                materials: NONE,
                sizes: &["幅18×高さ12cm", "縦11×横16cm", "約20×14cm"],
                details: &[
                    "化粧品や文房具など、細々したものの整理に便利です。",
                    "ファスナーはなめらかに開閉できる国産のものを使用しています。",
                    "内布には撥水加工の生地を使っています。",
                ],
                uses: NONE,
                price: (1200, 4500),
            },
            Style {
                slug: "shoulder",
                nouns: &["ショルダーバッグ", "サコッシュ", "ポシェット", "スマホショルダー", "ボディバッグ"],
                mods: &["斜め掛けできる", "軽い", "ミニ", "2way仕様の", "シンプルな"],
                materials: NONE,
                sizes: &["幅22×高さ16cm", "縦18×横24cm", "幅25×高さ18cm"],
                details: &[
                    "ストラップは長さを調節できるので、斜め掛けにも肩掛けにもお使いいただけます。",
                    "財布とスマートフォンが入るちょうどよいサイズ感です。",
                    "両手が空くので、旅行やお散歩に重宝します。",
                ],
                uses: NONE,
                price: (3200, 16000),
            },
            Style {
                slug: "purses",
                nouns: &["がま口", "がま口ポーチ", "がま口財布", "親子がま口", "メガネケース"],
                mods: &["レトロな", "ころんとした", "手のひらサイズの", "小さな"],
                materials: NONE,
                sizes: &["口金幅12cm", "幅10.5×高さ8cm", "口金8.5cm"],
                details: &[
                    "パチンと閉まる口金の音が心地よいです。",
                    "口金はしっかりと接着し、ほつれにくいように仕上げています。",
                    "小銭入れやアクセサリー入れとして活躍します。",
                ],
                uses: NONE,
                price: (1500, 5500),
            },
        ],
        materials: &[
            "帆布", "倉敷帆布", "リネン", "11号帆布", "コットン", "デニム", "撥水ナイロン", "本革", "ツイード", "キルティング",
            "綿麻キャンバス",
        ],
        colors: &["生成り", "ネイビー", "カーキ", "ブラック", "チャコールグレー", "マスタード", "くすみブルー", "テラコッタ", "ベージュ"],
        features: &["内ポケット付き", "撥水加工", "自立する", "軽量", "大容量", "A4対応", "マチ広", "洗濯OK", "ファスナー付き"],
        uses: &["誕生日", "母の日", "父の日", "記念日", "クリスマス", "入学祝い"],
        phrases: &[
            "内側には、小物を分けて入れられるポケットを付けました。",
            "丈夫な糸で縫い目を二重に補強しているので、重い荷物にも安心です。",
            "使い込むほどに生地がやわらかくなじみ、風合いが増していきます。",
            "お手入れは手洗いをおすすめしています。",
            "通勤からちょっとしたお出かけまで、毎日のコーディネートに合わせやすい色味です。",
        ],
        emoji: &["👜"],
        openings: NONE,
    },
    Category {
        slug: "pottery",
        ja: "陶器・うつわ",
        weight: 9,
        styles: &[
            Style {
                slug: "mugs",
                nouns: &["マグカップ", "マグ", "コーヒーカップ", "湯呑み", "フリーカップ", "そばちょこ"],
                mods: &["ぽってりとした", "持ちやすい", "手びねりの", "大きめの", "小ぶりな"],
                materials: NONE,
                sizes: &["直径8cm×高さ9cm", "300ml", "約250ml", "直径9cm", "幅12×高さ9cm"],
                details: &[
                    "手にすっとなじむ持ち手の形を、何度も試作して決めました。",
                    "たっぷり入る容量で、朝のコーヒーやスープにもぴったりです。",
                    "口当たりがやさしくなるよう、飲み口は薄く仕上げています。",
                ],
                uses: NONE,
                price: (2200, 5500),
            },
            Style {
                slug: "tableware",
                nouns: &["平皿", "取り皿", "豆皿", "リム皿", "小鉢", "飯碗", "ボウル", "楕円皿", "ペット用フードボウル"],
                mods: &["使いやすい", "取り分けに便利な", "縁の立ち上がった", "薄手の", "輪花の"],
                materials: NONE,
                sizes: &["直径15cm", "直径21cm", "幅24×奥行16cm", "直径12cm×高さ5cm"],
                details: &[
                    "パスタやカレーにもちょうどよい深さがあります。",
                    "重ねて収納しやすい形に仕上げました。",
                    "おかずを少しずつ盛り付けるのにちょうどよい大きさです。",
                ],
                uses: NONE,
                price: (1400, 6000),
            },
            Style {
                slug: "vases",
                nouns: &["花瓶", "一輪挿し", "花器", "フラワーベース"],
                mods: &["小さな", "すらりとした", "ころんとした", "素朴な"],
                materials: NONE,
                sizes: &["高さ12cm", "直径6cm×高さ15cm", "高さ18cm"],
                details: &[
                    "野の花を一輪挿すだけで、部屋の空気がやわらぎます。",
                    "内側まで釉薬をかけているので、水を入れてお使いいただけます。",
                    "ドライフラワーを飾るオブジェとしてもおすすめです。",
                ],
                uses: NONE,
                price: (2000, 9000),
            },
        ],
        materials: &["有田焼", "信楽焼", "波佐見焼", "美濃焼", "益子焼", "萩焼", "粉引", "白磁", "半磁器", "黒土", "赤土"],
        colors: &["白", "飴色", "織部", "瑠璃", "青磁", "くすみブルー", "生成り", "黒マット", "灰釉", "乳白"],
        features: &["電子レンジ対応", "食洗機対応", "手びねり", "ろくろ成形", "窯変", "一点物", "貫入"],
        uses: &["父の日", "母の日", "結婚祝い", "新築祝い", "敬老の日", "誕生日"],
        phrases: &[
            "釉薬の濃淡は焼成ごとに変わるため、一つとして同じ表情はありません。",
            "電子レンジと食洗機にも対応していますので、普段使いに気兼ねなくお使いください。",
            "土のぬくもりが感じられるよう、手に持ったときの重みにもこだわりました。",
            "使い始めに米のとぎ汁で煮沸すると、シミがつきにくくなります。",
            "和食にも洋食にもなじむ、主張しすぎない色合いです。",
            "小さな鉄粉や釉薬のむらは、手作りならではの味わいとしてお楽しみください。",
        ],
        emoji: &["☕", "🍵"],
        openings: NONE,
    },
    Category {
        slug: "knitwear",
        ja: "ニット・編み物",
        weight: 6,
        styles: &[
            Style {
                slug: "hats_scarves",
                nouns: &["ニット帽", "ベレー帽", "マフラー", "スヌード", "ネックウォーマー", "ストール"],
                mods: &["ふんわりとした", "あたたかい", "手編みの", "ざっくり編みの", "大判の"],
                materials: NONE,
                sizes: &["頭周り56cm", "フリーサイズ", "長さ160cm", "幅20×長さ150cm"],
                details: &[
                    "首元にふんわり巻くだけで、顔まわりがぱっと明るくなります。",
                    "頭にやさしくフィットするよう、ゴム編みを長めに取りました。",
                    "大判なので、肩に羽織ったりひざ掛けにしたりと幅広く使えます。",
                ],
                uses: NONE,
                price: (2500, 12000),
            },
            Style {
                slug: "socks_mittens",
                nouns: &["靴下", "ルームソックス", "ミトン", "手袋", "レッグウォーマー", "アームウォーマー"],
                mods: &["手編みの", "ぽかぽかの", "厚手の", "ふんわりとした"],
                materials: NONE,
                sizes: &["22〜24cm", "フリーサイズ", "23〜25cm", "手のひら周り18cm"],
                details: &[
                    "冷えやすい足元を、朝までやさしく温めてくれます。",
                    "かかとは丈夫に編み込んでいるので、毎日履いてもへたりにくいです。",
                    "重ね履きしても窮屈にならない、ゆとりのある編み地です。",
                ],
                uses: NONE,
                price: (1500, 5800),
            },
            Style {
                slug: "amigurumi",
                nouns: &["あみぐるみ", "うさぎのあみぐるみ", "くまのあみぐるみ", "ねこのあみぐるみ", "マスコット", "キーホルダー"],
                mods: &["手のひらサイズの", "ちいさな", "ころんとした", "とぼけた表情の"],
                materials: NONE,
                sizes: &["高さ10cm", "約12cm", "全長8cm", "高さ15cm"],
                details: &[
                    "表情はひとつずつ刺繍で入れているので、少しずつ顔つきが違います。",
                    "中わたをしっかり詰めているので、型崩れしにくいです。",
                    "お部屋に飾ると、ほっと和む存在になってくれます。",
                ],
                uses: NONE,
                price: (1200, 6000),
            },
        ],
        materials: &["メリノウール", "アルパカ", "モヘア", "コットン糸", "リネン糸", "カシミヤ", "ウール", "シェットランドウール", "手紡ぎ糸"],
        colors: &["生成り", "チャコールグレー", "ネイビー", "マスタード", "オートミール", "からし色", "ボルドー", "くすみピンク", "モスグリーン"],
        features: &["手編み", "洗濯機OK", "チクチクしにくい", "軽くて暖かい", "伸縮性あり", "男女兼用"],
        uses: &["クリスマス", "誕生日", "敬老の日", "出産祝い", "バレンタイン"],
        phrases: &[
            "ひと目ずつ手で編み上げているため、やわらかく空気を含んだ仕上がりです。",
            "チクチクしにくい糸を選んでいるので、肌の弱い方にもおすすめです。",
            "お洗濯はおしゃれ着用洗剤で、やさしく手洗いしてください。",
            "毛糸ならではの、ふっくらとしたやさしい手ざわりです。",
            "編み地の模様は、北欧の伝統柄をもとにアレンジしました。",
        ],
        emoji: &["🧶", "⛄"],
        openings: NONE,
    },
    Category {
        slug: "leather",
        ja: "レザークラフト",
        weight: 7,
        styles: &[
            Style {
                slug: "wallets",
                nouns: &["二つ折り財布", "長財布", "ミニ財布", "コインケース", "小銭入れ", "三つ折り財布"],
                mods: &["薄い", "コンパクトな", "手縫いの", "大容量の"],
                materials: NONE,
                sizes: &["縦9×横11cm", "幅19×高さ9.5cm", "約10×8cm"],
                details: &[
                    "カードは最大8枚まで収納できます。",
                    "小銭入れは大きく開くので、中身がひと目で見渡せます。",
                    "ポケットにすっと収まる薄さを目指して設計しました。",
                ],
                uses: NONE,
                price: (4500, 28000),
            },
            Style {
                slug: "card_cases",
                nouns: &["名刺入れ", "カードケース", "パスケース", "定期入れ", "キーケース"],
                mods: &["薄型の", "シンプルな", "手縫いの", "スリムな"],
                materials: NONE,
                sizes: &["縦7.5×横11cm", "約11×7cm", "縦8×横12cm"],
                details: &[
                    "名刺を約20枚収納できます。",
                    "ICカードを入れたまま改札にタッチできます。",
                    "スーツの内ポケットにもすっきり収まります。",
                ],
                uses: NONE,
                price: (2500, 9800),
            },
            Style {
                slug: "small_goods",
                nouns: &["キーホルダー", "ブックカバー", "ペンケース", "時計ベルト", "コードホルダー", "レザートレー"],
                mods: &["小さな", "使うほどなじむ", "名入れできる", "手縫いの"],
                materials: NONE,
                sizes: &["文庫サイズ", "全長10cm", "幅20×奥行10cm"],
                details: &[
                    "文庫本にぴったり合うよう、厚みに合わせて調整できます。",
                    "鍵やイヤホンなど、なくしやすい小物をまとめておけます。",
                    "デスクの上で小物の定位置を作ってくれます。",
                ],
                uses: NONE,
                price: (1200, 7000),
            },
        ],
        materials: &["栃木レザー", "本革", "ヌメ革", "イタリアンレザー", "ブッテーロ", "オイルレザー", "牛革", "ゴートレザー"],
        colors: &["キャメル", "ダークブラウン", "チョコ", "ネイビー", "ブラック", "グリーン", "レッド", "ナチュラル"],
        features: &["手縫い", "名入れ可", "刻印無料", "経年変化", "コバ磨き", "薄型", "男女兼用"],
        uses: &["父の日", "誕生日", "記念日", "就職祝い", "クリスマス", "結婚記念日"],
        phrases: &[
            "使い込むほどにツヤが増し、色が深まっていく経年変化をお楽しみいただけます。",
            "縫製は麻糸を使った手縫いで、一針ずつ丁寧に仕上げています。",
            "コバは何度も磨いて、なめらかな手触りに整えています。",
            "イニシャルの刻印を無料で承りますので、ご注文時にお知らせください。",
            "天然皮革のため、小さなキズやシワが見られる場合がありますが、革本来の風合いとしてご理解ください。",
        ],
        emoji: &["👛"],
        openings: NONE,
    },
    Category {
        slug: "candles_fragrance",
        ja: "キャンドル・アロマ",
        weight: 6,
        styles: &[
            Style {
                slug: "candles",
                nouns: &["アロマキャンドル", "ボタニカルキャンドル", "ソイキャンドル", "ピラーキャンドル", "缶キャンドル", "ティーライトキャンドル"],
                mods: &["香りのよい", "ゆらめく", "花を閉じ込めた", "小さな", "ナチュラルな"],
                materials: NONE,
                sizes: &["直径7cm×高さ8cm", "直径5cm×高さ6cm", "高さ10cm", "約150g"],
                details: &[
                    "燃焼時間は約25時間です。",
                    "火を灯すと、ゆらめく炎とともに穏やかな時間が流れます。",
                    "使い終わった後の容器は、小物入れとして再利用できます。",
                    "火を灯さずに、香りのインテリアとして飾っても楽しめます。",
                ],
                uses: NONE,
                price: (1500, 5200),
            },
            Style {
                slug: "aroma",
                nouns: &["アロマストーン", "リードディフューザー", "アロマサシェ", "サシェ", "ポプリ", "アロマウッド"],
                mods: &["玄関に置ける", "火を使わない", "やさしく香る", "吊るせる"],
                materials: &["石膏", "素焼き", "天然精油", "ドライフラワー", "ヒノキ", "ラベンダー"],
                sizes: &["100ml", "200ml", "約8×6cm", "直径5cm"],
                details: &[
                    "火を使わないので、小さなお子さまやペットのいるご家庭でも安心です。",
                    "スティックの本数で香りの強さを調節できます。",
                    "クローゼットや車の中など、狭い空間を香らせるのにぴったりです。",
                ],
                uses: NONE,
                price: (1200, 4800),
            },
            Style {
                slug: "soap",
                nouns: &["石鹸", "手作り石鹸", "洗顔石鹸", "バスボム", "バスソルト", "石鹸ギフトセット"],
                mods: &["しっとりとした", "肌にやさしい", "香りのよい", "まろやかな"],
                materials: &["オリーブオイル", "シアバター", "ココナッツオイル", "はちみつ", "米ぬか", "ヤギミルク", "天然塩"],
                sizes: &["約80g", "100g", "3個セット", "30g"],
                details: &[
                    "コールドプロセス製法でじっくり熟成させ、保湿成分を残しています。",
                    "石鹸はきめ細かい泡で、洗い上がりがつっぱりにくいのが特長です。",
                    "お湯に入れるとしゅわしゅわと溶けて、やさしい香りが広がります。",
                ],
                uses: NONE,
                price: (700, 3500),
            },
        ],
        materials: &[
            "大豆ワックス", "ソイワックス", "蜜蝋", "パラフィンワックス", "ラベンダー精油", "ヒノキ精油", "柚子精油", "ドライフラワー",
        ],
        colors: &["生成り", "ラベンダー", "くすみピンク", "ミルキーホワイト", "セージグリーン", "琥珀色", "淡いブルー"],
        features: &["天然精油使用", "無添加", "ボタニカル", "天然素材", "ギフト箱入り", "やさしい香り"],
        uses: &["クリスマス", "誕生日", "母の日", "ホワイトデー", "新築祝い", "結婚祝い"],
        phrases: &[
            "香りは天然の精油のみを使い、やさしく広がるように調合しています。",
            "香りの感じ方には個人差がありますので、説明文の香りの特徴も参考にしてください。",
            "香りの強さは控えめなので、寝室やリビングにもおすすめです。",
            "直射日光や高温多湿を避けて保管してください。",
            "疲れた日の夜に、ほっとひと息つける香りを目指しました。",
        ],
        emoji: &["🕯", "🌿"],
        openings: NONE,
    },
    Category {
        slug: "baby",
        ja: "ベビー・キッズ",
        weight: 6,
        styles: &[
            Style {
                slug: "bibs",
                nouns: &["スタイ", "よだれかけ", "まんまるスタイ", "360度スタイ", "お食事エプロン"],
                mods: &["ふわふわの", "やわらかな", "吸水性のよい", "リバーシブルの"],
                materials: NONE,
                sizes: &["首周り約26cm", "約25×22cm", "フリーサイズ"],
                details: &[
                    "スナップボタンで、着脱がかんたんにできます。",
                    "裏地にはパイルを重ねているので、よだれをしっかり吸ってくれます。",
                    "リバーシブル仕様で、その日の服に合わせて楽しめます。",
                ],
                uses: NONE,
                price: (900, 3200),
            },
            Style {
                slug: "toys",
                nouns: &["布おもちゃ", "ラトル", "にぎにぎ", "歯固め", "積み木", "布絵本", "おままごとセット"],
                mods: &["音の鳴る", "やさしい色の", "木のぬくもりを感じる", "はじめての"],
                materials: &["ブナ材", "ヒノキ", "オーガニックコットン", "フェルト", "ダブルガーゼ", "桜材"],
                sizes: &["約10cm", "一辺4cm", "12ピースセット", "幅15×高さ15cm"],
                details: &[
                    "角をていねいに丸く削っているので、小さな手にも安心です。",
                    "振るとからからとやさしい音がして、赤ちゃんの興味を引きます。",
                    "塗装には食品衛生法の基準を満たす塗料を使用しています。",
                ],
                uses: NONE,
                price: (1000, 6800),
            },
            Style {
                slug: "wear",
                nouns: &["ベビー帽子", "ロンパース", "スリーパー", "おくるみ", "ブルマ", "ベビーシューズ"],
                mods: &["ふんわりとした", "やわらかな", "肌にやさしい", "男女兼用の"],
                materials: NONE,
                sizes: &["60〜70cm", "80サイズ", "フリーサイズ", "新生児用"],
                details: &[
                    "お腹が冷えないよう、丈を少し長めにとっています。",
                    "縫い代が肌に当たらないよう、すべて外側に始末しています。",
                    "季節を問わず使えるよう、通気性のよい生地を使っています。",
                ],
                uses: NONE,
                price: (1800, 7500),
            },
            Style {
                slug: "name_goods",
                nouns: &["名前旗", "命名書", "お名前キーホルダー", "バースデータペストリー", "お名前ボード"],
                mods: &["お名前入りの", "記念に残る", "世界にひとつの", "やさしい色合いの"],
                materials: &["木製", "ヒノキ", "綿麻キャンバス", "和紙", "リネン"],
                sizes: &["幅25×高さ45cm", "A4サイズ", "約30cm"],
                details: &[
                    "お子さまのお名前と生年月日をお入れしてお作りします。",
                    "ご注文後に、デザインの確認画像をお送りします。",
                    "お誕生日や節句の記念撮影にもご活用いただけます。",
                ],
                uses: NONE,
                price: (2500, 9800),
            },
        ],
        materials: &["ダブルガーゼ", "オーガニックコットン", "今治タオル", "綿100%", "リネン", "パイル生地", "ニット生地", "ガーゼ"],
        colors: &["生成り", "ベビーピンク", "ミントグリーン", "くすみイエロー", "サックスブルー", "グレージュ", "ホワイト"],
        features: &["名入れ可", "男女兼用", "洗濯機OK", "日本製生地", "やわらか素材", "出産準備"],
        uses: &["出産祝い", "ハーフバースデー", "1歳の誕生日", "クリスマス", "初節句", "入園祝い"],
        phrases: &[
            "赤ちゃんの肌にふれるものなので、やわらかく肌ざわりのよい素材を選びました。",
            "何度洗ってもへたりにくく、洗うほどにふんわりとなじみます。",
            "お名前の刺繍を無料でお入れできますので、ご注文時にお知らせください。",
            "小さなパーツは使わず、お口に入れても安心な作りにしています。",
            "出産祝いのギフト用に、ラッピングとメッセージカードもご用意しています。",
        ],
        emoji: &["👶", "🍼"],
        openings: NONE,
    },
    Category {
        slug: "pet",
        ja: "ペットグッズ",
        weight: 5,
        styles: &[
            Style {
                slug: "collars",
                nouns: &["首輪", "リード", "ハーネス", "猫用首輪", "ハーフチョーク", "犬用首輪"],
                mods: &["軽い", "名入れできる", "手縫いの", "やわらかな"],
                materials: &["本革", "栃木レザー", "ヌメ革", "帆布", "パラコード", "リネン"],
                sizes: &["首周り24〜30cm", "SSサイズ", "Sサイズ", "幅1.5cm"],
                details: &[
                    "首輪の内側はなめらかに磨き、毛がからみにくいように仕上げています。",
                    "猫用には、引っかかると外れるセーフティバックルを付けています。",
                    "真鍮の迷子札には、お名前と電話番号を刻印できます。",
                ],
                uses: NONE,
                price: (1800, 8800),
            },
            Style {
                slug: "clothes",
                nouns: &["ドッグウェア", "犬服", "タンクトップ", "パーカー", "バンダナ", "ペット用スヌード"],
                mods: &["ゆったりとした", "着せやすい", "春夏向けの", "あったかい"],
                materials: &["コットン", "ニット", "メリノウール", "ダブルガーゼ", "フリース", "撥水ナイロン"],
                sizes: &["Sサイズ", "Mサイズ", "胴回り36cm", "着丈25cm"],
                details: &[
                    "前足を通すだけで着せられる、かんたんな作りです。",
                    "お散歩のときの抜け毛対策にもなります。",
                    "ダックスやトイプードルなど、犬種に合わせてサイズを調整できます。",
                ],
                uses: NONE,
                price: (1500, 6500),
            },
            Style {
                slug: "beds",
                nouns: &["ペットベッド", "ペットクッション", "ペットマット", "ドーム型ハウス", "ペット用ブランケット"],
                mods: &["寝心地のよい", "ふかふかの", "ひんやりとした", "ふちの高い"],
                materials: &["帆布", "コットン", "ボア", "リネン", "キルティング", "ダブルガーゼ"],
                sizes: &["幅50×奥行40cm", "直径45cm", "Mサイズ"],
                details: &[
                    "カバーは取り外して洗濯機で洗えます。",
                    "ふちが高めなので、あごを乗せてくつろげます。",
                    "冬はあたたかく、夏は通気性よく過ごせるリバーシブル仕様です。",
                ],
                uses: NONE,
                price: (2800, 12000),
            },
            Style {
                slug: "toys",
                nouns: &["ボール", "けりぐるみ", "ねこじゃらし", "ロープトイ", "ぬいぐるみ", "ひっぱりっこトイ"],
                mods: &["夢中になる", "丈夫な", "音の鳴る", "またたび入りの"],
                materials: &["フェルト", "羊毛", "麻ひも", "デニム", "コットン", "ウール"],
                sizes: &["約10cm", "全長25cm", "直径6cm", "3個セット"],
                details: &[
                    "中に鈴を入れているので、転がすと楽しい音が鳴ります。",
                    "噛んでもほつれにくいよう、縫い目を二重に補強しています。",
                    "猫ちゃんが夢中になる、またたびを少し入れています。",
                ],
                uses: NONE,
                price: (600, 2800),
            },
        ],
        materials: &["本革", "栃木レザー", "帆布", "コットン", "メリノウール", "フェルト"],
        colors: &["レッド", "ネイビー", "キャメル", "ピンク", "ミントグリーン", "イエロー", "生成り", "ブラウン"],
        features: &["名入れ可", "迷子札付き", "小型犬用", "中型犬用", "猫用", "洗濯OK", "軽量"],
        uses: &["誕生日", "うちの子記念日", "クリスマス", "お迎え記念"],
        phrases: &[
            "わんちゃんや猫ちゃんが毎日使うものなので、安全さと丈夫さにこだわりました。",
            "サイズや色のご相談も承りますので、お気軽にお問い合わせください。",
            "小型犬から中型犬まで、体型に合わせてお作りしています。",
            "誤飲を防ぐため、遊ばせるときは目を離さないようにしてください。",
            "うちの子の写真映えを意識した、やさしい色合いに仕上げました。",
        ],
        emoji: &["🐾", "🐶", "🐱"],
        openings: NONE,
    },
    Category {
        slug: "stationery",
        ja: "文房具・紙もの",
        weight: 6,
        styles: &[
            Style {
                slug: "notebooks",
                nouns: &["ノート", "手帳カバー", "御朱印帳", "スケッチブック", "日記帳", "豆本"],
                mods: &["糸かがりの", "180度開く", "手製本の", "無地の"],
                materials: &["和紙", "クラフト紙", "帆布", "水彩紙", "上質紙", "本革"],
                sizes: &["A5サイズ", "A6サイズ", "B6サイズ", "文庫サイズ"],
                details: &[
                    "糸かがり製本なので、ページが平らに開いて書きやすいです。",
                    "表紙の布は、季節ごとに柄を替えてお作りしています。",
                    "中の紙は、鉛筆でも万年筆でも書きやすいものを選びました。",
                ],
                uses: NONE,
                price: (900, 4800),
            },
            Style {
                slug: "stamps",
                nouns: &["はんこ", "名前はんこ", "似顔絵はんこ", "蔵書印", "アイコンスタンプ", "認印"],
                mods: &["オーダーメイドの", "手彫りの", "ちいさな", "ゆるい表情の"],
                materials: &["消しゴム", "天然木", "桜材", "アクリル", "ヒノキ"],
                sizes: &["直径2cm", "約3×3cm", "1.5cm角"],
                details: &[
                    "いただいたデザインをもとに、一つひとつ手で彫っています。",
                    "お名前やイラストなど、ご希望に合わせてお作りします。",
                    "インクはお好みの色でお使いいただけます。",
                ],
                uses: NONE,
                price: (800, 5500),
            },
            Style {
                slug: "letters",
                nouns: &["レターセット", "一筆箋", "ポストカード", "ポチ袋", "メッセージカード", "便箋"],
                mods: &["季節の", "手描きイラストの", "和柄の", "やさしい色合いの", "箔押しの"],
                materials: &["和紙", "活版印刷", "クラフト紙", "コットンペーパー", "再生紙"],
                sizes: &["便箋8枚・封筒4枚入り", "10枚入り", "はがきサイズ", "5枚セット"],
                details: &[
                    "便箋と封筒をセットにしてお届けします。",
                    "季節のご挨拶や、ちょっとしたお礼に使いやすいサイズです。",
                    "ボールペンでもにじまず、さらさらと書ける紙を選んでいます。",
                ],
                uses: NONE,
                price: (350, 1800),
            },
            Style {
                slug: "stickers",
                nouns: &["マスキングテープ", "フレークシール", "ステッカー", "クリアスタンプ", "シールセット"],
                mods: &["手描きの", "透明な", "ゆるい表情の", "使い切れる"],
                materials: &["和紙", "クリアPET", "透明フィルム", "ユポ紙", "マット紙"],
                sizes: &["幅15mm×10m", "30枚入り", "約5cm"],
                details: &[
                    "手帳のデコレーションにぴったりのサイズ感です。",
                    "ちぎって貼れる和紙素材で、ラッピングにも使えます。",
                    "耐水性のあるシールなので、水筒やスマートフォンケースにも貼れます。",
                ],
                uses: NONE,
                price: (300, 1500),
            },
        ],
        materials: &["和紙", "クラフト紙", "再生紙", "水彩紙"],
        colors: &["生成り", "くすみブルー", "墨色", "朱色", "ミントグリーン", "ベージュ", "金箔"],
        features: &["名入れ可", "オリジナルデザイン", "手書きイラスト", "ギフト対応", "日本製", "メール便OK"],
        uses: &["誕生日", "入学祝い", "卒業", "就職祝い", "クリスマス", "母の日"],
        phrases: &[
            "手描きのイラストをもとに、一枚ずつ丁寧に仕上げています。",
            "紙の手ざわりや厚みにもこだわり、書き心地を何度も確かめました。",
            "手帳や日記に、ちょっとした彩りを添えてくれます。",
            "万年筆のインクもにじみにくい紙を選んでいます。",
            "お手紙に添えたり、ギフトのラッピングに使ったりと、さまざまな場面で活躍します。",
        ],
        emoji: &["✏", "📒"],
        openings: NONE,
    },
    Category {
        slug: "interior",
        ja: "インテリア雑貨",
        weight: 8,
        styles: &[
            Style {
                slug: "lighting",
                nouns: &["ペンダントライト", "テーブルランプ", "LEDランプ", "ＬＥＤキャンドルライト", "ランプシェード", "フロアランプ"],
                mods: &["やわらかな光の", "北欧風の", "吊るせる", "小さな"],
                materials: &["真鍮", "アイアン", "ラタン", "和紙", "吹きガラス", "木製", "ステンドグラス"],
                sizes: &["直径25cm", "高さ35cm", "コード長さ120cm"],
                details: &[
                    "電球はＬＥＤに対応しています。",
                    "灯りを点けると、壁にやわらかな影が映ります。",
                    "引っ掛けシーリングに対応しているので、工具なしで取り付けられます。",
                ],
                uses: NONE,
                price: (4800, 32000),
            },
            Style {
                slug: "fabric",
                nouns: &["クッションカバー", "ファブリックパネル", "タペストリー", "テーブルランナー", "ランチョンマット"],
                mods: &["北欧柄の", "刺繍入りの", "洗いざらしの", "手織りの"],
                materials: &["リネン", "綿麻", "ベルベット", "ウール", "帆布", "モール糸"],
                sizes: &["45×45cm", "60×90cm", "幅30×長さ150cm"],
                details: &[
                    "ファスナー付きなので、カバーの付け替えがかんたんです。",
                    "洗いざらしの風合いが、お部屋をナチュラルな雰囲気にしてくれます。",
                    "季節ごとに掛け替えて、模様替えを楽しんでいただけます。",
                ],
                uses: NONE,
                price: (1800, 12000),
            },
            Style {
                slug: "wall_decor",
                nouns: &["ウォールデコ", "ガーランド", "モビール", "壁掛け", "マクラメタペストリー", "掛け時計"],
                mods: &["北欧風の", "ゆらゆら揺れる", "壁を彩る", "ナチュラルな"],
                materials: &["コットンロープ", "真鍮", "木製", "フェルト", "流木", "ウォールナット"],
                sizes: &["幅40×高さ60cm", "直径30cm", "全長120cm"],
                details: &[
                    "ピンひとつで壁に掛けられる軽さです。",
                    "エアコンの風でゆっくり回り、見ていて飽きません。",
                    "玄関やリビングの壁を、さりげなく彩ってくれます。",
                ],
                uses: NONE,
                price: (1500, 15000),
            },
            Style {
                slug: "storage",
                nouns: &["かご", "バスケット", "収納ボックス", "トレイ", "小物入れ", "鍋敷き"],
                mods: &["編み目の美しい", "持ち手付きの", "丈夫な", "大きめの"],
                materials: &["ラタン", "あけび", "山葡萄", "竹", "麻ひも", "コットンロープ", "紙バンド"],
                sizes: &["直径30×高さ20cm", "幅35×奥行25cm", "約25cm"],
                details: &[
                    "ブランケットや雑誌など、散らかりがちな物をすっきり片付けられます。",
                    "一本ずつ素材を編み込んでいるため、丈夫で長くお使いいただけます。",
                    "使い込むほど色が深まり、味わいが増していきます。",
                ],
                uses: NONE,
                price: (1800, 18000),
            },
        ],
        materials: &["リネン", "真鍮", "ラタン", "木製"],
        colors: &["生成り", "ナチュラル", "くすみブルー", "グレージュ", "テラコッタ", "オリーブ", "ブラック", "ホワイト"],
        features: &["北欧風", "ナチュラル", "一点物", "受注制作", "模様替えに", "新生活"],
        uses: &["新築祝い", "引っ越し祝い", "結婚祝い", "誕生日", "クリスマス", "開店祝い"],
        phrases: &[
            "置くだけで、いつものお部屋がぐっとあたたかな雰囲気になります。",
            "北欧のインテリアにも和室にもなじむ、落ち着いた色合いです。",
            "新生活を始める方への贈り物としても人気があります。",
            "インテリアの雰囲気に合わせて、サイズや色のご相談も承ります。",
            "シンプルなデザインなので、長く飽きずにお使いいただけます。",
        ],
        emoji: &["🏠", "💡"],
        openings: NONE,
    },
    Category {
        slug: "seasonal",
        ja: "季節のイベント",
        weight: 5,
        styles: &[
            Style {
                slug: "halloween",
                nouns: &["ハロウィン飾り", "かぼちゃの置物", "ジャックオーランタン", "おばけの置物", "ハロウィンオーナメント", "ハロウィンガーランド"],
                mods: &["小さな", "ゆるい表情の", "光る", "飾るだけの"],
                materials: &["フェルト", "羊毛フェルト", "陶器", "木製", "紙粘土", "毛糸"],
                sizes: &["高さ8cm", "約12cm", "全長150cm"],
                details: &[
                    "玄関や棚の上に飾るだけで、ハロウィンの雰囲気が楽しめます。",
                    "ゆるい表情のおばけたちが、見るたびに笑顔にしてくれます。",
                    "ＬＥＤライトを入れると、夜はランタンのように灯ります。",
                ],
                uses: &["ハロウィン", "誕生日"],
                price: (800, 5800),
            },
            Style {
                slug: "christmas",
                nouns: &["クリスマスツリー", "クリスマスオーナメント", "クリスマスリース", "ミニツリー", "サンタの置物", "スノーマンの置物"],
                mods: &["北欧風の", "飾るだけで華やぐ", "卓上サイズの", "ナチュラルな"],
                materials: &["木製", "フェルト", "羊毛フェルト", "毛糸", "陶器", "吹きガラス"],
                sizes: &["高さ20cm", "直径25cm", "約30cm"],
                details: &[
                    "卓上に置けるサイズなので、スペースを選ばずに飾れます。",
                    "毎年出して飾りたくなる、飽きのこないデザインです。",
                    "オーナメントは取り外しできるので、お好みに合わせて付け替えられます。",
                ],
                uses: &["クリスマス", "冬のギフト"],
                price: (1200, 9800),
            },
            Style {
                slug: "new_year",
                nouns: &["しめ縄飾り", "正月飾り", "鏡餅の置物", "干支の置物", "ミニ門松"],
                mods: &["縁起のよい", "モダンな", "ミニサイズの", "玄関に飾れる"],
                materials: &["稲わら", "水引", "ちりめん", "陶器", "木製", "和紙"],
                sizes: &["幅15×高さ25cm", "高さ6cm", "約20cm"],
                details: &[
                    "来年の干支をモチーフに、ひとつずつ手作りしました。",
                    "マンションの玄関にも飾りやすい、コンパクトなサイズです。",
                    "年末のご挨拶の手土産にもおすすめです。",
                ],
                uses: &["お正月", "お歳暮", "新築祝い"],
                price: (1000, 6800),
            },
            Style {
                slug: "sekku",
                nouns: &["雛人形", "吊るし雛", "こいのぼり", "兜飾り", "五月人形"],
                mods: &["コンパクトな", "手のひらサイズの", "飾りやすい", "初節句の"],
                materials: &["ちりめん", "木製", "陶器", "和紙", "羊毛フェルト", "古布"],
                sizes: &["高さ10cm", "幅20×奥行12cm", "全長60cm"],
                details: &[
                    "マンションでも飾りやすい、コンパクトなサイズに仕上げました。",
                    "お子さまの健やかな成長を願って、ひと針ずつ縫い上げています。",
                    "しまうときも場所を取らないので、毎年気軽に飾れます。",
                ],
                uses: &["初節句", "出産祝い"],
                price: (2000, 18000),
            },
        ],
        materials: &["木製", "フェルト", "和紙", "陶器"],
        colors: &["オレンジ", "ブラック", "赤", "緑", "ゴールド", "白", "紅白", "金"],
        features: &["一点物", "受注制作", "数量限定", "飾るだけ", "収納袋付き", "卓上サイズ"],
        uses: &["クリスマス", "お正月", "ハロウィン", "初節句", "新築祝い"],
        phrases: &[
            "季節の行事を、おうちで気軽に楽しんでいただけたらうれしいです。",
            "毎年少しずつ飾りを増やしていくのもおすすめです。",
            "数量限定の季節商品のため、なくなり次第終了となります。",
            "小さなスペースでも、季節感をしっかり演出できます。",
        ],
        emoji: &["🎃", "🎄", "🎍"],
        openings: NONE,
    },
    Category {
        slug: "food",
        ja: "食べ物・スイーツ",
        weight: 4,
        styles: &[
            Style {
                slug: "baked",
                nouns: &["クッキー", "フィナンシェ", "マドレーヌ", "スコーン", "パウンドケーキ", "焼き菓子セット", "グラノーラ"],
                mods: &["さくさくの", "ほろほろ食感の", "しっとりとした", "素朴な", "香ばしい"],
                materials: &["国産小麦粉", "発酵バター", "きび砂糖", "米粉", "全粒粉", "北海道産バター", "平飼い卵", "国産くるみ"],
                sizes: &["8枚入り", "5個入り", "6個セット", "約200g"],
                details: &[
                    "焼き上がりから一日置くことで、風味がいっそう落ち着きます。",
                    "甘さは控えめにして、素材の香ばしさを引き立てました。",
                    "プレーン、紅茶、ココアの三種類を詰め合わせています。",
                ],
                uses: NONE,
                price: (900, 4200),
            },
            Style {
                slug: "jam",
                nouns: &["ジャム", "コンフィチュール", "手作りジャム", "フルーツソース", "シロップ"],
                mods: &["果実たっぷりの", "甘さ控えめの", "とろりとした", "季節の"],
                materials: &["国産いちご", "無農薬レモン", "信州産りんご", "有機ブルーベリー", "瀬戸内レモン", "紅玉りんご", "国産いちじく"],
                sizes: &["140g", "200g", "2本セット", "150ml"],
                details: &[
                    "果実を大きめに残し、食感を楽しめるように煮詰めました。",
                    "ヨーグルトやパンケーキに添えるのがおすすめです。",
                    "砂糖は控えめにして、果物本来の酸味を生かしています。",
                ],
                uses: NONE,
                price: (700, 3200),
            },
            Style {
                slug: "tea",
                nouns: &["ハーブティー", "ブレンドティー", "紅茶", "ティーバッグ", "お茶"],
                mods: &["香り高い", "やさしい味わいの", "ノンカフェインの", "季節限定の"],
                materials: &["国産カモミール", "ローズヒップ", "レモングラス", "国産ゆずピール", "有機ルイボス", "国産ほうじ茶"],
                sizes: &["ティーバッグ10包入り", "50g", "3種セット"],
                details: &[
                    "寝る前のひとときに、ほっと落ち着く味わいです。",
                    "お湯を注いで3分ほど蒸らすと、香りがしっかり立ちます。",
                    "アイスティーにしてもおいしくお召し上がりいただけます。",
                ],
                uses: NONE,
                price: (600, 2800),
            },
        ],
        materials: &["国産小麦粉", "きび砂糖"],
        colors: NONE,
        features: &["無添加", "保存料不使用", "国産素材", "個包装", "卵不使用", "常温発送"],
        uses: &["母の日", "父の日", "誕生日", "バレンタイン", "ホワイトデー", "敬老の日", "お歳暮"],
        phrases: &[
            "保存料や着色料は使わず、素材の味を生かしています。",
            "ひとつずつ個包装しているので、職場などで配るのにも便利です。",
            "菓子製造業の許可を取得した工房で製造しています。",
            "直射日光と高温多湿を避けて保存してください。",
            "原材料とアレルギー表示は商品ページに記載していますので、ご確認ください。",
        ],
        emoji: &["🍪", "🍓", "🫖"],
        openings: &[
            "{material}を使った{adj}{noun}です。",
            "素材にこだわり、{material}を使って{adj}{noun}に仕上げました。",
            "小さな工房で、{material}を使った{noun}をひとつずつ手作りしています。",
            "{material}の風味を生かした{adj}{noun}です。",
        ],
    },
    Category {
        slug: "art",
        ja: "アート・絵画",
        weight: 5,
        styles: &[
            Style {
                slug: "paintings",
                nouns: &["原画", "風景画", "静物画", "抽象画", "ミニ原画", "植物画"],
                mods: &["額装済みの", "小さな", "光あふれる", "静かな"],
                materials: &["透明水彩", "アクリル絵の具", "油彩", "岩絵具", "パステル", "色鉛筆"],
                sizes: &["F4号", "SMサイズ", "A4サイズ", "はがきサイズ"],
                details: &[
                    "散歩道で見かけた草花をモチーフに描きました。",
                    "海辺の町の朝の光を、透明感のある色で描いています。",
                    "小さな作品なので、棚や机の上にも気軽に飾れます。",
                ],
                uses: NONE,
                price: (3000, 45000),
            },
            Style {
                slug: "prints",
                nouns: &["アートポスター", "ポストカード", "版画", "アートプリント", "イラストポスター"],
                mods: &["北欧風の", "ゆるい", "レトロな", "猫の", "植物の"],
                materials: &["木版", "シルクスクリーン", "リソグラフ", "銅版画", "ジクレー印刷"],
                sizes: &["A3サイズ", "A4サイズ", "B5サイズ", "はがきサイズ"],
                details: &[
                    "一枚ずつ刷っているため、インクのかすれやにじみも味わいのひとつです。",
                    "版画ならではの、やわらかなインクの重なりをお楽しみください。",
                    "複数枚を並べて飾ると、壁がギャラリーのようになります。",
                ],
                uses: NONE,
                price: (800, 12000),
            },
            Style {
                slug: "calligraphy",
                nouns: &["筆文字アート", "書作品", "名前ポエム", "命名書", "筆文字ボード"],
                mods: &["心に響く", "オーダーメイドの", "力強い", "やさしい"],
                materials: &["墨", "和紙", "金箔", "顔彩"],
                sizes: &["色紙サイズ", "A4サイズ", "半紙サイズ"],
                details: &[
                    "ご家族のお名前や好きな言葉を、心を込めて書き上げます。",
                    "墨の濃淡やかすれに、その時だけの表情が表れます。",
                    "還暦や退職など、人生の節目の贈り物として選ばれています。",
                ],
                uses: NONE,
                price: (2000, 18000),
            },
        ],
        materials: &["透明水彩", "墨", "和紙"],
        colors: &["くすみブルー", "藍色", "モノクロ", "パステルカラー", "深緑", "夕焼け色"],
        features: &["額付き", "原画", "一点物", "受注制作", "サイン入り", "額装可能", "送料無料"],
        uses: &["新築祝い", "誕生日", "結婚祝い", "開店祝い", "記念日"],
        phrases: &[
            "光の移ろいや季節の空気を、やわらかな色で表現しました。",
            "額に入れてお届けしますので、届いたその日から飾っていただけます。",
            "お部屋の雰囲気に合わせて、額の色をお選びいただけます。",
            "作品の裏面には、サインと制作年を記しています。",
            "直射日光の当たらない場所に飾ると、色褪せを防げます。",
        ],
        emoji: &["🎨", "🖼"],
        openings: NONE,
    },
    Category {
        slug: "clothing",
        ja: "ファッション",
        weight: 7,
        styles: &[
            Style {
                slug: "dresses",
                nouns: &["ワンピース", "ロングワンピース", "シャツワンピース", "ジャンパースカート", "スモックワンピース"],
                mods: &["ゆったりとした", "大人の", "ふんわり広がる", "前あきの"],
                materials: NONE,
                sizes: &["フリーサイズ", "Mサイズ", "Lサイズ", "着丈115cm"],
                details: &[
                    "ウエストにはゴムを入れず、すとんと落ちるシルエットに仕上げました。",
                    "両脇にポケットを付けているので、ちょっとしたお出かけにも便利です。",
                    "前ボタンを開ければ、羽織りとしても着られます。",
                ],
                uses: NONE,
                price: (6800, 24000),
            },
            Style {
                slug: "tops",
                nouns: &["ブラウス", "プルオーバー", "スモック", "シャツ", "ベスト", "チュニック"],
                mods: &["衿付きの", "ゆったりとした", "刺繍入りの", "重ね着できる"],
                materials: NONE,
                sizes: &["フリーサイズ", "Mサイズ", "着丈65cm", "身幅60cm"],
                details: &[
                    "首元が詰まりすぎない、すっきりとした衿ぐりにしました。",
                    "袖口にはゴムを入れて、ふんわりと仕上げています。",
                    "丈は長めにしているので、腰まわりが気になる方にもおすすめです。",
                ],
                uses: NONE,
                price: (4500, 16000),
            },
            Style {
                slug: "bottoms",
                nouns: &["ワイドパンツ", "ギャザースカート", "サルエルパンツ", "イージーパンツ", "ロングスカート", "もんぺパンツ"],
                mods: &["ウエストゴムの", "はき心地のよい", "軽やかな", "裾の広がる"],
                materials: NONE,
                sizes: &["フリーサイズ", "Lサイズ", "ウエスト64〜90cm", "総丈90cm"],
                details: &[
                    "ウエストはゴム仕様で、一日中らくにはいていただけます。",
                    "歩くたびに裾がふわりと揺れるシルエットです。",
                    "すっきり見えるよう、腰まわりのギャザーは控えめにしています。",
                ],
                uses: NONE,
                price: (4800, 15000),
            },
            Style {
                slug: "aprons",
                nouns: &["エプロン", "カフェエプロン", "割烹着", "アームカバー", "バケットハット"],
                mods: &["着脱かんたんな", "首の疲れない", "ポケットたっぷりの", "シンプルな"],
                materials: NONE,
                sizes: &["フリーサイズ", "着丈90cm", "幅80×丈85cm"],
                details: &[
                    "首に掛けないクロス型なので、肩や首への負担が少ないです。",
                    "大きめのポケットに、スマートフォンやハンカチが入ります。",
                    "家事はもちろん、ガーデニングやお店の制服にも使われています。",
                ],
                uses: NONE,
                price: (2500, 8800),
            },
        ],
        materials: &["リネン", "綿麻", "ダブルガーゼ", "コットン", "ウール", "デニム", "コーデュロイ", "フレンチリネン", "洗いざらしリネン"],
        colors: &["生成り", "黒", "ネイビー", "カーキ", "くすみブルー", "チャコールグレー", "ラベンダー", "テラコッタ", "オフホワイト"],
        features: &["受注制作", "サイズオーダー可", "ゆったり", "洗濯機OK", "ポケット付き", "大人サイズ", "体型カバー"],
        uses: &["誕生日", "母の日", "敬老の日", "記念日"],
        phrases: &[
            "洗うたびにやわらかくなる生地で、肌ざわりのよい一着です。",
            "ゆったりとしたシルエットで、体型を選ばずに着ていただけます。",
            "身長や着丈のご希望に合わせてお作りすることもできます。",
            "一枚で着ても、重ね着しても様になるデザインです。",
            "縫い代はすべて始末しているので、洗濯してもほつれにくいです。",
        ],
        emoji: &["👗", "🧵"],
        openings: NONE,
    },
    Category {
        slug: "woodcraft",
        ja: "木工・木製品",
        weight: 5,
        styles: &[
            Style {
                slug: "cutlery",
                nouns: &["スプーン", "バターナイフ", "木のスプーン", "フォーク", "お箸", "しゃもじ", "ジャムスプーン"],
                mods: &["手彫りの", "口当たりのやさしい", "小さな", "削り跡の美しい"],
                materials: NONE,
                sizes: &["全長16cm", "長さ18cm", "約14cm", "23cm"],
                details: &[
                    "口当たりがやさしくなるよう、先端を薄く削り出しています。",
                    "ヨーグルトやスープにちょうどよい大きさです。",
                    "持ち手には、指が自然に収まるくぼみを付けました。",
                ],
                uses: NONE,
                price: (1200, 5800),
            },
            Style {
                slug: "boards",
                nouns: &["カッティングボード", "まな板", "木のトレー", "鍋敷き", "パン皿", "コースター"],
                mods: &["一枚板の", "持ち手付きの", "薄手の", "大きめの"],
                materials: NONE,
                sizes: &["幅30×奥行18cm", "直径10cm", "長さ40cm", "約35×20cm"],
                details: &[
                    "パンやチーズをそのまま並べて、食卓に出せます。",
                    "包丁あたりがやさしく、刃を傷めにくいのが特長です。",
                    "裏面も使えるよう、両面とも丁寧に仕上げています。",
                ],
                uses: NONE,
                price: (1500, 12000),
            },
            Style {
                slug: "furniture",
                nouns: &["スツール", "花台", "ミニ棚", "踏み台", "本立て", "壁掛け棚", "ベンチ"],
                mods: &["組み立て不要の", "軽い", "ホゾ組みの", "コンパクトな"],
                materials: NONE,
                sizes: &["幅35×奥行25×高さ40cm", "高さ45cm", "幅60cm"],
                details: &[
                    "釘を使わずに組み上げているので、がたつきにくく丈夫です。",
                    "軽いので、家の中で持ち運んで使えます。",
                    "玄関やベッドサイドのちょっとした置き場所になります。",
                ],
                uses: NONE,
                price: (6000, 48000),
            },
        ],
        materials: &["ヒノキ", "桜", "ウォールナット", "ブラックチェリー", "山桜", "オーク", "くるみ", "ケヤキ", "栗", "メープル", "杉"],
        colors: &["ナチュラルカラー", "ダークブラウン", "ハニーブラウン"],
        features: &["オイル仕上げ", "蜜蝋仕上げ", "名入れ可", "一点物", "手彫り", "無垢材"],
        uses: &["新築祝い", "結婚祝い", "父の日", "母の日", "誕生日", "敬老の日"],
        phrases: &[
            "木目は一つひとつ異なり、同じものはふたつとありません。",
            "仕上げには、食品にも使える植物性オイルを塗っています。",
            "使い込むうちに色が深まり、手になじむ道具に育っていきます。",
            "乾燥が気になってきたら、オリーブオイルを薄く塗ってお手入れしてください。",
            "小刀で削った跡をあえて残し、手仕事の表情を生かしました。",
        ],
        emoji: &["🌳", "🪵"],
        openings: NONE,
    },
    Category {
        slug: "glass",
        ja: "ガラス工芸",
        weight: 5,
        styles: &[
            Style {
                slug: "glasses",
                nouns: &["グラス", "タンブラー", "ロックグラス", "冷酒グラス", "ワイングラス", "ピッチャー"],
                mods: &["手になじむ", "薄手の", "ゆらぎのある", "気泡の入った"],
                materials: NONE,
                sizes: &["250ml", "300ml", "直径7.5×高さ10cm"],
                details: &[
                    "ビールや冷たいお茶を注ぐと、ガラスのゆらぎがいっそう引き立ちます。",
                    "飲み口は薄く仕上げて、口当たりをなめらかにしています。",
                    "ペアでのご購入もおすすめです。",
                ],
                uses: NONE,
                price: (2200, 9800),
            },
            Style {
                slug: "vessels",
                nouns: &["一輪挿し", "フラワーベース", "デザートカップ", "小鉢", "豆皿", "キャンドルホルダー"],
                mods: &["ころんとした", "小さな", "波紋のような", "揺らめく"],
                materials: NONE,
                sizes: &["高さ10cm", "直径12cm", "直径8cm×高さ6cm"],
                details: &[
                    "一輪の草花を挿すだけで、窓辺が明るくなります。",
                    "冷たい前菜やデザートを盛り付けると、涼しげな雰囲気になります。",
                    "キャンドルを灯すと、ガラス越しに揺れる光が楽しめます。",
                ],
                uses: NONE,
                price: (1800, 8800),
            },
            Style {
                slug: "stained",
                nouns: &["サンキャッチャー", "ステンドグラスパネル", "ガラスオーナメント", "ステンドグラスの小物入れ"],
                mods: &["光をまとう", "窓辺に飾る", "虹を作る", "小さな"],
                materials: &["ステンドグラス", "アンティークガラス", "ガラスプリズム", "色ガラス"],
                sizes: &["全長30cm", "約10×15cm", "幅12cm"],
                details: &[
                    "晴れた日には、部屋中に小さな虹が広がります。",
                    "ハンダの線は、一本ずつ丁寧に盛り付けて仕上げています。",
                    "窓辺に吊るすだけで、光のインテリアになります。",
                ],
                uses: NONE,
                price: (2400, 18000),
            },
            Style {
                slug: "jewelry",
                nouns: &["ネックレス", "ピアス", "イヤリング", "帯留め", "かんざし", "リング"],
                mods: &["透き通る", "涼しげな", "小さな", "ぷっくりとした"],
                materials: &["とんぼ玉", "耐熱ガラス", "ボロシリケイトガラス", "吹きガラス", "ガラスビーズ", "ヴェネチアンガラス"],
                sizes: &["直径1.5cm", "全長3cm", "約2cm"],
                details: &[
                    "バーナーでガラスを溶かし、一粒ずつ形を作っています。",
                    "光に透かすと、中の模様がきらめきます。",
                    "軽いので、耳元につけても負担になりません。",
                ],
                uses: NONE,
                price: (1500, 6800),
            },
        ],
        materials: &["吹きガラス", "耐熱ガラス", "再生ガラス", "琉球ガラス", "江戸切子", "津軽びいどろ", "ソーダガラス", "色ガラス"],
        colors: &["透明", "淡いブルー", "琥珀色", "瑠璃色", "グリーン", "乳白", "水色", "藍色"],
        features: &["気泡入り", "一点物", "耐熱仕様", "箱入り", "ひとつずつ手作り", "ペア可"],
        uses: &["父の日", "結婚祝い", "誕生日", "記念日", "新築祝い", "母の日"],
        phrases: &[
            "ガラスの中の小さな気泡は、手作りならではの表情としてお楽しみください。",
            "光を通すと、テーブルの上にきれいな影が落ちます。",
            "一つひとつ吹いて形を作っているため、大きさや厚みに個体差があります。",
            "割れないよう、緩衝材でしっかり包んでお届けします。",
            "夏は冷たい飲み物に、冬は灯りを入れてと、季節を問わず楽しめます。",
        ],
        emoji: &["💧", "🫧"],
        openings: NONE,
    },
    Category {
        slug: "flowers",
        ja: "フラワー・ガーデン",
        weight: 4,
        styles: &[
            Style {
                slug: "swags",
                nouns: &["スワッグ", "ブーケ", "花束", "ミニブーケ", "フラワーガーランド"],
                mods: &["壁に掛けられる", "小さな", "大ぶりの", "束ねただけの", "季節の"],
                materials: NONE,
                sizes: &["長さ40cm", "約30cm", "全長50cm"],
                details: &[
                    "玄関の扉や壁に掛けるだけで、ふわりと季節を感じられます。",
                    "ユーカリの葉を合わせて、爽やかな香りも楽しめるようにしました。",
                    "ラッピングしてお届けしますので、そのままプレゼントにできます。",
                ],
                uses: NONE,
                price: (1800, 8800),
            },
            Style {
                slug: "wreaths",
                nouns: &["リース", "ミニリース", "ドアリース", "クリスマスリース", "三日月リース"],
                mods: &["ふんわりとした", "小さな", "玄関に飾る", "ナチュラルな"],
                materials: NONE,
                sizes: &["直径20cm", "直径30cm", "約15cm"],
                details: &[
                    "土台には自然素材のつるを使っています。",
                    "裏には壁掛け用の紐を付けています。",
                    "ボリュームが出るよう、花材をたっぷり重ねました。",
                ],
                uses: NONE,
                price: (2500, 12000),
            },
            Style {
                slug: "herbarium",
                nouns: &["ハーバリウム", "ボトルフラワー", "アレンジメント", "花器入りアレンジ", "ボックスフラワー"],
                mods: &["光に透ける", "ボトル入りの", "長く楽しめる", "小さな"],
                materials: NONE,
                sizes: &["100ml", "200ml", "高さ20cm"],
                details: &[
                    "専用のオイルに花を閉じ込めているので、色鮮やかなまま楽しめます。",
                    "ボトルの向こうに光が透けて、窓辺がぱっと明るくなります。",
                    "名入れのタグをお付けすることもできます。",
                ],
                uses: NONE,
                price: (1500, 6800),
            },
        ],
        materials: &["ドライフラワー", "プリザーブドフラワー", "かすみ草", "ユーカリ", "ミモザ", "ラベンダー", "スターチス", "紫陽花", "綿花"],
        colors: &["白", "くすみピンク", "ミモザイエロー", "ナチュラル", "アンティークカラー", "パープル"],
        features: &["一点物", "長持ち", "水やり不要", "壁掛けOK", "送料無料", "ラッピング付き"],
        uses: &["母の日", "誕生日", "結婚祝い", "新築祝い", "開店祝い", "退職祝い"],
        phrases: &[
            "季節の花材を使い、ひとつずつ束ねています。",
            "水やりがいらないので、忙しい方でも手軽に花のある暮らしを楽しめます。",
            "直射日光や湿気の多い場所を避けて飾ると、長く色味が保てます。",
            "花材は仕入れ状況により、一部変更になる場合がございます。",
            "時間とともに色が落ち着いていく様子もお楽しみください。",
        ],
        emoji: &["💐", "🌼", "🌷"],
        openings: NONE,
    },
    Category {
        slug: "japanese_crafts",
        ja: "和雑貨",
        weight: 4,
        styles: &[
            Style {
                slug: "mizuhiki",
                nouns: &["ピアス", "イヤリング", "ブローチ", "箸置き", "正月飾り", "ご祝儀袋", "ポチ袋"],
                mods: &["縁起のよい", "梅結びの", "あわじ結びの", "華やかな"],
                materials: &["水引", "金銀の水引", "パール水引", "細水引"],
                sizes: &["約3cm", "幅10cm", "5個セット"],
                details: &[
                    "あわじ結びは、ほどけにくいことから末永いご縁を表します。",
                    "和装にも洋服にも合わせやすい、控えめな大きさです。",
                    "結び目のひとつひとつを、指先で丁寧に整えています。",
                ],
                uses: NONE,
                price: (600, 4800),
            },
            Style {
                slug: "tenugui",
                nouns: &["手ぬぐい", "風呂敷", "のれん", "あずま袋", "ハンカチ"],
                mods: &["注染染めの", "藍色の", "和柄の", "季節柄の"],
                materials: &["伊勢木綿", "藍染め", "注染", "岡生地", "綿麻", "久留米絣"],
                sizes: &["約33×90cm", "50×50cm", "幅85×丈150cm"],
                details: &[
                    "注染ならではの、裏まで染め抜かれた色とにじみの表情が魅力です。",
                    "使うほどにやわらかくなり、吸水性もよくなっていきます。",
                    "タペストリーとして飾っても、季節の彩りになります。",
                ],
                uses: NONE,
                price: (1100, 9800),
            },
            Style {
                slug: "chirimen",
                nouns: &["つるし飾り", "干支の置物", "匂い袋", "お手玉", "くくり猿"],
                mods: &["小さな", "縁起のよい", "手縫いの", "ころんとした"],
                materials: &["ちりめん", "正絹ちりめん", "古布", "金襴", "木綿"],
                sizes: &["高さ5cm", "全長60cm", "約4cm"],
                details: &[
                    "着物の古布をほどいて、ひとつずつ縫い上げています。",
                    "中には香りのよい白檀を少し入れています。",
                    "飾るだけで、お部屋がほっと華やぎます。",
                ],
                uses: NONE,
                price: (800, 6800),
            },
        ],
        materials: &["水引", "ちりめん", "和紙", "藍染め"],
        colors: &["紅白", "金", "藍色", "朱色", "抹茶色", "桜色", "墨色", "生成り"],
        features: &["縁起物", "和柄", "日本製", "一点物", "手染め", "伝統工芸"],
        uses: &["敬老の日", "お正月", "結婚祝い", "母の日", "還暦祝い", "お歳暮"],
        phrases: &[
            "日本の伝統的な技法を、今の暮らしになじむ形にアレンジしました。",
            "海外の方への日本らしいお土産としても喜ばれています。",
            "職人の手仕事ならではの、あたたかみのある仕上がりです。",
            "和装にも洋服にも合わせやすい色を選んでいます。",
            "縁起のよいモチーフを取り入れ、幸せを願う気持ちを込めてお作りしました。",
        ],
        emoji: &["🎐", "🌸"],
        openings: NONE,
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn small(seed: u64) -> SampleConfig {
        SampleConfig {
            seed,
            items: 400,
            users: 60,
            ..Default::default()
        }
    }

    fn temp_dir(name: &str) -> std::path::PathBuf {
        let dir =
            std::env::temp_dir().join(format!("jatopic-sample-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn same_config_gives_identical_files() {
        let cfg = small(7);
        let (a, b) = (generate(&cfg).unwrap(), generate(&cfg).unwrap());
        assert_eq!(a, b);
        let (da, db) = (temp_dir("det-a"), temp_dir("det-b"));
        write_sample(&da, &a, &cfg).unwrap();
        write_sample(&db, &b, &cfg).unwrap();
        for f in ["items.ndjson", "views.ndjson", "README.txt"] {
            let (x, y) = (
                std::fs::read(da.join(f)).unwrap(),
                std::fs::read(db.join(f)).unwrap(),
            );
            assert!(!x.is_empty());
            assert_eq!(x, y, "{f}");
        }
        // No temporary files left behind.
        assert_eq!(std::fs::read_dir(&da).unwrap().count(), 3);
        std::fs::remove_dir_all(da).unwrap();
        std::fs::remove_dir_all(db).unwrap();
    }

    #[test]
    fn different_seeds_differ() {
        let (a, b) = (generate(&small(1)).unwrap(), generate(&small(2)).unwrap());
        assert_ne!(a.items, b.items);
        assert_ne!(a.views, b.views);
        let same_titles = a
            .items
            .iter()
            .zip(&b.items)
            .filter(|(x, y)| x.title == y.title)
            .count();
        assert!(same_titles < 10, "{same_titles} identical titles");
    }

    #[test]
    fn catalog_does_not_depend_on_users() {
        let a = generate(&small(3)).unwrap();
        let b = generate(&SampleConfig {
            users: 5,
            ..small(3)
        })
        .unwrap();
        assert_eq!(a.items, b.items);
    }

    #[test]
    fn default_config_covers_every_category_and_style() {
        let s = generate(&SampleConfig::default()).unwrap();
        assert_eq!(s.items.len(), 3000);
        assert!(CATEGORIES.len() >= 16);
        let mut count: HashMap<(&str, &str), usize> = HashMap::new();
        for it in &s.items {
            *count.entry((it.category, it.style)).or_default() += 1;
        }
        for cat in CATEGORIES {
            assert!((2..=4).contains(&cat.styles.len()), "{}", cat.slug);
            for st in cat.styles {
                assert!(
                    count.get(&(cat.slug, st.slug)).copied().unwrap_or(0) >= 5,
                    "{}/{}",
                    cat.slug,
                    st.slug
                );
            }
        }
        for slug in [
            "accessories",
            "bags",
            "pottery",
            "knitwear",
            "leather",
            "candles_fragrance",
            "baby",
            "pet",
            "stationery",
            "interior",
            "seasonal",
            "food",
            "art",
            "clothing",
            "woodcraft",
            "glass",
        ] {
            assert!(s.items.iter().any(|i| i.category == slug), "{slug}");
        }
        let users: HashSet<&str> = s.views.iter().map(|v| v.user_id.as_str()).collect();
        assert_eq!(users.len(), 600);
    }

    #[test]
    fn titles_and_descriptions_within_bounds() {
        for seed in 0..4 {
            let s = generate(&SampleConfig {
                seed,
                items: 2000,
                users: 1,
                ..Default::default()
            })
            .unwrap();
            for it in &s.items {
                let t = chars(&it.title);
                assert!((MIN_TITLE..=MAX_TITLE).contains(&t), "{t}: {}", it.title);
                let d = chars(&it.description);
                assert!(
                    (MIN_DESCRIPTION..=MAX_DESCRIPTION).contains(&d),
                    "{d}: {}",
                    it.description
                );
                let sentences = it.description.matches('。').count();
                assert!(
                    (2..=5).contains(&sentences),
                    "{sentences}: {}",
                    it.description
                );
                assert!(it.description.ends_with('。'));
                assert!(
                    !it.description.contains('{') && !it.title.contains('{'),
                    "{}",
                    it.description
                );
                assert!(
                    it.price_yen >= 300 && it.price_yen <= 50_000,
                    "{}",
                    it.price_yen
                );
            }
            // Some realistic variety in the titles.
            let any = |f: &dyn Fn(&str) -> bool| s.items.iter().any(|i| f(&i.title));
            assert!(any(&|t| t.contains('【')));
            assert!(any(&|t| t.chars().any(|c| ('ｦ'..='ﾟ').contains(&c))));
            assert!(any(&|t| t.chars().any(|c| ('０'..='９').contains(&c))));
            assert!(any(&|t| t.contains('🎁')
                || t.contains('✨')
                || t.contains('🌸')));
        }
    }

    #[test]
    fn json_lines_parse() {
        let cfg = small(11);
        let s = generate(&cfg).unwrap();
        let items = items_ndjson(&s.items);
        assert_eq!(items.lines().count(), s.items.len());
        for (line, it) in items.lines().zip(&s.items) {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            let o = v.as_object().unwrap();
            let keys: Vec<&str> = o.keys().map(String::as_str).collect();
            let mut want = [
                "item_id",
                "category",
                "category_ja",
                "style",
                "title",
                "description",
                "price_yen",
                "synthetic",
            ];
            want.sort_unstable();
            let mut got = keys.clone();
            got.sort_unstable();
            assert_eq!(got, want);
            assert_eq!(o["item_id"], it.item_id.as_str());
            assert_eq!(o["title"], it.title.as_str());
            assert_eq!(o["description"], it.description.as_str());
            assert_eq!(o["price_yen"], it.price_yen);
            assert_eq!(o["synthetic"], true);
        }
        let views = views_ndjson(&s.views);
        assert_eq!(views.lines().count(), s.views.len());
        for (line, vw) in views.lines().zip(&s.views) {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            assert_eq!(v.as_object().unwrap().len(), 3);
            assert_eq!(v["user_id"], vw.user_id.as_str());
            assert_eq!(v["item_id"], vw.item_id.as_str());
            assert_eq!(v["viewed_at"], vw.viewed_at.as_str());
        }
        let readme = readme(&s, &cfg);
        assert!(readme.contains("jatopic sample --seed 11"));
        assert!(readme.contains("synthetic") && readme.contains("not real listings"));
        assert!(readme.contains(&format!("{} simulated page views", s.views.len())));
    }

    #[test]
    fn views_sorted_and_increasing_within_window() {
        for cfg in [
            SampleConfig::default(),
            SampleConfig {
                seed: 5,
                days: 1,
                users: 200,
                ..Default::default()
            },
            SampleConfig {
                seed: 6,
                items: 30,
                days: 2,
                users: 50,
                views_per_user: (60, 90),
            },
        ] {
            let s = generate(&cfg).unwrap();
            let ids: HashSet<&str> = s.items.iter().map(|i| i.item_id.as_str()).collect();
            let end = rfc3339(days_from_civil(2026, 10, 1), u64::from(cfg.days) * 86_400);
            let mut per_user: HashMap<&str, usize> = HashMap::new();
            for w in s.views.windows(2) {
                assert!(
                    (w[0].user_id.as_str(), w[0].viewed_at.as_str())
                        < (w[1].user_id.as_str(), w[1].viewed_at.as_str()),
                    "{:?} then {:?}",
                    w[0],
                    w[1]
                );
            }
            for v in &s.views {
                assert!(ids.contains(v.item_id.as_str()));
                assert!(
                    v.viewed_at.as_str() >= "2026-10-01T00:00:00Z" && v.viewed_at < end,
                    "{}",
                    v.viewed_at
                );
                assert_eq!(v.viewed_at.len(), 20);
                *per_user.entry(&v.user_id).or_default() += 1;
            }
            assert_eq!(per_user.len(), cfg.users);
            assert!(per_user
                .values()
                .all(|&n| (cfg.views_per_user.0..=cfg.views_per_user.1).contains(&n)));
        }
    }

    #[test]
    fn repeat_views_are_rare() {
        let s = generate(&SampleConfig::default()).unwrap();
        let distinct: HashSet<(&str, &str)> = s
            .views
            .iter()
            .map(|v| (v.user_id.as_str(), v.item_id.as_str()))
            .collect();
        let repeats = s.views.len() - distinct.len();
        assert!(
            repeats * 20 < s.views.len(),
            "{repeats} of {}",
            s.views.len()
        );
    }

    /// Each user's last view is held out. Recommending the most viewed items of
    /// the user's favourite style (what a topic model can find) must beat
    /// recommending the globally most viewed items by a wide margin.
    #[test]
    fn tastes_beat_most_popular() {
        let s = generate(&SampleConfig::default()).unwrap();
        let style_of: HashMap<&str, (&str, &str)> = s
            .items
            .iter()
            .map(|i| (i.item_id.as_str(), (i.category, i.style)))
            .collect();
        let mut by_user: Vec<Vec<&View>> = Vec::new();
        for v in &s.views {
            match by_user.last_mut() {
                Some(list) if list[0].user_id == v.user_id => list.push(v),
                _ => by_user.push(vec![v]),
            }
        }
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for list in &by_user {
            for v in &list[..list.len() - 1] {
                *counts.entry(v.item_id.as_str()).or_default() += 1;
            }
        }
        let mut ranked: Vec<(&str, usize)> = counts.iter().map(|(&k, &v)| (k, v)).collect();
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let top10: Vec<&str> = ranked.iter().take(10).map(|x| x.0).collect();
        let (mut popular_hits, mut taste_hits) = (0, 0);
        for list in &by_user {
            let (last, history) = list.split_last().unwrap();
            let target = last.item_id.as_str();
            popular_hits += usize::from(top10.contains(&target));
            let mut fav: HashMap<(&str, &str), usize> = HashMap::new();
            for v in history {
                *fav.entry(style_of[v.item_id.as_str()]).or_default() += 1;
            }
            let best = fav
                .iter()
                .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
                .map(|x| *x.0)
                .unwrap();
            let recs: Vec<&str> = ranked
                .iter()
                .filter(|x| style_of[x.0] == best)
                .take(10)
                .map(|x| x.0)
                .collect();
            taste_hits += usize::from(recs.contains(&target));
        }
        let n = by_user.len();
        assert!(
            taste_hits > 4 * popular_hits.max(5),
            "taste {taste_hits}/{n}, popular {popular_hits}/{n}"
        );
        assert!(taste_hits * 5 > n, "taste {taste_hits}/{n}");
    }

    #[test]
    fn bad_configs_are_rejected() {
        let ok = SampleConfig::default();
        for cfg in [
            SampleConfig { items: 0, ..ok },
            SampleConfig {
                items: 10_000_001,
                ..ok
            },
            SampleConfig { users: 0, ..ok },
            SampleConfig { days: 0, ..ok },
            SampleConfig { days: 5000, ..ok },
            SampleConfig {
                views_per_user: (0, 5),
                ..ok
            },
            SampleConfig {
                views_per_user: (9, 8),
                ..ok
            },
            SampleConfig {
                views_per_user: (1, 20_000),
                ..ok
            },
            SampleConfig {
                users: 1_000_000,
                views_per_user: (1, 10_000),
                days: 3650,
                ..ok
            },
            SampleConfig {
                days: 1,
                views_per_user: (10, 200),
                ..ok
            },
        ] {
            assert!(matches!(generate(&cfg), Err(Error::Input(_))), "{cfg:?}");
        }
        assert!(generate(&SampleConfig {
            items: 1,
            users: 1,
            days: 1,
            views_per_user: (1, 1),
            seed: 0
        })
        .is_ok());
    }

    #[test]
    fn tiny_catalog_still_works() {
        let s = generate(&SampleConfig {
            items: 3,
            users: 4,
            views_per_user: (5, 5),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(s.items.len(), 3);
        assert_eq!(s.views.len(), 20);
        assert_eq!(s.items[0].item_id, "item-00001");
        assert_eq!(s.views[0].user_id, "user-0001");
    }

    #[test]
    fn vocabulary_tables_are_consistent() {
        let one_sentence = |x: &str| x.ends_with('。') && x.matches('。').count() == 1;
        let mut slugs = HashSet::new();
        for cat in CATEGORIES {
            assert!(slugs.insert(cat.slug), "{}", cat.slug);
            assert!(cat.weight > 0 && !cat.features.is_empty() && !cat.uses.is_empty());
            assert!(
                cat.phrases.len() >= 2 && cat.phrases.iter().all(|x| one_sentence(x)),
                "{}",
                cat.slug
            );
            let mut style_slugs = HashSet::new();
            for st in cat.styles {
                let what = format!("{}/{}", cat.slug, st.slug);
                assert!(style_slugs.insert(st.slug), "{what}");
                assert!(
                    !st.nouns.is_empty() && !st.mods.is_empty() && !st.sizes.is_empty(),
                    "{what}"
                );
                assert!(
                    !st.materials.is_empty() || !cat.materials.is_empty(),
                    "{what}"
                );
                assert!(
                    st.details.len() >= 2 && st.details.iter().all(|x| one_sentence(x)),
                    "{what}"
                );
                assert!(0 < st.price.0 && st.price.0 <= st.price.1, "{what}");
            }
        }
        for list in [
            DEFAULT_OPENINGS,
            OCCASION_SENTENCES,
            CLOSINGS,
            FREE_SHIPPING_NOTES,
        ] {
            assert!(list.iter().all(|x| one_sentence(x)), "{list:?}");
        }
    }

    #[test]
    fn width_variants() {
        assert_eq!(to_halfwidth_katakana("ピアス・ガラス"), "ﾋﾟｱｽ･ｶﾞﾗｽ");
        assert_eq!(to_halfwidth_katakana("ヴィンテージの器"), "ｳﾞｨﾝﾃｰｼﾞの器");
        assert_eq!(
            to_fullwidth_ascii("100ml 幅12×高さ9cm"),
            "１００ｍｌ 幅１２×高さ９ｃｍ"
        );
        assert_eq!(KATAKANA_FULL.chars().count(), KATAKANA_HALF.chars().count());
    }

    #[test]
    fn dates() {
        let base = days_from_civil(2026, 10, 1);
        assert_eq!(base, 20_727);
        assert_eq!(rfc3339(base, 0), "2026-10-01T00:00:00Z");
        assert_eq!(rfc3339(base, 9 * 3600 + 15 * 60), "2026-10-01T09:15:00Z");
        assert_eq!(rfc3339(base, 31 * 86_400 - 1), "2026-10-31T23:59:59Z");
        assert_eq!(rfc3339(base, 92 * 86_400), "2027-01-01T00:00:00Z");
        assert_eq!(civil_from_days(days_from_civil(2028, 2, 29)), (2028, 2, 29));
        assert_eq!(
            civil_from_days(days_from_civil(2028, 2, 29) + 1),
            (2028, 3, 1)
        );
    }

    #[test]
    fn rng_is_uniform_enough_and_stable() {
        let mut r = Rng::new(42, 0);
        let first: Vec<u64> = (0..3).map(|_| r.next_u64()).collect();
        let mut r2 = Rng::new(42, 0);
        assert_eq!(first, (0..3).map(|_| r2.next_u64()).collect::<Vec<_>>());
        let mut hist = [0usize; 6];
        for _ in 0..60_000 {
            hist[r.below(6)] += 1;
        }
        assert!(
            hist.iter().all(|&h| (9_400..10_600).contains(&h)),
            "{hist:?}"
        );
        assert_eq!(r.pick_cum(&[0, 0, 5]), 2);
    }
}
