//! Every pane drawn from the embedded cluster's own data (the seed scenario), at 120x40
//! and 80x24, compared with snapshot files. The cluster is reproducible: a seeded sim on a
//! manual clock makes the same names, states and times on every run; only the loopback
//! port in the header differs, and is written as PORT.

mod app_driver;
mod support;
mod ui_fixtures;

use app_driver::AppDriver;
use kdeck::action::Action;
use kdeck::app::Msg;
use kdeck::app::state::{PANES, State};
use kdeck::app::update::show_pane;
use kdeck::cli::{ScenarioName, SimArgs};
use kdeck::cluster::Kind;
use kdeck::cluster::metrics::MetricsTarget;
use kdeck::sim::SimOptions;
use support::TestSim;

fn reproducible_sim() -> TestSim {
    TestSim::with_options(SimOptions {
        args: SimArgs {
            scenario: ScenarioName::Seed,
            seed: Some(1),
            ..SimArgs::default()
        },
        manual_clock: true,
    })
}

/// The screen as text, the loopback port replaced.
fn screen(state: &State) -> String {
    let text = ui_fixtures::text(&ui_fixtures::render(state));
    let port = regex::Regex::new(r"127\.0\.0\.1:\d+").expect("regex");
    port.replace_all(&text, "127.0.0.1:PORT").into_owned()
}

/// Draws the shown screen at both sizes, at the sim's time, once every watch is live (the
/// header shows the worst of them).
async fn shoot(d: &mut AppDriver, sim: &TestSim, name: &str) {
    d.wait_for("every watch live", |s| s.connection_state() == "live")
        .await;
    // The header's version comes from its own request, which may come last.
    d.wait_for("the server's version", |s| {
        s.connection.server_version.is_some()
    })
    .await;
    // The first sample of the use the screen shows (the sim's metrics API answers at once).
    match kdeck::app::metrics_polling::wanted(&d.state) {
        Some(MetricsTarget::Nodes) => {
            d.wait_for("the nodes' use", |s| s.metrics.samples.nodes.is_some())
                .await;
        }
        Some(MetricsTarget::Pods { .. }) => {
            d.wait_for("the pods' use", |s| s.metrics.samples.pods.is_some())
                .await;
        }
        None => {}
    }
    for (w, h) in [(120, 40), (80, 24)] {
        d.act(Msg::Resize(w, h));
        d.state.now = sim.clock().now();
        d.state.refresh_views();
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), screen(&d.state));
    }
}

#[test]
fn every_pane_from_the_seed_cluster() {
    let sim = reproducible_sim();
    support::runtime().block_on(async {
        let mut d = AppDriver::connect(sim.kubeconfig_path(), true, true, None).await;
        // The rollout timeline records the frames' times: the sim's, not today's.
        d.clock = Some(sim.clock().clone());
        for kind in PANES {
            show_pane(&mut d.state, kind);
            d.act(Action::Top);
            d.wait_live(kind).await;
            d.settle().await;
            shoot(&mut d, &sim, &format!("{kind:?}").to_lowercase()).await;
        }
        // The rollout view of myapp-deploy: its ReplicaSet, pods, history, endpoints, events.
        show_pane(&mut d.state, Kind::Deployment);
        d.act(Action::Top);
        d.act(Action::Down);
        d.act(Action::Enter);
        for kind in kdeck::app::rollout::ROLLOUT_KINDS {
            d.wait_live(kind).await;
        }
        d.settle().await;
        assert_eq!(
            d.state.breadcrumb(),
            ["deployments", "rollout myapp-deploy"]
        );
        shoot(&mut d, &sim, "rollout_myapp").await;
        // The monitor of the namespace.
        d.act(Action::Back);
        d.act(Action::CommandMode);
        d.type_text("monitor");
        d.press_code(crossterm::event::KeyCode::Enter);
        d.settle().await;
        shoot(&mut d, &sim, "monitor").await;
        // The seed's batch namespace: its CronJob with the Jobs it ran, and a finished Job.
        d.act(Action::CommandMode);
        d.type_text("ns batch");
        d.press_code(crossterm::event::KeyCode::Enter);
        for (command, kind, name) in [
            ("cj", Kind::CronJob, "batch_cronjobs"),
            ("jobs", Kind::Job, "batch_jobs"),
        ] {
            d.act(Action::CommandMode);
            d.type_text(command);
            d.press_code(crossterm::event::KeyCode::Enter);
            d.wait_live(kind).await;
            d.wait_for("the seed's CronJob or its Jobs", |s| {
                ui_fixtures::text(&ui_fixtures::render(s)).contains("hello-cron")
            })
            .await;
            d.settle().await;
            shoot(&mut d, &sim, name).await;
        }
    });
}
