//! Port-forwards, permissions and debug pods through the app's real step and runtime
//! against the embedded cluster (issue 16), where a pseudo-terminal adds nothing: a
//! forward to a Service moves to another ready pod when its pod is deleted, on the same
//! local port; a user who may not exec is told so before anything is opened; debug pods
//! a dead kdeck left behind are offered at start, a running kdeck's are not; a `:run`
//! session driven in-process ends with its pod deleted; `:shell` and `F` on a Deployment
//! reach one of its ready pods, and the forward moves when that pod goes.

mod app_driver;
mod stream_fixtures;
mod support;

use app_driver::AppDriver;
use crossterm::event::KeyCode;
use k8s_openapi::api::core::v1::Pod;
use kdeck::action::{Action, PodCommand};
use kdeck::app::Msg;
use kdeck::app::dialog::Dialog;
use kdeck::app::port_forwards::ForwardState;
use kdeck::app::state::{Mode, Screen};
use kdeck::app::stream_msg::StreamMsg;
use kdeck::app::update::show_pane;
use kdeck::cluster::Kind;
use kdeck::cluster::ops::debug_pod::{DEBUG_POD_LABEL, STARTED_BY_ANNOTATION, this_process};
use support::{TestSim, test_timeout};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

/// `kind`'s pane filtered to `text`, once a row matches.
async fn table_with(d: &mut AppDriver, kind: Kind, text: &str) {
    show_pane(&mut d.state, kind);
    d.wait_live(kind).await;
    d.act(Action::FilterMode);
    d.type_text(text);
    d.press_code(KeyCode::Enter);
    d.wait_for(
        &format!("a {kind:?} matching {text}"),
        |s| matches!(s.screen(), Screen::Table(t) if !t.visible.is_empty()),
    )
    .await;
}

fn command(d: &mut AppDriver, line: &str) {
    d.act(Action::CommandMode);
    d.type_text(line);
    d.press_code(KeyCode::Enter);
}

