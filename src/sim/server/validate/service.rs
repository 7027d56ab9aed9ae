//! Services: type and port defaults, clusterIP allocation from 10.96.0.0/12 and
//! nodePort allocation from 30000-32767, kept across updates.

use std::collections::HashSet;
use std::net::Ipv4Addr;

use serde_json::{Value, json};

use super::{invalid, required, set_default};
use crate::sim::api_error::Cause;
use crate::sim::resources::by_kind;
use crate::sim::store::Store;

/// The service CIDR's base, 10.96.0.0/12 (10.96.0.1 is the `kubernetes` service).
const SERVICE_NET: u32 = u32::from_be_bytes([10, 96, 0, 0]);
const SERVICE_NET_SIZE: u32 = 1 << 20;
/// The NodePort range.
const NODE_PORTS: std::ops::RangeInclusive<i64> = 30000..=32767;

fn used(store: &Store) -> (HashSet<String>, HashSet<i64>) {
    let mut ips = HashSet::new();
    let mut ports = HashSet::new();
    if let Some(rt) = by_kind("", "Service") {
        for s in store.list(rt, None).0 {
            if let Some(ip) = s["spec"]["clusterIP"].as_str() {
                ips.insert(ip.to_string());
            }
            for p in s["spec"]["ports"].as_array().into_iter().flatten() {
                if let Some(n) = p["nodePort"].as_i64() {
                    ports.insert(n);
                }
            }
        }
    }
    (ips, ports)
}

fn allocate_ip(taken: &HashSet<String>) -> String {
    loop {
        let offset = fastrand::u32(2..SERVICE_NET_SIZE - 1);
        let ip = Ipv4Addr::from(SERVICE_NET + offset).to_string();
        if !taken.contains(&ip) {
            return ip;
        }
    }
}

fn allocate_port(taken: &mut HashSet<i64>) -> i64 {
    loop {
        let p = fastrand::i64(NODE_PORTS);
        if taken.insert(p) {
            return p;
        }
    }
}

