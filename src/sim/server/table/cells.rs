//! The cells of each Table row, computed like the real server's printers
//! (`pkg/printers/internalversion/printers.go`), wide columns included.

use jiff::Timestamp;
use serde_json::{Value, json};

use crate::sim::clock::parse_time;
use crate::sim::resources::ResourceType;

pub use crate::human_duration::human_duration;

fn since(ts: &Value, now: Timestamp) -> String {
    match ts.as_str().and_then(parse_time) {
        Some(t) => human_duration(now.duration_since(t).as_secs()),
        None => "<unknown>".into(),
    }
}

fn text(v: &Value) -> &str {
    v.as_str().unwrap_or_default()
}

fn or_none(s: &str) -> String {
    if s.is_empty() {
        "<none>".into()
    } else {
        s.to_string()
    }
}

fn int(v: &Value) -> i64 {
    v.as_i64().unwrap_or(0)
}

fn label_map(v: &Value) -> String {
    let mut pairs: Vec<String> = v
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, v)| format!("{k}={}", text(v)))
        .collect();
    pairs.sort();
    or_none(&pairs.join(","))
}

/// A `LabelSelector` object as kubectl prints it (`app=web,tier in (a,b)`).
pub fn selector_text(v: &Value) -> String {
    selector(v)
}

fn selector(v: &Value) -> String {
    let mut parts: Vec<String> = v["matchLabels"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, v)| format!("{k}={}", text(v)))
        .collect();
    for e in v["matchExpressions"].as_array().into_iter().flatten() {
        let values: Vec<&str> = e["values"]
            .as_array()
            .into_iter()
            .flatten()
            .map(text)
            .collect();
        let key = text(&e["key"]);
        parts.push(match text(&e["operator"]) {
            "In" => format!("{key} in ({})", values.join(",")),
            "NotIn" => format!("{key} notin ({})", values.join(",")),
            "Exists" => key.to_string(),
            _ => format!("!{key}"),
        });
    }
    parts.sort();
    or_none(&parts.join(","))
}

fn containers_and_images(template_spec: &Value) -> (String, String) {
    let list = template_spec["containers"].as_array();
    let names: Vec<&str> = list
        .into_iter()
        .flatten()
        .map(|c| text(&c["name"]))
        .collect();
    let images: Vec<&str> = list
        .into_iter()
        .flatten()
        .map(|c| text(&c["image"]))
        .collect();
    (names.join(","), images.join(","))
}

/// The cells of one row, in column order.
pub fn cells(rt: &ResourceType, o: &Value, now: Timestamp) -> Vec<Value> {
    let name = json!(text(&o["metadata"]["name"]));
    let age = json!(since(&o["metadata"]["creationTimestamp"], now));
    let spec = &o["spec"];
    let status = &o["status"];
    match rt.plural {
        "pods" => pod(o, now),
        "deployments" => {
            let (c, i) = containers_and_images(&spec["template"]["spec"]);
            vec![
                name,
                json!(format!(
                    "{}/{}",
                    int(&status["readyReplicas"]),
                    int(&spec["replicas"])
                )),
                json!(int(&status["updatedReplicas"])),
                json!(int(&status["availableReplicas"])),
                age,
                json!(c),
                json!(i),
                json!(selector(&spec["selector"])),
            ]
        }
        "replicasets" => {
            let (c, i) = containers_and_images(&spec["template"]["spec"]);
            vec![
                name,
                json!(int(&spec["replicas"])),
                json!(int(&status["replicas"])),
                json!(int(&status["readyReplicas"])),
                age,
                json!(c),
                json!(i),
                json!(selector(&spec["selector"])),
            ]
        }
        "statefulsets" => {
            let (c, i) = containers_and_images(&spec["template"]["spec"]);
            let ready = format!(
                "{}/{}",
                int(&status["readyReplicas"]),
                int(&spec["replicas"])
            );
            vec![name, json!(ready), age, json!(c), json!(i)]
        }
        "daemonsets" => {
            let (c, i) = containers_and_images(&spec["template"]["spec"]);
            vec![
                name,
                json!(int(&status["desiredNumberScheduled"])),
                json!(int(&status["currentNumberScheduled"])),
                json!(int(&status["numberReady"])),
                json!(int(&status["updatedNumberScheduled"])),
                json!(int(&status["numberAvailable"])),
                json!(label_map(&spec["template"]["spec"]["nodeSelector"])),
                age,
                json!(c),
                json!(i),
                json!(selector(&spec["selector"])),
            ]
        }
        "services" => service(o, name, age),
        "endpoints" => vec![name, json!(endpoints(o)), age],
        "controllerrevisions" => vec![
            name,
            json!(controller_name(o)),
            json!(int(&o["revision"])),
            age,
        ],
        "endpointslices" => endpoint_slice(o, name, age),
        "nodes" => node(o, name, age),
        "namespaces" => vec![name, json!(text(&status["phase"])), age],
        "events" if rt.group.is_empty() => event(o, now),
        "configmaps" => {
            let n = o["data"].as_object().map_or(0, serde_json::Map::len)
                + o["binaryData"].as_object().map_or(0, serde_json::Map::len);
            vec![name, json!(n), age]
        }
        "secrets" => {
            let n = o["data"].as_object().map_or(0, serde_json::Map::len);
            vec![name, json!(text(&o["type"])), json!(n), age]
        }
        "serviceaccounts" => {
            let n = o["secrets"].as_array().map_or(0, Vec::len);
            vec![name, json!(n), age]
        }
        _ => vec![name, age],
    }
}

