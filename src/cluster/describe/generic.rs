//! Describe of a kind without a describe of its own (custom resources, RBAC, Jobs...),
//! readable as kubectl's unstructured describe: the metadata, who controls it, its
//! conditions as a table, then spec and status as an indented tree of capitalised keys.

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde_json::Value;

use super::prefix_writer::PrefixWriter;
use crate::human_duration::age;

/// The describe text of `object` (its events are written after it by the caller).
pub fn describe(object: &Value, now: Timestamp) -> String {
    let mut w = PrefixWriter::default();
    let meta = &object["metadata"];
    w.field(0, "Name", text(&meta["name"]));
    if let Some(ns) = meta["namespace"].as_str() {
        w.field(0, "Namespace", ns);
    }
    w.labels(0, "Labels", string_map(&meta["labels"]).as_ref());
    let mut annotations = string_map(&meta["annotations"]);
    if let Some(a) = annotations.as_mut() {
        a.remove("kubectl.kubernetes.io/last-applied-configuration");
    }
    w.annotations(0, "Annotations", annotations.as_ref());
    w.field(0, "API Version", text(&object["apiVersion"]));
    w.field(0, "Kind", text(&object["kind"]));
    if let Some(created) = meta["creationTimestamp"].as_str() {
        let ago = created
            .parse::<Timestamp>()
            .map(|t| format!(" ({} ago)", age(Some(t), now)))
            .unwrap_or_default();
        w.field(0, "Created", format!("{created}{ago}"));
    }
    let owners: Vec<&Value> = meta["ownerReferences"]
        .as_array()
        .into_iter()
        .flatten()
        .collect();
    let owner = |o: &Value| format!("{}/{}", text(&o["kind"]), text(&o["name"]));
    let (controllers, others): (Vec<&Value>, Vec<&Value>) =
        owners.into_iter().partition(|o| o["controller"] == true);
    if let Some(controller) = controllers.first() {
        w.field(0, "Controlled By", owner(controller));
    }
    // Owners that do not control it still take it with them when they go.
    if !others.is_empty() {
        let names: Vec<String> = others.iter().map(|o| owner(o)).collect();
        w.field(0, "Owned By", names.join(", "));
    }
    if meta["deletionTimestamp"].is_string() {
        w.field(0, "Deleting Since", text(&meta["deletionTimestamp"]));
    }
    for (key, section) in object.as_object().into_iter().flatten() {
        if matches!(key.as_str(), "apiVersion" | "kind" | "metadata") {
            continue;
        }
        w.line(0, &format!("{}:", title(key)));
        tree(&mut w, 1, section);
    }
    w.finish()
}

/// A value below its key: maps as `Key:\tvalue` lines, lists of maps item by item,
/// conditions (a list of maps with `type` and `status`) as a table.
fn tree(w: &mut PrefixWriter, level: usize, value: &Value) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                match v {
                    Value::Array(items) if is_conditions(items) => {
                        w.line(level, &format!("{}:", title(key)));
                        conditions(w, level + 1, items);
                    }
                    Value::Object(inner) if inner.is_empty() => w.field(level, &title(key), "{}"),
                    Value::Object(_) => {
                        w.line(level, &format!("{}:", title(key)));
                        tree(w, level + 1, v);
                    }
                    Value::Array(items) if items.iter().any(Value::is_object) => {
                        w.line(level, &format!("{}:", title(key)));
                        for item in items {
                            tree(w, level + 1, item);
                            w.line(0, "");
                        }
                    }
                    _ => w.field(level, &title(key), scalar(v)),
                }
            }
        }
        other => w.line(level, &scalar(other)),
    }
}

fn is_conditions(items: &[Value]) -> bool {
    !items.is_empty()
        && items
            .iter()
            .all(|c| c["type"].is_string() && !c["status"].is_null())
}

fn conditions(w: &mut PrefixWriter, level: usize, items: &[Value]) {
    w.line(level, "Type\tStatus\tReason\tMessage\tLast Transition");
    w.line(level, "----\t------\t------\t-------\t---------------");
    for c in items {
        w.line(
            level,
            &format!(
                "{}\t{}\t{}\t{}\t{}",
                text(&c["type"]),
                text(&c["status"]),
                text(&c["reason"]),
                text(&c["message"]),
                text(&c["lastTransitionTime"])
            ),
        );
    }
}

/// `replicasReady` → `Replicas Ready`, as kubectl's describe titles unstructured keys.
fn title(key: &str) -> String {
    let mut out = String::with_capacity(key.len() + 4);
    let mut previous_lower = false;
    for (i, c) in key.chars().enumerate() {
        if i == 0 {
            out.extend(c.to_uppercase());
        } else if c.is_uppercase() && previous_lower {
            out.push(' ');
            out.push(c);
        } else {
            out.push(c);
        }
        previous_lower = c.is_lowercase() || c.is_ascii_digit();
    }
    out
}

fn scalar(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => "<none>".to_owned(),
        Value::Array(items) if items.is_empty() => "<none>".to_owned(),
        Value::Array(items) => items.iter().map(scalar).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}

fn text(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        other => scalar(other),
    }
}

fn string_map(value: &Value) -> Option<BTreeMap<String, String>> {
    value.as_object().map(|m| {
        m.iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_custom_resource_reads_as_kubectl_describe_would() {
        let widget = json!({
            "apiVersion": "demo.kdeck.dev/v1", "kind": "Widget",
            "metadata": {"name": "w1", "namespace": "default", "labels": {"app": "demo"},
                "creationTimestamp": "2027-01-01T00:00:00Z",
                "ownerReferences": [{"kind": "Gadget", "name": "g", "controller": true},
                    {"kind": "Sprocket", "name": "s1"}, {"kind": "Sprocket", "name": "s2"}]},
            "spec": {"color": "red", "sizeInches": 3, "parts": [{"name": "a"}], "tags": ["x", "y"]},
            "status": {"conditions": [{"type": "Ready", "status": "True", "reason": "Built",
                "message": "ok", "lastTransitionTime": "2027-01-01T00:01:00Z"}]}
        });
        let now: Timestamp = "2027-01-01T00:05:00Z".parse().unwrap();
        let text = describe(&widget, now);
        assert!(text.starts_with("Name:           w1\n"), "{text}");
        assert!(text.contains("\nControlled By:  Gadget/g\n"), "{text}");
        assert!(
            text.contains("\nOwned By:       Sprocket/s1, Sprocket/s2\n"),
            "{text}"
        );
        assert!(
            text.contains("\nCreated:        2027-01-01T00:00:00Z (5m ago)\n"),
            "{text}"
        );
        assert!(text.contains("\n  Parts:\n    Name:  a\n\n"), "{text}");
        assert!(text.contains("  Size Inches:  3"), "{text}");
        assert!(text.contains("  Tags:         x, y"), "{text}");
        assert!(
            text.contains("    Type   Status  Reason  Message  Last Transition"),
            "{text}"
        );
        assert!(text.contains("    Ready  True    Built   ok"), "{text}");
    }
}
