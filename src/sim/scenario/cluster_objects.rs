//! Builders for the objects a scenario loads, written as the API server would
//! have stored them (defaults filled in), so that later client updates do not
//! change them by defaulting alone.
#![expect(
    clippy::needless_pass_by_value,
    reason = "builders take the JSON values they embed, as json! literals at the call sites"
)]

use serde_json::{Value, json};

/// A namespace as the API server stores it.
pub fn namespace(name: &str) -> Value {
    json!({
        "metadata": {"name": name, "labels": {"kubernetes.io/metadata.name": name}},
        "spec": {"finalizers": ["kubernetes"]},
        "status": {"phase": "Active"},
    })
}

/// A kind-like node: `index` 0 is the tainted control plane; pod CIDR `10.244.<index>.0/24`.
pub fn node(name: &str, index: usize, control_plane: bool) -> Value {
    let cidr = pod_cidr(index);
    let ip = host_ip(index);
    let mut labels = json!({
        "beta.kubernetes.io/arch": "amd64",
        "beta.kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
        "kubernetes.io/hostname": name,
        "kubernetes.io/os": "linux",
    });
    let mut spec = json!({"podCIDR": cidr, "podCIDRs": [cidr], "providerID": format!("kind://docker/kdeck/{name}")});
    if control_plane {
        labels["node-role.kubernetes.io/control-plane"] = json!("");
        labels["node.kubernetes.io/exclude-from-external-load-balancers"] = json!("");
        spec["taints"] =
            json!([{"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}]);
    }
    let resources = json!({"cpu": "8", "ephemeral-storage": "102626232Ki", "hugepages-1Gi": "0", "hugepages-2Mi": "0", "memory": "16336412Ki", "pods": "110"});
    let condition = |kind: &str, status: &str, reason: &str, message: &str| json!({"type": kind, "status": status, "reason": reason, "message": message, "lastHeartbeatTime": null, "lastTransitionTime": null});
    json!({
        "metadata": {
            "name": name,
            "labels": labels,
            "annotations": {
                "kubeadm.alpha.kubernetes.io/cri-socket": "unix:///run/containerd/containerd.sock",
                "node.alpha.kubernetes.io/ttl": "0",
                "volumes.kubernetes.io/controller-managed-attach-detach": "true",
            },
        },
        "spec": spec,
        "status": {
            "addresses": [{"type": "InternalIP", "address": ip}, {"type": "Hostname", "address": name}],
            "allocatable": resources,
            "capacity": resources,
            "conditions": [
                condition("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
                condition("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
                condition("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
                condition("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
            ],
            "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
            "nodeInfo": {
                "architecture": "amd64",
                "bootID": format!("6f1e0c3a-4b2d-4e8f-9a1b-{index:012x}"),
                "containerRuntimeVersion": "containerd://2.1.1",
                "kernelVersion": "6.8.0-49-generic",
                "kubeProxyVersion": "",
                "kubeletVersion": "v1.33.1",
                "machineID": format!("{index:032x}"),
                "operatingSystem": "linux",
                "osImage": "Debian GNU/Linux 12 (bookworm)",
                "systemUUID": format!("a3c4e5f6-1b2c-4d3e-8f9a-{index:012x}"),
            },
        },
    })
}

/// The pod range of the node at `index`: `10.244.<index>.0/24`, continuing into 10.245.x for big clusters.
pub fn pod_cidr(index: usize) -> String {
    format!("10.{}.{}.0/24", 244 + index / 256, index % 256)
}

/// The InternalIP of the node at `index`: `172.18.x.y` from `.2`.
pub fn host_ip(index: usize) -> String {
    let n = index + 2;
    format!("172.18.{}.{}", n / 256, n % 256)
}

/// `container` with CPU and memory requests and limits, as (cpu, memory) quantities.
pub fn with_resources(mut container: Value, requests: (&str, &str), limits: (&str, &str)) -> Value {
    container["resources"] = json!({
        "requests": {"cpu": requests.0, "memory": requests.1},
        "limits": {"cpu": limits.0, "memory": limits.1},
    });
    container
}

/// Container defaults the API server fills in.
pub fn container(name: &str, image: &str, ports: Value) -> Value {
    let last = image.rsplit('/').next().unwrap_or(image);
    let pull = match last.split_once(':') {
        Some((_, "latest")) | None if !image.contains('@') => "Always",
        _ => "IfNotPresent",
    };
    let mut c = json!({
        "name": name,
        "image": image,
        "imagePullPolicy": pull,
        "resources": {},
        "terminationMessagePath": "/dev/termination-log",
        "terminationMessagePolicy": "File",
    });
    if let Some(ports) = ports.as_array().filter(|p| !p.is_empty()) {
        let mut ports = ports.clone();
        for p in &mut ports {
            if p["protocol"].is_null() {
                p["protocol"] = json!("TCP");
            }
        }
        c["ports"] = Value::Array(ports);
    }
    c
}

/// A pod template with the API server's defaults.
pub fn template(labels: &Value, containers: Vec<Value>) -> Value {
    json!({
        "metadata": {"labels": labels},
        "spec": {
            "containers": containers,
            "dnsPolicy": "ClusterFirst",
            "restartPolicy": "Always",
            "schedulerName": "default-scheduler",
            "securityContext": {},
            "terminationGracePeriodSeconds": 30,
        },
    })
}

/// A Deployment with the API server's defaults; `rolling` is `(maxSurge, maxUnavailable)`.
pub fn deployment(
    namespace: &str,
    name: &str,
    replicas: i64,
    labels: &Value,
    template: Value,
    rolling: (Value, Value),
) -> Value {
    json!({
        "metadata": {"name": name, "namespace": namespace, "labels": labels},
        "spec": {
            "progressDeadlineSeconds": 600,
            "replicas": replicas,
            "revisionHistoryLimit": 10,
            "selector": {"matchLabels": labels},
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": rolling.0, "maxUnavailable": rolling.1}},
            "template": template,
        },
    })
}

/// A Service: `cluster_ip` "None" makes it headless; `kind` is ClusterIP or LoadBalancer.
pub fn service(
    namespace: &str,
    name: &str,
    kind: &str,
    cluster_ip: &str,
    selector: Option<&Value>,
    ports: Value,
) -> Value {
    let mut spec = json!({
        "type": kind,
        "clusterIP": cluster_ip,
        "clusterIPs": [cluster_ip],
        "internalTrafficPolicy": "Cluster",
        "ipFamilies": ["IPv4"],
        "ipFamilyPolicy": "SingleStack",
        "ports": ports,
        "sessionAffinity": "None",
    });
    if let Some(selector) = selector {
        spec["selector"] = selector.clone();
    }
    if kind == "LoadBalancer" {
        spec["externalTrafficPolicy"] = json!("Cluster");
        spec["allocateLoadBalancerNodePorts"] = json!(true);
    }
    json!({
        "metadata": {"name": name, "namespace": namespace, "labels": selector.cloned().unwrap_or_else(|| json!({}))},
        "spec": spec,
        "status": {"loadBalancer": {}},
    })
}
