//! Use added up over groups of pods: the average and maximum of a ReplicaSet's pods (the
//! rollout view puts old and new versions side by side; a canary's health gate can ask
//! "do the new pods use more than X times the memory of the old ones?"), and each
//! Deployment's total on the monitor's cards.

use std::collections::HashMap;

use super::super::rows::Stores;
use crate::cluster::metrics::{PodSample, Usage};
use crate::cluster::{Detail, Kind};

/// The use of a group of pods: of those with metrics, how many, their average and maximum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GroupUsage {
    /// Pods with metrics in the sample.
    pub pods: usize,
    /// Their average (each resource on its own).
    pub average: Usage,
    /// Their maximum (each resource on its own).
    pub max: Usage,
}

/// The use of the pods in `slots` (of the pods' store) in `sample`; `None` when none has
/// metrics.
pub fn group_usage(stores: &Stores, sample: &PodSample, slots: &[usize]) -> Option<GroupUsage> {
    let pods = stores.of(Kind::Pod);
    let usages: Vec<Usage> = slots
        .iter()
        .filter_map(|s| pods.get(*s))
        .filter_map(|p| sample.pods.get(&p.meta.namespace, &p.meta.name))
        .map(crate::cluster::metrics::PodUsageRef::total)
        .collect();
    let n = u64::try_from(usages.len()).ok().filter(|n| *n > 0)?;
    let sum = usages.iter().fold(Usage::default(), |a, u| a + *u);
    Some(GroupUsage {
        pods: usages.len(),
        average: Usage {
            cpu_nanos: sum.cpu_nanos / n,
            memory_bytes: sum.memory_bytes / n,
        },
        max: Usage {
            cpu_nanos: usages.iter().map(|u| u.cpu_nanos).max().unwrap_or(0),
            memory_bytes: usages.iter().map(|u| u.memory_bytes).max().unwrap_or(0),
        },
    })
}

/// What each Deployment in `slots` (of the Deployments' store; the monitor's cards) uses
/// in total (its pods, through their ReplicaSets), by (namespace, name): one pass over
/// the ReplicaSets and one over the pods.
pub fn deployment_totals(
    stores: &Stores,
    slots: &[usize],
    sample: &PodSample,
) -> Vec<((String, String), Usage)> {
    let deployments = stores.of(Kind::Deployment);
    let shown: Vec<(String, String)> = slots
        .iter()
        .filter_map(|slot| deployments.get(*slot))
        .map(|d| (d.meta.namespace.to_string(), d.meta.name.clone()))
        .collect();
    if shown.is_empty() {
        return Vec::new();
    }
    let mut owner_of: HashMap<(&str, &str), usize> = HashMap::new();
    for (_, rs) in stores.of(Kind::ReplicaSet).iter() {
        if let Some(o) = rs.meta.owner.as_ref().filter(|o| o.kind == "Deployment")
            && let Some(i) = shown
                .iter()
                .position(|(ns, name)| *ns == rs.meta.namespace && *name == o.name)
        {
            owner_of.insert((rs.meta.namespace.as_str(), rs.meta.name.as_str()), i);
        }
    }
    let mut totals = vec![Usage::default(); shown.len()];
    for (_, pod) in stores.of(Kind::Pod).iter() {
        let Some(rs) = pod.meta.owner.as_ref().filter(|o| o.kind == "ReplicaSet") else {
            continue;
        };
        let (Some(i), Some(usage)) = (
            owner_of.get(&(pod.meta.namespace.as_str(), rs.name.as_str())),
            sample.pods.get(&pod.meta.namespace, &pod.meta.name),
        ) else {
            continue;
        };
        if matches!(pod.detail, Detail::Pod(_)) {
            totals[*i] = totals[*i] + usage.total();
        }
    }
    shown.into_iter().zip(totals).collect()
}
