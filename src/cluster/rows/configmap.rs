//! ConfigMaps: key names only.

use k8s_openapi::api::core::v1::ConfigMap;
use kube::{Api, Client};

use super::{ToRow, meta, namespaced_api};
use crate::cluster::model::{Detail, Health, KeysRow, Kind, Row};

impl ToRow for ConfigMap {
    const KIND: Kind = Kind::ConfigMap;

    fn to_row(&self) -> Row {
        let mut keys: Vec<String> = self.data.iter().flatten().map(|(k, _)| k.clone()).collect();
        keys.extend(self.binary_data.iter().flatten().map(|(k, _)| k.clone()));
        keys.sort();
        Row {
            meta: meta(&self.metadata),
            detail: Detail::ConfigMap(KeysRow {
                type_: String::new(),
                keys,
            }),
            health: Health::Neutral,
        }
    }

    fn api(client: Client, namespace: Option<&str>) -> Api<Self> {
        namespaced_api(client, namespace)
    }
}
