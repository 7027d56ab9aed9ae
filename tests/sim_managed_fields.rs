//! Who wrote what: the embedded cluster's request log keeps each request's User-Agent,
//! and objects carry `managedFields` as kube-apiserver writes them (a manager per
//! client and controller, named from `fieldManager` or the User-Agent's program name).

mod support;

use std::io::{Read as _, Write as _};
use std::process::Command;

use serde_json::{Value, json};
use support::{TestSim, test_timeout, wait_until};

fn the_request_log_keeps_each_requests_user_agent() {
    require_kubectl!();
    let sim = TestSim::empty();
    sim.kubectl_ok(&["get", "pods"]);
    let records = sim.requests();
    let list = records
        .iter()
        .find(|r| r.verb == "list" && r.path.starts_with("/api/v1/namespaces/default/pods"))
        .expect("kubectl's list is logged");
    // kubectl/v1.32.0 (linux/amd64) kubernetes/abcdef0
    assert!(
        list.user_agent.starts_with("kubectl/v1.") && list.user_agent.contains(" (linux/"),
        "{list:?}"
    );
}

const WEB: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: web
        image: nginx:1.14.1
";

/// `(manager, operation, subresource)` → `fieldsV1` of each entry.
fn entries(obj: &Value) -> Vec<(String, String, String, Value)> {
    obj["metadata"]["managedFields"]
        .as_array()
        .expect("managedFields are shown")
        .iter()
        .map(|e| {
            let s = |k: &str| e[k].as_str().unwrap_or_default().to_string();
            (
                s("manager"),
                s("operation"),
                s("subresource"),
                e["fieldsV1"].clone(),
            )
        })
        .collect()
}

fn fields_of(obj: &Value, manager: &str, subresource: &str) -> Value {
    entries(obj)
        .into_iter()
        .find(|(m, _, s, _)| m == manager && s == subresource)
        .unwrap_or_else(|| panic!("no entry of {manager} ({subresource}): {obj:#}"))
        .3
}

fn get(sim: &TestSim, args: &[&str]) -> Value {
    let mut all = vec!["get", "-o", "json", "--show-managed-fields"];
    all.extend_from_slice(args);
    serde_json::from_str(&sim.kubectl_ok(&all)).expect("kubectl prints JSON")
}

fn kubectl_commands_and_components_each_own_what_they_set() {
    require_kubectl!();
    let sim = TestSim::empty();
    let file = sim.write_file("web.yaml", WEB);
    sim.kubectl_ok(&["apply", "-f", &file.to_string_lossy()]);
    wait_until(test_timeout(), "web is available", || {
        get(&sim, &["deployment", "web"])["status"]["availableReplicas"] == 1
    });

    // kubectl hides them unless asked.
    let hidden: Value =
        serde_json::from_str(&sim.kubectl_ok(&["get", "deployment", "web", "-o", "json"]))
            .expect("kubectl prints JSON");
    assert!(hidden["metadata"].get("managedFields").is_none());

    let d = get(&sim, &["deployment", "web"]);
    let apply = fields_of(&d, "kubectl-client-side-apply", "");
    assert_eq!(apply["f:spec"]["f:replicas"], json!({}));
    assert!(
        apply["f:metadata"]["f:annotations"]
            .get("f:kubectl.kubernetes.io/last-applied-configuration")
            .is_some()
    );
    // The controller's status is an entry of its own, its revision annotation another.
    let status = fields_of(&d, "kube-controller-manager", "status");
    assert!(
        status["f:status"].get("f:availableReplicas").is_some(),
        "{status:#}"
    );
    let revision = fields_of(&d, "kube-controller-manager", "");
    assert!(
        revision["f:metadata"]["f:annotations"]
            .get("f:deployment.kubernetes.io/revision")
            .is_some()
    );

    // kubectl set image: the image is kubectl-set's now, no longer apply's.
    sim.kubectl_ok(&["set", "image", "deployment/web", "web=nginx:1.16.1"]);
    let d = get(&sim, &["deployment", "web"]);
    let container = "k:{\"name\":\"web\"}";
    let image_of = |fields: &Value| {
        fields["f:spec"]["f:template"]["f:spec"]["f:containers"][container]
            .get("f:image")
            .is_some()
    };
    assert!(image_of(&fields_of(&d, "kubectl-set", "")));
    assert!(!image_of(&fields_of(&d, "kubectl-client-side-apply", "")));

    // kubectl rollout restart: the restartedAt annotation.
    sim.kubectl_ok(&["rollout", "restart", "deployment/web"]);
    let d = get(&sim, &["deployment", "web"]);
    let rollout = fields_of(&d, "kubectl-rollout", "");
    assert!(
        rollout["f:spec"]["f:template"]["f:metadata"]["f:annotations"]
            .get("f:kubectl.kubernetes.io/restartedAt")
            .is_some(),
        "{rollout:#}"
    );

    // kubectl edit, with an editor that sets two replicas.
    let editor = sim.write_file(
        "editor.sh",
        "#!/bin/sh\nsed -i 's/replicas: 1$/replicas: 2/' \"$1\"\n",
    );
    let edited = Command::new("kubectl")
        .arg("--kubeconfig")
        .arg(sim.kubeconfig_path())
        .args(["edit", "deployment/web"])
        .env("KUBE_EDITOR", format!("sh {}", editor.display()))
        .output()
        .expect("kubectl runs");
    assert!(
        edited.status.success(),
        "{}",
        String::from_utf8_lossy(&edited.stderr)
    );
    let d = get(&sim, &["deployment", "web"]);
    assert_eq!(d["spec"]["replicas"], 2);
    assert_eq!(
        fields_of(&d, "kubectl-edit", "")["f:spec"]["f:replicas"],
        json!({})
    );
    assert!(
        fields_of(&d, "kubectl-client-side-apply", "")["f:spec"]
            .get("f:replicas")
            .is_none()
    );

    // A pod: created by the controller manager, its status the kubelet's.
    let pods = get(&sim, &["pods", "-l", "app=web"]);
    let pod = &pods["items"][0];
    let created = fields_of(pod, "kube-controller-manager", "");
    assert!(created["f:metadata"].get("f:ownerReferences").is_some());
    assert!(
        created["f:spec"].get("f:volumes").is_none(),
        "admission's fields are no one's"
    );
    let kubelet = fields_of(pod, "kubelet", "status");
    assert!(kubelet["f:status"].get("f:podIP").is_some(), "{kubelet:#}");
}

