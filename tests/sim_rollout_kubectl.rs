//! The tutorial's Deployment session (create, update strategy, rolling update,
//! canary with pause/resume, history, undo, scale, logs, describe) run with the
//! REAL kubectl against the embedded cluster's `seed` scenario.

mod support;

use std::time::Duration;

use kdeck::cli::{ScenarioName, SimArgs};
use kdeck::sim::SimOptions;
use support::{TestSim, test_timeout, wait_until};

/// Slow enough that `set image && rollout pause` lands before the first new pod is
/// available (ready after ~3 simulated seconds, available 5 seconds later).
const CANARY_SPEED: f64 = 4.0;

fn start() -> TestSim {
    TestSim::with_options(SimOptions {
        args: SimArgs {
            scenario: ScenarioName::Seed,
            speed: CANARY_SPEED,
            ..SimArgs::default()
        },
        manual_clock: false,
    })
}

/// `(name, image)` of the myapp pods that are not terminating.
fn live_pods(sim: &TestSim) -> Vec<(String, String)> {
    let out = sim.kubectl_ok(&[
        "get",
        "pods",
        "-l",
        "app=myapp",
        "--no-headers",
        "-o",
        "custom-columns=NAME:.metadata.name,IMAGE:.spec.containers[0].image,DELETING:.metadata.deletionTimestamp",
    ]);
    out.lines()
        .filter_map(|l| {
            let cols: Vec<&str> = l.split_whitespace().collect();
            (cols.len() == 3 && cols[2] == "<none>")
                .then(|| (cols[0].to_string(), cols[1].to_string()))
        })
        .collect()
}

fn count_images(pods: &[(String, String)], image: &str) -> usize {
    pods.iter().filter(|(_, i)| i == image).count()
}

fn wait_for_images(sim: &TestSim, want: &[(&str, usize)]) {
    let what = format!("myapp pods with images {want:?}");
    wait_until(test_timeout(), &what, || {
        let pods = live_pods(sim);
        pods.len() == want.iter().map(|(_, n)| n).sum::<usize>()
            && want.iter().all(|(i, n)| count_images(&pods, i) == *n)
    });
}

fn rollout_status(sim: &TestSim) -> String {
    let timeout = format!("--timeout={}s", test_timeout().as_secs());
    sim.kubectl_ok(&["rollout", "status", "deployment", "myapp-deploy", &timeout])
}

