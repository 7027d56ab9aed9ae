//! STATUS cases mirroring kubectl's printPod tests.

use serde_json::{Value, json};

use super::*;

#[expect(
    clippy::needless_pass_by_value,
    reason = "json! literals read best passed by value"
)]
fn pod(spec: Value, status: Value) -> Pod {
    serde_json::from_value(json!({
        "metadata": {"name": "p", "namespace": "default", "uid": "u1", "resourceVersion": "7",
                     "managedFields": [{"manager": "kubectl"}]},
        "spec": spec,
        "status": status,
    }))
    .unwrap()
}

fn two_containers() -> Value {
    json!({"containers": [{"name": "a", "image": "nginx:1"}, {"name": "b", "image": "busybox"}], "nodeName": "node-1"})
}

fn row(p: &Pod) -> PodRow {
    match p.to_row().detail {
        Detail::Pod(r) => r,
        other => panic!("not a pod row: {other:?}"),
    }
}

#[test]
fn running_all_ready() {
    let p = pod(
        two_containers(),
        json!({"phase": "Running", "podIP": "10.0.0.5", "containerStatuses": [
            {"name": "a", "image": "nginx:1", "imageID": "", "ready": true, "restartCount": 3,
             "state": {"running": {}},
             "lastState": {"terminated": {"exitCode": 1, "finishedAt": "2026-01-01T00:00:00Z"}}},
            {"name": "b", "image": "busybox", "imageID": "", "ready": true, "restartCount": 1, "state": {"running": {}},
             "lastState": {"terminated": {"exitCode": 1, "finishedAt": "2026-01-02T00:00:00Z"}}}
        ]}),
    );
    let r = row(&p);
    assert_eq!(
        (r.ready, r.total, r.status.as_str(), r.restarts),
        (2, 2, "Running", 4)
    );
    assert_eq!(r.last_restart.unwrap().to_string(), "2026-01-02T00:00:00Z");
    assert_eq!(r.ip.as_deref(), Some("10.0.0.5"));
    assert_eq!(r.node.as_deref(), Some("node-1"));
    assert_eq!(r.containers[0].state, "Running");
    assert_eq!(p.to_row().health, Health::Ok);
}

#[test]
fn waiting_reason_wins() {
    let p = pod(
        two_containers(),
        json!({"phase": "Running", "containerStatuses": [
            {"name": "a", "image": "", "imageID": "", "ready": true, "restartCount": 0, "state": {"running": {}}},
            {"name": "b", "image": "", "imageID": "", "ready": false, "restartCount": 5,
             "state": {"waiting": {"reason": "CrashLoopBackOff"}}}
        ]}),
    );
    let r = row(&p);
    assert_eq!(
        (r.ready, r.status.as_str(), r.restarts),
        (1, "CrashLoopBackOff", 5)
    );
    assert_eq!(p.to_row().health, Health::Err);
    assert_eq!(r.containers[1].state, "Waiting (CrashLoopBackOff)");
}

#[test]
fn pending_without_statuses_and_container_creating() {
    let p = pod(two_containers(), json!({"phase": "Pending"}));
    assert_eq!(row(&p).status, "Pending");
    assert_eq!(row(&p).ready, 0);
    let p = pod(
        two_containers(),
        json!({"phase": "Pending", "containerStatuses": [
            {"name": "a", "image": "", "imageID": "", "ready": false, "restartCount": 0,
             "state": {"waiting": {"reason": "ContainerCreating"}}}
        ]}),
    );
    assert_eq!(row(&p).status, "ContainerCreating");
    assert_eq!(p.to_row().health, Health::Warn);
}

#[test]
fn terminated_reasons_exit_codes_and_signals() {
    let one = json!({"containers": [{"name": "a"}]});
    let term = |t: Value| {
        pod(
            one.clone(),
            json!({"phase": "Running", "containerStatuses": [
                {"name": "a", "image": "", "imageID": "", "ready": false, "restartCount": 0, "state": {"terminated": t}}
            ]}),
        )
    };
    assert_eq!(
        row(&term(json!({"exitCode": 0, "reason": "Completed"}))).status,
        "Completed"
    );
    assert_eq!(
        row(&term(json!({"exitCode": 137, "reason": "OOMKilled"}))).status,
        "OOMKilled"
    );
    assert_eq!(row(&term(json!({"exitCode": 2}))).status, "ExitCode:2");
    assert_eq!(
        row(&term(json!({"exitCode": 0, "signal": 9}))).status,
        "Signal:9"
    );
}

