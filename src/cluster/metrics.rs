//! Live CPU and memory use from the metrics API (`metrics.k8s.io/v1beta1`, what
//! metrics-server serves): one list request per poll, of the pods of the namespace shown
//! or of the nodes, read into compact [`PodSample`]s and [`NodeSample`]s. The API has no
//! watch: [`poller`] asks again at the configured interval, only while something on
//! screen shows use, and no more than once a minute where the API is missing (404, 503)
//! or forbidden (403).

mod pod_usages;
pub mod poller;

pub use pod_usages::{PodUsageRef, PodUsages, PodUsagesBuilder};

use std::collections::HashMap;

use jiff::Timestamp;
use serde::Deserialize;
use serde_json::Value;

use super::list_items::{ItemError, ListItems, read_each};
use crate::quantity::Quantity;

/// What a poll lists.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum MetricsTarget {
    /// The pods of a namespace (`None`: of all namespaces).
    Pods {
        /// The namespace.
        namespace: Option<String>,
    },
    /// The nodes (and how many pods each runs).
    Nodes,
}

/// What a container, a pod or a node uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Usage {
    /// CPU, in nanocores.
    pub cpu_nanos: u64,
    /// Memory (working set), in bytes.
    pub memory_bytes: u64,
}

impl Usage {
    /// CPU in millicores as `kubectl top` counts them (rounded up).
    pub fn cpu_millis(self) -> u64 {
        self.cpu_nanos.div_ceil(1_000_000)
    }

    /// Memory in MiB as `kubectl top` counts them (rounded down).
    pub fn memory_mib(self) -> u64 {
        self.memory_bytes / (1024 * 1024)
    }
}

impl std::ops::Add for Usage {
    type Output = Self;

    fn add(self, other: Self) -> Self {
        Self {
            cpu_nanos: self.cpu_nanos.saturating_add(other.cpu_nanos),
            memory_bytes: self.memory_bytes.saturating_add(other.memory_bytes),
        }
    }
}

/// What one pod uses, by container: an owned copy of what a [`PodUsages`] holds packed
/// (a sample's pods are read through [`PodUsageRef`]).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PodUsage {
    /// Each reported container's name and use, as the API lists them.
    pub containers: Vec<(String, Usage)>,
}

/// One poll of the pods' metrics.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct PodSample {
    /// The namespace listed (`None`: all).
    pub namespace: Option<String>,
    /// When the oldest metric in it was taken (`None`: no pod has metrics).
    pub taken: Option<Timestamp>,
    /// Use per pod, by namespace and name.
    pub pods: PodUsages,
}

/// One poll of the nodes' metrics.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NodeSample {
    /// When the oldest metric in it was taken.
    pub taken: Option<Timestamp>,
    /// Use per node.
    pub nodes: HashMap<String, Usage>,
    /// Pods not yet finished per node (`None`: the pods could not be listed).
    pub pods_per_node: Option<HashMap<String, u32>>,
}

/// What a poll found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MetricsReport {
    /// The pods' metrics.
    Pods(PodSample),
    /// The nodes' metrics.
    Nodes(NodeSample),
    /// The server has no metrics API (404, 503): the server's words.
    Unavailable(String),
    /// The user may not read metrics (403): the server's words.
    Forbidden(String),
    /// The request failed otherwise (the connection, a 500): asked again at the next poll.
    Failed(String),
}

/// The samples the panes read their use from, and whether the API is there at all.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Samples {
    /// The last pods' sample.
    pub pods: Option<PodSample>,
    /// The last nodes' sample.
    pub nodes: Option<NodeSample>,
    /// Why the server has no metrics (the cells say `n/a`).
    pub unavailable: Option<String>,
}

#[derive(Deserialize)]
struct List<T> {
    items: Vec<T>,
}

#[derive(Deserialize)]
struct Metadata {
    name: String,
    #[serde(default)]
    namespace: Option<String>,
}

#[derive(Deserialize)]
struct PodMetrics {
    metadata: Metadata,
    #[serde(default)]
    timestamp: Option<String>,
    #[serde(default)]
    containers: Vec<ContainerMetrics>,
}

#[derive(Deserialize)]
struct ContainerMetrics {
    name: String,
    #[serde(default)]
    usage: RawUsage,
}

/// A `usage` as the API sends it: only the two quantities read (no map a container).
#[derive(Deserialize, Default)]
struct RawUsage {
    cpu: Option<String>,
    memory: Option<String>,
}

#[derive(Deserialize)]
struct NodeMetrics {
    metadata: Metadata,
    #[serde(default)]
    timestamp: Option<String>,
    #[serde(default)]
    usage: RawUsage,
}

