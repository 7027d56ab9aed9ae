//! The ready pods behind a workload or a Service, in the order kubectl picks one
//! (`kubectl exec deploy/x`, `kubectl port-forward svc/x`): the pods its selector
//! matches that run and are ready, the longest-lived first (kubectl sorts by
//! `ActivePods`, reversed, and takes the first).

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use kube::api::{Api, DynamicObject, ListParams};
use kube::core::Selector;

use super::model::{Kind, ObjectKey};
use super::object_yaml::short_error;

/// Whether `pod` runs, is ready and is not on its way out.
pub fn is_ready(pod: &Pod) -> bool {
    let Some(status) = &pod.status else {
        return false;
    };
    pod.metadata.deletion_timestamp.is_none()
        && status.phase.as_deref() == Some("Running")
        && status
            .conditions
            .iter()
            .flatten()
            .any(|c| c.type_ == "Ready" && c.status == "True")
}

/// The selector of a Deployment, ReplicaSet, StatefulSet, DaemonSet or Service.
async fn selector_of(client: &kube::Client, key: &ObjectKey) -> Result<Selector, String> {
    let api: Api<DynamicObject> =
        Api::namespaced_with(client.clone(), &key.namespace, &key.kind.api_resource());
    let object = api.get(&key.name).await.map_err(|e| short_error(&e))?;
    let selector = &object.data["spec"]["selector"];
    let parsed = if key.kind == Kind::Service {
        serde_json::from_value::<BTreeMap<String, String>>(selector.clone())
            .map(|labels| labels.into_iter().collect::<Selector>())
            .map_err(|e| e.to_string())
    } else {
        serde_json::from_value::<LabelSelector>(selector.clone())
            .map_err(|e| e.to_string())
            .and_then(|s| Selector::try_from(s).map_err(|e| e.to_string()))
    };
    let selector = parsed.map_err(|e| {
        format!(
            "{}/{} has no selector kdeck can read: {e}",
            key.kind.word(),
            key.name
        )
    })?;
    if selector.selects_all() {
        return Err(format!(
            "{}/{} selects no pods (it has no selector)",
            key.kind.word(),
            key.name
        ));
    }
    Ok(selector)
}

/// The ready pods of `key` (a workload or a Service), the one kubectl would pick
/// first; empty when none is ready.
pub async fn ready_pods(client: &kube::Client, key: &ObjectKey) -> Result<Vec<Pod>, String> {
    let pods: Api<Pod> = Api::namespaced(client.clone(), &key.namespace);
    let selector = selector_of(client, key).await?;
    let list = pods
        .list(&ListParams::default().labels_from(&selector))
        .await
        .map_err(|e| short_error(&e))?;
    let mut ready: Vec<Pod> = list.items.into_iter().filter(is_ready).collect();
    ready.sort_by(|a, b| {
        let created = |p: &Pod| p.metadata.creation_timestamp.as_ref().map(|t| t.0);
        created(a)
            .cmp(&created(b))
            .then_with(|| a.metadata.name.cmp(&b.metadata.name))
    });
    Ok(ready)
}

/// The pod `key` names, or for a workload or Service its first ready pod; or why there
/// is none.
pub async fn pod_for(client: &kube::Client, key: &ObjectKey) -> Result<Pod, String> {
    if key.kind == Kind::Pod {
        let pods: Api<Pod> = Api::namespaced(client.clone(), &key.namespace);
        return pods.get(&key.name).await.map_err(|e| short_error(&e));
    }
    ready_pods(client, key)
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| {
            format!(
                "{}/{} has no ready pod (try again once one is ready)",
                key.kind.word(),
                key.name
            )
        })
}
