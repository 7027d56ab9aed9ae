//! A Deployment's revision bookkeeping as kubectl reads it: the ReplicaSets it
//! controls, their `deployment.kubernetes.io/revision` numbers, and pod
//! template equality that ignores the `pod-template-hash` label
//! (`deploymentutil` and `equalIgnoreHash` in kubectl).

use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use k8s_openapi::api::core::v1::PodTemplateSpec;
use kube::api::{Api, ListParams};
use serde_json::Value;

use super::op_error::{OpError, Refusal};

/// The revision annotation the deployment controller keeps on Deployments and ReplicaSets.
pub const REVISION_ANNOTATION: &str = "deployment.kubernetes.io/revision";
/// The label the deployment controller adds to a ReplicaSet's template and selector.
pub const POD_TEMPLATE_HASH_LABEL: &str = "pod-template-hash";
/// The annotation `kubectl --record` wrote, shown as CHANGE-CAUSE in the rollout history.
pub const CHANGE_CAUSE_ANNOTATION: &str = "kubernetes.io/change-cause";

/// A ReplicaSet's revision as kubectl reads it: missing means 0, unparsable means none.
pub fn revision_of(rs: &ReplicaSet) -> Option<i64> {
    match rs
        .metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(REVISION_ANNOTATION))
    {
        None => Some(0),
        Some(text) => text.parse().ok(),
    }
}

/// The template with the `pod-template-hash` label removed (an emptied label map becomes none).
pub fn template_without_hash(template: &PodTemplateSpec) -> PodTemplateSpec {
    let mut template = template.clone();
    if let Some(metadata) = template.metadata.as_mut()
        && let Some(labels) = metadata.labels.as_mut()
    {
        labels.remove(POD_TEMPLATE_HASH_LABEL);
        if labels.is_empty() {
            metadata.labels = None;
        }
    }
    template
}

/// Whether two templates are equal ignoring `pod-template-hash`, where (like the API
/// machinery's semantic equality) a missing and an empty map or list are the same.
pub fn equal_ignore_hash(a: &PodTemplateSpec, b: &PodTemplateSpec) -> bool {
    normalized(&template_without_hash(a)) == normalized(&template_without_hash(b))
}

fn normalized(template: &PodTemplateSpec) -> Value {
    let mut value = serde_json::to_value(template).unwrap_or(Value::Null);
    prune_empty(&mut value);
    value
}

/// Removes nulls, empty objects and empty arrays, recursively.
fn prune_empty(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for v in map.values_mut() {
                prune_empty(v);
            }
            map.retain(|_, v| !is_empty(v));
        }
        Value::Array(items) => items.iter_mut().for_each(prune_empty),
        _ => {}
    }
}

fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Object(map) => map.is_empty(),
        Value::Array(items) => items.is_empty(),
        _ => false,
    }
}

/// Whether `rs` is controlled by the object with `uid`.
pub fn controlled_by(rs: &ReplicaSet, uid: &str) -> bool {
    rs.metadata.owner_references.as_ref().is_some_and(|refs| {
        refs.iter()
            .any(|r| r.controller == Some(true) && r.uid == uid)
    })
}

/// Fetches a Deployment.
pub async fn get_deployment(
    client: &kube::Client,
    namespace: &str,
    name: &str,
) -> Result<Deployment, OpError> {
    let api: Api<Deployment> = Api::namespaced(client.clone(), namespace);
    Ok(api.get(name).await?)
}

/// The ReplicaSets `deployment` controls (by ownerReference uid), oldest first.
pub async fn owned_replica_sets(
    client: &kube::Client,
    deployment: &Deployment,
) -> Result<Vec<ReplicaSet>, OpError> {
    let namespace = deployment
        .metadata
        .namespace
        .as_deref()
        .unwrap_or("default");
    let uid = deployment.metadata.uid.as_deref().unwrap_or_default();
    let api: Api<ReplicaSet> = Api::namespaced(client.clone(), namespace);
    let mut owned: Vec<ReplicaSet> = api
        .list(&ListParams::default())
        .await?
        .items
        .into_iter()
        .filter(|rs| controlled_by(rs, uid))
        .collect();
    owned.sort_by(|a, b| {
        let key = |rs: &ReplicaSet| {
            (
                rs.metadata.creation_timestamp.as_ref().map(|t| t.0),
                rs.metadata.name.clone(),
            )
        };
        key(a).cmp(&key(b))
    });
    Ok(owned)
}

