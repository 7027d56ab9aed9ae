//! The kinds the embedded cluster serves: what discovery advertises and what the store keeps.
//!
//! A [`ResourceType`] is one stored kind (its table in the store, its storage version) with
//! the versions the server serves it in, which depend on the release the cluster stands for
//! ([`ServerVersion`]): CronJobs are stored as `batch/v1` and served as `batch/v1beta1` on
//! 1.20. The built-in kinds are the static table in `builtin`; the kinds that
//! CustomResourceDefinitions add at run time are in the store's [`Registry`].

mod builtin;
pub mod custom;
pub mod registry;
pub use crate::server_version;

pub use self::builtin::BUILTIN as RESOURCES;
pub use self::registry::Registry;
pub use self::server_version::ServerVersion;

/// One version a kind is served in, from release 1.`since` until before 1.`until`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Served {
    /// The version, e.g. `v1beta1`.
    pub version: &'static str,
    /// The first minor release that serves it.
    pub since: u16,
    /// The first minor release that no longer serves it.
    pub until: u16,
    /// Columns `kubectl get` shows for this version (a CRD's `additionalPrinterColumns`);
    /// empty for built-in kinds, whose columns are the server's printers.
    pub columns: &'static [PrinterColumn],
}

impl Served {
    /// Served in every release.
    pub const fn always(version: &'static str) -> Self {
        Self {
            version,
            since: 0,
            until: u16::MAX,
            columns: &[],
        }
    }

    /// Served from 1.`since` until before 1.`until`.
    pub const fn between(version: &'static str, since: u16, until: u16) -> Self {
        Self {
            version,
            since,
            until,
            columns: &[],
        }
    }

    /// Whether release `v` serves this version.
    pub fn in_release(&self, v: ServerVersion) -> bool {
        (self.since..self.until).contains(&v.minor())
    }
}

/// One `additionalPrinterColumns` entry of a CRD version.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PrinterColumn {
    /// The column header.
    pub name: &'static str,
    /// `string`, `integer`, `number`, `boolean` or `date`.
    pub type_: &'static str,
    /// An OpenAPI format, e.g. `int32`.
    pub format: &'static str,
    /// What the column shows.
    pub description: &'static str,
    /// 0 = always shown, 1 or more = only with `-o wide`.
    pub priority: i64,
    /// The simple JSONPath of the value in the object, e.g. `.spec.color`.
    pub json_path: &'static str,
}

/// One stored kind, as discovery describes it.
#[derive(Debug, PartialEq, Eq)]
pub struct ResourceType {
    /// API group ("" for the core group).
    pub group: &'static str,
    /// The version objects are stored in (and controllers read).
    pub version: &'static str,
    /// The versions the server may serve, by release (see [`Registry::versions_of`]).
    pub served: &'static [Served],
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
    /// Whether a CustomResourceDefinition defines the kind.
    pub custom: bool,
}

impl ResourceType {
    /// `apiVersion` of the stored form: `v1` or `apps/v1`.
    pub fn api_version(&self) -> String {
        self.api_version_of(self.version)
    }

    /// `apiVersion` of this kind in `version`.
    pub fn api_version_of(&self, version: &str) -> String {
        if self.group.is_empty() {
            version.to_string()
        } else {
            format!("{}/{version}", self.group)
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

    /// The versions release `v` serves, in the order of preference (see [`version_priority`]).
    pub fn versions_in(&self, v: ServerVersion) -> Vec<&'static str> {
        let mut out: Vec<&'static str> = self
            .served
            .iter()
            .filter(|s| s.in_release(v))
            .map(|s| s.version)
            .collect();
        out.sort_by(|a, b| version_priority(a).cmp(&version_priority(b)).reverse());
        out.dedup();
        out
    }

    /// The served version entry `version`, if there is one.
    pub fn served_version(&self, version: &str) -> Option<&'static Served> {
        self.served.iter().find(|s| s.version == version)
    }
}

/// How Kubernetes orders versions (`version.CompareKubeAwareVersionStrings`): GA before beta
/// before alpha, then the higher major, then the higher pre-release number; other strings last.
pub fn version_priority(version: &str) -> (u8, u32, u32) {
    let Some(rest) = version.strip_prefix('v') else {
        return (0, 0, 0);
    };
    let digits = rest.chars().take_while(char::is_ascii_digit).count();
    let Ok(major) = rest[..digits].parse::<u32>() else {
        return (0, 0, 0);
    };
    let tail = &rest[digits..];
    let pre = |prefix: &str| {
        tail.strip_prefix(prefix)
            .and_then(|n| n.parse::<u32>().ok())
    };
    if tail.is_empty() {
        (3, major, 0)
    } else if let Some(n) = pre("beta") {
        (2, major, n)
    } else if let Some(n) = pre("alpha") {
        (1, major, n)
    } else {
        (0, 0, 0)
    }
}

/// Read-only verbs, for callers that need to tell reads from writes.
pub const READ_ONLY_VERBS: &[&str] = &["get", "list", "watch"];

/// Finds a built-in type by group and plural (as in a URL).
pub fn by_plural(group: &str, plural: &str) -> Option<&'static ResourceType> {
    RESOURCES
        .iter()
        .find(|r| r.group == group && r.plural == plural)
}

/// Finds a built-in type by group and kind (as in an object's `apiVersion` + `kind`).
pub fn by_kind(group: &str, kind: &str) -> Option<&'static ResourceType> {
    RESOURCES
        .iter()
        .find(|r| r.group == group && r.kind == kind)
}

/// Finds a built-in type for an object's `apiVersion` and `kind` (any version it may be served in).
pub fn by_api_version_kind(api_version: &str, kind: &str) -> Option<&'static ResourceType> {
    let (group, version) = api_version.split_once('/').unwrap_or(("", api_version));
    RESOURCES.iter().find(|r| {
        r.group == group && r.kind == kind && r.served.iter().any(|s| s.version == version)
    })
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
        assert_eq!(
            by_api_version_kind("batch/v1beta1", "CronJob").map(|r| r.version),
            Some("v1")
        );
        assert!(by_plural("", "deployments").is_none());
    }

    #[test]
    fn keys_are_unique() {
        let mut keys: Vec<String> = RESOURCES.iter().map(ResourceType::key).collect();
        keys.sort();
        let n = keys.len();
        keys.dedup();
        assert_eq!(keys.len(), n);
    }

    #[test]
    fn versions_sort_as_kubernetes_sorts_them() {
        let mut v = vec!["v1beta1", "v2", "v1", "v2beta2", "v1alpha1", "foo", "v10"];
        v.sort_by(|a, b| version_priority(a).cmp(&version_priority(b)).reverse());
        assert_eq!(
            v,
            ["v10", "v2", "v1", "v2beta2", "v1beta1", "v1alpha1", "foo"]
        );
        let cronjobs = by_plural("batch", "cronjobs").unwrap();
        let at = |m| ServerVersion::new(m).unwrap();
        assert_eq!(cronjobs.versions_in(at(20)), ["v1beta1"]);
        assert_eq!(cronjobs.versions_in(at(21)), ["v1", "v1beta1"]);
        assert_eq!(cronjobs.versions_in(at(25)), ["v1"]);
        let hpa = by_plural("autoscaling", "horizontalpodautoscalers").unwrap();
        assert_eq!(hpa.versions_in(at(22)), ["v1", "v2beta2"]);
        assert_eq!(hpa.versions_in(at(23)), ["v2", "v1", "v2beta2"]);
        assert_eq!(hpa.versions_in(at(26)), ["v2", "v1"]);
    }
}
