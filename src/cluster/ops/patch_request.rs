//! Sending the patches operations are made of, and describing them for
//! [`Outcome::sent`](super::Outcome). An RFC 6902 JSON patch (what
//! `kubectl rollout undo` sends) is built here by hand: kube-rs only offers it
//! behind its `jsonpatch` feature and crate, and the request still goes
//! through the client's layers.
//!
//! The senders take the [`Permit`] whose client they send with: they are the only
//! places a patch leaves kdeck, and only the operations of this module reach them.

use k8s_openapi::api::apps::v1::Deployment;
use kube::Resource;
use kube::api::{Api, Patch, PatchParams};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::op_error::OpError;
use crate::cluster::Permit;

/// The content type of a JSON patch.
pub const JSON_PATCH: &str = "application/json-patch+json";
/// The content type of a strategic merge patch.
pub const STRATEGIC_MERGE_PATCH: &str = "application/strategic-merge-patch+json";
/// The content type of a JSON merge patch.
pub const MERGE_PATCH: &str = "application/merge-patch+json";

/// The URL path of object `name` of kind `K` in `namespace`.
pub fn object_path<K>(namespace: &str, name: &str) -> String
where
    K: Resource<DynamicType = ()>,
{
    format!("{}/{name}", K::url_path(&(), Some(namespace)))
}

/// Sends `operations` (a JSON array of patch operations) to object `name` of kind `K`
/// and returns the patched object.
pub(super) async fn send_json_patch<K>(
    permit: &Permit,
    namespace: &str,
    name: &str,
    operations: &Value,
) -> Result<K, OpError>
where
    K: Resource<DynamicType = ()> + DeserializeOwned,
{
    let body = serde_json::to_vec(operations)
        .map_err(|e| OpError::Transport(format!("cannot encode the JSON patch: {e}")))?;
    let request = http::Request::patch(object_path::<K>(namespace, name))
        .header(http::header::CONTENT_TYPE, JSON_PATCH)
        .header(http::header::ACCEPT, "application/json")
        .body(body)
        .map_err(|e| OpError::Transport(format!("cannot build the JSON patch request: {e}")))?;
    Ok(permit.client().request::<K>(request).await?)
}

/// Sends a strategic merge patch to Deployment `name`; returns the described request.
pub(super) async fn send_strategic(
    permit: &Permit,
    namespace: &str,
    name: &str,
    body: &Value,
) -> Result<(Deployment, String), OpError> {
    send_strategic_to::<Deployment>(permit, namespace, name, body).await
}

/// Sends a strategic merge patch to object `name` of kind `K`; returns the described
/// request.
pub(super) async fn send_strategic_to<K>(
    permit: &Permit,
    namespace: &str,
    name: &str,
    body: &Value,
) -> Result<(K, String), OpError>
where
    K: Resource<DynamicType = (), Scope = k8s_openapi::NamespaceResourceScope>
        + DeserializeOwned
        + Clone
        + std::fmt::Debug,
{
    let api: Api<K> = Api::namespaced(permit.client().clone(), namespace);
    let patched = api
        .patch(name, &PatchParams::default(), &Patch::Strategic(body))
        .await?;
    let path = object_path::<K>(namespace, name);
    Ok((patched, describe(&path, STRATEGIC_MERGE_PATCH, body)))
}

/// A one-line description of a PATCH request, for [`Outcome::sent`](super::Outcome).
pub fn describe(path: &str, patch_type: &str, body: &Value) -> String {
    format!("PATCH {path} ({patch_type}) {body}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_path_is_the_namespaced_apps_path() {
        assert_eq!(
            object_path::<Deployment>("default", "myapp-deploy"),
            "/apis/apps/v1/namespaces/default/deployments/myapp-deploy"
        );
    }
}
