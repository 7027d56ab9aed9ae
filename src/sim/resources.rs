//! The kinds the embedded cluster serves: what discovery advertises and what the store keeps.

/// One served resource type, as discovery describes it.
#[derive(Debug, PartialEq, Eq)]
pub struct ResourceType {
    /// API group ("" for the core group).
    pub group: &'static str,
    /// API version within the group.
    pub version: &'static str,
    /// Kind, e.g. `Deployment`.
    pub kind: &'static str,
    /// Plural resource name used in URLs, e.g. `deployments`.
    pub plural: &'static str,
    /// Singular name, e.g. `deployment`.
    pub singular: &'static str,
    /// Whether objects live in a namespace.
    pub namespaced: bool,
    /// kubectl short names, e.g. `deploy`.
    pub short_names: &'static [&'static str],
    /// Verbs discovery advertises for the main resource.
    pub verbs: &'static [&'static str],
    /// Subresources served, e.g. `status`, `scale`, `log`.
    pub subresources: &'static [&'static str],
    /// Discovery categories (`all` makes `kubectl get all` include it).
    pub categories: &'static [&'static str],
    /// Whether `metadata.generation` is maintained (bumped on spec changes).
    pub has_generation: bool,
}

impl ResourceType {
    /// `apiVersion` as written in objects: `v1` or `apps/v1`.
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.to_string()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// A key unique across groups, e.g. `deployments.apps` or `pods`.
    pub fn key(&self) -> String {
        if self.group.is_empty() {
            self.plural.to_string()
        } else {
            format!("{}.{}", self.plural, self.group)
        }
    }

    /// Whether this type serves the named subresource.
    pub fn has_subresource(&self, sub: &str) -> bool {
        self.subresources.contains(&sub)
    }
}

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
const READ_VERBS: &[&str] = &["get", "list", "watch"];
const CREATE_ONLY: &[&str] = &["create"];

macro_rules! rt {
    ($group:expr, $version:expr, $kind:expr, $plural:expr, $singular:expr, $ns:expr, $short:expr, $verbs:expr, $sub:expr, $cat:expr, $gen:expr) => {
        ResourceType {
            group: $group,
            version: $version,
            kind: $kind,
            plural: $plural,
            singular: $singular,
            namespaced: $ns,
            short_names: $short,
            verbs: $verbs,
            subresources: $sub,
            categories: $cat,
            has_generation: $gen,
        }
    };
}

