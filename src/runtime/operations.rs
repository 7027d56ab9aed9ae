//! The dialogs' reads and changes as tasks ([`spawn`]), and the permission questions
//! ([`ask`]); their answers come back as messages.

use std::sync::Arc;

use tokio::sync::mpsc::UnboundedSender;

use crate::app::Msg;
use crate::app::operations::{Load, OpReport, OpRequest};
use crate::app::permissions::{Answer, Question};
use crate::cluster::ops::{self, CanaryProgress};
use crate::cluster::{Cluster, Kind, ObjectKey, forward_target, session_target};

fn target(key: &ObjectKey) -> String {
    format!("{}/{}", key.kind.word(), key.name)
}

/// Runs `request` as a task; its report comes back through `actions`. Changes ask the
/// mutation gate first: a closed gate sends nothing and reports why.
pub fn spawn(cluster: &Arc<Cluster>, request: OpRequest, actions: UnboundedSender<Msg>) {
    let cluster = Arc::clone(cluster);
    match request {
        OpRequest::Load { id, load } => {
            tokio::spawn(async move {
                let report = read(&cluster, load).await;
                let _ = actions.send(Msg::OpReport { id, report });
            });
        }
        OpRequest::Mutate { id, operation } => {
            tokio::spawn(async move {
                let tx = actions.clone();
                let mut progress = move |p: CanaryProgress| {
                    let report = OpReport::Progress(canary_progress(&p));
                    let _ = tx.send(Msg::OpReport { id, report });
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
                let _ = actions.send(Msg::OpReport { id, report });
            });
        }
    }
}

/// A dialog's read, each through [`Cluster::read_with`]: a 401 renews the credentials and
/// asks once more.
async fn read(cluster: &Cluster, load: Load) -> OpReport {
    match &load {
        Load::History(key) => OpReport::History(
            cluster
                .read_with(|client| history(client, key))
                .await
                .map_err(|e| format!("cannot read the rollout history of {}: {e}", target(key))),
        ),
        Load::Dependents(key) => OpReport::Dependents(
            cluster
                .read_with(|client| async move {
                    ops::dependents(&client, key.kind, &key.namespace, &key.name).await
                })
                .await
                .map_err(|e| format!("cannot list what {} owns: {e}", target(key))),
        ),
        Load::SessionTarget { key, attach } => OpReport::SessionTarget(
            cluster
                .read_with(
                    |client| async move { session_target::resolve(&client, key, *attach).await },
                )
                .await,
        ),
        Load::ForwardTarget(key) => {
            let found = cluster
                .read_with(|client| async move { forward_target::choices(&client, key).await })
                .await;
            let found = match found {
                Ok(choices) => {
                    let mut locals = Vec::with_capacity(choices.ports.len());
                    for port in &choices.ports {
                        locals.push(super::forward_task::suggest_local_port(port.remote).await);
                    }
                    Ok((choices, locals))
                }
                Err(e) => Err(e),
            };
            OpReport::ForwardTarget(found)
        }
        Load::PodRunning(key) => OpReport::PodRunning(
            cluster
                .read_with(|client| async move {
                    ops::debug_pod::wait_running(&client, &key.namespace, &key.name).await
                })
                .await,
        ),
        Load::ContainerExit(key) => OpReport::ContainerExit(
            cluster
                .read_with(|client| async move {
                    ops::debug_pod::exit_code(&client, &key.namespace, &key.name).await
                })
                .await,
        ),
        Load::LeftoverPods(namespace) => OpReport::LeftoverPods(
            cluster
                .read_with(|client| async move {
                    ops::debug_pod::leftovers(&client, namespace.as_deref()).await
                })
                .await,
        ),
    }
}

/// The revisions of a Deployment (its ReplicaSets) or of a StatefulSet or DaemonSet (its
/// ControllerRevisions).
async fn history(
    client: kube::Client,
    key: &ObjectKey,
) -> Result<Vec<ops::Revision>, ops::OpError> {
    match key.kind {
        Kind::Deployment => ops::rollout_history(&client, &key.namespace, &key.name).await,
        kind => {
            ops::controller_history::rollout_history(&client, kind, &key.namespace, &key.name).await
        }
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

/// Asks the server; a failed review is [`Answer::Unknown`] (the key stays usable).
pub async fn ask(cluster: &Cluster, q: &Question) -> Answer {
    match cluster
        .can_i(q.verb, q.kind, q.subresource, q.namespace.as_deref())
        .await
    {
        Ok(true) => Answer::Allowed,
        Ok(false) => Answer::Denied,
        Err(e) => Answer::Unknown(format!("{e:#}")),
    }
}
