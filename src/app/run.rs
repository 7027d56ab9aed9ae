//! The event loop: one `select!` over terminal events, cluster updates, results of
//! effects and a frame deadline. It drains what is queued, applies it through `update`,
//! performs the effects through `Cluster`, and draws at most once per frame, only when
//! something visible changed (or an AGE cell on screen is due to change).

use std::collections::HashMap;
use std::io::IsTerminal as _;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use crossterm::event::{Event, EventStream, KeyModifiers};
use futures::StreamExt;
use jiff::Timestamp;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc;
use tokio::time::Instant;

use super::action::{Action, Effect};
use super::age_tick::next_age_change;
use super::command::{self, Command};
use super::frame_trace::FrameTrace;
use super::keys::key_action;
use super::monitor::MonitorView;
use super::state::{Mode, Screen, State};
use super::update::update;
use crate::cli::{DashboardArgs, exit_code};
use crate::cluster::{
    Cluster, ClusterUpdate, ConnectOptions, Kind, LogChunk, LogHandle, WatchHandle,
};
use crate::config::Config;
use crate::keymap::Keymap;
use crate::theme::Theme;
use crate::tui::Tui;

/// What writing to a hung-up terminal fails with (Linux and the BSDs).
const EIO: i32 = 5;
/// At most one frame per this long (~30 frames a second).
const FRAME: Duration = Duration::from_millis(33);
/// Cluster updates applied before input is looked at again.
const UPDATE_BATCH: usize = 4096;

/// Runs the dashboard until the user quits.
pub async fn run(mut args: DashboardArgs) -> anyhow::Result<()> {
    let config = Config::load().map_err(exit_code::with(exit_code::CONFIG))?;
    config.apply_to(&mut args);
    let depth = crate::theme::ColorDepth::from_env();
    let (theme, mut warnings) = Theme::for_terminal(args.theme.as_deref(), depth)
        .map_err(exit_code::with(exit_code::CONFIG))?;
    let (keymap, keymap_warnings) =
        Keymap::load(args.keymap.as_deref()).map_err(exit_code::with(exit_code::CONFIG))?;
    warnings.extend(keymap_warnings);
    let (aliases, alias_warnings) = command::Aliases::new(&config.aliases);
    warnings.extend(alias_warnings);
    warnings.extend(crate::logging::problem());
    let command = args
        .command
        .as_deref()
        .map(|c| command::parse(&aliases.expand(c)));
    // The monitor is for a screen nobody watches over: it can never change the cluster.
    let monitor = match (&args.monitor, &command) {
        (Some(chosen), _) => Some(monitor_choice(chosen)),
        (None, Some(Ok(Command::Monitor(chosen)))) => Some(chosen.clone()),
        _ => None,
    };
    if args.monitor.is_some() {
        args.readonly = true;
    }
    let kind = match command {
        None | Some(Ok(Command::Monitor(_))) => Kind::Pod,
        Some(Ok(Command::Pane(kind))) => kind,
        Some(Ok(_)) => Err(exit_code::with(exit_code::CONFIG)(anyhow::anyhow!(
            "--command takes a pane or monitor, e.g. --command deploy"
        )))?,
        Some(Err(e)) => Err(exit_code::with(exit_code::CONFIG)(anyhow::anyhow!(
            "--command: {e}"
        )))?,
    };
    let _demo = if args.demo {
        Some(super::demo::start(&mut args).await?)
    } else {
        None
    };
    let opts = ConnectOptions {
        kubeconfig: args.kubeconfig.clone(),
        context: args.context.clone(),
        namespace: args.namespace.clone(),
        readonly: args.readonly,
    };
    // Connect before taking over the terminal, so a bad kubeconfig prints a plain message.
    let cluster = Cluster::connect(&opts).await?;
    // Ask once before taking over the terminal: a kubeconfig that points nowhere gets a
    // plain message naming it, not a dashboard that never fills.
    let version = tokio::time::timeout(CONNECT_TIMEOUT, cluster.server_version())
        .await
        .map_err(|_| {
            anyhow::anyhow!(
                "the API server {} (context {:?}) did not answer within {} s",
                cluster.server(),
                cluster.context(),
                CONNECT_TIMEOUT.as_secs()
            )
        })
        .and_then(|answer| answer)
        .with_context(|| format!("kubeconfig {}", kubeconfig_name(&opts)))?;
    let namespace = (!args.all_namespaces).then(|| cluster.namespace().to_owned());
    let mut state = State::new(kind, namespace, keymap, theme);
    if let Some(chosen) = monitor {
        state.screens = vec![Screen::Monitor(MonitorView::new(chosen))];
    }
    state.readonly = args.readonly || cluster.readonly();
    state.ascii =
        args.ascii || crate::ui::ascii::locale_wants_ascii(|name| std::env::var(name).ok());
    state.connection.context = cluster.context().to_owned();
    state.connection.server = cluster.server().to_owned();
    state.connection.server_version = Some(version);
    state.connection.contexts = context_names(args.kubeconfig.as_deref());
    state.warnings = warnings;
    state.log_settings = config.log_settings();
    state.aliases = aliases;
    let trace = match &args.trace_frames {
        Some(path) => Some(FrameTrace::create(path)?),
        None => None,
    };
    if !std::io::stdout().is_terminal() {
        return Err(exit_code::with(exit_code::TERMINAL)(anyhow::anyhow!(
            "stdout is not a terminal: the dashboard draws on one (kdeck sim runs without)"
        )));
    }
    let mut tui = Tui::enter().map_err(|e| {
        exit_code::with(exit_code::TERMINAL)(anyhow::anyhow!("cannot set up the terminal: {e}"))
    })?;
    let result = event_loop(&mut tui, state, cluster, opts, trace).await;
    drop(tui);
    result
}