/// The ReplicaSet running `deployment`'s current template (`FindNewReplicaSet`: the oldest equal one).
pub fn new_replica_set<'a>(
    deployment: &Deployment,
    replica_sets: &'a [ReplicaSet],
) -> Option<&'a ReplicaSet> {
    let template = deployment.spec.as_ref().map(|s| &s.template)?;
    replica_sets.iter().find(|rs| {
        rs.spec
            .as_ref()
            .and_then(|s| s.template.as_ref())
            .is_some_and(|t| equal_ignore_hash(t, template))
    })
}

/// The ReplicaSet of revision `to_revision` (0: the previous one), as kubectl's
/// `deploymentRevision` picks it, with kubectl's messages when there is none.
pub fn replica_set_for_revision<'a>(
    deployment_name: &str,
    replica_sets: &'a [ReplicaSet],
    to_revision: i64,
) -> Result<(&'a ReplicaSet, i64), OpError> {
    if to_revision < 0 {
        return Err(revision_not_found(to_revision));
    }
    let mut latest: Option<(&ReplicaSet, i64)> = None;
    let mut previous: Option<(&ReplicaSet, i64)> = None;
    for rs in replica_sets {
        let Some(revision) = revision_of(rs) else {
            continue;
        };
        if to_revision == 0 {
            if latest.is_none_or(|(_, v)| v < revision) {
                previous = latest;
                latest = Some((rs, revision));
            } else if previous.is_none_or(|(_, v)| v < revision) {
                previous = Some((rs, revision));
            }
        } else if revision == to_revision {
            return Ok((rs, revision));
        }
    }
    if to_revision > 0 {
        return Err(revision_not_found(to_revision));
    }
    previous.ok_or_else(|| {
        OpError::refused(
            Refusal::NoHistory,
            format!("no rollout history found for deployment {deployment_name:?}"),
        )
    })
}

fn revision_not_found(revision: i64) -> OpError {
    OpError::refused(
        Refusal::RevisionNotFound,
        format!("unable to find specified revision {revision} in history"),
    )
}

#[cfg(test)]
pub(crate) mod fixtures {
    //! Deployments and ReplicaSets as the deployment controller leaves them.

    use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
    use serde_json::json;

    /// The tutorial's myapp-deploy with `image`, revision `revision`, optionally paused.
    pub fn deployment(image: &str, revision: i64, paused: bool) -> Deployment {
        serde_json::from_value(json!({
            "metadata": {
                "name": "myapp-deploy", "namespace": "default", "uid": "d-uid",
                "annotations": {
                    "deployment.kubernetes.io/revision": revision.to_string(),
                    "kubernetes.io/change-cause": format!("kdeck set image deployment/myapp-deploy myapp={image}"),
                    "kubectl.kubernetes.io/last-applied-configuration": "{}",
                    "team": "web"
                }
            },
            "spec": {
                "replicas": 3,
                "paused": paused,
                "selector": {"matchLabels": {"app": "myapp"}},
                "template": template(image, None)
            }
        }))
        .expect("a valid Deployment")
    }

    /// A pod template of the tutorial, with the hash label when given.
    pub fn template(image: &str, hash: Option<&str>) -> serde_json::Value {
        let mut labels = json!({"app": "myapp"});
        if let Some(hash) = hash {
            labels["pod-template-hash"] = json!(hash);
        }
        json!({
            "metadata": {"labels": labels},
            "spec": {"containers": [{"name": "myapp", "image": image,
                "ports": [{"containerPort": 80, "name": "http", "protocol": "TCP"}]}]}
        })
    }

