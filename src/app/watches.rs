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
    let events_scope = events_scope(state, shown.contains(&Kind::Event));
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
        let scope = if kind == Kind::Event {
            events_scope.clone()
        } else {
            WatchScope::All
        };
        let rescoped =
            kind == Kind::Event && state.watching.contains(&kind) && state.events_scope != scope;
        if state.watching.insert(kind) || rescoped {
            if rescoped {
                // A new list replaces the rows when it ends; until then the old ones show.
                state.watch_states.insert(kind, WatchState::Syncing);
            } else {
                state
                    .watch_states
                    .entry(kind)
                    .or_insert(WatchState::Syncing);
            }
            if kind == Kind::Event {
                state.events_scope = scope.clone();
            }
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

/// The events the events watch keeps: those of the shown rollout's Deployment and of the
/// Deployments of the plans this kdeck drives, unless the screen shows events otherwise
/// (`screen_reads_events` outside a rollout view): then every one.
fn events_scope(state: &State, screen_reads_events: bool) -> WatchScope {
    let mut deployments: Vec<(String, String)> = state
        .canary
        .tracked
        .iter()
        .filter(|(_, plan)| plan.driving)
        .map(|(key, _)| key.clone())
        .collect();
    match state.screen() {
        Screen::Rollout(r) => deployments.push((r.namespace.clone(), r.name.clone())),
        _ if screen_reads_events => return WatchScope::All,
        _ => {}
    }
    deployments.sort_unstable();
    deployments.dedup();
    WatchScope::EventsOf(deployments)
}
