//! All cluster I/O: connecting through kubeconfig, watch streams turned into
//! compact rows, log streams, and (behind the mutation gate) the operations.
//!
//! Only the public Kubernetes API through kube-rs: the same code runs against
//! the embedded cluster and any real one.
//!
//! Module map:
//! - [`kubeconfig`]: loading and merging kubeconfig files, choosing the context.
//! - [`connection`]: the clients of a connection, built again after a 401 (exec plugins
//!   re-run); one-off requests ([`Cluster::read_with`], [`Cluster::send`], a log's opening)
//!   then run once more with the new ones. Open streams keep their client.
//! - [`readonly_layer`]: the tower layer that refuses non-GET requests in read-only mode.
//! - [`gate`]: the [`MutationGate`] every operation asks first.
//! - [`model`]: the rows and updates the dashboard consumes.
//! - [`rows`]: one file per kind turning a Kubernetes object into a [`Row`].
//! - [`watch`]: watcher streams to batched [`ClusterUpdate`]s with watch states.
//! - [`logs`]: container log streams in batched [`LogChunk`]s.
//! - [`metrics`]: live CPU and memory use, polled from `metrics.k8s.io` for what is shown.
//! - [`object_yaml`]: the YAML view (managedFields dropped, Secrets masked).
//! - [`describe`]: kubectl-describe-like text with events.
//! - [`access_review`]: "may I?" through SelfSubjectAccessReview.
//! - `requests`: `Cluster`'s one-off requests (describe, an object, discovery, a review, a
//!   change through the gate), each asked once more after a 401 renewed the credentials.
//! - [`ops`]: the operations (scale, set image, rollout, canary...).
//! - [`exec`]: shells and attach sessions in containers, for a terminal front end.
//! - [`port_forward`]: background port-forwards with their counters and states.
//! - [`session_target`], [`forward_target`], [`ready_pods`]: which pod and container a
//!   shell or attach goes into, what a forward goes to (a Service's targetPort resolved
//!   on a ready pod), and a workload's ready pods in the order kubectl picks them.
//!
//! Switching contexts: connect again with another `ConnectOptions::context` and
//! drop the old [`Cluster`] and its watches.

pub mod access_review;
pub mod columns;
pub mod connection;
pub mod describe;
pub mod discovery;
pub mod exec;
pub mod forward_target;
pub mod gate;
pub mod kubeconfig;
mod list_items;
pub mod logs;
pub mod metrics;
pub mod model;
pub mod object_yaml;
pub mod ops;
pub mod port_forward;
pub mod readonly_layer;
pub mod ready_pods;
pub mod registry;
mod requests;
pub mod rows;
pub mod session_target;
pub mod watch;

use std::path::{Path, PathBuf};

use std::sync::Arc;

pub use model::{
    AddressRow, Amounts, ClusterUpdate, ConditionRow, ContainerResources, ContainerRow, Containers,
    CronJobRow, DaemonSetRow, DeploymentRow, Detail, EndpointSliceRow, EndpointsRow, EventRow,
    Health, JobRow, KeysRow, Kind, Labels, Meta, NamespaceRow, NodeRow, ObjectKey, OwnerRef,
    PodRow, ReplicaSetRow, Row, RowsClaim, ServerColumn, ServiceRow, SharedStr, StatefulSetRow,
    TableRow, WatchState,
};
use tokio::sync::mpsc;

pub use connection::{Connection, CredentialsRejected};
pub use gate::{MutationGate, Permit, Refused};
pub use kubeconfig::{ContextEntry, LoadedKubeconfig};
pub use logs::{LogChunk, LogHandle, LogOptions, LogSink, LogStreamRequest, LogTarget};
pub use readonly_layer::{ReadonlyLayer, ReadonlyRefusal};

/// How to reach a cluster.
#[derive(Debug, Clone, Default)]
pub struct ConnectOptions {
    /// Kubeconfig file; default: $KUBECONFIG merged as kubectl does, then ~/.kube/config.
    pub kubeconfig: Option<PathBuf>,
    /// Context; default: the current context.
    pub context: Option<String>,
    /// Namespace; default: the context's namespace, else `default`.
    pub namespace: Option<String>,
    /// Refuse every mutating request where it leaves the process.
    pub readonly: bool,
}

/// A connection to one cluster. Cheap to clone (the client is shared).
///
/// Switching contexts: call [`Cluster::connect`] again with another
/// `ConnectOptions::context` and drop the old handle (and its watches).
#[derive(Clone)]
pub struct Cluster {
    connection: Arc<Connection>,
    context: String,
    namespace: String,
    server: String,
    gate: MutationGate,
}

/// What a 401 is shown as: whose credentials, and the server's words.
pub fn credentials_rejected(context: &str, message: &str) -> String {
    format!("credentials rejected by the server for context {context}: {message}")
}

/// A running watch; dropping it stops the watch.
#[derive(Debug)]
pub struct WatchHandle {
    task: tokio::task::AbortHandle,
}

