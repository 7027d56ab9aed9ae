//! The kinds one cluster serves: the built-in table, filtered by the release the cluster
//! stands for, and the kinds its CustomResourceDefinitions add and remove at run time.
//!
//! Custom kinds are `&'static` like the built-in ones, so that requests, watch events and
//! controllers hold a plain reference: each distinct definition is leaked once when a CRD
//! defines it (a few hundred bytes; a CRD applied again unchanged reuses its entry).

use std::sync::{PoisonError, RwLock};

use super::{RESOURCES, ResourceType, ServerVersion, version_priority};

/// The served kinds of one cluster.
#[derive(Debug, Default)]
pub struct Registry {
    release: ServerVersion,
    custom: RwLock<Vec<&'static ResourceType>>,
}

/// A group as discovery lists it: its name and its served versions, preferred first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupVersions {
    /// The group ("" for the core group).
    pub group: &'static str,
    /// Served versions, in the order of preference.
    pub versions: Vec<&'static str>,
}

impl Registry {
    /// The built-in kinds of release `release`, and no custom kind yet.
    pub fn new(release: ServerVersion) -> Self {
        Self {
            release,
            custom: RwLock::default(),
        }
    }

    /// The release the cluster stands for.
    pub fn release(&self) -> ServerVersion {
        self.release
    }

    fn custom(&self) -> Vec<&'static ResourceType> {
        self.custom
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Every stored kind, built-in first, served or not in this release.
    pub fn all(&self) -> Vec<&'static ResourceType> {
        let mut out: Vec<&'static ResourceType> = RESOURCES.iter().collect();
        out.extend(self.custom());
        out
    }

    /// The stored kind of `group` with this plural (a URL's), built-in or custom.
    pub fn by_plural(&self, group: &str, plural: &str) -> Option<&'static ResourceType> {
        self.all()
            .into_iter()
            .find(|r| r.group == group && r.plural == plural)
    }

    /// The stored kind of `group` with this kind (an object's).
    pub fn by_kind(&self, group: &str, kind: &str) -> Option<&'static ResourceType> {
        self.all()
            .into_iter()
            .find(|r| r.group == group && r.kind == kind)
    }

    /// The kind behind `/apis/GROUP/VERSION/PLURAL`, if this release serves it in `version`.
    pub fn served(
        &self,
        group: &str,
        version: &str,
        plural: &str,
    ) -> Option<&'static ResourceType> {
        self.by_plural(group, plural)
            .filter(|rt| self.versions_of(rt).contains(&version))
    }

    /// The versions this release serves `rt` in, preferred first (empty: not served).
    pub fn versions_of(&self, rt: &ResourceType) -> Vec<&'static str> {
        if rt.custom {
            // A CRD's versions do not depend on the release.
            let mut v: Vec<&'static str> = rt.served.iter().map(|s| s.version).collect();
            v.sort_by(|a, b| version_priority(a).cmp(&version_priority(b)).reverse());
            return v;
        }
        rt.versions_in(self.release)
    }

    /// The version clients use for `rt`: its group's preferred version when `rt` is served
    /// there, else its own most preferred one (`None` when this release does not serve it).
    pub fn preferred_version(&self, rt: &ResourceType) -> Option<&'static str> {
        let own = self.versions_of(rt);
        let group = self.groups().into_iter().find(|g| g.group == rt.group)?;
        group
            .versions
            .iter()
            .find(|v| own.contains(v))
            .copied()
            .or_else(|| own.first().copied())
    }

    /// The `apiVersion` clients use for `rt` (its stored one when the release does not serve it).
    pub fn preferred_api_version(&self, rt: &ResourceType) -> String {
        self.preferred_version(rt)
            .map_or_else(|| rt.api_version(), |v| rt.api_version_of(v))
    }

    /// The kinds served in `group`/`version`, in table order.
    pub fn served_in(&self, group: &str, version: &str) -> Vec<&'static ResourceType> {
        self.all()
            .into_iter()
            .filter(|r| r.group == group && self.versions_of(r).contains(&version))
            .collect()
    }

    /// Every served group with its versions: the core group first, then the built-in groups in
    /// kube-apiserver's order, then the custom groups by name. A group serving nothing is absent.
    pub fn groups(&self) -> Vec<GroupVersions> {
        let mut out: Vec<GroupVersions> = Vec::new();
        let mut custom = self.custom();
        custom.sort_by_key(|r| r.group);
        for rt in RESOURCES.iter().chain(custom) {
            let versions = self.versions_of(rt);
            if versions.is_empty() {
                continue;
            }
            match out.iter_mut().find(|g| g.group == rt.group) {
                Some(g) => {
                    for v in versions {
                        if !g.versions.contains(&v) {
                            g.versions.push(v);
                        }
                    }
                }
                None => out.push(GroupVersions {
                    group: rt.group,
                    versions,
                }),
            }
        }
        for g in &mut out {
            g.versions
                .sort_by(|a, b| version_priority(a).cmp(&version_priority(b)).reverse());
        }
        out
    }

    /// Serves `rt` (a custom kind) from now on, replacing the kind with its group and plural.
    /// An identical definition keeps the entry already there.
    pub fn register(&self, rt: ResourceType) {
        let mut custom = self.custom.write().unwrap_or_else(PoisonError::into_inner);
        let existing = custom
            .iter()
            .position(|r| r.group == rt.group && r.plural == rt.plural);
        if let Some(i) = existing {
            if *custom[i] == rt {
                return;
            }
            custom.remove(i);
        }
        custom.push(Box::leak(Box::new(rt)));
    }

    /// Stops serving the custom kind of `group` with this plural.
    pub fn unregister(&self, group: &str, plural: &str) {
        self.custom
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .retain(|r| !(r.group == group && r.plural == plural));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_follow_the_release() {
        let at = |m| Registry::new(ServerVersion::new(m).unwrap());
        let groups = at(20).groups();
        let find = |gs: &[GroupVersions], g: &str| {
            gs.iter().find(|x| x.group == g).map(|x| x.versions.clone())
        };
        assert_eq!(find(&groups, "batch").unwrap(), ["v1", "v1beta1"]);
        assert_eq!(find(&groups, "discovery.k8s.io").unwrap(), ["v1beta1"]);
        assert_eq!(find(&groups, "policy").unwrap(), ["v1beta1"]);
        assert_eq!(find(&groups, "autoscaling").unwrap(), ["v1", "v2beta2"]);
        assert!(
            find(&groups, "authentication.k8s.io").is_none(),
            "nothing served there before 1.28"
        );
        assert_eq!(groups[0].group, "");
        let newest = Registry::new(ServerVersion::NEWEST);
        assert_eq!(find(&newest.groups(), "autoscaling").unwrap(), ["v2", "v1"]);
        let hpa = newest
            .by_plural("autoscaling", "horizontalpodautoscalers")
            .unwrap();
        assert_eq!(newest.preferred_version(hpa), Some("v2"));
        assert_eq!(at(22).preferred_version(hpa), Some("v1"));
        let cj = newest.by_plural("batch", "cronjobs").unwrap();
        assert_eq!(at(20).preferred_api_version(cj), "batch/v1beta1");
        assert!(at(20).served("batch", "v1", "cronjobs").is_none());
        assert!(at(20).served("batch", "v1beta1", "cronjobs").is_some());
    }
}
