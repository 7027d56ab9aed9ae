//! Discovery as kubectl reads it: `kubectl api-resources` lists every served kind without
//! an error, the aggregated form of `/api` and `/apis` (apidiscovery.k8s.io v2 and v2beta1)
//! says what the legacy documents say, and each release serves the form it had.

#![expect(
    clippy::unwrap_used,
    reason = "tests: a missing field is a test failure"
)]

mod support;

use std::collections::BTreeSet;

use serde_json::Value;
use support::{TestSim, stderr, stdout};

const AGGREGATED_V2: &str = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";
const AGGREGATED_V2BETA1: &str =
    "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList";

/// GETs `path` with an `Accept` header; the answer's content type and body.
fn get(sim: &TestSim, path: &str, accept: &str) -> (String, Value) {
    sim.block_on(async {
        let client = sim.client().await.expect("a client");
        let req = http::Request::get(path)
            .header(http::header::ACCEPT, accept)
            .body(Vec::new())
            .expect("a request");
        let res = client
            .send(req.map(kube::client::Body::from))
            .await
            .expect("an answer");
        let content_type = res
            .headers()
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        let body = res.into_body().collect_bytes().await.expect("a body");
        (content_type, serde_json::from_slice(&body).expect("JSON"))
    })
}

/// One served resource or subresource: group/version, name, kind, namespaced, verbs, short names, categories.
type Row = (String, String, String, bool, String, String, String);

fn words(v: &Value) -> String {
    let mut w: Vec<&str> = v
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    w.sort_unstable();
    w.join(",")
}

fn legacy_rows(sim: &TestSim) -> BTreeSet<Row> {
    let mut gvs = vec!["v1".to_string()];
    let (_, apis) = get(sim, "/apis", "application/json");
    for g in apis["groups"].as_array().unwrap() {
        for v in g["versions"].as_array().unwrap() {
            gvs.push(v["groupVersion"].as_str().unwrap().to_string());
        }
    }
    let mut rows = BTreeSet::new();
    for gv in gvs {
        let path = if gv == "v1" {
            "/api/v1".to_string()
        } else {
            format!("/apis/{gv}")
        };
        let (_, list) = get(sim, &path, "application/json");
        let resources = list["resources"].as_array().unwrap();
        assert!(!resources.is_empty(), "{gv} is listed and serves nothing");
        for r in resources {
            rows.insert((
                gv.clone(),
                r["name"].as_str().unwrap().to_string(),
                r["kind"].as_str().unwrap().to_string(),
                r["namespaced"].as_bool().unwrap(),
                words(&r["verbs"]),
                words(&r["shortNames"]),
                words(&r["categories"]),
            ));
        }
    }
    rows
}

fn aggregated_rows(sim: &TestSim, accept: &str) -> BTreeSet<Row> {
    let mut rows = BTreeSet::new();
    for path in ["/api", "/apis"] {
        let (content_type, doc) = get(sim, path, &format!("{accept},application/json"));
        assert_eq!(
            content_type, accept,
            "{path} answers in the aggregated form"
        );
        for item in doc["items"].as_array().unwrap() {
            let group = item["metadata"]["name"].as_str().unwrap_or_default();
            for v in item["versions"].as_array().unwrap() {
                let version = v["version"].as_str().unwrap();
                let gv = if group.is_empty() {
                    version.to_string()
                } else {
                    format!("{group}/{version}")
                };
                for r in v["resources"].as_array().unwrap() {
                    let name = r["resource"].as_str().unwrap();
                    let namespaced = r["scope"] == "Namespaced";
                    rows.insert((
                        gv.clone(),
                        name.to_string(),
                        r["responseKind"]["kind"].as_str().unwrap().to_string(),
                        namespaced,
                        words(&r["verbs"]),
                        words(&r["shortNames"]),
                        words(&r["categories"]),
                    ));
                    for s in r["subresources"].as_array().into_iter().flatten() {
                        rows.insert((
                            gv.clone(),
                            format!("{name}/{}", s["subresource"].as_str().unwrap()),
                            s["responseKind"]["kind"].as_str().unwrap().to_string(),
                            namespaced,
                            words(&s["verbs"]),
                            String::new(),
                            String::new(),
                        ));
                    }
                }
            }
        }
    }
    rows
}

