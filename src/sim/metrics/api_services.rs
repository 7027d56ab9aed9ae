//! `apiregistration.k8s.io/v1` APIServices, as kube-aggregator keeps them: one `Local`
//! APIService per group version the cluster serves itself, and `v1beta1.metrics.k8s.io`
//! pointing at `kube-system/metrics-server` when the metrics API is on. They are made
//! from the registry when asked (get and list, and their Table), never stored: the
//! embedded cluster has no aggregator to reconfigure.

use axum::response::Response;
use http::StatusCode;
use serde_json::{Value, json};

use super::GROUP as METRICS_GROUP;
use crate::human_duration::human_duration;
use crate::sim::api_error::{ApiError, ApiResult};
use crate::sim::clock::{format_time, parse_time};
use crate::sim::resources::Registry;
use crate::sim::server::routes::{ApiRequest, json as json_response};
use crate::sim::server::table::IncludeObject;

const API_VERSION: &str = "apiregistration.k8s.io/v1";

/// Every APIService of `registry`'s group versions, by name; `born` is their creation time.
fn all(registry: &Registry, born: &str) -> Vec<Value> {
    let mut out = Vec::new();
    for (g, group) in registry.groups().iter().enumerate() {
        for (v, version) in group.versions.iter().enumerate() {
            out.push(api_service(group.group, version, g, v, born));
        }
    }
    out.sort_by(|a, b| {
        a["metadata"]["name"]
            .as_str()
            .cmp(&b["metadata"]["name"].as_str())
    });
    out
}

fn api_service(
    group: &str,
    version: &str,
    group_index: usize,
    version_index: usize,
    born: &str,
) -> Value {
    let name = format!("{version}.{group}");
    // kube-apiserver's own groups come first, in its order; later versions below earlier.
    let group_priority = 18_000 - 100 * i64::try_from(group_index).unwrap_or(0);
    let version_priority = 15 - i64::try_from(version_index).unwrap_or(0);
    if group == METRICS_GROUP {
        return json!({
            "kind": "APIService", "apiVersion": API_VERSION,
            "metadata": {"name": name, "creationTimestamp": born, "labels": {"k8s-app": "metrics-server"}},
            "spec": {"service": {"namespace": "kube-system", "name": "metrics-server", "port": 443},
                "group": group, "version": version, "insecureSkipTLSVerify": true,
                "groupPriorityMinimum": 100, "versionPriority": 100},
            "status": {"conditions": [{"type": "Available", "status": "True",
                "lastTransitionTime": born, "reason": "Passed", "message": "all checks passed"}]},
        });
    }
    json!({
        "kind": "APIService", "apiVersion": API_VERSION,
        "metadata": {"name": name, "creationTimestamp": born,
            "labels": {"kube-aggregator.kubernetes.io/automanaged": "onstart"}},
        "spec": {"group": group, "version": version,
            "groupPriorityMinimum": group_priority, "versionPriority": version_priority},
        "status": {"conditions": [{"type": "Available", "status": "True",
            "lastTransitionTime": born, "reason": "Local",
            "message": "Local APIServices are always available"}]},
    })
}

/// When the cluster was made: the `default` namespace's creation, as clients are shown it.
fn born(req: &ApiRequest) -> String {
    let store = &req.state.store;
    let clock = store.clock();
    let created = crate::sim::resources::by_kind("", "Namespace")
        .and_then(|rt| store.get(rt, "", "default"))
        .and_then(|ns| {
            ns["metadata"]["creationTimestamp"]
                .as_str()
                .and_then(parse_time)
        })
        .unwrap_or_else(|| clock.now());
    format_time(clock.shown(created))
}

/// kubectl's columns of APIServices: Name, Service (`Local` or `namespace/name`),
/// Available, Age.
fn table(req: &ApiRequest, items: &[Value]) -> Value {
    let clock = req.state.store.clock();
    let now = clock.shown(clock.now());
    let include = IncludeObject::from_request(req);
    let rows: Vec<Value> = items
        .iter()
        .map(|s| {
            let service = match (
                s["spec"]["service"]["namespace"].as_str(),
                s["spec"]["service"]["name"].as_str(),
            ) {
                (Some(ns), Some(name)) => format!("{ns}/{name}"),
                _ => "Local".to_owned(),
            };
            let age = s["metadata"]["creationTimestamp"]
                .as_str()
                .and_then(parse_time)
                .map_or_else(
                    || "<unknown>".to_owned(),
                    |t| human_duration(now.duration_since(t).as_secs()),
                );
            let mut row = json!({"cells": [s["metadata"]["name"], service, "True", age]});
            match include {
                IncludeObject::None => {}
                IncludeObject::Metadata => {
                    row["object"] = json!({"kind": "PartialObjectMetadata",
                        "apiVersion": "meta.k8s.io/v1", "metadata": s["metadata"]});
                }
                IncludeObject::Object => row["object"] = s.clone(),
            }
            row
        })
        .collect();
    let column = |name: &str, format: &str, description: &str| json!({"name": name, "type": "string", "format": format, "description": description, "priority": 0});
    json!({"kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": {},
        "columnDefinitions": [
            column("Name", "name", "Name must be unique within a namespace."),
            column("Service", "", "The reference to the service that hosts this API endpoint."),
            column("Available", "", "Whether this service is available."),
            column("Age", "", "CreationTimestamp is a timestamp representing the server time when this object was created."),
        ],
        "rows": rows})
}

/// `GET` of one APIService or the list.
pub fn serve(req: &ApiRequest) -> ApiResult<Response> {
    let all = all(req.state.store.registry(), &born(req));
    let (items, one) = if let Some(name) = req.path.name.as_deref() {
        let found = all
            .into_iter()
            .find(|s| s["metadata"]["name"] == name)
            .ok_or_else(|| ApiError::not_found(req.path.rt, name))?;
        (vec![found], true)
    } else {
        let filter = crate::sim::server::list::Filter::from_request(req)?;
        (
            all.into_iter().filter(|s| filter.matches(s)).collect(),
            false,
        )
    };
    let answer = if req.wants_table() {
        table(req, &items)
    } else if one {
        items.into_iter().next().unwrap_or_default()
    } else {
        json!({"kind": "APIServiceList", "apiVersion": API_VERSION, "metadata": {}, "items": items})
    };
    Ok(json_response(StatusCode::OK, &answer))
}
