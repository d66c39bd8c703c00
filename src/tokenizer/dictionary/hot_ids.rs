//! The order in which the native tokenizer numbers its connection classes:
//! IPADIC's busiest context ids first (`hot_ids.txt`, a data file written by
//! `examples/hot_ids.rs`). Only an order for the cache
//! (`Connector::renumbered`), never a cost.

/// Context ids, busiest first: whitespace-separated numbers, `#` comments.
const HOT_IDS: &str = include_str!("hot_ids.txt");

/// The listed ids, busiest first (a test checks that every token is one).
fn hot_ids() -> impl Iterator<Item = u16> {
    HOT_IDS
        .lines()
        .filter(|line| !line.starts_with('#'))
        .flat_map(str::split_whitespace)
        .filter_map(|id| id.parse().ok())
}

/// Per context id of a dictionary with `n_ids` of them, its weight in the
/// order: the busier, the heavier; 0 for ids not listed (and for every id
/// when the dictionary's ids are not IPADIC's, as their number says: any
/// order gives the same analyses, this one only a faster one).
pub(crate) fn weights(n_ids: usize) -> Vec<u32> {
    let mut weight = vec![0u32; n_ids];
    if n_ids != IPADIC_IDS {
        return weight;
    }
    let listed = hot_ids().count();
    for (rank, id) in hot_ids().enumerate() {
        if let Some(w) = weight.get_mut(usize::from(id)) {
            *w = (listed - rank) as u32;
        }
    }
    weight
}

/// IPADIC's number of context ids.
const IPADIC_IDS: usize = 1316;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_data_file_lists_256_distinct_ipadic_ids() {
        let tokens: Vec<&str> = HOT_IDS
            .lines()
            .filter(|line| !line.starts_with('#'))
            .flat_map(str::split_whitespace)
            .collect();
        let ids: Vec<u16> = hot_ids().collect();
        assert_eq!(ids.len(), tokens.len(), "a token that is not a number");
        assert_eq!(ids.len(), 256);
        let mut distinct = ids.clone();
        distinct.sort_unstable();
        distinct.dedup();
        assert_eq!(distinct.len(), ids.len());
        assert!(ids.iter().all(|&id| usize::from(id) < IPADIC_IDS));
        let w = weights(IPADIC_IDS);
        assert_eq!((w[usize::from(ids[0])], w[usize::from(ids[255])]), (256, 1));
        assert!(weights(7).iter().all(|&w| w == 0));
    }
}
