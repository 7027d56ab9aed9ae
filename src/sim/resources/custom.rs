//! The kind a CustomResourceDefinition defines, read from the CRD object.

use serde_json::Value;

use super::{PrinterColumn, ResourceType, Served};

const ALL_VERBS: &[&str] = &[
    "delete",
    "deletecollection",
    "get",
    "list",
    "patch",
    "create",
    "update",
    "watch",
];

fn leak(s: &str) -> &'static str {
    Box::leak(s.to_owned().into_boxed_str())
}

fn leak_all<T>(v: Vec<T>) -> &'static [T] {
    Box::leak(v.into_boxed_slice())
}

fn strings(v: &Value) -> Vec<&str> {
    v.as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect()
}

fn text(v: &Value) -> Option<&str> {
    v.as_str().filter(|s| !s.is_empty())
}

/// The kind `crd` defines, if its spec names one (group, plural, kind and a storage version).
pub fn from_crd(crd: &Value) -> Option<ResourceType> {
    let spec = &crd["spec"];
    let names = &spec["names"];
    let group = text(&spec["group"])?;
    let plural = text(&names["plural"])?;
    let kind = text(&names["kind"])?;
    let versions = spec["versions"].as_array()?;
    let storage = versions
        .iter()
        .find(|v| v["storage"] == true)
        .and_then(|v| text(&v["name"]))?;
    let singular = text(&names["singular"]).map_or_else(|| kind.to_lowercase(), str::to_string);
    let served: Vec<Served> = versions
        .iter()
        .filter(|v| v["served"] == true)
        .filter_map(|v| {
            let columns: Vec<PrinterColumn> = v["additionalPrinterColumns"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|c| PrinterColumn {
                    name: leak(c["name"].as_str().unwrap_or_default()),
                    type_: leak(c["type"].as_str().unwrap_or("string")),
                    format: leak(c["format"].as_str().unwrap_or_default()),
                    description: leak(c["description"].as_str().unwrap_or_default()),
                    priority: c["priority"].as_i64().unwrap_or(0),
                    json_path: leak(c["jsonPath"].as_str().unwrap_or_default()),
                })
                .collect();
            Some(Served {
                version: leak(text(&v["name"])?),
                since: 0,
                until: u16::MAX,
                columns: leak_all(columns),
            })
        })
        .collect();
    let mut subresources: Vec<&'static str> = Vec::new();
    for v in versions {
        for sub in ["status", "scale"] {
            if v["subresources"].get(sub).is_some_and(Value::is_object)
                && !subresources.contains(&sub)
            {
                subresources.push(sub);
            }
        }
    }
    let short_names: Vec<&'static str> = strings(&names["shortNames"])
        .into_iter()
        .map(leak)
        .collect();
    let categories: Vec<&'static str> = strings(&names["categories"])
        .into_iter()
        .map(leak)
        .collect();
    Some(ResourceType {
        group: leak(group),
        version: leak(storage),
        served: leak_all(served),
        kind: leak(kind),
        plural: leak(plural),
        singular: leak(&singular),
        namespaced: spec["scope"] != "Cluster",
        short_names: leak_all(short_names),
        verbs: ALL_VERBS,
        subresources: leak_all(subresources),
        categories: leak_all(categories),
        has_generation: true,
        custom: true,
    })
}

/// The scale subresource's paths of `version` of `crd`: spec replicas, status replicas, selector.
pub fn scale_paths(crd: &Value, version: &str) -> Option<(String, String, Option<String>)> {
    let v = crd["spec"]["versions"]
        .as_array()?
        .iter()
        .find(|v| v["name"] == version)?;
    let scale = v["subresources"]["scale"].as_object()?;
    let path = |k: &str| scale.get(k).and_then(Value::as_str).map(str::to_string);
    Some((
        path("specReplicasPath")?,
        path("statusReplicasPath")?,
        path("labelSelectorPath"),
    ))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_crd_defines_its_kind() {
        let crd = json!({"spec": {"group": "demo.kdeck.dev", "scope": "Namespaced",
            "names": {"plural": "widgets", "kind": "Widget", "shortNames": ["wg"], "categories": ["all"]},
            "versions": [{"name": "v1", "served": true, "storage": true,
                "subresources": {"status": {}},
                "additionalPrinterColumns": [{"name": "Color", "type": "string", "jsonPath": ".spec.color"}]},
                {"name": "v1alpha1", "served": false, "storage": false}]}});
        let rt = from_crd(&crd).unwrap();
        assert_eq!(
            (rt.group, rt.version, rt.kind, rt.singular),
            ("demo.kdeck.dev", "v1", "Widget", "widget")
        );
        assert_eq!(rt.short_names, ["wg"]);
        assert_eq!(rt.subresources, ["status"]);
        assert_eq!(rt.served.len(), 1, "only served versions");
        assert_eq!(rt.served[0].columns[0].json_path, ".spec.color");
        assert!(rt.namespaced && rt.custom);
        assert!(from_crd(&json!({"spec": {"group": "g"}})).is_none());
    }
}
