//! What a write changed, as structured-merge-diff's `Compare` finds it: the paths added
//! or modified, and the paths removed. A node that did not exist before is itself in the
//! changed set (the `.` of `fieldsV1`), a leaf is when its value differs; an atomic field
//! is one leaf. Object metadata the server sets (`name`, `uid`, `resourceVersion`...) is
//! never anyone's.

use serde_json::{Map, Value, json};

use super::field_set::FieldSet;
use super::schema::{Shape, shape};

/// What a write changed.
#[derive(Debug, Default)]
pub struct Changes {
    /// Paths added or modified.
    pub changed: FieldSet,
    /// Paths removed.
    pub removed: FieldSet,
}

/// `metadata` fields no manager owns (the field manager strips them).
const SERVER_METADATA: &[&str] = &[
    "name",
    "namespace",
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "selfLink",
    "managedFields",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
];

/// Compares the object before a write (`None`: created) with the object after it.
pub fn compare(kind: &str, old: Option<&Value>, new: &Value) -> Changes {
    let created = old.is_none();
    let zero;
    let old = if let Some(old) = old {
        old
    } else {
        zero = zero_object(kind);
        &zero
    };
    let mut changes = Changes::default();
    let mut walk = Walk {
        kind,
        path: Vec::new(),
    };
    for key in keys(old, new) {
        if matches!(key.as_str(), "apiVersion" | "kind") {
            continue;
        }
        let element = format!("f:{key}");
        let (o, n) = (old.get(&key), new.get(&key));
        if key == "metadata" {
            walk.metadata(
                o,
                n,
                changes.changed.child(&element),
                changes.removed.child(&element),
            );
        } else {
            walk.node(
                &key,
                o,
                n,
                changes.changed.child(&element),
                changes.removed.child(&element),
            );
        }
    }
    changes.changed.prune();
    changes.removed.prune();
    if created {
        // What the zero value has and the new object leaves out was never there.
        changes.removed = FieldSet::default();
    }
    changes
}

/// What a new object of `kind` is compared with: the zero value of its Go type, whose
/// struct fields (not pointers) and `json:"containers"` lists are there already, so that
/// they are not themselves "added" (a created Deployment's `f:spec` has no `.`).
fn zero_object(kind: &str) -> Value {
    let template = json!({"metadata": {}, "spec": {"containers": null}});
    match kind {
        "Pod" => json!({"metadata": {}, "spec": {"containers": null}, "status": {}}),
        "Deployment" => {
            json!({"metadata": {}, "spec": {"strategy": {}, "template": template}, "status": {}})
        }
        "StatefulSet" | "DaemonSet" => {
            json!({"metadata": {}, "spec": {"updateStrategy": {}, "template": template}, "status": {}})
        }
        "ReplicaSet" | "Job" => {
            json!({"metadata": {}, "spec": {"template": template}, "status": {}})
        }
        "EndpointSlice" => json!({"metadata": {}, "endpoints": null, "ports": null}),
        "Event" => json!({"metadata": {}, "involvedObject": {}, "source": {}}),
        _ => json!({"metadata": {}, "spec": {}, "status": {}}),
    }
}

fn keys(old: &Value, new: &Value) -> Vec<String> {
    let empty = Map::new();
    map_keys(
        old.as_object().unwrap_or(&empty),
        new.as_object().unwrap_or(&empty),
    )
}

fn map_keys(old: &Map<String, Value>, new: &Map<String, Value>) -> Vec<String> {
    let mut keys: Vec<String> = old.keys().chain(new.keys()).cloned().collect();
    keys.sort_unstable();
    keys.dedup();
    keys
}

struct Walk<'a> {
    kind: &'a str,
    /// Field names from the root to the current node (list items left out).
    path: Vec<String>,
}

