//! A Pod as its row reads it: kubectl's printPod inputs, nothing else.

use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, Time};
use serde::Deserialize;
use serde::de::IgnoredAny;

use super::{lean_meta, lean_resource};

/// A core/v1 Pod.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct Pod {
    /// Name, namespace, labels, owner...
    #[serde(default, deserialize_with = "lean_meta")]
    pub metadata: ObjectMeta,
    /// Its containers and node.
    pub spec: Option<PodSpec>,
    /// What the kubelet reports.
    pub status: Option<PodStatus>,
}

/// The parts of a pod's spec rows read.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PodSpec {
    /// The containers.
    #[serde(default)]
    pub containers: Vec<Container>,
    /// The init containers (sidecars among them: `restartPolicy: Always`).
    pub init_containers: Option<Vec<Container>>,
    /// The node it is bound to.
    pub node_name: Option<String>,
}

/// A container of the spec.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Container {
    /// Its name.
    pub name: String,
    /// Its image.
    pub image: Option<String>,
    /// `Always` for a sidecar init container.
    pub restart_policy: Option<String>,
    /// Its requests and limits (the CPU and memory columns compare use with them).
    pub resources: Option<Resources>,
}

/// A container's requests and limits.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct Resources {
    /// What the scheduler reserves for it.
    pub requests: Option<std::collections::BTreeMap<String, Quantity>>,
    /// What it may use at most.
    pub limits: Option<std::collections::BTreeMap<String, Quantity>>,
}

/// The parts of a pod's status rows read.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PodStatus {
    /// Pending, Running, Succeeded, Failed, Unknown.
    pub phase: Option<String>,
    /// Why it is in this state (Evicted, NodeLost...).
    pub reason: Option<String>,
    /// Its conditions.
    pub conditions: Option<Vec<PodCondition>>,
    /// Its containers' statuses.
    pub container_statuses: Option<Vec<ContainerStatus>>,
    /// Its init containers' statuses.
    pub init_container_statuses: Option<Vec<ContainerStatus>>,
    /// Its IP.
    #[serde(rename = "podIP")]
    pub pod_ip: Option<String>,
    /// Its IPs (the first is `podIP`).
    #[serde(rename = "podIPs")]
    pub pod_ips: Option<Vec<PodIp>>,
}

/// One IP of a pod.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct PodIp {
    /// The address.
    #[serde(default)]
    pub ip: String,
}

/// A condition of a pod.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct PodCondition {
    /// Ready, Initialized, PodScheduled...
    #[serde(rename = "type")]
    pub type_: String,
    /// "True", "False", "Unknown".
    pub status: String,
    /// Why (SchedulingGated...).
    pub reason: Option<String>,
}

/// The status of one container.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContainerStatus {
    /// The container's name.
    pub name: String,
    /// Whether it passes its readiness probe.
    #[serde(default)]
    pub ready: bool,
    /// How many times it restarted.
    #[serde(default)]
    pub restart_count: i32,
    /// Whether it started (its startup probe passed).
    pub started: Option<bool>,
    /// What it is doing now.
    pub state: Option<ContainerState>,
    /// How it last ended.
    pub last_state: Option<ContainerState>,
}

/// Running, waiting or terminated.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ContainerState {
    /// Running (since when is not read).
    pub running: Option<IgnoredAny>,
    /// Waiting, and why.
    pub waiting: Option<ContainerStateWaiting>,
    /// Terminated, and how.
    pub terminated: Option<ContainerStateTerminated>,
}

/// A waiting container.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ContainerStateWaiting {
    /// Why (CrashLoopBackOff, ImagePullBackOff...).
    pub reason: Option<String>,
}

/// A terminated container.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContainerStateTerminated {
    /// Its exit code.
    #[serde(default)]
    pub exit_code: i32,
    /// Why (Completed, Error, OOMKilled...).
    pub reason: Option<String>,
    /// The signal that ended it.
    pub signal: Option<i32>,
    /// When.
    pub finished_at: Option<Time>,
}

lean_resource!(Pod, k8s_openapi::api::core::v1::Pod);
