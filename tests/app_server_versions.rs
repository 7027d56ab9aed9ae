//! kdeck on every release the embedded cluster can stand for (1.20 to the newest): the
//! EndpointSlices and CronJobs panes show their objects, whether the server serves them at
//! v1 (kdeck's typed panes) or only at v1beta1 (1.20: the generic pane of that version),
//! never "not available"; and a HorizontalPodAutoscaler shows in the generic pane at the
//! version each release serves (autoscaling/v2 only from 1.23).

mod app_driver;
mod support;

use app_driver::AppDriver;
use kdeck::action::Action;
use kdeck::app::state::Screen;
use kdeck::cli::{ScenarioName, SimArgs};
use kdeck::server_version::{NEWEST_MINOR, OLDEST_MINOR, ServerVersion};
use kdeck::sim::SimOptions;
use support::TestSim;

fn command(d: &mut AppDriver, line: &str) {
    d.act(Action::CommandMode);
    d.type_text(line);
    d.press_code(crossterm::event::KeyCode::Enter);
}

/// Waits until the shown pane is `plural`'s and has rows.
async fn rows_of(d: &mut AppDriver, plural: &'static str, release: ServerVersion) {
    d.wait_for(&format!("{plural} rows on {release}"), |s| {
        matches!(s.screen(), Screen::Table(t) if t.kind.plural() == plural && !t.visible.is_empty())
    })
    .await;
}

/// An HPA as every release from 1.20 on takes it (autoscaling/v1).
const HPA: &str = "apiVersion: autoscaling/v1\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: hello-hpa\n  namespace: default\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: hello-deploy}\n  minReplicas: 1\n  maxReplicas: 5\n  targetCPUUtilizationPercentage: 80\n";

#[test]
fn endpointslices_cronjobs_and_hpas_show_on_every_release() {
    let runtime = support::runtime();
    for minor in OLDEST_MINOR..=NEWEST_MINOR {
        let release = ServerVersion::new(minor).expect("a release the sim stands for");
        let sim = TestSim::with_options(SimOptions {
            args: SimArgs {
                scenario: ScenarioName::Seed,
                server_version: release,
                ..SimArgs::default()
            },
            manual_clock: false,
        });
        sim.create_yaml(HPA);
        runtime.block_on(async {
            let mut d = AppDriver::connect(sim.kubeconfig_path(), true, true, None).await;
            d.wait_for("discovery", |s| s.catalog.discovered()).await;
            command(&mut d, "eps");
            rows_of(&mut d, "endpointslices", release).await;
            command(&mut d, "ns batch");
            command(&mut d, "cj");
            rows_of(&mut d, "cronjobs", release).await;
            let typed = minor >= 21;
            let Screen::Table(t) = d.state.screen() else {
                unreachable!("waited for a table")
            };
            assert_eq!(
                t.kind.facts().is_none(),
                typed,
                "{release}: CronJobs in {} pane",
                if typed { "their own" } else { "the generic" }
            );
            command(&mut d, "ns default");
            command(&mut d, "hpa");
            rows_of(&mut d, "horizontalpodautoscalers", release).await;
        });
    }
}
