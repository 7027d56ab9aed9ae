use std::sync::Arc;

use serde_json::json;

use super::*;
use crate::sim::resources::by_plural;

fn now() -> Timestamp {
    "2026-01-10T12:00:00Z".parse().unwrap()
}

fn row(plural: &str, group: &str, obj: Value) -> Vec<Value> {
    let rt = by_plural(group, plural).unwrap();
    let of = TableOf {
        rt,
        version: rt.version,
        release: ServerVersion::NEWEST,
    };
    let t = table(of, &[Arc::new(obj)], now(), IncludeObject::Metadata);
    assert_eq!(
        t["columnDefinitions"].as_array().unwrap().len(),
        t["rows"][0]["cells"].as_array().unwrap().len(),
        "every column has a cell"
    );
    assert_eq!(t["rows"][0]["object"]["kind"], "PartialObjectMetadata");
    t["rows"][0]["cells"].as_array().unwrap().clone()
}

#[test]
fn human_durations_match_kubectl() {
    assert_eq!(human_duration(45), "45s");
    assert_eq!(human_duration(119), "119s");
    assert_eq!(human_duration(310), "5m10s");
    assert_eq!(human_duration(300), "5m");
    assert_eq!(human_duration(15 * 60), "15m");
    assert_eq!(human_duration(3 * 3600), "3h");
    assert_eq!(human_duration(5 * 3600 + 30 * 60), "5h30m");
    assert_eq!(human_duration(20 * 3600), "20h");
    assert_eq!(human_duration(2 * 86400 + 5 * 3600), "2d5h");
    assert_eq!(human_duration(40 * 86400), "40d");
    assert_eq!(human_duration(-1), "0s");
    assert_eq!(human_duration(-5), "<invalid>");
}

#[test]
fn pod_rows_show_ready_status_restarts_and_age() {
    let pod = json!({"metadata": {"name": "web-1", "creationTimestamp": "2026-01-10T11:55:00Z"},
        "spec": {"nodeName": "n1", "containers": [{"name": "a"}, {"name": "b"}]},
        "status": {"phase": "Running", "podIP": "10.244.1.5", "containerStatuses": [
            {"name": "a", "ready": true, "restartCount": 0, "state": {"running": {}}},
            {"name": "b", "ready": false, "restartCount": 3,
             "state": {"waiting": {"reason": "CrashLoopBackOff"}},
             "lastState": {"terminated": {"finishedAt": "2026-01-10T11:58:00Z"}}}]}});
    let cells = row("pods", "", pod);
    assert_eq!(
        cells,
        [
            json!("web-1"),
            json!("1/2"),
            json!("CrashLoopBackOff"),
            json!("3 (2m ago)"),
            json!("5m"),
            json!("10.244.1.5"),
            json!("n1"),
            json!("<none>"),
            json!("<none>")
        ]
    );
    let terminating = json!({"metadata": {"name": "x", "deletionTimestamp": "2026-01-10T12:00:30Z"},
        "spec": {"containers": [{"name": "a"}]}, "status": {"phase": "Running"}});
    assert_eq!(row("pods", "", terminating)[2], "Terminating");
}

#[test]
fn deployment_and_service_rows() {
    let d = json!({"metadata": {"name": "myapp-deploy", "creationTimestamp": "2026-01-10T11:59:41Z"},
        "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "myapp"}},
            "template": {"spec": {"containers": [{"name": "myapp", "image": "nginx:1.14.1"}]}}},
        "status": {"readyReplicas": 3, "updatedReplicas": 3, "availableReplicas": 3}});
    let cells = row("deployments", "apps", d);
    assert_eq!(
        cells,
        [
            json!("myapp-deploy"),
            json!("3/3"),
            json!(3),
            json!(3),
            json!("19s"),
            json!("myapp"),
            json!("nginx:1.14.1"),
            json!("app=myapp")
        ]
    );
    let lb = json!({"metadata": {"name": "allen-loadbalancer"}, "spec": {"type": "LoadBalancer",
        "clusterIP": "10.96.4.4", "ports": [{"port": 80, "nodePort": 31234, "protocol": "TCP"}],
        "selector": {"app": "testqc"}}, "status": {"loadBalancer": {}}});
    let cells = row("services", "", lb);
    assert_eq!(cells[1], "LoadBalancer");
    assert_eq!(cells[3], "<pending>");
    assert_eq!(cells[4], "80:31234/TCP");
    assert_eq!(cells[6], "app=testqc");
}

#[test]
fn endpoints_show_three_then_more() {
    let ep = json!({"metadata": {"name": "svc"}, "subsets": [{"addresses": [
        {"ip": "10.0.0.1"}, {"ip": "10.0.0.2"}, {"ip": "10.0.0.3"}, {"ip": "10.0.0.4"}],
        "ports": [{"port": 80}]}]});
    assert_eq!(
        row("endpoints", "", ep)[1],
        "10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 1 more..."
    );
    let empty = json!({"metadata": {"name": "svc"}});
    assert_eq!(row("endpoints", "", empty)[1], "<none>");
}
