//! The container runtime's side of the embedded cluster, what no object records:
//! the lines containers write when something reaches them, and the main processes
//! that clients attach to. Held by the [`Store`](super::store::Store), which every
//! part of the cluster shares.

use super::logs::written::WrittenLines;
use super::shell::main_process::MainShells;

/// What runs in the containers beyond their generated behaviour.
#[derive(Default)]
pub struct ContainerRuntime {
    /// Lines written to container logs on requests (merged into `/log`).
    pub written: WrittenLines,
    /// The shells running as containers' main processes (what attach reaches).
    pub main_shells: MainShells,
}
