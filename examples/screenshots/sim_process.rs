//! A `kdeck sim` process serving the embedded demo cluster for one shot.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// A running `kdeck sim`, killed when dropped, with its kubeconfig in a scratch directory.
pub struct SimProcess {
    child: Child,
    /// The kubeconfig the sim wrote for itself.
    pub kubeconfig: PathBuf,
}

impl SimProcess {
    /// Starts `kdeck sim` (seed scenario) at `speed` simulated seconds a real second and
    /// waits until it says it wrote its kubeconfig (it serves by then).
    pub fn start(kdeck: &Path, dir: &Path, speed: f64, timeout: Duration) -> Result<Self, String> {
        let kubeconfig = dir.join("kubeconfig.yaml");
        let mut child = Command::new(kdeck)
            .args(["sim", "--scenario", "seed", "--speed", &speed.to_string()])
            .arg("--write-kubeconfig")
            .arg(&kubeconfig)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("cannot start {} sim: {e}", kdeck.display()))?;
        let stdout = child.stdout.take().ok_or("kdeck sim has no stdout")?;
        let (ready_tx, ready_rx) = mpsc::channel();
        // Reads the sim's output to its end, so the pipe never fills.
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if line.starts_with("kubeconfig written to") {
                    let _ = ready_tx.send(());
                }
            }
        });
        let sim = Self { child, kubeconfig };
        ready_rx.recv_timeout(timeout).map_err(|_| {
            format!(
                "kdeck sim did not write {} within {timeout:?}",
                sim.kubeconfig.display()
            )
        })?;
        Ok(sim)
    }
}

impl Drop for SimProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
