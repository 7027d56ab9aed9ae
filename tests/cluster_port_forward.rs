//! Port-forwards through kube-rs against the embedded cluster (`pods/portforward`
//! over WebSocket, `v4.channel.k8s.io`) and the cluster layer's background forwards
//! (`kdeck::cluster::port_forward`): an HTTP GET to the local port gets the pod's
//! page and lands in the pod's log, the counters move, states are reported, stopping
//! closes the port, a deleted pod stops the forward, a silent port is an error.

mod stream_fixtures;
mod support;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use k8s_openapi::api::core::v1::Pod;
use kdeck::cluster::port_forward::{self, ForwardEvent, ForwardSpec, PortForward};
use kube::Api;
use kube::api::DeleteParams;
use stream_fixtures::{pod_log, running_pod};
use support::{TestSim, test_timeout};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;
use tokio::sync::mpsc;

/// `GET /` to `addr` with `Connection: close`; the whole answer.
async fn http_get(addr: SocketAddr) -> String {
    let mut socket = TcpStream::connect(addr).await.expect("the forward accepts");
    socket
        .write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\nUser-Agent: kdeck-test\r\nConnection: close\r\n\r\n")
        .await
        .expect("the request is sent");
    let mut answer = String::new();
    tokio::time::timeout(test_timeout(), socket.read_to_string(&mut answer))
        .await
        .expect("the answer before the timeout")
        .expect("the answer is read");
    answer
}

async fn next_event(events: &mut mpsc::UnboundedReceiver<ForwardEvent>) -> ForwardEvent {
    tokio::time::timeout(test_timeout(), events.recv())
        .await
        .expect("an event before the timeout")
        .expect("the forward reports until it stops")
}

fn spec(pod: &str, port: u16) -> ForwardSpec {
    ForwardSpec {
        local_port: Some(0),
        ..ForwardSpec::new("default", pod, port)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forward_serves_the_pods_page_counts_and_stops() {
    let sim = TestSim::empty();
    let client = sim.client().await.unwrap();
    running_pod(&client, "web", "nginx:1.25", None, false).await;
    let permit = stream_fixtures::permit(&sim, "kdeck-sim").await;
    let (tx, mut events) = mpsc::unbounded_channel();
    let forward = PortForward::start(&permit, spec("web", 80), tx)
        .await
        .expect("the forward starts");
    let local = forward.local_addr();
    assert_eq!(
        next_event(&mut events).await,
        ForwardEvent::Listening(local)
    );

    let answer = http_get(local).await;
    assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
    assert!(answer.contains("Server: nginx/1.25\r\n"), "{answer}");
    assert!(answer.contains("Served by pod <b>web</b>"), "{answer}");
    assert_eq!(
        next_event(&mut events).await,
        ForwardEvent::ConnectionOpened(1)
    );
    assert_eq!(
        next_event(&mut events).await,
        ForwardEvent::ConnectionClosed(1)
    );
    let stats = forward.stats();
    assert_eq!((stats.connections, stats.open), (1, 0));
    assert!(stats.bytes_out > 50, "the request went out: {stats:?}");
    assert_eq!(stats.bytes_in, answer.len() as u64, "{stats:?}");

    let log = pod_log(&client, "web").await;
    assert!(
        log.lines().any(|l| l.starts_with("127.0.0.1 - - [")
            && l.contains("\"GET / HTTP/1.1\" 200 ")
            && l.ends_with("\"kdeck-test\" \"-\"")),
        "the request is not in the pod's log:\n{log}"
    );

    forward.stop().await;
    assert_eq!(next_event(&mut events).await, ForwardEvent::Stopped);
    assert!(
        TcpStream::connect(local).await.is_err(),
        "the port is closed after stop"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deleted_pod_stops_the_forward_and_a_silent_port_is_an_error() {
    let sim = TestSim::empty();
    let client = sim.client().await.unwrap();
    running_pod(&client, "web", "nginx:1.25", None, false).await;
    let permit = stream_fixtures::permit(&sim, "kdeck-sim").await;

    let (tx, mut events) = mpsc::unbounded_channel();
    let silent = PortForward::start(&permit, spec("web", 8081), tx)
        .await
        .unwrap();
    next_event(&mut events).await;
    let answer = http_get(silent.local_addr()).await;
    assert_eq!(answer, "", "nothing listens on 8081");
    assert_eq!(
        next_event(&mut events).await,
        ForwardEvent::ConnectionOpened(1)
    );
    let ForwardEvent::Error(message) = next_event(&mut events).await else {
        panic!("the kubelet's refusal is reported");
    };
    assert!(
        message.starts_with("error forwarding port 8081 to pod "),
        "{message}"
    );
    assert!(message.contains("connect: connection refused"), "{message}");
    silent.stop().await;

    let (tx, mut events) = mpsc::unbounded_channel();
    let forward = PortForward::start(&permit, spec("web", 80), tx)
        .await
        .unwrap();
    let local = forward.local_addr();
    next_event(&mut events).await;
    let pods: Api<Pod> = Api::namespaced(client, "default");
    pods.delete("web", &DeleteParams::default().grace_period(0))
        .await
        .unwrap();
    assert_eq!(next_event(&mut events).await, ForwardEvent::PodGone);
    assert_eq!(next_event(&mut events).await, ForwardEvent::Stopped);
    assert!(
        TcpStream::connect(local).await.is_err(),
        "the port is closed"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_local_port_is_the_remote_one_when_free() {
    let address = IpAddr::V4(Ipv4Addr::LOCALHOST);
    let taken = std::net::TcpListener::bind((address, 0)).unwrap();
    let port = taken.local_addr().unwrap().port();
    let other = port_forward::listen(address, port, None).await.unwrap();
    assert_ne!(
        other.local_addr().unwrap().port(),
        port,
        "taken: another port"
    );
    drop((other, taken));
    let same = port_forward::listen(address, port, None).await.unwrap();
    assert_eq!(
        same.local_addr().unwrap().port(),
        port,
        "free: the same number"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_viewer_may_not_forward() {
    let sim = TestSim::empty();
    let client = sim.client().await.unwrap();
    running_pod(&client, "web", "nginx:1.25", None, false).await;
    let permit = stream_fixtures::permit(&sim, "kdeck-sim-viewer").await;
    let (tx, mut events) = mpsc::unbounded_channel();
    // The viewer may read the pod: the forward listens; each connection is refused.
    let forward = PortForward::start(&permit, spec("web", 80), tx)
        .await
        .unwrap();
    next_event(&mut events).await;
    let mut socket = TcpStream::connect(forward.local_addr()).await.unwrap();
    let mut answer = Vec::new();
    let read = tokio::time::timeout(test_timeout(), socket.read_to_end(&mut answer)).await;
    assert!(
        matches!(read, Ok(Ok(0))),
        "the connection is closed: {read:?}"
    );
    assert_eq!(
        next_event(&mut events).await,
        ForwardEvent::ConnectionOpened(1)
    );
    assert_eq!(
        next_event(&mut events).await,
        ForwardEvent::Error("pods \"web\" is forbidden: User \"viewer\" cannot create resource \"pods/portforward\" in API group \"\" in the namespace \"default\"".into())
    );
}
