//! The embedded cluster's controllers, in-process on a store with a manual clock
//! (no HTTP): rollouts within maxSurge/maxUnavailable at every step, minReadySeconds,
//! pause, undo by template revert, history limit, broken images, endpoints,
//! garbage collection and event aggregation.

#![expect(
    clippy::unwrap_used,
    clippy::needless_pass_by_value,
    reason = "test helpers fail the test on any error"
)]

#[path = "sim_controllers/controller_history.rs"]
mod controller_history;
#[path = "sim_controllers/pods.rs"]
mod pods;
#[path = "sim_controllers/revisions.rs"]
mod revisions;
#[path = "sim_controllers/rollouts.rs"]
mod rollouts;
#[path = "sim_controllers/services_gc_events.rs"]
mod services_gc_events;
#[path = "sim_controllers/termination.rs"]
mod termination;

use std::sync::Arc;
use std::time::Duration;

use kdeck::sim::clock::Clock;
use kdeck::sim::controllers::{self, events, pass::Pass, reconcile_once, settle};
use kdeck::sim::resources::by_kind;
use kdeck::sim::store::{Obj, Store};
use serde_json::{Value, json};

fn rt(group: &str, kind: &str) -> &'static kdeck::sim::resources::ResourceType {
    by_kind(group, kind).unwrap()
}

fn cluster() -> Arc<Store> {
    let store = Arc::new(Store::new(Clock::manual()));
    store
        .create(
            rt("", "Namespace"),
            json!({"metadata": {"name": "default"}}),
        )
        .unwrap();
    for (i, name) in ["kdeck-control-plane", "kdeck-worker", "kdeck-worker2"]
        .into_iter()
        .enumerate()
    {
        let mut node = json!({
            "metadata": {"name": name},
            "spec": {"podCIDR": format!("10.244.{i}.0/24")},
            "status": {
                "conditions": [{"type": "Ready", "status": "True", "reason": "KubeletReady"}],
                "addresses": [{"type": "InternalIP", "address": format!("172.18.0.{}", i + 2)}],
            },
        });
        if i == 0 {
            node["spec"]["taints"] =
                json!([{"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}]);
        }
        store.create(rt("", "Node"), node).unwrap();
    }
    store
}

fn deployment(name: &str, replicas: i64, image: &str, strategy: Value, min_ready: i64) -> Value {
    json!({
        "metadata": {"name": name, "namespace": "default", "annotations": {"kubernetes.io/change-cause": "kubectl apply --filename=myapp-deploy.yaml --record=true"}},
        "spec": {
            "replicas": replicas,
            "minReadySeconds": min_ready,
            "selector": {"matchLabels": {"app": name}},
            "strategy": strategy,
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {"containers": [{"name": "web", "image": image, "ports": [{"name": "http", "containerPort": 80}]}]},
            },
        },
    })
}

fn canary_strategy() -> Value {
    json!({"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}})
}

/// Advances simulated time second by second, settling after each, calling `check` after every pass.
fn run_for(store: &Store, seconds: u64, mut check: impl FnMut(&Store)) {
    for _ in 0..seconds {
        for _ in 0..50 {
            let before = store.resource_version();
            reconcile_once(store);
            check(store);
            if store.resource_version() == before {
                break;
            }
        }
        store.clock().advance(Duration::from_secs(1));
    }
    settle(store);
    check(store);
}

fn get(store: &Store, group: &str, kind: &str, name: &str) -> Obj {
    store
        .get(rt(group, kind), "default", name)
        .unwrap_or_else(|| panic!("{kind} {name} not found"))
}

fn set_image(store: &Store, name: &str, image: &str) {
    store
        .modify(rt("apps", "Deployment"), "default", name, |d| {
            d["spec"]["template"]["spec"]["containers"][0]["image"] = json!(image);
            Ok(())
        })
        .unwrap();
}

fn set_spec(store: &Store, name: &str, field: &str, value: Value) {
    store
        .modify(rt("apps", "Deployment"), "default", name, |d| {
            d["spec"][field] = value;
            Ok(())
        })
        .unwrap();
}

fn replica_sets(store: &Store) -> Vec<Obj> {
    store.list(rt("apps", "ReplicaSet"), Some("default")).0
}

fn pods(store: &Store) -> Vec<Obj> {
    store.list(rt("", "Pod"), Some("default")).0
}

fn active_pods(store: &Store) -> Vec<Obj> {
    pods(store)
        .into_iter()
        .filter(|p| p["metadata"]["deletionTimestamp"].is_null())
        .collect()
}

fn is_ready(p: &Value) -> bool {
    p["status"]["conditions"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|c| c["type"] == "Ready" && c["status"] == "True")
}

fn available_pods(store: &Store, min_ready: i64) -> usize {
    let now = store.clock().now();
    active_pods(store)
        .iter()
        .filter(|p| {
            p["status"]["conditions"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|c| {
                    c["type"] == "Ready"
                        && c["status"] == "True"
                        && c["lastTransitionTime"]
                            .as_str()
                            .and_then(|t| t.parse::<jiff::Timestamp>().ok())
                            .is_some_and(|t| now.duration_since(t).as_secs() >= min_ready)
                })
        })
        .count()
}

fn revision(o: &Value) -> &str {
    o["metadata"]["annotations"]["deployment.kubernetes.io/revision"]
        .as_str()
        .unwrap_or("")
}

fn rs_of_image<'a>(rss: &'a [Obj], image: &str) -> &'a Obj {
    rss.iter()
        .find(|rs| rs["spec"]["template"]["spec"]["containers"][0]["image"] == image)
        .unwrap_or_else(|| panic!("no ReplicaSet for {image}"))
}

fn is_complete(d: &Value) -> bool {
    let want = d["spec"]["replicas"].as_i64().unwrap();
    d["status"]["updatedReplicas"].as_i64() == Some(want)
        && d["status"]["availableReplicas"].as_i64() == Some(want)
        && d["status"]["replicas"].as_i64() == Some(want)
        && d["status"]["observedGeneration"] == d["metadata"]["generation"]
}

fn events_for(store: &Store, name: &str) -> Vec<Obj> {
    store
        .list(rt("", "Event"), Some("default"))
        .0
        .into_iter()
        .filter(|e| e["involvedObject"]["name"] == name)
        .collect()
}

fn has_event(store: &Store, name: &str, reason: &str, message_part: &str) -> bool {
    events_for(store, name).iter().any(|e| {
        e["reason"] == reason
            && e["message"]
                .as_str()
                .is_some_and(|m| m.contains(message_part))
    })
}

fn create_and_settle(store: &Store, d: Value) {
    store.create(rt("apps", "Deployment"), d).unwrap();
    run_for(store, 15, |_| {});
}
