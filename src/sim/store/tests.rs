//! The store's bookkeeping: identity, conflicts, generations, names, compaction, watches.

use super::*;
use crate::sim::resources::by_plural;

fn store() -> Store {
    let s = Store::new(Clock::manual());
    let ns = by_plural("", "namespaces").unwrap();
    s.create(ns, json!({"metadata": {"name": "default"}}))
        .unwrap();
    s
}

#[test]
fn create_fills_identity_and_rejects_duplicates() {
    let s = store();
    let deploy = by_plural("apps", "deployments").unwrap();
    let d = s
        .create(
            deploy,
            json!({"metadata": {"name": "web"}, "spec": {"replicas": 1}}),
        )
        .unwrap();
    assert_eq!(d["apiVersion"], "apps/v1");
    assert_eq!(d["metadata"]["namespace"], "default");
    assert_eq!(d["metadata"]["generation"], 1);
    assert!(d["metadata"]["uid"].as_str().is_some_and(|u| u.len() == 36));
    let again = s
        .create(deploy, json!({"metadata": {"name": "web"}}))
        .unwrap_err();
    assert_eq!(again.code, 409);
    let missing_ns = s
        .create(
            deploy,
            json!({"metadata": {"name": "x", "namespace": "nope"}}),
        )
        .unwrap_err();
    assert_eq!(missing_ns.message, "namespaces \"nope\" not found");
    let generated = s
        .create(deploy, json!({"metadata": {"generateName": "web-"}}))
        .unwrap();
    assert!(
        generated["metadata"]["name"]
            .as_str()
            .unwrap()
            .starts_with("web-")
    );
    assert_eq!(generated["metadata"]["name"].as_str().unwrap().len(), 9);
}

#[test]
fn update_checks_resource_version_and_bumps_generation() {
    let s = store();
    let deploy = by_plural("apps", "deployments").unwrap();
    let d = s
        .create(
            deploy,
            json!({"metadata": {"name": "web"}, "spec": {"replicas": 1}}),
        )
        .unwrap();
    let mut edit = (*d).clone();
    edit["spec"]["replicas"] = json!(3);
    edit["status"] = json!({"replicas": 99});
    let u = s.update(deploy, edit.clone(), UpdateMode::Main).unwrap();
    assert_eq!(u["metadata"]["generation"], 2);
    assert!(
        u.get("status").is_none(),
        "main update must not write status"
    );
    let stale = s.update(deploy, edit, UpdateMode::Main).unwrap_err();
    assert_eq!(stale.code, 409);
    assert_eq!(stale.reason, "Conflict");
    let mut status = (*u).clone();
    status["status"] = json!({"replicas": 3});
    status["spec"]["replicas"] = json!(7);
    let st = s.update(deploy, status, UpdateMode::Status).unwrap();
    assert_eq!(st["status"]["replicas"], 3);
    assert_eq!(
        st["spec"]["replicas"], 3,
        "status update must not write spec"
    );
    assert_eq!(st["metadata"]["generation"], 2);
}

#[test]
fn a_generated_name_that_is_taken_is_generated_again() {
    let s = store();
    let cm = by_plural("", "configmaps").unwrap();
    fastrand::seed(7);
    let first = s
        .create(cm, json!({"metadata": {"generateName": "x-"}}))
        .unwrap();
    // The same random state: the first name drawn is the one just taken.
    fastrand::seed(7);
    let second = s
        .create(cm, json!({"metadata": {"generateName": "x-"}}))
        .unwrap();
    assert_ne!(first["metadata"]["name"], second["metadata"]["name"]);
    // A name the client chose is not changed.
    let taken = first["metadata"]["name"].as_str().unwrap();
    let err = s
        .create(cm, json!({"metadata": {"name": taken}}))
        .unwrap_err();
    assert_eq!(err.code, 409);
}

#[test]
fn etcd_compaction_follows_time_not_the_number_of_changes() {
    let interval = Duration::from_secs(1);
    let s = Store::with_history(Clock::manual(), 10).with_compaction_interval(interval);
    let ns = by_plural("", "namespaces").unwrap();
    s.create(ns, json!({"metadata": {"name": "default"}}))
        .unwrap();
    let cm = by_plural("", "configmaps").unwrap();
    let first = s.resource_version();
    for i in 0..50 {
        s.create(cm, json!({"metadata": {"name": format!("cm-{i}")}}))
            .unwrap();
    }
    assert!(s.compacted_rv() > first, "the watch history is bounded");
    assert!(
        s.etcd_compacted_rv() <= first,
        "a list continue token stays valid for the interval, however many changes"
    );
    std::thread::sleep(interval + Duration::from_millis(100));
    s.create(cm, json!({"metadata": {"name": "later"}}))
        .unwrap();
    assert!(
        s.etcd_compacted_rv() >= first,
        "compacted after the interval"
    );
}

#[tokio::test]
async fn watch_replays_history_and_expires_after_compaction() {
    let s = store();
    let cm = by_plural("", "configmaps").unwrap();
    let a = s.create(cm, json!({"metadata": {"name": "a"}})).unwrap();
    let rv_a: u64 = a["metadata"]["resourceVersion"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    s.create(cm, json!({"metadata": {"name": "b"}})).unwrap();
    let w = s.watch(cm, Some(rv_a)).unwrap();
    assert_eq!(w.initial.len(), 1);
    assert_eq!(w.initial[0].object["metadata"]["name"], "b");
    let mut live = w.live;
    s.delete(cm, "default", "a").unwrap();
    let ev = live.recv().await.unwrap();
    assert_eq!(ev.event, EventType::Deleted);
    let all = s.watch(cm, None).unwrap();
    assert_eq!(all.initial.len(), 1);
    s.compact();
    let gone = s.watch(cm, Some(rv_a)).err().unwrap();
    assert_eq!(gone.code, 410);
    assert_eq!(gone.reason, "Expired");
}

#[test]
fn lists_are_sorted_and_scoped() {
    let s = store();
    let ns = by_plural("", "namespaces").unwrap();
    s.create(ns, json!({"metadata": {"name": "kube-system"}}))
        .unwrap();
    let cm = by_plural("", "configmaps").unwrap();
    for (n, name) in [("kube-system", "z"), ("default", "b"), ("default", "a")] {
        s.create(cm, json!({"metadata": {"name": name, "namespace": n}}))
            .unwrap();
    }
    let names = |items: Vec<Obj>| -> Vec<String> {
        items
            .iter()
            .map(|o| o["metadata"]["name"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(names(s.list(cm, Some("default")).0), ["a", "b"]);
    assert_eq!(names(s.list(cm, None).0), ["a", "b", "z"]);
}

#[test]
fn typed_access_round_trips() {
    use k8s_openapi::api::apps::v1::Deployment;
    let s = store();
    let mut d = Deployment::default();
    d.metadata.name = Some("typed".into());
    s.create_as(&d).unwrap();
    let got: Deployment = s.get_as("default", "typed").unwrap();
    assert_eq!(got.metadata.generation, Some(1));
    let changed = s
        .modify_as::<Deployment>("default", "typed", |d| {
            d.metadata.labels = Some([("a".to_string(), "b".to_string())].into());
        })
        .unwrap();
    assert_eq!(changed.metadata.labels.unwrap()["a"], "b");
    assert_eq!(s.list_as::<Deployment>(None).len(), 1);
}
