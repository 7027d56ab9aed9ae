//! The stepped canary's engine at the update level: the rows the watches deliver and the
//! clock's ticks in, the writes it sends out. Holds are timed by the ticks, each step
//! waits for its pods, a failed gate aborts with its evidence, a plan driven by another
//! kdeck is only shown, a lapsed lease is taken over with the resourceVersion read, and a
//! read-only session sends nothing; h holds a plan past its hold until h again.

mod canary_plan_fixture;

use canary_plan_fixture::*;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use kdeck::app::canary_plan::command_gate::CommandOutcome;
use kdeck::app::canary_plan::gates::Gate;
use kdeck::app::canary_plan::{PlanOutcome, user_sent};
use kdeck::app::operations::OpReport;
use kdeck::app::{Effect, Msg, update};
use kdeck::cluster::LogChunk;
use kdeck::cluster::ops::Operation;
use kdeck::cluster::ops::canary::plan_annotation::PlanPhase;
use kdeck::cluster::ops::canary::plan_ops::{PlanChange, PlanStart, Precondition};

#[test]
fn holds_are_timed_by_the_ticks_and_each_step_waits_for_its_pods() {
    let mut w = started("1 pod, hold 60s; 2 pods, hold 30s; 100%");
    expect_write(&mut w, 2, PlanChange::Hold);
    let r = w.on_deployment();
    assert_eq!((r.phase, r.hold_started), (PlanPhase::Holding, Some(at(2))));
    assert_eq!(r.marks.len(), 2, "the step, then its hold: {:?}", r.marks);
    assert_eq!(baseline(&r).len(), 1, "each new pod's restarts");
    assert!(w.paused);
    // The hold: nothing but lease renewals (every 10s of a 30s lease) until 62s.
    for second in [20, 40, 61] {
        assert!(tick_renewing(&mut w, second).is_empty(), "at {second}s");
    }
    expect_write(&mut w, 62, PlanChange::NextStep { new_pods: 2 });
    assert!(!w.paused);
    // The second step waits for its two pods to be ready.
    w.new_pods(2, 1);
    assert!(plan_write(&w.tick(63)).is_none());
    w.new_pods(2, 2);
    expect_write(&mut w, 64, PlanChange::Hold);
    assert!(tick_renewing(&mut w, 93).is_empty());
    let promote = tick_renewing(&mut w, 95);
    assert!(
        matches!(promote.as_slice(), [(_, Operation::Promote(_))]),
        "{promote:?}"
    );
    w.answer(promote[0].0, done());
    let end = w
        .state
        .canary
        .ended
        .get(&(NS.into(), DEPLOY.into()))
        .unwrap();
    assert_eq!(end.outcome, PlanOutcome::Completed);
}

#[test]
fn a_restart_during_a_hold_aborts_naming_the_pod() {
    let mut w = started("1 pod, hold 60s; 100%");
    expect_write(&mut w, 2, PlanChange::Hold);
    assert!(sent(&w.tick(10)).is_empty());
    let pod = format!("{NEW_RS}-new0");
    for p in w.pods.iter_mut().filter(|p| p.name == pod) {
        p.restarts = 1;
        p.ready = false;
        p.status = "CrashLoopBackOff";
    }
    w.publish();
    let effects = w.tick(11);
    let abort = sent(&effects);
    assert!(
        matches!(abort.as_slice(), [(_, Operation::Abort(_))]),
        "{effects:?}"
    );
    let status = w.state.status.clone().unwrap();
    assert!(
        status.contains(&pod) && status.contains("restarted (restarts 0 → 1)"),
        "{status}"
    );
    w.answer(
        abort[0].0,
        OpReport::Done("rolled back to revision 1".into()),
    );
    let end = w
        .state
        .canary
        .ended
        .get(&(NS.into(), DEPLOY.into()))
        .unwrap();
    let PlanOutcome::Aborted(failure) = &end.outcome else {
        panic!("{:?}", end.outcome)
    };
    assert_eq!(failure.gate, Gate::Pods);
    assert!(
        failure.evidence[0].contains("CrashLoopBackOff"),
        "{failure:?}"
    );
}

#[test]
fn a_warning_event_after_the_hold_began_aborts_and_one_before_does_not() {
    let mut w = started("1 pod, hold 60s; 100%");
    let pod = format!("{NEW_RS}-new0");
    w.events.push(("Warning", "Unhealthy", pod.clone(), at(1)));
    w.publish();
    expect_write(&mut w, 2, PlanChange::Hold);
    assert!(
        sent(&w.tick(5)).is_empty(),
        "a startup warning is not the hold's"
    );
    w.events.push(("Warning", "BackOff", pod.clone(), at(6)));
    w.publish();
    let effects = w.tick(7);
    assert!(matches!(
        sent(&effects).as_slice(),
        [(_, Operation::Abort(_))]
    ));
    assert!(
        w.state
            .status
            .clone()
            .unwrap()
            .contains("Warning BackOff on pod")
    );
}

