//! A port-forward's life in the background: started through the gate, its events and
//! counters sent to the dashboard (the counters while connections are open, once a
//! second at most, and only when they changed: an idle forward sends nothing), stopped
//! on request. When its pod goes away, a forward to a Service or workload moves to
//! another ready pod on the same local port; one to a pod says so and ends.

use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::mpsc::{self, UnboundedSender};
use tokio_util::sync::CancellationToken;

use crate::app::Msg;
use crate::app::stream_msg::{ForwardUpdate, StreamMsg};
use crate::cluster::forward_target::{self, ForwardPlan};
use crate::cluster::port_forward::{ForwardEvent, ForwardStats, PortForward};
use crate::cluster::{Cluster, Kind};

/// How often the counters of a forward with open connections are looked at.
const STATS_EVERY: Duration = Duration::from_secs(1);
/// How often a forward whose pod went looks for another ready pod.
const RETRY_EVERY: Duration = Duration::from_secs(1);

/// The local port the dialog suggests for a pod port: the same number when it is free
/// on 127.0.0.1, else one the system says is free.
pub async fn suggest_local_port(remote: u16) -> u16 {
    let free = |port: u16| async move {
        TcpListener::bind(("127.0.0.1", port))
            .await
            .ok()
            .and_then(|l| l.local_addr().ok())
            .map(|a| a.port())
    };
    match free(remote).await {
        Some(port) => port,
        None => free(0).await.unwrap_or(0),
    }
}

/// Starts forward `id` of `plan` as a task; what happens comes back on `messages`.
/// Cancelling the returned token stops it.
pub fn spawn(
    cluster: &Arc<Cluster>,
    id: u64,
    plan: ForwardPlan,
    messages: UnboundedSender<Msg>,
) -> CancellationToken {
    let stop = CancellationToken::new();
    let reporter = Reporter { id, messages };
    tokio::spawn(supervise(Arc::clone(cluster), plan, reporter, stop.clone()));
    stop
}

struct Reporter {
    id: u64,
    messages: UnboundedSender<Msg>,
}

impl Reporter {
    fn send(&self, update: ForwardUpdate) {
        let _ = self.messages.send(Msg::Stream(StreamMsg::Forward {
            id: self.id,
            update,
        }));
    }
}

/// How one pod's forward ended.
enum Ended {
    /// The user stopped it.
    Stopped,
    /// Its pod went.
    PodGone,
}

async fn supervise(
    cluster: Arc<Cluster>,
    mut plan: ForwardPlan,
    reporter: Reporter,
    stop: CancellationToken,
) {
    let permit = match cluster
        .gate()
        .permit(format!("port-forward {}", plan.target_text()))
    {
        Ok(permit) => permit,
        Err(refused) => {
            reporter.send(ForwardUpdate::Failed(refused.to_string()));
            return;
        }
    };
    loop {
        let (tx, events) = mpsc::unbounded_channel();
        let forward = match PortForward::start(&permit, plan.spec(), tx).await {
            Ok(forward) => forward,
            Err(e) => {
                reporter.send(ForwardUpdate::Failed(e.to_string()));
                return;
            }
        };
        // A move keeps the port the clients know.
        plan.local_port = Some(forward.local_addr().port());
        match forward_events(forward, events, &reporter, &stop).await {
            Ended::Stopped => {
                reporter.send(ForwardUpdate::Stopped);
                return;
            }
            Ended::PodGone => reporter.send(ForwardUpdate::PodGone {
                pod: plan.pod.clone(),
            }),
        }
        if plan.target.kind == Kind::Pod {
            reporter.send(ForwardUpdate::Stopped);
            return;
        }
        let Some((pod, remote_port)) = another_pod(&cluster, &plan, &stop).await else {
            reporter.send(ForwardUpdate::Stopped);
            return;
        };
        plan.pod.clone_from(&pod);
        plan.remote_port = remote_port;
        reporter.send(ForwardUpdate::Moved { pod, remote_port });
    }
}

/// Reports `forward`'s events and counters until it is stopped or its pod goes; its
/// port is closed when this returns.
async fn forward_events(
    forward: PortForward,
    mut events: mpsc::UnboundedReceiver<ForwardEvent>,
    reporter: &Reporter,
    stop: &CancellationToken,
) -> Ended {
    let mut ticker = tokio::time::interval(STATS_EVERY);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut sent = ForwardStats::default();
    let mut send_stats = |forward: &PortForward| {
        let now = forward.stats();
        if now != sent {
            sent = now;
            reporter.send(ForwardUpdate::Stats(now));
        }
    };
    let ended = loop {
        tokio::select! {
            () = stop.cancelled() => break Ended::Stopped,
            event = events.recv() => match event {
                Some(ForwardEvent::Listening(addr)) => reporter.send(ForwardUpdate::Listening(addr)),
                Some(ForwardEvent::ConnectionOpened(_) | ForwardEvent::ConnectionClosed(_)) => {
                    send_stats(&forward);
                }
                Some(ForwardEvent::Error(message)) => reporter.send(ForwardUpdate::Error(message)),
                Some(ForwardEvent::PodGone) => break Ended::PodGone,
                // Ends only when told to, or when the pod goes (reported first).
                Some(ForwardEvent::Stopped) | None => break Ended::Stopped,
            },
            _ = ticker.tick(), if forward.stats().open > 0 => send_stats(&forward),
        }
    };
    send_stats(&forward);
    forward.stop().await;
    ended
}

/// Another ready pod for `plan` (and its container port), tried until one is found or
/// the forward is stopped (`None`).
async fn another_pod(
    cluster: &Cluster,
    plan: &ForwardPlan,
    stop: &CancellationToken,
) -> Option<(String, u16)> {
    loop {
        let found = cluster
            .read_with(|client| async move { forward_target::another_pod(&client, plan).await })
            .await;
        if let Ok(Some(found)) = found {
            return Some(found);
        }
        tokio::select! {
            () = stop.cancelled() => return None,
            () = tokio::time::sleep(RETRY_EVERY) => {}
        }
    }
}
