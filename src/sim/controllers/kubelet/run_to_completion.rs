//! Containers that exit: those of pods whose `restartPolicy` is `Never` or `OnFailure`
//! (a Job's pods). The convention of the embedded cluster (the one rule, kept here):
//!
//! - such a container runs for 3 simulated seconds, or `N` when its main process is
//!   `sleep N`, or the pod's `sim.kdeck.dev/run-seconds` annotation when set, then exits;
//! - except a container whose main process is a shell reading its standard input
//!   (`stdin: true`, as `kubectl run -it` makes it, with no command or a bare `sh`): it runs
//!   until that shell ends through its input; `kubectl run -it busybox -- echo hi` has
//!   `stdin` too, but `echo` does not read it and ends as any other;
//! - it exits 0 (`Completed`), or 1 (`Error`) when its image is tagged `:fail`;
//! - under `OnFailure` a container that exits 1 is restarted after the crash back-off; under
//!   `Never` it stays terminated and the pod fails.
//!
//! A pod whose containers have all exited is `Succeeded` when every one exited 0, else `Failed`.

use serde_json::{Value, json};

use super::container_state::ContainerContext;
use super::termination::is_shell;
use crate::sim::clock::format_time;
use crate::sim::controllers::events::Note;
use crate::sim::controllers::meta::annotation;

/// The pod annotation that sets how long its containers run (simulated seconds).
pub const RUN_SECONDS_ANNOTATION: &str = "sim.kdeck.dev/run-seconds";

/// How long a container runs when nothing says otherwise (simulated seconds).
pub const DEFAULT_RUN_SECS: i64 = 3;

/// Whether `pod`'s containers exit (restart policy `Never` or `OnFailure`).
pub fn runs_to_completion(pod: &Value) -> bool {
    matches!(
        pod["spec"]["restartPolicy"].as_str(),
        Some("Never" | "OnFailure")
    )
}

/// How long container `spec` of `pod` runs before it exits, or `None` when it does not exit.
pub fn run_secs(pod: &Value, spec: &Value) -> Option<i64> {
    let words: Vec<&str> = ["command", "args"]
        .iter()
        .flat_map(|field| spec[*field].as_array().into_iter().flatten())
        .filter_map(Value::as_str)
        .flat_map(str::split_whitespace)
        .collect();
    // No command: the image's own, a shell for the images such pods run (BusyBox, CirrOS).
    let shell_reads_input = spec["stdin"] == true
        && match words.as_slice() {
            [] => true,
            [program] => is_shell(program),
            _ => false,
        };
    if !runs_to_completion(pod) || shell_reads_input {
        return None;
    }
    if let Some(n) = annotation(pod, RUN_SECONDS_ANNOTATION).and_then(|v| v.parse().ok()) {
        return Some(n);
    }
    let slept = match words.as_slice() {
        [shell, "-c", "sleep", n, ..] if shell.ends_with("sh") => seconds(n),
        [sleep, n, ..] if sleep.rsplit('/').next() == Some("sleep") => seconds(n),
        _ => None,
    };
    Some(slept.unwrap_or(DEFAULT_RUN_SECS))
}

/// `40` of `sleep 40;` or `sleep 40 &&`.
fn seconds(word: &str) -> Option<i64> {
    word.trim_end_matches([';', '&']).parse().ok()
}

/// A finished pod's `Ready` and `ContainersReady` say why: `PodCompleted`.
pub fn mark_completed(pod: &mut Value) {
    for c in pod["status"]["conditions"]
        .as_array_mut()
        .into_iter()
        .flatten()
    {
        if matches!(c["type"].as_str(), Some("Ready" | "ContainersReady")) {
            c["reason"] = json!("PodCompleted");
            if let Some(m) = c.as_object_mut() {
                m.remove("message");
            }
        }
    }
}

