//! `:run IMAGE [-- ARGS]`, the throwaway debug pod (`kubectl run --rm -it`), the
//! dashboard's side: create the pod in the current namespace (through the gate, like
//! any change), wait for it to run, attach to it, delete it when the session ends, each
//! step on the status line. When kdeck starts, debug pods an earlier kdeck left behind
//! are offered for deletion.

use super::dialog::Dialog;
use super::dialog::leftover_pods::LeftoverDialog;
use super::msg::Effect;
use super::operations::{Load, OpReport, OpRequest};
use super::shell_session::{Purpose, Session};
use super::state::State;
use crate::cluster::exec::{ContainerRef, SessionEnd};
use crate::cluster::ops::{DebugPod, Operation, Propagation};
use crate::cluster::{Kind, ObjectKey};

/// Where the debug pod is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DebugPhase {
    /// Being created (the create's answer id).
    Creating(u64),
    /// Created; waiting for it to run (the wait's answer id).
    Starting(u64),
    /// Attached (the session's id).
    Attached(u64),
    /// The session ended; waiting for the container's exit code (the wait's answer id).
    Ending(u64),
    /// Being deleted (the delete's answer id).
    Deleting(u64),
}

/// The debug pod of this session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DebugRun {
    /// The pod.
    pub pod: ObjectKey,
    /// Where it is.
    pub phase: DebugPhase,
    /// How its session ended (said again once the pod is deleted).
    pub ended: Option<String>,
}

/// The debug pods' part of the state.
#[derive(Debug, Clone, Default)]
pub struct DebugPods {
    /// The one running, if any.
    pub run: Option<DebugRun>,
    /// The answer id of the look for leftovers.
    pub leftovers: Option<u64>,
    started: u64,
}

/// A pod name from an image: `kdeck-` and the image's last path part without its tag
/// (`kdeck-busybox`), then a suffix from `seed` (a DNS label, at most 63 characters).
pub fn pod_name(image: &str, seed: u64) -> String {
    let base = image.rsplit('/').next().unwrap_or(image);
    let base = base.split(['@', ':']).next().unwrap_or(base);
    let base: String = base
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .take(40)
        .collect();
    let base = base.trim_matches('-');
    let alphabet = b"bcdfghjklmnpqrstvwxz2456789";
    let mut n = seed;
    let suffix: String = (0..5)
        .map(|_| {
            let c = alphabet[(n % alphabet.len() as u64) as usize];
            n /= alphabet.len() as u64;
            char::from(c)
        })
        .collect();
    if base.is_empty() {
        format!("kdeck-run-{suffix}")
    } else {
        format!("kdeck-{base}-{suffix}")
    }
}

/// `:run`: creates the debug pod (`image`, else the configured one; `args` after `--`).
pub fn run(state: &mut State, image: Option<String>, args: Vec<String>, effects: &mut Vec<Effect>) {
    let image = image.unwrap_or_else(|| state.debug_image.clone());
    if state.readonly {
        state.status = Some(format!(
            "read-only session: run {image} was not sent (it would create a pod and attach to it)"
        ));
        return;
    }
    let Some(namespace) = state.namespace.clone() else {
        state.status = Some(
            ":run creates the pod in the namespace shown: choose one first (:ns NAME)".to_owned(),
        );
        return;
    };
    if let Some(run) = &state.debug_pods.run {
        state.status = Some(format!(
            "the debug pod {} is still running; one at a time",
            run.pod.name
        ));
        return;
    }
    state.debug_pods.started += 1;
    let seed = state.now.as_millisecond().unsigned_abs() * 31 + state.debug_pods.started;
    let pod = DebugPod {
        namespace: namespace.clone(),
        name: pod_name(&image, seed),
        image,
        args,
    };
    let id = state.dialogs.next_id();
    let operation = Operation::RunPod(pod.clone());
    state.status = Some(format!("{operation}…"));
    state.status_ok = true;
    state.debug_pods.run = Some(DebugRun {
        pod: ObjectKey {
            kind: Kind::Pod,
            namespace,
            name: pod.name,
        },
        phase: DebugPhase::Creating(id),
        ended: None,
    });
    effects.push(Effect::Ops(OpRequest::Mutate { id, operation }));
}

/// Asks once, when kdeck starts, for the debug pods an earlier kdeck left behind.
pub fn look_for_leftovers(state: &mut State, effects: &mut Vec<Effect>) {
    if state.readonly {
        return;
    }
    let id = state.dialogs.next_id();
    state.debug_pods.leftovers = Some(id);
    effects.push(Effect::Ops(OpRequest::Load {
        id,
        load: Load::LeftoverPods(state.namespace.clone()),
    }));
}

fn delete(state: &mut State, effects: &mut Vec<Effect>) {
    let Some(run) = &mut state.debug_pods.run else {
        return;
    };
    let id = state.dialogs.next_id();
    run.phase = DebugPhase::Deleting(id);
    let operation = Operation::Delete {
        key: run.pod.clone(),
        propagation: Propagation::Background,
    };
    let before = run
        .ended
        .as_deref()
        .map_or(String::new(), |e| format!("{e} · "));
    state.status = Some(format!("{before}deleting pod/{}…", run.pod.name));
    effects.push(Effect::Ops(OpRequest::Mutate { id, operation }));
}

