//! The real kubectl against the embedded cluster's API server: tables, output
//! formats, selectors, the tutorials' manifests, label/annotate/patch/scale/delete,
//! `get --watch`, and errors worded as a real server words them.

#![expect(
    clippy::unwrap_used,
    reason = "tests (clippy's allow-unwrap-in-tests does not reach a harness = false binary)"
)]

mod support;

use std::io::{BufRead as _, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;

use serde_json::Value;
use support::{TestSim, test_timeout};

/// The tutorial Deployment (section 6.3 of the seed text, with today's apiVersion).
const MYAPP_DEPLOY: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: myapp-deploy
spec:
  replicas: 3
  selector:
    matchLabels:
      app: myapp
  template:
    metadata:
      labels:
        app: myapp
    spec:
      containers:
      - name: myapp
        image: nginx:1.14.1
        ports:
        - containerPort: 80
          name: http
";

const MYAPP_SVC: &str = "apiVersion: v1
kind: Service
metadata:
  name: myapp-svc
spec:
  selector:
    app: myapp
  ports:
  - protocol: TCP
    port: 80
    targetPort: 80
";

const LB_SVC: &str = "apiVersion: v1
kind: Service
metadata:
  name: allen-loadbalancer
spec:
  type: LoadBalancer
  ports:
  - port: 80
    targetPort: 8080
  selector:
    app: testing
";

const HEADLESS_SVC: &str = "apiVersion: v1
kind: Service
metadata:
  name: test-svc-headless
spec:
  clusterIP: None
  ports:
  - port: 80
    targetPort: 8080
  selector:
    app: testing
";

const DNSUTIL_POD: &str = "apiVersion: v1
kind: Pod
metadata:
 name: dnsutil-pod
spec:
 containers:
 - image: tutum/dnsutils
   name: dnsutil
   command: [\"sleep\", \"infinity\"]
";

fn header(out: &str) -> Vec<String> {
    let first = out.lines().next().unwrap_or_default();
    // Column names may hold one space ("NOMINATED NODE"): split on runs of 2+ spaces.
    regex::Regex::new(r"\s{2,}")
        .expect("a valid regex")
        .split(first.trim())
        .map(str::to_string)
        .collect()
}

fn row<'a>(out: &'a str, name: &str) -> Vec<&'a str> {
    out.lines()
        .find(|l| l.split_whitespace().next() == Some(name))
        .unwrap_or_else(|| panic!("no row {name} in:\n{out}"))
        .split_whitespace()
        .collect()
}

fn apply(sim: &TestSim, name: &str, manifest: &str) -> String {
    let path = sim.write_file(name, manifest);
    sim.kubectl_ok(&["apply", "-f", path.to_str().expect("a UTF-8 temp path")])
}

