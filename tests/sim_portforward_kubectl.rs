//! The real kubectl's port-forward against the embedded cluster: SPDY tunneled in a
//! WebSocket (`SPDY/3.1+portforward.k8s.io`, kubectl's default since 1.31) and SPDY
//! upgraded directly (`KUBECTL_PORT_FORWARD_WEBSOCKETS=false`), to a pod and to a
//! Service; an HTTP GET through each gets the pod's page and lands in its log.

mod stream_fixtures;
mod support;

use support::TestSim;
use support::kubectl_port_forward::{KubectlForward, http_get, kubectl_port_forward};

/// How kubectl carries the forward.
#[derive(Clone, Copy, Debug)]
enum Transport {
    /// SPDY inside a WebSocket (a GET upgraded).
    Tunneled,
    /// SPDY on the upgraded connection (a POST upgraded).
    Spdy,
}

/// Starts kubectl's forward of `target` over `transport`.
fn port_forward(sim: &TestSim, transport: Transport, target: &str, remote: u16) -> KubectlForward {
    kubectl_port_forward(
        sim,
        matches!(transport, Transport::Tunneled),
        target,
        remote,
    )
}

/// The pod the page names.
fn served_by(page: &str) -> String {
    page.split("Served by pod <b>")
        .nth(1)
        .and_then(|rest| rest.split("</b>").next())
        .unwrap_or_else(|| panic!("no pod named in {page}"))
        .to_string()
}

fn assert_logged(sim: &TestSim, pod: &str, requests: usize) {
    let client = sim.block_on(sim.client()).expect("a client");
    let log = sim.block_on(stream_fixtures::pod_log(&client, pod));
    let logged = log
        .lines()
        .filter(|l| {
            l.starts_with("127.0.0.1 - - [")
                && l.contains("\"GET / HTTP/1.1\" 200")
                && l.ends_with("\"kdeck-test\" \"-\"")
        })
        .count();
    assert_eq!(
        logged, requests,
        "the forwarded requests in {pod}'s log:\n{log}"
    );
}

fn upgrades(sim: &TestSim, method: &str) -> usize {
    sim.requests()
        .iter()
        .filter(|r| r.method == method && r.status == 101 && r.path.contains("/portforward"))
        .count()
}

fn forward_to_a_pod(transport: Transport) {
    let sim = TestSim::start();
    let client = sim.block_on(sim.client()).expect("a client");
    let pod = sim.block_on(stream_fixtures::myapp_pods(&client))[0].clone();
    let forward = port_forward(&sim, transport, &format!("pod/{pod}"), 80);
    for _ in 0..2 {
        let answer = http_get(forward.port);
        assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
        assert_eq!(served_by(&answer), pod);
    }
    assert_logged(&sim, &pod, 2);
    let method = match transport {
        Transport::Tunneled => "GET",
        Transport::Spdy => "POST",
    };
    assert_eq!(
        upgrades(&sim, method),
        1,
        "one {transport:?} connection carries both"
    );
}

fn port_forward_to_a_pod_tunneled_in_a_websocket() {
    support::require_kubectl!();
    forward_to_a_pod(Transport::Tunneled);
}

fn port_forward_to_a_pod_over_spdy() {
    support::require_kubectl!();
    forward_to_a_pod(Transport::Spdy);
}

fn port_forward_to_a_service() {
    support::require_kubectl!();
    let sim = TestSim::start();
    let client = sim.block_on(sim.client()).expect("a client");
    let myapp = sim.block_on(stream_fixtures::myapp_pods(&client));
    let forward = port_forward(&sim, Transport::Tunneled, "svc/myapp-svc", 80);
    let answer = http_get(forward.port);
    let pod = served_by(&answer);
    assert!(myapp.contains(&pod), "{pod} is not a myapp pod");
    assert_logged(&sim, &pod, 1);
}

fn a_port_nothing_listens_on_gets_the_kubelets_error() {
    support::require_kubectl!();
    let sim = TestSim::start();
    let client = sim.block_on(sim.client()).expect("a client");
    let pod = sim.block_on(stream_fixtures::myapp_pods(&client))[0].clone();
    let mut forward = port_forward(&sim, Transport::Tunneled, &format!("pod/{pod}"), 8081);
    let answer = http_get(forward.port);
    assert_eq!(answer, "", "nothing listens on 8081");
    // kubectl reports the error and gives up the forward (it exits since 1.30).
    let err = forward.stderr_at_exit();
    assert!(
        err.contains("error forwarding port 8081 to pod ")
            && err.contains("connect: connection refused"),
        "{err}"
    );
}

support::conformance_tests![
    port_forward_to_a_pod_tunneled_in_a_websocket,
    port_forward_to_a_pod_over_spdy,
    port_forward_to_a_service,
    a_port_nothing_listens_on_gets_the_kubelets_error,
];
