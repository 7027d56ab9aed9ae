//! Scaling through the `/scale` subresource leaves Deployments, ReplicaSets and
//! StatefulSets as `kubectl scale` leaves them on another fresh simulation.

#![expect(
    clippy::unwrap_used,
    reason = "tests: a missing field is a test failure"
)]

mod ops_fixture;
mod support;

use k8s_openapi::api::apps::v1::{ReplicaSet, StatefulSet};
use kdeck::cluster::Kind;
use kdeck::cluster::ops::{Operation, Refusal};
use kube::api::{Api, PostParams};
use ops_fixture::{
    DEPLOY, NS, Side, assert_same, create_bare_replica_set, deployment, key, timeout,
};
use serde_json::json;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn scale_matches_kubectl_scale() {
    support::require_kubectl!();
    let (a, b) = (Side::start().await, Side::start().await);
    let out = a
        .send(Operation::Scale {
            key: key(Kind::Deployment, DEPLOY),
            from: 0,
            to: 5,
        })
        .await
        .expect("scale");
    assert_eq!(out.message, "deployment.apps/myapp-deploy scaled");
    b.kubectl_ok(&["scale", "deployment/myapp-deploy", "--replicas=5"]);
    assert_same(&a, &b, true).await;
    assert_eq!(deployment(&a.client).await.spec.unwrap().replicas, Some(5));

    let err = a
        .send(Operation::Scale {
            key: key(Kind::Deployment, "nope"),
            from: 0,
            to: 1,
        })
        .await
        .expect_err("no such deployment");
    assert_eq!(err.api().map(|f| f.code), Some(404), "{err}");
    assert!(err.to_string().contains("nope"), "{err}");

    // A bare ReplicaSet (the tutorial's dnsutil-rs shape) scales the same way.
    for side in [&a, &b] {
        create_bare_replica_set(&side.client).await;
    }
    let out = a
        .send(Operation::Scale {
            key: key(Kind::ReplicaSet, "dnsutil-rs"),
            from: 0,
            to: 3,
        })
        .await
        .expect("scale rs");
    assert_eq!(out.message, "replicaset.apps/dnsutil-rs scaled");
    b.kubectl_ok(&["scale", "replicaset/dnsutil-rs", "--replicas=3"]);
    for side in [&a, &b] {
        let client = side.client.clone();
        support::wait_until_async(timeout(), "dnsutil-rs has 3 ready pods", || {
            let client = client.clone();
            async move {
                let rs = Api::<ReplicaSet>::namespaced(client, NS)
                    .get("dnsutil-rs")
                    .await;
                rs.ok()
                    .and_then(|rs| rs.status)
                    .and_then(|s| s.ready_replicas)
                    == Some(3)
            }
        })
        .await;
    }
    let spec = |rs: ReplicaSet| serde_json::to_value(rs.spec).unwrap();
    let api_a = Api::<ReplicaSet>::namespaced(a.client.clone(), NS);
    let api_b = Api::<ReplicaSet>::namespaced(b.client.clone(), NS);
    assert_eq!(
        spec(api_a.get("dnsutil-rs").await.unwrap()),
        spec(api_b.get("dnsutil-rs").await.unwrap())
    );
    let err = a
        .send(Operation::Scale {
            key: key(Kind::Service, "x"),
            from: 0,
            to: 1,
        })
        .await
        .expect_err("services do not scale");
    assert_eq!(err.refusal(), Some(Refusal::Unsupported));
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn scaling_a_statefulset_matches_kubectl() {
    support::require_kubectl!();
    let (a, b) = (Side::start().await, Side::start().await);
    let sts: StatefulSet = serde_json::from_value(json!({
        "metadata": {"name": "web", "namespace": NS},
        "spec": {
            "serviceName": "web",
            "replicas": 1,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "nginx", "image": "nginx:1.14.1"}]}
            }
        }
    }))
    .unwrap();
    for side in [&a, &b] {
        Api::<StatefulSet>::namespaced(side.client.clone(), NS)
            .create(&PostParams::default(), &sts)
            .await
            .expect("create the statefulset");
    }
    let out = a
        .send(Operation::Scale {
            key: key(Kind::StatefulSet, "web"),
            from: 0,
            to: 2,
        })
        .await
        .expect("scale sts");
    assert_eq!(out.message, "statefulset.apps/web scaled");
    b.kubectl_ok(&["scale", "statefulset/web", "--replicas=2"]);
    for side in [&a, &b] {
        let api = Api::<StatefulSet>::namespaced(side.client.clone(), NS);
        support::wait_until_async(timeout(), "web has 2 ready pods", || {
            let api = api.clone();
            async move {
                api.get("web")
                    .await
                    .ok()
                    .and_then(|s| s.status)
                    .map(|s| s.ready_replicas)
                    == Some(Some(2))
            }
        })
        .await;
    }
    let spec = |s: StatefulSet| serde_json::to_value(s.spec).unwrap();
    let get = |side: &Side| Api::<StatefulSet>::namespaced(side.client.clone(), NS);
    assert_eq!(
        spec(get(&a).get("web").await.unwrap()),
        spec(get(&b).get("web").await.unwrap())
    );
}

support::conformance_tests![
    scale_matches_kubectl_scale,
    scaling_a_statefulset_matches_kubectl,
];
