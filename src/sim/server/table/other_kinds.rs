//! The columns and cells of the storage, networking, autoscaling, policy, RBAC and
//! apiextensions kinds, as the real server's printers make them.

use jiff::Timestamp;
use serde_json::{Value, json};

use super::cells::human_duration;
use super::{AGE, Column, NAME, TableOf, i, s};
use crate::sim::clock::parse_time;

const CREATED_AT: Column = ("Created At", "date", "", 0, "");

/// The columns, for the kinds this module prints.
pub fn columns(of: TableOf<'_>) -> Option<Vec<Column>> {
    let vac = of.release.minor() >= 29;
    let mut c = vec![NAME];
    match (of.rt.group, of.rt.plural) {
        ("", "persistentvolumeclaims") => {
            c.extend([
                s("Status", 0),
                s("Volume", 0),
                s("Capacity", 0),
                s("Access Modes", 0),
                s("StorageClass", 0),
            ]);
            if vac {
                c.push(s("VolumeAttributesClass", 0));
            }
            c.extend([AGE, s("VolumeMode", 1)]);
        }
        ("", "persistentvolumes") => {
            c.extend([
                s("Capacity", 0),
                s("Access Modes", 0),
                s("Reclaim Policy", 0),
                s("Status", 0),
                s("Claim", 0),
                s("StorageClass", 0),
            ]);
            if vac {
                c.push(s("VolumeAttributesClass", 0));
            }
            c.extend([s("Reason", 0), AGE, s("VolumeMode", 1)]);
        }
        ("storage.k8s.io", "storageclasses") => c.extend([
            s("Provisioner", 0),
            s("ReclaimPolicy", 0),
            s("VolumeBindingMode", 0),
            s("AllowVolumeExpansion", 0),
            AGE,
        ]),
        ("networking.k8s.io", "ingresses") => {
            c.extend([
                s("Class", 0),
                s("Hosts", 0),
                s("Address", 0),
                s("Ports", 0),
                AGE,
            ]);
        }
        ("networking.k8s.io", "ingressclasses") => {
            c.extend([s("Controller", 0), s("Parameters", 0), AGE]);
        }
        ("autoscaling", "horizontalpodautoscalers") => c.extend([
            s("Reference", 0),
            s("Targets", 0),
            i("MinPods", 0),
            i("MaxPods", 0),
            i("Replicas", 0),
            AGE,
        ]),
        ("policy", "poddisruptionbudgets") => {
            c.extend([
                s("Min Available", 0),
                s("Max Unavailable", 0),
                i("Allowed Disruptions", 0),
                AGE,
            ]);
        }
        ("rbac.authorization.k8s.io", "roles" | "clusterroles")
        | ("apiextensions.k8s.io", "customresourcedefinitions") => c.push(CREATED_AT),
        ("rbac.authorization.k8s.io", "rolebindings" | "clusterrolebindings") => {
            c.extend([
                s("Role", 0),
                AGE,
                s("Users", 1),
                s("Groups", 1),
                s("ServiceAccounts", 1),
            ]);
        }
        _ => return None,
    }
    Some(c)
}

fn text(v: &Value) -> &str {
    v.as_str().unwrap_or_default()
}

fn or(v: &str, none: &str) -> String {
    if v.is_empty() { none.into() } else { v.into() }
}

fn access_modes(v: &Value) -> String {
    let modes: Vec<&str> = v
        .as_array()
        .into_iter()
        .flatten()
        .map(|m| match text(m) {
            "ReadWriteOnce" => "RWO",
            "ReadOnlyMany" => "ROX",
            "ReadWriteMany" => "RWX",
            "ReadWriteOncePod" => "RWOP",
            other => other,
        })
        .collect();
    modes.join(",")
}

