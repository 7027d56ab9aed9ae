//! The dashboard's vocabulary: every key binding, help line, footer hint and test
//! drives the state through an [`Action`]. Results of cluster I/O come back as actions too.

use serde::{Deserialize, Serialize};

use crate::cluster::{ClusterUpdate, Kind, LogChunk};

/// Everything that can happen to the dashboard's state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    /// Follow the logs of the selected pod, container, Deployment or ReplicaSet.
    ShowLogs,
    /// Quit kdeck.
    Quit,
    /// A key of the logs view (the keymap's `[logs]` section, see `app::logs::commands`).
    #[serde(skip)]
    LogsKey(super::logs::LogsCommand),
    /// A key of the YAML view (the keymap's `[yaml]` section).
    #[serde(skip)]
    YamlView(super::yaml_view::command::YamlCommand),
    /// A key of the editor (the keymap's `[editor]` section).
    #[serde(skip)]
    Editor(super::editor::EditorCommand),
    /// A character typed into the command or filter line.
    #[serde(skip)]
    InputChar(char),
    /// Text pasted into the command or filter line, applied at once (control characters removed).
    #[serde(skip)]
    InputText(String),
    /// Erase the last character of the command or filter line.
    #[serde(skip)]
    InputBackspace,
    /// Complete the command line (Tab).
    #[serde(skip)]
    InputComplete,
    /// Erase the whole command, filter or prompt line (Ctrl-u).
    #[serde(skip)]
    InputClear,
    /// Run the command or apply the filter (Enter).
    #[serde(skip)]
    InputSubmit,
    /// Leave the command or filter line (Esc).
    #[serde(skip)]
    InputCancel,
    /// The terminal was resized to (columns, rows).
    #[serde(skip)]
    Resize(u16, u16),
    /// Rows or a watch state arrived from the cluster layer.
    #[serde(skip)]
    Cluster(ClusterUpdate),
    /// A YAML or describe text arrived (title, text or the error).
    #[serde(skip)]
    TextLoaded {
        /// Which view asked for it.
        title: String,
        /// The text, or the error message.
        text: Result<String, String>,
    },
    /// The API server's version is known.
    #[serde(skip)]
    ServerVersion(String),
    /// Connected to a (new) context.
    #[serde(skip)]
    Connected {
        /// Context name.
        context: String,
        /// API server URL.
        server: String,
        /// The namespace it opens on.
        namespace: String,
    },
    /// Connecting to a context failed.
    #[serde(skip)]
    ConnectFailed(String),
    /// A message for the status line.
    #[serde(skip)]
    Status(String),
    /// An operation succeeded; kubectl's words for it.
    #[serde(skip)]
    Done(String),
    /// Lines (or the end) of log stream `stream`.
    #[serde(skip)]
    LogStream {
        /// The stream's id (from [`Effect::StartLogs`]).
        stream: u64,
        /// What it sent.
        chunk: LogChunk,
    },
    /// A key pressed while a dialog is open.
    #[serde(skip)]
    DialogKey(super::dialog::DialogKey),
    /// An object arrived for the YAML view (and the recovery file of an unsent edit).
    #[serde(skip)]
    ObjectLoaded {
        /// The object asked for.
        key: crate::cluster::ObjectKey,
        /// The object, or the error message.
        object: Result<super::yaml_view::LiveObject, String>,
        /// The text of an unsent edit of it, when opening the editor.
        recovery: Option<super::yaml_view::Sensitive>,
    },
    /// A key for the YAML view's own keys, its search line or its editor.
    #[serde(skip)]
    YamlKey(crossterm::event::KeyEvent),
    /// Text pasted into the YAML view's editor or search line (bracketed paste).
    #[serde(skip)]
    YamlPaste(String),
    /// What came back for an editor's request.
    #[serde(skip)]
    EditReport(super::editor::EditReport),
    /// A file read for `:create FILE`: its text, or why it could not be read.
    #[serde(skip)]
    FileRead {
        /// The file.
        path: std::path::PathBuf,
        /// Its text, or the error message.
        text: Result<String, String>,
    },
    /// The server's answer to a "may I?" question.
    #[serde(skip)]
    PermissionAnswer {
        /// The question.
        question: super::permissions::Question,
        /// The answer.
        answer: super::permissions::Answer,
    },
    /// What came back for a dialog's request.
    #[serde(skip)]
    OpReport {
        /// The request's id.
        id: u64,
        /// What happened.
        report: super::operations::OpReport,
    },
}

impl Action {
    /// The name used in keymap files and help (`page_down`).
    pub fn name(&self) -> String {
        match self {
            Self::LogsKey(command) => serde_name(command),
            Self::YamlView(command) => serde_name(command),
            Self::Editor(command) => serde_name(command),
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
            Self::ShowLogs => "logs (pod, deployment, replicaset)",
            Self::Quit => "quit",
            Self::LogsKey(command) => command.description(),
            Self::YamlView(command) => command.description(),
            Self::Editor(command) => command.description(),
            _ => "",
        }
    }

    /// Whether the action would change the cluster.
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
        )
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
            Self::ShowLogs,
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

/// What `update` asks the loop to do; the loop performs it through `Cluster`.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Start (or restart) the watch of `kind` in `namespace` (`None`: all / cluster-scoped).
    Watch {
        /// The kind.
        kind: Kind,
        /// The namespace.
        namespace: Option<String>,
    },
    /// Fetch the server's describe text of an object.
    Describe {
        /// The object.
        key: crate::cluster::ObjectKey,
        /// The title of the view waiting for it.
        title: String,
    },
    /// Stream the logs of a container; the loop stops it when no view shown needs it.
    StartLogs(crate::cluster::LogStreamRequest),
    /// Write `text` to the file `path`; the result comes back as a status.
    SaveText {
        /// Where.
        path: std::path::PathBuf,
        /// What.
        text: String,
    },
    /// Put `text` on the clipboard: the local one, or the terminal's (OSC 52) over SSH.
    CopyText(String),
    /// Read a file (for `:create FILE`); answered by [`Action::FileRead`].
    ReadFile(std::path::PathBuf),
    /// Connect to another kubeconfig context.
    SwitchContext(String),
    /// Fetch an object for the YAML view (with `for_edit`, also its recovery file);
    /// answered by [`Action::ObjectLoaded`].
    FetchObject {
        /// The object.
        key: crate::cluster::ObjectKey,
        /// The editor opens on it.
        for_edit: bool,
    },
    /// An editor's request; answered by [`Action::EditReport`].
    Edit(super::editor::EditRequest),
    /// Ask the server (SelfSubjectAccessReview) whether the user may do this; answered by
    /// [`Action::PermissionAnswer`].
    AskPermission(super::permissions::Question),
    /// A dialog's read or change, run as a task; answered by [`Action::OpReport`].
    Ops(super::operations::OpRequest),
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