fn get_prints_the_real_servers_table_columns() {
    require_kubectl!();
    let sim = TestSim::empty();
    apply(&sim, "deploy.yaml", MYAPP_DEPLOY);
    apply(&sim, "svc.yaml", MYAPP_SVC);
    apply(&sim, "lb.yaml", LB_SVC);
    apply(&sim, "headless.yaml", HEADLESS_SVC);
    apply(&sim, "pod.yaml", DNSUTIL_POD);

    let deploy = sim.kubectl_ok(&["get", "deployments", "myapp-deploy"]);
    assert_eq!(
        header(&deploy),
        ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"]
    );
    let ready = row(&deploy, "myapp-deploy")[1];
    assert!(
        regex::Regex::new(r"^[0-3]/3$")
            .expect("a valid regex")
            .is_match(ready),
        "READY is ready/desired: {deploy}"
    );
    let wide = sim.kubectl_ok(&["get", "deploy", "-o", "wide"]);
    assert_eq!(
        header(&wide)[5..],
        ["CONTAINERS", "IMAGES", "SELECTOR"],
        "{wide}"
    );
    assert_eq!(
        row(&wide, "myapp-deploy")[5..],
        ["myapp", "nginx:1.14.1", "app=myapp"]
    );

    let pods = sim.kubectl_ok(&["get", "po", "dnsutil-pod"]);
    assert_eq!(
        header(&pods),
        ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    );
    let pods_wide = sim.kubectl_ok(&["get", "po", "dnsutil-pod", "-o", "wide"]);
    assert_eq!(
        header(&pods_wide)[5..],
        ["IP", "NODE", "NOMINATED NODE", "READINESS GATES"]
    );

    let svc = sim.kubectl_ok(&["get", "svc"]);
    assert_eq!(
        header(&svc),
        [
            "NAME",
            "TYPE",
            "CLUSTER-IP",
            "EXTERNAL-IP",
            "PORT(S)",
            "AGE"
        ]
    );
    let myapp = row(&svc, "myapp-svc");
    assert_eq!(myapp[1], "ClusterIP");
    assert!(myapp[2].starts_with("10."), "{svc}");
    assert_eq!(myapp[3..5], ["<none>", "80/TCP"]);
    let lb = row(&svc, "allen-loadbalancer");
    assert_eq!(lb[3], "<pending>");
    assert!(
        regex::Regex::new(r"^80:3\d{4}/TCP$")
            .unwrap()
            .is_match(lb[4]),
        "{svc}"
    );
    assert_eq!(row(&svc, "test-svc-headless")[2], "None");

    let ns = sim.kubectl_ok(&["get", "ns"]);
    assert_eq!(header(&ns), ["NAME", "STATUS", "AGE"]);
    assert_eq!(row(&ns, "kube-system")[1], "Active");
    let all_ns = sim.kubectl_ok(&["get", "deploy", "-A"]);
    assert_eq!(
        header(&all_ns)[0],
        "NAMESPACE",
        "kubectl reads the row metadata"
    );
}

fn output_formats_yaml_and_json_carry_the_object() {
    require_kubectl!();
    let sim = TestSim::empty();
    apply(&sim, "deploy.yaml", MYAPP_DEPLOY);
    let json: Value =
        serde_json::from_str(&sim.kubectl_ok(&["get", "deploy", "myapp-deploy", "-o", "json"]))
            .unwrap();
    assert_eq!(json["kind"], "Deployment");
    assert_eq!(json["spec"]["strategy"]["rollingUpdate"]["maxSurge"], "25%");
    assert_eq!(json["spec"]["revisionHistoryLimit"], 10);
    assert!(
        json["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"]
            .is_string()
    );
    let yaml: Value =
        serde_yaml::from_str(&sim.kubectl_ok(&["get", "deploy", "-o", "yaml"])).unwrap();
    assert_eq!(yaml["kind"], "List");
    assert_eq!(yaml["items"][0]["metadata"]["name"], "myapp-deploy");
    let name = sim.kubectl_ok(&["get", "deploy", "-o", "name"]);
    assert_eq!(name.trim(), "deployment.apps/myapp-deploy");
    let path = sim.kubectl_ok(&[
        "get",
        "deploy",
        "myapp-deploy",
        "-o",
        "jsonpath={.spec.template.spec.containers[0].ports[0].protocol}",
    ]);
    assert_eq!(path, "TCP");
}

