//! Port-forwards, the dashboard's side: `F` on a pod, Service or workload opens the
//! forward dialog; forwards run in the background (the runtime's tasks) and report
//! what happens to them; `:pf` lists them (local address, target, bytes in and out,
//! connections, state) and `X` there stops one. A forward whose pod goes away says so;
//! for a Service or workload the runtime moves it to another ready pod. The header
//! counts the active ones.

use std::net::SocketAddr;

use super::dialog::Dialog;
use super::dialog::port_forward::ForwardDialog;
use super::msg::Effect;
use super::navigation::selected_key;
use super::operations::{Load, OpRequest};
use super::state::{Screen, State};
use super::stream_msg::{ForwardUpdate, StreamRequest};
use crate::action::Action;
use crate::cluster::Kind;
use crate::cluster::forward_target::ForwardPlan;
use crate::cluster::port_forward::ForwardStats;

/// Where a forward is in its life.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ForwardState {
    /// Asked for; not listening yet.
    Starting,
    /// Listening and forwarding.
    Active,
    /// Its pod went: moving to another ready pod of its Service or workload (waiting for
    /// one, then listening again).
    Moving,
    /// The user stopped it; waiting for the port to close.
    Stopping,
    /// Over by itself (its pod went, or it failed): why. Listed until removed.
    Ended(String),
}

/// One forward.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Forward {
    /// Its id.
    pub id: u64,
    /// What it forwards (the pod and port it goes to now).
    pub plan: ForwardPlan,
    /// Where it listens, once it does.
    pub local: Option<SocketAddr>,
    /// Its counters.
    pub stats: ForwardStats,
    /// Its state.
    pub state: ForwardState,
    /// The last thing that went wrong with a connection, if any.
    pub last_error: Option<String>,
}

impl Forward {
    /// The local address, or the one asked for while it starts.
    pub fn local_text(&self) -> String {
        match (self.local, self.plan.local_port) {
            (Some(addr), _) => addr.to_string(),
            (None, Some(port)) if port > 0 => format!("{}:{port}", self.plan.address),
            (None, _) => format!("{}:…", self.plan.address),
        }
    }

    /// What the STATE column says.
    pub fn state_text(&self) -> String {
        match &self.state {
            ForwardState::Starting => "starting".to_owned(),
            ForwardState::Active => "active".to_owned(),
            // The POD column names the pod that went.
            ForwardState::Moving => "pod gone: moving to a ready pod".to_owned(),
            ForwardState::Stopping => "stopping".to_owned(),
            ForwardState::Ended(why) => why.clone(),
        }
    }

    /// Whether it forwards, or will again.
    pub fn is_active(&self) -> bool {
        matches!(
            self.state,
            ForwardState::Starting | ForwardState::Active | ForwardState::Moving
        )
    }

    fn summary(&self) -> String {
        let via = if self.plan.target.kind == Kind::Pod {
            String::new()
        } else {
            format!(" (pod {}:{})", self.plan.pod, self.plan.remote_port)
        };
        format!("{} -> {}{via}", self.local_text(), self.plan.target_text())
    }
}

/// The forwards of the session, in the order they were started.
#[derive(Debug, Clone, Default)]
pub struct Forwards {
    /// The forwards.
    pub list: Vec<Forward>,
    next_id: u64,
}

impl Forwards {
    /// How many forward (or will again).
    pub fn active(&self) -> usize {
        self.list.iter().filter(|f| f.is_active()).count()
    }
}

/// The `:pf` screen.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ForwardsView {
    /// The selected forward.
    pub selected: usize,
}

/// The kinds `F` forwards to.
pub const FORWARDABLE: [Kind; 5] = [
    Kind::Pod,
    Kind::Service,
    Kind::Deployment,
    Kind::ReplicaSet,
    Kind::StatefulSet,
];

/// `F`: opens the forward dialog on the selected pod, Service or workload.
pub fn open_dialog(state: &mut State, effects: &mut Vec<Effect>) {
    let key = match selected_key(state) {
        Some(key) if FORWARDABLE.contains(&key.kind) => key,
        Some(key) => {
            state.status = Some(format!(
                "port-forward works on pods, Services, Deployments, ReplicaSets and StatefulSets, not {}",
                key.kind.word()
            ));
            return;
        }
        None => {
            state.status = Some("port-forward: nothing selected".to_owned());
            return;
        }
    };
    let id = state.dialogs.next_id();
    state.dialogs.open = Some(Dialog::Forward(ForwardDialog::new(key.clone())));
    state.dialogs.open_id = id;
    state.dialogs.error = None;
    effects.push(Effect::Ops(OpRequest::Load {
        id,
        load: Load::ForwardTarget(key),
    }));
}

