//! Admission of CustomResourceDefinitions (their names, scope and versions, the cleanup
//! finalizer) and of custom resources (structural checks against the version's schema:
//! the types of the fields it declares, and pruning of the fields it does not).

use serde_json::{Value, json};

use super::{invalid, required};
use crate::sim::api_error::Cause;
use crate::sim::resources::ResourceType;
use crate::sim::store::Store;

/// The finalizer that keeps a CRD until its custom resources are deleted.
pub const CLEANUP_FINALIZER: &str = "customresourcecleanup.apiextensions.k8s.io";

/// Defaults and validates a CustomResourceDefinition.
pub fn definition(obj: &mut Value, old: Option<&Value>, causes: &mut Vec<Cause>) {
    let spec = &mut obj["spec"];
    for field in ["group", "names.plural", "names.kind", "scope"] {
        let value = field.split('.').fold(&*spec, |v, k| &v[k]);
        if value.as_str().is_none_or(str::is_empty) {
            causes.push(required(format!("spec.{field}")));
        }
    }
    if !matches!(
        spec["scope"].as_str(),
        Some("Namespaced" | "Cluster") | None
    ) {
        causes.push(Cause {
            reason: "FieldValueNotSupported",
            field: "spec.scope".into(),
            message: format!(
                "Unsupported value: {}: supported values: \"Cluster\", \"Namespaced\"",
                spec["scope"]
            ),
        });
    }
    let kind = spec["names"]["kind"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    if spec["names"]["singular"].is_null() {
        spec["names"]["singular"] = json!(kind.to_lowercase());
    }
    if spec["names"]["listKind"].is_null() {
        spec["names"]["listKind"] = json!(format!("{kind}List"));
    }
    let versions = spec["versions"].as_array().cloned().unwrap_or_default();
    if versions.is_empty() {
        causes.push(required("spec.versions"));
    }
    let storage = versions.iter().filter(|v| v["storage"] == true).count();
    if !versions.is_empty() && storage != 1 {
        causes.push(invalid(
            "spec.versions",
            &json!(
                versions
                    .iter()
                    .map(|v| v["name"].clone())
                    .collect::<Vec<_>>()
            ),
            "must have exactly one version marked as storage version",
        ));
    }
    if spec["conversion"].is_null() {
        spec["conversion"] = json!({"strategy": "None"});
    }
    let want = format!(
        "{}.{}",
        spec["names"]["plural"].as_str().unwrap_or_default(),
        spec["group"].as_str().unwrap_or_default()
    );
    let name = &obj["metadata"]["name"];
    if name.as_str() != Some(want.as_str()) {
        causes.push(invalid(
            "metadata.name",
            name,
            "must be spec.names.plural+\".\"+spec.group",
        ));
    }
    match old {
        None => {
            obj["metadata"]["finalizers"] = json!([CLEANUP_FINALIZER]);
            obj["status"] =
                json!({"acceptedNames": {"kind": "", "plural": ""}, "storedVersions": []});
        }
        Some(old) => obj["status"] = old["status"].clone(),
    }
}

/// The schema of `version` of the CRD defining `rt`.
fn schema(store: &Store, rt: &ResourceType, version: &str) -> Option<Value> {
    let crds = store
        .registry()
        .by_kind("apiextensions.k8s.io", "CustomResourceDefinition")?;
    let crd = store.get(crds, "", &format!("{}.{}", rt.plural, rt.group))?;
    crd["spec"]["versions"]
        .as_array()?
        .iter()
        .find(|v| v["name"] == version)
        .map(|v| v["schema"]["openAPIV3Schema"].clone())
}

fn type_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// The type errors of `v` against `schema` at `path`, as the server words them.
fn check_types(v: &Value, schema: &Value, path: &str, causes: &mut Vec<Cause>) {
    if let Some(want) = schema["type"].as_str() {
        let have = type_of(v);
        let ok = want == have || (want == "number" && have == "integer");
        if !ok {
            causes.push(Cause {
                reason: "FieldValueTypeInvalid",
                field: path.to_string(),
                message: format!(
                    "Invalid value: \"{have}\": {path} in body must be of type {want}: \"{have}\""
                ),
            });
            return;
        }
    }
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                if let Some(s) = schema["properties"].get(k) {
                    check_types(x, s, &format!("{path}.{k}"), causes);
                }
            }
        }
        Value::Array(items) if schema["items"].is_object() => {
            for (i, x) in items.iter().enumerate() {
                check_types(x, &schema["items"], &format!("{path}[{i}]"), causes);
            }
        }
        _ => {}
    }
}

