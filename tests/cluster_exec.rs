//! Exec and attach through kube-rs against the embedded cluster: the protocol
//! (`v5.channel.k8s.io`, its status and resize channels), the stand-in shell, and the
//! cluster layer's sessions (`kdeck::cluster::exec`): hostname, exit codes, a resize
//! seen by `stty size`, the bash-then-sh fallback, no shell at all, and RBAC.

mod stream_fixtures;
mod support;

use k8s_openapi::api::core::v1::{Pod, Service};
use kdeck::cluster::exec::{self, ContainerRef, SessionEnd, SessionError};
use kube::Api;
use kube::api::{AttachParams, PostParams};
use stream_fixtures::{read_until_text, running_pod, stty_size_shows};
use support::{TestSim, test_timeout};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

fn target(pod: &str) -> ContainerRef {
    ContainerRef {
        namespace: "default".into(),
        pod: pod.into(),
        container: None,
    }
}

/// Runs `command` without a TTY; its standard output and the final status.
async fn run(
    client: &kube::Client,
    pod: &str,
    command: &[&str],
) -> (
    String,
    k8s_openapi::apimachinery::pkg::apis::meta::v1::Status,
) {
    let pods: Api<Pod> = Api::namespaced(client.clone(), "default");
    let params = AttachParams::default()
        .stdin(false)
        .stdout(true)
        .stderr(true);
    let mut process = pods
        .exec(pod, command.to_vec(), &params)
        .await
        .expect("exec starts");
    let mut stdout = process.stdout().expect("stdout");
    let status = process.take_status().expect("status");
    let mut out = String::new();
    stdout
        .read_to_string(&mut out)
        .await
        .expect("stdout is read");
    let status = tokio::time::timeout(test_timeout(), status)
        .await
        .expect("a status before the timeout")
        .expect("a status");
    (out, status)
}