fn label_and_field_selectors_with_every_operator() {
    require_kubectl!();
    let sim = TestSim::empty();
    for (name, labels) in [
        ("a", "app: web\n    tier: front"),
        ("b", "app: web\n    tier: back"),
        ("c", "app: db"),
    ] {
        let pod = format!(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\n  labels:\n    {labels}\nspec:\n  containers:\n  - name: c\n    image: busybox:1.36\n"
        );
        apply(&sim, &format!("{name}.yaml"), &pod);
    }
    let names = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["get", "pods", "-o", "name"];
        all.extend_from_slice(args);
        let mut v: Vec<String> = sim
            .kubectl_ok(&all)
            .lines()
            .map(|l| l.trim_start_matches("pod/").to_string())
            .collect();
        v.sort();
        v
    };
    assert_eq!(names(&["-l", "app=web"]), ["a", "b"]);
    assert_eq!(names(&["-l", "app!=web"]), ["c"]);
    assert_eq!(names(&["-l", "tier in (front,middle)"]), ["a"]);
    assert_eq!(names(&["-l", "tier notin (front)"]), ["b", "c"]);
    assert_eq!(names(&["-l", "tier"]), ["a", "b"]);
    assert_eq!(names(&["-l", "!tier"]), ["c"]);
    assert_eq!(names(&["-l", "app=web,tier=back"]), ["b"]);
    assert_eq!(names(&["--field-selector", "metadata.name=c"]), ["c"]);
    assert_eq!(
        names(&["--field-selector", "metadata.name!=c", "-l", "app"]),
        ["a", "b"]
    );
    let bad = sim.kubectl_err(&["get", "pods", "--field-selector", "spec.bogus=1"]);
    assert!(
        bad.contains("field label not supported: spec.bogus"),
        "{bad}"
    );
    let shown = sim.kubectl_ok(&["get", "pods", "a", "--show-labels"]);
    assert!(shown.contains("app=web,tier=front"), "{shown}");
}

fn create_and_apply_the_tutorial_manifests() {
    require_kubectl!();
    let sim = TestSim::empty();
    let path = sim.write_file("deploy.yaml", MYAPP_DEPLOY);
    let path = path.to_str().unwrap();
    assert_eq!(
        sim.kubectl_ok(&["create", "-f", path]).trim(),
        "deployment.apps/myapp-deploy created"
    );
    let again = sim.kubectl_err(&["create", "-f", path]);
    assert!(
        again.contains(
            "Error from server (AlreadyExists): error when creating \""
                .to_string()
                .as_str()
        ) && again.contains("deployments.apps \"myapp-deploy\" already exists"),
        "{again}"
    );
    sim.kubectl_ok(&["delete", "-f", path]);
    assert_eq!(
        sim.kubectl_ok(&["apply", "-f", path]).trim(),
        "deployment.apps/myapp-deploy created"
    );
    assert_eq!(
        sim.kubectl_ok(&["apply", "-f", path]).trim(),
        "deployment.apps/myapp-deploy unchanged"
    );
    let changed = sim.write_file(
        "deploy2.yaml",
        &MYAPP_DEPLOY.replace("replicas: 3", "replicas: 5"),
    );
    assert_eq!(
        sim.kubectl_ok(&["apply", "-f", changed.to_str().unwrap()])
            .trim(),
        "deployment.apps/myapp-deploy configured"
    );
    let replicas = sim.kubectl_ok(&[
        "get",
        "deploy",
        "myapp-deploy",
        "-o",
        "jsonpath={.spec.replicas}",
    ]);
    assert_eq!(replicas, "5");
    let svc = sim.write_file("svc.yaml", MYAPP_SVC);
    assert_eq!(
        sim.kubectl_ok(&["create", "-f", svc.to_str().unwrap()])
            .trim(),
        "service/myapp-svc created"
    );
    let server_side = sim.kubectl_ok(&["apply", "--server-side", "-f", changed.to_str().unwrap()]);
    assert!(server_side.contains("serverside-applied"), "{server_side}");
}

