//! Subresources: `/scale` (autoscaling/v1 Scale), `/status`, pods `/log` (streamed),
//! `/eviction` and `/binding`; pods' `/exec`, `/attach` and `/portforward` are
//! [`streams`](super::streams).

use std::convert::Infallible;

use axum::body::Body;
use axum::response::{IntoResponse, Response};
use futures::StreamExt as _;
use http::{StatusCode, header};
use serde_json::{Value, json};

use super::patch::{PatchKind, apply_patch};
use super::routes::ApiRequest;
use super::selectors::LabelSelector;
use super::write;
use crate::sim::api_error::{ApiError, ApiResult, Cause};
use crate::sim::clock::parse_time;
use crate::sim::logs::{self, LogRequest};
use crate::sim::resources::ResourceType;
use crate::sim::store::{Obj, UpdateMode};

fn method_not_allowed(req: &ApiRequest, sub: &str) -> ApiError {
    ApiError::method_not_allowed(format!(
        "the server does not allow this method on the requested resource ({} {}/{sub})",
        req.verb, req.path.rt.plural
    ))
}

/// Serves `.../NAME/SUB`.
pub fn serve(req: &ApiRequest, sub: &str) -> ApiResult<Response> {
    match (sub, req.verb) {
        ("scale", "get" | "update" | "patch") => scale(req),
        ("status", "get") => crate::sim::server::list::get(req),
        ("status", "update") => {
            let obj = req.body_json()?;
            let out = write::update_checked(req, req.path.rt, req.stored(obj), UpdateMode::Status)?;
            Ok(req.answer(StatusCode::OK, &out))
        }
        ("status", "patch") => {
            let kind = PatchKind::from_content_type(req.content_type())?;
            let out = write::update_with_retry(req, req.path.rt, UpdateMode::Status, |old| {
                apply_patch(kind, &req.served(old), &req.body).map(|p| req.stored(p))
            })?;
            Ok(req.answer(StatusCode::OK, &out))
        }
        ("log", "get") => log(req),
        ("eviction", "create") => evict(req),
        ("binding", "create") => bind(req),
        ("exec" | "attach" | "portforward", "create") => super::streams::serve(req, sub),
        ("finalize", "update") => {
            let obj = req.body_json()?;
            let out = write::update_checked(req, req.path.rt, obj, UpdateMode::Raw)?;
            Ok(req.answer(StatusCode::OK, &out))
        }
        _ => Err(method_not_allowed(req, sub)),
    }
}

fn current(req: &ApiRequest) -> ApiResult<Obj> {
    let name = req.name()?;
    req.state
        .store
        .get(req.path.rt, req.namespace().unwrap_or_default(), name)
        .ok_or_else(|| ApiError::not_found(req.path.rt, name))
}

/// Where a kind keeps its scale: JSON pointers to the wanted and current replicas, and to
/// the selector string (a custom kind's `labelSelectorPath`; `None`: a workload's `spec.selector`).
struct ScalePaths {
    spec: String,
    status: String,
    selector: Option<String>,
}

fn pointer(json_path: &str) -> String {
    json_path.replace('.', "/")
}

fn scale_paths(req: &ApiRequest) -> ApiResult<ScalePaths> {
    let rt = req.path.rt;
    if !rt.custom {
        return Ok(ScalePaths {
            spec: "/spec/replicas".into(),
            status: "/status/replicas".into(),
            selector: None,
        });
    }
    let registry = req.state.store.registry();
    let crd = registry
        .by_kind("apiextensions.k8s.io", "CustomResourceDefinition")
        .and_then(|crds| req.state.store.get(crds, "", &rt.key()))
        .ok_or_else(|| ApiError::not_found(rt, req.name().unwrap_or_default()))?;
    let (spec, status, selector) =
        crate::sim::resources::custom::scale_paths(&crd, &req.path.version)
            .ok_or_else(|| ApiError::not_found(rt, req.name().unwrap_or_default()))?;
    Ok(ScalePaths {
        spec: pointer(&spec),
        status: pointer(&status),
        selector: selector.as_deref().map(pointer),
    })
}

/// The autoscaling/v1 Scale of a workload or a custom resource.
fn scale_of(obj: &Value, paths: &ScalePaths) -> Value {
    let selector = match &paths.selector {
        Some(p) => obj
            .pointer(p)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
        None => LabelSelector::from_object(&obj["spec"]["selector"])
            .map(|s| s.describe())
            .unwrap_or_default(),
    };
    let replicas = |p: &str| obj.pointer(p).and_then(Value::as_i64).unwrap_or(0);
    let meta = &obj["metadata"];
    json!({
        "kind": "Scale",
        "apiVersion": "autoscaling/v1",
        "metadata": {
            "name": meta["name"],
            "namespace": meta["namespace"],
            "uid": meta["uid"],
            "resourceVersion": meta["resourceVersion"],
            "creationTimestamp": meta["creationTimestamp"],
        },
        "spec": {"replicas": replicas(&paths.spec)},
        "status": {"replicas": replicas(&paths.status), "selector": selector},
    })
}