/// The controller owner as `kind.group/name` in lower case (`statefulset.apps/web`), as
/// `formatResourceName` writes a GroupKind, or `<none>`.
fn controller_name(o: &Value) -> String {
    let owner = o["metadata"]["ownerReferences"]
        .as_array()
        .and_then(|refs| refs.iter().find(|r| r["controller"] == true));
    let Some(owner) = owner else {
        return "<none>".into();
    };
    let group = text(&owner["apiVersion"])
        .split_once('/')
        .map_or("", |(g, _)| g);
    let kind = text(&owner["kind"]).to_lowercase();
    let kind = if group.is_empty() {
        kind
    } else {
        format!("{kind}.{group}")
    };
    format!("{kind}/{}", text(&owner["name"]))
}

fn pod(o: &Value, now: Timestamp) -> Vec<Value> {
    let spec = &o["spec"];
    let status = &o["status"];
    let total = spec["containers"].as_array().map_or(0, Vec::len);
    let mut ready = 0;
    let mut restarts = 0;
    let mut last_restart: Option<Timestamp> = None;
    let mut reason = text(&status["phase"]).to_string();
    if !text(&status["reason"]).is_empty() {
        reason = text(&status["reason"]).to_string();
    }
    let init_total = spec["initContainers"].as_array().map_or(0, Vec::len);
    let mut initializing = false;
    for (i, c) in status["initContainerStatuses"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        restarts += int(&c["restartCount"]);
        let terminated = &c["state"]["terminated"];
        let waiting = &c["state"]["waiting"];
        if !terminated.is_null() && int(&terminated["exitCode"]) == 0 {
            continue;
        }
        initializing = true;
        reason = if !terminated.is_null() {
            if text(&terminated["reason"]).is_empty() {
                format!("Init:ExitCode:{}", int(&terminated["exitCode"]))
            } else {
                format!("Init:{}", text(&terminated["reason"]))
            }
        } else if !text(&waiting["reason"]).is_empty()
            && text(&waiting["reason"]) != "PodInitializing"
        {
            format!("Init:{}", text(&waiting["reason"]))
        } else {
            format!("Init:{i}/{init_total}")
        };
        break;
    }
    if !initializing {
        restarts = 0;
        let mut has_running = false;
        for c in status["containerStatuses"]
            .as_array()
            .into_iter()
            .flatten()
            .rev()
        {
            restarts += int(&c["restartCount"]);
            if let Some(t) = c["lastState"]["terminated"]["finishedAt"]
                .as_str()
                .and_then(parse_time)
            {
                last_restart = Some(last_restart.map_or(t, |l: Timestamp| l.max(t)));
            }
            let waiting = &c["state"]["waiting"];
            let terminated = &c["state"]["terminated"];
            if !text(&waiting["reason"]).is_empty() {
                reason = text(&waiting["reason"]).to_string();
            } else if !text(&terminated["reason"]).is_empty() {
                reason = text(&terminated["reason"]).to_string();
            } else if !terminated.is_null() {
                reason = match terminated["signal"].as_i64() {
                    Some(sig) if sig != 0 => format!("Signal:{sig}"),
                    _ => format!("ExitCode:{}", int(&terminated["exitCode"])),
                };
            } else if c["ready"] == true && !c["state"]["running"].is_null() {
                has_running = true;
                ready += 1;
            }
        }
        if reason == "Completed" && has_running {
            let pod_ready = status["conditions"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|c| c["type"] == "Ready" && c["status"] == "True");
            reason = if pod_ready { "Running" } else { "NotReady" }.into();
        }
    }
    if !o["metadata"]["deletionTimestamp"].is_null() {
        reason = if text(&status["reason"]) == "NodeLost" {
            "Unknown".into()
        } else {
            "Terminating".into()
        };
    }
    let restarts = match last_restart {
        Some(t) if restarts != 0 => format!(
            "{restarts} ({} ago)",
            human_duration(now.duration_since(t).as_secs())
        ),
        _ => restarts.to_string(),
    };
    let gates = spec["readinessGates"].as_array().map_or(0, Vec::len);
    let gates = if gates == 0 {
        "<none>".to_string()
    } else {
        let true_gates = spec["readinessGates"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|g| {
                status["conditions"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|c| c["type"] == g["conditionType"] && c["status"] == "True")
            })
            .count();
        format!("{true_gates}/{gates}")
    };
    vec![
        json!(text(&o["metadata"]["name"])),
        json!(format!("{ready}/{total}")),
        json!(reason),
        json!(restarts),
        json!(since(&o["metadata"]["creationTimestamp"], now)),
        json!(or_none(text(&status["podIP"]))),
        json!(or_none(text(&spec["nodeName"]))),
        json!(or_none(text(&status["nominatedNodeName"]))),
        json!(gates),
    ]
}

