//! What the rollout view of one Deployment shows, computed from the row stores when
//! they change (never per frame): its ReplicaSets, its pods grouped by ReplicaSet, the
//! Services that select it with their Endpoints, and its recent events.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::rows::Stores;
use crate::cluster::{Detail, Kind, Row};

/// The kinds the rollout view reads.
pub const ROLLOUT_KINDS: [Kind; 6] = [
    Kind::Deployment,
    Kind::ReplicaSet,
    Kind::Pod,
    Kind::Service,
    Kind::Endpoints,
    Kind::Event,
];

/// How many events the view keeps.
const MAX_EVENTS: usize = 50;

/// Slots (into the stores) of everything the rollout view of one Deployment shows.
#[derive(Debug, Clone, Default)]
pub struct RolloutCache {
    /// Store generations (membership counts for pods and endpoints) this was computed
    /// from (`None`: stale).
    pub computed_from: Option<[u64; 6]>,
    /// The Deployment's slot, if it exists.
    pub deployment: Option<usize>,
    /// Its ReplicaSets, newest revision first.
    pub replica_sets: Vec<usize>,
    /// Index into `replica_sets` of the current one (revision of the Deployment).
    pub current: Option<usize>,
    /// Pod slots per entry of `replica_sets`, by name.
    pub pods_by_rs: Vec<Vec<usize>>,
    /// Services selecting its pods, each with its Endpoints slot.
    pub services: Vec<(usize, Option<usize>)>,
    /// Events of the Deployment, its ReplicaSets and pods, most recent first.
    pub events: Vec<usize>,
    /// The Deployment's `ScalingReplicaSet` events, all of them (the timeline
    /// reconstructs what happened before kdeck watched from them).
    pub scalings: Vec<usize>,
}

/// What the cache depends on. Pods and Endpoints count by membership only: which pods a
/// ReplicaSet has, and which Endpoints a Service has, change only when rows come or go
/// (their contents are read when drawn), so the status churn of a big cluster's pods does
/// not rescan them all.
fn generations(stores: &Stores) -> [u64; 6] {
    ROLLOUT_KINDS.map(|k| match k {
        Kind::Pod | Kind::Endpoints => stores.of(k).membership(),
        _ => stores.of(k).generation(),
    })
}

fn selects(selector: &BTreeMap<String, String>, labels: &BTreeMap<String, String>) -> bool {
    !selector.is_empty() && selector.iter().all(|(k, v)| labels.get(k) == Some(v))
}

fn owned_by(row: &Row, kind: &str, name: &str) -> bool {
    row.meta
        .owner
        .as_ref()
        .is_some_and(|o| o.kind == kind && o.name == name)
}

impl RolloutCache {
    /// Recomputes if any store it reads changed; returns whether it did.
    pub fn refresh(&mut self, stores: &Stores, namespace: &str, name: &str) -> bool {
        let gens = generations(stores);
        if self.computed_from == Some(gens) {
            return false;
        }
        *self = Self::compute(stores, namespace, name);
        self.computed_from = Some(gens);
        true
    }

