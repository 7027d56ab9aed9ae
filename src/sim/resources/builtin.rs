//! The built-in kinds, in the order kube-apiserver lists their groups (`/api`, then `/apis`:
//! apps, events.k8s.io, authentication, authorization, autoscaling, batch, networking, policy,
//! rbac, storage, apiextensions, discovery), each with the releases that serve each version.

use super::{ResourceType, Served};

const ALL_VERBS: &[&str] = &[
    "create",
    "delete",
    "deletecollection",
    "get",
    "list",
    "patch",
    "update",
    "watch",
];
const CREATE_ONLY: &[&str] = &["create"];
const V1: &[Served] = &[Served::always("v1")];
const STATUS: &[&str] = &["status"];

/// A namespaced core `v1` kind with every verb, no subresource: the fields the entries change.
const CORE: ResourceType = ResourceType {
    group: "",
    version: "v1",
    served: V1,
    kind: "",
    plural: "",
    singular: "",
    namespaced: true,
    short_names: &[],
    verbs: ALL_VERBS,
    subresources: &[],
    categories: &[],
    has_generation: false,
    custom: false,
};

/// Every built-in kind the embedded cluster stores and serves.
pub static BUILTIN: &[ResourceType] = &[
    ResourceType {
        kind: "Namespace",
        plural: "namespaces",
        singular: "namespace",
        namespaced: false,
        short_names: &["ns"],
        verbs: &[
            "create", "delete", "get", "list", "patch", "update", "watch",
        ],
        subresources: &["status", "finalize"],
        ..CORE
    },
    ResourceType {
        kind: "Node",
        plural: "nodes",
        singular: "node",
        namespaced: false,
        short_names: &["no"],
        subresources: STATUS,
        ..CORE
    },
    ResourceType {
        kind: "Pod",
        plural: "pods",
        singular: "pod",
        short_names: &["po"],
        subresources: &[
            "status",
            "log",
            "eviction",
            "binding",
            "exec",
            "attach",
            "portforward",
        ],
        categories: &["all"],
        ..CORE
    },
    ResourceType {
        kind: "Service",
        plural: "services",
        singular: "service",
        short_names: &["svc"],
        subresources: STATUS,
        categories: &["all"],
        ..CORE
    },
    ResourceType {
        kind: "Endpoints",
        plural: "endpoints",
        singular: "endpoints",
        short_names: &["ep"],
        ..CORE
    },
    ResourceType {
        kind: "Event",
        plural: "events",
        singular: "event",
        short_names: &["ev"],
        ..CORE
    },
    ResourceType {
        kind: "ConfigMap",
        plural: "configmaps",
        singular: "configmap",
        short_names: &["cm"],
        ..CORE
    },
    ResourceType {
        kind: "Secret",
        plural: "secrets",
        singular: "secret",
        ..CORE
    },
    ResourceType {
        kind: "ServiceAccount",
        plural: "serviceaccounts",
        singular: "serviceaccount",
        short_names: &["sa"],
        subresources: &["token"],
        ..CORE
    },
    ResourceType {
        kind: "PersistentVolumeClaim",
        plural: "persistentvolumeclaims",
        singular: "persistentvolumeclaim",
        short_names: &["pvc"],
        subresources: STATUS,
        ..CORE
    },
    ResourceType {
        kind: "PersistentVolume",
        plural: "persistentvolumes",
        singular: "persistentvolume",
        namespaced: false,
        short_names: &["pv"],
        subresources: STATUS,
        ..CORE
    },
    ResourceType {
        group: "apps",
        kind: "Deployment",
        plural: "deployments",
        singular: "deployment",
        short_names: &["deploy"],
        subresources: &["status", "scale"],
        categories: &["all"],
        has_generation: true,
        ..CORE
    },
    ResourceType {
        group: "apps",
        kind: "ReplicaSet",
        plural: "replicasets",
        singular: "replicaset",
        short_names: &["rs"],
        subresources: &["status", "scale"],
        categories: &["all"],
        has_generation: true,
        ..CORE
    },
    ResourceType {
        group: "apps",
        kind: "StatefulSet",
        plural: "statefulsets",
        singular: "statefulset",
        short_names: &["sts"],
        subresources: &["status", "scale"],
        categories: &["all"],
        has_generation: true,
        ..CORE
    },
    ResourceType {
        group: "apps",
        kind: "DaemonSet",
        plural: "daemonsets",
        singular: "daemonset",
        short_names: &["ds"],
        subresources: STATUS,
        categories: &["all"],
        has_generation: true,
        ..CORE
    },
    ResourceType {
        group: "apps",
        kind: "ControllerRevision",
        plural: "controllerrevisions",
        singular: "controllerrevision",
        ..CORE
    },
    ResourceType {
        group: "events.k8s.io",
        kind: "Event",
        plural: "events",
        singular: "event",
        short_names: &["ev"],
        ..CORE
    },
    ResourceType {
        group: "authentication.k8s.io",
        kind: "SelfSubjectReview",
        plural: "selfsubjectreviews",
        singular: "selfsubjectreview",
        namespaced: false,
        // GA in 1.28 (beta, and on by default, in 1.27).
        served: &[Served::between("v1", 28, u16::MAX)],
        verbs: CREATE_ONLY,
        ..CORE
    },
    ResourceType {
        group: "authorization.k8s.io",
        kind: "SelfSubjectAccessReview",
        plural: "selfsubjectaccessreviews",
        singular: "selfsubjectaccessreview",
        namespaced: false,
        verbs: CREATE_ONLY,
        ..CORE
    },
    ResourceType {
        group: "authorization.k8s.io",
        kind: "SelfSubjectRulesReview",
        plural: "selfsubjectrulesreviews",
        singular: "selfsubjectrulesreview",
        verbs: CREATE_ONLY,
        ..CORE
    },
    ResourceType {
        group: "autoscaling",
        version: "v2",
        // v2 is GA in 1.23; v2beta2 is removed in 1.26. (v2beta1, served until 1.25 with
        // other metric fields, is not modelled.)
        served: &[
            Served::always("v1"),
            Served::between("v2beta2", 0, 26),
            Served::between("v2", 23, u16::MAX),
        ],
        kind: "HorizontalPodAutoscaler",
        plural: "horizontalpodautoscalers",
        singular: "horizontalpodautoscaler",
        short_names: &["hpa"],
        subresources: STATUS,
        categories: &["all"],
        ..CORE
    },
    ResourceType {
        group: "batch",
        kind: "Job",
        plural: "jobs",
        singular: "job",
        subresources: STATUS,
        categories: &["all"],
        has_generation: true,
        ..CORE
    },
    ResourceType {
        group: "batch",
        // batch/v1 is GA in 1.21; batch/v1beta1 is removed in 1.25.
        served: &[
            Served::between("v1beta1", 0, 25),
            Served::between("v1", 21, u16::MAX),
        ],
        kind: "CronJob",
        plural: "cronjobs",
        singular: "cronjob",
        short_names: &["cj"],
        subresources: STATUS,
        categories: &["all"],
        has_generation: true,
        ..CORE
    },
    ResourceType {
        group: "networking.k8s.io",
        kind: "IngressClass",
        plural: "ingressclasses",
        singular: "ingressclass",
        namespaced: false,
        ..CORE
    },
    ResourceType {
        group: "networking.k8s.io",
        kind: "Ingress",
        plural: "ingresses",
        singular: "ingress",
        short_names: &["ing"],
        subresources: STATUS,
        has_generation: true,
        ..CORE
    },
    ResourceType {
        group: "policy",
        // policy/v1 is GA in 1.21; policy/v1beta1 is removed in 1.25.
        served: &[
            Served::between("v1beta1", 0, 25),
            Served::between("v1", 21, u16::MAX),
        ],
        kind: "PodDisruptionBudget",
        plural: "poddisruptionbudgets",
        singular: "poddisruptionbudget",
        short_names: &["pdb"],
        subresources: STATUS,
        has_generation: true,
        ..CORE
    },
    ResourceType {
        group: "rbac.authorization.k8s.io",
        kind: "ClusterRoleBinding",
        plural: "clusterrolebindings",
        singular: "clusterrolebinding",
        namespaced: false,
        ..CORE
    },
    ResourceType {
        group: "rbac.authorization.k8s.io",
        kind: "ClusterRole",
        plural: "clusterroles",
        singular: "clusterrole",
        namespaced: false,
        ..CORE
    },
    ResourceType {
        group: "rbac.authorization.k8s.io",
        kind: "RoleBinding",
        plural: "rolebindings",
        singular: "rolebinding",
        ..CORE
    },
    ResourceType {
        group: "rbac.authorization.k8s.io",
        kind: "Role",
        plural: "roles",
        singular: "role",
        ..CORE
    },
    ResourceType {
        group: "storage.k8s.io",
        kind: "StorageClass",
        plural: "storageclasses",
        singular: "storageclass",
        namespaced: false,
        short_names: &["sc"],
        ..CORE
    },
    ResourceType {
        group: "apiextensions.k8s.io",
        kind: "CustomResourceDefinition",
        plural: "customresourcedefinitions",
        singular: "customresourcedefinition",
        namespaced: false,
        short_names: &["crd", "crds"],
        subresources: STATUS,
        categories: &["api-extensions"],
        has_generation: true,
        ..CORE
    },
    ResourceType {
        group: "discovery.k8s.io",
        // discovery.k8s.io/v1 is GA in 1.21; v1beta1 is removed in 1.25.
        served: &[
            Served::between("v1beta1", 0, 25),
            Served::between("v1", 21, u16::MAX),
        ],
        kind: "EndpointSlice",
        plural: "endpointslices",
        singular: "endpointslice",
        ..CORE
    },
];
