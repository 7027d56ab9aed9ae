//! What the cluster layer hands to the dashboard: compact, typed rows per kind,
//! and the updates that keep them live. Built from kube-rs watch events; the
//! dashboard never sees a full Kubernetes object except in the YAML view.

mod containers;
mod interner;
mod labels;
mod owner;
mod resources;
mod shared_str;

use std::collections::BTreeMap;
use std::sync::Arc;

pub use containers::Containers;
use jiff::Timestamp;
pub use labels::Labels;
pub use resources::{Amounts, ContainerResources};
pub use shared_str::SharedStr;

/// The kinds kdeck shows in panes: the typed ones, and any other the server serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// core/v1 Pod.
    Pod,
    /// apps/v1 ReplicaSet.
    ReplicaSet,
    /// apps/v1 Deployment.
    Deployment,
    /// apps/v1 StatefulSet.
    StatefulSet,
    /// apps/v1 DaemonSet.
    DaemonSet,
    /// core/v1 Service.
    Service,
    /// core/v1 Endpoints.
    Endpoints,
    /// discovery.k8s.io/v1 EndpointSlice.
    EndpointSlice,
    /// core/v1 Event.
    Event,
    /// core/v1 Node.
    Node,
    /// core/v1 Namespace.
    Namespace,
    /// core/v1 ConfigMap.
    ConfigMap,
    /// core/v1 Secret (names and keys only, never values).
    Secret,
    /// batch/v1 Job.
    Job,
    /// batch/v1 CronJob.
    CronJob,
    /// A resource discovery found that kdeck has no typed view of (a custom resource,
    /// RBAC, a typed kind served only at another version): shown in the generic pane,
    /// its facts in the registry's discovered table.
    Other(super::registry::ResourceId),
}

/// Identity of one object: kind, namespace ("" when cluster-scoped) and name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjectKey {
    /// The kind.
    pub kind: Kind,
    /// The namespace, empty for cluster-scoped kinds.
    pub namespace: String,
    /// The name.
    pub name: String,
}

/// An ownerReference, reduced to what panes need.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OwnerRef {
    /// Owner kind, e.g. `ReplicaSet`.
    pub kind: SharedStr,
    /// Owner name (shared by the owner's pods).
    pub name: SharedStr,
    /// Owner uid.
    pub uid: SharedStr,
}

/// Metadata every row carries.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Meta {
    /// Namespace, empty for cluster-scoped kinds.
    pub namespace: SharedStr,
    /// Name.
    pub name: String,
    /// resourceVersion of the object this row was built from.
    pub resource_version: String,
    /// creationTimestamp (AGE is computed from it at draw time).
    pub created: Option<Timestamp>,
    /// deletionTimestamp is set: the object is Terminating.
    pub deleting: bool,
    /// Labels.
    pub labels: Labels,
    /// The controller ownerReference, if any: one copy shared by the owner's rows (see
    /// [`OwnerRef::shared`]), a pointer in each row's slot instead of three strings.
    pub owner: Option<Arc<OwnerRef>>,
}

/// How healthy a row is, which picks its colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Health {
    /// Running/Ready/Available/complete.
    Ok,
    /// Pending, ContainerCreating, progressing, partially ready.
    Warn,
    /// CrashLoopBackOff, Error, ImagePullBackOff, Warning events.
    Err,
    /// Terminating or otherwise on its way out.
    Dim,
    /// Nothing to say (ConfigMaps, Secrets...).
    #[default]
    Neutral,
}

/// One container of a pod.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct ContainerRow {
    /// Container name.
    pub name: SharedStr,
    /// Image.
    pub image: SharedStr,
    /// Ready per containerStatuses.
    pub ready: bool,
    /// restartCount.
    pub restarts: u32,
    /// State as kubectl would name it: Running, Waiting (reason), Terminated (reason).
    pub state: SharedStr,
    /// An init container (listed after the pod's containers).
    pub init: bool,
    /// Its requests and limits.
    pub resources: ContainerResources,
}

/// A Pod, as the pods pane shows it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PodRow {
    /// Ready containers.
    pub ready: u32,
    /// All containers.
    pub total: u32,
    /// STATUS exactly as `kubectl get pods` prints it (Running, ContainerCreating, CrashLoopBackOff, Terminating, Init:0/1 ...).
    pub status: SharedStr,
    /// Sum of restartCount.
    pub restarts: u32,
    /// When the most recent restart happened, for `RESTARTS` like `3 (12s ago)`.
    pub last_restart: Option<Timestamp>,
    /// podIP.
    pub ip: Option<String>,
    /// spec.nodeName.
    pub node: Option<SharedStr>,
    /// status.phase.
    pub phase: SharedStr,
    /// The pod's containers, then its init containers (`init` set).
    pub containers: Containers,
}

