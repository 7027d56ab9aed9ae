//! The proof of read-only mode (issue 8): every key of the default, vim and arrows keymaps (every section),
//! pressed in every view against the embedded cluster, with every dialog that opens
//! confirmed, sends nothing but GET requests. Read from the sim's request log, so a
//! request that reached the server is seen whatever path in kdeck sent it.
//!
//! Exec, attach and port-forward are WebSocket upgrades of GET requests (issue 16), so
//! "GET only" does not cover them: `s`, `a` and `F` (bound keys, so pressed with the
//! others) and the `:shell`, `:run` and `:pf` commands are used in every view too, and
//! the log must hold no exec, attach, portforward or proxy path at all.
//!
//! A read-only session sends no SelfSubjectAccessReview either: it refuses every
//! mutating key anyway, so it has nothing to ask. The proof therefore allows GET only.
//!
//! Three locks, each proven alone:
//! - the app refuses mutating keys (`readonly_app`), tested with the other two closed;
//! - the mutation gate, tested with the app's check off, so dialogs open and confirm;
//! - the client's read-only layer, tested with an open gate's permit.
//!
//! Plus one run of the real binary in a pseudo-terminal.

mod app_driver;
mod pty;
mod support;

use std::path::Path;

use app_driver::{AppDriver, bound_chords};
use crossterm::event::KeyCode;
use kdeck::action::{Action, PodCommand};
use kdeck::app::dialog::Dialog;
use kdeck::app::port_forwards::ForwardState;
use kdeck::app::rollout::ROLLOUT_KINDS;
use kdeck::app::state::{Mode, Screen};
use kdeck::app::update::{show_pane, switch_namespace};
use kdeck::cluster::{Cluster, ConnectOptions, Kind};
use kdeck::sim::RequestRecord;
use support::TestSim;

/// The views the proof presses every key in.
#[derive(Debug, Clone, Copy)]
enum View {
    Table(Kind),
    /// A pane of the seed's `batch` namespace, with its CronJob and Jobs in it.
    BatchTable(Kind),
    /// The generic pane of a custom resource (the seed's Widgets).
    Generic,
    Rollout,
    RolloutPods,
    /// myapp-deploy's history view (`v`), its revisions read.
    History,
    Containers,
    Logs,
    WorkloadLogs,
    Describe,
    Yaml,
    Contexts,
    Monitor,
    Help,
    CommandLine,
    FilterLine,
    Forwards,
}

fn views() -> Vec<View> {
    let mut views: Vec<View> = kdeck::app::state::PANES
        .iter()
        .map(|k| View::Table(*k))
        .collect();
    views.extend([
        View::BatchTable(Kind::CronJob),
        View::BatchTable(Kind::Job),
        View::Generic,
        View::Rollout,
        View::RolloutPods,
        View::History,
        View::Containers,
        View::Logs,
        View::WorkloadLogs,
        View::Describe,
        View::Yaml,
        View::Contexts,
        View::Monitor,
        View::Help,
        View::CommandLine,
        View::FilterLine,
        View::Forwards,
    ]);
    views
}

/// The commands that open a shell, a debug pod or the forwards, used in every view.
const STREAM_COMMANDS: [&str; 4] = ["shell", "run", "run alpine -- sh", "pf"];

fn press_action(d: &mut AppDriver, action: &Action) {
    let chord = *d
        .state
        .keymap
        .keys_of(action)
        .first()
        .unwrap_or_else(|| panic!("the keymap binds {action:?}"));
    d.press_chord(chord);
}

fn command(d: &mut AppDriver, line: &str) {
    press_action(d, &Action::CommandMode);
    d.type_text(line);
    d.press_code(KeyCode::Enter);
}

/// Shows `kind` filtered to `text`, the first match selected, once its rows are in.
async fn table_with(d: &mut AppDriver, kind: Kind, text: &str) {
    show_pane(&mut d.state, kind);
    d.act(Action::Top);
    d.wait_live(kind).await;
    press_action(d, &Action::FilterMode);
    d.type_text(text);
    d.press_code(KeyCode::Enter);
    d.wait_for(
        &format!("a {kind:?} matching {text}"),
        |s| matches!(s.screen(), Screen::Table(t) if !t.visible.is_empty()),
    )
    .await;
}