fn label_annotate_and_the_three_patch_forms() {
    require_kubectl!();
    let sim = TestSim::empty();
    apply(&sim, "deploy.yaml", MYAPP_DEPLOY);
    let get = |path: &str| {
        sim.kubectl_ok(&[
            "get",
            "deploy",
            "myapp-deploy",
            "-o",
            &format!("jsonpath={path}"),
        ])
    };
    sim.kubectl_ok(&["label", "deploy", "myapp-deploy", "tier=front"]);
    sim.kubectl_ok(&["annotate", "deploy", "myapp-deploy", "owner=ops"]);
    assert_eq!(get("{.metadata.labels.tier}"), "front");
    assert_eq!(get("{.metadata.annotations.owner}"), "ops");
    let relabel = sim.kubectl_err(&["label", "deploy", "myapp-deploy", "tier=back"]);
    assert!(relabel.contains("already has a value (front)"), "{relabel}");
    sim.kubectl_ok(&["label", "deploy", "myapp-deploy", "tier-"]);
    assert_eq!(get("{.metadata.labels.tier}"), "");

    // The seed's two patches (strategic merge, kubectl's default).
    let out = sim.kubectl_ok(&[
        "patch",
        "deployments",
        "myapp-deploy",
        "-p",
        r#"{"spec": {"minReadySeconds": 5}}"#,
    ]);
    assert_eq!(out.trim(), "deployment.apps/myapp-deploy patched");
    sim.kubectl_ok(&[
        "patch",
        "deployments",
        "myapp-deploy",
        "-p",
        r#"{"spec": {"strategy": {"rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}}}}"#,
    ]);
    assert_eq!(get("{.spec.minReadySeconds}"), "5");
    assert_eq!(get("{.spec.strategy.rollingUpdate.maxSurge}"), "1");
    assert_eq!(get("{.spec.strategy.rollingUpdate.maxUnavailable}"), "0");
    let same = sim.kubectl_ok(&[
        "patch",
        "deploy",
        "myapp-deploy",
        "-p",
        r#"{"spec": {"minReadySeconds": 5}}"#,
    ]);
    assert_eq!(
        same.trim(),
        "deployment.apps/myapp-deploy patched (no change)"
    );

    // Strategic merge by container name keeps the ports; merge replaces the list.
    sim.kubectl_ok(&[
        "patch",
        "deploy",
        "myapp-deploy",
        "-p",
        r#"{"spec":{"template":{"spec":{"containers":[{"name":"myapp","image":"nginx:1.15.5"}]}}}}"#,
    ]);
    assert_eq!(
        get("{.spec.template.spec.containers[0].image}"),
        "nginx:1.15.5"
    );
    assert_eq!(
        get("{.spec.template.spec.containers[0].ports[0].containerPort}"),
        "80"
    );
    sim.kubectl_ok(&[
        "patch",
        "deploy",
        "myapp-deploy",
        "--type=json",
        "-p",
        r#"[{"op":"replace","path":"/spec/replicas","value":2}]"#,
    ]);
    assert_eq!(get("{.spec.replicas}"), "2");
    sim.kubectl_ok(&[
        "patch",
        "deploy",
        "myapp-deploy",
        "--type=merge",
        "-p",
        r#"{"spec":{"template":{"spec":{"containers":[{"name":"myapp","image":"nginx:1.15.7"}]}}}}"#,
    ]);
    assert_eq!(
        get("{.spec.template.spec.containers[0].image}"),
        "nginx:1.15.7"
    );
    assert_eq!(get("{.spec.template.spec.containers[0].ports}"), "");
    sim.kubectl_ok(&[
        "set",
        "image",
        "deployments",
        "myapp-deploy",
        "myapp=nginx:1.15.5",
    ]);
    assert_eq!(
        get("{.spec.template.spec.containers[0].image}"),
        "nginx:1.15.5"
    );
    sim.kubectl_ok(&["rollout", "pause", "deployment", "myapp-deploy"]);
    assert_eq!(get("{.spec.paused}"), "true");
    sim.kubectl_ok(&["rollout", "resume", "deployment", "myapp-deploy"]);
    assert_eq!(get("{.spec.paused}"), "");
}

