//! `kubectl describe service`.

use jiff::Timestamp;
use k8s_openapi::api::core::v1::{Endpoints, Event, Service};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::events;
use super::prefix_writer::{PrefixWriter, selector_string};

/// The describe text of a Service, with its Endpoints when known.
pub fn describe_service(
    svc: &Service,
    endpoints: Option<&Endpoints>,
    svc_events: &[Event],
    now: Timestamp,
) -> String {
    let mut w = PrefixWriter::default();
    let meta = &svc.metadata;
    let spec = svc.spec.as_ref();
    w.field(0, "Name", meta.name.as_deref().unwrap_or(""));
    w.field(0, "Namespace", meta.namespace.as_deref().unwrap_or(""));
    w.labels(0, "Labels", meta.labels.as_ref());
    w.annotations(0, "Annotations", meta.annotations.as_ref());
    w.field(
        0,
        "Selector",
        selector_string(spec.and_then(|s| s.selector.as_ref())),
    );
    let type_ = spec.and_then(|s| s.type_.as_deref()).unwrap_or("ClusterIP");
    w.field(0, "Type", type_);
    if let Some(policy) = spec.and_then(|s| s.ip_family_policy.as_deref()) {
        w.field(0, "IP Family Policy", policy);
    }
    if let Some(families) = spec
        .and_then(|s| s.ip_families.as_ref())
        .filter(|f| !f.is_empty())
    {
        w.field(0, "IP Families", families.join(","));
    }
    let ips = spec.and_then(|s| s.cluster_ips.clone()).unwrap_or_default();
    w.field(
        0,
        "IP",
        ips.first()
            .cloned()
            .or_else(|| spec.and_then(|s| s.cluster_ip.clone()))
            .unwrap_or_else(|| "<none>".to_owned()),
    );
    if !ips.is_empty() {
        w.field(0, "IPs", ips.join(","));
    }
    if type_ == "ExternalName" {
        w.field(
            0,
            "External Name",
            spec.and_then(|s| s.external_name.as_deref()).unwrap_or(""),
        );
    }
    if let Some(ext) = spec
        .and_then(|s| s.external_ips.as_ref())
        .filter(|e| !e.is_empty())
    {
        w.field(0, "External IPs", ext.join(","));
    }
    for port in spec.and_then(|s| s.ports.as_deref()).unwrap_or(&[]) {
        let name = port
            .name
            .as_deref()
            .filter(|n| !n.is_empty())
            .unwrap_or("<unset>");
        let proto = port.protocol.as_deref().unwrap_or("TCP");
        w.field(0, "Port", format!("{name}  {}/{proto}", port.port));
        let target = match &port.target_port {
            Some(IntOrString::Int(i)) => format!("{i}/{proto}"),
            Some(IntOrString::String(s)) => format!("{s}/{proto}"),
            None => format!("{}/{proto}", port.port),
        };
        w.field(0, "TargetPort", target);
        if let Some(np) = port.node_port.filter(|n| *n > 0) {
            w.field(0, "NodePort", format!("{name}  {np}/{proto}"));
        }
        w.field(
            0,
            "Endpoints",
            endpoints_text(endpoints, port.name.as_deref()),
        );
    }
    w.field(
        0,
        "Session Affinity",
        spec.and_then(|s| s.session_affinity.as_deref())
            .unwrap_or("None"),
    );
    events::write(&mut w, svc_events, now);
    w.finish()
}

/// Ready `ip:port` pairs for the named port, as kubectl lists them.
fn endpoints_text(endpoints: Option<&Endpoints>, port_name: Option<&str>) -> String {
    let mut pairs = Vec::new();
    for subset in endpoints.and_then(|e| e.subsets.as_deref()).unwrap_or(&[]) {
        let ports = subset.ports.as_deref().unwrap_or(&[]);
        let port = ports
            .iter()
            .find(|p| p.name.as_deref().unwrap_or("") == port_name.unwrap_or(""))
            .or_else(|| {
                if ports.len() == 1 {
                    ports.first()
                } else {
                    None
                }
            });
        let Some(port) = port else { continue };
        for a in subset.addresses.as_deref().unwrap_or(&[]) {
            pairs.push(format!("{}:{}", a.ip, port.port));
        }
    }
    if pairs.is_empty() {
        "<none>".to_owned()
    } else {
        pairs.join(",")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_ports_target_ports_and_endpoints() {
        let svc: Service = serde_json::from_value(serde_json::json!({
            "metadata": {"name": "web", "namespace": "default"},
            "spec": {"type": "ClusterIP", "clusterIP": "10.96.0.12", "clusterIPs": ["10.96.0.12"],
                "selector": {"app": "web"},
                "ports": [{"name": "http", "port": 80, "targetPort": 8080, "protocol": "TCP"}]}
        }))
        .unwrap();
        let ep: Endpoints = serde_json::from_value(serde_json::json!({
            "metadata": {"name": "web"},
            "subsets": [{"addresses": [{"ip": "10.0.0.5"}, {"ip": "10.0.0.6"}],
                "notReadyAddresses": [{"ip": "10.0.0.7"}],
                "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}]}]
        }))
        .unwrap();
        let text = describe_service(&svc, Some(&ep), &[], Timestamp::UNIX_EPOCH);
        for expected in [
            "Selector:          app=web\n",
            "IP:                10.96.0.12\n",
            "Port:              http  80/TCP\n",
            "TargetPort:        8080/TCP\n",
            "Endpoints:         10.0.0.5:8080,10.0.0.6:8080\n",
            "Session Affinity:  None\n",
        ] {
            assert!(text.contains(expected), "missing {expected:?} in\n{text}");
        }
    }
}
