//! The tutorial's canary, driven only by keys in the real binary in a pseudo-terminal
//! against the embedded cluster (seed scenario): canary of 1 with nginx:1.15.7 on
//! myapp-deploy, promote, undo to revision 1; a canary of a crashing image aborted;
//! and the same keys in a read-only session, which sends nothing but GETs.

mod pty;
mod support;

use std::path::Path;

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, ListParams};
use pty::{PtySession, keys};
use support::TestSim;

const CTRL_U: &str = "\x15";

fn kdeck(sim: &TestSim, extra: &[&str]) -> PtySession {
    let kubeconfig = sim.kubeconfig_path().to_str().expect("utf-8 path");
    let config_home = sim.dir().join("config");
    let mut args = vec!["--kubeconfig", kubeconfig, "--command", "deploy"];
    args.extend_from_slice(extra);
    PtySession::spawn(
        Path::new(env!("CARGO_BIN_EXE_kdeck")),
        &args,
        &[("XDG_CONFIG_HOME", config_home.to_str().expect("utf-8 path"))],
        160,
        50,
    )
}

fn quit(session: &mut PtySession) {
    session.send(keys::ESC);
    session.send(keys::ESC);
    session.send("q");
    assert_eq!(session.wait_exit(), 0, "kdeck exits cleanly on q");
    session
        .terminal_restored()
        .expect("the terminal is restored");
}

/// Filters the Deployments pane down to myapp-deploy.
fn select_myapp(s: &mut PtySession) {
    s.wait_for_text("myapp-deploy");
    s.wait_for_text("State: live");
    s.type_slowly("/myapp");
    s.send(keys::ENTER);
    s.wait_for_text("deployments(default)</myapp>[1]");
}

/// The images of myapp's pods that are not being deleted, and whether the
/// Deployment is paused, read from the cluster (not the screen).
fn cluster_view(sim: &TestSim) -> (Vec<String>, bool) {
    sim.block_on(async {
        let client = sim
            .client()
            .await
            .expect("a client of the embedded cluster");
        let pods = Api::<Pod>::namespaced(client.clone(), "default")
            .list(&ListParams::default().labels("app=myapp"))
            .await
            .expect("list pods");
        let mut images: Vec<String> = pods
            .items
            .iter()
            .filter(|p| p.metadata.deletion_timestamp.is_none())
            .filter_map(|p| p.spec.as_ref()?.containers.first()?.image.clone())
            .collect();
        images.sort();
        let deployment = Api::<Deployment>::namespaced(client, "default")
            .get("myapp-deploy")
            .await
            .expect("get myapp-deploy");
        let paused = deployment.spec.and_then(|s| s.paused).unwrap_or(false);
        (images, paused)
    })
}

fn wait_for_cluster(sim: &TestSim, what: &str, want_images: &[&str], want_paused: bool) {
    support::wait_until(support::test_timeout(), what, || {
        let (images, paused) = cluster_view(sim);
        images == want_images && paused == want_paused
    });
}

/// Opens the canary dialog on the selected Deployment and sends `image` with 1 new pod.
fn start_canary(s: &mut PtySession, image: &str) {
    s.send("c");
    s.wait_for_text("canary deployment/myapp-deploy");
    s.wait_for_text("(now nginx:1.14.1)");
    s.send(CTRL_U);
    s.type_slowly(image);
    s.wait_for_text(&format!(
        "Enter sends: canary deployment/myapp-deploy myapp={image}, 1 new pod(s) then pause"
    ));
    s.send(keys::ENTER);
    s.wait_for_text("rollout myapp-deploy(default)");
}

