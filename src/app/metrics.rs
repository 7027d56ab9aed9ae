//! Live CPU and memory use in the dashboard: which poll the shown screen needs (the
//! namespace's pods, or the nodes, or nothing), what the polls found, and the last
//! samples of each shown object for the sparklines. Pure, like the rest of `app`: the
//! runtime polls ([`Effect::PollMetrics`]) and hands the answers back as
//! [`Msg::Metrics`](super::Msg::Metrics).

pub mod history;
pub mod summary;

use std::time::Duration;

use jiff::Timestamp;

use self::history::{History, Subject};
use super::msg::Effect;
use super::state::{Screen, State};
use crate::cluster::Kind;
use crate::cluster::metrics::{MetricsReport, MetricsTarget, Samples};
use crate::config::MetricsConfig;

/// What the metrics API turned out to be.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum MetricsApi {
    /// Not asked yet.
    #[default]
    Unknown,
    /// It answers.
    Available,
    /// The server has none (404, 503): the columns say `n/a`.
    Unavailable(String),
    /// The user may not read it (403): the columns are hidden.
    Forbidden(String),
}

/// The dashboard's knowledge of live use.
#[derive(Debug, Clone)]
pub struct MetricsState {
    /// Time between two polls (config file `[metrics] interval_seconds`).
    pub interval: Duration,
    /// What the runtime was last asked to poll.
    pub polling: Option<MetricsTarget>,
    /// What the API turned out to be.
    pub api: MetricsApi,
    /// The last samples, which the cells read.
    pub samples: Samples,
    /// The last samples of each shown object (sparklines).
    pub history: History,
    /// The status line a failed poll put up, taken down by the next answer unless
    /// something else was said since.
    pub failure_shown: Option<String>,
}

impl Default for MetricsState {
    fn default() -> Self {
        Self {
            interval: MetricsConfig::DEFAULT_INTERVAL,
            polling: None,
            api: MetricsApi::Unknown,
            samples: Samples::default(),
            history: History::default(),
            failure_shown: None,
        }
    }
}

impl MetricsState {
    /// Whether `kind`'s pane shows use columns: once the API answered, with numbers or
    /// `n/a`; not while unknown, and not where it is forbidden.
    pub fn shows_columns(&self, kind: Kind) -> bool {
        matches!(kind, Kind::Pod | Kind::Node)
            && matches!(self.api, MetricsApi::Available | MetricsApi::Unavailable(_))
    }

    /// Whether the metrics API answers: the views beside the tables (rollout, monitor)
    /// show use only then, and say nothing rather than `n/a`.
    pub fn available(&self) -> bool {
        self.api == MetricsApi::Available
    }

    /// Forgets everything but the interval (another cluster).
    pub fn reset(&mut self) {
        *self = Self {
            interval: self.interval,
            ..Self::default()
        };
    }

    /// When the sample `kind`'s pane shows was taken.
    pub fn taken(&self, kind: Kind) -> Option<Timestamp> {
        match kind {
            Kind::Pod => self.samples.pods.as_ref().and_then(|s| s.taken),
            Kind::Node => self.samples.nodes.as_ref().and_then(|s| s.taken),
            _ => None,
        }
    }
}

/// The poll the shown screen needs: the pods of the namespace for pods, their containers,
/// a pod's describe, the rollout view and the monitor; the nodes for nodes and a node's
/// describe. Where the screen needs none, the pods of the namespace while this kdeck
/// drives a canary plan with a memory gate (its verdicts need the samples); else nothing.
pub fn wanted(state: &State) -> Option<MetricsTarget> {
    let pods = || MetricsTarget::Pods {
        namespace: state.namespace.clone(),
    };
    shown_wants(state, pods).or_else(|| {
        let gated = state
            .canary
            .tracked
            .values()
            .any(|p| p.driving && p.record.as_ref().is_some_and(|r| r.gates.memory.is_some()));
        gated.then(pods)
    })
}

fn shown_wants(state: &State, pods: impl Fn() -> MetricsTarget) -> Option<MetricsTarget> {
    match state.screen() {
        Screen::Table(t) if t.kind == Kind::Pod => Some(pods()),
        Screen::Table(t) if t.kind == Kind::Node => Some(MetricsTarget::Nodes),
        Screen::Text(t) => match t.key.as_ref().map(|k| k.kind) {
            Some(Kind::Pod) => Some(pods()),
            Some(Kind::Node) => Some(MetricsTarget::Nodes),
            _ => None,
        },
        Screen::Containers(_) | Screen::Rollout(_) | Screen::Monitor(_) => Some(pods()),
        _ => None,
    }
}

