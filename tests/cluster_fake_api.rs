//! The cluster layer against a minimal fake API server (axum): watch states for
//! 404 (Unavailable once, task stops) and 403 (Forbidden once despite retries),
//! the initial Reset, and the read-only layer (nothing but GETs reach the server).

#![expect(
    clippy::unwrap_used,
    reason = "test helpers: a panic is the failure report"
)]

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use kdeck::cluster::{Cluster, ClusterUpdate, ConnectOptions, Kind, WatchState};
use tokio::sync::mpsc;

type Log = Arc<Mutex<Vec<String>>>;

fn timeout() -> Duration {
    let secs = std::env::var("KDECK_TEST_TIMEOUT_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(30);
    Duration::from_secs(secs)
}

fn status(code: u16, reason: &str, message: &str) -> Response {
    let body = serde_json::json!({"kind": "Status", "apiVersion": "v1", "metadata": {},
        "status": "Failure", "message": message, "reason": reason, "code": code});
    (
        StatusCode::from_u16(code).unwrap(),
        [("content-type", "application/json")],
        body.to_string(),
    )
        .into_response()
}

fn pod(name: &str) -> serde_json::Value {
    serde_json::json!({"metadata": {"name": name, "namespace": "default", "uid": name, "resourceVersion": "5"},
        "spec": {"containers": [{"name": "c", "image": "nginx"}]},
        "status": {"phase": "Running"}})
}

async fn handle(State(log): State<Log>, req: Request) -> Response {
    let path = req.uri().path().to_owned();
    let query = req.uri().query().unwrap_or("").to_owned();
    let watching = query.contains("watch=true") || query.contains("watch=1");
    let earlier_watches = {
        let mut log = log.lock().unwrap();
        let line = format!(
            "{} {path}{}",
            req.method(),
            if watching { "?watch" } else { "" }
        );
        let earlier = log.iter().filter(|l| **l == line).count();
        log.push(line);
        earlier
    };
    match path.as_str() {
        // The first watch fails with a 500; later ones work.
        "/api/v1/namespaces/flaky/pods" if watching && earlier_watches == 0 => {
            status(500, "InternalError", "etcd leader changed")
        }
        "/api/v1/namespaces/flaky/pods" if !watching => {
            let list = serde_json::json!({"apiVersion": "v1", "kind": "PodList",
                "metadata": {"resourceVersion": "10"}, "items": [pod("a")]});
            ([("content-type", "application/json")], list.to_string()).into_response()
        }
        "/api/v1/namespaces/default/pods" | "/api/v1/namespaces/flaky/pods" | "/api/v1/pods"
            if watching =>
        {
            Response::builder()
                .header("content-type", "application/json")
                .body(Body::from_stream(futures::stream::pending::<
                    Result<bytes::Bytes, std::io::Error>,
                >()))
                .unwrap()
        }
        "/api/v1/namespaces/default/pods" | "/api/v1/pods" => {
            let list = serde_json::json!({"apiVersion": "v1", "kind": "PodList",
                "metadata": {"resourceVersion": "10"}, "items": [pod("a"), pod("b")]});
            ([("content-type", "application/json")], list.to_string()).into_response()
        }
        "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews" => {
            // Allow everything but secrets, echoing the spec as a real server does.
            let body = axum::body::to_bytes(req.into_body(), 1 << 20)
                .await
                .unwrap();
            let mut review: serde_json::Value = serde_json::from_slice(&body).unwrap();
            let resource = review["spec"]["resourceAttributes"]["resource"]
                .as_str()
                .unwrap_or("")
                .to_owned();
            review["status"] = serde_json::json!({"allowed": resource != "secrets"});
            (
                StatusCode::CREATED,
                [("content-type", "application/json")],
                review.to_string(),
            )
                .into_response()
        }
        p if p.contains("endpointslices") => status(
            404,
            "NotFound",
            "the server could not find the requested resource",
        ),
        p if p.contains("secrets") => status(
            403,
            "Forbidden",
            "secrets is forbidden: User \"viewer\" cannot list resource \"secrets\" in API group \"\" in the namespace \"default\"",
        ),
        _ => status(404, "NotFound", "not served by the fake"),
    }
}

async fn fake_server() -> (SocketAddr, Log, tempfile::TempDir) {
    let log: Log = Arc::default();
    let app = Router::new().fallback(handle).with_state(log.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = format!(
        "apiVersion: v1\nkind: Config\ncurrent-context: fake\nclusters:\n- name: fake\n  cluster: {{server: 'http://{addr}'}}\nusers:\n- name: u\n  user: {{token: t}}\ncontexts:\n- name: fake\n  context: {{cluster: fake, user: u, namespace: default}}\n"
    );
    std::fs::write(dir.path().join("kubeconfig"), kubeconfig).unwrap();
    (addr, log, dir)
}

async fn connect(dir: &tempfile::TempDir, readonly: bool) -> Cluster {
    Cluster::connect(&ConnectOptions {
        kubeconfig: Some(dir.path().join("kubeconfig")),
        readonly,
        ..ConnectOptions::default()
    })
    .await
    .unwrap()
}

async fn next(rx: &mut mpsc::UnboundedReceiver<ClusterUpdate>) -> ClusterUpdate {
    tokio::time::timeout(timeout(), rx.recv())
        .await
        .expect("no update before the timeout")
        .expect("channel closed")
}

#[tokio::test]
async fn initial_list_is_one_reset_then_live() {
    let (_addr, _log, dir) = fake_server().await;
    let cluster = connect(&dir, false).await;
    assert_eq!(cluster.namespace(), "default");
    assert_eq!(cluster.context(), "fake");
    let (tx, mut rx) = mpsc::unbounded_channel();
    let _watch = cluster.watch(Kind::Pod, Some("default".to_owned()), tx);
    assert_eq!(
        next(&mut rx).await,
        ClusterUpdate::State {
            kind: Kind::Pod,
            state: WatchState::Syncing
        }
    );
    match next(&mut rx).await {
        ClusterUpdate::Reset {
            kind: Kind::Pod,
            rows,
        } => {
            let names: Vec<_> = rows.iter().map(|r| r.meta.name.as_str()).collect();
            assert_eq!(names, ["a", "b"]);
        }
        other => panic!("expected Reset, got {other:?}"),
    }
    assert_eq!(
        next(&mut rx).await,
        ClusterUpdate::State {
            kind: Kind::Pod,
            state: WatchState::Live
        }
    );
}

#[tokio::test]
async fn unserved_kind_is_unavailable_once_and_the_task_stops() {
    let (_addr, log, dir) = fake_server().await;
    let cluster = connect(&dir, false).await;
    let (tx, mut rx) = mpsc::unbounded_channel();
    let watch = cluster.watch(Kind::EndpointSlice, None, tx);
    assert!(matches!(
        next(&mut rx).await,
        ClusterUpdate::State {
            state: WatchState::Syncing,
            ..
        }
    ));
    match next(&mut rx).await {
        ClusterUpdate::State {
            kind: Kind::EndpointSlice,
            state: WatchState::Unavailable(msg),
        } => {
            assert_eq!(
                msg,
                "this server does not serve discovery.k8s.io/v1 EndpointSlices"
            );
        }
        other => panic!("expected Unavailable, got {other:?}"),
    }
    // The task ends: the channel closes without another message.
    let rest = tokio::time::timeout(timeout(), rx.recv())
        .await
        .expect("task did not stop");
    assert_eq!(rest, None);
    assert!(watch.is_finished());
    let lists = log
        .lock()
        .unwrap()
        .iter()
        .filter(|l| l.contains("endpointslices"))
        .count();
    assert_eq!(lists, 1, "no retry loop on 404");
}

#[tokio::test]
async fn forbidden_is_said_once_while_retrying() {
    let (_addr, log, dir) = fake_server().await;
    let cluster = connect(&dir, false).await;
    let (tx, mut rx) = mpsc::unbounded_channel();
    let _watch = cluster.watch(Kind::Secret, Some("default".to_owned()), tx);
    assert!(matches!(
        next(&mut rx).await,
        ClusterUpdate::State {
            state: WatchState::Syncing,
            ..
        }
    ));
    match next(&mut rx).await {
        ClusterUpdate::State {
            kind: Kind::Secret,
            state: WatchState::Forbidden(msg),
        } => {
            assert!(msg.contains("cannot list resource \"secrets\""), "{msg}");
        }
        other => panic!("expected Forbidden, got {other:?}"),
    }
    // Wait until the watcher has retried twice (the second retry proves the first one's
    // refusal was handled), then check nothing more was sent.
    let deadline = tokio::time::Instant::now() + timeout();
    while log
        .lock()
        .unwrap()
        .iter()
        .filter(|l| l.contains("secrets"))
        .count()
        < 3
    {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the watcher never retried"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(rx.try_recv().is_err(), "a retry sent another update");
}

#[tokio::test]
async fn dropping_the_handle_stops_the_watch() {
    let (_addr, _log, dir) = fake_server().await;
    let cluster = connect(&dir, false).await;
    let (tx, mut rx) = mpsc::unbounded_channel();
    let watch = cluster.watch(Kind::Pod, None, tx);
    next(&mut rx).await;
    drop(watch);
    // The task held the only sender: once aborted, the channel closes.
    while tokio::time::timeout(timeout(), rx.recv())
        .await
        .expect("task not stopped")
        .is_some()
    {}
}

#[tokio::test]
async fn readonly_layer_refuses_writes_before_they_leave() {
    use k8s_openapi::api::core::v1::Pod;
    use kube::api::{Api, DeleteParams, Patch, PatchParams};

    let (_addr, log, dir) = fake_server().await;
    let cluster = connect(&dir, true).await;
    assert!(cluster.readonly() && cluster.gate().readonly());
    let pods: Api<Pod> = Api::namespaced(cluster.client(), "default");
    let err = pods
        .delete("a", &DeleteParams::default())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("read-only"), "{err}");
    let patch = Patch::Merge(serde_json::json!({"metadata": {"labels": {"x": "y"}}}));
    let err = pods
        .patch("a", &PatchParams::default(), &patch)
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("PATCH /api/v1/namespaces/default/pods/a"),
        "{err}"
    );
    // Reads still work through the same client.
    assert_eq!(
        pods.list(&kube::api::ListParams::default())
            .await
            .unwrap()
            .items
            .len(),
        2
    );
    let seen = log.lock().unwrap().clone();
    assert!(
        seen.iter().all(|l| l.starts_with("GET ")),
        "a write reached the server: {seen:?}"
    );
    assert!(!seen.is_empty());
}

#[tokio::test]
async fn can_i_asks_by_self_subject_access_review_even_when_readonly() {
    let (_addr, log, dir) = fake_server().await;
    let cluster = connect(&dir, true).await;
    assert!(
        cluster
            .can_i("list", Kind::Pod, None, Some("default"))
            .await
            .unwrap()
    );
    assert!(
        !cluster
            .can_i("get", Kind::Secret, None, Some("default"))
            .await
            .unwrap()
    );
    let seen = log.lock().unwrap().clone();
    assert_eq!(
        seen,
        ["POST /apis/authorization.k8s.io/v1/selfsubjectaccessreviews"; 2]
    );
}

#[tokio::test]
async fn a_failed_watch_shows_reconnecting_then_relists_to_live() {
    let (_addr, _log, dir) = fake_server().await;
    let cluster = connect(&dir, false).await;
    let (tx, mut rx) = mpsc::unbounded_channel();
    let _watch = cluster.watch(Kind::Pod, Some("flaky".to_owned()), tx);
    let mut seen = Vec::new();
    while seen.len() < 6 {
        let update = next(&mut rx).await;
        let done = update
            == ClusterUpdate::State {
                kind: Kind::Pod,
                state: WatchState::Live,
            }
            && seen.len() > 2;
        seen.push(update);
        if done {
            break;
        }
    }
    let states: Vec<_> = seen
        .iter()
        .map(|u| match u {
            ClusterUpdate::State { state, .. } => format!("{state:?}"),
            ClusterUpdate::Reset { rows, .. } => format!("Reset({})", rows.len()),
            other => format!("{other:?}"),
        })
        .collect();
    assert_eq!(states.len(), 6, "{states:?}");
    assert_eq!(&states[..3], ["Syncing", "Reset(1)", "Live"], "{states:?}");
    assert!(
        states[3].starts_with("Reconnecting {") && states[3].contains("etcd leader changed"),
        "{states:?}"
    );
    assert_eq!(&states[4..], ["Reset(1)", "Live"], "{states:?}");
}