/// The Deployments `--monitor=web,prod/api` names (empty: all in the namespace).
fn monitor_choice(list: &str) -> Vec<String> {
    list.split(',')
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_owned)
        .collect()
}

/// How long the first answer of the API server may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);

/// The kubeconfig file(s) in use, for messages.
fn kubeconfig_name(opts: &ConnectOptions) -> String {
    match (&opts.kubeconfig, std::env::var_os("KUBECONFIG")) {
        (Some(path), _) => path.display().to_string(),
        (None, Some(env)) if !env.is_empty() => env.to_string_lossy().into_owned(),
        (None, _) => "~/.kube/config".to_owned(),
    }
}

/// The context names of the kubeconfig, for `:ctx` (empty if it cannot be read).
fn context_names(path: Option<&std::path::Path>) -> Vec<String> {
    Cluster::contexts(path)
        .map(|c| c.into_iter().map(|c| c.name).collect())
        .unwrap_or_default()
}

/// Performs the [`Effect`]s `update` returns against one cluster: the event loop's
/// hands, public so that tests drive the app in-process exactly as the loop does.
/// What its tasks send back arrives on the [`IoReceivers`].
pub struct Io {
    cluster: Arc<Cluster>,
    opts: ConnectOptions,
    watches: HashMap<Kind, WatchHandle>,
    logs: HashMap<u64, LogHandle>,
    log_chunks: mpsc::UnboundedSender<(u64, LogChunk)>,
    updates: mpsc::UnboundedSender<ClusterUpdate>,
    actions: mpsc::UnboundedSender<Action>,
    connected: mpsc::UnboundedSender<(String, anyhow::Result<Cluster>)>,
    /// An `$EDITOR` run waiting for the loop (which owns the terminal).
    external_edit: Option<super::edit_io::ExternalEdit>,
}

/// The receiving ends of what an [`Io`]'s tasks send back to the loop.
pub struct IoReceivers {
    /// Rows and watch states.
    pub updates: mpsc::UnboundedReceiver<ClusterUpdate>,
    /// Results of fetches and operations, as actions.
    pub actions: mpsc::UnboundedReceiver<Action>,
    /// Context switches: the context name and the new connection (or why it failed).
    pub connected: mpsc::UnboundedReceiver<(String, anyhow::Result<Cluster>)>,
    /// Log lines of the logs view.
    pub log_chunks: mpsc::UnboundedReceiver<(u64, LogChunk)>,
}

