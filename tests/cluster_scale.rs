//! Many objects: the initial list is paginated (page size 500), its first rows sent as
//! soon as they are read and the rest a page's worth at a time up to the Reset that ends it; a burst of
//! changes reaches the app as a few coalesced Applied batches; every request says it is
//! kdeck's in its User-Agent.

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
        // Finished pods on a node the cluster does not have: the embedded cluster's
        // controllers leave them alone, so only this test's changes happen.
        "spec": {"nodeName": "gone-node", "restartPolicy": "Never", "containers": [{"name": "c", "image": "nginx:1.25"}]},
        "status": {"phase": "Succeeded"}
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
    // The size of each page as it came, and of the Reset that ended the list.
    let mut pages_sent = Vec::new();
    let mut reset = None;
    loop {
        match next(&mut rx).await {
            ClusterUpdate::Listed { rows, first, .. } => {
                assert_eq!(first, pages_sent.is_empty(), "only the first page is first");
                assert!(reset.is_none(), "a page after the Reset");
                pages_sent.push(rows.len());
                versions.extend(
                    rows.into_iter()
                        .map(|r| (r.meta.name, r.meta.resource_version)),
                );
            }
            ClusterUpdate::Reset { rows, .. } => {
                reset = Some(rows.len());
                versions.extend(
                    rows.into_iter()
                        .map(|r| (r.meta.name, r.meta.resource_version)),
                );
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
    // The first rows went on their own as soon as they were read (the page is read item
    // by item as it arrives), before the list ended; then a page's worth at a time.
    assert!(
        pages_sent.first().is_some_and(|&rows| rows >= 1),
        "pages {pages_sent:?}"
    );
    assert!(
        pages_sent.iter().skip(1).all(|&rows| rows >= 500),
        "pages {pages_sent:?}"
    );
    assert!(reset.is_some(), "the list ended with a Reset");
    assert_eq!(pages_sent.iter().sum::<usize>() + reset.unwrap_or(0), PODS);
    assert_eq!(versions.len(), PODS, "every pod listed once");
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
    // kdeck says who it is, as kubectl does (`kubectl/v1.32.0 (linux/amd64)`).
    let agent = format!(
        "kdeck/{} ({}/",
        env!("CARGO_PKG_VERSION"),
        std::env::consts::OS
    );
    let requests = sim.requests();
    let strangers: Vec<_> = requests
        .iter()
        .skip(before)
        .filter(|r| !r.user_agent.starts_with(&agent))
        .map(|r| (r.path.clone(), r.user_agent.clone()))
        .collect();
    assert!(
        strangers.is_empty(),
        "requests without kdeck's User-Agent: {strangers:?}"
    );
    assert!(requests.len() > before);

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

/// The `scale` scenario's 50,000 pods through one watch: its pages, a Reset, then Live.
/// Heavy for a shared CI machine, so run on demand:
/// `cargo test --release --test cluster_scale -- --ignored --nocapture`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "50,000 pods: run on demand"]
async fn fifty_thousand_pods_in_one_reset() {
    use kdeck::cli::{ScenarioName, SimArgs};
    use kdeck::sim::SimOptions;

    let sim = TestSim::with_options(SimOptions {
        args: SimArgs {
            scenario: ScenarioName::Scale,
            pods: 50_000,
            ..SimArgs::default()
        },
        manual_clock: true,
    });
    let cluster = connect(&sim, None, false).await;
    let (tx, mut rx) = mpsc::unbounded_channel();
    let start = std::time::Instant::now();
    let _watch = cluster.watch(Kind::Pod, None, tx);
    let mut rows = Vec::new();
    loop {
        match next(&mut rx).await {
            ClusterUpdate::Listed { rows: page, .. } => rows.extend(page),
            ClusterUpdate::Reset { rows: last, .. } => {
                rows.extend(last);
                break;
            }
            _ => {}
        }
    }
    let elapsed = start.elapsed();
    let bytes: usize = rows
        .iter()
        .map(kdeck::cluster::rows::row_bytes::row_bytes)
        .sum();
    eprintln!(
        "{} pods listed and converted in {elapsed:?}; rows hold {:.1} MiB ({} B per pod)",
        rows.len(),
        bytes as f64 / (1024.0 * 1024.0),
        bytes / rows.len().max(1)
    );
    assert!(rows.len() >= 50_000, "{} pods", rows.len());
}
