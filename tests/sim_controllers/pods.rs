//! Pods: broken images, released pods, StatefulSet order, logs of a crashed container.

use super::*;

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

/// The seconds (after creation) at which the first pod of `name` was ready, and at which
/// its container first restarted, watching second by second for `seconds`.
fn ready_then_restarted(store: &Store, name: &str, seconds: u64) -> (Option<u64>, Option<u64>) {
    store
        .create(
            rt("apps", "Deployment"),
            deployment(name, 1, &format!("nginx:{name}"), canary_strategy(), 0),
        )
        .unwrap();
    let (mut ready_at, mut restarted_at) = (None, None);
    for second in 0..seconds {
        run_for(store, 1, |_| {});
        let Some(pod) = pods(store).into_iter().find(|p| {
            p["metadata"]["name"]
                .as_str()
                .unwrap()
                .starts_with(&format!("{name}-"))
        }) else {
            continue;
        };
        if ready_at.is_none() && is_ready(&pod) {
            ready_at = Some(second);
        }
        let restarts = pod["status"]["containerStatuses"][0]["restartCount"].as_i64();
        if restarted_at.is_none() && restarts.unwrap_or(0) > 0 {
            restarted_at = Some(second);
            assert_eq!(
                pod["status"]["containerStatuses"][0]["lastState"]["terminated"]["exitCode"], 139,
                "a segfault"
            );
            assert!(!is_ready(&pod), "not ready once it exited");
        }
    }
    (ready_at, restarted_at)
}

#[test]
fn a_flaky_image_is_ready_then_restarts_and_a_slow_one_is_ready_late() {
    let store = cluster();
    let (ready, restarted) = ready_then_restarted(&store, "flaky", 120);
    let (ready, restarted) = (ready.expect("ready"), restarted.expect("restarted"));
    assert!(ready <= 5, "ready as usual: {ready}s");
    assert!(
        (60..=66).contains(&restarted),
        "runs a minute, then exits: {restarted}s"
    );
    let pod = pods(&store)
        .into_iter()
        .find(|p| {
            p["metadata"]["name"]
                .as_str()
                .unwrap()
                .starts_with("flaky-")
        })
        .unwrap();
    let name = pod["metadata"]["name"].as_str().unwrap();
    assert!(has_event(
        &store,
        name,
        "BackOff",
        "Back-off restarting failed container"
    ));
    assert!(is_ready(&pod), "ready again after the back-off");

    let (ready, restarted) = ready_then_restarted(&store, "slow", 120);
    let ready = ready.expect("ready in the end");
    assert!((90..=96).contains(&ready), "ready after 90s: {ready}s");
    assert_eq!(restarted, None, "slow, not broken");
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

/// A new template rolls out from the highest ordinal down, one pod at a time, each only
/// once every pod is Running and Ready; `partition` keeps the lower ordinals as they were.
#[test]
fn a_stateful_set_rolls_a_new_template_out_from_the_highest_ordinal() {
    let store = cluster();
    let labels = json!({"app": "db"});
    store
        .create(
            rt("apps", "StatefulSet"),
            json!({"metadata": {"name": "db", "namespace": "default"}, "spec": {"replicas": 3, "serviceName": "db",
                "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": 1}},
                "selector": {"matchLabels": labels}, "template": {"metadata": {"labels": labels}, "spec": {"containers": [{"name": "db", "image": "redis:7.4.1"}]}}}}),
        )
        .unwrap();
    run_for(&store, 15, |_| {});
    let image_of = |store: &Store, pod: &str| {
        get(store, "", "Pod", pod)["spec"]["containers"][0]["image"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(image_of(&store, "db-2"), "redis:7.4.1");
    store
        .modify(rt("apps", "StatefulSet"), "default", "db", |s| {
            s["spec"]["template"]["spec"]["containers"][0]["image"] = json!("redis:7.4.2");
            Ok(())
        })
        .unwrap();
    // db-2 goes first; db-1 is not touched while db-2 is not back and ready.
    let mut order = Vec::new();
    run_for(&store, 200, |s| {
        for pod in ["db-2", "db-1", "db-0"] {
            let deleting = s
                .get(rt("", "Pod"), "default", pod)
                .is_none_or(|p| p["metadata"]["deletionTimestamp"].is_string());
            if deleting && !order.contains(&pod) {
                order.push(pod);
            }
        }
    });
    assert_eq!(
        order,
        ["db-2", "db-1"],
        "highest ordinal first; the partition keeps db-0"
    );
    assert_eq!(image_of(&store, "db-2"), "redis:7.4.2");
    assert_eq!(image_of(&store, "db-1"), "redis:7.4.2");
    assert_eq!(image_of(&store, "db-0"), "redis:7.4.1");
    let status = &get(&store, "apps", "StatefulSet", "db")["status"];
    assert_eq!(status["updatedReplicas"], 2, "{status}");
    assert_ne!(
        status["currentRevision"], status["updateRevision"],
        "{status}"
    );
}

#[tokio::test]
async fn a_crashed_container_has_a_previous_log() {
    use futures::StreamExt as _;
    use kdeck::sim::logs::{LogRequest, stream};
    let store = cluster();
    create_and_settle(
        &store,
        deployment("crashy", 1, "nginx:crash", canary_strategy(), 0),
    );
    let pod = pods(&store)[0]["metadata"]["name"]
        .as_str()
        .unwrap()
        .to_string();
    let read = |req: LogRequest| {
        let store = store.clone();
        let pod = pod.clone();
        async move {
            let chunks: Vec<bytes::Bytes> =
                stream(store, "default", &pod, req).unwrap().collect().await;
            String::from_utf8(chunks.concat()).unwrap()
        }
    };
    let previous = read(LogRequest {
        previous: true,
        ..LogRequest::default()
    })
    .await;
    assert!(
        previous.lines().last().unwrap().contains("[emerg]"),
        "{previous}"
    );
    assert!(previous.contains("nginx/crash"), "{previous}");
}

#[test]
fn an_image_is_pulled_once_per_node() {
    let store = cluster();
    create_and_settle(
        &store,
        deployment("pull-once", 2, "nginx:1.14.1", canary_strategy(), 0),
    );
    for p in pods(&store) {
        let name = p["metadata"]["name"].as_str().unwrap();
        assert!(has_event(
            &store,
            name,
            "Pulling",
            "Pulling image \"nginx:1.14.1\""
        ));
        assert!(has_event(
            &store,
            name,
            "Pulled",
            "Successfully pulled image \"nginx:1.14.1\""
        ));
    }
    let first: Vec<String> = pods(&store)
        .iter()
        .map(|p| p["metadata"]["name"].as_str().unwrap().to_string())
        .collect();
    set_spec(&store, "pull-once", "replicas", json!(4));
    run_for(&store, 10, |_| {});
    let later: Vec<String> = pods(&store)
        .iter()
        .map(|p| p["metadata"]["name"].as_str().unwrap().to_string())
        .filter(|n| !first.contains(n))
        .collect();
    assert_eq!(later.len(), 2);
    for name in &later {
        assert!(
            !has_event(&store, name, "Pulling", ""),
            "{name} pulled again"
        );
        assert!(has_event(
            &store,
            name,
            "Pulled",
            "Container image \"nginx:1.14.1\" already present on machine"
        ));
    }
}
