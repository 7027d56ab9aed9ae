//! The keys of the editor (the keymap's `[editor]` section).

use serde::{Deserialize, Serialize};

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
    /// Open the find prompt under the text (Enter finds, Esc closes it).
    Find,
    /// Find the next match of the last search.
    FindNext,
    /// Find the previous match of the last search.
    FindPrevious,
    /// Copy the selection (to the system clipboard too).
    Copy,
    /// Cut the selection (to the system clipboard too).
    Cut,
    /// Paste what was copied or cut last in the editor.
    Paste,
}

impl EditorCommand {
    /// Every command, in help order.
    pub const ALL: [Self; 11] = [
        Self::Save,
        Self::Cancel,
        Self::ExternalEditor,
        Self::Undo,
        Self::Redo,
        Self::Find,
        Self::FindNext,
        Self::FindPrevious,
        Self::Copy,
        Self::Cut,
        Self::Paste,
    ];

    /// One line saying what the command does, for help.
    pub fn description(self) -> &'static str {
        match self {
            Self::Save => "check, dry-run and show the diff",
            Self::Cancel => "leave (asks before discarding)",
            Self::ExternalEditor => "continue in $EDITOR",
            Self::Undo => "undo",
            Self::Redo => "redo",
            Self::Find => "find (literal; any case unless it has capitals)",
            Self::FindNext => "next match",
            Self::FindPrevious => "previous match",
            Self::Copy => "copy the selection (Shift+arrows select)",
            Self::Cut => "cut the selection",
            Self::Paste => "paste what was copied or cut",
        }
    }
}
