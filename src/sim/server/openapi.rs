//! A minimal OpenAPI v3: the discovery root and, per group version, the PATCH
//! operations with the `fieldValidation` and `dryRun` query parameters.
//!
//! kubectl reads these to learn that the server validates fields itself; without
//! them `kubectl create -f` and `apply -f` fail with "failed to download openapi".
//! There are no schemas, so `kubectl apply` computes its strategic merge patch
//! from its compiled-in types (its documented fallback) and `kubectl explain`
//! reports that it cannot find the resource. `/openapi/v2` is not served (404).

use axum::response::Response;
use http::StatusCode;
use serde_json::{Map, Value, json};

use super::routes::{error, json as json_response};
use crate::sim::api_error::ApiError;
use crate::sim::resources::Registry;

/// A fixed version hash: the document never changes while the binary runs.
const HASH: &str = "6C3B1F0E5D4A29871C3B1F0E5D4A29871C3B1F0E5D4A29871C3B1F0E5D4A2987";

fn group_versions(registry: &Registry) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for g in registry.groups() {
        for v in g.versions {
            out.push(if g.group.is_empty() {
                format!("api/{v}")
            } else {
                format!("apis/{}/{v}", g.group)
            });
        }
    }
    out
}

/// `/openapi/v3`: the group versions with their document URLs.
pub fn root(registry: &Registry) -> Value {
    let paths: Map<String, Value> = group_versions(registry)
        .into_iter()
        .map(|gv| {
            let url = format!("/openapi/v3/{gv}?hash={HASH}");
            (gv, json!({"serverRelativeURL": url}))
        })
        .collect();
    json!({"paths": paths})
}

/// `/openapi/v3/api/v1` or `/openapi/v3/apis/GROUP/VERSION`.
pub fn group_version(registry: &Registry, gv: &str) -> Option<Value> {
    let parts: Vec<&str> = gv.split('/').collect();
    let (group, version) = match parts.as_slice() {
        ["api", v] => ("", *v),
        ["apis", g, v] => (*g, *v),
        _ => return None,
    };
    let params = json!([
        {"name": "fieldValidation", "in": "query", "schema": {"type": "string", "uniqueItems": true}},
        {"name": "dryRun", "in": "query", "schema": {"type": "string", "uniqueItems": true}},
        {"name": "fieldManager", "in": "query", "schema": {"type": "string", "uniqueItems": true}},
    ]);
    let mut paths = Map::new();
    for rt in registry.served_in(group, version) {
        let prefix = if group.is_empty() {
            format!("/api/{version}")
        } else {
            format!("/apis/{group}/{version}")
        };
        let path = if rt.namespaced {
            format!("{prefix}/namespaces/{{namespace}}/{}/{{name}}", rt.plural)
        } else {
            format!("{prefix}/{}/{{name}}", rt.plural)
        };
        let gvk = json!({"group": rt.group, "version": version, "kind": rt.kind});
        paths.insert(
            path,
            json!({
                "parameters": params,
                "patch": {
                    "operationId": format!("patch{}", rt.kind),
                    "parameters": params,
                    "responses": {"200": {"description": "OK"}},
                    "x-kubernetes-action": "patch",
                    "x-kubernetes-group-version-kind": gvk,
                }
            }),
        );
    }
    if paths.is_empty() {
        return None;
    }
    Some(json!({
        "openapi": "3.0.0",
        "info": {"title": "Kubernetes", "version": registry.release().git_version()},
        "paths": paths,
        "components": {"schemas": {}},
    }))
}

/// Answers an `/openapi/...` path (the part after `/openapi/`).
pub fn serve(registry: &Registry, path: &str) -> Response {
    let doc = match path.strip_prefix("v3") {
        Some("") => Some(root(registry)),
        Some(rest) => group_version(registry, rest.trim_start_matches('/')),
        None => None,
    };
    doc.map_or_else(
        || error(&ApiError::path_not_found()),
        |d| json_response(StatusCode::OK, &d),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_lists_group_versions_and_docs_have_patch_params() {
        let registry = Registry::default();
        let r = root(&registry);
        assert!(r["paths"]["apis/apps/v1"]["serverRelativeURL"].is_string());
        let apps = group_version(&registry, "apis/apps/v1").unwrap();
        let d = &apps["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"];
        assert_eq!(
            d["patch"]["x-kubernetes-group-version-kind"]["kind"],
            "Deployment"
        );
        assert_eq!(d["parameters"][0]["name"], "fieldValidation");
        assert!(group_version(&registry, "apis/nope/v1").is_none());
    }
}
