//! Endpoints, garbage collection and events.

use super::*;

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
