//! Finding text in the editor: `find` opens a one-line prompt under the text (`/` cannot:
//! it is text), Enter searches from the cursor, Esc closes the prompt and leaves the
//! matches highlighted; `find_next` and `find_previous` jump again. The pattern is a
//! literal text, case-insensitive unless it holds an upper-case letter (smart case, as in
//! vim and less). The cursor wraps around the end of the text with a notice.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui_textarea::DataCursor;

use super::{Editor, EditorCommand};
use crate::app::line_matcher::ignores_case;

/// The editor's search: the prompt being typed and the pattern searched last.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Find {
    /// The prompt's text, while it is open.
    pub prompt: Option<String>,
    /// The last pattern searched, as typed.
    pub pattern: Option<String>,
}

/// The regular expression that finds `typed` literally: case-insensitive unless `typed`
/// holds an upper-case letter.
pub fn regex_of(typed: &str) -> String {
    let literal = regex::escape(typed);
    if ignores_case(typed) {
        format!("(?i){literal}")
    } else {
        literal
    }
}

/// Whether a jump from `before` to `after` went around the end (or the start) of the text;
/// landing where it started without counting the cursor's own match is a full turn.
fn wrapped(before: DataCursor, after: DataCursor, forward: bool, match_cursor: bool) -> bool {
    let (before, after) = ((before.0, before.1), (after.0, after.1));
    match after.cmp(&before) {
        std::cmp::Ordering::Equal => !match_cursor,
        std::cmp::Ordering::Less => forward,
        std::cmp::Ordering::Greater => !forward,
    }
}

impl Editor {
    /// Whether the find prompt is open (every key goes to it).
    pub fn finding(&self) -> bool {
        self.find.prompt.is_some()
    }

    /// `find`: opens the prompt.
    pub(super) fn open_find(&mut self) {
        self.find.prompt = Some(String::new());
    }

    /// A key while the prompt is open: text, Backspace, Enter searches, Esc closes;
    /// `find`, `find_next` and `find_previous` search forward, forward and back.
    pub(super) fn find_key(&mut self, key: KeyEvent, command: Option<EditorCommand>) {
        let Some(prompt) = self.find.prompt.as_mut() else {
            return;
        };
        match (key.code, command) {
            (KeyCode::Esc, _) => self.find.prompt = None,
            (_, Some(EditorCommand::FindPrevious)) => self.submit_find(false),
            (KeyCode::Enter, _) | (_, Some(EditorCommand::Find | EditorCommand::FindNext)) => {
                self.submit_find(true);
            }
            (KeyCode::Backspace, _) => {
                prompt.pop();
            }
            (KeyCode::Char(c), _) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
                prompt.push(c);
            }
            _ => {}
        }
    }

    /// Pasted text onto the prompt (control characters dropped).
    pub(super) fn paste_into_find(&mut self, text: &str) {
        if let Some(prompt) = self.find.prompt.as_mut() {
            prompt.extend(text.chars().filter(|c| !c.is_control()));
        }
    }

    /// Closes the prompt and searches what it holds (an empty prompt: the last pattern).
    fn submit_find(&mut self, forward: bool) {
        let typed = self.find.prompt.take().unwrap_or_default();
        let pattern = if typed.is_empty() {
            self.find.pattern.clone()
        } else {
            Some(typed)
        };
        let Some(pattern) = pattern else {
            return;
        };
        let set = self.textarea().set_search_pattern(regex_of(&pattern));
        if let Err(e) = set {
            self.notice = Some((format!("cannot search {pattern:?}: {e}"), true));
            return;
        }
        self.find.pattern = Some(pattern);
        self.jump_to_match(forward, true);
    }

    /// `find_next` / `find_previous`: the next match after (or before) the cursor.
    pub(super) fn find_again(&mut self, forward: bool) {
        if self.find.pattern.is_none() {
            self.notice = Some((
                "nothing to find again: open the find prompt first".into(),
                true,
            ));
            return;
        }
        self.jump_to_match(forward, false);
    }

    /// Puts the pattern back on a new text area (after a restore, reload or re-apply).
    pub(super) fn restore_search(&mut self) {
        if let Some(pattern) = &self.find.pattern {
            let _ = self.textarea().set_search_pattern(regex_of(pattern));
        }
    }

    fn jump_to_match(&mut self, forward: bool, match_cursor: bool) {
        let pattern = self.find.pattern.clone().unwrap_or_default();
        let mut area = self.textarea();
        let before = area.cursor();
        // A selection would grow with the jump: a search starts afresh.
        area.cancel_selection();
        let found = if forward {
            area.search_forward(match_cursor)
        } else {
            area.search_back(match_cursor)
        };
        let after = area.cursor();
        drop(area);
        self.notice = if !found {
            Some((format!("not found: {pattern}"), true))
        } else if wrapped(before, after, forward, match_cursor) {
            Some(("search wrapped".to_owned(), false))
        } else {
            None
        };
    }
}

#[cfg(test)]
mod tests {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use ratatui_textarea::{CursorMove, DataCursor};
    use serde_json::json;

    use super::*;
    use crate::app::editor::EditorEffect;

    fn editor(data: &serde_json::Value) -> Editor {
        crate::app::editor::tests::configmap_editor(data)
    }

