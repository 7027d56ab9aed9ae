//! Helpers every integration test uses: an embedded cluster on its own runtime
//! ([`TestSim`]) with a kube client to set data up through its API, the real `kubectl`
//! pointed at it for the conformance tests ([`conformance`], [`kubectl_port_forward`]),
//! tokens and kubeconfigs ([`credentials`]), a runtime for the test's own side
//! ([`runtime`]), and a polling wait.
//!
//! Use from a test file with `mod support;` and `use support::*;`.
//! Environment:
//! - `KDECK_TEST_SPEED`: simulated seconds per real second (default 20).
//! - `KDECK_TEST_TIMEOUT_SECS`: how long waits may take (default 30).
#![allow(
    dead_code,
    unused_macros,
    unused_imports,
    reason = "each test file uses a different part of the helpers"
)]

use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use kdeck::cli::{ScenarioName, SimArgs};
use kdeck::sim::{Sim, SimOptions};

pub mod conformance;
pub mod credentials;
mod kube_setup;
pub mod kubectl_port_forward;

pub use conformance::conformance_tests;

/// The first statement of a test that compares with the real `kubectl`: returns when
/// kubectl runs; when it does not, the test is reported skipped under the conformance
/// harness and fails anywhere else, or when `KDECK_REQUIRE_KUBECTL=1` (see
/// [`conformance`]).
#[macro_export]
macro_rules! require_kubectl {
    () => {
        $crate::support::conformance::require_kubectl(module_path!())
    };
}
pub use require_kubectl;

