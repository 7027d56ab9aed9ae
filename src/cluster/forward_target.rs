//! What a port-forward goes to, as kubectl resolves it: a pod's container port; for a
//! Deployment (or another workload) a port of its first ready pod; for a Service, its
//! port's `targetPort` resolved on a ready pod (a number, or a container port's name).
//! And, when that pod goes away, another ready pod of the same Service or workload.

use std::net::IpAddr;

use k8s_openapi::api::core::v1::{Pod, Service, ServicePort};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use kube::Api;

use super::model::{Kind, ObjectKey};
use super::object_yaml::short_error;
use super::port_forward::ForwardSpec;
use super::ready_pods::{pod_for, ready_pods};

/// One port the forward dialog offers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortChoice {
    /// The container port on the pod.
    pub remote: u16,
    /// For a Service, the Service's port it is the target of.
    pub service_port: Option<u16>,
    /// Its name and where it is from (`http, container myapp`), for the dialog.
    pub label: String,
}

/// What a forward to an object can go to now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForwardChoices {
    /// The pod the forward goes to.
    pub pod: String,
    /// Its ports (empty when none is declared: the user types one).
    pub ports: Vec<PortChoice>,
}

/// A forward as the user asked for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForwardPlan {
    /// What the user forwards to: a pod, a Service or a workload.
    pub target: ObjectKey,
    /// The pod it goes to now.
    pub pod: String,
    /// The container port on that pod.
    pub remote_port: u16,
    /// For a Service, its port (the container port is found again on another pod).
    pub service_port: Option<u16>,
    /// The local address to listen on.
    pub address: IpAddr,
    /// The local port (`None`: the pod's port's number if free, else any; 0: any).
    pub local_port: Option<u16>,
}

impl ForwardPlan {
    /// The cluster layer's forward of this plan.
    pub fn spec(&self) -> ForwardSpec {
        ForwardSpec {
            address: self.address,
            local_port: self.local_port,
            ..ForwardSpec::new(&self.target.namespace, &self.pod, self.remote_port)
        }
    }

    /// The target as kubectl names it: `svc/myapp-svc:80`, `pod/web-1:80`.
    pub fn target_text(&self) -> String {
        let port = self.service_port.unwrap_or(self.remote_port);
        let word = match self.target.kind {
            Kind::Service => "svc",
            Kind::Deployment => "deploy",
            kind => kind.word(),
        };
        format!("{word}/{}:{port}", self.target.name)
    }
}

/// The container port `port` of a Service targets on `pod`: its `targetPort` number, or
/// the container port of that name; its own number when no target is set.
pub fn service_target_port(port: &ServicePort, pod: &Pod) -> Option<u16> {
    match &port.target_port {
        Some(IntOrString::Int(n)) if *n > 0 => u16::try_from(*n).ok(),
        Some(IntOrString::String(name)) => pod
            .spec
            .as_ref()?
            .containers
            .iter()
            .flat_map(|c| c.ports.iter().flatten())
            .find(|p| p.name.as_deref() == Some(name.as_str()))
            .and_then(|p| u16::try_from(p.container_port).ok()),
        _ => u16::try_from(port.port).ok(),
    }
}

fn is_tcp(protocol: Option<&str>) -> bool {
    protocol.is_none_or(|p| p == "TCP")
}

/// The TCP container ports of `pod`.
pub fn container_ports(pod: &Pod) -> Vec<PortChoice> {
    let Some(spec) = &pod.spec else {
        return Vec::new();
    };
    spec.containers
        .iter()
        .flat_map(|c| c.ports.iter().flatten().map(move |p| (c, p)))
        .filter(|(_, p)| is_tcp(p.protocol.as_deref()))
        .filter_map(|(c, p)| {
            let remote = u16::try_from(p.container_port).ok()?;
            let label = match &p.name {
                Some(name) => format!("{name}, container {}", c.name),
                None => format!("container {}", c.name),
            };
            Some(PortChoice {
                remote,
                service_port: None,
                label,
            })
        })
        .collect()
}

