//! Deployment status (upstream's `calculateStatus`) and its conditions:
//! `Available` (MinimumReplicasAvailable) and `Progressing` (NewReplicaSetCreated,
//! FoundNewReplicaSet, ReplicaSetUpdated, NewReplicaSetAvailable,
//! ProgressDeadlineExceeded, DeploymentPaused, DeploymentResumed).

use jiff::{SignedDuration, Timestamp};
use serde_json::{Value, json};

use super::fenceposts::replicas;
use super::{DeploymentSync, max_unavailable, rs_replicas, rs_status};
use crate::sim::clock::format_time;
use crate::sim::controllers::meta::{int_at, name, time_at};

/// A Deployment condition about to be set.
pub struct Condition {
    value: Value,
}

impl Condition {
    /// A condition with both times at `now`.
    #[expect(
        clippy::needless_pass_by_value,
        reason = "callers build the message with format!"
    )]
    pub fn new(kind: &str, status: &str, reason: &str, message: String, now: Timestamp) -> Self {
        let t = format_time(now);
        Self {
            value: json!({
                "type": kind,
                "status": status,
                "lastUpdateTime": t,
                "lastTransitionTime": t,
                "reason": reason,
                "message": message,
            }),
        }
    }
}

/// The condition of type `kind` in a Deployment's status.
pub fn condition<'a>(d: &'a Value, kind: &str) -> Option<&'a Value> {
    d["status"]["conditions"]
        .as_array()?
        .iter()
        .find(|c| c["type"] == kind)
}

/// Upstream's `SetDeploymentCondition` on `d.status`: no change when status and
/// reason are the same; the transition time is kept when only the reason changes.
pub fn set_condition(d: &mut Value, c: Condition) {
    set_status_condition(&mut d["status"], c);
}

fn set_status_condition(status: &mut Value, c: Condition) {
    let mut new = c.value;
    let kind = new["type"].as_str().unwrap_or("").to_string();
    if !status["conditions"].is_array() {
        status["conditions"] = json!([]);
    }
    let Some(conditions) = status["conditions"].as_array_mut() else {
        return;
    };
    if let Some(current) = conditions.iter().find(|x| x["type"] == kind.as_str()) {
        if current["status"] == new["status"] && current["reason"] == new["reason"] {
            return;
        }
        if current["status"] == new["status"] {
            new["lastTransitionTime"] = current["lastTransitionTime"].clone();
        }
    }
    conditions.retain(|x| x["type"] != kind.as_str());
    conditions.push(new);
}

fn remove_status_condition(status: &mut Value, kind: &str) {
    if let Some(conditions) = status["conditions"].as_array_mut() {
        conditions.retain(|x| x["type"] != kind);
    }
}

impl DeploymentSync<'_, '_> {
    pub(super) fn has_progress_deadline(&self) -> bool {
        self.d["spec"]["progressDeadlineSeconds"]
            .as_i64()
            .is_none_or(|s| s != i64::from(i32::MAX))
    }

    fn progress_deadline(&self) -> i64 {
        int_at(&self.d, "/spec/progressDeadlineSeconds", 600)
    }

    /// Upstream's `checkPausedConditions`.
    pub(super) fn check_paused_condition(&mut self) {
        if !self.has_progress_deadline() {
            return;
        }
        let paused = self.d["spec"]["paused"].as_bool() == Some(true);
        let reason = condition(&self.d, "Progressing")
            .and_then(|c| c["reason"].as_str())
            .unwrap_or("")
            .to_string();
        let c = if paused && reason != "DeploymentPaused" {
            Condition::new(
                "Progressing",
                "Unknown",
                "DeploymentPaused",
                "Deployment is paused".into(),
                self.pass.now,
            )
        } else if !paused && reason == "DeploymentPaused" {
            Condition::new(
                "Progressing",
                "Unknown",
                "DeploymentResumed",
                "Deployment is resumed".into(),
                self.pass.now,
            )
        } else {
            return;
        };
        let mut d = self.d.clone();
        set_condition(&mut d, c);
        self.write_deployment(&d);
    }

    /// Upstream's `calculateStatus`, with the `Available` condition.
    fn calculate_status(&self) -> Value {
        let all = self.all();
        let available: i64 = all
            .iter()
            .map(|rs| rs_status(rs, "availableReplicas"))
            .sum();
        let total: i64 = all.iter().map(|rs| rs_replicas(rs)).sum();
        let mut status = json!({
            "observedGeneration": int_at(&self.d, "/metadata/generation", 1),
            "replicas": all.iter().map(|rs| rs_status(rs, "replicas")).sum::<i64>(),
            "updatedReplicas": self.new_rs.as_ref().map_or(0, |rs| rs_status(rs, "replicas")),
            "readyReplicas": all.iter().map(|rs| rs_status(rs, "readyReplicas")).sum::<i64>(),
            "availableReplicas": available,
            "unavailableReplicas": (total - available).max(0),
            "conditions": self.d["status"]["conditions"].clone(),
            "collisionCount": self.d["status"]["collisionCount"].clone(),
        });
        let want = replicas(&self.d);
        let c = if available >= want - max_unavailable(&self.d) {
            Condition::new(
                "Available",
                "True",
                "MinimumReplicasAvailable",
                "Deployment has minimum availability.".into(),
                self.pass.now,
            )
        } else {
            Condition::new(
                "Available",
                "False",
                "MinimumReplicasUnavailable",
                "Deployment does not have minimum availability.".into(),
                self.pass.now,
            )
        };
        set_status_condition(&mut status, c);
        status
    }

