//! The `seed` scenario: what the Kubernetes tutorials walk through, on a kind-like
//! three-node cluster that has been up for three days. It is built on a private
//! store with a manual clock, fast-forwarded through the controllers (so every
//! ReplicaSet, pod, endpoint and event is what they would have made), then copied
//! into the real store with every timestamp moved so that "now" is now.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use base64::Engine as _;
use jiff::SignedDuration;
use serde_json::{Value, json};

use super::cluster_objects::{container, deployment, namespace, node, service, template};
use super::time_shift::shift_times;
use crate::sim::clock::Clock;
use crate::sim::controllers::{self, pod_defaults::with_pod_defaults};
use crate::sim::resources::{RESOURCES, ResourceType, by_kind};
use crate::sim::store::Store;

/// The seed's nodes: the control plane first.
pub const NODES: [&str; 3] = ["kdeck-control-plane", "kdeck-worker", "kdeck-worker2"];
const NAMESPACES: [&str; 4] = ["default", "kube-system", "kube-public", "kube-node-lease"];
const UPTIME: SignedDuration = SignedDuration::from_hours(72);
const K8S_VERSION: &str = "v1.33.1";

fn rt(group: &str, kind: &str) -> anyhow::Result<&'static ResourceType> {
    by_kind(group, kind).with_context(|| format!("{kind} is not a served kind"))
}

fn create(store: &Store, group: &str, kind: &str, obj: Value) -> anyhow::Result<Value> {
    let created = store
        .create(rt(group, kind)?, obj)
        .with_context(|| format!("cannot create the seed's {kind}"))?;
    Ok((*created).clone())
}

/// Runs the controllers over `seconds` simulated seconds, one second at a time.
fn run(store: &Store, seconds: u64) {
    for _ in 0..seconds {
        controllers::settle(store);
        store.clock().advance(Duration::from_secs(1));
    }
    controllers::settle(store);
}

/// Builds the seed and loads it into `target`.
pub fn load(target: &Arc<Store>) -> anyhow::Result<()> {
    let past = Store::new(Clock::manual());
    build(&past)?;
    copy_shifted(&past, target)
}

fn build(store: &Store) -> anyhow::Result<()> {
    let start = store.clock().now();
    for ns in NAMESPACES {
        create(store, "", "Namespace", namespace(ns))?;
        create(
            store,
            "",
            "ServiceAccount",
            json!({"metadata": {"name": "default", "namespace": ns}}),
        )?;
        create(
            store,
            "",
            "ConfigMap",
            json!({"metadata": {"name": "kube-root-ca.crt", "namespace": ns}, "data": {"ca.crt": FAKE_CA}}),
        )?;
    }
    let mut nodes = Vec::new();
    for (i, name) in NODES.into_iter().enumerate() {
        nodes.push(create(store, "", "Node", node(name, i, i == 0))?);
    }
    system(store, &nodes[0])?;
    run(store, 40);
    let apps_at = UPTIME - SignedDuration::from_mins(47);
    advance_to(store, start, apps_at);
    apps(store)?;
    run(store, 90);
    advance_to(store, start, UPTIME - SignedDuration::from_mins(12));
    store
        .modify(rt("apps", "Deployment")?, "default", "hello-deploy", |d| {
            d["spec"]["replicas"] = json!(10);
            Ok(())
        })
        .context("cannot scale hello-deploy")?;
    run(store, 30);
    advance_to(store, start, UPTIME);
    controllers::settle(store);
    Ok(())
}

fn advance_to(store: &Store, start: jiff::Timestamp, at: SignedDuration) {
    let elapsed = store.clock().now().duration_since(start);
    if let Ok(d) = Duration::try_from(at - elapsed) {
        store.clock().advance(d);
    }
}

fn copy_shifted(from: &Store, to: &Store) -> anyhow::Result<()> {
    let by = to.clock().now().duration_since(from.clock().now());
    let mut types: Vec<&'static ResourceType> = RESOURCES.iter().collect();
    types.sort_by_key(|t| t.kind != "Namespace");
    for t in types {
        for obj in from.list(t, None).0 {
            let mut obj = (*obj).clone();
            shift_times(&mut obj, by);
            if let Some(m) = obj["metadata"].as_object_mut() {
                m.remove("resourceVersion");
            }
            match to.restore(t, obj) {
                Ok(_) => {}
                // The caller may have made some namespaces already.
                Err(e) if e.code == 409 && t.kind == "Namespace" => {}
                Err(e) => return Err(anyhow::anyhow!("cannot load the seed's {}: {e}", t.kind)),
            }
        }
    }
    Ok(())
}

