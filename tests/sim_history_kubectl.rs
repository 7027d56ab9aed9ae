//! ControllerRevisions with the REAL kubectl: `rollout history` and `rollout undo` of a
//! StatefulSet and a DaemonSet, and `kubectl get controllerrevisions`.

mod support;

use support::{TestSim, test_timeout, wait_until};

const STATEFUL_SET: &str = r"
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  replicas: 2
  serviceName: web
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: nginx:1.26.0
";

const DAEMON_SET: &str = r"
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
spec:
  selector:
    matchLabels:
      app: agent
  template:
    metadata:
      labels:
        app: agent
    spec:
      tolerations:
      - operator: Exists
      containers:
      - name: agent
        image: fluent/fluent-bit:3.1.0
";

/// The images of the live (not terminating) pods labelled `app=<app>`, sorted.
fn live_images(sim: &TestSim, app: &str) -> Vec<String> {
    let out = sim.kubectl_ok(&[
        "get",
        "pods",
        "-l",
        &format!("app={app}"),
        "--no-headers",
        "-o",
        "custom-columns=IMAGE:.spec.containers[0].image,DELETING:.metadata.deletionTimestamp",
    ]);
    let mut images: Vec<String> = out
        .lines()
        .filter_map(|l| {
            let cols: Vec<&str> = l.split_whitespace().collect();
            (cols.len() == 2 && cols[1] == "<none>").then(|| cols[0].to_string())
        })
        .collect();
    images.sort();
    images
}

fn wait_for_images(sim: &TestSim, app: &str, image: &str, count: usize) {
    wait_until(
        test_timeout(),
        &format!("{count} live {app} pods on {image}"),
        || live_images(sim, app) == vec![image.to_string(); count],
    );
}

fn rollout_status(sim: &TestSim, what: &str) -> String {
    let timeout = format!("--timeout={}s", test_timeout().as_secs());
    sim.kubectl_ok(&["rollout", "status", what, &timeout])
}

/// `REVISION` numbers `kubectl rollout history` lists.
fn history_numbers(sim: &TestSim, what: &str) -> Vec<String> {
    let out = sim.kubectl_ok(&["rollout", "history", what]);
    assert!(out.contains("REVISION  CHANGE-CAUSE"), "{out}");
    out.lines()
        .skip_while(|l| !l.starts_with("REVISION"))
        .skip(1)
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .collect()
}

