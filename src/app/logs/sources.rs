//! Which containers a logs view follows. A pod view follows one container; a workload
//! view follows every container of the Deployment's (or ReplicaSet's) pods, read from the
//! pod rows the dashboard already watches (no polling): a pod joins as soon as its row
//! shows a running container, and is marked when its row goes.

use std::sync::atomic::{AtomicU64, Ordering};

use super::{LogEffect, LogScope, LogSettings, LogSource, LogsView, restart_stream};
use crate::app::rows::Stores;
use crate::cluster::{Detail, Kind, Row};

static NEXT_STREAM: AtomicU64 = AtomicU64::new(1);

/// A stream id never used before in this process.
pub fn next_stream_id() -> u64 {
    NEXT_STREAM.fetch_add(1, Ordering::Relaxed)
}

/// A view of one container of a pod (`None`: the first; the picker opens if there are more).
pub fn pod_view(
    stores: &Stores,
    namespace: &str,
    pod: &str,
    container: Option<String>,
    settings: LogSettings,
) -> LogsView {
    let containers = pod_containers(stores, namespace, pod);
    let mut view = LogsView::new(
        namespace,
        LogScope::Pod {
            pod: pod.to_owned(),
        },
        settings,
    );
    if container.is_none() && containers.len() > 1 {
        view.picker = Some(0);
    }
    let container = container
        .or_else(|| containers.first().cloned())
        .unwrap_or_default();
    view.sources.push(LogSource {
        stream: next_stream_id(),
        pod: pod.to_owned(),
        container,
        label: String::new(),
        started: false,
        ended: None,
    });
    view
}

/// A view of every pod of a Deployment or ReplicaSet.
pub fn workload_view(namespace: &str, kind: Kind, name: &str, settings: LogSettings) -> LogsView {
    LogsView::new(
        namespace,
        LogScope::Workload {
            kind,
            name: name.to_owned(),
        },
        settings,
    )
}

/// The container names of a pod, from its row.
pub fn pod_containers(stores: &Stores, namespace: &str, pod: &str) -> Vec<String> {
    match stores.of(Kind::Pod).find(namespace, pod) {
        Some(Row {
            detail: Detail::Pod(p),
            ..
        }) => p.containers.iter().map(|c| c.name.to_string()).collect(),
        _ => Vec::new(),
    }
}

/// Whether `pod` belongs to the workload.
fn belongs(stores: &Stores, pod: &Row, kind: Kind, name: &str) -> bool {
    let Some(owner) = &pod.meta.owner else {
        return false;
    };
    if owner.kind != "ReplicaSet" {
        return false;
    }
    match kind {
        Kind::ReplicaSet => owner.name == name,
        _ => stores
            .of(Kind::ReplicaSet)
            .find(&pod.meta.namespace, &owner.name)
            .and_then(|rs| rs.meta.owner.as_ref())
            .is_some_and(|o| o.kind == "Deployment" && o.name == name),
    }
}

/// The short name of a pod in a workload view: its name without the workload's prefix.
fn short_name(pod: &str, workload: &str) -> String {
    pod.strip_prefix(workload)
        .and_then(|rest| rest.strip_prefix('-'))
        .filter(|rest| !rest.is_empty())
        .unwrap_or(pod)
        .to_owned()
}

/// Whether a container has something to read: running, or it ran and stopped.
fn has_log(pod: &Row, container: &str) -> bool {
    let Detail::Pod(p) = &pod.detail else {
        return false;
    };
    p.containers.iter().any(|c| {
        c.name == container
            && (c.state.starts_with("Running")
                || c.state.starts_with("Terminated")
                || c.restarts > 0)
    })
}

/// Brings the sources of `view` in line with the pod rows: new pods of its workload join,
/// gone pods are marked, containers that came to have a log start streaming.
pub fn reconcile_view(stores: &Stores, view: &mut LogsView, effects: &mut Vec<LogEffect>) {
    let pods = stores.of(Kind::Pod);
    // Only the rows decide: nothing to do while they have not changed.
    let generations = (pods.generation(), stores.of(Kind::ReplicaSet).generation());
    if view.reconciled_from == Some(generations) {
        return;
    }
    view.reconciled_from = Some(generations);
    if let LogScope::Workload { kind, name } = view.scope.clone() {
        for (_, row) in pods.iter() {
            if row.meta.namespace != view.namespace || !belongs(stores, row, kind, &name) {
                continue;
            }
            let Detail::Pod(p) = &row.detail else {
                continue;
            };
            // A workload's log is its containers' (init containers only on their pod's own log).
            let many = p.containers.iter().filter(|c| !c.init).count() > 1;
            for c in p.containers.iter().filter(|c| !c.init) {
                let known = view
                    .sources
                    .iter()
                    .any(|s| s.pod == row.meta.name && s.container == c.name);
                if known {
                    continue;
                }
                let mut label = short_name(&row.meta.name, &name);
                if many {
                    label = format!("{label}/{}", c.name);
                }
                view.sources.push(LogSource {
                    stream: next_stream_id(),
                    pod: row.meta.name.clone(),
                    container: c.name.to_string(),
                    label,
                    started: false,
                    ended: None,
                });
            }
        }
    }
    for i in 0..view.sources.len() {
        let source = &view.sources[i];
        if source.ended.is_some() {
            continue;
        }
        match pods.find(&view.namespace, &source.pod) {
            None if pods.generation() > 0 && !pods.is_empty() => {
                let note = format!("pod {} ended", source.pod);
                view.sources[i].ended = Some("pod deleted".to_owned());
                let source = u16::try_from(i).unwrap_or(u16::MAX);
                view.push(source, format!("— {note}"), true);
            }
            Some(row) if !source.started && has_log(row, &source.container) => {
                restart_stream(view, i, effects);
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_drop_the_workload_prefix() {
        assert_eq!(
            short_name("myapp-deploy-7948db888d-8jm8n", "myapp-deploy"),
            "7948db888d-8jm8n"
        );
        assert_eq!(short_name("web-1", "other"), "web-1");
        assert_eq!(short_name("web", "web"), "web");
    }
}
