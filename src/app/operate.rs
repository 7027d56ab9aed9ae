//! Sends an [`Operation`] through the cluster layer's operations, behind the gate's permit.

use super::operation::Operation;
use crate::cluster::ops::{self, Propagation};
use crate::cluster::{Cluster, Permit};

/// Runs `op` with `permit` and returns kubectl's words for what happened, or the error.
pub async fn operate(cluster: &Cluster, permit: &Permit, op: Operation) -> Result<String, String> {
    let client = cluster.client();
    let outcome = match op {
        Operation::Scale { key, replicas } => {
            ops::scale(
                &client,
                permit,
                key.kind,
                &key.namespace,
                &key.name,
                replicas,
            )
            .await
        }
        Operation::SetImage {
            key,
            container,
            image,
        } => {
            ops::set_image(
                &client,
                permit,
                &key.namespace,
                &key.name,
                &container,
                &image,
                None,
            )
            .await
        }
        Operation::Pause(key) => ops::pause(&client, permit, &key.namespace, &key.name).await,
        Operation::Resume(key) => ops::resume(&client, permit, &key.namespace, &key.name).await,
        Operation::Restart(key) => ops::restart(&client, permit, &key.namespace, &key.name).await,
        Operation::Undo { key, to_revision } => {
            ops::undo(&client, permit, &key.namespace, &key.name, to_revision).await
        }
        Operation::Delete(key) => {
            ops::delete(
                &client,
                permit,
                key.kind,
                &key.namespace,
                &key.name,
                Propagation::Background,
            )
            .await
        }
    };
    outcome.map(|o| o.message).map_err(|e| e.to_string())
}
