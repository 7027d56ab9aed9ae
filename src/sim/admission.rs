//! kube-apiserver's mutating admission plugins that change a created pod: ServiceAccount
//! (the service account and its token volume), DefaultTolerationSeconds and Priority.
//!
//! They run after defaulting and after the request's managedFields are recorded, so the
//! fields they add belong to no manager (a real pod's `kube-controller-manager` entry has
//! no `f:volumes`). Every pod goes through them, whether a client or a controller creates
//! it; mirror pods of static pods skip the ServiceAccount plugin, as on a real server.

use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::{Value, json};

use super::resources::ResourceType;
use super::store::NAME_SUFFIX_CHARS;

/// Where the ServiceAccount plugin mounts the token in every container.
pub const TOKEN_MOUNT_PATH: &str = "/var/run/secrets/kubernetes.io/serviceaccount";
/// The projected token's lifetime the plugin asks for: an hour and 7 seconds, so that
/// the kubelet's refresh at 80% of it is detectably late (kube-apiserver's
/// `serviceaccount.WarnOnlyBoundTokenExpirationSeconds`).
const TOKEN_EXPIRATION_SECONDS: i64 = 3607;
/// The annotation that marks a mirror pod (the API copy of a static pod).
const MIRROR_ANNOTATION: &str = "kubernetes.io/config.mirror";
/// How long a pod stays on a not-ready or unreachable node (`--default-not-ready-toleration-seconds`).
const DEFAULT_TOLERATION_SECONDS: i64 = 300;

/// Runs the mutating admission plugins on an object about to be created.
pub fn mutate_on_create(rt: &ResourceType, obj: &mut Value) {
    if rt.kind != "Pod" || !obj["spec"].is_object() {
        return;
    }
    if obj["metadata"]["annotations"][MIRROR_ANNOTATION].is_null() {
        service_account(&mut obj["spec"]);
    }
    default_tolerations(&mut obj["spec"]);
    priority(&mut obj["spec"]);
}

/// The ServiceAccount plugin: `default` unless named, and (unless automounting is off)
/// the projected `kube-api-access-XXXXX` volume, mounted read-only in every container.
fn service_account(spec: &mut Value) {
    if spec["serviceAccountName"]
        .as_str()
        .is_none_or(str::is_empty)
    {
        spec["serviceAccountName"] = json!("default");
    }
    // The deprecated field mirrors the current one (v1 conversion).
    spec["serviceAccount"] = spec["serviceAccountName"].clone();
    if spec["automountServiceAccountToken"] == false {
        return;
    }
    let already_mounted = containers(spec).any(|c| {
        c["volumeMounts"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|m| m["mountPath"] == TOKEN_MOUNT_PATH)
    });
    if already_mounted {
        return;
    }
    let name = format!("kube-api-access-{}", token_volume_suffix());
    push(spec, "volumes", token_volume(&name));
    for list in ["initContainers", "containers"] {
        for c in spec[list].as_array_mut().into_iter().flatten() {
            push(
                c,
                "volumeMounts",
                json!({"mountPath": TOKEN_MOUNT_PATH, "name": name, "readOnly": true}),
            );
        }
    }
}

static TOKEN_VOLUMES: AtomicU64 = AtomicU64::new(0);

/// Five characters of the generated-name alphabet, from a counter mixed by splitmix64
/// rather than the random generator: a seeded cluster draws its pod names from that
/// one, and a token volume must not change which names it draws.
fn token_volume_suffix() -> String {
    let mut x = TOKEN_VOLUMES
        .fetch_add(1, Ordering::Relaxed)
        .wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^= x >> 31;
    let base = NAME_SUFFIX_CHARS.len() as u64;
    (0..5)
        .map(|i| NAME_SUFFIX_CHARS[(x / base.pow(i) % base) as usize] as char)
        .collect()
}

