//! Revisions and strategies: undo by template revert, history limit, Recreate, progress deadline, restart, scale down order.

use super::*;

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

fn condition(d: &Value, kind: &str) -> Value {
    d["status"]["conditions"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|c| c["type"] == kind)
        .cloned()
        .unwrap_or(Value::Null)
}

#[test]
fn a_stuck_rollout_exceeds_its_progress_deadline() {
    let store = cluster();
    let mut d = deployment("stuck", 2, "nginx:1.14.1", canary_strategy(), 0);
    d["spec"]["progressDeadlineSeconds"] = json!(30);
    create_and_settle(&store, d);
    assert_eq!(
        condition(&get(&store, "apps", "Deployment", "stuck"), "Progressing")["reason"],
        "NewReplicaSetAvailable"
    );
    set_image(&store, "stuck", "nginx:bad");
    run_for(&store, 10, |_| {});
    let progressing = condition(&get(&store, "apps", "Deployment", "stuck"), "Progressing");
    assert_eq!(progressing["reason"], "ReplicaSetUpdated", "{progressing}");
    assert_eq!(progressing["status"], "True");
    run_for(&store, 40, |_| {});
    let d = get(&store, "apps", "Deployment", "stuck");
    let progressing = condition(&d, "Progressing");
    assert_eq!(
        progressing["reason"], "ProgressDeadlineExceeded",
        "{progressing}"
    );
    assert_eq!(progressing["status"], "False");
    assert!(
        progressing["message"]
            .as_str()
            .unwrap()
            .ends_with("has timed out progressing.")
    );
    assert_eq!(
        condition(&d, "Available")["status"],
        "True",
        "the old pods still serve"
    );
    assert_eq!(available_pods(&store, 0), 2);
}

#[test]
fn rollout_restart_is_a_template_change() {
    let store = cluster();
    create_and_settle(
        &store,
        deployment("restart", 2, "nginx:1.14.1", canary_strategy(), 0),
    );
    let before: Vec<Obj> = active_pods(&store);
    store
        .modify(rt("apps", "Deployment"), "default", "restart", |d| {
            d["spec"]["template"]["metadata"]["annotations"] =
                json!({"kubectl.kubernetes.io/restartedAt": "2026-11-30T08:30:00Z"});
            Ok(())
        })
        .unwrap();
    run_for(&store, 40, |_| {});
    let after = active_pods(&store);
    assert_eq!(after.len(), 2);
    assert!(
        after.iter().all(|p| before
            .iter()
            .all(|b| b["metadata"]["uid"] != p["metadata"]["uid"])),
        "every pod was replaced"
    );
    assert_eq!(revision(&get(&store, "apps", "Deployment", "restart")), "2");
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
