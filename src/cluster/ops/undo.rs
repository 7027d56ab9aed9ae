//! `kubectl rollout undo [--to-revision=N]` for Deployments, as kubectl's
//! `DeploymentRollbacker` does it: find the ReplicaSet of that revision (0 =
//! the previous one), refuse while paused, skip when the template already
//! matches, otherwise one JSON patch replacing `/spec/template` (the
//! ReplicaSet's, minus `pod-template-hash`) and `/metadata/annotations` (the
//! ReplicaSet's, except the skip list, whose values stay the Deployment's).

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use k8s_openapi::api::core::v1::PodTemplateSpec;
use serde_json::{Value, json};

use super::canary::ORIGINAL_ANNOTATION;
use super::canary::patches::unchanged_since;
use super::conflict_retry::retry_on_conflict;
use super::op_error::{OpError, Refusal};
use super::revisions::{
    equal_ignore_hash, get_deployment, owned_replica_sets, replica_set_for_revision,
    template_without_hash,
};
use super::template_diff::{DiffLine, template_diff};
use super::{Outcome, patch_request};
use crate::cluster::Permit;

/// Annotations a rollback keeps from the Deployment instead of copying them from
/// the ReplicaSet (kubectl's `annotationsToSkip`).
pub const ANNOTATIONS_TO_SKIP: [&str; 6] = [
    "kubectl.kubernetes.io/last-applied-configuration",
    "deployment.kubernetes.io/revision",
    "deployment.kubernetes.io/revision-history",
    "deployment.kubernetes.io/desired-replicas",
    "deployment.kubernetes.io/max-replicas",
    "deprecated.deployment.rollback.to",
];

/// What an undo would do, computed before anything is sent (the preview).
#[derive(Debug, Clone, PartialEq)]
pub struct UndoPlan {
    /// The Deployment.
    pub deployment: String,
    /// The revision rolled back to.
    pub revision: i64,
    /// The ReplicaSet holding that revision.
    pub replica_set: String,
    /// The Deployment is paused: kubectl refuses the undo.
    pub paused: bool,
    /// The current template already matches the revision: nothing to send.
    pub skipped: bool,
    /// The template to restore (the ReplicaSet's, without `pod-template-hash`).
    pub template: PodTemplateSpec,
    /// The Deployment's annotations after the undo.
    pub annotations: BTreeMap<String, String>,
    /// Current template versus the restored one, as unified-diff lines.
    pub diff: Vec<DiffLine>,
    /// The Deployment's resourceVersion this plan was computed from.
    pub resource_version: Option<String>,
}

/// Computes the undo of `deployment` to `to_revision` (0 = previous) from the
/// ReplicaSets it controls, with kubectl's errors for a missing revision.
pub fn plan_undo(
    deployment: &Deployment,
    replica_sets: &[ReplicaSet],
    to_revision: i64,
) -> Result<UndoPlan, OpError> {
    let name = deployment.metadata.name.clone().unwrap_or_default();
    let (rs, revision) = replica_set_for_revision(&name, replica_sets, to_revision)?;
    let spec = deployment.spec.as_ref();
    let current = spec.map(|s| s.template.clone()).unwrap_or_default();
    let rs_template = rs
        .spec
        .as_ref()
        .and_then(|s| s.template.clone())
        .unwrap_or_default();
    let template = template_without_hash(&rs_template);
    let empty = BTreeMap::new();
    let deployment_annotations = deployment.metadata.annotations.as_ref().unwrap_or(&empty);
    let rs_annotations = rs.metadata.annotations.as_ref().unwrap_or(&empty);
    let mut annotations: BTreeMap<String, String> = ANNOTATIONS_TO_SKIP
        .iter()
        .filter_map(|k| {
            deployment_annotations
                .get(*k)
                .map(|v| ((*k).to_owned(), v.clone()))
        })
        .collect();
    for (k, v) in rs_annotations {
        // kdeck's own canary bookkeeping may have been copied onto a ReplicaSet;
        // it must never come back onto the Deployment with an old template.
        if !ANNOTATIONS_TO_SKIP.contains(&k.as_str()) && k != ORIGINAL_ANNOTATION {
            annotations.insert(k.clone(), v.clone());
        }
    }
    Ok(UndoPlan {
        deployment: name,
        revision,
        replica_set: rs.metadata.name.clone().unwrap_or_default(),
        paused: spec.and_then(|s| s.paused).unwrap_or(false),
        skipped: equal_ignore_hash(&rs_template, &current),
        diff: template_diff(&current, &template),
        resource_version: deployment.metadata.resource_version.clone(),
        template,
        annotations,
    })
}

