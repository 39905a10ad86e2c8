//! Peak memory of reading and analysing a 5 MB payload, counted by a
//! wrapping allocator: the payload itself plus everything parsing and
//! analysis allocate must stay within 3× its size.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

struct Counting;
static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let now = CURRENT.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK.fetch_max(now, Ordering::Relaxed);
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

#[test]
fn a_5_mb_payload_takes_at_most_three_times_its_size() {
    let dictionary = onramp_ping::Dictionary::shipped();
    let text = onramp_ping::generate::payload(&dictionary, "17.2", 5_000_000, 7);
    let size = text.len();
    // Start counting with only the payload text held (as if just read from disk).
    let before = CURRENT.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let payload = onramp_ping::Payload::parse(text.as_bytes(), &dictionary).expect("payload");
    let analysis = onramp_ping::analyze("big", &payload, &dictionary, false);
    let peak = PEAK.load(Ordering::Relaxed) - before + size;
    assert!(analysis.infrastructure.contains_key("topology.nodes"));
    assert!(
        peak <= 3 * size,
        "peak {peak} bytes for a payload of {size} bytes ({:.2}×)",
        peak as f64 / size as f64
    );
    eprintln!("peak {:.2}× the payload size", peak as f64 / size as f64);
}
