//! The container runtime's side of the embedded cluster, what no object records:
//! the lines containers write when something reaches them, and the main processes
//! that clients attach to. Held by the [`Store`](super::store::Store), which every
//! part of the cluster shares.

use std::collections::HashMap;
use std::sync::Mutex;

use jiff::{SignedDuration, Timestamp};

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
    /// Which pod each client of a Service with ClientIP affinity sticks to, and when it
    /// last connected (see [`ContainerRuntime::sticky_endpoint`]).
    affinities: Mutex<HashMap<(String, String), (String, Timestamp)>>,
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

    /// Which of `pods` (a Service's ready endpoints, by pod name) takes a connection
    /// from `client` (its IP) under ClientIP session affinity: the pod it reached last,
    /// while that pod is still an endpoint and less than `timeout` has passed since
    /// then (kube-proxy's `recent` match, renewed by each connection), else the next in
    /// turn, which it then sticks to.
    pub fn sticky_endpoint(
        &self,
        service: &str,
        client: &str,
        pods: &[String],
        now: Timestamp,
        timeout: SignedDuration,
    ) -> usize {
        let key = (service.to_string(), client.to_string());
        let kept = {
            let affinities = self
                .affinities
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            affinities.get(&key).and_then(|(pod, last)| {
                let fresh = now.duration_since(*last) <= timeout;
                fresh.then(|| pods.iter().position(|p| p == pod)).flatten()
            })
        };
        let chosen = kept.unwrap_or_else(|| self.next_endpoint(service, pods.len()));
        if let Some(pod) = pods.get(chosen) {
            self.affinities
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .insert(key, (pod.clone(), now));
        }
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

    #[test]
    fn a_client_sticks_to_its_pod_until_the_timeout_or_the_pod_goes() {
        let runtime = ContainerRuntime::default();
        let pods: Vec<String> = ["a", "b", "c"].map(String::from).to_vec();
        let t0 = Timestamp::UNIX_EPOCH;
        let hour = SignedDuration::from_hours(1);
        let pick = |client: &str, pods: &[String], at: Timestamp| {
            let i = runtime.sticky_endpoint("default/web", client, pods, at, hour);
            pods[i].clone()
        };
        let first = pick("10.0.0.1", &pods, t0);
        for minutes in [1, 30, 89] {
            // Each connection renews the hour.
            let at = t0 + SignedDuration::from_mins(minutes);
            assert_eq!(pick("10.0.0.1", &pods, at), first);
        }
        // Another client goes on in turn, not to the same pod.
        assert_ne!(pick("10.0.0.2", &pods, t0), first);
        // More than the timeout after its last connection: the next in turn.
        let late = t0 + SignedDuration::from_mins(89) + hour + SignedDuration::from_secs(1);
        assert_ne!(pick("10.0.0.1", &pods, late), first);
        // Its pod gone: another one, kept from then on.
        let again = pick("10.0.0.1", &pods, late);
        let rest: Vec<String> = pods.iter().filter(|p| **p != again).cloned().collect();
        let moved = pick("10.0.0.1", &rest, late);
        assert_ne!(moved, again);
        assert_eq!(pick("10.0.0.1", &rest, late), moved);
    }
}
