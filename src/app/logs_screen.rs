//! The logs views as screens of the dashboard: opening one on what is selected, keeping
//! every logs view of the breadcrumb (and the rollout view's canary pane) in line with
//! the pod rows, handing chunks to the view that owns their stream, and handing the shown
//! view its keys and prompt, acting on what it says. The views themselves are
//! [`logs`](super::logs), which names nothing of the app.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::logs::sources::{pod_containers, pod_view, reconcile_view, workload_view};
use super::logs::{Handled, LogEffect, LogScope, LogSettings, LogsView, PromptEdit, apply_chunk};
use super::msg::{Effect, Msg};
use super::navigation::selected_row;
use super::rows::Stores;
use super::state::{RolloutView, Screen, State};
use crate::action::Action;
use crate::cluster::{Kind, LogChunk};
use crate::keymap::{Keymap, Section};

impl From<LogEffect> for Effect {
    fn from(effect: LogEffect) -> Self {
        match effect {
            LogEffect::StartLogs(request) => Self::StartLogs(request),
            LogEffect::CopyText(text) => Self::CopyText(text),
            LogEffect::SaveText { path, text } => Self::SaveText { path, text },
        }
    }
}

/// Runs a logs view's step and adds what it asked for to `effects`.
fn with_log_effects<T>(
    effects: &mut Vec<Effect>,
    step: impl FnOnce(&mut Vec<LogEffect>) -> T,
) -> T {
    let mut asked = Vec::new();
    let done = step(&mut asked);
    effects.extend(asked.into_iter().map(Effect::from));
    done
}

/// The action of a key while a logs view is shown, before `[normal]` is asked: the
/// prompt's text keys while one is open, else the keymap's `[logs]` section.
pub fn logs_key_action(keymap: &Keymap, view: &LogsView, key: &KeyEvent) -> Option<Msg> {
    if view.prompt.is_some() {
        return match key.code {
            KeyCode::Char('u') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                Some(Msg::InputClear)
            }
            KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
                Some(Msg::InputChar(c))
            }
            KeyCode::Backspace => Some(Msg::InputBackspace),
            KeyCode::Enter => Some(Msg::InputSubmit),
            KeyCode::Esc => Some(Msg::InputCancel),
            _ => None,
        };
    }
    if view.picker.is_some() {
        return None;
    }
    keymap
        .action_for(Section::Logs, key)
        .cloned()
        .map(Msg::Action)
}

/// Handles `action` on the logs view shown; `false` if it is not the view's to handle.
pub fn key(state: &mut State, action: &Action, effects: &mut Vec<Effect>) -> bool {
    let page = state.page_rows();
    let stores = &state.stores;
    let Some(Screen::Logs(view)) = state.screens.last_mut() else {
        return false;
    };
    match with_log_effects(effects, |fx| view.action(action, stores, page, fx)) {
        Handled::NotMine => false,
        Handled::Done | Handled::Submitted(_) => true,
        Handled::Said(message) => {
            state.status = Some(message);
            true
        }
    }
}

/// Text typed into the prompt of the logs view shown; `false` when no prompt is open.
pub fn input(state: &mut State, msg: &Msg, effects: &mut Vec<Effect>) -> bool {
    let page = state.page_rows();
    let Some(Screen::Logs(view)) = state.screens.last_mut() else {
        return false;
    };
    if view.prompt.is_none() {
        return false;
    }
    let edit = match msg {
        Msg::InputChar(c) => PromptEdit::Char(*c),
        Msg::InputText(text) => PromptEdit::Text(text.clone()),
        Msg::InputBackspace => PromptEdit::Backspace,
        Msg::InputClear => PromptEdit::Clear,
        Msg::InputCancel => PromptEdit::Cancel,
        Msg::InputSubmit => PromptEdit::Submit,
        _ => return true,
    };
    if let Handled::Submitted(message) =
        with_log_effects(effects, |fx| view.prompt_input(edit, page, fx))
    {
        state.status = message;
    }
    true
}

