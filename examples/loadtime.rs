fn main() {
    let args: Vec<String> = std::env::args().collect();
    let f = std::fs::read(&args[1]).unwrap();
    let t = std::time::Instant::now();
    let mut out = Vec::new();
    if args[1].ends_with(".lzma") {
        lzma_rs::lzma_decompress(&mut &f[..], &mut out).unwrap();
    } else {
        let s = u32::from_le_bytes(f[15..19].try_into().unwrap()) as usize;
        lzma_rs::xz_decompress(&mut &f[31 + s..], &mut out).unwrap();
    }
    let t1 = t.elapsed();
    println!("decode {:?} ({} bytes)", t1, out.len());
    if !args[1].ends_with(".lzma") {
        let t = std::time::Instant::now();
        let d = jatopic::Dictionary::from_bytes(&f).unwrap();
        println!("decode+parse {:?} {}", t.elapsed(), d.entry_count());
    }
}