/// Waits until the shown table has a row.
async fn wait_for_rows(d: &mut AppDriver, what: &str) {
    d.wait_for(
        what,
        |s| matches!(s.screen(), Screen::Table(t) if !t.visible.is_empty()),
    )
    .await;
}

/// Back to the admin context, the default namespace and no prompt or dialog.
async fn reset(d: &mut AppDriver) {
    d.settle().await;
    d.state.quit = false;
    d.state.mode = Mode::Normal;
    d.state.dialogs.open = None;
    if d.state.connection.context != "kdeck-sim" {
        command(d, "ctx kdeck-sim");
        d.settle().await;
    }
    switch_namespace(&mut d.state, Some("default".to_owned()));
}

async fn go(d: &mut AppDriver, view: View) {
    reset(d).await;
    match view {
        View::Table(kind) => {
            show_pane(&mut d.state, kind);
            d.act(Action::Top);
            d.wait_live(kind).await;
        }
        View::BatchTable(kind) => {
            switch_namespace(&mut d.state, Some("batch".to_owned()));
            show_pane(&mut d.state, kind);
            d.act(Action::Top);
            d.wait_live(kind).await;
            wait_for_rows(d, &format!("{kind:?} rows")).await;
        }
        View::Generic => {
            command(d, "widgets");
            wait_for_rows(d, "the Widgets").await;
        }
        View::Rollout
        | View::RolloutPods
        | View::History
        | View::Describe
        | View::Yaml
        | View::WorkloadLogs => {
            table_with(d, Kind::Deployment, "myapp-deploy").await;
            match view {
                View::History => {
                    press_action(d, &Action::History);
                    d.wait_for(
                        "the history view's revisions",
                        |s| matches!(s.screen(), Screen::History(h) if !h.list().is_empty()),
                    )
                    .await;
                }
                View::Describe => press_action(d, &Action::Describe),
                View::Yaml => press_action(d, &Action::Yaml),
                View::WorkloadLogs => {
                    press_action(d, &Action::ShowLogs);
                    d.wait_for("the deployment's logs view", |s| {
                        matches!(s.screen(), Screen::Logs(_))
                    })
                    .await;
                }
                _ => {
                    press_action(d, &Action::Enter);
                    for kind in ROLLOUT_KINDS {
                        d.wait_live(kind).await;
                    }
                    d.wait_for("the rollout's ReplicaSets", |s| {
                        matches!(s.screen(), Screen::Rollout(r) if !r.cache.replica_sets.is_empty())
                    })
                    .await;
                    if matches!(view, View::RolloutPods) {
                        press_action(d, &Action::Enter);
                    }
                }
            }
            d.settle().await;
        }
        View::Containers | View::Logs => {
            table_with(d, Kind::Pod, "myapp").await;
            press_action(d, &Action::Enter);
            if matches!(view, View::Logs) {
                press_action(d, &Action::Enter);
                d.wait_for("the logs view", |s| matches!(s.screen(), Screen::Logs(_)))
                    .await;
            }
        }
        View::Contexts => command(d, "ctx"),
        View::Monitor => {
            command(d, "monitor");
            for kind in kdeck::app::monitor::MONITOR_KINDS {
                d.wait_live(kind).await;
            }
            d.wait_for(
                "the monitor's cards",
                |s| matches!(s.screen(), Screen::Monitor(m) if !m.cache.cards.is_empty()),
            )
            .await;
        }
        View::Help => press_action(d, &Action::Help),
        View::Forwards => command(d, "pf"),
        View::CommandLine => press_action(d, &Action::CommandMode),
        View::FilterLine => {
            show_pane(&mut d.state, Kind::Pod);
            d.act(Action::Top);
            press_action(d, &Action::FilterMode);
        }
    }
}

/// Confirms whatever dialog is open, the way a user who says yes to everything would.
async fn confirm_dialogs(d: &mut AppDriver) -> usize {
    let mut opened = 0;
    let answers = [
        KeyCode::Char('7'),
        KeyCode::Char('y'),
        KeyCode::Enter,
        KeyCode::Enter,
        KeyCode::Tab,
        KeyCode::Enter,
        KeyCode::Char('y'),
        KeyCode::Enter,
    ];
    if d.state.dialogs.open.is_some() {
        opened += 1;
        if let Some(Dialog::Image(_)) = d.state.dialogs.open {
            d.type_text("nginx:proof");
        }
    }
    for key in answers {
        if d.state.dialogs.open.is_none() {
            break;
        }
        d.press_code(key);
        d.settle().await;
    }
    opened
}