/// `l`: opens the logs of what is selected (a pod, container, Deployment or ReplicaSet).
pub fn open_selected(state: &mut State, effects: &mut Vec<Effect>) {
    let settings = state.log_settings;
    let view = match state.screen() {
        Screen::Table(t) => {
            let Some(row) = selected_row(state) else {
                state.status = Some("nothing selected to show the logs of".to_owned());
                return;
            };
            let ns = row.meta.namespace.clone();
            let name = row.meta.name.clone();
            match t.kind {
                Kind::Pod => pod_view(&state.stores, &ns, &name, None, settings),
                Kind::Deployment | Kind::ReplicaSet => workload_view(&ns, t.kind, &name, settings),
                _ => {
                    state.status =
                        Some("l shows the logs of pods, deployments and replicasets".to_owned());
                    return;
                }
            }
        }
        Screen::Rollout(r) => workload_view(&r.namespace, Kind::Deployment, &r.name, settings),
        Screen::Containers(c) => {
            let container = pod_containers(&state.stores, &c.namespace, &c.name)
                .get(c.selected)
                .cloned();
            let (ns, name) = (c.namespace.clone(), c.name.clone());
            pod_view(&state.stores, &ns, &name, container, settings)
        }
        _ => {
            state.status = Some("l shows the logs of pods, deployments and replicasets".to_owned());
            return;
        }
    };
    let mut view = view;
    with_log_effects(effects, |fx| reconcile_view(&state.stores, &mut view, fx));
    state.screens.push(Screen::Logs(Box::new(view)));
}

/// Brings the sources of every logs view in the breadcrumb (and the canary pane) in line
/// with the pod rows: new pods join, gone pods are marked. Returns the streams to start.
pub fn reconcile(state: &mut State) -> Vec<Effect> {
    let mut effects = Vec::new();
    state.refresh_views();
    let settings = state.log_settings;
    let State {
        screens, stores, ..
    } = state;
    for screen in screens.iter_mut() {
        match screen {
            Screen::Logs(view) => {
                with_log_effects(&mut effects, |fx| reconcile_view(stores, view, fx));
            }
            Screen::Rollout(r) => {
                canary_pane(stores, r, settings);
                if let Some(view) = r.new_pod_logs.as_mut() {
                    with_log_effects(&mut effects, |fx| reconcile_view(stores, view, fx));
                }
            }
            _ => {}
        }
    }
    effects
}

/// Opens (or moves) the canary pane of a rollout view onto the current ReplicaSet once
/// pods of an older one run beside its pods.
fn canary_pane(stores: &Stores, r: &mut RolloutView, settings: LogSettings) {
    let cache = &r.cache;
    let Some(current) = cache
        .current
        .and_then(|i| cache.replica_sets.get(i))
        .and_then(|slot| stores.of(Kind::ReplicaSet).get(*slot))
    else {
        return;
    };
    let shown = r.new_pod_logs.as_ref().is_some_and(
        |v| matches!(&v.scope, LogScope::Workload { name, .. } if *name == current.meta.name),
    );
    let old_pods = cache
        .pods_by_rs
        .iter()
        .enumerate()
        .any(|(i, pods)| Some(i) != cache.current && !pods.is_empty());
    if !shown && old_pods {
        let mut view = workload_view(&r.namespace, Kind::ReplicaSet, &current.meta.name, settings);
        view.settings.tail_lines = view.settings.tail_lines.min(50);
        r.new_pod_logs = Some(Box::new(view));
    }
}

/// The ids of the streams every logs view of the breadcrumb needs, and the canary plans'
/// log gates.
pub fn active_streams(state: &State) -> std::collections::HashSet<u64> {
    state
        .screens
        .iter()
        .filter_map(|s| match s {
            Screen::Logs(view) => Some(view),
            Screen::Rollout(r) => r.new_pod_logs.as_ref(),
            _ => None,
        })
        .flat_map(|view| view.active_streams())
        .chain(super::canary_plan::active_streams(&state.canary))
        .collect()
}

/// Applies a chunk of stream `stream` to the logs view that owns it (chunks of a view
/// already left are dropped).
pub fn chunk(state: &mut State, stream: u64, chunk: LogChunk) {
    for screen in state.screens.iter_mut().rev() {
        let view = match screen {
            Screen::Logs(view) => view,
            Screen::Rollout(r) => match r.new_pod_logs.as_mut() {
                Some(view) => view,
                None => continue,
            },
            _ => continue,
        };
        if let Some(i) = view.source_of(stream) {
            apply_chunk(view, i, chunk);
            return;
        }
    }
}
