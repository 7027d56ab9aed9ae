//! The stepped canary's memory gate at the update level: the samples of the metrics API
//! in, the plan's writes out. A new pod over twice the old pods' average memory aborts
//! the plan naming it with the figures; a sample without the new pods (the hold's start)
//! leaves the gate waiting; on a cluster without the metrics API the gate is off, said
//! once, and the plan goes on; a driven plan keeps the pods polled off the rollout view.

mod canary_plan_fixture;

use canary_plan_fixture::*;
use kdeck::app::canary_plan::PlanOutcome;
use kdeck::app::canary_plan::gates::{Gate, GateState};
use kdeck::app::operations::OpReport;
use kdeck::app::{Effect, Msg, update};
use kdeck::cluster::metrics::{MetricsReport, MetricsTarget, PodSample, PodUsage, Usage};
use kdeck::cluster::ops::Operation;
use kdeck::cluster::ops::canary::plan_ops::PlanChange;

const MIB: u64 = 1024 * 1024;

/// A poll of the namespace's pods finding these pods' memory, in MiB.
fn sample(w: &mut World, seconds: i64, memory_mib: &[(String, u64)]) {
    let pods = memory_mib
        .iter()
        .map(|(pod, mib)| {
            let usage = Usage {
                cpu_nanos: 2_000_000,
                memory_bytes: mib * MIB,
            };
            (
                (NS.to_owned(), pod.clone()),
                PodUsage {
                    containers: vec![("myapp".to_owned(), usage)],
                },
            )
        })
        .collect();
    update(
        &mut w.state,
        Msg::Metrics(MetricsReport::Pods(PodSample {
            namespace: Some(NS.to_owned()),
            taken: Some(at(seconds)),
            pods,
        })),
    );
}

/// The old pods at 9, 10 and 11 MiB (an average of 10), and `new` for the new pod.
fn old_and_new(new: Option<u64>) -> Vec<(String, u64)> {
    let mut pods: Vec<(String, u64)> = (0..3)
        .map(|i| (format!("{OLD_RS}-old{i}"), 9 + i))
        .collect();
    pods.extend(new.map(|mib| (format!("{NEW_RS}-new0"), mib)));
    pods
}

#[test]
fn a_new_pod_over_twice_the_old_pods_memory_aborts_the_plan_naming_it() {
    let mut w = started("1 pod, hold 10m; 100%");
    expect_write(&mut w, 2, PlanChange::Hold);
    // The hold's start: the sample does not hold the new pod yet.
    sample(&mut w, 2, &old_and_new(None));
    assert!(sent(&w.tick(3)).is_empty());
    assert_eq!(
        w.tracked().gates.memory,
        GateState::Waiting("new pods not sampled yet".into())
    );
    sample(&mut w, 17, &old_and_new(Some(20)));
    assert!(
        tick_renewing(&mut w, 18).is_empty(),
        "twice the average passes"
    );
    assert_eq!(
        w.tracked().gates.memory,
        GateState::Passing("20.0Mi ≤ 2×10.0Mi".into())
    );
    sample(&mut w, 32, &old_and_new(Some(31)));
    let effects = w.tick(33);
    let abort = sent(&effects);
    assert!(
        matches!(abort.as_slice(), [(_, Operation::Abort(_))]),
        "{effects:?}"
    );
    let pod = format!("{NEW_RS}-new0");
    let status = w.state.status.clone().unwrap();
    assert!(
        status.contains(&format!(
            "gate memory failed at step 1: pod {pod} uses 31.0Mi of memory, over 2× the old pods' average 10.0Mi (3 pod(s))"
        )),
        "{status}"
    );
    w.answer(
        abort[0].0,
        OpReport::Done("rolled back to revision 1".into()),
    );
    let end = &w.state.canary.ended[&(NS.into(), DEPLOY.into())];
    let PlanOutcome::Aborted(failure) = &end.outcome else {
        panic!("{:?}", end.outcome)
    };
    assert_eq!(failure.gate, Gate::Memory);
    assert!(
        failure
            .evidence
            .contains(&format!("new pod {pod}: 31.0Mi of memory")),
        "{failure:?}"
    );
}

#[test]
fn without_the_metrics_api_the_gate_is_off_said_once_and_the_plan_goes_on() {
    let mut w = started("1 pod, hold 60s; 100%");
    update(
        &mut w.state,
        Msg::Metrics(MetricsReport::Unavailable(
            "the server could not find the requested resource".into(),
        )),
    );
    // Said when the gate is first evaluated (the step's pod ready, the hold sent).
    let effects = w.tick(2);
    let status = w.state.status.take().unwrap_or_default();
    assert!(
        status.contains("memory gate off: metrics not served"),
        "{status}"
    );
    let (id, write) = plan_write(&effects).expect("the hold");
    assert_eq!(write.change, PlanChange::Hold);
    w.answer(id, done());
    w.apply(&write);
    w.state.status = None;
    assert_eq!(
        w.tracked().gates.memory,
        GateState::Unavailable("off: metrics not served".into())
    );
    for second in [20, 40, 61] {
        assert!(tick_renewing(&mut w, second).is_empty(), "at {second}s");
        let status = w.state.status.take().unwrap_or_default();
        assert!(!status.contains("memory gate"), "said once: {status}");
    }
    let promote = tick_renewing(&mut w, 63);
    assert!(
        matches!(promote.as_slice(), [(_, Operation::Promote(_))]),
        "{promote:?}"
    );
}

#[test]
fn a_driven_plan_with_a_memory_gate_keeps_the_pods_polled_off_the_rollout_view() {
    let mut w = started("1 pod, hold 10m; 100%");
    expect_write(&mut w, 2, PlanChange::Hold);
    let polls = |effects: &[Effect]| -> Vec<Option<MetricsTarget>> {
        effects
            .iter()
            .filter_map(|e| match e {
                Effect::PollMetrics { target, .. } => Some(target.clone()),
                _ => None,
            })
            .collect()
    };
    // The rollout view leaves for the Deployments pane, which shows no use: the plan's
    // gate keeps the namespace's pods polled.
    w.state.screens.pop();
    let effects = update(&mut w.state, Msg::Resize(100, 30));
    let namespace_pods = Some(MetricsTarget::Pods {
        namespace: Some(NS.to_owned()),
    });
    assert!(
        polls(&effects).is_empty() && w.state.metrics.polling == namespace_pods,
        "still polled: {effects:?} {:?}",
        w.state.metrics.polling
    );
    // Once the plan ends, nothing needs them.
    let abort = {
        sample(&mut w, 17, &old_and_new(Some(40)));
        sent(&w.tick(18))
    };
    let effects = w.answer(abort[0].0, OpReport::Done("rolled back".into()));
    assert_eq!(polls(&effects), [None], "{effects:?}");
}
