//! Discovery documents: `/version`, and `/api`, `/api/v1`, `/apis`, `/apis/GROUP`,
//! `/apis/GROUP/VERSION` in their legacy form, from the cluster's [`Registry`]: only the
//! groups and versions that serve something, as the release the cluster stands for has them.
//! The aggregated form of `/api` and `/apis` is in [`aggregated`].

pub mod aggregated;

use serde_json::{Value, json};

use crate::sim::resources::{Registry, ResourceType, ServerVersion};

/// `/version`.
pub fn version(registry: &Registry) -> Value {
    registry.release().info()
}

/// `/api`.
pub fn api_versions() -> Value {
    json!({
        "kind": "APIVersions",
        "versions": ["v1"],
        "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1:6443"}]
    })
}

fn group_doc(group: &str, versions: &[&str]) -> Value {
    let gv = |v: &str| json!({"groupVersion": format!("{group}/{v}"), "version": v});
    json!({
        "name": group,
        "versions": versions.iter().map(|v| gv(v)).collect::<Vec<_>>(),
        "preferredVersion": gv(versions.first().copied().unwrap_or_default()),
    })
}

/// `/apis`.
pub fn group_list(registry: &Registry) -> Value {
    let groups: Vec<Value> = registry
        .groups()
        .iter()
        .filter(|g| !g.group.is_empty())
        .map(|g| group_doc(g.group, &g.versions))
        .collect();
    json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})
}

/// `/apis/GROUP`, if served.
pub fn group(registry: &Registry, name: &str) -> Option<Value> {
    let g = registry
        .groups()
        .into_iter()
        .find(|g| g.group == name && !name.is_empty())?;
    let mut doc = group_doc(g.group, &g.versions);
    doc["kind"] = json!("APIGroup");
    doc["apiVersion"] = json!("v1");
    Some(doc)
}

/// `/api/v1` or `/apis/GROUP/VERSION`: the resources with their verbs, short names and subresources.
pub fn resource_list(registry: &Registry, group: &str, version: &str) -> Option<Value> {
    let types = registry.served_in(group, version);
    if types.is_empty() {
        return None;
    }
    let group_version = if group.is_empty() {
        version.to_string()
    } else {
        format!("{group}/{version}")
    };
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
            let s = Subresource::of(rt, sub, registry.release());
            let mut doc = json!({
                "name": format!("{}/{sub}", rt.plural),
                "singularName": "",
                "namespaced": rt.namespaced,
                "kind": s.kind,
                "verbs": s.verbs,
            });
            if let Some((g, v)) = s.other_group {
                doc["group"] = json!(g);
                doc["version"] = json!(v);
            }
            resources.push(doc);
        }
    }
    Some(json!({
        "kind": "APIResourceList",
        "apiVersion": "v1",
        "groupVersion": group_version,
        "resources": resources,
    }))
}

/// What a subresource answers with and which verbs it takes.
pub struct Subresource {
    /// The kind of its answers.
    pub kind: &'static str,
    /// Its group and version when they are not the resource's.
    pub other_group: Option<(&'static str, &'static str)>,
    /// Its verbs.
    pub verbs: &'static [&'static str],
}

impl Subresource {
    /// The subresource `sub` of `rt` as `release` serves it.
    pub fn of(rt: &ResourceType, sub: &str, release: ServerVersion) -> Self {
        let (kind, other_group, verbs): (&'static str, _, &'static [&'static str]) = match sub {
            "scale" => (
                "Scale",
                Some(("autoscaling", "v1")),
                &["get", "patch", "update"],
            ),
            "status" => (rt.kind, None, &["get", "patch", "update"]),
            "log" => ("Pod", None, &["get"]),
            // policy/v1 Eviction is GA in 1.22.
            "eviction" if release.minor() >= 22 => {
                ("Eviction", Some(("policy", "v1")), &["create"])
            }
            "eviction" => ("Eviction", Some(("policy", "v1beta1")), &["create"]),
            "binding" => ("Binding", None, &["create"]),
            "finalize" => ("Namespace", None, &["update"]),
            "token" => (
                "TokenRequest",
                Some(("authentication.k8s.io", "v1")),
                &["create"],
            ),
            "exec" => ("PodExecOptions", None, &["create", "get"]),
            "attach" => ("PodAttachOptions", None, &["create", "get"]),
            "portforward" => ("PodPortForwardOptions", None, &["create", "get"]),
            _ => (rt.kind, None, &["get"]),
        };
        Self {
            kind,
            other_group,
            verbs,
        }
    }
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
        let registry = Registry::default();
        let list = resource_list(&registry, "", "v1").unwrap();
        let resources = list["resources"].as_array().unwrap();
        let pods = resources.iter().find(|r| r["name"] == "pods").unwrap();
        assert_eq!(pods["shortNames"], json!(["po"]));
        assert!(resources.iter().any(|r| r["name"] == "pods/log"));
        let apps = resource_list(&registry, "apps", "v1").unwrap();
        let scale = apps["resources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == "deployments/scale")
            .unwrap();
        assert_eq!(scale["kind"], "Scale");
        assert_eq!(scale["group"], "autoscaling");
        assert!(resource_list(&registry, "nope", "v1").is_none());
        assert!(
            group_list(&registry)["groups"]
                .as_array()
                .unwrap()
                .iter()
                .any(|g| g["name"] == "apps")
        );
    }

    #[test]
    fn every_listed_group_version_serves_something() {
        for release in ServerVersion::all() {
            let registry = Registry::new(release);
            for g in group_list(&registry)["groups"].as_array().unwrap() {
                assert!(
                    !g["versions"].as_array().unwrap().is_empty(),
                    "{release}: {g}"
                );
                for v in g["versions"].as_array().unwrap() {
                    let version = v["version"].as_str().unwrap();
                    let group = g["name"].as_str().unwrap();
                    let list = resource_list(&registry, group, version)
                        .unwrap_or_else(|| panic!("{release}: {group}/{version} is listed"));
                    assert!(!list["resources"].as_array().unwrap().is_empty());
                }
            }
        }
    }
}
