//! What a shell, an attach session and a port-forward ask the runtime for
//! ([`StreamRequest`], an [`Effect::Stream`]) and what comes back
//! ([`StreamMsg`], a [`Msg::Stream`](super::Msg::Stream)). The terminal session itself never
//! enters the state: the runtime holds it and the loop hands it the terminal.

use std::net::SocketAddr;

use super::msg::Effect;
use super::state::State;
use crate::cluster::exec::{ContainerRef, SessionEnd};
use crate::cluster::forward_target::ForwardPlan;
use crate::cluster::port_forward::ForwardStats;

/// What runs in the container.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionKind {
    /// A shell: each command tried in order until one exists.
    Shell(Vec<Vec<String>>),
    /// Attach to the main process.
    Attach,
}

/// A stream the runtime opens, or stops.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StreamRequest {
    /// Open a terminal session in `target`, sized `size` (columns, rows); answered by
    /// [`StreamMsg::SessionOpened`] (the loop then hands it the terminal) or
    /// [`StreamMsg::SessionFailed`].
    OpenSession {
        /// The session's id.
        id: u64,
        /// The container.
        target: ContainerRef,
        /// Shell or attach.
        kind: SessionKind,
        /// The terminal's size.
        size: (u16, u16),
    },
    /// Start a port-forward in the background; its life comes back as
    /// [`StreamMsg::Forward`].
    StartForward {
        /// The forward's id.
        id: u64,
        /// What to forward.
        plan: ForwardPlan,
    },
    /// Stop forward `id` (answered by its [`ForwardUpdate::Stopped`]).
    StopForward(u64),
}

/// A change in a forward's life.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ForwardUpdate {
    /// Listening at this address.
    Listening(SocketAddr),
    /// Its counters now (sent when they change, while connections are open).
    Stats(ForwardStats),
    /// A connection failed (the forward goes on).
    Error(String),
    /// The pod went away; for a Service or workload another ready pod is looked for.
    PodGone {
        /// The pod that went.
        pod: String,
    },
    /// The forward goes to another pod now.
    Moved {
        /// The new pod.
        pod: String,
        /// The container port on it.
        remote_port: u16,
    },
    /// Stopped: the local port is closed.
    Stopped,
    /// It could not start (or could not go on): why. The local port is closed.
    Failed(String),
}

/// What the runtime says about the streams.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StreamMsg {
    /// The session is open; the loop gives it the terminal now.
    SessionOpened {
        /// The session's id.
        id: u64,
        /// The command that runs (empty for attach).
        command: Vec<String>,
    },
    /// The session could not be opened: why.
    SessionFailed {
        /// The session's id.
        id: u64,
        /// Why.
        message: String,
    },
    /// The session ended; the dashboard is in front again.
    SessionEnded {
        /// The session's id.
        id: u64,
        /// How.
        end: SessionEnd,
    },
    /// Forward `id` changed.
    Forward {
        /// The forward's id.
        id: u64,
        /// What happened.
        update: ForwardUpdate,
    },
}

/// Applies what the runtime said about a stream.
pub fn apply(state: &mut State, msg: StreamMsg, effects: &mut Vec<Effect>) {
    if let StreamMsg::Forward { id, update } = msg {
        super::port_forwards::update(state, id, update);
    } else if let Some((session, end)) = super::shell_session::stream(state, &msg) {
        super::run_pod::session_over(state, &session, &end, effects);
    }
}
