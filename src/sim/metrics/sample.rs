//! One sample of the cluster as metrics-server has it: which pods and nodes it reports at
//! the sample's instant, and what they use ([`usage`](super::usage)).
//!
//! A pod is reported once every container it runs has run [`FRESH_SECS`] (metrics-server
//! needs two scrapes of a container), with its running containers only; a pod running
//! nothing (pending, crash-looping between restarts, finished) has no metrics. A node
//! reports what every running container on it uses, plus its own processes.

use std::collections::HashMap;

use jiff::{SignedDuration, Timestamp};
use serde_json::Value;

use super::usage::{FRESH_SECS, Usage, container_usage, node_overhead, sample_time};
use crate::quantity::Quantity;
use crate::sim::controllers::meta::{name, time_at};
use crate::sim::resources::by_kind;
use crate::sim::store::{Obj, Store};

/// A node's memory when its status does not say (a kind node's).
const DEFAULT_NODE_MEMORY: u64 = 16 * 1024 * 1024 * 1024;

/// The memory a node can give its pods: `status.allocatable.memory`.
pub fn node_memory(node: &Value) -> u64 {
    node["status"]["allocatable"]["memory"]
        .as_str()
        .and_then(Quantity::parse)
        .and_then(|q| u64::try_from(q.value_ceil()).ok())
        .unwrap_or(DEFAULT_NODE_MEMORY)
}

/// What draws a pod's noise: its namespace and name, not its uid, so that a seeded
/// cluster (whose names repeat from run to run, unlike uids) reports the same use.
fn noise_key(pod: &Value) -> String {
    format!(
        "{}/{}",
        pod["metadata"]["namespace"].as_str().unwrap_or_default(),
        name(pod)
    )
}

/// The sample current at the store's "now".
pub struct Sample {
    /// Its instant (the `timestamp` of every metric in it).
    pub at: Timestamp,
    node_memory: HashMap<String, u64>,
}

/// One reported container: its name and what it uses.
pub type ContainerUsage = (String, Usage);

impl Sample {
    /// The sample of `store` at its clock's now.
    pub fn now(store: &Store) -> Self {
        let nodes = by_kind("", "Node").map(|rt| store.list(rt, None).0);
        let node_memory = nodes
            .into_iter()
            .flatten()
            .map(|n| (name(&n).to_owned(), node_memory(&n)))
            .collect();
        Self {
            at: sample_time(store.clock().now()),
            node_memory,
        }
    }

    fn memory_of(&self, pod: &Value) -> u64 {
        pod["spec"]["nodeName"]
            .as_str()
            .and_then(|n| self.node_memory.get(n))
            .copied()
            .unwrap_or(DEFAULT_NODE_MEMORY)
    }

    /// The running containers of `pod` at this sample, with when they started (`None`: a
    /// pod no kubelet runs).
    fn running<'p>(&self, pod: &'p Value) -> Option<Vec<(&'p Value, Timestamp)>> {
        if pod["spec"]["nodeName"].as_str().is_none_or(str::is_empty)
            || matches!(
                pod["status"]["phase"].as_str(),
                Some("Succeeded" | "Failed")
            )
        {
            return None;
        }
        let statuses = pod["status"]["containerStatuses"].as_array()?;
        let specs = pod["spec"]["containers"].as_array()?;
        Some(
            specs
                .iter()
                .filter_map(|spec| {
                    let status = statuses.iter().find(|s| s["name"] == spec["name"])?;
                    let started = time_at(status, "/state/running/startedAt")?;
                    (started <= self.at).then_some((spec, started))
                })
                .collect(),
        )
    }

    /// What each running container of `pod` uses, in the pod's order; `None` when
    /// metrics-server has no metrics of it at this sample.
    pub fn pod(&self, pod: &Value) -> Option<Vec<ContainerUsage>> {
        let running = self.running(pod)?;
        let fresh_before = self.at - SignedDuration::from_secs(FRESH_SECS);
        if running.is_empty() || running.iter().any(|(_, started)| *started > fresh_before) {
            return None;
        }
        let memory = self.memory_of(pod);
        Some(
            running
                .into_iter()
                .map(|(spec, started)| {
                    let name = spec["name"].as_str().unwrap_or_default().to_owned();
                    let usage = container_usage(&noise_key(pod), spec, started, self.at, memory);
                    (name, usage)
                })
                .collect(),
        )
    }

    /// What node `node` uses: every running container on it, and its own processes.
    pub fn node(&self, node: &Value, pods: &[Obj]) -> Usage {
        let node_name = name(node);
        let memory = node_memory(node);
        let containers = pods
            .iter()
            .filter(|p| p["spec"]["nodeName"] == node_name)
            .filter_map(|p| Some((p, self.running(p)?)))
            .flat_map(|(p, running)| {
                running.into_iter().map(move |(spec, started)| {
                    container_usage(&noise_key(p), spec, started, self.at, memory)
                })
            })
            .fold(Usage::default(), |sum, u| sum + u);
        containers + node_overhead(node_name, self.at)
    }
}
