//! The real `kdeck` binary in a pseudo-terminal against an in-process embedded cluster
//! (seed scenario), driven by keys and read off the screen like a person would.

mod pty;
mod support;

use std::path::Path;

use pty::{PtySession, keys};
use support::TestSim;

fn kdeck(sim: &TestSim, extra: &[&str], cols: u16, rows: u16) -> PtySession {
    let kubeconfig = sim.kubeconfig_path().to_str().expect("utf-8 path");
    let config_home = sim.dir().join("config");
    let mut args = vec!["--kubeconfig", kubeconfig];
    args.extend_from_slice(extra);
    PtySession::spawn(
        Path::new(env!("CARGO_BIN_EXE_kdeck")),
        &args,
        &[("XDG_CONFIG_HOME", config_home.to_str().expect("utf-8 path"))],
        cols,
        rows,
    )
}

fn quit(session: &mut PtySession) {
    session.send("q");
    assert_eq!(session.wait_exit(), 0, "kdeck exits cleanly on q");
    session
        .terminal_restored()
        .expect("the terminal is restored");
}

#[test]
fn drill_into_myapp_and_watch_a_rollout_without_pressing_a_key() {
    let sim = TestSim::start();
    let mut s = kdeck(&sim, &[], 120, 40);
    s.wait_for_text("pods(default)");
    s.wait_for_text("State: live");
    s.type_slowly(":deploy");
    s.send(keys::ENTER);
    s.wait_for_text("deployments(default)");
    s.wait_for_text("myapp-deploy");
    s.type_slowly("/myapp");
    s.send(keys::ENTER);
    s.wait_for_text("deployments(default)</myapp>[1]");
    s.send(keys::ENTER);
    s.wait_for_text("rollout myapp-deploy(default)");
    let screen = s.wait_for("three myapp pods", |t| {
        t.contains("(rev 1, current) 3 pods")
    });
    assert!(screen.contains("svc/myapp-svc"), "{screen}");

    sim.set_image("myapp-deploy", "myapp", "nginx:1.16.1");
    s.wait_for_text("nginx:1.16.1");
    s.wait_for("the new ReplicaSet with its pods", |t| {
        t.contains("(rev 2, current)") && t.contains(" pods")
    });
    s.wait_for("the rollout to finish", |t| {
        t.contains("(rev 2, current) 3 pods") && t.contains("rollout complete")
    });
    quit(&mut s);
}

#[test]
fn filter_and_switch_namespace() {
    let sim = TestSim::start();
    let mut s = kdeck(&sim, &[], 120, 40);
    s.wait_for_text("pods(default)");
    s.wait_for_text("hello-deploy-");
    s.type_slowly("/hello");
    s.wait_for_text("pods(default)</hello>[10]");
    s.send(keys::ESC);
    s.wait_for("the filter cleared", |t| !t.contains("</hello>"));
    s.type_slowly(":ns kube-sys");
    s.send(keys::TAB);
    s.wait_for_text(":ns kube-system");
    s.send(keys::ENTER);
    s.wait_for_text("pods(kube-system)");
    s.wait_for_text("coredns");
    s.send("0");
    s.wait_for_text("pods(all)");
    s.wait_for("pods of both namespaces", |t| {
        t.contains("NAMESPACE") && t.contains("hello-deploy-") && t.contains("coredns")
    });
    quit(&mut s);
}

#[test]
fn readonly_session_sends_no_mutation() {
    let sim = TestSim::start();
    let mut s = kdeck(&sim, &["--readonly", "--command", "deploy"], 120, 40);
    s.wait_for_text("READ-ONLY");
    s.wait_for_text("myapp-deploy");
    for key in ["s", "i", "p", "R", "r", "u", "e", "X"] {
        s.send(key);
        s.wait_for_text("read-only session");
        s.send(keys::DOWN);
    }
    quit(&mut s);
    let requests = sim.requests();
    assert!(!requests.is_empty(), "kdeck talked to the cluster");
    let writes: Vec<_> = requests
        .iter()
        .filter(|r| r.method != "GET" && r.user == "admin")
        .collect();
    assert!(writes.is_empty(), "read-only kdeck sent {writes:?}");
}

#[test]
fn ctrl_c_quits_and_restores_the_terminal() {
    let sim = TestSim::start();
    let mut s = kdeck(&sim, &[], 80, 24);
    s.wait_for_text("pods(default)");
    s.send(keys::CTRL_C);
    assert_eq!(s.wait_exit(), 0);
    s.terminal_restored().expect("the terminal is restored");
}

