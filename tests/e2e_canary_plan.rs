//! Stepped canaries driven by the real binary in a pseudo-terminal against the embedded
//! cluster (seed scenario, fast sim clock): a plan on a good image reaches 100% by itself
//! with its holds respected (read from the ReplicaSets' scale events); a plan on the
//! sim's `:flaky` image is aborted in its first hold by a gate that names the restarting
//! pod, and leaves the Deployment on the previous template with its strategy;
//! one on `:errors` is aborted by the log gate, its error lines shown; one on `:slow` when
//! its step's pod is not ready within the scale timeout;
//! a kdeck killed mid-hold leaves the Deployment paused with the plan on it, and the next
//! kdeck takes the plan over once the lease lapsed and finishes it; of two kdecks on one
//! plan, only the one that started it drives it, and the other names it.

mod canary_pty;
mod pty;
mod support;

use canary_pty::*;
use pty::keys;
use support::TestSim;

#[test]
fn a_three_step_plan_on_a_good_image_reaches_100_percent_by_itself() {
    let sim = TestSim::start();
    let before = outcome(&sim);
    let mut s = kdeck(&sim);
    select_myapp(&mut s);
    let hold_secs = 3;
    start_plan(
        &mut s,
        "nginx:1.15.7",
        &format!("1 pod, hold {hold_secs}s; 2 pods, hold {hold_secs}s; 100%"),
        3,
    );
    s.wait_for_text("PLAN");
    let done = wait_for_outcome(&sim, "3 new pods, resumed, no plan", |o| {
        o.images == ["nginx:1.15.7"; 3] && !o.paused && o.plan.is_none()
    });
    s.wait_for_text("completed at");
    assert_eq!(done.strategy, before.strategy, "the strategy is restored");
    assert_eq!(done.revision.as_deref(), Some("2"));
    // The holds: each step's scale-up comes at least a hold (and the
    // pods' start) after the one before.
    let ups = scale_ups(&sim, &replica_set_of(&sim, "nginx:1.15.7"));
    let tos: Vec<i32> = ups.iter().map(|(_, to)| *to).collect();
    assert_eq!(tos, [1, 2, 3], "one scale-up per step: {ups:?}");
    for pair in ups.windows(2) {
        // Events are dated in whole seconds, and a fast sim's dates advance with the wall
        // clock, which times the holds.
        let gap = pair[1].0.duration_since(pair[0].0).as_secs();
        assert!(gap >= hold_secs - 1, "a hold of {hold_secs}s: {ups:?}");
    }
    quit(&mut s);
}

#[test]
fn a_plan_on_a_flaky_image_aborts_in_its_first_hold_naming_the_restarting_pod() {
    let sim = TestSim::start();
    let before = outcome(&sim);
    let mut s = kdeck(&sim);
    select_myapp(&mut s);
    start_plan(&mut s, "nginx:flaky", "1 pod, hold 10m; 100%", 2);
    // The restart and the kubelet's BackOff event come together: the pods gate or the
    // events gate fails first, and either names the pod.
    let screen = s.wait_for("the plan aborted by a gate", |t| {
        t.contains("aborted at") && t.contains("step 1: gate")
    });
    let canary_rs = replica_set_of(&sim, "nginx:flaky");
    let reason = screen
        .lines()
        .find(|l| l.contains("aborted at"))
        .expect("the PLAN line");
    assert!(
        reason.contains(&format!("pod {canary_rs}-")),
        "the restarting pod is named:\n{screen}"
    );
    let after = wait_for_outcome(&sim, "3 old pods, resumed, no plan", |o| {
        o.images == ["nginx:1.14.1"; 3] && !o.paused && o.plan.is_none()
    });
    assert_eq!(after.strategy, before.strategy, "the strategy is restored");
    // As `kubectl rollout undo` after a paused canary leaves it: the old template is
    // revision 3, the canary's ReplicaSet (revision 2) scaled to nothing.
    assert_eq!(after.revision.as_deref(), Some("3"));
    assert_eq!(
        after.replica_sets,
        [
            ("2".to_owned(), "nginx:flaky".to_owned(), 0),
            ("3".to_owned(), "nginx:1.14.1".to_owned(), 3),
        ]
    );
    quit(&mut s);
}

#[test]
fn a_plan_on_an_image_logging_errors_aborts_on_the_log_gate() {
    let sim = TestSim::start();
    let before = outcome(&sim);
    let mut s = kdeck(&sim);
    select_myapp(&mut s);
    start_plan(&mut s, "nginx:errors", "1 pod, hold 10m; 100%", 2);
    let screen = s.wait_for("the plan aborted by the log gate", |t| {
        t.contains("aborted at") && t.contains("gate logs failed")
    });
    // The evidence: the new pod's matching lines, under the verdict.
    let canary_rs = replica_set_of(&sim, "nginx:errors");
    assert!(
        screen
            .lines()
            .any(|l| l.contains(&format!("{canary_rs}-")) && l.contains("[error]")),
        "the new pod's error lines are shown:\n{screen}"
    );
    let after = wait_for_outcome(&sim, "3 old pods, resumed, no plan", |o| {
        o.images == ["nginx:1.14.1"; 3] && !o.paused && o.plan.is_none()
    });
    assert_eq!(after.strategy, before.strategy, "the strategy is restored");
    assert_eq!(after.revision.as_deref(), Some("3"));
    quit(&mut s);
}

