//! What the rollout timeline is drawn from: every ReplicaSet's ready replicas as the
//! watch saw them change while kdeck ran ([`Timelines`], recorded from the cluster
//! batches and stamped by the next tick, so a sample's time is the frame's, not a stale
//! one), and for what happened before, the ReplicaSets' creation times and the
//! Deployment's `ScalingReplicaSet` events ([`chart`] says which parts are which).

pub mod axis;
pub mod chart;

use std::collections::{BTreeMap, HashMap, VecDeque};

use jiff::Timestamp;

use crate::cluster::{ClusterUpdate, Detail};

/// Samples kept per ReplicaSet (the oldest go).
const MAX_SAMPLES: usize = 512;
/// ReplicaSets kept per Deployment (those changed longest ago go).
const MAX_REPLICA_SETS: usize = 10;

/// A Deployment: namespace and name.
type DeploymentKey = (String, String);

/// One Deployment's ReplicaSets, each with its ready replicas over time.
#[derive(Debug, Clone, Default)]
pub struct DeploymentSeries {
    /// When kdeck first saw this Deployment's ReplicaSets: before it, the timeline is
    /// reconstructed.
    pub since: Option<Timestamp>,
    /// Ready replicas by ReplicaSet name: (when seen, ready), oldest first.
    pub replica_sets: BTreeMap<String, VecDeque<(Timestamp, i32)>>,
}

impl DeploymentSeries {
    /// The ready replicas of `replica_set` at `t` as seen live, if kdeck saw it by then.
    pub fn ready_at(&self, replica_set: &str, t: Timestamp) -> Option<i32> {
        self.replica_sets
            .get(replica_set)?
            .iter()
            .rev()
            .find(|(at, _)| *at <= t)
            .map(|(_, ready)| *ready)
    }
}

/// The live samples of every Deployment whose ReplicaSets kdeck watched.
#[derive(Debug, Clone, Default)]
pub struct Timelines {
    series: HashMap<DeploymentKey, DeploymentSeries>,
    /// Changes seen since the last tick: (Deployment, ReplicaSet, ready).
    unstamped: Vec<(DeploymentKey, String, i32)>,
}

impl Timelines {
    /// Notes the ReplicaSets of `update` whose ready replicas changed.
    pub fn observe(&mut self, update: &ClusterUpdate) {
        let rows = match update {
            ClusterUpdate::Reset { rows, .. }
            | ClusterUpdate::Listed { rows, .. }
            | ClusterUpdate::Applied { rows, .. } => rows,
            ClusterUpdate::Deleted { .. }
            | ClusterUpdate::State { .. }
            | ClusterUpdate::Columns { .. } => return,
        };
        for row in rows {
            let (Detail::ReplicaSet(rs), Some(owner)) = (&row.detail, &row.meta.owner) else {
                continue;
            };
            if owner.kind != "Deployment" {
                continue;
            }
            let key = (row.meta.namespace.to_string(), owner.name.to_string());
            if self.last(&key, &row.meta.name) != Some(rs.ready) {
                self.unstamped.push((key, row.meta.name.clone(), rs.ready));
            }
        }
    }

    /// The last ready count noted for a ReplicaSet, stamped or not.
    fn last(&self, key: &DeploymentKey, replica_set: &str) -> Option<i32> {
        self.unstamped
            .iter()
            .rev()
            .find(|(k, n, _)| k == key && n == replica_set)
            .map(|(_, _, ready)| *ready)
            .or_else(|| {
                self.series
                    .get(key)?
                    .replica_sets
                    .get(replica_set)?
                    .back()
                    .map(|(_, ready)| *ready)
            })
    }

    /// Gives the changes seen since the last tick the time `now`.
    pub fn stamp(&mut self, now: Timestamp) {
        for (key, replica_set, ready) in self.unstamped.drain(..) {
            let series = self.series.entry(key).or_default();
            series.since.get_or_insert(now);
            let samples = series.replica_sets.entry(replica_set).or_default();
            samples.push_back((now, ready));
            if samples.len() > MAX_SAMPLES {
                samples.pop_front();
            }
            if series.replica_sets.len() > MAX_REPLICA_SETS
                && let Some(stalest) = series
                    .replica_sets
                    .iter()
                    .min_by_key(|(_, s)| s.back().map(|(t, _)| *t))
                    .map(|(name, _)| name.clone())
            {
                series.replica_sets.remove(&stalest);
            }
        }
    }

    /// The samples of Deployment `namespace`/`name`.
    pub fn of(&self, namespace: &str, name: &str) -> Option<&DeploymentSeries> {
        self.series.get(&(namespace.to_owned(), name.to_owned()))
    }

    /// Forgets everything (another context).
    pub fn clear(&mut self) {
        self.series.clear();
        self.unstamped.clear();
    }
}
