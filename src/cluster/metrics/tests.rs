use serde_json::json;

use super::*;

#[test]
fn pod_metrics_lists_read_into_samples() {
    let list = json!({"kind": "PodMetricsList", "apiVersion": "metrics.k8s.io/v1beta1", "metadata": {},
        "items": [
            {"metadata": {"name": "web-1", "namespace": "default"}, "timestamp": "2027-01-01T00:00:30Z",
             "window": "15s", "containers": [
                {"name": "app", "usage": {"cpu": "102816n", "memory": "3040Ki"}},
                {"name": "sidecar", "usage": {"cpu": "5m", "memory": "12Mi"}}]},
            {"metadata": {"name": "web-2", "namespace": "default"}, "timestamp": "2027-01-01T00:00:15Z",
             "window": "15s", "containers": [{"name": "app", "usage": {"cpu": "0", "memory": "1Mi"}}]}]});
    let sample = read_pods(Some("default".into()), &list.to_string()).unwrap();
    assert_eq!(sample.namespace.as_deref(), Some("default"));
    assert_eq!(
        sample.taken,
        Some("2027-01-01T00:00:15Z".parse().unwrap()),
        "the oldest metric dates the sample"
    );
    let web1 = sample.pods.get("default", "web-1").expect("web-1 sampled");
    assert_eq!(web1.container("app").unwrap().cpu_nanos, 102_816);
    let total = web1.total();
    assert_eq!(
        total.cpu_millis(),
        6,
        "102816n + 5m, rounded up as kubectl top rounds"
    );
    assert_eq!(total.memory_mib(), 14, "3040Ki + 12Mi, rounded down");
    assert!(read_pods(None, &json!({"items": "nope"}).to_string()).is_err());
}

#[test]
fn node_metrics_and_pod_counts_read_into_samples() {
    let list = json!({"items": [{"metadata": {"name": "w1"}, "timestamp": "2027-01-01T00:00:30Z",
        "usage": {"cpu": "250m", "memory": "1Gi"}}]});
    let sample = read_nodes(&list.to_string()).unwrap();
    assert_eq!(sample.nodes["w1"].cpu_millis(), 250);
    assert_eq!(sample.nodes["w1"].memory_mib(), 1024);
    let table = json!({"columnDefinitions": [{"name": "Name"}, {"name": "Ready"}, {"name": "Node"}],
        "rows": [{"cells": ["a", "1/1", "w1"]}, {"cells": ["b", "1/1", "w1"]},
                 {"cells": ["c", "0/1", "w2"]}, {"cells": ["d", "0/1", "<none>"]}]});
    let counts = count_by_node(&table.to_string()).unwrap();
    assert_eq!(counts.get("w1"), Some(&2));
    assert_eq!(counts.get("w2"), Some(&1));
    assert_eq!(counts.len(), 2, "unscheduled pods count nowhere");
    assert_eq!(
        count_by_node(&json!({"columnDefinitions": [], "rows": []}).to_string()),
        None
    );
}
