//! get and list: label and field selectors, `limit`/`continue` paging (410 on a
//! compacted continue token) and the Table form kubectl asks for.

use std::sync::Arc;

use axum::response::Response;
use base64::Engine as _;
use http::StatusCode;
use serde_json::{Value, json};

use super::routes::{ApiRequest, json, json_bytes};
use super::selectors::{FieldSelector, LabelSelector};
use super::table::{self, IncludeObject};
use super::{shown_time, wire};
use crate::sim::api_error::{ApiError, ApiResult};
use crate::sim::resources::ResourceType;
use crate::sim::store::Obj;

/// The label and field selectors of a list or watch request.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    /// `labelSelector`.
    pub labels: LabelSelector,
    /// `fieldSelector`.
    pub fields: FieldSelector,
}

impl Filter {
    /// Reads `labelSelector` and `fieldSelector` from the request.
    pub fn from_request(req: &ApiRequest) -> ApiResult<Self> {
        Ok(Self {
            labels: LabelSelector::parse(req.param("labelSelector").unwrap_or_default())?,
            fields: FieldSelector::parse(
                req.param("fieldSelector").unwrap_or_default(),
                req.path.rt,
            )?,
        })
    }

    /// Whether an object passes both selectors.
    pub fn matches(&self, obj: &Value) -> bool {
        self.labels.matches(obj) && self.fields.matches(obj)
    }
}

/// `GET .../NAME`.
pub fn get(req: &ApiRequest) -> ApiResult<Response> {
    let rt = req.path.rt;
    let name = req.name()?;
    let obj = req
        .state
        .store
        .get(rt, req.namespace().unwrap_or_default(), name)
        .ok_or_else(|| ApiError::not_found(rt, name))?;
    if req.wants_table() {
        // Already as clients are shown it.
        let t = table::shown_table(
            req.table_of(),
            std::slice::from_ref(&obj),
            req.state.store.clock(),
            IncludeObject::from_request(req),
        );
        return Ok(json(StatusCode::OK, &t));
    }
    Ok(req.answer(StatusCode::OK, &obj))
}

/// A decoded `continue` token: the list's resourceVersion and the last key sent.
fn decode_continue(token: &str) -> ApiResult<(u64, String, String)> {
    let bad = || {
        ApiError::bad_request(
            "continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)",
        )
    };
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(token)
        .map_err(|_| bad())?;
    let v: Value = serde_json::from_slice(&bytes).map_err(|_| bad())?;
    let rv = v["rv"].as_u64().ok_or_else(bad)?;
    let ns = v["start"][0].as_str().ok_or_else(bad)?.to_string();
    let name = v["start"][1].as_str().ok_or_else(bad)?.to_string();
    Ok((rv, ns, name))
}

fn encode_continue(rv: u64, obj: &Value) -> String {
    let ns = obj["metadata"]["namespace"].as_str().unwrap_or_default();
    let name = obj["metadata"]["name"].as_str().unwrap_or_default();
    let v = json!({"v": "meta.k8s.io/v1", "rv": rv, "start": [ns, name]});
    base64::engine::general_purpose::STANDARD.encode(v.to_string())
}

/// The message of a 410 for a continue token older than the compaction.
const CONTINUE_EXPIRED: &str = "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.";

/// The objects of a list request after selectors and paging, with the list metadata.
pub fn select(req: &ApiRequest) -> ApiResult<(Vec<Obj>, Value)> {
    let rt = req.path.rt;
    let filter = Filter::from_request(req)?;
    let store = &req.state.store;
    let after = match req.param("continue").filter(|t| !t.is_empty()) {
        Some(token) => {
            let (token_rv, ns, name) = decode_continue(token)?;
            if token_rv < store.etcd_compacted_rv() {
                return Err(ApiError::gone(CONTINUE_EXPIRED));
            }
            Some((token_rv, ns, name))
        }
        None => None,
    };
    let limit = req
        .param("limit")
        .and_then(|l| l.parse::<usize>().ok())
        .filter(|l| *l > 0);
    // Like the real server: remainingItemCount only for lists without selectors.
    let unfiltered = filter.labels.is_empty() && filter.fields.is_empty();
    let page = store.list_page(
        rt,
        req.namespace(),
        after
            .as_ref()
            .map(|(_, ns, name)| (ns.as_str(), name.as_str())),
        limit,
        |o| filter.matches(o),
        unfiltered,
    );
    // Later pages keep the first page's resourceVersion.
    let list_rv = after.as_ref().map_or(page.rv, |(rv, _, _)| *rv);
    let mut meta = json!({"resourceVersion": list_rv.to_string()});
    if page.more
        && let Some(last) = page.items.last()
    {
        meta["continue"] = json!(encode_continue(list_rv, last));
        if let Some(n) = page.remaining {
            meta["remainingItemCount"] = json!(n);
        }
    }
    Ok((page.items, meta))
}

