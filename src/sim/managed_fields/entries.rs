//! The entries of `metadata.managedFields`: read from an object, changed by a write,
//! written back sorted as the real server sorts them.

use jiff::Timestamp;
use serde_json::{Map, Value, json};

use super::{Changes, FieldSet, Manager, Operation, api_version, compare, stamp};
use crate::sim::resources::ResourceType;

/// One entry, its field set decoded only when a write needs it.
struct Entry {
    manager: String,
    operation: String,
    api_version: String,
    subresource: String,
    time: Value,
    /// The `fieldsV1` text as stored.
    text: String,
    /// The decoded set, once changed.
    set: Option<FieldSet>,
}

impl Entry {
    fn from_json(v: &Value) -> Option<Self> {
        let text = match &v["fieldsV1"] {
            Value::String(s) => s.clone(),
            Value::Object(_) => FieldSet::from_json(&v["fieldsV1"]).to_json_text(),
            _ => return None,
        };
        let field = |k: &str| v[k].as_str().unwrap_or_default().to_string();
        Some(Self {
            manager: field("manager"),
            operation: field("operation"),
            api_version: field("apiVersion"),
            subresource: field("subresource"),
            time: v["time"].clone(),
            text,
            set: None,
        })
    }

    fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("apiVersion".into(), json!(self.api_version));
        m.insert("fieldsType".into(), json!("FieldsV1"));
        let text = match &self.set {
            Some(set) => set.to_json_text(),
            None => self.text.clone(),
        };
        m.insert("fieldsV1".into(), Value::String(text));
        if !self.manager.is_empty() {
            m.insert("manager".into(), json!(self.manager));
        }
        m.insert("operation".into(), json!(self.operation));
        if !self.subresource.is_empty() {
            m.insert("subresource".into(), json!(self.subresource));
        }
        if !self.time.is_null() {
            m.insert("time".into(), self.time.clone());
        }
        Value::Object(m)
    }

    fn set(&mut self) -> &mut FieldSet {
        let text = &self.text;
        self.set.get_or_insert_with(|| {
            serde_json::from_str::<Value>(text)
                .map(|v| FieldSet::from_json(&v))
                .unwrap_or_default()
        })
    }

    fn is_empty(&self) -> bool {
        match &self.set {
            Some(set) => set.is_empty(),
            None => self.text == "{}",
        }
    }

    /// Whether the entry may hold a path of `set` (its text names one of its top fields).
    fn may_hold(&self, set: &FieldSet) -> bool {
        self.set.is_some()
            || set
                .elements()
                .any(|e| self.text.contains(&format!("\"{e}\"")))
    }
}

fn entries_of(obj: &Value) -> Option<&Vec<Value>> {
    obj["metadata"]["managedFields"].as_array()
}

fn decode(list: Option<&Vec<Value>>) -> Vec<Entry> {
    list.into_iter()
        .flatten()
        .filter_map(Entry::from_json)
        .filter(|e| !e.is_empty())
        .collect()
}

/// Writes `entries` into `obj`, sorted as the real server sorts them (operation, time,
/// manager, apiVersion, subresource), or removes the field when there are none.
fn encode(obj: &mut Value, mut entries: Vec<Entry>) {
    entries.retain(|e| !e.is_empty());
    entries.sort_by(|a, b| {
        (
            &a.operation,
            a.time.as_str(),
            &a.manager,
            &a.api_version,
            &a.subresource,
        )
            .cmp(&(
                &b.operation,
                b.time.as_str(),
                &b.manager,
                &b.api_version,
                &b.subresource,
            ))
    });
    if entries.is_empty() {
        if let Some(m) = obj["metadata"].as_object_mut() {
            m.remove("managedFields");
        }
    } else {
        obj["metadata"]["managedFields"] = entries.iter().map(Entry::to_json).collect();
    }
}

/// Keeps the managedFields an object carries (a client's), each `fieldsV1` as its text.
pub fn normalize(obj: &mut Value) {
    let recorded = entries_of(obj).is_some_and(|entries| {
        entries
            .iter()
            .all(|e| e["fieldsV1"].as_str().is_some_and(|t| t != "{}"))
    });
    if recorded {
        // Recorded here: already in the stored form.
        return;
    }
    if entries_of(obj).is_some() {
        let entries = decode(entries_of(obj));
        encode(obj, entries);
    } else if obj["metadata"].get("managedFields").is_some()
        && let Some(m) = obj["metadata"].as_object_mut()
    {
        m.remove("managedFields");
    }
}

