//! Many objects: the initial list is paginated (page size 500) into one Reset,
//! and a burst of changes reaches the app as a few coalesced Applied batches.

mod cluster_fixtures;
mod support;

use std::collections::BTreeMap;

use cluster_fixtures::connect;
use k8s_openapi::api::core::v1::Pod;
use kdeck::cluster::watch::MAX_BATCH;
use kdeck::cluster::{ClusterUpdate, Kind, WatchState};
use support::{TestSim, test_timeout};
use tokio::sync::mpsc;

const PODS: usize = 1500;

fn pod(i: usize) -> Pod {
    serde_json::from_value(serde_json::json!({
        "metadata": {"name": format!("bulk-{i:04}"), "namespace": "default", "labels": {"app": "bulk"}},
        "spec": {"containers": [{"name": "c", "image": "nginx:1.25"}]}
    }))
    .expect("a valid pod")
}

async fn next(rx: &mut mpsc::UnboundedReceiver<ClusterUpdate>) -> ClusterUpdate {
    tokio::time::timeout(test_timeout(), rx.recv())
        .await
        .expect("no update before the timeout")
        .expect("the watch ended")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paginated_reset_and_coalesced_bursts() {
    let sim = TestSim::empty();
    for i in 0..PODS {
        sim.store()
            .create_as(&pod(i))
            .expect("create a pod in the store");
    }
    let cluster = connect(&sim, None, false).await;
    let before = sim.requests().len();
    let (tx, mut rx) = mpsc::unbounded_channel();
    let _watch = cluster.watch(Kind::Pod, Some("default".to_owned()), tx);

    let mut versions: BTreeMap<String, String> = BTreeMap::new();
    loop {
        match next(&mut rx).await {
            ClusterUpdate::Reset { rows, .. } => {
                versions = rows
                    .into_iter()
                    .map(|r| (r.meta.name, r.meta.resource_version))
                    .collect();
            }
            ClusterUpdate::State {
                state: WatchState::Live,
                ..
            } => break,
            ClusterUpdate::State {
                state: WatchState::Syncing,
                ..
            } => {}
            other => panic!("unexpected before Live: {other:?}"),
        }
    }
    assert_eq!(versions.len(), PODS, "one Reset with every pod");
    let pages = sim
        .requests()
        .into_iter()
        .skip(before)
        .filter(|r| r.verb == "list" && r.path.contains("/pods") && r.path.contains("limit=500"))
        .count();
    assert!(
        pages >= PODS.div_ceil(500),
        "the list was not paginated: {pages} pages"
    );

    // A burst: every pod changes once.
    for i in 0..PODS {
        sim.store()
            .modify_as::<Pod>("default", &format!("bulk-{i:04}"), |p| {
                p.metadata
                    .labels
                    .get_or_insert_with(BTreeMap::new)
                    .insert("burst".to_owned(), "1".to_owned());
            })
            .expect("modify a pod in the store");
    }
    let mut changed = std::collections::BTreeSet::new();
    let mut messages = 0;
    while changed.len() < PODS {
        match next(&mut rx).await {
            ClusterUpdate::Applied { rows, .. } => {
                messages += 1;
                assert!(rows.len() <= MAX_BATCH, "a batch of {} rows", rows.len());
                for r in rows {
                    if r.meta.labels.contains_key("burst") {
                        changed.insert(r.meta.name);
                    }
                }
            }
            other => panic!("unexpected during the burst: {other:?}"),
        }
    }
    eprintln!("{PODS} changes in {messages} Applied messages, {pages} list pages");
    assert!(
        messages * 4 <= PODS,
        "{PODS} changes arrived in {messages} messages: not coalesced"
    );
}
