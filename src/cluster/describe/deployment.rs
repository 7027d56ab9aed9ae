//! `kubectl describe deployment` and `kubectl describe replicaset`.

use jiff::Timestamp;
use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use k8s_openapi::api::core::v1::Event;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::containers::write_pod_template;
use super::events;
use super::prefix_writer::{PrefixWriter, rfc1123};

/// Pod counts by phase, for a ReplicaSet's `Pods Status`.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct PodPhases {
    /// Running pods.
    pub running: u32,
    /// Pending pods.
    pub waiting: u32,
    /// Succeeded pods.
    pub succeeded: u32,
    /// Failed pods.
    pub failed: u32,
}

fn selector_text(selector: &LabelSelector) -> String {
    let mut parts: Vec<String> = selector
        .match_labels
        .iter()
        .flatten()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    for e in selector.match_expressions.iter().flatten() {
        let values = e.values.clone().unwrap_or_default().join(",");
        parts.push(match e.operator.as_str() {
            "In" => format!("{} in ({values})", e.key),
            "NotIn" => format!("{} notin ({values})", e.key),
            "Exists" => e.key.clone(),
            "DoesNotExist" => format!("!{}", e.key),
            other => format!("{} {other} ({values})", e.key),
        });
    }
    if parts.is_empty() {
        "<none>".to_owned()
    } else {
        parts.join(",")
    }
}

fn int_or_string(v: Option<&IntOrString>, default: &str) -> String {
    match v {
        Some(IntOrString::Int(i)) => i.to_string(),
        Some(IntOrString::String(s)) => s.clone(),
        None => default.to_owned(),
    }
}

fn rs_summary(rs: &ReplicaSet) -> String {
    format!(
        "{} ({}/{} replicas created)",
        rs.metadata.name.as_deref().unwrap_or(""),
        rs.status.as_ref().map_or(0, |s| s.replicas),
        rs.spec.as_ref().and_then(|s| s.replicas).unwrap_or(0)
    )
}

/// The describe text of a Deployment, given its ReplicaSets (owned by it) and events.
pub fn describe_deployment(
    d: &Deployment,
    replica_sets: &[ReplicaSet],
    d_events: &[Event],
    now: Timestamp,
) -> String {
    let mut w = PrefixWriter::default();
    let meta = &d.metadata;
    let spec = d.spec.as_ref();
    let status = d.status.as_ref();
    w.field(0, "Name", meta.name.as_deref().unwrap_or(""));
    w.field(0, "Namespace", meta.namespace.as_deref().unwrap_or(""));
    if let Some(t) = &meta.creation_timestamp {
        w.field(0, "CreationTimestamp", rfc1123(t.0));
    }
    w.labels(0, "Labels", meta.labels.as_ref());
    w.annotations(0, "Annotations", meta.annotations.as_ref());
    w.field(
        0,
        "Selector",
        spec.map_or_else(|| "<none>".to_owned(), |s| selector_text(&s.selector)),
    );
    w.field(
        0,
        "Replicas",
        format!(
            "{} desired | {} updated | {} total | {} available | {} unavailable",
            spec.and_then(|s| s.replicas).unwrap_or(1),
            status.and_then(|s| s.updated_replicas).unwrap_or(0),
            status.and_then(|s| s.replicas).unwrap_or(0),
            status.and_then(|s| s.available_replicas).unwrap_or(0),
            status.and_then(|s| s.unavailable_replicas).unwrap_or(0)
        ),
    );
    let strategy = spec.and_then(|s| s.strategy.as_ref());
    let strategy_type = strategy
        .and_then(|s| s.type_.as_deref())
        .unwrap_or("RollingUpdate");
    w.field(0, "StrategyType", strategy_type);
    w.field(
        0,
        "MinReadySeconds",
        spec.and_then(|s| s.min_ready_seconds).unwrap_or(0),
    );
    if strategy_type == "RollingUpdate" {
        let ru = strategy.and_then(|s| s.rolling_update.as_ref());
        w.field(
            0,
            "RollingUpdateStrategy",
            format!(
                "{} max unavailable, {} max surge",
                int_or_string(ru.and_then(|r| r.max_unavailable.as_ref()), "25%"),
                int_or_string(ru.and_then(|r| r.max_surge.as_ref()), "25%")
            ),
        );
    }
    if spec.and_then(|s| s.paused) == Some(true) {
        w.field(0, "Paused", "true");
    }
    write_pod_template(&mut w, spec.map(|s| &s.template));
    let conditions = status.and_then(|s| s.conditions.as_deref()).unwrap_or(&[]);
    if !conditions.is_empty() {
        w.line(0, "Conditions:");
        w.line(1, "Type\tStatus\tReason");
        w.line(1, "----\t------\t------");
        for c in conditions {
            w.line(
                1,
                &format!(
                    "{} \t{}\t{}",
                    c.type_,
                    c.status,
                    c.reason.as_deref().unwrap_or("")
                ),
            );
        }
    }
    let revision = meta
        .annotations
        .as_ref()
        .and_then(|a| a.get("deployment.kubernetes.io/revision"));
    let is_new = |rs: &ReplicaSet| {
        rs.metadata
            .annotations
            .as_ref()
            .and_then(|a| a.get("deployment.kubernetes.io/revision"))
            == revision
    };
    let old: Vec<String> = replica_sets
        .iter()
        .filter(|rs| !is_new(rs) && rs.spec.as_ref().and_then(|s| s.replicas).unwrap_or(0) != 0)
        .map(rs_summary)
        .collect();
    w.field(
        0,
        "OldReplicaSets",
        if old.is_empty() {
            "<none>".to_owned()
        } else {
            old.join(", ")
        },
    );
    w.field(
        0,
        "NewReplicaSet",
        replica_sets
            .iter()
            .find(|rs| revision.is_some() && is_new(rs))
            .map_or_else(|| "<none>".to_owned(), rs_summary),
    );
    events::write(&mut w, d_events, now);
    w.finish()
}

