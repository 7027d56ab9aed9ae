//! Port-forwards that run in the background, natively through kube-rs: a local
//! listener (127.0.0.1 by default; the remote port's number when it is free, else a
//! free one), one kube-rs port-forward stream per accepted connection, bytes copied
//! both ways and counted, and every change of state reported on a channel
//! (listening, a connection opened or closed, the pod gone, an error, stopped).
//! Stopping closes the listener; when [`PortForward::stop`] returns the port is free.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use futures::{FutureExt as _, StreamExt as _};
use k8s_openapi::api::core::v1::Pod;
use kube::Api;
use kube::runtime::{WatchStreamExt as _, watcher};
use tokio::io::{AsyncRead, AsyncReadExt as _, AsyncWrite, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::Permit;

/// What to forward.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ForwardSpec {
    /// The pod's namespace.
    pub namespace: String,
    /// The pod.
    pub pod: String,
    /// The container port.
    pub remote_port: u16,
    /// The local address to listen on (127.0.0.1 unless the user chose another).
    pub address: IpAddr,
    /// The local port: `None` for the remote port's number if free, else a free one;
    /// `Some(0)` for any free port.
    pub local_port: Option<u16>,
}

impl ForwardSpec {
    /// Forwards `remote_port` of `pod` to the same port on 127.0.0.1 (or a free one).
    pub fn new(namespace: &str, pod: &str, remote_port: u16) -> Self {
        Self {
            namespace: namespace.to_string(),
            pod: pod.to_string(),
            remote_port,
            address: IpAddr::V4(Ipv4Addr::LOCALHOST),
            local_port: None,
        }
    }
}

/// A change in a forward's life.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ForwardEvent {
    /// The local listener is up at this address.
    Listening(SocketAddr),
    /// A local client connected (its number within this forward).
    ConnectionOpened(u64),
    /// That connection ended.
    ConnectionClosed(u64),
    /// The pod is gone: the forward has stopped.
    PodGone,
    /// A connection failed with the server's or the network's message.
    Error(String),
    /// The forward has stopped; its port is closed.
    Stopped,
}

/// A forward's counters at one moment.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ForwardStats {
    /// Bytes received from the pod.
    pub bytes_in: u64,
    /// Bytes sent to the pod.
    pub bytes_out: u64,
    /// Connections accepted so far.
    pub connections: u64,
    /// Connections open now.
    pub open: u64,
}

#[derive(Default)]
struct Counters {
    bytes_in: AtomicU64,
    bytes_out: AtomicU64,
    connections: AtomicU64,
    open: AtomicU64,
}

/// Why a forward could not start.
#[derive(Debug, thiserror::Error)]
pub enum ForwardError {
    /// The local address could not be listened on.
    #[error("cannot listen on {address}: {source}")]
    Listen {
        /// The address tried.
        address: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// The pod cannot be forwarded to (missing, not running, forbidden).
    #[error("{0}")]
    Pod(String),
}

/// A running forward; dropping it stops it (without waiting).
pub struct PortForward {
    local: SocketAddr,
    counters: Arc<Counters>,
    stop: CancellationToken,
    task: Option<tokio::task::JoinHandle<()>>,
}

/// Listens on `address`: on `local` if given (0: any free port), else on `remote`'s
/// number when it is free, else on a free port.
pub async fn listen(
    address: IpAddr,
    remote: u16,
    local: Option<u16>,
) -> Result<TcpListener, ForwardError> {
    let bind = |port: u16| async move {
        let at = SocketAddr::new(address, port);
        TcpListener::bind(at)
            .await
            .map_err(|source| ForwardError::Listen {
                address: at,
                source,
            })
    };
    match local {
        Some(port) => bind(port).await,
        None => match bind(remote).await {
            Ok(listener) => Ok(listener),
            // Taken, or below 1024 without the right: any free port will do.
            Err(_) => bind(0).await,
        },
    }
}

impl PortForward {
    /// Starts forwarding: checks the pod runs, listens, reports `Listening` on `events`.
    pub async fn start(
        permit: &Permit,
        spec: ForwardSpec,
        events: mpsc::UnboundedSender<ForwardEvent>,
    ) -> Result<Self, ForwardError> {
        let pods: Api<Pod> = Api::namespaced(permit.client().clone(), &spec.namespace);
        let pod = pods.get(&spec.pod).await.map_err(|e| match e {
            kube::Error::Api(status) => ForwardError::Pod(status.message),
            other => ForwardError::Pod(other.to_string()),
        })?;
        let phase = pod.status.and_then(|s| s.phase).unwrap_or_default();
        if phase != "Running" {
            return Err(ForwardError::Pod(format!(
                "unable to forward port because pod is not running. Current status={phase}"
            )));
        }
        let listener = listen(spec.address, spec.remote_port, spec.local_port).await?;
        let local = listener
            .local_addr()
            .map_err(|source| ForwardError::Listen {
                address: SocketAddr::new(spec.address, 0),
                source,
            })?;
        let _ = events.send(ForwardEvent::Listening(local));
        let counters = Arc::new(Counters::default());
        let stop = CancellationToken::new();
        let task = tokio::spawn(run(
            pods,
            spec,
            listener,
            counters.clone(),
            stop.clone(),
            events,
        ));
        Ok(Self {
            local,
            counters,
            stop,
            task: Some(task),
        })
    }

