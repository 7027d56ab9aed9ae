//! Log streams against the embedded cluster: a tail ends with End, follow keeps
//! sending until the handle is dropped, an unknown pod is an Error naming it.

mod cluster_fixtures;
mod support;

use cluster_fixtures::{connect, deployment_yaml};
use k8s_openapi::api::core::v1::Pod;
use kdeck::cluster::{LogChunk, LogOptions};
use kube::Api;
use kube::api::LogParams;
use support::{TestSim, test_timeout, wait_until_async};
use tokio::sync::mpsc;

async fn next(rx: &mut mpsc::UnboundedReceiver<LogChunk>) -> Option<LogChunk> {
    tokio::time::timeout(test_timeout(), rx.recv())
        .await
        .expect("no log chunk before the timeout")
}

/// Starts `web` with one replica and returns its pod's name once it runs.
async fn running_pod(sim: &TestSim) -> String {
    sim.create_yaml(&deployment_yaml("web", 1));
    let mut name = String::new();
    wait_until_async(test_timeout(), "the web pod Running", || {
        let running = sim
            .store()
            .list_as::<Pod>(Some("default"))
            .into_iter()
            .find(|p| {
                p.metadata
                    .name
                    .as_deref()
                    .is_some_and(|n| n.starts_with("web-"))
                    && p.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Running")
            });
        if let Some(p) = running {
            name = p.metadata.name.unwrap_or_default();
        }
        let found = !name.is_empty();
        async move { found }
    })
    .await;
    name
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tail_with_timestamps_then_end() {
    let sim = TestSim::start();
    let pod = running_pod(&sim).await;
    let cluster = connect(&sim, None, false).await;
    // The tail must cut: wait until the container has written more lines than it keeps.
    let pods: Api<Pod> = Api::namespaced(cluster.client(), "default");
    let whole = LogParams {
        container: Some("nginx".into()),
        ..LogParams::default()
    };
    wait_until_async(test_timeout(), "more than 3 lines of log", || {
        let (pods, pod, whole) = (pods.clone(), pod.clone(), whole.clone());
        async move {
            pods.logs(&pod, &whole)
                .await
                .is_ok_and(|log| log.lines().count() > 3)
        }
    })
    .await;
    let (tx, mut rx) = mpsc::unbounded_channel();
    let options = LogOptions {
        tail: Some(3),
        timestamps: true,
        ..LogOptions::default()
    };
    let _handle = cluster.logs("default", &pod, Some("nginx"), options, tx);
    let mut lines = Vec::new();
    loop {
        match next(&mut rx).await.expect("the stream ended without End") {
            LogChunk::Lines(mut l) => lines.append(&mut l),
            LogChunk::End(reason) => {
                assert_eq!(reason, "end of log");
                break;
            }
            LogChunk::Error(e) => panic!("{e}"),
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(lines.len(), 3, "the last 3 of more: {lines:?}");
    for line in &lines {
        let stamp = line.split(' ').next().unwrap();
        assert!(
            stamp.parse::<jiff::Timestamp>().is_ok(),
            "no timestamp in {line:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn follow_keeps_streaming_until_the_handle_is_dropped() {
    let sim = TestSim::start();
    let pod = running_pod(&sim).await;
    let cluster = connect(&sim, None, false).await;
    let (tx, mut rx) = mpsc::unbounded_channel();
    let options = LogOptions {
        tail: Some(1),
        follow: true,
        ..LogOptions::default()
    };
    let handle = cluster.logs("default", &pod, None, options, tx);
    let mut chunks = 0;
    let mut total = 0;
    while chunks < 2 {
        match next(&mut rx).await.expect("the follow stream ended") {
            LogChunk::Lines(l) => {
                chunks += 1;
                total += l.len();
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    assert!(total >= 2, "follow sent only {total} lines");
    drop(handle);
    // The task held the only sender: once stopped, the channel closes.
    while next(&mut rx).await.is_some() {}
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_pod_is_an_error_naming_it() {
    let sim = TestSim::start();
    let cluster = connect(&sim, None, false).await;
    let (tx, mut rx) = mpsc::unbounded_channel();
    let _handle = cluster.logs("default", "nope", None, LogOptions::default(), tx);
    match next(&mut rx).await {
        Some(LogChunk::Error(e)) => {
            assert!(e.contains("default/nope") && e.contains("not found"), "{e}");
        }
        other => panic!("expected an Error, got {other:?}"),
    }
}
