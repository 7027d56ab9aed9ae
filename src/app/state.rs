//! Everything the dashboard shows, owned by the app loop and changed only by `update`.

use std::collections::{BTreeMap, HashMap};

use jiff::Timestamp;

use super::filter::Filter;
use super::rollout::RolloutCache;
use super::rows::Stores;
use crate::cluster::{Kind, WatchState};
use crate::keymap::Keymap;
use crate::theme::Theme;

/// Panes in the order Tab cycles through them.
pub const PANES: [Kind; 15] = [
    Kind::Pod,
    Kind::Deployment,
    Kind::ReplicaSet,
    Kind::Service,
    Kind::Endpoints,
    Kind::EndpointSlice,
    Kind::Event,
    Kind::ConfigMap,
    Kind::Secret,
    Kind::DaemonSet,
    Kind::StatefulSet,
    Kind::Job,
    Kind::CronJob,
    Kind::Node,
    Kind::Namespace,
];

/// Which rows of a kind a table shows, beyond namespace and filter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Every row.
    All,
    /// Rows whose controller owner is `kind`/`name` (pods of a ReplicaSet).
    OwnedBy {
        /// Owner kind, e.g. `ReplicaSet`.
        kind: String,
        /// Owner name.
        name: String,
    },
    /// Rows whose labels include all of these (pods of a Service).
    Selector(BTreeMap<String, String>),
    /// Pods on one node.
    OnNode(String),
}

/// A table pane: one kind, filtered and sorted.
#[derive(Debug, Clone)]
pub struct TableView {
    /// The kind shown.
    pub kind: Kind,
    /// Which rows.
    pub scope: Scope,
    /// The `/` filter, if any.
    pub filter: Option<Filter>,
    /// Sort column index (into `columns_for`).
    pub sort_column: usize,
    /// Sort descending.
    pub sort_reverse: bool,
    /// Selected position in `visible`.
    pub selected: usize,
    /// First visible position.
    pub offset: usize,
    /// Slots of the visible rows, filtered and sorted; recomputed only when stale.
    pub visible: Vec<usize>,
    /// The store generation `visible` was computed from (`None`: stale).
    pub computed_from: Option<u64>,
    /// The store membership `visible` was computed from.
    pub membership_from: u64,
}

/// The rollout view of one Deployment.
#[derive(Debug, Clone)]
pub struct RolloutView {
    /// Namespace of the Deployment.
    pub namespace: String,
    /// Name of the Deployment.
    pub name: String,
    /// Selected ReplicaSet (index into `cache.replica_sets`).
    pub selected: usize,
    /// What the view shows, recomputed when the stores change.
    pub cache: RolloutCache,
    /// The canary pane: the logs of the current ReplicaSet's pods, once old pods run
    /// beside them (kept by `app::logs_screen::reconcile`).
    pub new_pod_logs: Option<Box<LogsView>>,
}

/// The containers of one pod.
#[derive(Debug, Clone)]
pub struct ContainersView {
    /// Namespace of the pod.
    pub namespace: String,
    /// Name of the pod.
    pub name: String,
    /// Selected container.
    pub selected: usize,
}

/// A read-only text (YAML or describe), scrollable.
#[derive(Debug, Clone)]
pub struct TextView {
    /// Title, e.g. `yaml pod/web-1`.
    pub title: String,
    /// `None` while loading; the text or the error.
    pub text: Option<Result<String, String>>,
    /// First line shown.
    pub scroll: usize,
    /// The object described, if the text is a describe.
    pub key: Option<crate::cluster::ObjectKey>,
}

pub use super::logs::LogsView;

/// One screen of the breadcrumb.
#[derive(Debug, Clone)]
pub enum Screen {
    /// A table of one kind.
    Table(TableView),
    /// The rollout view of a Deployment.
    Rollout(RolloutView),
    /// The containers of a pod.
    Containers(ContainersView),
    /// YAML or describe.
    Text(TextView),
    /// The highlighted YAML of an object, and its editor.
    Yaml(Box<super::yaml_view::YamlView>),
    /// The logs of a container or of a workload's pods.
    Logs(Box<LogsView>),
    /// The monitoring cockpit: Deployments as cards, recent warnings.
    Monitor(super::monitor::MonitorView),
    /// The kubeconfig context picker.
    Contexts {
        /// Selected context.
        selected: usize,
    },
    /// The port-forwards (`:pf`).
    Forwards(super::port_forwards::ForwardsView),
    /// A Deployment's revisions, two compared side by side (`:history`).
    History(Box<super::history_view::HistoryView>),
}

/// What keys do right now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// Keys go through the keymap.
    Normal,
    /// Typing a `:` command.
    Command(String),
    /// Typing a `/` filter.
    Filter(String),
    /// The help overlay is shown.
    Help,
}

