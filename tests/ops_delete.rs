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
use kdeck::cluster::Kind;
use kdeck::cluster::ops::{self, Operation, Propagation};
use kube::api::{Api, DeleteParams, ListParams, Patch, PatchParams, PostParams};
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

    let out = a
        .send(Operation::Delete {
            key: key(Kind::Deployment, DEPLOY),
            propagation: Propagation::Background,
        })
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
async fn a_read_only_session_sends_no_operation() {
    let a = Side::start().await;
    let cluster = connect(&a.sim, true).await;
    let before = a.sim.requests().len();
    // The gate is closed: no permit, so nothing is sent...
    let op = Operation::Scale {
        key: deploy(),
        from: 3,
        to: 5,
    };
    let err = cluster.send(&op, &mut |_| {}).await.expect_err("read-only");
    assert!(matches!(err, ops::OpError::ReadOnly(_)), "{err:?}");
    assert!(cluster.gate().permit("anything").is_err());
    // ...and a write that went around the gate (a bug) is stopped where requests leave.
    assert_reads_refuse_writes(&cluster).await;
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

/// Outside read-only mode too, the client kdeck reads with refuses every change: the
/// only client that can send one is the gate's, inside a permit.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_reading_client_never_sends_a_change() {
    let a = Side::start().await;
    let before = a.sim.requests().len();
    assert_reads_refuse_writes(&a.cluster).await;
    let writes = a.sim.requests()[before..]
        .iter()
        .filter(|r| r.method != "GET")
        .count();
    assert_eq!(writes, 0);
    assert_eq!(image_of(&a.client).await, "nginx:1.14.1");
}

/// Scale, patch, delete and create through `cluster.client()`: each refused before it
/// leaves kdeck, by the read-only layer.
async fn assert_reads_refuse_writes(cluster: &kdeck::cluster::Cluster) {
    let deployments = Api::<Deployment>::namespaced(cluster.client(), NS);
    let patch = serde_json::json!({"spec": {"replicas": 5}});
    let attempts = [
        deployments
            .patch_scale(DEPLOY, &PatchParams::default(), &Patch::Merge(&patch))
            .await
            .map(|_| ()),
        deployments
            .patch(DEPLOY, &PatchParams::default(), &Patch::Merge(&patch))
            .await
            .map(|_| ()),
        deployments
            .delete(DEPLOY, &DeleteParams::default())
            .await
            .map(|_| ()),
        deployments
            .create(&PostParams::default(), &Deployment::default())
            .await
            .map(|_| ()),
    ];
    for attempt in attempts {
        let err = ops::OpError::from(attempt.expect_err("refused"));
        assert!(matches!(err, ops::OpError::ReadOnly(_)), "{err:?}");
    }
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
    a.send(Operation::Delete {
        key: key(Kind::ReplicaSet, "dnsutil-rs"),
        propagation: Propagation::Orphan,
    })
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
    // The garbage collector has had its say once the controllers settle after this.
    a.sim.wait_controllers_settled();
    assert!(
        pods.get(&pod_name).await.is_ok(),
        "the orphan is still there"
    );

    let out = a
        .send(Operation::Delete {
            key: key(Kind::Deployment, DEPLOY),
            propagation: Propagation::Foreground,
        })
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

// ---- what goes with it, beyond Deployments ------------------------------------

/// The seed's CronJob `hello-cron` owns its Jobs, and they their pods: the dialog names
/// them all (it said "it owns nothing" while the garbage collector took them).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cronjob_names_its_jobs_and_their_pods() {
    let a = Side::seed().await;
    let deps = ops::dependents(&a.client, Kind::CronJob, "batch", "hello-cron")
        .await
        .expect("dependents");
    let jobs: Vec<&str> = deps
        .iter()
        .filter(|k| k.kind == Kind::Job)
        .map(|k| k.name.as_str())
        .collect();
    assert!(!jobs.is_empty(), "{deps:?}");
    assert!(
        jobs.iter().all(|j| j.starts_with("hello-cron-")),
        "{deps:?}"
    );
    let pods: Vec<&str> = deps
        .iter()
        .filter(|k| k.kind == Kind::Pod)
        .map(|k| k.name.as_str())
        .collect();
    assert!(!pods.is_empty(), "{deps:?}");
    assert!(
        pods.iter().all(|p| jobs.iter().any(|j| p.starts_with(j))),
        "each pod is one of its Jobs': {deps:?}"
    );
    assert!(
        !deps.iter().any(|k| k.name == "pi"),
        "the Job made without the CronJob is not its: {deps:?}"
    );
}

/// A cluster-scoped object (the seed's CustomResourceDefinition) has no namespace to
/// list its dependents in: the answer is what it owns anywhere, not a 404.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cluster_scoped_object_has_an_answer() {
    let a = Side::seed().await;
    let found = a.cluster.discover().await.expect("discovery");
    let crd = found
        .into_iter()
        .map(Kind::of_resource)
        .find(|k| k.plural() == "customresourcedefinitions")
        .expect("the server serves CustomResourceDefinitions");
    let deps = ops::dependents(&a.client, crd, "", "widgets.demo.kdeck.dev")
        .await
        .expect("dependents of a cluster-scoped object");
    assert!(deps.is_empty(), "{deps:?}");
}

/// On 1.20 EndpointSlices are not served at `v1`: the Deployment's ReplicaSet and pods
/// are still named.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_1_20_a_deployment_still_names_its_dependents() {
    use kdeck::cli::{ScenarioName, SimArgs};
    use kdeck::server_version::ServerVersion;
    use kdeck::sim::SimOptions;
    let sim = support::TestSim::with_options(SimOptions {
        args: SimArgs {
            scenario: ScenarioName::Seed,
            server_version: ServerVersion::new(20).unwrap(),
            ..SimArgs::default()
        },
        manual_clock: false,
    });
    let client = sim.client().await.expect("a client");
    support::wait_until_async(timeout(), "myapp-deploy's dependents on 1.20", || {
        let client = client.clone();
        async move {
            ops::dependents(&client, Kind::Deployment, NS, DEPLOY)
                .await
                .is_ok_and(|d| d.iter().filter(|k| k.kind == Kind::Pod).count() == 3)
        }
    })
    .await;
    let deps = ops::dependents(&client, Kind::Deployment, NS, DEPLOY)
        .await
        .expect("dependents");
    assert!(deps.iter().any(|k| k.kind == Kind::ReplicaSet), "{deps:?}");
}
