//! What a Job's status says: the counts of its pods, and the conditions of its outcome
//! as the release's controller writes them.

use jiff::Timestamp;
use serde_json::{Value, json};

use super::{TRACKING_FINALIZER, active_restarts, counts_ready};
use crate::sim::clock::format_time;
use crate::sim::controllers::meta::{int_at, is_terminating, time_at};
use crate::sim::controllers::pass::Pass;
use crate::sim::controllers::pod_state::{is_active, phase};
use crate::sim::store::Obj;

/// The message of the back-off failure.
pub const BACKOFF_MESSAGE: &str = "Job has reached the specified backoff limit";
const COMPLETIONS_MESSAGE: &str = "Reached expected number of succeeded pods";

/// How a Job ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Enough pods succeeded.
    Succeeded,
    /// Too many failed (`BackoffLimitExceeded`) or it ran too long (`DeadlineExceeded`).
    Failed {
        /// The condition's reason.
        reason: &'static str,
        /// The condition's message.
        message: &'static str,
    },
}

/// The Job's pods, counted.
#[derive(Debug, Default)]
pub struct Counts {
    /// Succeeded pods, ever.
    pub succeeded: i64,
    /// Failed pods, ever.
    pub failed: i64,
    /// Pods running or about to.
    pub active: i64,
    /// Active pods that are ready.
    pub ready: i64,
    /// Pods being deleted that have not finished.
    pub terminating: i64,
    /// Restarts of the active pods' containers.
    pub restarts: i64,
}

fn count(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

impl Counts {
    /// The status's counts plus the finished pods not counted yet (those still tracked).
    pub fn of(job: &Value, pods: &[Obj]) -> Self {
        let tracked = |p: &Obj| {
            p["metadata"]["finalizers"]
                .as_array()
                .is_some_and(|f| f.iter().any(|x| x == TRACKING_FINALIZER))
        };
        let newly = |want: &str| {
            count(
                pods.iter()
                    .filter(|p| tracked(p))
                    .filter(|p| match want {
                        "Succeeded" => phase(p) == "Succeeded",
                        // A pod deleted before it succeeded has failed.
                        _ => phase(p) == "Failed" || (is_terminating(p) && phase(p) != "Succeeded"),
                    })
                    .count(),
            )
        };
        Self {
            succeeded: int_at(job, "/status/succeeded", 0) + newly("Succeeded"),
            failed: int_at(job, "/status/failed", 0) + newly("Failed"),
            active: count(pods.iter().filter(|p| is_active(p)).count()),
            ready: count(pods.iter().filter(|p| counts_ready(p)).count()),
            terminating: count(
                pods.iter()
                    .filter(|p| is_terminating(p) && !matches!(phase(p), "Succeeded" | "Failed"))
                    .count(),
            ),
            restarts: active_restarts(pods),
        }
    }
}

fn condition<'a>(job: &'a Value, kind: &str) -> Option<&'a Value> {
    job["status"]["conditions"]
        .as_array()?
        .iter()
        .find(|c| c["type"] == kind && c["status"] == "True")
}

/// Whether the Job has finished (`Complete` or `Failed`).
pub fn finished(job: &Value) -> bool {
    condition(job, "Complete").is_some() || condition(job, "Failed").is_some()
}

/// When the Job finished.
pub fn finished_at(job: &Value) -> Option<Timestamp> {
    time_at(job, "/status/completionTime")
        .or_else(|| condition(job, "Failed").and_then(|c| time_at(c, "/lastTransitionTime")))
}

/// How the Job ends, if it does now.
pub fn outcome(job: &Value, counts: &Counts, now: Timestamp) -> Option<Outcome> {
    if condition(job, "SuccessCriteriaMet").is_some() {
        return Some(Outcome::Succeeded);
    }
    if let Some(c) = condition(job, "FailureTarget") {
        let reason = if c["reason"] == "DeadlineExceeded" {
            "DeadlineExceeded"
        } else {
            "BackoffLimitExceeded"
        };
        return Some(failed(reason));
    }
    let done = match job["spec"]["completions"].as_i64() {
        Some(c) => counts.succeeded >= c,
        None => counts.succeeded > 0 && counts.active == 0,
    };
    if done {
        return Some(Outcome::Succeeded);
    }
    let limit = int_at(job, "/spec/backoffLimit", 6);
    let on_failure = job["spec"]["template"]["spec"]["restartPolicy"] == "OnFailure";
    let restarts_over = on_failure
        && if limit == 0 {
            counts.restarts > 0
        } else {
            counts.restarts >= limit
        };
    if counts.failed > limit || restarts_over {
        return Some(failed("BackoffLimitExceeded"));
    }
    let deadline = job["spec"]["activeDeadlineSeconds"].as_i64();
    if let (Some(secs), Some(start)) = (deadline, time_at(job, "/status/startTime"))
        && now.duration_since(start).as_secs() >= secs
    {
        return Some(failed("DeadlineExceeded"));
    }
    None
}

