//! The runtime: everything that does I/O around the pure dashboard of [`app`](crate::app).
//! Start-up ([`run`]), the event loop, the effect runner ([`Io`]) and what its tasks
//! send back ([`Inbox`]), the editor's and the dialogs' tasks, the clipboard, the demo
//! cluster. The files under `app/` change state only; the files here talk to the world.
//!
//! [`App`] is the step the loop takes for every message: `step` (= `app::update`) on the
//! state, then every effect it returns run by [`Io`]. The tests' driver takes the same
//! step, so what tests drive is what runs.

mod clipboard;
mod demo;
mod edit_io;
mod effects;
mod event_loop;
mod forward_task;
mod frame_trace;
mod inbox;
pub mod operations;
mod raw_input;
mod startup;
mod stream_io;
mod terminal_handover;

pub use effects::{ClipboardTarget, Io, IoOptions};
pub use inbox::{Inbound, Inbox};
pub use startup::run;

use crate::app::{Effect, Msg, State, update};
use crate::cluster::{Cluster, ConnectOptions};

/// The dashboard's state and the hands that perform its effects.
pub struct App {
    /// The state (tests read it).
    pub state: State,
    io: Io,
}

impl App {
    /// An app showing `state` over `cluster`; what its effects find arrives on the
    /// returned [`Inbox`].
    pub fn new(
        state: State,
        cluster: Cluster,
        opts: ConnectOptions,
        options: IoOptions,
    ) -> (Self, Inbox) {
        let (io, inbox) = Io::new(cluster, opts, options);
        (Self { state, io }, inbox)
    }

    /// One step: `msg` applied to the state, then every effect it returned performed.
    pub fn step(&mut self, msg: impl Into<Msg>) {
        self.step_seeing(msg, |_| {});
    }

    /// [`App::step`], showing each effect to `see` before it is performed (the tests'
    /// driver counts the answers it will wait for).
    pub fn step_seeing(&mut self, msg: impl Into<Msg>, mut see: impl FnMut(&Effect)) {
        let effects = update(&mut self.state, msg);
        effects.iter().for_each(&mut see);
        self.io.perform(effects);
        self.io.drop_hidden_logs(&self.state);
    }

    /// The message of what arrived: a finished context switch first swaps the new
    /// connection in (the old one's watches stop).
    pub fn receive(&mut self, inbound: Inbound) -> Msg {
        match inbound {
            Inbound::Msg(msg) => msg,
            Inbound::Switched(name, result) => self.io.switched(name, result),
            Inbound::Session(id, opened) => self.io.streams().session_opened(id, opened),
        }
    }

    /// The terminal session that opened: the loop hands it the terminal (a test may
    /// drive it instead). Its end goes back to `step` as `StreamMsg::SessionEnded`.
    pub fn take_session(&mut self) -> Option<(u64, crate::cluster::exec::TerminalSession)> {
        self.io.streams().take_session()
    }

    /// The `$EDITOR` run an effect asked for, which needs the terminal.
    pub(crate) fn take_external_edit(&mut self) -> Option<edit_io::ExternalEdit> {
        self.io.take_external_edit()
    }
}