/// What the header shows about the connection.
#[derive(Debug, Clone, Default)]
pub struct Connection {
    /// Context name.
    pub context: String,
    /// API server URL.
    pub server: String,
    /// Server version (`v1.33.0`), once known.
    pub server_version: Option<String>,
    /// Contexts of the kubeconfig, for `:ctx`.
    pub contexts: Vec<String>,
    /// Set while switching contexts.
    pub switching_to: Option<String>,
}

/// The dashboard's whole state.
#[allow(clippy::struct_excessive_bools)] // independent facts, not a state machine
pub struct State {
    /// "Now" for AGE columns; set by the loop before drawing (fixed in tests).
    pub now: Timestamp,
    /// Terminal size (columns, rows).
    pub size: (u16, u16),
    /// Connection facts for the header.
    pub connection: Connection,
    /// Read-only session.
    pub readonly: bool,
    /// Draw in ASCII only (`--ascii`, or a locale that is not UTF-8).
    pub ascii: bool,
    /// Namespace shown; `None`: all namespaces.
    pub namespace: Option<String>,
    /// Rows per kind.
    pub stores: Stores,
    /// Watch state per kind.
    pub watch_states: HashMap<Kind, WatchState>,
    /// Kinds whose watch the server answered 404 although discovery listed them, for
    /// which discovery was read again (once: a kind that moved to another version or was
    /// removed is found there; asking again on every 404 would be a loop).
    pub rediscovered: std::collections::HashSet<Kind>,
    /// The columns of the server's Table, per kind shown in a generic pane.
    pub server_columns: HashMap<Kind, Vec<crate::cluster::ServerColumn>>,
    /// The kinds the server serves (discovery), for `:` and its completion.
    pub catalog: crate::cluster::registry::Catalog,
    /// Kinds being watched, each with the rows its watch keeps (see `app::watches`).
    pub watching: BTreeMap<Kind, crate::cluster::watch::WatchScope>,
    /// The breadcrumb; the last screen is shown.
    pub screens: Vec<Screen>,
    /// Input mode.
    pub mode: Mode,
    /// One line for the status bar (errors, refusals, hints).
    pub status: Option<String>,
    /// The status reports a success (an operation sent or done), not a problem.
    pub status_ok: bool,
    /// Warnings from loading keymap and theme, shown until a key is pressed.
    pub warnings: Vec<String>,
    /// Active keymap (help is generated from it).
    pub keymap: Keymap,
    /// Active theme.
    pub theme: Theme,
    /// Set when the user asked to quit.
    pub quit: bool,
    /// The operation dialogs (open, in flight).
    pub dialogs: super::dialog::Dialogs,
    /// Settings of the logs view (config file `[logs]`).
    pub log_settings: super::logs::LogSettings,
    /// What the server said the user may change (normal mode only).
    pub permissions: super::permissions::Permissions,
    /// The user's aliases for `:` commands (config `[aliases]`).
    pub aliases: crate::command_line::Aliases,
    /// Live CPU and memory use (the metrics API), and its poll.
    pub metrics: super::metrics::MetricsState,
    /// The stepped canaries this kdeck drives or shows (config `[canary]`).
    pub canary: super::canary_plan::CanaryPlans,
    /// The ReplicaSets' ready replicas as the watches saw them change (rollout timeline).
    pub timelines: super::rollout_timeline::Timelines,
    /// The commands a shell tries, in order (config `[shell] commands`).
    pub shell_commands: Vec<Vec<String>>,
    /// The image `:run` starts when it names none (config `[shell] debug_image`).
    pub debug_image: String,
    /// The shell or attach session opening or in front.
    pub sessions: super::shell_session::Sessions,
    /// The port-forwards.
    pub forwards: super::port_forwards::Forwards,
    /// The `:run` debug pod.
    pub debug_pods: super::run_pod::DebugPods,
}

