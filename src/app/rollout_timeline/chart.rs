//! The rollout timeline of one Deployment as columns: for each, the new ReplicaSet's and
//! the old ones' ready replicas, whether the value was seen live or reconstructed, and
//! what happened there (a plan's steps and holds, a gate failure, Warning events).
//!
//! The axis ([`Axis`]) shows the current rollout (from its ReplicaSet's creation) and the
//! last one before it (from the creation of the ReplicaSet it made to its last scaling),
//! a gap column between them when time passed. Where kdeck was not watching, the values
//! are reconstructed: the replicas the Deployment's `ScalingReplicaSet` events asked for
//! (desired, not ready: events do not say when pods got ready), the ReplicaSet's creation
//! time, or its count now.

use std::sync::LazyLock;

use jiff::{SignedDuration, Timestamp};
use regex::Regex;

use super::DeploymentSeries;
use super::axis::Axis;
use crate::cluster::ops::canary::plan_annotation::{MarkKind, PlanRecord};
use crate::cluster::{Detail, EventRow, ReplicaSetRow, Row};

/// `Scaled up replica set web-5d4f to 2 from 1` (kube-controller-manager since 1.27),
/// `Scaled down replica set web-7c9 to 0` (before).
static SCALED: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"^Scaled (?:up|down) replica set (\S+) to (\d+)(?: from (\d+))?").ok()
});

/// How long a last rollout is taken to have lasted when nothing says when it ended.
const LAST_ROLLOUT_GUESS: SignedDuration = SignedDuration::from_secs(30);

/// Something that happened, marked under the chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Mark {
    /// A plan's step began (its number, from 1).
    Step(usize),
    /// A plan's hold began.
    Hold,
    /// The plan was taken over by another kdeck.
    TakenOver,
    /// A Warning event.
    Warning,
    /// The plan completed (promoted).
    Completed,
    /// A gate failed and the plan was aborted.
    Failed,
}

impl Mark {
    /// Which of two marks in one column is shown.
    fn rank(self) -> u8 {
        match self {
            Self::Hold => 1,
            Self::TakenOver => 2,
            Self::Step(_) => 3,
            Self::Warning => 4,
            Self::Completed => 5,
            Self::Failed => 6,
        }
    }
}

/// What the timeline of one Deployment is drawn from, gathered by the app from its
/// stores, the live samples and the canary plans it follows.
#[derive(Debug, Clone)]
pub struct ChartInputs<'a> {
    /// The Deployment's ReplicaSets, newest revision first.
    pub replica_sets: Vec<&'a Row>,
    /// Index into `replica_sets` of the current one.
    pub current: Option<usize>,
    /// Events of the Deployment, its ReplicaSets and pods.
    pub events: Vec<&'a EventRow>,
    /// The Deployment's `ScalingReplicaSet` events, all of them.
    pub scalings: Vec<&'a EventRow>,
    /// Its ReplicaSets' ready replicas as seen live, if kdeck watched them.
    pub series: Option<&'a DeploymentSeries>,
    /// The record of its canary plan, running or the last ended.
    pub record: Option<&'a PlanRecord>,
    /// How its last canary plan ended, if it completed or failed: when, and
    /// [`Mark::Completed`] or [`Mark::Failed`].
    pub plan_end: Option<(Timestamp, Mark)>,
    /// The time of the frame.
    pub now: Timestamp,
}

/// The timeline in `columns` columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineChart {
    /// The columns' times.
    pub axis: Axis,
    /// The new ReplicaSet's ready replicas per column (`None`: the gap).
    pub new: Vec<Option<u64>>,
    /// The old ReplicaSets' ready replicas per column (`None`: the gap).
    pub old: Vec<Option<u64>>,
    /// Columns before this one are reconstructed.
    pub live_from: usize,
    /// When kdeck began watching (`None`: not within the window's data).
    pub live_since: Option<Timestamp>,
    /// The mark of each column that has one.
    pub marks: Vec<(usize, Mark)>,
    /// The value of a full bar.
    pub max: u64,
}

fn replica_set(row: &Row) -> Option<&ReplicaSetRow> {
    match &row.detail {
        Detail::ReplicaSet(r) => Some(r),
        _ => None,
    }
}

/// One scale event: when, which ReplicaSet, from (if said) and to.
struct Scaled {
    at: Timestamp,
    replica_set: String,
    from: Option<i32>,
    to: i32,
}

fn scaled(e: &EventRow) -> Option<Scaled> {
    if e.reason != "ScalingReplicaSet" {
        return None;
    }
    let caps = SCALED.as_ref()?.captures(&e.message)?;
    Some(Scaled {
        at: e.last_seen.or(e.first_seen)?,
        replica_set: caps.get(1)?.as_str().to_owned(),
        from: caps.get(3).and_then(|m| m.as_str().parse().ok()),
        to: caps.get(2)?.as_str().parse().ok()?,
    })
}

/// The replicas of `row` at `t` as reconstructed from the scale events (`scales`, oldest
/// first), its creation and its first count seen live (`first_seen`: when, and the
/// count), else its count now.
fn reconstructed(
    row: &Row,
    rs: &ReplicaSetRow,
    scales: &[Scaled],
    first_seen: Option<(Timestamp, i32)>,
    t: Timestamp,
) -> i32 {
    let mine = || scales.iter().filter(|s| s.replica_set == row.meta.name);
    if let Some(last) = mine().rfind(|s| s.at <= t) {
        // An event says how many were asked for, not how many were ready: when nothing
        // was scaled between `t` and the first live sample, that sample is nearer the
        // truth (a canary's pod asked for just before kdeck looked is not yet ready).
        return match first_seen {
            Some((seen_at, ready)) if !mine().any(|s| s.at > t && s.at <= seen_at) => ready,
            _ => last.to,
        };
    }
    if row.meta.created.is_some_and(|c| t < c) {
        return 0;
    }
    match mine().next() {
        Some(first) => first.from.unwrap_or(0),
        // Nothing said how it changed before kdeck saw it: as it was first seen (its
        // count now would draw today's value over the past).
        None => first_seen.map_or(rs.ready, |(_, ready)| ready),
    }
}