#[test]
fn closing_the_terminal_without_a_sighup_ends_kdeck() {
    // Not the controlling terminal: closing it sends no SIGHUP, only the hang-up of input
    // (crossterm's event stream then neither ends nor fails; kdeck used to spin forever).
    // An empty pane: no AGE cell whose redraw would fail on the closed terminal and end
    // kdeck anyway, so only noticing the hang-up of input ends it.
    let sim = TestSim::start();
    let kubeconfig = sim.kubeconfig_path().to_str().expect("utf-8 path");
    let config_home = sim.dir().join("config");
    let mut s = PtySession::spawn_with_ctty(
        Path::new(env!("CARGO_BIN_EXE_kdeck")),
        &["--kubeconfig", kubeconfig, "--command", "ds"],
        &[("XDG_CONFIG_HOME", config_home.to_str().expect("utf-8 path"))],
        80,
        24,
        false,
    );
    s.wait_for_text("daemonsets(default)");
    s.hang_up("?");
    assert_eq!(s.wait_exit(), 0, "kdeck exits when its terminal goes away");
}

#[test]
fn missing_kubeconfig_exits_with_a_message_naming_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let missing = dir.path().join("no-such-kubeconfig");
    let mut s = PtySession::spawn(
        Path::new(env!("CARGO_BIN_EXE_kdeck")),
        &["--kubeconfig", missing.to_str().expect("utf-8 path")],
        &[("XDG_CONFIG_HOME", dir.path().to_str().expect("utf-8 path"))],
        120,
        20,
    );
    let code = s.wait_exit();
    assert_ne!(code, 0);
    let screen = s.screen();
    assert!(screen.contains("no-such-kubeconfig"), "{screen}");
    s.terminal_restored().expect("the terminal is untouched");
}

#[test]
fn switch_context_and_see_a_forbidden_pane_while_others_work() {
    let sim = TestSim::start();
    let mut s = kdeck(&sim, &[], 120, 40);
    s.wait_for_text("Context: kdeck-sim ");
    s.wait_for_text("State: live");
    s.type_slowly(":ctx kdeck-sim-v");
    s.send(keys::TAB);
    s.wait_for_text(":ctx kdeck-sim-viewer");
    s.send(keys::ENTER);
    s.wait_for_text("Context: kdeck-sim-viewer");
    s.type_slowly(":sec");
    s.send(keys::ENTER);
    let screen = s.wait_for_text("forbidden");
    assert!(screen.contains("secrets(default)"), "{screen}");
    s.type_slowly(":po");
    s.send(keys::ENTER);
    s.wait_for_text("hello-deploy-");
    quit(&mut s);
}

#[test]
fn logs_of_a_container_stream_into_the_logs_view() {
    let sim = TestSim::start();
    let mut s = kdeck(&sim, &[], 120, 40);
    s.wait_for_text("myapp-deploy-");
    s.type_slowly("/myapp");
    s.send(keys::ENTER);
    s.send(keys::ENTER);
    s.wait_for_text("containers(myapp-deploy-");
    s.send(keys::ENTER);
    s.wait_for_text("logs myapp-deploy-");
    s.wait_for("log lines", |t| {
        !t.contains("waiting for log lines") && t.contains("GET")
    });
    s.send(keys::ESC);
    s.wait_for_text("containers(myapp-deploy-");
    quit(&mut s);
}

#[test]
fn dropped_watches_reconnect_by_themselves() {
    let sim = TestSim::start();
    let mut s = kdeck(&sim, &["--command", "deploy"], 120, 40);
    s.wait_for_text("myapp-deploy");
    s.wait_for_text("State: live");
    sim.disconnect_watches();
    sim.scale_deployment("hello-deploy", 4);
    s.wait_for("hello-deploy scaled to 4 after the reconnect", |t| {
        t.lines()
            .any(|l| l.contains("hello-deploy") && l.contains("4/4"))
    });
    s.wait_for_text("State: live");
    quit(&mut s);
}

