//! Writes synthetic payloads for benchmarks:
//!   cargo run --release -p onramp-ping --example generate -- OUT_DIR COUNT SIZE_BYTES [EE_TSV]
fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 4 {
        eprintln!("usage: generate OUT_DIR COUNT SIZE_BYTES [metrics_ee.tsv]");
        std::process::exit(2);
    }
    let out = std::path::Path::new(&args[1]);
    let count: u64 = args[2].parse().unwrap_or(10);
    let size: usize = args[3].parse().unwrap_or(200_000);
    let mut d = onramp_ping::Dictionary::shipped();
    if let Some(ee) = args.get(4)
        && let Ok(text) = std::fs::read_to_string(ee)
    {
        let _ = d.add_tsv(ee, &text);
    }
    if let Err(e) = std::fs::create_dir_all(out) {
        eprintln!("{}: {e}", out.display());
        std::process::exit(1);
    }
    for n in 0..count {
        let text = onramp_ping::generate::payload(&d, "17.2", size, n);
        let path = out.join(format!("payload-{n:04}.json"));
        if let Err(e) = std::fs::write(&path, text) {
            eprintln!("{}: {e}", path.display());
            std::process::exit(1);
        }
    }
}
