//! The logs view: one container, or every pod of a Deployment or ReplicaSet (like stern).
//! Lines go into a bounded ring buffer ([`buffer`]); the view follows the tail until
//! scrolled up, then counts what arrives meanwhile. Search, filter, save and copy are in
//! [`commands`]; which pods are followed in [`sources`]; text is made safe in [`sanitize`].
//! A view says what it needs as [`LogEffect`]s and what the status line should say as
//! [`Handled`]; app's `logs_screen` finds the view, hands it keys and chunks and acts on
//! that, so this module names nothing of the app.

pub mod buffer;
pub mod commands;
pub mod line_text;
pub mod sanitize;
pub mod sources;
pub mod streams;

use std::collections::VecDeque;

use self::buffer::{LogBuffer, LogEntry};
use super::line_matcher::LineMatcher;
use crate::cluster::Kind;

pub use self::commands::{Handled, LogsCommand, PromptEdit};
pub use self::streams::{apply_chunk, restart_stream, split_timestamp};

pub use crate::config::LogSettings;

/// What the logs views ask of the loop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogEffect {
    /// Stream the logs of a container.
    StartLogs(crate::cluster::LogStreamRequest),
    /// Put text on the clipboard (the lines on screen).
    CopyText(String),
    /// Write text to a file (the lines kept).
    SaveText {
        /// Where.
        path: std::path::PathBuf,
        /// What.
        text: String,
    },
}

/// What a logs view follows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogScope {
    /// One pod (one container of it at a time).
    Pod {
        /// The pod.
        pod: String,
    },
    /// Every pod of a Deployment or ReplicaSet, joining and leaving as they come and go.
    Workload {
        /// `Deployment` or `ReplicaSet`.
        kind: Kind,
        /// Its name.
        name: String,
    },
}

/// One followed container.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogSource {
    /// The id of its current stream (a new one each time the stream is restarted).
    pub stream: u64,
    /// The pod.
    pub pod: String,
    /// The container.
    pub container: String,
    /// The short name lines are prefixed with in a multi-pod view.
    pub label: String,
    /// Whether its stream was asked for (pods start streaming once a container runs).
    pub started: bool,
    /// Set when the pod is gone: why.
    pub ended: Option<String>,
}

/// A line being typed at the bottom of the view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogPrompt {
    /// What the line is for.
    pub purpose: PromptPurpose,
    /// The text typed.
    pub text: String,
}

/// What a [`LogPrompt`] is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptPurpose {
    /// `/`: search and highlight.
    Search,
    /// `f`: show only matching lines.
    Filter,
    /// `s`: save to a file.
    Save,
}

/// The logs of one pod or of a workload's pods.
#[derive(Debug, Clone)]
#[expect(
    clippy::struct_excessive_bools,
    reason = "independent toggles of the view, each with its own key"
)]
pub struct LogsView {
    /// Namespace of the pods.
    pub namespace: String,
    /// What is followed.
    pub scope: LogScope,
    /// The followed containers.
    pub sources: Vec<LogSource>,
    /// The lines received.
    pub buffer: LogBuffer,
    /// Settings it was opened with.
    pub settings: LogSettings,
    /// Show the previous container instance's log (one pod only).
    pub previous: bool,
    /// Show each line's timestamp.
    pub timestamps: bool,
    /// Wrap long lines instead of cutting them at the edge.
    pub wrap: bool,
    /// Show the newest lines as they come.
    pub follow: bool,
    /// When paused: the sequence number of the first line shown.
    pub top: u64,
    /// When paused: lines (passing the filter) received since.
    pub new_while_paused: u64,
    /// The `/` search, highlighted.
    pub search: Option<LineMatcher>,
    /// The line of the current search match (n/N move it).
    pub current_match: Option<u64>,
    /// The filter: only matching lines are shown (the others are kept).
    pub filter: Option<LineMatcher>,
    /// Sequence numbers of the lines passing the filter, oldest first.
    pub filtered: VecDeque<u64>,
    /// The line being typed, if any.
    pub prompt: Option<LogPrompt>,
    /// The container picker (index of the selected container), if open.
    pub picker: Option<usize>,
    /// Set by the stream when nothing came for a while: how long.
    pub quiet_minutes: Option<u64>,
    /// The latest word from the streams (reconnecting, ended), for the status line.
    pub notice: Option<String>,
    /// The pod and ReplicaSet store generations the sources were last brought in line with.
    pub reconciled_from: Option<(u64, u64)>,
}

impl LogsView {
    /// An empty view of `scope`.
    pub fn new(namespace: &str, scope: LogScope, settings: LogSettings) -> Self {
        Self {
            namespace: namespace.to_owned(),
            scope,
            sources: Vec::new(),
            buffer: LogBuffer::new(settings.caps),
            settings,
            previous: false,
            timestamps: false,
            wrap: false,
            follow: true,
            top: 0,
            new_while_paused: 0,
            search: None,
            current_match: None,
            filter: None,
            filtered: VecDeque::new(),
            prompt: None,
            picker: None,
            quiet_minutes: None,
            notice: None,
            reconciled_from: None,
        }
    }

