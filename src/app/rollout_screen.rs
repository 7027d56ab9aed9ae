//! The rollout view's parts that read the whole state: its timeline, drawn from the
//! rows the view's cache points at, the live samples and the canary plan the engine
//! follows on the Deployment. The timeline itself is
//! [`rollout_timeline`](super::rollout_timeline), which names nothing of the app.

use super::canary_plan::PlanOutcome;
use super::rollout_timeline::chart::{ChartInputs, Mark, TimelineChart, chart};
use super::state::{RolloutView, State};
use crate::cluster::{Detail, EventRow, Kind};

/// The timeline of the Deployment `view` shows, in `columns` columns, at `state.now`.
#[must_use]
pub fn timeline(state: &State, view: &RolloutView, columns: usize) -> Option<TimelineChart> {
    let cache = &view.cache;
    let rs_store = state.stores.of(Kind::ReplicaSet);
    let event_store = state.stores.of(Kind::Event);
    let events_of = |slots: &[usize]| -> Vec<&EventRow> {
        slots
            .iter()
            .filter_map(|s| event_store.get(*s))
            .filter_map(|r| match &r.detail {
                Detail::Event(e) => Some(&**e),
                _ => None,
            })
            .collect()
    };
    let key = (view.namespace.clone(), view.name.clone());
    let ended = state.canary.ended.get(&key);
    let inputs = ChartInputs {
        replica_sets: cache
            .replica_sets
            .iter()
            .filter_map(|s| rs_store.get(*s))
            .collect(),
        current: cache.current,
        events: events_of(&cache.events),
        scalings: events_of(&cache.scalings),
        series: state.timelines.of(&view.namespace, &view.name),
        record: state
            .canary
            .tracked
            .get(&key)
            .and_then(|p| p.record.as_ref())
            .or_else(|| ended.and_then(|e| e.record.as_ref())),
        plan_end: ended.and_then(|end| match end.outcome {
            PlanOutcome::Aborted(_) => Some((end.at, Mark::Failed)),
            PlanOutcome::Completed => Some((end.at, Mark::Completed)),
            _ => None,
        }),
        now: state.now,
    };
    chart(&inputs, columns)
}
