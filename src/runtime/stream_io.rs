//! The runtime's side of shells, attach sessions and port-forwards: a session is opened
//! as a task (through the gate) and kept for the loop, which hands it the terminal; a
//! forward runs as a task ([`forward_task`](super::forward_task)) until stopped.

use std::collections::HashMap;
use std::sync::Arc;

use tokio::sync::mpsc::{self, UnboundedReceiver, UnboundedSender};
use tokio_util::sync::CancellationToken;

use super::forward_task;
use crate::app::Msg;
use crate::app::stream_msg::{ForwardUpdate, SessionKind, StreamMsg, StreamRequest};
use crate::cluster::Cluster;
use crate::cluster::exec::{self, TerminalSession};

/// A session that opened (or why not), as its task sends it.
pub type Opened = (u64, Result<TerminalSession, String>);

/// The streams of one runtime.
pub struct StreamIo {
    opened: UnboundedSender<Opened>,
    /// A terminal session waiting for the loop to hand it the terminal.
    session: Option<(u64, TerminalSession)>,
    /// The running port-forwards, each stopped by cancelling its token.
    forwards: HashMap<u64, CancellationToken>,
}

impl StreamIo {
    /// The streams, and where opened sessions arrive (the inbox reads it).
    pub fn new() -> (Self, UnboundedReceiver<Opened>) {
        let (opened, sessions) = mpsc::unbounded_channel();
        let io = Self {
            opened,
            session: None,
            forwards: HashMap::new(),
        };
        (io, sessions)
    }

    /// The terminal session that opened, for the loop to hand the terminal to.
    pub fn take_session(&mut self) -> Option<(u64, TerminalSession)> {
        self.session.take()
    }

    /// Keeps an opened session for the loop; returns the message for `step`.
    pub fn session_opened(&mut self, id: u64, opened: Result<TerminalSession, String>) -> Msg {
        Msg::Stream(match opened {
            Ok(session) => {
                let command = session.command.clone();
                self.session = Some((id, session));
                StreamMsg::SessionOpened { id, command }
            }
            Err(message) => StreamMsg::SessionFailed { id, message },
        })
    }

    /// Opens a terminal session, or starts or stops a port-forward, as a task; what
    /// happens comes back on `messages` (an opened session on the inbox).
    pub fn perform(
        &mut self,
        cluster: &Arc<Cluster>,
        request: StreamRequest,
        messages: &UnboundedSender<Msg>,
    ) {
        match request {
            StreamRequest::OpenSession {
                id,
                target,
                kind,
                size,
            } => {
                let cluster = Arc::clone(cluster);
                let tx = self.opened.clone();
                tokio::spawn(async move {
                    let what = match kind {
                        SessionKind::Shell(_) => format!("shell in pod/{}", target.pod),
                        SessionKind::Attach => format!("attach to pod/{}", target.pod),
                    };
                    let opened = match cluster.gate().permit(what) {
                        Err(refused) => Err(refused.to_string()),
                        Ok(permit) => match kind {
                            SessionKind::Shell(commands) => {
                                exec::open_shell(&permit, &target, &commands, size).await
                            }
                            SessionKind::Attach => exec::attach(&permit, &target, size).await,
                        }
                        .map_err(|e| e.to_string()),
                    };
                    let _ = tx.send((id, opened));
                });
            }
            StreamRequest::StartForward { id, plan } => {
                let stop = forward_task::spawn(cluster, id, plan, messages.clone());
                self.forwards.insert(id, stop);
            }
            StreamRequest::StopForward(id) => {
                if let Some(stop) = self.forwards.remove(&id) {
                    stop.cancel();
                } else {
                    // It ended by itself: nothing runs to stop.
                    let update = ForwardUpdate::Stopped;
                    let _ = messages.send(Msg::Stream(StreamMsg::Forward { id, update }));
                }
            }
        }
    }
}
