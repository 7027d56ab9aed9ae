//! Aggregated discovery: `/api` and `/apis` as one `APIGroupDiscoveryList`
//! (`apidiscovery.k8s.io/v2`, or `v2beta1`), for the clients that ask for it in their
//! `Accept` header and the releases that serve it. Built from the same [`Registry`] as the
//! legacy documents, so the two agree.

use axum::response::Response;
use http::{HeaderMap, HeaderValue, StatusCode, header};
use serde_json::{Value, json};

use super::Subresource;
use crate::sim::resources::Registry;
use crate::sim::server::routes::json as json_response;

/// The aggregated discovery version the client asks for first among those the release
/// serves (`v2` or `v2beta1`), from an `Accept` header such as
/// `application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json`.
pub fn negotiate(registry: &Registry, accept: &str) -> Option<&'static str> {
    for media in accept.split(',') {
        let mut params = media.split(';').map(str::trim);
        let base = params.next().unwrap_or_default();
        let (mut g, mut v, mut as_) = ("", "", "");
        for p in params {
            match p.split_once('=') {
                Some(("g", x)) => g = x,
                Some(("v", x)) => v = x,
                Some(("as", x)) => as_ = x,
                _ => {}
            }
        }
        if as_.is_empty() && matches!(base, "application/json" | "*/*" | "application/*") {
            // The client takes the legacy form before any later aggregated choice.
            return None;
        }
        if base != "application/json"
            || g != "apidiscovery.k8s.io"
            || as_ != "APIGroupDiscoveryList"
        {
            continue;
        }
        for known in ["v2", "v2beta1"] {
            if v == known && registry.release().serves_aggregated_discovery(known) {
                return Some(known);
            }
        }
    }
    None
}

/// The `Content-Type` of an aggregated answer in `version`.
pub fn content_type(version: &str) -> String {
    format!("application/json;g=apidiscovery.k8s.io;v={version};as=APIGroupDiscoveryList")
}

/// `/api` (`core` = true) or `/apis` in the aggregated form of `version`.
pub fn document(registry: &Registry, core: bool, version: &str) -> Value {
    let items: Vec<Value> = registry
        .groups()
        .iter()
        .filter(|g| g.group.is_empty() == core)
        .map(|g| {
            let versions: Vec<Value> = g
                .versions
                .iter()
                .map(|v| version_doc(registry, g.group, v))
                .collect();
            let mut metadata = json!({"creationTimestamp": null});
            if !g.group.is_empty() {
                metadata["name"] = json!(g.group);
            }
            json!({"metadata": metadata, "versions": versions})
        })
        .collect();
    json!({
        "kind": "APIGroupDiscoveryList",
        "apiVersion": format!("apidiscovery.k8s.io/{version}"),
        "metadata": {},
        "items": items,
    })
}

fn version_doc(registry: &Registry, group: &str, version: &str) -> Value {
    let resources: Vec<Value> = registry
        .served_in(group, version)
        .into_iter()
        .map(|rt| {
            let subresources: Vec<Value> = rt
                .subresources
                .iter()
                .map(|sub| {
                    let s = Subresource::of(rt, sub, registry.release());
                    let (g, v) = s.other_group.unwrap_or((group, version));
                    json!({
                        "subresource": sub,
                        "responseKind": {"group": g, "version": v, "kind": s.kind},
                        "verbs": s.verbs,
                    })
                })
                .collect();
            let mut doc = json!({
                "resource": rt.plural,
                "responseKind": {"group": group, "version": version, "kind": rt.kind},
                "scope": if rt.namespaced { "Namespaced" } else { "Cluster" },
                "singularResource": rt.singular,
                "verbs": rt.verbs,
            });
            if !rt.short_names.is_empty() {
                doc["shortNames"] = json!(rt.short_names);
            }
            if !rt.categories.is_empty() {
                doc["categories"] = json!(rt.categories);
            }
            if !subresources.is_empty() {
                doc["subresources"] = json!(subresources);
            }
            doc
        })
        .collect();
    json!({"version": version, "resources": resources, "freshness": "Current"})
}

/// `/api` or `/apis` in the aggregated form, when the client asks for it and the release has it.
pub fn respond(registry: &Registry, headers: &HeaderMap, core: bool) -> Option<Response> {
    let accept = headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect::<Vec<_>>()
        .join(",");
    let version = negotiate(registry, &accept)?;
    let doc = document(registry, core, version);
    let mut response = json_response(StatusCode::OK, &doc);
    if let Ok(v) = HeaderValue::from_str(&content_type(version)) {
        response.headers_mut().insert(header::CONTENT_TYPE, v);
    }
    response
        .headers_mut()
        .insert(header::VARY, HeaderValue::from_static("Accept"));
    Some(response)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::resources::ServerVersion;

    const KUBECTL: &str = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";

    #[test]
    fn the_release_decides_which_form_is_served() {
        let at = |m| Registry::new(ServerVersion::new(m).unwrap());
        assert_eq!(negotiate(&at(33), KUBECTL), Some("v2"));
        assert_eq!(negotiate(&at(29), KUBECTL), Some("v2beta1"));
        assert_eq!(negotiate(&at(26), KUBECTL), None);
        assert_eq!(negotiate(&at(33), "application/json"), None);
        let beta_only = "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList";
        assert_eq!(
            negotiate(&at(33), beta_only),
            None,
            "1.33 no longer serves v2beta1"
        );
        assert_eq!(negotiate(&at(32), beta_only), Some("v2beta1"));
    }

    #[test]
    fn items_carry_their_resources() {
        let registry = Registry::default();
        let apis = document(&registry, false, "v2");
        let apps = apis["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["metadata"]["name"] == "apps")
            .unwrap();
        let deploy = apps["versions"][0]["resources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["resource"] == "deployments")
            .unwrap();
        assert_eq!(deploy["scope"], "Namespaced");
        assert_eq!(deploy["subresources"][1]["responseKind"]["kind"], "Scale");
        let core = document(&registry, true, "v2");
        assert_eq!(core["items"].as_array().unwrap().len(), 1);
        assert_eq!(core["items"][0]["versions"][0]["version"], "v1");
    }
}
