//! The embedded cluster's metrics API (`metrics.k8s.io/v1beta1`, what metrics-server
//! serves) read by the real kubectl: `kubectl top pods` (with `--containers`,
//! `--sort-by`, `-l`) and `kubectl top nodes` work unchanged, a `:leaky` image's memory
//! climbs sample after sample until the kubelet reports it OOMKilled, and `--no-metrics`
//! leaves the API out as a cluster without metrics-server has it.

#![expect(
    clippy::unwrap_used,
    reason = "tests: a missing field is a test failure"
)]

mod app_driver;
mod support;
mod ui_fixtures;

use std::time::Duration;

use app_driver::AppDriver;
use kdeck::action::Action;
use kdeck::app::state::{Screen, State};

use kdeck::cli::{ScenarioName, SimArgs};
use kdeck::quantity::Quantity;
use kdeck::sim::SimOptions;
use kdeck::sim::metrics::usage::{LEAK_SECS, RESOLUTION_SECS};
use serde_json::Value;
use support::TestSim;

/// The seed scenario on a manual clock: the same sample until the test moves time.
fn still_sim(no_metrics: bool) -> TestSim {
    TestSim::with_options(SimOptions {
        args: SimArgs {
            scenario: ScenarioName::Seed,
            seed: Some(1),
            no_metrics,
            ..SimArgs::default()
        },
        manual_clock: true,
    })
}

/// The rows of a `kubectl top` table without its header, split in cells.
fn rows(out: &str) -> Vec<Vec<String>> {
    out.lines()
        .skip(1)
        .map(|l| l.split_whitespace().map(str::to_owned).collect())
        .collect()
}

/// `12Mi` as MiB, `7m` as millicores.
fn amount(cell: &str, unit: &str) -> u64 {
    cell.strip_suffix(unit)
        .unwrap_or_else(|| panic!("{cell} in {unit}"))
        .parse()
        .unwrap()
}

const LEAKY: &str = r"apiVersion: apps/v1
kind: Deployment
metadata:
  name: leaky
spec:
  replicas: 1
  selector:
    matchLabels: {app: leaky}
  template:
    metadata:
      labels: {app: leaky}
    spec:
      containers:
      - name: app
        image: registry.example/shop:leaky
        resources:
          requests: {memory: 32Mi}
          limits: {memory: 128Mi}
";

fn running_pods(sim: &TestSim, selector: &str) -> Vec<String> {
    let out = sim.kubectl_ok(&[
        "get",
        "pods",
        "-l",
        selector,
        "--field-selector=status.phase=Running",
        "-o",
        "jsonpath={.items[*].metadata.name}",
    ]);
    let mut names: Vec<String> = out.split_whitespace().map(str::to_owned).collect();
    names.sort();
    names
}

fn kubectl_top_pods_lists_the_running_pods_with_their_use() {
    require_kubectl!();
    let sim = still_sim(false);
    let top = rows(&sim.kubectl_ok(&["top", "pods", "-l", "app=myapp"]));
    let mut names: Vec<String> = top.iter().map(|r| r[0].clone()).collect();
    names.sort();
    assert_eq!(names, running_pods(&sim, "app=myapp"));
    assert_eq!(names.len(), 3, "{top:?}");
    for row in &top {
        // nginx is light: a few millicores and MiB.
        assert!((1..20).contains(&amount(&row[1], "m")), "{row:?}");
        assert!((1..64).contains(&amount(&row[2], "Mi")), "{row:?}");
    }
    // The same sample through the raw API: the pod's containers, dated and windowed.
    // (Not `get --raw`: it drops the server URL's path, where the sim's kubeconfig keeps
    // the user.)
    let raw: Value = serde_json::from_str(&sim.kubectl_ok(&[
        "get",
        "pods.metrics.k8s.io",
        &top[0][0],
        "-o",
        "json",
    ]))
    .unwrap();
    assert_eq!(raw["kind"], "PodMetrics");
    assert_eq!(raw["window"], format!("{RESOLUTION_SECS}s"));
    assert_eq!(raw["containers"][0]["name"], "myapp", "{raw}");
    assert!(raw["timestamp"].as_str().unwrap().ends_with('Z'), "{raw}");

    let containers = rows(&sim.kubectl_ok(&[
        "top",
        "pods",
        "-n",
        "kube-system",
        "--containers",
        "--sort-by=memory",
    ]));
    assert!(
        containers.iter().any(|r| r[1] == "kube-apiserver"),
        "{containers:?}"
    );
    let memories: Vec<u64> = containers.iter().map(|r| amount(&r[3], "Mi")).collect();
    assert!(
        memories.windows(2).all(|w| w[0] >= w[1]),
        "--sort-by=memory puts the most first: {containers:?}"
    );
    assert_eq!(
        containers[0][0], "kube-apiserver-kdeck-control-plane",
        "the API server uses the most memory of the control plane"
    );
    let by_cpu = rows(&sim.kubectl_ok(&["top", "pods", "-A", "--sort-by=cpu"]));
    let cpus: Vec<u64> = by_cpu.iter().map(|r| amount(&r[2], "m")).collect();
    assert!(cpus.windows(2).all(|w| w[0] >= w[1]), "{by_cpu:?}");
    // A pod that is not there, and one kubectl asks for by name.
    let err = sim.kubectl_err(&["top", "pod", "nope"]);
    assert!(err.contains("not found"), "{err}");
    let one = rows(&sim.kubectl_ok(&["top", "pod", &top[1][0]]));
    assert_eq!(one.len(), 1);
    assert_eq!(one[0], top[1], "the same sample by name and in the list");
}

