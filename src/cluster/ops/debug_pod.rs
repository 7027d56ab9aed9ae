//! The throwaway debug pod of `:run IMAGE [-- COMMAND]`, as `kubectl run NAME --rm -it
//! --restart=Never --image=IMAGE -- COMMAND` makes it: one container named as the pod,
//! with `stdin`, `stdinOnce` and `tty`, never restarted. kdeck marks it with a label
//! and with who started it (host and process), so that a pod left behind by a kdeck
//! that crashed can be found and offered for deletion the next time.

use std::time::Duration;

use futures::StreamExt as _;
use jiff::Timestamp;
use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, ListParams, PostParams};
use kube::runtime::watcher;
use serde_json::json;

use super::Outcome;
use super::op_error::OpError;
use crate::cluster::object_yaml::short_error;
use crate::cluster::{Kind, Permit};

/// The label on every debug pod kdeck starts.
pub const DEBUG_POD_LABEL: &str = "kdeck.dev/debug-pod";
/// The annotation saying which kdeck started it: `HOST pid PID`.
pub const STARTED_BY_ANNOTATION: &str = "kdeck.dev/started-by";
/// How long a debug pod may take to run (an image pull) before kdeck gives up on it
/// (kubectl's `--pod-running-timeout` is a minute; registries can be slower).
pub const RUNNING_TIMEOUT: Duration = Duration::from_secs(120);

/// A debug pod to start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DebugPod {
    /// Its namespace.
    pub namespace: String,
    /// Its name (also its container's).
    pub name: String,
    /// The image.
    pub image: String,
    /// The arguments after `--` (kubectl's `args`: the image's entrypoint runs them).
    pub args: Vec<String>,
}

impl DebugPod {
    /// The pod as it is sent, marked as started by `started_by`.
    pub fn manifest(&self, started_by: &str) -> serde_json::Value {
        let mut container = json!({
            "name": self.name,
            "image": self.image,
            "stdin": true,
            "stdinOnce": true,
            "tty": true,
        });
        if !self.args.is_empty() {
            container["args"] = json!(self.args);
        }
        json!({
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {
                "name": self.name,
                "namespace": self.namespace,
                "labels": {"run": self.name, DEBUG_POD_LABEL: "true"},
                "annotations": {STARTED_BY_ANNOTATION: started_by},
            },
            "spec": {"containers": [container], "restartPolicy": "Never"},
        })
    }
}

/// This process as the annotation names it: `HOST pid PID`.
pub fn this_process() -> String {
    format!("{} pid {}", host_name(), std::process::id())
}

fn host_name() -> String {
    rustix::system::uname()
        .nodename()
        .to_string_lossy()
        .into_owned()
}

/// Whether the kdeck named by a `started-by` annotation is running on this host now
/// (another kdeck's pod is in use; a dead one's is left behind).
pub fn started_by_running_kdeck(started_by: &str) -> bool {
    let Some((host, pid)) = started_by.rsplit_once(" pid ") else {
        return false;
    };
    if host != host_name() {
        return false;
    }
    let Some(pid) = pid.parse().ok().and_then(rustix::process::Pid::from_raw) else {
        return false;
    };
    // kill(pid, 0): EPERM still means the process exists (another user's).
    match rustix::process::test_kill_process(pid) {
        Ok(()) => true,
        Err(e) => e == rustix::io::Errno::PERM,
    }
}

/// Creates the debug pod (`kubectl run`).
pub(super) async fn create(permit: &Permit, pod: &DebugPod) -> Result<Outcome, OpError> {
    tracing::info!(what = permit.what(), "sending create");
    let body: Pod = serde_json::from_value(pod.manifest(&this_process()))
        .map_err(|e| OpError::Transport(format!("cannot build the pod: {e}")))?;
    let params = PostParams {
        dry_run: false,
        field_manager: Some("kdeck-run".to_owned()),
    };
    Api::<Pod>::namespaced(permit.client().clone(), &pod.namespace)
        .create(&params, &body)
        .await?;
    Ok(Outcome::sent(
        format!("{} created", Kind::Pod.kubectl_name(&pod.name)),
        format!("POST /api/v1/namespaces/{}/pods", pod.namespace),
    ))
}

/// Why a pod will not run, if its state says so.
fn will_not_run(pod: &Pod) -> Option<String> {
    let status = pod.status.as_ref()?;
    if let Some(phase @ ("Succeeded" | "Failed")) = status.phase.as_deref() {
        return Some(format!(
            "the pod ended before it could be attached to ({phase})"
        ));
    }
    status
        .container_statuses
        .iter()
        .flatten()
        .filter_map(|c| c.state.as_ref()?.waiting.as_ref())
        .find(|w| {
            matches!(
                w.reason.as_deref(),
                Some(
                    "ErrImagePull"
                        | "ImagePullBackOff"
                        | "InvalidImageName"
                        | "CrashLoopBackOff"
                        | "CreateContainerError"
                        | "CreateContainerConfigError"
                )
            )
        })
        .map(|w| {
            let reason = w.reason.as_deref().unwrap_or_default();
            match w.message.as_deref() {
                Some(m) if !m.is_empty() => format!("{reason}: {m}"),
                _ => reason.to_owned(),
            }
        })
}

fn runs(pod: &Pod) -> bool {
    pod.status.as_ref().is_some_and(|s| {
        s.phase.as_deref() == Some("Running")
            && s.container_statuses
                .iter()
                .flatten()
                .all(|c| c.state.as_ref().is_some_and(|s| s.running.is_some()))
    })
}