struct Pressed {
    keys: usize,
    commands: usize,
    dialogs: usize,
}

/// Fails at once, naming them, if requests other than GET reached the server. With
/// `reviews_too`, access reviews are allowed: an app that believes it may change things
/// asks what it may do (a read-only one does not).
fn assert_only_gets(sim: &TestSim, after: &str, reviews_too: bool) {
    let requests = sim.requests();
    let writes: Vec<_> = not_get(&requests)
        .into_iter()
        .filter(|r| {
            !(reviews_too
                && r.method == "POST"
                && r.path
                    .starts_with("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews"))
        })
        .collect();
    assert!(writes.is_empty(), "after {after}, kdeck sent {writes:#?}");
}

async fn press_everything(d: &mut AppDriver, sim: &TestSim) -> Pressed {
    let chords = bound_chords(&d.state.keymap);
    assert!(chords.len() > 30, "the keymap binds {} keys", chords.len());
    let mut pressed = Pressed {
        keys: 0,
        commands: 0,
        dialogs: 0,
    };
    for view in views() {
        for chord in &chords {
            go(d, view).await;
            d.press_chord(*chord);
            d.settle().await;
            pressed.dialogs += confirm_dialogs(d).await;
            // Whatever the key opened (a prompt, a view), Enter on it too.
            d.press_code(KeyCode::Enter);
            d.settle().await;
            pressed.dialogs += confirm_dialogs(d).await;
            pressed.keys += 1;
            assert_only_gets(sim, &format!("{chord} in {view:?}"), false);
            assert_no_streams(sim, &format!("{chord} in {view:?}"));
        }
        for line in STREAM_COMMANDS {
            go(d, view).await;
            command(d, line);
            d.settle().await;
            pressed.dialogs += confirm_dialogs(d).await;
            pressed.commands += 1;
            assert_only_gets(sim, &format!(":{line} in {view:?}"), false);
            assert_no_streams(sim, &format!(":{line} in {view:?}"));
        }
    }
    reset(d).await;
    pressed
}

fn not_get(requests: &[RequestRecord]) -> Vec<&RequestRecord> {
    requests.iter().filter(|r| r.method != "GET").collect()
}

/// Requests that would open a stream into the cluster: exec, attach, port-forward and
/// the proxies (of pods, services and nodes), whatever their method.
fn streams(requests: &[RequestRecord]) -> Vec<&RequestRecord> {
    requests
        .iter()
        .filter(|r| {
            let path = r.path.split('?').next().unwrap_or_default();
            path.split('/')
                .any(|segment| matches!(segment, "exec" | "attach" | "portforward" | "proxy"))
        })
        .collect()
}

/// Fails at once, naming them, if a stream was opened into the cluster.
fn assert_no_streams(sim: &TestSim, after: &str) {
    let requests = sim.requests();
    let opened = streams(&requests);
    assert!(opened.is_empty(), "after {after}, kdeck opened {opened:#?}");
}

fn proof(keymap: Option<&str>) {
    let sim = TestSim::start();
    let kubeconfig = sim.kubeconfig_path().to_owned();
    let pressed = support::runtime().block_on(async {
        let mut d = AppDriver::connect(&kubeconfig, true, true, keymap).await;
        let pressed = press_everything(&mut d, &sim).await;
        assert_eq!(
            d.mutations_sent, 0,
            "the read-only app handed out no change"
        );
        pressed
    });
    let requests = sim.requests();
    let gets = requests.iter().filter(|r| r.method == "GET").count();
    eprintln!(
        "{} keys and {} commands in {} views, {} dialogs, {gets} GET requests",
        pressed.keys,
        pressed.commands,
        views().len(),
        pressed.dialogs
    );
    assert!(gets > 100, "kdeck read the cluster ({gets} GETs)");
    assert_eq!(pressed.dialogs, 0, "a read-only app opens no change dialog");
    let writes = not_get(&requests);
    assert!(writes.is_empty(), "read-only kdeck sent {writes:#?}");
    let opened = streams(&requests);
    assert!(opened.is_empty(), "read-only kdeck opened {opened:#?}");
}

