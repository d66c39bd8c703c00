//! The catalog: items in (category, style) groups, each with a marketplace
//! title, a です/ます description and a rounded price, assembled from the
//! vocabulary by the item's own random stream.

use super::vocabulary::{Category, Shared, Style, Vocabulary};
use super::width::{to_fullwidth_ascii, to_halfwidth_katakana};
use super::{digits, Item, SampleConfig, STREAM_CATALOG, STREAM_ITEM};
use crate::rng::{cumulative, Xoshiro256};

/// Bounds of a title's and a description's length, in characters.
pub(super) const MIN_TITLE: usize = 20;
pub(super) const MAX_TITLE: usize = 70;
pub(super) const MIN_DESCRIPTION: usize = 80;
pub(super) const MAX_DESCRIPTION: usize = 300;

/// The items and, for each, its group index into [`Vocabulary::groups`].
pub(super) fn generate_items(cfg: &SampleConfig, vocab: &Vocabulary) -> (Vec<Item>, Vec<usize>) {
    let categories = &vocab.categories;
    let groups = vocab.groups();
    let mut rng = Xoshiro256::new(cfg.seed, STREAM_CATALOG);
    // Every group gets one item first (in random order), so that every
    // category and style appears whenever there are enough items.
    let mut first: Vec<usize> = (0..groups.len()).collect();
    rng.shuffle(&mut first);
    let cat_cum = cumulative(categories.iter().map(|c| u64::from(c.weight)));
    let mut group_base = Vec::with_capacity(categories.len());
    let mut base = 0;
    for cat in categories {
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
                group_base[c] + rng.below(categories[c].styles.len())
            }
        };
        let (c, s) = groups[g];
        let mut item_rng = Xoshiro256::new(cfg.seed, STREAM_ITEM + i as u64);
        let id = format!("item-{:0width$}", i + 1, width = width);
        let cat = &categories[c];
        items.push(make_item(
            &mut item_rng,
            id,
            &vocab.shared,
            cat,
            &cat.styles[s],
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
    rng: &mut Xoshiro256,
    item_id: String,
    shared: &Shared,
    cat: &Category,
    style: &Style,
) -> Item {
    let materials = if style.materials.is_empty() {
        &cat.materials
    } else {
        &style.materials
    };
    let noun = rng.pick(&style.nouns);
    let adj = rng.pick(&style.mods);
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
            rng.pick(&cat.colors)
        },
        noun,
        adj,
        size: rng.pick(&style.sizes),
        occasion: rng.pick(if style.uses.is_empty() {
            &cat.uses
        } else {
            &style.uses
        }),
        feature: rng.pick(&cat.features),
    };
    let title = make_title(rng, shared, cat, &parts);
    let description = make_description(rng, shared, cat, style, &parts, &title);
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

pub(super) fn chars(s: &str) -> usize {
    s.chars().count()
}

/// A marketplace-style title: optional 【prefix】, a core naming the thing,
/// then colour / size / feature / tag / occasion pieces until a random target
/// length, always within [`MIN_TITLE`]..=[`MAX_TITLE`] characters.
fn make_title(rng: &mut Xoshiro256, shared: &Shared, cat: &Category, p: &Parts) -> String {
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
        5 => format!("{noun}「{}」", rng.pick(&shared.poetic_names)),
        _ if !p.material2.is_empty() => format!("{}×{}の{noun}", p.material, p.material2),
        _ => format!("{}{noun}", p.adj),
    };
    let mut title = String::new();
    match rng.below(100) {
        0..=29 => title.push_str(rng.pick(&shared.title_prefixes)),
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
    pieces.push(rng.pick(&shared.shared_tags).to_string());
    if rng.chance(350) {
        pieces.push(rng.pick(&shared.shared_tags).to_string());
    }
    let mut occasion = rng
        .pick(&shared.occasion_title_forms)
        .replace("{use}", p.occasion);
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
    for tag in &shared.fallback_tags {
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
            rng.pick(&cat.emoji)
        } else {
            rng.pick(&shared.shared_emoji)
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

fn size_sentence(rng: &mut Xoshiro256, size: &str) -> String {
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
    rng: &mut Xoshiro256,
    shared: &Shared,
    cat: &Category,
    style: &Style,
    p: &Parts,
    title: &str,
) -> String {
    let openings = if cat.openings.is_empty() {
        &shared.default_openings
    } else {
        &cat.openings
    };
    let usable: Vec<&str> = openings
        .iter()
        .copied()
        .filter(|t| !p.color.is_empty() || !t.contains("{color}"))
        .collect();
    let opening = fill(rng.pick(&usable), p);

    let mut details: Vec<&str> = style.details.clone();
    rng.shuffle(&mut details);
    let mut phrases: Vec<&str> = cat.phrases.clone();
    rng.shuffle(&mut phrases);
    let days = rng.pick(&[3u32, 5, 7, 10, 14]);
    // In the order they appear in a description.
    let candidates: Vec<String> = vec![
        details[0].to_string(),
        phrases[0].to_string(),
        details[1].to_string(),
        phrases[1].to_string(),
        size_sentence(rng, p.size),
        fill(rng.pick(&shared.occasion_sentences), p),
        rng.pick(&shared.closings)
            .replace("{k}", &rng.range(1, 3).to_string()),
    ];

    // A note the title promises comes last and is always there.
    let note = if title.contains("受注制作") {
        format!(
            "ご注文をいただいてから制作するため、発送まで{}日ほどお時間をいただきます。",
            days.max(5)
        )
    } else if title.contains("送料無料") {
        rng.pick(&shared.free_shipping_notes).to_string()
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
fn make_price(rng: &mut Xoshiro256, (lo, hi): (u32, u32)) -> u32 {
    let raw = rng.range(lo as usize, hi as usize) as u32;
    let hundred = (raw + 50) / 100 * 100;
    let price = match rng.below(10) {
        0..=3 if hundred >= 1000 => hundred - 20,
        4 => (raw + 250) / 500 * 500,
        _ => hundred,
    };
    price.max(300)
}
