//! The keys of the history view (the keymap's `[history]` section), asked before
//! `[normal]` there: Space marks a revision to compare.

use serde::{Deserialize, Serialize};

/// A key of the history view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HistoryCommand {
    /// Mark the revision under the cursor for the comparison (in place of the one
    /// marked longest ago).
    Mark,
}

impl HistoryCommand {
    /// Every command, in help order.
    pub const ALL: [Self; 1] = [Self::Mark];

    /// One line saying what the command does, for help.
    pub fn description(self) -> &'static str {
        match self {
            Self::Mark => "mark a revision to compare",
        }
    }
}
