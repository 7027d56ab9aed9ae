//! `kubectl edit`'s write: a PUT of the whole object carrying the resourceVersion that
//! was edited, so a change made meanwhile gives 409 Conflict instead of being
//! overwritten. With `dry_run` the server validates it (`dryRun=All`) and stores nothing.

use kube::api::{Api, DynamicObject, PostParams};
use serde_json::Value;

use super::delete::kubectl_name;
use super::op_error::{OpError, Refusal};
use crate::cluster::object_yaml::api_resource;
use crate::cluster::{Kind, ObjectKey, Permit};

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

/// The kind named by an object's `kind` field, among those kdeck knows.
pub fn kind_of(object: &Value) -> Option<Kind> {
    Some(match object["kind"].as_str()? {
        "Pod" => Kind::Pod,
        "ReplicaSet" => Kind::ReplicaSet,
        "Deployment" => Kind::Deployment,
        "StatefulSet" => Kind::StatefulSet,
        "DaemonSet" => Kind::DaemonSet,
        "Service" => Kind::Service,
        "Endpoints" => Kind::Endpoints,
        "EndpointSlice" => Kind::EndpointSlice,
        "Event" => Kind::Event,
        "Node" => Kind::Node,
        "Namespace" => Kind::Namespace,
        "ConfigMap" => Kind::ConfigMap,
        "Secret" => Kind::Secret,
        _ => return None,
    })
}

/// `kubectl create -f` of one object (`dry_run`: validated only), in `namespace` when
/// the object names none. Returns kubectl's words (`deployment.apps/web created`).
pub async fn create(
    client: &kube::Client,
    permit: &Permit,
    namespace: &str,
    object: &Value,
    dry_run: bool,
) -> Result<String, OpError> {
    tracing::info!(what = permit.what(), dry_run, "sending create");
    let kind = kind_of(object).ok_or_else(|| {
        OpError::refused(
            Refusal::Unsupported,
            format!(
                "cannot create a {:?}: kdeck creates Pods, Deployments, ReplicaSets, StatefulSets, DaemonSets, Services, ConfigMaps, Secrets, Namespaces...",
                object["kind"]
            ),
        )
    })?;
    let resource = api_resource(kind);
    let (_, namespaced) = super::delete::api_resource(kind);
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
    let word = kubectl_name(kind, &name).replace(' ', "/").replace('"', "");
    Ok(format!(
        "{word} created{}",
        if dry_run { " (server dry run)" } else { "" }
    ))
}
