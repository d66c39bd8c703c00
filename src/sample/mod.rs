//! A seeded generator of a **synthetic** Japanese handmade-goods catalog and
//! browsing log, for demos (`jatopic sample`, used by `make demo`).
//!
//! Everything is invented: titles and descriptions are assembled from a
//! hand-written vocabulary (18 categories, each with 2–4 styles; data files
//! under `data/`), prices are
//! drawn from per-style ranges, and the browsing log is simulated from users
//! with latent (category, style) preferences and Zipf-like item popularity, so
//! that topic-based recommendation clearly beats a most-popular baseline.
//!
//! The output depends only on the [`SampleConfig`]: the generator draws from
//! [`crate::rng::Xoshiro256`] (seeded per item and per user), uses integer
//! arithmetic only and never iterates over hash maps, so the same config gives
//! byte-identical files on every platform.
//!
//! By concern: `vocabulary` (the data files), `catalog` (items: titles,
//! descriptions, prices), `width` (half-width kana, full-width digits),
//! `browsing` (popularity, tastes, sessions), `calendar` (timestamps) and
//! `output` (NDJSON and README).
//!
//! ```no_run
//! let cfg = jatopic::sample::SampleConfig { seed: 7, ..Default::default() };
//! let sample = jatopic::sample::generate(&cfg).unwrap();
//! jatopic::sample::write_sample(std::path::Path::new("demo-data"), &sample, &cfg).unwrap();
//! ```

mod browsing;
mod calendar;
mod catalog;
mod output;
mod vocabulary;
mod width;

use crate::rng::Xoshiro256;
use crate::{Error, Result};
use browsing::{Popularity, MAX_VIEW_GAP, SESSION_GAP};
use std::path::Path;
use vocabulary::Vocabulary;

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

// Independent random streams: changing the number of users does not change
// the catalog, and each item's text depends only on the seed and its number.
const STREAM_CATALOG: u64 = 1;
const STREAM_ITEM: u64 = 1 << 40;
const STREAM_USER: u64 = 2 << 40;

/// Generates a sample. Fails with [`Error::Input`] for unusable configs (no
/// items or users, an empty or inverted view range, more views per user than
/// the window can hold, sizes beyond the documented limits), and with
/// [`Error::Format`] if the compiled-in vocabulary is malformed (which the
/// tests rule out).
pub fn generate(cfg: &SampleConfig) -> Result<Sample> {
    validate(cfg)?;
    let vocab = Vocabulary::builtin()?;
    let (items, groups) = catalog::generate_items(cfg, &vocab);
    let popularity = Popularity::new(cfg.seed, &groups, &vocab);
    let user_width = digits(cfg.users).max(4);
    let window = u64::from(cfg.days) * 86_400;
    let base_day = calendar::days_from_civil(START_DATE.0, START_DATE.1, START_DATE.2);
    let mut views =
        Vec::with_capacity(cfg.users * (cfg.views_per_user.0 + cfg.views_per_user.1) / 2);
    for u in 0..cfg.users {
        let mut rng = Xoshiro256::new(cfg.seed, STREAM_USER + u as u64);
        let user_id = format!("user-{:0width$}", u + 1, width = user_width);
        for (t, item) in browsing::user_views(&mut rng, cfg, window, &popularity) {
            views.push(View {
                user_id: user_id.clone(),
                item_id: items[item as usize].item_id.clone(),
                viewed_at: calendar::rfc3339(base_day, t),
            });
        }
    }
    Ok(Sample { items, views })
}

/// Writes `items.ndjson`, `views.ndjson` and `README.txt` into `dir` (created
/// if missing), each atomically (temporary file, then rename). `cfg` is the
/// config the sample was generated with; the README records it.
pub fn write_sample(dir: &Path, sample: &Sample, cfg: &SampleConfig) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io_error(dir.display(), e))?;
    let write = |name: &str, text: String| {
        crate::io::output::write_atomically(&dir.join(name).to_string_lossy(), text.as_bytes())
    };
    write("items.ndjson", output::items_ndjson(&sample.items))?;
    write("views.ndjson", output::views_ndjson(&sample.views))?;
    write("README.txt", output::readme(sample, cfg))
}

fn validate(cfg: &SampleConfig) -> Result<()> {
    let bad = |m: String| Err(Error::input(format!("sample: {m}")));
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

/// The number of decimal digits of `n` (ids are zero-padded to a common width).
fn digits(n: usize) -> usize {
    n.to_string().len()
}

#[cfg(test)]
mod tests {
    use super::calendar::{days_from_civil, rfc3339};
    use super::catalog::{chars, MAX_DESCRIPTION, MAX_TITLE, MIN_DESCRIPTION, MIN_TITLE};
    use super::output::{items_ndjson, readme, views_ndjson};
    use super::*;
    use std::collections::{HashMap, HashSet};

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

    /// Pins the generator: any change to the vocabulary, the random streams
    /// or the assembly of titles, descriptions and views changes these.
    #[test]
    fn output_for_a_seed_is_pinned() {
        let cfg = small(7);
        let s = generate(&cfg).unwrap();
        let hash = |text: &str| crate::artifact::bytes::fnv1a64(text.as_bytes());
        assert_eq!(
            s.items[0],
            Item {
                item_id: "item-00001".into(),
                category: "woodcraft",
                category_ja: "木工・木製品",
                style: "boards",
                title: "【手彫り】くるみ×オークのまな板 / 幅30×奥行18cm / 母の日の贈り物に🎁"
                    .into(),
                description: "持ち手付きのまな板を、くるみでお作りしました。包丁あたりがやさしく、\
                    刃を傷めにくいのが特長です。サイズは幅30×奥行18cmです。\
                    母の日のプレゼントにお選びいただくことも多い作品です。"
                    .into(),
                price_yen: 4480,
            }
        );
        assert_eq!(
            (s.items[399].title.as_str(), s.items[399].price_yen),
            (
                "手縫いのヌメ革の長財布\u{3000}薄型\u{3000}就職祝いのプレゼントに♪\u{3000}\
                 一点物\u{3000}ブラック\u{3000}縦9×横11cm",
                24080
            )
        );
        assert_eq!(
            s.views[0],
            View {
                user_id: "user-0001".into(),
                item_id: "item-00297".into(),
                viewed_at: "2026-10-15T09:52:12Z".into(),
            }
        );
        assert_eq!(s.views.len(), 1237);
        assert_eq!(hash(&items_ndjson(&s.items)), 0x4E0C_71FF_A454_0879);
        assert_eq!(hash(&views_ndjson(&s.views)), 0x2570_1D10_9A7A_4ED5);
        assert_eq!(hash(&readme(&s, &cfg)), 0x3CEA_7896_856B_2068);
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
        let vocab = Vocabulary::builtin().unwrap();
        assert!(vocab.categories.len() >= 16);
        let mut count: HashMap<(&str, &str), usize> = HashMap::new();
        for it in &s.items {
            *count.entry((it.category, it.style)).or_default() += 1;
        }
        for cat in &vocab.categories {
            for st in &cat.styles {
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
        // As `jatopic sample` with no options reports (pinned).
        assert_eq!(s.views.len(), 11_388);
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
            assert!(
                matches!(generate(&cfg), Err(e) if e.kind() == crate::ErrorKind::Input),
                "{cfg:?}"
            );
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
}
