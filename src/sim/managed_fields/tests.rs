//! Entries as the field manager keeps them across the writes of several managers.

use jiff::{SignedDuration, Timestamp};
use serde_json::{Value, json};

use super::*;
use crate::sim::resources::by_kind;

fn entries(obj: &Value) -> Vec<(String, String, String, Value)> {
    obj["metadata"]["managedFields"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| {
            (
                e["manager"].as_str().unwrap_or_default().to_string(),
                e["operation"].as_str().unwrap().to_string(),
                e["subresource"].as_str().unwrap_or_default().to_string(),
                serde_json::from_str(e["fieldsV1"].as_str().unwrap()).unwrap(),
            )
        })
        .collect()
}

fn at(minutes: i64) -> Timestamp {
    Timestamp::UNIX_EPOCH + SignedDuration::from_mins(minutes)
}

#[test]
fn each_manager_owns_what_it_last_set() {
    let rs = by_kind("apps", "ReplicaSet").unwrap();
    let mut obj = json!({"metadata": {"name": "web", "labels": {"app": "web"}},
        "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "web"}}},
        "status": {"replicas": 0}});
    let kubectl = Manager::of_request(None, "kubectl/v1.32.0 (linux/amd64) kubernetes/abc");
    assert_eq!(kubectl.name, "kubectl");
    record_create(rs, &mut obj, &kubectl, at(0));
    assert_eq!(
        entries(&obj),
        [(
            "kubectl".into(),
            "Update".into(),
            String::new(),
            json!({"f:metadata": {"f:labels": {".": {}, "f:app": {}}},
                "f:spec": {"f:replicas": {}, "f:selector": {}}})
        )],
        "status is reset on create: no one owns it"
    );
    // A controller writes the status and an annotation in one go: two entries.
    let mut next = obj.clone();
    next["status"] = json!({"replicas": 1, "readyReplicas": 1});
    next["metadata"]["annotations"] = json!({"revision": "1"});
    record_update(rs, &obj, &mut next, Some(&KUBE_CONTROLLER_MANAGER), at(1));
    let kcm = entries(&next);
    assert_eq!(kcm.len(), 3, "{kcm:#?}");
    assert!(kcm.contains(&(
        "kube-controller-manager".into(),
        "Update".into(),
        "status".into(),
        json!({"f:status": {"f:readyReplicas": {}, "f:replicas": {}}})
    )));
    // Sorted by time: the create first.
    assert_eq!(kcm[0].0, "kubectl");
    // Someone scales through the scale subresource: the field moves to them.
    let obj = next;
    let mut next = obj.clone();
    next["spec"]["replicas"] = json!(3);
    let scaler = Manager::of_request(Some("kubectl-scale"), "kubectl/v1.32.0").on("scale");
    record_update(rs, &obj, &mut next, Some(&scaler), at(2));
    let all = entries(&next);
    assert_eq!(
        all[0].3,
        json!({"f:metadata": {"f:labels": {".": {}, "f:app": {}}}, "f:spec": {"f:selector": {}}}),
        "kubectl lost the replicas"
    );
    assert!(all.contains(&(
        "kubectl-scale".into(),
        "Update".into(),
        "scale".into(),
        json!({"f:spec": {"f:replicas": {}}})
    )));
    // A removed label leaves its owner; an entry left with nothing goes.
    let obj = next;
    let mut next = obj.clone();
    next["metadata"]
        .as_object_mut()
        .unwrap()
        .remove("annotations");
    record_update(rs, &obj, &mut next, None, at(3));
    assert!(
        entries(&next)
            .iter()
            .all(|(m, _, s, _)| !(m == "kube-controller-manager" && s.is_empty())),
        "{:#?}",
        entries(&next)
    );
}

#[test]
fn a_write_that_changes_nothing_keeps_the_entries_and_their_times() {
    let pods = by_kind("", "Pod").unwrap();
    let mut obj =
        json!({"metadata": {"name": "p"}, "spec": {"containers": [{"name": "a", "image": "x"}]}});
    record_create(pods, &mut obj, &KUBE_CONTROLLER_MANAGER, at(0));
    let mut same = obj.clone();
    record_update(pods, &obj, &mut same, Some(&KUBELET), at(5));
    assert_eq!(same, obj);
}

#[test]
fn sent_managed_fields_replace_the_stored_ones_and_apply_owns_what_it_applied() {
    let cm = by_kind("", "ConfigMap").unwrap();
    let mut obj = json!({"metadata": {"name": "c"}, "data": {"a": "1", "b": "2"}});
    record_create(cm, &mut obj, &Manager::update("one"), at(0));
    let mut reset = obj.clone();
    reset["metadata"]["managedFields"] = json!([{}]);
    record_update(cm, &obj, &mut reset, Some(&Manager::update("two")), at(1));
    assert!(
        reset["metadata"].get("managedFields").is_none(),
        "{reset:#}"
    );

    let config = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"a": "9"}});
    let applier = Manager::update("kubectl").applying("ConfigMap", &config);
    let mut applied = obj.clone();
    applied["data"]["a"] = json!("9");
    record_update(cm, &obj, &mut applied, Some(&applier), at(2));
    let all = entries(&applied);
    assert_eq!(all[0].1, "Apply", "Apply sorts before Update");
    assert_eq!(all[0].3, json!({"f:data": {"f:a": {}}}));
    assert_eq!(all[1].3, json!({"f:data": {".": {}, "f:b": {}}}));
}