fn service(o: &Value, name: Value, age: Value) -> Vec<Value> {
    let spec = &o["spec"];
    let kind = text(&spec["type"]);
    let external_ips: Vec<&str> = spec["externalIPs"]
        .as_array()
        .into_iter()
        .flatten()
        .map(text)
        .collect();
    let external = match kind {
        "LoadBalancer" => {
            let mut ips: Vec<&str> = o["status"]["loadBalancer"]["ingress"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|i| {
                    if text(&i["ip"]).is_empty() {
                        text(&i["hostname"])
                    } else {
                        text(&i["ip"])
                    }
                })
                .collect();
            ips.extend(external_ips);
            if ips.is_empty() {
                "<pending>".to_string()
            } else {
                ips.join(",")
            }
        }
        "ExternalName" => text(&spec["externalName"]).to_string(),
        _ => or_none(&external_ips.join(",")),
    };
    let ports: Vec<String> = spec["ports"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| {
            let proto = text(&p["protocol"]);
            match p["nodePort"].as_i64() {
                Some(n) if n != 0 => format!("{}:{n}/{proto}", int(&p["port"])),
                _ => format!("{}/{proto}", int(&p["port"])),
            }
        })
        .collect();
    vec![
        name,
        json!(kind),
        json!(or_none(text(&spec["clusterIP"]))),
        json!(external),
        json!(or_none(&ports.join(","))),
        age,
        json!(label_map(&spec["selector"])),
    ]
}

