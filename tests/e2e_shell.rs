//! Shells, port-forwards and the debug pod in the real `kdeck` binary, in a
//! pseudo-terminal with nothing on its `PATH` (so no kubectl), against an in-process
//! embedded cluster (issue 16): `s` on a myapp pod, `hostname`, a resize seen by
//! `stty size`, `exit 3` and back on the dashboard with "exited 3"; a port-forward
//! started from kdeck answering an HTTP GET from the test with the pod's page, the
//! request in the pod's log, `:pf` listing its bytes and `X` closing the port;
//! `:run busybox` reporting the shell's exit code and leaving no pod behind after
//! `exit`; the config file's `[shell]` commands and debug image used.

mod pty;
mod support;

use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::path::Path;

use k8s_openapi::api::core::v1::Pod;
use kube::Api;
use kube::api::LogParams;
use pty::{PtySession, keys};
use support::{TestSim, test_timeout, wait_until};

/// kdeck on `sim`, with a `PATH` of one empty directory: no kubectl (nor anything else)
/// to run, so whatever works below works natively.
fn kdeck(sim: &TestSim, cols: u16, rows: u16) -> PtySession {
    let kubeconfig = sim.kubeconfig_path().to_str().expect("utf-8 path");
    let config_home = sim.dir().join("config");
    let empty_path = sim.dir().join("empty-path");
    std::fs::create_dir_all(&empty_path).expect("an empty PATH directory");
    PtySession::spawn(
        Path::new(env!("CARGO_BIN_EXE_kdeck")),
        &["--kubeconfig", kubeconfig],
        &[
            ("XDG_CONFIG_HOME", config_home.to_str().expect("utf-8 path")),
            ("PATH", empty_path.to_str().expect("utf-8 path")),
        ],
        cols,
        rows,
    )
}

fn quit(s: &mut PtySession) {
    s.send(keys::ESC);
    s.send("q");
    assert_eq!(s.wait_exit(), 0, "kdeck exits cleanly on q");
    s.terminal_restored().expect("the terminal is restored");
}

/// The pods pane filtered to myapp's pods.
fn myapp_pods(s: &mut PtySession) {
    s.wait_for_text("pods(default)");
    s.wait_for_text("myapp-deploy");
    s.type_slowly("/myapp-deploy");
    s.send(keys::ENTER);
    s.wait_for_text("</myapp-deploy>");
}

/// The word after `prefix` on the screen, up to a space or a character in `ends`.
fn word_after(screen: &str, prefix: &str, ends: &[char]) -> Option<String> {
    let at = screen.find(prefix)? + prefix.len();
    let word: String = screen[at..]
        .chars()
        .take_while(|c| !c.is_whitespace() && !ends.contains(c))
        .collect();
    (!word.is_empty()).then_some(word)
}

/// The names of the pods labelled `label` in `default`.
fn pods_labelled(sim: &TestSim, label: &str) -> Vec<String> {
    let selector = label.to_owned();
    sim.with_client(move |client| async move {
        Api::<Pod>::namespaced(client, "default")
            .list(&kube::api::ListParams::default().labels(&selector))
            .await
            .expect("pods are listed")
            .items
            .into_iter()
            .filter_map(|p| p.metadata.name)
            .collect()
    })
}

fn pod_log(sim: &TestSim, name: &str) -> String {
    let name = name.to_owned();
    sim.with_client(move |client| async move {
        Api::<Pod>::namespaced(client, "default")
            .logs(&name, &LogParams::default())
            .await
            .expect("the pod's log is read")
    })
}