impl Io {
    /// An `Io` for `cluster`; `opts` is how it was reached (kept to switch contexts).
    pub fn new(cluster: Cluster, opts: ConnectOptions) -> (Self, IoReceivers) {
        let (updates_tx, updates) = mpsc::unbounded_channel();
        let (actions_tx, actions) = mpsc::unbounded_channel();
        let (connected_tx, connected) = mpsc::unbounded_channel();
        let (log_tx, log_chunks) = mpsc::unbounded_channel();
        let io = Self {
            logs: HashMap::new(),
            log_chunks: log_tx,
            cluster: Arc::new(cluster),
            opts,
            watches: HashMap::new(),
            updates: updates_tx,
            actions: actions_tx,
            connected: connected_tx,
            external_edit: None,
        };
        let receivers = IoReceivers {
            updates,
            actions,
            connected,
            log_chunks,
        };
        (io, receivers)
    }

    /// Puts `text` on the local clipboard, or the terminal's (OSC 52) over SSH or without
    /// one; the outcome comes back as a status.
    fn copy(&self, text: String) {
        let lines = text.lines().count();
        let tx = self.actions.clone();
        match super::clipboard::choose(|n| std::env::var(n).ok(), super::clipboard::on_path) {
            super::clipboard::Clipboard::Program { name, args } => {
                tokio::task::spawn_blocking(move || {
                    let action = match super::clipboard::run_program(name, args, &text) {
                        Ok(()) => Action::Done(format!("copied {lines} lines ({name})")),
                        Err(e) => Action::Status(format!("nothing copied: {e}")),
                    };
                    let _ = tx.send(action);
                });
            }
            super::clipboard::Clipboard::Osc52 => {
                use std::io::Write as _;
                let mut out = std::io::stdout();
                let _ = out.write_all(crate::ui::logs::osc52(&text).as_bytes());
                let _ = out.flush();
                let _ = tx.send(Action::Done(format!(
                    "copied {lines} lines (OSC 52: the terminal's clipboard)"
                )));
            }
        }
    }

