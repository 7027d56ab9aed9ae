//! ControllerRevisions of StatefulSets and DaemonSets, and a StatefulSet's current
//! revision during a rollout.

use super::*;

fn stateful_set(name: &str, replicas: i64, image: &str, history_limit: i64) -> Value {
    let labels = json!({"app": name});
    json!({"metadata": {"name": name, "namespace": "default"}, "spec": {"replicas": replicas, "serviceName": name,
        "revisionHistoryLimit": history_limit,
        "selector": {"matchLabels": labels}, "template": {"metadata": {"labels": labels}, "spec": {"containers": [{"name": name, "image": image}]}}}})
}

fn set_sts_image(store: &Store, name: &str, image: &str) {
    store
        .modify(rt("apps", "StatefulSet"), "default", name, |s| {
            s["spec"]["template"]["spec"]["containers"][0]["image"] = json!(image);
            Ok(())
        })
        .unwrap();
}

/// `(name, revision)` of every ControllerRevision, lowest revision first.
fn revisions(store: &Store) -> Vec<(String, i64)> {
    let mut out: Vec<(String, i64)> = store
        .list(rt("apps", "ControllerRevision"), Some("default"))
        .0
        .iter()
        .map(|r| {
            (
                r["metadata"]["name"].as_str().unwrap().to_string(),
                r["revision"].as_i64().unwrap(),
            )
        })
        .collect();
    out.sort_by_key(|(_, n)| *n);
    out
}

/// Upstream's `completeRollingUpdate`: the current revision stays the old one until
/// every pod runs the update revision and is ready, even while the last old pod is
/// terminating; currentReplicas and updatedReplicas count the pods on each.
#[test]
fn the_current_revision_moves_only_once_the_rollout_is_complete() {
    let store = cluster();
    store
        .create(
            rt("apps", "StatefulSet"),
            stateful_set("db", 3, "redis:7.4.1", 10),
        )
        .unwrap();
    run_for(&store, 15, |_| {});
    let status = get(&store, "apps", "StatefulSet", "db")["status"].clone();
    let old = status["currentRevision"].as_str().unwrap().to_string();
    assert_eq!(status["updateRevision"], json!(old), "{status}");
    assert_eq!(status["currentReplicas"], 3, "{status}");
    assert_eq!(revisions(&store), [(old.clone(), 1)]);

    set_sts_image(&store, "db", "redis:7.4.2");
    let mut seen_old_terminating_as_current = false;
    let mut flipped_early = None;
    run_for(&store, 120, |s| {
        let set = s.get(rt("apps", "StatefulSet"), "default", "db").unwrap();
        let status = &set["status"];
        let pods = s.list(rt("", "Pod"), Some("default")).0;
        let update = status["updateRevision"].as_str().unwrap_or_default();
        let complete = pods.len() == 3
            && pods.iter().all(|p| {
                p["metadata"]["deletionTimestamp"].is_null()
                    && p["metadata"]["labels"]["controller-revision-hash"] == update
                    && p["status"]["conditions"].as_array().is_some_and(|cs| {
                        cs.iter()
                            .any(|c| c["type"] == "Ready" && c["status"] == "True")
                    })
            });
        if status["currentRevision"] != json!(old) && !complete && flipped_early.is_none() {
            flipped_early = Some(format!("{status:#}"));
        }
        let old_terminating = pods.iter().any(|p| {
            p["metadata"]["labels"]["controller-revision-hash"] == json!(old)
                && !p["metadata"]["deletionTimestamp"].is_null()
        });
        let old_live = pods.iter().any(|p| {
            p["metadata"]["labels"]["controller-revision-hash"] == json!(old)
                && p["metadata"]["deletionTimestamp"].is_null()
        });
        if old_terminating && !old_live && status["currentRevision"] == json!(old) {
            seen_old_terminating_as_current = true;
        }
    });
    assert_eq!(
        flipped_early, None,
        "currentRevision moved before the rollout was complete"
    );
    assert!(seen_old_terminating_as_current);
    let status = get(&store, "apps", "StatefulSet", "db")["status"].clone();
    let new = status["updateRevision"].as_str().unwrap().to_string();
    assert_ne!(new, old);
    assert_eq!(status["currentRevision"], json!(new), "{status:#}");
    assert_eq!(status["currentReplicas"], 3, "{status:#}");
    assert_eq!(status["updatedReplicas"], 3, "{status:#}");
    assert_eq!(revisions(&store), [(old, 1), (new, 2)]);
}

