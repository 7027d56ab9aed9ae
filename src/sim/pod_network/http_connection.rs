//! HTTP/1.1 over a forwarded byte stream: requests parsed as they arrive in chunks,
//! each answered by the pod's server ([`super::http::answer`]), with keep-alive as
//! HTTP/1.1 has it (`Connection: close`, or HTTP/1.0, ends the connection).

use std::sync::Arc;

use bytes::Bytes;
use k8s_openapi::api::core::v1::Pod;
use tokio::sync::mpsc;

use super::http::{Answer, Request, answer};
use crate::sim::store::Store;

/// Request heads larger than this are refused (nginx's default is smaller).
const MAX_HEAD: usize = 64 * 1024;

/// A pod's port reached through a port-forward.
#[derive(Clone)]
pub struct ForwardedPort {
    /// The objects (the pod is read at each request: it may go away).
    pub store: Arc<Store>,
    /// The pod's namespace.
    pub namespace: String,
    /// The pod.
    pub pod: String,
    /// The container port.
    pub port: u16,
}

/// One parsed request head, with how the connection goes on after it.
struct Head {
    request: Request,
    keep_alive: bool,
    body_len: usize,
}

/// Serves the requests arriving on `input`, answering on `output`, until the client
/// stops sending, a request or answer closes the connection, or the pod goes.
pub async fn serve(
    target: &ForwardedPort,
    mut input: mpsc::Receiver<Bytes>,
    output: mpsc::Sender<Bytes>,
) {
    let mut buffer: Vec<u8> = Vec::new();
    loop {
        match parse_head(&buffer) {
            Parsed::Complete(head, head_len) => {
                if buffer.len() < head_len + head.body_len {
                    match input.recv().await {
                        Some(chunk) => buffer.extend_from_slice(&chunk),
                        None => return,
                    }
                    continue;
                }
                buffer.drain(..head_len + head.body_len);
                let Some(pod) = target.store.get_as::<Pod>(&target.namespace, &target.pod) else {
                    return;
                };
                let Some(answer) = answer(&target.store, &pod, target.port, &head.request) else {
                    return;
                };
                let clock = target.store.clock();
                let bytes = answer.to_http(
                    clock.shown(clock.now()),
                    head.keep_alive,
                    head.request.method == "HEAD",
                );
                if output.send(Bytes::from(bytes)).await.is_err() || !head.keep_alive {
                    return;
                }
            }
            Parsed::Incomplete if buffer.len() <= MAX_HEAD => match input.recv().await {
                Some(chunk) => buffer.extend_from_slice(&chunk),
                None => return,
            },
            Parsed::Incomplete | Parsed::Invalid => {
                let bad = Answer {
                    status: 400,
                    server: None,
                    content_type: "text/html",
                    body: "<html><head><title>400 Bad Request</title></head></html>\r\n".into(),
                };
                let clock = target.store.clock();
                let _ = output
                    .send(Bytes::from(bad.to_http(
                        clock.shown(clock.now()),
                        false,
                        false,
                    )))
                    .await;
                return;
            }
        }
    }
}

enum Parsed {
    /// A head and its length in bytes (body not included).
    Complete(Head, usize),
    Incomplete,
    Invalid,
}

fn parse_head(buffer: &[u8]) -> Parsed {
    let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") else {
        return Parsed::Incomplete;
    };
    let Ok(text) = std::str::from_utf8(&buffer[..end]) else {
        return Parsed::Invalid;
    };
    let mut lines = text.split("\r\n");
    let mut first = lines.next().unwrap_or_default().split(' ');
    let (Some(method), Some(path), Some(version)) = (first.next(), first.next(), first.next())
    else {
        return Parsed::Invalid;
    };
    if !version.starts_with("HTTP/1.") || method.is_empty() || !path.starts_with('/') {
        return Parsed::Invalid;
    }
    let mut user_agent = String::from("-");
    let mut connection = None;
    let mut body_len = 0;
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            return Parsed::Invalid;
        };
        let value = value.trim();
        match name.trim().to_ascii_lowercase().as_str() {
            "user-agent" => user_agent = value.to_string(),
            "connection" => connection = Some(value.to_ascii_lowercase()),
            "content-length" => match value.parse() {
                Ok(n) => body_len = n,
                Err(_) => return Parsed::Invalid,
            },
            _ => {}
        }
    }
    let keep_alive = match connection.as_deref() {
        Some("close") => false,
        Some("keep-alive") => true,
        _ => version == "HTTP/1.1",
    };
    let head = Head {
        request: Request {
            method: method.to_string(),
            path: path.to_string(),
            user_agent,
            // A forwarded connection reaches the pod from inside its own network namespace.
            client_ip: "127.0.0.1".into(),
        },
        keep_alive,
        body_len,
    };
    Parsed::Complete(head, end + 4)
}
