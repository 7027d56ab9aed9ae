//! The keys of the logs view (the keymap's `[logs]` section).

use serde::{Deserialize, Serialize};

/// A key of the logs view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LogsCommand {
    /// Open the container picker.
    PickContainer,
    /// Show the previous container instance's log, or the current one again.
    TogglePrevious,
    /// Show or hide timestamps.
    ToggleTimestamps,
    /// Wrap long lines or cut them.
    ToggleWrap,
    /// Type a search.
    Search,
    /// Go to the next (newer) match.
    NextMatch,
    /// Go to the previous (older) match.
    PrevMatch,
    /// Type a filter.
    Filter,
    /// Save the lines to a file.
    Save,
    /// Copy the lines on screen (local clipboard, or OSC 52 over SSH).
    Copy,
}

impl LogsCommand {
    /// Every command, in help order.
    pub const ALL: [Self; 10] = [
        Self::PickContainer,
        Self::TogglePrevious,
        Self::ToggleTimestamps,
        Self::ToggleWrap,
        Self::Search,
        Self::NextMatch,
        Self::PrevMatch,
        Self::Filter,
        Self::Save,
        Self::Copy,
    ];

    /// One line saying what the command does, for help.
    pub fn description(self) -> &'static str {
        match self {
            Self::PickContainer => "pick the container",
            Self::TogglePrevious => "previous container's log on / off",
            Self::ToggleTimestamps => "timestamps on / off",
            Self::ToggleWrap => "wrap on / off",
            Self::Search => "search (highlight)",
            Self::NextMatch => "next match (newer)",
            Self::PrevMatch => "previous match (older)",
            Self::Filter => "filter: only matching lines",
            Self::Save => "save the lines to a file",
            Self::Copy => "copy the lines on screen (OSC 52 over SSH)",
        }
    }
}
