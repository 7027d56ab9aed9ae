//! create and update (PUT), with `dryRun=All`, and the retrying read-modify-write
//! that PATCH and subresources use. Deletes are in [`super::delete`].

use axum::response::Response;
use http::StatusCode;
use serde_json::{Value, json};

use super::routes::ApiRequest;
use super::validate;
use crate::sim::admission;
use crate::sim::api_error::{ApiError, ApiResult};
use crate::sim::managed_fields;
use crate::sim::resources::ResourceType;
use crate::sim::store::{Store, UpdateMode};

/// Checks the object's `apiVersion`/`kind` (when sent) and puts it in the URL's namespace.
pub fn check_identity(req: &ApiRequest, obj: &mut Value) -> ApiResult<()> {
    let rt = req.path.rt;
    if !obj.is_object() {
        return Err(ApiError::bad_request("the object must be a JSON object"));
    }
    let served = rt.api_version_of(&req.path.version);
    if let Some(api_version) = obj["apiVersion"].as_str()
        && api_version != served
    {
        return Err(ApiError::bad_request(format!(
            "the API version in the data ({api_version}) does not match the expected API version ({served})"
        )));
    }
    if let Some(kind) = obj["kind"].as_str()
        && kind != rt.kind
    {
        return Err(ApiError::bad_request(format!(
            "the kind in the data ({kind}) does not match the expected kind ({})",
            rt.kind
        )));
    }
    if !obj["metadata"].is_object() {
        obj["metadata"] = json!({});
    }
    if rt.namespaced {
        let sent = obj["metadata"]["namespace"].as_str().unwrap_or_default();
        match req.namespace() {
            Some(ns) if !sent.is_empty() && sent != ns => {
                return Err(ApiError::bad_request(
                    "the namespace of the provided object does not match the namespace sent on the request",
                ));
            }
            Some(ns) => obj["metadata"]["namespace"] = json!(ns),
            None => {}
        }
    }
    *obj = req.stored(std::mem::take(obj));
    Ok(())
}

/// `POST` of a collection.
pub fn create(req: &ApiRequest) -> ApiResult<Response> {
    let rt = req.path.rt;
    let mut obj = req.body_json()?;
    check_identity(req, &mut obj)?;
    // The server gives a new object its uid, whatever was sent.
    if let Some(m) = obj["metadata"].as_object_mut() {
        m.remove("uid");
    }
    validate::strip_nulls(&mut obj);
    validate::strict::check(&req.state.store, rt, &obj, req.strict_fields())?;
    let store = &req.state.store;
    validate::admit(store, rt, &mut obj, None)?;
    managed_fields::record_create(rt, &mut obj, &req.manager(), store.clock().now());
    admission::mutate_on_create(rt, &mut obj);
    let created = create_checked(store, rt, obj, req.dry_run())?;
    Ok(req.answer(StatusCode::CREATED, &created))
}

