//! The editor's own keys (the `[editor]` section of keymaps): save, cancel, hand the text
//! to `$EDITOR`, undo and redo. Every other key is text for the text area, and the answers
//! to its questions (confirm the diff, re-apply or reload, discard) stay fixed.

use serde::{Deserialize, Serialize};

use super::{Editor, Outcome, Phase};
use crate::app::action::Effect;

/// A key of the editor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EditorCommand {
    /// Check the text, dry-run it and show the diff before sending.
    Save,
    /// Leave the editor (asks first when there are unsaved changes).
    Cancel,
    /// Continue editing the text in `$EDITOR`.
    ExternalEditor,
    /// Undo the last change.
    Undo,
    /// Redo the last undone change.
    Redo,
}

impl EditorCommand {
    /// Every command, in help order.
    pub const ALL: [Self; 5] = [
        Self::Save,
        Self::Cancel,
        Self::ExternalEditor,
        Self::Undo,
        Self::Redo,
    ];

    /// One line saying what the command does, for help.
    pub fn description(self) -> &'static str {
        match self {
            Self::Save => "check, dry-run and show the diff",
            Self::Cancel => "leave (asks before discarding)",
            Self::ExternalEditor => "continue in $EDITOR",
            Self::Undo => "undo",
            Self::Redo => "redo",
        }
    }
}

impl Editor {
    /// Runs `command` while typing.
    pub(super) fn command(&mut self, command: EditorCommand, effects: &mut Vec<Effect>) -> Outcome {
        let modified = match command {
            EditorCommand::Save => return self.save(effects),
            EditorCommand::Cancel => {
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
        };
        if modified {
            self.changed(effects);
        }
        Outcome::default()
    }
}
