//! `kubectl rollout status deployment/NAME`: the line it prints for a
//! Deployment's current status, whether the rollout is done or failed, and the
//! numbers a progress bar needs.

use k8s_openapi::api::apps::v1::Deployment;

use crate::cluster::DeploymentRow;

/// Where a Deployment's rollout stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RolloutStatus {
    /// kubectl's line, e.g. `Waiting for deployment "web" rollout to finish: 2 of 3 updated replicas are available...`.
    pub message: String,
    /// The rollout is complete.
    pub done: bool,
    /// The progress deadline was exceeded.
    pub failed: bool,
    /// The rollout is paused (kubectl would keep waiting).
    pub paused: bool,
    /// Desired replicas.
    pub desired: i32,
    /// Replicas running the current template.
    pub updated: i32,
    /// Available replicas (all templates).
    pub available: i32,
}

impl RolloutStatus {
    /// Progress from 0.0 to 1.0: updated and available replicas over twice the desired count.
    pub fn fraction(&self) -> f64 {
        if self.done {
            return 1.0;
        }
        if self.desired <= 0 {
            return 0.0;
        }
        let updated = self.updated.min(self.desired);
        let available = self.available.min(updated);
        f64::from(updated + available) / f64::from(2 * self.desired)
    }
}

/// What `kubectl rollout status` says about `deployment` now (its `DeploymentStatusViewer`).
pub fn rollout_status(deployment: &Deployment) -> RolloutStatus {
    let name = deployment.metadata.name.as_deref().unwrap_or_default();
    let spec = deployment.spec.as_ref();
    let status = deployment.status.clone().unwrap_or_default();
    let timed_out = status
        .conditions
        .iter()
        .flatten()
        .any(|c| c.type_ == "Progressing" && c.reason.as_deref() == Some(DEADLINE_EXCEEDED));
    status_of(
        name,
        &Counts {
            desired: spec.and_then(|s| s.replicas).unwrap_or(1),
            replicas: status.replicas.unwrap_or(0),
            updated: status.updated_replicas.unwrap_or(0),
            available: status.available_replicas.unwrap_or(0),
            observed: deployment.metadata.generation.unwrap_or(0)
                <= status.observed_generation.unwrap_or(0),
            paused: spec.and_then(|s| s.paused).unwrap_or(false),
            timed_out,
        },
    )
}

/// The same, from the dashboard's row of Deployment `name` (no full object needed).
pub fn rollout_status_of_row(name: &str, row: &DeploymentRow) -> RolloutStatus {
    status_of(
        name,
        &Counts {
            desired: row.desired,
            replicas: row.current,
            updated: row.updated,
            available: row.available,
            observed: row.generation <= row.observed_generation,
            paused: row.paused,
            timed_out: row
                .conditions
                .iter()
                .any(|c| c.type_ == "Progressing" && c.reason == DEADLINE_EXCEEDED),
        },
    )
}

const DEADLINE_EXCEEDED: &str = "ProgressDeadlineExceeded";

struct Counts {
    desired: i32,
    replicas: i32,
    updated: i32,
    available: i32,
    observed: bool,
    paused: bool,
    timed_out: bool,
}

fn status_of(name: &str, c: &Counts) -> RolloutStatus {
    let mut result = RolloutStatus {
        message: String::new(),
        done: false,
        failed: false,
        paused: c.paused,
        desired: c.desired,
        updated: c.updated,
        available: c.available,
    };
    let waiting =
        |what: String| format!("Waiting for deployment {name:?} rollout to finish: {what}...");
    result.message = if !c.observed {
        "Waiting for deployment spec update to be observed...".into()
    } else if c.timed_out {
        result.failed = true;
        format!("deployment {name:?} exceeded its progress deadline")
    } else if c.updated < c.desired {
        waiting(format!(
            "{} out of {} new replicas have been updated",
            c.updated, c.desired
        ))
    } else if c.replicas > c.updated {
        waiting(format!(
            "{} old replicas are pending termination",
            c.replicas - c.updated
        ))
    } else if c.available < c.updated {
        waiting(format!(
            "{} of {} updated replicas are available",
            c.available, c.updated
        ))
    } else {
        result.done = true;
        format!("deployment {name:?} successfully rolled out")
    };
    result
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn with(generation: i64, status: &serde_json::Value) -> Deployment {
        serde_json::from_value(json!({
            "metadata": {"name": "myapp-deploy", "generation": generation},
            "spec": {"replicas": 3, "selector": {}, "template": {}},
            "status": status.clone(),
        }))
        .unwrap()
    }

    #[test]
    fn messages_follow_kubectls_order() {
        let s = rollout_status(&with(2, &json!({"observedGeneration": 1})));
        assert_eq!(
            s.message,
            "Waiting for deployment spec update to be observed..."
        );
        let s = rollout_status(&with(
            2,
            &json!({"observedGeneration": 2, "replicas": 4, "updatedReplicas": 1, "availableReplicas": 3}),
        ));
        assert_eq!(
            s.message,
            "Waiting for deployment \"myapp-deploy\" rollout to finish: 1 out of 3 new replicas have been updated..."
        );
        let s = rollout_status(&with(
            2,
            &json!({"observedGeneration": 2, "replicas": 4, "updatedReplicas": 3, "availableReplicas": 3}),
        ));
        assert!(
            s.message
                .ends_with("1 old replicas are pending termination..."),
            "{}",
            s.message
        );
        let s = rollout_status(&with(
            2,
            &json!({"observedGeneration": 2, "replicas": 3, "updatedReplicas": 3, "availableReplicas": 2}),
        ));
        assert!(
            s.message
                .ends_with("2 of 3 updated replicas are available..."),
            "{}",
            s.message
        );
        assert!(!s.done && s.fraction() > 0.5 && s.fraction() < 1.0);
        let s = rollout_status(&with(
            2,
            &json!({"observedGeneration": 2, "replicas": 3, "updatedReplicas": 3, "availableReplicas": 3}),
        ));
        assert_eq!(
            s.message,
            "deployment \"myapp-deploy\" successfully rolled out"
        );
        assert!(s.done);
        assert!((s.fraction() - 1.0).abs() < f64::EPSILON);
    }

    #[test]
    fn progress_deadline_exceeded_is_a_failure() {
        let s = rollout_status(&with(
            2,
            &json!({"observedGeneration": 2, "updatedReplicas": 1, "conditions": [
                {"type": "Progressing", "status": "False", "reason": "ProgressDeadlineExceeded"}
            ]}),
        ));
        assert!(s.failed && !s.done);
        assert_eq!(
            s.message,
            "deployment \"myapp-deploy\" exceeded its progress deadline"
        );
    }

    #[test]
    fn rows_give_the_same_status_as_objects() {
        let row = DeploymentRow {
            desired: 3,
            current: 4,
            updated: 1,
            available: 3,
            generation: 2,
            observed_generation: 2,
            paused: true,
            ..DeploymentRow::default()
        };
        let from_row = rollout_status_of_row("myapp-deploy", &row);
        let from_object = rollout_status(&with(
            2,
            &json!({"observedGeneration": 2, "replicas": 4, "updatedReplicas": 1, "availableReplicas": 3}),
        ));
        assert_eq!(from_row.message, from_object.message);
        assert!(from_row.paused);
        assert!(
            (from_row.fraction() - 2.0 / 6.0).abs() < 1e-9,
            "{}",
            from_row.fraction()
        );
    }
}
