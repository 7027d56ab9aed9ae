//! A stand-in dynamic provisioner and the volume controllers: a pending claim whose
//! StorageClass exists gets a new PersistentVolume `pvc-<claim uid>` at once, and both are
//! `Bound` with the annotations the PV controller writes; a claim being deleted keeps its
//! `kubernetes.io/pvc-protection` finalizer while a pod uses it, and its volume goes with it
//! under the `Delete` reclaim policy.

use crate::sim::managed_fields::KUBE_CONTROLLER_MANAGER;
use serde_json::{Value, json};

use super::events::{Source, normal, record};
use super::meta::{annotation, is_terminating, kind, name, namespace, uid};
use super::pass::Pass;
use crate::sim::store::Obj;

/// The finalizer that keeps a claim while a pod uses it.
pub const PVC_PROTECTION: &str = "kubernetes.io/pvc-protection";
/// The finalizer that keeps a volume while a claim is bound to it.
pub const PV_PROTECTION: &str = "kubernetes.io/pv-protection";
/// The annotation that marks the cluster's default StorageClass.
pub const DEFAULT_CLASS: &str = "storageclass.kubernetes.io/is-default-class";

/// Runs the provisioner and the volume controllers.
pub fn reconcile(pass: &Pass<'_>) {
    let claims = pass.all("", "PersistentVolumeClaim");
    if claims.is_empty() && pass.all("", "PersistentVolume").is_empty() {
        return;
    }
    let pods = pass.all("", "Pod");
    for claim in &claims {
        if is_terminating(claim) {
            release(pass, claim, &pods);
        } else if claim["status"]["phase"] != "Bound" {
            provision(pass, claim);
        }
    }
    for pv in pass.all("", "PersistentVolume") {
        reclaim(pass, &pv, &claims);
    }
}

fn provision(pass: &Pass<'_>, claim: &Obj) {
    let class_name = claim["spec"]["storageClassName"]
        .as_str()
        .unwrap_or_default();
    let Some(class) = pass
        .store
        .get(kind("storage.k8s.io", "StorageClass"), "", class_name)
    else {
        return;
    };
    let provisioner = class["provisioner"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let pv_name = format!("pvc-{}", uid(claim));
    let storage = claim["spec"]["resources"]["requests"]["storage"].clone();
    let pvs = kind("", "PersistentVolume");
    if pass.store.get(pvs, "", &pv_name).is_none() {
        let pv = json!({
            "metadata": {"name": pv_name, "finalizers": [PV_PROTECTION],
                "annotations": {"pv.kubernetes.io/provisioned-by": provisioner}},
            "spec": {
                "capacity": {"storage": storage},
                "accessModes": claim["spec"]["accessModes"],
                "persistentVolumeReclaimPolicy": class["reclaimPolicy"].as_str().unwrap_or("Delete"),
                "storageClassName": class_name,
                "volumeMode": claim["spec"]["volumeMode"].as_str().unwrap_or("Filesystem"),
                "hostPath": {"path": format!("/var/local-path-provisioner/{pv_name}_{}_{}", namespace(claim), name(claim)), "type": "DirectoryOrCreate"},
                "claimRef": {"kind": "PersistentVolumeClaim", "namespace": namespace(claim), "name": name(claim),
                    "uid": uid(claim), "apiVersion": "v1", "resourceVersion": claim["metadata"]["resourceVersion"]},
            },
            "status": {"phase": "Bound"},
        });
        if pass.create(&KUBE_CONTROLLER_MANAGER, pvs, pv).is_none() {
            return;
        }
        let source = Source::controller("persistentvolume-controller");
        let message = format!("Successfully provisioned volume {pv_name}");
        record(
            pass,
            claim,
            source,
            normal("ProvisioningSucceeded", message),
        );
    }
    pass.modify(&KUBE_CONTROLLER_MANAGER, kind("", "PersistentVolumeClaim"), namespace(claim), name(claim), |v| {
        v["spec"]["volumeName"] = json!(pv_name);
        if !v["metadata"]["annotations"].is_object() {
            v["metadata"]["annotations"] = json!({});
        }
        let a = &mut v["metadata"]["annotations"];
        a["pv.kubernetes.io/bind-completed"] = json!("yes");
        a["pv.kubernetes.io/bound-by-controller"] = json!("yes");
        a["volume.beta.kubernetes.io/storage-provisioner"] = json!(provisioner);
        a["volume.kubernetes.io/storage-provisioner"] = json!(provisioner);
        v["status"] = json!({"phase": "Bound", "accessModes": v["spec"]["accessModes"], "capacity": {"storage": storage}});
    });
}

fn used_by_a_pod(claim: &Value, pods: &[Obj]) -> bool {
    pods.iter()
        .filter(|p| namespace(p) == namespace(claim))
        .any(|p| {
            p["spec"]["volumes"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|v| v["persistentVolumeClaim"]["claimName"] == name(claim))
        })
}

fn drop_finalizer(
    pass: &Pass<'_>,
    rt: &'static crate::sim::resources::ResourceType,
    o: &Value,
    f: &str,
) {
    pass.modify(&KUBE_CONTROLLER_MANAGER, rt, namespace(o), name(o), |v| {
        if let Some(fs) = v["metadata"]["finalizers"].as_array_mut() {
            fs.retain(|x| x != f);
        }
    });
}

fn release(pass: &Pass<'_>, claim: &Obj, pods: &[Obj]) {
    if !used_by_a_pod(claim, pods) {
        drop_finalizer(
            pass,
            kind("", "PersistentVolumeClaim"),
            claim,
            PVC_PROTECTION,
        );
    }
}

/// A volume whose claim is gone is deleted (`Delete`) or released (`Retain`).
fn reclaim(pass: &Pass<'_>, pv: &Obj, claims: &[Obj]) {
    let claim_ref = &pv["spec"]["claimRef"];
    if claim_ref.is_null() {
        return;
    }
    let bound = claims
        .iter()
        .any(|c| uid(c) == claim_ref["uid"].as_str().unwrap_or_default() && !is_terminating(c));
    let pvs = kind("", "PersistentVolume");
    if is_terminating(pv) {
        if !bound {
            drop_finalizer(pass, pvs, pv, PV_PROTECTION);
        }
        return;
    }
    if bound {
        return;
    }
    let claim_gone = !claims
        .iter()
        .any(|c| uid(c) == claim_ref["uid"].as_str().unwrap_or_default());
    if !claim_gone {
        return;
    }
    if pv["spec"]["persistentVolumeReclaimPolicy"] == "Delete"
        && annotation(pv, "pv.kubernetes.io/provisioned-by").is_some()
    {
        pass.delete_gracefully(pvs, pv);
    } else if pv["status"]["phase"] != "Released" {
        pass.modify(&KUBE_CONTROLLER_MANAGER, pvs, "", name(pv), |v| {
            v["status"]["phase"] = json!("Released");
        });
    }
}