/// Drops the fields `schema` does not declare, as the apiextensions server prunes them:
/// an object schema with `properties` keeps only those, unless it says
/// `x-kubernetes-preserve-unknown-fields` or has `additionalProperties`.
fn prune(v: &mut Value, schema: &Value) {
    if schema["x-kubernetes-preserve-unknown-fields"] == true {
        return;
    }
    match v {
        Value::Object(m) => {
            if let Some(props) = schema["properties"].as_object() {
                m.retain(|k, _| props.contains_key(k));
                for (k, x) in m.iter_mut() {
                    prune(x, &props[k]);
                }
            } else if schema["additionalProperties"].is_object() {
                for x in m.values_mut() {
                    prune(x, &schema["additionalProperties"]);
                }
            } else if schema["type"] == "object" && schema["additionalProperties"] != true {
                m.clear();
            }
        }
        Value::Array(items) if schema["items"].is_object() => {
            for x in items {
                prune(x, &schema["items"]);
            }
        }
        _ => {}
    }
}

fn version_schema(store: &Store, rt: &ResourceType, obj: &Value) -> Option<Value> {
    let version = obj["apiVersion"]
        .as_str()
        .and_then(|a| a.rsplit_once('/'))
        .map_or(rt.version, |(_, v)| v);
    schema(store, rt, version)
}

/// `obj` as the schema of its version keeps it (`None` without a schema): what strict field
/// validation compares the sent object with.
pub fn pruned(store: &Store, rt: &ResourceType, obj: &Value) -> Option<Value> {
    let schema = version_schema(store, rt, obj)?;
    let mut kept = obj.clone();
    prune_root(&mut kept, &schema);
    Some(kept)
}

/// Checks a custom resource against its version's schema (the types of its fields) and
/// prunes what the schema does not declare.
pub fn resource(store: &Store, rt: &ResourceType, obj: &mut Value, causes: &mut Vec<Cause>) {
    let Some(schema) = version_schema(store, rt, obj) else {
        return;
    };
    for field in ["spec", "status"] {
        if let (Some(v), Some(s)) = (obj.get(field), schema["properties"].get(field)) {
            check_types(v, s, field, causes);
        }
    }
    prune_root(obj, &schema);
}

fn prune_root(obj: &mut Value, schema: &Value) {
    if let Some(m) = obj.as_object_mut()
        && schema["properties"].is_object()
        && schema["x-kubernetes-preserve-unknown-fields"] != true
    {
        // apiVersion, kind and metadata are always kept.
        m.retain(|k, _| {
            matches!(k.as_str(), "apiVersion" | "kind" | "metadata")
                || schema["properties"].get(k).is_some()
        });
        for (k, v) in m.iter_mut() {
            if let Some(s) = schema["properties"].get(k) {
                prune(v, s);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn fields_the_schema_does_not_declare_are_pruned() {
        let schema = json!({"type": "object", "properties": {
            "spec": {"type": "object", "properties": {"color": {"type": "string"},
                "labels": {"type": "object", "additionalProperties": {"type": "string"}},
                "free": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}}}}});
        let mut v =
            json!({"color": "red", "shade": "dark", "labels": {"a": "b"}, "free": {"x": 1}});
        prune(&mut v, &schema["properties"]["spec"]);
        assert_eq!(
            v,
            json!({"color": "red", "labels": {"a": "b"}, "free": {"x": 1}})
        );
    }
}
