//! `kdeck --demo`: the embedded cluster started in-process, reached over HTTP through a
//! kubeconfig like any other cluster (the dashboard never calls into `sim` otherwise).

use std::path::PathBuf;

use crate::cli::DashboardArgs;
#[cfg(feature = "sim")]
use crate::cli::SimArgs;
#[cfg(feature = "sim")]
use crate::sim::{Sim, SimOptions};

/// Keeps the embedded cluster running while held; removes its kubeconfig when dropped.
pub struct Demo {
    #[cfg(feature = "sim")]
    _sim: Sim,
    dir: PathBuf,
}

impl Drop for Demo {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Starts the embedded cluster (seed scenario) and points `args` at its kubeconfig.
#[cfg(not(feature = "sim"))]
#[expect(
    clippy::unused_async,
    reason = "the same signature as with the embedded cluster"
)]
pub async fn start(_args: &mut DashboardArgs) -> anyhow::Result<Demo> {
    anyhow::bail!(
        "--demo: this kdeck was built without the embedded cluster (--no-default-features)"
    )
}

/// Starts the embedded cluster (seed scenario) and points `args` at its kubeconfig.
#[cfg(feature = "sim")]
pub async fn start(args: &mut DashboardArgs) -> anyhow::Result<Demo> {
    let sim = Sim::start(SimOptions {
        args: SimArgs::default(),
        manual_clock: false,
    })
    .await
    .map_err(|e| anyhow::anyhow!("cannot start the embedded demo cluster: {e:#}"))?;
    let dir = std::env::temp_dir().join(format!("kdeck-demo-{}", std::process::id()));
    let kubeconfig = dir.join("kubeconfig");
    sim.write_kubeconfig(&kubeconfig)?;
    args.kubeconfig = Some(kubeconfig);
    args.context = None;
    Ok(Demo { _sim: sim, dir })
}