impl WatchHandle {
    /// Whether the watch task has ended (the kind is unavailable, or the receiver is gone).
    pub fn is_finished(&self) -> bool {
        self.task.is_finished()
    }
}

impl Drop for WatchHandle {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Cluster {
    /// Connects using kubeconfig as kubectl would. Fails with a message naming the file or context at fault.
    ///
    /// Exec credential plugins and client certificates are handled by kube-rs. No request is
    /// sent here: use [`Cluster::server_version`] to check that the server answers.
    pub async fn connect(opts: &ConnectOptions) -> anyhow::Result<Self> {
        let opened = Connection::open(
            opts.kubeconfig.clone(),
            opts.context.as_deref(),
            opts.readonly,
        )
        .await?;
        let connection = Arc::new(opened.connection);
        Ok(Self {
            context: connection.context().to_owned(),
            namespace: opts.namespace.clone().unwrap_or(opened.namespace),
            server: opened.server,
            gate: MutationGate::new(Arc::clone(&connection)),
            connection,
        })
    }

    /// The contexts of a kubeconfig (`None`: $KUBECONFIG merged, else ~/.kube/config), for the `:ctx` picker.
    pub fn contexts(kubeconfig: Option<&Path>) -> anyhow::Result<Vec<ContextEntry>> {
        Ok(LoadedKubeconfig::load(kubeconfig)?.contexts())
    }

    /// The kube client for reads: wrapped by the read-only layer in every mode (changes
    /// are sent only with a [`Permit`]'s client).
    pub fn client(&self) -> kube::Client {
        self.connection.reader().0
    }

    /// The context name in use.
    pub fn context(&self) -> &str {
        &self.context
    }

    /// The namespace the dashboard opens on.
    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    /// The API server URL.
    pub fn server(&self) -> &str {
        &self.server
    }

    /// Whether this connection refuses mutations.
    pub fn readonly(&self) -> bool {
        self.gate.readonly()
    }

    /// The gate every mutation passes (closed in read-only mode).
    pub fn gate(&self) -> &MutationGate {
        &self.gate
    }

    /// Watches `kind` in `namespace` (`None`: all namespaces, or cluster-scoped), sending
    /// updates on `tx` until the handle is dropped.
    ///
    /// Sends `State(Syncing)`, then the list's rows (`Listed` pages as they arrive, when it
    /// takes more than one read, and `Reset` at its end) and `State(Live)`, then batched
    /// `Applied`/`Deleted` (coalesced for [`watch::COALESCE`] or [`watch::MAX_BATCH`] rows).
    /// Must be called within a tokio runtime.
    pub fn watch(
        &self,
        kind: Kind,
        namespace: Option<String>,
        tx: mpsc::UnboundedSender<ClusterUpdate>,
    ) -> WatchHandle {
        self.watch_scoped(kind, namespace, watch::WatchScope::All, tx)
    }

    /// As [`Cluster::watch`], keeping only the rows of `scope` (events of some
    /// Deployments' objects, say); the others are dropped as they are read.
    pub fn watch_scoped(
        &self,
        kind: Kind,
        namespace: Option<String>,
        scope: watch::WatchScope,
        tx: mpsc::UnboundedSender<ClusterUpdate>,
    ) -> WatchHandle {
        use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, ReplicaSet, StatefulSet};
        use k8s_openapi::api::batch::v1::{CronJob, Job};
        use k8s_openapi::api::core::v1::{ConfigMap, Endpoints, Namespace, Node, Secret, Service};

        // Pods and events come by the thousand: decoded lean (see `rows::lean`).
        use self::rows::lean::{event::Event, pod::Pod};
        use k8s_openapi::api::discovery::v1::EndpointSlice;

        let conn = Arc::clone(&self.connection);
        let task = match kind {
            Kind::Pod => tokio::spawn(watch::run::<Pod>(conn, namespace, scope, tx)),
            Kind::ReplicaSet => tokio::spawn(watch::run::<ReplicaSet>(conn, namespace, scope, tx)),
            Kind::Deployment => tokio::spawn(watch::run::<Deployment>(conn, namespace, scope, tx)),
            Kind::StatefulSet => {
                tokio::spawn(watch::run::<StatefulSet>(conn, namespace, scope, tx))
            }
            Kind::DaemonSet => tokio::spawn(watch::run::<DaemonSet>(conn, namespace, scope, tx)),
            Kind::Service => tokio::spawn(watch::run::<Service>(conn, namespace, scope, tx)),
            Kind::Endpoints => tokio::spawn(watch::run::<Endpoints>(conn, namespace, scope, tx)),
            Kind::EndpointSlice => {
                tokio::spawn(watch::run::<EndpointSlice>(conn, namespace, scope, tx))
            }
            Kind::Event => tokio::spawn(watch::run::<Event>(conn, namespace, scope, tx)),
            Kind::Node => tokio::spawn(watch::run::<Node>(conn, namespace, scope, tx)),
            Kind::Namespace => tokio::spawn(watch::run::<Namespace>(conn, namespace, scope, tx)),
            Kind::ConfigMap => tokio::spawn(watch::run::<ConfigMap>(conn, namespace, scope, tx)),
            Kind::Secret => tokio::spawn(watch::run::<Secret>(conn, namespace, scope, tx)),
            Kind::Job => tokio::spawn(watch::run::<Job>(conn, namespace, scope, tx)),
            Kind::CronJob => tokio::spawn(watch::run::<CronJob>(conn, namespace, scope, tx)),
            Kind::Other(_) => tokio::spawn(watch::run_table(conn, kind, namespace, tx)),
        };
        WatchHandle {
            task: task.abort_handle(),
        }
    }

