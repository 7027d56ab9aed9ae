//! The clients of one connection, which can be made again: when the server rejects the
//! credentials (401), the kubeconfig is read again and its clients built anew, which
//! runs an exec credential plugin again, as kubectl does on a 401. A changed kubeconfig
//! file is noticed without a request (its modification time), so a fixed token is tried
//! at once.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{PoisonError, RwLock};
use std::time::{Duration, Instant, SystemTime};

use anyhow::Context as _;
use kube::config::KubeConfigOptions;

use super::ReadonlyLayer;
use super::kubeconfig::LoadedKubeconfig;

mod proxy;
mod renewal;
mod stack;
mod user_agent;

pub use renewal::{Attempt, CredentialsRejected};

/// How often a kubeconfig file is looked at while credentials are rejected.
const KUBECONFIG_POLL: Duration = Duration::from_secs(2);

/// The clients of one generation.
#[derive(Clone)]
struct Clients {
    /// Reads: wrapped in the read-only layer in every mode.
    reader: kube::Client,
    /// Changes: `None` in a read-only session.
    writer: Option<kube::Client>,
    /// Bumped each time the clients are built again.
    generation: u64,
}

/// What the connection was made from, and its clients.
pub struct Connection {
    kubeconfig: Option<PathBuf>,
    context: String,
    readonly: bool,
    /// The kubeconfig files and their modification times when last read.
    sources: RwLock<Vec<(PathBuf, Option<SystemTime>)>>,
    clients: RwLock<Clients>,
    /// Held while the clients are built again, so one 401 seen by many watches renews once.
    renewing: tokio::sync::Mutex<()>,
    /// When the clients were last built again.
    renewed_at: RwLock<Option<Instant>>,
    /// One more than the newest generation whose credentials the server took (0: none).
    accepted_below: AtomicU64,
}

/// What [`Connection::open`] found out besides the clients.
pub struct Opened {
    /// The connection.
    pub connection: Connection,
    /// The context's namespace, else `default`.
    pub namespace: String,
    /// The API server URL, without a trailing `/`.
    pub server: String,
}

impl Connection {
    /// Reads the kubeconfig (`kubeconfig`, else `$KUBECONFIG` merged, else
    /// `~/.kube/config`), chooses `context` (else the current one) and builds the clients.
    pub async fn open(
        kubeconfig: Option<PathBuf>,
        context: Option<&str>,
        readonly: bool,
    ) -> anyhow::Result<Opened> {
        let loaded = LoadedKubeconfig::load(kubeconfig.as_deref())?;
        let context = loaded.choose_context(context)?;
        let (config, sources) = config_of(loaded, &context).await?;
        let namespace = config.default_namespace.clone();
        let server = config
            .cluster_url
            .to_string()
            .trim_end_matches('/')
            .to_owned();
        let (reader, writer) = build(&config, readonly, &context)?;
        let connection = Self {
            kubeconfig,
            context,
            readonly,
            sources: RwLock::new(stamped(sources)),
            clients: RwLock::new(Clients {
                reader,
                writer,
                generation: 0,
            }),
            renewing: tokio::sync::Mutex::new(()),
            renewed_at: RwLock::new(None),
            accepted_below: AtomicU64::new(0),
        };
        Ok(Opened {
            connection,
            namespace,
            server,
        })
    }

    /// A connection over given clients, for unit tests (nothing to renew from).
    #[cfg(test)]
    pub(crate) fn of_clients(reader: kube::Client, writer: Option<kube::Client>) -> Self {
        Self {
            kubeconfig: None,
            context: "test".to_owned(),
            readonly: writer.is_none(),
            sources: RwLock::new(Vec::new()),
            clients: RwLock::new(Clients {
                reader,
                writer,
                generation: 0,
            }),
            renewing: tokio::sync::Mutex::new(()),
            renewed_at: RwLock::new(None),
            accepted_below: AtomicU64::new(0),
        }
    }

    /// The context name.
    pub fn context(&self) -> &str {
        &self.context
    }

    /// The client to read with, and its generation (to hand to [`Connection::renew`]).
    pub fn reader(&self) -> (kube::Client, u64) {
        let clients = self.clients.read().unwrap_or_else(PoisonError::into_inner);
        (clients.reader.clone(), clients.generation)
    }

    /// The client to send changes with; `None` in a read-only session.
    pub(super) fn writer(&self) -> Option<kube::Client> {
        let clients = self.clients.read().unwrap_or_else(PoisonError::into_inner);
        clients.writer.clone()
    }

    /// Both clients of now, and their generation.
    fn clients_of_now(&self) -> (Clients, u64) {
        let clients = self.clients.read().unwrap_or_else(PoisonError::into_inner);
        (clients.clone(), clients.generation)
    }

    /// Whether this session may send changes at all.
    pub fn readonly(&self) -> bool {
        self.readonly
    }