fn scale_and_delete() {
    require_kubectl!();
    let sim = TestSim::empty();
    apply(&sim, "deploy.yaml", MYAPP_DEPLOY);
    assert_eq!(
        sim.kubectl_ok(&["scale", "deployments", "myapp-deploy", "--replicas=5"])
            .trim(),
        "deployment.apps/myapp-deploy scaled"
    );
    let replicas = sim.kubectl_ok(&[
        "get",
        "deploy",
        "myapp-deploy",
        "-o",
        "jsonpath={.spec.replicas}",
    ]);
    assert_eq!(replicas, "5");
    let stale = sim.kubectl_err(&[
        "scale",
        "deploy",
        "myapp-deploy",
        "--replicas=2",
        "--current-replicas=3",
    ]);
    assert!(
        stale.contains("Expected replicas to be 3, was 5"),
        "{stale}"
    );
    assert_eq!(
        sim.kubectl_ok(&["delete", "deployment", "myapp-deploy"])
            .trim(),
        "deployment.apps \"myapp-deploy\" deleted"
    );
    let gone = sim.kubectl_err(&["get", "deploy", "myapp-deploy"]);
    assert!(
        gone.contains("Error from server (NotFound): deployments.apps \"myapp-deploy\" not found"),
        "{gone}"
    );
    // A pod bound to a node stays Terminating for its grace period.
    let pod = DNSUTIL_POD.replace("spec:\n", "spec:\n nodeName: kdeck-worker\n");
    apply(&sim, "pod.yaml", &pod);
    sim.kubectl_ok(&[
        "delete",
        "pod",
        "dnsutil-pod",
        "--grace-period=600",
        "--wait=false",
    ]);
    let pods = sim.kubectl_ok(&["get", "pods", "dnsutil-pod"]);
    assert_eq!(row(&pods, "dnsutil-pod")[2], "Terminating", "{pods}");
    sim.kubectl_ok(&[
        "delete",
        "pod",
        "dnsutil-pod",
        "--grace-period=0",
        "--force",
    ]);
    let gone = sim.kubectl_err(&["get", "pods", "dnsutil-pod"]);
    assert!(gone.contains("(NotFound)"), "{gone}");
}

