//! Which action a terminal key runs in the current mode: the view's own keymap section
//! (`[logs]`, `[yaml]`, `[editor]`), then `[normal]`; text entry on the command, filter and
//! prompt lines; Ctrl-c always quits.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::action::Action;
use super::state::{Mode, Screen, State};
use crate::keymap::KeyChord;

/// What a key does in the current mode.
pub fn key_action(state: &State, key: &KeyEvent) -> Option<Action> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
        return Some(Action::Quit);
    }
    if state.dialogs.open.is_some() {
        return super::dialog::key_action(key);
    }
    if let Some(action) = super::yaml_view::key_action(state, key) {
        return Some(action);
    }
    if state.mode == Mode::Normal
        && let Screen::Logs(view) = state.screen()
        && let Some(action) = super::logs::logs_key_action(&state.keymap, view, key)
    {
        return Some(action);
    }
    if matches!(state.mode, Mode::Command(_) | Mode::Filter(_)) {
        if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('u') {
            return Some(Action::InputClear);
        }
        return match key.code {
            KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
                Some(Action::InputChar(c))
            }
            KeyCode::Backspace => Some(Action::InputBackspace),
            KeyCode::Tab => Some(Action::InputComplete),
            KeyCode::Enter => Some(Action::InputSubmit),
            KeyCode::Esc => Some(Action::InputCancel),
            _ => None,
        };
    }
    let chord = KeyChord::from_event(key)?;
    match state.keymap.action(&chord) {
        Some(action) => Some(action.clone()),
        // Any key closes the help.
        None if state.mode == Mode::Help => Some(Action::Help),
        None => None,
    }
}
