//! JSON patch (RFC 6902): add, remove, replace, move, copy, test on JSON pointers.

use serde_json::Value;

use crate::sim::api_error::{ApiError, ApiResult};

fn unprocessable(message: String) -> ApiError {
    let mut e = ApiError::bad_request(message);
    e.code = 422;
    e.reason = "Invalid";
    e
}

fn tokens(pointer: &str) -> ApiResult<Vec<String>> {
    if pointer.is_empty() {
        return Ok(Vec::new());
    }
    let rest = pointer
        .strip_prefix('/')
        .ok_or_else(|| ApiError::bad_request(format!("invalid JSON pointer: {pointer:?}")))?;
    Ok(rest
        .split('/')
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect())
}

fn parent<'a>(doc: &'a mut Value, path: &[String], pointer: &str) -> ApiResult<&'a mut Value> {
    let mut v = doc;
    for t in path {
        v = match v {
            Value::Object(m) => m.get_mut(t),
            Value::Array(a) => t.parse::<usize>().ok().and_then(|i| a.get_mut(i)),
            _ => None,
        }
        .ok_or_else(|| unprocessable(format!("doc is missing path: \"{pointer}\"")))?;
    }
    Ok(v)
}

fn get(doc: &Value, pointer: &str) -> ApiResult<Value> {
    doc.pointer(pointer)
        .cloned()
        .ok_or_else(|| unprocessable(format!("doc is missing path: \"{pointer}\"")))
}

fn add(doc: &mut Value, pointer: &str, value: Value) -> ApiResult<()> {
    let toks = tokens(pointer)?;
    let Some((last, path)) = toks.split_last() else {
        *doc = value;
        return Ok(());
    };
    match parent(doc, path, pointer)? {
        Value::Object(m) => {
            m.insert(last.clone(), value);
            Ok(())
        }
        Value::Array(a) => {
            let i = if last == "-" {
                a.len()
            } else {
                last.parse::<usize>()
                    .ok()
                    .filter(|i| *i <= a.len())
                    .ok_or_else(|| {
                        unprocessable(format!(
                            "add operation does not apply: doc is missing path: \"{pointer}\""
                        ))
                    })?
            };
            a.insert(i, value);
            Ok(())
        }
        _ => Err(unprocessable(format!(
            "add operation does not apply: doc is missing path: \"{pointer}\""
        ))),
    }
}

fn remove(doc: &mut Value, pointer: &str) -> ApiResult<Value> {
    let toks = tokens(pointer)?;
    let Some((last, path)) = toks.split_last() else {
        return Err(unprocessable("cannot remove the whole document".into()));
    };
    let missing = || {
        unprocessable(format!(
            "remove operation does not apply: doc is missing path: \"{pointer}\""
        ))
    };
    match parent(doc, path, pointer)? {
        Value::Object(m) => m.remove(last).ok_or_else(missing),
        Value::Array(a) => match last.parse::<usize>() {
            Ok(i) if i < a.len() => Ok(a.remove(i)),
            _ => Err(missing()),
        },
        _ => Err(missing()),
    }
}

/// Applies a list of operations to `doc`; on error `doc` may be partly changed (callers patch a copy).
pub fn apply(doc: &mut Value, ops: &Value) -> ApiResult<()> {
    let ops = ops
        .as_array()
        .ok_or_else(|| ApiError::bad_request("a JSON patch must be a list of operations"))?;
    for op in ops {
        let path = op["path"].as_str().unwrap_or_default();
        let from = op["from"].as_str().unwrap_or_default();
        match op["op"].as_str().unwrap_or_default() {
            "add" => add(doc, path, op["value"].clone())?,
            "remove" => {
                remove(doc, path)?;
            }
            "replace" => {
                remove(doc, path)?;
                add(doc, path, op["value"].clone())?;
            }
            "move" => {
                let v = remove(doc, from)?;
                add(doc, path, v)?;
            }
            "copy" => {
                let v = get(doc, from)?;
                add(doc, path, v)?;
            }
            "test" => {
                if get(doc, path)? != op["value"] {
                    return Err(unprocessable(format!(
                        "testing value {path} failed: test failed"
                    )));
                }
            }
            other => {
                return Err(ApiError::bad_request(format!("Unexpected kind: {other:?}")));
            }
        }
    }
    Ok(())
}