fn get_watch_sees_changes() {
    require_kubectl!();
    let sim = TestSim::empty();
    let mut child = Command::new("kubectl")
        .arg("--kubeconfig")
        .arg(sim.kubeconfig_path())
        .args(["get", "configmaps", "-w", "--output-watch-events"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("cannot run kubectl");
    let stdout = child.stdout.take().expect("piped stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let expect_line = |want: &[&str]| {
        let deadline = std::time::Instant::now() + test_timeout();
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            let line = rx
                .recv_timeout(left)
                .unwrap_or_else(|_| panic!("kubectl get -w never printed {want:?}"));
            if want
                .iter()
                .all(|w| line.split_whitespace().any(|c| c == *w))
            {
                return;
            }
        }
    };
    // Give the watch a moment to be open, then change things.
    support::wait_until(test_timeout(), "the watch request", || {
        sim.requests().iter().any(|r| r.verb == "watch")
    });
    sim.kubectl_ok(&["create", "configmap", "watched", "--from-literal=a=1"]);
    expect_line(&["ADDED", "watched"]);
    sim.kubectl_ok(&["label", "configmap", "watched", "x=y"]);
    expect_line(&["MODIFIED", "watched"]);
    sim.kubectl_ok(&["delete", "configmap", "watched"]);
    expect_line(&["DELETED", "watched"]);
    let _ = child.kill();
    let _ = child.wait();
}

fn errors_read_like_a_real_servers() {
    require_kubectl!();
    let sim = TestSim::empty();
    let missing = sim.kubectl_err(&["get", "pods", "nope"]);
    assert_eq!(
        missing.trim(),
        "Error from server (NotFound): pods \"nope\" not found"
    );
    let bad = MYAPP_DEPLOY
        .replace("name: myapp-deploy", "name: Bad_Name")
        .replace("replicas: 3", "replicas: -1")
        .replace(
            "        app: myapp\n    spec",
            "        app: other\n    spec",
        );
    let path = sim.write_file("bad.yaml", &bad);
    let invalid = sim.kubectl_err(&["apply", "-f", path.to_str().unwrap()]);
    for want in [
        "The Deployment \"Bad_Name\" is invalid",
        "metadata.name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain",
        "spec.replicas: Invalid value: -1: must be greater than or equal to 0",
        "spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"other\"}: `selector` does not match template `labels`",
    ] {
        assert!(invalid.contains(want), "missing {want:?} in:\n{invalid}");
    }
    let typo = MYAPP_DEPLOY.replace("image: nginx", "imagee: nginx");
    let path = sim.write_file("typo.yaml", &typo);
    let unknown = sim.kubectl_err(&["apply", "-f", path.to_str().unwrap()]);
    assert!(
        unknown.contains("Error from server (BadRequest)")
            && unknown.contains(
                "strict decoding error: unknown field \"spec.template.spec.containers[0].imagee\""
            ),
        "{unknown}"
    );
    let no_containers =
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: empty\nspec:\n  containers: []\n";
    let path = sim.write_file("empty.yaml", no_containers);
    let invalid = sim.kubectl_err(&["create", "-f", path.to_str().unwrap()]);
    assert!(
        invalid.contains("Pod \"empty\" is invalid: spec.containers: Required value"),
        "{invalid}"
    );

    apply(&sim, "deploy.yaml", MYAPP_DEPLOY);
    sim.kubectl_ok(&["create", "secret", "generic", "s", "--from-literal=k=v"]);
    let viewer = |args: &[&str]| sim.kubectl_viewer(args);
    let listed = viewer(&["get", "deploy"]);
    assert!(listed.status.success(), "viewer may list deployments");
    let denied = support::stderr(&viewer(&["delete", "deploy", "myapp-deploy"]));
    assert_eq!(
        denied.trim(),
        "Error from server (Forbidden): deployments.apps \"myapp-deploy\" is forbidden: User \"viewer\" cannot delete resource \"deployments\" in API group \"apps\" in the namespace \"default\""
    );
    let secrets = support::stderr(&viewer(&["get", "secrets"]));
    assert!(
        secrets.contains("secrets is forbidden: User \"viewer\" cannot list resource \"secrets\" in API group \"\" in the namespace \"default\""),
        "{secrets}"
    );
    let scale = support::stderr(&viewer(&[
        "scale",
        "deploy",
        "myapp-deploy",
        "--replicas=1",
    ]));
    assert!(
        scale.contains("cannot patch resource \"deployments/scale\""),
        "{scale}"
    );
}

fn typed_create_commands_work_through_protobuf() {
    require_kubectl!();
    let sim = TestSim::empty();
    let ok = |args: &[&str]| sim.kubectl_ok(args);
    ok(&[
        "create",
        "deployment",
        "web",
        "--image=nginx:1.14.1",
        "--replicas=3",
        "--port=80",
    ]);
    ok(&[
        "create",
        "configmap",
        "cfg",
        "--from-literal=a=1",
        "--from-literal=b=two",
    ]);
    ok(&["create", "secret", "generic", "sec", "--from-literal=k=v"]);
    ok(&["create", "namespace", "team"]);
    ok(&["create", "service", "nodeport", "web", "--tcp=80:8080"]);
    ok(&[
        "run",
        "pod1",
        "--image=busybox:1.36",
        "--labels=app=x",
        "--",
        "sleep",
        "3600",
    ]);
    let deploy: Value = serde_json::from_str(&ok(&["get", "deploy", "web", "-o", "json"])).unwrap();
    let c = &deploy["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(c["image"], "nginx:1.14.1");
    assert_eq!(c["ports"][0]["containerPort"], 80);
    assert_eq!(deploy["spec"]["replicas"], 3);
    assert_eq!(deploy["spec"]["selector"]["matchLabels"]["app"], "web");
    assert_eq!(ok(&["get", "cm", "cfg", "-o", "jsonpath={.data.b}"]), "two");
    assert_eq!(
        ok(&["get", "secret", "sec", "-o", "jsonpath={.data.k}"]),
        "dg=="
    );
    let ports = ok(&[
        "get",
        "svc",
        "web",
        "-o",
        "jsonpath={.spec.ports[0].targetPort} {.spec.ports[0].nodePort}",
    ]);
    let (target, node_port) = ports.split_once(' ').unwrap();
    assert_eq!(target, "8080");
    assert!(
        (30000..=32767).contains(&node_port.parse::<i64>().unwrap()),
        "{ports}"
    );
    assert_eq!(
        ok(&[
            "get",
            "pod",
            "pod1",
            "-o",
            "jsonpath={.spec.containers[0].args}"
        ]),
        r#"["sleep","3600"]"#
    );
    assert!(ok(&["get", "ns"]).contains("team"));
}

fn kdeck_sim_serves_until_sigterm() {
    require_kubectl!();
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("kc");
    let mut child = Command::new(env!("CARGO_BIN_EXE_kdeck"))
        .args(["sim", "--scenario", "empty", "--write-kubeconfig"])
        .arg(&kubeconfig)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("cannot run kdeck sim");
    let stdout = child.stdout.take().expect("piped stdout");
    let mut lines = BufReader::new(stdout).lines();
    let mut printed = Vec::new();
    for line in lines.by_ref() {
        let line = line.expect("readable output");
        let done = line.contains("export KUBECONFIG=");
        printed.push(line);
        if done {
            break;
        }
    }
    let printed = printed.join("\n");
    assert!(printed.contains("serves http://127.0.0.1:"), "{printed}");
    assert!(
        printed.contains(&format!("export KUBECONFIG={}", kubeconfig.display())),
        "{printed}"
    );
    let out = Command::new("kubectl")
        .arg("--kubeconfig")
        .arg(&kubeconfig)
        .args(["get", "namespaces", "-o", "name"])
        .output()
        .expect("cannot run kubectl");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("namespace/kube-system"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let contexts = Command::new("kubectl")
        .arg("--kubeconfig")
        .arg(&kubeconfig)
        .args(["config", "get-contexts", "-o", "name"])
        .output()
        .expect("cannot run kubectl");
    let contexts = String::from_utf8_lossy(&contexts.stdout);
    assert!(
        contexts.contains("kdeck-sim") && contexts.contains("kdeck-sim-viewer"),
        "{contexts}"
    );
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("cannot run kill");
    assert!(killed.success());
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait());
    });
    let status = rx
        .recv_timeout(test_timeout())
        .expect("kdeck sim stops after SIGTERM")
        .expect("a waitable child");
    assert!(status.success(), "kdeck sim exits cleanly: {status}");
}

