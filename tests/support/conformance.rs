//! The harness of the kubectl conformance tests: the tests that compare the embedded
//! cluster, or what kdeck leaves on it, with what the real `kubectl` does.
//!
//! Without kubectl they cannot run. libtest can neither show a passing test's output nor
//! mark a test ignored once it has started, so a skip there looked like a pass. Under this
//! harness ([libtest-mimic], which reads the same arguments and prints the same lines) a
//! test whose first statement is [`require_kubectl!`](crate::require_kubectl) is reported
//! `ignored (kubectl is not installed)`, counted in the binary's summary, said again in one
//! line after it, and totalled by `tests/zz_kubectl_skipped.rs`, the last binary
//! `cargo test` runs. With `KDECK_REQUIRE_KUBECTL=1` (`.ci/run` sets it) it fails instead.
//!
//! A file of conformance tests:
//! 1. has `[[test]] name = "FILE" harness = false` in `Cargo.toml`;
//! 2. writes its tests as plain functions (no `#[test]`: without libtest it would remove
//!    them), `#[tokio::main(flavor = "multi_thread", worker_threads = 2)]` in place of
//!    `#[tokio::test(...)]`, each that needs kubectl starting with `require_kubectl!();`;
//! 3. ends with `support::conformance_tests![first_test, second_test, ...];` naming every
//!    test (one left out is dead code, which clippy's `-D warnings` refuses).
//!
//! `require_kubectl!` in a file under the default harness fails when kubectl is missing:
//! such a skip could not be seen, so it is not allowed to pass.
//!
//! [libtest-mimic]: https://docs.rs/libtest-mimic

use std::any::Any;
use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use libtest_mimic::{Arguments, Completion, Failed, Trial};

/// Why a conformance test was skipped, as its `ignored (...)` line says.
pub const SKIP_REASON: &str = "kubectl is not installed";

/// Makes a test binary's `main` run the named test functions under this harness.
#[macro_export]
macro_rules! conformance_tests {
    ($($test:ident),+ $(,)?) => {
        fn main() {
            $crate::support::conformance::run(
                env!("CARGO_CRATE_NAME"),
                &[$((stringify!($test), $test as fn())),+],
            );
        }
    };
}
pub use conformance_tests;

thread_local! {
    /// Whether this thread runs a test under [`run`], which turns a missing kubectl
    /// into a reported skip.
    static UNDER_HARNESS: Cell<bool> = const { Cell::new(false) };
}

/// The payload a test unwinds with when it needs kubectl and it is missing.
struct KubectlMissing;

/// Whether `KDECK_REQUIRE_KUBECTL` asks that a missing kubectl fail the tests (any value
/// but empty or `0`).
pub fn kubectl_required() -> bool {
    std::env::var("KDECK_REQUIRE_KUBECTL").is_ok_and(|v| !v.is_empty() && v != "0")
}

/// What `require_kubectl!` does: returns when kubectl runs; otherwise fails the test when
/// kubectl is required or the file has no harness to report a skip, and else unwinds to
/// [`run`], which reports the test skipped.
pub fn require_kubectl(test: &str) {
    if super::kubectl_available() {
        return;
    }
    assert!(
        !kubectl_required(),
        "{test}: {SKIP_REASON}, and KDECK_REQUIRE_KUBECTL requires it: this test compares \
         with the real kubectl (the README's Tests section says how to get it)"
    );
    assert!(
        UNDER_HARNESS.get(),
        "{test}: {SKIP_REASON}; this file runs under libtest, which would show the skip as \
         a pass: give it the conformance harness (tests/support/conformance.rs says how)"
    );
    // Not a panic: the panic hook would print a failure for what is a skip.
    resume_unwind(Box::new(KubectlMissing));
}

/// Runs `tests` with libtest's arguments and output, reports the skipped ones, and exits
/// with libtest's exit code. `binary` names the test binary in the skip count.
pub fn run(binary: &str, tests: &[(&'static str, fn())]) {
    let args = Arguments::from_args();
    let skipped = Arc::new(AtomicUsize::new(0));
    let trials = tests
        .iter()
        .map(|&(name, test)| {
            let skipped = skipped.clone();
            Trial::ignorable_test(name, move || run_one(test, &skipped))
        })
        .collect();
    let conclusion = libtest_mimic::run(&args, trials);
    if !args.list {
        let skipped = skipped.load(Ordering::Relaxed);
        record_skips(binary, skipped);
        if skipped > 0 {
            println!("{}", skip_line(skipped, &format!("in {binary}")));
        }
    }
    conclusion.exit();
}

/// The line that says how many conformance tests were skipped, `whereabouts` being where.
pub fn skip_line(skipped: usize, whereabouts: &str) -> String {
    let tests = if skipped == 1 { "test" } else { "tests" };
    format!(
        "SKIPPED: {skipped} kubectl conformance {tests} {whereabouts}: {SKIP_REASON} (the \
         README's Tests section says how to get it; KDECK_REQUIRE_KUBECTL=1 makes this a failure)"
    )
}

fn run_one(test: fn(), skipped: &AtomicUsize) -> Result<Completion, Failed> {
    UNDER_HARNESS.set(true);
    let outcome = catch_unwind(AssertUnwindSafe(test));
    UNDER_HARNESS.set(false);
    match outcome {
        Ok(()) => Ok(Completion::Completed),
        Err(payload) if is_kubectl_missing(&*payload) => {
            skipped.fetch_add(1, Ordering::Relaxed);
            Ok(Completion::ignored_with(SKIP_REASON))
        }
        // libtest-mimic reports it as libtest does ("test panicked: ...").
        Err(payload) => resume_unwind(payload),
    }
}

fn is_kubectl_missing(payload: &(dyn Any + Send)) -> bool {
    payload.is::<KubectlMissing>()
}

/// Where each conformance binary leaves its skip count for `tests/zz_kubectl_skipped.rs`.
pub fn skips_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("kubectl-skipped")
}

/// Leaves `skipped` for the binary's name in [`skips_dir`] (a failure to write only costs
/// the total its share: the binary's own line was printed).
fn record_skips(binary: &str, skipped: usize) {
    let dir = skips_dir();
    if std::fs::create_dir_all(&dir).is_ok() {
        let _ = std::fs::write(dir.join(binary), skipped.to_string());
    }
}
