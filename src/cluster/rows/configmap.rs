//! ConfigMaps: key names only.

use k8s_openapi::api::core::v1::ConfigMap;
use kube::{Api, Client};

use super::{ToRow, namespaced_api};
use crate::cluster::model::{Detail, Health, KeysRow, Kind};

impl ToRow for ConfigMap {
    const KIND: Kind = Kind::ConfigMap;

    fn detail(&self) -> (Detail, Health) {
        let mut keys: Vec<String> = self.data.iter().flatten().map(|(k, _)| k.clone()).collect();
        keys.extend(self.binary_data.iter().flatten().map(|(k, _)| k.clone()));
        keys.sort();
        let detail = Detail::ConfigMap(Box::new(KeysRow {
            type_: String::new(),
            keys,
        }));
        (detail, Health::Neutral)
    }

    fn api(client: Client, namespace: Option<&str>) -> Api<Self> {
        namespaced_api(client, namespace)
    }
}
