//! The vocabulary of what a user can ask for: every key binding, help line, footer hint
//! and test names an [`Action`]. A leaf module: it imports nothing of the dashboard, so
//! the keymap, the config and the help can use it without the app.
//!
//! The views' own keys are the command enums beside it ([`LogsCommand`], [`YamlCommand`],
//! [`EditorCommand`], [`PodCommand`]); everything else that reaches the dashboard (keys being typed,
//! cluster updates, answers) is an `app::Msg`.

mod editor_command;
mod history_command;
mod logs_command;
mod pod_command;
mod yaml_command;

use serde::{Deserialize, Serialize};

pub use self::editor_command::EditorCommand;
pub use self::history_command::HistoryCommand;
pub use self::logs_command::LogsCommand;
pub use self::pod_command::PodCommand;
pub use self::yaml_command::YamlCommand;

/// Everything a key can be bound to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Move the selection up one row.
    Up,
    /// Move the selection down one row.
    Down,
    /// Move the selection up one page.
    PageUp,
    /// Move the selection down one page.
    PageDown,
    /// Go to the first row.
    Top,
    /// Go to the last row.
    Bottom,
    /// Open the selected item (drill down).
    Enter,
    /// Go back along the breadcrumb (or clear the filter).
    Back,
    /// Show the next pane.
    NextPane,
    /// Show the previous pane.
    PrevPane,
    /// Type a `:` command (pane, namespace, context, quit).
    CommandMode,
    /// Type a `/` filter (substring, regex, or -l key=value).
    FilterMode,
    /// Show all namespaces.
    AllNamespaces,
    /// Show the help of the active keymap.
    Help,
    /// Describe the selected object.
    Describe,
    /// Show the selected object as YAML.
    Yaml,
    /// Sort by the next column.
    SortNext,
    /// Sort by the previous column.
    SortPrev,
    /// Reverse the sort order.
    SortReverse,
    /// Scale the selected workload.
    Scale,
    /// Set a container image of the selected workload.
    SetImage,
    /// Pause the selected Deployment's rollout.
    Pause,
    /// Resume the selected Deployment's rollout.
    Resume,
    /// Restart the selected workload (rollout restart).
    Restart,
    /// Undo the selected Deployment's rollout.
    Undo,
    /// Edit the selected object.
    Edit,
    /// Edit the selected object in `$EDITOR` (then `$VISUAL`, then `vi`).
    EditExternal,
    /// Delete the selected object.
    Delete,
    /// Start a canary on the selected Deployment (new image, N new pods, then pause).
    Canary,
    /// Promote the selected Deployment's canary.
    Promote,
    /// Abort the selected Deployment's canary (roll back).
    Abort,
    /// Hold the selected Deployment's canary plan until pressed again (or let it go on).
    Hold,
    /// Run the selected CronJob now (`kubectl create job --from=cronjob/x`).
    Trigger,
    /// Follow the logs of the selected pod, container, Deployment or ReplicaSet.
    ShowLogs,
    /// Forward a local port to the selected pod, Service or Deployment.
    PortForward,
    /// Show the selected Deployment's revisions, two of them compared side by side.
    History,
    /// Quit kdeck.
    Quit,
    /// A key of the logs view (the keymap's `[logs]` section, see `app::logs::commands`).
    #[serde(skip)]
    LogsKey(LogsCommand),
    /// A key of the YAML view (the keymap's `[yaml]` section).
    #[serde(skip)]
    YamlView(YamlCommand),
    /// A key of the editor (the keymap's `[editor]` section).
    #[serde(skip)]
    Editor(EditorCommand),
    /// A key of the pods and containers views (the keymap's `[pods]` section).
    #[serde(skip)]
    PodKey(PodCommand),
    /// A key of the history view (the keymap's `[history]` section).
    #[serde(skip)]
    HistoryKey(HistoryCommand),
}

impl Action {
    /// The name used in keymap files and help (`page_down`).
    pub fn name(&self) -> String {
        match self {
            Self::LogsKey(command) => serde_name(command),
            Self::YamlView(command) => serde_name(command),
            Self::Editor(command) => serde_name(command),
            Self::PodKey(command) => serde_name(command),
            Self::HistoryKey(command) => serde_name(command),
            other => serde_name(other),
        }
    }

    /// Parses a keymap name (`page_down`); `None` for unknown or non-bindable names.
    pub fn from_name(name: &str) -> Option<Self> {
        serde_json::from_value(serde_json::Value::String(name.to_owned())).ok()
    }