fn the_scheduler_owns_the_condition_of_a_pod_it_cannot_place() {
    require_kubectl!();
    let sim = TestSim::empty();
    // No node to run on: the control plane is tainted, the workers cordoned.
    sim.kubectl_ok(&["cordon", "-l", "!node-role.kubernetes.io/control-plane"]);
    sim.kubectl_ok(&["run", "stuck", "--image=nginx:1.27.3"]);
    wait_until(test_timeout(), "the pod is marked unschedulable", || {
        get(&sim, &["pod", "stuck"])["metadata"]["managedFields"]
            .as_array()
            .is_some_and(|e| e.iter().any(|e| e["manager"] == "kube-scheduler"))
    });
    let pod = get(&sim, &["pod", "stuck"]);
    let scheduler = fields_of(&pod, "kube-scheduler", "status");
    assert!(
        scheduler["f:status"]["f:conditions"]
            .get("k:{\"type\":\"PodScheduled\"}")
            .is_some(),
        "{scheduler:#}"
    );
    let run = fields_of(&pod, "kubectl-run", "");
    assert!(
        run["f:spec"]["f:containers"]
            .get("k:{\"name\":\"stuck\"}")
            .is_some(),
        "{run:#}"
    );
}

/// Sends one HTTP/1.1 request to the sim and returns the status code.
fn send(sim: &TestSim, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> u16 {
    let url = sim.user_url("admin").expect("the admin's URL");
    let authority = url
        .trim_start_matches("http://")
        .split('/')
        .next()
        .expect("a host")
        .to_string();
    let prefix = url
        .trim_start_matches("http://")
        .trim_start_matches(&authority);
    let mut stream = std::net::TcpStream::connect(&authority).expect("connect to the sim");
    let mut request = format!(
        "{method} {prefix}{path} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        request.push_str(&[*k, ": ", *v, "\r\n"].concat());
    }
    request.push_str("\r\n");
    request.push_str(body);
    stream.write_all(request.as_bytes()).expect("send");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("read");
    answer[9..12].parse().expect("a status code")
}

fn a_manager_is_named_by_the_user_agent_without_a_field_manager() {
    require_kubectl!();
    let sim = TestSim::empty();
    let cm = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cm"}, "data": {"a": "1"}});
    let code = send(
        &sim,
        "POST",
        "/api/v1/namespaces/default/configmaps",
        &[
            ("User-Agent", "my-tool/0.3 (linux/amd64)"),
            ("Content-Type", "application/json"),
        ],
        &cm.to_string(),
    );
    assert_eq!(code, 201);
    let code = send(
        &sim,
        "PATCH",
        "/api/v1/namespaces/default/configmaps/cm?fieldManager=named",
        &[
            ("User-Agent", "my-tool/0.3"),
            ("Content-Type", "application/merge-patch+json"),
        ],
        r#"{"data": {"b": "2"}}"#,
    );
    assert_eq!(code, 200);
    let cm = get(&sim, &["configmap", "cm"]);
    assert_eq!(
        fields_of(&cm, "my-tool", "")["f:data"],
        json!({".": {}, "f:a": {}})
    );
    assert_eq!(fields_of(&cm, "named", "")["f:data"], json!({"f:b": {}}));
    let logged = sim.requests();
    assert!(
        logged
            .iter()
            .any(|r| r.user_agent == "my-tool/0.3 (linux/amd64)")
    );
}

fn server_side_apply_owns_what_it_applied() {
    require_kubectl!();
    let sim = TestSim::empty();
    let file = sim.write_file(
        "cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  a: \"1\"\n",
    );
    sim.kubectl_ok(&["apply", "--server-side", "-f", &file.to_string_lossy()]);
    sim.kubectl_ok(&["patch", "configmap", "cm", "-p", r#"{"data": {"b": "2"}}"#]);
    let cm = get(&sim, &["configmap", "cm"]);
    let applied: Vec<_> = entries(&cm)
        .into_iter()
        .filter(|(_, op, _, _)| op == "Apply")
        .collect();
    assert_eq!(applied.len(), 1, "{cm:#}");
    assert_eq!(applied[0].0, "kubectl");
    assert_eq!(applied[0].3, json!({"f:data": {"f:a": {}}}));
    assert_eq!(
        fields_of(&cm, "kubectl-patch", "")["f:data"],
        json!({"f:b": {}})
    );
}

support::conformance_tests![
    the_request_log_keeps_each_requests_user_agent,
    kubectl_commands_and_components_each_own_what_they_set,
    the_scheduler_owns_the_condition_of_a_pod_it_cannot_place,
    a_manager_is_named_by_the_user_agent_without_a_field_manager,
    server_side_apply_owns_what_it_applied,
];