fn tutorial_deployment_session_with_canary_pause_undo_scale_and_logs() {
    require_kubectl!();
    let sim = start();

    // 6.3.1: the seed's Deployment, its ReplicaSet and pods.
    let deploy = sim.kubectl_ok(&["get", "deployments", "myapp-deploy"]);
    assert!(
        deploy.contains("READY   UP-TO-DATE   AVAILABLE"),
        "{deploy}"
    );
    assert!(
        deploy
            .lines()
            .nth(1)
            .is_some_and(|l| l
                .split_whitespace()
                .take(4)
                .eq(["myapp-deploy", "3/3", "3", "3"])),
        "{deploy}"
    );
    let rs = sim.kubectl_ok(&["get", "replicasets", "-l", "app=myapp", "--no-headers"]);
    let first_rs = rs.split_whitespace().next().unwrap_or_default().to_string();
    assert!(first_rs.starts_with("myapp-deploy-"), "{rs}");
    assert_eq!(live_pods(&sim).len(), 3);

    // 6.3.3: the update strategy patches, then a rolling update.
    let patched = sim.kubectl_ok(&[
        "patch",
        "deployments",
        "myapp-deploy",
        "-p",
        r#"{"spec": {"minReadySeconds": 5}}"#,
    ]);
    assert!(patched.contains("patched (no change)"), "{patched}");
    sim.kubectl_ok(&[
        "patch",
        "deployments",
        "myapp-deploy",
        "-p",
        r#"{"spec": {"strategy": {"rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}}}}"#,
    ]);
    sim.kubectl_ok(&[
        "set",
        "image",
        "deployments",
        "myapp-deploy",
        "myapp=nginx:1.15.5",
    ]);
    let status = rollout_status(&sim);
    assert!(
        status.contains("deployment \"myapp-deploy\" successfully rolled out"),
        "{status}"
    );
    wait_for_images(&sim, &[("nginx:1.15.5", 3)]);
    let rs = sim.kubectl_ok(&["get", "replicasets", "-l", "app=myapp"]);
    let old = rs
        .lines()
        .find(|l| l.starts_with(&first_rs))
        .unwrap_or_default();
    assert!(
        old.split_whitespace().skip(1).take(3).eq(["0", "0", "0"]),
        "{rs}"
    );

    // 6.3.4: the canary. `set image` and `rollout pause` right after: one new pod, three old, and it stays so.
    sim.kubectl_ok(&[
        "set",
        "image",
        "deployments",
        "myapp-deploy",
        "myapp=nginx:1.15.7",
    ]);
    sim.kubectl_ok(&["rollout", "pause", "deployments", "myapp-deploy"]);
    wait_for_images(&sim, &[("nginx:1.15.7", 1), ("nginx:1.15.5", 3)]);
    // Many times minReadySeconds later, once the controllers have settled then, nothing
    // has moved.
    let later = sim.clock().now() + Duration::from_secs(30);
    wait_until(test_timeout(), "30 simulated seconds", || {
        sim.clock().now() >= later
    });
    sim.wait_controllers_settled();
    let pods = live_pods(&sim);
    assert_eq!(
        (
            count_images(&pods, "nginx:1.15.7"),
            count_images(&pods, "nginx:1.15.5")
        ),
        (1, 3),
        "{pods:?}"
    );
    let paused = sim.kubectl_ok(&[
        "rollout",
        "status",
        "deployments",
        "myapp-deploy",
        "--watch=false",
    ]);
    assert!(paused.contains("Waiting for deployment \"myapp-deploy\" rollout to finish: 1 out of 3 new replicas have been updated..."), "{paused}");
    sim.kubectl_ok(&["rollout", "resume", "deployments", "myapp-deploy"]);
    let status = rollout_status(&sim);
    assert!(status.contains("successfully rolled out"), "{status}");
    wait_for_images(&sim, &[("nginx:1.15.7", 3)]);

    // 6.3.5: history and undo.
    let history = sim.kubectl_ok(&["rollout", "history", "deployments", "myapp-deploy"]);
    let revisions: Vec<&str> = history
        .lines()
        .skip(2)
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert_eq!(revisions, ["1", "2", "3"], "{history}");
    assert!(
        history.contains("kubectl apply --filename=myapp-deploy.yaml --record=true"),
        "{history}"
    );
    sim.kubectl_ok(&["rollout", "undo", "deployments", "myapp-deploy"]);
    rollout_status(&sim);

    wait_for_images(&sim, &[("nginx:1.15.5", 3)]);
    let history = sim.kubectl_ok(&["rollout", "history", "deployments", "myapp-deploy"]);
    let revisions: Vec<&str> = history
        .lines()
        .skip(2)
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert_eq!(
        revisions,
        ["1", "3", "4"],
        "the undone revision 2 became 4: {history}"
    );
    sim.kubectl_ok(&[
        "rollout",
        "undo",
        "deployments",
        "myapp-deploy",
        "--to-revision=1",
    ]);
    rollout_status(&sim);
    wait_for_images(&sim, &[("nginx:1.14.1", 3)]);
    let names: Vec<String> = live_pods(&sim).into_iter().map(|(n, _)| n).collect();
    assert!(
        names.iter().all(|n| n.starts_with(&format!("{first_rs}-"))),
        "revision 1's ReplicaSet is reused: {names:?}"
    );

    // 6.3.6: scale.
    sim.kubectl_ok(&["scale", "deployments", "myapp-deploy", "--replicas=5"]);
    wait_for_images(&sim, &[("nginx:1.14.1", 5)]);
    rollout_status(&sim);
    let deploy = sim.kubectl_ok(&["get", "deployments", "myapp-deploy", "--no-headers"]);
    assert!(
        deploy
            .split_whitespace()
            .take(4)
            .eq(["myapp-deploy", "5/5", "5", "5"]),
        "{deploy}"
    );

    // describe shows the controller's events.
    let describe = sim.kubectl_ok(&["describe", "deployment", "myapp-deploy"]);
    assert!(describe.contains("ScalingReplicaSet"), "{describe}");
    assert!(
        describe.contains(&format!("Scaled up replica set {first_rs} to 5 from 3")),
        "{describe}"
    );
    assert!(
        describe.contains("NewReplicaSet:   myapp-deploy-"),
        "{describe}"
    );

    // logs, and logs -f that keeps streaming as the clock moves.
    let pod = &live_pods(&sim)[0].0;
    let logs = sim.kubectl_ok(&["logs", pod, "--timestamps"]);
    assert!(logs.contains("nginx/1.14.1"), "{logs}");
    let tail = sim.kubectl_ok(&["logs", pod, "--tail=2"]);
    assert_eq!(tail.lines().count(), 2, "{tail}");
    let mut follow = std::process::Command::new("kubectl")
        .arg("--kubeconfig")
        .arg(sim.kubeconfig_path())
        .args(["logs", "-f", "--tail=0", pod])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("cannot run kubectl logs -f");
    // Read as lines arrive (a fixed sleep was too short under load): two new request lines.
    let stdout = follow.stdout.take().expect("piped stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        use std::io::BufRead as _;
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let deadline = std::time::Instant::now() + test_timeout();
    let mut streamed = Vec::new();
    while streamed
        .iter()
        .filter(|l: &&String| l.contains("\"GET "))
        .count()
        < 2
    {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        match rx.recv_timeout(left) {
            Ok(line) => streamed.push(line),
            Err(_) => break,
        }
    }
    follow.kill().expect("cannot stop kubectl logs -f");
    follow.wait().expect("kubectl logs -f exits");
    assert!(
        streamed.iter().filter(|l| l.contains("\"GET ")).count() >= 2,
        "new lines arrive while following: {streamed:?}"
    );
}

/// The pod's STATUS and RESTARTS columns as `kubectl get pods` prints them.
fn status_and_restarts(sim: &TestSim, pod: &str) -> (String, u32) {
    let out = sim.kubectl_ok(&["get", "pod", pod, "--no-headers"]);
    let cols: Vec<&str> = out.split_whitespace().collect();
    (
        cols.get(2).copied().unwrap_or_default().to_string(),
        cols.get(3).and_then(|r| r.parse().ok()).unwrap_or(0),
    )
}

fn a_failing_canary_shows_crash_loops_and_pull_errors() {
    require_kubectl!();
    let sim = TestSim::start();
    sim.kubectl_ok(&[
        "set",
        "image",
        "deployments",
        "myapp-deploy",
        "myapp=nginx:crash",
    ]);
    let canary = || {
        live_pods(&sim)
            .into_iter()
            .find(|(_, image)| image == "nginx:crash")
            .map(|(name, _)| name)
    };
    wait_until(test_timeout(), "a canary pod", || canary().is_some());
    let pod = canary().unwrap_or_default();
    wait_until(test_timeout(), "the canary crash-looping", || {
        let (status, restarts) = status_and_restarts(&sim, &pod);
        status == "CrashLoopBackOff" && restarts >= 1
    });
    assert_eq!(
        count_images(&live_pods(&sim), "nginx:1.14.1"),
        3,
        "maxUnavailable 0 keeps the old pods"
    );
    let previous = sim.kubectl_ok(&["logs", &pod, "--previous"]);
    assert!(previous.contains("[emerg]"), "{previous}");
    let describe = sim.kubectl_ok(&["describe", "pod", &pod]);
    assert!(
        describe.contains("Back-off restarting failed container myapp"),
        "{describe}"
    );
    let status = sim.kubectl(&[
        "rollout",
        "status",
        "deployment",
        "myapp-deploy",
        "--watch=false",
    ]);
    assert!(
        String::from_utf8_lossy(&status.stdout).contains("Waiting for deployment"),
        "{status:?}"
    );

    sim.kubectl_ok(&[
        "set",
        "image",
        "deployments",
        "myapp-deploy",
        "myapp=nginx:bad",
    ]);
    wait_until(test_timeout(), "a pod failing to pull nginx:bad", || {
        live_pods(&sim)
            .into_iter()
            .filter(|(_, i)| i == "nginx:bad")
            .any(|(name, _)| {
                matches!(
                    status_and_restarts(&sim, &name).0.as_str(),
                    "ErrImagePull" | "ImagePullBackOff"
                )
            })
    });
    let events = sim.kubectl_ok(&["get", "events", "--field-selector", "type=Warning"]);
    assert!(
        events.contains("Failed to pull image \"nginx:bad\""),
        "{events}"
    );
    sim.kubectl_ok(&[
        "rollout",
        "undo",
        "deployments",
        "myapp-deploy",
        "--to-revision=1",
    ]);
    let status = rollout_status(&sim);
    assert!(status.contains("successfully rolled out"), "{status}");
    wait_for_images(&sim, &[("nginx:1.14.1", 3)]);
}

support::conformance_tests![
    tutorial_deployment_session_with_canary_pause_undo_scale_and_logs,
    a_failing_canary_shows_crash_loops_and_pull_errors,
];
