//! Re-apply after a conflict: a three-way merge of the user's edit onto the server's
//! newer version. What the user changed (from the version they edited, `base`, to their
//! text, `edited`) is carried onto `latest`; what the server changed meanwhile stays.
//! Lists the API merges by key (containers by name, ports by containerPort...: see
//! [`crate::list_merge`]) are merged element by element, so changing one container's
//! image keeps a sidecar the server added and an env var it changed. Where both changed
//! the same field, the user's value wins: the result is diffed against `latest` and
//! confirmed before anything is sent.

use serde_json::{Map, Value};

use crate::list_merge::{ListStrategy, list_strategy};

/// The user's changes (`base` to `edited`) on top of `latest`: what re-apply sends.
pub fn rebase(base: &Value, edited: &Value, latest: &Value) -> Value {
    merge(base, edited, latest, &mut Vec::new())
}

fn merge(base: &Value, edited: &Value, latest: &Value, path: &mut Vec<String>) -> Value {
    if base == edited {
        return latest.clone();
    }
    match (base, edited, latest) {
        (Value::Object(b), Value::Object(e), Value::Object(l)) => {
            Value::Object(merge_maps(b, e, l, path))
        }
        (Value::Array(b), Value::Array(e), Value::Array(l)) => {
            let Some((field, parent)) = path.split_last() else {
                return edited.clone();
            };
            match list_strategy(parent, field) {
                ListStrategy::MergeKey(key) if keyed(b, key) && keyed(e, key) && keyed(l, key) => {
                    Value::Array(merge_keyed(b, e, l, key, path))
                }
                ListStrategy::PrimitiveMerge => Value::Array(merge_set(b, e, l)),
                _ => edited.clone(),
            }
        }
        _ => edited.clone(),
    }
}

fn merge_maps(
    base: &Map<String, Value>,
    edited: &Map<String, Value>,
    latest: &Map<String, Value>,
    path: &mut Vec<String>,
) -> Map<String, Value> {
    let mut out = latest.clone();
    for (k, ev) in edited {
        match (base.get(k), latest.get(k)) {
            (Some(bv), _) if bv == ev => {}
            (Some(bv), Some(lv)) => {
                path.push(k.clone());
                let merged = merge(bv, ev, lv, path);
                path.pop();
                out.insert(k.clone(), merged);
            }
            _ => {
                out.insert(k.clone(), ev.clone());
            }
        }
    }
    for k in base.keys() {
        if !edited.contains_key(k) {
            out.remove(k);
        }
    }
    out
}

/// Every element is a map carrying `key`.
fn keyed(list: &[Value], key: &str) -> bool {
    list.iter().all(|v| v.get(key).is_some())
}

fn find<'a>(list: &'a [Value], key: &str, id: &Value) -> Option<&'a Value> {
    list.iter().find(|v| v.get(key) == Some(id))
}

/// The user's elements in the user's order (each merged with the server's), then the
/// elements the server added that the user never saw; the ones the user removed go.
fn merge_keyed(
    base: &[Value],
    edited: &[Value],
    latest: &[Value],
    key: &str,
    path: &mut Vec<String>,
) -> Vec<Value> {
    let mut out: Vec<Value> = edited
        .iter()
        .filter_map(|e| {
            let id = e.get(key)?;
            match (find(base, key, id), find(latest, key, id)) {
                // The server removed an element the user left as it was: it stays removed.
                (Some(b), None) if b == e => None,
                (Some(b), Some(l)) => Some(merge(b, e, l, path)),
                _ => Some(e.clone()),
            }
        })
        .collect();
    for l in latest {
        let id = l.get(key);
        let known = |list: &[Value]| id.is_some_and(|id| find(list, key, id).is_some());
        if !known(base) && !known(edited) {
            out.push(l.clone());
        }
    }
    out
}

