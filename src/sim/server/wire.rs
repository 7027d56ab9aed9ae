//! Objects as kube-apiserver's JSON encoder writes them, from the form the store keeps:
//! - `managedFields[].fieldsV1` is kept as its compact JSON text (a pod's field sets
//!   are some 40 small maps, which as a `serde_json::Value` would cost more memory than
//!   the rest of the pod) and written out as the JSON it is;
//! - a pod template's `metadata.creationTimestamp` is written as `null`, as Go writes the
//!   zero `metav1.Time` of a typed template (the store leaves it out, so that templates
//!   compare and hash without it).
//!
//! Every answer that carries objects goes through [`Wire`]: single objects, lists, watch
//! events and tables (whose rows carry objects too).

use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

/// A value (an object, a list, a table, a watch event...) serialized as the wire form.
pub struct Wire<'a>(pub &'a Value);

impl Serialize for Wire<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        Node {
            value: self.0,
            at: Place::Other,
        }
        .serialize(s)
    }
}

/// The kinds whose `spec.template` is a pod template.
const TEMPLATE_KINDS: &[&str] = &[
    "Deployment",
    "ReplicaSet",
    "StatefulSet",
    "DaemonSet",
    "Job",
    "PodTemplate",
    "ReplicationController",
];

/// Where in an object a value is, as far as the encoder cares.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    Other,
    /// `metadata` of an object.
    Metadata,
    /// `metadata.managedFields`.
    ManagedFields,
    /// One entry of `metadata.managedFields`.
    ManagedFieldsEntry,
    /// `spec` of an object with a pod template.
    TemplateOwnerSpec,
    /// `spec.template` of such an object.
    Template,
    /// `spec.template.metadata`.
    TemplateMetadata,
}

struct Node<'a> {
    value: &'a Value,
    at: Place,
}

fn is_object(m: &Map<String, Value>) -> bool {
    m.get("apiVersion").is_some_and(Value::is_string)
        && m.get("kind").is_some_and(Value::is_string)
        && m.get("metadata").is_some_and(Value::is_object)
}

impl Serialize for Node<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.value {
            Value::Object(m) => serialize_map(m, self.at, s),
            Value::Array(items) => {
                let at = match self.at {
                    Place::ManagedFields => Place::ManagedFieldsEntry,
                    _ => Place::Other,
                };
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for value in items {
                    seq.serialize_element(&Node { value, at })?;
                }
                seq.end()
            }
            other => other.serialize(s),
        }
    }
}

fn serialize_map<S: Serializer>(
    m: &Map<String, Value>,
    at: Place,
    s: S,
) -> Result<S::Ok, S::Error> {
    let object = is_object(m);
    let templated = object
        && m.get("kind")
            .and_then(Value::as_str)
            .is_some_and(|k| TEMPLATE_KINDS.contains(&k));
    // What Go's encoder writes for a zero struct the store leaves out, written where the
    // sorted keys would have it.
    let mut pending = match at {
        Place::TemplateMetadata if !m.contains_key("creationTimestamp") => {
            Some(("creationTimestamp", Value::Null))
        }
        Place::Template if !m.contains_key("metadata") => {
            Some(("metadata", serde_json::json!({"creationTimestamp": null})))
        }
        _ => None,
    };
    let mut map = s.serialize_map(None)?;
    for (key, value) in m {
        if let Some((missing, zero)) = pending.take_if(|(missing, _)| key.as_str() > *missing) {
            map.serialize_entry(missing, &zero)?;
        }
        let child = match (at, key.as_str()) {
            _ if object && key == "metadata" => Place::Metadata,
            _ if templated && key == "spec" => Place::TemplateOwnerSpec,
            (Place::Metadata, "managedFields") => Place::ManagedFields,
            (Place::TemplateOwnerSpec, "template") => Place::Template,
            (Place::Template, "metadata") => Place::TemplateMetadata,
            (Place::ManagedFieldsEntry, "fieldsV1") => {
                if let Some(raw) = value.as_str().and_then(raw_json) {
                    map.serialize_entry(key, raw)?;
                    continue;
                }
                Place::Other
            }
            _ => Place::Other,
        };
        map.serialize_entry(key, &Node { value, at: child })?;
    }
    if let Some((missing, zero)) = pending {
        map.serialize_entry(missing, &zero)?;
    }
    map.end()
}

/// A stored `fieldsV1` text as raw JSON (None if it is not a JSON object's text).
fn raw_json(text: &str) -> Option<&RawValue> {
    if !text.starts_with('{') {
        return None;
    }
    serde_json::from_str::<&RawValue>(text).ok()
}

/// `value` as wire JSON bytes.
pub fn to_vec(value: &Value) -> Vec<u8> {
    // Writing JSON into a Vec cannot fail.
    serde_json::to_vec(&Wire(value)).unwrap_or_default()
}

/// Appends `value` as wire JSON to `out`.
pub fn write_into(out: &mut Vec<u8>, value: &Value) {
    // Writing JSON into a Vec cannot fail.
    let _ = serde_json::to_writer(out, &Wire(value));
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn field_sets_are_written_as_json_and_templates_get_their_null_time() {
        let deployment = json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "managedFields": [
                {"manager": "kubectl", "fieldsType": "FieldsV1", "fieldsV1": "{\"f:spec\":{\"f:replicas\":{}}}"}]},
            "spec": {"template": {"metadata": {"labels": {"app": "web"}}, "spec": {}}}});
        let out: Value = serde_json::from_slice(&to_vec(&deployment)).unwrap();
        assert_eq!(
            out["metadata"]["managedFields"][0]["fieldsV1"],
            json!({"f:spec": {"f:replicas": {}}})
        );
        assert_eq!(
            out["spec"]["template"]["metadata"],
            json!({"creationTimestamp": null, "labels": {"app": "web"}})
        );
        // Written in key order, as the encoder does.
        let text = String::from_utf8(to_vec(&deployment)).unwrap();
        assert!(
            text.contains(r#""metadata":{"creationTimestamp":null,"labels""#),
            "{text}"
        );
        // Inside a list or a table row too; a data value that looks alike is left alone.
        let table = json!({"rows": [{"object": deployment}], "data": {"fieldsV1": "{}"}});
        let out: Value = serde_json::from_slice(&to_vec(&table)).unwrap();
        assert!(out["rows"][0]["object"]["metadata"]["managedFields"][0]["fieldsV1"].is_object());
        assert_eq!(out["data"]["fieldsV1"], "{}");
        let bare = json!({"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {},
            "spec": {"template": {"spec": {}}}});
        let out: Value = serde_json::from_slice(&to_vec(&bare)).unwrap();
        assert_eq!(
            out["spec"]["template"]["metadata"],
            json!({"creationTimestamp": null})
        );
        // A pod has no template.
        let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
            "spec": {"template": {"metadata": {}}}});
        let out: Value = serde_json::from_slice(&to_vec(&pod)).unwrap();
        assert_eq!(out["spec"]["template"]["metadata"], json!({}));
    }
}