/// Every resource type the embedded cluster serves.
pub static RESOURCES: &[ResourceType] = &[
    rt!(
        "",
        "v1",
        "Namespace",
        "namespaces",
        "namespace",
        false,
        &["ns"],
        &[
            "create", "delete", "get", "list", "patch", "update", "watch"
        ],
        &["status", "finalize"],
        &[],
        false
    ),
    rt!(
        "",
        "v1",
        "Node",
        "nodes",
        "node",
        false,
        &["no"],
        ALL_VERBS,
        &["status"],
        &[],
        false
    ),
    rt!(
        "",
        "v1",
        "Pod",
        "pods",
        "pod",
        true,
        &["po"],
        ALL_VERBS,
        &[
            "status",
            "log",
            "eviction",
            "binding",
            "exec",
            "attach",
            "portforward"
        ],
        &["all"],
        false
    ),
    rt!(
        "",
        "v1",
        "Service",
        "services",
        "service",
        true,
        &["svc"],
        &[
            "create",
            "delete",
            "deletecollection",
            "get",
            "list",
            "patch",
            "update",
            "watch"
        ],
        &["status"],
        &["all"],
        false
    ),
    rt!(
        "",
        "v1",
        "Endpoints",
        "endpoints",
        "endpoints",
        true,
        &["ep"],
        ALL_VERBS,
        &[],
        &[],
        false
    ),
    rt!(
        "",
        "v1",
        "Event",
        "events",
        "event",
        true,
        &["ev"],
        ALL_VERBS,
        &[],
        &[],
        false
    ),
    rt!(
        "",
        "v1",
        "ConfigMap",
        "configmaps",
        "configmap",
        true,
        &["cm"],
        ALL_VERBS,
        &[],
        &[],
        false
    ),
    rt!(
        "",
        "v1",
        "Secret",
        "secrets",
        "secret",
        true,
        &[],
        ALL_VERBS,
        &[],
        &[],
        false
    ),
    rt!(
        "",
        "v1",
        "ServiceAccount",
        "serviceaccounts",
        "serviceaccount",
        true,
        &["sa"],
        ALL_VERBS,
        &["token"],
        &[],
        false
    ),
    rt!(
        "apps",
        "v1",
        "Deployment",
        "deployments",
        "deployment",
        true,
        &["deploy"],
        ALL_VERBS,
        &["status", "scale"],
        &["all"],
        true
    ),
    rt!(
        "apps",
        "v1",
        "ReplicaSet",
        "replicasets",
        "replicaset",
        true,
        &["rs"],
        ALL_VERBS,
        &["status", "scale"],
        &["all"],
        true
    ),
    rt!(
        "apps",
        "v1",
        "StatefulSet",
        "statefulsets",
        "statefulset",
        true,
        &["sts"],
        ALL_VERBS,
        &["status", "scale"],
        &["all"],
        true
    ),
    rt!(
        "apps",
        "v1",
        "DaemonSet",
        "daemonsets",
        "daemonset",
        true,
        &["ds"],
        ALL_VERBS,
        &["status"],
        &["all"],
        true
    ),
    rt!(
        "apps",
        "v1",
        "ControllerRevision",
        "controllerrevisions",
        "controllerrevision",
        true,
        &[],
        ALL_VERBS,
        &[],
        &[],
        false
    ),
    rt!(
        "discovery.k8s.io",
        "v1",
        "EndpointSlice",
        "endpointslices",
        "endpointslice",
        true,
        &[],
        ALL_VERBS,
        &[],
        &[],
        false
    ),
    rt!(
        "events.k8s.io",
        "v1",
        "Event",
        "events",
        "event",
        true,
        &["ev"],
        ALL_VERBS,
        &[],
        &[],
        false
    ),
    rt!(
        "authorization.k8s.io",
        "v1",
        "SelfSubjectAccessReview",
        "selfsubjectaccessreviews",
        "selfsubjectaccessreview",
        false,
        &[],
        CREATE_ONLY,
        &[],
        &[],
        false
    ),
    rt!(
        "authorization.k8s.io",
        "v1",
        "SelfSubjectRulesReview",
        "selfsubjectrulesreviews",
        "selfsubjectrulesreview",
        true,
        &[],
        CREATE_ONLY,
        &[],
        &[],
        false
    ),
    rt!(
        "authentication.k8s.io",
        "v1",
        "SelfSubjectReview",
        "selfsubjectreviews",
        "selfsubjectreview",
        false,
        &[],
        CREATE_ONLY,
        &[],
        &[],
        false
    ),
];

/// Read-only verbs, for callers that need to tell reads from writes.
pub const READ_ONLY_VERBS: &[&str] = READ_VERBS;

/// Finds a type by group and plural (as in a URL).
pub fn by_plural(group: &str, plural: &str) -> Option<&'static ResourceType> {
    RESOURCES
        .iter()
        .find(|r| r.group == group && r.plural == plural)
}

/// Finds a type by group and kind (as in an object's `apiVersion` + `kind`).
pub fn by_kind(group: &str, kind: &str) -> Option<&'static ResourceType> {
    RESOURCES
        .iter()
        .find(|r| r.group == group && r.kind == kind)
}

/// Finds a type for an object's `apiVersion` and `kind`.
pub fn by_api_version_kind(api_version: &str, kind: &str) -> Option<&'static ResourceType> {
    let (group, version) = api_version.split_once('/').unwrap_or(("", api_version));
    RESOURCES
        .iter()
        .find(|r| r.group == group && r.version == version && r.kind == kind)
}

/// The groups served under `/apis`, in discovery order, with their versions.
pub fn groups() -> Vec<(&'static str, &'static str)> {
    let mut out: Vec<(&str, &str)> = Vec::new();
    for r in RESOURCES.iter().filter(|r| !r.group.is_empty()) {
        if !out.iter().any(|(g, _)| *g == r.group) {
            out.push((r.group, r.version));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups_find_the_tutorial_kinds() {
        assert_eq!(
            by_plural("apps", "deployments").map(|r| r.kind),
            Some("Deployment")
        );
        assert_eq!(
            by_kind("", "Pod").map(ResourceType::key).as_deref(),
            Some("pods")
        );
        assert_eq!(
            by_api_version_kind("apps/v1", "ReplicaSet").map(|r| r.plural),
            Some("replicasets")
        );
        assert!(by_plural("", "deployments").is_none());
        assert!(groups().contains(&("apps", "v1")));
    }

    #[test]
    fn keys_are_unique() {
        let mut keys: Vec<String> = RESOURCES.iter().map(ResourceType::key).collect();
        keys.sort();
        let n = keys.len();
        keys.dedup();
        assert_eq!(keys.len(), n);
    }
}