fn a_stateful_set_has_a_history_kubectl_reads_and_rolls_back() {
    require_kubectl!();
    let sim = TestSim::empty();
    let manifest = sim.write_file("web.yaml", STATEFUL_SET);
    sim.kubectl_ok(&["apply", "-f", manifest.to_str().unwrap_or_default()]);
    rollout_status(&sim, "sts/web");
    assert_eq!(history_numbers(&sim, "sts/web"), ["1"]);

    sim.kubectl_ok(&["set", "image", "sts/web", "nginx=nginx:1.27.0"]);
    let done = rollout_status(&sim, "sts/web");
    // The API defaults `rollingUpdate.partition` to 0, so kubectl reports a partitioned roll out.
    assert!(
        done.contains("partitioned roll out complete: 2 new pods have been updated"),
        "{done}"
    );
    wait_for_images(&sim, "web", "nginx:1.27.0", 2);
    assert_eq!(history_numbers(&sim, "sts/web"), ["1", "2"]);
    let first = sim.kubectl_ok(&["rollout", "history", "sts/web", "--revision=1"]);
    assert!(
        first.contains("Image:") && first.contains("nginx:1.26.0"),
        "{first}"
    );
    assert!(first.contains("app=web"), "{first}");

    // `kubectl get controllerrevisions`: the columns of the real printer.
    let revisions = sim.kubectl_ok(&["get", "controllerrevisions"]);
    let header: Vec<&str> = revisions
        .lines()
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .collect();
    assert_eq!(
        header,
        ["NAME", "CONTROLLER", "REVISION", "AGE"],
        "{revisions}"
    );
    let rows: Vec<Vec<&str>> = revisions
        .lines()
        .skip(1)
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(rows.len(), 2, "{revisions}");
    for (row, number) in rows.iter().zip(["1", "2"]) {
        assert!(row[0].starts_with("web-"), "{revisions}");
        assert_eq!(row[1], "statefulset.apps/web", "{revisions}");
        assert_eq!(row[2], number, "{revisions}");
    }
    // The status names the revisions, and the pods carry the update revision's name.
    let status = sim.kubectl_ok(&[
        "get",
        "sts/web",
        "-o",
        "jsonpath={.status.currentRevision} {.status.updateRevision}",
    ]);
    let newest = rows[1][0];
    assert_eq!(status, format!("{newest} {newest}"));
    let labels = sim.kubectl_ok(&[
        "get",
        "pods",
        "-l",
        &format!("controller-revision-hash={newest}"),
        "-o",
        "name",
    ]);
    assert_eq!(labels.lines().count(), 2, "{labels}");

    // Undo to the previous revision: the old image comes back as revision 3.
    let undone = sim.kubectl_ok(&["rollout", "undo", "sts/web"]);
    assert!(undone.contains("rolled back"), "{undone}");
    rollout_status(&sim, "sts/web");
    wait_for_images(&sim, "web", "nginx:1.26.0", 2);
    assert_eq!(history_numbers(&sim, "sts/web"), ["2", "3"]);

    // And to a named revision.
    sim.kubectl_ok(&["rollout", "undo", "sts/web", "--to-revision=2"]);
    rollout_status(&sim, "sts/web");
    wait_for_images(&sim, "web", "nginx:1.27.0", 2);
    assert_eq!(history_numbers(&sim, "sts/web"), ["3", "4"]);
    let missing = sim.kubectl_err(&["rollout", "undo", "sts/web", "--to-revision=1"]);
    assert!(
        missing.contains("unable to find specified revision"),
        "{missing}"
    );

    // The revisions go with their owner.
    sim.kubectl_ok(&["delete", "sts/web"]);
    wait_until(test_timeout(), "the revisions to be collected", || {
        sim.kubectl_ok(&["get", "controllerrevisions", "-o", "name"])
            .trim()
            .is_empty()
    });
}

fn a_daemon_set_has_a_history_kubectl_reads_and_rolls_back() {
    require_kubectl!();
    let sim = TestSim::empty();
    let nodes = sim
        .kubectl_ok(&["get", "nodes", "-o", "name"])
        .lines()
        .count();
    let manifest = sim.write_file("agent.yaml", DAEMON_SET);
    sim.kubectl_ok(&["apply", "-f", manifest.to_str().unwrap_or_default()]);
    rollout_status(&sim, "ds/agent");
    wait_for_images(&sim, "agent", "fluent/fluent-bit:3.1.0", nodes);

    sim.kubectl_ok(&["set", "image", "ds/agent", "agent=fluent/fluent-bit:3.2.0"]);
    rollout_status(&sim, "ds/agent");
    wait_for_images(&sim, "agent", "fluent/fluent-bit:3.2.0", nodes);
    assert_eq!(history_numbers(&sim, "ds/agent"), ["1", "2"]);
    let first = sim.kubectl_ok(&["rollout", "history", "ds/agent", "--revision=1"]);
    assert!(first.contains("fluent/fluent-bit:3.1.0"), "{first}");

    sim.kubectl_ok(&["rollout", "undo", "ds/agent", "--to-revision=1"]);
    rollout_status(&sim, "ds/agent");
    wait_for_images(&sim, "agent", "fluent/fluent-bit:3.1.0", nodes);
    assert_eq!(history_numbers(&sim, "ds/agent"), ["2", "3"]);

    let skipped = sim.kubectl_ok(&["rollout", "undo", "ds/agent", "--to-revision=3"]);
    assert!(skipped.contains("skipped rollback"), "{skipped}");
    sim.kubectl_ok(&["rollout", "undo", "ds/agent"]);
    rollout_status(&sim, "ds/agent");
    wait_for_images(&sim, "agent", "fluent/fluent-bit:3.2.0", nodes);
    assert_eq!(history_numbers(&sim, "ds/agent"), ["3", "4"]);
}

support::conformance_tests![
    a_stateful_set_has_a_history_kubectl_reads_and_rolls_back,
    a_daemon_set_has_a_history_kubectl_reads_and_rolls_back,
];