/// The projected volume of a bound service account token, the cluster's CA and the namespace.
pub fn token_volume(name: &str) -> Value {
    json!({
        "name": name,
        "projected": {
            "defaultMode": 420,
            "sources": [
                {"serviceAccountToken": {"expirationSeconds": TOKEN_EXPIRATION_SECONDS, "path": "token"}},
                {"configMap": {"items": [{"key": "ca.crt", "path": "ca.crt"}], "name": "kube-root-ca.crt"}},
                {"downwardAPI": {"items": [{"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}, "path": "namespace"}]}},
            ],
        },
    })
}

fn containers(spec: &Value) -> impl Iterator<Item = &Value> {
    ["initContainers", "containers"]
        .into_iter()
        .flat_map(|list| spec[list].as_array().into_iter().flatten())
}

fn push(obj: &mut Value, list: &str, item: Value) {
    match obj[list].as_array_mut() {
        Some(items) => items.push(item),
        None => obj[list] = json!([item]),
    }
}

/// The DefaultTolerationSeconds plugin: tolerate a not-ready or unreachable node for five
/// minutes, unless the pod already says how long.
fn default_tolerations(spec: &mut Value) {
    for key in [
        "node.kubernetes.io/not-ready",
        "node.kubernetes.io/unreachable",
    ] {
        let tolerated = spec["tolerations"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|t| {
                (t["key"] == key || t["key"].as_str().is_none_or(str::is_empty))
                    && (t["effect"] == "NoExecute"
                        || t["effect"].as_str().is_none_or(str::is_empty))
            });
        if !tolerated {
            push(
                spec,
                "tolerations",
                json!({"effect": "NoExecute", "key": key, "operator": "Exists", "tolerationSeconds": DEFAULT_TOLERATION_SECONDS}),
            );
        }
    }
}

/// The Priority plugin: the priority of the pod's class (0 without one) and its preemption policy.
fn priority(spec: &mut Value) {
    if spec["priority"].is_null() {
        spec["priority"] = json!(match spec["priorityClassName"].as_str() {
            Some("system-node-critical") => 2_000_001_000,
            Some("system-cluster-critical") => 2_000_000_000,
            _ => 0,
        });
    }
    if spec["preemptionPolicy"].is_null() {
        spec["preemptionPolicy"] = json!("PreemptLowerPriority");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::resources::by_kind;

    #[test]
    fn a_pod_gets_its_token_volume_tolerations_and_priority() {
        let pods = by_kind("", "Pod").unwrap();
        let mut pod = json!({"metadata": {"name": "p"}, "spec": {
            "initContainers": [{"name": "init", "image": "busybox"}],
            "containers": [{"name": "a", "image": "nginx"}, {"name": "b", "image": "nginx",
                "volumeMounts": [{"name": "data", "mountPath": "/data"}]}],
            "volumes": [{"name": "data", "emptyDir": {}}]}});
        mutate_on_create(pods, &mut pod);
        let spec = &pod["spec"];
        assert_eq!(spec["serviceAccountName"], "default");
        assert_eq!(spec["serviceAccount"], "default");
        let volume = &spec["volumes"][1];
        let name = volume["name"].as_str().unwrap();
        assert!(
            name.starts_with("kube-api-access-") && name.len() == 21,
            "{name}"
        );
        assert_eq!(
            volume["projected"]["sources"][0]["serviceAccountToken"]["expirationSeconds"],
            3607
        );
        let mount = json!({"mountPath": TOKEN_MOUNT_PATH, "name": name, "readOnly": true});
        assert_eq!(spec["initContainers"][0]["volumeMounts"], json!([mount]));
        assert_eq!(spec["containers"][0]["volumeMounts"], json!([mount]));
        assert_eq!(spec["containers"][1]["volumeMounts"][1], mount);
        assert_eq!(spec["tolerations"].as_array().unwrap().len(), 2);
        assert_eq!(spec["tolerations"][0]["tolerationSeconds"], 300);
        assert_eq!(
            (spec["priority"].clone(), spec["preemptionPolicy"].clone()),
            (json!(0), json!("PreemptLowerPriority"))
        );
    }

    #[test]
    fn automount_off_and_own_tolerations_are_respected() {
        let pods = by_kind("", "Pod").unwrap();
        let mut pod = json!({"spec": {"automountServiceAccountToken": false,
            "serviceAccountName": "robot",
            "tolerations": [{"operator": "Exists"}],
            "containers": [{"name": "a", "image": "nginx"}]}});
        mutate_on_create(pods, &mut pod);
        assert!(pod["spec"]["volumes"].is_null());
        assert_eq!(pod["spec"]["serviceAccount"], "robot");
        assert_eq!(pod["spec"]["tolerations"], json!([{"operator": "Exists"}]));
    }
}