#[test]
fn rollout_operations_from_the_keyboard() {
    let sim = TestSim::start();
    let mut s = kdeck(&sim, &["--command", "deploy"], 120, 40);
    s.wait_for_text("myapp-deploy");
    s.type_slowly("/myapp");
    s.send(keys::ENTER);
    s.send(keys::ENTER);
    s.wait_for_text("(rev 1, current) 3 pods");

    s.send("i");
    s.wait_for_text("set image deployment/myapp-deploy");
    s.wait_for_text("myapp  (now nginx:1.14.1)");
    s.send("\x15");
    s.type_slowly("nginx:1.16.1");
    s.send(keys::ENTER);
    s.wait_for("the new revision", |t| {
        t.contains("(rev 2, current) 3 pods")
    });

    s.send("p");
    s.wait_for_text(" PAUSED ");
    s.send("r");
    s.wait_for("the badge gone", |t| !t.contains(" PAUSED "));

    s.send("s");
    s.wait_for_text("scale deployment/myapp-deploy");
    s.wait_for_text("now: 3");
    s.send("\x15");
    s.type_slowly("4");
    s.send(keys::ENTER);
    s.wait_for_text("(rev 2, current) 4 pods");

    s.send("u");
    s.wait_for_text("undo deployment/myapp-deploy: pick a revision");
    s.wait_for_text("2 (now)");
    s.send(keys::ENTER);
    s.wait_for_text("undo deployment/myapp-deploy to revision 1");
    s.send(keys::ENTER);
    s.wait_for("the undo to revision 1's template", |t| {
        t.contains("(rev 3, current) 4 pods") && t.contains("nginx:1.14.1")
    });
    quit(&mut s);
}

#[test]
fn demo_mode_starts_its_own_cluster() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut s = PtySession::spawn(
        Path::new(env!("CARGO_BIN_EXE_kdeck")),
        &["--demo", "--command", "deploy"],
        &[("XDG_CONFIG_HOME", dir.path().to_str().expect("utf-8 path"))],
        120,
        40,
    );
    s.wait_for_text("deployments(default)");
    s.wait_for_text("myapp-deploy");
    s.wait_for_text("Version: v1.");
    quit(&mut s);
}

#[test]
fn an_idle_dashboard_does_not_redraw() {
    let sim = TestSim::start();
    let trace = sim.dir().join("frames.tsv");
    let mut s = kdeck(
        &sim,
        &["--trace-frames", trace.to_str().expect("utf-8 path")],
        120,
        40,
    );
    s.wait_for_text("hello-deploy-");
    s.wait_for_text("State: live");
    // Everything the start asks for has come: the lists (live), the server's version and
    // the first metrics sample.
    s.wait_for_text("Version: v1.");
    s.wait_for_text("cpu/mem");
    let frames = || {
        std::fs::read_to_string(&trace)
            .expect("trace file")
            .lines()
            .count()
    };
    let before = frames();
    // The idle time is the measured quantity, not a guess: in 3 seconds a redraw timer
    // of 4 a second (kdash's) draws 12 frames, twice the bound below; in one second it
    // would draw 4 and pass.
    std::thread::sleep(std::time::Duration::from_secs(3));
    let idle = frames() - before;
    // Only AGE cells crossing a minute may redraw; a timer-driven loop would draw ~90 frames.
    assert!(idle <= 6, "{idle} frames in 3 idle seconds");
    s.send("j");
    s.wait_for("a frame after a key", |_| frames() > before + idle);
    quit(&mut s);
}

#[test]
fn sigterm_and_sighup_restore_the_terminal() {
    let sim = TestSim::start();
    for signal in ["-TERM", "-HUP"] {
        let mut s = kdeck(&sim, &[], 80, 24);
        s.wait_for_text("pods(default)");
        let pid = s.pid().expect("the child's pid").to_string();
        let status = std::process::Command::new("kill")
            .args([signal, &pid])
            .status()
            .expect("run kill");
        assert!(status.success());
        assert_eq!(s.wait_exit(), 0, "{signal} ends kdeck cleanly");
        s.terminal_restored().expect("the terminal is restored");
    }
}

#[test]
fn esc_then_q_typed_quickly_closes_the_help_and_quits() {
    let sim = TestSim::start();
    let mut s = kdeck(&sim, &[], 80, 24);
    s.wait_for_text("pods(default)");
    s.send("?");
    s.wait_for_text("help (any key closes)");
    // Sent in one write, the terminal reads it as Alt+q.
    s.send("\x1bq");
    assert_eq!(s.wait_exit(), 0);
    s.terminal_restored().expect("the terminal is restored");
}

