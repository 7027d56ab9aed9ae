//! Discovery documents in their legacy (non-aggregated) form: `/version`, `/api`,
//! `/api/v1`, `/apis`, `/apis/GROUP`, `/apis/GROUP/VERSION`. kubectl falls back to
//! these when the server does not answer the aggregated form.

use serde_json::{Value, json};

use crate::sim::resources::{RESOURCES, ResourceType, groups};

/// The Kubernetes version the embedded cluster claims to be.
pub const GIT_VERSION: &str = "v1.33.1";

/// `/version`.
pub fn version() -> Value {
    json!({
        "major": "1",
        "minor": "33",
        "gitVersion": GIT_VERSION,
        "gitCommit": "8adc0f041b8e7ad1d30e29cc59c6ae7a15e19828",
        "gitTreeState": "clean",
        "buildDate": "2025-05-15T08:19:08Z",
        "goVersion": "go1.24.2",
        "compiler": "gc",
        "platform": "linux/amd64",
        "emulationMajor": "1",
        "emulationMinor": "33",
        "minCompatibilityMajor": "1",
        "minCompatibilityMinor": "32"
    })
}

/// `/api`.
pub fn api_versions() -> Value {
    json!({
        "kind": "APIVersions",
        "versions": ["v1"],
        "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1:6443"}]
    })
}

fn group_doc(group: &str, version: &str) -> Value {
    let gv = json!({"groupVersion": format!("{group}/{version}"), "version": version});
    json!({
        "name": group,
        "versions": [gv.clone()],
        "preferredVersion": gv,
    })
}

/// `/apis`.
pub fn group_list() -> Value {
    let mut groups: Vec<Value> = groups().into_iter().map(|(g, v)| group_doc(g, v)).collect();
    // Served for `/scale` and `/eviction` subresources only, but clients look them up.
    groups.push(group_doc("autoscaling", "v1"));
    groups.push(group_doc("policy", "v1"));
    json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})
}

/// `/apis/GROUP`, if served.
pub fn group(name: &str) -> Option<Value> {
    groups()
        .into_iter()
        .chain([("autoscaling", "v1"), ("policy", "v1")])
        .find(|(g, _)| *g == name)
        .map(|(g, v)| {
            let mut doc = group_doc(g, v);
            doc["kind"] = json!("APIGroup");
            doc["apiVersion"] = json!("v1");
            doc
        })
}

/// `/api/v1` or `/apis/GROUP/VERSION`: the resources with their verbs, short names and subresources.
pub fn resource_list(group: &str, version: &str) -> Option<Value> {
    let group_version = if group.is_empty() {
        version.to_string()
    } else {
        format!("{group}/{version}")
    };
    if matches!(group, "autoscaling" | "policy") && version == "v1" {
        return Some(
            json!({"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": group_version, "resources": []}),
        );
    }
    let types: Vec<&ResourceType> = RESOURCES
        .iter()
        .filter(|r| r.group == group && r.version == version)
        .collect();
    if types.is_empty() {
        return None;
    }
    let mut resources = Vec::new();
    for rt in types {
        let mut main = json!({
            "name": rt.plural,
            "singularName": rt.singular,
            "namespaced": rt.namespaced,
            "kind": rt.kind,
            "verbs": rt.verbs,
            "storageVersionHash": storage_hash(rt),
        });
        if !rt.short_names.is_empty() {
            main["shortNames"] = json!(rt.short_names);
        }
        if !rt.categories.is_empty() {
            main["categories"] = json!(rt.categories);
        }
        resources.push(main);
        for sub in rt.subresources {
            resources.push(subresource_doc(rt, sub));
        }
    }
    Some(json!({
        "kind": "APIResourceList",
        "apiVersion": "v1",
        "groupVersion": group_version,
        "resources": resources,
    }))
}

fn subresource_doc(rt: &ResourceType, sub: &str) -> Value {
    let (kind, group, version, verbs): (&str, &str, &str, &[&str]) = match sub {
        "scale" => ("Scale", "autoscaling", "v1", &["get", "patch", "update"]),
        "status" => (rt.kind, "", "", &["get", "patch", "update"]),
        "log" => ("Pod", "", "", &["get"]),
        "eviction" => ("Eviction", "policy", "v1", &["create"]),
        "binding" => ("Binding", "", "", &["create"]),
        "finalize" => ("Namespace", "", "", &["update"]),
        "token" => ("TokenRequest", "authentication.k8s.io", "v1", &["create"]),
        "exec" => ("PodExecOptions", "", "", &["create", "get"]),
        "attach" => ("PodAttachOptions", "", "", &["create", "get"]),
        "portforward" => ("PodPortForwardOptions", "", "", &["create", "get"]),
        _ => (rt.kind, "", "", &["get"]),
    };
    let mut doc = json!({
        "name": format!("{}/{sub}", rt.plural),
        "singularName": "",
        "namespaced": rt.namespaced,
        "kind": kind,
        "verbs": verbs,
    });
    if !group.is_empty() {
        doc["group"] = json!(group);
        doc["version"] = json!(version);
    }
    doc
}

/// A stable short hash per type, as discovery publishes (clients only compare them).
fn storage_hash(rt: &ResourceType) -> String {
    use base64::Engine as _;
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in rt.key().bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    base64::engine::general_purpose::STANDARD.encode(&h.to_be_bytes()[..6])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn core_list_has_short_names_and_subresources() {
        let list = resource_list("", "v1").unwrap();
        let resources = list["resources"].as_array().unwrap();
        let pods = resources.iter().find(|r| r["name"] == "pods").unwrap();
        assert_eq!(pods["shortNames"], json!(["po"]));
        assert!(resources.iter().any(|r| r["name"] == "pods/log"));
        let apps = resource_list("apps", "v1").unwrap();
        let scale = apps["resources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == "deployments/scale")
            .unwrap();
        assert_eq!(scale["kind"], "Scale");
        assert_eq!(scale["group"], "autoscaling");
        assert!(resource_list("nope", "v1").is_none());
        assert!(
            group_list()["groups"]
                .as_array()
                .unwrap()
                .iter()
                .any(|g| g["name"] == "apps")
        );
    }
}