fn usage_of(raw: &RawUsage) -> Usage {
    let read = |q: &Option<String>| q.as_deref().and_then(Quantity::parse);
    Usage {
        cpu_nanos: read(&raw.cpu).map_or(0, |q| u64::try_from(q.nanos()).unwrap_or(0)),
        memory_bytes: read(&raw.memory).map_or(0, |q| u64::try_from(q.value_ceil()).unwrap_or(0)),
    }
}

fn oldest<'a>(stamps: impl Iterator<Item = Option<&'a String>>) -> Option<Timestamp> {
    stamps
        .filter_map(|t| t.and_then(|t| t.parse::<Timestamp>().ok()))
        .min()
}

/// A `PodMetricsList` (its JSON text) read into a sample of `namespace`: straight into
/// the sample's own types, never a `serde_json::Value` (a tree of maps a pod, about 3 KB
/// each, which for every pod of a large cluster at each poll was kdeck's largest
/// allocation).
pub fn read_pods(namespace: Option<String>, list: &str) -> Result<PodSample, String> {
    let mut sampling = PodSampling::default();
    let mut items = ListItems::default();
    items
        .feed::<ItemError>(list.as_bytes(), |text| {
            sampling.add(&serde_json::from_slice(text)?);
            Ok(())
        })
        .map_err(|e| format!("unreadable PodMetricsList: {}", kube::Error::from(e)))?;
    if !items.complete() {
        return Err("unreadable PodMetricsList: it ends part way".to_owned());
    }
    Ok(sampling.done(namespace))
}

/// A `PodMetricsList` read from `body` as it arrives, each pod's metrics into the sample
/// as soon as they are in: neither the list's text nor its decoded items are held whole
/// (at 50,000 pods the text alone is some 15 MB).
pub async fn read_pods_from(
    namespace: Option<String>,
    body: impl futures::AsyncBufRead,
) -> kube::Result<PodSample> {
    let mut sampling = PodSampling::default();
    read_each(body, |p| sampling.add(&p)).await?;
    Ok(sampling.done(namespace))
}

/// A pods' sample in the making.
#[derive(Default)]
struct PodSampling {
    taken: Option<Timestamp>,
    pods: PodUsagesBuilder,
}

impl PodSampling {
    fn add(&mut self, p: &PodMetrics) {
        if let Some(at) = oldest(std::iter::once(p.timestamp.as_ref())) {
            self.taken = Some(self.taken.map_or(at, |t| t.min(at)));
        }
        self.pods.add(
            p.metadata.namespace.as_deref().unwrap_or_default(),
            &p.metadata.name,
            p.containers
                .iter()
                .map(|c| (c.name.as_str(), usage_of(&c.usage))),
        );
    }

    fn done(self, namespace: Option<String>) -> PodSample {
        PodSample {
            namespace,
            taken: self.taken,
            pods: self.pods.finish(),
        }
    }
}

/// A `NodeMetricsList` read into a sample (without pod counts).
pub fn read_nodes(list: &str) -> Result<NodeSample, String> {
    let list: List<NodeMetrics> =
        serde_json::from_str(list).map_err(|e| format!("unreadable NodeMetricsList: {e}"))?;
    Ok(NodeSample {
        taken: oldest(list.items.iter().map(|n| n.timestamp.as_ref())),
        nodes: list
            .items
            .into_iter()
            .map(|n| {
                let usage = usage_of(&n.usage);
                (n.metadata.name, usage)
            })
            .collect(),
        pods_per_node: None,
    })
}

/// How many rows of a pods Table (its JSON text) each node has (its `Node` column).
pub fn count_by_node(table: &str) -> Option<HashMap<String, u32>> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Table {
        column_definitions: Vec<Column>,
        rows: Vec<TableRow>,
    }
    #[derive(Deserialize)]
    struct Column {
        name: String,
    }
    #[derive(Deserialize)]
    struct TableRow {
        cells: Vec<Value>,
    }
    let table: Table = serde_json::from_str(table).ok()?;
    let column = table
        .column_definitions
        .iter()
        .position(|c| c.name == "Node")?;
    let mut counts = HashMap::new();
    for row in &table.rows {
        if let Some(node) = row
            .cells
            .get(column)
            .and_then(Value::as_str)
            .filter(|n| !n.is_empty() && *n != "<none>")
        {
            *counts.entry(node.to_owned()).or_insert(0) += 1;
        }
    }
    Some(counts)
}

#[cfg(test)]
mod tests;
