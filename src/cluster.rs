//! All cluster I/O: connecting through kubeconfig, watch streams turned into
//! compact rows, log streams, and (behind the mutation gate) the operations.
//!
//! Only the public Kubernetes API through kube-rs: the same code runs against
//! the embedded cluster and any real one.
//!
//! Module map:
//! - [`kubeconfig`]: loading and merging kubeconfig files, choosing the context.
//! - [`readonly_layer`]: the tower layer that refuses non-GET requests in read-only mode.
//! - [`gate`]: the [`MutationGate`] every operation asks first.
//! - [`model`]: the rows and updates the dashboard consumes.
//! - [`rows`]: one file per kind turning a Kubernetes object into a [`Row`].
//! - [`watch`]: watcher streams to batched [`ClusterUpdate`]s with watch states.
//! - [`logs`]: container log streams in batched [`LogChunk`]s.
//! - [`object_yaml`]: the YAML view (managedFields dropped, Secrets masked).
//! - [`describe`]: kubectl-describe-like text with events.
//! - [`access_review`]: "may I?" through SelfSubjectAccessReview.
//! - [`ops`]: the operations (scale, set image, rollout, canary...).
//! - [`exec`]: shells and attach sessions in containers, for a terminal front end.
//! - [`port_forward`]: background port-forwards with their counters and states.
//!
//! Switching contexts: connect again with another `ConnectOptions::context` and
//! drop the old [`Cluster`] and its watches.

pub mod access_review;
pub mod describe;
pub mod exec;
pub mod gate;
pub mod kubeconfig;
pub mod logs;
pub mod model;
pub mod object_yaml;
pub mod ops;
pub mod port_forward;
pub mod readonly_layer;
pub mod rows;
pub mod watch;

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use kube::client::ClientBuilder;
use kube::config::KubeConfigOptions;

pub use model::{
    AddressRow, ClusterUpdate, ConditionRow, ContainerRow, DaemonSetRow, DeploymentRow, Detail,
    EndpointSliceRow, EndpointsRow, EventRow, Health, KeysRow, Kind, Labels, Meta, NamespaceRow,
    NodeRow, ObjectKey, OwnerRef, PodRow, ReplicaSetRow, Row, ServiceRow, StatefulSetRow,
    WatchState,
};
use tokio::sync::mpsc;

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
    client: kube::Client,
    context: String,
    namespace: String,
    server: String,
    gate: MutationGate,
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
        let loaded = LoadedKubeconfig::load(opts.kubeconfig.as_deref())?;
        let context = loaded.choose_context(opts.context.as_deref())?;
        let sources = loaded.source_names();
        let options = KubeConfigOptions {
            context: Some(context.clone()),
            cluster: None,
            user: None,
        };
        let config = kube::Config::from_custom_kubeconfig(loaded.config, &options)
            .await
            .with_context(|| format!("cannot use context {context:?} of {sources}"))?;
        let namespace = opts
            .namespace
            .clone()
            .unwrap_or_else(|| config.default_namespace.clone());
        let server = config
            .cluster_url
            .to_string()
            .trim_end_matches('/')
            .to_owned();
        let builder = ClientBuilder::try_from(config).with_context(|| {
            format!("cannot build a client for context {context:?} of {sources}")
        })?;
        let client = if opts.readonly {
            builder.with_layer(&ReadonlyLayer).build()
        } else {
            builder.build()
        };
        Ok(Self {
            client,
            context,
            namespace,
            server,
            gate: MutationGate::new(opts.readonly),
        })
    }

    /// The contexts of a kubeconfig (`None`: $KUBECONFIG merged, else ~/.kube/config), for the `:ctx` picker.
    pub fn contexts(kubeconfig: Option<&Path>) -> anyhow::Result<Vec<ContextEntry>> {
        Ok(LoadedKubeconfig::load(kubeconfig)?.contexts())
    }

    /// The kube client (wrapped by the read-only layer when read-only). Operations use it behind the gate.
    pub fn client(&self) -> kube::Client {
        self.client.clone()
    }

    /// The server's version (gitVersion, e.g. `v1.33.1`): also the first check that the server answers.
    pub async fn server_version(&self) -> anyhow::Result<String> {
        let info = self.client.apiserver_version().await.with_context(|| {
            format!(
                "cannot reach the API server {} (context {:?})",
                self.server, self.context
            )
        })?;
        Ok(info.git_version)
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
    /// Sends `State(Syncing)`, then `Reset` with every row and `State(Live)`, then batched
    /// `Applied`/`Deleted` (coalesced for [`watch::COALESCE`] or [`watch::MAX_BATCH`] rows).
    /// Must be called within a tokio runtime.
    pub fn watch(
        &self,
        kind: Kind,
        namespace: Option<String>,
        tx: mpsc::UnboundedSender<ClusterUpdate>,
    ) -> WatchHandle {
        use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, ReplicaSet, StatefulSet};
        use k8s_openapi::api::core::v1::{
            ConfigMap, Endpoints, Event, Namespace, Node, Pod, Secret, Service,
        };
        use k8s_openapi::api::discovery::v1::EndpointSlice;

        let client = self.client();
        let task = match kind {
            Kind::Pod => tokio::spawn(watch::run::<Pod>(client, namespace, tx)),
            Kind::ReplicaSet => tokio::spawn(watch::run::<ReplicaSet>(client, namespace, tx)),
            Kind::Deployment => tokio::spawn(watch::run::<Deployment>(client, namespace, tx)),
            Kind::StatefulSet => tokio::spawn(watch::run::<StatefulSet>(client, namespace, tx)),
            Kind::DaemonSet => tokio::spawn(watch::run::<DaemonSet>(client, namespace, tx)),
            Kind::Service => tokio::spawn(watch::run::<Service>(client, namespace, tx)),
            Kind::Endpoints => tokio::spawn(watch::run::<Endpoints>(client, namespace, tx)),
            Kind::EndpointSlice => tokio::spawn(watch::run::<EndpointSlice>(client, namespace, tx)),
            Kind::Event => tokio::spawn(watch::run::<Event>(client, namespace, tx)),
            Kind::Node => tokio::spawn(watch::run::<Node>(client, namespace, tx)),
            Kind::Namespace => tokio::spawn(watch::run::<Namespace>(client, namespace, tx)),
            Kind::ConfigMap => tokio::spawn(watch::run::<ConfigMap>(client, namespace, tx)),
            Kind::Secret => tokio::spawn(watch::run::<Secret>(client, namespace, tx)),
        };
        WatchHandle {
            task: task.abort_handle(),
        }
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
        logs::start(self.client(), target, options, tx)
    }

    /// kubectl-describe-like text of the object, events included.
    pub async fn describe(&self, key: &ObjectKey) -> anyhow::Result<String> {
        describe::describe(self.client(), key, jiff::Timestamp::now()).await
    }

    /// Whether the user may `verb` `kind` (optionally its `subresource`, e.g. `scale`) in
    /// `namespace`, by SelfSubjectAccessReview. Allowed through the read-only layer.
    pub async fn can_i(
        &self,
        verb: &str,
        kind: Kind,
        subresource: Option<&str>,
        namespace: Option<&str>,
    ) -> anyhow::Result<bool> {
        access_review::can_i(self.client(), verb, kind, subresource, namespace).await
    }
}
