//! The apiextensions controllers: a new CustomResourceDefinition gets its accepted names,
//! stored versions and the `NamesAccepted` and `Established` conditions; a deleted one first
//! loses its custom resources (`Terminating`), then its cleanup finalizer, and is gone.

use crate::sim::managed_fields::KUBE_APISERVER;
use serde_json::{Value, json};

use super::meta::{is_terminating, kind, name};
use super::pass::Pass;
use crate::sim::clock::format_time;
use crate::sim::server::validate::crd::CLEANUP_FINALIZER;

/// Runs the controllers over every CRD.
pub fn reconcile(pass: &Pass<'_>) {
    for crd in pass.all("apiextensions.k8s.io", "CustomResourceDefinition") {
        if is_terminating(&crd) {
            clean_up(pass, &crd);
        } else {
            establish(pass, &crd);
        }
    }
}

fn condition(kind: &str, reason: &str, message: &str, now: &str) -> Value {
    json!({"type": kind, "status": "True", "lastTransitionTime": now, "reason": reason, "message": message})
}

fn has_condition(crd: &Value, kind: &str) -> bool {
    crd["status"]["conditions"].as_array().is_some_and(|cs| {
        cs.iter()
            .any(|c| c["type"] == kind && c["status"] == "True")
    })
}

fn establish(pass: &Pass<'_>, crd: &Value) {
    let storage = crd["spec"]["versions"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|v| v["storage"] == true)
        .map(|v| v["name"].clone());
    let names = crd["spec"]["names"].clone();
    let stored_known = crd["status"]["storedVersions"]
        .as_array()
        .is_some_and(|s| storage.as_ref().is_none_or(|v| s.contains(v)));
    if has_condition(crd, "Established") && crd["status"]["acceptedNames"] == names && stored_known
    {
        return;
    }
    let now = format_time(pass.now);
    pass.modify(
        &KUBE_APISERVER,
        kind("apiextensions.k8s.io", "CustomResourceDefinition"),
        "",
        name(crd),
        |v| {
            v["status"]["acceptedNames"] = names;
            let stored = &mut v["status"]["storedVersions"];
            if !stored.is_array() {
                *stored = json!([]);
            }
            if let (Some(list), Some(version)) = (stored.as_array_mut(), storage)
                && !list.contains(&version)
            {
                list.push(version);
            }
            if !has_condition(v, "Established") {
                v["status"]["conditions"] = json!([
                    condition("NamesAccepted", "NoConflicts", "no conflicts found", &now),
                    condition(
                        "Established",
                        "InitialNamesAccepted",
                        "the initial names have been accepted",
                        &now
                    ),
                ]);
            }
        },
    );
}

fn clean_up(pass: &Pass<'_>, crd: &Value) {
    let crds = kind("apiextensions.k8s.io", "CustomResourceDefinition");
    let group = crd["spec"]["group"].as_str().unwrap_or_default();
    let plural = crd["spec"]["names"]["plural"].as_str().unwrap_or_default();
    if !has_condition(crd, "Terminating") {
        let now = format_time(pass.now);
        pass.modify(&KUBE_APISERVER, crds, "", name(crd), |v| {
            if let Some(cs) = v["status"]["conditions"].as_array_mut() {
                cs.push(condition(
                    "Terminating",
                    "InstanceDeletionInProgress",
                    "CustomResource deletion is in progress",
                    &now,
                ));
            }
        });
    }
    if let Some(rt) = pass.store.registry().by_plural(group, plural) {
        for obj in pass.store.list(rt, None).0 {
            let ns = obj["metadata"]["namespace"].as_str().unwrap_or_default();
            pass.remove(rt, ns, name(&obj));
        }
    }
    pass.modify(&KUBE_APISERVER, crds, "", name(crd), |v| {
        if let Some(f) = v["metadata"]["finalizers"].as_array_mut() {
            f.retain(|x| x != CLEANUP_FINALIZER);
        }
    });
}