/// Starts the forward the dialog planned.
pub fn start(state: &mut State, plan: ForwardPlan, effects: &mut Vec<Effect>) {
    state.forwards.next_id += 1;
    let id = state.forwards.next_id;
    let forward = Forward {
        id,
        plan: plan.clone(),
        local: None,
        stats: ForwardStats::default(),
        state: ForwardState::Starting,
        last_error: None,
    };
    state.status = Some(format!("port-forward {}…", forward.summary()));
    state.status_ok = true;
    state.forwards.list.push(forward);
    effects.push(Effect::Stream(StreamRequest::StartForward { id, plan }));
}

/// Applies what happened to forward `id`.
pub fn update(state: &mut State, id: u64, update: ForwardUpdate) {
    let Some(at) = state.forwards.list.iter().position(|f| f.id == id) else {
        return;
    };
    let forward = &mut state.forwards.list[at];
    let mut status = None;
    match update {
        ForwardUpdate::Listening(addr) => {
            let first = forward.local.is_none();
            forward.local = Some(addr);
            if forward.state != ForwardState::Stopping {
                forward.state = ForwardState::Active;
            }
            // After a move it listens again on the same port: "moved" says it already.
            if first {
                status = Some((
                    format!("forwarding {} · :pf lists the forwards", forward.summary()),
                    true,
                ));
            }
        }
        ForwardUpdate::Stats(stats) => forward.stats = stats,
        ForwardUpdate::Error(message) => forward.last_error = Some(message),
        ForwardUpdate::PodGone { pod } => {
            let moves = forward.plan.target.kind != Kind::Pod;
            forward.state = if moves {
                ForwardState::Moving
            } else {
                ForwardState::Ended("pod gone".to_owned())
            };
            let then = if moves {
                format!(
                    "looking for another ready pod of {}",
                    forward.plan.target_text()
                )
            } else {
                "the forward stopped".to_owned()
            };
            status = Some((
                format!(
                    "port-forward {}: pod {pod} is gone; {then}",
                    forward.local_text()
                ),
                false,
            ));
        }
        // Active again once it listens on its port again (the next update).
        ForwardUpdate::Moved { pod, remote_port } => {
            forward.plan.pod.clone_from(&pod);
            forward.plan.remote_port = remote_port;
            status = Some((
                format!(
                    "port-forward {} moved to pod {pod}:{remote_port}",
                    forward.local_text()
                ),
                true,
            ));
        }
        ForwardUpdate::Failed(message) => {
            status = Some((
                format!("port-forward {}: {message}", forward.summary()),
                false,
            ));
            forward.state = ForwardState::Ended(message);
        }
        ForwardUpdate::Stopped => match &forward.state {
            ForwardState::Stopping => {
                status = Some((format!("stopped port-forward {}", forward.summary()), true));
                state.forwards.list.remove(at);
            }
            ForwardState::Ended(_) => {}
            _ => forward.state = ForwardState::Ended("stopped".to_owned()),
        },
    }
    if let Some((message, ok)) = status {
        state.status = Some(message);
        state.status_ok = ok;
    }
    let len = state.forwards.list.len();
    if let Some(Screen::Forwards(view)) = state.screen_mut() {
        view.selected = view.selected.min(len.saturating_sub(1));
    }
}

/// `:pf`: shows the forwards.
pub fn show(state: &mut State) {
    if !matches!(state.screen(), Screen::Forwards(_)) {
        state
            .screens
            .push(Screen::Forwards(ForwardsView::default()));
    }
}

/// The keys of the `:pf` screen: `X` (delete) stops the selected forward, or removes one
/// that is over. Returns whether the key was the screen's.
pub fn key(state: &mut State, action: &Action, effects: &mut Vec<Effect>) -> bool {
    let Screen::Forwards(view) = state.screen() else {
        return false;
    };
    if *action != Action::Delete {
        return false;
    }
    let selected = view.selected;
    let Some(forward) = state.forwards.list.get_mut(selected) else {
        state.status = Some("no port-forward to stop".to_owned());
        return true;
    };
    match forward.state {
        ForwardState::Ended(_) => {
            state.forwards.list.remove(selected);
            let len = state.forwards.list.len();
            if let Some(Screen::Forwards(view)) = state.screen_mut() {
                view.selected = view.selected.min(len.saturating_sub(1));
            }
        }
        ForwardState::Stopping => {}
        _ => {
            forward.state = ForwardState::Stopping;
            state.status = Some(format!("stopping port-forward {}…", forward.summary()));
            state.status_ok = true;
            effects.push(Effect::Stream(StreamRequest::StopForward(forward.id)));
        }
    }
    true
}