    /// The title: `logs pod/web-1/nginx`, `logs deployment/myapp-deploy`.
    pub fn title(&self) -> String {
        match &self.scope {
            LogScope::Pod { pod } => {
                let container = self.sources.first().map_or("", |s| s.container.as_str());
                let previous = if self.previous { " (previous)" } else { "" };
                format!("logs {pod}/{container}{previous}")
            }
            LogScope::Workload { kind, name } => {
                format!("logs {}/{name}", kind.word())
            }
        }
    }

    /// Whether lines are prefixed with their pod (more than one source).
    pub fn multi_pod(&self) -> bool {
        matches!(self.scope, LogScope::Workload { .. })
    }

    /// How many lines are shown (all, or those passing the filter).
    pub fn visible_len(&self) -> usize {
        if self.filter.is_some() {
            self.filtered.len()
        } else {
            self.buffer.len()
        }
    }

    /// The sequence number of the `i`-th shown line.
    pub fn visible_seq(&self, i: usize) -> Option<u64> {
        if self.filter.is_some() {
            self.filtered.get(i).copied()
        } else {
            (i < self.buffer.len()).then(|| self.buffer.first_seq() + i as u64)
        }
    }

    /// The position among the shown lines of the first one at or after `seq`.
    pub fn position_of(&self, seq: u64) -> usize {
        if self.filter.is_some() {
            self.filtered.partition_point(|s| *s < seq)
        } else {
            usize::try_from(seq.saturating_sub(self.buffer.first_seq()))
                .unwrap_or(usize::MAX)
                .min(self.buffer.len())
        }
    }

    /// The kinds whose rows the view reads (to follow a workload's pods).
    pub fn watched_kinds(&self) -> Vec<Kind> {
        match &self.scope {
            LogScope::Pod { .. } => vec![Kind::Pod],
            LogScope::Workload { .. } => vec![Kind::Pod, Kind::ReplicaSet],
        }
    }

    /// The source that owns stream `id`.
    pub fn source_of(&self, stream: u64) -> Option<usize> {
        self.sources.iter().position(|s| s.stream == stream)
    }

    /// Stream ids that should be running while the view is shown.
    pub fn active_streams(&self) -> impl Iterator<Item = u64> + '_ {
        self.sources
            .iter()
            .filter(|s| s.started && s.ended.is_none())
            .map(|s| s.stream)
    }

    /// Adds a line (or a note) from source `source`, keeping the filter index and the
    /// paused position up to date.
    pub fn push(&mut self, source: u16, text: String, note: bool) {
        let (at, text) = if note {
            (None, text)
        } else {
            split_timestamp(text)
        };
        let seq = self.buffer.end_seq();
        let passes = note || self.filter.as_ref().is_none_or(|f| f.is_match(&text));
        self.buffer.push(LogEntry {
            source,
            at,
            text,
            note,
        });
        if passes {
            if self.filter.is_some() {
                self.filtered.push_back(seq);
            }
            if !self.follow {
                self.new_while_paused += 1;
            }
        }
        let first = self.buffer.first_seq();
        while self.filtered.front().is_some_and(|s| *s < first) {
            self.filtered.pop_front();
        }
        if self.top < first {
            self.top = first;
        }
    }

    /// Recomputes the filter index (after the filter changed).
    pub fn refilter(&mut self) {
        self.filtered = match &self.filter {
            Some(f) => self
                .buffer
                .iter()
                .filter(|(_, e)| e.note || f.is_match(&e.text))
                .map(|(seq, _)| seq)
                .collect(),
            None => VecDeque::new(),
        };
    }

    /// Stops following, keeping the lines of the last page in view.
    pub fn pause(&mut self, page: usize) {
        if self.follow {
            self.follow = false;
            self.new_while_paused = 0;
            let start = self.visible_len().saturating_sub(page);
            self.top = self.visible_seq(start).unwrap_or(self.buffer.end_seq());
        }
    }

    /// Follows the tail again.
    pub fn resume(&mut self) {
        self.follow = true;
        self.new_while_paused = 0;
    }

    /// Scrolls by `delta` shown lines (`isize::MIN`/`MAX`: to the first line / the tail).
    pub fn scroll(&mut self, delta: isize, page: usize) {
        if delta == isize::MAX {
            self.resume();
            return;
        }
        let last_top = self.visible_len().saturating_sub(page);
        let at = if self.follow {
            last_top
        } else {
            self.position_of(self.top)
        };
        let to = match delta {
            isize::MIN => 0,
            d => at.saturating_add_signed(d),
        };
        if to >= last_top && delta > 0 {
            self.resume();
            return;
        }
        self.pause(page);
        self.top = self
            .visible_seq(to.min(last_top))
            .unwrap_or(self.buffer.end_seq());
    }
}
