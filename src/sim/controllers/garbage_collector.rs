//! The garbage collector: dependents whose owners are all gone are deleted
//! (Background propagation); an owner being deleted with the `foregroundDeletion`
//! finalizer loses its dependents first, then the finalizer; with the `orphan`
//! finalizer its dependents lose their owner references instead.

use std::collections::{HashMap, HashSet};

use serde_json::{Value, json};

use super::meta::{is_terminating, kind, name, namespace, uid};
use super::pass::Pass;
use crate::sim::managed_fields::KUBE_CONTROLLER_MANAGER;
use crate::sim::resources::ResourceType;
use crate::sim::store::Obj;

/// The kinds whose objects own others or are owned, as `(group, kind)`.
const TRACKED: &[(&str, &str)] = &[
    ("apps", "Deployment"),
    ("apps", "ReplicaSet"),
    ("apps", "DaemonSet"),
    ("apps", "StatefulSet"),
    ("apps", "ControllerRevision"),
    ("batch", "CronJob"),
    ("batch", "Job"),
    ("", "Pod"),
    ("", "Service"),
    ("", "ConfigMap"),
    ("", "Secret"),
    ("", "Endpoints"),
    ("discovery.k8s.io", "EndpointSlice"),
];

const FOREGROUND: &str = "foregroundDeletion";
const ORPHAN: &str = "orphan";

/// Runs one collection over the store.
pub fn reconcile(pass: &Pass<'_>) {
    let mut objects: Vec<(&'static ResourceType, Obj)> = Vec::new();
    for (group, k) in TRACKED {
        let rt = kind(group, k);
        objects.extend(pass.store.list(rt, None).0.into_iter().map(|o| (rt, o)));
    }
    let nodes = pass.all("", "Node");
    let namespaces = pass.all("", "Namespace");
    let mut alive: HashSet<&str> = objects.iter().map(|(_, o)| uid(o)).collect();
    alive.extend(nodes.iter().map(|n| uid(n)));
    alive.extend(namespaces.iter().map(|n| uid(n)));
    let mut dependents: HashMap<&str, Vec<(&'static ResourceType, &Obj)>> = HashMap::new();
    for (rt, o) in &objects {
        let owners: Vec<&str> = owner_uids(o).collect();
        if owners.is_empty() {
            continue;
        }
        if owners.iter().all(|u| !alive.contains(*u)) {
            pass.delete_gracefully(rt, o);
            continue;
        }
        for u in owners {
            dependents.entry(u).or_default().push((rt, o));
        }
    }
    for (rt, owner) in &objects {
        if !is_terminating(owner) {
            continue;
        }
        let deps = dependents.get(uid(owner)).map_or(&[][..], Vec::as_slice);
        if has_finalizer(owner, ORPHAN) {
            for (drt, d) in deps {
                let owner_uid = uid(owner).to_string();
                pass.modify(&KUBE_CONTROLLER_MANAGER, drt, namespace(d), name(d), |v| {
                    if let Some(refs) = v["metadata"]["ownerReferences"].as_array_mut() {
                        refs.retain(|r| r["uid"].as_str() != Some(owner_uid.as_str()));
                    }
                });
            }
            remove_finalizer(pass, rt, owner, ORPHAN);
        } else if has_finalizer(owner, FOREGROUND) {
            if deps.is_empty() {
                remove_finalizer(pass, rt, owner, FOREGROUND);
            } else {
                for (drt, d) in deps {
                    if drt.kind != "Pod" && !is_terminating(d) {
                        // Dependents are deleted in the foreground too, so grandchildren go first.
                        pass.modify(&KUBE_CONTROLLER_MANAGER, drt, namespace(d), name(d), |v| {
                            add_finalizer(v, FOREGROUND);
                        });
                    }
                    if let Some(fresh) = pass.store.get(drt, namespace(d), name(d)) {
                        pass.delete_gracefully(drt, &fresh);
                    }
                }
            }
        }
    }
}

fn owner_uids(o: &Value) -> impl Iterator<Item = &str> {
    o["metadata"]["ownerReferences"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["uid"].as_str())
}

fn has_finalizer(o: &Value, f: &str) -> bool {
    o["metadata"]["finalizers"]
        .as_array()
        .is_some_and(|fs| fs.iter().any(|x| x == f))
}

fn add_finalizer(v: &mut Value, f: &str) {
    if !v["metadata"]["finalizers"].is_array() {
        v["metadata"]["finalizers"] = json!([]);
    }
    if let Some(fs) = v["metadata"]["finalizers"].as_array_mut()
        && !fs.iter().any(|x| x == f)
    {
        fs.push(json!(f));
    }
}

fn remove_finalizer(pass: &Pass<'_>, rt: &'static ResourceType, o: &Value, f: &str) {
    pass.modify(&KUBE_CONTROLLER_MANAGER, rt, namespace(o), name(o), |v| {
        if let Some(fs) = v["metadata"]["finalizers"].as_array_mut() {
            fs.retain(|x| x != f);
        }
    });
}
