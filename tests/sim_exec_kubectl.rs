//! The real kubectl's exec, attach and `run --rm -it` against the embedded cluster,
//! over WebSocket (`v5.channel.k8s.io`, kubectl's default since 1.30) and over SPDY
//! (its fallback, forced with `KUBECTL_REMOTE_COMMAND_WEBSOCKETS=false`); the
//! interactive ones in a pseudo-terminal, as a person types them.

mod pty;
mod stream_fixtures;
mod support;

use std::path::Path;
use std::process::{Command, Output, Stdio};

use pty::PtySession;
use support::{TestSim, stderr, stdout, test_timeout, wait_until};

/// How kubectl carries exec and attach.
#[derive(Clone, Copy, Debug)]
enum Transport {
    WebSocket,
    Spdy,
}

impl Transport {
    fn env(self) -> (&'static str, &'static str) {
        let on = match self {
            Self::WebSocket => "true",
            Self::Spdy => "false",
        };
        ("KUBECTL_REMOTE_COMMAND_WEBSOCKETS", on)
    }

    /// The method kubectl upgrades: GET for a WebSocket, POST for SPDY.
    fn method(self) -> &'static str {
        match self {
            Self::WebSocket => "GET",
            Self::Spdy => "POST",
        }
    }
}

fn kubectl(sim: &TestSim, transport: Transport, args: &[&str], input: Option<&str>) -> Output {
    let (key, value) = transport.env();
    let mut child = Command::new("kubectl")
        .env(key, value)
        .arg("--kubeconfig")
        .arg(sim.kubeconfig_path())
        .args(args)
        .stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("kubectl runs");
    if let Some(text) = input {
        use std::io::Write as _;
        let mut stdin = child.stdin.take().expect("kubectl's stdin");
        stdin.write_all(text.as_bytes()).expect("input is written");
    }
    child.wait_with_output().expect("kubectl ends")
}

/// kubectl in a pseudo-terminal of 100 x 30.
fn kubectl_in_terminal(sim: &TestSim, transport: Transport, args: &[&str]) -> PtySession {
    let kubeconfig = sim
        .kubeconfig_path()
        .to_str()
        .expect("a UTF-8 path")
        .to_string();
    let mut all = vec!["--kubeconfig", kubeconfig.as_str()];
    all.extend_from_slice(args);
    PtySession::spawn(Path::new("kubectl"), &all, &[transport.env()], 100, 30)
}

/// The exec (or attach) requests the server answered with 101, by method.
fn upgrades(sim: &TestSim, subresource: &str, method: &str) -> usize {
    sim.requests()
        .iter()
        .filter(|r| {
            r.method == method && r.status == 101 && r.path.contains(&format!("/{subresource}"))
        })
        .count()
}

fn exec_without_a_tty(transport: Transport) {
    let sim = TestSim::start();
    let pod = stream_fixtures::first_myapp_pod(&sim);

    let out = kubectl(&sim, transport, &["exec", &pod, "--", "hostname"], None);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), format!("{pod}\n"));

    let out = kubectl(
        &sim,
        transport,
        &["exec", &pod, "--", "sh", "-c", "echo out; exit 3"],
        None,
    );
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert_eq!(stdout(&out), "out\n");
    assert!(
        stderr(&out).contains("command terminated with exit code 3"),
        "{}",
        stderr(&out)
    );

    let out = kubectl(
        &sim,
        transport,
        &["exec", "-i", &pod, "--", "sh"],
        Some("hostname\necho $HOSTNAME\nexit 4\n"),
    );
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert_eq!(stdout(&out), format!("{pod}\n{pod}\n"));

    let out = kubectl(&sim, transport, &["exec", &pod, "--", "/bin/zsh"], None);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.starts_with("error: Internal error occurred: error executing command in container: "),
        "{err}"
    );
    assert!(
        err.contains("exec: \"/bin/zsh\": stat /bin/zsh: no such file or directory: unknown"),
        "{err}"
    );

    assert_eq!(
        upgrades(&sim, "exec", transport.method()),
        4,
        "every exec went over {transport:?}"
    );
}

