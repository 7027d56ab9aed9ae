//! delete and deletecollection: preconditions, `dryRun=All`, graceful pod
//! deletion, finalizers and the three propagation policies.

use axum::response::Response;
use http::StatusCode;
use serde_json::{Value, json};

use super::list;
use super::routes::ApiRequest;
use crate::sim::api_error::{ApiError, ApiResult};
use crate::sim::clock::format_time;
use crate::sim::resources::ResourceType;
use crate::sim::store::{Obj, Store};

/// The options of a delete: from the body (DeleteOptions) or the query.
#[derive(Debug, Default)]
struct DeleteOptions {
    dry_run: bool,
    grace: Option<i64>,
    propagation: Option<String>,
    uid: Option<String>,
    resource_version: Option<String>,
}

fn delete_options(req: &ApiRequest) -> ApiResult<DeleteOptions> {
    let body = if req.body.is_empty() {
        Value::Null
    } else {
        req.body_json()?
    };
    let grace = body["gracePeriodSeconds"]
        .as_i64()
        .or_else(|| req.param("gracePeriodSeconds").and_then(|g| g.parse().ok()));
    let propagation = body["propagationPolicy"]
        .as_str()
        .map(str::to_string)
        .or_else(|| req.param("propagationPolicy").map(str::to_string))
        .or_else(|| match body["orphanDependents"].as_bool() {
            Some(true) => Some("Orphan".into()),
            _ => None,
        });
    if let Some(p) = &propagation
        && !matches!(p.as_str(), "Foreground" | "Background" | "Orphan")
    {
        return Err(ApiError::bad_request(format!(
            "propagationPolicy: Unsupported value: {p:?}: supported values: \"Foreground\", \"Background\", \"Orphan\""
        )));
    }
    let dry_run = req.dry_run()
        || body["dryRun"]
            .as_array()
            .is_some_and(|d| d.iter().any(|v| v == "All"));
    Ok(DeleteOptions {
        dry_run,
        grace,
        propagation,
        uid: body["preconditions"]["uid"].as_str().map(str::to_string),
        resource_version: body["preconditions"]["resourceVersion"]
            .as_str()
            .map(str::to_string),
    })
}

/// `DELETE` of an object.
pub fn delete(req: &ApiRequest) -> ApiResult<Response> {
    let rt = req.path.rt;
    let name = req.name()?;
    let opts = delete_options(req)?;
    let store = &req.state.store;
    let obj = store
        .get(rt, req.namespace().unwrap_or_default(), name)
        .ok_or_else(|| ApiError::not_found(rt, name))?;
    if let Some(uid) = &opts.uid
        && obj["metadata"]["uid"] != uid.as_str()
    {
        return Err(precondition_failed(
            rt,
            name,
            "UID",
            uid,
            obj["metadata"]["uid"].as_str().unwrap_or_default(),
        ));
    }
    if let Some(rv) = &opts.resource_version
        && obj["metadata"]["resourceVersion"] != rv.as_str()
    {
        return Err(precondition_failed(
            rt,
            name,
            "ResourceVersion",
            rv,
            obj["metadata"]["resourceVersion"]
                .as_str()
                .unwrap_or_default(),
        ));
    }
    let out = delete_object(store, rt, &obj, &opts, opts.dry_run)?;
    Ok(req.answer(StatusCode::OK, &out))
}

fn precondition_failed(
    rt: &ResourceType,
    name: &str,
    what: &str,
    want: &str,
    have: &str,
) -> ApiError {
    let mut e = ApiError::conflict(rt, name);
    e.message = format!(
        "Operation cannot be fulfilled on {} \"{name}\": Precondition failed: {what} in precondition: {want}, {what} in object meta: {have}",
        rt.key()
    );
    e
}

