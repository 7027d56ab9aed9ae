//! A stepped canary's writes against the embedded cluster: the start runs exactly the
//! first step's new pods beside all the old ones with the plan on the Deployment; each
//! later write applies only to the plan it read (a stale one changes nothing); a lease is
//! taken over only with the resourceVersion it read; promote and abort drop the plan.

#![expect(
    clippy::unwrap_used,
    reason = "tests: a missing field is a test failure"
)]

mod ops_fixture;
mod support;

use std::collections::BTreeMap;

use jiff::Timestamp;
use kdeck::cluster::ops::canary::plan_annotation::{
    GateSettings, Lease, PLAN_ANNOTATION, PLAN_VERSION, PlanPhase, PlanRecord,
};
use kdeck::cluster::ops::canary::plan_ops::{PlanChange, PlanStart, PlanWrite, Precondition};
use kdeck::cluster::ops::canary::plan_steps::parse_plan;
use kdeck::cluster::ops::{self, Operation};
use ops_fixture::*;

fn record(holder: &str) -> PlanRecord {
    let now = Timestamp::now();
    PlanRecord {
        version: PLAN_VERSION,
        seq: 1,
        container: "myapp".into(),
        image: "nginx:1.15.7".into(),
        steps: parse_plan("1 pod, hold 1m; 2 pods, hold 1m; 100%").unwrap(),
        gates: GateSettings::default(),
        step: 0,
        phase: PlanPhase::Scaling,
        held: false,
        started: now,
        step_started: now,
        hold_started: None,
        gates_since: None,
        restart_baseline: BTreeMap::new(),
        lease: Lease {
            holder: holder.into(),
            acquired: now,
            renewed: now,
            duration_seconds: 30,
        },
        marks: Vec::new(),
    }
}

/// The plan annotation's text on the Deployment now.
async fn plan_on(a: &Side) -> Option<String> {
    deployment(&a.client)
        .await
        .metadata
        .annotations
        .unwrap_or_default()
        .get(PLAN_ANNOTATION)
        .cloned()
}

/// New pods (ready) and old pods of myapp, waited for.
async fn wait_for_pods(a: &Side, new: usize, old: usize) {
    support::wait_until_async(
        timeout(),
        &format!("{new} new ready + {old} old pods"),
        || async {
            let pods = pod_images(&a.client).await;
            let n = pods
                .iter()
                .filter(|(i, r)| i == "nginx:1.15.7" && *r)
                .count();
            let o = pods.iter().filter(|(i, _)| i == "nginx:1.14.1").count();
            n == new && o == old && pods.len() == new + old
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plan_steps_exactly_holds_and_refuses_stale_writes() {
    let a = Side::start().await;
    let before = deployment(&a.client).await.spec.unwrap();
    let mut plan = record("bastion pid 1");
    a.send(Operation::PlanStart(PlanStart::new(deploy(), &plan)))
        .await
        .expect("start");
    wait_for_pods(&a, 1, 3).await;
    let written = plan_on(&a).await.expect("the plan is on the Deployment");
    assert_eq!(PlanRecord::parse(&written).unwrap(), plan);
    // The same start again is refused: a canary is in progress.
    let err = a
        .send(Operation::PlanStart(PlanStart::new(deploy(), &plan)))
        .await
        .expect_err("one canary at a time");
    assert!(err.to_string().contains("already has a canary"), "{err}");

    // The hold: paused, then the next step of two pods.
    plan.seq = 2;
    plan.phase = PlanPhase::Holding;
    let hold = PlanWrite::new(
        deploy(),
        Precondition::Record(written.clone()),
        &plan,
        PlanChange::Hold,
    );
    a.send(Operation::PlanWrite(hold.clone()))
        .await
        .expect("hold");
    assert_eq!(deployment(&a.client).await.spec.unwrap().paused, Some(true));
    // A write from the plan as it was before (another kdeck's stale read) changes nothing.
    let err = a
        .send(Operation::PlanWrite(hold))
        .await
        .expect_err("the plan changed since");
    assert!(
        err.to_string().contains("changed since it was read"),
        "{err}"
    );

    let held = plan_on(&a).await.unwrap();
    plan.seq = 3;
    plan.step = 1;
    plan.phase = PlanPhase::Scaling;
    a.send(Operation::PlanWrite(PlanWrite::new(
        deploy(),
        Precondition::Record(held),
        &plan,
        PlanChange::NextStep { new_pods: 2 },
    )))
    .await
    .expect("next step");
    wait_for_pods(&a, 2, 3).await;
    a.sim.wait_controllers_settled();
    wait_for_pods(&a, 2, 3).await;

    // Taking over with a resourceVersion read before the last change is a Conflict.
    let stale_rv = deployment(&a.client)
        .await
        .metadata
        .resource_version
        .unwrap();
    a.send(Operation::Pause(deploy())).await.expect("pause");
    let mut theirs = plan.clone();
    theirs.seq = 4;
    theirs.lease.holder = "laptop pid 2".into();
    let err = a
        .send(Operation::PlanWrite(PlanWrite::new(
            deploy(),
            Precondition::ResourceVersion(stale_rv),
            &theirs,
            PlanChange::TakeOver,
        )))
        .await
        .expect_err("stale resourceVersion");
    assert_eq!(err.api().map(|f| f.code), Some(409), "{err}");
    // With a fresh resourceVersion it goes through; the controllers may still write the
    // Deployment's status in between (a 409 then, as on a real cluster): read and retry.
    let mut tries = 0;
    loop {
        let fresh_rv = deployment(&a.client)
            .await
            .metadata
            .resource_version
            .unwrap();
        let sent = a
            .send(Operation::PlanWrite(PlanWrite::new(
                deploy(),
                Precondition::ResourceVersion(fresh_rv),
                &theirs,
                PlanChange::TakeOver,
            )))
            .await;
        match sent {
            Ok(_) => break,
            Err(e) if e.api().is_some_and(|f| f.code == 409) && tries < 10 => tries += 1,
            Err(e) => panic!("take over: {e}"),
        }
    }
    let now = PlanRecord::parse(&plan_on(&a).await.unwrap()).unwrap();
    assert_eq!(now.lease.holder, "laptop pid 2");

    // Promote ends the plan: original strategy, no canary annotations, all new pods.
    a.send(Operation::Promote(deploy())).await.expect("promote");
    settle(&a).await;
    let after = deployment(&a.client).await;
    let annotations = after.metadata.annotations.clone().unwrap_or_default();
    assert!(
        !annotations.contains_key(PLAN_ANNOTATION),
        "{annotations:?}"
    );
    assert!(!annotations.contains_key(ops::canary::ORIGINAL_ANNOTATION));
    let spec = after.spec.unwrap();
    assert_eq!(spec.strategy, before.strategy);
    assert_eq!(spec.min_ready_seconds, before.min_ready_seconds);
    assert_eq!(spec.paused, None);
    wait_for_pods(&a, 3, 0).await;
}