    /// A ReplicaSet controlled by [`deployment`] at `revision`, running `image`.
    pub fn replica_set(image: &str, revision: i64, hash: &str, created: &str) -> ReplicaSet {
        serde_json::from_value(json!({
            "metadata": {
                "name": format!("myapp-deploy-{hash}"), "namespace": "default",
                "uid": format!("rs-{hash}"),
                "creationTimestamp": created,
                "labels": {"app": "myapp", "pod-template-hash": hash},
                "annotations": {
                    "deployment.kubernetes.io/revision": revision.to_string(),
                    "deployment.kubernetes.io/desired-replicas": "3",
                    "deployment.kubernetes.io/max-replicas": "4",
                    "kubernetes.io/change-cause": format!("kdeck set image deployment/myapp-deploy myapp={image}"),
                    "team": "web"
                },
                "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment",
                    "name": "myapp-deploy", "uid": "d-uid", "controller": true}]
            },
            "spec": {
                "replicas": 0,
                "selector": {"matchLabels": {"app": "myapp", "pod-template-hash": hash}},
                "template": template(image, Some(hash))
            }
        }))
        .expect("a valid ReplicaSet")
    }

    /// Three revisions: 1.14.1 (rev 1), 1.15.5 (rev 2), 1.15.7 (rev 3, current).
    pub fn history() -> Vec<ReplicaSet> {
        vec![
            replica_set("nginx:1.14.1", 1, "7948db888d", "2026-11-30T08:00:00Z"),
            replica_set("nginx:1.15.5", 2, "b58578665", "2026-11-30T08:10:00Z"),
            replica_set("nginx:1.15.7", 3, "7bc684b5cf", "2026-11-30T08:20:00Z"),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::{deployment, history, replica_set};
    use super::*;

    #[test]
    fn revision_zero_picks_the_second_newest_whatever_the_order() {
        let mut rss = history();
        rss.reverse();
        let (rs, revision) = replica_set_for_revision("myapp-deploy", &rss, 0).unwrap();
        assert_eq!(revision, 2);
        assert_eq!(rs.metadata.name.as_deref(), Some("myapp-deploy-b58578665"));
        let (_, revision) = replica_set_for_revision("myapp-deploy", &rss, 1).unwrap();
        assert_eq!(revision, 1);
    }

    #[test]
    fn missing_revisions_give_kubectls_messages() {
        let rss = history();
        let err = replica_set_for_revision("myapp-deploy", &rss, 9).unwrap_err();
        assert_eq!(err.refusal(), Some(Refusal::RevisionNotFound));
        assert_eq!(
            err.to_string(),
            "unable to find specified revision 9 in history"
        );
        let one = &rss[..1];
        let err = replica_set_for_revision("myapp-deploy", one, 0).unwrap_err();
        assert_eq!(
            err.to_string(),
            "no rollout history found for deployment \"myapp-deploy\""
        );
        assert!(replica_set_for_revision("myapp-deploy", &rss, -1).is_err());
    }

    #[test]
    fn equality_ignores_the_hash_label_and_empty_maps() {
        let rs = replica_set("nginx:1.15.7", 3, "7bc684b5cf", "2026-11-30T08:20:00Z");
        let d = deployment("nginx:1.15.7", 3, false);
        let rs_template = rs.spec.unwrap().template.unwrap();
        let d_template = d.spec.unwrap().template;
        assert!(equal_ignore_hash(&rs_template, &d_template));
        let mut with_empty = d_template.clone();
        with_empty.metadata.as_mut().unwrap().annotations = Some(std::collections::BTreeMap::new());
        assert!(equal_ignore_hash(&with_empty, &d_template));
        let other = deployment("nginx:1.14.1", 1, false).spec.unwrap().template;
        assert!(!equal_ignore_hash(&other, &d_template));
    }

    #[test]
    fn new_replica_set_is_the_one_with_the_current_template() {
        let rss = history();
        let d = deployment("nginx:1.15.5", 2, false);
        let rs = new_replica_set(&d, &rss).expect("one matches");
        assert_eq!(rs.metadata.name.as_deref(), Some("myapp-deploy-b58578665"));
        assert!(controlled_by(rs, "d-uid"));
        assert!(!controlled_by(rs, "other"));
    }

    #[test]
    fn unparsable_revision_is_skipped_and_missing_is_zero() {
        let mut rs = replica_set("nginx:1", 1, "abc", "2026-11-30T08:00:00Z");
        assert_eq!(revision_of(&rs), Some(1));
        rs.metadata
            .annotations
            .as_mut()
            .unwrap()
            .insert(REVISION_ANNOTATION.into(), "x".into());
        assert_eq!(revision_of(&rs), None);
        rs.metadata.annotations = None;
        assert_eq!(revision_of(&rs), Some(0));
    }
}