    /// After the server rejected the credentials of the clients of `generation`: reads the
    /// kubeconfig again and builds new clients (an exec plugin runs again), unless another
    /// task already did since. Errors say why the kubeconfig could not be used.
    pub async fn renew(&self, generation: u64) -> anyhow::Result<()> {
        let _one_at_a_time = self.renewing.lock().await;
        if self.reader().1 != generation {
            return Ok(());
        }
        // The files' times before they are read: a file written while it is read is then
        // seen as changed again (read once more), never as read when it was not.
        let before = self.stamps();
        let loaded = LoadedKubeconfig::load(self.kubeconfig.as_deref())?;
        let (config, sources) = config_of(loaded, &self.context).await?;
        let (reader, writer) = build(&config, self.readonly, &self.context)?;
        *self.sources.write().unwrap_or_else(PoisonError::into_inner) = sources
            .into_iter()
            .map(|path| {
                let at = before
                    .iter()
                    .find(|(known, _)| *known == path)
                    .map_or_else(|| modified(&path), |(_, at)| *at);
                (path, at)
            })
            .collect();
        *self
            .renewed_at
            .write()
            .unwrap_or_else(PoisonError::into_inner) = Some(Instant::now());
        let mut clients = self.clients.write().unwrap_or_else(PoisonError::into_inner);
        *clients = Clients {
            reader,
            writer,
            generation: generation + 1,
        };
        tracing::info!(context = self.context, "credentials read again after a 401");
        Ok(())
    }

    /// The server took the credentials of `generation`.
    fn note_accepted(&self, generation: u64) {
        self.accepted_below
            .fetch_max(generation + 1, Ordering::Relaxed);
    }

    /// Whether the server ever took the credentials of `generation` (or of a later one).
    fn ever_accepted(&self, generation: u64) -> bool {
        self.accepted_below.load(Ordering::Relaxed) > generation
    }

    /// Whether the clients were built again less than `gap` ago.
    fn renewed_within(&self, gap: Duration) -> bool {
        let at = *self
            .renewed_at
            .read()
            .unwrap_or_else(PoisonError::into_inner);
        at.is_some_and(|at| at.elapsed() < gap)
    }

    /// The kubeconfig files last read, with their modification times of now.
    fn stamps(&self) -> Vec<(PathBuf, Option<SystemTime>)> {
        let sources = self.sources.read().unwrap_or_else(PoisonError::into_inner);
        sources
            .iter()
            .map(|(path, _)| (path.clone(), modified(path)))
            .collect()
    }

    /// Whether a kubeconfig file changed (or came or went) since it was last read.
    pub fn kubeconfig_changed(&self) -> bool {
        let sources = self.sources.read().unwrap_or_else(PoisonError::into_inner);
        sources.iter().any(|(path, at)| modified(path) != *at)
    }

    /// After the clients of `generation` were rejected: waits `at_most`, or less when a
    /// kubeconfig file changes meanwhile or another task already built new clients
    /// (checked every couple of seconds, without a request). The first watch to see a
    /// changed file reads it again and takes note of its new time, so the others learn
    /// of it by the new generation.
    pub async fn wait_for_new_credentials(&self, generation: u64, at_most: Duration) {
        let until = tokio::time::Instant::now() + at_most;
        while tokio::time::Instant::now() < until {
            let step = KUBECONFIG_POLL.min(until - tokio::time::Instant::now());
            tokio::time::sleep(step).await;
            if self.kubeconfig_changed() || self.reader().1 != generation {
                return;
            }
        }
    }
}

async fn config_of(
    loaded: LoadedKubeconfig,
    context: &str,
) -> anyhow::Result<(kube::Config, Vec<PathBuf>)> {
    let names = loaded.source_names();
    let sources = loaded.sources.clone();
    let options = KubeConfigOptions {
        context: Some(context.to_owned()),
        cluster: None,
        user: None,
    };
    let config = kube::Config::from_custom_kubeconfig(loaded.config, &options)
        .await
        .with_context(|| format!("cannot use context {context:?} of {names}"))?;
    Ok((config, sources))
}

/// The reading client (behind the read-only layer in every mode) and, unless read-only,
/// the writing one.
fn build(
    config: &kube::Config,
    readonly: bool,
    context: &str,
) -> anyhow::Result<(kube::Client, Option<kube::Client>)> {
    let base_path = config.cluster_url.path().to_owned();
    let mut config = config.clone();
    // Every request says who sent it, as kubectl's do (audit log, API Priority and Fairness).
    config
        .headers
        .push((http::header::USER_AGENT, user_agent::user_agent()));
    let builder = || {
        stack::client_builder(&config)
            .with_context(|| format!("cannot build a client for context {context:?}"))
    };
    let reader = builder()?
        .with_layer(&ReadonlyLayer::new(&base_path))
        .build();
    let writer = if readonly {
        None
    } else {
        Some(builder()?.build())
    };
    Ok((reader, writer))
}

fn stamped(paths: Vec<PathBuf>) -> Vec<(PathBuf, Option<SystemTime>)> {
    paths
        .into_iter()
        .map(|path| {
            let at = modified(&path);
            (path, at)
        })
        .collect()
}

fn modified(path: &std::path::Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}