impl State {
    /// The columns of `kind`'s pane (the server's, for a kind without a typed view), with
    /// the use columns last where the metrics API answered.
    pub fn columns(&self, kind: Kind) -> Vec<&'static crate::cluster::columns::Column> {
        let server = self
            .server_columns
            .get(&kind)
            .map_or(&[][..], Vec::as_slice);
        let mut columns = crate::cluster::columns::columns_for(kind, self.all_namespaces(), server);
        if self.metrics.shows_columns(kind) {
            columns.extend(crate::cluster::columns::usage::columns(kind));
        }
        columns
    }

    /// A state showing `kind` in `namespace` (`None`: all namespaces).
    pub fn new(kind: Kind, namespace: Option<String>, keymap: Keymap, theme: Theme) -> Self {
        Self {
            now: Timestamp::UNIX_EPOCH,
            size: (120, 40),
            connection: Connection::default(),
            readonly: false,
            ascii: false,
            namespace,
            stores: Stores::default(),
            watch_states: HashMap::new(),
            rediscovered: std::collections::HashSet::new(),
            server_columns: HashMap::new(),
            catalog: crate::cluster::registry::Catalog::typed(),
            watching: BTreeMap::new(),
            screens: vec![Screen::Table(TableView::new(kind, Scope::All, false))],
            mode: Mode::Normal,
            status: None,
            status_ok: false,
            warnings: Vec::new(),
            keymap,
            theme,
            quit: false,
            dialogs: super::dialog::Dialogs::default(),
            log_settings: super::logs::LogSettings::default(),
            permissions: super::permissions::Permissions::default(),
            aliases: crate::command_line::Aliases::default(),
            metrics: super::metrics::MetricsState::default(),
            canary: super::canary_plan::CanaryPlans::default(),
            timelines: super::rollout_timeline::Timelines::default(),
            shell_commands: crate::cluster::exec::default_shells(),
            debug_image: crate::config::DEFAULT_DEBUG_IMAGE.to_owned(),
            sessions: super::shell_session::Sessions::default(),
            forwards: super::port_forwards::Forwards::default(),
            debug_pods: super::run_pod::DebugPods::default(),
        }
    }

    /// The screen shown.
    pub fn screen(&self) -> &Screen {
        self.screens.last().unwrap_or(&EMPTY_SCREEN)
    }

    /// The screen shown, to change it.
    pub fn screen_mut(&mut self) -> Option<&mut Screen> {
        self.screens.last_mut()
    }

    /// Whether all namespaces are shown.
    pub fn all_namespaces(&self) -> bool {
        self.namespace.is_none()
    }

    /// How many table rows fit on a page at the current size.
    pub fn page_rows(&self) -> usize {
        // header (3) + footer (1) + borders (2) + column titles (1)
        usize::from(self.size.1.saturating_sub(7)).max(1)
    }

    /// The breadcrumb, e.g. `deployments > myapp-deploy > myapp-deploy-5d9 pods`.
    pub fn breadcrumb(&self) -> Vec<String> {
        self.screens.iter().map(screen_label).collect()
    }

    /// The overall connection state: the worst of the watches.
    pub fn connection_state(&self) -> String {
        if let Some(ctx) = &self.connection.switching_to {
            return format!("switching to {ctx}");
        }
        let mut syncing = false;
        let mut reconnecting = false;
        for state in self.watch_states.values() {
            match state {
                // The worst: retrying will not help until the credentials change.
                WatchState::Unauthorized(_) => return "credentials rejected".to_owned(),
                WatchState::Reconnecting { .. } => reconnecting = true,
                WatchState::Syncing => syncing = true,
                _ => {}
            }
        }
        if reconnecting {
            return "reconnecting".to_owned();
        }
        if syncing || self.watch_states.is_empty() {
            "syncing".to_owned()
        } else {
            "live".to_owned()
        }
    }
}

static EMPTY_SCREEN: Screen = Screen::Contexts { selected: 0 };

impl TableView {
    /// A table of `kind`, sorted by the kind's default column.
    pub fn new(kind: Kind, scope: Scope, all_namespaces: bool) -> Self {
        let (sort_column, sort_reverse) =
            crate::cluster::columns::default_sort(kind, all_namespaces);
        Self {
            kind,
            scope,
            filter: None,
            sort_column,
            sort_reverse,
            selected: 0,
            offset: 0,
            visible: Vec::new(),
            computed_from: None,
            membership_from: 0,
        }
    }
}

fn screen_label(screen: &Screen) -> String {
    match screen {
        Screen::Table(t) => match &t.scope {
            Scope::All => t.kind.plural().to_owned(),
            Scope::OwnedBy { name, .. } => format!("{name} {}", t.kind.plural()),
            Scope::Selector(sel) => format!(
                "{} {}",
                crate::cluster::columns::selector_text(sel),
                t.kind.plural()
            ),
            Scope::OnNode(node) => format!("{node} {}", t.kind.plural()),
        },
        Screen::Rollout(r) => format!("rollout {}", r.name),
        Screen::Containers(c) => format!("{} containers", c.name),
        Screen::Text(t) => t.title.clone(),
        Screen::Yaml(y) => y.title(),
        Screen::Logs(l) => l.title(),
        Screen::Contexts { .. } => "contexts".to_owned(),
        Screen::Forwards(_) => "port-forwards".to_owned(),
        Screen::History(h) => format!("history {}", h.name),
        Screen::Monitor(_) => "monitor".to_owned(),
    }
}
