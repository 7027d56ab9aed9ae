use serde_json::json;

use super::*;
use crate::sim::clock::Clock;
use crate::sim::resources::by_plural;

fn store() -> Store {
    let s = Store::new(Clock::manual());
    let ns = by_plural("", "namespaces").unwrap();
    s.create(ns, json!({"metadata": {"name": "default"}}))
        .unwrap();
    s
}

fn deployment() -> Value {
    json!({"metadata": {"name": "web"}, "spec": {
        "selector": {"matchLabels": {"app": "web"}},
        "template": {"metadata": {"labels": {"app": "web"}},
            "spec": {"containers": [{"name": "web", "image": "nginx:1.14.1", "ports": [{"containerPort": 80}]}]}}}})
}

#[test]
fn deployment_defaults_like_a_real_server() {
    let s = store();
    let rt = by_plural("apps", "deployments").unwrap();
    let mut d = deployment();
    admit(&s, rt, &mut d, None).unwrap();
    let spec = &d["spec"];
    assert_eq!(spec["replicas"], 1);
    assert_eq!(spec["strategy"]["rollingUpdate"]["maxSurge"], "25%");
    assert_eq!(spec["revisionHistoryLimit"], 10);
    assert_eq!(spec["progressDeadlineSeconds"], 600);
    let c = &spec["template"]["spec"]["containers"][0];
    assert_eq!(c["imagePullPolicy"], "IfNotPresent");
    assert_eq!(c["ports"][0]["protocol"], "TCP");
    assert_eq!(spec["template"]["spec"]["restartPolicy"], "Always");
    assert_eq!(
        spec["template"]["spec"]["terminationGracePeriodSeconds"],
        30
    );
}

#[test]
fn invalid_deployments_name_their_fields() {
    let s = store();
    let rt = by_plural("apps", "deployments").unwrap();
    let mut d = deployment();
    d["metadata"]["name"] = json!("Bad_Name");
    d["spec"]["replicas"] = json!(-1);
    d["spec"]["template"]["metadata"]["labels"] = json!({"app": "other"});
    d["spec"]["template"]["spec"]["containers"][0]["image"] = json!("");
    let e = admit(&s, rt, &mut d, None).unwrap_err();
    assert_eq!(e.code, 422);
    let fields: Vec<&str> = e.causes.iter().map(|c| c.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "metadata.name",
            "spec.replicas",
            "spec.template.spec.containers[0].image",
            "spec.template.metadata.labels"
        ]
    );
    assert!(
        e.message
            .contains("`selector` does not match template `labels`")
    );
    let mut empty = deployment();
    empty["spec"]["template"]["spec"]["containers"] = json!([]);
    let e = admit(&s, rt, &mut empty, None).unwrap_err();
    assert_eq!(e.causes[0].field, "spec.template.spec.containers");
}

#[test]
fn services_get_cluster_ips_and_node_ports() {
    let s = store();
    let rt = by_plural("", "services").unwrap();
    let mut svc = json!({"metadata": {"name": "lb"}, "spec": {"type": "LoadBalancer",
        "selector": {"app": "web"}, "ports": [{"port": 80}]}});
    admit(&s, rt, &mut svc, None).unwrap();
    let ip: std::net::Ipv4Addr = svc["spec"]["clusterIP"].as_str().unwrap().parse().unwrap();
    assert_eq!(ip.octets()[0], 10);
    assert!((96..112).contains(&ip.octets()[1]));
    let p = &svc["spec"]["ports"][0];
    assert_eq!(p["targetPort"], 80);
    assert_eq!(p["protocol"], "TCP");
    assert!((30000..=32767).contains(&p["nodePort"].as_i64().unwrap()));
    let mut update = json!({"metadata": {"name": "lb"}, "spec": {"type": "LoadBalancer",
        "ports": [{"port": 80}]}});
    admit(&s, rt, &mut update, Some(&svc)).unwrap();
    assert_eq!(update["spec"]["clusterIP"], svc["spec"]["clusterIP"]);
    assert_eq!(update["spec"]["ports"][0]["nodePort"], p["nodePort"]);
    let mut headless =
        json!({"metadata": {"name": "h"}, "spec": {"clusterIP": "None", "ports": [{"port": 80}]}});
    admit(&s, rt, &mut headless, None).unwrap();
    assert_eq!(headless["spec"]["clusterIP"], "None");
}

#[test]
fn names_follow_dns_rules() {
    assert!(is_dns1123_subdomain("myapp-deploy.v1"));
    assert!(!is_dns1123_subdomain("MyApp"));
    assert!(!is_dns1123_label("a.b"));
    assert!(!is_dns1123_label("-a"));
    assert_eq!(default_pull_policy("nginx"), "Always");
    assert_eq!(default_pull_policy("nginx:latest"), "Always");
    assert_eq!(
        default_pull_policy("localhost:5000/nginx:1.2"),
        "IfNotPresent"
    );
}

#[test]
fn nulls_are_dropped_like_typed_decoding_drops_them() {
    let s = store();
    let rt = by_plural("apps", "deployments").unwrap();
    let mut d = deployment();
    d["spec"]["template"]["metadata"]["creationTimestamp"] = Value::Null;
    d["spec"]["paused"] = Value::Null;
    admit(&s, rt, &mut d, None).unwrap();
    assert!(
        d["spec"]["template"]["metadata"]
            .get("creationTimestamp")
            .is_none()
    );
    assert!(d["spec"].get("paused").is_none());
}