/// Creates (or, for a dry run, checks and returns what would be created).
pub fn create_checked(
    store: &Store,
    rt: &'static ResourceType,
    mut obj: Value,
    dry_run: bool,
) -> ApiResult<Value> {
    if !dry_run {
        return store.create(rt, obj).map(|o| (*o).clone());
    }
    let name = obj["metadata"]["name"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let ns = obj["metadata"]["namespace"]
        .as_str()
        .unwrap_or("default")
        .to_string();
    if !name.is_empty() && store.get(rt, &ns, &name).is_some() {
        return Err(ApiError::already_exists(rt, &name));
    }
    if name.is_empty() {
        let prefix = obj["metadata"]["generateName"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        obj["metadata"]["name"] = json!(format!("{prefix}{}", crate::sim::store::random_suffix(5)));
    }
    obj["apiVersion"] = json!(rt.api_version());
    obj["kind"] = json!(rt.kind);
    if obj["metadata"]["uid"].as_str().is_none_or(str::is_empty) {
        obj["metadata"]["uid"] = json!(uuid::Uuid::new_v4().to_string());
    }
    obj["metadata"]["creationTimestamp"] = json!(store.clock().now_rfc3339());
    if rt.namespaced {
        obj["metadata"]["namespace"] = json!(ns);
    }
    if rt.has_generation {
        obj["metadata"]["generation"] = json!(1);
    }
    Ok(obj)
}

/// `PUT` of an object.
pub fn update(req: &ApiRequest) -> ApiResult<Response> {
    let rt = req.path.rt;
    let name = req.name()?.to_string();
    let mut obj = req.body_json()?;
    check_identity(req, &mut obj)?;
    validate::strip_nulls(&mut obj);
    validate::strict::check(&req.state.store, rt, &obj, req.strict_fields())?;
    let sent_name = obj["metadata"]["name"].as_str().unwrap_or_default();
    if sent_name != name {
        return Err(ApiError::bad_request(format!(
            "the name of the object ({sent_name}) does not match the name on the URL ({name})"
        )));
    }
    let updated = update_checked(req, rt, obj, UpdateMode::Main)?;
    Ok(req.answer(StatusCode::OK, &updated))
}

/// Validates and writes an update (or, for a dry run, checks it and returns the result).
pub fn update_checked(
    req: &ApiRequest,
    rt: &'static ResourceType,
    mut obj: Value,
    mode: UpdateMode,
) -> ApiResult<Value> {
    let store = &req.state.store;
    let ns = req.namespace().unwrap_or_default();
    let name = req.name()?;
    let old = store
        .get(rt, ns, name)
        .ok_or_else(|| ApiError::not_found(rt, name))?;
    if mode == UpdateMode::Main {
        validate::admit(store, rt, &mut obj, Some(&old))?;
    } else {
        validate::strip_nulls(&mut obj);
    }
    if req.dry_run() {
        let sent_rv = obj["metadata"]["resourceVersion"]
            .as_str()
            .unwrap_or_default();
        if !sent_rv.is_empty() && sent_rv != old["metadata"]["resourceVersion"] {
            return Err(ApiError::conflict(rt, name));
        }
        for field in ["uid", "creationTimestamp", "resourceVersion", "generation"] {
            obj["metadata"][field] = old["metadata"][field].clone();
        }
        return Ok(obj);
    }
    let manager = match mode {
        UpdateMode::Main | UpdateMode::Status => Some(req.manager()),
        // The namespace finalizer's subresource: the server's own bookkeeping.
        UpdateMode::Raw => None,
    };
    store
        .update_by(rt, obj, mode, manager.as_ref())
        .map(|o| (*o).clone())
}

/// Reads an object, builds its new form with `build` and writes it. When a
/// concurrent write (a controller's) made the read stale, it tries again, as the
/// real server's `GuaranteedUpdate` does, unless the new form pins a
/// resourceVersion of its own (then the 409 Conflict is the client's answer).
pub fn update_with_retry(
    req: &ApiRequest,
    rt: &'static ResourceType,
    mode: UpdateMode,
    build: impl Fn(&Value) -> ApiResult<Value>,
) -> ApiResult<Value> {
    let store = &req.state.store;
    let ns = req.namespace().unwrap_or_default();
    let name = req.name()?;
    let mut attempts = 0;
    loop {
        let old = store
            .get(rt, ns, name)
            .ok_or_else(|| ApiError::not_found(rt, name))?;
        let new = build(&old)?;
        let pinned = new["metadata"]["resourceVersion"] != old["metadata"]["resourceVersion"];
        match update_checked(req, rt, new, mode) {
            Err(e) if e.reason == "Conflict" && !pinned && attempts < 10 => attempts += 1,
            other => return other,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Mutex};

    use super::*;
    use crate::sim::clock::Clock;
    use crate::sim::resources::by_plural;
    use crate::sim::server::routes::ResourcePath;
    use crate::sim::server::{ServerState, auth::Users};

    fn request(store: &Arc<Store>, body: &str) -> ApiRequest {
        let users = Users::new();
        let user = users.by_name("admin").unwrap().clone();
        let shutdown = tokio_util::sync::CancellationToken::new();
        ApiRequest {
            state: Arc::new(ServerState {
                store: store.clone(),
                users,
                log: Arc::default(),
                watches: Mutex::new(shutdown.child_token()),
                shutdown,
                bookmark_interval: std::time::Duration::from_secs(1),
            }),
            path: ResourcePath {
                rt: by_plural("", "configmaps").unwrap(),
                version: "v1".into(),
                namespace: Some("default".into()),
                name: Some("cm".into()),
                subresource: None,
            },
            query: std::collections::HashMap::new(),
            headers: http::HeaderMap::new(),
            body: axum::body::Bytes::from(body.to_string()),
            user,
            verb: "patch",
            upgrade: crate::sim::server::streams::upgrade::PendingUpgrade::default(),
            streams_cancel: tokio_util::sync::CancellationToken::new(),
        }
    }

    fn store_with_config_map() -> Arc<Store> {
        let store = Arc::new(Store::new(Clock::manual()));
        let ns = by_plural("", "namespaces").unwrap();
        store
            .create(ns, json!({"metadata": {"name": "default"}}))
            .unwrap();
        let cm = by_plural("", "configmaps").unwrap();
        store
            .create(cm, json!({"metadata": {"name": "cm"}, "data": {"a": "1"}}))
            .unwrap();
        store
    }

    #[test]
    fn updates_retry_when_a_concurrent_write_made_the_read_stale() {
        let store = store_with_config_map();
        let req = request(&store, "");
        let cm = by_plural("", "configmaps").unwrap();
        let calls = AtomicUsize::new(0);
        let out = update_with_retry(&req, cm, UpdateMode::Main, |old| {
            if calls.fetch_add(1, Ordering::SeqCst) == 0 {
                // Another writer gets in between this read and the write.
                store
                    .modify(cm, "default", "cm", |o| {
                        o["data"]["other"] = json!("x");
                        Ok(())
                    })
                    .unwrap();
            }
            let mut new = old.clone();
            new["data"]["a"] = json!("2");
            Ok(new)
        })
        .unwrap();
        assert_eq!(
            calls.load(Ordering::SeqCst),
            2,
            "built again after the conflict"
        );
        assert_eq!(out["data"], json!({"a": "2", "other": "x"}));
    }

    #[test]
    fn a_pinned_resource_version_gets_the_conflict() {
        let store = store_with_config_map();
        let req = request(&store, "");
        let cm = by_plural("", "configmaps").unwrap();
        let e = update_with_retry(&req, cm, UpdateMode::Main, |old| {
            let mut new = old.clone();
            new["metadata"]["resourceVersion"] = json!("1");
            Ok(new)
        })
        .unwrap_err();
        assert_eq!(e.code, 409);
    }

    #[test]
    fn a_dry_run_put_validates_stores_nothing_and_checks_the_resource_version() {
        let store = store_with_config_map();
        let cm = by_plural("", "configmaps").unwrap();
        let before = store.get(cm, "default", "cm").unwrap();
        let rv = before["metadata"]["resourceVersion"]
            .as_str()
            .unwrap()
            .to_owned();
        let body = json!({"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "cm", "namespace": "default", "resourceVersion": rv},
            "data": {"a": "changed"}});
        let mut req = request(&store, &body.to_string());
        req.query.insert("dryRun".into(), "All".into());
        let out = update_checked(&req, cm, body.clone(), UpdateMode::Main).unwrap();
        assert_eq!(out["data"]["a"], "changed", "the answer shows the result");
        let after = store.get(cm, "default", "cm").unwrap();
        assert_eq!(after["data"]["a"], "1", "nothing stored");
        assert_eq!(after["metadata"]["resourceVersion"], rv.as_str(), "no bump");

        let mut stale = body;
        stale["metadata"]["resourceVersion"] = json!("1");
        let e = update_checked(&req, cm, stale, UpdateMode::Main).unwrap_err();
        assert_eq!(e.code, 409);
        assert!(
            e.message.contains("the object has been modified; please apply your changes to the latest version and try again"),
            "{}",
            e.message
        );
    }
}
