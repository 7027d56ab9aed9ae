//! The OOM killer, for containers whose memory grows until their limit (images tagged
//! `:leaky`, whose use the [metrics model](crate::sim::metrics::usage) says): the kernel
//! kills the container when the leak fills its limit, and the kubelet reports it as a
//! real one does:
//!
//! - `state.terminated` with reason `OOMKilled` and exit code 137 (128 + SIGKILL), shown
//!   for [`RESTART_SECS`] (what `kubectl get pods` prints as `OOMKilled`);
//! - then the first time the container is started again at once (`lastState` keeps the
//!   kill, `restartCount` 1), later ones wait in `CrashLoopBackOff` with the kubelet's
//!   `BackOff` warning. The kubelet writes no event of the kill itself (an open
//!   Kubernetes issue, #69676): the container status and the restarts say it.

use jiff::Timestamp;
use serde_json::{Value, json};

use super::container_state::{ContainerContext, back_off_secs};
use crate::sim::clock::format_time;
use crate::sim::controllers::events::{EventType, Note};
use crate::sim::controllers::meta::time_at;
use crate::sim::metrics::usage::leak_fills_at;

/// Simulated seconds between the kill and the kubelet's restart (its sync loop).
pub const RESTART_SECS: i64 = 2;

/// Whether the container's current state is an OOM kill waiting for its restart.
pub fn was_oom_killed(status: &Value) -> bool {
    status["state"]["terminated"]["reason"] == "OOMKilled"
}

impl ContainerContext<'_> {
    /// When the running container, started at `started`, is killed for filling its
    /// memory, if that time has come.
    pub(super) fn oom_kill_due(&self, started: Timestamp) -> Option<Timestamp> {
        leak_fills_at(self.spec, started).filter(|at| self.now >= *at)
    }

    /// The kernel kills the container at `killed`.
    pub(super) fn oom_kill(s: &mut Value, started: Timestamp, killed: Timestamp) {
        s["state"] = json!({"terminated": {
            "exitCode": 137,
            "reason": "OOMKilled",
            "startedAt": format_time(started),
            "finishedAt": format_time(killed),
            "containerID": s["containerID"].clone(),
        }});
        s["ready"] = json!(false);
        s["started"] = json!(false);
    }

    /// The kubelet restarts an OOM-killed container: at once the first time, after the
    /// crash back-off later.
    pub(super) fn after_oom_kill(&self, s: &mut Value, events: &mut Vec<Note<'static>>) {
        let killed = time_at(s, "/state/terminated/finishedAt").unwrap_or(self.now);
        if self.now.duration_since(killed).as_secs() < RESTART_SECS {
            return;
        }
        let restarts = s["restartCount"].as_i64().unwrap_or(0) + 1;
        s["lastState"] = json!({"terminated": s["state"]["terminated"].clone()});
        s["restartCount"] = json!(restarts);
        if restarts == 1 {
            self.start(s, events, false);
            return;
        }
        let wait = back_off_secs(restarts);
        let name = self.spec["name"].as_str().unwrap_or_default();
        s["state"] = json!({"waiting": {
            "reason": "CrashLoopBackOff",
            "message": format!("back-off {wait}s restarting failed container={name} pod={}", self.pod_ref),
        }});
        events.push(self.note(
            EventType::Warning,
            "BackOff",
            format!(
                "Back-off restarting failed container {name} in pod {}",
                self.pod_ref
            ),
        ));
    }
}
