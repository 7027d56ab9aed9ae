//! What the dashboard asks of the metrics API, read from the embedded cluster's request
//! log while the app runs as its loop does (the real `Io`): one list of the shown
//! namespace's pods per interval with the pods pane shown and the app idle, none with
//! the deployments pane, and where the server has no metrics API, `n/a` in the columns
//! after one request and nothing more however the screen changes.

mod app_driver;
mod support;
mod ui_fixtures;

use std::time::{Duration, Instant};

use app_driver::AppDriver;
use kdeck::action::Action;
use kdeck::app::metrics::MetricsApi;
use kdeck::app::update::show_pane;
use kdeck::cli::{ScenarioName, SimArgs};
use kdeck::cluster::Kind;
use kdeck::sim::SimOptions;
use support::{TestSim, test_speed, test_timeout};

const INTERVAL: Duration = Duration::from_secs(1);

/// The paths of the metrics API requests so far.
fn metrics_requests(sim: &TestSim) -> Vec<String> {
    sim.requests()
        .into_iter()
        .filter(|r| r.path.starts_with("/apis/metrics.k8s.io/"))
        .map(|r| format!("{} {}", r.verb, r.path))
        .collect()
}

fn witness_requests(sim: &TestSim) -> usize {
    sim.requests()
        .iter()
        .filter(|r| r.path.starts_with("/version"))
        .count()
}

/// Proves that `n` intervals have passed, by the cluster's own request log: another
/// client asks `/version` `n + 1` times, an interval apart, and the log shows them all.
async fn witness_intervals(sim: &TestSim, client: &kube::Client, n: u32) {
    let before = witness_requests(sim);
    for i in 0..=n {
        if i > 0 {
            tokio::time::sleep(INTERVAL).await;
        }
        client
            .apiserver_version()
            .await
            .expect("the witness's request");
    }
    assert!(witness_requests(sim) > before + usize::try_from(n).unwrap_or(0));
}

fn show(d: &mut AppDriver, kind: Kind) {
    show_pane(&mut d.state, kind);
    d.act(Action::Top);
}

#[test]
fn the_pods_pane_lists_metrics_once_per_interval_and_the_deployments_pane_never() {
    let sim = TestSim::start();
    let witness = sim.block_on(sim.client()).expect("a client");
    support::runtime().block_on(async {
        let mut d = AppDriver::connect(sim.kubeconfig_path(), false, false, None).await;
        d.wait_for("the first pods sample", |s| {
            s.metrics.samples.pods.is_some()
        })
        .await;
        // Polled faster than the default, so the test takes seconds.
        d.state.metrics.interval = INTERVAL;
        show(&mut d, Kind::Deployment);
        d.settle().await;
        show(&mut d, Kind::Pod);
        let started = Instant::now();
        let before = metrics_requests(&sim).len();
        let deadline = started + test_timeout();
        while metrics_requests(&sim).len() < before + 4 {
            assert!(Instant::now() < deadline, "{:?}", metrics_requests(&sim));
            // The app idles: it takes what comes and draws nothing else.
            let _ = tokio::time::timeout(Duration::from_millis(100), d.settle()).await;
        }
        let elapsed = started.elapsed();
        let polls = metrics_requests(&sim);
        assert!(
            elapsed + Duration::from_millis(100) >= INTERVAL * 3,
            "four polls an interval apart take three intervals, not {elapsed:?}"
        );
        assert!(
            polls[before..]
                .iter()
                .all(|p| p == "list /apis/metrics.k8s.io/v1beta1/namespaces/default/pods"),
            "one list of the namespace's pods, never a pod's own: {polls:?}"
        );
        d.wait_for("a sample from the faster polls", |s| {
            s.metrics.samples.pods.is_some()
        })
        .await;

        show(&mut d, Kind::Deployment);
        d.settle().await;
        let before = metrics_requests(&sim).len();
        witness_intervals(&sim, &witness, 3).await;
        d.settle().await;
        assert_eq!(
            metrics_requests(&sim).len(),
            before,
            "no metrics request while the deployments pane is shown"
        );
    });
}

#[test]
fn without_a_metrics_api_the_columns_say_na_after_one_request() {
    let sim = TestSim::with_options(SimOptions {
        args: SimArgs {
            scenario: ScenarioName::Seed,
            speed: test_speed(),
            no_metrics: true,
            ..SimArgs::default()
        },
        manual_clock: false,
    });
    let witness = sim.block_on(sim.client()).expect("a client");
    support::runtime().block_on(async {
        let mut d = AppDriver::connect(sim.kubeconfig_path(), false, false, None).await;
        d.state.metrics.interval = INTERVAL;
        d.wait_for("the metrics API found missing", |s| {
            matches!(s.metrics.api, MetricsApi::Unavailable(_))
        })
        .await;
        d.wait_live(Kind::Pod).await;
        d.state.refresh_views();
        let screen = ui_fixtures::text(&ui_fixtures::render(&d.state));
        assert!(screen.contains("metrics n/a"), "{screen}");
        let row = screen
            .lines()
            .find(|l| l.contains("myapp-deploy-"))
            .unwrap_or_default();
        assert!(row.contains("n/a"), "{screen}");
        assert!(
            d.state
                .status
                .as_deref()
                .is_some_and(|s| s.contains("no metrics API")),
            "{:?}",
            d.state.status
        );
        // Screens that would each ask at once where the API answers.
        for kind in [Kind::Node, Kind::Deployment, Kind::Pod, Kind::Node] {
            show(&mut d, kind);
            d.settle().await;
        }
        witness_intervals(&sim, &witness, 3).await;
        d.settle().await;
        // (Logged as a get: the path is not a resource this cluster serves.)
        assert_eq!(
            metrics_requests(&sim),
            ["get /apis/metrics.k8s.io/v1beta1/namespaces/default/pods"],
            "one request, then nothing for a minute"
        );
    });
}
