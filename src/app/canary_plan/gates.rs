//! The health gates read from the rows the watches keep (no polling): the plan's new and
//! old pods found through the rollout cache, the pods gate (restarts above the step's
//! start, CrashLoopBackOff, image pull failures, OOMKilled; during a hold also any new pod
//! not ready) and the events gate (Warning events on the new pods or their ReplicaSet
//! since the hold began). The log and command gates keep their own state
//! ([`super::log_gate`], [`super::command_gate`]), the memory gate reads the metrics
//! polled ([`super::memory_gate`]); [`GateReport`] gathers all five.

use std::fmt;

use jiff::Timestamp;

use crate::app::rollout::RolloutCache;
use crate::app::rows::Stores;
use crate::cluster::ops::canary::plan_annotation::{PlanPhase, PlanRecord};
use crate::cluster::{DeploymentRow, Detail, Kind, PodRow, ReplicaSetRow, Row};

/// Pod states that fail the pods gate whenever they are seen.
const FAILING_STATES: [&str; 5] = [
    "CrashLoopBackOff",
    "ImagePullBackOff",
    "ErrImagePull",
    "OOMKilled",
    "Error",
];

/// Which gate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    /// The new pods' readiness, restarts and failure states.
    Pods,
    /// Warning events on the new pods and their ReplicaSet.
    Events,
    /// The rate of matching log lines, new pods against old.
    Logs,
    /// The new pods' memory against the old pods'.
    Memory,
    /// The user's command.
    Command,
    /// A step's new pods took too long to be ready.
    Timeout,
}

impl fmt::Display for Gate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Pods => "pods",
            Self::Events => "events",
            Self::Logs => "logs",
            Self::Memory => "memory",
            Self::Command => "command",
            Self::Timeout => "timeout",
        })
    }
}

/// A gate that failed, with what it saw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GateFailure {
    /// Which gate.
    pub gate: Gate,
    /// One line saying what failed (naming the pod, event or command).
    pub summary: String,
    /// The evidence: the event's message, the log lines, the command's output.
    pub evidence: Vec<String>,
}

/// What one gate says now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GateState {
    /// Not checked by this plan (or not in this phase).
    Off,
    /// Checked, and nothing wrong: what it saw.
    Passing(String),
    /// Not decided yet (the command runs, no sample yet).
    Waiting(String),
    /// Asked for by the plan but not possible on this cluster: why (never fails).
    Unavailable(String),
    /// Failed.
    Failed(GateFailure),
}

/// The five gates of a plan, as last evaluated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GateReport {
    /// Pods (and, while scaling, the step's timeout).
    pub pods: GateState,
    /// Events.
    pub events: GateState,
    /// Logs.
    pub logs: GateState,
    /// Memory.
    pub memory: GateState,
    /// Command.
    pub command: GateState,
}

impl Default for GateReport {
    fn default() -> Self {
        Self {
            pods: GateState::Off,
            events: GateState::Off,
            logs: GateState::Off,
            memory: GateState::Off,
            command: GateState::Off,
        }
    }
}

impl GateReport {
    /// The first failed gate, if any.
    pub fn failure(&self) -> Option<&GateFailure> {
        [
            &self.pods,
            &self.events,
            &self.logs,
            &self.memory,
            &self.command,
        ]
        .into_iter()
        .find_map(|g| match g {
            GateState::Failed(f) => Some(f),
            _ => None,
        })
    }
}

/// The rows a plan is judged on.
#[derive(Debug, Default)]
pub struct PlanRows<'a> {
    /// The Deployment.
    pub deployment: Option<&'a DeploymentRow>,
    /// The ReplicaSet running the canary's template, once the controller made it.
    pub new_rs: Option<&'a Row>,
    /// Its pods.
    pub new_pods: Vec<&'a Row>,
    /// Their slots in the pods' store.
    pub new_pod_slots: Vec<usize>,
    /// The pods of the older ReplicaSets.
    pub old_pods: Vec<&'a Row>,
    /// Their slots in the pods' store.
    pub old_pod_slots: Vec<usize>,
    /// Events of the Deployment, its ReplicaSets and pods, newest first.
    pub events: Vec<&'a Row>,
}

fn replica_set(row: &Row) -> Option<&ReplicaSetRow> {
    match &row.detail {
        Detail::ReplicaSet(r) => Some(r),
        _ => None,
    }
}

fn pod(row: &Row) -> Option<&PodRow> {
    match &row.detail {
        Detail::Pod(p) => Some(p),
        _ => None,
    }
}

