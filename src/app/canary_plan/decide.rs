//! What the kdeck driving a plan does next, decided from the plan's record, its rows and
//! its gates at `now`: abort on a failed gate, hold when a step's pods are ready, go to
//! the next step (or promote) when a hold has passed, renew the lease when it is due.

use jiff::{SignedDuration, Timestamp};

use super::gates::{Gate, GateFailure, GateReport, GateState, PlanRows};
use crate::cluster::ops::canary::plan_annotation::{MarkKind, PlanPhase, PlanRecord};
use crate::cluster::ops::canary::plan_ops::PlanChange;

/// What to send for a plan.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    /// A gate failed: abort the canary as `A` does.
    Abort(GateFailure),
    /// The last hold passed: promote.
    Promote,
    /// Write this record with this change.
    Write(PlanChange, Box<PlanRecord>),
}

fn secs(n: u64) -> SignedDuration {
    SignedDuration::from_secs(i64::try_from(n).unwrap_or(i64::MAX))
}

/// When the lease of `record` is due for renewal: a third of the way through it.
pub fn renewal_due(record: &PlanRecord) -> Timestamp {
    let third = secs(record.lease.duration_seconds / 3);
    record
        .lease
        .renewed
        .saturating_add(third)
        .unwrap_or(record.lease.renewed)
}

/// When the current step's scaling times out.
pub fn scale_deadline(record: &PlanRecord) -> Timestamp {
    record
        .step_started
        .saturating_add(secs(record.gates.scale_timeout_seconds.max(1)))
        .unwrap_or(record.step_started)
}

/// The new record: the next sequence number, the lease renewed at `now`.
fn next(record: &PlanRecord, now: Timestamp) -> PlanRecord {
    let mut r = record.clone();
    r.seq += 1;
    r.lease.renewed = now;
    r
}

/// The step's new pods on the Deployment's replicas.
pub fn step_target(record: &PlanRecord, rows: &PlanRows<'_>) -> u32 {
    let replicas = rows.deployment.map_or(1, |d| d.desired);
    record.current().map_or(1, |s| s.new_pods(replicas))
}

/// What the driving kdeck sends next for `record`, if anything.
pub fn decide(
    record: &PlanRecord,
    rows: &PlanRows<'_>,
    gates: &GateReport,
    now: Timestamp,
) -> Option<Decision> {
    if let Some(failure) = gates.failure() {
        return Some(Decision::Abort(failure.clone()));
    }
    let target = step_target(record, rows);
    match record.phase {
        PlanPhase::Scaling => {
            let ready = u32::try_from(rows.new_ready()).unwrap_or(0);
            if ready >= target {
                let mut r = next(record, now);
                r.phase = PlanPhase::Holding;
                r.hold_started = Some(now);
                r.gates_since = Some(now);
                r.restart_baseline = rows.restarts().collect();
                r.mark(now, MarkKind::Hold);
                return Some(Decision::Write(PlanChange::Hold, Box::new(r)));
            }
            if now >= scale_deadline(record) {
                return Some(Decision::Abort(GateFailure {
                    gate: Gate::Timeout,
                    summary: format!(
                        "step {}'s new pods were not ready after {}s ({ready} of {target} ready)",
                        record.step + 1,
                        record.gates.scale_timeout_seconds
                    ),
                    evidence: Vec::new(),
                }));
            }
        }
        PlanPhase::Holding => {
            let passed = record.hold_ends().is_some_and(|end| now >= end);
            let command_done = !matches!(gates.command, GateState::Waiting(_));
            if passed && command_done {
                if record.next_promotes() {
                    return Some(Decision::Promote);
                }
                let mut r = next(record, now);
                r.step += 1;
                r.phase = PlanPhase::Scaling;
                r.step_started = now;
                r.hold_started = None;
                r.gates_since = None;
                r.restart_baseline.clear();
                r.mark(now, MarkKind::Step);
                let new_pods = step_target(&r, rows).max(target);
                return Some(Decision::Write(
                    PlanChange::NextStep { new_pods },
                    Box::new(r),
                ));
            }
        }
    }
    if now >= renewal_due(record) {
        return Some(Decision::Write(
            PlanChange::Renew,
            Box::new(next(record, now)),
        ));
    }
    None
}
