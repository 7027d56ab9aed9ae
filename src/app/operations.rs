//! The dialogs' requests to the cluster and their answers. `update` returns an
//! [`OpRequest`] as an effect; the runtime runs it as a task (a change through the
//! mutation gate) and sends what happened back as [`Msg::OpReport`](super::Msg::OpReport):
//! the loop never waits for the API server.

use super::msg::Effect;
use super::state::State;
use crate::cluster::ObjectKey;
use crate::cluster::forward_target::ForwardChoices;
use crate::cluster::ops::debug_pod::LeftoverPod;
use crate::cluster::ops::{Operation, Refusal, Revision};
use crate::cluster::session_target::SessionTarget;

/// What a dialog reads before it can ask (nothing is changed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Load {
    /// The rollout history of a Deployment, StatefulSet or DaemonSet (revisions, templates,
    /// containers).
    History(ObjectKey),
    /// What deleting an object takes with it.
    Dependents(ObjectKey),
    /// The pod (a workload's first ready one) and containers a shell or attach can go
    /// into.
    SessionTarget {
        /// A pod, or a workload.
        key: ObjectKey,
        /// For attach (containers need `stdin` and `tty`).
        attach: bool,
    },
    /// The pod and ports a forward to a pod, Service or workload can go to, each with the
    /// local port the dialog suggests.
    ForwardTarget(ObjectKey),
    /// Wait until a pod runs (the debug pod of `:run`).
    PodRunning(ObjectKey),
    /// Wait until a pod's container has ended, for its exit code (the debug pod).
    ContainerExit(ObjectKey),
    /// The debug pods an earlier kdeck left behind in a namespace (`None`: all).
    LeftoverPods(Option<String>),
}

/// A request of a dialog, tagged with the id its answer comes back with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpRequest {
    /// Read something for the open dialog.
    Load {
        /// Answer id.
        id: u64,
        /// What to read.
        load: Load,
    },
    /// Send a change through the gate.
    Mutate {
        /// Answer id.
        id: u64,
        /// The change.
        operation: Operation,
    },
}

/// What came back for a request.
#[derive(Debug, Clone, PartialEq)]
pub enum OpReport {
    /// A step of a running operation (the canary's new pods).
    Progress(String),
    /// The change was made; kubectl's words for it.
    Done(String),
    /// The change failed: the API server's message or kdeck's (kubectl's) refusal.
    Failed {
        /// What to show.
        message: String,
        /// Which refusal, when kdeck refused before sending.
        refusal: Option<Refusal>,
    },
    /// The rollout history, oldest revision first.
    History(Result<Vec<Revision>, String>),
    /// What a delete takes with it.
    Dependents(Result<Vec<ObjectKey>, String>),
    /// Where a shell or attach can go.
    SessionTarget(Result<SessionTarget, String>),
    /// What a forward can go to, and the local port suggested for each port (the same
    /// number when it is free here, else a free one).
    ForwardTarget(Result<(ForwardChoices, Vec<u16>), String>),
    /// The pod runs, or why it will not.
    PodRunning(Result<(), String>),
    /// The container's exit code, or why it is not known.
    ContainerExit(Result<i32, String>),
    /// Debug pods left behind.
    LeftoverPods(Result<Vec<LeftoverPod>, String>),
}

/// Applies what came back for request `id`: the steps of a debug pod, the target of a
/// shell or attach, or a dialog's answer.
pub fn report(state: &mut State, id: u64, report: OpReport, effects: &mut Vec<Effect>) {
    if super::run_pod::report(state, id, &report, effects) {
        return;
    }
    match report {
        OpReport::History(found) if super::history_screen::report(state, id, &found) => {}
        OpReport::SessionTarget(found) => {
            super::shell_session::target_found(state, id, found, effects);
        }
        report => super::dialog_screen::report(state, id, report),
    }
}