/// A ReplicaSet.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReplicaSetRow {
    /// spec.replicas.
    pub desired: i32,
    /// status.replicas.
    pub current: i32,
    /// status.readyReplicas.
    pub ready: i32,
    /// status.availableReplicas.
    pub available: i32,
    /// deployment.kubernetes.io/revision.
    pub revision: Option<i64>,
    /// Container images of the pod template.
    pub images: Vec<String>,
    /// The pod-template-hash label.
    pub template_hash: Option<String>,
    /// kubernetes.io/change-cause.
    pub change_cause: Option<String>,
    /// spec.selector.matchLabels.
    pub selector: BTreeMap<String, String>,
}

/// A condition of a Deployment.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ConditionRow {
    /// Type (Available, Progressing, ReplicaFailure).
    pub type_: String,
    /// "True", "False", "Unknown".
    pub status: String,
    /// Reason.
    pub reason: String,
    /// Message.
    pub message: String,
}

/// A Deployment.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DeploymentRow {
    /// spec.replicas.
    pub desired: i32,
    /// status.replicas.
    pub current: i32,
    /// status.updatedReplicas.
    pub updated: i32,
    /// status.readyReplicas.
    pub ready: i32,
    /// status.availableReplicas.
    pub available: i32,
    /// status.unavailableReplicas.
    pub unavailable: i32,
    /// spec.paused.
    pub paused: bool,
    /// A kdeck canary is in place (the annotation keeping the original strategy is set).
    pub canary: bool,
    /// A stepped canary's plan and progress: the text of its annotation (parsed where
    /// it is used, `cluster::ops::canary::plan_annotation`).
    pub canary_plan: Option<String>,
    /// "RollingUpdate" or "Recreate".
    pub strategy: String,
    /// rollingUpdate.maxSurge as written (e.g. "1" or "25%").
    pub max_surge: Option<String>,
    /// rollingUpdate.maxUnavailable as written.
    pub max_unavailable: Option<String>,
    /// spec.minReadySeconds.
    pub min_ready_seconds: i32,
    /// deployment.kubernetes.io/revision.
    pub revision: Option<i64>,
    /// Container images of the pod template.
    pub images: Vec<String>,
    /// spec.selector.matchLabels.
    pub selector: BTreeMap<String, String>,
    /// metadata.generation.
    pub generation: i64,
    /// status.observedGeneration.
    pub observed_generation: i64,
    /// status.conditions.
    pub conditions: Vec<ConditionRow>,
}

/// A StatefulSet.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StatefulSetRow {
    /// spec.replicas.
    pub desired: i32,
    /// status.readyReplicas.
    pub ready: i32,
    /// Images.
    pub images: Vec<String>,
}

/// A DaemonSet.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DaemonSetRow {
    /// desiredNumberScheduled.
    pub desired: i32,
    /// currentNumberScheduled.
    pub current: i32,
    /// numberReady.
    pub ready: i32,
    /// numberAvailable.
    pub available: i32,
    /// Images.
    pub images: Vec<String>,
}

/// A Service.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ServiceRow {
    /// spec.type.
    pub type_: String,
    /// CLUSTER-IP as kubectl prints it (`None` for headless).
    pub cluster_ip: String,
    /// EXTERNAL-IP as kubectl prints it (`<none>`, `<pending>`, addresses).
    pub external_ip: String,
    /// PORT(S) as kubectl prints it, e.g. `80:31234/TCP`.
    pub ports: String,
    /// spec.selector.
    pub selector: BTreeMap<String, String>,
}

/// One address of an Endpoints or EndpointSlice.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AddressRow {
    /// IP.
    pub ip: String,
    /// targetRef name when it is a Pod.
    pub pod: Option<String>,
    /// nodeName.
    pub node: Option<String>,
    /// Ready (for Endpoints: listed under addresses rather than notReadyAddresses).
    pub ready: bool,
}

/// An Endpoints object.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EndpointsRow {
    /// All addresses, ready and not ready.
    pub addresses: Vec<AddressRow>,
    /// Ports, e.g. `80/TCP`.
    pub ports: Vec<String>,
}

/// An EndpointSlice.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EndpointSliceRow {
    /// The kubernetes.io/service-name label.
    pub service: Option<String>,
    /// addressType.
    pub address_type: String,
    /// Endpoints (one address each).
    pub endpoints: Vec<AddressRow>,
    /// Ports.
    pub ports: Vec<String>,
}

