//! Exec and port-forward on releases from before the API server spoke WebSocket itself
//! (issue 16: kdeck's shell is "WebSocket, `v5.channel.k8s.io` with fallback to
//! `v4.channel.k8s.io`"). Before 1.30 kube-apiserver passed a WebSocket exec on to the
//! kubelet, which speaks up to v4: kubectl, which offers only v5, is refused and falls
//! back to SPDY, and kdeck's shell (kube-rs offers v5 then v4) runs over v4 with its
//! exit code and resizes. Port-forward tunneled in a WebSocket came in 1.31: kubectl
//! falls back to SPDY before it.

mod stream_fixtures;
mod support;

use std::process::Command;

use kdeck::cluster::exec::{self, ContainerRef, SessionEnd};
use stream_fixtures::{read_until_text, stty_size_shows};
use support::kubectl_port_forward::{http_get, kubectl_port_forward};
use support::{TestSim, test_timeout};
use tokio::io::AsyncWriteExt as _;

/// The `subresource` requests of `method` the server answered with `status`.
fn answered(sim: &TestSim, subresource: &str, method: &str, status: u16) -> usize {
    sim.requests()
        .iter()
        .filter(|r| {
            r.method == method && r.status == status && r.path.contains(&format!("/{subresource}"))
        })
        .count()
}

fn kubectl_falls_back_to_spdy_for_exec_before_1_30() {
    support::require_kubectl!();
    let sim = TestSim::release("1.29");
    let pod = stream_fixtures::first_myapp_pod(&sim);
    let out = Command::new("kubectl")
        .env("KUBECTL_REMOTE_COMMAND_WEBSOCKETS", "true")
        .arg("--kubeconfig")
        .arg(sim.kubeconfig_path())
        .args(["exec", &pod, "--", "hostname"])
        .output()
        .expect("kubectl runs");
    assert!(out.status.success(), "{}", support::stderr(&out));
    assert_eq!(support::stdout(&out), format!("{pod}\n"));
    assert_eq!(
        answered(&sim, "exec", "GET", 403),
        1,
        "the v5 WebSocket refused"
    );
    assert_eq!(answered(&sim, "exec", "POST", 101), 1, "then SPDY");
}

fn kubectl_falls_back_to_spdy_for_port_forward_before_1_31() {
    support::require_kubectl!();
    let sim = TestSim::release("1.30");
    let pod = stream_fixtures::first_myapp_pod(&sim);
    let forward = kubectl_port_forward(&sim, true, &format!("pod/{pod}"), 80);
    let page = http_get(forward.port);
    drop(forward);
    assert!(
        page.contains(&format!("Served by pod <b>{pod}</b>")),
        "{page}"
    );
    assert_eq!(
        answered(&sim, "portforward", "GET", 403),
        1,
        "the tunnel refused"
    );
    assert_eq!(answered(&sim, "portforward", "POST", 101), 1, "then SPDY");
}

fn kdecks_shell_runs_over_v4_before_1_30() {
    let sim = TestSim::release("1.29");
    let pod = stream_fixtures::first_myapp_pod(&sim);
    sim.block_on(async {
        // A client offering v5 alone (as kubectl does) is refused on this release...
        let client = sim.client().await.expect("a client");
        let v5_only = http::Request::get(format!(
            "/api/v1/namespaces/default/pods/{pod}/exec?command=hostname&stdout=true"
        ))
        .header("Connection", "Upgrade")
        .header("Upgrade", "websocket")
        .header("Sec-WebSocket-Version", "13")
        .header("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
        .header("Sec-WebSocket-Protocol", "v5.channel.k8s.io")
        .body(kube::client::Body::from(Vec::new()))
        .expect("a request");
        let answer = client.send(v5_only).await.expect("an answer");
        assert_eq!(answer.status(), 403, "v5 is refused before 1.30");
        // ...so kdeck's shell, which works, went over v4.
        let permit = stream_fixtures::permit(&sim, "kdeck-sim").await;
        let target = ContainerRef {
            namespace: "default".into(),
            pod: pod.clone(),
            container: None,
        };
        let mut session = exec::open_shell(&permit, &target, &exec::default_shells(), (80, 24))
            .await
            .expect("a shell opens over v4");
        let prompt = format!("root@{pod}:/# ");
        read_until_text(&mut session, &mut String::new(), &prompt).await;
        assert!(session.resize.resize(132, 43));
        stty_size_shows(&mut session, &prompt, "43 132\r\n").await;
        session.stdin.write_all(b"exit 3\r").await.expect("typed");
        let end = tokio::time::timeout(test_timeout(), session.exit.wait())
            .await
            .expect("the session ends");
        assert_eq!(
            end,
            SessionEnd::Exited(3),
            "the exit code on v4's status channel"
        );
    });
    assert_eq!(answered(&sim, "exec", "GET", 101), 1, "kdeck's shell");
}

support::conformance_tests![
    kubectl_falls_back_to_spdy_for_exec_before_1_30,
    kubectl_falls_back_to_spdy_for_port_forward_before_1_31,
    kdecks_shell_runs_over_v4_before_1_30,
];
