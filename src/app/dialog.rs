//! The dialogs of the mutating keys: each one asks for what its operation needs
//! (replicas, container and image, a revision, a yes), names exactly what will be
//! sent, and on confirm returns the [`Operation`] as an effect. While a dialog is open
//! every key goes to it (see [`key_action`]). A change that fails brings its dialog
//! back with the user's input and the server's message, to fix and retry; when another
//! dialog is open, it comes back once that one closes, failures in the order they came.

pub mod confirm;
pub mod container_picker;
pub mod image;
pub mod leftover_pods;
pub mod port_forward;
pub mod scale;
pub mod undo;

use std::collections::{BTreeMap, VecDeque};

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use self::confirm::ConfirmDialog;
use self::container_picker::ContainerPicker;
use self::image::ImageDialog;
use self::leftover_pods::LeftoverDialog;
use self::port_forward::ForwardDialog;
use self::scale::ScaleDialog;
use self::undo::UndoDialog;
use super::msg::{Effect, Msg};
use super::navigation::selected_key;
use super::operations::{Load, OpReport, OpRequest};
use super::rollout::RolloutCache;
use super::state::{RolloutView, Screen, State};
use crate::action::Action;
use crate::cluster::ops::Operation;
use crate::cluster::ops::{Propagation, Refusal};
use crate::cluster::{Detail, Kind, ObjectKey};

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
        purpose: crate::app::shell_session::Purpose,
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
    fn key(&mut self, key: DialogKey) -> Step {
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
    pub(crate) fn next_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    /// Shows `dialog`, or queues it behind the open one.
    pub fn show(&mut self, dialog: Dialog) {
        self.bring_back(dialog, String::new());
    }

    /// Shows `dialog` with `error`, or queues it behind the open dialog.
    fn bring_back(&mut self, dialog: Dialog, error: String) {
        if self.open.is_some() {
            self.failed.push_back((dialog, error));
        } else {
            self.open = Some(dialog);
            self.error = (!error.is_empty()).then_some(error);
        }
    }

    /// The open dialog closed: the next failed change's dialog takes its place.
    fn closed(&mut self) {
        if let Some((dialog, error)) = self.failed.pop_front() {
            self.open = Some(dialog);
            self.error = (!error.is_empty()).then_some(error);
        }
    }
}

/// Starts what a mutating key does: opens its dialog (and asks for what it needs to
/// show), or sends at once (pause, resume), or says why it cannot.
pub fn open(state: &mut State, action: &Action, effects: &mut Vec<Effect>) {
    match begin(state, action) {
        Ok(Begin::Dialog(dialog, load)) => {
            let id = state.dialogs.next_id();
            state.dialogs.open = Some(dialog);
            state.dialogs.open_id = id;
            state.dialogs.error = None;
            if let Some(load) = load {
                effects.push(Effect::Ops(OpRequest::Load { id, load }));
            }
        }
        Ok(Begin::Send(operation)) => send(state, None, operation, effects),
        Err(message) => {
            state.status = Some(message);
            state.status_ok = false;
        }
    }
}

enum Begin {
    /// Open this dialog, loading what it shows.
    Dialog(Dialog, Option<Load>),
    /// Nothing to ask: send.
    Send(Operation),
}

