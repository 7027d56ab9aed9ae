//! Endpoints (core/v1): ready and not-ready addresses with their pods.

use k8s_openapi::api::core::v1::{EndpointAddress, Endpoints};
use kube::{Api, Client};

use super::{ToRow, namespaced_api};
use crate::cluster::model::{AddressRow, Detail, EndpointsRow, Health, Kind};

fn address(a: &EndpointAddress, ready: bool) -> AddressRow {
    AddressRow {
        ip: a.ip.clone(),
        pod: a
            .target_ref
            .as_ref()
            .filter(|t| t.kind.as_deref() == Some("Pod"))
            .and_then(|t| t.name.clone()),
        node: a.node_name.clone(),
        ready,
    }
}

impl ToRow for Endpoints {
    const KIND: Kind = Kind::Endpoints;

    fn detail(&self) -> (Detail, Health) {
        let mut row = EndpointsRow::default();
        for subset in self.subsets.as_deref().unwrap_or(&[]) {
            for a in subset.addresses.as_deref().unwrap_or(&[]) {
                row.addresses.push(address(a, true));
            }
            for a in subset.not_ready_addresses.as_deref().unwrap_or(&[]) {
                row.addresses.push(address(a, false));
            }
            for p in subset.ports.as_deref().unwrap_or(&[]) {
                let port = format!("{}/{}", p.port, p.protocol.as_deref().unwrap_or("TCP"));
                if !row.ports.contains(&port) {
                    row.ports.push(port);
                }
            }
        }
        let health = if row.addresses.is_empty() {
            Health::Warn
        } else if row.addresses.iter().all(|a| a.ready) {
            Health::Ok
        } else {
            Health::Warn
        };
        (Detail::Endpoints(Box::new(row)), health)
    }

    fn api(client: Client, namespace: Option<&str>) -> Api<Self> {
        namespaced_api(client, namespace)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ready_and_not_ready_addresses_with_pod_names() {
        let ep: Endpoints = serde_json::from_value(serde_json::json!({
            "metadata": {"name": "web", "namespace": "default"},
            "subsets": [{
                "addresses": [{"ip": "10.0.0.1", "nodeName": "n1", "targetRef": {"kind": "Pod", "name": "web-1"}}],
                "notReadyAddresses": [{"ip": "10.0.0.2", "targetRef": {"kind": "Pod", "name": "web-2"}}],
                "ports": [{"port": 80, "protocol": "TCP"}]
            }]
        }))
        .unwrap();
        let row = ep.to_row();
        let Detail::Endpoints(r) = &row.detail else {
            panic!("{row:?}")
        };
        assert_eq!(r.addresses.len(), 2);
        assert_eq!(r.addresses[0].pod.as_deref(), Some("web-1"));
        assert!(r.addresses[0].ready && !r.addresses[1].ready);
        assert_eq!(r.ports, ["80/TCP"]);
        assert_eq!(row.health, Health::Warn);
    }
}
