//! The command gate: a command of the user's, run on this machine by the runtime at the
//! start of every hold (a [`PlanEffect::RunCommand`]), whose exit status is the verdict and
//! whose output is shown. Only the kdeck driving a plan runs it; a hold passes only once
//! it succeeded.

use jiff::Timestamp;

use super::PlanEffect;
use super::gates::{Gate, GateFailure, GateState};

/// How many lines of a command's output are kept (the last ones).
pub const OUTPUT_LINES: usize = 8;

/// A command to run for a gate; answered by `Msg::CommandDone`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandRequest {
    /// The answer's id.
    pub id: u64,
    /// The command line, run by `sh -c`.
    pub command: String,
    /// Variables added to its environment (`KDECK_DEPLOYMENT`...).
    pub env: Vec<(String, String)>,
    /// How long it may run, in seconds; then it is killed and counts as failed.
    pub timeout_seconds: u64,
}

/// How a command ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandOutcome {
    /// Its exit code (`None`: killed by a signal, or it could not start or timed out).
    pub code: Option<i32>,
    /// Why it has no exit code, when it has none.
    pub error: Option<String>,
    /// The last lines of its output (stdout and stderr).
    pub output: Vec<String>,
}

impl CommandOutcome {
    /// Whether it succeeded (exit 0).
    pub fn passed(&self) -> bool {
        self.code == Some(0)
    }
}

/// One run of the command, for one hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandRun {
    /// Its answer's id.
    pub id: u64,
    /// The step and the hold start it was run for.
    pub hold: (usize, Timestamp),
    /// How it ended (`None`: still running).
    pub outcome: Option<CommandOutcome>,
}

/// The command gate of one plan.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CommandGate {
    /// The command (`None`: the gate is off).
    pub command: Option<String>,
    /// The last run.
    pub run: Option<CommandRun>,
}

impl CommandGate {
    /// A gate running `command` (`None`: off).
    pub fn new(command: Option<String>) -> Self {
        Self { command, run: None }
    }

    /// Runs the command for the hold of `step` that began at `hold_started`, unless it
    /// already ran for it.
    pub fn start(
        &mut self,
        id: u64,
        hold: (usize, Timestamp),
        env: Vec<(String, String)>,
        timeout_seconds: u64,
        effects: &mut Vec<PlanEffect>,
    ) {
        let Some(command) = &self.command else {
            return;
        };
        if self.run.as_ref().is_some_and(|r| r.hold == hold) {
            return;
        }
        self.run = Some(CommandRun {
            id,
            hold,
            outcome: None,
        });
        effects.push(PlanEffect::RunCommand(CommandRequest {
            id,
            command: command.clone(),
            env,
            timeout_seconds,
        }));
    }

    /// Takes the outcome of run `id`; false if it is not this gate's.
    pub fn done(&mut self, id: u64, outcome: &CommandOutcome) -> bool {
        match &mut self.run {
            Some(run) if run.id == id => {
                run.outcome = Some(outcome.clone());
                true
            }
            _ => false,
        }
    }

    /// The verdict for the hold of `step` that began at `hold_started`; `driving`: this
    /// kdeck runs the command (others only say that it is run elsewhere).
    pub fn state(&self, hold: Option<(usize, Timestamp)>, driving: bool) -> GateState {
        let Some(command) = &self.command else {
            return GateState::Off;
        };
        if !driving {
            return GateState::Waiting(format!("{command}: run by the driving kdeck"));
        }
        let run = self.run.as_ref().filter(|r| Some(r.hold) == hold);
        match run.and_then(|r| r.outcome.as_ref()) {
            None if hold.is_none() => {
                GateState::Waiting(format!("{command}: runs when the hold begins"))
            }
            None => GateState::Waiting(format!("{command}: running…")),
            Some(o) if o.passed() => GateState::Passing(format!("{command}: exit 0")),
            Some(o) => GateState::Failed(GateFailure {
                gate: Gate::Command,
                summary: match (&o.code, &o.error) {
                    (_, Some(why)) => format!("{command} failed: {why}"),
                    (Some(code), None) => format!("{command} exited {code}"),
                    (None, None) => format!("{command} was killed"),
                },
                evidence: o.output.clone(),
            }),
        }
    }
}