impl Walk<'_> {
    fn metadata(
        &mut self,
        old: Option<&Value>,
        new: Option<&Value>,
        changed: &mut FieldSet,
        removed: &mut FieldSet,
    ) {
        let empty = Value::Object(Map::new());
        let (o, n) = (old.unwrap_or(&empty), new.unwrap_or(&empty));
        self.path.push("metadata".into());
        self.fields(o, n, SERVER_METADATA, changed, removed);
        self.path.pop();
    }

    /// Compares the fields of two objects (at the current path), but those in `skip`.
    fn fields(
        &mut self,
        old: &Value,
        new: &Value,
        skip: &[&str],
        changed: &mut FieldSet,
        removed: &mut FieldSet,
    ) {
        for key in keys(old, new) {
            if skip.contains(&key.as_str()) {
                continue;
            }
            let element = format!("f:{key}");
            self.node(
                &key,
                old.get(&key),
                new.get(&key),
                changed.child(&element),
                removed.child(&element),
            );
        }
    }

    /// Compares the field `key` (at the current path).
    fn node(
        &mut self,
        key: &str,
        old: Option<&Value>,
        new: Option<&Value>,
        changed: &mut FieldSet,
        removed: &mut FieldSet,
    ) {
        if let (Some(o), Some(n)) = (old, new)
            && o == n
        {
            return;
        }
        match (old.is_none(), new.is_none()) {
            (true, false) => changed.mark(),
            (false, true) => removed.mark(),
            _ => {}
        }
        let field_shape = shape(self.kind, &self.path, key);
        let is_container = |v: Option<&Value>| {
            v.is_none_or(|v| match field_shape {
                Shape::Granular => v.is_object(),
                Shape::Keyed { .. } | Shape::Set => v.is_array() || v.is_null(),
                Shape::Atomic => false,
            })
        };
        if field_shape == Shape::Atomic || !is_container(old) || !is_container(new) {
            if old.is_some() && new.is_some() {
                changed.mark();
            }
            return;
        }
        self.path.push(key.to_string());
        match field_shape {
            Shape::Keyed { keys, atomic_items } => {
                self.items(old, new, changed, removed, |item| keyed_element(item, keys));
                if atomic_items {
                    // An owner reference is one leaf: no paths under it.
                    strip_children(changed);
                    strip_children(removed);
                }
            }
            Shape::Set => self.items(old, new, changed, removed, |item| Some(format!("v:{item}"))),
            _ => {
                let empty = Value::Object(Map::new());
                let (o, n) = (old.unwrap_or(&empty), new.unwrap_or(&empty));
                self.fields(o, n, &[], changed, removed);
            }
        }
        self.path.pop();
    }

    /// Compares the items of a list tracked by key or value.
    fn items(
        &mut self,
        old: Option<&Value>,
        new: Option<&Value>,
        changed: &mut FieldSet,
        removed: &mut FieldSet,
        element_of: impl Fn(&Value) -> Option<String>,
    ) {
        let index = |list: Option<&Value>| -> Vec<(String, Value)> {
            let mut out: Vec<(String, Value)> = Vec::new();
            for (i, item) in list
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .enumerate()
            {
                let element = element_of(item).unwrap_or_else(|| format!("i:{i}"));
                // A duplicate key: the first item stands for it.
                if !out.iter().any(|(e, _)| *e == element) {
                    out.push((element, item.clone()));
                }
            }
            out
        };
        let (before, after) = (index(old), index(new));
        let mut elements: Vec<&String> = before.iter().chain(&after).map(|(e, _)| e).collect();
        elements.sort_unstable();
        elements.dedup();
        for element in elements {
            let o = before.iter().find(|(e, _)| e == element).map(|(_, v)| v);
            let n = after.iter().find(|(e, _)| e == element).map(|(_, v)| v);
            self.item(o, n, changed.child(element), removed.child(element));
        }
    }

    /// Compares one list item: itself, then its fields.
    fn item(
        &mut self,
        old: Option<&Value>,
        new: Option<&Value>,
        changed: &mut FieldSet,
        removed: &mut FieldSet,
    ) {
        if let (Some(o), Some(n)) = (old, new)
            && o == n
        {
            return;
        }
        match (old.is_none(), new.is_none()) {
            (true, false) => changed.mark(),
            (false, true) => removed.mark(),
            _ => {}
        }
        let empty = Map::new();
        let (Some(o), Some(n)) = (
            old.map_or(Some(&empty), Value::as_object),
            new.map_or(Some(&empty), Value::as_object),
        ) else {
            // Set items and scalars are leaves.
            if old.is_some() && new.is_some() {
                changed.mark();
            }
            return;
        };
        for child in map_keys(o, n) {
            let element = format!("f:{child}");
            self.node(
                &child,
                o.get(&child),
                n.get(&child),
                changed.child(&element),
                removed.child(&element),
            );
        }
    }
}

/// `k:{"name":"web"}`: an item's keys as compact JSON (None when it has none of them).
fn keyed_element(item: &Value, keys: &[&str]) -> Option<String> {
    let mut fields = Map::new();
    for key in keys {
        if let Some(v) = item.get(*key) {
            fields.insert((*key).to_string(), v.clone());
        }
    }
    (!fields.is_empty()).then(|| format!("k:{}", Value::Object(fields)))
}

/// Leaves only the nodes themselves at the level below `set` (owner references are atomic).
fn strip_children(set: &mut FieldSet) {
    let elements: Vec<String> = set.elements().map(str::to_string).collect();
    for element in elements {
        if let Some(mut item) = set.take(&element) {
            let member = !item.is_empty();
            item = FieldSet::default();
            if member {
                item.mark();
                *set.child(&element) = item;
            }
        }
    }
}

#[cfg(test)]
mod tests;
