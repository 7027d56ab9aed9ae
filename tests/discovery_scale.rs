//! Discovery against a server with 200 CustomResourceDefinitions (issue 20): where the
//! server has aggregated discovery, kdeck learns every resource of every group in at most
//! 3 requests (kubectl's cold discovery with many CRDs reads each group version, about 170
//! requests), and before its first frame, so `:` completes a custom resource at once. The
//! same cluster standing for 1.25 (no aggregated discovery) shows what the count would be
//! otherwise, and that the count below is of real requests.

mod cluster_fixtures;
mod pty;
mod support;

use std::path::Path;

use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kdeck::cli::{ScenarioName, SimArgs};
use kdeck::cluster::registry::discovered;
use kdeck::sim::SimOptions;
use pty::{PtySession, keys};
use support::{TestSim, test_speed};

const CRDS: usize = 200;

/// An empty cluster standing for `release`, with [`CRDS`] CRDs, each in a group of its own
/// (the worst case for discovery by group version), all established.
fn cluster_with_crds(release: &str) -> TestSim {
    let sim = TestSim::with_options(SimOptions {
        args: SimArgs {
            scenario: ScenarioName::Empty,
            speed: test_speed(),
            server_version: release.parse().expect("a release the sim stands for"),
            ..SimArgs::default()
        },
        manual_clock: false,
    });
    for i in 0..CRDS {
        sim.store().create_as(&crd(i)).expect("create a CRD");
    }
    sim.wait_controllers_settled();
    sim
}

fn crd(i: usize) -> CustomResourceDefinition {
    let group = format!("g{i:03}.scale.kdeck.dev");
    serde_json::from_value(serde_json::json!({
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": format!("gizmos{i:03}.{group}")},
        "spec": {
            "group": group,
            "scope": "Namespaced",
            "names": {"plural": format!("gizmos{i:03}"), "singular": format!("gizmo{i:03}"),
                "kind": format!("Gizmo{i:03}"), "listKind": format!("Gizmo{i:03}List")},
            "versions": [{"name": "v1", "served": true, "storage": true,
                "schema": {"openAPIV3Schema": {"type": "object",
                    "x-kubernetes-preserve-unknown-fields": true}}}]
        }
    }))
    .expect("a valid CRD")
}

/// Whether `path` is a discovery document: `/api`, `/apis`, `/api/V` or `/apis/G/V`.
fn is_discovery(path: &str) -> bool {
    let path = path.split('?').next().unwrap_or(path);
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    matches!(
        segments.as_slice(),
        ["api" | "apis"] | ["api", _] | ["apis", _, _]
    )
}

/// The discovery requests the sim logged from index `from` on.
fn discovery_requests(sim: &TestSim, from: usize) -> Vec<String> {
    sim.requests()
        .into_iter()
        .skip(from)
        .filter(|r| is_discovery(&r.path))
        .map(|r| r.path)
        .collect()
}

/// Discovers with kdeck's cluster layer; the discovery requests it sent, after checking
/// that every CRD's resource was found.
fn discover(sim: &TestSim) -> Vec<String> {
    let (from, ids) = sim.block_on(async {
        let cluster = cluster_fixtures::connect(sim, None, false).await;
        let from = sim.requests().len();
        (from, cluster.discover().await.expect("discovery"))
    });
    let plurals: Vec<&str> = ids
        .iter()
        .map(|id| discovered::facts(*id).plural.as_str())
        .collect();
    for i in 0..CRDS {
        let plural = format!("gizmos{i:03}");
        assert!(
            plurals.contains(&plural.as_str()),
            "{plural} not discovered"
        );
    }
    let requests = discovery_requests(sim, from);
    eprintln!("{} discovery requests for {CRDS} CRDs", requests.len());
    requests
}

#[test]
fn aggregated_discovery_of_200_crds_takes_at_most_3_requests() {
    let sim = cluster_with_crds("1.33");
    let requests = discover(&sim);
    assert!(
        requests.len() <= 3,
        "{} discovery requests: {requests:?}",
        requests.len()
    );
}

#[test]
fn without_aggregated_discovery_each_group_version_is_read() {
    // 1.25 has no aggregated discovery: the count the test above keeps down is real.
    let sim = cluster_with_crds("1.25");
    let requests = discover(&sim);
    assert!(
        requests.len() > CRDS,
        "{} discovery requests: {requests:?}",
        requests.len()
    );
}

#[test]
fn the_first_frame_completes_a_custom_resource() {
    let sim = cluster_with_crds("1.33");
    let kubeconfig = sim.kubeconfig_path().to_str().expect("utf-8 path");
    let config_home = sim.dir().join("config");
    let mut s = PtySession::spawn(
        Path::new(env!("CARGO_BIN_EXE_kdeck")),
        &["--kubeconfig", kubeconfig],
        &[("XDG_CONFIG_HOME", config_home.to_str().expect("utf-8 path"))],
        120,
        40,
    );
    s.wait_for_text("pods(default)");
    let agent = format!("kdeck/{}", env!("CARGO_PKG_VERSION"));
    let kdeck_discovery = |sim: &TestSim| {
        sim.requests()
            .into_iter()
            .filter(|r| r.user_agent.starts_with(&agent) && is_discovery(&r.path))
            .map(|r| r.path)
            .collect::<Vec<_>>()
    };
    // Everything discovery asks is asked before the first frame.
    let at_first_frame = kdeck_discovery(&sim);
    assert!(
        !at_first_frame.is_empty() && at_first_frame.len() <= 3,
        "discovery before the first frame: {at_first_frame:?}"
    );
    s.type_slowly(":gizmos19");
    s.send(keys::TAB);
    s.wait_for("the CRDs offered as completions", |t| {
        t.contains("gizmos190") && t.contains("gizmos191.g191.scale.kdeck.dev")
    });
    s.type_slowly("9");
    s.send(keys::ENTER);
    s.wait_for_text("gizmos199(default)");
    assert_eq!(
        kdeck_discovery(&sim),
        at_first_frame,
        "discovery asked again after the first frame"
    );
    s.send(keys::ESC);
    s.send("q");
    assert_eq!(s.wait_exit(), 0, "kdeck exits cleanly on q");
}
