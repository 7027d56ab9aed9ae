//! `pods/exec`, `pods/attach` and `pods/portforward`: the requests that turn into
//! streams, served as kube-apiserver and the kubelet serve them, in every protocol
//! real clients use:
//! - exec and attach over WebSocket, `v5.channel.k8s.io` (from release 1.30) or
//!   `v4.channel.k8s.io` ([`channels`]: kubectl since 1.30, kube-rs), or over SPDY/3.1 with
//!   `v4.channel.k8s.io` ([`spdy_exec`]: kubectl's fallback);
//! - port-forward over WebSocket with `v4.channel.k8s.io` ([`ws_port_forward`]:
//!   kube-rs), over SPDY tunneled in a WebSocket (`SPDY/3.1+portforward.k8s.io`,
//!   [`ws_tunnel`]: kubectl since 1.31) or directly upgraded ([`spdy_port_forward`]).
//!
//! What runs is the [`shell`](crate::sim::shell) stand-in; what a port answers comes
//! from [`pod_network`](crate::sim::pod_network). The request's checks (the pod,
//! its container, the options) answer before the upgrade, as errors the clients show.

pub mod channels;
pub mod spdy;
pub mod spdy_exec;
pub mod spdy_port_forward;
pub mod upgrade;
pub mod ws_port_forward;
pub mod ws_tunnel;

use std::fmt::Write as _;
use std::future::Future;
use std::sync::Arc;

use axum::response::Response;
use futures::future::BoxFuture;
use k8s_openapi::api::core::v1::Pod;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::protocol::Role;

use self::upgrade::{Connection, Requested, negotiate};
use super::routes::ApiRequest;
use crate::sim::api_error::{ApiError, ApiResult};
use crate::sim::pod_network::http::container_on_port;
use crate::sim::pod_network::http_connection::ForwardedPort;
use crate::sim::shell::main_process::{attach_output, attach_shell};
use crate::sim::shell::{Context, Ending, ProcessIo, TerminalSize, session};

/// The exec channel protocols, newest first.
pub const V5: &str = "v5.channel.k8s.io";
/// The exec channel protocol before the close signal.
pub const V4: &str = "v4.channel.k8s.io";
/// The SPDY port-forward protocol.
pub const PORT_FORWARD: &str = "portforward.k8s.io";
/// The WebSocket subprotocol that tunnels SPDY port-forward.
pub const TUNNELED_PORT_FORWARD: &str = "SPDY/3.1+portforward.k8s.io";

/// The streams a client asked for.
#[expect(
    clippy::struct_excessive_bools,
    reason = "the four stream flags of the request, as the API names them"
)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Wanted {
    /// Standard input.
    pub stdin: bool,
    /// Standard output.
    pub stdout: bool,
    /// Standard error (never with a TTY: it goes to standard output).
    pub stderr: bool,
    /// A terminal (and its resize channel).
    pub tty: bool,
}

/// What runs once the streams are up.
pub type Process = Box<dyn FnOnce(ProcessIo) -> BoxFuture<'static, Ending> + Send>;

/// Reads resize messages, JSON objects one after another, from bytes in any chunks.
#[derive(Default)]
pub struct ResizeDecoder {
    pending: Vec<u8>,
}

impl ResizeDecoder {
    /// The sizes completed by `chunk`.
    pub fn feed(&mut self, chunk: &[u8]) -> Vec<TerminalSize> {
        self.pending.extend_from_slice(chunk);
        let mut sizes = Vec::new();
        let mut objects =
            serde_json::Deserializer::from_slice(&self.pending).into_iter::<TerminalSize>();
        let mut used = 0;
        loop {
            match objects.next() {
                Some(Ok(size)) => {
                    sizes.push(size);
                    used = objects.byte_offset();
                }
                Some(Err(e)) if e.is_eof() => break,
                // Garbage is dropped, as the kubelet's decoder stops on it.
                Some(Err(_)) | None => {
                    used = self.pending.len();
                    break;
                }
            }
        }
        self.pending.drain(..used);
        sizes
    }
}

/// The kubelet's message when nothing in the pod listens on the port, if so.
pub fn refused_message(target: &ForwardedPort) -> Option<String> {
    let pod: Option<Pod> = target.store.get_as(&target.namespace, &target.pod);
    if pod
        .as_ref()
        .is_some_and(|p| container_on_port(p, target.port).is_some())
    {
        return None;
    }
    let uid = pod.and_then(|p| p.metadata.uid).unwrap_or_default();
    let port = target.port;
    Some(format!(
        "error forwarding port {port} to pod {uid}, uid : failed to execute portforward in network namespace \
         \"/var/run/netns/cni-{uid}\": failed to connect to localhost:{port} inside namespace \"{uid}\", \
         IPv4: dial tcp4 127.0.0.1:{port}: connect: connection refused IPv6 dial tcp6 [::1]:{port}: \
         connect: connection refused "
    ))
}

