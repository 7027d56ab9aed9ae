//! The real `kubectl port-forward` against the embedded cluster, and a page fetched
//! through the local port it listens on.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

use super::{TestSim, test_timeout};

/// A running `kubectl port-forward`; dropping it stops kubectl.
pub struct KubectlForward {
    child: Child,
    /// The local port kubectl listens on.
    pub port: u16,
}

impl KubectlForward {
    /// Waits for kubectl to end by itself (it gives a forward up after an error); what it
    /// wrote on its standard error.
    pub fn stderr_at_exit(&mut self) -> String {
        let mut err = String::new();
        let mut stderr = self.child.stderr.take().expect("kubectl's stderr");
        let _ = self.child.wait();
        stderr.read_to_string(&mut err).expect("stderr is read");
        err
    }
}

impl Drop for KubectlForward {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `kubectl port-forward TARGET :REMOTE` (kubectl picks the local port), SPDY
/// tunneled in a WebSocket when `tunneled` (kubectl's default since 1.31) or upgraded
/// directly, and waits until it listens.
pub fn kubectl_port_forward(
    sim: &TestSim,
    tunneled: bool,
    target: &str,
    remote: u16,
) -> KubectlForward {
    let mut child = Command::new("kubectl")
        .env("KUBECTL_PORT_FORWARD_WEBSOCKETS", tunneled.to_string())
        .arg("--kubeconfig")
        .arg(sim.kubeconfig_path())
        .args(["port-forward", target, &format!(":{remote}")])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("kubectl port-forward runs");
    let mut lines = BufReader::new(child.stdout.take().expect("kubectl's stdout"));
    let mut line = String::new();
    let port = loop {
        line.clear();
        let n = lines
            .read_line(&mut line)
            .expect("kubectl's output is read");
        if n == 0 {
            let mut err = String::new();
            let _ = child.stderr.take().map(|mut e| e.read_to_string(&mut err));
            panic!("kubectl port-forward ended without forwarding: {err}");
        }
        // "Forwarding from 127.0.0.1:41234 -> 80"
        if let Some(rest) = line.strip_prefix("Forwarding from 127.0.0.1:") {
            break rest
                .split(' ')
                .next()
                .and_then(|p| p.parse().ok())
                .expect("a port number");
        }
    };
    // kubectl goes on printing "Handling connection for ..."; nobody needs to read it.
    std::thread::spawn(move || for _ in lines.lines() {});
    KubectlForward { child, port }
}

/// `GET /` to local `port` (User-Agent `kdeck-test`); the whole answer.
pub fn http_get(port: u16) -> String {
    let mut socket = TcpStream::connect(("127.0.0.1", port)).expect("the forward accepts");
    socket
        .set_read_timeout(Some(test_timeout()))
        .expect("a read timeout");
    socket
        .write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\nUser-Agent: kdeck-test\r\nConnection: close\r\n\r\n")
        .expect("the request is sent");
    let mut answer = String::new();
    socket
        .read_to_string(&mut answer)
        .expect("the answer is read");
    answer
}
