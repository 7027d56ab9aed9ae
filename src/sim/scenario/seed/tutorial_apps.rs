//! The tutorials' workloads in the seed's `default` namespace.

use base64::Engine as _;
use serde_json::json;

use super::create;
use crate::sim::scenario::cluster_objects::{
    container, deployment, service, template, with_resources,
};
use crate::sim::store::Store;

/// Creates myapp-deploy and its Services, hello-deploy, testqc with its LoadBalancer,
/// the bare ReplicaSet dnsutil-rs, a ConfigMap and a Secret. The containers ask for the
/// requests and limits a tutorial's manifest would give them (a small web server, a
/// small Go app, a debugging shell), so the dashboard's use against requests and limits
/// has something to show.
pub fn create_all(store: &Store) -> anyhow::Result<()> {
    let http = json!([{"name": "http", "containerPort": 80}]);
    let myapp_labels = json!({"app": "myapp"});
    let myapp_template = template(
        &myapp_labels,
        vec![with_resources(
            container("myapp", "nginx:1.14.1", http.clone()),
            ("100m", "64Mi"),
            ("200m", "128Mi"),
        )],
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
        vec![with_resources(
            container(
                "hello",
                "gcr.io/google-samples/hello-app:1.0",
                json!([{"containerPort": 8080}]),
            ),
            ("50m", "32Mi"),
            ("100m", "64Mi"),
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
    let qc_container = with_resources(
        container("testqc", "nginx:1.25.5", http),
        ("100m", "64Mi"),
        ("250m", "128Mi"),
    );
    let qc_template = template(&qc_labels, vec![qc_container]);
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
    let dnsutils = with_resources(dnsutils, ("10m", "16Mi"), ("50m", "64Mi"));
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