fn failed(reason: &'static str) -> Outcome {
    let message = if reason == "DeadlineExceeded" {
        "Job was active longer than specified deadline"
    } else {
        BACKOFF_MESSAGE
    };
    Outcome::Failed { reason, message }
}

fn set_condition(
    job: &mut Value,
    kind: &str,
    status: &str,
    reason: &str,
    message: &str,
    now: &str,
) {
    if !job["status"]["conditions"].is_array() {
        job["status"]["conditions"] = json!([]);
    }
    let Some(conditions) = job["status"]["conditions"].as_array_mut() else {
        return;
    };
    let mut c =
        json!({"type": kind, "status": status, "lastProbeTime": now, "lastTransitionTime": now});
    if !reason.is_empty() {
        c["reason"] = json!(reason);
        c["message"] = json!(message);
    }
    match conditions.iter_mut().find(|c| c["type"] == kind) {
        Some(old) if old["status"] == status => {}
        Some(old) => *old = c,
        None => conditions.push(c),
    }
}

fn set_count(status: &mut Value, field: &str, n: i64, keep_zero: bool) {
    if n != 0 || keep_zero {
        status[field] = json!(n);
    } else if let Some(m) = status.as_object_mut() {
        m.remove(field);
    }
}

/// Writes the counts and the conditions of `outcome` into `job`.
pub fn write(
    job: &mut Value,
    counts: &Counts,
    outcome: Option<Outcome>,
    suspended: bool,
    pass: &Pass<'_>,
) {
    let minor = pass.store.registry().release().minor();
    let now = format_time(pass.now);
    if job["status"]["startTime"].is_null() && !suspended {
        job["status"]["startTime"] = json!(now);
    }
    let status = &mut job["status"];
    set_count(status, "active", counts.active, false);
    set_count(status, "succeeded", counts.succeeded, false);
    set_count(status, "failed", counts.failed, false);
    if minor >= 24 {
        set_count(status, "ready", counts.ready, true);
    }
    if minor >= 28 {
        set_count(status, "terminating", counts.terminating, true);
    }
    if minor >= 21 {
        status["uncountedTerminatedPods"] = json!({});
    }
    if suspended {
        set_condition(
            job,
            "Suspended",
            "True",
            "JobSuspended",
            "Job suspended",
            &now,
        );
    } else if job["status"]["conditions"]
        .as_array()
        .is_some_and(|cs| cs.iter().any(|c| c["type"] == "Suspended"))
    {
        set_condition(job, "Suspended", "False", "JobResumed", "Job resumed", &now);
    }
    let settled = counts.active == 0 && counts.terminating == 0;
    // From 1.31 the controller says first what it decided, and finishes once no pod runs.
    let interim = minor >= 31;
    match outcome {
        Some(Outcome::Succeeded) => {
            if interim {
                set_condition(
                    job,
                    "SuccessCriteriaMet",
                    "True",
                    "CompletionsReached",
                    COMPLETIONS_MESSAGE,
                    &now,
                );
            }
            if settled || !interim {
                let (reason, message) = if interim {
                    ("CompletionsReached", COMPLETIONS_MESSAGE)
                } else {
                    ("", "")
                };
                set_condition(job, "Complete", "True", reason, message, &now);
                job["status"]["completionTime"] = json!(now);
            }
        }
        Some(Outcome::Failed { reason, message }) => {
            if interim {
                set_condition(job, "FailureTarget", "True", reason, message, &now);
            }
            if settled || !interim {
                set_condition(job, "Failed", "True", reason, message, &now);
            }
        }
        None => {}
    }
}