fn scale(req: &ApiRequest) -> ApiResult<Response> {
    let rt: &'static ResourceType = req.path.rt;
    let paths = scale_paths(req)?;
    if req.verb == "get" {
        let obj = current(req)?;
        return Ok(req.answer(StatusCode::OK, &scale_of(&obj, &paths)));
    }
    let kind = match req.verb {
        "patch" => Some(PatchKind::from_content_type(req.content_type())?),
        _ => None,
    };
    let sent = match kind {
        Some(_) => None,
        None => Some(req.body_json()?),
    };
    let name = req.name()?;
    let out = write::update_with_retry(req, rt, UpdateMode::Main, |obj| {
        let before = scale_of(obj, &paths);
        let wanted = match (kind, &sent) {
            (Some(kind), _) => apply_patch(kind, &before, &req.body)?,
            (None, Some(sent)) => sent.clone(),
            (None, None) => before.clone(),
        };
        let replicas = wanted["spec"]["replicas"].as_i64().unwrap_or(0);
        if replicas < 0 {
            return Err(negative_scale(rt, name, replicas));
        }
        let mut next = obj.clone();
        if let Some(slot) = next.pointer_mut(&paths.spec) {
            *slot = json!(replicas);
        } else if let Some((parent, field)) = paths.spec.rsplit_once('/')
            && let Some(m) = next.pointer_mut(parent).and_then(Value::as_object_mut)
        {
            m.insert(field.to_string(), json!(replicas));
        }
        next["metadata"]["resourceVersion"] = match wanted["metadata"]["resourceVersion"].as_str() {
            Some(rv) if !rv.is_empty() => json!(rv),
            _ => obj["metadata"]["resourceVersion"].clone(),
        };
        Ok(next)
    })?;
    Ok(req.answer(StatusCode::OK, &scale_of(&out, &paths)))
}

fn negative_scale(rt: &ResourceType, name: &str, replicas: i64) -> ApiError {
    let mut e = ApiError::invalid(
        rt,
        name,
        vec![Cause {
            reason: "FieldValueInvalid",
            field: "spec.replicas".into(),
            message: format!("Invalid value: {replicas}: must be greater than or equal to 0"),
        }],
    );
    e.message = format!(
        "Scale.autoscaling \"{name}\" is invalid: spec.replicas: Invalid value: {replicas}: must be greater than or equal to 0"
    );
    e
}

fn log(req: &ApiRequest) -> ApiResult<Response> {
    let name = req.name()?;
    let ns = req.namespace().unwrap_or_default();
    let number = |k: &str| -> ApiResult<Option<i64>> {
        req.param(k)
            .map(|v| {
                v.parse::<i64>().map_err(|_| {
                    ApiError::bad_request(format!("{k}: Invalid value: {v:?}: must be an integer"))
                })
            })
            .transpose()
    };
    let log_req = LogRequest {
        container: req.param("container").map(str::to_string),
        follow: req.flag("follow"),
        tail_lines: number("tailLines")?,
        since_seconds: number("sinceSeconds")?,
        since_time: req
            .param("sinceTime")
            .and_then(parse_time)
            .map(|t| req.state.store.clock().simulated(t)),
        timestamps: req.flag("timestamps"),
        previous: req.flag("previous"),
        limit_bytes: number("limitBytes")?,
    };
    if req.state.store.get(req.path.rt, ns, name).is_none() {
        return Err(ApiError::not_found(req.path.rt, name));
    }
    let stream = logs::stream(req.state.store.clone(), ns, name, log_req)?;
    let cancel = req.streams_cancel.clone();
    let body = stream
        .take_until(async move { cancel.cancelled().await })
        .map(Ok::<_, Infallible>);
    Ok((
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/plain")],
        Body::from_stream(body),
    )
        .into_response())
}

fn evict(req: &ApiRequest) -> ApiResult<Response> {
    let pod = current(req)?;
    let grace = req
        .body_json()
        .ok()
        .and_then(|b| b["deleteOptions"]["gracePeriodSeconds"].as_i64());
    if !req.dry_run() {
        let name = req.name()?;
        let ns = req.namespace().unwrap_or_default();
        let grace = grace
            .or_else(|| pod["spec"]["terminationGracePeriodSeconds"].as_i64())
            .unwrap_or(30);
        let now = req.state.store.clock().now();
        if grace <= 0 || pod["spec"]["nodeName"].is_null() {
            req.state.store.delete(req.path.rt, ns, name)?;
        } else {
            req.state.store.modify(req.path.rt, ns, name, |p| {
                if p["metadata"]["deletionTimestamp"].is_null() {
                    let at = now
                        .checked_add(jiff::SignedDuration::from_secs(grace))
                        .unwrap_or(now);
                    p["metadata"]["deletionTimestamp"] = json!(crate::sim::clock::format_time(at));
                    p["metadata"]["deletionGracePeriodSeconds"] = json!(grace);
                }
                Ok(())
            })?;
        }
    }
    let status = json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "code": 201});
    Ok(req.answer(StatusCode::CREATED, &status))
}

fn bind(req: &ApiRequest) -> ApiResult<Response> {
    let body = req.body_json()?;
    let node = body["target"]["name"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    if node.is_empty() {
        return Err(ApiError::bad_request("target.name: Required value"));
    }
    let name = req.name()?;
    let ns = req.namespace().unwrap_or_default();
    req.state.store.modify(req.path.rt, ns, name, |p| {
        if !p["spec"]["nodeName"].as_str().unwrap_or_default().is_empty() {
            let mut e = ApiError::conflict(req.path.rt, name);
            e.message = format!(
                "Operation cannot be fulfilled on pods/binding \"{name}\": pod {name} is already assigned to node {:?}",
                p["spec"]["nodeName"].as_str().unwrap_or_default()
            );
            return Err(e);
        }
        p["spec"]["nodeName"] = json!(node);
        Ok(())
    })?;
    let status = json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "code": 201});
    Ok(req.answer(StatusCode::CREATED, &status))
}