fn endpoints(o: &Value) -> String {
    const MAX: usize = 3;
    let mut list = Vec::new();
    let mut count = 0;
    for ss in o["subsets"].as_array().into_iter().flatten() {
        let addresses: Vec<&str> = ss["addresses"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|a| text(&a["ip"]))
            .collect();
        let ports = ss["ports"].as_array().cloned().unwrap_or_default();
        if ports.is_empty() {
            count += addresses.len();
            list.extend(addresses.iter().map(ToString::to_string));
        } else {
            for p in &ports {
                count += addresses.len();
                list.extend(addresses.iter().map(|a| format!("{a}:{}", int(&p["port"]))));
            }
        }
    }
    if list.is_empty() {
        return "<none>".into();
    }
    if count > MAX {
        list.truncate(MAX);
        return format!("{} + {} more...", list.join(","), count - MAX);
    }
    list.join(",")
}

fn endpoint_slice(o: &Value, name: Value, age: Value) -> Vec<Value> {
    let ports: Vec<String> = o["ports"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| int(&p["port"]).to_string())
        .collect();
    let mut addresses: Vec<&str> = o["endpoints"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|e| e["addresses"].as_array().into_iter().flatten().map(text))
        .collect();
    let total = addresses.len();
    let shown = if total == 0 {
        "<unset>".to_string()
    } else if total > 3 {
        addresses.truncate(3);
        format!("{} + {} more...", addresses.join(","), total - 3)
    } else {
        addresses.join(",")
    };
    let ports = if ports.is_empty() {
        "<unset>".to_string()
    } else {
        ports.join(",")
    };
    vec![
        name,
        json!(text(&o["addressType"])),
        json!(ports),
        json!(shown),
        age,
    ]
}

fn node(o: &Value, name: Value, age: Value) -> Vec<Value> {
    let status = &o["status"];
    let ready = status["conditions"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|c| c["type"] == "Ready")
        .map_or("Unknown", |c| match text(&c["status"]) {
            "True" => "Ready",
            "False" => "NotReady",
            _ => "Unknown",
        });
    let mut shown = ready.to_string();
    if o["spec"]["unschedulable"] == true {
        shown.push_str(",SchedulingDisabled");
    }
    let mut roles: Vec<&str> = o["metadata"]["labels"]
        .as_object()
        .into_iter()
        .flatten()
        .filter_map(|(k, _)| k.strip_prefix("node-role.kubernetes.io/"))
        .collect();
    roles.sort_unstable();
    let address = |kind: &str| {
        status["addresses"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|a| a["type"] == kind)
            .map_or_else(|| "<none>".to_string(), |a| text(&a["address"]).to_string())
    };
    let info = &status["nodeInfo"];
    vec![
        name,
        json!(shown),
        json!(or_none(&roles.join(","))),
        age,
        json!(text(&info["kubeletVersion"])),
        json!(address("InternalIP")),
        json!(address("ExternalIP")),
        json!(or_none(text(&info["osImage"]))),
        json!(or_none(text(&info["kernelVersion"]))),
        json!(or_none(text(&info["containerRuntimeVersion"]))),
    ]
}

fn event(o: &Value, now: Timestamp) -> Vec<Value> {
    let first = if o["firstTimestamp"].is_null() {
        since(&o["eventTime"], now)
    } else {
        since(&o["firstTimestamp"], now)
    };
    let last = if o["lastTimestamp"].is_null() {
        first.clone()
    } else {
        since(&o["lastTimestamp"], now)
    };
    let count = o["count"].as_i64().filter(|c| *c > 0).unwrap_or(1);
    let inv = &o["involvedObject"];
    let kind = text(&inv["kind"]).to_lowercase();
    let target = if text(&inv["name"]).is_empty() {
        kind
    } else {
        format!("{kind}/{}", text(&inv["name"]))
    };
    let source = &o["source"];
    let source = if text(&source["component"]).is_empty() {
        text(&o["reportingComponent"]).to_string()
    } else if text(&source["host"]).is_empty() {
        text(&source["component"]).to_string()
    } else {
        format!("{}, {}", text(&source["component"]), text(&source["host"]))
    };
    vec![
        json!(last),
        json!(text(&o["type"])),
        json!(text(&o["reason"])),
        json!(target),
        json!(text(&inv["fieldPath"])),
        json!(source),
        json!(text(&o["message"]).trim()),
        json!(first),
        json!(count),
        json!(text(&o["metadata"]["name"])),
    ]
}
