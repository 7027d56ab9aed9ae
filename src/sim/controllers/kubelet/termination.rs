//! When a deleted pod's containers stop. The kubelet sends SIGTERM as the deletion
//! starts; most images exit within a second or two, and the pod is removed once every
//! container has stopped. The grace period is only the upper bound: a container that
//! ignores SIGTERM is killed (SIGKILL, exit code 137) when it ends.
//!
//! Which containers ignore SIGTERM (the one rule, kept here):
//! - every container of a pod annotated `sim.kdeck.dev/ignore-sigterm: "true"`;
//! - a container whose main process is `sleep` (`command: ["sleep", "infinity"]`, or a
//!   shell running `sh -c "sleep 3600"`): as PID 1 without a handler, `sleep` ignores
//!   SIGTERM, the classic pod that takes its whole 30 seconds to go.
//!
//! The others exit 0.5 to 3 simulated seconds after SIGTERM. The delay is drawn from the
//! pod's namespace, name and creation time, which a seeded cluster on a manual clock
//! repeats, so such a cluster stops its pods the same way every run.

use jiff::{SignedDuration, Timestamp};
use serde_json::Value;

use crate::sim::controllers::meta::{annotation, name, namespace, time_at};
use crate::sim::controllers::pod_template_hash;

/// The pod annotation that makes every container of the pod ignore SIGTERM.
pub const IGNORE_SIGTERM_ANNOTATION: &str = "sim.kdeck.dev/ignore-sigterm";

/// Whether the container `spec` of `pod` ignores SIGTERM (see the module's rule).
pub fn ignores_sigterm(pod: &Value, spec: &Value) -> bool {
    if annotation(pod, IGNORE_SIGTERM_ANNOTATION) == Some("true") {
        return true;
    }
    let words: Vec<&str> = ["command", "args"]
        .iter()
        .flat_map(|field| spec[*field].as_array().into_iter().flatten())
        .filter_map(Value::as_str)
        .collect();
    let main = match words.as_slice() {
        [shell, flag, script, ..] if is_shell(shell) && *flag == "-c" => {
            script.split_whitespace().next().unwrap_or("")
        }
        [first, ..] => first,
        [] => "",
    };
    main.rsplit('/').next() == Some("sleep")
}

/// Whether `program` is a shell (`sh`, `/bin/bash`...).
pub(super) fn is_shell(program: &str) -> bool {
    matches!(
        program.rsplit('/').next(),
        Some("sh" | "bash" | "ash" | "dash")
    )
}

/// When a container of `pod` stops: `sigterm_exit` for one that exits on SIGTERM, or
/// `deadline` (the deletion timestamp, end of the grace period) for one that ignores it.
pub fn exit_time(pod: &Value, spec: &Value, deadline: Timestamp) -> Timestamp {
    if ignores_sigterm(pod, spec) {
        deadline
    } else {
        sigterm_exit(pod, deadline).min(deadline)
    }
}

/// When a container that honours SIGTERM exits: 0.5 to 2 seconds after the first whole
/// second following the deletion. The deletion timestamp has whole seconds, so that is
/// 0.5 to 3 seconds after the deletion itself, and always after it.
fn sigterm_exit(pod: &Value, deadline: Timestamp) -> Timestamp {
    let grace = pod["metadata"]["deletionGracePeriodSeconds"]
        .as_i64()
        .unwrap_or(0);
    let started = deadline
        .saturating_sub(SignedDuration::from_secs(grace))
        .unwrap_or(deadline);
    let key = format!(
        "{}/{}/{}",
        namespace(pod),
        name(pod),
        pod["metadata"]["creationTimestamp"].as_str().unwrap_or("")
    );
    let spread = hash_millis(&key) % 1_500;
    started
        .saturating_add(SignedDuration::from_millis(1_500 + spread))
        .unwrap_or(started)
}

/// A number drawn from `key` (the FNV hash the template hashes use).
fn hash_millis(key: &str) -> i64 {
    pod_template_hash::hash_json(&Value::String(key.into()), None)
        .bytes()
        .fold(0_i64, |n, b| (n * 31 + i64::from(b)) % 1_000_003)
}

/// The end of a deleted pod's grace period: its deletion timestamp.
pub fn deadline(pod: &Value) -> Option<Timestamp> {
    time_at(pod, "/metadata/deletionTimestamp")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn pod(command: &Value, annotations: &Value) -> (Value, Value) {
        let spec = json!({"name": "c", "image": "busybox", "command": command});
        let pod = json!({"metadata": {"name": "p", "namespace": "default", "creationTimestamp": "2026-01-01T00:00:00Z",
            "annotations": annotations, "deletionGracePeriodSeconds": 30, "deletionTimestamp": "2026-01-01T00:01:30Z"},
            "spec": {"containers": [spec.clone()]}});
        (pod, spec)
    }

    #[test]
    fn sleep_and_the_annotation_ignore_sigterm_and_others_do_not() {
        for (command, ignores) in [
            (json!(["sleep", "infinity"]), true),
            (json!(["/bin/sleep", "3600"]), true),
            (json!(["sh", "-c", "sleep 3600"]), true),
            (json!(["nginx", "-g", "daemon off;"]), false),
            (json!(["sh", "-c", "exec nginx"]), false),
            (Value::Null, false),
        ] {
            let (p, spec) = pod(&command, &Value::Null);
            assert_eq!(ignores_sigterm(&p, &spec), ignores, "{command}");
        }
        let (p, spec) = pod(&Value::Null, &json!({IGNORE_SIGTERM_ANNOTATION: "true"}));
        assert!(ignores_sigterm(&p, &spec));
    }

    #[test]
    fn a_container_exits_half_a_second_to_three_seconds_after_sigterm() {
        let (p, spec) = pod(&Value::Null, &Value::Null);
        let deadline = deadline(&p).unwrap();
        let deleted: Timestamp = "2026-01-01T00:01:00Z".parse().unwrap();
        let exit = exit_time(&p, &spec, deadline);
        let after = exit.duration_since(deleted);
        assert!(after >= SignedDuration::from_millis(1_500), "{after}");
        assert!(after < SignedDuration::from_secs(3), "{after}");
        assert_eq!(
            exit_time(&p, &spec, deadline),
            exit,
            "the same pod, the same delay"
        );
        let (sleeper, spec) = pod(&json!(["sleep", "infinity"]), &Value::Null);
        assert_eq!(exit_time(&sleeper, &spec, deadline), deadline);
    }
}
