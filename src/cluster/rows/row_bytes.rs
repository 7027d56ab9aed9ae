//! What a row costs in memory: its inline size plus what it owns on the heap
//! (string and vector capacities, map entries). An estimate for the README and
//! the bench, kept honest by a test on a realistic pod.

use std::collections::BTreeMap;
use std::mem::{size_of, size_of_val};

use crate::cluster::model::{AddressRow, ConditionRow, Detail, Meta, Row};

/// Estimated bytes one row holds, inline and on the heap (a boxed detail's box included).
pub fn row_bytes(row: &Row) -> usize {
    size_of::<Row>() + meta_heap(&row.meta) + detail_heap(&row.detail)
}

fn s(v: &String) -> usize {
    v.capacity()
}

fn os(v: Option<&String>) -> usize {
    v.map_or(0, String::capacity)
}

fn strings(v: &Vec<String>) -> usize {
    v.capacity() * size_of::<String>() + v.iter().map(String::capacity).sum::<usize>()
}

/// A B-tree map entry: key and value inline plus their heap, and a share of node overhead.
fn map(m: &BTreeMap<String, String>) -> usize {
    const NODE_OVERHEAD_PER_ENTRY: usize = 16;
    m.iter()
        .map(|(k, v)| {
            2 * size_of::<String>() + k.capacity() + v.capacity() + NODE_OVERHEAD_PER_ENTRY
        })
        .sum()
}

// A `SharedStr` (namespace, owner, node, phase, status, container names, images and
// states) costs a row only its inline pointer: its text is held once for all the rows
// with that value. A label set and a pod's container list are shared too, but counted
// whole in every row (as if no other row shared them): an upper bound.
fn meta_heap(m: &Meta) -> usize {
    s(&m.name) + s(&m.resource_version) + m.labels.heap_bytes()
}

fn addresses(v: &Vec<AddressRow>) -> usize {
    v.capacity() * size_of::<AddressRow>()
        + v.iter()
            .map(|a| s(&a.ip) + os(a.pod.as_ref()) + os(a.node.as_ref()))
            .sum::<usize>()
}

fn conditions(v: &Vec<ConditionRow>) -> usize {
    v.capacity() * size_of::<ConditionRow>()
        + v.iter()
            .map(|c| s(&c.type_) + s(&c.status) + s(&c.reason) + s(&c.message))
            .sum::<usize>()
}

fn detail_heap(d: &Detail) -> usize {
    match d {
        Detail::Pod(p) => os(p.ip.as_ref()) + size_of_val(&*p.containers),
        Detail::ReplicaSet(r) => {
            size_of_val(&**r)
                + strings(&r.images)
                + os(r.template_hash.as_ref())
                + os(r.change_cause.as_ref())
                + map(&r.selector)
        }
        Detail::Deployment(r) => {
            size_of_val(&**r)
                + s(&r.strategy)
                + os(r.max_surge.as_ref())
                + os(r.max_unavailable.as_ref())
                + strings(&r.images)
                + map(&r.selector)
                + conditions(&r.conditions)
        }
        Detail::StatefulSet(r) => size_of_val(&**r) + strings(&r.images),
        Detail::DaemonSet(r) => size_of_val(&**r) + strings(&r.images),
        Detail::Service(r) => {
            size_of_val(&**r)
                + s(&r.type_)
                + s(&r.cluster_ip)
                + s(&r.external_ip)
                + s(&r.ports)
                + map(&r.selector)
        }
        Detail::Endpoints(r) => size_of_val(&**r) + addresses(&r.addresses) + strings(&r.ports),
        Detail::EndpointSlice(r) => {
            size_of_val(&**r)
                + os(r.service.as_ref())
                + s(&r.address_type)
                + addresses(&r.endpoints)
                + strings(&r.ports)
        }
        Detail::Event(e) => {
            size_of_val(&**e)
                + s(&e.type_)
                + s(&e.reason)
                + s(&e.object_kind)
                + s(&e.object_name)
                + s(&e.object_namespace)
                + s(&e.message)
        }
        Detail::Node(n) => {
            size_of_val(&**n) + s(&n.status) + s(&n.roles) + s(&n.version) + s(&n.internal_ip)
        }
        Detail::Namespace(n) => size_of_val(&**n) + s(&n.status),
        Detail::ConfigMap(k) | Detail::Secret(k) => {
            size_of_val(&**k) + s(&k.type_) + strings(&k.keys)
        }
        Detail::Job(j) => size_of_val(&**j) + s(&j.status) + strings(&j.images),
        Detail::CronJob(c) => {
            size_of_val(&**c) + s(&c.schedule) + os(c.time_zone.as_ref()) + strings(&c.images)
        }
        Detail::Table(t) => {
            t.cells.len() * size_of::<Box<str>>() + t.cells.iter().map(|c| c.len()).sum::<usize>()
        }
    }
}