    /// Upstream's `DeploymentComplete` for a status.
    pub(super) fn is_complete(&self, status: &Value) -> bool {
        let want = replicas(&self.d);
        let count = |f: &str| status[f].as_i64().unwrap_or(0);
        count("updatedReplicas") == want
            && count("replicas") == want
            && count("availableReplicas") == want
            && count("observedGeneration") >= int_at(&self.d, "/metadata/generation", 1)
    }

    fn is_progressing(&self, new: &Value) -> bool {
        let old = &self.d["status"];
        let count = |s: &Value, f: &str| s[f].as_i64().unwrap_or(0);
        let old_old = count(old, "replicas") - count(old, "updatedReplicas");
        let new_old = count(new, "replicas") - count(new, "updatedReplicas");
        count(new, "updatedReplicas") > count(old, "updatedReplicas")
            || new_old < old_old
            || count(new, "readyReplicas") > count(old, "readyReplicas")
            || count(new, "availableReplicas") > count(old, "availableReplicas")
    }

    fn is_timed_out(&self, new: &Value) -> bool {
        let Some(c) = new["conditions"]
            .as_array()
            .and_then(|cs| cs.iter().find(|c| c["type"] == "Progressing"))
        else {
            return false;
        };
        match c["reason"].as_str() {
            Some("NewReplicaSetAvailable") => false,
            Some("ProgressDeadlineExceeded") => true,
            _ => time_at(c, "/lastUpdateTime")
                .and_then(|t| {
                    t.checked_add(SignedDuration::from_secs(self.progress_deadline()))
                        .ok()
                })
                .is_some_and(|deadline| deadline < self.pass.now),
        }
    }

    /// Upstream's `syncDeploymentStatus`: the counts and `Available`, no progress bookkeeping.
    pub(super) fn sync_status(&mut self) {
        let status = self.calculate_status();
        self.write_status(status);
    }

    /// Upstream's `syncRolloutStatus`: counts plus the `Progressing` condition.
    pub(super) fn sync_rollout_status(&mut self) {
        let mut status = self.calculate_status();
        if !self.has_progress_deadline() {
            remove_status_condition(&mut status, "Progressing");
            self.write_status(status);
            return;
        }
        let current = condition(&self.d, "Progressing").cloned();
        let rs_name = self.new_rs.as_ref().map(|rs| name(rs).to_string());
        let what = rs_name.map_or_else(
            || format!("Deployment \"{}\"", name(&self.d)),
            |n| format!("ReplicaSet \"{n}\""),
        );
        let already_complete = status["replicas"] == status["updatedReplicas"]
            && current
                .as_ref()
                .is_some_and(|c| c["reason"] == "NewReplicaSetAvailable");
        if !already_complete {
            let now = self.pass.now;
            if self.is_complete(&status) {
                let c = Condition::new(
                    "Progressing",
                    "True",
                    "NewReplicaSetAvailable",
                    format!("{what} has successfully progressed."),
                    now,
                );
                set_status_condition(&mut status, c);
            } else if self.is_progressing(&status) {
                let mut c = Condition::new(
                    "Progressing",
                    "True",
                    "ReplicaSetUpdated",
                    format!("{what} is progressing."),
                    now,
                );
                if let Some(cur) = &current {
                    if cur["status"] == "True" {
                        c.value["lastTransitionTime"] = cur["lastTransitionTime"].clone();
                    }
                    remove_status_condition(&mut status, "Progressing");
                }
                set_status_condition(&mut status, c);
            } else if self.is_timed_out(&status) {
                let c = Condition::new(
                    "Progressing",
                    "False",
                    "ProgressDeadlineExceeded",
                    format!("{what} has timed out progressing."),
                    now,
                );
                set_status_condition(&mut status, c);
            }
        }
        self.write_status(status);
    }

    fn write_status(&mut self, mut status: Value) {
        // The API omits zero counts and empty fields (omitempty).
        if let Some(m) = status.as_object_mut() {
            m.retain(|k, v| {
                !(v.is_null()
                    || (k != "observedGeneration" && v.as_i64() == Some(0))
                    || v.as_array().is_some_and(Vec::is_empty))
            });
        }
        if self.d["status"] == status {
            return;
        }
        let mut d = self.d.clone();
        d["status"] = status;
        self.write_deployment(&d);
    }
}
