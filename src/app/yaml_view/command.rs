//! The YAML view's own keys (the `[yaml]` section of keymaps): search jumps and the
//! display toggles. The keymap's movement keys scroll the view; `/` searches.

use serde::{Deserialize, Serialize};

use super::shown;
use crate::app::state::State;
use crate::cluster::Kind;

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

/// Runs `command` on the YAML view shown (nothing when none is).
pub fn run(state: &mut State, command: YamlCommand) {
    let Some(view) = shown(state) else {
        return;
    };
    match command {
        YamlCommand::NextMatch | YamlCommand::PrevMatch => {
            if view.search.is_none() {
                state.status = Some("no search: / searches".to_owned());
            } else if !view.jump(command == YamlCommand::NextMatch) {
                state.status = Some("no match".to_owned());
            }
        }
        YamlCommand::ToggleManagedFields => {
            view.options.managed_fields = !view.options.managed_fields;
            view.rebuild();
        }
        YamlCommand::ToggleStatus => {
            view.options.hide_status = !view.options.hide_status;
            view.rebuild();
        }
        YamlCommand::RevealSecrets => {
            if view.key.kind == Kind::Secret {
                view.options.reveal_secrets = !view.options.reveal_secrets;
                view.rebuild();
            } else {
                state.status = Some("only a Secret has values to reveal".to_owned());
            }
        }
    }
}
