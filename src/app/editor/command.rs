//! The editor's own keys (the `[editor]` section of keymaps): save, cancel, hand the text
//! to `$EDITOR`, undo and redo, find, and copy, cut and paste of the selection (Shift with
//! the arrows, Home and End selects). Every other key is text for the text area, and the
//! answers to its questions (confirm the diff, re-apply or reload, discard) stay fixed.
//!
//! Copy, cut and paste are not on Ctrl-c (it quits kdeck everywhere) nor on Ctrl-Shift
//! keys (terminals cannot tell them from Ctrl keys): the defaults are Alt-c, Alt-x and
//! Alt-v (Alt reaches kdeck through tmux and SSH as Esc+key), with Ctrl-x and Ctrl-v too.
//! What is copied or cut also goes to the system clipboard (an effect).

use super::{Editor, Outcome, Phase};
use crate::action::Action;
use crate::app::editor::EditorEffect;
use crate::keymap::Keymap;

pub use crate::action::EditorCommand;

/// The hint line while typing, with the keys the keymap binds (`external_editor`, the
/// next/previous match and the clipboard keys are in help only: the line has no room for
/// them at 80 columns).
pub fn hints(keymap: &Keymap) -> String {
    let own = Action::Editor;
    keymap.hint_text(&[
        (&[own(EditorCommand::Save)], "save (dry run)"),
        (&[own(EditorCommand::Cancel)], "close"),
        (&[own(EditorCommand::Find)], "find"),
        (
            &[own(EditorCommand::Undo), own(EditorCommand::Redo)],
            "undo/redo",
        ),
    ])
}

/// The editor's other keys, for the footer under it (the editor's own hint line has the
/// ones above).
pub fn more_hints(keymap: &Keymap) -> String {
    let own = Action::Editor;
    keymap.hint_text(&[
        (
            &[
                own(EditorCommand::Copy),
                own(EditorCommand::Cut),
                own(EditorCommand::Paste),
            ],
            "copy/cut/paste (Shift+arrows select)",
        ),
        (
            &[
                own(EditorCommand::FindNext),
                own(EditorCommand::FindPrevious),
            ],
            "next/prev",
        ),
        (&[own(EditorCommand::ExternalEditor)], "$EDITOR"),
    ])
}

/// The hint line while the find prompt is open.
pub fn find_hints(keymap: &Keymap) -> String {
    let own = Action::Editor;
    let keys = keymap.hint_text(&[(
        &[
            own(EditorCommand::FindNext),
            own(EditorCommand::FindPrevious),
        ],
        "next/prev",
    )]);
    format!("Enter find · Esc close · {keys}")
}

impl Editor {
    /// Runs `command` while typing.
    pub(super) fn command(
        &mut self,
        command: EditorCommand,
        effects: &mut Vec<EditorEffect>,
    ) -> Outcome {
        let modified = match command {
            EditorCommand::Save => return self.save(effects),
            EditorCommand::Cancel => {
                if self.textarea().is_selecting() {
                    // Esc drops a selection before it leaves.
                    self.textarea().cancel_selection();
                    return Outcome::default();
                }
                if self.dirty() {
                    self.phase = Phase::ConfirmDiscard;
                    return Outcome::default();
                }
                effects.push(self.remove_recovery());
                return Outcome {
                    close: true,
                    status: None,
                };
            }
            EditorCommand::ExternalEditor => {
                effects.push(self.run_external());
                return Outcome::default();
            }
            EditorCommand::Undo => self.textarea().undo(),
            EditorCommand::Redo => self.textarea().redo(),
            EditorCommand::Find => {
                self.open_find();
                return Outcome::default();
            }
            EditorCommand::FindNext | EditorCommand::FindPrevious => {
                self.find_again(command == EditorCommand::FindNext);
                return Outcome::default();
            }
            EditorCommand::Copy => {
                self.copy_selection(effects);
                return Outcome::default();
            }
            EditorCommand::Cut => self.cut_selection(effects),
            EditorCommand::Paste => self.paste_copied(),
        };
        if modified {
            self.changed(effects);
        }
        Outcome::default()
    }
}

#[cfg(test)]
mod tests {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use serde_json::json;

    use super::*;
    use crate::app::editor::Sensitive;
    use crate::app::editor::{EditReport, EditRequest};

    fn editor() -> Editor {
        crate::app::editor::tests::configmap_editor(&json!({"a": "1"}))
    }

    fn external_id(effects: &[EditorEffect]) -> u64 {
        effects
            .iter()
            .find_map(|e| match e {
                EditorEffect::Edit(EditRequest::External { id, .. }) => Some(*id),
                _ => None,
            })
            .expect("the text is handed to $EDITOR")
    }

    #[test]
    fn rebound_keys_run_the_editor_commands_and_unbound_ones_are_text() {
        let mut e = editor();
        let mut effects = Vec::new();
        let w = KeyEvent::new(KeyCode::Char('w'), KeyModifiers::CONTROL);
        // Ctrl-w bound to save (as a user keymap may): a dry run would be asked, but the
        // text is unchanged, so nothing is sent.
        let _ = e.key_with(w, Some(EditorCommand::Save), &mut effects);
        assert_eq!(
            e.notice.as_ref().map(|n| n.0.as_str()),
            Some("no changes to save")
        );
        // Esc not bound to cancel: it does not close the editor.
        let esc = KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE);
        assert!(!e.key_with(esc, None, &mut effects).close);
        assert!(
            e.key_with(esc, Some(EditorCommand::Cancel), &mut effects)
                .close
        );
    }

    #[test]
    fn handing_an_edit_to_the_external_editor_keeps_it_when_left_unchanged() {
        let mut e = editor();
        let mut effects = Vec::new();
        e.textarea().insert_str("# mine\n");
        let typed = e.text();
        let _ = e.command(EditorCommand::ExternalEditor, &mut effects);
        assert_eq!(e.phase, Phase::External);
        let id = external_id(&effects);
        let outcome = e.report(
            EditReport::ExternalDone(id, Ok(Sensitive(typed.clone()))),
            &mut effects,
        );
        assert!(!outcome.close, "the unsent edit stays open");
        assert_eq!(e.phase, Phase::Editing);
        assert_eq!(e.text(), typed);
    }
}