#[test]
fn every_default_key_in_every_view_sends_only_gets() {
    proof(None);
}

#[test]
fn every_vim_key_in_every_view_sends_only_gets() {
    proof(Some("vim"));
}

#[test]
fn every_arrows_key_in_every_view_sends_only_gets() {
    proof(Some("arrows"));
}

/// The app's own check off: dialogs open and are confirmed; the closed gate (and
/// behind it the layer) keep every change in the process.
#[test]
fn with_the_app_check_off_the_gate_refuses_every_confirmed_change() {
    let sim = TestSim::start();
    let kubeconfig = sim.kubeconfig_path().to_owned();
    support::runtime().block_on(async {
        let mut d = AppDriver::connect(&kubeconfig, false, true, None).await;
        let mut dialogs = 0;
        let mutating: Vec<Action> = Action::bindable()
            .into_iter()
            .filter(Action::is_mutation)
            .collect();
        for view in [
            View::Table(Kind::Deployment),
            View::Rollout,
            View::History,
            View::Table(Kind::ReplicaSet),
            View::Containers,
        ] {
            for action in &mutating {
                go(&mut d, view).await;
                if let View::Table(kind) = view {
                    table_with(&mut d, kind, "myapp").await;
                }
                press_action(&mut d, action);
                d.settle().await;
                dialogs += confirm_dialogs(&mut d).await;
                assert_only_gets(&sim, &format!("{action:?} in {view:?}"), true);
            }
        }
        reset(&mut d).await;
        assert!(dialogs >= 8, "dialogs opened: {dialogs}");
        assert!(
            d.mutations_sent >= 8,
            "changes confirmed: {}",
            d.mutations_sent
        );
        assert_eq!(d.failures.len(), d.mutations_sent, "{:?}", d.failures);
        for failure in &d.failures {
            assert!(failure.contains("read-only session"), "{failure}");
        }
    });
    assert_only_gets(&sim, "the whole run", true);
}

/// The app's own check off again, for what reaches into the cluster: a shell, an attach
/// session, a port-forward and a debug pod are each refused by the closed gate, which
/// says so; nothing is opened and nothing but reads (and access reviews) is sent.
#[test]
fn with_the_app_check_off_the_gate_refuses_every_stream() {
    let sim = TestSim::start();
    // Into the store directly: the request log is kdeck's alone.
    let tty_box: k8s_openapi::api::core::v1::Pod = serde_json::from_value(serde_json::json!({
        "metadata": {"name": "tty-box", "namespace": "default"},
        "spec": {"containers": [{"name": "tty-box", "image": "busybox", "stdin": true, "tty": true}]},
    }))
    .expect("a pod");
    sim.store().create_as(&tty_box).expect("tty-box is created");
    let kubeconfig = sim.kubeconfig_path().to_owned();
    support::runtime().block_on(async {
        let mut d = AppDriver::connect(&kubeconfig, false, true, None).await;
        let refused = |s: &kdeck::app::State| {
            s.sessions.current.is_none()
                && s.status
                    .as_deref()
                    .is_some_and(|t| t.contains("read-only session"))
        };
        // A shell in a myapp container.
        go(&mut d, View::Containers).await;
        press_action(&mut d, &Action::PodKey(PodCommand::Shell));
        d.settle().await;
        d.wait_for("the gate to refuse the shell", refused).await;
        assert_no_streams(&sim, "s in the containers view");
        // Attach to a container with stdin and tty.
        reset(&mut d).await;
        table_with(&mut d, Kind::Pod, "tty-box").await;
        d.wait_for("tty-box to run", |s| {
            matches!(s.screen(), Screen::Table(t) if t.visible.len() == 1)
                && s.stores.of(Kind::Pod).find("default", "tty-box").is_some_and(|r| {
                    matches!(&r.detail, kdeck::cluster::Detail::Pod(p) if p.status == "Running")
                })
        })
        .await;
        press_action(&mut d, &Action::PodKey(PodCommand::Attach));
        d.settle().await;
        d.wait_for("the gate to refuse the attach", refused).await;
        assert_no_streams(&sim, "a on tty-box");
        // A port-forward to a Service, confirmed.
        reset(&mut d).await;
        table_with(&mut d, Kind::Service, "myapp-svc").await;
        press_action(&mut d, &Action::PortForward);
        d.settle().await;
        assert!(
            matches!(d.state.dialogs.open, Some(Dialog::Forward(_))),
            "the dialog opens with the app's check off"
        );
        d.press_code(KeyCode::Enter);
        d.wait_for("the gate to refuse the forward", |s| {
            s.forwards.list.iter().any(|f| {
                matches!(&f.state, ForwardState::Ended(why) if why.contains("read-only session"))
            })
        })
        .await;
        assert_no_streams(&sim, "F on myapp-svc");
        // The debug pod: its create is refused, so nothing is waited for or attached to.
        reset(&mut d).await;
        command(&mut d, "run");
        d.settle().await;
        assert_eq!(d.mutations_sent, 1, "the create was handed to the runtime");
        assert_eq!(d.failures.len(), 1, "{:?}", d.failures);
        assert!(
            d.failures[0].contains("read-only session"),
            "{:?}",
            d.failures
        );
        assert!(d.state.debug_pods.run.is_none());
        reset(&mut d).await;
    });
    assert_only_gets(&sim, "the whole run", true);
    assert_no_streams(&sim, "the whole run");
}