/// History beyond `revisionHistoryLimit` goes oldest first; a template equal to an older
/// revision's takes that revision, renumbered; the revisions go with their owner.
#[test]
fn revisions_are_renumbered_trimmed_and_collected() {
    let store = cluster();
    store
        .create(
            rt("apps", "StatefulSet"),
            stateful_set("db", 1, "redis:7.4.0", 2),
        )
        .unwrap();
    run_for(&store, 10, |_| {});
    for image in ["redis:7.4.1", "redis:7.4.2", "redis:7.4.3"] {
        set_sts_image(&store, "db", image);
        run_for(&store, 40, |_| {});
    }
    let numbers: Vec<i64> = revisions(&store).iter().map(|(_, n)| *n).collect();
    assert_eq!(
        numbers,
        [2, 3, 4],
        "two old revisions are kept besides the live one"
    );
    let first_kept = revisions(&store)[0].0.clone();
    set_sts_image(&store, "db", "redis:7.4.1");
    run_for(&store, 40, |_| {});
    let after = revisions(&store);
    assert_eq!(after.last().unwrap(), &(first_kept, 5), "{after:?}");
    assert_eq!(after.len(), 3, "{after:?}");
    let revision = store
        .get(rt("apps", "ControllerRevision"), "default", &after[2].0)
        .unwrap();
    assert_eq!(
        revision["data"]["spec"]["template"]["$patch"], "replace",
        "{revision:#}"
    );
    assert_eq!(
        revision["metadata"]["ownerReferences"][0]["kind"],
        "StatefulSet"
    );
    assert_eq!(
        revision["metadata"]["ownerReferences"][0]["controller"],
        true
    );
    assert_eq!(revision["metadata"]["labels"]["app"], "db");
    store
        .delete(rt("apps", "StatefulSet"), "default", "db")
        .unwrap();
    run_for(&store, 5, |_| {});
    assert_eq!(revisions(&store), []);
}

/// Upstream's `newVersionedStatefulSetPod`: under a `partition`, a pod below it that is
/// deleted comes back on the current revision (the old template), not the update one.
#[test]
fn a_pod_below_the_partition_comes_back_on_the_current_revision() {
    let store = cluster();
    let mut set = stateful_set("db", 3, "redis:7.4.1", 10);
    set["spec"]["updateStrategy"] =
        json!({"type": "RollingUpdate", "rollingUpdate": {"partition": 2}});
    store.create(rt("apps", "StatefulSet"), set).unwrap();
    run_for(&store, 15, |_| {});
    set_sts_image(&store, "db", "redis:7.4.2");
    run_for(&store, 40, |_| {});
    let image_and_revision = |store: &Store, pod: &str| {
        let p = get(store, "", "Pod", pod);
        (
            p["spec"]["containers"][0]["image"]
                .as_str()
                .unwrap()
                .to_string(),
            p["metadata"]["labels"]["controller-revision-hash"]
                .as_str()
                .unwrap()
                .to_string(),
        )
    };
    let status = get(&store, "apps", "StatefulSet", "db")["status"].clone();
    let (current, update) = (
        status["currentRevision"].as_str().unwrap().to_string(),
        status["updateRevision"].as_str().unwrap().to_string(),
    );
    assert_ne!(current, update, "{status:#}");
    assert_eq!(
        image_and_revision(&store, "db-2"),
        ("redis:7.4.2".into(), update.clone())
    );
    assert_eq!(
        image_and_revision(&store, "db-0"),
        ("redis:7.4.1".into(), current.clone())
    );
    let victim = get(&store, "", "Pod", "db-0");
    Pass::new(&store).delete_gracefully(rt("", "Pod"), &victim);
    run_for(&store, 40, |_| {});
    let back = get(&store, "", "Pod", "db-0");
    assert_ne!(
        back["metadata"]["uid"], victim["metadata"]["uid"],
        "a new pod"
    );
    assert_eq!(
        image_and_revision(&store, "db-0"),
        ("redis:7.4.1".into(), current)
    );
    let status = get(&store, "apps", "StatefulSet", "db")["status"].clone();
    assert_eq!(status["currentReplicas"], 2, "{status:#}");
    assert_eq!(status["updatedReplicas"], 1, "{status:#}");
}
