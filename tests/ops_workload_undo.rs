//! Rollout history and undo of StatefulSets and DaemonSets (their ControllerRevisions)
//! against the embedded cluster: kdeck's undo leaves the workload and its revisions as
//! `kubectl rollout undo` leaves another fresh simulation.

#![expect(
    clippy::unwrap_used,
    reason = "tests: a missing field is a test failure"
)]

mod ops_fixture;
mod support;

use k8s_openapi::api::apps::v1::{DaemonSet, StatefulSet};
use kdeck::cluster::ops::{self, Operation, Refusal, Revision};
use kdeck::cluster::{Kind, ObjectKey};
use kube::Api;
use serde_json::Value;
use support::{TestSim, test_timeout, wait_until_async};

use ops_fixture::NS;

fn manifest(kind: Kind) -> &'static str {
    if kind == Kind::StatefulSet {
        "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: web\n  namespace: default\nspec:\n  replicas: 2\n  serviceName: web\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.14.1\n"
    } else {
        "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: web\n  namespace: default\nspec:\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.14.1\n"
    }
}

fn resource(kind: Kind) -> &'static str {
    if kind == Kind::StatefulSet {
        "statefulset/web"
    } else {
        "daemonset/web"
    }
}

async fn history(sim: &TestSim, kind: Kind) -> Vec<Revision> {
    let client = sim.client().await.unwrap();
    ops::controller_history::rollout_history(&client, kind, NS, "web")
        .await
        .unwrap()
}

/// The workload's template and its history (revision, images, current), to compare.
async fn comparable(sim: &TestSim, kind: Kind) -> Value {
    let client = sim.client().await.unwrap();
    let template = if kind == Kind::StatefulSet {
        let s = Api::<StatefulSet>::namespaced(client, NS).get("web").await;
        serde_json::to_value(s.unwrap().spec.unwrap().template).unwrap()
    } else {
        let d = Api::<DaemonSet>::namespaced(client, NS).get("web").await;
        serde_json::to_value(d.unwrap().spec.unwrap().template).unwrap()
    };
    let revisions: Vec<Value> = history(sim, kind)
        .await
        .iter()
        .map(|r| serde_json::json!([r.revision, r.images, r.current]))
        .collect();
    serde_json::json!({"template": template, "history": revisions})
}

/// A fresh cluster with `web` at revision 2 (nginx:1.15.7) after revision 1 (nginx:1.14.1).
async fn two_revisions(kind: Kind) -> TestSim {
    let sim = TestSim::empty();
    let file = sim.write_file("web.yaml", manifest(kind));
    sim.kubectl_ok(&["apply", "-f", file.to_str().unwrap()]);
    sim.kubectl_ok(&["set", "image", resource(kind), "web=nginx:1.15.7"]);
    wait_until_async(test_timeout(), "two revisions", || async {
        history(&sim, kind).await.len() == 2
    })
    .await;
    sim
}

async fn undo_matches_kubectl(kind: Kind) {
    support::require_kubectl!();
    let (a, b) = (two_revisions(kind).await, two_revisions(kind).await);
    let before = history(&a, kind).await;
    assert_eq!(
        before.iter().map(|r| r.revision).collect::<Vec<_>>(),
        [1, 2]
    );
    assert_eq!(before[0].images, ["nginx:1.14.1"]);
    assert!(before[1].current, "{before:?}");

    let cluster = ops_fixture::connect(&a, false).await;
    let undo = |revision| Operation::Undo {
        key: ObjectKey {
            kind,
            namespace: NS.into(),
            name: "web".into(),
        },
        revision: Some(revision),
        resume: false,
    };
    let out = cluster.send(&undo(1), &mut |_| {}).await.unwrap();
    let word = resource(kind).replace('/', ".apps/");
    assert_eq!(out.message, format!("{word} rolled back"));
    b.kubectl_ok(&["rollout", "undo", resource(kind), "--to-revision=1"]);
    wait_until_async(test_timeout(), "revision 3 on both sides", || async {
        history(&a, kind).await.iter().any(|r| r.revision == 3)
            && history(&b, kind).await.iter().any(|r| r.revision == 3)
    })
    .await;
    let (got, want) = (comparable(&a, kind).await, comparable(&b, kind).await);
    assert_eq!(got, want, "kdeck's undo against kubectl's");
    assert_eq!(
        got["template"]["spec"]["containers"][0]["image"],
        "nginx:1.14.1"
    );

    // Again to the same template: kubectl's skip, nothing sent.
    let newest = history(&a, kind).await.last().unwrap().revision;
    let again = cluster.send(&undo(newest), &mut |_| {}).await.unwrap();
    assert!(again.sent.is_none(), "{again:?}");
    assert!(
        again.message.contains(&format!(
            "skipped rollback (current template already matches revision {newest})"
        )),
        "{}",
        again.message
    );
    let missing = cluster.send(&undo(9), &mut |_| {}).await.unwrap_err();
    assert_eq!(missing.refusal(), Some(Refusal::RevisionNotFound));
    let kubectl_says = a.kubectl_err(&["rollout", "undo", resource(kind), "--to-revision=9"]);
    assert!(
        kubectl_says.contains(&missing.to_string()),
        "{kubectl_says} / {missing}"
    );
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn statefulset_undo_matches_kubectl_rollout_undo() {
    undo_matches_kubectl(Kind::StatefulSet).await;
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn daemonset_undo_matches_kubectl_rollout_undo() {
    undo_matches_kubectl(Kind::DaemonSet).await;
}

support::conformance_tests![
    statefulset_undo_matches_kubectl_rollout_undo,
    daemonset_undo_matches_kubectl_rollout_undo,
];
