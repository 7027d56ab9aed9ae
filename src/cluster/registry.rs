//! One registry of the kinds kdeck knows: for each, its API group and version, the
//! API's kind name, plural and singular, short names, whether it lives in a namespace,
//! and the columns its pane shows. Everything else asks here (`kind.plural()`,
//! `kind.api_resource()`, [`Kind::lookup`]) instead of keeping its own `match kind`.

use kube::api::ApiResource;

use super::columns::{self, Column};
use super::model::Kind;

/// The facts about one kind.
pub struct KindInfo {
    /// The kind.
    pub kind: Kind,
    /// API group ("" for the core group).
    pub group: &'static str,
    /// The version kdeck reads and writes.
    pub version: &'static str,
    /// The API's kind name, e.g. `Deployment`.
    pub api_kind: &'static str,
    /// The resource name in URLs and `:` commands, e.g. `deployments`.
    pub plural: &'static str,
    /// kubectl's singular, e.g. `deployment` (as in `deployment/web`).
    pub singular: &'static str,
    /// The server's short names, e.g. `deploy`.
    pub short_names: &'static [&'static str],
    /// kdeck's own extra names for `:` (k9s's `dp`, `sec`).
    pub aliases: &'static [&'static str],
    /// Whether objects live in a namespace.
    pub namespaced: bool,
    /// The plural in sentences, e.g. `EndpointSlices`.
    pub title: &'static str,
    /// The pane's columns (NAMESPACE is added in front for all namespaces).
    pub columns: &'static [Column],
    /// The column of its own the pane sorts by at first, and whether reversed; `None`:
    /// the first column shown (NAMESPACE, when shown).
    pub sort: Option<(usize, bool)>,
}

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
static BUILTIN: [KindInfo; 13] = [
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
];

impl Kind {
    /// Every kind kdeck knows.
    pub fn all() -> impl Iterator<Item = Kind> {
        BUILTIN.iter().map(|info| info.kind)
    }

    /// The facts about this kind.
    pub fn info(self) -> &'static KindInfo {
        let info = &BUILTIN[self as usize];
        debug_assert_eq!(info.kind, self, "BUILTIN is in the order of Kind");
        info
    }

    /// kubectl's singular: `deployment` (as in `deployment/web`).
    pub fn word(self) -> &'static str {
        self.info().singular
    }

    /// The resource name: `deployments`, also the pane's title (as k9s titles it).
    pub fn plural(self) -> &'static str {
        self.info().plural
    }

    /// The plural in sentences: `EndpointSlices`.
    pub fn title(self) -> &'static str {
        self.info().title
    }

    /// Whether objects of this kind live in a namespace.
    pub fn namespaced(self) -> bool {
        self.info().namespaced
    }

    /// kubectl's resource with its group: `deployment.apps`, `pod`.
    pub fn qualified(self) -> String {
        let info = self.info();
        if info.group.is_empty() {
            info.singular.to_owned()
        } else {
            format!("{}.{}", info.singular, info.group)
        }
    }

    /// How kubectl names an object in messages: `deployment.apps "web"`, `pod "web-1"`.
    pub fn kubectl_name(self, name: &str) -> String {
        format!("{} {name:?}", self.qualified())
    }

    /// The API resource, for kube-rs's dynamic API.
    pub fn api_resource(self) -> ApiResource {
        let info = self.info();
        let api_version = if info.group.is_empty() {
            info.version.to_owned()
        } else {
            format!("{}/{}", info.group, info.version)
        };
        ApiResource {
            group: info.group.to_owned(),
            version: info.version.to_owned(),
            api_version,
            kind: info.api_kind.to_owned(),
            plural: info.plural.to_owned(),
        }
    }

    /// The kind an object's `kind` field names (`Deployment`), among those kdeck knows.
    pub fn of_api_kind(api_kind: &str) -> Option<Kind> {
        BUILTIN
            .iter()
            .find(|info| info.api_kind == api_kind)
            .map(|info| info.kind)
    }

    /// The kind named by an object's `kind` field, among those kdeck knows.
    pub fn of_object(object: &serde_json::Value) -> Option<Kind> {
        Self::of_api_kind(object["kind"].as_str()?)
    }

    /// The kind a `:` command word names: plural, singular, short name, kdeck alias, or
    /// `plural.group` (`deployments.apps`), in any case.
    pub fn lookup(word: &str) -> Option<Kind> {
        let word = word.to_ascii_lowercase();
        BUILTIN
            .iter()
            .find(|info| {
                info.plural == word
                    || info.singular == word
                    || info.short_names.contains(&word.as_str())
                    || info.aliases.contains(&word.as_str())
                    || (!info.group.is_empty()
                        && word
                            .strip_prefix(info.plural)
                            .and_then(|rest| rest.strip_prefix('.'))
                            == Some(info.group))
            })
            .map(|info| info.kind)
    }

    /// Every name [`Kind::lookup`] takes for this kind, the plural first.
    pub fn names(self) -> impl Iterator<Item = &'static str> {
        let info = self.info();
        [info.plural, info.singular]
            .into_iter()
            .chain(info.short_names.iter().copied())
            .chain(info.aliases.iter().copied())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_in_the_order_of_kind_and_names_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for (i, info) in BUILTIN.iter().enumerate() {
            assert_eq!(info.kind as usize, i, "{}", info.plural);
            for name in info.kind.names() {
                assert!(
                    seen.insert(name) || name == info.singular,
                    "{name} names two kinds"
                );
            }
        }
    }

    #[test]
    fn lookup_takes_every_kubectl_name() {
        assert_eq!(Kind::lookup("deploy"), Some(Kind::Deployment));
        assert_eq!(Kind::lookup("Deployments"), Some(Kind::Deployment));
        assert_eq!(Kind::lookup("deployments.apps"), Some(Kind::Deployment));
        assert_eq!(Kind::lookup("dp"), Some(Kind::Deployment));
        assert_eq!(Kind::lookup("ep"), Some(Kind::Endpoints));
        assert_eq!(Kind::lookup("pods.apps"), None);
        assert_eq!(Kind::lookup("widgets"), None);
    }

    #[test]
    fn api_facts() {
        assert_eq!(Kind::Deployment.qualified(), "deployment.apps");
        assert_eq!(Kind::Pod.kubectl_name("web-1"), "pod \"web-1\"");
        assert_eq!(
            Kind::EndpointSlice.kubectl_name("s"),
            "endpointslice.discovery.k8s.io \"s\""
        );
        let ar = Kind::EndpointSlice.api_resource();
        assert_eq!(ar.api_version, "discovery.k8s.io/v1");
        assert_eq!(ar.plural, "endpointslices");
        assert_eq!(Kind::of_api_kind("Deployment"), Some(Kind::Deployment));
        assert_eq!(Kind::of_api_kind("Widget"), None);
        let secret = serde_json::json!({"apiVersion": "v1", "kind": "Secret"});
        assert_eq!(Kind::of_object(&secret), Some(Kind::Secret));
        assert!(!Kind::Node.namespaced());
    }
}
