//! The stepped canary driven through the real binary in a pseudo-terminal: kdeck started
//! on the Deployments pane with `[canary]` settings, a plan started on myapp-deploy from
//! the canary dialog, and what the canary leaves in the cluster, read through kube-rs.

#![allow(
    dead_code,
    reason = "each test binary uses a different part of the helpers"
)]

use std::path::Path;

use jiff::Timestamp;
use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use k8s_openapi::api::core::v1::{Event, Pod};
use kube::api::{Api, ListParams};

use crate::pty::{PtySession, keys};
use crate::support::{self, TestSim};

/// Ctrl-U: clears a dialog field.
pub const CTRL_U: &str = "\x15";
/// The Deployment annotation holding a plan.
pub const PLAN_ANNOTATION: &str = "kdeck.io/canary-plan";
/// The lease of the tests' kdecks: short, so a take-over comes soon after a kill.
pub const LEASE_SECONDS: u64 = 4;

/// kdeck on the tests' own `[canary]` settings.
pub fn kdeck(sim: &TestSim) -> PtySession {
    kdeck_with(sim, "")
}

/// kdeck with `[canary]` settings added to the tests' own.
pub fn kdeck_with(sim: &TestSim, canary_settings: &str) -> PtySession {
    let kubeconfig = sim.kubeconfig_path().to_str().expect("utf-8 path");
    let config_home = sim.dir().join("config");
    std::fs::create_dir_all(config_home.join("kdeck")).expect("the config dir");
    std::fs::write(
        config_home.join("kdeck").join("config.toml"),
        format!("[canary]\nlease_seconds = {LEASE_SECONDS}\n{canary_settings}"),
    )
    .expect("the config file");
    PtySession::spawn(
        Path::new(env!("CARGO_BIN_EXE_kdeck")),
        &["--kubeconfig", kubeconfig, "--command", "deploy"],
        &[("XDG_CONFIG_HOME", config_home.to_str().expect("utf-8 path"))],
        160,
        50,
    )
}

/// Quits kdeck from any screen and expects a clean exit.
pub fn quit(session: &mut PtySession) {
    session.send(keys::ESC);
    session.send(keys::ESC);
    session.send("q");
    assert_eq!(session.wait_exit(), 0, "kdeck exits cleanly on q");
}

/// Filters the Deployments pane down to myapp-deploy.
pub fn select_myapp(s: &mut PtySession) {
    s.wait_for_text("myapp-deploy");
    s.wait_for_text("State: live");
    s.type_slowly("/myapp");
    s.send(keys::ENTER);
    s.wait_for_text("deployments(default)</myapp>[1]");
}

/// Opens the canary dialog on the selected Deployment and starts `plan` with `image`.
pub fn start_plan(s: &mut PtySession, image: &str, plan: &str, steps: usize) {
    s.send("c");
    s.wait_for_text("canary deployment/myapp-deploy");
    s.send(CTRL_U);
    s.type_slowly(image);
    s.send(keys::TAB);
    s.send(CTRL_U);
    s.type_slowly(plan);
    s.wait_for_text(&format!(
        "Enter sends: canary plan deployment/myapp-deploy myapp={image}, {steps} steps"
    ));
    s.send(keys::ENTER);
    s.wait_for_text("rollout myapp-deploy(default)");
}

/// What a canary leaves in the cluster.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// Images of myapp's pods not being deleted, sorted.
    pub images: Vec<String>,
    pub paused: bool,
    pub plan: Option<String>,
    pub strategy: serde_json::Value,
    pub revision: Option<String>,
    /// The ReplicaSets' revision, image and replicas, by revision.
    pub replica_sets: Vec<(String, String, i32)>,
}

/// What the canary left in the cluster now.
pub fn outcome(sim: &TestSim) -> Outcome {
    sim.block_on(async {
        let client = sim.client().await.expect("a client of the sim");
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
        let d = Api::<Deployment>::namespaced(client.clone(), "default")
            .get("myapp-deploy")
            .await
            .expect("get myapp-deploy");
        let annotation = |meta: &kube::api::ObjectMeta, key: &str| {
            meta.annotations.as_ref().and_then(|a| a.get(key)).cloned()
        };
        let spec = d.spec.clone().expect("a spec");
        let mut replica_sets: Vec<(String, String, i32)> =
            Api::<ReplicaSet>::namespaced(client, "default")
                .list(&ListParams::default().labels("app=myapp"))
                .await
                .expect("list replica sets")
                .items
                .iter()
                .map(|rs| {
                    let spec = rs.spec.clone().expect("a spec");
                    let image = spec
                        .template
                        .and_then(|t| t.spec?.containers.first()?.image.clone())
                        .unwrap_or_default();
                    let revision = annotation(&rs.metadata, "deployment.kubernetes.io/revision")
                        .unwrap_or_default();
                    (revision, image, spec.replicas.unwrap_or(1))
                })
                .collect();
        replica_sets.sort();
        Outcome {
            images,
            paused: spec.paused.unwrap_or(false),
            plan: annotation(&d.metadata, PLAN_ANNOTATION),
            strategy: serde_json::to_value(&spec.strategy).expect("json"),
            revision: annotation(&d.metadata, "deployment.kubernetes.io/revision"),
            replica_sets,
        }
    })
}

/// Waits until what the canary left satisfies `done`.
pub fn wait_for_outcome(sim: &TestSim, what: &str, done: impl Fn(&Outcome) -> bool) -> Outcome {
    support::wait_until(support::test_timeout(), what, || done(&outcome(sim)));
    outcome(sim)
}

/// The Deployment's scale-ups of the ReplicaSet of `image`: (sim time, to).
pub fn scale_ups(sim: &TestSim, replica_set: &str) -> Vec<(Timestamp, i32)> {
    sim.block_on(async {
        let client = sim.client().await.expect("a client of the sim");
        let events = Api::<Event>::namespaced(client, "default")
            .list(&ListParams::default())
            .await
            .expect("list events");
        let prefix = format!("Scaled up replica set {replica_set} to ");
        let mut ups: Vec<(Timestamp, i32)> = events
            .items
            .iter()
            .filter(|e| e.reason.as_deref() == Some("ScalingReplicaSet"))
            .filter_map(|e| {
                let to = e.message.as_deref()?.strip_prefix(&prefix)?;
                let to = to.split(' ').next()?.parse().ok()?;
                let at = e.first_timestamp.as_ref()?.0;
                Some((at, to))
            })
            .collect();
        ups.sort();
        ups
    })
}

/// The name of the ReplicaSet running `image`.
pub fn replica_set_of(sim: &TestSim, image: &str) -> String {
    sim.block_on(async {
        let client = sim.client().await.expect("a client of the sim");
        Api::<ReplicaSet>::namespaced(client, "default")
            .list(&ListParams::default().labels("app=myapp"))
            .await
            .expect("list replica sets")
            .items
            .into_iter()
            .find(|rs| {
                rs.spec
                    .as_ref()
                    .and_then(|s| s.template.as_ref()?.spec.as_ref())
                    .and_then(|s| s.containers.first()?.image.as_deref())
                    == Some(image)
            })
            .and_then(|rs| rs.metadata.name)
            .expect("the canary's ReplicaSet")
    })
}
