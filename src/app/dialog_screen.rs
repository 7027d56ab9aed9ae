//! The dialogs as part of the dashboard: opening the dialog of a mutating key (and asking
//! for what it needs to show), handing it keys, sending what it confirms through the
//! gate, and taking the answers (a failed change brings its dialog back). The dialogs
//! themselves are [`dialog`](super::dialog), which names nothing of the app.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::dialog::confirm::ConfirmDialog;
use super::dialog::image::{self, ImageDialog};
use super::dialog::scale::ScaleDialog;
use super::dialog::undo::UndoDialog;
use super::dialog::{Dialog, DialogKey, Start, Step};
use super::msg::{Effect, Msg};
use super::navigation::selected_key;
use super::operations::{Load, OpReport, OpRequest};
use super::rollout::RolloutCache;
use super::state::{RolloutView, Screen, State};
use crate::action::Action;
use crate::cluster::ops::Operation;
use crate::cluster::ops::{Propagation, Refusal};
use crate::cluster::{Detail, Kind, ObjectKey};

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
