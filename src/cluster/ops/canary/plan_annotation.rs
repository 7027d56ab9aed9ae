//! A stepped canary's plan and progress, kept on the Deployment in one versioned JSON
//! annotation ([`PLAN_ANNOTATION`]), so that whatever happens to the kdeck driving it (a
//! quit, a lost SSH session, a crash) the Deployment stays paused at the current step and
//! the next kdeck can show the plan and continue it. The record carries a lease (holder
//! and renew time): a kdeck drives a plan only while it holds a valid lease, and takes one
//! over only after it expired, with a precondition on what it read.

use std::collections::BTreeMap;

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use super::plan_steps::PlanStep;

/// The Deployment annotation holding a stepped canary's [`PlanRecord`] (JSON).
pub const PLAN_ANNOTATION: &str = "kdeck.io/canary-plan";

/// The version of [`PlanRecord`] this kdeck writes and reads.
pub const PLAN_VERSION: u32 = 1;

/// At most this many marks are kept (the oldest go).
const MAX_MARKS: usize = 64;

/// Where a plan is in its current step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum PlanPhase {
    /// The step's new pods are being created (the rollout runs, bounded by the step).
    Scaling,
    /// The step's new pods are ready and the rollout is paused: the hold runs, the gates
    /// are checked.
    Holding,
}

/// The log gate's settings: the rate of matching lines in the new pods against the old.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LogGateSettings {
    /// The regular expression a line must match to count.
    pub pattern: String,
    /// The new pods may log at most this many times the old pods' rate...
    pub ratio: f64,
    /// ...plus this many matching lines a minute (per pod).
    pub allowance_per_minute: f64,
}

/// The memory gate's settings: each new pod's memory against the old pods' average, from
/// the metrics API (`metrics.k8s.io`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MemoryGateSettings {
    /// A new pod may use at most this many times the old pods' average memory.
    pub ratio: f64,
}

/// The gates a plan checks besides the pods and events (which it always checks).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct GateSettings {
    /// The log gate, if on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logs: Option<LogGateSettings>,
    /// The memory gate, if on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory: Option<MemoryGateSettings>,
    /// A local command whose exit status is the verdict, run at the start of every hold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command: Option<String>,
    /// How long the command may run.
    #[serde(default)]
    pub command_timeout_seconds: u64,
    /// How long a step's new pods may take to be ready before the plan aborts.
    #[serde(default)]
    pub scale_timeout_seconds: u64,
}

/// Who drives a plan, and until when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Lease {
    /// The kdeck holding it: `HOST pid PID`.
    pub holder: String,
    /// When it took the lease.
    pub acquired: Timestamp,
    /// When it last renewed it.
    pub renewed: Timestamp,
    /// The lease lasts this long after each renewal.
    pub duration_seconds: u64,
}

impl Lease {
    /// When the lease expires unless renewed.
    pub fn expires(&self) -> Timestamp {
        let duration = SignedDuration::from_secs(i64::try_from(self.duration_seconds).unwrap_or(0));
        self.renewed
            .saturating_add(duration)
            .unwrap_or(self.renewed)
    }

    /// Whether it still holds at `now`.
    pub fn valid_at(&self, now: Timestamp) -> bool {
        now < self.expires()
    }
}

/// What happened when, for the rollout timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum MarkKind {
    /// A step began scaling.
    Step,
    /// A step's hold began.
    Hold,
    /// The user held the plan indefinitely.
    Held,
    /// The user let it go on.
    Released,
    /// Another kdeck took the plan over.
    TakenOver,
}

/// One mark of a plan's progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanMark {
    /// When.
    pub at: Timestamp,
    /// The step (from 0).
    pub step: usize,
    /// What.
    pub what: MarkKind,
}

/// A stepped canary's plan and progress, as the annotation holds it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlanRecord {
    /// [`PLAN_VERSION`] when written by this kdeck.
    pub version: u32,
    /// Raised by every write, so a writer can tell when its watch shows what it wrote.
    pub seq: u64,
    /// The container whose image the canary changes.
    pub container: String,
    /// The canary's image.
    pub image: String,
    /// The steps; the last one (100%) promotes.
    pub steps: Vec<PlanStep>,
    /// The gates besides pods and events.
    pub gates: GateSettings,
    /// The current step (from 0).
    pub step: usize,
    /// Where the current step is.
    pub phase: PlanPhase,
    /// The user asked to hold indefinitely: the hold does not end by itself.
    #[serde(default)]
    pub held: bool,
    /// When the plan started.
    pub started: Timestamp,
    /// When the current step began (its scaling).
    pub step_started: Timestamp,
    /// When the current hold's time began (`Holding` only; a take-over starts it again).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hold_started: Option<Timestamp>,
    /// When the current step's gates began (its hold; events and restarts count from here).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gates_since: Option<Timestamp>,
    /// Each new pod's restart count when the hold began: more is a failed gate.
    #[serde(default)]
    pub restart_baseline: BTreeMap<String, u32>,
    /// Who drives the plan.
    pub lease: Lease,
    /// Steps and holds as they happened.
    #[serde(default)]
    pub marks: Vec<PlanMark>,
}