#[test]
fn canary_promote_then_undo_to_revision_one_by_keys() {
    let sim = TestSim::start();
    let mut s = kdeck(&sim, &[]);
    select_myapp(&mut s);
    start_canary(&mut s, "nginx:1.15.7");
    let screen = s.wait_for("3 old + 1 new pods, paused", |t| {
        t.contains("PAUSED") && t.contains("(rev 2, current) 1 pod") && t.contains("(rev 1) 3 pods")
    });
    assert!(screen.contains("nginx:1.15.7"), "{screen}");
    s.wait_for_text("rollout paused");
    // The progress line names the keys that end the canary.
    s.wait_for_text("canary paused: P promote · A abort");
    let mut want = vec!["nginx:1.14.1"; 3];
    want.push("nginx:1.15.7");
    want.sort_unstable();
    wait_for_cluster(
        &sim,
        "3 old + 1 new pods, paused, in the cluster",
        &want,
        true,
    );

    s.send("P");
    s.wait_for_text("promote the canary of deployment/myapp-deploy?");
    s.send(keys::ENTER);
    s.wait_for("3 new pods, resumed", |t| {
        !t.contains("PAUSED") && t.contains("(rev 2, current) 3 pods") && !t.contains("(rev 1)")
    });
    wait_for_cluster(
        &sim,
        "3 new pods in the cluster",
        &["nginx:1.15.7"; 3],
        false,
    );

    s.send("u");
    s.wait_for_text("REVISION");
    s.wait_for_text("2 (now)");
    s.send(keys::ENTER);
    s.wait_for_text("undo deployment/myapp-deploy to revision 1");
    s.wait_for("the diff bringing nginx:1.14.1 back", |t| {
        t.lines()
            .any(|l| l.contains('+') && l.contains("image: nginx:1.14.1"))
    });
    s.send(keys::ENTER);
    s.wait_for("nginx:1.14.1 pods again", |t| {
        t.contains("(rev 3, current) 3 pods") && !t.contains("(rev 2)")
    });
    wait_for_cluster(
        &sim,
        "3 nginx:1.14.1 pods in the cluster",
        &["nginx:1.14.1"; 3],
        false,
    );
    quit(&mut s);
}

#[test]
fn canary_of_a_crashing_image_is_aborted_by_keys() {
    let sim = TestSim::start();
    let mut s = kdeck(&sim, &[]);
    select_myapp(&mut s);
    start_canary(&mut s, "nginx:crash");
    s.wait_for("the crashing canary pod next to the 3 old ones", |t| {
        t.contains("(rev 2, current) 1 pod") && t.contains("(rev 1) 3 pods")
    });
    s.send("A");
    s.wait_for_text("abort the canary of deployment/myapp-deploy?");
    s.send(keys::ENTER);
    s.wait_for("back on the old pods", |t| {
        t.contains("(rev 3, current) 3 pods") && !t.contains("(rev 2)") && !t.contains("PAUSED")
    });
    wait_for_cluster(
        &sim,
        "3 nginx:1.14.1 pods, resumed",
        &["nginx:1.14.1"; 3],
        false,
    );
    quit(&mut s);
}

#[test]
fn the_same_keys_in_a_read_only_session_send_only_reads() {
    let sim = TestSim::start();
    let mut s = kdeck(&sim, &["--readonly"]);
    s.wait_for_text("READ-ONLY");
    select_myapp(&mut s);
    // Each mutating key of the canary test, on myapp's row. None opens a dialog (an
    // Enter here would confirm nothing and only drill down), each says why; every text
    // differs, so each wait proves its own key was taken.
    for (key, what) in [
        ("c", "start canary"),
        ("P", "promote canary"),
        ("u", "undo rollout"),
        ("A", "abort canary"),
        ("s", "scale"),
        ("i", "set image"),
        ("r", "resume rollout"),
        ("X", "delete"),
        ("p", "pause rollout"),
        ("R", "restart rollout"),
    ] {
        s.send(key);
        s.wait_for_text(&format!("read-only session: {what}"));
        assert!(
            s.screen().contains("deployments(default)</myapp>[1]"),
            "{key} left the Deployments pane:\n{}",
            s.screen()
        );
    }
    quit(&mut s);
    let requests = sim.requests();
    assert!(!requests.is_empty(), "kdeck talked to the cluster");
    let writes: Vec<_> = requests
        .iter()
        .filter(|r| r.method != "GET" || !matches!(r.verb.as_str(), "get" | "list" | "watch"))
        .collect();
    assert!(writes.is_empty(), "read-only kdeck sent {writes:?}");
}
