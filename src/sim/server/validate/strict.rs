//! Decoding checks: a body whose fields have the wrong JSON types cannot be
//! handled (400), and with `fieldValidation=Strict` (kubectl's default) unknown
//! fields are refused with the real server's `strict decoding error`.
//!
//! The known fields are those of the k8s-openapi types: an object is decoded into
//! its type and encoded again, and whatever did not survive the round trip is unknown.

use k8s_openapi::api::apps::v1::{
    ControllerRevision, DaemonSet, Deployment, ReplicaSet, StatefulSet,
};
use k8s_openapi::api::batch::v1::{CronJob, Job};
use k8s_openapi::api::core::v1::{
    ConfigMap, Endpoints, Event, Namespace, Node, Pod, Secret, Service, ServiceAccount,
};
use k8s_openapi::api::discovery::v1::EndpointSlice;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::sim::api_error::{ApiError, ApiResult};
use crate::sim::resources::ResourceType;
use crate::sim::store::Store;

fn round_trip<K: DeserializeOwned + Serialize>(obj: &Value) -> Result<Value, String> {
    let typed = K::deserialize(obj).map_err(|e| e.to_string())?;
    serde_json::to_value(typed).map_err(|e| e.to_string())
}

/// The object as its typed form sees it, for the kinds that have one.
fn typed_view(rt: &ResourceType, obj: &Value) -> Option<Result<Value, String>> {
    Some(match (rt.group, rt.kind) {
        ("", "Pod") => round_trip::<Pod>(obj),
        ("", "Service") => round_trip::<Service>(obj),
        ("", "Endpoints") => round_trip::<Endpoints>(obj),
        ("", "Event") => round_trip::<Event>(obj),
        ("", "ConfigMap") => round_trip::<ConfigMap>(obj),
        ("", "Secret") => round_trip::<Secret>(obj),
        ("", "ServiceAccount") => round_trip::<ServiceAccount>(obj),
        ("", "Namespace") => round_trip::<Namespace>(obj),
        ("", "Node") => round_trip::<Node>(obj),
        ("apps", "Deployment") => round_trip::<Deployment>(obj),
        ("apps", "ReplicaSet") => round_trip::<ReplicaSet>(obj),
        ("apps", "StatefulSet") => round_trip::<StatefulSet>(obj),
        ("apps", "DaemonSet") => round_trip::<DaemonSet>(obj),
        ("apps", "ControllerRevision") => round_trip::<ControllerRevision>(obj),
        ("discovery.k8s.io", "EndpointSlice") => round_trip::<EndpointSlice>(obj),
        ("batch", "Job") => round_trip::<Job>(obj),
        ("batch", "CronJob") => round_trip::<CronJob>(obj),
        _ => return None,
    })
}

/// Paths present in `sent` but not in `known`, as the server names them
/// (`spec.template.spec.containers[0].imagee`).
fn unknown_fields(sent: &Value, known: &Value, path: &str, out: &mut Vec<String>) {
    match (sent, known) {
        (Value::Object(s), Value::Object(k)) => {
            for (key, value) in s {
                let at = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                match k.get(key) {
                    Some(known_value) => unknown_fields(value, known_value, &at, out),
                    None => out.push(at),
                }
            }
        }
        (Value::Array(s), Value::Array(k)) => {
            for (i, (value, known_value)) in s.iter().zip(k).enumerate() {
                unknown_fields(value, known_value, &format!("{path}[{i}]"), out);
            }
        }
        _ => {}
    }
}

/// Checks that `obj` decodes as its kind, and (when `strict`) has no unknown field: for a
/// custom kind, no field its CRD's schema does not declare.
pub fn check(store: &Store, rt: &ResourceType, obj: &Value, strict: bool) -> ApiResult<()> {
    let view = if rt.custom {
        if !strict {
            return Ok(());
        }
        super::crd::pruned(store, rt, obj).map(Ok)
    } else {
        typed_view(rt, obj)
    };
    let Some(view) = view else {
        return Ok(());
    };
    let cannot = |why: String| {
        ApiError::bad_request(format!(
            "{} in version \"{}\" cannot be handled as a {}: {why}",
            rt.kind, rt.version, rt.kind
        ))
    };
    let known = view.map_err(cannot)?;
    if !strict {
        return Ok(());
    }
    let mut unknown = Vec::new();
    unknown_fields(obj, &known, "", &mut unknown);
    if unknown.is_empty() {
        return Ok(());
    }
    let list: Vec<String> = unknown
        .iter()
        .map(|p| format!("unknown field \"{p}\""))
        .collect();
    Err(cannot(format!(
        "strict decoding error: {}",
        list.join(", ")
    )))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::sim::resources::by_plural;

    #[test]
    fn unknown_fields_are_named_by_path() {
        let rt = by_plural("apps", "deployments").unwrap();
        let d = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"},
            "spec": {"replica": 3, "selector": {"matchLabels": {"a": "b"}},
                "template": {"metadata": {"labels": {"a": "b"}},
                    "spec": {"containers": [{"name": "c", "imagee": "x", "resources": {}}]}}}});
        let store = Store::new(crate::sim::clock::Clock::manual());
        let e = check(&store, rt, &d, true).unwrap_err();
        assert_eq!(e.code, 400);
        assert_eq!(
            e.message,
            "Deployment in version \"v1\" cannot be handled as a Deployment: strict decoding error: unknown field \"spec.replica\", unknown field \"spec.template.spec.containers[0].imagee\""
        );
        assert!(
            check(&store, rt, &d, false).is_ok(),
            "only Strict refuses unknown fields"
        );
    }

    #[test]
    fn wrong_types_cannot_be_handled() {
        let rt = by_plural("apps", "deployments").unwrap();
        let d = json!({"metadata": {"name": "d"}, "spec": {"replicas": "three"}});
        let store = Store::new(crate::sim::clock::Clock::manual());
        let e = check(&store, rt, &d, false).unwrap_err();
        assert!(
            e.message
                .starts_with("Deployment in version \"v1\" cannot be handled as a Deployment: "),
            "{}",
            e.message
        );
        let ok = json!({"metadata": {"name": "d", "labels": {}}, "spec": {"replicas": 1,
            "template": {"spec": {"containers": [{"name": "c", "image": "x",
                "ports": [{"containerPort": 80}], "resources": {}}],
                "volumes": [{"name": "v", "emptyDir": {}}]}}}});
        assert!(check(&store, rt, &ok, true).is_ok());
    }
}
