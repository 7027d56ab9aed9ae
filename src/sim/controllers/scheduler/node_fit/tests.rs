use serde_json::json;

use super::*;

fn node(name: &str, labels: Value, taints: Value, ready: bool) -> Value {
    let mut node = json!({
        "metadata": {"name": name},
        "status": {"conditions": [{"type": "Ready", "status": if ready { "True" } else { "False" }}]}
    });
    node["metadata"]["labels"] = labels;
    node["spec"]["taints"] = taints;
    node
}

fn kind_cluster() -> Vec<Value> {
    vec![
        node(
            "kdeck-control-plane",
            json!({"kubernetes.io/hostname": "kdeck-control-plane"}),
            json!([{"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}]),
            true,
        ),
        node(
            "kdeck-worker",
            json!({"disktype": "ssd", "zone": "a", "cores": "8"}),
            json!(null),
            true,
        ),
        node(
            "kdeck-worker2",
            json!({"disktype": "hdd", "zone": "b", "cores": "2"}),
            json!(null),
            true,
        ),
    ]
}

fn fitting(pod: &Value) -> Vec<&'static str> {
    let names = ["kdeck-control-plane", "kdeck-worker", "kdeck-worker2"];
    kind_cluster()
        .iter()
        .zip(names)
        .filter(|(n, _)| unfit(pod, n).is_none())
        .map(|(_, name)| name)
        .collect()
}

fn required(terms: Value) -> Value {
    let mut pod = json!({"spec": {}});
    pod["spec"]["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"] =
        terms;
    pod
}

#[test]
fn node_selectors_and_required_affinity_choose_nodes() {
    assert_eq!(
        fitting(&json!({"spec": {}})),
        ["kdeck-worker", "kdeck-worker2"]
    );
    assert_eq!(
        fitting(&json!({"spec": {"nodeSelector": {"disktype": "ssd"}}})),
        ["kdeck-worker"]
    );
    assert!(fitting(&json!({"spec": {"nodeSelector": {"disktype": "nvme"}}})).is_empty());
    let zone_b_or_many_cores = required(json!([
        {"matchExpressions": [{"key": "zone", "operator": "In", "values": ["b"]}]},
        {"matchExpressions": [{"key": "cores", "operator": "Gt", "values": ["4"]}]}
    ]));
    assert_eq!(
        fitting(&zone_b_or_many_cores),
        ["kdeck-worker", "kdeck-worker2"]
    );
    let both_in_one_term = required(json!([{"matchExpressions": [
        {"key": "zone", "operator": "NotIn", "values": ["a"]},
        {"key": "cores", "operator": "Lt", "values": ["4"]}
    ]}]));
    assert_eq!(fitting(&both_in_one_term), ["kdeck-worker2"]);
    let no_label =
        required(json!([{"matchExpressions": [{"key": "disktype", "operator": "DoesNotExist"}]}]));
    assert!(
        fitting(&no_label).is_empty(),
        "the control plane's taint still counts"
    );
    let by_name = required(
        json!([{"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["kdeck-worker2"]}]}]),
    );
    assert_eq!(fitting(&by_name), ["kdeck-worker2"]);
    let empty_term = required(json!([{}]));
    assert!(
        fitting(&empty_term).is_empty(),
        "a term without requirements selects nothing"
    );
}

#[test]
fn taints_cordons_and_not_ready_nodes_say_why() {
    let pod = json!({"spec": {}});
    let cordoned = json!({"metadata": {"name": "n"}, "spec": {"unschedulable": true,
        "taints": [{"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"}]},
        "status": {"conditions": [{"type": "Ready", "status": "True"}]}});
    assert_eq!(unfit(&pod, &cordoned), Some(Unfit::Unschedulable));
    let tolerant = json!({"spec": {"tolerations": [{"operator": "Exists"}]}});
    assert_eq!(
        unfit(&tolerant, &cordoned),
        None,
        "tolerating everything, cordons too"
    );
    let not_ready = node("n", json!({}), json!(null), false);
    assert_eq!(
        unfit(&pod, &not_ready),
        Some(Unfit::Taint("{node.kubernetes.io/not-ready: }".into()))
    );
    let valued = node(
        "n",
        json!({}),
        json!([{"key": "dedicated", "value": "gpu", "effect": "NoExecute"}]),
        true,
    );
    assert_eq!(
        unfit(&pod, &valued),
        Some(Unfit::Taint("{dedicated: gpu}".into()))
    );
    let tolerates_gpu = json!({"spec": {"tolerations": [{"key": "dedicated", "operator": "Equal", "value": "gpu"}]}});
    assert_eq!(unfit(&tolerates_gpu, &valued), None);
    let soft = node(
        "n",
        json!({}),
        json!([{"key": "x", "effect": "PreferNoSchedule"}]),
        true,
    );
    assert_eq!(unfit(&pod, &soft), None, "PreferNoSchedule only scores");
}

#[test]
fn the_message_counts_each_reason_as_kube_scheduler_does() {
    let pod = json!({"spec": {"nodeSelector": {"disktype": "nvme"}}});
    let reasons: Vec<Unfit> = kind_cluster()
        .iter()
        .filter_map(|n| unfit(&pod, n))
        .collect();
    assert_eq!(
        failed_scheduling_message(&reasons),
        "0/3 nodes are available: 1 node(s) had untolerated taint \
         {node-role.kubernetes.io/control-plane: }, 2 node(s) didn't match Pod's node \
         affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not \
         helpful for scheduling."
    );
    assert_eq!(
        failed_scheduling_message(&[]),
        "no nodes available to schedule pods"
    );
}
