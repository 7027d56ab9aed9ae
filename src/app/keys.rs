//! What a terminal key or paste does in the current mode: the view's own keymap section
//! (`[logs]`, `[yaml]`, `[editor]`), then `[normal]`; text entry on the command, filter
//! and prompt lines; Ctrl-c always quits.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::msg::{Effect, Msg};
use super::state::{Mode, Screen, State};
use super::update::update;
use crate::action::Action;
use crate::keymap::{KeyChord, Section};

/// Applies a key the terminal sent.
pub fn key(state: &mut State, mut key: KeyEvent) -> Vec<Effect> {
    let mut effects = Vec::new();
    // A terminal sends Esc then a key typed quickly as Alt+key: do both.
    if key.modifiers.contains(KeyModifiers::ALT)
        && matches!(state.mode, Mode::Normal | Mode::Help)
        // Not in the editor: a quick Esc there must not leave it behind its back.
        && !super::yaml_screen::takes_all_keys(state)
    {
        let back = if state.mode == Mode::Help {
            Action::Help
        } else {
            Action::Back
        };
        effects.extend(update(state, back));
        key.modifiers.remove(KeyModifiers::ALT);
    }
    if let Some(msg) = key_action(state, &key) {
        effects.extend(update(state, msg));
    }
    effects
}

/// Applies text the terminal pasted (bracketed paste): into the editor or the YAML
/// view's search as it is; into a dialog or a prompt without control characters.
pub fn paste(state: &mut State, text: String) -> Vec<Effect> {
    if super::yaml_screen::takes_all_keys(state) {
        return update(state, Msg::YamlPaste(text));
    }
    let text: String = text.chars().filter(|c| !c.is_control()).collect();
    if state.dialogs.open.is_some() {
        let mut effects = Vec::new();
        for c in text.chars() {
            let key = super::dialog::DialogKey::Char(c);
            effects.extend(update(state, Msg::DialogKey(key)));
        }
        return effects;
    }
    // One message for the whole paste: the filter is parsed once, not per character.
    let logs_prompt = matches!(state.screen(), Screen::Logs(l) if l.prompt.is_some());
    if logs_prompt || matches!(state.mode, Mode::Command(_) | Mode::Filter(_)) {
        return update(state, Msg::InputText(text));
    }
    Vec::new()
}

/// What a key does in the current mode.
pub fn key_action(state: &State, key: &KeyEvent) -> Option<Msg> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
        return Some(Msg::Action(Action::Quit));
    }
    if state.dialogs.open.is_some() {
        return super::dialog_screen::key_action(key);
    }
    if let Some(msg) = super::yaml_screen::key_action(state, key) {
        return Some(msg);
    }
    if state.mode == Mode::Normal
        && let Screen::Logs(view) = state.screen()
        && let Some(msg) = super::logs_screen::logs_key_action(&state.keymap, view, key)
    {
        return Some(msg);
    }
    // The pods table's and containers' own keys (`s` is a shell there, scale elsewhere).
    if state.mode == Mode::Normal
        && super::shell_session::pod_view(state)
        && let Some(action) = state.keymap.action_for(Section::Pods, key)
    {
        return Some(Msg::Action(action.clone()));
    }
    // The history view's own keys (Space marks a revision).
    if state.mode == Mode::Normal
        && matches!(state.screen(), Screen::History(_))
        && let Some(action) = state.keymap.action_for(Section::History, key)
    {
        return Some(Msg::Action(action.clone()));
    }
    if matches!(state.mode, Mode::Command(_) | Mode::Filter(_)) {
        if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('u') {
            return Some(Msg::InputClear);
        }
        return match key.code {
            KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
                Some(Msg::InputChar(c))
            }
            KeyCode::Backspace => Some(Msg::InputBackspace),
            KeyCode::Tab => Some(Msg::InputComplete),
            KeyCode::Enter => Some(Msg::InputSubmit),
            KeyCode::Esc => Some(Msg::InputCancel),
            _ => None,
        };
    }
    let chord = KeyChord::from_event(key)?;
    match state.keymap.action(&chord) {
        Some(action) => Some(Msg::Action(action.clone())),
        // Any key closes the help.
        None if state.mode == Mode::Help => Some(Msg::Action(Action::Help)),
        None => None,
    }
}
