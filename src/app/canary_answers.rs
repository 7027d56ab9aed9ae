//! What comes back for the engine's requests ([`report`]): a write that shows next in
//! the watch, a promotion or abort that ends the plan, a failure tried again.

use jiff::SignedDuration;

use super::canary_plan::{Pending, PlanEnd, PlanOutcome};
use super::canary_tracking::later;
use super::operations::OpReport;
use super::state::State;
use crate::cluster::ops::canary::plan_ops::PlanChange;

/// How long after a failed write the engine tries again.
const RETRY_AFTER: SignedDuration = SignedDuration::from_secs(1);

/// What a report of request `id` means to the plans; true when the request was the
/// engine's own (not a dialog's).
pub fn report(state: &mut State, id: u64, report: &OpReport) -> bool {
    let now = state.now;
    let Some((key, plan)) = state
        .canary
        .tracked
        .iter_mut()
        .find(|(_, p)| p.pending.as_ref().is_some_and(|(i, _)| *i == id))
    else {
        return false;
    };
    let key = key.clone();
    let Some((_, pending)) = plan.pending.clone() else {
        return false;
    };
    let engines = pending.engines();
    let name = key.1.clone();
    let outcome = match report {
        // Reads and steps: nothing the plan's requests end with.
        OpReport::Progress(_)
        | OpReport::History(_)
        | OpReport::Dependents(_)
        | OpReport::SessionTarget(_)
        | OpReport::ForwardTarget(_)
        | OpReport::PodRunning(_)
        | OpReport::ContainerExit(_)
        | OpReport::LeftoverPods(_) => return engines,
        OpReport::Done(message) => {
            plan.pending = None;
            match pending {
                Pending::Start(seq)
                | Pending::Write(seq, _)
                | Pending::TakeOver(seq)
                | Pending::UserWrite(seq) => {
                    plan.awaiting = Some((seq, now));
                    // A step or a hold is news; a lease renewal is not.
                    if engines && !matches!(pending, Pending::Write(_, PlanChange::Renew)) {
                        state.status = Some(message.clone());
                        state.status_ok = true;
                    }
                    None
                }
                Pending::Promote => {
                    state.status = Some(format!(
                        "canary plan of deployment/{name} completed: {message}"
                    ));
                    state.status_ok = true;
                    Some(PlanOutcome::Completed)
                }
                Pending::Abort(failure) => {
                    state.status = Some(format!(
                        "canary plan of deployment/{name} aborted ({message}): gate {} failed: {}",
                        failure.gate, failure.summary
                    ));
                    state.status_ok = false;
                    Some(PlanOutcome::Aborted(failure))
                }
                Pending::User => Some(PlanOutcome::EndedByUser),
            }
        }
        OpReport::Failed { message, .. } => {
            plan.pending = None;
            match pending {
                Pending::Start(_) => {
                    state.canary.tracked.remove(&key);
                }
                Pending::TakeOver(_) => plan.driving = false,
                Pending::User | Pending::UserWrite(_) => {}
                Pending::Write(..) | Pending::Abort(_) | Pending::Promote => {
                    plan.retry_at = Some(later(now, RETRY_AFTER));
                    plan.problem = Some(message.clone());
                }
            }
            None
        }
    };
    if let Some(outcome) = outcome {
        let record = state.canary.tracked.remove(&key).and_then(|p| p.record);
        state.canary.ended.insert(
            key,
            PlanEnd {
                at: now,
                outcome,
                record,
            },
        );
    }
    engines
}
