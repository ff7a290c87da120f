//! The hot paths allocate nothing per call (issue 6: "no allocation in the hot path"):
//! the string similarities on name-length input, and the compare stage of a batch
//! resolution for each candidate pair. This test binary counts every allocation of every
//! thread with its own global allocator, so it runs alone in its own process and nothing
//! else in the suite pays for the counting.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::fs::File;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use customer360::adapters::csv::{read_records, CsvOptions};
use customer360::compare::similarity::{
    jaro, jaro_winkler, jaro_winkler_from, osa_distance, within_one_edit, STACK_LIMIT,
};
use customer360::{Resolver, Stage, StageObserver};

/// The system allocator, counting allocations (and reallocations, which may move).
struct Counting;

/// Allocations on every thread.
static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    /// Allocations on this thread (a `const` thread-local without a destructor: reading and
    /// writing it allocates nothing).
    static THREAD_ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

fn count() {
    ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
    // Not there while a thread is being torn down; nothing of interest allocates then.
    let _ = THREAD_ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
}

// SAFETY: every call is forwarded unchanged to `System`, which upholds `GlobalAlloc`'s
// contract; counting touches only an atomic and a `const` thread-local, and allocates
// nothing. The crate itself denies `unsafe`; a counting allocator cannot be written without
// it, and this one lives only in this test binary.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count();
        // SAFETY: forwarded with the caller's layout.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count();
        // SAFETY: forwarded with the caller's layout.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count();
        // SAFETY: forwarded with the caller's pointer, layout and size.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded with the caller's pointer and layout.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static COUNTING: Counting = Counting;

/// The tests of this binary run one at a time: the counter is shared by every thread.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// Allocations so far on every thread (the test harness's own threads included).
fn allocations() -> usize {
    ALLOCATIONS.load(Ordering::Relaxed)
}

/// Allocations so far on this thread.
fn thread_allocations() -> usize {
    THREAD_ALLOCATIONS.with(Cell::get)
}

/// [`STACK_LIMIT`] bytes: longer values are documented to use the heap.
const LONGEST: &str = "wolfeschlegelsteinhausenbergerdorffvoralternwarengewissenhaftsch";

#[test]
fn similarities_of_name_length_strings_allocate_nothing() {
    assert_eq!(LONGEST.len(), STACK_LIMIT);
    let _alone = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let pairs: [(&str, &str); 6] = [
        ("jonathan", "johnathan"),
        ("smith", "smyth"),
        ("mohammad", "muhammed"),
        ("", "a"),
        ("a", ""),
        // The longest values the stack buffers take, one edit apart.
        (LONGEST, &LONGEST[1..]),
    ];
    let mut total = 0.0;
    // This thread's own: the harness may be reporting another test meanwhile.
    let before = thread_allocations();
    for _ in 0..100 {
        for (a, b) in pairs {
            let (a, b) = (a.as_bytes(), b.as_bytes());
            total += jaro(a, b) + jaro_winkler(a, b) + jaro_winkler_from(a, b, 0.8);
            total += f64::from(u8::from(within_one_edit(a, b))) + osa_distance(a, b) as f64;
        }
    }
    let made = thread_allocations() - before;
    assert!(total > 0.0);
    assert_eq!(made, 0, "600 similarity calls allocated {made} times");
}

/// Counts the allocations made between the start of the compare stage and the start of
/// the next one.
#[derive(Default)]
struct CompareStage {
    at_start: Option<usize>,
    made: Option<usize>,
}

impl StageObserver for CompareStage {
    fn stage_started(&mut self, stage: Stage) {
        match (stage, self.at_start) {
            (Stage::Compare, _) => self.at_start = Some(allocations()),
            (_, Some(start)) if self.made.is_none() => self.made = Some(allocations() - start),
            _ => {}
        }
    }
}

#[test]
fn the_compare_stage_allocates_nothing_per_candidate_pair() {
    let _alone = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/febrl/dataset3.csv");
    let records: Vec<_> = read_records(File::open(path).unwrap(), &CsvOptions::new("febrl3"))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let resolver = Resolver::builder().build().unwrap();
    // The stage allocates its output and a few vectors for each fixed-size chunk of pairs
    // (their pattern tables), however many threads share the chunks: on two and on eight.
    for threads in [2, 8] {
        let mut stage = CompareStage::default();
        let resolution = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| resolver.resolve_iter_observed(records.clone(), &mut stage))
            .unwrap();
        let pairs = resolution.blocking().candidate_pairs;
        let made = stage.made.expect("the compare stage ran and ended");
        assert!(pairs > 5_000, "FEBRL 3 gives {pairs} candidate pairs");
        assert!(
            made * 50 < pairs,
            "on {threads} threads the compare stage allocated {made} times for {pairs} \
             candidate pairs: something allocates for each pair"
        );
    }
}
