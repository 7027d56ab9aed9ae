//! The YAML view as one of the dashboard's screens: opening it on the selected object
//! (or an editor creating objects), fetching the object and following its changes,
//! handing it keys, pastes and the editor's answers, and acting on what the view and its
//! editor say (the status line, closing, fetching again). The view itself is
//! [`yaml_view`](super::yaml_view), which names nothing of the app.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::editor::{
    EditReport, Editor, EditorEffect, LiveObject, Outcome, RecoveryKey, Sensitive,
};
use super::msg::{Effect, Msg};
use super::navigation::selected_key;
use super::state::{Screen, State};
use super::yaml_view::YamlView;
use super::yaml_view::command::YamlCommand;
use crate::action::Action;
use crate::cluster::ObjectKey;
use crate::keymap::Section;

/// The YAML view on top of the breadcrumb, if it is shown.
pub fn shown(state: &mut State) -> Option<&mut YamlView> {
    match state.screen_mut() {
        Some(Screen::Yaml(view)) => Some(view),
        _ => None,
    }
}

/// `y` (and `e`/`E` with `edit`): opens the YAML view of the selected object; on the
/// YAML view itself, `y` reloads it.
pub fn open(state: &mut State, edit: Option<bool>, effects: &mut Vec<Effect>) {
    if let Some(view) = shown(state) {
        view.fetching = true;
        view.pending_edit = edit.or(view.pending_edit);
        effects.push(Effect::FetchObject {
            key: view.key.clone(),
            for_edit: view.pending_edit.is_some(),
        });
        return;
    }
    let Some(key) = selected_key(state) else {
        state.status = Some("nothing selected to show as YAML".to_owned());
        return;
    };
    let mut view = YamlView::new(key.clone());
    view.pending_edit = edit;
    state.screens.push(Screen::Yaml(Box::new(view)));
    effects.push(Effect::FetchObject {
        key,
        for_edit: edit.is_some(),
    });
}

/// `:create`: an editor on a template of `kind` in the shown namespace.
pub fn create(state: &mut State, kind: crate::cluster::Kind, effects: &mut Vec<Effect>) {
    let text = super::editor::create::template(kind, &namespace_of(state));
    create_from(state, kind, None, &text, effects);
}

fn namespace_of(state: &State) -> String {
    state
        .namespace
        .clone()
        .unwrap_or_else(|| "default".to_owned())
}

/// Opens the editor creating objects from `text`: the YAML of `file`, or (`None`) a
/// kind's template. Its unsent text is recovered by the file, or by the kind.
pub fn create_from(
    state: &mut State,
    kind: crate::cluster::Kind,
    file: Option<&std::path::Path>,
    text: &str,
    effects: &mut Vec<Effect>,
) {
    let key = ObjectKey {
        kind,
        namespace: namespace_of(state),
        name: String::new(),
    };
    let recovery = match file {
        Some(path) => RecoveryKey::CreateFile(path.to_owned()),
        None => RecoveryKey::CreateNew(kind),
    };
    let editor = editor_effects(effects, |fx| {
        Editor::for_create(
            key.clone(),
            &state.connection.context,
            super::editor::EditorStyle::of(&state.theme),
            text,
            recovery,
            fx,
        )
    });
    let mut view = YamlView::new(key);
    view.fetching = false;
    view.editor = Some(Box::new(editor));
    state.screens.push(Screen::Yaml(Box::new(view)));
}

/// The object (or the error) arrived for the view of `key`.
pub fn loaded(
    state: &mut State,
    key: &ObjectKey,
    object: Result<LiveObject, String>,
    recovery: Option<Sensitive>,
    effects: &mut Vec<Effect>,
) {
    let context = state.connection.context.clone();
    let style = super::editor::EditorStyle::of(&state.theme);
    let Some(view) = state.screens.iter_mut().rev().find_map(|s| match s {
        Screen::Yaml(v) if v.key == *key => Some(v),
        _ => None,
    }) else {
        return;
    };
    view.fetching = false;
    view.stale = false;
    view.object = Some(object);
    view.rebuild();
    if let (Some(external), Some(Ok(object))) = (view.pending_edit.take(), &view.object) {
        let mut editor = Editor::open(
            key.clone(),
            &context,
            object.clone(),
            recovery,
            external,
            style,
        );
        effects.extend(editor.start_effects().into_iter().map(Effect::from));
        view.editor = Some(Box::new(editor));
    }
}

/// The keys the view handles itself: everything while editing or typing a search, else
/// the keys of the keymap's `[yaml]` section.
pub fn key_action(state: &State, key: &KeyEvent) -> Option<Msg> {
    let Screen::Yaml(view) = state.screen() else {
        return None;
    };
    if view.editor.is_some() || view.prompt.is_some() {
        return Some(Msg::YamlKey(*key));
    }
    // On the `:` and `/` lines every character is text.
    if state.mode != super::state::Mode::Normal {
        return None;
    }
    state
        .keymap
        .action_for(Section::Yaml, key)
        .cloned()
        .map(Msg::Action)
}

