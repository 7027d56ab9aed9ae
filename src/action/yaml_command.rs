//! The keys of the YAML view (the keymap's `[yaml]` section).

use serde::{Deserialize, Serialize};

/// A key of the YAML view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum YamlCommand {
    /// Go to the next match of the search.
    NextMatch,
    /// Go to the previous match of the search.
    PrevMatch,
    /// Show or hide managedFields.
    ToggleManagedFields,
    /// Fold or unfold `status`.
    ToggleStatus,
    /// Reveal or mask a Secret's values.
    RevealSecrets,
}

impl YamlCommand {
    /// Every command, in help order.
    pub const ALL: [Self; 5] = [
        Self::NextMatch,
        Self::PrevMatch,
        Self::ToggleManagedFields,
        Self::ToggleStatus,
        Self::RevealSecrets,
    ];

    /// One line saying what the command does, for help.
    pub fn description(self) -> &'static str {
        match self {
            Self::NextMatch => "next match",
            Self::PrevMatch => "previous match",
            Self::ToggleManagedFields => "show / hide managedFields",
            Self::ToggleStatus => "fold / unfold status",
            Self::RevealSecrets => "reveal / mask a Secret's values",
        }
    }
}