/// Records a create by `manager` in `obj`'s managedFields (kept as sent, if any). Status
/// of a type with a status subresource is reset on create, so no one owns it yet.
pub fn record_create(rt: &ResourceType, obj: &mut Value, manager: &Manager, now: Timestamp) {
    let entries = decode(entries_of(obj));
    let mut changes = compare(rt.kind, None, obj);
    if rt.has_subresource("status") {
        changes.changed.take("f:status");
    }
    let entries = apply(rt, entries, changes, manager, now);
    encode(obj, entries);
}

/// Records an update of `old` into `new`: by `manager`, or by the server itself (`None`:
/// graceful deletion, binding, a test's direct write), which only drops what was removed.
/// A write to the object itself that sends other managedFields replaces them (the
/// documented way to reset them); otherwise they are the stored ones.
pub fn record_update(
    rt: &ResourceType,
    old: &Value,
    new: &mut Value,
    manager: Option<&Manager>,
    now: Timestamp,
) {
    let sent = entries_of(new).filter(|s| !s.is_empty());
    let replaced = manager.is_some_and(|m| m.subresource.is_none())
        && sent.is_some()
        && sent != entries_of(old);
    let base = if replaced { sent } else { entries_of(old) };
    let Some(manager) = manager else {
        if base.is_none() {
            return;
        }
        let mut entries = decode(base);
        let removed = compare(rt.kind, Some(old), new).removed;
        if !removed.is_empty() {
            for e in entries.iter_mut().filter(|e| e.may_hold(&removed)) {
                e.set().subtract(&removed);
            }
        }
        encode(new, entries);
        return;
    };
    let entries = decode(base);
    let changes = compare(rt.kind, Some(old), new);
    let entries = apply(rt, entries, changes, manager, now);
    encode(new, entries);
}

/// The entries after `manager`'s write: others lose what it changed or removed, its own
/// entries gain what it changed (an apply owns what it applied) and are dated `now`.
fn apply(
    rt: &ResourceType,
    mut entries: Vec<Entry>,
    changes: Changes,
    manager: &Manager,
    now: Timestamp,
) -> Vec<Entry> {
    let Changes {
        mut changed,
        removed,
    } = changes;
    let mut taken = changed.clone();
    taken.union(&removed);
    if let Some(applied) = &manager.applied {
        taken.union(applied);
    }
    let operation = manager.operation.as_str();
    let version = api_version(rt);
    let sub = manager.subresource.as_deref().unwrap_or_default();
    let mut groups: Vec<(&str, FieldSet)> = Vec::new();
    match &manager.applied {
        Some(applied) => groups.push((sub, applied.clone())),
        None if manager.subresource.is_none() && rt.has_subresource("status") => {
            let status = changed.take("f:status");
            groups.push(("", changed));
            if let Some(status) = status {
                let mut set = FieldSet::default();
                *set.child("f:status") = status;
                groups.push(("status", set));
            }
        }
        None => groups.push((sub, changed)),
    }
    let is_own = |e: &Entry, sub: &str| {
        e.manager == manager.name
            && e.operation == operation
            && e.subresource == sub
            && (manager.operation == Operation::Apply || e.api_version == version)
    };
    for e in &mut entries {
        let own = groups.iter().any(|(sub, _)| is_own(e, sub));
        let lost = if own { &removed } else { &taken };
        if !lost.is_empty() && e.may_hold(lost) {
            e.set().subtract(lost);
        }
    }
    for (sub, set) in groups {
        if set.is_empty() {
            continue;
        }
        let position = entries.iter().position(|e| is_own(e, sub));
        let entry = if let Some(i) = position {
            &mut entries[i]
        } else {
            entries.push(Entry {
                manager: manager.name.to_string(),
                operation: operation.to_string(),
                api_version: version.clone(),
                subresource: sub.to_string(),
                time: Value::Null,
                text: "{}".into(),
                set: Some(FieldSet::default()),
            });
            entries.last_mut().expect("an entry was just pushed")
        };
        if manager.applied.is_some() {
            *entry.set() = set;
        } else {
            entry.set().union(&set);
        }
        entry.time = stamp(now);
    }
    entries
}