fn auth_can_i_and_whoami_follow_the_roles() {
    require_kubectl!();
    let sim = TestSim::empty();
    let can = |viewer: bool, args: &[&str]| -> String {
        let mut all = vec!["auth", "can-i"];
        all.extend_from_slice(args);
        let out = if viewer {
            sim.kubectl_viewer(&all)
        } else {
            sim.kubectl(&all)
        };
        support::stdout(&out).trim().to_string()
    };
    assert_eq!(can(false, &["create", "deployments"]), "yes");
    assert_eq!(can(false, &["delete", "secrets"]), "yes");
    assert_eq!(can(true, &["list", "pods"]), "yes");
    assert_eq!(can(true, &["watch", "deployments.apps"]), "yes");
    assert_eq!(can(true, &["create", "deployments"]), "no");
    assert_eq!(can(true, &["get", "secrets"]), "no");
    assert_eq!(
        can(true, &["patch", "deployments", "--subresource=scale"]),
        "no"
    );
    let rules = support::stdout(&sim.kubectl_viewer(&["auth", "can-i", "--list"]));
    assert!(
        rules.contains("pods") && !rules.contains("secrets"),
        "{rules}"
    );
    let whoami = sim.kubectl_ok(&["auth", "whoami"]);
    assert!(
        whoami
            .lines()
            .any(|l| l.split_whitespace().collect::<Vec<_>>() == ["Username", "admin"]),
        "{whoami}"
    );
}

support::conformance_tests![
    get_prints_the_real_servers_table_columns,
    output_formats_yaml_and_json_carry_the_object,
    label_and_field_selectors_with_every_operator,
    create_and_apply_the_tutorial_manifests,
    label_annotate_and_the_three_patch_forms,
    scale_and_delete,
    get_watch_sees_changes,
    errors_read_like_a_real_servers,
    typed_create_commands_work_through_protobuf,
    kdeck_sim_serves_until_sigterm,
    auth_can_i_and_whoami_follow_the_roles,
];
