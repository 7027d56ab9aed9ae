//! The writes of a stepped canary: starting a plan ([`PlanStart`]: the canary's start
//! patch for its first step, plus the plan's annotation), and every later change of its
//! progress ([`PlanWrite`]: the next step, a hold, a lease renewal or take-over), each one
//! JSON patch carrying the annotation with a precondition, so two kdecks never both
//! change a plan from what they read. Which write is due is decided by the dashboard
//! (`app::canary_plan`) from what its watches show; promote and abort are the canary's.

use std::fmt;

use k8s_openapi::api::apps::v1::Deployment;
use serde_json::{Value, json};

use super::super::op_error::{OpError, Refusal};
use super::super::revisions::get_deployment;
use super::super::set_image::find_container;
use super::super::{Outcome, patch_request};
use super::plan_annotation::{PLAN_ANNOTATION, PlanRecord};
use super::plan_steps::step_pods;
use super::{CanaryOriginal, ORIGINAL_ANNOTATION, patches};
use crate::cluster::{ObjectKey, Permit};

/// A plan to start on a Deployment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanStart {
    /// The Deployment.
    pub key: ObjectKey,
    /// The change-cause to record, if any.
    pub change_cause: Option<String>,
    /// The plan's record as it starts (step 0 scaling, the lease held by its kdeck): its
    /// text, written as the annotation.
    pub record: String,
    /// The container, image and number of steps, for the description.
    pub container: String,
    /// The canary's image.
    pub image: String,
    /// How many steps the plan has.
    pub steps: usize,
}

impl PlanStart {
    /// Starting `record` on Deployment `key`, recording kdeck's change-cause.
    pub fn new(key: ObjectKey, record: &PlanRecord) -> Self {
        Self {
            change_cause: Some(super::super::set_image::change_cause(
                &key.name,
                &record.container,
                &record.image,
            )),
            key,
            record: record.to_text(),
            container: record.container.clone(),
            image: record.image.clone(),
            steps: record.steps.len(),
        }
    }
}

/// What must still hold on the Deployment for a plan write to apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Precondition {
    /// The plan annotation is still exactly this text (the plan's compare-and-swap: status
    /// updates of the Deployment do not disturb it).
    Record(String),
    /// The Deployment is unchanged since this resourceVersion (taking a lease over).
    ResourceVersion(String),
}

/// Which change of a plan a write makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanChange {
    /// The step's pods are ready: pause, and the hold begins.
    Hold,
    /// The hold passed: scale to the next step's new pods and let the rollout run.
    NextStep {
        /// The next step's new pods.
        new_pods: u32,
    },
    /// Renew the lease.
    Renew,
    /// Take the plan over from a kdeck whose lease expired.
    TakeOver,
    /// Hold indefinitely (the user's `h`).
    HoldIndefinitely,
    /// Let an indefinite hold end (`h` again).
    Release,
}

/// One write of a running plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanWrite {
    /// The Deployment.
    pub key: ObjectKey,
    /// What must still hold.
    pub precondition: Precondition,
    /// The record to write (its text).
    pub record: String,
    /// The change.
    pub change: PlanChange,
    /// The record's step (from 0) and number of steps, for the description.
    pub step: (usize, usize),
}

impl PlanWrite {
    /// Writing `record` to `key` for `change`, if `precondition` still holds.
    pub fn new(
        key: ObjectKey,
        precondition: Precondition,
        record: &PlanRecord,
        change: PlanChange,
    ) -> Self {
        Self {
            key,
            precondition,
            record: record.to_text(),
            change,
            step: (record.step, record.steps.len()),
        }
    }
}

