//! The effect runner: performs the [`Effect`]s `step` returns against one cluster, as
//! tasks that never block the loop; what they find comes back on the [`Inbox`]'s
//! channels as messages.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use tokio::sync::mpsc;

use super::edit_io::{self, ExternalEdit};
use super::inbox::Inbox;
use super::stream_io::StreamIo;
use super::{clipboard, operations};
use crate::app::{Effect, Msg, State};
use crate::cluster::metrics::poller::MetricsPoller;
use crate::cluster::{Cluster, ConnectOptions, Kind, LogChunk, LogHandle, WatchHandle};

/// Where copied text goes.
#[derive(Debug, Clone, Default)]
pub enum ClipboardTarget {
    /// The local clipboard program, or the terminal's (OSC 52) over SSH or without one.
    #[default]
    System,
    /// Kept in memory (tests, which have no terminal to write OSC 52 to).
    Recorded(Arc<Mutex<Vec<String>>>),
}

/// How an [`Io`] reaches the world beyond the cluster.
#[derive(Debug, Clone, Default)]
pub struct IoOptions {
    /// Where a relative path of a save goes (`None`: the working directory).
    pub save_dir: Option<PathBuf>,
    /// Where copies go.
    pub clipboard: ClipboardTarget,
}

/// Performs effects against one cluster (replaced on a context switch).
pub struct Io {
    cluster: Arc<Cluster>,
    opts: ConnectOptions,
    options: IoOptions,
    watches: HashMap<Kind, WatchHandle>,
    logs: HashMap<u64, LogHandle>,
    /// Shells, attach sessions and port-forwards.
    streams: StreamIo,
    log_chunks: mpsc::UnboundedSender<(u64, LogChunk)>,
    updates: mpsc::UnboundedSender<crate::cluster::ClusterUpdate>,
    messages: mpsc::UnboundedSender<Msg>,
    connected: mpsc::UnboundedSender<(String, anyhow::Result<Cluster>)>,
    /// An `$EDITOR` run waiting for the loop (which owns the terminal).
    external_edit: Option<ExternalEdit>,
    /// The poll of the metrics API, once something shown asked for one.
    metrics: Option<MetricsPoller>,
    /// The watch of CustomResourceDefinitions that runs discovery again.
    definitions: Option<WatchHandle>,
}

impl Io {
    /// An `Io` for `cluster`; `opts` is how it was reached (kept to switch contexts).
    pub fn new(cluster: Cluster, opts: ConnectOptions, options: IoOptions) -> (Self, Inbox) {
        let (updates_tx, updates) = mpsc::unbounded_channel();
        let (messages_tx, messages) = mpsc::unbounded_channel();
        let (connected_tx, connected) = mpsc::unbounded_channel();
        let (log_tx, log_chunks) = mpsc::unbounded_channel();
        let (streams, sessions) = StreamIo::new();
        let io = Self {
            cluster: Arc::new(cluster),
            opts,
            options,
            watches: HashMap::new(),
            logs: HashMap::new(),
            streams,
            log_chunks: log_tx,
            updates: updates_tx,
            messages: messages_tx,
            connected: connected_tx,
            external_edit: None,
            metrics: None,
            definitions: None,
        };
        let inbox = Inbox {
            updates,
            messages,
            connected,
            log_chunks,
            sessions,
        };
        (io, inbox)
    }

    /// The `$EDITOR` run an effect asked for, for the loop to run with the terminal.
    pub fn take_external_edit(&mut self) -> Option<ExternalEdit> {
        self.external_edit.take()
    }

    /// Shells, attach sessions and port-forwards (the loop takes opened sessions here).
    pub fn streams(&mut self) -> &mut StreamIo {
        &mut self.streams
    }

    /// Starts the effects as tasks; their results come back on the inbox.
    pub fn perform(&mut self, effects: Vec<Effect>) {
        for effect in effects {
            self.perform_one(effect);
        }
    }