#[test]
fn the_log_gate_counts_matching_lines_of_new_pods_against_old_ones() {
    let mut w = started("1 pod, hold 10m; 100%");
    expect_write(&mut w, 2, PlanChange::Hold);
    w.tick(3);
    let streams: Vec<(u64, String)> = w
        .tracked()
        .logs
        .sources
        .iter()
        .map(|s| (s.stream, s.pod.clone()))
        .collect();
    assert_eq!(
        streams.len(),
        4,
        "three old pods and the new one: {streams:?}"
    );
    let (new_stream, _) = streams.iter().find(|(_, p)| p.contains("new0")).unwrap();
    let old_stream = streams.iter().find(|(_, p)| p.contains("old0")).unwrap().0;
    let line = |s: i64, text: &str| format!("{} {text}", at(s));
    let chunk = |stream: u64, lines: Vec<String>| Msg::LogStream {
        stream,
        chunk: LogChunk::Lines(lines),
    };
    // Before the hold: not counted. One error in the first minute: within the allowance.
    update(
        &mut w.state,
        chunk(
            *new_stream,
            vec![line(1, "ERROR early"), line(4, "GET / 200")],
        ),
    );
    update(
        &mut w.state,
        chunk(*new_stream, vec![line(5, "[error] upstream timed out")]),
    );
    update(&mut w.state, chunk(old_stream, vec![line(5, "GET / 200")]));
    assert!(sent(&w.tick(6)).is_empty());
    update(
        &mut w.state,
        chunk(*new_stream, vec![line(7, "panic: nil map")]),
    );
    let effects = w.tick(8);
    assert!(matches!(
        sent(&effects).as_slice(),
        [(_, Operation::Abort(_))]
    ));
    let status = w.state.status.clone().unwrap();
    assert!(
        status.contains("gate logs failed at step 1: 2 matching line(s)"),
        "{status}"
    );
    let failure = w.tracked().gates.failure().unwrap().clone();
    assert_eq!(failure.evidence.len(), 2);
    assert!(
        failure.evidence[1].ends_with("panic: nil map"),
        "{failure:?}"
    );
}

