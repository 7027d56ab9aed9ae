//! The monitoring cockpit (`kdeck --monitor`, `:monitor`): one card per Deployment with its
//! rollout state and pod health, and the recent warnings beneath, for a wall screen that
//! nobody touches. Computed from the row stores when they change (never per frame): which
//! pods belong to which card only when pods come or go or a Deployment or ReplicaSet
//! changes.

use std::collections::{HashMap, HashSet};

use super::rows::Stores;
use crate::cluster::{DeploymentRow, Detail, Health, Kind, Row};

/// The kinds the monitor reads.
pub const MONITOR_KINDS: [Kind; 4] = [Kind::Deployment, Kind::ReplicaSet, Kind::Pod, Kind::Event];

/// How many warnings the monitor keeps.
const MAX_WARNINGS: usize = 20;

/// The monitor screen.
#[derive(Debug, Clone, Default)]
pub struct MonitorView {
    /// The Deployments to show (`name` or `namespace/name`); empty: all in the namespace shown.
    pub chosen: Vec<String>,
    /// The selected card (Enter opens its rollout view).
    pub selected: usize,
    /// What the view shows, recomputed when the stores change.
    pub cache: MonitorCache,
}

impl MonitorView {
    /// A monitor of `chosen` Deployments (empty: all).
    pub fn new(chosen: Vec<String>) -> Self {
        Self {
            chosen,
            ..Self::default()
        }
    }

    /// Whether the Deployment `row` is one of the chosen ones.
    fn shows(&self, row: &Row) -> bool {
        self.chosen.is_empty()
            || self.chosen.iter().any(|c| match c.split_once('/') {
                Some((ns, name)) => ns == row.meta.namespace && name == row.meta.name,
                None => *c == row.meta.name,
            })
    }
}

/// How a Deployment's rollout stands, for its card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RolloutPhase {
    /// Every replica is new and available.
    Complete,
    /// New replicas are coming up or old ones draining.
    Progressing,
    /// Paused by the user.
    Paused,
    /// Paused by a kdeck canary, waiting for promote or abort.
    Canary,
    /// The controller gave up (ProgressDeadlineExceeded) or cannot create pods.
    Failed(String),
    /// The controller has not seen the latest spec yet.
    Waiting,
}

impl RolloutPhase {
    /// The phase of `dep` whose replicas are `pods`.
    pub fn of(dep: &DeploymentRow, old_replicas: i32) -> Self {
        let failed = dep.conditions.iter().find(|c| {
            (c.type_ == "Progressing" && c.status == "False")
                || (c.type_ == "ReplicaFailure" && c.status == "True")
        });
        if let Some(c) = failed {
            return Self::Failed(c.reason.clone());
        }
        if dep.canary && dep.paused {
            return Self::Canary;
        }
        if dep.paused {
            return Self::Paused;
        }
        if dep.observed_generation < dep.generation {
            return Self::Waiting;
        }
        if old_replicas > 0 || dep.updated < dep.desired || dep.available < dep.desired {
            return Self::Progressing;
        }
        Self::Complete
    }

    /// What the card says.
    pub fn label(&self) -> String {
        match self {
            Self::Complete => "complete".to_owned(),
            Self::Progressing => "rolling out".to_owned(),
            Self::Paused => "PAUSED".to_owned(),
            Self::Canary => "CANARY paused".to_owned(),
            Self::Failed(reason) => format!("FAILED {reason}"),
            Self::Waiting => "waiting for controller".to_owned(),
        }
    }
}

/// Pod counts of one Deployment, by health.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PodCounts {
    /// Running and ready.
    pub ready: u32,
    /// Pending, creating, or running but not ready.
    pub starting: u32,
    /// CrashLoopBackOff, ImagePullBackOff, Error...
    pub failing: u32,
    /// Terminating.
    pub terminating: u32,
    /// Restarts of all containers.
    pub restarts: u32,
}

impl PodCounts {
    fn add(&mut self, row: &Row) {
        match row.health {
            Health::Ok => self.ready += 1,
            Health::Err => self.failing += 1,
            Health::Dim => self.terminating += 1,
            Health::Warn | Health::Neutral => self.starting += 1,
        }
        if let Detail::Pod(p) = &row.detail {
            self.restarts += p.restarts;
        }
    }
}

/// One Deployment's card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Card {
    /// The Deployment's slot in its store.
    pub deployment: usize,
    /// Replicas of the current ReplicaSet: (ready, existing).
    pub new_replicas: (i32, i32),
    /// Replicas of older ReplicaSets.
    pub old_replicas: i32,
    /// Its pods by health.
    pub pods: PodCounts,
    /// Its rollout phase.
    pub phase: RolloutPhase,
    /// Whether the card needs attention: red (failing) above yellow (moving) above green.
    pub health: Health,
}

