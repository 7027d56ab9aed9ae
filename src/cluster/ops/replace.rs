//! `kubectl edit`'s write: a PUT of the whole object carrying the resourceVersion that
//! was edited, so a change made meanwhile gives 409 Conflict instead of being
//! overwritten. With `dry_run` the server validates it (`dryRun=All`) and stores nothing.

use kube::api::{Api, DynamicObject, PostParams};
use serde_json::Value;

use super::op_error::{OpError, Refusal};
use crate::cluster::{Kind, ObjectKey, Permit};

/// PUTs `object` as the new `key` (`dry_run`: validated only). Returns the object the
/// server answered with, and kubectl's words for it (`deployment.apps/web edited`).
pub(super) async fn replace(
    permit: &Permit,
    key: &ObjectKey,
    object: &Value,
    dry_run: bool,
) -> Result<(Value, String), OpError> {
    let client = permit.client();
    tracing::info!(what = permit.what(), dry_run, "sending replace");
    let resource = key.kind.api_resource();
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
    Ok((
        value,
        format!("{}/{} edited", key.kind.qualified(), key.name),
    ))
}

/// `kubectl create -f` of one object (`dry_run`: validated only), in `namespace` when
/// the object names none. Returns kubectl's words (`deployment.apps/web created`).
pub(super) async fn create(
    permit: &Permit,
    namespace: &str,
    object: &Value,
    dry_run: bool,
) -> Result<String, OpError> {
    let client = permit.client();
    tracing::info!(what = permit.what(), dry_run, "sending create");
    let kind = Kind::of_object(object).ok_or_else(|| {
        OpError::refused(
            Refusal::Unsupported,
            format!(
                "cannot create a {:?}: kdeck creates Pods, Deployments, ReplicaSets, StatefulSets, DaemonSets, Services, ConfigMaps, Secrets, Namespaces...",
                object["kind"]
            ),
        )
    })?;
    let resource = kind.api_resource();
    let namespaced = kind.namespaced();
    let ns = object["metadata"]["namespace"]
        .as_str()
        .unwrap_or(namespace);
    let api: Api<DynamicObject> = if namespaced {
        Api::namespaced_with(client.clone(), ns, &resource)
    } else {
        Api::all_with(client.clone(), &resource)
    };
    let body: DynamicObject = serde_json::from_value(object.clone()).map_err(|e| {
        OpError::refused(
            Refusal::Unsupported,
            format!("not a Kubernetes object: {e}"),
        )
    })?;
    let params = PostParams {
        dry_run,
        field_manager: Some("kdeck-create".to_owned()),
    };
    let created = api.create(&params, &body).await?;
    let name = created.metadata.name.unwrap_or_default();
    let word = format!("{}/{name}", kind.qualified());
    Ok(format!(
        "{word} created{}",
        if dry_run { " (server dry run)" } else { "" }
    ))
}
