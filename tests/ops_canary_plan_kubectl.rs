//! What a stepped canary leaves, compared with what the same steps done with the REAL
//! kubectl leave on a twin cluster (the same seed): a plan that completes leaves what
//! `kubectl set image` and a finished rollout leave; a plan aborted by a gate leaves what
//! the tutorial's canary by hand leaves once undone (`kubectl set image`, `rollout
//! pause`, then `rollout resume` and `rollout undo`): the same ReplicaSets (names,
//! revisions, images, replicas), the same revision, the strategy as it was, not paused.
//! kdeck runs as the real binary in a pseudo-terminal.

mod canary_pty;
mod pty;
mod support;

use canary_pty::{Outcome, kdeck, outcome, quit, replica_set_of, select_myapp, start_plan};
use support::TestSim;

const OLD: &str = "nginx:1.14.1";

/// Waits until the twin's Deployment is back on `image` everywhere and not paused, the
/// ReplicaSets of other images scaled to nothing.
fn settled_on(sim: &TestSim, image: &str) -> Outcome {
    canary_pty::wait_for_outcome(
        sim,
        &format!("three {image} pods, the rest scaled down"),
        |o| {
            o.images == [image; 3]
                && !o.paused
                && o.replica_sets.iter().all(|(_, i, replicas)| {
                    (i == image) == (*replicas == 3) && (*replicas == 0 || *replicas == 3)
                })
        },
    )
}

/// The parts of an outcome both ways must agree on.
fn assert_same(
    kdeck: &Outcome,
    kubectl: &Outcome,
    kdeck_sim: &TestSim,
    twin: &TestSim,
    images: &[&str],
) {
    assert_eq!(
        kdeck.replica_sets, kubectl.replica_sets,
        "ReplicaSets: revision, image, replicas"
    );
    assert_eq!(
        kdeck.revision, kubectl.revision,
        "the Deployment's revision"
    );
    assert_eq!(kdeck.strategy, kubectl.strategy, "the strategy");
    assert_eq!(kdeck.paused, kubectl.paused);
    assert_eq!(kdeck.plan, None, "no plan left on the Deployment");
    for image in images {
        assert_eq!(
            replica_set_of(kdeck_sim, image),
            replica_set_of(twin, image),
            "the ReplicaSet of {image} has the same name (the same template)"
        );
    }
}

fn an_aborted_plan_leaves_what_the_canary_by_hand_and_undo_leave() {
    support::require_kubectl!();
    let sim = TestSim::start();
    let mut s = kdeck(&sim);
    select_myapp(&mut s);
    start_plan(&mut s, "nginx:flaky", "1 pod, hold 10m; 100%", 2);
    s.wait_for("the plan aborted by a gate", |t| {
        t.contains("aborted at") && t.contains("step 1: gate")
    });
    let by_kdeck = settled_on(&sim, OLD);
    quit(&mut s);

    let twin = TestSim::start();
    twin.kubectl_ok(&[
        "set",
        "image",
        "deployment/myapp-deploy",
        "myapp=nginx:flaky",
    ]);
    twin.kubectl_ok(&["rollout", "pause", "deployment/myapp-deploy"]);
    support::wait_until(support::test_timeout(), "a flaky pod", || {
        outcome(&twin).images.iter().any(|i| i == "nginx:flaky")
    });
    twin.kubectl_ok(&["rollout", "resume", "deployment/myapp-deploy"]);
    twin.kubectl_ok(&["rollout", "undo", "deployment/myapp-deploy"]);
    let by_kubectl = settled_on(&twin, OLD);
    assert_same(&by_kdeck, &by_kubectl, &sim, &twin, &[OLD, "nginx:flaky"]);
}

fn a_completed_plan_leaves_what_set_image_leaves() {
    support::require_kubectl!();
    let sim = TestSim::start();
    let mut s = kdeck(&sim);
    select_myapp(&mut s);
    start_plan(
        &mut s,
        "nginx:1.15.7",
        "1 pod, hold 2s; 2 pods, hold 2s; 100%",
        3,
    );
    s.wait_for_text("completed at");
    let by_kdeck = settled_on(&sim, "nginx:1.15.7");
    quit(&mut s);

    let twin = TestSim::start();
    twin.kubectl_ok(&[
        "set",
        "image",
        "deployment/myapp-deploy",
        "myapp=nginx:1.15.7",
    ]);
    twin.kubectl_ok(&["rollout", "status", "deployment/myapp-deploy"]);
    let by_kubectl = settled_on(&twin, "nginx:1.15.7");
    assert_same(&by_kdeck, &by_kubectl, &sim, &twin, &[OLD, "nginx:1.15.7"]);
}

support::conformance_tests![
    an_aborted_plan_leaves_what_the_canary_by_hand_and_undo_leave,
    a_completed_plan_leaves_what_set_image_leaves,
];
