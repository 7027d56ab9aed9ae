//! Scenarios the embedded cluster starts with: `seed` (the tutorials), `scale` (benchmarks), `empty`.