/// `GET` of a collection.
pub fn list(req: &ApiRequest) -> ApiResult<Response> {
    let rt = req.path.rt;
    let version = req.path.version.as_str();
    let (mut items, meta) = select(req)?;
    if req.wants_table() {
        let mut t = table::shown_table(
            req.table_of(),
            &items,
            req.state.store.clock(),
            IncludeObject::from_request(req),
        );
        t["metadata"] = meta;
        return Ok(json(StatusCode::OK, &t));
    }
    if version != rt.version {
        items = items
            .iter()
            .map(|o| Arc::new(req.served(o).into_owned()))
            .collect();
    }
    let clock = req.state.store.clock();
    if clock.compresses() {
        let items: Vec<Obj> = items
            .iter()
            .map(|o| Arc::new(shown_time::shown(clock, o).into_owned()))
            .collect();
        return Ok(json_bytes(
            StatusCode::OK,
            list_bytes(rt, version, &items, &meta),
        ));
    }
    Ok(json_bytes(
        StatusCode::OK,
        list_bytes(rt, version, &items, &meta),
    ))
}

/// A `...List` serialized straight from the shared objects (no deep copy: lists
/// of the `scale` scenario hold 50,000 pods).
fn list_bytes(rt: &ResourceType, version: &str, items: &[Obj], meta: &Value) -> Vec<u8> {
    let mut out = Vec::with_capacity(256 + items.len() * 2048);
    let head = json!({"kind": format!("{}List", rt.kind), "apiVersion": rt.api_version_of(version), "metadata": meta});
    // `head` is an object: write it without its closing brace, then the items.
    let head = head.to_string();
    out.extend_from_slice(&head.as_bytes()[..head.len() - 1]);
    out.extend_from_slice(b",\"items\":[");
    for (i, o) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        wire::write_into(&mut out, o);
    }
    out.extend_from_slice(b"]}");
    out
}

/// A `...List` object of a type, in `version`.
pub fn list_value(rt: &ResourceType, version: &str, items: &[Obj], meta: &Value) -> Value {
    json!({
        "kind": format!("{}List", rt.kind),
        "apiVersion": rt.api_version_of(version),
        "metadata": meta,
        "items": items.iter().map(|o| (**o).clone()).collect::<Vec<_>>(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::resources::by_plural;

    #[test]
    fn streamed_lists_equal_built_lists() {
        let rt = by_plural("", "configmaps").unwrap();
        let items: Vec<Obj> = (0..3)
            .map(|i| Arc::new(json!({"metadata": {"name": format!("c{i}")}, "data": {"k": "v"}})))
            .collect();
        let meta = json!({"resourceVersion": "7"});
        let streamed: Value = serde_json::from_slice(&list_bytes(rt, "v1", &items, &meta)).unwrap();
        assert_eq!(streamed, list_value(rt, "v1", &items, &meta));
        let empty: Value = serde_json::from_slice(&list_bytes(rt, "v1", &[], &meta)).unwrap();
        assert_eq!(empty["items"], json!([]));
        assert_eq!(empty["kind"], "ConfigMapList");
    }

    #[test]
    fn continue_tokens_round_trip() {
        let obj = json!({"metadata": {"namespace": "ns", "name": "n"}});
        let token = encode_continue(42, &obj);
        assert_eq!(
            decode_continue(&token).unwrap(),
            (42, "ns".to_string(), "n".to_string())
        );
        assert_eq!(decode_continue("garbage").unwrap_err().code, 400);
    }
}
