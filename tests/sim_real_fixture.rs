//! The embedded cluster's objects against a real kube-apiserver's: the Deployment of
//! `tests/fixtures/real-apiserver-v1.20/` (what `kubectl get -o json --show-managed-fields`
//! printed on a v1.20.2 control plane) is applied to the sim with kubectl, and its pod,
//! ReplicaSet and Deployment must carry every field the real ones carry, at about the
//! same size, so that what kdeck decodes from the sim is what it decodes from a cluster.

#![expect(
    clippy::unwrap_used,
    reason = "tests: a missing field is a test failure"
)]

mod support;

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::Path;

use serde_json::Value;
use support::{TestSim, test_timeout, wait_until};

/// What the real server wrote and the sim, as a v1.33 server, legitimately does not:
/// (path prefix, why), paths as [`paths`] spells them; a missing path under one is allowed.
const ALLOWED_MISSING: &[(&str, &str)] = &[
    // Before 1.21 the token came from a Secret volume; since BoundServiceAccountTokenVolume
    // (GA in 1.22) it is the projected kube-api-access-XXXXX volume, which the sim mounts.
    (".spec.volumes[].secret", "the secret token volume of v1.20"),
    // An owner reference is one atomic leaf of a field set since it became
    // `+structType=atomic` (v1.21): `k:{"uid":...}: {}`, nothing under it.
    (
        ".metadata.managedFields[].fieldsV1.f:metadata.f:ownerReferences.k:*.",
        "owner references are atomic since v1.21",
    ),
];

fn allowed(path: &str) -> bool {
    ALLOWED_MISSING
        .iter()
        .any(|(prefix, _)| path.starts_with(prefix))
}

/// Map keys that are data, not field names (label keys, annotation keys...).
const DATA_MAPS: &[&str] = &["labels", "annotations", "matchLabels", "nodeSelector"];

/// Every field path of `v`: `.spec.containers[].image`; list indices are left out, the
/// keys of data maps are `*`, and in `fieldsV1` the keys that are values (`k:{"name":
/// "nginx"}`, `v:"x"`) are `k:*` and `v:*`.
fn paths(v: &Value) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    walk(v, "", &mut out, false);
    out
}

fn walk(v: &Value, prefix: &str, out: &mut BTreeSet<String>, keys_are_data: bool) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                let segment = if keys_are_data {
                    "*".to_string()
                } else if let Some(kind @ ("k:" | "v:" | "i:")) = k.get(..2) {
                    format!("{kind}*")
                } else {
                    k.clone()
                };
                let path = format!("{prefix}.{segment}");
                out.insert(path.clone());
                let field = k.strip_prefix("f:").unwrap_or(k);
                walk(x, &path, out, DATA_MAPS.contains(&field));
            }
        }
        Value::Array(items) => {
            for x in items {
                walk(x, &format!("{prefix}[]"), out, false);
            }
        }
        _ => {}
    }
}

fn fixture(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/real-apiserver-v1.20")
        .join(name);
    let text = std::fs::read_to_string(&path).expect("the fixture is readable");
    serde_json::from_str(&text).expect("the fixture is JSON")
}

/// `obj` without what only one of the two servers writes, so that sizes compare like for
/// like: the service account token volume and its mounts (a Secret volume in v1.20, the
/// projected one since), what the kubelet reports since v1.20 (`hostIPs`, the
/// PodReadyToStartContainers condition, the mounts in container statuses) with their
/// field sets, and the `subresource` of an entry (v1.22); the image, image ID and
/// container ID are blanked, as the fixture's hollow kubelet fakes them.
fn without_version_differences(obj: &Value) -> Value {
    let mut v = obj.clone();
    let token = |name: &Value| {
        name.as_str()
            .is_some_and(|n| n.starts_with("default-token-") || n.starts_with("kube-api-access-"))
    };
    // Through pointer_mut: indexing a Value mutably would add what is missing.
    if let Some(volumes) = array_at(&mut v, "/spec/volumes") {
        volumes.retain(|vol| !token(&vol["name"]));
    }
    for c in array_at(&mut v, "/spec/containers").into_iter().flatten() {
        if let Some(mounts) = array_at(c, "/volumeMounts") {
            mounts.retain(|m| !token(&m["name"]));
        }
    }
    for c in array_at(&mut v, "/status/containerStatuses")
        .into_iter()
        .flatten()
    {
        for field in ["image", "imageID", "containerID"] {
            c[field] = Value::from("");
        }
        remove_at(c, "", "volumeMounts");
    }
    if let Some(conditions) = array_at(&mut v, "/status/conditions") {
        conditions.retain(|c| c["type"] != "PodReadyToStartContainers");
    }
    remove_at(&mut v, "/status", "hostIPs");
    for e in array_at(&mut v, "/metadata/managedFields")
        .into_iter()
        .flatten()
    {
        remove_at(e, "", "subresource");
        remove_at(e, "/fieldsV1/f:status", "f:hostIPs");
        remove_at(
            e,
            "/fieldsV1/f:status/f:conditions",
            "k:{\"type\":\"PodReadyToStartContainers\"}",
        );
    }
    v
}

