//! Rollouts: a first rollout, surge and unavailability bounds at every step, minReadySeconds, pause and proportional scaling.

use super::*;

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