/// The wall screen: `--monitor` is read-only, shows every Deployment of the namespace as a
/// card, and comes back by itself after the API server process restarts, with what changed
/// while it was down.
#[test]
fn the_monitor_survives_an_api_server_restart_unattended() {
    let mut sim = TestSim::start();
    let mut s = kdeck(&sim, &["--monitor"], 120, 40);
    s.wait_for_text("READ-ONLY");
    s.wait_for_text("monitor(default)[3]");
    s.wait_for("hello-deploy at 10/10", |t| {
        t.contains("hello-deploy") && t.contains("READY 10/10")
    });

    sim.stop_api_server();
    s.wait_for("the monitor saying its data is old", |t| {
        t.contains("reconnecting (last update ") && t.contains("State: reconnecting")
    });
    // While the API server is down, the controllers go on (they run in their own process).
    let deployments = kdeck::sim::resources::by_kind("apps", "Deployment").expect("served");
    sim.store()
        .modify(deployments, "default", "hello-deploy", |d| {
            d["spec"]["replicas"] = serde_json::json!(4);
            Ok(())
        })
        .expect("scale hello-deploy in the store");
    sim.start_api_server();
    s.wait_for("the monitor live again with the change", |t| {
        t.contains("State: live") && t.contains("READY 4/4") && !t.contains("reconnecting")
    });
    // Nothing was asked of the user, and nothing was sent but reads.
    quit(&mut s);
    let writes: Vec<_> = sim
        .requests()
        .into_iter()
        .filter(|r| r.method != "GET" && r.user == "admin")
        .collect();
    assert!(writes.is_empty(), "the monitor sent {writes:?}");
}

/// A bastion with `LANG=C`: everything on screen is ASCII, borders included, and
/// `--ascii` does the same in a UTF-8 locale.
#[test]
fn a_c_locale_or_ascii_flag_draws_only_ascii() {
    let sim = TestSim::start();
    let kubeconfig = sim.kubeconfig_path().to_str().expect("utf-8 path");
    for (extra, lang) in [(None, "C"), (Some("--ascii"), "C.UTF-8")] {
        let mut args = vec!["--kubeconfig", kubeconfig, "--command", "deploy"];
        args.extend(extra);
        let mut s = PtySession::spawn(
            Path::new(env!("CARGO_BIN_EXE_kdeck")),
            &args,
            &[("LANG", lang)],
            80,
            24,
        );
        let screen = s.wait_for("the deployments in ASCII", |t| {
            t.contains("+ deployments(default)[3] -") && t.contains("myapp-deploy")
        });
        assert!(screen.is_ascii(), "{lang}: {screen}");
        s.send(keys::ENTER);
        let screen = s.wait_for("the rollout view", |t| t.contains("rollout hello-deploy"));
        assert!(screen.is_ascii(), "{lang}: {screen}");
        quit(&mut s);
    }
}

/// A panic with the UI up: the terminal is restored, a report is written to the state
/// directory, and its path is printed.
#[test]
fn a_panic_restores_the_terminal_and_writes_a_report_in_the_state_directory() {
    let sim = TestSim::start();
    let kubeconfig = sim.kubeconfig_path().to_str().expect("utf-8 path");
    let state = sim.dir().join("state");
    let mut s = PtySession::spawn(
        Path::new(env!("CARGO_BIN_EXE_kdeck")),
        &["--kubeconfig", kubeconfig],
        &[
            ("KDECK_TEST_PANIC", "1"),
            ("XDG_STATE_HOME", state.to_str().expect("utf-8 path")),
            ("RUST_BACKTRACE", "0"),
        ],
        100,
        30,
    );
    assert_ne!(s.wait_exit(), 0, "a panic is a failure: {}", s.screen());
    s.terminal_restored().expect("the terminal is restored");
    let reports: Vec<_> = std::fs::read_dir(state.join("kdeck"))
        .expect("the state directory")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("crash-"))
        })
        .collect();
    assert_eq!(reports.len(), 1, "{reports:?}");
    let report = std::fs::read_to_string(&reports[0]).expect("the report");
    assert!(report.contains("KDECK_TEST_PANIC"), "{report}");
    let screen = s.screen();
    let printed = reports[0].display().to_string();
    assert!(
        screen.replace('\n', "").contains(&printed),
        "the path is printed: {screen}"
    );
}
