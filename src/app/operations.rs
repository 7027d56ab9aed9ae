//! The dialogs' requests to the cluster and their answers. `update` returns an
//! [`OpRequest`] as an effect; the loop hands it to [`spawn`], which asks the mutation
//! gate (for changes), runs the operation of `cluster::ops` as a task, and sends what
//! happened back as [`Action::OpReport`]: the loop never waits for the API server.

use std::sync::Arc;

use tokio::sync::mpsc::UnboundedSender;

use super::action::Action;
use crate::cluster::ops::{self, CanaryProgress, Operation, Refusal, Revision};
use crate::cluster::{Cluster, Kind, ObjectKey};

fn target(key: &ObjectKey) -> String {
    format!("{}/{}", key.kind.word(), key.name)
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
        operation: Operation,
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
        OpRequest::Mutate { id, operation } => {
            tokio::spawn(async move {
                let tx = actions.clone();
                let mut progress = move |p: CanaryProgress| {
                    let report = OpReport::Progress(canary_progress(&p));
                    let _ = tx.send(Action::OpReport { id, report });
                };
                let report = match cluster.send(&operation, &mut progress).await {
                    Ok(outcome) => OpReport::Done(outcome.message),
                    // The gate's own words: nothing was tried, so nothing "failed".
                    Err(e @ ops::OpError::ReadOnly(_)) => OpReport::Failed {
                        message: e.to_string(),
                        refusal: None,
                    },
                    Err(e) => OpReport::Failed {
                        message: format!("{operation} failed: {e}"),
                        refusal: e.refusal(),
                    },
                };
                let _ = actions.send(Action::OpReport { id, report });
            });
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