fn exec_without_a_tty_over_websocket() {
    support::require_kubectl!();
    exec_without_a_tty(Transport::WebSocket);
}

fn exec_without_a_tty_over_spdy() {
    support::require_kubectl!();
    exec_without_a_tty(Transport::Spdy);
}

fn the_viewer_may_not_exec() {
    support::require_kubectl!();
    let sim = TestSim::start();
    let pod = stream_fixtures::first_myapp_pod(&sim);
    let err = sim.kubectl_err(&[
        "--context",
        "kdeck-sim-viewer",
        "exec",
        &pod,
        "--",
        "hostname",
    ]);
    assert!(
        err.contains(&format!("pods \"{pod}\" is forbidden: User \"viewer\" cannot create resource \"pods/exec\" in API group \"\" in the namespace \"default\"")),
        "{err}"
    );
}

fn exec_in_a_terminal(transport: Transport) {
    let sim = TestSim::start();
    let pod = stream_fixtures::first_myapp_pod(&sim);
    let mut term = kubectl_in_terminal(&sim, transport, &["exec", "-it", &pod, "--", "/bin/bash"]);
    let prompt = format!("root@{pod}:/# ");
    term.wait_for_text(&prompt);
    term.type_slowly("stty size\r");
    term.wait_for_text("30 100");
    // kubectl sends the new size on the resize channel; ask until the shell has it.
    term.resize(120, 40);
    wait_until(test_timeout(), "stty size shows 40 120", || {
        term.send("stty size\r");
        std::thread::sleep(std::time::Duration::from_millis(200));
        term.screen().contains("40 120")
    });
    term.type_slowly("hostnamx\x7fe\r");
    term.wait_for_text(&format!("hostname\n{pod}"));
    term.type_slowly("exit 3\r");
    assert_eq!(term.wait_exit(), 3);
    assert!(
        term.screen()
            .contains("command terminated with exit code 3"),
        "{}",
        term.screen()
    );
    assert_eq!(upgrades(&sim, "exec", transport.method()), 1);
}

fn exec_in_a_terminal_over_websocket() {
    support::require_kubectl!();
    exec_in_a_terminal(Transport::WebSocket);
}

fn exec_in_a_terminal_over_spdy() {
    support::require_kubectl!();
    exec_in_a_terminal(Transport::Spdy);
}

fn attach_to_a_shell_and_to_nginx() {
    support::require_kubectl!();
    let sim = TestSim::start();
    sim.kubectl_ok(&[
        "run",
        "box",
        "--image=busybox",
        "--stdin",
        "--tty",
        "--attach=false",
        "--",
        "sh",
    ]);
    let client = sim.block_on(sim.client()).expect("a client");
    sim.block_on(stream_fixtures::wait_running(&client, "box"));
    let mut term = kubectl_in_terminal(&sim, Transport::WebSocket, &["attach", "-it", "box"]);
    term.wait_for_text("If you don't see a command prompt, try pressing enter.");
    term.wait_for_text("/ # ");
    term.type_slowly("hostname\r");
    term.wait_for_text("hostname\nbox\n/ #");
    term.type_slowly("exit\r");
    assert_eq!(term.wait_exit(), 0);
    assert_eq!(upgrades(&sim, "attach", "GET"), 1);

    // nginx's main process takes no input: attaching shows what it writes (its log).
    let pod = stream_fixtures::first_myapp_pod(&sim);
    let mut child = Command::new("kubectl")
        .arg("--kubeconfig")
        .arg(sim.kubeconfig_path())
        .args(["attach", &pod])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("kubectl attach runs");
    let mut out = std::io::BufReader::new(child.stdout.take().expect("stdout"));
    let mut line = String::new();
    std::io::BufRead::read_line(&mut out, &mut line).expect("a line of nginx's output");
    child.kill().expect("kubectl attach is stopped");
    let _ = child.wait();
    assert!(line.contains("\"GET /"), "an access-log line: {line:?}");
}