    /// One line saying what the action does, for help and footer hints.
    pub fn description(&self) -> &'static str {
        match self {
            Self::Up => "up",
            Self::Down => "down",
            Self::PageUp => "page up",
            Self::PageDown => "page down",
            Self::Top => "first row",
            Self::Bottom => "last row",
            Self::Enter => "open / drill down",
            Self::Back => "back / clear filter",
            Self::NextPane => "next pane",
            Self::PrevPane => "previous pane",
            Self::CommandMode => "command (:deploy, :ns x, :ctx, :q)",
            Self::FilterMode => "filter (text, regex, -l k=v)",
            Self::AllNamespaces => "all namespaces",
            Self::Help => "help",
            Self::Describe => "describe",
            Self::Yaml => "YAML",
            Self::SortNext => "sort by next column",
            Self::SortPrev => "sort by previous column",
            Self::SortReverse => "reverse sort",
            Self::Scale => "scale",
            Self::SetImage => "set image",
            Self::Pause => "pause rollout",
            Self::Resume => "resume rollout",
            Self::Restart => "restart rollout",
            Self::Undo => "undo rollout",
            Self::Edit => "edit",
            Self::EditExternal => "edit in $EDITOR",
            Self::Delete => "delete",
            Self::Canary => "start canary",
            Self::Promote => "promote canary",
            Self::Abort => "abort canary",
            Self::Hold => "hold / release a canary plan",
            Self::Trigger => "run a CronJob now",
            Self::ShowLogs => "logs (pod, deployment, replicaset)",
            Self::PortForward => "port-forward (pod, service, deployment)",
            Self::History => "revisions, two compared (deployment)",
            Self::Quit => "quit",
            Self::LogsKey(command) => command.description(),
            Self::YamlView(command) => command.description(),
            Self::Editor(command) => command.description(),
            Self::PodKey(command) => command.description(),
            Self::HistoryKey(command) => command.description(),
        }
    }

    /// Whether the action needs the mutation gate: it would change the cluster, or reach
    /// into it (a shell, attach and port-forward are refused with the changes in a
    /// read-only session, and asked for with them by SelfSubjectAccessReview).
    pub fn is_mutation(&self) -> bool {
        matches!(
            self,
            Self::Scale
                | Self::SetImage
                | Self::Pause
                | Self::Resume
                | Self::Restart
                | Self::Undo
                | Self::Edit
                | Self::EditExternal
                | Self::Delete
                | Self::Canary
                | Self::Promote
                | Self::Abort
                | Self::Hold
                | Self::Trigger
                | Self::PortForward
                | Self::PodKey(_)
        )
    }

    /// Whether the action opens a stream into the cluster (exec, attach, port-forward)
    /// rather than sending a change.
    pub fn reaches_in(&self) -> bool {
        matches!(self, Self::PortForward | Self::PodKey(_))
    }

    /// Every action a keymap may bind, in help order.
    pub fn bindable() -> Vec<Self> {
        vec![
            Self::Up,
            Self::Down,
            Self::PageUp,
            Self::PageDown,
            Self::Top,
            Self::Bottom,
            Self::Enter,
            Self::Back,
            Self::NextPane,
            Self::PrevPane,
            Self::CommandMode,
            Self::FilterMode,
            Self::AllNamespaces,
            Self::Help,
            Self::Describe,
            Self::Yaml,
            Self::SortNext,
            Self::SortPrev,
            Self::SortReverse,
            Self::Scale,
            Self::SetImage,
            Self::Pause,
            Self::Resume,
            Self::Restart,
            Self::Undo,
            Self::Edit,
            Self::EditExternal,
            Self::Delete,
            Self::Canary,
            Self::Promote,
            Self::Abort,
            Self::Hold,
            Self::Trigger,
            Self::ShowLogs,
            Self::PortForward,
            Self::History,
            Self::Quit,
        ]
    }
}

/// The serde name of a unit variant (`page_down`), "" for others.
fn serde_name<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_payload_actions_are_not_bindable() {
        for a in Action::bindable() {
            assert_eq!(Action::from_name(&a.name()), Some(a.clone()));
            assert!(!a.description().is_empty(), "{a:?}");
        }
        assert_eq!(Action::PageDown.name(), "page_down");
        assert_eq!(Action::from_name("input_char"), None);
        assert_eq!(Action::from_name("nope"), None);
    }
}
