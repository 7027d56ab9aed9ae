//! The history view as one of the dashboard's screens: opening it on a Deployment,
//! asking for its revisions whenever the Deployment's ReplicaSets change, taking the
//! answers, and its keys. The view itself is [`history_view`](super::history_view), which
//! names nothing of the app.

use super::history_view::{HistoryView, Keyed};
use super::msg::Effect;
use super::operations::{Load, OpRequest};
use super::state::{Screen, State};
use crate::action::Action;
use crate::cluster::ops::Revision;
use crate::cluster::{Kind, ObjectKey};

/// Opens the history view of the selected Deployment (`v`), or of the Deployment
/// `name` in the namespace shown (`:history NAME`).
pub fn open(state: &mut State, name: Option<String>, effects: &mut Vec<Effect>) {
    let key = match name {
        Some(name) => {
            let Some(namespace) = state.namespace.clone() else {
                state.status = Some(
                    ":history NAME needs a namespace (:ns NAME), or select the Deployment"
                        .to_owned(),
                );
                return;
            };
            ObjectKey {
                kind: Kind::Deployment,
                namespace,
                name,
            }
        }
        None => match super::navigation::selected_key(state) {
            Some(key) if key.kind == Kind::Deployment => key,
            Some(key) => {
                state.status = Some(format!(
                    "history works on Deployments, not {}",
                    key.kind.word()
                ));
                return;
            }
            None => {
                state.status = Some("history: select a Deployment".to_owned());
                return;
            }
        },
    };
    if let Screen::History(view) = state.screen()
        && view.namespace == key.namespace
        && view.name == key.name
    {
        return;
    }
    state
        .screens
        .push(Screen::History(Box::new(HistoryView::new(
            &key.namespace,
            &key.name,
        ))));
    follow(state, effects);
}

/// Reads the shown history view's revisions again when its ReplicaSets changed (once
/// per frame, after the updates of the frame are applied).
pub fn follow(state: &mut State, effects: &mut Vec<Effect>) {
    let Screen::History(view) = state.screen() else {
        return;
    };
    let Some(signature) = view.stale(&state.stores) else {
        return;
    };
    let id = state.dialogs.next_id();
    let Some(Screen::History(view)) = state.screen_mut() else {
        return;
    };
    let key = view.reading(signature, id);
    effects.push(Effect::Ops(OpRequest::Load {
        id,
        load: Load::History(key),
    }));
}

/// Takes the answer to a history view's read; returns whether `id` was one.
pub fn report(state: &mut State, id: u64, found: &Result<Vec<Revision>, String>) -> bool {
    for screen in state.screens.iter_mut().rev() {
        if let Screen::History(view) = screen
            && view.load_id == id
        {
            view.loaded(found.clone());
            return true;
        }
    }
    false
}

/// The shown history view's own keys; returns whether the key was the view's.
pub fn key(state: &mut State, action: &Action) -> bool {
    let size = state.size;
    let Some(Screen::History(view)) = state.screen_mut() else {
        return false;
    };
    match view.key(action, size) {
        None => false,
        Some(Keyed::Scrolled) => true,
        Some(Keyed::Marked(said)) => {
            state.status = said;
            state.status_ok = true;
            true
        }
    }
}
