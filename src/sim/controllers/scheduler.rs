//! The scheduler stand-in: binds each unscheduled pod to a node that passes the default
//! filters (not cordoned, its taints tolerated, selected by the pod's `nodeSelector` and
//! required node affinity; see [`node_fit`]) with a `Scheduled` event, or marks it
//! Unschedulable (`FailedScheduling`, each node's reason counted as the scheduler does).
//!
//! The node is chosen as kube-scheduler's default scoring would mostly choose it: first
//! spread, fewest pods "of the same group" (selected by the same Service, or of the same
//! controller: the default topology spread constraint on `kubernetes.io/hostname`), then
//! fewest running pods (finished pods hold nothing), then the name. Spreading by group first
//! also keeps a Deployment's placement independent of unrelated pods (a CronJob's runs)
//! coming and going.

use std::collections::HashMap;

use serde_json::{Value, json};

use super::events::{Reporter, emit, normal, warning};
use super::meta::{controller_uid, is_terminating, kind, name, namespace, selector_matches};
use super::pass::Pass;
use crate::sim::clock::format_time;
use crate::sim::managed_fields::KUBE_SCHEDULER;
use crate::sim::store::Obj;

pub mod node_fit;

const SCHEDULER: &str = "default-scheduler";

/// The scheduler as its events name it: `default-scheduler-<host>`, the host being the
/// control plane node it runs on.
fn instance(nodes: &[Obj]) -> String {
    let host = nodes
        .iter()
        .find(|n| !n["metadata"]["labels"]["node-role.kubernetes.io/control-plane"].is_null())
        .map_or("", |n| name(n));
    if host.is_empty() {
        SCHEDULER.to_string()
    } else {
        format!("{SCHEDULER}-{host}")
    }
}

/// Whether a node is Ready and schedulable.
pub fn node_is_ready(node: &Value) -> bool {
    node["spec"]["unschedulable"].as_bool() != Some(true)
        && node["status"]["conditions"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|c| c["type"] == "Ready" && c["status"] == "True")
}

/// Whether `pod` tolerates every scheduling taint of `node`.
pub fn tolerates_all(pod: &Value, node: &Value) -> bool {
    node["spec"]["taints"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|t| matches!(t["effect"].as_str(), Some("NoSchedule" | "NoExecute")))
        .all(|t| node_fit::tolerates(pod, t))
}

/// Binds unscheduled pods; `pods` is every pod in the store.
pub fn reconcile(pass: &Pass<'_>, pods: &[Obj]) {
    let pending: Vec<&Obj> = pods
        .iter()
        .filter(|p| p["spec"]["nodeName"].as_str().is_none_or(str::is_empty) && !is_terminating(p))
        .collect();
    if pending.is_empty() {
        return;
    }
    let nodes = pass.all("", "Node");
    let mut load: HashMap<String, usize> = nodes.iter().map(|n| (name(n).to_string(), 0)).collect();
    for p in pods.iter().filter(|p| !has_finished(p)) {
        if let Some(n) = p["spec"]["nodeName"].as_str() {
            *load.entry(n.to_string()).or_default() += 1;
        }
    }
    let services = pass.all("", "Service");
    // The running pods on nodes, by namespace (a pod's group is within its namespace), so
    // each pending pod looks at its namespace's only; pods bound in this pass join it.
    let mut placed: HashMap<&str, Vec<(&Obj, String)>> = HashMap::new();
    for p in pods.iter().filter(|p| !has_finished(p)) {
        if let Some(node) = p["spec"]["nodeName"].as_str().filter(|n| !n.is_empty()) {
            placed
                .entry(namespace(p))
                .or_default()
                .push((p, node.to_string()));
        }
    }
    let pod_type = kind("", "Pod");
    let instance = instance(&nodes);
    let reporter = Reporter {
        controller: SCHEDULER,
        instance: &instance,
    };
    for pod in pending {
        let reasons: Vec<Option<node_fit::Unfit>> =
            nodes.iter().map(|n| node_fit::unfit(pod, n)).collect();
        let fits: Vec<&Obj> = nodes
            .iter()
            .zip(&reasons)
            .filter(|(_, unfit)| unfit.is_none())
            .map(|(n, _)| n)
            .collect();
        let spread = group_spread(pod, placed.get(namespace(pod)), &services);
        let Some(node) = fits.into_iter().min_by_key(|n| {
            (
                spread.get(name(n)).copied().unwrap_or(0),
                load.get(name(n)).copied().unwrap_or(0),
                name(n).to_string(),
            )
        }) else {
            let reasons: Vec<node_fit::Unfit> = reasons.into_iter().flatten().collect();
            let message = node_fit::failed_scheduling_message(&reasons);
            mark_unschedulable(pass, pod, &message, reporter);
            continue;
        };
        let node_name = name(node).to_string();
        *load.entry(node_name.clone()).or_default() += 1;
        placed
            .entry(namespace(pod))
            .or_default()
            .push((pod, node_name.clone()));
        let now = format_time(pass.now);
        // The binding subresource writes no managedFields.
        let bound = pass.modify_untracked(pod_type, namespace(pod), name(pod), |v| {
            v["spec"]["nodeName"] = json!(node_name);
            set_pod_condition(v, json!({"type": "PodScheduled", "status": "True", "lastProbeTime": null, "lastTransitionTime": now}));
        });
        if let Some(bound) = bound {
            emit(
                pass,
                &bound,
                reporter,
                "Binding",
                normal(
                    "Scheduled",
                    format!(
                        "Successfully assigned {}/{} to {node_name}",
                        namespace(pod),
                        name(pod)
                    ),
                ),
            );
        }
    }
}