/// Slots of everything the monitor shows.
#[derive(Debug, Clone, Default)]
pub struct MonitorCache {
    /// Store generations this was computed from (`None`: stale).
    pub computed_from: Option<[u64; 4]>,
    /// The cards, by namespace and name.
    pub cards: Vec<Card>,
    /// Warning events in scope, newest first (event slots).
    pub warnings: Vec<usize>,
    /// Which pods and ReplicaSets belong to which card.
    layout: Layout,
}

/// Which Deployment, ReplicaSets and pods each card has, by slot. Rebuilt only when
/// Deployments, ReplicaSets or pods come or go: under churn, pods and ReplicaSets change
/// (their status) nearly every frame, and counting a card's own slots costs far less than
/// matching 50,000 pods to ReplicaSets by name again.
#[derive(Debug, Clone, Default)]
struct Layout {
    /// Deployment, ReplicaSet and pod memberships it was built from.
    built_from: Option<[u64; 3]>,
    /// Per card: its Deployment's slot.
    deployments: Vec<usize>,
    /// Per card: the slots of its ReplicaSets.
    replica_sets: Vec<Vec<usize>>,
    /// Per card: the slots of its pods.
    pods: Vec<Vec<usize>>,
    /// With chosen Deployments: (kind, namespace, name) of what their warnings may be about.
    involved: HashSet<(String, String, String)>,
}

fn generations(stores: &Stores) -> [u64; 4] {
    MONITOR_KINDS.map(|k| stores.of(k).generation())
}

fn memberships(stores: &Stores) -> [u64; 3] {
    [Kind::Deployment, Kind::ReplicaSet, Kind::Pod].map(|k| stores.of(k).membership())
}

impl MonitorView {
    /// Recomputes if any store it reads changed; returns whether it did.
    pub fn refresh(&mut self, stores: &Stores, namespace: Option<&str>) -> bool {
        let gens = generations(stores);
        let was = self.cache.computed_from;
        if was == Some(gens) {
            return false;
        }
        let members = memberships(stores);
        let relaid = was.is_none() || self.cache.layout.built_from != Some(members);
        if relaid {
            self.cache.layout = self.lay_out(stores, namespace);
            self.cache.layout.built_from = Some(members);
        }
        let layout = &self.cache.layout;
        self.cache.cards = (0..layout.deployments.len())
            .filter_map(|i| card(stores, layout, i))
            .collect();
        if relaid || was.is_none_or(|w| w[3] != gens[3]) {
            self.cache.warnings = self.warnings(stores, namespace);
        }
        self.cache.computed_from = Some(gens);
        self.selected = self.selected.min(self.cache.cards.len().saturating_sub(1));
        true
    }

    fn lay_out(&self, stores: &Stores, namespace: Option<&str>) -> Layout {
        let in_ns = |row: &Row| namespace.is_none_or(|ns| row.meta.namespace == ns);
        let mut shown: Vec<(&str, &str, usize)> = stores
            .of(Kind::Deployment)
            .iter()
            .filter(|(_, r)| in_ns(r) && self.shows(r))
            .map(|(slot, r)| (r.meta.namespace.as_str(), r.meta.name.as_str(), slot))
            .collect();
        shown.sort_unstable();
        let index: HashMap<(&str, &str), usize> = shown
            .iter()
            .enumerate()
            .map(|(i, (ns, name, _))| ((*ns, *name), i))
            .collect();
        let mut replica_sets = vec![Vec::new(); shown.len()];
        let mut rs_card: HashMap<(&str, &str), usize> = HashMap::new();
        for (slot, rs) in stores.of(Kind::ReplicaSet).iter() {
            let Some(owner) = rs.meta.owner.as_ref().filter(|o| o.kind == "Deployment") else {
                continue;
            };
            if let Some(&card) = index.get(&(rs.meta.namespace.as_str(), owner.name.as_str())) {
                rs_card.insert((rs.meta.namespace.as_str(), rs.meta.name.as_str()), card);
                replica_sets[card].push(slot);
            }
        }
        let mut pods = vec![Vec::new(); shown.len()];
        let mut involved = HashSet::new();
        let chosen = !self.chosen.is_empty();
        for (slot, pod) in stores.of(Kind::Pod).iter() {
            let Some(owner) = pod.meta.owner.as_ref().filter(|o| o.kind == "ReplicaSet") else {
                continue;
            };
            if let Some(&card) = rs_card.get(&(pod.meta.namespace.as_str(), owner.name.as_str())) {
                pods[card].push(slot);
                if chosen {
                    involved.insert((
                        "Pod".to_owned(),
                        pod.meta.namespace.to_string(),
                        pod.meta.name.clone(),
                    ));
                }
            }
        }
        // With chosen Deployments, only their own warnings (and their ReplicaSets' and pods').
        if chosen {
            for (ns, name, _) in &shown {
                involved.insert((
                    "Deployment".to_owned(),
                    (*ns).to_owned(),
                    (*name).to_owned(),
                ));
            }
            for (ns, name) in rs_card.keys() {
                involved.insert((
                    "ReplicaSet".to_owned(),
                    (*ns).to_owned(),
                    (*name).to_owned(),
                ));
            }
        }
        Layout {
            built_from: None,
            deployments: shown.iter().map(|(_, _, slot)| *slot).collect(),
            replica_sets,
            pods,
            involved,
        }
    }

