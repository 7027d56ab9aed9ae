//! Deleting an object with a propagation policy, and listing what goes with
//! it (the objects it owns, transitively, by ownerReference uid) for the
//! confirmation dialog.

use k8s_openapi::api::apps::v1::ReplicaSet;
use k8s_openapi::api::batch::v1::Job;
use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::api::discovery::v1::EndpointSlice;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use kube::api::{Api, ApiResource, DeleteParams, DynamicObject, ListParams, PropagationPolicy};
use kube::{Resource, ResourceExt};

use super::Outcome;
use super::op_error::OpError;
use crate::cluster::{Kind, ObjectKey, Permit};

/// What happens to the objects the deleted one owns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Propagation {
    /// The object goes at once; the garbage collector removes its dependents after (kubectl's default).
    #[default]
    Background,
    /// The object stays (with a `foregroundDeletion` finalizer) until its dependents are gone.
    Foreground,
    /// The object goes; its dependents stay, without the ownerReference.
    Orphan,
}

impl Propagation {
    fn policy(self) -> PropagationPolicy {
        match self {
            Self::Background => PropagationPolicy::Background,
            Self::Foreground => PropagationPolicy::Foreground,
            Self::Orphan => PropagationPolicy::Orphan,
        }
    }
}

fn dynamic_api(client: &kube::Client, kind: Kind, namespace: &str) -> Api<DynamicObject> {
    let resource = kind.api_resource();
    if kind.namespaced() {
        Api::namespaced_with(client.clone(), namespace, &resource)
    } else {
        Api::all_with(client.clone(), &resource)
    }
}

/// `kubectl delete KIND NAME --cascade=background|foreground|orphan`.
pub(super) async fn delete(
    permit: &Permit,
    kind: Kind,
    namespace: &str,
    name: &str,
    propagation: Propagation,
) -> Result<Outcome, OpError> {
    let client = permit.client();
    tracing::info!(what = permit.what(), "sending delete");
    let params = DeleteParams {
        propagation_policy: Some(propagation.policy()),
        ..DeleteParams::default()
    };
    dynamic_api(client, kind, namespace)
        .delete(name, &params)
        .await?;
    let resource = kind.api_resource();
    let path = if kind.namespaced() {
        format!("{}/{name}", resource.url_path(namespace))
    } else {
        format!("{}/{name}", resource.url_path(""))
    };
    Ok(Outcome::sent(
        format!("{} deleted", kind.kubectl_name(name)),
        format!("DELETE {path} (propagationPolicy={propagation:?})"),
    ))
}

trait UrlPath {
    fn url_path(&self, namespace: &str) -> String;
}

impl UrlPath for ApiResource {
    fn url_path(&self, namespace: &str) -> String {
        DynamicObject::url_path(self, (!namespace.is_empty()).then_some(namespace))
    }
}

/// One object that could be owned: its key, uid and owners' uids.
#[derive(Debug, Clone)]
pub struct OwnedCandidate {
    /// The object.
    pub key: ObjectKey,
    /// Its uid.
    pub uid: String,
    /// The uids of its ownerReferences.
    pub owners: Vec<String>,
}

fn candidate(kind: Kind, meta: &ObjectMeta) -> OwnedCandidate {
    OwnedCandidate {
        key: ObjectKey {
            kind,
            namespace: meta.namespace.clone().unwrap_or_default(),
            name: meta.name.clone().unwrap_or_default(),
        },
        uid: meta.uid.clone().unwrap_or_default(),
        owners: meta
            .owner_references
            .iter()
            .flatten()
            .map(|r| r.uid.clone())
            .collect(),
    }
}