fn begin(state: &State, action: &Action) -> Result<Begin, String> {
    let what = action.description();
    let key = selected_key(state).ok_or_else(|| format!("{what}: nothing selected"))?;
    let detail = state
        .stores
        .of(key.kind)
        .find(&key.namespace, &key.name)
        .map(|r| &r.detail);
    let deployment = if let Some(Detail::Deployment(d)) = detail {
        Ok(d)
    } else {
        Err(format!(
            "{what} works on Deployments, not {}",
            key.kind.word()
        ))
    };
    let history = || Some(Load::History(key.clone()));
    Ok(match action {
        Action::Scale => {
            let desired = match detail {
                Some(Detail::Deployment(d)) => d.desired,
                Some(Detail::ReplicaSet(r)) => r.desired,
                Some(Detail::StatefulSet(s)) => s.desired,
                _ => {
                    return Err(format!(
                        "scale works on Deployments, ReplicaSets and StatefulSets, not {}",
                        key.kind.word()
                    ));
                }
            };
            let current = u32::try_from(desired).unwrap_or(0);
            Begin::Dialog(Dialog::Scale(ScaleDialog::new(key, current)), None)
        }
        // A Deployment with a plan: `c` continues it (takes it over) when nobody drives it.
        Action::Canary if super::canary_plan::has_plan(&state.stores, &key) => Begin::Dialog(
            Dialog::Confirm(ConfirmDialog::new(super::canary_plan::continue_operation(
                &state.canary,
                &state.stores,
                state.now,
                &key,
            )?)),
            None,
        ),
        Action::Hold => {
            deployment?;
            Begin::Send(super::canary_plan::hold_operation(
                &state.canary,
                &state.stores,
                state.now,
                &key,
            )?)
        }
        Action::SetImage | Action::Canary => {
            let replicas = deployment?.desired;
            let canary = *action == Action::Canary;
            let mut dialog = ImageDialog::new(key.clone(), canary);
            if canary {
                dialog = dialog.with_plans(image::PlanContext {
                    settings: state.canary.settings.clone(),
                    identity: state.canary.identity.clone(),
                    replicas,
                    opened: state.now,
                });
            }
            Begin::Dialog(Dialog::Image(dialog), history())
        }
        Action::Undo => {
            let paused =
                match key.kind {
                    Kind::StatefulSet | Kind::DaemonSet => false,
                    _ => deployment
                        .map_err(|_| {
                            format!(
                                "undo works on Deployments, StatefulSets and DaemonSets, not {}",
                                key.kind.word()
                            )
                        })?
                        .paused,
                };
            // From the history view, the revision under its cursor.
            let preferred = match state.screen() {
                Screen::History(view) => view.cursor_revision(),
                _ => None,
            };
            Begin::Dialog(
                Dialog::Undo(UndoDialog::new(key.clone(), paused).preferring(preferred)),
                history(),
            )
        }
        // On a CronJob, pause and resume are its suspend and resume, asked first: unlike
        // a paused rollout, a suspended CronJob silently skips its runs.
        Action::Pause | Action::Resume if key.kind == Kind::CronJob => Begin::Dialog(
            Dialog::Confirm(ConfirmDialog::new(Operation::Suspend {
                key,
                suspend: *action == Action::Pause,
            })),
            None,
        ),
        Action::Pause => {
            deployment?;
            Begin::Send(Operation::Pause(key))
        }
        Action::Resume => {
            deployment?;
            Begin::Send(Operation::Resume(key))
        }
        Action::Trigger => {
            if key.kind != Kind::CronJob {
                return Err(format!(
                    "run now works on CronJobs, not {}",
                    key.kind.word()
                ));
            }
            Begin::Dialog(
                Dialog::Confirm(ConfirmDialog::new(Operation::Trigger(key))),
                None,
            )
        }
        Action::Restart => {
            if !matches!(
                key.kind,
                Kind::Deployment | Kind::StatefulSet | Kind::DaemonSet
            ) {
                return Err(format!(
                    "restart works on Deployments, StatefulSets and DaemonSets, not {}",
                    key.kind.word()
                ));
            }
            Begin::Dialog(
                Dialog::Confirm(ConfirmDialog::new(Operation::Restart(key))),
                None,
            )
        }
        Action::Promote | Action::Abort => {
            deployment?;
            let operation = match action {
                Action::Promote => Operation::Promote(key),
                _ => Operation::Abort(key),
            };
            Begin::Dialog(Dialog::Confirm(ConfirmDialog::new(operation)), None)
        }
        Action::Delete => {
            let load = Some(Load::Dependents(key.clone()));
            let operation = Operation::Delete {
                key,
                propagation: Propagation::Background,
            };
            Begin::Dialog(Dialog::Confirm(ConfirmDialog::new(operation)), load)
        }
        _ => return Err(format!("{what}: not available yet in this build")),
    })
}

/// Applies a key to the open dialog.
pub fn key(state: &mut State, key: DialogKey, effects: &mut Vec<Effect>) {
    let Some(mut dialog) = state.dialogs.open.take() else {
        return;
    };
    state.dialogs.error = None;
    match dialog.key(key) {
        Step::Stay => state.dialogs.open = Some(dialog),
        Step::Error(e) => {
            state.dialogs.open = Some(dialog);
            state.dialogs.error = Some(e);
        }
        Step::Cancel => {
            state.status = Some("cancelled: nothing was sent".to_owned());
            state.status_ok = false;
            state.dialogs.closed();
        }
        Step::Send(operation) => {
            send(state, Some(dialog), operation, effects);
            state.dialogs.closed();
        }
        Step::SendEach(operations) => {
            for operation in operations {
                send(state, None, operation, effects);
            }
            state.dialogs.closed();
        }
        Step::Start(start) => {
            state.dialogs.closed();
            match start {
                Start::Session { target, purpose } => {
                    crate::app::shell_session::open(state, target, purpose, false, effects);
                }
                Start::Forward(plan) => crate::app::port_forwards::start(state, plan, effects),
            }
        }
    }
}

