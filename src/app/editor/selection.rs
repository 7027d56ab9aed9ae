//! The selection (Shift with the arrows, Home and End, as the text area reads them) and
//! its copy, cut and paste. What is copied or cut also goes to the system clipboard as an
//! effect (the loop runs the clipboard program or writes OSC 52); paste inserts what was
//! copied or cut in the editor as is, never re-indented (the terminal's own paste comes
//! as a bracketed paste, see [`Editor::paste`]).

use super::Editor;
use crate::app::editor::EditorEffect;

impl Editor {
    /// Whether some text is selected (a selection started and the cursor moved).
    fn has_selection(&self) -> bool {
        self.textarea()
            .selection_range()
            .is_some_and(|(start, end)| start != end)
    }

    /// The text copied or cut last, as the clipboard gets it.
    fn copied_text(&self) -> String {
        self.textarea().yank_text()
    }

    fn nothing_selected(&mut self) {
        self.textarea().cancel_selection();
        self.notice = Some((
            "nothing selected: Shift with the arrows, Home or End selects".to_owned(),
            true,
        ));
    }

    fn copied(&mut self, verb: &str, effects: &mut Vec<EditorEffect>) {
        let text = self.copied_text();
        let lines = text.lines().count().max(1);
        self.notice = Some((format!("{verb} {lines} line(s)"), false));
        effects.push(EditorEffect::CopyText(text));
    }

    /// `copy`: the selection to the editor's paste and the system clipboard.
    pub(super) fn copy_selection(&mut self, effects: &mut Vec<EditorEffect>) {
        if !self.has_selection() {
            self.nothing_selected();
            return;
        }
        self.textarea().copy();
        self.copied("copied", effects);
    }

    /// `cut`: as `copy`, and the selection is removed; whether the text changed.
    pub(super) fn cut_selection(&mut self, effects: &mut Vec<EditorEffect>) -> bool {
        if !self.has_selection() {
            self.nothing_selected();
            return false;
        }
        let modified = self.textarea().cut();
        self.copied("cut", effects);
        modified
    }

    /// `paste`: what was copied or cut, in place of the selection if any; whether the text
    /// changed.
    pub(super) fn paste_copied(&mut self) -> bool {
        if self.copied_text().is_empty() {
            self.notice = Some(("nothing copied yet to paste".to_owned(), true));
            return false;
        }
        self.textarea().paste()
    }
}

#[cfg(test)]
mod tests {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use ratatui_textarea::CursorMove;
    use serde_json::json;

    use super::*;
    use crate::app::editor::{EditRequest, Phase};

    fn editor() -> Editor {
        crate::app::editor::tests::configmap_editor(&json!({"a": "1", "b": "2"}))
    }

    fn press(e: &mut Editor, code: KeyCode, modifiers: KeyModifiers, fx: &mut Vec<EditorEffect>) {
        let _ = e.key(KeyEvent::new(code, modifiers), fx);
    }

    fn row_of(e: &Editor, line: &str) -> usize {
        e.textarea().lines().iter().position(|l| l == line).unwrap()
    }

    fn copied(fx: &[EditorEffect]) -> Vec<&str> {
        fx.iter()
            .filter_map(|e| match e {
                EditorEffect::CopyText(text) => Some(text.as_str()),
                EditorEffect::Edit(_) => None,
            })
            .collect()
    }

    #[test]
    fn shift_arrows_select_and_copy_paste_round_trips_to_the_clipboard() {
        let mut e = editor();
        let mut fx = Vec::new();
        let data = row_of(&e, "data:");
        e.textarea()
            .move_cursor(CursorMove::Jump(data as u16 + 1, 0));
        // Two whole lines: Shift-Down twice from the head of `  a: "1"`.
        press(&mut e, KeyCode::Down, KeyModifiers::SHIFT, &mut fx);
        press(&mut e, KeyCode::Down, KeyModifiers::SHIFT, &mut fx);
        press(&mut e, KeyCode::Char('c'), KeyModifiers::ALT, &mut fx);
        assert_eq!(copied(&fx), ["  a: \"1\"\n  b: \"2\"\n"], "{:?}", e.text());
        assert!(!e.dirty(), "a copy changes nothing");
        // Paste on a new last line: the two lines again, as they were (not indented
        // further, as typing them after Enter would be).
        e.textarea().move_cursor(CursorMove::Bottom);
        e.textarea().move_cursor(CursorMove::End);
        e.textarea().insert_newline();
        press(&mut e, KeyCode::Char('v'), KeyModifiers::ALT, &mut fx);
        let lines = e.textarea().lines().to_vec();
        assert_eq!(lines[lines.len() - 3..], ["  a: \"1\"", "  b: \"2\"", ""]);
        assert!(
            fx.iter()
                .any(|f| matches!(f, EditorEffect::Edit(EditRequest::SaveRecovery { .. })))
        );
    }

    #[test]
    fn cut_removes_the_selection_and_paste_puts_it_back_as_it_was() {
        let mut e = editor();
        let original = e.text();
        let mut fx = Vec::new();
        let row = row_of(&e, "  b: \"2\"");
        e.textarea().move_cursor(CursorMove::Jump(row as u16, 0));
        press(&mut e, KeyCode::End, KeyModifiers::SHIFT, &mut fx);
        press(&mut e, KeyCode::Char('x'), KeyModifiers::ALT, &mut fx);
        assert_eq!(copied(&fx), ["  b: \"2\""]);
        assert_eq!(e.textarea().lines()[row], "");
        assert!(e.dirty());
        press(&mut e, KeyCode::Char('v'), KeyModifiers::CONTROL, &mut fx);
        assert_eq!(e.text(), original, "pasted back as it was");
        // Ctrl-x is cut too, and a selection is replaced by a paste.
        press(&mut e, KeyCode::Home, KeyModifiers::SHIFT, &mut fx);
        press(&mut e, KeyCode::Char('x'), KeyModifiers::CONTROL, &mut fx);
        assert_eq!(copied(&fx).len(), 2);
        press(&mut e, KeyCode::Char('v'), KeyModifiers::CONTROL, &mut fx);
        assert_eq!(e.text(), original);
    }

    #[test]
    fn nothing_selected_copies_nothing_and_esc_drops_a_selection_first() {
        let mut e = editor();
        let mut fx = Vec::new();
        press(&mut e, KeyCode::Char('c'), KeyModifiers::ALT, &mut fx);
        assert!(copied(&fx).is_empty());
        assert!(e.notice.as_ref().unwrap().0.contains("nothing selected"));
        press(&mut e, KeyCode::Char('v'), KeyModifiers::ALT, &mut fx);
        assert!(e.notice.as_ref().unwrap().0.contains("nothing copied"));
        assert!(!e.dirty());
        press(&mut e, KeyCode::Right, KeyModifiers::SHIFT, &mut fx);
        assert!(e.textarea().is_selecting());
        let out = e.key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE), &mut fx);
        assert!(!out.close, "Esc dropped the selection, the editor stays");
        assert!(!e.textarea().is_selecting());
        assert_eq!(e.phase, Phase::Editing);
        let out = e.key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE), &mut fx);
        assert!(out.close, "a second Esc leaves");
    }
}