impl fmt::Display for PlanWrite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let target = format!("deployment/{}", self.key.name);
        let (step, steps) = (self.step.0 + 1, self.step.1);
        match self.change {
            PlanChange::Hold => write!(f, "hold {target} at step {step}/{steps}"),
            PlanChange::NextStep { new_pods } => {
                write!(f, "step {step}/{steps} of {target}: {new_pods} new pod(s)")
            }
            PlanChange::Renew => write!(f, "renew the plan lease of {target}"),
            PlanChange::TakeOver => {
                write!(
                    f,
                    "take over the canary plan of {target} at step {step}/{steps}"
                )
            }
            PlanChange::HoldIndefinitely => {
                write!(f, "hold the canary plan of {target} until you continue it")
            }
            PlanChange::Release => write!(f, "let the canary plan of {target} go on"),
        }
    }
}

/// The path of an annotation in a JSON patch.
fn annotation_path(name: &str) -> String {
    format!(
        "/metadata/annotations/{}",
        name.replace('~', "~0").replace('/', "~1")
    )
}

/// The JSON patch of `write`.
pub fn write_patch(write: &PlanWrite) -> Value {
    let path = annotation_path(PLAN_ANNOTATION);
    let mut ops = vec![match &write.precondition {
        Precondition::Record(text) => json!({"op": "test", "path": path, "value": text}),
        Precondition::ResourceVersion(rv) => patches::unchanged_since(rv),
    }];
    ops.push(json!({"op": "add", "path": path, "value": write.record}));
    match write.change {
        PlanChange::Hold => ops.push(json!({"op": "add", "path": "/spec/paused", "value": true})),
        PlanChange::NextStep { new_pods } => {
            ops.push(json!({"op": "add", "path": "/spec/strategy/rollingUpdate/maxSurge", "value": new_pods}));
            ops.push(json!({"op": "add", "path": "/spec/paused", "value": false}));
        }
        PlanChange::Renew
        | PlanChange::TakeOver
        | PlanChange::HoldIndefinitely
        | PlanChange::Release => {}
    }
    Value::Array(ops)
}

/// Sends `write`: refused by the server (Conflict, or a failed test) when the plan or the
/// Deployment changed since it was read.
pub(in crate::cluster::ops) async fn write_plan(
    permit: &Permit,
    write: &PlanWrite,
) -> Result<Outcome, OpError> {
    let (ns, name) = (write.key.namespace.as_str(), write.key.name.as_str());
    let body = write_patch(write);
    tracing::info!(what = permit.what(), "writing canary plan");
    patch_request::send_json_patch::<Deployment>(permit, ns, name, &body)
        .await
        .map_err(|e| stale_plan(e, write))?;
    let path = patch_request::object_path::<Deployment>(ns, name);
    Ok(Outcome::sent(
        format!("deployment.apps/{name}: {write}"),
        patch_request::describe(&path, patch_request::JSON_PATCH, &body),
    ))
}

/// A plan write whose `test` of the plan read failed: kube-apiserver answers 422 with a
/// generic message ("the server rejected our request..."), which says nothing of why.
fn stale_plan(error: OpError, write: &PlanWrite) -> OpError {
    match (error, &write.precondition) {
        (OpError::Api(mut failure), Precondition::Record(_)) if failure.code == 422 => {
            failure.message = format!(
                "the canary plan of deployment/{} changed since it was read (another kdeck, or a change by hand), so it was not written ({})",
                write.key.name, failure.message
            );
            OpError::Api(failure)
        }
        (error, _) => error,
    }
}

fn refuse(message: String) -> OpError {
    OpError::refused(Refusal::CanaryActive, message)
}