fn send(
    state: &mut State,
    dialog: Option<Dialog>,
    mut operation: Operation,
    effects: &mut Vec<Effect>,
) {
    let id = state.dialogs.next_id();
    state.status = Some(format!("{operation}…"));
    state.status_ok = true;
    // A plan's start or take-over is stamped now, and followed by the canary engine.
    super::canary_plan::user_sent(&mut state.canary, state.now, id, &mut operation);
    match &operation {
        Operation::Canary(plan) => show_rollout(state, &plan.key),
        Operation::PlanStart(start) => show_rollout(state, &start.key),
        _ => {}
    }
    state.dialogs.sent.insert(id, dialog);
    effects.push(Effect::Ops(OpRequest::Mutate { id, operation }));
}

/// Shows the rollout view of the Deployment (old versus new pods) unless it is shown.
fn show_rollout(state: &mut State, key: &ObjectKey) {
    if let Screen::Rollout(r) = state.screen()
        && r.namespace == key.namespace
        && r.name == key.name
    {
        return;
    }
    state.screens.push(Screen::Rollout(RolloutView {
        namespace: key.namespace.clone(),
        name: key.name.clone(),
        selected: 0,
        cache: RolloutCache::default(),
        new_pod_logs: None,
    }));
}

/// Applies what came back for request `id`.
pub fn report(state: &mut State, id: u64, report: OpReport) {
    let dialogs = &mut state.dialogs;
    match report {
        OpReport::Progress(message) => {
            if let Some(dialog) = dialogs.sent.get_mut(&id) {
                // The change is made (a canary's patch is in): nothing to retry from its dialog.
                *dialog = None;
                state.status = Some(message);
                state.status_ok = true;
            }
        }
        OpReport::Done(message) => {
            dialogs.sent.remove(&id);
            state.status = Some(message);
            state.status_ok = true;
        }
        OpReport::Failed { message, refusal } => {
            let mut status = message.clone();
            if let Some(Some(mut dialog)) = dialogs.sent.remove(&id) {
                // kubectl refuses to undo a paused Deployment: offer resume-and-undo.
                if let (Dialog::Undo(undo), Some(Refusal::Paused)) = (&mut dialog, refusal) {
                    undo.paused = true;
                }
                if dialogs.open.is_some() {
                    status.push_str(" (its dialog comes back when this one closes)");
                }
                dialogs.bring_back(dialog, message);
            }
            state.status = Some(status);
            state.status_ok = false;
        }
        OpReport::History(history) if id == dialogs.open_id => match &mut dialogs.open {
            Some(Dialog::Image(d)) => d.loaded(history),
            Some(Dialog::Undo(d)) => d.loaded(history),
            _ => {}
        },
        OpReport::Dependents(found) if id == dialogs.open_id => {
            if let Some(Dialog::Confirm(d)) = &mut dialogs.open {
                d.dependents = Some(found);
            }
        }
        OpReport::ForwardTarget(found) if id == dialogs.open_id => {
            if let Some(Dialog::Forward(d)) = &mut dialogs.open {
                d.loaded(found);
            }
        }
        OpReport::History(_)
        | OpReport::Dependents(_)
        | OpReport::ForwardTarget(_)
        | OpReport::SessionTarget(_)
        | OpReport::PodRunning(_)
        | OpReport::ContainerExit(_)
        | OpReport::LeftoverPods(_) => {}
    }
}

/// What a terminal key does while a dialog is open (every key goes to the dialog).
pub fn key_action(key: &KeyEvent) -> Option<Msg> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    let control = key.modifiers.contains(KeyModifiers::CONTROL);
    let dialog_key = match key.code {
        KeyCode::Char('u') if control => DialogKey::Clear,
        KeyCode::Char(c) if !control => DialogKey::Char(c),
        KeyCode::Backspace => DialogKey::Backspace,
        KeyCode::Enter => DialogKey::Enter,
        KeyCode::Esc => DialogKey::Esc,
        KeyCode::Up => DialogKey::Up,
        KeyCode::Down => DialogKey::Down,
        KeyCode::PageUp => DialogKey::PageUp,
        KeyCode::PageDown => DialogKey::PageDown,
        KeyCode::Tab | KeyCode::BackTab => DialogKey::Tab,
        _ => return None,
    };
    Some(Msg::DialogKey(dialog_key))
}
