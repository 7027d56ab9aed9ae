//! The comparison against what a real kube-apiserver (v1.20.2) recorded for a pod of a
//! Deployment: the controller manager's create and the kubelet's status update.

use serde_json::{Value, json};

use super::compare;
use crate::sim::managed_fields::field_set::FieldSet;

fn fixture_pod() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/real-apiserver-v1.20/pod.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn recorded(pod: &Value, manager: &str) -> Value {
    pod["metadata"]["managedFields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["manager"] == manager)
        .unwrap()["fieldsV1"]
        .clone()
}

fn as_json(set: &FieldSet) -> Value {
    serde_json::from_str(&set.to_json_text()).unwrap()
}

#[test]
fn a_created_pod_is_the_controller_managers_as_the_real_server_records_it() {
    let real = fixture_pod();
    // The pod as the ReplicaSet controller sent it: no status, nothing admission adds.
    let mut sent = real.clone();
    let spec = sent["spec"].as_object_mut().unwrap();
    for admitted in [
        "volumes",
        "serviceAccount",
        "serviceAccountName",
        "priority",
        "preemptionPolicy",
        "tolerations",
        "nodeName",
    ] {
        spec.remove(admitted);
    }
    sent["spec"]["containers"][0]
        .as_object_mut()
        .unwrap()
        .remove("volumeMounts");
    sent.as_object_mut().unwrap().remove("status");
    let changes = compare("Pod", None, &sent);
    let mut expected = recorded(&real, "kube-controller-manager");
    // Owner references are atomic since v1.21 (`+structType=atomic`): the entry is the leaf.
    let owner = expected["f:metadata"]["f:ownerReferences"]
        .as_object_mut()
        .unwrap();
    for item in owner.values_mut().filter(|v| v.get("f:uid").is_some()) {
        *item = json!({});
    }
    assert_eq!(as_json(&changes.changed), expected);
    assert!(changes.removed.is_empty());
}

#[test]
fn the_kubelets_status_update_is_what_the_real_server_records() {
    let running = fixture_pod();
    // Before the kubelet's update: bound by the scheduler, conditions PodScheduled only.
    let mut bound = running.clone();
    bound["status"] = json!({"phase": "Pending", "qosClass": "BestEffort",
        "conditions": [running["status"]["conditions"][3].clone()]});
    let changes = compare("Pod", Some(&bound), &running);
    assert_eq!(as_json(&changes.changed), recorded(&running, "kubemark"));
    // And back: what the update added is what going back removes.
    let back = compare("Pod", Some(&running), &bound);
    assert!(
        back.removed
            .get("f:status")
            .unwrap()
            .get("f:podIPs")
            .is_some()
    );
    assert!(
        back.changed
            .get("f:status")
            .unwrap()
            .get("f:phase")
            .is_some(),
        "a modified leaf is changed"
    );
}

#[test]
fn sets_and_atomic_fields() {
    let old = json!({"metadata": {"finalizers": ["a"], "labels": {"x": "1"}},
        "spec": {"selector": {"matchLabels": {"app": "web"}}, "tolerations": [{"key": "a"}]}});
    let new = json!({"metadata": {"finalizers": ["a", "b"], "labels": {"x": "1"}},
        "spec": {"selector": {"matchLabels": {"app": "api"}}, "tolerations": [{"key": "b"}]}});
    let changes = compare("Deployment", Some(&old), &new);
    assert_eq!(
        as_json(&changes.changed),
        json!({"f:metadata": {"f:finalizers": {"v:\"b\"": {}}},
            "f:spec": {"f:selector": {}, "f:tolerations": {}}})
    );
}
