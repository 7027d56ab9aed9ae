//! JSON patch (RFC 6902) and JSON merge patch (RFC 7386) through the `json-patch` crate,
//! with kube-apiserver's answers when a patch cannot be read or applied.

use serde_json::Value;

use crate::sim::api_error::{ApiError, ApiResult};

/// What kube-apiserver answers when a JSON patch does not apply (a `test` that fails, a
/// missing path): 422 with the generic message of `NewGenericServerResponse`, which drops
/// the patch library's own wording (kubectl prints "The request is invalid: the server
/// rejected our request due to an error in our request").
fn not_applicable() -> ApiError {
    let mut e =
        ApiError::bad_request("the server rejected our request due to an error in our request");
    e.code = 422;
    e.reason = "Invalid";
    e
}

/// Applies a JSON patch body to `doc`. A body that is not a list of operations is 400 with
/// the decoder's message, as the real server's `DecodePatch`; an operation it cannot apply,
/// or of an unknown kind (which the Go library only finds out while applying), is 422.
/// On error `doc` is left as it was.
pub fn apply(doc: &mut Value, body: &[u8]) -> ApiResult<()> {
    let ops: Value = serde_json::from_slice(body)
        .map_err(|e| ApiError::bad_request(format!("invalid JSON patch: {e}")))?;
    if !ops.is_array() {
        return Err(ApiError::bad_request(format!(
            "json: cannot unmarshal {} into Go value of type jsonpatch.Patch",
            go_json_kind(&ops)
        )));
    }
    let patch: ::json_patch::Patch = serde_json::from_value(ops).map_err(|_| not_applicable())?;
    ::json_patch::patch(doc, &patch).map_err(|_| not_applicable())
}

/// Applies a JSON merge patch body to `doc`: objects merge recursively, `null` removes,
/// anything else replaces.
pub fn merge(doc: &mut Value, body: &[u8]) -> ApiResult<()> {
    let patch: Value = serde_json::from_slice(body)
        .map_err(|e| ApiError::bad_request(format!("error decoding patch: {e}")))?;
    ::json_patch::merge(doc, &patch);
    Ok(())
}

/// How Go's encoding/json names a JSON value's type in an unmarshal error.
fn go_json_kind(v: &Value) -> &'static str {
    match v {
        Value::Object(_) => "object",
        Value::String(_) => "string",
        Value::Number(_) => "number",
        Value::Bool(_) => "bool",
        Value::Array(_) => "array",
        Value::Null => "null",
    }
}
