//! Canary: set a new image and stop the rollout after exactly N new pods are
//! created and ready, whatever maxSurge/maxUnavailable were, without racing
//! the controller (see [`patches`] for why the one patch holds it there);
//! then promote (restore the strategy, resume) or abort (restore, roll the
//! template back to the revision before the canary, resume).
//!
//! A stepped canary ([`plan_steps`]) runs the same mechanism once per step, its plan and
//! progress kept on the Deployment ([`plan_annotation`]) and written by [`plan_ops`].

pub mod patches;
pub mod plan_annotation;
pub mod plan_ops;
pub mod plan_steps;

use std::time::Duration;

use futures::StreamExt;
use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use kube::api::Api;
use kube::runtime::{WatchStreamExt, watcher};
pub use patches::{CanaryOriginal, ORIGINAL_ANNOTATION};
use serde_json::{Value, json};

use super::conflict_retry::retry_on_conflict;
use super::op_error::{OpError, Refusal};
use super::revisions::{controlled_by, equal_ignore_hash, get_deployment, owned_replica_sets};
use super::set_image::find_container;
use super::undo::plan_undo;
use super::{Outcome, patch_request};
use crate::cluster::{ObjectKey, Permit};

/// What to canary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CanaryPlan {
    /// The Deployment.
    pub key: ObjectKey,
    /// The container whose image changes.
    pub container: String,
    /// The new image.
    pub image: String,
    /// How many new pods to run before stopping (at least 1, at most the replicas).
    pub new_pods: u32,
    /// The change-cause to record, if any.
    pub change_cause: Option<String>,
    /// How long to wait for the new pods to be ready.
    pub timeout: Duration,
}

impl CanaryPlan {
    /// A canary of `image` in `container` of Deployment `key`, pausing after `new_pods`
    /// new pods, recording kdeck's change-cause and waiting at most [`CANARY_TIMEOUT`].
    ///
    /// [`CANARY_TIMEOUT`]: super::CANARY_TIMEOUT
    pub fn new(key: ObjectKey, container: &str, image: &str, new_pods: u32) -> Self {
        Self {
            change_cause: Some(super::set_image::change_cause(&key.name, container, image)),
            key,
            container: container.to_owned(),
            image: image.to_owned(),
            new_pods,
            timeout: super::CANARY_TIMEOUT,
        }
    }
}

/// How a canary start is going, reported as it happens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CanaryProgress {
    /// The image and the hold were patched in.
    Patched,
    /// The new ReplicaSet's pods: created and ready, out of `wanted`.
    NewPods {
        /// The new ReplicaSet.
        replica_set: String,
        /// Pods it has.
        created: i32,
        /// Of which ready.
        ready: i32,
        /// The canary size.
        wanted: u32,
    },
    /// N new pods are ready and the rollout is paused.
    Paused,
}

