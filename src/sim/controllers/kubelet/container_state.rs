//! One container's life as the kubelet reports it: ContainerCreating, Running
//! (ready after a delay), and the failure modes a demo needs (see [`image_behaviour`]
//! for which image does what): images whose name contains `crash` start and crash
//! (CrashLoopBackOff with exponential back-off), `:flaky` ones run a while and then
//! crash the same way, `:slow` ones take long to get ready, and images tagged `:bad` or
//! from the `nonexistent` registry fail to pull (ErrImagePull, then ImagePullBackOff),
//! and images tagged `:leaky` fill their memory limit and are OOM-killed (see
//! [`oom`](super::oom)).
//!
//! [`image_behaviour`]: super::image_behaviour

use std::fmt::Write as _;

use jiff::{SignedDuration, Timestamp};
use serde_json::{Value, json};

use crate::sim::clock::format_time;
use crate::sim::controllers::events::{EventType, Note};
use crate::sim::controllers::meta::time_at;

use super::image_behaviour::{FLAKY_EXIT_CODE, FLAKY_RUN_SECS, SLOW_READY_SECS};
pub use super::image_behaviour::{ImageBehaviour, behaviour};

/// Simulated seconds from the pod's start to its containers' start (pull + create).
pub const START_SECS: i64 = 1;
/// Simulated seconds from a container's start to its readiness without a readiness probe.
pub const READY_SECS: i64 = 2;
/// Simulated seconds a crashing container runs before it exits.
pub const CRASH_SECS: i64 = 1;
/// A failed image pull is retried this often (simulated seconds); the first
/// [`PULL_ERROR_SECS`] of each period show `ErrImagePull`, the rest `ImagePullBackOff`.
const PULL_RETRY_SECS: i64 = 20;
const PULL_ERROR_SECS: i64 = 5;

/// The fully qualified reference containerd reports, e.g. `docker.io/library/nginx:1.14.1`.
pub fn qualified_image(image: &str) -> String {
    let with_tag = if image
        .rsplit('/')
        .next()
        .is_some_and(|l| l.contains(':') || l.contains('@'))
    {
        image.to_string()
    } else {
        format!("{image}:latest")
    };
    let first = with_tag.split('/').next().unwrap_or("");
    if with_tag.contains('/')
        && (first.contains('.') || first.contains(':') || first == "localhost")
    {
        with_tag
    } else if with_tag.contains('/') {
        format!("docker.io/{with_tag}")
    } else {
        format!("docker.io/library/{with_tag}")
    }
}

/// The volume mounts a started container reports (`RecursiveReadOnlyMounts`, on by default
/// since 1.31): each mount of its spec, read-only ones with `recursiveReadOnly: Disabled`.
pub fn volume_mount_statuses(container: &Value) -> Option<Value> {
    let mounts = container["volumeMounts"].as_array()?;
    Some(
        mounts
            .iter()
            .map(|m| {
                let mut status = json!({"mountPath": m["mountPath"], "name": m["name"]});
                if m["readOnly"] == true {
                    status["readOnly"] = json!(true);
                    status["recursiveReadOnly"] = json!("Disabled");
                }
                status
            })
            .collect(),
    )
}

/// A stable fake digest for an image.
pub fn image_id(image: &str) -> String {
    let q = qualified_image(image);
    let repo = q.rsplit_once(':').map_or(q.as_str(), |(r, _)| r);
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut hex = String::new();
    for round in 0..4u8 {
        for b in q.bytes().chain([round]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        let _ = write!(hex, "{h:016x}");
    }
    format!("{repo}@sha256:{hex}")
}

fn random_container_id() -> String {
    let hex: String = (0..64)
        .map(|_| char::from_digit(fastrand::u32(..16), 16).unwrap_or('0'))
        .collect();
    format!("containerd://{hex}")
}

fn secs(n: i64) -> SignedDuration {
    SignedDuration::from_secs(n)
}

fn after(t: Timestamp, n: i64) -> Timestamp {
    t.saturating_add(secs(n)).unwrap_or(t)
}

/// Who the container is, for event messages.
pub struct ContainerContext<'a> {
    /// The container in the pod spec.
    pub spec: &'a Value,
    /// `<pod>_<namespace>(<uid>)`, as back-off messages name the pod.
    pub pod_ref: String,
    /// When the kubelet started the pod.
    pub pod_started: Timestamp,
    /// Now.
    pub now: Timestamp,
    /// Whether the node had the image before this pod started (no pull needed).
    pub image_present: bool,
    /// How long the container runs before it exits (`None`: it does not exit by itself).
    pub run_secs: Option<i64>,
    /// Whether a container that exits with an error is restarted (`OnFailure`).
    pub restart_on_failure: bool,
}