/// The client's layer alone: a change sent with the client kdeck reads with (not the
/// gate's) is refused before it leaves, in a read-only session and in a normal one.
#[test]
fn the_client_layer_alone_refuses_a_change() {
    let sim = TestSim::start();
    let kubeconfig = sim.kubeconfig_path().to_owned();
    support::runtime().block_on(async {
        for readonly in [true, false] {
            let opts = ConnectOptions {
                kubeconfig: Some(kubeconfig.clone()),
                readonly,
                ..ConnectOptions::default()
            };
            let cluster = Cluster::connect(&opts).await.expect("connect");
            let deployments: kube::Api<k8s_openapi::api::apps::v1::Deployment> =
                kube::Api::namespaced(cluster.client(), "default");
            let body = serde_json::json!({"spec": {"replicas": 7}});
            let err = deployments
                .patch_scale(
                    "myapp-deploy",
                    &kube::api::PatchParams::default(),
                    &kube::api::Patch::Merge(&body),
                )
                .await
                .expect_err("the read-only layer refuses");
            assert!(err.to_string().contains("read-only"), "{err}");
            // A POST to a proxy path that ends like an access review is no review.
            for path in [
                "/api/v1/namespaces/default/services/myapp-svc/proxy/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
                "/api/v1/namespaces/default/pods/x/exec?command=sh",
            ] {
                let method = if path.contains("/exec") { "GET" } else { "POST" };
                let request = http::Request::builder()
                    .method(method)
                    .uri(path)
                    .body(b"{}".to_vec())
                    .expect("a request");
                let err = cluster
                    .client()
                    .request_text(request)
                    .await
                    .expect_err("the read-only layer refuses");
                assert!(err.to_string().contains("read-only"), "{path}: {err}");
            }
        }
    });
    let requests = sim.requests();
    assert!(not_get(&requests).is_empty(), "{:#?}", not_get(&requests));
    assert!(
        !requests
            .iter()
            .any(|r| r.path.contains("/proxy") || r.path.contains("/exec")),
        "{requests:#?}"
    );
}

/// Puts a stepped canary plan on myapp-deploy, held at its first step by a kdeck whose
/// lease lapsed a minute ago (so `c` would take it over), straight into the store: the
/// request log then holds only what the read-only kdeck sends.
fn plan_left_by_another_kdeck(sim: &TestSim) {
    use k8s_openapi::api::apps::v1::Deployment;
    use kdeck::cluster::ops::canary::plan_annotation::PLAN_ANNOTATION;
    let started = jiff::Timestamp::now() - jiff::SignedDuration::from_secs(60);
    let steps = kdeck::cluster::ops::canary::plan_steps::parse_plan("1 pod, hold 5m; 100%")
        .expect("a plan");
    let record = kdeck::app::canary_plan::new_record(
        &kdeck::config::CanaryConfig::default(),
        "laptop pid 9",
        started,
        "myapp",
        "nginx:1.15.7",
        steps,
    );
    sim.store()
        .modify_as::<Deployment>("default", "myapp-deploy", |d| {
            d.metadata
                .annotations
                .get_or_insert_default()
                .insert(PLAN_ANNOTATION.to_owned(), record.to_text());
        })
        .expect("the plan is on the Deployment");
}

