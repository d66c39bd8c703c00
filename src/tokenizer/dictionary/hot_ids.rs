//! IPADIC's 256 busiest context ids, busiest first: how often
//! Viterbi evaluates a connection from or to each over a sample of the
//! training text. Written by `examples/hot_ids.rs` (which says how);
//! only an order for the cache (`Connector::renumbered`), never a cost.

/// Context ids, busiest first.
#[rustfmt::skip]
pub(crate) const HOT_IDS: [u16; 256] = [
    1285, 1293, 3, 1288, 1292, 1289, 776, 1283, 622, 625, 1298, 1310, 1291, 925, 930, 560,
    1117, 11, 1300, 1295, 555, 153, 282, 368, 2, 1290, 10, 151, 325, 329, 261, 308,
    1314, 149, 274, 458, 1287, 150, 164, 309, 328, 363, 307, 170, 372, 374, 547, 549,
    920, 1281, 883, 304, 517, 606, 610, 435, 439, 156, 275, 888, 8, 148, 299, 12,
    454, 468, 1122, 1313, 1282, 873, 876, 0, 772, 687, 1009, 832, 359, 1001, 786, 879,
    601, 602, 777, 262, 1315, 506, 1306, 551, 554, 916, 829, 1305, 567, 901, 997, 780,
    1304, 619, 5, 788, 768, 784, 735, 1294, 727, 1118, 546, 1312, 565, 899, 993, 1,
    106, 558, 881, 268, 605, 817, 1303, 157, 293, 327, 515, 922, 731, 683, 1301, 1309,
    7, 436, 453, 167, 570, 516, 904, 1013, 1121, 919, 587, 288, 6, 584, 880, 924,
    929, 764, 599, 773, 19, 403, 613, 1092, 20, 681, 473, 482, 557, 812, 370, 147,
    297, 491, 263, 286, 320, 366, 503, 1125, 774, 782, 802, 810, 318, 311, 1119, 742,
    316, 158, 679, 763, 460, 675, 685, 1299, 267, 985, 1005, 733, 31, 559, 279, 39,
    45, 877, 882, 870, 291, 1302, 689, 126, 290, 818, 604, 729, 734, 35, 803, 811,
    739, 927, 466, 766, 154, 621, 624, 778, 23, 499, 501, 507, 1297, 973, 1187, 1011,
    725, 179, 586, 620, 823, 743, 767, 653, 655, 409, 612, 616, 1196, 344, 452, 534,
    1148, 114, 173, 1271, 740, 295, 408, 1183, 341, 747, 495, 497, 603, 748, 43, 532,
];

/// Per context id of a dictionary with `n_ids` of them, its weight in the
/// order: the busier, the heavier; 0 for ids not listed (and for every id
/// when the dictionary's ids are not IPADIC's, as their number says: any
/// order gives the same analyses, this one only a faster one).
pub(crate) fn weights(n_ids: usize) -> Vec<u32> {
    let mut weight = vec![0u32; n_ids];
    if n_ids != IPADIC_IDS {
        return weight;
    }
    for (rank, &id) in HOT_IDS.iter().enumerate() {
        if let Some(w) = weight.get_mut(usize::from(id)) {
            *w = (HOT_IDS.len() - rank) as u32;
        }
    }
    weight
}

/// IPADIC's number of context ids.
const IPADIC_IDS: usize = 1316;