/// Takes the reports of the debug pod's steps (and of the look for leftovers); returns
/// whether `id` was one of them.
pub fn report(state: &mut State, id: u64, report: &OpReport, effects: &mut Vec<Effect>) -> bool {
    if state.debug_pods.leftovers == Some(id) {
        state.debug_pods.leftovers = None;
        // Asked unbidden: a failure (a user who may not list pods) is not worth a word.
        if let OpReport::LeftoverPods(Ok(pods)) = report
            && !pods.is_empty()
        {
            state
                .dialogs
                .show(Dialog::Leftovers(LeftoverDialog { pods: pods.clone() }));
        }
        return true;
    }
    let Some(run) = state.debug_pods.run.clone() else {
        return false;
    };
    match (run.phase, report) {
        (DebugPhase::Creating(at), OpReport::Done(message)) if at == id => {
            let load_id = state.dialogs.next_id();
            if let Some(run) = &mut state.debug_pods.run {
                run.phase = DebugPhase::Starting(load_id);
            }
            state.status = Some(format!("{message}; waiting for it to run…"));
            state.status_ok = true;
            effects.push(Effect::Ops(OpRequest::Load {
                id: load_id,
                load: Load::PodRunning(run.pod),
            }));
        }
        (DebugPhase::Creating(at), OpReport::Failed { message, .. }) if at == id => {
            state.debug_pods.run = None;
            state.status = Some(message.clone());
            state.status_ok = false;
        }
        (DebugPhase::Starting(at), OpReport::PodRunning(Ok(()))) if at == id => {
            let target = ContainerRef {
                namespace: run.pod.namespace.clone(),
                pod: run.pod.name.clone(),
                container: Some(run.pod.name.clone()),
            };
            let session = super::shell_session::open(state, target, Purpose::Attach, true, effects);
            if let Some(run) = &mut state.debug_pods.run {
                run.phase = DebugPhase::Attached(session);
            }
        }
        (DebugPhase::Starting(at), OpReport::PodRunning(Err(why))) if at == id => {
            if let Some(run) = &mut state.debug_pods.run {
                run.ended = Some(why.clone());
            }
            delete(state, effects);
            state.status_ok = false;
        }
        (DebugPhase::Ending(at), OpReport::ContainerExit(code)) if at == id => {
            if let (Some(run), Ok(code)) = (&mut state.debug_pods.run, code) {
                let title = run.ended.as_deref().unwrap_or_default();
                let title = title.strip_suffix(" ended").unwrap_or(title);
                run.ended = Some(format!("{title} exited {code}"));
                state.status_ok = *code == 0;
            }
            let ok = state.status_ok;
            delete(state, effects);
            state.status_ok = ok;
        }
        (DebugPhase::Deleting(at), OpReport::Done(message)) if at == id => {
            state.debug_pods.run = None;
            let before = run.ended.map_or(String::new(), |e| format!("{e} · "));
            state.status = Some(format!("{before}{message}"));
        }
        (DebugPhase::Deleting(at), OpReport::Failed { message, .. }) if at == id => {
            state.debug_pods.run = None;
            state.status = Some(format!(
                "{message} (delete it with X on the pods pane; kdeck offers it again next time)"
            ));
            state.status_ok = false;
        }
        _ => return false,
    }
    true
}

/// The debug pod's session is over (it ended, or could not open): delete the pod.
pub fn session_over(
    state: &mut State,
    session: &Session,
    end: &Result<SessionEnd, String>,
    effects: &mut Vec<Effect>,
) {
    let Some(run) = &mut state.debug_pods.run else {
        return;
    };
    if !session.debug_pod || run.phase != DebugPhase::Attached(session.id) {
        return;
    }
    run.ended.clone_from(&state.status);
    if end.is_err() {
        // It never opened: nothing ran, nothing to wait for.
        delete(state, effects);
        state.status_ok = false;
        return;
    }
    // How the shell ended is the container's exit code (kubectl run -it exits with it).
    let id = state.dialogs.next_id();
    run.phase = DebugPhase::Ending(id);
    effects.push(Effect::Ops(OpRequest::Load {
        id,
        load: Load::ContainerExit(run.pod.clone()),
    }));
}

#[cfg(test)]
mod tests {
    use super::pod_name;

    #[test]
    fn pod_names_are_dns_labels_from_the_image() {
        assert_eq!(pod_name("busybox", 0), "kdeck-busybox-bbbbb");
        let name = pod_name("registry.k8s.io/e2e-test-images/jessie-dnsutils:1.3", 12345);
        assert!(name.starts_with("kdeck-jessie-dnsutils-"), "{name}");
        assert_ne!(pod_name("busybox", 1), pod_name("busybox", 2));
        let long = pod_name(&"x".repeat(300), 7);
        assert!(long.len() <= 63, "{long}");
        assert_eq!(
            pod_name("Weird_Image@sha256:abc", 0),
            "kdeck-weird-image-bbbbb"
        );
    }
}