/// The JSON patch operations kubectl sends for `plan`.
pub fn undo_patch(plan: &UndoPlan) -> Value {
    json!([
        {"op": "replace", "path": "/spec/template", "value": plan.template},
        {"op": "replace", "path": "/metadata/annotations", "value": plan.annotations},
    ])
}

fn paused_message(deployment: &str) -> String {
    format!(
        "you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume deployment/{deployment}' and try again"
    )
}

fn skipped_message(plan: &UndoPlan) -> String {
    format!(
        "deployment.apps/{} skipped rollback (current template already matches revision {})",
        plan.deployment, plan.revision
    )
}

/// The undo that `undo` would perform, for the preview before confirming. Reads only.
pub async fn undo_preview(
    client: &kube::Client,
    namespace: &str,
    deployment: &str,
    to_revision: Option<i64>,
) -> Result<UndoPlan, OpError> {
    let current = get_deployment(client, namespace, deployment).await?;
    let replica_sets = owned_replica_sets(client, &current).await?;
    plan_undo(&current, &replica_sets, to_revision.unwrap_or(0))
}

/// `kubectl rollout undo deployment/NAME [--to-revision=N]` (`None` or 0: the previous revision).
/// Refused with kubectl's message while the Deployment is paused (see [`resume_and_undo`]).
pub(super) async fn undo(
    permit: &Permit,
    namespace: &str,
    deployment: &str,
    to_revision: Option<i64>,
) -> Result<Outcome, OpError> {
    let client = permit.client();
    let plan = undo_preview(client, namespace, deployment, to_revision).await?;
    if plan.paused {
        return Err(OpError::refused(
            Refusal::Paused,
            paused_message(deployment),
        ));
    }
    if plan.skipped {
        return Ok(Outcome::nothing_sent(skipped_message(&plan)));
    }
    send(permit, namespace, &plan, undo_patch(&plan)).await
}

/// Resumes a paused Deployment and rolls it back in ONE patch (the undo's JSON patch
/// plus removing `spec.paused`), so the controller never rolls out the paused template
/// in between. The result equals `kubectl rollout resume` followed by `kubectl rollout undo`.
pub(super) async fn resume_and_undo(
    permit: &Permit,
    namespace: &str,
    deployment: &str,
    to_revision: Option<i64>,
) -> Result<Outcome, OpError> {
    let client = permit.client();
    retry_on_conflict(|| resume_and_undo_once(client, permit, namespace, deployment, to_revision))
        .await
}

async fn resume_and_undo_once(
    client: &kube::Client,
    permit: &Permit,
    namespace: &str,
    deployment: &str,
    to_revision: Option<i64>,
) -> Result<Outcome, OpError> {
    let plan = undo_preview(client, namespace, deployment, to_revision).await?;
    if !plan.paused {
        if plan.skipped {
            return Ok(Outcome::nothing_sent(skipped_message(&plan)));
        }
        return send(permit, namespace, &plan, undo_patch(&plan)).await;
    }
    // Unlike kubectl's two requests, one patch: refuse it (Conflict) if the
    // Deployment changed since the plan was computed (then it is planned again).
    let mut ops: Vec<Value> = plan
        .resource_version
        .as_deref()
        .map(unchanged_since)
        .into_iter()
        .collect();
    if !plan.skipped
        && let Value::Array(undo_ops) = undo_patch(&plan)
    {
        ops.extend(undo_ops);
    }
    ops.push(json!({"op": "remove", "path": "/spec/paused"}));
    let operations = Value::Array(ops);
    send(permit, namespace, &plan, operations).await
}

async fn send(
    permit: &Permit,
    namespace: &str,
    plan: &UndoPlan,
    operations: Value,
) -> Result<Outcome, OpError> {
    tracing::info!(what = permit.what(), "sending rollback");
    patch_request::send_json_patch::<Deployment>(permit, namespace, &plan.deployment, &operations)
        .await?;
    let path = patch_request::object_path::<Deployment>(namespace, &plan.deployment);
    Ok(Outcome::sent(
        format!("deployment.apps/{} rolled back", plan.deployment),
        patch_request::describe(&path, patch_request::JSON_PATCH, &operations),
    ))
}

