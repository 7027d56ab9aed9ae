//! Which watches run: the kinds the shown screen (and a canary plan this kdeck drives)
//! needs, started once each; and the events watch's scope, which follows what reads the
//! events: a namespace's every event for the events pane or the monitor, only the
//! events of their Deployments' objects when only rollout views and plans read them.

use super::msg::Effect;
use super::rollout::ROLLOUT_KINDS;
use super::state::{Screen, State};
use crate::cluster::watch::WatchScope;
use crate::cluster::{Kind, WatchState};

/// Watches the shown screen needs that are not running yet, or that run with another
/// scope than it needs now.
pub fn ensure(state: &mut State) -> Vec<Effect> {
    let mut needed: Vec<Kind> = vec![Kind::Namespace];
    // A plan this kdeck drives is judged on its rollout's rows, whatever is shown.
    if state.canary.driving() {
        needed.extend(ROLLOUT_KINDS);
    }
    let shown = screen_kinds(state.screen());
    let screen_reads_events = shown.contains(&Kind::Event);
    needed.extend(shown);
    if state.connection.switching_to.is_some() {
        return Vec::new();
    }
    let mut effects = Vec::new();
    for kind in needed {
        if let Some(facts) = kind.facts()
            && !(facts.can("list") && facts.can("watch"))
        {
            // Said once, never asked: the server does not offer what a pane needs.
            state.watch_states.insert(
                kind,
                WatchState::Unavailable(format!(
                    "the server does not list and watch {} (its verbs: {})",
                    kind.plural(),
                    facts.verbs.join(", ")
                )),
            );
            continue;
        }
        // Only events are kept in part; every other watch keeps all its rows.
        let (restart, scope) = {
            let wanted = (kind == Kind::Event)
                .then(|| event_deployments(state, screen_reads_events))
                .flatten();
            let running = state.watching.get(&kind);
            if running.is_some_and(|scope| same(scope, wanted.as_deref())) {
                continue;
            }
            (running.is_some(), owned(wanted.as_deref()))
        };
        if restart {
            // Started again with another scope: its new list replaces the rows when it
            // ends; until then the old ones show.
            state.watch_states.insert(kind, WatchState::Syncing);
        } else {
            state
                .watch_states
                .entry(kind)
                .or_insert(WatchState::Syncing);
        }
        state.watching.insert(kind, scope.clone());
        let namespace = if kind.namespaced() {
            state.namespace.clone()
        } else {
            None
        };
        effects.push(Effect::Watch {
            kind,
            namespace,
            scope,
        });
    }
    effects
}

/// The kinds `screen` shows.
fn screen_kinds(screen: &Screen) -> Vec<Kind> {
    match screen {
        Screen::Table(t) => vec![t.kind],
        Screen::Rollout(_) => ROLLOUT_KINDS.to_vec(),
        // Its revisions are read again when these change.
        Screen::History(_) => vec![Kind::Deployment, Kind::ReplicaSet],
        Screen::Monitor(_) => super::monitor::MONITOR_KINDS.to_vec(),
        Screen::Containers(_) => vec![Kind::Pod],
        Screen::Yaml(y) => vec![y.key.kind],
        Screen::Logs(l) => l.watched_kinds(),
        Screen::Text(_) | Screen::Contexts { .. } | Screen::Forwards(_) => Vec::new(),
    }
}

/// The Deployments (namespace, name) whose events alone are wanted, sorted: the shown
/// rollout's and those of the plans this kdeck drives; `None` (every event) when the
/// screen shows events otherwise (`screen_reads_events` outside a rollout view).
/// Borrowed: this runs at every update, and builds a scope only when it changed.
fn event_deployments(state: &State, screen_reads_events: bool) -> Option<Vec<(&str, &str)>> {
    let mut deployments: Vec<(&str, &str)> = state
        .canary
        .tracked
        .iter()
        .filter(|(_, plan)| plan.driving)
        .map(|((namespace, name), _)| (namespace.as_str(), name.as_str()))
        .collect();
    match state.screen() {
        Screen::Rollout(r) => deployments.push((&r.namespace, &r.name)),
        _ if screen_reads_events => return None,
        _ => {}
    }
    deployments.sort_unstable();
    deployments.dedup();
    Some(deployments)
}

/// The scope that keeps what `wanted` asks for (`None`: every row).
fn owned(wanted: Option<&[(&str, &str)]>) -> WatchScope {
    wanted.map_or(WatchScope::All, |deployments| {
        WatchScope::EventsOf(
            deployments
                .iter()
                .map(|(ns, name)| ((*ns).to_owned(), (*name).to_owned()))
                .collect(),
        )
    })
}

/// Whether a running watch's `scope` keeps what `wanted` asks for (`None`: every row).
fn same(scope: &WatchScope, wanted: Option<&[(&str, &str)]>) -> bool {
    match (scope, wanted) {
        (WatchScope::All, None) => true,
        (WatchScope::EventsOf(kept), Some(wanted)) => kept
            .iter()
            .map(|(ns, name)| (ns.as_str(), name.as_str()))
            .eq(wanted.iter().copied()),
        _ => false,
    }
}