/// `GET /` through the local port; the pod that answered.
async fn served_by(port: u16) -> String {
    let mut socket = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .expect("the forward listens");
    socket
        .write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .await
        .expect("the request is sent");
    let mut page = String::new();
    tokio::time::timeout(test_timeout(), socket.read_to_string(&mut page))
        .await
        .expect("the page before the timeout")
        .expect("the page is read");
    let at = page
        .find("Served by pod <b>")
        .expect("the page names its pod")
        + 17;
    page[at..].split('<').next().unwrap_or_default().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forward_to_a_service_moves_to_another_pod_when_its_pod_goes() {
    let sim = TestSim::start();
    let mut d = AppDriver::connect(sim.kubeconfig_path(), false, false, None).await;
    table_with(&mut d, Kind::Service, "myapp-svc").await;
    d.act(Action::PortForward);
    d.settle().await;
    let Some(Dialog::Forward(dialog)) = &d.state.dialogs.open else {
        panic!("the forward dialog: {:?}", d.state.dialogs.open)
    };
    assert_eq!(dialog.remote, "80", "myapp-svc's targetPort on a ready pod");
    let port = forward_on_any_local_port(&mut d).await;
    let (_, second) = moved_when_its_pod_goes(&mut d, &sim, port).await;
    assert_eq!(
        d.state.forwards.list[0].local.map(|a| a.port()),
        Some(port),
        "the same local port"
    );
    assert_eq!(second, d.state.forwards.list[0].plan.pod);

    command(&mut d, "pf");
    d.act(Action::Delete);
    d.wait_for("the forward to stop", |s| s.forwards.list.is_empty())
        .await;
    assert!(
        tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_err(),
        "the port is closed"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_who_may_not_exec_is_told_so_and_nothing_is_opened() {
    let sim = TestSim::start();
    let mut d = AppDriver::connect(sim.kubeconfig_path(), false, false, None).await;
    command(&mut d, "ctx kdeck-sim-viewer");
    d.settle().await;
    table_with(&mut d, Kind::Pod, "myapp").await;
    d.wait_for("the answers about exec, attach and port-forward", |s| {
        ["exec", "attach", "portforward"].iter().all(|sub| {
            s.permissions.answer(&kdeck::app::permissions::Question {
                verb: "create",
                kind: Kind::Pod,
                subresource: Some(sub),
                namespace: Some("default".into()),
            }) == Some(&kdeck::app::permissions::Answer::Denied)
        })
    })
    .await;
    for (action, sub) in [
        (Action::PodKey(PodCommand::Shell), "exec"),
        (Action::PodKey(PodCommand::Attach), "attach"),
        (Action::PortForward, "portforward"),
    ] {
        d.act(action);
        assert_eq!(
            d.state.status.as_deref(),
            Some(format!("you may not create pods/{sub} in default (nothing was opened)").as_str())
        );
        assert!(d.state.dialogs.open.is_none());
    }
    d.settle().await;
    let opened: Vec<_> = sim
        .requests()
        .into_iter()
        .filter(|r| {
            r.path.contains("/exec")
                || r.path.contains("/attach")
                || r.path.contains("/portforward")
        })
        .collect();
    assert!(opened.is_empty(), "{opened:#?}");
}

fn debug_pod(name: &str, started_by: &str) -> Pod {
    serde_json::from_value(serde_json::json!({
        "metadata": {"name": name, "namespace": "default",
                     "labels": {DEBUG_POD_LABEL: "true"},
                     "annotations": {STARTED_BY_ANNOTATION: started_by}},
        "spec": {"containers": [{"name": name, "image": "busybox", "stdin": true, "tty": true}],
                 "restartPolicy": "Never"},
    }))
    .expect("a pod")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dead_kdecks_debug_pods_are_offered_at_start_and_a_running_ones_are_not() {
    let sim = TestSim::start();
    let me = this_process();
    let host = me.rsplit_once(" pid ").expect("HOST pid PID").0;
    // Above the largest pid Linux hands out: no such process.
    let dead = format!("{host} pid 4194999");
    sim.store()
        .create_as(&debug_pod("kdeck-busybox-dead1", &dead))
        .expect("created");
    sim.store()
        .create_as(&debug_pod("kdeck-busybox-mine1", &me))
        .expect("created");
    let mut d = AppDriver::connect(sim.kubeconfig_path(), false, false, None).await;
    d.settle().await;
    let Some(Dialog::Leftovers(dialog)) = &d.state.dialogs.open else {
        panic!("the leftovers are offered: {:?}", d.state.dialogs.open)
    };
    let names: Vec<&str> = dialog.pods.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names,
        ["kdeck-busybox-dead1"],
        "the running kdeck's pod is not offered"
    );
    d.press_code(KeyCode::Enter);
    d.settle().await;
    assert!(d.failures.is_empty(), "{:?}", d.failures);
    let gone = sim
        .store()
        .get_as::<Pod>("default", "kdeck-busybox-dead1")
        .is_none_or(|p| p.metadata.deletion_timestamp.is_some());
    assert!(gone, "the leftover is being deleted");
    assert!(
        sim.store()
            .get_as::<Pod>("default", "kdeck-busybox-mine1")
            .is_some_and(|p| p.metadata.deletion_timestamp.is_none()),
        "the other kdeck's pod stays"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_session_driven_in_process_ends_with_its_pod_deleted() {
    let sim = TestSim::start();
    let mut d = AppDriver::connect(sim.kubeconfig_path(), false, false, None).await;
    d.settle().await;
    command(&mut d, "run busybox");
    d.wait_for("the debug pod's session to open", |s| {
        s.sessions.current.as_ref().is_some_and(|c| c.in_front)
    })
    .await;
    let (id, mut session) = d.take_session().expect("the loop's session");
    let pod = session.command.clone();
    assert!(pod.is_empty(), "attach runs no command: {pod:?}");
    session
        .stdin
        .write_all(b"exit 4\r")
        .await
        .expect("typed into the shell");
    let end = tokio::time::timeout(test_timeout(), session.exit.wait())
        .await
        .expect("the shell ends");
    d.act(Msg::Stream(StreamMsg::SessionEnded { id, end }));
    d.wait_for("the debug pod to be deleted", |s| {
        s.debug_pods.run.is_none()
    })
    .await;
    let status = d.state.status.clone().unwrap_or_default();
    assert!(
        status.contains("exited 4 · pod \"kdeck-busybox-") && status.ends_with("deleted"),
        "{status}"
    );
    assert_eq!(d.state.mode, Mode::Normal);
}

/// In the open forward dialog: local port 0 (any free one), Enter; the port the first
/// forward listens on, once it does.
async fn forward_on_any_local_port(d: &mut AppDriver) -> u16 {
    d.press_code(KeyCode::Tab);
    d.press(crossterm::event::KeyEvent::new(
        KeyCode::Char('u'),
        crossterm::event::KeyModifiers::CONTROL,
    ));
    d.type_text("0");
    d.press_code(KeyCode::Enter);
    d.wait_for("the forward to listen", |s| {
        s.forwards.list.first().is_some_and(|f| f.local.is_some())
    })
    .await;
    d.state.forwards.list[0].local.expect("listening").port()
}

/// The pod that serves the first forward's local `port` is deleted: the forward moves to
/// another pod, which serves the same port. The first pod and the second.
async fn moved_when_its_pod_goes(d: &mut AppDriver, sim: &TestSim, port: u16) -> (String, String) {
    let first = served_by(port).await;
    assert_eq!(first, d.state.forwards.list[0].plan.pod);
    sim.delete_pod(&first);
    d.wait_for("the forward to move to another pod", |s| {
        s.forwards.list[0].state == ForwardState::Active && s.forwards.list[0].plan.pod != first
    })
    .await;
    let second = served_by(port).await;
    assert_ne!(second, first);
    (first, second)
}

/// `:shell` and `F` on a Deployment row go to one of its ready pods (issue 16: "`:shell`
/// from a Deployment or ReplicaSet opens its first ready pod"; `F` on a Deployment), and
/// the forward moves to another when its pod goes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shell_and_port_forward_on_a_deployment_reach_one_of_its_ready_pods() {
    let sim = TestSim::start();
    let myapp = stream_fixtures::myapp_pods(&sim.client().await.expect("a client")).await;
    let mut d = AppDriver::connect(sim.kubeconfig_path(), false, false, None).await;
    table_with(&mut d, Kind::Deployment, "myapp-deploy").await;

    command(&mut d, "shell");
    d.wait_for("the shell to open", |s| {
        s.sessions.current.as_ref().is_some_and(|c| c.in_front)
    })
    .await;
    let pod = d
        .state
        .sessions
        .current
        .as_ref()
        .expect("a session")
        .target
        .pod
        .clone();
    assert!(
        myapp.contains(&pod),
        "{pod} is a ready myapp pod: {myapp:?}"
    );
    let (id, mut session) = d.take_session().expect("the loop's session");
    session.stdin.write_all(b"hostname\r").await.expect("typed");
    let answer = format!("hostname\r\n{pod}\r\n");
    stream_fixtures::read_until_text(&mut session, &mut String::new(), &answer).await;
    session.stdin.write_all(b"exit\r").await.expect("typed");
    let end = tokio::time::timeout(test_timeout(), session.exit.wait())
        .await
        .expect("the shell ends");
    d.act(Msg::Stream(StreamMsg::SessionEnded { id, end }));
    assert_eq!(
        d.state.status.as_deref(),
        Some(format!("shell in pod/{pod} (container myapp) exited 0").as_str())
    );
    assert!(
        matches!(d.state.screen(), Screen::Table(t) if t.kind == Kind::Deployment),
        "back on the deployments"
    );

    d.act(Action::PortForward);
    d.wait_for(
        "the forward dialog with the pod's ports",
        |s| matches!(&s.dialogs.open, Some(Dialog::Forward(f)) if f.choices.is_some()),
    )
    .await;
    let Some(Dialog::Forward(dialog)) = &d.state.dialogs.open else {
        unreachable!("waited for")
    };
    assert_eq!(dialog.remote, "80", "myapp's container port");
    let port = forward_on_any_local_port(&mut d).await;
    let forward = &d.state.forwards.list[0];
    assert_eq!(forward.plan.target.kind, Kind::Deployment);
    assert!(myapp.contains(&forward.plan.pod), "{:?}", forward.plan);
    // Its pod goes: the Deployment's forward moves to another of its ready pods.
    let (_, second) = moved_when_its_pod_goes(&mut d, &sim, port).await;
    assert!(myapp.contains(&second), "{second} is a myapp pod");
}
