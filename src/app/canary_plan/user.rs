//! What the user does to a plan: start one (the canary dialog), continue or take one over
//! (`c` on a Deployment whose plan nobody drives), hold or release one (`h`), promote or
//! abort (`P`, `A`). The dialogs send these; [`user_sent`] stamps the plan with the
//! moment it is sent and lets the engine follow it.

use std::collections::BTreeMap;

use jiff::Timestamp;

use super::{CanaryPlans, Pending, TrackedPlan};
use crate::app::rows::Stores;
use crate::cluster::ops::Operation;
use crate::cluster::ops::canary::plan_annotation::{
    Lease, MarkKind, PLAN_VERSION, PlanPhase, PlanRecord,
};
use crate::cluster::ops::canary::plan_ops::{PlanChange, PlanWrite, Precondition};
use crate::cluster::ops::canary::plan_steps::PlanStep;
use crate::cluster::{Detail, Kind, ObjectKey};
use crate::config::CanaryConfig;
use crate::human_duration::human_duration;

/// The record of a plan about to start: step 0 scaling, the lease held by `identity`.
pub fn new_record(
    settings: &CanaryConfig,
    identity: &str,
    now: Timestamp,
    container: &str,
    image: &str,
    steps: Vec<PlanStep>,
) -> PlanRecord {
    let mut record = PlanRecord {
        version: PLAN_VERSION,
        seq: 1,
        container: container.to_owned(),
        image: image.to_owned(),
        steps,
        gates: settings.gates(),
        step: 0,
        phase: PlanPhase::Scaling,
        held: false,
        started: now,
        step_started: now,
        hold_started: None,
        gates_since: None,
        restart_baseline: BTreeMap::new(),
        lease: Lease {
            holder: identity.to_owned(),
            acquired: now,
            renewed: now,
            duration_seconds: settings.lease_seconds,
        },
        marks: Vec::new(),
    };
    record.mark(now, MarkKind::Step);
    record
}

/// The plan on Deployment `key` as its row shows it: its text and record.
fn plan_on(
    stores: &Stores,
    key: &ObjectKey,
) -> Result<Option<(String, PlanRecord, String)>, String> {
    let row = stores.of(Kind::Deployment).find(&key.namespace, &key.name);
    let Some(row) = row else {
        return Ok(None);
    };
    let Detail::Deployment(d) = &row.detail else {
        return Ok(None);
    };
    let Some(text) = &d.canary_plan else {
        return Ok(None);
    };
    let record = PlanRecord::parse(text).map_err(|e| format!("deployment/{}: {e}", key.name))?;
    Ok(Some((
        text.clone(),
        record,
        row.meta.resource_version.clone(),
    )))
}

/// Whether Deployment `key` carries a plan (readable or not).
pub fn has_plan(stores: &Stores, key: &ObjectKey) -> bool {
    !matches!(plan_on(stores, key), Ok(None))
}

/// `c` on a Deployment with a plan: the take-over to confirm, or why there is none (this
/// kdeck drives it, another one does and its lease holds, the plan's command is not this
/// kdeck's).
pub fn continue_operation(
    canary: &CanaryPlans,
    stores: &Stores,
    now: Timestamp,
    key: &ObjectKey,
) -> Result<Operation, String> {
    let Some((_, record, resource_version)) = plan_on(stores, key)? else {
        return Err(format!("deployment/{} has no canary plan", key.name));
    };
    let name = &key.name;
    if canary.plan(&key.namespace, name).is_some_and(|p| p.driving) {
        return Err(format!(
            "this kdeck drives the canary plan of deployment/{name} (step {}/{}): h holds it, P promotes, A aborts",
            record.step + 1,
            record.steps.len()
        ));
    }
    let lease = &record.lease;
    if lease.valid_at(now) {
        let left = lease.expires().duration_since(now).as_secs().max(1);
        return Err(format!(
            "the canary plan of deployment/{name} is driven by {} since {} (its lease runs {}s more unless renewed; then c takes it over)",
            lease.holder,
            lease.acquired.strftime("%H:%M:%S"),
            left
        ));
    }
    let mine = canary.settings.gates().command;
    if let Some(command) = record
        .gates
        .command
        .as_ref()
        .filter(|c| Some(*c) != mine.as_ref())
    {
        return Err(format!(
            "the canary plan of deployment/{name} runs the command {command:?}, which is not this kdeck's ([canary] command): a kdeck runs only its own config's command; promote or abort the plan, or continue it where that command is configured"
        ));
    }
    let mut taken = record.clone();
    taken.seq += 1;
    taken.lease = Lease {
        holder: canary.identity.clone(),
        acquired: now,
        renewed: now,
        duration_seconds: canary.settings.lease_seconds,
    };
    if taken.phase == PlanPhase::Holding {
        // Nobody watched the gates meanwhile: the hold's time starts again.
        taken.hold_started = Some(now);
    }
    taken.mark(now, MarkKind::TakenOver);
    Ok(Operation::PlanWrite(PlanWrite::new(
        key.clone(),
        Precondition::ResourceVersion(resource_version),
        &taken,
        PlanChange::TakeOver,
    )))
}

