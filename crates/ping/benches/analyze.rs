//! Parse + analyse throughput over generated payloads.
//!   cargo bench -p onramp-ping --bench analyze
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use onramp_ping::{Dictionary, Payload, analyze};

fn bench(c: &mut Criterion) {
    let d = Dictionary::shipped();
    let payloads: Vec<String> = (0..8)
        .map(|n| onramp_ping::generate::payload(&d, "17.2", 300_000, n))
        .collect();
    let bytes: usize = payloads.iter().map(String::len).sum();
    let big = onramp_ping::generate::payload(&d, "17.2", 5_000_000, 99);
    let mut group = c.benchmark_group("ping");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("parse_and_analyze_8x300KB", |b| {
        b.iter(|| {
            for p in &payloads {
                let parsed = Payload::parse(p.as_bytes(), &d).expect("payload");
                std::hint::black_box(analyze("bench", &parsed, &d, false));
            }
        })
    });
    group.throughput(Throughput::Bytes(big.len() as u64));
    group.bench_function("parse_and_analyze_5MB", |b| {
        b.iter(|| {
            let parsed = Payload::parse(big.as_bytes(), &d).expect("payload");
            std::hint::black_box(analyze("bench", &parsed, &d, false));
        })
    });
    group.finish();
}

criterion_group!(ping, bench);
criterion_main!(ping);
