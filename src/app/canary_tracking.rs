//! The canary engine's step over every followed plan ([`drive`], on each tick): its
//! gates evaluated, and the driven plans' next writes decided and sent; and when the
//! event loop must wake for them ([`next_deadline`]). The engine's parts that read no
//! more than a plan are [`canary_plan`](super::canary_plan), which names nothing of the
//! app.

use std::time::Duration;

use jiff::{SignedDuration, Timestamp};

use super::canary_plan::decide::{self, Decision, decide};
use super::canary_plan::gates::{GateReport, GateState, PlanRows, events_gate, pods_gate};
use super::canary_plan::memory_gate::memory_gate;
use super::canary_plan::{
    CanaryPlans, Pending, PlanEffect, PlanEnd, PlanKey, PlanOutcome, TrackedPlan,
};
use super::metrics::MetricsState;
use super::msg::Effect;
use super::operations::OpRequest;
use super::rows::Stores;
use super::state::{Screen, State};
use crate::cluster::ops::Operation;
use crate::cluster::ops::canary::plan_annotation::{PlanPhase, PlanRecord};
use crate::cluster::ops::canary::plan_ops::{PlanWrite, Precondition};
use crate::cluster::{Detail, Kind, ObjectKey, WatchState};

/// How long a write of ours may take to show in the watch before the engine goes on
/// with what it sees.
pub const AWAIT_LIMIT: SignedDuration = SignedDuration::from_secs(15);

fn key_of((namespace, name): &PlanKey) -> ObjectKey {
    ObjectKey {
        kind: Kind::Deployment,
        namespace: namespace.clone(),
        name: name.clone(),
    }
}

/// `now` plus `by`, or `now` where that overflows.
pub fn later(now: Timestamp, by: SignedDuration) -> Timestamp {
    now.saturating_add(by).unwrap_or(now)
}

impl From<PlanEffect> for Effect {
    fn from(effect: PlanEffect) -> Self {
        match effect {
            PlanEffect::StartLogs(request) => Self::StartLogs(request),
            PlanEffect::RunCommand(request) => Self::RunCommand(request),
        }
    }
}

/// Runs a gate's step and adds what it asked for to `effects`.
fn plan_effects(effects: &mut Vec<Effect>, step: impl FnOnce(&mut Vec<PlanEffect>)) {
    let mut asked = Vec::new();
    step(&mut asked);
    effects.extend(asked.into_iter().map(Effect::from));
}

/// What the step of one plan has to say or do beyond its effects.
enum Said {
    /// A line for the status bar (`ok`: news, not a problem).
    Status(String, bool),
    /// The plan ended.
    Ended(PlanOutcome),
}

/// What a plan's step sees of the world.
struct Ctx<'a> {
    stores: &'a Stores,
    metrics: &'a MetricsState,
    now: Timestamp,
    readonly: bool,
    identity: &'a str,
    /// The Deployment's namespace is watched.
    in_sight: bool,
    /// The Deployments' watch is live (a missing row means a deleted Deployment).
    deployments_live: bool,
}

/// Follows every plan: the one the rollout view shows (for its gates), and the ones this
/// kdeck drives (deciding and sending their next writes). Called on `Msg::Tick` only, so
/// that every decision and every time it writes is at a fresh `now`.
pub fn drive(state: &mut State, effects: &mut Vec<Effect>) {
    observe_shown(state);
    let deployments_live = matches!(
        state.watch_states.get(&Kind::Deployment),
        Some(WatchState::Live)
    );
    let State {
        canary,
        stores,
        metrics,
        now,
        readonly,
        namespace,
        status,
        status_ok,
        ..
    } = state;
    let CanaryPlans {
        tracked,
        ended,
        identity,
        next_id,
        ..
    } = canary;
    let mut finished = Vec::new();
    for (key, plan) in tracked.iter_mut() {
        let ctx = Ctx {
            stores,
            metrics,
            now: *now,
            readonly: *readonly,
            identity,
            in_sight: namespace.as_ref().is_none_or(|ns| *ns == key.0),
            deployments_live,
        };
        for said in step_plan(&ctx, key, plan, next_id, effects) {
            match said {
                Said::Status(text, ok) => {
                    *status = Some(text);
                    *status_ok = ok;
                }
                Said::Ended(outcome) => finished.push((key.clone(), outcome)),
            }
        }
    }
    for (key, outcome) in finished {
        let record = tracked.remove(&key).and_then(|p| p.record);
        ended.insert(
            key,
            PlanEnd {
                at: *now,
                outcome,
                record,
            },
        );
    }
}