fn api_resources_lists_every_kind_without_an_error() {
    require_kubectl!();
    let sim = TestSim::start();
    let out = sim.kubectl(&["api-resources"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stderr(&out), "", "no group is listed that serves nothing");
    let listed = stdout(&out);
    for line in [
        "cronjobs                            cj           batch/v1",
        "jobs                                             batch/v1",
        "horizontalpodautoscalers            hpa          autoscaling/v2",
        "poddisruptionbudgets                pdb          policy/v1",
        "ingresses                           ing          networking.k8s.io/v1",
        "persistentvolumeclaims              pvc          v1",
        "customresourcedefinitions           crd,crds     apiextensions.k8s.io/v1",
        "roles                                            rbac.authorization.k8s.io/v1",
        "storageclasses                      sc           storage.k8s.io/v1",
        "serviceaccounts                     sa           v1",
    ] {
        let words: Vec<&str> = line.split_whitespace().collect();
        assert!(
            listed.lines().any(|l| l
                .split_whitespace()
                .take(words.len())
                .eq(words.iter().copied())),
            "api-resources lists {words:?}:\n{listed}"
        );
    }
}

fn aggregated_discovery_agrees_with_the_legacy_documents() {
    let sim = TestSim::start();
    let legacy = legacy_rows(&sim);
    assert!(legacy.iter().any(|r| r.1 == "cronjobs"));
    assert_eq!(aggregated_rows(&sim, AGGREGATED_V2), legacy);
    let beta = TestSim::release("1.29");
    assert_eq!(
        aggregated_rows(&beta, AGGREGATED_V2BETA1),
        legacy_rows(&beta)
    );
}

fn releases_serve_the_discovery_forms_they_had() {
    for (release, v2, v2beta1) in [
        ("1.26", false, false),
        ("1.27", false, true),
        ("1.30", true, true),
        ("1.33", true, false),
    ] {
        let sim = TestSim::release(release);
        for (accept, served) in [(AGGREGATED_V2, v2), (AGGREGATED_V2BETA1, v2beta1)] {
            let (content_type, doc) = get(&sim, "/apis", &format!("{accept},application/json"));
            if served {
                assert_eq!(content_type, accept, "{release}");
                assert_eq!(doc["kind"], "APIGroupDiscoveryList");
            } else {
                assert_eq!(
                    content_type, "application/json",
                    "{release} answers {accept} with the legacy form"
                );
                assert_eq!(doc["kind"], "APIGroupList");
            }
        }
        let (_, version) = get(&sim, "/version", "application/json");
        assert!(
            version["gitVersion"]
                .as_str()
                .unwrap()
                .starts_with(&format!("v{release}.")),
            "{version}"
        );
    }
}

fn kubectl_reads_the_aggregated_form_when_the_server_has_it() {
    require_kubectl!();
    for (release, aggregated) in [("1.33", true), ("1.26", false)] {
        let sim = TestSim::release(release);
        let out = sim.kubectl(&["api-resources", "-o", "name"]);
        assert!(out.status.success(), "{release}: {}", stderr(&out));
        assert!(
            stdout(&out).lines().any(|l| l == "cronjobs.batch"),
            "{release}"
        );
        let per_group = sim
            .requests()
            .iter()
            .filter(|r| r.path.starts_with("/apis/batch/"))
            .count();
        if aggregated {
            assert_eq!(
                per_group, 0,
                "{release}: kubectl took everything from /apis"
            );
        } else {
            assert!(per_group > 0, "{release}: kubectl read /apis/batch/v1");
        }
    }
}

support::conformance_tests![
    api_resources_lists_every_kind_without_an_error,
    aggregated_discovery_agrees_with_the_legacy_documents,
    releases_serve_the_discovery_forms_they_had,
    kubectl_reads_the_aggregated_form_when_the_server_has_it,
];
