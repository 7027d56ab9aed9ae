//! `kubectl edit`'s write: a PUT of the whole object carrying the resourceVersion that
//! was edited, so a change made meanwhile gives 409 Conflict instead of being
//! overwritten. With `dry_run` the server validates it (`dryRun=All`) and stores nothing.

use kube::api::{Api, DynamicObject, PostParams};
use serde_json::Value;

use super::delete::kubectl_name;
use super::op_error::{OpError, Refusal};
use crate::cluster::object_yaml::api_resource;
use crate::cluster::{ObjectKey, Permit};

/// PUTs `object` as the new `key` (`dry_run`: validated only). Returns the object the
/// server answered with, and kubectl's words for it (`deployment.apps/web edited`).
pub async fn replace(
    client: &kube::Client,
    permit: &Permit,
    key: &ObjectKey,
    object: &Value,
    dry_run: bool,
) -> Result<(Value, String), OpError> {
    tracing::info!(what = permit.what(), dry_run, "sending replace");
    let resource = api_resource(key.kind);
    let api: Api<DynamicObject> = if key.namespace.is_empty() {
        Api::all_with(client.clone(), &resource)
    } else {
        Api::namespaced_with(client.clone(), &key.namespace, &resource)
    };
    let body: DynamicObject = serde_json::from_value(object.clone()).map_err(|e| {
        OpError::refused(
            Refusal::Unsupported,
            format!("the edited object is not a Kubernetes object: {e}"),
        )
    })?;
    let params = PostParams {
        dry_run,
        field_manager: Some("kdeck-edit".to_owned()),
    };
    let answer = api.replace(&key.name, &params, &body).await?;
    let value = serde_json::to_value(answer)
        .map_err(|e| OpError::Transport(format!("cannot read the server's answer: {e}")))?;
    let name = kubectl_name(key.kind, &key.name)
        .replace(' ', "/")
        .replace('"', "");
    Ok((value, format!("{name} edited")))
}
