//! Where a shell or an attach session goes: the pod (for a workload, its first ready
//! pod, as `kubectl exec deploy/x` picks it) and the containers that can take one.
//! Init containers and containers that do not run are never offered; attach also needs
//! a container whose spec sets `stdin` and `tty` (else there is nothing to type to).

use k8s_openapi::api::core::v1::Pod;

use super::model::ObjectKey;
use super::ready_pods::pod_for;

/// kubectl's annotation naming the container `exec` and `attach` pick by default.
pub const DEFAULT_CONTAINER_ANNOTATION: &str = "kubectl.kubernetes.io/default-container";

/// The pod a session goes into and its containers that can take it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionTarget {
    /// The pod's namespace.
    pub namespace: String,
    /// The pod.
    pub pod: String,
    /// The containers offered, in the pod's order.
    pub containers: Vec<String>,
    /// The container the pod names as its default (kubectl's annotation), if offered.
    pub default: Option<String>,
    /// The containers left out, each with why (`init-db (init container)`).
    pub left_out: Vec<String>,
}

/// The containers of `pod` a shell (or, with `attach`, an attach session) can go into.
pub fn target_of(pod: &Pod, attach: bool) -> SessionTarget {
    let spec = pod.spec.as_ref();
    let statuses = pod
        .status
        .as_ref()
        .and_then(|s| s.container_statuses.as_deref())
        .unwrap_or(&[]);
    let mut containers = Vec::new();
    let mut left_out: Vec<String> = spec
        .and_then(|s| s.init_containers.as_deref())
        .unwrap_or(&[])
        .iter()
        .map(|c| format!("{} (init container)", c.name))
        .collect();
    for container in spec.map_or(&[][..], |s| s.containers.as_slice()) {
        let running = statuses
            .iter()
            .find(|s| s.name == container.name)
            .and_then(|s| s.state.as_ref())
            .is_some_and(|s| s.running.is_some());
        let interactive = container.stdin == Some(true) && container.tty == Some(true);
        if !running {
            left_out.push(format!("{} (not running)", container.name));
        } else if attach && !interactive {
            left_out.push(format!("{} (no stdin and tty)", container.name));
        } else {
            containers.push(container.name.clone());
        }
    }
    let default = pod
        .metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(DEFAULT_CONTAINER_ANNOTATION))
        .filter(|name| containers.contains(name))
        .cloned();
    SessionTarget {
        namespace: pod.metadata.namespace.clone().unwrap_or_default(),
        pod: pod.metadata.name.clone().unwrap_or_default(),
        containers,
        default,
        left_out,
    }
}

/// The session target of `key`: the pod itself, or a workload's first ready pod.
pub async fn resolve(
    client: &kube::Client,
    key: &ObjectKey,
    attach: bool,
) -> Result<SessionTarget, String> {
    let pod = pod_for(client, key).await?;
    let phase = pod
        .status
        .as_ref()
        .and_then(|s| s.phase.clone())
        .unwrap_or_default();
    if phase != "Running" {
        return Err(format!(
            "pod {} is not running (phase {phase})",
            pod.metadata.name.as_deref().unwrap_or_default()
        ));
    }
    Ok(target_of(&pod, attach))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod(value: serde_json::Value) -> Pod {
        serde_json::from_value(value).expect("a pod")
    }

    #[test]
    fn init_stopped_and_non_interactive_containers_are_left_out() {
        let pod = pod(serde_json::json!({
            "metadata": {"name": "web-1", "namespace": "default",
                         "annotations": {DEFAULT_CONTAINER_ANNOTATION: "web"}},
            "spec": {
                "initContainers": [{"name": "init-db", "image": "busybox"}],
                "containers": [
                    {"name": "web", "image": "nginx"},
                    {"name": "debug", "image": "busybox", "stdin": true, "tty": true},
                    {"name": "done", "image": "busybox"},
                ],
            },
            "status": {"phase": "Running", "containerStatuses": [
                {"name": "web", "image": "nginx", "imageID": "", "ready": true, "restartCount": 0,
                 "state": {"running": {}}},
                {"name": "debug", "image": "busybox", "imageID": "", "ready": true, "restartCount": 0,
                 "state": {"running": {}}},
                {"name": "done", "image": "busybox", "imageID": "", "ready": false, "restartCount": 0,
                 "state": {"terminated": {"exitCode": 0}}},
            ]},
        }));
        let shell = target_of(&pod, false);
        assert_eq!(shell.containers, ["web", "debug"]);
        assert_eq!(shell.default.as_deref(), Some("web"));
        assert_eq!(
            shell.left_out,
            ["init-db (init container)", "done (not running)"]
        );
        let attach = target_of(&pod, true);
        assert_eq!(attach.containers, ["debug"]);
        assert_eq!(
            attach.default, None,
            "the default is not offered for attach"
        );
        assert!(
            attach
                .left_out
                .contains(&"web (no stdin and tty)".to_owned())
        );
    }
}