fn int_or_string(v: &Value) -> String {
    match v {
        Value::Null => "N/A".into(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn hpa_targets(o: &Value, minor: u16) -> String {
    let current = o["status"]["currentMetrics"].as_array();
    let targets: Vec<String> = o["spec"]["metrics"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
        .map(|(n, m)| {
            let resource = &m["resource"];
            let want = &resource["target"];
            let now = current
                .and_then(|c| c.get(n))
                .map(|c| &c["resource"]["current"]);
            let (have, goal) = match text(&want["type"]) {
                "Utilization" => (
                    now.and_then(|c| c["averageUtilization"].as_i64())
                        .map(|u| format!("{u}%")),
                    format!("{}%", want["averageUtilization"].as_i64().unwrap_or(0)),
                ),
                _ => (
                    now.and_then(|c| c["averageValue"].as_str().map(str::to_string)),
                    text(&want["averageValue"]).to_string(),
                ),
            };
            let shown = format!("{}/{goal}", have.unwrap_or_else(|| "<unknown>".into()));
            // From 1.30 the printer names the resource.
            if minor >= 30 && m["type"] == "Resource" {
                format!("{}: {shown}", text(&resource["name"]))
            } else {
                shown
            }
        })
        .collect();
    if targets.is_empty() {
        "<none>".into()
    } else {
        targets.join(", ")
    }
}

fn subjects(o: &Value, kind: &str) -> String {
    let names: Vec<String> = o["subjects"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|s| s["kind"] == kind)
        .map(|s| match kind {
            "ServiceAccount" => format!("{}/{}", text(&s["namespace"]), text(&s["name"])),
            _ => text(&s["name"]).to_string(),
        })
        .collect();
    names.join(", ")
}

/// The cells of one row, for the kinds this module prints.
pub fn cells(of: TableOf<'_>, o: &Value, now: Timestamp) -> Option<Vec<Value>> {
    let minor = of.release.minor();
    let vac = minor >= 29;
    let created = &o["metadata"]["creationTimestamp"];
    let age = json!(created.as_str().and_then(parse_time).map_or_else(
        || "<unknown>".into(),
        |t| human_duration(now.duration_since(t).as_secs())
    ));
    let name = text(&o["metadata"]["name"]).to_string();
    let spec = &o["spec"];
    let status = &o["status"];
    let mut row = vec![json!(name)];
    match (of.rt.group, of.rt.plural) {
        ("", "persistentvolumeclaims") => {
            let bound = status["phase"] == "Bound";
            let capacity = if bound {
                text(&status["capacity"]["storage"])
            } else {
                ""
            };
            row.extend([
                json!(text(&status["phase"])),
                json!(text(&spec["volumeName"])),
                json!(capacity),
            ]);
            row.extend([
                json!(if bound {
                    access_modes(&status["accessModes"])
                } else {
                    String::new()
                }),
                json!(text(&spec["storageClassName"])),
            ]);
            if vac {
                row.push(json!(or(
                    text(&spec["volumeAttributesClassName"]),
                    "<unset>"
                )));
            }
            row.extend([age, json!(text(&spec["volumeMode"]))]);
        }
        ("", "persistentvolumes") => {
            let claim = &spec["claimRef"];
            let claim = if claim.is_null() {
                String::new()
            } else {
                format!("{}/{}", text(&claim["namespace"]), text(&claim["name"]))
            };
            row.extend([
                json!(text(&spec["capacity"]["storage"])),
                json!(access_modes(&spec["accessModes"])),
                json!(text(&spec["persistentVolumeReclaimPolicy"])),
                json!(text(&status["phase"])),
                json!(claim),
                json!(text(&spec["storageClassName"])),
            ]);
            if vac {
                row.push(json!(or(
                    text(&spec["volumeAttributesClassName"]),
                    "<unset>"
                )));
            }
            row.extend([
                json!(text(&status["reason"])),
                age,
                json!(text(&spec["volumeMode"])),
            ]);
        }
        ("storage.k8s.io", "storageclasses") => {
            if o["metadata"]["annotations"]["storageclass.kubernetes.io/is-default-class"] == "true"
            {
                row[0] = json!(format!("{name} (default)"));
            }
            row.extend([
                json!(text(&o["provisioner"])),
                json!(or(text(&o["reclaimPolicy"]), "Delete")),
                json!(or(text(&o["volumeBindingMode"]), "Immediate")),
                json!(if o["allowVolumeExpansion"] == true {
                    "true"
                } else {
                    "false"
                }),
                age,
            ]);
        }
        ("networking.k8s.io", "ingresses") => {
            let hosts: Vec<&str> = spec["rules"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|r| r["host"].as_str())
                .collect();
            let address: Vec<&str> = status["loadBalancer"]["ingress"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|i| {
                    if i["ip"].is_string() {
                        text(&i["ip"])
                    } else {
                        text(&i["hostname"])
                    }
                })
                .collect();
            let ports = if spec["tls"].as_array().is_some_and(|t| !t.is_empty()) {
                "80, 443"
            } else {
                "80"
            };
            row.extend([
                json!(or(text(&spec["ingressClassName"]), "<none>")),
                json!(if hosts.is_empty() {
                    "*".to_string()
                } else {
                    hosts.join(",")
                }),
                json!(address.join(",")),
                json!(ports),
                age,
            ]);
        }
        ("networking.k8s.io", "ingressclasses") => {
            let params = &spec["parameters"];
            let params = if params.is_null() {
                "<none>".to_string()
            } else {
                format!("{}/{}", text(&params["kind"]), text(&params["name"]))
            };
            row.extend([json!(text(&spec["controller"])), json!(params), age]);
        }
        ("autoscaling", "horizontalpodautoscalers") => {
            let target = &spec["scaleTargetRef"];
            row.extend([
                json!(format!(
                    "{}/{}",
                    text(&target["kind"]),
                    text(&target["name"])
                )),
                json!(hpa_targets(o, minor)),
                json!(spec["minReplicas"].as_i64().unwrap_or(1)),
                json!(spec["maxReplicas"].as_i64().unwrap_or(0)),
                json!(status["currentReplicas"].as_i64().unwrap_or(0)),
                age,
            ]);
        }
        ("policy", "poddisruptionbudgets") => row.extend([
            json!(int_or_string(&spec["minAvailable"])),
            json!(int_or_string(&spec["maxUnavailable"])),
            json!(status["disruptionsAllowed"].as_i64().unwrap_or(0)),
            age,
        ]),
        ("rbac.authorization.k8s.io", "roles" | "clusterroles")
        | ("apiextensions.k8s.io", "customresourcedefinitions") => row.push(json!(text(created))),
        ("rbac.authorization.k8s.io", "rolebindings" | "clusterrolebindings") => {
            let role = &o["roleRef"];
            row.extend([
                json!(format!("{}/{}", text(&role["kind"]), text(&role["name"]))),
                age,
                json!(subjects(o, "User")),
                json!(subjects(o, "Group")),
                json!(subjects(o, "ServiceAccount")),
            ]);
        }
        _ => return None,
    }
    Some(row)
}
