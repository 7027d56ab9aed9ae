//! The history view against the embedded cluster and the real kubectl: the revisions it
//! lists (numbers and change-causes) are `kubectl rollout history deployment/X`'s, each
//! revision's template is `kubectl rollout history deployment/X --revision=N`'s (without
//! `pod-template-hash`), also after a rollback renumbered a revision, and a new revision
//! made by kubectl shows in the open view without touching it.

#![expect(
    clippy::unwrap_used,
    reason = "tests: a missing field is a test failure"
)]

mod app_driver;
mod support;

use app_driver::AppDriver;
use kdeck::action::Action;
use kdeck::app::history_view::HistoryView;
use kdeck::app::state::{Screen, State};
use serde_json::Value;
use support::{TestSim, test_timeout, wait_until};

const DEPLOYMENT: &str = "deployment/myapp-deploy";

fn view(s: &State) -> Option<&HistoryView> {
    match s.screen() {
        Screen::History(v) => Some(v),
        _ => None,
    }
}

/// `kubectl rollout history`'s table: each revision with its change-cause.
fn kubectl_revisions(sim: &TestSim) -> Vec<(i64, Option<String>)> {
    let out = sim.kubectl_ok(&["rollout", "history", DEPLOYMENT]);
    out.lines()
        .skip_while(|l| !l.starts_with("REVISION"))
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let (number, cause) = l.split_once(char::is_whitespace).unwrap_or((l, ""));
            let cause = cause.trim();
            (
                number.parse().unwrap(),
                (cause != "<none>").then(|| cause.to_owned()),
            )
        })
        .collect()
}

/// Drops the `null`s kubectl prints for unset fields (`creationTimestamp: null`).
fn without_nulls(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.retain(|_, v| !v.is_null());
            map.values_mut().for_each(without_nulls);
        }
        Value::Array(items) => items.iter_mut().for_each(without_nulls),
        _ => {}
    }
}

/// Revision `n`'s pod template as `kubectl rollout history --revision=N -o json` gives
/// it, without `pod-template-hash`.
fn kubectl_template(sim: &TestSim, n: i64) -> Value {
    let revision = format!("--revision={n}");
    let out = sim.kubectl_ok(&["rollout", "history", DEPLOYMENT, &revision, "-o", "json"]);
    let replica_set: Value = serde_json::from_str(&out).unwrap();
    let mut template = replica_set["spec"]["template"].clone();
    let labels = template["metadata"]["labels"].as_object_mut().unwrap();
    assert!(labels.remove("pod-template-hash").is_some(), "{out}");
    without_nulls(&mut template);
    template
}

/// The images `kubectl rollout history --revision=N` prints.
fn kubectl_images(sim: &TestSim, n: i64) -> Vec<String> {
    let revision = format!("--revision={n}");
    let out = sim.kubectl_ok(&["rollout", "history", DEPLOYMENT, &revision]);
    out.lines()
        .filter_map(|l| l.trim().strip_prefix("Image:"))
        .map(|image| image.trim().to_owned())
        .collect()
}

/// What the view lists equals kubectl's table, and each revision's template and images
/// equal what kubectl shows of that revision.
fn assert_same_as_kubectl(d: &AppDriver, sim: &TestSim) {
    let shown = view(&d.state).unwrap().list();
    let listed: Vec<(i64, Option<String>)> = shown
        .iter()
        .map(|r| (r.revision, r.change_cause.clone()))
        .collect();
    assert_eq!(
        listed,
        kubectl_revisions(sim),
        "the revisions and CHANGE-CAUSE"
    );
    for r in shown {
        let mut template = serde_json::to_value(&r.template).unwrap();
        without_nulls(&mut template);
        assert_eq!(
            template,
            kubectl_template(sim, r.revision),
            "revision {}'s template",
            r.revision
        );
        assert_eq!(
            r.images,
            kubectl_images(sim, r.revision),
            "revision {}",
            r.revision
        );
    }
}

/// Waits until the open view lists `revisions`.
async fn shows(d: &mut AppDriver, revisions: &[i64]) {
    let what = format!("the history view listing revisions {revisions:?}");
    d.wait_for(&what, |s| {
        view(s).is_some_and(|v| {
            v.list()
                .iter()
                .map(|r| r.revision)
                .eq(revisions.iter().copied())
        })
    })
    .await;
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn history_view_shows_what_kubectl_rollout_history_shows() {
    support::require_kubectl!();
    let sim = TestSim::start();
    sim.kubectl_ok(&["set", "image", DEPLOYMENT, "myapp=nginx:1.15.5"]);
    sim.kubectl_ok(&[
        "annotate",
        DEPLOYMENT,
        "kubernetes.io/change-cause=to 1.15.5",
    ]);
    sim.kubectl_ok(&["set", "env", DEPLOYMENT, "MODE=fast"]);
    // Back to revision 1's template: kubectl renumbers it 4.
    sim.kubectl_ok(&["rollout", "undo", DEPLOYMENT, "--to-revision=1"]);
    wait_until(test_timeout(), "revisions 2, 3, 4", || {
        kubectl_revisions(&sim).iter().map(|r| r.0).eq([2, 3, 4])
    });

    // The view only reads: a read-only session shows it all.
    let mut d = AppDriver::connect(sim.kubeconfig_path(), true, true, None).await;
    d.wait_for("discovery", |s| s.catalog.discovered()).await;
    d.act(Action::CommandMode);
    d.type_text("history myapp-deploy");
    d.press_code(crossterm::event::KeyCode::Enter);
    shows(&mut d, &[2, 3, 4]).await;
    assert_same_as_kubectl(&d, &sim);
    let v = view(&d.state).unwrap();
    let c = v.comparison.as_ref().unwrap();
    assert_eq!((c.left, c.right), (3, 4), "the previous and the current");
    assert!(!c.side_by_side.identical());

    // A new revision while the view is open: it shows without a key pressed.
    sim.kubectl_ok(&["set", "image", DEPLOYMENT, "myapp=nginx:1.16.0"]);
    shows(&mut d, &[2, 3, 4, 5]).await;
    assert_same_as_kubectl(&d, &sim);
    let v = view(&d.state).unwrap();
    let c = v.comparison.as_ref().unwrap();
    assert_eq!(
        (c.left, c.right),
        (4, 5),
        "the defaults follow the new current"
    );
    assert_eq!(d.mutations_sent, 0);
}

support::conformance_tests![history_view_shows_what_kubectl_rollout_history_shows];
