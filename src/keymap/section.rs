//! The sections of a keymap file: one per view with keys of its own. Each section has its
//! own vocabulary of action names; a view asks its own section first, then `[normal]`.

use crate::action::Action;
use crate::action::EditorCommand;
use crate::action::HistoryCommand;
use crate::action::LogsCommand;
use crate::action::PodCommand;
use crate::action::YamlCommand;

/// A section of a keymap file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Section {
    /// `[normal]`: every view (tables, rollout, describe, and under the views' own keys).
    Normal,
    /// `[logs]`: the logs view, before `[normal]`.
    Logs,
    /// `[yaml]`: the YAML view, before `[normal]`.
    Yaml,
    /// `[editor]`: the editor's own keys (every other key is text).
    Editor,
    /// `[pods]`: the pods table and a pod's containers, before `[normal]` (`s` is a
    /// shell there, scale on workloads).
    Pods,
    /// `[history]`: the history view, before `[normal]` (Space marks a revision).
    History,
}

impl Section {
    /// Every section, in file and help order.
    pub const ALL: [Self; 6] = [
        Self::Normal,
        Self::Pods,
        Self::History,
        Self::Logs,
        Self::Yaml,
        Self::Editor,
    ];

    /// The name in keymap files (`logs`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Normal => "normal",
            Self::Logs => "logs",
            Self::Yaml => "yaml",
            Self::Editor => "editor",
            Self::Pods => "pods",
            Self::History => "history",
        }
    }

    /// The section named `name`.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.name() == name)
    }

    /// Where its keys apply, for help and the key reference.
    pub fn title(self) -> &'static str {
        match self {
            Self::Normal => "Everywhere",
            Self::Logs => "Logs view",
            Self::Yaml => "YAML view",
            Self::Editor => "Editor",
            Self::Pods => "Pods and containers",
            Self::History => "History view",
        }
    }

    /// Every action the section may bind, in help order.
    pub fn actions(self) -> Vec<Action> {
        match self {
            Self::Normal => Action::bindable(),
            Self::Logs => LogsCommand::ALL.into_iter().map(Action::LogsKey).collect(),
            Self::Yaml => YamlCommand::ALL.into_iter().map(Action::YamlView).collect(),
            Self::Editor => EditorCommand::ALL.into_iter().map(Action::Editor).collect(),
            Self::Pods => PodCommand::ALL.into_iter().map(Action::PodKey).collect(),
            Self::History => HistoryCommand::ALL
                .into_iter()
                .map(Action::HistoryKey)
                .collect(),
        }
    }

    /// The action named `name` in this section.
    pub fn action(self, name: &str) -> Option<Action> {
        self.actions().into_iter().find(|a| a.name() == name)
    }
}