/// Waits until pod `name` runs (`kubectl run -it` waits the same way), or says why it
/// will not.
pub async fn wait_running(
    client: &kube::Client,
    namespace: &str,
    name: &str,
) -> Result<(), String> {
    let waited = watch_pod(client, namespace, name, RUNNING_TIMEOUT, |pod| {
        if runs(pod) {
            Some(Ok(()))
        } else {
            will_not_run(pod).map(|why| Err(format!("pod {name} will not run: {why}")))
        }
    });
    waited.await.unwrap_or_else(|| {
        Err(format!(
            "pod {name} did not run within {} s",
            RUNNING_TIMEOUT.as_secs()
        ))
    })
}

/// How long the container of a debug pod may take to be reported ended once its
/// session has.
pub const EXIT_TIMEOUT: Duration = Duration::from_secs(10);

/// The exit code of pod `name`'s container once it has ended (what `kubectl run -it`
/// exits with: an attach session's own status says only that the stream ended).
pub async fn exit_code(client: &kube::Client, namespace: &str, name: &str) -> Result<i32, String> {
    let waited = watch_pod(client, namespace, name, EXIT_TIMEOUT, |pod| {
        pod.status
            .as_ref()
            .and_then(|s| s.container_statuses.as_ref())
            .and_then(|c| c.first())
            .and_then(|c| c.state.as_ref()?.terminated.as_ref())
            .map(|terminated| Ok(terminated.exit_code))
    });
    waited
        .await
        .unwrap_or_else(|| Err(format!("pod {name} still runs")))
}

/// Watches pod `name` until `verdict` gives an answer for one of its versions, the pod
/// is deleted or the watch fails (an error), or `timeout` passes (`None`).
async fn watch_pod<T>(
    client: &kube::Client,
    namespace: &str,
    name: &str,
    timeout: Duration,
    mut verdict: impl FnMut(&Pod) -> Option<Result<T, String>>,
) -> Option<Result<T, String>> {
    let pods: Api<Pod> = Api::namespaced(client.clone(), namespace);
    let config = watcher::Config::default().fields(&format!("metadata.name={name}"));
    let mut events = watcher(pods, config).boxed();
    let wait = async {
        while let Some(event) = events.next().await {
            let pod = match event {
                Ok(watcher::Event::Apply(pod) | watcher::Event::InitApply(pod)) => pod,
                Ok(watcher::Event::Delete(_)) => return Err(format!("pod {name} was deleted")),
                Ok(_) => continue,
                Err(e) => return Err(format!("cannot watch pod {name}: {e}")),
            };
            if let Some(answer) = verdict(&pod) {
                return answer;
            }
        }
        Err(format!("the watch of pod {name} ended"))
    };
    tokio::time::timeout(timeout, wait).await.ok()
}

/// A debug pod an earlier kdeck left behind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeftoverPod {
    /// Its namespace.
    pub namespace: String,
    /// Its name.
    pub name: String,
    /// Its image.
    pub image: String,
    /// Who started it (`HOST pid PID`).
    pub started_by: String,
    /// When.
    pub created: Option<Timestamp>,
}

/// The debug pods in `namespace` (`None`: all) that no running kdeck of this host uses:
/// left behind by one that crashed or was killed, or started from another host.
pub async fn leftovers(
    client: &kube::Client,
    namespace: Option<&str>,
) -> Result<Vec<LeftoverPod>, String> {
    let pods: Api<Pod> = match namespace {
        Some(ns) => Api::namespaced(client.clone(), ns),
        None => Api::all(client.clone()),
    };
    let list = pods
        .list(&ListParams::default().labels(DEBUG_POD_LABEL))
        .await
        .map_err(|e| short_error(&e))?;
    Ok(list
        .items
        .into_iter()
        .filter(|p| p.metadata.deletion_timestamp.is_none())
        .map(|p| LeftoverPod {
            namespace: p.metadata.namespace.clone().unwrap_or_default(),
            name: p.metadata.name.clone().unwrap_or_default(),
            image: p
                .spec
                .as_ref()
                .and_then(|s| s.containers.first())
                .and_then(|c| c.image.clone())
                .unwrap_or_default(),
            started_by: p
                .metadata
                .annotations
                .as_ref()
                .and_then(|a| a.get(STARTED_BY_ANNOTATION))
                .cloned()
                .unwrap_or_default(),
            created: p.metadata.creation_timestamp.as_ref().map(|t| t.0),
        })
        .filter(|p| !started_by_running_kdeck(&p.started_by))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_manifest_is_kubectl_runs_and_marked() {
        let pod = DebugPod {
            namespace: "default".into(),
            name: "kdeck-busybox-abc12".into(),
            image: "busybox".into(),
            args: vec!["sh".into()],
        };
        let m = pod.manifest("host-1 pid 42");
        let c = &m["spec"]["containers"][0];
        assert_eq!(c["name"], "kdeck-busybox-abc12");
        assert_eq!(
            (c["stdin"].clone(), c["tty"].clone()),
            (json!(true), json!(true))
        );
        assert_eq!(c["stdinOnce"], true);
        assert_eq!(c["args"], json!(["sh"]));
        assert_eq!(m["spec"]["restartPolicy"], "Never");
        assert_eq!(m["metadata"]["labels"][DEBUG_POD_LABEL], "true");
        assert_eq!(
            m["metadata"]["annotations"][STARTED_BY_ANNOTATION],
            "host-1 pid 42"
        );
        assert!(serde_json::from_value::<Pod>(m).is_ok());
    }

    #[test]
    fn only_a_live_kdeck_of_this_host_keeps_its_pods() {
        assert!(
            started_by_running_kdeck(&this_process()),
            "this process runs"
        );
        assert!(!started_by_running_kdeck("elsewhere pid 1"));
        assert!(!started_by_running_kdeck(""));
        // The largest pid Linux hands out is below 2^22.
        assert!(!started_by_running_kdeck(&format!(
            "{} pid 4194999",
            host_name()
        )));
    }
}