#[test]
fn the_command_gate_runs_once_per_hold_and_its_failure_aborts() {
    let mut w = World::new();
    w.state.canary.settings.command = "./smoke.sh".into();
    let record = {
        let mut r = World::record("1 pod, hold 5s; 100%", ME);
        r.gates = w.state.canary.settings.gates();
        r
    };
    w.plan = Some(record.to_text());
    // Followed as the driver (as a start would make it).
    let mut start = Operation::PlanStart(PlanStart::new(
        kdeck::cluster::ObjectKey {
            kind: kdeck::cluster::Kind::Deployment,
            namespace: NS.into(),
            name: DEPLOY.into(),
        },
        &record,
    ));
    user_sent(&mut w.state.canary, w.state.now, 7, &mut start);
    w.answer(7, done());
    if let Operation::PlanStart(s) = start {
        w.plan = Some(s.record);
    }
    w.new_pods(1, 1);
    expect_write(&mut w, 1, PlanChange::Hold);
    let effects = w.tick(2);
    let runs: Vec<_> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::RunCommand(r) => Some(r.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(runs.len(), 1, "{effects:?}");
    assert!(
        runs[0]
            .env
            .iter()
            .any(|(k, v)| k == "KDECK_STEP" && v == "1")
    );
    assert!(
        w.tick(3)
            .iter()
            .all(|e| !matches!(e, Effect::RunCommand(_))),
        "once"
    );
    // The hold's time passes but the command has not answered: no next step yet.
    assert!(
        sent(&w.tick(8))
            .iter()
            .all(|(_, op)| !matches!(op, Operation::Promote(_)))
    );
    let outcome = CommandOutcome {
        code: Some(2),
        error: None,
        output: vec!["503 from /healthz".into()],
    };
    update(
        &mut w.state,
        Msg::CommandDone {
            id: runs[0].id,
            outcome,
        },
    );
    let effects = w.tick(9);
    assert!(matches!(
        sent(&effects).as_slice(),
        [(_, Operation::Abort(_))]
    ));
    assert!(
        w.state
            .status
            .clone()
            .unwrap()
            .contains("./smoke.sh exited 2")
    );
}

#[test]
fn a_plan_driven_elsewhere_is_shown_never_written_then_taken_over_when_its_lease_lapses() {
    let mut w = World::new();
    // Another kdeck started it and held since 1s; it stopped renewing its lease at 0s.
    let mut theirs = World::record("1 pod, hold 60s; 100%", "laptop pid 9");
    theirs.phase = PlanPhase::Holding;
    theirs.hold_started = Some(at(1));
    theirs.gates_since = Some(at(1));
    w.plan = Some(theirs.to_text());
    w.new_pods(1, 1);
    for second in [1, 15, 29] {
        assert!(
            sent(&w.tick(second)).is_empty(),
            "an observer sends nothing"
        );
    }
    assert!(!w.tracked().driving);
    let c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::NONE);
    update(&mut w.state, Msg::Key(c));
    let status = w.state.status.clone().unwrap();
    assert!(
        status.contains("driven by laptop pid 9 since 09:00:00"),
        "{status}"
    );
    assert!(w.state.dialogs.open.is_none());
    // The lease (30s, never renewed) lapses: c offers to take over, Enter sends it.
    w.tick(31);
    update(&mut w.state, Msg::Key(c));
    assert!(w.state.dialogs.open.is_some(), "{:?}", w.state.status);
    let effects = update(
        &mut w.state,
        Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
    );
    let (id, write) = plan_write(&effects).unwrap();
    assert_eq!(write.change, PlanChange::TakeOver);
    let Precondition::ResourceVersion(rv) = &write.precondition else {
        panic!("a take-over goes by the resourceVersion read")
    };
    let row_rv = w
        .state
        .stores
        .of(kdeck::cluster::Kind::Deployment)
        .find(NS, DEPLOY)
        .unwrap()
        .meta
        .resource_version
        .clone();
    assert_eq!(*rv, row_rv);
    // Frames pass before the answer and before the watch shows the new holder: the row
    // still names the one taken over from, and this kdeck keeps the plan.
    w.tick(31);
    assert!(w.tracked().driving, "{:?}", w.state.status);
    w.answer(id, done());
    w.tick(31);
    assert!(w.tracked().driving, "{:?}", w.state.status);
    w.apply(&write);
    let r = w.on_deployment();
    assert_eq!(r.lease.holder, ME);
    assert_eq!(r.hold_started, Some(at(31)), "the hold starts again");
    assert!(w.tracked().driving);
    // And this kdeck drives it now: renewals, then the next step after a whole hold.
    let mut second = 32;
    while second < 91 {
        let effects = w.tick(second);
        if let Some((id, write)) = plan_write(&effects) {
            assert_eq!(write.change, PlanChange::Renew, "at {second}s");
            w.answer(id, done());
            w.apply(&write);
        }
        assert!(
            sent(&effects)
                .iter()
                .all(|(_, op)| matches!(op, Operation::PlanWrite(_)))
        );
        second += 5;
    }
    assert!(w.tracked().driving, "{:?}", w.state.status);
    let effects = w.tick(92);
    assert!(
        matches!(sent(&effects).as_slice(), [(_, Operation::Promote(_))]),
        "{effects:?} {:?}",
        w.state.status
    );
}

#[test]
fn a_read_only_session_shows_a_plan_and_sends_nothing() {
    let mut w = World::new();
    w.state.readonly = true;
    w.plan = Some(World::record("1 pod, hold 5s; 100%", "laptop pid 9").to_text());
    w.new_pods(1, 1);
    for second in [1, 10, 40, 100] {
        assert!(sent(&w.tick(second)).is_empty());
    }
    assert!(!w.tracked().driving);
    for key in ['c', 'h', 'P', 'A'] {
        let effects = update(
            &mut w.state,
            Msg::Key(KeyEvent::new(KeyCode::Char(key), KeyModifiers::NONE)),
        );
        assert!(sent(&effects).is_empty());
        assert!(
            w.state.status.clone().unwrap().contains("read-only"),
            "{key}"
        );
    }
}

#[test]
fn h_holds_a_plan_past_its_hold_until_h_again() {
    let mut w = started("1 pod, hold 60s; 100%");
    expect_write(&mut w, 2, PlanChange::Hold);
    let h = || Msg::Key(KeyEvent::new(KeyCode::Char('h'), KeyModifiers::NONE));
    let press = |w: &mut World, change: PlanChange| {
        let effects = update(&mut w.state, h());
        let (id, write) = plan_write(&effects).unwrap_or_else(|| panic!("{effects:?}"));
        assert_eq!(write.change, change);
        assert!(matches!(write.precondition, Precondition::Record(_)));
        w.answer(id, done());
        w.apply(&write);
    };
    w.tick(10);
    press(&mut w, PlanChange::HoldIndefinitely);
    assert!(w.on_deployment().held);
    // Long past its 60s, the held plan only renews its lease.
    for second in [20, 40, 60, 80, 100] {
        assert!(tick_renewing(&mut w, second).is_empty(), "at {second}s");
    }
    press(&mut w, PlanChange::Release);
    assert!(!w.on_deployment().held);
    let promote = tick_renewing(&mut w, 101);
    assert!(
        matches!(promote.as_slice(), [(_, Operation::Promote(_))]),
        "released after its hold: {promote:?}"
    );
}