/// The timeline of `inputs` in `columns` columns, at `inputs.now`.
#[must_use]
pub fn chart(inputs: &ChartInputs, columns: usize) -> Option<TimelineChart> {
    let rows = &inputs.replica_sets;
    let current = rows.get(inputs.current?)?;
    let now = inputs.now;
    // The current rollout began when the newest ReplicaSet was made (after a rollback to
    // an older one, the rollout rolled back from is still the latest).
    let current_start = rows
        .iter()
        .filter_map(|r| r.meta.created)
        .max()
        .unwrap_or(now);
    let columns = columns.max(1);
    let mut scales: Vec<Scaled> = inputs.scalings.iter().filter_map(|e| scaled(e)).collect();
    scales.sort_by_key(|s| s.at);
    let series = inputs.series;
    // The last rollout: from the creation of the ReplicaSet made before the current one to
    // the last scaling (seen or reported) before the current one began.
    let last = rows
        .iter()
        .filter_map(|r| r.meta.created)
        .filter(|c| *c < current_start)
        .max()
        .map(|last_start| {
            // Changes seen live (a ReplicaSet's first sample is only when kdeck saw it).
            let seen = series
                .into_iter()
                .flat_map(|s| s.replica_sets.values().flat_map(|v| v.iter().skip(1)))
                .map(|(t, _)| *t);
            let last_end = scales
                .iter()
                .map(|s| s.at)
                .chain(seen)
                .filter(|t| *t >= last_start && *t < current_start)
                .max()
                .unwrap_or_else(|| {
                    last_start
                        .checked_add(LAST_ROLLOUT_GUESS)
                        .unwrap_or(last_start)
                        .min(current_start)
                });
            (last_start, last_end)
        });
    let axis = Axis::new(last, current_start, now, columns);
    let live_since = series.and_then(|s| s.since);
    let value = |row: &Row, t: Timestamp| -> i32 {
        let Some(rs) = replica_set(row) else {
            return 0;
        };
        let samples = series.and_then(|s| s.replica_sets.get(&row.meta.name));
        let live = series.filter(|_| live_since.is_some_and(|since| t >= since));
        match live.map(|_| samples) {
            // Seen live: its last change by then (none yet: it did not exist yet).
            Some(Some(samples)) => samples
                .iter()
                .rev()
                .find(|(at, _)| *at <= t)
                .map_or(0, |(_, ready)| *ready),
            Some(None) => rs.ready,
            None => {
                let first_seen = samples.and_then(|s| s.front()).copied();
                reconstructed(row, rs, &scales, first_seen, t)
            }
        }
    };
    let mut new = Vec::with_capacity(columns);
    let mut old = Vec::with_capacity(columns);
    for col in 0..columns {
        let Some(t) = axis.time_of(col) else {
            new.push(None);
            old.push(None);
            continue;
        };
        let count = |row: &&&Row| u64::try_from(value(row, t).max(0)).unwrap_or(0);
        new.push(Some(count(&current)));
        old.push(Some(
            rows.iter()
                .filter(|r| r.meta.name != current.meta.name)
                .map(|r| count(&r))
                .sum(),
        ));
    }
    let live_from = live_since.map_or(columns, |since| {
        (0..columns)
            .find(|c| axis.time_of(*c).is_some_and(|t| t >= since))
            .unwrap_or(columns)
    });
    let desired = rows
        .iter()
        .filter_map(|r| replica_set(r).map(|rs| rs.desired))
        .max()
        .unwrap_or(1);
    let max = new
        .iter()
        .chain(&old)
        .copied()
        .flatten()
        .max()
        .unwrap_or(0)
        .max(u64::try_from(desired.max(1)).unwrap_or(1));
    let mut marks: Vec<(usize, Mark)> = Vec::new();
    let mut mark = |t: Timestamp, m: Mark| {
        let Some(col) = axis.column_of(t) else {
            return;
        };
        match marks.iter_mut().find(|(c, _)| *c == col) {
            Some(existing) if existing.1.rank() < m.rank() => existing.1 = m,
            Some(_) => {}
            None => marks.push((col, m)),
        }
    };
    for e in inputs.events.iter().filter(|e| e.type_ == "Warning") {
        if let Some(t) = e.last_seen.or(e.first_seen) {
            mark(t, Mark::Warning);
        }
    }
    for m in inputs.record.iter().flat_map(|r| &r.marks) {
        let kind = match m.what {
            MarkKind::Step => Mark::Step(m.step + 1),
            MarkKind::Hold => Mark::Hold,
            MarkKind::TakenOver => Mark::TakenOver,
            MarkKind::Held | MarkKind::Released => continue,
        };
        mark(m.at, kind);
    }
    if let Some((at, end)) = inputs.plan_end {
        mark(at, end);
    }
    marks.sort();
    Some(TimelineChart {
        axis,
        new,
        old,
        live_from,
        live_since,
        marks,
        max,
    })
}