/// Runs `command` without a TTY; its standard error.
async fn run_stderr(client: &kube::Client, pod: &str, command: &[&str]) -> String {
    let pods: Api<Pod> = Api::namespaced(client.clone(), "default");
    let params = AttachParams::default()
        .stdin(false)
        .stdout(false)
        .stderr(true);
    let mut process = pods
        .exec(pod, command.to_vec(), &params)
        .await
        .expect("exec starts");
    let mut stderr = process.stderr().expect("stderr");
    let mut err = String::new();
    stderr
        .read_to_string(&mut err)
        .await
        .expect("stderr is read");
    err
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exec_runs_commands_and_reports_their_status() {
    let sim = TestSim::empty();
    let client = sim.client().await.unwrap();
    let services: Api<Service> = Api::namespaced(client.clone(), "default");
    let service = serde_json::from_value(serde_json::json!({
        "metadata": {"name": "myapp-svc"},
        "spec": {"selector": {"app": "myapp"}, "ports": [{"name": "http", "port": 80}]},
    }))
    .unwrap();
    services
        .create(&PostParams::default(), &service)
        .await
        .unwrap();
    running_pod(&client, "web", "nginx:1.25", None, false).await;

    let (out, status) = run(&client, "web", &["hostname"]).await;
    assert_eq!(out, "web\n");
    assert_eq!(status.status.as_deref(), Some("Success"));

    let (_, status) = run(&client, "web", &["sh", "-c", "echo bye; exit 3"]).await;
    assert_eq!(status.reason.as_deref(), Some("NonZeroExitCode"));
    let cause = &status.details.unwrap().causes.unwrap()[0];
    assert_eq!(
        (cause.reason.as_deref(), cause.message.as_deref()),
        (Some("ExitCode"), Some("3"))
    );

    // The service variables the kubelet injects, and the container's files.
    let (env, _) = run(&client, "web", &["env"]).await;
    assert!(env.contains("MYAPP_SVC_SERVICE_HOST=10."), "{env}");
    assert!(env.contains("MYAPP_SVC_SERVICE_PORT_HTTP=80\n"), "{env}");
    assert!(env.contains("HOSTNAME=web\n"), "{env}");
    let (resolv, _) = run(&client, "web", &["cat", "/etc/resolv.conf"]).await;
    assert!(
        resolv.starts_with("search default.svc.cluster.local svc.cluster.local cluster.local"),
        "{resolv}"
    );

    // Each shell says "not found" its own way: dash is Debian's sh.
    assert_eq!(
        run_stderr(&client, "web", &["sh", "-c", "nope"]).await,
        "sh: 1: nope: not found\n"
    );
    assert_eq!(
        run_stderr(&client, "web", &["bash", "-c", "nope"]).await,
        "bash: nope: command not found\n"
    );

    // A command the image does not have fails to start, as containerd reports it.
    let (_, status) = run(&client, "web", &["/bin/zsh"]).await;
    assert_eq!(status.reason.as_deref(), Some("InternalError"));
    let message = status.message.unwrap();
    assert!(
        message.contains("exec: \"/bin/zsh\": stat /bin/zsh: no such file or directory"),
        "{message}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shell_session_answers_is_resized_and_exits_with_its_code() {
    let sim = TestSim::empty();
    let client = sim.client().await.unwrap();
    running_pod(&client, "web", "nginx:1.25", None, false).await;
    let permit = stream_fixtures::permit(&sim, "kdeck-sim").await;
    let mut session = exec::open_shell(&permit, &target("web"), &exec::default_shells(), (80, 24))
        .await
        .expect("a shell opens");
    assert_eq!(session.command, ["/bin/bash"]);
    let mut seen = String::new();
    read_until_text(&mut session, &mut seen, "root@web:/# ").await;
    // The size and the keys travel on different channels, unordered between them (as
    // the kubelet handles them): ask until the size shows.
    stty_size_shows(&mut session, "root@web:/# ", "24 80\r\n").await;
    assert!(session.resize.resize(132, 43));
    stty_size_shows(&mut session, "root@web:/# ", "43 132\r\n").await;
    session.stdin.write_all(b"hostname\r").await.unwrap();
    read_until_text(&mut session, &mut seen, "hostname\r\nweb\r\n").await;
    session.stdin.write_all(b"exit 3\r").await.unwrap();
    let end = tokio::time::timeout(test_timeout(), session.exit.wait())
        .await
        .expect("the session ends");
    assert_eq!(end, SessionEnd::Exited(3));
    assert_eq!(end.describe(), "exited 3");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shells_are_tried_in_order_and_a_container_without_any_says_so() {
    let sim = TestSim::empty();
    let client = sim.client().await.unwrap();
    running_pod(
        &client,
        "box",
        "busybox:1.36",
        Some(&["sleep", "3600"]),
        false,
    )
    .await;
    running_pod(
        &client,
        "static",
        "gcr.io/distroless/static:nonroot",
        None,
        false,
    )
    .await;
    let permit = stream_fixtures::permit(&sim, "kdeck-sim").await;

    let mut session = exec::open_shell(&permit, &target("box"), &exec::default_shells(), (80, 24))
        .await
        .expect("busybox has /bin/sh");
    assert_eq!(session.command, ["/bin/sh"]);
    let mut seen = String::new();
    read_until_text(&mut session, &mut seen, "/ # ").await;
    session.stdin.write_all(b"bash\r").await.unwrap();
    read_until_text(&mut session, &mut seen, "sh: bash: not found").await;
    session.stdin.write_all(&[4]).await.unwrap();
    let end = tokio::time::timeout(test_timeout(), session.exit.wait())
        .await
        .unwrap();
    assert_eq!(
        end,
        SessionEnd::Exited(127),
        "Ctrl-D ends the shell with the last status"
    );

    let Err(error) = exec::open_shell(
        &permit,
        &target("static"),
        &exec::default_shells(),
        (80, 24),
    )
    .await
    else {
        panic!("a distroless image has no shell");
    };
    assert!(matches!(error, SessionError::NoShell { .. }), "{error}");
    assert_eq!(
        error.to_string(),
        "none of /bin/bash, /bin/sh exists in pod static"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_viewer_may_not_exec_or_attach() {
    let sim = TestSim::empty();
    let client = sim.client().await.unwrap();
    running_pod(&client, "web", "nginx:1.25", None, false).await;
    // The gate is open (not read-only): the server's RBAC refuses.
    let permit = stream_fixtures::permit(&sim, "kdeck-sim-viewer").await;
    let Err(error) = exec::attach(&permit, &target("web"), (80, 24)).await else {
        panic!("the viewer attached");
    };
    assert!(
        error.to_string().ends_with(
            "cannot create resource \"pods/attach\" in API group \"\" in the namespace \"default\""
        ),
        "{error}"
    );
    let Err(error) =
        exec::open_shell(&permit, &target("web"), &exec::default_shells(), (80, 24)).await
    else {
        panic!("the viewer got a shell");
    };
    assert_eq!(
        error.to_string(),
        "pods \"web\" is forbidden: User \"viewer\" cannot create resource \"pods/exec\" in API group \"\" in the namespace \"default\""
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attach_reaches_a_shell_that_is_the_main_process() {
    let sim = TestSim::empty();
    let client = sim.client().await.unwrap();
    running_pod(&client, "debug", "busybox:1.36", Some(&["sh"]), true).await;
    let permit = stream_fixtures::permit(&sim, "kdeck-sim").await;
    let mut session = exec::attach(&permit, &target("debug"), (80, 24))
        .await
        .expect("attached");
    let mut seen = String::new();
    // The client that starts the main shell sees its first prompt.
    read_until_text(&mut session, &mut seen, "/ # ").await;
    session.stdin.write_all(b"hostname\r").await.unwrap();
    read_until_text(&mut session, &mut seen, "hostname\r\ndebug\r\n/ # ").await;
    session.stdin.write_all(b"exit 2\r").await.unwrap();
    let end = tokio::time::timeout(test_timeout(), session.exit.wait())
        .await
        .unwrap();
    // Attach reports no exit code: the process was the container's, not the session's.
    assert_eq!(end, SessionEnd::Exited(0));
    // The kubelet restarts the container (restartPolicy Always), its last state the exit.
    let pods: Api<Pod> = Api::namespaced(client, "default");
    let restarted = stream_fixtures::eventually("the container restarted", || async {
        let pod = pods.get("debug").await.ok()?;
        let status = pod.status?.container_statuses?.into_iter().next()?;
        (status.restart_count == 1).then_some(status)
    })
    .await;
    let last = restarted.last_state.unwrap().terminated.unwrap();
    assert_eq!((last.exit_code, last.reason.as_deref()), (2, Some("Error")));
    assert!(restarted.state.unwrap().running.is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wget_from_a_pod_reaches_a_services_pods_in_turn() {
    let sim = TestSim::start();
    let client = sim.client().await.unwrap();
    let myapp = stream_fixtures::myapp_pods(&client).await;
    stream_fixtures::wait_endpoints(&sim, "myapp-svc", 3).await;
    let debug = running_pod(
        &client,
        "debug",
        "busybox:1.36",
        Some(&["sleep", "3600"]),
        false,
    )
    .await;
    let debug_ip = debug.status.unwrap().pod_ip.unwrap();

    let mut served = Vec::new();
    for url in [
        "myapp-svc",
        "myapp-svc.default",
        "http://myapp-svc.default.svc.cluster.local/",
    ] {
        let (page, status) = run(&client, "debug", &["wget", "-qO-", url]).await;
        assert_eq!(status.status.as_deref(), Some("Success"), "{url}: {page}");
        let pod = page
            .split("Served by pod <b>")
            .nth(1)
            .and_then(|rest| rest.split("</b>").next())
            .unwrap_or_else(|| panic!("no pod named in {page}"))
            .to_string();
        served.push(pod);
    }
    let mut distinct = served.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), 3, "three requests, three pods: {served:?}");
    for pod in &served {
        assert!(myapp.contains(pod), "{pod} is not a myapp pod: {myapp:?}");
        let log = stream_fixtures::pod_log(&client, pod).await;
        assert!(
            log.lines()
                .any(|l| l.starts_with(&format!("{debug_ip} - - ["))
                    && l.contains("\"GET / HTTP/1.1\" 200")
                    && l.contains("\"Wget\"")),
            "the request from {debug_ip} is not in {pod}'s log"
        );
    }

    let (out, status) = run(
        &client,
        "debug",
        &[
            "sh",
            "-c",
            "wget -qO- nosuch; echo status=$?; curl myapp-svc; echo status=$?",
        ],
    )
    .await;
    assert_eq!(status.status.as_deref(), Some("Success"));
    assert_eq!(out, "status=1\nstatus=127\n");
    let (out, _) = run(&client, "debug", &["nslookup", "myapp-svc"]).await;
    assert!(
        out.contains("Name:\tmyapp-svc.default.svc.cluster.local\nAddress: 10.96.112.37\n"),
        "{out}"
    );
}