fn kubectl_top_nodes_adds_the_pods_to_each_nodes_overhead() {
    require_kubectl!();
    let sim = still_sim(false);
    let top = rows(&sim.kubectl_ok(&["top", "nodes"]));
    let names: Vec<&str> = top.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(
        names,
        ["kdeck-control-plane", "kdeck-worker", "kdeck-worker2"]
    );
    let pods: Value =
        serde_json::from_str(&sim.kubectl_ok(&["get", "pods.metrics.k8s.io", "-A", "-o", "json"]))
            .unwrap();
    let nodes_of: Value =
        serde_json::from_str(&sim.kubectl_ok(&["get", "pods", "-A", "-o", "json"])).unwrap();
    for row in &top {
        let node = &row[0];
        // CPU(%) and MEMORY(%) against the node's allocatable (8 cores, about 15.6 GiB).
        let cpu = amount(&row[1], "m");
        assert_eq!(amount(&row[2], "%"), cpu * 100 / 8000, "{row:?}");
        let memory = amount(&row[3], "Mi");
        assert_eq!(amount(&row[4], "%"), memory * 100 / 15953, "{row:?}");
        // At least the pods' own use: the node adds its system's.
        let on_node: Vec<&str> = nodes_of["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["spec"]["nodeName"] == node.as_str())
            .filter_map(|p| p["metadata"]["name"].as_str())
            .collect();
        let pods_memory: u64 = pods["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| on_node.contains(&p["metadata"]["name"].as_str().unwrap()))
            .flat_map(|p| p["containers"].as_array().unwrap().clone())
            .map(|c| {
                let q = Quantity::parse(c["usage"]["memory"].as_str().unwrap()).unwrap();
                u64::try_from(q.value_ceil()).unwrap() / (1024 * 1024)
            })
            .sum();
        assert!(memory > pods_memory + 400, "{row:?}: pods {pods_memory}Mi");
    }
    let sorted = rows(&sim.kubectl_ok(&["top", "nodes", "--sort-by=memory"]));
    assert_eq!(sorted[0][0], "kdeck-control-plane", "{sorted:?}");
    let one = rows(&sim.kubectl_ok(&["top", "node", "kdeck-worker"]));
    assert_eq!(one, [top[1].clone()]);
    // Discovery lists the kinds, and `kubectl get` prints metrics-server's Table.
    let resources = sim.kubectl_ok(&["api-resources", "--api-group=metrics.k8s.io"]);
    assert!(resources.contains("NodeMetrics") && resources.contains("PodMetrics"));
    let table = sim.kubectl_ok(&["get", "nodes.metrics.k8s.io"]);
    assert!(table.starts_with("NAME"), "{table}");
    assert!(
        table.contains("WINDOW") && table.contains("kdeck-worker2"),
        "{table}"
    );
    let service = sim.kubectl_ok(&["get", "apiservice", "v1beta1.metrics.k8s.io"]);
    assert!(service.contains("kube-system/metrics-server"), "{service}");
}

fn a_leaky_image_grows_until_it_is_oom_killed() {
    require_kubectl!();
    let sim = still_sim(false);
    let manifest = sim.write_file("leaky.yaml", LEAKY);
    sim.kubectl_ok(&["apply", "-f", manifest.to_str().unwrap()]);
    let step = |secs: u64| {
        sim.clock().advance(Duration::from_secs(secs));
        sim.wait_controllers_settled();
    };
    let mut waited = 0;
    while running_pods(&sim, "app=leaky").is_empty() {
        step(1);
        waited += 1;
        assert!(waited < 60, "the leaky pod runs within a simulated minute");
    }
    let pod = running_pods(&sim, "app=leaky").remove(0);
    let mut memories = Vec::new();
    let status =
        |path: &str| sim.kubectl_ok(&["get", "pod", &pod, "-o", &format!("jsonpath={path}")]);
    for _ in 0..(LEAK_SECS / RESOLUTION_SECS + 4) {
        step(RESOLUTION_SECS.unsigned_abs());
        if status("{.status.containerStatuses[0].restartCount}") != "0" {
            break;
        }
        let out = sim.kubectl(&["top", "pod", &pod, "--no-headers"]);
        if out.status.success() {
            let cells = rows(&format!("header\n{}", support::stdout(&out)));
            memories.push(amount(&cells[0][2], "Mi"));
        }
    }
    assert!(memories.len() >= 5, "{memories:?}");
    assert!(
        memories.windows(2).all(|w| w[0] < w[1]),
        "climbs every sample: {memories:?}"
    );
    assert!(
        *memories.last().unwrap() > 96,
        "close to its limit: {memories:?}"
    );
    assert!(memories.iter().all(|m| *m <= 128), "{memories:?}");
    assert_eq!(
        status("{.status.containerStatuses[0].lastState.terminated.reason}"),
        "OOMKilled"
    );
    assert_eq!(
        status("{.status.containerStatuses[0].lastState.terminated.exitCode}"),
        "137"
    );
    assert_eq!(status("{.status.containerStatuses[0].restartCount}"), "1");
}

fn no_metrics_leaves_the_api_out() {
    require_kubectl!();
    let sim = still_sim(true);
    let err = sim.kubectl_err(&["top", "pods"]);
    assert!(err.contains("Metrics API not available"), "{err}");
    let err = sim.kubectl_err(&["top", "nodes"]);
    assert!(err.contains("Metrics API not available"), "{err}");
    let groups = sim.kubectl_ok(&["api-versions"]);
    assert!(!groups.contains("metrics.k8s.io"), "{groups}");
    assert!(groups.contains("apiregistration.k8s.io/v1"), "{groups}");
    let services = sim.kubectl_ok(&["get", "apiservices", "-o", "name"]);
    assert!(!services.contains("metrics"), "{services}");
    // The empty scenario has none either.
    let empty = TestSim::empty();
    let err = empty.kubectl_err(&["top", "nodes"]);
    assert!(err.contains("Metrics API not available"), "{err}");
}

/// The screen's line of the pod `name`, split in cells.
fn pane_row(state: &State, name: &str) -> Vec<String> {
    let screen = ui_fixtures::text(&ui_fixtures::render(state));
    screen
        .lines()
        .find(|l| l.contains(name))
        .unwrap_or_else(|| panic!("{name} on screen:\n{screen}"))
        .trim_matches('│')
        .split_whitespace()
        .map(str::to_owned)
        .collect()
}

fn leaky_pod(state: &State) -> Option<String> {
    state
        .stores
        .of(kdeck::cluster::Kind::Pod)
        .iter()
        .map(|(_, r)| r.meta.name.clone())
        .find(|n| n.starts_with("leaky-"))
}

/// When the leaky pod's container started running, from the cluster's store.
fn leaky_started(sim: &TestSim) -> Option<jiff::Timestamp> {
    sim.store()
        .list_as::<k8s_openapi::api::core::v1::Pod>(Some("default"))
        .iter()
        .filter(|p| {
            p.metadata
                .name
                .as_deref()
                .is_some_and(|n| n.starts_with("leaky-"))
        })
        .find_map(|p| {
            let status = p.status.as_ref()?.container_statuses.as_ref()?.first()?;
            let started = status
                .state
                .as_ref()?
                .running
                .as_ref()?
                .started_at
                .as_ref()?;
            Some(started.0)
        })
}

fn first_row(state: &State) -> String {
    let Screen::Table(t) = state.screen() else {
        panic!("a table")
    };
    let pods = state.stores.of(kdeck::cluster::Kind::Pod);
    pods.get(t.visible[0]).unwrap().meta.name.clone()
}

fn the_pods_pane_matches_kubectl_top_and_follows_a_leak() {
    require_kubectl!();
    let sim = still_sim(false);
    let runtime = support::runtime();
    runtime.block_on(async {
        let mut d = AppDriver::connect(sim.kubeconfig_path(), false, false, None).await;
        d.act(kdeck::app::Msg::Resize(160, 40));
        d.wait_live(kdeck::cluster::Kind::Pod).await;
        d.wait_for("the first sample", |s| s.metrics.samples.pods.is_some())
            .await;
        d.state.refresh_views();
        let top = rows(&sim.kubectl_ok(&["top", "pods", "-l", "app=myapp"]));
        for row in &top {
            let cells = pane_row(&d.state, &row[0]);
            let at = cells.iter().position(|c| *c == row[1]).unwrap();
            assert_eq!(
                cells[at..at + 2],
                row[1..3],
                "CPU and MEM as kubectl top prints them: {cells:?}"
            );
        }
        // Faster polls, so each new sample shows at once.
        d.state.metrics.interval = Duration::from_secs(1);
        d.act(Action::CommandMode);
        d.type_text("deploy");
        d.press_code(crossterm::event::KeyCode::Enter);
        d.act(Action::CommandMode);
        d.type_text("pods");
        d.press_code(crossterm::event::KeyCode::Enter);
        // Sorted by MEM, the biggest first: NAME ... REPLICASET, CPU, then MEM.
        for _ in 0..9 {
            d.act(Action::SortNext);
        }
        d.act(Action::SortReverse);
        let manifest = sim.write_file("leaky.yaml", LEAKY);
        sim.kubectl_ok(&["apply", "-f", manifest.to_str().unwrap()]);
        let mut mems = Vec::new();
        let mut killed_at = None;
        for _ in 0..(LEAK_SECS / RESOLUTION_SECS + 4) {
            // Up to the kill, not past it: the row is to show it.
            let step = killed_at.map_or(RESOLUTION_SECS, |kill: jiff::Timestamp| {
                kill.duration_since(sim.clock().now())
                    .as_secs()
                    .clamp(0, RESOLUTION_SECS)
            });
            sim.clock()
                .advance(Duration::from_secs(step.unsigned_abs()));
            sim.wait_controllers_settled();
            if killed_at.is_some_and(|kill| sim.clock().now() >= kill) {
                break;
            }
            killed_at = killed_at.or_else(|| {
                leaky_started(&sim).map(|t| t + jiff::SignedDuration::from_secs(LEAK_SECS))
            });
            let at = kdeck::sim::metrics::usage::sample_time(sim.clock().now());
            d.wait_for("the new sample", |s| {
                s.metrics.samples.pods.as_ref().and_then(|p| p.taken) == Some(at)
            })
            .await;
            let Some(pod) = leaky_pod(&d.state) else {
                continue;
            };
            let cells = pane_row(&d.state, &pod);
            if let Some(mem) = cells.iter().find(|c| c.ends_with("Mi")) {
                mems.push(amount(mem, "Mi"));
                if mems.len() > 1 {
                    assert_eq!(first_row(&d.state), pod, "the leak uses the most");
                }
            }
        }
        assert!(mems.len() >= 5, "{mems:?}");
        assert!(mems.windows(2).all(|w| w[0] < w[1]), "{mems:?}");
        // The kill: the row says OOMKilled, then the container is restarted once.
        d.wait_for("the row showing the OOM kill", |s| {
            leaky_pod(s).is_some_and(|pod| pane_row(s, &pod)[2] == "OOMKilled")
        })
        .await;
        sim.clock().advance(Duration::from_secs(3));
        sim.wait_controllers_settled();
        d.wait_for("the leaky pod restarted after its OOM kill", |s| {
            leaky_pod(s).is_some_and(|pod| pane_row(s, &pod)[3].starts_with('1'))
        })
        .await;
    });
}

support::conformance_tests![
    the_pods_pane_matches_kubectl_top_and_follows_a_leak,
    kubectl_top_pods_lists_the_running_pods_with_their_use,
    kubectl_top_nodes_adds_the_pods_to_each_nodes_overhead,
    a_leaky_image_grows_until_it_is_oom_killed,
    no_metrics_leaves_the_api_out,
];
