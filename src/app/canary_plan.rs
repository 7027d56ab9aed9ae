//! The stepped canary's engine, pure like the rest of the app: it follows the plans on
//! the Deployments this kdeck drives (it started or took them over) or shows (the rollout
//! view of a Deployment with a plan), evaluates their health gates from the rows the
//! watches keep and the log lines it follows, and for the plans it drives decides each
//! next write (a step, a hold, a lease renewal, an abort or the promotion), returned as
//! effects that send operations through the gate. Holds are timed by `Msg::Tick`
//! (`state.now`); the event loop wakes for the next deadline.
//!
//! This folder holds what reads no more than the plans, the rows and the samples, and
//! names nothing of the app: its gates ask for log streams and commands as
//! [`PlanEffect`]s. The step over the whole state is app's `canary_tracking` (with the
//! next deadline), the answers to the engine's requests app's `canary_answers`.
//!
//! The plan and its progress live on the Deployment (`plan_annotation`), so the engine
//! keeps only what it needs to drive: what it sent and waits for, and the gates' state.

pub mod command_gate;
pub mod decide;
pub mod gates;
pub mod log_gate;
pub mod memory_gate;
mod user;

use std::collections::BTreeMap;

use jiff::Timestamp;

use self::command_gate::{CommandGate, CommandOutcome};
use self::gates::{GateFailure, GateReport};
use self::log_gate::LogGate;
use super::rollout::RolloutCache;
use crate::cluster::ops::canary::plan_annotation::{GateSettings, PlanRecord};
use crate::cluster::ops::canary::plan_ops::PlanChange;
use crate::config::CanaryConfig;
pub use user::{ago, continue_operation, has_plan, hold_operation, new_record, user_sent};

/// The first id of the engine's requests: far above the dialogs' own.
pub const FIRST_ID: u64 = 1 << 40;

/// A Deployment: namespace and name.
pub type PlanKey = (String, String);

/// What was sent for a plan, awaiting its answer: the engine's own writes, or the
/// dialogs' changes of a plan it follows.
#[derive(Debug, Clone, PartialEq)]
pub enum Pending {
    /// The start, writing the record of this sequence number (the canary dialog's).
    Start(u64),
    /// The engine's write of the record with this sequence number, for this change.
    Write(u64, PlanChange),
    /// The user's take-over, writing this sequence number (its confirm dialog's).
    TakeOver(u64),
    /// The user's hold or release, writing this sequence number (the `h` key's).
    UserWrite(u64),
    /// The engine's abort, for this failed gate.
    Abort(GateFailure),
    /// The engine's promotion after the last hold.
    Promote,
    /// The user's own promote or abort (its dialog's).
    User,
}

impl Pending {
    /// Whether the engine sent it (else a dialog did, and handles its answer too).
    pub fn engines(&self) -> bool {
        matches!(self, Self::Write(..) | Self::Abort(_) | Self::Promote)
    }

    /// The sequence number of the record it writes, if it writes one.
    pub fn seq(&self) -> Option<u64> {
        match self {
            Self::Start(seq) | Self::Write(seq, _) | Self::TakeOver(seq) | Self::UserWrite(seq) => {
                Some(*seq)
            }
            Self::Abort(_) | Self::Promote | Self::User => None,
        }
    }
}

/// One plan the engine follows.
#[derive(Debug, Clone)]
pub struct TrackedPlan {
    /// This kdeck drives it (holds its lease); else it only shows it.
    pub driving: bool,
    /// The Deployment's ReplicaSets, pods and events.
    pub cache: RolloutCache,
    /// The record last read from the Deployment.
    pub record: Option<PlanRecord>,
    /// Its text (what a write's precondition tests).
    pub record_text: Option<String>,
    /// What was sent, with its id.
    pub pending: Option<(u64, Pending)>,
    /// A write of ours succeeded: its sequence number, and when, until the watch shows it.
    pub awaiting: Option<(u64, Timestamp)>,
    /// A write failed: try again from this instant (on the record as the watch shows it).
    pub retry_at: Option<Timestamp>,
    /// The gates as last evaluated.
    pub gates: GateReport,
    /// The log gate's streams and counts.
    pub logs: LogGate,
    /// The command gate's runs.
    pub command: CommandGate,
    /// The settings the log and command gates were made with.
    pub gates_from: Option<GateSettings>,
    /// Something to say about it (a write that failed, an unreadable record).
    pub problem: Option<String>,
    /// The status line said the memory gate is off on this cluster (it says so once).
    pub memory_gate_off_said: bool,
}

