//! The canary: exactly N new pods created and ready, the rollout paused and held
//! there whatever the strategy was; promote restores it; abort rolls back.

#![expect(
    clippy::unwrap_used,
    reason = "tests: a missing field is a test failure"
)]

mod ops_fixture;
mod support;

use std::time::Duration;

use k8s_openapi::api::apps::v1::Deployment;
use kdeck::cluster::ops::{self, CanaryPlan, CanaryProgress, Operation, Refusal};
use kube::api::{Api, Patch, PatchParams};
use ops_fixture::*;
use serde_json::json;

// ---- canary ------------------------------------------------------------------

/// A canary of `image` on one new pod, waiting at most `timeout`.
fn canary(image: &str, timeout: Duration) -> Operation {
    let mut plan = CanaryPlan::new(deploy(), "myapp", image, 1);
    plan.timeout = timeout;
    Operation::Canary(plan)
}

async fn count_images(client: &kube::Client, image: &str) -> (usize, usize) {
    let pods = pod_images(client).await;
    let with = pods.iter().filter(|(i, _)| i == image).count();
    (with, pods.len() - with)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn canary_holds_one_new_pod_paused_then_promotes() {
    let a = Side::start().await;
    // An aggressive strategy that a plain rollout would use to replace pods fast:
    // the canary must still stop at exactly one new pod with all three old ones.
    Api::<Deployment>::namespaced(a.client.clone(), NS)
        .patch(
            DEPLOY,
            &PatchParams::default(),
            &Patch::Merge(json!({"spec": {"strategy": {"rollingUpdate": {"maxSurge": 3, "maxUnavailable": 2}}}})),
        )
        .await
        .expect("set an aggressive strategy");
    settle(&a).await;
    let before = deployment(&a.client).await.spec.unwrap();
    let old_image = image_of(&a.client).await;
    let mut seen = Vec::new();
    let out = a
        .send_with(canary("nginx:1.15.7", timeout()), &mut |p| seen.push(p))
        .await
        .expect("canary");
    assert!(out.message.contains("rollout paused"), "{}", out.message);
    assert_eq!(seen.first(), Some(&CanaryProgress::Patched));
    assert_eq!(seen.last(), Some(&CanaryProgress::Paused));

    let check_held = || async {
        let pods = pod_images(&a.client).await;
        let new: Vec<_> = pods.iter().filter(|(i, _)| i == "nginx:1.15.7").collect();
        let old: Vec<_> = pods.iter().filter(|(i, _)| *i == old_image).collect();
        assert_eq!(new.len(), 1, "{pods:?}");
        assert!(new.iter().all(|(_, ready)| *ready), "{pods:?}");
        assert_eq!(old.len(), 3, "{pods:?}");
        assert!(deployment(&a.client).await.spec.unwrap().paused == Some(true));
        // What the deployment controller would change first, before any pod comes or goes.
        let mut replicas: Vec<(String, i32)> = replica_sets(&a.client)
            .await
            .into_iter()
            .map(|rs| {
                let image = rs
                    .spec
                    .as_ref()
                    .and_then(|s| s.template.as_ref())
                    .and_then(|t| t.spec.as_ref())
                    .map(|s| s.containers[0].image.clone().unwrap_or_default())
                    .unwrap_or_default();
                (image, rs.spec.and_then(|s| s.replicas).unwrap_or(0))
            })
            .collect();
        replicas.sort();
        let mut want = vec![("nginx:1.15.7".to_owned(), 1), (old_image.clone(), 3)];
        want.sort();
        assert_eq!(replicas, want, "the ReplicaSets' replicas");
    };
    check_held().await;
    assert!(
        seen.iter().any(|p| matches!(
            p,
            CanaryProgress::NewPods {
                ready: 1,
                wanted: 1,
                ..
            }
        )),
        "{seen:?}"
    );
    // Time passes, a minute and then two hours (beyond the hold's minReadySeconds and the
    // progress deadline), each followed by the controllers settling at the new time: the
    // canary stays put.
    for step in [60, 2 * 3600] {
        a.sim.clock().advance(Duration::from_secs(step));
        a.sim.wait_controllers_settled();
        check_held().await;
    }

    let out = a.send(Operation::Promote(deploy())).await.expect("promote");
    assert!(out.message.contains("promoted"), "{}", out.message);
    settle(&a).await;
    assert_eq!(count_images(&a.client, "nginx:1.15.7").await, (3, 0));
    let after = deployment(&a.client).await;
    let spec = after.spec.unwrap();
    assert_eq!(spec.strategy, before.strategy, "original strategy back");
    assert_eq!(spec.min_ready_seconds, before.min_ready_seconds);
    assert_eq!(
        spec.progress_deadline_seconds,
        before.progress_deadline_seconds
    );
    assert_eq!(spec.paused, None);
    let annotations = after.metadata.annotations.unwrap_or_default();
    assert!(!annotations.contains_key(ops::canary::ORIGINAL_ANNOTATION));

    let err = a
        .send(Operation::Promote(deploy()))
        .await
        .expect_err("no canary");
    assert_eq!(err.refusal(), Some(Refusal::NoCanary));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn canary_of_a_crashing_image_aborts_back_to_the_old_image() {
    let a = Side::start().await;
    let before = deployment(&a.client).await;
    let old_image = image_of(&a.client).await;
    let err = a
        .send(canary("nginx:crash", Duration::from_secs(3)))
        .await
        .expect_err("never ready");
    assert!(matches!(err, ops::OpError::Timeout(_)), "{err}");
    let (new, old) = count_images(&a.client, "nginx:crash").await;
    assert_eq!((new, old), (1, 3), "one crashing canary, three old pods");

    let out = a.send(Operation::Abort(deploy())).await.expect("abort");
    assert!(out.message.contains("aborted"), "{}", out.message);
    settle(&a).await;
    assert_eq!(image_of(&a.client).await, old_image);
    let pods = pod_images(&a.client).await;
    assert!(
        pods.iter().all(|(i, ready)| *i == old_image && *ready),
        "{pods:?}"
    );
    assert_eq!(pods.len(), 3);
    let after = deployment(&a.client).await;
    assert_eq!(
        after.spec.as_ref().unwrap().strategy,
        before.spec.as_ref().unwrap().strategy
    );
    assert_eq!(
        after.spec.as_ref().unwrap().min_ready_seconds,
        before.spec.as_ref().unwrap().min_ready_seconds
    );
    let annotations = after.metadata.annotations.unwrap_or_default();
    assert!(!annotations.contains_key(ops::canary::ORIGINAL_ANNOTATION));
    let before_cause = before
        .metadata
        .annotations
        .unwrap_or_default()
        .get("kubernetes.io/change-cause")
        .cloned();
    assert_eq!(
        annotations.get("kubernetes.io/change-cause").cloned(),
        before_cause
    );
}

/// The tutorial sequence at the operations level, on the seed scenario:
/// canary nginx:1.15.7 of 1 on myapp-deploy (3 old + 1 new, paused), promote
/// (3 new), then undo to revision 1 (nginx:1.14.1 again).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tutorial_canary_on_the_seed_then_undo_to_revision_1() {
    let a = Side::seed().await;
    assert_eq!(
        image_of(&a.client).await,
        "nginx:1.14.1",
        "the seed's image"
    );
    a.send(canary("nginx:1.15.7", timeout()))
        .await
        .expect("canary");
    assert_eq!(count_images(&a.client, "nginx:1.15.7").await, (1, 3));
    assert_eq!(deployment(&a.client).await.spec.unwrap().paused, Some(true));

    a.send(Operation::Promote(deploy())).await.expect("promote");
    settle(&a).await;
    assert_eq!(count_images(&a.client, "nginx:1.15.7").await, (3, 0));

    let history = ops::rollout_history(&a.client, NS, DEPLOY)
        .await
        .expect("history");
    let numbers: Vec<i64> = history.iter().map(|r| r.revision).collect();
    assert_eq!(numbers, [1, 2], "{history:?}");
    assert_eq!(
        history[1].change_cause.as_deref(),
        Some("kdeck set image deployment/myapp-deploy myapp=nginx:1.15.7")
    );
    a.send(Operation::Undo {
        key: deploy(),
        revision: Some(1),
        resume: false,
    })
    .await
    .expect("undo to 1");
    settle(&a).await;
    assert_eq!(count_images(&a.client, "nginx:1.14.1").await, (3, 0));
    let history = ops::rollout_history(&a.client, NS, DEPLOY)
        .await
        .expect("history");
    let numbers: Vec<i64> = history.iter().map(|r| r.revision).collect();
    assert_eq!(numbers, [2, 3], "revision 1 became 3: {history:?}");
    assert!(history[1].current && history[1].images == ["nginx:1.14.1"]);
}

/// Abort while the canary's pods are still coming up: the start gives up at once instead
/// of waiting out its timeout, and never pauses the Deployment after the abort.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn aborting_while_the_canary_waits_ends_the_wait_without_a_pause() {
    let a = Side::start().await;
    let old_image = image_of(&a.client).await;
    let cluster = a.cluster.clone();
    let started = tokio::spawn(async move {
        let canary = canary("nginx:crash", Duration::from_secs(600));
        cluster.send(&canary, &mut |_| {}).await
    });
    // Once the canary is in place (its annotation written), abort it.
    let deadline = std::time::Instant::now() + support::test_timeout();
    while !deployment(&a.client)
        .await
        .metadata
        .annotations
        .unwrap_or_default()
        .contains_key(ops::canary::ORIGINAL_ANNOTATION)
    {
        assert!(std::time::Instant::now() < deadline, "the canary started");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // The controllers write the Deployment's status meanwhile: a Conflict between abort's
    // read and its patch is read again inside abort (client-go's RetryOnConflict).
    a.send(Operation::Abort(deploy())).await.expect("abort");
    let err = tokio::time::timeout(support::test_timeout(), started)
        .await
        .expect("the start ends long before its 600 s timeout")
        .expect("the start task ran")
        .expect_err("the canary was aborted");
    assert!(
        matches!(
            err,
            ops::OpError::Refused {
                refusal: Refusal::NoCanary,
                ..
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("promoted or aborted"), "{err}");
    settle(&a).await;
    assert_eq!(image_of(&a.client).await, old_image);
    assert_eq!(deployment(&a.client).await.spec.unwrap().paused, None);
}
