//! The canary's patch bodies, pure so the UI can show them before sending.
//!
//! Starting sets, in ONE strategic merge patch: the new image and
//! change-cause; rollingUpdate maxSurge=N, maxUnavailable=0; and a
//! minReadySeconds just below a progressDeadlineSeconds of at least an hour
//! (validation wants the deadline greater). The controller then creates
//! exactly N new pods (total is capped at replicas+N) and never scales an old
//! one down (with maxUnavailable=0 it may only remove as many old pods as new
//! ones are *available*, and a new pod is not available before
//! minReadySeconds), so N new pods get Ready and stay the only new ones until
//! kdeck pauses the rollout. The original strategy, minReadySeconds,
//! progressDeadlineSeconds and revision are kept in the
//! `kdeck.io/canary-original` annotation for promote and abort.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::Deployment;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::cluster::ops::op_error::{OpError, Refusal};
use crate::cluster::ops::revisions::{CHANGE_CAUSE_ANNOTATION, REVISION_ANNOTATION};

/// The Deployment annotation holding what a canary changed (JSON of [`CanaryOriginal`]).
pub const ORIGINAL_ANNOTATION: &str = "kdeck.io/canary-original";

/// The shortest progress deadline a canary holds with, in seconds.
pub const HOLD_DEADLINE_SECONDS: i32 = 3600;

/// What a canary changed on the Deployment, restored by promote and abort.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CanaryOriginal {
    /// `spec.strategy` before the canary (as JSON).
    pub strategy: Option<Value>,
    /// `spec.minReadySeconds` before the canary.
    pub min_ready_seconds: Option<i32>,
    /// `spec.progressDeadlineSeconds` before the canary.
    pub progress_deadline_seconds: Option<i32>,
    /// The Deployment's revision before the canary: what abort rolls back to.
    pub revision: Option<i64>,
}

impl CanaryOriginal {
    /// What `deployment` has now, before a canary starts.
    pub fn of(deployment: &Deployment) -> Self {
        let spec = deployment.spec.as_ref();
        Self {
            strategy: spec
                .and_then(|s| s.strategy.as_ref())
                .and_then(|s| serde_json::to_value(s).ok()),
            min_ready_seconds: spec.and_then(|s| s.min_ready_seconds),
            progress_deadline_seconds: spec.and_then(|s| s.progress_deadline_seconds),
            revision: deployment
                .metadata
                .annotations
                .as_ref()
                .and_then(|a| a.get(REVISION_ANNOTATION))
                .and_then(|r| r.parse().ok()),
        }
    }

    /// The one a running canary stored on `deployment`; refused when there is none.
    pub fn stored_on(deployment: &Deployment) -> Result<Self, OpError> {
        let name = deployment.metadata.name.as_deref().unwrap_or_default();
        let text = deployment
            .metadata
            .annotations
            .as_ref()
            .and_then(|a| a.get(ORIGINAL_ANNOTATION))
            .ok_or_else(|| {
                OpError::refused(
                    Refusal::NoCanary,
                    format!("deployment/{name} has no canary in progress (no {ORIGINAL_ANNOTATION} annotation)"),
                )
            })?;
        serde_json::from_str(text).map_err(|e| {
            OpError::refused(
                Refusal::NoCanary,
                format!(
                    "deployment/{name}: the {ORIGINAL_ANNOTATION} annotation is not kdeck's ({e})"
                ),
            )
        })
    }
}

/// The strategic merge patch that starts a canary of `new_pods` pods running
/// `image` in `list`/`container` (see the module documentation). With
/// `resource_version`, the server refuses it (Conflict) if the Deployment changed
/// since the original settings were read.
pub fn start_patch(
    resource_version: Option<&str>,
    original: &CanaryOriginal,
    list: &str,
    container: &str,
    image: &str,
    new_pods: u32,
    change_cause: Option<&str>,
) -> Value {
    let deadline = original
        .progress_deadline_seconds
        .unwrap_or(600)
        .max(HOLD_DEADLINE_SECONDS);
    let mut annotations = json!({
        ORIGINAL_ANNOTATION: serde_json::to_string(original).unwrap_or_default()
    });
    if let Some(cause) = change_cause {
        annotations[CHANGE_CAUSE_ANNOTATION] = json!(cause);
    }
    let mut metadata = json!({"annotations": annotations});
    if let Some(rv) = resource_version {
        metadata["resourceVersion"] = json!(rv);
    }
    json!({
        "metadata": metadata,
        "spec": {
            "strategy": {
                "type": "RollingUpdate",
                "rollingUpdate": {"maxSurge": new_pods, "maxUnavailable": 0}
            },
            "minReadySeconds": deadline - 1,
            "progressDeadlineSeconds": deadline,
            "template": {"spec": {list: [{"name": container, "image": image}]}}
        }
    })
}

/// The JSON patch operation that makes the server refuse (409 Conflict) when the
/// object changed since `resource_version` was read: the patched object carries
/// the old resourceVersion, and an update with a stale one conflicts.
pub fn unchanged_since(resource_version: &str) -> Value {
    json!({"op": "replace", "path": "/metadata/resourceVersion", "value": resource_version})
}

