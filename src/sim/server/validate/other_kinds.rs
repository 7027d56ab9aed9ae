//! Defaults the API server and its admission plugins give the kinds without a controller
//! of their own in the write path: claims (the default StorageClass, DefaultStorageClass;
//! the protection finalizers, StorageObjectInUseProtection), volumes, StorageClasses,
//! HorizontalPodAutoscalers, PodDisruptionBudgets and Ingresses.

use serde_json::{Value, json};

use crate::sim::controllers::volumes::{DEFAULT_CLASS, PV_PROTECTION, PVC_PROTECTION};
use crate::sim::resources::ResourceType;
use crate::sim::store::Store;

fn set_default(v: &mut Value, key: &str, default: Value) {
    if v[key].is_null() {
        v[key] = default;
    }
}

fn add_finalizer(obj: &mut Value, finalizer: &str) {
    if !obj["metadata"]["finalizers"].is_array() {
        obj["metadata"]["finalizers"] = json!([]);
    }
    if let Some(f) = obj["metadata"]["finalizers"].as_array_mut()
        && !f.iter().any(|x| x == finalizer)
    {
        f.push(json!(finalizer));
    }
}

fn default_class(store: &Store) -> Option<String> {
    let classes = store.registry().by_kind("storage.k8s.io", "StorageClass")?;
    store
        .list(classes, None)
        .0
        .iter()
        .find(|c| c["metadata"]["annotations"][DEFAULT_CLASS] == "true")
        .and_then(|c| c["metadata"]["name"].as_str().map(str::to_string))
}

/// Defaults `obj` of `rt` about to be created (`old` = None) or updated.
pub fn admit(store: &Store, rt: &ResourceType, obj: &mut Value, old: Option<&Value>) {
    let creating = old.is_none();
    match (rt.group, rt.kind) {
        ("", "PersistentVolumeClaim") => {
            if obj["spec"]["storageClassName"].is_null()
                && let Some(class) = default_class(store)
            {
                obj["spec"]["storageClassName"] = json!(class);
            }
            set_default(&mut obj["spec"], "volumeMode", json!("Filesystem"));
            if creating {
                add_finalizer(obj, PVC_PROTECTION);
                obj["status"] = json!({"phase": "Pending"});
            }
        }
        ("", "PersistentVolume") => {
            set_default(&mut obj["spec"], "volumeMode", json!("Filesystem"));
            set_default(
                &mut obj["spec"],
                "persistentVolumeReclaimPolicy",
                json!("Retain"),
            );
            if creating {
                add_finalizer(obj, PV_PROTECTION);
                set_default(obj, "status", json!({"phase": "Available"}));
            }
        }
        ("storage.k8s.io", "StorageClass") => {
            set_default(obj, "reclaimPolicy", json!("Delete"));
            set_default(obj, "volumeBindingMode", json!("Immediate"));
        }
        ("autoscaling", "HorizontalPodAutoscaler") => {
            set_default(&mut obj["spec"], "minReplicas", json!(1));
            if obj["spec"]["metrics"].as_array().is_none_or(Vec::is_empty) {
                obj["spec"]["metrics"] = json!([{"type": "Resource", "resource": {"name": "cpu",
                    "target": {"type": "Utilization", "averageUtilization": 80}}}]);
            }
        }
        ("policy", "PodDisruptionBudget") if creating => {
            obj["status"] = json!({"disruptionsAllowed": 0, "currentHealthy": 0, "desiredHealthy": 0, "expectedPods": 0});
        }
        ("networking.k8s.io", "Ingress") if creating => {
            obj["status"] = json!({"loadBalancer": {}});
        }
        _ => {}
    }
}