    /// Starts the effects as tasks; their results come back on the receivers.
    pub fn perform(&mut self, effects: Vec<Effect>) {
        for effect in effects {
            match effect {
                Effect::Watch { kind, namespace } => {
                    let handle = self.cluster.watch(kind, namespace, self.updates.clone());
                    self.watches.insert(kind, handle);
                }
                Effect::Describe { key, title } => {
                    let cluster = Arc::clone(&self.cluster);
                    let tx = self.actions.clone();
                    tokio::spawn(async move {
                        let text = cluster.describe(&key).await.map_err(|e| format!("{e:#}"));
                        let _ = tx.send(Action::TextLoaded { title, text });
                    });
                }
                Effect::StartLogs(request) => {
                    let sink = (request.stream, self.log_chunks.clone());
                    let handle = crate::cluster::logs::start(
                        self.cluster.client(),
                        request.target,
                        request.options,
                        sink,
                    );
                    self.logs.insert(request.stream, handle);
                }
                Effect::SaveText { path, text } => {
                    let tx = self.actions.clone();
                    tokio::task::spawn_blocking(move || {
                        let lines = text.lines().count();
                        let action = match std::fs::write(&path, text) {
                            Ok(()) => {
                                Action::Done(format!("saved {lines} lines to {}", path.display()))
                            }
                            Err(e) => {
                                Action::Status(format!("cannot save to {}: {e}", path.display()))
                            }
                        };
                        let _ = tx.send(action);
                    });
                }
                Effect::CopyText(text) => self.copy(text),
                Effect::ReadFile(path) => {
                    let tx = self.actions.clone();
                    tokio::task::spawn_blocking(move || {
                        let text = std::fs::read_to_string(&path)
                            .map_err(|e| format!("cannot read {}: {e}", path.display()));
                        let _ = tx.send(Action::FileRead { path, text });
                    });
                }
                Effect::Ops(request) => {
                    super::operations::spawn(&self.cluster, request, self.actions.clone());
                }
                Effect::FetchObject { key, for_edit } => {
                    super::edit_io::fetch(&self.cluster, key, for_edit, self.actions.clone());
                }
                Effect::Edit(request) => {
                    if let Some(job) =
                        super::edit_io::perform(&self.cluster, request, &self.actions)
                    {
                        self.external_edit = Some(job);
                    }
                }
                Effect::AskPermission(question) => {
                    let cluster = Arc::clone(&self.cluster);
                    let tx = self.actions.clone();
                    tokio::spawn(async move {
                        let answer = super::permissions::ask(&cluster, &question).await;
                        let _ = tx.send(Action::PermissionAnswer { question, answer });
                    });
                }
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
    }
}

async fn event_loop(
    tui: &mut Tui,
    mut state: State,
    cluster: Cluster,
    opts: ConnectOptions,
    mut trace: Option<FrameTrace>,
) -> anyhow::Result<()> {
    let (mut io, receivers) = Io::new(cluster, opts);
    // The crash test (tests/e2e_dashboard.rs) asks for a panic with the UI up.
    let crash_test = std::env::var_os("KDECK_TEST_PANIC").is_some();
    let IoReceivers {
        mut updates,
        mut actions,
        mut connected,
        mut log_chunks,
    } = receivers;
    let mut terminal_events = EventStream::new();
    let mut sigterm = signal(SignalKind::terminate())?;
    let mut sighup = signal(SignalKind::hangup())?;
    let hangup = crate::tui::input_hangup()?;
    tokio::pin!(hangup);
    ask_server_version(&io);
    let size = tui.terminal().size()?;
    io.perform(update(&mut state, Action::Resize(size.width, size.height)));

    let mut dirty = true;
    let mut last_draw = Instant::now() - FRAME;
    let mut age_due: Option<Instant> = None;
    let mut input_since: Option<Instant> = None;
    loop {
        if state.quit {
            return Ok(());
        }
        if let Some(job) = io.external_edit.take() {
            // crossterm's reader would take the editor's keys: drop it while the editor runs.
            drop(terminal_events);
            let text = tui.suspended(|| super::edit_io::run_external(&job))?;
            terminal_events = EventStream::new();
            io.perform(update(
                &mut state,
                Action::EditReport(super::editor::EditReport::ExternalDone(job.id, text)),
            ));
            dirty = true;
        }
        io.drop_hidden_logs(&state);
        let now = Instant::now();
        if dirty && now >= last_draw + FRAME {
            state.refresh_views();
            state.now = Timestamp::now();
            match tui.terminal().draw(|frame| crate::ui::draw(&state, frame)) {
                // EIO: the terminal hung up under us; that is a hang-up, not a failure.
                Err(e) if e.raw_os_error() == Some(EIO) => return Ok(()),
                result => result?,
            };
            if let Some(trace) = trace.as_mut() {
                trace.frame(now, now.elapsed(), input_since.take());
            }
            assert!(
                !crash_test,
                "KDECK_TEST_PANIC is set: a panic for the crash test"
            );
            dirty = false;
            last_draw = now;
            age_due = next_age_change(&state).map(|d| now + d);
        }
        let deadline = if dirty {
            last_draw + FRAME
        } else {
            age_due.unwrap_or(now + Duration::from_secs(3600))
        };
        tokio::select! {
            biased;
            // First, so a stream of cluster updates cannot keep a hung-up kdeck alive.
            () = &mut hangup => return Ok(()),
            event = terminal_events.next() => {
                // The end of input is a hang-up too (crossterm does not end the stream on
                // one today; see `input_hangup`), and an error ends the loop with it.
                let Some(event) = event else { return Ok(()) };
                // One event per turn: the next turn takes the next queued key before the
                // frame deadline comes, so a burst is still drawn once. (Polling the
                // stream with a no-op waker would lose its wake-up.)
                input_since.get_or_insert_with(Instant::now);
                handle_terminal_event(&mut state, &mut io, event?);
                dirty = true;
            }
            Some(first) = updates.recv() => {
                io.perform(update(&mut state, Action::Cluster(first)));
                for _ in 0..UPDATE_BATCH {
                    match updates.try_recv() {
                        Ok(more) => { io.perform(update(&mut state, Action::Cluster(more))); }
                        Err(_) => break,
                    }
                }
                // New pods of a followed workload join its logs view.
                io.perform(super::logs::reconcile(&mut state));
                dirty = true;
            }
            Some((stream, chunk)) = log_chunks.recv() => {
                update(&mut state, Action::LogStream { stream, chunk });
                while let Ok((stream, chunk)) = log_chunks.try_recv() {
                    update(&mut state, Action::LogStream { stream, chunk });
                }
                dirty = true;
            }
            Some(action) = actions.recv() => {
                io.perform(update(&mut state, action));
                dirty = true;
            }
            Some((name, result)) = connected.recv() => {
                let action = io.switched(name, result);
                io.perform(update(&mut state, action));
                dirty = true;
            }
            () = tokio::time::sleep_until(deadline) => {
                // Either the frame deadline of a pending redraw, or an AGE cell is due.
                dirty = true;
            }
            _ = sigterm.recv() => return Ok(()),
            _ = sighup.recv() => return Ok(()),
        }
    }
}

impl Io {
    /// Takes the result of a context switch: the new connection replaces the old one
    /// (its watches stop). Returns the action for `update`.
    pub fn switched(&mut self, name: String, result: anyhow::Result<Cluster>) -> Action {
        match result {
            Ok(cluster) => {
                self.watches.clear();
                let action = Action::Connected {
                    context: cluster.context().to_owned(),
                    server: cluster.server().to_owned(),
                    namespace: cluster.namespace().to_owned(),
                };
                self.cluster = Arc::new(cluster);
                self.opts.context = Some(name);
                ask_server_version(self);
                action
            }
            Err(e) => Action::ConnectFailed(format!("cannot switch to context {name}: {e:#}")),
        }
    }

    /// Applies a terminal event (key, paste, resize) as the event loop does.
    pub fn terminal_event(&mut self, state: &mut State, event: Event) {
        handle_terminal_event(state, self, event);
    }

    /// Stops the log stream when the logs view is no longer shown.
    pub fn drop_hidden_logs(&mut self, state: &State) {
        if !self.logs.is_empty() {
            // Streams live as long as a view in the breadcrumb needs them.
            let active = super::logs::active_streams(state);
            self.logs.retain(|id, _| active.contains(id));
        }
    }
}

/// Asks the server for its version (also the first sign that it answers).
pub fn ask_server_version(io: &Io) {
    let cluster = Arc::clone(&io.cluster);
    let tx = io.actions.clone();
    tokio::spawn(async move {
        let action = match cluster.server_version().await {
            Ok(v) => Action::ServerVersion(v),
            Err(e) => Action::Status(format!("{e:#}")),
        };
        let _ = tx.send(action);
    });
}

fn handle_terminal_event(state: &mut State, io: &mut Io, event: Event) {
    let action = match event {
        // A terminal sends Esc then a key typed quickly as Alt+key: do both.
        Event::Key(mut key)
            if key.modifiers.contains(KeyModifiers::ALT)
                && matches!(state.mode, Mode::Normal | Mode::Help)
                // Not in the editor: a quick Esc there must not leave it behind its back.
                && !super::yaml_view::takes_all_keys(state) =>
        {
            let back = if state.mode == Mode::Help {
                Action::Help
            } else {
                Action::Back
            };
            io.perform(update(state, back));
            key.modifiers.remove(KeyModifiers::ALT);
            key_action(state, &key)
        }
        Event::Key(key) => key_action(state, &key),
        Event::Resize(w, h) => Some(Action::Resize(w, h)),
        Event::Paste(text) if super::yaml_view::takes_all_keys(state) => {
            Some(Action::YamlPaste(text))
        }
        Event::Paste(text) if state.dialogs.open.is_some() => {
            for c in text.chars().filter(|c| !c.is_control()) {
                let key = super::dialog::DialogKey::Char(c);
                io.perform(update(state, Action::DialogKey(key)));
            }
            None
        }
        Event::Paste(text) => {
            // One action for the whole paste: the filter is parsed once, not per character.
            let text: String = text.chars().filter(|c| !c.is_control()).collect();
            let logs_prompt = matches!(state.screen(), Screen::Logs(l) if l.prompt.is_some());
            (logs_prompt || matches!(state.mode, Mode::Command(_) | Mode::Filter(_)))
                .then_some(Action::InputText(text))
        }
        _ => None,
    };
    if let Some(action) = action {
        io.perform(update(state, action));
    }
}
