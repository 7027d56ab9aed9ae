//! `metrics.k8s.io/v1beta1` as metrics-server serves it: PodMetrics and NodeMetrics,
//! get and list (label and field selectors), and their Table (Name, cpu, memory,
//! Window). There is no watch: metrics-server implements none.

use axum::response::Response;
use http::StatusCode;
use serde_json::{Value, json};

use super::sample::{ContainerUsage, Sample};
use super::usage::{RESOLUTION_SECS, Usage};
use crate::quantity::{format_binary, format_decimal_nanos};
use crate::sim::api_error::{ApiError, ApiResult};
use crate::sim::clock::format_time;
use crate::sim::server::list::Filter;
use crate::sim::server::routes::{ApiRequest, json as json_response};
use crate::sim::server::table::IncludeObject;
use crate::sim::store::Obj;

const API_VERSION: &str = "metrics.k8s.io/v1beta1";

fn usage_json(u: Usage) -> Value {
    json!({"cpu": format_decimal_nanos(u.cpu_nanos), "memory": format_binary(u.memory_bytes)})
}

/// What an answer needs besides the objects: the sample and the times as shown.
struct Answer<'r> {
    req: &'r ApiRequest,
    sample: Sample,
    /// `timestamp` of every metric, as clients are shown it.
    timestamp: String,
    /// `creationTimestamp` (metrics-server makes each object when asked).
    created: String,
}

impl<'r> Answer<'r> {
    fn new(req: &'r ApiRequest) -> Self {
        let clock = req.state.store.clock();
        let sample = Sample::now(&req.state.store);
        let timestamp = format_time(clock.shown(sample.at));
        let created = format_time(clock.shown(clock.now()));
        Self {
            req,
            sample,
            timestamp,
            created,
        }
    }

    fn metadata(&self, obj: &Value) -> Value {
        let mut m = json!({"name": obj["metadata"]["name"], "creationTimestamp": self.created});
        if let Some(ns) = obj["metadata"]["namespace"].as_str() {
            m["namespace"] = json!(ns);
        }
        if let Some(labels) = obj["metadata"]["labels"].as_object() {
            m["labels"] = json!(labels);
        }
        m
    }

    fn pod_metrics(&self, pod: &Value, containers: &[ContainerUsage]) -> Value {
        let containers: Vec<Value> = containers
            .iter()
            .map(|(name, u)| json!({"name": name, "usage": usage_json(*u)}))
            .collect();
        json!({
            "kind": "PodMetrics",
            "apiVersion": API_VERSION,
            "metadata": self.metadata(pod),
            "timestamp": self.timestamp,
            "window": format!("{RESOLUTION_SECS}s"),
            "containers": containers,
        })
    }

    fn node_metrics(&self, node: &Value, usage: Usage) -> Value {
        json!({
            "kind": "NodeMetrics",
            "apiVersion": API_VERSION,
            "metadata": self.metadata(node),
            "timestamp": self.timestamp,
            "window": format!("{RESOLUTION_SECS}s"),
            "usage": usage_json(usage),
        })
    }

    /// The list, or its Table when the client asked for one.
    fn list(&self, kind: &str, items: Vec<(Value, Usage)>) -> Response {
        if self.req.wants_table() {
            return json_response(StatusCode::OK, &self.table(&items));
        }
        let items: Vec<Value> = items.into_iter().map(|(item, _)| item).collect();
        json_response(
            StatusCode::OK,
            &json!({"kind": format!("{kind}List"), "apiVersion": API_VERSION, "metadata": {}, "items": items}),
        )
    }

    fn one(&self, item: Value, usage: Usage) -> Response {
        if self.req.wants_table() {
            return json_response(StatusCode::OK, &self.table(&[(item, usage)]));
        }
        json_response(StatusCode::OK, &item)
    }

