//! DaemonSets.

use k8s_openapi::api::apps::v1::DaemonSet;
use kube::{Api, Client};

use super::{ToRow, namespaced_api, template_images};
use crate::cluster::model::{DaemonSetRow, Detail, Health, Kind};

impl ToRow for DaemonSet {
    const KIND: Kind = Kind::DaemonSet;

    fn detail(&self) -> (Detail, Health) {
        let status = self.status.as_ref();
        let row = DaemonSetRow {
            desired: status.map_or(0, |s| s.desired_number_scheduled),
            current: status.map_or(0, |s| s.current_number_scheduled),
            ready: status.map_or(0, |s| s.number_ready),
            available: status.and_then(|s| s.number_available).unwrap_or(0),
            images: self
                .spec
                .as_ref()
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
        (Detail::DaemonSet(Box::new(row)), health)
    }

    fn api(client: Client, namespace: Option<&str>) -> Api<Self> {
        namespaced_api(client, namespace)
    }
}