/// Starts a plan: the canary's start patch for the first step's new pods, with the
/// plan's annotation, refused if the Deployment changed since it was read. The
/// dashboard drives it from there.
pub(in crate::cluster::ops) async fn start_plan(
    permit: &Permit,
    start: &PlanStart,
) -> Result<Outcome, OpError> {
    let (ns, name) = (start.key.namespace.as_str(), start.key.name.as_str());
    let record =
        PlanRecord::parse(&start.record).map_err(|e| OpError::refused(Refusal::Unsupported, e))?;
    let current = get_deployment(permit.client(), ns, name).await?;
    let annotations = current.metadata.annotations.clone().unwrap_or_default();
    if annotations.contains_key(PLAN_ANNOTATION) || annotations.contains_key(ORIGINAL_ANNOTATION) {
        return Err(refuse(format!(
            "deployment/{name} already has a canary in progress: promote or abort it first"
        )));
    }
    let spec = current.spec.as_ref();
    if spec.and_then(|s| s.paused).unwrap_or(false) {
        return Err(OpError::refused(
            Refusal::Paused,
            format!("deployment/{name} is paused: resume it before starting a canary"),
        ));
    }
    let replicas = spec.and_then(|s| s.replicas).unwrap_or(1);
    let pods = step_pods(&record.steps, replicas)
        .map_err(|e| OpError::refused(Refusal::Unsupported, e))?;
    let first = pods.first().copied().unwrap_or(1);
    let Some((list, _)) = find_container(&current, &record.container) else {
        return Err(OpError::refused(
            Refusal::ContainerNotFound,
            format!("unable to find container named {:?}", record.container),
        ));
    };
    let original = CanaryOriginal::of(&current);
    let mut body = patches::start_patch(
        current.metadata.resource_version.as_deref(),
        &original,
        list,
        &record.container,
        &record.image,
        first,
        start.change_cause.as_deref(),
    );
    body["metadata"]["annotations"][PLAN_ANNOTATION] = json!(start.record);
    tracing::info!(what = permit.what(), "starting canary plan");
    let (_, sent) = patch_request::send_strategic(permit, ns, name, &body).await?;
    Ok(Outcome::sent(
        format!(
            "deployment.apps/{name} canary plan started: step 1/{}, {first} new pod(s) of {}",
            record.steps.len(),
            record.image
        ),
        sent,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::Kind;

    fn key() -> ObjectKey {
        ObjectKey {
            kind: Kind::Deployment,
            namespace: "default".into(),
            name: "myapp-deploy".into(),
        }
    }

    fn write(precondition: Precondition, change: PlanChange) -> PlanWrite {
        PlanWrite {
            key: key(),
            precondition,
            record: "{\"version\":1}".into(),
            change,
            step: (1, 4),
        }
    }

    #[test]
    fn a_write_tests_the_plan_it_read_then_changes_only_what_its_change_needs() {
        let next = write_patch(&write(
            Precondition::Record("old".into()),
            PlanChange::NextStep { new_pods: 2 },
        ));
        assert_eq!(
            next,
            json!([
                {"op": "test", "path": "/metadata/annotations/kdeck.io~1canary-plan", "value": "old"},
                {"op": "add", "path": "/metadata/annotations/kdeck.io~1canary-plan", "value": "{\"version\":1}"},
                {"op": "add", "path": "/spec/strategy/rollingUpdate/maxSurge", "value": 2},
                {"op": "add", "path": "/spec/paused", "value": false}
            ])
        );
        let hold = write_patch(&write(Precondition::Record("old".into()), PlanChange::Hold));
        assert_eq!(
            hold[2],
            json!({"op": "add", "path": "/spec/paused", "value": true})
        );
        let take = write_patch(&write(
            Precondition::ResourceVersion("41".into()),
            PlanChange::TakeOver,
        ));
        assert_eq!(
            take[0],
            json!({"op": "replace", "path": "/metadata/resourceVersion", "value": "41"})
        );
        assert_eq!(take.as_array().unwrap().len(), 2, "the annotation only");
    }

    #[test]
    fn descriptions_name_the_step() {
        let w = write(
            Precondition::Record(String::new()),
            PlanChange::NextStep { new_pods: 2 },
        );
        assert_eq!(
            w.to_string(),
            "step 2/4 of deployment/myapp-deploy: 2 new pod(s)"
        );
        let t = write(Precondition::Record(String::new()), PlanChange::TakeOver);
        assert_eq!(
            t.to_string(),
            "take over the canary plan of deployment/myapp-deploy at step 2/4"
        );
    }
}
