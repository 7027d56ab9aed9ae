//! The seed's system objects: the control plane's static pods, CoreDNS and its
//! Service, the kube-proxy DaemonSet, and the `kubernetes` Service.

use serde_json::{Value, json};

use super::create;
use crate::sim::controllers::pod_defaults::with_pod_defaults;
use crate::sim::scenario::cluster_objects::{container, deployment, service, template};
use crate::sim::store::Store;

const K8S_VERSION: &str = "v1.33.1";

fn static_pod(node: &Value, component: &str, image: &str, command: &[&str]) -> Value {
    let node_name = node["metadata"]["name"].as_str().unwrap_or("");
    let mut c = container(component, image, json!([]));
    c["command"] = json!(command);
    let spec = json!({
        "containers": [c],
        "hostNetwork": true,
        "nodeName": node_name,
        "preemptionPolicy": "PreemptLowerPriority",
        "priority": 2_000_001_000,
        "priorityClassName": "system-node-critical",
        "tolerations": [{"effect": "NoExecute", "operator": "Exists"}],
    });
    json!({
        "metadata": {
            "name": format!("{component}-{node_name}"),
            "namespace": "kube-system",
            "labels": {"component": component, "tier": "control-plane"},
            "annotations": {"kubernetes.io/config.source": "file", "kubernetes.io/config.hash": "2f9d1c7e5b3a4d6f8e0c1b2a3d4e5f60"},
            "ownerReferences": [{"apiVersion": "v1", "kind": "Node", "name": node_name, "uid": node["metadata"]["uid"], "controller": true}],
        },
        "spec": with_pod_defaults(&spec),
        "status": {"phase": "Pending", "qosClass": "Burstable"},
    })
}

/// Creates the control plane's static pods, CoreDNS, kube-proxy and the `kubernetes` Service.
pub fn create_all(store: &Store, control_plane: &Value) -> anyhow::Result<()> {
    let v = K8S_VERSION;
    for (component, image, command) in [
        (
            "etcd",
            "registry.k8s.io/etcd:3.5.21-0".to_string(),
            vec![
                "etcd",
                "--advertise-client-urls=https://172.18.0.2:2379",
                "--data-dir=/var/lib/etcd",
            ],
        ),
        (
            "kube-apiserver",
            format!("registry.k8s.io/kube-apiserver:{v}"),
            vec![
                "kube-apiserver",
                "--advertise-address=172.18.0.2",
                "--secure-port=6443",
            ],
        ),
        (
            "kube-controller-manager",
            format!("registry.k8s.io/kube-controller-manager:{v}"),
            vec!["kube-controller-manager", "--leader-elect=true"],
        ),
        (
            "kube-scheduler",
            format!("registry.k8s.io/kube-scheduler:{v}"),
            vec!["kube-scheduler", "--leader-elect=true"],
        ),
    ] {
        create(
            store,
            "",
            "Pod",
            static_pod(control_plane, component, &image, &command),
        )?;
    }
    let dns_labels = json!({"k8s-app": "kube-dns"});
    let mut dns = container(
        "coredns",
        "registry.k8s.io/coredns/coredns:v1.12.0",
        json!([
            {"name": "dns", "containerPort": 53, "protocol": "UDP"},
            {"name": "dns-tcp", "containerPort": 53, "protocol": "TCP"},
            {"name": "metrics", "containerPort": 9153, "protocol": "TCP"},
        ]),
    );
    dns["args"] = json!(["-conf", "/etc/coredns/Corefile"]);
    dns["readinessProbe"] = json!({"httpGet": {"path": "/ready", "port": 8181, "scheme": "HTTP"}, "periodSeconds": 10, "timeoutSeconds": 1, "successThreshold": 1, "failureThreshold": 3});
    let mut dns_template = template(&dns_labels, vec![dns]);
    dns_template["spec"]["priorityClassName"] = json!("system-cluster-critical");
    dns_template["spec"]["tolerations"] = json!([
        {"key": "CriticalAddonsOnly", "operator": "Exists"},
        {"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"},
    ]);
    let mut coredns = deployment(
        "kube-system",
        "coredns",
        2,
        &dns_labels,
        dns_template,
        (json!("25%"), json!(1)),
    );
    coredns["metadata"]["annotations"] = json!({});
    create(store, "apps", "Deployment", coredns)?;
    let dns_ports = json!([
        {"name": "dns", "port": 53, "protocol": "UDP", "targetPort": 53},
        {"name": "dns-tcp", "port": 53, "protocol": "TCP", "targetPort": 53},
        {"name": "metrics", "port": 9153, "protocol": "TCP", "targetPort": 9153},
    ]);
    let mut kube_dns = service(
        "kube-system",
        "kube-dns",
        "ClusterIP",
        "10.96.0.10",
        Some(&dns_labels),
        dns_ports,
    );
    kube_dns["metadata"]["labels"] = json!({"k8s-app": "kube-dns", "kubernetes.io/cluster-service": "true", "kubernetes.io/name": "CoreDNS"});
    create(store, "", "Service", kube_dns)?;
    let proxy_labels = json!({"k8s-app": "kube-proxy"});
    let mut proxy = container(
        "kube-proxy",
        &format!("registry.k8s.io/kube-proxy:{v}"),
        json!([]),
    );
    proxy["command"] = json!([
        "/usr/local/bin/kube-proxy",
        "--config=/var/lib/kube-proxy/config.conf",
        "--hostname-override=$(NODE_NAME)"
    ]);
    let mut proxy_template = template(&proxy_labels, vec![proxy]);
    proxy_template["spec"]["hostNetwork"] = json!(true);
    proxy_template["spec"]["priorityClassName"] = json!("system-node-critical");
    proxy_template["spec"]["tolerations"] = json!([{"operator": "Exists"}]);
    create(
        store,
        "apps",
        "DaemonSet",
        json!({
            "metadata": {"name": "kube-proxy", "namespace": "kube-system", "labels": proxy_labels},
            "spec": {
                "revisionHistoryLimit": 10,
                "selector": {"matchLabels": proxy_labels},
                "template": proxy_template,
                "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 0, "maxUnavailable": 1}},
            },
        }),
    )?;
    let https = json!([{"name": "https", "port": 443, "protocol": "TCP", "targetPort": 6443}]);
    let mut kubernetes = service(
        "default",
        "kubernetes",
        "ClusterIP",
        "10.96.0.1",
        None,
        https,
    );
    kubernetes["metadata"]["labels"] = json!({"component": "apiserver", "provider": "kubernetes"});
    create(store, "", "Service", kubernetes)?;
    create(
        store,
        "",
        "Endpoints",
        json!({
            "metadata": {"name": "kubernetes", "namespace": "default", "labels": {"endpointslice.kubernetes.io/skip-mirror": "true"}},
            "subsets": [{"addresses": [{"ip": "172.18.0.2"}], "ports": [{"name": "https", "port": 6443, "protocol": "TCP"}]}],
        }),
    )?;
    Ok(())
}
