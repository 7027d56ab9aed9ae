//! Which rows a watch keeps. The events of a namespace come by the ten thousand (about
//! five a pod after a scale-up, kept an hour), and the server cannot select a
//! Deployment's events by a field selector (its ReplicaSets' and pods' names only share
//! the Deployment's as a prefix). A watch that feeds only rollout views keeps the events
//! of their Deployments' objects and drops the rest as they are read, so the rollout view
//! of one Deployment never holds a namespace's events.

/// The object an event is about (its involvedObject), as a watch reads it before any
/// row is built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct About<'a> {
    /// Its kind.
    pub kind: &'a str,
    /// Its namespace.
    pub namespace: &'a str,
    /// Its name.
    pub name: &'a str,
}

/// The rows a watch keeps.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum WatchScope {
    /// Every row.
    #[default]
    All,
    /// Only events about these Deployments (namespace, name), their ReplicaSets and
    /// their pods: an involved object of kind Deployment, ReplicaSet or Pod in that
    /// namespace, named as the Deployment or starting with its name and a dash, as
    /// the controllers name what they create.
    EventsOf(Vec<(String, String)>),
}

impl WatchScope {
    /// Whether a watch of this scope keeps an object about `about` (`None`: an object
    /// that is not an event), judged before its row is built.
    pub fn keeps(&self, about: Option<About<'_>>) -> bool {
        let Self::EventsOf(deployments) = self else {
            return true;
        };
        let Some(about) = about else {
            return false;
        };
        if !matches!(about.kind, "Deployment" | "ReplicaSet" | "Pod") {
            return false;
        }
        deployments
            .iter()
            .any(|(namespace, name)| namespace == about.namespace && owned_by(about.name, name))
    }
}

/// Whether `object` is Deployment `deployment` or named as one of its ReplicaSets or
/// their pods are (`deployment-HASH`, `deployment-HASH-SUFFIX`).
fn owned_by(object: &str, deployment: &str) -> bool {
    object
        .strip_prefix(deployment)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event<'a>(namespace: &'a str, kind: &'a str, name: &'a str) -> About<'a> {
        About {
            kind,
            namespace,
            name,
        }
    }

    #[test]
    fn a_deployments_scope_keeps_the_events_of_its_objects_only() {
        let scope = WatchScope::EventsOf(vec![("default".into(), "web".into())]);
        for kept in [
            event("default", "Deployment", "web"),
            event("default", "ReplicaSet", "web-6d4cf56db6"),
            event("default", "Pod", "web-6d4cf56db6-x2x9k"),
        ] {
            assert!(scope.keeps(Some(kept)), "{kept:?}");
        }
        for dropped in [
            event("other", "Pod", "web-6d4cf56db6-x2x9k"),
            event("default", "Pod", "webapp-5f7b-abcde"),
            event("default", "Deployment", "we"),
            event("default", "Service", "web"),
            event("default", "Pod", "db-0"),
        ] {
            assert!(!scope.keeps(Some(dropped)), "{dropped:?}");
        }
        assert!(!scope.keeps(None), "an object that is not an event");
        assert!(WatchScope::All.keeps(Some(event("x", "Pod", "db-0"))));
        assert!(WatchScope::All.keeps(None));
    }
}