/// Whether every key goes to the view (its editor or its search line is open).
pub fn takes_all_keys(state: &State) -> bool {
    matches!(state.screen(), Screen::Yaml(v) if v.editor.is_some() || v.prompt.is_some())
}

/// Pasted text: into the editor as is (no auto-indent), or onto the search line.
pub fn paste(state: &mut State, text: &str, effects: &mut Vec<Effect>) {
    let Some(view) = shown(state) else {
        return;
    };
    if let Some(editor) = view.editor.as_mut() {
        editor_effects(effects, |fx| editor.paste(text, fx));
    } else if let Some(prompt) = view.prompt.as_mut() {
        prompt.extend(text.chars().filter(|c| !c.is_control()));
    }
}

/// Applies one of the view's own keys (or an editor key).
pub fn key(state: &mut State, key: KeyEvent, effects: &mut Vec<Effect>) {
    let editor_command = match state.keymap.action_for(Section::Editor, &key) {
        Some(Action::Editor(command)) => Some(*command),
        _ => None,
    };
    let view_command = match state.keymap.action_for(Section::Yaml, &key) {
        Some(Action::YamlView(command)) => Some(*command),
        _ => None,
    };
    let Some(view) = shown(state) else {
        return;
    };
    if let Some(editor) = view.editor.as_mut() {
        let outcome = editor_effects(effects, |fx| editor.key_with(key, editor_command, fx));
        editor_outcome(state, outcome, effects);
        return;
    }
    if view.prompt.is_some() {
        if let Some(said) = view.search_key(key) {
            state.status = Some(said.to_owned());
        }
        return;
    }
    if let Some(command) = view_command {
        run(state, command);
    }
}

/// Runs a `[yaml]` or `[editor]` action on the view shown; `false` if `action` is
/// neither (an editor action without an open editor does nothing).
pub fn command(state: &mut State, action: &Action, effects: &mut Vec<Effect>) -> bool {
    match action {
        Action::YamlView(command) => run(state, *command),
        Action::Editor(command) => {
            let Some(editor) = shown(state).and_then(|v| v.editor.as_mut()) else {
                return true;
            };
            let key = KeyEvent::new(KeyCode::Null, KeyModifiers::NONE);
            let outcome = editor_effects(effects, |fx| editor.key_with(key, Some(*command), fx));
            editor_outcome(state, outcome, effects);
        }
        _ => return false,
    }
    true
}

/// An answer to the editor's request.
pub fn report(state: &mut State, report: EditReport, effects: &mut Vec<Effect>) {
    let Some(editor) = shown(state).and_then(|v| v.editor.as_mut()) else {
        return;
    };
    let outcome = editor_effects(effects, |fx| editor.report(report, fx));
    editor_outcome(state, outcome, effects);
}

/// Runs an editor step and adds what it asked for to `effects`.
fn editor_effects<T>(
    effects: &mut Vec<Effect>,
    step: impl FnOnce(&mut Vec<EditorEffect>) -> T,
) -> T {
    let mut asked = Vec::new();
    let done = step(&mut asked);
    effects.extend(asked.into_iter().map(Effect::from));
    done
}

fn editor_outcome(state: &mut State, outcome: Outcome, effects: &mut Vec<Effect>) {
    if let Some((message, ok)) = outcome.status {
        state.status = Some(message);
        state.status_ok = ok;
    }
    let Some(view) = shown(state) else {
        return;
    };
    if outcome.close && view.key.name.is_empty() {
        // A `:create` view has no object to show.
        state.screens.pop();
    } else if outcome.close {
        view.editor = None;
        // Show what is on the server now (the edit may have changed it).
        view.fetching = true;
        effects.push(Effect::FetchObject {
            key: view.key.clone(),
            for_edit: false,
        });
    }
}

/// `/` on the YAML view: starts typing a search.
pub fn start_search(state: &mut State) -> bool {
    match shown(state) {
        Some(view) => {
            view.prompt = Some(String::new());
            true
        }
        None => false,
    }
}

/// Follows the object: when its row in the watch store has a newer resourceVersion,
/// refetches (or marks the view stale while the user is scrolled or editing).
pub fn follow(state: &mut State, effects: &mut Vec<Effect>) {
    let Some(Screen::Yaml(view)) = state.screens.last() else {
        return;
    };
    let Some(row) = state
        .stores
        .of(view.key.kind)
        .find(&view.key.namespace, &view.key.name)
    else {
        return;
    };
    let resource_version = row.meta.resource_version.clone();
    let Some(view) = shown(state) else {
        return;
    };
    if view.saw_version(&resource_version) {
        effects.push(Effect::FetchObject {
            key: view.key.clone(),
            for_edit: false,
        });
    }
}

/// Runs one of the view's own commands on the YAML view shown (nothing when none is).
fn run(state: &mut State, command: YamlCommand) {
    if let Some(said) = shown(state).and_then(|view| view.run(command)) {
        state.status = Some(said.to_owned());
    }
}