    fn press(e: &mut Editor, code: KeyCode, modifiers: KeyModifiers) {
        let mut effects: Vec<EditorEffect> = Vec::new();
        let _ = e.key(KeyEvent::new(code, modifiers), &mut effects);
    }

    fn find(e: &mut Editor, text: &str) {
        press(e, KeyCode::Char('f'), KeyModifiers::CONTROL);
        assert!(e.finding(), "Ctrl-f opens the prompt");
        for c in text.chars() {
            press(e, KeyCode::Char(c), KeyModifiers::NONE);
        }
        press(e, KeyCode::Enter, KeyModifiers::NONE);
    }

    fn row_of(e: &Editor, needle: &str) -> usize {
        e.textarea()
            .lines()
            .iter()
            .position(|l| l.contains(needle))
            .unwrap()
    }

    fn row(e: &Editor) -> usize {
        e.textarea().cursor().0
    }

    fn notice(e: &Editor) -> Option<String> {
        e.notice.as_ref().map(|n| n.0.clone())
    }

    #[test]
    fn the_pattern_is_literal_and_smart_case() {
        assert_eq!(regex_of("a.b"), r"(?i)a\.b");
        assert_eq!(regex_of("Web"), "Web");
        let mut e = editor(&json!({"ax": "1", "a.b": "2", "Upper": "3"}));
        find(&mut e, "a.b");
        assert!(!e.finding(), "Enter closes the prompt");
        let DataCursor(at, col) = e.textarea().cursor();
        assert_eq!(at, row_of(&e, "a.b:"), "the dot is not any character");
        assert_eq!(col, 2);
        find(&mut e, "upper");
        let upper = row_of(&e, "Upper:");
        assert_eq!(row(&e), upper, "lower case: any case");
        e.textarea().move_cursor(CursorMove::Jump(0, 0));
        find(&mut e, "UPPER");
        assert_eq!(
            notice(&e).as_deref(),
            Some("not found: UPPER"),
            "upper case: exact"
        );
        assert_eq!(e.textarea().cursor(), DataCursor(0, 0), "the cursor stays");
    }

    #[test]
    fn next_and_previous_wrap_around_with_a_notice() {
        let mut e = editor(&json!({"a": "hit", "b": "hit", "c": "hit"}));
        let [a, b, c] = ["  a:", "  b:", "  c:"].map(|k| row_of(&e, k));
        find(&mut e, "hit");
        assert_eq!(row(&e), a);
        press(&mut e, KeyCode::F(3), KeyModifiers::NONE);
        assert_eq!(row(&e), b);
        press(&mut e, KeyCode::Char('g'), KeyModifiers::CONTROL);
        assert_eq!(row(&e), c);
        assert_eq!(notice(&e), None);
        press(&mut e, KeyCode::F(3), KeyModifiers::NONE);
        assert_eq!(row(&e), a);
        assert_eq!(notice(&e).as_deref(), Some("search wrapped"));
        press(&mut e, KeyCode::F(3), KeyModifiers::SHIFT);
        assert_eq!(row(&e), c, "Shift-F3 goes back around");
        assert_eq!(notice(&e).as_deref(), Some("search wrapped"));
        press(&mut e, KeyCode::F(3), KeyModifiers::SHIFT);
        assert_eq!(row(&e), b);
        assert_eq!(notice(&e), None);
    }

    #[test]
    fn esc_closes_the_prompt_and_keeps_the_highlight_and_the_text() {
        let mut e = editor(&json!({"a": "1"}));
        let text = e.text();
        press(&mut e, KeyCode::Char('f'), KeyModifiers::CONTROL);
        press(&mut e, KeyCode::Char('q'), KeyModifiers::NONE);
        assert_eq!(e.find.prompt.as_deref(), Some("q"), "typed onto the prompt");
        press(&mut e, KeyCode::Esc, KeyModifiers::NONE);
        assert!(!e.finding());
        assert_eq!(e.text(), text, "the prompt's keys are not text");
        find(&mut e, "1");
        press(&mut e, KeyCode::Char('f'), KeyModifiers::CONTROL);
        press(&mut e, KeyCode::Esc, KeyModifiers::NONE);
        assert!(e.textarea().search_pattern().is_some(), "still highlighted");
        assert_eq!(e.find.pattern.as_deref(), Some("1"));
        e.set_text(&text);
        assert!(
            e.textarea().search_pattern().is_some(),
            "kept on a new text"
        );
        let before = e.textarea().cursor();
        find(&mut e, "");
        assert_ne!(
            e.textarea().cursor(),
            before,
            "an empty prompt finds the last pattern"
        );
    }

    #[test]
    fn a_paste_while_finding_goes_onto_the_prompt_not_the_text() {
        let mut e = editor(&json!({"a": "x"}));
        let text = e.text();
        let mut effects = Vec::new();
        press(&mut e, KeyCode::Char('f'), KeyModifiers::CONTROL);
        e.paste("na\nme", &mut effects);
        assert_eq!(e.find.prompt.as_deref(), Some("name"));
        assert_eq!(e.text(), text);
        assert!(effects.is_empty(), "nothing to recover: {effects:?}");
    }

    #[test]
    fn find_again_without_a_search_says_so() {
        let mut e = editor(&json!({"a": "1"}));
        press(&mut e, KeyCode::F(3), KeyModifiers::NONE);
        assert!(notice(&e).unwrap().contains("open the find prompt"));
    }
}
