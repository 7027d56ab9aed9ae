//! Setup shared by the exec, attach and port-forward tests: pods created through
//! kube-rs and waited for until their containers run, and their logs.

#![allow(
    dead_code,
    reason = "each test file uses a different part of the fixtures"
)]

use k8s_openapi::api::core::v1::Pod;
use kdeck::cluster::exec::TerminalSession;
use kube::Api;
use kube::api::{LogParams, PostParams};
use serde_json::json;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

use crate::support::{TestSim, test_timeout, wait_until_async};

/// Polls `probe` every 50 ms until it gives a value; panics naming `what` after the
/// test timeout.
pub async fn eventually<T, F, Fut>(what: &str, mut probe: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let start = std::time::Instant::now();
    loop {
        if let Some(value) = probe().await {
            return value;
        }
        assert!(
            start.elapsed() < test_timeout(),
            "timed out after {:?} waiting for: {what}",
            test_timeout()
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// Creates pod `name` in `default` with one container `main` running `image`
/// (`command`, when given, as its command; `stdin` and `tty` set when `interactive`),
/// and waits until the container runs.
pub async fn running_pod(
    client: &kube::Client,
    name: &str,
    image: &str,
    command: Option<&[&str]>,
    interactive: bool,
) -> Pod {
    let mut container = json!({"name": "main", "image": image});
    if let Some(command) = command {
        container["command"] = json!(command);
    }
    if interactive {
        container["stdin"] = json!(true);
        container["tty"] = json!(true);
    }
    let pod: Pod = serde_json::from_value(json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": "default", "labels": {"test": name}},
        "spec": {"containers": [container]},
    }))
    .expect("a pod manifest");
    let pods: Api<Pod> = Api::namespaced(client.clone(), "default");
    pods.create(&PostParams::default(), &pod)
        .await
        .expect("the pod is created");
    wait_running(client, name).await
}

/// Waits until every container of pod `name` in `default` runs, and returns the pod.
pub async fn wait_running(client: &kube::Client, name: &str) -> Pod {
    let pods: Api<Pod> = Api::namespaced(client.clone(), "default");
    eventually(&format!("pod {name} running"), || async {
        let pod = pods.get(name).await.ok()?;
        let statuses = pod.status.as_ref()?.container_statuses.as_ref()?;
        let running = !statuses.is_empty()
            && statuses
                .iter()
                .all(|c| c.state.as_ref().is_some_and(|s| s.running.is_some()));
        running.then_some(pod)
    })
    .await
}

/// The names of the ready pods of the seed's `myapp-deploy`, once all three are.
pub async fn myapp_pods(client: &kube::Client) -> Vec<String> {
    let pods: Api<Pod> = Api::namespaced(client.clone(), "default");
    eventually("three myapp pods ready", || async {
        let list = pods
            .list(&kube::api::ListParams::default().labels("app=myapp"))
            .await
            .ok()?;
        let ready: Vec<String> = list
            .items
            .into_iter()
            .filter(|p| {
                p.status
                    .as_ref()
                    .and_then(|s| s.conditions.as_ref())
                    .is_some_and(|cs| cs.iter().any(|c| c.type_ == "Ready" && c.status == "True"))
            })
            .filter_map(|p| p.metadata.name)
            .collect();
        (ready.len() == 3).then_some(ready)
    })
    .await
}

/// The first ready pod of `myapp-deploy`, from a plain (not async) test.
pub fn first_myapp_pod(sim: &TestSim) -> String {
    let client = sim.block_on(sim.client()).expect("a client");
    sim.block_on(myapp_pods(&client))
        .into_iter()
        .next()
        .expect("a myapp pod")
}

/// The log of pod `name` in `default` as it is now.
pub async fn pod_log(client: &kube::Client, name: &str) -> String {
    let pods: Api<Pod> = Api::namespaced(client.clone(), "default");
    pods.logs(name, &LogParams::default())
        .await
        .expect("the pod's log is read")
}

/// Waits until the Endpoints of `service` list `count` ready addresses.
pub async fn wait_endpoints(sim: &TestSim, service: &str, count: usize) {
    wait_until_async(
        test_timeout(),
        &format!("{count} endpoints of {service}"),
        || {
            let n = sim
                .store()
                .get_as::<k8s_openapi::api::core::v1::Endpoints>("default", service)
                .and_then(|e| e.subsets)
                .unwrap_or_default()
                .iter()
                .map(|s| s.addresses.as_ref().map_or(0, Vec::len))
                .sum::<usize>();
            async move { n == count }
        },
    )
    .await;
}

/// A permit of kdeck's gate for `context` of `sim`'s kubeconfig (`kdeck-sim` is the
/// admin, `kdeck-sim-viewer` may only read): what exec, attach and port-forward take.
pub async fn permit(sim: &crate::support::TestSim, context: &str) -> kdeck::cluster::Permit {
    let opts = kdeck::cluster::ConnectOptions {
        kubeconfig: Some(sim.kubeconfig_path().to_owned()),
        context: Some(context.to_owned()),
        ..kdeck::cluster::ConnectOptions::default()
    };
    kdeck::cluster::Cluster::connect(&opts)
        .await
        .expect("connect to the sim")
        .gate()
        .permit(format!("streams as {context}"))
        .expect("an open gate")
}

/// Reads a session's output into `seen` until `done` holds for it; panics naming `what`
/// when the output ends first, or after the test timeout.
pub async fn read_until(
    session: &mut TerminalSession,
    seen: &mut String,
    what: &str,
    done: impl Fn(&str) -> bool,
) {
    let mut buf = [0u8; 4096];
    let read = tokio::time::timeout(test_timeout(), async {
        while !done(seen) {
            let n = session
                .stdout
                .read(&mut buf)
                .await
                .expect("the output is read");
            assert!(n > 0, "the output ended before {what}: {seen:?}");
            seen.push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    })
    .await;
    assert!(read.is_ok(), "{what} never came; the output was {seen:?}");
}

/// Reads a session's output into `seen` until `want` is in it.
pub async fn read_until_text(session: &mut TerminalSession, seen: &mut String, want: &str) {
    read_until(session, seen, &format!("{want:?}"), |s| s.contains(want)).await;
}

/// Asks `stty size` until the shell (its prompt: `prompt`) answers `want`: the size
/// travels on the resize channel, unordered with the keys (as the kubelet handles them).
pub async fn stty_size_shows(session: &mut TerminalSession, prompt: &str, want: &str) {
    let asked = tokio::time::timeout(test_timeout(), async {
        loop {
            session
                .stdin
                .write_all(b"stty size\r")
                .await
                .expect("the keys are sent");
            let mut answer = String::new();
            read_until_text(session, &mut answer, prompt).await;
            if answer.contains(want) {
                break;
            }
        }
    })
    .await;
    assert!(asked.is_ok(), "the shell never saw the size {want:?}");
}
