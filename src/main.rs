//! The `kdeck` binary: everything lives in the library so tests can use it.

#[cfg(feature = "dhat-heap")]
#[global_allocator]
static ALLOCATOR: dhat::Alloc = dhat::Alloc;

#[cfg(all(feature = "alloc-jemalloc", not(feature = "dhat-heap")))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

#[cfg(all(
    feature = "alloc-mimalloc",
    not(any(feature = "dhat-heap", feature = "alloc-jemalloc"))
))]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    // Written to dhat-heap.json when it is dropped, as kdeck quits.
    #[cfg(feature = "dhat-heap")]
    let _profiler = dhat::Profiler::new_heap();
    kdeck::main_entry()
}
