//! The embedded cluster's controllers, in-process on a store with a manual clock
//! (no HTTP): rollouts within maxSurge/maxUnavailable at every step, minReadySeconds,
//! pause, undo by template revert, history limit, broken images, endpoints,
//! garbage collection and event aggregation.

#![expect(
    clippy::unwrap_used,
    clippy::needless_pass_by_value,
    reason = "test helpers fail the test on any error"
)]

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

#[test]
fn a_new_deployment_rolls_out_to_running_ready_pods_on_the_workers() {
    let store = cluster();
    create_and_settle(
        &store,
        deployment("myapp-deploy", 3, "nginx:1.14.1", canary_strategy(), 0),
    );
    let d = get(&store, "apps", "Deployment", "myapp-deploy");
    assert!(is_complete(&d), "{:#}", d["status"]);
    assert_eq!(revision(&d), "1");
    let rss = replica_sets(&store);
    assert_eq!(rss.len(), 1);
    let rs = &rss[0];
    let hash = rs["metadata"]["labels"]["pod-template-hash"]
        .as_str()
        .unwrap();
    assert_eq!(rs["metadata"]["name"], format!("myapp-deploy-{hash}"));
    assert_eq!(
        rs["spec"]["selector"]["matchLabels"]["pod-template-hash"],
        hash
    );
    assert_eq!(revision(rs), "1");
    assert_eq!(
        rs["metadata"]["annotations"]["kubernetes.io/change-cause"],
        "kubectl apply --filename=myapp-deploy.yaml --record=true"
    );
    assert_eq!(
        rs["metadata"]["annotations"]["deployment.kubernetes.io/desired-replicas"],
        "3"
    );
    assert_eq!(
        rs["metadata"]["annotations"]["deployment.kubernetes.io/max-replicas"],
        "4"
    );
    assert_eq!(rs["status"]["readyReplicas"], 3);
    let ps = pods(&store);
    assert_eq!(ps.len(), 3);
    for p in &ps {
        let name = p["metadata"]["name"].as_str().unwrap();
        assert_eq!(
            name.len(),
            format!("myapp-deploy-{hash}-").len() + 5,
            "{name}"
        );
        assert_eq!(p["status"]["phase"], "Running");
        assert!(is_ready(p));
        assert_ne!(
            p["spec"]["nodeName"], "kdeck-control-plane",
            "the control plane is tainted"
        );
        assert!(
            p["status"]["podIP"]
                .as_str()
                .unwrap()
                .starts_with("10.244.")
        );
        assert_eq!(p["status"]["containerStatuses"][0]["restartCount"], 0);
        assert!(
            p["status"]["containerStatuses"][0]["containerID"]
                .as_str()
                .unwrap()
                .starts_with("containerd://")
        );
        assert_eq!(
            p["metadata"]["ownerReferences"][0]["uid"],
            rs["metadata"]["uid"]
        );
        assert!(has_event(
            &store,
            name,
            "Scheduled",
            "Successfully assigned default/"
        ));
        assert!(has_event(&store, name, "Started", "Started container web"));
    }
    assert!(has_event(
        &store,
        "myapp-deploy",
        "ScalingReplicaSet",
        &format!("Scaled up replica set myapp-deploy-{hash} to 3 from 0")
    ));
    let progressing = d["status"]["conditions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["type"] == "Progressing")
        .unwrap();
    assert_eq!(progressing["reason"], "NewReplicaSetAvailable");
    let available = d["status"]["conditions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["type"] == "Available")
        .unwrap();
    assert_eq!(available["reason"], "MinimumReplicasAvailable");
}

fn check_rollout_bounds(
    deploy: &str,
    want: usize,
    surge: usize,
    unavailable: usize,
    min_ready: i64,
) {
    let store = cluster();
    let strategy = json!({"type": "RollingUpdate", "rollingUpdate": {"maxSurge": surge, "maxUnavailable": unavailable}});
    create_and_settle(
        &store,
        deployment(deploy, want as i64, "nginx:1.14.1", strategy, min_ready),
    );
    run_for(&store, u64::try_from(min_ready).unwrap() + 1, |_| {});
    set_image(&store, deploy, "nginx:1.15.5");
    let mut max_total = 0;
    let mut min_available = usize::MAX;
    run_for(&store, 120, |s| {
        let total = active_pods(s).len();
        let available = available_pods(s, min_ready);
        max_total = max_total.max(total);
        min_available = min_available.min(available);
        assert!(
            total <= want + surge,
            "{total} pods exceed {want} + maxSurge {surge}"
        );
        assert!(
            available + unavailable >= want,
            "{available} available pods with maxUnavailable {unavailable}"
        );
    });
    let d = get(&store, "apps", "Deployment", deploy);
    assert!(is_complete(&d), "{:#}", d["status"]);
    assert_eq!(max_total, want + surge, "the rollout used its surge");
    let rss = replica_sets(&store);
    assert_eq!(rs_of_image(&rss, "nginx:1.14.1")["spec"]["replicas"], 0);
    assert_eq!(rs_of_image(&rss, "nginx:1.15.5")["spec"]["replicas"], want);
    assert_eq!(revision(&d), "2");
    assert!(
        active_pods(&store)
            .iter()
            .all(|p| p["spec"]["containers"][0]["image"] == "nginx:1.15.5")
    );
}

#[test]
fn rolling_update_honours_max_surge_and_max_unavailable_at_every_step() {
    check_rollout_bounds("myapp-deploy", 3, 1, 0, 5);
    check_rollout_bounds("hello-deploy", 10, 3, 2, 0);
}

#[test]
fn percentages_round_surge_up_and_unavailable_down() {
    let store = cluster();
    create_and_settle(
        &store,
        deployment(
            "pct",
            10,
            "nginx:1.14.1",
            json!({"type": "RollingUpdate"}),
            0,
        ),
    );
    set_image(&store, "pct", "nginx:1.15.5");
    run_for(&store, 60, |s| {
        let total = active_pods(s).len();
        assert!(total <= 13, "25% surge of 10 rounds up to 3: {total}");
        assert!(
            available_pods(s, 0) >= 8,
            "25% unavailable of 10 rounds down to 2"
        );
    });
    assert!(is_complete(&get(&store, "apps", "Deployment", "pct")));
}

#[test]
fn min_ready_seconds_delays_availability() {
    let store = cluster();
    store
        .create(
            rt("apps", "Deployment"),
            deployment("slow", 2, "nginx:1.14.1", canary_strategy(), 30),
        )
        .unwrap();
    run_for(&store, 10, |_| {});
    let d = get(&store, "apps", "Deployment", "slow");
    assert_eq!(d["status"]["readyReplicas"], 2, "{:#}", d["status"]);
    assert!(
        d["status"]["availableReplicas"].is_null(),
        "not available before minReadySeconds: {:#}",
        d["status"]
    );
    assert_eq!(d["status"]["unavailableReplicas"], 2);
    run_for(&store, 30, |_| {});
    let d = get(&store, "apps", "Deployment", "slow");
    assert_eq!(d["status"]["availableReplicas"], 2);
}

#[test]
fn pause_right_after_set_image_keeps_one_new_and_three_old_pods() {
    let store = cluster();
    create_and_settle(
        &store,
        deployment("myapp-deploy", 3, "nginx:1.14.1", canary_strategy(), 5),
    );
    set_image(&store, "myapp-deploy", "nginx:1.15.7");
    reconcile_once(&store);
    set_spec(&store, "myapp-deploy", "paused", json!(true));
    run_for(&store, 120, |_| {});
    let rss = replica_sets(&store);
    assert_eq!(rs_of_image(&rss, "nginx:1.15.7")["spec"]["replicas"], 1);
    assert_eq!(rs_of_image(&rss, "nginx:1.14.1")["spec"]["replicas"], 3);
    let images: Vec<String> = active_pods(&store)
        .iter()
        .map(|p| {
            p["spec"]["containers"][0]["image"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(
        images.iter().filter(|i| *i == "nginx:1.15.7").count(),
        1,
        "{images:?}"
    );
    assert_eq!(
        images.iter().filter(|i| *i == "nginx:1.14.1").count(),
        3,
        "{images:?}"
    );
    let d = get(&store, "apps", "Deployment", "myapp-deploy");
    let progressing = d["status"]["conditions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["type"] == "Progressing")
        .unwrap();
    assert_eq!(progressing["reason"], "DeploymentPaused");
    assert_eq!(progressing["status"], "Unknown");
    assert_eq!(d["status"]["updatedReplicas"], 1);

    set_spec(&store, "myapp-deploy", "paused", json!(false));
    run_for(&store, 120, |s| assert!(active_pods(s).len() <= 4));
    let d = get(&store, "apps", "Deployment", "myapp-deploy");
    assert!(is_complete(&d), "{:#}", d["status"]);
    assert!(
        active_pods(&store)
            .iter()
            .all(|p| p["spec"]["containers"][0]["image"] == "nginx:1.15.7")
    );
}

#[test]
fn scaling_a_paused_deployment_mid_rollout_is_proportional() {
    let store = cluster();
    let strategy =
        json!({"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 3, "maxUnavailable": 2}});
    create_and_settle(&store, deployment("prop", 10, "nginx:1.14.1", strategy, 0));
    set_image(&store, "prop", "nginx:1.15.5");
    reconcile_once(&store);
    set_spec(&store, "prop", "paused", json!(true));
    run_for(&store, 5, |_| {});
    let rss = replica_sets(&store);
    let (old, new) = (
        rs_of_image(&rss, "nginx:1.14.1")["spec"]["replicas"]
            .as_i64()
            .unwrap(),
        rs_of_image(&rss, "nginx:1.15.5")["spec"]["replicas"]
            .as_i64()
            .unwrap(),
    );
    assert_eq!(old + new, 13, "old {old} new {new}");
    set_spec(&store, "prop", "replicas", json!(20));
    run_for(&store, 5, |_| {});
    let rss = replica_sets(&store);
    let (old2, new2) = (
        rs_of_image(&rss, "nginx:1.14.1")["spec"]["replicas"]
            .as_i64()
            .unwrap(),
        rs_of_image(&rss, "nginx:1.15.5")["spec"]["replicas"]
            .as_i64()
            .unwrap(),
    );
    assert_eq!(old2 + new2, 23, "20 + surge 3 (25%? no: absolute 3)");
    assert!(
        old2 > old && new2 > new,
        "both grew: old {old}->{old2}, new {new}->{new2}"
    );
}

#[test]
fn reverting_the_template_reuses_the_old_replica_set_with_a_new_revision() {
    let store = cluster();
    create_and_settle(
        &store,
        deployment("myapp-deploy", 3, "nginx:1.14.1", canary_strategy(), 0),
    );
    let first = replica_sets(&store)[0]["metadata"]["name"]
        .as_str()
        .unwrap()
        .to_string();
    set_image(&store, "myapp-deploy", "nginx:1.15.5");
    run_for(&store, 60, |_| {});
    set_image(&store, "myapp-deploy", "nginx:1.14.1");
    run_for(&store, 60, |_| {});
    let rss = replica_sets(&store);
    assert_eq!(rss.len(), 2, "no third ReplicaSet");
    let reused = rs_of_image(&rss, "nginx:1.14.1");
    assert_eq!(reused["metadata"]["name"], first);
    assert_eq!(revision(reused), "3");
    assert_eq!(
        reused["metadata"]["annotations"]["deployment.kubernetes.io/revision-history"],
        "1"
    );
    assert_eq!(reused["spec"]["replicas"], 3);
    assert_eq!(revision(rs_of_image(&rss, "nginx:1.15.5")), "2");
    let d = get(&store, "apps", "Deployment", "myapp-deploy");
    assert_eq!(revision(&d), "3");
    assert!(is_complete(&d));
    assert!(
        active_pods(&store)
            .iter()
            .all(|p| p["spec"]["containers"][0]["image"] == "nginx:1.14.1")
    );
}

#[test]
fn revision_history_limit_deletes_the_oldest_unused_replica_sets() {
    let store = cluster();
    let mut d = deployment("hist", 1, "nginx:1.0", canary_strategy(), 0);
    d["spec"]["revisionHistoryLimit"] = json!(2);
    create_and_settle(&store, d);
    for v in 1..=4 {
        set_image(&store, "hist", &format!("nginx:1.{v}"));
        run_for(&store, 20, |_| {});
    }
    let rss = replica_sets(&store);
    let mut revisions: Vec<i64> = rss.iter().map(|rs| revision(rs).parse().unwrap()).collect();
    revisions.sort_unstable();
    assert_eq!(
        revisions,
        [3, 4, 5],
        "two old ReplicaSets kept besides the new one"
    );
}

#[test]
fn recreate_stops_every_old_pod_before_starting_new_ones() {
    let store = cluster();
    create_and_settle(
        &store,
        deployment("rec", 3, "nginx:1.14.1", json!({"type": "Recreate"}), 0),
    );
    set_image(&store, "rec", "nginx:1.15.5");
    run_for(&store, 90, |s| {
        let images: Vec<String> = pods(s)
            .iter()
            .map(|p| {
                p["spec"]["containers"][0]["image"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect();
        let mixed = images.iter().any(|i| i == "nginx:1.14.1")
            && images.iter().any(|i| i == "nginx:1.15.5");
        assert!(!mixed, "old and new pods together: {images:?}");
    });
    assert!(is_complete(&get(&store, "apps", "Deployment", "rec")));
}

#[test]
fn crashing_and_unpullable_images_back_off_with_warning_events() {
    let store = cluster();
    create_and_settle(
        &store,
        deployment("crashy", 1, "nginx:crash", canary_strategy(), 0),
    );
    run_for(&store, 120, |_| {});
    let pod = &pods(&store)[0];
    let name = pod["metadata"]["name"].as_str().unwrap();
    let status = &pod["status"]["containerStatuses"][0];
    assert!(status["restartCount"].as_i64().unwrap() >= 3, "{status:#}");
    assert_eq!(status["lastState"]["terminated"]["reason"], "Error");
    assert!(!is_ready(pod));
    let backoff = events_for(&store, name)
        .into_iter()
        .find(|e| e["reason"] == "BackOff")
        .expect("a BackOff event");
    assert_eq!(backoff["type"], "Warning");
    assert!(
        backoff["count"].as_i64().unwrap() >= 2,
        "repeats are aggregated: {backoff:#}"
    );
    assert!(
        backoff["message"]
            .as_str()
            .unwrap()
            .starts_with("Back-off restarting failed container web in pod")
    );
    let mut saw_crash_loop = false;
    for _ in 0..40 {
        run_for(&store, 1, |_| {});
        saw_crash_loop |= pods(&store)[0]["status"]["containerStatuses"][0]["state"]["waiting"]["reason"]
            == "CrashLoopBackOff";
    }
    assert!(saw_crash_loop);

    create_and_settle(
        &store,
        deployment("pull", 1, "nginx:bad", canary_strategy(), 0),
    );
    let pull_pod = pods(&store)
        .into_iter()
        .find(|p| p["metadata"]["name"].as_str().unwrap().starts_with("pull-"))
        .unwrap();
    let waiting = &pull_pod["status"]["containerStatuses"][0]["state"]["waiting"]["reason"];
    assert_eq!(waiting, "ImagePullBackOff");
    let pull_name = pull_pod["metadata"]["name"].as_str().unwrap();
    assert!(has_event(
        &store,
        pull_name,
        "Failed",
        "Error: ErrImagePull"
    ));
    assert!(has_event(
        &store,
        pull_name,
        "Failed",
        "Failed to pull image \"nginx:bad\""
    ));
    assert!(has_event(
        &store,
        pull_name,
        "BackOff",
        "Back-off pulling image \"nginx:bad\""
    ));
    assert_eq!(pull_pod["status"]["phase"], "Pending");
}

#[test]
fn endpoints_follow_pod_readiness() {
    let store = cluster();
    store
        .create(rt("", "Service"), json!({"metadata": {"name": "myapp-svc", "namespace": "default", "labels": {"app": "myapp"}}, "spec": {"selector": {"app": "myapp-deploy"}, "ports": [{"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"}]}}))
        .unwrap();
    store
        .create(
            rt("apps", "Deployment"),
            deployment("myapp-deploy", 2, "nginx:1.14.1", canary_strategy(), 0),
        )
        .unwrap();
    // Running, not yet ready: after START_SECS, before READY_SECS.
    run_for(&store, 2, |_| {});
    let ep = get(&store, "", "Endpoints", "myapp-svc");
    let subset = &ep["subsets"][0];
    assert_eq!(
        subset["notReadyAddresses"].as_array().map(Vec::len),
        Some(2),
        "{ep:#}"
    );
    assert!(subset["addresses"].is_null());
    assert_eq!(subset["ports"][0]["port"], 80);
    run_for(&store, 5, |_| {});
    let ep = get(&store, "", "Endpoints", "myapp-svc");
    let addresses = ep["subsets"][0]["addresses"].as_array().unwrap();
    assert_eq!(addresses.len(), 2);
    assert_eq!(addresses[0]["targetRef"]["kind"], "Pod");
    assert!(
        addresses[0]["nodeName"]
            .as_str()
            .unwrap()
            .starts_with("kdeck-worker")
    );
    let slices = store
        .list(rt("discovery.k8s.io", "EndpointSlice"), Some("default"))
        .0;
    assert_eq!(slices.len(), 1);
    let slice = &slices[0];
    let slice_name = slice["metadata"]["name"].as_str().unwrap();
    assert_eq!(slice_name.len(), "myapp-svc-".len() + 5, "{slice_name}");
    assert_eq!(
        slice["metadata"]["labels"]["kubernetes.io/service-name"],
        "myapp-svc"
    );
    assert_eq!(
        slice["metadata"]["labels"]["endpointslice.kubernetes.io/managed-by"],
        "endpointslice-controller.k8s.io"
    );
    assert!(
        slice["endpoints"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["conditions"]["ready"] == true)
    );
    // A deleted pod leaves the ready addresses at once.
    let victim = active_pods(&store)[0].clone();
    kdeck::sim::controllers::pass::Pass::new(&store).delete_gracefully(rt("", "Pod"), &victim);
    settle(&store);
    let ep = get(&store, "", "Endpoints", "myapp-svc");
    let ips: Vec<&Value> = ep["subsets"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["addresses"].as_array().into_iter().flatten())
        .collect();
    assert!(
        ips.iter()
            .all(|a| a["targetRef"]["name"] != victim["metadata"]["name"])
    );
}

#[test]
fn deleted_owners_lose_their_dependents() {
    let store = cluster();
    create_and_settle(
        &store,
        deployment("gone", 2, "nginx:1.14.1", canary_strategy(), 0),
    );
    store
        .delete(rt("apps", "Deployment"), "default", "gone")
        .unwrap();
    settle(&store);
    assert!(
        replica_sets(&store).is_empty(),
        "the ReplicaSet is collected"
    );
    assert!(
        pods(&store)
            .iter()
            .all(|p| !p["metadata"]["deletionTimestamp"].is_null()),
        "pods are terminating"
    );
    let victim = pods(&store)[0]["metadata"]["name"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(has_event(
        &store,
        &victim,
        "Killing",
        "Stopping container web"
    ));
    run_for(&store, 31, |_| {});
    assert!(
        pods(&store).is_empty(),
        "pods are gone after their grace period"
    );

    create_and_settle(
        &store,
        deployment("fg", 2, "nginx:1.14.1", canary_strategy(), 0),
    );
    store
        .modify(rt("apps", "Deployment"), "default", "fg", |d| {
            d["metadata"]["finalizers"] = json!(["foregroundDeletion"]);
            d["metadata"]["deletionTimestamp"] =
                json!(kdeck::sim::clock::format_time(jiff::Timestamp::now()));
            Ok(())
        })
        .unwrap();
    settle(&store);
    assert!(
        store
            .get(rt("apps", "Deployment"), "default", "fg")
            .is_some(),
        "kept while dependents exist"
    );
    run_for(&store, 40, |_| {});
    assert!(
        store
            .get(rt("apps", "Deployment"), "default", "fg")
            .is_none(),
        "removed once its dependents are gone"
    );
    assert!(replica_sets(&store).is_empty());
    assert!(pods(&store).is_empty());
}

#[test]
fn identical_events_are_aggregated_and_old_ones_expire() {
    let store = cluster();
    let obj = store
        .create(rt("", "ConfigMap"), json!({"metadata": {"name": "cm"}}))
        .unwrap();
    let pass = Pass::new(&store);
    for _ in 0..3 {
        events::record(
            &pass,
            &obj,
            events::Source::controller("test-controller"),
            events::warning("Broken", "it broke".into()),
        );
    }
    events::record(
        &pass,
        &obj,
        events::Source::controller("test-controller"),
        events::warning("Broken", "another message".into()),
    );
    let evs = events_for(&store, "cm");
    assert_eq!(evs.len(), 2);
    let broke = evs.iter().find(|e| e["message"] == "it broke").unwrap();
    assert_eq!(broke["count"], 3);
    assert_eq!(broke["type"], "Warning");
    assert_eq!(broke["source"]["component"], "test-controller");
    assert_eq!(broke["involvedObject"]["kind"], "ConfigMap");
    assert!(broke["firstTimestamp"].is_string() && broke["lastTimestamp"].is_string());
    store.clock().advance(Duration::from_secs(3601));
    controllers::settle(&store);
    assert!(events_for(&store, "cm").is_empty());
}

#[test]
fn scaling_down_deletes_not_ready_pods_first() {
    let store = cluster();
    create_and_settle(
        &store,
        deployment("down", 2, "nginx:1.14.1", canary_strategy(), 0),
    );
    set_spec(&store, "down", "replicas", json!(4));
    // Two new pods exist but are not ready yet.
    reconcile_once(&store);
    reconcile_once(&store);
    let ready_before: Vec<String> = active_pods(&store)
        .iter()
        .filter(|p| is_ready(p))
        .map(|p| p["metadata"]["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ready_before.len(), 2);
    set_spec(&store, "down", "replicas", json!(2));
    settle(&store);
    let left: Vec<String> = active_pods(&store)
        .iter()
        .map(|p| p["metadata"]["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(left, ready_before);
    let d = get(&store, "apps", "Deployment", "down");
    assert!(
        has_event(
            &store,
            "down",
            "ScalingReplicaSet",
            "Scaled down replica set"
        ),
        "{:#}",
        d["status"]
    );
}

#[test]
fn a_relabelled_pod_is_released_and_replaced() {
    let store = cluster();
    let labels = json!({"app": "rs-demo"});
    store
        .create(
            rt("apps", "ReplicaSet"),
            json!({"metadata": {"name": "rs-example", "namespace": "default"}, "spec": {"replicas": 2, "selector": {"matchLabels": labels}, "template": {"metadata": {"labels": labels}, "spec": {"containers": [{"name": "myapp", "image": "nginx:1.14.1"}]}}}}),
        )
        .unwrap();
    run_for(&store, 5, |_| {});
    let victim = pods(&store)[0]["metadata"]["name"]
        .as_str()
        .unwrap()
        .to_string();
    store
        .modify(rt("", "Pod"), "default", &victim, |p| {
            p["metadata"]["labels"]["app"] = json!("");
            Ok(())
        })
        .unwrap();
    run_for(&store, 5, |_| {});
    let released = get(&store, "", "Pod", &victim);
    assert!(
        released["metadata"]["ownerReferences"]
            .as_array()
            .is_none_or(Vec::is_empty),
        "{released:#}"
    );
    let managed: Vec<Obj> = pods(&store)
        .into_iter()
        .filter(|p| p["metadata"]["labels"]["app"] == "rs-demo")
        .collect();
    assert_eq!(managed.len(), 2, "a replacement was created");
    let rs = get(&store, "apps", "ReplicaSet", "rs-example");
    assert_eq!(rs["status"]["replicas"], 2);
    assert_eq!(rs["status"]["readyReplicas"], 2);
    assert!(has_event(
        &store,
        "rs-example",
        "SuccessfulCreate",
        "Created pod: rs-example-"
    ));
}

#[test]
fn a_stateful_set_starts_its_pods_in_order() {
    let store = cluster();
    let labels = json!({"app": "db"});
    store
        .create(
            rt("apps", "StatefulSet"),
            json!({"metadata": {"name": "db", "namespace": "default"}, "spec": {"replicas": 3, "serviceName": "db", "selector": {"matchLabels": labels}, "template": {"metadata": {"labels": labels}, "spec": {"containers": [{"name": "db", "image": "redis:7.4.1"}]}}}}),
        )
        .unwrap();
    settle(&store);
    let names: Vec<String> = pods(&store)
        .iter()
        .map(|p| p["metadata"]["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names, ["db-0"], "db-1 waits for db-0 to be ready");
    run_for(&store, 15, |_| {});
    let names: Vec<String> = pods(&store)
        .iter()
        .map(|p| p["metadata"]["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names, ["db-0", "db-1", "db-2"]);
    assert_eq!(
        get(&store, "apps", "StatefulSet", "db")["status"]["readyReplicas"],
        3
    );
    store
        .modify(rt("apps", "StatefulSet"), "default", "db", |s| {
            s["spec"]["replicas"] = json!(1);
            Ok(())
        })
        .unwrap();
    run_for(&store, 70, |_| {});
    let names: Vec<String> = pods(&store)
        .iter()
        .map(|p| p["metadata"]["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names, ["db-0"]);
}