    fn perform_one(&mut self, effect: Effect) {
        let messages = self.messages.clone();
        match effect {
            Effect::AskServerVersion => {
                let cluster = Arc::clone(&self.cluster);
                tokio::spawn(async move {
                    let msg = match cluster.server_version().await {
                        Ok(v) => Msg::ServerVersion(v),
                        Err(e) => Msg::Status(format!("{e:#}")),
                    };
                    let _ = messages.send(msg);
                });
            }
            Effect::Discover => {
                let cluster = Arc::clone(&self.cluster);
                tokio::spawn(async move {
                    let found = cluster.discover().await.map_err(|e| format!("{e:#}"));
                    let _ = messages.send(Msg::Discovered(found));
                });
                if self.definitions.is_none() {
                    self.definitions = Some(self.follow_definitions());
                }
            }
            Effect::FollowDefinitions => {
                if self.definitions.is_none() {
                    self.definitions = Some(self.follow_definitions());
                }
            }
            Effect::Watch {
                kind,
                namespace,
                scope,
            } => {
                let handle =
                    self.cluster
                        .watch_scoped(kind, namespace, scope, self.updates.clone());
                self.watches.insert(kind, handle);
            }
            Effect::Describe { key, title } => {
                let cluster = Arc::clone(&self.cluster);
                tokio::spawn(async move {
                    let text = cluster.describe(&key).await.map_err(|e| format!("{e:#}"));
                    let _ = messages.send(Msg::TextLoaded { title, text });
                });
            }
            Effect::StartLogs(request) => {
                let sink = (request.stream, self.log_chunks.clone());
                let handle = self
                    .cluster
                    .stream_logs(request.target, request.options, sink);
                self.logs.insert(request.stream, handle);
            }
            Effect::SaveText { path, text } => {
                let path = match &self.options.save_dir {
                    Some(dir) if path.is_relative() => dir.join(path),
                    _ => path,
                };
                tokio::task::spawn_blocking(move || {
                    let lines = text.lines().count();
                    let msg = match std::fs::write(&path, text) {
                        Ok(()) => Msg::Done(format!("saved {lines} lines to {}", path.display())),
                        Err(e) => Msg::Status(format!("cannot save to {}: {e}", path.display())),
                    };
                    let _ = messages.send(msg);
                });
            }
            Effect::CopyText(text) => self.copy(text),
            Effect::ReadFile(path) => {
                tokio::task::spawn_blocking(move || {
                    let text = std::fs::read_to_string(&path)
                        .map_err(|e| format!("cannot read {}: {e}", path.display()));
                    let _ = messages.send(Msg::FileRead { path, text });
                });
            }
            Effect::Ops(request) => operations::spawn(&self.cluster, request, messages),
            Effect::RunCommand(request) => super::gate_command::spawn(request, messages),
            Effect::FetchObject { key, for_edit } => {
                edit_io::fetch(&self.cluster, key, for_edit, messages);
            }
            Effect::Edit(request) => {
                if let Some(job) = edit_io::perform(&self.cluster, request, &messages) {
                    self.external_edit = Some(job);
                }
            }
            Effect::AskPermission(question) => {
                let cluster = Arc::clone(&self.cluster);
                tokio::spawn(async move {
                    let answer = operations::ask(&cluster, &question).await;
                    let _ = messages.send(Msg::PermissionAnswer { question, answer });
                });
            }
            Effect::PollMetrics { target, interval } => {
                let poller = self.metrics.get_or_insert_with(|| {
                    let messages = messages.clone();
                    self.cluster
                        .poll_metrics(move |report| messages.send(Msg::Metrics(report)).is_ok())
                });
                poller.follow(target, interval);
            }
            Effect::Stream(request) => self.streams.perform(&self.cluster, request, &messages),
            Effect::SwitchContext(name) => {
                let mut opts = self.opts.clone();
                opts.context = Some(name.clone());
                opts.namespace = None;
                let tx = self.connected.clone();
                tokio::spawn(async move {
                    let result = Cluster::connect(&opts).await;
                    let _ = tx.send((name, result));
                });
            }
        }
    }

    /// Follows the CustomResourceDefinitions: when one comes or goes, discovery runs
    /// again (once for a burst: an operator installing forty CRDs).
    fn follow_definitions(&self) -> WatchHandle {
        let (tx, mut changed) = mpsc::unbounded_channel();
        let handle = self.cluster.watch_definitions(tx);
        let cluster = Arc::clone(&self.cluster);
        let messages = self.messages.clone();
        tokio::spawn(async move {
            while changed.recv().await.is_some() {
                tokio::time::sleep(std::time::Duration::from_millis(500)).await;
                while changed.try_recv().is_ok() {}
                let found = cluster.discover().await.map_err(|e| format!("{e:#}"));
                if messages.send(Msg::Discovered(found)).is_err() {
                    return;
                }
            }
        });
        handle
    }

    /// Puts `text` on the clipboard; the outcome comes back as a status.
    fn copy(&self, text: String) {
        let lines = text.lines().count();
        let tx = self.messages.clone();
        if let ClipboardTarget::Recorded(copies) = &self.options.clipboard {
            copies
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .push(text);
            let _ = tx.send(Msg::Done(format!("copied {lines} lines (recorded)")));
            return;
        }
        match clipboard::choose(|n| std::env::var(n).ok(), clipboard::on_path) {
            clipboard::Clipboard::Program { name, args } => {
                tokio::task::spawn_blocking(move || {
                    let msg = match clipboard::run_program(name, args, &text) {
                        Ok(()) => Msg::Done(format!("copied {lines} lines ({name})")),
                        Err(e) => Msg::Status(format!("nothing copied: {e}")),
                    };
                    let _ = tx.send(msg);
                });
            }
            clipboard::Clipboard::Osc52 => {
                use std::io::Write as _;
                let mut out = std::io::stdout();
                let _ = out.write_all(crate::ui::logs::osc52(&text).as_bytes());
                let _ = out.flush();
                let _ = tx.send(Msg::Done(format!(
                    "copied {lines} lines (OSC 52: the terminal's clipboard)"
                )));
            }
        }
    }

    /// Takes the result of a context switch: the new connection replaces the old one
    /// (its watches stop). Returns the message for `step`.
    pub fn switched(&mut self, name: String, result: anyhow::Result<Cluster>) -> Msg {
        match result {
            Ok(cluster) => {
                self.watches.clear();
                // The new cluster gets its own poll when its screen asks for one.
                self.metrics = None;
                self.definitions = None;
                let msg = Msg::Connected {
                    context: cluster.context().to_owned(),
                    server: cluster.server().to_owned(),
                    namespace: cluster.namespace().to_owned(),
                };
                self.cluster = Arc::new(cluster);
                self.opts.context = Some(name);
                msg
            }
            Err(e) => Msg::ConnectFailed(format!("cannot switch to context {name}: {e:#}")),
        }
    }

    /// Stops the log streams no view shown needs any more.
    pub fn drop_hidden_logs(&mut self, state: &State) {
        if !self.logs.is_empty() {
            // Streams live as long as a view in the breadcrumb needs them.
            let active = crate::app::logs_screen::active_streams(state);
            self.logs.retain(|id, _| active.contains(id));
        }
    }
}
