//! What the effects' tasks send back, read as messages: the event loop and the tests'
//! driver both wait on [`Inbox::next`], so both see the same batches in the same order.

use tokio::sync::mpsc;

use crate::app::Msg;
use crate::cluster::exec::TerminalSession;
use crate::cluster::{Cluster, ClusterUpdate, LogChunk, RowsClaim};

/// Cluster updates taken in one message before input is looked at again.
const UPDATE_BATCH: usize = 4096;

/// What arrived.
pub enum Inbound {
    /// A message for `step`.
    Msg(Msg),
    /// A context switch finished: the context name and the new connection (or why not).
    /// The runtime swaps the connection in before `step` hears of it.
    Switched(String, anyhow::Result<Cluster>),
    /// A terminal session opened (or why not): the runtime keeps it for the loop, which
    /// hands it the terminal, before `step` hears of it.
    Session(u64, Result<TerminalSession, String>),
}

/// The receiving ends of what an [`Io`](super::Io)'s tasks send.
pub struct Inbox {
    /// Rows and watch states.
    pub(super) updates: mpsc::UnboundedReceiver<ClusterUpdate>,
    /// Results of fetches and operations.
    pub(super) messages: mpsc::UnboundedReceiver<Msg>,
    /// Context switches.
    pub(super) connected: mpsc::UnboundedReceiver<(String, anyhow::Result<Cluster>)>,
    /// Log lines.
    pub(super) log_chunks: mpsc::UnboundedReceiver<(u64, LogChunk)>,
    /// Terminal sessions opened.
    pub(super) sessions: mpsc::UnboundedReceiver<super::stream_io::Opened>,
}

impl Inbox {
    /// The next thing that arrived; cluster updates come as one batch of what is queued
    /// (up to `UPDATE_BATCH`), as do log chunks. Pending forever when every sender is
    /// gone (the caller's `select!` has other branches).
    pub async fn next(&mut self) -> Inbound {
        tokio::select! {
            biased;
            Some(first) = self.updates.recv() => {
                let mut batch = vec![settled(first)];
                while batch.len() < UPDATE_BATCH {
                    match self.updates.try_recv() {
                        Ok(more) => batch.push(settled(more)),
                        Err(_) => break,
                    }
                }
                Inbound::Msg(Msg::Cluster(batch))
            }
            Some((stream, chunk)) = self.log_chunks.recv() => {
                Inbound::Msg(Msg::LogStream { stream, chunk })
            }
            Some(msg) = self.messages.recv() => Inbound::Msg(msg),
            Some((name, result)) = self.connected.recv() => Inbound::Switched(name, result),
            Some((id, session)) = self.sessions.recv() => Inbound::Session(id, session),
            else => std::future::pending().await,
        }
    }
}

/// `update` with its rows copied on this thread, the loop's, and the watches' copies freed.
///
/// The watches build rows on the runtime's worker threads, among the list pages' buffers
/// and decoded objects, which live a moment. glibc's malloc gives each thread an arena of
/// its own, so the kept rows pinned the workers' arenas full of holes: at 50,000 pods
/// three worker arenas held 150 MiB beside a 40 MiB main heap. Copied here, every row
/// kdeck keeps is packed in the loop thread's heap, and what the workers allocate is all
/// freed again and reused by the next page. A copy costs far less than the decode that
/// made the row.
fn settled(update: ClusterUpdate) -> ClusterUpdate {
    let copied = |rows: Vec<crate::cluster::Row>| rows.clone();
    match update {
        ClusterUpdate::Listed {
            kind,
            rows,
            first,
            claim,
        } => {
            let rows = copied(rows);
            // The watch's copies are gone: it may read on.
            drop(claim);
            ClusterUpdate::Listed {
                kind,
                rows,
                first,
                claim: RowsClaim::default(),
            }
        }
        ClusterUpdate::Reset { kind, rows } => ClusterUpdate::Reset {
            kind,
            rows: copied(rows),
        },
        ClusterUpdate::Applied { kind, rows } => ClusterUpdate::Applied {
            kind,
            rows: copied(rows),
        },
        other => other,
    }
}
