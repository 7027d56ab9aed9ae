//! The dialogs of the mutating keys: each one asks for what its operation needs
//! (replicas, container and image, a revision, a yes), names exactly what will be
//! sent, and on confirm returns the [`Operation`] as a [`Step`]. While a dialog is open
//! every key goes to it (as a [`DialogKey`]). A change that fails brings its dialog
//! back with the user's input and the server's message, to fix and retry; when another
//! dialog is open, it comes back once that one closes, failures in the order they came.
//! Opening them, sending what they confirm and taking the answers is app's
//! `dialog_screen`; this module names nothing of the app.

pub mod confirm;
pub mod container_picker;
pub mod image;
pub mod leftover_pods;
pub mod port_forward;
pub mod scale;
pub mod undo;

use std::collections::{BTreeMap, VecDeque};

use self::confirm::ConfirmDialog;
use self::container_picker::ContainerPicker;
use self::image::ImageDialog;
use self::leftover_pods::LeftoverDialog;
use self::port_forward::ForwardDialog;
use self::scale::ScaleDialog;
use self::undo::UndoDialog;
use crate::cluster::ops::Operation;

/// A key as a dialog sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DialogKey {
    /// A printable character.
    Char(char),
    /// Erase the last character.
    Backspace,
    /// Erase the field (Ctrl-u).
    Clear,
    /// Confirm (or go to the next step).
    Enter,
    /// Cancel (or go back a step).
    Esc,
    /// Previous item / scroll up / one more.
    Up,
    /// Next item / scroll down / one less.
    Down,
    /// Scroll a page up.
    PageUp,
    /// Scroll a page down.
    PageDown,
    /// Next field or choice.
    Tab,
}

/// What a key did to a dialog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Keep the dialog open.
    Stay,
    /// Close it; nothing is sent.
    Cancel,
    /// Keep it open and say what is wrong with the input.
    Error(String),
    /// Close it and send this change.
    Send(Operation),
    /// Close it and send each of these changes.
    SendEach(Vec<Operation>),
    /// Close it and open this stream (a shell, an attach session, a port-forward).
    Start(Start),
}

/// A stream a dialog opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Start {
    /// A shell or attach session in a container.
    Session {
        /// The container.
        target: crate::cluster::exec::ContainerRef,
        /// Shell or attach.
        purpose: crate::app::session_purpose::Purpose,
    },
    /// A port-forward.
    Forward(crate::cluster::forward_target::ForwardPlan),
}

/// One open dialog.
#[derive(Debug, Clone, PartialEq)]
pub enum Dialog {
    /// Scale a Deployment, ReplicaSet or StatefulSet.
    Scale(ScaleDialog),
    /// Set an image, or start a canary.
    Image(ImageDialog),
    /// Undo to a revision.
    Undo(UndoDialog),
    /// Yes/no before restart, delete, promote, abort.
    Confirm(ConfirmDialog),
    /// Which container a shell or attach goes into.
    Container(ContainerPicker),
    /// Where to forward a local port to.
    Forward(ForwardDialog),
    /// Delete the debug pods an earlier kdeck left behind?
    Leftovers(LeftoverDialog),
}

impl Dialog {
    /// Hands the dialog a key; says what follows.
    pub fn key(&mut self, key: DialogKey) -> Step {
        match self {
            Self::Scale(d) => d.key(key),
            Self::Image(d) => d.key(key),
            Self::Undo(d) => d.key(key),
            Self::Confirm(d) => d.key(key),
            Self::Container(d) => d.key(key),
            Self::Forward(d) => d.key(key),
            Self::Leftovers(d) => d.key(key),
        }
    }
}

/// The dialogs' part of the state.
#[derive(Debug, Clone, Default)]
pub struct Dialogs {
    /// The dialog shown, taking every key.
    pub open: Option<Dialog>,
    /// Why the last Enter was not accepted, or why the change failed.
    pub error: Option<String>,
    /// The changes in flight, by answer id, each with the dialog to bring back if it fails.
    pub sent: BTreeMap<u64, Option<Dialog>>,
    /// Failed changes whose dialog (with the error) waits for the open one to close.
    pub failed: VecDeque<(Dialog, String)>,
    /// Answer id of the open dialog's load.
    pub open_id: u64,
    next_id: u64,
}

impl Dialogs {
    /// A new answer id (shared by the dialogs' requests and the loads that precede a
    /// session or a forward, so that reports never mix).
    pub fn next_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    /// Shows `dialog`, or queues it behind the open one.
    pub fn show(&mut self, dialog: Dialog) {
        self.bring_back(dialog, String::new());
    }

    /// Shows `dialog` with `error`, or queues it behind the open dialog.
    pub fn bring_back(&mut self, dialog: Dialog, error: String) {
        if self.open.is_some() {
            self.failed.push_back((dialog, error));
        } else {
            self.open = Some(dialog);
            self.error = (!error.is_empty()).then_some(error);
        }
    }

    /// The open dialog closed: the next failed change's dialog takes its place.
    pub fn closed(&mut self) {
        if let Some((dialog, error)) = self.failed.pop_front() {
            self.open = Some(dialog);
            self.error = (!error.is_empty()).then_some(error);
        }
    }
}
