//! The YAML view of one object: highlighted once per text (not per frame), searchable
//! with `/` and n/N, managedFields hidden and `status` foldable by a toggle, a Secret's
//! values masked unless revealed. It follows the object: when the watch store shows a
//! new resourceVersion it refetches, or, while the user is scrolled, marks itself stale.
//!
//! Its own keys (the keymap's `[yaml]` section, [`command`]) come as [`Action::YamlView`];
//! while its editor or search line is open every key comes as [`Msg::YamlKey`] (the
//! editor asks the keymap's `[editor]` section for its own keys); the rest go through
//! the keymap's `[normal]` section.

pub mod command;

use std::fmt;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::editor::{
    EditReport, Editor, EditorEffect, LiveObject, Outcome, RecoveryKey, Sensitive,
};
use super::msg::{Effect, Msg};
use super::navigation::selected_key;
use super::state::{Screen, State};
use crate::action::Action;
use crate::cluster::ObjectKey;
use crate::cluster::object_yaml::{YamlOptions, view_yaml};
use crate::highlight::{StyledLine, highlight_yaml};
use crate::keymap::Section;

/// The YAML view (and, while editing, its editor).
#[derive(Clone)]
pub struct YamlView {
    /// The object shown.
    pub key: ObjectKey,
    /// `None` while loading; the object or why it could not be read.
    pub object: Option<Result<LiveObject, String>>,
    /// What is shown of it.
    pub options: YamlOptions,
    /// The text shown (derived from `object` and `options`).
    pub text: Sensitive,
    /// `text` highlighted, by line.
    pub lines: Vec<StyledLine>,
    /// First line shown.
    pub scroll: usize,
    /// The search (`/`), once submitted.
    pub search: Option<String>,
    /// The search line being typed.
    pub prompt: Option<String>,
    /// The object changed on the server while the user was scrolled: `y` reloads.
    pub stale: bool,
    /// A refetch is in flight.
    pub fetching: bool,
    /// Open the editor once the object is here (`Some(true)`: in `$EDITOR`).
    pub pending_edit: Option<bool>,
    /// The editor, while editing.
    pub editor: Option<Box<Editor>>,
}

impl fmt::Debug for YamlView {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("YamlView")
            .field("key", &self.key)
            .field("scroll", &self.scroll)
            .field("options", &self.options)
            .field("editing", &self.editor.is_some())
            .finish_non_exhaustive()
    }
}

impl YamlView {
    /// A view of `key`, loading.
    pub fn new(key: ObjectKey) -> Self {
        Self {
            key,
            object: None,
            options: YamlOptions::default(),
            text: Sensitive::default(),
            lines: Vec::new(),
            scroll: 0,
            search: None,
            prompt: None,
            stale: false,
            fetching: true,
            pending_edit: None,
            editor: None,
        }
    }

    /// The breadcrumb's and title's words, e.g. `yaml deployment/web`.
    pub fn title(&self) -> String {
        format!("yaml {}/{}", self.key.kind.word(), self.key.name)
    }

    /// Recomputes the text and its highlight from the object and the options.
    pub fn rebuild(&mut self) {
        let text = match &self.object {
            Some(Ok(object)) => view_yaml(&object.0, self.options),
            _ => String::new(),
        };
        self.lines = highlight_yaml(&text);
        self.text = Sensitive(text);
        self.scroll = self.scroll.min(self.lines.len().saturating_sub(1));
    }

    /// Scrolls by `delta` lines (`isize::MIN`/`MAX`: to the top/bottom) for a page of `page`.
    pub fn scroll_by(&mut self, delta: isize, page: usize) {
        let last = self.lines.len().saturating_sub(page);
        self.scroll = match delta {
            isize::MIN => 0,
            isize::MAX => last,
            d => self.scroll.saturating_add_signed(d).min(last),
        };
    }

    /// Lines holding the search text (case-insensitive), in order.
    pub fn matches(&self) -> Vec<usize> {
        let Some(query) = self.search.as_deref().filter(|q| !q.is_empty()) else {
            return Vec::new();
        };
        let query = query.to_lowercase();
        self.text
            .0
            .lines()
            .enumerate()
            .filter(|(_, l)| l.to_lowercase().contains(&query))
            .map(|(i, _)| i)
            .collect()
    }

    /// Jumps to the next (or previous) match from the top line; `false` when none.
    fn jump(&mut self, forward: bool) -> bool {
        let matches = self.matches();
        let next = if forward {
            matches
                .iter()
                .find(|l| **l > self.scroll)
                .or(matches.first())
        } else {
            matches
                .iter()
                .rev()
                .find(|l| **l < self.scroll)
                .or(matches.last())
        };
        match next {
            Some(line) => {
                self.scroll = *line;
                true
            }
            None => false,
        }
    }
}

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
    if let Some(prompt) = view.prompt.as_mut() {
        match key.code {
            KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => prompt.push(c),
            KeyCode::Backspace => {
                prompt.pop();
            }
            KeyCode::Esc => view.prompt = None,
            KeyCode::Enter => {
                view.search = view.prompt.take().filter(|q| !q.is_empty());
                if view.search.is_some() && !view.jump_from_here() {
                    state.status = Some("no match".to_owned());
                }
            }
            _ => {}
        }
        return;
    }
    if let Some(command) = view_command {
        command::run(state, command);
    }
}

/// Runs a `[yaml]` or `[editor]` action on the view shown; `false` if `action` is
/// neither (an editor action without an open editor does nothing).
pub fn command(state: &mut State, action: &Action, effects: &mut Vec<Effect>) -> bool {
    match action {
        Action::YamlView(command) => command::run(state, *command),
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

impl YamlView {
    /// Jumps to the first match at or after the top line.
    fn jump_from_here(&mut self) -> bool {
        let matches = self.matches();
        match matches
            .iter()
            .find(|l| **l >= self.scroll)
            .or(matches.first())
        {
            Some(line) => {
                self.scroll = *line;
                true
            }
            None => false,
        }
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
    let seen = match &view.object {
        Some(Ok(object)) => object.resource_version(),
        _ => return,
    };
    if view.fetching || view.stale || row.meta.resource_version == seen {
        return;
    }
    let Some(view) = shown(state) else {
        return;
    };
    if view.scroll > 0 || view.editor.is_some() || view.prompt.is_some() {
        view.stale = true;
    } else {
        view.fetching = true;
        effects.push(Effect::FetchObject {
            key: view.key.clone(),
            for_edit: false,
        });
    }
}