impl<'a> PlanRows<'a> {
    /// The rows of the Deployment `cache` was computed for, the canary running `image`.
    /// The new ReplicaSet is the current one once the controller has seen the canary's
    /// template (so the old one is never taken for it).
    pub fn of(stores: &'a Stores, cache: &RolloutCache, image: &str) -> Self {
        let deployment = cache
            .deployment
            .and_then(|s| stores.of(Kind::Deployment).get(s))
            .and_then(|r| match &r.detail {
                Detail::Deployment(d) => Some(&**d),
                _ => None,
            });
        let observed = deployment.is_some_and(|d| d.observed_generation >= d.generation);
        let replica_sets = stores.of(Kind::ReplicaSet);
        let new_index = cache.current.filter(|i| {
            observed
                && cache
                    .replica_sets
                    .get(*i)
                    .and_then(|s| replica_sets.get(*s))
                    .and_then(replica_set)
                    .is_some_and(|rs| rs.images.iter().any(|i| i == image))
        });
        let pods = stores.of(Kind::Pod);
        let mut rows = Self {
            deployment,
            new_rs: new_index
                .and_then(|i| cache.replica_sets.get(i))
                .and_then(|s| replica_sets.get(*s)),
            ..Self::default()
        };
        for (i, group) in cache.pods_by_rs.iter().enumerate() {
            let group = group
                .iter()
                .filter_map(|s| pods.get(*s).map(|p| (*s, p)))
                .filter(|(_, p)| !p.meta.deleting);
            let (rows_of, slots_of) = if Some(i) == new_index {
                (&mut rows.new_pods, &mut rows.new_pod_slots)
            } else {
                (&mut rows.old_pods, &mut rows.old_pod_slots)
            };
            for (slot, pod) in group {
                rows_of.push(pod);
                slots_of.push(slot);
            }
        }
        let events = stores.of(Kind::Event);
        rows.events = cache.events.iter().filter_map(|s| events.get(*s)).collect();
        rows
    }

    /// Ready pods of the new ReplicaSet.
    pub fn new_ready(&self) -> i32 {
        self.new_rs.and_then(replica_set).map_or(0, |r| r.ready)
    }

    /// Each new pod's restart count.
    pub fn restarts(&self) -> impl Iterator<Item = (String, u32)> + '_ {
        self.new_pods
            .iter()
            .filter_map(|r| pod(r).map(|p| (r.meta.name.clone(), p.restarts)))
    }
}

/// The pods gate: while scaling only failures count; during a hold every new pod must
/// be ready.
pub fn pods_gate(record: &PlanRecord, rows: &PlanRows<'_>) -> GateState {
    let holding = record.phase == PlanPhase::Holding;
    for row in &rows.new_pods {
        let Some(p) = pod(row) else { continue };
        let name = &row.meta.name;
        let baseline = record.restart_baseline.get(name).copied().unwrap_or(0);
        if p.restarts > baseline {
            return failed(
                Gate::Pods,
                format!(
                    "pod {name} restarted (restarts {baseline} → {}), {}",
                    p.restarts, p.status
                ),
                container_states(p),
            );
        }
        let failing = FAILING_STATES
            .iter()
            .find(|s| p.status == **s || p.containers.iter().any(|c| c.state.contains(*s)));
        if let Some(state) = failing {
            return failed(
                Gate::Pods,
                format!("pod {name} is {state}"),
                container_states(p),
            );
        }
        if holding && p.ready < p.total {
            return failed(
                Gate::Pods,
                format!(
                    "pod {name} is not ready ({}/{}, {})",
                    p.ready, p.total, p.status
                ),
                container_states(p),
            );
        }
    }
    let n = rows.new_pods.len();
    GateState::Passing(format!("{n} new pod(s) healthy"))
}

fn container_states(p: &PodRow) -> Vec<String> {
    p.containers
        .iter()
        .filter(|c| !c.init)
        .map(|c| {
            format!(
                "container {}: {}, {} restart(s), ready {}",
                c.name, c.state, c.restarts, c.ready
            )
        })
        .collect()
}

fn failed(gate: Gate, summary: String, evidence: Vec<String>) -> GateState {
    GateState::Failed(GateFailure {
        gate,
        summary,
        evidence,
    })
}

/// The events gate: a Warning event on a new pod or the new ReplicaSet seen after the
/// hold began (`since`; event times have one-second resolution, so an event of the
/// second the hold began is taken as before it).
pub fn events_gate(rows: &PlanRows<'_>, since: Timestamp) -> GateState {
    let new_rs = rows.new_rs.map(|r| r.meta.name.as_str());
    for row in &rows.events {
        let Detail::Event(e) = &row.detail else {
            continue;
        };
        let about_new = match e.object_kind.as_str() {
            "Pod" => rows.new_pods.iter().any(|p| p.meta.name == e.object_name),
            "ReplicaSet" => new_rs == Some(e.object_name.as_str()),
            _ => false,
        };
        let seen = e.last_seen.or(e.first_seen);
        if e.type_ == "Warning" && about_new && seen.is_some_and(|t| t > since) {
            return failed(
                Gate::Events,
                format!(
                    "Warning {} on {} {}",
                    e.reason,
                    e.object_kind.to_lowercase(),
                    e.object_name
                ),
                vec![format!("{} (×{})", e.message, e.count)],
            );
        }
    }
    GateState::Passing("no Warning event".to_owned())
}
