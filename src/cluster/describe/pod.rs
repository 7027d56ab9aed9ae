//! `kubectl describe pod`.

use std::fmt::Write as _;

use jiff::Timestamp;
use k8s_openapi::api::core::v1::{Event, Pod};

use super::containers::write_container;
use super::events;
use super::prefix_writer::{PrefixWriter, rfc1123};

/// The describe text of a pod and its events.
pub fn describe_pod(pod: &Pod, pod_events: &[Event], now: Timestamp) -> String {
    let mut w = PrefixWriter::default();
    let meta = &pod.metadata;
    let spec = pod.spec.as_ref();
    let status = pod.status.as_ref();
    w.field(0, "Name", meta.name.as_deref().unwrap_or(""));
    w.field(0, "Namespace", meta.namespace.as_deref().unwrap_or(""));
    if let Some(p) = spec.and_then(|s| s.priority) {
        w.field(0, "Priority", p);
    }
    if let Some(pc) = spec.and_then(|s| s.priority_class_name.as_deref()) {
        w.field(0, "Priority Class Name", pc);
    }
    w.field(
        0,
        "Service Account",
        spec.and_then(|s| s.service_account_name.as_deref())
            .unwrap_or("default"),
    );
    let node = spec.and_then(|s| s.node_name.as_deref()).unwrap_or("");
    match status.and_then(|s| s.host_ip.as_deref()) {
        Some(ip) if !node.is_empty() => w.field(0, "Node", format!("{node}/{ip}")),
        _ if !node.is_empty() => w.field(0, "Node", node),
        _ => w.field(0, "Node", "<none>"),
    }
    if let Some(t) = status.and_then(|s| s.start_time.as_ref()) {
        w.field(0, "Start Time", rfc1123(t.0));
    }
    w.labels(0, "Labels", meta.labels.as_ref());
    w.annotations(0, "Annotations", meta.annotations.as_ref());
    if let Some(t) = &meta.deletion_timestamp {
        w.field(
            0,
            "Status",
            format!(
                "Terminating (lasts {})",
                crate::human_duration::age(Some(t.0), now)
            ),
        );
        if let Some(grace) = meta.deletion_grace_period_seconds {
            w.field(0, "Termination Grace Period", format!("{grace}s"));
        }
    } else {
        w.field(
            0,
            "Status",
            status.and_then(|s| s.phase.as_deref()).unwrap_or("Unknown"),
        );
    }
    if let Some(reason) = status.and_then(|s| s.reason.as_deref()) {
        w.field(0, "Reason", reason);
    }
    if let Some(message) = status.and_then(|s| s.message.as_deref()) {
        w.field(0, "Message", message);
    }
    w.field(
        0,
        "IP",
        status.and_then(|s| s.pod_ip.as_deref()).unwrap_or(""),
    );
    let ips = status.and_then(|s| s.pod_ips.as_deref()).unwrap_or(&[]);
    if ips.is_empty() {
        w.field(0, "IPs", "<none>");
    } else {
        w.line(0, "IPs:");
        for ip in ips {
            w.field(1, "IP", &ip.ip);
        }
    }
    if let Some(owner) = meta
        .owner_references
        .as_deref()
        .unwrap_or(&[])
        .iter()
        .find(|o| o.controller == Some(true))
    {
        w.field(0, "Controlled By", format!("{}/{}", owner.kind, owner.name));
    }
    let Some(spec) = spec else {
        events::write(&mut w, pod_events, now);
        return w.finish();
    };
    if let Some(init) = spec.init_containers.as_ref().filter(|i| !i.is_empty()) {
        let statuses = status
            .and_then(|s| s.init_container_statuses.as_deref())
            .unwrap_or(&[]);
        w.line(0, "Init Containers:");
        for c in init {
            write_container(&mut w, 1, c, statuses.iter().find(|s| s.name == c.name));
        }
    }
    let statuses = status
        .and_then(|s| s.container_statuses.as_deref())
        .unwrap_or(&[]);
    w.line(0, "Containers:");
    for c in &spec.containers {
        write_container(&mut w, 1, c, statuses.iter().find(|s| s.name == c.name));
    }
    let conditions = status.and_then(|s| s.conditions.as_deref()).unwrap_or(&[]);
    if !conditions.is_empty() {
        w.line(0, "Conditions:");
        w.line(1, "Type\tStatus");
        for c in conditions {
            w.line(1, &format!("{} \t{} ", c.type_, c.status));
        }
    }
    let volumes = spec.volumes.as_deref().unwrap_or(&[]);
    if volumes.is_empty() {
        w.field(0, "Volumes", "<none>");
    } else {
        w.line(0, "Volumes:");
        for v in volumes {
            w.line(1, &format!("{}:", v.name));
            let kind = if v.config_map.is_some() {
                "ConfigMap"
            } else if v.secret.is_some() {
                "Secret"
            } else if v.empty_dir.is_some() {
                "EmptyDir"
            } else if v.projected.is_some() {
                "Projected"
            } else if v.persistent_volume_claim.is_some() {
                "PersistentVolumeClaim"
            } else if v.host_path.is_some() {
                "HostPath"
            } else {
                "Other"
            };
            w.field(2, "Type", kind);
        }
    }
    if let Some(qos) = status.and_then(|s| s.qos_class.as_deref()) {
        w.field(0, "QoS Class", qos);
    }
    w.labels(0, "Node-Selectors", spec.node_selector.as_ref());
    let tolerations = spec.tolerations.as_deref().unwrap_or(&[]);
    if tolerations.is_empty() {
        w.field(0, "Tolerations", "<none>");
    } else {
        for (i, t) in tolerations.iter().enumerate() {
            let mut text = t.key.clone().unwrap_or_default();
            if let Some(v) = t.value.as_deref().filter(|v| !v.is_empty()) {
                text.push('=');
                text.push_str(v);
            }
            if let Some(e) = t.effect.as_deref().filter(|e| !e.is_empty()) {
                text.push(':');
                text.push_str(e);
            }
            if t.operator.as_deref() == Some("Exists") && t.value.is_none() {
                text.push_str(" op=Exists");
            }
            if let Some(s) = t.toleration_seconds {
                let _ = write!(text, " for {s}s");
            }
            if i == 0 {
                w.field(0, "Tolerations", text);
            } else {
                w.line(0, &format!("\t{text}"));
            }
        }
    }
    events::write(&mut w, pod_events, now);
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pod_describe_has_kubectl_sections() {
        let pod: Pod = serde_json::from_value(serde_json::json!({
            "metadata": {"name": "web-1", "namespace": "default", "labels": {"app": "web"},
                "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-5d4f", "uid": "x", "controller": true}]},
            "spec": {"nodeName": "node-1", "containers": [{"name": "app", "image": "nginx:1.25",
                "ports": [{"containerPort": 80, "protocol": "TCP"}]}]},
            "status": {"phase": "Running", "hostIP": "172.18.0.2", "podIP": "10.0.0.5",
                "podIPs": [{"ip": "10.0.0.5"}], "qosClass": "BestEffort",
                "conditions": [{"type": "Ready", "status": "True"}],
                "containerStatuses": [{"name": "app", "image": "nginx:1.25", "imageID": "sha", "ready": true,
                    "restartCount": 0, "state": {"running": {"startedAt": "2026-01-01T00:00:00Z"}}}]}
        }))
        .unwrap();
        let text = describe_pod(&pod, &[], "2026-01-01T00:05:00Z".parse().unwrap());
        for expected in [
            "Name:             web-1\n",
            "Node:             node-1/172.18.0.2\n",
            "Labels:           app=web\n",
            "Controlled By:  ReplicaSet/web-5d4f\n",
            "Containers:\n  app:\n",
            "    Port:           80/TCP\n",
            "    State:          Running\n      Started:      Thu, 01 Jan 2026 00:00:00 +0000\n",
            "    Ready:          True\n",
            "  Ready          True \n",
            "QoS Class:       BestEffort\n",
            "Events:          <none>\n",
        ] {
            assert!(text.contains(expected), "missing {expected:?} in\n{text}");
        }
    }
}