#[test]
fn a_step_whose_pods_are_not_ready_in_time_aborts_the_plan() {
    let sim = TestSim::start();
    // :slow is ready after 90 simulated seconds, 4.5 s at the tests' speed.
    let mut s = kdeck_with(&sim, "scale_timeout_seconds = 2\n");
    select_myapp(&mut s);
    start_plan(&mut s, "nginx:slow", "1 pod, hold 10s; 100%", 2);
    s.wait_for("the plan aborted: its pod not ready in time", |t| {
        t.contains("aborted at") && t.contains("step 1's new pods were not ready after 2s")
    });
    let after = wait_for_outcome(&sim, "3 old pods, resumed, no plan", |o| {
        o.images == ["nginx:1.14.1"; 3] && !o.paused && o.plan.is_none()
    });
    assert_eq!(after.revision.as_deref(), Some("3"));
    quit(&mut s);
}

#[test]
fn of_two_kdecks_on_one_plan_only_one_drives_and_the_other_says_who() {
    let sim = TestSim::start();
    let mut driver = kdeck(&sim);
    select_myapp(&mut driver);
    start_plan(&mut driver, "nginx:1.15.7", "1 pod, hold 10m; 100%", 2);
    let screen = driver.wait_for_text("driven by this kdeck");
    let holder = screen
        .lines()
        .find_map(|l| {
            let rest = l.split("driven by this kdeck (").nth(1)?;
            rest.split(')').next().map(str::to_owned)
        })
        .expect("the holder's name");

    let mut other = kdeck(&sim);
    select_myapp(&mut other);
    other.send(keys::ENTER);
    other.wait_for_text(&format!("driven by {holder} since"));
    // Its c names the driver and takes nothing: the lease is being renewed.
    other.send("c");
    other.wait_for_text(&format!(
        "the canary plan of deployment/myapp-deploy is driven by {holder} since"
    ));
    // Two renewals later, the driver still holds it.
    let before = outcome(&sim);
    support::wait_until(support::test_timeout(), "two lease renewals", || {
        outcome(&sim).plan != before.plan
    });
    let renewed = outcome(&sim);
    support::wait_until(support::test_timeout(), "another renewal", || {
        outcome(&sim).plan != renewed.plan
    });
    assert!(
        outcome(&sim)
            .plan
            .is_some_and(|p| p.contains(&format!("\"holder\":\"{holder}\""))),
        "the first kdeck holds the lease"
    );
    driver.wait_for_text("driven by this kdeck");
    quit(&mut other);
    quit(&mut driver);
}

#[test]
fn a_killed_kdeck_leaves_the_plan_paused_and_the_next_one_finishes_it() {
    let sim = TestSim::start();
    let mut s = kdeck(&sim);
    select_myapp(&mut s);
    start_plan(&mut s, "nginx:1.15.7", "1 pod, hold 6s; 100%", 2);
    s.wait_for_text("holding");
    let pid = s.pid().expect("kdeck's pid");
    let killed = std::process::Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .status()
        .expect("kill runs");
    assert!(killed.success());
    let _signalled = s.wait_exit();
    let held = outcome(&sim);
    assert!(held.paused, "paused at the step: {held:?}");
    assert!(held.plan.is_some(), "the plan stays on the Deployment");
    let mut want = vec!["nginx:1.14.1"; 3];
    want.push("nginx:1.15.7");
    assert_eq!(held.images, want, "one new pod beside the old ones");

    let mut next = kdeck(&sim);
    select_myapp(&mut next);
    next.send(keys::ENTER);
    next.wait_for_text("rollout myapp-deploy(default)");
    next.wait_for("the plan read from the Deployment", |t| {
        t.contains("PLAN") && t.contains("1 pod, hold 6s")
    });
    next.wait_for("the lease to lapse", |t| t.contains("nobody drives it"));
    let still = outcome(&sim);
    assert!(still.paused && still.plan.is_some(), "{still:?}");
    // Taken over, the plan goes on where it stood: its hold has passed, so it promotes.
    next.send("c");
    next.wait_for_text("take over the canary plan of deployment/myapp-deploy at step 1/2?");
    next.send(keys::ENTER);
    next.wait_for_text("completed at");
    wait_for_outcome(&sim, "3 new pods, resumed, no plan", |o| {
        o.images == ["nginx:1.15.7"; 3] && !o.paused && o.plan.is_none()
    });
    quit(&mut next);
}
