//! `SelfSubjectAccessReview` and `SelfSubjectRulesReview` (`kubectl auth can-i`) and
//! `SelfSubjectReview` (`kubectl auth whoami`):
//! answered from the same roles that [`super::auth::authorize`] enforces, never stored.

use axum::response::Response;
use http::StatusCode;
use serde_json::{Value, json};

use super::auth::{Role, authorize};
use super::routes::{ApiRequest, json as json_response};
use crate::sim::api_error::ApiResult;
use crate::sim::resources::Registry;

/// `POST .../selfsubjectaccessreviews` or `.../selfsubjectrulesreviews`.
pub fn create(req: &ApiRequest) -> ApiResult<Response> {
    let mut review = req.body_json()?;
    review["apiVersion"] = json!(req.path.rt.api_version());
    review["kind"] = json!(req.path.rt.kind);
    if !review["metadata"].is_object() {
        review["metadata"] = json!({});
    }
    review["status"] = match req.path.rt.plural {
        "selfsubjectaccessreviews" => access(req, &review["spec"]),
        "selfsubjectrulesreviews" => rules(req.state.store.registry(), req.user.role),
        // `kubectl auth whoami`.
        _ => json!({"userInfo": {"username": req.user.name, "groups": ["system:authenticated"]}}),
    };
    Ok(json_response(StatusCode::CREATED, &review))
}

fn access(req: &ApiRequest, spec: &Value) -> Value {
    let attrs = &spec["resourceAttributes"];
    if attrs.is_null() {
        // Non-resource paths (/healthz, /version, /api...) are readable by everyone.
        let verb = spec["nonResourceAttributes"]["verb"]
            .as_str()
            .unwrap_or("get");
        let allowed = req.user.role == Role::Admin || verb == "get";
        return json!({"allowed": allowed});
    }
    let text = |k: &str| attrs[k].as_str().filter(|s| !s.is_empty());
    let verb = text("verb").unwrap_or("get");
    let group = text("group").unwrap_or("");
    let registry = req.state.store.registry();
    let Some(rt) = text("resource").and_then(|r| registry.by_plural(group, r)) else {
        // Resources this cluster does not serve: only the admin's wildcard covers them.
        return json!({"allowed": req.user.role == Role::Admin});
    };
    let allowed = authorize(
        &req.user,
        verb,
        rt,
        text("subresource"),
        text("name"),
        text("namespace"),
    )
    .is_ok();
    if allowed {
        json!({"allowed": true, "reason": format!("kdeck-sim: allowed for user \"{}\"", req.user.name)})
    } else {
        json!({"allowed": false})
    }
}

fn rules(registry: &Registry, role: Role) -> Value {
    let non_resource = json!([{"verbs": ["get"], "nonResourceURLs": ["/api", "/api/*", "/apis", "/apis/*", "/healthz", "/livez", "/readyz", "/version", "/version/", "/openapi", "/openapi/*"]}]);
    let resource_rules = match role {
        Role::Admin => json!([{"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]}]),
        Role::Viewer => {
            let all = registry.all();
            let mut groups: Vec<&str> = all.iter().map(|r| r.group).collect();
            groups.dedup();
            let rules: Vec<Value> = groups
                .iter()
                .map(|g| {
                    let resources: Vec<&str> = all
                        .iter()
                        .filter(|r| r.group == *g && r.plural != "secrets")
                        .filter(|r| r.verbs.contains(&"list"))
                        .map(|r| r.plural)
                        .collect();
                    json!({"verbs": ["get", "list", "watch"], "apiGroups": [g], "resources": resources})
                })
                .collect();
            Value::Array(rules)
        }
    };
    json!({"resourceRules": resource_rules, "nonResourceRules": non_resource, "incomplete": false})
}