/// The real binary in a terminal: every default key on the deployments and rollout views,
/// the rollout view showing a stepped canary's plan it may not drive.
#[test]
fn the_real_binary_read_only_sends_only_gets() {
    let sim = TestSim::start();
    plan_left_by_another_kdeck(&sim);
    let kubeconfig = sim.kubeconfig_path().to_str().expect("utf-8 path");
    let config_home = sim.dir().join("config");
    let mut s = pty::PtySession::spawn(
        Path::new(env!("CARGO_BIN_EXE_kdeck")),
        &[
            "--kubeconfig",
            kubeconfig,
            "--readonly",
            "--command",
            "deploy",
        ],
        &[("XDG_CONFIG_HOME", config_home.to_str().expect("utf-8 path"))],
        120,
        40,
    );
    s.wait_for_text("READ-ONLY");
    s.wait_for_text("myapp-deploy");
    let keys: Vec<&str> = vec![
        "k", "j", "g", "G", "s", "i", "p", "R", "r", "u", "e", "X", "c", "P", "A", ">", "<", "=",
        "d",
    ];
    for key in &keys {
        s.send(key);
        s.send(pty::keys::ESC);
        s.wait_for_text("deployments(default)");
    }
    // The rollout view: the same keys there.
    s.type_slowly("/myapp-deploy");
    s.send(pty::keys::ENTER);
    s.send(pty::keys::ENTER);
    s.wait_for_text("rollout myapp-deploy");
    // The plan's progress and gates are shown; c (take over), h (hold), P and A are not.
    s.wait_for("the plan's progress", |t| {
        t.contains("PLAN") && t.contains("1 pod, hold 5m") && t.contains("nobody drives it")
    });
    let screen = s.screen();
    assert!(
        screen.contains("a read-writable kdeck can continue it")
            && !screen.contains("continues it"),
        "no key is offered:\n{screen}"
    );
    for (key, what) in [
        ("c", "start canary"),
        ("h", "hold / release a canary plan"),
        ("P", "promote canary"),
        ("A", "abort canary"),
    ] {
        s.send(key);
        s.wait_for_text(&format!("read-only session: {what} was not sent"));
        s.send("j");
        s.wait_for("the status cleared", |t| !t.contains(what));
    }
    for key in ["s", "i", "p", "R", "r", "u", "e", "X"] {
        s.send(key);
        s.wait_for_text("read-only session");
        s.send("j");
    }
    s.send("y");
    s.send(pty::keys::ESC);
    s.send(pty::keys::ESC);
    s.send(pty::keys::ESC);
    // The pods pane: a shell, attach, a port-forward and a debug pod, each refused.
    s.type_slowly(":po");
    s.send(pty::keys::ENTER);
    s.wait_for_text("pods(default)");
    s.type_slowly("/myapp");
    s.send(pty::keys::ENTER);
    s.wait_for_text("</myapp>");
    for (key, why) in [
        ("s", "read-only session: a shell (exec) was not opened"),
        ("a", "read-only session: attach was not opened"),
        ("F", "read-only session: port-forward was not opened"),
        (
            ":shell\r",
            "read-only session: a shell (exec) was not opened",
        ),
        (":run\r", "read-only session: run busybox was not sent"),
    ] {
        s.type_slowly(key);
        s.wait_for_text(why);
        s.send("j");
        s.wait_for(&format!("the status of {key:?} cleared"), |t| {
            !t.contains(why)
        });
    }
    s.send("q");
    assert_eq!(s.wait_exit(), 0, "kdeck exits cleanly on q");
    let requests = sim.requests();
    assert!(
        requests.iter().filter(|r| r.method == "GET").count() > 5,
        "the binary read the cluster"
    );
    let writes = not_get(&requests);
    assert!(writes.is_empty(), "read-only kdeck sent {writes:#?}");
    // s, a, F and :run above were refused: not one exec, attach, portforward or proxy
    // GET either (a WebSocket upgrade is a GET, so the line above does not see them).
    assert_no_streams(&sim, "the real binary's keys");
}