/// A pod as a Deployment's controllers and the kubelet leave it (managedFields,
/// annotations, env, probes, volumes, conditions), for the bench and the size test.
pub fn sample_pod_json(i: usize) -> serde_json::Value {
    serde_json::json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {
            "name": format!("web-7d4b9c5f6d-{i:05}"), "namespace": "team-a",
            "uid": format!("6f1c2a7e-0b1d-4c55-9a7e-{i:012}"), "resourceVersion": format!("{}", 100_000 + i),
            "creationTimestamp": "2026-01-01T00:00:00Z", "generateName": "web-7d4b9c5f6d-",
            "labels": {"app": "web", "pod-template-hash": "7d4b9c5f6d", "tier": "frontend"},
            "annotations": {"kubectl.kubernetes.io/restartedAt": "2026-01-01T00:00:00Z"},
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-7d4b9c5f6d",
                "uid": "0b7c6f0e-1111-2222-3333-444455556666", "controller": true, "blockOwnerDeletion": true}],
            "managedFields": [{"manager": "kube-controller-manager", "operation": "Update", "apiVersion": "v1",
                "time": "2026-01-01T00:00:00Z", "fieldsType": "FieldsV1",
                "fieldsV1": {"f:metadata": {"f:labels": {"f:app": {}, "f:pod-template-hash": {}}},
                    "f:spec": {"f:containers": {"k:{\"name\":\"web\"}": {"f:image": {}, "f:ports": {}}}}}},
                {"manager": "kubelet", "operation": "Update", "apiVersion": "v1", "subresource": "status",
                "time": "2026-01-01T00:00:05Z", "fieldsType": "FieldsV1",
                "fieldsV1": {"f:status": {"f:conditions": {}, "f:containerStatuses": {}, "f:podIP": {}}}}]
        },
        "spec": {
            "nodeName": format!("node-{}", i % 20), "serviceAccountName": "default", "restartPolicy": "Always",
            "containers": [{"name": "web", "image": "registry.example.com/team-a/web:1.25.3",
                "ports": [{"containerPort": 8080, "protocol": "TCP"}],
                "env": [{"name": "MODE", "value": "production"}, {"name": "LOG_LEVEL", "value": "info"}],
                "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"memory": "256Mi"}},
                "readinessProbe": {"httpGet": {"path": "/healthz", "port": 8080}, "periodSeconds": 5},
                "volumeMounts": [{"name": "kube-api-access", "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "readOnly": true}]}],
            "volumes": [{"name": "kube-api-access", "projected": {"sources": [{"serviceAccountToken": {"path": "token"}}]}}],
            "tolerations": [{"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}]
        },
        "status": {
            "phase": "Running", "hostIP": "172.18.0.2", "podIP": format!("10.244.{}.{}", i / 250 % 250, i % 250),
            "podIPs": [{"ip": format!("10.244.{}.{}", i / 250 % 250, i % 250)}], "qosClass": "Burstable",
            "startTime": "2026-01-01T00:00:01Z",
            "conditions": [{"type": "Initialized", "status": "True"}, {"type": "Ready", "status": "True"},
                {"type": "ContainersReady", "status": "True"}, {"type": "PodScheduled", "status": "True"}],
            "containerStatuses": [{"name": "web", "image": "registry.example.com/team-a/web:1.25.3",
                "imageID": "registry.example.com/team-a/web@sha256:0123456789abcdef", "ready": true, "started": true,
                "restartCount": 1, "containerID": "containerd://abcdef0123456789",
                "state": {"running": {"startedAt": "2026-01-01T00:00:04Z"}},
                "lastState": {"terminated": {"exitCode": 137, "reason": "OOMKilled", "finishedAt": "2026-01-01T00:00:03Z"}}}]
        }
    })
}

#[cfg(test)]
mod tests {
    use crate::cluster::rows::lean::pod::Pod;

    use super::*;
    use crate::cluster::rows::ToRow as _;

    #[test]
    fn a_realistic_pod_row_stays_small() {
        let json = sample_pod_json(42);
        let object_bytes = json.to_string().len();
        let pod: Pod = serde_json::from_value(json).unwrap();
        let bytes = row_bytes(&pod.to_row());
        // The row keeps a small fraction of the object (managedFields, spec, probes dropped),
        // and shares the values other pods repeat (662 bytes; 949 when it copied them).
        assert!(bytes < 720, "a pod row costs {bytes} bytes");
        assert!(
            bytes * 2 < object_bytes,
            "row {bytes} B vs object JSON {object_bytes} B"
        );
    }
}
