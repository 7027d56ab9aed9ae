//! A simple DaemonSet controller: one pod per node whose taints the pod template
//! tolerates, bound to that node directly, and the DaemonSet's status counts. A
//! template change rolls out as the RollingUpdate strategy does with maxUnavailable 1:
//! while every pod is available, one pod on the old revision is deleted and its node
//! gets a new one; `OnDelete` leaves that to the user. Each template is a
//! ControllerRevision (see [`history`]) and pods carry its hash in `controller-revision-hash`.

use serde_json::{Value, json};

use super::ByOwner;
use super::events::{Source, normal, record};
use super::history::{self, HistoryOf};
use super::meta::{int_at, is_terminating, kind, name, namespace, uid};
use super::pass::Pass;
use super::pod_state::{is_active, is_available, is_ready};
use super::replicaset::pod_from_template;
use super::scheduler::{node_fit, node_is_ready, tolerates_all};
use crate::sim::managed_fields::KUBE_CONTROLLER_MANAGER;
use crate::sim::store::Obj;

const SOURCE: Source<'static> = Source::controller("daemonset-controller");

/// Reconciles every DaemonSet; `pods_by_owner` and `revisions_by_owner` map a
/// controller uid to its pods and its ControllerRevisions.
pub fn reconcile(pass: &Pass<'_>, pods_by_owner: &ByOwner, revisions_by_owner: &ByOwner) {
    let nodes = pass.all("", "Node");
    for ds in pass.all("apps", "DaemonSet") {
        if is_terminating(&ds) {
            continue;
        }
        let Some(history) = history::sync(
            pass,
            HistoryOf::DaemonSet,
            &ds,
            revisions_by_owner.of(uid(&ds)),
        ) else {
            continue;
        };
        let owned: Vec<&Obj> = pods_by_owner
            .of(uid(&ds))
            .iter()
            .filter(|p| is_active(p))
            .collect();
        let probe = json!({"spec": ds["spec"]["template"]["spec"]});
        let eligible: Vec<&Obj> = nodes
            .iter()
            .filter(|n| {
                node_is_ready(n) && tolerates_all(&probe, n) && node_fit::selects(&probe["spec"], n)
            })
            .collect();
        let pods = kind("", "Pod");
        let revision = history.update_hash(HistoryOf::DaemonSet).to_owned();
        let revision_of = |p: &Obj| p["metadata"]["labels"]["controller-revision-hash"].clone();
        let min_ready = int_at(&ds, "/spec/minReadySeconds", 0);
        for node in &eligible {
            if owned.iter().any(|p| p["spec"]["nodeName"] == name(node)) {
                continue;
            }
            let mut pod = pod_from_template(&ds);
            pin_to_node(&mut pod, name(node));
            pod["spec"]["nodeName"] = json!(name(node));
            pod["metadata"]["labels"]["pod-template-generation"] =
                json!(int_at(&ds, "/metadata/generation", 1).to_string());
            pod["metadata"]["labels"]["controller-revision-hash"] = json!(revision);
            if let Some(p) = pass.create(&KUBE_CONTROLLER_MANAGER, pods, pod) {
                record(
                    pass,
                    &ds,
                    SOURCE,
                    normal("SuccessfulCreate", format!("Created pod: {}", name(&p))),
                );
            }
        }
        for p in owned
            .iter()
            .filter(|p| !eligible.iter().any(|n| p["spec"]["nodeName"] == name(n)))
        {
            delete_pod(pass, &ds, p);
        }
        let rolling = ds["spec"]["updateStrategy"]["type"].as_str() != Some("OnDelete");
        let all_available = owned.len() >= eligible.len()
            && owned.iter().all(|p| is_available(p, min_ready, pass.now));
        if rolling
            && all_available
            && let Some(old) = owned.iter().find(|p| revision_of(p) != json!(revision))
        {
            delete_pod(pass, &ds, old);
        }
        let mut live: Vec<String> = owned
            .iter()
            .filter_map(|p| p["metadata"]["labels"]["controller-revision-hash"].as_str())
            .map(|hash| format!("{}-{hash}", name(&ds)))
            .collect();
        live.push(name(&history.update).to_owned());
        history::trim(
            pass,
            &ds,
            &history,
            &live.iter().map(String::as_str).collect::<Vec<_>>(),
        );
        let scheduled = owned.len();
        let updated = owned
            .iter()
            .filter(|p| revision_of(p) == json!(revision))
            .count();
        let status = json!({
            "currentNumberScheduled": scheduled,
            "desiredNumberScheduled": eligible.len(),
            "numberMisscheduled": 0,
            "numberReady": owned.iter().filter(|p| is_ready(p)).count(),
            "numberAvailable": owned.iter().filter(|p| is_available(p, min_ready, pass.now)).count(),
            "updatedNumberScheduled": updated,
            "observedGeneration": int_at(&ds, "/metadata/generation", 1),
        });
        if ds["status"] != status {
            pass.modify(
                &KUBE_CONTROLLER_MANAGER,
                kind("apps", "DaemonSet"),
                namespace(&ds),
                name(&ds),
                |v: &mut Value| {
                    v["status"] = status;
                },
            );
        }
    }
}

/// Deletes `pod` gracefully and says so in an event, as the DaemonSet controller does.
/// What the DaemonSet controller adds to each of its pods: a required node affinity on
/// the node's name (`matchFields` `metadata.name In [node]`, in every term the template
/// has, or one term of its own), and the tolerations a daemon needs to stay on a node
/// under pressure, cordoned, not ready or unreachable.
fn pin_to_node(pod: &mut Value, node: &str) {
    let on_node = json!([{"key": "metadata.name", "operator": "In", "values": [node]}]);
    let required = &mut pod["spec"]["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
        ["nodeSelectorTerms"];
    match required.as_array_mut() {
        Some(terms) if !terms.is_empty() => {
            for term in terms {
                term["matchFields"] = on_node.clone();
            }
        }
        _ => *required = json!([{"matchFields": on_node}]),
    }
    let mut tolerations = pod["spec"]["tolerations"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    for (key, effect) in [
        ("node.kubernetes.io/not-ready", "NoExecute"),
        ("node.kubernetes.io/unreachable", "NoExecute"),
        ("node.kubernetes.io/disk-pressure", "NoSchedule"),
        ("node.kubernetes.io/memory-pressure", "NoSchedule"),
        ("node.kubernetes.io/pid-pressure", "NoSchedule"),
        ("node.kubernetes.io/unschedulable", "NoSchedule"),
    ] {
        if !tolerations
            .iter()
            .any(|t| t["key"] == key && t["effect"] == effect)
        {
            tolerations.push(json!({"key": key, "operator": "Exists", "effect": effect}));
        }
    }
    if pod["spec"]["hostNetwork"] == true {
        let key = "node.kubernetes.io/network-unavailable";
        if !tolerations.iter().any(|t| t["key"] == key) {
            tolerations.push(json!({"key": key, "operator": "Exists", "effect": "NoSchedule"}));
        }
    }
    pod["spec"]["tolerations"] = json!(tolerations);
}

fn delete_pod(pass: &Pass<'_>, ds: &Value, pod: &Value) {
    pass.delete_gracefully(kind("", "Pod"), pod);
    record(
        pass,
        ds,
        SOURCE,
        normal("SuccessfulDelete", format!("Deleted pod: {}", name(pod))),
    );
}
