//! One registry of the kinds kdeck knows: for each, its API group and version, the
//! API's kind name, plural and singular, short names, whether it lives in a namespace,
//! and the columns its pane shows. Everything else asks here (`kind.plural()`,
//! `kind.api_resource()`, [`Kind::lookup`]) instead of keeping its own `match kind`.

use kube::api::ApiResource;

mod builtin;
pub mod catalog;
pub mod discovered;

use self::builtin::BUILTIN;
pub use self::catalog::Catalog;
pub use self::discovered::{ResourceFacts, ResourceId};
use super::columns::Column;
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

impl Kind {
    /// Every kind kdeck has a typed view of.
    pub fn all() -> impl Iterator<Item = Kind> {
        BUILTIN.iter().map(|info| info.kind)
    }

    /// The facts about a kind kdeck has a typed view of; `None` for a discovered one
    /// (see [`Kind::facts`]).
    pub fn info(self) -> Option<&'static KindInfo> {
        let info = BUILTIN.iter().find(|info| info.kind == self);
        debug_assert!(info.is_some() || matches!(self, Kind::Other(_)));
        info
    }

    /// The facts of a discovered kind (`Kind::Other`).
    pub fn facts(self) -> Option<&'static ResourceFacts> {
        match self {
            Kind::Other(id) => Some(discovered::facts(id)),
            _ => None,
        }
    }

    /// Whether this is CustomResourceDefinitions' kind: deleting one deletes every
    /// object of the resource it defines.
    pub fn is_resource_definition(self) -> bool {
        use k8s_openapi::Resource as _;
        use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition as Crd;
        self.facts()
            .is_some_and(|f| f.group == Crd::GROUP && f.api_kind == Crd::KIND)
    }

    /// A discovered resource's kind: its typed kind when kdeck has one at that version.
    pub fn of_resource(id: ResourceId) -> Kind {
        let facts = discovered::facts(id);
        BUILTIN
            .iter()
            .find(|info| {
                info.group == facts.group
                    && info.plural == facts.plural
                    && info.version == facts.version
            })
            .map_or(Kind::Other(id), |info| info.kind)
    }

    /// kubectl's singular: `deployment` (as in `deployment/web`).
    pub fn word(self) -> &'static str {
        match (self.info(), self.facts()) {
            (Some(info), _) => info.singular,
            (None, Some(facts)) => &facts.singular,
            (None, None) => "object",
        }
    }

    /// The resource name: `deployments`, also the pane's title (as k9s titles it).
    pub fn plural(self) -> &'static str {
        match (self.info(), self.facts()) {
            (Some(info), _) => info.plural,
            (None, Some(facts)) => &facts.plural,
            (None, None) => "objects",
        }
    }

    /// The plural in sentences: `EndpointSlices` (a discovered kind's plural as it is).
    pub fn title(self) -> &'static str {
        self.info().map_or_else(|| self.plural(), |info| info.title)
    }

    /// The API's kind name: `Deployment`.
    pub fn api_kind(self) -> &'static str {
        match (self.info(), self.facts()) {
            (Some(info), _) => info.api_kind,
            (None, Some(facts)) => &facts.api_kind,
            (None, None) => "",
        }
    }

    /// The API group ("" for the core group).
    pub fn group(self) -> &'static str {
        match (self.info(), self.facts()) {
            (Some(info), _) => info.group,
            (None, Some(facts)) => &facts.group,
            (None, None) => "",
        }
    }

    /// Whether objects of this kind live in a namespace.
    pub fn namespaced(self) -> bool {
        match (self.info(), self.facts()) {
            (Some(info), _) => info.namespaced,
            (None, Some(facts)) => facts.namespaced,
            (None, None) => true,
        }
    }

    /// kubectl's resource with its group: `deployment.apps`, `pod`.
    pub fn qualified(self) -> String {
        if self.group().is_empty() {
            self.word().to_owned()
        } else {
            format!("{}.{}", self.word(), self.group())
        }
    }

    /// The resource with its group, as `:` takes it when a name is ambiguous:
    /// `certificates.cert-manager.io`, `pods`.
    pub fn qualified_plural(self) -> String {
        if self.group().is_empty() {
            self.plural().to_owned()
        } else {
            format!("{}.{}", self.plural(), self.group())
        }
    }

    /// How kubectl names an object in messages: `deployment.apps "web"`, `pod "web-1"`.
    pub fn kubectl_name(self, name: &str) -> String {
        format!("{} {name:?}", self.qualified())
    }

    /// The API resource, for kube-rs's dynamic API.
    pub fn api_resource(self) -> ApiResource {
        let (group, version) = match (self.info(), self.facts()) {
            (Some(info), _) => (info.group, info.version),
            (None, Some(facts)) => (facts.group.as_str(), facts.version.as_str()),
            (None, None) => ("", "v1"),
        };
        let api_version = if group.is_empty() {
            version.to_owned()
        } else {
            format!("{group}/{version}")
        };
        ApiResource {
            group: group.to_owned(),
            version: version.to_owned(),
            api_version,
            kind: self.api_kind().to_owned(),
            plural: self.plural().to_owned(),
        }
    }

    /// The kind an object's `kind` field names (`Deployment`), among the typed kinds.
    pub fn of_api_kind(api_kind: &str) -> Option<Kind> {
        BUILTIN
            .iter()
            .find(|info| info.api_kind == api_kind)
            .map(|info| info.kind)
    }

    /// The kind named by an object's `apiVersion` and `kind`: a typed kind, else a
    /// discovered one of that group.
    pub fn of_object(object: &serde_json::Value) -> Option<Kind> {
        let api_kind = object["kind"].as_str()?;
        if let Some(kind) = Self::of_api_kind(api_kind) {
            return Some(kind);
        }
        let group = object["apiVersion"]
            .as_str()
            .and_then(|v| v.rsplit_once('/'))
            .map_or("", |(group, _)| group);
        discovered::find_kind(group, api_kind).map(Kind::Other)
    }

    /// The kind a `:` command word names among the typed kinds: plural, singular, short
    /// name, kdeck alias, or `plural.group` (`deployments.apps`), in any case. Discovered
    /// kinds are looked up in the [`Catalog`] of the connection.
    pub fn lookup(word: &str) -> Option<Kind> {
        let word = word.to_ascii_lowercase();
        BUILTIN
            .iter()
            .find(|info| {
                info.kind.names().any(|n| n == word) || {
                    !info.group.is_empty()
                        && word
                            .strip_prefix(info.plural)
                            .and_then(|rest| rest.strip_prefix('.'))
                            == Some(info.group)
                }
            })
            .map(|info| info.kind)
    }

    /// Every name [`Kind::lookup`] takes for this kind, the plural first.
    pub fn names(self) -> Box<dyn Iterator<Item = &'static str>> {
        match (self.info(), self.facts()) {
            (Some(info), _) => Box::new(
                [info.plural, info.singular]
                    .into_iter()
                    .chain(info.short_names.iter().copied())
                    .chain(info.aliases.iter().copied()),
            ),
            (None, Some(facts)) => Box::new(
                [facts.plural.as_str(), facts.singular.as_str()]
                    .into_iter()
                    .chain(facts.short_names.iter().map(String::as_str)),
            ),
            (None, None) => Box::new(std::iter::empty()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_in_the_order_of_kind_and_names_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for info in &BUILTIN {
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
