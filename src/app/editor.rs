//! Editing an object in place (`e`) or in `$EDITOR` (`E`), never losing the user's text.
//!
//! The editor opens on the object without managedFields and status. Every change is
//! parsed at once (the first error, with line and column, is shown and its line
//! marked) and written to a recovery file. Ctrl-s checks the text (parse, type, kind/
//! name/namespace unchanged), asks the server for a dry run, shows the diff live versus
//! edit, and on confirmation replaces the object carrying the resourceVersion that was
//! edited. A 409 Conflict keeps the text, shows what changed on the server, and offers
//! re-apply (the user's changes on top of the new version) or reload.
//!
//! Pure like `update`: the requests go out as [`EditRequest`] effects and their answers
//! come back as [`EditReport`]s.

pub mod check;
pub mod command;
pub mod create;
mod questions;
mod rebase;
mod reports;
mod requests;
pub mod search;
mod selection;
mod text_area;

pub use command::EditorCommand;
pub use requests::{EditReport, EditRequest, EditorEffect, LiveObject, RecoveryKey, Sensitive};
pub use text_area::{EditorStyle, LockedTextArea};

use std::sync::MutexGuard;

use crossterm::event::{KeyCode, KeyEvent};
use ratatui_textarea::{CursorMove, DataCursor, TextArea};
use serde_json::Value;

use self::check::{ParseError, check_identity, parse};
use self::rebase::rebase;
use crate::action::Action;
use crate::cluster::ObjectKey;
use crate::cluster::object_yaml::{editable, to_yaml};
use crate::cluster::ops::DiffLine;
use crate::keymap::Section;
use text_area::textarea;

/// Where the editor is in its flow.
#[derive(Debug, Clone, PartialEq)]
pub enum Phase {
    /// Typing.
    Editing,
    /// An unsent edit of this object was found: restore it or discard it.
    OfferRecovery(Sensitive),
    /// `$EDITOR` is running.
    External,
    /// The dry run is in flight.
    Checking,
    /// The dry run passed: the diff, waiting for confirmation.
    Confirm {
        /// Live versus edit.
        diff: Vec<DiffLine>,
        /// First diff line shown.
        scroll: usize,
    },
    /// The replace is in flight.
    Sending,
    /// 409: someone changed the object meanwhile.
    Conflict {
        /// The object as it is now, once read.
        latest: Option<LiveObject>,
        /// What changed on the server (edited version versus now).
        diff: Vec<DiffLine>,
        /// First diff line shown.
        scroll: usize,
    },
    /// Esc with unsaved changes: discard them?
    ConfirmDiscard,
}

/// What a key or report did to the editor, for the view around it.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Close the editor.
    pub close: bool,
    /// A status line message and whether it reports a success.
    pub status: Option<(String, bool)>,
}

/// The editor of one object.
#[derive(Clone)]
pub struct Editor {
    /// The object edited.
    pub key: ObjectKey,
    /// Context name (for the recovery file).
    pub context: String,
    /// The text.
    textarea: LockedTextArea,
    /// The version edited (its resourceVersion is sent).
    pub base: LiveObject,
    /// `base` as the editor opened it (the left side of diffs).
    pub base_text: String,
    /// The flow's step.
    pub phase: Phase,
    /// The first parse error of the text, if any.
    pub parse_error: Option<ParseError>,
    /// A message under the text (why a save was refused...) and whether it is an error.
    pub notice: Option<(String, bool)>,
    /// The object the last save checked (sent on confirmation).
    pending: Option<Value>,
    /// Id of the request in flight.
    request: u64,
    /// Run `$EDITOR` right after opening.
    external: bool,
    /// The text area's colours.
    style: EditorStyle,
    /// `:create`: the text is new objects, not an edit of `base`.
    create: bool,
    /// The find prompt and the last pattern.
    pub find: search::Find,
    /// Whose recovery file holds the unsent text.
    recovery: RecoveryKey,
}

impl std::fmt::Debug for Editor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Editor")
            .field("key", &self.key)
            .field("phase", &self.phase)
            .field("parse_error", &self.parse_error)
            .finish_non_exhaustive()
    }
}