/// The describe text of a ReplicaSet, given the phases of its pods and its events.
pub fn describe_replica_set(
    rs: &ReplicaSet,
    phases: PodPhases,
    rs_events: &[Event],
    now: Timestamp,
) -> String {
    let mut w = PrefixWriter::default();
    let meta = &rs.metadata;
    let spec = rs.spec.as_ref();
    w.field(0, "Name", meta.name.as_deref().unwrap_or(""));
    w.field(0, "Namespace", meta.namespace.as_deref().unwrap_or(""));
    w.field(
        0,
        "Selector",
        spec.map_or_else(|| "<none>".to_owned(), |s| selector_text(&s.selector)),
    );
    w.labels(0, "Labels", meta.labels.as_ref());
    w.annotations(0, "Annotations", meta.annotations.as_ref());
    if let Some(owner) = meta
        .owner_references
        .as_deref()
        .unwrap_or(&[])
        .iter()
        .find(|o| o.controller == Some(true))
    {
        w.field(0, "Controlled By", format!("{}/{}", owner.kind, owner.name));
    }
    w.field(
        0,
        "Replicas",
        format!(
            "{} current / {} desired",
            rs.status.as_ref().map_or(0, |s| s.replicas),
            spec.and_then(|s| s.replicas).unwrap_or(1)
        ),
    );
    w.field(
        0,
        "Pods Status",
        format!(
            "{} Running / {} Waiting / {} Succeeded / {} Failed",
            phases.running, phases.waiting, phases.succeeded, phases.failed
        ),
    );
    write_pod_template(&mut w, spec.and_then(|s| s.template.as_ref()));
    events::write(&mut w, rs_events, now);
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deployment_shows_replicas_strategy_and_replica_sets() {
        let d: Deployment = serde_json::from_value(serde_json::json!({
            "metadata": {"name": "web", "namespace": "default",
                "annotations": {"deployment.kubernetes.io/revision": "2"}},
            "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}},
                "template": {"metadata": {"labels": {"app": "web"}},
                    "spec": {"containers": [{"name": "app", "image": "nginx:2"}]}}},
            "status": {"replicas": 4, "updatedReplicas": 2, "availableReplicas": 3, "unavailableReplicas": 1,
                "conditions": [{"type": "Progressing", "status": "True", "reason": "ReplicaSetUpdated"}]}
        }))
        .unwrap();
        let rs = |name: &str, rev: &str, replicas: i32| -> ReplicaSet {
            serde_json::from_value(serde_json::json!({
                "metadata": {"name": name, "annotations": {"deployment.kubernetes.io/revision": rev}},
                "spec": {"replicas": replicas, "selector": {}},
                "status": {"replicas": replicas}
            }))
            .unwrap()
        };
        let text = describe_deployment(
            &d,
            &[
                rs("web-old", "1", 2),
                rs("web-new", "2", 2),
                rs("web-older", "0", 0),
            ],
            &[],
            Timestamp::UNIX_EPOCH,
        );
        for expected in [
            "Replicas:               3 desired | 2 updated | 4 total | 3 available | 1 unavailable\n",
            "RollingUpdateStrategy:  25% max unavailable, 25% max surge\n",
            "    Image:        nginx:2\n",
            "  Progressing    True    ReplicaSetUpdated\n",
            "OldReplicaSets:  web-old (2/2 replicas created)\n",
            "NewReplicaSet:   web-new (2/2 replicas created)\n",
        ] {
            assert!(text.contains(expected), "missing {expected:?} in\n{text}");
        }
    }
}