/// Deletes one object as the real registry does; returns what the answer shows.
fn delete_object(
    store: &Store,
    rt: &'static ResourceType,
    obj: &Obj,
    opts: &DeleteOptions,
    dry_run: bool,
) -> ApiResult<Value> {
    let ns = obj["metadata"]["namespace"].as_str().unwrap_or_default();
    let name = obj["metadata"]["name"].as_str().unwrap_or_default();
    if dry_run {
        return Ok((**obj).clone());
    }
    let now = store.clock().now();
    let has_finalizers = obj["metadata"]["finalizers"]
        .as_array()
        .is_some_and(|f| !f.is_empty());
    let policy = opts.propagation.as_deref().unwrap_or("Background");
    if policy == "Orphan" {
        orphan_dependents(store, obj);
    }
    if policy == "Foreground" && has_dependents(store, obj) {
        let out = store.modify(rt, ns, name, |o| {
            let finalizers = o["metadata"]["finalizers"]
                .as_array_mut()
                .map(std::mem::take)
                .unwrap_or_default();
            let mut finalizers: Vec<Value> = finalizers
                .into_iter()
                .filter(|f| f != "foregroundDeletion")
                .collect();
            finalizers.push(json!("foregroundDeletion"));
            o["metadata"]["finalizers"] = json!(finalizers);
            mark_deleting(o, now);
            Ok(())
        })?;
        return Ok((*out).clone());
    }
    if rt.kind == "Pod" {
        let scheduled = obj["spec"]["nodeName"]
            .as_str()
            .is_some_and(|n| !n.is_empty());
        let grace = opts
            .grace
            .or_else(|| obj["spec"]["terminationGracePeriodSeconds"].as_i64())
            .unwrap_or(30)
            .max(0);
        let finished = matches!(
            obj["status"]["phase"].as_str(),
            Some("Succeeded" | "Failed")
        );
        if scheduled && grace > 0 && !finished {
            let out = store.modify(rt, ns, name, |o| {
                let current = o["metadata"]["deletionGracePeriodSeconds"].as_i64();
                if current.is_none_or(|c| grace < c) {
                    let at = now
                        .checked_add(jiff::SignedDuration::from_secs(grace))
                        .unwrap_or(now);
                    o["metadata"]["deletionTimestamp"] = json!(format_time(at));
                    o["metadata"]["deletionGracePeriodSeconds"] = json!(grace);
                }
                Ok(())
            })?;
            return Ok((*out).clone());
        }
    } else if has_finalizers {
        let out = store.modify(rt, ns, name, |o| {
            mark_deleting(o, now);
            Ok(())
        })?;
        return Ok((*out).clone());
    }
    if rt.kind == "Namespace" {
        delete_namespace_contents(store, name);
    }
    store.delete(rt, ns, name).map(|o| (*o).clone())
}

fn dependents(store: &Store, owner: &Value) -> Vec<(&'static ResourceType, Obj)> {
    let uid = &owner["metadata"]["uid"];
    let ns = owner["metadata"]["namespace"].as_str();
    let mut out = Vec::new();
    for rt in store.registry().all() {
        for o in store.list(rt, ns.filter(|_| rt.namespaced)).0 {
            let owned = o["metadata"]["ownerReferences"]
                .as_array()
                .is_some_and(|refs| refs.iter().any(|r| r["uid"] == *uid));
            if owned {
                out.push((rt, o));
            }
        }
    }
    out
}

fn has_dependents(store: &Store, owner: &Value) -> bool {
    !dependents(store, owner).is_empty()
}

fn orphan_dependents(store: &Store, owner: &Value) {
    let uid = owner["metadata"]["uid"].clone();
    for (rt, o) in dependents(store, owner) {
        let ns = o["metadata"]["namespace"].as_str().unwrap_or_default();
        let name = o["metadata"]["name"].as_str().unwrap_or_default();
        // A dependent deleted meanwhile has nothing left to orphan.
        let _ = store.modify(rt, ns, name, |d| {
            if let Some(refs) = d["metadata"]["ownerReferences"].as_array_mut() {
                refs.retain(|r| r["uid"] != uid);
                if refs.is_empty()
                    && let Some(m) = d["metadata"].as_object_mut()
                {
                    m.remove("ownerReferences");
                }
            }
            Ok(())
        });
    }
}

fn delete_namespace_contents(store: &Store, namespace: &str) {
    for rt in store.registry().all().into_iter().filter(|r| r.namespaced) {
        for o in store.list(rt, Some(namespace)).0 {
            let name = o["metadata"]["name"].as_str().unwrap_or_default();
            // Already gone is fine: the namespace is being emptied.
            let _ = store.delete(rt, namespace, name);
        }
    }
}

/// `DELETE` of a collection (with selectors).
pub fn delete_collection(req: &ApiRequest) -> ApiResult<Response> {
    let rt = req.path.rt;
    let opts = delete_options(req)?;
    let (items, meta) = list::select(req)?;
    let mut out = Vec::new();
    for obj in &items {
        match delete_object(&req.state.store, rt, obj, &opts, opts.dry_run) {
            Ok(v) => out.push(std::sync::Arc::new(v)),
            Err(e) if e.code == 404 => {}
            Err(e) => return Err(e),
        }
    }
    let out: Vec<Obj> = out
        .iter()
        .map(|o| std::sync::Arc::new(req.served(o).into_owned()))
        .collect();
    Ok(req.answer(
        StatusCode::OK,
        &list::list_value(rt, &req.path.version, &out, &meta),
    ))
}

/// Starts a deletion that waits for finalizers: deletionTimestamp now, grace 0 (kept if set).
fn mark_deleting(o: &mut Value, now: jiff::Timestamp) {
    if o["metadata"]["deletionTimestamp"].is_null() {
        o["metadata"]["deletionTimestamp"] = json!(format_time(now));
        o["metadata"]["deletionGracePeriodSeconds"] = json!(0);
    }
}