    /// metrics-server's Table: Name, cpu, memory (summed over a pod's containers), Window;
    /// no columns at all when there is no row (it names them from the first row).
    fn table(&self, items: &[(Value, Usage)]) -> Value {
        let include = IncludeObject::from_request(self.req);
        let columns = if items.is_empty() {
            json!([])
        } else {
            json!([
                {"name": "Name", "type": "string", "format": "name", "description": "Name of the resource", "priority": 0},
                {"name": "cpu", "type": "string", "format": "quantity", "description": "", "priority": 0},
                {"name": "memory", "type": "string", "format": "quantity", "description": "", "priority": 0},
                {"name": "Window", "type": "string", "format": "duration", "description": "", "priority": 0},
            ])
        };
        let rows: Vec<Value> = items
            .iter()
            .map(|(item, usage)| {
                let mut row = json!({"cells": [
                    item["metadata"]["name"],
                    format_decimal_nanos(usage.cpu_nanos),
                    format_binary(usage.memory_bytes),
                    item["window"],
                ]});
                match include {
                    IncludeObject::None => {}
                    IncludeObject::Metadata => {
                        row["object"] = json!({"kind": "PartialObjectMetadata",
                            "apiVersion": "meta.k8s.io/v1", "metadata": item["metadata"]});
                    }
                    IncludeObject::Object => row["object"] = item.clone(),
                }
                row
            })
            .collect();
        json!({"kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": {},
            "columnDefinitions": columns, "rows": rows})
    }
}

fn total(containers: &[ContainerUsage]) -> Usage {
    containers
        .iter()
        .fold(Usage::default(), |sum, (_, u)| sum + *u)
}

fn not_found(resource: &str, group: &str, name: &str) -> ApiError {
    let qualified = if group.is_empty() {
        resource.to_owned()
    } else {
        format!("{resource}.{group}")
    };
    ApiError {
        code: 404,
        reason: "NotFound",
        message: format!("{qualified} \"{name}\" not found"),
        details: Some(Box::new((
            resource.to_owned(),
            name.to_owned(),
            group.to_owned(),
        ))),
        causes: Vec::new(),
    }
}

fn pods(req: &ApiRequest, namespace: Option<&str>) -> Vec<Obj> {
    crate::sim::resources::by_kind("", "Pod")
        .map(|rt| req.state.store.list(rt, namespace).0)
        .unwrap_or_default()
}

fn nodes(req: &ApiRequest) -> Vec<Obj> {
    crate::sim::resources::by_kind("", "Node")
        .map(|rt| req.state.store.list(rt, None).0)
        .unwrap_or_default()
}

/// `GET` of PodMetrics: one pod's, or a namespace's (all namespaces') list.
pub fn pod_metrics(req: &ApiRequest) -> ApiResult<Response> {
    let answer = Answer::new(req);
    if let Some(name) = req.path.name.as_deref() {
        let namespace = req.namespace().unwrap_or_default();
        let pod = pods(req, Some(namespace))
            .into_iter()
            .find(|p| p["metadata"]["name"] == name)
            .ok_or_else(|| not_found("pods", "", name))?;
        let containers = answer.sample.pod(&pod).ok_or_else(|| {
            not_found(
                "podmetrics",
                "metrics.k8s.io",
                &format!("{namespace}/{name}"),
            )
        })?;
        return Ok(answer.one(answer.pod_metrics(&pod, &containers), total(&containers)));
    }
    let filter = Filter::from_request(req)?;
    let items = pods(req, req.namespace())
        .iter()
        .filter(|p| filter.matches(p))
        .filter_map(|p| {
            let containers = answer.sample.pod(p)?;
            Some((answer.pod_metrics(p, &containers), total(&containers)))
        })
        .collect();
    Ok(answer.list("PodMetrics", items))
}

/// `GET` of NodeMetrics: one node's, or the list.
pub fn node_metrics(req: &ApiRequest) -> ApiResult<Response> {
    let answer = Answer::new(req);
    let all_pods = pods(req, None);
    let nodes = nodes(req);
    if let Some(name) = req.path.name.as_deref() {
        let node = nodes
            .iter()
            .find(|n| n["metadata"]["name"] == name)
            .ok_or_else(|| not_found("nodes", "", name))?;
        let usage = answer.sample.node(node, &all_pods);
        return Ok(answer.one(answer.node_metrics(node, usage), usage));
    }
    let filter = Filter::from_request(req)?;
    let items = nodes
        .iter()
        .filter(|n| filter.matches(n))
        .map(|n| {
            let usage = answer.sample.node(n, &all_pods);
            (answer.node_metrics(n, usage), usage)
        })
        .collect();
    Ok(answer.list("NodeMetrics", items))
}