/// Starts following the plan of the Deployment the rollout view shows; stops following
/// the plans neither shown nor driven.
fn observe_shown(state: &mut State) {
    let shown = match state.screen() {
        Screen::Rollout(r) => Some((r.namespace.clone(), r.name.clone())),
        _ => None,
    };
    let has_plan = shown.as_ref().is_some_and(|(ns, name)| {
        matches!(
            state.stores.of(Kind::Deployment).find(ns, name).map(|r| &r.detail),
            Some(Detail::Deployment(d)) if d.canary_plan.is_some()
        )
    });
    // A plan that just ended may still show in a row the watch has not caught up with.
    let now = state.now;
    let just_ended = shown.as_ref().is_some_and(|key| {
        state
            .canary
            .ended
            .get(key)
            .is_some_and(|e| now < later(e.at, AWAIT_LIMIT))
    });
    let tracked = &mut state.canary.tracked;
    tracked.retain(|key, p| p.driving || p.pending.is_some() || Some(key) == shown.as_ref());
    if let Some(key) = shown.filter(|_| has_plan && !just_ended) {
        tracked
            .entry(key)
            .or_insert_with(|| TrackedPlan::new(None, false));
    }
}

fn step_plan(
    ctx: &Ctx<'_>,
    key: &PlanKey,
    plan: &mut TrackedPlan,
    next_id: &mut u64,
    effects: &mut Vec<Effect>,
) -> Vec<Said> {
    let mut said = Vec::new();
    let (ns, name) = (key.0.as_str(), key.1.as_str());
    plan.cache.refresh(ctx.stores, ns, name);
    let row = ctx.stores.of(Kind::Deployment).find(ns, name);
    if !ctx.in_sight {
        if plan.driving {
            plan.driving = false;
            said.push(Said::Status(
                format!("the canary plan of deployment/{name} is out of sight (another namespace): it stays at its step; c continues it from its namespace"),
                false,
            ));
        }
        return said;
    }
    let Some(Detail::Deployment(dep)) = row.map(|r| &r.detail) else {
        if ctx.deployments_live && plan.pending.is_none() {
            said.push(Said::Ended(PlanOutcome::Gone));
        }
        return said;
    };
    let Some(text) = dep.canary_plan.as_deref() else {
        let waiting = plan
            .awaiting
            .is_some_and(|(_, at)| ctx.now < later(at, AWAIT_LIMIT));
        if plan.pending.is_none() && !waiting {
            said.push(Said::Ended(PlanOutcome::EndedElsewhere));
        }
        return said;
    };
    if plan.record_text.as_deref() != Some(text) {
        match PlanRecord::parse(text) {
            Ok(record) => {
                plan.record = Some(record);
                plan.problem = None;
            }
            Err(e) => {
                plan.record = None;
                plan.problem = Some(e);
            }
        }
        plan.record_text = Some(text.to_owned());
    }
    let Some(record) = plan.record.clone() else {
        plan.driving = false;
        return said;
    };
    if let Some((seq, _)) = plan.awaiting {
        if record.seq < seq && plan.retry_at.is_none_or(|t| ctx.now < t) {
            return said;
        }
        plan.awaiting = None;
    }
    // Until a write of ours shows in the watch, the row's record is older than it (a
    // take-over's row still names the holder taken over from).
    let unseen_write = plan.pending.as_ref().and_then(|(_, p)| p.seq());
    if plan.driving
        && record.lease.holder != ctx.identity
        && unseen_write.is_none_or(|seq| record.seq >= seq)
    {
        plan.driving = false;
        said.push(Said::Status(
            format!(
                "{} took over the canary plan of deployment/{name}",
                record.lease.holder
            ),
            false,
        ));
    }
    plan.gates_for(&record.gates);
    let rows = PlanRows::of(ctx.stores, &plan.cache, &record.image);
    let holding = record.phase == PlanPhase::Holding;
    plan.logs.window(record.gates_since.filter(|_| holding));
    plan_effects(effects, |fx| {
        plan.logs.follow(ns, &rows.new_pods, &rows.old_pods, fx);
    });
    let hold = record
        .hold_started
        .filter(|_| holding)
        .map(|at| (record.step, at));
    if plan.driving
        && let Some(hold) = hold
    {
        *next_id += 1;
        let env = command_env(ns, name, &record, &rows);
        let timeout = record.gates.command_timeout_seconds;
        plan_effects(effects, |fx| {
            plan.command.start(*next_id, hold, env, timeout, fx);
        });
    }
    plan.gates = GateReport {
        pods: pods_gate(&record, &rows),
        events: match record.gates_since.filter(|_| holding) {
            Some(since) => events_gate(&rows, since),
            None => GateState::Off,
        },
        logs: plan
            .logs
            .state(ctx.now, rows.new_pods.len(), rows.old_pods.len()),
        memory: memory_gate(
            record.gates.memory.as_ref(),
            holding,
            ctx.metrics,
            ctx.stores,
            &rows,
        ),
        command: plan.command.state(hold, plan.driving),
    };
    if let GateState::Unavailable(why) = &plan.gates.memory
        && !plan.memory_gate_off_said
    {
        plan.memory_gate_off_said = true;
        said.push(Said::Status(
            format!("canary plan of deployment/{name}: memory gate {why}"),
            false,
        ));
    }
    if !plan.driving || ctx.readonly || plan.pending.is_some() {
        return said;
    }
    if plan.retry_at.is_some_and(|t| ctx.now < t) {
        return said;
    }
    plan.retry_at = None;
    if !record.lease.valid_at(ctx.now) {
        plan.driving = false;
        said.push(Said::Status(
            format!("this kdeck's lease on the canary plan of deployment/{name} expired before it was renewed: the plan stays at step {} (c continues it)", record.step + 1),
            false,
        ));
        return said;
    }
    let Some(decision) = decide(&record, &rows, &plan.gates, ctx.now) else {
        return said;
    };
    *next_id += 1;
    let id = *next_id;
    let (operation, pending) = match decision {
        Decision::Abort(failure) => {
            said.push(Said::Status(
                format!(
                    "canary plan of deployment/{name}: gate {} failed at step {}: {}; aborting",
                    failure.gate,
                    record.step + 1,
                    failure.summary
                ),
                false,
            ));
            (Operation::Abort(key_of(key)), Pending::Abort(failure))
        }
        Decision::Promote => (Operation::Promote(key_of(key)), Pending::Promote),
        Decision::Write(change, new) => {
            let precondition = Precondition::Record(text.to_owned());
            let write = PlanWrite::new(key_of(key), precondition, &new, change);
            (Operation::PlanWrite(write), Pending::Write(new.seq, change))
        }
    };
    plan.pending = Some((id, pending));
    effects.push(Effect::Ops(OpRequest::Mutate { id, operation }));
    said
}

