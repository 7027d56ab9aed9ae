//! PATCH in its four forms: JSON merge patch (RFC 7386) and JSON patch (RFC 6902)
//! through the `json-patch` crate,
//! strategic merge patch (lists merged by their real merge keys, `$patch`
//! directives) and apply patch (a simplified server-side apply: create or merge).

mod json_patch;
mod strategic;

use axum::response::Response;
use http::StatusCode;
use serde_json::Value;

use super::routes::{ApiRequest, parse_body};
use super::{validate, write};
use crate::sim::api_error::{ApiError, ApiResult};
use crate::sim::store::UpdateMode;

pub use strategic::strategic_merge;

/// The patch formats the server accepts, by `Content-Type`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PatchKind {
    /// `application/merge-patch+json`.
    Merge,
    /// `application/json-patch+json`.
    Json,
    /// `application/strategic-merge-patch+json`.
    Strategic,
    /// `application/apply-patch+yaml` (server-side apply).
    Apply,
}

impl PatchKind {
    /// The kind for a media type; UnsupportedMediaType (415) otherwise.
    pub fn from_content_type(ct: &str) -> ApiResult<Self> {
        match ct {
            "application/merge-patch+json" => Ok(Self::Merge),
            "application/json-patch+json" => Ok(Self::Json),
            "application/strategic-merge-patch+json" => Ok(Self::Strategic),
            "application/apply-patch+yaml" | "application/apply-patch+json" => Ok(Self::Apply),
            other => {
                let mut e = ApiError::bad_request(format!(
                    "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json (got {other})"
                ));
                e.code = 415;
                e.reason = "UnsupportedMediaType";
                Err(e)
            }
        }
    }
}

/// Applies a patch body of the given kind to `target`.
pub fn apply_patch(kind: PatchKind, target: &Value, body: &[u8]) -> ApiResult<Value> {
    let mut out = target.clone();
    match kind {
        PatchKind::Json => {
            json_patch::apply(&mut out, body)?;
            // Go clients send `null` for unset fields (kubectl rollout undo's template has
            // `creationTimestamp: null`); a real server's decoding makes them unset.
            drop_nulls(&mut out);
        }
        PatchKind::Merge => json_patch::merge(&mut out, body)?,
        PatchKind::Strategic | PatchKind::Apply => {
            let p = parse_body(body)?;
            if !p.is_object() {
                return Err(ApiError::bad_request(
                    "a strategic merge patch must be a JSON object",
                ));
            }
            strategic_merge(&mut out, &p)?;
        }
    }
    Ok(out)
}

/// Removes `null` members of objects, recursively (what decoding into typed objects does).
fn drop_nulls(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.retain(|_, v| !v.is_null());
            map.values_mut().for_each(drop_nulls);
        }
        Value::Array(items) => items.iter_mut().for_each(drop_nulls),
        _ => {}
    }
}

/// `PATCH` of an object.
pub fn patch(req: &ApiRequest) -> ApiResult<Response> {
    let rt = req.path.rt;
    let name = req.name()?.to_string();
    let kind = PatchKind::from_content_type(req.content_type())?;
    let store = &req.state.store;
    let Some(old) = store.get(rt, req.namespace().unwrap_or_default(), &name) else {
        if kind == PatchKind::Apply {
            // Server-side apply of a new object is a create.
            let mut obj = parse_body(&req.body)?;
            write::check_identity(req, &mut obj)?;
            if obj["metadata"]["name"].is_null() {
                obj["metadata"]["name"] = Value::String(name.clone());
            }
            validate::strip_nulls(&mut obj);
            validate::strict::check(&req.state.store, rt, &obj, req.strict_fields())?;
            validate::admit(store, rt, &mut obj, None)?;
            let now = store.clock().now();
            crate::sim::managed_fields::record_create(rt, &mut obj, &req.manager(), now);
            crate::sim::admission::mutate_on_create(rt, &mut obj);
            let created = write::create_checked(store, rt, obj, req.dry_run())?;
            return Ok(req.answer(StatusCode::CREATED, &created));
        }
        return Err(ApiError::not_found(rt, &name));
    };
    drop(old);
    let updated = write::update_with_retry(req, rt, UpdateMode::Main, |old| {
        let patched = apply_patch(kind, &req.served(old), &req.body)?;
        let mut patched = req.stored(patched);
        validate::strip_nulls(&mut patched);
        validate::strict::check(&req.state.store, rt, &patched, req.strict_fields())?;
        if patched["metadata"]["name"] != name.as_str() {
            return Err(ApiError::bad_request(format!(
                "the name of the object ({}) does not match the name on the URL ({name})",
                patched["metadata"]["name"].as_str().unwrap_or_default()
            )));
        }
        Ok(patched)
    })?;
    Ok(req.answer(StatusCode::OK, &updated))
}

#[cfg(test)]
mod tests;