    /// The warning events in scope, newest first.
    fn warnings(&self, stores: &Stores, namespace: Option<&str>) -> Vec<usize> {
        let involved = &self.cache.layout.involved;
        let mut warnings: Vec<(Option<jiff::Timestamp>, u64, usize)> = stores
            .of(Kind::Event)
            .iter()
            .filter_map(|(slot, r)| match &r.detail {
                Detail::Event(e)
                    if e.type_ == "Warning"
                        && namespace.is_none_or(|ns| r.meta.namespace == ns)
                        && (self.chosen.is_empty()
                            || involved.contains(&(
                                e.object_kind.clone(),
                                r.meta.namespace.to_string(),
                                e.object_name.clone(),
                            ))) =>
                {
                    let written = r.meta.resource_version.parse().unwrap_or(0);
                    Some((e.last_seen.or(e.first_seen), written, slot))
                }
                _ => None,
            })
            .collect();
        warnings.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
        warnings.truncate(MAX_WARNINGS);
        warnings.into_iter().map(|(_, _, s)| s).collect()
    }
}

/// Card `i` of `layout`, from the rows its slots hold now.
fn card(stores: &Stores, layout: &Layout, i: usize) -> Option<Card> {
    let slot = layout.deployments[i];
    let Detail::Deployment(dep) = &stores.of(Kind::Deployment).get(slot)?.detail else {
        return None;
    };
    // The current ReplicaSet's replicas against the older ones'.
    let (mut new_replicas, mut old_replicas) = ((0, 0), 0);
    let replica_sets = stores.of(Kind::ReplicaSet);
    for rs in layout.replica_sets[i]
        .iter()
        .filter_map(|&s| replica_sets.get(s))
    {
        if let Detail::ReplicaSet(r) = &rs.detail {
            if r.revision.is_some() && r.revision == dep.revision {
                new_replicas = (r.ready, r.current);
            } else {
                old_replicas += r.current;
            }
        }
    }
    let mut pods = PodCounts::default();
    let pod_rows = stores.of(Kind::Pod);
    for pod in layout.pods[i].iter().filter_map(|&s| pod_rows.get(s)) {
        pods.add(pod);
    }
    let phase = RolloutPhase::of(dep, old_replicas);
    let health = match &phase {
        RolloutPhase::Failed(_) => Health::Err,
        _ if pods.failing > 0 => Health::Err,
        RolloutPhase::Complete if pods.starting == 0 => Health::Ok,
        _ => Health::Warn,
    };
    Some(Card {
        deployment: slot,
        new_replicas,
        old_replicas,
        pods,
        phase,
        health,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::ConditionRow;

    fn dep(desired: i32, updated: i32, available: i32) -> DeploymentRow {
        DeploymentRow {
            desired,
            updated,
            available,
            generation: 2,
            observed_generation: 2,
            ..DeploymentRow::default()
        }
    }

    #[test]
    fn phases_follow_the_deployment_status() {
        assert_eq!(RolloutPhase::of(&dep(3, 3, 3), 0), RolloutPhase::Complete);
        assert_eq!(
            RolloutPhase::of(&dep(3, 3, 3), 1),
            RolloutPhase::Progressing
        );
        assert_eq!(
            RolloutPhase::of(&dep(3, 1, 3), 0),
            RolloutPhase::Progressing
        );
        let mut d = dep(3, 1, 3);
        d.paused = true;
        assert_eq!(RolloutPhase::of(&d, 3), RolloutPhase::Paused);
        d.canary = true;
        assert_eq!(RolloutPhase::of(&d, 3), RolloutPhase::Canary);
        d.conditions.push(ConditionRow {
            type_: "Progressing".into(),
            status: "False".into(),
            reason: "ProgressDeadlineExceeded".into(),
            message: String::new(),
        });
        assert_eq!(
            RolloutPhase::of(&d, 3).label(),
            "FAILED ProgressDeadlineExceeded"
        );
        let mut d = dep(3, 3, 3);
        d.generation = 3;
        assert_eq!(RolloutPhase::of(&d, 0), RolloutPhase::Waiting);
    }
}