/// An Event.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EventRow {
    /// Normal or Warning.
    pub type_: String,
    /// Reason.
    pub reason: String,
    /// involvedObject.kind.
    pub object_kind: String,
    /// involvedObject.name.
    pub object_name: String,
    /// involvedObject.namespace.
    pub object_namespace: String,
    /// Message.
    pub message: String,
    /// count (1 when unset).
    pub count: i32,
    /// firstTimestamp (or eventTime).
    pub first_seen: Option<Timestamp>,
    /// lastTimestamp (or series.lastObservedTime, or eventTime).
    pub last_seen: Option<Timestamp>,
}

/// A Node.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NodeRow {
    /// Ready / NotReady (plus SchedulingDisabled).
    pub status: String,
    /// Roles from node-role.kubernetes.io/* labels, or `<none>`.
    pub roles: String,
    /// kubeletVersion.
    pub version: String,
    /// InternalIP.
    pub internal_ip: String,
    /// status.allocatable: the CPU and memory its pods may use.
    pub allocatable: Amounts,
    /// status.capacity.pods: how many pods it takes.
    pub pod_capacity: Option<u32>,
}

/// A Namespace.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NamespaceRow {
    /// status.phase: Active or Terminating.
    pub status: String,
}

/// A ConfigMap or a Secret: key names only, never values.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct KeysRow {
    /// Secret type (empty for ConfigMaps).
    pub type_: String,
    /// Key names of data (and binaryData / stringData).
    pub keys: Vec<String>,
}

/// A Job.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct JobRow {
    /// STATUS as kubectl prints it: Complete, Failed, Suspended, Running, Terminating...
    pub status: String,
    /// status.succeeded.
    pub succeeded: i32,
    /// spec.completions (`None`: the Job completes when one pod succeeds).
    pub completions: Option<i32>,
    /// spec.parallelism.
    pub parallelism: i32,
    /// status.active.
    pub active: i32,
    /// status.failed.
    pub failed: i32,
    /// status.startTime.
    pub started: Option<Timestamp>,
    /// status.completionTime.
    pub completed: Option<Timestamp>,
    /// Container images of the pod template.
    pub images: Vec<String>,
}

/// A CronJob.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CronJobRow {
    /// spec.schedule.
    pub schedule: String,
    /// spec.timeZone.
    pub time_zone: Option<String>,
    /// spec.suspend.
    pub suspend: bool,
    /// How many of its Jobs run (status.active).
    pub active: usize,
    /// status.lastScheduleTime.
    pub last_schedule: Option<Timestamp>,
    /// status.lastSuccessfulTime.
    pub last_successful: Option<Timestamp>,
    /// Container images of the job template.
    pub images: Vec<String>,
}

/// The kind-specific part of a row. Pods, which come by the ten thousand, are kept in
/// the row itself; every other kind is boxed, so that a row slot in any store costs a
/// pod's size and not the largest kind's (a Deployment's was 232 bytes in every slot
/// of every store).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Detail {
    /// A Pod.
    Pod(PodRow),
    /// A ReplicaSet.
    ReplicaSet(Box<ReplicaSetRow>),
    /// A Deployment.
    Deployment(Box<DeploymentRow>),
    /// A StatefulSet.
    StatefulSet(Box<StatefulSetRow>),
    /// A DaemonSet.
    DaemonSet(Box<DaemonSetRow>),
    /// A Service.
    Service(Box<ServiceRow>),
    /// An Endpoints object.
    Endpoints(Box<EndpointsRow>),
    /// An EndpointSlice.
    EndpointSlice(Box<EndpointSliceRow>),
    /// An Event.
    Event(Box<EventRow>),
    /// A Node.
    Node(Box<NodeRow>),
    /// A Namespace.
    Namespace(Box<NamespaceRow>),
    /// A ConfigMap.
    ConfigMap(Box<KeysRow>),
    /// A Secret.
    Secret(Box<KeysRow>),
    /// A Job.
    Job(Box<JobRow>),
    /// A CronJob.
    CronJob(Box<CronJobRow>),
    /// A row of the server's Table (a kind kdeck has no typed view of): its cells as the
    /// server printed them, in the order of the pane's [`ServerColumn`]s. Already one
    /// pointer and a length wide.
    Table(TableRow),
}

/// The cells of one server-side Table row.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TableRow {
    /// The cells, as text.
    pub cells: Box<[Box<str>]>,
}