/// Serves `.../pods/NAME/{exec,attach,portforward}`.
pub fn serve(req: &ApiRequest, sub: &str) -> ApiResult<Response> {
    let name = req.name()?;
    let namespace = req.namespace().unwrap_or_default();
    let pod: Pod = req
        .state
        .store
        .get_as(namespace, name)
        .ok_or_else(|| ApiError::not_found(req.path.rt, name))?;
    let requested = upgrade::requested(&req.headers)
        .ok_or_else(|| ApiError::bad_request("Upgrade request required"))?;
    if pod
        .spec
        .as_ref()
        .and_then(|s| s.node_name.as_deref())
        .is_none()
    {
        return Err(ApiError::bad_request(format!(
            "pod {name} does not have a host assigned"
        )));
    }
    if sub == "portforward" {
        port_forward(req, &pod, requested)
    } else {
        exec_or_attach(req, sub == "exec", pod, requested)
    }
}

/// Runs `session` on the upgraded connection once hyper hands it over; the server's
/// stop ends it.
fn spawn_session<F, Fut>(req: &ApiRequest, session: F) -> ApiResult<()>
where
    F: FnOnce(Connection) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let on_upgrade = req
        .upgrade
        .take()
        .ok_or_else(|| ApiError::bad_request("the connection cannot be upgraded"))?;
    let stop = req.state.shutdown.clone();
    tokio::spawn(async move {
        let Some(connection) = upgrade::connection(on_upgrade).await else {
            return;
        };
        tokio::select! {
            () = session(connection) => {}
            () = stop.cancelled() => {}
        }
    });
    Ok(())
}

/// The close frame with code 1000: client-go reads anything else (even no code) as an error.
pub fn normal_close() -> tokio_tungstenite::tungstenite::Message {
    use tokio_tungstenite::tungstenite::protocol::CloseFrame;
    use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
    tokio_tungstenite::tungstenite::Message::Close(Some(CloseFrame {
        code: CloseCode::Normal,
        reason: "".into(),
    }))
}

async fn websocket(connection: Connection) -> WebSocketStream<Connection> {
    WebSocketStream::from_raw_socket(connection, Role::Server, None).await
}

fn no_protocol(client: &[String], server: &[&str]) -> ApiError {
    let mut e = ApiError::bad_request(format!(
        "unable to upgrade: unable to negotiate protocol: client supports {client:?}, server supports {server:?}"
    ));
    e.code = 403;
    e.reason = "Forbidden";
    e
}

/// The container named, or the only one, as kube-apiserver picks it.
fn pick_container(pod: &Pod, asked: Option<&String>) -> ApiResult<String> {
    let name = pod.metadata.name.as_deref().unwrap_or_default();
    let names = |init: bool| -> Vec<String> {
        let spec = pod.spec.as_ref();
        let list = if init {
            spec.and_then(|s| s.init_containers.clone())
                .unwrap_or_default()
        } else {
            spec.map(|s| s.containers.clone()).unwrap_or_default()
        };
        list.into_iter().map(|c| c.name).collect()
    };
    let (containers, init) = (names(false), names(true));
    match asked {
        Some(c) if containers.contains(c) || init.contains(c) => Ok(c.clone()),
        Some(c) => Err(ApiError::bad_request(format!(
            "container {c} is not valid for pod {name}"
        ))),
        None if containers.len() == 1 => Ok(containers[0].clone()),
        None => {
            let mut message = format!(
                "a container name must be specified for pod {name}, choose one of: [{}]",
                containers.join(" ")
            );
            if !init.is_empty() {
                let _ = write!(
                    message,
                    " or one of the init containers: [{}]",
                    init.join(" ")
                );
            }
            Err(ApiError::bad_request(message))
        }
    }
}

