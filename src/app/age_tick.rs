//! When the idle dashboard must redraw: the next instant a visible AGE or LAST SEEN cell
//! prints differently (kubectl's HumanDuration steps), not on a timer.

use std::time::Duration;

use jiff::Timestamp;

use super::state::{Screen, State};
use crate::cluster::{Detail, Kind, WatchState};
use crate::human_duration::{seconds_between, seconds_until_change};

/// How long until an AGE (or LAST SEEN) cell on screen prints differently.
pub fn next_age_change(state: &State) -> Option<Duration> {
    let instants: Box<dyn Iterator<Item = Timestamp> + '_> = match state.screen() {
        Screen::Table(t) => {
            let store = state.stores.of(t.kind);
            // A reconnecting pane counts the time since its last update in its title.
            let last_update = match state.watch_states.get(&t.kind) {
                Some(WatchState::Reconnecting { last_update, .. }) => *last_update,
                _ => None,
            };
            Box::new(
                last_update.into_iter().chain(
                    t.visible
                        .iter()
                        .skip(t.offset)
                        .take(state.page_rows())
                        .filter_map(|s| store.get(*s))
                        .flat_map(|r| {
                            let seen = match &r.detail {
                                Detail::Event(e) => e.last_seen.or(e.first_seen),
                                Detail::Pod(p) => p.last_restart,
                                _ => None,
                            };
                            r.meta.created.into_iter().chain(seen)
                        }),
                ),
            )
        }
        // The rollout view shows the ages of its ReplicaSets, pods and events.
        Screen::Rollout(r) => {
            let rs = state.stores.of(Kind::ReplicaSet);
            let pods = state.stores.of(Kind::Pod);
            let events = state.stores.of(Kind::Event);
            Box::new(
                r.cache
                    .replica_sets
                    .iter()
                    .filter_map(|s| rs.get(*s))
                    .chain(
                        r.cache
                            .pods_by_rs
                            .iter()
                            .flatten()
                            .filter_map(|s| pods.get(*s)),
                    )
                    .filter_map(|row| row.meta.created)
                    .chain(r.cache.events.iter().filter_map(|s| match events.get(*s) {
                        Some(crate::cluster::Row {
                            detail: Detail::Event(e),
                            ..
                        }) => e.last_seen.or(e.first_seen),
                        _ => None,
                    })),
            )
        }
        // The monitor shows the ages of its warnings, and how old its data is when a watch
        // is down.
        Screen::Monitor(m) => {
            let events = state.stores.of(Kind::Event);
            let stale = super::monitor::MONITOR_KINDS.iter().filter_map(|k| {
                match state.watch_states.get(k) {
                    Some(WatchState::Reconnecting { last_update, .. }) => *last_update,
                    _ => None,
                }
            });
            Box::new(
                m.cache
                    .warnings
                    .iter()
                    .filter_map(|s| match events.get(*s) {
                        Some(crate::cluster::Row {
                            detail: Detail::Event(e),
                            ..
                        }) => e.last_seen.or(e.first_seen),
                        _ => None,
                    })
                    .chain(stale),
            )
        }
        _ => return None,
    };
    let now = Timestamp::now();
    // A pods or nodes pane says how old its use sample is, in steps of its own.
    let sample_age = match state.screen() {
        Screen::Table(t) if state.metrics.shows_columns(t.kind) => state
            .metrics
            .taken(t.kind)
            .map(|taken| super::metrics::sample_age(taken, now).1),
        _ => None,
    };
    instants
        .map(|t| seconds_until_change(seconds_between(t, now)))
        .chain(sample_age)
        .min()
        .map(|s| Duration::from_secs(s.max(1) as u64))
}