#[test]
fn completed_with_running_sibling_is_running_or_not_ready() {
    let statuses = json!([
        {"name": "a", "image": "", "imageID": "", "ready": false, "restartCount": 0,
         "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}},
        {"name": "b", "image": "", "imageID": "", "ready": true, "restartCount": 0, "state": {"running": {}}}
    ]);
    let p = pod(
        two_containers(),
        json!({"phase": "Running", "containerStatuses": statuses,
               "conditions": [{"type": "Ready", "status": "True"}]}),
    );
    assert_eq!(row(&p).status, "Running");
    let p = pod(
        two_containers(),
        json!({"phase": "Running", "containerStatuses": statuses}),
    );
    assert_eq!(row(&p).status, "NotReady");
}

#[test]
fn init_containers_progress_errors_and_waiting() {
    let spec =
        json!({"initContainers": [{"name": "i1"}, {"name": "i2"}], "containers": [{"name": "a"}]});
    let init = |s1: Value, s2: Value| {
        pod(
            spec.clone(),
            json!({"phase": "Pending", "initContainerStatuses": [
                {"name": "i1", "image": "", "imageID": "", "ready": false, "restartCount": 0, "state": s1},
                {"name": "i2", "image": "", "imageID": "", "ready": false, "restartCount": 2, "state": s2}
            ]}),
        )
    };
    let done = json!({"terminated": {"exitCode": 0, "reason": "Completed"}});
    let initializing = json!({"waiting": {"reason": "PodInitializing"}});
    assert_eq!(
        row(&init(json!({"running": {}}), initializing.clone())).status,
        "Init:0/2"
    );
    assert_eq!(
        row(&init(done.clone(), json!({"running": {}}))).status,
        "Init:1/2"
    );
    let failed = init(
        done.clone(),
        json!({"terminated": {"exitCode": 1, "reason": "Error"}}),
    );
    assert_eq!(row(&failed).status, "Init:Error");
    assert_eq!(failed.to_row().health, Health::Err);
    assert_eq!(row(&failed).restarts, 2);
    assert_eq!(
        row(&init(done.clone(), json!({"terminated": {"exitCode": 3}}))).status,
        "Init:ExitCode:3"
    );
    assert_eq!(
        row(&init(
            done.clone(),
            json!({"waiting": {"reason": "CrashLoopBackOff"}})
        ))
        .status,
        "Init:CrashLoopBackOff"
    );
    assert_eq!(
        init(json!({"running": {}}), initializing).to_row().health,
        Health::Warn
    );
    // All init containers done: the app containers decide.
    assert_eq!(row(&init(done.clone(), done.clone())).status, "Pending");
    // The picker lists the containers first, then the init containers with their state.
    let listed: Vec<(String, bool, String)> = row(&init(done, json!({"running": {}})))
        .containers
        .iter()
        .map(|c| (c.name.to_string(), c.init, c.state.to_string()))
        .collect();
    assert_eq!(
        listed,
        [
            ("a".to_owned(), false, "Waiting".to_owned()),
            ("i1".to_owned(), true, "Terminated (Completed)".to_owned()),
            ("i2".to_owned(), true, "Running".to_owned()),
        ]
    );
}

#[test]
fn sidecar_init_containers_count_as_containers() {
    let p = pod(
        json!({"initContainers": [{"name": "proxy", "restartPolicy": "Always"}], "containers": [{"name": "a"}]}),
        json!({"phase": "Running",
               "conditions": [{"type": "Initialized", "status": "True"}],
               "initContainerStatuses": [{"name": "proxy", "image": "", "imageID": "", "ready": true,
                   "restartCount": 1, "started": true, "state": {"running": {}}}],
               "containerStatuses": [{"name": "a", "image": "", "imageID": "", "ready": true,
                   "restartCount": 2, "state": {"running": {}}}]}),
    );
    let r = row(&p);
    assert_eq!(
        (r.ready, r.total, r.status.as_str(), r.restarts),
        (2, 2, "Running", 3)
    );
}

#[test]
fn terminating_unknown_and_node_lost() {
    let mut p = pod(
        two_containers(),
        json!({"phase": "Running", "reason": "NodeLost"}),
    );
    assert_eq!(row(&p).status, "NodeLost");
    p.metadata.deletion_timestamp = Some(k8s_openapi::apimachinery::pkg::apis::meta::v1::Time(
        "2026-01-01T00:00:00Z".parse().unwrap(),
    ));
    assert_eq!(row(&p).status, "Unknown");
    p.status.as_mut().unwrap().reason = None;
    assert_eq!(row(&p).status, "Terminating");
    assert_eq!(p.to_row().health, Health::Dim);
    assert!(p.to_row().meta.deleting);
    // A pod that already finished is not shown as Terminating.
    p.status.as_mut().unwrap().phase = Some("Succeeded".to_owned());
    assert_eq!(row(&p).status, "Succeeded");
}

#[test]
fn evicted_and_scheduling_gated() {
    let p = pod(
        two_containers(),
        json!({"phase": "Failed", "reason": "Evicted"}),
    );
    assert_eq!(row(&p).status, "Evicted");
    assert_eq!(p.to_row().health, Health::Err);
    let p = pod(
        two_containers(),
        json!({"phase": "Pending", "conditions": [{"type": "PodScheduled", "status": "False", "reason": "SchedulingGated"}]}),
    );
    assert_eq!(row(&p).status, "SchedulingGated");
}

#[test]
fn meta_keeps_identity_and_controller_owner_only() {
    let mut p = pod(two_containers(), json!({"phase": "Running"}));
    p.metadata.owner_references = Some(vec![
        serde_json::from_value(
            json!({"apiVersion": "v1", "kind": "Node", "name": "n", "uid": "x"}),
        )
        .unwrap(),
        serde_json::from_value(
            json!({"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-abc",
                                       "uid": "rs1", "controller": true}),
        )
        .unwrap(),
    ]);
    let m = p.to_row().meta;
    assert_eq!((m.namespace.as_str(), m.name.as_str()), ("default", "p"));
    assert_eq!(m.resource_version, "7");
    assert_eq!(m.owner.unwrap().name, "web-abc");
}
