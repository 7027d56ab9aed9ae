//! Namespaces.

use k8s_openapi::api::core::v1::Namespace;
use kube::{Api, Client};

use super::ToRow;
use crate::cluster::model::{Detail, Health, Kind, NamespaceRow};

impl ToRow for Namespace {
    const KIND: Kind = Kind::Namespace;

    fn detail(&self) -> (Detail, Health) {
        let status = self
            .status
            .as_ref()
            .and_then(|s| s.phase.clone())
            .unwrap_or_else(|| "Active".to_owned());
        let health = if status == "Active" {
            Health::Ok
        } else {
            Health::Dim
        };
        (Detail::Namespace(Box::new(NamespaceRow { status })), health)
    }

    fn api(client: Client, _namespace: Option<&str>) -> Api<Self> {
        Api::all(client)
    }
}
