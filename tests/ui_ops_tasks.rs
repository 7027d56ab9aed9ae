//! The dialogs' requests run as tasks against the embedded cluster: a change comes
//! back as `OpReport::Done` and is in the cluster; a read-only session's gate sends
//! nothing and says why; the server's refusal comes back with its message; loads
//! (history, dependents) come back as data.

mod support;

use std::sync::Arc;

use k8s_openapi::api::apps::v1::Deployment;
use kdeck::app::Msg;
use kdeck::app::operations::{Load, OpReport, OpRequest};
use kdeck::cluster::ops::Operation;
use kdeck::cluster::{Cluster, ConnectOptions, Kind, ObjectKey};
use kdeck::runtime::operations::spawn;
use kube::api::Api;
use support::TestSim;
use tokio::sync::mpsc;

fn myapp() -> ObjectKey {
    ObjectKey {
        kind: Kind::Deployment,
        namespace: "default".into(),
        name: "myapp-deploy".into(),
    }
}

async fn connect(sim: &TestSim, readonly: bool) -> Arc<Cluster> {
    let opts = ConnectOptions {
        kubeconfig: Some(sim.kubeconfig_path().to_owned()),
        context: None,
        namespace: None,
        readonly,
    };
    Arc::new(
        Cluster::connect(&opts)
            .await
            .expect("connect to the embedded cluster"),
    )
}

/// Runs `request` and returns its last report (progress reports are skipped).
async fn answer(cluster: &Arc<Cluster>, request: OpRequest) -> OpReport {
    let (tx, mut rx) = mpsc::unbounded_channel();
    spawn(cluster, request, tx);
    loop {
        let next = tokio::time::timeout(support::test_timeout(), rx.recv())
            .await
            .expect("an answer in time")
            .expect("the task answers before it ends");
        match next {
            Msg::OpReport {
                report: OpReport::Progress(_),
                ..
            } => {}
            Msg::OpReport { id, report } => {
                assert_eq!(id, 7, "the answer carries the request's id");
                return report;
            }
            other => panic!("unexpected {other:?}"),
        }
    }
}

async fn replicas(sim: &TestSim) -> i32 {
    let client = sim.client().await.expect("client");
    Api::<Deployment>::namespaced(client, "default")
        .get("myapp-deploy")
        .await
        .expect("get")
        .spec
        .and_then(|s| s.replicas)
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scale_is_sent_and_answered_and_a_closed_gate_sends_nothing() {
    let sim = TestSim::start();
    let scale = |to| OpRequest::Mutate {
        id: 7,
        operation: Operation::Scale {
            key: myapp(),
            from: 3,
            to,
        },
    };

    let readonly = connect(&sim, true).await;
    let before = sim.requests().len();
    match answer(&readonly, scale(5)).await {
        OpReport::Failed { message, .. } => {
            assert!(message.contains("read-only session"), "{message}");
            assert!(
                message.contains("scale deployment/myapp-deploy 3 -> 5"),
                "{message}"
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(sim.requests().len(), before, "nothing left kdeck");
    assert_eq!(replicas(&sim).await, 3);

    let cluster = connect(&sim, false).await;
    match answer(&cluster, scale(5)).await {
        OpReport::Done(message) => assert!(message.contains("scaled"), "{message}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(replicas(&sim).await, 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refusals_and_loads_come_back_with_their_message_and_data() {
    let sim = TestSim::start();
    let cluster = connect(&sim, false).await;
    // Resume of a Deployment that is not paused: kubectl's refusal, nothing sent.
    match answer(
        &cluster,
        OpRequest::Mutate {
            id: 7,
            operation: Operation::Resume(myapp()),
        },
    )
    .await
    {
        OpReport::Failed { message, .. } => assert!(message.contains("not paused"), "{message}"),
        other => panic!("{other:?}"),
    }
    // Scaling what does not exist: the API server's NotFound message.
    let missing = ObjectKey {
        name: "nope".into(),
        ..myapp()
    };
    match answer(
        &cluster,
        OpRequest::Mutate {
            id: 7,
            operation: Operation::Scale {
                key: missing,
                from: 1,
                to: 2,
            },
        },
    )
    .await
    {
        OpReport::Failed { message, .. } => assert!(message.contains("not found"), "{message}"),
        other => panic!("{other:?}"),
    }
    let OpReport::History(Ok(history)) = answer(
        &cluster,
        OpRequest::Load {
            id: 7,
            load: Load::History(myapp()),
        },
    )
    .await
    else {
        panic!("the history loads")
    };
    assert_eq!(history.len(), 1);
    assert!(history[0].current);
    assert_eq!(history[0].images, ["nginx:1.14.1"]);
    let OpReport::Dependents(Ok(owned)) = answer(
        &cluster,
        OpRequest::Load {
            id: 7,
            load: Load::Dependents(myapp()),
        },
    )
    .await
    else {
        panic!("the dependents load")
    };
    let replica_sets = owned.iter().filter(|k| k.kind == Kind::ReplicaSet).count();
    let pods = owned.iter().filter(|k| k.kind == Kind::Pod).count();
    assert_eq!((replica_sets, pods), (1, 3), "{owned:?}");
}
