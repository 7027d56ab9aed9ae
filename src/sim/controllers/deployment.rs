//! The Deployment controller, after kube-controller-manager's (`sync.go`,
//! `rolling.go`, `recreate.go`, `progress.go`, `deployment_util.go`): ReplicaSets
//! named `<deployment>-<pod-template-hash>`, revisions, RollingUpdate within
//! maxSurge/maxUnavailable, Recreate, pause, proportional scaling, history
//! cleanup, status and the Progressing/Available conditions.

mod fenceposts;
mod proportional;
mod revisions;
mod rollout;
mod status;

use serde_json::Value;

use self::fenceposts::{is_rolling, replicas};
pub use self::fenceposts::{max_surge, max_unavailable, resolve as resolve_fenceposts};
pub use self::revisions::{REVISION, revision};
use super::ByOwner;
use super::events::{Source, normal, record};
use super::meta::{int_at, is_terminating, kind, name, namespace, set_annotation, uid};
use super::pass::Pass;
use crate::sim::managed_fields::KUBE_CONTROLLER_MANAGER;

const SOURCE: Source<'static> = Source::controller("deployment-controller");

/// `deployment.kubernetes.io/desired-replicas`.
pub const DESIRED_REPLICAS: &str = "deployment.kubernetes.io/desired-replicas";
/// `deployment.kubernetes.io/max-replicas`.
pub const MAX_REPLICAS: &str = "deployment.kubernetes.io/max-replicas";

/// One Deployment being synced, with its ReplicaSets as this pass last wrote them.
struct DeploymentSync<'p, 'a> {
    pass: &'p Pass<'a>,
    d: Value,
    /// The ReplicaSet whose template equals the Deployment's, if any.
    new_rs: Option<Value>,
    /// Every other ReplicaSet the Deployment controls, oldest first.
    old: Vec<Value>,
    /// The pods of each ReplicaSet, by its uid.
    pods_by_owner: &'p ByOwner,
}

/// Reconciles every Deployment; `rs_by_owner` and `pods_by_owner` map controller uids to dependents.
pub fn reconcile(pass: &Pass<'_>, rs_by_owner: &ByOwner, pods_by_owner: &ByOwner) {
    for d in pass.all("apps", "Deployment") {
        let mut owned: Vec<Value> = rs_by_owner
            .of(uid(&d))
            .iter()
            .map(|rs| (**rs).clone())
            .collect();
        owned.sort_by_key(super::meta::created);
        let mut sync = DeploymentSync {
            pass,
            d: (*d).clone(),
            new_rs: None,
            old: Vec::new(),
            pods_by_owner,
        };
        sync.run(owned);
    }
}

impl DeploymentSync<'_, '_> {
    fn run(&mut self, owned: Vec<Value>) {
        self.split(owned);
        if is_terminating(&self.d) {
            self.sync_status();
            return;
        }
        self.check_paused_condition();
        let paused = self.d["spec"]["paused"].as_bool() == Some(true);
        if paused || self.is_scaling_event() {
            self.sync_new_rs_revision();
            self.scale();
            if paused {
                self.cleanup();
            }
            self.sync_status();
            return;
        }
        if is_rolling(&self.d) {
            self.rollout_rolling();
        } else {
            self.rollout_recreate();
        }
    }

    /// Sorts the owned ReplicaSets into the new one (the oldest with an equal template) and the old ones.
    fn split(&mut self, owned: Vec<Value>) {
        let template = &self.d["spec"]["template"];
        let new_index = owned.iter().position(|rs| {
            super::pod_template_hash::equal_ignoring_hash(&rs["spec"]["template"], template)
        });
        let mut old = owned;
        self.new_rs = new_index.map(|i| old.remove(i));
        self.old = old;
    }

    fn all(&self) -> Vec<&Value> {
        self.old.iter().chain(self.new_rs.as_ref()).collect()
    }

    /// Upstream's `isScalingEvent`: an active ReplicaSet was sized for another `spec.replicas`.
    fn is_scaling_event(&self) -> bool {
        let want = replicas(&self.d);
        self.all().into_iter().any(|rs| {
            rs_replicas(rs) > 0
                && super::meta::annotation(rs, DESIRED_REPLICAS)
                    .and_then(|v| v.parse::<i64>().ok())
                    .is_some_and(|desired| desired != want)
        })
    }

    /// Scales one ReplicaSet (and stamps the replicas annotations), with a
    /// `ScalingReplicaSet` event when its size changes. Returns whether it did.
    fn scale_rs(&self, rs: &mut Value, to: i64) -> bool {
        let from = rs_replicas(rs);
        let want = replicas(&self.d);
        let max = want + max_surge(&self.d);
        let annotations_stale = super::meta::annotation(rs, DESIRED_REPLICAS)
            != Some(want.to_string().as_str())
            || super::meta::annotation(rs, MAX_REPLICAS) != Some(max.to_string().as_str());
        if from == to && !annotations_stale {
            return false;
        }
        let rs_type = kind("apps", "ReplicaSet");
        let written = self.pass.modify(
            &KUBE_CONTROLLER_MANAGER,
            rs_type,
            namespace(rs),
            name(rs),
            |v| {
                v["spec"]["replicas"] = to.into();
                set_annotation(v, DESIRED_REPLICAS, want.to_string());
                set_annotation(v, MAX_REPLICAS, max.to_string());
            },
        );
        let Some(written) = written else {
            return false;
        };
        *rs = (*written).clone();
        if from != to {
            let direction = if to > from { "up" } else { "down" };
            record(
                self.pass,
                &self.d,
                SOURCE,
                normal(
                    "ScalingReplicaSet",
                    format!(
                        "Scaled {direction} replica set {} to {to} from {from}",
                        name(rs)
                    ),
                ),
            );
        }
        from != to
    }
}

/// `spec.replicas` of a ReplicaSet.
fn rs_replicas(rs: &Value) -> i64 {
    int_at(rs, "/spec/replicas", 1).max(0)
}

/// A status count of a ReplicaSet.
fn rs_status(rs: &Value, field: &str) -> i64 {
    rs["status"][field].as_i64().unwrap_or(0)
}