/// Starts a canary: one patch (image, change-cause, the hold, the original
/// settings), then waits until the new ReplicaSet has `new_pods` ready pods and
/// pauses. On timeout the canary stays in place (abort or promote it).
pub(super) async fn start_canary(
    permit: &Permit,
    plan: &CanaryPlan,
    on_progress: &mut (dyn FnMut(CanaryProgress) + Send),
) -> Result<Outcome, OpError> {
    let client = permit.client();
    let (ns, name) = (plan.key.namespace.as_str(), plan.key.name.as_str());
    let current = get_deployment(client, ns, name).await?;
    check_can_start(&current, plan)?;
    let Some((list, _)) = find_container(&current, &plan.container) else {
        return Err(OpError::refused(
            Refusal::ContainerNotFound,
            format!("unable to find container named {:?}", plan.container),
        ));
    };
    let original = CanaryOriginal::of(&current);
    let body = patches::start_patch(
        current.metadata.resource_version.as_deref(),
        &original,
        list,
        &plan.container,
        &plan.image,
        plan.new_pods,
        plan.change_cause.as_deref(),
    );
    tracing::info!(what = permit.what(), "starting canary");
    let (patched, sent) = patch_request::send_strategic(permit, ns, name, &body).await?;
    on_progress(CanaryProgress::Patched);
    let waited = tokio::time::timeout(
        plan.timeout,
        wait_for_new_pods(client, &patched, plan.new_pods, on_progress),
    )
    .await;
    match waited {
        Ok(result) => result?,
        Err(_) => {
            return Err(OpError::Timeout(format!(
                "canary of deployment/{name}: {} new pod(s) of {} not ready after {}s; the canary stays in place (abort or promote it)",
                plan.new_pods,
                plan.image,
                plan.timeout.as_secs()
            )));
        }
    }
    // Paused only if this canary is still the Deployment's: an abort or promote sent while
    // the pods came up must not be followed by a pause (the server checks, atomically).
    let mine = canary_annotation(&patched).unwrap_or_default();
    patch_request::send_json_patch::<Deployment>(permit, ns, name, &guarded_pause(&mine)).await?;
    on_progress(CanaryProgress::Paused);
    Ok(Outcome::sent(
        format!(
            "deployment.apps/{name} canary: {} new pod(s) of {} ready, rollout paused",
            plan.new_pods, plan.image
        ),
        sent,
    ))
}

fn check_can_start(deployment: &Deployment, plan: &CanaryPlan) -> Result<(), OpError> {
    let name = &plan.key.name;
    let spec = deployment.spec.as_ref();
    if deployment
        .metadata
        .annotations
        .as_ref()
        .is_some_and(|a| a.contains_key(ORIGINAL_ANNOTATION))
    {
        return Err(OpError::refused(
            Refusal::CanaryActive,
            format!(
                "deployment/{name} already has a canary in progress: promote or abort it first"
            ),
        ));
    }
    if spec.and_then(|s| s.paused).unwrap_or(false) {
        return Err(OpError::refused(
            Refusal::Paused,
            format!("deployment/{name} is paused: resume it before starting a canary"),
        ));
    }
    let replicas = spec.and_then(|s| s.replicas).unwrap_or(1);
    if plan.new_pods == 0 || i64::from(plan.new_pods) > i64::from(replicas) {
        return Err(OpError::refused(
            Refusal::Unsupported,
            format!(
                "a canary needs between 1 and {replicas} new pods (deployment/{name} has {replicas} replicas), not {}",
                plan.new_pods
            ),
        ));
    }
    Ok(())
}

/// The hold annotation of `deployment`: which canary it carries.
fn canary_annotation(deployment: &Deployment) -> Option<String> {
    deployment
        .metadata
        .annotations
        .as_ref()?
        .get(ORIGINAL_ANNOTATION)
        .cloned()
}

/// The JSON patch that pauses only while the Deployment carries the canary `mine`.
fn guarded_pause(mine: &str) -> Value {
    let path = format!(
        "/metadata/annotations/{}",
        ORIGINAL_ANNOTATION.replace('~', "~0").replace('/', "~1")
    );
    json!([
        {"op": "test", "path": path, "value": mine},
        {"op": "add", "path": "/spec/paused", "value": true}
    ])
}

/// Why `now` is no longer running the canary that was started as `started`, if it is not.
fn superseded(now: &Deployment, started: &Deployment) -> Option<&'static str> {
    if canary_annotation(now) != canary_annotation(started) {
        return Some("was promoted or aborted");
    }
    let template = |d: &Deployment| d.spec.as_ref().map(|s| s.template.clone());
    (template(now) != template(started)).then_some("got another pod template")
}