impl Editor {
    /// An editor on `object`; offers `recovery` back when it differs from the object.
    pub fn open(
        key: ObjectKey,
        context: &str,
        object: LiveObject,
        recovery: Option<Sensitive>,
        external: bool,
        style: EditorStyle,
    ) -> Self {
        let base_text = to_yaml(&editable(&object.0))
            .unwrap_or_else(|e| format!("# cannot render the object: {e}\n"));
        let phase = match recovery {
            Some(text) if text.0 != base_text => Phase::OfferRecovery(text),
            _ => Phase::Editing,
        };
        Self {
            recovery: RecoveryKey::Edit(key.clone()),
            key,
            context: context.to_owned(),
            textarea: LockedTextArea::new(textarea(&base_text, style)),
            base: object,
            base_text,
            phase,
            parse_error: None,
            notice: None,
            pending: None,
            request: 0,
            external,
            style,
            create: false,
            find: search::Find::default(),
        }
    }

    /// What to do right after opening (`$EDITOR`, unless a recovery is offered first).
    pub fn start_effects(&mut self) -> Vec<EditorEffect> {
        if self.external && self.phase == Phase::Editing {
            self.external = false;
            vec![self.run_external()]
        } else {
            Vec::new()
        }
    }

    /// The text area (to draw it, or to type into it in tests).
    pub fn textarea(&self) -> MutexGuard<'_, TextArea<'static>> {
        self.textarea.lock()
    }

    /// The text as typed.
    pub fn text(&self) -> String {
        let mut text = self.textarea().lines().join("\n");
        text.push('\n');
        text
    }

    /// Whether the text differs from the version opened.
    pub fn dirty(&self) -> bool {
        self.text() != self.base_text
    }

    fn next_id(&mut self) -> u64 {
        self.request += 1;
        self.request
    }

    fn set_text(&mut self, text: &str) {
        self.textarea = LockedTextArea::new(textarea(text, self.style));
        self.restore_search();
        self.recheck();
    }

    fn recheck(&mut self) {
        self.parse_error = if self.create {
            create::documents(&self.text()).err()
        } else {
            parse(self.key.kind, &self.text()).err()
        };
    }

    fn run_external(&mut self) -> EditorEffect {
        self.phase = Phase::External;
        let id = self.next_id();
        EditorEffect::Edit(EditRequest::External {
            id,
            text: Sensitive(self.text()),
        })
    }

    fn save_recovery(&self) -> EditorEffect {
        EditorEffect::Edit(EditRequest::SaveRecovery {
            context: self.context.clone(),
            key: self.recovery.clone(),
            text: Sensitive(self.text()),
        })
    }

    fn remove_recovery(&self) -> EditorEffect {
        EditorEffect::Edit(EditRequest::RemoveRecovery {
            context: self.context.clone(),
            key: self.recovery.clone(),
        })
    }

    /// Ctrl-s: checks the text and asks for a dry run; on a parse error the cursor jumps
    /// to it and nothing is sent.
    pub fn save(&mut self, effects: &mut Vec<EditorEffect>) -> Outcome {
        let text = self.text();
        if self.create {
            return self.save_create(effects);
        }
        let mut object = match parse(self.key.kind, &text) {
            Ok(object) => object,
            Err(e) => return self.refuse_parse(e),
        };
        if let Err(message) = check_identity(&self.key, &self.base.0, &mut object) {
            self.notice = Some((message, true));
            self.phase = Phase::Editing;
            return Outcome::default();
        }
        let rv = self.base.resource_version().to_owned();
        object["metadata"]["resourceVersion"] = Value::String(rv);
        if object == editable(&self.base.0) {
            self.notice = Some(("no changes to save".to_owned(), false));
            self.phase = Phase::Editing;
            return Outcome::default();
        }
        let id = self.next_id();
        effects.push(EditorEffect::Edit(EditRequest::DryRun {
            id,
            key: self.key.clone(),
            object: object.clone(),
        }));
        self.pending = Some(object);
        self.phase = Phase::Checking;
        self.notice = Some(("checking with the server (dry run)…".to_owned(), false));
        Outcome::default()
    }

    /// A parse error on save: the cursor jumps to it, nothing is sent.
    fn refuse_parse(&mut self, e: ParseError) -> Outcome {
        let (row, col) = (e.line.saturating_sub(1), e.column.saturating_sub(1));
        self.textarea().move_cursor(CursorMove::Jump(
            u16::try_from(row).unwrap_or(u16::MAX),
            u16::try_from(col).unwrap_or(u16::MAX),
        ));
        self.notice = Some((format!("not sent: {e}"), true));
        self.parse_error = Some(e);
        self.phase = Phase::Editing;
        Outcome::default()
    }

