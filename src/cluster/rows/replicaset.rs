//! ReplicaSets: DESIRED, CURRENT, READY, their revision and template hash.

use k8s_openapi::api::apps::v1::ReplicaSet;
use kube::{Api, Client};

use super::{ToRow, match_labels, namespaced_api, revision, template_images};
use crate::cluster::model::{Detail, Health, Kind, ReplicaSetRow};

impl ToRow for ReplicaSet {
    const KIND: Kind = Kind::ReplicaSet;

    fn detail(&self) -> (Detail, Health) {
        let spec = self.spec.as_ref();
        let status = self.status.as_ref();
        let annotations = self.metadata.annotations.as_ref();
        let row = ReplicaSetRow {
            desired: spec.and_then(|s| s.replicas).unwrap_or(1),
            current: status.map_or(0, |s| s.replicas),
            ready: status.and_then(|s| s.ready_replicas).unwrap_or(0),
            available: status.and_then(|s| s.available_replicas).unwrap_or(0),
            revision: revision(&self.metadata),
            images: spec
                .and_then(|s| s.template.as_ref())
                .map(template_images)
                .unwrap_or_default(),
            template_hash: self
                .metadata
                .labels
                .as_ref()
                .and_then(|l| l.get("pod-template-hash").cloned()),
            change_cause: annotations.and_then(|a| a.get("kubernetes.io/change-cause").cloned()),
            selector: spec.map(|s| match_labels(&s.selector)).unwrap_or_default(),
        };
        let health = if self.metadata.deletion_timestamp.is_some() {
            Health::Dim
        } else if row.desired == 0 && row.current == 0 {
            Health::Neutral
        } else if row.ready >= row.desired && row.current == row.desired {
            Health::Ok
        } else {
            Health::Warn
        };
        (Detail::ReplicaSet(Box::new(row)), health)
    }

    fn api(client: Client, namespace: Option<&str>) -> Api<Self> {
        namespaced_api(client, namespace)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_revision_hash_and_images() {
        let rs: ReplicaSet = serde_json::from_value(serde_json::json!({
            "metadata": {"name": "web-5d4f", "namespace": "default",
                "labels": {"app": "web", "pod-template-hash": "5d4f"},
                "annotations": {"deployment.kubernetes.io/revision": "3", "kubernetes.io/change-cause": "set image"}},
            "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}},
                "template": {"spec": {"containers": [{"name": "c", "image": "nginx:1.25"}]}}},
            "status": {"replicas": 3, "readyReplicas": 2, "availableReplicas": 2}
        }))
        .unwrap();
        let row = rs.to_row();
        let Detail::ReplicaSet(d) = &row.detail else {
            panic!("{row:?}")
        };
        assert_eq!((d.desired, d.current, d.ready, d.available), (3, 3, 2, 2));
        assert_eq!(d.revision, Some(3));
        assert_eq!(d.template_hash.as_deref(), Some("5d4f"));
        assert_eq!(d.change_cause.as_deref(), Some("set image"));
        assert_eq!(d.images, ["nginx:1.25"]);
        assert_eq!(d.selector.get("app").map(String::as_str), Some("web"));
        assert_eq!(row.health, Health::Warn);
    }
}