/// A set of scalars (`finalizers`): the server's, plus what the user added, minus what
/// the user removed.
fn merge_set(base: &[Value], edited: &[Value], latest: &[Value]) -> Vec<Value> {
    let mut out: Vec<Value> = latest
        .iter()
        .filter(|v| edited.contains(v) || !base.contains(v))
        .cloned()
        .collect();
    for v in edited {
        if !base.contains(v) && !out.contains(v) {
            out.push(v.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn the_servers_change_and_the_users_both_stay() {
        let base =
            json!({"metadata": {"resourceVersion": "5"}, "spec": {"replicas": 3, "paused": false}});
        let edited =
            json!({"metadata": {"resourceVersion": "5"}, "spec": {"replicas": 3, "paused": true}});
        let latest = json!({"metadata": {"resourceVersion": "9", "annotations": {"x": "y"}},
                            "spec": {"replicas": 7, "paused": false}});
        assert_eq!(
            rebase(&base, &edited, &latest),
            json!({"metadata": {"resourceVersion": "9", "annotations": {"x": "y"}},
                   "spec": {"replicas": 7, "paused": true}})
        );
    }

    #[test]
    fn a_field_the_user_removed_is_removed() {
        let out = rebase(
            &json!({"a": 1, "b": 2}),
            &json!({"a": 1}),
            &json!({"a": 1, "b": 3}),
        );
        assert_eq!(out, json!({"a": 1}));
    }

    fn pod_spec(containers: &Value) -> Value {
        json!({"spec": {"template": {"spec": {"containers": containers}}}})
    }

    #[test]
    fn containers_merge_by_name_keeping_a_sidecar_and_env_the_server_added() {
        let base = pod_spec(&json!([
            {"name": "app", "image": "nginx:1.14", "env": [{"name": "A", "value": "1"}]}
        ]));
        let edited = pod_spec(&json!([
            {"name": "app", "image": "nginx:1.15", "env": [{"name": "A", "value": "1"}]}
        ]));
        let latest = pod_spec(&json!([
            {"name": "app", "image": "nginx:1.14",
             "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}]},
            {"name": "sidecar", "image": "envoy"}
        ]));
        assert_eq!(
            rebase(&base, &edited, &latest),
            pod_spec(&json!([
                {"name": "app", "image": "nginx:1.15",
                 "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}]},
                {"name": "sidecar", "image": "envoy"}
            ]))
        );
    }

    #[test]
    fn the_users_added_and_removed_elements_count_and_the_servers_removal_too() {
        let base = pod_spec(&json!([{"name": "a"}, {"name": "b"}, {"name": "c"}]));
        let edited = pod_spec(&json!([{"name": "a"}, {"name": "c"}, {"name": "d"}]));
        let latest = pod_spec(&json!([{"name": "b"}, {"name": "c", "image": "x"}]));
        assert_eq!(
            rebase(&base, &edited, &latest),
            pod_spec(&json!([{"name": "c", "image": "x"}, {"name": "d"}]))
        );
    }

    #[test]
    fn a_list_without_a_merge_key_is_the_users() {
        let base = pod_spec(&json!([{"name": "a", "args": ["x"]}]));
        let edited = pod_spec(&json!([{"name": "a", "args": ["y"]}]));
        let latest = pod_spec(&json!([{"name": "a", "args": ["x", "z"]}]));
        assert_eq!(rebase(&base, &edited, &latest), edited);
        let untouched = pod_spec(&json!([{"name": "a", "args": ["x"], "image": "i"}]));
        assert_eq!(
            rebase(&base, &untouched, &latest),
            pod_spec(&json!([{"name": "a", "args": ["x", "z"], "image": "i"}]))
        );
    }

    #[test]
    fn finalizers_merge_as_a_set() {
        let out = rebase(
            &json!({"metadata": {"finalizers": ["a", "b"]}}),
            &json!({"metadata": {"finalizers": ["b", "mine"]}}),
            &json!({"metadata": {"finalizers": ["a", "b", "theirs"]}}),
        );
        assert_eq!(
            out,
            json!({"metadata": {"finalizers": ["b", "theirs", "mine"]}})
        );
    }
}
