//! The two strategies: RollingUpdate (`rolling.go`: scale the new ReplicaSet up
//! within maxSurge, the old ones down within maxUnavailable) and Recreate
//! (`recreate.go`: all old pods gone before the new ReplicaSet scales up).

use serde_json::Value;

use super::fenceposts::replicas;
use super::{DeploymentSync, max_surge, max_unavailable, rs_replicas, rs_status};
use crate::sim::controllers::meta::uid;
use crate::sim::controllers::pod_state::phase;

impl DeploymentSync<'_, '_> {
    /// Upstream's `NewRSNewReplicas` for a new ReplicaSet currently sized `current_new`.
    pub(super) fn new_rs_replicas_with(&self, current_new: i64) -> i64 {
        let want = replicas(&self.d);
        if !super::fenceposts::is_rolling(&self.d) {
            return want;
        }
        let others: i64 = self.old.iter().map(rs_replicas).sum();
        let current_total = others + current_new;
        let max_total = want + max_surge(&self.d);
        if current_total >= max_total {
            return current_new;
        }
        let scale_up = (max_total - current_total).min(want - current_new);
        current_new + scale_up.max(0)
    }

    pub(super) fn rollout_rolling(&mut self) {
        self.ensure_new_rs();
        if self.reconcile_new_rs() || self.reconcile_old_rs() {
            self.sync_rollout_status();
            return;
        }
        if self.is_complete(&self.d["status"]) {
            self.cleanup();
        }
        self.sync_rollout_status();
    }

    fn reconcile_new_rs(&mut self) -> bool {
        let want = replicas(&self.d);
        let Some(mut rs) = self.new_rs.take() else {
            return false;
        };
        let current = rs_replicas(&rs);
        let scaled = match current.cmp(&want) {
            std::cmp::Ordering::Equal => false,
            std::cmp::Ordering::Greater => self.scale_rs(&mut rs, want),
            std::cmp::Ordering::Less => {
                let to = self.new_rs_replicas_with(current);
                to != current && self.scale_rs(&mut rs, to)
            }
        };
        self.new_rs = Some(rs);
        scaled
    }

    fn reconcile_old_rs(&mut self) -> bool {
        let old_pods: i64 = self.old.iter().map(rs_replicas).sum();
        if old_pods == 0 {
            return false;
        }
        let all_pods: i64 = self.all().into_iter().map(rs_replicas).sum();
        let min_available = replicas(&self.d) - max_unavailable(&self.d);
        let new_unavailable = self
            .new_rs
            .as_ref()
            .map_or(0, |rs| rs_replicas(rs) - rs_status(rs, "availableReplicas"));
        let max_scaled_down = all_pods - min_available - new_unavailable;
        if max_scaled_down <= 0 {
            return false;
        }
        let cleaned = self.cleanup_unhealthy_old(max_scaled_down);
        let scaled = self.scale_down_old_for_rolling(min_available);
        cleaned + scaled > 0
    }

    /// Scales down old ReplicaSets' unavailable pods first, oldest ReplicaSet first.
    fn cleanup_unhealthy_old(&mut self, max_cleanup: i64) -> i64 {
        let mut total = 0;
        let mut old = std::mem::take(&mut self.old);
        for rs in &mut old {
            if total >= max_cleanup {
                break;
            }
            let size = rs_replicas(rs);
            let available = rs_status(rs, "availableReplicas");
            if size == 0 || size == available {
                continue;
            }
            let down = (max_cleanup - total).min(size - available);
            if self.scale_rs(rs, size - down) {
                total += down;
            }
        }
        self.old = old;
        total
    }

    /// Scales old ReplicaSets down while more than `min_available` pods are available.
    fn scale_down_old_for_rolling(&mut self, min_available: i64) -> i64 {
        let available: i64 = self
            .all()
            .into_iter()
            .map(|rs| rs_status(rs, "availableReplicas"))
            .sum();
        if available <= min_available {
            return 0;
        }
        let budget = available - min_available;
        let mut total = 0;
        let mut old = std::mem::take(&mut self.old);
        for rs in &mut old {
            if total >= budget {
                break;
            }
            let size = rs_replicas(rs);
            if size == 0 {
                continue;
            }
            let down = size.min(budget - total);
            if self.scale_rs(rs, size - down) {
                total += down;
            }
        }
        self.old = old;
        total
    }

    pub(super) fn rollout_recreate(&mut self) {
        let mut scaled_down = false;
        let mut old = std::mem::take(&mut self.old);
        for rs in old.iter_mut().filter(|rs| rs_replicas(rs) > 0) {
            scaled_down |= self.scale_rs(rs, 0);
        }
        self.old = old;
        if scaled_down || self.old_pods_running() {
            self.sync_rollout_status();
            return;
        }
        self.ensure_new_rs();
        if let Some(mut rs) = self.new_rs.take() {
            let want = replicas(&self.d);
            if rs_replicas(&rs) != want {
                self.scale_rs(&mut rs, want);
            }
            self.new_rs = Some(rs);
        }
        if self.is_complete(&self.d["status"]) {
            self.cleanup();
        }
        self.sync_rollout_status();
    }

    /// Whether any pod of an old ReplicaSet still runs (terminating pods count).
    fn old_pods_running(&self) -> bool {
        if self
            .old
            .iter()
            .map(|rs| rs_status(rs, "replicas"))
            .sum::<i64>()
            > 0
        {
            return true;
        }
        self.old.iter().any(|rs| {
            self.pods_by_owner
                .of(uid(rs))
                .iter()
                .any(|p: &std::sync::Arc<Value>| !matches!(phase(p), "Succeeded" | "Failed"))
        })
    }
}