impl TrackedPlan {
    /// Following a plan with `record` (when known), driving it or not.
    pub fn new(record: Option<PlanRecord>, driving: bool) -> Self {
        let gates = record.as_ref().map(|r| r.gates.clone()).unwrap_or_default();
        let gates_from = record.is_some().then(|| gates.clone());
        Self {
            driving,
            cache: RolloutCache::default(),
            record_text: record.as_ref().map(PlanRecord::to_text),
            record,
            pending: None,
            awaiting: None,
            retry_at: None,
            gates: GateReport::default(),
            logs: LogGate::new(gates.logs.as_ref()),
            command: CommandGate::new(gates.command.clone()),
            gates_from,
            problem: None,
            memory_gate_off_said: false,
        }
    }

    /// Makes the log and command gates anew when the plan's settings are not the ones
    /// they were made with (a plan first read from its Deployment).
    pub fn gates_for(&mut self, settings: &GateSettings) {
        if self.gates_from.as_ref() != Some(settings) {
            self.logs = LogGate::new(settings.logs.as_ref());
            self.command = CommandGate::new(settings.command.clone());
            self.gates_from = Some(settings.clone());
        }
    }
}

/// How a plan this kdeck followed ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanOutcome {
    /// Its last hold passed and it was promoted.
    Completed,
    /// A gate failed and it was aborted.
    Aborted(GateFailure),
    /// The user promoted or aborted it.
    EndedByUser,
    /// Its annotation went (promoted or aborted by another kdeck or by hand).
    EndedElsewhere,
    /// Its Deployment was deleted.
    Gone,
}

/// A plan that ended while this kdeck followed it (for the rollout view and timeline).
#[derive(Debug, Clone)]
pub struct PlanEnd {
    /// When.
    pub at: Timestamp,
    /// How.
    pub outcome: PlanOutcome,
    /// Its record as last seen (steps and marks).
    pub record: Option<PlanRecord>,
}

/// The engine's part of the state.
#[derive(Debug, Clone)]
pub struct CanaryPlans {
    /// The config file's `[canary]`.
    pub settings: CanaryConfig,
    /// Who this kdeck is in a lease: `HOST pid PID`.
    pub identity: String,
    /// The plans followed, by Deployment.
    pub tracked: BTreeMap<PlanKey, TrackedPlan>,
    /// The last plan that ended, per Deployment.
    pub ended: BTreeMap<PlanKey, PlanEnd>,
    /// The id of the engine's latest request (above [`FIRST_ID`], far from the dialogs').
    pub next_id: u64,
}

impl Default for CanaryPlans {
    fn default() -> Self {
        Self {
            settings: CanaryConfig::default(),
            identity: "kdeck".to_owned(),
            tracked: BTreeMap::new(),
            ended: BTreeMap::new(),
            next_id: FIRST_ID,
        }
    }
}

impl CanaryPlans {
    /// Whether this kdeck drives any plan.
    pub fn driving(&self) -> bool {
        self.tracked.values().any(|p| p.driving)
    }

    /// The plan followed on `namespace`/`name`, if any.
    pub fn plan(&self, namespace: &str, name: &str) -> Option<&TrackedPlan> {
        self.tracked.get(&(namespace.to_owned(), name.to_owned()))
    }
}

/// What the engine's gates ask of the loop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanEffect {
    /// Follow a log stream for a log gate.
    StartLogs(crate::cluster::LogStreamRequest),
    /// Run a command gate's command.
    RunCommand(command_gate::CommandRequest),
}

/// The ids of the log streams the plans follow (kept running by the runtime).
pub fn active_streams(plans: &CanaryPlans) -> impl Iterator<Item = u64> + '_ {
    plans.tracked.values().flat_map(|p| p.logs.streams())
}

/// Counts a chunk of a plan's log stream, arrived at `now`; false if the stream is not a
/// plan's.
pub fn log_chunk(
    plans: &mut CanaryPlans,
    now: Timestamp,
    stream: u64,
    chunk: &crate::cluster::LogChunk,
) -> bool {
    plans
        .tracked
        .values_mut()
        .any(|p| p.logs.chunk(stream, chunk, now))
}

/// Takes the outcome of a gate's command.
pub fn command_done(plans: &mut CanaryPlans, id: u64, outcome: &CommandOutcome) {
    for plan in plans.tracked.values_mut() {
        if plan.command.done(id, outcome) {
            return;
        }
    }
}