/// The ports of Service `service` resolved on `pod` (ports whose target the pod does not
/// have are left out).
pub fn service_ports(service: &Service, pod: &Pod) -> Vec<PortChoice> {
    service
        .spec
        .iter()
        .flat_map(|s| s.ports.iter().flatten())
        .filter(|p| is_tcp(p.protocol.as_deref()))
        .filter_map(|p| {
            let remote = service_target_port(p, pod)?;
            let name = p
                .name
                .as_deref()
                .map_or(String::new(), |n| format!("{n}, "));
            Some(PortChoice {
                remote,
                service_port: u16::try_from(p.port).ok(),
                label: format!("{name}service port {} -> pod port {remote}", p.port),
            })
        })
        .collect()
}

async fn service(client: &kube::Client, key: &ObjectKey) -> Result<Service, String> {
    Api::<Service>::namespaced(client.clone(), &key.namespace)
        .get(&key.name)
        .await
        .map_err(|e| short_error(&e))
}

/// What a forward to `key` (a pod, Service or workload) can go to now.
pub async fn choices(client: &kube::Client, key: &ObjectKey) -> Result<ForwardChoices, String> {
    let pod = pod_for(client, key).await?;
    let phase = pod.status.as_ref().and_then(|s| s.phase.as_deref());
    if phase != Some("Running") {
        return Err(format!(
            "unable to forward port because pod is not running. Current status={}",
            phase.unwrap_or_default()
        ));
    }
    let ports = if key.kind == Kind::Service {
        service_ports(&service(client, key).await?, &pod)
    } else {
        container_ports(&pod)
    };
    Ok(ForwardChoices {
        pod: pod.metadata.name.clone().unwrap_or_default(),
        ports,
    })
}

/// Another ready pod for `plan` once its pod went (and the container port on it); `None`
/// for a forward to a pod, or when no other pod is ready now.
pub async fn another_pod(
    client: &kube::Client,
    plan: &ForwardPlan,
) -> Result<Option<(String, u16)>, String> {
    if plan.target.kind == Kind::Pod {
        return Ok(None);
    }
    let pods = ready_pods(client, &plan.target).await?;
    let Some(pod) = pods
        .into_iter()
        .find(|p| p.metadata.name.as_deref() != Some(plan.pod.as_str()))
    else {
        return Ok(None);
    };
    let remote = match (plan.target.kind, plan.service_port) {
        (Kind::Service, Some(port)) => {
            let service = service(client, &plan.target).await?;
            service
                .spec
                .iter()
                .flat_map(|s| s.ports.iter().flatten())
                .find(|p| p.port == i32::from(port))
                .and_then(|p| service_target_port(p, &pod))
        }
        _ => Some(plan.remote_port),
    };
    Ok(remote.map(|remote| (pod.metadata.name.clone().unwrap_or_default(), remote)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_service_port_targets_a_number_a_name_or_itself() {
        let pod: Pod = serde_json::from_value(serde_json::json!({
            "metadata": {"name": "web-1"},
            "spec": {"containers": [{"name": "web", "image": "nginx",
                "ports": [{"name": "http", "containerPort": 8080},
                          {"name": "dns", "containerPort": 53, "protocol": "UDP"}]}]},
        }))
        .expect("a pod");
        let port = |value: serde_json::Value| -> ServicePort {
            serde_json::from_value(value).expect("a service port")
        };
        let named = port(serde_json::json!({"port": 80, "targetPort": "http"}));
        assert_eq!(service_target_port(&named, &pod), Some(8080));
        let number = port(serde_json::json!({"port": 80, "targetPort": 9000}));
        assert_eq!(service_target_port(&number, &pod), Some(9000));
        let unset = port(serde_json::json!({"port": 80}));
        assert_eq!(service_target_port(&unset, &pod), Some(80));
        let missing = port(serde_json::json!({"port": 80, "targetPort": "grpc"}));
        assert_eq!(service_target_port(&missing, &pod), None);
        let ports = container_ports(&pod);
        assert_eq!(ports.len(), 1, "UDP is not forwarded: {ports:?}");
        assert_eq!(ports[0].remote, 8080);
        assert_eq!(ports[0].label, "http, container web");
    }
}
