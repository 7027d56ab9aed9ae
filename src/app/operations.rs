//! The dialogs' requests to the cluster and their answers. `update` returns an
//! [`OpRequest`] as an effect; the loop hands it to [`spawn`], which asks the mutation
//! gate (for changes), runs the operation of `cluster::ops` as a task, and sends what
//! happened back as [`Action::OpReport`]: the loop never waits for the API server.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc::UnboundedSender;

use super::action::Action;
use super::navigation::kind_word;
use crate::cluster::ops::{
    self, CanaryPlan, CanaryProgress, OpError, Propagation, Refusal, Revision,
};
use crate::cluster::{Cluster, Kind, ObjectKey, Permit};

/// How long a canary may take to get its new pods ready before kdeck stops waiting
/// (the canary stays in place; promote or abort it).
const CANARY_TIMEOUT: Duration = Duration::from_secs(600);

/// A change a dialog confirmed: exactly what will be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mutation {
    /// `kubectl scale --replicas` through the scale subresource.
    Scale {
        /// What to scale.
        key: ObjectKey,
        /// Replicas now (for the description).
        from: u32,
        /// Replicas wanted.
        to: u32,
    },
    /// `kubectl set image --record`.
    SetImage {
        /// The Deployment.
        key: ObjectKey,
        /// Container name.
        container: String,
        /// New image.
        image: String,
    },
    /// `kubectl rollout pause`.
    Pause(ObjectKey),
    /// `kubectl rollout resume`.
    Resume(ObjectKey),
    /// `kubectl rollout restart`.
    Restart(ObjectKey),
    /// `kubectl rollout undo --to-revision`, resuming first in the same patch when `resume`.
    Undo {
        /// The Deployment, StatefulSet or DaemonSet.
        key: ObjectKey,
        /// Revision to go back to.
        revision: i64,
        /// The Deployment is paused: resume and undo in one patch.
        resume: bool,
    },
    /// `kubectl delete --cascade=...`.
    Delete {
        /// The object.
        key: ObjectKey,
        /// What happens to what it owns.
        propagation: Propagation,
    },
    /// Set an image and stop the rollout once `new_pods` new pods are ready.
    Canary {
        /// The Deployment.
        key: ObjectKey,
        /// Container name.
        container: String,
        /// New image.
        image: String,
        /// How many new pods before pausing.
        new_pods: u32,
    },
    /// Promote a canary: restore the strategy and resume.
    Promote(ObjectKey),
    /// Abort a canary: roll back to the revision before it and resume.
    Abort(ObjectKey),
}

fn target(key: &ObjectKey) -> String {
    format!("{}/{}", kind_word(key.kind), key.name)
}

impl Mutation {
    /// What will be sent, as the confirmation, the gate and the status line say it.
    pub fn description(&self) -> String {
        match self {
            Self::Scale { key, from, to } => format!("scale {} {from} -> {to}", target(key)),
            Self::SetImage {
                key,
                container,
                image,
            } => format!("set image {} {container}={image}", target(key)),
            Self::Pause(key) => format!("pause {}", target(key)),
            Self::Resume(key) => format!("resume {}", target(key)),
            Self::Restart(key) => format!("restart {}", target(key)),
            Self::Undo {
                key,
                revision,
                resume: false,
            } => format!("undo {} to revision {revision}", target(key)),
            Self::Undo { key, revision, .. } => {
                format!("resume and undo {} to revision {revision}", target(key))
            }
            Self::Delete { key, propagation } => format!(
                "delete {} (propagation {})",
                target(key),
                propagation_name(*propagation)
            ),
            Self::Canary {
                key,
                container,
                image,
                new_pods,
            } => format!(
                "canary {} {container}={image}, {new_pods} new pod(s) then pause",
                target(key)
            ),
            Self::Promote(key) => format!("promote the canary of {}", target(key)),
            Self::Abort(key) => format!("abort the canary of {}", target(key)),
        }
    }
}

/// kubectl's word for a propagation policy (`--cascade=`).
pub fn propagation_name(propagation: Propagation) -> &'static str {
    match propagation {
        Propagation::Background => "Background",
        Propagation::Foreground => "Foreground",
        Propagation::Orphan => "Orphan",
    }
}

/// What a dialog reads before it can ask (nothing is changed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Load {
    /// The rollout history of a Deployment, StatefulSet or DaemonSet (revisions, templates,
    /// containers).
    History(ObjectKey),
    /// What deleting an object takes with it.
    Dependents(ObjectKey),
}

/// A request of a dialog, tagged with the id its answer comes back with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpRequest {
    /// Read something for the open dialog.
    Load {
        /// Answer id.
        id: u64,
        /// What to read.
        load: Load,
    },
    /// Send a change through the gate.
    Mutate {
        /// Answer id.
        id: u64,
        /// The change.
        mutation: Mutation,
    },
}

/// What came back for a request.
#[derive(Debug, Clone, PartialEq)]
pub enum OpReport {
    /// A step of a running operation (the canary's new pods).
    Progress(String),
    /// The change was made; kubectl's words for it.
    Done(String),
    /// The change failed: the API server's message or kdeck's (kubectl's) refusal.
    Failed {
        /// What to show.
        message: String,
        /// Which refusal, when kdeck refused before sending.
        refusal: Option<Refusal>,
    },
    /// The rollout history, oldest revision first.
    History(Result<Vec<Revision>, String>),
    /// What a delete takes with it.
    Dependents(Result<Vec<ObjectKey>, String>),
}