    fn compute(stores: &Stores, namespace: &str, name: &str) -> Self {
        let deployments = stores.of(Kind::Deployment);
        let deployment = deployments.slot_of(namespace, name);
        let dep = deployment
            .and_then(|s| deployments.get(s))
            .and_then(|r| match &r.detail {
                Detail::Deployment(d) => Some(d),
                _ => None,
            });

        let rs_store = stores.of(Kind::ReplicaSet);
        let mut replica_sets: Vec<(i64, &str, usize)> = rs_store
            .iter()
            .filter(|(_, r)| r.meta.namespace == namespace && owned_by(r, "Deployment", name))
            .map(|(slot, r)| {
                let rev = match &r.detail {
                    Detail::ReplicaSet(rs) => rs.revision.unwrap_or(0),
                    _ => 0,
                };
                (rev, r.meta.name.as_str(), slot)
            })
            .collect();
        replica_sets.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(b.1)));
        let current = dep
            .and_then(|d| d.revision)
            .and_then(|rev| replica_sets.iter().position(|(r, _, _)| *r == rev))
            .or_else(|| (!replica_sets.is_empty()).then_some(0));

        let rs_index: HashMap<&str, usize> = replica_sets
            .iter()
            .enumerate()
            .map(|(i, (_, n, _))| (*n, i))
            .collect();
        let pods = stores.of(Kind::Pod);
        let mut pods_by_rs: Vec<Vec<usize>> = vec![Vec::new(); replica_sets.len()];
        for (slot, pod) in pods.iter() {
            if pod.meta.namespace != namespace {
                continue;
            }
            if let Some(owner) = pod.meta.owner.as_ref().filter(|o| o.kind == "ReplicaSet")
                && let Some(&i) = rs_index.get(owner.name.as_str())
            {
                pods_by_rs[i].push(slot);
            }
        }
        for group in &mut pods_by_rs {
            group.sort_by(|a, b| {
                let name = |s: &usize| pods.get(*s).map(|r| r.meta.name.as_str());
                name(a).cmp(&name(b))
            });
        }

        let endpoints = stores.of(Kind::Endpoints);
        let mut services: Vec<(usize, Option<usize>)> = stores
            .of(Kind::Service)
            .iter()
            .filter(|(_, svc)| svc.meta.namespace == namespace)
            .filter(|(_, svc)| {
                let Detail::Service(s) = &svc.detail else {
                    return false;
                };
                let selects_a_pod = pods_by_rs
                    .iter()
                    .flatten()
                    .filter_map(|p| pods.get(*p))
                    .any(|p| p.meta.labels.selected_by(&s.selector));
                selects_a_pod || dep.is_some_and(|d| selects(&s.selector, &d.selector))
            })
            .map(|(slot, svc)| (slot, endpoints.slot_of(namespace, &svc.meta.name)))
            .collect();
        let svc_store = stores.of(Kind::Service);
        services.sort_by(|a, b| {
            let name = |s: usize| svc_store.get(s).map(|r| r.meta.name.as_str());
            name(a.0).cmp(&name(b.0))
        });

        let mut involved: HashSet<(&str, &str)> = HashSet::new();
        involved.insert(("Deployment", name));
        for (_, rs_name, _) in &replica_sets {
            involved.insert(("ReplicaSet", rs_name));
        }
        for slot in pods_by_rs.iter().flatten() {
            if let Some(p) = pods.get(*slot) {
                involved.insert(("Pod", p.meta.name.as_str()));
            }
        }
        let event_store = stores.of(Kind::Event);
        // Newest first. Event times have one-second resolution, so events of the same second
        // are ordered by their last write: resourceVersions are opaque, but every API server
        // in the field (etcd's revision) hands them out as increasing integers.
        let mut events: Vec<(Option<jiff::Timestamp>, u64, usize)> = event_store
            .iter()
            .filter_map(|(slot, r)| match &r.detail {
                Detail::Event(e)
                    if r.meta.namespace == namespace
                        && involved.contains(&(e.object_kind.as_str(), e.object_name.as_str())) =>
                {
                    let written = r.meta.resource_version.parse().unwrap_or(0);
                    Some((e.last_seen.or(e.first_seen), written, slot))
                }
                _ => None,
            })
            .collect();
        events.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
        let scalings = events
            .iter()
            .map(|(_, _, slot)| *slot)
            .filter(|slot| {
                matches!(event_store.get(*slot).map(|r| &r.detail),
                    Some(Detail::Event(e)) if e.reason == "ScalingReplicaSet" && e.object_kind == "Deployment")
            })
            .collect();
        events.truncate(MAX_EVENTS);

        Self {
            computed_from: None,
            deployment,
            replica_sets: replica_sets.into_iter().map(|(_, _, s)| s).collect(),
            current,
            pods_by_rs,
            services,
            events: events.into_iter().map(|(_, _, s)| s).collect(),
            scalings,
        }
    }
}
