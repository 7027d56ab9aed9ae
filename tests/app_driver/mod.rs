//! Drives the dashboard in-process against a cluster, as the event loop does but
//! without a terminal: keys go through the keymap (`key_action`), `update` changes the
//! state, and the real [`Io`] performs the effects. The driver counts the answers it
//! waits for (fetches, operations, context switches), so tests wait for them instead of
//! sleeping.
#![allow(
    dead_code,
    reason = "each test file uses a different part of the driver"
)]

use std::path::Path;
use std::time::Duration;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use kdeck::app::action::{Action, Effect};
use kdeck::app::editor::{EditReport, EditRequest};
use kdeck::app::keys::key_action;
use kdeck::app::operations::{OpReport, OpRequest};
use kdeck::app::run::{Io, IoReceivers};
use kdeck::app::{State, update};
use kdeck::cluster::{Cluster, ConnectOptions, Kind, WatchState};
use kdeck::keymap::{KeyChord, Keymap};
use kdeck::theme::Theme;
use tokio::time::Instant;

/// The timeout for waits: `KDECK_TEST_TIMEOUT_SECS` (default 30 seconds).
pub fn timeout() -> Duration {
    let secs = std::env::var("KDECK_TEST_TIMEOUT_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(30);
    Duration::from_secs(secs)
}

/// The app's state and its I/O, connected to one cluster.
pub struct AppDriver {
    /// The dashboard's state (tests read it and may reset parts of it).
    pub state: State,
    io: Io,
    rx: IoReceivers,
    /// Answers still to come: fetches, dialog loads and changes, context switches.
    awaited: usize,
    /// Every change a dialog confirmed and handed to the loop.
    pub mutations_sent: usize,
    /// Every report of a change that failed (for read-only: refused by the gate).
    pub failures: Vec<String>,
    /// Where saved files go.
    files: tempfile::TempDir,
}

impl AppDriver {
    /// Connects through `kubeconfig` (current context). `readonly_app` is the dashboard's
    /// read-only flag (it refuses mutating keys); `readonly_cluster` closes the gate and
    /// wraps the client in the read-only layer. The real app sets both from one flag;
    /// tests split them to prove each lock alone.
    pub async fn connect(
        kubeconfig: &Path,
        readonly_app: bool,
        readonly_cluster: bool,
        keymap: Option<&str>,
    ) -> Self {
        // Keys that save (the logs view's `s`) write into the working directory: not the repo's.
        let scratch = std::env::temp_dir().join("kdeck-test-cwd");
        std::fs::create_dir_all(&scratch).expect("a scratch directory");
        std::env::set_current_dir(&scratch).expect("work in the scratch directory");
        let opts = ConnectOptions {
            kubeconfig: Some(kubeconfig.to_owned()),
            context: None,
            namespace: None,
            readonly: readonly_cluster,
        };
        let cluster = Cluster::connect(&opts).await.expect("connect to the sim");
        let (keymap, warnings) = Keymap::load(keymap).expect("the keymap loads");
        assert!(warnings.is_empty(), "{warnings:?}");
        let (theme, _) = Theme::load(None, false).expect("the default theme loads");
        let namespace = Some(cluster.namespace().to_owned());
        let mut state = State::new(Kind::Pod, namespace, keymap, theme);
        state.readonly = readonly_app;
        cluster.context().clone_into(&mut state.connection.context);
        cluster.server().clone_into(&mut state.connection.server);
        state.connection.contexts = Cluster::contexts(Some(kubeconfig))
            .expect("the kubeconfig lists its contexts")
            .into_iter()
            .map(|c| c.name)
            .collect();
        let (io, rx) = Io::new(cluster, opts);
        let mut driver = Self {
            state,
            io,
            rx,
            awaited: 0,
            mutations_sent: 0,
            failures: Vec::new(),
            files: tempfile::tempdir().expect("a temporary directory"),
        };
        driver.act(Action::Resize(120, 40));
        driver
    }

    /// Applies an action and performs its effects.
    pub fn act(&mut self, action: Action) {
        let mut effects = update(&mut self.state, action);
        // A copy goes to the terminal's clipboard (OSC 52): there is no terminal here.
        effects.retain(|e| !matches!(e, Effect::CopyText(_)));
        for effect in &mut effects {
            match effect {
                // Saved logs go to the driver's directory, never where a random name points.
                Effect::SaveText { path, .. } => {
                    let name = path
                        .file_name()
                        .map_or_else(|| "saved".into(), ToOwned::to_owned);
                    *path = self.files.path().join(name);
                }
                Effect::FetchObject { .. }
                | Effect::Edit(
                    EditRequest::DryRun { .. }
                    | EditRequest::Replace { .. }
                    | EditRequest::Create { .. }
                    | EditRequest::Latest { .. },
                )
                | Effect::Describe { .. }
                | Effect::SwitchContext(_)
                | Effect::Ops(OpRequest::Load { .. }) => self.awaited += 1,
                Effect::Ops(OpRequest::Mutate { .. }) => {
                    self.awaited += 1;
                    self.mutations_sent += 1;
                }
                _ => {}
            }
        }
        self.io.perform(effects);
        self.io.drop_hidden_logs(&self.state);
    }

    /// Presses a key as the terminal would send it.
    pub fn press(&mut self, key: KeyEvent) {
        if let Some(action) = key_action(&self.state, &key) {
            self.act(action);
        }
    }

    /// Presses a keymap chord.
    pub fn press_chord(&mut self, chord: KeyChord) {
        self.press(key_event(chord));
    }

    /// Types characters (each as a key press).
    pub fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.press(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
        }
    }

    /// Pastes text as a terminal with bracketed paste sends it (through the loop's handler).
    pub fn paste(&mut self, text: &str) {
        self.io
            .terminal_event(&mut self.state, Event::Paste(text.to_owned()));
    }

    /// Presses a named key (`Enter`, `Esc`, `Tab`...).
    pub fn press_code(&mut self, code: KeyCode) {
        self.press(KeyEvent::new(code, KeyModifiers::NONE));
    }

    /// Handles one message from the I/O tasks; false when none came before `deadline`.
    async fn pump_until(&mut self, deadline: Instant) -> bool {
        tokio::select! {
            Some(update) = self.rx.updates.recv() => self.act(Action::Cluster(update)),
            Some(action) = self.rx.actions.recv() => {
                match &action {
                    Action::TextLoaded { .. } | Action::ObjectLoaded { .. } => self.awaited -= 1,
                    Action::OpReport { report, .. } => match report {
                        OpReport::Progress(_) => {}
                        OpReport::Failed { message, .. } => {
                            self.failures.push(message.clone());
                            self.awaited -= 1;
                        }
                        _ => self.awaited -= 1,
                    },
                    Action::EditReport(report) => match report {
                        EditReport::ExternalDone(..) => {}
                        EditReport::Failed { .. } => {
                            self.failures.push(format!("{report:?}"));
                            self.awaited -= 1;
                        }
                        _ => self.awaited -= 1,
                    },
                    _ => {}
                }
                self.act(action);
            }
            Some((name, result)) = self.rx.connected.recv() => {
                self.awaited -= 1;
                let action = self.io.switched(name, result);
                self.act(action);
            }
            Some((stream, chunk)) = self.rx.log_chunks.recv() => {
                self.act(Action::LogStream { stream, chunk });
            }
            () = tokio::time::sleep_until(deadline) => return false,
        }
        true
    }

    /// Processes messages until `done` holds; panics after the timeout naming `what`.
    pub async fn wait_for(&mut self, what: &str, done: impl Fn(&State) -> bool) {
        let deadline = Instant::now() + timeout();
        // As the real loop does before each frame: the visible rows are derived state, and
        // rows that arrive after a filter was set show only once the views are refreshed.
        self.state.now = jiff::Timestamp::now();
        self.state.refresh_views();
        while !done(&self.state) {
            let pumped = self.pump_until(deadline).await;
            assert!(
                pumped,
                "timed out after {:?} waiting for {what}; status {:?}, breadcrumb {:?}, switching to {:?}",
                timeout(),
                self.state.status,
                self.state.breadcrumb(),
                self.state.connection.switching_to,
            );
            self.state.now = jiff::Timestamp::now();
            self.state.refresh_views();
        }
    }

    /// Waits until every answer the app asked for has come back, then takes what
    /// else is already queued.
    pub async fn settle(&mut self) {
        let deadline = Instant::now() + timeout();
        while self.awaited > 0 {
            assert!(
                self.pump_until(deadline).await,
                "timed out waiting for {} answer(s)",
                self.awaited
            );
        }
        while self.pump_until(Instant::now()).await {}
        self.state.refresh_views();
    }

    /// Waits until the watch of `kind` is live.
    pub async fn wait_live(&mut self, kind: Kind) {
        self.wait_for(&format!("the {kind:?} watch to be live"), |s| {
            matches!(s.watch_states.get(&kind), Some(WatchState::Live))
        })
        .await;
    }
}

/// The terminal key event of a keymap chord.
pub fn key_event(chord: KeyChord) -> KeyEvent {
    chord.key_event()
}

/// Every chord a keymap binds in any section (the views' own keys too), each once.
pub fn bound_chords(keymap: &Keymap) -> Vec<KeyChord> {
    keymap.all_chords()
}