/// Whether a pod has ended (Succeeded or Failed): it no longer holds a place on its node.
fn has_finished(pod: &Value) -> bool {
    matches!(
        pod["status"]["phase"].as_str(),
        Some("Succeeded" | "Failed")
    )
}

/// How many running pods of `pod`'s group each node holds, from the running pods placed
/// in its namespace: those one of the Services selecting `pod` selects too, or that have
/// the same controller.
fn group_spread(
    pod: &Value,
    placed: Option<&Vec<(&Obj, String)>>,
    services: &[Obj],
) -> HashMap<String, usize> {
    let ns = namespace(pod);
    let owner = controller_uid(pod);
    let labels = pod["metadata"]["labels"].as_object();
    let selectors: Vec<Value> = services
        .iter()
        .filter(|s| namespace(s) == ns)
        .map(|s| json!({"matchLabels": s["spec"]["selector"]}))
        .filter(|sel| labels.is_some_and(|l| selector_matches(sel, l)))
        .collect();
    let same_group = |other: &Value| {
        (owner.is_some() && controller_uid(other) == owner)
            || other["metadata"]["labels"]
                .as_object()
                .is_some_and(|l| selectors.iter().any(|sel| selector_matches(sel, l)))
    };
    let mut spread = HashMap::new();
    for (other, node) in placed.into_iter().flatten() {
        if same_group(other) {
            *spread.entry(node.clone()).or_default() += 1;
        }
    }
    spread
}

fn mark_unschedulable(pass: &Pass<'_>, pod: &Value, message: &str, reporter: Reporter<'_>) {
    let already = pod["status"]["conditions"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|c| c["type"] == "PodScheduled" && c["message"].as_str() == Some(message));
    if already {
        return;
    }
    let now = format_time(pass.now);
    let marked = pass.modify(&KUBE_SCHEDULER, kind("", "Pod"), namespace(pod), name(pod), |v| {
        v["status"]["phase"] = json!("Pending");
        set_pod_condition(v, json!({"type": "PodScheduled", "status": "False", "lastProbeTime": null, "lastTransitionTime": now, "reason": "Unschedulable", "message": message}));
    });
    if let Some(marked) = marked {
        emit(
            pass,
            &marked,
            reporter,
            "Scheduling",
            warning("FailedScheduling", message.to_string()),
        );
    }
}

/// Sets (replaces) one condition in `status.conditions` of a pod.
pub fn set_pod_condition(pod: &mut Value, condition: Value) {
    if !pod["status"]["conditions"].is_array() {
        pod["status"]["conditions"] = json!([]);
    }
    if let Some(cs) = pod["status"]["conditions"].as_array_mut() {
        match cs.iter_mut().find(|c| c["type"] == condition["type"]) {
            Some(c) => *c = condition,
            None => cs.push(condition),
        }
    }
}
