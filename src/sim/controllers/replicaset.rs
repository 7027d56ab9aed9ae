//! The ReplicaSet controller: keeps `spec.replicas` pods from the template, each named
//! `<rs>-<5 chars>` with a controller reference, deletes extras in upstream's order
//! (unscheduled, pending, not ready, ready for less time, restarted more, newest first),
//! and reports status counts.

use std::cmp::Ordering;

use serde_json::{Value, json};

use super::ByOwner;
use super::events::{Source, normal, record};
use super::meta::{
    controller_ref, created, int_at, is_terminating, kind, labels_ref, name, namespace,
    selector_matches, uid,
};
use super::pass::Pass;
use super::pod_defaults::{qos_class, with_pod_defaults};
use super::pod_state::{is_active, is_available, is_ready, phase, ready_since, restart_count};
use crate::sim::managed_fields::KUBE_CONTROLLER_MANAGER;
use crate::sim::store::Obj;

/// Upstream's `BurstReplicas`: at most this many pods created or deleted per pass.
const BURST: usize = 500;

const SOURCE: Source<'static> = Source::controller("replicaset-controller");

/// Reconciles every ReplicaSet; `pods_by_owner` maps a controller uid to its pods.
pub fn reconcile(pass: &Pass<'_>, pods_by_owner: &ByOwner) {
    let replica_sets = pass.all("apps", "ReplicaSet");
    for rs in &replica_sets {
        let owned: Vec<&Obj> = pods_by_owner
            .of(uid(rs))
            .iter()
            .filter(|p| is_active(p))
            .filter(|p| release_if_unselected(pass, rs, p))
            .collect();
        let (owned, created) = if is_terminating(rs) {
            (owned, 0)
        } else {
            manage_replicas(pass, rs, owned)
        };
        update_status(pass, rs, &owned, created);
    }
}

/// A pod whose labels no longer match the selector is released (its owner
/// reference removed), as upstream's `ClaimPods` does; returns whether it is kept.
fn release_if_unselected(pass: &Pass<'_>, rs: &Value, pod: &Value) -> bool {
    if selector_matches(&rs["spec"]["selector"], labels_ref(pod)) {
        return true;
    }
    let owner = uid(rs).to_string();
    pass.modify(
        &KUBE_CONTROLLER_MANAGER,
        kind("", "Pod"),
        namespace(pod),
        name(pod),
        |v| {
            if let Some(refs) = v["metadata"]["ownerReferences"].as_array_mut() {
                refs.retain(|r| r["uid"].as_str() != Some(owner.as_str()));
            }
        },
    );
    false
}

/// Creates or deletes pods; returns the pods left and how many were created.
fn manage_replicas<'o>(pass: &Pass<'_>, rs: &Value, owned: Vec<&'o Obj>) -> (Vec<&'o Obj>, usize) {
    let want = int_at(rs, "/spec/replicas", 1).max(0) as usize;
    let pods = kind("", "Pod");
    let mut created = 0;
    match owned.len().cmp(&want) {
        Ordering::Less => {
            for _ in 0..(want - owned.len()).min(BURST) {
                if let Some(pod) =
                    pass.create(&KUBE_CONTROLLER_MANAGER, pods, pod_from_template(rs))
                {
                    created += 1;
                    record(
                        pass,
                        rs,
                        SOURCE,
                        normal("SuccessfulCreate", format!("Created pod: {}", name(&pod))),
                    );
                }
            }
        }
        Ordering::Greater => {
            let mut sorted = owned;
            sorted.sort_by(|a, b| deletion_order(a, b));
            let excess = (sorted.len() - want).min(BURST);
            let kept = sorted.split_off(excess);
            for pod in sorted {
                pass.delete_gracefully(pods, pod);
                record(
                    pass,
                    rs,
                    SOURCE,
                    normal("SuccessfulDelete", format!("Deleted pod: {}", name(pod))),
                );
            }
            return (kept, 0);
        }
        Ordering::Equal => {}
    }
    (owned, created)
}

/// A new pod from the ReplicaSet's template (the store appends the 5-character suffix).
pub fn pod_from_template(rs: &Value) -> Value {
    let template = &rs["spec"]["template"];
    let mut metadata = json!({
        "generateName": format!("{}-", name(rs)),
        "namespace": namespace(rs),
        "ownerReferences": [controller_ref(rs)],
    });
    for field in ["labels", "annotations"] {
        if template["metadata"][field].is_object() {
            metadata[field] = template["metadata"][field].clone();
        }
    }
    let spec = with_pod_defaults(&template["spec"]);
    let qos = qos_class(&spec);
    json!({
        "metadata": metadata,
        "spec": spec,
        "status": {"phase": "Pending", "qosClass": qos},
    })
}

/// `Less` when `a` should be deleted before `b`.
fn deletion_order(a: &Value, b: &Value) -> Ordering {
    let assigned = |p: &Value| !p["spec"]["nodeName"].as_str().unwrap_or("").is_empty();
    let phase_rank = |p: &Value| match phase(p) {
        "Pending" => 0,
        "Unknown" => 1,
        "Running" => 2,
        _ => 3,
    };
    assigned(a)
        .cmp(&assigned(b))
        .then(phase_rank(a).cmp(&phase_rank(b)))
        .then(is_ready(a).cmp(&is_ready(b)))
        .then_with(|| match (ready_since(a), ready_since(b)) {
            (Some(x), Some(y)) => y.cmp(&x),
            _ => Ordering::Equal,
        })
        .then(restart_count(b).cmp(&restart_count(a)))
        .then(created(b).cmp(&created(a)))
}

/// Status from the pods left after this pass's changes (`created` new pods are neither ready nor available).
fn update_status(pass: &Pass<'_>, rs: &Value, owned: &[&Obj], created: usize) {
    let min_ready = int_at(rs, "/spec/minReadySeconds", 0);
    let template_labels = rs["spec"]["template"]["metadata"]["labels"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    let fully_labeled = owned
        .iter()
        .filter(|p| {
            template_labels
                .iter()
                .all(|(k, v)| p["metadata"]["labels"].get(k) == Some(v))
        })
        .count();
    let ready = owned.iter().filter(|p| is_ready(p)).count();
    let available = owned
        .iter()
        .filter(|p| is_available(p, min_ready, pass.now))
        .count();
    let mut status = json!({
        "replicas": owned.len() + created,
        "fullyLabeledReplicas": fully_labeled + created,
        "readyReplicas": ready,
        "availableReplicas": available,
        "observedGeneration": int_at(rs, "/metadata/generation", 1),
    });
    // The API omits zero counts (omitempty), except `replicas`.
    if let Some(m) = status.as_object_mut() {
        m.retain(|k, v| k == "replicas" || v.as_u64() != Some(0));
    }
    if rs["status"] != status {
        pass.modify(
            &KUBE_CONTROLLER_MANAGER,
            kind("apps", "ReplicaSet"),
            namespace(rs),
            name(rs),
            |v| {
                v["status"] = status;
            },
        );
    }
}
