//! Strategic merge patch: JSON merge patch where lists with a merge key (the
//! `patchMergeKey` of the Kubernetes types) are merged element by element, plus
//! the `$patch: replace|delete`, `$retainKeys`, `$setElementOrder/` and
//! `$deleteFromPrimitiveList/` directives kubectl sends.

use serde_json::{Map, Value};

use crate::list_merge::{ListStrategy, list_strategy as strategy};
use crate::sim::api_error::{ApiError, ApiResult};

/// Applies a strategic merge patch (an object) to `target`.
pub fn strategic_merge(target: &mut Value, patch: &Value) -> ApiResult<()> {
    merge_map(target, patch, &mut Vec::new())
}

fn strip_directives(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(k, _)| !k.starts_with('$'))
                .map(|(k, v)| (k.clone(), strip_directives(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(
            a.iter()
                .filter(|e| e.get("$patch").is_none())
                .map(strip_directives)
                .collect(),
        ),
        other => other.clone(),
    }
}

fn merge_map(target: &mut Value, patch: &Value, path: &mut Vec<String>) -> ApiResult<()> {
    let Some(p) = patch.as_object() else {
        *target = patch.clone();
        return Ok(());
    };
    match p.get("$patch").and_then(Value::as_str) {
        Some("replace") => {
            *target = strip_directives(patch);
            return Ok(());
        }
        Some("delete") => {
            *target = Value::Object(Map::new());
            return Ok(());
        }
        Some(other) => {
            return Err(ApiError::bad_request(format!(
                "Unknown patch type: {other}"
            )));
        }
        None => {}
    }
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    let mut orders = Vec::new();
    for (k, v) in p {
        if let Some(field) = k.strip_prefix("$setElementOrder/") {
            orders.push((field.to_string(), v));
            continue;
        }
        if let Some(field) = k.strip_prefix("$deleteFromPrimitiveList/") {
            if let Some(list) = target.get_mut(field).and_then(Value::as_array_mut) {
                let remove = v.as_array().cloned().unwrap_or_default();
                list.retain(|e| !remove.contains(e));
            }
            continue;
        }
        if k.starts_with('$') {
            continue;
        }
        let Some(t) = target.as_object_mut() else {
            break;
        };
        if v.is_null() || v.get("$patch").and_then(Value::as_str) == Some("delete") {
            t.remove(k);
        } else if v.is_object() {
            path.push(k.clone());
            let slot = t.entry(k.clone()).or_insert(Value::Null);
            let result = merge_map(slot, v, path);
            path.pop();
            result?;
        } else if let Some(list) = v.as_array() {
            let slot = t.entry(k.clone()).or_insert(Value::Null);
            merge_list(slot, list, path, k)?;
        } else {
            t.insert(k.clone(), v.clone());
        }
    }
    if let Some(keep) = p.get("$retainKeys").and_then(Value::as_array)
        && let Some(t) = target.as_object_mut()
    {
        t.retain(|k, _| keep.iter().any(|r| r == k));
    }
    for (field, order) in orders {
        reorder(target, path, &field, order);
    }
    Ok(())
}

fn merge_list(
    target: &mut Value,
    patch: &[Value],
    path: &mut Vec<String>,
    field: &str,
) -> ApiResult<()> {
    let replace_all = patch
        .iter()
        .any(|e| e.get("$patch").and_then(Value::as_str) == Some("replace"));
    let strategy = strategy(path, field);
    if replace_all || strategy == ListStrategy::Replace {
        *target = strip_directives(&Value::Array(patch.to_vec()));
        return Ok(());
    }
    let mut current = target.as_array().cloned().unwrap_or_default();
    match strategy {
        ListStrategy::PrimitiveMerge => {
            for e in patch {
                if !current.contains(e) {
                    current.push(e.clone());
                }
            }
        }
        ListStrategy::MergeKey(key) => {
            path.push(field.to_string());
            for e in patch {
                if !e.is_object() {
                    current.push(e.clone());
                    continue;
                }
                let Some(id) = e.get(key) else {
                    path.pop();
                    return Err(ApiError::bad_request(format!(
                        "map: {e} does not contain declared merge key: {key}"
                    )));
                };
                let at = current.iter().position(|c| c.get(key) == Some(id));
                if e.get("$patch").and_then(Value::as_str) == Some("delete") {
                    if let Some(i) = at {
                        current.remove(i);
                    }
                    continue;
                }
                if let Some(i) = at {
                    merge_map(&mut current[i], e, path)?;
                } else {
                    let mut fresh = Value::Object(Map::new());
                    merge_map(&mut fresh, e, path)?;
                    current.push(fresh);
                }
            }
            path.pop();
        }
        ListStrategy::Replace => {}
    }
    *target = Value::Array(current);
    Ok(())
}

/// `$setElementOrder/FIELD`: put the list's elements in the order the patch lists them.
fn reorder(target: &mut Value, path: &[String], field: &str, order: &Value) {
    let Some(order) = order.as_array() else {
        return;
    };
    let key = match strategy(path, field) {
        ListStrategy::MergeKey(k) => Some(k),
        _ => None,
    };
    let Some(list) = target.get_mut(field).and_then(Value::as_array_mut) else {
        return;
    };
    let rank = |e: &Value| {
        order
            .iter()
            .position(|o| match key {
                Some(k) => o.get(k) == e.get(k),
                None => o == e,
            })
            .unwrap_or(usize::MAX)
    };
    list.sort_by_key(rank);
}
