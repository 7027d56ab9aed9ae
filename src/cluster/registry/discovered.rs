//! The resources discovery found that kdeck has no typed view of (custom resources,
//! Jobs' cousins, RBAC, a kind served at a version kdeck's types do not speak): each is
//! given a [`ResourceId`] once, by group, version and plural, for the life of the
//! process, so a `Kind::Other(id)` is `Copy` and hashable like the built-in kinds. (The
//! version is part of the identity: two servers of one process, an old and a new one,
//! may serve EndpointSlices at v1beta1 and v1.)
//!
//! The table only grows (a few hundred entries on a cluster with many CRDs); what
//! discovery may change about a resource (verbs, short names) replaces the entry's facts.

use std::sync::{PoisonError, RwLock};

/// A discovered resource: an index into the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ResourceId(u32);

/// What discovery says of one resource.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ResourceFacts {
    /// API group ("" for the core group).
    pub group: String,
    /// The version to read and write (the group's preferred one that serves it).
    pub version: String,
    /// The API's kind name, e.g. `Widget`.
    pub api_kind: String,
    /// The resource name in URLs, e.g. `widgets`.
    pub plural: String,
    /// The singular, e.g. `widget` (the lowercased kind when the server gives none).
    pub singular: String,
    /// Whether objects live in a namespace.
    pub namespaced: bool,
    /// Short names, e.g. `wg`.
    pub short_names: Vec<String>,
    /// Verbs (`get`, `list`, `watch`, `create`, `update`, `patch`, `delete`...).
    pub verbs: Vec<String>,
    /// Categories, e.g. `all`.
    pub categories: Vec<String>,
    /// Subresources, e.g. `status`, `scale`.
    pub subresources: Vec<String>,
}

impl ResourceFacts {
    /// `apiVersion` as written in objects: `v1` or `demo.kdeck.dev/v1`.
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.clone()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// Whether the server offers `verb` on it.
    pub fn can(&self, verb: &str) -> bool {
        self.verbs.iter().any(|v| v == verb)
    }
}

static TABLE: RwLock<Vec<&'static ResourceFacts>> = RwLock::new(Vec::new());

/// The id of the resource `facts` names (by group, version and plural), its facts now
/// `facts`.
pub fn intern(facts: ResourceFacts) -> ResourceId {
    let mut table = TABLE.write().unwrap_or_else(PoisonError::into_inner);
    let found = table.iter().position(|f| {
        f.group == facts.group && f.version == facts.version && f.plural == facts.plural
    });
    let i = if let Some(i) = found {
        if *table[i] != facts {
            // Leaked: old facts may still be borrowed; a changed resource is rare.
            table[i] = Box::leak(Box::new(facts));
        }
        i
    } else {
        table.push(Box::leak(Box::new(facts)));
        table.len() - 1
    };
    ResourceId(u32::try_from(i).unwrap_or(u32::MAX))
}

/// The facts of `id`.
pub fn facts(id: ResourceId) -> &'static ResourceFacts {
    static UNKNOWN: ResourceFacts = ResourceFacts {
        group: String::new(),
        version: String::new(),
        api_kind: String::new(),
        plural: String::new(),
        singular: String::new(),
        namespaced: true,
        short_names: Vec::new(),
        verbs: Vec::new(),
        categories: Vec::new(),
        subresources: Vec::new(),
    };
    let table = TABLE.read().unwrap_or_else(PoisonError::into_inner);
    table.get(id.0 as usize).copied().unwrap_or(&UNKNOWN)
}

/// The id of the resource `plural` of `group` discovered last (at any version).
pub fn find(group: &str, plural: &str) -> Option<ResourceId> {
    let table = TABLE.read().unwrap_or_else(PoisonError::into_inner);
    table
        .iter()
        .rposition(|f| f.group == group && f.plural == plural)
        .and_then(|i| u32::try_from(i).ok())
        .map(ResourceId)
}

/// The id of the resource of `group` whose kind is `api_kind`, if it was discovered.
pub fn find_kind(group: &str, api_kind: &str) -> Option<ResourceId> {
    let table = TABLE.read().unwrap_or_else(PoisonError::into_inner);
    table
        .iter()
        .rposition(|f| f.group == group && f.api_kind == api_kind)
        .and_then(|i| u32::try_from(i).ok())
        .map(ResourceId)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn widgets(version: &str) -> ResourceFacts {
        ResourceFacts {
            group: "test.discovered.kdeck.dev".into(),
            version: version.into(),
            api_kind: "Widget".into(),
            plural: "widgets".into(),
            singular: "widget".into(),
            namespaced: true,
            verbs: vec!["list".into(), "watch".into()],
            ..ResourceFacts::default()
        }
    }

    #[test]
    fn the_same_resource_keeps_its_id_and_takes_new_facts() {
        let v1 = intern(widgets("v1"));
        assert_eq!(facts(v1).api_version(), "test.discovered.kdeck.dev/v1");
        let mut more = widgets("v1");
        more.verbs.push("delete".into());
        assert_eq!(intern(more), v1);
        assert!(facts(v1).can("watch") && facts(v1).can("delete"));
        let v2 = intern(widgets("v2"));
        assert_ne!(v1, v2, "another version is another resource");
        assert_eq!(facts(v1).version, "v1");
        assert_eq!(find("test.discovered.kdeck.dev", "widgets"), Some(v2));
        assert_eq!(find("test.discovered.kdeck.dev", "gadgets"), None);
    }
}