/// Watches the Deployment's ReplicaSets until the one running its template has `wanted`
/// ready pods; gives up as soon as the Deployment stops running this canary.
async fn wait_for_new_pods(
    client: &kube::Client,
    deployment: &Deployment,
    wanted: u32,
    on_progress: &mut (dyn FnMut(CanaryProgress) + Send),
) -> Result<(), OpError> {
    let ns = deployment
        .metadata
        .namespace
        .as_deref()
        .unwrap_or("default");
    let uid = deployment.metadata.uid.clone().unwrap_or_default();
    let Some(template) = deployment.spec.as_ref().map(|s| &s.template) else {
        return Err(OpError::Transport(
            "the patched Deployment has no spec".into(),
        ));
    };
    let name = deployment.metadata.name.clone().unwrap_or_default();
    let api: Api<ReplicaSet> = Api::namespaced(client.clone(), ns);
    let stream = watcher(api, watcher::Config::default())
        .default_backoff()
        .touched_objects();
    let mut stream = std::pin::pin!(stream);
    let deployments: Api<Deployment> = Api::namespaced(client.clone(), ns);
    let itself = watcher(
        deployments,
        watcher::Config::default().fields(&format!("metadata.name={name}")),
    )
    .default_backoff()
    .touched_objects();
    let mut itself = std::pin::pin!(itself);
    let mut last: Option<CanaryProgress> = None;
    loop {
        let event = tokio::select! {
            event = stream.next() => match event {
                Some(event) => event,
                None => break,
            },
            Some(Ok(now)) = itself.next() => {
                if let Some(why) = superseded(&now, deployment) {
                    return Err(OpError::refused(
                        Refusal::NoCanary,
                        format!(
                            "the canary of deployment/{name} {why} before its new pods were ready; nothing more was sent"
                        ),
                    ));
                }
                continue;
            }
        };
        let rs = match event {
            Ok(rs) => rs,
            Err(e) => {
                tracing::warn!("canary: ReplicaSet watch error, retrying: {e}");
                tokio::time::sleep(Duration::from_millis(500)).await;
                continue;
            }
        };
        let is_new = controlled_by(&rs, &uid)
            && rs
                .spec
                .as_ref()
                .and_then(|s| s.template.as_ref())
                .is_some_and(|t| equal_ignore_hash(t, template));
        if !is_new {
            continue;
        }
        let status = rs.status.as_ref();
        let progress = CanaryProgress::NewPods {
            replica_set: rs.metadata.name.clone().unwrap_or_default(),
            created: status.map_or(0, |s| s.replicas),
            ready: status.and_then(|s| s.ready_replicas).unwrap_or(0),
            wanted,
        };
        if last.as_ref() != Some(&progress) {
            on_progress(progress.clone());
            last = Some(progress);
        }
        let ready = status.and_then(|s| s.ready_replicas).unwrap_or(0);
        if i64::from(ready) >= i64::from(wanted) {
            return Ok(());
        }
    }
    Err(OpError::Transport(
        "the ReplicaSet watch ended before the canary was ready".into(),
    ))
}

/// Promotes a canary: restores the original strategy, minReadySeconds and progress
/// deadline, drops the annotation and resumes, in one JSON patch.
pub(super) async fn promote_canary(
    permit: &Permit,
    namespace: &str,
    deployment: &str,
) -> Result<Outcome, OpError> {
    let client = permit.client();
    retry_on_conflict(|| promote_once(client, permit, namespace, deployment)).await
}

async fn promote_once(
    client: &kube::Client,
    permit: &Permit,
    namespace: &str,
    deployment: &str,
) -> Result<Outcome, OpError> {
    let current = get_deployment(client, namespace, deployment).await?;
    let original = CanaryOriginal::stored_on(&current)?;
    let paused = current.spec.as_ref().and_then(|s| s.paused).is_some();
    let annotations = current.metadata.annotations.clone().unwrap_or_default();
    let mut ops = precondition(&current);
    ops.extend(patches::restore_operations(&original, annotations, paused));
    tracing::info!(what = permit.what(), "promoting canary");
    let sent = send(permit, namespace, deployment, Value::Array(ops)).await?;
    Ok(Outcome::sent(
        format!(
            "deployment.apps/{deployment} canary promoted: rollout resumed with its original strategy"
        ),
        sent,
    ))
}