fn array_at<'a>(v: &'a mut Value, pointer: &str) -> Option<&'a mut Vec<Value>> {
    v.pointer_mut(pointer).and_then(Value::as_array_mut)
}

fn remove_at(v: &mut Value, pointer: &str, key: &str) {
    if let Some(m) = v.pointer_mut(pointer).and_then(Value::as_object_mut) {
        m.remove(key);
    }
}

/// The JSON size of an object as a server sends it (compact), with and without managedFields.
fn sizes(v: &Value) -> (usize, usize) {
    let with = serde_json::to_vec(v).expect("JSON").len();
    let mut without = v.clone();
    if let Some(m) = without["metadata"].as_object_mut() {
        m.remove("managedFields");
    }
    (with, serde_json::to_vec(&without).expect("JSON").len())
}

/// The fixture's Deployment applied to the sim with kubectl (as it was to the real server,
/// whose last-applied-configuration is its manifest), with 3 replicas instead of 5,000;
/// then the pod, ReplicaSet and Deployment as kubectl prints them with managedFields.
fn sim_objects(sim: &TestSim) -> [(Value, Value); 3] {
    let real_deployment = fixture("deployment.json");
    let applied = real_deployment["metadata"]["annotations"]
        ["kubectl.kubernetes.io/last-applied-configuration"]
        .as_str()
        .expect("the fixture was applied with kubectl");
    let mut manifest: Value = serde_json::from_str(applied).expect("the manifest is JSON");
    manifest["spec"]["replicas"] = 3.into();
    let file = sim.write_file("scale.json", &manifest.to_string());
    sim.kubectl_ok(&["apply", "-f", &file.to_string_lossy()]);
    let get = |args: &[&str]| -> Value {
        let mut all = vec!["get", "--show-managed-fields", "-o", "json"];
        all.extend_from_slice(args);
        serde_json::from_str(&sim.kubectl_ok(&all)).expect("kubectl prints JSON")
    };
    wait_until(test_timeout(), "the Deployment is available", || {
        let d = get(&["deployment", "scale"]);
        d["status"]["availableReplicas"] == 3
            && d["status"]["conditions"]
                .as_array()
                .is_some_and(|c| c.iter().any(|c| c["reason"] == "NewReplicaSetAvailable"))
    });
    let pods = get(&["pods", "-l", "app=scale"]);
    let pod = pods["items"][0].clone();
    let rs = get(&["replicasets", "-l", "app=scale"])["items"][0].clone();
    let deployment = get(&["deployment", "scale"]);
    [
        (fixture("pod.json"), pod),
        (fixture("replicaset.json"), rs),
        (real_deployment, deployment),
    ]
}

fn the_sims_objects_carry_every_field_a_real_servers_do_at_about_the_same_size() {
    require_kubectl!();
    let sim = TestSim::empty();
    let mut report = String::new();
    for (real, ours) in sim_objects(&sim) {
        let kind = real["kind"].as_str().unwrap().to_string();
        let ours_paths = paths(&ours);
        let missing: Vec<String> = paths(&real)
            .into_iter()
            .filter(|p| !ours_paths.contains(p) && !allowed(p))
            .collect();
        assert!(
            missing.is_empty(),
            "the sim's {kind} lacks what the real one has: {missing:#?}\nsim's: {ours:#}"
        );
        let (real_with, real_without) = sizes(&real);
        let (ours_with, ours_without) = sizes(&ours);
        let (real_like, _) = sizes(&without_version_differences(&real));
        let (ours_like, _) = sizes(&without_version_differences(&ours));
        writeln!(
            report,
            "{kind}: real {real_with} bytes ({real_without} without managedFields), \
             sim {ours_with} ({ours_without}); like for like {real_like} and {ours_like}"
        )
        .expect("writing to a String");
        let off = ours_like.abs_diff(real_like) as f64 / real_like as f64;
        assert!(
            off <= 0.10,
            "the sim's {kind} is {:.0}% off the real one's size:\n{report}",
            off * 100.0
        );
    }
    eprintln!("{report}");
}

