//! What the server serves: aggregated discovery where the server has it (v2, or v2beta1
//! on 1.26–1.29: two requests, `/api` and `/apis`, for every resource of every group), else
//! the legacy documents (`/api`, `/apis`, then each group version). Every resource found
//! goes into the registry's table of discovered resources; the answer is their ids.
//!
//! Nothing is cached on disk: a session asks once at start, on `:ctx`, and when a
//! CustomResourceDefinition comes or goes.

use std::collections::BTreeMap;

use anyhow::Context as _;
use futures::StreamExt as _;
use serde_json::Value;

use super::registry::discovered::{self, ResourceFacts, ResourceId};

/// Aggregated discovery (v2, then v2beta1), else the legacy document, in one request.
const ACCEPT: &str = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,\
application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";

/// Legacy group versions read at once.
const CONCURRENT: usize = 8;

/// Asks the server what it serves; the ids of its resources (not subresources), each
/// at the first version of its group's preference that serves it.
pub async fn discover(client: &kube::Client) -> anyhow::Result<Vec<ResourceId>> {
    let core = get(client, "/api").await?;
    let groups = get(client, "/apis").await?;
    let mut found = Vec::new();
    for document in [&core, &groups] {
        if is_aggregated(document) {
            found.extend(aggregated(document));
        }
    }
    if !is_aggregated(&core) {
        found.extend(legacy_core(client, &core).await?);
    }
    if !is_aggregated(&groups) {
        found.extend(legacy_groups(client, &groups).await?);
    }
    Ok(found.into_iter().map(discovered::intern).collect())
}

async fn get(client: &kube::Client, path: &str) -> anyhow::Result<Value> {
    let request = http::Request::get(path)
        .header(http::header::ACCEPT, ACCEPT)
        .body(Vec::new())
        .context("a discovery request")?;
    client
        .request::<Value>(request)
        .await
        .with_context(|| format!("discovery: cannot read {path}"))
}

fn is_aggregated(document: &Value) -> bool {
    document["kind"] == "APIGroupDiscoveryList"
}

/// The resources of an `APIGroupDiscoveryList`: per group, each resource at the first
/// version (the list is in preference order) that serves it.
fn aggregated(document: &Value) -> Vec<ResourceFacts> {
    let mut found = Vec::new();
    for group in document["items"].as_array().into_iter().flatten() {
        let name = group["metadata"]["name"].as_str().unwrap_or_default();
        let mut seen = BTreeMap::new();
        for version in group["versions"].as_array().into_iter().flatten() {
            let v = version["version"].as_str().unwrap_or_default();
            for r in version["resources"].as_array().into_iter().flatten() {
                let plural = r["resource"].as_str().unwrap_or_default();
                if plural.is_empty() || seen.contains_key(plural) {
                    continue;
                }
                let kind = r["responseKind"]["kind"].as_str().unwrap_or_default();
                let facts = ResourceFacts {
                    group: name.to_owned(),
                    version: v.to_owned(),
                    api_kind: kind.to_owned(),
                    plural: plural.to_owned(),
                    singular: singular(r["singularResource"].as_str(), kind),
                    namespaced: r["scope"] == "Namespaced",
                    short_names: strings(&r["shortNames"]),
                    verbs: strings(&r["verbs"]),
                    categories: strings(&r["categories"]),
                    subresources: r["subresources"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|s| s["subresource"].as_str().map(str::to_owned))
                        .collect(),
                };
                seen.insert(plural.to_owned(), facts);
            }
        }
        found.extend(seen.into_values());
    }
    found
}

async fn legacy_core(client: &kube::Client, core: &Value) -> anyhow::Result<Vec<ResourceFacts>> {
    let versions = strings(&core["versions"]);
    let mut found = Vec::new();
    for version in versions {
        let list = get(client, &format!("/api/{version}")).await?;
        found.extend(resource_list("", &version, &list));
    }
    Ok(dedupe(found))
}