/// The exit code of a container of `image`: 1 for an image tagged `:fail`, else 0.
pub fn exit_code(image: &str) -> i64 {
    let tag = image
        .rsplit('/')
        .next()
        .and_then(|last| last.split_once(':'))
        .map(|(_, t)| t);
    i64::from(tag == Some("fail"))
}

impl ContainerContext<'_> {
    /// The container's main process exits now: terminated, or restarted later under `OnFailure`.
    pub fn exit(&self, s: &mut Value, events: &mut Vec<Note<'static>>, started: jiff::Timestamp) {
        let code = exit_code(self.spec["image"].as_str().unwrap_or_default());
        if code != 0 && self.restart_on_failure {
            self.crash(s, events, started, code);
            return;
        }
        s["state"] = json!({"terminated": {
            "exitCode": code,
            "reason": if code == 0 { "Completed" } else { "Error" },
            "startedAt": format_time(started),
            "finishedAt": format_time(self.now),
            "containerID": s["containerID"].clone(),
        }});
        s["ready"] = json!(false);
        s["started"] = json!(false);
    }
}

/// The phase of a pod whose containers have all exited for good, else `None`.
pub fn finished_phase(pod: &Value, statuses: &[Value]) -> Option<&'static str> {
    if !runs_to_completion(pod) || statuses.is_empty() {
        return None;
    }
    let codes: Option<Vec<i64>> = statuses
        .iter()
        .map(|s| s["state"]["terminated"]["exitCode"].as_i64())
        .collect();
    let codes = codes?;
    Some(if codes.iter().all(|c| *c == 0) {
        "Succeeded"
    } else {
        "Failed"
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn job_pods_run_for_a_while_and_exit_as_their_image_says() {
        let pod = |policy: &str, annotations: Value| json!({"metadata": {"annotations": annotations}, "spec": {"restartPolicy": policy}});
        let plain = json!({"name": "c", "image": "busybox"});
        assert_eq!(run_secs(&pod("Always", Value::Null), &plain), None);
        assert_eq!(
            run_secs(&pod("Never", Value::Null), &plain),
            Some(DEFAULT_RUN_SECS)
        );
        let sleeper = json!({"name": "c", "image": "busybox", "command": ["sh", "-c", "sleep 40; echo done"]});
        assert_eq!(run_secs(&pod("OnFailure", Value::Null), &sleeper), Some(40));
        let annotated = pod("Never", json!({RUN_SECONDS_ANNOTATION: "120"}));
        assert_eq!(run_secs(&annotated, &plain), Some(120));
        let interactive = json!({"name": "c", "image": "busybox", "stdin": true, "tty": true});
        assert_eq!(run_secs(&pod("Never", Value::Null), &interactive), None);
        let bare_shell =
            json!({"name": "c", "image": "busybox", "stdin": true, "args": ["/bin/sh"]});
        assert_eq!(run_secs(&pod("Never", Value::Null), &bare_shell), None);
        // `kubectl run -it busybox -- echo hi`: stdin is open, but echo ends by itself.
        let echo = json!({"name": "c", "image": "busybox", "stdin": true, "tty": true, "args": ["echo", "hi"]});
        assert_eq!(
            run_secs(&pod("Never", Value::Null), &echo),
            Some(DEFAULT_RUN_SECS)
        );
        assert_eq!(exit_code("busybox:fail"), 1);
        assert_eq!(exit_code("registry.local:5000/busybox"), 0);
        let done = |code: i64| json!({"state": {"terminated": {"exitCode": code}}});
        let running = json!({"state": {"running": {}}});
        let never = pod("Never", Value::Null);
        assert_eq!(
            finished_phase(&never, &[done(0), done(0)]),
            Some("Succeeded")
        );
        assert_eq!(finished_phase(&never, &[done(0), done(1)]), Some("Failed"));
        assert_eq!(finished_phase(&never, &[done(0), running]), None);
        assert_eq!(
            finished_phase(&pod("Always", Value::Null), &[done(0)]),
            None
        );
    }
}
