//! What metrics-server adds to a cluster, and the aggregator that advertises it: the
//! `metrics.k8s.io/v1beta1` PodMetrics and NodeMetrics ([`serve()`]) from a usage model
//! ([`usage`], sampled by [`sample`]), and `apiregistration.k8s.io/v1` APIServices
//! ([`api_services`]), among them `v1beta1.metrics.k8s.io`.
//!
//! These kinds are made when asked, never stored: they are in the registry (so discovery
//! lists them, in the legacy and aggregated forms alike) and the router hands their
//! requests here. `kdeck sim --no-metrics` (and the `empty` scenario) leaves the metrics
//! API out, as a cluster without metrics-server has it: its paths answer 404.

pub mod api_services;
pub mod sample;
pub mod serve;
pub mod usage;

use axum::response::Response;

use crate::sim::api_error::{ApiError, ApiResult};
use crate::sim::resources::{Registry, ResourceType, Served};
use crate::sim::server::routes::ApiRequest;

/// The metrics API's group.
pub const GROUP: &str = "metrics.k8s.io";

const READ_ONLY: &[&str] = &["get", "list"];

/// A kind made when asked: get and list, nothing stored.
const COMPUTED: ResourceType = ResourceType {
    group: GROUP,
    version: "v1beta1",
    served: &[Served::always("v1beta1")],
    kind: "",
    plural: "",
    singular: "",
    namespaced: true,
    short_names: &[],
    verbs: READ_ONLY,
    subresources: &[],
    categories: &[],
    has_generation: false,
    custom: false,
};

/// `metrics.k8s.io/v1beta1` PodMetrics (`pods`).
pub static POD_METRICS: ResourceType = ResourceType {
    kind: "PodMetrics",
    plural: "pods",
    ..COMPUTED
};

/// `metrics.k8s.io/v1beta1` NodeMetrics (`nodes`).
pub static NODE_METRICS: ResourceType = ResourceType {
    kind: "NodeMetrics",
    plural: "nodes",
    namespaced: false,
    ..COMPUTED
};

/// `apiregistration.k8s.io/v1` APIServices.
pub static API_SERVICES: ResourceType = ResourceType {
    group: "apiregistration.k8s.io",
    version: "v1",
    served: &[Served::always("v1")],
    kind: "APIService",
    plural: "apiservices",
    singular: "apiservice",
    namespaced: false,
    categories: &["api-extensions"],
    ..COMPUTED
};

/// Serves the APIServices, and the metrics API when `metrics` is on.
pub fn register(registry: &Registry, metrics: bool) {
    registry.aggregate(&API_SERVICES);
    if metrics {
        registry.aggregate(&NODE_METRICS);
        registry.aggregate(&POD_METRICS);
    }
}

/// Whether requests for `rt` are answered here.
pub fn serves(rt: &ResourceType) -> bool {
    [&POD_METRICS, &NODE_METRICS, &API_SERVICES]
        .iter()
        .any(|r| std::ptr::eq(*r, rt))
}

/// Answers a request for one of these kinds (authorized already).
pub fn serve(req: &ApiRequest) -> ApiResult<Response> {
    if !matches!(req.verb, "get" | "list") {
        return Err(ApiError::method_not_allowed(
            "the server does not allow this method on the requested resource",
        ));
    }
    let rt = req.path.rt;
    if std::ptr::eq(rt, &raw const POD_METRICS) {
        serve::pod_metrics(req)
    } else if std::ptr::eq(rt, &raw const NODE_METRICS) {
        serve::node_metrics(req)
    } else {
        api_services::serve(req)
    }
}
