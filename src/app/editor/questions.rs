//! The answers to the editor's questions, on fixed keys (a keymap does not move them):
//! restore or discard an unsent edit, send or keep editing after the diff, re-apply or
//! reload after a conflict, discard the changes or keep editing.

use crossterm::event::{KeyCode, KeyEvent};

use super::{EditRequest, Editor, Outcome, Phase, scrolled};
use crate::app::editor::EditorEffect;

impl Editor {
    /// A key while the editor asks a question (`phase` is one of them).
    pub(super) fn answer(&mut self, key: KeyEvent, effects: &mut Vec<EditorEffect>) -> Outcome {
        match self.phase.clone() {
            Phase::OfferRecovery(text) => {
                match key.code {
                    KeyCode::Char('r') => {
                        self.set_text(&text.0);
                        self.notice = Some(("restored the unsent edit".to_owned(), false));
                    }
                    KeyCode::Char('d') => effects.push(self.remove_recovery()),
                    _ => return Outcome::default(),
                }
                self.phase = Phase::Editing;
                effects.extend(self.start_effects());
                Outcome::default()
            }
            Phase::Confirm { diff, scroll } => match key.code {
                KeyCode::Enter | KeyCode::Char('y') if self.create => {
                    self.send_create(effects);
                    Outcome::default()
                }
                KeyCode::Enter | KeyCode::Char('y') => {
                    let Some(object) = self.pending.clone() else {
                        self.phase = Phase::Editing;
                        return Outcome::default();
                    };
                    let id = self.next_id();
                    effects.push(EditorEffect::Edit(EditRequest::Replace {
                        id,
                        key: self.key.clone(),
                        object,
                    }));
                    self.phase = Phase::Sending;
                    self.notice = Some(("sending…".to_owned(), false));
                    Outcome::default()
                }
                KeyCode::Esc | KeyCode::Char('n') => {
                    self.phase = Phase::Editing;
                    self.notice = Some(("not sent; still editing".to_owned(), false));
                    Outcome::default()
                }
                code => {
                    let scroll = scrolled(scroll, code, diff.len());
                    self.phase = Phase::Confirm { diff, scroll };
                    Outcome::default()
                }
            },
            Phase::Conflict {
                latest,
                diff,
                scroll,
            } => match (key.code, latest) {
                (KeyCode::Char('r'), Some(latest)) => self.reapply(latest, effects),
                (KeyCode::Char('l'), Some(latest)) => {
                    self.rebase_on(latest);
                    let base_text = self.base_text.clone();
                    self.set_text(&base_text);
                    self.phase = Phase::Editing;
                    self.notice = Some((
                        "reloaded the server's version; your edit was dropped".to_owned(),
                        false,
                    ));
                    effects.push(self.remove_recovery());
                    Outcome::default()
                }
                (KeyCode::Esc, _) => {
                    self.phase = Phase::Editing;
                    Outcome::default()
                }
                (KeyCode::Char('r' | 'l'), None) => {
                    self.phase = Phase::Conflict {
                        latest: None,
                        diff,
                        scroll,
                    };
                    self.notice = Some((
                        "the server's version is still being read; press it again once it shows"
                            .to_owned(),
                        true,
                    ));
                    Outcome::default()
                }
                (code, latest) => {
                    let scroll = scrolled(scroll, code, diff.len());
                    self.phase = Phase::Conflict {
                        latest,
                        diff,
                        scroll,
                    };
                    Outcome::default()
                }
            },
            Phase::ConfirmDiscard => {
                if key.code == KeyCode::Char('y') {
                    effects.push(self.remove_recovery());
                    return Outcome {
                        close: true,
                        status: Some(("edit discarded".to_owned(), false)),
                    };
                }
                self.phase = Phase::Editing;
                Outcome::default()
            }
            Phase::Editing | Phase::Checking | Phase::Sending | Phase::External => {
                Outcome::default()
            }
        }
    }
}