/// Asks the runtime to poll what the screen needs, when that changed.
pub fn ensure_polling(state: &mut State) -> Option<Effect> {
    if state.connection.switching_to.is_some() {
        return None;
    }
    let target = wanted(state);
    // The monitor opened on a sample already there: its cards need not wait for the next.
    if matches!(state.screen(), Screen::Monitor(_))
        && !state
            .metrics
            .history
            .holds(|s| matches!(s, Subject::Deployment { .. }))
    {
        record_monitor(state);
    }
    if target == state.metrics.polling {
        return None;
    }
    state.metrics.polling.clone_from(&target);
    Some(Effect::PollMetrics {
        target,
        interval: state.metrics.interval,
    })
}

/// Takes a poll's report.
pub fn report(state: &mut State, report: MetricsReport) {
    if !matches!(report, MetricsReport::Failed(_))
        && let Some(failure) = state.metrics.failure_shown.take()
        && state.status.as_ref() == Some(&failure)
    {
        state.status = None;
    }
    let m = &mut state.metrics;
    match report {
        MetricsReport::Pods(sample) => {
            // A namespace left behind: its pods are not on screen.
            if let Some(MetricsTarget::Pods { namespace }) = &m.polling
                && *namespace != sample.namespace
            {
                return;
            }
            m.api = MetricsApi::Available;
            m.samples.unavailable = None;
            m.history.record_pods(&sample);
            m.samples.pods = Some(sample);
            record_monitor(state);
            resort(state, Kind::Pod);
        }
        MetricsReport::Nodes(sample) => {
            m.api = MetricsApi::Available;
            m.samples.unavailable = None;
            m.history.record(
                sample.taken,
                sample
                    .nodes
                    .iter()
                    .map(|(name, u)| (Subject::Node(name.clone()), *u)),
                |s| matches!(s, Subject::Node(_)),
            );
            m.samples.nodes = Some(sample);
            resort(state, Kind::Node);
        }
        MetricsReport::Unavailable(why) => {
            if !matches!(m.api, MetricsApi::Unavailable(_)) {
                state.status = Some(format!(
                    "CPU/MEM n/a: no metrics API on this cluster (no metrics-server?): {why}"
                ));
                state.status_ok = false;
            }
            m.samples = Samples {
                unavailable: Some(why.clone()),
                ..Samples::default()
            };
            m.api = MetricsApi::Unavailable(why);
        }
        MetricsReport::Forbidden(why) => {
            if !matches!(m.api, MetricsApi::Forbidden(_)) {
                state.status = Some(format!("CPU and memory columns hidden: {why}"));
                state.status_ok = false;
            }
            m.samples = Samples::default();
            m.api = MetricsApi::Forbidden(why);
        }
        MetricsReport::Failed(why) => {
            let shown = format!("metrics: {why}");
            state.status = Some(shown.clone());
            state.status_ok = false;
            m.failure_shown = Some(shown);
        }
    }
}

/// Records the total of each Deployment on the monitor's cards, when the monitor is shown.
fn record_monitor(state: &mut State) {
    let (Some(Screen::Monitor(view)), Some(sample)) =
        (state.screens.last(), state.metrics.samples.pods.as_ref())
    else {
        return;
    };
    let totals = summary::deployment_totals(&state.stores, view, sample);
    state.metrics.history.record(
        sample.taken,
        totals
            .into_iter()
            .map(|((namespace, name), u)| (Subject::Deployment { namespace, name }, u)),
        |s| matches!(s, Subject::Deployment { .. }),
    );
}

/// Tables of `kind` sorted by a use column are sorted again with the new sample.
fn resort(state: &mut State, kind: Kind) {
    let all = state.all_namespaces();
    for screen in &mut state.screens {
        if let Screen::Table(t) = screen
            && t.kind == kind
        {
            let columns = crate::cluster::columns::columns_for(kind, all, &[]);
            // Columns past the kind's own are the use columns.
            if t.sort_column >= columns.len() {
                t.computed_from = None;
            }
        }
    }
}

/// The age of a sample as the pane title says it, in steps of five seconds under a
/// minute (so an idle pane is redrawn for it every five seconds, not every second), and
/// the seconds until it reads differently.
pub fn sample_age(taken: Timestamp, now: Timestamp) -> (String, i64) {
    let secs = crate::human_duration::seconds_between(taken, now).max(0);
    if secs < 60 {
        let step = secs - secs % 5;
        (format!("{step}s"), step + 5 - secs)
    } else {
        (
            crate::human_duration::human_duration(secs),
            crate::human_duration::seconds_until_change(secs),
        )
    }
}
