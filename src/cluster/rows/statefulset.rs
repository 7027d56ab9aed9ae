//! StatefulSets.

use k8s_openapi::api::apps::v1::StatefulSet;
use kube::{Api, Client};

use super::{ToRow, namespaced_api, template_images};
use crate::cluster::model::{Detail, Health, Kind, StatefulSetRow};

impl ToRow for StatefulSet {
    const KIND: Kind = Kind::StatefulSet;

    fn detail(&self) -> (Detail, Health) {
        let spec = self.spec.as_ref();
        let row = StatefulSetRow {
            desired: spec.and_then(|s| s.replicas).unwrap_or(1),
            ready: self
                .status
                .as_ref()
                .and_then(|s| s.ready_replicas)
                .unwrap_or(0),
            images: spec
                .map(|s| template_images(&s.template))
                .unwrap_or_default(),
        };
        let health = if self.metadata.deletion_timestamp.is_some() {
            Health::Dim
        } else if row.ready >= row.desired {
            Health::Ok
        } else {
            Health::Warn
        };
        (Detail::StatefulSet(Box::new(row)), health)
    }

    fn api(client: Client, namespace: Option<&str>) -> Api<Self> {
        namespaced_api(client, namespace)
    }
}
