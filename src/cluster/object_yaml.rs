//! One object as YAML for the YAML and describe views: fetched fresh, with
//! managedFields removed, keys in kubectl's (sorted) order, and Secret values
//! masked unless the user asks to reveal them.

use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, ReplicaSet, StatefulSet};
use k8s_openapi::api::core::v1::{
    ConfigMap, Endpoints, Event, Namespace, Node, Pod, Secret, Service,
};
use k8s_openapi::api::discovery::v1::EndpointSlice;
use kube::core::{ApiResource, DynamicObject};
use kube::{Api, Client};
use serde_json::Value;

use super::model::{Kind, ObjectKey};

/// The annotation `kubectl apply` leaves, which holds a Secret's values in clear.
const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// What a masked Secret value is replaced with.
pub const MASK: &str = "********";

/// The API resource (group, version, plural) of a kind.
pub fn api_resource(kind: Kind) -> ApiResource {
    match kind {
        Kind::Pod => ApiResource::erase::<Pod>(&()),
        Kind::ReplicaSet => ApiResource::erase::<ReplicaSet>(&()),
        Kind::Deployment => ApiResource::erase::<Deployment>(&()),
        Kind::StatefulSet => ApiResource::erase::<StatefulSet>(&()),
        Kind::DaemonSet => ApiResource::erase::<DaemonSet>(&()),
        Kind::Service => ApiResource::erase::<Service>(&()),
        Kind::Endpoints => ApiResource::erase::<Endpoints>(&()),
        Kind::EndpointSlice => ApiResource::erase::<EndpointSlice>(&()),
        Kind::Event => ApiResource::erase::<Event>(&()),
        Kind::Node => ApiResource::erase::<Node>(&()),
        Kind::Namespace => ApiResource::erase::<Namespace>(&()),
        Kind::ConfigMap => ApiResource::erase::<ConfigMap>(&()),
        Kind::Secret => ApiResource::erase::<Secret>(&()),
    }
}

/// GETs the object as JSON, with managedFields removed.
pub async fn fetch_json(client: Client, key: &ObjectKey) -> anyhow::Result<Value> {
    let resource = api_resource(key.kind);
    let api: Api<DynamicObject> = if key.namespace.is_empty() {
        Api::all_with(client, &resource)
    } else {
        Api::namespaced_with(client, &key.namespace, &resource)
    };
    let object = api.get(&key.name).await.map_err(|e| {
        anyhow::anyhow!(
            "cannot get {} {}: {}",
            resource.kind,
            display_key(key),
            short_error(&e)
        )
    })?;
    let mut value = serde_json::to_value(object)?;
    if let Some(meta) = value.get_mut("metadata").and_then(Value::as_object_mut) {
        meta.remove("managedFields");
    }
    Ok(value)
}

/// `namespace/name`, or `name` when cluster-scoped.
pub fn display_key(key: &ObjectKey) -> String {
    if key.namespace.is_empty() {
        key.name.clone()
    } else {
        format!("{}/{}", key.namespace, key.name)
    }
}

/// The server's message for API errors, kube's description otherwise.
pub fn short_error(e: &kube::Error) -> String {
    match e {
        kube::Error::Api(status) if !status.message.is_empty() => status.message.clone(),
        other => other.to_string(),
    }
}

/// Replaces every value of a Secret's `data` and `stringData` with [`MASK`], and drops
/// the last-applied annotation, which holds the values in clear.
pub fn mask_secret(value: &mut Value) {
    for field in ["data", "stringData"] {
        if let Some(map) = value.get_mut(field).and_then(Value::as_object_mut) {
            for v in map.values_mut() {
                *v = Value::String(MASK.to_owned());
            }
        }
    }
    if let Some(annotations) = value
        .pointer_mut("/metadata/annotations")
        .and_then(Value::as_object_mut)
        && let Some(v) = annotations.get_mut(LAST_APPLIED)
    {
        *v = Value::String(MASK.to_owned());
    }
}

/// YAML with every mapping's keys sorted, as kubectl prints it.
pub fn to_yaml(value: &Value) -> anyhow::Result<String> {
    Ok(serde_yaml::to_string(&sorted(value))?)
}

fn sorted(value: &Value) -> serde_yaml::Value {
    match value {
        Value::Null => serde_yaml::Value::Null,
        Value::Bool(b) => serde_yaml::Value::Bool(*b),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                serde_yaml::Value::Number(i.into())
            } else if let Some(u) = n.as_u64() {
                serde_yaml::Value::Number(u.into())
            } else {
                serde_yaml::Value::Number(n.as_f64().unwrap_or(0.0).into())
            }
        }
        Value::String(s) => serde_yaml::Value::String(s.clone()),
        Value::Array(items) => serde_yaml::Value::Sequence(items.iter().map(sorted).collect()),
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let mut out = serde_yaml::Mapping::new();
            for k in keys {
                out.insert(serde_yaml::Value::String(k.clone()), sorted(&map[k]));
            }
            serde_yaml::Value::Mapping(out)
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn keys_sorted_like_kubectl() {
        let v = json!({"status": {"phase": "Running"}, "spec": {"b": 1, "a": [true]},
                       "metadata": {"name": "x"}, "kind": "Pod", "apiVersion": "v1"});
        let yaml = to_yaml(&v).unwrap();
        assert_eq!(
            yaml,
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\nspec:\n  a:\n  - true\n  b: 1\nstatus:\n  phase: Running\n"
        );
    }

    #[test]
    fn secret_values_and_last_applied_are_masked() {
        let mut v = json!({"apiVersion": "v1", "kind": "Secret",
            "metadata": {"name": "db", "annotations": {
                "kubectl.kubernetes.io/last-applied-configuration": "{\"data\":{\"password\":\"aHVudGVyMg==\"}}",
                "team": "a"}},
            "data": {"password": "aHVudGVyMg=="}, "stringData": {"user": "admin"}});
        mask_secret(&mut v);
        let yaml = to_yaml(&v).unwrap();
        assert!(
            !yaml.contains("aHVudGVyMg") && !yaml.contains("admin"),
            "{yaml}"
        );
        assert!(
            yaml.contains("password: '********'") || yaml.contains("password: \"********\""),
            "{yaml}"
        );
        assert!(yaml.contains("team: a"));
    }
}
