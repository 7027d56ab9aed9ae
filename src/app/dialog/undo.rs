//! The undo dialog: a picker of the rollout history (revision, change-cause, images),
//! then the diff of the current pod template against the chosen one, scrollable;
//! Enter confirms. A paused Deployment is explained (kubectl refuses to undo it) and
//! offered resume-and-undo instead.

use super::{DialogKey, Step};
use crate::cluster::ObjectKey;
use crate::cluster::ops::Operation;
use crate::cluster::ops::{DiffLine, Revision, template_diff};

/// The diff of the chosen revision, before confirming.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UndoPreview {
    /// The chosen revision.
    pub revision: i64,
    /// Current template versus the chosen one (empty: the same).
    pub diff: Vec<DiffLine>,
    /// First diff line shown.
    pub scroll: usize,
}

/// Picks a revision and confirms the undo.
#[derive(Debug, Clone, PartialEq)]
pub struct UndoDialog {
    /// The Deployment.
    pub key: ObjectKey,
    /// The Deployment is paused (kubectl refuses the undo; Enter resumes and undoes).
    pub paused: bool,
    /// The history, oldest first: `None` while it loads, or why it failed.
    pub revisions: Option<Result<Vec<Revision>, String>>,
    /// The selected revision (index into `revisions`).
    pub selected: usize,
    /// The diff step, once a revision is chosen.
    pub preview: Option<UndoPreview>,
    /// The revision chosen before the dialog opened (the history view's cursor): the
    /// dialog opens on its diff.
    pub preferred: Option<i64>,
}

impl UndoDialog {
    /// A dialog for `key`, waiting for the history.
    pub fn new(key: ObjectKey, paused: bool) -> Self {
        Self {
            key,
            paused,
            revisions: None,
            selected: 0,
            preview: None,
            preferred: None,
        }
    }

    /// The same dialog, opening on the diff of `revision` once the history is read.
    #[must_use]
    pub fn preferring(mut self, revision: Option<i64>) -> Self {
        self.preferred = revision;
        self
    }

    /// Takes the history; selects the newest revision that is not the current one
    /// (the one `kubectl rollout undo` goes back to).
    pub fn loaded(&mut self, history: Result<Vec<Revision>, String>) {
        self.selected = history.as_ref().map_or(0, |revs| {
            revs.iter()
                .rposition(|r| !r.current)
                .unwrap_or(revs.len().saturating_sub(1))
        });
        self.revisions = Some(history);
        let preferred = self
            .preferred
            .and_then(|rev| self.list().iter().position(|r| r.revision == rev));
        if let Some(at) = preferred {
            self.selected = at;
            self.preview = self.chosen().map(|chosen| self.preview_of(chosen));
        }
    }

    fn list(&self) -> &[Revision] {
        match &self.revisions {
            Some(Ok(list)) => list,
            _ => &[],
        }
    }

    /// The revision the picker points at.
    pub fn chosen(&self) -> Option<&Revision> {
        self.list().get(self.selected)
    }

    /// The change Enter sends from the diff step.
    pub fn operation(&self, revision: i64) -> Operation {
        Operation::Undo {
            key: self.key.clone(),
            revision: Some(revision),
            resume: self.paused,
        }
    }

    fn preview_of(&self, chosen: &Revision) -> UndoPreview {
        let current = self.list().iter().find(|r| r.current);
        UndoPreview {
            revision: chosen.revision,
            diff: current.map_or_else(Vec::new, |c| template_diff(&c.template, &chosen.template)),
            scroll: 0,
        }
    }

    /// Applies a key.
    pub fn key(&mut self, key: DialogKey) -> Step {
        if let Some(preview) = &mut self.preview {
            let last = preview.diff.len().saturating_sub(1);
            match key {
                DialogKey::Esc => self.preview = None,
                DialogKey::Enter => {
                    return Step::Send(Operation::Undo {
                        key: self.key.clone(),
                        revision: Some(preview.revision),
                        resume: self.paused,
                    });
                }
                DialogKey::Up => preview.scroll = preview.scroll.saturating_sub(1),
                DialogKey::Down => preview.scroll = (preview.scroll + 1).min(last),
                DialogKey::PageUp => preview.scroll = preview.scroll.saturating_sub(10),
                DialogKey::PageDown => preview.scroll = (preview.scroll + 10).min(last),
                _ => {}
            }
            return Step::Stay;
        }
        match key {
            DialogKey::Esc => return Step::Cancel,
            DialogKey::Up => self.selected = self.selected.saturating_sub(1),
            DialogKey::Down => {
                self.selected = (self.selected + 1).min(self.list().len().saturating_sub(1));
            }
            DialogKey::Enter => match &self.revisions {
                None => return Step::Error("still reading the rollout history…".to_owned()),
                Some(Err(e)) => return Step::Error(e.clone()),
                Some(Ok(_)) => match self.chosen() {
                    Some(chosen) => self.preview = Some(self.preview_of(chosen)),
                    None => return Step::Error("the history is empty".to_owned()),
                },
            },
            _ => {}
        }
        Step::Stay
    }
}