    /// Pasted text, inserted as is while typing.
    pub fn paste(&mut self, text: &str, effects: &mut Vec<EditorEffect>) {
        if self.phase != Phase::Editing {
            return;
        }
        if self.finding() {
            self.paste_into_find(text);
            return;
        }
        let text = text.replace("\r\n", "\n").replace('\r', "\n");
        if self.textarea().insert_str(text) {
            self.changed(effects);
        }
    }

    /// A key pressed while the editor is shown, its own keys as the default keymap binds them.
    pub fn key(&mut self, key: KeyEvent, effects: &mut Vec<EditorEffect>) -> Outcome {
        let command = match crate::keymap::Keymap::shipped().action_for(Section::Editor, &key) {
            Some(Action::Editor(command)) => Some(*command),
            _ => None,
        };
        self.key_with(key, command, effects)
    }

    /// A key pressed while the editor is shown; `command` is what the keymap's `[editor]`
    /// section binds to it (it applies while typing; the answers to questions are fixed keys).
    pub fn key_with(
        &mut self,
        key: KeyEvent,
        command: Option<EditorCommand>,
        effects: &mut Vec<EditorEffect>,
    ) -> Outcome {
        match self.phase.clone() {
            Phase::Editing if self.finding() => {
                self.find_key(key, command);
                Outcome::default()
            }
            Phase::Editing => match command {
                Some(command) => self.command(command, effects),
                None => self.editing_key(key, effects),
            },
            Phase::OfferRecovery(_)
            | Phase::Confirm { .. }
            | Phase::Conflict { .. }
            | Phase::ConfirmDiscard => self.answer(key, effects),
            Phase::Checking | Phase::Sending | Phase::External => {
                if command == Some(EditorCommand::Save) {
                    self.notice = Some(("a request is in flight; wait for it".to_owned(), true));
                }
                Outcome::default()
            }
        }
    }

    fn editing_key(&mut self, key: KeyEvent, effects: &mut Vec<EditorEffect>) -> Outcome {
        let modified = match key.code {
            KeyCode::Enter => {
                let mut area = self.textarea();
                let DataCursor(row, col) = area.cursor();
                let line = &area.lines()[row];
                let before: String = line.chars().take(col).collect();
                let mut indent: String = before.chars().take_while(|c| *c == ' ').collect();
                if before.trim_end().ends_with(':') {
                    indent.push_str("  ");
                }
                area.insert_newline();
                area.insert_str(indent);
                true
            }
            KeyCode::Tab => self.textarea().insert_str("  "),
            _ => self.textarea().input(key),
        };
        if modified {
            self.changed(effects);
        }
        Outcome::default()
    }

    /// The text changed: recheck it and save it for recovery.
    fn changed(&mut self, effects: &mut Vec<EditorEffect>) {
        self.notice = None;
        self.recheck();
        effects.push(self.save_recovery());
    }

    /// Takes `latest` as the version edited from now on.
    fn rebase_on(&mut self, latest: LiveObject) {
        self.base_text = to_yaml(&editable(&latest.0))
            .unwrap_or_else(|e| format!("# cannot render the object: {e}\n"));
        self.base = latest;
    }

    /// Re-apply after a conflict: the user's changes on top of `latest`, checked and
    /// diffed against it again before anything is sent.
    fn reapply(&mut self, latest: LiveObject, effects: &mut Vec<EditorEffect>) -> Outcome {
        let Some(edited) = self.pending.clone() else {
            self.phase = Phase::Editing;
            return Outcome::default();
        };
        let merged = rebase(&editable(&self.base.0), &edited, &editable(&latest.0));
        self.rebase_on(latest);
        match to_yaml(&merged) {
            Ok(text) => self.set_text(&text),
            Err(e) => {
                self.notice = Some((format!("cannot re-apply: {e}"), true));
                self.phase = Phase::Editing;
                return Outcome::default();
            }
        }
        self.save(effects)
    }
}

fn scrolled(scroll: usize, code: KeyCode, len: usize) -> usize {
    let last = len.saturating_sub(1);
    match code {
        KeyCode::Up => scroll.saturating_sub(1),
        KeyCode::Down => (scroll + 1).min(last),
        KeyCode::PageUp => scroll.saturating_sub(10),
        KeyCode::PageDown => (scroll + 10).min(last),
        _ => scroll,
    }
}

#[cfg(test)]
mod tests;