/// The candidates owned, directly or through each other, by `root_uid`, in
/// candidate order (put owners before what they own).
pub fn owned_by(root_uid: &str, candidates: &[OwnedCandidate]) -> Vec<ObjectKey> {
    let mut owners = vec![root_uid.to_owned()];
    let mut taken = vec![false; candidates.len()];
    loop {
        let mut grew = false;
        for (i, c) in candidates.iter().enumerate() {
            if !taken[i] && c.owners.iter().any(|o| owners.contains(o)) {
                taken[i] = true;
                owners.push(c.uid.clone());
                grew = true;
            }
        }
        if !grew {
            break;
        }
    }
    candidates
        .iter()
        .zip(taken)
        .filter(|(_, t)| *t)
        .map(|(c, _)| c.key.clone())
        .collect()
}

/// The objects of type `K` in `namespace` (every namespace for `None`) that could be
/// owned. A kind the server does not serve at the version kdeck reads (EndpointSlices
/// `v1` before 1.21) has no candidates rather than failing the whole answer.
async fn candidates_of<K>(
    client: &kube::Client,
    kind: Kind,
    namespace: Option<&str>,
) -> Result<Vec<OwnedCandidate>, OpError>
where
    K: Resource<DynamicType = (), Scope = k8s_openapi::NamespaceResourceScope>
        + Clone
        + serde::de::DeserializeOwned
        + std::fmt::Debug,
{
    // Full objects rather than metadata-only lists: every server (the embedded one
    // included) answers those.
    let api: Api<K> = match namespace {
        Some(namespace) => Api::namespaced(client.clone(), namespace),
        None => Api::all(client.clone()),
    };
    let list = match api.list(&ListParams::default()).await {
        Ok(list) => list,
        Err(kube::Error::Api(status)) if status.code == 404 => return Ok(Vec::new()),
        Err(e) => return Err(e.into()),
    };
    Ok(list
        .items
        .iter()
        .map(|o| candidate(kind, o.meta()))
        .collect())
}

/// What deleting `kind/name` takes with it (unless orphaned): the Jobs, ReplicaSets,
/// Pods and EndpointSlices it owns, transitively, by ownerReference uid (a CronJob's
/// Jobs and their pods). A cluster-scoped object's dependents may be in any namespace.
pub async fn dependents(
    client: &kube::Client,
    kind: Kind,
    namespace: &str,
    name: &str,
) -> Result<Vec<ObjectKey>, OpError> {
    let object = dynamic_api(client, kind, namespace).get(name).await?;
    let Some(uid) = object.uid() else {
        return Ok(Vec::new());
    };
    if matches!(kind, Kind::Node | Kind::Namespace) {
        return Ok(Vec::new());
    }
    let scope = kind.namespaced().then_some(namespace);
    // Owners before what they own: a Job before its pods.
    let mut candidates = candidates_of::<Job>(client, Kind::Job, scope).await?;
    candidates.extend(candidates_of::<ReplicaSet>(client, Kind::ReplicaSet, scope).await?);
    candidates.extend(candidates_of::<Pod>(client, Kind::Pod, scope).await?);
    candidates.extend(candidates_of::<EndpointSlice>(client, Kind::EndpointSlice, scope).await?);
    Ok(owned_by(&uid, &candidates))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(kind: Kind, name: &str, uid: &str, owners: &[&str]) -> OwnedCandidate {
        OwnedCandidate {
            key: ObjectKey {
                kind,
                namespace: "default".into(),
                name: name.into(),
            },
            uid: uid.into(),
            owners: owners.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    #[test]
    fn dependents_are_found_transitively_by_uid() {
        let candidates = [
            c(Kind::ReplicaSet, "web-1", "rs1", &["d"]),
            c(Kind::ReplicaSet, "other-1", "rs2", &["d2"]),
            c(Kind::Pod, "web-1-a", "p1", &["rs1"]),
            c(Kind::Pod, "other-1-a", "p2", &["rs2"]),
            c(Kind::Pod, "bare", "p3", &[]),
        ];
        let names: Vec<String> = owned_by("d", &candidates)
            .into_iter()
            .map(|k| k.name)
            .collect();
        assert_eq!(names, ["web-1", "web-1-a"]);
        assert!(owned_by("nobody", &candidates).is_empty());
    }
}