#[test]
fn a_shell_in_a_pod_sees_its_name_and_resizes_and_comes_back_with_its_exit_status() {
    let sim = TestSim::start();
    let mut s = kdeck(&sim, 120, 40);
    myapp_pods(&mut s);
    s.send("s");
    let screen = s.wait_for_text("exit comes back to kdeck");
    let pod = word_after(&screen, "shell in pod/", &[]).expect("the banner names the pod");
    assert!(
        pods_labelled(&sim, "app=myapp").contains(&pod),
        "{pod} is a myapp pod"
    );
    s.wait_for_text(":/# ");
    assert!(
        !s.screen().contains("pods(default)"),
        "nothing of the dashboard while the shell is in front:\n{}",
        s.screen()
    );
    s.type_slowly("hostname\r");
    s.wait_for(&format!("hostname to print {pod}"), |t| {
        t.lines().any(|l| l.trim_end() == pod)
    });
    stty_size_shows(&mut s, "40 120");
    s.resize(100, 30);
    stty_size_shows(&mut s, "30 100");
    s.type_slowly("exit 3\r");
    let back = s.wait_for_text("exited 3");
    assert!(
        back.contains(&format!("shell in pod/{pod} (container myapp) exited 3")),
        "{back}"
    );
    assert!(
        back.contains("pods(default)</myapp-deploy>"),
        "back on the same pane with its filter:\n{back}"
    );
    assert!(
        !back.contains(":/# ") && !back.contains("30 100"),
        "nothing the container wrote is on the dashboard's screen:\n{back}"
    );
    quit(&mut s);
}

#[test]
fn a_signal_while_the_shell_is_in_front_ends_kdeck_and_restores_the_terminal() {
    let sim = TestSim::start();
    let mut s = kdeck(&sim, 120, 40);
    myapp_pods(&mut s);
    s.send("s");
    s.wait_for_text(":/# ");
    let pid = s.pid().expect("kdeck's pid");
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .expect("kill runs");
    assert!(killed.success());
    assert_eq!(s.wait_exit(), 0, "SIGTERM ends kdeck normally");
    s.terminal_restored().expect("the terminal is restored");
}

#[test]
fn a_port_forward_from_kdeck_serves_the_pods_page_and_pf_stops_it() {
    let sim = TestSim::start();
    let mut s = kdeck(&sim, 140, 40);
    myapp_pods(&mut s);
    s.send("F");
    s.wait_for_text("Enter starts: ");
    // Any free local port (the suggested one, 80, may be another test's).
    s.send(keys::TAB);
    s.send("\x15");
    s.send("0");
    s.send(keys::ENTER);
    let screen = s.wait_for_text("forwarding 127.0.0.1:");
    let port: u16 = word_after(&screen, "forwarding 127.0.0.1:", &[])
        .and_then(|p| p.parse().ok())
        .expect("the status names the local port");
    let pod = word_after(&screen, " -> pod/", &[':']).expect("the status names the pod");
    assert!(screen.contains("Port-forwards: 1"), "{screen}");

    let mut socket = TcpStream::connect(("127.0.0.1", port)).expect("the forward listens");
    socket
        .write_all(
            b"GET / HTTP/1.1\r\nHost: localhost\r\nUser-Agent: kdeck-e2e-forward\r\nConnection: close\r\n\r\n",
        )
        .expect("the request is sent");
    socket
        .set_read_timeout(Some(test_timeout()))
        .expect("a read timeout");
    let mut page = String::new();
    socket.read_to_string(&mut page).expect("the page is read");
    // The client closes too (as a browser does after `Connection: close`).
    drop(socket);
    assert!(page.starts_with("HTTP/1.1 200 OK"), "{page}");
    assert!(
        page.contains(&format!("Served by pod <b>{pod}</b>")),
        "{page}"
    );
    wait_until(test_timeout(), "the request in the pod's log", || {
        pod_log(&sim, &pod).contains("kdeck-e2e-forward")
    });

    s.type_slowly(":pf");
    s.send(keys::ENTER);
    let listed = s.wait_for(&format!("127.0.0.1:{port} listed with its bytes"), |t| {
        t.lines().any(|l| {
            l.contains(&format!("127.0.0.1:{port}")) && l.contains("0/1") && l.contains("active")
        }) && !t.contains(" 0 B ")
    });
    assert!(listed.contains(&format!("pod/{pod}:80")), "{listed}");
    s.send("X");
    s.wait_for_text("no port-forwards");
    assert!(
        TcpStream::connect(("127.0.0.1", port)).is_err(),
        "the port is closed once the forward is stopped"
    );
    assert!(!s.screen().contains("Port-forwards:"), "{}", s.screen());
    quit(&mut s);
}