fn a_pod_its_events_and_its_endpoints_carry_what_a_v1_33_cluster_writes() {
    require_kubectl!();
    let sim = TestSim::empty();
    let [(_, pod), _, _] = sim_objects(&sim);
    let get = |args: &[&str]| -> Value {
        let mut all = vec!["get", "-o", "json"];
        all.extend_from_slice(args);
        serde_json::from_str(&sim.kubectl_ok(&all)).unwrap()
    };

    // The admission chain: the projected token volume, mounted in the container.
    let volume = &pod["spec"]["volumes"][0];
    let token = volume["name"].as_str().unwrap();
    assert!(token.starts_with("kube-api-access-"), "{volume}");
    let sources: Vec<&str> = volume["projected"]["sources"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s.as_object()?.keys().next().map(String::as_str))
        .collect();
    assert_eq!(sources, ["serviceAccountToken", "configMap", "downwardAPI"]);
    let mount = serde_json::json!({"mountPath": "/var/run/secrets/kubernetes.io/serviceaccount",
        "name": token, "readOnly": true});
    assert_eq!(
        pod["spec"]["containers"][0]["volumeMounts"],
        serde_json::json!([mount])
    );
    assert_eq!(pod["spec"]["serviceAccountName"], "default");
    assert_eq!(pod["spec"]["tolerations"].as_array().unwrap().len(), 2);
    // The kubelet's status.
    let status = &pod["status"];
    assert_eq!(status["hostIPs"][0]["ip"], status["hostIP"]);
    assert_eq!(status["conditions"][0]["type"], "PodReadyToStartContainers");
    assert_eq!(status["qosClass"], "BestEffort");
    let container = &status["containerStatuses"][0];
    assert_eq!(
        container["volumeMounts"][0]["recursiveReadOnly"],
        "Disabled"
    );
    assert!(container["imageID"].as_str().unwrap().contains("@sha256:"));
    assert!(
        container["containerID"]
            .as_str()
            .unwrap()
            .starts_with("containerd://")
    );

    // Events: the kubelet's and the controllers' through the core/v1 recorder, the
    // scheduler's through events.k8s.io/v1.
    let events = get(&["events"]);
    let find = |reason: &str, object: &str| -> Value {
        events["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["reason"] == reason && e["involvedObject"]["name"] == object)
            .unwrap_or_else(|| panic!("no {reason} event about {object}: {events:#}"))
            .clone()
    };
    let pod_name = pod["metadata"]["name"].as_str().unwrap();
    let node = pod["spec"]["nodeName"].as_str().unwrap();
    let scheduled = find("Scheduled", pod_name);
    assert_eq!(scheduled["source"], serde_json::json!({}), "{scheduled:#}");
    assert!(scheduled["firstTimestamp"].is_null() && scheduled["lastTimestamp"].is_null());
    assert!(
        scheduled["eventTime"].as_str().unwrap().contains('.'),
        "microseconds"
    );
    assert_eq!(scheduled["action"], "Binding");
    assert_eq!(scheduled["reportingComponent"], "default-scheduler");
    assert!(
        scheduled["reportingInstance"]
            .as_str()
            .unwrap()
            .starts_with("default-scheduler-")
    );
    let started = find("Started", pod_name);
    assert_eq!(
        started["source"],
        serde_json::json!({"component": "kubelet", "host": node})
    );
    assert_eq!(
        (
            &started["reportingComponent"],
            &started["reportingInstance"]
        ),
        (&Value::from("kubelet"), &Value::from(node))
    );
    assert!(started["eventTime"].is_null());
    assert_eq!(started["firstTimestamp"], started["lastTimestamp"]);
    assert_eq!(started["count"], 1);
    let rs_name = pod["metadata"]["ownerReferences"][0]["name"]
        .as_str()
        .unwrap();
    let created = find("SuccessfulCreate", rs_name);
    assert_eq!(created["source"]["component"], "replicaset-controller");
    assert_eq!(created["reportingComponent"], "replicaset-controller");
    assert_eq!(created["reportingInstance"], "");

    // Endpoints and EndpointSlices as the two controllers write them.
    sim.kubectl_ok(&["expose", "deployment", "scale", "--port", "80"]);
    let ready = |v: &Value| v.to_string().contains(pod_name);
    wait_until(test_timeout(), "the Service's endpoints", || {
        ready(&get(&["endpoints", "scale"]))
            && ready(&get(&[
                "endpointslices",
                "-l",
                "kubernetes.io/service-name=scale",
            ]))
    });
    let endpoints = get(&["endpoints", "scale"]);
    let meta = &endpoints["metadata"];
    assert_eq!(
        meta["labels"]["endpoints.kubernetes.io/managed-by"],
        "endpoint-controller"
    );
    assert!(meta["annotations"]["endpoints.kubernetes.io/last-change-trigger-time"].is_string());
    let slice =
        get(&["endpointslices", "-l", "kubernetes.io/service-name=scale"])["items"][0].clone();
    assert!(
        slice["metadata"]["annotations"]["endpoints.kubernetes.io/last-change-trigger-time"]
            .is_string()
    );
    // An unnamed port is named "" in a slice (a pointer the controller sets).
    assert_eq!(slice["ports"][0]["name"], "", "{slice:#}");
}

support::conformance_tests![
    the_sims_objects_carry_every_field_a_real_servers_do_at_about_the_same_size,
    a_pod_its_events_and_its_endpoints_carry_what_a_v1_33_cluster_writes,
];
