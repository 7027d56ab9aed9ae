//! The embedded cluster's HTTP API server: routing, discovery, verbs, watch streams, tables, auth and the request log;
//! exec, attach and port-forward upgrade their connections ([`streams`]).
//!
//! One axum fallback handler ([`routes`]) parses every Kubernetes path itself:
//! the URL space (`/api/v1/namespaces/NS/pods/NAME/log`, the `/kdeck-auth/TOKEN`
//! prefix) is easier to read as one parser than as dozens of axum routes.

pub mod access_review;
pub mod auth;
pub mod convert;
pub mod delete;
pub mod discovery;
pub mod list;
pub mod openapi;
pub mod patch;
pub mod protobuf;
pub mod request_log;
pub mod routes;
pub mod selectors;
pub mod shown_time;
pub mod streams;
pub mod subresources;
pub mod table;
pub mod validate;
pub mod watch;
pub mod wire;
pub mod write;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context as _;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use self::auth::Users;
use self::request_log::RequestLog;
use super::store::Store;

/// What every request handler reads: the store, the users, the request log and the watch cancellation.
pub struct ServerState {
    /// The objects.
    pub store: Arc<Store>,
    /// The known bearer tokens.
    pub users: Users,
    /// Every request served, for tests (kept across restarts).
    pub log: Arc<RequestLog>,
    /// Cancelled when the server stops.
    shutdown: CancellationToken,
    /// Cancelled (and replaced) to drop every open watch stream.
    watches: Mutex<CancellationToken>,
    /// How often a watch with `allowWatchBookmarks` gets a BOOKMARK event.
    pub bookmark_interval: Duration,
}

impl ServerState {
    /// A token cancelled when open watches must end (server stop or [`ApiServer::disconnect_watches`]).
    pub fn watch_token(&self) -> CancellationToken {
        self.watches
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }
}

/// A running API server; dropping it stops it.
pub struct ApiServer {
    state: Arc<ServerState>,
    addr: SocketAddr,
    task: Option<JoinHandle<()>>,
}

impl ApiServer {
    /// Binds `addr` and serves the store until [`ApiServer::stop`].
    pub async fn start(store: Arc<Store>, users: Users, addr: SocketAddr) -> anyhow::Result<Self> {
        Self::serve(store, users, addr, Arc::default()).await
    }

    async fn serve(
        store: Arc<Store>,
        users: Users,
        addr: SocketAddr,
        log: Arc<RequestLog>,
    ) -> anyhow::Result<Self> {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("cannot listen on {addr}"))?;
        let addr = listener
            .local_addr()
            .context("cannot read the listening address")?;
        let shutdown = CancellationToken::new();
        let state = Arc::new(ServerState {
            store,
            users,
            log,
            watches: Mutex::new(shutdown.child_token()),
            shutdown: shutdown.clone(),
            bookmark_interval: Duration::from_secs(1),
        });
        let app = routes::router(state.clone());
        let task = tokio::spawn(async move {
            let serve = axum::serve(listener, app)
                .with_graceful_shutdown(async move { shutdown.cancelled().await });
            if let Err(e) = serve.await {
                tracing::error!("the embedded API server stopped: {e}");
            }
        });
        Ok(Self {
            state,
            addr,
            task: Some(task),
        })
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The shared state (store, users, request log).
    pub fn state(&self) -> &Arc<ServerState> {
        &self.state
    }

    /// Ends every open watch stream now; clients see the stream close and reconnect.
    pub fn disconnect_watches(&self) {
        let mut current = self
            .state
            .watches
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        current.cancel();
        *current = self.state.shutdown.child_token();
    }

    /// Serves again after [`ApiServer::stop`], as an API server process restarted against
    /// the same etcd: the same address, the same objects (resourceVersions carry on, so
    /// watches may resume or get 410 Gone), the same request log.
    pub async fn serve_again(&mut self) -> anyhow::Result<()> {
        let state = self.state.clone();
        *self = Self::serve(
            state.store.clone(),
            state.users.clone(),
            self.addr,
            state.log.clone(),
        )
        .await?;
        Ok(())
    }

    /// Stops serving and waits for the server task to end (open streams are cut).
    pub async fn stop(&mut self) {
        self.state.shutdown.cancel();
        if let Some(task) = self.task.take() {
            // Graceful shutdown waits for open connections; bound the wait.
            let _ = tokio::time::timeout(Duration::from_secs(5), task).await;
        }
    }
}

impl Drop for ApiServer {
    fn drop(&mut self) {
        self.state.shutdown.cancel();
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}
