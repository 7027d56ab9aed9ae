//! What the controllers read from a pod's status: active, ready, available.

use jiff::{SignedDuration, Timestamp};
use serde_json::Value;

use super::meta::{is_terminating, time_at};

/// `status.phase` ("Pending" when unset).
pub fn phase(pod: &Value) -> &str {
    pod["status"]["phase"].as_str().unwrap_or("Pending")
}

/// Counted by its controller: not being deleted and not finished (upstream's `IsPodActive`).
pub fn is_active(pod: &Value) -> bool {
    !is_terminating(pod) && !matches!(phase(pod), "Succeeded" | "Failed")
}

/// The pod's `Ready` condition, if it is `True`: since when.
pub fn ready_since(pod: &Value) -> Option<Timestamp> {
    pod["status"]["conditions"]
        .as_array()?
        .iter()
        .find(|c| c["type"] == "Ready" && c["status"] == "True")
        .map(|c| time_at(c, "/lastTransitionTime").unwrap_or(Timestamp::UNIX_EPOCH))
}

/// Whether the pod is ready.
pub fn is_ready(pod: &Value) -> bool {
    ready_since(pod).is_some()
}

/// Ready for at least `min_ready_seconds` at `now` (upstream's `IsPodAvailable`).
pub fn is_available(pod: &Value, min_ready_seconds: i64, now: Timestamp) -> bool {
    ready_since(pod).is_some_and(|since| {
        min_ready_seconds <= 0
            || since
                .saturating_add(SignedDuration::from_secs(min_ready_seconds))
                .is_ok_and(|t| t <= now)
    })
}

/// The highest restart count among the pod's containers.
pub fn restart_count(pod: &Value) -> i64 {
    pod["status"]["containerStatuses"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c["restartCount"].as_i64())
        .max()
        .unwrap_or(0)
}