/// Defaults, allocates and validates a Service.
pub fn admit(store: &Store, obj: &mut Value, old: Option<&Value>, causes: &mut Vec<Cause>) {
    if obj["spec"].is_null() {
        obj["spec"] = json!({});
    }
    let (taken_ips, mut taken_ports) = used(store);
    let spec = &mut obj["spec"];
    set_default(spec, "type", json!("ClusterIP"));
    let kind = spec["type"].as_str().unwrap_or_default().to_string();
    if !matches!(
        kind.as_str(),
        "ClusterIP" | "NodePort" | "LoadBalancer" | "ExternalName"
    ) {
        causes.push(Cause {
            reason: "FieldValueNotSupported",
            field: "spec.type".into(),
            message: format!(
                "Unsupported value: {kind:?}: supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\""
            ),
        });
        return;
    }
    session_affinity(spec, causes);
    if kind == "ExternalName" {
        return;
    }
    let old_spec = old.map(|o| &o["spec"]);
    if spec["clusterIP"].as_str().is_none_or(str::is_empty)
        && let Some(ip) = old_spec.and_then(|s| s["clusterIP"].as_str())
    {
        spec["clusterIP"] = json!(ip);
    }
    if spec["clusterIP"].as_str().is_none_or(str::is_empty) {
        spec["clusterIP"] = json!(allocate_ip(&taken_ips));
    }
    if let (Some(old_ip), Some(new_ip)) = (
        old_spec.and_then(|s| s["clusterIP"].as_str()),
        spec["clusterIP"].as_str(),
    ) && old_ip != new_ip
    {
        causes.push(invalid(
            "spec.clusterIPs[0]",
            &spec["clusterIP"],
            "may not change once set",
        ));
    }
    spec["clusterIPs"] = json!([spec["clusterIP"].clone()]);
    set_default(spec, "ipFamilies", json!(["IPv4"]));
    set_default(spec, "ipFamilyPolicy", json!("SingleStack"));
    set_default(spec, "internalTrafficPolicy", json!("Cluster"));
    let exposes_nodes = matches!(kind.as_str(), "NodePort" | "LoadBalancer");
    if exposes_nodes {
        set_default(spec, "externalTrafficPolicy", json!("Cluster"));
    }
    if kind == "LoadBalancer" {
        set_default(spec, "allocateLoadBalancerNodePorts", json!(true));
    }
    let headless = spec["clusterIP"] == "None";
    let port_count = spec["ports"].as_array().map_or(0, Vec::len);
    if port_count == 0 && !headless {
        causes.push(required("spec.ports"));
    }
    let old_ports: Vec<Value> = old_spec
        .and_then(|s| s["ports"].as_array().cloned())
        .unwrap_or_default();
    for (i, p) in spec
        .get_mut("ports")
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
        .enumerate()
    {
        set_default(p, "protocol", json!("TCP"));
        match p["port"].as_i64() {
            Some(n) if (1..=65535).contains(&n) => {}
            Some(_) => causes.push(invalid(
                format!("spec.ports[{i}].port"),
                &p["port"],
                "must be between 1 and 65535, inclusive",
            )),
            None => causes.push(required(format!("spec.ports[{i}].port"))),
        }
        if p["targetPort"].is_null() {
            p["targetPort"] = p["port"].clone();
        }
        if port_count > 1 && p["name"].as_str().is_none_or(str::is_empty) {
            causes.push(required(format!("spec.ports[{i}].name")));
        }
        if exposes_nodes && p["nodePort"].is_null() {
            let kept = old_ports
                .iter()
                .find(|o| o["port"] == p["port"] && o["protocol"] == p["protocol"])
                .and_then(|o| o["nodePort"].as_i64());
            p["nodePort"] = json!(kept.unwrap_or_else(|| allocate_port(&mut taken_ports)));
        }
        if !exposes_nodes && let Some(m) = p.as_object_mut() {
            m.remove("nodePort");
        }
    }
    if old.is_none() {
        obj["status"] = json!({"loadBalancer": {}});
    }
}

/// kube-proxy's default stickiness, three hours (`DefaultClientIPServiceAffinitySeconds`).
const DEFAULT_AFFINITY_SECONDS: i64 = 10800;
/// The longest stickiness allowed, a day (`MaxClientIPServiceAffinitySeconds`).
const MAX_AFFINITY_SECONDS: i64 = 86400;

/// `sessionAffinity` as the API server defaults and validates it: `None` unless said,
/// its config dropped for `None`, and for `ClientIP` a timeout (three hours unless
/// given) that must be within a day.
fn session_affinity(spec: &mut Value, causes: &mut Vec<Cause>) {
    set_default(spec, "sessionAffinity", json!("None"));
    match spec["sessionAffinity"].as_str() {
        Some("None") => {
            if let Some(spec) = spec.as_object_mut() {
                spec.remove("sessionAffinityConfig");
            }
        }
        Some("ClientIP") => {
            let timeout = &spec["sessionAffinityConfig"]["clientIP"]["timeoutSeconds"];
            if timeout.is_null() {
                spec["sessionAffinityConfig"] =
                    json!({"clientIP": {"timeoutSeconds": DEFAULT_AFFINITY_SECONDS}});
            } else if !timeout
                .as_i64()
                .is_some_and(|t| (1..=MAX_AFFINITY_SECONDS).contains(&t))
            {
                causes.push(invalid(
                    "spec.sessionAffinityConfig.clientIP.timeoutSeconds",
                    timeout,
                    &format!("must be greater than 0 and less than {MAX_AFFINITY_SECONDS}"),
                ));
            }
        }
        _ => causes.push(Cause {
            reason: "FieldValueNotSupported",
            field: "spec.sessionAffinity".into(),
            message: format!(
                "Unsupported value: {}: supported values: \"ClientIP\", \"None\"",
                spec["sessionAffinity"]
            ),
        }),
    }
}
