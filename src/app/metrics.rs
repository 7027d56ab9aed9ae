//! Live CPU and memory use in the dashboard: which poll the shown screen needs (the
//! namespace's pods, or the nodes, or nothing), what the polls found, and the last
//! samples of each shown object for the sparklines. Pure, like the rest of `app`: the
//! runtime polls and hands the answers back, which [`MetricsState::take`] takes in and
//! says what else they change (app's `metrics_polling` asks for the polls and acts on
//! that).

pub mod history;
pub mod summary;

use std::time::Duration;

use jiff::Timestamp;

use self::history::{History, Subject};
use super::rows::Stores;
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

/// What a poll's report changed beyond the metrics, for the app to act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Taken {
    /// New pod samples: the monitor's cards and tables of pods sorted by use are due.
    Pods,
    /// New node samples: tables of nodes sorted by use are due.
    Nodes,
    /// Something the status line should say, as a warning.
    Warning(String),
    /// A poll failed: the status line should say this until the next answer (see
    /// [`MetricsState::failure_shown`]).
    Failed(String),
    /// Nothing else (a sample of a namespace left behind, or the same failure again).
    Nothing,
}

impl MetricsState {
    /// Takes a poll's report; a pods' sample feeds the sparkline rings of the pods `shown`
    /// (those on screen, by namespace and name, each once), and the other pods' rings go.
    pub fn take(&mut self, report: MetricsReport, shown: &[(String, String)]) -> Taken {
        match report {
            MetricsReport::Pods(sample) => {
                // A namespace left behind: its pods are not on screen.
                if let Some(MetricsTarget::Pods { namespace }) = &self.polling
                    && *namespace != sample.namespace
                {
                    return Taken::Nothing;
                }
                self.api = MetricsApi::Available;
                self.samples.unavailable = None;
                self.history.record_pods(&sample, shown);
                self.samples.pods = Some(sample);
                Taken::Pods
            }
            MetricsReport::Nodes(sample) => {
                self.api = MetricsApi::Available;
                self.samples.unavailable = None;
                self.history.record(
                    sample.taken,
                    sample
                        .nodes
                        .iter()
                        .map(|(name, u)| (Subject::Node(name.clone()), *u)),
                    |s| matches!(s, Subject::Node(_)),
                );
                self.samples.nodes = Some(sample);
                Taken::Nodes
            }
            MetricsReport::Unavailable(why) => {
                let news = !matches!(self.api, MetricsApi::Unavailable(_));
                self.samples = Samples {
                    unavailable: Some(why.clone()),
                    ..Samples::default()
                };
                let warning = format!(
                    "CPU/MEM n/a: no metrics API on this cluster (no metrics-server?): {why}"
                );
                self.api = MetricsApi::Unavailable(why);
                if news {
                    Taken::Warning(warning)
                } else {
                    Taken::Nothing
                }
            }
            MetricsReport::Forbidden(why) => {
                let news = !matches!(self.api, MetricsApi::Forbidden(_));
                self.samples = Samples::default();
                let warning = format!("CPU and memory columns hidden: {why}");
                self.api = MetricsApi::Forbidden(why);
                if news {
                    Taken::Warning(warning)
                } else {
                    Taken::Nothing
                }
            }
            MetricsReport::Failed(why) => Taken::Failed(format!("metrics: {why}")),
        }
    }

    /// Records the total use of each Deployment in `deployments` (slots of the
    /// Deployments' store) from the last pod sample, for the monitor's cards.
    pub fn record_deployments(&mut self, stores: &Stores, deployments: &[usize]) {
        let Some(sample) = self.samples.pods.as_ref() else {
            return;
        };
        let totals = summary::deployment_totals(stores, deployments, sample);
        self.history.record(
            sample.taken,
            totals
                .into_iter()
                .map(|((namespace, name), u)| (Subject::Deployment { namespace, name }, u)),
            |s| matches!(s, Subject::Deployment { .. }),
        );
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