/// Runs `request` as a task; its report comes back through `actions`. Changes ask the
/// mutation gate first: a closed gate sends nothing and reports why.
pub fn spawn(cluster: &Arc<Cluster>, request: OpRequest, actions: UnboundedSender<Action>) {
    let cluster = Arc::clone(cluster);
    match request {
        OpRequest::Load { id, load } => {
            tokio::spawn(async move {
                let report = read(&cluster, load).await;
                let _ = actions.send(Action::OpReport { id, report });
            });
        }
        OpRequest::Mutate { id, mutation } => {
            let description = mutation.description();
            match cluster.gate().permit(description.clone()) {
                Err(refused) => {
                    let report = OpReport::Failed {
                        message: refused.to_string(),
                        refusal: None,
                    };
                    let _ = actions.send(Action::OpReport { id, report });
                }
                Ok(permit) => {
                    tokio::spawn(async move {
                        let report = match mutate(&cluster, &permit, mutation, id, &actions).await {
                            Ok(message) => OpReport::Done(message),
                            Err(e) => OpReport::Failed {
                                message: format!("{description} failed: {e}"),
                                refusal: e.refusal(),
                            },
                        };
                        let _ = actions.send(Action::OpReport { id, report });
                    });
                }
            }
        }
    }
}

async fn read(cluster: &Cluster, load: Load) -> OpReport {
    let client = cluster.client();
    match load {
        Load::History(key) => OpReport::History(
            match key.kind {
                Kind::Deployment => ops::rollout_history(&client, &key.namespace, &key.name).await,
                kind => {
                    ops::controller_history::rollout_history(
                        &client,
                        kind,
                        &key.namespace,
                        &key.name,
                    )
                    .await
                }
            }
            .map_err(|e| format!("cannot read the rollout history of {}: {e}", target(&key))),
        ),
        Load::Dependents(key) => OpReport::Dependents(
            ops::dependents(&client, key.kind, &key.namespace, &key.name)
                .await
                .map_err(|e| format!("cannot list what {} owns: {e}", target(&key))),
        ),
    }
}

async fn mutate(
    cluster: &Cluster,
    permit: &Permit,
    mutation: Mutation,
    id: u64,
    actions: &UnboundedSender<Action>,
) -> Result<String, OpError> {
    let client = cluster.client();
    let outcome = match mutation {
        Mutation::Scale { key, to, .. } => {
            ops::scale(&client, permit, key.kind, &key.namespace, &key.name, to).await
        }
        Mutation::SetImage {
            key,
            container,
            image,
        } => {
            let cause = ops::set_image::change_cause(&key.name, &container, &image);
            ops::set_image(
                &client,
                permit,
                &key.namespace,
                &key.name,
                &container,
                &image,
                Some(cause),
            )
            .await
        }
        Mutation::Pause(key) => ops::pause(&client, permit, &key.namespace, &key.name).await,
        Mutation::Resume(key) => ops::resume(&client, permit, &key.namespace, &key.name).await,
        Mutation::Restart(key) => {
            ops::restart(&client, permit, key.kind, &key.namespace, &key.name).await
        }
        Mutation::Undo { key, revision, .. } if key.kind != Kind::Deployment => {
            ops::controller_history::undo(
                &client,
                permit,
                key.kind,
                &key.namespace,
                &key.name,
                Some(revision),
            )
            .await
        }
        Mutation::Undo {
            key,
            revision,
            resume: false,
        } => ops::undo(&client, permit, &key.namespace, &key.name, Some(revision)).await,
        Mutation::Undo { key, revision, .. } => {
            ops::resume_and_undo(&client, permit, &key.namespace, &key.name, Some(revision)).await
        }
        Mutation::Delete { key, propagation } => {
            ops::delete(
                &client,
                permit,
                key.kind,
                &key.namespace,
                &key.name,
                propagation,
            )
            .await
        }
        Mutation::Canary {
            key,
            container,
            image,
            new_pods,
        } => {
            let plan = CanaryPlan {
                change_cause: Some(ops::set_image::change_cause(&key.name, &container, &image)),
                namespace: key.namespace,
                deployment: key.name,
                container,
                image,
                new_pods,
                timeout: CANARY_TIMEOUT,
            };
            let tx = actions.clone();
            let mut progress = move |p: CanaryProgress| {
                let report = OpReport::Progress(canary_progress(&p));
                let _ = tx.send(Action::OpReport { id, report });
            };
            ops::start_canary(&client, permit, &plan, &mut progress).await
        }
        Mutation::Promote(key) => {
            ops::promote_canary(&client, permit, &key.namespace, &key.name).await
        }
        Mutation::Abort(key) => ops::abort_canary(&client, permit, &key.namespace, &key.name).await,
    };
    outcome.map(|o| o.message)
}

/// The status line's words for a step of a canary start.
fn canary_progress(progress: &CanaryProgress) -> String {
    match progress {
        CanaryProgress::Patched => "canary: image set, waiting for the new pods…".to_owned(),
        CanaryProgress::NewPods {
            replica_set,
            created,
            ready,
            wanted,
        } => format!("canary: {replica_set} has {created} pod(s), {ready} of {wanted} ready…"),
        CanaryProgress::Paused => "canary: new pods ready, rollout paused".to_owned(),
    }
}