/// A column the server's Table defines (`columnDefinitions`), for a generic pane.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct ServerColumn {
    /// Its name, e.g. `Ready` or a CRD's printer column's.
    pub name: String,
    /// `string`, `integer`, `number`, `boolean` or `date`.
    pub type_: String,
    /// `name`, `date` or empty.
    pub format: String,
    /// 0: shown by `kubectl get`; more: only with `-o wide`.
    pub priority: i32,
}

/// One object as the dashboard keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// Metadata.
    pub meta: Meta,
    /// Kind-specific data.
    pub detail: Detail,
    /// Health, for colour.
    pub health: Health,
}

/// The most a row slot may take inline: its metadata and a pod's detail. Every slot of
/// every store costs this whatever its kind, so a kind that would grow it is boxed in
/// [`Detail`]; the build fails if a change regrows it.
const ROW_SLOT_BYTES: usize = 256;
const _: () = assert!(size_of::<Option<Row>>() <= ROW_SLOT_BYTES);

/// The state of one watch, shown in the pane's title or status line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WatchState {
    /// Listing for the first time.
    Syncing,
    /// Listed and watching.
    Live,
    /// The watch dropped; retrying. Shown with how long ago the last update arrived, so
    /// nothing stale looks fresh.
    Reconnecting {
        /// Why the watch dropped (said once per outage).
        reason: String,
        /// When this watch last delivered a change (`None`: never).
        last_update: Option<jiff::Timestamp>,
    },
    /// The server does not serve this kind (e.g. EndpointSlices before 1.21): said once, never retried in a loop.
    Unavailable(String),
    /// The user may not list or watch this kind here (403).
    Forbidden(String),
    /// The server rejected the credentials (401), also when read again: the sentence to
    /// show (whose credentials, the server's words). Retried slowly.
    Unauthorized(String),
}

/// A list page's share of the rows its watch may have on their way to the app: given
/// back when the page is dropped, once the app took its rows. A watch reads no further
/// while its pages in flight hold the whole budget, so a list read faster than the app
/// takes it waits in the server's response (flow control), not in kdeck's memory: at
/// 50,000 pods, pages queued for a busy app held the runtime's threads' heaps at some
/// 60 MiB. Not part of what the update says: every claim equals every other, and a copy
/// holds none.
#[derive(Debug, Default)]
pub struct RowsClaim {
    /// Held only to be given back when dropped.
    _permit: Option<tokio::sync::OwnedSemaphorePermit>,
}

impl RowsClaim {
    /// A claim holding `permit` until it is dropped.
    pub fn holding(permit: tokio::sync::OwnedSemaphorePermit) -> Self {
        Self {
            _permit: Some(permit),
        }
    }
}

impl Clone for RowsClaim {
    fn clone(&self) -> Self {
        Self::default()
    }
}

impl PartialEq for RowsClaim {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

/// What the cluster layer sends to the app loop.
#[derive(Debug, Clone, PartialEq)]
pub enum ClusterUpdate {
    /// Rows of a list under way, sent page by page as they arrive so that the first ones
    /// are shown at once: added or replaced, every other row left as it is until the
    /// list's [`ClusterUpdate::Reset`].
    Listed {
        /// The kind.
        kind: Kind,
        /// The rows of this page.
        rows: Vec<Row>,
        /// The first page of a new list: the rows named from here on are the listed ones.
        first: bool,
        /// The page's share of the rows its watch may have on their way to the app,
        /// given back when the page is dropped (see [`RowsClaim`]).
        claim: RowsClaim,
    },
    /// The end of a list (initial list, relist after 410): `rows` and the rows of its
    /// [`ClusterUpdate::Listed`] pages are all the rows of the kind in the watched scope;
    /// every other row goes. Without `Listed` pages before, `rows` replace what was there.
    Reset {
        /// The kind.
        kind: Kind,
        /// The rows (after `Listed` pages: the list's last ones).
        rows: Vec<Row>,
    },
    /// Rows added or changed, batched.
    Applied {
        /// The kind.
        kind: Kind,
        /// The rows.
        rows: Vec<Row>,
    },
    /// Rows deleted, batched.
    Deleted {
        /// The kind.
        kind: Kind,
        /// Namespace and name of each deleted object.
        keys: Vec<(String, String)>,
    },
    /// The columns of a kind shown from the server's Table (sent before its rows).
    Columns {
        /// The kind.
        kind: Kind,
        /// The columns, in the order of the rows' cells.
        columns: Vec<ServerColumn>,
    },
    /// A watch changed state.
    State {
        /// The kind.
        kind: Kind,
        /// The new state.
        state: WatchState,
    },
}