#[cfg(test)]
mod tests {
    use super::super::revisions::fixtures::{deployment, history};
    use super::*;
    use crate::cluster::ops::template_diff::DiffLine;

    #[test]
    fn undo_to_previous_restores_the_rs_template_without_hash() {
        let d = deployment("nginx:1.15.7", 3, false);
        let plan = plan_undo(&d, &history(), 0).unwrap();
        assert_eq!(plan.revision, 2);
        assert_eq!(plan.replica_set, "myapp-deploy-b58578665");
        assert!(!plan.skipped && !plan.paused);
        let labels = plan
            .template
            .metadata
            .as_ref()
            .unwrap()
            .labels
            .as_ref()
            .unwrap();
        assert_eq!(labels.len(), 1, "only app=myapp: {labels:?}");
        let image = plan.template.spec.as_ref().unwrap().containers[0]
            .image
            .clone();
        assert_eq!(image.as_deref(), Some("nginx:1.15.5"));
    }

    #[test]
    fn annotations_come_from_the_rs_except_the_skip_list() {
        let d = deployment("nginx:1.15.7", 3, false);
        let plan = plan_undo(&d, &history(), 1).unwrap();
        let a = &plan.annotations;
        // Kept from the Deployment: revision and last-applied (skip list).
        assert_eq!(a["deployment.kubernetes.io/revision"], "3");
        assert_eq!(a["kubectl.kubernetes.io/last-applied-configuration"], "{}");
        // Copied from the ReplicaSet.
        assert_eq!(
            a["kubernetes.io/change-cause"],
            "kdeck set image deployment/myapp-deploy myapp=nginx:1.14.1"
        );
        assert_eq!(a["team"], "web");
        // Not copied from the ReplicaSet: the replica-count bookkeeping.
        assert!(!a.contains_key("deployment.kubernetes.io/desired-replicas"));
        assert!(!a.contains_key("deployment.kubernetes.io/max-replicas"));
    }

    #[test]
    fn patch_has_kubectls_shape() {
        let d = deployment("nginx:1.15.7", 3, false);
        let plan = plan_undo(&d, &history(), 1).unwrap();
        let patch = undo_patch(&plan);
        let ops = patch.as_array().unwrap();
        assert_eq!(ops.len(), 2);
        assert_eq!(ops[0]["op"], "replace");
        assert_eq!(ops[0]["path"], "/spec/template");
        assert_eq!(
            ops[0]["value"]["spec"]["containers"][0]["image"],
            "nginx:1.14.1"
        );
        assert!(ops[0]["value"]["metadata"]["labels"]["pod-template-hash"].is_null());
        assert_eq!(ops[1]["path"], "/metadata/annotations");
        assert_eq!(ops[1]["value"]["deployment.kubernetes.io/revision"], "3");
    }

    #[test]
    fn same_template_is_skipped_and_paused_is_flagged() {
        let d = deployment("nginx:1.15.5", 2, true);
        let plan = plan_undo(&d, &history(), 2).unwrap();
        assert!(plan.skipped);
        assert!(plan.paused);
        assert!(
            plan.diff
                .iter()
                .all(|l| !matches!(l, DiffLine::Added(_) | DiffLine::Removed(_)))
        );
        assert_eq!(
            skipped_message(&plan),
            "deployment.apps/myapp-deploy skipped rollback (current template already matches revision 2)"
        );
        assert!(
            paused_message("myapp-deploy")
                .contains("'kubectl rollout resume deployment/myapp-deploy'")
        );
    }

    #[test]
    fn preview_diff_shows_the_image_change() {
        let d = deployment("nginx:1.15.7", 3, false);
        let plan = plan_undo(&d, &history(), 1).unwrap();
        let removed =
            |l: &DiffLine| matches!(l, DiffLine::Removed(t) if t.contains("image: nginx:1.15.7"));
        let added =
            |l: &DiffLine| matches!(l, DiffLine::Added(t) if t.contains("image: nginx:1.14.1"));
        assert!(plan.diff.iter().any(removed), "{:?}", plan.diff);
        assert!(plan.diff.iter().any(added), "{:?}", plan.diff);
    }
}
