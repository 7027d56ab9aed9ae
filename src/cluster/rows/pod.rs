//! Pods: READY, STATUS and RESTARTS computed exactly as `kubectl get pods`
//! computes them (printers.go `printPod`).

use jiff::Timestamp;
use kube::{Api, Client};

use super::lean::pod::{Container, ContainerStatus, Pod, PodCondition};
use super::{ToRow, namespaced_api};
use crate::cluster::model::{
    Amounts, ContainerResources, ContainerRow, Detail, Health, Kind, PodRow, SharedStr,
};

/// Why the node controller marks pods on a lost node (`node.NodeUnreachablePodReason`).
const NODE_UNREACHABLE_REASON: &str = "NodeLost";

impl ToRow for Pod {
    const KIND: Kind = Kind::Pod;

    fn detail(&self) -> (Detail, Health) {
        let row = pod_row(self);
        let health = health(&row, self.metadata.deletion_timestamp.is_some());
        (Detail::Pod(row), health)
    }

    fn api(client: Client, namespace: Option<&str>) -> Api<Self> {
        namespaced_api(client, namespace)
    }
}

/// The STATUS column of `kubectl get pods` for `pod`.
pub fn pod_status(pod: &Pod) -> String {
    pod_row(pod).status.to_string()
}

fn restartable(container: Option<&&Container>) -> bool {
    container.is_some_and(|c| c.restart_policy.as_deref() == Some("Always"))
}

fn condition_true(conditions: &[PodCondition], type_: &str) -> bool {
    conditions
        .iter()
        .find(|c| c.type_ == type_)
        .is_some_and(|c| c.status == "True")
}

fn last_terminated_at(status: &ContainerStatus) -> Option<Timestamp> {
    status
        .last_state
        .as_ref()?
        .terminated
        .as_ref()?
        .finished_at
        .as_ref()
        .map(|t| t.0)
}

fn later(a: Option<Timestamp>, b: Option<Timestamp>) -> Option<Timestamp> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

/// printPod, step by step, so that each STATUS matches kubectl's.
fn pod_row(pod: &Pod) -> PodRow {
    let spec = pod.spec.as_ref();
    let status = pod.status.as_ref();
    let containers: &[Container] = spec.map_or(&[], |s| s.containers.as_slice());
    let init_specs: &[Container] = spec
        .and_then(|s| s.init_containers.as_deref())
        .unwrap_or(&[]);
    let conditions: &[PodCondition] = status.and_then(|s| s.conditions.as_deref()).unwrap_or(&[]);
    let init_statuses: &[ContainerStatus] = status
        .and_then(|s| s.init_container_statuses.as_deref())
        .unwrap_or(&[]);
    let container_statuses: &[ContainerStatus] = status
        .and_then(|s| s.container_statuses.as_deref())
        .unwrap_or(&[]);

    let phase = status.and_then(|s| s.phase.clone()).unwrap_or_default();
    let pod_reason = status.and_then(|s| s.reason.as_deref()).unwrap_or("");
    let mut reason = if pod_reason.is_empty() {
        phase.clone()
    } else {
        pod_reason.to_owned()
    };
    if conditions
        .iter()
        .any(|c| c.type_ == "PodScheduled" && c.reason.as_deref() == Some("SchedulingGated"))
    {
        "SchedulingGated".clone_into(&mut reason);
    }

    let find_init = |name: &str| init_specs.iter().find(|c| c.name == name);
    let mut total = containers.len() as u32;
    total += init_specs.iter().filter(|c| restartable(Some(c))).count() as u32;
    let mut ready = 0u32;
    let mut restarts = 0u32;
    let mut last_restart = None;
    let mut sidecar_restarts = 0u32;
    let mut sidecar_last_restart = None;

    let mut initializing = false;
    for (i, cs) in init_statuses.iter().enumerate() {
        let count = cs.restart_count.max(0) as u32;
        restarts += count;
        last_restart = later(last_restart, last_terminated_at(cs));
        let is_sidecar = restartable(find_init(&cs.name).as_ref());
        if is_sidecar {
            sidecar_restarts += count;
            sidecar_last_restart = later(sidecar_last_restart, last_terminated_at(cs));
        }
        let state = cs.state.as_ref();
        let terminated = state.and_then(|s| s.terminated.as_ref());
        let waiting = state.and_then(|s| s.waiting.as_ref());
        let waiting_reason = waiting.and_then(|w| w.reason.as_deref()).unwrap_or("");
        if terminated.is_some_and(|t| t.exit_code == 0) {
            continue;
        }
        if is_sidecar && cs.started == Some(true) {
            if cs.ready {
                ready += 1;
            }
            continue;
        }
        if let Some(t) = terminated {
            reason = match t.reason.as_deref() {
                Some(r) if !r.is_empty() => format!("Init:{r}"),
                _ => match t.signal {
                    Some(signal) if signal != 0 => format!("Init:Signal:{signal}"),
                    _ => format!("Init:ExitCode:{}", t.exit_code),
                },
            };
        } else if !waiting_reason.is_empty() && waiting_reason != "PodInitializing" {
            reason = format!("Init:{waiting_reason}");
        } else {
            reason = format!("Init:{i}/{}", init_specs.len());
        }
        initializing = true;
        break;
    }

    if !initializing || condition_true(conditions, "Initialized") {
        restarts = sidecar_restarts;
        last_restart = sidecar_last_restart;
        let mut has_running = false;
        for cs in container_statuses.iter().rev() {
            restarts += cs.restart_count.max(0) as u32;
            last_restart = later(last_restart, last_terminated_at(cs));
            let state = cs.state.as_ref();
            let waiting_reason = state
                .and_then(|s| s.waiting.as_ref())
                .and_then(|w| w.reason.as_deref())
                .unwrap_or("");
            let terminated = state.and_then(|s| s.terminated.as_ref());
            if !waiting_reason.is_empty() {
                waiting_reason.clone_into(&mut reason);
            } else if let Some(t) = terminated {
                reason = match t.reason.as_deref() {
                    Some(r) if !r.is_empty() => r.to_owned(),
                    _ => match t.signal {
                        Some(signal) if signal != 0 => format!("Signal:{signal}"),
                        _ => format!("ExitCode:{}", t.exit_code),
                    },
                };
            } else if cs.ready && state.is_some_and(|s| s.running.is_some()) {
                has_running = true;
                ready += 1;
            }
        }
        if reason == "Completed" && has_running {
            reason = if condition_true(conditions, "Ready") {
                "Running".to_owned()
            } else {
                "NotReady".to_owned()
            };
        }
    }

    let deleting = pod.metadata.deletion_timestamp.is_some();
    if deleting && pod_reason == NODE_UNREACHABLE_REASON {
        "Unknown".clone_into(&mut reason);
    } else if deleting && phase != "Succeeded" && phase != "Failed" {
        "Terminating".clone_into(&mut reason);
    }

    PodRow {
        ready,
        total,
        status: reason.into(),
        restarts,
        last_restart: if restarts == 0 { None } else { last_restart },
        ip: status.and_then(|s| {
            s.pod_ips
                .as_ref()
                .and_then(|ips| ips.first().map(|ip| ip.ip.clone()))
                .or_else(|| s.pod_ip.clone())
                .filter(|ip| !ip.is_empty())
        }),
        node: spec
            .and_then(|s| s.node_name.as_deref())
            .filter(|n| !n.is_empty())
            .map(SharedStr::new),
        phase: phase.into(),
        containers: container_rows(containers, container_statuses, false)
            .into_iter()
            .chain(container_rows(init_specs, init_statuses, true))
            .collect(),
    }
}