impl PlanRecord {
    /// Reads the record of an annotation's text; refuses another version's.
    pub fn parse(text: &str) -> Result<Self, String> {
        let value: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| format!("the {PLAN_ANNOTATION} annotation is not JSON ({e})"))?;
        match value["version"].as_u64() {
            Some(v) if v == u64::from(PLAN_VERSION) => {}
            Some(v) => {
                return Err(format!(
                    "the {PLAN_ANNOTATION} annotation is version {v}; this kdeck reads version {PLAN_VERSION}"
                ));
            }
            None => return Err(format!("the {PLAN_ANNOTATION} annotation has no version")),
        }
        serde_json::from_value(value)
            .map_err(|e| format!("the {PLAN_ANNOTATION} annotation is not kdeck's ({e})"))
    }

    /// The annotation's text.
    pub fn to_text(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The current step.
    pub fn current(&self) -> Option<&PlanStep> {
        self.steps.get(self.step)
    }

    /// Whether the current step is the last before the promotion.
    pub fn next_promotes(&self) -> bool {
        self.steps
            .get(self.step + 1)
            .is_none_or(PlanStep::is_promotion)
    }

    /// When the current hold ends (`None`: not holding, no timed hold, or held).
    pub fn hold_ends(&self) -> Option<Timestamp> {
        use super::plan_steps::Hold;
        if self.phase != PlanPhase::Holding || self.held {
            return None;
        }
        let started = self.hold_started?;
        match self.current()?.hold {
            None => Some(started),
            Some(Hold::Seconds(s)) => started
                .saturating_add(SignedDuration::from_secs(
                    i64::try_from(s).unwrap_or(i64::MAX),
                ))
                .ok(),
            Some(Hold::Indefinite) => None,
        }
    }

    /// Adds a mark, keeping the last `MAX_MARKS`.
    pub fn mark(&mut self, at: Timestamp, what: MarkKind) {
        self.marks.push(PlanMark {
            at,
            step: self.step,
            what,
        });
        let extra = self.marks.len().saturating_sub(MAX_MARKS);
        self.marks.drain(..extra);
    }
}

#[cfg(test)]
mod tests {
    use super::super::plan_steps::parse_plan;
    use super::*;

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn record() -> PlanRecord {
        let t0 = at("2026-11-30T08:30:00Z");
        PlanRecord {
            version: PLAN_VERSION,
            seq: 1,
            container: "myapp".into(),
            image: "nginx:1.15.7".into(),
            steps: parse_plan("1 pod, hold 2m; 50%, hold; 100%").unwrap(),
            gates: GateSettings::default(),
            step: 0,
            phase: PlanPhase::Scaling,
            held: false,
            started: t0,
            step_started: t0,
            hold_started: None,
            gates_since: None,
            restart_baseline: BTreeMap::new(),
            lease: Lease {
                holder: "bastion pid 42".into(),
                acquired: t0,
                renewed: t0,
                duration_seconds: 30,
            },
            marks: Vec::new(),
        }
    }

    #[test]
    fn the_record_round_trips_and_other_versions_are_refused() {
        let r = record();
        let text = r.to_text();
        assert!(text.contains("\"version\":1"), "{text}");
        assert!(text.contains("\"holder\":\"bastion pid 42\""), "{text}");
        assert_eq!(PlanRecord::parse(&text).unwrap(), r);
        let newer = text.replace("\"version\":1", "\"version\":2");
        assert!(PlanRecord::parse(&newer).unwrap_err().contains("version 2"));
        assert!(PlanRecord::parse("{}").unwrap_err().contains("no version"));
        assert!(PlanRecord::parse("x").unwrap_err().contains("not JSON"));
    }

    #[test]
    fn holds_end_by_their_step_and_leases_expire() {
        let mut r = record();
        assert_eq!(r.hold_ends(), None, "scaling");
        r.phase = PlanPhase::Holding;
        r.hold_started = Some(at("2026-11-30T08:31:00Z"));
        assert_eq!(r.hold_ends(), Some(at("2026-11-30T08:33:00Z")));
        r.held = true;
        assert_eq!(r.hold_ends(), None, "held by the user");
        r.held = false;
        r.step = 1;
        assert_eq!(r.hold_ends(), None, "an indefinite hold");
        assert!(r.next_promotes());
        assert!(r.lease.valid_at(at("2026-11-30T08:30:29Z")));
        assert!(!r.lease.valid_at(at("2026-11-30T08:30:30Z")));
        for _ in 0..100 {
            r.mark(at("2026-11-30T08:31:00Z"), MarkKind::Hold);
        }
        assert_eq!(r.marks.len(), MAX_MARKS);
    }
}
