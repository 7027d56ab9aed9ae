//! The dialogs' requests to the cluster and their answers. `update` returns an
//! [`OpRequest`] as an effect; the runtime runs it as a task (a change through the
//! mutation gate) and sends what happened back as [`Msg::OpReport`](super::Msg::OpReport):
//! the loop never waits for the API server.

use crate::cluster::ObjectKey;
use crate::cluster::ops::{Operation, Refusal, Revision};

/// What a dialog reads before it can ask (nothing is changed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Load {
    /// The rollout history of a Deployment, StatefulSet or DaemonSet (revisions, templates,
    /// containers).
    History(ObjectKey),
    /// What deleting an object takes with it.
    Dependents(ObjectKey),
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
}
