//! Where pods go, with the REAL kubectl: a pod whose `nodeSelector` no node matches
//! stays Pending with kube-scheduler's `FailedScheduling` words (each node's reason
//! counted) until `kubectl label node` makes one match; a DaemonSet with a
//! `nodeSelector` runs on the matching nodes only, follows their labels, and its pods
//! carry the node-name affinity and the tolerations the DaemonSet controller adds.

mod support;

use support::{TestSim, test_timeout, wait_until};

const SSD_AGENT: &str = r#"
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: ssd-agent
spec:
  selector:
    matchLabels:
      app: ssd-agent
  template:
    metadata:
      labels:
        app: ssd-agent
    spec:
      nodeSelector:
        disktype: ssd
      containers:
      - name: agent
        image: busybox
        command: ["sleep", "3600"]
"#;

fn jsonpath(sim: &TestSim, args: &[&str], path: &str) -> String {
    let mut all = args.to_vec();
    let output = format!("jsonpath={path}");
    all.extend(["-o", &output]);
    sim.kubectl_ok(&all)
}

fn a_pod_no_node_matches_waits_until_one_is_labeled() {
    support::require_kubectl!();
    let sim = TestSim::start();
    sim.kubectl_ok(&[
        "run",
        "pinned",
        "--image=nginx",
        r#"--overrides={"spec":{"nodeSelector":{"disktype":"ssd"}}}"#,
    ]);
    let expected = "0/3 nodes are available: 1 node(s) had untolerated taint \
        {node-role.kubernetes.io/control-plane: }, 2 node(s) didn't match Pod's node \
        affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not \
        helpful for scheduling.";
    wait_until(test_timeout(), "FailedScheduling", || {
        sim.kubectl_ok(&["describe", "pod", "pinned"])
            .contains(expected)
    });
    assert_eq!(
        jsonpath(
            &sim,
            &["get", "pod", "pinned"],
            "{.status.phase} {.spec.nodeName}"
        ),
        "Pending "
    );
    sim.kubectl_ok(&["label", "node", "kdeck-worker2", "disktype=ssd"]);
    wait_until(
        test_timeout(),
        "the pod is bound to the labeled node",
        || jsonpath(&sim, &["get", "pod", "pinned"], "{.spec.nodeName}") == "kdeck-worker2",
    );
    let events = sim.kubectl_ok(&[
        "get",
        "events",
        "--field-selector",
        "involvedObject.name=pinned",
    ]);
    assert!(
        events.contains("Successfully assigned default/pinned to kdeck-worker2"),
        "{events}"
    );
}

fn a_daemon_set_with_a_node_selector_follows_the_labels() {
    support::require_kubectl!();
    let sim = TestSim::start();
    sim.kubectl_ok(&["label", "node", "kdeck-worker", "disktype=ssd"]);
    let manifest = sim.write_file("ssd-agent.yaml", SSD_AGENT);
    sim.kubectl_ok(&["apply", "-f", manifest.to_str().unwrap_or_default()]);
    let desired = || {
        jsonpath(
            &sim,
            &["get", "ds", "ssd-agent"],
            "{.status.desiredNumberScheduled} {.status.numberReady}",
        )
    };
    wait_until(test_timeout(), "one agent, on kdeck-worker", || {
        desired() == "1 1"
    });
    let pod = "{.items[0].spec}";
    let spec = jsonpath(&sim, &["get", "pods", "-l", "app=ssd-agent"], pod);
    assert!(
        spec.contains(r#""nodeSelectorTerms":[{"matchFields":[{"key":"metadata.name","operator":"In","values":["kdeck-worker"]}]}]"#),
        "{spec}"
    );
    for key in ["not-ready", "unreachable", "disk-pressure", "unschedulable"] {
        assert!(
            spec.contains(&format!("node.kubernetes.io/{key}")),
            "{key}: {spec}"
        );
    }
    assert_eq!(
        jsonpath(
            &sim,
            &["get", "pods", "-l", "app=ssd-agent"],
            "{.items[*].spec.nodeName}"
        ),
        "kdeck-worker"
    );
    sim.kubectl_ok(&["label", "node", "kdeck-worker2", "disktype=ssd"]);
    wait_until(test_timeout(), "a second agent", || desired() == "2 2");
    sim.kubectl_ok(&["label", "node", "kdeck-worker", "disktype-"]);
    wait_until(
        test_timeout(),
        "the first agent gone with the label",
        || {
            desired() == "1 1"
                && jsonpath(
                    &sim,
                    &[
                        "get",
                        "pods",
                        "-l",
                        "app=ssd-agent",
                        "--field-selector",
                        "status.phase=Running",
                    ],
                    "{.items[*].spec.nodeName}",
                ) == "kdeck-worker2"
        },
    );
}

support::conformance_tests![
    a_pod_no_node_matches_waits_until_one_is_labeled,
    a_daemon_set_with_a_node_selector_follows_the_labels,
];
