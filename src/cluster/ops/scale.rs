//! `kubectl scale`: a merge patch of `spec.replicas` on the `/scale`
//! subresource (kubectl's `ScaleSimple` without preconditions).

use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet, StatefulSet};
use kube::Resource;
use kube::api::{Api, Patch, PatchParams};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::op_error::{OpError, Refusal};
use super::{Outcome, patch_request};
use crate::cluster::{Kind, Permit};

/// The merge patch kubectl sends to the scale subresource.
pub fn scale_patch(replicas: u32) -> Value {
    json!({"spec": {"replicas": replicas}})
}

/// `kubectl scale KIND/NAME --replicas=N` for a Deployment, ReplicaSet or StatefulSet.
pub(super) async fn scale(
    permit: &Permit,
    kind: Kind,
    namespace: &str,
    name: &str,
    replicas: u32,
) -> Result<Outcome, OpError> {
    let client = permit.client();
    match kind {
        Kind::Deployment => {
            scale_kind::<Deployment>(client, permit, namespace, name, replicas, "deployment").await
        }
        Kind::ReplicaSet => {
            scale_kind::<ReplicaSet>(client, permit, namespace, name, replicas, "replicaset").await
        }
        Kind::StatefulSet => {
            scale_kind::<StatefulSet>(client, permit, namespace, name, replicas, "statefulset")
                .await
        }
        other => Err(OpError::refused(
            Refusal::Unsupported,
            format!(
                "cannot scale a {other:?}: only Deployments, ReplicaSets and StatefulSets scale"
            ),
        )),
    }
}

async fn scale_kind<K>(
    client: &kube::Client,
    permit: &Permit,
    namespace: &str,
    name: &str,
    replicas: u32,
    resource: &str,
) -> Result<Outcome, OpError>
where
    K: Resource<DynamicType = (), Scope = k8s_openapi::NamespaceResourceScope>
        + Clone
        + DeserializeOwned
        + std::fmt::Debug,
{
    tracing::info!(what = permit.what(), "sending scale");
    let api: Api<K> = Api::namespaced(client.clone(), namespace);
    let body = scale_patch(replicas);
    api.patch_scale(name, &PatchParams::default(), &Patch::Merge(&body))
        .await?;
    let path = format!("{}/scale", patch_request::object_path::<K>(namespace, name));
    Ok(Outcome::sent(
        format!("{resource}.apps/{name} scaled"),
        patch_request::describe(&path, patch_request::MERGE_PATCH, &body),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patch_is_kubectls_merge_patch() {
        assert_eq!(scale_patch(5).to_string(), r#"{"spec":{"replicas":5}}"#);
    }
}
