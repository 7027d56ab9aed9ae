//! Services: TYPE, CLUSTER-IP, EXTERNAL-IP and PORT(S) as `kubectl get svc -o wide`
//! prints them (printers.go `printService`; EXTERNAL-IP not clipped to 16 bytes).

use std::collections::BTreeSet;

use k8s_openapi::api::core::v1::Service;
use kube::{Api, Client};

use super::{ToRow, namespaced_api};
use crate::cluster::model::{Detail, Health, Kind, ServiceRow};

impl ToRow for Service {
    const KIND: Kind = Kind::Service;

    fn detail(&self) -> (Detail, Health) {
        let health = if self.metadata.deletion_timestamp.is_some() {
            Health::Dim
        } else {
            Health::Neutral
        };
        (Detail::Service(Box::new(service_row(self))), health)
    }

    fn api(client: Client, namespace: Option<&str>) -> Api<Self> {
        namespaced_api(client, namespace)
    }
}

fn service_row(svc: &Service) -> ServiceRow {
    let Some(spec) = svc.spec.as_ref() else {
        return ServiceRow {
            type_: String::new(),
            cluster_ip: "<none>".to_owned(),
            external_ip: "<unknown>".to_owned(),
            ports: "<none>".to_owned(),
            selector: std::collections::BTreeMap::default(),
        };
    };
    let type_ = spec.type_.clone().unwrap_or_else(|| "ClusterIP".to_owned());
    let cluster_ip = spec
        .cluster_ips
        .as_ref()
        .and_then(|ips| ips.first().cloned())
        .or_else(|| spec.cluster_ip.clone())
        .filter(|ip| !ip.is_empty())
        .unwrap_or_else(|| "<none>".to_owned());
    let external_ips = spec.external_ips.clone().unwrap_or_default();
    let external_ip = match type_.as_str() {
        "ClusterIP" | "NodePort" if !external_ips.is_empty() => external_ips.join(","),
        "ClusterIP" | "NodePort" => "<none>".to_owned(),
        "LoadBalancer" => {
            let ingress: BTreeSet<String> = svc
                .status
                .as_ref()
                .and_then(|s| s.load_balancer.as_ref())
                .and_then(|lb| lb.ingress.as_ref())
                .map(|ing| {
                    ing.iter()
                        .filter_map(|i| {
                            i.ip.clone()
                                .filter(|ip| !ip.is_empty())
                                .or_else(|| i.hostname.clone().filter(|h| !h.is_empty()))
                        })
                        .collect()
                })
                .unwrap_or_default();
            let mut all: Vec<String> = ingress.into_iter().collect();
            all.extend(external_ips);
            if all.is_empty() {
                "<pending>".to_owned()
            } else {
                all.join(",")
            }
        }
        "ExternalName" => spec.external_name.clone().unwrap_or_default(),
        _ => "<unknown>".to_owned(),
    };
    let ports: Vec<String> = spec
        .ports
        .as_deref()
        .unwrap_or(&[])
        .iter()
        .map(|p| {
            let protocol = p.protocol.as_deref().unwrap_or("TCP");
            match p.node_port {
                Some(node_port) if node_port > 0 => format!("{}:{node_port}/{protocol}", p.port),
                _ => format!("{}/{protocol}", p.port),
            }
        })
        .collect();
    ServiceRow {
        type_,
        cluster_ip,
        external_ip,
        ports: if ports.is_empty() {
            "<none>".to_owned()
        } else {
            ports.join(",")
        },
        selector: spec.selector.clone().unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[expect(
        clippy::needless_pass_by_value,
        reason = "json! literals read best passed by value"
    )]
    fn row(spec: serde_json::Value, status: serde_json::Value) -> ServiceRow {
        let svc: Service = serde_json::from_value(
            json!({"metadata": {"name": "s"}, "spec": spec, "status": status}),
        )
        .unwrap();
        service_row(&svc)
    }

    #[test]
    fn cluster_ip_node_port_headless_external_name() {
        let r = row(
            json!({"type": "ClusterIP", "clusterIP": "10.96.0.10", "clusterIPs": ["10.96.0.10"],
                   "ports": [{"port": 53, "protocol": "UDP"}, {"port": 53, "protocol": "TCP"}]}),
            json!({}),
        );
        assert_eq!(
            (r.cluster_ip.as_str(), r.external_ip.as_str()),
            ("10.96.0.10", "<none>")
        );
        assert_eq!(r.ports, "53/UDP,53/TCP");
        let r = row(
            json!({"type": "NodePort", "clusterIPs": ["10.96.1.1"], "externalIPs": ["1.2.3.4"],
                   "ports": [{"port": 80, "nodePort": 31234, "protocol": "TCP"}]}),
            json!({}),
        );
        assert_eq!(
            (r.external_ip.as_str(), r.ports.as_str()),
            ("1.2.3.4", "80:31234/TCP")
        );
        let r = row(
            json!({"type": "ClusterIP", "clusterIP": "None", "clusterIPs": ["None"]}),
            json!({}),
        );
        assert_eq!(
            (r.cluster_ip.as_str(), r.ports.as_str()),
            ("None", "<none>")
        );
        let r = row(
            json!({"type": "ExternalName", "externalName": "db.example.com"}),
            json!({}),
        );
        assert_eq!(
            (r.cluster_ip.as_str(), r.external_ip.as_str()),
            ("<none>", "db.example.com")
        );
    }

    #[test]
    fn load_balancer_pending_then_sorted_ingress() {
        let spec = json!({"type": "LoadBalancer", "clusterIPs": ["10.0.0.1"], "ports": [{"port": 443, "nodePort": 30443, "protocol": "TCP"}]});
        assert_eq!(row(spec.clone(), json!({})).external_ip, "<pending>");
        let r = row(
            spec,
            json!({"loadBalancer": {"ingress": [{"ip": "5.6.7.8"}, {"hostname": "lb.example"}, {"ip": "1.2.3.4"}]}}),
        );
        assert_eq!(r.external_ip, "1.2.3.4,5.6.7.8,lb.example");
    }
}
