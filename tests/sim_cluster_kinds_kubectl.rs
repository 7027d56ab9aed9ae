//! The other kinds through the real kubectl: claims bound at once to a new volume of the
//! default StorageClass, Ingresses, HorizontalPodAutoscalers without a metrics server,
//! PodDisruptionBudgets counting pods, RBAC, and the `default` ServiceAccount of every
//! namespace.

#![expect(
    clippy::unwrap_used,
    reason = "tests: a missing field is a test failure"
)]

mod support;

use serde_json::Value;
use support::{TestSim, test_timeout, wait_until};

fn apply(sim: &TestSim, name: &str, yaml: &str) {
    let file = sim.write_file(name, yaml);
    sim.kubectl_ok(&["apply", "-f", file.to_str().unwrap()]);
}

fn get_json(sim: &TestSim, args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.extend(["-o", "json"]);
    serde_json::from_str(&sim.kubectl_ok(&all)).unwrap()
}

fn row(sim: &TestSim, args: &[&str]) -> (Vec<String>, Vec<String>) {
    let out = sim.kubectl_ok(args);
    let mut lines = out.lines().map(|l| {
        l.split("  ")
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_string)
            .collect::<Vec<_>>()
    });
    (lines.next().unwrap(), lines.next().unwrap())
}

const CLAIM: &str = "apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: data
spec:
  accessModes: [ReadWriteOnce]
  resources:
    requests:
      storage: 1Gi
";

fn a_claim_is_bound_at_once_to_a_new_volume_that_goes_with_it() {
    require_kubectl!();
    let sim = TestSim::empty();
    let (header, standard) = row(&sim, &["get", "storageclass"]);
    assert_eq!(
        header,
        [
            "NAME",
            "PROVISIONER",
            "RECLAIMPOLICY",
            "VOLUMEBINDINGMODE",
            "ALLOWVOLUMEEXPANSION",
            "AGE"
        ]
    );
    assert_eq!(
        &standard[..4],
        [
            "standard (default)",
            "rancher.io/local-path",
            "Delete",
            "Immediate"
        ]
    );
    apply(&sim, "claim.yaml", CLAIM);
    let timeout = format!("--timeout={}s", test_timeout().as_secs());
    sim.kubectl_ok(&[
        "wait",
        "--for=jsonpath={.status.phase}=Bound",
        "pvc/data",
        &timeout,
    ]);
    let claim = get_json(&sim, &["get", "pvc", "data"]);
    let volume = format!("pvc-{}", claim["metadata"]["uid"].as_str().unwrap());
    assert_eq!(claim["spec"]["volumeName"], volume.as_str());
    assert_eq!(claim["spec"]["storageClassName"], "standard");
    assert_eq!(
        claim["metadata"]["finalizers"][0],
        "kubernetes.io/pvc-protection"
    );
    let (header, data) = row(&sim, &["get", "pvc"]);
    assert_eq!(
        header[..6],
        [
            "NAME",
            "STATUS",
            "VOLUME",
            "CAPACITY",
            "ACCESS MODES",
            "STORAGECLASS"
        ]
    );
    assert_eq!(
        data[..6],
        ["data", "Bound", volume.as_str(), "1Gi", "RWO", "standard"]
    );
    let (_, pv) = row(&sim, &["get", "pv"]);
    assert_eq!(
        pv[..6],
        [
            volume.as_str(),
            "1Gi",
            "RWO",
            "Delete",
            "Bound",
            "default/data"
        ]
    );
    sim.kubectl_ok(&["delete", "pvc", "data", &timeout]);
    wait_until(test_timeout(), "the volume deleted with its claim", || {
        sim.kubectl_ok(&["get", "pv", "-o", "name"]).is_empty()
    });
}

const INGRESS: &str = "apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  name: nginx
spec:
  controller: k8s.io/ingress-nginx
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
spec:
  ingressClassName: nginx
  rules:
  - host: web.example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: web
            port:
              number: 80
";

fn ingresses_and_their_classes_are_served() {
    require_kubectl!();
    let sim = TestSim::empty();
    apply(&sim, "ingress.yaml", INGRESS);
    let (header, web) = row(&sim, &["get", "ingress"]);
    assert_eq!(
        header,
        ["NAME", "CLASS", "HOSTS", "ADDRESS", "PORTS", "AGE"]
    );
    assert_eq!(web[..4], ["web", "nginx", "web.example.com", "80"]);
    let (_, class) = row(&sim, &["get", "ingressclass"]);
    assert_eq!(class[..3], ["nginx", "k8s.io/ingress-nginx", "<none>"]);
}

