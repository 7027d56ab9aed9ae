//! The editor's handling of the answers to its requests: the dry run's diff to
//! confirm, the save, the conflict (what changed on the server), `$EDITOR`'s text.

use super::{EditReport, EditRequest, Editor, Outcome, Phase};
use crate::app::editor::EditorEffect;
use crate::cluster::object_yaml::{editable, to_yaml};
use crate::cluster::ops::text_diff;

impl Editor {
    /// An answer to one of the editor's requests; stale answers are ignored.
    pub fn report(&mut self, report: EditReport, effects: &mut Vec<EditorEffect>) -> Outcome {
        if report.id() != self.request {
            return Outcome::default();
        }
        match report {
            EditReport::DryRunOk(_) => {
                let edited = if self.create {
                    self.created_text()
                } else {
                    self.pending
                        .as_ref()
                        .and_then(|o| to_yaml(o).ok())
                        .unwrap_or_default()
                };
                self.phase = Phase::Confirm {
                    diff: text_diff(&self.base_text, &edited),
                    scroll: 0,
                };
                self.notice = None;
                Outcome::default()
            }
            EditReport::Replaced(_, message) => {
                effects.push(self.remove_recovery());
                Outcome {
                    close: true,
                    status: Some((message, true)),
                }
            }
            EditReport::Failed {
                code: Some(409), ..
            } => {
                let id = self.next_id();
                effects.push(EditorEffect::Edit(EditRequest::Latest {
                    id,
                    key: self.key.clone(),
                }));
                self.phase = Phase::Conflict {
                    latest: None,
                    diff: Vec::new(),
                    scroll: 0,
                };
                self.notice = Some((
                    "conflict: changed on the server since you opened it; your text is kept"
                        .to_owned(),
                    true,
                ));
                Outcome::default()
            }
            EditReport::Failed { message, .. } => {
                self.phase = Phase::Editing;
                self.notice = Some((format!("not saved: {message}"), true));
                Outcome::default()
            }
            EditReport::Latest(_, Ok(latest)) => {
                let now = to_yaml(&editable(&latest.0)).unwrap_or_default();
                self.phase = Phase::Conflict {
                    diff: text_diff(&self.base_text, &now),
                    latest: Some(latest),
                    scroll: 0,
                };
                Outcome::default()
            }
            EditReport::Latest(_, Err(message)) => {
                self.phase = Phase::Editing;
                self.notice = Some((
                    format!("conflict, and the new version cannot be read: {message}"),
                    true,
                ));
                Outcome::default()
            }
            EditReport::ExternalDone(_, Ok(text)) => {
                self.phase = Phase::Editing;
                if text.0 == self.text() && self.dirty() {
                    // Handed over mid-edit (external_editor) and left unchanged: keep editing.
                    self.notice = Some(("no change in $EDITOR; still editing".to_owned(), false));
                    return Outcome::default();
                }
                if text.0 == self.text() {
                    effects.push(self.remove_recovery());
                    return Outcome {
                        close: true,
                        status: Some(("Edit cancelled, no changes made.".to_owned(), false)),
                    };
                }
                self.set_text(&text.0);
                effects.push(self.save_recovery());
                self.save(effects)
            }
            EditReport::Recovered(_, Some(text)) => {
                if self.phase == Phase::Editing && text.0 != self.text() {
                    self.phase = Phase::OfferRecovery(text);
                }
                Outcome::default()
            }
            EditReport::Recovered(_, None) => Outcome::default(),
            EditReport::ExternalDone(_, Err(message)) => {
                self.phase = Phase::Editing;
                self.notice = Some((message, true));
                Outcome::default()
            }
        }
    }
}