/// The environment of the command gate: which Deployment, image and step.
fn command_env(
    ns: &str,
    name: &str,
    record: &PlanRecord,
    rows: &PlanRows<'_>,
) -> Vec<(String, String)> {
    let pods: Vec<&str> = rows.new_pods.iter().map(|p| p.meta.name.as_str()).collect();
    [
        ("KDECK_NAMESPACE", ns.to_owned()),
        ("KDECK_DEPLOYMENT", name.to_owned()),
        ("KDECK_IMAGE", record.image.clone()),
        ("KDECK_STEP", (record.step + 1).to_string()),
        ("KDECK_NEW_PODS", pods.join(" ")),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

/// How long until something a driven plan waits for is due (a hold's end, a lease
/// renewal, a retry, a timeout), or a shown plan's countdown changes: the event loop
/// wakes then, even when nothing else happens.
pub fn next_deadline(state: &State, now: Timestamp) -> Option<Duration> {
    let mut due: Vec<Timestamp> = Vec::new();
    for plan in state.canary.tracked.values().filter(|p| p.driving) {
        due.extend(plan.retry_at);
        due.extend(plan.awaiting.map(|(_, at)| at + AWAIT_LIMIT));
        if let Some(record) = &plan.record {
            due.extend(record.hold_ends());
            due.push(decide::renewal_due(record));
            if record.phase == crate::cluster::ops::canary::plan_annotation::PlanPhase::Scaling {
                due.push(decide::scale_deadline(record));
            }
        }
    }
    if let Screen::Rollout(r) = state.screen()
        && state.canary.plan(&r.namespace, &r.name).is_some()
    {
        due.push(now + jiff::SignedDuration::from_secs(1));
    }
    due.into_iter().min().map(|t| {
        Duration::from_millis(
            u64::try_from(t.duration_since(now).as_millis())
                .unwrap_or(0)
                .max(50),
        )
    })
}
