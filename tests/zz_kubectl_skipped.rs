//! The last test binary `cargo test` runs (binaries run by name, and the library has no
//! doc tests): it adds up the kubectl conformance tests the other binaries skipped
//! because kubectl is not installed, and says so in the last line of the run. Each
//! conformance binary leaves its count in `support::conformance::skips_dir()`; the
//! counts are removed once said, so a later run says only its own.

mod support;

use support::conformance::{skip_line, skips_dir};

fn main() {
    // `cargo test -- --list` asks every binary for its tests: this one has none.
    if std::env::args().any(|a| a == "--list") {
        println!("0 tests, 0 benchmarks");
        return;
    }
    let dir = skips_dir();
    let mut total = 0;
    let mut binaries = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .flatten()
        .collect();
    entries.sort_by_key(std::fs::DirEntry::file_name);
    for entry in entries {
        let skipped: usize = std::fs::read_to_string(entry.path())
            .ok()
            .and_then(|text| text.trim().parse().ok())
            .unwrap_or(0);
        let _ = std::fs::remove_file(entry.path());
        if skipped > 0 {
            total += skipped;
            binaries.push(format!("{} {skipped}", entry.file_name().to_string_lossy()));
        }
    }
    if total > 0 {
        println!(
            "\n{}",
            skip_line(total, &format!("in all ({})", binaries.join(", ")))
        );
    }
}