    /// Polls the metrics API for what [`metrics::poller::MetricsPoller::follow`] names, at
    /// the interval it names, sending each new report to `sink` until the poller is
    /// dropped. A GET: read-only mode lets it through.
    pub fn poll_metrics(
        &self,
        sink: impl Fn(metrics::MetricsReport) -> bool + Send + 'static,
    ) -> metrics::poller::MetricsPoller {
        let connection = self.connection.clone();
        metrics::poller::MetricsPoller::start(connection, sink)
    }

    /// Streams the logs of `container` (`None`: the only one) of `pod` in `namespace`,
    /// sending batched lines on `tx` until the stream ends or the handle is dropped.
    pub fn logs(
        &self,
        namespace: &str,
        pod: &str,
        container: Option<&str>,
        options: LogOptions,
        tx: mpsc::UnboundedSender<LogChunk>,
    ) -> LogHandle {
        let target = LogTarget {
            namespace: namespace.to_owned(),
            pod: pod.to_owned(),
            container: container.map(str::to_owned),
        };
        self.stream_logs(target, options, tx)
    }

    /// Streams the logs of `target` to `sink` until the stream ends or the handle is
    /// dropped. Each opening of the stream asks with the credentials of then (a 401
    /// renews them, see [`Cluster::read_with`]).
    pub fn stream_logs(
        &self,
        target: LogTarget,
        options: LogOptions,
        sink: impl LogSink,
    ) -> LogHandle {
        logs::start(Arc::clone(&self.connection), target, options, sink)
    }

    /// Watches the CustomResourceDefinitions (their metadata only) and sends `()` on
    /// `changed` for each change after the first list, so that discovery can run again.
    /// Ends quietly where they may not be listed or are not served.
    pub fn watch_definitions(&self, changed: mpsc::UnboundedSender<()>) -> WatchHandle {
        use futures::StreamExt as _;
        use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
        use kube::core::PartialObjectMeta;
        use kube::runtime::watcher;
        let connection = Arc::clone(&self.connection);
        let task = tokio::spawn(async move {
            // After the credentials were rejected, changes may have been missed: the next
            // list's end asks for discovery again.
            let mut missed = false;
            loop {
                let (client, generation) = connection.reader();
                let api: kube::Api<PartialObjectMeta<CustomResourceDefinition>> =
                    kube::Api::all(client);
                let mut events = watcher::watcher(api, watcher::Config::default()).boxed();
                let mut listed = false;
                while let Some(event) = events.next().await {
                    match event {
                        Ok(watcher::Event::InitDone) => {
                            listed = true;
                            if std::mem::take(&mut missed) && changed.send(()).is_err() {
                                return;
                            }
                        }
                        Ok(watcher::Event::Apply(_) | watcher::Event::Delete(_)) if listed => {
                            if changed.send(()).is_err() {
                                return;
                            }
                        }
                        Ok(_) => {}
                        Err(e) => {
                            let status = match &e {
                                watcher::Error::InitialListFailed(kube::Error::Api(s))
                                | watcher::Error::WatchStartFailed(kube::Error::Api(s))
                                | watcher::Error::WatchFailed(kube::Error::Api(s))
                                | watcher::Error::WatchError(s) => Some(s.code),
                                _ => None,
                            };
                            // 403 or 404: nothing to follow here.
                            if matches!(status, Some(403 | 404)) {
                                tracing::info!("not following CustomResourceDefinitions: {e}");
                                return;
                            }
                            // 401: not asked again until the credentials change (read again
                            // as the watches do), then with the clients of then.
                            if status == Some(401) {
                                connection
                                    .wait_for_new_credentials(
                                        generation,
                                        watch::UNAUTHORIZED_RETRY_DELAY,
                                    )
                                    .await;
                                if connection.reader().1 == generation
                                    && let Err(e) = connection.renew(generation).await
                                {
                                    tracing::warn!("cannot read the credentials again: {e:#}");
                                }
                                missed = true;
                                break;
                            }
                            // Others: the watcher retries.
                            tokio::time::sleep(std::time::Duration::from_secs(5)).await;
                        }
                    }
                }
            }
        });
        WatchHandle {
            task: task.abort_handle(),
        }
    }
}