fn static_pod(node: &Value, component: &str, image: &str, command: &[&str]) -> Value {
    let node_name = node["metadata"]["name"].as_str().unwrap_or("");
    let mut c = container(component, image, json!([]));
    c["command"] = json!(command);
    let spec = json!({
        "containers": [c],
        "hostNetwork": true,
        "nodeName": node_name,
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

fn system(store: &Store, control_plane: &Value) -> anyhow::Result<()> {
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

fn apps(store: &Store) -> anyhow::Result<()> {
    let http = json!([{"name": "http", "containerPort": 80}]);
    let myapp_labels = json!({"app": "myapp"});
    let myapp_template = template(
        &myapp_labels,
        vec![container("myapp", "nginx:1.14.1", http.clone())],
    );
    let mut myapp = deployment(
        "default",
        "myapp-deploy",
        3,
        &myapp_labels,
        myapp_template,
        (json!(1), json!(0)),
    );
    myapp["metadata"]["annotations"] = json!({"kubernetes.io/change-cause": "kubectl apply --filename=myapp-deploy.yaml --record=true"});
    myapp["spec"]["minReadySeconds"] = json!(5);
    create(store, "apps", "Deployment", myapp)?;
    let web = json!([{"name": "http", "port": 80, "protocol": "TCP", "targetPort": 80}]);
    create(
        store,
        "",
        "Service",
        service(
            "default",
            "myapp-svc",
            "ClusterIP",
            "10.96.112.37",
            Some(&myapp_labels),
            web.clone(),
        ),
    )?;
    create(
        store,
        "",
        "Service",
        service(
            "default",
            "myapp-headless",
            "ClusterIP",
            "None",
            Some(&myapp_labels),
            web.clone(),
        ),
    )?;

    let hello_labels = json!({"app": "hello"});
    let hello_template = template(
        &hello_labels,
        vec![container(
            "hello",
            "gcr.io/google-samples/hello-app:1.0",
            json!([{"containerPort": 8080}]),
        )],
    );
    create(
        store,
        "apps",
        "Deployment",
        deployment(
            "default",
            "hello-deploy",
            8,
            &hello_labels,
            hello_template,
            (json!("25%"), json!("25%")),
        ),
    )?;

    let qc_labels = json!({"app": "testqc"});
    let qc_template = template(&qc_labels, vec![container("testqc", "nginx:1.25.5", http)]);
    create(
        store,
        "apps",
        "Deployment",
        deployment(
            "default",
            "testqc",
            2,
            &qc_labels,
            qc_template,
            (json!("25%"), json!("25%")),
        ),
    )?;
    let mut lb_ports = web;
    lb_ports[0]["nodePort"] = json!(31742);
    let mut lb = service(
        "default",
        "allen-loadbalancer",
        "LoadBalancer",
        "10.96.45.201",
        Some(&qc_labels),
        lb_ports,
    );
    lb["status"] =
        json!({"loadBalancer": {"ingress": [{"ip": "172.18.255.200", "ipMode": "VIP"}]}});
    create(store, "", "Service", lb)?;

    let dns_labels = json!({"app": "dnsutil"});
    let mut dnsutils = container(
        "dnsutils",
        "registry.k8s.io/e2e-test-images/jessie-dnsutils:1.3",
        json!([]),
    );
    dnsutils["command"] = json!(["sleep", "infinity"]);
    create(
        store,
        "apps",
        "ReplicaSet",
        json!({
            "metadata": {"name": "dnsutil-rs", "namespace": "default", "labels": dns_labels},
            "spec": {"replicas": 1, "selector": {"matchLabels": dns_labels}, "template": template(&dns_labels, vec![dnsutils])},
        }),
    )?;

    create(
        store,
        "",
        "ConfigMap",
        json!({
            "metadata": {"name": "myapp-config", "namespace": "default", "labels": {"app": "myapp"}},
            "data": {"default.conf": "server {\n    listen 80;\n    location / {\n        root /usr/share/nginx/html;\n    }\n}\n", "LOG_LEVEL": "info"},
        }),
    )?;
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    create(
        store,
        "",
        "Secret",
        json!({
            "metadata": {"name": "myapp-secret", "namespace": "default", "labels": {"app": "myapp"}},
            "type": "Opaque",
            "data": {"username": b64("admin"), "password": b64("s3cr3t-passw0rd")},
        }),
    )?;
    Ok(())
}

const FAKE_CA: &str = "-----BEGIN CERTIFICATE-----\nMIIDBTCCAe2gAwIBAgIIKdeckSimCA0wDQYJKoZIhvcNAQELBQAwFTETMBEGA1UE\nAxMKa3ViZXJuZXRlczAeFw0yNjExMjcwODAwMDBaFw0zNjExMjUwODA1MDBaMBUx\n-----END CERTIFICATE-----\n";