async fn legacy_groups(
    client: &kube::Client,
    groups: &Value,
) -> anyhow::Result<Vec<ResourceFacts>> {
    // Every version of every group, the preferred first: a resource may live only in an
    // older version (CronJobs in batch/v1beta1 on 1.20, where batch prefers v1).
    let mut wanted = Vec::new();
    for group in groups["groups"].as_array().into_iter().flatten() {
        let name = group["name"].as_str().unwrap_or_default().to_owned();
        let preferred = group["preferredVersion"]["version"]
            .as_str()
            .unwrap_or_default();
        let mut versions: Vec<String> = strings_of(&group["versions"], "version");
        versions.sort_by_key(|v| v != preferred);
        for version in versions {
            wanted.push((name.clone(), version));
        }
    }
    let lists: Vec<(String, String, anyhow::Result<Value>)> = futures::stream::iter(wanted)
        .map(|(group, version)| async move {
            let list = get(client, &format!("/apis/{group}/{version}")).await;
            (group, version, list)
        })
        .buffered(CONCURRENT)
        .collect()
        .await;
    let mut found = Vec::new();
    for (group, version, list) in lists {
        match list {
            Ok(list) => found.extend(resource_list(&group, &version, &list)),
            // A group version whose server is down (an aggregated API): the others stand.
            Err(e) => tracing::warn!("{e:#}"),
        }
    }
    Ok(dedupe(found))
}

/// The resources of a legacy `APIResourceList` (subresources, `pods/log`, left out).
fn resource_list(group: &str, version: &str, list: &Value) -> Vec<ResourceFacts> {
    let all = list["resources"].as_array().cloned().unwrap_or_default();
    let subresources = |plural: &str| -> Vec<String> {
        all.iter()
            .filter_map(|r| r["name"].as_str())
            .filter_map(|n| n.strip_prefix(plural)?.strip_prefix('/'))
            .map(str::to_owned)
            .collect()
    };
    all.iter()
        .filter_map(|r| {
            let plural = r["name"].as_str()?;
            if plural.contains('/') {
                return None;
            }
            let kind = r["kind"].as_str().unwrap_or_default();
            Some(ResourceFacts {
                group: group.to_owned(),
                version: version.to_owned(),
                api_kind: kind.to_owned(),
                plural: plural.to_owned(),
                singular: singular(r["singularName"].as_str(), kind),
                namespaced: r["namespaced"].as_bool().unwrap_or(true),
                short_names: strings(&r["shortNames"]),
                verbs: strings(&r["verbs"]),
                categories: strings(&r["categories"]),
                subresources: subresources(plural),
            })
        })
        .collect()
}

/// Each (group, plural) once: the first found (the preferred version first).
fn dedupe(found: Vec<ResourceFacts>) -> Vec<ResourceFacts> {
    let mut seen = std::collections::HashSet::new();
    found
        .into_iter()
        .filter(|f| seen.insert((f.group.clone(), f.plural.clone())))
        .collect()
}

fn singular(given: Option<&str>, kind: &str) -> String {
    match given {
        Some(s) if !s.is_empty() => s.to_owned(),
        _ => kind.to_lowercase(),
    }
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect()
}

fn strings_of(value: &Value, field: &str) -> Vec<String> {
    value
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v[field].as_str())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn aggregated_takes_each_resource_at_its_first_version() {
        let doc = json!({"kind": "APIGroupDiscoveryList", "items": [{
        "metadata": {"name": "batch.test-discovery"},
        "versions": [
            {"version": "v1", "resources": [{"resource": "jobs", "scope": "Namespaced",
                "responseKind": {"kind": "Job"}, "singularResource": "job",
                "verbs": ["list", "watch"], "subresources": [{"subresource": "status"}]}]},
            {"version": "v1beta1", "resources": [
                {"resource": "jobs", "scope": "Namespaced", "responseKind": {"kind": "Job"}},
                {"resource": "cronjobs", "scope": "Namespaced", "shortNames": ["cj"],
                 "responseKind": {"kind": "CronJob"}, "verbs": ["list"]}]}
        ]}]});
        let found = aggregated(&doc);
        let jobs = found.iter().find(|f| f.plural == "jobs").unwrap();
        assert_eq!((jobs.version.as_str(), jobs.subresources.len()), ("v1", 1));
        let cronjobs = found.iter().find(|f| f.plural == "cronjobs").unwrap();
        assert_eq!(cronjobs.version, "v1beta1");
        assert_eq!(
            cronjobs.singular, "cronjob",
            "the kind, lowercased, when none is given"
        );
        assert_eq!(cronjobs.short_names, ["cj"]);
    }

    #[test]
    fn legacy_lists_leave_subresources_out_and_name_them() {
        let list = json!({"kind": "APIResourceList", "resources": [
            {"name": "pods", "singularName": "pod", "namespaced": true, "kind": "Pod",
             "verbs": ["get", "list"], "shortNames": ["po"]},
            {"name": "pods/log", "namespaced": true, "kind": "Pod", "verbs": ["get"]},
            {"name": "nodes", "singularName": "", "namespaced": false, "kind": "Node"}]});
        let found = resource_list("", "v1", &list);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].subresources, ["log"]);
        assert!(!found[1].namespaced);
        assert_eq!(found[1].singular, "node");
    }
}