#[test]
fn run_busybox_attaches_and_leaves_no_pod_behind_after_exit() {
    let sim = TestSim::start();
    let mut s = kdeck(&sim, 120, 40);
    s.wait_for_text("pods(default)");
    s.type_slowly(":run busybox");
    s.send(keys::ENTER);
    let screen = s.wait_for_text("try pressing enter");
    let pod = word_after(&screen, "attach to pod/", &[]).expect("the banner names the pod");
    assert!(pod.starts_with("kdeck-busybox-"), "{pod}");
    assert_eq!(
        pods_labelled(&sim, "kdeck.dev/debug-pod"),
        std::slice::from_ref(&pod),
        "one debug pod, marked"
    );
    s.wait_for_text("/ # ");
    s.type_slowly("hostname\r");
    s.wait_for(&format!("hostname to print {pod}"), |t| {
        t.lines().any(|l| l.trim_end() == pod)
    });
    s.type_slowly("exit 5\r");
    // The shell's own exit code, from the container, as kubectl run -it reports it.
    s.wait_for_text(&format!("exited 5 · pod \"{pod}\" deleted"));
    wait_until(test_timeout(), "the debug pod to be gone", || {
        pods_labelled(&sim, "kdeck.dev/debug-pod").is_empty()
    });
    quit(&mut s);
}

/// The config file's `[shell]` section: the commands `s` tries, in its order, and the
/// image `:run` starts when it names none.
#[test]
fn the_config_files_shell_commands_and_debug_image_are_used() {
    let sim = TestSim::start();
    let config_dir = sim.dir().join("config").join("kdeck");
    std::fs::create_dir_all(&config_dir).expect("the config directory");
    std::fs::write(
        config_dir.join("config.toml"),
        "[shell]\ncommands = [\"/bin/sh\"]\ndebug_image = \"alpine:3\"\n",
    )
    .expect("the config file");
    let mut s = kdeck(&sim, 120, 40);
    myapp_pods(&mut s);
    s.send("s");
    s.wait_for_text("exit comes back to kdeck");
    // nginx's /bin/sh is dash, which says "not found" its own way (bash: "command not found").
    s.type_slowly("nope\r");
    s.wait_for_text("sh: 1: nope: not found");
    s.type_slowly("exit\r");
    s.wait_for_text("exited 127");

    s.type_slowly(":run");
    s.send(keys::ENTER);
    let screen = s.wait_for_text("try pressing enter");
    let pod = word_after(&screen, "attach to pod/", &[]).expect("the banner names the pod");
    let image = sim
        .store()
        .get_as::<Pod>("default", &pod)
        .and_then(|p| p.spec?.containers.first()?.image.clone());
    assert_eq!(image.as_deref(), Some("alpine:3"), "{pod}");
    s.wait_for_text("/ # ");
    s.type_slowly("exit\r");
    s.wait_for_text(&format!("pod \"{pod}\" deleted"));
    quit(&mut s);
}

/// Types `stty size` until the shell answers `want`: the size and the keys travel on
/// different channels, unordered between them (as the kubelet handles them).
fn stty_size_shows(s: &mut PtySession, want: &str) {
    let deadline = std::time::Instant::now() + pty::timeout();
    loop {
        s.type_slowly("stty size\r");
        let asked = std::time::Instant::now();
        while asked.elapsed() < std::time::Duration::from_secs(2) {
            if s.screen().contains(want) {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the shell never saw the size {want}:\n{}",
            s.screen()
        );
    }
}
