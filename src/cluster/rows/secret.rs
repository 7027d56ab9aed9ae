//! Secrets: type and key names only; values are never copied into a row.

use k8s_openapi::api::core::v1::Secret;
use kube::{Api, Client};

use super::{ToRow, namespaced_api};
use crate::cluster::model::{Detail, Health, KeysRow, Kind};

impl ToRow for Secret {
    const KIND: Kind = Kind::Secret;

    fn detail(&self) -> (Detail, Health) {
        let mut keys: Vec<String> = self.data.iter().flatten().map(|(k, _)| k.clone()).collect();
        keys.extend(self.string_data.iter().flatten().map(|(k, _)| k.clone()));
        keys.sort();
        keys.dedup();
        let detail = Detail::Secret(Box::new(KeysRow {
            type_: self.type_.clone().unwrap_or_else(|| "Opaque".to_owned()),
            keys,
        }));
        (detail, Health::Neutral)
    }

    fn api(client: Client, namespace: Option<&str>) -> Api<Self> {
        namespaced_api(client, namespace)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_key_names_never_values() {
        let secret: Secret = serde_json::from_value(serde_json::json!({
            "metadata": {"name": "db", "namespace": "default"},
            "type": "kubernetes.io/basic-auth",
            "data": {"password": "aHVudGVyMg==", "username": "YWRtaW4="}
        }))
        .unwrap();
        let row = secret.to_row();
        assert_eq!(
            row.detail,
            Detail::Secret(Box::new(KeysRow {
                type_: "kubernetes.io/basic-auth".to_owned(),
                keys: vec!["password".to_owned(), "username".to_owned()],
            }))
        );
        let printed = format!("{row:?}");
        assert!(!printed.contains("aHVudGVyMg") && !printed.contains("hunter2"));
    }
}
