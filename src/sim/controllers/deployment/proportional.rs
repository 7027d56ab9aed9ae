//! Scaling a Deployment whose ReplicaSets are mid-rollout or paused (upstream's
//! `scale` in `sync.go`): the change in size is spread over the active
//! ReplicaSets in proportion to their sizes, leftovers to the largest.

use serde_json::Value;

use super::fenceposts::{is_rolling, replicas};
use super::{DESIRED_REPLICAS, DeploymentSync, MAX_REPLICAS, max_surge, rs_replicas, rs_status};
use crate::sim::controllers::meta::{annotation, created};

impl DeploymentSync<'_, '_> {
    pub(super) fn scale(&mut self) {
        let want = replicas(&self.d);
        if let Some(target) = self.active_or_latest() {
            let current = match target {
                Target::New => self.new_rs.as_ref().map_or(0, rs_replicas),
                Target::Old(i) => rs_replicas(&self.old[i]),
            };
            if current != want {
                self.scale_target(target, want);
            }
            return;
        }
        if self.is_saturated() {
            for i in 0..self.old.len() {
                if rs_replicas(&self.old[i]) > 0 {
                    self.scale_target(Target::Old(i), 0);
                }
            }
            return;
        }
        if !is_rolling(&self.d) {
            return;
        }
        let mut targets: Vec<Target> = (0..self.old.len()).map(Target::Old).collect();
        if self.new_rs.is_some() {
            targets.push(Target::New);
        }
        targets.retain(|t| rs_replicas(self.get(*t)) > 0);
        let current: i64 = targets.iter().map(|t| rs_replicas(self.get(*t))).sum();
        let allowed = if want > 0 {
            want + max_surge(&self.d)
        } else {
            0
        };
        let to_add = allowed - current;
        // Largest first; ties go to the newer when growing and to the older when shrinking.
        targets.sort_by(|a, b| {
            let (ra, rb) = (self.get(*a), self.get(*b));
            let by_age = if to_add > 0 {
                created(rb).cmp(&created(ra))
            } else {
                created(ra).cmp(&created(rb))
            };
            rs_replicas(rb).cmp(&rs_replicas(ra)).then(by_age)
        });
        let mut added = 0;
        let mut sizes: Vec<i64> = Vec::with_capacity(targets.len());
        for t in &targets {
            let rs = self.get(*t);
            let mut size = rs_replicas(rs);
            if to_add != 0 {
                let p = self.proportion(rs, to_add, added);
                size += p;
                added += p;
            }
            sizes.push(size);
        }
        if let Some(first) = sizes.first_mut()
            && to_add != 0
        {
            *first = (*first + to_add - added).max(0);
        }
        for (t, size) in targets.into_iter().zip(sizes) {
            self.scale_target(t, size);
        }
    }

    fn get(&self, t: Target) -> &Value {
        match t {
            Target::New => self.new_rs.as_ref().unwrap_or(&Value::Null),
            Target::Old(i) => &self.old[i],
        }
    }

    fn scale_target(&mut self, t: Target, to: i64) {
        match t {
            Target::New => {
                if let Some(mut rs) = self.new_rs.take() {
                    self.scale_rs(&mut rs, to);
                    self.new_rs = Some(rs);
                }
            }
            Target::Old(i) => {
                let mut rs = std::mem::take(&mut self.old[i]);
                self.scale_rs(&mut rs, to);
                self.old[i] = rs;
            }
        }
    }

    /// The only active ReplicaSet, or the latest if none is active.
    fn active_or_latest(&self) -> Option<Target> {
        let mut active: Vec<Target> = (0..self.old.len())
            .filter(|i| rs_replicas(&self.old[*i]) > 0)
            .map(Target::Old)
            .collect();
        if self.new_rs.as_ref().is_some_and(|rs| rs_replicas(rs) > 0) {
            active.push(Target::New);
        }
        match active.len() {
            0 if self.new_rs.is_some() => Some(Target::New),
            0 => (0..self.old.len())
                .max_by_key(|i| created(&self.old[*i]))
                .map(Target::Old),
            1 => active.first().copied(),
            _ => None,
        }
    }

    fn is_saturated(&self) -> bool {
        let want = replicas(&self.d);
        self.new_rs.as_ref().is_some_and(|rs| {
            annotation(rs, DESIRED_REPLICAS) == Some(want.to_string().as_str())
                && rs_replicas(rs) == want
                && rs_status(rs, "availableReplicas") == want
        })
    }

    /// Upstream's `GetProportion`.
    fn proportion(&self, rs: &Value, to_add: i64, added: i64) -> i64 {
        if rs_replicas(rs) == 0 || to_add == 0 || to_add == added {
            return 0;
        }
        let fraction = self.fraction(rs);
        let allowed = to_add - added;
        if to_add > 0 {
            fraction.min(allowed)
        } else {
            fraction.max(allowed)
        }
    }

    /// Upstream's `getReplicaSetFraction`.
    fn fraction(&self, rs: &Value) -> i64 {
        let want = replicas(&self.d);
        if want == 0 {
            return -rs_replicas(rs);
        }
        let deployment_replicas = want + max_surge(&self.d);
        let annotated = annotation(rs, MAX_REPLICAS)
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or_else(|| rs_status(&self.d, "replicas"));
        if annotated <= 0 {
            return 0;
        }
        let new_size =
            (rs_replicas(rs) as f64 * deployment_replicas as f64 / annotated as f64).round() as i64;
        new_size - rs_replicas(rs)
    }
}

#[derive(Clone, Copy, Debug)]
enum Target {
    New,
    Old(usize),
}
