//! What the kubelet does when a container's main process exits (a main shell that
//! got `exit`, or the end of its `stdinOnce` input): under `restartPolicy: Always`
//! (and `OnFailure` after a failure) the container restarts, its last state the
//! exit and its restart count one more; otherwise it stays terminated and, once no
//! container of the pod runs, the pod has Succeeded (all exited 0) or Failed. This
//! is what `kubectl run --rm -it --restart=Never` waits for before deleting the pod.

use serde_json::{Value, json};

use crate::sim::clock::format_time;
use crate::sim::resources::by_kind;
use crate::sim::store::Store;

/// Records that `container` of the pod (`namespace`/`name`, `uid`) exited with `code`.
pub fn record_exit(
    store: &Store,
    namespace: &str,
    name: &str,
    uid: &str,
    container: &str,
    code: i32,
) {
    let Some(pods) = by_kind("", "Pod") else {
        return;
    };
    let now = format_time(store.clock().now());
    let _ = store.modify(pods, namespace, name, |pod| {
        // A pod recreated under the same name is another pod.
        if pod["metadata"]["uid"] != uid || !pod["metadata"]["deletionTimestamp"].is_null() {
            return Ok(());
        }
        let restart = match pod["spec"]["restartPolicy"].as_str().unwrap_or("Always") {
            "Never" => false,
            "OnFailure" => code != 0,
            _ => true,
        };
        let Some(status) = pod["status"]["containerStatuses"]
            .as_array_mut()
            .and_then(|all| all.iter_mut().find(|s| s["name"] == container))
        else {
            return Ok(());
        };
        let Some(started) = status["state"]["running"]["startedAt"]
            .as_str()
            .map(str::to_string)
        else {
            return Ok(());
        };
        let terminated = json!({"terminated": {
            "exitCode": code,
            "reason": if code == 0 { "Completed" } else { "Error" },
            "startedAt": started,
            "finishedAt": now,
            "containerID": status["containerID"].clone(),
        }});
        status["ready"] = json!(false);
        if restart {
            status["lastState"] = terminated;
            status["restartCount"] = json!(status["restartCount"].as_i64().unwrap_or(0) + 1);
            status["state"] = json!({"running": {"startedAt": now}});
        } else {
            status["state"] = terminated;
            status["started"] = json!(false);
            finish_pod(pod);
        }
        Ok(())
    });
}

/// The phase of a pod whose containers have all stopped for good.
fn finish_pod(pod: &mut Value) {
    let statuses = pod["status"]["containerStatuses"].clone();
    let all: Vec<&Value> = statuses.as_array().into_iter().flatten().collect();
    if all.iter().any(|s| s["state"]["terminated"].is_null()) {
        return;
    }
    let succeeded = all
        .iter()
        .all(|s| s["state"]["terminated"]["exitCode"].as_i64() == Some(0));
    pod["status"]["phase"] = json!(if succeeded { "Succeeded" } else { "Failed" });
    for condition in pod["status"]["conditions"]
        .as_array_mut()
        .into_iter()
        .flatten()
    {
        if matches!(
            condition["type"].as_str(),
            Some("Ready" | "ContainersReady")
        ) {
            condition["status"] = json!("False");
            condition["reason"] = json!("PodCompleted");
        }
    }
}