impl ContainerContext<'_> {
    fn name(&self) -> &str {
        self.spec["name"].as_str().unwrap_or("")
    }

    fn image(&self) -> &str {
        self.spec["image"].as_str().unwrap_or("")
    }

    pub(super) fn note(
        &self,
        kind: EventType,
        reason: &'static str,
        message: String,
    ) -> Note<'static> {
        Note {
            kind,
            reason,
            message,
            field_path: Some(format!("spec.containers{{{}}}", self.name())),
        }
    }

    /// The status of a container the kubelet has just accepted (image pulling).
    pub fn creating(&self) -> Value {
        json!({
            "name": self.name(),
            "state": {"waiting": {"reason": "ContainerCreating"}},
            "lastState": {},
            "ready": false,
            "restartCount": 0,
            "image": self.image(),
            "imageID": "",
            "started": false,
        })
    }

    fn ready_delay(&self) -> i64 {
        let delay = match self.spec["readinessProbe"].as_object() {
            Some(probe) => probe
                .get("initialDelaySeconds")
                .and_then(Value::as_i64)
                .unwrap_or(0)
                .max(1),
            None => READY_SECS,
        };
        if behaviour(self.image()) == ImageBehaviour::Slow {
            delay.max(SLOW_READY_SECS)
        } else {
            delay
        }
    }

    pub(super) fn start(&self, status: &mut Value, events: &mut Vec<Note<'static>>, first: bool) {
        let image = self.image();
        let pulled = if first && !self.image_present {
            format!(
                "Successfully pulled image \"{image}\" in 812ms (812ms including waiting). Image size: 72195292 bytes."
            )
        } else {
            format!("Container image \"{image}\" already present on machine")
        };
        events.push(self.note(EventType::Normal, "Pulled", pulled));
        events.push(self.note(
            EventType::Normal,
            "Created",
            format!("Created container: {}", self.name()),
        ));
        events.push(self.note(
            EventType::Normal,
            "Started",
            format!("Started container {}", self.name()),
        ));
        status["state"] = json!({"running": {"startedAt": format_time(self.now)}});
        status["ready"] = json!(false);
        status["started"] = json!(true);
        status["image"] = json!(qualified_image(image));
        status["imageID"] = json!(image_id(image));
        status["containerID"] = json!(random_container_id());
        if let Some(mounts) = volume_mount_statuses(self.spec) {
            status["volumeMounts"] = mounts;
        }
    }

    /// Moves the container on to what it is at `now`, with the events of the change.
    pub fn advance(&self, current: &Value) -> (Value, Vec<Note<'static>>) {
        let mut s = current.clone();
        let mut events = Vec::new();
        let image = self.image();
        let behaviour = behaviour(image);
        let waiting = current["state"]["waiting"]["reason"].as_str();
        let pull_at = after(self.pod_started, START_SECS);
        match (waiting, &current["state"]["running"]) {
            (Some("ContainerCreating"), _) if self.now >= pull_at => {
                if behaviour == ImageBehaviour::Unpullable {
                    self.fail_pull(&mut s, &mut events);
                } else {
                    self.start(&mut s, &mut events, true);
                }
            }
            (Some(reason @ ("ErrImagePull" | "ImagePullBackOff")), _) => {
                let elapsed = self.now.duration_since(pull_at).as_secs().max(0);
                let want = if elapsed % PULL_RETRY_SECS < PULL_ERROR_SECS {
                    "ErrImagePull"
                } else {
                    "ImagePullBackOff"
                };
                if want != reason {
                    if want == "ErrImagePull" {
                        events.push(self.note(
                            EventType::Normal,
                            "Pulling",
                            format!("Pulling image \"{image}\""),
                        ));
                        self.fail_pull(&mut s, &mut events);
                    } else {
                        s["state"] = json!({"waiting": {"reason": "ImagePullBackOff", "message": format!("Back-off pulling image \"{image}\": ErrImagePull: {}", pull_error(image))}});
                        events.push(self.note(
                            EventType::Normal,
                            "BackOff",
                            format!("Back-off pulling image \"{image}\""),
                        ));
                        events.push(self.note(
                            EventType::Warning,
                            "Failed",
                            "Error: ImagePullBackOff".into(),
                        ));
                    }
                }
            }
            (Some("CrashLoopBackOff"), _) => {
                let restarts = current["restartCount"].as_i64().unwrap_or(1).max(1);
                let finished =
                    time_at(current, "/lastState/terminated/finishedAt").unwrap_or(self.now);
                if self.now >= after(finished, back_off_secs(restarts)) {
                    self.start(&mut s, &mut events, false);
                }
            }
            (_, running) if running.is_object() => {
                let started = time_at(running, "/startedAt").unwrap_or(self.now);
                if let Some(run) = self.run_secs
                    && self.now >= after(started, run)
                {
                    self.exit(&mut s, &mut events, started);
                } else if behaviour == ImageBehaviour::Crashes {
                    if self.now >= after(started, CRASH_SECS) {
                        self.crash(&mut s, &mut events, started, 1);
                    }
                } else if let Some(killed) = self.oom_kill_due(started) {
                    Self::oom_kill(&mut s, started, killed);
                } else if behaviour == ImageBehaviour::Flaky
                    && self.now >= after(started, FLAKY_RUN_SECS)
                {
                    self.crash(&mut s, &mut events, started, FLAKY_EXIT_CODE);
                } else if current["ready"] != true && self.now >= after(started, self.ready_delay())
                {
                    s["ready"] = json!(true);
                }
            }
            _ if super::oom::was_oom_killed(current) => self.after_oom_kill(&mut s, &mut events),
            _ => {}
        }
        (s, events)
    }

    fn fail_pull(&self, s: &mut Value, events: &mut Vec<Note<'static>>) {
        let image = self.image();
        let error = pull_error(image);
        s["state"] = json!({"waiting": {"reason": "ErrImagePull", "message": error}});
        events.push(self.note(
            EventType::Warning,
            "Failed",
            format!("Failed to pull image \"{image}\": {error}"),
        ));
        events.push(self.note(EventType::Warning, "Failed", "Error: ErrImagePull".into()));
    }

    /// The container exits with `exit_code` and waits for its restart (CrashLoopBackOff).
    pub(super) fn crash(
        &self,
        s: &mut Value,
        events: &mut Vec<Note<'static>>,
        started: Timestamp,
        exit_code: i64,
    ) {
        let restarts = s["restartCount"].as_i64().unwrap_or(0) + 1;
        s["lastState"] = json!({"terminated": {
            "exitCode": exit_code,
            "reason": "Error",
            "startedAt": format_time(started),
            "finishedAt": format_time(self.now),
            "containerID": s["containerID"].clone(),
        }});
        s["restartCount"] = json!(restarts);
        s["ready"] = json!(false);
        s["started"] = json!(false);
        let wait = back_off_secs(restarts);
        s["state"] = json!({"waiting": {
            "reason": "CrashLoopBackOff",
            "message": format!("back-off {wait}s restarting failed container={} pod={}", self.name(), self.pod_ref),
        }});
        events.push(self.note(
            EventType::Warning,
            "BackOff",
            format!(
                "Back-off restarting failed container {} in pod {}",
                self.name(),
                self.pod_ref
            ),
        ));
    }
}

/// The kubelet's crash back-off after `restarts` restarts: 10s doubling, at most 5 minutes.
pub fn back_off_secs(restarts: i64) -> i64 {
    let exp = u32::try_from((restarts - 1).clamp(0, 5)).unwrap_or(5);
    (10 * 2_i64.pow(exp)).min(300)
}

fn pull_error(image: &str) -> String {
    let q = qualified_image(image);
    format!(
        "rpc error: code = NotFound desc = failed to pull and unpack image \"{q}\": failed to resolve reference \"{q}\": {q}: not found"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_are_qualified_like_containerd_reports_them() {
        assert_eq!(
            qualified_image("nginx:1.14.1"),
            "docker.io/library/nginx:1.14.1"
        );
        assert_eq!(
            qualified_image("bitnami/redis"),
            "docker.io/bitnami/redis:latest"
        );
        assert_eq!(
            qualified_image("registry.k8s.io/pause:3.9"),
            "registry.k8s.io/pause:3.9"
        );
        assert!(image_id("nginx:1.14.1").starts_with("docker.io/library/nginx@sha256:"));
        assert_eq!(back_off_secs(1), 10);
        assert_eq!(back_off_secs(3), 40);
        assert_eq!(back_off_secs(10), 300);
    }
}
