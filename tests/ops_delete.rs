//! Delete with each propagation policy and the dependents named before it, and
//! the read-only lock where requests leave kdeck.

#![expect(
    clippy::unwrap_used,
    reason = "tests: a missing field is a test failure"
)]

mod ops_fixture;
mod support;

use std::time::Duration;

use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use k8s_openapi::api::core::v1::Pod;
use kdeck::cluster::ops::{self, Propagation};
use kdeck::cluster::{Cluster, ConnectOptions, Kind};
use kube::api::{Api, ListParams};
use ops_fixture::*;

// ---- delete ------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delete_names_dependents_and_background_removes_them() {
    let a = Side::start().await;
    let deps = ops::dependents(&a.client, Kind::Deployment, NS, DEPLOY)
        .await
        .expect("dependents");
    let rs: Vec<_> = deps.iter().filter(|k| k.kind == Kind::ReplicaSet).collect();
    let pods: Vec<_> = deps.iter().filter(|k| k.kind == Kind::Pod).collect();
    assert!(!rs.is_empty(), "{deps:?}");
    assert_eq!(pods.len(), 3, "{deps:?}");
    assert!(pods.iter().all(|p| p.name.starts_with("myapp-deploy-")));

    let out = ops::delete(
        &a.client,
        &permit("delete"),
        Kind::Deployment,
        NS,
        DEPLOY,
        Propagation::Background,
    )
    .await
    .expect("delete");
    assert_eq!(out.message, "deployment.apps \"myapp-deploy\" deleted");
    let deadline = tokio::time::Instant::now() + timeout();
    loop {
        let left = Api::<ReplicaSet>::namespaced(a.client.clone(), NS)
            .list(&ListParams::default().labels("app=myapp"))
            .await
            .expect("list")
            .items
            .len();
        if left == 0 {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{left} replica sets left"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let err = ops::dependents(&a.client, Kind::Deployment, NS, DEPLOY)
        .await
        .expect_err("gone");
    assert_eq!(err.api().map(|f| f.code), Some(404));
}

// ---- read-only ---------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_only_client_sends_no_operation_even_with_a_permit() {
    let a = Side::start().await;
    let cluster = Cluster::connect(&ConnectOptions {
        kubeconfig: Some(a.sim.kubeconfig_path().to_path_buf()),
        readonly: true,
        ..ConnectOptions::default()
    })
    .await
    .expect("connect read-only");
    let before = a.sim.requests().len();
    // The gate is closed: perform asks it and sends nothing...
    let op = ops::Operation::Scale {
        kind: Kind::Deployment,
        namespace: NS.into(),
        name: DEPLOY.into(),
        replicas: 5,
    };
    let err = ops::perform(&cluster.client(), cluster.gate(), &op, &mut |_| {})
        .await
        .expect_err("read-only");
    assert!(matches!(err, ops::OpError::ReadOnly(_)), "{err:?}");
    // ...and even a permit from elsewhere (a bug) is stopped where requests leave kdeck.
    let client = cluster.client();
    let p = permit("bypass");
    let attempts = [
        ops::scale(&client, &p, Kind::Deployment, NS, DEPLOY, 5).await,
        ops::set_image(&client, &p, NS, DEPLOY, "myapp", "nginx:1.15.7", None).await,
        ops::pause(&client, &p, NS, DEPLOY).await,
        ops::restart(&client, &p, Kind::Deployment, NS, DEPLOY).await,
        ops::delete(
            &client,
            &p,
            Kind::Deployment,
            NS,
            DEPLOY,
            Propagation::Background,
        )
        .await,
    ];
    for attempt in attempts {
        let err = attempt.expect_err("refused");
        assert!(matches!(err, ops::OpError::ReadOnly(_)), "{err:?}");
    }
    let sent: Vec<_> = a.sim.requests()[before..]
        .iter()
        .filter(|r| r.method != "GET")
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert!(
        sent.is_empty(),
        "mutating requests reached the server: {sent:?}"
    );
    assert_eq!(image_of(&a.client).await, "nginx:1.14.1");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn orphan_keeps_the_pods_and_foreground_takes_everything() {
    let a = Side::start().await;
    create_bare_replica_set(&a.client).await;
    let pods = Api::<Pod>::namespaced(a.client.clone(), NS);
    let client = a.client.clone();
    support::wait_until_async(timeout(), "dnsutil-rs has its pod", || {
        let client = client.clone();
        async move {
            ops::dependents(&client, Kind::ReplicaSet, NS, "dnsutil-rs")
                .await
                .is_ok_and(|d| d.len() == 1)
        }
    })
    .await;
    let deps = ops::dependents(&a.client, Kind::ReplicaSet, NS, "dnsutil-rs")
        .await
        .expect("dependents");
    let pod_name = deps[0].name.clone();
    ops::delete(
        &a.client,
        &permit("delete"),
        Kind::ReplicaSet,
        NS,
        "dnsutil-rs",
        Propagation::Orphan,
    )
    .await
    .expect("delete orphaning");
    let pods_api = pods.clone();
    let name = pod_name.clone();
    support::wait_until_async(timeout(), "the orphaned pod loses its owner", || {
        let (pods_api, name) = (pods_api.clone(), name.clone());
        async move {
            pods_api
                .get(&name)
                .await
                .is_ok_and(|p| p.metadata.owner_references.unwrap_or_default().is_empty())
        }
    })
    .await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert!(
        pods.get(&pod_name).await.is_ok(),
        "the orphan is still there"
    );

    let out = ops::delete(
        &a.client,
        &permit("delete"),
        Kind::Deployment,
        NS,
        DEPLOY,
        Propagation::Foreground,
    )
    .await
    .expect("delete in the foreground");
    assert!(
        out.sent
            .as_deref()
            .unwrap_or_default()
            .contains("Foreground"),
        "{out:?}"
    );
    let client = a.client.clone();
    support::wait_until_async(timeout(), "the deployment and its pods are gone", || {
        let client = client.clone();
        async move {
            let gone = Api::<Deployment>::namespaced(client.clone(), NS)
                .get(DEPLOY)
                .await
                .is_err();
            let left = Api::<Pod>::namespaced(client, NS)
                .list(&ListParams::default().labels("app=myapp"))
                .await
                .map_or(usize::MAX, |l| l.items.len());
            gone && left == 0
        }
    })
    .await;
}