    /// The local address clients connect to.
    pub fn local_addr(&self) -> SocketAddr {
        self.local
    }

    /// The counters now.
    pub fn stats(&self) -> ForwardStats {
        let c = &self.counters;
        ForwardStats {
            bytes_in: c.bytes_in.load(Ordering::Relaxed),
            bytes_out: c.bytes_out.load(Ordering::Relaxed),
            connections: c.connections.load(Ordering::Relaxed),
            open: c.open.load(Ordering::Relaxed),
        }
    }

    /// Whether the forward has stopped by itself (the pod went).
    pub fn is_finished(&self) -> bool {
        self.task
            .as_ref()
            .is_none_or(tokio::task::JoinHandle::is_finished)
    }

    /// Stops: closes the listener and the open connections, and waits until they are.
    pub async fn stop(mut self) {
        self.stop.cancel();
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for PortForward {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

/// Until the pod is deleted (or the watch cannot tell, in which case never).
async fn pod_gone(pods: Api<Pod>, name: String) {
    let config = watcher::Config::default().fields(&format!("metadata.name={name}"));
    // With a backoff: a watcher retries at once after an error, so without one a server
    // that went away made this a busy loop that never yielded.
    let mut events = watcher(pods, config).default_backoff().boxed();
    let mut seen_during_init = false;
    while let Some(event) = events.next().await {
        match event {
            Ok(watcher::Event::Delete(_)) => return,
            Ok(watcher::Event::Init) => seen_during_init = false,
            Ok(watcher::Event::InitApply(_)) => seen_during_init = true,
            Ok(watcher::Event::InitDone) if !seen_during_init => return,
            _ => {}
        }
    }
    std::future::pending::<()>().await;
}

async fn run(
    pods: Api<Pod>,
    spec: ForwardSpec,
    listener: TcpListener,
    counters: Arc<Counters>,
    stop: CancellationToken,
    events: mpsc::UnboundedSender<ForwardEvent>,
) {
    let gone = pod_gone(pods.clone(), spec.pod.clone());
    tokio::pin!(gone);
    let mut connections = tokio::task::JoinSet::new();
    loop {
        tokio::select! {
            () = stop.cancelled() => break,
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            () = &mut gone => {
                let _ = events.send(ForwardEvent::PodGone);
                break;
            }
            accepted = listener.accept() => {
                let Ok((socket, _)) = accepted else { continue };
                let id = counters.connections.fetch_add(1, Ordering::Relaxed) + 1;
                counters.open.fetch_add(1, Ordering::Relaxed);
                let _ = events.send(ForwardEvent::ConnectionOpened(id));
                let (pods, spec, counters, events, stop) =
                    (pods.clone(), spec.clone(), counters.clone(), events.clone(), stop.clone());
                connections.spawn(async move {
                    tokio::select! {
                        result = connection(&pods, &spec, socket, &counters) => {
                            if let Err(message) = result {
                                let _ = events.send(ForwardEvent::Error(message));
                            }
                        }
                        () = stop.cancelled() => {}
                    }
                    counters.open.fetch_sub(1, Ordering::Relaxed);
                    let _ = events.send(ForwardEvent::ConnectionClosed(id));
                });
            }
        }
    }
    drop(listener);
    stop.cancel();
    while connections.join_next().await.is_some() {}
    let _ = events.send(ForwardEvent::Stopped);
}

/// One local connection forwarded until either side ends it.
async fn connection(
    pods: &Api<Pod>,
    spec: &ForwardSpec,
    socket: TcpStream,
    counters: &Counters,
) -> Result<(), String> {
    let mut forwarder = pods
        .portforward(&spec.pod, &[spec.remote_port])
        .await
        .map_err(|e| match e {
            kube::Error::Api(status) => status.message,
            other => other.to_string(),
        })?;
    let remote = forwarder
        .take_stream(spec.remote_port)
        .ok_or("the forward has no stream for the port")?;
    let error = forwarder
        .take_error(spec.remote_port)
        .ok_or("the forward has no error channel for the port")?;
    let (local_read, local_write) = socket.into_split();
    let (remote_read, remote_write) = tokio::io::split(remote);
    let copying = async {
        tokio::join!(
            copy(local_read, remote_write, &counters.bytes_out),
            copy(remote_read, local_write, &counters.bytes_in),
        )
    };
    tokio::pin!(error);
    let failed = tokio::select! {
        biased;
        Some(message) = &mut error => Some(message),
        // The server's error comes before it closes: one may be waiting already.
        _ = copying => error.now_or_never().flatten(),
    };
    match failed {
        Some(message) => {
            forwarder.abort();
            Err(message)
        }
        None => Ok(()),
    }
}

/// Copies until the end of `from`, then ends `to`, counting the bytes.
async fn copy(
    mut from: impl AsyncRead + Unpin,
    mut to: impl AsyncWrite + Unpin,
    count: &AtomicU64,
) {
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        match from.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                if to.write_all(&buf[..n]).await.is_err() {
                    break;
                }
                count.fetch_add(n as u64, Ordering::Relaxed);
            }
        }
    }
    let _ = to.shutdown().await;
}
