//! The container runtime's side of the embedded cluster, what no object records:
//! the lines containers write when something reaches them, and the main processes
//! that clients attach to. Held by the [`Store`](super::store::Store), which every
//! part of the cluster shares.

use std::collections::HashMap;
use std::sync::Mutex;

use super::logs::written::WrittenLines;
use super::shell::main_process::MainShells;

/// What runs in the containers beyond their generated behaviour.
#[derive(Default)]
pub struct ContainerRuntime {
    /// Lines written to container logs on requests (merged into `/log`).
    pub written: WrittenLines,
    /// The shells running as containers' main processes (what attach reaches).
    pub main_shells: MainShells,
    /// Where each Service's next connection goes (see [`ContainerRuntime::next_endpoint`]).
    rotations: Mutex<HashMap<String, usize>>,
}

impl ContainerRuntime {
    /// Which of a Service's `count` ready endpoints takes its next connection: in turn,
    /// as kube-proxy's IPVS mode balances (round robin), from a random first one. (Its
    /// iptables mode picks at random; in turn, three requests reach three pods.)
    pub fn next_endpoint(&self, service: &str, count: usize) -> usize {
        if count == 0 {
            return 0;
        }
        let mut rotations = self
            .rotations
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let next = rotations
            .entry(service.to_string())
            .or_insert_with(|| fastrand::usize(..count));
        let chosen = *next % count;
        *next = chosen + 1;
        chosen
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_services_connections_go_round_its_endpoints() {
        let runtime = ContainerRuntime::default();
        let turns: Vec<usize> = (0..6)
            .map(|_| runtime.next_endpoint("default/web", 3))
            .collect();
        let first = turns[0];
        let expected: Vec<usize> = (0..6).map(|i| (first + i) % 3).collect();
        assert_eq!(turns, expected);
        // Fewer endpoints than before: still one of them.
        assert!(runtime.next_endpoint("default/web", 1) == 0);
        assert_eq!(runtime.next_endpoint("default/none", 0), 0);
    }
}
