fn main() {
    for _ in 0..20 {
        let d = jatopic::Dictionary::from_bytes(jatopic::DEFAULT_DICTIONARY).unwrap();
        std::hint::black_box(d);
    }
}