/// JSON patch operations restoring what [`start_patch`] changed, removing the
/// canary's annotations (and a stepped canary's plan) from `annotations` (the
/// Deployment's annotations to write back), and resuming when `paused`.
pub fn restore_operations(
    original: &CanaryOriginal,
    mut annotations: BTreeMap<String, String>,
    paused: bool,
) -> Vec<Value> {
    annotations.remove(ORIGINAL_ANNOTATION);
    annotations.remove(super::plan_annotation::PLAN_ANNOTATION);
    let mut ops = Vec::new();
    let mut set_or_remove = |path: &str, value: Option<Value>| match value {
        Some(value) => ops.push(json!({"op": "add", "path": path, "value": value})),
        None => ops.push(json!({"op": "remove", "path": path})),
    };
    set_or_remove("/spec/strategy", original.strategy.clone());
    set_or_remove(
        "/spec/minReadySeconds",
        original.min_ready_seconds.map(Value::from),
    );
    set_or_remove(
        "/spec/progressDeadlineSeconds",
        original.progress_deadline_seconds.map(Value::from),
    );
    ops.push(json!({"op": "replace", "path": "/metadata/annotations", "value": annotations}));
    if paused {
        ops.push(json!({"op": "remove", "path": "/spec/paused"}));
    }
    ops
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::ops::revisions::fixtures::deployment;

    fn tutorial_deployment() -> Deployment {
        let mut d = deployment("nginx:1.15.5", 2, false);
        let spec = d.spec.as_mut().unwrap();
        spec.strategy = Some(
            serde_json::from_value(json!({"type": "RollingUpdate",
                "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 1}}))
            .unwrap(),
        );
        spec.min_ready_seconds = Some(5);
        spec.progress_deadline_seconds = Some(600);
        d
    }

    #[test]
    fn original_round_trips_through_the_annotation() {
        let d = tutorial_deployment();
        let original = CanaryOriginal::of(&d);
        assert_eq!(original.revision, Some(2));
        assert_eq!(original.min_ready_seconds, Some(5));
        let patch = start_patch(
            None,
            &original,
            "containers",
            "myapp",
            "nginx:1.15.7",
            1,
            None,
        );
        let mut canary = d.clone();
        canary.metadata.annotations.as_mut().unwrap().insert(
            ORIGINAL_ANNOTATION.into(),
            patch["metadata"]["annotations"][ORIGINAL_ANNOTATION]
                .as_str()
                .unwrap()
                .into(),
        );
        assert_eq!(CanaryOriginal::stored_on(&canary).unwrap(), original);
        let err = CanaryOriginal::stored_on(&d).unwrap_err();
        assert_eq!(err.refusal(), Some(Refusal::NoCanary));
    }

    #[test]
    fn start_patch_surges_n_never_unavailable_and_holds_readiness() {
        let original = CanaryOriginal::of(&tutorial_deployment());
        let cause = "kdeck set image deployment/myapp-deploy myapp=nginx:1.15.7";
        let patch = start_patch(
            None,
            &original,
            "containers",
            "myapp",
            "nginx:1.15.7",
            2,
            Some(cause),
        );
        let spec = &patch["spec"];
        assert_eq!(
            spec["strategy"]["rollingUpdate"],
            json!({"maxSurge": 2, "maxUnavailable": 0})
        );
        assert_eq!(spec["progressDeadlineSeconds"], 3600);
        assert_eq!(spec["minReadySeconds"], 3599);
        assert_eq!(
            spec["template"]["spec"]["containers"],
            json!([{"name": "myapp", "image": "nginx:1.15.7"}])
        );
        assert_eq!(
            patch["metadata"]["annotations"][CHANGE_CAUSE_ANNOTATION],
            cause
        );
        // A longer original deadline is kept, readiness held just below it.
        let long = CanaryOriginal {
            progress_deadline_seconds: Some(7200),
            ..original
        };
        let patch = start_patch(Some("42"), &long, "containers", "myapp", "x", 1, None);
        assert_eq!(patch["spec"]["minReadySeconds"], 7199);
        assert!(
            patch["metadata"]["annotations"]
                .get(CHANGE_CAUSE_ANNOTATION)
                .is_none()
        );
    }

    #[test]
    fn restore_puts_back_each_field_and_drops_the_annotation() {
        let d = tutorial_deployment();
        let mut original = CanaryOriginal::of(&d);
        original.min_ready_seconds = None;
        let mut annotations = d.metadata.annotations.clone().unwrap();
        annotations.insert(ORIGINAL_ANNOTATION.into(), "{}".into());
        annotations.insert(
            super::super::plan_annotation::PLAN_ANNOTATION.into(),
            "{}".into(),
        );
        let ops = restore_operations(&original, annotations, true);
        assert_eq!(ops[0]["op"], "add");
        assert_eq!(ops[0]["path"], "/spec/strategy");
        assert_eq!(ops[0]["value"]["rollingUpdate"]["maxSurge"], "25%");
        assert_eq!(
            ops[1],
            json!({"op": "remove", "path": "/spec/minReadySeconds"})
        );
        assert_eq!(ops[2]["value"], 600);
        assert!(ops[3]["value"].get(ORIGINAL_ANNOTATION).is_none());
        assert!(ops[3]["value"].get("kdeck.io/canary-plan").is_none());
        assert_eq!(ops[3]["value"]["team"], "web");
        assert_eq!(ops[4], json!({"op": "remove", "path": "/spec/paused"}));
        assert_eq!(
            restore_operations(&original, BTreeMap::new(), false).len(),
            4
        );
    }
}