/// `h` on a Deployment with a plan: hold it until `h` again, or let it go on.
pub fn hold_operation(
    canary: &CanaryPlans,
    stores: &Stores,
    now: Timestamp,
    key: &ObjectKey,
) -> Result<Operation, String> {
    let Some((text, record, _)) = plan_on(stores, key)? else {
        return Err(format!(
            "h holds a stepped canary plan; deployment/{} runs none",
            key.name
        ));
    };
    let mut next = record.clone();
    next.seq += 1;
    next.held = !record.held;
    if next.lease.holder == canary.identity {
        next.lease.renewed = now;
    }
    let (what, change) = if next.held {
        (MarkKind::Held, PlanChange::HoldIndefinitely)
    } else {
        (MarkKind::Released, PlanChange::Release)
    };
    next.mark(now, what);
    Ok(Operation::PlanWrite(PlanWrite::new(
        key.clone(),
        Precondition::Record(text),
        &next,
        change,
    )))
}

/// Re-stamps a plan's times with `now` (the moment it is sent, not the moment its dialog
/// opened): the lease, and the start or the take-over.
fn restamp(
    text: &str,
    now: Timestamp,
    start: bool,
    identity: &str,
) -> Option<(String, PlanRecord)> {
    let mut record = PlanRecord::parse(text).ok()?;
    if record.lease.holder == identity {
        record.lease.renewed = now;
    }
    if start {
        record.started = now;
        record.step_started = now;
        record.lease.acquired = now;
        record.marks.iter_mut().for_each(|m| m.at = now);
    } else if let Some(mark) = record
        .marks
        .last_mut()
        .filter(|m| m.what == MarkKind::TakenOver)
    {
        record.lease.acquired = now;
        mark.at = now;
        if record.hold_started.is_some() {
            record.hold_started = Some(now);
        }
    }
    Some((record.to_text(), record))
}

/// A dialog sends `operation` as request `id`: a plan's start or take-over is stamped
/// with the moment and followed (driven) from now on; the user's hold, promote or abort
/// of a followed plan is waited for before the engine decides anything more.
pub fn user_sent(plans: &mut CanaryPlans, now: Timestamp, id: u64, operation: &mut Operation) {
    match operation {
        Operation::PlanStart(start) => {
            let Some((text, record)) = restamp(&start.record, now, true, &plans.identity) else {
                return;
            };
            start.record = text;
            let seq = record.seq;
            let mut plan = TrackedPlan::new(Some(record), true);
            plan.pending = Some((id, Pending::Start(seq)));
            let key = (start.key.namespace.clone(), start.key.name.clone());
            plans.ended.remove(&key);
            plans.tracked.insert(key, plan);
        }
        Operation::PlanWrite(write) => {
            let take_over = write.change == PlanChange::TakeOver;
            let Some((text, record)) = restamp(&write.record, now, false, &plans.identity) else {
                return;
            };
            write.record = text;
            let seq = record.seq;
            let key = (write.key.namespace.clone(), write.key.name.clone());
            if take_over {
                let mut plan = TrackedPlan::new(Some(record), true);
                plan.pending = Some((id, Pending::TakeOver(seq)));
                plans.tracked.insert(key, plan);
            } else if let Some(plan) = plans.tracked.get_mut(&key) {
                plan.pending = Some((id, Pending::UserWrite(seq)));
            }
        }
        Operation::Promote(key) | Operation::Abort(key) => {
            let key = (key.namespace.clone(), key.name.clone());
            if let Some(plan) = plans.tracked.get_mut(&key) {
                plan.pending = Some((id, Pending::User));
            }
        }
        _ => {}
    }
}

/// How long ago `t` was, as the rollout view says it.
pub fn ago(now: Timestamp, t: Timestamp) -> String {
    human_duration(now.duration_since(t).as_secs())
}
