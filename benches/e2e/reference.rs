//! The reference a user compares with: `kubectl get pods -A` (its table, as printed),
//! timed to its first line and to its end.

use std::io::{BufRead as _, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// One `kubectl get pods -A`: when its first line came, when it ended, how many lines.
#[derive(Debug, Clone, Copy)]
pub struct KubectlRun {
    pub first_line: Duration,
    pub complete: Duration,
    pub lines: usize,
}

/// `kubectl get pods -A` against `kubeconfig`, read line by line as it prints (it prints
/// each page of 500 as it comes); `None` without kubectl.
pub fn kubectl_get_pods(kubeconfig: &Path) -> Option<KubectlRun> {
    let start = Instant::now();
    let mut child = Command::new("kubectl")
        .arg("--kubeconfig")
        .arg(kubeconfig)
        .args(["get", "pods", "-A"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let stdout = child.stdout.take()?;
    let mut first_line = None;
    let mut lines: usize = 0;
    for line in BufReader::new(stdout).lines() {
        if line.is_err() {
            break;
        }
        lines += 1;
        // The header line is printed with the first page's rows.
        first_line.get_or_insert_with(|| start.elapsed());
    }
    let status = child.wait().ok()?;
    let complete = start.elapsed();
    status.success().then_some(KubectlRun {
        first_line: first_line.unwrap_or(complete),
        complete,
        lines: lines.saturating_sub(1),
    })
}
