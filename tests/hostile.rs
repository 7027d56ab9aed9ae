//! Bad conditions: kubeconfigs that are missing, malformed, name an unknown context or
//! point nowhere (a message naming the file and context, non-zero exit, no panic), and
//! a network drop in front of the API server (each pane says reconnecting, then
//! recovers by itself).

mod app_driver;
mod pty;
mod support;
mod ui_fixtures;

use std::path::Path;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use app_driver::AppDriver;
use crossterm::event::KeyCode;
use kdeck::action::Action;
use kdeck::app::Msg;
use kdeck::app::update::show_pane;
use kdeck::cluster::{Kind, WatchState};
use support::TestSim;

fn kdeck(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kdeck"))
        .args(args)
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .env("HOME", dir)
        .env_remove("KUBECONFIG")
        .output()
        .expect("run kdeck")
}

fn failure(output: &Output) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(
        output.status.code(),
        Some(1),
        "exit status; stderr: {stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr
}

#[test]
fn a_missing_kubeconfig_is_named() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("nope.yaml");
    let out = kdeck(&["--kubeconfig", path.to_str().expect("utf-8")], dir.path());
    let stderr = failure(&out);
    assert!(
        stderr.contains(&format!("kubeconfig {} does not exist", path.display())),
        "{stderr}"
    );
}

#[test]
fn a_malformed_kubeconfig_is_named() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("bad.yaml");
    std::fs::write(&path, "apiVersion: v1\nclusters: [: {\n").expect("write");
    let out = kdeck(&["--kubeconfig", path.to_str().expect("utf-8")], dir.path());
    let stderr = failure(&out);
    assert!(stderr.contains(&path.display().to_string()), "{stderr}");
}

#[test]
fn an_unknown_context_is_named_with_the_known_ones() {
    let sim = TestSim::start();
    let path = sim.kubeconfig_path().to_str().expect("utf-8").to_owned();
    let out = kdeck(&["--kubeconfig", &path, "--context", "prod"], sim.dir());
    let stderr = failure(&out);
    assert!(stderr.contains("prod"), "{stderr}");
    assert!(
        stderr.contains("kdeck-sim"),
        "lists the known contexts: {stderr}"
    );
}

#[test]
fn a_kubeconfig_pointing_nowhere_says_which_server_context_and_file() {
    let sim = TestSim::start();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    let port = listener.local_addr().expect("addr").port();
    drop(listener);
    let yaml = sim.kubeconfig_yaml("admin").expect("yaml");
    let nowhere = yaml.replace(&sim.url(), &format!("http://127.0.0.1:{port}"));
    assert_ne!(yaml, nowhere);
    let path = sim.dir().join("nowhere.yaml");
    std::fs::write(&path, nowhere).expect("write");
    let out = kdeck(&["--kubeconfig", path.to_str().expect("utf-8")], sim.dir());
    let stderr = failure(&out);
    assert!(
        stderr.contains(&format!("kubeconfig {}", path.display())),
        "{stderr}"
    );
    assert!(
        stderr.contains("\"kdeck-sim\""),
        "names the context: {stderr}"
    );
    assert!(
        stderr.contains(&format!("127.0.0.1:{port}")),
        "names the server: {stderr}"
    );
}

/// A TCP proxy in front of the sim that can cut every connection and refuse new ones
/// (an API server restart or a network drop, as the client sees it), then come back.
struct CuttableProxy {
    port: u16,
    up: Arc<AtomicBool>,
    connections: Arc<Mutex<Vec<tokio::task::AbortHandle>>>,
}

impl CuttableProxy {
    async fn start(target: std::net::SocketAddr) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the proxy");
        let port = listener.local_addr().expect("addr").port();
        let up = Arc::new(AtomicBool::new(true));
        let connections = Arc::new(Mutex::new(Vec::new()));
        let (up2, conns2) = (up.clone(), connections.clone());
        tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                if !up2.load(Ordering::SeqCst) {
                    continue; // dropped: the client sees its connection closed at once
                }
                let task = tokio::spawn(async move {
                    if let Ok(mut server) = tokio::net::TcpStream::connect(target).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                    }
                });
                conns2.lock().expect("proxy lock").push(task.abort_handle());
            }
        });
        Self {
            port,
            up,
            connections,
        }
    }

    fn cut(&self) {
        self.up.store(false, Ordering::SeqCst);
        for c in self.connections.lock().expect("proxy lock").drain(..) {
            c.abort();
        }
    }

    fn restore(&self) {
        self.up.store(true, Ordering::SeqCst);
    }
}

