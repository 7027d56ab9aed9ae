use serde_json::json;

use super::*;
use crate::sim::clock::Clock;

fn store_with_pod(containers: &[&str], status: &Value) -> Arc<Store> {
    let store = Arc::new(Store::new(Clock::manual()));
    store
        .create(
            by_kind("", "Namespace").unwrap(),
            json!({"metadata": {"name": "default"}}),
        )
        .unwrap();
    let containers: Vec<Value> = containers
        .iter()
        .map(|c| json!({"name": c, "image": "nginx:1.14.1"}))
        .collect();
    store
        .create(
            by_kind("", "Pod").unwrap(),
            json!({"metadata": {"name": "web-1"}, "spec": {"containers": containers}, "status": status.clone()}),
        )
        .unwrap();
    store
}

fn running_since(store: &Store, secs_ago: i64) -> Value {
    let started = store.clock().now() - SignedDuration::from_secs(secs_ago);
    json!({"podIP": "10.244.1.7", "containerStatuses": [{"name": "web", "state": {"running": {"startedAt": crate::sim::clock::format_time(started)}}, "restartCount": 0}]})
}

async fn read(s: BoxStream<'static, Bytes>) -> String {
    let chunks: Vec<Bytes> = s.collect().await;
    String::from_utf8(chunks.concat()).unwrap()
}

#[tokio::test]
async fn options_shape_the_log() {
    let store = store_with_pod(&["web"], &json!({}));
    let status = running_since(&store, 120);
    store
        .modify(by_kind("", "Pod").unwrap(), "default", "web-1", |p| {
            p["status"] = status;
            Ok(())
        })
        .unwrap();
    let all = read(stream(store.clone(), "default", "web-1", LogRequest::default()).unwrap()).await;
    assert!(all.starts_with("/docker-entrypoint.sh"));
    assert!(all.lines().count() > 60);
    let tail = LogRequest {
        tail_lines: Some(3),
        timestamps: true,
        ..LogRequest::default()
    };
    let tail = read(stream(store.clone(), "default", "web-1", tail).unwrap()).await;
    assert_eq!(tail.lines().count(), 3);
    assert!(
        tail.lines()
            .all(|l| l.len() > 31 && l.as_bytes()[10] == b'T' && l[..31].ends_with("Z ")),
        "{tail}"
    );
    let recent = LogRequest {
        since_seconds: Some(10),
        ..LogRequest::default()
    };
    let recent = read(stream(store.clone(), "default", "web-1", recent).unwrap()).await;
    assert!((4..=11).contains(&recent.lines().count()), "{recent}");
    let limited = LogRequest {
        limit_bytes: Some(50),
        ..LogRequest::default()
    };
    assert_eq!(
        read(stream(store.clone(), "default", "web-1", limited).unwrap())
            .await
            .len(),
        50
    );
    let previous = LogRequest {
        previous: true,
        ..LogRequest::default()
    };
    let err = stream(store, "default", "web-1", previous).err().unwrap();
    assert_eq!(
        err.message,
        "previous terminated container \"web\" in pod \"web-1\" not found"
    );
}

#[test]
fn errors_are_the_api_servers() {
    let store = store_with_pod(&["a", "b"], &json!({}));
    let err = stream(store.clone(), "default", "web-1", LogRequest::default())
        .err()
        .unwrap();
    assert_eq!(
        (err.code, err.message.as_str()),
        (
            400,
            "a container name must be specified for pod web-1, choose one of: [a b]"
        )
    );
    let waiting = LogRequest {
        container: Some("a".into()),
        ..LogRequest::default()
    };
    let err = stream(store.clone(), "default", "web-1", waiting)
        .err()
        .unwrap();
    assert_eq!(
        err.message,
        "container \"a\" in pod \"web-1\" is waiting to start: ContainerCreating"
    );
    let err = stream(store, "default", "nope", LogRequest::default())
        .err()
        .unwrap();
    assert_eq!(err.code, 404);
}

#[tokio::test]
async fn follow_streams_new_lines_and_ends_with_the_pod() {
    let store = store_with_pod(&["web"], &json!({}));
    let status = running_since(&store, 5);
    store
        .modify(by_kind("", "Pod").unwrap(), "default", "web-1", |p| {
            p["status"] = status;
            Ok(())
        })
        .unwrap();
    let follow = LogRequest {
        follow: true,
        tail_lines: Some(0),
        ..LogRequest::default()
    };
    let mut s = stream(store.clone(), "default", "web-1", follow).unwrap();
    store.clock().advance(Duration::from_secs(10));
    let chunk = tokio::time::timeout(Duration::from_secs(30), s.next())
        .await
        .unwrap()
        .unwrap();
    assert!(String::from_utf8_lossy(&chunk).contains("\"GET "));
    store
        .delete(by_kind("", "Pod").unwrap(), "default", "web-1")
        .unwrap();
    let end = tokio::time::timeout(Duration::from_secs(30), async {
        while s.next().await.is_some() {}
    })
    .await;
    assert!(end.is_ok(), "the stream ends when the pod is gone");
}

#[tokio::test]
async fn init_containers_and_since_time_are_served() {
    let store = store_with_pod(&["web"], &json!({}));
    let started = store.clock().now() - SignedDuration::from_secs(60);
    let at = crate::sim::clock::format_time(started);
    store
        .modify(by_kind("", "Pod").unwrap(), "default", "web-1", |p| {
            p["spec"]["initContainers"] = json!([{"name": "setup", "image": "busybox:1"}]);
            p["status"] = json!({"podIP": "10.244.1.7",
                "initContainerStatuses": [{"name": "setup", "state": {"running": {"startedAt": at}}}],
                "containerStatuses": [{"name": "web", "state": {"waiting": {"reason": "PodInitializing"}}}]});
            Ok(())
        })
        .unwrap();
    let init = LogRequest {
        container: Some("setup".into()),
        ..LogRequest::default()
    };
    let text = read(stream(store.clone(), "default", "web-1", init).unwrap()).await;
    assert!(
        text.starts_with(&format!(
            "{} starting busybox:1 (container setup)",
            started.strftime("%Y/%m/%d %H:%M:%S")
        )),
        "{text}"
    );
    let since = LogRequest {
        container: Some("setup".into()),
        since_time: Some(store.clock().now() - SignedDuration::from_secs(10)),
        timestamps: true,
        ..LogRequest::default()
    };
    let recent = read(stream(store, "default", "web-1", since).unwrap()).await;
    assert!((4..=11).contains(&recent.lines().count()), "{recent}");
}
