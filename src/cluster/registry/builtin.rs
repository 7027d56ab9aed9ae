//! The kinds kdeck has typed views of: their facts, in the order of [`Kind`].

use super::KindInfo;
use crate::cluster::columns;
use crate::cluster::model::Kind;

macro_rules! kind {
    ($kind:ident, $group:literal, $version:literal, $plural:literal, $singular:literal,
     $short:expr, $aliases:expr, $namespaced:literal, $title:literal, $columns:expr, $sort:expr) => {
        KindInfo {
            kind: Kind::$kind,
            group: $group,
            version: $version,
            api_kind: stringify!($kind),
            plural: $plural,
            singular: $singular,
            short_names: $short,
            aliases: $aliases,
            namespaced: $namespaced,
            title: $title,
            columns: $columns,
            sort: $sort,
        }
    };
}

/// The built-in kinds, in the order of [`Kind`].
pub(super) static BUILTIN: [KindInfo; 15] = [
    kind!(
        Pod,
        "",
        "v1",
        "pods",
        "pod",
        &["po"],
        &[],
        true,
        "Pods",
        &columns::POD,
        None
    ),
    kind!(
        ReplicaSet,
        "apps",
        "v1",
        "replicasets",
        "replicaset",
        &["rs"],
        &[],
        true,
        "ReplicaSets",
        &columns::REPLICA_SET,
        None
    ),
    kind!(
        Deployment,
        "apps",
        "v1",
        "deployments",
        "deployment",
        &["deploy"],
        &["dp"],
        true,
        "Deployments",
        &columns::DEPLOYMENT,
        None
    ),
    kind!(
        StatefulSet,
        "apps",
        "v1",
        "statefulsets",
        "statefulset",
        &["sts"],
        &[],
        true,
        "StatefulSets",
        &columns::STATEFUL_SET,
        None
    ),
    kind!(
        DaemonSet,
        "apps",
        "v1",
        "daemonsets",
        "daemonset",
        &["ds"],
        &[],
        true,
        "DaemonSets",
        &columns::DAEMON_SET,
        None
    ),
    kind!(
        Service,
        "",
        "v1",
        "services",
        "service",
        &["svc"],
        &[],
        true,
        "Services",
        &columns::SERVICE,
        None
    ),
    kind!(
        Endpoints,
        "",
        "v1",
        "endpoints",
        "endpoints",
        &["ep"],
        &[],
        true,
        "Endpoints",
        &columns::ENDPOINTS,
        None
    ),
    kind!(
        EndpointSlice,
        "discovery.k8s.io",
        "v1",
        "endpointslices",
        "endpointslice",
        &[],
        &["eps"],
        true,
        "EndpointSlices",
        &columns::ENDPOINT_SLICE,
        None
    ),
    // Most recent first, as a person reading events wants.
    kind!(
        Event,
        "",
        "v1",
        "events",
        "event",
        &["ev"],
        &[],
        true,
        "Events",
        &columns::EVENT,
        Some((0, true))
    ),
    kind!(
        Node,
        "",
        "v1",
        "nodes",
        "node",
        &["no"],
        &[],
        false,
        "Nodes",
        &columns::NODE,
        None
    ),
    kind!(
        Namespace,
        "",
        "v1",
        "namespaces",
        "namespace",
        &["ns"],
        &[],
        false,
        "Namespaces",
        &columns::NAMESPACE_PANE,
        None
    ),
    kind!(
        ConfigMap,
        "",
        "v1",
        "configmaps",
        "configmap",
        &["cm"],
        &[],
        true,
        "ConfigMaps",
        &columns::KEYS,
        None
    ),
    kind!(
        Secret,
        "",
        "v1",
        "secrets",
        "secret",
        &[],
        &["sec"],
        true,
        "Secrets",
        &columns::KEYS,
        None
    ),
    kind!(
        Job,
        "batch",
        "v1",
        "jobs",
        "job",
        &[],
        &[],
        true,
        "Jobs",
        &columns::JOB,
        None
    ),
    kind!(
        CronJob,
        "batch",
        "v1",
        "cronjobs",
        "cronjob",
        &["cj"],
        &[],
        true,
        "CronJobs",
        &columns::CRON_JOB,
        None
    ),
];
