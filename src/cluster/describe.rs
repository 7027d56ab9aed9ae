//! kubectl-describe-like text for the describe view: Pods, Deployments,
//! ReplicaSets and Services in kubectl's layout; other kinds as their YAML.
//! Each with the object's events.

mod containers;
mod deployment;
mod events;
mod generic;
mod pod;
mod prefix_writer;
mod service;
mod tabwriter;

use jiff::Timestamp;
use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use k8s_openapi::api::core::v1::{Endpoints, Pod, Service};
use kube::api::ListParams;
use kube::{Api, Client};

pub use deployment::{PodPhases, describe_deployment, describe_replica_set};
pub use events::InvolvedObject;
pub use pod::describe_pod;
pub use service::describe_service;

use super::model::{Kind, ObjectKey};
use super::object_yaml::{self, display_key, short_error};
use prefix_writer::{PrefixWriter, selector_string};

/// Describes the object at `key` as of `now`.
pub async fn describe(client: Client, key: &ObjectKey, now: Timestamp) -> anyhow::Result<String> {
    let ns = key.namespace.as_str();
    let what = || format!("{} {}", key.kind.api_kind(), display_key(key));
    let get_err =
        |e: kube::Error| anyhow::anyhow!("cannot describe {}: {}", what(), short_error(&e));
    match key.kind {
        Kind::Pod => {
            let pod = Api::<Pod>::namespaced(client.clone(), ns)
                .get(&key.name)
                .await
                .map_err(get_err)?;
            let evs = object_events(client, key, pod.metadata.uid.as_deref()).await;
            Ok(describe_pod(&pod, &evs, now))
        }
        Kind::Deployment => {
            let d = Api::<Deployment>::namespaced(client.clone(), ns)
                .get(&key.name)
                .await
                .map_err(get_err)?;
            let uid = d.metadata.uid.clone().unwrap_or_default();
            let selector = selector_string(
                d.spec
                    .as_ref()
                    .and_then(|s| s.selector.match_labels.as_ref()),
            );
            let rs_list = if selector == "<none>" {
                Vec::new()
            } else {
                Api::<ReplicaSet>::namespaced(client.clone(), ns)
                    .list(&ListParams::default().labels(&selector))
                    .await
                    .map(|l| l.items)
                    .unwrap_or_default()
            };
            let owned: Vec<ReplicaSet> = rs_list
                .into_iter()
                .filter(|rs| {
                    rs.metadata
                        .owner_references
                        .iter()
                        .flatten()
                        .any(|o| o.uid == uid)
                })
                .collect();
            let evs = object_events(client, key, Some(&uid)).await;
            Ok(describe_deployment(&d, &owned, &evs, now))
        }
        Kind::ReplicaSet => {
            let rs = Api::<ReplicaSet>::namespaced(client.clone(), ns)
                .get(&key.name)
                .await
                .map_err(get_err)?;
            let selector = selector_string(
                rs.spec
                    .as_ref()
                    .and_then(|s| s.selector.match_labels.as_ref()),
            );
            let mut phases = PodPhases::default();
            if selector != "<none>" {
                let uid = rs.metadata.uid.clone().unwrap_or_default();
                let pods = Api::<Pod>::namespaced(client.clone(), ns)
                    .list(&ListParams::default().labels(&selector))
                    .await
                    .map(|l| l.items)
                    .unwrap_or_default();
                for p in pods.iter().filter(|p| {
                    p.metadata
                        .owner_references
                        .iter()
                        .flatten()
                        .any(|o| o.uid == uid)
                }) {
                    match p.status.as_ref().and_then(|s| s.phase.as_deref()) {
                        Some("Running") => phases.running += 1,
                        Some("Succeeded") => phases.succeeded += 1,
                        Some("Failed") => phases.failed += 1,
                        _ => phases.waiting += 1,
                    }
                }
            }
            let evs = object_events(client, key, rs.metadata.uid.as_deref()).await;
            Ok(describe_replica_set(&rs, phases, &evs, now))
        }
        Kind::Service => {
            let svc = Api::<Service>::namespaced(client.clone(), ns)
                .get(&key.name)
                .await
                .map_err(get_err)?;
            let ep = Api::<Endpoints>::namespaced(client.clone(), ns)
                .get_opt(&key.name)
                .await
                .ok()
                .flatten();
            let evs = object_events(client, key, svc.metadata.uid.as_deref()).await;
            Ok(describe_service(&svc, ep.as_ref(), &evs, now))
        }
        _ => {
            let mut value = object_yaml::fetch_json(client.clone(), key).await?;
            if key.kind == Kind::Secret {
                object_yaml::mask_secret(&mut value);
            }
            let uid = value
                .pointer("/metadata/uid")
                .and_then(serde_json::Value::as_str)
                .map(str::to_owned);
            let text = generic::describe(&value, now);
            let evs = object_events(client, key, uid.as_deref()).await;
            let mut w = PrefixWriter::default();
            events::write(&mut w, &evs, now);
            Ok(format!("{text}{}", w.finish()))
        }
    }
}

/// The object's events; a failure to list them (e.g. RBAC) leaves the section empty
/// rather than failing the whole describe.
async fn object_events(
    client: Client,
    key: &ObjectKey,
    uid: Option<&str>,
) -> Vec<k8s_openapi::api::core::v1::Event> {
    let kind = key.kind.api_kind();
    let object = InvolvedObject {
        kind,
        namespace: &key.namespace,
        name: &key.name,
        uid: uid.unwrap_or(""),
    };
    match events::fetch(client, &object).await {
        Ok(evs) => evs,
        Err(e) => {
            tracing::debug!("events of {kind} {}: {e}", display_key(key));
            Vec::new()
        }
    }
}
