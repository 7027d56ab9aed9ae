//! Which rows a watch keeps. The events of a namespace come by the ten thousand (about
//! five a pod after a scale-up, kept an hour), and the server cannot select a
//! Deployment's events by a field selector (its ReplicaSets' and pods' names only share
//! the Deployment's as a prefix). A watch that feeds only rollout views keeps the events
//! of their Deployments' objects and drops the rest as they are read, so the rollout view
//! of one Deployment never holds a namespace's events.

use crate::cluster::model::{Detail, Row};

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
    /// Whether a watch of this scope keeps `row`.
    pub fn keeps(&self, row: &Row) -> bool {
        let Self::EventsOf(deployments) = self else {
            return true;
        };
        let Detail::Event(event) = &row.detail else {
            return false;
        };
        if !matches!(
            event.object_kind.as_str(),
            "Deployment" | "ReplicaSet" | "Pod"
        ) {
            return false;
        }
        deployments.iter().any(|(namespace, name)| {
            *namespace == *row.meta.namespace && owned_by(&event.object_name, name)
        })
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
    use crate::cluster::model::{EventRow, Health, Meta};

    fn event(namespace: &str, kind: &str, name: &str) -> Row {
        Row {
            meta: Meta {
                namespace: namespace.into(),
                name: format!("{name}.17a"),
                ..Meta::default()
            },
            detail: Detail::Event(Box::new(EventRow {
                object_kind: kind.to_owned(),
                object_name: name.to_owned(),
                object_namespace: namespace.to_owned(),
                ..EventRow::default()
            })),
            health: Health::Neutral,
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
            assert!(scope.keeps(&kept), "{kept:?}");
        }
        for dropped in [
            event("other", "Pod", "web-6d4cf56db6-x2x9k"),
            event("default", "Pod", "webapp-5f7b-abcde"),
            event("default", "Deployment", "we"),
            event("default", "Service", "web"),
            event("default", "Pod", "db-0"),
        ] {
            assert!(!scope.keeps(&dropped), "{dropped:?}");
        }
        assert!(WatchScope::All.keeps(&event("x", "Pod", "db-0")));
    }
}
