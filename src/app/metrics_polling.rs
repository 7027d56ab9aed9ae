//! The dashboard's side of live use: which poll the shown screen needs, asking the
//! runtime for it ([`Effect::PollMetrics`]), and acting on what a poll's report changed
//! (the monitor's cards, tables sorted by use, the status line). The samples themselves
//! are kept by [`metrics`](super::metrics), which names nothing of the app.

use super::metrics::Taken;
use super::metrics::history::Subject;
use super::msg::Effect;
use super::state::{Screen, State, TextView};
use crate::cluster::Kind;
use crate::cluster::metrics::{MetricsReport, MetricsTarget};

/// The poll the shown screen needs: the pods of the namespace for pods, their containers,
/// a pod's describe, the rollout view and the monitor; the nodes for nodes and a node's
/// describe. Where the screen needs none, the pods of the namespace while this kdeck
/// drives a canary plan with a memory gate (its verdicts need the samples); else nothing.
pub fn wanted(state: &State) -> Option<MetricsTarget> {
    let pods = || MetricsTarget::Pods {
        namespace: state.namespace.clone(),
    };
    shown_wants(state, pods).or_else(|| {
        let gated = state
            .canary
            .tracked
            .values()
            .any(|p| p.driving && p.record.as_ref().is_some_and(|r| r.gates.memory.is_some()));
        gated.then(pods)
    })
}

fn shown_wants(state: &State, pods: impl Fn() -> MetricsTarget) -> Option<MetricsTarget> {
    match state.screen() {
        Screen::Table(t) if t.kind == Kind::Pod => Some(pods()),
        Screen::Table(t) if t.kind == Kind::Node => Some(MetricsTarget::Nodes),
        Screen::Text(t) => match t.key.as_ref().map(|k| k.kind) {
            Some(Kind::Pod) => Some(pods()),
            Some(Kind::Node) => Some(MetricsTarget::Nodes),
            _ => None,
        },
        Screen::Containers(_) | Screen::Rollout(_) | Screen::Monitor(_) => Some(pods()),
        _ => None,
    }
}

/// Asks the runtime to poll what the screen needs, when that changed.
pub fn ensure_polling(state: &mut State) -> Option<Effect> {
    if state.connection.switching_to.is_some() {
        return None;
    }
    let target = wanted(state);
    // The monitor opened on a sample already there: its cards need not wait for the next.
    if matches!(state.screen(), Screen::Monitor(_))
        && !state
            .metrics
            .history
            .holds(|s| matches!(s, Subject::Deployment { .. }))
    {
        record_monitor(state);
    }
    if target == state.metrics.polling {
        return None;
    }
    state.metrics.polling.clone_from(&target);
    Some(Effect::PollMetrics {
        target,
        interval: state.metrics.interval,
    })
}

/// Takes a poll's report.
pub fn report(state: &mut State, report: MetricsReport) {
    if !matches!(report, MetricsReport::Failed(_))
        && let Some(failure) = state.metrics.failure_shown.take()
        && state.status.as_ref() == Some(&failure)
    {
        state.status = None;
    }
    let shown = pods_on_screen(state);
    let taken = state.metrics.take(report, &shown);
    match taken {
        Taken::Pods => {
            record_monitor(state);
            resort(state, Kind::Pod);
        }
        Taken::Nodes => resort(state, Kind::Node),
        Taken::Warning(message) => {
            state.status = Some(message);
            state.status_ok = false;
        }
        Taken::Failed(message) => {
            state.status = Some(message.clone());
            state.status_ok = false;
            state.metrics.failure_shown = Some(message);
        }
        Taken::Nothing => {}
    }
}

/// The pods whose use a sparkline may draw: the rows each pods table in the screen stack
/// shows (at most a screen's height from its first shown row), and the pod a describe or
/// containers view is of; each once.
fn pods_on_screen(state: &State) -> Vec<(String, String)> {
    let height = usize::from(state.size.1);
    let mut pods = Vec::new();
    for screen in &state.screens {
        match screen {
            Screen::Table(t) if t.kind == Kind::Pod => {
                let store = state.stores.of(Kind::Pod);
                pods.extend(
                    t.visible
                        .iter()
                        .skip(t.offset)
                        .take(height)
                        .filter_map(|&slot| store.get(slot))
                        .map(|row| (row.meta.namespace.to_string(), row.meta.name.clone())),
                );
            }
            Screen::Containers(c) => pods.push((c.namespace.clone(), c.name.clone())),
            Screen::Text(TextView { key: Some(key), .. }) if key.kind == Kind::Pod => {
                pods.push((key.namespace.clone(), key.name.clone()));
            }
            _ => {}
        }
    }
    pods.sort_unstable();
    pods.dedup();
    pods
}

/// Records the total of each Deployment on the monitor's cards, when the monitor is shown.
fn record_monitor(state: &mut State) {
    if let Some(Screen::Monitor(view)) = state.screens.last() {
        let cards: Vec<usize> = view.cache.cards.iter().map(|c| c.deployment).collect();
        state.metrics.record_deployments(&state.stores, &cards);
    }
}

/// Tables of `kind` sorted by a use column are sorted again with the new sample.
fn resort(state: &mut State, kind: Kind) {
    let all = state.all_namespaces();
    for screen in &mut state.screens {
        if let Screen::Table(t) = screen
            && t.kind == kind
        {
            let columns = crate::cluster::columns::columns_for(kind, all, &[]);
            // Columns past the kind's own are the use columns.
            if t.sort_column >= columns.len() {
                t.computed_from = None;
            }
        }
    }
}