fn container_rows(
    specs: &[Container],
    statuses: &[ContainerStatus],
    init: bool,
) -> Vec<ContainerRow> {
    specs
        .iter()
        .map(|spec| {
            let status = statuses.iter().find(|s| s.name == spec.name);
            ContainerRow {
                name: SharedStr::new(&spec.name),
                image: SharedStr::new(spec.image.as_deref().unwrap_or_default()),
                ready: status.is_some_and(|s| s.ready),
                restarts: status.map_or(0, |s| s.restart_count.max(0) as u32),
                state: status
                    .map_or_else(|| "Waiting".to_owned(), container_state)
                    .into(),
                init,
                resources: ContainerResources {
                    requests: Amounts::of(
                        spec.resources.as_ref().and_then(|r| r.requests.as_ref()),
                    ),
                    limits: Amounts::of(spec.resources.as_ref().and_then(|r| r.limits.as_ref())),
                },
            }
        })
        .collect()
}

fn container_state(status: &ContainerStatus) -> String {
    let Some(state) = status.state.as_ref() else {
        return "Waiting".to_owned();
    };
    if state.running.is_some() {
        "Running".to_owned()
    } else if let Some(t) = &state.terminated {
        format!(
            "Terminated ({})",
            t.reason.as_deref().unwrap_or("exit code")
        )
    } else if let Some(w) = &state.waiting {
        match w.reason.as_deref() {
            Some(r) if !r.is_empty() => format!("Waiting ({r})"),
            _ => "Waiting".to_owned(),
        }
    } else {
        "Waiting".to_owned()
    }
}

/// The colour of a pod row: red for failures, yellow while starting, dim when leaving.
fn health(row: &PodRow, deleting: bool) -> Health {
    let status = row.status.as_str();
    if deleting || status == "Terminating" {
        return Health::Dim;
    }
    match status {
        "Running" if row.ready == row.total => Health::Ok,
        "Completed" | "Succeeded" => Health::Ok,
        "Running" | "Pending" | "ContainerCreating" | "PodInitializing" | "NotReady"
        | "SchedulingGated" => Health::Warn,
        s if s.starts_with("Init:") && !is_failure(&s["Init:".len()..]) => Health::Warn,
        _ => Health::Err,
    }
}

fn is_failure(init_reason: &str) -> bool {
    !init_reason
        .split_once('/')
        .is_some_and(|(a, b)| a.parse::<u32>().is_ok() && b.parse::<u32>().is_ok())
        && init_reason != "PodInitializing"
}

// The path is spelled out so that `lean/same_rows.rs`, which compiles this file a second
// time over the full k8s-openapi types, finds the same cases.
#[cfg(test)]
#[path = "pod/tests.rs"]
mod tests;