#[test]
fn a_network_drop_shows_reconnecting_and_recovers_by_itself() {
    let sim = TestSim::start();
    let runtime = support::runtime();
    runtime.block_on(async {
        let target = sim
            .url()
            .trim_start_matches("http://")
            .parse()
            .expect("the sim's address");
        let proxy = CuttableProxy::start(target).await;
        let yaml = sim.kubeconfig_yaml("admin").expect("yaml");
        let via_proxy = yaml.replace(&sim.url(), &format!("http://127.0.0.1:{}", proxy.port));
        let kubeconfig = sim.dir().join("via-proxy.yaml");
        std::fs::write(&kubeconfig, via_proxy).expect("write");
        let mut d = AppDriver::connect(&kubeconfig, true, true, None).await;
        show_pane(&mut d.state, Kind::Deployment);
        d.act(Action::Top);
        d.wait_live(Kind::Deployment).await;
        d.wait_live(Kind::Namespace).await;
        for round in 0..2 {
            proxy.cut();
            d.wait_for(&format!("round {round}: every pane reconnecting"), |s| {
                [Kind::Deployment, Kind::Namespace]
                    .iter()
                    .all(|k| matches!(s.watch_states.get(k), Some(WatchState::Reconnecting { .. })))
                    && s.connection_state() == "reconnecting"
            })
            .await;
            assert!(
                !d.state.stores.of(Kind::Deployment).is_empty(),
                "the last rows stay shown while reconnecting"
            );
            let Some(WatchState::Reconnecting { last_update, .. }) =
                d.state.watch_states.get(&Kind::Deployment)
            else {
                panic!("reconnecting")
            };
            assert!(last_update.is_some(), "the pane had delivered rows");
            // The title counts how long ago the last update came, in kubectl's age format.
            let screen = ui_fixtures::text(&ui_fixtures::render(&d.state));
            assert!(
                screen.contains("reconnecting (last update ") && screen.contains("s ago): "),
                "{screen}"
            );
            proxy.restore();
            d.wait_for(&format!("round {round}: every pane live again"), |s| {
                s.connection_state() == "live"
                    && s.watch_states
                        .values()
                        .all(|w| matches!(w, WatchState::Live))
            })
            .await;
            assert!(!d.state.stores.of(Kind::Deployment).is_empty());
        }
    });
}

/// HOME is /proc and the XDG directories are under it: nothing can be created there, not
/// even by root. kdeck starts, shows the cluster and quits cleanly.
#[test]
fn runs_without_a_writable_home() {
    let sim = TestSim::start();
    let kubeconfig = sim.kubeconfig_path().to_str().expect("utf-8").to_owned();
    let nowhere = "/proc/kdeck-unwritable";
    let mut s = pty::PtySession::spawn(
        Path::new(env!("CARGO_BIN_EXE_kdeck")),
        &["--kubeconfig", &kubeconfig],
        &[
            ("HOME", "/proc"),
            ("XDG_CONFIG_HOME", nowhere),
            ("XDG_STATE_HOME", nowhere),
            ("XDG_CACHE_HOME", nowhere),
            ("XDG_DATA_HOME", nowhere),
        ],
        100,
        30,
    );
    s.wait_for_text("State: live");
    s.send("q");
    assert_eq!(s.wait_exit(), 0, "kdeck exits cleanly: {}", s.screen());
}

fn screen_text(terminal: &ratatui::Terminal<ratatui::backend::TestBackend>) -> String {
    let buffer = terminal.backend().buffer();
    buffer
        .content()
        .chunks(usize::from(buffer.area.width))
        .map(|row| {
            row.iter()
                .map(ratatui::buffer::Cell::symbol)
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Each main view at 40x10 draws (the smallest supported size); at 39x9 a message says
/// the terminal is too small.
#[test]
fn forty_by_ten_draws_every_main_view_and_smaller_says_so() {
    let sim = TestSim::start();
    let kubeconfig = sim.kubeconfig_path().to_owned();
    let runtime = support::runtime();
    runtime.block_on(async {
        let mut d = AppDriver::connect(&kubeconfig, true, true, None).await;
        let draw = |d: &AppDriver, w: u16, h: u16| {
            let mut terminal =
                ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, h)).expect("terminal");
            terminal
                .draw(|frame| kdeck::ui::draw(&d.state, frame))
                .expect("draw");
            screen_text(&terminal)
        };
        for kind in [Kind::Pod, Kind::Deployment, Kind::Event, Kind::Node] {
            show_pane(&mut d.state, kind);
            d.act(Action::Top);
            d.wait_live(kind).await;
            d.act(Msg::Resize(40, 10));
            d.state.refresh_views();
            let small = draw(&d, 40, 10);
            assert!(!small.contains("too small"), "{kind:?}:\n{small}");
            d.act(Action::Help);
            let help = draw(&d, 40, 10);
            // Cramped, but still the help: its title, which says how to leave it, whole;
            // its frame whole (nothing drawn past the terminal); q (quit) among its keys.
            assert!(help.contains("help (any key closes)"), "{kind:?}:\n{help}");
            let framed: Vec<&str> = help
                .lines()
                .skip_while(|l| !l.starts_with("┌ help"))
                .take_while(|l| !l.starts_with('└'))
                .collect();
            assert!(
                framed.len() > 1 && help.lines().any(|l| l.starts_with('└') && l.ends_with('┘')),
                "{kind:?}: the help's frame:\n{help}"
            );
            assert!(
                framed[1..].iter().any(|l| l.contains(" q ")),
                "{kind:?}: q is not among the help's keys:\n{help}"
            );
            assert!(
                framed[1..].iter().any(|l| l.contains(" mor")),
                "{kind:?}: the help does not say that keys are left out:\n{help}"
            );
            // Any key closes it, back to the pane.
            d.press_code(KeyCode::Char('j'));
            let closed = draw(&d, 40, 10);
            assert!(
                !closed.contains("help (any key closes)"),
                "{kind:?}:\n{closed}"
            );
            d.act(Msg::Resize(39, 9));
            let tiny = draw(&d, 39, 9);
            assert!(tiny.contains("too small"), "{kind:?}:\n{tiny}");
        }
    });
}
