//! The Endpoints and EndpointSlice controllers: for each Service with a selector,
//! the addresses of its pods (ready ones in `addresses`, others in
//! `notReadyAddresses`) and one EndpointSlice `<service>-<5 chars>`.

use std::collections::{BTreeMap, HashMap};

use serde_json::{Map, Value, json};

use super::meta::{
    controller_ref, is_terminating, kind, labels, labels_ref, map_selector_matches, name,
    namespace, uid,
};
use super::pass::Pass;
use super::pod_state::is_ready;
use crate::sim::clock::format_time;
use crate::sim::managed_fields::KUBE_CONTROLLER_MANAGER;
use crate::sim::store::Obj;

const SERVICE_NAME_LABEL: &str = "kubernetes.io/service-name";
const MANAGED_BY_LABEL: &str = "endpointslice.kubernetes.io/managed-by";
const MANAGED_BY: &str = "endpointslice-controller.k8s.io";
/// The label the endpoints controller puts on the Endpoints it manages (since 1.33).
const ENDPOINTS_MANAGED_BY_LABEL: &str = "endpoints.kubernetes.io/managed-by";
const ENDPOINTS_MANAGED_BY: &str = "endpoint-controller";
/// When the change that made the controllers write an Endpoints or EndpointSlice happened.
const TRIGGER_TIME: &str = "endpoints.kubernetes.io/last-change-trigger-time";

/// Reconciles Endpoints and EndpointSlices of every Service; `pods` is every pod.
pub fn reconcile(pass: &Pass<'_>, pods: &[Obj]) {
    let mut by_namespace: HashMap<&str, Vec<&Obj>> = HashMap::new();
    for p in pods {
        by_namespace.entry(namespace(p)).or_default().push(p);
    }
    let services = pass.all("", "Service");
    for svc in &services {
        if svc["spec"]["selector"]
            .as_object()
            .is_none_or(Map::is_empty)
        {
            continue;
        }
        let selected: Vec<&Obj> = by_namespace
            .get(namespace(svc))
            .into_iter()
            .flatten()
            .filter(|p| map_selector_matches(&svc["spec"]["selector"], labels_ref(p)))
            .filter(|p| p["status"]["podIP"].is_string())
            .copied()
            .collect();
        sync_endpoints(pass, svc, &selected);
        sync_slice(pass, svc, &selected);
    }
    let endpoints = kind("", "Endpoints");
    for ep in pass.store.list(endpoints, None).0 {
        let has_service = services
            .iter()
            .any(|s| namespace(s) == namespace(&ep) && name(s) == name(&ep));
        let labelled = ep["metadata"]["labels"][ENDPOINTS_MANAGED_BY_LABEL] == ENDPOINTS_MANAGED_BY;
        let managed = labelled
            || ep["subsets"].as_array().into_iter().flatten().any(|s| {
                s["addresses"]
                    .as_array()
                    .into_iter()
                    .chain(s["notReadyAddresses"].as_array())
                    .flatten()
                    .any(|a| a["targetRef"]["kind"] == "Pod")
            });
        if !has_service && managed {
            pass.remove(endpoints, namespace(&ep), name(&ep));
        }
    }
}

