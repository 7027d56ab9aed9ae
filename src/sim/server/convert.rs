//! Conversion between the version a kind is stored in and the versions it is served in.
//!
//! The store keeps one form per kind (its storage version, which the controllers read);
//! the server converts on the way in and out, as kube-apiserver converts through its
//! internal version. Most served versions have the stored fields and differ only in
//! `apiVersion`; EndpointSlice `v1beta1` (`topology`) and HorizontalPodAutoscaler `v1`
//! (`targetCPUUtilizationPercentage`) have fields of their own.

mod hpa_v1;

use std::borrow::Cow;

use serde_json::{Map, Value, json};

use crate::sim::resources::ResourceType;

/// Whether `obj` is an object of `rt` that needs converting to be served in `version`.
fn needs(rt: &ResourceType, version: &str, obj: &Value) -> bool {
    version != rt.version && obj["kind"] == rt.kind
}

/// `obj` (stored form) as served in `version`: borrowed when the versions are the same.
pub fn to_served<'a>(rt: &ResourceType, version: &str, obj: &'a Value) -> Cow<'a, Value> {
    if !needs(rt, version, obj) {
        return Cow::Borrowed(obj);
    }
    let mut out = obj.clone();
    out["apiVersion"] = json!(rt.api_version_of(version));
    match (rt.group, rt.kind, version) {
        ("discovery.k8s.io", "EndpointSlice", "v1beta1") => slice_to_v1beta1(&mut out),
        ("autoscaling", "HorizontalPodAutoscaler", "v1") => hpa_v1::from_v2(&mut out),
        _ => {}
    }
    Cow::Owned(out)
}

/// A sent object of `version` in the stored form.
pub fn to_stored(rt: &ResourceType, version: &str, mut obj: Value) -> Value {
    if version == rt.version || !obj.is_object() {
        return obj;
    }
    match (rt.group, rt.kind, version) {
        ("discovery.k8s.io", "EndpointSlice", "v1beta1") => slice_from_v1beta1(&mut obj),
        ("autoscaling", "HorizontalPodAutoscaler", "v1") => hpa_v1::to_v2(&mut obj),
        _ => {}
    }
    if obj.get("apiVersion").is_some() {
        obj["apiVersion"] = json!(rt.api_version());
    }
    obj
}

const HOSTNAME: &str = "kubernetes.io/hostname";
const ZONE: &str = "topology.kubernetes.io/zone";

/// discovery.k8s.io/v1 `nodeName`, `zone` and `deprecatedTopology` are v1beta1's `topology`.
fn slice_to_v1beta1(slice: &mut Value) {
    for e in slice["endpoints"].as_array_mut().into_iter().flatten() {
        let Some(m) = e.as_object_mut() else { continue };
        let mut topology = match m.remove("deprecatedTopology") {
            Some(Value::Object(t)) => t,
            _ => Map::new(),
        };
        if let Some(node) = m.remove("nodeName") {
            topology.insert(HOSTNAME.into(), node);
        }
        if let Some(zone) = m.remove("zone") {
            topology.insert(ZONE.into(), zone);
        }
        if !topology.is_empty() {
            m.insert("topology".into(), Value::Object(topology));
        }
    }
}

fn slice_from_v1beta1(slice: &mut Value) {
    for e in slice["endpoints"].as_array_mut().into_iter().flatten() {
        let Some(m) = e.as_object_mut() else { continue };
        let Some(Value::Object(mut topology)) = m.remove("topology") else {
            continue;
        };
        if let Some(node) = topology.remove(HOSTNAME) {
            m.insert("nodeName".into(), node);
        }
        if let Some(zone) = topology.remove(ZONE) {
            m.insert("zone".into(), zone);
        }
        if !topology.is_empty() {
            m.insert("deprecatedTopology".into(), Value::Object(topology));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::resources::by_plural;

    #[test]
    fn endpoint_slices_round_trip_through_v1beta1() {
        let rt = by_plural("discovery.k8s.io", "endpointslices").unwrap();
        let stored = json!({"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
            "endpoints": [{"addresses": ["10.0.0.1"], "nodeName": "n1", "zone": "z"}]});
        let served = to_served(rt, "v1beta1", &stored);
        assert_eq!(served["apiVersion"], "discovery.k8s.io/v1beta1");
        assert_eq!(served["endpoints"][0]["topology"][HOSTNAME], "n1");
        assert!(served["endpoints"][0].get("nodeName").is_none());
        assert_eq!(to_stored(rt, "v1beta1", served.into_owned()), stored);
        assert!(matches!(to_served(rt, "v1", &stored), Cow::Borrowed(_)));
    }
}