/// Whether the real `kubectl` binary can be run (asked once per test binary).
pub fn kubectl_available() -> bool {
    static AVAILABLE: OnceLock<bool> = OnceLock::new();
    *AVAILABLE.get_or_init(|| {
        Command::new("kubectl")
            .args(["version", "--client"])
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

/// The timeout for waits: `KDECK_TEST_TIMEOUT_SECS` (default 30 seconds).
pub fn test_timeout() -> Duration {
    let secs = std::env::var("KDECK_TEST_TIMEOUT_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(30);
    Duration::from_secs(secs)
}

/// The simulated clock speed for tests: `KDECK_TEST_SPEED` (default 20).
pub fn test_speed() -> f64 {
    std::env::var("KDECK_TEST_SPEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20.0)
}

/// Polls `cond` every 50 ms until it holds; panics with `what` after `timeout`.
pub fn wait_until(timeout: Duration, what: &str, mut cond: impl FnMut() -> bool) {
    let start = Instant::now();
    while !cond() {
        assert!(
            start.elapsed() < timeout,
            "timed out after {timeout:?} waiting for: {what}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Async form of [`wait_until`] for `#[tokio::test]`s.
pub async fn wait_until_async<F, Fut>(timeout: Duration, what: &str, mut cond: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let start = Instant::now();
    while !cond().await {
        assert!(
            start.elapsed() < timeout,
            "timed out after {timeout:?} waiting for: {what}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A runtime of two worker threads (the machine's share), timers and I/O on.
fn two_workers() -> tokio::runtime::Builder {
    let mut builder = tokio::runtime::Builder::new_multi_thread();
    builder.worker_threads(2).enable_all();
    builder
}

/// A runtime of its own for the test's side (an `AppDriver`, a kdeck client), apart from
/// the cluster's, so that neither waits for the other's threads.
pub fn runtime() -> tokio::runtime::Runtime {
    two_workers().build().expect("a tokio runtime")
}

/// An embedded cluster running on its own multi-threaded runtime, so that tests
/// may block (run kubectl, sleep) without stalling the server. Derefs to [`Sim`];
/// dropping it stops the cluster.
pub struct TestSim {
    sim: Option<Sim>,
    /// The admin's client, for setting data up through the API (see `kube_setup`).
    client: kube::Client,
    runtime: Option<tokio::runtime::Runtime>,
    dir: tempfile::TempDir,
    kubeconfig: PathBuf,
}

impl TestSim {
    /// The `seed` scenario at `KDECK_TEST_SPEED`.
    pub fn start() -> Self {
        Self::with_options(SimOptions {
            args: SimArgs {
                scenario: ScenarioName::Seed,
                speed: test_speed(),
                ..SimArgs::default()
            },
            manual_clock: false,
        })
    }

    /// The `empty` scenario (system namespaces and nodes only) at `KDECK_TEST_SPEED`.
    pub fn empty() -> Self {
        Self::with_options(SimOptions {
            args: SimArgs {
                scenario: ScenarioName::Empty,
                speed: test_speed(),
                ..SimArgs::default()
            },
            manual_clock: false,
        })
    }

    /// The `seed` scenario at `KDECK_TEST_SPEED`, standing for Kubernetes `release` (`--server-version`).
    pub fn release(release: &str) -> Self {
        Self::with_options(SimOptions {
            args: SimArgs {
                scenario: ScenarioName::Seed,
                speed: test_speed(),
                server_version: release.parse().expect("a release the sim can stand for"),
                ..SimArgs::default()
            },
            manual_clock: false,
        })
    }

    /// The `empty` scenario with a manual clock (time moves only by `clock().advance`).
    pub fn manual() -> Self {
        Self::with_options(SimOptions {
            args: SimArgs {
                scenario: ScenarioName::Empty,
                ..SimArgs::default()
            },
            manual_clock: true,
        })
    }

    /// Any options; the kubeconfig is written to a temporary directory.
    pub fn with_options(opts: SimOptions) -> Self {
        // Built on a plain thread: a runtime cannot be started from inside another.
        let (runtime, sim, client) = std::thread::spawn(move || {
            let runtime = two_workers()
                .thread_name("test-sim")
                .build()
                .expect("cannot build the test cluster's runtime");
            let sim = runtime
                .block_on(Sim::start(opts))
                .expect("cannot start the embedded cluster");
            let client = runtime
                .block_on(sim.client())
                .expect("a client for the embedded cluster");
            (runtime, sim, client)
        })
        .join()
        .expect("the thread starting the embedded cluster panicked");
        let dir = tempfile::tempdir().expect("cannot create a temporary directory");
        let kubeconfig = dir.path().join("kubeconfig");
        sim.write_kubeconfig(&kubeconfig)
            .expect("cannot write the kubeconfig");
        Self {
            sim: Some(sim),
            client,
            runtime: Some(runtime),
            dir,
            kubeconfig,
        }
    }

    /// Stops the API server as its process would stop (connections cut, port closed); the
    /// controllers and the objects stay.
    pub fn stop_api_server(&mut self) {
        let (Some(sim), Some(runtime)) = (self.sim.as_mut(), self.runtime.as_ref()) else {
            panic!("the embedded cluster is running");
        };
        runtime.block_on(sim.stop_api_server());
    }

    /// Serves the API again on the same port after [`TestSim::stop_api_server`].
    pub fn start_api_server(&mut self) {
        let (Some(sim), Some(runtime)) = (self.sim.as_mut(), self.runtime.as_ref()) else {
            panic!("the embedded cluster is running");
        };
        runtime
            .block_on(sim.start_api_server())
            .expect("the API server serves again on its port");
    }

    /// The kubeconfig file (contexts `kdeck-sim`, current, and `kdeck-sim-viewer`).
    pub fn kubeconfig_path(&self) -> &Path {
        &self.kubeconfig
    }

    /// A scratch directory that lives as long as the cluster (for manifests).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `contents` to a file in [`TestSim::dir`] and returns its path.
    pub fn write_file(&self, name: &str, contents: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, contents).expect("cannot write a test file");
        path
    }

    /// Waits until the controllers have settled on everything that happened before this
    /// call (a whole settling began after it and ended): then what they would do about it
    /// is in the store, and a test may assert that something did not happen.
    pub fn wait_controllers_settled(&self) {
        let now = self.controllers_settled();
        wait_until(test_timeout(), "the controllers to settle", || {
            self.controllers_settled() >= now + 2
        });
    }

    /// Runs the real kubectl with `--kubeconfig` of this cluster (admin) and returns its output.
    pub fn kubectl(&self, args: &[&str]) -> Output {
        Command::new("kubectl")
            .arg("--kubeconfig")
            .arg(&self.kubeconfig)
            .arg(format!("--request-timeout={}s", test_timeout().as_secs()))
            .args(args)
            .output()
            .expect("cannot run kubectl")
    }

    /// Runs kubectl as the read-only `viewer`.
    pub fn kubectl_viewer(&self, args: &[&str]) -> Output {
        let mut all = vec!["--context", "kdeck-sim-viewer"];
        all.extend_from_slice(args);
        self.kubectl(&all)
    }

    /// Runs kubectl, asserts it succeeded and returns its standard output.
    pub fn kubectl_ok(&self, args: &[&str]) -> String {
        let out = self.kubectl(args);
        assert!(
            out.status.success(),
            "kubectl {} failed ({}):\nstdout: {}\nstderr: {}",
            args.join(" "),
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Runs kubectl, asserts it failed and returns its standard error.
    pub fn kubectl_err(&self, args: &[&str]) -> String {
        let out = self.kubectl(args);
        assert!(
            !out.status.success(),
            "kubectl {} should have failed but printed:\n{}",
            args.join(" "),
            String::from_utf8_lossy(&out.stdout)
        );
        String::from_utf8_lossy(&out.stderr).into_owned()
    }

    /// Runs a future on the cluster's runtime, e.g. `sim.block_on(sim.client())` in a
    /// plain `#[test]`. Not from inside an async test: `.await` the future there.
    pub fn block_on<F: std::future::Future>(&self, f: F) -> F::Output {
        self.runtime
            .as_ref()
            .expect("the runtime lives as long as the TestSim")
            .block_on(f)
    }
}

impl Deref for TestSim {
    type Target = Sim;

    fn deref(&self) -> &Sim {
        self.sim
            .as_ref()
            .expect("the cluster lives as long as the TestSim")
    }
}

impl Drop for TestSim {
    fn drop(&mut self) {
        drop(self.sim.take());
        if let Some(rt) = self.runtime.take() {
            // Allowed from inside another runtime, unlike dropping it.
            rt.shutdown_background();
        }
    }
}

/// Standard output of a finished command as text.
pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Standard error of a finished command as text.
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}
