//! Reading and writing the metadata the controllers care about on JSON objects
//! (names, uids, labels, annotations, owner references, timestamps).

use jiff::Timestamp;
use serde_json::{Map, Value, json};

use crate::sim::clock::parse_time;
use crate::sim::resources::{ResourceType, by_kind};

/// The served type of `kind` in `group`; the controllers only ask for kinds the registry serves.
pub fn kind(group: &str, kind: &str) -> &'static ResourceType {
    by_kind(group, kind).expect("the controllers only use kinds the resource registry serves")
}

/// `metadata.name`.
pub fn name(o: &Value) -> &str {
    o["metadata"]["name"].as_str().unwrap_or("")
}

/// `metadata.namespace` ("" when cluster-scoped).
pub fn namespace(o: &Value) -> &str {
    o["metadata"]["namespace"].as_str().unwrap_or("")
}

/// `metadata.uid`.
pub fn uid(o: &Value) -> &str {
    o["metadata"]["uid"].as_str().unwrap_or("")
}

/// `metadata.labels` (empty when absent).
pub fn labels(o: &Value) -> Map<String, Value> {
    o["metadata"]["labels"]
        .as_object()
        .cloned()
        .unwrap_or_default()
}

static NO_LABELS: std::sync::LazyLock<Map<String, Value>> = std::sync::LazyLock::new(Map::new);

/// `metadata.labels`, borrowed (empty when absent).
pub fn labels_ref(o: &Value) -> &Map<String, Value> {
    o["metadata"]["labels"].as_object().unwrap_or(&NO_LABELS)
}

/// One annotation's value.
pub fn annotation<'a>(o: &'a Value, key: &str) -> Option<&'a str> {
    o["metadata"]["annotations"][key].as_str()
}

/// Sets one annotation, creating the map if needed.
pub fn set_annotation(o: &mut Value, key: &str, value: impl Into<String>) {
    if !o["metadata"]["annotations"].is_object() {
        o["metadata"]["annotations"] = json!({});
    }
    o["metadata"]["annotations"][key] = Value::String(value.into());
}

/// The uid of the object's controller owner, if it has one.
pub fn controller_uid(o: &Value) -> Option<&str> {
    o["metadata"]["ownerReferences"]
        .as_array()?
        .iter()
        .find(|r| r["controller"].as_bool() == Some(true))
        .and_then(|r| r["uid"].as_str())
}

/// A controller owner reference pointing at `owner`.
pub fn controller_ref(owner: &Value) -> Value {
    json!({
        "apiVersion": owner["apiVersion"],
        "kind": owner["kind"],
        "name": name(owner),
        "uid": uid(owner),
        "controller": true,
        "blockOwnerDeletion": true,
    })
}

/// Whether the object is being deleted.
pub fn is_terminating(o: &Value) -> bool {
    !o["metadata"]["deletionTimestamp"].is_null()
}

/// A timestamp field reached by a JSON pointer, e.g. `/metadata/creationTimestamp`.
pub fn time_at(o: &Value, pointer: &str) -> Option<Timestamp> {
    o.pointer(pointer)
        .and_then(Value::as_str)
        .and_then(parse_time)
}

/// `metadata.creationTimestamp` (the epoch when unset, so such objects sort first).
pub fn created(o: &Value) -> Timestamp {
    time_at(o, "/metadata/creationTimestamp").unwrap_or(Timestamp::UNIX_EPOCH)
}

/// An integer field reached by a JSON pointer, or `default`.
pub fn int_at(o: &Value, pointer: &str, default: i64) -> i64 {
    o.pointer(pointer)
        .and_then(Value::as_i64)
        .unwrap_or(default)
}

/// Whether a label selector (`matchLabels` + `matchExpressions`) selects `labels`.
/// An empty or missing selector selects nothing, as for controllers and Services.
pub fn selector_matches(selector: &Value, labels: &Map<String, Value>) -> bool {
    let match_labels = selector["matchLabels"].as_object();
    let expressions = selector["matchExpressions"].as_array();
    if match_labels.is_none_or(Map::is_empty) && expressions.is_none_or(Vec::is_empty) {
        return false;
    }
    let labels_ok = match_labels
        .into_iter()
        .flatten()
        .all(|(k, v)| labels.get(k) == Some(v));
    labels_ok
        && expressions
            .into_iter()
            .flatten()
            .all(|e| expression_matches(e, labels))
}

fn expression_matches(e: &Value, labels: &Map<String, Value>) -> bool {
    let key = e["key"].as_str().unwrap_or("");
    let value = labels.get(key).and_then(Value::as_str);
    let values: Vec<&str> = e["values"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    match e["operator"].as_str().unwrap_or("") {
        "In" => value.is_some_and(|v| values.contains(&v)),
        "NotIn" => value.is_none_or(|v| !values.contains(&v)),
        "Exists" => value.is_some(),
        "DoesNotExist" => value.is_none(),
        _ => false,
    }
}

/// Whether a Service-style selector (a plain map) selects `labels`; empty selects nothing.
pub fn map_selector_matches(selector: &Value, labels: &Map<String, Value>) -> bool {
    selector
        .as_object()
        .is_some_and(|m| !m.is_empty() && m.iter().all(|(k, v)| labels.get(k) == Some(v)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selectors_follow_label_selector_semantics() {
        let labels = json!({"app": "web", "tier": "front"});
        let labels = labels.as_object().unwrap();
        assert!(selector_matches(
            &json!({"matchLabels": {"app": "web"}}),
            labels
        ));
        assert!(!selector_matches(
            &json!({"matchLabels": {"app": "db"}}),
            labels
        ));
        assert!(!selector_matches(&json!({}), labels));
        let expr = json!({"matchExpressions": [
            {"key": "tier", "operator": "In", "values": ["front", "back"]},
            {"key": "canary", "operator": "DoesNotExist"}
        ]});
        assert!(selector_matches(&expr, labels));
        let not_in =
            json!({"matchExpressions": [{"key": "app", "operator": "NotIn", "values": ["web"]}]});
        assert!(!selector_matches(&not_in, labels));
        assert!(map_selector_matches(&json!({"app": "web"}), labels));
        assert!(!map_selector_matches(&json!({}), labels));
    }
}