/// The service's ports as the pod serves them: `(name, port, protocol)`; a named
/// target port the pod does not declare leaves the pod out of that port.
fn ports_for(svc: &Value, pod: &Value) -> Vec<(String, i64, String)> {
    let containers = pod["spec"]["containers"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    svc["spec"]["ports"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|sp| {
            let target = &sp["targetPort"];
            let port = match (target.as_i64(), target.as_str()) {
                (Some(n), _) => Some(n),
                (None, Some(named)) => named.parse::<i64>().ok().or_else(|| {
                    containers
                        .iter()
                        .flat_map(|c| c["ports"].as_array().cloned().unwrap_or_default())
                        .find(|p| p["name"] == named)
                        .and_then(|p| p["containerPort"].as_i64())
                }),
                (None, None) => sp["port"].as_i64(),
            }?;
            Some((
                sp["name"].as_str().unwrap_or("").to_string(),
                port,
                sp["protocol"].as_str().unwrap_or("TCP").to_string(),
            ))
        })
        .collect()
}

/// The ports of an Endpoints subset (`named_always`: of an EndpointSlice, whose port
/// names are pointers the controller sets, `""` for an unnamed port).
fn port_json(ports: &[(String, i64, String)], named_always: bool) -> Value {
    ports
        .iter()
        .map(|(n, port, protocol)| {
            let mut p = json!({"port": port, "protocol": protocol});
            if named_always || !n.is_empty() {
                p["name"] = json!(n);
            }
            p
        })
        .collect()
}

fn target_ref(pod: &Value) -> Value {
    json!({"kind": "Pod", "namespace": namespace(pod), "name": name(pod), "uid": uid(pod)})
}

/// One Endpoints subset being built: its ports, then ready and not-ready addresses keyed by IP.
type Subset = (Value, Vec<(String, Value)>, Vec<(String, Value)>);

fn sync_endpoints(pass: &Pass<'_>, svc: &Value, pods: &[&Obj]) {
    let publish_not_ready = svc["spec"]["publishNotReadyAddresses"].as_bool() == Some(true);
    let mut subsets: BTreeMap<String, Subset> = BTreeMap::new();
    for pod in pods.iter().filter(|p| !is_terminating(p)) {
        let ports = ports_for(svc, pod);
        if ports.is_empty()
            && svc["spec"]["ports"]
                .as_array()
                .is_some_and(|p| !p.is_empty())
        {
            continue;
        }
        let key = format!("{ports:?}");
        let entry = subsets
            .entry(key)
            .or_insert_with(|| (port_json(&ports, false), Vec::new(), Vec::new()));
        let ip = pod["status"]["podIP"].as_str().unwrap_or("").to_string();
        let mut address = json!({"ip": ip, "targetRef": target_ref(pod)});
        if let Some(node) = pod["spec"]["nodeName"].as_str() {
            address["nodeName"] = json!(node);
        }
        if is_ready(pod) || publish_not_ready {
            entry.1.push((ip, address));
        } else {
            entry.2.push((ip, address));
        }
    }
    let subsets: Vec<Value> = subsets
        .into_values()
        .map(|(ports, mut ready, mut not_ready)| {
            ready.sort_by(|a, b| a.0.cmp(&b.0));
            not_ready.sort_by(|a, b| a.0.cmp(&b.0));
            let mut s = json!({"ports": ports});
            if !ready.is_empty() {
                s["addresses"] = ready.into_iter().map(|(_, a)| a).collect();
            }
            if !not_ready.is_empty() {
                s["notReadyAddresses"] = not_ready.into_iter().map(|(_, a)| a).collect();
            }
            s
        })
        .collect();
    let endpoints = kind("", "Endpoints");
    let mut ep_labels = labels(svc);
    ep_labels.insert(
        ENDPOINTS_MANAGED_BY_LABEL.into(),
        json!(ENDPOINTS_MANAGED_BY),
    );
    let ep_labels = Value::Object(ep_labels);
    let triggered = json!({TRIGGER_TIME: format_time(pass.now)});
    if let Some(ep) = pass.store.get(endpoints, namespace(svc), name(svc)) {
        let want_subsets = if subsets.is_empty() {
            Value::Null
        } else {
            Value::Array(subsets)
        };
        if ep["subsets"] != want_subsets || ep["metadata"]["labels"] != ep_labels {
            pass.modify(
                &KUBE_CONTROLLER_MANAGER,
                endpoints,
                namespace(svc),
                name(svc),
                |v| {
                    v["subsets"] = want_subsets;
                    if let Some(m) = v.as_object_mut() {
                        m.retain(|k, val| k != "subsets" || !val.is_null());
                    }
                    v["metadata"]["labels"] = ep_labels;
                    v["metadata"]["annotations"] = triggered;
                },
            );
        }
    } else {
        let mut ep = json!({"metadata": {"name": name(svc), "namespace": namespace(svc), "labels": ep_labels, "annotations": triggered}});
        if !subsets.is_empty() {
            ep["subsets"] = Value::Array(subsets);
        }
        pass.create(&KUBE_CONTROLLER_MANAGER, endpoints, ep);
    }
}

fn sync_slice(pass: &Pass<'_>, svc: &Value, pods: &[&Obj]) {
    let mut endpoints: Vec<(String, Value)> = Vec::new();
    let mut ports = Vec::new();
    for pod in pods {
        let pod_ports = ports_for(svc, pod);
        if ports.is_empty() {
            ports = pod_ports;
        }
        let terminating = is_terminating(pod);
        let ready = is_ready(pod);
        let ip = pod["status"]["podIP"].as_str().unwrap_or("").to_string();
        let mut e = json!({
            "addresses": [ip],
            "conditions": {"ready": ready && !terminating, "serving": ready, "terminating": terminating},
            "targetRef": target_ref(pod),
        });
        if let Some(node) = pod["spec"]["nodeName"].as_str() {
            e["nodeName"] = json!(node);
        }
        endpoints.push((ip, e));
    }
    endpoints.sort_by(|a, b| a.0.cmp(&b.0));
    let endpoints: Vec<Value> = endpoints.into_iter().map(|(_, e)| e).collect();
    let mut slice_labels: Map<String, Value> = labels(svc);
    slice_labels.insert(SERVICE_NAME_LABEL.into(), json!(name(svc)));
    slice_labels.insert(MANAGED_BY_LABEL.into(), json!(MANAGED_BY));
    let slices = kind("discovery.k8s.io", "EndpointSlice");
    let existing = pass
        .store
        .list(slices, Some(namespace(svc)))
        .0
        .into_iter()
        .find(|s| {
            s["metadata"]["labels"][SERVICE_NAME_LABEL] == name(svc)
                && s["metadata"]["labels"][MANAGED_BY_LABEL] == MANAGED_BY
        });
    let want_ports = port_json(&ports, true);
    let triggered = json!({TRIGGER_TIME: format_time(pass.now)});
    let want_endpoints = Value::Array(endpoints);
    if let Some(s) = existing {
        if s["endpoints"] != want_endpoints
            || s["ports"] != want_ports
            || s["metadata"]["labels"] != Value::Object(slice_labels.clone())
        {
            pass.modify(
                &KUBE_CONTROLLER_MANAGER,
                slices,
                namespace(svc),
                name(&s),
                |v| {
                    v["endpoints"] = want_endpoints;
                    v["ports"] = want_ports;
                    v["metadata"]["labels"] = Value::Object(slice_labels);
                    v["metadata"]["annotations"] = triggered;
                },
            );
        }
    } else {
        let mut owner = controller_ref(svc);
        owner["apiVersion"] = json!("v1");
        owner["kind"] = json!("Service");
        pass.create(
            &KUBE_CONTROLLER_MANAGER,
            slices,
            json!({
                "metadata": {
                    "generateName": format!("{}-", name(svc)),
                    "namespace": namespace(svc),
                    "labels": slice_labels,
                    "annotations": triggered,
                    "ownerReferences": [owner],
                },
                "addressType": "IPv4",
                "endpoints": want_endpoints,
                "ports": want_ports,
            }),
        );
    }
}
