//! The browsing log: Zipf-like item popularity within each (category, style)
//! group, users with 1–3 preferred groups, and their views in sessions over
//! the window, evening-heavy in Japan time.

use super::vocabulary::Vocabulary;
use super::SampleConfig;
use crate::rng::{cumulative, Xoshiro256};
use std::collections::HashSet;

/// Chance (per mille) that a view is a random item outside the user's tastes.
const RANDOM_BROWSE_PER_MILLE: u32 = 120;
/// Chance (per mille) that a non-random view stays on the session's focus.
const SESSION_FOCUS_PER_MILLE: u32 = 800;
/// Chance (per mille) that an already-seen item is accepted instead of redrawn.
const REVIEW_PER_MILLE: u32 = 80;
/// Largest gap between two views of one session, in seconds (see `view_gap`).
pub(super) const MAX_VIEW_GAP: u64 = 858;
/// Least gap between two sessions of one user, in seconds.
pub(super) const SESSION_GAP: u64 = 900;
/// The popularity stream follows the catalog's (see `STREAM_CATALOG`).
const STREAM_POPULARITY: u64 = super::STREAM_CATALOG + 1;

/// Item popularity: Zipf-like within each group (rank r has weight ∝ 1/(r+1),
/// ranks in random order), plus the weights for choosing users' tastes.
pub(super) struct Popularity {
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
    pub fn new(seed: u64, item_groups: &[usize], vocab: &Vocabulary) -> Popularity {
        let groups = vocab.groups();
        let mut rng = Xoshiro256::new(seed, STREAM_POPULARITY);
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
            let cat = &vocab.categories[groups[g].0];
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

    fn item_in_group(&self, rng: &mut Xoshiro256, g: usize) -> u32 {
        self.group_items[g][rng.pick_cum(&self.group_cum[g])]
    }

    /// A user's tastes: 1–3 groups with weights, the first the strongest; a
    /// second taste is often another style of the same category.
    fn tastes(&self, rng: &mut Xoshiro256) -> (Vec<usize>, Vec<u64>) {
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
fn view_gap(rng: &mut Xoshiro256) -> u64 {
    let mut gap = 20 + rng.below_u64(240);
    if rng.chance(100) {
        gap += rng.below_u64(600);
    }
    gap
}

/// One user's views as (seconds since the window start, item index), in time order.
pub(super) fn user_views(
    rng: &mut Xoshiro256,
    cfg: &SampleConfig,
    window: u64,
    pop: &Popularity,
) -> Vec<(u64, u32)> {
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
