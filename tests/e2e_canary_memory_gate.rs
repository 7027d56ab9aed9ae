//! The stepped canary's memory gate, through the real binary in a pseudo-terminal against
//! the embedded cluster: a plan on the sim's `:leaky` image (its memory grows to its limit
//! in two simulated minutes) is aborted in its first hold by the memory gate, which names
//! the new pod and the figures, before the kubelet OOM-kills it; on a cluster without the
//! metrics API (`kdeck sim --no-metrics`) the gate says it is off and the plan goes on to
//! the end.

mod canary_pty;
mod pty;
mod support;

use canary_pty::*;
use kdeck::cli::{ScenarioName, SimArgs};
use kdeck::sim::SimOptions;
use support::TestSim;

/// The tests' kdecks poll metrics every second (a sample is 15 simulated seconds).
const POLL_EVERY_SECOND: &str = "[metrics]\ninterval_seconds = 1\n";

/// The seed scenario at `speed`, with or without the metrics API.
fn sim(speed: f64, metrics: bool) -> TestSim {
    TestSim::with_options(SimOptions {
        args: SimArgs {
            scenario: ScenarioName::Seed,
            speed,
            no_metrics: !metrics,
            ..SimArgs::default()
        },
        manual_clock: false,
    })
}

#[test]
fn a_plan_on_a_leaky_image_aborts_on_the_memory_gate_naming_the_pod() {
    // At 5× the leak fills the pod's memory 24 s after it starts: time for the gate to
    // see a sample or two first, so the kubelet's OOM kill (the pods gate) comes second.
    let sim = sim(5.0, true);
    let before = outcome(&sim);
    let mut s = kdeck_with(&sim, POLL_EVERY_SECOND);
    select_myapp(&mut s);
    start_plan(&mut s, "nginx:leaky", "1 pod, hold 10m; 100%", 2);
    let screen = s.wait_for("the plan aborted by the memory gate", |t| {
        t.contains("aborted at") && t.contains("gate memory failed")
    });
    let canary_rs = replica_set_of(&sim, "nginx:leaky");
    assert!(
        screen
            .lines()
            .any(|l| l.contains(&format!("pod {canary_rs}-")) && l.contains("Mi of memory")),
        "the verdict names the new pod and its memory:\n{screen}"
    );
    assert!(
        screen
            .lines()
            .any(|l| l.contains("old pods: average") && l.contains("over 3 pod(s)")),
        "the old pods' figures are the evidence:\n{screen}"
    );
    let after = wait_for_outcome(&sim, "3 old pods, resumed, no plan", |o| {
        o.images == ["nginx:1.14.1"; 3] && !o.paused && o.plan.is_none()
    });
    assert_eq!(after.strategy, before.strategy, "the strategy is restored");
    assert_eq!(after.revision.as_deref(), Some("3"));
    quit(&mut s);
}

#[test]
fn without_the_metrics_api_the_memory_gate_is_off_and_the_plan_goes_on() {
    let sim = sim(support::test_speed(), false);
    let mut s = kdeck_with(&sim, POLL_EVERY_SECOND);
    select_myapp(&mut s);
    // A hold long enough to be seen on a loaded machine (holds are timed in real seconds).
    start_plan(&mut s, "nginx:1.15.7", "1 pod, hold 10s; 100%", 2);
    s.wait_for("the hold, its memory gate off", |t| {
        t.contains("holding") && t.contains("memory off: metrics not served")
    });
    wait_for_outcome(&sim, "3 new pods, resumed, no plan", |o| {
        o.images == ["nginx:1.15.7"; 3] && !o.paused && o.plan.is_none()
    });
    s.wait_for_text("completed at");
    quit(&mut s);
}
