//! Drives the dashboard in-process against a cluster, as the event loop does but
//! without a terminal: every key, message and answer goes through the same
//! [`App::step`] the loop takes (keys through the keymap, `update`, every effect run by
//! the real `Io`), and answers are read from the same [`Inbox`]. The driver counts the
//! answers it waits for (fetches, operations, context switches), so tests wait for them
//! instead of sleeping.
#![allow(
    dead_code,
    reason = "each test file uses a different part of the driver"
)]

use std::path::Path;
use std::time::Duration;

use std::sync::{Arc, Mutex};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use kdeck::app::editor::{EditReport, EditRequest};
use kdeck::app::operations::{OpReport, OpRequest};
use kdeck::app::{Effect, Msg, State};
use kdeck::cluster::{Cluster, ConnectOptions, Kind, WatchState};
use kdeck::keymap::{KeyChord, Keymap};
use kdeck::runtime::{App, ClipboardTarget, Inbound, Inbox, IoOptions};
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

/// The app (state and I/O) connected to one cluster, and what it waits for.
pub struct AppDriver {
    /// The app the loop would run (tests read `state` through it).
    pub app: App,
    inbox: Inbox,
    /// Answers still to come: fetches, dialog loads and changes, context switches.
    awaited: usize,
    /// Every change a dialog confirmed and handed to the runtime.
    pub mutations_sent: usize,
    /// Every report of a change that failed (for read-only: refused by the gate).
    pub failures: Vec<String>,
    /// What was copied (there is no terminal for OSC 52 here).
    pub copied: Arc<Mutex<Vec<String>>>,
    /// Where saved files go.
    files: tempfile::TempDir,
    /// The clock the frames are stamped with (`None`: the wall clock); a reproducible
    /// sim's, so that what the dashboard records per frame is reproducible too.
    pub clock: Option<kdeck::sim::clock::Clock>,
}

impl std::ops::Deref for AppDriver {
    type Target = App;

    fn deref(&self) -> &App {
        &self.app
    }
}

impl std::ops::DerefMut for AppDriver {
    fn deref_mut(&mut self) -> &mut App {
        &mut self.app
    }
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
        let files = tempfile::tempdir().expect("a temporary directory");
        let copied = Arc::new(Mutex::new(Vec::new()));
        let options = IoOptions {
            // Saved logs go to the driver's directory, never the working directory.
            save_dir: Some(files.path().to_owned()),
            clipboard: ClipboardTarget::Recorded(Arc::clone(&copied)),
        };
        let (app, inbox) = App::new(state, cluster, opts, options);
        let mut driver = Self {
            app,
            inbox,
            awaited: 0,
            mutations_sent: 0,
            failures: Vec::new(),
            copied,
            files,
            clock: None,
        };
        // As the loop starts: ask the server what it is, then the terminal's size.
        driver.act(Msg::Start);
        driver.act(Msg::Resize(120, 40));
        driver
    }

    /// Takes one step, as the loop does, counting the answers it will wait for.
    pub fn act(&mut self, msg: impl Into<Msg>) {
        let (mut awaited, mut mutations) = (0, 0);
        self.app.step_seeing(msg, |effect| match effect {
            Effect::FetchObject { .. }
            | Effect::Edit(
                EditRequest::DryRun { .. }
                | EditRequest::Replace { .. }
                | EditRequest::Create { .. }
                | EditRequest::Latest { .. },
            )
            | Effect::Describe { .. }
            | Effect::SwitchContext(_)
            | Effect::Ops(OpRequest::Load { .. }) => awaited += 1,
            Effect::Ops(OpRequest::Mutate { .. }) => {
                awaited += 1;
                mutations += 1;
            }
            _ => {}
        });
        self.awaited += awaited;
        self.mutations_sent += mutations;
    }

    /// Presses a key as the terminal would send it.
    pub fn press(&mut self, key: KeyEvent) {
        self.act(Msg::Key(key));
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

    /// Pastes text as a terminal with bracketed paste sends it.
    pub fn paste(&mut self, text: &str) {
        self.act(Msg::Paste(text.to_owned()));
    }

    /// Presses a named key (`Enter`, `Esc`, `Tab`...).
    pub fn press_code(&mut self, code: KeyCode) {
        self.press(KeyEvent::new(code, KeyModifiers::NONE));
    }

    /// Takes one thing from the inbox, as the loop does; false when nothing came before
    /// `deadline`.
    async fn pump_until(&mut self, deadline: Instant) -> bool {
        let inbound = tokio::select! {
            inbound = self.inbox.next() => inbound,
            () = tokio::time::sleep_until(deadline) => return false,
        };
        if let Inbound::Switched(..) = &inbound {
            self.awaited -= 1;
        }
        let msg = self.app.receive(inbound);
        match &msg {
            Msg::TextLoaded { .. } | Msg::ObjectLoaded { .. } => self.awaited -= 1,
            Msg::OpReport { report, .. } => match report {
                OpReport::Progress(_) => {}
                OpReport::Failed { message, .. } => {
                    self.failures.push(message.clone());
                    self.awaited -= 1;
                }
                _ => self.awaited -= 1,
            },
            Msg::EditReport(report) => match report {
                EditReport::ExternalDone(..) => {}
                EditReport::Failed { .. } => {
                    self.failures.push(format!("{report:?}"));
                    self.awaited -= 1;
                }
                _ => self.awaited -= 1,
            },
            _ => {}
        }
        self.act(msg);
        true
    }

    /// A frame, as the loop takes one before drawing: the clock and the derived views.
    pub fn tick(&mut self) {
        let now = self
            .clock
            .as_ref()
            .map_or_else(jiff::Timestamp::now, kdeck::sim::clock::Clock::now);
        self.act(Msg::Tick(now));
    }

    /// Processes messages until `done` holds; panics after the timeout naming `what`.
    pub async fn wait_for(&mut self, what: &str, done: impl Fn(&State) -> bool) {
        let deadline = Instant::now() + timeout();
        // As the real loop does before each frame: the visible rows are derived state, and
        // rows that arrive after a filter was set show only once the views are refreshed.
        self.tick();
        while !done(&self.state) {
            let pumped = self.pump_until(deadline).await;
            assert!(
                pumped,
                "timed out after {:?} waiting for {what}; status {:?}, breadcrumb {:?}, switching to {:?}, watches {:?}",
                timeout(),
                self.state.status,
                self.state.breadcrumb(),
                self.state.connection.switching_to,
                self.state.watch_states,
            );
            self.tick();
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
        self.tick();
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