fn run_rm_it_busybox_then_wget_a_service_three_times() {
    support::require_kubectl!();
    let sim = TestSim::start();
    let client = sim.block_on(sim.client()).expect("a client");
    let myapp = sim.block_on(stream_fixtures::myapp_pods(&client));
    sim.block_on(stream_fixtures::wait_endpoints(&sim, "myapp-svc", 3));
    let mut term = run_rm_it(&sim, "cirros-1234", None, &["sh"]);
    term.wait_for_text("/ # ");
    for i in 1..=3 {
        term.type_slowly("wget -qO- myapp-svc\r");
        wait_until(test_timeout(), &format!("page {i}"), || {
            String::from_utf8_lossy(&term.raw_output())
                .matches("</html>")
                .count()
                == i
        });
    }
    let raw = String::from_utf8_lossy(&term.raw_output()).into_owned();
    let mut served: Vec<&str> = raw
        .split("Served by pod <b>")
        .skip(1)
        .filter_map(|rest| rest.split("</b>").next())
        .collect();
    assert_eq!(served.len(), 3);
    assert!(
        served.iter().all(|p| myapp.iter().any(|m| m == p)),
        "{served:?}"
    );
    served.sort_unstable();
    served.dedup();
    assert!(
        served.len() > 1,
        "three requests went to one pod: {served:?}"
    );
    term.type_slowly("exit\r");
    ended_and_deleted(&sim, &mut term, "cirros-1234");
}

/// `kubectl run NAME --rm -it [--restart=RESTART] --image=busybox -- COMMAND...` in a
/// terminal, over WebSocket.
fn run_rm_it(sim: &TestSim, name: &str, restart: Option<&str>, command: &[&str]) -> PtySession {
    let restart = restart.map(|r| format!("--restart={r}"));
    let mut args = vec!["run", name, "--rm", "-it"];
    args.extend(restart.as_deref());
    args.extend(["--image=busybox", "--"]);
    args.extend_from_slice(command);
    kubectl_in_terminal(sim, Transport::WebSocket, &args)
}

/// `kubectl run --rm` ended with status 0, said it deleted `pod`, and the pod is gone.
fn ended_and_deleted(sim: &TestSim, term: &mut PtySession, pod: &str) {
    assert_eq!(term.wait_exit(), 0, "{}", term.screen());
    assert!(
        term.screen().contains(&format!("pod \"{pod}\" deleted")),
        "{}",
        term.screen()
    );
    wait_until(test_timeout(), "the pod is gone", || {
        sim.store()
            .get_as::<k8s_openapi::api::core::v1::Pod>("default", pod)
            .is_none()
    });
}

fn run_rm_it_with_restart_never_exits_with_the_shells_code() {
    support::require_kubectl!();
    let sim = TestSim::start();
    let mut term = run_rm_it(&sim, "once", Some("Never"), &["sh"]);
    term.wait_for_text("/ # ");
    term.type_slowly("exit 3\r");
    // kubectl waits for the pod to complete, deletes it, and exits with its code.
    assert_eq!(term.wait_exit(), 3, "{}", term.screen());
    assert!(
        term.screen().contains("pod \"once\" deleted"),
        "{}",
        term.screen()
    );
}

/// The pods that served `pages` (the sim's nginx page names its pod).
fn served_by(pages: &str) -> Vec<String> {
    pages
        .split("Served by pod <b>")
        .skip(1)
        .filter_map(|rest| rest.split("</b>").next())
        .map(str::to_string)
        .collect()
}