/// Aborts a canary: restores the original settings and rolls the template back to
/// the revision before the canary (as `kubectl rollout undo --to-revision` would),
/// resuming, in one JSON patch.
pub(super) async fn abort_canary(
    permit: &Permit,
    namespace: &str,
    deployment: &str,
) -> Result<Outcome, OpError> {
    let client = permit.client();
    retry_on_conflict(|| abort_once(client, permit, namespace, deployment)).await
}

async fn abort_once(
    client: &kube::Client,
    permit: &Permit,
    namespace: &str,
    deployment: &str,
) -> Result<Outcome, OpError> {
    let current = get_deployment(client, namespace, deployment).await?;
    let original = CanaryOriginal::stored_on(&current)?;
    let replica_sets = owned_replica_sets(client, &current).await?;
    let undo = plan_undo(&current, &replica_sets, original.revision.unwrap_or(0))?;
    let paused = current.spec.as_ref().and_then(|s| s.paused).is_some();
    // The undo's template replacement, then the restore (which writes the undo's annotations).
    let mut ops = precondition(&current);
    ops.push(json!({"op": "replace", "path": "/spec/template", "value": undo.template}));
    ops.extend(patches::restore_operations(
        &original,
        undo.annotations.clone(),
        paused,
    ));
    tracing::info!(what = permit.what(), "aborting canary");
    let sent = send(permit, namespace, deployment, Value::Array(ops)).await?;
    Ok(Outcome::sent(
        format!(
            "deployment.apps/{deployment} canary aborted: rolled back to revision {}",
            undo.revision
        ),
        sent,
    ))
}

/// Refuse (Conflict) if the Deployment changed since it was read: promote and abort
/// replace whole fields computed from what was read (and read again on a Conflict).
fn precondition(deployment: &Deployment) -> Vec<Value> {
    deployment
        .metadata
        .resource_version
        .as_deref()
        .map(patches::unchanged_since)
        .into_iter()
        .collect()
}

async fn send(
    permit: &Permit,
    namespace: &str,
    deployment: &str,
    operations: Value,
) -> Result<String, OpError> {
    patch_request::send_json_patch::<Deployment>(permit, namespace, deployment, &operations)
        .await?;
    let path = patch_request::object_path::<Deployment>(namespace, deployment);
    Ok(patch_request::describe(
        &path,
        patch_request::JSON_PATCH,
        &operations,
    ))
}

#[cfg(test)]
mod tests {
    use super::super::revisions::fixtures::deployment;
    use super::*;

    fn plan(new_pods: u32) -> CanaryPlan {
        let key = ObjectKey {
            kind: crate::cluster::Kind::Deployment,
            namespace: "default".into(),
            name: "myapp-deploy".into(),
        };
        CanaryPlan::new(key, "myapp", "nginx:1.15.7", new_pods)
    }

    #[test]
    fn start_is_refused_when_paused_active_or_out_of_range() {
        let d = deployment("nginx:1.15.5", 2, false);
        assert!(check_can_start(&d, &plan(1)).is_ok());
        assert!(check_can_start(&d, &plan(3)).is_ok());
        let too_many = check_can_start(&d, &plan(4)).unwrap_err();
        assert_eq!(too_many.refusal(), Some(Refusal::Unsupported));
        assert!(check_can_start(&d, &plan(0)).is_err());
        let paused = deployment("nginx:1.15.5", 2, true);
        let err = check_can_start(&paused, &plan(1)).unwrap_err();
        assert_eq!(err.refusal(), Some(Refusal::Paused));
        let mut active = d.clone();
        active
            .metadata
            .annotations
            .as_mut()
            .unwrap()
            .insert(ORIGINAL_ANNOTATION.into(), "{}".into());
        let err = check_can_start(&active, &plan(1)).unwrap_err();
        assert_eq!(err.refusal(), Some(Refusal::CanaryActive));
    }
}