fn exec_or_attach(
    req: &ApiRequest,
    exec: bool,
    pod: Pod,
    requested: Requested,
) -> ApiResult<Response> {
    let flag = |key: &str| {
        matches!(
            req.upgrade.values(key).last().map(String::as_str),
            Some("1" | "true" | "True")
        )
    };
    let tty = flag("tty");
    let wanted = Wanted {
        stdin: flag("stdin"),
        stdout: flag("stdout"),
        // With a TTY, standard error is standard output (the kubelet drops the stream).
        stderr: flag("stderr") && !tty,
        tty,
    };
    if !(wanted.stdin || wanted.stdout || wanted.stderr) {
        return Err(ApiError::bad_request(
            "you must specify at least 1 of stdin, stdout, stderr",
        ));
    }
    let container = pick_container(&pod, req.upgrade.values("container").last())?;
    let running = pod
        .status
        .as_ref()
        .and_then(|s| s.container_statuses.as_ref())
        .into_iter()
        .flatten()
        .any(|c| c.name == container && c.state.as_ref().is_some_and(|s| s.running.is_some()));
    if !running {
        return Err(ApiError::bad_request(format!(
            "container not found (\"{container}\")"
        )));
    }
    let command = req.upgrade.values("command");
    if exec && command.is_empty() {
        return Err(ApiError::bad_request(
            "you must specify at least one command for the container",
        ));
    }
    let ctx = Arc::new(
        Context::new(req.state.store.clone(), pod, &container).ok_or_else(|| {
            ApiError::bad_request(format!("container not found (\"{container}\")"))
        })?,
    );
    let process: Process = if exec {
        let argv = command.clone();
        Box::new(move |io| Box::pin(session::run(ctx, argv, io, tty)))
    } else if ctx.main_is_shell() && ctx.container.stdin == Some(true) {
        let stdin_once = ctx.container.stdin_once == Some(true);
        let shell_tty = ctx.container.tty == Some(true);
        Box::new(move |io| {
            let (shell, output) = ctx
                .store
                .runtime()
                .main_shells
                .get_or_start(ctx.clone(), shell_tty);
            Box::pin(attach_shell(shell, output, io, stdin_once))
        })
    } else {
        Box::new(move |io| Box::pin(attach_output(ctx, io, tty)))
    };
    match requested {
        Requested::WebSocket { key, protocols } => {
            let served = upgrade::exec_websocket_protocols(req.state.store.registry().release());
            let protocol =
                negotiate(&protocols, served).ok_or_else(|| no_protocol(&protocols, served))?;
            let v5 = protocol == V5;
            spawn_session(req, move |connection| async move {
                channels::serve(websocket(connection).await, v5, wanted, process, command).await;
            })?;
            Ok(upgrade::websocket_accepted(&key, &protocol))
        }
        Requested::Spdy { protocols } => {
            let protocol =
                negotiate(&protocols, &[V4]).ok_or_else(|| no_protocol(&protocols, &[V4]))?;
            spawn_session(req, move |connection| async move {
                spdy_exec::serve(spdy::Session::start(connection), wanted, process, command).await;
            })?;
            Ok(upgrade::spdy_accepted(&protocol))
        }
    }
}

fn port_forward(req: &ApiRequest, pod: &Pod, requested: Requested) -> ApiResult<Response> {
    let target = ForwardedPort {
        store: req.state.store.clone(),
        namespace: pod.metadata.namespace.clone().unwrap_or_default(),
        pod: pod.metadata.name.clone().unwrap_or_default(),
        port: 0,
    };
    match requested {
        Requested::WebSocket { key, protocols }
            if protocols.iter().any(|p| p == TUNNELED_PORT_FORWARD)
                && upgrade::tunnels_port_forward(req.state.store.registry().release()) =>
        {
            spawn_session(req, move |connection| async move {
                let bytes = ws_tunnel::byte_stream(websocket(connection).await);
                spdy_port_forward::serve(spdy::Session::start(bytes), target).await;
            })?;
            Ok(upgrade::websocket_accepted(&key, TUNNELED_PORT_FORWARD))
        }
        Requested::WebSocket { key, protocols } => {
            let protocol =
                negotiate(&protocols, &[V4]).ok_or_else(|| no_protocol(&protocols, &[V4]))?;
            let mut ports = Vec::new();
            for value in req.upgrade.values("ports") {
                for p in value.split(',').filter(|p| !p.is_empty()) {
                    ports.push(p.trim().parse::<u16>().map_err(|_| {
                        ApiError::bad_request(format!(
                            "unable to parse \"{p}\" as a port: invalid syntax"
                        ))
                    })?);
                }
            }
            if ports.is_empty() {
                return Err(ApiError::bad_request(
                    "query parameter \"port\" is required",
                ));
            }
            spawn_session(req, move |connection| async move {
                ws_port_forward::serve(websocket(connection).await, ports, &target).await;
            })?;
            Ok(upgrade::websocket_accepted(&key, &protocol))
        }
        Requested::Spdy { protocols } => {
            let protocol = negotiate(&protocols, &[PORT_FORWARD])
                .ok_or_else(|| no_protocol(&protocols, &[PORT_FORWARD]))?;
            spawn_session(req, move |connection| async move {
                spdy_port_forward::serve(spdy::Session::start(connection), target).await;
            })?;
            Ok(upgrade::spdy_accepted(&protocol))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resize_messages_are_read_across_chunks() {
        let mut decoder = ResizeDecoder::default();
        assert!(decoder.feed(br#"{"Width":100,"#).is_empty());
        let sizes = decoder.feed(br#""Height":30}{"Width":80,"Height":24}"#);
        assert_eq!(
            sizes,
            [
                TerminalSize {
                    width: 100,
                    height: 30
                },
                TerminalSize {
                    width: 80,
                    height: 24
                }
            ]
        );
    }
}