/// The Service tutorial's session affinity (section 7.2.3): `kubectl patch` to
/// `ClientIP` defaults the three-hour timeout, and a CirrOS client's `for` loop of
/// `curl`s to the ClusterIP reaches one pod; back to `None`, they spread again; a
/// timeout out of range and an unknown affinity are refused with the API server's words.
fn session_affinity_keeps_a_client_on_one_pod() {
    support::require_kubectl!();
    let sim = TestSim::start();
    let client = sim.block_on(sim.client()).expect("a client");
    sim.block_on(stream_fixtures::myapp_pods(&client));
    sim.block_on(stream_fixtures::wait_endpoints(&sim, "myapp-svc", 3));
    let ws = Transport::WebSocket;
    let run = |args: &[&str]| {
        let out = kubectl(&sim, ws, args, None);
        assert!(out.status.success(), "kubectl {args:?}: {}", stderr(&out));
        stdout(&out)
    };
    run(&[
        "run",
        "client",
        "--image=cirros",
        "--restart=Never",
        "--",
        "sleep",
        "3600",
    ]);
    wait_until(test_timeout(), "the client pod runs", || {
        kubectl(
            &sim,
            ws,
            &["get", "pod", "client", "-o", "jsonpath={.status.phase}"],
            None,
        )
        .stdout
            == b"Running"
    });
    let ip = run(&[
        "get",
        "svc",
        "myapp-svc",
        "-o",
        "jsonpath={.spec.clusterIP}",
    ]);
    let loop_of_curls = format!("for loop in 1 2 3 4 5 6; do curl -s http://{ip}:80/; done");
    let spread = |pages: &str| {
        let mut pods = served_by(pages);
        assert_eq!(pods.len(), 6, "{pages}");
        pods.sort();
        pods.dedup();
        pods.len()
    };
    assert!(spread(&run(&["exec", "client", "--", "sh", "-c", &loop_of_curls])) > 1);
    assert_eq!(
        run(&[
            "patch",
            "services",
            "myapp-svc",
            "-p",
            r#"{"spec": {"sessionAffinity": "ClientIP"}}"#
        ]),
        "service/myapp-svc patched\n"
    );
    assert_eq!(
        run(&[
            "get",
            "svc",
            "myapp-svc",
            "-o",
            "jsonpath={.spec.sessionAffinityConfig}"
        ]),
        r#"{"clientIP":{"timeoutSeconds":10800}}"#
    );
    for _ in 0..2 {
        let pages = run(&["exec", "client", "--", "sh", "-c", &loop_of_curls]);
        assert_eq!(spread(&pages), 1, "all to one pod: {:?}", served_by(&pages));
    }
    run(&[
        "patch",
        "services",
        "myapp-svc",
        "-p",
        r#"{"spec": {"sessionAffinity": "None"}}"#,
    ]);
    assert_eq!(
        run(&[
            "get",
            "svc",
            "myapp-svc",
            "-o",
            "jsonpath={.spec.sessionAffinityConfig}"
        ]),
        "",
        "the config goes with the affinity"
    );
    assert!(spread(&run(&["exec", "client", "--", "sh", "-c", &loop_of_curls])) > 1);
    for (patch, message) in [
        (
            r#"{"spec": {"sessionAffinity": "ClientIP", "sessionAffinityConfig": {"clientIP": {"timeoutSeconds": 0}}}}"#,
            "spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 0: must be greater than 0 and less than 86400",
        ),
        (
            r#"{"spec": {"sessionAffinity": "Sticky"}}"#,
            r#"spec.sessionAffinity: Unsupported value: "Sticky": supported values: "ClientIP", "None""#,
        ),
    ] {
        let out = kubectl(
            &sim,
            ws,
            &["patch", "services", "myapp-svc", "-p", patch],
            None,
        );
        assert!(!out.status.success());
        assert!(stderr(&out).contains(message), "{}", stderr(&out));
    }
}

/// `kubectl run --rm -it busybox -- echo hi`: the container's standard input is open, but
/// its main process is not a shell and ends by itself; kubectl comes back and the pod goes.
fn run_rm_it_of_a_command_that_is_not_a_shell_ends_by_itself() {
    support::require_kubectl!();
    let sim = TestSim::start();
    let mut term = run_rm_it(&sim, "echo-1", Some("Never"), &["echo", "hi"]);
    ended_and_deleted(&sim, &mut term, "echo-1");
}

support::conformance_tests![
    run_rm_it_of_a_command_that_is_not_a_shell_ends_by_itself,
    exec_without_a_tty_over_websocket,
    exec_without_a_tty_over_spdy,
    the_viewer_may_not_exec,
    exec_in_a_terminal_over_websocket,
    exec_in_a_terminal_over_spdy,
    attach_to_a_shell_and_to_nginx,
    run_rm_it_busybox_then_wget_a_service_three_times,
    run_rm_it_with_restart_never_exits_with_the_shells_code,
    session_affinity_keeps_a_client_on_one_pod,
];
