//! EndpointSlices (discovery.k8s.io/v1).

use k8s_openapi::api::discovery::v1::EndpointSlice;
use kube::{Api, Client};

use super::{ToRow, namespaced_api};
use crate::cluster::model::{AddressRow, Detail, EndpointSliceRow, Health, Kind};

impl ToRow for EndpointSlice {
    const KIND: Kind = Kind::EndpointSlice;

    fn detail(&self) -> (Detail, Health) {
        let endpoints: Vec<AddressRow> = self
            .endpoints
            .iter()
            .flat_map(|e| {
                // A missing `ready` condition means ready (the API's documented default).
                let ready = e.conditions.as_ref().and_then(|c| c.ready).unwrap_or(true);
                let pod = e
                    .target_ref
                    .as_ref()
                    .filter(|t| t.kind.as_deref() == Some("Pod"))
                    .and_then(|t| t.name.clone());
                e.addresses.iter().map(move |ip| AddressRow {
                    ip: ip.clone(),
                    pod: pod.clone(),
                    node: e.node_name.clone(),
                    ready,
                })
            })
            .collect();
        let row = EndpointSliceRow {
            service: self
                .metadata
                .labels
                .as_ref()
                .and_then(|l| l.get("kubernetes.io/service-name").cloned()),
            address_type: self.address_type.clone(),
            ports: self
                .ports
                .as_deref()
                .unwrap_or(&[])
                .iter()
                .map(|p| {
                    let port = p
                        .port
                        .map_or_else(|| "<unset>".to_owned(), |n| n.to_string());
                    format!("{port}/{}", p.protocol.as_deref().unwrap_or("TCP"))
                })
                .collect(),
            endpoints,
        };
        let health = if !row.endpoints.is_empty() && row.endpoints.iter().all(|e| e.ready) {
            Health::Ok
        } else {
            Health::Warn
        };
        (Detail::EndpointSlice(Box::new(row)), health)
    }

    fn api(client: Client, namespace: Option<&str>) -> Api<Self> {
        namespaced_api(client, namespace)
    }
}
