//! What reaches the dashboard's [`update`](super::update()) (the step function): a user's [`Action`], a key or
//! paste still to be read through the keymap, text typed on a prompt, and everything the
//! cluster and the effects send back. And the [`Effect`]s `step` asks the runtime for.

use crossterm::event::KeyEvent;
use jiff::Timestamp;

use crate::action::Action;
use crate::cluster::{ClusterUpdate, Kind, LogChunk};

/// Everything that can happen to the dashboard's state.
#[derive(Debug, Clone, PartialEq)]
pub enum Msg {
    /// What the user asked for (a bound key, a test).
    Action(Action),
    /// The dashboard starts: ask the server what it is.
    Start,
    /// Time passed: a frame is due (AGE cells, derived views).
    Tick(Timestamp),
    /// A key the terminal sent, read through the keymap of the current mode.
    Key(KeyEvent),
    /// Text the terminal pasted (bracketed paste).
    Paste(String),
    /// A character typed into the command or filter line.
    InputChar(char),
    /// Text pasted into the command or filter line, applied at once (control characters removed).
    InputText(String),
    /// Erase the last character of the command or filter line.
    InputBackspace,
    /// Complete the command line (Tab).
    InputComplete,
    /// Erase the whole command, filter or prompt line (Ctrl-u).
    InputClear,
    /// Run the command or apply the filter (Enter).
    InputSubmit,
    /// Leave the command or filter line (Esc).
    InputCancel,
    /// The terminal was resized to (columns, rows).
    Resize(u16, u16),
    /// Rows and watch states that arrived from the cluster layer, in order (the loop
    /// hands over what is queued at once: one refresh of the followed logs a batch).
    Cluster(Vec<ClusterUpdate>),
    /// A YAML or describe text arrived (title, text or the error).
    TextLoaded {
        /// Which view asked for it.
        title: String,
        /// The text, or the error message.
        text: Result<String, String>,
    },
    /// The API server's version is known.
    ServerVersion(String),
    /// What the server serves (discovery), or why it could not be read.
    Discovered(Result<Vec<crate::cluster::registry::ResourceId>, String>),
    /// Connected to a (new) context.
    Connected {
        /// Context name.
        context: String,
        /// API server URL.
        server: String,
        /// The namespace it opens on.
        namespace: String,
    },
    /// Connecting to a context failed.
    ConnectFailed(String),
    /// A message for the status line.
    Status(String),
    /// An operation succeeded; kubectl's words for it.
    Done(String),
    /// Lines (or the end) of log stream `stream`.
    LogStream {
        /// The stream's id (from [`Effect::StartLogs`]).
        stream: u64,
        /// What it sent.
        chunk: LogChunk,
    },
    /// A key pressed while a dialog is open.
    DialogKey(super::dialog::DialogKey),
    /// An object arrived for the YAML view (and the recovery file of an unsent edit).
    ObjectLoaded {
        /// The object asked for.
        key: crate::cluster::ObjectKey,
        /// The object, or the error message.
        object: Result<super::editor::LiveObject, String>,
        /// The text of an unsent edit of it, when opening the editor.
        recovery: Option<super::editor::Sensitive>,
    },
    /// A key for the YAML view's own keys, its search line or its editor.
    YamlKey(crossterm::event::KeyEvent),
    /// Text pasted into the YAML view's editor or search line (bracketed paste).
    YamlPaste(String),
    /// What came back for an editor's request.
    EditReport(super::editor::EditReport),
    /// A file read for `:create FILE`: its text, or why it could not be read.
    FileRead {
        /// The file.
        path: std::path::PathBuf,
        /// Its text, or the error message.
        text: Result<String, String>,
    },
    /// The server's answer to a "may I?" question.
    PermissionAnswer {
        /// The question.
        question: super::permissions::Question,
        /// The answer.
        answer: super::permissions::Answer,
    },
    /// A canary gate's command ended.
    CommandDone {
        /// The request's id (from [`Effect::RunCommand`]).
        id: u64,
        /// How it ended.
        outcome: super::canary_plan::command_gate::CommandOutcome,
    },
    /// What came back for a dialog's request.
    OpReport {
        /// The request's id.
        id: u64,
        /// What happened.
        report: super::operations::OpReport,
    },
    /// What a poll of the metrics API found.
    Metrics(crate::cluster::metrics::MetricsReport),
    /// A shell, attach session or port-forward changed.
    Stream(super::stream_msg::StreamMsg),
}

impl From<Action> for Msg {
    fn from(action: Action) -> Self {
        Self::Action(action)
    }
}

/// What `update` asks the loop to do; the loop performs it through `Cluster`.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Ask the server for its version (also the first sign that it answers); answered by
    /// [`Msg::ServerVersion`] or a status.
    AskServerVersion,
    /// Ask the server what it serves (API discovery), and again whenever a
    /// CustomResourceDefinition comes or goes; answered by [`Msg::Discovered`].
    Discover,
    /// Ask again whenever a CustomResourceDefinition comes or goes (discovery already
    /// answered once).
    FollowDefinitions,
    /// Start (or restart) the watch of `kind` in `namespace` (`None`: all / cluster-scoped).
    Watch {
        /// The kind.
        kind: Kind,
        /// The namespace.
        namespace: Option<String>,
        /// The rows kept (events of the rollout views' Deployments only, say).
        scope: crate::cluster::watch::WatchScope,
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
    /// Read a file (for `:create FILE`); answered by [`Msg::FileRead`].
    ReadFile(std::path::PathBuf),
    /// Connect to another kubeconfig context.
    SwitchContext(String),
    /// Fetch an object for the YAML view (with `for_edit`, also its recovery file);
    /// answered by [`Msg::ObjectLoaded`].
    FetchObject {
        /// The object.
        key: crate::cluster::ObjectKey,
        /// The editor opens on it.
        for_edit: bool,
    },
    /// An editor's request; answered by [`Msg::EditReport`].
    Edit(super::editor::EditRequest),
    /// Ask the server (SelfSubjectAccessReview) whether the user may do this; answered by
    /// [`Msg::PermissionAnswer`].
    AskPermission(super::permissions::Question),
    /// A dialog's read or change, run as a task; answered by [`Msg::OpReport`].
    Ops(super::operations::OpRequest),
    /// Poll the metrics API for `target` from now on (`None`: stop) every `interval`;
    /// answered by [`Msg::Metrics`] whenever what it finds changes.
    PollMetrics {
        /// What to list.
        target: Option<crate::cluster::metrics::MetricsTarget>,
        /// Time between polls.
        interval: std::time::Duration,
    },
    /// Run a canary gate's command on this machine; answered by [`Msg::CommandDone`].
    RunCommand(super::canary_plan::command_gate::CommandRequest),
    /// Open a terminal session, start or stop a port-forward; answered by [`Msg::Stream`].
    Stream(super::stream_msg::StreamRequest),
}

impl From<super::editor::EditorEffect> for Effect {
    fn from(effect: super::editor::EditorEffect) -> Self {
        match effect {
            super::editor::EditorEffect::Edit(request) => Self::Edit(request),
            super::editor::EditorEffect::CopyText(text) => Self::CopyText(text),
        }
    }
}