fn an_autoscaler_without_metrics_keeps_its_bounds_and_says_why_it_cannot_scale() {
    require_kubectl!();
    let sim = TestSim::empty();
    sim.kubectl_ok(&[
        "create",
        "deployment",
        "web",
        "--image=nginx:1.25",
        "--replicas=1",
    ]);
    sim.kubectl_ok(&[
        "autoscale",
        "deployment",
        "web",
        "--min=2",
        "--max=5",
        "--cpu-percent=50",
    ]);
    wait_until(test_timeout(), "the autoscaler's status", || {
        get_json(&sim, &["get", "hpa", "web"])["status"]["currentReplicas"] == 2
    });
    let deploy = get_json(&sim, &["get", "deployment", "web"]);
    assert_eq!(deploy["spec"]["replicas"], 2, "raised to minReplicas");
    let hpa = get_json(&sim, &["get", "hpa", "web"]);
    let active = &hpa["status"]["conditions"][1];
    assert_eq!(
        (active["type"].as_str(), active["status"].as_str()),
        (Some("ScalingActive"), Some("False"))
    );
    assert_eq!(active["reason"], "FailedGetResourceMetric");
    let (header, web) = row(&sim, &["get", "hpa"]);
    assert_eq!(
        header,
        [
            "NAME",
            "REFERENCE",
            "TARGETS",
            "MINPODS",
            "MAXPODS",
            "REPLICAS",
            "AGE"
        ]
    );
    assert_eq!(
        web[..6],
        ["web", "Deployment/web", "cpu: <unknown>/50%", "2", "5", "2"]
    );
    let raw = sim.block_on(async {
        let client = sim.client().await.unwrap();
        let path = "/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers/web";
        let req = http::Request::get(path).body(Vec::new()).unwrap();
        client.request_text(req).await.unwrap()
    });
    let v1: Value = serde_json::from_str(&raw).unwrap();
    assert_eq!(v1["apiVersion"], "autoscaling/v1");
    assert_eq!(v1["spec"]["targetCPUUtilizationPercentage"], 50);
}

const PDB: &str = "apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web
spec:
  minAvailable: 1
  selector:
    matchLabels:
      app: web
";

fn a_disruption_budget_counts_its_pods() {
    require_kubectl!();
    let sim = TestSim::empty();
    sim.kubectl_ok(&[
        "create",
        "deployment",
        "web",
        "--image=nginx:1.25",
        "--replicas=3",
    ]);
    apply(&sim, "pdb.yaml", PDB);
    wait_until(test_timeout(), "three healthy pods counted", || {
        get_json(&sim, &["get", "pdb", "web"])["status"]["currentHealthy"] == 3
    });
    let pdb = get_json(&sim, &["get", "pdb", "web"]);
    assert_eq!(pdb["status"]["disruptionsAllowed"], 2);
    assert_eq!(pdb["status"]["conditions"][0]["reason"], "SufficientPods");
    let (header, web) = row(&sim, &["get", "pdb"]);
    assert_eq!(
        header,
        [
            "NAME",
            "MIN AVAILABLE",
            "MAX UNAVAILABLE",
            "ALLOWED DISRUPTIONS",
            "AGE"
        ]
    );
    assert_eq!(web[..4], ["web", "1", "N/A", "2"]);
}

fn roles_bindings_and_service_accounts() {
    require_kubectl!();
    let sim = TestSim::empty();
    sim.kubectl_ok(&[
        "create",
        "role",
        "pod-reader",
        "--verb=get,list",
        "--resource=pods",
    ]);
    sim.kubectl_ok(&[
        "create",
        "rolebinding",
        "read-pods",
        "--role=pod-reader",
        "--serviceaccount=default:default",
    ]);
    let role = get_json(&sim, &["get", "role", "pod-reader"]);
    assert_eq!(role["rules"][0]["resources"][0], "pods");
    let (header, binding) = row(&sim, &["get", "rolebinding", "-o", "wide"]);
    assert_eq!(
        header,
        ["NAME", "ROLE", "AGE", "USERS", "GROUPS", "SERVICEACCOUNTS"]
    );
    assert_eq!(binding[..2], ["read-pods", "Role/pod-reader"]);
    assert_eq!(binding.last().unwrap(), "default/default");
    let (header, _) = row(&sim, &["get", "roles"]);
    assert_eq!(header, ["NAME", "CREATED AT"]);
    sim.kubectl_ok(&["create", "namespace", "team"]);
    wait_until(test_timeout(), "the default ServiceAccount of team", || {
        sim.kubectl(&["get", "sa", "default", "-n", "team"])
            .status
            .success()
    });
    let (header, sa) = row(&sim, &["get", "sa", "-n", "team"]);
    assert_eq!(header, ["NAME", "SECRETS", "AGE"]);
    assert_eq!(sa[..2], ["default", "0"]);
}

support::conformance_tests![
    a_claim_is_bound_at_once_to_a_new_volume_that_goes_with_it,
    ingresses_and_their_classes_are_served,
    an_autoscaler_without_metrics_keeps_its_bounds_and_says_why_it_cannot_scale,
    a_disruption_budget_counts_its_pods,
    roles_bindings_and_service_accounts,
];
