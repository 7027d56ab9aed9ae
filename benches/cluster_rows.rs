//! Pod -> row conversion: time per pod and bytes per row.
//!
//! `cargo bench --bench cluster_rows` (plain harness: no extra crate). Prints the
//! mean conversion time over 50,000 realistic pods and what one row costs.

use std::hint::black_box;
use std::time::Instant;

use kdeck::cluster::rows::ToRow as _;
use kdeck::cluster::rows::lean::pod::Pod;
use kdeck::cluster::rows::row_bytes::{row_bytes, sample_pod_json};

const PODS: usize = 50_000;

fn main() {
    let pods: Vec<Pod> = (0..PODS)
        .map(|i| serde_json::from_value(sample_pod_json(i)).expect("sample pod parses"))
        .collect();
    let object_json: usize = (0..100)
        .map(|i| sample_pod_json(i).to_string().len())
        .sum::<usize>()
        / 100;
    // Warm up, then measure three rounds and keep the best.
    let mut best = f64::MAX;
    let mut rows = Vec::new();
    for _ in 0..4 {
        // The watch path consumes each decoded object: copy them outside the timing.
        let batch = pods.clone();
        let start = Instant::now();
        rows = batch
            .into_iter()
            .map(|p| black_box(p.into_row()))
            .collect::<Vec<_>>();
        let per_pod = start.elapsed().as_nanos() as f64 / PODS as f64;
        best = best.min(per_pod);
    }
    let total: usize = rows.iter().map(row_bytes).sum();
    println!("pod -> row: {best:.0} ns per pod (best of 4 rounds over {PODS} pods)");
    println!(
        "pod row: {} bytes on average ({:.1} MiB for {PODS} pods); the object's JSON is {object_json} bytes",
        total / PODS,
        total as f64 / (1024.0 * 1024.0)
    );
}
