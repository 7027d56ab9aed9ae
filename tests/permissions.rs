//! Permissions against the embedded cluster's `viewer` (reads everything but secrets,
//! changes nothing) and `admin`: kdeck asks once per question by
//! SelfSubjectAccessReview, a key the user may not use explains why and sends nothing,
//! and a forbidden list shows in its pane only, once, while other panes keep working.

mod app_driver;
mod support;

use std::time::{Duration, Instant};

use app_driver::AppDriver;
use kdeck::action::Action;
use kdeck::app::permissions::Answer;
use kdeck::app::state::Screen;
use kdeck::app::update::show_pane;
use kdeck::cluster::{Kind, WatchState};
use kdeck::sim::RequestRecord;
use support::TestSim;

fn reviews(requests: &[RequestRecord]) -> usize {
    requests
        .iter()
        .filter(|r| r.method == "POST" && r.path.contains("selfsubjectaccessreviews"))
        .count()
}

/// The viewer's kubeconfig, written next to the admin's.
fn viewer_kubeconfig(sim: &TestSim) -> std::path::PathBuf {
    let path = sim.dir().join("viewer-kubeconfig");
    std::fs::write(&path, sim.kubeconfig_yaml("viewer").expect("viewer yaml"))
        .expect("write the viewer kubeconfig");
    path
}

/// Shows the deployments pane and waits for the answers its keys need, and until every
/// question asked has reached the server (a later review is then a question asked again).
async fn deployments_answered(d: &mut AppDriver, sim: &TestSim) {
    show_pane(&mut d.state, Kind::Deployment);
    d.act(Action::Top);
    d.wait_live(Kind::Deployment).await;
    d.wait_for("the permission answers", |s| {
        !s.permissions.is_empty()
            && [Action::Scale, Action::Delete, Action::Restart]
                .iter()
                .all(|a| {
                    kdeck::app::permissions::question(a, Kind::Deployment, Some("default"))
                        .and_then(|q| s.permissions.answer(&q).cloned())
                        .is_some_and(|ans| ans != Answer::Asked)
                })
            && reviews(&sim.requests()) == s.permissions.len()
    })
    .await;
}

#[test]
fn the_viewer_is_told_why_and_nothing_is_sent() {
    let sim = TestSim::start();
    let kubeconfig = viewer_kubeconfig(&sim);
    support::runtime().block_on(async {
        let mut d = AppDriver::connect(&kubeconfig, false, false, None).await;
        deployments_answered(&mut d, &sim).await;
        let asked = reviews(&sim.requests());
        assert!(asked >= 3, "kdeck asked ({asked} reviews)");
        for action in [Action::Scale, Action::Restart, Action::Delete, Action::Edit] {
            d.act(action.clone());
            d.settle().await;
            let status = d.state.status.clone().unwrap_or_default();
            assert!(
                status.starts_with("you may not ") && status.contains("deployments in default"),
                "{action:?}: {status}"
            );
            assert!(d.state.dialogs.open.is_none(), "{action:?} opened a dialog");
            assert!(!matches!(d.state.screen(), Screen::Yaml(_)));
        }
        let status = {
            d.act(Action::Scale);
            d.state.status.clone().unwrap_or_default()
        };
        assert_eq!(
            status,
            "you may not scale deployments in default (nothing was sent)"
        );
        // Asked once: moving around the same pane asks nothing more.
        d.act(Action::Down);
        d.act(Action::Up);
        d.settle().await;
        assert_eq!(reviews(&sim.requests()), asked, "the answers are cached");
        assert_eq!(d.mutations_sent, 0);
    });
    let requests = sim.requests();
    let sent: Vec<_> = requests
        .iter()
        .filter(|r| r.method != "GET" && !r.path.contains("selfsubjectaccessreviews"))
        .collect();
    assert!(sent.is_empty(), "{sent:#?}");
}

#[test]
fn the_admin_may_and_the_dialog_opens() {
    let sim = TestSim::start();
    let kubeconfig = sim.kubeconfig_path().to_owned();
    support::runtime().block_on(async {
        let mut d = AppDriver::connect(&kubeconfig, false, false, None).await;
        deployments_answered(&mut d, &sim).await;
        d.act(Action::Scale);
        assert!(d.state.dialogs.open.is_some(), "{:?}", d.state.status);
    });
}

#[test]
fn a_read_only_session_asks_nothing() {
    let sim = TestSim::start();
    let kubeconfig = sim.kubeconfig_path().to_owned();
    support::runtime().block_on(async {
        let mut d = AppDriver::connect(&kubeconfig, true, true, None).await;
        show_pane(&mut d.state, Kind::Deployment);
        d.act(Action::Top);
        d.wait_live(Kind::Deployment).await;
        d.settle().await;
        assert!(d.state.permissions.is_empty());
    });
    assert_eq!(reviews(&sim.requests()), 0);
}

#[test]
fn forbidden_secrets_show_in_their_pane_only_and_are_not_hammered() {
    let sim = TestSim::start();
    let kubeconfig = viewer_kubeconfig(&sim);
    support::runtime().block_on(async {
        let mut d = AppDriver::connect(&kubeconfig, false, false, None).await;
        show_pane(&mut d.state, Kind::Secret);
        d.act(Action::Top);
        d.wait_for("secrets forbidden", |s| {
            matches!(
                s.watch_states.get(&Kind::Secret),
                Some(WatchState::Forbidden(_))
            )
        })
        .await;
        let refused_since = Instant::now();
        show_pane(&mut d.state, Kind::Pod);
        d.act(Action::Top);
        d.wait_live(Kind::Pod).await;
        assert!(
            !d.state.stores.of(Kind::Pod).is_empty(),
            "pods still listed"
        );
        assert!(matches!(
            d.state.watch_states.get(&Kind::Secret),
            Some(WatchState::Forbidden(_))
        ));
        // The list is retried slowly (FORBIDDEN_RETRY_DELAY, 5 s), not in a loop: the
        // first retry comes seconds after the first refusal, which was before the pane
        // said forbidden (kube's own backoff would retry within a second).
        support::wait_until_async(support::test_timeout(), "the secrets list retried", || {
            let lists = forbidden_secrets_lists(&sim);
            async move { lists >= 2 }
        })
        .await;
        let retry_after = refused_since.elapsed();
        assert!(
            retry_after >= Duration::from_millis(2500),
            "the forbidden secrets list was retried after {retry_after:?}"
        );
        assert_eq!(forbidden_secrets_lists(&sim), 2, "one retry at a time");
        d.settle().await;
        assert!(matches!(
            d.state.watch_states.get(&Kind::Secret),
            Some(WatchState::Forbidden(_))
        ));
    });
}

/// The secrets lists the server refused (403).
fn forbidden_secrets_lists(sim: &TestSim) -> usize {
    sim.requests()
        .iter()
        .filter(|r| r.path.contains("/secrets") && r.status == 403)
        .count()
}
