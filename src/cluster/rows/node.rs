//! Nodes: STATUS and ROLES as `kubectl get nodes` prints them.

use std::collections::BTreeSet;

use k8s_openapi::api::core::v1::Node;
use kube::{Api, Client};

use super::ToRow;
use crate::cluster::model::{Amounts, Detail, Health, Kind, NodeRow};

const ROLE_PREFIX: &str = "node-role.kubernetes.io/";

impl ToRow for Node {
    const KIND: Kind = Kind::Node;

    fn detail(&self) -> (Detail, Health) {
        let status = self.status.as_ref();
        let ready = status
            .and_then(|s| s.conditions.as_ref())
            .and_then(|cs| cs.iter().find(|c| c.type_ == "Ready"));
        let mut parts = vec![match ready {
            Some(c) if c.status == "True" => "Ready",
            Some(_) => "NotReady",
            None => "Unknown",
        }];
        if self.spec.as_ref().and_then(|s| s.unschedulable) == Some(true) {
            parts.push("SchedulingDisabled");
        }
        let mut roles = BTreeSet::new();
        for (key, value) in self.metadata.labels.iter().flatten() {
            if let Some(role) = key.strip_prefix(ROLE_PREFIX) {
                if !role.is_empty() {
                    roles.insert(role.to_owned());
                }
            } else if key == "kubernetes.io/role" && !value.is_empty() {
                roles.insert(value.clone());
            }
        }
        let row = NodeRow {
            status: parts.join(","),
            roles: if roles.is_empty() {
                "<none>".to_owned()
            } else {
                roles.into_iter().collect::<Vec<_>>().join(",")
            },
            version: status
                .and_then(|s| s.node_info.as_ref())
                .map(|i| i.kubelet_version.clone())
                .unwrap_or_default(),
            internal_ip: status
                .and_then(|s| s.addresses.as_ref())
                .and_then(|a| a.iter().find(|a| a.type_ == "InternalIP"))
                .map_or_else(|| "<none>".to_owned(), |a| a.address.clone()),
            allocatable: Amounts::of(status.and_then(|s| s.allocatable.as_ref())),
            pod_capacity: status
                .and_then(|s| s.capacity.as_ref())
                .and_then(|c| c.get("pods"))
                .and_then(|q| q.0.parse().ok()),
        };
        let health = match parts[0] {
            "Ready" if parts.len() == 1 => Health::Ok,
            "Ready" => Health::Warn,
            _ => Health::Err,
        };
        (Detail::Node(Box::new(row)), health)
    }

    fn api(client: Client, _namespace: Option<&str>) -> Api<Self> {
        Api::all(client)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_roles_version_ip() {
        let node: Node = serde_json::from_value(serde_json::json!({
            "metadata": {"name": "cp-1", "labels": {
                "node-role.kubernetes.io/control-plane": "", "node-role.kubernetes.io/etcd": "true",
                "kubernetes.io/role": "master"}},
            "spec": {"unschedulable": true},
            "status": {"conditions": [{"type": "Ready", "status": "True"}],
                "addresses": [{"type": "Hostname", "address": "cp-1"}, {"type": "InternalIP", "address": "172.18.0.2"}],
                "nodeInfo": {"kubeletVersion": "v1.33.1", "architecture": "", "bootID": "", "containerRuntimeVersion": "",
                    "kernelVersion": "", "kubeProxyVersion": "", "machineID": "", "operatingSystem": "", "osImage": "", "systemUUID": ""}}
        }))
        .unwrap();
        let row = node.to_row();
        let Detail::Node(r) = &row.detail else {
            panic!("{row:?}")
        };
        assert_eq!(r.status, "Ready,SchedulingDisabled");
        assert_eq!(r.roles, "control-plane,etcd,master");
        assert_eq!(
            (r.version.as_str(), r.internal_ip.as_str()),
            ("v1.33.1", "172.18.0.2")
        );
        assert_eq!(row.health, Health::Warn);
        let bare: Node =
            serde_json::from_value(serde_json::json!({"metadata": {"name": "w"}})).unwrap();
        let Detail::Node(r) = bare.to_row().detail else {
            panic!()
        };
        assert_eq!((r.status.as_str(), r.roles.as_str()), ("Unknown", "<none>"));
    }
}
